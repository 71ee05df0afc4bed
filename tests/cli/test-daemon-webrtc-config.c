/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <signal.h>

#include "cli-test-utils.h"

/* The real eboardd's [webrtc] configuration: values accepted and shown,
 * each bad value refused naming its key, TURN passwords never printed. */

#define PASSWORD "Vq7-rumba-Lantern"
/* percent-encoded in the URL: "Ox;bow@Kettle" */
#define ENCODED_PASSWORD "Ox%3Bbow%40Kettle"
#define DECODED_PASSWORD "Ox;bow@Kettle"

/* The secrets in any form appear nowhere in @text. */
static void
assert_no_secret (const char *text)
{
  const char *secrets[] = { PASSWORD, ENCODED_PASSWORD, DECODED_PASSWORD, "rumba", "Kettle" };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      if (strstr (text, secrets[i]) != NULL)
        {
          g_printerr ("%s\n", text);
          g_error ("a TURN password ('%s') was printed", secrets[i]);
        }
    }
}

static const char *const valid_config
    = "[webrtc]\n"
      "stun_server=stun://stun.example.org:3478\n"
      "turn_servers=turn://alice:" PASSWORD "@turn.example.org:3478?transport=udp;"
      " turns://bob:" ENCODED_PASSWORD "@relay.example.org\n"
      "ice_port_min=50000\n"
      "ice_port_max=50100\n"
      "local_addresses=127.0.0.1; ::1\n"
      "gathering_timeout_ms=1500\n";

static void
assert_value (GKeyFile *keyfile, const char *key, const char *expected)
{
  g_autofree char *value = g_key_file_get_value (keyfile, "webrtc", key, NULL);

  g_assert_cmpstr (value, ==, expected);
}

/* A valid [webrtc] group is accepted and shown, the TURN passwords
 * masked. */
