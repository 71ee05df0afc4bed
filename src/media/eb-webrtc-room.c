/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <eboard/eb-error.h>

#include "eb-manifest-private.h"
#include "eb-rtp-forward-private.h"
#include "eb-rtp-recorder-private.h"
#include "eb-webrtc-room-private.h"
#include "eb-whep-private.h"
#include "eb-whip-private.h"

typedef enum
{
  EB_RESOURCE_PUBLISHER,
  EB_RESOURCE_VIEWER,
} EbResourceKind;

typedef struct _EbResource EbResource;

/* One person's WebRTC publication, across their connections; or an SRT
 * publication bridged to WHEP viewers (its sources fed by the SRT side:
 * no publisher, no recording here). */
typedef struct
{
  char *name;
  EbId person_id;
  gboolean bridged;
  EbRtpSource *video;
  EbRtpSource *audio;
  EbResource *publisher; /* the live connection (held by the room's table) */
  GPtrArray *recorded;   /* EbRecordedTrack, one per finished recorder */
  guint n_stopping;      /* its recorders still finalising */
  EbResource *waiting;   /* to record once they are done */
} EbWebrtcTrack;

/* One WHIP or WHEP connection. */
struct _EbResource
{
  gatomicrefcount ref;
  EbWebrtcRoom *room;
  char *id;
  EbResourceKind kind;
  EbId person_id;
  EbWebrtcTrack *track; /* a publisher's (owned by the room) */
  EbWhipPublisher *publisher;
  EbWhepViewer *viewer;
  EbRtpRecorder *recorder;
  gboolean answered;
  gboolean ended;
  GTask *task; /* the answer on its way */
};

struct _EbWebrtcRoom
{
  gatomicrefcount ref;
  EbWebrtcRoomConfig config;
  char *directory;
  EbWebrtcIceConfig *ice;
  gboolean open;
  GHashTable *resources;  /* id -> EbResource: answered, not ended */
  GPtrArray *pending;     /* EbResource: answers on their way */
  GHashTable *tracks;     /* name -> EbWebrtcTrack */
  GPtrArray *track_order; /* EbWebrtcTrack, by first publication */
  GHashTable *presence;   /* EbId* -> count of connections */
  guint n_stopping;
  GTask *close_task;
  GMainContext *context;
  GQueue events;        /* EbMediaEvent, to report */
  GSource *emit_source; /* reports them */
};

static void maybe_finish_close (EbWebrtcRoom *room);
static void start_recording (EbWebrtcRoom *room, EbResource *resource);

char *
eb_webrtc_track_name (EbId person_id)
{
  return g_strdup_printf ("p%" G_GINT64_FORMAT "-webrtc", person_id);
}

void
eb_webrtc_answer_free (EbWebrtcAnswer *answer)
{
  if (answer == NULL)
    return;
  g_free (answer->resource_id);
  g_free (answer->sdp);
  g_strfreev (answer->tracks);
  g_free (answer);
}

/* --- tracks and resources --- */

static void
eb_webrtc_track_free (EbWebrtcTrack *track)
{
  g_clear_pointer (&track->video, eb_rtp_source_unref);
  g_clear_pointer (&track->audio, eb_rtp_source_unref);
  g_ptr_array_unref (track->recorded);
  g_free (track->name);
  g_free (track);
}

static EbWebrtcTrack *
ensure_track (EbWebrtcRoom *room, EbId person_id)
{
  g_autofree char *name = eb_webrtc_track_name (person_id);
  EbWebrtcTrack *track = g_hash_table_lookup (room->tracks, name);

  if (track != NULL)
    return track;
  track = g_new0 (EbWebrtcTrack, 1);
  track->name = g_steal_pointer (&name);
  track->person_id = person_id;
  track->video = eb_rtp_source_new (track->name, TRUE);
  track->audio = eb_rtp_source_new (track->name, FALSE);
  track->recorded = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_track_free);
  g_hash_table_insert (room->tracks, track->name, track);
  g_ptr_array_add (room->track_order, track);
  return track;
}

