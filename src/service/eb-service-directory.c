/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include "eb-service-private.h"

/* The hub may neither leave the network nor pause its membership. */
static gboolean
eb_site_status_allows_hub (EbSiteStatus status)
{
  return status != EB_SITE_STATUS_SUSPENDED && status != EB_SITE_STATUS_WITHDRAWN;
}

/* Adds a `single-hub` violation when @site would be a second hub. */
static gboolean
eb_service_check_second_hub (EbService *self, const EbSite *site, GPtrArray *violations,
                             GError **error)
{
  g_autoptr (EbSite) hub = NULL;
  g_autoptr (GError) local_error = NULL;

  hub = eb_store_site_get_hub (self->store, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (hub != NULL && hub->id != site->id)
    g_ptr_array_add (violations,
                     eb_violation_new ("single-hub", "is_hub",
                                       "site %" G_GINT64_FORMAT " (%s) is already the hub", hub->id,
                                       hub->code));
  return TRUE;
}

/* --- sites --- */

/**
 * eb_service_create_site:
 *
 * Returns: (transfer full): the stored site
 */
EbSite *
eb_service_create_site (EbService *self, const EbPrincipal *who, const EbSite *input,
                        GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);

  if (!eb_service_require_write (who, "create sites", error))
    return NULL;
  if (!eb_site_validate (input, error))
    return NULL;

  site = eb_site_copy (input);
  site->id = 0;
  site->version = 0;
  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  if (site->is_hub)
    {
      if (!eb_service_check_second_hub (self, site, violations, error))
        return NULL;
      if (!eb_site_status_allows_hub (site->status))
        g_ptr_array_add (violations,
                         eb_violation_new ("single-hub", "status", "the hub cannot be %s",
                                           eb_site_status_to_string (site->status)));
    }
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return NULL;
  if (!eb_store_site_insert (self->store, site, error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&site);
}

/**
 * eb_service_get_site:
 *
 * Returns: (transfer full)
 */
EbSite *
eb_service_get_site (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  EbSite *site;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  site = eb_store_site_get (self->store, id, error);
  eb_service_check_found (site != NULL, "site", id, error);
  return site;
}

/**
 * eb_service_list_sites:
 *
 * Returns: (transfer full) (element-type EbSite)
 */
GPtrArray *
eb_service_list_sites (EbService *self, const EbPrincipal *who, const EbPage *page, guint *total,
                       GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  return eb_store_site_list (self->store, page, total, error);
}

/**
 * eb_service_update_site:
 * @desired: the site as it should be; @version is the version read
 *
 * Returns: (transfer full): the stored site with its new version
 */
EbSite *
eb_service_update_site (EbService *self, const EbPrincipal *who, const EbSite *desired,
                        GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSite) current = NULL;
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (desired != NULL, NULL);

  tx = eb_service_begin_write (self, who, "update sites", error);
  if (tx == NULL)
    return NULL;
  current = eb_store_site_get (self->store, desired->id, error);
  if (!eb_service_check_found (current != NULL, "site", desired->id, error)
      || !eb_service_check_version ("site", current->id, current->version, desired->version, error))
    return NULL;
  if (!eb_site_validate (desired, error))
    return NULL;

  if (desired->status != current->status
      && !eb_site_status_can_transition (current->status, desired->status))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "site %" G_GINT64_FORMAT " cannot move from %s to %s", current->id,
                   eb_site_status_to_string (current->status),
                   eb_site_status_to_string (desired->status));
      return NULL;
    }

  if (current->is_hub && !desired->is_hub)
    g_ptr_array_add (violations,
                     eb_violation_new ("single-hub", "is_hub",
                                       "the network keeps its hub: site %" G_GINT64_FORMAT
                                       " stays the hub",
                                       current->id));
  if (desired->is_hub && !current->is_hub)
    {
      if (!eb_service_check_second_hub (self, current, violations, error))
        return NULL;
    }
  if (desired->is_hub && !eb_site_status_allows_hub (desired->status))
    g_ptr_array_add (violations, eb_violation_new ("single-hub", "status", "the hub cannot be %s",
                                                   eb_site_status_to_string (desired->status)));
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return NULL;

  site = eb_site_copy (desired);
  site->version = current->version;
  site->created_at = current->created_at;
  if (!eb_store_site_update (self->store, site, error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  /* suspended or withdrawn, the site's people leave live sessions;
   * active again, they may rejoin */
  if (site->status != current->status)
    eb_service_live_sync_people (self, 0, site->id);
  return g_steal_pointer (&site);
}

/**
 * eb_service_delete_site:
 * @expected_version: the version read, or 0 for no check
 *
 * The hub stays. A site still referenced (people, sessions) is a conflict
 * the store reports.
 */
gboolean
eb_service_delete_site (EbService *self, const EbPrincipal *who, EbId id, gint64 expected_version,
                        GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSite) current = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  tx = eb_service_begin_write (self, who, "delete sites", error);
  if (tx == NULL)
    return FALSE;
  current = eb_store_site_get (self->store, id, error);
  if (!eb_service_check_found (current != NULL, "site", id, error)
      || !eb_service_check_version ("site", id, current->version, expected_version, error))
    return FALSE;
  if (current->is_hub)
    {
      g_autoptr (GPtrArray) violations = eb_violations_new ();

      g_ptr_array_add (violations, eb_violation_new ("single-hub", NULL,
                                                     "site %" G_GINT64_FORMAT
                                                     " is the hub and cannot be deleted",
                                                     id));
      return eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error);
    }
  if (!eb_store_site_delete (self->store, id, error))
    return FALSE;
  return eb_transaction_commit (tx, error);
}

