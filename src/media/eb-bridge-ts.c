/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <gst/app/gstappsrc.h>

#include <eboard/eb-error.h>

#include "eb-bridge-pipeline-private.h"
#include "eb-bridge-ts-private.h"

#define EB_TS_BRIDGE_MUX "bridge-webrtc-mux"
#define EB_TS_BRIDGE_DEPAY_H264 "bridge-webrtc-depay-h264"
#define EB_TS_BRIDGE_DEPAY_OPUS "bridge-webrtc-depay-opus"

/* One source feeding the muxer. */
typedef struct
{
  EbRtpSource *source;
  EbRtpSink *sink;
} EbTsInput;

struct _EbTsBridge
{
  EbBridgePipeline pipe; /* its bin: the muxer, the inputs */
  GstElement *mux;
  GPtrArray *inputs; /* EbTsInput */
  EbTsBridgeOutputFunc output;
  gpointer user_data;
  gboolean started;
};

static void
eb_ts_input_free (EbTsInput *input)
{
  g_clear_pointer (&input->sink, eb_rtp_sink_unref);
  g_clear_pointer (&input->source, eb_rtp_source_unref);
  g_free (input);
}

gboolean
eb_ts_bridge_can_carry (const char *video_codec, const char *audio_codec, char **reason)
{
  g_autofree char *why = NULL;
  gboolean ok;

  if (video_codec != NULL && g_strcmp0 (video_codec, "h264") != 0)
    why = g_strdup_printf ("its video is %s, which MPEG-TS cannot carry without re-encoding",
                           g_strcmp0 (video_codec, "vp8") == 0 ? "VP8" : video_codec);
  else if (audio_codec != NULL && g_strcmp0 (audio_codec, "opus") != 0)
    why = g_strdup_printf ("its audio is %s, which MPEG-TS cannot carry without re-encoding",
                           audio_codec);
  else if (video_codec == NULL && audio_codec == NULL)
    why = g_strdup ("it carries neither video nor audio");
  ok = why == NULL;
  if (reason != NULL)
    *reason = g_steal_pointer (&why);
  return ok;
}

/* The "bridge-webrtc-mux" template's muxer. */
static GstElement *
find_mux (GstElement *bin, GError **error)
{
  g_autoptr (GstElement) mux = gst_bin_get_by_name (GST_BIN (bin), "mux");

  if (mux == NULL
      || gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (mux), "sink_%d") == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "pipeline template " EB_TS_BRIDGE_MUX
                           ": needs an MPEG-TS muxer named \"mux\"");
      return NULL;
    }
  return g_steal_pointer (&mux);
}

static gboolean
has_mux (GstElement *bin, GError **error)
{
  g_autoptr (GstElement) mux = find_mux (bin, error);

  return mux != NULL;
}

gboolean
eb_ts_bridge_check_templates (EbPipelineTemplates *templates, GError **error)
{
  const char *const fragments[] = { EB_TS_BRIDGE_DEPAY_H264, EB_TS_BRIDGE_DEPAY_OPUS, NULL };

  return eb_bridge_check_templates (templates, fragments, EB_TS_BRIDGE_MUX, NULL, has_mux, error);
}

/* --- streaming threads --- */

/* The muxer's output, as it comes. */
static GstFlowReturn
new_sample_cb (GstAppSink *appsink, gpointer user_data)
{
  EbTsBridge *bridge = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (appsink);
  GstBuffer *buffer;
  GstMapInfo map;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  if (map.size > 0)
    bridge->output (map.data, map.size, bridge->user_data);
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

/* The publisher's streaming thread: the muxer could not keep up with a
 * stream, which the source has dropped from the bridge. @user_data: the
 * track's name (the bridge may be gone by now). */
static void
sink_dropped_cb (EbRtpSink *sink, const char *reason, gpointer user_data)
{
  g_message ("track %s: a stream of its bridge to SRT viewers was dropped: %s",
             (const char *)user_data, reason);
}

/* --- building (main context) --- */

/* appsrc (the source's packets, as received) -> depayloader fragment ->
 * a request pad of the muxer. */
static gboolean
add_input (EbTsBridge *bridge, EbRtpSource *source, const char *description, gsize queue_limit,
           GError **error)
{
  g_autoptr (EbRtpFormat) format = eb_rtp_source_dup_format (source);
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstPad) src = NULL;
  g_autoptr (GstPad) fragment_sink = NULL;
  g_autoptr (GstPad) fragment_src = NULL;
  GstPad *mux_pad;
  GstElement *appsrc;
  GstElement *fragment;
  EbTsInput *input;
  guint32 ssrc = g_random_int ();
  gboolean linked;

  if (format == NULL)
    return TRUE; /* its publisher left already: nothing to carry */
  fragment = gst_parse_bin_from_description (description, TRUE, error);
  if (fragment == NULL)
    return FALSE;
  caps = gst_caps_copy (format->caps);
  gst_caps_set_simple (caps, "ssrc", G_TYPE_UINT, ssrc, NULL);
  appsrc = gst_element_factory_make ("appsrc", NULL);
  g_object_set (appsrc, "is-live", TRUE, "do-timestamp", TRUE, "format", GST_FORMAT_TIME, "block",
                FALSE, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (bridge->pipe.bin), appsrc, fragment, NULL);
  src = gst_element_get_static_pad (appsrc, "src");
  fragment_sink = gst_element_get_static_pad (fragment, "sink");
  fragment_src = gst_element_get_static_pad (fragment, "src");
  mux_pad = gst_element_request_pad_simple (bridge->mux, "sink_%d");
  linked = fragment_sink != NULL && fragment_src != NULL && mux_pad != NULL
           && gst_pad_link (src, fragment_sink) == GST_PAD_LINK_OK
           && gst_pad_link (fragment_src, mux_pad) == GST_PAD_LINK_OK;
  /* the muxer keeps its request pad */
  g_clear_object (&mux_pad);
  if (!linked)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                   "track %s: the bridge to SRT viewers cannot link %s", bridge->pipe.track,
                   description);
      return FALSE;
    }

  input = g_new0 (EbTsInput, 1);
  input->source = eb_rtp_source_ref (source);
  input->sink = eb_rtp_sink_new (appsrc, format, ssrc, queue_limit, sink_dropped_cb,
                                 g_strdup (bridge->pipe.track), g_free);
  g_ptr_array_add (bridge->inputs, input);
  return TRUE;
}

