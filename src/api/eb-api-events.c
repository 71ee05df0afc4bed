/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <string.h>

#include "eb-api-events-private.h"
#include "eb-api-handlers-private.h"
#include "eb-auth-private.h"
#include "eb-codecs-live-private.h"
#include "eb-problem-private.h"

/*
 * GET /api/v1/sessions/{id}/events: a WebSocket that pushes the session's
 * timeline events as they happen.
 *
 * The route authenticates its own callers: an API token of a reader of
 * the session, or the join credential of a participant (the join page),
 * each as a bearer header or as the `access_token` query parameter that
 * browsers need because they cannot set headers on a WebSocket.
 * eb_api_session_events() checks that the caller reads the session and
 * that the request is an upgrade, and leaves it without a status: libsoup
 * then completes the handshake and hands the connection to
 * eb_api_events_accept_cb().
 *
 * A reader never holds up the service: an event goes straight to the
 * socket while the kernel takes it; otherwise it waits in the socket's
 * own queue, which drains as the socket becomes writable. A reader with
 * EB_EVENTS_MAX_PENDING events waiting is dropped (close code 1008).
 * The reader's token (or join credential) and access are checked again
 * before events while the last check is older than EB_EVENTS_CHECK_AGE_US,
 * on a timer, and at once when the service says that someone's access
 * changed ("access-changed": a roster entry removed, a person or a site
 * changed, join credentials revoked), so that a participant taken off the
 * roster is disconnected as the change is committed.
 */

#define EB_EVENTS_TICKET_KEY "eb-api-events-ticket"
/* What join credentials start with (API tokens start with "eb_"). */
#define EB_EVENTS_JOIN_PREFIX "j1."
#define EB_EVENTS_CHECK_AGE_US (1 * G_USEC_PER_SEC)
#define EB_EVENTS_RECHECK_SECONDS 5
#define EB_EVENTS_KEEPALIVE_SECONDS 30
/* Readers only listen: what they send is small or refused. */
#define EB_EVENTS_MAX_INCOMING 4096

/* What the route handler learnt, for the WebSocket that follows. */
typedef struct
{
  EbId session_id;
  /* a join credential's holder rather than an API token's */
  gboolean is_participant;
  EbPrincipal principal;
  EbParticipant participant;
  char *secret;
  GSocket *socket;
} EbEventsTicket;

static void
eb_events_ticket_free (EbEventsTicket *ticket)
{
  if (ticket->secret != NULL)
    explicit_bzero (ticket->secret, strlen (ticket->secret));
  g_free (ticket->secret);
  g_clear_object (&ticket->socket);
  g_free (ticket);
}

typedef struct
{
  EbApiEvents *events;
  SoupWebsocketConnection *connection;
  /* The connection's socket: is the kernel taking more? */
  GSocket *socket;
  EbId session_id;
  gboolean is_participant;
  EbPrincipal principal;
  EbParticipant participant;
  /* "token 12" or "participant 7", for the log */
  char *who;
  /* Kept to check the token or join credential again while the socket is
   * open; never logged. */
  char *secret;
  gint64 checked_at;
  /* (element-type utf8): JSON texts waiting for the socket */
  GQueue pending;
  GSource *writable_source;
  /* A close to send once the pending events are out. */
  gushort close_code;
  char *close_reason;
  gboolean closing;
  gulong closed_id;
  gulong message_id;
} EbEventsClient;

struct _EbApiEvents
{
  GObject parent_instance;

  EbService *service;
  gulong event_id;
  gulong access_id;
  /* (element-type EbEventsClient) */
  GPtrArray *clients;
  guint recheck_id;
};

G_DEFINE_FINAL_TYPE (EbApiEvents, eb_api_events, G_TYPE_OBJECT)

static void eb_events_client_flush (EbEventsClient *client);

/* --- one socket --- */

static void
eb_events_client_free (EbEventsClient *client)
{
  if (client->writable_source != NULL)
    {
      g_source_destroy (client->writable_source);
      g_clear_pointer (&client->writable_source, g_source_unref);
    }
  g_queue_clear_full (&client->pending, g_free);
  g_clear_signal_handler (&client->closed_id, client->connection);
  g_clear_signal_handler (&client->message_id, client->connection);
  g_clear_object (&client->connection);
  g_clear_object (&client->socket);
  if (client->secret != NULL)
    explicit_bzero (client->secret, strlen (client->secret));
  g_free (client->secret);
  g_free (client->who);
  g_free (client->close_reason);
  g_free (client);
}

