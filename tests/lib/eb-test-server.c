/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>

#include "eb-test-server.h"

static gboolean
eb_test_watchdog_cb (gpointer user_data)
{
  g_printerr ("test watchdog: no progress for %d s\n", EB_TEST_WATCHDOG_SECONDS);
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static EbPrincipal
eb_test_principal (EbService *service, const char *secret)
{
  g_autoptr (GError) error = NULL;
  EbPrincipal principal = { 0 };

  g_assert_true (eb_service_authenticate (service, secret, &principal, &error));
  g_assert_no_error (error);
  return principal;
}

EbTestServer *
eb_test_server_new (const EbApiSettings *settings)
{
  EbTestServer *server = g_new0 (EbTestServer, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;

  server->watchdog_id = g_timeout_add_seconds (EB_TEST_WATCHDOG_SECONDS, eb_test_watchdog_cb, NULL);
  server->dir = g_dir_make_tmp ("eboard-api-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (server->dir, "eboard.db", NULL);
  server->store = eb_store_open (db, NULL, &error);
  g_assert_no_error (error);
  server->service = eb_service_new (server->store, NULL);
  server->admin_token = eb_service_bootstrap (server->service, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server->admin_token);
  server->admin = eb_test_principal (server->service, server->admin_token);

  server->server = eb_api_server_new (server->service, settings);
  g_assert_true (eb_api_server_listen (server->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (eb_api_server_get_port (server->server), >, 0);
  server->base_url
      = g_strdup_printf ("http://127.0.0.1:%u", eb_api_server_get_port (server->server));
  /* Loopback only: no proxy (and no GSettings lookup for one). */
  server->session = soup_session_new_with_options ("timeout", EB_TEST_REQUEST_SECONDS,
                                                   "proxy-resolver", NULL, NULL);
  return server;
}

/* Runs the main context until the weak pointers are all cleared (pending
 * idle callbacks may hold the last references for a moment). */
static void
eb_test_wait_for_finalization (gpointer *pointers, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  gboolean alive = TRUE;

  while (alive && g_get_monotonic_time () < deadline)
    {
      alive = FALSE;
      for (guint i = 0; i < n; i++)
        alive = alive || pointers[i] != NULL;
      if (alive)
        g_main_context_iteration (NULL, FALSE);
    }
}

static void
eb_test_remove_dir (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

void
eb_test_server_free (EbTestServer *server)
{
  gpointer weak[4];

  if (server == NULL)
    return;
  weak[0] = server->server;
  weak[1] = server->service;
  weak[2] = server->store;
  weak[3] = server->session;
  for (guint i = 0; i < G_N_ELEMENTS (weak); i++)
    g_object_add_weak_pointer (weak[i], &weak[i]);

  soup_session_abort (server->session);
  g_clear_object (&server->session);
  g_clear_object (&server->server);
  g_clear_object (&server->service);
  eb_store_close (server->store);
  g_clear_object (&server->store);

  eb_test_wait_for_finalization (weak, G_N_ELEMENTS (weak));
  g_assert_null (weak[0]);
  g_assert_null (weak[1]);
  g_assert_null (weak[2]);
  g_assert_null (weak[3]);

  eb_test_remove_dir (server->dir);
  g_clear_handle_id (&server->watchdog_id, g_source_remove);
  g_free (server->dir);
  g_free (server->base_url);
  g_free (server->admin_token);
  g_free (server);
}

EbId
eb_test_seed_site (EbTestServer *server, const char *code, EbSiteStatus status, gboolean is_hub)
{
  g_autoptr (EbSite) input = eb_site_new ();
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) error = NULL;

  input->name = g_strdup_printf ("Site %s", code);
  input->code = g_strdup (code);
  input->timezone = g_strdup ("America/Chicago");
  input->status = status;
  input->is_hub = is_hub;
  site = eb_service_create_site (server->service, &server->admin, input, &error);
  g_assert_no_error (error);
  return site->id;
}

EbId
eb_test_seed_person (EbTestServer *server, EbId site_id, const char *name, const char *specialty)
{
  static guint counter = 0;
  g_autoptr (EbPerson) input = eb_person_new ();
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GError) error = NULL;

  input->name = g_strdup (name);
  input->email = g_strdup_printf ("person%u@test.invalid", ++counter);
  input->specialty = g_strdup (specialty);
  input->home_site_id = site_id;
  person = eb_service_create_person (server->service, &server->admin, input, &error);
  g_assert_no_error (error);
  return person->id;
}

char *
eb_test_server_token (EbTestServer *server, EbRole role, EbId person_id)
{
  static guint counter = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbToken) token = NULL;
  char *secret = NULL;

  if (person_id == 0 && role != EB_ROLE_ADMIN)
    {
      g_autofree char *code = g_strdup_printf ("TOK-%u", ++counter);
      EbId site_id = eb_test_seed_site (server, code, EB_SITE_STATUS_ACTIVE, FALSE);

      person_id = eb_test_seed_person (server, site_id, "Token Owner", "pathology");
    }
  token = eb_service_create_token (server->service, &server->admin, person_id, role, "test", 0,
                                   &secret, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  return secret;
}

void
eb_test_wait_for (gboolean *done)
{
  gint64 deadline = g_get_monotonic_time () + EB_TEST_REQUEST_SECONDS * G_USEC_PER_SEC;

  while (!*done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* --- replies --- */

void
eb_test_reply_free (EbTestReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_object (&reply->message);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

const char *
eb_test_reply_header (EbTestReply *reply, const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (reply->message), name);
}

const char *
eb_test_reply_text (EbTestReply *reply)
{
  return g_bytes_get_data (reply->body, NULL);
}

JsonObject *
eb_test_reply_object (EbTestReply *reply)
{
  if (reply->json == NULL || !JSON_NODE_HOLDS_OBJECT (reply->json))
    g_error ("expected a JSON object, got status %u: %s", reply->status,
             eb_test_reply_text (reply));
  return json_node_get_object (reply->json);
}

static JsonArray *
eb_test_reply_violations (EbTestReply *reply)
{
  JsonObject *object = eb_test_reply_object (reply);

  if (!json_object_has_member (object, "violations"))
    return NULL;
  return json_object_get_array_member (object, "violations");
}

const char *
eb_test_reply_violation (EbTestReply *reply, guint index, const char *member)
{
  JsonArray *violations = eb_test_reply_violations (reply);
  JsonObject *violation;

  g_assert_nonnull (violations);
  g_assert_cmpuint (index, <, json_array_get_length (violations));
  violation = json_array_get_object_element (violations, index);
  if (json_object_get_null_member (violation, member))
    return NULL;
  return json_object_get_string_member (violation, member);
}

gboolean
eb_test_reply_has_violation (EbTestReply *reply, const char *rule, const char *field)
{
  JsonArray *violations = eb_test_reply_violations (reply);

  for (guint i = 0; violations != NULL && i < json_array_get_length (violations); i++)
    {
      JsonObject *v = json_array_get_object_element (violations, i);
      const char *v_field = json_object_get_null_member (v, "field")
                                ? NULL
                                : json_object_get_string_member (v, "field");

      if (g_strcmp0 (json_object_get_string_member (v, "rule"), rule) == 0
          && (field == NULL || g_strcmp0 (v_field, field) == 0))
        return TRUE;
    }
  return FALSE;
}

void
eb_test_assert_problem (EbTestReply *reply, guint status)
{
  JsonObject *problem;
  const char *type;

  if (reply->status != status)
    g_error ("expected status %u, got %u: %s", status, reply->status, eb_test_reply_text (reply));
  g_assert_cmpstr (eb_test_reply_header (reply, "Content-Type"), ==, "application/problem+json");
  problem = eb_test_reply_object (reply);
  type = json_object_get_string_member (problem, "type");
  g_assert_true (g_str_has_prefix (type, "https://eboard.invalid/problems/"));
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, status);
  g_assert_nonnull (json_object_get_string_member (problem, "title"));
  g_assert_nonnull (json_object_get_string_member (problem, "detail"));
}

/* --- requests --- */

typedef struct
{
  gboolean done;
  GBytes *body;
  GError *error;
} EbTestPending;

static void
eb_test_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbTestPending *pending = user_data;

  pending->body
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &pending->error);
  pending->done = TRUE;
}

static gboolean
eb_test_is_json (const char *content_type)
{
  return content_type != NULL
         && (strcmp (content_type, "application/json") == 0
             || strcmp (content_type, "application/problem+json") == 0);
}

EbTestReply *
eb_test_request_full (EbTestServer *server, const char *method, const char *path, const char *token,
                      const char *content_type, GBytes *body, const char *const *headers,
                      gboolean chunked)
{
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr (SoupMessage) message = soup_message_new (method, url);
  SoupMessageHeaders *request_headers;
  EbTestPending pending = { 0 };
  EbTestReply *reply;
  const char *reply_type;
  gsize size;

  g_assert_nonnull (message);
  request_headers = soup_message_get_request_headers (message);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (request_headers, "Authorization", authorization);
    }
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (body != NULL && chunked)
    {
      g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_bytes (body);

      soup_message_set_request_body (message, content_type, stream, -1);
    }
  else if (body != NULL)
    {
      soup_message_set_request_body_from_bytes (message, content_type, body);
    }

  soup_session_send_and_read_async (server->session, message, G_PRIORITY_DEFAULT, NULL,
                                    eb_test_sent_cb, &pending);
  eb_test_wait_for (&pending.done);
  g_assert_no_error (pending.error);

  reply = g_new0 (EbTestReply, 1);
  reply->status = soup_message_get_status (message);
  reply->message = g_steal_pointer (&message);
  /* A NUL after the data, so that text answers read as strings. */
  size = g_bytes_get_size (pending.body);
  {
    char *data = g_malloc (size + 1);

    if (size > 0)
      memcpy (data, g_bytes_get_data (pending.body, NULL), size);
    data[size] = '\0';
    reply->body = g_bytes_new_with_free_func (data, size + 1, g_free, data);
  }
  g_bytes_unref (pending.body);
  reply_type = soup_message_headers_get_content_type (
      soup_message_get_response_headers (reply->message), NULL);
  if (size > 0 && eb_test_is_json (reply_type))
    {
      g_autoptr (GError) error = NULL;

      reply->json = json_from_string (eb_test_reply_text (reply), &error);
      g_assert_no_error (error);
    }
  return reply;
}

EbTestReply *
eb_test_request (EbTestServer *server, const char *method, const char *path, const char *token,
                 const char *json)
{
  g_autoptr (GBytes) body = NULL;

  if (json != NULL)
    body = g_bytes_new (json, strlen (json));
  return eb_test_request_full (server, method, path, token,
                               json != NULL ? "application/json" : NULL, body, NULL, FALSE);
}

char *
eb_test_json (const char *format, ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return text;
}

/* --- raw connections --- */

GSocketConnection *
eb_test_raw_connect (EbTestServer *server)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, EB_TEST_REQUEST_SECONDS);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (
      client, "127.0.0.1", eb_api_server_get_port (server->server), NULL, &error);
  g_assert_no_error (error);
  return connection;
}

