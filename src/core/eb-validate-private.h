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

/* %TRUE when UTF-8 @text holds a C0 or C1 control character (U+0000 to
 * U+001F, U+007F to U+009F); with @allow_line_breaks, line feeds and tabs
 * do not count. Such characters would reach terminals and logs as escape
 * sequences. */
gboolean eb_text_has_controls (const char *text, gboolean allow_line_breaks);

/* @value must be UTF-8, not blank, at most @max_chars characters and on
 * one line: no control characters at all (names, titles, labels). */
void eb_violations_check_required_text (GPtrArray *violations, const char *field, const char *value,
                                        glong max_chars);
/* @value may be %NULL or blank; otherwise as for required text. */
void eb_violations_check_optional_text (GPtrArray *violations, const char *field, const char *value,
                                        glong max_chars);
/* As required text, but line feeds and tabs are allowed (case summaries,
 * questions); other control characters are not. */
void eb_violations_check_required_long_text (GPtrArray *violations, const char *field,
                                             const char *value, glong max_chars);
/* Adds an `invalid-field` violation when @value (%NULL passes) holds
 * control characters, as eb_text_has_controls() finds them. */
void eb_violations_check_controls (GPtrArray *violations, const char *field, const char *value,
                                   gboolean allow_line_breaks);
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
