/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-recurrence.h>
#include <eboard/eb-session.h>

/* Expected instants are written as RFC 3339 text and read with GLib, so
 * the expectations do not come from the code under test. */
static gint64
instant (const char *text)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static char *
format_instant (gint64 value)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (value);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* Checks that @occurrences start exactly at the NULL-terminated list of
 * UTC instants and last @minutes each. */
static void
assert_starts (GArray *occurrences, gint minutes, const char *const *expected)
{
  guint n = g_strv_length ((char **)expected);

  for (guint i = 0; i < MIN (n, occurrences->len); i++)
    {
      const EbOccurrence *occurrence = &g_array_index (occurrences, EbOccurrence, i);
      g_autofree char *got = format_instant (occurrence->start);

      g_assert_cmpstr (got, ==, expected[i]);
      g_assert_cmpint (occurrence->end - occurrence->start, ==, minutes * 60);
    }
  g_assert_cmpuint (occurrences->len, ==, n);
}

static GArray *
expand (const char *start, gint minutes, const char *zone, const EbRecurrence *rule,
        GPtrArray *exceptions, const char *from, const char *to)
{
  g_autoptr (GError) error = NULL;
  GArray *occurrences = eb_occurrences_expand (instant (start), minutes, zone, rule, exceptions,
                                               instant (from), instant (to), &error);

  g_assert_no_error (error);
  g_assert_nonnull (occurrences);
  return occurrences;
}

static void
test_frequency_strings (void)
{
  EbRecurrenceFrequency frequency = EB_RECURRENCE_WEEKLY;

  g_assert_cmpstr (eb_recurrence_frequency_to_string (EB_RECURRENCE_WEEKLY), ==, "weekly");
  g_assert_cmpstr (eb_recurrence_frequency_to_string (EB_RECURRENCE_MONTHLY_BY_WEEKDAY), ==,
                   "monthly");
  g_assert_null (eb_recurrence_frequency_to_string ((EbRecurrenceFrequency)7));
  g_assert_true (eb_recurrence_frequency_from_string ("monthly", &frequency));
  g_assert_cmpint (frequency, ==, EB_RECURRENCE_MONTHLY_BY_WEEKDAY);
  g_assert_true (eb_recurrence_frequency_from_string ("weekly", &frequency));
  g_assert_cmpint (frequency, ==, EB_RECURRENCE_WEEKLY);
  g_assert_false (eb_recurrence_frequency_from_string ("Weekly", &frequency));
  g_assert_false (eb_recurrence_frequency_from_string ("daily", &frequency));
  g_assert_false (eb_recurrence_frequency_from_string (NULL, &frequency));
}

static void
test_records (void)
{
  g_autoptr (EbRecurrence) rule = eb_recurrence_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 3);
  g_autoptr (EbRecurrence) copy = NULL;
  g_autoptr (EbOccurrenceException) moved = eb_occurrence_exception_new (100, FALSE, 200);
  g_autoptr (EbOccurrenceException) cancelled = eb_occurrence_exception_new (300, TRUE, 400);
  g_autoptr (EbOccurrenceException) moved_copy = NULL;

  g_assert_cmpint (rule->interval, ==, 3);
  g_assert_cmpint (rule->count, ==, 0);
  g_assert_cmpint (rule->until, ==, 0);
  g_assert_false (rule->last_weekday);
  rule->count = 5;
  rule->last_weekday = TRUE;
  copy = eb_recurrence_copy (rule);
  g_assert_true (copy != rule);
  g_assert_cmpint (copy->frequency, ==, EB_RECURRENCE_MONTHLY_BY_WEEKDAY);
  g_assert_cmpint (copy->count, ==, 5);
  g_assert_true (copy->last_weekday);

  moved_copy = eb_occurrence_exception_copy (moved);
  g_assert_cmpint (moved_copy->original_start, ==, 100);
  g_assert_cmpint (moved_copy->new_start, ==, 200);
  g_assert_false (moved_copy->cancelled);
  g_assert_true (cancelled->cancelled);
  g_assert_cmpint (cancelled->new_start, ==, 0);
}

typedef struct
{
  EbRecurrenceFrequency frequency;
  gint interval;
  gint count;
  const char *until;
  gboolean last_weekday;
  const char *start;
  const char *zone;
  const char *rrule;
} RruleCase;