void
eb_webrtc_room_add_bridged_track (EbWebrtcRoom *room, const char *name, EbId person_id,
                                  EbRtpSource *video, EbRtpSource *audio)
{
  EbWebrtcTrack *track;

  g_return_if_fail (room != NULL && name != NULL && video != NULL && audio != NULL);

  if (g_hash_table_contains (room->tracks, name))
    return;
  track = g_new0 (EbWebrtcTrack, 1);
  track->name = g_strdup (name);
  track->person_id = person_id;
  track->bridged = TRUE;
  track->video = eb_rtp_source_ref (video);
  track->audio = eb_rtp_source_ref (audio);
  track->recorded = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_track_free);
  g_hash_table_insert (room->tracks, track->name, track);
  g_ptr_array_add (room->track_order, track);
}

static EbResource *
eb_resource_ref (EbResource *resource)
{
  g_atomic_ref_count_inc (&resource->ref);
  return resource;
}

static void
eb_resource_unref (EbResource *resource)
{
  if (resource == NULL || !g_atomic_ref_count_dec (&resource->ref))
    return;
  g_warn_if_fail (resource->task == NULL);
  if (resource->publisher != NULL)
    {
      eb_whip_publisher_stop (resource->publisher);
      eb_whip_publisher_unref (resource->publisher);
    }
  if (resource->viewer != NULL)
    {
      eb_whep_viewer_stop (resource->viewer);
      eb_whep_viewer_unref (resource->viewer);
    }
  if (resource->recorder != NULL)
    {
      g_signal_handlers_disconnect_by_data (resource->recorder, resource);
      g_object_unref (resource->recorder);
    }
  eb_webrtc_room_unref (resource->room);
  g_free (resource->id);
  g_free (resource);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbResource, eb_resource_unref)

static EbResource *
eb_resource_new (EbWebrtcRoom *room, EbResourceKind kind, EbId person_id)
{
  EbResource *resource = g_new0 (EbResource, 1);

  g_atomic_ref_count_init (&resource->ref);
  resource->room = eb_webrtc_room_ref (room);
  resource->id = g_uuid_string_random ();
  resource->kind = kind;
  resource->person_id = person_id;
  return resource;
}

/* --- events --- */

static gboolean
emit_queued_cb (gpointer user_data)
{
  EbWebrtcRoom *room = user_data;
  EbMediaEvent *event;

  g_clear_pointer (&room->emit_source, g_source_unref);
  while ((event = g_queue_pop_head (&room->events)) != NULL)
    {
      if (room->config.emit != NULL)
        room->config.emit (event, room->config.user_data);
      eb_media_event_free (event);
    }
  maybe_finish_close (room);
  return G_SOURCE_REMOVE;
}

/* Events are reported from the main context's own dispatch, in order,
 * also when what caused them was a direct call (a DELETE, a revoke). */
static void
emit_full (EbWebrtcRoom *room, EbMediaEventKind kind, EbId person_id, const char *track,
           const char *detail, EbRecordedSegment *segment)
{
  EbMediaEvent event = {
    .kind = kind,
    .session_id = room->config.session_id,
    .at = g_get_real_time (),
    .person_id = person_id,
    .track = (char *)track,
    .detail = (char *)detail,
    .segment_path = segment != NULL ? segment->path : NULL,
    .segment = segment,
  };

  g_queue_push_tail (&room->events, eb_media_event_copy (&event));
  if (room->emit_source != NULL)
    return;
  room->emit_source = g_idle_source_new ();
  g_source_set_priority (room->emit_source, G_PRIORITY_DEFAULT);
  /* destroyed when the room goes */
  g_source_set_callback (room->emit_source, emit_queued_cb, room, NULL);
  g_source_set_static_name (room->emit_source, "[eboard] WebRTC room events");
  g_source_attach (room->emit_source, room->context);
}

static void
emit (EbWebrtcRoom *room, EbMediaEventKind kind, EbId person_id, const char *track,
      const char *detail)
{
  emit_full (room, kind, person_id, track, detail, NULL);
}

/* A person's publication started (@live) or ended: the conference
 * bridges it to SRT viewers. */
