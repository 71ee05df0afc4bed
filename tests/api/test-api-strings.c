/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include "eb-test-server.h"

/*
 * Text fields through a real server: U+0000 is refused rather than cut
 * short, and control characters are refused where they do not belong
 * (all of them in names, titles, codes and e-mails; all but line feed and
 * tab in case texts).
 */

/* --- helpers --- */

static void
assert_reply (EbTestReply *reply, guint status)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, eb_test_reply_text (reply));
}

static EbTestReply *
request (EbTestServer *server, const char *method, const char *path, const char *json)
{
  return eb_test_request (server, method, path, server->admin_token, json);
}

static gint64
create (EbTestServer *server, const char *path, const char *json)
{
  g_autoptr (EbTestReply) reply = request (server, "POST", path, json);
  JsonObject *object;

  assert_reply (reply, 201);
  object = eb_test_reply_object (reply);
  if (json_object_has_member (object, "entry"))
    object = json_object_get_object_member (object, "entry");
  return json_object_get_int_member (object, "id");
}

static const char *
problem_detail (EbTestReply *reply)
{
  JsonObject *problem = eb_test_reply_object (reply);

  g_assert_true (json_object_has_member (problem, "detail"));
  return json_object_get_string_member (problem, "detail");
}

/* A 400 whose detail names @what as holding U+0000. */
static void
assert_nul_refused (EbTestReply *reply, const char *what)
{
  g_autofree char *expected = g_strdup_printf ("%s holds U+0000", what);
  const char *detail;

  eb_test_assert_problem (reply, 400);
  detail = problem_detail (reply);
  if (strstr (detail, expected) == NULL)
    g_error ("detail \"%s\" does not say \"%s\"", detail, expected);
}

/* A 400 with exactly one violation: `invalid-field` of @field, saying
 * "control characters". */
static void
assert_controls_refused (EbTestReply *reply, const char *field)
{
  eb_test_assert_problem (reply, 400);
  if (!eb_test_reply_has_violation (reply, "invalid-field", field))
    g_error ("no invalid-field violation of %s: %s", field, eb_test_reply_text (reply));
  g_assert_cmpstr (eb_test_reply_violation (reply, 0, "field"), ==, field);
  g_assert_nonnull (strstr (eb_test_reply_violation (reply, 0, "detail"), "control characters"));
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (eb_test_reply_object (reply), "violations")),
                    ==, 1);
}

static gint64
list_total (EbTestServer *server, const char *path)
{
  g_autoptr (EbTestReply) reply = request (server, "GET", path, NULL);

  assert_reply (reply, 200);
  return json_object_get_int_member (eb_test_reply_object (reply), "total");
}

static char *
get_string (EbTestServer *server, const char *path, const char *member)
{
  g_autoptr (EbTestReply) reply = request (server, "GET", path, NULL);

  assert_reply (reply, 200);
  return g_strdup (json_object_get_string_member (eb_test_reply_object (reply), member));
}

/* --- U+0000 --- */

static void
test_nul (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autofree char *name = NULL;
  gint64 site;

  /* {"name":"a\u0000b"} was stored as "a" */
  {
    g_autoptr (EbTestReply) reply
        = request (server, "POST", "/api/v1/sites",
                   "{\"name\": \"a\\u0000b\", \"code\": \"NUL\", \"timezone\": \"UTC\"}");

    assert_nul_refused (reply, "name");
    g_assert_cmpint (list_total (server, "/api/v1/sites"), ==, 0);
  }
  /* a member name holding it would be read as "name" */
  {
    g_autoptr (EbTestReply) reply
        = request (server, "POST", "/api/v1/sites",
                   "{\"name\\u0000x\": \"A\", \"code\": \"NUL\", \"timezone\": \"UTC\"}");

    assert_nul_refused (reply, "a member name");
    g_assert_cmpint (list_total (server, "/api/v1/sites"), ==, 0);
  }

  site = create (server, "/api/v1/sites",
                 "{\"name\": \"Hub\", \"code\": \"HUB\", \"timezone\": \"UTC\", "
                 "\"status\": \"active\", \"is_hub\": true}");
  /* a PATCH changes nothing */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/sites/%" G_GINT64_FORMAT, site);
    g_autoptr (EbTestReply) reply = request (server, "PATCH", path, "{\"name\": \"Hub\\u0000X\"}");

    assert_nul_refused (reply, "name");
    name = get_string (server, path, "name");
    g_assert_cmpstr (name, ==, "Hub");
  }
  /* nested members are named with dots; anywhere in the string */
  {
    g_autofree char *json = g_strdup_printf (
        "{\"title\": \"Board\", \"host_site_id\": %" G_GINT64_FORMAT ", "
        "\"start\": \"2026-03-03T15:00:00Z\", \"duration_minutes\": 60, \"timezone\": \"UTC\", "
        "\"recurrence\": {\"frequency\": \"weekly\\u0000\"}}",
        site);
    g_autoptr (EbTestReply) reply = request (server, "POST", "/api/v1/sessions", json);

    assert_nul_refused (reply, "recurrence.frequency");
    g_assert_cmpint (list_total (server, "/api/v1/sessions"), ==, 0);
  }
  /* in an array */
  {
    g_autoptr (EbTestReply) reply
        = request (server, "POST", "/api/v1/sites",
                   "{\"name\": \"B\", \"code\": \"B1\", \"timezone\": \"UTC\", "
                   "\"x\": [\"ok\", \"\\u0000\"]}");

    assert_nul_refused (reply, "x");
  }
  /* other escapes still decode: é and a line feed, in a case text */
  {
    g_autoptr (EbTestReply) reply
        = request (server, "POST", "/api/v1/sites",
                   "{\"name\": \"Caf\\u00e9 \\u0041\", \"code\": \"CAFE\", \"timezone\": \"UTC\"}");
    JsonObject *object;

    assert_reply (reply, 201);
    object = eb_test_reply_object (reply);
    g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Caf\xc3\xa9 A");
  }
}

