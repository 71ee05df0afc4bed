/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <eboard/eb-media.h>

#include "eb-pipeline-template-private.h"
#include "eb-relay-private.h"
#include "eb-webrtc-peer-private.h"
#include "eb-webrtc-room-private.h"

G_BEGIN_DECLS

/*
 * EbConference: one live session in the media plane. It knows who may
 * connect, holds the session's tracks (one per publishing person,
 * `p<person_id>-srt`, continued across reconnects) with their relays,
 * and runs one recorder per publisher connection.
 *
 * Its WebRTC side (WHIP publishers, WHEP viewers, their tracks
 * `p<person_id>-webrtc` and recorders) is an EbWebrtcRoom: closing the
 * conference closes it too, and its recorded tracks join the manifest.
 *
 * The two sides see each other where the codecs allow, without
 * re-encoding: each SRT publisher connection's H.264 and Opus are
 * repacketised as RTP for WHEP viewers (an EbRtpBridge per connection,
 * feeding the SRT track's forwarding sources, which the room offers like
 * a browser's; AAC is not bridged), and each browser publication's H.264
 * and Opus are muxed into MPEG-TS for SRT pulls of its track (an
 * EbTsBridge per publication, feeding the relay of a track
 * `p<person_id>-webrtc` in the conference's track table; a publication
 * with VP8 video is not pullable).
 *
 * Threads: the participant list and the track table are guarded by the
 * conference's lock (the SRT listener callback reads them); a track's
 * relay belongs to the SRT network thread; recorders and the WebRTC
 * room are created, stopped and reported on the main context.
 */
typedef struct _EbConference EbConference;
typedef struct _EbTrack EbTrack;
typedef struct _EbPublisher EbPublisher;

/* Main context: report @event (transfer none). */
typedef void (*EbConferenceEmitFunc) (const EbMediaEvent *event, gpointer user_data);
/* Main context: the recorder refused @publisher's stream: close its
 * connection. */
typedef void (*EbConferenceCloseInputFunc) (EbPublisher *publisher, gpointer user_data);
/* Work for the SRT network thread (the thread the relays belong to). */
typedef void (*EbConferenceNetworkFunc) (gpointer data);
/* Any thread: runs @func (@data) on the SRT network thread soon, then
 * @destroy (@data); when there is no network thread (the listener is
 * not started, or is stopping) returns %FALSE and runs neither. */
typedef gboolean (*EbConferenceInvokeFunc) (EbConferenceNetworkFunc func, gpointer data,
                                            GDestroyNotify destroy, gpointer user_data);

typedef struct
{
  EbPipelineTemplates *templates; /* outlives the conference */
  guint segment_seconds;
  gsize subscriber_queue_bytes;
  const EbRelayCallbacks *relay_callbacks;
  gpointer relay_user_data;
  EbConferenceEmitFunc emit;
  EbConferenceCloseInputFunc close_input;
  EbConferenceInvokeFunc invoke_network; /* nullable: nothing is relayed from browsers */
  gpointer user_data;
  GDestroyNotify user_data_destroy; /* (nullable): when the conference is freed */
  const EbWebrtcIceConfig *ice;     /* copied */
  GMainContext *context;            /* (nullable): the thread default's */
} EbConferenceConfig;

EbConference *eb_conference_new (EbId session_id, gint64 started_at, const char *directory,
                                 const EbConferenceConfig *config);
EbConference *eb_conference_ref (EbConference *self);
void eb_conference_unref (EbConference *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbConference, eb_conference_unref)

/* Conferences not yet freed (thread-safe): the last reference to a
 * conference or a track may drop on the SRT network thread; it is then
 * freed on the conference's main context. */
guint eb_conference_get_n_alive (void);

EbId eb_conference_get_session_id (EbConference *self);
const char *eb_conference_get_directory (EbConference *self);

/* (transfer none): main context */
EbWebrtcRoom *eb_conference_get_webrtc_room (EbConference *self);

/* Thread-safe. */
gboolean eb_conference_is_open (EbConference *self);
void eb_conference_allow_participant (EbConference *self, EbId person_id, const char *display_name,
                                      gboolean is_chair);
void eb_conference_revoke_participant (EbConference *self, EbId person_id);
gboolean eb_conference_is_allowed (EbConference *self, EbId person_id);
/* Thread-safe: counts an SRT viewer of @person_id, unless the person or
 * the session already has its most (EB_MEDIA_MAX_PULLS_PER_*). */
gboolean eb_conference_add_viewer (EbConference *self, EbId person_id);
void eb_conference_remove_viewer (EbConference *self, EbId person_id);
/* (transfer full) (nullable): the track named @name ("chair": the track
 * of the participant marked chair, their SRT one if they ever published
 * over SRT, else their WebRTC one), if it was ever published. A WebRTC
 * track is found once its publisher's connection is answered. */
EbTrack *eb_conference_find_track (EbConference *self, const char *name);
/* (transfer full): @person_id's track, created on first use */
EbTrack *eb_conference_ensure_track (EbConference *self, EbId person_id);

/* (transfer full): the track name of @person_id's SRT publication */
char *eb_conference_track_name (EbId person_id);

EbTrack *eb_track_ref (EbTrack *track);
void eb_track_unref (EbTrack *track);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbTrack, eb_track_unref)
const char *eb_track_get_name (EbTrack *track);
EbId eb_track_get_person_id (EbTrack *track);
/* (transfer none): network thread only */
EbRelay *eb_track_get_relay (EbTrack *track);
/* Thread-safe: (transfer full) (nullable): why the track cannot be
 * pulled over SRT now (a browser's VP8 video, which MPEG-TS cannot
 * carry), or %NULL when it can. */
char *eb_track_dup_pull_refusal (EbTrack *track);
/* Thread-safe: an SRT viewer starts pulling: a browser's track asks its
 * publisher for a keyframe, where the viewer's picture can start (an SRT
 * encoder cannot be asked: nothing happens). */
void eb_track_request_keyframe (EbTrack *track);

/* One publisher connection feeding a track: created on the network
 * thread when the connection is accepted, handed to the main context. */
EbPublisher *eb_publisher_new (EbConference *conference, EbTrack *track, const char *peer);
EbPublisher *eb_publisher_ref (EbPublisher *publisher);
void eb_publisher_unref (EbPublisher *publisher);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbPublisher, eb_publisher_unref)
EbTrack *eb_publisher_get_track (EbPublisher *publisher);
EbConference *eb_publisher_get_conference (EbPublisher *publisher);
/* Thread-safe: the bytes go to the connection's recorder (held until it
 * has started). */
void eb_publisher_push (EbPublisher *publisher, const guint8 *data, gsize length);

/* Main context. */
void eb_conference_publisher_joined (EbConference *self, EbPublisher *publisher, gint64 at);
void eb_conference_publisher_left (EbConference *self, EbPublisher *publisher, const char *reason,
                                   gint64 at);
/* Refuses new callers; once every publisher has left, stops what is
 * still recording and returns the manifest of the session. */
void eb_conference_close_async (EbConference *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
EbRecordingManifest *eb_conference_close_finish (EbConference *self, GAsyncResult *result,
                                                 GError **error);
/* Refuses new callers (thread-safe). */
void eb_conference_set_closed (EbConference *self);
/* Drops every recorder without waiting (the plane is going away): what
 * was written stays on disk. */
void eb_conference_abort (EbConference *self);

G_END_DECLS
