/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-webrtc-eboard.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define START_TIMEOUT_S 30

struct _BenchEboard
{
  BenchProc proc;
  SoupSession *http;
  char *base;
  char *admin;
  gint64 session;
  GPtrArray *credentials; /* utf8, per person */
};

/* --- the API --- */

/* One API call with @token as the bearer; @expect is the status wanted.
 * Returns the answer's JSON. */
static JsonNode *
api_call (BenchEboard *self, const char *method, const char *path, const char *token,
          const char *body, guint expect, GError **error)
{
  g_autofree char *url = g_strconcat (self->base, path, NULL);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  g_autoptr (SoupMessage) message = soup_message_new (method, url);
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data;

  soup_message_headers_append (soup_message_get_request_headers (message), "Authorization", bearer);
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (self->http, message, NULL, error);
  if (answer == NULL)
    return NULL;
  data = g_bytes_get_data (answer, &length);
  if (soup_message_get_status (message) != expect)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s answered %u: %.*s", method, path,
                   soup_message_get_status (message), (int)MIN (length, 400), data);
      return NULL;
    }
  if (length == 0)
    return json_node_new (JSON_NODE_NULL);
  if (!json_parser_load_from_data (parser, data, (gssize)length, error))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

/* POST @body to @path as the admin: the new object's id. */
static gint64
api_create (BenchEboard *self, const char *path, const char *body, GError **error)
{
  g_autoptr (JsonNode) root = api_call (self, "POST", path, self->admin, body, 201, error);
  JsonObject *object;

  if (root == NULL)
    return 0;
  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  /* a roster entry comes as {"entry": {...}, "warnings": [...]} */
  if (object != NULL && json_object_has_member (object, "entry"))
    object = json_object_get_object_member (object, "entry");
  if (object == NULL || !json_object_has_member (object, "id"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "POST %s answered no id", path);
      return 0;
    }
  return json_object_get_int_member (object, "id");
}

/* A person on the roster with a clinician token: the token. */
static char *
add_person (BenchEboard *self, gint64 site, guint index, GError **error)
{
  g_autofree char *person_body = g_strdup_printf (
      "{\"name\": \"Participant %u\", \"email\": \"participant-%u@bench.example\", "
      "\"specialty\": \"medical_oncology\", \"home_site_id\": %" G_GINT64_FORMAT "}",
      index + 1, index + 1, site);
  g_autofree char *roster_path
      = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster", self->session);
  g_autofree char *roster_body = NULL, *token_body = NULL;
  g_autoptr (JsonNode) token = NULL;
  gint64 person = api_create (self, "/api/v1/people", person_body, error);

  if (person == 0)
    return NULL;
  roster_body = g_strdup_printf ("{\"person_id\": %" G_GINT64_FORMAT
                                 ", \"role\": \"%s\", \"status\": \"accepted\"}",
                                 person, index == 0 ? "chair" : "panelist");
  if (api_create (self, roster_path, roster_body, error) == 0)
    return NULL;
  token_body = g_strdup_printf ("{\"person_id\": %" G_GINT64_FORMAT
                                ", \"role\": \"clinician\", \"label\": \"participant %u\"}",
                                person, index + 1);
  token = api_call (self, "POST", "/api/v1/tokens", self->admin, token_body, 201, error);
  if (token == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member (json_node_get_object (token), "secret"));
}

/* A hub, a session with @n people on its roster, live; each person's
 * join credential. */
static gboolean
prepare (BenchEboard *self, guint n, GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *start = g_date_time_format (tomorrow, "%Y-%m-%dT%H:00:00Z");
  g_autofree char *session_body = NULL, *path = NULL;
  g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  gint64 site;

  site = api_create (self, "/api/v1/sites",
                     "{\"name\": \"Benchmark hub\", \"code\": \"BENCH\", \"timezone\": \"UTC\", "
                     "\"status\": \"active\", \"is_hub\": true}",
                     error);
  if (site == 0)
    return FALSE;
  session_body = g_strdup_printf (
      "{\"title\": \"Forwarding benchmark\", \"focus\": \"%u participants\", \"host_site_id\": "
      "%" G_GINT64_FORMAT ", \"start\": \"%s\", \"duration_minutes\": 120, \"timezone\": \"UTC\"}",
      n, site, start);
  self->session = api_create (self, "/api/v1/sessions", session_body, error);
  if (self->session == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *token = add_person (self, site, i, error);

      if (token == NULL)
        return FALSE;
      g_ptr_array_add (tokens, token);
    }
  path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, self->session);
  {
    g_autofree char *schedule = g_strconcat (path, "/schedule", NULL);
    g_autofree char *go_live = g_strconcat (path, "/start", NULL);
    g_autoptr (JsonNode) scheduled
        = api_call (self, "POST", schedule, self->admin, NULL, 200, error);
    g_autoptr (JsonNode) live = NULL;

    if (scheduled == NULL)
      return FALSE;
    live = api_call (self, "POST", go_live, self->admin, NULL, 200, error);
    if (live == NULL)
      return FALSE;
  }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *join_path = g_strconcat (path, "/join", NULL);
      g_autoptr (JsonNode) join
          = api_call (self, "GET", join_path, tokens->pdata[i], NULL, 200, error);
      const char *credential;

      if (join == NULL)
        return FALSE;
      credential = json_object_get_string_member_with_default (json_node_get_object (join),
                                                               "credential", NULL);
      if (credential == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GET %s answered no credential",
                       join_path);
          return FALSE;
        }
      g_ptr_array_add (self->credentials, g_strdup (credential));
    }
  return TRUE;
}