/* An error stopped the pipeline. */
static void
stop_cb (gpointer bridge)
{
  eb_ts_bridge_stop (bridge);
}

EbTsBridge *
eb_ts_bridge_new (EbPipelineTemplates *templates, const char *track, EbRtpSource *video,
                  EbRtpSource *audio, gsize queue_limit, EbTsBridgeOutputFunc output,
                  gpointer user_data, GError **error)
{
  g_autoptr (EbTsBridge) bridge = NULL;
  g_autofree char *depay_h264 = NULL;
  g_autofree char *depay_opus = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = new_sample_cb };
  GstElement *appsink;

  g_return_val_if_fail (templates != NULL && track != NULL && output != NULL, NULL);

  depay_h264 = eb_pipeline_templates_expand (templates, EB_TS_BRIDGE_DEPAY_H264, NULL, error);
  if (depay_h264 == NULL)
    return NULL;
  depay_opus = eb_pipeline_templates_expand (templates, EB_TS_BRIDGE_DEPAY_OPUS, NULL, error);
  if (depay_opus == NULL)
    return NULL;

  bridge = g_new0 (EbTsBridge, 1);
  bridge->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_ts_input_free);
  bridge->output = output;
  bridge->user_data = user_data;
  if (!eb_bridge_pipeline_init (&bridge->pipe, templates, EB_TS_BRIDGE_MUX, NULL, track,
                                "to SRT viewers", stop_cb, bridge, error))
    return NULL;
  bridge->mux = find_mux (bridge->pipe.bin, error);
  if (bridge->mux == NULL)
    return NULL;

  /* the muxer's output, through the bin's ghost pad */
  appsink = eb_bridge_appsink_new (&callbacks, bridge);
  gst_bin_add (GST_BIN (bridge->pipe.pipeline), appsink);
  if (!gst_element_link (bridge->pipe.bin, appsink))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "pipeline template " EB_TS_BRIDGE_MUX ": its output does not link");
      return NULL;
    }

  if ((video != NULL && !add_input (bridge, video, depay_h264, queue_limit, error))
      || (audio != NULL && !add_input (bridge, audio, depay_opus, queue_limit, error)))
    return NULL;
  if (bridge->inputs->len == 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND, "track %s: nothing is published", track);
      return NULL;
    }
  return g_steal_pointer (&bridge);
}

gboolean
eb_ts_bridge_start (EbTsBridge *bridge, GError **error)
{
  g_return_val_if_fail (bridge != NULL, FALSE);

  if (!eb_bridge_pipeline_play (&bridge->pipe, error))
    {
      eb_ts_bridge_stop (bridge);
      return FALSE;
    }
  bridge->started = TRUE;
  /* each sink asks the publisher for a keyframe */
  for (guint i = 0; i < bridge->inputs->len; i++)
    {
      EbTsInput *input = g_ptr_array_index (bridge->inputs, i);

      eb_rtp_source_add_sink (input->source, input->sink);
    }
  return TRUE;
}

void
eb_ts_bridge_stop (EbTsBridge *bridge)
{
  g_return_if_fail (bridge != NULL);

  for (guint i = 0; bridge->started && i < bridge->inputs->len; i++)
    {
      EbTsInput *input = g_ptr_array_index (bridge->inputs, i);

      eb_rtp_source_remove_sink (input->source, input->sink);
    }
  bridge->started = FALSE;
  eb_bridge_pipeline_stop (&bridge->pipe);
}

void
eb_ts_bridge_free (EbTsBridge *bridge)
{
  if (bridge == NULL)
    return;
  eb_ts_bridge_stop (bridge);
  g_ptr_array_unref (bridge->inputs);
  g_clear_object (&bridge->mux);
  eb_bridge_pipeline_clear (&bridge->pipe);
  g_free (bridge);
}
