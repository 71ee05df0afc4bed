/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <signal.h>
#include <sys/wait.h>

#include "cli-test-utils.h"

const char *
eb_test_eboardd_path (void)
{
  return EBOARDD_PATH;
}

const char *
eb_test_eboardctl_path (void)
{
  return EBOARDCTL_PATH;
}

static char *system_data_dirs;

void
eb_test_utils_init (void)
{
  const char *dirs = g_getenv ("XDG_DATA_DIRS");

  system_data_dirs
      = g_strdup (dirs != NULL && *dirs != '\0' ? dirs : "/usr/local/share:/usr/share");
}

/* The child gets the test's environment (sanitizer options included)
 * without any EBOARD_* variable, plus @extra. */
GStrv
eb_test_child_environment (const char *const *extra)
{
  g_auto (GStrv) env = g_get_environ ();

  env = g_environ_unsetenv (env, "EBOARD_SERVER");
  env = g_environ_unsetenv (env, "EBOARD_TOKEN");
  env = g_environ_unsetenv (env, "EBOARD_CONFIG");
  env = g_environ_unsetenv (env, "http_proxy");
  env = g_environ_unsetenv (env, "HTTP_PROXY");
  env = g_environ_setenv (env, "TZ", "UTC", TRUE);
  /* G_TEST_OPTION_ISOLATE_DIRS points these at /dev/null for children;
   * give the programs the test's own isolated folders */
  env = g_environ_setenv (env, "HOME", g_get_home_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  /* the isolated folders stay, but GIO modules (e.g. the proxy resolver)
   * find the system's GSettings schemas as on a real machine */
  if (system_data_dirs != NULL)
    env = g_environ_setenv (env, "XDG_DATA_DIRS", system_data_dirs, TRUE);
  /* and read GSettings (proxy settings) without a desktop session */
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (extra[i], "=", 2);

      env = g_environ_setenv (env, pair[0], pair[1] != NULL ? pair[1] : "", TRUE);
    }
  return g_steal_pointer (&env);
}

EbTestDaemon *
eb_test_daemon_start (const char *data_dir, const char *const *extra_args)
{
  g_autoptr (EbTestDaemon) daemon = g_new0 (EbTestDaemon, 1);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GString) startup = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = eb_test_child_environment (NULL);
  g_autofree char *parent = g_path_get_dirname (data_dir);
  g_autofree char *base = g_path_get_basename (data_dir);
  g_autofree char *stderr_name = g_strdup_printf ("%s.stderr", base);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  daemon->data_dir = g_strdup (data_dir);
  daemon->stderr_path = g_build_filename (parent, stderr_name, NULL);

  g_ptr_array_add (argv, (gpointer)eb_test_eboardd_path ());
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer)data_dir);
  g_ptr_array_add (argv, (gpointer) "--address");
  g_ptr_array_add (argv, (gpointer) "127.0.0.1");
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  /* several daemons run at once: none takes the default SRT port */
  g_ptr_array_add (argv, (gpointer) "--srt-port");
  g_ptr_array_add (argv, (gpointer) "0");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_stderr_file_path (launcher, daemon->stderr_path);
  daemon->process
      = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, &error);
  g_assert_no_error (error);
  daemon->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon->process));

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (daemon->out, NULL, NULL, &error);
      const char *marker = "Bootstrap admin token (shown once, store it now): ";

      g_assert_no_error (error);
      if (line == NULL)
        {
          g_autofree char *err = eb_test_daemon_get_stderr (daemon);

          g_printerr ("%s\n%s\n", startup->str, err);
          g_error ("eboardd exited before listening (its output is on stderr)");
        }
      g_string_append_printf (startup, "%s\n", line);
      if (g_str_has_prefix (line, marker))
        daemon->bootstrap_token = g_strdup (line + strlen (marker));
      /* stdout is a pipe here: the daemon names the token's file instead */
      if (g_str_has_prefix (line, "Bootstrap admin token written to "))
        {
          g_autofree char *path = g_build_filename (data_dir, "bootstrap-token", NULL);
          char *saved = NULL;

          g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
          daemon->bootstrap_token = g_strstrip (saved);
        }
      if (g_str_has_prefix (line, "listening on "))
        {
          const char *colon;

          daemon->url = g_strdup (line + strlen ("listening on "));
          colon = strrchr (daemon->url, ':');
          g_assert_nonnull (colon);
          daemon->port = atoi (colon + 1);
          g_assert_cmpuint (daemon->port, >, 0);
          break;
        }
    }
  daemon->startup = g_string_free (g_steal_pointer (&startup), FALSE);
  return g_steal_pointer (&daemon);
}

