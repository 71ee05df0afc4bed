/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>

#include "test-store-common.h"
#include "test-store-migrations.h"

/*
 * The bounds of a series, [series_start, series_end), as the store keeps
 * them (migration 003): a moved occurrence may start before the series
 * does, and the conflict check and the session list must still find it.
 */

#define HOUR ((gint64)3600)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)

typedef struct
{
  char *dir;
  char *path;
  EbStore *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = test_make_dir ();
  f->path = g_build_filename (f->dir, "eboard.db", NULL);
  f->store = eb_store_open (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* A weekly series in UTC, 60 minutes, @count times from @start. */
static EbSession *
new_weekly (EbId site_id, const char *title, gint64 start, gint count)
{
  EbSession *session = test_new_session (site_id, title, start, 60);

  g_free (session->timezone);
  session->timezone = g_strdup ("UTC");
  session->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  session->recurrence->count = count;
  return session;
}

static void
add_exception (EbSession *session, gint64 original_start, gboolean cancelled, gint64 new_start)
{
  if (session->exceptions == NULL)
    session->exceptions
        = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_occurrence_exception_free);
  g_ptr_array_add (session->exceptions,
                   eb_occurrence_exception_new (original_start, cancelled, new_start));
}

static gint64
stored_series_start (Fixture *f, EbId id)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT series_start FROM sessions WHERE id = %" G_GINT64_FORMAT, id);

  return test_raw_int (f->path, sql);
}

static gboolean
contains_session (GPtrArray *sessions, EbId id, gboolean person_sessions)
{
  for (guint i = 0; i < sessions->len; i++)
    {
      const EbSession *session = person_sessions
                                     ? ((EbPersonSession *)g_ptr_array_index (sessions, i))->session
                                     : g_ptr_array_index (sessions, i);

      if (session->id == id)
        return TRUE;
    }
  return FALSE;
}

/* --- eb_session_series_start --- */

static void
test_series_start_value (void)
{
  gint64 start = test_utc (2026, 6, 2, 15, 0);
  g_autoptr (EbSession) session = new_weekly (1, "X", start, 3);

  g_assert_cmpint (eb_session_series_start (session), ==, start);
  /* cancelled, and moved later: the start stays first */
  add_exception (session, start, TRUE, 0);
  add_exception (session, start + WEEK, FALSE, start + WEEK + DAY);
  g_assert_cmpint (eb_session_series_start (session), ==, start);
  /* moved before the start: that comes first */
  add_exception (session, start + 2 * WEEK, FALSE, start - 32 * DAY);
  g_assert_cmpint (eb_session_series_start (session), ==, start - 32 * DAY);
}

/* --- the store --- */

/* The review's case: a weekly series from 2026-06-02T15:00Z whose first
 * occurrence is moved to 2026-05-01T15:00Z. */
