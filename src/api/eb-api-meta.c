/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <eboard/eb-specialty.h>

#include "eb-api-handlers-private.h"
#include "eb-json-codec-private.h"

void
eb_api_health_get (EbApiRequest *req)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, EB_VERSION);
  json_builder_end_object (builder);
  eb_api_reply_json (req, SOUP_STATUS_OK, json_builder_get_root (builder));
}

void
eb_api_openapi_get (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  if (req->settings->openapi_path == NULL)
    {
      eb_api_reply_problem (req, SOUP_STATUS_NOT_FOUND, "this server has no openapi.yaml", NULL);
      return;
    }
  if (!g_file_get_contents (req->settings->openapi_path, &contents, NULL, &error))
    {
      g_warning ("cannot read %s: %s", req->settings->openapi_path, error->message);
      eb_api_reply_problem (req, SOUP_STATUS_NOT_FOUND, "this server has no openapi.yaml", NULL);
      return;
    }
  eb_api_reply_text (req, SOUP_STATUS_OK, "application/yaml", contents);
}

void
eb_api_specialties_get (EbApiRequest *req)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  const char *const *quorum = eb_service_get_required_specialties (req->service);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (const EbSpecialty *s = eb_specialty_list (); s->code != NULL; s++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, s->code);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, s->label);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "quorum");
  json_builder_begin_array (builder);
  for (guint i = 0; quorum != NULL && quorum[i] != NULL; i++)
    json_builder_add_string_value (builder, quorum[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  eb_api_reply_json (req, SOUP_STATUS_OK, json_builder_get_root (builder));
}

void
eb_api_whoami_get (EbApiRequest *req)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token_id");
  json_builder_add_int_value (builder, req->principal.token_id);
  eb_json_add_id (builder, "person_id", req->principal.person_id);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, eb_role_to_string (req->principal.role));
  json_builder_end_object (builder);
  eb_api_reply_json (req, SOUP_STATUS_OK, json_builder_get_root (builder));
}
