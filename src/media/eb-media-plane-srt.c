/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <string.h>

#include <srt/access_control.h>

#include <eboard/eb-join.h>
#include <eboard/eb-media.h>

#include "eb-conference-private.h"
#include "eb-media-plane-private.h"
#include "eb-relay-private.h"
#include "eb-srt-server-private.h"
#include "eb-stream-id-private.h"

/* Refused callers: at most one log line per address in this time. */
#define EB_REFUSAL_LOG_INTERVAL_US (5 * G_USEC_PER_SEC)
/* Addresses remembered for that; beyond, the oldest are forgotten. */
#define EB_REFUSAL_LOG_MAX_PEERS 1024
/* A publisher connection younger than this is not replaced by another
 * one of the same person (two encoders would take turns endlessly). */
#define EB_PUBLISHER_REPLACE_AFTER_US (2 * G_USEC_PER_SEC)

/* --- connections --- */

/* One SRT connection, from authorisation to close. */
typedef struct
{
  EbStreamMode mode;
  EbId session_id;
  EbId person_id;
  gint64 issued_at_us;  /* of its join credential */
  gint64 authorized_at; /* monotonic: when its checks began */
  char *peer;
  char *track_name; /* request: as named ("chair" resolved at accept) */
  EbConference *conference;
  SRTSOCKET socket;
  EbTrack *track;         /* network thread */
  EbPublisher *publisher; /* publish, network thread */
  gboolean left_reported; /* publisher replaced: its leave went already */
  gboolean viewer;        /* request: counted by the conference */
  gint64 accepted_at;     /* network thread, monotonic */
} EbConnection;

static void
eb_connection_free (EbConnection *connection)
{
  g_free (connection->peer);
  g_free (connection->track_name);
  g_clear_pointer (&connection->track, eb_track_unref);
  g_clear_pointer (&connection->publisher, eb_publisher_unref);
  if (connection->viewer)
    eb_conference_remove_viewer (connection->conference, connection->person_id);
  g_clear_pointer (&connection->conference, eb_conference_unref);
  g_free (connection);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbConnection, eb_connection_free)

/* --- refused callers --- */

typedef struct
{
  gint64 logged_at; /* monotonic */
  guint suppressed; /* refusals not logged since */
} EbRefusalLog;

typedef struct
{
  char *peer;
  EbMediaEvent *event;
} EbRefusal;

static void
eb_refusal_free (EbRefusal *refusal)
{
  g_free (refusal->peer);
  eb_media_event_free (refusal->event);
  g_free (refusal);
}

/* (transfer full): "host:port" or "[host]:port" without the port */
static char *
peer_address (const char *peer)
{
  const char *colon = strrchr (peer, ':');

  if (colon == NULL || (peer[0] == '[' && colon[-1] != ']'))
    return g_strdup (peer);
  return g_strndup (peer, (gsize)(colon - peer));
}

static gboolean
refusal_log_expired (gpointer key, gpointer value, gpointer user_data)
{
  const EbRefusalLog *log = value;
  const gint64 *now = user_data;

  return *now - log->logged_at >= EB_REFUSAL_LOG_INTERVAL_US;
}

/* Main context: whether to log a refusal of @peer now; @suppressed: how
 * many were not logged since the last line. */
static gboolean
refusal_log_allows (EbMediaPlane *self, const char *peer, guint *suppressed)
{
  g_autofree char *address = peer_address (peer);
  gint64 now = g_get_monotonic_time ();
  EbRefusalLog *log = g_hash_table_lookup (self->refusal_log, address);

  if (log != NULL && now - log->logged_at < EB_REFUSAL_LOG_INTERVAL_US)
    {
      log->suppressed++;
      return FALSE;
    }
  if (log == NULL)
    {
      if (g_hash_table_size (self->refusal_log) >= EB_REFUSAL_LOG_MAX_PEERS)
        g_hash_table_foreach_remove (self->refusal_log, refusal_log_expired, &now);
      if (g_hash_table_size (self->refusal_log) >= EB_REFUSAL_LOG_MAX_PEERS)
        g_hash_table_remove_all (self->refusal_log);
      log = g_new0 (EbRefusalLog, 1);
      g_hash_table_insert (self->refusal_log, g_steal_pointer (&address), log);
    }
  *suppressed = log->suppressed;
  log->suppressed = 0;
  log->logged_at = now;
  return TRUE;
}

