/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* API tokens: only a hash of each secret is stored. */

#define TOKEN_COLUMNS                                                                              \
  "id, person_id, role, label, hint, created_at, expires_at, revoked_at, "                         \
  "last_used_at"

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

static gboolean
eb_token_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                       GError **error)
{
  const EbToken *token = entity;
  const EbReference refs[] = { { "people", "person", token->person_id } };

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      /* Never the hash itself in a message. */
      g_set_error_literal (error, EB_ERROR, EB_ERROR_CONFLICT,
                           "a token with the same secret already exists");
      return FALSE;
    }
  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

/* Tokens are never updated, only revoked: they have no version. */
static const EbTable eb_tokens_table = {
  .name = "api_tokens",
  .noun = "token",
  .a_noun = "a token",
  .columns = TOKEN_COLUMNS,
  .from_row = eb_token_from_row,
  .free_func = (GDestroyNotify)eb_token_free,
  .write_failed = eb_token_write_failed,
};

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
  EbId id = 0;

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
                           ":person_id, :role, :label, :hint, :now, :expires_at, "
                           ":revoked_at, :last_used_at)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_text (stmt, ":hash", secret_hash);
  eb_bind_optional (stmt, ":person_id", token->person_id);
  eb_bind_text (stmt, ":role", role);
  eb_bind_text (stmt, ":label", token->label);
  eb_bind_text (stmt, ":hint", token->hint);
  eb_bind_optional (stmt, ":expires_at", token->expires_at);
  eb_bind_optional (stmt, ":revoked_at", token->revoked_at);
  eb_bind_optional (stmt, ":last_used_at", token->last_used_at);
  if (!eb_store_insert_row (self, &eb_tokens_table, stmt, token, created_at, &id, error))
    return FALSE;
  token->id = id;
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

  stmt = eb_store_select (self, &eb_tokens_table, "hash = :hash", NULL, error);
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
  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_get_by_id (self, &eb_tokens_table, id, error);
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
  static const EbPageQuery query = { &eb_tokens_table, "id", "listing tokens" };

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  return eb_store_list_page (self, &query, person_id != 0 ? "person_id = :person_id" : "1",
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
