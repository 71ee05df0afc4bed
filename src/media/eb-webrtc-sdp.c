/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <stdlib.h>
#include <string.h>

#include <eboard/eb-error.h>

#include "eb-webrtc-sdp-private.h"

const char *
eb_rtp_codec_to_string (EbRtpCodec codec)
{
  switch (codec)
    {
      case EB_RTP_CODEC_VP8:
        return "vp8";
      case EB_RTP_CODEC_H264:
        return "h264";
      case EB_RTP_CODEC_OPUS:
        return "opus";
      default:
        return "unknown";
    }
}

EbRtpFormat *
eb_rtp_format_copy (const EbRtpFormat *format)
{
  EbRtpFormat *copy = g_new0 (EbRtpFormat, 1);

  *copy = *format;
  copy->h264_profile = g_strdup (format->h264_profile);
  copy->caps = format->caps != NULL ? gst_caps_ref (format->caps) : NULL;
  return copy;
}

void
eb_rtp_format_free (EbRtpFormat *format)
{
  if (format == NULL)
    return;
  g_free (format->h264_profile);
  gst_clear_caps (&format->caps);
  g_free (format);
}

static gboolean
is_baseline (const char *profile)
{
  return g_strcmp0 (profile, "baseline") == 0 || g_strcmp0 (profile, "constrained-baseline") == 0;
}

gboolean
eb_rtp_format_can_receive (const EbRtpFormat *accepted, const EbRtpFormat *sent)
{
  g_return_val_if_fail (accepted != NULL && sent != NULL, FALSE);

  if (accepted->codec != sent->codec)
    return FALSE;
  if (accepted->codec != EB_RTP_CODEC_H264)
    return TRUE;
  /* browsers send constrained baseline under either name; the level is
   * the receiver's to state and does not decide decodability here */
  if (is_baseline (accepted->h264_profile) && is_baseline (sent->h264_profile))
    return TRUE;
  return g_strcmp0 (accepted->h264_profile, sent->h264_profile) == 0;
}

/* The profile of an H.264 profile-level-id (RFC 6184, table 5); the
 * default when absent is baseline (42000a). */
static char *
h264_profile_from_id (const char *profile_level_id)
{
  guint64 value;
  guint idc;
  guint iop;
  char *end = NULL;

  if (profile_level_id == NULL)
    return g_strdup ("baseline");
  if (strlen (profile_level_id) != 6)
    return NULL;
  value = g_ascii_strtoull (profile_level_id, &end, 16);
  if (end == NULL || *end != '\0')
    return NULL;
  idc = (guint)(value >> 16) & 0xff;
  iop = (guint)(value >> 8) & 0xff;
  if ((idc == 0x42 && (iop & 0x40)) || (idc == 0x4d && (iop & 0x80))
      || (idc == 0x58 && (iop & 0xc0) == 0xc0))
    return g_strdup ("constrained-baseline");
  switch (idc)
    {
      case 0x42:
        return g_strdup ("baseline");
      case 0x4d:
        return g_strdup ("main");
      case 0x58:
        return g_strdup ("extended");
      case 0x64:
        return g_strdup ("high");
      default:
        return g_strdup_printf ("profile-idc-%u", idc);
    }
}

/* (transfer full) (nullable): format @pt of @media, if eboard takes it */
static EbRtpFormat *
format_from_media (const GstSDPMedia *media, guint pt, gboolean video)
{
  g_autoptr (GstCaps) caps = gst_sdp_media_get_caps_from_media (media, (gint)pt);
  g_autoptr (EbRtpFormat) format = NULL;
  GstStructure *structure;
  const char *encoding;
  gint clock_rate = 0;

  if (caps == NULL || gst_caps_is_empty (caps))
    return NULL;
  caps = gst_caps_make_writable (caps);
  structure = gst_caps_get_structure (caps, 0);
  gst_structure_set_name (structure, "application/x-rtp");
  encoding = gst_structure_get_string (structure, "encoding-name");
  if (encoding == NULL || !gst_structure_get_int (structure, "clock-rate", &clock_rate))
    return NULL;

  format = g_new0 (EbRtpFormat, 1);
  format->pt = pt;
  format->video = video;
  format->clock_rate = (guint)clock_rate;
  if (video && g_ascii_strcasecmp (encoding, "VP8") == 0 && clock_rate == 90000)
    format->codec = EB_RTP_CODEC_VP8;
  else if (video && g_ascii_strcasecmp (encoding, "H264") == 0 && clock_rate == 90000)
    {
      /* FU-A fragments are forwarded as they come: mode 1 only */
      if (g_strcmp0 (gst_structure_get_string (structure, "packetization-mode"), "1") != 0)
        return NULL;
      format->h264_profile
          = h264_profile_from_id (gst_structure_get_string (structure, "profile-level-id"));
      if (format->h264_profile == NULL)
        return NULL;
      format->codec = EB_RTP_CODEC_H264;
    }
  else if (!video && g_ascii_strcasecmp (encoding, "OPUS") == 0 && clock_rate == 48000)
    format->codec = EB_RTP_CODEC_OPUS;
  else
    return NULL;
  format->caps = g_steal_pointer (&caps);
  return g_steal_pointer (&format);
}

static void
eb_offered_media_free (EbOfferedMedia *media)
{
  g_ptr_array_unref (media->formats);
  g_free (media);
}

void
eb_offer_free (EbOffer *offer)
{
  if (offer == NULL)
    return;
  if (offer->sdp != NULL)
    gst_sdp_message_free (offer->sdp);
  g_clear_pointer (&offer->media, g_ptr_array_unref);
  g_free (offer);
}

