/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <string.h>

#include <gst/gst.h>
#include <srt/access_control.h>

#include <eboard/eb-error.h>
#include <eboard/eb-join.h>
#include <eboard/eb-media.h>

#include "eb-bridge-rtp-private.h"
#include "eb-bridge-ts-private.h"
#include "eb-conference-private.h"
#include "eb-pipeline-template-private.h"
#include "eb-recorder-private.h"
#include "eb-relay-private.h"
#include "eb-rtp-recorder-private.h"
#include "eb-srt-server-private.h"
#include "eb-stream-id-private.h"
#include "eb-webrtc-peer-private.h"
#include "eb-webrtc-room-private.h"

#define EB_MEDIA_DEFAULT_SEGMENT_SECONDS 4
#define EB_MEDIA_DEFAULT_QUEUE_BYTES (4 * 1024 * 1024)
/* Refused callers: at most one log line per address in this time. */
#define EB_REFUSAL_LOG_INTERVAL_US (5 * G_USEC_PER_SEC)
/* Addresses remembered for that; beyond, the oldest are forgotten. */
#define EB_REFUSAL_LOG_MAX_PEERS 1024
/* A publisher connection younger than this is not replaced by another
 * one of the same person (two encoders would take turns endlessly). */
#define EB_PUBLISHER_REPLACE_AFTER_US (2 * G_USEC_PER_SEC)

/*
 * Handovers: the SRT threads never touch the plane's GObject side; they
 * post closures to the main context the plane was created in. A closure
 * holds the shared block, not the plane, so one still queued when the
 * plane goes away finds it gone and does nothing.
 */
typedef struct
{
  gatomicrefcount ref;
  EbMediaPlane *plane; /* read and cleared on the main context only */
  /* a leaf lock: the conferences' bridges reach the network thread */
  GMutex network_lock;
  EbMediaPlane *network_plane; /* while its server takes work */
} EbPlaneShared;

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

struct _EbMediaPlane
{
  GObject parent_instance;

  GMainContext *context;
  EbPlaneShared *shared;
  char *pipelines_dir;
  char *recordings_dir;
  char *srt_address;
  guint srt_port;
  guint segment_seconds;
  gsize subscriber_queue_bytes;
  GBytes *credential_key;
  EbPipelineTemplates *templates;
  EbSrtServer *server;
  EbRelayCallbacks relay_callbacks;
  EbWebrtcIceConfig *ice;

  GMutex lock;
  GHashTable *conferences; /* EbId* -> EbConference */
  /* EbMemberKey* -> gint64*: a participant's credentials issued at or
   * before it are refused */
  GHashTable *credential_floors;

  /* network thread */
  GPtrArray *connections; /* EbConnection */

  /* main context */
  GHashTable *refusal_log; /* peer address -> EbRefusalLog */
};

enum
{
  SIGNAL_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EbMediaPlane, eb_media_plane, G_TYPE_OBJECT)

static EbPlaneShared *
eb_plane_shared_ref (EbPlaneShared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
eb_plane_shared_unref (EbPlaneShared *shared)
{
  if (g_atomic_ref_count_dec (&shared->ref))
    {
      g_mutex_clear (&shared->network_lock);
      g_free (shared);
    }
}

typedef void (*EbHandoverFunc) (EbMediaPlane *self, gpointer data);

typedef struct
{
  EbPlaneShared *shared;
  EbHandoverFunc func;
  gpointer data;
  GDestroyNotify destroy;
} EbHandover;

static gboolean
handover_cb (gpointer user_data)
{
  EbHandover *handover = user_data;

  if (handover->shared->plane != NULL)
    handover->func (handover->shared->plane, handover->data);
  return G_SOURCE_REMOVE;
}

static void
handover_free (EbHandover *handover)
{
  if (handover->destroy != NULL)
    handover->destroy (handover->data);
  eb_plane_shared_unref (handover->shared);
  g_free (handover);
}

/* Any thread: runs @func on the plane's main context, later and in
 * order. Always through an idle source: g_main_context_invoke() would
 * run it in the calling thread whenever that thread can acquire the
 * context. */
static void
handover (EbMediaPlane *self, EbHandoverFunc func, gpointer data, GDestroyNotify destroy)
{
  EbHandover *handover = g_new0 (EbHandover, 1);
  g_autoptr (GSource) source = g_idle_source_new ();

  handover->shared = eb_plane_shared_ref (self->shared);
  handover->func = func;
  handover->data = data;
  handover->destroy = destroy;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, handover_cb, handover, (GDestroyNotify)handover_free);
  g_source_set_static_name (source, "[eboard] media plane handover");
  g_source_attach (source, self->context);
}

