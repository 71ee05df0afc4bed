/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <eboard/eb-conflict.h>
#include <eboard/eb-error.h>

static gint64
instant (const char *text)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static EbSession *
session_new (EbId id, const char *start, gint minutes, const char *zone, EbRecurrence *rule)
{
  EbSession *session = eb_session_new ();

  session->id = id;
  session->title = g_strdup_printf ("Session %" G_GINT64_FORMAT, id);
  session->start = instant (start);
  session->duration_minutes = minutes;
  session->timezone = g_strdup (zone);
  session->recurrence = rule;
  return session;
}

static EbRecurrence *
rule_new (EbRecurrenceFrequency frequency, gint interval)
{
  return eb_recurrence_new (frequency, interval);
}

static void
cancel (EbSession *session, const char *original)
{
  g_ptr_array_add (session->exceptions, eb_occurrence_exception_new (instant (original), TRUE, 0));
}

static void
move (EbSession *session, const char *original, const char *new_start)
{
  g_ptr_array_add (session->exceptions,
                   eb_occurrence_exception_new (instant (original), FALSE, instant (new_start)));
}

static void
assert_overlap (const EbSession *a, const EbSession *b, const char *start, const char *end,
                const char *other_start, const char *other_end)
{
  g_autoptr (GError) error = NULL;
  EbOverlap overlap = { 0 };
  gboolean found = eb_sessions_find_overlap (a, b, &overlap, &error);

  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpint (overlap.start, ==, instant (start));
  g_assert_cmpint (overlap.end, ==, instant (end));
  g_assert_cmpint (overlap.other_start, ==, instant (other_start));
  g_assert_cmpint (overlap.other_end, ==, instant (other_end));
}

static void
assert_no_overlap (const EbSession *a, const EbSession *b)
{
  g_autoptr (GError) error = NULL;
  EbOverlap overlap = { 0 };

  g_assert_false (eb_sessions_find_overlap (a, b, &overlap, &error));
  g_assert_no_error (error);
  g_assert_false (eb_sessions_find_overlap (b, a, NULL, &error));
  g_assert_no_error (error);
}

/* Thursdays 15:00 Berlin and Thursdays 09:00 Chicago, an hour each. In
 * winter and in summer they touch (14:00-15:00Z then 15:00-16:00Z; in
 * summer an hour earlier each); between the US change (8 March) and the
 * EU change (29 March), and again between 25 October and 1 November,
 * both are at 14:00-15:00Z. */
static EbSession *
berlin_board (void)
{
  return session_new (1, "2026-01-08T14:00:00Z", 60, "Europe/Berlin",
                      rule_new (EB_RECURRENCE_WEEKLY, 1));
}

static EbSession *
chicago_board (void)
{
  return session_new (2, "2026-01-08T15:00:00Z", 60, "America/Chicago",
                      rule_new (EB_RECURRENCE_WEEKLY, 1));
}

static void
test_dst_gap (void)
{
  g_autoptr (EbSession) berlin = berlin_board ();
  g_autoptr (EbSession) chicago = chicago_board ();
  g_autoptr (EbSession) winter_only = chicago_board ();
  g_autoptr (EbSession) from_april = NULL;

  assert_overlap (berlin, chicago, "2026-03-12T14:00:00Z", "2026-03-12T15:00:00Z",
                  "2026-03-12T14:00:00Z", "2026-03-12T15:00:00Z");
  assert_overlap (chicago, berlin, "2026-03-12T14:00:00Z", "2026-03-12T15:00:00Z",
                  "2026-03-12T14:00:00Z", "2026-03-12T15:00:00Z");

  /* Until 5 March both only touch. */
  winter_only->recurrence->until = instant ("2026-03-05T15:00:00Z");
  assert_no_overlap (berlin, winter_only);

  /* From April the next overlap is in the autumn gap. */
  from_april = session_new (3, "2026-04-02T14:00:00Z", 60, "America/Chicago",
                            rule_new (EB_RECURRENCE_WEEKLY, 1));
  assert_overlap (berlin, from_april, "2026-10-29T14:00:00Z", "2026-10-29T15:00:00Z",
                  "2026-10-29T14:00:00Z", "2026-10-29T15:00:00Z");
}