static void
test_rrule_round_trip (void)
{
  static const RruleCase cases[] = {
    { EB_RECURRENCE_WEEKLY, 1, 0, NULL, FALSE, "2026-03-03T15:00:00Z", "America/Chicago",
      "FREQ=WEEKLY;BYDAY=TU" },
    { EB_RECURRENCE_WEEKLY, 2, 0, NULL, FALSE, "2026-03-03T15:00:00Z", "America/Chicago",
      "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" },
    /* 23:30 on Tuesday in Los Angeles is Wednesday in UTC: the local
     * weekday counts. */
    { EB_RECURRENCE_WEEKLY, 1, 10, NULL, FALSE, "2026-03-04T07:30:00Z", "America/Los_Angeles",
      "FREQ=WEEKLY;COUNT=10;BYDAY=TU" },
    /* 08:00 on Tuesday in Sydney is Monday in UTC. */
    { EB_RECURRENCE_WEEKLY, 1, 0, NULL, FALSE, "2026-03-02T21:00:00Z", "Australia/Sydney",
      "FREQ=WEEKLY;BYDAY=TU" },
    { EB_RECURRENCE_WEEKLY, 1, 0, "2026-06-30T14:00:00Z", FALSE, "2026-03-03T15:00:00Z",
      "America/Chicago", "FREQ=WEEKLY;UNTIL=20260630T140000Z;BYDAY=TU" },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1, 0, NULL, FALSE, "2026-03-10T14:00:00Z",
      "America/Chicago", "FREQ=MONTHLY;BYDAY=2TU" },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 3, 4, NULL, FALSE, "2026-01-29T17:00:00Z", "Europe/Berlin",
      "FREQ=MONTHLY;COUNT=4;INTERVAL=3;BYDAY=5TH" },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1, 0, NULL, TRUE, "2026-03-31T14:00:00Z", "America/Chicago",
      "FREQ=MONTHLY;BYDAY=-1TU" },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 2, 0, "2027-01-01T00:00:00Z", TRUE, "2026-03-31T14:00:00Z",
      "America/Chicago", "FREQ=MONTHLY;UNTIL=20270101T000000Z;INTERVAL=2;BYDAY=-1TU" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const RruleCase *c = &cases[i];
      g_autoptr (EbRecurrence) rule = eb_recurrence_new (c->frequency, c->interval);
      g_autoptr (EbRecurrence) back = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *rrule = NULL;
      g_autofree char *again = NULL;

      rule->count = c->count;
      rule->until = c->until != NULL ? instant (c->until) : 0;
      rule->last_weekday = c->last_weekday;
      rrule = eb_recurrence_to_rrule (rule, instant (c->start), c->zone, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (rrule, ==, c->rrule);

      back = eb_recurrence_from_rrule (rrule, &error);
      g_assert_no_error (error);
      g_assert_nonnull (back);
      g_assert_cmpint (back->frequency, ==, c->frequency);
      g_assert_cmpint (back->interval, ==, c->interval);
      g_assert_cmpint (back->count, ==, c->count);
      g_assert_cmpint (back->until, ==, rule->until);
      g_assert_cmpint (back->last_weekday, ==, c->last_weekday);

      again = eb_recurrence_to_rrule (back, instant (c->start), c->zone, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again, ==, c->rrule);
    }
}

static void
test_rrule_refused (void)
{
  static const char *const refused[] = {
    "",
    "FREQ=DAILY",
    "FREQ=YEARLY;BYDAY=TU",
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;BYDAY=TU,WE",
    "freq=weekly;byday=tu",
    "FREQ=WEEKLY;BYDAY=TU;INTERVAL=2",
    "RRULE:FREQ=WEEKLY;BYDAY=TU",
    "FREQ=WEEKLY;BYDAY=TU;BYMONTH=3",
    "FREQ=WEEKLY;BYDAY=TU;BYHOUR=9",
    "FREQ=WEEKLY;BYDAY=TU;WKST=SU",
    "FREQ=WEEKLY;UNTIL=20260101;BYDAY=TU",
    "FREQ=WEEKLY;UNTIL=20260101T000000;BYDAY=TU",
    "FREQ=WEEKLY;COUNT=3;UNTIL=20260101T000000Z;BYDAY=TU",
    "FREQ=WEEKLY;COUNT=99999999999;BYDAY=TU",
    "FREQ=WEEKLY;INTERVAL=53;BYDAY=TU",
    "FREQ=WEEKLY;INTERVAL=0;BYDAY=TU",
    "FREQ=WEEKLY;BYDAY=2TU",
    "FREQ=MONTHLY;BYDAY=TU",
    "FREQ=MONTHLY;BYDAY=-2TU",
    "FREQ=MONTHLY;BYDAY=2TU;BYSETPOS=1",
    "FREQ=MONTHLY;BYMONTHDAY=10",
    "FREQ=WEEKLY;FOO=1;BYDAY=TU",
    "garbage",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EbRecurrence) rule = eb_recurrence_from_rrule (refused[i], &error);

      if (rule != NULL)
        g_test_message ("accepted: %s", refused[i]);
      g_assert_null (rule);
      g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    }
}

