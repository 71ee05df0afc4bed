/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "eb-manifest-private.h"
#include "eb-recorder-impl-private.h"
#include "eb-segment-job-private.h"

/* A segment file the muxer opened (main context). */
struct _EbFragment
{
  char *location;
  GstClockTime start_rt;
  GstClockTime end_rt;
  gboolean closed;
};

static void run_next_job (EbRecorder *self);

void
eb_fragment_free (EbFragment *fragment)
{
  g_free (fragment->location);
  g_free (fragment);
}

/* "<track>-NNNNN.ts" of this recorder: its index, or -1. */
static gint64
own_segment_index (EbRecorder *self, const char *file)
{
  gsize prefix_length = strlen (self->track_name);
  const char *p;

  if (strncmp (file, self->track_name, prefix_length) != 0 || file[prefix_length] != '-'
      || !g_str_has_suffix (file, ".ts"))
    return -1;
  p = file + prefix_length + 1;
  if (!g_ascii_isdigit (*p))
    return -1;
  for (const char *q = p; q < file + strlen (file) - 3; q++)
    {
      if (!g_ascii_isdigit (*q))
        return -1;
    }
  return g_ascii_strtoll (p, NULL, 10);
}

/* The first free segment index: a track recorded again in the same
 * folder (a restarted daemon) never overwrites its earlier segments. */
guint
eb_recorder_next_free_index (EbRecorder *self)
{
  g_autoptr (GDir) dir = g_dir_open (self->directory, 0, NULL);
  gint64 next = 0;
  const char *name;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gint64 index = own_segment_index (self, name);

      if (index >= next)
        next = index + 1;
    }
  return (guint)MIN (next, G_MAXINT);
}

/* Removes the segment files this recorder opened that are empty, or all
 * of them when @all. Only those it opened: a reconnect's recorder may be
 * writing the next ones in the same folder already. */
void
eb_recorder_remove_own_files (EbRecorder *self, gboolean all)
{
  for (guint i = 0; i < self->opened_files->len; i++)
    {
      const char *path = g_ptr_array_index (self->opened_files, i);
      GStatBuf st;

      if (g_stat (path, &st) != 0 || (!all && st.st_size > 0))
        continue;
      if (g_unlink (path) != 0)
        g_message ("track %s: cannot remove %s: %s", self->track_name, path, g_strerror (errno));
    }
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
  EbSegmentJob *job = g_new0 (EbSegmentJob, 1);

  job->path = g_strdup (fragment->location);
  job->manifest_path = g_strdup (self->manifest_path);
  job->entry = new_entry (self, fragment, end_rt);
  /* after a write failure the muxer's account of the last segment is
   * not what reached the disk */
  job->measure = measure || self->state == EB_RECORDER_FAILED;
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

  while ((fragment = g_queue_peek_head (&self->fragments)) != NULL)
    {
      GstClockTime end_rt = fragment->end_rt;

      if (!fragment->closed)
        break;
      if (!GST_CLOCK_TIME_IS_VALID (end_rt))
        {
          if (!self->pipeline_done)
            break;
          g_mutex_lock (&self->lock);
          end_rt = self->max_end_rt;
          g_mutex_unlock (&self->lock);
        }
      g_queue_pop_head (&self->fragments);
      queue_job (self, fragment, end_rt, FALSE);
      eb_fragment_free (fragment);
    }
}

static void
fragment_opened (EbRecorder *self, const char *location, GstClockTime running_time)
{
  EbFragment *previous = g_queue_peek_tail (&self->fragments);
  EbFragment *fragment = g_new0 (EbFragment, 1);

  if (previous != NULL && !GST_CLOCK_TIME_IS_VALID (previous->end_rt))
    previous->end_rt = running_time;
  g_ptr_array_add (self->opened_files, g_strdup (location));
  fragment->location = g_strdup (location);
  fragment->start_rt = running_time;
  fragment->end_rt = GST_CLOCK_TIME_NONE;
  g_queue_push_tail (&self->fragments, fragment);
  GST_DEBUG_OBJECT (self->pipeline, "opened %s at %" GST_TIME_FORMAT, location,
                    GST_TIME_ARGS (running_time));
  dispatch_fragments (self);
}

static void
fragment_closed (EbRecorder *self, const char *location)
{
  for (GList *l = self->fragments.head; l != NULL; l = l->next)
    {
      EbFragment *fragment = l->data;

      if (g_strcmp0 (fragment->location, location) == 0)
        {
          fragment->closed = TRUE;
          break;
        }
    }
  GST_DEBUG_OBJECT (self->pipeline, "closed %s", location);
  dispatch_fragments (self);
}

void
eb_recorder_handle_element_message (EbRecorder *self, GstMessage *message)
{
  const GstStructure *structure = gst_message_get_structure (message);
  const char *location;
  GstClockTime running_time = GST_CLOCK_TIME_NONE;

  if (structure == NULL || GST_MESSAGE_SRC (message) != GST_OBJECT (self->mux))
    return;
  location = gst_structure_get_string (structure, "location");
  if (location == NULL)
    return;
  gst_structure_get_clock_time (structure, "running-time", &running_time);
  if (gst_structure_has_name (structure, "splitmuxsink-fragment-opened"))
    fragment_opened (self, location, running_time);
  else if (gst_structure_has_name (structure, "splitmuxsink-fragment-closed"))
    fragment_closed (self, location);
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
  while ((fragment = g_queue_pop_head (&unclosed)) != NULL)
    {
      GStatBuf st;

      if (g_stat (fragment->location, &st) == 0 && st.st_size > 0)
        {
          g_message ("track %s: %s was not closed by the muxer; keeping what was written",
                     self->track_name, fragment->location);
          queue_job (self, fragment, GST_CLOCK_TIME_NONE, TRUE);
        }
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
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordedSegment) segment = NULL;

  eb_recorder_shared_unref (shared);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_message ("segment %s left out of the recording: %s", job->path, error->message);
  if (self == NULL)
    return;
  self->job_running = FALSE;

  if (error == NULL)
    {
      segment = eb_recorded_segment_new ();
      segment->path = g_strdup (job->path);
      segment->start_offset_us = job->entry->start_offset_us;
      segment->duration_us = job->entry->duration_us;
      segment->size = job->entry->size;
      segment->sha256 = g_strdup (job->entry->sha256);
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

/* One job at a time, so that segments are reported and appended in
 * order. */
static void
run_next_job (EbRecorder *self)
{
  g_autoptr (GTask) task = NULL;
  EbSegmentJob *job;

  if (self->job_running || (job = g_queue_pop_head (&self->jobs)) == NULL)
    return;
  self->job_running = TRUE;
  /* no source object: the recorder is only ever released on the main
   * context */
  task = g_task_new (NULL, NULL, segment_job_done_cb, eb_recorder_shared_ref (self->shared));
  g_task_set_source_tag (task, run_next_job);
  g_task_set_task_data (task, job, (GDestroyNotify)eb_segment_job_free);
  g_task_run_in_thread (task, eb_segment_job_thread);
}
