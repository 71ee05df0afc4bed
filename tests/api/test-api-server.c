/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "api/eb-api-server-private.h"
#include "eb-test-server.h"

/*
 * The HTTP side of the API: routing, authentication, request limits,
 * connection accounting, graceful shutdown, static pages and the request
 * log, through a real server and real clients.
 */

#define SMALL_BODY 4096

/* --- the request log, captured for the whole program --- */

static GPtrArray *log_lines;

static GLogWriterOutput
capture_log_cb (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  GString *line = g_string_new (NULL);

  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append_printf (line, "%s=%s ", fields[i].key, (const char *)fields[i].value);
      else
        g_string_append_printf (line, "%s=%.*s ", fields[i].key, (int)fields[i].length,
                                (const char *)fields[i].value);
    }
  g_ptr_array_add (log_lines, g_string_free (line, FALSE));
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* --- routing --- */

static void
test_health (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (EbTestReply) reply = eb_test_request (server, "GET", "/healthz", NULL, NULL);
  g_autoptr (EbTestReply) head = NULL;
  g_autoptr (EbTestReply) bad_token = NULL;
  JsonObject *health;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (eb_test_reply_header (reply, "Content-Type"), ==, "application/json");
  health = eb_test_reply_object (reply);
  g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (health, "version"), ==, EB_VERSION);

  head = eb_test_request (server, "HEAD", "/healthz", NULL, NULL);
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 1);

  /* /healthz ignores credentials, even wrong ones. */
  bad_token = eb_test_request (server, "GET", "/healthz", "eb_nonsense", NULL);
  g_assert_cmpuint (bad_token->status, ==, 200);
}

static void
test_not_found (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  static const char *const paths[] = {
    "/",
    "/api",
    "/api/v1",
    "/api/v1/nothing",
    "/api/v1/sites/",
    "/api/v1/sites/1/extra",
    "/api/v2/sites",
    "/api/v1/sessions/1/agenda/1/more",
    "/index.html",
    "/api/v1//sites",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (EbTestReply) reply
          = eb_test_request (server, "GET", paths[i], server->admin_token, NULL);

      g_test_message ("GET %s", paths[i]);
      eb_test_assert_problem (reply, 404);
    }
}

static void
test_method_not_allowed (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  static const struct
  {
    const char *method;
    const char *path;
    const char *allow;
  } cases[] = {
    { "PUT", "/api/v1/sites", "GET, POST" },
    { "DELETE", "/api/v1/sites", "GET, POST" },
    { "POST", "/api/v1/sites/1", "GET, PATCH, DELETE" },
    { "GET", "/api/v1/sessions/1/agenda/order", "POST" },
    { "GET", "/api/v1/sessions/1/schedule", "POST" },
    { "PATCH", "/api/v1/sessions/1/exceptions", "PUT, DELETE" },
    { "POST", "/healthz", "GET" },
    { "OPTIONS", "/api/v1/tokens", "GET, POST" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EbTestReply) reply
          = eb_test_request (server, cases[i].method, cases[i].path, server->admin_token, NULL);

      g_test_message ("%s %s", cases[i].method, cases[i].path);
      eb_test_assert_problem (reply, 405);
      g_assert_cmpstr (eb_test_reply_header (reply, "Allow"), ==, cases[i].allow);
    }
}

