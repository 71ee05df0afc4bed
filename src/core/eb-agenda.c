/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-agenda.h>
#include <eboard/eb-deid.h>
#include <eboard/eb-error.h>

#include "eb-enum-private.h"
#include "eb-validate-private.h"

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
/**
 * eb_case_kind_from_string:
 * @text: (nullable): an API name
 * @kind: (out) (optional): the kind it names
 *
 * Returns: whether @text names a case kind
 */
EB_DEFINE_ENUM_NAMES (EbCaseKind, eb_case_kind, case_kind_names)

/**
 * eb_case_status_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @status, or %NULL
 *   for a value outside the enumeration
 */
/**
 * eb_case_status_from_string:
 * @text: (nullable): an API name
 * @status: (out) (optional): the status it names
 *
 * Returns: whether @text names a case status
 */
EB_DEFINE_ENUM_NAMES (EbCaseStatus, eb_case_status, case_status_names)

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
 * (1..240), refuses control characters other than line feeds and tabs in
 * the summary, the question and the recommendation, and runs the
 * de-identification guard on them.
 *
 * Returns: %TRUE when valid; otherwise sets an error carrying every
 *   problem as a violation: EB_ERROR_INVALID when a field is malformed,
 *   EB_ERROR_RULE_VIOLATED when the only problems are `deid-*` rules
 */
gboolean
eb_agenda_item_validate (const EbAgendaItem *item, GError **error)
{
  g_autoptr (GPtrArray) violations = eb_violations_new ();
  gboolean malformed;

  g_return_val_if_fail (item != NULL, FALSE);

  eb_violations_check_set (violations, "presenting_site_id", item->presenting_site_id);
  eb_violations_check_set (violations, "presenter_id", item->presenter_id);
  eb_violations_check_required_long_text (violations, "summary", item->summary, 4000);
  eb_violations_check_required_long_text (violations, "question", item->question, 1000);
  eb_violations_check_range (violations, "minutes", item->minutes, 1, 240);
  eb_violations_check_enum (violations, "kind", eb_case_kind_to_string (item->kind), "a case kind");
  eb_violations_check_enum (violations, "status", eb_case_status_to_string (item->status),
                            "a case status");
  if (item->recommendation != NULL && !g_utf8_validate (item->recommendation, -1, NULL))
    eb_violations_add_invalid_field (violations, "recommendation",
                                     "recommendation must be UTF-8 text");
  eb_violations_check_controls (violations, "recommendation", item->recommendation, TRUE);

  malformed = violations->len > 0;

  eb_agenda_check_deid (violations, "summary", item->summary);
  eb_agenda_check_deid (violations, "question", item->question);
  eb_agenda_check_deid (violations, "recommendation", item->recommendation);

  return eb_violations_check_none (violations,
                                   malformed ? EB_ERROR_INVALID : EB_ERROR_RULE_VIOLATED, error);
}
