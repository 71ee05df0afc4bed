/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

static const char *const site_read_only[] = {
  "id", "version", "created_at", "updated_at", NULL,
};

JsonNode *
eb_site_to_json (const EbSite *site)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, site->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, site->name);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, site->code);
  json_builder_set_member_name (builder, "timezone");
  json_builder_add_string_value (builder, site->timezone);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, eb_site_status_to_string (site->status));
  json_builder_set_member_name (builder, "is_hub");
  json_builder_add_boolean_value (builder, site->is_hub);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, site->version);
  eb_json_add_instant (builder, "created_at", site->created_at);
  eb_json_add_instant (builder, "updated_at", site->updated_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
eb_site_from_json (JsonObject *object, EbSite *site, gboolean create, GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  EbFieldFlags required = create ? EB_FIELD_REQUIRED : EB_FIELD_OPTIONAL;
  g_autofree char *status = NULL;

  eb_json_reader_set_read_only (reader, site_read_only);
  eb_json_reader_string (reader, "name", required, &site->name);
  eb_json_reader_string (reader, "code", required, &site->code);
  eb_json_reader_string (reader, "timezone", required, &site->timezone);
  if (eb_json_reader_string (reader, "status", EB_FIELD_OPTIONAL, &status)
      && !eb_site_status_from_string (status, &site->status))
    eb_json_reader_invalid (reader, "status",
                            "must be applicant, vetted, active, suspended or withdrawn");
  eb_json_reader_bool (reader, "is_hub", EB_FIELD_OPTIONAL, &site->is_hub);
  return eb_json_reader_finish (reader, error);
}