static void
test_bad_ids (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  static const struct
  {
    const char *path;
    const char *field;
  } cases[] = {
    { "/api/v1/sites/abc", "id" },
    { "/api/v1/sites/0", "id" },
    { "/api/v1/sites/-1", "id" },
    { "/api/v1/sites/+1", "id" },
    { "/api/v1/sites/01", "id" },
    { "/api/v1/sites/1.0", "id" },
    { "/api/v1/sites/1e3", "id" },
    { "/api/v1/sites/%201", "id" },
    { "/api/v1/sites/9223372036854775808", "id" },
    { "/api/v1/sites/99999999999999999999", "id" },
    { "/api/v1/people/x/calendar.ics", "id" },
    { "/api/v1/sessions/1/roster/x", "entry_id" },
    { "/api/v1/sessions/1/agenda/0", "item_id" },
    { "/api/v1/sessions/one/agenda/1", "id" },
  };
  g_autoptr (EbTestReply) largest = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EbTestReply) reply
          = eb_test_request (server, "GET", cases[i].path, server->admin_token, NULL);

      g_test_message ("GET %s", cases[i].path);
      eb_test_assert_problem (reply, 400);
      g_assert_true (eb_test_reply_has_violation (reply, "invalid-field", cases[i].field));
      g_assert_nonnull (strstr (
          json_object_get_string_member (eb_test_reply_object (reply), "detail"), "bad id"));
    }

  /* The largest id is an id: it just does not exist. */
  largest = eb_test_request (server, "GET", "/api/v1/sites/9223372036854775807",
                             server->admin_token, NULL);
  eb_test_assert_problem (largest, 404);
}

/* --- authentication --- */

static void
assert_unauthorized (EbTestServer *server, const char *authorization, const char *error_code)
{
  const char *headers[] = { "Authorization", authorization, NULL };
  g_autoptr (EbTestReply) reply = NULL;
  const char *challenge;

  reply = eb_test_request_full (server, "GET", "/api/v1/whoami", NULL, NULL, NULL,
                                authorization != NULL ? headers : NULL, FALSE);
  eb_test_assert_problem (reply, 401);
  challenge = eb_test_reply_header (reply, "WWW-Authenticate");
  g_assert_nonnull (challenge);
  g_assert_true (g_str_has_prefix (challenge, "Bearer realm=\"eboard\""));
  if (error_code != NULL)
    g_assert_nonnull (strstr (challenge, error_code));
  else
    g_assert_cmpstr (challenge, ==, "Bearer realm=\"eboard\"");
}

static void
test_authentication (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autofree char *reviewer = eb_test_server_token (server, EB_ROLE_REVIEWER, 0);
  g_autofree char *basic = g_strdup_printf ("Basic %s", server->admin_token);
  g_autofree char *lowercase = g_strdup_printf ("bearer  %s ", server->admin_token);
  g_autofree char *two_words = g_strdup_printf ("Bearer %s extra", server->admin_token);
  const char *headers[] = { "Authorization", lowercase, NULL };
  g_autoptr (EbTestReply) whoami = NULL;
  g_autoptr (EbTestReply) scheme_case = NULL;
  g_autoptr (GError) error = NULL;
  EbPrincipal principal = { 0 };
  JsonObject *object;

  assert_unauthorized (server, NULL, NULL);
  assert_unauthorized (server, basic, "invalid_request");
  assert_unauthorized (server, "Bearer", "invalid_request");
  assert_unauthorized (server, "Bearer ", "invalid_request");
  assert_unauthorized (server, two_words, "invalid_request");
  assert_unauthorized (server, "Bearer eb_0000000000000000000000000000000000000000000",
                       "invalid_token");
  assert_unauthorized (server, "Bearer not-a-token", "invalid_token");

  whoami = eb_test_request (server, "GET", "/api/v1/whoami", reviewer, NULL);
  g_assert_cmpuint (whoami->status, ==, 200);
  object = eb_test_reply_object (whoami);
  g_assert_cmpstr (json_object_get_string_member (object, "role"), ==, "reviewer");
  g_assert_cmpint (json_object_get_int_member (object, "person_id"), >, 0);
  g_assert_true (eb_service_authenticate (server->service, reviewer, &principal, &error));
  g_assert_cmpint (json_object_get_int_member (object, "token_id"), ==, principal.token_id);

  /* The scheme is case-insensitive and blanks around the token do not
   * matter. */
  scheme_case
      = eb_test_request_full (server, "GET", "/api/v1/whoami", NULL, NULL, NULL, headers, FALSE);
  g_assert_cmpuint (scheme_case->status, ==, 200);

  /* A revoked token no longer authenticates. */
  g_assert_true (
      eb_service_revoke_token (server->service, &server->admin, principal.token_id, &error));
  g_assert_no_error (error);
  {
    g_autofree char *authorization = g_strdup_printf ("Bearer %s", reviewer);

    assert_unauthorized (server, authorization, "invalid_token");
  }
}

