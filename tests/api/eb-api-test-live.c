/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include "eb-api-test-live.h"
#include "../media/eb-media-test-util.h"

/* No end or WebSocket wait of these tests is longer. */
#define EB_API_TEST_WAIT_SECONDS 30

/* --- sessions --- */

char *
eb_api_test_token (EbTestServer *server, EbRole role, EbId person_id, EbId *token_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbToken) token = NULL;
  char *secret = NULL;

  token = eb_service_create_token (server->service, &server->admin, person_id, role, "test", 0,
                                   &secret, &error);
  g_assert_no_error (error);
  if (token_id != NULL)
    *token_id = token->id;
  return secret;
}

EbId
eb_api_test_add_entry (EbTestServer *server, EbId session_id, EbId person_id, EbRosterRole role,
                       gboolean accepted)
{
  g_autoptr (EbRosterEntry) input = eb_roster_entry_new ();
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GError) error = NULL;

  input->session_id = session_id;
  input->person_id = person_id;
  input->role = role;
  if (accepted)
    input->status = EB_INVITATION_ACCEPTED;
  entry = eb_service_add_roster_entry (server->service, &server->admin, input, NULL, &error);
  g_assert_no_error (error);
  return entry->id;
}

EbId
eb_api_test_new_session (EbTestServer *server, EbId site_id, gint64 start, const char *timezone)
{
  g_autoptr (EbSession) input = eb_session_new ();
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  input->title = g_strdup ("Thoracic board");
  input->focus = g_strdup ("");
  input->host_site_id = site_id;
  input->start = start;
  input->duration_minutes = 60;
  input->timezone = g_strdup (timezone);
  session = eb_service_create_session (server->service, &server->admin, input, &error);
  g_assert_no_error (error);
  return session->id;
}

void
eb_api_test_schedule (EbTestServer *server, EbId session_id)
{
  g_autoptr (EbSession) scheduled = NULL;
  g_autoptr (GError) error = NULL;

  scheduled = eb_service_transition_session (server->service, &server->admin, session_id,
                                             EB_SESSION_STATE_SCHEDULED, 0, &error);
  g_assert_no_error (error);
}

void
eb_api_test_start (EbTestServer *server, const EbPrincipal *who, EbId session_id)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = eb_service_start_session (server->service, who, session_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, EB_SESSION_STATE_LIVE);
}

static void
eb_api_test_ended_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbRecording **out = user_data;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  EbRecording *recording = NULL;

  session = eb_service_end_session_finish (EB_SERVICE (source), result, &recording, &error);
  g_assert_no_error (error);
  g_assert_nonnull (recording);
  *out = recording;
}

EbRecording *
eb_api_test_end (EbTestServer *server, const EbPrincipal *who, EbId session_id)
{
  EbRecording *recording = NULL;
  gint64 deadline = g_get_monotonic_time () + EB_API_TEST_WAIT_SECONDS * G_USEC_PER_SEC;

  eb_service_end_session_async (server->service, who, session_id, 0, NULL, eb_api_test_ended_cb,
                                &recording);
  while (recording == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return recording;
}

char *
eb_api_test_session_path (EbId session_id, const char *suffix)
{
  return g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "%s", session_id, suffix);
}

/* --- a real media plane --- */

void
eb_api_test_media_start (EbApiTestMedia *media, const guint8 *key, gsize key_length,
                         const char *const *ice_addresses)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = eb_test_pipelines_dir ();
  EbMediaSettings settings = {
    .pipelines_dir = pipelines,
    .srt_address = "127.0.0.1",
    .srt_port = 0,
    .segment_seconds = 2,
    .credential_key = key,
    .credential_key_length = key_length,
    .ice_local_addresses = ice_addresses,
  };

  media->recordings_dir = g_dir_make_tmp ("eb-api-media-XXXXXX", &error);
  g_assert_no_error (error);
  settings.recordings_dir = media->recordings_dir;
  media->plane = eb_media_plane_new (&settings, &error);
  g_assert_no_error (error);
  g_assert_true (eb_media_plane_start (media->plane, &error));
  g_assert_no_error (error);
}

void
eb_api_test_media_stop (EbApiTestMedia *media, EbTestServer *server)
{
  GWeakRef weak;

  eb_service_set_media_plane (server->service, NULL, NULL, 0, NULL);
  g_weak_ref_init (&weak, media->plane);
  g_clear_object (&media->plane);
  /* nothing kept the plane alive */
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
  eb_test_rm_rf (media->recordings_dir);
  g_clear_pointer (&media->recordings_dir, g_free);
}

