/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"
#include "eb-store-resources.h"

/* Replies to an Idempotency-Key are remembered this long. */
#define EB_IDEMPOTENCY_TTL_SECONDS (24 * 60 * 60)

/* How long a writer waits for another connection's lock before giving up
 * with EB_ERROR_UNAVAILABLE. */
#define EB_STORE_BUSY_TIMEOUT_MS 5000

/*
 * EbStore: one SQLite connection with a cache of prepared statements.
 * It belongs to one thread (the daemon's main context); other processes
 * may use the same file at the same time (WAL, busy timeout).
 */
struct _EbStore
{
  GObject parent_instance;

  sqlite3 *db;
  char *path;
  /* SQL text -> prepared sqlite3_stmt, finalized on close */
  GHashTable *statements;
  gint schema_version;
  /* an EbTransaction is open */
  gboolean in_transaction;
  /* internal scopes currently open (see EbScope) */
  guint scope_depth;
};

G_DEFINE_FINAL_TYPE (EbStore, eb_store, G_TYPE_OBJECT)

struct _EbTransaction
{
  EbStore *store;
  gboolean finished;
};

/* A statement borrowed from the cache: when it goes out of scope it is reset
 * (so that a half-read SELECT never keeps a read transaction open) and its
 * bindings are cleared. */
typedef sqlite3_stmt EbCachedStmt;

static void
eb_cached_stmt_release (EbCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbCachedStmt, eb_cached_stmt_release)

static void
eb_stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static gint64
eb_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* --- errors --- */

static gboolean
eb_store_check_open (EbStore *self, GError **error)
{
  if (self->db != NULL)
    return TRUE;
  g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAVAILABLE, "the store is closed");
  return FALSE;
}

/* Wraps a failed SQLite call. Only uniqueness and foreign keys are the
 * caller's business (CONFLICT); a lock still held by another connection
 * after the busy timeout is worth a retry (UNAVAILABLE); anything else is
 * an internal failure. */
static void
eb_store_set_error (EbStore *self, GError **error, int rc, const char *operation)
{
  EbError code = EB_ERROR_FAILED;

  switch (rc & 0xff)
    {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        code = EB_ERROR_UNAVAILABLE;
        break;
      case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY
            || rc == SQLITE_CONSTRAINT_FOREIGNKEY)
          code = EB_ERROR_CONFLICT;
        break;
      default:
        break;
    }
  g_set_error (error, EB_ERROR, code, "%s: %s", operation,
               self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
}

static gboolean
eb_store_not_found (GError **error, const char *noun, EbId id)
{
  g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND, "%s %" G_GINT64_FORMAT " does not exist", noun,
               id);
  return FALSE;
}

static gboolean
eb_check_enum (const char *name, const char *what, int value, GError **error)
{
  if (name != NULL)
    return TRUE;
  g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%d is not a known %s", value, what);
  return FALSE;
}

/* --- statements --- */

static EbCachedStmt *
eb_store_prepare (EbStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!eb_store_check_open (self, error))
    return NULL;
  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    return stmt;
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "preparing \"%s\": %s", sql,
                   sqlite3_errmsg (self->db));
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static void
eb_bind_int64 (sqlite3_stmt *stmt, const char *name, gint64 value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

/* 0 ("not set", see eb-types.h) is stored as NULL. */
static void
eb_bind_optional (sqlite3_stmt *stmt, const char *name, gint64 value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index <= 0)
    return;
  if (value == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

static void
eb_bind_text (sqlite3_stmt *stmt, const char *name, const char *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

static char *
eb_column_strdup (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

/* Runs a statement that returns no rows (or whose rows do not matter). */
static gboolean
eb_store_step (EbStore *self, sqlite3_stmt *stmt, const char *operation, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc == SQLITE_DONE)
    return TRUE;
  eb_store_set_error (self, error, rc, operation);
  return FALSE;
}

static gboolean
eb_store_exec (EbStore *self, const char *sql, const char *operation, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  return eb_store_step (self, stmt, operation, error);
}

/* The first column of the only row of @stmt. */
static gboolean
eb_store_query_int64 (EbStore *self, sqlite3_stmt *stmt, gint64 *value, const char *operation,
                      GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "%s: no result", operation);
      return FALSE;
    }
  eb_store_set_error (self, error, rc, operation);
  return FALSE;
}

typedef gpointer (*EbRowFunc) (EbStore *self, sqlite3_stmt *stmt, GError **error);

/* The first row of @stmt built by @func, or NULL in *@out when there is
 * none. */
static gboolean
eb_store_query_one (EbStore *self, sqlite3_stmt *stmt, EbRowFunc func, gpointer *out,
                    const char *operation, GError **error)
{
  int rc = sqlite3_step (stmt);

  *out = NULL;
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      eb_store_set_error (self, error, rc, operation);
      return FALSE;
    }
  *out = func (self, stmt, error);
  return *out != NULL;
}

static GPtrArray *
eb_store_query_all (EbStore *self, sqlite3_stmt *stmt, EbRowFunc func, GDestroyNotify free_func,
                    const char *operation, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer row = func (self, stmt, error);

      if (row == NULL)
        return NULL;
      g_ptr_array_add (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      eb_store_set_error (self, error, rc, operation);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* --- scopes: one repository call that runs several statements --- */

/*
 * A repository call made of several statements runs as a unit: in its own
 * transaction (BEGIN IMMEDIATE for writes, so that a writer takes the lock
 * up front rather than failing to upgrade a read lock; a plain BEGIN for
 * reads, for one consistent snapshot), or, inside an EbTransaction or
 * another scope, as a savepoint, so that a failed call leaves the
 * surrounding transaction as it was before the call.
 */
typedef struct
{
  EbStore *store;
  gboolean savepoint;
  gboolean active;
} EbScope;

#define EB_SCOPE_INIT                                                                              \
  {                                                                                                \
    NULL, FALSE, FALSE                                                                             \
  }

static gboolean
eb_scope_begin (EbStore *self, EbScope *scope, gboolean write, GError **error)
{
  const char *sql;

  scope->store = self;
  scope->savepoint = self->in_transaction || self->scope_depth > 0;
  if (scope->savepoint)
    sql = "SAVEPOINT eb_scope";
  else
    sql = write ? "BEGIN IMMEDIATE" : "BEGIN";
  if (!eb_store_exec (self, sql, write ? "starting a write" : "starting a read", error))
    return FALSE;
  scope->active = TRUE;
  self->scope_depth++;
  return TRUE;
}

static void
eb_scope_clear (EbScope *scope)
{
  EbStore *self = scope->store;
  g_autoptr (GError) error = NULL;

  if (!scope->active)
    return;
  scope->active = FALSE;
  self->scope_depth--;
  if (self->db == NULL)
    return;
  if (scope->savepoint)
    {
      if (!eb_store_exec (self, "ROLLBACK TO eb_scope", "rolling back a savepoint", &error)
          || !eb_store_exec (self, "RELEASE eb_scope", "releasing a savepoint", &error))
        g_warning ("%s", error->message);
    }
  else if (!sqlite3_get_autocommit (self->db))
    {
      if (!eb_store_exec (self, "ROLLBACK", "rolling back", &error))
        g_warning ("%s", error->message);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EbScope, eb_scope_clear)

static gboolean
eb_scope_commit (EbScope *scope, GError **error)
{
  EbStore *self = scope->store;
  gboolean ok;

  g_return_val_if_fail (scope->active, FALSE);

  if (scope->savepoint)
    ok = eb_store_exec (self, "RELEASE eb_scope", "releasing a savepoint", error);
  else
    ok = eb_store_exec (self, "COMMIT", "committing", error);
  if (!ok)
    {
      eb_scope_clear (scope);
      return FALSE;
    }
  scope->active = FALSE;
  self->scope_depth--;
  return TRUE;
}

/* --- shared checks --- */

static gboolean
eb_store_row_exists (EbStore *self, const char *table, EbId id, gboolean *exists, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = :id", table);
  g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":id", id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      eb_store_set_error (self, error, rc, "checking a reference");
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/* An update matched no row: either the row is gone or its version moved. */
static gboolean
eb_store_stale_or_missing (EbStore *self, const char *table, const char *noun, EbId id,
                           gint64 expected_version, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT version FROM %s WHERE id = :id", table);
  g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":id", id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return eb_store_not_found (error, noun, id);
  if (rc != SQLITE_ROW)
    {
      eb_store_set_error (self, error, rc, "checking a version");
      return FALSE;
    }
  g_set_error (error, EB_ERROR, EB_ERROR_STALE,
               "%s %" G_GINT64_FORMAT " has changed: it is at version %" G_GINT64_FORMAT
               ", not %" G_GINT64_FORMAT,
               noun, id, (gint64)sqlite3_column_int64 (stmt, 0), expected_version);
  return FALSE;
}

typedef struct
{
  const char *table;
  const char *noun;
  EbId id;
} EbReference;

/* A write failed. For a foreign-key failure, names the first referenced
 * object that does not exist (SQLite does not say which one it was). */
static gboolean
eb_store_write_failed (EbStore *self, int rc, const char *operation, const EbReference *refs,
                       guint n_refs, GError **error)
{
  if (rc != SQLITE_CONSTRAINT_FOREIGNKEY || n_refs == 0)
    {
      eb_store_set_error (self, error, rc, operation);
      return FALSE;
    }
  for (guint i = 0; i < n_refs; i++)
    {
      gboolean exists = FALSE;

      if (!eb_store_row_exists (self, refs[i].table, refs[i].id, &exists, error))
        return FALSE;
      if (!exists)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "%s %" G_GINT64_FORMAT " does not exist",
                       refs[i].noun, refs[i].id);
          return FALSE;
        }
    }
  g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "%s: a referenced object does not exist",
               operation);
  return FALSE;
}

/* A delete was refused by a foreign key of another table. */
static gboolean
eb_store_delete (EbStore *self, const char *sql, const char *noun, EbId id,
                 const char *referenced_by, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);
  g_autofree char *operation = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":id", id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "%s %" G_GINT64_FORMAT " is still referenced by %s", noun, id, referenced_by);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      operation = g_strdup_printf ("deleting %s %" G_GINT64_FORMAT, noun, id);
      eb_store_set_error (self, error, rc, operation);
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    return eb_store_not_found (error, noun, id);
  return TRUE;
}

/* --- lists --- */

typedef void (*EbBindFunc) (sqlite3_stmt *stmt, gconstpointer filter);

typedef struct
{
  const char *columns;
  const char *from;
  const char *order;
  EbRowFunc row;
  GDestroyNotify free_func;
  const char *operation;
} EbListQuery;

/* One page of a filtered list and, when @total is not NULL, the number of
 * rows the filter matches, from one snapshot. A NULL @page means every
 * row; a limit of 0 means the default, and a limit is at most
 * EB_PAGE_MAX_LIMIT. */