char *
eb_test_daemon_get_stderr (EbTestDaemon *daemon)
{
  char *text = NULL;

  if (!g_file_get_contents (daemon->stderr_path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static void
wait_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

int
eb_test_daemon_stop (EbTestDaemon *daemon, int signum)
{
  gboolean done = FALSE;
  gboolean timed_out = FALSE;
  guint timeout_id;

  if (signum != 0)
    g_subprocess_send_signal (daemon->process, signum);
  g_subprocess_wait_async (daemon->process, NULL, wait_cb, &done);
  timeout_id = g_timeout_add_seconds (20, timeout_cb, &timed_out);
  while (!done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!done)
    {
      g_subprocess_force_exit (daemon->process);
      g_error ("eboardd did not stop within 20 s");
    }
  g_source_remove (timeout_id);
  if (!g_subprocess_get_if_exited (daemon->process))
    {
      g_autofree char *err = eb_test_daemon_get_stderr (daemon);

      g_printerr ("%s\n", err);
      g_error ("eboardd did not exit normally (signal %d)",
               g_subprocess_get_if_signaled (daemon->process)
                   ? g_subprocess_get_term_sig (daemon->process)
                   : -1);
    }
  return g_subprocess_get_exit_status (daemon->process);
}

void
eb_test_daemon_kill (EbTestDaemon *daemon)
{
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (g_subprocess_get_identifier (daemon->process));
  g_subprocess_send_signal (daemon->process, SIGKILL);
  g_subprocess_wait (daemon->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (daemon->process));
  g_assert_cmpint (g_subprocess_get_term_sig (daemon->process), ==, SIGKILL);
}

void
eb_test_daemon_free (EbTestDaemon *daemon)
{
  if (daemon == NULL)
    return;
  /* the identifier is NULL once the process has been reaped */
  if (daemon->process != NULL && g_subprocess_get_identifier (daemon->process) != NULL)
    {
      g_subprocess_force_exit (daemon->process);
      g_subprocess_wait (daemon->process, NULL, NULL);
    }
  g_clear_object (&daemon->out);
  g_clear_object (&daemon->process);
  g_free (daemon->data_dir);
  g_free (daemon->url);
  g_free (daemon->startup);
  g_free (daemon->bootstrap_token);
  g_free (daemon->stderr_path);
  g_free (daemon);
}

int
eb_test_run (const char *const *argv, const char *const *envp, char **out, char **err)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = NULL;
  g_autofree char *own_err = NULL;
  int wait_status = 0;

  if (envp == NULL)
    env = eb_test_child_environment (NULL);
  g_spawn_sync (NULL, (char **)argv, envp != NULL ? (char **)envp : env, G_SPAWN_DEFAULT, NULL,
                NULL, out, err != NULL ? err : &own_err, &wait_status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (wait_status))
    {
      g_printerr ("%s\n", err != NULL ? *err : own_err);
      g_error ("%s did not exit normally (wait status %d)", argv[0], wait_status);
    }
  return WEXITSTATUS (wait_status);
}

void
eb_ctl_result_free (EbCtlResult *result)
{
  if (result == NULL)
    return;
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

EbCtlResult *
eb_test_ctlv (const char *url, const char *token, const char *const *args,
              const char *const *extra_env)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) env = eb_test_child_environment (extra_env);
  EbCtlResult *result = g_new0 (EbCtlResult, 1);

  g_ptr_array_add (argv, (gpointer)eb_test_eboardctl_path ());
  if (url != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--server");
      g_ptr_array_add (argv, (gpointer)url);
    }
  if (token != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--token");
      g_ptr_array_add (argv, (gpointer)token);
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  result->status = eb_test_run ((const char *const *)argv->pdata, (const char *const *)env,
                                &result->out, &result->err);
  if (g_test_verbose ())
    g_test_message ("eboardctl ... %s -> %d", args[0], result->status);
  return result;
}

EbCtlResult *
eb_test_ctl (const char *url, const char *token, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, token);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return eb_test_ctlv (url, token, (const char *const *)args->pdata, NULL);
}

JsonNode *
eb_ctl_result_json (EbCtlResult *result)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

gint64
eb_ctl_result_id (EbCtlResult *result)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;
  gint64 id;

  eb_assert_ctl_ok (result);
  root = eb_ctl_result_json (result);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);
  /* roster writes wrap the entry beside the warnings */
  if (json_object_has_member (object, "entry"))
    object = json_object_get_object_member (object, "entry");
  id = json_object_get_int_member (object, "id");
  g_assert_cmpint (id, >, 0);
  return id;
}