GstSDPMessage *
eb_offer_copy_sdp (const EbOffer *offer)
{
  GstSDPMessage *copy = NULL;

  gst_sdp_message_copy (offer->sdp, &copy);
  return copy;
}

static gboolean
has_attribute (const GstSDPMessage *sdp, const GstSDPMedia *media, const char *name)
{
  return gst_sdp_media_get_attribute_val (media, name) != NULL
         || gst_sdp_message_get_attribute_val (sdp, name) != NULL;
}

/* The direction attributes of @media (sendrecv when none is given). */
static void
media_direction (const GstSDPMedia *media, gboolean *sends, gboolean *receives)
{
  *sends = TRUE;
  *receives = TRUE;
  if (gst_sdp_media_get_attribute_val (media, "sendonly") != NULL)
    *receives = FALSE;
  else if (gst_sdp_media_get_attribute_val (media, "recvonly") != NULL)
    *sends = FALSE;
  else if (gst_sdp_media_get_attribute_val (media, "inactive") != NULL)
    *sends = *receives = FALSE;
}

static EbOfferedMedia *
parse_media (const GstSDPMessage *sdp, guint index, GError **error)
{
  const GstSDPMedia *media = gst_sdp_message_get_media (sdp, index);
  g_autoptr (GPtrArray) formats
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_rtp_format_free);
  EbOfferedMedia *offered;
  const char *kind = gst_sdp_media_get_media (media);
  const char *proto = gst_sdp_media_get_proto (media);
  gboolean video;

  if (g_strcmp0 (kind, "audio") != 0 && g_strcmp0 (kind, "video") != 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "m-line %u is \"%s\": only audio and video are taken", index,
                   kind != NULL ? kind : "");
      return NULL;
    }
  video = g_str_equal (kind, "video");
  if (proto == NULL || strstr (proto, "SAVPF") == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "m-line %u uses \"%s\": WebRTC needs UDP/TLS/RTP/SAVPF", index,
                   proto != NULL ? proto : "");
      return NULL;
    }
  /* port 0 only with bundle-only (RFC 8843): the m-line travels on the
   * first one's transport */
  if (gst_sdp_media_get_port (media) == 0
      && gst_sdp_media_get_attribute_val (media, "bundle-only") == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "m-line %u is disabled (port 0)", index);
      return NULL;
    }
  if (!has_attribute (sdp, media, "ice-ufrag") || !has_attribute (sdp, media, "ice-pwd"))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "m-line %u has no ICE credentials", index);
      return NULL;
    }
  if (!has_attribute (sdp, media, "fingerprint"))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "m-line %u has no DTLS fingerprint", index);
      return NULL;
    }
  for (guint i = 0; i < gst_sdp_media_formats_len (media); i++)
    {
      const char *text = gst_sdp_media_get_format (media, i);
      char *end = NULL;
      guint64 pt = g_ascii_strtoull (text, &end, 10);
      EbRtpFormat *format;

      if (end == text || *end != '\0' || pt > 127)
        continue;
      format = format_from_media (media, (guint)pt, video);
      if (format != NULL)
        g_ptr_array_add (formats, format);
    }
  if (formats->len == 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "m-line %u (%s) offers no codec that is forwarded: %s", index, kind,
                   video ? "VP8 or H.264 (packetization-mode=1) video" : "Opus audio");
      return NULL;
    }
  offered = g_new0 (EbOfferedMedia, 1);
  offered->index = index;
  offered->video = video;
  media_direction (media, &offered->offerer_sends, &offered->offerer_receives);
  offered->formats = g_steal_pointer (&formats);
  return offered;
}

/**
 * eb_offer_parse:
 * @text: an SDP offer, as received
 *
 * Returns: (transfer full) (nullable): the offer and what each m-line
 *   offers that eboard takes
 */
EbOffer *
eb_offer_parse (const char *text, GError **error)
{
  g_autoptr (EbOffer) offer = NULL;
  GstSDPMessage *sdp = NULL;
  guint n_media;

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, "the SDP offer is empty");
      return NULL;
    }
  if (strlen (text) > EB_WEBRTC_MAX_OFFER_BYTES)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_TOO_LARGE, "the SDP offer is longer than %u bytes",
                   (guint)EB_WEBRTC_MAX_OFFER_BYTES);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL) || !g_str_has_prefix (text, "v=0"))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "not an SDP offer: it must start with \"v=0\"");
      return NULL;
    }
  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK || sdp == NULL)
    {
      if (sdp != NULL)
        gst_sdp_message_free (sdp);
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, "the SDP offer cannot be parsed");
      return NULL;
    }
  offer = g_new0 (EbOffer, 1);
  offer->sdp = sdp;
  offer->media = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_offered_media_free);

  if (gst_sdp_message_get_origin (sdp) == NULL || gst_sdp_message_get_origin (sdp)->sess_id == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, "the SDP offer has no origin (o=)");
      return NULL;
    }
  n_media = gst_sdp_message_medias_len (sdp);
  if (n_media == 0)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, "the SDP offer has no m-line");
      return NULL;
    }
  if (n_media > EB_WEBRTC_MAX_MEDIA)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "the SDP offer has %u m-lines (at most %u)",
                   n_media, (guint)EB_WEBRTC_MAX_MEDIA);
      return NULL;
    }
  for (guint i = 0; i < n_media; i++)
    {
      EbOfferedMedia *media = parse_media (sdp, i, error);

      if (media == NULL)
        return NULL;
      g_ptr_array_add (offer->media, media);
    }
  return g_steal_pointer (&offer);
}
