/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <eboard/eboard.h>

#include "cli-test-utils.h"

/* The real eboardd: where the bootstrap secret goes, and the address its
 * invitations name when it listens on a port chosen at run time. */

static char *
test_dir (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static char *
read_token_file (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "bootstrap-token", NULL);
  char *saved = NULL;

  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  return g_strstrip (saved);
}

/* Reads the pty @master until @text has a "listening on" line, for at
 * most 20 s. */
static void
read_until_listening (int master, GString *text)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (strstr (text->str, "listening on ") == NULL
         || strchr (strstr (text->str, "listening on "), '\n') == NULL)
    {
      struct pollfd pfd = { .fd = master, .events = POLLIN };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      char buffer[512];
      gssize n;

      if (left <= 0)
        g_error ("no \"listening on\" line within 20 s; the terminal showed:\n%s", text->str);
      if (poll (&pfd, 1, (int)left) <= 0)
        continue;
      n = read (master, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("eboardd left the terminal before listening; it showed:\n%s", text->str);
      g_string_append_len (text, buffer, n);
    }
  /* the terminal turns "\n" into "\r\n" */
  g_string_replace (text, "\r", "", 0);
}

/* On a terminal the secret is shown once, with the file's path. */
static void
test_bootstrap_on_terminal (void)
{
  g_autofree char *data_dir = test_dir ("terminal");
  g_autofree char *token_path = g_build_filename (data_dir, "bootstrap-token", NULL);
  g_autofree char *stderr_path = test_dir ("terminal.stderr");
  g_autofree char *saved = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *log = NULL;
  g_auto (GStrv) env = eb_test_child_environment (NULL);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GString) shown = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { eb_test_eboardd_path (),
                         "--data-dir",
                         data_dir,
                         "--address",
                         "127.0.0.1",
                         "--port",
                         "0",
                         "--srt-port",
                         "0",
                         NULL };
  const char *first;
  int master, slave;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = g_open (ptsname (master), O_RDWR | O_NOCTTY, 0);
  g_assert_cmpint (slave, >=, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_take_stdout_fd (launcher, slave);
  g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher); /* closes our copy of the terminal's end */

  read_until_listening (master, shown);
  saved = read_token_file (data_dir);
  g_assert_true (eb_token_secret_is_well_formed (saved));
  expected = g_strdup_printf ("Bootstrap admin token (shown once, store it now): %s\n", saved);
  eb_assert_contains (shown->str, expected);
  eb_assert_contains (shown->str, token_path);
  first = strstr (shown->str, saved);
  g_assert_null (strstr (first + 1, saved));

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  close (master);

  /* the log never holds it */
  g_assert_true (g_file_get_contents (stderr_path, &log, NULL, NULL));
  eb_assert_contains (log, "bootstrap admin token");
  g_assert_null (strstr (log, saved));
}

/* On anything else (a pipe here; the journal under systemd) only the
 * file's path is shown. */
