/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-service.h>
#include <eboard/eb-conflict.h>

#include "core/eb-validate-private.h"

G_BEGIN_DECLS

typedef struct _EbServiceLive EbServiceLive;

struct _EbService
{
  GObject parent_instance;

  EbStore *store;
  GStrv required_specialties;
  char *public_url;
  char *organizer_email;
  char *uid_domain;
  /* live sessions: media plane, join key, live recordings
   * (eb-service-live.c); created on first use */
  EbServiceLive *live;
};

/* Authorisation: EB_ERROR_FORBIDDEN "role clinician may not @action". */
gboolean eb_service_require_write (const EbPrincipal *who, const char *action, GError **error);
gboolean eb_service_require_admin (const EbPrincipal *who, const char *action, GError **error);
/* Whether @who may read any session (clinicians only see their own). */
gboolean eb_service_reads_all_sessions (const EbPrincipal *who);
/* eb_service_require_write(), then the transaction a change runs in. */
EbTransaction *eb_service_begin_write (EbService *self, const EbPrincipal *who, const char *action,
                                       GError **error);

/* EB_ERROR_STALE "@kind @id changed since version @expected" unless
 * @expected is 0 (no If-Match) or equals @current. */
gboolean eb_service_check_version (const char *kind, EbId id, gint64 current, gint64 expected,
                                   GError **error);

/* The session as @who may see it: EB_ERROR_NOT_FOUND when it does not
 * exist or, for a clinician, when they are not on its roster (the two
 * cases are indistinguishable). */
EbSession *eb_service_load_session (EbService *self, const EbPrincipal *who, EbId id,
                                    GError **error);
/* Whether @who may see session @id: eb_service_load_session() without
 * keeping the session. */
gboolean eb_service_can_read_session (EbService *self, const EbPrincipal *who, EbId id,
                                      GError **error);
/* Returns @found. When %FALSE, @error says EB_ERROR_NOT_FOUND "@kind @id
 * not found" (absent and hidden objects read the same), unless it already
 * holds a store failure other than NOT_FOUND, which is kept. */
gboolean eb_service_check_found (gboolean found, const char *kind, EbId id, GError **error);
/* For lookups where a missing object is a rule violation, not a failure:
 * %TRUE (and @lookup_error cleared) when the lookup failed with
 * NOT_FOUND; any other failure moves to @error and gives %FALSE. */
gboolean eb_service_accept_not_found (GError **lookup_error, GError **error);
/* The person @person_id; EB_ERROR_RULE_VIOLATED `unknown-person` when
 * there is none. */
EbPerson *eb_service_load_known_person (EbService *self, EbId person_id, GError **error);
/* Adds a @rule violation of @field unless site @site_id exists and is
 * active. The detail names the site "@label @site_id", followed by
 * @owner (e.g. " of person 7", or ""). */
gboolean eb_service_check_site_active (EbService *self, EbId site_id, const char *rule,
                                       const char *field, const char *label, const char *owner,
                                       GPtrArray *violations, GError **error);

/* Whether sessions in @state still take roster and agenda changes. */
gboolean eb_service_session_is_open (const EbSession *session, GError **error);
/* eb_service_load_session(), for a session that must still be open. */
EbSession *eb_service_load_open_session (EbService *self, const EbPrincipal *who, EbId id,
                                         GError **error);

/* "2026-03-10T13:00:00Z" (transfer full). */
char *eb_service_format_utc (gint64 instant);

/*
 * Checks the other sessions of @person_id against @session for the
 * roster role @role: chair/presenter against chair/presenter overlaps add
 * `exclusive-role-overlap` to @violations, any other overlap adds
 * `role-overlap` to @warnings (when not %NULL). With @exclusive_only only
 * the person's chair and presenter entries are looked at.
 */
gboolean eb_service_check_overlaps (EbService *self, const EbSession *session, EbId person_id,
                                    EbRosterRole role, gboolean exclusive_only,
                                    GPtrArray *violations, GPtrArray *warnings, GError **error);

gint64 eb_service_now (void);

/* --- live sessions (eb-service-live.c) --- */

/* Installs the "session-event" signal. */
void eb_service_live_class_init (GObjectClass *object_class);
/* Drops the media plane (disconnecting from it) and the live state. */
void eb_service_live_dispose (EbService *self);
/* After a roster change committed: when @session is live, lets the
 * person's encoder in (an entry not declined, a person who may still
 * join) or cuts it off (no entry, declined, or a person who may not). */
void eb_service_live_sync_participant (EbService *self, const EbSession *session, EbId person_id);
/* After a change of a person or a site committed: in every live session,
 * the roster members who are @person_id or whose home site is @site_id
 * (0: neither) are let in again or cut off, as their person and site now
 * allow (an inactive or deleted person, a suspended or withdrawn site:
 * cut off). */
void eb_service_live_sync_people (EbService *self, EbId person_id, EbId site_id);

G_END_DECLS
