/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-session.h>

#include "eb-enum-private.h"
#include "eb-validate-private.h"

static const char *const session_state_names[] = {
  [EB_SESSION_STATE_DRAFT] = "draft",       [EB_SESSION_STATE_SCHEDULED] = "scheduled",
  [EB_SESSION_STATE_LIVE] = "live",         [EB_SESSION_STATE_ENDED] = "ended",
  [EB_SESSION_STATE_ARCHIVED] = "archived", [EB_SESSION_STATE_CANCELLED] = "cancelled",
};

/**
 * eb_session_state_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @state, or %NULL
 *   for a value outside the enumeration
 */
/**
 * eb_session_state_from_string:
 * @text: (nullable): an API name
 * @state: (out) (optional): the state it names
 *
 * Returns: whether @text names a session state
 */
EB_DEFINE_ENUM_NAMES (EbSessionState, eb_session_state, session_state_names)

/**
 * eb_session_state_can_transition:
 *
 * draft -> scheduled -> live -> ended -> archived; a scheduled session may
 * go back to draft; draft and scheduled sessions may be cancelled. Staying
 * in the same state is not a transition.
 */
gboolean
eb_session_state_can_transition (EbSessionState from, EbSessionState to)
{
  switch (from)
    {
      case EB_SESSION_STATE_DRAFT:
        return to == EB_SESSION_STATE_SCHEDULED || to == EB_SESSION_STATE_CANCELLED;
      case EB_SESSION_STATE_SCHEDULED:
        return to == EB_SESSION_STATE_DRAFT || to == EB_SESSION_STATE_CANCELLED
               || to == EB_SESSION_STATE_LIVE;
      case EB_SESSION_STATE_LIVE:
        return to == EB_SESSION_STATE_ENDED;
      case EB_SESSION_STATE_ENDED:
        return to == EB_SESSION_STATE_ARCHIVED;
      case EB_SESSION_STATE_ARCHIVED:
      case EB_SESSION_STATE_CANCELLED:
      default:
        return FALSE;
    }
}

gboolean
eb_session_state_check_transition (EbSessionState from, EbSessionState to, GError **error)
{
  const char *from_name = eb_session_state_to_string (from);
  const char *to_name = eb_session_state_to_string (to);

  if (eb_session_state_can_transition (from, to))
    return TRUE;
  g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "cannot move a session from %s to %s",
               from_name != NULL ? from_name : "an unknown state",
               to_name != NULL ? to_name : "an unknown state");
  return FALSE;
}

/**
 * eb_session_new:
 *
 * Returns: (transfer full): a draft session without recurrence and with an
 *   empty exceptions list
 */
EbSession *
eb_session_new (void)
{
  EbSession *session = g_new0 (EbSession, 1);

  session->state = EB_SESSION_STATE_DRAFT;
  session->exceptions
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_occurrence_exception_free);
  return session;
}

/**
 * eb_session_copy:
 *
 * Returns: (transfer full): a deep copy of @session, its recurrence and
 *   its exceptions included
 */
EbSession *
eb_session_copy (const EbSession *session)
{
  EbSession *copy;

  g_return_val_if_fail (session != NULL, NULL);

  copy = g_new0 (EbSession, 1);
  *copy = *session;
  copy->title = g_strdup (session->title);
  copy->focus = g_strdup (session->focus);
  copy->timezone = g_strdup (session->timezone);
  copy->recurrence = session->recurrence != NULL ? eb_recurrence_copy (session->recurrence) : NULL;
  copy->exceptions = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_occurrence_exception_free);
  if (session->exceptions != NULL)
    {
      for (guint i = 0; i < session->exceptions->len; i++)
        g_ptr_array_add (copy->exceptions,
                         eb_occurrence_exception_copy (g_ptr_array_index (session->exceptions, i)));
    }
  return copy;
}

void
eb_session_free (EbSession *session)
{
  if (session == NULL)
    return;
  g_free (session->title);
  g_free (session->focus);
  g_free (session->timezone);
  g_clear_pointer (&session->recurrence, eb_recurrence_free);
  g_clear_pointer (&session->exceptions, g_ptr_array_unref);
  g_free (session);
}

/**
 * eb_session_validate:
 *
 * Checks the title (1..200 characters, not blank), the focus (at most 200
 * characters; neither with control characters), the host site and start
 * (set), the duration (1..1440 minutes), the time zone (a known IANA zone)
 * and the recurrence rule (interval 1..52, count not negative, until not
 * before the start).
 *
 * Returns: %TRUE when valid; otherwise sets an EB_ERROR_INVALID error that
 *   carries one `invalid-field` violation per problem
 */
gboolean
eb_session_validate (const EbSession *session, GError **error)
{
  g_autoptr (GPtrArray) violations = eb_violations_new ();
  const EbRecurrence *rule = session != NULL ? session->recurrence : NULL;

  g_return_val_if_fail (session != NULL, FALSE);

  eb_violations_check_required_text (violations, "title", session->title, 200);
  eb_violations_check_optional_text (violations, "focus", session->focus, 200);
  eb_violations_check_set (violations, "host_site_id", session->host_site_id);
  eb_violations_check_set (violations, "start", session->start);
  eb_violations_check_range (violations, "duration_minutes", session->duration_minutes, 1, 1440);
  eb_violations_check_timezone (violations, "timezone", session->timezone);
  if (rule != NULL)
    {
      if (rule->frequency != EB_RECURRENCE_WEEKLY
          && rule->frequency != EB_RECURRENCE_MONTHLY_BY_WEEKDAY)
        eb_violations_add_invalid_field (violations, "recurrence.frequency",
                                         "recurrence.frequency must be weekly or monthly");
      eb_violations_check_range (violations, "recurrence.interval", rule->interval, 1, 52);
      if (rule->count < 0)
        eb_violations_add_invalid_field (violations, "recurrence.count",
                                         "recurrence.count must not be negative");
      if (rule->until != 0 && rule->until < session->start)
        eb_violations_add_invalid_field (violations, "recurrence.until",
                                         "recurrence.until must not be before start");
      if (rule->last_weekday && rule->frequency != EB_RECURRENCE_MONTHLY_BY_WEEKDAY)
        eb_violations_add_invalid_field (violations, "recurrence.last_weekday",
                                         "recurrence.last_weekday applies to monthly rules only");
    }

  if (rule != NULL && rule->count > 0 && rule->until != 0)
    eb_violations_add_invalid_field (violations, "recurrence",
                                     "recurrence takes count or until, not both");
  /* The rest (a last weekday that is not the month's last, a start libical
   * cannot expand) is known only to the rule builder: ask it. */
  if (violations->len == 0 && rule != NULL)
    {
      g_autoptr (GError) rule_error = NULL;
      g_autofree char *rrule
          = eb_recurrence_to_rrule (rule, session->start, session->timezone, &rule_error);

      if (rrule == NULL)
        eb_violations_add_invalid_field (violations, "recurrence", "%s", rule_error->message);
    }

  return eb_violations_check_none (violations, EB_ERROR_INVALID, error);
}