/* --- control characters --- */

static void
test_controls_directory (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  gint64 site, person;
  g_autofree char *site_path = NULL;
  g_autofree char *person_path = NULL;
  g_autofree char *kept = NULL;

  /* an escape sequence in a site's name */
  {
    g_autoptr (EbTestReply) reply
        = request (server, "POST", "/api/v1/sites",
                   "{\"name\": \"\\u001b[2J\\u001b]0;x\\u0007\", \"code\": \"ESC\", "
                   "\"timezone\": \"UTC\"}");

    assert_controls_refused (reply, "name");
    g_assert_cmpint (list_total (server, "/api/v1/sites"), ==, 0);
  }
  /* a line feed or a tab has no place in a name either */
  {
    g_autoptr (EbTestReply) reply
        = request (server, "POST", "/api/v1/sites",
                   "{\"name\": \"A\\nB\", \"code\": \"LF\", \"timezone\": \"UTC\"}");

    assert_controls_refused (reply, "name");
  }
  site = create (server, "/api/v1/sites",
                 "{\"name\": \"Hub\", \"code\": \"HUB\", \"timezone\": \"UTC\", "
                 "\"status\": \"active\", \"is_hub\": true}");
  site_path = g_strdup_printf ("/api/v1/sites/%" G_GINT64_FORMAT, site);
  {
    g_autoptr (EbTestReply) reply = request (server, "PATCH", site_path, "{\"name\": \"Hub\\tX\"}");

    assert_controls_refused (reply, "name");
    kept = get_string (server, site_path, "name");
    g_assert_cmpstr (kept, ==, "Hub");
  }

  /* people: name (DEL, C1 CSI) and e-mail (C1 next line) */
  {
    g_autofree char *json
        = g_strdup_printf ("{\"name\": \"Ann\\u007f\", \"email\": \"ann@x.example\", "
                           "\"specialty\": \"surgery\", \"home_site_id\": %" G_GINT64_FORMAT "}",
                           site);
    g_autoptr (EbTestReply) reply = request (server, "POST", "/api/v1/people", json);

    assert_controls_refused (reply, "name");
  }
  {
    g_autofree char *json
        = g_strdup_printf ("{\"name\": \"Ann \\u009b31m\", \"email\": \"ann@x.example\", "
                           "\"specialty\": \"surgery\", \"home_site_id\": %" G_GINT64_FORMAT "}",
                           site);
    g_autoptr (EbTestReply) reply = request (server, "POST", "/api/v1/people", json);

    assert_controls_refused (reply, "name");
  }
  {
    g_autofree char *json
        = g_strdup_printf ("{\"name\": \"Ann\", \"email\": \"ann\\u0085@x.example\", "
                           "\"specialty\": \"surgery\", \"home_site_id\": %" G_GINT64_FORMAT "}",
                           site);
    g_autoptr (EbTestReply) reply = request (server, "POST", "/api/v1/people", json);

    eb_test_assert_problem (reply, 400);
    g_assert_true (eb_test_reply_has_violation (reply, "invalid-field", "email"));
  }
  g_assert_cmpint (list_total (server, "/api/v1/people"), ==, 0);
  {
    g_autofree char *json
        = g_strdup_printf ("{\"name\": \"Ann \\u00c9lise\", \"email\": \"ann@x.example\", "
                           "\"specialty\": \"surgery\", \"home_site_id\": %" G_GINT64_FORMAT "}",
                           site);

    person = create (server, "/api/v1/people", json);
  }
  person_path = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT, person);
  {
    g_autoptr (EbTestReply) reply
        = request (server, "PATCH", person_path, "{\"name\": \"\\u001b[31mAnn\"}");

    assert_controls_refused (reply, "name");
  }
}

