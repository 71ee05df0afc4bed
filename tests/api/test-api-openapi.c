/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include "eb-test-server.h"

/*
 * The router and data/openapi.yaml describe the same (method, path)
 * pairs. The YAML is read with a small line parser of the `paths:`
 * section as the file lays it out: path keys at two spaces, operation
 * keys at four.
 */

static const char *const http_methods[] = {
  "get", "put", "post", "delete", "patch", "head", "options", "trace", NULL,
};

static char *
openapi_path (void)
{
  return g_build_filename (EB_SOURCE_DATADIR, "openapi.yaml", NULL);
}

static guint
indentation (const char *line)
{
  guint n = 0;

  while (line[n] == ' ')
    n++;
  return n;
}

/* The key of a "key:" line (without quotes), or NULL. */
static char *
line_key (const char *line)
{
  const char *start = line + indentation (line);
  const char *colon = strchr (start, ':');
  g_autofree char *key = NULL;

  if (colon == NULL || *start == '#' || *start == '-')
    return NULL;
  /* A path key ends with ':' (and maybe a comment), not with a value. */
  if (colon[1] != '\0' && colon[1] != ' ' && colon[1] != '#')
    return NULL;
  key = g_strndup (start, colon - start);
  g_strstrip (key);
  if (strlen (key) >= 2 && (key[0] == '\'' || key[0] == '"') && key[strlen (key) - 1] == key[0])
    {
      key[strlen (key) - 1] = '\0';
      return g_strdup (key + 1);
    }
  return g_steal_pointer (&key);
}

/* "METHOD /path" for each operation of the `paths:` section. */
static GHashTable *
openapi_operations (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = NULL;
  gboolean in_paths = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strchomp (lines[i]);
      g_autofree char *key = NULL;
      guint indent = indentation (line);

      if (line[indent] == '\0' || line[indent] == '#')
        continue;
      if (indent == 0)
        {
          in_paths = g_str_has_prefix (line, "paths:");
          continue;
        }
      if (!in_paths || (key = line_key (line)) == NULL)
        continue;
      if (indent == 2)
        {
          g_free (path);
          path = key[0] == '/' ? g_strdup (key) : NULL;
        }
      else if (indent == 4 && path != NULL && g_strv_contains (http_methods, key))
        {
          g_autofree char *method = g_ascii_strup (key, -1);

          g_hash_table_add (operations, g_strdup_printf ("%s %s", method, path));
        }
    }
  return operations;
}

static GHashTable *
router_operations (void)
{
  GHashTable *operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = 0;
  const EbApiRoute *routes = eb_api_routes (&n);

  g_assert_nonnull (routes);
  for (guint i = 0; i < n; i++)
    {
      char *operation = g_strdup_printf ("%s %s", routes[i].method, routes[i].path);

      /* Each (method, path) appears once. */
      g_assert_true (g_hash_table_add (operations, operation));
    }
  return operations;
}

/* The members of @a that @b lacks, sorted, one per line. */
static char *
missing_from (GHashTable *a, GHashTable *b)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (b, key))
        g_ptr_array_add (missing, key);
    }
  g_ptr_array_sort (missing, (GCompareFunc)g_strcmp0);
  g_ptr_array_add (missing, NULL);
  return g_strjoinv ("\n", (char **)missing->pdata);
}

static void
test_parser (void)
{
  static const char yaml[] = "openapi: 3.1.0\n"
                             "components:\n"
                             "  schemas:\n"
                             "    get:\n"
                             "paths:\n"
                             "  /healthz:\n"
                             "    get:\n"
                             "      summary: health\n"
                             "  '/api/v1/sites/{id}':\n"
                             "    parameters:\n"
                             "      - $ref: x\n"
                             "    patch:\n"
                             "    delete: # gone\n"
                             "\n"
                             "  /api/v1/x: {}\n"
                             "tags: []\n"
                             "  /not/a/path:\n"
                             "    get:\n";
  g_autoptr (GHashTable) operations = openapi_operations (yaml);

  g_assert_cmpuint (g_hash_table_size (operations), ==, 3);
  g_assert_true (g_hash_table_contains (operations, "GET /healthz"));
  g_assert_true (g_hash_table_contains (operations, "PATCH /api/v1/sites/{id}"));
  g_assert_true (g_hash_table_contains (operations, "DELETE /api/v1/sites/{id}"));
}

static void
test_router_matches_openapi (void)
{
  g_autofree char *path = openapi_path ();
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) documented = NULL;
  g_autoptr (GHashTable) routed = router_operations ();
  g_autofree char *undocumented = NULL;
  g_autofree char *unrouted = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  documented = openapi_operations (text);
  undocumented = missing_from (routed, documented);
  unrouted = missing_from (documented, routed);
  if (undocumented[0] != '\0')
    g_test_message ("routes missing from openapi.yaml:\n%s", undocumented);
  if (unrouted[0] != '\0')
    g_test_message ("operations of openapi.yaml the router lacks:\n%s", unrouted);
  g_assert_cmpstr (undocumented, ==, "");
  g_assert_cmpstr (unrouted, ==, "");
  g_assert_cmpuint (g_hash_table_size (documented), ==, g_hash_table_size (routed));
}

/* The daemon serves the very file the test reads. */
static void
test_served (void)
{
  g_autofree char *path = openapi_path ();
  EbApiSettings settings = { .openapi_path = path };
  g_autoptr (EbTestServer) server = eb_test_server_new (&settings);
  g_autoptr (EbTestReply) reply = NULL;
  g_autoptr (EbTestReply) anonymous = NULL;
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  reply = eb_test_request (server, "GET", "/api/v1/openapi.yaml", server->admin_token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (eb_test_reply_header (reply, "Content-Type"), ==, "application/yaml");
  g_assert_cmpstr (eb_test_reply_text (reply), ==, text);

  anonymous = eb_test_request (server, "GET", "/api/v1/openapi.yaml", NULL, NULL);
  eb_test_assert_problem (anonymous, 401);
}

static void
test_not_configured (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (EbTestReply) reply = NULL;

  reply = eb_test_request (server, "GET", "/api/v1/openapi.yaml", server->admin_token, NULL);
  eb_test_assert_problem (reply, 404);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/api/openapi/parser", test_parser);
  g_test_add_func ("/eboard/api/openapi/router-matches", test_router_matches_openapi);
  g_test_add_func ("/eboard/api/openapi/served", test_served);
  g_test_add_func ("/eboard/api/openapi/not-configured", test_not_configured);
  return g_test_run ();
}
