/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "eb-api-request-private.h"
#include "eb-json-codec-private.h"
#include "eb-problem-private.h"

#define EB_JSON_CONTENT_TYPE "application/json"

/* --- answers --- */

static void
eb_api_reply_node (EbApiRequest *req, guint status, const char *content_type, JsonNode *node)
{
  g_autoptr (JsonNode) owned = node;
  char *text = json_to_string (owned, FALSE);

  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_TAKE, text, strlen (text));
}

void
eb_api_reply_json (EbApiRequest *req, guint status, JsonNode *node)
{
  eb_api_reply_node (req, status, EB_JSON_CONTENT_TYPE, node);
}

void
eb_api_reply_entity (EbApiRequest *req, guint status, JsonNode *node, gint64 version)
{
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);

  eb_api_set_header (req, "ETag", etag);
  eb_api_reply_json (req, status, node);
}

void
eb_api_reply_text (EbApiRequest *req, guint status, const char *content_type, char *text)
{
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_TAKE, text, strlen (text));
}

void
eb_api_reply_no_content (EbApiRequest *req)
{
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
eb_api_reply_problem (EbApiRequest *req, guint status, const char *detail, GPtrArray *violations)
{
  if (status == SOUP_STATUS_UNAUTHORIZED)
    eb_api_set_header (req, "WWW-Authenticate", "Bearer realm=\"eboard\"");
  eb_api_reply_node (req, status, EB_PROBLEM_CONTENT_TYPE,
                     eb_problem_new (status, detail, violations));
}

void
eb_api_reply_invalid (EbApiRequest *req, const char *field, const char *format, ...)
{
  g_autoptr (GPtrArray) violations
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (violations, eb_violation_new ("invalid-field", field, "%s", detail));
  eb_api_reply_problem (req, SOUP_STATUS_BAD_REQUEST, detail, violations);
}

void
eb_api_reply_error (EbApiRequest *req, const GError *error)
{
  guint status = eb_problem_status_for_error (error);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    eb_api_set_header (req, "WWW-Authenticate", "Bearer realm=\"eboard\"");
  eb_api_reply_node (req, status, EB_PROBLEM_CONTENT_TYPE, eb_problem_from_error (error));
}

static JsonNode *
eb_api_list_node (GPtrArray *items, guint first, guint end, EbApiEncodeFunc encode, guint total,
                  const EbPage *page)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = first; i < end; i++)
    json_builder_add_value (builder, encode (g_ptr_array_index (items, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, total);
  json_builder_set_member_name (builder, "offset");
  json_builder_add_int_value (builder, page->offset);
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, page->limit);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
eb_api_reply_list (EbApiRequest *req, GPtrArray *items, EbApiEncodeFunc encode, guint total,
                   const EbPage *page)
{
  eb_api_reply_json (req, SOUP_STATUS_OK,
                     eb_api_list_node (items, 0, items->len, encode, total, page));
}

void
eb_api_reply_window (EbApiRequest *req, GPtrArray *all, EbApiEncodeFunc encode, const EbPage *page)
{
  guint first = MIN (page->offset, all->len);
  guint end = first + MIN (page->limit, all->len - first);

  eb_api_reply_json (req, SOUP_STATUS_OK,
                     eb_api_list_node (all, first, end, encode, all->len, page));
}

void
eb_api_set_location (EbApiRequest *req, const char *format, ...)
{
  g_autofree char *location = NULL;
  va_list args;

  va_start (args, format);
  location = g_strdup_vprintf (format, args);
  va_end (args);
  eb_api_set_header (req, "Location", location);
}

void
eb_api_set_header (EbApiRequest *req, const char *name, const char *value)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), name, value);
}

/* --- the body --- */

GBytes *
eb_api_request_body (EbApiRequest *req)
{
  return soup_message_body_flatten (soup_server_message_get_request_body (req->msg));
}

static gboolean
eb_api_is_json_type (const char *content_type)
{
  return content_type != NULL && g_ascii_strcasecmp (content_type, EB_JSON_CONTENT_TYPE) == 0;
}

