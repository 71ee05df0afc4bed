/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-recurrence.h>

#include "eb-enum-private.h"
#include "eb-timezone-private.h"

/* Expanding a window never walks more rule occurrences than this
 * (about two centuries of a weekly series): a larger window is refused. */
#define EB_RECURRENCE_MAX_ITERATIONS 10000

/* libical 3.0 computes weekdays and Unix times wrongly before 1902 and
 * its iterator stops at the end of 2582: a series starts in the years
 * between 1970 and 2500. */
#define EB_RECURRENCE_FIRST_YEAR 1970
#define EB_RECURRENCE_LAST_YEAR 2500
#define EB_RECURRENCE_ITERATOR_END G_GINT64_CONSTANT (19344441600) /* 2583-01-01T00:00:00Z */

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
/**
 * eb_recurrence_frequency_from_string:
 * @text: (nullable): "weekly" or "monthly"
 * @frequency: (out) (optional): the frequency it names
 *
 * Returns: whether @text names a frequency
 */
EB_DEFINE_ENUM_NAMES (EbRecurrenceFrequency, eb_recurrence_frequency, frequency_names)

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

  if (local.year < EB_RECURRENCE_FIRST_YEAR || local.year > EB_RECURRENCE_LAST_YEAR)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "a recurring series must start between %d and %d, not in %d",
                   EB_RECURRENCE_FIRST_YEAR, EB_RECURRENCE_LAST_YEAR, local.year);
      return FALSE;
    }
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

static gint64
eb_saturating_add (gint64 a, gint64 b)
{
  if (b > 0 && a > G_MAXINT64 - b)
    return G_MAXINT64;
  if (b < 0 && a < G_MININT64 - b)
    return G_MININT64;
  return a + b;
}

/* Days from the epoch to the date of @time, in libical's own calendar
 * arithmetic (the one its iterator and icaltime_adjust() use). */
static gint64
eb_day_number (const struct icaltimetype *time)
{
  struct icaltimetype date = icaltime_null_time ();

  date.year = time->year;
  date.month = time->month;
  date.day = time->day;
  return (gint64)icaltime_as_timet (date) / (24 * 60 * 60);
}

/* The day of the month of the @ordinal-th (1..5, or -1 for the last)
 * @weekday (1 = Sunday) in @month of @year, or 0 when there is none. */
static gint
eb_month_weekday (gint year, gint month, gint weekday, gint ordinal)
{
  struct icaltimetype first = icaltime_null_date ();
  gint days = icaltime_days_in_month (month, year);
  gint first_weekday;
  gint day;

  first.year = year;
  first.month = month;
  first.day = 1;
  first_weekday = icaltime_day_of_week (first);
  if (ordinal < 0)
    {
      gint last_weekday = (first_weekday - 1 + days - 1) % 7 + 1;

      return days - (last_weekday - weekday + 7) % 7;
    }
  day = 1 + (weekday - first_weekday + 7) % 7 + 7 * (ordinal - 1);
  return day <= days ? day : 0;
}

/* libical walks a rule from its DTSTART one occurrence at a time (a few
 * microseconds each), so a window years after the start of a long-running
 * series would cost thousands of steps. The occurrences of these rules
 * repeat with a fixed period (7 x interval days, or interval months on
 * the same weekday ordinal), so the series is re-anchored at an
 * occurrence a whole number of periods later, shortly before @needed;
 * libical then produces every occurrence from there. With COUNT this is
 * only done when each period holds exactly one occurrence, and the count
 * is reduced by the periods skipped. */
static void
eb_recurrence_skip_ahead (const EbRecurrence *recurrence, struct icalrecurrencetype *rule,
                          struct icaltimetype *dtstart, icaltimezone *zone, gint64 needed)
{
  struct icaltimetype target = eb_timezone_local_time (needed, zone);
  gint64 periods = 0;
  gint ordinal = 0;

