/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include "eb-test-server.h"

/*
 * Secret calendar feed URLs through a real server: created and rotated
 * with a token, read with no Authorization header at all (as calendar
 * programs do) and checked by an independent reader (Debian's
 * python3-icalendar), refused uniformly, and never written to the
 * request log.
 */

/* Every log line of the program: the request log included. */
static GString *log_text;

static GLogWriterOutput
record_log_cb (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (strcmp (fields[i].key, "MESSAGE") != 0 && strcmp (fields[i].key, "EBOARD_PATH") != 0)
        continue;
      if (fields[i].length < 0)
        g_string_append (log_text, fields[i].value);
      else
        g_string_append_len (log_text, fields[i].value, fields[i].length);
      g_string_append_c (log_text, '\n');
    }
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
assert_reply (EbTestReply *reply, guint status)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, eb_test_reply_text (reply));
}

typedef struct
{
  EbTestServer *server;
  EbId site_id;
  EbId ana_id;
  EbId ben_id;
  EbId board_id;
  EbId other_id;
  char *ana_token;
  char *ben_token;
  char *reviewer_token;
  char *feed_path; /* "/api/v1/people/<ana>/calendar-feed" */
} Fixture;

static EbId
add_session (Fixture *f, const char *title, const char *start, gint count)
{
  g_autofree char *json = eb_test_json (
      "{\"title\": \"%s\", \"host_site_id\": %" G_GINT64_FORMAT ", \"start\": \"%s\", "
      "\"duration_minutes\": 60, \"timezone\": \"America/Chicago\", \"recurrence\": "
      "{\"frequency\": \"weekly\", \"interval\": 1, \"count\": %d}}",
      title, f->site_id, start, count);
  g_autoptr (EbTestReply) reply
      = eb_test_request (f->server, "POST", "/api/v1/sessions", f->server->admin_token, json);

  assert_reply (reply, 201);
  return json_object_get_int_member (eb_test_reply_object (reply), "id");
}

static void
invite (Fixture *f, EbId session_id, EbId person_id, const char *role)
{
  g_autofree char *path
      = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster", session_id);
  g_autofree char *json = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"%s\", "
                                        "\"status\": \"accepted\"}",
                                        person_id, role);
  g_autoptr (EbTestReply) reply
      = eb_test_request (f->server, "POST", path, f->server->admin_token, json);

  assert_reply (reply, 201);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_string_truncate (log_text, 0);
  f->server = eb_test_server_new (NULL);
  /* URLs in answers name this server, as the daemon's do */
  g_object_set (f->server->service, "public-url", f->server->base_url, NULL);
  f->site_id = eb_test_seed_site (f->server, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  f->ana_id = eb_test_seed_person (f->server, f->site_id, "Ana Ruiz", "surgery");
  f->ben_id = eb_test_seed_person (f->server, f->site_id, "Ben Okafor", "pathology");
  f->ana_token = eb_test_server_token (f->server, EB_ROLE_CLINICIAN, f->ana_id);
  f->ben_token = eb_test_server_token (f->server, EB_ROLE_CLINICIAN, f->ben_id);
  f->reviewer_token = eb_test_server_token (f->server, EB_ROLE_REVIEWER, 0);
  f->board_id = add_session (f, "GI tumor board", "2026-03-03T15:00:00Z", 6);
  invite (f, f->board_id, f->ana_id, "chair");
  f->other_id = add_session (f, "Thoracic board", "2026-03-04T15:00:00Z", 2);
  invite (f, f->other_id, f->ben_id, "chair");
  f->feed_path = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT "/calendar-feed", f->ana_id);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->server, eb_test_server_free);
  g_free (f->ana_token);
  g_free (f->ben_token);
  g_free (f->reviewer_token);
  g_free (f->feed_path);
}

/* POSTs the feed of ana with @token; returns the answer's object and sets
 * *@url and *@secret. */
