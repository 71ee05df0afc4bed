/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

G_BEGIN_DECLS

/*
 * What eboard forwards and records from browsers, as RTP: VP8 or H.264
 * (packetization-mode 1) video and Opus audio. Nothing is transcoded, so
 * a viewer receives a publisher's stream only when it can decode that
 * very codec (and, for H.264, profile).
 */

/* An SDP offer is at most this long. */
#define EB_WEBRTC_MAX_OFFER_BYTES (64 * 1024)
/* ... and holds at most this many m-lines. */
#define EB_WEBRTC_MAX_MEDIA 16

typedef enum
{
  EB_RTP_CODEC_VP8 = 1,
  EB_RTP_CODEC_H264,
  EB_RTP_CODEC_OPUS,
} EbRtpCodec;

/* "vp8", "h264", "opus": the names the recording manifest uses */
const char *eb_rtp_codec_to_string (EbRtpCodec codec);

/**
 * EbRtpFormat:
 * @codec: the codec
 * @video: whether it is a video codec
 * @pt: the payload type of the SDP it came from
 * @clock_rate: the RTP clock rate
 * @h264_profile: (nullable): for H.264, the profile of its
 *   profile-level-id ("constrained-baseline", "baseline", "main", "high")
 * @caps: `application/x-rtp` for @pt, with the m-line's fmtp and rtcp-fb
 *   fields
 *
 * One acceptable payload format of an m-line.
 */
typedef struct
{
  EbRtpCodec codec;
  gboolean video;
  guint pt;
  guint clock_rate;
  char *h264_profile;
  GstCaps *caps;
} EbRtpFormat;

EbRtpFormat *eb_rtp_format_copy (const EbRtpFormat *format);
void eb_rtp_format_free (EbRtpFormat *format);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRtpFormat, eb_rtp_format_free)

/* Whether a receiver that accepts @accepted decodes what a sender
 * produces as @sent (same codec; for H.264 a compatible profile and
 * packetization mode 1). */
gboolean eb_rtp_format_can_receive (const EbRtpFormat *accepted, const EbRtpFormat *sent);

/**
 * EbOfferedMedia:
 * @index: the m-line's index in the offer
 * @video: a video m-line (else audio)
 * @offerer_sends: its direction is sendonly or sendrecv
 * @offerer_receives: its direction is recvonly or sendrecv
 * @formats: (element-type EbRtpFormat): the acceptable formats, in the
 *   offer's order of preference
 */
typedef struct
{
  guint index;
  gboolean video;
  gboolean offerer_sends;
  gboolean offerer_receives;
  GPtrArray *formats;
} EbOfferedMedia;

/**
 * EbOffer:
 * @sdp: the parsed offer
 * @media: (element-type EbOfferedMedia): one per m-line, in order
 */
typedef struct
{
  GstSDPMessage *sdp;
  GPtrArray *media;
} EbOffer;

/* (transfer full) (nullable): @text checked for what a WebRTC offer
 * must hold (ICE credentials, a DTLS fingerprint, RTP/SAVPF audio or
 * video m-lines, each with at least one acceptable format); otherwise
 * %NULL and %EB_ERROR_INVALID (or %EB_ERROR_TOO_LARGE) naming what is
 * wrong. */
EbOffer *eb_offer_parse (const char *text, GError **error);
void eb_offer_free (EbOffer *offer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbOffer, eb_offer_free)

/* (transfer full): a copy of @offer's SDP, for
 * gst_webrtc_session_description_new() (which takes it) */
GstSDPMessage *eb_offer_copy_sdp (const EbOffer *offer);

G_END_DECLS