guint
eb_test_unused_port (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

/* --- eboardd's configuration --- */

char *
eb_test_data_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

int
eb_test_run_daemon (const char *const *args, const char *const *extra_env, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) env = eb_test_child_environment (extra_env);
  g_autofree char *ignored_out = NULL;
  g_autofree char *ignored_err = NULL;

  /* never let the daemon write into the TAP stream */
  if (out == NULL)
    out = &ignored_out;
  if (err == NULL)
    err = &ignored_err;
  g_ptr_array_add (argv, (gpointer)eb_test_eboardd_path ());
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  return eb_test_run ((const char *const *)argv->pdata, (const char *const *)env, out, err);
}

GKeyFile *
eb_test_print_config (const char *const *args, const char *const *extra_env, char **out)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, (gpointer) "--print-config");
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (eb_test_run_daemon ((const char *const *)argv->pdata, extra_env, &text, NULL),
                   ==, 0);
  g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&text);
  return g_steal_pointer (&keyfile);
}

char *
eb_test_refused_config (const char *conf, const char *data_dir, const char *contents,
                        const char *message)
{
  const char *args[] = { "--config", conf, "--data-dir", data_dir, NULL };
  g_autofree char *out = NULL;
  char *err = NULL;

  g_assert_true (g_file_set_contents (conf, contents, -1, NULL));
  g_assert_cmpint (eb_test_run_daemon (args, NULL, &out, &err), ==, 2);
  eb_assert_contains (err, conf);
  eb_assert_contains (err, message);
  g_assert_cmpstr (out, ==, "");
  g_assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));
  return err;
}

GKeyFile *
eb_test_documented_config (void)
{
  g_autofree char *path = g_build_filename (EB_SOURCE_DATADIR, "eboard.conf", NULL);
  g_autofree char *documented = NULL;
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GString) uncommented = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &documented, NULL, NULL));
  lines = g_strsplit (documented, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '[')
        g_string_append_printf (uncommented, "%s\n", lines[i]);
      else if (g_regex_match_simple ("^#[a-z_]+=", lines[i], 0, 0))
        g_string_append_printf (uncommented, "%s\n", lines[i] + 1);
    }
  g_key_file_load_from_data (keyfile, uncommented->str, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&keyfile);
}

guint
eb_test_assert_documented (GKeyFile *effective, GKeyFile *documented, const char *group)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) keys = g_key_file_get_keys (effective, group, NULL, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (; keys[n] != NULL; n++)
    {
      g_autofree char *want = g_key_file_get_value (effective, group, keys[n], NULL);
      g_autofree char *have = g_key_file_get_value (documented, group, keys[n], &error);

      if (error != NULL)
        g_error ("data/eboard.conf does not document [%s] %s", group, keys[n]);
      /* lists: the trailing separator is optional */
      if (g_str_has_suffix (want, ";") && !g_str_has_suffix (have, ";"))
        want[strlen (want) - 1] = '\0';
      g_assert_cmpstr (have, ==, want);
    }
  return n;
}