static void
refusal_cb (EbMediaPlane *self, gpointer data)
{
  EbRefusal *refusal = data;
  guint suppressed = 0;

  if (refusal_log_allows (self, refusal->peer, &suppressed))
    {
      if (suppressed > 0)
        g_message ("SRT caller %s refused: %s (%u more refusals of this address not logged)",
                   refusal->peer, refusal->event->detail, suppressed);
      else
        g_message ("SRT caller %s refused: %s", refusal->peer, refusal->event->detail);
    }
  eb_media_plane_emit_event (self, refusal->event);
}

/* Any thread: a caller is turned away. @session_id: the session its
 * credential was verified for, else 0 (the refusal then reaches no
 * session's timeline: anyone can name a live session). Logged on the
 * main context, at most once per address in EB_REFUSAL_LOG_INTERVAL_US. */
static void
refuse_caller (EbMediaPlane *self, const char *peer, EbId session_id, EbId person_id,
               const char *reason)
{
  EbRefusal *refusal = g_new0 (EbRefusal, 1);

  refusal->peer = g_strdup (peer);
  refusal->event = g_new0 (EbMediaEvent, 1);
  refusal->event->kind = EB_MEDIA_EVENT_INPUT_REFUSED;
  refusal->event->session_id = session_id;
  refusal->event->at = g_get_real_time ();
  refusal->event->person_id = person_id;
  refusal->event->detail = g_strdup (reason);
  eb_media_plane_handover (self, refusal_cb, refusal, (GDestroyNotify)eb_refusal_free);
}

