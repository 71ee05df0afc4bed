/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-recurrence.h>

#include "eb-validate-private.h"

GPtrArray *
eb_violations_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);
}

void
eb_violations_add_invalid_field (GPtrArray *violations, const char *field,
                                 const char *detail_format, ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, detail_format);
  detail = g_strdup_vprintf (detail_format, args);
  va_end (args);
  g_ptr_array_add (violations, eb_violation_new ("invalid-field", field, "%s", detail));
}

gboolean
eb_text_has_controls (const char *text, gboolean allow_line_breaks)
{
  if (text == NULL)
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (allow_line_breaks && (c == '\n' || c == '\t'))
        continue;
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
        return TRUE;
    }
  return FALSE;
}

void
eb_violations_check_controls (GPtrArray *violations, const char *field, const char *value,
                              gboolean allow_line_breaks)
{
  if (value == NULL || !g_utf8_validate (value, -1, NULL)
      || !eb_text_has_controls (value, allow_line_breaks))
    return;
  if (allow_line_breaks)
    eb_violations_add_invalid_field (
        violations, field, "%s must not contain control characters other than line feeds and tabs",
        field);
  else
    eb_violations_add_invalid_field (violations, field, "%s must not contain control characters",
                                     field);
}

/* A @min_chars of 0 makes the text optional: %NULL or blank passes. */
static void
eb_violations_check_text (GPtrArray *violations, const char *field, const char *value,
                          glong min_chars, glong max_chars, gboolean allow_line_breaks)
{
  g_autofree char *trimmed = NULL;

  if (value == NULL && min_chars == 0)
    return;
  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    {
      eb_violations_add_invalid_field (violations, field,
                                       "%s must be UTF-8 text of %ld to %ld characters", field,
                                       min_chars, max_chars);
      return;
    }
  trimmed = g_strstrip (g_strdup (value));
  if ((min_chars > 0 && trimmed[0] == '\0') || g_utf8_strlen (value, -1) > max_chars)
    eb_violations_add_invalid_field (violations, field, "%s must be %ld to %ld characters%s", field,
                                     min_chars, max_chars, min_chars > 0 ? ", not blank" : "");
  else
    eb_violations_check_controls (violations, field, value, allow_line_breaks);
}

void
eb_violations_check_required_text (GPtrArray *violations, const char *field, const char *value,
                                   glong max_chars)
{
  eb_violations_check_text (violations, field, value, 1, max_chars, FALSE);
}

void
eb_violations_check_optional_text (GPtrArray *violations, const char *field, const char *value,
                                   glong max_chars)
{
  eb_violations_check_text (violations, field, value, 0, max_chars, FALSE);
}

void
eb_violations_check_required_long_text (GPtrArray *violations, const char *field, const char *value,
                                        glong max_chars)
{
  eb_violations_check_text (violations, field, value, 1, max_chars, TRUE);
}

void
eb_violations_check_set (GPtrArray *violations, const char *field, gint64 value)
{
  if (value <= 0)
    eb_violations_add_invalid_field (violations, field, "%s must be set", field);
}

void
eb_violations_check_range (GPtrArray *violations, const char *field, gint value, gint min, gint max)
{
  if (value < min || value > max)
    eb_violations_add_invalid_field (violations, field, "%s must be %d to %d", field, min, max);
}

void
eb_violations_check_timezone (GPtrArray *violations, const char *field, const char *timezone)
{
  if (timezone == NULL || !eb_timezone_is_valid (timezone))
    eb_violations_add_invalid_field (violations, field, "%s must be a known IANA time zone", field);
}

void
eb_violations_check_enum (GPtrArray *violations, const char *field, const char *name,
                          const char *expected)
{
  if (name == NULL)
    eb_violations_add_invalid_field (violations, field, "%s is not %s", field, expected);
}

gboolean
eb_violations_check_none (GPtrArray *violations, EbError code, GError **error)
{
  GError *failure;

  if (violations->len == 0)
    return TRUE;
  /* eb_error_new_violations() makes a RULE_VIOLATED error; the caller
   * decides whether these problems are malformed input instead. */
  failure = eb_error_new_violations (violations);
  failure->code = code;
  g_propagate_error (error, failure);
  return FALSE;
}

void
eb_set_invalid_field_error (GError **error, const char *field, const char *detail)
{
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  eb_violations_add_invalid_field (violations, field, "%s", detail);
  eb_violations_check_none (violations, EB_ERROR_INVALID, error);
}
