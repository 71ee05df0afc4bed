/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-bench"

#include "eb-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include <eboard/eboard.h>

#include "store/eb-store-private.h"

/*
 * Store scale benchmark: seeds a network's ten years of history (sites,
 * people, sessions, roster) into a real database file, then times the
 * two queries that must stay in milliseconds at that size: the conflict
 * check for a new roster entry and a person's calendar feed. A plain
 * primary-key lookup on the same file is the floor they are compared with.
 *
 * Sites, people and sessions are written through the store (so rrule and
 * series_end are exactly what the product writes); the roster, the bulk of
 * the rows, through one prepared INSERT on a second connection to the same
 * file unless --store-roster is given. Every timed operation is the real
 * store or service code.
 */

/* 2026-11-24T12:00:00Z: seeded sessions before it are history. */
#define BENCH_NOW G_GINT64_CONSTANT (1795521600)
/* Seeded sessions start between 2017-06-01 and 2027-06-01, so the last
 * half year is planned ahead, as a network does. */
#define BENCH_FIRST_YEAR 2017
#define BENCH_FIRST_MONTH G_DATE_JUNE
#define BENCH_DAYS 3652
/* New sessions of the benchmark go into the planned half year. */
#define BENCH_PLANNED_DAYS 180

#define BENCH_BATCH 5000

static const char *const bench_zones[] = {
  "America/New_York", "America/Chicago",     "America/Denver", "America/Los_Angeles",
  "America/Phoenix",  "America/Sao_Paulo",   "Europe/London",  "Europe/Berlin",
  "Europe/Paris",     "Africa/Johannesburg", "Asia/Kolkata",   "Asia/Tokyo",
  "Australia/Sydney", "Pacific/Auckland",
};

static const char *const bench_focus[] = {
  "GI tumor board",        "Thoracic tumor board",       "Breast tumor board",
  "Neuro-oncology board",  "Head and neck board",        "Sarcoma board",
  "Lymphoma board",        "Gynecologic oncology board", "GU tumor board",
  "Molecular tumor board",
};

typedef struct
{
  gint sites;
  gint people;
  gint sessions;
  gint roster_per_session;
  gint samples;
  gint64 seed;
  char *db_path;
  char *migrations;
  gboolean keep;
  gboolean store_roster;
} BenchOptions;

typedef struct
{
  EbId id;
  gint64 start;
} BenchSession;

typedef struct
{
  BenchOptions *options;
  GRand *rand;
  char *dir;
  char *db_path;
  EbStore *store;
  EbService *service;
  EbPrincipal admin;
  sqlite3 *raw;
  GTimeZone *zones[G_N_ELEMENTS (bench_zones)];

  GArray *site_ids;   /* EbId */
  GArray *site_zones; /* guint: index into bench_zones */
  GArray *people;     /* EbId, index order: the first tenth are the busy core */
  GArray *active;     /* EbId of active people */
  GArray *sessions;   /* BenchSession */
  guint recurring;

  double seed_seconds[4];
} Bench;

/* Reads are compared with the read floor, committed writes with the
 * write floor (a commit waits for fsync: synchronous=FULL, as the store). */
typedef enum
{
  BENCH_READ,
  BENCH_WRITE,
} BenchKind;

typedef struct
{
  char *name;
  GArray *ms; /* double */
  char *note;
  BenchKind kind;
  gboolean floor;
} BenchRow;

static void
bench_row_free (BenchRow *row)
{
  g_free (row->name);
  g_array_unref (row->ms);
  g_free (row->note);
  g_free (row);
}

static gint64
bench_clock_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64)ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static double
bench_elapsed_ms (gint64 since_ns)
{
  return (double)(bench_clock_ns () - since_ns) / 1e6;
}

static G_GNUC_NORETURN void
bench_fail (const char *what, const GError *error)
{
  g_printerr ("bench-store: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static void
bench_sql (sqlite3 *db, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_printerr ("bench-store: %s: %s\n", sql, message);
      sqlite3_free (message);
      exit (1);
    }
}

static sqlite3_stmt *
bench_prepare (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-store: %s: %s\n", sql, sqlite3_errmsg (db));
      exit (1);
    }
  return stmt;
}

static gint64
bench_sql_int (sqlite3 *db, const char *sql)
{
  g_autoptr (sqlite3_stmt) stmt = bench_prepare (db, sql);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_printerr ("bench-store: %s: no row\n", sql);
      exit (1);
    }
  return sqlite3_column_int64 (stmt, 0);
}

static EbTransaction *
bench_begin (Bench *b)
{
  g_autoptr (GError) error = NULL;
  EbTransaction *tx = eb_store_transaction_begin (b->store, &error);

  if (tx == NULL)
    bench_fail ("begin", error);
  return tx;
}

static void
bench_commit (EbTransaction *tx)
{
  g_autoptr (GError) error = NULL;

  if (!eb_transaction_commit (tx, &error))
    bench_fail ("commit", error);
  eb_transaction_free (tx);
}

