/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* The people of the network, each with a home site. */

#define PERSON_COLUMNS                                                                             \
  "id, name, email, specialty, home_site_id, active, version, created_at, "                        \
  "updated_at"

static gpointer
eb_person_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbPerson *person = eb_person_new ();

  person->id = sqlite3_column_int64 (stmt, 0);
  person->name = eb_column_strdup (stmt, 1);
  person->email = eb_column_strdup (stmt, 2);
  person->specialty = eb_column_strdup (stmt, 3);
  person->home_site_id = sqlite3_column_int64 (stmt, 4);
  person->active = sqlite3_column_int (stmt, 5) != 0;
  person->version = sqlite3_column_int64 (stmt, 6);
  person->created_at = sqlite3_column_int64 (stmt, 7);
  person->updated_at = sqlite3_column_int64 (stmt, 8);
  return person;
}

static void
eb_person_bind (sqlite3_stmt *stmt, gconstpointer entity)
{
  const EbPerson *person = entity;

  eb_bind_text (stmt, ":name", person->name);
  eb_bind_text (stmt, ":email", person->email);
  eb_bind_text (stmt, ":specialty", person->specialty);
  eb_bind_int64 (stmt, ":home_site_id", person->home_site_id);
  eb_bind_int64 (stmt, ":active", person->active ? 1 : 0);
}

static gboolean
eb_person_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                        GError **error)
{
  const EbPerson *person = entity;
  const EbReference refs[] = { { "sites", "site", person->home_site_id } };

  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

static const EbTable eb_people_table = {
  .name = "people",
  .noun = "person",
  .a_noun = "a person",
  .columns = PERSON_COLUMNS,
  .from_row = eb_person_from_row,
  .free_func = (GDestroyNotify)eb_person_free,
  .referenced_by = "roster entries, agenda items or tokens",
  .write_failed = eb_person_write_failed,
  .bind = eb_person_bind,
  EB_TABLE_VERSIONED (EbPerson),
};

gboolean
eb_store_person_insert (EbStore *self, EbPerson *person, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (person != NULL, FALSE);

  return eb_store_insert_entity (self, &eb_people_table,
                                 "INSERT INTO people (name, email, specialty, home_site_id, "
                                 "active, version, created_at, updated_at) VALUES (:name, "
                                 ":email, :specialty, :home_site_id, :active, 1, :now, :now)",
                                 person, error);
}

/**
 * eb_store_person_get:
 *
 * Returns: (transfer full): the person, or %NULL with EB_ERROR_NOT_FOUND
 */
EbPerson *
eb_store_person_get (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  return eb_store_get_by_id (self, &eb_people_table, id, error);
}

static void
eb_person_filter_bind (sqlite3_stmt *stmt, gconstpointer data)
{
  const EbPersonFilter *filter = data;

  eb_bind_int64 (stmt, ":site_id", filter->site_id);
  eb_bind_text (stmt, ":specialty", filter->specialty);
  eb_bind_int64 (stmt, ":active", filter->active);
}

/**
 * eb_store_person_list:
 * @filter: (nullable): %NULL for everyone
 * @page: (nullable): the window; %NULL for every match
 * @total: (out) (optional): the number of matches
 *
 * Returns: (transfer full) (element-type EbPerson): the matching people by
 *   id
 */
GPtrArray *
eb_store_person_list (EbStore *self, const EbPersonFilter *filter, const EbPage *page, guint *total,
                      GError **error)
{
  static const EbPageQuery query = { &eb_people_table, "id", "listing people" };
  g_autoptr (GString) where = g_string_new ("1");

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (filter != NULL)
    {
      if (filter->site_id != 0)
        g_string_append (where, " AND home_site_id = :site_id");
      if (filter->specialty != NULL)
        g_string_append (where, " AND specialty = :specialty");
      if (filter->active >= 0)
        g_string_append (where, " AND active = :active");
    }
  return eb_store_list_page (self, &query, where->str,
                             filter != NULL ? eb_person_filter_bind : NULL, filter, page, total,
                             error);
}

/**
 * eb_store_person_get_many:
 *
 * Ids that name nobody are skipped.
 *
 * Returns: (transfer full) (element-type EbPerson): the people, by id
 */
GPtrArray *
eb_store_person_get_many (EbStore *self, const EbId *ids, guint n_ids, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  g_autoptr (GString) list = g_string_new ("[");

  g_return_val_if_fail (EB_IS_STORE (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  if (!eb_store_check_open (self, error))
    return NULL;
  if (n_ids == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify)eb_person_free);
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (list, ']');

  /* One statement for any number of ids: the list travels as a JSON array. */
  stmt = eb_store_select (self, &eb_people_table, "id IN (SELECT value FROM json_each (:ids))",
                          "id", error);
  if (stmt == NULL)
    return NULL;
  eb_bind_text (stmt, ":ids", list->str);
  return eb_store_query_all (self, stmt, eb_person_from_row, (GDestroyNotify)eb_person_free,
                             "reading people", error);
}

gboolean
eb_store_person_update (EbStore *self, EbPerson *person, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (person != NULL, FALSE);

  return eb_store_update_entity (self, &eb_people_table,
                                 "UPDATE people SET name = :name, email = :email, "
                                 "specialty = :specialty, home_site_id = :home_site_id, "
                                 "active = :active, version = version + 1, updated_at = :now "
                                 "WHERE id = :id AND version = :version",
                                 person, error);
}

gboolean
eb_store_person_delete (EbStore *self, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  return eb_store_delete_row (self, &eb_people_table, id, error);
}
