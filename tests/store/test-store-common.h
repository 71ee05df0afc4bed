/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include <eboard/eb-store.h>

#include "store/eb-store-private.h"

/* Helpers shared by the store tests: a temporary folder per test and a
 * second, raw SQLite connection to look at the file behind the store's
 * back. */

static inline void
test_rm_rf (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      test_rm_rf (child);
    }
  g_rmdir (path);
}

static inline char *
test_make_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("eboard-store-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

static inline sqlite3 *
test_raw_open (const char *path)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);

  g_assert_cmpint (rc, ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

/* The first column of the first row of @sql, on a raw connection. */
static inline gint64
test_raw_int (const char *path, const char *sql)
{
  g_autoptr (sqlite3) db = test_raw_open (path);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_error ("preparing %s: %s", sql, sqlite3_errmsg (db));
  rc = sqlite3_step (stmt);
  g_assert_cmpint (rc, ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static inline char *
test_raw_text (const char *path, const char *sql)
{
  g_autoptr (sqlite3) db = test_raw_open (path);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_error ("preparing %s: %s", sql, sqlite3_errmsg (db));
  rc = sqlite3_step (stmt);
  g_assert_cmpint (rc, ==, SQLITE_ROW);
  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

static inline void
test_raw_exec (const char *path, const char *sql)
{
  g_autoptr (sqlite3) db = test_raw_open (path);
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static inline gint64
test_utc (int year, int month, int day, int hour, int minute)
{
  g_autoptr (GDateTime) when = g_date_time_new_utc (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (when);
}

static inline EbSite *
test_add_site (EbStore *store, const char *code, EbSiteStatus status, gboolean is_hub)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = eb_site_new ();
  gboolean ok;

  site->name = g_strdup_printf ("Site %s", code);
  site->code = g_strdup (code);
  site->timezone = g_strdup ("Europe/Berlin");
  site->status = status;
  site->is_hub = is_hub;
  ok = eb_store_site_insert (store, site, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (site->id, >, 0);
  return g_steal_pointer (&site);
}

static inline EbPerson *
test_add_person (EbStore *store, EbId site_id, const char *name, const char *specialty,
                 gboolean active)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbPerson) person = eb_person_new ();
  gboolean ok;

  person->name = g_strdup (name);
  person->email = g_strdup_printf ("%s@example.org", name);
  person->specialty = g_strdup (specialty);
  person->home_site_id = site_id;
  person->active = active;
  ok = eb_store_person_insert (store, person, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (person->id, >, 0);
  return g_steal_pointer (&person);
}

static inline EbSession *
test_new_session (EbId site_id, const char *title, gint64 start, gint duration_minutes)
{
  EbSession *session = eb_session_new ();

  session->title = g_strdup (title);
  session->focus = g_strdup ("GI tumor board");
  session->host_site_id = site_id;
  session->start = start;
  session->duration_minutes = duration_minutes;
  session->timezone = g_strdup ("Europe/Berlin");
  return session;
}

static inline EbSession *
test_add_session (EbStore *store, EbId site_id, const char *title, gint64 start,
                  gint duration_minutes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) session = test_new_session (site_id, title, start, duration_minutes);
  gboolean ok;

  ok = eb_store_session_insert (store, session, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (session->id, >, 0);
  return g_steal_pointer (&session);
}

static inline EbRosterEntry *
test_add_entry (EbStore *store, EbId session_id, EbId person_id, EbRosterRole role)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRosterEntry) entry = eb_roster_entry_new ();
  gboolean ok;

  entry->session_id = session_id;
  entry->person_id = person_id;
  entry->role = role;
  ok = eb_store_roster_insert (store, entry, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (entry->id, >, 0);
  return g_steal_pointer (&entry);
}
