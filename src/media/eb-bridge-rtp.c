/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <gst/app/gstappsrc.h>

#include <eboard/eb-error.h>

#include "eb-bridge-pipeline-private.h"
#include "eb-bridge-rtp-private.h"

#define EB_RTP_BRIDGE_DEMUX "bridge-srt-demux"
#define EB_RTP_BRIDGE_PAY_H264 "bridge-srt-pay-h264"
#define EB_RTP_BRIDGE_PAY_OPUS "bridge-srt-pay-opus"
/* Bytes queued in the appsrc before new input is dropped. */
#define EB_RTP_BRIDGE_MAX_BYTES (2 * 1024 * 1024)
#define EB_RTP_BRIDGE_DROP_LOG_INTERVAL_US (5 * G_USEC_PER_SEC)

/* One bridged stream: a payloader's output feeding a source. */
typedef struct
{
  EbRtpBridge *bridge;
  EbRtpSource *source;
  gboolean linked; /* the demuxer's streaming thread */
  /* the bridge's lock */
  GstCaps *caps;     /* of the input attached */
  guint generation;  /* 0: not attached */
  gboolean unusable; /* its caps were not a format viewers take */
} EbBridgeOutput;

struct _EbRtpBridge
{
  EbBridgePipeline pipe; /* its bin: the demuxer and the streams */
  GstElement *appsrc;
  GstElement *demux;
  char *pay_h264;
  char *pay_opus;
  EbBridgeOutput video;
  EbBridgeOutput audio;

  GMutex lock;
  gboolean running;
  gboolean pads_done; /* the demuxer exposed every stream of the program */
  gboolean resting;   /* input is not demuxed while nobody views the track */
  guint64 max_bytes;
  guint64 dropped;
  gint64 last_drop_log;
};

static GHashTable *
demux_values (void)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (values, (gpointer) "max_bytes",
                       g_strdup_printf ("%u", (guint)EB_RTP_BRIDGE_MAX_BYTES));
  return values;
}

/* The "bridge-srt-demux" template's named elements. */
static gboolean
find_elements (GstElement *bin, GstElement **appsrc, GstElement **demux, GError **error)
{
  g_autoptr (GstElement) src = gst_bin_get_by_name (GST_BIN (bin), "src");
  g_autoptr (GstElement) dmx = gst_bin_get_by_name (GST_BIN (bin), "demux");

  if (src == NULL || !GST_IS_APP_SRC (src))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "pipeline template " EB_RTP_BRIDGE_DEMUX
                           ": needs an appsrc named \"src\"");
      return FALSE;
    }
  if (dmx == NULL || g_signal_lookup ("pad-added", G_OBJECT_TYPE (dmx)) == 0)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "pipeline template " EB_RTP_BRIDGE_DEMUX
                           ": needs a demuxer named \"demux\"");
      return FALSE;
    }
  if (appsrc != NULL)
    *appsrc = g_steal_pointer (&src);
  if (demux != NULL)
    *demux = g_steal_pointer (&dmx);
  return TRUE;
}

static gboolean
has_elements (GstElement *bin, GError **error)
{
  return find_elements (bin, NULL, NULL, error);
}

gboolean
eb_rtp_bridge_check_templates (EbPipelineTemplates *templates, GError **error)
{
  const char *const fragments[] = { EB_RTP_BRIDGE_PAY_H264, EB_RTP_BRIDGE_PAY_OPUS, NULL };
  g_autoptr (GHashTable) values = demux_values ();

  return eb_bridge_check_templates (templates, fragments, EB_RTP_BRIDGE_DEMUX, values, has_elements,
                                    error);
}

/* --- the streams (streaming threads) --- */

/* (transfer full) (nullable): the format of a payloader's @caps, if
 * viewers take it (H.264 with its profile, Opus) */
