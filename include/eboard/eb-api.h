/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <eboard/eb-service.h>

G_BEGIN_DECLS

/**
 * EbApiSettings:
 * @max_body_bytes: larger request bodies get 413 (0: 1 MiB)
 * @max_connections: concurrent connections accepted (0: 256)
 * @www_dir: (nullable): folder of static pages served under `/`
 * @openapi_path: (nullable): the `openapi.yaml` served at `/api/v1/openapi.yaml`
 */
typedef struct
{
  gsize max_body_bytes;
  guint max_connections;
  const char *www_dir;
  const char *openapi_path;
} EbApiSettings;

/**
 * EbApiRoute:
 * @method: "GET", "POST", "PATCH", "DELETE" or "PUT"
 * @path: a template such as `/api/v1/sessions/{id}/roster/{entry_id}`
 *
 * One route of the router; the table is held against openapi.yaml by a
 * test.
 */
typedef struct
{
  const char *method;
  const char *path;
} EbApiRoute;

/* (transfer none): the router's table, @n_routes entries. */
const EbApiRoute *eb_api_routes (guint *n_routes);

#define EB_TYPE_API_SERVER (eb_api_server_get_type ())
G_DECLARE_FINAL_TYPE (EbApiServer, eb_api_server, EB, API_SERVER, GObject)

EbApiServer *eb_api_server_new (EbService *service, const EbApiSettings *settings);
/* Listens on @address (e.g. "127.0.0.1" or "::1") and @port (0: any). */
gboolean eb_api_server_listen (EbApiServer *self, const char *address, guint port, GError **error);
/* The port actually bound (useful after listening on port 0). */
guint eb_api_server_get_port (EbApiServer *self);
guint eb_api_server_get_in_flight (EbApiServer *self);
/* Stops accepting connections, lets in-flight requests finish (up to
 * @timeout_ms), then disconnects. */
void eb_api_server_shutdown_async (EbApiServer *self, guint timeout_ms, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean eb_api_server_shutdown_finish (EbApiServer *self, GAsyncResult *result, GError **error);

G_END_DECLS
