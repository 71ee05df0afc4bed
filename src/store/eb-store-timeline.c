/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* What happened in live sessions (the timeline), who was there
 * (attendance spans), and who read what (the audit trail). Rows are only
 * appended (spans are also closed); none is versioned. */

/* --- timeline --- */

#define TIMELINE_COLUMNS "id, session_id, at_us, offset_us, kind, person_id, track, detail"

static gpointer
eb_timeline_event_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbTimelineEvent *event = eb_timeline_event_new ();

  event->id = sqlite3_column_int64 (stmt, 0);
  event->session_id = sqlite3_column_int64 (stmt, 1);
  event->at_us = sqlite3_column_int64 (stmt, 2);
  event->offset_us = sqlite3_column_int64 (stmt, 3);
  if (!eb_timeline_kind_from_string ((const char *)sqlite3_column_text (stmt, 4), &event->kind))
    g_warning ("timeline event %" G_GINT64_FORMAT " has an unknown kind", event->id);
  event->person_id = sqlite3_column_int64 (stmt, 5);
  event->track = eb_column_strdup (stmt, 6);
  event->detail = eb_column_strdup (stmt, 7);
  return event;
}

static gboolean
eb_timeline_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                          GError **error)
{
  const EbTimelineEvent *event = entity;
  const EbReference refs[] = { { "sessions", "session", event->session_id } };

  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

static const EbTable eb_timeline_table = {
  .name = "timeline_events",
  .noun = "timeline event",
  .a_noun = "a timeline event",
  .columns = TIMELINE_COLUMNS,
  .from_row = eb_timeline_event_from_row,
  .free_func = (GDestroyNotify)eb_timeline_event_free,
  .write_failed = eb_timeline_write_failed,
};

gboolean
eb_store_timeline_insert (EbStore *self, EbTimelineEvent *event, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  const char *kind;
  EbId id = 0;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  kind = eb_timeline_kind_to_string (event->kind);
  if (!eb_check_enum (kind, "kind", event->kind, error) || !eb_store_check_open (self, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "INSERT INTO timeline_events (session_id, at_us, offset_us, kind, "
                           "person_id, track, detail) VALUES (:session_id, :at_us, :offset_us, "
                           ":kind, :person_id, :track, :detail)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":session_id", event->session_id);
  eb_bind_int64 (stmt, ":at_us", event->at_us);
  eb_bind_int64 (stmt, ":offset_us", event->offset_us);
  eb_bind_text (stmt, ":kind", kind);
  eb_bind_optional (stmt, ":person_id", event->person_id);
  eb_bind_text (stmt, ":track", event->track);
  eb_bind_text (stmt, ":detail", event->detail);
  if (!eb_store_insert_row (self, &eb_timeline_table, stmt, event, 0, &id, error))
    return FALSE;
  event->id = id;
  return TRUE;
}

static void
eb_session_id_bind (sqlite3_stmt *stmt, gconstpointer data)
{
  eb_bind_int64 (stmt, ":session_id", *(const EbId *)data);
}

/**
 * eb_store_timeline_list:
 * @page: (nullable): the window; %NULL for every event
 * @total: (out) (optional): the number of events of the session
 *
 * Returns: (transfer full) (element-type EbTimelineEvent): by at_us,
 *   then id (the order they were written in for one instant)
 */
GPtrArray *
eb_store_timeline_list (EbStore *self, EbId session_id, const EbPage *page, guint *total,
                        GError **error)
{
  static const EbPageQuery query = { &eb_timeline_table, "at_us, id", "listing a timeline" };

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  return eb_store_list_page (self, &query, "session_id = :session_id", eb_session_id_bind,
                             &session_id, page, total, error);
}

/* --- attendance --- */

#define SPAN_COLUMNS "id, session_id, person_id, joined_at_us, left_at_us"

static gpointer
eb_span_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbAttendanceSpan *span = eb_attendance_span_new ();

  span->id = sqlite3_column_int64 (stmt, 0);
  span->session_id = sqlite3_column_int64 (stmt, 1);
  span->person_id = sqlite3_column_int64 (stmt, 2);
  span->joined_at_us = sqlite3_column_int64 (stmt, 3);
  span->left_at_us = sqlite3_column_int64 (stmt, 4);
  return span;
}

static gboolean
eb_span_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                      GError **error)
{
  const EbAttendanceSpan *span = entity;
  const EbReference refs[] = { { "sessions", "session", span->session_id } };

  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

static const EbTable eb_spans_table = {
  .name = "attendance_spans",
  .noun = "attendance span",
  .a_noun = "an attendance span",
  .columns = SPAN_COLUMNS,
  .from_row = eb_span_from_row,
  .free_func = (GDestroyNotify)eb_attendance_span_free,
  .write_failed = eb_span_write_failed,
};

/**
 * eb_store_attendance_open:
 * @span: its session, person and joined_at_us; left_at_us is ignored
 *
 * Sets @span->id (and clears its left_at_us).
 */
gboolean
eb_store_attendance_open (EbStore *self, EbAttendanceSpan *span, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  EbId id = 0;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (span != NULL, FALSE);

  if (!eb_store_check_open (self, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "INSERT INTO attendance_spans (session_id, person_id, joined_at_us) "
                           "VALUES (:session_id, :person_id, :joined_at_us)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":session_id", span->session_id);
  eb_bind_int64 (stmt, ":person_id", span->person_id);
  eb_bind_int64 (stmt, ":joined_at_us", span->joined_at_us);
  if (!eb_store_insert_row (self, &eb_spans_table, stmt, span, 0, &id, error))
    return FALSE;
  span->id = id;
  span->left_at_us = 0;
  return TRUE;
}

/**
 * eb_store_attendance_close:
 * @left_at_us: when they left; a span never ends before it started
 *
 * Closes the person's latest open span in the session.
 */
gboolean
eb_store_attendance_close (EbStore *self, EbId session_id, EbId person_id, gint64 left_at_us,
                           GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);

  if (!eb_store_check_open (self, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "UPDATE attendance_spans SET left_at_us = MAX(:left_at_us, "
                           "joined_at_us) WHERE id = (SELECT id FROM attendance_spans WHERE "
                           "session_id = :session_id AND person_id = :person_id AND left_at_us "
                           "IS NULL ORDER BY joined_at_us DESC, id DESC LIMIT 1)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":left_at_us", left_at_us);
  eb_bind_int64 (stmt, ":session_id", session_id);
  eb_bind_int64 (stmt, ":person_id", person_id);
  if (!eb_store_step (self, stmt, "closing an attendance span", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "person %" G_GINT64_FORMAT
                   " has no open attendance in session %" G_GINT64_FORMAT,
                   person_id, session_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
eb_store_attendance_close_all (EbStore *self, EbId session_id, gint64 left_at_us, guint *n_closed,
                               GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);

  if (n_closed != NULL)
    *n_closed = 0;
  if (!eb_store_check_open (self, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "UPDATE attendance_spans SET left_at_us = MAX(:left_at_us, "
                           "joined_at_us) WHERE session_id = :session_id AND left_at_us IS NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":left_at_us", left_at_us);
  eb_bind_int64 (stmt, ":session_id", session_id);
  if (!eb_store_step (self, stmt, "closing attendance spans", error))
    return FALSE;
  if (n_closed != NULL)
    *n_closed = (guint)sqlite3_changes (self->db);
  return TRUE;
}

/**
 * eb_store_attendance_list:
 *
 * Returns: (transfer full) (element-type EbAttendanceSpan): by
 *   joined_at_us, then id
 */
GPtrArray *
eb_store_attendance_list (EbStore *self, EbId session_id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (!eb_store_check_open (self, error))
    return NULL;
  return eb_store_list_children (self, &eb_spans_table, "session_id", session_id,
                                 "joined_at_us, id", "listing attendance", error);
}

/* --- audit trail --- */

#define AUDIT_COLUMNS "id, at, token_id, person_id, action, object_type, object_id, detail"

void
eb_audit_entry_free (EbAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->action);
  g_free (entry->object_type);
  g_free (entry->detail);
  g_free (entry);
}

static gpointer
eb_audit_entry_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbAuditEntry *entry = g_new0 (EbAuditEntry, 1);

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->at = sqlite3_column_int64 (stmt, 1);
  entry->token_id = sqlite3_column_int64 (stmt, 2);
  entry->person_id = sqlite3_column_int64 (stmt, 3);
  entry->action = eb_column_strdup (stmt, 4);
  entry->object_type = eb_column_strdup (stmt, 5);
  entry->object_id = sqlite3_column_int64 (stmt, 6);
  entry->detail = eb_column_strdup (stmt, 7);
  return entry;
}

static const EbTable eb_audit_table = {
  .name = "audit_log",
  .noun = "audit entry",
  .a_noun = "an audit entry",
  .columns = AUDIT_COLUMNS,
  .from_row = eb_audit_entry_from_row,
  .free_func = (GDestroyNotify)eb_audit_entry_free,
};

gboolean
eb_store_audit_insert (EbStore *self, EbAuditEntry *entry, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  EbId id = 0;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (entry->action == NULL || *entry->action == '\0')
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, "an audit entry needs an action");
      return FALSE;
    }
  if (!eb_store_check_open (self, error))
    return FALSE;
  if (entry->at == 0)
    entry->at = eb_store_now ();
  stmt = eb_store_prepare (self,
                           "INSERT INTO audit_log (at, token_id, person_id, action, object_type, "
                           "object_id, detail) VALUES (:at, :token_id, :person_id, :action, "
                           ":object_type, :object_id, :detail)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":at", entry->at);
  eb_bind_optional (stmt, ":token_id", entry->token_id);
  eb_bind_optional (stmt, ":person_id", entry->person_id);
  eb_bind_text (stmt, ":action", entry->action);
  eb_bind_text (stmt, ":object_type", entry->object_type);
  eb_bind_optional (stmt, ":object_id", entry->object_id);
  eb_bind_text (stmt, ":detail", entry->detail);
  if (!eb_store_insert_row (self, &eb_audit_table, stmt, entry, 0, &id, error))
    return FALSE;
  entry->id = id;
  return TRUE;
}

typedef struct
{
  const char *object_type;
  EbId object_id;
} EbAuditBindings;

static void
eb_audit_filter_bind (sqlite3_stmt *stmt, gconstpointer data)
{
  const EbAuditBindings *b = data;

  eb_bind_text (stmt, ":object_type", b->object_type);
  eb_bind_int64 (stmt, ":object_id", b->object_id);
}

/**
 * eb_store_audit_list:
 * @object_type: (nullable): only entries about this kind of object
 * @object_id: only entries about this object (0: any)
 * @page: (nullable): the window; %NULL for every match
 * @total: (out) (optional): the number of matches
 *
 * Returns: (transfer full) (element-type EbAuditEntry): by id
 */
GPtrArray *
eb_store_audit_list (EbStore *self, const char *object_type, EbId object_id, const EbPage *page,
                     guint *total, GError **error)
{
  static const EbPageQuery query = { &eb_audit_table, "id", "listing the audit trail" };
  EbAuditBindings bindings = { object_type, object_id };
  const char *where;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (object_type != NULL && object_id != 0)
    where = "object_type = :object_type AND object_id = :object_id";
  else if (object_type != NULL)
    where = "object_type = :object_type";
  else if (object_id != 0)
    where = "object_id = :object_id";
  else
    where = "1";
  return eb_store_list_page (self, &query, where, eb_audit_filter_bind, &bindings, page, total,
                             error);
}
