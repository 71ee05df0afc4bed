/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "eb-api-events-private.h"
#include "eb-api-request-private.h"
#include "eb-api-server-private.h"
#include "eb-problem-private.h"
#include "eb-router-private.h"

#define EB_API_DEFAULT_MAX_BODY_BYTES (1024 * 1024)
#define EB_API_DEFAULT_MAX_CONNECTIONS 256
#define EB_API_EXCHANGE_KEY "eb-api-exchange"

/*
 * EbApiServer: the SoupServer of the REST API on the main context.
 *
 * libsoup warns that SoupServer should not face untrusted clients
 * unprotected: this server limits the connections it serves and the size
 * of request bodies (by Content-Length before the body, and by the bytes
 * actually received for chunked bodies). Production setups put a TLS
 * reverse proxy (nginx) in front of it.
 */
struct _EbApiServer
{
  GObject parent_instance;

  EbService *service;
  EbApiSettings settings;
  char *www_dir;
  char *openapi_path;

  SoupServer *soup;
  GSocket *listener;
  guint port;
  /* The open events WebSockets. */
  EbApiEvents *events;

  guint in_flight;
  /* GSocket of each served connection, weakly referenced. */
  GHashTable *connections;

  gboolean stopping;
  GTask *shutdown_task;
  guint shutdown_timeout_id;
  GSource *shutdown_cancel_source;
};

/* One request's accounting, attached to its SoupServerMessage. A request
 * is in flight from its headers to its end (or to the message's death,
 * for a connection dropped halfway). */
typedef struct
{
  EbApiServer *server;
  /* The connection's socket, only as a key (the message keeps it alive). */
  GSocket *socket;
  gint64 started;
  guint64 body_bytes;
  gboolean counted;
} EbApiExchange;

enum
{
  PROP_0,
  PROP_SERVICE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (EbApiServer, eb_api_server, G_TYPE_OBJECT)

static void eb_api_server_check_drained (EbApiServer *self);

/* --- per-request accounting --- */

static void
eb_api_exchange_release (EbApiExchange *ex)
{
  if (!ex->counted)
    return;
  ex->counted = FALSE;
  if (ex->server == NULL)
    return;
  g_assert (ex->server->in_flight > 0);
  ex->server->in_flight--;
  eb_api_server_check_drained (ex->server);
}

static void
eb_api_exchange_free (EbApiExchange *ex)
{
  eb_api_exchange_release (ex);
  g_clear_weak_pointer (&ex->server);
  g_free (ex);
}

/* Answers now with a problem and closes the connection afterwards; the
 * body (if any) is read and dropped, never kept. */
static void
eb_api_server_refuse (SoupServerMessage *msg, guint status, const char *detail)
{
  g_autoptr (JsonNode) problem = eb_problem_new (status, detail, NULL);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  char *text = json_to_string (problem, FALSE);

  soup_message_body_set_accumulate (request_body, FALSE);
  soup_message_body_truncate (request_body);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, EB_PROBLEM_CONTENT_TYPE, SOUP_MEMORY_TAKE, text,
                                    strlen (text));
}

static void
eb_api_server_connection_gone_cb (gpointer user_data, GObject *where_the_object_was)
{
  EbApiServer *self = user_data;

  g_hash_table_remove (self->connections, where_the_object_was);
}

static void
eb_api_server_forget_connection (EbApiServer *self, GSocket *socket)
{
  if (socket == NULL || !g_hash_table_remove (self->connections, socket))
    return;
  g_object_weak_unref (G_OBJECT (socket), eb_api_server_connection_gone_cb, self);
}

/* Whether the peer of @socket is gone: closed here, or its end of the
 * stream reached (a peek, which consumes nothing, reads 0 bytes). */
static gboolean
eb_api_server_socket_is_dead (GSocket *socket)
{
  gchar byte;
  gssize n;

  if (g_socket_is_closed (socket))
    return TRUE;
  if ((g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) & (G_IO_HUP | G_IO_ERR))
      != 0)
    return TRUE;
  if ((g_socket_condition_check (socket, G_IO_IN) & G_IO_IN) == 0)
    return FALSE;
  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* libsoup does not say when an idle kept-alive connection goes away, and
 * may keep its socket object for a while: dead ones are found here. */
static void
eb_api_server_prune_connections (EbApiServer *self)
{
  GHashTableIter iter;
  gpointer socket;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &socket, NULL))
    {
      if (!eb_api_server_socket_is_dead (socket))
        continue;
      g_object_weak_unref (socket, eb_api_server_connection_gone_cb, self);
      g_hash_table_iter_remove (&iter);
    }
}

