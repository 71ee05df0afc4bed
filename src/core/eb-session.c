/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-session.h>

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
const char *
eb_session_state_to_string (EbSessionState state)
{
  if ((guint)state >= G_N_ELEMENTS (session_state_names))
    return NULL;
  return session_state_names[state];
}

gboolean
eb_session_state_from_string (const char *text, EbSessionState *state)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (session_state_names); i++)
    {
      if (g_strcmp0 (text, session_state_names[i]) == 0)
        {
          if (state != NULL)
            *state = (EbSessionState)i;
          return TRUE;
        }
    }
  return FALSE;
}

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

static void
eb_session_check_text (GPtrArray *violations, const char *field, const char *value, glong min_chars,
                       glong max_chars)
{
  g_autofree char *trimmed = NULL;

  if (value == NULL && min_chars == 0)
    return;
  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    {
      g_ptr_array_add (violations,
                       eb_violation_new ("invalid-field", field,
                                         "%s must be UTF-8 text of %ld to %ld characters", field,
                                         min_chars, max_chars));
      return;
    }
  trimmed = g_strstrip (g_strdup (value));
  if ((min_chars > 0 && trimmed[0] == '\0') || g_utf8_strlen (value, -1) > max_chars)
    g_ptr_array_add (violations,
                     eb_violation_new ("invalid-field", field, "%s must be %ld to %ld characters%s",
                                       field, min_chars, max_chars,
                                       min_chars > 0 ? ", not blank" : ""));
}

/**
 * eb_session_validate:
 *
 * Checks the title (1..200 characters, not blank), the focus (at most 200
 * characters), the host site and start (set), the duration (1..1440
 * minutes), the time zone (a known IANA zone) and the recurrence rule
 * (interval 1..52, count not negative, until not before the start).
 *
 * Returns: %TRUE when valid; otherwise sets an EB_ERROR_INVALID error that
 *   carries one `invalid-field` violation per problem
 */
gboolean
eb_session_validate (const EbSession *session, GError **error)
{
  g_autoptr (GPtrArray) violations
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);
  const EbRecurrence *rule = session != NULL ? session->recurrence : NULL;
  GError *invalid;

  g_return_val_if_fail (session != NULL, FALSE);

  eb_session_check_text (violations, "title", session->title, 1, 200);
  eb_session_check_text (violations, "focus", session->focus, 0, 200);
  if (session->host_site_id <= 0)
    g_ptr_array_add (
        violations, eb_violation_new ("invalid-field", "host_site_id", "host_site_id must be set"));
  if (session->start <= 0)
    g_ptr_array_add (violations, eb_violation_new ("invalid-field", "start", "start must be set"));
  if (session->duration_minutes < 1 || session->duration_minutes > 1440)
    g_ptr_array_add (violations, eb_violation_new ("invalid-field", "duration_minutes",
                                                   "duration_minutes must be 1 to 1440"));
  if (session->timezone == NULL || !eb_timezone_is_valid (session->timezone))
    g_ptr_array_add (violations, eb_violation_new ("invalid-field", "timezone",
                                                   "timezone must be a known IANA time zone"));
  if (rule != NULL)
    {
      if (rule->frequency != EB_RECURRENCE_WEEKLY
          && rule->frequency != EB_RECURRENCE_MONTHLY_BY_WEEKDAY)
        g_ptr_array_add (violations,
                         eb_violation_new ("invalid-field", "recurrence.frequency",
                                           "recurrence.frequency must be weekly or monthly"));
      if (rule->interval < 1 || rule->interval > 52)
        g_ptr_array_add (violations, eb_violation_new ("invalid-field", "recurrence.interval",
                                                       "recurrence.interval must be 1 to 52"));
      if (rule->count < 0)
        g_ptr_array_add (violations, eb_violation_new ("invalid-field", "recurrence.count",
                                                       "recurrence.count must not be negative"));
      if (rule->until != 0 && rule->until < session->start)
        g_ptr_array_add (violations,
                         eb_violation_new ("invalid-field", "recurrence.until",
                                           "recurrence.until must not be before start"));
      if (rule->last_weekday && rule->frequency != EB_RECURRENCE_MONTHLY_BY_WEEKDAY)
        g_ptr_array_add (
            violations, eb_violation_new ("invalid-field", "recurrence.last_weekday",
                                          "recurrence.last_weekday applies to monthly rules only"));
    }

  if (rule != NULL && rule->count > 0 && rule->until != 0)
    g_ptr_array_add (violations, eb_violation_new ("invalid-field", "recurrence",
                                                   "recurrence takes count or until, not both"));
  /* The rest (a last weekday that is not the month's last, a start libical
   * cannot expand) is known only to the rule builder: ask it. */
  if (violations->len == 0 && rule != NULL)
    {
      g_autoptr (GError) rule_error = NULL;
      g_autofree char *rrule
          = eb_recurrence_to_rrule (rule, session->start, session->timezone, &rule_error);

      if (rrule == NULL)
        g_ptr_array_add (violations, eb_violation_new ("invalid-field", "recurrence", "%s",
                                                       rule_error->message));
    }

  if (violations->len == 0)
    return TRUE;
  invalid = eb_error_new_violations (violations);
  invalid->code = EB_ERROR_INVALID;
  g_propagate_error (error, invalid);
  return FALSE;
}