/* --- events --- */

static void
emit_event_cb (EbMediaPlane *self, gpointer data)
{
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, (EbMediaEvent *)data);
}

/* Any thread. */
static void
post_event (EbMediaPlane *self, EbMediaEventKind kind, EbId session_id, EbId person_id,
            const char *track, const char *detail)
{
  EbMediaEvent *event = g_new0 (EbMediaEvent, 1);

  event->kind = kind;
  event->session_id = session_id;
  event->at = g_get_real_time ();
  event->person_id = person_id;
  event->track = g_strdup (track);
  event->detail = g_strdup (detail);
  handover (self, emit_event_cb, event, (GDestroyNotify)eb_media_event_free);
}

/* Main context, from the conferences (which may outlive the plane: a
 * recorder still finishing after the close of its session timed out). */
static void
conference_emit_cb (const EbMediaEvent *event, gpointer user_data)
{
  EbPlaneShared *shared = user_data;

  if (shared->plane != NULL)
    g_signal_emit (shared->plane, signals[SIGNAL_EVENT], 0, event);
}

/* --- connections --- */

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

static EbConference *
lookup_conference (EbMediaPlane *self, EbId session_id)
{
  EbConference *conference;

  g_mutex_lock (&self->lock);
  conference = g_hash_table_lookup (self->conferences, &session_id);
  if (conference != NULL)
    eb_conference_ref (conference);
  g_mutex_unlock (&self->lock);
  return conference;
}

/* --- which credentials of a participant still open a conference --- */

typedef struct
{
  EbId session_id;
  EbId person_id;
} EbMemberKey;

static guint
eb_member_key_hash (gconstpointer key)
{
  const EbMemberKey *member = key;

  return g_int64_hash (&member->session_id) * 31 + g_int64_hash (&member->person_id);
}

static gboolean
eb_member_key_equal (gconstpointer a, gconstpointer b)
{
  const EbMemberKey *first = a;
  const EbMemberKey *second = b;

  return first->session_id == second->session_id && first->person_id == second->person_id;
}

/* Any thread. */
static void
set_credential_floor (EbMediaPlane *self, EbId session_id, EbId person_id,
                      gint64 not_issued_before_us)
{
  EbMemberKey *key = g_new (EbMemberKey, 1);
  gint64 *floor_us = g_new (gint64, 1);

  key->session_id = session_id;
  key->person_id = person_id;
  *floor_us = not_issued_before_us;
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->credential_floors, key, floor_us);
  g_mutex_unlock (&self->lock);
}

/* Any thread. */
static void
clear_credential_floor (EbMediaPlane *self, EbId session_id, EbId person_id)
{
  EbMemberKey key = { session_id, person_id };

  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->credential_floors, &key);
  g_mutex_unlock (&self->lock);
}

static gboolean
credential_floor_of_session (gpointer key, gpointer value, gpointer user_data)
{
  const EbMemberKey *member = key;
  const EbId *session_id = user_data;

  return member->session_id == *session_id;
}

/* Any thread: whether a credential of @person_id issued at
 * @issued_at_us is still accepted in @session_id (one issued at or
 * before the floor given to eb_media_plane_allow_participant() is not;
 * nor any of someone not allowed). */