/* --- request bodies --- */

static GBytes *
json_of_size (gsize size)
{
  GString *text = g_string_new ("{\"name\": \"");

  while (text->len < size - 2)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"}");
  return g_string_free_to_bytes (text);
}

static void
test_body_limit (void)
{
  EbApiSettings settings = { .max_body_bytes = SMALL_BODY };
  g_autoptr (EbTestServer) server = eb_test_server_new (&settings);
  g_autoptr (GBytes) at_limit = json_of_size (SMALL_BODY);
  g_autoptr (GBytes) over_limit = json_of_size (SMALL_BODY + 1);
  g_autoptr (GBytes) huge = json_of_size (64 * SMALL_BODY);
  g_autoptr (EbTestReply) fits = NULL;
  g_autoptr (EbTestReply) by_length = NULL;
  g_autoptr (EbTestReply) huge_by_length = NULL;
  g_autoptr (EbTestReply) chunked = NULL;
  g_autoptr (EbTestReply) chunked_fits = NULL;
  g_autoptr (EbTestReply) after = NULL;

  g_assert_cmpuint (g_bytes_get_size (at_limit), ==, SMALL_BODY);

  /* At the limit the body is read (and then judged on its fields). */
  fits = eb_test_request_full (server, "POST", "/api/v1/sites", server->admin_token,
                               "application/json", at_limit, NULL, FALSE);
  eb_test_assert_problem (fits, 400);
  g_assert_true (eb_test_reply_has_violation (fits, "missing-field", "code"));

  by_length = eb_test_request_full (server, "POST", "/api/v1/sites", server->admin_token,
                                    "application/json", over_limit, NULL, FALSE);
  eb_test_assert_problem (by_length, 413);
  huge_by_length = eb_test_request_full (server, "POST", "/api/v1/sites", server->admin_token,
                                         "application/json", huge, NULL, FALSE);
  eb_test_assert_problem (huge_by_length, 413);

  /* Without a Content-Length, the bytes received count. */
  chunked = eb_test_request_full (server, "POST", "/api/v1/sites", server->admin_token,
                                  "application/json", huge, NULL, TRUE);
  eb_test_assert_problem (chunked, 413);
  chunked_fits = eb_test_request_full (server, "POST", "/api/v1/sites", server->admin_token,
                                       "application/json", at_limit, NULL, TRUE);
  eb_test_assert_problem (chunked_fits, 400);

  /* Refusals cost nothing to the next request. */
  after = eb_test_request (server, "GET", "/api/v1/sites", server->admin_token, NULL);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (after), "total"), ==, 0);
}

/* A client that asks before sending gets 413 without sending the body. */
static void
test_body_limit_expect (void)
{
  EbApiSettings settings = { .max_body_bytes = SMALL_BODY };
  g_autoptr (EbTestServer) server = eb_test_server_new (&settings);
  g_autoptr (GSocketConnection) connection = eb_test_raw_connect (server);
  g_autofree char *request = NULL;
  g_autofree char *answer = NULL;

  request = g_strdup_printf ("POST /api/v1/sites HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "Authorization: Bearer %s\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: 1000000000\r\n"
                             "Expect: 100-continue\r\n"
                             "\r\n",
                             server->admin_token);
  answer = eb_test_raw_exchange (connection, request, TRUE);
  g_assert_cmpuint (eb_test_raw_status (answer), ==, 413);
  g_assert_nonnull (strstr (answer, "application/problem+json"));
  g_assert_nonnull (strstr (answer, "too-large"));
}