static GPtrArray *
eb_store_list (EbStore *self, const EbListQuery *query, const char *where, EbBindFunc bind,
               gconstpointer filter, const EbPage *page, guint *total, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autoptr (GPtrArray) rows = NULL;
  gint64 limit = -1;

  if (!eb_store_check_open (self, error))
    return NULL;
  if (page != NULL)
    limit = page->limit == 0 ? EB_PAGE_DEFAULT_LIMIT : MIN (page->limit, EB_PAGE_MAX_LIMIT);
  if (!eb_scope_begin (self, &scope, FALSE, error))
    return NULL;

  {
    g_autofree char *sql
        = g_strdup_printf ("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT :limit OFFSET :offset",
                           query->columns, query->from, where, query->order);
    g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);

    if (stmt == NULL)
      return NULL;
    if (bind != NULL)
      bind (stmt, filter);
    eb_bind_int64 (stmt, ":limit", limit);
    eb_bind_int64 (stmt, ":offset", page != NULL ? page->offset : 0);
    rows = eb_store_query_all (self, stmt, query->row, query->free_func, query->operation, error);
    if (rows == NULL)
      return NULL;
  }

  if (total != NULL)
    {
      g_autofree char *sql
          = g_strdup_printf ("SELECT COUNT(*) FROM %s WHERE %s", query->from, where);
      g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);
      gint64 count = 0;

      if (stmt == NULL)
        return NULL;
      if (bind != NULL)
        bind (stmt, filter);
      if (!eb_store_query_int64 (self, stmt, &count, query->operation, error))
        return NULL;
      *total = (guint)MIN (count, (gint64)G_MAXUINT);
    }

  if (!eb_scope_commit (&scope, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/* --- migrations --- */

typedef struct
{
  guint number;
  char *name;
  char *sql;
} EbMigration;

static void
eb_migration_free (EbMigration *migration)
{
  g_free (migration->name);
  g_free (migration->sql);
  g_free (migration);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbMigration, eb_migration_free)

static gint
eb_migration_compare (gconstpointer a, gconstpointer b)
{
  const EbMigration *ma = *(const EbMigration *const *)a;
  const EbMigration *mb = *(const EbMigration *const *)b;

  return ma->number < mb->number ? -1 : (ma->number > mb->number ? 1 : 0);
}

/* Migrations are named NNN-name.sql; anything else in the folder (a
 * README, an editor's backup) is not a migration. */
static gboolean
eb_migration_parse_name (const char *name, guint *number)
{
  const char *p = name;
  guint64 value;

  while (g_ascii_isdigit (*p))
    p++;
  if (p == name || p - name > 6 || *p != '-' || !g_str_has_suffix (name, ".sql"))
    return FALSE;
  value = g_ascii_strtoull (name, NULL, 10);
  if (value == 0 || value > G_MAXINT)
    return FALSE;
  *number = (guint)value;
  return TRUE;
}

static EbMigration *
eb_migration_new (guint number, const char *name, const char *sql, gsize length)
{
  EbMigration *migration = g_new0 (EbMigration, 1);

  migration->number = number;
  migration->name = g_strdup (name);
  migration->sql = g_strndup (sql, length);
  return migration;
}

static GPtrArray *
eb_migrations_load_builtin (GError **error)
{
  g_autoptr (GPtrArray) migrations
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_migration_free);
  static gsize registered = 0;
  GResource *resource;
  g_auto (GStrv) names = NULL;
  g_autoptr (GError) local_error = NULL;

  /* The resource is compiled with --manual-register (see meson.build). */
  if (g_once_init_enter (&registered))
    {
      eb_store_sql_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  resource = eb_store_sql_get_resource ();
  names = g_resource_enumerate_children (resource, EB_STORE_MIGRATIONS_RESOURCE_PATH,
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (names == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "reading the built-in migrations: %s",
                   local_error->message);
      return NULL;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autoptr (GBytes) bytes = NULL;
      guint number;

      if (!eb_migration_parse_name (names[i], &number))
        continue;
      path = g_build_path ("/", EB_STORE_MIGRATIONS_RESOURCE_PATH, names[i], NULL);
      bytes = g_resource_lookup_data (resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
      if (bytes == NULL)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "reading the built-in migration %s: %s",
                       names[i], local_error->message);
          return NULL;
        }
      g_ptr_array_add (migrations,
                       eb_migration_new (number, names[i], g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes)));
    }
  return g_steal_pointer (&migrations);
}

static GPtrArray *
eb_migrations_load_dir (const char *dirname, GError **error)
{
  g_autoptr (GPtrArray) migrations
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_migration_free);
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *name;

  dir = g_dir_open (dirname, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot read the migrations folder: %s",
                   local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *filename = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;
      guint number;

      if (!eb_migration_parse_name (name, &number))
        continue;
      filename = g_build_filename (dirname, name, NULL);
      if (!g_file_get_contents (filename, &contents, &length, &local_error))
        {
          g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot read migration %s: %s", name,
                       local_error->message);
          return NULL;
        }
      g_ptr_array_add (migrations, eb_migration_new (number, name, contents, length));
    }
  return g_steal_pointer (&migrations);
}

/* The migrations in order, numbered 1..n without gaps or twins. */
static GPtrArray *
eb_migrations_load (const char *migrations_dir, GError **error)
{
  g_autoptr (GPtrArray) migrations = NULL;
  const char *source = migrations_dir != NULL ? migrations_dir : "the built-in migrations";

  if (migrations_dir != NULL)
    migrations = eb_migrations_load_dir (migrations_dir, error);
  else
    migrations = eb_migrations_load_builtin (error);
  if (migrations == NULL)
    return NULL;
  if (migrations->len == 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "no migrations (NNN-name.sql) found in %s",
                   source);
      return NULL;
    }
  g_ptr_array_sort (migrations, eb_migration_compare);
  for (guint i = 0; i < migrations->len; i++)
    {
      const EbMigration *migration = g_ptr_array_index (migrations, i);

      if (i > 0
          && migration->number
                 == ((const EbMigration *)g_ptr_array_index (migrations, i - 1))->number)
        {
          g_set_error (
              error, EB_ERROR, EB_ERROR_FAILED,
              "two migrations in %s have the number %u: %s and %s", source, migration->number,
              ((const EbMigration *)g_ptr_array_index (migrations, i - 1))->name, migration->name);
          return NULL;
        }
      if (migration->number != i + 1)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "migration %03u is missing from %s", i + 1,
                       source);
          return NULL;
        }
    }
  return g_steal_pointer (&migrations);
}

static gboolean
eb_store_read_user_version (EbStore *self, gint *version, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      eb_store_set_error (self, error, rc, "reading the schema version");
      return FALSE;
    }
  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
eb_store_apply_migration (EbStore *self, const EbMigration *migration, GError **error)
{
  g_autoptr (sqlite3_stmt) check = NULL;
  g_autofree char *set_version = NULL;
  char *message = NULL;
  gint version = 0;
  int rc;

  /* The lock is taken before the version is read: when two processes open
   * a new database at once, the second one finds the work done. */
  rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      eb_store_set_error (self, error, rc, "starting a migration");
      return FALSE;
    }
  if (!eb_store_read_user_version (self, &version, error))
    goto rollback;
  if (version >= (gint)migration->number)
    {
      rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        return TRUE;
      eb_store_set_error (self, error, rc, "finishing a migration");
      goto rollback;
    }

  rc = sqlite3_exec (self->db, migration->sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "migration %s failed: %s", migration->name,
                   message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      goto rollback;
    }

  /* A migration that rebuilds a table could leave dangling references;
   * refuse it rather than store them. */
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA foreign_key_check", -1, &check, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (check);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                   "migration %s leaves rows of table %s referring to missing rows",
                   migration->name, (const char *)sqlite3_column_text (check, 0));
      goto rollback;
    }
  if (rc != SQLITE_DONE)
    {
      eb_store_set_error (self, error, rc, "checking foreign keys after a migration");
      goto rollback;
    }
  g_clear_pointer (&check, sqlite3_finalize);

  /* user_version lives in the database header, so it changes atomically
   * with the migration's own writes. */
  set_version = g_strdup_printf ("PRAGMA user_version = %u", migration->number);
  rc = sqlite3_exec (self->db, set_version, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      eb_store_set_error (self, error, rc, "recording a migration");
      goto rollback;
    }
  g_debug ("applied migration %s to %s", migration->name, self->path);
  return TRUE;

rollback:
  g_clear_pointer (&check, sqlite3_finalize);
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
eb_store_migrate (EbStore *self, const char *migrations_dir, GError **error)
{
  g_autoptr (GPtrArray) migrations = eb_migrations_load (migrations_dir, error);
  gint version = 0;
  guint latest;

  if (migrations == NULL)
    return FALSE;
  latest = migrations->len;
  if (!eb_store_read_user_version (self, &version, error))
    return FALSE;
  if (version < 0 || version > (gint)latest)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                   "the database %s has schema version %d, newer than this eboard knows (%u); "
                   "run a newer eboard",
                   self->path, version, latest);
      return FALSE;
    }
  for (guint i = (guint)version; i < latest; i++)
    {
      if (!eb_store_apply_migration (self, g_ptr_array_index (migrations, i), error))
        return FALSE;
    }
  return eb_store_read_user_version (self, &self->schema_version, error);
}

/* --- opening and closing --- */

static gboolean
eb_store_pragma (EbStore *self, const char *sql, const char *expected, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *value = (const char *)sqlite3_column_text (stmt, 0);

          if (expected != NULL && g_ascii_strcasecmp (value != NULL ? value : "", expected) != 0)
            {
              g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "%s on %s gave \"%s\", not \"%s\"",
                           sql, self->path, value != NULL ? value : "", expected);
              return FALSE;
            }
        }
    }
  if (rc != SQLITE_DONE)
    {
      g_autofree char *operation = g_strdup_printf ("%s on %s", sql, self->path);

      eb_store_set_error (self, error, rc, operation);
      return FALSE;
    }
  return TRUE;
}

/* @checkpoint is FALSE when opening failed: nothing was committed then, and
 * the file may not even be a database. */
static void
eb_store_close_db (EbStore *self, gboolean checkpoint)
{
  int rc;

  if (self->db == NULL)
    return;
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_transaction = FALSE;
  g_hash_table_remove_all (self->statements);

  /* Moves the log into the database file and empties it, so that the file
   * alone is a complete copy (for backups) and the next start replays
   * nothing. A reader in another process may prevent it; the log then
   * simply stays for the next open. */
  if (checkpoint)
    {
      char *message = NULL;

      rc = sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, &message);
      if (rc != SQLITE_OK)
        g_message ("could not checkpoint %s: %s", self->path,
                   message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
    }

  rc = sqlite3_close (self->db);
  if (rc != SQLITE_OK)
    {
      g_warning ("closing %s: %s", self->path, sqlite3_errmsg (self->db));
      sqlite3_close_v2 (self->db);
    }
  self->db = NULL;
  g_debug ("closed %s", self->path);
}

