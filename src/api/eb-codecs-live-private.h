/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <eboard/eb-recording.h>
#include <eboard/eb-service.h>
#include <eboard/eb-session.h>
#include <eboard/eb-timeline.h>

G_BEGIN_DECLS

/*
 * The JSON form of live sessions (docs/API.md, "Live sessions"): join
 * details, timeline events, attendance and recordings. Every function
 * returns a new node (transfer full). Instants of the media plane carry
 * microseconds ("2026-03-03T15:00:00.250000Z"); offsets from the
 * session's live start and durations are whole milliseconds.
 */

/* "2026-03-03T15:00:00.123456Z" (transfer full), or %NULL for 0. */
char *eb_json_format_instant_us (gint64 instant_us);
/* Writes @instant_us under @name, null for 0. */
void eb_json_add_instant_us (JsonBuilder *builder, const char *name, gint64 instant_us);
/* Writes @value under @name, null for %NULL. */
void eb_json_add_nullable_string (JsonBuilder *builder, const char *name, const char *value);

/* {"session_id", "person_id", "credential", "expires_at", "join_url",
 * "srt": {...}, "media": {...}} */
JsonNode *eb_join_details_to_json (const EbJoinDetails *details);

/* {"id", "session_id", "at", "offset_ms", "kind", "person_id", "track",
 * "detail"}: the timeline item, also the WebSocket message. */
JsonNode *eb_timeline_event_to_json (const EbTimelineEvent *event);

/* @spans: (element-type EbAttendanceSpan): a session's spans by join
 * time. (transfer full) (element-type JsonNode): one object per person,
 * by first join: {"person_id", "first_joined_at", "last_left_at",
 * "connected", "present_ms", "spans": [{"joined_at", "left_at",
 * "duration_ms"}]}; @now_us closes open spans for the durations. */
GPtrArray *eb_attendance_by_person (GPtrArray *spans, gint64 now_us);

/* With every track and its segments. */
JsonNode *eb_recording_to_json (const EbRecording *recording);
/* The same, with each track's `segment_count` instead of its segments
 * (the list form). */
JsonNode *eb_recording_summary_to_json (const EbRecording *recording);

/* {"session": {...}, "recording": {...}}: the answer of an end. */
JsonNode *eb_session_end_to_json (const EbSession *session, const EbRecording *recording);

/* --- the conference for the join page (eb-codec-conference.c) --- */

/* {"urls": [...], "username", "credential"} (an RTCIceServer: the last
 * two only for TURN). */
JsonNode *eb_ice_server_to_json (const EbIceServer *server);
/* {"session": {"id", "title", "state", "starts_at", "duration_minutes",
 * "timezone"}, "me", "current_case_id", "agenda", "participants",
 * "whip_url", "whep_url", "events_url", "ice_servers"} */
JsonNode *eb_conference_state_to_json (const EbConferenceState *state);
/* The item of {"agenda_item_id": N}; 0 with EB_ERROR_INVALID (listing the
 * violations) otherwise. */
EbId eb_conference_case_from_json (JsonObject *object, GError **error);

G_END_DECLS
