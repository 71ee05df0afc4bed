/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-webrtc-janus.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

/* Debian's layout */
#define JANUS_LIBDIR "/usr/lib/x86_64-linux-gnu/janus"
#define START_TIMEOUT_S 30

struct _BenchJanus
{
  BenchProc proc;
  char *url;
};

/* --- the configuration --- */

/* Only the VideoRoom plugin and the HTTP transport are loaded. */
static const char *const other_plugins
    = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,"
      "libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,"
      "libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so";
static const char *const other_transports
    = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so,"
      "libjanus_websockets.so";

static gboolean
write_config (const char *dir, guint port, GError **error)
{
  g_autofree char *core_path = g_build_filename (dir, "janus.jcfg", NULL);
  g_autofree char *http_path = g_build_filename (dir, "janus.transport.http.jcfg", NULL);
  g_autofree char *room_path = g_build_filename (dir, "janus.plugin.videoroom.jcfg", NULL);
  g_autofree char *core = NULL, *http = NULL;
  /* one room: VP8 and Opus as the clients send, no bitrate cap, no
   * periodic keyframe requests (a new subscriber still asks for one), no
   * recording */
  const char *room = "general: {\n}\n"
                     "room-1: {\n"
                     "  description = \"forwarding benchmark\"\n"
                     "  publishers = 1\n"
                     "  bitrate = 0\n"
                     "  fir_freq = 0\n"
                     "  audiocodec = \"opus\"\n"
                     "  videocodec = \"vp8\"\n"
                     "  record = false\n"
                     "}\n";

  /* ICE and the SDP on 127.0.0.1 alone; sessions do not time out (the
   * clients send no keepalives while media flows) */
  core = g_strdup_printf ("general: {\n"
                          "  configs_folder = \"%s\"\n"
                          "  plugins_folder = \"" JANUS_LIBDIR "/plugins\"\n"
                          "  transports_folder = \"" JANUS_LIBDIR "/transports\"\n"
                          "  events_folder = \"" JANUS_LIBDIR "/events\"\n"
                          "  loggers_folder = \"" JANUS_LIBDIR "/loggers\"\n"
                          "  interface = \"127.0.0.1\"\n"
                          "  debug_level = 4\n"
                          "  session_timeout = 0\n"
                          "  server_name = \"forwarding-benchmark\"\n"
                          "}\n"
                          "certificates: {\n}\n"
                          "media: {\n}\n"
                          "nat: {\n"
                          "  ice_enforce_list = \"127.0.0.1\"\n"
                          "}\n"
                          "plugins: {\n  disable = \"%s\"\n}\n"
                          "transports: {\n  disable = \"%s\"\n}\n"
                          "loggers: {\n  disable = \"libjanus_jsonlog.so\"\n}\n"
                          "events: {\n  broadcast = false\n}\n",
                          dir, other_plugins, other_transports);
  http = g_strdup_printf ("general: {\n"
                          "  json = \"plain\"\n"
                          "  base_path = \"/janus\"\n"
                          "  http = true\n"
                          "  port = %u\n"
                          "  ip = \"127.0.0.1\"\n"
                          "  https = false\n"
                          "}\n"
                          "admin: {\n"
                          "  admin_http = false\n"
                          "  admin_https = false\n"
                          "}\n",
                          port);
  return g_file_set_contents (core_path, core, -1, error)
         && g_file_set_contents (http_path, http, -1, error)
         && g_file_set_contents (room_path, room, -1, error);
}

/* --- the process --- */

char *
bench_janus_find (void)
{
  g_autofree char *path = g_find_program_in_path ("janus");

  if (path == NULL
      || !g_file_test (JANUS_LIBDIR "/plugins/libjanus_videoroom.so", G_FILE_TEST_EXISTS)
      || !g_file_test (JANUS_LIBDIR "/transports/libjanus_http.so", G_FILE_TEST_EXISTS))
    return NULL;
  return g_steal_pointer (&path);
}

/* Whether GET /janus/info answers. */
static gboolean
answers (SoupSession *http, const char *url)
{
  g_autofree char *info = g_strconcat (url, "/info", NULL);
  g_autoptr (SoupMessage) message = soup_message_new ("GET", info);
  g_autoptr (GBytes) body = soup_session_send_and_read (http, message, NULL, NULL);

  return body != NULL && soup_message_get_status (message) == SOUP_STATUS_OK;
}

