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
 * 401 without a valid bearer token (all routes but /healthz), 400 when a
 * path id is not a positive 64-bit integer; then the route's handler,
 * through the Idempotency-Key check for creates.
 */
void eb_router_dispatch (EbApiRequest *req);

G_END_DECLS
