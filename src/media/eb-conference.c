/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>

#include "eb-bridge-rtp-private.h"
#include "eb-bridge-ts-private.h"
#include "eb-conference-private.h"
#include "eb-manifest-private.h"
#include "eb-recorder-private.h"
#include "eb-stream-id-private.h"

/* Bytes kept for a publisher until its recorder has started. */
#define EB_PUBLISHER_MAX_PENDING (8 * 1024 * 1024)
/* Beyond the recorders' own bounds: close never waits longer. */
#define EB_CONFERENCE_CLOSE_MARGIN_S 20
/* MPEG-TS of a browser's track waiting for the network thread; beyond,
 * new bytes are dropped. */
#define EB_TRACK_INBOX_MAX (2 * 1024 * 1024)

typedef struct
{
  EbId person_id;
  char *display_name;
  gboolean is_chair;
} EbConferenceMember;

struct _EbConference
{
  gatomicrefcount ref;
  GMainContext *context; /* the plane's: timeouts and the final free */
  GThread *thread;       /* the one the conference was opened on */
  EbId session_id;
  gint64 started_at;
  char *directory;
  EbConferenceConfig config;
  EbRelayCallbacks relay_callbacks;

  GMutex lock;
  gboolean open;
  GHashTable *participants; /* EbId* -> EbConferenceMember */
  GHashTable *tracks;       /* name -> EbTrack */
  GPtrArray *track_order;   /* EbTrack, by first publication */
  GHashTable *viewers;      /* EbId* -> its SRT viewers (GUINT_TO_POINTER) */
  guint n_viewers;

  /* main context */
  guint n_live;     /* publishers joined and not left */
  guint n_stopping; /* recorders (and the WebRTC room) still finalising */
  GTask *close_task;
  GSource *close_timeout;
  /* the close completed without the recorders still finishing: each
   * reports its last segments as they close (the publishers and the room
   * keep the conference until then) */
  gboolean close_timed_out;
  EbWebrtcRoom *webrtc;
  GPtrArray *webrtc_tracks; /* EbRecordedTrack, once the room closed */
};

struct _EbTrack
{
  gatomicrefcount ref;
  GMainContext *context; /* the conference's: the final free runs there */
  GThread *thread;
  char *name;
  EbId person_id;
  gboolean webrtc; /* a browser's publication, bridged for SRT pulls */
  EbRelay *relay;  /* network thread */
  /* SRT: fed by its publishers' bridges, for WHEP viewers; WebRTC: the
   * room's, asked for keyframes */
  EbRtpSource *video;
  EbRtpSource *audio;
  EbTsBridge *ts_bridge; /* main context: WebRTC, while it publishes */

  /* a leaf lock */
  GMutex lock;
  char *pull_refusal;       /* why SRT pulls are refused, if they are */
  GByteArray *inbox;        /* WebRTC: MPEG-TS for the relay */
  gboolean inbox_reset;     /* a new stream starts: the relay forgets the old one */
  gboolean inbox_scheduled; /* the network thread will take the inbox */
  guint64 inbox_dropped;
  EbConferenceInvokeFunc invoke_network;
  gpointer invoke_data;

  GPtrArray *publishers; /* main context: EbPublisher, by connection,
                          * those that recorded or still may */
  guint n_connections;   /* main context: connections ever joined */
  guint n_stopping;      /* main context: its recorders still finalising */
  EbPublisher *waiting;  /* main context: to record once they are done */
};

struct _EbPublisher
{
  gatomicrefcount ref;
  EbConference *conference;
  EbTrack *track;
  char *peer;
  guint connection; /* main context: 1 for the track's first */
  gboolean joined;  /* main context */

  GMutex lock;
  EbRecorder *recorder; /* while recording */
  GByteArray *pending;  /* until the recorder has started */
  gsize discarded;
  gboolean ended;

  /* main context */
  gboolean refused;
  EbRecordedTrack *result;
  EbRtpBridge *bridge; /* its stream for WHEP viewers (also under the lock) */
};

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
static void
free_on_context (GMainContext *context, GThread *thread, GSourceFunc free_func, gpointer data)
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

/* --- tracks --- */

char *
eb_conference_track_name (EbId person_id)
{
  return g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", person_id);
}

/* @name (transfer full); @video and @audio: a browser's track's sources
 * (transfer none), or %NULL for an SRT track, which gets its own. */