  if (recurrence->frequency == EB_RECURRENCE_WEEKLY)
    {
      gint64 days = eb_day_number (&target) - eb_day_number (dtstart);

      periods = days / (7 * recurrence->interval) - 1;
    }
  else
    {
      gint64 months = ((gint64)target.year - dtstart->year) * 12 + (target.month - dtstart->month);

      ordinal = recurrence->last_weekday ? -1 : (dtstart->day - 1) / 7 + 1;
      if (ordinal == 5 && rule->count > 0)
        return; /* not every period has a 5th weekday: cannot count them */
      periods = months / recurrence->interval - 1;
    }
  if (periods <= 0)
    return;
  if (rule->count > 0 && periods >= rule->count)
    periods = rule->count - 1;
  if (periods <= 0)
    return;

  if (recurrence->frequency == EB_RECURRENCE_WEEKLY)
    {
      icaltime_adjust (dtstart, (int)(periods * 7 * recurrence->interval), 0, 0, 0);
    }
  else
    {
      gint weekday = icaltime_day_of_week (*dtstart);
      gint day = 0;

      /* A 5th weekday may be missing in the target month: step back a
       * period at a time (at most a few). */
      for (; periods > 0; periods--)
        {
          gint64 month_index
              = (gint64)dtstart->year * 12 + (dtstart->month - 1) + periods * recurrence->interval;

          day = eb_month_weekday ((gint)(month_index / 12), (gint)(month_index % 12) + 1, weekday,
                                  ordinal);
          if (day > 0)
            {
              dtstart->year = (int)(month_index / 12);
              dtstart->month = (int)(month_index % 12) + 1;
              dtstart->day = day;
              break;
            }
        }
      if (periods <= 0)
        return;
    }
  if (rule->count > 0)
    rule->count -= (int)periods;
}

/* The starts the rule gives (exceptions not applied) in [@needed,
 * @stop), expanded by libical in @zone. */
static GArray *
eb_recurrence_originals (const EbRecurrence *recurrence, gint64 start, icaltimezone *zone,
                         gint64 needed, gint64 stop, GError **error)
{
  g_autoptr (GArray) originals = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (icalrecur_iterator) iterator = NULL;
  struct icalrecurrencetype rule;
  struct icaltimetype dtstart;
  guint iterations = 0;

  if (recurrence == NULL)
    {
      if (start >= needed && start < stop)
        g_array_append_val (originals, start);
      return g_steal_pointer (&originals);
    }

  if (recurrence->until != 0 && recurrence->until < start)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "the recurrence ends before the series starts");
      return NULL;
    }
  dtstart = eb_timezone_local_time (start, zone);
  if (!eb_recurrence_to_ical (recurrence, dtstart, &rule, error))
    return NULL;
  if (needed > start)
    eb_recurrence_skip_ahead (recurrence, &rule, &dtstart, zone,
                              MIN (needed, EB_RECURRENCE_ITERATOR_END));

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
      if (original >= stop)
        break;
      if (++iterations > EB_RECURRENCE_MAX_ITERATIONS)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_TOO_LARGE,
                       "expanding the series needs more than %d occurrences",
                       EB_RECURRENCE_MAX_ITERATIONS);
          return NULL;
        }
      if (original >= needed)
        g_array_append_val (originals, original);
    }
  return g_steal_pointer (&originals);
}

/* Whether the rule gives a start at @original. */
static gboolean
eb_recurrence_gives (const EbRecurrence *recurrence, gint64 start, icaltimezone *zone,
                     gint64 original, GError **error)
{
  g_autoptr (GArray) originals = NULL;

  if (original == G_MAXINT64)
    return FALSE;
  originals = eb_recurrence_originals (recurrence, start, zone, original, original + 1, error);
  return originals != NULL && originals->len == 1
         && g_array_index (originals, gint64, 0) == original;
}

static void
eb_occurrences_append (GArray *occurrences, gint64 start, gint64 original, gint64 duration,
                       gint64 from, gint64 to)
{
  EbOccurrence occurrence = { 0 };

  occurrence.start = start;
  occurrence.end = eb_saturating_add (start, duration);
  occurrence.original_start = original;
  occurrence.moved = start != original;
  if (occurrence.start < to && occurrence.end > from)
    g_array_append_val (occurrences, occurrence);
}