/**
 * eb_store_open:
 * @path: the database file, created if needed
 * @migrations_dir: (nullable): a folder of NNN-name.sql migrations, or
 *   %NULL for the ones built into the library
 *
 * Opens the database and brings its schema up to date, each pending
 * migration in its own transaction. A database whose schema is newer than
 * the migrations is refused, and so is a migration folder with gaps, twins
 * or a failing migration (the database then stays as it was).
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
EbStore *
eb_store_open (const char *path, const char *migrations_dir, GError **error)
{
  g_autoptr (EbStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (EB_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  /* The file holds e-mail addresses and token hashes: a new one is made
   * readable by its owner only, and SQLite gives its -wal and -shm files
   * the same mode. */
  if (g_strcmp0 (path, ":memory:") != 0 && !g_str_has_prefix (path, "file:"))
    {
      int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd >= 0)
        g_close (fd, NULL);
      else if (errno != EEXIST)
        {
          int saved_errno = errno;

          g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot create the database %s: %s", path,
                       g_strerror (saved_errno));
          return NULL;
        }
    }
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot open the database %s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      g_clear_pointer (&self->db, sqlite3_close);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, EB_STORE_BUSY_TIMEOUT_MS);

  /* WAL: readers never block the writer nor the writer the readers, and a
   * commit is one append to the log.
   *
   * synchronous=FULL: with WAL, NORMAL already keeps every committed
   * transaction across a crash of the process (the log is in the kernel's
   * hands before COMMIT returns), but a power cut or kernel crash may lose
   * the transactions committed since the last checkpoint. FULL syncs the
   * log at every commit, so a change the API has acknowledged survives
   * power loss too. Coordinators write a few times a minute, so one fsync
   * per commit costs nothing that matters. */
  if (!eb_store_pragma (self, "PRAGMA journal_mode = WAL",
                        g_strcmp0 (path, ":memory:") == 0 ? NULL : "wal", error)
      || !eb_store_pragma (self, "PRAGMA synchronous = FULL", NULL, error)
      || !eb_store_pragma (self, "PRAGMA foreign_keys = ON", NULL, error)
      || !eb_store_pragma (self, "PRAGMA foreign_keys", "1", error)
      || !eb_store_migrate (self, migrations_dir, error))
    {
      eb_store_close_db (self, FALSE);
      return NULL;
    }
  g_debug ("opened %s at schema version %d", path, self->schema_version);
  return g_steal_pointer (&self);
}

gint
eb_store_get_schema_version (EbStore *self)
{
  g_return_val_if_fail (EB_IS_STORE (self), -1);
  return self->schema_version;
}

/**
 * eb_store_close:
 *
 * Rolls back an open transaction, checkpoints the write-ahead log into the
 * database file and closes it. Every later call fails with
 * EB_ERROR_UNAVAILABLE. Closing twice is harmless.
 */
void
eb_store_close (EbStore *self)
{
  g_return_if_fail (EB_IS_STORE (self));
  eb_store_close_db (self, TRUE);
}

static void
eb_store_dispose (GObject *object)
{
  EbStore *self = EB_STORE (object);

  eb_store_close (self);
  G_OBJECT_CLASS (eb_store_parent_class)->dispose (object);
}

static void
eb_store_finalize (GObject *object)
{
  EbStore *self = EB_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_free (self->path);
  G_OBJECT_CLASS (eb_store_parent_class)->finalize (object);
}

static void
eb_store_class_init (EbStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eb_store_dispose;
  object_class->finalize = eb_store_finalize;
}

static void
eb_store_init (EbStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, eb_stmt_finalize);
}

/* --- transactions --- */

/**
 * eb_store_transaction_begin:
 *
 * Starts a write transaction (BEGIN IMMEDIATE: the write lock is taken
 * now, waiting up to the busy timeout). Every repository call until the
 * transaction is committed or freed runs inside it.
 *
 * Returns: (transfer full): the transaction; free it to roll back
 */
EbTransaction *
eb_store_transaction_begin (EbStore *self, GError **error)
{
  EbTransaction *tx;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (!eb_store_check_open (self, error))
    return NULL;
  if (self->in_transaction || self->scope_depth > 0)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED, "a transaction is already open");
      return NULL;
    }
  if (!eb_store_exec (self, "BEGIN IMMEDIATE", "starting a transaction", error))
    return NULL;
  self->in_transaction = TRUE;
  tx = g_new0 (EbTransaction, 1);
  tx->store = g_object_ref (self);
  return tx;
}

static void
eb_transaction_rollback (EbTransaction *tx)
{
  EbStore *self = tx->store;
  g_autoptr (GError) error = NULL;

  tx->finished = TRUE;
  if (self->db == NULL || !self->in_transaction)
    return;
  self->in_transaction = FALSE;
  if (!sqlite3_get_autocommit (self->db)
      && !eb_store_exec (self, "ROLLBACK", "rolling back a transaction", &error))
    g_warning ("%s", error->message);
}

gboolean
eb_transaction_commit (EbTransaction *tx, GError **error)
{
  EbStore *self;

  g_return_val_if_fail (tx != NULL, FALSE);

  self = tx->store;
  if (tx->finished)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED, "the transaction is already finished");
      return FALSE;
    }
  if (!eb_store_check_open (self, error))
    {
      tx->finished = TRUE;
      return FALSE;
    }
  /* A COMMIT that fails (the disk is full, or readers hold the log) leaves
   * the transaction open: roll it back so that the store stays usable and
   * the caller sees one clear outcome. */
  if (!eb_store_exec (self, "COMMIT", "committing a transaction", error))
    {
      eb_transaction_rollback (tx);
      return FALSE;
    }
  tx->finished = TRUE;
  self->in_transaction = FALSE;
  return TRUE;
}

void
eb_transaction_free (EbTransaction *tx)
{
  if (tx == NULL)
    return;
  if (!tx->finished)
    eb_transaction_rollback (tx);
  g_object_unref (tx->store);
  g_free (tx);
}

/* --- sites --- */

#define SITE_COLUMNS "id, name, code, timezone, status, is_hub, version, created_at, updated_at"

static gpointer
eb_site_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbSite *site = eb_site_new ();

  site->id = sqlite3_column_int64 (stmt, 0);
  site->name = eb_column_strdup (stmt, 1);
  site->code = eb_column_strdup (stmt, 2);
  site->timezone = eb_column_strdup (stmt, 3);
  if (!eb_site_status_from_string ((const char *)sqlite3_column_text (stmt, 4), &site->status))
    g_warning ("site %" G_GINT64_FORMAT " has an unknown status", site->id);
  site->is_hub = sqlite3_column_int (stmt, 5) != 0;
  site->version = sqlite3_column_int64 (stmt, 6);
  site->created_at = sqlite3_column_int64 (stmt, 7);
  site->updated_at = sqlite3_column_int64 (stmt, 8);
  return site;
}

static void
eb_site_bind (sqlite3_stmt *stmt, const EbSite *site, const char *status)
{
  eb_bind_text (stmt, ":name", site->name);
  eb_bind_text (stmt, ":code", site->code);
  eb_bind_text (stmt, ":timezone", site->timezone);
  eb_bind_text (stmt, ":status", status);
  eb_bind_int64 (stmt, ":is_hub", site->is_hub ? 1 : 0);
}

static gboolean
eb_store_site_write_failed (EbStore *self, const EbSite *site, int rc, const char *operation,
                            GError **error)
{
  g_autofree char *message = g_strdup (sqlite3_errmsg (self->db));
  g_autoptr (EbSite) hub = NULL;

  if (rc != SQLITE_CONSTRAINT_UNIQUE)
    return eb_store_write_failed (self, rc, operation, NULL, 0, error);
  if (strstr (message, "sites.code") != NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "a site with code %s already exists",
                   site->code);
      return FALSE;
    }
  if (strstr (message, "sites.is_hub") != NULL)
    {
      hub = eb_store_site_get_hub (self, NULL);
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "the network already has a hub (%s)",
                   hub != NULL && hub->code != NULL ? hub->code : "another site");
      return FALSE;
    }
  return eb_store_write_failed (self, rc, operation, NULL, 0, error);
}