static void
test_rrule_invalid_rules (void)
{
  gint64 tuesday = instant ("2026-03-10T14:00:00Z"); /* 2nd Tuesday, 09:00 Chicago */
  struct
  {
    EbRecurrenceFrequency frequency;
    gint interval;
    gint count;
    gint64 until;
    gboolean last_weekday;
    const char *zone;
  } cases[] = {
    { EB_RECURRENCE_WEEKLY, 0, 0, 0, FALSE, "America/Chicago" },
    { EB_RECURRENCE_WEEKLY, 53, 0, 0, FALSE, "America/Chicago" },
    { EB_RECURRENCE_WEEKLY, 1, -1, 0, FALSE, "America/Chicago" },
    { EB_RECURRENCE_WEEKLY, 1, 3, tuesday + 86400 * 30, FALSE, "America/Chicago" },
    { EB_RECURRENCE_WEEKLY, 1, 0, tuesday - 1, FALSE, "America/Chicago" },
    { EB_RECURRENCE_WEEKLY, 1, 0, 0, TRUE, "America/Chicago" },
    /* The 2nd Tuesday is not the last one of March. */
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1, 0, 0, TRUE, "America/Chicago" },
    { (EbRecurrenceFrequency)9, 1, 0, 0, FALSE, "America/Chicago" },
    { EB_RECURRENCE_WEEKLY, 1, 0, 0, FALSE, "Mars/Olympus" },
    { EB_RECURRENCE_WEEKLY, 1, 0, 0, FALSE, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EbRecurrence) rule = eb_recurrence_new (cases[i].frequency, cases[i].interval);
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) expand_error = NULL;
      g_autofree char *rrule = NULL;
      g_autoptr (GArray) occurrences = NULL;

      rule->count = cases[i].count;
      rule->until = cases[i].until;
      rule->last_weekday = cases[i].last_weekday;
      rrule = eb_recurrence_to_rrule (rule, tuesday, cases[i].zone, &error);
      g_assert_null (rrule);
      g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);

      /* Expansion refuses the same rules, so a series is never shown
       * with occurrences its invitation cannot describe. */
      occurrences = eb_occurrences_expand (tuesday, 60, cases[i].zone, rule, NULL, tuesday,
                                           tuesday + 86400 * 365, &expand_error);
      g_assert_null (occurrences);
      g_assert_error (expand_error, EB_ERROR, EB_ERROR_INVALID);
    }
}

/* A weekly 09:00 board in Chicago is at 15:00Z in winter and 14:00Z in
 * summer: the wall-clock time stays across both US changes of 2026
 * (8 March and 1 November). */
static void
test_expand_chicago_dst (void)
{
  g_autoptr (EbRecurrence) weekly = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autoptr (GArray) spring = NULL;
  g_autoptr (GArray) autumn = NULL;
  static const char *const spring_starts[] = {
    "2026-02-24T15:00:00Z",
    "2026-03-03T15:00:00Z",
    "2026-03-10T14:00:00Z",
    "2026-03-17T14:00:00Z",
    NULL,
  };
  static const char *const autumn_starts[] = {
    "2026-10-20T14:00:00Z",
    "2026-10-27T14:00:00Z",
    "2026-11-03T15:00:00Z",
    "2026-11-10T15:00:00Z",
    NULL,
  };

  spring = expand ("2026-02-24T15:00:00Z", 90, "America/Chicago", weekly, NULL,
                   "2026-02-01T00:00:00Z", "2026-03-20T00:00:00Z");
  assert_starts (spring, 90, spring_starts);
  for (guint i = 0; i < spring->len; i++)
    {
      const EbOccurrence *occurrence = &g_array_index (spring, EbOccurrence, i);

      g_assert_cmpint (occurrence->original_start, ==, occurrence->start);
      g_assert_false (occurrence->moved);
    }

  autumn = expand ("2026-02-24T15:00:00Z", 90, "America/Chicago", weekly, NULL,
                   "2026-10-20T00:00:00Z", "2026-11-11T00:00:00Z");
  assert_starts (autumn, 90, autumn_starts);
}