static gboolean
eb_events_client_is_open (EbEventsClient *client)
{
  return !client->closing
         && soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* Closes now: what is still pending is dropped. */
static void
eb_events_client_close_now (EbEventsClient *client, gushort code, const char *reason)
{
  if (!eb_events_client_is_open (client))
    return;
  client->closing = TRUE;
  g_queue_clear_full (&client->pending, g_free);
  g_info ("session %" G_GINT64_FORMAT ": closing the events WebSocket of %s: %u %s",
          client->session_id, client->who, code, reason);
  soup_websocket_connection_close (client->connection, code, reason);
}

/* Closes once the pending events are out. */
static void
eb_events_client_close (EbEventsClient *client, gushort code, const char *reason)
{
  if (g_queue_is_empty (&client->pending))
    {
      eb_events_client_close_now (client, code, reason);
      return;
    }
  if (client->close_reason != NULL)
    return;
  client->close_code = code;
  client->close_reason = g_strdup (reason);
}

static gboolean
eb_events_client_writable (EbEventsClient *client)
{
  return (g_socket_condition_check (client->socket, G_IO_OUT) & G_IO_OUT) != 0;
}

static gboolean
eb_events_client_writable_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  EbEventsClient *client = user_data;

  g_clear_pointer (&client->writable_source, g_source_unref);
  eb_events_client_flush (client);
  return G_SOURCE_REMOVE;
}

/* Sends what the kernel takes now; waits for the socket for the rest. */
static void
eb_events_client_flush (EbEventsClient *client)
{
  if (!eb_events_client_is_open (client))
    {
      g_queue_clear_full (&client->pending, g_free);
      return;
    }
  while (!g_queue_is_empty (&client->pending) && eb_events_client_writable (client))
    {
      g_autofree char *text = g_queue_pop_head (&client->pending);

      soup_websocket_connection_send_text (client->connection, text);
    }
  if (!g_queue_is_empty (&client->pending))
    {
      if (client->writable_source == NULL)
        {
          client->writable_source = g_socket_create_source (client->socket, G_IO_OUT, NULL);
          g_source_set_callback (client->writable_source,
                                 G_SOURCE_FUNC (eb_events_client_writable_cb), client, NULL);
          g_source_attach (client->writable_source, g_main_context_get_thread_default ());
        }
      return;
    }
  if (client->close_reason != NULL)
    {
      g_autofree char *reason = g_steal_pointer (&client->close_reason);

      eb_events_client_close_now (client, client->close_code, reason);
    }
}

static void
eb_events_client_send (EbEventsClient *client, const char *text)
{
  if (!eb_events_client_is_open (client) || client->close_reason != NULL)
    return;
  if (g_queue_is_empty (&client->pending) && eb_events_client_writable (client))
    {
      soup_websocket_connection_send_text (client->connection, text);
      return;
    }
  if (g_queue_get_length (&client->pending) >= EB_EVENTS_MAX_PENDING)
    {
      g_info ("session %" G_GINT64_FORMAT ": the events reader of %s left %u events unread; "
              "dropping it",
              client->session_id, client->who, EB_EVENTS_MAX_PENDING);
      eb_events_client_close_now (client, EB_EVENTS_CLOSE_TOO_SLOW,
                                  "too slow: events were not read");
      return;
    }
  g_queue_push_tail (&client->pending, g_strdup (text));
  eb_events_client_flush (client);
}

/* Whether the participant's join credential still opens the session:
 * not when it expired, was revoked, or when its holder was taken off the
 * roster (or declined, or may no longer join). Closes the socket when
 * not; a failure to check (the store failing) keeps it open. */
static gboolean
eb_events_client_check_participant (EbEventsClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  EbParticipant participant = { 0 };

  if (eb_service_authenticate_participant (client->events->service, client->secret,
                                           client->session_id, &participant, &error))
    {
      client->participant = participant;
      return TRUE;
    }
  if (!g_error_matches (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED)
      && !g_error_matches (error, EB_ERROR, EB_ERROR_FORBIDDEN)
      && !g_error_matches (error, EB_ERROR, EB_ERROR_NOT_FOUND))
    {
      g_warning ("cannot check the join credential of an events reader: %s", error->message);
      return TRUE;
    }
  /* The error names the person and the session, never the credential. */
  reason = g_strdup_printf ("the join credential no longer opens session %" G_GINT64_FORMAT,
                            client->session_id);
  g_info ("session %" G_GINT64_FORMAT ": %s may no longer read events: %s", client->session_id,
          client->who, error->message);
  eb_events_client_close_now (client, EB_EVENTS_CLOSE_PARTICIPANT_REFUSED, reason);
  return FALSE;
}

