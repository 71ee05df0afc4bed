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
  gboolean first_audio; /* the audio stream the manifest names */
} EbBranch;

struct _EbBranchLink
{
  const EbCodecRoute *route;
  GstPad *queue_sink; /* the branch's first pad, linked to a demuxer pad */
};

void
eb_branch_link_free (EbBranchLink *link)
{
  gst_object_unref (link->queue_sink);
  g_free (link);
}

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
          else if (branch->first_audio)
            {
              /* the latest caps: a segment names what it holds now */
              g_free (self->audio_codec);
              self->audio_codec = g_steal_pointer (&codec);
            }
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

/* Streaming thread: a publisher whose encoder restarts its muxer (a new
 * program: new PMT, new PIDs) makes the demuxer add the new program's
 * pads, end the old ones' streams and remove their pads. The branches go
 * on with the new pads, so that end must not reach the muxer (it would
 * close the recording). */
static GstPadProbeReturn
demux_pad_event_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbRecorder *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  gboolean drop;

  if (GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&self->lock);
  drop = self->program_changing && self->state == EB_RECORDER_RUNNING;
  g_mutex_unlock (&self->lock);
  if (drop)
    GST_DEBUG_OBJECT (pad, "the end of a replaced program's stream is held back");
  return drop ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
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
  {
    EbBranchLink *link = g_new0 (EbBranchLink, 1);

    link->route = route;
    link->queue_sink = gst_object_ref (queue_sink);
    g_mutex_lock (&self->lock);
    branch->first_audio = !route->video;
    for (guint i = 0; i < self->branches->len && branch->first_audio; i++)
      branch->first_audio = ((EbBranchLink *)g_ptr_array_index (self->branches, i))->route->video;
    g_ptr_array_add (self->branches, link);
    g_mutex_unlock (&self->lock);
  }
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, demux_pad_event_cb, self, NULL);

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

static char *
describe_caps (GstCaps *caps)
{
  g_autofree char *description = gst_pb_utils_get_codec_description (caps);
  const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

  return g_strdup_printf ("%s (%s)", description != NULL ? description : name, name);
}

/* Streaming thread: a branch of @route whose demuxer pad is gone (its
 * program was replaced) and that is not in @claimed, or %NULL. */
static EbBranchLink *
find_free_branch (EbRecorder *self, const EbCodecRoute *route, GPtrArray *claimed)
{
  EbBranchLink *found = NULL;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->branches->len && found == NULL; i++)
    {
      EbBranchLink *link = g_ptr_array_index (self->branches, i);

      if (link->route->video == route->video
          && g_str_equal (link->route->template_name, route->template_name)
          && !g_ptr_array_find (claimed, link, NULL) && !gst_pad_is_linked (link->queue_sink))
        found = link;
    }
  g_mutex_unlock (&self->lock);
  return found;
}

static gboolean
has_video_branch (EbRecorder *self)
{
  gboolean found = FALSE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->branches->len && !found; i++)
    found = ((EbBranchLink *)g_ptr_array_index (self->branches, i))->route->video;
  g_mutex_unlock (&self->lock);
  return found;
}

static GstPadProbeReturn
drop_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  return GST_PAD_PROBE_DROP;
}

/* Main context: the muxer did not close the last segment in time. */
static gboolean
pending_failure_timeout_cb (gpointer user_data)
{
  g_autoptr (EbRecorder) self = eb_recorder_shared_get (user_data);

  if (self != NULL)
    eb_recorder_fail_pending (self);
  return G_SOURCE_REMOVE;
}

/* Main context: the failure is reported once the muxer has closed the
 * last segment (at the pipeline's end of stream), or after a while. */
static void
program_failure_main (EbRecorder *self, gpointer data)
{
  g_autoptr (GSource) source = g_timeout_source_new (EB_RECORDER_STOP_TIMEOUT_MS);

  g_source_set_callback (source, pending_failure_timeout_cb, eb_recorder_shared_ref (self->shared),
                         (GDestroyNotify)eb_recorder_shared_unref);
  g_source_attach (source, self->context);
}

/* Streaming thread: the new program cannot be recorded in the same
 * branches. The recording of this input ends: each branch gets the end
 * of its stream (the muxer closes the last segment, keeping all that
 * reached it), the new pads' data is dropped, and the recorder fails
 * with @error once the last segment is closed. */
static void
end_after_program_change (EbRecorder *self, GPtrArray *pads, GError *error)
{
  g_autoptr (GPtrArray) ends = g_ptr_array_new_with_free_func (gst_object_unref);

  for (guint i = 0; i < pads->len; i++)
    gst_pad_add_probe (g_ptr_array_index (pads, i), GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM, drop_cb,
                       NULL, NULL);
  g_mutex_lock (&self->lock);
  if (self->pending_failure == NULL)
    self->pending_failure = error;
  else
    g_error_free (error);
  for (guint i = 0; i < self->branches->len; i++)
    {
      EbBranchLink *link = g_ptr_array_index (self->branches, i);

      /* a branch still linked gets its end from its own pad */
      if (!gst_pad_is_linked (link->queue_sink))
        g_ptr_array_add (ends, gst_object_ref (link->queue_sink));
    }
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < ends->len; i++)
    gst_pad_send_event (g_ptr_array_index (ends, i), gst_event_new_eos ());
  eb_recorder_handover (self->shared, program_failure_main, NULL, NULL);
}