/* --- the events WebSocket --- */

void
eb_api_test_ws_free (EbApiTestWs *ws)
{
  if (ws->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (ws->connection, ws);
      if (soup_websocket_connection_get_state (ws->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&ws->connection);
  g_clear_object (&ws->message);
  g_clear_error (&ws->error);
  g_clear_pointer (&ws->messages, g_ptr_array_unref);
  g_free (ws);
}

static void
eb_api_test_ws_message_cb (SoupWebsocketConnection *connection, gint type, GBytes *message,
                           gpointer user_data)
{
  EbApiTestWs *ws = user_data;
  g_autoptr (GError) error = NULL;
  JsonNode *node;

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  node = json_from_string (g_bytes_get_data (message, NULL), &error);
  g_assert_no_error (error);
  g_ptr_array_add (ws->messages, node);
}

static void
eb_api_test_ws_closed_cb (SoupWebsocketConnection *connection, gpointer user_data)
{
  EbApiTestWs *ws = user_data;

  ws->closed = TRUE;
  ws->closed_at = g_get_monotonic_time ();
}

static void
eb_api_test_ws_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbApiTestWs *ws = user_data;

  ws->connection
      = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &ws->error);
  if (ws->connection == NULL)
    {
      ws->failed = TRUE;
      return;
    }
  g_signal_connect (ws->connection, "message", G_CALLBACK (eb_api_test_ws_message_cb), ws);
  g_signal_connect (ws->connection, "closed", G_CALLBACK (eb_api_test_ws_closed_cb), ws);
  ws->connected = TRUE;
}

EbApiTestWs *
eb_api_test_ws_connect (EbTestServer *server, const char *path, const char *token,
                        gboolean in_query)
{
  g_autofree char *url = NULL;
  EbApiTestWs *ws = g_new0 (EbApiTestWs, 1);
  gint64 deadline = g_get_monotonic_time () + EB_API_TEST_WAIT_SECONDS * G_USEC_PER_SEC;

  if (in_query && token != NULL)
    {
      g_autofree char *encoded = g_uri_escape_string (token, NULL, FALSE);

      url = g_strdup_printf ("%s%s%saccess_token=%s", server->base_url, path,
                             strchr (path, '?') != NULL ? "&" : "?", encoded);
    }
  else
    url = g_strconcat (server->base_url, path, NULL);
  ws->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  ws->message = soup_message_new ("GET", url);
  if (!in_query && token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (ws->message), "Authorization",
                                    authorization);
    }
  soup_session_websocket_connect_async (server->session, ws->message, NULL, NULL,
                                        G_PRIORITY_DEFAULT, NULL, eb_api_test_ws_connected_cb, ws);
  while (!ws->connected && !ws->failed)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return ws;
}

void
eb_api_test_ws_wait_messages (EbApiTestWs *ws, guint n)
{
  gint64 deadline = g_get_monotonic_time () + EB_API_TEST_WAIT_SECONDS * G_USEC_PER_SEC;

  while (ws->messages->len < n && !ws->closed)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (ws->messages->len, >=, n);
}

void
eb_api_test_ws_wait_closed (EbApiTestWs *ws)
{
  eb_test_wait_for (&ws->closed);
}

JsonObject *
eb_api_test_ws_message (EbApiTestWs *ws, guint index)
{
  JsonNode *node;

  g_assert_cmpuint (index, <, ws->messages->len);
  node = g_ptr_array_index (ws->messages, index);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static const char *
eb_api_test_ws_kind (EbApiTestWs *ws, guint index)
{
  return json_object_get_string_member (eb_api_test_ws_message (ws, index), "kind");
}

JsonObject *
eb_api_test_ws_wait_kind (EbApiTestWs *ws, const char *kind, guint from)
{
  gint64 deadline = g_get_monotonic_time () + EB_API_TEST_WAIT_SECONDS * G_USEC_PER_SEC;
  guint i = from;

  for (;;)
    {
      for (; i < ws->messages->len; i++)
        {
          if (g_strcmp0 (eb_api_test_ws_kind (ws, i), kind) == 0)
            return eb_api_test_ws_message (ws, i);
        }
      g_assert_false (ws->closed);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

guint
eb_api_test_ws_count_kind (EbApiTestWs *ws, const char *kind)
{
  guint n = 0;

  for (guint i = 0; i < ws->messages->len; i++)
    {
      if (g_strcmp0 (eb_api_test_ws_kind (ws, i), kind) == 0)
        n++;
    }
  return n;
}
