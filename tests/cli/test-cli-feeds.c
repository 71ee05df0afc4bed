/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

#include "cli-test-utils.h"

/*
 * The real eboardctl against a real eboardd (logging every request):
 * `calendar-feed create|show|revoke`, the URL it prints fetched with no
 * token as a calendar program would, and the daemon's log free of the
 * secret.
 */

typedef struct
{
  EbTestDaemon *daemon;
  const char *url;
  const char *admin;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "eboard", NULL);
  const char *const args[] = { "--verbose", NULL };

  fixture->daemon = eb_test_daemon_start (data_dir, args);
  fixture->url = fixture->daemon->url;
  fixture->admin = fixture->daemon->bootstrap_token;
  g_assert_nonnull (fixture->admin);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_assert_cmpint (eb_test_daemon_stop (fixture->daemon, SIGTERM), ==, 0);
  g_clear_pointer (&fixture->daemon, eb_test_daemon_free);
}

/* Runs eboardctl with the admin token and returns the created object's
 * id. */
static char *
create (Fixture *f, const char *const *args)
{
  g_autoptr (EbCtlResult) r = eb_test_ctlv (f->url, f->admin, args, NULL);

  return g_strdup_printf ("%" G_GINT64_FORMAT, eb_ctl_result_id (r));
}

static void
run_ok (Fixture *f, const char *token, const char *const *args)
{
  g_autoptr (EbCtlResult) r = eb_test_ctlv (f->url, token, args, NULL);

  eb_assert_ctl_ok (r);
}

/* GET @url with no Authorization header; returns the status and, for a
 * 200, the body. */
static guint
fetch (const char *url, char **body)
{
  /* Loopback only: no proxy (and no GSettings lookup for one). */
  g_autoptr (SoupSession) session
      = soup_session_new_with_options ("timeout", 20, "proxy-resolver", NULL, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (msg);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}

/* The "URL:" line of a create's output. */
static char *
url_line (const char *out)
{
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GRegex) regex = g_regex_new ("^URL: +(http://[^ \n]+)$", G_REGEX_MULTILINE, 0, NULL);

  if (!g_regex_match (regex, out, 0, &match))
    g_error ("no URL line in:\n%s", out);
  return g_match_info_fetch (match, 1);
}

