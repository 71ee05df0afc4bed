/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

static void
eb_codes_build (JsonBuilder *builder, const char *const *codes)
{
  json_builder_begin_array (builder);
  for (guint i = 0; codes != NULL && codes[i] != NULL; i++)
    json_builder_add_string_value (builder, codes[i]);
  json_builder_end_array (builder);
}

static void
eb_coverage_build (JsonBuilder *builder, const EbQuorumCoverage *coverage)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "specialty");
  json_builder_add_string_value (builder, coverage->specialty);
  json_builder_set_member_name (builder, "person_ids");
  json_builder_begin_array (builder);
  for (guint i = 0; coverage->person_ids != NULL && i < coverage->person_ids->len; i++)
    json_builder_add_int_value (builder, g_array_index (coverage->person_ids, gint64, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

JsonNode *
eb_quorum_report_to_json (EbId session_id, const char *const *required,
                          const EbQuorumReport *report)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session_id");
  json_builder_add_int_value (builder, session_id);
  json_builder_set_member_name (builder, "met");
  json_builder_add_boolean_value (builder, report->met);
  json_builder_set_member_name (builder, "required");
  eb_codes_build (builder, required);
  json_builder_set_member_name (builder, "covered");
  json_builder_begin_array (builder);
  for (guint i = 0; report->covered != NULL && i < report->covered->len; i++)
    eb_coverage_build (builder, g_ptr_array_index (report->covered, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "missing");
  eb_codes_build (builder, (const char *const *)report->missing);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