static EbTrack *
eb_track_new (EbConference *conference, char *name, EbId person_id, EbRtpSource *video,
              EbRtpSource *audio)
{
  EbTrack *track = g_new0 (EbTrack, 1);

  g_atomic_ref_count_init (&track->ref);
  track->context = g_main_context_ref (conference->context);
  track->thread = conference->thread;
  track->name = name;
  track->person_id = person_id;
  track->webrtc = video != NULL;
  track->relay = eb_relay_new (conference->config.subscriber_queue_bytes,
                               &conference->relay_callbacks, conference->config.relay_user_data);
  track->video = video != NULL ? eb_rtp_source_ref (video) : eb_rtp_source_new (name, TRUE);
  track->audio = audio != NULL ? eb_rtp_source_ref (audio) : eb_rtp_source_new (name, FALSE);
  g_mutex_init (&track->lock);
  track->inbox = g_byte_array_new ();
  track->invoke_network = conference->config.invoke_network;
  track->invoke_data = conference->config.user_data;
  track->publishers = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_publisher_unref);
  return track;
}

EbTrack *
eb_track_ref (EbTrack *track)
{
  g_return_val_if_fail (track != NULL, NULL);
  g_atomic_ref_count_inc (&track->ref);
  return track;
}

static gboolean
eb_track_free (gpointer data)
{
  EbTrack *track = data;

  g_clear_pointer (&track->ts_bridge, eb_ts_bridge_free);
  eb_relay_free (track->relay);
  g_clear_pointer (&track->video, eb_rtp_source_unref);
  g_clear_pointer (&track->audio, eb_rtp_source_unref);
  g_clear_pointer (&track->inbox, g_byte_array_unref);
  g_free (track->pull_refusal);
  g_mutex_clear (&track->lock);
  g_clear_pointer (&track->waiting, eb_publisher_unref);
  g_ptr_array_unref (track->publishers);
  g_free (track->name);
  g_main_context_unref (track->context);
  g_free (track);
  return G_SOURCE_REMOVE;
}

void
eb_track_unref (EbTrack *track)
{
  if (track == NULL || !g_atomic_ref_count_dec (&track->ref))
    return;
  free_on_context (track->context, track->thread, eb_track_free, track);
}

const char *
eb_track_get_name (EbTrack *track)
{
  return track->name;
}

EbId
eb_track_get_person_id (EbTrack *track)
{
  return track->person_id;
}

EbRelay *
eb_track_get_relay (EbTrack *track)
{
  return track->relay;
}

char *
eb_track_dup_pull_refusal (EbTrack *track)
{
  char *refusal;

  g_mutex_lock (&track->lock);
  refusal = g_strdup (track->pull_refusal);
  g_mutex_unlock (&track->lock);
  return refusal;
}

void
eb_track_request_keyframe (EbTrack *track)
{
  if (track->webrtc)
    eb_rtp_source_request_keyframe (track->video);
}

/* --- a browser's track to its SRT viewers --- */

/* Network thread: what the bridge muxed since the last time goes to the
 * relay's viewers. */
static void
track_drain_inbox_cb (gpointer data)
{
  EbTrack *track = data;
  g_autoptr (GByteArray) bytes = NULL;
  gboolean reset;

  g_mutex_lock (&track->lock);
  bytes = g_steal_pointer (&track->inbox);
  track->inbox = g_byte_array_new ();
  reset = track->inbox_reset;
  track->inbox_reset = FALSE;
  track->inbox_scheduled = FALSE;
  g_mutex_unlock (&track->lock);
  if (reset)
    eb_relay_reset_stream (track->relay);
  if (bytes->len > 0)
    eb_relay_push (track->relay, bytes->data, bytes->len);
}

/* With the track's lock held: whether the inbox is to be handed to the
 * network thread now (once until it is taken). */
static gboolean
track_take_schedule (EbTrack *track)
{
  if (track->inbox_scheduled || track->invoke_network == NULL)
    return FALSE;
  track->inbox_scheduled = TRUE;
  return TRUE;
}

static void
track_schedule_drain (EbTrack *track)
{
  if (track->invoke_network (track_drain_inbox_cb, eb_track_ref (track),
                             (GDestroyNotify)eb_track_unref, track->invoke_data))
    return;
  /* no network thread: nobody pulls; the reference was not taken */
  eb_track_unref (track);
  g_mutex_lock (&track->lock);
  g_byte_array_set_size (track->inbox, 0);
  track->inbox_scheduled = FALSE;
  g_mutex_unlock (&track->lock);
}

