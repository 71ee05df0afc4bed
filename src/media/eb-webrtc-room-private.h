/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <eboard/eb-media.h>

#include "eb-pipeline-template-private.h"
#include "eb-rtp-forward-private.h"
#include "eb-webrtc-peer-private.h"

G_BEGIN_DECLS

/*
 * EbWebrtcRoom: the WebRTC side of one live conference. It holds the
 * WHIP publishers and WHEP viewers (by resource id), one track per
 * publishing person (`p<person_id>-webrtc`: their video and audio
 * forwarding sources, continued across reconnects), and one recorder
 * per publisher connection. WHEP viewers also receive the room systems'
 * SRT tracks that the conference bridges in (see
 * eb_webrtc_room_add_bridged_track()), and the conference hears of each
 * publication (EbWebrtcRoomPublicationFunc) to bridge it out to SRT. It reports as the SRT side
 * does: participant joined (a person's first WebRTC connection) and left (their last), track
 * started and stopped, segment closed, recording failed, subscriber dropped.
 *
 * Main context only.
 */
typedef struct _EbWebrtcRoom EbWebrtcRoom;

/* Main context: report @event (transfer none). */
typedef void (*EbWebrtcRoomEmitFunc) (const EbMediaEvent *event, gpointer user_data);
/* Main context: whether @person_id may (still) be connected. */
typedef gboolean (*EbWebrtcRoomAllowedFunc) (EbId person_id, gpointer user_data);

/**
 * EbWebrtcPublication:
 * @track: e.g. "p12-webrtc"
 * @video: @audio: the track's forwarding sources (they live as long as
 *   the room)
 * @video_codec: (nullable): "vp8" or "h264"
 * @audio_codec: (nullable): "opus"
 *
 * A person's WebRTC publication as it starts or ends.
 */
typedef struct
{
  const char *track;
  EbId person_id;
  EbRtpSource *video;
  EbRtpSource *audio;
  const char *video_codec;
  const char *audio_codec;
} EbWebrtcPublication;

/* Main context: @publication started (@live: its connection answered,
 * its streams feeding its sources; a newer connection of the person
 * starts again without ending the older first) or ended (its person has
 * no publishing connection any more). */
typedef void (*EbWebrtcRoomPublicationFunc) (const EbWebrtcPublication *publication, gboolean live,
                                             gpointer user_data);

typedef struct
{
  EbId session_id;
  gint64 started_at;
  const char *directory;
  EbPipelineTemplates *templates; /* outlives the room */
  const EbWebrtcIceConfig *ice;
  guint segment_seconds;
  gsize queue_limit;
  EbWebrtcRoomEmitFunc emit;
  EbWebrtcRoomAllowedFunc is_allowed;
  EbWebrtcRoomPublicationFunc publication; /* nullable */
  gpointer user_data;                      /* outlives the room */
} EbWebrtcRoomConfig;

EbWebrtcRoom *eb_webrtc_room_new (const EbWebrtcRoomConfig *config);
EbWebrtcRoom *eb_webrtc_room_ref (EbWebrtcRoom *room);
void eb_webrtc_room_unref (EbWebrtcRoom *room);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbWebrtcRoom, eb_webrtc_room_unref)

/* (transfer full): the track name of @person_id's WebRTC publication */
char *eb_webrtc_track_name (EbId person_id);

/* WHEP viewers may receive track @name of @person_id, a room system's
 * (SRT) publication whose bridge feeds @video and @audio while its
 * publisher is connected. Once per track; later calls do nothing. */
void eb_webrtc_room_add_bridged_track (EbWebrtcRoom *room, const char *name, EbId person_id,
                                       EbRtpSource *video, EbRtpSource *audio);

void eb_webrtc_room_publish_async (EbWebrtcRoom *room, EbId person_id, const char *offer,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
EbWebrtcAnswer *eb_webrtc_room_publish_finish (EbWebrtcRoom *room, GAsyncResult *result,
                                               GError **error);
void eb_webrtc_room_view_async (EbWebrtcRoom *room, EbId person_id, const char *offer,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
EbWebrtcAnswer *eb_webrtc_room_view_finish (EbWebrtcRoom *room, GAsyncResult *result,
                                            GError **error);
/* @person_id 0: whoever's it is. */
gboolean eb_webrtc_room_delete (EbWebrtcRoom *room, EbId person_id, const char *resource_id,
                                GError **error);
/* Closes every connection of @person_id, answered or not yet. */
void eb_webrtc_room_revoke (EbWebrtcRoom *room, EbId person_id);
/* Connections open now (answered and not ended). */
guint eb_webrtc_room_get_n_connections (EbWebrtcRoom *room);

/* Refuses new connections, closes every one, lets each recorder finish
 * its last segment; returns the recorded tracks (element-type
 * EbRecordedTrack), one per track that recorded anything. */
void eb_webrtc_room_close_async (EbWebrtcRoom *room, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *eb_webrtc_room_close_finish (EbWebrtcRoom *room, GAsyncResult *result, GError **error);
/* Closes everything without waiting for the recorders (the plane is
 * going away): what was written stays on disk. */
void eb_webrtc_room_abort (EbWebrtcRoom *room);

G_END_DECLS