static void
notify_publication (EbWebrtcRoom *room, EbResource *resource, gboolean live)
{
  EbWebrtcTrack *track = resource->track;
  EbWebrtcPublication publication = {
    .track = track->name,
    .person_id = track->person_id,
    .video = track->video,
    .audio = track->audio,
    .video_codec = eb_whip_publisher_get_video_codec (resource->publisher),
    .audio_codec = eb_whip_publisher_get_audio_codec (resource->publisher),
  };

  if (room->config.publication != NULL)
    room->config.publication (&publication, live, room->config.user_data);
}

static const char *
resource_track (EbResource *resource)
{
  return resource->track != NULL ? resource->track->name : NULL;
}

/* A person's first connection: they joined. */
static void
presence_add (EbWebrtcRoom *room, EbResource *resource)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (room->presence, &resource->person_id));

  if (count == 0)
    {
      EbId *key = g_new (EbId, 1);

      *key = resource->person_id;
      g_hash_table_insert (room->presence, key, GUINT_TO_POINTER (1));
      emit (room, EB_MEDIA_EVENT_PARTICIPANT_JOINED, resource->person_id, resource_track (resource),
            resource->kind == EB_RESOURCE_PUBLISHER ? "WebRTC (WHIP)" : "WebRTC (WHEP)");
      return;
    }
  g_hash_table_insert (room->presence, g_memdup2 (&resource->person_id, sizeof (EbId)),
                       GUINT_TO_POINTER (count + 1));
}

/* Their last connection ended: they left. */
static void
presence_remove (EbWebrtcRoom *room, EbResource *resource, const char *reason)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (room->presence, &resource->person_id));

  if (count > 1)
    {
      g_hash_table_insert (room->presence, g_memdup2 (&resource->person_id, sizeof (EbId)),
                           GUINT_TO_POINTER (count - 1));
      return;
    }
  g_hash_table_remove (room->presence, &resource->person_id);
  if (count == 1)
    emit (room, EB_MEDIA_EVENT_PARTICIPANT_LEFT, resource->person_id, resource_track (resource),
          reason);
}

/* --- recording --- */

static void
recorder_segment_closed_cb (EbRtpRecorder *recorder, EbRecordedSegment *segment,
                            EbResource *resource)
{
  emit_full (resource->room, EB_MEDIA_EVENT_SEGMENT_CLOSED, resource->person_id,
             resource_track (resource), NULL, segment);
}

static void
recorder_failed_cb (EbRtpRecorder *recorder, GError *error, EbResource *resource)
{
  emit (resource->room, EB_MEDIA_EVENT_RECORDING_FAILED, resource->person_id,
        resource_track (resource), error->message);
}

static void
recorder_stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EbResource) resource = user_data;
  EbWebrtcRoom *room = resource->room;
  EbWebrtcTrack *track = resource->track;
  g_autoptr (GError) error = NULL;
  EbRecordedTrack *recorded;

  recorded = eb_rtp_recorder_stop_finish (EB_RTP_RECORDER (source), result, &error);
  if (recorded == NULL)
    g_message ("session %" G_GINT64_FORMAT ": track %s: finishing the recording failed: %s",
               room->config.session_id, track->name, error->message);
  else
    g_ptr_array_add (track->recorded, recorded);
  g_signal_handlers_disconnect_by_data (source, resource);

  g_warn_if_fail (track->n_stopping > 0 && room->n_stopping > 0);
  track->n_stopping = track->n_stopping > 0 ? track->n_stopping - 1 : 0;
  room->n_stopping = room->n_stopping > 0 ? room->n_stopping - 1 : 0;
  if (track->n_stopping == 0 && track->waiting != NULL)
    {
      g_autoptr (EbResource) next = g_steal_pointer (&track->waiting);

      start_recording (room, next);
    }
  maybe_finish_close (room);
}

static void
stop_recording (EbWebrtcRoom *room, EbResource *resource)
{
  EbWebrtcTrack *track = resource->track;

  if (track->waiting == resource)
    g_clear_pointer (&track->waiting, eb_resource_unref);
  if (resource->recorder == NULL)
    return;
  track->n_stopping++;
  room->n_stopping++;
  eb_rtp_recorder_stop_async (resource->recorder, NULL, recorder_stopped_cb,
                              eb_resource_ref (resource));
}

/* Once the track's previous recorder has closed its last segment: the
 * new connection's segments continue its numbering. */