static void
test_cancelled_removes (void)
{
  g_autoptr (EbSession) berlin = berlin_board ();
  g_autoptr (EbSession) chicago = chicago_board ();

  chicago->recurrence->until = instant ("2026-06-30T00:00:00Z");
  cancel (chicago, "2026-03-12T14:00:00Z");
  cancel (chicago, "2026-03-19T14:00:00Z");
  assert_overlap (berlin, chicago, "2026-03-26T14:00:00Z", "2026-03-26T15:00:00Z",
                  "2026-03-26T14:00:00Z", "2026-03-26T15:00:00Z");

  cancel (chicago, "2026-03-26T14:00:00Z");
  assert_no_overlap (berlin, chicago);

  /* Without the end of June the autumn gap is found again. */
  chicago->recurrence->until = 0;
  assert_overlap (berlin, chicago, "2026-10-29T14:00:00Z", "2026-10-29T15:00:00Z",
                  "2026-10-29T14:00:00Z", "2026-10-29T15:00:00Z");
}

static void
test_moved_creates (void)
{
  g_autoptr (EbSession) berlin = berlin_board ();
  g_autoptr (EbSession) chicago = chicago_board ();

  chicago->recurrence->count = 8; /* 8 January .. 26 February, all in winter */
  assert_no_overlap (berlin, chicago);

  /* 5 February moved half an hour earlier: 14:30-15:30Z. */
  move (chicago, "2026-02-05T15:00:00Z", "2026-02-05T14:30:00Z");
  assert_overlap (berlin, chicago, "2026-02-05T14:00:00Z", "2026-02-05T15:00:00Z",
                  "2026-02-05T14:30:00Z", "2026-02-05T15:30:00Z");

  /* Moving it to another day again removes the overlap. */
  g_ptr_array_set_size (chicago->exceptions, 0);
  move (chicago, "2026-02-05T15:00:00Z", "2026-02-06T14:00:00Z");
  assert_no_overlap (berlin, chicago);

  /* A move before the series' start still counts. */
  g_ptr_array_set_size (chicago->exceptions, 0);
  move (chicago, "2026-01-08T15:00:00Z", "2026-01-01T14:15:00Z");
  berlin->start = instant ("2026-01-01T14:00:00Z");
  assert_overlap (berlin, chicago, "2026-01-01T14:00:00Z", "2026-01-01T15:00:00Z",
                  "2026-01-01T14:15:00Z", "2026-01-01T15:15:00Z");
}

static void
test_every_two_weeks (void)
{
  /* Tuesdays 10:00 and 10:30 UTC, in alternate weeks. */
  g_autoptr (EbSession) even
      = session_new (1, "2026-01-06T10:00:00Z", 60, "UTC", rule_new (EB_RECURRENCE_WEEKLY, 2));
  g_autoptr (EbSession) odd
      = session_new (2, "2026-01-13T10:30:00Z", 60, "UTC", rule_new (EB_RECURRENCE_WEEKLY, 2));
  g_autoptr (EbSession) weekly
      = session_new (3, "2026-01-13T10:30:00Z", 60, "UTC", rule_new (EB_RECURRENCE_WEEKLY, 1));

  assert_no_overlap (even, odd);
  assert_overlap (even, weekly, "2026-01-20T10:00:00Z", "2026-01-20T11:00:00Z",
                  "2026-01-20T10:30:00Z", "2026-01-20T11:30:00Z");
  assert_overlap (weekly, even, "2026-01-20T10:30:00Z", "2026-01-20T11:30:00Z",
                  "2026-01-20T10:00:00Z", "2026-01-20T11:00:00Z");
}

