/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>

#include <gst/gst.h>

#include <eboard/eb-error.h>
#include <eboard/eb-media.h>

#include "eb-bridge-rtp-private.h"
#include "eb-bridge-ts-private.h"
#include "eb-conference-private.h"
#include "eb-media-plane-private.h"
#include "eb-pipeline-template-private.h"
#include "eb-recorder-private.h"
#include "eb-rtp-recorder-private.h"
#include "eb-srt-server-private.h"
#include "eb-webrtc-peer-private.h"
#include "eb-webrtc-room-private.h"

#define EB_MEDIA_DEFAULT_SEGMENT_SECONDS 4
#define EB_MEDIA_DEFAULT_QUEUE_BYTES (4 * 1024 * 1024)

/*
 * Handovers: the SRT threads never touch the plane's GObject side; they
 * post closures to the main context the plane was created in. A closure
 * holds the shared block, not the plane, so one still queued when the
 * plane goes away finds it gone and does nothing.
 */
struct _EbPlaneShared
{
  gatomicrefcount ref;
  EbMediaPlane *plane; /* read and cleared on the main context only */
  /* a leaf lock: the conferences' bridges reach the network thread */
  GMutex network_lock;
  EbMediaPlane *network_plane; /* while its server takes work */
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
void
eb_media_plane_handover (EbMediaPlane *self, EbHandoverFunc func, gpointer data,
                         GDestroyNotify destroy)
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

/* Main context. */
void
eb_media_plane_emit_event (EbMediaPlane *self, const EbMediaEvent *event)
{
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event);
}

/* Any thread. */
void
eb_media_plane_post_event (EbMediaPlane *self, EbMediaEventKind kind, EbId session_id,
                           EbId person_id, const char *track, const char *detail)
{
  EbMediaEvent *event = g_new0 (EbMediaEvent, 1);

  event->kind = kind;
  event->session_id = session_id;
  event->at = g_get_real_time ();
  event->person_id = person_id;
  event->track = g_strdup (track);
  event->detail = g_strdup (detail);
  eb_media_plane_handover (self, emit_event_cb, event, (GDestroyNotify)eb_media_event_free);
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

/* --- conferences --- */

/* Any thread: (transfer full) (nullable): the conference of @session_id */
EbConference *
eb_media_plane_lookup_conference (EbMediaPlane *self, EbId session_id)
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
gboolean
eb_media_plane_credential_is_current (EbMediaPlane *self, EbId session_id, EbId person_id,
                                      gint64 issued_at_us)
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
  eb_media_plane_request_close (self, eb_conference_get_session_id (conference), 0, publisher,
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
  eb_media_plane_relay_callbacks_init (&self->relay_callbacks);
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
  EbSrtServer *server;

  g_return_val_if_fail (EB_IS_MEDIA_PLANE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->server != NULL)
    return TRUE;
  if (!eb_webrtc_prepare_dtls (error))
    return FALSE;
  server = eb_media_plane_srt_server_new (self, error);
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

  conference = eb_media_plane_lookup_conference (self, session_id);
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

  conference = eb_media_plane_lookup_conference (self, session_id);
  if (conference == NULL)
    return;
  eb_conference_revoke_participant (conference, person_id);
  clear_credential_floor (self, session_id, person_id);
  eb_webrtc_room_revoke (eb_conference_get_webrtc_room (conference), person_id);
  eb_media_plane_request_close (self, session_id, person_id, NULL, "the participant was revoked",
                                NULL);
}

/* --- closing a conference --- */

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

void
eb_media_plane_close_continue_cb (EbMediaPlane *self, gpointer data)
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
  eb_media_plane_request_close (self, session_id, 0, NULL, "the session ended", task);
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
