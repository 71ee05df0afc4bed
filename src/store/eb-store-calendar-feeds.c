/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* Secret calendar feed URLs: one row per person, holding only the hash of
 * the secret. Messages never name the hash. */

#define FEED_COLUMNS "person_id, hash, hint, created_at"

static gpointer
eb_calendar_feed_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbCalendarFeed *feed = eb_calendar_feed_new ();

  feed->person_id = sqlite3_column_int64 (stmt, 0);
  feed->secret_hash = eb_column_strdup (stmt, 1);
  feed->hint = eb_column_strdup (stmt, 2);
  feed->created_at = sqlite3_column_int64 (stmt, 3);
  return feed;
}

static const EbTable eb_calendar_feeds_table = {
  .name = "calendar_feeds",
  .noun = "calendar feed",
  .a_noun = "a calendar feed",
  .columns = FEED_COLUMNS,
  .from_row = eb_calendar_feed_from_row,
  .free_func = (GDestroyNotify)eb_calendar_feed_free,
};

/* The feed of @person_id, or %NULL in *@out when there is none. */
static gboolean
eb_store_calendar_feed_find (EbStore *self, EbId person_id, EbCalendarFeed **out, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer feed = NULL;

  *out = NULL;
  stmt = eb_store_select (self, &eb_calendar_feeds_table, "person_id = :person_id", NULL, error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":person_id", person_id);
  if (!eb_store_query_one (self, stmt, eb_calendar_feed_from_row, &feed, "reading a calendar feed",
                           error))
    return FALSE;
  *out = feed;
  return TRUE;
}

static gboolean
eb_store_calendar_feed_write_failed (EbStore *self, const EbCalendarFeed *feed, int rc,
                                     GError **error)
{
  const EbReference refs[] = { { "people", "person", feed->person_id } };

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_CONFLICT,
                           "a calendar feed with the same secret already exists");
      return FALSE;
    }
  return eb_store_write_failed (self, rc, "writing a calendar feed", refs, G_N_ELEMENTS (refs),
                                error);
}

/**
 * eb_store_calendar_feed_put:
 * @feed: the person, the hash of the new secret (eb_token_hash_secret();
 *   the secret itself is never stored), its hint, and created_at (0: now)
 * @replaced: (out) (optional): whether the person had a feed, whose
 *   secret no longer works
 *
 * Creates the person's feed or gives it a new secret. EB_ERROR_CONFLICT
 * when the person does not exist. Sets @feed's created_at.
 */
gboolean
eb_store_calendar_feed_put (EbStore *self, EbCalendarFeed *feed, gboolean *replaced, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autoptr (EbCachedStmt) stmt = NULL;
  g_autoptr (EbCalendarFeed) old = NULL;
  gint64 created_at;
  int rc;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (feed != NULL, FALSE);
  g_return_val_if_fail (feed->secret_hash != NULL && feed->hint != NULL, FALSE);

  if (!eb_scope_begin (self, &scope, TRUE, error)
      || !eb_store_calendar_feed_find (self, feed->person_id, &old, error))
    return FALSE;
  created_at = feed->created_at != 0 ? feed->created_at : eb_store_now ();
  stmt = eb_store_prepare (self,
                           "INSERT INTO calendar_feeds (person_id, hash, hint, created_at) "
                           "VALUES (:person_id, :hash, :hint, :created_at) "
                           "ON CONFLICT (person_id) DO UPDATE SET hash = excluded.hash, "
                           "hint = excluded.hint, created_at = excluded.created_at",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":person_id", feed->person_id);
  eb_bind_text (stmt, ":hash", feed->secret_hash);
  eb_bind_text (stmt, ":hint", feed->hint);
  eb_bind_int64 (stmt, ":created_at", created_at);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return eb_store_calendar_feed_write_failed (self, feed, sqlite3_extended_errcode (self->db),
                                                error);
  if (!eb_scope_commit (&scope, error))
    return FALSE;
  feed->created_at = created_at;
  if (replaced != NULL)
    *replaced = old != NULL;
  return TRUE;
}

/**
 * eb_store_calendar_feed_get:
 *
 * Returns: (transfer full): the person's feed, or %NULL with
 *   EB_ERROR_NOT_FOUND when they have none
 */
EbCalendarFeed *
eb_store_calendar_feed_get (EbStore *self, EbId person_id, GError **error)
{
  EbCalendarFeed *feed = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (!eb_store_calendar_feed_find (self, person_id, &feed, error))
    return NULL;
  if (feed == NULL)
    g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                 "person %" G_GINT64_FORMAT " has no calendar feed", person_id);
  return feed;
}

/**
 * eb_store_calendar_feed_find_by_hash:
 * @secret_hash: eb_token_hash_secret() of a presented secret
 *
 * Returns: (transfer full) (nullable): the feed, or %NULL with no error
 *   when no feed has this hash
 */
EbCalendarFeed *
eb_store_calendar_feed_find_by_hash (EbStore *self, const char *secret_hash, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer feed = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  g_return_val_if_fail (secret_hash != NULL, NULL);

  stmt = eb_store_select (self, &eb_calendar_feeds_table, "hash = :hash", NULL, error);
  if (stmt == NULL)
    return NULL;
  eb_bind_text (stmt, ":hash", secret_hash);
  if (!eb_store_query_one (self, stmt, eb_calendar_feed_from_row, &feed, "finding a calendar feed",
                           error))
    return NULL;
  return feed;
}

/**
 * eb_store_calendar_feed_delete:
 *
 * Revokes the person's feed: its secret no longer finds anything.
 * EB_ERROR_NOT_FOUND when they have none.
 */
gboolean
eb_store_calendar_feed_delete (EbStore *self, EbId person_id, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);

  stmt = eb_store_prepare (self, "DELETE FROM calendar_feeds WHERE person_id = :person_id", error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":person_id", person_id);
  if (!eb_store_step (self, stmt, "revoking a calendar feed", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "person %" G_GINT64_FORMAT " has no calendar feed", person_id);
      return FALSE;
    }
  return TRUE;
}
