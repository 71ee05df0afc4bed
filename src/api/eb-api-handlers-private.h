/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-api-request-private.h"

G_BEGIN_DECLS

/* The handlers of the route table (eb-router.c), one file per resource.
 * Each answers through the eb_api_reply_*() functions. */

/* eb-api-meta.c */
void eb_api_health_get (EbApiRequest *req);
void eb_api_openapi_get (EbApiRequest *req);
void eb_api_specialties_get (EbApiRequest *req);
void eb_api_whoami_get (EbApiRequest *req);

/* eb-api-sites.c */
void eb_api_sites_list (EbApiRequest *req);
void eb_api_sites_create (EbApiRequest *req);
void eb_api_site_get (EbApiRequest *req);
void eb_api_site_update (EbApiRequest *req);
void eb_api_site_delete (EbApiRequest *req);

/* eb-api-people.c */
void eb_api_people_list (EbApiRequest *req);
void eb_api_people_create (EbApiRequest *req);
void eb_api_person_get (EbApiRequest *req);
void eb_api_person_update (EbApiRequest *req);
void eb_api_person_delete (EbApiRequest *req);

/* eb-api-sessions.c */
void eb_api_sessions_list (EbApiRequest *req);
void eb_api_sessions_create (EbApiRequest *req);
void eb_api_session_get (EbApiRequest *req);
void eb_api_session_update (EbApiRequest *req);
void eb_api_session_delete (EbApiRequest *req);
void eb_api_session_schedule (EbApiRequest *req);
void eb_api_session_cancel (EbApiRequest *req);

/* eb-api-occurrences.c */
void eb_api_occurrences_list (EbApiRequest *req);
void eb_api_exception_put (EbApiRequest *req);
void eb_api_exception_delete (EbApiRequest *req);

/* eb-api-roster.c */
void eb_api_roster_list (EbApiRequest *req);
void eb_api_roster_create (EbApiRequest *req);
void eb_api_roster_entry_get (EbApiRequest *req);
void eb_api_roster_entry_update (EbApiRequest *req);
void eb_api_roster_entry_delete (EbApiRequest *req);
void eb_api_roster_entry_revoke_join (EbApiRequest *req);

/* eb-api-agenda.c */
void eb_api_agenda_list (EbApiRequest *req);
void eb_api_agenda_create (EbApiRequest *req);
void eb_api_agenda_order (EbApiRequest *req);
void eb_api_agenda_item_get (EbApiRequest *req);
void eb_api_agenda_item_update (EbApiRequest *req);
void eb_api_agenda_item_delete (EbApiRequest *req);

/* eb-api-quorum.c */
void eb_api_quorum_get (EbApiRequest *req);

/* eb-api-calendar.c */
void eb_api_person_calendar_get (EbApiRequest *req);

/* eb-api-calendar-feeds.c */
void eb_api_calendar_feed_get (EbApiRequest *req);
void eb_api_calendar_feed_create (EbApiRequest *req);
void eb_api_calendar_feed_delete (EbApiRequest *req);
/* A public route: the secret in the path is the only credential. */
void eb_api_calendar_feed_read (EbApiRequest *req);
void eb_api_session_invitation_get (EbApiRequest *req);

/* eb-api-live.c */
void eb_api_session_start (EbApiRequest *req);
/* Answers once every recording is finalised (the message waits paused). */
void eb_api_session_end (EbApiRequest *req);
void eb_api_session_join (EbApiRequest *req);
void eb_api_timeline_list (EbApiRequest *req);
void eb_api_attendance_list (EbApiRequest *req);

/* eb-api-events.c: leaves an accepted WebSocket upgrade without status */
void eb_api_session_events (EbApiRequest *req);

/* eb-api-conference.c (join credential: req->participant) */
void eb_api_conference_get (EbApiRequest *req);
void eb_api_conference_case_set (EbApiRequest *req);

/* eb-api-webrtc.c: WHIP and WHEP, for participants (join credentials);
 * a POST answers once ICE gathering is over (the message waits paused) */
void eb_api_whip_create (EbApiRequest *req);
void eb_api_whip_delete (EbApiRequest *req);
void eb_api_whep_create (EbApiRequest *req);
void eb_api_whep_delete (EbApiRequest *req);

/* eb-api-recordings.c */
void eb_api_recordings_list (EbApiRequest *req);
void eb_api_recording_get (EbApiRequest *req);

/* eb-api-tokens.c */
void eb_api_tokens_list (EbApiRequest *req);
void eb_api_tokens_create (EbApiRequest *req);
void eb_api_token_get (EbApiRequest *req);
void eb_api_token_delete (EbApiRequest *req);

G_END_DECLS