/* Whether the reader may still read the session; closes its socket when
 * not. Errors other than a refusal (the store failing) keep it open. */
static gboolean
eb_events_client_check (EbEventsClient *client, gboolean force)
{
  EbService *service = client->events->service;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  EbPrincipal principal = { 0 };
  gint64 now = g_get_monotonic_time ();

  if (!eb_events_client_is_open (client))
    return FALSE;
  if (!force && now - client->checked_at < EB_EVENTS_CHECK_AGE_US)
    return TRUE;
  client->checked_at = now;
  if (client->is_participant)
    return eb_events_client_check_participant (client);
  if (!eb_service_authenticate (service, client->secret, &principal, &error))
    {
      if (!g_error_matches (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED))
        {
          g_warning ("cannot check the token of an events reader: %s", error->message);
          return TRUE;
        }
      eb_events_client_close_now (client, EB_EVENTS_CLOSE_UNAUTHENTICATED,
                                  "the token was revoked or has expired");
      return FALSE;
    }
  session = eb_service_get_session (service, &principal, client->session_id, &error);
  if (session == NULL)
    {
      if (!g_error_matches (error, EB_ERROR, EB_ERROR_NOT_FOUND)
          && !g_error_matches (error, EB_ERROR, EB_ERROR_FORBIDDEN))
        {
          g_warning ("cannot check an events reader's access: %s", error->message);
          return TRUE;
        }
      reason = g_strdup_printf ("no longer allowed to read session %" G_GINT64_FORMAT,
                                client->session_id);
      eb_events_client_close_now (client, EB_EVENTS_CLOSE_FORBIDDEN, reason);
      return FALSE;
    }
  client->principal = principal;
  return TRUE;
}

/* --- every socket --- */

static void
eb_api_events_stop_rechecks (EbApiEvents *self)
{
  g_clear_handle_id (&self->recheck_id, g_source_remove);
}

static gboolean
eb_api_events_recheck_cb (gpointer user_data)
{
  EbApiEvents *self = user_data;

  for (guint i = 0; i < self->clients->len; i++)
    eb_events_client_check (g_ptr_array_index (self->clients, i), TRUE);
  return G_SOURCE_CONTINUE;
}

static void
eb_api_events_closed_cb (SoupWebsocketConnection *connection, gpointer user_data)
{
  EbEventsClient *client = user_data;
  EbApiEvents *self = client->events;

  g_info ("session %" G_GINT64_FORMAT ": events WebSocket of %s closed (%u)", client->session_id,
          client->who, soup_websocket_connection_get_close_code (connection));
  g_ptr_array_remove_fast (self->clients, client);
  if (self->clients->len == 0)
    eb_api_events_stop_rechecks (self);
}

static void
eb_api_events_message_cb (SoupWebsocketConnection *connection, gint type, GBytes *message,
                          gpointer user_data)
{
  /* Readers only listen; what they send is ignored. */
}

static gboolean
eb_timeline_kind_ends_session (EbTimelineKind kind)
{
  return kind == EB_TIMELINE_SESSION_ENDED || kind == EB_TIMELINE_SESSION_INTERRUPTED;
}

static void
eb_api_events_session_event_cb (EbService *service, EbTimelineEvent *event, gpointer user_data)
{
  EbApiEvents *self = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gboolean ends = eb_timeline_kind_ends_session (event->kind);

  /* Closing a socket only queues its close frame: "closed" comes later,
   * from the main loop, so the array does not change in this loop. */
  for (guint i = 0; i < self->clients->len; i++)
    {
      EbEventsClient *client = g_ptr_array_index (self->clients, i);

      if (client->session_id != event->session_id || !eb_events_client_check (client, FALSE))
        continue;
      if (text == NULL)
        {
          node = eb_timeline_event_to_json (event);
          text = json_to_string (node, FALSE);
        }
      eb_events_client_send (client, text);
      if (ends)
        eb_events_client_close (client, EB_EVENTS_CLOSE_SESSION_ENDED, "the session ended");
    }
}

/* The person whose access an events reader stands for. */
static EbId
eb_events_client_person (EbEventsClient *client)
{
  return client->is_participant ? client->participant.person_id : client->principal.person_id;
}

/* Someone's access changed: the readers it may concern are checked now
 * rather than at the next event or timer, so that a participant taken off
 * the roster is disconnected at once. */
