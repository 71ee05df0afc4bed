/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <eboard/eb-types.h>

G_BEGIN_DECLS

/* SRT viewers (`m=request` callers) a session takes at once from one
 * person, and in all; beyond, callers are refused (SRT_REJX_OVERLOAD). */
#define EB_MEDIA_MAX_PULLS_PER_PERSON 4
#define EB_MEDIA_MAX_PULLS_PER_SESSION 64

/**
 * EbMediaSettings:
 * @pipelines_dir: folder of `*.pipeline` templates (gst-launch syntax with
 *   `${placeholders}`)
 * @recordings_dir: recordings go to `<recordings_dir>/session-<id>/`
 * @srt_address: the one SRT listener's address, e.g. "127.0.0.1"
 * @srt_port: its port (0: any free port)
 * @segment_seconds: target length of a recording segment
 * @subscriber_queue_bytes: per relay subscriber; beyond it the
 *   subscriber is dropped
 * @credential_key: the key join credentials are signed with
 * @stun_server: (nullable): WebRTC: "stun://host:port"
 * @turn_servers: (nullable): WebRTC: "turn(s)://user:password@host:port",
 *   each
 * @ice_min_port: WebRTC: lowest local UDP port for ICE (0: any)
 * @ice_max_port: WebRTC: highest local UDP port for ICE (0: any)
 * @ice_local_addresses: (nullable): WebRTC: the local addresses ICE
 *   gathers candidates on; when set, only these. libnice skips loopback
 *   and `veth*` interfaces on its own: on one machine give "127.0.0.1"
 * @ice_gathering_timeout_ms: WebRTC: the longest an answer waits for ICE
 *   gathering (0: 3000); it then carries the candidates found so far
 *
 * The media plane: one SRT port for every publisher and viewer of every
 * session, routed by `streamid`, and browsers publishing over WHIP and
 * viewing over WHEP (WebRTC); each live session is a conference whose
 * tracks are recorded without re-encoding and relayed.
 */
typedef struct
{
  const char *pipelines_dir;
  const char *recordings_dir;
  const char *srt_address;
  guint srt_port;
  guint segment_seconds;
  gsize subscriber_queue_bytes;
  const guint8 *credential_key;
  gsize credential_key_length;
  const char *stun_server;
  const char *const *turn_servers;
  guint ice_min_port;
  guint ice_max_port;
  const char *const *ice_local_addresses;
  guint ice_gathering_timeout_ms;
} EbMediaSettings;

typedef enum
{
  EB_MEDIA_EVENT_PARTICIPANT_JOINED,
  EB_MEDIA_EVENT_PARTICIPANT_LEFT,
  EB_MEDIA_EVENT_TRACK_STARTED,
  EB_MEDIA_EVENT_TRACK_STOPPED,
  EB_MEDIA_EVENT_SEGMENT_CLOSED,
  EB_MEDIA_EVENT_INPUT_REFUSED,
  EB_MEDIA_EVENT_RECORDING_FAILED,
  EB_MEDIA_EVENT_SUBSCRIBER_DROPPED,
} EbMediaEventKind;

const char *eb_media_event_kind_to_string (EbMediaEventKind kind);

/**
 * EbMediaEvent:
 * @at: Unix microseconds UTC
 * @person_id: 0 when unknown (e.g. a refused input)
 * @track: (nullable): the track name
 * @detail: (nullable): a human-readable detail (never a credential)
 * @segment_path: (nullable): for segment-closed
 * @segment: (nullable): for segment-closed, the segment as written to the
 *   manifest, with its codecs and picture size (owned by the event:
 *   eb_media_event_copy() copies it and eb_media_event_free() frees it);
 *   when %NULL the service computes the size and checksum from
 *   @segment_path itself
 *
 * What the media plane reports, always on the main context.
 */
typedef struct _EbRecordedSegment EbRecordedSegment;

typedef struct
{
  EbMediaEventKind kind;
  EbId session_id;
  gint64 at;
  EbId person_id;
  char *track;
  char *detail;
  char *segment_path;
  EbRecordedSegment *segment;
} EbMediaEvent;

EbMediaEvent *eb_media_event_copy (const EbMediaEvent *event);
void eb_media_event_free (EbMediaEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbMediaEvent, eb_media_event_free)

/**
 * EbRecordedSegment:
 * @path: file path
 * @start_offset_us: from the session's start
 * @duration_us: its media duration
 * @size: bytes
 * @sha256: lowercase hex
 * @video_codec: (nullable): what this file holds, e.g. "h264"
 * @audio_codec: (nullable): what this file holds, e.g. "aac", "opus"
 * @width: pixels, 0 when unknown
 * @height: pixels, 0 when unknown
 *
 * A track's segments may differ in codecs (a publisher that reconnected
 * with other codecs): each one says what it holds.
 */
struct _EbRecordedSegment
{
  char *path;
  gint64 start_offset_us;
  gint64 duration_us;
  guint64 size;
  char *sha256;
  char *video_codec;
  char *audio_codec;
  gint width;
  gint height;
};

/**
 * EbRecordedTrack:
 * @name: unique within the session, e.g. "p12-srt"
 * @person_id: who published it
 * @video_codec: (nullable): of its first segment with video, e.g. "h264"
 * @audio_codec: (nullable): of its first segment with audio, e.g. "aac",
 *   "opus"
 * @segments: (element-type EbRecordedSegment): each with its own codecs
 */