static void
start_recording (EbWebrtcRoom *room, EbResource *resource)
{
  g_autoptr (GError) error = NULL;

  if (resource->ended || resource->recorder == NULL)
    return;
  if (resource->track->n_stopping > 0)
    {
      g_clear_pointer (&resource->track->waiting, eb_resource_unref);
      resource->track->waiting = eb_resource_ref (resource);
      return;
    }
  g_signal_connect (resource->recorder, "segment-closed", G_CALLBACK (recorder_segment_closed_cb),
                    resource);
  g_signal_connect (resource->recorder, "failed", G_CALLBACK (recorder_failed_cb), resource);
  if (!eb_rtp_recorder_start (resource->recorder, &error))
    {
      g_message ("session %" G_GINT64_FORMAT ": cannot record track %s: %s",
                 room->config.session_id, resource->track->name, error->message);
      emit (room, EB_MEDIA_EVENT_RECORDING_FAILED, resource->person_id, resource->track->name,
            error->message);
    }
}

/* --- ending connections --- */

static void
end_resource (EbWebrtcRoom *room, EbResource *resource, const char *reason)
{
  g_autoptr (EbResource) keep = NULL;

  if (resource->ended)
    return;
  keep = eb_resource_ref (resource);
  resource->ended = TRUE;
  /* an answer on its way fails (the connection closes under it) */
  if (resource->publisher != NULL)
    eb_whip_publisher_stop (resource->publisher);
  if (resource->viewer != NULL)
    eb_whep_viewer_stop (resource->viewer);
  if (!resource->answered)
    return;

  g_message ("session %" G_GINT64_FORMAT ": WebRTC %s of person %" G_GINT64_FORMAT " ended: %s",
             room->config.session_id,
             resource->kind == EB_RESOURCE_PUBLISHER ? "publisher" : "viewer", resource->person_id,
             reason);
  g_hash_table_remove (room->resources, resource->id);
  if (resource->kind == EB_RESOURCE_PUBLISHER)
    {
      if (resource->track->publisher == resource)
        {
          resource->track->publisher = NULL;
          /* not when a newer connection replaced it: that one goes on */
          notify_publication (room, resource, FALSE);
        }
      stop_recording (room, resource);
      emit (room, EB_MEDIA_EVENT_TRACK_STOPPED, resource->person_id, resource->track->name, reason);
    }
  presence_remove (room, resource, reason);
  maybe_finish_close (room);
}

static void
publisher_gone_cb (EbWhipPublisher *publisher, const char *reason, gpointer user_data)
{
  EbResource *resource = user_data;

  end_resource (resource->room, resource, reason);
}

static void
viewer_gone_cb (EbWhepViewer *viewer, const char *reason, gboolean dropped, gpointer user_data)
{
  EbResource *resource = user_data;

  if (dropped)
    emit (resource->room, EB_MEDIA_EVENT_SUBSCRIBER_DROPPED, resource->person_id, NULL, reason);
  end_resource (resource->room, resource, reason);
}

/* --- answering --- */

/* A publisher's answer names its track; a viewer's names the track of
 * each m-line, positionally ("" for an inactive one), so that the page
 * can tell which m-line shows whom. */
static EbWebrtcAnswer *
new_answer (EbWebrtcRoom *room, EbResource *resource, char *sdp)
{
  EbWebrtcAnswer *answer = g_new0 (EbWebrtcAnswer, 1);
  g_autoptr (GStrvBuilder) tracks = g_strv_builder_new ();

  answer->resource_id = g_strdup (resource->id);
  answer->sdp = sdp;
  answer->session_id = room->config.session_id;
  answer->person_id = resource->person_id;
  if (resource->track != NULL)
    g_strv_builder_add (tracks, resource->track->name);
  if (resource->viewer != NULL)
    {
      GPtrArray *viewed = eb_whep_viewer_get_tracks (resource->viewer);

      for (guint i = 0; i < viewed->len; i++)
        g_strv_builder_add (tracks, g_ptr_array_index (viewed, i));
    }
  answer->tracks = g_strv_builder_end (tracks);
  return answer;
}