static void
eb_api_events_access_changed_cb (EbService *service, gint64 session_id, gint64 person_id,
                                 gpointer user_data)
{
  EbApiEvents *self = user_data;

  /* As for events: closing only queues the close frame, so the array
   * does not change in this loop. */
  for (guint i = 0; i < self->clients->len; i++)
    {
      EbEventsClient *client = g_ptr_array_index (self->clients, i);

      if (session_id != 0 && client->session_id != session_id)
        continue;
      if (person_id != 0 && eb_events_client_person (client) != person_id)
        continue;
      eb_events_client_check (client, TRUE);
    }
}

void
eb_api_events_accept_cb (SoupServer *server, SoupServerMessage *msg, const char *path,
                         SoupWebsocketConnection *connection, gpointer user_data)
{
  EbApiEvents *self = EB_API_EVENTS (user_data);
  EbEventsTicket *ticket = g_object_steal_data (G_OBJECT (msg), EB_EVENTS_TICKET_KEY);
  EbEventsClient *client;

  if (ticket == NULL)
    {
      /* Only eb_api_session_events() lets a handshake through. */
      g_warning ("a WebSocket handshake was not authorised; closing it");
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                       "not authorised");
      return;
    }
  client = g_new0 (EbEventsClient, 1);
  client->events = self;
  client->connection = g_object_ref (connection);
  client->socket = g_steal_pointer (&ticket->socket);
  client->session_id = ticket->session_id;
  client->is_participant = ticket->is_participant;
  client->principal = ticket->principal;
  client->participant = ticket->participant;
  client->who
      = ticket->is_participant
            ? g_strdup_printf ("participant %" G_GINT64_FORMAT, ticket->participant.person_id)
            : g_strdup_printf ("token %" G_GINT64_FORMAT, ticket->principal.token_id);
  client->secret = g_steal_pointer (&ticket->secret);
  client->checked_at = g_get_monotonic_time ();
  g_queue_init (&client->pending);
  eb_events_ticket_free (ticket);

  soup_websocket_connection_set_max_incoming_payload_size (connection, EB_EVENTS_MAX_INCOMING);
  soup_websocket_connection_set_keepalive_interval (connection, EB_EVENTS_KEEPALIVE_SECONDS);
  client->closed_id
      = g_signal_connect (connection, "closed", G_CALLBACK (eb_api_events_closed_cb), client);
  client->message_id
      = g_signal_connect (connection, "message", G_CALLBACK (eb_api_events_message_cb), client);
  g_ptr_array_add (self->clients, client);
  if (self->recheck_id == 0)
    self->recheck_id
        = g_timeout_add_seconds (EB_EVENTS_RECHECK_SECONDS, eb_api_events_recheck_cb, self);
  g_info ("session %" G_GINT64_FORMAT ": events WebSocket opened by %s", client->session_id,
          client->who);
}

void
eb_api_events_close_all (EbApiEvents *self, gushort code, const char *reason)
{
  g_return_if_fail (EB_IS_API_EVENTS (self));

  for (guint i = 0; i < self->clients->len; i++)
    eb_events_client_close_now (g_ptr_array_index (self->clients, i), code, reason);
}

guint
eb_api_events_get_n_clients (EbApiEvents *self)
{
  g_return_val_if_fail (EB_IS_API_EVENTS (self), 0);
  return self->clients->len;
}

/* --- the route --- */

static const char *
eb_api_events_secret (EbApiRequest *req, gsize *length)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *header = soup_message_headers_get_one (headers, "Authorization");
  const char *secret;

  if (header != NULL)
    return eb_auth_parse_bearer (header, length);
  secret = eb_api_query (req, EB_AUTH_QUERY_TOKEN);
  if (secret != NULL)
    *length = strlen (secret);
  return secret;
}

static gboolean
eb_api_events_is_upgrade (EbApiRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);

  return soup_message_headers_header_contains (headers, "Upgrade", "websocket")
         && soup_message_headers_header_contains (headers, "Connection", "upgrade");
}

static gboolean
eb_session_state_is_over (EbSessionState state)
{
  return state == EB_SESSION_STATE_ENDED || state == EB_SESSION_STATE_ARCHIVED
         || state == EB_SESSION_STATE_CANCELLED;
}

static gboolean
eb_api_events_is_join_credential (const char *secret, gsize length)
{
  gsize prefix = strlen (EB_EVENTS_JOIN_PREFIX);

  return secret != NULL && length > prefix && strncmp (secret, EB_EVENTS_JOIN_PREFIX, prefix) == 0;
}

/* A participant: their join credential must open the path's session (as
 * on the join page's other routes); (transfer full): the session, or
 * %NULL after answering. */
