/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>
#include <eboard/eb-store.h>

#include "cli-test-utils.h"

/*
 * eboardctl prints the server's problem details (title, detail, each
 * violation) with their control characters escaped, as its tables do: a
 * refusal that quotes a session's title cannot drive the terminal.
 * Against the real eboardd, and against a small server of the test's own
 * that answers whatever a broken or hostile server could.
 */

/* An OSC that retitles the window, a screen clear, a C1 CSI. */
#define EVIL                                                                                       \
  "Evil\x1b]0;owned\x07\x1b[2J\xc2\x9b"                                                            \
  "31m board"
#define EVIL_ESCAPED "Evil\\x1B]0;owned\\x07\\x1B[2J\\u009B31m board"

static void
assert_no_controls (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        continue;
      if ((guchar)*p < 0x20 || *p == 0x7f)
        g_error ("control character 0x%02x in:\n%s", (guchar)*p, text);
    }
  g_assert_null (strstr (text, "\xc2\x9b"));
}

static char *
result_id (const char *url, const char *token, const char *const *args)
{
  g_autoptr (EbCtlResult) r = eb_test_ctlv (url, token, args, NULL);

  return g_strdup_printf ("%" G_GINT64_FORMAT, eb_ctl_result_id (r));
}

/* The real daemon refuses a second chair booking with a 422 whose
 * violation quotes the other session's title. */
static void
test_daemon_violation (void)
{
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "eboard", NULL);
  g_autoptr (EbTestDaemon) daemon = eb_test_daemon_start (data_dir, NULL);
  const char *url = daemon->url;
  const char *admin = daemon->bootstrap_token;
  g_autofree char *site = NULL, *person = NULL, *first = NULL, *second = NULL;

  {
    const char *const args[] = { "site",       "create", "--name", "Hub",    "--code", "HUB",
                                 "--timezone", "UTC",    "--hub",  "--json", NULL };

    site = result_id (url, admin, args);
  }
  for (guint i = 0; i < 2; i++)
    {
      const char *const args[]
          = { "site", "update", site, "--status", i == 0 ? "vetted" : "active", NULL };
      g_autoptr (EbCtlResult) r = eb_test_ctlv (url, admin, args, NULL);

      eb_assert_ctl_ok (r);
    }
  {
    const char *const args[]
        = { "person",      "create",  "--name", "Ana Ruiz", "--email", "ana@x.example.org",
            "--specialty", "surgery", "--site", site,       "--json",  NULL };
    person = result_id (url, admin, args);
  }
  {
    const char *const one[]
        = { "session",    "create",      "--title",    "First",   "--focus",
            "Cases",      "--host-site", site,         "--start", "2026-03-03T09:00",
            "--timezone", "UTC",         "--duration", "60",      "--json",
            NULL };
    const char *const two[]
        = { "session",    "create",      "--title",    "Second",  "--focus",
            "Cases",      "--host-site", site,         "--start", "2026-03-03T09:30",
            "--timezone", "UTC",         "--duration", "60",      "--json",
            NULL };
    first = result_id (url, admin, one);
    second = result_id (url, admin, two);
  }
  {
    const char *const args[]
        = { "roster", "add", first, "--person", person, "--role", "chair", NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (url, admin, args, NULL);

    eb_assert_ctl_ok (r);
  }
  /* a title the API would refuse, written behind its back */
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *db_path = g_build_filename (daemon->data_dir, "eboard.db", NULL);
    g_autoptr (EbStore) store = eb_store_open (db_path, NULL, &error);
    g_autoptr (EbSession) session = NULL;

    g_assert_no_error (error);
    session = eb_store_session_get (store, g_ascii_strtoll (first, NULL, 10), &error);
    g_assert_no_error (error);
    g_free (session->title);
    session->title = g_strdup (EVIL);
    g_assert_true (eb_store_session_update (store, session, &error));
    g_assert_no_error (error);
    eb_store_close (store);
  }
  {
    const char *const args[]
        = { "roster", "add", second, "--person", person, "--role", "chair", NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (url, admin, args, NULL);

    g_assert_cmpint (r->status, ==, 1);
    eb_assert_contains (r->err, "422");
    eb_assert_contains (r->err, "exclusive-role-overlap");
    eb_assert_contains (r->err, EVIL_ESCAPED);
    assert_no_controls (r->err);
  }
  g_assert_cmpint (eb_test_daemon_stop (daemon, SIGTERM), ==, 0);
}

