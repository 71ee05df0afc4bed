/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <string.h>

#include <gst/app/gstappsrc.h>
#include <gst/rtp/rtp.h>
#include <gst/video/video.h>

#include <eboard/eb-error.h>

#include "eb-manifest-private.h"
#include "eb-rtp-recorder-private.h"
#include "eb-segment-fragments-private.h"
#include "eb-segment-job-private.h"

#define EB_RTP_RECORD_TEMPLATE "webrtc-record"
#define EB_RTP_SEGMENT_SUFFIX ".mkv"
/* Bytes queued for one stream before new packets are dropped. */
#define EB_RTP_RECORDER_MAX_BYTES (4 * 1024 * 1024)
/* Stopping waits this long for the muxer to close the last segment. */
#define EB_RTP_RECORDER_STOP_TIMEOUT_MS 5000
#define EB_RTP_RECORDER_DROP_LOG_INTERVAL_US (5 * G_USEC_PER_SEC)

static const struct
{
  EbRtpCodec codec;
  const char *template_name;
} depayloaders[] = {
  { EB_RTP_CODEC_VP8, "webrtc-depay-vp8" },
  { EB_RTP_CODEC_H264, "webrtc-depay-h264" },
  { EB_RTP_CODEC_OPUS, "webrtc-depay-opus" },
};

typedef struct
{
  EbRtpRecorder *recorder; /* the recorder owns the stream */
  guint index;
  gboolean video;
  EbRtpCodec codec;
  GstElement *appsrc;
  EbRtpSource *keyframes;
  GstSegment segment; /* streaming thread */
  /* guarded by the recorder's lock, in the recording's running time */
  GstClockTime keyframe_due;  /* the muxer wants one from then on */
  GstClockTime last_keyframe; /* the last one received */
  GstClockTime last_request;
} EbRtpStream;

struct _EbRtpRecorder
{
  GObject parent_instance;

  GMainContext *context;
  char *directory;
  char *track_name;
  char *manifest_path;
  EbId person_id;
  gint64 session_start_us;
  guint segment_seconds;
  guint start_index;
  GHashTable *depay_descriptions; /* template name -> description */

  GstElement *pipeline;
  GstElement *bin;
  GstElement *mux;
  GSource *bus_source;
  GPtrArray *streams; /* EbRtpStream */
  gboolean has_video;

  /* guarded by lock: shared with pushing and streaming threads */
  GMutex lock;
  gboolean running;
  GstClockTime base; /* the first packet's timestamp: running time 0 */
  gint64 first_packet_us;
  guint64 dropped;
  gint64 last_drop_log;
  char *video_codec;
  char *audio_codec;
  gint width;
  gint height;
  GstClockTime max_end_rt;

  /* main context */
  gboolean started;
  gboolean pipeline_done;
  gboolean failed;
  GQueue fragments;
  GPtrArray *opened_files;
  GQueue jobs;
  gboolean job_running;
  GPtrArray *segments; /* EbRecordedSegment */
  GTask *stop_task;
  GSource *stop_timeout;
};

G_DEFINE_FINAL_TYPE (EbRtpRecorder, eb_rtp_recorder, G_TYPE_OBJECT)

enum
{
  SIGNAL_SEGMENT_CLOSED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_next_job (EbRtpRecorder *self);
static void maybe_complete_stop (EbRtpRecorder *self);

static void
eb_rtp_stream_free (EbRtpStream *stream)
{
  g_clear_object (&stream->appsrc);
  g_clear_pointer (&stream->keyframes, eb_rtp_source_unref);
  g_free (stream);
}

static const char *
depay_template (EbRtpCodec codec)
{
  for (guint i = 0; i < G_N_ELEMENTS (depayloaders); i++)
    {
      if (depayloaders[i].codec == codec)
        return depayloaders[i].template_name;
    }
  return NULL;
}

static char *
escape_percent (const char *text)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%')
        g_string_append_c (out, '%');
      g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GHashTable *
record_values (const char *location, guint segment_seconds)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (values, (gpointer) "location", g_strdup (location));
  g_hash_table_insert (
      values, (gpointer) "max_size_time",
      g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64)segment_seconds * GST_SECOND));
  return values;
}

