/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <eboard/eb-store.h>
#include <eboard/eb-quorum.h>
#include <eboard/eb-error.h>
#include <eboard/eb-media.h>
#include <eboard/eb-recording.h>
#include <eboard/eb-timeline.h>

G_BEGIN_DECLS

/**
 * EbServiceSettings:
 * @required_specialties: NULL-terminated quorum specialties (NULL: the
 *   built-in default)
 * @public_url: base URL put into invitations, e.g. "http://127.0.0.1:8080"
 * @organizer_email: organiser of invitations when a session has no
 *   coordinator or chair on its roster
 * @uid_domain: right-hand side of iCalendar UIDs
 */
typedef struct
{
  const char *const *required_specialties;
  const char *public_url;
  const char *organizer_email;
  const char *uid_domain;
} EbServiceSettings;

/*
 * EbService: the use cases. Every call takes the calling principal and
 * authorises it by role (EB_ERROR_FORBIDDEN): admins and coordinators
 * write; clinicians read the directory and the sessions they are on the
 * roster of (other sessions are EB_ERROR_NOT_FOUND to them); reviewers
 * read everything. Token management is for admins. Each call runs in one
 * transaction. Business rules fail with EB_ERROR_RULE_VIOLATED carrying
 * every violated rule (eb_error_get_violations()).
 *
 * Update calls take the desired entity whose @version is the version the
 * caller read (the API's If-Match): EB_ERROR_STALE when it changed.
 */
#define EB_TYPE_SERVICE (eb_service_get_type ())
G_DECLARE_FINAL_TYPE (EbService, eb_service, EB, SERVICE, GObject)

EbService *eb_service_new (EbStore *store, const EbServiceSettings *settings);
EbStore *eb_service_get_store (EbService *self);
/* (transfer none): the quorum specialties in force. */
const char *const *eb_service_get_required_specialties (EbService *self);

/* --- authentication and tokens --- */
/* EB_ERROR_UNAUTHENTICATED for a malformed, unknown, revoked or expired
 * secret, and for the token of a person who no longer exists, is not
 * active or whose home site is suspended or withdrawn. */
gboolean eb_service_authenticate (EbService *self, const char *secret, EbPrincipal *principal,
                                  GError **error);
/* When no token exists yet, creates the bootstrap admin token and returns
 * its secret (transfer full); else returns NULL with no error. */
char *eb_service_bootstrap (EbService *self, GError **error);
/* @secret: (out) (transfer full): the secret, shown once. */
EbToken *eb_service_create_token (EbService *self, const EbPrincipal *who, EbId person_id,
                                  EbRole role, const char *label, gint64 expires_at, char **secret,
                                  GError **error);
GPtrArray *eb_service_list_tokens (EbService *self, const EbPrincipal *who, EbId person_id,
                                   const EbPage *page, guint *total, GError **error);
EbToken *eb_service_get_token (EbService *self, const EbPrincipal *who, EbId id, GError **error);
gboolean eb_service_revoke_token (EbService *self, const EbPrincipal *who, EbId id, GError **error);

/* --- sites --- */
EbSite *eb_service_create_site (EbService *self, const EbPrincipal *who, const EbSite *input,
                                GError **error);
EbSite *eb_service_get_site (EbService *self, const EbPrincipal *who, EbId id, GError **error);
GPtrArray *eb_service_list_sites (EbService *self, const EbPrincipal *who, const EbPage *page,
                                  guint *total, GError **error);
/* Status changes follow the membership life cycle (EB_ERROR_CONFLICT
 * otherwise); the hub stays the one hub. */
EbSite *eb_service_update_site (EbService *self, const EbPrincipal *who, const EbSite *desired,
                                GError **error);
gboolean eb_service_delete_site (EbService *self, const EbPrincipal *who, EbId id,
                                 gint64 expected_version, GError **error);

/* --- people --- */
EbPerson *eb_service_create_person (EbService *self, const EbPrincipal *who, const EbPerson *input,
                                    GError **error);
EbPerson *eb_service_get_person (EbService *self, const EbPrincipal *who, EbId id, GError **error);
GPtrArray *eb_service_list_people (EbService *self, const EbPrincipal *who,
                                   const EbPersonFilter *filter, const EbPage *page, guint *total,
                                   GError **error);
EbPerson *eb_service_update_person (EbService *self, const EbPrincipal *who,
                                    const EbPerson *desired, GError **error);
gboolean eb_service_delete_person (EbService *self, const EbPrincipal *who, EbId id,
                                   gint64 expected_version, GError **error);

