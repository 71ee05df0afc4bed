/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>

#include "eb-conference-impl-private.h"
#include "eb-manifest-private.h"
#include "eb-recorder-private.h"
#include "eb-stream-id-private.h"

/* Beyond the recorders' own bounds: close never waits longer. */
#define EB_CONFERENCE_CLOSE_MARGIN_S 20

typedef struct
{
  EbId person_id;
  char *display_name;
  gboolean is_chair;
} EbConferenceMember;

static void
eb_conference_member_free (EbConferenceMember *member)
{
  g_free (member->display_name);
  g_free (member);
}

/* Conferences not yet freed. */
static gint n_alive;

/* Any thread: runs @free_func on @context's thread now, or later there
 * (a last reference dropped by the SRT network thread: what it frees
 * may own recorders and sources of the main context). */
void
eb_conference_free_on_context (GMainContext *context, GThread *thread, GSourceFunc free_func,
                               gpointer data)
{
  g_autoptr (GSource) source = NULL;

  if (g_thread_self () == thread || g_main_context_is_owner (context))
    {
      free_func (data);
      return;
    }
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, free_func, data, NULL);
  g_source_set_static_name (source, "[eboard] conference free");
  g_source_attach (source, context);
}

/* --- the conference --- */

static void
webrtc_emit_cb (const EbMediaEvent *event, gpointer user_data)
{
  EbConference *self = user_data;

  if (self->config.emit != NULL)
    self->config.emit (event, self->config.user_data);
}

static gboolean
webrtc_is_allowed_cb (EbId person_id, gpointer user_data)
{
  return eb_conference_is_allowed (user_data, person_id);
}

/* (transfer none): the track of a browser's publication, in the
 * conference's table (for SRT pulls), created on its first one */
static EbTrack *
ensure_webrtc_track (EbConference *self, const EbWebrtcPublication *publication)
{
  EbTrack *track;

  g_mutex_lock (&self->lock);
  track = g_hash_table_lookup (self->tracks, publication->track);
  if (track == NULL)
    {
      track = eb_track_new (self, g_strdup (publication->track), publication->person_id,
                            publication->video, publication->audio);
      g_hash_table_insert (self->tracks, track->name, track);
      g_ptr_array_add (self->track_order, track);
    }
  g_mutex_unlock (&self->lock);
  return track;
}

/* Main context: a browser's publication started or ended: its SRT
 * viewers get its new stream, or wait for the next one. */
static void
webrtc_publication_cb (const EbWebrtcPublication *publication, gboolean live, gpointer user_data)
{
  EbConference *self = user_data;
  EbTrack *track = ensure_webrtc_track (self, publication);

  if (live)
    eb_conference_start_ts_bridge (self, track, publication);
  else
    eb_track_stop_ts_bridge (track);
}

/* The room reaches the conference only while the conference lives: it
 * is closed or aborted before. */
static EbWebrtcRoom *
new_webrtc_room (EbConference *self, const EbConferenceConfig *config)
{
  EbWebrtcIceConfig no_ice = { 0 };
  EbWebrtcRoomConfig room = {
    .session_id = self->session_id,
    .started_at = self->started_at,
    .directory = self->directory,
    .templates = config->templates,
    .ice = config->ice != NULL ? config->ice : &no_ice,
    .segment_seconds = config->segment_seconds,
    .queue_limit = config->subscriber_queue_bytes,
    .emit = webrtc_emit_cb,
    .is_allowed = webrtc_is_allowed_cb,
    .publication = webrtc_publication_cb,
    .user_data = self,
  };

  return eb_webrtc_room_new (&room);
}

EbWebrtcRoom *
eb_conference_get_webrtc_room (EbConference *self)
{
  return self->webrtc;
}

EbConference *
eb_conference_new (EbId session_id, gint64 started_at, const char *directory,
                   const EbConferenceConfig *config)
{
  EbConference *self;

  g_return_val_if_fail (session_id > 0, NULL);
  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (config != NULL && config->relay_callbacks != NULL, NULL);

  self = g_new0 (EbConference, 1);
  g_atomic_ref_count_init (&self->ref);
  self->context = config->context != NULL ? g_main_context_ref (config->context)
                                          : g_main_context_ref_thread_default ();
  self->thread = g_thread_self ();
  self->session_id = session_id;
  self->started_at = started_at;
  self->directory = g_strdup (directory);
  self->config = *config;
  self->relay_callbacks = *config->relay_callbacks;
  self->config.relay_callbacks = &self->relay_callbacks;
  g_mutex_init (&self->lock);
  self->open = TRUE;
  self->participants = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                              (GDestroyNotify)eb_conference_member_free);
  self->tracks = g_hash_table_new (g_str_hash, g_str_equal);
  self->viewers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->track_order = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_track_unref);
  self->webrtc = new_webrtc_room (self, config);
  self->config.ice = NULL;
  self->config.context = NULL;
  g_atomic_int_inc (&n_alive);
  return self;
}