/* Europe changes on 29 March 2026, three weeks after the US. */
static void
test_expand_berlin_dst (void)
{
  g_autoptr (EbRecurrence) weekly = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autoptr (GArray) occurrences = NULL;
  static const char *const starts[] = {
    "2026-03-19T17:00:00Z",
    "2026-03-26T17:00:00Z",
    "2026-04-02T16:00:00Z",
    "2026-04-09T16:00:00Z",
    NULL,
  };

  /* Thursdays 18:00 Berlin. */
  occurrences = expand ("2026-03-19T17:00:00Z", 60, "Europe/Berlin", weekly, NULL,
                        "2026-03-01T00:00:00Z", "2026-04-10T00:00:00Z");
  assert_starts (occurrences, 60, starts);
}

/* Sydney leaves daylight saving on 5 April and enters it on 4 October
 * 2026: the opposite season. */
static void
test_expand_sydney_dst (void)
{
  g_autoptr (EbRecurrence) weekly = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autoptr (GArray) april = NULL;
  g_autoptr (GArray) october = NULL;
  static const char *const april_starts[] = {
    "2026-03-29T21:00:00Z", /* Monday 30 March 08:00 AEDT */
    "2026-04-05T22:00:00Z", /* Monday 6 April 08:00 AEST */
    NULL,
  };
  static const char *const october_starts[] = {
    "2026-09-27T22:00:00Z",
    "2026-10-04T21:00:00Z",
    NULL,
  };

  april = expand ("2026-03-29T21:00:00Z", 45, "Australia/Sydney", weekly, NULL,
                  "2026-03-29T00:00:00Z", "2026-04-06T00:00:00Z");
  assert_starts (april, 45, april_starts);
  october = expand ("2026-03-29T21:00:00Z", 45, "Australia/Sydney", weekly, NULL,
                    "2026-09-27T00:00:00Z", "2026-10-05T00:00:00Z");
  assert_starts (october, 45, october_starts);
}

