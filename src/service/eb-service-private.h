/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-service.h>
#include <eboard/eb-conflict.h>

G_BEGIN_DECLS

struct _EbService
{
  GObject parent_instance;

  EbStore *store;
  GStrv required_specialties;
  char *public_url;
  char *organizer_email;
  char *uid_domain;
};

/* Authorisation: EB_ERROR_FORBIDDEN "role clinician may not @action". */
gboolean eb_service_require_write (const EbPrincipal *who, const char *action, GError **error);
gboolean eb_service_require_admin (const EbPrincipal *who, const char *action, GError **error);
/* Whether @who may read any session (clinicians only see their own). */
gboolean eb_service_reads_all_sessions (const EbPrincipal *who);

/* EB_ERROR_STALE "@kind @id changed since version @expected" unless
 * @expected is 0 (no If-Match) or equals @current. */
gboolean eb_service_check_version (const char *kind, EbId id, gint64 current, gint64 expected,
                                   GError **error);

/* The session as @who may see it: EB_ERROR_NOT_FOUND when it does not
 * exist or, for a clinician, when they are not on its roster (the two
 * cases are indistinguishable). */
EbSession *eb_service_load_session (EbService *self, const EbPrincipal *who, EbId id,
                                    GError **error);
/* Replaces a store's NOT_FOUND by "@kind @id not found", so that absent
 * and hidden objects read the same. */
void eb_service_set_not_found (GError **error, const char *kind, EbId id);

/* Whether sessions in @state still take roster and agenda changes. */
gboolean eb_service_session_is_open (const EbSession *session, GError **error);

/* A new array of EbViolation. */
GPtrArray *eb_service_violations_new (void);
/* Sets EB_ERROR_RULE_VIOLATED carrying @violations; returns FALSE. */
gboolean eb_service_fail_violations (GPtrArray *violations, GError **error);

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

G_END_DECLS