static void
test_body_format (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  static const struct
  {
    const char *content_type;
    const char *body;
    guint status;
    const char *detail;
  } cases[] = {
    { "text/plain", "{\"name\": \"x\"}", 415, "application/json" },
    { "application/x-www-form-urlencoded", "name=x", 415, "application/json" },
    { NULL, "{\"name\": \"x\"}", 415, "application/json" },
    { "application/json", "", 400, "body is required" },
    { "application/json", "{\"name\": ", 400, "malformed JSON" },
    { "application/json", "{'name': 'x'}", 400, "malformed JSON" },
    { "application/json", "{\"name\": \"x\",}", 400, "malformed JSON" },
    { "application/json", "{\"name\": \"x\"} trailing", 400, "malformed JSON" },
    { "application/json", "[1, 2]", 400, "must be an object" },
    { "application/json", "\"text\"", 400, "must be an object" },
    { "application/json", "null", 400, "must be an object" },
    { "application/json", "{\"name\": \"\xff\xfe\"}", 400, "UTF-8" },
    { "application/json; charset=utf-8", "{}", 400, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) body = g_bytes_new_static (cases[i].body, strlen (cases[i].body));
      g_autoptr (EbTestReply) reply = NULL;
      g_autofree char *printable = g_strescape (cases[i].body, NULL);
      const char *detail;

      g_test_message ("%s: %s", cases[i].content_type, printable);
      reply = eb_test_request_full (server, "POST", "/api/v1/sites", server->admin_token,
                                    cases[i].content_type, body, NULL, FALSE);
      eb_test_assert_problem (reply, cases[i].status);
      detail = json_object_get_string_member (eb_test_reply_object (reply), "detail");
      if (cases[i].detail != NULL)
        g_assert_nonnull (strstr (detail, cases[i].detail));
    }
}

/* --- connections and shutdown --- */