/* libsrt thread, before the handshake is answered. */
static gpointer
authorize_cb (const char *stream_id, const char *peer, char **passphrase, gboolean *on_arrival,
              int *reject_code, gpointer user_data)
{
  EbMediaPlane *self = user_data;
  g_autoptr (EbStreamId) parsed = NULL;
  g_autoptr (EbConference) conference = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbConnection) connection = NULL;
  g_autofree char *reason = NULL;
  EbJoinClaims claims = { 0 };
  gsize key_length = 0;
  const guint8 *key = g_bytes_get_data (self->credential_key, &key_length);
  gint64 authorized_at = g_get_monotonic_time ();

  parsed = eb_stream_id_parse (stream_id, reject_code, &error);
  if (parsed == NULL)
    {
      refuse_caller (self, peer, 0, 0, error->message);
      return NULL;
    }
  conference = eb_media_plane_lookup_conference (self, parsed->session_id);
  if (!eb_join_credential_verify (key, key_length, parsed->credential,
                                  g_get_real_time () / G_USEC_PER_SEC, &claims, &error))
    {
      *reject_code = SRT_REJX_UNAUTHORIZED;
      refuse_caller (self, peer, 0, 0, error->message);
      return NULL;
    }
  if (claims.session_id != parsed->session_id)
    {
      *reject_code = SRT_REJX_FORBIDDEN;
      refuse_caller (self, peer, 0, 0, "the join credential is for another session");
      return NULL;
    }
  if (conference == NULL || !eb_conference_is_open (conference))
    {
      *reject_code = SRT_REJX_NOTFOUND;
      reason = g_strdup_printf ("session %" G_GINT64_FORMAT " has no live conference",
                                parsed->session_id);
      refuse_caller (self, peer, 0, claims.person_id, reason);
      return NULL;
    }
  if (!eb_conference_is_allowed (conference, claims.person_id))
    {
      *reject_code = SRT_REJX_FORBIDDEN;
      reason
          = g_strdup_printf ("person %" G_GINT64_FORMAT " may not join session %" G_GINT64_FORMAT,
                             claims.person_id, parsed->session_id);
      refuse_caller (self, peer, parsed->session_id, claims.person_id, reason);
      return NULL;
    }
  /* the caller learns no more than an unknown person would */
  if (!eb_media_plane_credential_is_current (self, parsed->session_id, claims.person_id,
                                             claims.issued_at_us))
    {
      *reject_code = SRT_REJX_FORBIDDEN;
      reason = g_strdup_printf ("this join credential of person %" G_GINT64_FORMAT
                                " for session %" G_GINT64_FORMAT " was revoked",
                                claims.person_id, parsed->session_id);
      refuse_caller (self, peer, parsed->session_id, claims.person_id, reason);
      return NULL;
    }

  connection = g_new0 (EbConnection, 1);
  connection->mode = parsed->mode;
  connection->session_id = parsed->session_id;
  connection->person_id = claims.person_id;
  connection->issued_at_us = claims.issued_at_us;
  connection->authorized_at = authorized_at;
  connection->peer = g_strdup (peer);
  connection->socket = SRT_INVALID_SOCK;
  if (parsed->mode == EB_STREAM_MODE_REQUEST)
    {
      g_autoptr (EbTrack) track = eb_conference_find_track (conference, parsed->track);
      g_autofree char *refusal = NULL;

      if (track == NULL)
        {
          *reject_code = SRT_REJX_NOTFOUND;
          reason = g_strdup_printf ("session %" G_GINT64_FORMAT " has no track %s",
                                    parsed->session_id, parsed->track);
          refuse_caller (self, peer, parsed->session_id, claims.person_id, reason);
          return NULL;
        }
      refusal = eb_track_dup_pull_refusal (track);
      if (refusal != NULL)
        {
          /* a browser's VP8 video: MPEG-TS cannot carry it */
          *reject_code = SRT_REJX_UNACCEPTABLE;
          reason = g_strdup_printf ("track %s of session %" G_GINT64_FORMAT
                                    " cannot be pulled over SRT: %s",
                                    eb_track_get_name (track), parsed->session_id, refusal);
          refuse_caller (self, peer, parsed->session_id, claims.person_id, reason);
          return NULL;
        }
      if (!eb_conference_add_viewer (conference, claims.person_id))
        {
          *reject_code = SRT_REJX_OVERLOAD;
          reason = g_strdup_printf ("person %" G_GINT64_FORMAT " or session %" G_GINT64_FORMAT
                                    " already has its most SRT viewers (%u each, %u in all)",
                                    claims.person_id, parsed->session_id,
                                    EB_MEDIA_MAX_PULLS_PER_PERSON, EB_MEDIA_MAX_PULLS_PER_SESSION);
          /* logged, not put in the timeline: a roster member could
           * flood it */
          refuse_caller (self, peer, 0, claims.person_id, reason);
          return NULL;
        }
      connection->viewer = TRUE;
      connection->track_name = g_strdup (parsed->track);
    }
  connection->conference = g_steal_pointer (&conference);
  *passphrase = eb_join_session_passphrase (key, key_length, parsed->session_id);
  /* a publisher's stream is recorded and relayed by its own timestamps:
   * nothing gains from holding it until its play time */
  *on_arrival = parsed->mode == EB_STREAM_MODE_PUBLISH;
  return g_steal_pointer (&connection);
}

static void
handshake_failed_cb (gpointer data, const char *reason, gpointer user_data)
{
  EbMediaPlane *self = user_data;
  g_autoptr (EbConnection) connection = data;

  refuse_caller (self, connection->peer, connection->session_id, connection->person_id, reason);
}

typedef struct
{
  EbConference *conference;
  EbPublisher *publisher;
  char *reason;
  gint64 at;
} EbPublisherChange;

static void
eb_publisher_change_free (EbPublisherChange *change)
{
  eb_conference_unref (change->conference);
  eb_publisher_unref (change->publisher);
  g_free (change->reason);
  g_free (change);
}

static EbPublisherChange *
eb_publisher_change_new (EbConnection *connection, const char *reason)
{
  EbPublisherChange *change = g_new0 (EbPublisherChange, 1);

  change->conference = eb_conference_ref (connection->conference);
  change->publisher = eb_publisher_ref (connection->publisher);
  change->reason = g_strdup (reason);
  change->at = g_get_real_time ();
  return change;
}

