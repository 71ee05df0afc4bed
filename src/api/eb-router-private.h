/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-api-request-private.h"

G_BEGIN_DECLS

/*
 * Routes one request: 404 for an unknown path (or the static pages
 * outside /api/), 405 with `Allow` for a method the path does not have,
 * 401 without a valid bearer token (all routes but /healthz and the
 * secret calendar feed URLs, whose `{secret}` segment is the credential),
 * 400 when a path id is not a positive 64-bit integer; then the route's
 * handler, through the Idempotency-Key check for creates.
 */
void eb_router_dispatch (EbApiRequest *req);

/* (transfer full): @path (as received, encoded or not) for a log line,
 * with every segment that may hold a calendar feed's secret replaced by
 * "(redacted)". */
char *eb_router_redact_path (const char *path);

G_END_DECLS
