/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * The conference's structs and what its files share:
 * - eb-conference.c: the conference, its participants and SRT viewers,
 *   its WebRTC room, and closing it
 * - eb-conference-tracks.c: tracks, and a browser's track muxed for its
 *   SRT viewers
 * - eb-conference-recording.c: publisher connections, their recorders
 *   and their bridges to browsers (main context)
 */

#include "eb-bridge-rtp-private.h"
#include "eb-bridge-ts-private.h"
#include "eb-conference-private.h"
#include "eb-recorder-private.h"

G_BEGIN_DECLS

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

/* eb-conference.c */
void eb_conference_free_on_context (GMainContext *context, GThread *thread, GSourceFunc free_func,
                                    gpointer data);
void eb_conference_maybe_finish_close (EbConference *self);

/* eb-conference-tracks.c */
EbTrack *eb_track_new (EbConference *conference, char *name, EbId person_id, EbRtpSource *video,
                       EbRtpSource *audio);
void eb_track_stop_ts_bridge (EbTrack *track);
void eb_conference_start_ts_bridge (EbConference *self, EbTrack *track,
                                    const EbWebrtcPublication *publication);

/* eb-conference-recording.c */
void eb_publisher_stop_bridge (EbPublisher *publisher);

G_END_DECLS
