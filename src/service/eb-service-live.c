/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-join.h>

#include "eb-service-credentials-private.h"
#include "eb-service-live-private.h"
#include "eb-service-participant-private.h"

/*
 * Live sessions: going live and ending (the conference of the media
 * plane opens and closes with them), join details, the recording and the
 * timeline. The service only knows the media plane through eb-media.h:
 * what it asks (open, allow, revoke, close) and what it hears (the "event"
 * signal, always on the main context, like every call here).
 *
 * Offsets are microseconds from the session's live start, which is the
 * started_at_us of its recording. Sessions that end as interrupted (found
 * live at the start, or live when eboardd stops) are in
 * eb-service-live-recovery.c.
 */

#define EB_LIVE_DEFAULT_SRT_HOST "127.0.0.1"

enum
{
  SIGNAL_SESSION_EVENT,
  SIGNAL_ACCESS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
eb_service_live_class_init (GObjectClass *object_class)
{
  /**
   * EbService::session-event:
   * @service: the service
   * @event: (type EbTimelineEvent): the timeline event, as stored
   *
   * Emitted on the main context after each timeline event is stored,
   * whatever its source: a media event, or a session starting, ending or
   * being recovered after an interruption.
   */
  signals[SIGNAL_SESSION_EVENT] = g_signal_new (
      "session-event", G_TYPE_FROM_CLASS (object_class), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, EB_TYPE_TIMELINE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * EbService::access-changed:
   * @service: the service
   * @session_id: the session concerned, or 0 for any
   * @person_id: the person concerned, or 0 for the people of a site
   *
   * Emitted on the main context once a change that may take away
   * someone's access to a session is committed: a roster entry added,
   * changed or removed, a person or a site changed. Whoever holds open
   * connections on someone's behalf checks them again.
   */
  signals[SIGNAL_ACCESS_CHANGED]
      = g_signal_new ("access-changed", G_TYPE_FROM_CLASS (object_class), G_SIGNAL_RUN_LAST, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
}

EbServiceLive *
eb_service_live (EbService *self)
{
  if (self->live == NULL)
    {
      self->live = g_new0 (EbServiceLive, 1);
      self->live->srt_host = g_strdup (EB_LIVE_DEFAULT_SRT_HOST);
      self->live->credential_lifetime = EB_JOIN_CREDENTIAL_DEFAULT_LIFETIME;
      self->live->ice_servers = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_ice_server_free);
      self->live->sessions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
    }
  return self->live;
}

static void
eb_service_live_clear_key (EbServiceLive *live)
{
  if (live->join_key != NULL)
    memset (live->join_key, 0, live->join_key_length);
  g_clear_pointer (&live->join_key, g_free);
  live->join_key_length = 0;
}

static void
eb_service_live_drop_media (EbServiceLive *live)
{
  if (live->media != NULL)
    g_clear_signal_handler (&live->event_handler, live->media);
  g_clear_object (&live->media);
}

void
eb_service_live_dispose (EbService *self)
{
  EbServiceLive *live = self->live;

  if (live == NULL)
    return;
  eb_service_live_drop_media (live);
  eb_service_live_clear_key (live);
  g_free (live->srt_host);
  g_free (live->recordings_dir);
  g_ptr_array_unref (live->ice_servers);
  g_hash_table_unref (live->sessions);
  g_free (live);
  self->live = NULL;
}

EbLiveSession *
eb_service_live_session_lookup (EbService *self, EbId session_id)
{
  return g_hash_table_lookup (eb_service_live (self)->sessions, &session_id);
}

static EbLiveSession *
eb_service_live_session_add (EbService *self, EbId session_id, EbId recording_id,
                             gint64 started_at_us)
{
  EbLiveSession *ls = g_new0 (EbLiveSession, 1);
  EbId *key = g_new (EbId, 1);

  *key = session_id;
  ls->recording_id = recording_id;
  ls->started_at_us = started_at_us;
  g_hash_table_replace (eb_service_live (self)->sessions, key, ls);
  return ls;
}

void
eb_service_live_session_remove (EbService *self, EbId session_id)
{
  g_hash_table_remove (eb_service_live (self)->sessions, &session_id);
}

/* Where the session's live offsets count from, and its recording while
 * it records (else 0). From memory while it is live here, else from its
 * latest recording; a session without one counts from @fallback_us. */
static gboolean
eb_service_live_origin (EbService *self, EbId session_id, gint64 fallback_us, gint64 *started_at_us,
                        EbId *recording_id, GError **error)
{
  EbLiveSession *ls = eb_service_live_session_lookup (self, session_id);
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GError) local_error = NULL;

  if (ls != NULL)
    {
      *started_at_us = ls->started_at_us;
      *recording_id = ls->recording_id;
      return TRUE;
    }
  recording = eb_store_recording_find_by_session (self->store, session_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (recording != NULL)
    {
      /* a late event of an ended session still counts from its start;
       * its registered recording is no longer the one indexed live (see
       * eb_service_recording_add_late_segment()) */
      *started_at_us = recording->started_at_us;
      *recording_id = recording->state == EB_RECORDING_STATE_RECORDING ? recording->id : 0;
    }
  else
    {
      *started_at_us = fallback_us;
      *recording_id = 0;
    }
  return TRUE;
}

gboolean
eb_service_live_get_origin (EbService *self, EbId session_id, gint64 fallback_us,
                            gint64 *started_at_us, GError **error)
{
  EbId recording_id = 0;

  return eb_service_live_origin (self, session_id, fallback_us, started_at_us, &recording_id,
                                 error);
}

static void
eb_service_emit_session_event (EbService *self, const EbTimelineEvent *event)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_EVENT], 0, event);
}

void
eb_service_live_emit_event (EbService *self, const EbTimelineEvent *event)
{
  eb_service_emit_session_event (self, event);
}

