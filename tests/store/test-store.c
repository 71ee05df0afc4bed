/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>

#include "test-store-common.h"

/* Checks a call that takes `error`, showing the error if it failed. */
#define assert_ok(call)                                                                            \
  G_STMT_START                                                                                     \
  {                                                                                                \
    gboolean ok_ = (call);                                                                         \
    g_assert_no_error (error);                                                                     \
    g_assert_true (ok_);                                                                           \
  }                                                                                                \
  G_STMT_END

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

static GBytes *
read_file_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* The last of the built-in migrations (data/sql/), and the numbers of
 * the next two as their file names start. */
#define BUILTIN_SCHEMA_VERSION 7
#define NEXT_MIGRATION "008"
#define AFTER_NEXT_MIGRATION "009"
/* Beyond it: a folder of migrations that goes further. */
#define FOLDER_SCHEMA_VERSION 9
G_STATIC_ASSERT (FOLDER_SCHEMA_VERSION > BUILTIN_SCHEMA_VERSION);

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* A migrations folder holding a copy of the shipped 001. */
static char *
make_migrations_dir (const char *parent)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *source = g_build_filename (EB_SOURCE_DATADIR, "sql", "001-initial.sql", NULL);
  g_autofree char *contents = NULL;
  char *dir = g_build_filename (parent, "sql", NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_file_get_contents (source, &contents, NULL, &error);
  g_assert_no_error (error);
  write_file (dir, "001-initial.sql", contents);
  write_file (dir, "README", "not a migration");
  return dir;
}

/* Copies every shipped migration but the first (up to
 * BUILTIN_SCHEMA_VERSION) into @dir. */
static void
copy_shipped_migrations_after_first (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sql_dir = g_build_filename (EB_SOURCE_DATADIR, "sql", NULL);
  g_autoptr (GDir) folder = g_dir_open (sql_dir, 0, &error);
  const char *name;
  guint copied = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *source = NULL;
      g_autofree char *contents = NULL;
      guint64 number;

      if (!g_ascii_isdigit (name[0]) || !g_str_has_suffix (name, ".sql"))
        continue;
      number = g_ascii_strtoull (name, NULL, 10);
      if (number < 2)
        continue;
      source = g_build_filename (sql_dir, name, NULL);
      g_file_get_contents (source, &contents, NULL, &error);
      g_assert_no_error (error);
      write_file (dir, name, contents);
      copied++;
    }
  g_assert_cmpuint (copied, ==, BUILTIN_SCHEMA_VERSION - 1);
}

/* --- migrations --- */

static void
test_migrations_fresh (Fixture *f, gconstpointer data)
{
  static const char *const tables[] = {
    "sites",        "people",     "sessions",         "session_exceptions", "roster_entries",
    "agenda_items", "api_tokens", "idempotency_keys", "audit_log",          "calendar_feeds",
  };
  g_autofree char *journal = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  GStatBuf st;

  g_assert_cmpint (eb_store_get_schema_version (f->store), ==, BUILTIN_SCHEMA_VERSION);
  g_assert_cmpint (test_raw_int (f->path, "PRAGMA user_version"), ==, BUILTIN_SCHEMA_VERSION);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf (
          "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'", tables[i]);

      g_test_message ("table %s", tables[i]);
      g_assert_cmpint (test_raw_int (f->path, sql), ==, 1);
    }
  journal = test_raw_text (f->path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");

  /* Only the owner may read the file and its log. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' "
                                          "AND name = 'roster_entries_person'"),
                   ==, 1);
}

/* Every migration in data/sql/ is built in (listed in the resource XML). */
static void
test_migrations_builtin_complete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sql_dir = g_build_filename (EB_SOURCE_DATADIR, "sql", NULL);
  g_autofree char *path = g_build_filename (f->dir, "from-folder.db", NULL);
  g_autoptr (EbStore) store = eb_store_open (path, sql_dir, &error);

  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), ==, eb_store_get_schema_version (f->store));
}

static void
test_migrations_reopen (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "ABC", EB_SITE_STATUS_ACTIVE, TRUE);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (EbSite) again = NULL;

      g_clear_object (&f->store);
      f->store = eb_store_open (f->path, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (eb_store_get_schema_version (f->store), ==, BUILTIN_SCHEMA_VERSION);
      again = eb_store_site_get (f->store, site->id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again->code, ==, "ABC");
      g_assert_true (again->is_hub);
    }
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sites"), ==, 1);
}

static void
test_migrations_newer (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStore) store = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autofree char *pragma
      = g_strdup_printf ("PRAGMA user_version = %d", BUILTIN_SCHEMA_VERSION + 1);
  g_autofree char *newer = g_strdup_printf ("schema version %d", BUILTIN_SCHEMA_VERSION + 1);

  g_clear_object (&f->store);
  test_raw_exec (f->path, pragma);
  before = read_file_bytes (f->path);

  store = eb_store_open (f->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, newer));
  g_assert_nonnull (strstr (error->message, "newer"));

  after = read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_migrations_folder (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStore) store = NULL;
  g_autofree char *dir = make_migrations_dir (f->dir);
  g_autofree char *path = g_build_filename (f->dir, "other.db", NULL);

  store = eb_store_open (path, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), ==, 1);
  g_clear_object (&store);

  write_file (dir, "002-extra.sql",
              "CREATE TABLE extra (x INTEGER);\n"
              "ALTER TABLE sites ADD COLUMN note TEXT;\n");
  for (guint n = 3; n <= FOLDER_SCHEMA_VERSION; n++)
    {
      g_autofree char *name = g_strdup_printf ("%03u-more.sql", n);
      g_autofree char *sql = g_strdup_printf ("CREATE TABLE more%u (x INTEGER);\n", n);

      write_file (dir, name, sql);
    }
  store = eb_store_open (path, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), ==, FOLDER_SCHEMA_VERSION);
  g_clear_object (&store);
  g_assert_cmpint (test_raw_int (path, "PRAGMA user_version"), ==, FOLDER_SCHEMA_VERSION);
  g_assert_cmpint (test_raw_int (path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'extra'"),
                   ==, 1);

  /* The built-in migrations stop before: this file is now too new for them. */
  store = eb_store_open (path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "newer"));
}

static void
test_migrations_broken (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStore) store = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autofree char *dir = make_migrations_dir (f->dir);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", NULL);
  g_autofree char *file = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "KEEP", EB_SITE_STATUS_ACTIVE, FALSE);

  g_clear_object (&f->store);
  before = read_file_bytes (f->path);
  /* The folder holds the shipped migrations the database already has. */
  copy_shipped_migrations_after_first (dir);

  /* A migration that fails half-way through. */
  write_file (dir, NEXT_MIGRATION "-broken.sql",
              "CREATE TABLE half (x INTEGER);\n"
              "UPDATE sites SET name = 'changed';\n"
              "INSERT INTO nowhere VALUES (1);\n");
  store = eb_store_open (f->path, dir, &error);
  g_assert_null (store);
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, NEXT_MIGRATION "-broken.sql"));
  g_assert_nonnull (strstr (error->message, "no such table: nowhere"));
  g_clear_error (&error);
  after = read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (test_raw_int (f->path, "PRAGMA user_version"), ==, BUILTIN_SCHEMA_VERSION);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half'"),
                   ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sites WHERE name = 'changed'"), ==,
                   0);

  /* A gap in the numbering. */
  file = g_build_filename (dir, NEXT_MIGRATION "-broken.sql", NULL);
  g_assert_cmpint (g_unlink (file), ==, 0);
  write_file (dir, AFTER_NEXT_MIGRATION "-later.sql", "CREATE TABLE later (x INTEGER);");
  store = eb_store_open (f->path, dir, &error);
  g_assert_null (store);
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "migration " NEXT_MIGRATION " is missing"));
  g_clear_error (&error);

  /* Two migrations with one number. */
  write_file (dir, NEXT_MIGRATION "-a.sql", "CREATE TABLE a (x INTEGER);");
  write_file (dir, NEXT_MIGRATION "-b.sql", "CREATE TABLE b (x INTEGER);");
  store = eb_store_open (f->path, dir, &error);
  g_assert_null (store);
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  {
    g_autofree char *twins = g_strdup_printf ("number %u", BUILTIN_SCHEMA_VERSION + 1);

    g_assert_nonnull (strstr (error->message, twins));
  }
  g_clear_error (&error);

  /* No folder at all. */
  store = eb_store_open (f->path, missing, &error);
  g_assert_null (store);
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "migrations folder"));
  g_clear_error (&error);

  after = read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));

  /* And the database is still fine for the built-in migrations. */
  f->store = eb_store_open (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (f->store), ==, BUILTIN_SCHEMA_VERSION);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sites WHERE code = 'KEEP'"), ==, 1);
}

