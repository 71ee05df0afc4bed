/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Call before g_test_init(): remembers the system's XDG_DATA_DIRS for the
 * programs the tests start. */
void eb_test_utils_init (void);

/* The real binaries, built by meson (their paths are compiled in). */
const char *eb_test_eboardd_path (void);
const char *eb_test_eboardctl_path (void);

/**
 * EbTestDaemon:
 * @data_dir: the daemon's data folder
 * @url: "http://127.0.0.1:PORT"
 * @startup: everything the daemon printed on stdout up to and including
 *   the "listening on" line
 * @bootstrap_token: (nullable): the token created at a first start (read
 *   from the bootstrap-token file the daemon names, as its stdout is not a
 *   terminal)
 * @stderr_path: where the daemon's stderr goes
 *
 * A real eboardd on 127.0.0.1, port 0.
 */
typedef struct
{
  GSubprocess *process;
  GDataInputStream *out;
  char *data_dir;
  char *url;
  guint port;
  char *startup;
  char *bootstrap_token;
  char *stderr_path;
} EbTestDaemon;

/* Starts eboardd --data-dir @data_dir --address 127.0.0.1 --port 0 plus
 * @extra_args and waits for its "listening on" line. */
EbTestDaemon *eb_test_daemon_start (const char *data_dir, const char *const *extra_args);
/* Sends @signum and waits (at most 20 s) for the exit; returns the exit
 * status (or fails the test if it did not exit normally). */
int eb_test_daemon_stop (EbTestDaemon *daemon, int signum);
/* Kills the daemon with SIGKILL and reaps it (fails the test if it had
 * exited already). */
void eb_test_daemon_kill (EbTestDaemon *daemon);
void eb_test_daemon_free (EbTestDaemon *daemon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbTestDaemon, eb_test_daemon_free)
/* (transfer full): what the daemon wrote on stderr so far. */
char *eb_test_daemon_get_stderr (EbTestDaemon *daemon);

/* The environment of the programs the tests start: the test's own (with
 * the sanitizer options), no EBOARD_* variables, TZ=UTC, plus @extra
 * ("NAME=VALUE" entries). */
GStrv eb_test_child_environment (const char *const *extra);

/* Runs a program to completion; returns its exit status. */
int eb_test_run (const char *const *argv, const char *const *envp, char **out, char **err);

typedef struct
{
  int status;
  char *out;
  char *err;
} EbCtlResult;

void eb_ctl_result_free (EbCtlResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbCtlResult, eb_ctl_result_free)

/* Runs eboardctl --server URL [--token TOKEN] ARGS... with EBOARD_*
 * variables removed from the environment. */
EbCtlResult *eb_test_ctl (const char *url, const char *token, ...) G_GNUC_NULL_TERMINATED;
EbCtlResult *eb_test_ctlv (const char *url, const char *token, const char *const *args,
                           const char *const *extra_env);
/* Parses @result's stdout as JSON (fails the test otherwise). */
JsonNode *eb_ctl_result_json (EbCtlResult *result);
gint64 eb_ctl_result_id (EbCtlResult *result);

/* Asserts a successful run, printing its stderr otherwise. */
#define eb_assert_ctl_ok(r)                                                                        \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if ((r)->status != 0)                                                                          \
      g_printerr ("eboardctl failed (%d):\n%s%s\n", (r)->status, (r)->out, (r)->err);              \
    g_assert_cmpint ((r)->status, ==, 0);                                                          \
  }                                                                                                \
  G_STMT_END

/* A port on 127.0.0.1 that nothing listens on. */
guint eb_test_unused_port (void);

/* Fails the test, showing @text on stderr, unless @text holds @needle. */
#define eb_assert_contains(text, needle)                                                           \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (strstr ((text), (needle)) == NULL)                                                         \
      {                                                                                            \
        g_printerr ("%s\n", (text));                                                               \
        g_error ("'%s' not found (text on stderr)", (needle));                                     \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

/* --- eboardd's configuration --- */

/* @name in the test's own data folder (created); (transfer full). */
char *eb_test_data_path (const char *name);

/* Runs eboardd @args to completion with @extra_env (nullable, as for
 * eb_test_child_environment()); returns its exit status. @out, @err:
 * (out) (optional): what it printed; never into the TAP stream. */
int eb_test_run_daemon (const char *const *args, const char *const *extra_env, char **out,
                        char **err);

/* The configuration eboardd shows with @args (nullable) and
 * --print-config, as a key file (asserting exit status 0). @out: (out)
 * (optional) (transfer full): the text as printed. */
GKeyFile *eb_test_print_config (const char *const *args, const char *const *extra_env, char **out);

/* Writes @contents into @conf and runs eboardd --config @conf --data-dir
 * @data_dir: asserts that it stops with exit status 2 before touching
 * anything (@data_dir not created, nothing on stdout), with a message
 * that names @conf and holds @message; (transfer full): its stderr. */
char *eb_test_refused_config (const char *conf, const char *data_dir, const char *contents,
                              const char *message);

/* data/eboard.conf's commented "#key=value" lines under their [group]s,
 * as a key file. */
GKeyFile *eb_test_documented_config (void);

/* Asserts that every key of @group in @effective (the built-in defaults)
 * is documented in @documented with its value (a list's trailing ';'
 * optional); returns how many keys @group has. */
guint eb_test_assert_documented (GKeyFile *effective, GKeyFile *documented, const char *group);

G_END_DECLS