void
eb_service_live_access_changed (EbService *self, EbId session_id, EbId person_id)
{
  g_signal_emit (self, signals[SIGNAL_ACCESS_CHANGED], 0, (gint64)session_id, (gint64)person_id);
}

GPtrArray *
eb_service_live_get_ice_servers (EbService *self)
{
  return eb_service_live (self)->ice_servers;
}

const guint8 *
eb_service_live_get_join_key (EbService *self, gsize *length)
{
  *length = self->live != NULL ? self->live->join_key_length : 0;
  return self->live != NULL ? self->live->join_key : NULL;
}

/* Stores one timeline event (in the current transaction). */
static EbTimelineEvent *
eb_service_add_timeline (EbService *self, EbId session_id, EbTimelineKind kind, gint64 at_us,
                         gint64 started_at_us, EbId person_id, const char *track,
                         const char *detail, GError **error)
{
  g_autoptr (EbTimelineEvent) event = eb_timeline_event_new ();

  event->session_id = session_id;
  event->kind = kind;
  event->at_us = at_us;
  event->offset_us = MAX (0, at_us - started_at_us);
  event->person_id = person_id;
  event->track = g_strdup (track);
  event->detail = g_strdup (detail);
  if (!eb_store_timeline_insert (self->store, event, error))
    return NULL;
  return g_steal_pointer (&event);
}

EbTimelineEvent *
eb_service_live_add_event (EbService *self, EbId session_id, EbTimelineKind kind, gint64 at_us,
                           gint64 started_at_us, EbId person_id, const char *track,
                           const char *detail, GError **error)
{
  return eb_service_add_timeline (self, session_id, kind, at_us, started_at_us, person_id, track,
                                  detail, error);
}

/* The home site of @person_id, or 0 when the person is gone. @cache
 * (nullable) maps person ids to site ids. */
