/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-daemon"
#define G_LOG_USE_STRUCTURED 1

#include "eb-config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <eboard/eboard.h>

#include "eb-daemon-config-private.h"

/* Exit statuses: 0 after a clean stop, 1 when the daemon cannot run
 * (store, socket), 2 for a bad command line or configuration. */
enum
{
  EXIT_OK = 0,
  EXIT_RUNTIME = 1,
  EXIT_USAGE = 2,
};

typedef struct
{
  EbDaemonConfig *config;
  GMainLoop *loop;
  EbStore *store;
  EbService *service;
  EbMediaPlane *media;
  EbApiServer *server;
  guint sigterm_id;
  guint sigint_id;
  gboolean stopping;
  /* monotonic time by which the stop is over (shutdown_timeout) */
  gint64 stop_deadline;
} EbDaemon;

static GLogLevelFlags log_threshold = G_LOG_LEVEL_MESSAGE;
/* The TURN passwords, as written and percent-decoded: masked in every
 * log line, whichever library writes it. */
static GPtrArray *log_secrets;

static void
collect_log_secrets (const EbDaemonConfig *config)
{
  g_clear_pointer (&log_secrets, g_ptr_array_unref);
  log_secrets = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; config->turn_servers[i] != NULL; i++)
    {
      g_autofree char *password = NULL;
      g_autofree char *decoded = NULL;

      if (!g_uri_split_with_user (config->turn_servers[i],
                                  G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL, NULL,
                                  &password, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
          || password == NULL || *password == '\0')
        continue;
      decoded = g_uri_unescape_string (password, NULL);
      if (decoded != NULL && *decoded != '\0' && g_strcmp0 (decoded, password) != 0)
        g_ptr_array_add (log_secrets, g_steal_pointer (&decoded));
      g_ptr_array_add (log_secrets, g_steal_pointer (&password));
    }
}

/* (transfer full) (nullable): @message with every secret replaced by
 * "***"; %NULL when it holds none. */
