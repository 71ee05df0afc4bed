/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

typedef enum
{
  EB_ROSTER_ROLE_CHAIR,
  EB_ROSTER_ROLE_COORDINATOR,
  EB_ROSTER_ROLE_PRESENTER,
  EB_ROSTER_ROLE_PANELIST,
  EB_ROSTER_ROLE_OBSERVER,
} EbRosterRole;

const char *eb_roster_role_to_string (EbRosterRole role);
gboolean eb_roster_role_from_string (const char *text, EbRosterRole *role);
/* Chairs and presenters may not hold two overlapping sessions; for the
 * other roles an overlap is only a warning. */
gboolean eb_roster_role_is_exclusive (EbRosterRole role);

typedef enum
{
  EB_INVITATION_INVITED,
  EB_INVITATION_ACCEPTED,
  EB_INVITATION_DECLINED,
  EB_INVITATION_TENTATIVE,
} EbInvitationStatus;

const char *eb_invitation_status_to_string (EbInvitationStatus status);
gboolean eb_invitation_status_from_string (const char *text, EbInvitationStatus *status);

/**
 * EbRosterEntry:
 * @joined_at: attendance: first join, or 0
 * @left_at: attendance: last leave, or 0
 *
 * One person invited to one session (a person appears at most once per
 * session).
 */
typedef struct
{
  EbId id;
  EbId session_id;
  EbId person_id;
  EbRosterRole role;
  EbInvitationStatus status;
  gint64 joined_at;
  gint64 left_at;
  gint64 version;
  gint64 created_at;
  gint64 updated_at;
} EbRosterEntry;

EbRosterEntry *eb_roster_entry_new (void);
EbRosterEntry *eb_roster_entry_copy (const EbRosterEntry *entry);
void eb_roster_entry_free (EbRosterEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRosterEntry, eb_roster_entry_free)

G_END_DECLS
