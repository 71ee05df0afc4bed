/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include <sys/stat.h>
#include <glib/gstdio.h>

#include "eb-ctl-private.h"

#define DEFAULT_SERVER "http://127.0.0.1:8080"

G_DEFINE_QUARK (eb - ctl - error - quark, eb_ctl_error)

int
eb_ctl_error_exit_status (const GError *error)
{
  if (error == NULL)
    return 0;
  if (error->domain == EB_CTL_ERROR)
    {
      switch ((EbCtlError)error->code)
        {
          case EB_CTL_ERROR_USAGE:
            return 2;
          case EB_CTL_ERROR_CONNECT:
            return 3;
          case EB_CTL_ERROR_SERVER:
          case EB_CTL_ERROR_LOCAL:
          default:
            return 1;
        }
    }
  return 1;
}

void
eb_ctl_usage_error (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, EB_CTL_ERROR, EB_CTL_ERROR_USAGE, message);
}

EbCtl *
eb_ctl_new (void)
{
  return g_new0 (EbCtl, 1);
}

void
eb_ctl_free (EbCtl *ctl)
{
  if (ctl == NULL)
    return;
  g_free (ctl->opt_server);
  if (ctl->opt_token != NULL)
    explicit_bzero (ctl->opt_token, strlen (ctl->opt_token));
  g_free (ctl->opt_token);
  g_free (ctl->opt_client_config);
  g_free (ctl->server);
  if (ctl->token != NULL)
    explicit_bzero (ctl->token, strlen (ctl->token));
  g_free (ctl->token);
  g_clear_object (&ctl->session);
  g_free (ctl->command_name);
  g_free (ctl);
}

/* The client file: [client] server=, token=. A missing default file is
 * fine; a file named with --client-config must exist. */
static gboolean
load_client_config (EbCtl *ctl, char **server, char **token, GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *default_path = NULL;
  const char *path = ctl->opt_client_config;
  GStatBuf st;

  if (path == NULL)
    {
      default_path = g_build_filename (g_get_user_config_dir (), "eboard", "eboardctl.conf", NULL);
      if (!g_file_test (default_path, G_FILE_TEST_EXISTS))
        return TRUE;
      path = default_path;
    }
  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      eb_ctl_usage_error (error, "client configuration %s: %s", path, local_error->message);
      return FALSE;
    }
  *server = g_key_file_get_string (keyfile, "client", "server", NULL);
  *token = g_key_file_get_string (keyfile, "client", "token", NULL);
  if (*server != NULL)
    g_strstrip (*server);
  if (*token != NULL)
    g_strstrip (*token);
  if (*token != NULL && g_stat (path, &st) == 0 && (st.st_mode & 0077) != 0)
    g_printerr ("eboardctl: warning: %s holds a token but others may read it (chmod 600 %s)\n",
                path, path);
  return TRUE;
}

static gboolean
resolve_connection (EbCtl *ctl, GError **error)
{
  g_autofree char *file_server = NULL;
  g_autofree char *file_token = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *env_server = g_getenv ("EBOARD_SERVER");
  const char *env_token = g_getenv ("EBOARD_TOKEN");
  const char *server;
  const char *scheme;
  gsize len;

  if (!load_client_config (ctl, &file_server, &file_token, error))
    return FALSE;

  if (ctl->opt_server != NULL)
    server = ctl->opt_server;
  else if (env_server != NULL && *env_server != '\0')
    server = env_server;
  else if (file_server != NULL && *file_server != '\0')
    server = file_server;
  else
    server = DEFAULT_SERVER;

  uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || g_uri_get_query (uri) != NULL)
    {
      eb_ctl_usage_error (error, "server '%s' is not an http:// or https:// URL", server);
      return FALSE;
    }
  ctl->server = g_strdup (server);
  len = strlen (ctl->server);
  while (len > 0 && ctl->server[len - 1] == '/')
    ctl->server[--len] = '\0';

  if (ctl->opt_token != NULL)
    {
      ctl->token = g_strdup (ctl->opt_token);
      ctl->token_origin = "--token";
    }
  else if (env_token != NULL && *env_token != '\0')
    {
      ctl->token = g_strdup (env_token);
      ctl->token_origin = "EBOARD_TOKEN";
    }
  else if (file_token != NULL && *file_token != '\0')
    {
      ctl->token = g_strdup (file_token);
      ctl->token_origin = "the client configuration";
    }
  if (file_token != NULL)
    explicit_bzero (file_token, strlen (file_token));

  ctl->session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 60, "user-agent",
                                                "eboardctl/" EB_VERSION, NULL);
  return TRUE;
}