static void
publisher_joined_cb (EbMediaPlane *self, gpointer data)
{
  EbPublisherChange *change = data;

  eb_conference_publisher_joined (change->conference, change->publisher, change->at);
}

static void
publisher_left_cb (EbMediaPlane *self, gpointer data)
{
  EbPublisherChange *change = data;

  eb_conference_publisher_left (change->conference, change->publisher, change->reason, change->at);
}

static EbConnection *
find_publisher_connection (EbMediaPlane *self, EbTrack *track)
{
  for (guint i = 0; i < self->connections->len; i++)
    {
      EbConnection *connection = g_ptr_array_index (self->connections, i);

      if (connection->mode == EB_STREAM_MODE_PUBLISH && connection->track == track
          && !connection->left_reported)
        return connection;
    }
  return NULL;
}

static void
publisher_accepted (EbMediaPlane *self, EbConnection *connection)
{
  EbConnection *previous;

  connection->track = eb_conference_ensure_track (connection->conference, connection->person_id);
  previous = find_publisher_connection (self, connection->track);
  if (previous != NULL && previous != connection
      && connection->accepted_at - previous->accepted_at < EB_PUBLISHER_REPLACE_AFTER_US)
    {
      /* a second encoder with the same credential, most likely: the
       * connection in place keeps the track */
      refuse_caller (self, connection->peer, 0, connection->person_id,
                     "the track's publisher connected less than 2 s ago");
      connection->left_reported = TRUE; /* never the track's publisher */
      eb_srt_server_close (self->server, connection->socket, "the track has a newer publisher");
      return;
    }
  if (previous != NULL && previous != connection)
    {
      /* an encoder reconnecting before its old connection timed out:
       * the new one takes over the track */
      eb_media_plane_handover (self, publisher_left_cb,
                               eb_publisher_change_new (previous, "replaced by a new connection"),
                               (GDestroyNotify)eb_publisher_change_free);
      previous->left_reported = TRUE;
      eb_srt_server_close (self->server, previous->socket, "replaced by a new connection");
    }
  /* a new connection starts a new stream for the relay's subscribers */
  eb_relay_reset_stream (eb_track_get_relay (connection->track));
  connection->publisher
      = eb_publisher_new (connection->conference, connection->track, connection->peer);
  eb_media_plane_handover (self, publisher_joined_cb, eb_publisher_change_new (connection, NULL),
                           (GDestroyNotify)eb_publisher_change_free);
}

static void
subscriber_accepted (EbMediaPlane *self, EbConnection *connection)
{
  connection->track = eb_conference_find_track (connection->conference, connection->track_name);
  if (connection->track == NULL)
    {
      eb_srt_server_close (self->server, connection->socket, "the track is gone");
      return;
    }
  g_message ("session %" G_GINT64_FORMAT ": %s pulls track %s", connection->session_id,
             connection->peer, eb_track_get_name (connection->track));
  eb_relay_add_subscriber (eb_track_get_relay (connection->track), connection);
  /* a browser's track: its publisher is asked for a keyframe, where the
   * viewer's picture starts */
  eb_track_request_keyframe (connection->track);
}

/* Network thread. */
static void
accepted_cb (gpointer data, SRTSOCKET socket, gpointer user_data)
{
  EbMediaPlane *self = user_data;
  EbConnection *connection = data;

  connection->socket = socket;
  connection->accepted_at = g_get_monotonic_time ();
  g_ptr_array_add (self->connections, connection);
  /* revoked (and maybe let in again, with newer credentials only) or
   * closed while the handshake was completing */
  if (!eb_conference_is_allowed (connection->conference, connection->person_id)
      || !eb_media_plane_credential_is_current (self, connection->session_id, connection->person_id,
                                                connection->issued_at_us))
    {
      eb_srt_server_close (self->server, socket, "no longer allowed");
      return;
    }
  if (connection->mode == EB_STREAM_MODE_PUBLISH)
    publisher_accepted (self, connection);
  else
    subscriber_accepted (self, connection);
}