gboolean
eb_store_site_insert (EbStore *self, EbSite *site, GError **error)
{
  const char *status;
  gint64 now = eb_store_now ();
  g_autoptr (EbCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (site != NULL, FALSE);

  status = eb_site_status_to_string (site->status);
  if (!eb_check_enum (status, "site status", site->status, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "INSERT INTO sites (name, code, timezone, status, is_hub, version, "
                           "created_at, updated_at) "
                           "VALUES (:name, :code, :timezone, :status, :is_hub, 1, :now, :now)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_site_bind (stmt, site, status);
  eb_bind_int64 (stmt, ":now", now);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return eb_store_site_write_failed (self, site, rc, "inserting a site", error);
  site->id = sqlite3_last_insert_rowid (self->db);
  site->version = 1;
  site->created_at = now;
  site->updated_at = now;
  return TRUE;
}

/**
 * eb_store_site_get:
 *
 * Returns: (transfer full): the site, or %NULL with EB_ERROR_NOT_FOUND
 */
EbSite *
eb_store_site_get (EbStore *self, EbId id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer site = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self, "SELECT " SITE_COLUMNS " FROM sites WHERE id = :id", error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":id", id);
  if (!eb_store_query_one (self, stmt, eb_site_from_row, &site, "reading a site", error))
    return NULL;
  if (site == NULL)
    eb_store_not_found (error, "site", id);
  return site;
}

EbSite *
eb_store_site_get_hub (EbStore *self, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer site = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self, "SELECT " SITE_COLUMNS " FROM sites WHERE is_hub = 1", error);
  if (stmt == NULL)
    return NULL;
  if (!eb_store_query_one (self, stmt, eb_site_from_row, &site, "reading the hub", error))
    return NULL;
  return site;
}

/**
 * eb_store_site_list:
 * @page: (nullable): the window; %NULL for every site
 * @total: (out) (optional): the number of sites
 *
 * Returns: (transfer full) (element-type EbSite): the sites by id
 */
GPtrArray *
eb_store_site_list (EbStore *self, const EbPage *page, guint *total, GError **error)
{
  static const EbListQuery query = {
    SITE_COLUMNS, "sites", "id", eb_site_from_row, (GDestroyNotify)eb_site_free, "listing sites",
  };

  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_list (self, &query, "1", NULL, NULL, page, total, error);
}

gboolean
eb_store_site_update (EbStore *self, EbSite *site, GError **error)
{
  const char *status;
  gint64 now = eb_store_now ();
  g_autoptr (EbCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (site != NULL, FALSE);

  status = eb_site_status_to_string (site->status);
  if (!eb_check_enum (status, "site status", site->status, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "UPDATE sites SET name = :name, code = :code, timezone = :timezone, "
                           "status = :status, is_hub = :is_hub, version = version + 1, "
                           "updated_at = :now WHERE id = :id AND version = :version",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_site_bind (stmt, site, status);
  eb_bind_int64 (stmt, ":now", now);
  eb_bind_int64 (stmt, ":id", site->id);
  eb_bind_int64 (stmt, ":version", site->version);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return eb_store_site_write_failed (self, site, rc, "updating a site", error);
  if (sqlite3_changes (self->db) == 0)
    return eb_store_stale_or_missing (self, "sites", "site", site->id, site->version, error);
  site->version++;
  site->updated_at = now;
  return TRUE;
}

gboolean
eb_store_site_delete (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  return eb_store_delete (self, "DELETE FROM sites WHERE id = :id", "site", id,
                          "people, sessions or agenda items", error);
}

/* --- people --- */

#define PERSON_COLUMNS                                                                             \
  "id, name, email, specialty, home_site_id, active, version, created_at, updated_at"

static gpointer
eb_person_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbPerson *person = eb_person_new ();

  person->id = sqlite3_column_int64 (stmt, 0);
  person->name = eb_column_strdup (stmt, 1);
  person->email = eb_column_strdup (stmt, 2);
  person->specialty = eb_column_strdup (stmt, 3);
  person->home_site_id = sqlite3_column_int64 (stmt, 4);
  person->active = sqlite3_column_int (stmt, 5) != 0;
  person->version = sqlite3_column_int64 (stmt, 6);
  person->created_at = sqlite3_column_int64 (stmt, 7);
  person->updated_at = sqlite3_column_int64 (stmt, 8);
  return person;
}

static void
eb_person_bind (sqlite3_stmt *stmt, const EbPerson *person)
{
  eb_bind_text (stmt, ":name", person->name);
  eb_bind_text (stmt, ":email", person->email);
  eb_bind_text (stmt, ":specialty", person->specialty);
  eb_bind_int64 (stmt, ":home_site_id", person->home_site_id);
  eb_bind_int64 (stmt, ":active", person->active ? 1 : 0);
}

gboolean
eb_store_person_insert (EbStore *self, EbPerson *person, GError **error)
{
  gint64 now = eb_store_now ();
  g_autoptr (EbCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (person != NULL, FALSE);

  stmt = eb_store_prepare (self,
                           "INSERT INTO people (name, email, specialty, home_site_id, active, "
                           "version, created_at, updated_at) VALUES (:name, :email, :specialty, "
                           ":home_site_id, :active, 1, :now, :now)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_person_bind (stmt, person);
  eb_bind_int64 (stmt, ":now", now);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      const EbReference refs[] = { { "sites", "site", person->home_site_id } };

      return eb_store_write_failed (self, rc, "inserting a person", refs, G_N_ELEMENTS (refs),
                                    error);
    }
  person->id = sqlite3_last_insert_rowid (self->db);
  person->version = 1;
  person->created_at = now;
  person->updated_at = now;
  return TRUE;
}

/**
 * eb_store_person_get:
 *
 * Returns: (transfer full): the person, or %NULL with EB_ERROR_NOT_FOUND
 */
EbPerson *
eb_store_person_get (EbStore *self, EbId id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer person = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self, "SELECT " PERSON_COLUMNS " FROM people WHERE id = :id", error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":id", id);
  if (!eb_store_query_one (self, stmt, eb_person_from_row, &person, "reading a person", error))
    return NULL;
  if (person == NULL)
    eb_store_not_found (error, "person", id);
  return person;
}

static void
eb_person_filter_bind (sqlite3_stmt *stmt, gconstpointer data)
{
  const EbPersonFilter *filter = data;

  eb_bind_int64 (stmt, ":site_id", filter->site_id);
  eb_bind_text (stmt, ":specialty", filter->specialty);
  eb_bind_int64 (stmt, ":active", filter->active);
}

/**
 * eb_store_person_list:
 * @filter: (nullable): %NULL for everyone
 * @page: (nullable): the window; %NULL for every match
 * @total: (out) (optional): the number of matches
 *
 * Returns: (transfer full) (element-type EbPerson): the matching people by
 *   id
 */
GPtrArray *
eb_store_person_list (EbStore *self, const EbPersonFilter *filter, const EbPage *page, guint *total,
                      GError **error)
{
  static const EbListQuery query = {
    PERSON_COLUMNS,   "people", "id", eb_person_from_row, (GDestroyNotify)eb_person_free,
    "listing people",
  };
  g_autoptr (GString) where = g_string_new ("1");

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (filter != NULL)
    {
      if (filter->site_id != 0)
        g_string_append (where, " AND home_site_id = :site_id");
      if (filter->specialty != NULL)
        g_string_append (where, " AND specialty = :specialty");
      if (filter->active >= 0)
        g_string_append (where, " AND active = :active");
    }
  return eb_store_list (self, &query, where->str, filter != NULL ? eb_person_filter_bind : NULL,
                        filter, page, total, error);
}

/**
 * eb_store_person_get_many:
 *
 * Ids that name nobody are skipped.
 *
 * Returns: (transfer full) (element-type EbPerson): the people, by id
 */
GPtrArray *
eb_store_person_get_many (EbStore *self, const EbId *ids, guint n_ids, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  g_autoptr (GString) list = g_string_new ("[");

  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  if (!eb_store_check_open (self, error))
    return NULL;
  if (n_ids == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify)eb_person_free);
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (list, ']');

  /* One statement for any number of ids: the list travels as a JSON array. */
  stmt = eb_store_prepare (self,
                           "SELECT " PERSON_COLUMNS " FROM people WHERE id IN "
                           "(SELECT value FROM json_each (:ids)) ORDER BY id",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_text (stmt, ":ids", list->str);
  return eb_store_query_all (self, stmt, eb_person_from_row, (GDestroyNotify)eb_person_free,
                             "reading people", error);
}

gboolean
eb_store_person_update (EbStore *self, EbPerson *person, GError **error)
{
  gint64 now = eb_store_now ();
  g_autoptr (EbCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (person != NULL, FALSE);

  stmt
      = eb_store_prepare (self,
                          "UPDATE people SET name = :name, email = :email, specialty = :specialty, "
                          "home_site_id = :home_site_id, active = :active, version = version + 1, "
                          "updated_at = :now WHERE id = :id AND version = :version",
                          error);
  if (stmt == NULL)
    return FALSE;
  eb_person_bind (stmt, person);
  eb_bind_int64 (stmt, ":now", now);
  eb_bind_int64 (stmt, ":id", person->id);
  eb_bind_int64 (stmt, ":version", person->version);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      const EbReference refs[] = { { "sites", "site", person->home_site_id } };

      return eb_store_write_failed (self, rc, "updating a person", refs, G_N_ELEMENTS (refs),
                                    error);
    }
  if (sqlite3_changes (self->db) == 0)
    return eb_store_stale_or_missing (self, "people", "person", person->id, person->version, error);
  person->version++;
  person->updated_at = now;
  return TRUE;
}

gboolean
eb_store_person_delete (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  return eb_store_delete (self, "DELETE FROM people WHERE id = :id", "person", id,
                          "roster entries, agenda items or tokens", error);
}

/* --- sessions --- */

#define SESSION_COLUMNS                                                                            \
  "id, title, focus, host_site_id, start, duration_minutes, timezone, state, rrule, version, "     \
  "created_at, updated_at"
#define SESSION_N_COLUMNS 12

static gboolean
eb_store_load_exceptions (EbStore *self, EbSession *session, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  int rc;

  stmt = eb_store_prepare (self,
                           "SELECT original_start, cancelled, new_start FROM session_exceptions "
                           "WHERE session_id = :session_id ORDER BY original_start",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":session_id", session->id);
  if (session->exceptions == NULL)
    session->exceptions
        = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_occurrence_exception_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (session->exceptions,
                     eb_occurrence_exception_new (sqlite3_column_int64 (stmt, 0),
                                                  sqlite3_column_int (stmt, 1) != 0,
                                                  sqlite3_column_int64 (stmt, 2)));
  if (rc != SQLITE_DONE)
    {
      eb_store_set_error (self, error, rc, "reading a session's exceptions");
      return FALSE;
    }
  return TRUE;
}

/* A session from SESSION_COLUMNS starting at column @first, with its
 * recurrence and exceptions. */
static EbSession *
eb_session_from_columns (EbStore *self, sqlite3_stmt *stmt, int first, GError **error)
{
  g_autoptr (EbSession) session = eb_session_new ();
  const char *rrule;

  session->id = sqlite3_column_int64 (stmt, first + 0);
  session->title = eb_column_strdup (stmt, first + 1);
  session->focus = eb_column_strdup (stmt, first + 2);
  session->host_site_id = sqlite3_column_int64 (stmt, first + 3);
  session->start = sqlite3_column_int64 (stmt, first + 4);
  session->duration_minutes = sqlite3_column_int (stmt, first + 5);
  session->timezone = eb_column_strdup (stmt, first + 6);
  if (!eb_session_state_from_string ((const char *)sqlite3_column_text (stmt, first + 7),
                                     &session->state))
    g_warning ("session %" G_GINT64_FORMAT " has an unknown state", session->id);
  rrule = (const char *)sqlite3_column_text (stmt, first + 8);
  if (rrule != NULL)
    {
      g_autoptr (GError) local_error = NULL;

      session->recurrence = eb_recurrence_from_rrule (rrule, &local_error);
      if (session->recurrence == NULL)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                       "session %" G_GINT64_FORMAT " has an unreadable recurrence rule: %s",
                       session->id, local_error->message);
          return NULL;
        }
    }
  session->version = sqlite3_column_int64 (stmt, first + 9);
  session->created_at = sqlite3_column_int64 (stmt, first + 10);
  session->updated_at = sqlite3_column_int64 (stmt, first + 11);
  if (!eb_store_load_exceptions (self, session, error))
    return NULL;
  return g_steal_pointer (&session);
}

static gpointer
eb_session_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  return eb_session_from_columns (self, stmt, 0, error);
}

static gint
eb_exception_compare (gconstpointer a, gconstpointer b)
{
  const EbOccurrenceException *ea = *(const EbOccurrenceException *const *)a;
  const EbOccurrenceException *eb = *(const EbOccurrenceException *const *)b;

  return ea->original_start < eb->original_start
             ? -1
             : (ea->original_start > eb->original_start ? 1 : 0);
}

static gboolean
eb_store_insert_exceptions (EbStore *self, EbId session_id, GPtrArray *exceptions, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;

  if (exceptions == NULL || exceptions->len == 0)
    return TRUE;
  stmt = eb_store_prepare (
      self,
      "INSERT INTO session_exceptions (session_id, original_start, cancelled, "
      "new_start) VALUES (:session_id, :original_start, :cancelled, :new_start)",
      error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < exceptions->len; i++)
    {
      const EbOccurrenceException *exception = g_ptr_array_index (exceptions, i);
      int rc;

      sqlite3_reset (stmt);
      eb_bind_int64 (stmt, ":session_id", session_id);
      eb_bind_int64 (stmt, ":original_start", exception->original_start);
      eb_bind_int64 (stmt, ":cancelled", exception->cancelled ? 1 : 0);
      eb_bind_optional (stmt, ":new_start", exception->cancelled ? 0 : exception->new_start);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
        {
          g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (exception->original_start);
          g_autofree char *text = when != NULL ? g_date_time_format_iso8601 (when) : NULL;

          g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                       "two exceptions name the occurrence starting at %s",
                       text != NULL ? text : "the same time");
          return FALSE;
        }
      if (rc != SQLITE_DONE)
        {
          eb_store_set_error (self, error, rc, "writing a session exception");
          return FALSE;
        }
    }
  return TRUE;
}

