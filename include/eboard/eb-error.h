/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EB_ERROR (eb_error_quark ())

/**
 * EbError:
 * @EB_ERROR_FAILED: an internal failure (I/O, database, library)
 * @EB_ERROR_INVALID: the input is malformed or has the wrong type (HTTP 400)
 * @EB_ERROR_NOT_FOUND: the object does not exist (HTTP 404)
 * @EB_ERROR_CONFLICT: the state or a uniqueness constraint forbids it (HTTP 409)
 * @EB_ERROR_STALE: the object changed since the caller read it (HTTP 412)
 * @EB_ERROR_FORBIDDEN: authenticated but not allowed (HTTP 403)
 * @EB_ERROR_UNAUTHENTICATED: no or bad credentials (HTTP 401)
 * @EB_ERROR_RULE_VIOLATED: a business rule is violated (HTTP 422)
 * @EB_ERROR_UNAVAILABLE: the service cannot do it now (HTTP 503)
 * @EB_ERROR_TOO_LARGE: the input is bigger than allowed (HTTP 413)
 *
 * The one error domain of eboard. The API maps each code to an HTTP
 * status in one table (`src/api/eb-problem.c`).
 */
typedef enum
{
  EB_ERROR_FAILED,
  EB_ERROR_INVALID,
  EB_ERROR_NOT_FOUND,
  EB_ERROR_CONFLICT,
  EB_ERROR_STALE,
  EB_ERROR_FORBIDDEN,
  EB_ERROR_UNAUTHENTICATED,
  EB_ERROR_RULE_VIOLATED,
  EB_ERROR_UNAVAILABLE,
  EB_ERROR_TOO_LARGE,
} EbError;

GQuark eb_error_quark (void);

/**
 * EbViolation:
 * @rule: a stable kebab-case rule name, e.g. `schedule-requires-chair`
 * @detail: a human-readable explanation
 * @field: the input field concerned, or %NULL
 * @span_start: for text rules, the offending span's first byte, or -1
 * @span_end: for text rules, one past the offending span's last byte, or -1
 *
 * One violated business rule (or, in a warnings list, one rule that was
 * bent but not broken).
 */
typedef struct
{
  char *rule;
  char *detail;
  char *field;
  gint span_start;
  gint span_end;
} EbViolation;

EbViolation *eb_violation_new (const char *rule, const char *field, const char *detail_format, ...)
    G_GNUC_PRINTF (3, 4);
EbViolation *eb_violation_copy (const EbViolation *violation);
void eb_violation_free (EbViolation *violation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbViolation, eb_violation_free)

/* EB_ERROR is an extended error domain: an error of code
 * EB_ERROR_RULE_VIOLATED carries every violated rule, so that the API can
 * list them all in one 422 answer. */
GError *eb_error_new_violations (GPtrArray *violations);
void eb_error_add_violation (GError *error, EbViolation *violation);
GPtrArray *eb_error_get_violations (const GError *error);

G_END_DECLS
