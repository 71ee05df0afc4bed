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
 * Migration 006: the timeline kind case-changed. SQLite cannot alter the
 * CHECK constraint that lists the kinds, so the table is rebuilt; a
 * database of version 5 keeps every row, id, its index, its foreign key
 * and its AUTOINCREMENT counter.
 */

#define CASE_CHANGED_MIGRATION 6

static void
add_event (EbStore *store, EbId session_id, EbTimelineKind kind, gint64 at_us, EbId person_id,
           const char *track, const char *detail)
{
  g_autoptr (EbTimelineEvent) event = eb_timeline_event_new ();
  g_autoptr (GError) error = NULL;

  event->session_id = session_id;
  event->kind = kind;
  event->at_us = at_us;
  event->offset_us = at_us - 1000;
  event->person_id = person_id;
  event->track = g_strdup (track);
  event->detail = g_strdup (detail);
  g_assert_true (eb_store_timeline_insert (store, event, &error));
  g_assert_no_error (error);
}

/* Every row as one text, in id order. */
static char *
dump_timeline (const char *path)
{
  return test_raw_text (path, "SELECT group_concat (row, '|') FROM (SELECT id || ',' || "
                              "session_id || ',' || at_us || ',' || offset_us || ',' || kind || "
                              "',' || COALESCE (person_id, '-') || ',' || COALESCE (track, '-') "
                              "|| ',' || COALESCE (detail, '-') AS row FROM timeline_events "
                              "ORDER BY id)");
}

