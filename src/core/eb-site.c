/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-site.h>

#include "eb-enum-private.h"
#include "eb-validate-private.h"

static const char *const site_status_names[] = {
  [EB_SITE_STATUS_APPLICANT] = "applicant", [EB_SITE_STATUS_VETTED] = "vetted",
  [EB_SITE_STATUS_ACTIVE] = "active",       [EB_SITE_STATUS_SUSPENDED] = "suspended",
  [EB_SITE_STATUS_WITHDRAWN] = "withdrawn",
};

/**
 * eb_site_status_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @status, or %NULL
 *   for a value outside the enumeration
 */
/**
 * eb_site_status_from_string:
 * @text: (nullable): an API name
 * @status: (out) (optional): the status it names
 *
 * Returns: whether @text names a site status
 */
EB_DEFINE_ENUM_NAMES (EbSiteStatus, eb_site_status, site_status_names)

/**
 * eb_site_status_can_transition:
 *
 * The membership life cycle: applicant -> vetted -> active <-> suspended,
 * and any site not yet withdrawn may withdraw. Staying in the same status
 * is not a transition.
 */
gboolean
eb_site_status_can_transition (EbSiteStatus from, EbSiteStatus to)
{
  switch (from)
    {
      case EB_SITE_STATUS_APPLICANT:
        return to == EB_SITE_STATUS_VETTED || to == EB_SITE_STATUS_WITHDRAWN;
      case EB_SITE_STATUS_VETTED:
        return to == EB_SITE_STATUS_ACTIVE || to == EB_SITE_STATUS_WITHDRAWN;
      case EB_SITE_STATUS_ACTIVE:
        return to == EB_SITE_STATUS_SUSPENDED || to == EB_SITE_STATUS_WITHDRAWN;
      case EB_SITE_STATUS_SUSPENDED:
        return to == EB_SITE_STATUS_ACTIVE || to == EB_SITE_STATUS_WITHDRAWN;
      case EB_SITE_STATUS_WITHDRAWN:
      default:
        return FALSE;
    }
}

/**
 * eb_site_new:
 *
 * Returns: (transfer full): an applicant site with no fields set
 */
EbSite *
eb_site_new (void)
{
  EbSite *site = g_new0 (EbSite, 1);

  site->status = EB_SITE_STATUS_APPLICANT;
  return site;
}

/**
 * eb_site_copy:
 *
 * Returns: (transfer full): a deep copy of @site
 */
EbSite *
eb_site_copy (const EbSite *site)
{
  EbSite *copy;

  g_return_val_if_fail (site != NULL, NULL);

  copy = g_new0 (EbSite, 1);
  *copy = *site;
  copy->name = g_strdup (site->name);
  copy->code = g_strdup (site->code);
  copy->timezone = g_strdup (site->timezone);
  return copy;
}

void
eb_site_free (EbSite *site)
{
  if (site == NULL)
    return;
  g_free (site->name);
  g_free (site->code);
  g_free (site->timezone);
  g_free (site);
}

static gboolean
eb_site_code_is_valid (const char *code)
{
  gsize len;

  if (code == NULL)
    return FALSE;
  len = strlen (code);
  if (len < 2 || len > 16)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    {
      if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '-')
        return FALSE;
    }
  return TRUE;
}

/**
 * eb_site_validate:
 *
 * Checks the fields a caller sets: the name (1..200 characters, not
 * blank, no control characters), the code (2..16 of `A-Z 0-9 -`), the
 * time zone (a known IANA zone) and the status.
 *
 * Returns: %TRUE when valid; otherwise sets an EB_ERROR_INVALID error that
 *   carries one `invalid-field` violation per problem
 */
gboolean
eb_site_validate (const EbSite *site, GError **error)
{
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (site != NULL, FALSE);

  eb_violations_check_required_text (violations, "name", site->name, 200);
  if (!eb_site_code_is_valid (site->code))
    eb_violations_add_invalid_field (violations, "code",
                                     "code must be 2 to 16 characters of A-Z, 0-9 and -");
  eb_violations_check_timezone (violations, "timezone", site->timezone);
  eb_violations_check_enum (violations, "status", eb_site_status_to_string (site->status),
                            "a site status");
  return eb_violations_check_none (violations, EB_ERROR_INVALID, error);
}
