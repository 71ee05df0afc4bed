/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-service-private.h"

G_BEGIN_DECLS

/*
 * What eb-service-live.c shares with the other live use cases (the
 * conference as participants see it, eb-service-conference.c; the
 * recovery and stop of interrupted sessions, eb-service-live-recovery.c;
 * the indexing of the recording, eb-service-live-recording.c).
 * Every call is on the main context.
 */

/* What the service remembers of a session while it is live. */
typedef struct
{
  EbId recording_id;
  gint64 started_at_us;
  /* an end was asked for and the conference is closing */
  gboolean ending;
} EbLiveSession;

struct _EbServiceLive
{
  EbMediaPlane *media;
  gulong event_handler;
  guint8 *join_key;
  gsize join_key_length;
  char *srt_host;
  guint srt_port;
  gint64 credential_lifetime;
  char *recordings_dir;
  /* (element-type EbIceServer): STUN and TURN servers for browsers */
  GPtrArray *ice_servers;
  /* EbId session id -> EbLiveSession */
  GHashTable *sessions;
};

/* (transfer none): the live state of @self, created on first use. */
EbServiceLive *eb_service_live (EbService *self);

/* (transfer none) (nullable): what is remembered of @session_id while it
 * is live here. */
EbLiveSession *eb_service_live_session_lookup (EbService *self, EbId session_id);

/* Forgets @session_id as live here. */
void eb_service_live_session_remove (EbService *self, EbId session_id);

/* (transfer full): a recorded track as the media plane reports it, with
 * the site it came from (@sites maps person ids to site ids); segments
 * are numbered in the order given. */
EbRecordingTrack *eb_service_track_from_recorded (EbService *self, const EbRecordedTrack *recorded,
                                                  GHashTable *sites, GError **error);

/* The home site of @person_id in @site_id, or 0 when the person is gone.
 * @cache (nullable) maps person ids to site ids. */
gboolean eb_service_person_site (EbService *self, EbId person_id, GHashTable *cache, EbId *site_id,
                                 GError **error);

/* Merges the final @manifest into @recording's tracks as indexed while
 * live (eb-service-live-recording.c): nothing already indexed is lost. */
gboolean eb_service_recording_merge_manifest (EbService *self, EbRecording *recording,
                                              const EbRecordingManifest *manifest, GError **error);

/* (nullable): the file of a segment-closed event. */
const char *eb_service_segment_file_of (const EbMediaEvent *event);

/* What a segment-closed event adds to the session's recording (in the
 * current transaction): while it records (@recording_id not 0), the
 * segment as indexed live; once it ended, a late segment.
 * @late_recording: (out): the ended recording a late segment was added
 * to, else 0. */
gboolean eb_service_recording_segment_closed (EbService *self, const EbMediaEvent *event,
                                              EbId recording_id, gint64 started_at_us,
                                              EbId *late_recording, GError **error);

/* Closes the attendance of everyone still connected at @at_us (in the
 * current transaction): their open spans, and their roster entries'
 * left_at. */
gboolean eb_service_close_attendance (EbService *self, EbId session_id, gint64 at_us,
                                      GError **error);

/* Where the live offsets of @session_id count from (its recording's
 * start while live; @fallback_us for a session that never went live). */
gboolean eb_service_live_get_origin (EbService *self, EbId session_id, gint64 fallback_us,
                                     gint64 *started_at_us, GError **error);

/* Stores one timeline event in the current transaction; (transfer full):
 * the event as stored. */
EbTimelineEvent *eb_service_live_add_event (EbService *self, EbId session_id, EbTimelineKind kind,
                                            gint64 at_us, gint64 started_at_us, EbId person_id,
                                            const char *track, const char *detail, GError **error);

/* Emits "session-event" for a stored (and committed) event. */
void eb_service_live_emit_event (EbService *self, const EbTimelineEvent *event);

/* After a revocation of @person_id's join credentials committed: when
 * @session is live, cuts their media connections, then lets them in
 * again (as eb_service_live_sync_participant() does) with only the
 * credentials issued since; event readers are checked again either way. */
void eb_service_live_cut_participant (EbService *self, const EbSession *session, EbId person_id);

/* Emits "access-changed" (see eb-service.h). */
void eb_service_live_access_changed (EbService *self, EbId session_id, EbId person_id);

/* (transfer none) (element-type EbIceServer): the STUN and TURN servers
 * of the live settings. */
GPtrArray *eb_service_live_get_ice_servers (EbService *self);

/* (transfer none) (nullable): the key join credentials are signed with
 * (%NULL when none is configured), @length bytes. */
const guint8 *eb_service_live_get_join_key (EbService *self, gsize *length);

G_END_DECLS