/* --- sessions --- */
/* Created in state draft. */
EbSession *eb_service_create_session (EbService *self, const EbPrincipal *who,
                                      const EbSession *input, GError **error);
EbSession *eb_service_get_session (EbService *self, const EbPrincipal *who, EbId id,
                                   GError **error);
GPtrArray *eb_service_list_sessions (EbService *self, const EbPrincipal *who,
                                     const EbSessionFilter *filter, const EbPage *page,
                                     guint *total, GError **error);
/* Only draft and scheduled sessions change; the state is not changed here
 * (see eb_service_transition_session()). Re-checks the roster's chair and
 * presenter conflicts when times change. */
EbSession *eb_service_update_session (EbService *self, const EbPrincipal *who,
                                      const EbSession *desired, GPtrArray **warnings,
                                      GError **error);
/* Draft and cancelled sessions only. */
gboolean eb_service_delete_session (EbService *self, const EbPrincipal *who, EbId id,
                                    gint64 expected_version, GError **error);
/* Moves the state machine: EB_ERROR_CONFLICT for an illegal transition;
 * scheduling checks the rules (a chair on the roster, agenda minutes
 * within the duration). @expected_version 0: no check. */
EbSession *eb_service_transition_session (EbService *self, const EbPrincipal *who, EbId id,
                                          EbSessionState to, gint64 expected_version,
                                          GError **error);
/* Cancels (@new_start 0) or moves one occurrence of a recurring session;
 * @original_start must be an occurrence the rule gives. */
EbSession *eb_service_set_occurrence_exception (EbService *self, const EbPrincipal *who,
                                                EbId session_id, gint64 original_start,
                                                gboolean cancelled, gint64 new_start,
                                                GError **error);
gboolean eb_service_clear_occurrence_exception (EbService *self, const EbPrincipal *who,
                                                EbId session_id, gint64 original_start,
                                                GError **error);
/* (element-type EbOccurrence) */
GArray *eb_service_list_occurrences (EbService *self, const EbPrincipal *who, EbId session_id,
                                     gint64 from, gint64 to, GError **error);

/* --- roster --- */
/* Only active people of active sites; a person once per session; chair
 * and presenter overlaps are violations, panelist and observer overlaps
 * come back in @warnings (element-type EbViolation). */
EbRosterEntry *eb_service_add_roster_entry (EbService *self, const EbPrincipal *who,
                                            const EbRosterEntry *input, GPtrArray **warnings,
                                            GError **error);
EbRosterEntry *eb_service_get_roster_entry (EbService *self, const EbPrincipal *who,
                                            EbId session_id, EbId id, GError **error);
GPtrArray *eb_service_list_roster (EbService *self, const EbPrincipal *who, EbId session_id,
                                   GError **error);
/* Role and invitation status changes (a clinician may change only their
 * own invitation status). */
EbRosterEntry *eb_service_update_roster_entry (EbService *self, const EbPrincipal *who,
                                               const EbRosterEntry *desired, GPtrArray **warnings,
                                               GError **error);
gboolean eb_service_remove_roster_entry (EbService *self, const EbPrincipal *who, EbId session_id,
                                         EbId id, gint64 expected_version, GError **error);

/* --- agenda --- */
/* The presenter must be on the roster as presenter; the presenting site
 * must be active; text passes the de-identification guard. */
EbAgendaItem *eb_service_add_agenda_item (EbService *self, const EbPrincipal *who,
                                          const EbAgendaItem *input, GError **error);
EbAgendaItem *eb_service_get_agenda_item (EbService *self, const EbPrincipal *who, EbId session_id,
                                          EbId id, GError **error);
GPtrArray *eb_service_list_agenda (EbService *self, const EbPrincipal *who, EbId session_id,
                                   GError **error);
EbAgendaItem *eb_service_update_agenda_item (EbService *self, const EbPrincipal *who,
                                             const EbAgendaItem *desired, GError **error);
gboolean eb_service_remove_agenda_item (EbService *self, const EbPrincipal *who, EbId session_id,
                                        EbId id, gint64 expected_version, GError **error);
/* (element-type EbAgendaItem): the agenda in its new order. */
GPtrArray *eb_service_reorder_agenda (EbService *self, const EbPrincipal *who, EbId session_id,
                                      const EbId *ids, guint n_ids, GError **error);

/* --- quorum and calendars --- */
EbQuorumReport *eb_service_quorum (EbService *self, const EbPrincipal *who, EbId session_id,
                                   GError **error);