static GstElement *
find_mux (GstElement *bin, GError **error)
{
  g_autoptr (GstElement) mux = gst_bin_get_by_name (GST_BIN (bin), "mux");

  if (mux == NULL
      || gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (mux), "video") == NULL
      || gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (mux), "audio_%u") == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "pipeline template " EB_RTP_RECORD_TEMPLATE
                           ": needs a splitmuxsink named \"mux\"");
      return NULL;
    }
  return g_steal_pointer (&mux);
}

gboolean
eb_rtp_recorder_check_templates (EbPipelineTemplates *templates, GError **error)
{
  g_autoptr (GHashTable) values = NULL;
  g_autoptr (GstElement) mux = NULL;
  GstElement *bin;

  g_return_val_if_fail (templates != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (depayloaders); i++)
    {
      g_autofree char *description
          = eb_pipeline_templates_expand (templates, depayloaders[i].template_name, NULL, error);

      if (description == NULL)
        return FALSE;
    }
  values = record_values ("/nonexistent/check-%05d" EB_RTP_SEGMENT_SUFFIX, 2);
  bin = eb_pipeline_templates_instantiate (templates, EB_RTP_RECORD_TEMPLATE, values, error);
  if (bin == NULL)
    return FALSE;
  gst_object_ref_sink (bin);
  mux = find_mux (bin, error);
  gst_object_unref (bin);
  return mux != NULL;
}

/* --- streaming threads --- */

/* Codecs, picture size and the latest running time that reached the
 * muxer (the end of the last segment at EOS). */
static GstPadProbeReturn
branch_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbRtpStream *stream = user_data;
  EbRtpRecorder *self = stream->recorder;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      GstClockTime ts = GST_BUFFER_PTS (buffer);
      GstClockTime end_rt;

      if (!GST_CLOCK_TIME_IS_VALID (ts) || stream->segment.format != GST_FORMAT_TIME)
        return GST_PAD_PROBE_OK;
      if (GST_BUFFER_DURATION_IS_VALID (buffer))
        ts += GST_BUFFER_DURATION (buffer);
      end_rt = gst_segment_to_running_time (&stream->segment, GST_FORMAT_TIME, ts);
      g_mutex_lock (&self->lock);
      if (GST_CLOCK_TIME_IS_VALID (end_rt)
          && (!GST_CLOCK_TIME_IS_VALID (self->max_end_rt) || end_rt > self->max_end_rt))
        self->max_end_rt = end_rt;
      g_mutex_unlock (&self->lock);
    }
  else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        gst_event_copy_segment (event, &stream->segment);
      else if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
        {
          GstCaps *caps;
          g_autofree char *codec = NULL;

          gst_event_parse_caps (event, &caps);
          codec = eb_manifest_codec_from_caps (caps);
          g_mutex_lock (&self->lock);
          if (stream->video)
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

/* The muxer (to cut a segment, for a running time ahead) and the
 * depayloaders (after a loss, at once) ask for keyframes upstream: they
 * go to the publisher, when due. */
static GstPadProbeReturn
keyframe_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbRtpStream *stream = user_data;
  EbRtpRecorder *self = stream->recorder;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstClockTime running_time = GST_CLOCK_TIME_NONE;

  if (!gst_video_event_is_force_key_unit (event))
    return GST_PAD_PROBE_OK;
  gst_video_event_parse_upstream_force_key_unit (event, &running_time, NULL, NULL);
  if (GST_CLOCK_TIME_IS_VALID (running_time))
    {
      g_mutex_lock (&self->lock);
      stream->keyframe_due = running_time;
      g_mutex_unlock (&self->lock);
    }
  else if (stream->keyframes != NULL)
    eb_rtp_source_request_keyframe (stream->keyframes);
  /* handled here: the appsrc has nothing to do with it */
  gst_event_unref (event);
  GST_PAD_PROBE_INFO_DATA (info) = NULL;
  return GST_PAD_PROBE_HANDLED;
}

/* --- building --- */