static EbTestReply *
create_feed (Fixture *f, const char *token, gboolean expect_rotated, char **url, char **secret)
{
  EbTestReply *reply = eb_test_request (f->server, "POST", f->feed_path, token, NULL);
  JsonObject *object;
  const char *text;
  g_autofree char *prefix = g_strconcat (f->server->base_url, "/api/v1/calendar/", NULL);

  assert_reply (reply, 201);
  g_assert_cmpstr (eb_test_reply_header (reply, "Location"), ==, f->feed_path);
  g_assert_cmpstr (eb_test_reply_header (reply, "Cache-Control"), ==, "no-store");
  object = eb_test_reply_object (reply);
  g_assert_cmpint (json_object_get_int_member (object, "person_id"), ==, f->ana_id);
  g_assert_cmpint (json_object_get_boolean_member (object, "rotated"), ==, expect_rotated);
  g_assert_nonnull (json_object_get_string_member (object, "created_at"));
  text = json_object_get_string_member (object, "secret");
  g_assert_true (g_str_has_prefix (text, "ebcal_"));
  g_assert_cmpuint (strlen (text), ==, 49);
  g_assert_true (g_str_has_suffix (text, json_object_get_string_member (object, "hint")));
  *secret = g_strdup (text);
  text = json_object_get_string_member (object, "url");
  g_assert_true (g_str_has_prefix (text, prefix));
  g_assert_true (g_str_has_suffix (text, ".ics"));
  g_assert_nonnull (strstr (text, *secret));
  *url = g_strdup (text);
  return reply;
}

/* The path of @url on the test server. */
static const char *
url_path (Fixture *f, const char *url)
{
  g_assert_true (g_str_has_prefix (url, f->server->base_url));
  return url + strlen (f->server->base_url);
}

/* GET without any Authorization header, as a calendar program does. */
static EbTestReply *
subscribe (Fixture *f, const char *url)
{
  return eb_test_request (f->server, "GET", url_path (f, url), NULL, NULL);
}

/* Reads @ics with python3-icalendar; returns its events as JSON. */
static JsonNode *
independent_read (const char *ics)
{
  static const char script[]
      = "import icalendar, json, sys\n"
        "cal = icalendar.Calendar.from_ical(sys.stdin.read())\n"
        "events = []\n"
        "for ev in cal.walk('VEVENT'):\n"
        "    start = ev.decoded('DTSTART')\n"
        "    rrule = ev.get('RRULE')\n"
        "    events.append({'summary': str(ev.get('SUMMARY')),\n"
        "        'start': start.astimezone(__import__('datetime').timezone.utc).isoformat(),\n"
        "        'tzid': ev['DTSTART'].params.get('TZID'),\n"
        "        'count': int(rrule['COUNT'][0]) if rrule and 'COUNT' in rrule else None})\n"
        "zones = [str(z.get('TZID')) for z in cal.walk('VTIMEZONE')]\n"
        "print(json.dumps({'name': str(cal.get('X-WR-CALNAME')), 'events': events,\n"
        "    'zones': zones}))\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                  | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, "/usr/bin/python3", "-c", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, ics, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("python3-icalendar could not read the feed: %s\n%s", err, ics);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static void
test_subscribe (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL;
  g_autofree char *secret = NULL;
  g_autoptr (EbTestReply) created = create_feed (f, f->ana_token, FALSE, &url, &secret);
  g_autoptr (EbTestReply) feed = subscribe (f, url);
  g_autoptr (JsonNode) read = NULL;
  JsonObject *calendar;
  JsonArray *events;
  JsonObject *event;

  assert_reply (feed, 200);
  g_assert_cmpstr (eb_test_reply_header (feed, "Content-Type"), ==, "text/calendar; charset=utf-8");
  g_assert_cmpstr (eb_test_reply_header (feed, "Cache-Control"), ==, "no-store");
  g_assert_null (strstr (eb_test_reply_text (feed), secret));

  read = independent_read (eb_test_reply_text (feed));
  calendar = json_node_get_object (read);
  g_assert_cmpstr (json_object_get_string_member (calendar, "name"), ==, "eboard: Ana Ruiz");
  events = json_object_get_array_member (calendar, "events");
  /* ana's board, and not ben's */
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  event = json_array_get_object_element (events, 0);
  g_assert_cmpstr (json_object_get_string_member (event, "summary"), ==, "GI tumor board");
  g_assert_cmpstr (json_object_get_string_member (event, "start"), ==, "2026-03-03T15:00:00+00:00");
  g_assert_cmpstr (json_object_get_string_member (event, "tzid"), ==, "America/Chicago");
  g_assert_cmpint (json_object_get_int_member (event, "count"), ==, 6);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (calendar, "zones")), ==,
                    1);

  /* HEAD too, and the status without the secret */
  {
    g_autoptr (EbTestReply) head
        = eb_test_request (f->server, "HEAD", url_path (f, url), NULL, NULL);
    g_autoptr (EbTestReply) shown
        = eb_test_request (f->server, "GET", f->feed_path, f->ana_token, NULL);
    JsonObject *object;

    assert_reply (head, 200);
    assert_reply (shown, 200);
    object = eb_test_reply_object (shown);
    g_assert_cmpint (json_object_get_int_member (object, "person_id"), ==, f->ana_id);
    g_assert_true (g_str_has_suffix (secret, json_object_get_string_member (object, "hint")));
    g_assert_false (json_object_has_member (object, "secret"));
    g_assert_false (json_object_has_member (object, "url"));
    g_assert_null (strstr (eb_test_reply_text (shown), secret));
  }
}