/* Whether the connection of @socket may be served: connections already
 * seen always are; a new one only below max_connections. */
static gboolean
eb_api_server_admit_connection (EbApiServer *self, GSocket *socket)
{
  if (socket == NULL || g_hash_table_contains (self->connections, socket))
    return TRUE;
  if (g_hash_table_size (self->connections) >= self->settings.max_connections)
    eb_api_server_prune_connections (self);
  if (g_hash_table_size (self->connections) >= self->settings.max_connections)
    return FALSE;
  g_hash_table_add (self->connections, socket);
  g_object_weak_ref (G_OBJECT (socket), eb_api_server_connection_gone_cb, self);
  return TRUE;
}

static void
eb_api_server_got_headers_cb (SoupServerMessage *msg, gpointer user_data)
{
  EbApiExchange *ex = user_data;
  EbApiServer *self = ex->server;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (self == NULL)
    return;
  ex->counted = TRUE;
  self->in_flight++;
  if (self->stopping)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                  "close");
  if (soup_server_message_get_status (msg) != 0)
    return;
  if (!eb_api_server_admit_connection (self, ex->socket))
    {
      eb_api_server_refuse (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                            "too many connections; try again later");
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && (guint64)soup_message_headers_get_content_length (headers) > self->settings.max_body_bytes)
    {
      g_autofree char *detail
          = g_strdup_printf ("the request body is larger than %" G_GSIZE_FORMAT " bytes",
                             self->settings.max_body_bytes);

      eb_api_server_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, detail);
    }
}

static void
eb_api_server_got_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  EbApiExchange *ex = user_data;
  g_autofree char *detail = NULL;

  ex->body_bytes += g_bytes_get_size (chunk);
  if (ex->server == NULL || ex->body_bytes <= ex->server->settings.max_body_bytes
      || soup_server_message_get_status (msg) != 0)
    return;
  detail = g_strdup_printf ("the request body is larger than %" G_GSIZE_FORMAT " bytes",
                            ex->server->settings.max_body_bytes);
  eb_api_server_refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, detail);
}

/* The path for the log: no query (it is not needed), no secret of a
 * calendar feed URL, and no control characters (a line per request stays
 * a line). */
static char *
eb_api_server_log_path (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  g_autofree char *redacted = eb_router_redact_path (path != NULL ? path : "");
  char *text = g_strndup (redacted, 256);

  for (char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_iscntrl (*p))
        *p = '?';
    }
  return text;
}

static void
eb_api_server_finished_cb (SoupServerMessage *msg, gpointer user_data)
{
  EbApiExchange *ex = user_data;
  g_autofree char *path = eb_api_server_log_path (msg);
  const char *method = soup_server_message_get_method (msg);
  guint status = soup_server_message_get_status (msg);
  gint64 duration = g_get_monotonic_time () - ex->started;
  char status_text[16];
  char duration_text[32];

  /* Only MESSAGE takes a format in g_log_structured(): the other values
   * are plain strings. */
  g_snprintf (status_text, sizeof status_text, "%u", status);
  g_snprintf (duration_text, sizeof duration_text, "%" G_GINT64_FORMAT, duration);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, "EBOARD_METHOD", method != NULL ? method : "",
                    "EBOARD_PATH", path, "EBOARD_STATUS", status_text, "EBOARD_DURATION_US",
                    duration_text, "MESSAGE", "%s %s %u %.1f ms", method != NULL ? method : "-",
                    path, status, duration / 1000.0);
  eb_api_exchange_release (ex);
}

/* The connection closed (a message alive on a connection hears it; an
 * idle kept-alive connection has one waiting for the next request). */
static void
eb_api_server_disconnected_cb (SoupServerMessage *msg, gpointer user_data)
{
  EbApiExchange *ex = user_data;

  if (ex->server != NULL)
    eb_api_server_forget_connection (ex->server, ex->socket);
}

static void
eb_api_server_request_started_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  EbApiServer *self = user_data;
  EbApiExchange *ex = g_new0 (EbApiExchange, 1);

  g_set_weak_pointer (&ex->server, self);
  ex->socket = soup_server_message_get_socket (msg);
  ex->started = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), EB_API_EXCHANGE_KEY, ex,
                          (GDestroyNotify)eb_api_exchange_free);
  g_signal_connect (msg, "got-headers", G_CALLBACK (eb_api_server_got_headers_cb), ex);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (eb_api_server_got_chunk_cb), ex);
  g_signal_connect (msg, "finished", G_CALLBACK (eb_api_server_finished_cb), ex);
  g_signal_connect (msg, "disconnected", G_CALLBACK (eb_api_server_disconnected_cb), ex);
}