/**
 * eb_occurrences_expand:
 *
 * See the header. Cancelled occurrences are left out; a moved one is
 * placed at its new start (keeping its original start) when the rule
 * gives that original start; an exception for any other start is
 * ignored. The work is bounded: libical starts shortly before @from, the
 * walk stops at @to, and a window holding more than 10000 occurrences is
 * refused with EB_ERROR_TOO_LARGE.
 *
 * Returns: (transfer full) (element-type EbOccurrence): the occurrences,
 *   or %NULL with EB_ERROR_INVALID for an unknown zone, a duration under
 *   a minute or a rule eb_recurrence_to_rrule() refuses (a recurring
 *   series starts between 1970 and 2500)
 */
GArray *
eb_occurrences_expand (gint64 start, gint duration_minutes, const char *timezone,
                       const EbRecurrence *recurrence, GPtrArray *exceptions, gint64 from,
                       gint64 to, GError **error)
{
  g_autoptr (GArray) occurrences = g_array_new (FALSE, FALSE, sizeof (EbOccurrence));
  g_autoptr (GArray) originals = NULL;
  g_autoptr (GHashTable) by_original = NULL;
  icaltimezone *zone;
  gint64 duration = (gint64)duration_minutes * 60;

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
  if (from >= to)
    {
      /* Still refuse a rule that cannot be expanded at all. */
      if (recurrence != NULL)
        {
          struct icalrecurrencetype rule;

          if (recurrence->until != 0 && recurrence->until < start)
            {
              g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                           "the recurrence ends before the series starts");
              return NULL;
            }
          if (!eb_recurrence_to_ical (recurrence, eb_timezone_local_time (start, zone), &rule,
                                      error))
            return NULL;
        }
      return g_steal_pointer (&occurrences);
    }

  if (exceptions != NULL && exceptions->len > 0)
    {
      by_original = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < exceptions->len; i++)
        {
          EbOccurrenceException *exception = g_ptr_array_index (exceptions, i);

          /* The first exception for a start wins. */
          if (!g_hash_table_contains (by_original, &exception->original_start))
            g_hash_table_insert (by_original, &exception->original_start, exception);
        }
    }

  /* An occurrence that starts a duration before @from cannot reach it. */
  originals = eb_recurrence_originals (recurrence, start, zone, eb_saturating_add (from, -duration),
                                       to, error);
  if (originals == NULL)
    return NULL;
  for (guint i = 0; i < originals->len; i++)
    {
      gint64 original = g_array_index (originals, gint64, i);
      const EbOccurrenceException *exception
          = by_original != NULL ? g_hash_table_lookup (by_original, &original) : NULL;

      if (exception != NULL && (exception->cancelled || exception->new_start != original))
        continue; /* cancelled, or moved: added below */
      eb_occurrences_append (occurrences, original, original, duration, from, to);
    }

  /* A moved occurrence may come from anywhere in the series: it counts
   * where it lands, if the rule gives its original start (an exception
   * for any other start does not apply). */
  for (guint i = 0; by_original != NULL && i < exceptions->len; i++)
    {
      EbOccurrenceException *exception = g_ptr_array_index (exceptions, i);
      g_autoptr (GError) local_error = NULL;

      if (exception->cancelled || exception->new_start == exception->original_start
          || g_hash_table_lookup (by_original, &exception->original_start) != exception)
        continue;
      if (exception->new_start >= to || eb_saturating_add (exception->new_start, duration) <= from)
        continue;
      if (!eb_recurrence_gives (recurrence, start, zone, exception->original_start, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          continue;
        }
      eb_occurrences_append (occurrences, exception->new_start, exception->original_start, duration,
                             from, to);
    }

  g_array_sort (occurrences, eb_occurrence_compare);
  return g_steal_pointer (&occurrences);
}
