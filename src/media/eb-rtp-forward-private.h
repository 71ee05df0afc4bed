/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "eb-webrtc-sdp-private.h"

G_BEGIN_DECLS

/*
 * The forwarding of one published stream (a participant's video, or
 * audio) to its viewers as the same RTP payloads: nothing is decoded or
 * re-encoded. Each viewer (an EbRtpSink) gets the packets rewritten to
 * what it negotiated: its payload type, its SSRC, continuous sequence
 * numbers and timestamps (also across a publisher reconnecting), no
 * header extensions. A video sink starts at a keyframe, and asks the
 * publisher for one while it waits.
 *
 * An EbRtpSource lives as long as its track: a publisher attaches its
 * stream to it (a newer connection of the same person replaces the
 * older one) and detaches when it leaves; the sinks stay.
 *
 * Threads: eb_rtp_source_push() runs on the publisher's streaming
 * thread; everything else on any thread. A sink whose queue (the
 * viewer's appsrc) overflows is removed at once and reported through its
 * dropped callback, called from the pushing thread without locks held.
 */
typedef struct _EbRtpSource EbRtpSource;
typedef struct _EbRtpSink EbRtpSink;

/* Any thread: ask the publisher for a keyframe. */
typedef void (*EbRtpKeyframeFunc) (gpointer user_data);
/* The streaming thread: @sink was removed because it could not keep up. */
typedef void (*EbRtpSinkDroppedFunc) (EbRtpSink *sink, const char *reason, gpointer user_data);

EbRtpSource *eb_rtp_source_new (const char *track, gboolean video);
EbRtpSource *eb_rtp_source_ref (EbRtpSource *source);
void eb_rtp_source_unref (EbRtpSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRtpSource, eb_rtp_source_unref)

const char *eb_rtp_source_get_track (EbRtpSource *source);
gboolean eb_rtp_source_is_video (EbRtpSource *source);

/* A publisher's stream of @format feeds the source from now on (any
 * previous one is cut off). Returns: the input's generation, for
 * eb_rtp_source_push() and eb_rtp_source_detach(). */
guint eb_rtp_source_attach (EbRtpSource *source, const EbRtpFormat *format,
                            EbRtpKeyframeFunc request_keyframe, gpointer user_data,
                            GDestroyNotify destroy);
/* The input of @generation is gone (nothing if a newer one replaced it). */
void eb_rtp_source_detach (EbRtpSource *source, guint generation);
/* (transfer full) (nullable): the format of the current input */
EbRtpFormat *eb_rtp_source_dup_format (EbRtpSource *source);
/* @buffer (transfer none): one RTP packet of input @generation */
void eb_rtp_source_push (EbRtpSource *source, guint generation, GstBuffer *buffer);
/* Asks the current input for a keyframe (rate-limited). */
void eb_rtp_source_request_keyframe (EbRtpSource *source);
guint64 eb_rtp_source_get_packets_in (EbRtpSource *source);

/**
 * eb_rtp_sink_new:
 * @appsrc: the viewer's appsrc (its caps say @format's payload type and
 *   @ssrc)
 * @format: what the viewer negotiated
 * @queue_limit: bytes queued in @appsrc beyond which the viewer is
 *   dropped
 */
EbRtpSink *eb_rtp_sink_new (GstElement *appsrc, const EbRtpFormat *format, guint32 ssrc,
                            gsize queue_limit, EbRtpSinkDroppedFunc dropped, gpointer user_data,
                            GDestroyNotify destroy);
EbRtpSink *eb_rtp_sink_ref (EbRtpSink *sink);
void eb_rtp_sink_unref (EbRtpSink *sink);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRtpSink, eb_rtp_sink_unref)
guint eb_rtp_sink_get_packets_out (EbRtpSink *sink);

void eb_rtp_source_add_sink (EbRtpSource *source, EbRtpSink *sink);
/* Returns: whether @sink was one of @source's */
gboolean eb_rtp_source_remove_sink (EbRtpSource *source, EbRtpSink *sink);
guint eb_rtp_source_get_n_sinks (EbRtpSource *source);

/* Whether a viewer that accepts @accepted decodes what a publisher sends
 * as @sent: eb_rtp_format_can_receive(), and for H.264 also a receiver
 * of a profile whose decoders decode @sent's (High 4:4:4 Predictive >
 * High 4:2:2 > High 10 > High > Main > Constrained Baseline). */
gboolean eb_rtp_format_decodes (const EbRtpFormat *accepted, const EbRtpFormat *sent);

/* Whether @payload (an RTP payload of @codec) starts a keyframe: a VP8
 * key frame's first partition, an H.264 SPS or IDR slice. */
gboolean eb_rtp_payload_starts_keyframe (EbRtpCodec codec, const guint8 *payload, gsize length);

G_END_DECLS