JsonObject *
eb_api_parse_object (const char *data, gsize size, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (!g_utf8_validate (data, size, NULL))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "malformed JSON: the body is not UTF-8");
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!eb_json_validate (data, size, EB_JSON_MAX_DEPTH, error))
    {
      /* The error keeps the violations it carries (U+0000 in a string). */
      g_prefix_error (error, "malformed JSON: ");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, size, error))
    {
      g_autofree char *message = g_strdup ((*error)->message);

      g_clear_error (error);
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "malformed JSON: %s", message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, "the JSON body must be an object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

JsonObject *
eb_api_read_object (EbApiRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  g_autoptr (GBytes) body = eb_api_request_body (req);
  g_autoptr (GError) error = NULL;
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonObject *object;

  if (size > 0 && !eb_api_is_json_type (content_type))
    {
      eb_api_reply_problem (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                            "the request body must be application/json", NULL);
      return NULL;
    }
  if (size == 0)
    {
      eb_api_reply_problem (req, SOUP_STATUS_BAD_REQUEST, "a JSON object body is required", NULL);
      return NULL;
    }
  object = eb_api_parse_object (data, size, &error);
  if (object == NULL)
    {
      /* A 400 like any other: the violations the error carries are
       * listed, as in a 422. */
      eb_api_reply_problem (req, SOUP_STATUS_BAD_REQUEST, error->message,
                            eb_error_get_violations (error));
      return NULL;
    }
  return object;
}

JsonObject *
eb_api_read_patch (EbApiRequest *req)
{
  g_autoptr (JsonObject) object = eb_api_read_object (req);

  if (object == NULL)
    return NULL;
  if (json_object_get_size (object) == 0)
    {
      eb_api_reply_problem (req, SOUP_STATUS_BAD_REQUEST, "the body names no field to change",
                            NULL);
      return NULL;
    }
  return g_steal_pointer (&object);
}

/* --- headers and parameters --- */

gboolean
eb_api_parse_id (const char *text, EbId *id)
{
  guint64 value = 0;

  if (text == NULL || text[0] < '1' || text[0] > '9' || strlen (text) > 19)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (guint64)(*p - '0');
    }
  if (value > G_MAXINT64)
    return FALSE;
  *id = (EbId)value;
  return TRUE;
}

gboolean
eb_api_read_if_match (EbApiRequest *req, gint64 *version)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *value = soup_message_headers_get_one (headers, "If-Match");
  g_autofree char *text = NULL;
  gsize len;

  *version = 0;
  if (value == NULL)
    return TRUE;
  text = g_strstrip (g_strdup (value));
  if (strcmp (text, "*") == 0)
    return TRUE;
  if (g_str_has_prefix (text, "W/"))
    {
      eb_api_reply_invalid (req, "If-Match", "If-Match takes a strong ETag such as \"3\", not %s",
                            "a weak one");
      return FALSE;
    }
  len = strlen (text);
  if (len < 3 || text[0] != '"' || text[len - 1] != '"')
    {
      eb_api_reply_invalid (req, "If-Match", "If-Match must be one quoted version such as \"3\"");
      return FALSE;
    }
  text[len - 1] = '\0';
  if (!eb_api_parse_id (text + 1, version))
    {
      eb_api_reply_invalid (req, "If-Match", "If-Match must be one quoted version such as \"3\"");
      return FALSE;
    }
  return TRUE;
}

const char *
eb_api_query (EbApiRequest *req, const char *name)
{
  if (req->query == NULL)
    return NULL;
  return g_hash_table_lookup (req->query, name);
}

