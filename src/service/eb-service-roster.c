/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include "eb-service-live-private.h"
#include "eb-service-sessions-private.h"

/* Loads a roster entry and checks that it belongs to @session_id. */
static EbRosterEntry *
eb_service_load_entry (EbService *self, EbId session_id, EbId id, GError **error)
{
  g_autoptr (EbRosterEntry) entry = eb_store_roster_get (self->store, id, error);

  if (!eb_service_check_found (entry != NULL && entry->session_id == session_id, "roster entry", id,
                               error))
    return NULL;
  return g_steal_pointer (&entry);
}

static gboolean
eb_service_check_entry_enums (const EbRosterEntry *entry, GError **error)
{
  g_autoptr (GPtrArray) invalid = eb_violations_new ();

  eb_violations_check_enum (invalid, "role", eb_roster_role_to_string (entry->role),
                            "a roster role");
  eb_violations_check_enum (invalid, "status", eb_invitation_status_to_string (entry->status),
                            "an invitation status");
  return eb_violations_check_none (invalid, EB_ERROR_INVALID, error);
}

/* Adds `presenter-has-agenda-items` when @person_id presents items of
 * @session_id. */
static gboolean
eb_service_check_presents_nothing (EbService *self, EbId session_id, EbId person_id,
                                   GPtrArray *violations, GError **error)
{
  g_autoptr (GPtrArray) agenda = NULL;
  guint n = 0;

  agenda = eb_store_agenda_list (self->store, session_id, error);
  if (agenda == NULL)
    return FALSE;
  for (guint i = 0; i < agenda->len; i++)
    {
      const EbAgendaItem *item = g_ptr_array_index (agenda, i);
      if (item->presenter_id == person_id)
        n++;
    }
  if (n > 0)
    g_ptr_array_add (violations,
                     eb_violation_new ("presenter-has-agenda-items", "person_id",
                                       "person %" G_GINT64_FORMAT " presents %u agenda item%s of "
                                       "session %" G_GINT64_FORMAT,
                                       person_id, n, n == 1 ? "" : "s", session_id));
  return TRUE;
}

/**
 * eb_service_add_roster_entry:
 * @warnings: (out) (optional) (element-type EbViolation)
 *
 * Returns: (transfer full): the stored entry
 */
EbRosterEntry *
eb_service_add_roster_entry (EbService *self, const EbPrincipal *who, const EbRosterEntry *input,
                             GPtrArray **warnings, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (EbRosterEntry) existing = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();
  g_autoptr (GPtrArray) found_warnings = eb_violations_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *owner = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (warnings == NULL || *warnings == NULL, NULL);

  if (!eb_service_require_write (who, "change rosters", error))
    return NULL;
  if (!eb_service_check_entry_enums (input, error))
    return NULL;

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  session = eb_service_load_open_session (self, who, input->session_id, error);
  if (session == NULL)
    return NULL;

  person = eb_service_load_known_person (self, input->person_id, error);
  if (person == NULL)
    return NULL;

  existing = eb_store_roster_find (self->store, session->id, person->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (existing != NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "person %" G_GINT64_FORMAT
                   " is already on the roster of session %" G_GINT64_FORMAT
                   " (entry %" G_GINT64_FORMAT ")",
                   person->id, session->id, existing->id);
      return NULL;
    }

  if (!person->active)
    g_ptr_array_add (violations, eb_violation_new ("person-not-active", "person_id",
                                                   "person %" G_GINT64_FORMAT " (%s) is not active",
                                                   person->id, person->name));
  owner = g_strdup_printf (" of person %" G_GINT64_FORMAT, person->id);
  if (!eb_service_check_site_active (self, person->home_site_id, "site-not-active", "person_id",
                                     "home site", owner, violations, error))
    return NULL;

  if (!eb_service_check_overlaps (self, session, person->id, input->role, FALSE, violations,
                                  found_warnings, error))
    return NULL;
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return NULL;

  entry = eb_roster_entry_copy (input);
  entry->id = 0;
  entry->version = 0;
  entry->session_id = session->id;
  entry->joined_at = 0;
  entry->left_at = 0;
  if (!eb_store_roster_insert (self->store, entry, error))
    return NULL;
  /* A credential of an earlier entry of the same person (taken off the
   * roster and put back) opens nothing, even one issued in the same
   * second as this entry (created_at is in seconds). */
  if (!eb_store_roster_set_join_revoked (self->store, entry->id, g_get_real_time (), error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  /* someone invited to a live session may join it at once */
  eb_service_live_sync_participant (self, session, entry->person_id);
  if (warnings != NULL)
    *warnings = g_steal_pointer (&found_warnings);
  return g_steal_pointer (&entry);
}

/**
 * eb_service_get_roster_entry:
 *
 * Returns: (transfer full)
 */
EbRosterEntry *
eb_service_get_roster_entry (EbService *self, const EbPrincipal *who, EbId session_id, EbId id,
                             GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_can_read_session (self, who, session_id, error))
    return NULL;
  return eb_service_load_entry (self, session_id, id, error);
}

/**
 * eb_service_list_roster:
 *
 * Returns: (transfer full) (element-type EbRosterEntry)
 */
GPtrArray *
eb_service_list_roster (EbService *self, const EbPrincipal *who, EbId session_id, GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_can_read_session (self, who, session_id, error))
    return NULL;
  return eb_store_roster_list (self->store, session_id, error);
}

