/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* The reply to a token's request with an Idempotency-Key is remembered
 * this long. */
#define EB_IDEMPOTENCY_TTL_SECONDS (24 * 60 * 60)

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