/* A weekday at a plausible board hour, in local time of @zone. */
static gint64
bench_local_start (Bench *b, guint zone, guint first_day, guint n_days)
{
  g_autoptr (GDateTime) when = NULL;
  GDate date;
  guint hour = g_rand_int_range (b->rand, 7, 18);
  guint minute = g_rand_boolean (b->rand) ? 0 : 30;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 1, BENCH_FIRST_MONTH, BENCH_FIRST_YEAR);
  g_date_add_days (&date, first_day + g_rand_int_range (b->rand, 0, n_days));
  if (g_date_get_weekday (&date) == G_DATE_SATURDAY)
    g_date_subtract_days (&date, 1);
  else if (g_date_get_weekday (&date) == G_DATE_SUNDAY)
    g_date_add_days (&date, 1);
  when = g_date_time_new (b->zones[zone], g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date), hour, minute, 0);
  return g_date_time_to_unix (when);
}

static gint
bench_duration (Bench *b)
{
  gint32 r = g_rand_int_range (b->rand, 0, 10);

  return r < 5 ? 60 : r < 8 ? 90 : 120;
}

/* A new one-off (or, with @weeks, weekly) session in the planned half
 * year, not stored. */
static EbSession *
bench_new_session (Bench *b, gint weeks)
{
  EbSession *session = eb_session_new ();
  guint site = g_rand_int_range (b->rand, 0, b->site_ids->len);
  guint zone = g_array_index (b->site_zones, guint, site);

  session->title = g_strdup ("Benchmark board");
  session->focus
      = g_strdup (bench_focus[g_rand_int_range (b->rand, 0, G_N_ELEMENTS (bench_focus))]);
  session->host_site_id = g_array_index (b->site_ids, EbId, site);
  session->timezone = g_strdup (bench_zones[zone]);
  session->start = bench_local_start (b, zone, BENCH_DAYS - BENCH_PLANNED_DAYS, BENCH_PLANNED_DAYS);
  session->duration_minutes = bench_duration (b);
  if (weeks > 0)
    {
      session->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
      session->recurrence->count = weeks;
    }
  return session;
}

static EbId
bench_random_active (Bench *b)
{
  return g_array_index (b->active, EbId, g_rand_int_range (b->rand, 0, b->active->len));
}

/* --- seeding --- */

static void
bench_seed_sites (Bench *b)
{
  EbTransaction *tx = bench_begin (b);

  for (gint i = 0; i < b->options->sites; i++)
    {
      g_autoptr (EbSite) site = eb_site_new ();
      g_autoptr (GError) error = NULL;
      guint zone = g_rand_int_range (b->rand, 0, G_N_ELEMENTS (bench_zones));

      site->name = g_strdup_printf ("Cancer center %03d", i + 1);
      site->code = g_strdup_printf ("S%03d", i + 1);
      site->timezone = g_strdup (bench_zones[zone]);
      site->status = EB_SITE_STATUS_ACTIVE;
      site->is_hub = i == 0;
      if (!eb_store_site_insert (b->store, site, &error))
        bench_fail ("site insert", error);
      g_array_append_val (b->site_ids, site->id);
      g_array_append_val (b->site_zones, zone);
    }
  bench_commit (tx);
}

static void
bench_seed_people (Bench *b)
{
  const EbSpecialty *specialties = eb_specialty_list ();
  guint n_specialties = 0;
  EbTransaction *tx = bench_begin (b);

  while (specialties[n_specialties].code != NULL)
    n_specialties++;
  for (gint i = 0; i < b->options->people; i++)
    {
      g_autoptr (EbPerson) person = eb_person_new ();
      g_autoptr (GError) error = NULL;
      guint site = g_rand_int_range (b->rand, 0, b->site_ids->len);

      person->name = g_strdup_printf ("Clinician %05d", i + 1);
      person->email = g_strdup_printf ("clinician%05d@s%03u.example.org", i + 1, site + 1);
      /* The quorum specialties are the common ones. */
      person->specialty = g_strdup (specialties[g_rand_int_range (b->rand, 0, 10) < 6
                                                    ? g_rand_int_range (b->rand, 0, 5)
                                                    : g_rand_int_range (b->rand, 0, n_specialties)]
                                        .code);
      person->home_site_id = g_array_index (b->site_ids, EbId, site);
      person->active = g_rand_int_range (b->rand, 0, 100) >= 3;
      if (!eb_store_person_insert (b->store, person, &error))
        bench_fail ("person insert", error);
      g_array_append_val (b->people, person->id);
      if (person->active)
        g_array_append_val (b->active, person->id);
      if ((i + 1) % BENCH_BATCH == 0)
        {
          bench_commit (tx);
          tx = bench_begin (b);
        }
    }
  bench_commit (tx);
}

/* Cancels or moves one occurrence of a series, as coordinators do around
 * holidays. */
static void
bench_add_exception (Bench *b, EbSession *session)
{
  g_autoptr (GArray) occurrences = NULL;
  g_autoptr (GError) error = NULL;
  const EbOccurrence *occurrence;
  gboolean cancel = g_rand_int_range (b->rand, 0, 3) > 0;

  occurrences = eb_occurrences_expand (session->start, session->duration_minutes, session->timezone,
                                       session->recurrence, NULL, session->start,
                                       session->start + (gint64)21 * 7 * 24 * 3600, &error);
  if (occurrences == NULL)
    bench_fail ("expand", error);
  if (occurrences->len < 3)
    return;
  occurrence = &g_array_index (occurrences, EbOccurrence, 2);
  g_ptr_array_add (session->exceptions,
                   eb_occurrence_exception_new (occurrence->start, cancel,
                                                cancel ? 0 : occurrence->start + 24 * 3600));
}

