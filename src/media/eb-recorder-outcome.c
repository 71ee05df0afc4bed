/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <string.h>

#include <eboard/eb-error.h>

#include "eb-recorder-impl-private.h"
#include "eb-segment-job-private.h"

static void refuse (EbRecorder *self, const char *reason);

static void
refuse_pending_main (EbRecorder *self, gpointer data)
{
  eb_recorder_refuse_pending (self);
}

/* Any thread, with the lock held: the input will be refused. */
void
eb_recorder_decide_refusal (EbRecorder *self, char *reason)
{
  self->refusing = TRUE;
  if (self->refusal == NULL)
    self->refusal = reason;
  else
    g_free (reason);
  eb_recorder_handover (self->shared, refuse_pending_main, NULL, NULL);
}

/* Main context: reports a refusal decided on another thread. */
void
eb_recorder_refuse_pending (EbRecorder *self)
{
  g_autofree char *reason = NULL;

  g_mutex_lock (&self->lock);
  reason = g_steal_pointer (&self->refusal);
  g_mutex_unlock (&self->lock);
  if (reason != NULL)
    refuse (self, reason);
}

static EbRecordedTrack *
build_track (EbRecorder *self)
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

void
eb_recorder_maybe_complete_stop (EbRecorder *self)
{
  g_autoptr (GTask) task = NULL;
  guint64 dropped;

  if (self->stop_task == NULL || !self->pipeline_done || self->job_running
      || !g_queue_is_empty (&self->jobs))
    return;
  task = g_steal_pointer (&self->stop_task);
  g_mutex_lock (&self->lock);
  if (self->state == EB_RECORDER_STOPPING || self->state == EB_RECORDER_RUNNING
      || self->state == EB_RECORDER_NEW)
    self->state = EB_RECORDER_STOPPED;
  dropped = self->bytes_dropped;
  g_mutex_unlock (&self->lock);
  if (dropped > 0)
    g_message ("track %s: %" G_GUINT64_FORMAT " bytes were dropped because the recorder "
               "could not keep up",
               self->track_name, dropped);
  g_task_return_pointer (task, build_track (self), (GDestroyNotify)eb_recorded_track_free);
}

static void
refuse (EbRecorder *self, const char *reason)
{
  g_autoptr (EbRecorder) keep = g_object_ref (self);

  g_mutex_lock (&self->lock);
  if (self->state != EB_RECORDER_RUNNING && self->state != EB_RECORDER_STOPPING)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->state = EB_RECORDER_REFUSED;
  self->refusing = TRUE;
  g_mutex_unlock (&self->lock);

  g_message ("track %s: input refused: %s", self->track_name, reason);
  /* nothing of it is kept */
  eb_recorder_stop_pipeline (self);
  g_queue_clear_full (&self->jobs, (GDestroyNotify)eb_segment_job_free);
  eb_recorder_remove_own_files (self, TRUE);
  g_signal_emit (self, eb_recorder_signals[EB_RECORDER_SIGNAL_REFUSED], 0, reason);
  eb_recorder_maybe_complete_stop (self);
}

void
eb_recorder_fail (EbRecorder *self, const GError *error)
{
  g_autoptr (EbRecorder) keep = g_object_ref (self);

  g_mutex_lock (&self->lock);
  if (self->state == EB_RECORDER_FAILED || self->state == EB_RECORDER_REFUSED)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->state = EB_RECORDER_FAILED;
  g_mutex_unlock (&self->lock);

  g_message ("track %s: recording failed: %s", self->track_name, error->message);
  eb_recorder_stop_pipeline (self);
  g_signal_emit (self, eb_recorder_signals[EB_RECORDER_SIGNAL_FAILED], 0, error);
  eb_recorder_maybe_complete_stop (self);
}

/* Main context: reports a failure decided on a streaming thread that
 * waited for the muxer to close the last segment. */
