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

/* Expanding a window never walks more rule occurrences than this: a
 * weekly series reaches it after nineteen centuries. */
#define EB_RECURRENCE_MAX_ITERATIONS 100000

static const char *const frequency_names[] = {
  [EB_RECURRENCE_WEEKLY] = "weekly",
  [EB_RECURRENCE_MONTHLY_BY_WEEKDAY] = "monthly",
};

/**
 * eb_recurrence_frequency_to_string:
 *
 * Returns: (transfer none) (nullable): "weekly" or "monthly", or %NULL
 *   for a value outside the enumeration
 */
const char *
eb_recurrence_frequency_to_string (EbRecurrenceFrequency frequency)
{
  if ((guint)frequency >= G_N_ELEMENTS (frequency_names))
    return NULL;
  return frequency_names[frequency];
}

gboolean
eb_recurrence_frequency_from_string (const char *text, EbRecurrenceFrequency *frequency)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (frequency_names); i++)
    {
      if (strcmp (text, frequency_names[i]) == 0)
        {
          if (frequency != NULL)
            *frequency = (EbRecurrenceFrequency)i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * eb_recurrence_new:
 *
 * Returns: (transfer full): a rule without count or until
 */
EbRecurrence *
eb_recurrence_new (EbRecurrenceFrequency frequency, gint interval)
{
  EbRecurrence *recurrence = g_new0 (EbRecurrence, 1);

  recurrence->frequency = frequency;
  recurrence->interval = interval;
  return recurrence;
}

/**
 * eb_recurrence_copy:
 *
 * Returns: (transfer full): a copy of @recurrence
 */
EbRecurrence *
eb_recurrence_copy (const EbRecurrence *recurrence)
{
  g_return_val_if_fail (recurrence != NULL, NULL);

  return g_memdup2 (recurrence, sizeof *recurrence);
}

void
eb_recurrence_free (EbRecurrence *recurrence)
{
  g_free (recurrence);
}

/**
 * eb_occurrence_exception_new:
 *
 * Returns: (transfer full): a cancelled or moved occurrence
 */
EbOccurrenceException *
eb_occurrence_exception_new (gint64 original_start, gboolean cancelled, gint64 new_start)
{
  EbOccurrenceException *exception = g_new0 (EbOccurrenceException, 1);

  exception->original_start = original_start;
  exception->cancelled = cancelled;
  exception->new_start = cancelled ? 0 : new_start;
  return exception;
}

/**
 * eb_occurrence_exception_copy:
 *
 * Returns: (transfer full): a copy of @exception
 */
EbOccurrenceException *
eb_occurrence_exception_copy (const EbOccurrenceException *exception)
{
  g_return_val_if_fail (exception != NULL, NULL);

  return g_memdup2 (exception, sizeof *exception);
}

void
eb_occurrence_exception_free (EbOccurrenceException *exception)
{
  g_free (exception);
}

/* The libical rule for @recurrence of a series starting at @local (the
 * start's wall-clock time in the series' zone); the weekday (and for
 * monthly rules its ordinal) comes from that local date. */
static gboolean
eb_recurrence_to_ical (const EbRecurrence *recurrence, struct icaltimetype local,
                       struct icalrecurrencetype *rule, GError **error)
{
  gint weekday = icaltime_day_of_week (local); /* 1 = Sunday .. 7 = Saturday */
  gint days_in_month = icaltime_days_in_month (local.month, local.year);

  if (recurrence->interval < 1 || recurrence->interval > 52)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "recurrence interval must be 1 to 52, not %d",
                   recurrence->interval);
      return FALSE;
    }
  if (recurrence->count < 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "recurrence count must not be negative");
      return FALSE;
    }
  if (recurrence->count > 0 && recurrence->until != 0)
    {
      /* RFC 5545 3.3.10: COUNT and UNTIL MUST NOT occur in the same rule. */
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "a recurrence has a count or an until, not both");
      return FALSE;
    }

  icalrecurrencetype_clear (rule);
  rule->interval = (short)recurrence->interval;
  rule->count = recurrence->count;
  if (recurrence->until != 0)
    rule->until = icaltime_from_timet_with_zone ((time_t)recurrence->until, 0,
                                                 icaltimezone_get_utc_timezone ());

  switch (recurrence->frequency)
    {
      case EB_RECURRENCE_WEEKLY:
        if (recurrence->last_weekday)
          {
            g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                         "last_weekday applies to monthly recurrences only");
            return FALSE;
          }
        rule->freq = ICAL_WEEKLY_RECURRENCE;
        rule->by_day[0] = (short)weekday;
        break;

      case EB_RECURRENCE_MONTHLY_BY_WEEKDAY:
        rule->freq = ICAL_MONTHLY_RECURRENCE;
        if (recurrence->last_weekday)
          {
            /* RFC 5545 leaves a DTSTART that the rule does not give
             * undefined: the start must itself be a last weekday. */
            if (local.day + 7 <= days_in_month)
              {
                g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                             "a recurrence on the last weekday of the month must start on "
                             "one (%04d-%02d-%02d is not)",
                             local.year, local.month, local.day);
                return FALSE;
              }
            rule->by_day[0] = (short)-(weekday + 8);
          }
        else
          {
            rule->by_day[0] = (short)(weekday + 8 * ((local.day - 1) / 7 + 1));
          }
        break;

      default:
        g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "unknown recurrence frequency %d",
                     (gint)recurrence->frequency);
        return FALSE;
    }
  return TRUE;
}