BenchJanus *
bench_janus_start (const char *janus, const char *preload, const char *dir, const char *log_path,
                   GError **error)
{
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "LD_PRELOAD", preload, TRUE);
  g_autoptr (SoupSession) http = soup_session_new_with_options ("timeout", 5, NULL);
  g_autofree char *config = g_build_filename (dir, "janus.jcfg", NULL);
  guint port = bench_free_tcp_port ();
  const char *argv[]
      = { janus, "--configs-folder", dir, "--config", config, "--disable-colors", NULL };
  BenchJanus *self;
  double deadline;

  if (port == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no free TCP port for Janus");
      return NULL;
    }
  if (!write_config (dir, port, error))
    return NULL;
  self = g_new0 (BenchJanus, 1);
  self->url = g_strdup_printf ("http://127.0.0.1:%u/janus", port);
  if (!bench_proc_spawn (&self->proc, argv, (const char *const *)envp, log_path, error))
    {
      bench_janus_free (self);
      return NULL;
    }
  deadline = bench_monotonic_s () + START_TIMEOUT_S;
  while (!answers (http, self->url))
    {
      if (bench_proc_wait (&self->proc, 0.1) || bench_monotonic_s () > deadline
          || bench_interrupted)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Janus did not answer on %s within %d s (log: %s)", self->url,
                       START_TIMEOUT_S, log_path);
          bench_janus_free (self);
          return NULL;
        }
    }
  return self;
}

const char *
bench_janus_get_url (BenchJanus *janus)
{
  return janus->url;
}

BenchProc *
bench_janus_get_proc (BenchJanus *janus)
{
  return &janus->proc;
}

gboolean
bench_janus_stop (BenchJanus *janus)
{
  /* Janus exits 0 on SIGTERM after closing its sessions */
  return bench_proc_stop (&janus->proc, SIGTERM, 10) && bench_proc_exited_cleanly (&janus->proc);
}

void
bench_janus_free (BenchJanus *janus)
{
  if (janus == NULL)
    return;
  bench_proc_stop (&janus->proc, SIGKILL, 5);
  g_free (janus->url);
  g_free (janus);
}

/* --- the API --- */

struct _BenchJanusHandle
{
  SoupSession *http;
  char *session_url; /* .../janus/<session> */
  char *handle_url;  /* .../janus/<session>/<handle> */
  guint next_transaction;
};

static char *
transaction_id (BenchJanusHandle *handle)
{
  return g_strdup_printf ("bench-%u-%08x", ++handle->next_transaction, g_random_int ());
}

static JsonObject *
parse_object (GBytes *bytes, const char *what, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, (gssize)length, error))
    {
      g_prefix_error (error, "Janus %s: ", what);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Janus %s: not a JSON object", what);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* The member @name of @object when it is an object, else %NULL. */
static JsonObject *
object_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* GET (@body NULL) or POST @body to @url: the answer's JSON object. */
static JsonObject *
call (BenchJanusHandle *handle, const char *url, const char *body, GError **error)
{
  g_autoptr (SoupMessage) message = soup_message_new (body != NULL ? "POST" : "GET", url);
  g_autoptr (GBytes) answer = NULL;

  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad URL %s", url);
      return NULL;
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (handle->http, message, NULL, error);
  if (answer == NULL)
    return NULL;
  if (soup_message_get_status (message) != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Janus %s answered %u", url,
                   soup_message_get_status (message));
      return NULL;
    }
  return parse_object (answer, url, error);
}

/* A Janus-level error answer ({"janus": "error"}) as a GError. */
static gboolean
check_janus (JsonObject *answer, const char *what, GError **error)
{
  const char *kind = json_object_get_string_member_with_default (answer, "janus", "");

  if (g_str_equal (kind, "error"))
    {
      JsonObject *detail = object_member (answer, "error");

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Janus %s: %s", what,
                   detail != NULL
                       ? json_object_get_string_member_with_default (detail, "reason", "error")
                       : "error");
      return FALSE;
    }
  return TRUE;
}

/* POSTs {"janus": @verb, ...} to @url: the "data" "id" of its success. */
static gint64
create_id (BenchJanusHandle *handle, const char *url, const char *verb, const char *extra,
           GError **error)
{
  g_autofree char *transaction = transaction_id (handle);
  g_autofree char *body = g_strdup_printf ("{\"janus\": \"%s\", \"transaction\": \"%s\"%s}", verb,
                                           transaction, extra);
  g_autoptr (JsonObject) answer = call (handle, url, body, error);
  JsonObject *data;

  if (answer == NULL || !check_janus (answer, verb, error))
    return 0;
  data = object_member (answer, "data");
  if (data == NULL || !json_object_has_member (data, "id"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Janus %s: no id in the answer", verb);
      return 0;
    }
  return json_object_get_int_member (data, "id");
}

BenchJanusHandle *
bench_janus_handle_new (const char *url, GError **error)
{
  g_autoptr (BenchJanusHandle) handle = g_new0 (BenchJanusHandle, 1);
  gint64 session, plugin;

  /* a long poll is held for up to 30 s */
  handle->http = soup_session_new_with_options ("timeout", 45, NULL);
  session = create_id (handle, url, "create", "", error);
  if (session == 0)
    return NULL;
  handle->session_url = g_strdup_printf ("%s/%" G_GINT64_FORMAT, url, session);
  plugin = create_id (handle, handle->session_url, "attach",
                      ", \"plugin\": \"janus.plugin.videoroom\"", error);
  if (plugin == 0)
    return NULL;
  handle->handle_url = g_strdup_printf ("%s/%" G_GINT64_FORMAT, handle->session_url, plugin);
  return g_steal_pointer (&handle);
}

void
bench_janus_handle_free (BenchJanusHandle *handle)
{
  if (handle == NULL)
    return;
  g_clear_object (&handle->http);
  g_free (handle->session_url);
  g_free (handle->handle_url);
  g_free (handle);
}

static char *
message_body (BenchJanusHandle *handle, const char *body, const char *jsep_type,
              const char *jsep_sdp, const char *transaction)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) request = json_from_string (body, NULL);
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "janus");
  json_builder_add_string_value (builder, "message");
  json_builder_set_member_name (builder, "transaction");
  json_builder_add_string_value (builder, transaction);
  json_builder_set_member_name (builder, "body");
  json_builder_add_value (builder, g_steal_pointer (&request));
  if (jsep_sdp != NULL)
    {
      json_builder_set_member_name (builder, "jsep");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, jsep_type);
      json_builder_set_member_name (builder, "sdp");
      json_builder_add_string_value (builder, jsep_sdp);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Whether @event is the plugin's answer to the request; FALSE with
 * @error set when the plugin refused it. */
