/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <stdlib.h>
#include <string.h>

#include "eb-static-private.h"

/* Static pages are small: larger files are not served from memory. */
#define EB_STATIC_MAX_BYTES (16 * 1024 * 1024)

static const struct
{
  const char *suffix;
  const char *content_type;
} static_types[] = {
  { ".html", "text/html; charset=utf-8" },
  { ".js", "text/javascript; charset=utf-8" },
  { ".mjs", "text/javascript; charset=utf-8" },
  { ".css", "text/css; charset=utf-8" },
  { ".json", "application/json" },
  { ".svg", "image/svg+xml" },
  { ".png", "image/png" },
  { ".ico", "image/vnd.microsoft.icon" },
  { ".txt", "text/plain; charset=utf-8" },
  { ".yaml", "application/yaml" },
  { ".vtt", "text/vtt; charset=utf-8" },
  { ".webmanifest", "application/manifest+json" },
};

static const char *
eb_static_content_type (const char *filename)
{
  for (guint i = 0; i < G_N_ELEMENTS (static_types); i++)
    {
      if (g_str_has_suffix (filename, static_types[i].suffix))
        return static_types[i].content_type;
    }
  return "application/octet-stream";
}

/* Every segment must be a plain name: no hidden files, no "..". */
static gboolean
eb_static_path_is_plain (const char *path)
{
  g_auto (GStrv) segments = g_strsplit (path, "/", -1);

  for (guint i = 1; segments[i] != NULL; i++)
    {
      if (segments[i][0] == '.' || strchr (segments[i], '\\') != NULL)
        return FALSE;
    }
  return TRUE;
}

/* (transfer full) (nullable): the regular file @path names inside @root,
 * following symbolic links only when they stay inside @root. */
static char *
eb_static_resolve (const char *root, const char *path)
{
  g_autofree char *real_root = realpath (root, NULL);
  g_autofree char *candidate = NULL;
  g_autofree char *real = NULL;
  g_autofree char *prefix = NULL;

  if (real_root == NULL || !eb_static_path_is_plain (path))
    return NULL;
  candidate = g_build_filename (real_root, path, NULL);
  if (g_file_test (candidate, G_FILE_TEST_IS_DIR))
    {
      char *index = g_build_filename (candidate, "index.html", NULL);

      g_free (candidate);
      candidate = index;
    }
  real = realpath (candidate, NULL);
  prefix = g_strconcat (real_root, G_DIR_SEPARATOR_S, NULL);
  if (real == NULL || !g_str_has_prefix (real, prefix)
      || !g_file_test (real, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&real);
}

void
eb_static_serve (EbApiRequest *req)
{
  g_autofree char *filename = NULL;
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (strcmp (req->method, SOUP_METHOD_GET) != 0 && strcmp (req->method, SOUP_METHOD_HEAD) != 0)
    {
      eb_api_set_header (req, "Allow", "GET, HEAD");
      eb_api_reply_problem (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "static pages are read-only",
                            NULL);
      return;
    }
  filename = eb_static_resolve (req->settings->www_dir, req->path);
  if (filename == NULL)
    {
      eb_api_reply_problem (req, SOUP_STATUS_NOT_FOUND, "no such resource", NULL);
      return;
    }
  if (!g_file_get_contents (filename, &contents, &length, &error) || length > EB_STATIC_MAX_BYTES)
    {
      g_free (contents);
      g_warning ("cannot serve %s: %s", filename, error != NULL ? error->message : "too large");
      eb_api_reply_problem (req, SOUP_STATUS_NOT_FOUND, "no such resource", NULL);
      return;
    }
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, eb_static_content_type (filename), SOUP_MEMORY_TAKE,
                                    contents, length);
}
