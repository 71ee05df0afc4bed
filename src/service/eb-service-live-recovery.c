/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include "eb-service-live-private.h"

/*
 * Interrupted live sessions: the recovery, at the start, of the sessions
 * a previous run left live, and the stop of the live sessions when
 * eboardd stops. Either way the session ends as interrupted, its
 * recording registered from the segments on disk.
 */

/* --- recovery --- */

/* Replaces @recording's tracks with the manifest's (a recovery: the
 * folder is the truth). */
static gboolean
eb_service_recording_take_manifest (EbService *self, EbRecording *recording,
                                    const EbRecordingManifest *manifest, GError **error)
{
  g_autoptr (GHashTable) sites
      = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  g_ptr_array_set_size (recording->tracks, 0);
  for (guint i = 0; manifest->tracks != NULL && i < manifest->tracks->len; i++)
    {
      EbRecordingTrack *track = eb_service_track_from_recorded (
          self, g_ptr_array_index (manifest->tracks, i), sites, error);

      if (track == NULL)
        return FALSE;
      g_ptr_array_add (recording->tracks, track);
    }
  return TRUE;
}

/* The last instant the recording covers: the end of its last segment, or
 * 0 when it has none. */
static gint64
eb_recording_last_instant (const EbRecording *recording)
{
  gint64 last = 0;

  for (guint i = 0; i < recording->tracks->len; i++)
    {
      const EbRecordingTrack *track = g_ptr_array_index (recording->tracks, i);

      for (guint j = 0; j < track->segments->len; j++)
        {
          const EbRecordingSegment *segment = g_ptr_array_index (track->segments, j);

          last = MAX (last,
                      recording->started_at_us + segment->start_offset_us + segment->duration_us);
        }
    }
  return last;
}

/* Why a live session ends as interrupted. */
typedef enum
{
  /* found live at the start: the previous run stopped without closing it */
  EB_INTERRUPTION_FOUND_LIVE,
  /* eboardd is stopping: its conference was closed first */
  EB_INTERRUPTION_STOPPING,
} EbInterruption;

/* The one definition of an interrupted session: it ends, its recording
 * rebuilt from the segments on disk (state interrupted), its open
 * attendance closed, session-interrupted on its timeline. */
