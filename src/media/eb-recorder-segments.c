/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include "eb-manifest-private.h"
#include "eb-recorder-impl-private.h"
#include "eb-segment-job-private.h"

static void run_next_job (EbRecorder *self);

/* The first free segment index: a track recorded again in the same
 * folder (a restarted daemon) never overwrites its earlier segments. */
guint
eb_recorder_next_free_index (EbRecorder *self)
{
  return eb_segment_next_free_index (self->directory, self->track_name, ".ts");
}

/* Removes the segment files this recorder opened that are empty, or all
 * of them when @all. Only those it opened: a reconnect's recorder may be
 * writing the next ones in the same folder already. */
void
eb_recorder_remove_own_files (EbRecorder *self, gboolean all)
{
  eb_segment_files_remove (self->opened_files, self->track_name, all);
}

static EbManifestEntry *
new_entry (EbRecorder *self, const EbFragment *fragment, GstClockTime end_rt)
{
  EbManifestEntry *entry = eb_manifest_entry_new ();

  entry->track = g_strdup (self->manifest_track);
  entry->person_id = self->person_id;
  entry->file = g_path_get_basename (fragment->location);
  entry->session_start_us = self->session_start_us;
  g_mutex_lock (&self->lock);
  /*
   * The offset in the session. Timestamps come from the stream itself
   * (the demuxer maps the publisher's PTS to running time, so network
   * jitter never stretches a segment): the muxer reports the running time
   * of each segment's first keyframe. The earliest running time that
   * reached the muxer is the stream's first media, which arrived with
   * the first byte: running time t is wall clock time
   * first_byte_us + (t - first_rt).
   */
  if (GST_CLOCK_TIME_IS_VALID (fragment->start_rt) && GST_CLOCK_TIME_IS_VALID (self->first_rt))
    entry->start_offset_us = self->first_byte_us
                             + GST_CLOCK_DIFF (self->first_rt, fragment->start_rt) / 1000
                             - self->session_start_us;
  else
    entry->start_offset_us = self->first_byte_us - self->session_start_us;
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
queue_job (EbRecorder *self, const EbFragment *fragment, GstClockTime end_rt, gboolean measure)
{
  /* after a write failure the muxer's account of the last segment is
   * not what reached the disk */
  EbSegmentJob *job = eb_segment_job_new (fragment->location, self->manifest_path,
                                          new_entry (self, fragment, end_rt),
                                          measure || self->state == EB_RECORDER_FAILED);

  g_queue_push_tail (&self->jobs, job);
  run_next_job (self);
}

/* Closed segments go to the hashing queue in order, once their end is
 * known: the start of the next segment, or (when the pipeline is done)
 * the last running time that reached the muxer. */
static void
dispatch_fragments (EbRecorder *self)
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
fragment_opened (EbRecorder *self, const char *location, GstClockTime running_time)
{
  eb_fragments_opened (&self->fragments, self->opened_files, location, running_time);
  GST_DEBUG_OBJECT (self->pipeline, "opened %s at %" GST_TIME_FORMAT, location,
                    GST_TIME_ARGS (running_time));
  dispatch_fragments (self);
}

static void
fragment_closed (EbRecorder *self, const char *location)
{
  eb_fragments_closed (&self->fragments, location);
  GST_DEBUG_OBJECT (self->pipeline, "closed %s", location);
  dispatch_fragments (self);
}

void
eb_recorder_handle_element_message (EbRecorder *self, GstMessage *message)
{
  const char *location = NULL;
  GstClockTime running_time;

  switch (eb_fragment_message_parse (message, self->mux, &location, &running_time))
    {
      case EB_FRAGMENT_MESSAGE_OPENED:
        fragment_opened (self, location, running_time);
        break;
      case EB_FRAGMENT_MESSAGE_CLOSED:
        fragment_closed (self, location);
        break;
      case EB_FRAGMENT_MESSAGE_NONE:
        break;
    }
}

void
eb_recorder_clear_stop_timeout (EbRecorder *self)
{
  if (self->stop_timeout == NULL)
    return;
  g_source_destroy (self->stop_timeout);
  g_clear_pointer (&self->stop_timeout, g_source_unref);
}

/* Sets the pipeline to NULL (once); segments the muxer closed are hashed,
 * the one it did not close (a failure, a stop timeout) is measured from
 * the file: MPEG-TS cut anywhere stays playable. */
void
eb_recorder_stop_pipeline (EbRecorder *self)
{
  g_autoptr (GstBus) bus = NULL;
  GstMessage *message;
  GQueue unclosed = G_QUEUE_INIT;
  EbFragment *fragment;

  if (self->pipeline_done)
    return;
  eb_recorder_clear_stop_timeout (self);

  /* the bus drops what is left on it when the pipeline goes to NULL */
  bus = gst_element_get_bus (self->pipeline);
  while ((message = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      eb_recorder_handle_element_message (self, message);
      gst_message_unref (message);
    }
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  self->pipeline_done = TRUE;

  dispatch_fragments (self);
  while ((fragment = g_queue_pop_head (&self->fragments)) != NULL)
    g_queue_push_tail (&unclosed, fragment);
  while ((fragment = eb_fragments_pop_unclosed (&unclosed, self->track_name)) != NULL)
    {
      queue_job (self, fragment, GST_CLOCK_TIME_NONE, TRUE);
      eb_fragment_free (fragment);
    }
  eb_recorder_remove_own_files (self, FALSE);
}

static void
segment_job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbRecorderShared *shared = user_data;
  g_autoptr (EbRecorder) self = eb_recorder_shared_get (shared);
  EbSegmentJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (EbRecordedSegment) segment = eb_segment_job_finish (result);

  eb_recorder_shared_unref (shared);
  if (self == NULL)
    return;
  self->job_running = FALSE;

  if (segment != NULL)
    {
      g_ptr_array_add (self->segments, eb_recorded_segment_copy (segment));
      g_debug ("track %s: segment %s closed: %" G_GINT64_FORMAT " us at %" G_GINT64_FORMAT
               " us, %" G_GUINT64_FORMAT " bytes",
               self->track_name, job->entry->file, segment->duration_us, segment->start_offset_us,
               segment->size);
      g_signal_emit (self, eb_recorder_signals[EB_RECORDER_SIGNAL_SEGMENT_CLOSED], 0, segment);
    }
  if (job->append_error != NULL)
    eb_recorder_fail (self, job->append_error);

  run_next_job (self);
  eb_recorder_maybe_complete_stop (self);
}

static void
run_next_job (EbRecorder *self)
{
  EbSegmentJob *job = eb_segment_job_next (&self->jobs, &self->job_running);

  if (job == NULL)
    return;
  /* no source object: the recorder is only ever released on the main
   * context */
  eb_segment_job_start (job, NULL, segment_job_done_cb, eb_recorder_shared_ref (self->shared));
}