static void
test_bootstrap_not_on_pipe (void)
{
  g_autofree char *data_dir = test_dir ("pipe");
  g_autofree char *token_path = g_build_filename (data_dir, "bootstrap-token", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (EbTestDaemon) daemon = eb_test_daemon_start (data_dir, NULL);
  g_autoptr (EbCtlResult) whoami = NULL;

  saved = read_token_file (data_dir);
  g_assert_true (eb_token_secret_is_well_formed (saved));
  g_assert_null (strstr (daemon->startup, saved));
  g_assert_null (strstr (daemon->startup, "eb_"));
  expected = g_strdup_printf ("Bootstrap admin token written to %s (mode 0600)", token_path);
  eb_assert_contains (daemon->startup, expected);

  /* the token of the file is the bootstrap admin's */
  whoami = eb_test_ctl (daemon->url, saved, "whoami", "--json", NULL);
  eb_assert_ctl_ok (whoami);
  eb_assert_contains (whoami->out, "\"admin\"");
  g_assert_cmpint (eb_test_daemon_stop (daemon, SIGTERM), ==, 0);
}

/* A secret that can be neither saved nor shown stops the first start,
 * naming the way out, and appears nowhere. */
static void
test_bootstrap_unsaved_on_pipe (void)
{
  g_autofree char *data_dir = test_dir ("unsaved");
  g_autofree char *blocker = g_build_filename (data_dir, "bootstrap-token", "x", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GRegex) secret = g_regex_new ("eb_[A-Za-z0-9_-]{43}", 0, 0, NULL);
  const char *argv[] = { eb_test_eboardd_path (),
                         "--data-dir",
                         data_dir,
                         "--address",
                         "127.0.0.1",
                         "--port",
                         "0",
                         "--srt-port",
                         "0",
                         NULL };

  /* a folder where the file should go */
  g_assert_cmpint (g_mkdir_with_parents (blocker, 0700), ==, 0);
  g_assert_cmpint (g_chmod (data_dir, 0700), ==, 0);

  g_assert_cmpint (eb_test_run (argv, NULL, &out, &err), ==, 1);
  eb_assert_contains (err, "cannot write the bootstrap token file");
  eb_assert_contains (err, "eboard.db");
  g_assert_false (g_regex_match (secret, out, 0, NULL));
  g_assert_false (g_regex_match (secret, err, 0, NULL));
  g_assert_null (strstr (out, "listening on"));
}

/* Without public_url, invitations name the port bound, not port 0. */
static void
test_public_url_after_listening (void)
{
  g_autofree char *data_dir = test_dir ("public-url");
  g_autofree char *ics_path = test_dir ("public-url.ics");
  g_autoptr (EbTestDaemon) daemon = eb_test_daemon_start (data_dir, NULL);
  g_autoptr (EbCtlResult) site = NULL;
  g_autoptr (EbCtlResult) vetted = NULL;
  g_autoptr (EbCtlResult) active = NULL;
  g_autoptr (EbCtlResult) session = NULL;
  g_autoptr (EbCtlResult) ics = NULL;
  g_autofree char *site_id = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GString) unfolded = NULL;
  const char *token = daemon->bootstrap_token;

  g_assert_nonnull (token);
  site = eb_test_ctl (daemon->url, token, "site", "create", "--name", "Hub", "--code", "HUB",
                      "--timezone", "UTC", "--hub", "--json", NULL);
  site_id = g_strdup_printf ("%" G_GINT64_FORMAT, eb_ctl_result_id (site));
  vetted = eb_test_ctl (daemon->url, token, "site", "update", site_id, "--status", "vetted", NULL);
  eb_assert_ctl_ok (vetted);
  active = eb_test_ctl (daemon->url, token, "site", "update", site_id, "--status", "active", NULL);
  eb_assert_ctl_ok (active);
  session = eb_test_ctl (daemon->url, token, "session", "create", "--title", "Board", "--focus",
                         "GI", "--host-site", site_id, "--start", "2026-06-02T15:00", "--duration",
                         "60", "--timezone", "UTC", "--json", NULL);
  session_id = g_strdup_printf ("%" G_GINT64_FORMAT, eb_ctl_result_id (session));
  ics = eb_test_ctl (daemon->url, token, "ics", session_id, "-o", ics_path, NULL);
  eb_assert_ctl_ok (ics);

  g_assert_true (g_file_get_contents (ics_path, &text, NULL, NULL));
  unfolded = g_string_new (text);
  g_string_replace (unfolded, "\r\n ", "", 0);
  expected = g_strdup_printf ("URL:%s/sessions/%s\r\n", daemon->url, session_id);
  eb_assert_contains (unfolded->str, expected);
  g_assert_null (strstr (unfolded->str, "127.0.0.1:0/"));
  g_assert_cmpint (eb_test_daemon_stop (daemon, SIGTERM), ==, 0);
}

int
main (int argc, char **argv)
{
  eb_test_utils_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/daemon/fixes/bootstrap-on-terminal", test_bootstrap_on_terminal);
  g_test_add_func ("/eboard/daemon/fixes/bootstrap-not-on-pipe", test_bootstrap_not_on_pipe);
  g_test_add_func ("/eboard/daemon/fixes/bootstrap-unsaved-on-pipe",
                   test_bootstrap_unsaved_on_pipe);
  g_test_add_func ("/eboard/daemon/fixes/public-url-after-listening",
                   test_public_url_after_listening);
  return g_test_run ();
}
