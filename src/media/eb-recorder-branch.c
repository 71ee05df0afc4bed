/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <gst/pbutils/pbutils.h>

#include <eboard/eb-error.h>

#include "eb-manifest-private.h"
#include "eb-recorder-impl-private.h"

/* Each elementary stream has a queue between the demuxer's one streaming
 * thread and the muxer, which waits for every stream to reach a cut. */
#define EB_RECORDER_BRANCH_QUEUE_TIME (5 * GST_SECOND)

typedef struct
{
  const char *caps_name;
  gint mpegversion; /* 0: any */
  const char *template_name;
  gboolean video;
} EbCodecRoute;

/* What is recorded, and through which parser fragment of pipelines/. */
static const EbCodecRoute routes[] = {
  { "video/x-h264", 0, "parse-h264", TRUE },
  { "audio/mpeg", 4, "parse-aac", FALSE },
  { "audio/mpeg", 2, "parse-aac", FALSE },
  { "audio/x-opus", 0, "parse-opus", FALSE },
};

typedef struct
{
  EbRecorder *recorder;
  GstSegment segment;
  gboolean video;
} EbBranch;

static const EbCodecRoute *
find_route (const GstCaps *caps)
{
  const GstStructure *structure;
  gint version = 0;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;
  structure = gst_caps_get_structure (caps, 0);
  gst_structure_get_int (structure, "mpegversion", &version);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (gst_structure_has_name (structure, routes[i].caps_name)
          && (routes[i].mpegversion == 0 || routes[i].mpegversion == version))
        return &routes[i];
    }
  return NULL;
}

static gboolean
caps_are_media (const GstCaps *caps)
{
  const char *name;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return FALSE;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  return g_str_has_prefix (name, "video/") || g_str_has_prefix (name, "audio/");
}

/* --- streaming threads --- */

/* Streaming thread: follows segment, caps and the latest running time
 * that reached the muxer (the end of the last segment at EOS). */
static GstPadProbeReturn
branch_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbBranch *branch = user_data;
  EbRecorder *self = branch->recorder;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      GstClockTime ts
          = GST_BUFFER_PTS_IS_VALID (buffer) ? GST_BUFFER_PTS (buffer) : GST_BUFFER_DTS (buffer);
      GstClockTime start_rt;
      GstClockTime end_rt;

      if (!GST_CLOCK_TIME_IS_VALID (ts) || branch->segment.format != GST_FORMAT_TIME)
        return GST_PAD_PROBE_OK;
      start_rt = gst_segment_to_running_time (&branch->segment, GST_FORMAT_TIME, ts);
      if (GST_BUFFER_DURATION_IS_VALID (buffer))
        ts += GST_BUFFER_DURATION (buffer);
      end_rt = gst_segment_to_running_time (&branch->segment, GST_FORMAT_TIME, ts);
      g_mutex_lock (&self->lock);
      if (GST_CLOCK_TIME_IS_VALID (start_rt)
          && (!GST_CLOCK_TIME_IS_VALID (self->first_rt) || start_rt < self->first_rt))
        self->first_rt = start_rt;
      if (GST_CLOCK_TIME_IS_VALID (end_rt)
          && (!GST_CLOCK_TIME_IS_VALID (self->max_end_rt) || end_rt > self->max_end_rt))
        self->max_end_rt = end_rt;
      g_mutex_unlock (&self->lock);
    }
  else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        gst_event_copy_segment (event, &branch->segment);
      else if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
        {
          GstCaps *caps;
          g_autofree char *codec = NULL;

          gst_event_parse_caps (event, &caps);
          codec = eb_manifest_codec_from_caps (caps);
          g_mutex_lock (&self->lock);
          if (branch->video)
            {
              const GstStructure *structure = gst_caps_get_structure (caps, 0);

              g_free (self->video_codec);
              self->video_codec = g_steal_pointer (&codec);
              gst_structure_get_int (structure, "width", &self->width);
              gst_structure_get_int (structure, "height", &self->height);
            }
          else if (self->audio_codec == NULL)
            self->audio_codec = g_steal_pointer (&codec);
          g_mutex_unlock (&self->lock);
        }
    }
  return GST_PAD_PROBE_OK;
}

/* Streaming thread: counts what the demuxer reads; an input that shows
 * no program within EB_RECORDER_PROBE_BYTES is refused (counted here,
 * not as pushed, so that a burst of queued bytes is judged on what the
 * demuxer has seen). */