/* --- the handler of every path --- */

static void
eb_api_server_handle_cb (SoupServer *soup, SoupServerMessage *msg, const char *path,
                         GHashTable *query, gpointer user_data)
{
  EbApiServer *self = user_data;
  EbApiRequest req = { 0 };

  req.service = self->service;
  req.settings = &self->settings;
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.path = path;
  req.query = query;
  if (self->stopping)
    eb_api_set_header (&req, "Connection", "close");
  eb_router_dispatch (&req);
}

/* --- GObject --- */

static void
eb_api_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EbApiServer *self = EB_API_SERVER (object);

  switch (prop_id)
    {
      case PROP_SERVICE:
        g_value_set_object (value, self->service);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
eb_api_server_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EbApiServer *self = EB_API_SERVER (object);

  switch (prop_id)
    {
      case PROP_SERVICE:
        g_set_object (&self->service, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
eb_api_server_forget_connections (EbApiServer *self)
{
  GHashTableIter iter;
  gpointer socket;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &socket, NULL))
    {
      g_object_weak_unref (socket, eb_api_server_connection_gone_cb, self);
      g_hash_table_iter_remove (&iter);
    }
}

static void
eb_api_server_dispose (GObject *object)
{
  EbApiServer *self = EB_API_SERVER (object);

  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_remove_handler (self->soup, NULL);
      soup_server_disconnect (self->soup);
    }
  eb_api_server_forget_connections (self);
  g_clear_object (&self->events);
  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  if (self->shutdown_cancel_source != NULL)
    {
      g_source_destroy (self->shutdown_cancel_source);
      g_clear_pointer (&self->shutdown_cancel_source, g_source_unref);
    }
  g_clear_object (&self->soup);
  g_clear_object (&self->listener);
  g_clear_object (&self->service);
  G_OBJECT_CLASS (eb_api_server_parent_class)->dispose (object);
}

static void
eb_api_server_finalize (GObject *object)
{
  EbApiServer *self = EB_API_SERVER (object);

  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_free (self->www_dir);
  g_free (self->openapi_path);
  G_OBJECT_CLASS (eb_api_server_parent_class)->finalize (object);
}

static void
eb_api_server_class_init (EbApiServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = eb_api_server_get_property;
  object_class->set_property = eb_api_server_set_property;
  object_class->dispose = eb_api_server_dispose;
  object_class->finalize = eb_api_server_finalize;

  /**
   * EbApiServer:service:
   *
   * The use cases the handlers call.
   */
  props[PROP_SERVICE]
      = g_param_spec_object ("service", NULL, NULL, EB_TYPE_SERVICE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS
                                 | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
eb_api_server_init (EbApiServer *self)
{
  self->connections = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->soup = soup_server_new ("server-header", "eboard/" EB_VERSION, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (eb_api_server_request_started_cb),
                    self);
  soup_server_add_handler (self->soup, NULL, eb_api_server_handle_cb, self, NULL);
}

/**
 * eb_api_server_new:
 * @service: the service; the server keeps a reference
 * @settings: (nullable): copied; %NULL or zero fields take the defaults
 *
 * Returns: (transfer full): a server that does not listen yet
 */
EbApiServer *
eb_api_server_new (EbService *service, const EbApiSettings *settings)
{
  EbApiServer *self;

  g_return_val_if_fail (EB_IS_SERVICE (service), NULL);

  self = g_object_new (EB_TYPE_API_SERVER, "service", service, NULL);
  /* Every path: the router decides which requests become WebSockets
   * (only they are left without a status for the handshake). */
  self->events = eb_api_events_new (service);
  soup_server_add_websocket_handler (self->soup, NULL, NULL, NULL, eb_api_events_accept_cb,
                                     g_object_ref (self->events), g_object_unref);
  if (settings != NULL)
    {
      self->settings = *settings;
      self->www_dir = g_strdup (settings->www_dir);
      self->openapi_path = g_strdup (settings->openapi_path);
    }
  self->settings.www_dir = self->www_dir;
  self->settings.openapi_path = self->openapi_path;
  if (self->settings.max_body_bytes == 0)
    self->settings.max_body_bytes = EB_API_DEFAULT_MAX_BODY_BYTES;
  if (self->settings.max_connections == 0)
    self->settings.max_connections = EB_API_DEFAULT_MAX_CONNECTIONS;
  return self;
}

/* --- listening --- */

/**
 * eb_api_server_listen:
 * @address: an IP address (not a host name)
 * @port: a TCP port, 0 for any free one
 *
 * Listens on one socket of the server's own (so that a shutdown can stop
 * accepting while requests in flight finish).
 */
gboolean
eb_api_server_listen (EbApiServer *self, const char *address, guint port, GError **error)
{
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocket) socket = NULL;

  g_return_val_if_fail (EB_IS_API_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (self->listener != NULL || self->stopping)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                           self->stopping ? "the server is stopping"
                                          : "the server already listens");
      return FALSE;
    }
  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || port > G_MAXUINT16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s port %u is not an IP address and TCP port", address, port);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, MAX (128, (gint)MIN (self->settings.max_connections, 4096)));
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;
  if (!soup_server_listen_socket (self->soup, socket, 0, error))
    return FALSE;
  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  self->listener = g_steal_pointer (&socket);
  g_debug ("listening on %s port %u", address, self->port);
  return TRUE;
}