static EbSession *
eb_api_events_participant_session (EbApiRequest *req, const char *secret, gsize length)
{
  g_autoptr (EbConferenceState) state = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *credential = g_strndup (secret, length);
  gboolean ok;

  ok = eb_auth_check_participant (req, credential, req->ids[0]);
  explicit_bzero (credential, length);
  if (!ok)
    return NULL;
  state = eb_service_get_conference (req->service, req->ids[0], req->participant.person_id, &error);
  if (state == NULL)
    {
      eb_api_reply_error (req, error);
      return NULL;
    }
  return g_steal_pointer (&state->session);
}

/* A reader with an API token. (transfer full): the session, or %NULL after
 * answering. */
static EbSession *
eb_api_events_reader_session (EbApiRequest *req)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  if (!eb_auth_authenticate_with_query (req))
    return NULL;
  session = eb_service_get_session (req->service, &req->principal, req->ids[0], &error);
  if (session == NULL)
    eb_api_reply_error (req, error);
  return g_steal_pointer (&session);
}

void
eb_api_session_events (EbApiRequest *req)
{
  g_autoptr (EbSession) session = NULL;
  EbEventsTicket *ticket;
  const char *secret;
  gsize length = 0;
  gboolean is_participant;

  /* The route is not authenticated by the router: it takes a join
   * credential as well as an API token. */
  secret = eb_api_events_secret (req, &length);
  is_participant = eb_api_events_is_join_credential (secret, length);
  session = is_participant ? eb_api_events_participant_session (req, secret, length)
                           : eb_api_events_reader_session (req);
  if (session == NULL)
    return;
  if (eb_session_state_is_over (session->state))
    {
      g_autofree char *detail = g_strdup_printf (
          "session %" G_GINT64_FORMAT " is %s: it has no more events; its timeline is at "
          "/api/v1/sessions/%" G_GINT64_FORMAT "/timeline",
          session->id, eb_session_state_to_string (session->state), session->id);

      eb_api_reply_problem (req, SOUP_STATUS_CONFLICT, detail, NULL);
      return;
    }
  if (!eb_api_events_is_upgrade (req))
    {
      eb_api_set_header (req, "Upgrade", "websocket");
      eb_api_reply_problem (req, EB_STATUS_UPGRADE_REQUIRED,
                            "this route is a WebSocket: connect with \"Upgrade: websocket\"", NULL);
      return;
    }
  g_return_if_fail (secret != NULL);

  ticket = g_new0 (EbEventsTicket, 1);
  ticket->session_id = session->id;
  ticket->is_participant = is_participant;
  ticket->principal = req->principal;
  ticket->participant = req->participant;
  ticket->secret = g_strndup (secret, length);
  ticket->socket = g_object_ref (soup_server_message_get_socket (req->msg));
  g_object_set_data_full (G_OBJECT (req->msg), EB_EVENTS_TICKET_KEY, ticket,
                          (GDestroyNotify)eb_events_ticket_free);
  /* No status: libsoup checks the handshake (400 when it is malformed)
   * and answers 101. */
}

/* --- GObject --- */

static void
eb_api_events_dispose (GObject *object)
{
  EbApiEvents *self = EB_API_EVENTS (object);

  eb_api_events_stop_rechecks (self);
  if (self->service != NULL)
    {
      g_clear_signal_handler (&self->event_id, self->service);
      g_clear_signal_handler (&self->access_id, self->service);
    }
  if (self->clients != NULL)
    {
      eb_api_events_close_all (self, EB_EVENTS_CLOSE_GOING_AWAY, "the server is stopping");
      g_clear_pointer (&self->clients, g_ptr_array_unref);
    }
  g_clear_object (&self->service);
  G_OBJECT_CLASS (eb_api_events_parent_class)->dispose (object);
}

static void
eb_api_events_class_init (EbApiEventsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eb_api_events_dispose;
}

static void
eb_api_events_init (EbApiEvents *self)
{
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_events_client_free);
}

/**
 * eb_api_events_new:
 * @service: the service whose "session-event" signal is relayed
 *
 * Returns: (transfer full): a hub without sockets
 */
EbApiEvents *
eb_api_events_new (EbService *service)
{
  EbApiEvents *self;

  g_return_val_if_fail (EB_IS_SERVICE (service), NULL);

  self = g_object_new (EB_TYPE_API_EVENTS, NULL);
  self->service = g_object_ref (service);
  self->event_id = g_signal_connect (service, "session-event",
                                     G_CALLBACK (eb_api_events_session_event_cb), self);
  self->access_id = g_signal_connect (service, "access-changed",
                                      G_CALLBACK (eb_api_events_access_changed_cb), self);
  return self;
}
