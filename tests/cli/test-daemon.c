/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <signal.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <eboard/eboard.h>

#include "cli-test-utils.h"

/* The real eboardd: configuration, first start, restart, graceful stop. */

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_first_start (void)
{
  g_autofree char *data_dir = eb_test_data_path ("first");
  g_autofree char *token_path = g_build_filename (data_dir, "bootstrap-token", NULL);
  g_autofree char *db_path = g_build_filename (data_dir, "eboard.db", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *log = NULL;
  g_autofree char *port_file = eb_test_data_path ("first.port");
  g_autofree char *port_text = NULL;
  const char *args[] = { "--port-file", port_file, NULL };
  g_autoptr (EbTestDaemon) daemon = eb_test_daemon_start (data_dir, args);

  g_assert_true (g_file_get_contents (port_file, &port_text, NULL, NULL));
  g_assert_cmpint (atoi (port_text), ==, daemon->port);
  g_assert_nonnull (daemon->bootstrap_token);
  g_assert_true (eb_token_secret_is_well_formed (daemon->bootstrap_token));
  expected = g_strdup_printf ("listening on http://127.0.0.1:%u\n", daemon->port);
  g_assert_true (g_str_has_suffix (daemon->startup, expected));
  /* stdout is not a terminal: it names the file and never shows the secret */
  eb_assert_contains (daemon->startup, token_path);
  g_assert_null (strstr (daemon->startup, daemon->bootstrap_token));

  g_assert_cmphex (file_mode (data_dir), ==, 0700);
  g_assert_cmphex (file_mode (token_path), ==, 0600);
  g_assert_true (g_file_get_contents (token_path, &saved, NULL, NULL));
  g_assert_cmpstr (g_strstrip (saved), ==, daemon->bootstrap_token);
  g_assert_true (g_file_test (db_path, G_FILE_TEST_IS_REGULAR));

  g_assert_cmpint (eb_test_daemon_stop (daemon, SIGINT), ==, 0);
  /* the log says a token was made, never which */
  log = eb_test_daemon_get_stderr (daemon);
  eb_assert_contains (log, "bootstrap admin token");
  eb_assert_contains (log, "listening on");
  g_assert_null (strstr (log, daemon->bootstrap_token));
}

static void
test_restart_reuses_data (void)
{
  g_autofree char *data_dir = eb_test_data_path ("restart");
  g_autofree char *token = NULL;
  g_autoptr (EbTestDaemon) first = eb_test_daemon_start (data_dir, NULL);
  g_autoptr (EbTestDaemon) second = NULL;
  g_autoptr (EbCtlResult) created = NULL;
  g_autoptr (EbCtlResult) listed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *rest = NULL;

  token = g_strdup (first->bootstrap_token);
  g_assert_nonnull (token);
  created = eb_test_ctl (first->url, token, "site", "create", "--name", "Harbor", "--code", "HRB",
                         "--timezone", "Europe/Lisbon", NULL);
  eb_assert_ctl_ok (created);
  g_assert_cmpint (eb_test_daemon_stop (first, SIGTERM), ==, 0);

  second = eb_test_daemon_start (data_dir, NULL);
  g_assert_null (second->bootstrap_token);
  g_assert_null (strstr (second->startup, "Bootstrap"));
  g_assert_null (strstr (second->startup, "eb_"));

  /* the first token still works and the site is still there */
  listed = eb_test_ctl (second->url, token, "site", "list", NULL);
  eb_assert_ctl_ok (listed);
  eb_assert_contains (listed->out, "Harbor");
  g_assert_cmpint (eb_test_daemon_stop (second, SIGTERM), ==, 0);

  rest = g_data_input_stream_read_upto (second->out, "", 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (rest != NULL ? rest : "", "Bootstrap"));
}

/* A request in flight when SIGTERM arrives still gets its answer; no new
 * connection is accepted; the exit status is 0 and the database is whole. */
static void
test_sigterm_in_flight (void)
{
  g_autofree char *data_dir = eb_test_data_path ("inflight");
  g_autofree char *db_path = g_build_filename (data_dir, "eboard.db", NULL);
  g_autoptr (EbTestDaemon) daemon = eb_test_daemon_start (data_dir, NULL);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GSocketConnection) late = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStore) store = NULL;
  g_autoptr (GPtrArray) sites = NULL;
  g_autofree char *head = NULL;
  g_autofree char *status_line = NULL;
  const char *body = "{\"name\": \"In Flight\", \"code\": \"INFLT\", \"timezone\": \"UTC\"}";
  GOutputStream *out;
  EbPage page = { 0, 50 };
  guint total = 0;
  gboolean found = FALSE;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  /* loopback only: no proxy lookup */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  head = g_strdup_printf ("POST /api/v1/sites HTTP/1.1\r\n"
                          "Host: 127.0.0.1:%u\r\n"
                          "Authorization: Bearer %s\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %zu\r\n"
                          "\r\n",
                          daemon->port, daemon->bootstrap_token, strlen (body));
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);
  /* half of the body: the request is in flight */
  g_output_stream_write_all (out, body, 10, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (out, NULL, &error);
  g_assert_no_error (error);
  g_usleep (300 * 1000);

  g_subprocess_send_signal (daemon->process, SIGTERM);
  /* the daemon stops accepting once it handles the signal (poll: a
   * loaded machine may take a moment) */
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_clear_object (&late);
      late = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
      if (late == NULL)
        break;
      g_io_stream_close (G_IO_STREAM (late), NULL, NULL);
      g_usleep (100 * 1000);
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  g_output_stream_write_all (out, body + 10, strlen (body) - 10, NULL, NULL, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  status_line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status_line);
  g_assert_true (g_str_has_prefix (status_line, "HTTP/1.1 201"));
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  g_assert_cmpint (eb_test_daemon_stop (daemon, 0), ==, 0);
  {
    g_autofree char *log = eb_test_daemon_get_stderr (daemon);

    eb_assert_contains (log, "stopping");
  }

  /* the database is consistent and holds the in-flight write */
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  store = eb_store_open (db_path, NULL, &error);
  g_assert_no_error (error);
  sites = eb_store_site_list (store, &page, &total, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sites->len; i++)
    if (g_strcmp0 (((EbSite *)sites->pdata[i])->code, "INFLT") == 0)
      found = TRUE;
  g_assert_true (found);
  eb_store_close (store);
}

