/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-error.h>

G_BEGIN_DECLS

/*
 * Validation collects every problem of a record as an EbViolation before
 * it answers, so that a caller learns all of them at once. The checks
 * below append `invalid-field` violations; eb_violations_check_none()
 * turns what was collected into one error.
 */

/* A new, empty array of EbViolation (transfer full). */
GPtrArray *eb_violations_new (void);

/* Appends an `invalid-field` violation of @field. */
void eb_violations_add_invalid_field (GPtrArray *violations, const char *field,
                                      const char *detail_format, ...) G_GNUC_PRINTF (3, 4);

/* @value must be UTF-8, not blank and at most @max_chars characters. */
void eb_violations_check_required_text (GPtrArray *violations, const char *field, const char *value,
                                        glong max_chars);
/* @value may be %NULL or blank; otherwise as for required text. */
void eb_violations_check_optional_text (GPtrArray *violations, const char *field, const char *value,
                                        glong max_chars);
/* An id or instant must be set (positive). */
void eb_violations_check_set (GPtrArray *violations, const char *field, gint64 value);
/* @value must lie in @min..@max. */
void eb_violations_check_range (GPtrArray *violations, const char *field, gint value, gint min,
                                gint max);
/* @timezone must be a known IANA zone. */
void eb_violations_check_timezone (GPtrArray *violations, const char *field, const char *timezone);
/* @name is what an enumeration's to_string function gave for the value
 * of @field, %NULL for a value outside it; @expected names the
 * enumeration with its article ("a site status"). */
void eb_violations_check_enum (GPtrArray *violations, const char *field, const char *name,
                               const char *expected);

/* Sets an EB_ERROR_INVALID error carrying one `invalid-field` violation
 * of @field, for input refused on its own. */
void eb_set_invalid_field_error (GError **error, const char *field, const char *detail);

/* %TRUE when @violations is empty; otherwise sets an error of @code that
 * carries every violation and returns %FALSE. */
gboolean eb_violations_check_none (GPtrArray *violations, EbError code, GError **error);

G_END_DECLS