static gboolean
eb_api_parse_uint (const char *text, guint64 max, guint64 *out)
{
  guint64 value;

  if (text == NULL || text[0] == '\0' || strlen (text) > 10)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }
  value = g_ascii_strtoull (text, NULL, 10);
  if (value > max)
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
eb_api_read_page (EbApiRequest *req, EbPage *page)
{
  const char *offset = eb_api_query (req, "offset");
  const char *limit = eb_api_query (req, "limit");
  guint64 value = 0;

  page->offset = 0;
  page->limit = EB_PAGE_DEFAULT_LIMIT;
  if (offset != NULL)
    {
      if (!eb_api_parse_uint (offset, G_MAXINT32, &value))
        {
          eb_api_reply_invalid (req, "offset", "offset must be an integer from 0 to %d",
                                G_MAXINT32);
          return FALSE;
        }
      page->offset = (guint)value;
    }
  if (limit != NULL)
    {
      if (!eb_api_parse_uint (limit, EB_PAGE_MAX_LIMIT, &value) || value < 1)
        {
          eb_api_reply_invalid (req, "limit", "limit must be an integer from 1 to %d",
                                EB_PAGE_MAX_LIMIT);
          return FALSE;
        }
      page->limit = (guint)value;
    }
  return TRUE;
}

gboolean
eb_api_query_instant (EbApiRequest *req, const char *name, gboolean required, gint64 *out)
{
  const char *value = eb_api_query (req, name);
  g_autofree char *text = NULL;

  *out = 0;
  if (value == NULL)
    {
      if (!required)
        return TRUE;
      eb_api_reply_invalid (req, name, "the query parameter %s is required", name);
      return FALSE;
    }
  /* An unencoded "+01:00" offset arrives as " 01:00" after form decoding;
   * RFC 3339 has no spaces, so they can only be such pluses. */
  text = g_strdelimit (g_strdup (value), " ", '+');
  if (!eb_json_parse_instant (text, out))
    {
      eb_api_reply_invalid (req, name, "%s must be an RFC 3339 instant such as %s", name,
                            "2026-03-03T15:00:00Z");
      return FALSE;
    }
  return TRUE;
}

gboolean
eb_api_query_id (EbApiRequest *req, const char *name, EbId *out)
{
  const char *value = eb_api_query (req, name);

  *out = 0;
  if (value == NULL)
    return TRUE;
  if (!eb_api_parse_id (value, out))
    {
      eb_api_reply_invalid (req, name, "%s must be a positive integer id", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
eb_api_query_bool (EbApiRequest *req, const char *name, gint *out)
{
  const char *value = eb_api_query (req, name);

  *out = -1;
  if (value == NULL)
    return TRUE;
  if (strcmp (value, "true") == 0)
    *out = 1;
  else if (strcmp (value, "false") == 0)
    *out = 0;
  else
    {
      eb_api_reply_invalid (req, name, "%s must be true or false", name);
      return FALSE;
    }
  return TRUE;
}

/* --- answers that wait --- */

/* What the request log shows for a client that closed its connection
 * before the answer (as nginx logs it). */
#define EB_STATUS_CLIENT_CLOSED 499

struct _EbApiPaused
{
  EbApiRequest req; /* its service and message only */
  GCancellable *cancellable;
  gulong finished_id;
  /* watches the connection: libsoup reads nothing while paused */
  GSource *socket_source;
  /* libsoup dropped the message before the answer */
  gboolean finished;
  /* the client closed its connection before the answer */
  gboolean gone;
};

typedef enum
{
  EB_API_PEER_THERE,
  EB_API_PEER_GONE,
  /* bytes wait (a pipelined request): a client that stays and one that
   * sent more before leaving cannot be told apart */
  EB_API_PEER_UNKNOWN,
} EbApiPeer;

/* Looks at @socket without reading from it (and without blocking). */
static EbApiPeer
eb_api_peek_peer (GSocket *socket)
{
  char byte;
  gssize n;

  if (g_socket_is_closed (socket))
    return EB_API_PEER_GONE;
  if (g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) == 0)
    return EB_API_PEER_THERE;
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0)
    return EB_API_PEER_UNKNOWN;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return EB_API_PEER_THERE;
  /* the end of the stream, or a reset */
  return EB_API_PEER_GONE;
}

static void
eb_api_paused_stop_watching (EbApiPaused *paused)
{
  if (paused->socket_source == NULL)
    return;
  g_source_destroy (paused->socket_source);
  g_clear_pointer (&paused->socket_source, g_source_unref);
}

static void
eb_api_paused_client_left (EbApiPaused *paused)
{
  if (paused->cancellable != NULL)
    g_cancellable_cancel (paused->cancellable);
}

static void
eb_api_paused_finished_cb (SoupServerMessage *msg, gpointer user_data)
{
  EbApiPaused *paused = user_data;

  paused->finished = TRUE;
  eb_api_paused_stop_watching (paused);
  eb_api_paused_client_left (paused);
}

static gboolean
eb_api_paused_socket_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  EbApiPaused *paused = user_data;
  EbApiPeer peer = eb_api_peek_peer (socket);

  if (peer == EB_API_PEER_THERE)
    return G_SOURCE_CONTINUE;
  /* the source is destroyed on return */
  g_clear_pointer (&paused->socket_source, g_source_unref);
  if (peer == EB_API_PEER_GONE)
    {
      paused->gone = TRUE;
      eb_api_paused_client_left (paused);
    }
  return G_SOURCE_REMOVE;
}

