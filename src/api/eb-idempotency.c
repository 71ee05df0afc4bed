/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <string.h>

#include "eb-idempotency-private.h"

#define EB_IDEMPOTENCY_KEY_MAX 255

static gboolean
eb_idempotency_key_is_valid (const char *key)
{
  gsize len = strlen (key);

  if (len == 0 || len > EB_IDEMPOTENCY_KEY_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (key[i] < 0x20 || key[i] > 0x7e)
        return FALSE;
    }
  return TRUE;
}

/* Hex SHA-256 of the method, the path and the body. */
static char *
eb_idempotency_request_hash (EbApiRequest *req)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GBytes) body = eb_api_request_body (req);
  gsize size = 0;
  const guchar *data = g_bytes_get_data (body, &size);

  g_checksum_update (checksum, (const guchar *)req->method, -1);
  g_checksum_update (checksum, (const guchar *)"\n", 1);
  g_checksum_update (checksum, (const guchar *)req->path, -1);
  g_checksum_update (checksum, (const guchar *)"\n", 1);
  if (size > 0)
    g_checksum_update (checksum, data, size);
  return g_strdup (g_checksum_get_string (checksum));
}

/* The version of a remembered object ({"version"} or, for roster writes,
 * {"entry": {"version"}}), or 0. */
static gint64
eb_idempotency_body_version (GBytes *body)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonObject *object;

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return 0;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return 0;
  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (object, "entry")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "entry")))
    object = json_object_get_object_member (object, "entry");
  if (!json_object_has_member (object, "version"))
    return 0;
  return json_object_get_int_member (object, "version");
}

static void
eb_idempotency_replay (EbApiRequest *req, const EbIdempotentReply *reply)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (reply->body, &size);
  gint64 version = eb_idempotency_body_version (reply->body);

  if (reply->location != NULL)
    eb_api_set_header (req, "Location", reply->location);
  if (version > 0)
    {
      g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);

      eb_api_set_header (req, "ETag", etag);
    }
  soup_server_message_set_status (req->msg, reply->status, NULL);
  soup_server_message_set_response (req->msg, reply->content_type, SOUP_MEMORY_COPY, data, size);
}

static void
eb_idempotency_refuse_reuse (EbApiRequest *req)
{
  g_autoptr (GPtrArray) violations
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);

  g_ptr_array_add (violations,
                   eb_violation_new ("idempotency-key-reused", "Idempotency-Key",
                                     "this Idempotency-Key was used for a different request"));
  eb_api_reply_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                        "this Idempotency-Key was used for a different request", violations);
}

/* (transfer full): the answer body without its `secret` member. */
static GBytes *
eb_idempotency_redact (GBytes *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode *root;
  char *text;

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return g_bytes_new (NULL, 0);
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_OBJECT (root))
    json_object_remove_member (json_node_get_object (root), "secret");
  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/*
 * The handler's answer could not be remembered: a retry with the key
 * would run the create again, so the client must not take the answer for
 * a replayable one. It gets a 500 problem naming what was created (the
 * Location), and the failure goes to the log.
 */
static void
eb_idempotency_refuse_unremembered (EbApiRequest *req, const GError *error)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  g_autofree char *location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  g_autofree char *detail = NULL;

  g_warning ("%s %s: the request succeeded (status %u) but its answer could not be remembered "
             "for its Idempotency-Key: %s",
             req->method, req->path, soup_server_message_get_status (req->msg), error->message);
  soup_message_headers_remove (headers, "Location");
  soup_message_headers_remove (headers, "ETag");
  /* setting a response appends to the body already set */
  soup_message_body_truncate (soup_server_message_get_response_body (req->msg));
  if (location != NULL)
    detail
        = g_strdup_printf ("the request was carried out (result: %s) but its answer could not be "
                           "remembered for the Idempotency-Key: do not retry it with this key",
                           location);
  else
    detail = g_strdup ("the request was carried out but its answer could not be remembered for "
                       "the Idempotency-Key: do not retry it with this key");
  eb_api_reply_problem (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, detail, NULL);
}

static void
eb_idempotency_remember (EbApiRequest *req, const char *key, char *request_hash, gboolean secret)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  g_autoptr (EbIdempotentReply) reply = g_new0 (EbIdempotentReply, 1);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  body = soup_message_body_flatten (soup_server_message_get_response_body (req->msg));
  reply->request_hash = request_hash;
  reply->status = soup_server_message_get_status (req->msg);
  reply->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  reply->body = secret ? eb_idempotency_redact (body) : g_bytes_ref (body);
  if (!eb_service_idempotency_put (req->service, &req->principal, key, reply, &error))
    eb_idempotency_refuse_unremembered (req, error);
}

void
eb_idempotency_run (EbApiRequest *req, EbApiHandler handler, gboolean secret)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr (EbIdempotentReply) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *request_hash = NULL;
  guint status;

  if (key == NULL)
    {
      handler (req);
      return;
    }
  if (!eb_idempotency_key_is_valid (key))
    {
      eb_api_reply_invalid (req, "Idempotency-Key",
                            "Idempotency-Key must be 1 to %d printable ASCII characters",
                            EB_IDEMPOTENCY_KEY_MAX);
      return;
    }

  request_hash = eb_idempotency_request_hash (req);
  reply = eb_service_idempotency_get (req->service, &req->principal, key, &error);
  if (error != NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  if (reply != NULL)
    {
      if (g_strcmp0 (reply->request_hash, request_hash) == 0)
        eb_idempotency_replay (req, reply);
      else
        eb_idempotency_refuse_reuse (req);
      return;
    }

  handler (req);
  status = soup_server_message_get_status (req->msg);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    eb_idempotency_remember (req, key, g_steal_pointer (&request_hash), secret);
}