/* A bad configuration stops eboardd before it touches anything: exit
 * status 2 and a message naming the file and the key. */
static void
test_bad_config (void)
{
  g_autofree char *data_dir = eb_test_data_path ("never-created");
  g_autofree char *conf = eb_test_data_path ("bad.conf");
  struct
  {
    const char *contents;
    const char *message;
  } cases[] = {
    { "[server]\nport=eighty\n", "[server] port: 'eighty' is not a whole number" },
    { "[server]\nport=70000\n", "[server] port" },
    { "[server]\naddress=localhost\n", "[server] address: 'localhost' is not an IP address" },
    { "[server]\nmax_connections=0\n", "[server] max_connections" },
    { "[server]\npublic_url=ftp://x\n", "[server] public_url" },
    { "[quorum]\nrequired_specialties=surgery;astrology\n",
      "[quorum] required_specialties: 'astrology' is not a known specialty" },
    { "[log]\nlevel=loud\n", "[log] level: 'loud'" },
    { "[server\nport=1\n", conf },
    /* a typo warns (naming the key it meant), then the bad port stops it */
    { "[server]\nadress=127.0.0.1\nport=x\n", "unknown key 'adress' in [server]" },
    { "[sever]\nport=1\n[server]\nport=-1\n", "unknown group [sever]" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err
          = eb_test_refused_config (conf, data_dir, cases[i].contents, cases[i].message);
    }

  /* the typo's suggestion */
  {
    g_autofree char *err = eb_test_refused_config (conf, data_dir, "[server]\nadress=::1\nport=x\n",
                                                   "did you mean 'address'?");
  }
  /* EBOARD_CONFIG is read when --config is not given */
  {
    const char *args[] = { "--data-dir", data_dir, NULL };
    g_autofree char *env_entry = g_strdup_printf ("EBOARD_CONFIG=%s", conf);
    const char *env[] = { env_entry, NULL };
    g_autofree char *err = NULL;

    g_assert_true (g_file_set_contents (conf, "[server]\nport=eighty\n", -1, NULL));
    g_assert_cmpint (eb_test_run_daemon (args, env, NULL, &err), ==, 2);
    eb_assert_contains (err, conf);
    eb_assert_contains (err, "port");
  }
  /* a missing file and bad flags */
  {
    const char *missing[] = { "--config", "/nonexistent/eboard.conf", NULL };
    const char *port[] = { "--port", "65536", NULL };
    const char *address[] = { "--address", "not-an-address", NULL };
    const char *extra[] = { "serve", NULL };
    const char *option[] = { "--frobnicate", NULL };
    g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL, *err5 = NULL;

    g_assert_cmpint (eb_test_run_daemon (missing, NULL, NULL, &err1), ==, 2);
    eb_assert_contains (err1, "/nonexistent/eboard.conf");
    g_assert_cmpint (eb_test_run_daemon (port, NULL, NULL, &err2), ==, 2);
    eb_assert_contains (err2, "--port");
    g_assert_cmpint (eb_test_run_daemon (address, NULL, NULL, &err3), ==, 2);
    eb_assert_contains (err3, "--address");
    g_assert_cmpint (eb_test_run_daemon (extra, NULL, NULL, &err4), ==, 2);
    eb_assert_contains (err4, "'serve'");
    g_assert_cmpint (eb_test_run_daemon (option, NULL, NULL, &err5), ==, 2);
    eb_assert_contains (err5, "--frobnicate");
  }
}

static void
assert_key (GKeyFile *keyfile, const char *group, const char *key, const char *expected)
{
  g_autofree char *value = g_key_file_get_value (keyfile, group, key, NULL);

  g_assert_cmpstr (value, ==, expected);
}

/* Values come from the file, flags override them; --config beats
 * EBOARD_CONFIG. */
static void
test_config_precedence (void)
{
  g_autofree char *conf = eb_test_data_path ("good.conf");
  g_autofree char *other = eb_test_data_path ("other.conf");
  g_autofree char *env_entry = g_strdup_printf ("EBOARD_CONFIG=%s", other);
  const char *env[] = { env_entry, NULL };
  g_autofree char *out_env = NULL;
  g_autofree char *out_default = NULL;
  g_autoptr (GKeyFile) keyfile = NULL;
  g_autoptr (GKeyFile) from_env = NULL;
  g_autoptr (GKeyFile) defaults = NULL;
  const char *args[] = { "--config", conf, "--port", "9999", NULL };

  g_assert_true (g_file_set_contents (conf,
                                      "[server]\n"
                                      "address=::1\n"
                                      "port=8181\n"
                                      "public_url=https://eboard.example.org\n"
                                      "[store]\n"
                                      "data_dir=/srv/eboard\n"
                                      "[quorum]\n"
                                      "required_specialties=surgery;pathology\n"
                                      "[log]\n"
                                      "level=debug\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (other, "[server]\nport=7070\n", -1, NULL));

  keyfile = eb_test_print_config (args, env, NULL);
  assert_key (keyfile, "server", "address", "::1");
  assert_key (keyfile, "server", "port", "9999");
  assert_key (keyfile, "server", "public_url", "https://eboard.example.org");
  assert_key (keyfile, "store", "data_dir", "/srv/eboard");
  assert_key (keyfile, "quorum", "required_specialties", "surgery;pathology;");
  assert_key (keyfile, "log", "level", "debug");

  from_env = eb_test_print_config (NULL, env, &out_env);
  eb_assert_contains (out_env, "port=7070\n");
  defaults = eb_test_print_config (NULL, NULL, &out_default);
  eb_assert_contains (out_default, "port=8080\n");
  eb_assert_contains (out_default, "address=127.0.0.1\n");
}

/* data/eboard.conf documents every key with the built-in default. */
static void
test_config_documented (void)
{
  g_autoptr (GKeyFile) defaults = eb_test_print_config (NULL, NULL, NULL);
  g_autoptr (GKeyFile) shipped = eb_test_documented_config ();
  g_auto (GStrv) groups = g_key_file_get_groups (defaults, NULL);
  guint n_keys = 0;

  for (guint i = 0; groups[i] != NULL; i++)
    n_keys += eb_test_assert_documented (defaults, shipped, groups[i]);
  g_assert_cmpuint (n_keys, ==, 27);
}

/* The file's settings reach the running daemon. */
static void
test_config_applied (void)
{
  g_autofree char *data_dir = eb_test_data_path ("applied");
  g_autofree char *conf = eb_test_data_path ("applied.conf");
  g_autofree char *log = NULL;
  const char *args[] = { "--config", conf, NULL };
  g_autoptr (EbTestDaemon) daemon = NULL;
  g_autoptr (EbCtlResult) r = NULL;

  g_assert_true (g_file_set_contents (conf,
                                      "[server]\n"
                                      "port=8\n" /* the --port 0 flag wins */
                                      "max_body_bytes=2048\n"
                                      "[quorum]\n"
                                      "required_specialties=surgery;pathology\n"
                                      "[log]\n"
                                      "level=info\n",
                                      -1, NULL));
  daemon = eb_test_daemon_start (data_dir, args);
  r = eb_test_ctl (daemon->url, daemon->bootstrap_token, "specialty", "list", "--json", NULL);
  eb_assert_ctl_ok (r);
  {
    g_autoptr (JsonNode) root = eb_ctl_result_json (r);
    JsonArray *quorum = json_object_get_array_member (json_node_get_object (root), "quorum");

    g_assert_cmpuint (json_array_get_length (quorum), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (quorum, 0), ==, "surgery");
    g_assert_cmpstr (json_array_get_string_element (quorum, 1), ==, "pathology");
  }
  g_assert_cmpint (eb_test_daemon_stop (daemon, SIGTERM), ==, 0);
  log = eb_test_daemon_get_stderr (daemon);
  /* an info message, shown because level=info */
  eb_assert_contains (log, "starting (configuration: ");
  eb_assert_contains (log, conf);
}

static void
test_port_in_use (void)
{
  g_autofree char *data_dir = eb_test_data_path ("busy");
  g_autofree char *other_dir = eb_test_data_path ("busy-2");
  g_autoptr (EbTestDaemon) daemon = eb_test_daemon_start (data_dir, NULL);
  g_autofree char *port = g_strdup_printf ("%u", daemon->port);
  const char *args[] = { "--data-dir", other_dir, "--port", port, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (eb_test_run_daemon (args, NULL, NULL, &err), ==, 1);
  eb_assert_contains (err, "cannot listen");
  g_assert_cmpint (eb_test_daemon_stop (daemon, SIGTERM), ==, 0);
}

static void
test_version (void)
{
  const char *args[] = { "--version", NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (eb_test_run_daemon (args, NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "eboardd " EB_VERSION "\n");
}

int
main (int argc, char **argv)
{
  eb_test_utils_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/daemon/first-start", test_first_start);
  g_test_add_func ("/eboard/daemon/restart-reuses-data", test_restart_reuses_data);
  g_test_add_func ("/eboard/daemon/sigterm-in-flight", test_sigterm_in_flight);
  g_test_add_func ("/eboard/daemon/bad-config", test_bad_config);
  g_test_add_func ("/eboard/daemon/config-precedence", test_config_precedence);
  g_test_add_func ("/eboard/daemon/config-documented", test_config_documented);
  g_test_add_func ("/eboard/daemon/config-applied", test_config_applied);
  g_test_add_func ("/eboard/daemon/port-in-use", test_port_in_use);
  g_test_add_func ("/eboard/daemon/version", test_version);
  return g_test_run ();
}