/* The m-lines of a viewer that carry a track. */
static guint
count_viewed (EbWhepViewer *viewer)
{
  GPtrArray *viewed = eb_whep_viewer_get_tracks (viewer);
  guint n = 0;

  for (guint i = 0; i < viewed->len; i++)
    {
      if (*(const char *)g_ptr_array_index (viewed, i) != '\0')
        n++;
    }
  return n;
}

/* Whether the answer just made may still be given; otherwise @error. */
static gboolean
may_complete (EbWebrtcRoom *room, EbResource *resource, GError **error)
{
  if (!room->open)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE,
                   "session %" G_GINT64_FORMAT " ended while connecting", room->config.session_id);
      return FALSE;
    }
  if (resource->ended
      || (room->config.is_allowed != NULL
          && !room->config.is_allowed (resource->person_id, room->config.user_data)))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " may no longer join session %" G_GINT64_FORMAT,
                   resource->person_id, room->config.session_id);
      return FALSE;
    }
  return TRUE;
}

/* Whether the answer (*@sdp, or *@error) may be given; when the
 * session ended or the person was revoked meanwhile, that is the error
 * (*@sdp is cleared). */
static gboolean
settle (EbWebrtcRoom *room, EbResource *resource, char **sdp, GError **error)
{
  g_autoptr (GError) refusal = NULL;

  if (!may_complete (room, resource, &refusal))
    {
      g_clear_pointer (sdp, g_free);
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&refusal));
    }
  if (*sdp == NULL)
    {
      resource->ended = TRUE;
      return FALSE;
    }
  return TRUE;
}

static void
publish_answered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EbResource) resource = user_data;
  EbWebrtcRoom *room = resource->room;
  g_autoptr (GTask) task = g_steal_pointer (&resource->task);
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = NULL;
  EbWebrtcTrack *track = resource->track;
  EbResource *previous;

  sdp = eb_whip_publisher_answer_finish (resource->publisher, result, &error);
  g_ptr_array_remove (room->pending, resource);
  if (!settle (room, resource, &sdp, &error))
    {
      eb_whip_publisher_stop (resource->publisher);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  resource->answered = TRUE;
  g_hash_table_insert (room->resources, resource->id, eb_resource_ref (resource));
  /* counted before the connection it replaces leaves: no leave and
   * join in between */
  presence_add (room, resource);
  previous = track->publisher;
  track->publisher = resource;
  if (previous != NULL)
    end_resource (room, previous, "replaced by a new connection");
  eb_whip_publisher_set_gone_func (resource->publisher, publisher_gone_cb, resource);
  eb_whip_publisher_activate (resource->publisher);
  notify_publication (room, resource, TRUE);
  start_recording (room, resource);
  g_message ("session %" G_GINT64_FORMAT ": person %" G_GINT64_FORMAT
             " publishes track %s over WebRTC",
             room->config.session_id, resource->person_id, track->name);
  {
    const char *video = eb_whip_publisher_get_video_codec (resource->publisher);
    const char *audio = eb_whip_publisher_get_audio_codec (resource->publisher);
    g_autofree char *codecs
        = g_strjoin (", ", video != NULL ? video : audio, video != NULL ? audio : NULL, NULL);

    emit (room, EB_MEDIA_EVENT_TRACK_STARTED, resource->person_id, track->name, codecs);
  }
  g_task_return_pointer (task, new_answer (room, resource, g_steal_pointer (&sdp)),
                         (GDestroyNotify)eb_webrtc_answer_free);
}

static gboolean
check_open (EbWebrtcRoom *room, GError **error)
{
  if (room->open)
    return TRUE;
  g_set_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE,
               "the conference of session %" G_GINT64_FORMAT " is closing",
               room->config.session_id);
  return FALSE;
}

static char *
connection_name (EbWebrtcRoom *room, EbResource *resource, const char *what)
{
  return g_strdup_printf ("session-%" G_GINT64_FORMAT "-p%" G_GINT64_FORMAT "-%s-%.8s",
                          room->config.session_id, resource->person_id, what, resource->id);
}