static char *
mask_log_secrets (const char *message, gssize length)
{
  g_autoptr (GString) text = NULL;
  gboolean found = FALSE;

  if (log_secrets == NULL || log_secrets->len == 0 || message == NULL)
    return NULL;
  text = length < 0 ? g_string_new (message) : g_string_new_len (message, length);
  for (guint i = 0; i < log_secrets->len; i++)
    found |= g_string_replace (text, g_ptr_array_index (log_secrets, i), "***", 0) > 0;
  return found ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* Drops messages less severe than the configured level, masks the TURN
 * passwords, then writes to the journal when stderr is connected to it
 * (systemd), else to stderr: stdout is kept for the few lines an operator
 * (or a script) reads. */
static GLogWriterOutput
log_writer_cb (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields,
               gpointer user_data)
{
  GLogLevelFlags level = log_level & G_LOG_LEVEL_MASK;
  g_autofree GLogField *masked_fields = NULL;
  g_autofree char *masked = NULL;

  if (level != 0 && (level & (log_threshold | (log_threshold - 1))) == 0)
    return G_LOG_WRITER_HANDLED;
  for (gsize i = 0; i < n_fields && masked == NULL; i++)
    {
      if (g_strcmp0 (fields[i].key, "MESSAGE") != 0)
        continue;
      masked = mask_log_secrets (fields[i].value, fields[i].length);
      if (masked != NULL)
        {
          masked_fields = g_memdup2 (fields, n_fields * sizeof *fields);
          masked_fields[i].value = masked;
          masked_fields[i].length = -1;
          fields = masked_fields;
        }
    }
  if (g_log_writer_is_journald (fileno (stderr))
      && g_log_writer_journald (log_level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
}

static const char *
first_existing (const char *a, const char *b)
{
  if (g_file_test (a, G_FILE_TEST_EXISTS))
    return a;
  if (g_file_test (b, G_FILE_TEST_EXISTS))
    return b;
  return NULL;
}

static void
stop_live_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbDaemon *self = user_data;
  g_autoptr (GError) error = NULL;
  guint n_stopped = 0;

  if (!eb_service_stop_live_finish (EB_SERVICE (source), result, &n_stopped, &error))
    g_warning ("stopping live sessions (%u ended as interrupted): %s", n_stopped, error->message);
  else if (n_stopped > 0)
    g_message ("%u live session(s) ended as interrupted, their recordings registered", n_stopped);
  g_main_loop_quit (self->loop);
}

/* No request is served any more: the live sessions close within what is
 * left of the shutdown timeout, then the loop ends. */
static void
shutdown_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbDaemon *self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 left_us = MAX (0, self->stop_deadline - g_get_monotonic_time ());

  if (!eb_api_server_shutdown_finish (EB_API_SERVER (source), result, &error))
    g_warning ("stopping the HTTP server: %s", error->message);
  else
    g_info ("HTTP server stopped");
  eb_service_stop_live_async (self->service, (guint)(left_us / 1000), NULL, stop_live_cb, self);
}

static gboolean
stop_signal_cb (gpointer user_data)
{
  EbDaemon *self = user_data;
  guint in_flight;
  g_autofree char *in_flight_text = NULL;

  if (self->stopping)
    {
      g_message ("already stopping, waiting for requests in flight and live sessions");
      return G_SOURCE_CONTINUE;
    }
  self->stopping = TRUE;
  self->stop_deadline
      = g_get_monotonic_time () + (gint64)self->config->shutdown_timeout * G_USEC_PER_SEC;
  in_flight = eb_api_server_get_in_flight (self->server);
  in_flight_text = g_strdup_printf ("%u", in_flight);
  /* structured fields are plain strings; only MESSAGE is a format */
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "EBOARD_IN_FLIGHT", in_flight_text,
                    "MESSAGE", "stopping: %u request(s) in flight, waiting up to %u s", in_flight,
                    self->config->shutdown_timeout);
  eb_api_server_shutdown_async (self->server, self->config->shutdown_timeout * 1000, NULL,
                                shutdown_cb, self);
  return G_SOURCE_CONTINUE;
}

/* Creates the data folder (owner only) and the parents it needs. */
static gboolean
prepare_data_dir (const char *data_dir, GError **error)
{
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create the data folder %s: %s", data_dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/*
 * The bootstrap secret goes to a file only the service user can read and,
 * when stdout is a terminal, to the terminal once; never to the log. A
 * stdout that is not a terminal (a pipe, a file, the journal under
 * systemd) only learns where the file is. FALSE when the secret could be
 * neither saved nor shown.
 */
static gboolean
announce_bootstrap (EbDaemon *self, const char *secret)
{
  g_autofree char *path = g_build_filename (self->config->data_dir, "bootstrap-token", NULL);
  g_autofree char *contents = g_strdup_printf ("%s\n", secret);
  g_autoptr (GError) error = NULL;
  int out = fileno (stdout);
  gboolean terminal = isatty (out) && !g_log_writer_is_journald (out);
  gboolean saved;

  saved
      = g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  explicit_bzero (contents, strlen (contents));
  if (!saved && !terminal)
    {
      g_printerr ("eboardd: cannot write the bootstrap token file: %s\n"
                  "eboardd: its secret is not shown either, as standard output is not a "
                  "terminal; the database holds nothing but that token yet: remove "
                  "%s/eboard.db (with its -wal and -shm files) and start again\n",
                  error->message, self->config->data_dir);
      return FALSE;
    }

  if (terminal)
    {
      printf ("\n"
              "Bootstrap admin token (shown once, store it now): %s\n",
              secret);
      if (saved)
        printf ("The same token is in %s (mode 0600); delete that file once it is stored.\n", path);
    }
  else
    {
      printf ("\n"
              "Bootstrap admin token written to %s (mode 0600); store it, then delete that file.\n",
              path);
    }
  printf ("\n");
  fflush (stdout);

  if (!saved)
    g_warning ("cannot write the bootstrap token file: %s", error->message);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "EBOARD_EVENT", "bootstrap-token", "MESSAGE",
                    "first start: created the bootstrap admin token%s",
                    saved ? " (saved to the bootstrap-token file of the data folder)" : "");
  return TRUE;
}

