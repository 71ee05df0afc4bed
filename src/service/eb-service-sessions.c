/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include "eb-service-sessions-private.h"

/* Occurrence listings wider than this are refused rather than expanded. */
#define EB_SERVICE_MAX_OCCURRENCE_WINDOW ((gint64)10 * 366 * 24 * 3600)
#define EB_SERVICE_DEFAULT_OCCURRENCE_WINDOW ((gint64)366 * 24 * 3600)
/* A moved occurrence stays within this distance of where the rule puts
 * it, and before 2500-01-01T00:00:00Z, as calendars can express it. */
#define EB_SERVICE_MAX_MOVE ((gint64)366 * 24 * 3600)
#define EB_SERVICE_LAST_INSTANT G_GINT64_CONSTANT (16725225600)

/*
 * The span any occurrence of @session can touch: from its first possible
 * start (a moved occurrence may come before the series start) to the end
 * of its last possible occurrence. @to is 0 for an open-ended series, as
 * eb_store_person_sessions() expects.
 */
static void
eb_session_window (const EbSession *session, gint64 *from, gint64 *to)
{
  gint64 first = session->start;
  gint64 last = eb_session_series_end (session);

  for (guint i = 0; session->exceptions != NULL && i < session->exceptions->len; i++)
    {
      const EbOccurrenceException *ex = g_ptr_array_index (session->exceptions, i);
      gint64 moved_end;

      if (ex->cancelled || ex->new_start == 0)
        continue;
      first = MIN (first, ex->new_start);
      moved_end = ex->new_start + (gint64)session->duration_minutes * 60;
      if (last != G_MAXINT64)
        last = MAX (last, moved_end);
    }
  *from = first;
  *to = last == G_MAXINT64 ? 0 : last;
}