/* The bridge's streaming thread: batched for the network thread, so that
 * it is woken once per batch, not per packet. */
static void
track_feed_cb (const guint8 *data, gsize length, gpointer user_data)
{
  EbTrack *track = user_data;
  gboolean schedule;
  gboolean log_drop = FALSE;

  g_mutex_lock (&track->lock);
  if (track->inbox->len + length > EB_TRACK_INBOX_MAX)
    {
      /* 188-byte packets are dropped whole: the viewers' demuxers resync */
      log_drop = track->inbox_dropped == 0;
      track->inbox_dropped += length;
    }
  else
    g_byte_array_append (track->inbox, data, (guint)length);
  schedule = track_take_schedule (track);
  g_mutex_unlock (&track->lock);
  if (log_drop)
    g_message ("track %s: its SRT viewers' network thread does not keep up: MPEG-TS dropped",
               track->name);
  if (schedule)
    track_schedule_drain (track);
}

/* Main context: the track's bridge stops (its publisher left, or a new
 * connection replaces it). */
static void
track_stop_ts_bridge (EbTrack *track)
{
  g_clear_pointer (&track->ts_bridge, eb_ts_bridge_free);
}

/* Main context: a new stream for the track's SRT viewers, from the
 * publication's H.264 and Opus, if MPEG-TS can carry them. */
static void
track_start_ts_bridge (EbConference *self, EbTrack *track, const EbWebrtcPublication *publication)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTsBridge) bridge = NULL;
  g_autofree char *refusal = NULL;
  gboolean schedule;

  track_stop_ts_bridge (track);
  if (!eb_ts_bridge_can_carry (publication->video_codec, publication->audio_codec, &refusal))
    {
      g_message ("session %" G_GINT64_FORMAT ": track %s is not pullable over SRT: %s",
                 self->session_id, track->name, refusal);
      g_mutex_lock (&track->lock);
      g_free (track->pull_refusal);
      track->pull_refusal = g_steal_pointer (&refusal);
      g_mutex_unlock (&track->lock);
      return;
    }
  /* the viewers' demuxers take up the new stream at its tables */
  g_mutex_lock (&track->lock);
  g_clear_pointer (&track->pull_refusal, g_free);
  g_byte_array_set_size (track->inbox, 0);
  track->inbox_reset = TRUE;
  schedule = track_take_schedule (track);
  g_mutex_unlock (&track->lock);
  if (schedule)
    track_schedule_drain (track);

  bridge = eb_ts_bridge_new (self->config.templates, track->name,
                             publication->video_codec != NULL ? publication->video : NULL,
                             publication->audio_codec != NULL ? publication->audio : NULL,
                             self->config.subscriber_queue_bytes, track_feed_cb, track, &error);
  if (bridge == NULL || !eb_ts_bridge_start (bridge, &error))
    {
      g_message ("session %" G_GINT64_FORMAT ": cannot bridge track %s to SRT viewers: %s",
                 self->session_id, track->name, error->message);
      return;
    }
  track->ts_bridge = g_steal_pointer (&bridge);
}

/* --- publishers --- */

EbPublisher *
eb_publisher_new (EbConference *conference, EbTrack *track, const char *peer)
{
  EbPublisher *publisher = g_new0 (EbPublisher, 1);

  g_atomic_ref_count_init (&publisher->ref);
  publisher->conference = eb_conference_ref (conference);
  publisher->track = eb_track_ref (track);
  publisher->peer = g_strdup (peer);
  g_mutex_init (&publisher->lock);
  publisher->pending = g_byte_array_new ();
  return publisher;
}

EbPublisher *
eb_publisher_ref (EbPublisher *publisher)
{
  g_return_val_if_fail (publisher != NULL, NULL);
  g_atomic_ref_count_inc (&publisher->ref);
  return publisher;
}

void
eb_publisher_unref (EbPublisher *publisher)
{
  if (publisher == NULL || !g_atomic_ref_count_dec (&publisher->ref))
    return;
  g_clear_object (&publisher->recorder);
  g_clear_pointer (&publisher->bridge, eb_rtp_bridge_free);
  g_clear_pointer (&publisher->pending, g_byte_array_unref);
  g_clear_pointer (&publisher->result, eb_recorded_track_free);
  g_mutex_clear (&publisher->lock);
  g_free (publisher->peer);
  eb_track_unref (publisher->track);
  eb_conference_unref (publisher->conference);
  g_free (publisher);
}