static GstCaps *
appsrc_caps (const EbRtpFormat *format)
{
  GstCaps *caps = gst_caps_copy (format->caps);
  GstStructure *structure = gst_caps_get_structure (caps, 0);
  static const char *const keep[]
      = { "media",        "clock-rate",         "encoding-name",    "payload", "encoding-params",
          "sprop-stereo", "packetization-mode", "profile-level-id", NULL };
  g_autoptr (GPtrArray) remove = g_ptr_array_new_with_free_func (g_free);

  /* the RTP description only: no rtcp-fb or extmap fields */
  for (gint i = 0; i < gst_structure_n_fields (structure); i++)
    {
      const char *name = gst_structure_nth_field_name (structure, (guint)i);

      if (!g_strv_contains (keep, name))
        g_ptr_array_add (remove, g_strdup (name));
    }
  for (guint i = 0; i < remove->len; i++)
    gst_structure_remove_field (structure, g_ptr_array_index (remove, i));
  return caps;
}

gint
eb_rtp_recorder_add_stream (EbRtpRecorder *self, const EbRtpFormat *format, EbRtpSource *keyframes,
                            GError **error)
{
  const char *template_name;
  const char *description;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstPad) depay_src = NULL;
  g_autoptr (GstPad) appsrc_src = NULL;
  GstElement *appsrc;
  GstElement *depay;
  GstPad *mux_pad;
  EbRtpStream *stream;

  g_return_val_if_fail (EB_IS_RTP_RECORDER (self), -1);
  g_return_val_if_fail (format != NULL, -1);
  g_return_val_if_fail (!self->started, -1);

  if (format->video && self->has_video)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "track %s: only one video stream is recorded",
                   self->track_name);
      return -1;
    }
  template_name = depay_template (format->codec);
  description = template_name != NULL
                    ? g_hash_table_lookup (self->depay_descriptions, template_name)
                    : NULL;
  if (description == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "track %s: %s is not recorded",
                   self->track_name, eb_rtp_codec_to_string (format->codec));
      return -1;
    }
  depay = gst_parse_bin_from_description (description, TRUE, &local_error);
  if (depay == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "pipeline template %s: %s", template_name,
                   local_error->message);
      return -1;
    }
  appsrc = gst_element_factory_make ("appsrc", NULL);
  caps = appsrc_caps (format);
  g_object_set (appsrc, "is-live", TRUE, "format", GST_FORMAT_TIME, "block", FALSE, "max-bytes",
                (guint64)EB_RTP_RECORDER_MAX_BYTES, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (self->bin), appsrc, depay, NULL);

  mux_pad = gst_element_request_pad_simple (self->mux, format->video ? "video" : "audio_%u");
  depay_src = gst_element_get_static_pad (depay, "src");
  if (mux_pad == NULL || depay_src == NULL || !gst_element_link (appsrc, depay)
      || gst_pad_link (depay_src, mux_pad) != GST_PAD_LINK_OK)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                   "pipeline template %s cannot be linked to the muxer", template_name);
      if (mux_pad != NULL)
        gst_object_unref (mux_pad);
      return -1;
    }
  /* the muxer keeps its request pad */
  gst_object_unref (mux_pad);

  stream = g_new0 (EbRtpStream, 1);
  stream->recorder = self;
  stream->index = self->streams->len;
  stream->video = format->video;
  stream->appsrc = gst_object_ref (appsrc);
  stream->codec = format->codec;
  stream->keyframes = keyframes != NULL ? eb_rtp_source_ref (keyframes) : NULL;
  stream->keyframe_due = GST_CLOCK_TIME_NONE;
  stream->last_keyframe = GST_CLOCK_TIME_NONE;
  stream->last_request = GST_CLOCK_TIME_NONE;
  gst_segment_init (&stream->segment, GST_FORMAT_UNDEFINED);
  g_ptr_array_add (self->streams, stream);
  self->has_video |= format->video;

  gst_pad_add_probe (depay_src, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     branch_probe_cb, stream, NULL);
  appsrc_src = gst_element_get_static_pad (appsrc, "src");
  gst_pad_add_probe (appsrc_src, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, keyframe_probe_cb, stream,
                     NULL);
  return (gint)stream->index;
}

/* --- pushing --- */

