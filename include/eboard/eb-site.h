/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

/* Membership life cycle: applicant -> vetted -> active <-> suspended ->
 * withdrawn (see eb_site_status_can_transition()). */
typedef enum
{
  EB_SITE_STATUS_APPLICANT,
  EB_SITE_STATUS_VETTED,
  EB_SITE_STATUS_ACTIVE,
  EB_SITE_STATUS_SUSPENDED,
  EB_SITE_STATUS_WITHDRAWN,
} EbSiteStatus;

const char *eb_site_status_to_string (EbSiteStatus status);
gboolean eb_site_status_from_string (const char *text, EbSiteStatus *status);
gboolean eb_site_status_can_transition (EbSiteStatus from, EbSiteStatus to);

/**
 * EbSite:
 * @code: unique short code, 2..16 of [A-Z0-9-]
 * @timezone: IANA time zone name
 * @is_hub: exactly one site of the network is the hub
 * @version: incremented by every update; the API's ETag
 */
typedef struct
{
  EbId id;
  char *name;
  char *code;
  char *timezone;
  EbSiteStatus status;
  gboolean is_hub;
  gint64 version;
  gint64 created_at;
  gint64 updated_at;
} EbSite;

EbSite *eb_site_new (void);
EbSite *eb_site_copy (const EbSite *site);
void eb_site_free (EbSite *site);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbSite, eb_site_free)

/* Checks the fields (name, code format, known time zone); collects every
 * problem as an EB_ERROR_INVALID error with violations. */
gboolean eb_site_validate (const EbSite *site, GError **error);

G_END_DECLS