static void
test_print_config (void)
{
  g_autofree char *conf = eb_test_data_path ("webrtc.conf");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  const char *args[] = { "--config", conf, "--print-config", NULL };

  g_assert_true (g_file_set_contents (conf, valid_config, -1, NULL));
  /* the whole output, stderr too */
  g_assert_cmpint (eb_test_run_daemon (args, NULL, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  assert_no_secret (out);

  g_key_file_load_from_data (keyfile, out, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  assert_value (keyfile, "stun_server", "stun://stun.example.org:3478");
  assert_value (keyfile, "turn_servers",
                "turn://alice:***@turn.example.org:3478?transport=udp;"
                "turns://bob:***@relay.example.org;");
  assert_value (keyfile, "ice_port_min", "50000");
  assert_value (keyfile, "ice_port_max", "50100");
  assert_value (keyfile, "local_addresses", "127.0.0.1;::1;");
  assert_value (keyfile, "gathering_timeout_ms", "1500");
}

/* Without a [webrtc] group: one machine works out of the box. */
static void
test_defaults (void)
{
  g_autoptr (GKeyFile) keyfile = eb_test_print_config (NULL, NULL, NULL);

  assert_value (keyfile, "stun_server", "");
  assert_value (keyfile, "turn_servers", "");
  assert_value (keyfile, "ice_port_min", "0");
  assert_value (keyfile, "ice_port_max", "0");
  assert_value (keyfile, "local_addresses", "127.0.0.1;");
  assert_value (keyfile, "gathering_timeout_ms", "3000");
}

/* Empty values: no STUN or TURN server, every interface. */
static void
test_empty_values (void)
{
  g_autofree char *conf = eb_test_data_path ("empty.conf");
  g_autoptr (GKeyFile) keyfile = NULL;
  const char *args[] = { "--config", conf, NULL };

  g_assert_true (g_file_set_contents (conf,
                                      "[webrtc]\nstun_server=\nturn_servers=\nlocal_addresses=\n"
                                      "ice_port_min=0\nice_port_max=0\n",
                                      -1, NULL));
  keyfile = eb_test_print_config (args, NULL, NULL);
  assert_value (keyfile, "stun_server", "");
  assert_value (keyfile, "turn_servers", "");
  assert_value (keyfile, "local_addresses", "");
}

/* Each bad value stops eboardd before it touches anything: exit status
 * 2, a message naming the file, the group and the key, and never a TURN
 * password. */
static void
test_bad_values (void)
{
  g_autofree char *data_dir = eb_test_data_path ("never-created");
  g_autofree char *conf = eb_test_data_path ("bad.conf");
  struct
  {
    const char *lines;
    const char *message;
  } cases[] = {
    /* the port range */
    { "ice_port_min=50000\n", "[webrtc] ice_port_max: is 0 while ice_port_min is 50000" },
    { "ice_port_max=50000\n", "[webrtc] ice_port_min: is 0 while ice_port_max is 50000" },
    { "ice_port_min=50100\nice_port_max=50000\n",
      "[webrtc] ice_port_min: 50100 is above ice_port_max (50000)" },
    { "ice_port_min=80\nice_port_max=90\n",
      "[webrtc] ice_port_min: 80 is not 0 or a port between 1024 and 65535" },
    { "ice_port_min=50000\nice_port_max=70000\n", "[webrtc] ice_port_max: '70000'" },
    { "ice_port_min=-1\n", "[webrtc] ice_port_min: '-1' is not a whole number" },
    /* addresses */
    { "local_addresses=127.0.0.1;localhost\n",
      "[webrtc] local_addresses: 'localhost' is not an IP address" },
    { "local_addresses=10.0.0.300\n", "[webrtc] local_addresses: '10.0.0.300'" },
    /* URL schemes and forms */
    { "stun_server=http://stun.example.org:3478\n",
      "[webrtc] stun_server: 'http://stun.example.org:3478' does not start with stun://" },
    { "stun_server=stun:stun.example.org:3478\n", "[webrtc] stun_server:" },
    { "stun_server=stun://\n", "[webrtc] stun_server: 'stun://' is not of the form" },
    { "turn_servers=http://alice:" PASSWORD "@turn.example.org:3478\n",
      "[webrtc] turn_servers: entry 1: does not start with turn:// or turns://" },
    { "turn_servers=turn://alice:" PASSWORD "@turn.example.org;stun://alice:" PASSWORD
      "@turn.example.org\n",
      "[webrtc] turn_servers: entry 2: does not start with turn:// or turns://" },
    { "turn_servers=turn://turn.example.org:3478\n",
      "[webrtc] turn_servers: entry 1: a TURN server needs USER:PASSWORD@" },
    { "turn_servers=turn://alice:" PASSWORD "@turn.example.org:3478?transport=tls\n",
      "[webrtc] turn_servers: entry 1: not a TURN URL" },
    { "turn_servers=turn://alice:" PASSWORD "@turn.example.org:99999\n",
      "[webrtc] turn_servers: entry 1: not a TURN URL" },
    /* a line GLib cannot read quotes the line: the password is masked */
    { "turn_servers turn://alice:" PASSWORD "@turn.example.org\n", "turn://alice:***@" },
    /* the gathering timeout */
    { "gathering_timeout_ms=99\n",
      "[webrtc] gathering_timeout_ms: '99' is not a whole number between 100 and 60000" },
    { "gathering_timeout_ms=60001\n", "[webrtc] gathering_timeout_ms: '60001'" },
    { "gathering_timeout_ms=soon\n", "[webrtc] gathering_timeout_ms: 'soon'" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *contents = g_strconcat ("[webrtc]\n", cases[i].lines, NULL);
      g_autofree char *err = NULL;

      g_test_message ("%s", cases[i].lines);
      err = eb_test_refused_config (conf, data_dir, contents, cases[i].message);
      assert_no_secret (err);
    }

  /* a typo in a key warns, naming the key it meant (then the bad value
   * stops it) */
  {
    g_autofree char *err = eb_test_refused_config (
        conf, data_dir, "[webrtc]\nturn_server=x\ngathering_timeout_ms=1\n",
        "unknown key 'turn_server' in [webrtc]");

    eb_assert_contains (err, "did you mean 'turn_servers'?");
  }
}

/* A real start with --verbose and a TURN password: its settings are
 * logged, the password is not, on either output. */
static void
test_secrets_not_logged (void)
{
  g_autofree char *data_dir = eb_test_data_path ("secret");
  g_autofree char *conf = eb_test_data_path ("secret.conf");
  g_autofree char *log = NULL;
  g_autofree char *rest = NULL;
  g_autoptr (GError) error = NULL;
  const char *args[] = { "--config", conf, "--verbose", NULL };
  g_autoptr (EbTestDaemon) daemon = NULL;

  g_assert_true (g_file_set_contents (conf, valid_config, -1, NULL));
  daemon = eb_test_daemon_start (data_dir, args);
  assert_no_secret (daemon->startup);
  g_assert_cmpint (eb_test_daemon_stop (daemon, SIGTERM), ==, 0);
  rest = g_data_input_stream_read_upto (daemon->out, "", 0, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_no_secret (rest != NULL ? rest : "");

  log = eb_test_daemon_get_stderr (daemon);
  /* the settings the media plane got, the passwords masked */
  eb_assert_contains (log, "WebRTC ICE: STUN stun://stun.example.org:3478; TURN "
                           "turn://alice:***@turn.example.org:3478?transport=udp, "
                           "turns://bob:***@relay.example.org; local addresses 127.0.0.1, ::1; "
                           "UDP ports 50000-50100; gathering waits at most 1500 ms");
  /* debug messages were written */
  eb_assert_contains (log, "-DEBUG");
  assert_no_secret (log);
}

/* data/eboard.conf documents every [webrtc] key with its built-in
 * default. */
static void
test_documented (void)
{
  g_autoptr (GKeyFile) defaults = eb_test_print_config (NULL, NULL, NULL);
  g_autoptr (GKeyFile) shipped = eb_test_documented_config ();

  g_assert_cmpuint (eb_test_assert_documented (defaults, shipped, "webrtc"), ==, 6);
}

int
main (int argc, char **argv)
{
  eb_test_utils_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/daemon/webrtc/print-config", test_print_config);
  g_test_add_func ("/eboard/daemon/webrtc/defaults", test_defaults);
  g_test_add_func ("/eboard/daemon/webrtc/empty-values", test_empty_values);
  g_test_add_func ("/eboard/daemon/webrtc/bad-values", test_bad_values);
  g_test_add_func ("/eboard/daemon/webrtc/secrets-not-logged", test_secrets_not_logged);
  g_test_add_func ("/eboard/daemon/webrtc/documented", test_documented);
  return g_test_run ();
}
