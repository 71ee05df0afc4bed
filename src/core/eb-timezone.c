/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-recurrence.h>

#include "eb-timezone-private.h"

/* libical builds the TZID of a system zone as prefix + IANA name; the
 * prefix cannot be empty (an empty one falls back to libical's own), so
 * the zones keep this one internally and every VTIMEZONE we write is
 * renamed to the plain IANA name (see eb_timezone_vtimezone()). */
#define EB_TIMEZONE_TZID_PREFIX "/eboard.invalid/"

#define EB_TIMEZONE_NAME_MAX 64

static GMutex zones_lock;
static GHashTable *zones; /* (element-type utf8 icaltimezone): borrowed from libical */

static void
eb_timezone_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      icaltimezone_set_tzid_prefix (EB_TIMEZONE_TZID_PREFIX);
      zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_once_init_leave (&initialized, 1);
    }
}

/* libical opens "<zoneinfo>/<name>" for a name it does not find in
 * zone.tab, so only plain IANA spellings may reach it: segments of
 * [A-Za-z0-9_+-] separated by single slashes, none of them "." or "..",
 * and not the files in the zoneinfo folder that are not zones of the
 * world. */
static gboolean
eb_timezone_name_is_plausible (const char *name)
{
  static const char *const excluded[] = { "localtime", "posixrules", "Factory" };
  gsize length;
  gboolean segment_start = TRUE;

  if (name == NULL)
    return FALSE;
  length = strlen (name);
  if (length == 0 || length > EB_TIMEZONE_NAME_MAX)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    {
      char c = *p;

      if (c == '/')
        {
          if (segment_start)
            return FALSE;
          segment_start = TRUE;
          continue;
        }
      if (!g_ascii_isalnum (c) && c != '_' && c != '+' && c != '-')
        return FALSE;
      if (segment_start && !g_ascii_isalpha (c))
        return FALSE;
      segment_start = FALSE;
    }
  if (segment_start)
    return FALSE;
  if (g_str_has_prefix (name, "posix/") || g_str_has_prefix (name, "right/"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (excluded); i++)
    if (strcmp (name, excluded[i]) == 0)
      return FALSE;
  return TRUE;
}

icaltimezone *
eb_timezone_get (const char *name)
{
  icaltimezone *zone;

  if (!eb_timezone_name_is_plausible (name))
    return NULL;

  eb_timezone_init ();
  g_mutex_lock (&zones_lock);
  zone = g_hash_table_lookup (zones, name);
  if (zone == NULL)
    {
      zone = icaltimezone_get_builtin_timezone (name);
      /* Only real zones are remembered, so that junk input cannot grow
       * the table. */
      if (zone != NULL)
        g_hash_table_insert (zones, g_strdup (name), zone);
    }
  g_mutex_unlock (&zones_lock);
  return zone;
}

/**
 * eb_timezone_is_valid:
 * @timezone: an IANA zone name such as "America/Chicago"
 *
 * Returns: whether libical finds @timezone in the system zoneinfo; names
 *   with path tricks ("../etc") are refused without looking
 */
gboolean
eb_timezone_is_valid (const char *timezone)
{
  return eb_timezone_get (timezone) != NULL;
}

gboolean
eb_timezone_is_utc (icaltimezone *zone)
{
  return zone == icaltimezone_get_utc_timezone ();
}

struct icaltimetype
eb_timezone_local_time (gint64 instant, icaltimezone *zone)
{
  icaltimezone *utc = icaltimezone_get_utc_timezone ();
  struct icaltimetype time = icaltime_from_timet_with_zone ((time_t)instant, 0, utc);

  /* icaltime_from_timet_with_zone() in libical 3.0 labels the converted
   * time as UTC, which would make a UNTIL comparison use the wrong
   * instant: convert and attach the zone ourselves. */
  icaltimezone_convert_time (&time, utc, zone);
  time.zone = zone;
  return time;
}

struct icaltimetype
eb_timezone_floating_time (gint64 instant, icaltimezone *zone)
{
  struct icaltimetype time = eb_timezone_local_time (instant, zone);

  time.zone = NULL;
  return time;
}

gint64
eb_timezone_instant (struct icaltimetype local, icaltimezone *zone)
{
  return (gint64)icaltime_as_timet_with_zone (local, zone);
}

icalcomponent *
eb_timezone_vtimezone (const char *name, gint64 since, GError **error)
{
  icaltimezone *zone = eb_timezone_get (name);
  icalcomponent *source;
  g_autoptr (icalcomponent) vtimezone = NULL;
  icalproperty *tzid;
  g_autoptr (GDateTime) since_time = NULL;
  struct icaltimetype start = icaltime_null_time ();

  if (zone == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "unknown time zone “%s”",
                   name != NULL ? name : "");
      return NULL;
    }
  if (eb_timezone_is_utc (zone))
    return NULL;

  source = icaltimezone_get_component (zone);
  if (source == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "libical has no VTIMEZONE for “%s”", name);
      return NULL;
    }
  vtimezone = icalcomponent_new_clone (source);

  tzid = icalcomponent_get_first_property (vtimezone, ICAL_TZID_PROPERTY);
  if (tzid != NULL)
    icalproperty_set_tzid (tzid, name);
  else
    icalcomponent_add_property (vtimezone, icalproperty_new_tzid (name));

  /* Keep the rules in force from a year before the first occurrence on:
   * the full history since the 1880s is several kilobytes per zone. */
  since_time = g_date_time_new_from_unix_utc (since);
  if (since_time != NULL)
    {
      gint year = g_date_time_get_year (since_time) - 1;

      if (year > 1900)
        {
          start = icaltime_null_time ();
          start.year = year;
          start.month = 1;
          start.day = 1;
          start.zone = icaltimezone_get_utc_timezone ();
          icaltimezone_truncate_vtimezone (vtimezone, start, icaltime_null_time (), 0);
        }
    }
  return g_steal_pointer (&vtimezone);
}
