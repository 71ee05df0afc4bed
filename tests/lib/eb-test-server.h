/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <eboard/eboard.h>

G_BEGIN_DECLS

/* A single test never waits longer than this for the server. */
#define EB_TEST_WATCHDOG_SECONDS 60
#define EB_TEST_REQUEST_SECONDS 20

/**
 * EbTestServer:
 * @dir: a fresh temporary folder holding the store file
 * @base_url: "http://127.0.0.1:PORT"
 * @admin_token: the bootstrap admin token's secret
 * @admin: the bootstrap admin as a principal, for direct service calls
 *
 * The real API over a real store on 127.0.0.1 port 0, and a real libsoup
 * client on the same main context (requests iterate the context until
 * their answer arrives, so the server runs meanwhile). A watchdog aborts
 * a test that hangs.
 */
typedef struct
{
  char *dir;
  EbStore *store;
  EbService *service;
  EbApiServer *server;
  SoupSession *session;
  char *base_url;
  char *admin_token;
  EbPrincipal admin;
  guint watchdog_id;
} EbTestServer;

/* @settings: (nullable): the API settings (NULL: the defaults) */
EbTestServer *eb_test_server_new (const EbApiSettings *settings);
/* Stops everything and checks that the server, the service, the store
 * and the client were all finalized (nothing kept a reference). */
void eb_test_server_free (EbTestServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbTestServer, eb_test_server_free)

/* A new token's secret for @role and @person_id (0: a new person of a
 * new active site, except for admins who may belong to nobody). */
char *eb_test_server_token (EbTestServer *server, EbRole role, EbId person_id);

/* Direct inserts through the service (as the bootstrap admin). */
EbId eb_test_seed_site (EbTestServer *server, const char *code, EbSiteStatus status,
                        gboolean is_hub);
EbId eb_test_seed_person (EbTestServer *server, EbId site_id, const char *name,
                          const char *specialty);

/* Iterates the main context until *@done, failing the test after
 * EB_TEST_REQUEST_SECONDS. */
void eb_test_wait_for (gboolean *done);

/**
 * EbTestReply:
 * @status: the HTTP status
 * @message: the exchanged message (its response headers)
 * @body: the body, NUL-terminated for convenience
 * @json: (nullable): the body parsed, for JSON answers
 */
typedef struct
{
  guint status;
  SoupMessage *message;
  GBytes *body;
  JsonNode *json;
} EbTestReply;

void eb_test_reply_free (EbTestReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbTestReply, eb_test_reply_free)

const char *eb_test_reply_header (EbTestReply *reply, const char *name);
const char *eb_test_reply_text (EbTestReply *reply);
/* (transfer none): the JSON object body (asserts there is one). */
JsonObject *eb_test_reply_object (EbTestReply *reply);
/* The `rule` of violation @index of a problem (asserts it exists). */
const char *eb_test_reply_violation (EbTestReply *reply, guint index, const char *member);
/* Whether a problem lists a violation with @rule and @field (field NULL:
 * any). */
gboolean eb_test_reply_has_violation (EbTestReply *reply, const char *rule, const char *field);
/* Asserts a problem+json answer with @status. */
void eb_test_assert_problem (EbTestReply *reply, guint status);

/* A request with a JSON body (@json NULL: none). @token NULL: no
 * Authorization header. */
EbTestReply *eb_test_request (EbTestServer *server, const char *method, const char *path,
                              const char *token, const char *json);
/*
 * @content_type: (nullable): of @body
 * @body: (nullable)
 * @headers: (nullable): NULL-terminated name, value, name, value...
 * @chunked: send the body with chunked transfer encoding
 */
EbTestReply *eb_test_request_full (EbTestServer *server, const char *method, const char *path,
                                   const char *token, const char *content_type, GBytes *body,
                                   const char *const *headers, gboolean chunked);

/* printf-style JSON builders for bodies (transfer full). */
char *eb_test_json (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* --- raw connections, for what a client library hides --- */

GSocketConnection *eb_test_raw_connect (EbTestServer *server);
/* Writes @request (may be partial) on a worker thread while the main
 * context runs; with @read_reply, then reads one whole answer. Returns
 * the answer (transfer full), or "" when none was asked for. */
char *eb_test_raw_exchange (GSocketConnection *connection, const char *request,
                            gboolean read_reply);
/* The status code of a raw answer. */
guint eb_test_raw_status (const char *answer);

G_END_DECLS