gboolean
eb_service_person_site (EbService *self, EbId person_id, GHashTable *cache, EbId *site_id,
                        GError **error)
{
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GError) local_error = NULL;
  gpointer cached;

  *site_id = 0;
  if (person_id <= 0)
    return TRUE;
  if (cache != NULL && g_hash_table_lookup_extended (cache, &person_id, NULL, &cached))
    {
      *site_id = *(EbId *)cached;
      return TRUE;
    }
  person = eb_store_person_get (self->store, person_id, &local_error);
  if (person != NULL)
    *site_id = person->home_site_id;
  else if (!g_error_matches (local_error, EB_ERROR, EB_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (cache != NULL)
    {
      EbId *key = g_new (EbId, 1);
      EbId *value = g_new (EbId, 1);

      *key = person_id;
      *value = *site_id;
      g_hash_table_insert (cache, key, value);
    }
  return TRUE;
}

/* Closes the attendance of everyone still connected at @at_us: their
 * open spans, and their roster entries' left_at. */
gboolean
eb_service_close_attendance (EbService *self, EbId session_id, gint64 at_us, GError **error)
{
  g_autoptr (GPtrArray) roster = NULL;
  gint64 at = at_us / G_USEC_PER_SEC;

  if (!eb_store_attendance_close_all (self->store, session_id, at_us, NULL, error))
    return FALSE;
  roster = eb_store_roster_list (self->store, session_id, error);
  if (roster == NULL)
    return FALSE;
  for (guint i = 0; i < roster->len; i++)
    {
      EbRosterEntry *entry = g_ptr_array_index (roster, i);

      if (entry->joined_at == 0 || (entry->left_at != 0 && entry->left_at >= entry->joined_at))
        continue;
      entry->left_at = MAX (at, entry->joined_at);
      if (!eb_store_roster_update (self->store, entry, error))
        return FALSE;
    }
  return TRUE;
}

/* --- the media plane --- */

static EbTimelineKind
eb_timeline_kind_from_media (EbMediaEventKind kind)
{
  switch (kind)
    {
      case EB_MEDIA_EVENT_PARTICIPANT_JOINED:
        return EB_TIMELINE_PARTICIPANT_JOINED;
      case EB_MEDIA_EVENT_PARTICIPANT_LEFT:
        return EB_TIMELINE_PARTICIPANT_LEFT;
      case EB_MEDIA_EVENT_TRACK_STARTED:
        return EB_TIMELINE_TRACK_STARTED;
      case EB_MEDIA_EVENT_TRACK_STOPPED:
        return EB_TIMELINE_TRACK_STOPPED;
      case EB_MEDIA_EVENT_SEGMENT_CLOSED:
        return EB_TIMELINE_SEGMENT_CLOSED;
      case EB_MEDIA_EVENT_INPUT_REFUSED:
        return EB_TIMELINE_INPUT_REFUSED;
      case EB_MEDIA_EVENT_RECORDING_FAILED:
        return EB_TIMELINE_RECORDING_FAILED;
      case EB_MEDIA_EVENT_SUBSCRIBER_DROPPED:
      default:
        return EB_TIMELINE_SUBSCRIBER_DROPPED;
    }
}

/* A person connected: a new attendance span; the roster entry's joined_at
 * is their first join, and they have not left (yet). */
static gboolean
eb_service_attendance_joined (EbService *self, EbId session_id, EbId person_id, gint64 at_us,
                              GError **error)
{
  g_autoptr (EbAttendanceSpan) span = eb_attendance_span_new ();
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GError) local_error = NULL;

  span->session_id = session_id;
  span->person_id = person_id;
  span->joined_at_us = at_us;
  if (!eb_store_attendance_open (self->store, span, error))
    return FALSE;
  entry = eb_store_roster_find (self->store, session_id, person_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (entry == NULL)
    return TRUE;
  if (entry->joined_at == 0)
    entry->joined_at = at_us / G_USEC_PER_SEC;
  entry->left_at = 0;
  return eb_store_roster_update (self->store, entry, error);
}

/* A person disconnected: their open span closes; the roster entry's
 * left_at is their last leave. */
static gboolean
eb_service_attendance_left (EbService *self, EbId session_id, EbId person_id, gint64 at_us,
                            GError **error)
{
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GError) local_error = NULL;

  if (!eb_store_attendance_close (self->store, session_id, person_id, at_us, &local_error))
    {
      if (!g_error_matches (local_error, EB_ERROR, EB_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("session %" G_GINT64_FORMAT ": person %" G_GINT64_FORMAT
               " left without an open attendance span",
               session_id, person_id);
      g_clear_error (&local_error);
    }
  entry = eb_store_roster_find (self->store, session_id, person_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (entry == NULL)
    return TRUE;
  if (entry->joined_at == 0)
    entry->joined_at = at_us / G_USEC_PER_SEC;
  entry->left_at = MAX (entry->joined_at, at_us / G_USEC_PER_SEC);
  return eb_store_roster_update (self->store, entry, error);
}

/* One media event, in one transaction: its timeline event, and what it
 * changes in attendance and in the recording. */
static EbTimelineEvent *
eb_service_record_media_event (EbService *self, const EbMediaEvent *event, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbTimelineEvent) stored = NULL;
  EbTimelineKind kind = eb_timeline_kind_from_media (event->kind);
  g_autofree char *detail = NULL;
  gint64 started_at_us = 0;
  EbId recording_id = 0;
  EbId late_recording = 0;

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  if (!eb_service_live_origin (self, event->session_id, event->at, &started_at_us, &recording_id,
                               error))
    return NULL;

  if (event->detail != NULL)
    detail = g_strdup (event->detail);
  else if (kind == EB_TIMELINE_SEGMENT_CLOSED && event->segment_path != NULL)
    detail = g_path_get_basename (event->segment_path);
  stored = eb_service_add_timeline (self, event->session_id, kind, event->at, started_at_us,
                                    event->person_id, event->track, detail, error);
  if (stored == NULL)
    return NULL;

  switch (kind)
    {
      case EB_TIMELINE_PARTICIPANT_JOINED:
        if (event->person_id > 0
            && !eb_service_attendance_joined (self, event->session_id, event->person_id, event->at,
                                              error))
          return NULL;
        break;
      case EB_TIMELINE_PARTICIPANT_LEFT:
        if (event->person_id > 0
            && !eb_service_attendance_left (self, event->session_id, event->person_id, event->at,
                                            error))
          return NULL;
        break;
      case EB_TIMELINE_SEGMENT_CLOSED:
        if (!eb_service_recording_segment_closed (self, event, recording_id, started_at_us,
                                                  &late_recording, error))
          return NULL;
        break;
      case EB_TIMELINE_INPUT_REFUSED:
      case EB_TIMELINE_RECORDING_FAILED:
      case EB_TIMELINE_SUBSCRIBER_DROPPED:
      case EB_TIMELINE_TRACK_STARTED:
      case EB_TIMELINE_TRACK_STOPPED:
      case EB_TIMELINE_SESSION_STARTED:
      case EB_TIMELINE_SESSION_ENDED:
      case EB_TIMELINE_SESSION_INTERRUPTED:
      case EB_TIMELINE_CASE_CHANGED:
      default:
        break;
    }
  if (!eb_transaction_commit (tx, error))
    return NULL;
  if (late_recording != 0)
    g_message ("session %" G_GINT64_FORMAT ": segment %s of track %s closed after the session "
               "ended; added to its recording %" G_GINT64_FORMAT,
               event->session_id, eb_service_segment_file_of (event), event->track, late_recording);
  return g_steal_pointer (&stored);
}

/* The media plane's "event" signal: emitted on the main context. */
static void
eb_service_on_media_event (EbMediaPlane *media, EbMediaEvent *event, gpointer user_data)
{
  EbService *self = EB_SERVICE (user_data);
  g_autoptr (EbTimelineEvent) stored = NULL;
  g_autoptr (GError) error = NULL;

  if (event == NULL || event->session_id <= 0)
    return;
  stored = eb_service_record_media_event (self, event, &error);
  if (stored == NULL)
    {
      g_warning ("session %" G_GINT64_FORMAT ": cannot record the media event %s: %s",
                 event->session_id, eb_media_event_kind_to_string (event->kind), error->message);
      return;
    }
  eb_service_emit_session_event (self, stored);
}

/* Adds the server @text (nullable) to the ICE servers; one that does not
 * parse is left out. */
static void
eb_service_live_add_ice_server (EbServiceLive *live, const char *text)
{
  g_autoptr (GError) error = NULL;
  EbIceServer *server;

  if (text == NULL || text[0] == '\0')
    return;
  server = eb_ice_server_parse (text, &error);
  if (server == NULL)
    {
      g_warning ("an ICE server for browsers is left out: %s", error->message);
      return;
    }
  g_ptr_array_add (live->ice_servers, server);
}

static void
eb_service_live_set_ice_servers (EbServiceLive *live, const EbLiveSettings *settings)
{
  g_ptr_array_set_size (live->ice_servers, 0);
  if (settings == NULL)
    return;
  eb_service_live_add_ice_server (live, settings->stun_server);
  for (guint i = 0; settings->turn_servers != NULL && settings->turn_servers[i] != NULL; i++)
    eb_service_live_add_ice_server (live, settings->turn_servers[i]);
}

/**
 * eb_service_set_media_plane:
 * @media: (nullable): the media plane; the service keeps a reference
 * @join_key: (nullable) (array length=join_key_length): the key join
 *   credentials are signed with (copied)
 * @settings: (nullable): copied; %NULL or unset fields take the defaults
 */
void
eb_service_set_media_plane (EbService *self, EbMediaPlane *media, const guint8 *join_key,
                            gsize join_key_length, const EbLiveSettings *settings)
{
  EbServiceLive *live;

  g_return_if_fail (EB_IS_SERVICE (self));
  g_return_if_fail (media == NULL || EB_IS_MEDIA_PLANE (media));
  g_return_if_fail (join_key != NULL || join_key_length == 0);

  live = eb_service_live (self);
  eb_service_live_drop_media (live);
  if (media != NULL)
    {
      live->media = g_object_ref (media);
      live->event_handler
          = g_signal_connect (media, "event", G_CALLBACK (eb_service_on_media_event), self);
    }

  eb_service_live_clear_key (live);
  if (join_key != NULL && join_key_length > 0)
    {
      live->join_key = g_memdup2 (join_key, join_key_length);
      live->join_key_length = join_key_length;
    }

  g_free (live->srt_host);
  live->srt_host
      = g_strdup (settings != NULL && settings->srt_host != NULL && settings->srt_host[0] != '\0'
                      ? settings->srt_host
                      : EB_LIVE_DEFAULT_SRT_HOST);
  live->srt_port = settings != NULL ? settings->srt_port : 0;
  live->credential_lifetime = settings != NULL && settings->credential_lifetime > 0
                                  ? settings->credential_lifetime
                                  : EB_JOIN_CREDENTIAL_DEFAULT_LIFETIME;
  g_free (live->recordings_dir);
  live->recordings_dir = settings != NULL ? g_strdup (settings->recordings_dir) : NULL;
  eb_service_live_set_ice_servers (live, settings);
}

/**
 * eb_service_get_media_plane:
 *
 * Returns: (transfer none) (nullable): the media plane
 */
EbMediaPlane *
eb_service_get_media_plane (EbService *self)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  return self->live != NULL ? self->live->media : NULL;
}

/* Lets a roster member's encoder in when they may join: an invitation
 * not declined, and a person whose credentials still work (they exist,
 * are active, and their home site is neither suspended nor withdrawn: see
 * eb_service_check_person_usable()), with only the credentials issued
 * after their last revocation (eb_service_join_floor()). @allowed: (out):
 * whether they were let in. */
static gboolean
eb_service_allow_entry (EbService *self, const EbRosterEntry *entry, gboolean *allowed,
                        GError **error)
{
  g_autoptr (EbPerson) person = NULL;
  g_autofree char *reason = NULL;
  gint64 not_issued_before_us = 0;

  *allowed = FALSE;
  if (entry->status == EB_INVITATION_DECLINED)
    return TRUE;
  if (!eb_service_check_person_usable (self, entry->person_id, allowed, &reason, error))
    return FALSE;
  if (!*allowed)
    {
      g_info ("session %" G_GINT64_FORMAT ": person %" G_GINT64_FORMAT " may not connect: %s",
              entry->session_id, entry->person_id, reason);
      return TRUE;
    }
  /* The plane verifies SRT credentials itself: it is told which are
   * revoked. */
  if (!eb_service_join_floor (self, entry, &not_issued_before_us, error))
    {
      *allowed = FALSE;
      return FALSE;
    }
  person = eb_store_person_get (self->store, entry->person_id, error);
  if (person == NULL)
    {
      *allowed = FALSE;
      return FALSE;
    }
  eb_media_plane_allow_participant (self->live->media, entry->session_id, entry->person_id,
                                    person->name, entry->role == EB_ROSTER_ROLE_CHAIR,
                                    not_issued_before_us);
  return TRUE;
}

/* Lets @person_id into the conference of @session_id or cuts them off,
 * by their roster entry (nullable: none). What cannot be checked cuts
 * off. */
static void
eb_service_live_sync_member (EbService *self, EbId session_id, EbId person_id,
                             const EbRosterEntry *entry)
{
  g_autoptr (GError) error = NULL;
  gboolean allowed = FALSE;

  if (entry != NULL && !eb_service_allow_entry (self, entry, &allowed, &error))
    g_warning ("session %" G_GINT64_FORMAT ": cannot check whether person %" G_GINT64_FORMAT
               " may connect: %s",
               session_id, person_id, error->message);
  if (allowed)
    return;
  eb_media_plane_revoke_participant (self->live->media, session_id, person_id);
  g_info ("session %" G_GINT64_FORMAT ": person %" G_GINT64_FORMAT " may no longer connect",
          session_id, person_id);
}

void
eb_service_live_sync_participant (EbService *self, const EbSession *session, EbId person_id)
{
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GError) error = NULL;

  /* Open connections outside the media plane (event readers) too, and in
   * a session that is not live yet. */
  eb_service_live_access_changed (self, session->id, person_id);
  if (self->live == NULL || self->live->media == NULL || session->state != EB_SESSION_STATE_LIVE)
    return;
  entry = eb_store_roster_find (self->store, session->id, person_id, &error);
  if (error != NULL)
    g_warning ("session %" G_GINT64_FORMAT
               ": cannot read the roster entry of person %" G_GINT64_FORMAT ": %s",
               session->id, person_id, error->message);
  eb_service_live_sync_member (self, session->id, person_id, entry);
}

