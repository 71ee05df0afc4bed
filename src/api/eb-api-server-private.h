/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-api.h>

G_BEGIN_DECLS

/* Open client connections that have sent at least one request (what
 * max_connections limits). */
guint eb_api_server_get_connections (EbApiServer *self);

G_END_DECLS