/* The columns derived from the session: its RRULE text and the end of its
 * series. */
static gboolean
eb_session_prepare_write (const EbSession *session, const char **state, char **rrule,
                          gint64 *series_end, GError **error)
{
  *state = eb_session_state_to_string (session->state);
  if (!eb_check_enum (*state, "session state", session->state, error))
    return FALSE;
  *rrule = NULL;
  if (session->recurrence != NULL)
    {
      *rrule
          = eb_recurrence_to_rrule (session->recurrence, session->start, session->timezone, error);
      if (*rrule == NULL)
        return FALSE;
    }
  *series_end = eb_session_series_end (session);
  return TRUE;
}

static void
eb_session_bind (sqlite3_stmt *stmt, const EbSession *session, const char *state, const char *rrule,
                 gint64 series_end)
{
  eb_bind_text (stmt, ":title", session->title);
  eb_bind_text (stmt, ":focus", session->focus);
  eb_bind_int64 (stmt, ":host_site_id", session->host_site_id);
  eb_bind_int64 (stmt, ":start", session->start);
  eb_bind_int64 (stmt, ":duration_minutes", session->duration_minutes);
  eb_bind_text (stmt, ":timezone", session->timezone);
  eb_bind_text (stmt, ":state", state);
  eb_bind_text (stmt, ":rrule", rrule);
  eb_bind_int64 (stmt, ":series_end", series_end);
}

/**
 * eb_store_session_insert:
 *
 * Inserts the session with its recurrence (as RRULE text) and exceptions;
 * the exceptions come back ordered by original start.
 */
gboolean
eb_store_session_insert (EbStore *self, EbSession *session, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autofree char *rrule = NULL;
  const char *state = NULL;
  gint64 series_end = 0;
  gint64 now = eb_store_now ();
  EbId id;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  if (!eb_store_check_open (self, error))
    return FALSE;
  if (!eb_session_prepare_write (session, &state, &rrule, &series_end, error))
    return FALSE;
  if (!eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;

  {
    g_autoptr (EbCachedStmt) stmt = NULL;
    int rc;

    stmt = eb_store_prepare (self,
                             "INSERT INTO sessions (title, focus, host_site_id, start, "
                             "duration_minutes, timezone, state, rrule, series_end, version, "
                             "created_at, updated_at) VALUES (:title, :focus, :host_site_id, "
                             ":start, :duration_minutes, :timezone, :state, :rrule, :series_end, "
                             "1, :now, :now)",
                             error);
    if (stmt == NULL)
      return FALSE;
    eb_session_bind (stmt, session, state, rrule, series_end);
    eb_bind_int64 (stmt, ":now", now);
    rc = sqlite3_step (stmt);
    if (rc != SQLITE_DONE)
      {
        const EbReference refs[] = { { "sites", "site", session->host_site_id } };

        return eb_store_write_failed (self, rc, "inserting a session", refs, G_N_ELEMENTS (refs),
                                      error);
      }
    id = sqlite3_last_insert_rowid (self->db);
  }

  if (!eb_store_insert_exceptions (self, id, session->exceptions, error))
    return FALSE;
  if (!eb_scope_commit (&scope, error))
    return FALSE;
  session->id = id;
  session->version = 1;
  session->created_at = now;
  session->updated_at = now;
  if (session->exceptions != NULL)
    g_ptr_array_sort (session->exceptions, eb_exception_compare);
  return TRUE;
}

/**
 * eb_store_session_get:
 *
 * Returns: (transfer full): the session with its recurrence and
 *   exceptions, or %NULL with EB_ERROR_NOT_FOUND
 */
EbSession *
eb_store_session_get (EbStore *self, EbId id, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  gpointer session = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (!eb_scope_begin (self, &scope, FALSE, error))
    return NULL;

  {
    g_autoptr (EbCachedStmt) stmt = NULL;

    stmt
        = eb_store_prepare (self, "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = :id", error);
    if (stmt == NULL)
      return NULL;
    eb_bind_int64 (stmt, ":id", id);
    if (!eb_store_query_one (self, stmt, eb_session_from_row, &session, "reading a session", error))
      return NULL;
  }

  if (!eb_scope_commit (&scope, error))
    {
      g_clear_pointer (&session, eb_session_free);
      return NULL;
    }
  if (session == NULL)
    eb_store_not_found (error, "session", id);
  return session;
}

static void
eb_session_filter_bind (sqlite3_stmt *stmt, gconstpointer data)
{
  const EbSessionFilter *filter = data;
  const char *state = eb_session_state_to_string ((EbSessionState)filter->state);

  eb_bind_int64 (stmt, ":from", filter->from);
  eb_bind_int64 (stmt, ":to", filter->to);
  eb_bind_text (stmt, ":state", state != NULL ? state : "");
  eb_bind_int64 (stmt, ":person_id", filter->person_id);
  eb_bind_int64 (stmt, ":host_site_id", filter->host_site_id);
}

/**
 * eb_store_session_list:
 * @filter: (nullable): %NULL for every session; a filter with every field
 *   "any" has state -1, not 0 (draft)
 * @page: (nullable): the window; %NULL for every match
 * @total: (out) (optional): the number of matches
 *
 * Returns: (transfer full) (element-type EbSession): the matching sessions
 *   by start, then id
 */
GPtrArray *
eb_store_session_list (EbStore *self, const EbSessionFilter *filter, const EbPage *page,
                       guint *total, GError **error)
{
  static const EbListQuery query = {
    SESSION_COLUMNS,
    "sessions",
    "start, id",
    eb_session_from_row,
    (GDestroyNotify)eb_session_free,
    "listing sessions",
  };
  g_autoptr (GString) where = g_string_new ("1");

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (filter != NULL)
    {
      if (filter->from != 0)
        g_string_append (where, " AND series_end > :from");
      if (filter->to != 0)
        g_string_append (where, " AND start < :to");
      if (filter->state >= 0)
        g_string_append (where, " AND state = :state");
      if (filter->person_id != 0)
        g_string_append (where, " AND id IN (SELECT session_id FROM roster_entries "
                                "WHERE person_id = :person_id)");
      if (filter->host_site_id != 0)
        g_string_append (where, " AND host_site_id = :host_site_id");
    }
  return eb_store_list (self, &query, where->str, filter != NULL ? eb_session_filter_bind : NULL,
                        filter, page, total, error);
}

gboolean
eb_store_session_update (EbStore *self, EbSession *session, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autofree char *rrule = NULL;
  const char *state = NULL;
  gint64 series_end = 0;
  gint64 now = eb_store_now ();

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  if (!eb_store_check_open (self, error))
    return FALSE;
  if (!eb_session_prepare_write (session, &state, &rrule, &series_end, error))
    return FALSE;
  if (!eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;

  {
    g_autoptr (EbCachedStmt) stmt = NULL;
    int rc;

    stmt = eb_store_prepare (
        self,
        "UPDATE sessions SET title = :title, focus = :focus, host_site_id = :host_site_id, "
        "start = :start, duration_minutes = :duration_minutes, timezone = :timezone, "
        "state = :state, rrule = :rrule, series_end = :series_end, version = version + 1, "
        "updated_at = :now WHERE id = :id AND version = :version",
        error);
    if (stmt == NULL)
      return FALSE;
    eb_session_bind (stmt, session, state, rrule, series_end);
    eb_bind_int64 (stmt, ":now", now);
    eb_bind_int64 (stmt, ":id", session->id);
    eb_bind_int64 (stmt, ":version", session->version);
    rc = sqlite3_step (stmt);
    if (rc != SQLITE_DONE)
      {
        const EbReference refs[] = { { "sites", "site", session->host_site_id } };

        return eb_store_write_failed (self, rc, "updating a session", refs, G_N_ELEMENTS (refs),
                                      error);
      }
    if (sqlite3_changes (self->db) == 0)
      return eb_store_stale_or_missing (self, "sessions", "session", session->id, session->version,
                                        error);
  }

  {
    g_autoptr (EbCachedStmt) stmt = NULL;

    stmt = eb_store_prepare (self, "DELETE FROM session_exceptions WHERE session_id = :session_id",
                             error);
    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":session_id", session->id);
    if (!eb_store_step (self, stmt, "replacing a session's exceptions", error))
      return FALSE;
  }

  if (!eb_store_insert_exceptions (self, session->id, session->exceptions, error))
    return FALSE;
  if (!eb_scope_commit (&scope, error))
    return FALSE;
  session->version++;
  session->updated_at = now;
  if (session->exceptions != NULL)
    g_ptr_array_sort (session->exceptions, eb_exception_compare);
  return TRUE;
}

/**
 * eb_store_session_delete:
 *
 * Deletes the session with its exceptions, roster and agenda.
 */
gboolean
eb_store_session_delete (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  return eb_store_delete (self, "DELETE FROM sessions WHERE id = :id", "session", id,
                          "other objects", error);
}

/* --- roster --- */

#define ROSTER_COLUMNS                                                                             \
  "id, session_id, person_id, role, status, joined_at, left_at, version, created_at, updated_at"

static EbRosterEntry *
eb_roster_entry_from_columns (sqlite3_stmt *stmt, int first)
{
  EbRosterEntry *entry = eb_roster_entry_new ();

  entry->id = sqlite3_column_int64 (stmt, first + 0);
  entry->session_id = sqlite3_column_int64 (stmt, first + 1);
  entry->person_id = sqlite3_column_int64 (stmt, first + 2);
  if (!eb_roster_role_from_string ((const char *)sqlite3_column_text (stmt, first + 3),
                                   &entry->role))
    g_warning ("roster entry %" G_GINT64_FORMAT " has an unknown role", entry->id);
  if (!eb_invitation_status_from_string ((const char *)sqlite3_column_text (stmt, first + 4),
                                         &entry->status))
    g_warning ("roster entry %" G_GINT64_FORMAT " has an unknown status", entry->id);
  entry->joined_at = sqlite3_column_int64 (stmt, first + 5);
  entry->left_at = sqlite3_column_int64 (stmt, first + 6);
  entry->version = sqlite3_column_int64 (stmt, first + 7);
  entry->created_at = sqlite3_column_int64 (stmt, first + 8);
  entry->updated_at = sqlite3_column_int64 (stmt, first + 9);
  return entry;
}

static gpointer
eb_roster_entry_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  return eb_roster_entry_from_columns (stmt, 0);
}

