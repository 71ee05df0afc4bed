/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* The rules every repository shares, each written once: reading a row by
 * id, writing a versioned row, mapping "no such row" and "someone else
 * changed it", refusing a delete that a foreign key forbids, and paging a
 * list with its total. */

/* "updating an agenda item" */
static char *
eb_table_operation (const EbTable *table, const char *verb)
{
  return g_strconcat (verb, " ", table->a_noun, NULL);
}

static gint64 *
eb_table_field (const EbTable *table, gpointer entity, gsize offset)
{
  return &G_STRUCT_MEMBER (gint64, entity, offset);
}

/* Prepares "@verb <table> WHERE id = :id" with :id bound. */
static EbCachedStmt *
eb_store_prepare_by_id (EbStore *self, const char *verb, const char *table, EbId id, GError **error)
{
  g_autofree char *sql = g_strconcat (verb, " ", table, " WHERE id = :id", NULL);
  EbCachedStmt *stmt = eb_store_prepare (self, sql, error);

  if (stmt != NULL)
    eb_bind_int64 (stmt, ":id", id);
  return stmt;
}

/* --- references --- */

gboolean
eb_store_row_exists (EbStore *self, const char *table, EbId id, gboolean *exists, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = eb_store_prepare_by_id (self, "SELECT 1 FROM", table, id, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      eb_store_set_error (self, error, rc, "checking a reference");
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
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

/* --- reading --- */

EbCachedStmt *
eb_store_select (EbStore *self, const EbTable *table, const char *where, const char *order,
                 GError **error)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT %s FROM %s WHERE %s%s%s", table->columns, table->name, where,
                         order != NULL ? " ORDER BY " : "", order != NULL ? order : "");

  return eb_store_prepare (self, sql, error);
}

gboolean
eb_store_find_by_id (EbStore *self, const EbTable *table, EbId id, gpointer *out, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = eb_store_select (self, table, "id = :id", NULL, error);
  g_autofree char *operation = NULL;

  *out = NULL;
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":id", id);
  operation = eb_table_operation (table, "reading");
  return eb_store_query_one (self, stmt, table->from_row, out, operation, error);
}

gpointer
eb_store_get_by_id (EbStore *self, const EbTable *table, EbId id, GError **error)
{
  gpointer row = NULL;

  if (!eb_store_find_by_id (self, table, id, &row, error))
    return NULL;
  if (row == NULL)
    eb_store_not_found (error, table->noun, id);
  return row;
}

GPtrArray *
eb_store_list_children (EbStore *self, const EbTable *table, const char *column, EbId value,
                        const char *order, const char *operation, GError **error)
{
  g_autofree char *where = g_strdup_printf ("%s = :value", column);
  g_autoptr (EbCachedStmt) stmt = eb_store_select (self, table, where, order, error);

  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":value", value);
  return eb_store_query_all (self, stmt, table->from_row, table->free_func, operation, error);
}

/* --- writing --- */

/* Runs a write of one row. A RETURNING clause's row goes to
 * table->returned; a failure is explained by table->write_failed. */
static gboolean
eb_store_write_row (EbStore *self, const EbTable *table, sqlite3_stmt *stmt, gpointer entity,
                    const char *verb, GError **error)
{
  g_autofree char *operation = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      if (table->returned != NULL)
        table->returned (stmt, entity);
      operation = eb_table_operation (table, verb);
      return eb_store_step (self, stmt, operation, error);
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  operation = eb_table_operation (table, verb);
  if (table->write_failed != NULL)
    return table->write_failed (self, entity, rc, operation, error);
  return eb_store_write_failed (self, rc, operation, NULL, 0, error);
}

