/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-agenda.h>
#include <eboard/eb-deid.h>
#include <eboard/eb-error.h>

static const char *const case_kind_names[] = {
  [EB_CASE_KIND_PROSPECTIVE] = "prospective",
  [EB_CASE_KIND_RETROSPECTIVE] = "retrospective",
};

static const char *const case_status_names[] = {
  [EB_CASE_STATUS_PENDING] = "pending",
  [EB_CASE_STATUS_DISCUSSING] = "discussing",
  [EB_CASE_STATUS_DISCUSSED] = "discussed",
  [EB_CASE_STATUS_DEFERRED] = "deferred",
};

/**
 * eb_case_kind_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @kind, or %NULL
 *   for a value outside the enumeration
 */
const char *
eb_case_kind_to_string (EbCaseKind kind)
{
  if ((guint)kind >= G_N_ELEMENTS (case_kind_names))
    return NULL;
  return case_kind_names[kind];
}

gboolean
eb_case_kind_from_string (const char *text, EbCaseKind *kind)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (case_kind_names); i++)
    {
      if (g_strcmp0 (text, case_kind_names[i]) == 0)
        {
          if (kind != NULL)
            *kind = (EbCaseKind)i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * eb_case_status_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @status, or %NULL
 *   for a value outside the enumeration
 */
const char *
eb_case_status_to_string (EbCaseStatus status)
{
  if ((guint)status >= G_N_ELEMENTS (case_status_names))
    return NULL;
  return case_status_names[status];
}

gboolean
eb_case_status_from_string (const char *text, EbCaseStatus *status)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (case_status_names); i++)
    {
      if (g_strcmp0 (text, case_status_names[i]) == 0)
        {
          if (status != NULL)
            *status = (EbCaseStatus)i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * eb_agenda_item_new:
 *
 * Returns: (transfer full): a pending prospective case with no other field
 *   set
 */
EbAgendaItem *
eb_agenda_item_new (void)
{
  EbAgendaItem *item = g_new0 (EbAgendaItem, 1);

  item->kind = EB_CASE_KIND_PROSPECTIVE;
  item->status = EB_CASE_STATUS_PENDING;
  return item;
}

/**
 * eb_agenda_item_copy:
 *
 * Returns: (transfer full): a deep copy of @item
 */
EbAgendaItem *
eb_agenda_item_copy (const EbAgendaItem *item)
{
  EbAgendaItem *copy;

  g_return_val_if_fail (item != NULL, NULL);

  copy = g_new0 (EbAgendaItem, 1);
  *copy = *item;
  copy->summary = g_strdup (item->summary);
  copy->question = g_strdup (item->question);
  copy->recommendation = g_strdup (item->recommendation);
  return copy;
}

void
eb_agenda_item_free (EbAgendaItem *item)
{
  if (item == NULL)
    return;
  g_free (item->summary);
  g_free (item->question);
  g_free (item->recommendation);
  g_free (item);
}

static void
eb_agenda_check_text (GPtrArray *violations, const char *field, const char *value, glong max_chars)
{
  g_autofree char *trimmed = NULL;

  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    {
      g_ptr_array_add (violations, eb_violation_new ("invalid-field", field,
                                                     "%s must be UTF-8 text of 1 to %ld characters",
                                                     field, max_chars));
      return;
    }
  trimmed = g_strstrip (g_strdup (value));
  if (trimmed[0] == '\0' || g_utf8_strlen (value, -1) > max_chars)
    g_ptr_array_add (violations, eb_violation_new ("invalid-field", field,
                                                   "%s must be 1 to %ld characters, not blank",
                                                   field, max_chars));
}

static void
eb_agenda_check_deid (GPtrArray *violations, const char *field, const char *value)
{
  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return;
  /* Takes the violations over and releases the emptied array. */
  g_ptr_array_extend_and_steal (violations, eb_deid_check (field, value));
}

/**
 * eb_agenda_item_validate:
 *
 * Checks the presenting site and presenter (set), the summary (1..4000
 * characters), the question (1..1000 characters) and the minutes
 * (1..240), and runs the de-identification guard on the summary, the
 * question and the recommendation.
 *
 * Returns: %TRUE when valid; otherwise sets an error carrying every
 *   problem as a violation: EB_ERROR_INVALID when a field is malformed,
 *   EB_ERROR_RULE_VIOLATED when the only problems are `deid-*` rules
 */
gboolean
eb_agenda_item_validate (const EbAgendaItem *item, GError **error)
{
  g_autoptr (GPtrArray) violations
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);
  gboolean malformed;
  GError *failure;

  g_return_val_if_fail (item != NULL, FALSE);

  if (item->presenting_site_id <= 0)
    g_ptr_array_add (violations, eb_violation_new ("invalid-field", "presenting_site_id",
                                                   "presenting_site_id must be set"));
  if (item->presenter_id <= 0)
    g_ptr_array_add (
        violations, eb_violation_new ("invalid-field", "presenter_id", "presenter_id must be set"));
  eb_agenda_check_text (violations, "summary", item->summary, 4000);
  eb_agenda_check_text (violations, "question", item->question, 1000);
  if (item->minutes < 1 || item->minutes > 240)
    g_ptr_array_add (violations,
                     eb_violation_new ("invalid-field", "minutes", "minutes must be 1 to 240"));
  if (eb_case_kind_to_string (item->kind) == NULL)
    g_ptr_array_add (violations,
                     eb_violation_new ("invalid-field", "kind", "kind is not a case kind"));
  if (eb_case_status_to_string (item->status) == NULL)
    g_ptr_array_add (violations,
                     eb_violation_new ("invalid-field", "status", "status is not a case status"));
  if (item->recommendation != NULL && !g_utf8_validate (item->recommendation, -1, NULL))
    g_ptr_array_add (violations, eb_violation_new ("invalid-field", "recommendation",
                                                   "recommendation must be UTF-8 text"));

  malformed = violations->len > 0;

  eb_agenda_check_deid (violations, "summary", item->summary);
  eb_agenda_check_deid (violations, "question", item->question);
  eb_agenda_check_deid (violations, "recommendation", item->recommendation);

  if (violations->len == 0)
    return TRUE;
  failure = eb_error_new_violations (violations);
  if (malformed)
    failure->code = EB_ERROR_INVALID;
  g_propagate_error (error, failure);
  return FALSE;
}