EbTrack *
eb_publisher_get_track (EbPublisher *publisher)
{
  return publisher->track;
}

EbConference *
eb_publisher_get_conference (EbPublisher *publisher)
{
  return publisher->conference;
}

void
eb_publisher_push (EbPublisher *publisher, const guint8 *data, gsize length)
{
  g_mutex_lock (&publisher->lock);
  if (publisher->bridge != NULL)
    eb_rtp_bridge_push (publisher->bridge, data, length);
  if (publisher->recorder != NULL)
    eb_recorder_push (publisher->recorder, data, length);
  else if (publisher->pending == NULL || publisher->ended)
    publisher->discarded += length;
  else if (publisher->pending->len + length > EB_PUBLISHER_MAX_PENDING)
    publisher->discarded += length;
  else
    g_byte_array_append (publisher->pending, data, (guint)length);
  g_mutex_unlock (&publisher->lock);
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
    track_start_ts_bridge (self, track, publication);
  else
    track_stop_ts_bridge (track);
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
    track_stop_ts_bridge (g_ptr_array_index (self->track_order, i));
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
  free_on_context (self->context, self->thread, eb_conference_free, self);
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

/* --- events --- */

static void
emit_segment (EbConference *self, EbMediaEventKind kind, gint64 at, EbTrack *track,
              const char *detail, EbRecordedSegment *segment)
{
  EbMediaEvent event = {
    .kind = kind,
    .session_id = self->session_id,
    .at = at != 0 ? at : g_get_real_time (),
    .person_id = track != NULL ? track->person_id : 0,
    .track = track != NULL ? track->name : NULL,
    .detail = (char *)detail,
    .segment_path = segment != NULL ? segment->path : NULL,
    .segment = segment,
  };

  if (self->config.emit != NULL)
    self->config.emit (&event, self->config.user_data);
}

static void
emit (EbConference *self, EbMediaEventKind kind, gint64 at, EbTrack *track, const char *detail)
{
  emit_segment (self, kind, at, track, detail, NULL);
}

/* --- recording --- */

static void maybe_finish_close (EbConference *self);

/* The recorder's signals are emitted on the main context. */
static void
recorder_segment_closed_cb (EbRecorder *recorder, EbRecordedSegment *segment,
                            EbPublisher *publisher)
{
  emit_segment (publisher->conference, EB_MEDIA_EVENT_SEGMENT_CLOSED, 0, publisher->track, NULL,
                segment);
}

static void
recorder_refused_cb (EbRecorder *recorder, const char *reason, EbPublisher *publisher)
{
  EbConference *self = publisher->conference;
  g_autofree char *detail = g_strdup_printf ("%s from %s", reason, publisher->peer);

  if (publisher->refused)
    return;
  publisher->refused = TRUE;
  g_message ("session %" G_GINT64_FORMAT ": input %s of track %s refused: %s", self->session_id,
             publisher->peer, publisher->track->name, reason);
  emit (self, EB_MEDIA_EVENT_INPUT_REFUSED, 0, publisher->track, detail);
  if (self->config.close_input != NULL)
    self->config.close_input (publisher, self->config.user_data);
}

static void
recorder_failed_cb (EbRecorder *recorder, GError *error, EbPublisher *publisher)
{
  EbConference *self = publisher->conference;

  g_message ("session %" G_GINT64_FORMAT ": recording of track %s failed: %s", self->session_id,
             publisher->track->name, error->message);
  emit (self, EB_MEDIA_EVENT_RECORDING_FAILED, 0, publisher->track, error->message);
  /* The encoder restarted with other streams: its connection ends, so
   * that its reconnect records the new program in new segments. A full
   * disk is not mended by reconnecting: that connection stays. */
  if (g_error_matches (error, EB_RECORDER_ERROR, EB_RECORDER_ERROR_PROGRAM_CHANGED)
      && self->config.close_input != NULL)
    self->config.close_input (publisher, self->config.user_data);
}

static void start_recording (EbConference *self, EbPublisher *publisher);

static void
recorder_stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EbPublisher) publisher = user_data;
  EbConference *self = publisher->conference;
  EbTrack *track = publisher->track;
  EbRecorder *recorder = EB_RECORDER (source);
  g_autoptr (GError) error = NULL;
  EbRecordedTrack *recorded;

  recorded = eb_recorder_stop_finish (recorder, result, &error);
  if (recorded == NULL)
    g_message ("session %" G_GINT64_FORMAT ": track %s: finishing the recording failed: %s",
               self->session_id, track->name, error->message);
  publisher->result = recorded;
  g_signal_handlers_disconnect_by_data (recorder, publisher);
  g_object_unref (recorder);
  /* nothing of it goes into the manifest: not kept to the end */
  if (recorded == NULL || recorded->segments == NULL || recorded->segments->len == 0)
    g_ptr_array_remove (track->publishers, publisher);

  g_warn_if_fail (self->n_stopping > 0 && track->n_stopping > 0);
  self->n_stopping = self->n_stopping > 0 ? self->n_stopping - 1 : 0;
  track->n_stopping = track->n_stopping > 0 ? track->n_stopping - 1 : 0;
  if (self->close_timed_out)
    g_message ("session %" G_GINT64_FORMAT ": the recorder of track %s finished after the close "
               "timed out (%u segments in all); %u recorders still finishing",
               self->session_id, track->name,
               recorded != NULL && recorded->segments != NULL ? recorded->segments->len : 0,
               self->n_stopping);
  if (track->n_stopping == 0 && track->waiting != NULL)
    {
      g_autoptr (EbPublisher) next = g_steal_pointer (&track->waiting);

      start_recording (self, next);
    }
  maybe_finish_close (self);
}