EbApiPaused *
eb_api_pause (EbApiRequest *req, GCancellable *cancellable)
{
  EbApiPaused *paused = g_new0 (EbApiPaused, 1);
  GSocket *socket = soup_server_message_get_socket (req->msg);

  paused->req.service = g_object_ref (req->service);
  paused->req.msg = g_object_ref (req->msg);
  paused->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  paused->finished_id
      = g_signal_connect (req->msg, "finished", G_CALLBACK (eb_api_paused_finished_cb), paused);
  /* A provisional status, replaced by the answer before the message is
   * unpaused: libsoup treats a message its handler left without a status
   * as a WebSocket handshake, and the router as a handler that forgot to
   * answer. */
  soup_server_message_set_status (req->msg, SOUP_STATUS_ACCEPTED, NULL);
  soup_server_message_pause (req->msg);
  if (socket != NULL)
    {
      paused->socket_source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (paused->socket_source,
                             (GSourceFunc)(void (*) (void))eb_api_paused_socket_cb, paused, NULL);
      g_source_attach (paused->socket_source, g_main_context_get_thread_default ());
    }
  return paused;
}

EbApiRequest *
eb_api_paused_request (EbApiPaused *paused)
{
  /* the watch may not have run since the client left */
  if (paused->socket_source != NULL)
    {
      GSocket *socket = soup_server_message_get_socket (paused->req.msg);

      eb_api_paused_stop_watching (paused);
      if (socket != NULL && eb_api_peek_peer (socket) == EB_API_PEER_GONE)
        paused->gone = TRUE;
    }
  if (paused->finished || paused->gone)
    return NULL;
  return &paused->req;
}

static void
eb_api_paused_free (EbApiPaused *paused)
{
  eb_api_paused_stop_watching (paused);
  g_clear_signal_handler (&paused->finished_id, paused->req.msg);
  g_clear_object (&paused->req.msg);
  g_clear_object (&paused->req.service);
  g_clear_object (&paused->cancellable);
  g_free (paused);
}

/* Nobody reads this answer: it is a status for the request log, without
 * a body, so that it takes a single write. The closed connection still
 * takes that one; a second would fail, and libsoup would then log the
 * request as a server error (500). */
static void
eb_api_reply_client_closed (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
  soup_message_headers_set_content_length (headers, 0);
  soup_message_headers_replace (headers, "Connection", "close");
  soup_server_message_set_status (msg, EB_STATUS_CLIENT_CLOSED, "Client Closed Request");
}

void
eb_api_paused_resume (EbApiPaused *paused)
{
  eb_api_paused_stop_watching (paused);
  if (!paused->finished)
    {
      g_clear_signal_handler (&paused->finished_id, paused->req.msg);
      if (paused->gone)
        eb_api_reply_client_closed (paused->req.msg);
      soup_server_message_unpause (paused->req.msg);
    }
  eb_api_paused_free (paused);
}