/* With the lock held: whether to ask the publisher for a keyframe now,
 * at @time (a video packet that @starts_keyframe or not): when the
 * muxer's request is due, or when none came for one and a half segment
 * lengths (a request or its keyframe got lost). */
static gboolean
keyframe_wanted (EbRtpRecorder *self, EbRtpStream *stream, GstClockTime time,
                 gboolean starts_keyframe)
{
  GstClockTime overdue = self->segment_seconds * GST_SECOND * 3 / 2;

  if (starts_keyframe)
    {
      stream->last_keyframe = time;
      if (GST_CLOCK_TIME_IS_VALID (stream->keyframe_due) && time >= stream->keyframe_due)
        stream->keyframe_due = GST_CLOCK_TIME_NONE;
      return FALSE;
    }
  if (!GST_CLOCK_TIME_IS_VALID (stream->last_keyframe))
    stream->last_keyframe = time;
  if (GST_CLOCK_TIME_IS_VALID (stream->keyframe_due) && time >= stream->keyframe_due)
    {
      stream->keyframe_due = GST_CLOCK_TIME_NONE;
      stream->last_request = time;
      return TRUE;
    }
  if (time > stream->last_keyframe + overdue
      && (!GST_CLOCK_TIME_IS_VALID (stream->last_request)
          || time > stream->last_request + GST_SECOND))
    {
      stream->last_request = time;
      return TRUE;
    }
  return FALSE;
}

static gboolean
buffer_starts_keyframe (EbRtpStream *stream, GstBuffer *buffer)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gboolean key;

  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return FALSE;
  key = eb_rtp_payload_starts_keyframe (stream->codec, gst_rtp_buffer_get_payload (&rtp),
                                        gst_rtp_buffer_get_payload_len (&rtp));
  gst_rtp_buffer_unmap (&rtp);
  return key;
}

void
eb_rtp_recorder_push (EbRtpRecorder *self, guint index, GstBuffer *buffer)
{
  EbRtpStream *stream;
  GstBuffer *copy;
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  gboolean want_keyframe = FALSE;
  gint64 now;

  g_return_if_fail (EB_IS_RTP_RECORDER (self));

  if (!GST_CLOCK_TIME_IS_VALID (pts))
    pts = GST_BUFFER_DTS (buffer);
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return;

  g_mutex_lock (&self->lock);
  if (!self->running || index >= self->streams->len)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  stream = g_ptr_array_index (self->streams, index);
  if (gst_app_src_get_current_level_bytes (GST_APP_SRC (stream->appsrc))
      > EB_RTP_RECORDER_MAX_BYTES)
    {
      self->dropped++;
      now = g_get_monotonic_time ();
      if (self->last_drop_log == 0
          || now - self->last_drop_log >= EB_RTP_RECORDER_DROP_LOG_INTERVAL_US)
        {
          self->last_drop_log = now;
          g_message ("track %s: the recorder cannot keep up; %" G_GUINT64_FORMAT
                     " packets dropped so far",
                     self->track_name, self->dropped);
        }
      g_mutex_unlock (&self->lock);
      return;
    }
  /* the recording's time starts with the first packet of any stream; the
   * streams keep their relative timing */
  if (!GST_CLOCK_TIME_IS_VALID (self->base))
    {
      self->base = pts;
      self->first_packet_us = g_get_real_time ();
    }
  copy = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (copy) = pts > self->base ? pts - self->base : 0;
  GST_BUFFER_DTS (copy) = GST_CLOCK_TIME_NONE;
  if (stream->video)
    want_keyframe = keyframe_wanted (self, stream, GST_BUFFER_PTS (copy),
                                     buffer_starts_keyframe (stream, buffer));
  gst_app_src_push_buffer (GST_APP_SRC (stream->appsrc), copy);
  g_mutex_unlock (&self->lock);
  if (want_keyframe && stream->keyframes != NULL)
    eb_rtp_source_request_keyframe (stream->keyframes);
}

/* --- main context: fragments and segments --- */