/**
 * eb_recurrence_to_rrule:
 * @recurrence: the rule
 * @start: the series' first start, Unix seconds UTC
 * @timezone: the series' IANA zone
 *
 * UNTIL is written in UTC, as RFC 5545 requires with a DTSTART that has a
 * TZID.
 *
 * Returns: (transfer full): the RRULE value, or %NULL with
 *   EB_ERROR_INVALID for a rule or zone this module cannot express
 */
char *
eb_recurrence_to_rrule (const EbRecurrence *recurrence, gint64 start, const char *timezone,
                        GError **error)
{
  icaltimezone *zone;
  struct icalrecurrencetype rule;
  char *text;
  g_autofree char *result = NULL;

  g_return_val_if_fail (recurrence != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  zone = eb_timezone_get (timezone);
  if (zone == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "unknown time zone “%s”",
                   timezone != NULL ? timezone : "");
      return NULL;
    }
  if (recurrence->until != 0 && recurrence->until < start)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "the recurrence ends before the series starts");
      return NULL;
    }
  if (!eb_recurrence_to_ical (recurrence, eb_timezone_local_time (start, zone), &rule, error))
    return NULL;

  text = icalrecurrencetype_as_string_r (&rule);
  if (text == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "libical could not write the rule");
      return NULL;
    }
  result = g_strdup (text);
  icalmemory_free_buffer (text);
  return g_steal_pointer (&result);
}