void
eb_service_live_cut_participant (EbService *self, const EbSession *session, EbId person_id)
{
  /* letting them in again does not close what their revoked
   * credentials opened */
  if (self->live != NULL && self->live->media != NULL && session->state == EB_SESSION_STATE_LIVE)
    eb_media_plane_revoke_participant (self->live->media, session->id, person_id);
  eb_service_live_sync_participant (self, session, person_id);
}

/* The members of the roster of @session_id that are @person_id or whose
 * home site is @site_id (0: neither), checked again. */
static void
eb_service_live_sync_session (EbService *self, EbId session_id, EbId person_id, EbId site_id)
{
  g_autoptr (GPtrArray) roster = NULL;
  g_autoptr (GError) error = NULL;

  roster = eb_store_roster_list (self->store, session_id, &error);
  if (roster == NULL)
    {
      g_warning ("session %" G_GINT64_FORMAT ": cannot read its roster: %s", session_id,
                 error->message);
      return;
    }
  for (guint i = 0; i < roster->len; i++)
    {
      const EbRosterEntry *entry = g_ptr_array_index (roster, i);
      EbId home_site_id = 0;

      if (entry->person_id != person_id && site_id > 0
          && !eb_service_person_site (self, entry->person_id, NULL, &home_site_id, &error))
        {
          g_warning ("session %" G_GINT64_FORMAT ": cannot read person %" G_GINT64_FORMAT ": %s",
                     session_id, entry->person_id, error->message);
          g_clear_error (&error);
          eb_service_live_sync_member (self, session_id, entry->person_id, NULL);
          continue;
        }
      if (entry->person_id == person_id || (site_id > 0 && home_site_id == site_id))
        eb_service_live_sync_member (self, session_id, entry->person_id, entry);
    }
}