/* --- a server of the test's own, on its own thread and main context --- */

typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *url;
  GMutex lock;
  GCond ready;
  gboolean started;
} HostileServer;

static void
hostile_handler_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                    gpointer user_data)
{
  static const char problem[]
      = "{\"type\": \"about:blank\", \"title\": \"Bad\\u001b[2J title\", \"status\": 400, "
        "\"detail\": \"you sent \\\""
        "\\u001b]0;owned\\u0007"
        "\\\"\", \"violations\": "
        "[{\"rule\": \"rule\\u001b[1m\", \"detail\": \"detail\\u009b31m\", "
        "\"field\": \"fi\\u001beld\", \"span\": null}]}";
  static const char plain[] = "plain\x1b[2Jtext\x07 from a proxy";

  if (g_str_has_prefix (path, "/api/v1/sites/1"))
    soup_server_message_set_response (msg, "application/problem+json", SOUP_MEMORY_STATIC, problem,
                                      strlen (problem));
  else
    soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, plain, strlen (plain));
  soup_server_message_set_status (msg, g_str_has_prefix (path, "/api/v1/sites/1") ? 400 : 502,
                                  NULL);
}

static gpointer
hostile_thread (gpointer data)
{
  HostileServer *h = data;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (h->context);
  h->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (h->server, NULL, hostile_handler_cb, NULL, NULL);
  soup_server_listen_local (h->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (h->server);
  h->url = g_uri_to_string (uris->data);
  /* "http://127.0.0.1:PORT/" without the slash */
  h->url[strlen (h->url) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  g_mutex_lock (&h->lock);
  h->started = TRUE;
  g_cond_signal (&h->ready);
  g_mutex_unlock (&h->lock);

  g_main_loop_run (h->loop);
  soup_server_disconnect (h->server);
  g_clear_object (&h->server);
  g_main_context_pop_thread_default (h->context);
  return NULL;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_hostile_server (void)
{
  HostileServer h = { 0 };
  GThread *thread;

  h.context = g_main_context_new ();
  h.loop = g_main_loop_new (h.context, FALSE);
  g_mutex_init (&h.lock);
  g_cond_init (&h.ready);
  thread = g_thread_new ("hostile-server", hostile_thread, &h);
  g_mutex_lock (&h.lock);
  while (!h.started)
    g_cond_wait (&h.ready, &h.lock);
  g_mutex_unlock (&h.lock);

  /* a problem whose every text holds control characters */
  {
    const char *const args[] = { "site", "show", "1", NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (h.url, "eb_test", args, NULL);

    g_assert_cmpint (r->status, ==, 1);
    eb_assert_contains (r->err, "400 Bad\\x1B[2J title");
    eb_assert_contains (r->err, "you sent \"\\x1B]0;owned\\x07\"");
    eb_assert_contains (r->err, "rule\\x1B[1m: detail\\u009B31m");
    eb_assert_contains (r->err, "field fi\\x1Beld");
    assert_no_controls (r->err);
  }
  /* a plain answer (a proxy's) */
  {
    const char *const args[] = { "site", "show", "2", NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (h.url, "eb_test", args, NULL);

    g_assert_cmpint (r->status, ==, 1);
    eb_assert_contains (r->err, "502");
    eb_assert_contains (r->err, "plain\\x1B[2Jtext\\x07 from a proxy");
    assert_no_controls (r->err);
  }

  g_main_context_invoke (h.context, quit_cb, h.loop);
  g_thread_join (thread);
  g_main_loop_unref (h.loop);
  g_main_context_unref (h.context);
  g_mutex_clear (&h.lock);
  g_cond_clear (&h.ready);
  g_free (h.url);
}

int
main (int argc, char **argv)
{
  eb_test_utils_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/cli/problems/daemon-violation", test_daemon_violation);
  g_test_add_func ("/eboard/cli/problems/hostile-server", test_hostile_server);
  return g_test_run ();
}