static gboolean
eb_service_recover_session (EbService *self, EbSession *session, EbInterruption cause,
                            EbTimelineEvent **out, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *detail = NULL;
  const char *recordings_dir = self->live != NULL ? self->live->recordings_dir : NULL;
  gint64 now_us = g_get_real_time ();
  gint64 last_us;
  gboolean is_new = FALSE;
  guint n_segments = 0;

  /* Read before the transaction: the folder is the truth. */
  if (recordings_dir != NULL)
    {
      manifest = eb_media_recover_session (recordings_dir, session->id, &local_error);
      if (manifest == NULL)
        {
          g_warning ("session %" G_GINT64_FORMAT ": cannot rebuild its recording from %s: %s",
                     session->id, recordings_dir, local_error->message);
          g_clear_error (&local_error);
        }
    }

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return FALSE;
  recording = eb_store_recording_find_by_session (self->store, session->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (recording == NULL || recording->state != EB_RECORDING_STATE_RECORDING)
    {
      g_clear_pointer (&recording, eb_recording_free);
      recording = eb_recording_new ();
      recording->session_id = session->id;
      recording->started_at_us = session->start * G_USEC_PER_SEC;
      is_new = TRUE;
    }
  if (manifest != NULL && !eb_service_recording_take_manifest (self, recording, manifest, error))
    return FALSE;
  recording->state = EB_RECORDING_STATE_INTERRUPTED;

  /* A stop is dated now. A session found live is dated by the last thing
   * known to have happened: the end of the last segment, or the last
   * timeline event. */
  last_us = eb_recording_last_instant (recording);
  timeline = eb_store_timeline_list (self->store, session->id, NULL, NULL, error);
  if (timeline == NULL)
    return FALSE;
  if (timeline->len > 0)
    last_us = MAX (
        last_us, ((const EbTimelineEvent *)g_ptr_array_index (timeline, timeline->len - 1))->at_us);
  if (last_us <= 0 || cause == EB_INTERRUPTION_STOPPING)
    last_us = MAX (last_us, now_us);
  recording->ended_at_us = MAX (last_us, recording->started_at_us);
  if (is_new ? !eb_store_recording_insert (self->store, recording, error)
             : !eb_store_recording_update (self->store, recording, error))
    return FALSE;
  if (!eb_service_close_attendance (self, session->id, recording->ended_at_us, error))
    return FALSE;

  for (guint i = 0; i < recording->tracks->len; i++)
    n_segments
        += ((const EbRecordingTrack *)g_ptr_array_index (recording->tracks, i))->segments->len;
  if (cause == EB_INTERRUPTION_STOPPING)
    detail = g_strdup_printf ("eboardd stopped while the session was live: conference closed, "
                              "recording %" G_GINT64_FORMAT " registered from %u segments on disk",
                              recording->id, n_segments);
  else
    detail
        = g_strdup_printf ("eboardd stopped while the session was live; recording %" G_GINT64_FORMAT
                           " rebuilt from %u segments on disk",
                           recording->id, n_segments);
  *out = eb_service_live_add_event (self, session->id, EB_TIMELINE_SESSION_INTERRUPTED,
                                    recording->ended_at_us, recording->started_at_us, 0, NULL,
                                    detail, error);
  if (*out == NULL)
    return FALSE;

  session->state = EB_SESSION_STATE_ENDED;
  if (!eb_store_session_update (self->store, session, error) || !eb_transaction_commit (tx, error))
    {
      g_clear_pointer (out, eb_timeline_event_free);
      return FALSE;
    }
  if (cause == EB_INTERRUPTION_STOPPING)
    g_message ("session %" G_GINT64_FORMAT " stopped with eboardd: conference closed, ended as "
               "interrupted, recording %" G_GINT64_FORMAT " (%u tracks, %u segments)",
               session->id, recording->id, recording->tracks->len, n_segments);
  else
    g_message ("session %" G_GINT64_FORMAT " was live when eboardd stopped: ended as interrupted, "
               "recording %" G_GINT64_FORMAT " rebuilt (%u tracks, %u segments)",
               session->id, recording->id, recording->tracks->len, n_segments);
  return TRUE;
}

/**
 * eb_service_recover_interrupted:
 * @n_recovered: (out) (optional): how many sessions were recovered
 *
 * Every session still live in the database ends as interrupted. A
 * session that cannot be recovered is logged and left live (the next
 * start tries again); the others are still recovered.
 *
 * Returns: whether every live session was recovered
 */
gboolean
eb_service_recover_interrupted (EbService *self, guint *n_recovered, GError **error)
{
  g_autoptr (GPtrArray) sessions = NULL;
  g_autoptr (GError) first_error = NULL;
  EbSessionFilter filter = { 0, 0, EB_SESSION_STATE_LIVE, 0, 0 };
  guint n = 0;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);

  if (n_recovered != NULL)
    *n_recovered = 0;
  sessions = eb_store_session_list (self->store, &filter, NULL, NULL, error);
  if (sessions == NULL)
    return FALSE;
  for (guint i = 0; i < sessions->len; i++)
    {
      EbSession *session = g_ptr_array_index (sessions, i);
      g_autoptr (EbTimelineEvent) event = NULL;
      g_autoptr (GError) local_error = NULL;

      if (eb_service_live_session_lookup (self, session->id) != NULL)
        continue; /* live here, not interrupted */
      if (!eb_service_recover_session (self, session, EB_INTERRUPTION_FOUND_LIVE, &event,
                                       &local_error))
        {
          g_warning ("session %" G_GINT64_FORMAT ": cannot recover it: %s", session->id,
                     local_error->message);
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
          continue;
        }
      n++;
      eb_service_live_emit_event (self, event);
    }
  if (n_recovered != NULL)
    *n_recovered = n;
  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}