void
eb_service_live_sync_people (EbService *self, EbId person_id, EbId site_id)
{
  g_autoptr (GArray) session_ids = NULL;
  GHashTableIter iter;
  gpointer key, value;

  eb_service_live_access_changed (self, 0, person_id);
  if (self->live == NULL || self->live->media == NULL)
    return;
  /* the sessions first: checking may report media events */
  session_ids = g_array_new (FALSE, FALSE, sizeof (EbId));
  g_hash_table_iter_init (&iter, self->live->sessions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!((EbLiveSession *)value)->ending)
      g_array_append_val (session_ids, *(EbId *)key);
  for (guint i = 0; i < session_ids->len; i++)
    eb_service_live_sync_session (self, g_array_index (session_ids, EbId, i), person_id, site_id);
}

/* --- going live and ending --- */

/**
 * eb_service_start_session:
 * @expected_version: the version read, or 0 for no check
 *
 * Returns: (transfer full): the session, now live
 */
EbSession *
eb_service_start_session (EbService *self, const EbPrincipal *who, EbId id, gint64 expected_version,
                          GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (EbTimelineEvent) event = NULL;
  g_autoptr (GPtrArray) roster = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *detail = NULL;
  EbServiceLive *live;
  gint64 started_at_us;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  live = eb_service_live (self);
  tx = eb_service_begin_write (self, who, "start sessions", error);
  if (tx == NULL)
    return NULL;
  session = eb_store_session_get (self->store, id, error);
  if (!eb_service_check_found (session != NULL, "session", id, error)
      || !eb_service_check_version ("session", id, session->version, expected_version, error)
      || !eb_session_state_check_transition (session->state, EB_SESSION_STATE_LIVE, error))
    return NULL;
  roster = eb_store_roster_list (self->store, id, error);
  if (roster == NULL)
    return NULL;

  started_at_us = g_get_real_time ();
  session->state = EB_SESSION_STATE_LIVE;
  if (!eb_store_session_update (self->store, session, error))
    return NULL;
  recording = eb_recording_new ();
  recording->session_id = id;
  recording->state = EB_RECORDING_STATE_RECORDING;
  recording->started_at_us = started_at_us;
  if (!eb_store_recording_insert (self->store, recording, error))
    return NULL;
  detail = g_strdup_printf ("started by token %" G_GINT64_FORMAT, who->token_id);
  event = eb_service_add_timeline (self, id, EB_TIMELINE_SESSION_STARTED, started_at_us,
                                   started_at_us, who->person_id, NULL, detail, error);
  if (event == NULL)
    return NULL;

  /* The conference opens before the commit: when it cannot, nothing is
   * changed. */
  if (live->media != NULL
      && !eb_media_plane_open_conference (live->media, id, started_at_us, &local_error))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE,
                   "cannot open the conference of session %" G_GINT64_FORMAT ": %s", id,
                   local_error->message);
      return NULL;
    }
  if (!eb_transaction_commit (tx, error))
    {
      if (live->media != NULL)
        eb_media_plane_close_conference_async (live->media, id, NULL, NULL, NULL);
      return NULL;
    }
  eb_service_live_session_add (self, id, recording->id, started_at_us);

  if (live->media != NULL)
    for (guint i = 0; i < roster->len; i++)
      {
        const EbRosterEntry *entry = g_ptr_array_index (roster, i);
        gboolean allowed = FALSE;

        if (!eb_service_allow_entry (self, entry, &allowed, &local_error))
          {
            g_warning ("session %" G_GINT64_FORMAT ": cannot let person %" G_GINT64_FORMAT
                       " in: %s",
                       id, entry->person_id, local_error->message);
            g_clear_error (&local_error);
          }
      }
  g_info ("session %" G_GINT64_FORMAT " is live (recording %" G_GINT64_FORMAT
          ") by token %" G_GINT64_FORMAT,
          id, recording->id, who->token_id);
  eb_service_emit_session_event (self, event);
  return g_steal_pointer (&session);
}

typedef struct
{
  EbPrincipal who;
  EbId session_id;
  EbSession *session;
  EbRecording *recording;
} EbEndData;

static void
eb_end_data_free (EbEndData *data)
{
  g_clear_pointer (&data->session, eb_session_free);
  g_clear_pointer (&data->recording, eb_recording_free);
  g_free (data);
}

/* The session's recording with the final manifest (or, without one, what
 * the database already indexes), written with the end of the session in
 * one transaction. */