static void
test_monthly_weekly (void)
{
  /* 2nd Tuesday 09:00-10:00 Chicago, and Tuesdays 09:30-10:00 Chicago
   * from 20 January: they meet on 10 February. */
  g_autoptr (EbSession) monthly = session_new (1, "2026-01-13T15:00:00Z", 60, "America/Chicago",
                                               rule_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1));
  g_autoptr (EbSession) weekly = session_new (2, "2026-01-20T15:30:00Z", 30, "America/Chicago",
                                              rule_new (EB_RECURRENCE_WEEKLY, 1));
  g_autoptr (EbSession) last = session_new (3, "2026-01-27T15:00:00Z", 60, "America/Chicago",
                                            rule_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1));

  assert_overlap (monthly, weekly, "2026-02-10T15:00:00Z", "2026-02-10T16:00:00Z",
                  "2026-02-10T15:30:00Z", "2026-02-10T16:00:00Z");

  /* The 2nd and the last Tuesday of a month never coincide. */
  last->recurrence->last_weekday = TRUE;
  assert_no_overlap (monthly, last);
}

static void
test_touching (void)
{
  g_autoptr (EbSession) a = session_new (1, "2026-05-05T14:00:00Z", 60, "America/Chicago", NULL);
  g_autoptr (EbSession) b = session_new (2, "2026-05-05T15:00:00Z", 30, "Europe/Berlin", NULL);
  g_autoptr (EbSession) inside = session_new (3, "2026-05-05T14:20:00Z", 10, "Asia/Kolkata", NULL);

  assert_no_overlap (a, b);
  b->start = instant ("2026-05-05T14:59:00Z");
  assert_overlap (a, b, "2026-05-05T14:00:00Z", "2026-05-05T15:00:00Z", "2026-05-05T14:59:00Z",
                  "2026-05-05T15:29:00Z");
  assert_overlap (inside, a, "2026-05-05T14:20:00Z", "2026-05-05T14:30:00Z", "2026-05-05T14:00:00Z",
                  "2026-05-05T15:00:00Z");

  /* A single session before a series starts. */
  b->start = instant ("2026-05-05T13:00:00Z");
  b->recurrence = rule_new (EB_RECURRENCE_WEEKLY, 1);
  a->start = instant ("2026-05-04T13:00:00Z");
  assert_no_overlap (a, b);
}

static void
test_horizon (void)
{
  /* Every 52 weeks and every 51 weeks, Tuesdays 10:00 UTC, starting two
   * weeks apart: the third occurrences coincide on 4 January 2028, within
   * 730 days of the later start. Three weeks apart they would only meet
   * on 2 January 2029, beyond it. */
  g_autoptr (EbSession) yearly
      = session_new (1, "2026-01-06T10:00:00Z", 60, "UTC", rule_new (EB_RECURRENCE_WEEKLY, 52));
  g_autoptr (EbSession) near
      = session_new (2, "2026-01-20T10:00:00Z", 60, "UTC", rule_new (EB_RECURRENCE_WEEKLY, 51));
  g_autoptr (EbSession) far
      = session_new (3, "2026-01-27T10:00:00Z", 60, "UTC", rule_new (EB_RECURRENCE_WEEKLY, 51));

  assert_overlap (yearly, near, "2028-01-04T10:00:00Z", "2028-01-04T11:00:00Z",
                  "2028-01-04T10:00:00Z", "2028-01-04T11:00:00Z");
  assert_no_overlap (yearly, far);
}

static void
test_errors (void)
{
  g_autoptr (EbSession) good = session_new (1, "2026-05-05T14:00:00Z", 60, "UTC", NULL);
  g_autoptr (EbSession) bad = session_new (2, "2026-05-05T14:00:00Z", 60, "Mars/Olympus", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (eb_sessions_find_overlap (good, bad, NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/core/conflict/dst-gap", test_dst_gap);
  g_test_add_func ("/eboard/core/conflict/cancelled-removes", test_cancelled_removes);
  g_test_add_func ("/eboard/core/conflict/moved-creates", test_moved_creates);
  g_test_add_func ("/eboard/core/conflict/every-two-weeks", test_every_two_weeks);
  g_test_add_func ("/eboard/core/conflict/monthly-weekly", test_monthly_weekly);
  g_test_add_func ("/eboard/core/conflict/touching", test_touching);
  g_test_add_func ("/eboard/core/conflict/horizon", test_horizon);
  g_test_add_func ("/eboard/core/conflict/errors", test_errors);

  return g_test_run ();
}
