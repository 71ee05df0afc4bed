/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>

#include <glib/gstdio.h>

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* The connection: opening it (pragmas, then migrations), the cache of
 * prepared statements, the mapping of SQLite errors, and closing it. */

/* How long a writer waits for another connection's lock before giving up
 * with EB_ERROR_UNAVAILABLE. */
#define EB_STORE_BUSY_TIMEOUT_MS 5000

G_DEFINE_FINAL_TYPE (EbStore, eb_store, G_TYPE_OBJECT)

void
eb_cached_stmt_release (EbCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
eb_stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

gint64
eb_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* --- errors --- */

gboolean
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
void
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

gboolean
eb_store_not_found (GError **error, const char *noun, EbId id)
{
  g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND, "%s %" G_GINT64_FORMAT " does not exist", noun,
               id);
  return FALSE;
}

gboolean
eb_check_enum (const char *name, const char *what, int value, GError **error)
{
  if (name != NULL)
    return TRUE;
  g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%d is not a known %s", value, what);
  return FALSE;
}

/* --- statements --- */

EbCachedStmt *
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

void
eb_bind_int64 (sqlite3_stmt *stmt, const char *name, gint64 value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

/* 0 ("not set", see eb-types.h) is stored as NULL. */
void
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

void
eb_bind_text (sqlite3_stmt *stmt, const char *name, const char *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

char *
eb_column_strdup (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

/* Runs a statement that returns no rows (or whose rows do not matter). */
gboolean
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

gboolean
eb_store_exec (EbStore *self, const char *sql, const char *operation, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  return eb_store_step (self, stmt, operation, error);
}

/* The first column of the only row of @stmt. */
gboolean
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

/* The first row of @stmt built by @func, or NULL in *@out when there is
 * none. */
gboolean
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

GPtrArray *
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