gboolean
eb_ctl_parse (EbCtl *ctl, const GOptionEntry *entries, GStrv *args, guint min_args, gint max_args,
              GError **error)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GArray) all = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autofree char *params = NULL;
  guint n_args;
  const GOptionEntry global[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &ctl->opt_server,
      "Server URL (default: $EBOARD_SERVER, the client configuration, " DEFAULT_SERVER ")", "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &ctl->opt_token,
      "API token (default: $EBOARD_TOKEN, the client configuration)", "TOKEN" },
    { "client-config", 0, 0, G_OPTION_ARG_FILENAME, &ctl->opt_client_config,
      "Client configuration (default: ~/.config/eboard/eboardctl.conf)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctl->json, "Print the server's JSON", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &ctl->verbose, "Show each request on stderr", NULL },
    G_OPTION_ENTRY_NULL,
  };

  for (guint i = 0; entries != NULL && entries[i].long_name != NULL; i++)
    g_array_append_val (all, entries[i]);
  for (guint i = 0; global[i].long_name != NULL; i++)
    g_array_append_val (all, global[i]);

  params = g_strdup_printf ("%s", ctl->command->params != NULL ? ctl->command->params : "");
  context = g_option_context_new (params);
  g_option_context_set_summary (context, ctl->command->summary);
  g_option_context_set_description (
      context, "Exit status: 0 on success, 1 when the server refuses (4xx/5xx), 2 for a usage\n"
               "error, 3 when the server cannot be reached.");
  g_option_context_add_main_entries (context, (const GOptionEntry *)all->data, NULL);
  g_set_prgname (ctl->command_name);
  if (!g_option_context_parse_strv (context, args, &local_error))
    {
      eb_ctl_usage_error (error, "%s", local_error->message);
      return FALSE;
    }

  n_args = g_strv_length (*args) - 1;
  if (n_args < min_args)
    {
      eb_ctl_usage_error (error, "missing argument%s %s", min_args > 1 ? "s" : "",
                          ctl->command->params);
      return FALSE;
    }
  if (max_args >= 0 && n_args > (guint)max_args)
    {
      eb_ctl_usage_error (error, "unexpected argument '%s'", (*args)[max_args + 1]);
      return FALSE;
    }
  return resolve_connection (ctl, error);
}

/* --- HTTP --- */

void
eb_ctl_reply_free (EbCtlReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->content_type);
  g_free (reply->etag);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

void
eb_ctl_path_add_query (GString *path, const char *key, const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_c (path, strchr (path->str, '?') != NULL ? '&' : '?');
  g_string_append_printf (path, "%s=%s", key, escaped);
}

static gboolean
is_json_type (const char *content_type)
{
  return content_type != NULL
         && (g_ascii_strcasecmp (content_type, "application/json") == 0
             || g_ascii_strcasecmp (content_type, "application/problem+json") == 0);
}

/* The offending text of a violation's span, when the request carried the
 * field as a top-level string. */
static char *
span_text (JsonNode *request, const char *field, gint64 start, gint64 end)
{
  JsonObject *object;
  const char *text;

  if (request == NULL || field == NULL || !JSON_NODE_HOLDS_OBJECT (request))
    return NULL;
  object = json_node_get_object (request);
  if (!json_object_has_member (object, field))
    return NULL;
  if (json_node_get_value_type (json_object_get_member (object, field)) != G_TYPE_STRING)
    return NULL;
  text = json_object_get_string_member (object, field);
  if (start < 0 || end <= start || (gsize)end > strlen (text))
    return NULL;
  return g_strndup (text + start, end - start);
}