gboolean
eb_service_check_overlaps (EbService *self, const EbSession *session, EbId person_id,
                           EbRosterRole role, gboolean exclusive_only, GPtrArray *violations,
                           GPtrArray *warnings, GError **error)
{
  g_autoptr (GPtrArray) others = NULL;
  gint64 from, to;
  gboolean exclusive = eb_roster_role_is_exclusive (role);

  eb_session_window (session, &from, &to);
  others = eb_store_person_sessions (self->store, person_id, from, to, exclusive_only, error);
  if (others == NULL)
    return FALSE;

  for (guint i = 0; i < others->len; i++)
    {
      const EbPersonSession *ps = g_ptr_array_index (others, i);
      const EbSession *other = ps->session;
      g_autoptr (GError) local_error = NULL;
      g_autofree char *when = NULL;
      EbOverlap overlap = { 0 };
      gboolean both_exclusive;
      GPtrArray *found;

      if (other->id == session->id)
        continue;
      if (!eb_sessions_find_overlap (session, other, &overlap, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          continue;
        }

      /* Two exclusive roles at once break the rule; any other overlap is
       * only worth a warning. */
      both_exclusive = exclusive && eb_roster_role_is_exclusive (ps->entry->role);
      found = both_exclusive ? violations : warnings;
      if (found == NULL)
        continue;
      when = eb_service_format_utc (overlap.other_start);
      g_ptr_array_add (
          found,
          eb_violation_new (both_exclusive ? "exclusive-role-overlap" : "role-overlap", "person_id",
                            "person %" G_GINT64_FORMAT " is %s of session %" G_GINT64_FORMAT
                            " \"%s\", which overlaps at %s",
                            person_id, eb_roster_role_to_string (ps->entry->role), other->id,
                            other->title, when));
    }
  return TRUE;
}

/*
 * Re-checks every roster member of @session after its times changed.
 * Without @warnings only chairs and presenters matter.
 */
static gboolean
eb_service_check_roster_overlaps (EbService *self, const EbSession *session, GPtrArray *violations,
                                  GPtrArray *warnings, GError **error)
{
  g_autoptr (GPtrArray) roster = NULL;

  roster = eb_store_roster_list (self->store, session->id, error);
  if (roster == NULL)
    return FALSE;
  for (guint i = 0; i < roster->len; i++)
    {
      const EbRosterEntry *entry = g_ptr_array_index (roster, i);
      gboolean exclusive = eb_roster_role_is_exclusive (entry->role);

      if (!exclusive && warnings == NULL)
        continue;
      if (!eb_service_check_overlaps (self, session, entry->person_id, entry->role,
                                      warnings == NULL, violations, warnings, error))
        return FALSE;
    }
  return TRUE;
}

/* Adds `host-site-not-active` unless the host site exists and is active. */
static gboolean
eb_service_check_host_site (EbService *self, const EbSession *session, GPtrArray *violations,
                            GError **error)
{
  return eb_service_check_site_active (self, session->host_site_id, "host-site-not-active",
                                       "host_site_id", "host site", "", violations, error);
}

static gboolean
eb_recurrence_equal (const EbRecurrence *a, const EbRecurrence *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->frequency == b->frequency && a->interval == b->interval && a->count == b->count
         && a->until == b->until && a->last_weekday == b->last_weekday;
}

static gboolean
eb_session_times_equal (const EbSession *a, const EbSession *b)
{
  return a->start == b->start && a->duration_minutes == b->duration_minutes
         && g_strcmp0 (a->timezone, b->timezone) == 0
         && eb_recurrence_equal (a->recurrence, b->recurrence);
}

/* Whether the rule of @session (exceptions left aside) gives an
 * occurrence starting at @original_start. */
static gboolean
eb_session_rule_gives (const EbSession *session, gint64 original_start, gboolean *gives,
                       GError **error)
{
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  g_autoptr (GArray) occurrences = NULL;

  *gives = FALSE;
  occurrences = eb_occurrences_expand (session->start, session->duration_minutes, session->timezone,
                                       session->recurrence, none, original_start,
                                       original_start + 1, error);
  if (occurrences == NULL)
    return FALSE;
  for (guint i = 0; i < occurrences->len; i++)
    {
      if (g_array_index (occurrences, EbOccurrence, i).original_start == original_start)
        *gives = TRUE;
    }
  return TRUE;
}

/* Keeps the exceptions of @session that its (changed) rule still gives. */
static gboolean
eb_session_prune_exceptions (EbSession *session, GError **error)
{
  if (session->recurrence == NULL)
    {
      g_ptr_array_set_size (session->exceptions, 0);
      return TRUE;
    }
  for (guint i = session->exceptions->len; i > 0; i--)
    {
      const EbOccurrenceException *ex = g_ptr_array_index (session->exceptions, i - 1);
      gboolean gives;

      if (!eb_session_rule_gives (session, ex->original_start, &gives, error))
        return FALSE;
      if (!gives)
        g_ptr_array_remove_index (session->exceptions, i - 1);
    }
  return TRUE;
}

/* Only draft and scheduled sessions take changes to their times and
 * occurrences. */
static gboolean
eb_service_check_session_changeable (const EbSession *session, GError **error)
{
  if (session->state == EB_SESSION_STATE_DRAFT || session->state == EB_SESSION_STATE_SCHEDULED)
    return TRUE;
  g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
               "session %" G_GINT64_FORMAT " is %s; only draft and scheduled sessions change",
               session->id, eb_session_state_to_string (session->state));
  return FALSE;
}

/* How every change of a stored session ends: no violation collected, the
 * session written, the transaction committed. */
static gboolean
eb_service_commit_session (EbService *self, EbTransaction *tx, EbSession *session,
                           GPtrArray *violations, GError **error)
{
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return FALSE;
  if (!eb_store_session_update (self->store, session, error))
    return FALSE;
  return eb_transaction_commit (tx, error);
}

/**
 * eb_service_create_session:
 *
 * Returns: (transfer full): the stored session, in state draft
 */