/* --- the process --- */

BenchEboard *
bench_eboard_start (const char *eboardd, const char *dir, const char *log_path, guint n_people,
                    GError **error)
{
  g_autofree char *port_file = g_build_filename (dir, "http.port", NULL);
  g_autofree char *token_path = g_build_filename (dir, "bootstrap-token", NULL);
  g_autofree char *port_text = NULL;
  const char *argv[] = { eboardd, "--data-dir", dir, "--address",   "127.0.0.1", "--port",
                         "0",     "--srt-port", "0", "--port-file", port_file,   NULL };
  g_autoptr (BenchEboard) self = g_new0 (BenchEboard, 1);
  double deadline = bench_monotonic_s () + START_TIMEOUT_S;

  self->credentials = g_ptr_array_new_with_free_func (g_free);
  self->http = soup_session_new_with_options ("timeout", 60, NULL);
  g_mkdir_with_parents (dir, 0700);
  if (!bench_proc_spawn (&self->proc, argv, NULL, log_path, error))
    return NULL;
  while (!g_file_get_contents (port_file, &port_text, NULL, NULL)
         || !g_file_get_contents (token_path, &self->admin, NULL, NULL))
    {
      g_clear_pointer (&port_text, g_free);
      if (bench_proc_wait (&self->proc, 0.05) || bench_monotonic_s () > deadline
          || bench_interrupted)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "eboardd did not start within %d s (log: %s)", START_TIMEOUT_S, log_path);
          return NULL;
        }
    }
  g_strstrip (self->admin);
  self->base = g_strdup_printf ("http://127.0.0.1:%s", g_strstrip (port_text));
  if (!prepare (self, n_people, error))
    {
      g_prefix_error (error, "preparing the live session (log: %s): ", log_path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

BenchProc *
bench_eboard_get_proc (BenchEboard *eboard)
{
  return &eboard->proc;
}

char *
bench_eboard_dup_url (BenchEboard *eboard, const char *what)
{
  return g_strdup_printf ("%s/api/v1/sessions/%" G_GINT64_FORMAT "/%s", eboard->base,
                          eboard->session, what);
}

const char *
bench_eboard_get_credential (BenchEboard *eboard, guint index)
{
  g_return_val_if_fail (index < eboard->credentials->len, NULL);
  return eboard->credentials->pdata[index];
}

gboolean
bench_eboard_stop (BenchEboard *eboard)
{
  return bench_proc_stop (&eboard->proc, SIGTERM, 30) && bench_proc_exited_cleanly (&eboard->proc);
}

void
bench_eboard_free (BenchEboard *eboard)
{
  if (eboard == NULL)
    return;
  bench_proc_stop (&eboard->proc, SIGKILL, 5);
  g_clear_object (&eboard->http);
  g_ptr_array_unref (eboard->credentials);
  g_free (eboard->base);
  g_free (eboard->admin);
  g_free (eboard);
}

/* --- WHIP and WHEP --- */

char *
bench_eboard_post_offer (const char *url, const char *credential, const char *offer,
                         char **location, GError **error)
{
  g_autoptr (SoupSession) http = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr (SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr (GBytes) body = g_bytes_new (offer, strlen (offer));
  g_autoptr (GBytes) answer = NULL;
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", credential);
  gsize length = 0;
  const char *data;

  soup_message_headers_append (soup_message_get_request_headers (message), "Authorization", bearer);
  soup_message_set_request_body_from_bytes (message, "application/sdp", body);
  answer = soup_session_send_and_read (http, message, NULL, error);
  if (answer == NULL)
    return NULL;
  data = g_bytes_get_data (answer, &length);
  if (soup_message_get_status (message) != SOUP_STATUS_CREATED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "POST %s answered %u: %.*s", url,
                   soup_message_get_status (message), (int)MIN (length, 400), data);
      return NULL;
    }
  if (location != NULL)
    *location = g_strdup (
        soup_message_headers_get_one (soup_message_get_response_headers (message), "Location"));
  return g_strndup (data, length);
}

gboolean
bench_eboard_delete (BenchEboard *eboard, const char *location, const char *credential,
                     GError **error)
{
  g_autofree char *url = g_strconcat (eboard->base, location, NULL);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", credential);
  g_autoptr (SoupMessage) message = soup_message_new ("DELETE", url);
  g_autoptr (GBytes) answer = NULL;

  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad resource %s", location);
      return FALSE;
    }
  soup_message_headers_append (soup_message_get_request_headers (message), "Authorization", bearer);
  answer = soup_session_send_and_read (eboard->http, message, NULL, error);
  if (answer == NULL)
    return FALSE;
  if (soup_message_get_status (message) != SOUP_STATUS_NO_CONTENT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "DELETE %s answered %u", location,
                   soup_message_get_status (message));
      return FALSE;
    }
  return TRUE;
}