static gboolean
credential_is_current (EbMediaPlane *self, EbId session_id, EbId person_id, gint64 issued_at_us)
{
  EbMemberKey key = { session_id, person_id };
  const gint64 *floor_us;
  gboolean current;

  g_mutex_lock (&self->lock);
  floor_us = g_hash_table_lookup (self->credential_floors, &key);
  current = floor_us != NULL && issued_at_us > *floor_us;
  g_mutex_unlock (&self->lock);
  return current;
}

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
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, refusal->event);
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
  handover (self, refusal_cb, refusal, (GDestroyNotify)eb_refusal_free);
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
  conference = lookup_conference (self, parsed->session_id);
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
  if (!credential_is_current (self, parsed->session_id, claims.person_id, claims.issued_at_us))
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
      handover (self, publisher_left_cb,
                eb_publisher_change_new (previous, "replaced by a new connection"),
                (GDestroyNotify)eb_publisher_change_free);
      previous->left_reported = TRUE;
      eb_srt_server_close (self->server, previous->socket, "replaced by a new connection");
    }
  /* a new connection starts a new stream for the relay's subscribers */
  eb_relay_reset_stream (eb_track_get_relay (connection->track));
  connection->publisher
      = eb_publisher_new (connection->conference, connection->track, connection->peer);
  handover (self, publisher_joined_cb, eb_publisher_change_new (connection, NULL),
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
      || !credential_is_current (self, connection->session_id, connection->person_id,
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
        handover (self, publisher_left_cb, eb_publisher_change_new (connection, reason),
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
  post_event (self, EB_MEDIA_EVENT_SUBSCRIBER_DROPPED, connection->session_id,
              connection->person_id, eb_track_get_name (connection->track), detail);
  eb_srt_server_close (self->server, connection->socket, reason);
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

static void request_close (EbMediaPlane *self, EbId session_id, EbId person_id,
                           EbPublisher *publisher, const char *reason, GTask *task);

static void close_continue_cb (EbMediaPlane *self, gpointer data);

/* Network thread: the sockets closed by close_matching() are closed
 * before the next invocation runs, so their leaves are handed over
 * before this. */
static void
close_network_done (EbSrtServer *server, gpointer data)
{
  EbCloseRequest *request = data;

  handover (request->plane, close_continue_cb, g_steal_pointer (&request->task), g_object_unref);
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
static void
request_close (EbMediaPlane *self, EbId session_id, EbId person_id, EbPublisher *publisher,
               const char *reason, GTask *task)
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
        handover (self, close_continue_cb, g_object_ref (task), g_object_unref);
      eb_close_request_free (request);
      return;
    }
  eb_srt_server_invoke (self->server, close_matching, request,
                        (GDestroyNotify)eb_close_request_free);
}

/* --- work for the network thread, from the conferences --- */

typedef struct
{
  EbPlaneShared *shared;
  EbConferenceNetworkFunc func;
  gpointer data;
  GDestroyNotify destroy;
} EbNetworkCall;

static void
eb_network_call_free (EbNetworkCall *call)
{
  if (call->destroy != NULL)
    call->destroy (call->data);
  eb_plane_shared_unref (call->shared);
  g_free (call);
}

/* Network thread, or the disposing thread while the server stops: the
 * relays' callbacks need the server, so nothing runs once it stops. */
static void
network_call_cb (EbSrtServer *server, gpointer data)
{
  EbNetworkCall *call = data;
  gboolean closed;

  g_mutex_lock (&call->shared->network_lock);
  closed = call->shared->network_plane == NULL;
  g_mutex_unlock (&call->shared->network_lock);
  if (!closed)
    call->func (call->data);
}

/* Any thread (a bridge's streaming thread): never waits for the plane's
 * lock, which is held while conferences stop their bridges. */
static gboolean
conference_invoke_network_cb (EbConferenceNetworkFunc func, gpointer data, GDestroyNotify destroy,
                              gpointer user_data)
{
  EbPlaneShared *shared = user_data;
  gboolean invoked = FALSE;

  g_mutex_lock (&shared->network_lock);
  if (shared->network_plane != NULL)
    {
      EbNetworkCall *call = g_new0 (EbNetworkCall, 1);

      call->shared = eb_plane_shared_ref (shared);
      call->func = func;
      call->data = data;
      call->destroy = destroy;
      eb_srt_server_invoke (shared->network_plane->server, network_call_cb, call,
                            (GDestroyNotify)eb_network_call_free);
      invoked = TRUE;
    }
  g_mutex_unlock (&shared->network_lock);
  return invoked;
}

/* Main context: the recorder of @publisher refused its stream, or the
 * stream's program changed under it. */
static void
conference_close_input_cb (EbPublisher *publisher, gpointer user_data)
{
  EbMediaPlane *self = ((EbPlaneShared *)user_data)->plane;
  EbConference *conference = eb_publisher_get_conference (publisher);

  if (self == NULL)
    return;
  request_close (self, eb_conference_get_session_id (conference), 0, publisher,
                 "the input cannot be recorded as it is", NULL);
}

/* --- GObject --- */

static void
eb_media_plane_dispose (GObject *object)
{
  EbMediaPlane *self = EB_MEDIA_PLANE (object);
  GHashTableIter iter;
  gpointer value;

  /* closures still queued for the main context now do nothing */
  if (self->shared != NULL)
    self->shared->plane = NULL;
  /* stops the network thread; the connections' closed callbacks run
   * here */
  g_mutex_lock (&self->shared->network_lock);
  self->shared->network_plane = NULL;
  g_mutex_unlock (&self->shared->network_lock);
  /* not g_clear_pointer(): the network thread's last rounds (a relay's
   * check of its subscribers) still use the server until it is joined */
  if (self->server != NULL)
    {
      eb_srt_server_free (self->server);
      self->server = NULL;
    }
  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->conferences);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    eb_conference_abort (value);
  g_hash_table_remove_all (self->conferences);
  g_hash_table_remove_all (self->credential_floors);
  g_mutex_unlock (&self->lock);

  G_OBJECT_CLASS (eb_media_plane_parent_class)->dispose (object);
}

static void
eb_media_plane_finalize (GObject *object)
{
  EbMediaPlane *self = EB_MEDIA_PLANE (object);

  g_clear_pointer (&self->shared, eb_plane_shared_unref);
  g_clear_pointer (&self->templates, eb_pipeline_templates_free);
  g_clear_pointer (&self->credential_key, g_bytes_unref);
  g_clear_pointer (&self->conferences, g_hash_table_unref);
  g_clear_pointer (&self->credential_floors, g_hash_table_unref);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->refusal_log, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->ice, eb_webrtc_ice_config_free);
  g_free (self->pipelines_dir);
  g_free (self->recordings_dir);
  g_free (self->srt_address);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (eb_media_plane_parent_class)->finalize (object);
}

