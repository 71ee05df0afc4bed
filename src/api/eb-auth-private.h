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

G_END_DECLS