static EbSessionState
bench_state (Bench *b, gint64 start)
{
  gint32 r = g_rand_int_range (b->rand, 0, 100);

  if (start < BENCH_NOW)
    return r < 4    ? EB_SESSION_STATE_CANCELLED
           : r < 70 ? EB_SESSION_STATE_ARCHIVED
                    : EB_SESSION_STATE_ENDED;
  return r < 4    ? EB_SESSION_STATE_CANCELLED
         : r < 25 ? EB_SESSION_STATE_DRAFT
                  : EB_SESSION_STATE_SCHEDULED;
}

static void
bench_seed_sessions (Bench *b)
{
  EbTransaction *tx = bench_begin (b);

  for (gint i = 0; i < b->options->sessions; i++)
    {
      g_autoptr (EbSession) session = eb_session_new ();
      g_autoptr (GError) error = NULL;
      guint site = g_rand_int_range (b->rand, 0, b->site_ids->len);
      guint zone = g_array_index (b->site_zones, guint, site);
      BenchSession seeded;

      /* Most boards meet in the host's zone; some follow the hub's. */
      if (g_rand_int_range (b->rand, 0, 10) == 0)
        zone = g_rand_int_range (b->rand, 0, G_N_ELEMENTS (bench_zones));
      session->focus
          = g_strdup (bench_focus[g_rand_int_range (b->rand, 0, G_N_ELEMENTS (bench_focus))]);
      session->title = g_strdup_printf ("%s %d", session->focus, i + 1);
      session->host_site_id = g_array_index (b->site_ids, EbId, site);
      session->timezone = g_strdup (bench_zones[zone]);
      session->start = bench_local_start (b, zone, 0, BENCH_DAYS);
      session->duration_minutes = bench_duration (b);
      session->state = bench_state (b, session->start);
      if (g_rand_int_range (b->rand, 0, 100) < 20)
        {
          gint interval = g_rand_int_range (b->rand, 0, 10) < 6 ? 1 : 2;

          session->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, interval);
          if (g_rand_int_range (b->rand, 0, 10) < 6)
            session->recurrence->count = g_rand_int_range (b->rand, 4, 27);
          else
            session->recurrence->until
                = session->start + (gint64)g_rand_int_range (b->rand, 8, 53) * 7 * 24 * 3600;
          if (g_rand_int_range (b->rand, 0, 100) < 15)
            bench_add_exception (b, session);
          b->recurring++;
        }
      if (!eb_store_session_insert (b->store, session, &error))
        bench_fail ("session insert", error);
      seeded.id = session->id;
      seeded.start = session->start;
      g_array_append_val (b->sessions, seeded);
      if ((i + 1) % BENCH_BATCH == 0)
        {
          bench_commit (tx);
          tx = bench_begin (b);
        }
    }
  bench_commit (tx);
}

/* The busy tenth of the network (chairs, regular presenters) sits on
 * about a third of all roster places. */
static EbId
bench_roster_person (Bench *b, gboolean lead)
{
  guint core = MAX (b->people->len / 10, 1);
  gint32 core_share = lead ? 70 : 30;

  if (g_rand_int_range (b->rand, 0, 100) < core_share)
    return g_array_index (b->people, EbId, g_rand_int_range (b->rand, 0, core));
  return g_array_index (b->people, EbId, g_rand_int_range (b->rand, 0, b->people->len));
}

static EbRosterRole
bench_roster_role (Bench *b, gint place, gint presenters)
{
  if (place == 0)
    return EB_ROSTER_ROLE_CHAIR;
  if (place == 1)
    return EB_ROSTER_ROLE_COORDINATOR;
  if (place < 2 + presenters)
    return EB_ROSTER_ROLE_PRESENTER;
  if (g_rand_int_range (b->rand, 0, 10) < 7)
    return EB_ROSTER_ROLE_PANELIST;
  return EB_ROSTER_ROLE_OBSERVER;
}

static EbInvitationStatus
bench_roster_status (Bench *b, gint64 start)
{
  gint32 r = g_rand_int_range (b->rand, 0, 100);

  if (start < BENCH_NOW)
    return r < 80   ? EB_INVITATION_ACCEPTED
           : r < 90 ? EB_INVITATION_DECLINED
           : r < 95 ? EB_INVITATION_TENTATIVE
                    : EB_INVITATION_INVITED;
  return r < 45   ? EB_INVITATION_ACCEPTED
         : r < 85 ? EB_INVITATION_INVITED
         : r < 95 ? EB_INVITATION_TENTATIVE
                  : EB_INVITATION_DECLINED;
}

/* Fills @people with distinct people for one session's roster. */
static void
bench_pick_roster (Bench *b, EbId *people, gint n)
{
  for (gint i = 0; i < n; i++)
    {
      gboolean again;

      do
        {
          people[i] = bench_roster_person (b, i < 4);
          again = FALSE;
          for (gint j = 0; j < i; j++)
            again = again || people[j] == people[i];
        }
      while (again);
    }
}