static void
eb_media_plane_class_init (EbMediaPlaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eb_media_plane_dispose;
  object_class->finalize = eb_media_plane_finalize;

  /**
   * EbMediaPlane::event:
   * @event: (type EbMediaEvent): what happened (transfer none)
   *
   * Emitted on the main context the plane was created in.
   */
  signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
eb_media_plane_init (EbMediaPlane *self)
{
  g_mutex_init (&self->lock);
  self->shared = g_new0 (EbPlaneShared, 1);
  g_atomic_ref_count_init (&self->shared->ref);
  g_mutex_init (&self->shared->network_lock);
  self->shared->plane = self;
  self->conferences = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             (GDestroyNotify)eb_conference_unref);
  self->credential_floors
      = g_hash_table_new_full (eb_member_key_hash, eb_member_key_equal, g_free, g_free);
  self->connections = g_ptr_array_new ();
  self->refusal_log = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->relay_callbacks.send = relay_send_cb;
  self->relay_callbacks.want_write = relay_want_write_cb;
  self->relay_callbacks.backlog = relay_backlog_cb;
  self->relay_callbacks.dropped = relay_dropped_cb;
}

/**
 * eb_media_plane_new:
 * @settings: where templates and recordings live, the SRT listener's
 *   address, segment length, relay queue size and the credential key
 *
 * Loads and checks every pipeline template. The plane reports on the
 * thread-default main context of the caller.
 *
 * Returns: (transfer full) (nullable): the media plane
 */
