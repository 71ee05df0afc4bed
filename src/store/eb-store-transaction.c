/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* Transactions: the caller's (EbTransaction) and the store's own scopes
 * (EbScope, see eb-store-private.h). */

struct _EbTransaction
{
  EbStore *store;
  gboolean finished;
};

/* --- scopes --- */

gboolean
eb_scope_begin (EbStore *self, EbScope *scope, gboolean write, GError **error)
{
  const char *sql;

  scope->store = self;
  scope->savepoint = self->in_transaction || self->scope_depth > 0;
  if (scope->savepoint)
    sql = "SAVEPOINT eb_scope";
  else
    sql = write ? "BEGIN IMMEDIATE" : "BEGIN";
  if (!eb_store_exec (self, sql, write ? "starting a write" : "starting a read", error))
    return FALSE;
  scope->active = TRUE;
  self->scope_depth++;
  return TRUE;
}

void
eb_scope_clear (EbScope *scope)
{
  EbStore *self = scope->store;
  g_autoptr (GError) error = NULL;

  if (!scope->active)
    return;
  scope->active = FALSE;
  self->scope_depth--;
  if (self->db == NULL)
    return;
  if (scope->savepoint)
    {
      if (!eb_store_exec (self, "ROLLBACK TO eb_scope", "rolling back a savepoint", &error)
          || !eb_store_exec (self, "RELEASE eb_scope", "releasing a savepoint", &error))
        g_warning ("%s", error->message);
    }
  else if (!sqlite3_get_autocommit (self->db))
    {
      if (!eb_store_exec (self, "ROLLBACK", "rolling back", &error))
        g_warning ("%s", error->message);
    }
}

gboolean
eb_scope_commit (EbScope *scope, GError **error)
{
  EbStore *self = scope->store;
  gboolean ok;

  g_return_val_if_fail (scope->active, FALSE);

  if (scope->savepoint)
    ok = eb_store_exec (self, "RELEASE eb_scope", "releasing a savepoint", error);
  else
    ok = eb_store_exec (self, "COMMIT", "committing", error);
  if (!ok)
    {
      eb_scope_clear (scope);
      return FALSE;
    }
  scope->active = FALSE;
  self->scope_depth--;
  return TRUE;
}

/* --- transactions --- */

/**
 * eb_store_transaction_begin:
 *
 * Starts a write transaction (BEGIN IMMEDIATE: the write lock is taken
 * now, waiting up to the busy timeout). Every repository call until the
 * transaction is committed or freed runs inside it.
 *
 * Returns: (transfer full): the transaction; free it to roll back
 */
EbTransaction *
eb_store_transaction_begin (EbStore *self, GError **error)
{
  EbTransaction *tx;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (!eb_store_check_open (self, error))
    return NULL;
  if (self->in_transaction || self->scope_depth > 0)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED, "a transaction is already open");
      return NULL;
    }
  if (!eb_store_exec (self, "BEGIN IMMEDIATE", "starting a transaction", error))
    return NULL;
  self->in_transaction = TRUE;
  tx = g_new0 (EbTransaction, 1);
  tx->store = g_object_ref (self);
  return tx;
}

static void
eb_transaction_rollback (EbTransaction *tx)
{
  EbStore *self = tx->store;
  g_autoptr (GError) error = NULL;

  tx->finished = TRUE;
  if (self->db == NULL || !self->in_transaction)
    return;
  self->in_transaction = FALSE;
  if (!sqlite3_get_autocommit (self->db)
      && !eb_store_exec (self, "ROLLBACK", "rolling back a transaction", &error))
    g_warning ("%s", error->message);
}

gboolean
eb_transaction_commit (EbTransaction *tx, GError **error)
{
  EbStore *self;

  g_return_val_if_fail (tx != NULL, FALSE);

  self = tx->store;
  if (tx->finished)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED, "the transaction is already finished");
      return FALSE;
    }
  if (!eb_store_check_open (self, error))
    {
      tx->finished = TRUE;
      return FALSE;
    }
  /* A COMMIT that fails (the disk is full, or readers hold the log) leaves
   * the transaction open: roll it back so that the store stays usable and
   * the caller sees one clear outcome. */
  if (!eb_store_exec (self, "COMMIT", "committing a transaction", error))
    {
      eb_transaction_rollback (tx);
      return FALSE;
    }
  tx->finished = TRUE;
  self->in_transaction = FALSE;
  return TRUE;
}

void
eb_transaction_free (EbTransaction *tx)
{
  if (tx == NULL)
    return;
  if (!tx->finished)
    eb_transaction_rollback (tx);
  g_object_unref (tx->store);
  g_free (tx);
}