static void
test_calendar_feed (Fixture *f, gconstpointer data)
{
  g_autofree char *site = NULL, *ana = NULL, *ben = NULL, *session = NULL;
  g_autofree char *first_url = NULL, *url = NULL, *body = NULL, *log = NULL;
  g_autofree char *clinician = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;

  {
    const char *const args[] = { "site",       "create", "--name", "Hub",    "--code", "HUB",
                                 "--timezone", "UTC",    "--hub",  "--json", NULL };
    site = create (f, args);
  }
  {
    const char *const vetted[] = { "site", "update", site, "--status", "vetted", NULL };
    const char *const active[] = { "site", "update", site, "--status", "active", NULL };

    run_ok (f, f->admin, vetted);
    run_ok (f, f->admin, active);
  }
  {
    const char *const a[]
        = { "person",      "create",  "--name", "Ana Ruiz", "--email", "ana@x.example.org",
            "--specialty", "surgery", "--site", site,       "--json",  NULL };
    const char *const b[]
        = { "person",      "create",    "--name", "Ben Okafor", "--email", "ben@x.example.org",
            "--specialty", "pathology", "--site", site,         "--json",  NULL };

    ana = create (f, a);
    ben = create (f, b);
  }
  {
    const char *const args[]
        = { "session",     "create", "--title",  "GI tumor board",   "--focus",    "Rectal cancer",
            "--host-site", site,     "--start",  "2026-03-03T09:00", "--timezone", "UTC",
            "--duration",  "60",     "--weekly", "--count",          "4",          "--json",
            NULL };
    session = create (f, args);
  }
  {
    const char *const args[]
        = { "roster", "add", session, "--person", ana, "--role", "chair", NULL };
    run_ok (f, f->admin, args);
  }

  /* none yet */
  {
    const char *const args[] = { "calendar-feed", "show", ana, NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (f->url, f->admin, args, NULL);

    g_assert_cmpint (r->status, ==, 1);
    eb_assert_contains (r->err, "404");
  }

  /* created: the URL is printed once and works without a token */
  {
    const char *const args[] = { "calendar-feed", "create", ana, NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (f->url, f->admin, args, NULL);

    eb_assert_ctl_ok (r);
    first_url = url_line (r->out);
    g_assert_true (g_str_has_prefix (first_url, f->url));
    eb_assert_contains (first_url, "/api/v1/calendar/ebcal_");
    g_assert_true (g_str_has_suffix (first_url, ".ics"));
    eb_assert_contains (r->out, "Rotated:  no");
    eb_assert_contains (r->err, "not shown again");
  }
  g_assert_cmpuint (fetch (first_url, &body), ==, 200);
  g_assert_true (g_str_has_prefix (body, "BEGIN:VCALENDAR"));
  eb_assert_contains (body, "SUMMARY:GI tumor board");
  eb_assert_contains (body, "X-WR-CALNAME:eboard: Ana Ruiz");
  g_clear_pointer (&body, g_free);

  /* rotated, with --json: the old URL stops working */
  {
    const char *const args[] = { "--json", "calendar-feed", "create", ana, NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (f->url, f->admin, args, NULL);

    eb_assert_ctl_ok (r);
    root = eb_ctl_result_json (r);
    object = json_node_get_object (root);
    g_assert_true (json_object_get_boolean_member (object, "rotated"));
    url = g_strdup (json_object_get_string_member (object, "url"));
    g_assert_cmpstr (url, !=, first_url);
  }
  g_assert_cmpuint (fetch (first_url, NULL), ==, 404);
  g_assert_cmpuint (fetch (url, NULL), ==, 200);

  /* shown without the secret */
  {
    const char *const args[] = { "calendar-feed", "show", ana, NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (f->url, f->admin, args, NULL);
    g_autofree char *hint = g_strdup_printf ("Hint:     …%s", url + strlen (url) - 8);

    eb_assert_ctl_ok (r);
    hint[strlen (hint) - 4] = '\0';
    eb_assert_contains (r->out, hint);
    g_assert_null (strstr (r->out, "ebcal_"));
  }

  /* another clinician may not touch it */
  {
    const char *const token_args[] = { "--json",   "token", "create",  "--role",       "clinician",
                                       "--person", ben,     "--label", "Ben's laptop", NULL };
    const char *const args[] = { "calendar-feed", "revoke", ana, NULL };
    g_autoptr (EbCtlResult) t = eb_test_ctlv (f->url, f->admin, token_args, NULL);
    g_autoptr (JsonNode) token = NULL;
    g_autoptr (EbCtlResult) r = NULL;

    eb_assert_ctl_ok (t);
    token = eb_ctl_result_json (t);
    clinician = g_strdup (json_object_get_string_member (json_node_get_object (token), "secret"));
    r = eb_test_ctlv (f->url, clinician, args, NULL);
    g_assert_cmpint (r->status, ==, 1);
    eb_assert_contains (r->err, "403");
  }
  g_assert_cmpuint (fetch (url, NULL), ==, 200);

  /* revoked */
  {
    const char *const args[] = { "calendar-feed", "revoke", ana, NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (f->url, f->admin, args, NULL);

    eb_assert_ctl_ok (r);
    eb_assert_contains (r->out, "Revoked the calendar feed of person");
  }
  g_assert_cmpuint (fetch (url, NULL), ==, 404);

  /* the daemon logged each request, never a secret */
  log = eb_test_daemon_get_stderr (f->daemon);
  eb_assert_contains (log, "/api/v1/calendar/(redacted)");
  g_assert_null (strstr (log, strstr (first_url, "ebcal_")));
  g_assert_null (strstr (log, strstr (url, "ebcal_")));
}

int
main (int argc, char **argv)
{
  eb_test_utils_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/eboard/cli/calendar-feed", Fixture, NULL, fixture_setup, test_calendar_feed,
              fixture_teardown);
  return g_test_run ();
}