EbMediaPlane *
eb_media_plane_new (const EbMediaSettings *settings, GError **error)
{
  g_autoptr (EbMediaPlane) self = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (settings->recordings_dir == NULL || settings->pipelines_dir == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "the media plane needs a pipelines and a recordings folder");
      return NULL;
    }
  if (settings->credential_key == NULL || settings->credential_key_length == 0)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "the media plane needs the join credential key");
      return NULL;
    }
  if (settings->srt_port > G_MAXUINT16)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "SRT port %u is out of range",
                   settings->srt_port);
      return NULL;
    }
  if (settings->ice_max_port > G_MAXUINT16
      || (settings->ice_max_port != 0 && settings->ice_min_port > settings->ice_max_port))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "the ICE port range %u-%u is not valid",
                   settings->ice_min_port, settings->ice_max_port);
      return NULL;
    }
  if (!gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot start GStreamer: %s",
                   local_error->message);
      return NULL;
    }

  self = g_object_new (EB_TYPE_MEDIA_PLANE, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->pipelines_dir = g_strdup (settings->pipelines_dir);
  self->recordings_dir = g_strdup (settings->recordings_dir);
  self->srt_address
      = g_strdup (settings->srt_address != NULL ? settings->srt_address : "127.0.0.1");
  self->srt_port = settings->srt_port;
  self->segment_seconds = settings->segment_seconds > 0 ? settings->segment_seconds
                                                        : EB_MEDIA_DEFAULT_SEGMENT_SECONDS;
  self->subscriber_queue_bytes = settings->subscriber_queue_bytes > 0
                                     ? settings->subscriber_queue_bytes
                                     : EB_MEDIA_DEFAULT_QUEUE_BYTES;
  self->credential_key = g_bytes_new (settings->credential_key, settings->credential_key_length);
  self->ice = g_new0 (EbWebrtcIceConfig, 1);
  self->ice->stun_server = g_strdup (settings->stun_server);
  self->ice->turn_servers = g_strdupv ((char **)settings->turn_servers);
  self->ice->min_port = settings->ice_min_port;
  self->ice->max_port = settings->ice_max_port;
  self->ice->local_addresses = g_strdupv ((char **)settings->ice_local_addresses);
  self->ice->gathering_timeout_ms = settings->ice_gathering_timeout_ms;
  self->templates = eb_pipeline_templates_load (self->pipelines_dir, error);
  if (self->templates == NULL || !eb_recorder_check_templates (self->templates, error)
      || !eb_rtp_recorder_check_templates (self->templates, error)
      || !eb_rtp_bridge_check_templates (self->templates, error)
      || !eb_ts_bridge_check_templates (self->templates, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * eb_media_plane_start:
 *
 * Binds the SRT listener and starts its network thread.
 *
 * Returns: whether it listens
 */
gboolean
eb_media_plane_start (EbMediaPlane *self, GError **error)
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
  EbSrtServer *server;

  g_return_val_if_fail (EB_IS_MEDIA_PLANE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->server != NULL)
    return TRUE;
  if (!eb_webrtc_prepare_dtls (error))
    return FALSE;
  server = eb_srt_server_new (self->srt_address, self->srt_port, &callbacks, self, error);
  if (server == NULL)
    return FALSE;
  g_mutex_lock (&self->shared->network_lock);
  self->server = server;
  self->shared->network_plane = self;
  g_mutex_unlock (&self->shared->network_lock);
  g_message ("SRT listener on %s port %u", self->srt_address,
             eb_srt_server_get_port (self->server));
  return TRUE;
}

/**
 * eb_media_plane_get_srt_port:
 *
 * Returns: the SRT listener's bound port, or 0 before it is started
 */
guint
eb_media_plane_get_srt_port (EbMediaPlane *self)
{
  g_return_val_if_fail (EB_IS_MEDIA_PLANE (self), 0);

  return self->server != NULL ? eb_srt_server_get_port (self->server) : 0;
}

/**
 * eb_media_plane_open_conference:
 * @started_at: Unix microseconds UTC of the session's start: offset zero
 *   of its recording and timeline
 *
 * Opens the live conference of @session_id: its recording folder is
 * created and its participants (see eb_media_plane_allow_participant())
 * may connect.
 *
 * Returns: whether it is open; %EB_ERROR_CONFLICT if it already was
 */
gboolean
eb_media_plane_open_conference (EbMediaPlane *self, EbId session_id, gint64 started_at,
                                GError **error)
{
  g_autofree char *directory = NULL;
  g_autofree char *name = NULL;
  EbConferenceConfig config = { 0 };
  EbConference *conference;
  EbId *key;

  g_return_val_if_fail (EB_IS_MEDIA_PLANE (self), FALSE);
  g_return_val_if_fail (session_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = g_strdup_printf ("session-%" G_GINT64_FORMAT, session_id);
  directory = g_build_filename (self->recordings_dir, name, NULL);
  if (g_mkdir_with_parents (directory, 0750) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot create the recording folder %s: %s",
                   directory, g_strerror (saved_errno));
      return FALSE;
    }

  config.templates = self->templates;
  config.segment_seconds = self->segment_seconds;
  config.subscriber_queue_bytes = self->subscriber_queue_bytes;
  config.relay_callbacks = &self->relay_callbacks;
  config.relay_user_data = self;
  config.emit = conference_emit_cb;
  config.close_input = conference_close_input_cb;
  config.invoke_network = conference_invoke_network_cb;
  /* the conference may outlive the plane */
  config.user_data = self->shared;
  config.user_data_destroy = (GDestroyNotify)eb_plane_shared_unref;
  config.ice = self->ice;
  config.context = self->context;

  g_mutex_lock (&self->lock);
  if (g_hash_table_contains (self->conferences, &session_id))
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "session %" G_GINT64_FORMAT " already has a live conference", session_id);
      return FALSE;
    }
  eb_plane_shared_ref (self->shared);
  conference = eb_conference_new (session_id, started_at, directory, &config);
  key = g_new (EbId, 1);
  *key = session_id;
  g_hash_table_insert (self->conferences, key, conference);
  g_mutex_unlock (&self->lock);
  g_message ("session %" G_GINT64_FORMAT ": conference open, recording into %s", session_id,
             directory);
  return TRUE;
}