EbConference *
eb_conference_ref (EbConference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

static void
clear_close_timeout (EbConference *self)
{
  if (self->close_timeout == NULL)
    return;
  g_source_destroy (self->close_timeout);
  g_clear_pointer (&self->close_timeout, g_source_unref);
}

static gboolean
eb_conference_free (gpointer data)
{
  EbConference *self = data;

  g_warn_if_fail (self->close_task == NULL);
  g_debug ("session %" G_GINT64_FORMAT ": conference freed", self->session_id);
  clear_close_timeout (self);
  /* no bridge feeds a track whose last reference goes */
  for (guint i = 0; i < self->track_order->len; i++)
    eb_track_stop_ts_bridge (g_ptr_array_index (self->track_order, i));
  g_clear_pointer (&self->webrtc, eb_webrtc_room_unref);
  g_clear_pointer (&self->webrtc_tracks, g_ptr_array_unref);
  g_hash_table_unref (self->participants);
  g_hash_table_unref (self->tracks);
  g_hash_table_unref (self->viewers);
  g_ptr_array_unref (self->track_order);
  g_mutex_clear (&self->lock);
  g_free (self->directory);
  if (self->config.user_data_destroy != NULL)
    self->config.user_data_destroy (self->config.user_data);
  g_main_context_unref (self->context);
  g_free (self);
  g_atomic_int_dec_and_test (&n_alive);
  return G_SOURCE_REMOVE;
}

void
eb_conference_unref (EbConference *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  eb_conference_free_on_context (self->context, self->thread, eb_conference_free, self);
}

guint
eb_conference_get_n_alive (void)
{
  return (guint)g_atomic_int_get (&n_alive);
}

EbId
eb_conference_get_session_id (EbConference *self)
{
  return self->session_id;
}

const char *
eb_conference_get_directory (EbConference *self)
{
  return self->directory;
}

gboolean
eb_conference_is_open (EbConference *self)
{
  gboolean open;

  g_mutex_lock (&self->lock);
  open = self->open;
  g_mutex_unlock (&self->lock);
  return open;
}

void
eb_conference_set_closed (EbConference *self)
{
  g_mutex_lock (&self->lock);
  self->open = FALSE;
  g_mutex_unlock (&self->lock);
}

void
eb_conference_allow_participant (EbConference *self, EbId person_id, const char *display_name,
                                 gboolean is_chair)
{
  EbConferenceMember *member = g_new0 (EbConferenceMember, 1);

  member->person_id = person_id;
  member->display_name = g_strdup (display_name);
  member->is_chair = is_chair;
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->participants, &member->person_id, member);
  g_mutex_unlock (&self->lock);
}

void
eb_conference_revoke_participant (EbConference *self, EbId person_id)
{
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->participants, &person_id);
  g_mutex_unlock (&self->lock);
}

gboolean
eb_conference_is_allowed (EbConference *self, EbId person_id)
{
  gboolean allowed;

  g_mutex_lock (&self->lock);
  allowed = self->open && g_hash_table_contains (self->participants, &person_id);
  g_mutex_unlock (&self->lock);
  return allowed;
}

gboolean
eb_conference_add_viewer (EbConference *self, EbId person_id)
{
  gboolean added = FALSE;
  guint count;

  g_mutex_lock (&self->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->viewers, &person_id));
  if (count < EB_MEDIA_MAX_PULLS_PER_PERSON && self->n_viewers < EB_MEDIA_MAX_PULLS_PER_SESSION)
    {
      EbId *key = g_new (EbId, 1);

      *key = person_id;
      g_hash_table_replace (self->viewers, key, GUINT_TO_POINTER (count + 1));
      self->n_viewers++;
      added = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return added;
}