void
eb_recorder_fail_pending (EbRecorder *self)
{
  g_autoptr (GError) error = NULL;

  g_mutex_lock (&self->lock);
  error = g_steal_pointer (&self->pending_failure);
  g_mutex_unlock (&self->lock);
  if (error != NULL)
    eb_recorder_fail (self, error);
}

/* The message of a GStreamer error, with the file concerned and the
 * system's reason (the last line of the debug text, e.g. "File too
 * large"). */
static GError *
describe_gst_error (EbRecorder *self, GstMessage *message, const char *context)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *location = NULL;
  g_autoptr (GString) text = g_string_new (context);
  GObject *source = G_OBJECT (GST_MESSAGE_SRC (message));
  const char *reason = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  GST_DEBUG_OBJECT (self->pipeline, "error from %s: %s (%s)", GST_MESSAGE_SRC_NAME (message),
                    gst_error->message, debug != NULL ? debug : "");
  if (debug != NULL && (reason = strrchr (debug, '\n')) != NULL)
    reason = *(reason + 1) != '\0' ? reason + 1 : NULL;
  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT))
    reason = g_strerror (ENOSPC);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (source), "location") != NULL)
    g_object_get (source, "location", &location, NULL);

  if (location != NULL)
    g_string_append_printf (text, ": writing %s", location);
  g_string_append_printf (text, ": %s", gst_error->message);
  if (reason != NULL)
    g_string_append_printf (text, " (%s)", reason);
  return g_error_new_literal (EB_ERROR, EB_ERROR_FAILED, text->str);
}

gboolean
eb_recorder_bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  EbRecorder *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
      case GST_MESSAGE_ELEMENT:
        eb_recorder_handle_element_message (self, message);
        break;
      case GST_MESSAGE_EOS:
        GST_DEBUG_OBJECT (self->pipeline, "EOS");
        eb_recorder_stop_pipeline (self);
        eb_recorder_fail_pending (self);
        eb_recorder_maybe_complete_stop (self);
        break;
      case GST_MESSAGE_ERROR:
        {
          gboolean exposed;

          /* the cause, when one is known, rather than its consequence */
          eb_recorder_fail_pending (self);

          g_mutex_lock (&self->lock);
          exposed = self->exposed;
          g_mutex_unlock (&self->lock);
          if (!exposed)
            {
              g_autoptr (GError) error
                  = describe_gst_error (self, message, "not an MPEG-TS stream");

              refuse (self, error->message);
            }
          else
            {
              g_autofree char *context
                  = g_strdup_printf ("recording track %s failed", self->track_name);
              g_autoptr (GError) error = describe_gst_error (self, message, context);

              eb_recorder_fail (self, error);
            }
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

static void
probe_timeout_main (EbRecorder *self, gpointer data)
{
  gboolean exposed;

  g_mutex_lock (&self->lock);
  exposed = self->exposed;
  g_mutex_unlock (&self->lock);
  if (!exposed)
    refuse (self, "no MPEG-TS program with an audio or video stream within " G_STRINGIFY (
                      EB_RECORDER_PROBE_SECONDS) " seconds: not an MPEG-TS stream");
}

gboolean
eb_recorder_probe_timeout_cb (gpointer user_data)
{
  g_autoptr (EbRecorder) self = eb_recorder_shared_get (user_data);

  if (self != NULL)
    probe_timeout_main (self, NULL);
  return G_SOURCE_REMOVE;
}

gboolean
eb_recorder_stop_timeout_cb (gpointer user_data)
{
  EbRecorder *self = user_data;

  g_clear_pointer (&self->stop_timeout, g_source_unref);
  g_message ("track %s: the last segment did not close within %u ms; keeping what was written",
             self->track_name, EB_RECORDER_STOP_TIMEOUT_MS);
  eb_recorder_stop_pipeline (self);
  eb_recorder_maybe_complete_stop (self);
  return G_SOURCE_REMOVE;
}
