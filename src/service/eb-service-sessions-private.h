/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-service-private.h"

G_BEGIN_DECLS

/**
 * EbScheduleRules:
 * @EB_SCHEDULE_RULE_CHAIR: `schedule-requires-chair`: a chair on the roster
 * @EB_SCHEDULE_RULE_AGENDA: `agenda-exceeds-duration`: the agenda's
 *   minutes within the session's duration
 *
 * The rules a session meets to be scheduled, and keeps meeting while it
 * is scheduled or live.
 */
typedef enum
{
  EB_SCHEDULE_RULE_CHAIR = 1 << 0,
  EB_SCHEDULE_RULE_AGENDA = 1 << 1,
  EB_SCHEDULE_RULES_ALL = EB_SCHEDULE_RULE_CHAIR | EB_SCHEDULE_RULE_AGENDA,
} EbScheduleRules;

/* Adds to @violations the @rules that @session (with its own duration)
 * breaks with the roster and agenda stored now. */
gboolean eb_service_check_schedule_rules (EbService *self, const EbSession *session,
                                          EbScheduleRules rules, GPtrArray *violations,
                                          GError **error);

/* Inside the transaction of a roster or agenda change, after the change
 * is written: when session @session_id is scheduled or live,
 * EB_ERROR_RULE_VIOLATED naming each of @rules it no longer meets (the
 * caller then does not commit). */
gboolean eb_service_keep_schedule_rules (EbService *self, EbId session_id, EbScheduleRules rules,
                                         GError **error);

G_END_DECLS
