/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <gio/gio.h>

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"
#include "eb-store-resources.h"

/* Versioned migrations: NNN-name.sql files, applied in order, each in its
 * own transaction, with the schema version kept in PRAGMA user_version. */

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

gboolean
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
                   "the database %s has schema version %d, newer than this eboard "
                   "knows (%u); "
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