static void
bench_seed_roster_sql (Bench *b)
{
  g_autoptr (sqlite3_stmt) insert = NULL;
  gint n = b->options->roster_per_session;
  g_autofree EbId *people = g_new (EbId, n);
  guint rows = 0;

  insert = bench_prepare (b->raw, "INSERT INTO roster_entries (session_id, person_id, role, "
                                  "status, version, created_at, updated_at) "
                                  "VALUES (?, ?, ?, ?, 1, ?, ?)");
  bench_sql (b->raw, "BEGIN IMMEDIATE");
  for (guint s = 0; s < b->sessions->len; s++)
    {
      const BenchSession *session = &g_array_index (b->sessions, BenchSession, s);
      gint presenters = g_rand_int_range (b->rand, 1, 4);
      gint64 invited_at = session->start - (gint64)g_rand_int_range (b->rand, 3, 30) * 24 * 3600;

      bench_pick_roster (b, people, n);
      for (gint i = 0; i < n; i++)
        {
          sqlite3_bind_int64 (insert, 1, session->id);
          sqlite3_bind_int64 (insert, 2, people[i]);
          sqlite3_bind_text (insert, 3,
                             eb_roster_role_to_string (bench_roster_role (b, i, presenters)), -1,
                             SQLITE_STATIC);
          sqlite3_bind_text (
              insert, 4, eb_invitation_status_to_string (bench_roster_status (b, session->start)),
              -1, SQLITE_STATIC);
          sqlite3_bind_int64 (insert, 5, invited_at);
          sqlite3_bind_int64 (insert, 6, invited_at);
          if (sqlite3_step (insert) != SQLITE_DONE)
            {
              g_printerr ("bench-store: roster insert: %s\n", sqlite3_errmsg (b->raw));
              exit (1);
            }
          sqlite3_reset (insert);
          if (++rows % 100000 == 0)
            {
              bench_sql (b->raw, "COMMIT");
              bench_sql (b->raw, "BEGIN IMMEDIATE");
            }
        }
    }
  bench_sql (b->raw, "COMMIT");
}

static void
bench_seed_roster_store (Bench *b)
{
  gint n = b->options->roster_per_session;
  g_autofree EbId *people = g_new (EbId, n);
  EbTransaction *tx = bench_begin (b);
  guint rows = 0;

  for (guint s = 0; s < b->sessions->len; s++)
    {
      const BenchSession *session = &g_array_index (b->sessions, BenchSession, s);
      gint presenters = g_rand_int_range (b->rand, 1, 4);

      bench_pick_roster (b, people, n);
      for (gint i = 0; i < n; i++)
        {
          g_autoptr (EbRosterEntry) entry = eb_roster_entry_new ();
          g_autoptr (GError) error = NULL;

          entry->session_id = session->id;
          entry->person_id = people[i];
          entry->role = bench_roster_role (b, i, presenters);
          entry->status = bench_roster_status (b, session->start);
          if (!eb_store_roster_insert (b->store, entry, &error))
            bench_fail ("roster insert", error);
          if (++rows % 100000 == 0)
            {
              bench_commit (tx);
              tx = bench_begin (b);
            }
        }
    }
  bench_commit (tx);
}

/* The store wrote series_end: it must be what eb_session_series_end()
 * gives for the session read back, or the window filter would be wrong. */
static void
bench_check_series_end (Bench *b)
{
  g_autoptr (sqlite3_stmt) select
      = bench_prepare (b->raw, "SELECT id, series_end FROM sessions WHERE rrule IS NOT NULL "
                               "ORDER BY random () LIMIT 1000");
  guint checked = 0;

  while (sqlite3_step (select) == SQLITE_ROW)
    {
      g_autoptr (EbSession) session = NULL;
      g_autoptr (GError) error = NULL;
      EbId id = sqlite3_column_int64 (select, 0);
      gint64 stored = sqlite3_column_int64 (select, 1);

      session = eb_store_session_get (b->store, id, &error);
      if (session == NULL)
        bench_fail ("session get", error);
      if (eb_session_series_end (session) != stored)
        {
          g_printerr ("bench-store: session %" G_GINT64_FORMAT " has series_end %" G_GINT64_FORMAT
                      ", eb_session_series_end() gives %" G_GINT64_FORMAT "\n",
                      id, stored, eb_session_series_end (session));
          exit (1);
        }
      checked++;
    }
  g_print ("series_end checked against eb_session_series_end() on %u recurring sessions\n",
           checked);
}

/* The conflict check's and the calendar feed's query must go through
 * indexes at this size: no step of its plan may scan a table. */
static void
bench_check_plans (Bench *b)
{
  for (guint exclusive = 0; exclusive < 2; exclusive++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *plan = NULL;
      g_auto (GStrv) lines = NULL;

      plan = eb_store_explain (b->store, eb_store_person_sessions_sql (exclusive), &error);
      if (plan == NULL)
        bench_fail ("explain", error);
      g_print ("query plan of eb_store_person_sessions (%s):\n",
               exclusive ? "chairs and presenters" : "all roles");
      lines = g_strsplit (g_strchomp (plan), "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_print ("    %s\n", lines[i]);
          if (strstr (lines[i], "SCAN ") != NULL)
            {
              g_printerr ("bench-store: the query scans a table\n");
              exit (1);
            }
        }
    }
}

