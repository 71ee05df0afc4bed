/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* The roster of a session: who takes part and how, and a person's
 * sessions through it. */

#define ROSTER_COLUMNS                                                                             \
  "id, session_id, person_id, role, status, joined_at, left_at, version, "                         \
  "created_at, updated_at"

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
eb_roster_entry_check (gconstpointer entity, GError **error)
{
  const EbRosterEntry *entry = entity;

  return eb_check_enum (eb_roster_role_to_string (entry->role), "roster role", entry->role, error)
         && eb_check_enum (eb_invitation_status_to_string (entry->status), "invitation status",
                           entry->status, error);
}

static void
eb_roster_entry_bind (sqlite3_stmt *stmt, gconstpointer entity)
{
  const EbRosterEntry *entry = entity;

  eb_bind_int64 (stmt, ":session_id", entry->session_id);
  eb_bind_int64 (stmt, ":person_id", entry->person_id);
  eb_bind_text (stmt, ":role", eb_roster_role_to_string (entry->role));
  eb_bind_text (stmt, ":status", eb_invitation_status_to_string (entry->status));
  eb_bind_optional (stmt, ":joined_at", entry->joined_at);
  eb_bind_optional (stmt, ":left_at", entry->left_at);
}

/* An entry never moves: an update reads back its session and person. */
static void
eb_roster_entry_returned (sqlite3_stmt *stmt, gpointer entity)
{
  EbRosterEntry *entry = entity;

  entry->session_id = sqlite3_column_int64 (stmt, 0);
  entry->person_id = sqlite3_column_int64 (stmt, 1);
}

static gboolean
eb_roster_entry_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                              GError **error)
{
  const EbRosterEntry *entry = entity;
  const EbReference refs[] = {
    { "sessions", "session", entry->session_id },
    { "people", "person", entry->person_id },
  };

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "person %" G_GINT64_FORMAT
                   " is already on the roster of session %" G_GINT64_FORMAT,
                   entry->person_id, entry->session_id);
      return FALSE;
    }
  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

static const EbTable eb_roster_table = {
  .name = "roster_entries",
  .noun = "roster entry",
  .a_noun = "a roster entry",
  .columns = ROSTER_COLUMNS,
  .from_row = eb_roster_entry_from_row,
  .free_func = (GDestroyNotify)eb_roster_entry_free,
  .referenced_by = "other objects",
  .write_failed = eb_roster_entry_write_failed,
  .check = eb_roster_entry_check,
  .bind = eb_roster_entry_bind,
  .returned = eb_roster_entry_returned,
  EB_TABLE_VERSIONED (EbRosterEntry),
};

gboolean
eb_store_roster_insert (EbStore *self, EbRosterEntry *entry, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  return eb_store_insert_entity (self, &eb_roster_table,
                                 "INSERT INTO roster_entries (session_id, person_id, role, status, "
                                 "joined_at, left_at, version, created_at, updated_at) VALUES "
                                 "(:session_id, :person_id, :role, :status, :joined_at, :left_at, "
                                 "1, :now, :now)",
                                 entry, error);
}

/**
 * eb_store_roster_get:
 *
 * Returns: (transfer full): the entry, or %NULL with EB_ERROR_NOT_FOUND
 */
EbRosterEntry *
eb_store_roster_get (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_get_by_id (self, &eb_roster_table, id, error);
}

EbRosterEntry *
eb_store_roster_find (EbStore *self, EbId session_id, EbId person_id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer entry = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_select (self, &eb_roster_table,
                          "session_id = :session_id AND person_id = :person_id", NULL, error);
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
  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_list_children (self, &eb_roster_table, "session_id", session_id, "id",
                                 "listing a roster", error);
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
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  return eb_store_update_entity (self, &eb_roster_table,
                                 "UPDATE roster_entries SET role = :role, status = :status, "
                                 "joined_at = :joined_at, left_at = :left_at, "
                                 "version = version + 1, updated_at = :now "
                                 "WHERE id = :id AND version = :version "
                                 "RETURNING session_id, person_id",
                                 entry, error);
}