guint
eb_api_server_get_port (EbApiServer *self)
{
  g_return_val_if_fail (EB_IS_API_SERVER (self), 0);
  return self->port;
}

guint
eb_api_server_get_in_flight (EbApiServer *self)
{
  g_return_val_if_fail (EB_IS_API_SERVER (self), 0);
  return self->in_flight;
}

guint
eb_api_server_get_connections (EbApiServer *self)
{
  g_return_val_if_fail (EB_IS_API_SERVER (self), 0);
  eb_api_server_prune_connections (self);
  return g_hash_table_size (self->connections);
}

/* --- graceful shutdown --- */

static void
eb_api_server_finish_shutdown (EbApiServer *self, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->shutdown_task);

  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  if (self->shutdown_cancel_source != NULL)
    {
      g_source_destroy (self->shutdown_cancel_source);
      g_clear_pointer (&self->shutdown_cancel_source, g_source_unref);
    }
  /* Closes what is left: idle keep-alive connections, and requests that
   * overran the timeout. */
  soup_server_disconnect (self->soup);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
eb_api_server_check_drained (EbApiServer *self)
{
  if (self->shutdown_task != NULL && self->in_flight == 0)
    eb_api_server_finish_shutdown (self, NULL);
}

static gboolean
eb_api_server_shutdown_timeout_cb (gpointer user_data)
{
  EbApiServer *self = user_data;

  self->shutdown_timeout_id = 0;
  eb_api_server_finish_shutdown (
      self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         "%u request(s) still in flight at the end of the shutdown timeout; "
                         "their connections were closed",
                         self->in_flight));
  return G_SOURCE_REMOVE;
}

static gboolean
eb_api_server_shutdown_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  EbApiServer *self = user_data;

  eb_api_server_finish_shutdown (
      self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "shutdown cancelled"));
  return G_SOURCE_REMOVE;
}

/**
 * eb_api_server_shutdown_async:
 * @timeout_ms: how long requests in flight may take to finish; 0 does
 *   not wait
 *
 * Stops accepting connections at once (the listening socket is closed),
 * answers the requests still arriving on open connections with
 * `Connection: close`, and completes once no request is in flight, or
 * after @timeout_ms with G_IO_ERROR_TIMED_OUT; either way every remaining
 * connection is then closed.
 */
void
eb_api_server_shutdown_async (EbApiServer *self, guint timeout_ms, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (EB_IS_API_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_api_server_shutdown_async);
  if (self->shutdown_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "already stopping");
      return;
    }
  self->stopping = TRUE;
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  /* WebSockets are not requests in flight: they are told to go. */
  eb_api_events_close_all (self->events, EB_EVENTS_CLOSE_GOING_AWAY, "the server is stopping");
  self->shutdown_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      self->shutdown_cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->shutdown_cancel_source,
                             G_SOURCE_FUNC (eb_api_server_shutdown_cancelled_cb), self, NULL);
      g_source_attach (self->shutdown_cancel_source, g_main_context_get_thread_default ());
    }
  if (self->in_flight == 0 || timeout_ms == 0)
    {
      eb_api_server_finish_shutdown (self, NULL);
      return;
    }
  self->shutdown_timeout_id = g_timeout_add (timeout_ms, eb_api_server_shutdown_timeout_cb, self);
}

gboolean
eb_api_server_shutdown_finish (EbApiServer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EB_IS_API_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_api_server_shutdown_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
