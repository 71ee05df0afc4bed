/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* The sites of the network; at most one is the hub. */

#define SITE_COLUMNS "id, name, code, timezone, status, is_hub, version, created_at, updated_at"

static gpointer
eb_site_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbSite *site = eb_site_new ();

  site->id = sqlite3_column_int64 (stmt, 0);
  site->name = eb_column_strdup (stmt, 1);
  site->code = eb_column_strdup (stmt, 2);
  site->timezone = eb_column_strdup (stmt, 3);
  if (!eb_site_status_from_string ((const char *)sqlite3_column_text (stmt, 4), &site->status))
    g_warning ("site %" G_GINT64_FORMAT " has an unknown status", site->id);
  site->is_hub = sqlite3_column_int (stmt, 5) != 0;
  site->version = sqlite3_column_int64 (stmt, 6);
  site->created_at = sqlite3_column_int64 (stmt, 7);
  site->updated_at = sqlite3_column_int64 (stmt, 8);
  return site;
}

static gboolean
eb_site_check (gconstpointer entity, GError **error)
{
  const EbSite *site = entity;

  return eb_check_enum (eb_site_status_to_string (site->status), "site status", site->status,
                        error);
}

static void
eb_site_bind (sqlite3_stmt *stmt, gconstpointer entity)
{
  const EbSite *site = entity;

  eb_bind_text (stmt, ":name", site->name);
  eb_bind_text (stmt, ":code", site->code);
  eb_bind_text (stmt, ":timezone", site->timezone);
  eb_bind_text (stmt, ":status", eb_site_status_to_string (site->status));
  eb_bind_int64 (stmt, ":is_hub", site->is_hub ? 1 : 0);
}

static gboolean
eb_site_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                      GError **error)
{
  const EbSite *site = entity;
  g_autofree char *message = g_strdup (sqlite3_errmsg (self->db));
  g_autoptr (EbSite) hub = NULL;

  if (rc != SQLITE_CONSTRAINT_UNIQUE)
    return eb_store_write_failed (self, rc, operation, NULL, 0, error);
  if (strstr (message, "sites.code") != NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "a site with code %s already exists",
                   site->code);
      return FALSE;
    }
  if (strstr (message, "sites.is_hub") != NULL)
    {
      hub = eb_store_site_get_hub (self, NULL);
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "the network already has a hub (%s)",
                   hub != NULL && hub->code != NULL ? hub->code : "another site");
      return FALSE;
    }
  return eb_store_write_failed (self, rc, operation, NULL, 0, error);
}

static const EbTable eb_sites_table = {
  .name = "sites",
  .noun = "site",
  .a_noun = "a site",
  .columns = SITE_COLUMNS,
  .from_row = eb_site_from_row,
  .free_func = (GDestroyNotify)eb_site_free,
  .referenced_by = "people, sessions or agenda items",
  .write_failed = eb_site_write_failed,
  .check = eb_site_check,
  .bind = eb_site_bind,
  EB_TABLE_VERSIONED (EbSite),
};

gboolean
eb_store_site_insert (EbStore *self, EbSite *site, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (site != NULL, FALSE);

  return eb_store_insert_entity (self, &eb_sites_table,
                                 "INSERT INTO sites (name, code, timezone, status, is_hub, "
                                 "version, created_at, updated_at) VALUES (:name, :code, "
                                 ":timezone, :status, :is_hub, 1, :now, :now)",
                                 site, error);
}

/**
 * eb_store_site_get:
 *
 * Returns: (transfer full): the site, or %NULL with EB_ERROR_NOT_FOUND
 */
EbSite *
eb_store_site_get (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_get_by_id (self, &eb_sites_table, id, error);
}

EbSite *
eb_store_site_get_hub (EbStore *self, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer site = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  stmt = eb_store_select (self, &eb_sites_table, "is_hub = 1", NULL, error);
  if (stmt == NULL)
    return NULL;
  if (!eb_store_query_one (self, stmt, eb_site_from_row, &site, "reading the hub", error))
    return NULL;
  return site;
}

/**
 * eb_store_site_list:
 * @page: (nullable): the window; %NULL for every site
 * @total: (out) (optional): the number of sites
 *
 * Returns: (transfer full) (element-type EbSite): the sites by id
 */
GPtrArray *
eb_store_site_list (EbStore *self, const EbPage *page, guint *total, GError **error)
{
  static const EbPageQuery query = { &eb_sites_table, "id", "listing sites" };

  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_list_page (self, &query, "1", NULL, NULL, page, total, error);
}

gboolean
eb_store_site_update (EbStore *self, EbSite *site, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (site != NULL, FALSE);

  return eb_store_update_entity (self, &eb_sites_table,
                                 "UPDATE sites SET name = :name, code = :code, "
                                 "timezone = :timezone, status = :status, is_hub = :is_hub, "
                                 "version = version + 1, updated_at = :now "
                                 "WHERE id = :id AND version = :version",
                                 site, error);
}

gboolean
eb_store_site_delete (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  return eb_store_delete_row (self, &eb_sites_table, id, error);
}