static void
test_migration_keeps_rows (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_make_dir ();
  g_autofree char *sql_dir = g_build_filename (dir, "sql", NULL);
  g_autofree char *path = g_build_filename (dir, "eboard.db", NULL);
  g_autoptr (EbStore) store = NULL;
  g_autoptr (EbSite) site = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbSession) other = NULL;
  g_autoptr (EbTimelineEvent) refused = eb_timeline_event_new ();
  g_autoptr (EbTimelineEvent) changed = eb_timeline_event_new ();
  g_autoptr (GPtrArray) timeline = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *index_sql = NULL;
  g_autofree char *bogus = NULL;
  const EbTimelineEvent *last;

  /* A database of version 5 with a timeline. */
  g_assert_cmpint (g_mkdir (sql_dir, 0700), ==, 0);
  test_copy_shipped_migrations (sql_dir, CASE_CHANGED_MIGRATION - 1);
  store = eb_store_open (path, sql_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), ==, CASE_CHANGED_MIGRATION - 1);
  site = test_add_site (store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  session = test_add_session (store, site->id, "Board", test_utc (2026, 3, 10, 13, 0), 60);
  other = test_add_session (store, site->id, "Other", test_utc (2026, 3, 11, 13, 0), 60);
  add_event (store, session->id, EB_TIMELINE_SESSION_STARTED, 1000, 0, NULL, "started");
  add_event (store, session->id, EB_TIMELINE_PARTICIPANT_JOINED, 2000, 7, "p7-srt", NULL);
  add_event (store, other->id, EB_TIMELINE_TRACK_STARTED, 2500, 8, "p8-webrtc", "vp8");
  add_event (store, session->id, EB_TIMELINE_SEGMENT_CLOSED, 3000, 7, "p7-srt", "x.ts");
  add_event (store, session->id, EB_TIMELINE_SESSION_INTERRUPTED, 4000, 0, NULL, "stopped");
  /* the last id is gone; ids are never reused */
  test_raw_exec (path, "DELETE FROM timeline_events WHERE id = 5");
  g_assert_cmpint (test_raw_int (path, "SELECT seq FROM sqlite_sequence WHERE name = "
                                       "'timeline_events'"),
                   ==, 5);

  /* Version 5 refuses the new kind. */
  refused->session_id = session->id;
  refused->kind = EB_TIMELINE_CASE_CHANGED;
  refused->at_us = 4500;
  g_assert_false (eb_store_timeline_insert (store, refused, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  before = dump_timeline (path);
  g_clear_object (&store);

  /* Migration 006. */
  test_copy_shipped_migrations (sql_dir, CASE_CHANGED_MIGRATION);
  store = eb_store_open (path, sql_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), ==, CASE_CHANGED_MIGRATION);

  /* Every row as it was, and nothing left of the rebuild. */
  after = dump_timeline (path);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (test_raw_int (path, "SELECT COUNT(*) FROM timeline_events"), ==, 4);
  g_assert_cmpint (test_raw_int (path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = "
                                       "'timeline_events_new'"),
                   ==, 0);
  g_assert_cmpint (test_raw_int (path, "SELECT COUNT(*) FROM sqlite_sequence WHERE name = "
                                       "'timeline_events_new'"),
                   ==, 0);
  index_sql = test_raw_text (path, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND "
                                   "name = 'timeline_events_session_at'");
  g_assert_nonnull (strstr (index_sql, "timeline_events (session_id, at_us)"));
  g_assert_cmpint (test_raw_int (path, "SELECT COUNT(*) FROM pragma_foreign_key_list "
                                       "('timeline_events') WHERE \"table\" = 'sessions' AND "
                                       "on_delete = 'CASCADE'"),
                   ==, 1);

  /* The new kind is stored, after the deleted id; the others still are
   * checked. */
  changed->session_id = session->id;
  changed->kind = EB_TIMELINE_CASE_CHANGED;
  changed->at_us = 5000;
  changed->offset_us = 4000;
  changed->person_id = 7;
  changed->detail = g_strdup ("31");
  g_assert_true (eb_store_timeline_insert (store, changed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (changed->id, ==, 6);
  timeline = eb_store_timeline_list (store, session->id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (timeline->len, ==, 4);
  last = g_ptr_array_index (timeline, timeline->len - 1);
  g_assert_cmpint (last->kind, ==, EB_TIMELINE_CASE_CHANGED);
  g_assert_cmpstr (last->detail, ==, "31");
  g_assert_cmpint (last->person_id, ==, 7);
  bogus = g_strdup_printf ("INSERT INTO timeline_events (session_id, at_us, offset_us, kind) "
                           "VALUES (%" G_GINT64_FORMAT ", 1, 1, 'case-moved')",
                           session->id);
  {
    g_autoptr (sqlite3) db = test_raw_open (path);

    g_assert_cmpint (sqlite3_exec (db, bogus, NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  }

  /* The foreign key still cascades: deleting a session deletes its
   * timeline. */
  g_assert_true (eb_store_session_delete (store, other->id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_raw_int (path, "SELECT COUNT(*) FROM timeline_events WHERE kind = "
                                       "'track-started'"),
                   ==, 0);

  g_clear_object (&store);
  test_rm_rf (dir);
}

/* A new database of the built-in migrations stores the kind. */
static void
test_fresh_database (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "eboard.db", NULL);
  g_autoptr (EbStore) store = NULL;
  g_autoptr (EbSite) site = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) timeline = NULL;

  store = eb_store_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), >=, CASE_CHANGED_MIGRATION);
  site = test_add_site (store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  session = test_add_session (store, site->id, "Board", test_utc (2026, 3, 10, 13, 0), 60);
  add_event (store, session->id, EB_TIMELINE_CASE_CHANGED, 1000, 3, NULL, "12");
  timeline = eb_store_timeline_list (store, session->id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (timeline->len, ==, 1);
  g_assert_cmpint (((const EbTimelineEvent *)g_ptr_array_index (timeline, 0))->kind, ==,
                   EB_TIMELINE_CASE_CHANGED);
  g_clear_object (&store);
  test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/store/case-changed/migration-keeps-rows", test_migration_keeps_rows);
  g_test_add_func ("/eboard/store/case-changed/fresh-database", test_fresh_database);
  return g_test_run ();
}