static void
stop_recorder (EbConference *self, EbPublisher *publisher)
{
  EbRecorder *recorder;

  g_mutex_lock (&publisher->lock);
  recorder = g_steal_pointer (&publisher->recorder);
  publisher->ended = TRUE;
  g_clear_pointer (&publisher->pending, g_byte_array_unref);
  g_mutex_unlock (&publisher->lock);
  if (publisher->track->waiting == publisher)
    g_clear_pointer (&publisher->track->waiting, eb_publisher_unref);
  if (recorder == NULL)
    {
      /* it never recorded: not kept to the end */
      g_ptr_array_remove (publisher->track->publishers, publisher);
      return;
    }
  self->n_stopping++;
  publisher->track->n_stopping++;
  /* the recorder's reference moves to the callback */
  eb_recorder_stop_async (recorder, NULL, recorder_stopped_cb, eb_publisher_ref (publisher));
}

static EbRecorder *
new_recorder (EbConference *self, EbPublisher *publisher, GError **error)
{
  g_autoptr (EbRecorder) recorder = NULL;

  /* Every connection of a track records under the track's name: the
   * recorder numbers its segments on from the last one in the folder, so
   * a reconnect continues the track in new segments, in order (the
   * previous connection's recorder has closed its last segment by now). */
  recorder = eb_recorder_new (self->config.templates, self->directory, publisher->track->name,
                              self->started_at, self->config.segment_seconds, error);
  if (recorder == NULL)
    return NULL;
  eb_recorder_set_track_info (recorder, publisher->track->name, publisher->track->person_id);
  g_signal_connect (recorder, "segment-closed", G_CALLBACK (recorder_segment_closed_cb), publisher);
  g_signal_connect (recorder, "refused", G_CALLBACK (recorder_refused_cb), publisher);
  g_signal_connect (recorder, "failed", G_CALLBACK (recorder_failed_cb), publisher);
  if (!eb_recorder_start (recorder, error))
    {
      g_signal_handlers_disconnect_by_data (recorder, publisher);
      return NULL;
    }
  return g_steal_pointer (&recorder);
}

static void
start_recording (EbConference *self, EbPublisher *publisher)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecorder) recorder = NULL;
  gsize discarded;
  gboolean ended;

  g_mutex_lock (&publisher->lock);
  ended = publisher->ended;
  g_mutex_unlock (&publisher->lock);
  if (ended)
    return;

  recorder = new_recorder (self, publisher, &error);
  if (recorder == NULL)
    {
      g_message ("session %" G_GINT64_FORMAT ": cannot record track %s: %s", self->session_id,
                 publisher->track->name, error->message);
      emit (self, EB_MEDIA_EVENT_RECORDING_FAILED, 0, publisher->track, error->message);
      g_mutex_lock (&publisher->lock);
      g_clear_pointer (&publisher->pending, g_byte_array_unref);
      g_mutex_unlock (&publisher->lock);
      return;
    }

  /* what arrived while the recorder was starting goes first */
  g_mutex_lock (&publisher->lock);
  if (publisher->pending != NULL && publisher->pending->len > 0)
    eb_recorder_push (recorder, publisher->pending->data, publisher->pending->len);
  g_clear_pointer (&publisher->pending, g_byte_array_unref);
  publisher->recorder = g_steal_pointer (&recorder);
  discarded = publisher->discarded;
  g_mutex_unlock (&publisher->lock);
  if (discarded > 0)
    g_message ("session %" G_GINT64_FORMAT ": track %s: %" G_GSIZE_FORMAT
               " bytes arrived before its recorder could take them",
               self->session_id, publisher->track->name, discarded);
}