/*
 * Streaming thread: every pad of a program that replaced the one being
 * recorded (the publisher's encoder restarted its muxer: a new PMT) is
 * known, and the old program's pads are gone. When the new program
 * carries the same codecs, each branch goes on with its new pad and the
 * recording continues; otherwise the recording of this input ends and
 * the recorder fails, saying why (the segments written so far stay).
 */
static void
continue_with_new_program (EbRecorder *self)
{
  g_autoptr (GPtrArray) pads = NULL;
  g_autoptr (GPtrArray) claimed = g_ptr_array_new ();
  g_autoptr (GString) unrecorded = g_string_new (NULL);
  g_autoptr (GString) gone = g_string_new (NULL);

  g_mutex_lock (&self->lock);
  pads = g_steal_pointer (&self->late_pads);
  self->late_pads = g_ptr_array_new_with_free_func (gst_object_unref);
  self->program_changing = FALSE;
  g_mutex_unlock (&self->lock);
  if (pads->len == 0)
    return;

  /* which branch each new pad continues (NULL: none) */
  for (guint i = 0; i < pads->len; i++)
    {
      GstPad *pad = g_ptr_array_index (pads, i);
      g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
      const EbCodecRoute *route;
      EbBranchLink *link;

      if (caps == NULL)
        caps = gst_pad_query_caps (pad, NULL);
      route = caps_are_media (caps) ? find_route (caps) : NULL;
      link = route != NULL ? find_free_branch (self, route, claimed) : NULL;
      g_ptr_array_add (claimed, link);
      if (link != NULL || !caps_are_media (caps))
        continue;
      if (route != NULL && route->video && has_video_branch (self))
        {
          g_message ("track %s: only the first video stream is recorded", self->track_name);
          continue;
        }
      {
        g_autofree char *description = describe_caps (caps);

        g_string_append_printf (unrecorded, "%s%s", unrecorded->len > 0 ? ", " : "", description);
      }
    }
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->branches->len; i++)
    {
      EbBranchLink *link = g_ptr_array_index (self->branches, i);

      if (!g_ptr_array_find (claimed, link, NULL))
        g_string_append_printf (gone, "%s%s", gone->len > 0 ? ", " : "", link->route->caps_name);
    }
  g_mutex_unlock (&self->lock);

  if (unrecorded->len > 0 || gone->len > 0)
    {
      GError *error = g_error_new (EB_RECORDER_ERROR, EB_RECORDER_ERROR_PROGRAM_CHANGED,
                                   "track %s: the stream's program changed (its encoder restarted "
                                   "with other streams%s%s%s%s); "
                                   "the recording of this connection stops here",
                                   self->track_name, unrecorded->len > 0 ? "; new: " : "",
                                   unrecorded->str, gone->len > 0 ? "; ended: " : "", gone->str);

      end_after_program_change (self, pads, error);
      return;
    }
  for (guint i = 0; i < pads->len; i++)
    {
      GstPad *pad = g_ptr_array_index (pads, i);
      EbBranchLink *link = g_ptr_array_index (claimed, i);

      if (link == NULL)
        link_to_fakesink (self, pad);
      else if (gst_pad_link (pad, link->queue_sink) == GST_PAD_LINK_OK)
        gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, demux_pad_event_cb, self,
                           NULL);
      else
        {
          eb_recorder_handover (self->shared, fail_main,
                                g_error_new (EB_ERROR, EB_ERROR_FAILED,
                                             "track %s: the stream's program changed and its new "
                                             "streams cannot be linked to the recording",
                                             self->track_name),
                                (GDestroyNotify)g_error_free);
          return;
        }
    }
  g_message (
      "track %s: the stream's program changed (its encoder restarted); the recording goes on "
      "with the new program's streams",
      self->track_name);
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
  gboolean exposed;

  g_mutex_lock (&self->lock);
  if (self->refusing || (self->state != EB_RECORDER_RUNNING && self->state != EB_RECORDER_STOPPING))
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  exposed = self->exposed;
  if (exposed)
    {
      g_mutex_unlock (&self->lock);
      continue_with_new_program (self);
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
          g_autofree char *description = describe_caps (caps);

          g_string_append_printf (unsupported, "%s%s", unsupported->len > 0 ? ", " : "",
                                  description);
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

/* Streaming thread: collected until no-more-pads; a pad added later
 * belongs to a program that replaces the recorded one. */
void
eb_recorder_demux_pad_added_cb (GstElement *demux, GstPad *pad, EbRecorder *self)
{
  g_mutex_lock (&self->lock);
  if (self->exposed)
    {
      self->program_changing = TRUE;
      g_ptr_array_add (self->late_pads, gst_object_ref (pad));
    }
  else if (self->demux_pads != NULL)
    g_ptr_array_add (self->demux_pads, gst_object_ref (pad));
  g_mutex_unlock (&self->lock);
}