/* An update matched no row: either the row is gone or its version moved. */
static gboolean
eb_store_stale_or_missing (EbStore *self, const EbTable *table, EbId id, gint64 expected_version,
                           GError **error)
{
  g_autoptr (EbCachedStmt) stmt
      = eb_store_prepare_by_id (self, "SELECT version FROM", table->name, id, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return eb_store_not_found (error, table->noun, id);
  if (rc != SQLITE_ROW)
    {
      eb_store_set_error (self, error, rc, "checking a version");
      return FALSE;
    }
  g_set_error (error, EB_ERROR, EB_ERROR_STALE,
               "%s %" G_GINT64_FORMAT " has changed: it is at version %" G_GINT64_FORMAT
               ", not %" G_GINT64_FORMAT,
               table->noun, id, (gint64)sqlite3_column_int64 (stmt, 0), expected_version);
  return FALSE;
}

gboolean
eb_store_insert_row (EbStore *self, const EbTable *table, sqlite3_stmt *stmt, gpointer entity,
                     gint64 now, EbId *id, GError **error)
{
  eb_bind_int64 (stmt, ":now", now);
  if (!eb_store_write_row (self, table, stmt, entity, "inserting", error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
eb_store_update_row (EbStore *self, const EbTable *table, sqlite3_stmt *stmt, gpointer entity,
                     gint64 now, GError **error)
{
  EbId id;
  gint64 version;

  g_return_val_if_fail (table->versioned, FALSE);

  id = *eb_table_field (table, entity, table->id_offset);
  version = *eb_table_field (table, entity, table->version_offset);
  eb_bind_int64 (stmt, ":now", now);
  eb_bind_int64 (stmt, ":id", id);
  eb_bind_int64 (stmt, ":version", version);
  if (!eb_store_write_row (self, table, stmt, entity, "updating", error))
    return FALSE;
  /* With RETURNING too: a statement that matched no row changed none. */
  if (sqlite3_changes (self->db) == 0)
    return eb_store_stale_or_missing (self, table, id, version, error);
  return TRUE;
}

void
eb_table_stamp_inserted (const EbTable *table, gpointer entity, EbId id, gint64 now)
{
  g_return_if_fail (table->versioned);

  *eb_table_field (table, entity, table->id_offset) = id;
  *eb_table_field (table, entity, table->version_offset) = 1;
  *eb_table_field (table, entity, table->created_at_offset) = now;
  *eb_table_field (table, entity, table->updated_at_offset) = now;
}

void
eb_table_stamp_updated (const EbTable *table, gpointer entity, gint64 now)
{
  g_return_if_fail (table->versioned);

  *eb_table_field (table, entity, table->version_offset) += 1;
  *eb_table_field (table, entity, table->updated_at_offset) = now;
}

/* The entity's fields are checked before anything touches the database. */
static EbCachedStmt *
eb_store_prepare_entity (EbStore *self, const EbTable *table, const char *sql, gconstpointer entity,
                         GError **error)
{
  EbCachedStmt *stmt;

  if (table->check != NULL && !table->check (entity, error))
    return NULL;
  stmt = eb_store_prepare (self, sql, error);
  if (stmt != NULL)
    table->bind (stmt, entity);
  return stmt;
}

gboolean
eb_store_insert_entity (EbStore *self, const EbTable *table, const char *sql, gpointer entity,
                        GError **error)
{
  gint64 now = eb_store_now ();
  g_autoptr (EbCachedStmt) stmt = NULL;
  EbId id = 0;

  stmt = eb_store_prepare_entity (self, table, sql, entity, error);
  if (stmt == NULL || !eb_store_insert_row (self, table, stmt, entity, now, &id, error))
    return FALSE;
  eb_table_stamp_inserted (table, entity, id, now);
  return TRUE;
}

gboolean
eb_store_update_entity (EbStore *self, const EbTable *table, const char *sql, gpointer entity,
                        GError **error)
{
  gint64 now = eb_store_now ();
  g_autoptr (EbCachedStmt) stmt = NULL;

  stmt = eb_store_prepare_entity (self, table, sql, entity, error);
  if (stmt == NULL || !eb_store_update_row (self, table, stmt, entity, now, error))
    return FALSE;
  eb_table_stamp_updated (table, entity, now);
  return TRUE;
}

gboolean
eb_store_delete_row (EbStore *self, const EbTable *table, EbId id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt
      = eb_store_prepare_by_id (self, "DELETE FROM", table->name, id, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "%s %" G_GINT64_FORMAT " is still referenced by %s", table->noun, id,
                   table->referenced_by);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      g_autofree char *operation
          = g_strdup_printf ("deleting %s %" G_GINT64_FORMAT, table->noun, id);

      eb_store_set_error (self, error, rc, operation);
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    return eb_store_not_found (error, table->noun, id);
  return TRUE;
}

/* --- lists --- */

/* A NULL @page means every row; a limit of 0 means the default, and a
 * limit is at most EB_PAGE_MAX_LIMIT. */
GPtrArray *
eb_store_list_page (EbStore *self, const EbPageQuery *query, const char *where, EbBindFunc bind,
                    gconstpointer filter, const EbPage *page, guint *total, GError **error)
{
  const EbTable *table = query->table;
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
    g_autofree char *order = g_strdup_printf ("%s LIMIT :limit OFFSET :offset", query->order);
    g_autoptr (EbCachedStmt) stmt = eb_store_select (self, table, where, order, error);

    if (stmt == NULL)
      return NULL;
    if (bind != NULL)
      bind (stmt, filter);
    eb_bind_int64 (stmt, ":limit", limit);
    eb_bind_int64 (stmt, ":offset", page != NULL ? page->offset : 0);
    rows = eb_store_query_all (self, stmt, table->from_row, table->free_func, query->operation,
                               error);
    if (rows == NULL)
      return NULL;
  }

  if (total != NULL)
    {
      g_autofree char *sql
          = g_strdup_printf ("SELECT COUNT(*) FROM %s WHERE %s", table->name, where);
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
