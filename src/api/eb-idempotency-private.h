/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-api-request-private.h"

G_BEGIN_DECLS

/*
 * Runs the create @handler under the request's Idempotency-Key, if any:
 * a key already used by the same token with the same method, path and
 * body replays the first answer (status, body, Location, ETag) without
 * running @handler; with another request it is 422
 * `idempotency-key-reused`. Successful answers are remembered; with
 * @secret their `secret` member is left out (it is shown only once).
 */
void eb_idempotency_run (EbApiRequest *req, EbApiHandler handler, gboolean secret);

G_END_DECLS