GstPadProbeReturn
eb_recorder_input_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbRecorder *self = user_data;
  gsize size = 0;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    size = gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    size = gst_buffer_list_calculate_size (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  g_mutex_lock (&self->lock);
  self->bytes_demuxed += size;
  if (!self->exposed && !self->refusing && self->bytes_demuxed > EB_RECORDER_PROBE_BYTES)
    eb_recorder_decide_refusal (
        self, g_strdup_printf ("no MPEG-TS program with an audio or video stream in "
                               "the first %u bytes: not an MPEG-TS stream",
                               (guint)EB_RECORDER_PROBE_BYTES));
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

/* Streaming thread: streams that are neither audio nor video (teletext,
 * KLV, SCTE-35) are not recorded. */
static gboolean
link_to_fakesink (EbRecorder *self, GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sinkpad = NULL;

  if (sink == NULL)
    return FALSE;
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (self->bin), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_element_sync_state_with_parent (sink);
  return gst_pad_link (pad, sinkpad) == GST_PAD_LINK_OK;
}

/* Streaming thread: demuxer pad -> queue -> parser fragment -> muxer. */
static gboolean
link_branch (EbRecorder *self, GstPad *pad, const EbCodecRoute *route, GError **error)
{
  const char *description = g_hash_table_lookup (self->parser_descriptions, route->template_name);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GstPad) queue_sink = NULL;
  g_autoptr (GstPad) fragment_src = NULL;
  GstPad *mux_pad;
  GstElement *queue;
  GstElement *fragment;
  EbBranch *branch;

  fragment = gst_parse_bin_from_description (description, TRUE, &local_error);
  if (fragment == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "pipeline template %s: %s",
                   route->template_name, local_error->message);
      return FALSE;
    }
  queue = gst_element_factory_make ("queue", NULL);
  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0, "max-size-time",
                (guint64)EB_RECORDER_BRANCH_QUEUE_TIME, NULL);
  gst_bin_add_many (GST_BIN (self->bin), queue, fragment, NULL);

  mux_pad = gst_element_request_pad_simple (self->mux, route->video ? "video" : "audio_%u");
  fragment_src = gst_element_get_static_pad (fragment, "src");
  queue_sink = gst_element_get_static_pad (queue, "sink");
  if (mux_pad == NULL || fragment_src == NULL || !gst_element_link (queue, fragment)
      || gst_pad_link (fragment_src, mux_pad) != GST_PAD_LINK_OK
      || gst_pad_link (pad, queue_sink) != GST_PAD_LINK_OK)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                   "pipeline template %s cannot be linked between the demuxer and the muxer",
                   route->template_name);
      if (mux_pad != NULL)
        gst_object_unref (mux_pad);
      return FALSE;
    }
  /* the muxer keeps the request pad; it is released with the muxer */
  gst_object_unref (mux_pad);

  branch = g_new0 (EbBranch, 1);
  branch->recorder = self;
  branch->video = route->video;
  gst_segment_init (&branch->segment, GST_FORMAT_UNDEFINED);
  gst_pad_add_probe (fragment_src, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     branch_probe_cb, branch, g_free);

  gst_element_sync_state_with_parent (fragment);
  gst_element_sync_state_with_parent (queue);
  return TRUE;
}

static void
fail_main (EbRecorder *self, gpointer data)
{
  eb_recorder_fail (self, data);
}

/* Streaming thread: every pad of the program is known; link them all, or
 * refuse the input. */
void
eb_recorder_demux_no_more_pads_cb (GstElement *demux, EbRecorder *self)
{
  g_autoptr (GPtrArray) pads = NULL;
  g_autoptr (GString) unsupported = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  guint n_media = 0;

  g_mutex_lock (&self->lock);
  if (self->exposed || self->refusing
      || (self->state != EB_RECORDER_RUNNING && self->state != EB_RECORDER_STOPPING))
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  pads = g_steal_pointer (&self->demux_pads);
  self->demux_pads = g_ptr_array_new_with_free_func (gst_object_unref);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < pads->len; i++)
    {
      GstPad *pad = g_ptr_array_index (pads, i);
      g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);

      if (caps == NULL)
        caps = gst_pad_query_caps (pad, NULL);
      if (!caps_are_media (caps))
        continue;
      n_media++;
      if (find_route (caps) == NULL)
        {
          g_autofree char *description = gst_pb_utils_get_codec_description (caps);
          const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

          g_string_append_printf (unsupported, "%s%s (%s)", unsupported->len > 0 ? ", " : "",
                                  description != NULL ? description : name, name);
        }
    }
  if (unsupported->len > 0 || n_media == 0)
    {
      g_autofree char *reason = NULL;

      if (n_media == 0)
        reason = g_strdup ("the MPEG-TS program holds no audio or video stream");
      else
        reason = g_strdup_printf ("unsupported codec: %s; H.264 video with AAC or Opus audio "
                                  "is recorded",
                                  unsupported->str);
      g_mutex_lock (&self->lock);
      eb_recorder_decide_refusal (self, g_steal_pointer (&reason));
      g_mutex_unlock (&self->lock);
      return;
    }

  for (guint i = 0; i < pads->len && error == NULL; i++)
    {
      GstPad *pad = g_ptr_array_index (pads, i);
      g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
      const EbCodecRoute *route;
      gboolean skip = FALSE;

      if (caps == NULL)
        caps = gst_pad_query_caps (pad, NULL);
      route = caps_are_media (caps) ? find_route (caps) : NULL;
      if (route != NULL && route->video)
        {
          g_mutex_lock (&self->lock);
          skip = self->video_requested;
          self->video_requested = TRUE;
          g_mutex_unlock (&self->lock);
          if (skip)
            g_message ("track %s: only the first video stream is recorded", self->track_name);
        }
      if (route == NULL || skip)
        link_to_fakesink (self, pad);
      else
        link_branch (self, pad, route, &error);
    }
  if (error != NULL)
    {
      eb_recorder_handover (self->shared, fail_main, g_steal_pointer (&error),
                            (GDestroyNotify)g_error_free);
      return;
    }
  g_mutex_lock (&self->lock);
  self->exposed = TRUE;
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self->pipeline, "track %s: %u streams linked", self->track_name, pads->len);
}

/* Streaming thread: collected until no-more-pads; a pad of a later
 * program is not recorded. */
void
eb_recorder_demux_pad_added_cb (GstElement *demux, GstPad *pad, EbRecorder *self)
{
  gboolean late;

  g_mutex_lock (&self->lock);
  late = self->exposed;
  if (!late && self->demux_pads != NULL)
    g_ptr_array_add (self->demux_pads, gst_object_ref (pad));
  g_mutex_unlock (&self->lock);
  if (late)
    {
      g_message ("track %s: a stream added after the start of the recording is not recorded",
                 self->track_name);
      link_to_fakesink (self, pad);
    }
}