static gboolean
eb_roster_entry_check (const EbRosterEntry *entry, const char **role, const char **status,
                       GError **error)
{
  *role = eb_roster_role_to_string (entry->role);
  *status = eb_invitation_status_to_string (entry->status);
  return eb_check_enum (*role, "roster role", entry->role, error)
         && eb_check_enum (*status, "invitation status", entry->status, error);
}

static void
eb_roster_entry_bind (sqlite3_stmt *stmt, const EbRosterEntry *entry, const char *role,
                      const char *status)
{
  eb_bind_int64 (stmt, ":session_id", entry->session_id);
  eb_bind_int64 (stmt, ":person_id", entry->person_id);
  eb_bind_text (stmt, ":role", role);
  eb_bind_text (stmt, ":status", status);
  eb_bind_optional (stmt, ":joined_at", entry->joined_at);
  eb_bind_optional (stmt, ":left_at", entry->left_at);
}

gboolean
eb_store_roster_insert (EbStore *self, EbRosterEntry *entry, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  const char *role = NULL;
  const char *status = NULL;
  gint64 now = eb_store_now ();
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!eb_roster_entry_check (entry, &role, &status, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "INSERT INTO roster_entries (session_id, person_id, role, status, "
                           "joined_at, left_at, version, created_at, updated_at) VALUES "
                           "(:session_id, :person_id, :role, :status, :joined_at, :left_at, 1, "
                           ":now, :now)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_roster_entry_bind (stmt, entry, role, status);
  eb_bind_int64 (stmt, ":now", now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "person %" G_GINT64_FORMAT
                   " is already on the roster of session %" G_GINT64_FORMAT,
                   entry->person_id, entry->session_id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      const EbReference refs[] = {
        { "sessions", "session", entry->session_id },
        { "people", "person", entry->person_id },
      };

      return eb_store_write_failed (self, rc, "inserting a roster entry", refs, G_N_ELEMENTS (refs),
                                    error);
    }
  entry->id = sqlite3_last_insert_rowid (self->db);
  entry->version = 1;
  entry->created_at = now;
  entry->updated_at = now;
  return TRUE;
}

/**
 * eb_store_roster_get:
 *
 * Returns: (transfer full): the entry, or %NULL with EB_ERROR_NOT_FOUND
 */
EbRosterEntry *
eb_store_roster_get (EbStore *self, EbId id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer entry = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self, "SELECT " ROSTER_COLUMNS " FROM roster_entries WHERE id = :id",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":id", id);
  if (!eb_store_query_one (self, stmt, eb_roster_entry_from_row, &entry, "reading a roster entry",
                           error))
    return NULL;
  if (entry == NULL)
    eb_store_not_found (error, "roster entry", id);
  return entry;
}

EbRosterEntry *
eb_store_roster_find (EbStore *self, EbId session_id, EbId person_id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer entry = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self,
                           "SELECT " ROSTER_COLUMNS " FROM roster_entries "
                           "WHERE session_id = :session_id AND person_id = :person_id",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":session_id", session_id);
  eb_bind_int64 (stmt, ":person_id", person_id);
  if (!eb_store_query_one (self, stmt, eb_roster_entry_from_row, &entry, "finding a roster entry",
                           error))
    return NULL;
  return entry;
}

/**
 * eb_store_roster_list:
 *
 * Returns: (transfer full) (element-type EbRosterEntry): the session's
 *   entries by id (empty for an unknown session)
 */
GPtrArray *
eb_store_roster_list (EbStore *self, EbId session_id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self,
                           "SELECT " ROSTER_COLUMNS " FROM roster_entries "
                           "WHERE session_id = :session_id ORDER BY id",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":session_id", session_id);
  return eb_store_query_all (self, stmt, eb_roster_entry_from_row,
                             (GDestroyNotify)eb_roster_entry_free, "listing a roster", error);
}

/**
 * eb_store_roster_update:
 *
 * Writes the role, the invitation status and the attendance times; an
 * entry never moves to another session or person.
 */
gboolean
eb_store_roster_update (EbStore *self, EbRosterEntry *entry, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  const char *role = NULL;
  const char *status = NULL;
  gint64 now = eb_store_now ();
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!eb_roster_entry_check (entry, &role, &status, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "UPDATE roster_entries SET role = :role, status = :status, "
                           "joined_at = :joined_at, left_at = :left_at, version = version + 1, "
                           "updated_at = :now WHERE id = :id AND version = :version "
                           "RETURNING session_id, person_id",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_roster_entry_bind (stmt, entry, role, status);
  eb_bind_int64 (stmt, ":now", now);
  eb_bind_int64 (stmt, ":id", entry->id);
  eb_bind_int64 (stmt, ":version", entry->version);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return eb_store_stale_or_missing (self, "roster_entries", "roster entry", entry->id,
                                      entry->version, error);
  if (rc != SQLITE_ROW)
    return eb_store_write_failed (self, rc, "updating a roster entry", NULL, 0, error);
  entry->session_id = sqlite3_column_int64 (stmt, 0);
  entry->person_id = sqlite3_column_int64 (stmt, 1);
  if (!eb_store_step (self, stmt, "updating a roster entry", error))
    return FALSE;
  entry->version++;
  entry->updated_at = now;
  return TRUE;
}

gboolean
eb_store_roster_delete (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  return eb_store_delete (self, "DELETE FROM roster_entries WHERE id = :id", "roster entry", id,
                          "other objects", error);
}

void
eb_person_session_free (EbPersonSession *ps)
{
  if (ps == NULL)
    return;
  g_clear_pointer (&ps->session, eb_session_free);
  g_clear_pointer (&ps->entry, eb_roster_entry_free);
  g_free (ps);
}

/* The roster index gives the person's entries; each session is then read
 * by its primary key. CROSS JOIN fixes that order: the planner may not
 * start from a range of the sessions' start index instead, which would
 * read every session of a window to find one person's. */
#define PERSON_SESSIONS_SQL(role_filter)                                                           \
  "SELECT s.id, s.title, s.focus, s.host_site_id, s.start, s.duration_minutes, s.timezone, "       \
  "s.state, s.rrule, s.version, s.created_at, s.updated_at, r.id, r.session_id, r.person_id, "     \
  "r.role, r.status, r.joined_at, r.left_at, r.version, r.created_at, r.updated_at "               \
  "FROM roster_entries AS r CROSS JOIN sessions AS s ON s.id = r.session_id "                      \
  "WHERE r.person_id = :person_id" role_filter " AND s.state <> 'cancelled' "                      \
  "AND s.start < :to AND s.series_end > :from ORDER BY s.start, s.id"

const char *
eb_store_person_sessions_sql (gboolean exclusive_only)
{
  /* The exclusive roles, as eb_roster_role_is_exclusive() has them. */
  if (exclusive_only)
    return PERSON_SESSIONS_SQL (" AND r.role IN ('chair', 'presenter')");
  return PERSON_SESSIONS_SQL ("");
}

static gpointer
eb_person_session_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (EbPersonSession) ps = g_new0 (EbPersonSession, 1);

  ps->session = eb_session_from_columns (self, stmt, 0, error);
  if (ps->session == NULL)
    return NULL;
  ps->entry = eb_roster_entry_from_columns (stmt, SESSION_N_COLUMNS);
  return g_steal_pointer (&ps);
}