/* Rotated, revoked, unknown, malformed or a token's secret: one 404,
 * the same body each time, whatever Authorization says. */
static void
test_refusals (Fixture *f, gconstpointer data)
{
  g_autofree char *first_url = NULL, *first = NULL;
  g_autofree char *url = NULL, *secret = NULL;
  g_autoptr (EbTestReply) a = create_feed (f, f->ana_token, FALSE, &first_url, &first);
  g_autoptr (EbTestReply) b = create_feed (f, f->server->admin_token, TRUE, &url, &secret);
  g_autofree char *never = eb_calendar_feed_generate_secret ();
  g_autofree char *unknown_path = g_strdup_printf ("/api/v1/calendar/%s.ics", never);
  g_autofree char *token_path = g_strdup_printf ("/api/v1/calendar/%s.ics", f->ana_token);
  g_autofree char *reference = NULL;
  const char *paths[] = {
    url_path (f, first_url),
    token_path,
    "/api/v1/calendar/ebcal_short.ics",
    "/api/v1/calendar/nothing.ics",
    "/api/v1/calendar/%20.ics",
  };

  {
    g_autoptr (EbTestReply) reply = eb_test_request (f->server, "GET", unknown_path, NULL, NULL);

    eb_test_assert_problem (reply, 404);
    reference = g_strdup (eb_test_reply_text (reply));
  }
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (EbTestReply) reply = eb_test_request (f->server, "GET", paths[i], NULL, NULL);
      g_autoptr (EbTestReply) with_token
          = eb_test_request (f->server, "GET", paths[i], f->server->admin_token, NULL);

      g_test_message ("%s", paths[i]);
      eb_test_assert_problem (reply, 404);
      g_assert_cmpstr (eb_test_reply_text (reply), ==, reference);
      eb_test_assert_problem (with_token, 404);
      g_assert_cmpstr (eb_test_reply_text (with_token), ==, reference);
    }

  /* the current one works until it is revoked */
  {
    g_autoptr (EbTestReply) ok = subscribe (f, url);
    g_autoptr (EbTestReply) revoked
        = eb_test_request (f->server, "DELETE", f->feed_path, f->ana_token, NULL);
    g_autoptr (EbTestReply) gone = subscribe (f, url);
    g_autoptr (EbTestReply) status
        = eb_test_request (f->server, "GET", f->feed_path, f->ana_token, NULL);
    g_autoptr (EbTestReply) again
        = eb_test_request (f->server, "DELETE", f->feed_path, f->ana_token, NULL);

    assert_reply (ok, 200);
    assert_reply (revoked, 204);
    eb_test_assert_problem (gone, 404);
    g_assert_cmpstr (eb_test_reply_text (gone), ==, reference);
    eb_test_assert_problem (status, 404);
    eb_test_assert_problem (again, 404);
  }

  /* only GET (and HEAD) */
  {
    g_autoptr (EbTestReply) post = eb_test_request (f->server, "POST", unknown_path, NULL, "{}");

    eb_test_assert_problem (post, 405);
    g_assert_cmpstr (eb_test_reply_header (post, "Allow"), ==, "GET");
  }
}

