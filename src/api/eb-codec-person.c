/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

static const char *const person_read_only[] = {
  "id", "version", "created_at", "updated_at", NULL,
};

JsonNode *
eb_person_to_json (const EbPerson *person)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, person->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, person->name);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, person->email);
  json_builder_set_member_name (builder, "specialty");
  json_builder_add_string_value (builder, person->specialty);
  eb_json_add_id (builder, "home_site_id", person->home_site_id);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, person->active);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, person->version);
  eb_json_add_instant (builder, "created_at", person->created_at);
  eb_json_add_instant (builder, "updated_at", person->updated_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
eb_person_from_json (JsonObject *object, EbPerson *person, gboolean create, GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  EbFieldFlags required = create ? EB_FIELD_REQUIRED : EB_FIELD_OPTIONAL;

  eb_json_reader_set_read_only (reader, person_read_only);
  eb_json_reader_string (reader, "name", required, &person->name);
  eb_json_reader_string (reader, "email", required, &person->email);
  eb_json_reader_string (reader, "specialty", required, &person->specialty);
  eb_json_reader_id (reader, "home_site_id", required, &person->home_site_id);
  eb_json_reader_bool (reader, "active", EB_FIELD_OPTIONAL, &person->active);
  return eb_json_reader_finish (reader, error);
}