void
eb_conference_remove_viewer (EbConference *self, EbId person_id)
{
  guint count;

  g_mutex_lock (&self->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->viewers, &person_id));
  g_warn_if_fail (count > 0 && self->n_viewers > 0);
  if (count > 1)
    {
      EbId *key = g_new (EbId, 1);

      *key = person_id;
      g_hash_table_replace (self->viewers, key, GUINT_TO_POINTER (count - 1));
    }
  else
    g_hash_table_remove (self->viewers, &person_id);
  self->n_viewers = self->n_viewers > 0 ? self->n_viewers - 1 : 0;
  g_mutex_unlock (&self->lock);
}

EbTrack *
eb_conference_find_track (EbConference *self, const char *name)
{
  g_autofree char *chair_track = NULL;
  EbTrack *track;

  g_mutex_lock (&self->lock);
  if (g_strcmp0 (name, EB_STREAM_ID_CHAIR_TRACK) == 0)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->participants);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          EbConferenceMember *participant = value;

          if (participant->is_chair)
            {
              chair_track = eb_conference_track_name (participant->person_id);
              /* a chair who joined from a browser only */
              if (!g_hash_table_contains (self->tracks, chair_track))
                {
                  g_free (chair_track);
                  chair_track = eb_webrtc_track_name (participant->person_id);
                }
              break;
            }
        }
      name = chair_track;
    }
  track = name != NULL ? g_hash_table_lookup (self->tracks, name) : NULL;
  if (track != NULL)
    eb_track_ref (track);
  g_mutex_unlock (&self->lock);
  return track;
}

EbTrack *
eb_conference_ensure_track (EbConference *self, EbId person_id)
{
  g_autofree char *name = eb_conference_track_name (person_id);
  EbTrack *track;

  g_mutex_lock (&self->lock);
  track = g_hash_table_lookup (self->tracks, name);
  if (track == NULL)
    {
      track = eb_track_new (self, g_steal_pointer (&name), person_id, NULL, NULL);
      g_hash_table_insert (self->tracks, track->name, track);
      g_ptr_array_add (self->track_order, track);
    }
  eb_track_ref (track);
  g_mutex_unlock (&self->lock);
  return track;
}

/* --- closing --- */

/* One entry per track that recorded anything, its segments in
 * connection order. */
static EbRecordingManifest *
build_manifest (EbConference *self)
{
  EbRecordingManifest *manifest = g_new0 (EbRecordingManifest, 1);

  manifest->session_id = self->session_id;
  manifest->interrupted = FALSE;
  manifest->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_track_free);
  for (guint i = 0; i < self->track_order->len; i++)
    {
      EbTrack *track = g_ptr_array_index (self->track_order, i);
      EbRecordedTrack *merged = NULL;

      for (guint j = 0; j < track->publishers->len; j++)
        {
          EbPublisher *publisher = g_ptr_array_index (track->publishers, j);
          EbRecordedTrack *recorded = publisher->result;

          if (recorded == NULL || recorded->segments == NULL || recorded->segments->len == 0)
            continue;
          if (merged == NULL)
            {
              merged = g_steal_pointer (&publisher->result);
              g_free (merged->name);
              merged->name = g_strdup (track->name);
              merged->person_id = track->person_id;
              continue;
            }
          if (merged->video_codec == NULL)
            merged->video_codec = g_strdup (recorded->video_codec);
          if (merged->audio_codec == NULL)
            merged->audio_codec = g_strdup (recorded->audio_codec);
          if (merged->width == 0 && merged->height == 0)
            {
              merged->width = recorded->width;
              merged->height = recorded->height;
            }
          while (recorded->segments->len > 0)
            g_ptr_array_add (merged->segments, g_ptr_array_steal_index (recorded->segments, 0));
        }
      if (merged != NULL)
        g_ptr_array_add (manifest->tracks, merged);
    }
  /* then the browsers' tracks */
  while (self->webrtc_tracks != NULL && self->webrtc_tracks->len > 0)
    g_ptr_array_add (manifest->tracks, g_ptr_array_steal_index (self->webrtc_tracks, 0));
  return manifest;
}

/* Main context: the publishers refer to the conference; once it is
 * closed or aborted its tracks let go of them (no cycle remains). */
static void
release_publishers (EbConference *self)
{
  for (guint i = 0; i < self->track_order->len; i++)
    {
      EbTrack *track = g_ptr_array_index (self->track_order, i);

      g_clear_pointer (&track->waiting, eb_publisher_unref);
      g_ptr_array_set_size (track->publishers, 0);
    }
}