EbSession *
eb_service_create_session (EbService *self, const EbPrincipal *who, const EbSession *input,
                           GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);

  if (!eb_service_require_write (who, "create sessions", error))
    return NULL;
  if (!eb_session_validate (input, error))
    return NULL;

  session = eb_session_copy (input);
  session->id = 0;
  session->version = 0;
  session->state = EB_SESSION_STATE_DRAFT;
  /* Exceptions are set occurrence by occurrence, once the session exists. */
  g_ptr_array_set_size (session->exceptions, 0);

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  if (!eb_service_check_host_site (self, session, violations, error))
    return NULL;
  if (!eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error))
    return NULL;
  if (!eb_store_session_insert (self->store, session, error))
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  return g_steal_pointer (&session);
}

/**
 * eb_service_get_session:
 *
 * Returns: (transfer full)
 */
EbSession *
eb_service_get_session (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  return eb_service_load_session (self, who, id, error);
}

/**
 * eb_service_list_sessions:
 * @filter: (nullable)
 *
 * Clinicians see only the sessions they are on the roster of.
 *
 * Returns: (transfer full) (element-type EbSession)
 */
GPtrArray *
eb_service_list_sessions (EbService *self, const EbPrincipal *who, const EbSessionFilter *filter,
                          const EbPage *page, guint *total, GError **error)
{
  EbSessionFilter own = { .from = 0, .to = 0, .state = -1, .person_id = 0, .host_site_id = 0 };

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (filter != NULL)
    own = *filter;
  if (!eb_service_reads_all_sessions (who))
    {
      /* A clinician sees their own sessions, and no one else's. */
      if (who->person_id <= 0 || (own.person_id != 0 && own.person_id != who->person_id))
        {
          if (total != NULL)
            *total = 0;
          return g_ptr_array_new_with_free_func ((GDestroyNotify)eb_session_free);
        }
      own.person_id = who->person_id;
    }
  return eb_store_session_list (self->store, &own, page, total, error);
}

/**
 * eb_service_update_session:
 * @desired: the session as it should be; its state and exceptions are
 *   ignored (see eb_service_transition_session() and
 *   eb_service_set_occurrence_exception())
 * @warnings: (out) (optional) (element-type EbViolation): overlaps of
 *   roster members that are not violations
 *
 * Returns: (transfer full): the stored session with its new version
 */
EbSession *
eb_service_update_session (EbService *self, const EbPrincipal *who, const EbSession *desired,
                           GPtrArray **warnings, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) current = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();
  g_autoptr (GPtrArray) found_warnings = eb_violations_new ();

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (desired != NULL, NULL);
  g_return_val_if_fail (warnings == NULL || *warnings == NULL, NULL);

  tx = eb_service_begin_write (self, who, "update sessions", error);
  if (tx == NULL)
    return NULL;
  current = eb_store_session_get (self->store, desired->id, error);
  if (!eb_service_check_found (current != NULL, "session", desired->id, error)
      || !eb_service_check_version ("session", current->id, current->version, desired->version,
                                    error)
      || !eb_service_check_session_changeable (current, error))
    return NULL;
  if (!eb_session_validate (desired, error))
    return NULL;

  session = eb_session_copy (desired);
  session->state = current->state;
  session->version = current->version;
  session->created_at = current->created_at;
  g_ptr_array_set_size (session->exceptions, 0);
  for (guint i = 0; i < current->exceptions->len; i++)
    g_ptr_array_add (session->exceptions,
                     eb_occurrence_exception_copy (g_ptr_array_index (current->exceptions, i)));

  if (session->host_site_id != current->host_site_id
      && !eb_service_check_host_site (self, session, violations, error))
    return NULL;
  if (!eb_session_times_equal (session, current))
    {
      if (!eb_session_prune_exceptions (session, error))
        return NULL;
      if (!eb_service_check_roster_overlaps (self, session, violations,
                                             warnings != NULL ? found_warnings : NULL, error))
        return NULL;
    }
  /* A scheduled session keeps its agenda within its duration. */
  if (session->duration_minutes != current->duration_minutes
      && session->state == EB_SESSION_STATE_SCHEDULED
      && !eb_service_check_schedule_rules (self, session, EB_SCHEDULE_RULE_AGENDA, violations,
                                           error))
    return NULL;
  if (!eb_service_commit_session (self, tx, session, violations, error))
    return NULL;
  if (warnings != NULL)
    *warnings = g_steal_pointer (&found_warnings);
  return g_steal_pointer (&session);
}