GPtrArray *
eb_store_person_sessions (EbStore *self, EbId person_id, gint64 from, gint64 to,
                          gboolean exclusive_only, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autoptr (GPtrArray) rows = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (!eb_scope_begin (self, &scope, FALSE, error))
    return NULL;

  {
    g_autoptr (EbCachedStmt) stmt
        = eb_store_prepare (self, eb_store_person_sessions_sql (exclusive_only), error);

    if (stmt == NULL)
      return NULL;
    eb_bind_int64 (stmt, ":person_id", person_id);
    /* 0 is "any": bounds that every row passes keep one plan for all. */
    eb_bind_int64 (stmt, ":from", from != 0 ? from : G_MININT64);
    eb_bind_int64 (stmt, ":to", to != 0 ? to : G_MAXINT64);
    rows = eb_store_query_all (self, stmt, eb_person_session_from_row,
                               (GDestroyNotify)eb_person_session_free,
                               "reading a person's sessions", error);
    if (rows == NULL)
      return NULL;
  }

  if (!eb_scope_commit (&scope, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/* --- agenda --- */

#define AGENDA_COLUMNS                                                                             \
  "id, session_id, position, presenting_site_id, presenter_id, summary, question, minutes, kind, " \
  "status, recommendation, version, created_at, updated_at"

static gpointer
eb_agenda_item_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbAgendaItem *item = eb_agenda_item_new ();

  item->id = sqlite3_column_int64 (stmt, 0);
  item->session_id = sqlite3_column_int64 (stmt, 1);
  item->position = sqlite3_column_int (stmt, 2);
  item->presenting_site_id = sqlite3_column_int64 (stmt, 3);
  item->presenter_id = sqlite3_column_int64 (stmt, 4);
  item->summary = eb_column_strdup (stmt, 5);
  item->question = eb_column_strdup (stmt, 6);
  item->minutes = sqlite3_column_int (stmt, 7);
  if (!eb_case_kind_from_string ((const char *)sqlite3_column_text (stmt, 8), &item->kind))
    g_warning ("agenda item %" G_GINT64_FORMAT " has an unknown kind", item->id);
  if (!eb_case_status_from_string ((const char *)sqlite3_column_text (stmt, 9), &item->status))
    g_warning ("agenda item %" G_GINT64_FORMAT " has an unknown status", item->id);
  item->recommendation = eb_column_strdup (stmt, 10);
  item->version = sqlite3_column_int64 (stmt, 11);
  item->created_at = sqlite3_column_int64 (stmt, 12);
  item->updated_at = sqlite3_column_int64 (stmt, 13);
  return item;
}

static gboolean
eb_agenda_item_check (const EbAgendaItem *item, const char **kind, const char **status,
                      GError **error)
{
  *kind = eb_case_kind_to_string (item->kind);
  *status = eb_case_status_to_string (item->status);
  return eb_check_enum (*kind, "case kind", item->kind, error)
         && eb_check_enum (*status, "case status", item->status, error);
}

static void
eb_agenda_item_bind (sqlite3_stmt *stmt, const EbAgendaItem *item, const char *kind,
                     const char *status)
{
  eb_bind_int64 (stmt, ":session_id", item->session_id);
  eb_bind_int64 (stmt, ":presenting_site_id", item->presenting_site_id);
  eb_bind_int64 (stmt, ":presenter_id", item->presenter_id);
  eb_bind_text (stmt, ":summary", item->summary);
  eb_bind_text (stmt, ":question", item->question);
  eb_bind_int64 (stmt, ":minutes", item->minutes);
  eb_bind_text (stmt, ":kind", kind);
  eb_bind_text (stmt, ":status", status);
  eb_bind_text (stmt, ":recommendation", item->recommendation);
}

static gboolean
eb_store_agenda_write_failed (EbStore *self, const EbAgendaItem *item, int rc,
                              const char *operation, GError **error)
{
  const EbReference refs[] = {
    { "sessions", "session", item->session_id },
    { "sites", "site", item->presenting_site_id },
    { "people", "person", item->presenter_id },
  };

  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

/**
 * eb_store_agenda_insert:
 *
 * Appends the item to its session's agenda; @item's position is set.
 */
gboolean
eb_store_agenda_insert (EbStore *self, EbAgendaItem *item, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  const char *kind = NULL;
  const char *status = NULL;
  gint64 now = eb_store_now ();
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  if (!eb_agenda_item_check (item, &kind, &status, error))
    return FALSE;
  /* One statement, so the position is taken atomically without a
   * transaction of its own. */
  stmt = eb_store_prepare (
      self,
      "INSERT INTO agenda_items (session_id, position, presenting_site_id, presenter_id, "
      "summary, question, minutes, kind, status, recommendation, version, created_at, "
      "updated_at) VALUES (:session_id, (SELECT COALESCE (MAX (position), 0) + 1 FROM "
      "agenda_items WHERE session_id = :session_id), :presenting_site_id, :presenter_id, "
      ":summary, :question, :minutes, :kind, :status, :recommendation, 1, :now, :now) "
      "RETURNING id, position",
      error);
  if (stmt == NULL)
    return FALSE;
  eb_agenda_item_bind (stmt, item, kind, status);
  eb_bind_int64 (stmt, ":now", now);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return eb_store_agenda_write_failed (self, item, rc, "inserting an agenda item", error);
  item->id = sqlite3_column_int64 (stmt, 0);
  item->position = sqlite3_column_int (stmt, 1);
  if (!eb_store_step (self, stmt, "inserting an agenda item", error))
    return FALSE;
  item->version = 1;
  item->created_at = now;
  item->updated_at = now;
  return TRUE;
}

/**
 * eb_store_agenda_get:
 *
 * Returns: (transfer full): the item, or %NULL with EB_ERROR_NOT_FOUND
 */
EbAgendaItem *
eb_store_agenda_get (EbStore *self, EbId id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer item = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self, "SELECT " AGENDA_COLUMNS " FROM agenda_items WHERE id = :id",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":id", id);
  if (!eb_store_query_one (self, stmt, eb_agenda_item_from_row, &item, "reading an agenda item",
                           error))
    return NULL;
  if (item == NULL)
    eb_store_not_found (error, "agenda item", id);
  return item;
}

/**
 * eb_store_agenda_list:
 *
 * Returns: (transfer full) (element-type EbAgendaItem): the session's
 *   items by position (empty for an unknown session)
 */
GPtrArray *
eb_store_agenda_list (EbStore *self, EbId session_id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self,
                           "SELECT " AGENDA_COLUMNS " FROM agenda_items "
                           "WHERE session_id = :session_id ORDER BY position",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":session_id", session_id);
  return eb_store_query_all (self, stmt, eb_agenda_item_from_row,
                             (GDestroyNotify)eb_agenda_item_free, "listing an agenda", error);
}

/**
 * eb_store_agenda_update:
 *
 * Writes everything but the session and the position (see
 * eb_store_agenda_reorder()); @item comes back with both as stored.
 */
gboolean
eb_store_agenda_update (EbStore *self, EbAgendaItem *item, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  const char *kind = NULL;
  const char *status = NULL;
  gint64 now = eb_store_now ();
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  if (!eb_agenda_item_check (item, &kind, &status, error))
    return FALSE;
  stmt = eb_store_prepare (
      self,
      "UPDATE agenda_items SET presenting_site_id = :presenting_site_id, "
      "presenter_id = :presenter_id, summary = :summary, question = :question, "
      "minutes = :minutes, kind = :kind, status = :status, recommendation = :recommendation, "
      "version = version + 1, updated_at = :now WHERE id = :id AND version = :version "
      "RETURNING session_id, position",
      error);
  if (stmt == NULL)
    return FALSE;
  eb_agenda_item_bind (stmt, item, kind, status);
  eb_bind_int64 (stmt, ":now", now);
  eb_bind_int64 (stmt, ":id", item->id);
  eb_bind_int64 (stmt, ":version", item->version);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return eb_store_stale_or_missing (self, "agenda_items", "agenda item", item->id, item->version,
                                      error);
  if (rc != SQLITE_ROW)
    return eb_store_agenda_write_failed (self, item, rc, "updating an agenda item", error);
  item->session_id = sqlite3_column_int64 (stmt, 0);
  item->position = sqlite3_column_int (stmt, 1);
  if (!eb_store_step (self, stmt, "updating an agenda item", error))
    return FALSE;
  item->version++;
  item->updated_at = now;
  return TRUE;
}

/* Positions are unique within a session and SQLite checks that row by row,
 * in no promised order: shifting a block in place could collide midway. So
 * the moved rows first go to negative positions (free by construction),
 * then flip back. Each item whose position changes gets a new version. */
gboolean
eb_store_agenda_delete (EbStore *self, EbId id, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  gint64 now = eb_store_now ();
  EbId session_id;
  gint64 position;
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);

  if (!eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;

  {
    g_autoptr (EbCachedStmt) stmt = NULL;

    stmt = eb_store_prepare (
        self, "DELETE FROM agenda_items WHERE id = :id RETURNING session_id, position", error);
    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":id", id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE)
      return eb_store_not_found (error, "agenda item", id);
    if (rc != SQLITE_ROW)
      {
        eb_store_set_error (self, error, rc, "deleting an agenda item");
        return FALSE;
      }
    session_id = sqlite3_column_int64 (stmt, 0);
    position = sqlite3_column_int64 (stmt, 1);
    if (!eb_store_step (self, stmt, "deleting an agenda item", error))
      return FALSE;
  }

  {
    g_autoptr (EbCachedStmt) stmt = NULL;

    stmt = eb_store_prepare (self,
                             "UPDATE agenda_items SET position = -(position - 1), "
                             "version = version + 1, updated_at = :now "
                             "WHERE session_id = :session_id AND position > :position",
                             error);
    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":now", now);
    eb_bind_int64 (stmt, ":session_id", session_id);
    eb_bind_int64 (stmt, ":position", position);
    if (!eb_store_step (self, stmt, "closing the gap in an agenda", error))
      return FALSE;
  }

  {
    g_autoptr (EbCachedStmt) stmt = NULL;

    stmt = eb_store_prepare (self,
                             "UPDATE agenda_items SET position = -position "
                             "WHERE session_id = :session_id AND position < 0",
                             error);
    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":session_id", session_id);
    if (!eb_store_step (self, stmt, "closing the gap in an agenda", error))
      return FALSE;
  }

  return eb_scope_commit (&scope, error);
}

static GHashTable *
eb_store_agenda_ids (EbStore *self, EbId session_id, GError **error)
{
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (EbCachedStmt) stmt = NULL;
  int rc;

  stmt = eb_store_prepare (self, "SELECT id FROM agenda_items WHERE session_id = :session_id",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":session_id", session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_add (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      eb_store_set_error (self, error, rc, "reading an agenda");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gboolean
eb_store_agenda_reorder (EbStore *self, EbId session_id, const EbId *ids, guint n_ids,
                         GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autoptr (GHashTable) current = NULL;
  g_autoptr (GHashTable) seen = NULL;
  gboolean exists = FALSE;
  gint64 now = eb_store_now ();

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  if (!eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;
  if (!eb_store_row_exists (self, "sessions", session_id, &exists, error))
    return FALSE;
  if (!exists)
    return eb_store_not_found (error, "session", session_id);
  current = eb_store_agenda_ids (self, session_id, error);
  if (current == NULL)
    return FALSE;

  seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < n_ids; i++)
    {
      if (!g_hash_table_contains (current, &ids[i]))
        {
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                       "agenda item %" G_GINT64_FORMAT
                       " is not on the agenda of session %" G_GINT64_FORMAT,
                       ids[i], session_id);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer)&ids[i]))
        {
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                       "agenda item %" G_GINT64_FORMAT " appears twice in the new order", ids[i]);
          return FALSE;
        }
    }
  if (n_ids != g_hash_table_size (current))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "the new order names %u of the %u agenda items of session %" G_GINT64_FORMAT
                   "; it must name each exactly once",
                   n_ids, g_hash_table_size (current), session_id);
      return FALSE;
    }

  {
    g_autoptr (EbCachedStmt) stmt = NULL;

    stmt = eb_store_prepare (
        self, "UPDATE agenda_items SET position = -position WHERE session_id = :session_id", error);
    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":session_id", session_id);
    if (!eb_store_step (self, stmt, "reordering an agenda", error))
      return FALSE;
  }

  {
    g_autoptr (EbCachedStmt) stmt = NULL;

    /* On the right-hand side, position is the old (negated) value. */
    stmt = eb_store_prepare (self,
                             "UPDATE agenda_items SET position = :position, "
                             "version = version + (-position <> :position), "
                             "updated_at = CASE WHEN -position <> :position THEN :now "
                             "ELSE updated_at END WHERE id = :id",
                             error);
    if (stmt == NULL)
      return FALSE;
    for (guint i = 0; i < n_ids; i++)
      {
        sqlite3_reset (stmt);
        eb_bind_int64 (stmt, ":position", i + 1);
        eb_bind_int64 (stmt, ":now", now);
        eb_bind_int64 (stmt, ":id", ids[i]);
        if (!eb_store_step (self, stmt, "reordering an agenda", error))
          return FALSE;
      }
  }

  return eb_scope_commit (&scope, error);
}

/**
 * eb_store_agenda_total_minutes:
 *
 * Returns: the minutes of the session's agenda, or -1 with @error set
 */
gint
eb_store_agenda_total_minutes (EbStore *self, EbId session_id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gint64 total = 0;

  g_return_val_if_fail (EB_IS_STORE (self), -1);

  stmt = eb_store_prepare (self,
                           "SELECT COALESCE (SUM (minutes), 0) FROM agenda_items "
                           "WHERE session_id = :session_id",
                           error);
  if (stmt == NULL)
    return -1;
  eb_bind_int64 (stmt, ":session_id", session_id);
  if (!eb_store_query_int64 (self, stmt, &total, "adding up an agenda", error))
    return -1;
  return (gint)MIN (total, (gint64)G_MAXINT);
}

/* --- tokens --- */

#define TOKEN_COLUMNS                                                                              \
  "id, person_id, role, label, hint, created_at, expires_at, revoked_at, last_used_at"

static gpointer
eb_token_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbToken *token = eb_token_new ();

  token->id = sqlite3_column_int64 (stmt, 0);
  token->person_id = sqlite3_column_int64 (stmt, 1);
  /* An unreadable role keeps eb_token_new()'s least privileged one. */
  if (!eb_role_from_string ((const char *)sqlite3_column_text (stmt, 2), &token->role))
    g_warning ("token %" G_GINT64_FORMAT " has an unknown role", token->id);
  token->label = eb_column_strdup (stmt, 3);
  token->hint = eb_column_strdup (stmt, 4);
  token->created_at = sqlite3_column_int64 (stmt, 5);
  token->expires_at = sqlite3_column_int64 (stmt, 6);
  token->revoked_at = sqlite3_column_int64 (stmt, 7);
  token->last_used_at = sqlite3_column_int64 (stmt, 8);
  return token;
}