/**
 * eb_media_plane_allow_participant:
 * @display_name: (nullable): for logs and events
 * @is_chair: whether the "chair" track of the session is this person's
 * @not_issued_before_us: Unix microseconds: SRT callers presenting a
 *   join credential of @person_id issued at or before it are refused as
 *   if @person_id were not allowed (0: none is)
 *
 * Lets @person_id connect to the conference of @session_id (a roster
 * member), or changes how they may. Does nothing when the session has
 * no live conference. Raising @not_issued_before_us does not close the
 * connections made with older credentials: revoke first for that.
 */
void
eb_media_plane_allow_participant (EbMediaPlane *self, EbId session_id, EbId person_id,
                                  const char *display_name, gboolean is_chair,
                                  gint64 not_issued_before_us)
{
  g_autoptr (EbConference) conference = NULL;

  g_return_if_fail (EB_IS_MEDIA_PLANE (self));
  g_return_if_fail (person_id > 0);

  conference = lookup_conference (self, session_id);
  if (conference == NULL)
    {
      g_debug ("session %" G_GINT64_FORMAT
               " has no live conference to allow person %" G_GINT64_FORMAT " into",
               session_id, person_id);
      return;
    }
  /* the floor first: a caller let in meanwhile is checked against it */
  set_credential_floor (self, session_id, person_id, not_issued_before_us);
  eb_conference_allow_participant (conference, person_id, display_name, is_chair);
}