static gboolean
eb_service_finish_end (EbService *self, EbEndData *data, const EbRecordingManifest *manifest,
                       gboolean complete, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (EbTimelineEvent) event = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *detail = NULL;
  EbId id = data->session_id;
  gint64 ended_at_us = g_get_real_time ();
  gboolean is_new = FALSE;

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return FALSE;
  session = eb_store_session_get (self->store, id, error);
  if (!eb_service_check_found (session != NULL, "session", id, error)
      || !eb_session_state_check_transition (session->state, EB_SESSION_STATE_ENDED, error))
    return FALSE;
  session->state = EB_SESSION_STATE_ENDED;
  if (!eb_store_session_update (self->store, session, error))
    return FALSE;

  recording = eb_store_recording_find_by_session (self->store, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (recording == NULL || recording->state != EB_RECORDING_STATE_RECORDING)
    {
      EbLiveSession *ls = eb_service_live_session_lookup (self, id);

      g_clear_pointer (&recording, eb_recording_free);
      recording = eb_recording_new ();
      recording->session_id = id;
      recording->started_at_us = ls != NULL ? ls->started_at_us : ended_at_us;
      is_new = TRUE;
    }
  if (manifest != NULL && !eb_service_recording_merge_manifest (self, recording, manifest, error))
    return FALSE;
  recording->state = complete ? EB_RECORDING_STATE_COMPLETE : EB_RECORDING_STATE_INTERRUPTED;
  recording->ended_at_us = MAX (ended_at_us, recording->started_at_us);
  if (is_new ? !eb_store_recording_insert (self->store, recording, error)
             : !eb_store_recording_update (self->store, recording, error))
    return FALSE;
  if (!eb_service_close_attendance (self, id, recording->ended_at_us, error))
    return FALSE;
  detail = g_strdup_printf (
      "ended by token %" G_GINT64_FORMAT "; recording %" G_GINT64_FORMAT " %s with %u tracks",
      data->who.token_id, recording->id, eb_recording_state_to_string (recording->state),
      recording->tracks->len);
  event = eb_service_add_timeline (self, id, EB_TIMELINE_SESSION_ENDED, recording->ended_at_us,
                                   recording->started_at_us, data->who.person_id, NULL, detail,
                                   error);
  if (event == NULL || !eb_transaction_commit (tx, error))
    return FALSE;

  eb_service_live_session_remove (self, id);
  g_info ("session %" G_GINT64_FORMAT " ended by token %" G_GINT64_FORMAT
          ": recording %" G_GINT64_FORMAT " (%s, %u tracks, %" G_GUINT64_FORMAT " bytes)",
          id, data->who.token_id, recording->id, eb_recording_state_to_string (recording->state),
          recording->tracks->len, eb_recording_total_size (recording));
  eb_service_emit_session_event (self, event);
  data->session = g_steal_pointer (&session);
  data->recording = g_steal_pointer (&recording);
  return TRUE;
}

static void
eb_service_end_return (GTask *task, const EbRecordingManifest *manifest, gboolean complete)
{
  EbService *self = g_task_get_source_object (task);
  EbEndData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!eb_service_finish_end (self, data, manifest, complete, &error))
    {
      EbLiveSession *ls = eb_service_live_session_lookup (self, data->session_id);

      if (ls != NULL)
        ls->ending = FALSE;
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
eb_service_on_conference_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  EbService *self = g_task_get_source_object (task);
  EbEndData *data = g_task_get_task_data (task);
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autoptr (GError) error = NULL;

  manifest = eb_media_plane_close_conference_finish (EB_MEDIA_PLANE (source), result, &error);
  if (manifest != NULL)
    {
      eb_service_end_return (task, manifest, !manifest->interrupted);
      return;
    }

  /* The conference did not close cleanly: the session still ends, with
   * what is on disk. */
  g_warning ("session %" G_GINT64_FORMAT ": the conference did not close cleanly: %s",
             data->session_id, error->message);
  g_clear_error (&error);
  if (self->live->recordings_dir != NULL)
    {
      manifest = eb_media_recover_session (self->live->recordings_dir, data->session_id, &error);
      if (manifest == NULL)
        g_warning ("session %" G_GINT64_FORMAT ": cannot rebuild its recording: %s",
                   data->session_id, error->message);
    }
  eb_service_end_return (task, manifest, FALSE);
}

/**
 * eb_service_end_session_async:
 * @expected_version: the version read, or 0 for no check
 * @cancellable: (nullable): already cancelled at the call, nothing
 *   happens; cancelled later, only the result is dropped: the conference
 *   once closing closes, the session ends and its recording is
 *   registered all the same, and the finish reports
 *   %G_IO_ERROR_CANCELLED
 *
 * Completes once every recording segment is finalised and the recording
 * is registered.
 */
void
eb_service_end_session_async (EbService *self, const EbPrincipal *who, EbId id,
                              gint64 expected_version, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (EbSession) session = NULL;
  GError *error = NULL;
  EbServiceLive *live;
  EbLiveSession *ls;
  EbEndData *data;

  g_return_if_fail (EB_IS_SERVICE (self));
  g_return_if_fail (who != NULL);

  live = eb_service_live (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_service_end_session_async);
  data = g_new0 (EbEndData, 1);
  data->who = *who;
  data->session_id = id;
  g_task_set_task_data (task, data, (GDestroyNotify)eb_end_data_free);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!eb_service_require_write (who, "end sessions", &error))
    {
      g_task_return_error (task, error);
      return;
    }
  session = eb_store_session_get (self->store, id, &error);
  if (!eb_service_check_found (session != NULL, "session", id, &error)
      || !eb_service_check_version ("session", id, session->version, expected_version, &error)
      || !eb_session_state_check_transition (session->state, EB_SESSION_STATE_ENDED, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  ls = eb_service_live_session_lookup (self, id);
  if (ls == NULL)
    {
      gint64 started_at_us = 0;
      EbId recording_id = 0;

      if (!eb_service_live_origin (self, id, g_get_real_time (), &started_at_us, &recording_id,
                                   &error))
        {
          g_task_return_error (task, error);
          return;
        }
      ls = eb_service_live_session_add (self, id, recording_id, started_at_us);
    }
  if (ls->ending)
    {
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_CONFLICT,
                               "session %" G_GINT64_FORMAT " is already ending", id);
      return;
    }
  ls->ending = TRUE;

  if (live->media != NULL)
    {
      /* Not the caller's cancellable: a close half done would leave the
       * session live without a conference. */
      eb_media_plane_close_conference_async (live->media, id, NULL, eb_service_on_conference_closed,
                                             g_steal_pointer (&task));
      return;
    }
  {
    /* Without media, nothing was recorded: an empty, complete recording. */
    g_autoptr (EbRecordingManifest) empty = g_new0 (EbRecordingManifest, 1);

    empty->session_id = id;
    empty->tracks = g_ptr_array_new ();
    eb_service_end_return (task, empty, TRUE);
  }
}

/**
 * eb_service_end_session_finish:
 * @recording: (out) (optional) (transfer full): the registered recording
 *
 * Returns: (transfer full): the session, now ended
 */
EbSession *
eb_service_end_session_finish (EbService *self, GAsyncResult *result, EbRecording **recording,
                               GError **error)
{
  EbEndData *data;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_service_end_session_async,
                        NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  data = g_task_get_task_data (G_TASK (result));
  if (recording != NULL)
    *recording = g_steal_pointer (&data->recording);
  return g_steal_pointer (&data->session);
}

/* --- join details --- */

void
eb_join_details_free (EbJoinDetails *details)
{
  if (details == NULL)
    return;
  if (details->credential != NULL)
    memset (details->credential, 0, strlen (details->credential));
  g_free (details->credential);
  g_free (details->srt_host);
  g_free (details->publish_streamid);
  g_free (details->passphrase);
  g_free (details->publish_url);
  g_free (details->pull_streamid_template);
  g_free (details->pull_url_template);
  if (details->join_url != NULL)
    memset (details->join_url, 0, strlen (details->join_url));
  g_free (details->join_url);
  g_free (details->media_note);
  g_free (details);
}

#define EB_PULL_TRACK_PLACEHOLDER "{track}"

/* What the media plane cannot bridge without re-encoding (it never
 * re-encodes), and what browsers need from a room encoder: a WHEP
 * viewer's picture starts at a keyframe (an SRT encoder cannot be asked
 * for one), and WebRTC decoders expect no B-frames. */
#define EB_JOIN_MEDIA_NOTE                                                                         \
  "Room systems and browsers see and hear each other, except where that would need "               \
  "re-encoding: a room system's AAC audio is not heard in browsers (send Opus to be heard "        \
  "there), and a browser publishing VP8 video cannot be pulled over SRT (publish H.264). "         \
  "Browsers show a room system's picture from its next keyframe: set room encoders to a "          \
  "keyframe every 1-2 s and to no B-frames."

/* srt://HOST:PORT?streamid=<@streamid_prefix encoded>[{track}<@suffix
 * encoded>]&passphrase=...&pbkeylen=16 */
static char *
eb_srt_url (const char *host, guint port, const char *streamid_prefix, const char *suffix,
            const char *passphrase)
{
  g_autofree char *prefix = g_uri_escape_string (streamid_prefix, NULL, FALSE);
  g_autofree char *rest = suffix != NULL ? g_uri_escape_string (suffix, NULL, FALSE) : NULL;
  gboolean ipv6 = strchr (host, ':') != NULL;

  return g_strdup_printf ("srt://%s%s%s:%u?streamid=%s%s%s&passphrase=%s&pbkeylen=16",
                          ipv6 ? "[" : "", host, ipv6 ? "]" : "", port, prefix,
                          rest != NULL ? EB_PULL_TRACK_PLACEHOLDER : "", rest != NULL ? rest : "",
                          passphrase);
}

/* <public_url>/join/#session=<id>&credential=<credential>: in the
 * fragment, which browsers never send, so no server logs the credential.
 * The credential is percent-encoded as a fragment value (its own
 * characters never need it; a "&" or "=" would). */
static char *
eb_join_page_url (const char *public_url, EbId session_id, const char *credential)
{
  g_autofree char *encoded = g_uri_escape_string (credential, NULL, FALSE);

  return g_strdup_printf ("%s/join/#session=%" G_GINT64_FORMAT "&credential=%s", public_url,
                          session_id, encoded);
}

/**
 * eb_service_get_join_details:
 *
 * Returns: (transfer full): the join details of @who for the session
 */
EbJoinDetails *
eb_service_get_join_details (EbService *self, const EbPrincipal *who, EbId session_id,
                             GError **error)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (EbJoinDetails) details = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *pull_prefix = NULL;
  g_autofree char *pull_suffix = NULL;
  g_autofree char *reason = NULL;
  EbJoinClaims claims = { 0 };
  EbServiceLive *live;
  gboolean usable = FALSE;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  live = eb_service_live (self);
  session = eb_store_session_get (self->store, session_id, error);
  if (!eb_service_check_found (session != NULL, "session", session_id, error))
    return NULL;
  if (who->person_id > 0)
    {
      entry = eb_store_roster_find (self->store, session_id, who->person_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  if (entry == NULL)
    {
      /* Those who may read the session learn that it is not theirs to
       * join; for the others it does not exist. */
      if (eb_service_reads_all_sessions (who))
        g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                     "only members of the roster of session %" G_GINT64_FORMAT
                     " get join details, each their own",
                     session_id);
      else
        eb_service_check_found (FALSE, "session", session_id, error);
      return NULL;
    }
  if (entry->status == EB_INVITATION_DECLINED)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " declined session %" G_GINT64_FORMAT, who->person_id,
                   session_id);
      return NULL;
    }
  if (!eb_service_check_person_usable (self, who->person_id, &usable, &reason, error))
    return NULL;
  if (!usable)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " may not join session %" G_GINT64_FORMAT ": %s",
                   who->person_id, session_id, reason);
      return NULL;
    }
  if (!eb_service_session_is_open (session, error))
    return NULL;
  if (session->state == EB_SESSION_STATE_DRAFT)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "session %" G_GINT64_FORMAT " is a draft: schedule it first", session_id);
      return NULL;
    }
  if (live->join_key == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAVAILABLE,
                           "live sessions are not configured (no join key)");
      return NULL;
    }

  details = g_new0 (EbJoinDetails, 1);
  details->session_id = session_id;
  details->person_id = who->person_id;
  details->expires_at = eb_service_now () + live->credential_lifetime;
  claims.session_id = session_id;
  claims.person_id = who->person_id;
  claims.expires_at = details->expires_at;
  claims.issued_at_us = eb_service_join_stamp_issue (self, entry, error);
  if (claims.issued_at_us == 0)
    return NULL;
  details->credential = eb_join_credential_issue (live->join_key, live->join_key_length, &claims);
  details->passphrase
      = eb_join_session_passphrase (live->join_key, live->join_key_length, session_id);
  details->srt_host = g_strdup (live->srt_host);
  details->srt_port = live->srt_port;
  if (details->srt_port == 0 && live->media != NULL)
    details->srt_port = eb_media_plane_get_srt_port (live->media);

  details->publish_streamid = g_strdup_printf ("#!::r=session/%" G_GINT64_FORMAT ",m=publish,t=%s",
                                               session_id, details->credential);
  details->publish_url = eb_srt_url (details->srt_host, details->srt_port,
                                     details->publish_streamid, NULL, details->passphrase);
  pull_prefix = g_strdup_printf ("#!::r=session/%" G_GINT64_FORMAT "/track/", session_id);
  pull_suffix = g_strdup_printf (",m=request,t=%s", details->credential);
  details->pull_streamid_template
      = g_strconcat (pull_prefix, EB_PULL_TRACK_PLACEHOLDER, pull_suffix, NULL);
  details->pull_url_template = eb_srt_url (details->srt_host, details->srt_port, pull_prefix,
                                           pull_suffix, details->passphrase);
  details->join_url = eb_join_page_url (self->public_url, session_id, details->credential);
  details->media_note = g_strdup (EB_JOIN_MEDIA_NOTE);
  g_info ("join details of session %" G_GINT64_FORMAT " issued to person %" G_GINT64_FORMAT
          " (token %" G_GINT64_FORMAT ")",
          session_id, who->person_id, who->token_id);
  return g_steal_pointer (&details);
}