static EbManifestEntry *
new_entry (EbRtpRecorder *self, const EbFragment *fragment, GstClockTime end_rt)
{
  EbManifestEntry *entry = eb_manifest_entry_new ();

  entry->track = g_strdup (self->track_name);
  entry->person_id = self->person_id;
  entry->file = g_path_get_basename (fragment->location);
  entry->session_start_us = self->session_start_us;
  g_mutex_lock (&self->lock);
  /* running time 0 is the first packet, which arrived at first_packet_us */
  entry->start_offset_us = self->first_packet_us - self->session_start_us;
  if (GST_CLOCK_TIME_IS_VALID (fragment->start_rt))
    entry->start_offset_us += (gint64)(fragment->start_rt / GST_USECOND);
  if (GST_CLOCK_TIME_IS_VALID (fragment->start_rt) && GST_CLOCK_TIME_IS_VALID (end_rt)
      && end_rt > fragment->start_rt)
    entry->duration_us = (gint64)((end_rt - fragment->start_rt) / GST_USECOND);
  entry->video_codec = g_strdup (self->video_codec);
  entry->audio_codec = g_strdup (self->audio_codec);
  entry->width = self->width;
  entry->height = self->height;
  g_mutex_unlock (&self->lock);
  return entry;
}

static void
queue_job (EbRtpRecorder *self, const EbFragment *fragment, GstClockTime end_rt, gboolean measure)
{
  EbSegmentJob *job
      = eb_segment_job_new (fragment->location, self->manifest_path,
                            new_entry (self, fragment, end_rt), measure || self->failed);

  g_queue_push_tail (&self->jobs, job);
  run_next_job (self);
}

/* Closed segments are hashed in order, once their end is known: the
 * start of the next one, or the last running time that reached the
 * muxer when the pipeline is done. */
static void
dispatch_fragments (EbRtpRecorder *self)
{
  EbFragment *fragment;
  GstClockTime end_rt;

  while ((fragment = eb_fragments_pop_closed (&self->fragments, self->pipeline_done, &self->lock,
                                              &self->max_end_rt, &end_rt))
         != NULL)
    {
      queue_job (self, fragment, end_rt, FALSE);
      eb_fragment_free (fragment);
    }
}

static void
handle_element_message (EbRtpRecorder *self, GstMessage *message)
{
  const char *location = NULL;
  GstClockTime running_time;

  switch (eb_fragment_message_parse (message, self->mux, &location, &running_time))
    {
      case EB_FRAGMENT_MESSAGE_OPENED:
        eb_fragments_opened (&self->fragments, self->opened_files, location, running_time);
        break;
      case EB_FRAGMENT_MESSAGE_CLOSED:
        eb_fragments_closed (&self->fragments, location);
        break;
      case EB_FRAGMENT_MESSAGE_NONE:
        return;
    }
  dispatch_fragments (self);
}

static void
clear_stop_timeout (EbRtpRecorder *self)
{
  if (self->stop_timeout == NULL)
    return;
  g_source_destroy (self->stop_timeout);
  g_clear_pointer (&self->stop_timeout, g_source_unref);
}

/* Sets the pipeline to NULL (once); a segment the muxer did not close
 * is measured from the file (Matroska cut anywhere stays playable);
 * empty files are removed. */
static void
stop_pipeline (EbRtpRecorder *self)
{
  g_autoptr (GstBus) bus = NULL;
  GstMessage *message;
  EbFragment *fragment;

  if (self->pipeline_done)
    return;
  clear_stop_timeout (self);
  g_mutex_lock (&self->lock);
  self->running = FALSE;
  g_mutex_unlock (&self->lock);

  bus = gst_element_get_bus (self->pipeline);
  while ((message = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      handle_element_message (self, message);
      gst_message_unref (message);
    }
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  self->pipeline_done = TRUE;

  dispatch_fragments (self);
  while ((fragment = eb_fragments_pop_unclosed (&self->fragments, self->track_name)) != NULL)
    {
      queue_job (self, fragment, GST_CLOCK_TIME_NONE, TRUE);
      eb_fragment_free (fragment);
    }
  eb_segment_files_remove (self->opened_files, self->track_name, FALSE);
}

static void fail (EbRtpRecorder *self, const GError *error);

static void
segment_job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbRtpRecorder *self = EB_RTP_RECORDER (source);
  EbSegmentJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (EbRecordedSegment) segment = NULL;

  self->job_running = FALSE;
  segment = eb_segment_job_finish (result);
  if (segment != NULL)
    {
      g_ptr_array_add (self->segments, eb_recorded_segment_copy (segment));
      g_signal_emit (self, signals[SIGNAL_SEGMENT_CLOSED], 0, segment);
    }
  if (job->append_error != NULL)
    fail (self, job->append_error);
  run_next_job (self);
  maybe_complete_stop (self);
}