static EbRtpFormat *
format_from_caps (GstCaps *caps)
{
  const GstStructure *structure = gst_caps_get_structure (caps, 0);
  const char *encoding = gst_structure_get_string (structure, "encoding-name");
  g_autoptr (EbRtpFormat) format = g_new0 (EbRtpFormat, 1);
  gint pt = 0;
  gint clock_rate = 0;

  if (encoding == NULL || !gst_structure_get_int (structure, "payload", &pt)
      || !gst_structure_get_int (structure, "clock-rate", &clock_rate))
    return NULL;
  format->pt = (guint)pt;
  format->clock_rate = (guint)clock_rate;
  if (g_ascii_strcasecmp (encoding, "H264") == 0)
    {
      /* h264parse's name of the SPS's profile, which the payloader
       * passes on */
      format->h264_profile = g_strdup (gst_structure_get_string (structure, "profile"));
      if (format->h264_profile == NULL)
        return NULL;
      format->codec = EB_RTP_CODEC_H264;
      format->video = TRUE;
    }
  else if (g_ascii_strcasecmp (encoding, "OPUS") == 0)
    format->codec = EB_RTP_CODEC_OPUS;
  else
    return NULL;
  format->caps = gst_caps_ref (caps);
  return g_steal_pointer (&format);
}

/* With the bridge's lock held: the generation to push @caps' packets
 * with (0: none), attaching the output's source to a new input when the
 * caps change (a new stream for every viewer, from its next keyframe). */
static guint
ensure_attached (EbBridgeOutput *output, GstCaps *caps)
{
  g_autoptr (EbRtpFormat) format = NULL;

  if (caps == NULL || !output->bridge->running)
    return 0;
  if (output->caps != NULL && gst_caps_is_equal (output->caps, caps))
    return output->unusable ? 0 : output->generation;
  gst_caps_replace (&output->caps, caps);
  format = format_from_caps (caps);
  output->unusable = format == NULL;
  if (format == NULL)
    {
      g_autofree char *text = gst_caps_to_string (caps);

      g_message ("track %s: its stream %s is not bridged to browsers", output->bridge->pipe.track,
                 text);
      if (output->generation != 0)
        eb_rtp_source_detach (output->source, output->generation);
      output->generation = 0;
      return 0;
    }
  /* an SRT encoder cannot be asked for a keyframe */
  output->generation = eb_rtp_source_attach (output->source, format, NULL, NULL, NULL);
  return output->generation;
}

/* A payloader's packet: forwarded to the source's viewers. */
static GstFlowReturn
new_sample_cb (GstAppSink *appsink, gpointer user_data)
{
  EbBridgeOutput *output = user_data;
  EbRtpBridge *bridge = output->bridge;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (appsink);
  GstBuffer *buffer;
  guint generation;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  g_mutex_lock (&bridge->lock);
  generation = ensure_attached (output, gst_sample_get_caps (sample));
  g_mutex_unlock (&bridge->lock);
  if (generation != 0 && buffer != NULL)
    eb_rtp_source_push (output->source, generation, buffer);
  return GST_FLOW_OK;
}

/* Streaming thread: a stream that is not bridged (a second video, AAC,
 * data) is taken and dropped, so that the demuxer never stops on it. */
