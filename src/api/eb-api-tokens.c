/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <string.h>

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"

/* Tokens carry no version: their answers have no ETag. */

static JsonNode *
eb_token_encode (gconstpointer token)
{
  return eb_token_to_json (token, NULL);
}

void
eb_api_tokens_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) tokens = NULL;
  g_autoptr (GError) error = NULL;
  EbId person_id;
  EbPage page;
  guint total = 0;

  if (!eb_api_read_page (req, &page) || !eb_api_query_id (req, "person_id", &person_id))
    return;
  tokens = eb_service_list_tokens (req->service, &req->principal, person_id, &page, &total, &error);
  if (tokens == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_list (req, tokens, eb_token_encode, total, &page);
}

void
eb_api_tokens_create (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = eb_api_read_object (req);
  g_auto (EbTokenInput) input = { 0 };
  g_autoptr (EbToken) token = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;

  if (body == NULL)
    return;
  input.role = EB_ROLE_CLINICIAN;
  if (!eb_token_input_from_json (body, &input, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  token = eb_service_create_token (req->service, &req->principal, input.person_id, input.role,
                                   input.label, input.expires_at, &secret, &error);
  if (token == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_set_location (req, "/api/v1/tokens/%" G_GINT64_FORMAT, token->id);
  eb_api_reply_json (req, SOUP_STATUS_CREATED, eb_token_to_json (token, secret));
  explicit_bzero (secret, strlen (secret));
}

void
eb_api_token_get (EbApiRequest *req)
{
  g_autoptr (EbToken) token = NULL;
  g_autoptr (GError) error = NULL;

  token = eb_service_get_token (req->service, &req->principal, req->ids[0], &error);
  if (token == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_json (req, SOUP_STATUS_OK, eb_token_to_json (token, NULL));
}

void
eb_api_token_delete (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;

  if (!eb_service_revoke_token (req->service, &req->principal, req->ids[0], &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}