static gboolean
is_answer (JsonObject *event, const char *wanted, gboolean *refused, GError **error)
{
  JsonObject *plugindata = object_member (event, "plugindata");
  JsonObject *data;

  *refused = FALSE;
  if (plugindata == NULL || (data = object_member (plugindata, "data")) == NULL)
    return FALSE;
  if (json_object_has_member (data, "error"))
    {
      *refused = TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Janus VideoRoom: %s (%" G_GINT64_FORMAT ")",
                   json_object_get_string_member_with_default (data, "error", ""),
                   json_object_get_int_member_with_default (data, "error_code", 0));
      return FALSE;
    }
  return g_strcmp0 (json_object_get_string_member_with_default (data, "videoroom", ""), wanted) == 0
         || json_object_has_member (data, wanted);
}

static void
take_sdp (JsonObject *event, char **sdp_out)
{
  JsonObject *jsep = object_member (event, "jsep");

  if (sdp_out != NULL && jsep != NULL && json_object_has_member (jsep, "sdp"))
    *sdp_out = g_strdup (json_object_get_string_member (jsep, "sdp"));
}

/* One long poll: the next event of the session. */
static JsonObject *
next_event (BenchJanusHandle *handle, GError **error)
{
  g_autofree char *url = g_strdup_printf ("%s?maxev=1&rid=%" G_GINT64_FORMAT, handle->session_url,
                                          g_get_real_time ());
  JsonObject *event = call (handle, url, NULL, error);

  if (event != NULL && !check_janus (event, "event", error))
    g_clear_pointer (&event, json_object_unref);
  return event;
}

gboolean
bench_janus_wait_event (BenchJanusHandle *handle, const char *what, double seconds, GError **error)
{
  double deadline = bench_monotonic_s () + seconds;

  while (bench_monotonic_s () < deadline && !bench_interrupted)
    {
      g_autoptr (JsonObject) event = next_event (handle, error);

      if (event == NULL)
        return FALSE;
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "janus", ""), what) == 0)
        return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Janus: no \"%s\" within %.0f s", what,
               seconds);
  return FALSE;
}

gboolean
bench_janus_request (BenchJanusHandle *handle, const char *body, const char *jsep_type,
                     const char *jsep_sdp, const char *wanted, double seconds, char **sdp_out,
                     GError **error)
{
  g_autofree char *transaction = transaction_id (handle);
  g_autofree char *message = message_body (handle, body, jsep_type, jsep_sdp, transaction);
  g_autoptr (JsonObject) ack = call (handle, handle->handle_url, message, error);
  double deadline = bench_monotonic_s () + seconds;
  gboolean refused = FALSE;

  if (sdp_out != NULL)
    *sdp_out = NULL;
  if (ack == NULL || !check_janus (ack, "message", error))
    return FALSE;
  /* a request the plugin answers at once */
  if (is_answer (ack, wanted, &refused, error))
    {
      take_sdp (ack, sdp_out);
      return TRUE;
    }
  if (refused)
    return FALSE;
  while (bench_monotonic_s () < deadline && !bench_interrupted)
    {
      g_autoptr (JsonObject) event = next_event (handle, error);

      if (event == NULL)
        return FALSE;
      /* others ("webrtcup", "media", "keepalive", ...) are passed over */
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "transaction", ""),
                     transaction)
          != 0)
        continue;
      if (is_answer (event, wanted, &refused, error))
        {
          take_sdp (event, sdp_out);
          return TRUE;
        }
      if (refused)
        return FALSE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Janus: no \"%s\" within %.0f s", wanted,
               seconds);
  return FALSE;
}
