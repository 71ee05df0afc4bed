/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <eboard/eb-service.h>

#include "eb-service-test-util.h"

/*
 * Use cases over a real store that once went wrong: a chair double-booked
 * through an occurrence moved before its series' start.
 */

#define HOUR ((gint64)3600)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)

typedef struct
{
  char *dir;
  EbStore *store;
  EbService *service;
  EbPrincipal coordinator;
  EbId hub_id;
  EbId chair_id;
} Fixture;

static gint64
utc_time (gint year, gint month, gint day, gint hour, gint minute)
{
  g_autoptr (GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static void
assert_overlap_refused (const GError *error)
{
  GPtrArray *violations;
  gboolean found = FALSE;

  g_assert_error (error, EB_ERROR, EB_ERROR_RULE_VIOLATED);
  violations = eb_error_get_violations (error);
  g_assert_nonnull (violations);
  for (guint i = 0; i < violations->len; i++)
    {
      const EbViolation *v = g_ptr_array_index (violations, i);

      if (g_strcmp0 (v->rule, "exclusive-role-overlap") == 0)
        {
          g_assert_cmpstr (v->field, ==, "person_id");
          found = TRUE;
        }
    }
  if (!found)
    g_error ("no exclusive-role-overlap in \"%s\"", error->message);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  EbServiceSettings settings = {
    .public_url = "http://127.0.0.1:9/",
    .organizer_email = "board@test.invalid",
    .uid_domain = "test.eboard.invalid",
  };

  f->store = eb_service_test_open_store_in ("eb-service-fixes-XXXXXX", &f->dir);
  f->service = eb_service_new (f->store, &settings);
  f->coordinator = (EbPrincipal){ .token_id = 2, .person_id = 0, .role = EB_ROLE_COORDINATOR };

  f->hub_id = eb_service_test_add_site (f->service, &f->coordinator, "Hub", "HUB", "UTC", TRUE);
  f->chair_id = eb_service_test_add_person (f->service, &f->coordinator, "Chair",
                                            "chair@example.org", "medical_oncology", f->hub_id);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  eb_service_test_close (&f->service, &f->store);
  eb_service_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* A session in UTC; weekly @count times when @count > 0. */
static EbId
add_session (Fixture *f, const char *title, gint64 start, gint count)
{
  g_autoptr (EbSession) input = eb_session_new ();
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  input->title = g_strdup (title);
  input->host_site_id = f->hub_id;
  input->start = start;
  input->duration_minutes = 60;
  input->timezone = g_strdup ("UTC");
  if (count > 0)
    {
      input->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
      input->recurrence->count = count;
    }
  session = eb_service_create_session (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  return session->id;
}

static EbRosterEntry *
try_chair (Fixture *f, EbId session_id, GError **error)
{
  g_autoptr (EbRosterEntry) input = eb_roster_entry_new ();

  input->session_id = session_id;
  input->person_id = f->chair_id;
  input->role = EB_ROSTER_ROLE_CHAIR;
  input->status = EB_INVITATION_ACCEPTED;
  return eb_service_add_roster_entry (f->service, &f->coordinator, input, NULL, error);
}

static void
add_chair (Fixture *f, EbId session_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRosterEntry) entry = try_chair (f, session_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entry);
}

static void
move_occurrence (Fixture *f, EbId session_id, gint64 original_start, gint64 new_start)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) session = eb_service_set_occurrence_exception (
      f->service, &f->coordinator, session_id, original_start, FALSE, new_start, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
}

/* Weekly X from 2026-06-02T15:00Z, 3 times, person 1 chair; the first
 * occurrence is moved to 2026-05-01T15:00Z; a single Y at that time. Making
 * person 1 chair of Y too was accepted. */
static void
test_moved_before_start_conflict (Fixture *f, gconstpointer data)
{
  gint64 start = utc_time (2026, 6, 2, 15, 0);
  gint64 moved = utc_time (2026, 5, 1, 15, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (GPtrArray) roster = NULL;
  EbSessionFilter filter = { .state = -1 };
  EbId x, y, later;

  x = add_session (f, "X", start, 3);
  add_chair (f, x);
  move_occurrence (f, x, start, moved);
  y = add_session (f, "Y", moved, 0);

  entry = try_chair (f, y, &error);
  g_assert_null (entry);
  assert_overlap_refused (error);
  g_clear_error (&error);
  roster = eb_service_list_roster (f->service, &f->coordinator, y, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster->len, ==, 0);

  /* GET /sessions?from=2026-05-01&to=2026-05-02 lists X */
  filter.from = utc_time (2026, 5, 1, 0, 0);
  filter.to = utc_time (2026, 5, 2, 0, 0);
  listed = eb_service_list_sessions (f->service, &f->coordinator, &filter, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpint (((EbSession *)g_ptr_array_index (listed, 0))->id, ==, y);
  g_assert_cmpint (((EbSession *)g_ptr_array_index (listed, 1))->id, ==, x);

  /* an hour later there is room */
  later = add_session (f, "Later", moved + HOUR, 0);
  add_chair (f, later);
}

/* The other way round: the chair's single session comes first, then a
 * series whose occurrence moves onto it from after it. */
static void
test_move_onto_earlier_session (Fixture *f, gconstpointer data)
{
  gint64 start = utc_time (2026, 6, 2, 15, 0);
  gint64 moved = utc_time (2026, 5, 1, 15, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbSession) input = NULL;
  g_autoptr (EbSession) updated = NULL;
  EbId x, y, z;

  y = add_session (f, "Y", moved, 0);
  add_chair (f, y);
  x = add_session (f, "X", start, 3);
  add_chair (f, x);

  session = eb_service_set_occurrence_exception (f->service, &f->coordinator, x, start, FALSE,
                                                 moved + 30 * 60, &error);
  g_assert_null (session);
  assert_overlap_refused (error);
  g_clear_error (&error);

  /* moved elsewhere before the series start, then a third session is
   * moved onto that occurrence */
  move_occurrence (f, x, start, moved - WEEK);
  z = add_session (f, "Z", moved + DAY, 0);
  add_chair (f, z);
  session = eb_service_get_session (f->service, &f->coordinator, z, &error);
  g_assert_no_error (error);
  input = eb_session_copy (session);
  input->start = moved - WEEK + 15 * 60;
  updated = eb_service_update_session (f->service, &f->coordinator, input, NULL, &error);
  g_assert_null (updated);
  assert_overlap_refused (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/eboard/service/fixes/moved-before-start-conflict", Fixture, NULL, fixture_setup,
              test_moved_before_start_conflict, fixture_teardown);
  g_test_add ("/eboard/service/fixes/move-onto-earlier-session", Fixture, NULL, fixture_setup,
              test_move_onto_earlier_session, fixture_teardown);
  return g_test_run ();
}