static void
test_not_a_database (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "junk.db", NULL);
  g_autoptr (EbStore) store = NULL;

  write_file (dir, "junk.db", "this is not an SQLite database, just some text long enough");
  store = eb_store_open (path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
  test_rm_rf (dir);
}

/* --- sites --- */

static void
test_sites (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) none = NULL;
  g_autoptr (EbSite) hub = NULL;
  g_autoptr (EbSite) member = NULL;
  g_autoptr (EbSite) got = NULL;
  g_autoptr (EbSite) dup = NULL;
  g_autoptr (EbSite) stale = NULL;
  g_autoptr (EbSite) ghost = NULL;
  g_autoptr (EbPerson) person = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  none = eb_store_site_get_hub (f->store, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  hub = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  member = test_add_site (f->store, "MNO", EB_SITE_STATUS_APPLICANT, FALSE);
  g_assert_cmpint (hub->version, ==, 1);
  g_assert_cmpint (hub->created_at, >=, before);
  g_assert_cmpint (hub->created_at, ==, hub->updated_at);
  g_assert_cmpint (member->id, >, hub->id);

  got = eb_store_site_get (f->store, member->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, member->id);
  g_assert_cmpstr (got->name, ==, "Site MNO");
  g_assert_cmpstr (got->code, ==, "MNO");
  g_assert_cmpstr (got->timezone, ==, "Europe/Berlin");
  g_assert_cmpint (got->status, ==, EB_SITE_STATUS_APPLICANT);
  g_assert_false (got->is_hub);
  g_assert_cmpint (got->version, ==, 1);
  g_assert_cmpint (got->created_at, ==, member->created_at);
  g_clear_pointer (&got, eb_site_free);

  got = eb_store_site_get_hub (f->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpint (got->id, ==, hub->id);
  g_clear_pointer (&got, eb_site_free);

  /* Uniqueness: the code, and a single hub. */
  dup = eb_site_new ();
  dup->name = g_strdup ("Another");
  dup->code = g_strdup ("MNO");
  dup->timezone = g_strdup ("UTC");
  g_assert_false (eb_store_site_insert (f->store, dup, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "a site with code MNO already exists");
  g_assert_cmpint (dup->id, ==, 0);
  g_clear_error (&error);
  g_free (dup->code);
  dup->code = g_strdup ("PQR");
  dup->is_hub = TRUE;
  g_assert_false (eb_store_site_insert (f->store, dup, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "already has a hub (HUB)"));
  g_clear_error (&error);

  /* Update: the version moves; a stale version is refused. */
  stale = eb_site_copy (member);
  member->status = EB_SITE_STATUS_VETTED;
  g_free (member->name);
  member->name = g_strdup ("Renamed");
  assert_ok (eb_store_site_update (f->store, member, &error));
  g_assert_cmpint (member->version, ==, 2);
  got = eb_store_site_get (f->store, member->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->version, ==, 2);
  g_assert_cmpint (got->status, ==, EB_SITE_STATUS_VETTED);
  g_assert_cmpstr (got->name, ==, "Renamed");
  g_assert_cmpint (got->updated_at, ==, member->updated_at);
  g_clear_pointer (&got, eb_site_free);

  stale->status = EB_SITE_STATUS_WITHDRAWN;
  g_assert_false (eb_store_site_update (f->store, stale, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  g_assert_cmpint (stale->version, ==, 1);
  g_clear_error (&error);
  got = eb_store_site_get (f->store, member->id, &error);
  g_assert_cmpint (got->status, ==, EB_SITE_STATUS_VETTED);
  g_clear_pointer (&got, eb_site_free);

  ghost = eb_site_copy (member);
  ghost->id = 9999;
  g_assert_false (eb_store_site_update (f->store, ghost, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Taking another site's code is a conflict on update too. */
  g_free (member->code);
  member->code = g_strdup ("HUB");
  g_assert_false (eb_store_site_update (f->store, member, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "a site with code HUB already exists");
  g_assert_cmpint (member->version, ==, 2);
  g_clear_error (&error);

  /* Delete: referenced, missing, then done. */
  person = test_add_person (f->store, hub->id, "ada", "surgery", TRUE);
  g_assert_false (eb_store_site_delete (f->store, hub->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "is still referenced by people"));
  g_clear_error (&error);
  g_assert_false (eb_store_site_delete (f->store, 9999, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_ok (eb_store_site_delete (f->store, member->id, &error));
  got = eb_store_site_get (f->store, member->id, &error);
  g_assert_null (got);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "site 2 does not exist");
}

static void
test_sites_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GPtrArray) beyond = NULL;
  EbId ids[7];
  EbPage window = { .offset = 2, .limit = 3 };
  EbPage far = { .offset = 50, .limit = 10 };
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *code = g_strdup_printf ("S%u", i);
      g_autoptr (EbSite) site = test_add_site (f->store, code, EB_SITE_STATUS_ACTIVE, FALSE);

      ids[i] = site->id;
    }

  all = eb_store_site_list (f->store, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 7);
  g_assert_cmpuint (total, ==, 7);

  total = 0;
  page = eb_store_site_list (f->store, &window, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 7);
  g_assert_cmpuint (page->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (((EbSite *)g_ptr_array_index (page, i))->id, ==, ids[2 + i]);

  total = 0;
  beyond = eb_store_site_list (f->store, &far, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (beyond->len, ==, 0);
  g_assert_cmpuint (total, ==, 7);
}

/* --- people --- */

static void
test_people (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) a = test_add_site (f->store, "AAA", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbSite) b = test_add_site (f->store, "BBB", EB_SITE_STATUS_ACTIVE, FALSE);
  g_autoptr (EbPerson) p1 = test_add_person (f->store, a->id, "ada", "surgery", TRUE);
  g_autoptr (EbPerson) p2 = test_add_person (f->store, a->id, "bob", "pathology", TRUE);
  g_autoptr (EbPerson) p3 = test_add_person (f->store, b->id, "cy", "surgery", FALSE);
  g_autoptr (EbPerson) p4 = test_add_person (f->store, b->id, "di", "surgery", TRUE);
  g_autoptr (EbPerson) orphan = eb_person_new ();
  g_autoptr (EbPerson) got = NULL;
  g_autoptr (EbPerson) stale = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) many = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  EbPersonFilter filter = { .site_id = 0, .specialty = NULL, .active = -1 };
  EbPage first = { .offset = 0, .limit = 2 };
  EbId wanted[] = { p4->id, 4242, p1->id };
  guint total = 0;

  got = eb_store_person_get (f->store, p2->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "bob");
  g_assert_cmpstr (got->email, ==, "bob@example.org");
  g_assert_cmpstr (got->specialty, ==, "pathology");
  g_assert_cmpint (got->home_site_id, ==, a->id);
  g_assert_true (got->active);
  g_assert_cmpint (got->version, ==, 1);
  g_clear_pointer (&got, eb_person_free);

  /* A home site that does not exist. */
  orphan->name = g_strdup ("eve");
  orphan->email = g_strdup ("eve@example.org");
  orphan->specialty = g_strdup ("surgery");
  orphan->home_site_id = 999;
  g_assert_false (eb_store_person_insert (f->store, orphan, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "site 999 does not exist");
  g_clear_error (&error);

  /* Filters, each alone and together, with totals. */
  list = eb_store_person_list (f->store, &filter, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpuint (total, ==, 4);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.specialty = "surgery";
  list = eb_store_person_list (f->store, &filter, &first, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((EbPerson *)g_ptr_array_index (list, 0))->id, ==, p1->id);
  g_assert_cmpint (((EbPerson *)g_ptr_array_index (list, 1))->id, ==, p3->id);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.site_id = b->id;
  filter.active = 1;
  list = eb_store_person_list (f->store, &filter, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((EbPerson *)g_ptr_array_index (list, 0))->id, ==, p4->id);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.active = 0;
  filter.specialty = NULL;
  list = eb_store_person_list (f->store, &filter, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpint (((EbPerson *)g_ptr_array_index (list, 0))->id, ==, p3->id);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Several by id: unknown ids are skipped. */
  many = eb_store_person_get_many (f->store, wanted, G_N_ELEMENTS (wanted), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (many->len, ==, 2);
  g_assert_cmpint (((EbPerson *)g_ptr_array_index (many, 0))->id, ==, p1->id);
  g_assert_cmpint (((EbPerson *)g_ptr_array_index (many, 1))->id, ==, p4->id);
  g_clear_pointer (&many, g_ptr_array_unref);
  many = eb_store_person_get_many (f->store, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (many->len, ==, 0);

  /* Update, stale, missing, and a move to a site that does not exist. */
  stale = eb_person_copy (p3);
  p3->active = TRUE;
  p3->home_site_id = a->id;
  assert_ok (eb_store_person_update (f->store, p3, &error));
  g_assert_cmpint (p3->version, ==, 2);
  got = eb_store_person_get (f->store, p3->id, &error);
  g_assert_true (got->active);
  g_assert_cmpint (got->home_site_id, ==, a->id);
  g_assert_cmpint (got->version, ==, 2);
  g_clear_pointer (&got, eb_person_free);
  g_assert_false (eb_store_person_update (f->store, stale, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  g_clear_error (&error);
  p3->home_site_id = 777;
  g_assert_false (eb_store_person_update (f->store, p3, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "site 777 does not exist");
  g_clear_error (&error);
  stale->id = 5555;
  g_assert_false (eb_store_person_update (f->store, stale, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Delete: someone on a roster stays. */
  session = test_add_session (f->store, a->id, "board", test_utc (2026, 3, 3, 15, 0), 60);
  entry = test_add_entry (f->store, session->id, p1->id, EB_ROSTER_ROLE_CHAIR);
  g_assert_false (eb_store_person_delete (f->store, p1->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "still referenced"));
  g_clear_error (&error);
  assert_ok (eb_store_person_delete (f->store, p2->id, &error));
  g_assert_false (eb_store_person_delete (f->store, p2->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

/* --- sessions --- */

static void
assert_same_session (const EbSession *a, const EbSession *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->focus, ==, b->focus);
  g_assert_cmpint (a->host_site_id, ==, b->host_site_id);
  g_assert_cmpint (a->start, ==, b->start);
  g_assert_cmpint (a->duration_minutes, ==, b->duration_minutes);
  g_assert_cmpstr (a->timezone, ==, b->timezone);
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_cmpint (a->version, ==, b->version);
  g_assert_cmpint (a->created_at, ==, b->created_at);
  g_assert_cmpint (a->updated_at, ==, b->updated_at);
  g_assert_cmpint (a->recurrence != NULL, ==, b->recurrence != NULL);
  if (a->recurrence != NULL)
    {
      g_assert_cmpint (a->recurrence->frequency, ==, b->recurrence->frequency);
      g_assert_cmpint (a->recurrence->interval, ==, b->recurrence->interval);
      g_assert_cmpint (a->recurrence->count, ==, b->recurrence->count);
      g_assert_cmpint (a->recurrence->until, ==, b->recurrence->until);
      g_assert_cmpint (a->recurrence->last_weekday, ==, b->recurrence->last_weekday);
    }
  g_assert_cmpuint (a->exceptions->len, ==, b->exceptions->len);
  for (guint i = 0; i < a->exceptions->len; i++)
    {
      const EbOccurrenceException *ea = g_ptr_array_index (a->exceptions, i);
      const EbOccurrenceException *eb = g_ptr_array_index (b->exceptions, i);

      g_assert_cmpint (ea->original_start, ==, eb->original_start);
      g_assert_cmpint (ea->cancelled, ==, eb->cancelled);
      g_assert_cmpint (ea->new_start, ==, eb->new_start);
    }
}

static void
test_sessions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbPerson) person = test_add_person (f->store, site->id, "ada", "surgery", TRUE);
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbSession) got = NULL;
  g_autoptr (EbSession) stale = NULL;
  g_autoptr (EbSession) twin = NULL;
  g_autoptr (EbSession) nowhere = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (EbAgendaItem) item = eb_agenda_item_new ();
  g_autofree char *rrule = NULL;
  gint64 start = test_utc (2026, 3, 3, 14, 0); /* Tuesday 15:00 in Berlin */
  const gint64 week = 7 * 24 * 3600;
  gint64 series_end;

  /* A fortnightly series of six with a cancelled and a moved occurrence,
   * given out of order. */
  session = test_new_session (site->id, "GI board", start, 90);
  session->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 2);
  session->recurrence->count = 6;
  g_ptr_array_add (session->exceptions,
                   eb_occurrence_exception_new (start + 4 * week, FALSE, start + 4 * week + 3600));
  g_ptr_array_add (session->exceptions, eb_occurrence_exception_new (start + 2 * week, TRUE, 0));
  assert_ok (eb_store_session_insert (f->store, session, &error));
  g_assert_cmpint (session->version, ==, 1);
  g_assert_cmpint (
      ((EbOccurrenceException *)g_ptr_array_index (session->exceptions, 0))->original_start, ==,
      start + 2 * week);

  got = eb_store_session_get (f->store, session->id, &error);
  g_assert_no_error (error);
  assert_same_session (got, session);
  g_clear_pointer (&got, eb_session_free);

  rrule = test_raw_text (f->path, "SELECT rrule FROM sessions");
  g_assert_nonnull (strstr (rrule, "FREQ=WEEKLY"));
  g_assert_nonnull (strstr (rrule, "INTERVAL=2"));
  g_assert_nonnull (strstr (rrule, "COUNT=6"));
  /* The last of six fortnightly occurrences starts ten weeks later at the
   * same wall-clock time, which is an hour earlier in UTC once Berlin is
   * on summer time, and ends 90 minutes after that. */
  series_end = test_raw_int (f->path, "SELECT series_end FROM sessions");
  g_assert_cmpint (series_end, ==, eb_session_series_end (session));
  g_assert_cmpint (series_end, ==, start + 10 * week - 3600 + 90 * 60);

  /* Update: scalars, recurrence and a new set of exceptions. */
  stale = eb_session_copy (session);
  g_free (session->title);
  session->title = g_strdup ("GI board (weekly)");
  session->state = EB_SESSION_STATE_SCHEDULED;
  session->recurrence->interval = 1;
  session->recurrence->count = 0;
  g_ptr_array_set_size (session->exceptions, 0);
  g_ptr_array_add (session->exceptions, eb_occurrence_exception_new (start + week, TRUE, 0));
  assert_ok (eb_store_session_update (f->store, session, &error));
  g_assert_cmpint (session->version, ==, 2);
  got = eb_store_session_get (f->store, session->id, &error);
  g_assert_no_error (error);
  assert_same_session (got, session);
  g_clear_pointer (&got, eb_session_free);
  g_assert_cmpint (test_raw_int (f->path, "SELECT series_end FROM sessions"), ==, G_MAXINT64);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM session_exceptions"), ==, 1);

  /* A stale write changes nothing, exceptions included. */
  g_assert_false (eb_store_session_update (f->store, stale, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  g_clear_error (&error);
  got = eb_store_session_get (f->store, session->id, &error);
  assert_same_session (got, session);
  g_clear_pointer (&got, eb_session_free);

  /* Two exceptions for one occurrence: refused as a whole. */
  twin = test_new_session (site->id, "twin", start, 60);
  twin->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_ptr_array_add (twin->exceptions, eb_occurrence_exception_new (start + week, TRUE, 0));
  g_ptr_array_add (twin->exceptions,
                   eb_occurrence_exception_new (start + week, FALSE, start + week + 60));
  g_assert_false (eb_store_session_insert (f->store, twin, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "two exceptions"));
  g_clear_error (&error);
  g_assert_cmpint (twin->id, ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sessions"), ==, 1);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM session_exceptions"), ==, 1);

  /* A host site that does not exist; a session that does not exist. */
  nowhere = test_new_session (31337, "nowhere", start, 60);
  g_assert_false (eb_store_session_insert (f->store, nowhere, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "site 31337 does not exist");
  g_clear_error (&error);
  nowhere->id = 4040;
  nowhere->host_site_id = site->id;
  g_assert_false (eb_store_session_update (f->store, nowhere, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = eb_store_session_get (f->store, 4040, &error);
  g_assert_null (got);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Delete takes the exceptions, the roster and the agenda along. */
  entry = test_add_entry (f->store, session->id, person->id, EB_ROSTER_ROLE_PRESENTER);
  item->session_id = session->id;
  item->presenting_site_id = site->id;
  item->presenter_id = person->id;
  item->summary = g_strdup ("62-year-old with a pancreatic mass");
  item->question = g_strdup ("Resectable?");
  item->minutes = 15;
  assert_ok (eb_store_agenda_insert (f->store, item, &error));
  assert_ok (eb_store_session_delete (f->store, session->id, &error));
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM session_exceptions"), ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM roster_entries"), ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM agenda_items"), ==, 0);
  g_assert_false (eb_store_session_delete (f->store, session->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

static void
assert_session_ids (GPtrArray *sessions, const EbId *ids, guint n)
{
  g_assert_nonnull (sessions);
  g_assert_cmpuint (sessions->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (((EbSession *)g_ptr_array_index (sessions, i))->id, ==, ids[i]);
}

static void
test_sessions_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) hub = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbSite) other = test_add_site (f->store, "OTH", EB_SITE_STATUS_ACTIVE, FALSE);
  g_autoptr (EbPerson) ada = test_add_person (f->store, hub->id, "ada", "surgery", TRUE);
  g_autoptr (EbSession) march = NULL;
  g_autoptr (EbSession) jan = NULL;
  g_autoptr (EbSession) feb = NULL;
  g_autoptr (EbSession) feb_too = NULL;
  g_autoptr (EbSession) weekly
      = test_new_session (hub->id, "weekly", test_utc (2025, 12, 1, 9, 0), 60);
  g_autoptr (EbRosterEntry) e1 = NULL;
  g_autoptr (EbRosterEntry) e2 = NULL;
  g_autoptr (GPtrArray) list = NULL;
  EbSessionFilter filter = { .from = 0, .to = 0, .state = -1, .person_id = 0, .host_site_id = 0 };
  EbPage page = { .offset = 1, .limit = 2 };
  guint total = 0;

  /* Inserted out of order; feb and feb_too start at the same time. */
  march = test_add_session (f->store, hub->id, "march", test_utc (2026, 3, 1, 9, 0), 60);
  feb = test_add_session (f->store, other->id, "feb", test_utc (2026, 2, 1, 9, 0), 60);
  jan = test_add_session (f->store, hub->id, "jan", test_utc (2026, 1, 1, 9, 0), 60);
  feb_too = test_add_session (f->store, hub->id, "feb too", test_utc (2026, 2, 1, 9, 0), 60);
  /* Weekly from December until mid-January. */
  weekly->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  weekly->recurrence->until = test_utc (2026, 1, 12, 9, 0);
  assert_ok (eb_store_session_insert (f->store, weekly, &error));
  march->state = EB_SESSION_STATE_SCHEDULED;
  assert_ok (eb_store_session_update (f->store, march, &error));

  {
    const EbId expected[] = { weekly->id, jan->id, feb->id, feb_too->id, march->id };

    list = eb_store_session_list (f->store, NULL, NULL, &total, &error);
    g_assert_no_error (error);
    assert_session_ids (list, expected, G_N_ELEMENTS (expected));
    g_assert_cmpuint (total, ==, 5);
    g_clear_pointer (&list, g_ptr_array_unref);

    list = eb_store_session_list (f->store, &filter, &page, &total, &error);
    g_assert_no_error (error);
    assert_session_ids (list, expected + 1, 2);
    g_assert_cmpuint (total, ==, 5);
    g_clear_pointer (&list, g_ptr_array_unref);
  }

  {
    /* The window [Jan 10, Feb 1 09:00): the weekly series runs until
     * Jan 12; jan ended on Jan 1; feb starts when the window ends. */
    const EbId expected[] = { weekly->id };

    filter.from = test_utc (2026, 1, 10, 0, 0);
    filter.to = test_utc (2026, 2, 1, 9, 0);
    list = eb_store_session_list (f->store, &filter, NULL, &total, &error);
    g_assert_no_error (error);
    assert_session_ids (list, expected, G_N_ELEMENTS (expected));
    g_assert_cmpuint (total, ==, 1);
    g_clear_pointer (&list, g_ptr_array_unref);
  }

  {
    const EbId expected[] = { feb->id, feb_too->id, march->id };

    filter.from = test_utc (2026, 1, 20, 0, 0);
    filter.to = 0;
    list = eb_store_session_list (f->store, &filter, NULL, &total, &error);
    g_assert_no_error (error);
    assert_session_ids (list, expected, G_N_ELEMENTS (expected));
    g_assert_cmpuint (total, ==, 3);
    g_clear_pointer (&list, g_ptr_array_unref);
  }

  {
    const EbId expected[] = { march->id };

    filter.from = 0;
    filter.state = EB_SESSION_STATE_SCHEDULED;
    list = eb_store_session_list (f->store, &filter, NULL, &total, &error);
    g_assert_no_error (error);
    assert_session_ids (list, expected, G_N_ELEMENTS (expected));
    g_assert_cmpuint (total, ==, 1);
    g_clear_pointer (&list, g_ptr_array_unref);
  }

  {
    const EbId expected[] = { feb->id };

    filter.state = -1;
    filter.host_site_id = other->id;
    list = eb_store_session_list (f->store, &filter, NULL, &total, &error);
    g_assert_no_error (error);
    assert_session_ids (list, expected, G_N_ELEMENTS (expected));
    g_assert_cmpuint (total, ==, 1);
    g_clear_pointer (&list, g_ptr_array_unref);
  }

  {
    const EbId expected[] = { jan->id, march->id };

    e1 = test_add_entry (f->store, march->id, ada->id, EB_ROSTER_ROLE_CHAIR);
    e2 = test_add_entry (f->store, jan->id, ada->id, EB_ROSTER_ROLE_OBSERVER);
    filter.host_site_id = 0;
    filter.person_id = ada->id;
    list = eb_store_session_list (f->store, &filter, NULL, &total, &error);
    g_assert_no_error (error);
    assert_session_ids (list, expected, G_N_ELEMENTS (expected));
    g_assert_cmpuint (total, ==, 2);
    g_clear_pointer (&list, g_ptr_array_unref);
  }
}

/* --- roster --- */

static void
test_roster (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbPerson) ada = test_add_person (f->store, site->id, "ada", "surgery", TRUE);
  g_autoptr (EbPerson) bob = test_add_person (f->store, site->id, "bob", "pathology", TRUE);
  g_autoptr (EbSession) session
      = test_add_session (f->store, site->id, "board", test_utc (2026, 3, 3, 15, 0), 60);
  g_autoptr (EbRosterEntry) chair = NULL;
  g_autoptr (EbRosterEntry) panelist = NULL;
  g_autoptr (EbRosterEntry) dup = eb_roster_entry_new ();
  g_autoptr (EbRosterEntry) got = NULL;
  g_autoptr (EbRosterEntry) stale = NULL;
  g_autoptr (GPtrArray) list = NULL;

  chair = test_add_entry (f->store, session->id, ada->id, EB_ROSTER_ROLE_CHAIR);
  panelist = test_add_entry (f->store, session->id, bob->id, EB_ROSTER_ROLE_PANELIST);
  g_assert_cmpint (chair->version, ==, 1);

  dup->session_id = session->id;
  dup->person_id = ada->id;
  dup->role = EB_ROSTER_ROLE_OBSERVER;
  g_assert_false (eb_store_roster_insert (f->store, dup, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "already on the roster"));
  g_clear_error (&error);
  dup->session_id = 808;
  g_assert_false (eb_store_roster_insert (f->store, dup, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "session 808 does not exist");
  g_clear_error (&error);
  dup->session_id = session->id;
  dup->person_id = 909;
  g_assert_false (eb_store_roster_insert (f->store, dup, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "person 909 does not exist");
  g_clear_error (&error);

  got = eb_store_roster_find (f->store, session->id, bob->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpint (got->id, ==, panelist->id);
  g_assert_cmpint (got->role, ==, EB_ROSTER_ROLE_PANELIST);
  g_assert_cmpint (got->status, ==, EB_INVITATION_INVITED);
  g_assert_cmpint (got->joined_at, ==, 0);
  g_clear_pointer (&got, eb_roster_entry_free);
  got = eb_store_roster_find (f->store, session->id, 12345, &error);
  g_assert_no_error (error);
  g_assert_null (got);

  list = eb_store_roster_list (f->store, session->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((EbRosterEntry *)g_ptr_array_index (list, 0))->id, ==, chair->id);
  g_assert_cmpint (((EbRosterEntry *)g_ptr_array_index (list, 1))->id, ==, panelist->id);
  g_clear_pointer (&list, g_ptr_array_unref);

  stale = eb_roster_entry_copy (panelist);
  panelist->status = EB_INVITATION_ACCEPTED;
  panelist->joined_at = test_utc (2026, 3, 3, 15, 2);
  panelist->session_id = 0; /* ignored: an entry never moves */
  assert_ok (eb_store_roster_update (f->store, panelist, &error));
  g_assert_cmpint (panelist->version, ==, 2);
  g_assert_cmpint (panelist->session_id, ==, session->id);
  got = eb_store_roster_get (f->store, panelist->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->status, ==, EB_INVITATION_ACCEPTED);
  g_assert_cmpint (got->joined_at, ==, test_utc (2026, 3, 3, 15, 2));
  g_assert_cmpint (got->left_at, ==, 0);
  g_assert_cmpint (got->version, ==, 2);
  g_assert_cmpint (got->session_id, ==, session->id);
  g_clear_pointer (&got, eb_roster_entry_free);

  g_assert_false (eb_store_roster_update (f->store, stale, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  g_clear_error (&error);
  stale->id = 777;
  g_assert_false (eb_store_roster_update (f->store, stale, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  assert_ok (eb_store_roster_delete (f->store, chair->id, &error));
  g_assert_false (eb_store_roster_delete (f->store, chair->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = eb_store_roster_get (f->store, chair->id, &error);
  g_assert_null (got);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  list = eb_store_roster_list (f->store, session->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
}

/* --- agenda --- */

static EbAgendaItem *
add_item (EbStore *store, EbId session_id, EbId site_id, EbId presenter_id, gint minutes,
          const char *summary)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbAgendaItem) item = eb_agenda_item_new ();
  gboolean ok;

  item->session_id = session_id;
  item->presenting_site_id = site_id;
  item->presenter_id = presenter_id;
  item->summary = g_strdup (summary);
  item->question = g_strdup ("Next step?");
  item->minutes = minutes;
  item->position = 99; /* ignored: items are appended */
  ok = eb_store_agenda_insert (store, item, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return g_steal_pointer (&item);
}

/* The agenda's ids in position order, and its positions are 1..n. */
static void
assert_agenda (EbStore *store, EbId session_id, const EbId *ids, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = eb_store_agenda_list (store, session_id, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const EbAgendaItem *item = g_ptr_array_index (items, i);

      g_assert_cmpint (item->id, ==, ids[i]);
      g_assert_cmpint (item->position, ==, i + 1);
    }
}

static void
test_agenda (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbPerson) ada = test_add_person (f->store, site->id, "ada", "surgery", TRUE);
  g_autoptr (EbSession) session
      = test_add_session (f->store, site->id, "board", test_utc (2026, 3, 3, 15, 0), 60);
  g_autoptr (EbSession) other
      = test_add_session (f->store, site->id, "other", test_utc (2026, 3, 4, 15, 0), 60);
  g_autoptr (EbAgendaItem) a = add_item (f->store, session->id, site->id, ada->id, 10, "a");
  g_autoptr (EbAgendaItem) b = add_item (f->store, session->id, site->id, ada->id, 15, "b");
  g_autoptr (EbAgendaItem) c = add_item (f->store, session->id, site->id, ada->id, 20, "c");
  g_autoptr (EbAgendaItem) d = add_item (f->store, session->id, site->id, ada->id, 5, "d");
  g_autoptr (EbAgendaItem) elsewhere = add_item (f->store, other->id, site->id, ada->id, 30, "x");
  g_autoptr (EbAgendaItem) got = NULL;
  g_autoptr (EbAgendaItem) stale = NULL;
  g_autoptr (EbAgendaItem) bad = NULL;

  g_assert_cmpint (a->position, ==, 1);
  g_assert_cmpint (d->position, ==, 4);
  g_assert_cmpint (elsewhere->position, ==, 1);
  g_assert_cmpint (eb_store_agenda_total_minutes (f->store, session->id, &error), ==, 50);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_agenda_total_minutes (f->store, 5150, &error), ==, 0);
  g_assert_no_error (error);

  got = eb_store_agenda_get (f->store, c->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->summary, ==, "c");
  g_assert_cmpstr (got->question, ==, "Next step?");
  g_assert_cmpint (got->minutes, ==, 20);
  g_assert_cmpint (got->kind, ==, EB_CASE_KIND_PROSPECTIVE);
  g_assert_cmpint (got->status, ==, EB_CASE_STATUS_PENDING);
  g_assert_null (got->recommendation);
  g_assert_cmpint (got->position, ==, 3);
  g_clear_pointer (&got, eb_agenda_item_free);

  /* A presenter who does not exist. */
  bad = eb_agenda_item_copy (a);
  bad->presenter_id = 6060;
  g_assert_false (eb_store_agenda_insert (f->store, bad, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "person 6060 does not exist");
  g_clear_error (&error);

  {
    const EbId order[] = { a->id, b->id, c->id, d->id };
    assert_agenda (f->store, session->id, order, G_N_ELEMENTS (order));
  }

  /* Deleting b closes the gap, and only the items that moved change. */
  assert_ok (eb_store_agenda_delete (f->store, b->id, &error));
  {
    const EbId order[] = { a->id, c->id, d->id };
    assert_agenda (f->store, session->id, order, G_N_ELEMENTS (order));
  }
  got = eb_store_agenda_get (f->store, a->id, &error);
  g_assert_cmpint (got->version, ==, 1);
  g_clear_pointer (&got, eb_agenda_item_free);
  got = eb_store_agenda_get (f->store, c->id, &error);
  g_assert_cmpint (got->version, ==, 2);
  g_clear_pointer (&got, eb_agenda_item_free);
  g_assert_false (eb_store_agenda_delete (f->store, b->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (eb_store_agenda_total_minutes (f->store, session->id, &error), ==, 35);

  /* Appending after a delete takes the next free position. */
  {
    g_autoptr (EbAgendaItem) e = add_item (f->store, session->id, site->id, ada->id, 5, "e");
    const EbId order[] = { a->id, c->id, d->id, e->id };
    const EbId reversed[] = { e->id, d->id, c->id, a->id };
    const EbId missing_one[] = { e->id, d->id, c->id };
    const EbId foreign[] = { e->id, d->id, c->id, elsewhere->id };
    const EbId twice[] = { e->id, d->id, c->id, c->id };
    const EbId too_many[] = { e->id, d->id, c->id, a->id, a->id };

    g_assert_cmpint (e->position, ==, 4);
    assert_agenda (f->store, session->id, order, G_N_ELEMENTS (order));

    assert_ok (
        eb_store_agenda_reorder (f->store, session->id, reversed, G_N_ELEMENTS (reversed), &error));
    assert_agenda (f->store, session->id, reversed, G_N_ELEMENTS (reversed));

    /* Wrong sets are refused and leave the order as it was. */
    g_assert_false (eb_store_agenda_reorder (f->store, session->id, missing_one,
                                             G_N_ELEMENTS (missing_one), &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (
        eb_store_agenda_reorder (f->store, session->id, foreign, G_N_ELEMENTS (foreign), &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "is not on the agenda"));
    g_clear_error (&error);
    g_assert_false (
        eb_store_agenda_reorder (f->store, session->id, twice, G_N_ELEMENTS (twice), &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "twice"));
    g_clear_error (&error);
    g_assert_false (
        eb_store_agenda_reorder (f->store, session->id, too_many, G_N_ELEMENTS (too_many), &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_clear_error (&error);
    assert_agenda (f->store, session->id, reversed, G_N_ELEMENTS (reversed));
    {
      const EbId only[] = { elsewhere->id };
      assert_agenda (f->store, other->id, only, 1);
    }

    g_assert_false (eb_store_agenda_reorder (f->store, 8888, NULL, 0, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Update keeps the position (it comes back as stored) and checks the
   * version. */
  {
    EbId d_id = d->id;

    g_clear_pointer (&d, eb_agenda_item_free);
    d = eb_store_agenda_get (f->store, d_id, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpint (d->version, ==, 3); /* moved up by the delete, then by the reorder */
  stale = eb_agenda_item_copy (d);
  d->status = EB_CASE_STATUS_DISCUSSED;
  d->recommendation = g_strdup ("Neoadjuvant chemotherapy, then surgery");
  d->position = 1;
  assert_ok (eb_store_agenda_update (f->store, d, &error));
  g_assert_cmpint (d->position, ==, 2);
  got = eb_store_agenda_get (f->store, d->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->status, ==, EB_CASE_STATUS_DISCUSSED);
  g_assert_cmpstr (got->recommendation, ==, "Neoadjuvant chemotherapy, then surgery");
  g_assert_cmpint (got->position, ==, 2);
  g_assert_cmpint (got->version, ==, d->version);
  g_clear_pointer (&got, eb_agenda_item_free);
  g_assert_false (eb_store_agenda_update (f->store, stale, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  g_clear_error (&error);
  stale->id = 4444;
  g_assert_false (eb_store_agenda_update (f->store, stale, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* --- tokens --- */

static void
test_tokens (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbPerson) ada = test_add_person (f->store, site->id, "ada", "surgery", TRUE);
  g_autoptr (EbToken) bootstrap = eb_token_new ();
  g_autoptr (EbToken) mine = eb_token_new ();
  g_autoptr (EbToken) second = eb_token_new ();
  g_autoptr (EbToken) dup = eb_token_new ();
  g_autoptr (EbToken) got = NULL;
  g_autoptr (GPtrArray) list = NULL;
  const char *hash1 = "1111111111111111111111111111111111111111111111111111111111111111";
  const char *hash2 = "2222222222222222222222222222222222222222222222222222222222222222";
  const char *hash3 = "3333333333333333333333333333333333333333333333333333333333333333";
  EbPage page = { .offset = 0, .limit = 1 };
  guint total = 0;

  g_assert_cmpint (eb_store_token_count (f->store, &error), ==, 0);
  g_assert_no_error (error);

  bootstrap->role = EB_ROLE_ADMIN;
  bootstrap->label = g_strdup ("bootstrap");
  bootstrap->hint = g_strdup ("abcd");
  assert_ok (eb_store_token_insert (f->store, bootstrap, hash1, &error));
  g_assert_cmpint (bootstrap->id, >, 0);
  g_assert_cmpint (bootstrap->created_at, >, 0);

  mine->person_id = ada->id;
  mine->role = EB_ROLE_CLINICIAN;
  mine->label = g_strdup ("laptop");
  mine->hint = g_strdup ("wxyz");
  mine->expires_at = test_utc (2030, 1, 1, 0, 0);
  assert_ok (eb_store_token_insert (f->store, mine, hash2, &error));
  second->person_id = ada->id;
  second->role = EB_ROLE_REVIEWER;
  assert_ok (eb_store_token_insert (f->store, second, hash3, &error));

  dup->role = EB_ROLE_ADMIN;
  g_assert_false (eb_store_token_insert (f->store, dup, hash2, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_null (strstr (error->message, hash2));
  g_clear_error (&error);
  dup->person_id = 999;
  g_assert_false (eb_store_token_insert (f->store, dup, "4444", &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "person 999 does not exist");
  g_clear_error (&error);
  g_assert_cmpint (eb_store_token_count (f->store, &error), ==, 3);

  got = eb_store_token_find_by_hash (f->store, hash2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpint (got->id, ==, mine->id);
  g_assert_cmpint (got->person_id, ==, ada->id);
  g_assert_cmpint (got->role, ==, EB_ROLE_CLINICIAN);
  g_assert_cmpstr (got->label, ==, "laptop");
  g_assert_cmpstr (got->hint, ==, "wxyz");
  g_assert_cmpint (got->expires_at, ==, test_utc (2030, 1, 1, 0, 0));
  g_assert_cmpint (got->revoked_at, ==, 0);
  g_clear_pointer (&got, eb_token_free);
  got = eb_store_token_find_by_hash (f->store, "ffff", &error);
  g_assert_no_error (error);
  g_assert_null (got);

  got = eb_store_token_get (f->store, bootstrap->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->person_id, ==, 0);
  g_assert_cmpint (got->role, ==, EB_ROLE_ADMIN);
  g_clear_pointer (&got, eb_token_free);
  got = eb_store_token_get (f->store, 5150, &error);
  g_assert_null (got);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = eb_store_token_list (f->store, 0, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpuint (total, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = eb_store_token_list (f->store, ada->id, &page, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpuint (total, ==, 2);
  g_assert_cmpint (((EbToken *)g_ptr_array_index (list, 0))->id, ==, mine->id);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Revocation is recorded once. */
  assert_ok (eb_store_token_revoke (f->store, mine->id, 1800000000, &error));
  assert_ok (eb_store_token_revoke (f->store, mine->id, 1900000000, &error));
  got = eb_store_token_find_by_hash (f->store, hash2, &error);
  g_assert_cmpint (got->revoked_at, ==, 1800000000);
  g_clear_pointer (&got, eb_token_free);
  g_assert_false (eb_store_token_revoke (f->store, 5150, 1800000000, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (eb_store_token_count (f->store, &error), ==, 3);
}

/* --- idempotency keys --- */

static void
test_idempotency (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbToken) token = eb_token_new ();
  g_autoptr (EbToken) other = eb_token_new ();
  g_autoptr (EbIdempotentReply) got = NULL;
  const char body[] = "{\"id\": 1, \"name\": \"x\\u0000y\"}";
  EbIdempotentReply reply = {
    .request_hash = (char *)"aaaa",
    .status = 201,
    .content_type = (char *)"application/json",
    .location = (char *)"/api/v1/sites/1",
    .body = g_bytes_new_static (body, sizeof (body)),
  };
  EbIdempotentReply second = {
    .request_hash = (char *)"bbbb",
    .status = 201,
    .content_type = NULL,
    .location = NULL,
    .body = NULL,
  };

  g_assert_true (eb_store_token_insert (f->store, token, "h1", &error));
  assert_ok (eb_store_token_insert (f->store, other, "h2", &error));

  got = eb_store_idempotency_get (f->store, token->id, "key-1", &error);
  g_assert_no_error (error);
  g_assert_null (got);

  assert_ok (eb_store_idempotency_put (f->store, token->id, "key-1", &reply, &error));
  got = eb_store_idempotency_get (f->store, token->id, "key-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpstr (got->request_hash, ==, "aaaa");
  g_assert_cmpuint (got->status, ==, 201);
  g_assert_cmpstr (got->content_type, ==, "application/json");
  g_assert_cmpstr (got->location, ==, "/api/v1/sites/1");
  g_assert_true (g_bytes_equal (got->body, reply.body));
  g_clear_pointer (&got, eb_idempotent_reply_free);

  /* Keys belong to one token. */
  got = eb_store_idempotency_get (f->store, other->id, "key-1", &error);
  g_assert_no_error (error);
  g_assert_null (got);
  assert_ok (eb_store_idempotency_put (f->store, other->id, "key-1", &second, &error));
  got = eb_store_idempotency_get (f->store, other->id, "key-1", &error);
  g_assert_cmpstr (got->request_hash, ==, "bbbb");
  g_assert_null (got->body);
  g_assert_null (got->location);
  g_clear_pointer (&got, eb_idempotent_reply_free);

  /* A fresh key cannot be overwritten. */
  g_assert_false (eb_store_idempotency_put (f->store, token->id, "key-1", &second, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  /* After 24 hours the reply is forgotten, and the key is free again. */
  test_raw_exec (f->path, "UPDATE idempotency_keys SET created_at = created_at - 86401 "
                          "WHERE key = 'key-1' AND request_hash = 'aaaa'");
  got = eb_store_idempotency_get (f->store, token->id, "key-1", &error);
  g_assert_no_error (error);
  g_assert_null (got);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM idempotency_keys"), ==, 2);
  assert_ok (eb_store_idempotency_put (f->store, token->id, "key-2", &second, &error));
  /* That put pruned the expired row. */
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM idempotency_keys"), ==, 2);
  assert_ok (eb_store_idempotency_put (f->store, token->id, "key-1", &second, &error));
  got = eb_store_idempotency_get (f->store, token->id, "key-1", &error);
  g_assert_nonnull (got);
  g_assert_cmpstr (got->request_hash, ==, "bbbb");

  g_bytes_unref (reply.body);
}

/* --- transactions --- */

static void
test_transaction_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbTransaction) nested = NULL;
  g_autoptr (GPtrArray) sites = NULL;
  g_autoptr (EbSite) site = NULL;
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (EbSite) got = NULL;
  guint total = 99;

  tx = eb_store_transaction_begin (f->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tx);

  nested = eb_store_transaction_begin (f->store, &error);
  g_assert_null (nested);
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "a transaction is already open");
  g_clear_error (&error);

  site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  person = test_add_person (f->store, site->id, "ada", "surgery", TRUE);
  session = test_add_session (f->store, site->id, "board", test_utc (2026, 3, 3, 15, 0), 60);
  entry = test_add_entry (f->store, session->id, person->id, EB_ROSTER_ROLE_CHAIR);

  /* Visible inside the transaction... */
  got = eb_store_site_get (f->store, site->id, &error);
  g_assert_no_error (error);
  g_clear_pointer (&got, eb_site_free);

  /* ...and gone once it is freed without a commit. */
  g_clear_pointer (&tx, eb_transaction_free);
  got = eb_store_site_get (f->store, site->id, &error);
  g_assert_null (got);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  sites = eb_store_site_list (f->store, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sites->len, ==, 0);
  g_assert_cmpuint (total, ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM people"), ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sessions"), ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM roster_entries"), ==, 0);

  /* A new transaction may start now. */
  tx = eb_store_transaction_begin (f->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tx);
}

static void
test_transaction_commit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSite) a = NULL;
  g_autoptr (EbSite) b = NULL;
  g_autoptr (EbSite) clash = eb_site_new ();
  g_autoptr (EbSession) twin = NULL;

  tx = eb_store_transaction_begin (f->store, &error);
  g_assert_no_error (error);
  a = test_add_site (f->store, "AAA", EB_SITE_STATUS_ACTIVE, TRUE);

  /* A failed call inside the transaction leaves the rest of it alone,
   * including a several-statement call that failed half-way. */
  clash->name = g_strdup ("clash");
  clash->code = g_strdup ("AAA");
  clash->timezone = g_strdup ("UTC");
  g_assert_false (eb_store_site_insert (f->store, clash, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  twin = test_new_session (a->id, "twin", test_utc (2026, 3, 3, 15, 0), 60);
  twin->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_ptr_array_add (twin->exceptions, eb_occurrence_exception_new (twin->start, TRUE, 0));
  g_ptr_array_add (twin->exceptions, eb_occurrence_exception_new (twin->start, TRUE, 0));
  g_assert_false (eb_store_session_insert (f->store, twin, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  b = test_add_site (f->store, "BBB", EB_SITE_STATUS_ACTIVE, FALSE);
  /* Another connection does not see uncommitted rows. */
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sites"), ==, 0);
  assert_ok (eb_transaction_commit (tx, &error));
  g_assert_false (eb_transaction_commit (tx, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_pointer (&tx, eb_transaction_free);

  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sites"), ==, 2);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sessions"), ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM session_exceptions"), ==, 0);
}

/* --- closing --- */

static void
test_close (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbSite) got = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (EbTransaction) tx = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  GStatBuf st;

  /* An open transaction is rolled back by close, and freeing it later is
   * harmless. */
  tx = eb_store_transaction_begin (f->store, &error);
  g_assert_no_error (error);
  g_clear_pointer (&site, eb_site_free);
  site = test_add_site (f->store, "LOST", EB_SITE_STATUS_ACTIVE, FALSE);

  eb_store_close (f->store);
  eb_store_close (f->store);
  g_clear_pointer (&tx, eb_transaction_free);

  /* The log was checkpointed into the file and removed. */
  g_assert_true (g_stat (wal, &st) != 0 || st.st_size == 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sites"), ==, 1);

  got = eb_store_site_get (f->store, 1, &error);
  g_assert_null (got);
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  list = eb_store_site_list (f->store, NULL, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_false (eb_store_site_insert (f->store, site, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  tx = eb_store_transaction_begin (f->store, &error);
  g_assert_null (tx);
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_cmpint (eb_store_token_count (f->store, &error), ==, -1);
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE);
}

/* --- a person's sessions --- */

static void
assert_plan_uses_indexes (EbStore *store, gboolean exclusive_only)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *plan
      = eb_store_explain (store, eb_store_person_sessions_sql (exclusive_only), &error);

  g_assert_no_error (error);
  g_test_message ("plan:\n%s", plan);
  g_assert_nonnull (strstr (plan, "SEARCH r USING INDEX roster_entries_person (person_id=?)"));
  g_assert_nonnull (strstr (plan, "SEARCH s USING INTEGER PRIMARY KEY (rowid=?)"));
  g_assert_null (strstr (plan, "SCAN r"));
  g_assert_null (strstr (plan, "SCAN s"));
  g_assert_null (strstr (plan, "SCAN roster_entries"));
  g_assert_null (strstr (plan, "SCAN sessions"));
}

static void
test_person_sessions_plan (Fixture *f, gconstpointer data)
{
  assert_plan_uses_indexes (f->store, FALSE);
  assert_plan_uses_indexes (f->store, TRUE);
}

static void
assert_person_sessions (EbStore *store, EbId person_id, gint64 from, gint64 to,
                        gboolean exclusive_only, const EbId *ids, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows
      = eb_store_person_sessions (store, person_id, from, to, exclusive_only, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rows);
  g_assert_cmpuint (rows->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const EbPersonSession *ps = g_ptr_array_index (rows, i);

      g_assert_cmpint (ps->session->id, ==, ids[i]);
      g_assert_cmpint (ps->entry->session_id, ==, ids[i]);
      g_assert_cmpint (ps->entry->person_id, ==, person_id);
    }
}

static void
test_person_sessions_window (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  g_autoptr (EbPerson) ada = test_add_person (f->store, site->id, "ada", "surgery", TRUE);
  g_autoptr (EbPerson) bob = test_add_person (f->store, site->id, "bob", "surgery", TRUE);
  g_autoptr (EbSession) a = NULL;
  g_autoptr (EbSession) b = NULL;
  g_autoptr (EbSession) c = test_new_session (site->id, "c", test_utc (2026, 1, 1, 9, 0), 60);
  g_autoptr (EbSession) d = NULL;
  g_autoptr (EbSession) e = NULL;
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_roster_entry_free);
  g_autoptr (GPtrArray) rows = NULL;
  gint64 jan5 = test_utc (2026, 1, 5, 0, 0);
  gint64 jan20 = test_utc (2026, 1, 20, 0, 0);

  a = test_add_session (f->store, site->id, "a", test_utc (2026, 1, 10, 9, 0), 60);
  b = test_add_session (f->store, site->id, "b", test_utc (2026, 2, 10, 9, 0), 60);
  /* c: weekly, four times, Jan 1 to Jan 22. */
  c->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  c->recurrence->count = 4;
  assert_ok (eb_store_session_insert (f->store, c, &error));
  d = test_add_session (f->store, site->id, "d", test_utc (2026, 1, 15, 9, 0), 60);
  d->state = EB_SESSION_STATE_CANCELLED;
  assert_ok (eb_store_session_update (f->store, d, &error));
  e = test_add_session (f->store, site->id, "e", test_utc (2026, 1, 12, 9, 0), 60);

  g_ptr_array_add (entries, test_add_entry (f->store, a->id, ada->id, EB_ROSTER_ROLE_CHAIR));
  g_ptr_array_add (entries, test_add_entry (f->store, b->id, ada->id, EB_ROSTER_ROLE_PANELIST));
  g_ptr_array_add (entries, test_add_entry (f->store, c->id, ada->id, EB_ROSTER_ROLE_PRESENTER));
  g_ptr_array_add (entries, test_add_entry (f->store, d->id, ada->id, EB_ROSTER_ROLE_CHAIR));
  g_ptr_array_add (entries, test_add_entry (f->store, e->id, bob->id, EB_ROSTER_ROLE_CHAIR));
  g_ptr_array_add (entries, test_add_entry (f->store, a->id, bob->id, EB_ROSTER_ROLE_OBSERVER));

  {
    /* Everything of ada's but the cancelled one, by start. */
    const EbId all[] = { c->id, a->id, b->id };
    assert_person_sessions (f->store, ada->id, 0, 0, FALSE, all, G_N_ELEMENTS (all));
  }
  {
    /* [Jan 5, Jan 20): the series c still runs, a is in, b is later. */
    const EbId window[] = { c->id, a->id };
    assert_person_sessions (f->store, ada->id, jan5, jan20, FALSE, window, G_N_ELEMENTS (window));
    assert_person_sessions (f->store, ada->id, jan5, jan20, TRUE, window, G_N_ELEMENTS (window));
  }
  {
    /* February: c ended on Jan 22; b is ada's only as a panelist. */
    const EbId feb[] = { b->id };
    assert_person_sessions (f->store, ada->id, test_utc (2026, 2, 1, 0, 0),
                            test_utc (2026, 3, 1, 0, 0), FALSE, feb, G_N_ELEMENTS (feb));
    assert_person_sessions (f->store, ada->id, test_utc (2026, 2, 1, 0, 0),
                            test_utc (2026, 3, 1, 0, 0), TRUE, NULL, 0);
  }
  {
    /* bob chairs e and observes a. */
    const EbId bobs[] = { a->id, e->id };
    const EbId chairs[] = { e->id };
    assert_person_sessions (f->store, bob->id, jan5, jan20, FALSE, bobs, G_N_ELEMENTS (bobs));
    assert_person_sessions (f->store, bob->id, jan5, jan20, TRUE, chairs, G_N_ELEMENTS (chairs));
  }

  /* The sessions come with their recurrence and the entry's role. */
  rows = eb_store_person_sessions (f->store, ada->id, jan5, jan20, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (((EbPersonSession *)g_ptr_array_index (rows, 0))->session->recurrence);
  g_assert_cmpint (((EbPersonSession *)g_ptr_array_index (rows, 0))->session->recurrence->count, ==,
                   4);
  g_assert_cmpint (((EbPersonSession *)g_ptr_array_index (rows, 0))->entry->role, ==,
                   EB_ROSTER_ROLE_PRESENTER);
  g_assert_cmpint (((EbPersonSession *)g_ptr_array_index (rows, 1))->entry->role, ==,
                   EB_ROSTER_ROLE_CHAIR);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/eboard/store/migrations/fresh", test_migrations_fresh);
  ADD ("/eboard/store/migrations/builtin-complete", test_migrations_builtin_complete);
  ADD ("/eboard/store/migrations/reopen", test_migrations_reopen);
  ADD ("/eboard/store/migrations/newer", test_migrations_newer);
  ADD ("/eboard/store/migrations/folder", test_migrations_folder);
  ADD ("/eboard/store/migrations/broken", test_migrations_broken);
  g_test_add_func ("/eboard/store/not-a-database", test_not_a_database);
  ADD ("/eboard/store/sites", test_sites);
  ADD ("/eboard/store/sites/list", test_sites_list);
  ADD ("/eboard/store/people", test_people);
  ADD ("/eboard/store/sessions", test_sessions);
  ADD ("/eboard/store/sessions/list", test_sessions_list);
  ADD ("/eboard/store/roster", test_roster);
  ADD ("/eboard/store/agenda", test_agenda);
  ADD ("/eboard/store/tokens", test_tokens);
  ADD ("/eboard/store/idempotency", test_idempotency);
  ADD ("/eboard/store/transaction/rollback", test_transaction_rollback);
  ADD ("/eboard/store/transaction/commit", test_transaction_commit);
  ADD ("/eboard/store/close", test_close);
  ADD ("/eboard/store/person-sessions/plan", test_person_sessions_plan);
  ADD ("/eboard/store/person-sessions/window", test_person_sessions_window);
#undef ADD

  return g_test_run ();
}
