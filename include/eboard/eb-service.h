/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <eboard/eb-store.h>
#include <eboard/eb-quorum.h>
#include <eboard/eb-error.h>

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
/* EB_ERROR_UNAUTHENTICATED for an unknown, revoked or expired secret. */
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

/* --- idempotency (for the API's Idempotency-Key) --- */
EbIdempotentReply *eb_service_idempotency_get (EbService *self, const EbPrincipal *who,
                                               const char *key, GError **error);
gboolean eb_service_idempotency_put (EbService *self, const EbPrincipal *who, const char *key,
                                     const EbIdempotentReply *reply, GError **error);

G_END_DECLS