/* --- people --- */

/* Adds `unknown-site` when the home site does not exist. */
static gboolean
eb_service_check_home_site (EbService *self, const EbPerson *person, GPtrArray *violations,
                            GError **error)
{
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) local_error = NULL;

  site = eb_store_site_get (self->store, person->home_site_id, &local_error);
  if (site != NULL)
    return TRUE;
  if (!eb_service_accept_not_found (&local_error, error))
    return FALSE;
  g_ptr_array_add (violations, eb_violation_new ("unknown-site", "home_site_id",
                                                 "home site %" G_GINT64_FORMAT " does not exist",
                                                 person->home_site_id));
  return TRUE;
}

/**
 * eb_service_create_person:
 *
 * Returns: (transfer full): the stored person
 */
EbPerson *
eb_service_create_person (EbService *self, const EbPrincipal *who, const EbPerson *input,
                          GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);

  if (!eb_service_require_write (who, "create people", error))
    return NULL;
  if (!eb_person_validate (input, error))
    return NULL;

  person = eb_person_copy (input);
  person->id = 0;
  person->version = 0;
  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  if (!eb_service_check_home_site (self, person, violations, error))
    return NULL;
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return NULL;
  if (!eb_store_person_insert (self->store, person, error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&person);
}

/**
 * eb_service_get_person:
 *
 * Returns: (transfer full)
 */
EbPerson *
eb_service_get_person (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  EbPerson *person;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  person = eb_store_person_get (self->store, id, error);
  eb_service_check_found (person != NULL, "person", id, error);
  return person;
}

/**
 * eb_service_list_people:
 * @filter: (nullable)
 *
 * Returns: (transfer full) (element-type EbPerson)
 */
GPtrArray *
eb_service_list_people (EbService *self, const EbPrincipal *who, const EbPersonFilter *filter,
                        const EbPage *page, guint *total, GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  return eb_store_person_list (self->store, filter, page, total, error);
}

/**
 * eb_service_update_person:
 *
 * Returns: (transfer full): the stored person with its new version
 */
EbPerson *
eb_service_update_person (EbService *self, const EbPrincipal *who, const EbPerson *desired,
                          GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbPerson) current = NULL;
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (desired != NULL, NULL);

  tx = eb_service_begin_write (self, who, "update people", error);
  if (tx == NULL)
    return NULL;
  current = eb_store_person_get (self->store, desired->id, error);
  if (!eb_service_check_found (current != NULL, "person", desired->id, error)
      || !eb_service_check_version ("person", current->id, current->version, desired->version,
                                    error))
    return NULL;
  if (!eb_person_validate (desired, error))
    return NULL;
  if (desired->home_site_id != current->home_site_id
      && !eb_service_check_home_site (self, desired, violations, error))
    return NULL;
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return NULL;

  person = eb_person_copy (desired);
  person->version = current->version;
  person->created_at = current->created_at;
  if (!eb_store_person_update (self->store, person, error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  /* deactivated, or moved to a suspended or withdrawn site, the person
   * leaves live sessions; active again, they may rejoin */
  eb_service_live_sync_people (self, person->id, 0);
  return g_steal_pointer (&person);
}

/**
 * eb_service_delete_person:
 * @expected_version: the version read, or 0 for no check
 */
gboolean
eb_service_delete_person (EbService *self, const EbPrincipal *who, EbId id, gint64 expected_version,
                          GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbPerson) current = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  tx = eb_service_begin_write (self, who, "delete people", error);
  if (tx == NULL)
    return FALSE;
  current = eb_store_person_get (self->store, id, error);
  if (!eb_service_check_found (current != NULL, "person", id, error)
      || !eb_service_check_version ("person", id, current->version, expected_version, error))
    return FALSE;
  if (!eb_store_person_delete (self->store, id, error))
    return FALSE;
  if (!eb_transaction_commit (tx, error))
    return FALSE;
  eb_service_live_sync_people (self, id, 0);
  return TRUE;
}