/**
 * eb_service_update_roster_entry:
 * @desired: the entry as it should be (@id, @session_id, @version read);
 *   the person and the attendance times do not change here
 * @warnings: (out) (optional) (element-type EbViolation)
 *
 * Returns: (transfer full): the stored entry with its new version
 */
EbRosterEntry *
eb_service_update_roster_entry (EbService *self, const EbPrincipal *who,
                                const EbRosterEntry *desired, GPtrArray **warnings, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) current = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();
  g_autoptr (GPtrArray) found_warnings = eb_violations_new ();
  gboolean writer;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (desired != NULL, NULL);
  g_return_val_if_fail (warnings == NULL || *warnings == NULL, NULL);

  writer = eb_role_can_write (who->role);
  if (!writer && who->role != EB_ROLE_CLINICIAN)
    {
      eb_service_require_write (who, "change rosters", error);
      return NULL;
    }
  if (!eb_service_check_entry_enums (desired, error))
    return NULL;

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  session = eb_service_load_session (self, who, desired->session_id, error);
  if (session == NULL)
    return NULL;
  current = eb_service_load_entry (self, session->id, desired->id, error);
  if (current == NULL)
    return NULL;

  if (!writer)
    {
      /* A clinician answers their own invitation and touches nothing else. */
      if (current->person_id != who->person_id)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                       "role clinician may not change another person's roster entry");
          return NULL;
        }
      if (desired->role != current->role
          || (desired->person_id != 0 && desired->person_id != current->person_id))
        {
          g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                       "role clinician may change only the status of their roster entry");
          return NULL;
        }
    }

  if (!eb_service_check_version ("roster entry", current->id, current->version, desired->version,
                                 error))
    return NULL;
  if (desired->person_id != 0 && desired->person_id != current->person_id)
    {
      eb_set_invalid_field_error (error, "person_id",
                                  "the person of a roster entry does not change");
      return NULL;
    }
  if (!eb_service_session_is_open (session, error))
    return NULL;

  if (desired->role != current->role)
    {
      if (current->role == EB_ROSTER_ROLE_PRESENTER
          && !eb_service_check_presents_nothing (self, session->id, current->person_id, violations,
                                                 error))
        return NULL;
      if (!eb_service_check_overlaps (self, session, current->person_id, desired->role, FALSE,
                                      violations, found_warnings, error))
        return NULL;
    }
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return NULL;

  entry = eb_roster_entry_copy (current);
  entry->role = desired->role;
  entry->status = desired->status;
  if (!eb_store_roster_update (self->store, entry, error))
    return NULL;
  /* A scheduled or live session keeps a chair. */
  if (current->role == EB_ROSTER_ROLE_CHAIR && entry->role != EB_ROSTER_ROLE_CHAIR
      && !eb_service_keep_schedule_rules (self, session->id, EB_SCHEDULE_RULE_CHAIR, error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  /* declining a live session cuts the connection; a new chair is one */
  eb_service_live_sync_participant (self, session, entry->person_id);
  if (warnings != NULL)
    *warnings = g_steal_pointer (&found_warnings);
  return g_steal_pointer (&entry);
}

/**
 * eb_service_remove_roster_entry:
 * @expected_version: the version read, or 0 for no check
 *
 * A presenter of agenda items stays until those items are reassigned.
 */
gboolean
eb_service_remove_roster_entry (EbService *self, const EbPrincipal *who, EbId session_id, EbId id,
                                gint64 expected_version, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) current = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  tx = eb_service_begin_write (self, who, "change rosters", error);
  if (tx == NULL)
    return FALSE;
  session = eb_service_load_session (self, who, session_id, error);
  if (session == NULL)
    return FALSE;
  current = eb_service_load_entry (self, session_id, id, error);
  if (current == NULL
      || !eb_service_check_version ("roster entry", id, current->version, expected_version, error)
      || !eb_service_session_is_open (session, error))
    return FALSE;
  if (!eb_service_check_presents_nothing (self, session_id, current->person_id, violations, error))
    return FALSE;
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return FALSE;
  if (!eb_store_roster_delete (self->store, id, error))
    return FALSE;
  if (current->role == EB_ROSTER_ROLE_CHAIR
      && !eb_service_keep_schedule_rules (self, session_id, EB_SCHEDULE_RULE_CHAIR, error))
    return FALSE;
  if (!eb_transaction_commit (tx, error))
    return FALSE;
  /* someone taken off a live session's roster is cut off at once */
  eb_service_live_sync_participant (self, session, current->person_id);
  return TRUE;
}