/* Network thread. */
static void
received_cb (gpointer data, const guint8 *bytes, gsize length, gpointer user_data)
{
  EbConnection *connection = data;

  /* what a subscriber sends is not media of this session */
  if (connection->mode != EB_STREAM_MODE_PUBLISH || connection->publisher == NULL
      || connection->left_reported)
    return;
  eb_publisher_push (connection->publisher, bytes, length);
  eb_relay_push (eb_track_get_relay (connection->track), bytes, length);
}

/* Network thread. */
static void
writable_cb (gpointer data, gpointer user_data)
{
  EbConnection *connection = data;

  if (connection->mode == EB_STREAM_MODE_REQUEST && connection->track != NULL)
    eb_relay_flush (eb_track_get_relay (connection->track), connection);
}

/* Network thread, or the disposing thread once the network thread has
 * stopped. */
static void
closed_cb (gpointer data, const char *reason, gpointer user_data)
{
  EbMediaPlane *self = user_data;
  g_autoptr (EbConnection) connection = data;

  g_ptr_array_remove_fast (self->connections, connection);
  if (connection->mode == EB_STREAM_MODE_PUBLISH)
    {
      if (connection->publisher != NULL && !connection->left_reported)
        eb_media_plane_handover (self, publisher_left_cb,
                                 eb_publisher_change_new (connection, reason),
                                 (GDestroyNotify)eb_publisher_change_free);
    }
  else if (connection->track != NULL)
    {
      if (eb_relay_remove_subscriber (eb_track_get_relay (connection->track), connection))
        g_message ("session %" G_GINT64_FORMAT ": %s stopped pulling track %s: %s",
                   connection->session_id, connection->peer, eb_track_get_name (connection->track),
                   reason);
    }
}

/* Network thread: a relay's subscribers must keep up. */
static void
tick_cb (gpointer user_data)
{
  EbMediaPlane *self = user_data;
  g_autoptr (GPtrArray) relays = g_ptr_array_new ();

  for (guint i = 0; i < self->connections->len; i++)
    {
      EbConnection *connection = g_ptr_array_index (self->connections, i);
      EbRelay *relay;

      if (connection->mode != EB_STREAM_MODE_REQUEST || connection->track == NULL)
        continue;
      relay = eb_track_get_relay (connection->track);
      if (!g_ptr_array_find (relays, relay, NULL))
        g_ptr_array_add (relays, relay);
    }
  for (guint i = 0; i < relays->len; i++)
    eb_relay_check (g_ptr_array_index (relays, i));
}

/* Main context: binds the plane's SRT listener, with the callbacks above,
 * and starts its network thread. */
EbSrtServer *
eb_media_plane_srt_server_new (EbMediaPlane *self, GError **error)
{
  EbSrtServerCallbacks callbacks = {
    .authorize = authorize_cb,
    .handshake_failed = handshake_failed_cb,
    .accepted = accepted_cb,
    .received = received_cb,
    .writable = writable_cb,
    .closed = closed_cb,
    .tick = tick_cb,
  };

  return eb_srt_server_new (self->srt_address, self->srt_port, &callbacks, self, error);
}

/* --- relay callbacks (network thread) --- */

static gssize
relay_send_cb (gpointer subscriber, const guint8 *data, gsize length, gpointer user_data)
{
  EbMediaPlane *self = user_data;
  EbConnection *connection = subscriber;

  return eb_srt_server_send (self->server, connection->socket, data, length);
}

static void
relay_want_write_cb (gpointer subscriber, gboolean want, gpointer user_data)
{
  EbMediaPlane *self = user_data;
  EbConnection *connection = subscriber;

  eb_srt_server_watch_writable (self->server, connection->socket, want);
}

static gsize
relay_backlog_cb (gpointer subscriber, gpointer user_data)
{
  EbMediaPlane *self = user_data;
  EbConnection *connection = subscriber;

  return eb_srt_server_get_peer_backlog (self->server, connection->socket);
}