/* Reuses a database seeded by an earlier run (--db). */
static void
bench_load_seeded (Bench *b)
{
  g_autoptr (sqlite3_stmt) sites = bench_prepare (b->raw, "SELECT id, timezone FROM sites");
  g_autoptr (sqlite3_stmt) people = bench_prepare (b->raw, "SELECT id, active FROM people");

  while (sqlite3_step (sites) == SQLITE_ROW)
    {
      EbId id = sqlite3_column_int64 (sites, 0);
      const char *zone = (const char *)sqlite3_column_text (sites, 1);
      guint z = 0;

      while (z < G_N_ELEMENTS (bench_zones) - 1 && g_strcmp0 (bench_zones[z], zone) != 0)
        z++;
      g_array_append_val (b->site_ids, id);
      g_array_append_val (b->site_zones, z);
    }
  while (sqlite3_step (people) == SQLITE_ROW)
    {
      EbId id = sqlite3_column_int64 (people, 0);

      g_array_append_val (b->people, id);
      if (sqlite3_column_int (people, 1))
        g_array_append_val (b->active, id);
    }
}

static void
bench_seed (Bench *b)
{
  gint64 t;

  t = bench_clock_ns ();
  bench_seed_sites (b);
  b->seed_seconds[0] = bench_elapsed_ms (t) / 1000;

  t = bench_clock_ns ();
  bench_seed_people (b);
  b->seed_seconds[1] = bench_elapsed_ms (t) / 1000;

  t = bench_clock_ns ();
  bench_seed_sessions (b);
  b->seed_seconds[2] = bench_elapsed_ms (t) / 1000;

  t = bench_clock_ns ();
  if (b->options->store_roster)
    bench_seed_roster_store (b);
  else
    bench_seed_roster_sql (b);
  b->seed_seconds[3] = bench_elapsed_ms (t) / 1000;

  /* Measure against a settled file, not a 100 MB write-ahead log. */
  bench_sql (b->raw, "PRAGMA wal_checkpoint(TRUNCATE)");

  g_print ("seeded %d sites in %.2f s, %d people in %.2f s, %d sessions (%u recurring) in "
           "%.2f s, %u roster rows (%s) in %.2f s: %.1f s in all\n",
           b->options->sites, b->seed_seconds[0], b->options->people, b->seed_seconds[1],
           b->options->sessions, b->recurring, b->seed_seconds[2],
           b->sessions->len * b->options->roster_per_session,
           b->options->store_roster ? "eb_store_roster_insert" : "one prepared INSERT",
           b->seed_seconds[3],
           b->seed_seconds[0] + b->seed_seconds[1] + b->seed_seconds[2] + b->seed_seconds[3]);
}

/* --- measurements --- */

static BenchRow *
bench_row_new (const char *name)
{
  BenchRow *row = g_new0 (BenchRow, 1);

  row->name = g_strdup (name);
  row->ms = g_array_new (FALSE, FALSE, sizeof (double));
  return row;
}

static void
bench_record (BenchRow *row, gint64 since_ns)
{
  double ms = bench_elapsed_ms (since_ns);

  g_array_append_val (row->ms, ms);
}

static BenchRow *
bench_floor_sql (Bench *b, guint n)
{
  BenchRow *row = bench_row_new ("floor (read): SELECT one session by primary key, raw SQLite");
  g_autoptr (sqlite3_stmt) select
      = bench_prepare (b->raw, "SELECT id, title, focus, host_site_id, start, duration_minutes, "
                               "timezone, state, rrule, series_end, version, created_at, "
                               "updated_at FROM sessions WHERE id = ?");
  gint64 bytes = 0;

  row->floor = TRUE;
  for (guint i = 0; i < n + n / 10; i++)
    {
      EbId id = g_array_index (b->sessions, BenchSession,
                               g_rand_int_range (b->rand, 0, b->sessions->len))
                    .id;
      gint64 t = bench_clock_ns ();

      sqlite3_bind_int64 (select, 1, id);
      if (sqlite3_step (select) != SQLITE_ROW)
        {
          g_printerr ("bench-store: session %" G_GINT64_FORMAT " missing\n", id);
          exit (1);
        }
      for (gint c = 0; c < sqlite3_column_count (select); c++)
        bytes += sqlite3_column_bytes (select, c);
      sqlite3_reset (select);
      /* The first tenth warms the statement and the cache. */
      if (i >= n / 10)
        bench_record (row, t);
    }
  row->note = g_strdup_printf ("%.0f bytes/row", (double)bytes / (n + n / 10));
  return row;
}

static BenchRow *
bench_floor_write (Bench *b, guint n)
{
  BenchRow *row = bench_row_new ("floor (write): UPDATE one row by primary key, committed");
  g_autoptr (sqlite3_stmt) update
      = bench_prepare (b->raw, "UPDATE sessions SET updated_at = updated_at + 1 WHERE id = ?");

  row->kind = BENCH_WRITE;
  row->floor = TRUE;
  bench_sql (b->raw, "PRAGMA synchronous = FULL");
  for (guint i = 0; i < n + n / 10; i++)
    {
      EbId id = g_array_index (b->sessions, BenchSession,
                               g_rand_int_range (b->rand, 0, b->sessions->len))
                    .id;
      gint64 t = bench_clock_ns ();

      sqlite3_bind_int64 (update, 1, id);
      if (sqlite3_step (update) != SQLITE_DONE)
        {
          g_printerr ("bench-store: update: %s\n", sqlite3_errmsg (b->raw));
          exit (1);
        }
      sqlite3_reset (update);
      if (i >= n / 10)
        bench_record (row, t);
    }
  row->note = g_strdup ("autocommit, raw SQLite, synchronous=FULL");
  return row;
}