static void
wait_until_connections (EbTestServer *server, guint n)
{
  gint64 deadline = g_get_monotonic_time () + EB_TEST_REQUEST_SECONDS * G_USEC_PER_SEC;

  while (eb_api_server_get_connections (server->server) != n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      /* Nothing may wake the context: look again every millisecond. */
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
wait_until_in_flight (EbTestServer *server, guint n)
{
  gint64 deadline = g_get_monotonic_time () + EB_TEST_REQUEST_SECONDS * G_USEC_PER_SEC;

  while (eb_api_server_get_in_flight (server->server) != n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      /* Nothing may wake the context: look again every millisecond. */
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static const char health_request[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

static void
test_connection_limit (void)
{
  EbApiSettings settings = { .max_connections = 2 };
  g_autoptr (EbTestServer) server = eb_test_server_new (&settings);
  g_autoptr (GSocketConnection) first = eb_test_raw_connect (server);
  g_autoptr (GSocketConnection) second = eb_test_raw_connect (server);
  g_autoptr (GSocketConnection) third = eb_test_raw_connect (server);
  g_autoptr (GSocketConnection) fourth = NULL;
  g_autofree char *answer1 = NULL;
  g_autofree char *answer2 = NULL;
  g_autofree char *answer3 = NULL;
  g_autofree char *again = NULL;
  g_autofree char *answer4 = NULL;

  answer1 = eb_test_raw_exchange (first, health_request, TRUE);
  answer2 = eb_test_raw_exchange (second, health_request, TRUE);
  g_assert_cmpuint (eb_test_raw_status (answer1), ==, 200);
  g_assert_cmpuint (eb_test_raw_status (answer2), ==, 200);
  g_assert_cmpuint (eb_api_server_get_connections (server->server), ==, 2);

  answer3 = eb_test_raw_exchange (third, health_request, TRUE);
  g_assert_cmpuint (eb_test_raw_status (answer3), ==, 503);
  g_assert_nonnull (strstr (answer3, "Connection: close"));
  g_assert_nonnull (strstr (answer3, "application/problem+json"));

  /* Kept-alive connections are served again. */
  again = eb_test_raw_exchange (first, health_request, TRUE);
  g_assert_cmpuint (eb_test_raw_status (again), ==, 200);

  /* Once a connection closes, a new one is admitted. */
  g_assert_true (g_io_stream_close (G_IO_STREAM (first), NULL, NULL));
  wait_until_connections (server, 1);
  fourth = eb_test_raw_connect (server);
  answer4 = eb_test_raw_exchange (fourth, health_request, TRUE);
  g_assert_cmpuint (eb_test_raw_status (answer4), ==, 200);
  g_assert_cmpuint (eb_api_server_get_connections (server->server), ==, 2);
}

typedef struct
{
  gboolean done;
  gboolean result;
  GError *error;
} ShutdownResult;

static void
shutdown_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ShutdownResult *shutdown = user_data;

  shutdown->result
      = eb_api_server_shutdown_finish (EB_API_SERVER (source), result, &shutdown->error);
  shutdown->done = TRUE;
}

static void
iterate_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static const char partial_request[] = "POST /api/v1/sites HTTP/1.1\r\n"
                                      "Host: 127.0.0.1\r\n"
                                      "Content-Type: application/json\r\n"
                                      "Content-Length: 12\r\n"
                                      "\r\n"
                                      "{\"name\":";

static void
test_graceful_shutdown (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (GSocketConnection) connection = eb_test_raw_connect (server);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) refused = NULL;
  g_autoptr (GError) connect_error = NULL;
  g_autofree char *started = NULL;
  g_autofree char *answer = NULL;
  ShutdownResult shutdown = { 0 };
  ShutdownResult again = { 0 };

  /* A request whose body is still arriving is in flight. */
  g_assert_cmpuint (eb_api_server_get_in_flight (server->server), ==, 0);
  started = eb_test_raw_exchange (connection, partial_request, FALSE);
  wait_until_in_flight (server, 1);

  eb_api_server_shutdown_async (server->server, 10000, NULL, shutdown_cb, &shutdown);
  iterate_for (100);
  g_assert_false (shutdown.done);

  /* One shutdown at a time. */
  eb_api_server_shutdown_async (server->server, 10000, NULL, shutdown_cb, &again);
  eb_test_wait_for (&again.done);
  g_assert_false (again.result);
  g_assert_error (again.error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&again.error);

  /* No new connection is accepted meanwhile. */
  g_socket_client_set_enable_proxy (client, FALSE);
  refused = g_socket_client_connect_to_host (
      client, "127.0.0.1", eb_api_server_get_port (server->server), NULL, &connect_error);
  g_assert_null (refused);
  g_assert_error (connect_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);

  /* The request in flight finishes, told that the connection closes. */
  answer = eb_test_raw_exchange (connection, " \"x\"}", TRUE);
  g_assert_cmpuint (eb_test_raw_status (answer), ==, 401);
  g_assert_nonnull (strstr (answer, "Connection: close"));
  eb_test_wait_for (&shutdown.done);
  g_assert_no_error (shutdown.error);
  g_assert_true (shutdown.result);
  g_assert_cmpuint (eb_api_server_get_in_flight (server->server), ==, 0);
}

static void
test_shutdown_timeout (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (GSocketConnection) connection = eb_test_raw_connect (server);
  g_autofree char *started = NULL;
  ShutdownResult shutdown = { 0 };
  gint64 begin;

  started = eb_test_raw_exchange (connection, partial_request, FALSE);
  wait_until_in_flight (server, 1);
  begin = g_get_monotonic_time ();
  eb_api_server_shutdown_async (server->server, 200, NULL, shutdown_cb, &shutdown);
  eb_test_wait_for (&shutdown.done);
  g_assert_cmpint (g_get_monotonic_time () - begin, >=, 200 * 1000);
  g_assert_false (shutdown.result);
  g_assert_error (shutdown.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&shutdown.error);
  /* The cut request is accounted for once its connection is gone. */
  wait_until_in_flight (server, 0);
}

static void
test_shutdown_idle (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (GSocketConnection) kept_alive = eb_test_raw_connect (server);
  g_autofree char *answer = eb_test_raw_exchange (kept_alive, health_request, TRUE);
  ShutdownResult shutdown = { 0 };
  ShutdownResult again = { 0 };

  g_assert_cmpuint (eb_test_raw_status (answer), ==, 200);
  /* An idle kept-alive connection is not a request in flight. */
  eb_api_server_shutdown_async (server->server, 10000, NULL, shutdown_cb, &shutdown);
  eb_test_wait_for (&shutdown.done);
  g_assert_no_error (shutdown.error);
  g_assert_true (shutdown.result);

  /* Stopping a stopped server changes nothing. */
  eb_api_server_shutdown_async (server->server, 10000, NULL, shutdown_cb, &again);
  eb_test_wait_for (&again.done);
  g_assert_no_error (again.error);
  g_assert_true (again.result);
}

static void
test_shutdown_cancelled (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (GSocketConnection) connection = eb_test_raw_connect (server);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *started = NULL;
  ShutdownResult shutdown = { 0 };

  started = eb_test_raw_exchange (connection, partial_request, FALSE);
  wait_until_in_flight (server, 1);
  eb_api_server_shutdown_async (server->server, 10000, cancellable, shutdown_cb, &shutdown);
  iterate_for (50);
  g_assert_false (shutdown.done);
  g_cancellable_cancel (cancellable);
  eb_test_wait_for (&shutdown.done);
  g_assert_error (shutdown.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&shutdown.error);
}

/* --- static pages --- */

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
remove_files (const char *dir, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static void
test_static_pages (void)
{
  g_autofree char *root = g_dir_make_tmp ("eboard-www-XXXXXX", NULL);
  g_autofree char *www = g_build_filename (root, "www", NULL);
  g_autofree char *sub = g_build_filename (www, "review", NULL);
  EbApiSettings settings = { .www_dir = www };
  g_autoptr (EbTestServer) server = NULL;
  static const char *const files[] = { "www/review/index.html",
                                       "www/review",
                                       "www/index.html",
                                       "www/app.js",
                                       "www/.secret",
                                       "www/link",
                                       "secret.txt",
                                       "www",
                                       NULL };
  static const struct
  {
    const char *method;
    const char *path;
    guint status;
    const char *content_type;
    const char *body;
  } cases[] = {
    { "GET", "/", 200, "text/html; charset=utf-8", "<h1>eboard</h1>" },
    { "GET", "/index.html", 200, "text/html; charset=utf-8", "<h1>eboard</h1>" },
    { "GET", "/app.js", 200, "text/javascript; charset=utf-8", "run();" },
    { "GET", "/review", 200, "text/html; charset=utf-8", "<h1>review</h1>" },
    { "GET", "/review/", 200, "text/html; charset=utf-8", "<h1>review</h1>" },
    { "GET", "/.secret", 404, NULL, NULL },
    { "GET", "/link", 404, NULL, NULL },
    { "GET", "/missing.html", 404, NULL, NULL },
    { "GET", "/review/../../secret.txt", 404, NULL, NULL },
    { "POST", "/index.html", 405, NULL, NULL },
    { "GET", "/api/v1/index.html", 404, NULL, NULL },
  };

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  write_file (www, "index.html", "<h1>eboard</h1>");
  write_file (www, "app.js", "run();");
  write_file (www, ".secret", "hidden");
  write_file (sub, "index.html", "<h1>review</h1>");
  write_file (root, "secret.txt", "outside");
  {
    g_autofree char *link = g_build_filename (www, "link", NULL);
    g_autofree char *target = g_build_filename (root, "secret.txt", NULL);

    g_assert_cmpint (symlink (target, link), ==, 0);
  }

  server = eb_test_server_new (&settings);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EbTestReply) reply
          = eb_test_request (server, cases[i].method, cases[i].path, NULL, NULL);

      g_test_message ("%s %s", cases[i].method, cases[i].path);
      g_assert_cmpuint (reply->status, ==, cases[i].status);
      if (cases[i].body != NULL)
        {
          g_assert_cmpstr (eb_test_reply_header (reply, "Content-Type"), ==, cases[i].content_type);
          g_assert_cmpstr (eb_test_reply_text (reply), ==, cases[i].body);
        }
    }
  /* Unnormalised dot segments, as a client library would never send. */
  {
    g_autoptr (GSocketConnection) connection = eb_test_raw_connect (server);
    g_autofree char *answer = eb_test_raw_exchange (
        connection, "GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", TRUE);

    guint status = eb_test_raw_status (answer);

    g_assert_true (status == 400 || status == 404);
    g_assert_null (strstr (answer, "outside"));
  }
  g_clear_pointer (&server, eb_test_server_free);
  remove_files (root, files);
}

/* --- the request log --- */

static void
test_request_log (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (EbTestReply) whoami = NULL;
  g_autoptr (EbTestReply) created = NULL;
  g_autoptr (EbTestReply) denied = NULL;
  g_autofree char *secret = NULL;
  const char body[] = "{\"person_id\": null, \"role\": \"admin\", \"label\": \"LABEL-IN-BODY\"}";
  gboolean found_whoami = FALSE;
  gboolean found_post = FALSE;
  gboolean found_denied = FALSE;

  g_ptr_array_set_size (log_lines, 0);
  whoami = eb_test_request (server, "GET", "/api/v1/whoami?x=1", server->admin_token, NULL);
  g_assert_cmpuint (whoami->status, ==, 200);
  created = eb_test_request (server, "POST", "/api/v1/tokens", server->admin_token, body);
  g_assert_cmpuint (created->status, ==, 201);
  secret = g_strdup (json_object_get_string_member (eb_test_reply_object (created), "secret"));
  denied
      = eb_test_request (server, "GET", "/api/v1/sites", "eb_wrongwrongwrongwrongwrongwrong", NULL);
  g_assert_cmpuint (denied->status, ==, 401);

  for (guint i = 0; i < log_lines->len; i++)
    {
      const char *line = g_ptr_array_index (log_lines, i);

      /* No secret, no body, no header ever reaches the log. */
      g_assert_null (strstr (line, server->admin_token));
      g_assert_null (strstr (line, secret));
      g_assert_null (strstr (line, "wrongwrong"));
      g_assert_null (strstr (line, "LABEL-IN-BODY"));
      g_assert_null (strstr (line, "Bearer"));
      if (strstr (line, "MESSAGE=GET /api/v1/whoami 200 ") != NULL)
        {
          found_whoami = TRUE;
          g_assert_nonnull (strstr (line, "EBOARD_STATUS=200 "));
          g_assert_nonnull (strstr (line, "EBOARD_METHOD=GET "));
          g_assert_nonnull (strstr (line, "EBOARD_PATH=/api/v1/whoami "));
          g_assert_nonnull (strstr (line, "EBOARD_DURATION_US="));
        }
      found_post = found_post || strstr (line, "MESSAGE=POST /api/v1/tokens 201 ") != NULL;
      found_denied = found_denied || strstr (line, "MESSAGE=GET /api/v1/sites 401 ") != NULL;
    }
  g_assert_true (found_whoami);
  g_assert_true (found_post);
  g_assert_true (found_denied);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  log_lines = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (capture_log_cb, NULL, NULL);

  g_test_add_func ("/eboard/api/server/health", test_health);
  g_test_add_func ("/eboard/api/server/not-found", test_not_found);
  g_test_add_func ("/eboard/api/server/method-not-allowed", test_method_not_allowed);
  g_test_add_func ("/eboard/api/server/bad-ids", test_bad_ids);
  g_test_add_func ("/eboard/api/server/authentication", test_authentication);
  g_test_add_func ("/eboard/api/server/body-limit", test_body_limit);
  g_test_add_func ("/eboard/api/server/body-limit-expect", test_body_limit_expect);
  g_test_add_func ("/eboard/api/server/body-format", test_body_format);
  g_test_add_func ("/eboard/api/server/connection-limit", test_connection_limit);
  g_test_add_func ("/eboard/api/server/graceful-shutdown", test_graceful_shutdown);
  g_test_add_func ("/eboard/api/server/shutdown-timeout", test_shutdown_timeout);
  g_test_add_func ("/eboard/api/server/shutdown-idle", test_shutdown_idle);
  g_test_add_func ("/eboard/api/server/shutdown-cancelled", test_shutdown_cancelled);
  g_test_add_func ("/eboard/api/server/static-pages", test_static_pages);
  g_test_add_func ("/eboard/api/server/request-log", test_request_log);
  {
    int status = g_test_run ();

    g_ptr_array_unref (log_lines);
    return status;
  }
}
