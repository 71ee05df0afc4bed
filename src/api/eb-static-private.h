/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-api-request-private.h"

G_BEGIN_DECLS

/* Serves req->path from settings->www_dir (GET and HEAD; a folder gives
 * its index.html): 404 for anything outside the folder, hidden ("." first)
 * or missing, 405 for other methods. */
void eb_static_serve (EbApiRequest *req);

G_END_DECLS