static BenchRow *
bench_floor_store (Bench *b, guint n)
{
  BenchRow *row = bench_row_new ("eb_store_session_get (one session and its exceptions)");

  for (guint i = 0; i < n + n / 10; i++)
    {
      g_autoptr (EbSession) session = NULL;
      g_autoptr (GError) error = NULL;
      EbId id = g_array_index (b->sessions, BenchSession,
                               g_rand_int_range (b->rand, 0, b->sessions->len))
                    .id;
      gint64 t = bench_clock_ns ();

      session = eb_store_session_get (b->store, id, &error);
      if (session == NULL)
        bench_fail ("session get", error);
      if (i >= n / 10)
        bench_record (row, t);
    }
  return row;
}

/*
 * What eb_service_add_roster_entry() does to find conflicts: the window
 * of the new session, the person's sessions in it through the index, and
 * the occurrence-level overlap test on each candidate.
 */
static BenchRow *
bench_conflict_query (Bench *b, guint n, gint weeks)
{
  BenchRow *row = bench_row_new (weeks > 0 ? "conflict check, weekly x26 session (query + overlap)"
                                           : "conflict check, one-off session (query + overlap)");
  guint64 candidates = 0;
  guint max_candidates = 0;
  guint overlaps = 0;

  for (guint i = 0; i < n + n / 10; i++)
    {
      g_autoptr (EbSession) session = bench_new_session (b, weeks);
      g_autoptr (GPtrArray) others = NULL;
      g_autoptr (GError) error = NULL;
      EbId person = bench_random_active (b);
      gint64 t = bench_clock_ns ();
      gint64 from = session->start;
      gint64 to = eb_session_series_end (session);
      gboolean found = FALSE;

      others = eb_store_person_sessions (b->store, person, from, to == G_MAXINT64 ? 0 : to, FALSE,
                                         &error);
      if (others == NULL)
        bench_fail ("person sessions", error);
      for (guint j = 0; j < others->len; j++)
        {
          const EbPersonSession *ps = g_ptr_array_index (others, j);
          EbOverlap overlap = { 0 };

          if (eb_sessions_find_overlap (session, ps->session, &overlap, &error))
            found = TRUE;
          else if (error != NULL)
            bench_fail ("overlap", error);
        }
      if (i < n / 10)
        continue;
      bench_record (row, t);
      candidates += others->len;
      max_candidates = MAX (max_candidates, others->len);
      overlaps += found;
    }
  row->note = g_strdup_printf ("candidates mean %.1f max %u; %u with an overlap",
                               (double)candidates / n, max_candidates, overlaps);
  return row;
}

/* The whole use case, committed: a person added as chair of a new draft
 * session. */
static BenchRow *
bench_add_roster_entry (Bench *b, guint n)
{
  BenchRow *row = bench_row_new ("eb_service_add_roster_entry, chair of a new session");
  g_autoptr (GArray) fresh = g_array_new (FALSE, FALSE, sizeof (EbId));
  guint added = 0;
  guint refused = 0;

  row->kind = BENCH_WRITE;

  for (guint i = 0; i < n + n / 10; i++)
    {
      g_autoptr (EbSession) input = bench_new_session (b, 0);
      g_autoptr (EbSession) session = NULL;
      g_autoptr (GError) error = NULL;

      session = eb_service_create_session (b->service, &b->admin, input, &error);
      if (session == NULL)
        bench_fail ("create session", error);
      g_array_append_val (fresh, session->id);
    }
  for (guint i = 0; i < fresh->len; i++)
    {
      g_autoptr (EbRosterEntry) input = eb_roster_entry_new ();
      g_autoptr (EbRosterEntry) entry = NULL;
      g_autoptr (GPtrArray) warnings = NULL;
      g_autoptr (GError) error = NULL;
      gint64 t;

      input->session_id = g_array_index (fresh, EbId, i);
      input->person_id = bench_random_active (b);
      input->role = EB_ROSTER_ROLE_CHAIR;
      input->status = EB_INVITATION_INVITED;
      t = bench_clock_ns ();
      entry = eb_service_add_roster_entry (b->service, &b->admin, input, &warnings, &error);
      if (i < n / 10)
        continue;
      bench_record (row, t);
      if (entry != NULL)
        added++;
      else if (g_error_matches (error, EB_ERROR, EB_ERROR_RULE_VIOLATED))
        refused++;
      else
        bench_fail ("add roster entry", error);
    }
  row->note = g_strdup_printf ("%u added, %u refused by a rule", added, refused);
  return row;
}