gboolean
eb_store_roster_delete (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  return eb_store_delete_row (self, &eb_roster_table, id, error);
}

/* --- join credentials: revocation and issue marks (not part of the
 * entry's representation: they change neither its version nor its
 * updated_at) --- */

/**
 * eb_store_roster_get_join_marks:
 * @marks: (out): the entry's marks
 *
 * Returns: whether entry @id exists (else EB_ERROR_NOT_FOUND)
 */
gboolean
eb_store_roster_get_join_marks (EbStore *self, EbId id, EbJoinMarks *marks, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (marks != NULL, FALSE);

  stmt = eb_store_prepare (self,
                           "SELECT join_revoked_at_us, join_issued_at_us FROM roster_entries "
                           "WHERE id = :id",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":id", id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return eb_store_not_found (error, "roster entry", id);
  if (rc != SQLITE_ROW)
    {
      eb_store_set_error (self, error, rc, "reading the join marks of a roster entry");
      return FALSE;
    }
  marks->revoked_at_us = sqlite3_column_int64 (stmt, 0);
  marks->issued_at_us = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

static gboolean
eb_store_roster_set_join_mark (EbStore *self, const char *sql, EbId id, gint64 at_us,
                               GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (at_us > 0, FALSE);

  stmt = eb_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":id", id);
  eb_bind_int64 (stmt, ":at_us", at_us);
  if (!eb_store_step (self, stmt, "marking the join credentials of a roster entry", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return eb_store_not_found (error, "roster entry", id);
  return TRUE;
}

/* Revokes every join credential of the member issued at or before @at_us,
 * and every one issued so far even if the clock went back since: the mark
 * is at least the last issue and only moves forward. */
gboolean
eb_store_roster_set_join_revoked (EbStore *self, EbId id, gint64 at_us, GError **error)
{
  return eb_store_roster_set_join_mark (self,
                                        "UPDATE roster_entries SET join_revoked_at_us = "
                                        "MAX (:at_us, COALESCE (join_issued_at_us, 0), "
                                        "COALESCE (join_revoked_at_us, 0)) WHERE id = :id",
                                        id, at_us, error);
}

/* A join credential issued at @at_us; the mark only moves forward. */
gboolean
eb_store_roster_set_join_issued (EbStore *self, EbId id, gint64 at_us, GError **error)
{
  return eb_store_roster_set_join_mark (self,
                                        "UPDATE roster_entries SET join_issued_at_us = "
                                        "MAX (COALESCE (join_issued_at_us, 0), :at_us) "
                                        "WHERE id = :id",
                                        id, at_us, error);
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
 * read every session of a window to find one person's. The window is
 * tested against [series_start, series_end), which bounds every
 * occurrence, moved ones included (one may be moved before the start). */
#define PERSON_SESSIONS_SQL(role_filter)                                                           \
  "SELECT s.id, s.title, s.focus, s.host_site_id, s.start, "                                       \
  "s.duration_minutes, s.timezone, "                                                               \
  "s.state, s.rrule, s.version, s.created_at, s.updated_at, r.id, "                                \
  "r.session_id, r.person_id, "                                                                    \
  "r.role, r.status, r.joined_at, r.left_at, r.version, r.created_at, "                            \
  "r.updated_at "                                                                                  \
  "FROM roster_entries AS r CROSS JOIN sessions AS s ON s.id = r.session_id "                      \
  "WHERE r.person_id = :person_id" role_filter " AND s.state <> 'cancelled' "                      \
  "AND s.series_start < :to AND s.series_end > :from ORDER BY s.start, s.id"

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

  ps->session = eb_store_session_from_columns (self, stmt, 0, error);
  if (ps->session == NULL)
    return NULL;
  ps->entry = eb_roster_entry_from_columns (stmt, EB_SESSION_N_COLUMNS);
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