typedef struct
{
  char *name;
  EbId person_id;
  char *video_codec;
  char *audio_codec;
  gint width;
  gint height;
  GPtrArray *segments;
} EbRecordedTrack;

/**
 * EbRecordingManifest:
 * @interrupted: rebuilt from disk after a crash
 * @tracks: (element-type EbRecordedTrack)
 */
typedef struct
{
  EbId session_id;
  gboolean interrupted;
  GPtrArray *tracks;
} EbRecordingManifest;

void eb_recording_manifest_free (EbRecordingManifest *manifest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRecordingManifest, eb_recording_manifest_free)

#define EB_TYPE_MEDIA_PLANE (eb_media_plane_get_type ())
G_DECLARE_FINAL_TYPE (EbMediaPlane, eb_media_plane, EB, MEDIA_PLANE, GObject)

/* Loads and checks every template (a broken one is an error naming the
 * file and line). Signal "event" (EbMediaEvent *) reports on the main
 * context. */
EbMediaPlane *eb_media_plane_new (const EbMediaSettings *settings, GError **error);
/* Binds the SRT listener. */
gboolean eb_media_plane_start (EbMediaPlane *self, GError **error);
guint eb_media_plane_get_srt_port (EbMediaPlane *self);

/* A live session: @started_at (Unix microseconds) is offset zero. */
gboolean eb_media_plane_open_conference (EbMediaPlane *self, EbId session_id, gint64 started_at,
                                         GError **error);
/* Who may connect (roster members); revoking cuts their connections
 * (SRT and WebRTC). An SRT caller's join credential issued at or before
 * @not_issued_before_us (Unix microseconds; 0: none) is refused like one
 * of a person not allowed: the plane verifies SRT credentials itself,
 * so the caller passes the person's last revocation here (WebRTC
 * credentials are checked by the caller of the WHIP and WHEP calls). */
void eb_media_plane_allow_participant (EbMediaPlane *self, EbId session_id, EbId person_id,
                                       const char *display_name, gboolean is_chair,
                                       gint64 not_issued_before_us);
void eb_media_plane_revoke_participant (EbMediaPlane *self, EbId session_id, EbId person_id);
/* Stops every input, finalises every recording segment (EOS), writes the
 * manifest. */
void eb_media_plane_close_conference_async (EbMediaPlane *self, EbId session_id,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
EbRecordingManifest *eb_media_plane_close_conference_finish (EbMediaPlane *self,
                                                             GAsyncResult *result, GError **error);
/**
 * EbWebrtcAnswer:
 * @resource_id: the connection's unguessable id: the WHIP/WHEP resource
 *   (its Location) to DELETE on leaving
 * @sdp: the SDP answer, with the ICE candidates (no trickle)
 * @session_id: the session
 * @person_id: who connected
 * @tracks: the tracks it carries. A publisher (WHIP): one entry, its
 *   own track (e.g. "p12-webrtc"). A viewer (WHEP): one entry per
 *   m-line of its offer, in order, naming the track that m-line carries
 *   (a browser's, e.g. "p12-webrtc", or a room system's, e.g. "p5-srt":
 *   its audio and video m-lines name the same track), or "" for an
 *   m-line answered inactive (nothing it can decode: nobody else
 *   publishes, or an SRT track's AAC audio, which browsers cannot get
 *   without re-encoding)
 */
typedef struct
{
  char *resource_id;
  char *sdp;
  EbId session_id;
  EbId person_id;
  GStrv tracks;
} EbWebrtcAnswer;

void eb_webrtc_answer_free (EbWebrtcAnswer *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbWebrtcAnswer, eb_webrtc_answer_free)

/* WHIP: @person_id (a participant: see eb_media_plane_allow_participant();
 * the caller has verified their join credential, the request's bearer
 * token, with eb_join_credential_verify()) publishes in the conference
 * of @session_id with the SDP @offer (at most one VP8 or H.264 video and
 * one Opus audio m-line). A new publish by the same person replaces
 * their previous one. Main context. */
void eb_media_plane_whip_publish_async (EbMediaPlane *self, EbId session_id, EbId person_id,
                                        const char *offer, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
EbWebrtcAnswer *eb_media_plane_whip_publish_finish (EbMediaPlane *self, GAsyncResult *result,
                                                    GError **error);
/* WHEP: @person_id views the conference of @session_id: each m-line of
 * the recvonly @offer carries one of the other publishers' streams that
 * it can decode, browsers' (WHIP) and room systems' (SRT: H.264 and Opus
 * repacketised as RTP, never re-encoded) alike. */
void eb_media_plane_whep_view_async (EbMediaPlane *self, EbId session_id, EbId person_id,
                                     const char *offer, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
EbWebrtcAnswer *eb_media_plane_whep_view_finish (EbMediaPlane *self, GAsyncResult *result,
                                                 GError **error);
/* Ends the WHIP or WHEP connection @resource_id of @person_id (0: of
 * anyone) in the conference of @session_id; %EB_ERROR_NOT_FOUND if there
 * is none. */
gboolean eb_media_plane_webrtc_delete (EbMediaPlane *self, EbId session_id, EbId person_id,
                                       const char *resource_id, GError **error);

/* After a crash: the manifest of a session rebuilt from its folder
 * (segments on disk, the append-only manifest), marked interrupted. */
EbRecordingManifest *eb_media_recover_session (const char *recordings_dir, EbId session_id,
                                               GError **error);

G_END_DECLS
