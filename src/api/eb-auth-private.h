/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-api-request-private.h"

G_BEGIN_DECLS

/* The secret of `Authorization: Bearer <secret>` (transfer none, pointing
 * into @header), or %NULL when @header is not a bearer credential. */
const char *eb_auth_parse_bearer (const char *header, gsize *length);

/* Resolves req->principal from the bearer token; answers 401 with
 * `WWW-Authenticate: Bearer realm="eboard"` and returns %FALSE when the
 * token is missing, unknown, revoked or expired. */
gboolean eb_auth_authenticate (EbApiRequest *req);

/* The query parameter that carries the token where a client cannot set
 * headers (browsers opening a WebSocket). Request logs never show
 * queries. */
#define EB_AUTH_QUERY_TOKEN "access_token"

/* As eb_auth_authenticate(), also taking the token from the
 * EB_AUTH_QUERY_TOKEN query parameter when there is no Authorization
 * header. */
gboolean eb_auth_authenticate_with_query (EbApiRequest *req);

/* Resolves req->participant from a join credential (not an API token)
 * presented for session @session_id: 401 (with `WWW-Authenticate`) when
 * it is missing, malformed, forged or expired; 404 for an unknown
 * session; 403 for another session's credential, a person no longer on
 * the roster, declined, inactive or of a suspended or withdrawn site, and
 * a revoked credential (see eb_service_authenticate_participant()). */
gboolean eb_auth_check_participant (EbApiRequest *req, const char *credential, EbId session_id);

/* eb_auth_check_participant() with the credential of
 * `Authorization: Bearer <credential>`. */
gboolean eb_auth_authenticate_participant (EbApiRequest *req, EbId session_id);

G_END_DECLS
