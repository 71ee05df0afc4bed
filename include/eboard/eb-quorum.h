/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>
#include <eboard/eb-person.h>
#include <eboard/eb-roster.h>

G_BEGIN_DECLS

/**
 * EbQuorumCoverage:
 * @specialty: a required specialty code
 * @person_ids: (element-type gint64): accepted roster members covering it
 */
typedef struct
{
  char *specialty;
  GArray *person_ids;
} EbQuorumCoverage;

/**
 * EbQuorumReport:
 * @met: every required specialty is covered
 * @covered: (element-type EbQuorumCoverage): covered specialties, in the
 *   order of the required list
 * @missing: NULL-terminated list of required specialties nobody covers
 */
typedef struct
{
  gboolean met;
  GPtrArray *covered;
  GStrv missing;
} EbQuorumReport;

void eb_quorum_report_free (EbQuorumReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbQuorumReport, eb_quorum_report_free)

/**
 * eb_quorum_evaluate:
 * @required: NULL-terminated specialty codes
 * @entries: (element-type EbRosterEntry): the roster
 * @people: (element-type EbPerson): the people the roster names
 *
 * Only roster members whose invitation is accepted count.
 */
EbQuorumReport *eb_quorum_evaluate (const char *const *required, GPtrArray *entries,
                                    GPtrArray *people);

G_END_DECLS