/* The join key signs join credentials and derives the sessions' SRT
 * passphrases: 32 random bytes in <data_dir>/join-key (mode 0600),
 * created at the first start and kept, so that credentials handed out
 * stay valid across restarts. */
static GBytes *
load_join_key (const char *data_dir, GError **error)
{
  g_autofree char *path = g_build_filename (data_dir, "join-key", NULL);
  g_autofree char *contents = NULL;
  guint8 key[EB_JOIN_KEY_LENGTH];
  gsize length = 0;
  GStatBuf st;
  GBytes *bytes;

  if (g_file_get_contents (path, &contents, &length, NULL))
    {
      if (length != EB_JOIN_KEY_LENGTH)
        {
          explicit_bzero (contents, length);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s holds %" G_GSIZE_FORMAT " bytes, not %d: remove it to create a new "
                       "key (join details handed out so far stop working)",
                       path, length, EB_JOIN_KEY_LENGTH);
          return NULL;
        }
      if (g_stat (path, &st) == 0 && (st.st_mode & 0077) != 0)
        g_warning ("%s can be read by other users: chmod 600 it", path);
      bytes = g_bytes_new (contents, length);
      explicit_bzero (contents, length);
      return bytes;
    }

  if (getrandom (key, sizeof key, 0) != (ssize_t)sizeof key)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot draw a random join key: %s", g_strerror (saved_errno));
      return NULL;
    }
  if (!g_file_set_contents_full (path, (const char *)key, sizeof key,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      explicit_bzero (key, sizeof key);
      return NULL;
    }
  g_message ("created the join key %s", path);
  bytes = g_bytes_new (key, sizeof key);
  explicit_bzero (key, sizeof key);
  return bytes;
}

/* The media plane (unless disabled), handed to the service; sessions left
 * live by a previous run are recovered; then the SRT listener binds. */
static int
eb_daemon_start_media (EbDaemon *self)
{
  EbDaemonConfig *config = self->config;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) key = NULL;
  g_autofree char *recordings_dir = eb_daemon_config_recordings_dir (config);
  g_autofree char *pipelines_dir = eb_daemon_config_pipelines_dir (config);
  EbLiveSettings live = { 0 };
  gsize key_length = 0;
  const guint8 *key_data;
  guint n_recovered = 0;

  key = load_join_key (config->data_dir, &error);
  if (key == NULL)
    {
      g_printerr ("eboardd: cannot load the join key: %s\n", error->message);
      return EXIT_RUNTIME;
    }
  key_data = g_bytes_get_data (key, &key_length);
  if (g_mkdir_with_parents (recordings_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_printerr ("eboardd: cannot create the recordings folder %s: %s\n", recordings_dir,
                  g_strerror (saved_errno));
      return EXIT_RUNTIME;
    }

  if (config->media_enabled)
    {
      EbMediaSettings settings = {
        .pipelines_dir = pipelines_dir,
        .recordings_dir = recordings_dir,
        .srt_address = config->srt_address,
        .srt_port = config->srt_port,
        .segment_seconds = config->segment_seconds,
        .subscriber_queue_bytes = config->subscriber_queue_bytes,
        .credential_key = key_data,
        .credential_key_length = key_length,
        .stun_server = config->stun_server,
        .turn_servers = (const char *const *)config->turn_servers,
        .ice_min_port = config->ice_port_min,
        .ice_max_port = config->ice_port_max,
        /* none: every interface libnice finds */
        .ice_local_addresses
        = config->local_addresses[0] != NULL ? (const char *const *)config->local_addresses : NULL,
        .ice_gathering_timeout_ms = config->gathering_timeout_ms,
      };
      g_autofree char *webrtc = eb_daemon_config_describe_webrtc (config);

      self->media = eb_media_plane_new (&settings, &error);
      if (self->media == NULL)
        {
          /* e.g. a broken template: the message names the file and line */
          g_printerr ("eboardd: cannot set up the media plane: %s\n", error->message);
          return EXIT_USAGE;
        }
      g_info ("%s", webrtc);
    }
  else
    g_message ("media plane disabled ([media] enabled=false): sessions are not recorded");

  live.srt_host = config->public_srt_host != NULL ? config->public_srt_host : config->srt_address;
  /* 0: the port the listener bound, once it is known */
  live.srt_port = config->srt_port;
  live.credential_lifetime = (gint64)config->credential_lifetime;
  live.recordings_dir = recordings_dir;
  /* the ICE servers browsers are told */
  live.stun_server = config->stun_server;
  live.turn_servers = (const char *const *)config->turn_servers;
  eb_service_set_media_plane (self->service, self->media, key_data, key_length, &live);

  /* Before the listener opens and before any request: sessions still
   * live in the database were interrupted. */
  if (!eb_service_recover_interrupted (self->service, &n_recovered, &error))
    {
      g_warning ("recovering interrupted sessions: %s", error->message);
      g_clear_error (&error);
    }
  else if (n_recovered > 0)
    g_message ("recovered %u session(s) interrupted by the previous stop", n_recovered);

  if (self->media != NULL && !eb_media_plane_start (self->media, &error))
    {
      g_printerr ("eboardd: cannot listen for SRT on %s port %u: %s\n", config->srt_address,
                  config->srt_port, error->message);
      return EXIT_RUNTIME;
    }
  return EXIT_OK;
}