void
eb_webrtc_room_publish_async (EbWebrtcRoom *room, EbId person_id, const char *offer_text,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbOffer) offer = NULL;
  g_autoptr (EbResource) resource = NULL;
  g_autofree char *name = NULL;
  EbWebrtcTrack *track;

  g_return_if_fail (room != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_webrtc_room_publish_async);
  if (!check_open (room, &error) || (offer = eb_offer_parse (offer_text, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  resource = eb_resource_new (room, EB_RESOURCE_PUBLISHER, person_id);
  track = ensure_track (room, person_id);
  resource->track = track;
  name = connection_name (room, resource, "whip");
  resource->recorder
      = eb_rtp_recorder_new (room->config.templates, room->directory, track->name, person_id,
                             room->config.started_at, room->config.segment_seconds, &error);
  if (resource->recorder == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  resource->publisher = eb_whip_publisher_new (name, room->ice, offer, track->video, track->audio,
                                               resource->recorder, &error);
  if (resource->publisher == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  resource->task = g_steal_pointer (&task);
  g_ptr_array_add (room->pending, eb_resource_ref (resource));
  eb_whip_publisher_answer_async (resource->publisher, cancellable, publish_answered_cb,
                                  eb_resource_ref (resource));
}

EbWebrtcAnswer *
eb_webrtc_room_publish_finish (EbWebrtcRoom *room, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_webrtc_room_publish_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
view_answered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EbResource) resource = user_data;
  EbWebrtcRoom *room = resource->room;
  g_autoptr (GTask) task = g_steal_pointer (&resource->task);
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = NULL;

  sdp = eb_whep_viewer_answer_finish (resource->viewer, result, &error);
  g_ptr_array_remove (room->pending, resource);
  if (!settle (room, resource, &sdp, &error))
    {
      eb_whep_viewer_stop (resource->viewer);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  resource->answered = TRUE;
  g_hash_table_insert (room->resources, resource->id, eb_resource_ref (resource));
  presence_add (room, resource);
  eb_whep_viewer_set_gone_func (resource->viewer, viewer_gone_cb, resource);
  eb_whep_viewer_activate (resource->viewer);
  g_message ("session %" G_GINT64_FORMAT ": person %" G_GINT64_FORMAT
             " views over WebRTC: %u of %u m-lines carry a track",
             room->config.session_id, resource->person_id, count_viewed (resource->viewer),
             eb_whep_viewer_get_tracks (resource->viewer)->len);
  g_task_return_pointer (task, new_answer (room, resource, g_steal_pointer (&sdp)),
                         (GDestroyNotify)eb_webrtc_answer_free);
}

/* The streams a viewer may receive: every other person's live
 * publication, by first publication, browsers' and room systems' (an SRT
 * track's sources have an input only while its publisher is connected
 * and its stream is parsed: the viewer skips them otherwise). */
static GPtrArray *
viewable_sources (EbWebrtcRoom *room, EbId person_id)
{
  GPtrArray *sources = g_ptr_array_new ();

  for (guint i = 0; i < room->track_order->len; i++)
    {
      EbWebrtcTrack *track = g_ptr_array_index (room->track_order, i);

      if (track->person_id == person_id || (!track->bridged && track->publisher == NULL))
        continue;
      g_ptr_array_add (sources, track->video);
      g_ptr_array_add (sources, track->audio);
    }
  return sources;
}

void
eb_webrtc_room_view_async (EbWebrtcRoom *room, EbId person_id, const char *offer_text,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbOffer) offer = NULL;
  g_autoptr (EbResource) resource = NULL;
  g_autoptr (GPtrArray) sources = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (room != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_webrtc_room_view_async);
  if (!check_open (room, &error) || (offer = eb_offer_parse (offer_text, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  resource = eb_resource_new (room, EB_RESOURCE_VIEWER, person_id);
  name = connection_name (room, resource, "whep");
  sources = viewable_sources (room, person_id);
  resource->viewer
      = eb_whep_viewer_new (name, room->ice, offer, sources, room->config.queue_limit, &error);
  if (resource->viewer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  resource->task = g_steal_pointer (&task);
  g_ptr_array_add (room->pending, eb_resource_ref (resource));
  eb_whep_viewer_answer_async (resource->viewer, cancellable, view_answered_cb,
                               eb_resource_ref (resource));
}

EbWebrtcAnswer *
eb_webrtc_room_view_finish (EbWebrtcRoom *room, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_webrtc_room_view_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
eb_webrtc_room_delete (EbWebrtcRoom *room, EbId person_id, const char *resource_id, GError **error)
{
  EbResource *resource;

  g_return_val_if_fail (room != NULL, FALSE);

  resource = resource_id != NULL ? g_hash_table_lookup (room->resources, resource_id) : NULL;
  if (resource == NULL || (person_id != 0 && resource->person_id != person_id))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "session %" G_GINT64_FORMAT " has no WebRTC connection %s",
                   room->config.session_id, resource_id != NULL ? resource_id : "");
      return FALSE;
    }
  end_resource (room, resource, "the participant left");
  return TRUE;
}

/* (transfer container): the connections of @person_id (0: everyone's),
 * answered or on their way */
static GPtrArray *
list_resources (EbWebrtcRoom *room, EbId person_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_resource_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, room->resources);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EbResource *resource = value;

      if (person_id == 0 || resource->person_id == person_id)
        g_ptr_array_add (list, eb_resource_ref (resource));
    }
  for (guint i = 0; i < room->pending->len; i++)
    {
      EbResource *resource = g_ptr_array_index (room->pending, i);

      if (person_id == 0 || resource->person_id == person_id)
        g_ptr_array_add (list, eb_resource_ref (resource));
    }
  return list;
}

void
eb_webrtc_room_revoke (EbWebrtcRoom *room, EbId person_id)
{
  g_autoptr (GPtrArray) list = NULL;

  g_return_if_fail (room != NULL);
  g_return_if_fail (person_id > 0);

  list = list_resources (room, person_id);
  for (guint i = 0; i < list->len; i++)
    end_resource (room, g_ptr_array_index (list, i), "the participant was revoked");
}

guint
eb_webrtc_room_get_n_connections (EbWebrtcRoom *room)
{
  return g_hash_table_size (room->resources);
}

/* --- closing --- */

/* One entry per track that recorded anything, its connections' segments
 * in order. */
static GPtrArray *
build_tracks (EbWebrtcRoom *room)
{
  GPtrArray *tracks = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_track_free);

  for (guint i = 0; i < room->track_order->len; i++)
    {
      EbWebrtcTrack *track = g_ptr_array_index (room->track_order, i);
      EbRecordedTrack *merged = NULL;

      for (guint j = 0; j < track->recorded->len; j++)
        {
          EbRecordedTrack *recorded = g_ptr_array_index (track->recorded, j);

          if (recorded->segments == NULL || recorded->segments->len == 0)
            continue;
          if (merged == NULL)
            {
              merged = eb_recorded_track_new (track->name, track->person_id);
              merged->video_codec = g_strdup (recorded->video_codec);
              merged->audio_codec = g_strdup (recorded->audio_codec);
              merged->width = recorded->width;
              merged->height = recorded->height;
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
          for (guint k = 0; k < recorded->segments->len; k++)
            g_ptr_array_add (merged->segments,
                             eb_recorded_segment_copy (g_ptr_array_index (recorded->segments, k)));
        }
      if (merged != NULL)
        g_ptr_array_add (tracks, merged);
    }
  return tracks;
}

static void
maybe_finish_close (EbWebrtcRoom *room)
{
  g_autoptr (GTask) task = NULL;

  /* reported first */
  if (room->close_task == NULL || room->n_stopping > 0 || g_hash_table_size (room->resources) > 0
      || !g_queue_is_empty (&room->events))
    return;
  task = g_steal_pointer (&room->close_task);
  g_task_return_pointer (task, build_tracks (room), (GDestroyNotify)g_ptr_array_unref);
}

void
eb_webrtc_room_close_async (EbWebrtcRoom *room, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GPtrArray) list = NULL;

  g_return_if_fail (room != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_webrtc_room_close_async);
  g_task_set_task_data (task, eb_webrtc_room_ref (room), (GDestroyNotify)eb_webrtc_room_unref);
  if (room->close_task != NULL)
    {
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_CONFLICT,
                               "session %" G_GINT64_FORMAT " is already closing",
                               room->config.session_id);
      return;
    }
  room->open = FALSE;
  room->close_task = g_steal_pointer (&task);
  list = list_resources (room, 0);
  for (guint i = 0; i < list->len; i++)
    end_resource (room, g_ptr_array_index (list, i), "the session ended");
  maybe_finish_close (room);
}

GPtrArray *
eb_webrtc_room_close_finish (EbWebrtcRoom *room, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_webrtc_room_close_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
eb_webrtc_room_abort (EbWebrtcRoom *room)
{
  g_autoptr (GPtrArray) list = NULL;

  g_return_if_fail (room != NULL);

  room->open = FALSE;
  /* nothing is reported any more: the conference goes away (and stops
   * its bridges itself) */
  room->config.emit = NULL;
  room->config.publication = NULL;
  g_queue_clear_full (&room->events, (GDestroyNotify)eb_media_event_free);
  list = list_resources (room, 0);
  for (guint i = 0; i < list->len; i++)
    {
      EbResource *resource = g_ptr_array_index (list, i);

      resource->ended = TRUE;
      if (resource->publisher != NULL)
        eb_whip_publisher_stop (resource->publisher);
      if (resource->viewer != NULL)
        eb_whep_viewer_stop (resource->viewer);
      /* the recorder is dropped without waiting: its segments so far
       * stay on disk */
      if (resource->recorder != NULL)
        g_signal_handlers_disconnect_by_data (resource->recorder, resource);
      g_hash_table_remove (room->resources, resource->id);
    }
  for (guint i = 0; i < room->track_order->len; i++)
    {
      EbWebrtcTrack *track = g_ptr_array_index (room->track_order, i);

      g_clear_pointer (&track->waiting, eb_resource_unref);
      track->publisher = NULL;
    }
  if (room->close_task != NULL)
    {
      g_autoptr (GTask) task = g_steal_pointer (&room->close_task);

      g_task_return_new_error (task, EB_ERROR, EB_ERROR_UNAVAILABLE,
                               "the media plane stopped before session %" G_GINT64_FORMAT
                               " was closed",
                               room->config.session_id);
    }
}

/* --- life cycle --- */

EbWebrtcRoom *
eb_webrtc_room_new (const EbWebrtcRoomConfig *config)
{
  EbWebrtcRoom *room;

  g_return_val_if_fail (config != NULL && config->directory != NULL, NULL);
  g_return_val_if_fail (config->templates != NULL && config->ice != NULL, NULL);

  room = g_new0 (EbWebrtcRoom, 1);
  g_atomic_ref_count_init (&room->ref);
  room->config = *config;
  room->directory = g_strdup (config->directory);
  room->config.directory = room->directory;
  room->ice = eb_webrtc_ice_config_copy (config->ice);
  room->config.ice = room->ice;
  room->open = TRUE;
  room->resources
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)eb_resource_unref);
  room->pending = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_resource_unref);
  room->tracks = g_hash_table_new (g_str_hash, g_str_equal);
  room->track_order = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_webrtc_track_free);
  room->presence = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  room->context = g_main_context_ref_thread_default ();
  g_queue_init (&room->events);
  return room;
}

EbWebrtcRoom *
eb_webrtc_room_ref (EbWebrtcRoom *room)
{
  g_return_val_if_fail (room != NULL, NULL);
  g_atomic_ref_count_inc (&room->ref);
  return room;
}

void
eb_webrtc_room_unref (EbWebrtcRoom *room)
{
  if (room == NULL || !g_atomic_ref_count_dec (&room->ref))
    return;
  g_warn_if_fail (room->close_task == NULL);
  if (room->emit_source != NULL)
    {
      g_source_destroy (room->emit_source);
      g_source_unref (room->emit_source);
    }
  g_queue_clear_full (&room->events, (GDestroyNotify)eb_media_event_free);
  g_main_context_unref (room->context);
  g_hash_table_unref (room->resources);
  g_ptr_array_unref (room->pending);
  g_hash_table_unref (room->tracks);
  g_ptr_array_unref (room->track_order);
  g_hash_table_unref (room->presence);
  eb_webrtc_ice_config_free (room->ice);
  g_free (room->directory);
  g_free (room);
}