static void
complete_close (EbConference *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->close_task);
  GCancellable *cancellable;

  clear_close_timeout (self);
  cancellable = g_task_get_cancellable (task);
  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      release_publishers (self);
      g_task_return_error_if_cancelled (task);
      return;
    }
  g_task_return_pointer (task, build_manifest (self), (GDestroyNotify)eb_recording_manifest_free);
  release_publishers (self);
}

void
eb_conference_maybe_finish_close (EbConference *self)
{
  if (self->close_task == NULL || self->n_live > 0 || self->n_stopping > 0)
    return;
  complete_close (self);
}

static gboolean
close_timeout_cb (gpointer user_data)
{
  EbConference *self = user_data;

  g_clear_pointer (&self->close_timeout, g_source_unref);
  g_message ("session %" G_GINT64_FORMAT ": closing timed out with %u publishers and %u "
             "recorders still finishing; the manifest lists what has finished, the others "
             "report their segments as they close",
             self->session_id, self->n_live, self->n_stopping);
  /* A recorder still finishing holds its publisher, which holds the
   * conference: its segment-closed events are emitted as usual. */
  self->close_timed_out = TRUE;
  complete_close (self);
  return G_SOURCE_REMOVE;
}

static void
webrtc_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EbConference) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *tracks;

  tracks = eb_webrtc_room_close_finish (self->webrtc, result, &error);
  if (tracks == NULL)
    g_message ("session %" G_GINT64_FORMAT ": closing the WebRTC connections failed: %s",
               self->session_id, error->message);
  else
    {
      g_clear_pointer (&self->webrtc_tracks, g_ptr_array_unref);
      self->webrtc_tracks = tracks;
    }
  g_warn_if_fail (self->n_stopping > 0);
  self->n_stopping = self->n_stopping > 0 ? self->n_stopping - 1 : 0;
  eb_conference_maybe_finish_close (self);
}

void
eb_conference_close_async (EbConference *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (self != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_conference_close_async);
  g_task_set_task_data (task, eb_conference_ref (self), (GDestroyNotify)eb_conference_unref);
  if (self->close_task != NULL)
    {
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_CONFLICT,
                               "session %" G_GINT64_FORMAT " is already closing", self->session_id);
      return;
    }
  eb_conference_set_closed (self);
  self->close_task = g_steal_pointer (&task);

  /* the WebRTC connections close here, their recorders finish */
  self->n_stopping++;
  eb_webrtc_room_close_async (self->webrtc, NULL, webrtc_closed_cb, eb_conference_ref (self));
  /* publishers still connected are being disconnected by the caller;
   * their recorders stop as they leave */
  self->close_timeout = g_timeout_source_new_seconds (self->config.segment_seconds * 2
                                                      + EB_CONFERENCE_CLOSE_MARGIN_S);
  g_source_set_callback (self->close_timeout, close_timeout_cb, self, NULL);
  g_source_set_static_name (self->close_timeout, "[eboard] conference close timeout");
  g_source_attach (self->close_timeout, self->context);
  eb_conference_maybe_finish_close (self);
}

EbRecordingManifest *
eb_conference_close_finish (EbConference *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_conference_close_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
eb_conference_abort (EbConference *self)
{
  eb_conference_set_closed (self);
  eb_webrtc_room_abort (self->webrtc);
  for (guint i = 0; i < self->track_order->len; i++)
    {
      EbTrack *track = g_ptr_array_index (self->track_order, i);

      g_clear_pointer (&track->waiting, eb_publisher_unref);
      eb_track_stop_ts_bridge (track);
      for (guint j = 0; j < track->publishers->len; j++)
        {
          EbPublisher *publisher = g_ptr_array_index (track->publishers, j);
          EbRecorder *recorder;

          eb_publisher_stop_bridge (publisher);
          g_mutex_lock (&publisher->lock);
          recorder = g_steal_pointer (&publisher->recorder);
          publisher->ended = TRUE;
          g_mutex_unlock (&publisher->lock);
          if (recorder != NULL)
            {
              g_signal_handlers_disconnect_by_data (recorder, publisher);
              g_object_unref (recorder);
            }
        }
    }
  if (self->close_task != NULL)
    {
      g_autoptr (GTask) task = g_steal_pointer (&self->close_task);

      clear_close_timeout (self);
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_UNAVAILABLE,
                               "the media plane stopped before session %" G_GINT64_FORMAT
                               " was closed",
                               self->session_id);
    }
  release_publishers (self);
}