static gboolean
eb_recurrence_rule_list_is_empty (const short *list)
{
  return list[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

/**
 * eb_recurrence_from_rrule:
 * @rrule: an RRULE value such as "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1TU"
 *
 * Reads the rules eb_recurrence_to_rrule() writes, and nothing else: one
 * FREQ (WEEKLY or MONTHLY), INTERVAL 1..52, COUNT or a UTC UNTIL, one
 * BYDAY (with an ordinal 1..5 or -1 for monthly rules, without for
 * weekly ones), in libical's spelling.
 *
 * Returns: (transfer full): the rule, or %NULL with EB_ERROR_INVALID
 */
EbRecurrence *
eb_recurrence_from_rrule (const char *rrule, GError **error)
{
  struct icalrecurrencetype rule;
  g_autoptr (EbRecurrence) recurrence = NULL;
  char *canonical;
  gboolean same;
  gint position;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (rrule == NULL || *rrule == '\0' || strlen (rrule) > 256)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "an RRULE value is required");
      return NULL;
    }

  icalerror_clear_errno ();
  rule = icalrecurrencetype_from_string (rrule);
  if (rule.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR)
    {
      icalerror_clear_errno ();
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "“%s” is not a valid RRULE", rrule);
      return NULL;
    }

  /* Only the spelling libical writes back is accepted: this refuses
   * lower case, reordered parts, overflowing numbers and parts libical
   * drops silently. */
  canonical = icalrecurrencetype_as_string_r (&rule);
  same = canonical != NULL && strcmp (canonical, rrule) == 0;
  if (canonical != NULL)
    icalmemory_free_buffer (canonical);
  if (!same)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "“%s” is not an RRULE eboard writes", rrule);
      return NULL;
    }

  if (rule.freq != ICAL_WEEKLY_RECURRENCE && rule.freq != ICAL_MONTHLY_RECURRENCE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "only weekly and monthly rules are supported, not “%s”", rrule);
      return NULL;
    }
  if (!eb_recurrence_rule_list_is_empty (rule.by_second)
      || !eb_recurrence_rule_list_is_empty (rule.by_minute)
      || !eb_recurrence_rule_list_is_empty (rule.by_hour)
      || !eb_recurrence_rule_list_is_empty (rule.by_month_day)
      || !eb_recurrence_rule_list_is_empty (rule.by_year_day)
      || !eb_recurrence_rule_list_is_empty (rule.by_week_no)
      || !eb_recurrence_rule_list_is_empty (rule.by_month)
      || !eb_recurrence_rule_list_is_empty (rule.by_set_pos) || rule.rscale != NULL
      || rule.week_start != ICAL_MONDAY_WEEKDAY)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "“%s” has parts eboard does not write",
                   rrule);
      return NULL;
    }
  if (eb_recurrence_rule_list_is_empty (rule.by_day) || rule.by_day[1] != ICAL_RECURRENCE_ARRAY_MAX)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "“%s” must name exactly one BYDAY", rrule);
      return NULL;
    }
  position = icalrecurrencetype_day_position (rule.by_day[0]);
  if (rule.freq == ICAL_WEEKLY_RECURRENCE ? position != 0
                                          : (position != -1 && (position < 1 || position > 5)))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "“%s” has a BYDAY ordinal eboard does not "
                   "write",
                   rrule);
      return NULL;
    }
  if (rule.interval < 1 || rule.interval > 52)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "“%s”: INTERVAL must be 1 to 52", rrule);
      return NULL;
    }
  if (rule.count < 0 || (rule.count > 0 && !icaltime_is_null_time (rule.until)))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "“%s”: bad COUNT", rrule);
      return NULL;
    }
  if (!icaltime_is_null_time (rule.until) && (rule.until.is_date || !icaltime_is_utc (rule.until)))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "“%s”: UNTIL must be a UTC date-time", rrule);
      return NULL;
    }

  recurrence = eb_recurrence_new (
      rule.freq == ICAL_WEEKLY_RECURRENCE ? EB_RECURRENCE_WEEKLY : EB_RECURRENCE_MONTHLY_BY_WEEKDAY,
      rule.interval);
  recurrence->count = rule.count;
  if (!icaltime_is_null_time (rule.until))
    recurrence->until
        = (gint64)icaltime_as_timet_with_zone (rule.until, icaltimezone_get_utc_timezone ());
  recurrence->last_weekday = position == -1;
  return g_steal_pointer (&recurrence);
}

static gint
eb_occurrence_compare (gconstpointer a, gconstpointer b)
{
  const EbOccurrence *x = a;
  const EbOccurrence *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->original_start != y->original_start)
    return x->original_start < y->original_start ? -1 : 1;
  return 0;
}