static int
eb_daemon_run (EbDaemon *self, const char *port_file)
{
  EbDaemonConfig *config = self->config;
  g_autoptr (GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *token_path = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *url = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *www_installed = g_build_filename (EB_DATADIR, "www", NULL);
  g_autofree char *www_source = g_build_filename (EB_SOURCE_DATADIR, "www", NULL);
  g_autofree char *openapi_installed = g_build_filename (EB_DATADIR, "openapi.yaml", NULL);
  g_autofree char *openapi_source = g_build_filename (EB_SOURCE_DATADIR, "openapi.yaml", NULL);
  EbServiceSettings service_settings = { 0 };
  EbApiSettings api_settings = { 0 };
  guint port;
  int status;

  if (!prepare_data_dir (config->data_dir, &error))
    {
      g_printerr ("eboardd: %s\n", error->message);
      return EXIT_RUNTIME;
    }
  db_path = g_build_filename (config->data_dir, "eboard.db", NULL);
  self->store = eb_store_open (db_path, config->migrations_dir, &error);
  if (self->store == NULL)
    {
      g_printerr ("eboardd: cannot open the store %s: %s\n", db_path, error->message);
      return EXIT_RUNTIME;
    }
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, "EBOARD_DB", db_path, "MESSAGE",
                    "store %s open (schema version %d)", db_path,
                    eb_store_get_schema_version (self->store));

  /* Without public_url invitations name the address and port listened
   * on, known only once listening (port 0): set below. */
  service_settings.required_specialties = (const char *const *)config->required_specialties;
  service_settings.public_url = config->public_url;
  service_settings.organizer_email = config->organizer_email;
  service_settings.uid_domain = config->uid_domain;
  self->service = eb_service_new (self->store, &service_settings);

  secret = eb_service_bootstrap (self->service, &error);
  if (secret == NULL && error != NULL)
    {
      g_printerr ("eboardd: cannot create the bootstrap token: %s\n", error->message);
      return EXIT_RUNTIME;
    }
  if (secret != NULL)
    {
      gboolean announced = announce_bootstrap (self, secret);

      explicit_bzero (secret, strlen (secret));
      if (!announced)
        return EXIT_RUNTIME;
    }
  else
    {
      token_path = g_build_filename (config->data_dir, "bootstrap-token", NULL);
      if (g_file_test (token_path, G_FILE_TEST_EXISTS))
        g_message ("%s still holds the bootstrap admin token: delete it once stored", token_path);
    }

  status = eb_daemon_start_media (self);
  if (status != EXIT_OK)
    return status;

  api_settings.max_body_bytes = config->max_body_bytes;
  api_settings.max_connections = config->max_connections;
  api_settings.www_dir = first_existing (www_installed, www_source);
  api_settings.openapi_path = first_existing (openapi_installed, openapi_source);
  self->server = eb_api_server_new (self->service, &api_settings);
  /* Before listening: a stop request that comes as soon as the
   * "listening on" line is out must find its handler. */
  self->sigterm_id = g_unix_signal_add (SIGTERM, stop_signal_cb, self);
  self->sigint_id = g_unix_signal_add (SIGINT, stop_signal_cb, self);
  if (!eb_api_server_listen (self->server, config->address, config->port, &error))
    {
      g_printerr ("eboardd: cannot listen on %s port %u: %s\n", config->address, config->port,
                  error->message);
      return EXIT_RUNTIME;
    }
  port = eb_api_server_get_port (self->server);
  url = eb_daemon_config_listen_url (config->address, port);
  /* No request is served before the main loop runs. */
  if (config->public_url == NULL)
    g_object_set (self->service, "public-url", url, NULL);
  if (port_file != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%u\n", port);

      if (!g_file_set_contents (port_file, text, -1, &error))
        {
          g_printerr ("eboardd: cannot write the port file: %s\n", error->message);
          return EXIT_RUNTIME;
        }
    }

  printf ("listening on %s\n", url);
  fflush (stdout);
  port_text = g_strdup_printf ("%u", port);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "EBOARD_ADDRESS", config->address,
                    "EBOARD_PORT", port_text, "MESSAGE", "listening on %s", url);

  g_main_loop_run (self->loop);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);

  g_clear_object (&self->server);
  g_clear_object (&self->service);
  g_clear_object (&self->media);
  eb_store_close (self->store);
  g_clear_object (&self->store);
  g_message ("stopped; store closed");
  return EXIT_OK;
}