/**
 * eb_media_plane_revoke_participant:
 *
 * Stops @person_id from connecting to the conference of @session_id and
 * closes their connections (within about 50 ms).
 */
void
eb_media_plane_revoke_participant (EbMediaPlane *self, EbId session_id, EbId person_id)
{
  g_autoptr (EbConference) conference = NULL;

  g_return_if_fail (EB_IS_MEDIA_PLANE (self));

  conference = lookup_conference (self, session_id);
  if (conference == NULL)
    return;
  eb_conference_revoke_participant (conference, person_id);
  clear_credential_floor (self, session_id, person_id);
  eb_webrtc_room_revoke (eb_conference_get_webrtc_room (conference), person_id);
  request_close (self, session_id, person_id, NULL, "the participant was revoked", NULL);
}

/* --- WebRTC (WHIP and WHEP) --- */

/* (transfer full) (nullable): the open conference @person_id may join,
 * else %NULL and @error */
static EbConference *
lookup_joinable (EbMediaPlane *self, EbId session_id, EbId person_id, GError **error)
{
  g_autoptr (EbConference) conference = lookup_conference (self, session_id);

  if (conference == NULL || !eb_conference_is_open (conference))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "session %" G_GINT64_FORMAT " has no live conference", session_id);
      return NULL;
    }
  if (!eb_conference_is_allowed (conference, person_id))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " may not join session %" G_GINT64_FORMAT, person_id,
                   session_id);
      return NULL;
    }
  return g_steal_pointer (&conference);
}

static void
webrtc_published_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EbConference *conference = g_task_get_task_data (task);
  GError *error = NULL;
  EbWebrtcAnswer *answer;

  answer
      = eb_webrtc_room_publish_finish (eb_conference_get_webrtc_room (conference), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, (GDestroyNotify)eb_webrtc_answer_free);
}

static void
webrtc_viewing_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EbConference *conference = g_task_get_task_data (task);
  GError *error = NULL;
  EbWebrtcAnswer *answer;

  answer = eb_webrtc_room_view_finish (eb_conference_get_webrtc_room (conference), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, (GDestroyNotify)eb_webrtc_answer_free);
}

/**
 * eb_media_plane_whip_publish_async:
 * @offer: the SDP offer, as received
 *
 * Answers a WHIP publish (main context). Errors: %EB_ERROR_NOT_FOUND
 * (no live conference), %EB_ERROR_FORBIDDEN (not a participant, or
 * revoked meanwhile), %EB_ERROR_INVALID (a malformed or unusable offer:
 * nothing else happens), %EB_ERROR_TOO_LARGE, %EB_ERROR_UNAVAILABLE (no
 * ICE candidate, or the session ended meanwhile).
 */
void
eb_media_plane_whip_publish_async (EbMediaPlane *self, EbId session_id, EbId person_id,
                                   const char *offer, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;
  EbConference *conference;

  g_return_if_fail (EB_IS_MEDIA_PLANE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_media_plane_whip_publish_async);
  conference = lookup_joinable (self, session_id, person_id, &error);
  if (conference == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, conference, (GDestroyNotify)eb_conference_unref);
  eb_webrtc_room_publish_async (eb_conference_get_webrtc_room (conference), person_id, offer,
                                cancellable, webrtc_published_cb, g_object_ref (task));
}

/**
 * eb_media_plane_whip_publish_finish:
 *
 * Returns: (transfer full): the answer and the resource to DELETE
 */
