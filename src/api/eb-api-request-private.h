/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <eboard/eb-api.h>
#include <eboard/eb-service.h>

G_BEGIN_DECLS

#define EB_API_MAX_PATH_IDS 2

/* A secret calendar feed URL is the public URL, this prefix, the secret
 * and this suffix; the route is "/api/v1/calendar/{secret}.ics". */
#define EB_API_CALENDAR_FEED_PREFIX "/api/v1/calendar/"
#define EB_API_CALENDAR_FEED_SUFFIX ".ics"

/**
 * EbApiRequest:
 * @settings: the server's settings (strings owned by the server)
 * @path: the decoded URL path
 * @query: (nullable): the decoded query parameters
 * @ids: the ids of the route's `{...}` segments, in order
 * @secret: (nullable): the route's `{secret}` segment without its
 *   literal suffix (the secret of a calendar feed URL); valid while the
 *   handler runs, never logged
 * @resource: (nullable): the route's `{resource}` segment, an opaque id
 *   (a WHIP or WHEP resource); valid while the handler runs
 * @principal: who calls (set once authenticated with an API token)
 * @participant: who calls (set once authenticated with a join
 *   credential, on the routes that take one instead of an API token)
 *
 * One request as the handlers see it. Every handler answers through the
 * eb_api_reply_*() functions, which set the status and the body.
 */
typedef struct
{
  EbService *service;
  const EbApiSettings *settings;
  SoupServerMessage *msg;
  const char *method;
  const char *path;
  GHashTable *query;
  EbId ids[EB_API_MAX_PATH_IDS];
  guint n_ids;
  const char *secret;
  const char *resource;
  EbPrincipal principal;
  EbParticipant participant;
} EbApiRequest;

typedef void (*EbApiHandler) (EbApiRequest *req);
typedef JsonNode *(*EbApiEncodeFunc) (gconstpointer item);

/* --- answers --- */

/* @node: (transfer full) */
void eb_api_reply_json (EbApiRequest *req, guint status, JsonNode *node);
/* A single object: its JSON and `ETag: "@version"`. */
void eb_api_reply_entity (EbApiRequest *req, guint status, JsonNode *node, gint64 version);
/* @text: (transfer full) */
void eb_api_reply_text (EbApiRequest *req, guint status, const char *content_type, char *text);
void eb_api_reply_no_content (EbApiRequest *req);
void eb_api_reply_problem (EbApiRequest *req, guint status, const char *detail,
                           GPtrArray *violations);
/* One problem with one `invalid-field` violation on @field. */
void eb_api_reply_invalid (EbApiRequest *req, const char *field, const char *format, ...)
    G_GNUC_PRINTF (3, 4);
void eb_api_reply_error (EbApiRequest *req, const GError *error);
/* {"items": [...], "total", "offset", "limit"} */
void eb_api_reply_list (EbApiRequest *req, GPtrArray *items, EbApiEncodeFunc encode, guint total,
                        const EbPage *page);
/* The same envelope over the window @page of the complete list @all. */
void eb_api_reply_window (EbApiRequest *req, GPtrArray *all, EbApiEncodeFunc encode,
                          const EbPage *page);

void eb_api_set_location (EbApiRequest *req, const char *format, ...) G_GNUC_PRINTF (2, 3);
void eb_api_set_header (EbApiRequest *req, const char *name, const char *value);

/* --- reading the request (each answers 4xx itself and returns FALSE or
 * NULL when the request is unusable) --- */

/* (transfer full): the JSON object in @data as a request body is read:
 * UTF-8, strict RFC 8259 (eb_json_validate(), at most EB_JSON_MAX_DEPTH
 * deep), an object. Otherwise EB_ERROR_INVALID, whose message is the
 * problem's detail and which carries an `invalid-field` violation for a
 * string holding U+0000. */
JsonObject *eb_api_parse_object (const char *data, gsize size, GError **error);
/* (transfer full): the JSON object body (415 unless JSON, 400 when empty,
 * malformed or not an object; the 400 lists the violations
 * eb_api_parse_object() found). */
JsonObject *eb_api_read_object (EbApiRequest *req);
/* The same, refusing an object without members (nothing to change). */
JsonObject *eb_api_read_patch (EbApiRequest *req);
/* @version: the version of `If-Match: "N"`, 0 when absent or `*`. */
gboolean eb_api_read_if_match (EbApiRequest *req, gint64 *version);
/* `offset` (0..) and `limit` (1..500, default 50). */
gboolean eb_api_read_page (EbApiRequest *req, EbPage *page);
/* (nullable) (transfer none): a query parameter, %NULL when absent. */
const char *eb_api_query (EbApiRequest *req, const char *name);
gboolean eb_api_query_instant (EbApiRequest *req, const char *name, gboolean required, gint64 *out);
gboolean eb_api_query_id (EbApiRequest *req, const char *name, EbId *out);
gboolean eb_api_query_bool (EbApiRequest *req, const char *name, gint *out);

/* Strictly a positive 64-bit integer in decimal, without sign or
 * leading zero. */
gboolean eb_api_parse_id (const char *text, EbId *id);

/* (transfer full): the request body as received. */
GBytes *eb_api_request_body (EbApiRequest *req);

/* --- answers that wait --- */

/**
 * EbApiPaused:
 *
 * A request whose answer comes later, its message paused meanwhile. Its
 * client may go away before the answer: libsoup emits "finished" for a
 * message it drops, but reads nothing from the connection of a paused
 * message, so a client that closes its connection is noticed by
 * watching the socket (and by looking at it once more when the answer is
 * ready). Such a request is answered with status 499 for the request log.
 */
typedef struct _EbApiPaused EbApiPaused;

/* Pauses @req's message, with a provisional status that the answer
 * replaces. @cancellable: (nullable): cancelled when the client goes
 * away before the answer. */
EbApiPaused *eb_api_pause (EbApiRequest *req, GCancellable *cancellable);
/* Once the answer is ready: (nullable) (transfer none) the request to
 * answer, or %NULL when its client went away (nobody reads an answer). */
EbApiRequest *eb_api_paused_request (EbApiPaused *paused);
/* Sends the answer given to eb_api_paused_request()'s request (or the
 * 499 of a client that left) and frees @paused. */
void eb_api_paused_resume (EbApiPaused *paused);

G_END_DECLS
