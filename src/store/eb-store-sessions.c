/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* Sessions, with their recurrence (as RRULE text) and the exceptions to
 * it. */

#define SESSION_COLUMNS                                                                            \
  "id, title, focus, host_site_id, start, duration_minutes, timezone, state, "                     \
  "rrule, version, "                                                                               \
  "created_at, updated_at"

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

EbSession *
eb_store_session_from_columns (EbStore *self, sqlite3_stmt *stmt, int first, GError **error)
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
  return eb_store_session_from_columns (self, stmt, 0, error);
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
  stmt = eb_store_prepare (self,
                           "INSERT INTO session_exceptions (session_id, original_start, cancelled, "
                           "new_start) VALUES (:session_id, :original_start, :cancelled, "
                           ":new_start)",
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

/* The columns derived from the session: its RRULE text and the bounds of
 * its series. */
static gboolean
eb_session_prepare_write (const EbSession *session, const char **state, char **rrule,
                          gint64 *series_start, gint64 *series_end, GError **error)
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
  *series_start = eb_session_series_start (session);
  *series_end = eb_session_series_end (session);
  return TRUE;
}

static void
eb_session_bind (sqlite3_stmt *stmt, const EbSession *session, const char *state, const char *rrule,
                 gint64 series_start, gint64 series_end)
{
  eb_bind_text (stmt, ":title", session->title);
  eb_bind_text (stmt, ":focus", session->focus);
  eb_bind_int64 (stmt, ":host_site_id", session->host_site_id);
  eb_bind_int64 (stmt, ":start", session->start);
  eb_bind_int64 (stmt, ":duration_minutes", session->duration_minutes);
  eb_bind_text (stmt, ":timezone", session->timezone);
  eb_bind_text (stmt, ":state", state);
  eb_bind_text (stmt, ":rrule", rrule);
  eb_bind_int64 (stmt, ":series_start", series_start);
  eb_bind_int64 (stmt, ":series_end", series_end);
}

static gboolean
eb_session_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                         GError **error)
{
  const EbSession *session = entity;
  const EbReference refs[] = { { "sites", "site", session->host_site_id } };

  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

/* The session's columns are bound by eb_store_session_write(), since the
 * RRULE text is made once for the check and the write. */
static const EbTable eb_sessions_table = {
  .name = "sessions",
  .noun = "session",
  .a_noun = "a session",
  .columns = SESSION_COLUMNS,
  .from_row = eb_session_from_row,
  .free_func = (GDestroyNotify)eb_session_free,
  .referenced_by = "other objects",
  .write_failed = eb_session_write_failed,
  EB_TABLE_VERSIONED (EbSession),
};

/* Writes the session's row (an INSERT, or a versioned UPDATE when @update)
 * and replaces its exceptions, as one unit. */
static gboolean
eb_store_session_write (EbStore *self, EbSession *session, const char *sql, gboolean update,
                        GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autofree char *rrule = NULL;
  const char *state = NULL;
  gint64 series_start = 0;
  gint64 series_end = 0;
  gint64 now = eb_store_now ();
  EbId id = session->id;
  gboolean ok;

  if (!eb_store_check_open (self, error))
    return FALSE;
  if (!eb_session_prepare_write (session, &state, &rrule, &series_start, &series_end, error))
    return FALSE;
  if (!eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;

  {
    g_autoptr (EbCachedStmt) stmt = eb_store_prepare (self, sql, error);

    if (stmt == NULL)
      return FALSE;
    eb_session_bind (stmt, session, state, rrule, series_start, series_end);
    if (update)
      ok = eb_store_update_row (self, &eb_sessions_table, stmt, session, now, error);
    else
      ok = eb_store_insert_row (self, &eb_sessions_table, stmt, session, now, &id, error);
    if (!ok)
      return FALSE;
  }

  if (update)
    {
      g_autoptr (EbCachedStmt) stmt = NULL;

      stmt = eb_store_prepare (
          self, "DELETE FROM session_exceptions WHERE session_id = :session_id", error);
      if (stmt == NULL)
        return FALSE;
      eb_bind_int64 (stmt, ":session_id", id);
      if (!eb_store_step (self, stmt, "replacing a session's exceptions", error))
        return FALSE;
    }

  if (!eb_store_insert_exceptions (self, id, session->exceptions, error))
    return FALSE;
  if (!eb_scope_commit (&scope, error))
    return FALSE;
  if (update)
    eb_table_stamp_updated (&eb_sessions_table, session, now);
  else
    eb_table_stamp_inserted (&eb_sessions_table, session, id, now);
  if (session->exceptions != NULL)
    g_ptr_array_sort (session->exceptions, eb_exception_compare);
  return TRUE;
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
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  return eb_store_session_write (self, session,
                                 "INSERT INTO sessions (title, focus, host_site_id, start, "
                                 "duration_minutes, timezone, state, rrule, series_start, "
                                 "series_end, version, created_at, updated_at) VALUES (:title, "
                                 ":focus, :host_site_id, :start, :duration_minutes, :timezone, "
                                 ":state, :rrule, :series_start, :series_end, 1, :now, :now)",
                                 FALSE, error);
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

  /* The row and its exceptions from one snapshot. */
  if (!eb_scope_begin (self, &scope, FALSE, error))
    return NULL;
  if (!eb_store_find_by_id (self, &eb_sessions_table, id, &session, error))
    return NULL;
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
  static const EbPageQuery query = { &eb_sessions_table, "start, id", "listing sessions" };
  g_autoptr (GString) where = g_string_new ("1");

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (filter != NULL)
    {
      /* The series' bounds, not its start: a moved occurrence may come
       * before the start (see eb_session_series_start()). */
      if (filter->from != 0)
        g_string_append (where, " AND series_end > :from");
      if (filter->to != 0)
        g_string_append (where, " AND series_start < :to");
      if (filter->state >= 0)
        g_string_append (where, " AND state = :state");
      if (filter->person_id != 0)
        g_string_append (where, " AND id IN (SELECT session_id FROM roster_entries "
                                "WHERE person_id = :person_id)");
      if (filter->host_site_id != 0)
        g_string_append (where, " AND host_site_id = :host_site_id");
    }
  return eb_store_list_page (self, &query, where->str,
                             filter != NULL ? eb_session_filter_bind : NULL, filter, page, total,
                             error);
}

gboolean
eb_store_session_update (EbStore *self, EbSession *session, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  return eb_store_session_write (
      self, session,
      "UPDATE sessions SET title = :title, focus = :focus, host_site_id = "
      ":host_site_id, "
      "start = :start, duration_minutes = :duration_minutes, timezone = "
      ":timezone, "
      "state = :state, rrule = :rrule, series_start = :series_start, "
      "series_end = :series_end, version = version + 1, "
      "updated_at = :now WHERE id = :id AND version = :version",
      TRUE, error);
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
  return eb_store_delete_row (self, &eb_sessions_table, id, error);
}
