/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <eboard/eb-error.h>

G_BEGIN_DECLS

#define EB_PROBLEM_TYPE_BASE "https://eboard.invalid/problems/"
#define EB_PROBLEM_CONTENT_TYPE "application/problem+json"
/* RFC 9110: the route needs another protocol (a WebSocket). */
#define EB_STATUS_UPGRADE_REQUIRED 426

/* The HTTP status of an error: the one table from EbError codes to
 * statuses. Errors of other domains are internal failures (500). */
guint eb_problem_status_for_error (const GError *error);

/*
 * An RFC 9457 problem details object:
 * {"type", "title", "status", "detail", "violations"?}; `type` and `title`
 * follow from @status. @violations (element-type EbViolation) (nullable)
 * appear only when not empty.
 */
JsonNode *eb_problem_new (guint status, const char *detail, GPtrArray *violations);

/* The problem for @error; internal failures get a generic detail (the
 * real message goes to the log). */
JsonNode *eb_problem_from_error (const GError *error);

G_END_DECLS