/* (transfer full): the text/calendar invitation of one session. */
char *eb_service_session_invitation (EbService *self, const EbPrincipal *who, EbId session_id,
                                     GError **error);
/* (transfer full): the person's subscribable feed: every not cancelled
 * session they are on the roster of. Clinicians get only their own. */
char *eb_service_person_calendar (EbService *self, const EbPrincipal *who, EbId person_id,
                                  GError **error);

/* --- secret calendar feed URLs (eb-service-calendar-feed.c) --- */
/* Creates or rotates the person's secret feed URL (the person themself,
 * admins and coordinators); audited. @secret: (out) (transfer full): shown
 * once. @rotated: (out) (optional): an earlier secret stopped working. */
EbCalendarFeed *eb_service_create_calendar_feed (EbService *self, const EbPrincipal *who,
                                                 EbId person_id, char **secret, gboolean *rotated,
                                                 GError **error);
/* Without the secret (the person themself, admins, coordinators,
 * reviewers); EB_ERROR_NOT_FOUND when there is none. */
EbCalendarFeed *eb_service_get_calendar_feed (EbService *self, const EbPrincipal *who,
                                              EbId person_id, GError **error);
/* The person themself, admins and coordinators; audited. */
gboolean eb_service_revoke_calendar_feed (EbService *self, const EbPrincipal *who, EbId person_id,
                                          GError **error);
/* (transfer full): the person's feed for the bearer of @secret alone;
 * EB_ERROR_NOT_FOUND (one message) for a malformed, unknown or revoked
 * secret and while the person's credentials do not work (inactive
 * person, suspended or withdrawn home site). */
char *eb_service_read_calendar_feed (EbService *self, const char *secret, EbId *person_id,
                                     GError **error);

/* --- idempotency (for the API's Idempotency-Key) --- */
EbIdempotentReply *eb_service_idempotency_get (EbService *self, const EbPrincipal *who,
                                               const char *key, GError **error);
gboolean eb_service_idempotency_put (EbService *self, const EbPrincipal *who, const char *key,
                                     const EbIdempotentReply *reply, GError **error);

/* --- live sessions: media, join details, recordings, timeline
 * (eb-service-live.c) --- */

/**
 * EbLiveSettings:
 * @srt_host: the host encoders are told to call (NULL: "127.0.0.1")
 * @srt_port: the port they are told (0: the media plane's bound port)
 * @credential_lifetime: seconds a join credential stays valid (0: 12 h)
 * @recordings_dir: (nullable): where the media plane records; needed to
 *   rebuild the recordings of interrupted sessions
 * @stun_server: (nullable): the STUN server browsers are told to use,
 *   "stun://host:port" (or "stun:host:port")
 * @turn_servers: (nullable) (array zero-terminated=1): the TURN servers
 *   browsers are told to use, each "turn://user:password@host:port" (or
 *   "turns://"; user and password percent-encoded where needed, an
 *   optional "?transport=udp|tcp")
 *
 * The STUN and TURN servers go to browsers as RTCIceServer objects in the
 * conference state (eb_service_get_conference()); an entry that does not
 * parse is left out with a warning.
 */
typedef struct
{
  const char *srt_host;
  guint srt_port;
  gint64 credential_lifetime;
  const char *recordings_dir;
  const char *stun_server;
  const char *const *turn_servers;
} EbLiveSettings;

#define EB_JOIN_CREDENTIAL_DEFAULT_LIFETIME (12 * 60 * 60)

/*
 * Gives the service its media plane (nullable: then sessions still go
 * live and end, with empty recordings) and the join key (nullable: then
 * join details are EB_ERROR_UNAVAILABLE). The service connects to the
 * plane's "event" signal: each media event becomes a timeline event
 * (attendance spans and the roster's joined_at/left_at follow
 * participant-joined/left; segment-closed adds the segment to the
 * session's recording at once), and is re-emitted as the service signal
 * "session-event" (EbTimelineEvent *, boxed EB_TYPE_TIMELINE_EVENT),
 * emitted on the main context for every stored timeline event, also for
 * session-started, session-ended and session-interrupted.
 */
void eb_service_set_media_plane (EbService *self, EbMediaPlane *media, const guint8 *join_key,
                                 gsize join_key_length, const EbLiveSettings *settings);
/* (transfer none) (nullable) */
EbMediaPlane *eb_service_get_media_plane (EbService *self);