static void
run_next_job (EbRtpRecorder *self)
{
  EbSegmentJob *job = eb_segment_job_next (&self->jobs, &self->job_running);

  if (job == NULL)
    return;
  /* the task holds the recorder until the job is done */
  eb_segment_job_start (job, self, segment_job_done_cb, NULL);
}

static EbRecordedTrack *
build_track (EbRtpRecorder *self)
{
  EbRecordedTrack *track = eb_recorded_track_new (self->track_name, self->person_id);

  g_mutex_lock (&self->lock);
  track->video_codec = g_strdup (self->video_codec);
  track->audio_codec = g_strdup (self->audio_codec);
  track->width = self->width;
  track->height = self->height;
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < self->segments->len; i++)
    g_ptr_array_add (track->segments,
                     eb_recorded_segment_copy (g_ptr_array_index (self->segments, i)));
  /* the track is described by its first segment, each segment by itself */
  eb_recorded_track_describe_from_segments (track);
  return track;
}

static void
maybe_complete_stop (EbRtpRecorder *self)
{
  g_autoptr (GTask) task = NULL;
  guint64 dropped;

  if (self->stop_task == NULL || !self->pipeline_done || self->job_running
      || !g_queue_is_empty (&self->jobs))
    return;
  task = g_steal_pointer (&self->stop_task);
  g_mutex_lock (&self->lock);
  dropped = self->dropped;
  g_mutex_unlock (&self->lock);
  if (dropped > 0)
    g_message ("track %s: %" G_GUINT64_FORMAT " packets were dropped because the recorder "
               "could not keep up",
               self->track_name, dropped);
  g_task_return_pointer (task, build_track (self), (GDestroyNotify)eb_recorded_track_free);
}

static void
fail (EbRtpRecorder *self, const GError *error)
{
  g_autoptr (EbRtpRecorder) keep = g_object_ref (self);

  if (self->failed)
    return;
  self->failed = TRUE;
  g_message ("track %s: recording failed: %s", self->track_name, error->message);
  stop_pipeline (self);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
  maybe_complete_stop (self);
}

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  EbRtpRecorder *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
      case GST_MESSAGE_ELEMENT:
        handle_element_message (self, message);
        break;
      case GST_MESSAGE_EOS:
        stop_pipeline (self);
        maybe_complete_stop (self);
        break;
      case GST_MESSAGE_ERROR:
        {
          g_autoptr (GError) gst_error = NULL;
          g_autoptr (GError) error = NULL;
          g_autofree char *debug = NULL;

          gst_message_parse_error (message, &gst_error, &debug);
          g_debug ("track %s: error from %s: %s (%s)", self->track_name,
                   GST_MESSAGE_SRC_NAME (message), gst_error->message, debug ? debug : "");
          error
              = g_error_new (EB_ERROR, EB_ERROR_FAILED, "recording track %s failed: %s: %s",
                             self->track_name, GST_MESSAGE_SRC_NAME (message), gst_error->message);
          fail (self, error);
          break;
        }
      case GST_MESSAGE_WARNING:
        {
          g_autoptr (GError) warning = NULL;

          gst_message_parse_warning (message, &warning, NULL);
          g_message ("track %s: %s: %s", self->track_name, GST_MESSAGE_SRC_NAME (message),
                     warning->message);
          break;
        }
      default:
        break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  EbRtpRecorder *self = user_data;

  g_clear_pointer (&self->stop_timeout, g_source_unref);
  g_message ("track %s: the last segment did not close within %u ms; keeping what was written",
             self->track_name, EB_RTP_RECORDER_STOP_TIMEOUT_MS);
  stop_pipeline (self);
  maybe_complete_stop (self);
  return G_SOURCE_REMOVE;
}

/* --- API --- */

