/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <eboard/eb-error.h>

#include "test-store-common.h"

/*
 * The generic table helpers of eb-store-private.h on a table of their own
 * ("gadgets", with a foreign key to the real sites and a child table
 * "parts"), so that each rule is checked once, apart from any repository.
 */

typedef struct
{
  EbId id;
  char *name;
  EbId site_id;
  gint size;
  gint64 due_at; /* an optional instant: 0 is NULL */
  gint64 version;
  gint64 created_at;
  gint64 updated_at;
} Gadget;

static Gadget *
gadget_new (const char *name, EbId site_id, gint size)
{
  Gadget *gadget = g_new0 (Gadget, 1);

  gadget->name = g_strdup (name);
  gadget->site_id = site_id;
  gadget->size = size;
  return gadget;
}

static void
gadget_free (Gadget *gadget)
{
  g_free (gadget->name);
  g_free (gadget);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Gadget, gadget_free)

static gpointer
gadget_from_row (EbStore *store, sqlite3_stmt *stmt, GError **error)
{
  Gadget *gadget = gadget_new ((const char *)sqlite3_column_text (stmt, 1),
                               sqlite3_column_int64 (stmt, 2), sqlite3_column_int (stmt, 3));

  gadget->id = sqlite3_column_int64 (stmt, 0);
  gadget->due_at = sqlite3_column_int64 (stmt, 4);
  gadget->version = sqlite3_column_int64 (stmt, 5);
  gadget->created_at = sqlite3_column_int64 (stmt, 6);
  gadget->updated_at = sqlite3_column_int64 (stmt, 7);
  return gadget;
}

static gboolean
gadget_check (gconstpointer entity, GError **error)
{
  const Gadget *gadget = entity;

  if (gadget->size >= 0)
    return TRUE;
  g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "a gadget has no negative size");
  return FALSE;
}

static void
gadget_bind (sqlite3_stmt *stmt, gconstpointer entity)
{
  const Gadget *gadget = entity;

  eb_bind_text (stmt, ":name", gadget->name);
  eb_bind_int64 (stmt, ":site_id", gadget->site_id);
  eb_bind_int64 (stmt, ":size", gadget->size);
  eb_bind_optional (stmt, ":due_at", gadget->due_at);
}

static void
gadget_returned (sqlite3_stmt *stmt, gpointer entity)
{
  Gadget *gadget = entity;

  gadget->site_id = sqlite3_column_int64 (stmt, 0);
}