/* --- stopping --- */

typedef struct
{
  /* closes not finished yet (plus one while they are being started) */
  guint pending;
  guint n_stopped;
  GError *first_error;
  GSource *timeout_source;
  GSource *cancel_source;
  gboolean returned;
} EbStopData;

static void
eb_stop_data_clear_sources (EbStopData *data)
{
  if (data->timeout_source != NULL)
    g_source_destroy (data->timeout_source);
  g_clear_pointer (&data->timeout_source, g_source_unref);
  if (data->cancel_source != NULL)
    g_source_destroy (data->cancel_source);
  g_clear_pointer (&data->cancel_source, g_source_unref);
}

static void
eb_stop_data_free (EbStopData *data)
{
  eb_stop_data_clear_sources (data);
  g_clear_error (&data->first_error);
  g_free (data);
}

/* One conference being closed for the stop. */
typedef struct
{
  GTask *task;
  EbId session_id;
} EbStopClose;

static void
eb_stop_close_free (EbStopClose *close)
{
  g_clear_object (&close->task);
  g_free (close);
}

/* Completes the stop once (every close finished, the time is up, or the
 * caller cancelled); closes that finish later still end their session. */
static void
eb_service_stop_return (GTask *task, GError *error)
{
  EbStopData *data = g_task_get_task_data (task);

  if (data->returned)
    {
      g_clear_error (&error);
      return;
    }
  data->returned = TRUE;
  eb_stop_data_clear_sources (data);
  if (error == NULL && data->first_error != NULL)
    error = g_error_copy (data->first_error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
eb_service_stop_release (GTask *task)
{
  EbStopData *data = g_task_get_task_data (task);

  g_assert (data->pending > 0);
  if (--data->pending == 0)
    eb_service_stop_return (task, NULL);
}

static gboolean
eb_service_stop_timeout_cb (gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  EbStopData *data = g_task_get_task_data (task);

  eb_service_stop_return (
      task, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         "%u live session(s) still closing when the time was up; the next start "
                         "recovers them",
                         data->pending));
  return G_SOURCE_REMOVE;
}

static gboolean
eb_service_stop_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = G_TASK (user_data);

  eb_service_stop_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "stopping live sessions was "
                                                     "cancelled"));
  return G_SOURCE_REMOVE;
}

/* The conference of a session is closed (or it had none): the session
 * ends as interrupted, with what its recorders finalised. */
static gboolean
eb_service_stop_session (EbService *self, EbId session_id, GError **error)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbTimelineEvent) event = NULL;
  EbLiveSession *ls;

  session = eb_store_session_get (self->store, session_id, error);
  if (!eb_service_check_found (session != NULL, "session", session_id, error))
    return FALSE;
  if (session->state == EB_SESSION_STATE_LIVE
      && !eb_service_recover_session (self, session, EB_INTERRUPTION_STOPPING, &event, error))
    {
      ls = eb_service_live_session_lookup (self, session_id);
      if (ls != NULL)
        ls->ending = FALSE;
      return FALSE;
    }
  eb_service_live_session_remove (self, session_id);
  if (event != NULL)
    eb_service_live_emit_event (self, event);
  return TRUE;
}

static void
eb_service_stop_one (GTask *task, EbId session_id)
{
  EbService *self = g_task_get_source_object (task);
  EbStopData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (eb_service_stop_session (self, session_id, &error))
    data->n_stopped++;
  else
    {
      g_warning ("session %" G_GINT64_FORMAT ": cannot end it as interrupted: %s (the next start "
                 "recovers it)",
                 session_id, error->message);
      if (data->first_error == NULL)
        data->first_error = g_steal_pointer (&error);
    }
  eb_service_stop_release (task);
}

