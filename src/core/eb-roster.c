/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-roster.h>

#include "eb-enum-private.h"

static const char *const roster_role_names[] = {
  [EB_ROSTER_ROLE_CHAIR] = "chair",         [EB_ROSTER_ROLE_COORDINATOR] = "coordinator",
  [EB_ROSTER_ROLE_PRESENTER] = "presenter", [EB_ROSTER_ROLE_PANELIST] = "panelist",
  [EB_ROSTER_ROLE_OBSERVER] = "observer",
};

static const char *const invitation_status_names[] = {
  [EB_INVITATION_INVITED] = "invited",
  [EB_INVITATION_ACCEPTED] = "accepted",
  [EB_INVITATION_DECLINED] = "declined",
  [EB_INVITATION_TENTATIVE] = "tentative",
};

/**
 * eb_roster_role_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @role, or %NULL
 *   for a value outside the enumeration
 */
/**
 * eb_roster_role_from_string:
 * @text: (nullable): an API name
 * @role: (out) (optional): the role it names
 *
 * Returns: whether @text names a roster role
 */
EB_DEFINE_ENUM_NAMES (EbRosterRole, eb_roster_role, roster_role_names)

gboolean
eb_roster_role_is_exclusive (EbRosterRole role)
{
  return role == EB_ROSTER_ROLE_CHAIR || role == EB_ROSTER_ROLE_PRESENTER;
}

/**
 * eb_invitation_status_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @status, or %NULL
 *   for a value outside the enumeration
 */
/**
 * eb_invitation_status_from_string:
 * @text: (nullable): an API name
 * @status: (out) (optional): the status it names
 *
 * Returns: whether @text names an invitation status
 */
EB_DEFINE_ENUM_NAMES (EbInvitationStatus, eb_invitation_status, invitation_status_names)

/**
 * eb_roster_entry_new:
 *
 * Returns: (transfer full): an entry with role chair and status invited
 *   (the zero values); set the role explicitly
 */
EbRosterEntry *
eb_roster_entry_new (void)
{
  EbRosterEntry *entry = g_new0 (EbRosterEntry, 1);

  entry->status = EB_INVITATION_INVITED;
  return entry;
}

/**
 * eb_roster_entry_copy:
 *
 * Returns: (transfer full): a copy of @entry
 */
EbRosterEntry *
eb_roster_entry_copy (const EbRosterEntry *entry)
{
  EbRosterEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (EbRosterEntry, 1);
  *copy = *entry;
  return copy;
}

void
eb_roster_entry_free (EbRosterEntry *entry)
{
  g_free (entry);
}
