/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-test-server.h"

G_BEGIN_DECLS

/*
 * Set-up shared by the API tests of live sessions (tests/api: live,
 * conference, WebRTC): sessions with their roster, started and ended
 * through the service, a real media plane on 127.0.0.1 recording into a
 * temporary folder, and a real events WebSocket client.
 */

/* --- sessions --- */

/* A new API token of @role for @person_id; (transfer full): its secret.
 * @token_id: (out) (optional): its id. */
char *eb_api_test_token (EbTestServer *server, EbRole role, EbId person_id, EbId *token_id);

/* Puts @person_id on the roster of @session_id as @role, with the
 * invitation accepted when @accepted; returns the entry's id. */
EbId eb_api_test_add_entry (EbTestServer *server, EbId session_id, EbId person_id,
                            EbRosterRole role, gboolean accepted);

/* A draft session "Thoracic board" of 60 minutes hosted by @site_id,
 * starting at @start (Unix time) in @timezone; returns its id. */
EbId eb_api_test_new_session (EbTestServer *server, EbId site_id, gint64 start,
                              const char *timezone);

/* Moves the draft @session_id to scheduled. */
void eb_api_test_schedule (EbTestServer *server, EbId session_id);

/* Starts @session_id as @who, asserting that it is live. */
void eb_api_test_start (EbTestServer *server, const EbPrincipal *who, EbId session_id);

/* Ends the live @session_id as @who through the service, waiting for the
 * end; (transfer full): its recording. */
EbRecording *eb_api_test_end (EbTestServer *server, const EbPrincipal *who, EbId session_id);

/* "/api/v1/sessions/ID@suffix"; (transfer full) */
char *eb_api_test_session_path (EbId session_id, const char *suffix);

/* --- a real media plane --- */

/**
 * EbApiTestMedia:
 * @recordings_dir: a new temporary folder the plane records into
 * @plane: the plane, started on 127.0.0.1 with two-second segments
 */
typedef struct
{
  char *recordings_dir;
  EbMediaPlane *plane;
} EbApiTestMedia;

/* Starts a plane verifying join credentials with @key;
 * @ice_addresses: (nullable): its only local ICE addresses. */
void eb_api_test_media_start (EbApiTestMedia *media, const guint8 *key, gsize key_length,
                              const char *const *ice_addresses);
/* Takes the plane from @server's service, checks that nothing kept it
 * alive and removes the recordings. */
void eb_api_test_media_stop (EbApiTestMedia *media, EbTestServer *server);

/* --- the events WebSocket --- */

/**
 * EbApiTestWs:
 * @message: the handshake's message (its status once refused)
 * @connection: (nullable): once connected
 * @closed_at: when it closed (monotonic)
 * @messages: (element-type JsonNode): the events received
 *
 * A real libsoup WebSocket client of the server's events.
 */
typedef struct
{
  SoupMessage *message;
  SoupWebsocketConnection *connection;
  GError *error;
  gboolean connected;
  gboolean failed;
  gboolean closed;
  gint64 closed_at;
  GPtrArray *messages;
} EbApiTestWs;

/* Opens @path (which may carry a query) as a WebSocket. @token:
 * (nullable): sent as the `access_token` query parameter (as browsers
 * do) when @in_query, else as a bearer header. Returns once connected or
 * refused. */
EbApiTestWs *eb_api_test_ws_connect (EbTestServer *server, const char *path, const char *token,
                                     gboolean in_query);
void eb_api_test_ws_free (EbApiTestWs *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbApiTestWs, eb_api_test_ws_free)

/* Waits until @ws holds @n messages (or is closed), asserting that it
 * holds them. */
void eb_api_test_ws_wait_messages (EbApiTestWs *ws, guint n);
void eb_api_test_ws_wait_closed (EbApiTestWs *ws);
/* (transfer none): message @index, which is an object. */
JsonObject *eb_api_test_ws_message (EbApiTestWs *ws, guint index);
/* (transfer none): the first message of @kind at index @from or later,
 * waited for while the socket stays open. */
JsonObject *eb_api_test_ws_wait_kind (EbApiTestWs *ws, const char *kind, guint from);
guint eb_api_test_ws_count_kind (EbApiTestWs *ws, const char *kind);

G_END_DECLS