static void
eb_service_on_stop_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbStopClose *close = user_data;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autoptr (GError) error = NULL;

  /* The manifest written on disk as segments closed is what the session
   * is registered with, as for a recovery; an unclean close still leaves
   * what was finalised. */
  manifest = eb_media_plane_close_conference_finish (EB_MEDIA_PLANE (source), result, &error);
  if (manifest == NULL && !g_error_matches (error, EB_ERROR, EB_ERROR_NOT_FOUND))
    g_warning ("session %" G_GINT64_FORMAT ": the conference did not close cleanly: %s",
               close->session_id, error->message);
  eb_service_stop_one (close->task, close->session_id);
  eb_stop_close_free (close);
}

/**
 * eb_service_stop_live_async:
 * @timeout_ms: how long the conferences may take to close; 0 closes
 *   nothing
 *
 * For a clean stop of the daemon, once no request is served any more:
 * closes the conference of every live session (each recorder finalises
 * its last segment) and ends each session as interrupted, as a recovery
 * at the next start would (its recording registered from the segments on
 * disk, session-interrupted on its timeline), logging one line per
 * session. A session already ending is left to its end. Completes with
 * G_IO_ERROR_TIMED_OUT after @timeout_ms: the sessions not ended by then
 * stay live in the database and the next start recovers them.
 */
void
eb_service_stop_live_async (EbService *self, guint timeout_ms, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  GError *error = NULL;
  EbSessionFilter filter = { 0, 0, EB_SESSION_STATE_LIVE, 0, 0 };
  EbServiceLive *live;
  EbStopData *data;

  g_return_if_fail (EB_IS_SERVICE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  live = eb_service_live (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_service_stop_live_async);
  data = g_new0 (EbStopData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify)eb_stop_data_free);

  sessions = eb_store_session_list (self->store, &filter, NULL, NULL, &error);
  if (sessions == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (sessions->len > 0 && timeout_ms == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               "no time left to close %u live session(s); the next start "
                               "recovers them",
                               sessions->len);
      return;
    }

  data->pending = 1;
  for (guint i = 0; i < sessions->len; i++)
    {
      const EbSession *session = g_ptr_array_index (sessions, i);
      EbLiveSession *ls = eb_service_live_session_lookup (self, session->id);
      EbStopClose *close;

      if (ls != NULL && ls->ending)
        {
          g_message ("session %" G_GINT64_FORMAT " is already ending: left to its end",
                     session->id);
          continue;
        }
      if (ls != NULL)
        ls->ending = TRUE;
      data->pending++;
      if (live->media == NULL)
        {
          eb_service_stop_one (task, session->id);
          continue;
        }
      close = g_new0 (EbStopClose, 1);
      close->task = g_object_ref (task);
      close->session_id = session->id;
      eb_media_plane_close_conference_async (live->media, session->id, NULL,
                                             eb_service_on_stop_closed, close);
    }

  if (data->pending > 1)
    {
      data->timeout_source = g_timeout_source_new (timeout_ms);
      g_source_set_callback (data->timeout_source, eb_service_stop_timeout_cb, task, NULL);
      g_source_attach (data->timeout_source, g_main_context_get_thread_default ());
      if (cancellable != NULL)
        {
          data->cancel_source = g_cancellable_source_new (cancellable);
          g_source_set_callback (data->cancel_source, G_SOURCE_FUNC (eb_service_stop_cancelled_cb),
                                 task, NULL);
          g_source_attach (data->cancel_source, g_main_context_get_thread_default ());
        }
    }
  eb_service_stop_release (task);
}

/**
 * eb_service_stop_live_finish:
 * @n_stopped: (out) (optional): how many sessions ended as interrupted
 *   (also when the stop did not complete)
 *
 * Returns: whether every live session was closed and ended in time
 */
gboolean
eb_service_stop_live_finish (EbService *self, GAsyncResult *result, guint *n_stopped,
                             GError **error)
{
  EbStopData *data;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_service_stop_live_async,
                        FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (n_stopped != NULL)
    *n_stopped = data->n_stopped;
  return g_task_propagate_boolean (G_TASK (result), error);
}