/* scheduled -> live (admins and coordinators): opens the conference,
 * allows every roster member whose invitation is not declined (the chair
 * as chair), creates the session's recording (state recording, offset
 * zero now) and the timeline event session-started. EB_ERROR_CONFLICT
 * from any other state; EB_ERROR_UNAVAILABLE when the conference cannot
 * open (nothing is changed then). */
EbSession *eb_service_start_session (EbService *self, const EbPrincipal *who, EbId id,
                                     gint64 expected_version, GError **error);
/* live -> ended (admins and coordinators): closes the conference (every
 * recording segment finalised first), then in one transaction moves the
 * state, closes open attendance spans, registers the recording (state
 * complete; tracks with person, site, offsets, durations, sizes and
 * SHA-256) and adds session-ended. A session nobody published in ends
 * with an empty recording. */
void eb_service_end_session_async (EbService *self, const EbPrincipal *who, EbId id,
                                   gint64 expected_version, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* @recording: (out) (optional) (transfer full): the registered recording */
EbSession *eb_service_end_session_finish (EbService *self, GAsyncResult *result,
                                          EbRecording **recording, GError **error);

/**
 * EbJoinDetails:
 * @credential: the signed, expiring join credential
 * @expires_at: Unix seconds UTC
 * @srt_host: the SRT listener's public host
 * @srt_port: its port
 * @publish_streamid: `#!::r=session/<id>,m=publish,t=<credential>`
 * @passphrase: the session's SRT passphrase (pbkeylen 16)
 * @publish_url: `srt://HOST:PORT?streamid=<urlencoded
 *   publish_streamid>&passphrase=<passphrase>&pbkeylen=16`
 * @pull_streamid_template: `#!::r=session/<id>/track/{track},m=request,t=<credential>`:
 *   replace `{track}` with a track name (e.g. "p12-srt") or "chair"
 * @pull_url_template: the URL of a pull with the same template in its
 *   (urlencoded) streamid: `{track}` appears literally, unencoded
 * @join_url: the personal link of the browser join page,
 *   `<public_url>/join/#session=<id>&credential=<credential>` (the
 *   credential percent-encoded, in the fragment so that no server ever
 *   logs it)
 * @media_note: what does not cross between room systems (SRT) and
 *   browsers (WebRTC) without re-encoding, which the media plane never
 *   does, and how room encoders should be set for browsers to show them
 *
 * What one roster member needs to publish to and pull from a session.
 */
typedef struct
{
  EbId session_id;
  EbId person_id;
  char *credential;
  gint64 expires_at;
  char *srt_host;
  guint srt_port;
  char *publish_streamid;
  char *passphrase;
  char *publish_url;
  char *pull_streamid_template;
  char *pull_url_template;
  char *join_url;
  char *media_note;
} EbJoinDetails;

void eb_join_details_free (EbJoinDetails *details);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbJoinDetails, eb_join_details_free)

/* Only for a roster member, about their own entry (any role, any
 * invitation status but declined): EB_ERROR_FORBIDDEN for an admin,
 * coordinator or reviewer not on the roster (and for a declined member),
 * EB_ERROR_NOT_FOUND for a clinician not on it (as for the session
 * itself); EB_ERROR_CONFLICT when the session is ended, archived or
 * cancelled. Works before the session is live: the credential is checked
 * when the encoder connects, and the conference must be open by then. */
EbJoinDetails *eb_service_get_join_details (EbService *self, const EbPrincipal *who,
                                            EbId session_id, GError **error);

/* Reviewers, admins and coordinators read every recording; clinicians
 * those of sessions they are on the roster of (others are
 * EB_ERROR_NOT_FOUND). Every call is audited in its transaction:
 * "recording.list" (object: the session filter, or none) and
 * "recording.read" (object: the recording), with the caller's token and
 * person. @session_id 0: every recording @who may read. */
GPtrArray *eb_service_list_recordings (EbService *self, const EbPrincipal *who, EbId session_id,
                                       const EbPage *page, guint *total, GError **error);
EbRecording *eb_service_get_recording (EbService *self, const EbPrincipal *who, EbId id,
                                       GError **error);

/* (element-type EbTimelineEvent): for readers of the session, ordered by
 * at_us. */
GPtrArray *eb_service_list_timeline (EbService *self, const EbPrincipal *who, EbId session_id,
                                     const EbPage *page, guint *total, GError **error);
/* (element-type EbAttendanceSpan): for readers of the session. */
GPtrArray *eb_service_list_attendance (EbService *self, const EbPrincipal *who, EbId session_id,
                                       GError **error);