typedef struct
{
  char *request;
  gboolean read_reply;
} EbTestRawJob;

static void
eb_test_raw_job_free (EbTestRawJob *job)
{
  g_free (job->request);
  g_free (job);
}

/* The length of the body that follows the headers in @head, from its
 * Content-Length (-1: none, read to the end). */
static gssize
eb_test_raw_content_length (const char *head)
{
  g_autofree char *lower = g_ascii_strdown (head, -1);
  const char *found = strstr (lower, "\r\ncontent-length:");

  if (found == NULL)
    return -1;
  return (gssize)g_ascii_strtoll (found + strlen ("\r\ncontent-length:"), NULL, 10);
}

/* On a worker thread: blocking I/O on the connection. */
static void
eb_test_raw_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GSocketConnection *connection = source;
  EbTestRawJob *job = task_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr (GString) answer = g_string_new (NULL);
  GError *error = NULL;
  gssize body_length = -2;
  gsize head_length = 0;

  if (!g_output_stream_write_all (out, job->request, strlen (job->request), NULL, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  while (job->read_reply)
    {
      char buffer[4096];
      gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error);
      const char *end;

      if (n < 0)
        {
          g_task_return_error (task, error);
          return;
        }
      if (n == 0)
        break;
      g_string_append_len (answer, buffer, n);
      if (body_length == -2 && (end = strstr (answer->str, "\r\n\r\n")) != NULL)
        {
          head_length = end - answer->str + 4;
          body_length = eb_test_raw_content_length (answer->str);
        }
      if (body_length >= 0 && answer->len >= head_length + (gsize)body_length)
        break;
    }
  g_task_return_pointer (task, g_string_free (g_steal_pointer (&answer), FALSE), g_free);
}

static void
eb_test_raw_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
}

char *
eb_test_raw_exchange (GSocketConnection *connection, const char *request, gboolean read_reply)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  EbTestRawJob *job = g_new0 (EbTestRawJob, 1);
  gboolean done = FALSE;
  char *answer;

  g_socket_set_timeout (g_socket_connection_get_socket (connection), EB_TEST_REQUEST_SECONDS);
  job->request = g_strdup (request);
  job->read_reply = read_reply;
  task = g_task_new (connection, NULL, eb_test_raw_done_cb, &done);
  g_task_set_task_data (task, job, (GDestroyNotify)eb_test_raw_job_free);
  g_task_run_in_thread (task, eb_test_raw_thread);
  eb_test_wait_for (&done);
  answer = g_task_propagate_pointer (task, &error);
  g_assert_no_error (error);
  return answer;
}

guint
eb_test_raw_status (const char *answer)
{
  if (answer == NULL || !g_str_has_prefix (answer, "HTTP/1."))
    return 0;
  return (guint)g_ascii_strtoull (answer + strlen ("HTTP/1.x "), NULL, 10);
}