/**
 * eb_service_revoke_join:
 *
 * Revokes every join credential issued so far to the member of entry
 * @id; see eb-service.h.
 */
gboolean
eb_service_revoke_join (EbService *self, const EbPrincipal *who, EbId session_id, EbId id,
                        GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autofree char *detail = NULL;
  EbAuditEntry audit = { 0 };

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  tx = eb_service_begin_write (self, who, "revoke join credentials", error);
  if (tx == NULL)
    return FALSE;
  session = eb_service_load_session (self, who, session_id, error);
  if (session == NULL)
    return FALSE;
  entry = eb_service_load_entry (self, session_id, id, error);
  if (entry == NULL)
    return FALSE;
  if (!eb_store_roster_set_join_revoked (self->store, id, g_get_real_time (), error))
    return FALSE;
  detail = g_strdup_printf ("person %" G_GINT64_FORMAT, entry->person_id);
  audit.token_id = who->token_id;
  audit.person_id = who->person_id;
  audit.action = (char *)"roster.revoke-join";
  audit.object_type = (char *)"roster_entry";
  audit.object_id = id;
  audit.detail = detail;
  if (!eb_store_audit_insert (self->store, &audit, error))
    return FALSE;
  if (!eb_transaction_commit (tx, error))
    return FALSE;
  g_info ("session %" G_GINT64_FORMAT ": the join credentials of person %" G_GINT64_FORMAT
          " were revoked (token %" G_GINT64_FORMAT ")",
          session_id, entry->person_id, who->token_id);
  /* cut off at once; credentials issued from now on work */
  eb_service_live_cut_participant (self, session, entry->person_id);
  return TRUE;
}

/* --- agenda --- */

static EbAgendaItem *
eb_service_load_item (EbService *self, EbId session_id, EbId id, GError **error)
{
  g_autoptr (EbAgendaItem) item = eb_store_agenda_get (self->store, id, error);

  if (!eb_service_check_found (item != NULL && item->session_id == session_id, "agenda item", id,
                               error))
    return NULL;
  return g_steal_pointer (&item);
}

/* Item @id of session @session_id, about to change: the session visible
 * to @who and still open, the item still at @expected_version. */