static const char *
member_string (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Appends server (or echoed) text for the terminal: its control
 * characters escaped, so that a detail quoting a session's title cannot
 * move the cursor or retitle the window. */
static void
append_escaped (GString *message, const char *text)
{
  g_autofree char *escaped = eb_ctl_escape_controls (text, NULL);

  g_string_append (message, escaped);
}

/* (transfer full): the answer's reason phrase, escaped like its body. */
static char *
reason_phrase (SoupMessage *msg)
{
  const char *reason = soup_message_get_reason_phrase (msg);

  return eb_ctl_escape_controls (reason != NULL ? reason : "", NULL);
}

static void
append_violation (GString *message, JsonObject *violation, JsonNode *request)
{
  const char *rule = member_string (violation, "rule");
  const char *detail = member_string (violation, "detail");
  const char *field = member_string (violation, "field");
  JsonNode *span = json_object_get_member (violation, "span");
  g_autoptr (GString) where = g_string_new (NULL);

  g_string_append (message, "\n  ");
  append_escaped (message, rule != NULL ? rule : "(rule)");
  g_string_append (message, ": ");
  append_escaped (message, detail != NULL ? detail : "");
  if (field != NULL)
    {
      g_string_append (where, "field ");
      append_escaped (where, field);
    }
  if (span != NULL && JSON_NODE_HOLDS_ARRAY (span)
      && json_array_get_length (json_node_get_array (span)) == 2)
    {
      JsonArray *pair = json_node_get_array (span);
      gint64 start = json_array_get_int_element (pair, 0);
      gint64 end = json_array_get_int_element (pair, 1);
      g_autofree char *text = span_text (request, field, start, end);

      g_string_append_printf (where, "%sspan [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                              where->len > 0 ? ", " : "", start, end);
      if (text != NULL)
        {
          g_string_append (where, " \"");
          append_escaped (where, text);
          g_string_append_c (where, '"');
        }
    }
  if (where->len > 0)
    g_string_append_printf (message, " (%s)", where->str);
}

/* Whether @detail only strings the violations' details together (then
 * the lines per violation say it all). */
static gboolean
detail_repeats_violations (JsonObject *problem, const char *detail)
{
  JsonNode *node = json_object_get_member (problem, "violations");
  JsonArray *violations;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  violations = json_node_get_array (node);
  if (json_array_get_length (violations) == 0)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (violations); i++)
    {
      JsonNode *element = json_array_get_element (violations, i);
      const char *text;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      text = member_string (json_node_get_object (element), "detail");
      if (text == NULL || strstr (detail, text) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* "404 Not Found: no site 7" plus one line per violation. */
static void
set_problem_error (EbCtl *ctl, GError **error, SoupMessage *msg, EbCtlReply *reply,
                   JsonNode *request)
{
  g_autoptr (GString) message = g_string_new (NULL);
  JsonObject *problem = NULL;
  const char *title = NULL;
  const char *detail = NULL;

  if (reply->json != NULL && JSON_NODE_HOLDS_OBJECT (reply->json))
    {
      problem = json_node_get_object (reply->json);
      title = member_string (problem, "title");
      detail = member_string (problem, "detail");
    }
  g_string_append_printf (message, "%u ", reply->status);
  if (title != NULL)
    append_escaped (message, title);
  else
    {
      g_autofree char *reason = reason_phrase (msg);

      g_string_append (message, reason);
    }
  if (detail != NULL && *detail != '\0' && !detail_repeats_violations (problem, detail))
    {
      g_string_append (message, ": ");
      append_escaped (message, detail);
    }
  else if (problem == NULL && reply->body != NULL && g_bytes_get_size (reply->body) > 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (reply->body, &size);
      g_autofree char *text = g_strndup (data, MIN (size, 200));

      g_strdelimit (text, "\r\n", ' ');
      if (g_utf8_validate (text, -1, NULL))
        {
          g_string_append (message, ": ");
          append_escaped (message, g_strstrip (text));
        }
    }
  if (problem != NULL && json_object_has_member (problem, "violations")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (problem, "violations")))
    {
      JsonArray *violations = json_object_get_array_member (problem, "violations");

      for (guint i = 0; i < json_array_get_length (violations); i++)
        {
          JsonNode *node = json_array_get_element (violations, i);

          if (JSON_NODE_HOLDS_OBJECT (node))
            append_violation (message, json_node_get_object (node), request);
        }
    }
  if (reply->status == SOUP_STATUS_UNAUTHORIZED)
    {
      if (ctl->token == NULL)
        g_string_append (message, "\n  no token was given: use --token, EBOARD_TOKEN or the "
                                  "client configuration");
      else
        g_string_append_printf (message, "\n  the token from %s was refused", ctl->token_origin);
    }
  g_set_error_literal (error, EB_CTL_ERROR, EB_CTL_ERROR_SERVER, message->str);
}

EbCtlReply *
eb_ctl_request (EbCtl *ctl, const char *method, const char *path, JsonNode *body,
                const char *if_match, const char *idempotency_key, GError **error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (EbCtlReply) reply = g_new0 (EbCtlReply, 1);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *url = g_strconcat (ctl->server, path, NULL);
  SoupMessageHeaders *headers;
  const char *content_type;
  const char *etag;

  g_return_val_if_fail (ctl->session != NULL, NULL);

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      eb_ctl_usage_error (error, "'%s' is not a valid URL", url);
      return NULL;
    }
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept",
                                "application/json, application/problem+json, text/calendar");
  if (ctl->token != NULL)
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", ctl->token);

      soup_message_headers_replace (headers, "Authorization", bearer);
      explicit_bzero (bearer, strlen (bearer));
    }
  if (if_match != NULL)
    {
      g_autofree char *quoted = NULL;

      if (if_match[0] == '"' || g_str_has_prefix (if_match, "W/"))
        quoted = g_strdup (if_match);
      else
        quoted = g_strdup_printf ("\"%s\"", if_match);
      soup_message_headers_replace (headers, "If-Match", quoted);
    }
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (body != NULL)
    {
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autoptr (GBytes) bytes = NULL;
      gsize length = 0;
      char *data;

      json_generator_set_root (generator, body);
      data = json_generator_to_data (generator, &length);
      bytes = g_bytes_new_take (data, length);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  if (ctl->verbose)
    g_printerr ("> %s %s%s%s%s\n", method, url, ctl->token != NULL ? " (with a token)" : "",
                if_match != NULL ? " If-Match" : "",
                idempotency_key != NULL ? " Idempotency-Key" : "");

  reply->body = soup_session_send_and_read (ctl->session, msg, NULL, &local_error);
  if (reply->body == NULL)
    {
      g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_CONNECT, "cannot reach %s: %s", ctl->server,
                   local_error->message);
      return NULL;
    }
  reply->status = soup_message_get_status (msg);
  if (ctl->verbose)
    {
      g_autofree char *reason = reason_phrase (msg);

      g_printerr ("< %u %s\n", reply->status, reason);
    }

  headers = soup_message_get_response_headers (msg);
  content_type = soup_message_headers_get_content_type (headers, NULL);
  reply->content_type = g_strdup (content_type);
  etag = soup_message_headers_get_one (headers, "ETag");
  reply->etag = g_strdup (etag);
  if (is_json_type (content_type) && g_bytes_get_size (reply->body) > 0)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (reply->body, &size);

      if (json_parser_load_from_data (parser, data, size, NULL))
        reply->json = json_node_ref (json_parser_get_root (parser));
    }

  if (reply->status >= 400)
    {
      set_problem_error (ctl, error, msg, reply, body);
      return NULL;
    }
  if (reply->status < 200 || reply->status >= 300)
    {
      g_autofree char *reason = reason_phrase (msg);

      g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_SERVER, "unexpected answer %u %s",
                   reply->status, reason);
      return NULL;
    }
  return g_steal_pointer (&reply);
}

JsonObject *
eb_ctl_reply_get_object (EbCtlReply *reply, GError **error)
{
  if (reply->json == NULL || !JSON_NODE_HOLDS_OBJECT (reply->json))
    {
      g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_SERVER,
                   "the server answered %u without a JSON object", reply->status);
      return NULL;
    }
  return json_node_get_object (reply->json);
}

JsonObject *
eb_ctl_get_object (EbCtl *ctl, const char *path, EbCtlReply **out_reply, GError **error)
{
  g_autoptr (EbCtlReply) reply = NULL;
  JsonObject *object;

  reply = eb_ctl_request (ctl, "GET", path, NULL, NULL, NULL, error);
  if (reply == NULL)
    return NULL;
  object = eb_ctl_reply_get_object (reply, error);
  if (object == NULL)
    return NULL;
  *out_reply = g_steal_pointer (&reply);
  return object;
}