EbWebrtcAnswer *
eb_media_plane_whip_publish_finish (EbMediaPlane *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == eb_media_plane_whip_publish_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * eb_media_plane_whep_view_async:
 * @offer: the SDP offer (recvonly m-lines), as received
 *
 * Answers a WHEP view (main context); errors as for
 * eb_media_plane_whip_publish_async(). The viewer receives what is
 * published when it connects.
 */
void
eb_media_plane_whep_view_async (EbMediaPlane *self, EbId session_id, EbId person_id,
                                const char *offer, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;
  EbConference *conference;

  g_return_if_fail (EB_IS_MEDIA_PLANE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_media_plane_whep_view_async);
  conference = lookup_joinable (self, session_id, person_id, &error);
  if (conference == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, conference, (GDestroyNotify)eb_conference_unref);
  eb_webrtc_room_view_async (eb_conference_get_webrtc_room (conference), person_id, offer,
                             cancellable, webrtc_viewing_cb, g_object_ref (task));
}

/**
 * eb_media_plane_whep_view_finish:
 *
 * Returns: (transfer full): the answer and the resource to DELETE
 */
EbWebrtcAnswer *
eb_media_plane_whep_view_finish (EbMediaPlane *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_media_plane_whep_view_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * eb_media_plane_webrtc_delete:
 * @person_id: the connection's owner (0: any)
 *
 * Closes a WHIP or WHEP connection (main context).
 *
 * Returns: whether it was there
 */
gboolean
eb_media_plane_webrtc_delete (EbMediaPlane *self, EbId session_id, EbId person_id,
                              const char *resource_id, GError **error)
{
  g_autoptr (EbConference) conference = NULL;

  g_return_val_if_fail (EB_IS_MEDIA_PLANE (self), FALSE);

  conference = lookup_conference (self, session_id);
  if (conference == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "session %" G_GINT64_FORMAT " has no live conference", session_id);
      return FALSE;
    }
  return eb_webrtc_room_delete (eb_conference_get_webrtc_room (conference), person_id, resource_id,
                                error);
}

/* Main context: every connection of the session is closed and its leave
 * handled; now the recorders finish. */
static void
conference_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EbConference *conference = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  EbRecordingManifest *manifest;

  manifest = eb_conference_close_finish (conference, result, &error);
  if (manifest == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_message ("session %" G_GINT64_FORMAT ": conference closed, %u tracks recorded",
             eb_conference_get_session_id (conference), manifest->tracks->len);
  g_task_return_pointer (task, manifest, (GDestroyNotify)eb_recording_manifest_free);
}

static void
close_continue_cb (EbMediaPlane *self, gpointer data)
{
  GTask *task = data;
  EbConference *conference = g_task_get_task_data (task);

  eb_conference_close_async (conference, g_task_get_cancellable (task), conference_closed_cb,
                             g_object_ref (task));
}

/**
 * eb_media_plane_close_conference_async:
 *
 * Closes the conference of @session_id: refuses new callers, disconnects
 * every publisher and subscriber, lets each recorder finish its last
 * segment (bounded), and returns the session's manifest.
 */
void
eb_media_plane_close_conference_async (EbMediaPlane *self, EbId session_id,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  EbConference *conference = NULL;
  g_autofree EbId *key = NULL;

  g_return_if_fail (EB_IS_MEDIA_PLANE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_media_plane_close_conference_async);

  g_mutex_lock (&self->lock);
  g_hash_table_steal_extended (self->conferences, &session_id, (gpointer *)&key,
                               (gpointer *)&conference);
  g_hash_table_foreach_remove (self->credential_floors, credential_floor_of_session, &session_id);
  g_mutex_unlock (&self->lock);
  if (conference == NULL)
    {
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_NOT_FOUND,
                               "session %" G_GINT64_FORMAT " has no live conference", session_id);
      return;
    }
  g_task_set_task_data (task, conference, (GDestroyNotify)eb_conference_unref);
  eb_conference_set_closed (conference);
  request_close (self, session_id, 0, NULL, "the session ended", task);
}

/**
 * eb_media_plane_close_conference_finish:
 *
 * Returns: (transfer full): the tracks recorded (none when nobody
 *   published), their segments in order
 */
EbRecordingManifest *
eb_media_plane_close_conference_finish (EbMediaPlane *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EB_IS_MEDIA_PLANE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == eb_media_plane_close_conference_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