/**
 * eb_rtp_recorder_new:
 * @templates: "webrtc-record" and the depayloader fragments; only used
 *   until eb_rtp_recorder_add_stream() returns
 * @directory: the session folder (created if missing)
 * @track_name: the segment files' prefix, `<track_name>-NNNNN.mkv`, and
 *   the manifest's track
 * @session_start_us: Unix microseconds; segment offsets are from it
 * @segment_seconds: target segment length (cut at a keyframe)
 *
 * Returns: (transfer full) (nullable): a recorder without streams
 */
EbRtpRecorder *
eb_rtp_recorder_new (EbPipelineTemplates *templates, const char *directory, const char *track_name,
                     EbId person_id, gint64 session_start_us, guint segment_seconds, GError **error)
{
  g_autoptr (EbRtpRecorder) self = NULL;
  g_autoptr (GHashTable) values = NULL;
  g_autofree char *escaped_dir = NULL;
  g_autofree char *escaped_track = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *location = NULL;
  GstElement *bin;

  g_return_val_if_fail (templates != NULL && directory != NULL && track_name != NULL, NULL);

  if (*track_name == '\0' || strchr (track_name, '/') != NULL || track_name[0] == '.')
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "\"%s\" is not a track name", track_name);
      return NULL;
    }
  if (g_mkdir_with_parents (directory, 0750) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot create %s: %s", directory,
                   g_strerror (saved_errno));
      return NULL;
    }
  self = g_object_new (EB_TYPE_RTP_RECORDER, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->directory = g_strdup (directory);
  self->track_name = g_strdup (track_name);
  self->person_id = person_id;
  self->session_start_us = session_start_us;
  self->segment_seconds = segment_seconds > 0 ? segment_seconds : 1;
  self->manifest_path = g_build_filename (directory, EB_MANIFEST_FILE_NAME, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (depayloaders); i++)
    {
      char *description
          = eb_pipeline_templates_expand (templates, depayloaders[i].template_name, NULL, error);

      if (description == NULL)
        return NULL;
      g_hash_table_insert (self->depay_descriptions, (gpointer)depayloaders[i].template_name,
                           description);
    }

  /* splitmuxsink formats the location with the segment index */
  escaped_dir = escape_percent (directory);
  escaped_track = escape_percent (track_name);
  pattern = g_strdup_printf ("%s-%%05d" EB_RTP_SEGMENT_SUFFIX, escaped_track);
  location = g_build_filename (escaped_dir, pattern, NULL);
  values = record_values (location, segment_seconds > 0 ? segment_seconds : 1);
  bin = eb_pipeline_templates_instantiate (templates, EB_RTP_RECORD_TEMPLATE, values, error);
  if (bin == NULL)
    return NULL;
  self->bin = gst_object_ref_sink (bin);
  self->mux = find_mux (self->bin, error);
  if (self->mux == NULL)
    return NULL;
  self->pipeline = gst_object_ref_sink (gst_pipeline_new (track_name));
  gst_bin_add (GST_BIN (self->pipeline), gst_object_ref (self->bin));
  return g_steal_pointer (&self);
}

/**
 * eb_rtp_recorder_start:
 *
 * Returns: whether the pipeline runs
 */
gboolean
eb_rtp_recorder_start (EbRtpRecorder *self, GError **error)
{
  g_autoptr (GstBus) bus = NULL;

  g_return_val_if_fail (EB_IS_RTP_RECORDER (self), FALSE);

  if (self->started)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "track %s: the recorder was started before",
                   self->track_name);
      return FALSE;
    }
  if (self->streams->len == 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "track %s: nothing to record",
                   self->track_name);
      return FALSE;
    }
  self->started = TRUE;
  /* numbered on from what is in the folder now: an earlier connection's
   * recorder of the same track has closed its last segment by now */
  self->start_index
      = eb_segment_next_free_index (self->directory, self->track_name, EB_RTP_SEGMENT_SUFFIX);
  g_object_set (self->mux, "start-index", (gint)self->start_index, NULL);
  bus = gst_element_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc)(void (*) (void))bus_cb, self, NULL);
  g_source_attach (self->bus_source, self->context);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                   "track %s: the recording pipeline cannot start", self->track_name);
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      self->pipeline_done = TRUE;
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  self->running = TRUE;
  g_mutex_unlock (&self->lock);
  g_debug ("track %s: recording into %s from segment %u", self->track_name, self->directory,
           self->start_index);
  return TRUE;
}

