/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-roster.h>

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
const char *
eb_roster_role_to_string (EbRosterRole role)
{
  if ((guint)role >= G_N_ELEMENTS (roster_role_names))
    return NULL;
  return roster_role_names[role];
}

gboolean
eb_roster_role_from_string (const char *text, EbRosterRole *role)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (roster_role_names); i++)
    {
      if (g_strcmp0 (text, roster_role_names[i]) == 0)
        {
          if (role != NULL)
            *role = (EbRosterRole)i;
          return TRUE;
        }
    }
  return FALSE;
}

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
const char *
eb_invitation_status_to_string (EbInvitationStatus status)
{
  if ((guint)status >= G_N_ELEMENTS (invitation_status_names))
    return NULL;
  return invitation_status_names[status];
}

gboolean
eb_invitation_status_from_string (const char *text, EbInvitationStatus *status)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (invitation_status_names); i++)
    {
      if (g_strcmp0 (text, invitation_status_names[i]) == 0)
        {
          if (status != NULL)
            *status = (EbInvitationStatus)i;
          return TRUE;
        }
    }
  return FALSE;
}

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