static EbAgendaItem *
eb_service_load_item_for_change (EbService *self, const EbPrincipal *who, EbId session_id, EbId id,
                                 gint64 expected_version, GError **error)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbAgendaItem) item = NULL;

  session = eb_service_load_session (self, who, session_id, error);
  if (session == NULL)
    return NULL;
  item = eb_service_load_item (self, session_id, id, error);
  if (item == NULL
      || !eb_service_check_version ("agenda item", id, item->version, expected_version, error)
      || !eb_service_session_is_open (session, error))
    return NULL;
  return g_steal_pointer (&item);
}

/*
 * Validates @item and checks its presenter and presenting site. Field
 * errors (EB_ERROR_INVALID) come back as they are; the de-identification
 * guard's violations (with their spans) and the rule violations are
 * reported together. When the guard is the only problem its error reaches
 * the caller unchanged.
 */
static gboolean
eb_service_check_agenda_item (EbService *self, const EbAgendaItem *item,
                              const EbAgendaItem *current, GError **error)
{
  g_autoptr (GError) invalid = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();
  g_autoptr (GError) local_error = NULL;

  if (!eb_agenda_item_validate (item, &invalid))
    {
      GPtrArray *found;

      if (!g_error_matches (invalid, EB_ERROR, EB_ERROR_RULE_VIOLATED))
        {
          g_propagate_error (error, g_steal_pointer (&invalid));
          return FALSE;
        }
      found = eb_error_get_violations (invalid);
      for (guint i = 0; found != NULL && i < found->len; i++)
        g_ptr_array_add (violations, eb_violation_copy (g_ptr_array_index (found, i)));
    }

  if (current == NULL || current->presenter_id != item->presenter_id)
    {
      g_autoptr (EbRosterEntry) entry = NULL;

      entry
          = eb_store_roster_find (self->store, item->session_id, item->presenter_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (entry == NULL || entry->role != EB_ROSTER_ROLE_PRESENTER)
        g_ptr_array_add (violations,
                         eb_violation_new ("presenter-not-on-roster", "presenter_id",
                                           "person %" G_GINT64_FORMAT
                                           " is not on the roster of session %" G_GINT64_FORMAT
                                           " as presenter",
                                           item->presenter_id, item->session_id));
    }

  if (current == NULL || current->presenting_site_id != item->presenting_site_id)
    {
      if (!eb_service_check_site_active (self, item->presenting_site_id,
                                         "presenting-site-not-active", "presenting_site_id",
                                         "presenting site", "", violations, error))
        return FALSE;
    }

  if (violations->len == 0)
    return TRUE;
  if (invalid != NULL && violations->len == eb_error_get_violations (invalid)->len)
    {
      g_propagate_error (error, g_steal_pointer (&invalid));
      return FALSE;
    }
  return eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error);
}

/**
 * eb_service_add_agenda_item:
 *
 * Appends the item at the end of the agenda.
 *
 * Returns: (transfer full): the stored item
 */
EbAgendaItem *
eb_service_add_agenda_item (EbService *self, const EbPrincipal *who, const EbAgendaItem *input,
                            GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbAgendaItem) item = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);

  tx = eb_service_begin_write (self, who, "change agendas", error);
  if (tx == NULL)
    return NULL;
  session = eb_service_load_open_session (self, who, input->session_id, error);
  if (session == NULL)
    return NULL;

  item = eb_agenda_item_copy (input);
  item->id = 0;
  item->version = 0;
  item->position = 0;
  if (!eb_service_check_agenda_item (self, item, NULL, error))
    return NULL;
  if (!eb_store_agenda_insert (self->store, item, error))
    return NULL;
  /* A scheduled or live session keeps its agenda within its duration. */
  if (!eb_service_keep_schedule_rules (self, session->id, EB_SCHEDULE_RULE_AGENDA, error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&item);
}

/**
 * eb_service_get_agenda_item:
 *
 * Returns: (transfer full)
 */
EbAgendaItem *
eb_service_get_agenda_item (EbService *self, const EbPrincipal *who, EbId session_id, EbId id,
                            GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_can_read_session (self, who, session_id, error))
    return NULL;
  return eb_service_load_item (self, session_id, id, error);
}

/**
 * eb_service_list_agenda:
 *
 * Returns: (transfer full) (element-type EbAgendaItem): in agenda order
 */