/**
 * eb_service_delete_session:
 * @expected_version: the version read, or 0 for no check
 */
gboolean
eb_service_delete_session (EbService *self, const EbPrincipal *who, EbId id,
                           gint64 expected_version, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) current = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  tx = eb_service_begin_write (self, who, "delete sessions", error);
  if (tx == NULL)
    return FALSE;
  current = eb_store_session_get (self->store, id, error);
  if (!eb_service_check_found (current != NULL, "session", id, error)
      || !eb_service_check_version ("session", id, current->version, expected_version, error))
    return FALSE;
  if (current->state != EB_SESSION_STATE_DRAFT && current->state != EB_SESSION_STATE_CANCELLED)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "session %" G_GINT64_FORMAT " is %s; only draft and cancelled sessions can "
                   "be deleted",
                   id, eb_session_state_to_string (current->state));
      return FALSE;
    }
  if (!eb_store_session_delete (self->store, id, error))
    return FALSE;
  return eb_transaction_commit (tx, error);
}

/* The rules a session must meet to be scheduled, all collected. */
gboolean
eb_service_check_schedule_rules (EbService *self, const EbSession *session, EbScheduleRules rules,
                                 GPtrArray *violations, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if ((rules & EB_SCHEDULE_RULE_CHAIR) != 0)
    {
      g_autoptr (GPtrArray) roster = NULL;
      gboolean has_chair = FALSE;

      roster = eb_store_roster_list (self->store, session->id, error);
      if (roster == NULL)
        return FALSE;
      for (guint i = 0; i < roster->len; i++)
        {
          const EbRosterEntry *entry = g_ptr_array_index (roster, i);
          if (entry->role == EB_ROSTER_ROLE_CHAIR)
            has_chair = TRUE;
        }
      if (!has_chair)
        g_ptr_array_add (violations, eb_violation_new ("schedule-requires-chair", "roster",
                                                       "session %" G_GINT64_FORMAT
                                                       " has no chair on its roster",
                                                       session->id));
    }

  if ((rules & EB_SCHEDULE_RULE_AGENDA) != 0)
    {
      gint minutes = eb_store_agenda_total_minutes (self->store, session->id, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (minutes > session->duration_minutes)
        g_ptr_array_add (violations,
                         eb_violation_new ("agenda-exceeds-duration", "duration_minutes",
                                           "the agenda takes %d minutes, more than the "
                                           "session's %d",
                                           minutes, session->duration_minutes));
    }
  return TRUE;
}

gboolean
eb_service_keep_schedule_rules (EbService *self, EbId session_id, EbScheduleRules rules,
                                GError **error)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  session = eb_store_session_get (self->store, session_id, error);
  if (!eb_service_check_found (session != NULL, "session", session_id, error))
    return FALSE;
  if (session->state != EB_SESSION_STATE_SCHEDULED && session->state != EB_SESSION_STATE_LIVE)
    return TRUE;
  if (!eb_service_check_schedule_rules (self, session, rules, violations, error))
    return FALSE;
  return eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error);
}

/**
 * eb_service_transition_session:
 * @expected_version: the version read, or 0 for no check
 *
 * Returns: (transfer full): the session in its new state
 */