/**
 * eb_store_token_insert:
 * @secret_hash: eb_token_hash_secret() of the secret; the secret itself is
 *   never stored
 *
 * Sets @token's id, and its created_at when it was 0.
 */
gboolean
eb_store_token_insert (EbStore *self, EbToken *token, const char *secret_hash, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  const char *role;
  gint64 created_at;
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (secret_hash != NULL, FALSE);

  role = eb_role_to_string (token->role);
  if (!eb_check_enum (role, "role", token->role, error))
    return FALSE;
  created_at = token->created_at != 0 ? token->created_at : eb_store_now ();
  stmt = eb_store_prepare (self,
                           "INSERT INTO api_tokens (hash, person_id, role, label, hint, "
                           "created_at, expires_at, revoked_at, last_used_at) VALUES (:hash, "
                           ":person_id, :role, :label, :hint, :created_at, :expires_at, "
                           ":revoked_at, :last_used_at)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_text (stmt, ":hash", secret_hash);
  eb_bind_optional (stmt, ":person_id", token->person_id);
  eb_bind_text (stmt, ":role", role);
  eb_bind_text (stmt, ":label", token->label);
  eb_bind_text (stmt, ":hint", token->hint);
  eb_bind_int64 (stmt, ":created_at", created_at);
  eb_bind_optional (stmt, ":expires_at", token->expires_at);
  eb_bind_optional (stmt, ":revoked_at", token->revoked_at);
  eb_bind_optional (stmt, ":last_used_at", token->last_used_at);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      /* Never the hash itself in a message. */
      g_set_error_literal (error, EB_ERROR, EB_ERROR_CONFLICT,
                           "a token with the same secret already exists");
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      const EbReference refs[] = { { "people", "person", token->person_id } };

      return eb_store_write_failed (self, rc, "inserting a token", refs, G_N_ELEMENTS (refs),
                                    error);
    }
  token->id = sqlite3_last_insert_rowid (self->db);
  token->created_at = created_at;
  return TRUE;
}

EbToken *
eb_store_token_find_by_hash (EbStore *self, const char *secret_hash, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer token = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  g_return_val_if_fail (secret_hash != NULL, NULL);

  stmt = eb_store_prepare (self, "SELECT " TOKEN_COLUMNS " FROM api_tokens WHERE hash = :hash",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_text (stmt, ":hash", secret_hash);
  if (!eb_store_query_one (self, stmt, eb_token_from_row, &token, "finding a token", error))
    return NULL;
  return token;
}

/**
 * eb_store_token_get:
 *
 * Returns: (transfer full): the token, or %NULL with EB_ERROR_NOT_FOUND
 */
EbToken *
eb_store_token_get (EbStore *self, EbId id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer token = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_prepare (self, "SELECT " TOKEN_COLUMNS " FROM api_tokens WHERE id = :id", error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":id", id);
  if (!eb_store_query_one (self, stmt, eb_token_from_row, &token, "reading a token", error))
    return NULL;
  if (token == NULL)
    eb_store_not_found (error, "token", id);
  return token;
}

static void
eb_token_filter_bind (sqlite3_stmt *stmt, gconstpointer data)
{
  eb_bind_int64 (stmt, ":person_id", *(const EbId *)data);
}

/**
 * eb_store_token_list:
 * @person_id: the owner, or 0 for every token
 * @page: (nullable): the window; %NULL for every match
 * @total: (out) (optional): the number of matches
 *
 * Returns: (transfer full) (element-type EbToken): the tokens by id,
 *   revoked ones included
 */
GPtrArray *
eb_store_token_list (EbStore *self, EbId person_id, const EbPage *page, guint *total,
                     GError **error)
{
  static const EbListQuery query = {
    TOKEN_COLUMNS,    "api_tokens", "id", eb_token_from_row, (GDestroyNotify)eb_token_free,
    "listing tokens",
  };

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  return eb_store_list (self, &query, person_id != 0 ? "person_id = :person_id" : "1",
                        eb_token_filter_bind, &person_id, page, total, error);
}

/**
 * eb_store_token_revoke:
 * @now: the revocation time (0: the current time)
 *
 * Revoking a revoked token succeeds and keeps the first revocation time.
 */
gboolean
eb_store_token_revoke (EbStore *self, EbId id, gint64 now, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gboolean exists = FALSE;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);

  stmt = eb_store_prepare (self,
                           "UPDATE api_tokens SET revoked_at = :now "
                           "WHERE id = :id AND revoked_at IS NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":now", now != 0 ? now : eb_store_now ());
  eb_bind_int64 (stmt, ":id", id);
  if (!eb_store_step (self, stmt, "revoking a token", error))
    return FALSE;
  if (sqlite3_changes (self->db) > 0)
    return TRUE;
  if (!eb_store_row_exists (self, "api_tokens", id, &exists, error))
    return FALSE;
  if (!exists)
    return eb_store_not_found (error, "token", id);
  return TRUE;
}

/**
 * eb_store_token_count:
 *
 * Returns: the number of tokens ever created (revoked ones included), or
 *   -1 with @error set
 */
gint64
eb_store_token_count (EbStore *self, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gint64 count = 0;

  g_return_val_if_fail (EB_IS_STORE (self), -1);

  stmt = eb_store_prepare (self, "SELECT COUNT(*) FROM api_tokens", error);
  if (stmt == NULL)
    return -1;
  if (!eb_store_query_int64 (self, stmt, &count, "counting tokens", error))
    return -1;
  return count;
}

/* --- idempotency keys --- */

void
eb_idempotent_reply_free (EbIdempotentReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->request_hash);
  g_free (reply->content_type);
  g_free (reply->location);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

static gpointer
eb_idempotent_reply_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbIdempotentReply *reply = g_new0 (EbIdempotentReply, 1);

  reply->request_hash = eb_column_strdup (stmt, 0);
  reply->status = (guint)sqlite3_column_int (stmt, 1);
  reply->content_type = eb_column_strdup (stmt, 2);
  reply->location = eb_column_strdup (stmt, 3);
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
    reply->body = g_bytes_new (sqlite3_column_blob (stmt, 4), sqlite3_column_bytes (stmt, 4));
  return reply;
}

EbIdempotentReply *
eb_store_idempotency_get (EbStore *self, EbId token_id, const char *key, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer reply = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = eb_store_prepare (self,
                           "SELECT request_hash, status, content_type, location, body "
                           "FROM idempotency_keys WHERE token_id = :token_id AND key = :key "
                           "AND created_at >= :cutoff",
                           error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":token_id", token_id);
  eb_bind_text (stmt, ":key", key);
  eb_bind_int64 (stmt, ":cutoff", eb_store_now () - EB_IDEMPOTENCY_TTL_SECONDS);
  if (!eb_store_query_one (self, stmt, eb_idempotent_reply_from_row, &reply,
                           "reading an idempotency key", error))
    return NULL;
  return reply;
}

/**
 * eb_store_idempotency_put:
 *
 * Remembers the reply for 24 hours, and forgets the expired ones. A key
 * the token used less than 24 hours ago is refused (EB_ERROR_CONFLICT).
 */
gboolean
eb_store_idempotency_put (EbStore *self, EbId token_id, const char *key,
                          const EbIdempotentReply *reply, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  gint64 now = eb_store_now ();

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (reply != NULL && reply->request_hash != NULL, FALSE);

  if (!eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;

  {
    g_autoptr (EbCachedStmt) stmt = NULL;

    stmt
        = eb_store_prepare (self, "DELETE FROM idempotency_keys WHERE created_at < :cutoff", error);
    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":cutoff", now - EB_IDEMPOTENCY_TTL_SECONDS);
    if (!eb_store_step (self, stmt, "forgetting expired idempotency keys", error))
      return FALSE;
  }

  {
    g_autoptr (EbCachedStmt) stmt = NULL;
    int index;
    int rc;

    stmt = eb_store_prepare (self,
                             "INSERT INTO idempotency_keys (token_id, key, request_hash, status, "
                             "content_type, location, body, created_at) VALUES (:token_id, :key, "
                             ":request_hash, :status, :content_type, :location, :body, :now)",
                             error);
    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":token_id", token_id);
    eb_bind_text (stmt, ":key", key);
    eb_bind_text (stmt, ":request_hash", reply->request_hash);
    eb_bind_int64 (stmt, ":status", reply->status);
    eb_bind_text (stmt, ":content_type", reply->content_type);
    eb_bind_text (stmt, ":location", reply->location);
    eb_bind_int64 (stmt, ":now", now);
    index = sqlite3_bind_parameter_index (stmt, ":body");
    if (reply->body != NULL && g_bytes_get_size (reply->body) > 0)
      sqlite3_bind_blob64 (stmt, index, g_bytes_get_data (reply->body, NULL),
                           g_bytes_get_size (reply->body), SQLITE_TRANSIENT);
    else if (reply->body != NULL)
      sqlite3_bind_zeroblob (stmt, index, 0);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
      {
        g_set_error_literal (error, EB_ERROR, EB_ERROR_CONFLICT,
                             "this Idempotency-Key was already used by the same token");
        return FALSE;
      }
    if (rc != SQLITE_DONE)
      {
        const EbReference refs[] = { { "api_tokens", "token", token_id } };

        return eb_store_write_failed (self, rc, "remembering an idempotent reply", refs,
                                      G_N_ELEMENTS (refs), error);
      }
  }

  return eb_scope_commit (&scope, error);
}

/* --- diagnostics --- */

char *
eb_store_explain (EbStore *self, const char *sql, GError **error)
{
  g_autofree char *explain = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GString) plan = g_string_new (NULL);
  g_autoptr (GHashTable) depth = g_hash_table_new (g_direct_hash, g_direct_equal);
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  if (!eb_store_check_open (self, error))
    return NULL;
  explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  rc = sqlite3_prepare_v2 (self->db, explain, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      eb_store_set_error (self, error, rc, "explaining a query");
      return NULL;
    }
  /* Rows are (id, parent, notused, detail); a step is one deeper than its
   * parent. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int id = sqlite3_column_int (stmt, 0);
      int parent = sqlite3_column_int (stmt, 1);
      guint level = GPOINTER_TO_UINT (g_hash_table_lookup (depth, GINT_TO_POINTER (parent)));

      g_hash_table_insert (depth, GINT_TO_POINTER (id), GUINT_TO_POINTER (level + 1));
      for (guint i = 0; i < level; i++)
        g_string_append (plan, "  ");
      g_string_append_printf (plan, "%s\n", (const char *)sqlite3_column_text (stmt, 3));
    }
  if (rc != SQLITE_DONE)
    {
      eb_store_set_error (self, error, rc, "explaining a query");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&plan), FALSE);
}