GPtrArray *
eb_service_list_agenda (EbService *self, const EbPrincipal *who, EbId session_id, GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_can_read_session (self, who, session_id, error))
    return NULL;
  return eb_store_agenda_list (self->store, session_id, error);
}

/**
 * eb_service_update_agenda_item:
 * @desired: the item as it should be; its position does not change here
 *   (see eb_service_reorder_agenda())
 *
 * Returns: (transfer full): the stored item with its new version
 */
EbAgendaItem *
eb_service_update_agenda_item (EbService *self, const EbPrincipal *who, const EbAgendaItem *desired,
                               GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbAgendaItem) current = NULL;
  g_autoptr (EbAgendaItem) item = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (desired != NULL, NULL);

  tx = eb_service_begin_write (self, who, "change agendas", error);
  if (tx == NULL)
    return NULL;
  current = eb_service_load_item_for_change (self, who, desired->session_id, desired->id,
                                             desired->version, error);
  if (current == NULL)
    return NULL;

  item = eb_agenda_item_copy (desired);
  item->session_id = current->session_id;
  item->position = current->position;
  item->version = current->version;
  item->created_at = current->created_at;
  if (!eb_service_check_agenda_item (self, item, current, error))
    return NULL;
  if (!eb_store_agenda_update (self->store, item, error))
    return NULL;
  if (item->minutes != current->minutes
      && !eb_service_keep_schedule_rules (self, item->session_id, EB_SCHEDULE_RULE_AGENDA, error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&item);
}

/**
 * eb_service_remove_agenda_item:
 * @expected_version: the version read, or 0 for no check
 */
gboolean
eb_service_remove_agenda_item (EbService *self, const EbPrincipal *who, EbId session_id, EbId id,
                               gint64 expected_version, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbAgendaItem) current = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  tx = eb_service_begin_write (self, who, "change agendas", error);
  if (tx == NULL)
    return FALSE;
  current = eb_service_load_item_for_change (self, who, session_id, id, expected_version, error);
  if (current == NULL)
    return FALSE;
  if (!eb_store_agenda_delete (self->store, id, error))
    return FALSE;
  return eb_transaction_commit (tx, error);
}

/**
 * eb_service_reorder_agenda:
 * @ids: (array length=n_ids): every item of the agenda, each once, in the
 *   new order
 *
 * Returns: (transfer full) (element-type EbAgendaItem): the agenda in its
 *   new order
 */
GPtrArray *
eb_service_reorder_agenda (EbService *self, const EbPrincipal *who, EbId session_id,
                           const EbId *ids, guint n_ids, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) agenda = NULL;
  g_autoptr (GHashTable) known = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  tx = eb_service_begin_write (self, who, "change agendas", error);
  if (tx == NULL)
    return NULL;
  session = eb_service_load_open_session (self, who, session_id, error);
  if (session == NULL)
    return NULL;
  agenda = eb_store_agenda_list (self->store, session_id, error);
  if (agenda == NULL)
    return NULL;

  for (guint i = 0; i < agenda->len; i++)
    {
      EbAgendaItem *item = g_ptr_array_index (agenda, i);
      g_hash_table_add (known, &item->id);
    }
  for (guint i = 0; i < n_ids; i++)
    {
      if (!g_hash_table_contains (known, &ids[i]))
        {
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                       "agenda item %" G_GINT64_FORMAT
                       " is not on the agenda of session %" G_GINT64_FORMAT,
                       ids[i], session_id);
          return NULL;
        }
      if (!g_hash_table_add (seen, (gpointer)&ids[i]))
        {
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                       "agenda item %" G_GINT64_FORMAT " is listed twice", ids[i]);
          return NULL;
        }
    }
  if (n_ids != agenda->len)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "the new order names %u of the %u agenda items; it must name each once", n_ids,
                   agenda->len);
      return NULL;
    }

  if (!eb_store_agenda_reorder (self->store, session_id, ids, n_ids, error))
    return NULL;
  g_clear_pointer (&agenda, g_ptr_array_unref);
  agenda = eb_store_agenda_list (self->store, session_id, error);
  if (agenda == NULL)
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&agenda);
}
