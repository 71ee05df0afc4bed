/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <eboard/eb-error.h>

#include "test-store-common.h"

/*
 * A writer process runs transactions in a loop, each a session with four
 * roster entries (five rows), and appends the transaction's number to a
 * log, synced, only after COMMIT returned. The test kills it with SIGKILL
 * at a random moment and then checks the file: every logged transaction
 * is there in full, none is there in part, and at most one committed
 * transaction missed its log line (the kill fell between COMMIT and the
 * log write).
 */

#define WRITER_FLAG "--crash-writer"
#define ROSTER_SIZE 4
#define RUNS 3
#define MIN_COMMITS 5
#define GIVE_UP_SECONDS 60

/* --- the writer (a child process running this binary) --- */

static gboolean
writer_transaction (EbStore *store, guint run, guint n, EbId site_id, const EbId *people,
                    GError **error)
{
  g_autoptr (EbTransaction) tx = eb_store_transaction_begin (store, error);
  g_autoptr (EbSession) session = NULL;
  g_autofree char *title = g_strdup_printf ("r%u-t%u", run, n);

  if (tx == NULL)
    return FALSE;
  session = test_new_session (site_id, title, 1767258000 + (gint64)n * 3600, 60);
  if (!eb_store_session_insert (store, session, error))
    return FALSE;
  for (guint i = 0; i < ROSTER_SIZE; i++)
    {
      g_autoptr (EbRosterEntry) entry = eb_roster_entry_new ();

      entry->session_id = session->id;
      entry->person_id = people[i];
      entry->role = i == 0 ? EB_ROSTER_ROLE_CHAIR : EB_ROSTER_ROLE_PANELIST;
      if (!eb_store_roster_insert (store, entry, error))
        return FALSE;
    }
  return eb_transaction_commit (tx, error);
}

static int
run_writer (const char *db_path, const char *log_path, guint run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStore) store = NULL;
  g_autoptr (GPtrArray) sites = NULL;
  g_autoptr (GPtrArray) people = NULL;
  EbId person_ids[ROSTER_SIZE];
  int fd;

  store = eb_store_open (db_path, NULL, &error);
  if (store != NULL)
    sites = eb_store_site_list (store, NULL, NULL, &error);
  if (sites != NULL)
    people = eb_store_person_list (store, NULL, NULL, NULL, &error);
  if (people == NULL)
    {
      g_printerr ("writer: %s\n", error->message);
      return 2;
    }
  if (sites->len < 1 || people->len < ROSTER_SIZE)
    {
      g_printerr ("writer: the database is not seeded\n");
      return 2;
    }
  for (guint i = 0; i < ROSTER_SIZE; i++)
    person_ids[i] = ((EbPerson *)g_ptr_array_index (people, i))->id;

  fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_printerr ("writer: cannot open %s: %s\n", log_path, g_strerror (errno));
      return 2;
    }
  for (guint n = 1;; n++)
    {
      char line[32];
      int length;

      if (!writer_transaction (store, run, n, ((EbSite *)g_ptr_array_index (sites, 0))->id,
                               person_ids, &error))
        {
          g_printerr ("writer: transaction %u: %s\n", n, error->message);
          return 2;
        }
      length = g_snprintf (line, sizeof (line), "%u\n", n);
      if (write (fd, line, length) != length || fsync (fd) != 0)
        {
          g_printerr ("writer: cannot log transaction %u: %s\n", n, g_strerror (errno));
          return 2;
        }
    }
  return 0;
}

/* --- the test --- */

/* The transaction numbers of the complete lines of a log. */
static GArray *
read_log (const char *path)
{
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_lines;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_steal_pointer (&numbers);
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);
  /* The last piece follows the last newline: empty, or a line the kill cut
   * short. */
  for (guint i = 0; i + 1 < n_lines; i++)
    {
      guint64 value = 0;
      g_autoptr (GError) error = NULL;

      g_ascii_string_to_unsigned (lines[i], 10, 1, G_MAXUINT, &value, &error);
      g_assert_no_error (error);
      g_array_append_val (numbers, value);
    }
  return g_steal_pointer (&numbers);
}

static void
seed (const char *db_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStore) store = eb_store_open (db_path, NULL, &error);
  g_autoptr (EbSite) site = NULL;

  g_assert_no_error (error);
  site = test_add_site (store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  for (guint i = 0; i < ROSTER_SIZE; i++)
    {
      g_autofree char *name = g_strdup_printf ("person%u", i);
      g_autoptr (EbPerson) person = test_add_person (store, site->id, name, "surgery", TRUE);
    }
}

/* Starts a writer, lets it commit for about a second (at least
 * MIN_COMMITS), and kills it. */