EbSession *
eb_service_transition_session (EbService *self, const EbPrincipal *who, EbId id, EbSessionState to,
                               gint64 expected_version, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();
  EbSessionState from;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  /* Going live opens the conference (eb-service-live.c); ending closes
   * it, which takes time: eb_service_end_session_async(). */
  if (to == EB_SESSION_STATE_LIVE)
    return eb_service_start_session (self, who, id, expected_version, error);
  tx = eb_service_begin_write (self, who, "change the state of sessions", error);
  if (tx == NULL)
    return NULL;
  session = eb_store_session_get (self->store, id, error);
  if (!eb_service_check_found (session != NULL, "session", id, error)
      || !eb_service_check_version ("session", id, session->version, expected_version, error))
    return NULL;
  from = session->state;
  if (!eb_session_state_check_transition (from, to, error))
    return NULL;
  if (from == EB_SESSION_STATE_LIVE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "session %" G_GINT64_FORMAT " is live: end it to close its conference", id);
      return NULL;
    }
  if (to == EB_SESSION_STATE_SCHEDULED
      && !eb_service_check_schedule_rules (self, session, EB_SCHEDULE_RULES_ALL, violations, error))
    return NULL;

  session->state = to;
  if (!eb_service_commit_session (self, tx, session, violations, error))
    return NULL;
  g_info ("session %" G_GINT64_FORMAT " moved from %s to %s by token %" G_GINT64_FORMAT, id,
          eb_session_state_to_string (from), eb_session_state_to_string (to), who->token_id);
  return g_steal_pointer (&session);
}

/* Loads a session whose occurrences may still change. */
static EbSession *
eb_service_load_changeable_session (EbService *self, EbId id, GError **error)
{
  g_autoptr (EbSession) session = eb_store_session_get (self->store, id, error);

  if (!eb_service_check_found (session != NULL, "session", id, error)
      || !eb_service_check_session_changeable (session, error))
    return NULL;
  return g_steal_pointer (&session);
}