/* At daemon start, before serving: every session still live in the
 * database was interrupted. Each gets session-interrupted on its
 * timeline, its recording rebuilt from the segments on disk (state
 * interrupted), open attendance spans closed, and moves live -> ended.
 * @n_recovered: (out) (optional): how many sessions. */
gboolean eb_service_recover_interrupted (EbService *self, guint *n_recovered, GError **error);

/* When the daemon stops, after the HTTP server stopped serving: closes
 * every live session's conference (each recorder finalises its last
 * segment), then ends each session as interrupted the same way as
 * eb_service_recover_interrupted() (recording registered from the
 * segments on disk, session-interrupted on its timeline, attendance
 * closed), one log line per session. G_IO_ERROR_TIMED_OUT when it takes
 * longer than @timeout_ms (0: closes nothing): the sessions still live
 * are left to the recovery at the next start. */
void eb_service_stop_live_async (EbService *self, guint timeout_ms, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* @n_stopped: (out) (optional): how many sessions ended as interrupted */
gboolean eb_service_stop_live_finish (EbService *self, GAsyncResult *result, guint *n_stopped,
                                      GError **error);

/* --- the conference as participants see it (eb-service-conference.c) --- */

/**
 * EbIceServer:
 * @urls: (array zero-terminated=1): e.g. "stun:stun.example.org:3478",
 *   "turn:turn.example.org:3478?transport=udp"
 * @username: (nullable): the TURN user
 * @credential: (nullable): the TURN password
 *
 * One STUN or TURN server as browsers take it (an RTCIceServer).
 */
typedef struct
{
  GStrv urls;
  char *username;
  char *credential;
} EbIceServer;

EbIceServer *eb_ice_server_copy (const EbIceServer *server);
void eb_ice_server_free (EbIceServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbIceServer, eb_ice_server_free)

/* (transfer full) (nullable): @text ("stun://host:port", "stun:host:port",
 * "turn://user:password@host:port[?transport=udp|tcp]", "turns://...") as
 * an RTCIceServer; EB_ERROR_INVALID naming what is wrong (never the
 * password). */
EbIceServer *eb_ice_server_parse (const char *text, GError **error);

/**
 * EbConferenceMember:
 * @person_id: the person
 * @display_name: their name
 * @site_id: their home site
 * @site_name: (nullable): its name (%NULL when the site is gone)
 * @is_chair: whether they chair the session
 * @present: whether they are connected now (an open attendance span: they
 *   joined by SRT or WebRTC and have not left)
 * @tracks: (array zero-terminated=1): the live tracks they publish now,
 *   e.g. "p12-webrtc", "p12-srt" (empty unless the session is live)
 *
 * One roster member (any invitation status but declined) as the
 * conference shows them.
 */
typedef struct
{
  EbId person_id;
  char *display_name;
  EbId site_id;
  char *site_name;
  gboolean is_chair;
  gboolean present;
  GStrv tracks;
} EbConferenceMember;

void eb_conference_member_free (EbConferenceMember *member);

/**
 * EbConferenceCase:
 * @item: the agenda item (its status says pending, discussing, discussed
 *   or deferred)
 * @presenting_site_name: (nullable): the name of its presenting site
 */
typedef struct
{
  EbAgendaItem *item;
  char *presenting_site_name;
} EbConferenceCase;

void eb_conference_case_free (EbConferenceCase *conference_case);

/**
 * EbConferenceState:
 * @session: the session
 * @me: (transfer none): the participant asking, among @participants
 * @current_case_id: the agenda item being discussed, or 0
 * @agenda: (element-type EbConferenceCase): in agenda order
 * @participants: (element-type EbConferenceMember): the roster (declined
 *   invitations left out), chair first, then by name
 * @ice_servers: (element-type EbIceServer): the STUN and TURN servers of
 *   EbLiveSettings, for browsers
 *
 * What the join page shows of a session.
 */
typedef struct
{
  EbSession *session;
  const EbConferenceMember *me;
  EbId current_case_id;
  GPtrArray *agenda;
  GPtrArray *participants;
  GPtrArray *ice_servers;
} EbConferenceState;

void eb_conference_state_free (EbConferenceState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbConferenceState, eb_conference_state_free)

/*
 * The conference state of session @session_id for the roster member
 * @person_id, the participant a join credential names once
 * eb_service_authenticate_participant() verified it. Any state of the
 * session. EB_ERROR_NOT_FOUND for an unknown session; EB_ERROR_FORBIDDEN
 * when @person_id is not (or no longer) on its roster or declined.
 */
EbConferenceState *eb_service_get_conference (EbService *self, EbId session_id, EbId person_id,
                                              GError **error);

/*
 * The chair (@person_id, as for eb_service_get_conference()) moves the
 * live session to the agenda item @agenda_item_id, in one transaction:
 * the item becomes discussing, the one discussed until then discussed,
 * and the timeline event case-changed (person: the chair; detail: the
 * item's id) is stored, then emitted as "session-event". Moving to the
 * current case changes nothing. EB_ERROR_FORBIDDEN for anyone but the
 * chair, EB_ERROR_CONFLICT when the session is not live,
 * EB_ERROR_NOT_FOUND for an item not on its agenda. Returns the new
 * conference state.
 */
EbConferenceState *eb_service_set_current_case (EbService *self, EbId session_id, EbId person_id,
                                                EbId agenda_item_id, GError **error);

/*
 * The service's signal "access-changed" (gint64 session_id, gint64
 * person_id), on the main context, tells that someone's access to a
 * session may have changed: after a roster entry is added, changed or
 * removed (both ids set), and after a person or a site changes
 * (@session_id 0: any session; @person_id 0: the people of a site).
 * Holders of open connections check them again at once.
 */

/* --- participants (join credentials) (eb-service-participant.c) --- */

/**
 * EbParticipant:
 * @session_id: the session their join credential opens
 * @person_id: who they are
 * @is_chair: whether they chair the session
 *
 * A roster member authenticated by their join credential (browsers on
 * the join page: WHIP, WHEP, the conference state, the events socket).
 */
typedef struct
{
  EbId session_id;
  EbId person_id;
  gboolean is_chair;
} EbParticipant;

/* Verifies @credential (signature, expiry: EB_ERROR_UNAUTHENTICATED) for
 * @session_id: EB_ERROR_NOT_FOUND for an unknown session, EB_ERROR_FORBIDDEN
 * for a credential of another session, a person no longer on the roster
 * (or declined), deactivated, of a suspended/withdrawn site
 * (eb_service_check_person_usable()), or a revoked credential (issued
 * before the last eb_service_revoke_join() of their entry, or before the
 * entry existed); EB_ERROR_UNAVAILABLE without a join key. Errors never
 * repeat the credential; nothing logs it. Works in any session state. */
gboolean eb_service_authenticate_participant (EbService *self, const char *credential,
                                              EbId session_id, EbParticipant *participant,
                                              GError **error);

/* Admins and coordinators (eb-service-roster.c): every join credential
 * issued so far to the member of roster entry @entry_id of @session_id
 * stops working at once, and while the session is live their media
 * connections (SRT, WHIP, WHEP) are cut. Their next join details
 * (eb_service_get_join_details()) carry a credential that works, also
 * for the media plane; the revoked ones never open it again. Audited
 * ("roster.revoke-join"). Any session state. */
gboolean eb_service_revoke_join (EbService *self, const EbPrincipal *who, EbId session_id,
                                 EbId entry_id, GError **error);

/* WHIP: @participant publishes in the conference of their live session
 * (see eb_media_plane_whip_publish_async(); a new publish replaces their
 * previous one). EB_ERROR_CONFLICT when the session is not live (also
 * when it ended while connecting), EB_ERROR_INVALID for a malformed or
 * unusable offer, EB_ERROR_TOO_LARGE, EB_ERROR_FORBIDDEN when the media
 * plane does not let them in, EB_ERROR_UNAVAILABLE while the session is
 * ending, without a media plane or ICE candidate. Main context. */
void eb_service_whip_publish_async (EbService *self, const EbParticipant *participant,
                                    const char *offer, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
EbWebrtcAnswer *eb_service_whip_publish_finish (EbService *self, GAsyncResult *result,
                                                GError **error);
/* WHEP: @participant views the other publishers; errors as for WHIP. */
void eb_service_whep_view_async (EbService *self, const EbParticipant *participant,
                                 const char *offer, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
EbWebrtcAnswer *eb_service_whep_view_finish (EbService *self, GAsyncResult *result, GError **error);
/* Ends the participant's WHIP or WHEP connection @resource_id:
 * EB_ERROR_NOT_FOUND when there is none of theirs, EB_ERROR_CONFLICT when
 * the session is not live. */
gboolean eb_service_webrtc_delete (EbService *self, const EbParticipant *participant,
                                   const char *resource_id, GError **error);

G_END_DECLS