/* Who may do what; a deactivated person's feed answers 404. */
static void
test_roles (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL, *secret = NULL;
  g_autofree char *ben_path
      = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT "/calendar-feed", f->ben_id);
  g_autofree char *person_path = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT, f->ana_id);

  {
    g_autoptr (EbTestReply) other
        = eb_test_request (f->server, "POST", f->feed_path, f->ben_token, NULL);
    g_autoptr (EbTestReply) reviewer
        = eb_test_request (f->server, "POST", f->feed_path, f->reviewer_token, NULL);
    g_autoptr (EbTestReply) anonymous
        = eb_test_request (f->server, "POST", f->feed_path, NULL, NULL);
    g_autoptr (EbTestReply) missing = eb_test_request (
        f->server, "POST", "/api/v1/people/999999/calendar-feed", f->server->admin_token, NULL);
    g_autoptr (EbTestReply) bad_id = eb_test_request (
        f->server, "POST", "/api/v1/people/0/calendar-feed", f->server->admin_token, NULL);

    eb_test_assert_problem (other, 403);
    eb_test_assert_problem (reviewer, 403);
    eb_test_assert_problem (anonymous, 401);
    eb_test_assert_problem (missing, 404);
    eb_test_assert_problem (bad_id, 400);
    g_assert_true (eb_test_reply_has_violation (bad_id, "invalid-field", "id"));
  }
  {
    g_autoptr (EbTestReply) created = create_feed (f, f->ana_token, FALSE, &url, &secret);
    g_autoptr (EbTestReply) reviewer
        = eb_test_request (f->server, "GET", f->feed_path, f->reviewer_token, NULL);
    g_autoptr (EbTestReply) other
        = eb_test_request (f->server, "GET", f->feed_path, f->ben_token, NULL);
    g_autoptr (EbTestReply) other_delete
        = eb_test_request (f->server, "DELETE", f->feed_path, f->ben_token, NULL);
    g_autoptr (EbTestReply) bens = eb_test_request (f->server, "GET", ben_path, f->ben_token, NULL);

    assert_reply (reviewer, 200);
    eb_test_assert_problem (other, 403);
    eb_test_assert_problem (other_delete, 403);
    eb_test_assert_problem (bens, 404);
  }
  /* deactivated: 404; active again: it works again */
  {
    g_autoptr (EbTestReply) off = eb_test_request (f->server, "PATCH", person_path,
                                                   f->server->admin_token, "{\"active\": false}");
    g_autoptr (EbTestReply) refused = subscribe (f, url);
    g_autoptr (EbTestReply) on = eb_test_request (f->server, "PATCH", person_path,
                                                  f->server->admin_token, "{\"active\": true}");
    g_autoptr (EbTestReply) back = subscribe (f, url);

    assert_reply (off, 200);
    eb_test_assert_problem (refused, 404);
    assert_reply (on, 200);
    assert_reply (back, 200);
  }
}

/* The request log never holds a feed's secret, also from a mistyped URL. */
static void
test_not_logged (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL, *secret = NULL;
  g_autoptr (EbTestReply) created = create_feed (f, f->ana_token, FALSE, &url, &secret);
  g_autoptr (EbTestReply) feed = subscribe (f, url);
  g_autofree char *mistyped = g_strndup (url_path (f, url), strlen (url_path (f, url)) - 4);
  g_autoptr (EbTestReply) refused = eb_test_request (f->server, "GET", mistyped, NULL, NULL);
  g_autofree char *hash = eb_token_hash_secret (secret);

  assert_reply (feed, 200);
  eb_test_assert_problem (refused, 404);
  /* the request log has its lines, with the path redacted */
  g_assert_nonnull (strstr (log_text->str, "GET /api/v1/calendar/(redacted) 200"));
  g_assert_nonnull (strstr (log_text->str, "GET /api/v1/calendar/(redacted) 404"));
  g_assert_null (strstr (log_text->str, secret));
  g_assert_null (strstr (log_text->str, secret + strlen ("ebcal_")));
  g_assert_null (strstr (log_text->str, hash));
}

int
main (int argc, char **argv)
{
  log_text = g_string_new (NULL);
  g_log_set_writer_func (record_log_cb, NULL, NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/eboard/api/feeds/subscribe", test_subscribe);
  ADD ("/eboard/api/feeds/refusals", test_refusals);
  ADD ("/eboard/api/feeds/roles", test_roles);
  ADD ("/eboard/api/feeds/not-logged", test_not_logged);
#undef ADD
  return g_test_run ();
}