/* Drops the exception of the occurrence at @original_start, if any. */
static gboolean
eb_session_remove_exception (EbSession *session, gint64 original_start)
{
  for (guint i = 0; i < session->exceptions->len; i++)
    {
      const EbOccurrenceException *ex = g_ptr_array_index (session->exceptions, i);
      if (ex->original_start == original_start)
        {
          g_ptr_array_remove_index (session->exceptions, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* Checks the one occurrence of @session that starts at @start against the
 * other sessions of its chairs and presenters. */
static gboolean
eb_service_check_occurrence_overlaps (EbService *self, const EbSession *session, gint64 start,
                                      GPtrArray *violations, GError **error)
{
  g_autoptr (EbSession) occurrence = eb_session_copy (session);

  occurrence->start = start;
  g_clear_pointer (&occurrence->recurrence, eb_recurrence_free);
  g_ptr_array_set_size (occurrence->exceptions, 0);
  return eb_service_check_roster_overlaps (self, occurrence, violations, NULL, error);
}

/**
 * eb_service_set_occurrence_exception:
 * @original_start: an occurrence the rule gives
 * @cancelled: the occurrence does not take place
 * @new_start: when not @cancelled: where it moves to
 *
 * Replaces any earlier exception of that occurrence. A moved occurrence
 * is checked against the other sessions of the roster's chairs and
 * presenters.
 *
 * Returns: (transfer full): the session with its new exceptions
 */
EbSession *
eb_service_set_occurrence_exception (EbService *self, const EbPrincipal *who, EbId session_id,
                                     gint64 original_start, gboolean cancelled, gint64 new_start,
                                     GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();
  gboolean gives = FALSE;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_require_write (who, "change sessions", error))
    return NULL;
  if (!cancelled && new_start <= 0)
    {
      eb_set_invalid_field_error (error, "new_start",
                                  "new_start is required to move an occurrence");
      return NULL;
    }
  /* Beyond these an occurrence is no longer the same one, and far
   * instants have no place in a calendar. */
  if (!cancelled
      && (new_start < original_start - EB_SERVICE_MAX_MOVE
          || new_start > original_start + EB_SERVICE_MAX_MOVE
          || new_start >= EB_SERVICE_LAST_INSTANT))
    {
      eb_set_invalid_field_error (error, "new_start",
                                  "new_start must be within 366 days of original_start and "
                                  "before 2500-01-01");
      return NULL;
    }

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  session = eb_service_load_changeable_session (self, session_id, error);
  if (session == NULL)
    return NULL;
  if (session->recurrence != NULL
      && !eb_session_rule_gives (session, original_start, &gives, error))
    return NULL;
  if (!gives)
    {
      g_autofree char *when = eb_service_format_utc (original_start);

      g_ptr_array_add (violations,
                       session->recurrence == NULL
                           ? eb_violation_new ("not-an-occurrence", "original_start",
                                               "session %" G_GINT64_FORMAT
                                               " does not recur; it has no occurrence to change",
                                               session_id)
                           : eb_violation_new ("not-an-occurrence", "original_start",
                                               "session %" G_GINT64_FORMAT
                                               " has no occurrence starting at %s",
                                               session_id, when));
      eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error);
      return NULL;
    }

  eb_session_remove_exception (session, original_start);
  {
    guint at = 0;

    while (at < session->exceptions->len
           && ((const EbOccurrenceException *)g_ptr_array_index (session->exceptions, at))
                      ->original_start
                  < original_start)
      at++;
    g_ptr_array_insert (
        session->exceptions, at,
        eb_occurrence_exception_new (original_start, cancelled, cancelled ? 0 : new_start));
  }

  /* Only the moved occurrence is new: check it alone. */
  if (!cancelled
      && !eb_service_check_occurrence_overlaps (self, session, new_start, violations, error))
    return NULL;
  if (!eb_service_commit_session (self, tx, session, violations, error))
    return NULL;
  return g_steal_pointer (&session);
}

/**
 * eb_service_clear_occurrence_exception:
 *
 * Puts the occurrence back where the rule gives it: EB_ERROR_NOT_FOUND
 * when it has no exception.
 */
gboolean
eb_service_clear_occurrence_exception (EbService *self, const EbPrincipal *who, EbId session_id,
                                       gint64 original_start, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  tx = eb_service_begin_write (self, who, "change sessions", error);
  if (tx == NULL)
    return FALSE;
  session = eb_service_load_changeable_session (self, session_id, error);
  if (session == NULL)
    return FALSE;
  if (!eb_session_remove_exception (session, original_start))
    {
      g_autofree char *when = eb_service_format_utc (original_start);

      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "session %" G_GINT64_FORMAT " has no exception for the occurrence at %s",
                   session_id, when);
      return FALSE;
    }
  /* Putting an occurrence back may recreate an overlap the move avoided;
   * the chairs and presenters are checked for that occurrence. */
  if (!eb_service_check_occurrence_overlaps (self, session, original_start, violations, error))
    return FALSE;
  return eb_service_commit_session (self, tx, session, violations, error);
}

/**
 * eb_service_list_occurrences:
 * @from: window start, or 0 for the session's first start
 * @to: window end (exclusive), or 0 for a year after @from
 *
 * Returns: (transfer full) (element-type EbOccurrence)
 */
GArray *
eb_service_list_occurrences (EbService *self, const EbPrincipal *who, EbId session_id, gint64 from,
                             gint64 to, GError **error)
{
  g_autoptr (EbSession) session = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  session = eb_service_load_session (self, who, session_id, error);
  if (session == NULL)
    return NULL;
  if (from == 0)
    {
      gint64 first, last;
      eb_session_window (session, &first, &last);
      from = first;
    }
  if (to == 0)
    to = from + EB_SERVICE_DEFAULT_OCCURRENCE_WINDOW;
  if (to <= from || to - from > EB_SERVICE_MAX_OCCURRENCE_WINDOW)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "the window must end after it starts and span at most 10 years");
      return NULL;
    }
  return eb_occurrences_expand (session->start, session->duration_minutes, session->timezone,
                                session->recurrence, session->exceptions, from, to, error);
}