/* Adds the occurrence the rule gives at @original (after its exception,
 * if any) when it overlaps [@from, @to). */
static void
eb_occurrences_add (GArray *occurrences, GHashTable *exceptions, gint64 original, gint64 duration,
                    gint64 from, gint64 to)
{
  const EbOccurrenceException *exception
      = exceptions != NULL ? g_hash_table_lookup (exceptions, &original) : NULL;
  EbOccurrence occurrence = { 0 };

  if (exception != NULL && exception->cancelled)
    return;
  occurrence.original_start = original;
  occurrence.moved = exception != NULL && exception->new_start != original;
  occurrence.start = exception != NULL ? exception->new_start : original;
  occurrence.end = occurrence.start + duration;
  if (occurrence.start < to && occurrence.end > from)
    g_array_append_val (occurrences, occurrence);
}

GArray *
eb_occurrences_expand (gint64 start, gint duration_minutes, const char *timezone,
                       const EbRecurrence *recurrence, GPtrArray *exceptions, gint64 from,
                       gint64 to, GError **error)
{
  g_autoptr (GArray) occurrences = g_array_new (FALSE, FALSE, sizeof (EbOccurrence));
  g_autoptr (GHashTable) by_original = NULL;
  icaltimezone *zone;
  gint64 duration = (gint64)duration_minutes * 60;
  gint64 last_needed = to;
  struct icalrecurrencetype rule;
  struct icaltimetype dtstart;
  g_autoptr (icalrecur_iterator) iterator = NULL;
  guint iterations = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  zone = eb_timezone_get (timezone);
  if (zone == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "unknown time zone “%s”",
                   timezone != NULL ? timezone : "");
      return NULL;
    }
  if (duration_minutes < 1)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "the duration must be at least a minute");
      return NULL;
    }

  if (exceptions != NULL && exceptions->len > 0)
    {
      by_original = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < exceptions->len; i++)
        {
          EbOccurrenceException *exception = g_ptr_array_index (exceptions, i);

          if (g_hash_table_contains (by_original, &exception->original_start))
            continue;
          g_hash_table_insert (by_original, &exception->original_start, exception);
          /* A moved occurrence can land in the window from a rule
           * occurrence after it, which must then be reached. */
          if (!exception->cancelled && exception->original_start >= last_needed)
            last_needed = exception->original_start == G_MAXINT64 ? G_MAXINT64
                                                                  : exception->original_start + 1;
        }
    }

  if (from >= to)
    return g_steal_pointer (&occurrences);

  if (recurrence == NULL)
    {
      eb_occurrences_add (occurrences, by_original, start, duration, from, to);
      return g_steal_pointer (&occurrences);
    }

  dtstart = eb_timezone_local_time (start, zone);
  if (recurrence->until != 0 && recurrence->until < start)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "the recurrence ends before the series starts");
      return NULL;
    }
  if (!eb_recurrence_to_ical (recurrence, dtstart, &rule, error))
    return NULL;

  iterator = icalrecur_iterator_new (rule, dtstart);
  if (iterator == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "libical could not expand the rule");
      return NULL;
    }

  for (;;)
    {
      struct icaltimetype next = icalrecur_iterator_next (iterator);
      gint64 original;

      if (icaltime_is_null_time (next))
        break;
      original = eb_timezone_instant (next, zone);
      if (recurrence->until != 0 && original > recurrence->until)
        break;
      if (original >= last_needed)
        break;
      if (++iterations > EB_RECURRENCE_MAX_ITERATIONS)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_TOO_LARGE,
                       "expanding the series needs more than %d occurrences",
                       EB_RECURRENCE_MAX_ITERATIONS);
          return NULL;
        }
      eb_occurrences_add (occurrences, by_original, original, duration, from, to);
    }

  g_array_sort (occurrences, eb_occurrence_compare);
  return g_steal_pointer (&occurrences);
}