static void
test_moved_before_start (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbPerson) chair
      = test_add_person (f->store, site->id, "chair", "medical_oncology", TRUE);
  gint64 start = test_utc (2026, 6, 2, 15, 0);
  gint64 moved = test_utc (2026, 5, 1, 15, 0);
  g_autoptr (EbSession) x = new_weekly (site->id, "X", start, 3);
  g_autoptr (EbSession) other = new_weekly (site->id, "Other", start + 10 * WEEK, 2);
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (EbRosterEntry) other_entry = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  EbSessionFilter filter = { 0 };
  gboolean ok;

  add_exception (x, start, FALSE, moved);
  ok = eb_store_session_insert (f->store, x, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = eb_store_session_insert (f->store, other, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  entry = test_add_entry (f->store, x->id, chair->id, EB_ROSTER_ROLE_CHAIR);
  other_entry = test_add_entry (f->store, other->id, chair->id, EB_ROSTER_ROLE_CHAIR);

  g_assert_cmpint (stored_series_start (f, x->id), ==, moved);
  g_assert_cmpint (stored_series_start (f, other->id), ==, other->start);

  /* the conflict check's query, for a one-hour session at the moved time */
  found = eb_store_person_sessions (f->store, chair->id, moved, moved + HOUR, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (contains_session (found, x->id, TRUE));
  g_clear_pointer (&found, g_ptr_array_unref);

  /* and all roles */
  found = eb_store_person_sessions (f->store, chair->id, moved, moved + HOUR, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* GET /sessions?from=2026-05-01&to=2026-05-02 */
  filter.state = -1;
  filter.from = test_utc (2026, 5, 1, 0, 0);
  filter.to = test_utc (2026, 5, 2, 0, 0);
  listed = eb_store_session_list (f->store, &filter, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_true (contains_session (listed, x->id, FALSE));
  g_clear_pointer (&listed, g_ptr_array_unref);

  /* a window before the moved occurrence still finds nothing */
  found = eb_store_person_sessions (f->store, chair->id, moved - DAY, moved - DAY + HOUR, TRUE,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  filter.from = test_utc (2026, 4, 1, 0, 0);
  filter.to = test_utc (2026, 4, 30, 0, 0);
  listed = eb_store_session_list (f->store, &filter, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 0);
  g_clear_pointer (&listed, g_ptr_array_unref);

  /* moving the occurrence back (an update) brings series_start back */
  g_ptr_array_set_size (x->exceptions, 0);
  ok = eb_store_session_update (f->store, x, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (stored_series_start (f, x->id), ==, start);
  found = eb_store_person_sessions (f->store, chair->id, moved, moved + HOUR, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* and an update that moves it earlier again sets it */
  add_exception (x, start + WEEK, FALSE, moved + HOUR);
  ok = eb_store_session_update (f->store, x, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (stored_series_start (f, x->id), ==, moved + HOUR);
  found = eb_store_person_sessions (f->store, chair->id, moved + HOUR, moved + 2 * HOUR, TRUE,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (contains_session (found, x->id, TRUE));
}

/* The column is indexed, and the conflict check's plan still scans no
 * table. */
static void
test_schema (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (eb_store_get_schema_version (f->store), >=, 3);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM pragma_table_info('sessions') "
                                          "WHERE name = 'series_start' AND \"notnull\" = 1"),
                   ==, 1);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sqlite_schema WHERE type = "
                                          "'index' AND name = 'sessions_series_start'"),
                   ==, 1);
  for (guint exclusive = 0; exclusive < 2; exclusive++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *plan
          = eb_store_explain (f->store, eb_store_person_sessions_sql (exclusive), &error);

      g_assert_no_error (error);
      g_test_message ("%s", plan);
      g_assert_null (strstr (plan, "SCAN "));
    }
}

/* A database of schema version 2 gets series_start filled in from its
 * sessions and their exceptions. */
static void
test_migration_backfill (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_make_dir ();
  g_autofree char *sql_dir = g_build_filename (dir, "sql-002", NULL);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr (EbStore) store = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  gint64 start = test_utc (2026, 6, 2, 15, 0);
  gint64 moved = test_utc (2026, 5, 1, 15, 0);
  g_autofree char *rows = NULL;
  g_autoptr (EbRecurrence) weekly = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autofree char *rrule = NULL;

  g_assert_cmpint (g_mkdir (sql_dir, 0700), ==, 0);
  test_copy_shipped_migrations (sql_dir, 2);
  store = eb_store_open (path, sql_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), ==, 2);
  g_clear_object (&store);

  weekly->count = 3;
  rrule = eb_recurrence_to_rrule (weekly, start, "UTC", &error);
  g_assert_no_error (error);

  /* Rows as version 2 wrote them: 1 single, 2 moved before its start
   * (and one later), 3 moved later only, 4 with only a cancellation. */
  rows = g_strdup_printf (
      "INSERT INTO sites (id, name, code, timezone, status, is_hub, created_at, updated_at) "
      "VALUES (1, 'Hub', 'HUB', 'UTC', 'active', 1, 1, 1);"
      "INSERT INTO people (id, name, email, specialty, home_site_id, active, created_at, "
      "updated_at) VALUES (1, 'Ann', 'ann@x.example', 'surgery', 1, 1, 1, 1);"
      "INSERT INTO sessions (id, title, host_site_id, start, duration_minutes, timezone, state, "
      "rrule, series_end, created_at, updated_at) VALUES "
      "(1, 'single', 1, %1$" G_GINT64_FORMAT ", 60, 'UTC', 'draft', NULL, %1$" G_GINT64_FORMAT
      " + 3600, 1, 1),"
      "(2, 'X', 1, %1$" G_GINT64_FORMAT ", 60, 'UTC', 'scheduled', '%3$s', "
      "%1$" G_GINT64_FORMAT " + 1213200, 1, 1),"
      "(3, 'later', 1, %1$" G_GINT64_FORMAT ", 60, 'UTC', 'draft', '%3$s', "
      "%1$" G_GINT64_FORMAT " + 1299600, 1, 1),"
      "(4, 'cancelled', 1, %1$" G_GINT64_FORMAT ", 60, 'UTC', 'draft', '%3$s', "
      "%1$" G_GINT64_FORMAT " + 1213200, 1, 1);"
      "INSERT INTO session_exceptions (session_id, original_start, cancelled, new_start) VALUES "
      "(2, %1$" G_GINT64_FORMAT ", 0, %2$" G_GINT64_FORMAT "),"
      "(2, %1$" G_GINT64_FORMAT " + 604800, 0, %1$" G_GINT64_FORMAT " + 691200),"
      "(3, %1$" G_GINT64_FORMAT ", 0, %1$" G_GINT64_FORMAT " + 86400),"
      "(4, %1$" G_GINT64_FORMAT ", 1, NULL);"
      "INSERT INTO roster_entries (session_id, person_id, role, status, created_at, updated_at) "
      "VALUES (2, 1, 'chair', 'accepted', 1, 1);",
      start, moved, rrule);
  test_raw_exec (path, rows);

  store = eb_store_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), >=, 3);
  g_assert_cmpint (test_raw_int (path, "SELECT series_start FROM sessions WHERE id = 1"), ==,
                   start);
  g_assert_cmpint (test_raw_int (path, "SELECT series_start FROM sessions WHERE id = 2"), ==,
                   moved);
  g_assert_cmpint (test_raw_int (path, "SELECT series_start FROM sessions WHERE id = 3"), ==,
                   start);
  g_assert_cmpint (test_raw_int (path, "SELECT series_start FROM sessions WHERE id = 4"), ==,
                   start);

  /* the backfill is what the store writes */
  sessions = eb_store_session_list (store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 4);
  for (guint i = 0; i < sessions->len; i++)
    {
      const EbSession *session = g_ptr_array_index (sessions, i);
      g_autofree char *sql = g_strdup_printf (
          "SELECT series_start FROM sessions WHERE id = %" G_GINT64_FORMAT, session->id);

      g_assert_cmpint (test_raw_int (path, sql), ==, eb_session_series_start (session));
    }

  /* and the conflict check finds the moved occurrence */
  found = eb_store_person_sessions (store, 1, moved, moved + HOUR, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (contains_session (found, 2, TRUE));

  g_clear_object (&store);
  test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/store/series/start-value", test_series_start_value);
  g_test_add ("/eboard/store/series/moved-before-start", Fixture, NULL, fixture_setup,
              test_moved_before_start, fixture_teardown);
  g_test_add ("/eboard/store/series/schema", Fixture, NULL, fixture_setup, test_schema,
              fixture_teardown);
  g_test_add_func ("/eboard/store/series/migration-backfill", test_migration_backfill);
  return g_test_run ();
}
