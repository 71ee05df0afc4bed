/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

static const char *const token_read_only[] = {
  "id", "hint", "created_at", "revoked_at", "secret", NULL,
};

JsonNode *
eb_token_to_json (const EbToken *token, const char *secret)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, token->id);
  eb_json_add_id (builder, "person_id", token->person_id);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, eb_role_to_string (token->role));
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, token->label != NULL ? token->label : "");
  json_builder_set_member_name (builder, "hint");
  json_builder_add_string_value (builder, token->hint != NULL ? token->hint : "");
  eb_json_add_instant (builder, "created_at", token->created_at);
  eb_json_add_instant (builder, "expires_at", token->expires_at);
  eb_json_add_instant (builder, "revoked_at", token->revoked_at);
  if (secret != NULL)
    {
      json_builder_set_member_name (builder, "secret");
      json_builder_add_string_value (builder, secret);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
eb_token_input_from_json (JsonObject *object, EbTokenInput *input, GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  g_autofree char *role = NULL;

  eb_json_reader_set_read_only (reader, token_read_only);
  /* Only admin tokens may belong to nobody; the service says so. */
  eb_json_reader_id (reader, "person_id", EB_FIELD_NULLABLE, &input->person_id);
  if (eb_json_reader_string (reader, "role", EB_FIELD_REQUIRED, &role)
      && !eb_role_from_string (role, &input->role))
    eb_json_reader_invalid (reader, "role", "must be admin, coordinator, clinician or reviewer");
  eb_json_reader_string (reader, "label", EB_FIELD_REQUIRED, &input->label);
  eb_json_reader_instant (reader, "expires_at", EB_FIELD_NULLABLE, &input->expires_at);
  return eb_json_reader_finish (reader, error);
}

void
eb_token_input_clear (EbTokenInput *input)
{
  g_clear_pointer (&input->label, g_free);
}
