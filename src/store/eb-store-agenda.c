/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* The agenda of a session: its items, numbered 1..n by position. */

#define AGENDA_COLUMNS                                                                             \
  "id, session_id, position, presenting_site_id, presenter_id, summary, "                          \
  "question, minutes, kind, "                                                                      \
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
eb_agenda_item_check (gconstpointer entity, GError **error)
{
  const EbAgendaItem *item = entity;

  return eb_check_enum (eb_case_kind_to_string (item->kind), "case kind", item->kind, error)
         && eb_check_enum (eb_case_status_to_string (item->status), "case status", item->status,
                           error);
}

static void
eb_agenda_item_bind (sqlite3_stmt *stmt, gconstpointer entity)
{
  const EbAgendaItem *item = entity;

  eb_bind_int64 (stmt, ":session_id", item->session_id);
  eb_bind_int64 (stmt, ":presenting_site_id", item->presenting_site_id);
  eb_bind_int64 (stmt, ":presenter_id", item->presenter_id);
  eb_bind_text (stmt, ":summary", item->summary);
  eb_bind_text (stmt, ":question", item->question);
  eb_bind_int64 (stmt, ":minutes", item->minutes);
  eb_bind_text (stmt, ":kind", eb_case_kind_to_string (item->kind));
  eb_bind_text (stmt, ":status", eb_case_status_to_string (item->status));
  eb_bind_text (stmt, ":recommendation", item->recommendation);
}

/* Writes return the session and position as stored: an insert takes the
 * next position, an update changes neither. */
static void
eb_agenda_item_returned (sqlite3_stmt *stmt, gpointer entity)
{
  EbAgendaItem *item = entity;

  item->session_id = sqlite3_column_int64 (stmt, 0);
  item->position = sqlite3_column_int (stmt, 1);
}

static gboolean
eb_agenda_item_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                             GError **error)
{
  const EbAgendaItem *item = entity;
  const EbReference refs[] = {
    { "sessions", "session", item->session_id },
    { "sites", "site", item->presenting_site_id },
    { "people", "person", item->presenter_id },
  };

  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

static const EbTable eb_agenda_table = {
  .name = "agenda_items",
  .noun = "agenda item",
  .a_noun = "an agenda item",
  .columns = AGENDA_COLUMNS,
  .from_row = eb_agenda_item_from_row,
  .free_func = (GDestroyNotify)eb_agenda_item_free,
  .referenced_by = "other objects",
  .write_failed = eb_agenda_item_write_failed,
  .check = eb_agenda_item_check,
  .bind = eb_agenda_item_bind,
  .returned = eb_agenda_item_returned,
  EB_TABLE_VERSIONED (EbAgendaItem),
};

/**
 * eb_store_agenda_insert:
 *
 * Appends the item to its session's agenda; @item's position is set.
 */
gboolean
eb_store_agenda_insert (EbStore *self, EbAgendaItem *item, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  /* One statement, so the position is taken atomically without a
   * transaction of its own. */
  return eb_store_insert_entity (self, &eb_agenda_table,
                                 "INSERT INTO agenda_items (session_id, "
                                 "position, presenting_site_id, presenter_id, "
                                 "summary, question, minutes, kind, status, "
                                 "recommendation, version, created_at, "
                                 "updated_at) VALUES (:session_id, (SELECT "
                                 "COALESCE (MAX (position), 0) + 1 FROM "
                                 "agenda_items WHERE session_id = :session_id), "
                                 ":presenting_site_id, :presenter_id, "
                                 ":summary, :question, :minutes, :kind, "
                                 ":status, :recommendation, 1, :now, :now) "
                                 "RETURNING session_id, position",
                                 item, error);
}

/**
 * eb_store_agenda_get:
 *
 * Returns: (transfer full): the item, or %NULL with EB_ERROR_NOT_FOUND
 */
EbAgendaItem *
eb_store_agenda_get (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_get_by_id (self, &eb_agenda_table, id, error);
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
  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_list_children (self, &eb_agenda_table, "session_id", session_id, "position",
                                 "listing an agenda", error);
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
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  return eb_store_update_entity (
      self, &eb_agenda_table,
      "UPDATE agenda_items SET presenting_site_id = :presenting_site_id, "
      "presenter_id = :presenter_id, summary = :summary, question = :question, "
      "minutes = :minutes, kind = :kind, status = :status, recommendation = "
      ":recommendation, "
      "version = version + 1, updated_at = :now WHERE id = :id AND version = "
      ":version "
      "RETURNING session_id, position",
      item, error);
}

/* Runs one statement that renumbers a session's agenda; each takes what it
 * needs of :session_id, :position and :now. */
static gboolean
eb_store_agenda_renumber (EbStore *self, const char *sql, EbId session_id, gint64 position,
                          gint64 now, const char *operation, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":session_id", session_id);
  eb_bind_int64 (stmt, ":position", position);
  eb_bind_int64 (stmt, ":now", now);
  return eb_store_step (self, stmt, operation, error);
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

    stmt = eb_store_prepare (self,
                             "DELETE FROM agenda_items WHERE id = :id RETURNING "
                             "session_id, position",
                             error);
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

  if (!eb_store_agenda_renumber (self,
                                 "UPDATE agenda_items SET position = -(position - 1), "
                                 "version = version + 1, updated_at = :now "
                                 "WHERE session_id = :session_id AND position > :position",
                                 session_id, position, now, "closing the gap in an agenda", error)
      || !eb_store_agenda_renumber (self,
                                    "UPDATE agenda_items SET position = -position "
                                    "WHERE session_id = :session_id AND position < 0",
                                    session_id, 0, now, "closing the gap in an agenda", error))
    return FALSE;
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
                   "the new order names %u of the %u agenda items of session "
                   "%" G_GINT64_FORMAT "; it must name each exactly once",
                   n_ids, g_hash_table_size (current), session_id);
      return FALSE;
    }

  if (!eb_store_agenda_renumber (self,
                                 "UPDATE agenda_items SET position = -position "
                                 "WHERE session_id = :session_id",
                                 session_id, 0, now, "reordering an agenda", error))
    return FALSE;

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