/* --- recordings and timeline --- */

static gboolean
eb_service_audit (EbService *self, const EbPrincipal *who, const char *action,
                  const char *object_type, EbId object_id, const char *detail, GError **error)
{
  EbAuditEntry entry = { 0 };

  entry.token_id = who->token_id;
  entry.person_id = who->person_id;
  entry.action = (char *)action;
  entry.object_type = (char *)object_type;
  entry.object_id = object_id;
  entry.detail = (char *)detail;
  return eb_store_audit_insert (self->store, &entry, error);
}

/**
 * eb_service_list_recordings:
 * @session_id: only this session's recordings (0: every one @who reads)
 * @page: (nullable): the window
 * @total: (out) (optional): the number of matches
 *
 * Returns: (transfer full) (element-type EbRecording): by start
 */
GPtrArray *
eb_service_list_recordings (EbService *self, const EbPrincipal *who, EbId session_id,
                            const EbPage *page, guint *total, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (GPtrArray) recordings = NULL;
  g_autofree char *detail = NULL;
  EbRecordingFilter filter = { session_id, 0, -1 };
  guint found = 0;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  /* A write transaction: the audit line is part of the read. */
  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  if (session_id != 0 && !eb_service_can_read_session (self, who, session_id, error))
    return NULL;
  if (!eb_service_reads_all_sessions (who))
    {
      if (who->person_id <= 0)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN, "role %s may not list recordings",
                       eb_role_to_string (who->role));
          return NULL;
        }
      filter.person_id = who->person_id;
    }
  recordings = eb_store_recording_list (self->store, &filter, page, &found, error);
  if (recordings == NULL)
    return NULL;
  detail = g_strdup_printf ("%u of %u recordings", recordings->len, found);
  if (!eb_service_audit (self, who, "recording.list", session_id != 0 ? "session" : NULL,
                         session_id, detail, error)
      || !eb_transaction_commit (tx, error))
    return NULL;
  if (total != NULL)
    *total = found;
  return g_steal_pointer (&recordings);
}