static EbTestReply *
post_item (EbTestServer *server, const char *path, gint64 site, gint64 presenter,
           const char *summary, const char *question)
{
  g_autofree char *json = g_strdup_printf (
      "{\"presenting_site_id\": %" G_GINT64_FORMAT ", \"presenter_id\": %" G_GINT64_FORMAT
      ", \"summary\": \"%s\", \"question\": \"%s\", \"minutes\": 10}",
      site, presenter, summary, question);

  return request (server, "POST", path, json);
}

static void
test_controls_sessions (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  gint64 site, presenter, session, item;
  g_autofree char *json = NULL;
  g_autofree char *session_path = NULL;
  g_autofree char *agenda_path = NULL;
  g_autofree char *item_path = NULL;
  g_autofree char *roster_json = NULL;
  g_autofree char *roster_path = NULL;

  site = create (server, "/api/v1/sites",
                 "{\"name\": \"Hub\", \"code\": \"HUB\", \"timezone\": \"UTC\", "
                 "\"status\": \"active\", \"is_hub\": true}");
  json = g_strdup_printf ("{\"name\": \"Pat\", \"email\": \"pat@x.example\", "
                          "\"specialty\": \"surgery\", \"home_site_id\": %" G_GINT64_FORMAT "}",
                          site);
  presenter = create (server, "/api/v1/people", json);

  /* title and focus */
  {
    g_autofree char *body = g_strdup_printf (
        "{\"title\": \"Board\\u001b[2J\", \"host_site_id\": %" G_GINT64_FORMAT ", "
        "\"start\": \"2026-03-03T15:00:00Z\", \"duration_minutes\": 60, \"timezone\": \"UTC\"}",
        site);
    g_autoptr (EbTestReply) reply = request (server, "POST", "/api/v1/sessions", body);

    assert_controls_refused (reply, "title");
  }
  {
    g_autofree char *body = g_strdup_printf (
        "{\"title\": \"Board\", \"focus\": \"GI\\u0085\", \"host_site_id\": %" G_GINT64_FORMAT
        ", \"start\": \"2026-03-03T15:00:00Z\", \"duration_minutes\": 60, \"timezone\": \"UTC\"}",
        site);
    g_autoptr (EbTestReply) reply = request (server, "POST", "/api/v1/sessions", body);

    assert_controls_refused (reply, "focus");
  }
  g_assert_cmpint (list_total (server, "/api/v1/sessions"), ==, 0);
  {
    g_autofree char *body = g_strdup_printf (
        "{\"title\": \"Board\", \"host_site_id\": %" G_GINT64_FORMAT ", "
        "\"start\": \"2026-03-03T15:00:00Z\", \"duration_minutes\": 60, \"timezone\": \"UTC\"}",
        site);

    session = create (server, "/api/v1/sessions", body);
  }
  session_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, session);
  {
    g_autoptr (EbTestReply) reply
        = request (server, "PATCH", session_path, "{\"title\": \"Board\\r\"}");

    assert_controls_refused (reply, "title");
  }

  roster_path = g_strdup_printf ("%s/roster", session_path);
  roster_json = g_strdup_printf ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"presenter\"}",
                                 presenter);
  create (server, roster_path, roster_json);

  /* case texts keep line feeds and tabs, and nothing else */
  agenda_path = g_strdup_printf ("%s/agenda", session_path);
  {
    g_autoptr (EbTestReply) reply = post_item (server, agenda_path, site, presenter,
                                               "Stage III.\\n\\tLung mass.", "Surgery?");
    JsonObject *object;

    assert_reply (reply, 201);
    object = eb_test_reply_object (reply);
    g_assert_cmpstr (json_object_get_string_member (object, "summary"), ==,
                     "Stage III.\n\tLung mass.");
    item = json_object_get_int_member (object, "id");
  }
  item_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, agenda_path, item);
  {
    g_autoptr (EbTestReply) reply
        = post_item (server, agenda_path, site, presenter, "Stage III.\\u001b[2J", "Surgery?");

    assert_controls_refused (reply, "summary");
  }
  {
    g_autoptr (EbTestReply) reply
        = post_item (server, agenda_path, site, presenter, "Stage III.", "Surgery?\\r\\n");

    assert_controls_refused (reply, "question");
  }
  g_assert_cmpint (list_total (server, agenda_path), ==, 1);
  {
    g_autoptr (EbTestReply) reply
        = request (server, "PATCH", item_path, "{\"recommendation\": \"Surgery\\u009b2J\"}");

    assert_controls_refused (reply, "recommendation");
  }
  {
    g_autoptr (EbTestReply) reply
        = request (server, "PATCH", item_path, "{\"recommendation\": \"Surgery,\\nthen RT.\"}");

    assert_reply (reply, 200);
    g_assert_cmpstr (json_object_get_string_member (eb_test_reply_object (reply), "recommendation"),
                     ==, "Surgery,\nthen RT.");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/api/strings/nul", test_nul);
  g_test_add_func ("/eboard/api/strings/controls-directory", test_controls_directory);
  g_test_add_func ("/eboard/api/strings/controls-sessions", test_controls_sessions);
  return g_test_run ();
}