static gboolean
gadget_write_failed (EbStore *store, gconstpointer entity, int rc, const char *operation,
                     GError **error)
{
  const Gadget *gadget = entity;
  const EbReference refs[] = { { "sites", "site", gadget->site_id } };

  return eb_store_write_failed (store, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

static const EbTable gadgets_table = {
  .name = "gadgets",
  .noun = "gadget",
  .a_noun = "a gadget",
  .columns = "id, name, site_id, size, due_at, version, created_at, updated_at",
  .from_row = gadget_from_row,
  .free_func = (GDestroyNotify)gadget_free,
  .referenced_by = "parts",
  .write_failed = gadget_write_failed,
  .check = gadget_check,
  .bind = gadget_bind,
  .returned = gadget_returned,
  EB_TABLE_VERSIONED (Gadget),
};

#define GADGET_INSERT_SQL                                                                          \
  "INSERT INTO gadgets (name, site_id, size, due_at, version, created_at, updated_at) "            \
  "VALUES (:name, :site_id, :size, :due_at, 1, :now, :now)"
/* Does not write site_id: it comes back through RETURNING. */
#define GADGET_UPDATE_SQL                                                                          \
  "UPDATE gadgets SET name = :name, size = :size, due_at = :due_at, version = version + 1, "       \
  "updated_at = :now WHERE id = :id AND version = :version RETURNING site_id"

typedef struct
{
  char *dir;
  char *path;
  EbStore *store;
  EbSite *site;
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
  g_assert_true (eb_store_exec (f->store,
                                "CREATE TABLE gadgets (id INTEGER PRIMARY KEY, "
                                "name TEXT NOT NULL UNIQUE, "
                                "site_id INTEGER NOT NULL REFERENCES sites (id), "
                                "size INTEGER NOT NULL, due_at INTEGER, version INTEGER NOT NULL, "
                                "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
                                "creating gadgets", &error));
  g_assert_no_error (error);
  g_assert_true (eb_store_exec (f->store,
                                "CREATE TABLE parts (id INTEGER PRIMARY KEY, "
                                "gadget_id INTEGER NOT NULL REFERENCES gadgets (id))",
                                "creating parts", &error));
  g_assert_no_error (error);
  f->site = test_add_site (f->store, "GAD", EB_SITE_STATUS_ACTIVE, FALSE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->site, eb_site_free);
  g_clear_object (&f->store);
  test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static Gadget *
add_gadget (Fixture *f, const char *name, gint size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Gadget) gadget = gadget_new (name, f->site->id, size);

  g_assert_true (
      eb_store_insert_entity (f->store, &gadgets_table, GADGET_INSERT_SQL, gadget, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&gadget);
}

static gint64
count_gadgets (Fixture *f)
{
  return test_raw_int (f->path, "SELECT COUNT(*) FROM gadgets");
}

static void
test_insert_get (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Gadget) gadget = gadget_new ("sprocket", f->site->id, 3);
  g_autoptr (Gadget) read = NULL;
  g_autoptr (Gadget) dated = gadget_new ("cog", f->site->id, 4);
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gpointer missing = GINT_TO_POINTER (1);
  g_autofree char *sql = NULL;

  g_assert_true (
      eb_store_insert_entity (f->store, &gadgets_table, GADGET_INSERT_SQL, gadget, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gadget->id, >, 0);
  g_assert_cmpint (gadget->version, ==, 1);
  g_assert_cmpint (gadget->created_at, >=, before);
  g_assert_cmpint (gadget->created_at, <=, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (gadget->updated_at, ==, gadget->created_at);

  read = eb_store_get_by_id (f->store, &gadgets_table, gadget->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (read);
  g_assert_cmpint (read->id, ==, gadget->id);
  g_assert_cmpstr (read->name, ==, "sprocket");
  g_assert_cmpint (read->site_id, ==, f->site->id);
  g_assert_cmpint (read->size, ==, 3);
  g_assert_cmpint (read->version, ==, 1);
  g_assert_cmpint (read->created_at, ==, gadget->created_at);

  /* An unset optional instant is NULL in the file and 0 again when read. */
  sql = g_strdup_printf ("SELECT due_at IS NULL FROM gadgets WHERE id = %" G_GINT64_FORMAT,
                         gadget->id);
  g_assert_cmpint (test_raw_int (f->path, sql), ==, 1);
  g_assert_cmpint (read->due_at, ==, 0);
  dated->due_at = 1767225600;
  g_assert_true (
      eb_store_insert_entity (f->store, &gadgets_table, GADGET_INSERT_SQL, dated, &error));
  g_assert_no_error (error);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT due_at FROM gadgets WHERE id = %" G_GINT64_FORMAT, dated->id);
  g_assert_cmpint (test_raw_int (f->path, sql), ==, 1767225600);

  /* Missing: NULL without an error from find, NOT_FOUND from get. */
  g_assert_true (eb_store_find_by_id (f->store, &gadgets_table, 999, &missing, &error));
  g_assert_no_error (error);
  g_assert_null (missing);
  g_assert_null (eb_store_get_by_id (f->store, &gadgets_table, 999, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "gadget 999 does not exist");
}

static void
test_write_failed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Gadget) first = add_gadget (f, "flange", 1);
  g_autoptr (Gadget) orphan = gadget_new ("widget", 4242, 1);
  g_autoptr (Gadget) twin = gadget_new ("flange", f->site->id, 2);
  g_autoptr (Gadget) negative = gadget_new ("bolt", f->site->id, -1);

  /* A broken foreign key names the missing object. */
  g_assert_false (
      eb_store_insert_entity (f->store, &gadgets_table, GADGET_INSERT_SQL, orphan, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "site 4242 does not exist");
  g_assert_cmpint (orphan->id, ==, 0);
  g_clear_error (&error);

  /* A duplicate is a conflict too, named by the operation. */
  g_assert_false (
      eb_store_insert_entity (f->store, &gadgets_table, GADGET_INSERT_SQL, twin, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_true (g_str_has_prefix (error->message, "inserting a gadget: "));
  g_assert_cmpint (twin->id, ==, 0);
  g_assert_cmpint (twin->version, ==, 0);
  g_clear_error (&error);

  /* The entity's own check runs first, even on a closed store. */
  g_assert_false (
      eb_store_insert_entity (f->store, &gadgets_table, GADGET_INSERT_SQL, negative, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (count_gadgets (f), ==, 1);
  eb_store_close (f->store);
  g_assert_false (
      eb_store_insert_entity (f->store, &gadgets_table, GADGET_INSERT_SQL, negative, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (
      eb_store_insert_entity (f->store, &gadgets_table, GADGET_INSERT_SQL, twin, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE);
}

static void
test_update (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Gadget) gadget = add_gadget (f, "gear", 5);
  g_autoptr (Gadget) old = NULL;
  g_autoptr (Gadget) ghost = gadget_new ("ghost", f->site->id, 1);
  g_autofree char *sql = NULL;
  g_autofree char *message = NULL;

  old = g_memdup2 (gadget, sizeof *gadget);
  old->name = g_strdup (gadget->name);

  /* site_id is not written: RETURNING gives it back as stored. */
  g_free (gadget->name);
  gadget->name = g_strdup ("big gear");
  gadget->size = 50;
  gadget->site_id = 0;
  g_assert_true (
      eb_store_update_entity (f->store, &gadgets_table, GADGET_UPDATE_SQL, gadget, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gadget->version, ==, 2);
  g_assert_cmpint (gadget->updated_at, >=, gadget->created_at);
  g_assert_cmpint (gadget->site_id, ==, f->site->id);
  sql = g_strdup_printf ("SELECT size * 10 + version FROM gadgets WHERE id = %" G_GINT64_FORMAT,
                         gadget->id);
  g_assert_cmpint (test_raw_int (f->path, sql), ==, 502);

  /* The version read before that update is stale now. */
  g_assert_false (
      eb_store_update_entity (f->store, &gadgets_table, GADGET_UPDATE_SQL, old, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  message = g_strdup_printf ("gadget %" G_GINT64_FORMAT " has changed: it is at version 2, not 1",
                             gadget->id);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpint (old->version, ==, 1);
  g_assert_cmpint (test_raw_int (f->path, sql), ==, 502);
  g_clear_error (&error);

  /* No such row at all. */
  ghost->id = 31337;
  ghost->version = 1;
  g_assert_false (
      eb_store_update_entity (f->store, &gadgets_table, GADGET_UPDATE_SQL, ghost, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "gadget 31337 does not exist");
  g_assert_cmpint (ghost->version, ==, 1);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Gadget) gadget = add_gadget (f, "axle", 2);
  g_autofree char *sql = NULL;
  g_autofree char *message = NULL;

  sql = g_strdup_printf ("INSERT INTO parts (gadget_id) VALUES (%" G_GINT64_FORMAT ")", gadget->id);
  test_raw_exec (f->path, sql);
  g_assert_false (eb_store_delete_row (f->store, &gadgets_table, gadget->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  message
      = g_strdup_printf ("gadget %" G_GINT64_FORMAT " is still referenced by parts", gadget->id);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpint (count_gadgets (f), ==, 1);
  g_clear_error (&error);

  test_raw_exec (f->path, "DELETE FROM parts");
  g_assert_true (eb_store_delete_row (f->store, &gadgets_table, gadget->id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_gadgets (f), ==, 0);

  g_assert_false (eb_store_delete_row (f->store, &gadgets_table, gadget->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

static void
bind_min_size (sqlite3_stmt *stmt, gconstpointer data)
{
  eb_bind_int64 (stmt, ":size", *(const gint *)data);
}

static void
test_list_page (Fixture *f, gconstpointer data)
{
  static const EbPageQuery query = { &gadgets_table, "size DESC, id", "listing gadgets" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  EbPage page = { 2, 3 };
  guint total = 0;
  gint min_size = 4;

  for (gint i = 0; i < 7; i++)
    {
      g_autofree char *name = g_strdup_printf ("gadget-%d", i);
      g_autoptr (Gadget) gadget = add_gadget (f, name, i);

      g_assert_cmpint (gadget->id, >, 0);
    }

  /* Sizes 6..0 by the order; skip two, take three. */
  rows = eb_store_list_page (f->store, &query, "1", NULL, NULL, &page, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpint (((Gadget *)g_ptr_array_index (rows, 0))->size, ==, 4);
  g_assert_cmpint (((Gadget *)g_ptr_array_index (rows, 2))->size, ==, 2);
  g_assert_cmpuint (total, ==, 7);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The total counts the filter's matches, not the page. */
  page.offset = 0;
  page.limit = 2;
  rows = eb_store_list_page (f->store, &query, "size >= :size", bind_min_size, &min_size, &page,
                             &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (total, ==, 3);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* No page: every row; no total asked: none counted. */
  total = 0;
  rows = eb_store_list_page (f->store, &query, "1", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 7);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A limit of 0 is the default, and a limit past the maximum is cut. */
  test_raw_exec (f->path, "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                          "WHERE i < 600) INSERT INTO gadgets (name, site_id, size, version, "
                          "created_at, updated_at) SELECT 'bulk-' || i, "
                          "(SELECT id FROM sites LIMIT 1), 100, 1, 0, 0 FROM n");
  page.limit = 0;
  rows = eb_store_list_page (f->store, &query, "1", NULL, NULL, &page, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, EB_PAGE_DEFAULT_LIMIT);
  g_assert_cmpuint (total, ==, 607);
  g_clear_pointer (&rows, g_ptr_array_unref);
  page.limit = EB_PAGE_MAX_LIMIT + 100;
  rows = eb_store_list_page (f->store, &query, "1", NULL, NULL, &page, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, EB_PAGE_MAX_LIMIT);
}

static void
test_list_children (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (Gadget) b = add_gadget (f, "b", 1);
  g_autoptr (Gadget) a = add_gadget (f, "a", 2);
  g_autoptr (EbSite) other = test_add_site (f->store, "OTH", EB_SITE_STATUS_ACTIVE, FALSE);

  rows = eb_store_list_children (f->store, &gadgets_table, "site_id", f->site->id, "name",
                                 "listing a site's gadgets", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((Gadget *)g_ptr_array_index (rows, 0))->name, ==, "a");
  g_assert_cmpstr (((Gadget *)g_ptr_array_index (rows, 1))->name, ==, "b");
  g_clear_pointer (&rows, g_ptr_array_unref);

  rows = eb_store_list_children (f->store, &gadgets_table, "site_id", other->id, "name",
                                 "listing a site's gadgets", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/eboard/store/table/insert-get", test_insert_get);
  ADD ("/eboard/store/table/write-failed", test_write_failed);
  ADD ("/eboard/store/table/update", test_update);
  ADD ("/eboard/store/table/delete", test_delete);
  ADD ("/eboard/store/table/list-page", test_list_page);
  ADD ("/eboard/store/table/list-children", test_list_children);
#undef ADD

  return g_test_run ();
}
