/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-private.h"

gboolean
eb_ctl_parse_id (const char *text, const char *what, gint64 *id, GError **error)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      eb_ctl_usage_error (error, "%s '%s' is not an id (a positive whole number)", what,
                          text != NULL ? text : "");
      return FALSE;
    }
  *id = (gint64)value;
  return TRUE;
}

static GTimeZone *
zone_for (const char *tzid)
{
  if (tzid == NULL)
    return g_time_zone_new_local ();
  return g_time_zone_new_identifier (tzid);
}

GDateTime *
eb_ctl_parse_time (const char *text, const char *tzid, gboolean end_of_day, const char *what,
                   GError **error)
{
  g_autoptr (GRegex) regex = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GTimeZone) zone = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *hour = NULL;
  g_autofree char *minute = NULL;
  g_autofree char *second = NULL;
  gint year, month, day, h = 0, m = 0;
  gdouble s = 0;
  GDateTime *time;

  regex = g_regex_new ("^(\\d{4})-(\\d{2})-(\\d{2})"
                       "(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2}(?:\\.\\d+)?))?)?"
                       "(Z|z|[+-]\\d{2}:?\\d{2})?$",
                       G_REGEX_OPTIMIZE, 0, NULL);
  if (!g_regex_match (regex, text, 0, &match))
    {
      eb_ctl_usage_error (error,
                          "%s '%s' is not a date or time (use 2026-03-03T09:00, local to the "
                          "time zone, or RFC 3339 with an offset)",
                          what, text);
      return NULL;
    }
  {
    g_autofree char *y = g_match_info_fetch (match, 1);
    g_autofree char *mo = g_match_info_fetch (match, 2);
    g_autofree char *d = g_match_info_fetch (match, 3);

    year = atoi (y);
    month = atoi (mo);
    day = atoi (d);
  }
  hour = g_match_info_fetch (match, 4);
  minute = g_match_info_fetch (match, 5);
  second = g_match_info_fetch (match, 6);
  offset = g_match_info_fetch (match, 7);

  if (hour != NULL && *hour != '\0')
    {
      h = atoi (hour);
      m = atoi (minute);
      if (second != NULL && *second != '\0')
        s = g_ascii_strtod (second, NULL);
    }
  else if (end_of_day)
    {
      h = 23;
      m = 59;
      s = 59;
    }

  if (offset != NULL && *offset != '\0')
    zone = g_ascii_strcasecmp (offset, "Z") == 0 ? g_time_zone_new_utc ()
                                                 : g_time_zone_new_identifier (offset);
  else
    zone = zone_for (tzid);
  if (zone == NULL)
    {
      eb_ctl_usage_error (error, "'%s' is not a known time zone",
                          offset != NULL && *offset != '\0' ? offset : tzid);
      return NULL;
    }
  time = g_date_time_new (zone, year, month, day, h, m, s);
  if (time == NULL)
    {
      eb_ctl_usage_error (error, "%s '%s' is not a valid date or time", what, text);
      return NULL;
    }
  return time;
}

char *
eb_ctl_format_utc (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

char *
eb_ctl_idempotency_key (const char *given)
{
  if (given != NULL)
    return g_strdup (given);
  return g_uuid_string_random ();
}

gboolean
eb_ctl_require (const char *value, const char *option, GError **error)
{
  if (value != NULL)
    return TRUE;
  eb_ctl_usage_error (error, "missing --%s", option);
  return FALSE;
}

void
eb_ctl_add_string (JsonBuilder *builder, const char *member, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

void
eb_ctl_add_int (JsonBuilder *builder, const char *member, gint64 value)
{
  if (value == G_MININT)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

/* Adds an id given as text (an option's value); a bad id is a usage
 * error reported once through @ok and @error. */
void
eb_ctl_add_id (JsonBuilder *builder, const char *member, const char *text, const char *option,
               gboolean *ok, GError **error)
{
  g_autofree char *what = NULL;
  gint64 id;

  if (text == NULL || !*ok)
    return;
  what = g_strdup_printf ("--%s", option);
  if (!eb_ctl_parse_id (text, what, &id, error))
    {
      *ok = FALSE;
      return;
    }
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, id);
}

void
eb_ctl_add_bool (JsonBuilder *builder, const char *member, gboolean value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}