static void
test_expand_interval_count_until (void)
{
  g_autoptr (EbRecurrence) biweekly = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 2);
  g_autoptr (EbRecurrence) counted = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autoptr (EbRecurrence) until = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autoptr (GArray) occurrences = NULL;
  static const char *const biweekly_starts[] = {
    "2026-02-24T15:00:00Z",
    "2026-03-10T14:00:00Z",
    "2026-03-24T14:00:00Z",
    "2026-04-07T14:00:00Z",
    NULL,
  };
  static const char *const counted_starts[] = {
    "2026-03-03T15:00:00Z",
    "2026-03-10T14:00:00Z",
    "2026-03-17T14:00:00Z",
    NULL,
  };

  occurrences = expand ("2026-02-24T15:00:00Z", 60, "America/Chicago", biweekly, NULL,
                        "2026-02-24T00:00:00Z", "2026-04-08T00:00:00Z");
  assert_starts (occurrences, 60, biweekly_starts);
  g_clear_pointer (&occurrences, g_array_unref);

  counted->count = 3;
  occurrences = expand ("2026-03-03T15:00:00Z", 60, "America/Chicago", counted, NULL,
                        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
  assert_starts (occurrences, 60, counted_starts);
  g_clear_pointer (&occurrences, g_array_unref);

  /* UNTIL is inclusive and compared as an instant: 14:00Z is 09:00 CDT
   * on 17 March; a second earlier drops that occurrence. */
  until->until = instant ("2026-03-17T14:00:00Z");
  occurrences = expand ("2026-03-03T15:00:00Z", 60, "America/Chicago", until, NULL,
                        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
  assert_starts (occurrences, 60, counted_starts);
  g_clear_pointer (&occurrences, g_array_unref);

  until->until = instant ("2026-03-17T13:59:59Z");
  occurrences = expand ("2026-03-03T15:00:00Z", 60, "America/Chicago", until, NULL,
                        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
  g_assert_cmpuint (occurrences->len, ==, 2);
}

static void
test_expand_monthly (void)
{
  g_autoptr (EbRecurrence) second = eb_recurrence_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1);
  g_autoptr (EbRecurrence) last = eb_recurrence_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1);
  g_autoptr (EbRecurrence) fifth = eb_recurrence_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1);
  g_autoptr (GArray) occurrences = NULL;
  /* 2nd Tuesday 09:00 Chicago: 10 Feb (CST), 10 Mar (CDT), 14 Apr, 12 May. */
  static const char *const second_starts[] = {
    "2026-02-10T15:00:00Z",
    "2026-03-10T14:00:00Z",
    "2026-04-14T14:00:00Z",
    "2026-05-12T14:00:00Z",
    NULL,
  };
  /* Last Tuesday: 24 Feb, 31 Mar, 28 Apr, 26 May. */
  static const char *const last_starts[] = {
    "2026-02-24T15:00:00Z",
    "2026-03-31T14:00:00Z",
    "2026-04-28T14:00:00Z",
    "2026-05-26T14:00:00Z",
    NULL,
  };
  /* 5th Thursday 18:00 Berlin only exists in some months: 29 Jan, 30 Apr,
   * 30 Jul, 29 Oct 2026. */
  static const char *const fifth_starts[] = {
    "2026-01-29T17:00:00Z",
    "2026-04-30T16:00:00Z",
    "2026-07-30T16:00:00Z",
    "2026-10-29T17:00:00Z",
    NULL,
  };

  second->count = 4;
  occurrences = expand ("2026-02-10T15:00:00Z", 60, "America/Chicago", second, NULL,
                        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
  assert_starts (occurrences, 60, second_starts);
  g_clear_pointer (&occurrences, g_array_unref);

  last->last_weekday = TRUE;
  occurrences = expand ("2026-02-24T15:00:00Z", 60, "America/Chicago", last, NULL,
                        "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
  assert_starts (occurrences, 60, last_starts);
  g_clear_pointer (&occurrences, g_array_unref);

  occurrences = expand ("2026-01-29T17:00:00Z", 60, "Europe/Berlin", fifth, NULL,
                        "2026-01-01T00:00:00Z", "2026-12-01T00:00:00Z");
  assert_starts (occurrences, 60, fifth_starts);
}

static void
test_expand_window (void)
{
  g_autoptr (EbRecurrence) weekly = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autoptr (GArray) occurrences = NULL;
  g_autoptr (GError) error = NULL;
  static const char *const straddling[] = { "2026-03-10T14:00:00Z", NULL };

  /* [14:00, 15:00) overlaps a window that starts at 14:59:59 ... */
  occurrences = expand ("2026-03-03T15:00:00Z", 60, "America/Chicago", weekly, NULL,
                        "2026-03-10T14:59:59Z", "2026-03-17T14:00:00Z");
  assert_starts (occurrences, 60, straddling);
  g_clear_pointer (&occurrences, g_array_unref);

  /* ... but not one that starts when it ends, and the next occurrence
   * starts exactly at the window's (exclusive) end. */
  occurrences = expand ("2026-03-03T15:00:00Z", 60, "America/Chicago", weekly, NULL,
                        "2026-03-10T15:00:00Z", "2026-03-17T14:00:00Z");
  g_assert_cmpuint (occurrences->len, ==, 0);
  g_clear_pointer (&occurrences, g_array_unref);

  /* An empty or reversed window. */
  occurrences = eb_occurrences_expand (instant ("2026-03-03T15:00:00Z"), 60, "America/Chicago",
                                       weekly, NULL, instant ("2026-04-01T00:00:00Z"),
                                       instant ("2026-03-01T00:00:00Z"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (occurrences->len, ==, 0);
  g_clear_pointer (&occurrences, g_array_unref);

  /* A window before the series. */
  occurrences = expand ("2026-03-03T15:00:00Z", 60, "America/Chicago", weekly, NULL,
                        "2025-01-01T00:00:00Z", "2026-03-03T15:00:00Z");
  g_assert_cmpuint (occurrences->len, ==, 0);
}

static void
test_expand_exceptions (void)
{
  g_autoptr (EbRecurrence) weekly = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autoptr (GPtrArray) exceptions
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_occurrence_exception_free);
  g_autoptr (GArray) occurrences = NULL;
  const EbOccurrence *o;

  weekly->count = 6;
  /* Tuesdays 09:00 Chicago from 3 March: cancel 10 March, move 17 March
   * to Friday 27 March 16:00 CDT (after the 24 March occurrence), and
   * move 7 April (outside the window) into it. An exception for a start
   * the rule does not give is ignored. */
  g_ptr_array_add (exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-10T14:00:00Z"), TRUE, 0));
  g_ptr_array_add (exceptions, eb_occurrence_exception_new (instant ("2026-03-17T14:00:00Z"), FALSE,
                                                            instant ("2026-03-27T21:00:00Z")));
  g_ptr_array_add (exceptions, eb_occurrence_exception_new (instant ("2026-04-07T14:00:00Z"), FALSE,
                                                            instant ("2026-03-26T14:00:00Z")));
  g_ptr_array_add (exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-18T14:00:00Z"), TRUE, 0));

  occurrences = expand ("2026-03-03T15:00:00Z", 60, "America/Chicago", weekly, exceptions,
                        "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
  g_assert_cmpuint (occurrences->len, ==, 5);

  o = &g_array_index (occurrences, EbOccurrence, 0);
  g_assert_cmpint (o->start, ==, instant ("2026-03-03T15:00:00Z"));
  g_assert_false (o->moved);
  o = &g_array_index (occurrences, EbOccurrence, 1);
  g_assert_cmpint (o->start, ==, instant ("2026-03-24T14:00:00Z"));
  g_assert_cmpint (o->original_start, ==, o->start);
  g_assert_false (o->moved);
  o = &g_array_index (occurrences, EbOccurrence, 2);
  g_assert_cmpint (o->start, ==, instant ("2026-03-26T14:00:00Z"));
  g_assert_cmpint (o->end, ==, instant ("2026-03-26T15:00:00Z"));
  g_assert_cmpint (o->original_start, ==, instant ("2026-04-07T14:00:00Z"));
  g_assert_true (o->moved);
  o = &g_array_index (occurrences, EbOccurrence, 3);
  g_assert_cmpint (o->start, ==, instant ("2026-03-27T21:00:00Z"));
  g_assert_cmpint (o->original_start, ==, instant ("2026-03-17T14:00:00Z"));
  g_assert_true (o->moved);
  o = &g_array_index (occurrences, EbOccurrence, 4);
  g_assert_cmpint (o->start, ==, instant ("2026-03-31T14:00:00Z"));
  g_assert_false (o->moved);
  g_clear_pointer (&occurrences, g_array_unref);

  /* Moved out of the window: 17 March is no longer in [16 March, 20 March). */
  occurrences = expand ("2026-03-03T15:00:00Z", 60, "America/Chicago", weekly, exceptions,
                        "2026-03-16T00:00:00Z", "2026-03-20T00:00:00Z");
  g_assert_cmpuint (occurrences->len, ==, 0);
}

static void
test_expand_single (void)
{
  g_autoptr (GPtrArray) exceptions
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_occurrence_exception_free);
  g_autoptr (GArray) occurrences = NULL;
  static const char *const single[] = { "2026-03-08T07:30:00Z", NULL };

  occurrences = expand ("2026-03-08T07:30:00Z", 120, "America/Chicago", NULL, NULL,
                        "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
  assert_starts (occurrences, 120, single);
  g_clear_pointer (&occurrences, g_array_unref);

  g_ptr_array_add (exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-08T07:30:00Z"), TRUE, 0));
  occurrences = expand ("2026-03-08T07:30:00Z", 120, "America/Chicago", NULL, exceptions,
                        "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
  g_assert_cmpuint (occurrences->len, ==, 0);
}

static void
test_expand_bounded (void)
{
  g_autoptr (EbRecurrence) weekly = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) occurrences = NULL;
  gint64 start = instant ("2026-03-03T15:00:00Z");

  /* A window ten years on (five Tuesdays in January 2036) ... */
  occurrences = eb_occurrences_expand (start, 60, "America/Chicago", weekly, NULL,
                                       instant ("2036-01-01T00:00:00Z"),
                                       instant ("2036-02-01T00:00:00Z"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (occurrences->len, ==, 5);
  g_assert_cmpint (g_array_index (occurrences, EbOccurrence, 0).start, ==,
                   instant ("2036-01-01T15:00:00Z"));
  g_clear_pointer (&occurrences, g_array_unref);

  /* ... or five centuries on (Tuesdays from 3 March 2026) is reached
   * without walking there one week at a time. */
  occurrences = eb_occurrences_expand (start, 60, "America/Chicago", weekly, NULL,
                                       instant ("2500-01-01T00:00:00Z"),
                                       instant ("2500-01-15T00:00:00Z"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (occurrences->len, ==, 2);
  g_assert_cmpint (g_array_index (occurrences, EbOccurrence, 0).start, ==,
                   instant ("2500-01-05T15:00:00Z"));
  g_clear_pointer (&occurrences, g_array_unref);

  /* A window holding more than 10000 occurrences is refused. */
  occurrences = eb_occurrences_expand (start, 60, "America/Chicago", weekly, NULL, start,
                                       instant ("2300-01-01T00:00:00Z"), &error);
  g_assert_null (occurrences);
  g_assert_error (error, EB_ERROR, EB_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* libical reckons neither before 1902 nor after 2582: a series starts
   * between 1970 and 2500. */
  occurrences = eb_occurrences_expand (instant ("1960-01-05T10:00:00Z"), 60, "UTC", weekly, NULL, 0,
                                       instant ("2000-01-01T00:00:00Z"), &error);
  g_assert_null (occurrences);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
  occurrences = eb_occurrences_expand (instant ("2501-01-04T10:00:00Z"), 60, "UTC", weekly, NULL, 0,
                                       G_MAXINT64, &error);
  g_assert_null (occurrences);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
}

static void
test_expand_late_window (void)
{
  static const char *const zones[]
      = { "America/Chicago", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC" };
  static const char *const starts[]
      = { "2019-01-29T15:00:00Z", "2019-03-31T00:30:00Z", "2020-02-29T23:00:00Z",
          "2018-10-30T06:15:00Z", "2021-07-27T12:00:00Z" };
  struct
  {
    EbRecurrenceFrequency frequency;
    gint interval;
    gint count;
  } rules[] = {
    { EB_RECURRENCE_WEEKLY, 1, 0 },
    { EB_RECURRENCE_WEEKLY, 2, 0 },
    { EB_RECURRENCE_WEEKLY, 5, 0 },
    { EB_RECURRENCE_WEEKLY, 52, 0 },
    { EB_RECURRENCE_WEEKLY, 3, 120 },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1, 0 },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 2, 0 },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 5, 0 },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1, 40 },
    { EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 3, 20 },
  };
  guint compared = 0;

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    for (guint s = 0; s < G_N_ELEMENTS (starts); s++)
      for (guint r = 0; r < G_N_ELEMENTS (rules); r++)
        for (gint last = 0; last <= 1; last++)
          {
            g_autoptr (EbRecurrence) rule
                = eb_recurrence_new (rules[r].frequency, rules[r].interval);
            g_autoptr (GError) error = NULL;
            g_autoptr (GArray) all = NULL;
            g_autoptr (GArray) late = NULL;
            gint64 start = instant (starts[s]);
            gint64 from = instant ("2025-06-01T00:00:00Z");
            gint64 to = instant ("2027-01-01T00:00:00Z");
            guint first = 0;

            if (last && rules[r].frequency != EB_RECURRENCE_MONTHLY_BY_WEEKDAY)
              continue;
            rule->count = rules[r].count;
            rule->last_weekday = last;
            all = eb_occurrences_expand (start, 60, zones[z], rule, NULL, start, to, &error);
            if (all == NULL)
              {
                /* Only "last weekday" from a start that is not one. */
                g_assert_true (last);
                g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
                continue;
              }
            late = eb_occurrences_expand (start, 60, zones[z], rule, NULL, from, to, &error);
            g_assert_no_error (error);
            while (first < all->len && g_array_index (all, EbOccurrence, first).end <= from)
              first++;
            g_assert_cmpuint (late->len, ==, all->len - first);
            for (guint i = 0; i < late->len; i++)
              g_assert_cmpint (g_array_index (late, EbOccurrence, i).start, ==,
                               g_array_index (all, EbOccurrence, first + i).start);
            compared += late->len;
          }
  /* The comparison covered something. */
  g_assert_cmpuint (compared, >, 2000);
}

static void
test_expand_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) occurrences = NULL;

  occurrences = eb_occurrences_expand (instant ("2026-03-03T15:00:00Z"), 0, "America/Chicago", NULL,
                                       NULL, 0, G_MAXINT64, &error);
  g_assert_null (occurrences);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);

  occurrences = eb_occurrences_expand (instant ("2026-03-03T15:00:00Z"), 60, "../etc", NULL, NULL,
                                       0, G_MAXINT64, &error);
  g_assert_null (occurrences);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
}

static EbSession *
series (const char *start, gint minutes, const char *zone, EbRecurrence *rule)
{
  EbSession *session = eb_session_new ();

  session->start = instant (start);
  session->duration_minutes = minutes;
  session->timezone = g_strdup (zone);
  session->recurrence = rule;
  return session;
}

static void
test_series_end (void)
{
  g_autoptr (EbSession) single = series ("2026-03-03T15:00:00Z", 90, "America/Chicago", NULL);
  g_autoptr (EbSession) open = series ("2026-03-03T15:00:00Z", 60, "America/Chicago",
                                       eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1));
  g_autoptr (EbSession) counted = series ("2026-03-03T15:00:00Z", 60, "America/Chicago",
                                          eb_recurrence_new (EB_RECURRENCE_WEEKLY, 2));
  g_autoptr (EbSession) until = series ("2026-02-24T15:00:00Z", 60, "America/Chicago",
                                        eb_recurrence_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1));

  g_assert_cmpint (eb_session_series_end (single), ==, instant ("2026-03-03T16:30:00Z"));
  g_assert_cmpint (eb_session_series_end (open), ==, G_MAXINT64);

  /* Every 2 weeks, 4 times: 3 Mar, 17 Mar, 31 Mar, 14 Apr (CDT). */
  counted->recurrence->count = 4;
  g_assert_cmpint (eb_session_series_end (counted), ==, instant ("2026-04-14T15:00:00Z"));

  /* Moving the last one two days later moves the end ... */
  g_ptr_array_add (counted->exceptions,
                   eb_occurrence_exception_new (instant ("2026-04-14T14:00:00Z"), FALSE,
                                                instant ("2026-04-16T14:00:00Z")));
  g_assert_cmpint (eb_session_series_end (counted), ==, instant ("2026-04-16T15:00:00Z"));
  /* ... and cancelling it brings the end back to 31 March. */
  g_ptr_array_set_size (counted->exceptions, 0);
  g_ptr_array_add (counted->exceptions,
                   eb_occurrence_exception_new (instant ("2026-04-14T14:00:00Z"), TRUE, 0));
  g_assert_cmpint (eb_session_series_end (counted), ==, instant ("2026-03-31T15:00:00Z"));

  /* Last Tuesday of the month until 1 June: ends 26 May. */
  until->recurrence->last_weekday = TRUE;
  until->recurrence->until = instant ("2026-06-01T00:00:00Z");
  g_assert_cmpint (eb_session_series_end (until), ==, instant ("2026-05-26T15:00:00Z"));
}

static void
test_timezone_valid (void)
{
  static const char *const valid[] = {
    "America/Chicago",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
    "Etc/GMT+5",
    "America/Argentina/Buenos_Aires",
    "America/Port-au-Prince",
  };
  static const char *const invalid[] = {
    "",
    "Mars/Olympus",
    "../etc",
    "../../etc/passwd",
    "America/../America/Chicago",
    "/usr/share/zoneinfo/America/Chicago",
    "America/Chicago/",
    "America//Chicago",
    "america/chicago",
    "posix/Europe/Berlin",
    "right/Europe/Berlin",
    "localtime",
    "zone.tab",
    "America/Chicago ",
    "America/Chicago\n",
    "Europe",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      if (!eb_timezone_is_valid (valid[i]))
        g_test_message ("refused: %s", valid[i]);
      g_assert_true (eb_timezone_is_valid (valid[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      if (eb_timezone_is_valid (invalid[i]))
        g_test_message ("accepted: %s", invalid[i]);
      g_assert_false (eb_timezone_is_valid (invalid[i]));
    }
  g_assert_false (eb_timezone_is_valid (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/core/recurrence/frequency-strings", test_frequency_strings);
  g_test_add_func ("/eboard/core/recurrence/records", test_records);
  g_test_add_func ("/eboard/core/recurrence/rrule-round-trip", test_rrule_round_trip);
  g_test_add_func ("/eboard/core/recurrence/rrule-refused", test_rrule_refused);
  g_test_add_func ("/eboard/core/recurrence/rrule-invalid-rules", test_rrule_invalid_rules);
  g_test_add_func ("/eboard/core/recurrence/expand-chicago-dst", test_expand_chicago_dst);
  g_test_add_func ("/eboard/core/recurrence/expand-berlin-dst", test_expand_berlin_dst);
  g_test_add_func ("/eboard/core/recurrence/expand-sydney-dst", test_expand_sydney_dst);
  g_test_add_func ("/eboard/core/recurrence/expand-interval-count-until",
                   test_expand_interval_count_until);
  g_test_add_func ("/eboard/core/recurrence/expand-monthly", test_expand_monthly);
  g_test_add_func ("/eboard/core/recurrence/expand-window", test_expand_window);
  g_test_add_func ("/eboard/core/recurrence/expand-exceptions", test_expand_exceptions);
  g_test_add_func ("/eboard/core/recurrence/expand-single", test_expand_single);
  g_test_add_func ("/eboard/core/recurrence/expand-bounded", test_expand_bounded);
  g_test_add_func ("/eboard/core/recurrence/expand-late-window", test_expand_late_window);
  g_test_add_func ("/eboard/core/recurrence/expand-errors", test_expand_errors);
  g_test_add_func ("/eboard/core/recurrence/series-end", test_series_end);
  g_test_add_func ("/eboard/core/timezone/valid", test_timezone_valid);

  return g_test_run ();
}