static void
eb_daemon_clear (EbDaemon *self)
{
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_object (&self->server);
  g_clear_object (&self->service);
  g_clear_object (&self->media);
  if (self->store != NULL)
    eb_store_close (self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->config, eb_daemon_config_free);
}

static void
replace_str (char **slot, const char *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

static int
usage_error (const char *message)
{
  g_printerr ("eboardd: %s\nTry 'eboardd --help' for more information.\n", message);
  return EXIT_USAGE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) args = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *port_file = NULL;
  const char *env_config;
  gint port = -1;
  gint srt_port = -1;
  gboolean verbose = FALSE;
  gboolean version = FALSE;
  gboolean print_config = FALSE;
  EbDaemon daemon = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Configuration file (default: $EBOARD_CONFIG, else built-in defaults)", "FILE" },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Folder of the database and the bootstrap token (overrides [store] data_dir)", "DIR" },
    { "address", 'a', 0, G_OPTION_ARG_STRING, &address,
      "IP address to listen on (overrides [server] address)", "ADDRESS" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "TCP port to listen on, 0 for any free one (overrides [server] port)", "PORT" },
    { "srt-port", 0, 0, G_OPTION_ARG_INT, &srt_port,
      "UDP port of the SRT listener, 0 for any free one (overrides [media] srt_port)", "PORT" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      "Base URL put into invitations (overrides [server] public_url)", "URL" },
    { "port-file", 0, 0, G_OPTION_ARG_FILENAME, &port_file,
      "Write the port actually bound to FILE once listening", "FILE" },
    { "print-config", 0, 0, G_OPTION_ARG_NONE, &print_config,
      "Print the effective configuration and exit", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages ([log] level=debug)",
      NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    G_OPTION_ENTRY_NULL,
  };

  setlocale (LC_ALL, "");
  g_log_writer_default_set_use_stderr (TRUE);

  context = g_option_context_new ("- the eboard coordinator daemon");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
      context, "Serves the eboard REST API (see docs/API.md). A first start creates the\n"
               "bootstrap admin token and prints it once. SIGTERM or SIGINT stop it cleanly.\n"
               "Exit status: 0 after a clean stop, 1 when it cannot run, 2 for a bad\n"
               "command line or configuration.");
  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    return usage_error (error->message);
  if (g_strv_length (args) > 1)
    {
      g_autofree char *message = g_strdup_printf ("unexpected argument '%s'", args[1]);

      return usage_error (message);
    }
  if (version)
    {
      printf ("eboardd %s\n", EB_VERSION);
      return EXIT_OK;
    }

  daemon.config = eb_daemon_config_new ();
  env_config = g_getenv ("EBOARD_CONFIG");
  if (config_path == NULL && env_config != NULL && *env_config != '\0')
    config_path = g_strdup (env_config);
  if (config_path != NULL && !eb_daemon_config_load (daemon.config, config_path, warnings, &error))
    {
      for (guint i = 0; i < warnings->len; i++)
        g_printerr ("eboardd: warning: %s\n", (const char *)warnings->pdata[i]);
      g_printerr ("eboardd: bad configuration: %s\n", error->message);
      eb_daemon_clear (&daemon);
      return EXIT_USAGE;
    }

  if (data_dir != NULL)
    replace_str (&daemon.config->data_dir, data_dir);
  if (address != NULL)
    {
      if (!eb_daemon_config_check_address (address, &error))
        {
          g_autofree char *message = g_strdup_printf ("--address: %s", error->message);

          eb_daemon_clear (&daemon);
          return usage_error (message);
        }
      replace_str (&daemon.config->address, address);
    }
  if (port != -1)
    {
      if (port < 0 || port > 65535)
        {
          g_autofree char *message
              = g_strdup_printf ("--port: %d is not a port number (0..65535)", port);

          eb_daemon_clear (&daemon);
          return usage_error (message);
        }
      daemon.config->port = port;
    }
  if (srt_port != -1)
    {
      if (srt_port < 0 || srt_port > 65535)
        {
          g_autofree char *message
              = g_strdup_printf ("--srt-port: %d is not a port number (0..65535)", srt_port);

          eb_daemon_clear (&daemon);
          return usage_error (message);
        }
      daemon.config->srt_port = srt_port;
    }
  if (public_url != NULL)
    {
      if (!eb_daemon_config_check_public_url (public_url, &error))
        {
          g_autofree char *message = g_strdup_printf ("--public-url: %s", error->message);

          eb_daemon_clear (&daemon);
          return usage_error (message);
        }
      replace_str (&daemon.config->public_url, public_url);
    }
  if (verbose)
    daemon.config->log_level = G_LOG_LEVEL_DEBUG;

  if (print_config)
    {
      g_autofree char *text = eb_daemon_config_to_data (daemon.config);

      printf ("%s", text);
      eb_daemon_clear (&daemon);
      return EXIT_OK;
    }

  log_threshold = daemon.config->log_level;
  collect_log_secrets (daemon.config);
  g_log_set_writer_func (log_writer_cb, NULL, NULL);
  for (guint i = 0; i < warnings->len; i++)
    g_warning ("%s", (const char *)warnings->pdata[i]);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, "EBOARD_CONFIG",
                    daemon.config->path != NULL ? daemon.config->path : "", "MESSAGE",
                    "eboardd %s starting (configuration: %s, data: %s)", EB_VERSION,
                    daemon.config->path != NULL ? daemon.config->path : "built-in defaults",
                    daemon.config->data_dir);

  daemon.loop = g_main_loop_new (NULL, FALSE);
  status = eb_daemon_run (&daemon, port_file);
  eb_daemon_clear (&daemon);
  /* log_secrets stays: a library thread may still log on the way out */
  return status;
}