static void
link_to_fakesink (EbRtpBridge *bridge, GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sinkpad = NULL;

  g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
  gst_bin_add (GST_BIN (bridge->pipe.bin), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_element_sync_state_with_parent (sink);
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_message ("track %s: cannot drop the stream of %s", bridge->pipe.track, GST_PAD_NAME (pad));
}

/* Streaming thread: demuxer pad -> payloader fragment -> appsink. */
static gboolean
link_output (EbRtpBridge *bridge, GstPad *pad, const char *description, EbBridgeOutput *output)
{
  GstAppSinkCallbacks callbacks = { .new_sample = new_sample_cb };
  g_autoptr (GError) error = NULL;
  g_autoptr (GstPad) fragment_sink = NULL;
  g_autoptr (GstPad) fragment_src = NULL;
  g_autoptr (GstPad) appsink_pad = NULL;
  GstElement *fragment;
  GstElement *appsink;

  fragment = gst_parse_bin_from_description (description, TRUE, &error);
  if (fragment == NULL)
    {
      g_message ("track %s: cannot bridge its stream to browsers: %s", bridge->pipe.track,
                 error->message);
      return FALSE;
    }
  appsink = eb_bridge_appsink_new (&callbacks, output);
  gst_bin_add_many (GST_BIN (bridge->pipe.bin), fragment, appsink, NULL);
  fragment_sink = gst_element_get_static_pad (fragment, "sink");
  fragment_src = gst_element_get_static_pad (fragment, "src");
  appsink_pad = gst_element_get_static_pad (appsink, "sink");
  if (fragment_sink == NULL || fragment_src == NULL
      || gst_pad_link (fragment_src, appsink_pad) != GST_PAD_LINK_OK)
    {
      g_message ("track %s: the browser bridge's fragment %s does not link", bridge->pipe.track,
                 description);
      return FALSE;
    }
  gst_element_sync_state_with_parent (appsink);
  gst_element_sync_state_with_parent (fragment);
  if (gst_pad_link (pad, fragment_sink) != GST_PAD_LINK_OK)
    {
      g_message ("track %s: cannot bridge its stream %s to browsers", bridge->pipe.track,
                 GST_PAD_NAME (pad));
      return FALSE;
    }
  output->linked = TRUE;
  return TRUE;
}

static void
demux_pad_added_cb (GstElement *demux, GstPad *pad, EbRtpBridge *bridge)
{
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  name = caps != NULL && !gst_caps_is_empty (caps)
             ? gst_structure_get_name (gst_caps_get_structure (caps, 0))
             : "";
  if (g_str_equal (name, "video/x-h264") && !bridge->video.linked
      && link_output (bridge, pad, bridge->pay_h264, &bridge->video))
    return;
  if (g_str_equal (name, "audio/x-opus") && !bridge->audio.linked
      && link_output (bridge, pad, bridge->pay_opus, &bridge->audio))
    return;
  if (g_str_equal (name, "audio/mpeg"))
    g_message ("track %s: its AAC audio cannot reach browsers without re-encoding: WHEP viewers "
               "get its video only",
               bridge->pipe.track);
  else if (g_str_has_prefix (name, "video/") || g_str_has_prefix (name, "audio/"))
    g_message ("track %s: its %s stream is not bridged to browsers", bridge->pipe.track, name);
  link_to_fakesink (bridge, pad);
}

/* Streaming thread, after the pads of the program were added. */
static void
demux_no_more_pads_cb (GstElement *demux, EbRtpBridge *bridge)
{
  g_mutex_lock (&bridge->lock);
  bridge->pads_done = TRUE;
  g_mutex_unlock (&bridge->lock);
}

/* --- input (any thread) --- */

/* With the lock held: whether each stream the bridge carries has shown
 * its format, which a WHEP viewer's negotiation needs. */
static gboolean
formats_known (EbRtpBridge *bridge)
{
  return bridge->pads_done && (!bridge->video.linked || bridge->video.caps != NULL)
         && (!bridge->audio.linked || bridge->audio.caps != NULL);
}

/* With the lock held: whether the bridge's input is demuxed now. Once
 * the formats are known, only while someone views the track: demuxing
 * and repacketising a room system's stream for nobody would cost as much
 * as recording it. A viewer's picture starts at the next keyframe
 * anyway. */
static gboolean
wants_input (EbRtpBridge *bridge)
{
  return !formats_known (bridge) || eb_rtp_source_get_n_sinks (bridge->video.source) > 0
         || eb_rtp_source_get_n_sinks (bridge->audio.source) > 0;
}

/* --- life cycle (main context) --- */

static void
detach_output (EbBridgeOutput *output)
{
  if (output->generation != 0)
    eb_rtp_source_detach (output->source, output->generation);
  output->generation = 0;
}

/* An error stopped the pipeline. */
static void
stop_cb (gpointer bridge)
{
  eb_rtp_bridge_stop (bridge);
}

EbRtpBridge *
eb_rtp_bridge_new (EbPipelineTemplates *templates, const char *track, EbRtpSource *video,
                   EbRtpSource *audio, GError **error)
{
  g_autoptr (EbRtpBridge) bridge = NULL;
  g_autoptr (GHashTable) values = demux_values ();

  g_return_val_if_fail (templates != NULL && track != NULL, NULL);
  g_return_val_if_fail (video != NULL && audio != NULL, NULL);

  bridge = g_new0 (EbRtpBridge, 1);
  g_mutex_init (&bridge->lock);
  bridge->video.bridge = bridge;
  bridge->video.source = eb_rtp_source_ref (video);
  bridge->audio.bridge = bridge;
  bridge->audio.source = eb_rtp_source_ref (audio);
  bridge->pay_h264 = eb_pipeline_templates_expand (templates, EB_RTP_BRIDGE_PAY_H264, NULL, error);
  if (bridge->pay_h264 == NULL)
    return NULL;
  bridge->pay_opus = eb_pipeline_templates_expand (templates, EB_RTP_BRIDGE_PAY_OPUS, NULL, error);
  if (bridge->pay_opus == NULL)
    return NULL;

  if (!eb_bridge_pipeline_init (&bridge->pipe, templates, EB_RTP_BRIDGE_DEMUX, values, track,
                                "to browsers", stop_cb, bridge, error)
      || !find_elements (bridge->pipe.bin, &bridge->appsrc, &bridge->demux, error))
    return NULL;
  g_object_get (bridge->appsrc, "max-bytes", &bridge->max_bytes, NULL);
  g_signal_connect (bridge->demux, "pad-added", G_CALLBACK (demux_pad_added_cb), bridge);
  g_signal_connect (bridge->demux, "no-more-pads", G_CALLBACK (demux_no_more_pads_cb), bridge);
  return g_steal_pointer (&bridge);
}

gboolean
eb_rtp_bridge_start (EbRtpBridge *bridge, GError **error)
{
  g_return_val_if_fail (bridge != NULL, FALSE);

  g_mutex_lock (&bridge->lock);
  bridge->running = TRUE;
  g_mutex_unlock (&bridge->lock);
  if (!eb_bridge_pipeline_play (&bridge->pipe, error))
    {
      eb_rtp_bridge_stop (bridge);
      return FALSE;
    }
  return TRUE;
}

/* With the lock held. */
static void
count_dropped (EbRtpBridge *bridge, gsize length)
{
  gint64 now = g_get_monotonic_time ();

  bridge->dropped += length;
  if (bridge->last_drop_log != 0
      && now - bridge->last_drop_log < EB_RTP_BRIDGE_DROP_LOG_INTERVAL_US)
    return;
  bridge->last_drop_log = now;
  g_message ("track %s: the bridge to browsers cannot keep up; %" G_GUINT64_FORMAT
             " bytes dropped so far",
             bridge->pipe.track, bridge->dropped);
}

void
eb_rtp_bridge_push (EbRtpBridge *bridge, const guint8 *data, gsize length)
{
  g_return_if_fail (bridge != NULL);

  if (length == 0)
    return;
  g_mutex_lock (&bridge->lock);
  if (bridge->running && !wants_input (bridge))
    bridge->resting = TRUE;
  else if (bridge->running)
    {
      GstAppSrc *appsrc = GST_APP_SRC (bridge->appsrc);

      if (bridge->max_bytes > 0
          && gst_app_src_get_current_level_bytes (appsrc) + length > bridge->max_bytes)
        count_dropped (bridge, length);
      else
        {
          GstBuffer *buffer = gst_buffer_new_memdup (data, length);

          /* the demuxer starts over after the gap */
          if (bridge->resting)
            GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
          bridge->resting = FALSE;
          gst_app_src_push_buffer (appsrc, buffer);
        }
    }
  g_mutex_unlock (&bridge->lock);
}

void
eb_rtp_bridge_stop (EbRtpBridge *bridge)
{
  g_return_if_fail (bridge != NULL);

  g_mutex_lock (&bridge->lock);
  bridge->running = FALSE;
  g_mutex_unlock (&bridge->lock);
  eb_bridge_pipeline_stop (&bridge->pipe);
  detach_output (&bridge->video);
  detach_output (&bridge->audio);
}

void
eb_rtp_bridge_free (EbRtpBridge *bridge)
{
  if (bridge == NULL)
    return;
  eb_rtp_bridge_stop (bridge);
  g_clear_object (&bridge->appsrc);
  g_clear_object (&bridge->demux);
  eb_bridge_pipeline_clear (&bridge->pipe);
  gst_clear_caps (&bridge->video.caps);
  gst_clear_caps (&bridge->audio.caps);
  g_clear_pointer (&bridge->video.source, eb_rtp_source_unref);
  g_clear_pointer (&bridge->audio.source, eb_rtp_source_unref);
  g_free (bridge->pay_h264);
  g_free (bridge->pay_opus);
  g_mutex_clear (&bridge->lock);
  g_free (bridge);
}
