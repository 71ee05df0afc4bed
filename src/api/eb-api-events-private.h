/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <eboard/eb-service.h>

G_BEGIN_DECLS

/*
 * Close codes of the events WebSocket (docs/API.md, "Live events"): the
 * standard ones, and private ones (4000..4999) that mirror the HTTP
 * statuses a request would get.
 */
#define EB_EVENTS_CLOSE_SESSION_ENDED SOUP_WEBSOCKET_CLOSE_NORMAL
#define EB_EVENTS_CLOSE_GOING_AWAY SOUP_WEBSOCKET_CLOSE_GOING_AWAY
#define EB_EVENTS_CLOSE_TOO_SLOW SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION
#define EB_EVENTS_CLOSE_UNAUTHENTICATED 4401
#define EB_EVENTS_CLOSE_FORBIDDEN 4403
/* A participant (join credential) whose credential no longer opens the
 * session: taken off the roster, declined, revoked, expired. */
#define EB_EVENTS_CLOSE_PARTICIPANT_REFUSED SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION

/* Events a reader has not taken yet before it is dropped as too slow. */
#define EB_EVENTS_MAX_PENDING 256

/*
 * EbApiEvents: the open events WebSockets of one API server. It listens
 * to the service's "session-event" signal and sends each event, as JSON,
 * to the sockets of its session; it re-checks each reader's token (or a
 * participant's join credential) and access while the socket is open, at
 * once on the service's "access-changed" signal.
 */
#define EB_TYPE_API_EVENTS (eb_api_events_get_type ())
G_DECLARE_FINAL_TYPE (EbApiEvents, eb_api_events, EB, API_EVENTS, GObject)

EbApiEvents *eb_api_events_new (EbService *service);

/* The SoupServerWebsocketCallback of the server (@user_data: the
 * EbApiEvents): takes over a connection that eb_api_session_events()
 * accepted. */
void eb_api_events_accept_cb (SoupServer *server, SoupServerMessage *msg, const char *path,
                              SoupWebsocketConnection *connection, gpointer user_data);

/* Closes every socket with @code and @reason (e.g. when the server
 * stops). */
void eb_api_events_close_all (EbApiEvents *self, gushort code, const char *reason);

/* Open sockets. */
guint eb_api_events_get_n_clients (EbApiEvents *self);

G_END_DECLS