/* Main context: the connection's stream goes to WHEP viewers too, as
 * far as browsers decode it (H.264, Opus), through the track's sources,
 * which the WebRTC room offers its viewers. */
static void
start_bridge (EbConference *self, EbPublisher *publisher)
{
  EbTrack *track = publisher->track;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRtpBridge) bridge = NULL;

  eb_webrtc_room_add_bridged_track (self->webrtc, track->name, track->person_id, track->video,
                                    track->audio);
  bridge
      = eb_rtp_bridge_new (self->config.templates, track->name, track->video, track->audio, &error);
  if (bridge == NULL || !eb_rtp_bridge_start (bridge, &error))
    {
      /* the recording and the SRT viewers go on */
      g_message ("session %" G_GINT64_FORMAT ": cannot bridge track %s to browsers: %s",
                 self->session_id, track->name, error->message);
      return;
    }
  g_mutex_lock (&publisher->lock);
  if (!publisher->ended)
    publisher->bridge = g_steal_pointer (&bridge);
  g_mutex_unlock (&publisher->lock);
}

/* Main context. */
static void
stop_bridge (EbPublisher *publisher)
{
  g_autoptr (EbRtpBridge) bridge = NULL;

  g_mutex_lock (&publisher->lock);
  bridge = g_steal_pointer (&publisher->bridge);
  g_mutex_unlock (&publisher->lock);
  /* its sources keep their viewers, for the track's next connection */
  if (bridge != NULL)
    eb_rtp_bridge_stop (bridge);
}

void
eb_conference_publisher_joined (EbConference *self, EbPublisher *publisher, gint64 at)
{
  EbTrack *track = publisher->track;

  g_return_if_fail (publisher->conference == self);
  g_return_if_fail (!publisher->joined);

  publisher->joined = TRUE;
  publisher->connection = ++track->n_connections;
  g_ptr_array_add (track->publishers, eb_publisher_ref (publisher));
  self->n_live++;
  g_message ("session %" G_GINT64_FORMAT ": %s publishes track %s (connection %u)",
             self->session_id, publisher->peer, track->name, publisher->connection);
  emit (self, EB_MEDIA_EVENT_PARTICIPANT_JOINED, at, track, publisher->peer);
  emit (self, EB_MEDIA_EVENT_TRACK_STARTED, at, track, NULL);

  if (track->n_stopping > 0)
    {
      /* its bytes wait (bounded) until the previous connection's last
       * segment is closed */
      g_clear_pointer (&track->waiting, eb_publisher_unref);
      track->waiting = eb_publisher_ref (publisher);
      start_bridge (self, publisher);
      return;
    }
  start_recording (self, publisher);
  start_bridge (self, publisher);
}

void
eb_conference_publisher_left (EbConference *self, EbPublisher *publisher, const char *reason,
                              gint64 at)
{
  g_return_if_fail (publisher->conference == self);

  if (!publisher->joined)
    {
      /* never reached the main context as a join: nothing to report */
      stop_bridge (publisher);
      stop_recorder (self, publisher);
      return;
    }
  g_message ("session %" G_GINT64_FORMAT ": %s stopped publishing track %s: %s", self->session_id,
             publisher->peer, publisher->track->name, reason);
  stop_bridge (publisher);
  stop_recorder (self, publisher);
  g_warn_if_fail (self->n_live > 0);
  self->n_live = self->n_live > 0 ? self->n_live - 1 : 0;
  emit (self, EB_MEDIA_EVENT_TRACK_STOPPED, at, publisher->track, reason);
  emit (self, EB_MEDIA_EVENT_PARTICIPANT_LEFT, at, publisher->track, reason);
  maybe_finish_close (self);
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

static void
maybe_finish_close (EbConference *self)
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
  maybe_finish_close (self);
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
  maybe_finish_close (self);
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
      track_stop_ts_bridge (track);
      for (guint j = 0; j < track->publishers->len; j++)
        {
          EbPublisher *publisher = g_ptr_array_index (track->publishers, j);
          EbRecorder *recorder;

          stop_bridge (publisher);
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