/**
 * eb_rtp_recorder_stop_async:
 *
 * Ends every stream (EOS), waits (at most 5 s) for the muxer to close the
 * last segment and for every segment to be hashed and in the manifest,
 * then stops the pipeline.
 */
void
eb_rtp_recorder_stop_async (EbRtpRecorder *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  gboolean given;

  g_return_if_fail (EB_IS_RTP_RECORDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_rtp_recorder_stop_async);
  if (self->stop_task != NULL)
    {
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_CONFLICT,
                               "track %s: the recorder is already stopping", self->track_name);
      return;
    }
  self->stop_task = g_steal_pointer (&task);
  g_mutex_lock (&self->lock);
  given = GST_CLOCK_TIME_IS_VALID (self->base);
  g_mutex_unlock (&self->lock);

  if (!self->started)
    self->pipeline_done = TRUE;
  else if (!self->pipeline_done && given)
    {
      /* what was given is muxed and closed first */
      for (guint i = 0; i < self->streams->len; i++)
        {
          EbRtpStream *stream = g_ptr_array_index (self->streams, i);

          gst_app_src_end_of_stream (GST_APP_SRC (stream->appsrc));
        }
      self->stop_timeout = g_timeout_source_new (EB_RTP_RECORDER_STOP_TIMEOUT_MS);
      g_source_set_callback (self->stop_timeout, stop_timeout_cb, self, NULL);
      g_source_attach (self->stop_timeout, self->context);
    }
  else
    stop_pipeline (self);
  maybe_complete_stop (self);
}

EbRecordedTrack *
eb_rtp_recorder_stop_finish (EbRtpRecorder *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EB_IS_RTP_RECORDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_rtp_recorder_stop_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- GObject --- */

static void
eb_rtp_recorder_dispose (GObject *object)
{
  EbRtpRecorder *self = EB_RTP_RECORDER (object);

  clear_stop_timeout (self);
  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_mutex_lock (&self->lock);
  self->running = FALSE;
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->streams, g_ptr_array_unref);
  g_clear_object (&self->mux);
  g_clear_object (&self->bin);
  g_clear_object (&self->pipeline);
  g_queue_clear_full (&self->fragments, (GDestroyNotify)eb_fragment_free);
  g_queue_clear_full (&self->jobs, (GDestroyNotify)eb_segment_job_free);

  G_OBJECT_CLASS (eb_rtp_recorder_parent_class)->dispose (object);
}

static void
eb_rtp_recorder_finalize (GObject *object)
{
  EbRtpRecorder *self = EB_RTP_RECORDER (object);

  g_warn_if_fail (self->stop_task == NULL);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->depay_descriptions, g_hash_table_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->opened_files, g_ptr_array_unref);
  g_free (self->directory);
  g_free (self->track_name);
  g_free (self->manifest_path);
  g_free (self->video_codec);
  g_free (self->audio_codec);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (eb_rtp_recorder_parent_class)->finalize (object);
}

static void
eb_rtp_recorder_class_init (EbRtpRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eb_rtp_recorder_dispose;
  object_class->finalize = eb_rtp_recorder_finalize;

  /**
   * EbRtpRecorder::segment-closed:
   * @segment: (type EbRecordedSegment) (transfer none): as appended to
   *   the manifest
   */
  signals[SIGNAL_SEGMENT_CLOSED]
      = g_signal_new ("segment-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * EbRtpRecorder::failed:
   * @error: what went wrong
   */
  signals[SIGNAL_FAILED]
      = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
eb_rtp_recorder_init (EbRtpRecorder *self)
{
  g_mutex_init (&self->lock);
  self->base = GST_CLOCK_TIME_NONE;
  self->max_end_rt = GST_CLOCK_TIME_NONE;
  self->streams = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_rtp_stream_free);
  self->depay_descriptions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_segment_free);
  self->opened_files = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->fragments);
  g_queue_init (&self->jobs);
}