static void
relay_dropped_cb (gpointer subscriber, const char *reason, gpointer user_data)
{
  EbMediaPlane *self = user_data;
  EbConnection *connection = subscriber;
  g_autofree char *detail = g_strdup_printf ("%s dropped: %s", connection->peer, reason);

  g_message ("session %" G_GINT64_FORMAT ": subscriber %s of track %s dropped: %s",
             connection->session_id, connection->peer, eb_track_get_name (connection->track),
             reason);
  eb_media_plane_post_event (self, EB_MEDIA_EVENT_SUBSCRIBER_DROPPED, connection->session_id,
                             connection->person_id, eb_track_get_name (connection->track), detail);
  eb_srt_server_close (self->server, connection->socket, reason);
}

/* The relays' callbacks: their user data is the plane. */
void
eb_media_plane_relay_callbacks_init (EbRelayCallbacks *callbacks)
{
  callbacks->send = relay_send_cb;
  callbacks->want_write = relay_want_write_cb;
  callbacks->backlog = relay_backlog_cb;
  callbacks->dropped = relay_dropped_cb;
}

/* --- closing inputs (main context -> network thread) --- */

typedef struct
{
  EbMediaPlane *plane; /* the plane outlives its server's invocations */
  EbId session_id;
  EbId person_id;         /* 0: everyone */
  gint64 requested_at;    /* monotonic */
  EbPublisher *publisher; /* only this one, when set */
  char *reason;
  GTask *task; /* closing the conference: continue once closed */
} EbCloseRequest;

static void
eb_close_request_free (EbCloseRequest *request)
{
  g_clear_pointer (&request->publisher, eb_publisher_unref);
  g_clear_object (&request->task);
  g_free (request->reason);
  g_free (request);
}

/* Network thread: the sockets closed by close_matching() are closed
 * before the next invocation runs, so their leaves are handed over
 * before this. */
static void
close_network_done (EbSrtServer *server, gpointer data)
{
  EbCloseRequest *request = data;

  eb_media_plane_handover (request->plane, eb_media_plane_close_continue_cb,
                           g_steal_pointer (&request->task), g_object_unref);
}

/* Network thread. */
static void
close_matching (EbSrtServer *server, gpointer data)
{
  EbCloseRequest *request = data;
  EbMediaPlane *self = request->plane;

  for (guint i = 0; i < self->connections->len; i++)
    {
      EbConnection *connection = g_ptr_array_index (self->connections, i);

      if (connection->session_id != request->session_id)
        continue;
      if (request->person_id != 0 && connection->person_id != request->person_id)
        continue;
      /* A person's connections checked after the request saw it (a
       * revoked participant let in again with newer credentials only). */
      if (request->person_id != 0 && connection->authorized_at > request->requested_at)
        continue;
      if (request->publisher != NULL && connection->publisher != request->publisher)
        continue;
      eb_srt_server_close (server, connection->socket, request->reason);
    }
  if (request->task != NULL)
    {
      EbCloseRequest *next = g_new0 (EbCloseRequest, 1);

      next->plane = self;
      next->task = g_steal_pointer (&request->task);
      eb_srt_server_invoke (server, close_network_done, next,
                            (GDestroyNotify)eb_close_request_free);
    }
}

/* Any thread. */
void
eb_media_plane_request_close (EbMediaPlane *self, EbId session_id, EbId person_id,
                              EbPublisher *publisher, const char *reason, GTask *task)
{
  EbCloseRequest *request = g_new0 (EbCloseRequest, 1);

  request->plane = self;
  request->session_id = session_id;
  request->person_id = person_id;
  request->requested_at = g_get_monotonic_time ();
  request->publisher = publisher != NULL ? eb_publisher_ref (publisher) : NULL;
  request->reason = g_strdup (reason);
  request->task = task != NULL ? g_object_ref (task) : NULL;
  if (self->server == NULL)
    {
      /* never started: nothing is connected */
      if (task != NULL)
        eb_media_plane_handover (self, eb_media_plane_close_continue_cb, g_object_ref (task),
                                 g_object_unref);
      eb_close_request_free (request);
      return;
    }
  eb_srt_server_invoke (self->server, close_matching, request,
                        (GDestroyNotify)eb_close_request_free);
}