static void
kill_writer (const char *db_path, const char *log_path, guint run)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", &error);
  g_autofree char *run_text = g_strdup_printf ("%u", run);
  const char *argv[] = { self_exe, WRITER_FLAG, db_path, log_path, run_text, NULL };
  gint64 started = g_get_monotonic_time ();
  gint64 kill_after = g_test_rand_int_range (700, 1300) * G_TIME_SPAN_MILLISECOND;
  GPid pid = 0;
  int status = 0;

  g_assert_no_error (error);
  g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);

  for (;;)
    {
      g_autoptr (GArray) logged = read_log (log_path);
      gint64 elapsed = g_get_monotonic_time () - started;
      pid_t done = waitpid (pid, &status, WNOHANG);

      if (done == pid)
        g_error ("the writer stopped by itself (status %d) after %u commits", status, logged->len);
      if (elapsed >= kill_after && logged->len >= MIN_COMMITS)
        {
          g_test_message ("run %u: killing the writer after %" G_GINT64_FORMAT " ms and %u "
                          "logged commits",
                          run, elapsed / G_TIME_SPAN_MILLISECOND, logged->len);
          break;
        }
      if (elapsed > GIVE_UP_SECONDS * G_TIME_SPAN_SECOND)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
          g_error ("the writer logged only %u commits in %d s", logged->len, GIVE_UP_SECONDS);
        }
      g_usleep (5 * G_TIME_SPAN_MILLISECOND);
    }

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  g_spawn_close_pid (pid);
}

/* Every batch of run @run in the file is whole; every logged one is
 * there. */
static void
check_run (const char *db_path, const char *log_path, guint run)
{
  g_autoptr (GArray) logged = read_log (log_path);
  g_autoptr (sqlite3) db = test_raw_open (db_path);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GHashTable) present = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree char *pattern = g_strdup_printf ("r%u-t%%", run);
  guint max_present = 0;
  int rc;

  /* Each session of the run with its number of roster rows. */
  rc = sqlite3_prepare_v2 (db,
                           "SELECT s.title, (SELECT COUNT(*) FROM roster_entries AS r "
                           "WHERE r.session_id = s.id) FROM sessions AS s WHERE s.title LIKE ?1",
                           -1, &stmt, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *title = (const char *)sqlite3_column_text (stmt, 0);
      const char *number = strstr (title, "-t") + 2;
      guint n = (guint)g_ascii_strtoull (number, NULL, 10);

      if (sqlite3_column_int (stmt, 1) != ROSTER_SIZE)
        g_error ("transaction %s is partial: %d of %d roster rows", title,
                 sqlite3_column_int (stmt, 1), ROSTER_SIZE);
      g_assert_true (g_hash_table_add (present, GUINT_TO_POINTER (n)));
      max_present = MAX (max_present, n);
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);

  g_assert_cmpuint (logged->len, >=, MIN_COMMITS);
  for (guint i = 0; i < logged->len; i++)
    {
      guint n = g_array_index (logged, guint, i);

      g_assert_cmpuint (n, ==, i + 1);
      if (!g_hash_table_contains (present, GUINT_TO_POINTER (n)))
        g_error ("run %u: logged transaction %u is missing", run, n);
    }
  /* Transactions commit in order, so what is present is 1..max, and at
   * most the last one was not logged yet. */
  g_assert_cmpuint (g_hash_table_size (present), ==, max_present);
  g_assert_cmpuint (max_present, >=, logged->len);
  g_assert_cmpuint (max_present, <=, logged->len + 1);
  g_test_message ("run %u: %u logged, %u committed", run, logged->len, max_present);
}

static void
test_crash_writer (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *db_path = g_build_filename (dir, "eboard.db", NULL);
  g_autofree char *integrity = NULL;
  guint64 sessions = 0;

  seed (db_path);
  for (guint run = 1; run <= RUNS; run++)
    {
      g_autofree char *log_path = g_strdup_printf ("%s/run-%u.log", dir, run);
      g_autoptr (GError) error = NULL;
      g_autoptr (EbStore) store = NULL;
      g_autoptr (GPtrArray) list = NULL;
      guint total = 0;

      kill_writer (db_path, log_path, run);

      /* An independent reader first (SQLite replays the log), then every
       * earlier run again: nothing committed before is lost later. */
      for (guint earlier = 1; earlier <= run; earlier++)
        {
          g_autofree char *earlier_log = g_strdup_printf ("%s/run-%u.log", dir, earlier);

          check_run (db_path, earlier_log, earlier);
        }
      g_clear_pointer (&integrity, g_free);
      integrity = test_raw_text (db_path, "PRAGMA integrity_check");
      g_assert_cmpstr (integrity, ==, "ok");
      g_assert_cmpint (test_raw_int (db_path, "SELECT COUNT(*) FROM pragma_foreign_key_check"), ==,
                       0);

      /* The store opens the file after the crash and sees the same. */
      store = eb_store_open (db_path, NULL, &error);
      g_assert_no_error (error);
      list = eb_store_session_list (store, NULL, NULL, &total, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (total, ==, list->len);
      g_assert_cmpuint (total, >, sessions);
      g_assert_cmpuint (total * ROSTER_SIZE, ==,
                        test_raw_int (db_path, "SELECT COUNT(*) FROM roster_entries"));
      sessions = total;
    }
  test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  if (argc == 5 && g_strcmp0 (argv[1], WRITER_FLAG) == 0)
    return run_writer (argv[2], argv[3], (guint)g_ascii_strtoull (argv[4], NULL, 10));

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/eboard/store/crash/sigkill-writer", test_crash_writer);
  return g_test_run ();
}