/**
 * eb_service_get_recording:
 *
 * Returns: (transfer full): the recording with its tracks and segments
 */
EbRecording *
eb_service_get_recording (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  recording = eb_store_recording_get (self->store, id, error);
  if (!eb_service_check_found (recording != NULL, "recording", id, error))
    return NULL;
  if (!eb_service_can_read_session (self, who, recording->session_id, &local_error))
    {
      /* A recording of a hidden session is hidden too. */
      if (g_error_matches (local_error, EB_ERROR, EB_ERROR_NOT_FOUND))
        eb_service_check_found (FALSE, "recording", id, error);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  detail = g_strdup_printf ("session %" G_GINT64_FORMAT, recording->session_id);
  if (!eb_service_audit (self, who, "recording.read", "recording", id, detail, error)
      || !eb_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&recording);
}

/**
 * eb_service_list_timeline:
 * @page: (nullable): the window
 * @total: (out) (optional): the number of events
 *
 * Returns: (transfer full) (element-type EbTimelineEvent): by instant
 */
GPtrArray *
eb_service_list_timeline (EbService *self, const EbPrincipal *who, EbId session_id,
                          const EbPage *page, guint *total, GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_can_read_session (self, who, session_id, error))
    return NULL;
  return eb_store_timeline_list (self->store, session_id, page, total, error);
}

/**
 * eb_service_list_attendance:
 *
 * Returns: (transfer full) (element-type EbAttendanceSpan): by join time
 */
GPtrArray *
eb_service_list_attendance (EbService *self, const EbPrincipal *who, EbId session_id,
                            GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_can_read_session (self, who, session_id, error))
    return NULL;
  return eb_store_attendance_list (self->store, session_id, error);
}