static guint
bench_count (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The calendar feed's query alone: every session of a person's history. */
static BenchRow *
bench_history_query (Bench *b, guint n)
{
  BenchRow *row = bench_row_new ("eb_store_person_sessions, whole history (feed's query)");
  guint64 sessions = 0;

  for (guint i = 0; i < n + n / 10; i++)
    {
      g_autoptr (GPtrArray) found = NULL;
      g_autoptr (GError) error = NULL;
      EbId person = bench_random_active (b);
      gint64 t = bench_clock_ns ();

      found = eb_store_person_sessions (b->store, person, 0, 0, FALSE, &error);
      if (found == NULL)
        bench_fail ("person sessions", error);
      if (i < n / 10)
        continue;
      bench_record (row, t);
      sessions += found->len;
    }
  row->note = g_strdup_printf ("sessions mean %.1f", (double)sessions / n);
  return row;
}

static BenchRow *
bench_calendar (Bench *b, guint n)
{
  BenchRow *row = bench_row_new ("eb_service_person_calendar (whole feed)");
  guint64 events = 0;
  guint max_events = 0;
  guint64 bytes = 0;

  for (guint i = 0; i < n + n / 10; i++)
    {
      g_autofree char *feed = NULL;
      g_autoptr (GError) error = NULL;
      EbId person = bench_random_active (b);
      gint64 t = bench_clock_ns ();
      guint count;

      feed = eb_service_person_calendar (b->service, &b->admin, person, &error);
      if (feed == NULL)
        bench_fail ("person calendar", error);
      if (i < n / 10)
        continue;
      bench_record (row, t);
      count = bench_count (feed, "BEGIN:VEVENT");
      events += count;
      max_events = MAX (max_events, count);
      bytes += strlen (feed);
    }
  row->note = g_strdup_printf ("events mean %.1f max %u; %.0f kB mean", (double)events / n,
                               max_events, (double)bytes / n / 1000);
  return row;
}

/* --- report --- */

static gint
bench_compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Nearest-rank percentile of sorted @values. */
static double
bench_percentile (GArray *values, double q)
{
  guint rank = (guint)(q * values->len + 0.999999);

  rank = CLAMP (rank, 1, values->len);
  return g_array_index (values, double, rank - 1);
}

static void
bench_report (GPtrArray *rows)
{
  double floor[2] = { 0, 0 };

  for (guint i = 0; i < rows->len; i++)
    {
      BenchRow *row = g_ptr_array_index (rows, i);

      g_array_sort (row->ms, bench_compare_double);
      if (row->floor)
        floor[row->kind] = bench_percentile (row->ms, 0.5);
    }

  g_print ("\n%-60s %6s %10s %10s %10s %10s  %s\n", "operation", "n", "median ms", "p95 ms",
           "p99 ms", "x floor", "notes");
  for (guint i = 0; i < rows->len; i++)
    {
      BenchRow *row = g_ptr_array_index (rows, i);
      double median = bench_percentile (row->ms, 0.5);

      g_print ("%-60s %6u %10.3f %10.3f %10.3f %10.1f  %s\n", row->name, row->ms->len, median,
               bench_percentile (row->ms, 0.95), bench_percentile (row->ms, 0.99),
               floor[row->kind] > 0 ? median / floor[row->kind] : 0,
               row->note != NULL ? row->note : "");
    }
  g_print ("(x floor: median over the median of the floor of the same kind, read or write)\n");
}

static void
bench_remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* The temporary folder goes on every exit, failures included. */
static char *bench_temporary_dir;

static void
bench_remove_temporary_dir (void)
{
  if (bench_temporary_dir != NULL)
    bench_remove_dir (bench_temporary_dir);
  g_clear_pointer (&bench_temporary_dir, g_free);
}

int
main (int argc, char **argv)
{
  BenchOptions options = {
    .sites = 200,
    .people = 20000,
    .sessions = 100000,
    .roster_per_session = 10,
    .samples = 200,
    .seed = 20261124,
  };
  const GOptionEntry entries[] = {
    { "sites", 0, 0, G_OPTION_ARG_INT, &options.sites, "Sites to seed (200)", "N" },
    { "people", 0, 0, G_OPTION_ARG_INT, &options.people, "People to seed (20000)", "N" },
    { "sessions", 0, 0, G_OPTION_ARG_INT, &options.sessions, "Sessions to seed (100000)", "N" },
    { "roster", 0, 0, G_OPTION_ARG_INT, &options.roster_per_session,
      "Roster entries per session (10)", "N" },
    { "samples", 0, 0, G_OPTION_ARG_INT, &options.samples, "Timed calls per operation (200)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &options.seed, "Random seed (20261124)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options.db_path,
      "Database file: seeded when new, reused as is when it holds sessions; kept", "FILE" },
    { "migrations", 0, 0, G_OPTION_ARG_FILENAME, &options.migrations,
      "Migrations folder (default: the ones built into the library)", "DIR" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &options.keep, "Keep the temporary folder", NULL },
    { "store-roster", 0, 0, G_OPTION_ARG_NONE, &options.store_roster,
      "Seed the roster with eb_store_roster_insert() instead of raw SQL", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)bench_row_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  const EbServiceSettings settings = {
    .public_url = "http://127.0.0.1:8080",
    .organizer_email = "boards@hub.example.org",
    .uid_domain = "hub.example.org",
  };
  Bench b = { 0 };
  gboolean reuse = FALSE;
  guint n;
  GStatBuf st;

  context = g_option_context_new ("- eboard store scale benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-store: %s\n", error->message);
      return 2;
    }
  if (options.sites < 1 || options.people < 20 || options.sessions < 1
      || options.roster_per_session < 1 || options.roster_per_session > options.people / 2
      || options.samples < 10)
    {
      g_printerr ("bench-store: sizes out of range\n");
      return 2;
    }
  n = options.samples;

  b.options = &options;
  b.rand = g_rand_new_with_seed ((guint32)options.seed);
  b.site_ids = g_array_new (FALSE, FALSE, sizeof (EbId));
  b.site_zones = g_array_new (FALSE, FALSE, sizeof (guint));
  b.people = g_array_new (FALSE, FALSE, sizeof (EbId));
  b.active = g_array_new (FALSE, FALSE, sizeof (EbId));
  b.sessions = g_array_new (FALSE, FALSE, sizeof (BenchSession));
  for (guint i = 0; i < G_N_ELEMENTS (bench_zones); i++)
    {
      b.zones[i] = g_time_zone_new_identifier (bench_zones[i]);
      if (b.zones[i] == NULL)
        {
          g_printerr ("bench-store: time zone %s is not installed\n", bench_zones[i]);
          return 1;
        }
    }

  if (options.db_path != NULL)
    {
      b.db_path = g_strdup (options.db_path);
      reuse = g_file_test (b.db_path, G_FILE_TEST_EXISTS);
    }
  else
    {
      b.dir = g_dir_make_tmp ("eboard-bench-XXXXXX", &error);
      if (b.dir == NULL)
        bench_fail ("temporary folder", error);
      b.db_path = g_build_filename (b.dir, "eboard.db", NULL);
      if (!options.keep)
        {
          bench_temporary_dir = g_strdup (b.dir);
          atexit (bench_remove_temporary_dir);
        }
    }

  b.store = eb_store_open (b.db_path, options.migrations, &error);
  if (b.store == NULL)
    bench_fail ("open the store", error);
  b.service = eb_service_new (b.store, &settings);
  if (sqlite3_open_v2 (b.db_path, &b.raw, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-store: open %s: %s\n", b.db_path, sqlite3_errmsg (b.raw));
      return 1;
    }
  sqlite3_busy_timeout (b.raw, 10000);
  /* The roster's three indexes outgrow the default 2 MB page cache early
   * in the seeding. */
  bench_sql (b.raw, "PRAGMA cache_size = -262144");

  g_print ("eboard store scale benchmark: SQLite %s, database %s, seed %" G_GINT64_FORMAT "\n",
           sqlite3_libversion (), b.db_path, options.seed);
  {
    g_autofree char *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      g_print ("%u processors, load average %s", g_get_num_processors (), load);
  }
  if (reuse && bench_sql_int (b.raw, "SELECT count(*) FROM sessions") > 0)
    {
      g_autoptr (sqlite3_stmt) ids = bench_prepare (b.raw, "SELECT id, start FROM sessions");

      bench_load_seeded (&b);
      while (sqlite3_step (ids) == SQLITE_ROW)
        {
          BenchSession s = { sqlite3_column_int64 (ids, 0), sqlite3_column_int64 (ids, 1) };

          g_array_append_val (b.sessions, s);
        }
      g_print ("reusing the seeded database (seeding not timed)\n");
    }
  else
    {
      bench_seed (&b);
    }
  g_print ("sites %" G_GINT64_FORMAT ", people %" G_GINT64_FORMAT ", sessions %" G_GINT64_FORMAT
           " (%" G_GINT64_FORMAT " recurring), roster rows %" G_GINT64_FORMAT "\n",
           bench_sql_int (b.raw, "SELECT count(*) FROM sites"),
           bench_sql_int (b.raw, "SELECT count(*) FROM people"),
           bench_sql_int (b.raw, "SELECT count(*) FROM sessions"),
           bench_sql_int (b.raw, "SELECT count(*) FROM sessions WHERE rrule IS NOT NULL"),
           bench_sql_int (b.raw, "SELECT count(*) FROM roster_entries"));
  if (g_stat (b.db_path, &st) == 0)
    g_print ("database file %.1f MB\n", st.st_size / 1e6);
  bench_check_series_end (&b);
  bench_check_plans (&b);

  secret = eb_service_bootstrap (b.service, &error);
  if (secret == NULL && error != NULL)
    bench_fail ("bootstrap", error);
  if (secret != NULL)
    {
      if (!eb_service_authenticate (b.service, secret, &b.admin, &error))
        bench_fail ("authenticate", error);
    }
  else
    {
      /* A reused database already has its bootstrap token. */
      b.admin.token_id = bench_sql_int (b.raw, "SELECT min(id) FROM api_tokens");
      b.admin.role = EB_ROLE_ADMIN;
    }

  g_ptr_array_add (rows, bench_floor_sql (&b, n * 10));
  g_ptr_array_add (rows, bench_floor_store (&b, n * 10));
  g_ptr_array_add (rows, bench_conflict_query (&b, n, 0));
  g_ptr_array_add (rows, bench_conflict_query (&b, n, 26));
  g_ptr_array_add (rows, bench_floor_write (&b, n));
  g_ptr_array_add (rows, bench_add_roster_entry (&b, n));
  g_ptr_array_add (rows, bench_history_query (&b, n));
  g_ptr_array_add (rows, bench_calendar (&b, n));
  bench_report (rows);

  sqlite3_close (b.raw);
  eb_store_close (b.store);
  g_clear_object (&b.service);
  g_clear_object (&b.store);
  if (b.dir != NULL && options.keep)
    g_print ("kept %s\n", b.dir);
  for (guint i = 0; i < G_N_ELEMENTS (bench_zones); i++)
    g_time_zone_unref (b.zones[i]);
  g_array_unref (b.site_ids);
  g_array_unref (b.site_zones);
  g_array_unref (b.people);
  g_array_unref (b.active);
  g_array_unref (b.sessions);
  g_rand_free (b.rand);
  g_free (b.dir);
  g_free (b.db_path);
  g_free (options.db_path);
  g_free (options.migrations);
  return 0;
}
