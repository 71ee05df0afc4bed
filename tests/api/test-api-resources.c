/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include "eb-test-server.h"

/*
 * Every route of docs/API.md through a real server and a real client:
 * the happy paths, the objects' JSON, strict decoding, ETag and If-Match,
 * Idempotency-Key, pagination, and each business rule's 422.
 */

#define SESSION_START "2026-03-03T15:00:00Z"

/* --- helpers --- */

static gint64
member_int (JsonObject *object, const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  return json_object_get_int_member (object, name);
}

static const char *
member_string (JsonObject *object, const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  if (json_object_get_null_member (object, name))
    return NULL;
  return json_object_get_string_member (object, name);
}

static void
assert_reply (EbTestReply *reply, guint status)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, eb_test_reply_text (reply));
}

/* The answer's ETag is the object's version, quoted. */
static void
assert_etag (EbTestReply *reply, JsonObject *object)
{
  g_autofree char *expected
      = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", member_int (object, "version"));

  g_assert_cmpstr (eb_test_reply_header (reply, "ETag"), ==, expected);
}

static EbTestReply *
request (EbTestServer *server, const char *method, const char *path, const char *json)
{
  return eb_test_request (server, method, path, server->admin_token, json);
}

static EbTestReply *
request_with (EbTestServer *server, const char *method, const char *path, const char *json,
              const char *header, const char *value)
{
  const char *headers[] = { header, value, NULL };
  g_autoptr (GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;

  return eb_test_request_full (server, method, path, server->admin_token,
                               json != NULL ? "application/json" : NULL, body, headers, FALSE);
}

/* POSTs @json to @path as the admin, asserts 201 and returns the new id
 * (of the object, or of the entry of a roster write). */
static EbId
create (EbTestServer *server, const char *path, const char *json)
{
  g_autoptr (EbTestReply) reply = request (server, "POST", path, json);
  JsonObject *object;

  assert_reply (reply, 201);
  object = eb_test_reply_object (reply);
  if (json_object_has_member (object, "entry"))
    object = json_object_get_object_member (object, "entry");
  return member_int (object, "id");
}

static EbId
create_site (EbTestServer *server, const char *code, const char *status, gboolean hub)
{
  g_autofree char *json = eb_test_json ("{\"name\": \"Site %s\", \"code\": \"%s\", "
                                        "\"timezone\": \"America/Chicago\", \"status\": \"%s\", "
                                        "\"is_hub\": %s}",
                                        code, code, status, hub ? "true" : "false");

  return create (server, "/api/v1/sites", json);
}

static EbId
create_person (EbTestServer *server, EbId site, const char *name, const char *specialty)
{
  g_autofree char *json
      = eb_test_json ("{\"name\": \"%s\", \"email\": \"%s@x.invalid\", "
                      "\"specialty\": \"%s\", \"home_site_id\": %" G_GINT64_FORMAT "}",
                      name, name, specialty, site);

  return create (server, "/api/v1/people", json);
}

static EbId
create_session (EbTestServer *server, EbId site, const char *start, gint minutes,
                const char *recurrence)
{
  g_autofree char *json
      = eb_test_json ("{\"title\": \"Thoracic board\", \"host_site_id\": %" G_GINT64_FORMAT
                      ", \"start\": \"%s\", \"duration_minutes\": %d, "
                      "\"timezone\": \"America/Chicago\", \"recurrence\": %s}",
                      site, start, minutes, recurrence != NULL ? recurrence : "null");

  return create (server, "/api/v1/sessions", json);
}

static EbId
add_roster (EbTestServer *server, EbId session, EbId person, const char *role)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster", session);
  g_autofree char *json
      = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"%s\"}", person, role);

  return create (server, path, json);
}

/* The session path @id + @suffix (transfer full). */
static char *
session_path (EbId id, const char *suffix)
{
  return g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "%s", id, suffix);
}

/* A board with an active hub, a person per specialty of the quorum, and
 * one weekly session. */
typedef struct
{
  EbTestServer *server;
  EbId hub;
  EbId oncologist;
  EbId radiotherapist;
  EbId surgeon;
  EbId pathologist;
  EbId radiologist;
  EbId session;
} Board;

static void
board_setup (Board *board, gconstpointer data)
{
  board->server = eb_test_server_new (NULL);
  board->hub = create_site (board->server, "HUB", "active", TRUE);
  board->oncologist = create_person (board->server, board->hub, "onc", "medical_oncology");
  board->radiotherapist = create_person (board->server, board->hub, "rt", "radiation_oncology");
  board->surgeon = create_person (board->server, board->hub, "surg", "surgery");
  board->pathologist = create_person (board->server, board->hub, "path", "pathology");
  board->radiologist = create_person (board->server, board->hub, "rad", "diagnostic_radiology");
  board->session = create_session (board->server, board->hub, SESSION_START, 60,
                                   "{\"frequency\": \"weekly\"}");
}

static void
board_teardown (Board *board, gconstpointer data)
{
  g_clear_pointer (&board->server, eb_test_server_free);
}

/* --- meta --- */

static void
test_specialties (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (EbTestReply) reply = request (server, "GET", "/api/v1/specialties", NULL);
  JsonObject *object;
  JsonArray *items;
  JsonArray *quorum;
  const char *const *expected = eb_specialty_default_quorum ();
  gboolean found = FALSE;

  assert_reply (reply, 200);
  object = eb_test_reply_object (reply);
  items = json_object_get_array_member (object, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_nonnull (member_string (item, "label"));
      if (g_strcmp0 (member_string (item, "code"), "medical_oncology") == 0)
        found = TRUE;
    }
  g_assert_true (found);
  quorum = json_object_get_array_member (object, "quorum");
  g_assert_cmpuint (json_array_get_length (quorum), ==, g_strv_length ((char **)expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (quorum, i), ==, expected[i]);
}

/* --- sites --- */

static void
test_sites (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (EbTestReply) created = NULL;
  g_autoptr (EbTestReply) member = NULL;
  g_autoptr (EbTestReply) list = NULL;
  g_autoptr (EbTestReply) got = NULL;
  g_autoptr (EbTestReply) vetted = NULL;
  g_autoptr (EbTestReply) stale = NULL;
  g_autoptr (EbTestReply) illegal = NULL;
  g_autoptr (EbTestReply) duplicate = NULL;
  g_autoptr (EbTestReply) second_hub = NULL;
  g_autoptr (EbTestReply) hub_leaves = NULL;
  g_autoptr (EbTestReply) delete_stale = NULL;
  g_autoptr (EbTestReply) deleted = NULL;
  g_autoptr (EbTestReply) gone = NULL;
  g_autoptr (EbTestReply) delete_hub = NULL;
  JsonObject *site;
  g_autofree char *location = NULL;
  g_autofree char *member_path = NULL;
  EbId hub, member_id;

  created
      = request (server, "POST", "/api/v1/sites",
                 "{\"name\": \"University Cancer Center\", \"code\": \"UCC\", "
                 "\"timezone\": \"America/Chicago\", \"status\": \"active\", \"is_hub\": true}");
  assert_reply (created, 201);
  site = eb_test_reply_object (created);
  hub = member_int (site, "id");
  location = g_strdup_printf ("/api/v1/sites/%" G_GINT64_FORMAT, hub);
  g_assert_cmpstr (eb_test_reply_header (created, "Location"), ==, location);
  g_assert_cmpstr (eb_test_reply_header (created, "Content-Type"), ==, "application/json");
  assert_etag (created, site);
  g_assert_cmpstr (member_string (site, "name"), ==, "University Cancer Center");
  g_assert_cmpstr (member_string (site, "code"), ==, "UCC");
  g_assert_cmpstr (member_string (site, "timezone"), ==, "America/Chicago");
  g_assert_cmpstr (member_string (site, "status"), ==, "active");
  g_assert_true (json_object_get_boolean_member (site, "is_hub"));
  g_assert_cmpint (member_int (site, "version"), ==, 1);
  g_assert_true (g_str_has_suffix (member_string (site, "created_at"), "Z"));
  g_assert_cmpuint (strlen (member_string (site, "updated_at")), ==, strlen (SESSION_START));

  /* Defaults: an applicant, not the hub. */
  member = request (server, "POST", "/api/v1/sites",
                    "{\"name\": \"Berlin\", \"code\": \"BER-1\", \"timezone\": \"Europe/Berlin\"}");
  assert_reply (member, 201);
  site = eb_test_reply_object (member);
  member_id = member_int (site, "id");
  g_assert_cmpstr (member_string (site, "status"), ==, "applicant");
  g_assert_false (json_object_get_boolean_member (site, "is_hub"));
  member_path = g_strdup_printf ("/api/v1/sites/%" G_GINT64_FORMAT, member_id);

  list = request (server, "GET", "/api/v1/sites", NULL);
  assert_reply (list, 200);
  g_assert_cmpint (member_int (eb_test_reply_object (list), "total"), ==, 2);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (eb_test_reply_object (list), "items")),
      ==, 2);

  got = request (server, "GET", member_path, NULL);
  assert_reply (got, 200);
  assert_etag (got, eb_test_reply_object (got));
  g_assert_cmpstr (member_string (eb_test_reply_object (got), "code"), ==, "BER-1");

  /* The membership life cycle, with If-Match. */
  vetted = request_with (server, "PATCH", member_path, "{\"status\": \"vetted\"}", "If-Match",
                         "\"1\"");
  assert_reply (vetted, 200);
  site = eb_test_reply_object (vetted);
  g_assert_cmpstr (member_string (site, "status"), ==, "vetted");
  g_assert_cmpstr (member_string (site, "name"), ==, "Berlin");
  g_assert_cmpint (member_int (site, "version"), ==, 2);
  g_assert_cmpstr (eb_test_reply_header (vetted, "ETag"), ==, "\"2\"");
  stale = request_with (server, "PATCH", member_path, "{\"status\": \"active\"}", "If-Match",
                        "\"1\"");
  eb_test_assert_problem (stale, 412);
  illegal = request (server, "PATCH", member_path, "{\"status\": \"suspended\"}");
  eb_test_assert_problem (illegal, 409);

  duplicate = request (server, "POST", "/api/v1/sites",
                       "{\"name\": \"Again\", \"code\": \"UCC\", \"timezone\": \"UTC\"}");
  eb_test_assert_problem (duplicate, 409);
  second_hub = request (server, "POST", "/api/v1/sites",
                        "{\"name\": \"Hub 2\", \"code\": \"HUB2\", \"timezone\": \"UTC\", "
                        "\"is_hub\": true}");
  eb_test_assert_problem (second_hub, 422);
  g_assert_true (eb_test_reply_has_violation (second_hub, "single-hub", "is_hub"));
  hub_leaves = request (server, "PATCH", location, "{\"is_hub\": false}");
  eb_test_assert_problem (hub_leaves, 422);
  g_assert_true (eb_test_reply_has_violation (hub_leaves, "single-hub", NULL));

  delete_stale = request_with (server, "DELETE", member_path, NULL, "If-Match", "\"1\"");
  eb_test_assert_problem (delete_stale, 412);
  deleted = request_with (server, "DELETE", member_path, NULL, "If-Match", "\"2\"");
  assert_reply (deleted, 204);
  g_assert_cmpuint (g_bytes_get_size (deleted->body), ==, 1);
  gone = request (server, "GET", member_path, NULL);
  eb_test_assert_problem (gone, 404);
  delete_hub = request (server, "DELETE", location, NULL);
  eb_test_assert_problem (delete_hub, 422);
  g_assert_true (eb_test_reply_has_violation (delete_hub, "single-hub", NULL));
}

/* --- strict decoding --- */

static void
assert_invalid (EbTestServer *server, const char *method, const char *path, const char *json,
                const char *rule, const char *field)
{
  g_autoptr (EbTestReply) reply = request (server, method, path, json);

  g_test_message ("%s %s %s", method, path, json);
  eb_test_assert_problem (reply, 400);
  if (!eb_test_reply_has_violation (reply, rule, field))
    g_error ("no %s violation on %s in %s", rule, field, eb_test_reply_text (reply));
}

static void
test_decoding (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autoptr (EbTestReply) many = NULL;
  g_autofree char *site_path = NULL;
  EbId site = create_site (server, "HUB", "active", TRUE);
  static const struct
  {
    const char *json;
    const char *rule;
    const char *field;
  } site_cases[] = {
    { "{\"name\": 5, \"code\": \"AB\", \"timezone\": \"UTC\"}", "invalid-field", "name" },
    { "{\"name\": \"x\", \"code\": [\"AB\"], \"timezone\": \"UTC\"}", "invalid-field", "code" },
    { "{\"name\": \"x\", \"code\": \"AB\", \"timezone\": null}", "invalid-field", "timezone" },
    { "{\"name\": \"x\", \"code\": \"AB\", \"timezone\": \"UTC\", \"is_hub\": \"yes\"}",
      "invalid-field", "is_hub" },
    { "{\"name\": \"x\", \"code\": \"AB\", \"timezone\": \"UTC\", \"is_hub\": 1}", "invalid-field",
      "is_hub" },
    { "{\"name\": \"x\", \"code\": \"AB\", \"timezone\": \"UTC\", \"status\": \"closed\"}",
      "invalid-field", "status" },
    { "{\"name\": \"x\", \"code\": \"AB\", \"timezone\": \"Mars/Base\"}", "invalid-field",
      "timezone" },
    { "{\"name\": \"x\", \"code\": \"a b\", \"timezone\": \"UTC\"}", "invalid-field", "code" },
    { "{\"name\": \"x\", \"code\": \"AB\"}", "missing-field", "timezone" },
    { "{}", "missing-field", "name" },
    { "{\"name\": \"x\", \"code\": \"AB\", \"timezone\": \"UTC\", \"colour\": \"red\"}",
      "unknown-field", "colour" },
    { "{\"name\": \"x\", \"code\": \"AB\", \"timezone\": \"UTC\", \"id\": 7}", "read-only-field",
      "id" },
    { "{\"name\": \"x\", \"code\": \"AB\", \"timezone\": \"UTC\", \"version\": 1}",
      "read-only-field", "version" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (site_cases); i++)
    assert_invalid (server, "POST", "/api/v1/sites", site_cases[i].json, site_cases[i].rule,
                    site_cases[i].field);

  /* Every problem of a body is listed at once. */
  many = request (server, "POST", "/api/v1/sites", "{\"name\": 1, \"extra\": 2, \"is_hub\": null}");
  eb_test_assert_problem (many, 400);
  g_assert_true (eb_test_reply_has_violation (many, "invalid-field", "name"));
  g_assert_true (eb_test_reply_has_violation (many, "unknown-field", "extra"));
  g_assert_true (eb_test_reply_has_violation (many, "invalid-field", "is_hub"));
  g_assert_true (eb_test_reply_has_violation (many, "missing-field", "code"));
  g_assert_true (eb_test_reply_has_violation (many, "missing-field", "timezone"));

  /* PATCH: the same checks, nothing required, something to change. */
  site_path = g_strdup_printf ("/api/v1/sites/%" G_GINT64_FORMAT, site);
  assert_invalid (server, "PATCH", site_path, "{\"name\": false}", "invalid-field", "name");
  assert_invalid (server, "PATCH", site_path, "{\"created_at\": \"2026-01-01T00:00:00Z\"}",
                  "read-only-field", "created_at");
  assert_invalid (server, "PATCH", site_path, "{\"nme\": \"typo\"}", "unknown-field", "nme");
  {
    g_autoptr (EbTestReply) empty = request (server, "PATCH", site_path, "{}");

    eb_test_assert_problem (empty, 400);
  }

  /* People, sessions, roster, agenda and tokens decode as strictly. */
  assert_invalid (server, "POST", "/api/v1/people",
                  "{\"name\": \"a\", \"email\": \"a@b.c\", \"specialty\": \"wizardry\", "
                  "\"home_site_id\": 1}",
                  "invalid-field", "specialty");
  assert_invalid (server, "POST", "/api/v1/people",
                  "{\"name\": \"a\", \"email\": \"a@b.c\", \"specialty\": \"surgery\", "
                  "\"home_site_id\": \"1\"}",
                  "invalid-field", "home_site_id");
  assert_invalid (server, "POST", "/api/v1/people",
                  "{\"name\": \"a\", \"email\": \"a@b.c\", \"specialty\": \"surgery\", "
                  "\"home_site_id\": 0}",
                  "invalid-field", "home_site_id");
  assert_invalid (server, "POST", "/api/v1/people",
                  "{\"name\": \"a\", \"email\": \"a@b.c\", \"specialty\": \"surgery\"}",
                  "missing-field", "home_site_id");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"2026-03-03 15:00\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\"}",
                  "invalid-field", "start");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"2026-W10-2T15:00:00Z\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\"}",
                  "invalid-field", "start");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60.5, \"timezone\": \"UTC\"}",
                  "invalid-field", "duration_minutes");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 0, \"timezone\": \"UTC\"}",
                  "invalid-field", "duration_minutes");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\", \"state\": \"scheduled\"}",
                  "read-only-field", "state");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\", "
                  "\"recurrence\": {\"frequency\": \"daily\"}}",
                  "invalid-field", "recurrence.frequency");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\", "
                  "\"recurrence\": {\"frequency\": \"weekly\", \"interval\": \"2\"}}",
                  "invalid-field", "recurrence.interval");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\", "
                  "\"recurrence\": {\"frequency\": \"weekly\", \"interval\": 53}}",
                  "invalid-field", "recurrence.interval");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\", "
                  "\"recurrence\": {\"frequency\": \"weekly\", \"count\": 0}}",
                  "invalid-field", "recurrence.count");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\", "
                  "\"recurrence\": {\"frequency\": \"weekly\", \"byday\": \"TU\"}}",
                  "unknown-field", "recurrence.byday");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\", \"recurrence\": {}}",
                  "missing-field", "recurrence.frequency");
  assert_invalid (server, "POST", "/api/v1/sessions",
                  "{\"title\": \"t\", \"host_site_id\": 1, \"start\": \"" SESSION_START "\", "
                  "\"duration_minutes\": 60, \"timezone\": \"UTC\", \"recurrence\": \"weekly\"}",
                  "invalid-field", "recurrence");
  assert_invalid (server, "POST", "/api/v1/tokens", "{\"role\": \"coordinator\"}", "missing-field",
                  "label");
  assert_invalid (server, "POST", "/api/v1/tokens", "{\"role\": \"king\", \"label\": \"x\"}",
                  "invalid-field", "role");
  assert_invalid (server, "POST", "/api/v1/tokens",
                  "{\"role\": \"admin\", \"label\": \"x\", \"secret\": \"eb_mine\"}",
                  "read-only-field", "secret");
  assert_invalid (server, "POST", "/api/v1/tokens",
                  "{\"role\": \"clinician\", \"label\": \"x\", \"person_id\": null}",
                  "invalid-field", "person_id");
  assert_invalid (
      server, "POST", "/api/v1/tokens",
      "{\"role\": \"admin\", \"label\": \"x\", \"expires_at\": \"2001-01-01T00:00:00Z\"}",
      "invalid-field", "expires_at");
}

/* --- people --- */

static void
test_people (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  EbId hub = create_site (server, "HUB", "active", TRUE);
  EbId other = create_site (server, "OTHER", "applicant", FALSE);
  g_autoptr (EbTestReply) created = NULL;
  g_autoptr (EbTestReply) unknown_site = NULL;
  g_autoptr (EbTestReply) by_site = NULL;
  g_autoptr (EbTestReply) by_specialty = NULL;
  g_autoptr (EbTestReply) inactive = NULL;
  g_autoptr (EbTestReply) patched = NULL;
  g_autoptr (EbTestReply) got = NULL;
  g_autoptr (EbTestReply) deleted = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  JsonObject *person;
  EbId id;

  json = eb_test_json ("{\"name\": \"Dr. Ada\", \"email\": \"ada@ucc.example\", "
                       "\"specialty\": \"medical_oncology\", \"home_site_id\": %" G_GINT64_FORMAT
                       "}",
                       hub);
  created = request (server, "POST", "/api/v1/people", json);
  assert_reply (created, 201);
  person = eb_test_reply_object (created);
  id = member_int (person, "id");
  path = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT, id);
  g_assert_cmpstr (eb_test_reply_header (created, "Location"), ==, path);
  assert_etag (created, person);
  g_assert_cmpstr (member_string (person, "name"), ==, "Dr. Ada");
  g_assert_cmpstr (member_string (person, "email"), ==, "ada@ucc.example");
  g_assert_cmpstr (member_string (person, "specialty"), ==, "medical_oncology");
  g_assert_cmpint (member_int (person, "home_site_id"), ==, hub);
  g_assert_true (json_object_get_boolean_member (person, "active"));
  create_person (server, other, "bob", "surgery");
  create_person (server, hub, "cy", "surgery");

  unknown_site = request (server, "POST", "/api/v1/people",
                          "{\"name\": \"x\", \"email\": \"x@y.z\", \"specialty\": \"surgery\", "
                          "\"home_site_id\": 99}");
  eb_test_assert_problem (unknown_site, 422);
  g_assert_true (eb_test_reply_has_violation (unknown_site, "unknown-site", "home_site_id"));

  query = g_strdup_printf ("/api/v1/people?site_id=%" G_GINT64_FORMAT, hub);
  by_site = request (server, "GET", query, NULL);
  assert_reply (by_site, 200);
  g_assert_cmpint (member_int (eb_test_reply_object (by_site), "total"), ==, 2);
  by_specialty = request (server, "GET", "/api/v1/people?specialty=surgery", NULL);
  g_assert_cmpint (member_int (eb_test_reply_object (by_specialty), "total"), ==, 2);

  patched = request (server, "PATCH", path, "{\"active\": false}");
  assert_reply (patched, 200);
  person = eb_test_reply_object (patched);
  g_assert_false (json_object_get_boolean_member (person, "active"));
  g_assert_cmpstr (member_string (person, "email"), ==, "ada@ucc.example");
  g_assert_cmpint (member_int (person, "version"), ==, 2);
  inactive = request (server, "GET", "/api/v1/people?active=false", NULL);
  g_assert_cmpint (member_int (eb_test_reply_object (inactive), "total"), ==, 1);

  {
    static const char *const bad[] = {
      "/api/v1/people?site_id=abc",
      "/api/v1/people?site_id=0",
      "/api/v1/people?active=yes",
      "/api/v1/people?specialty=wizardry",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (EbTestReply) reply = request (server, "GET", bad[i], NULL);

        eb_test_assert_problem (reply, 400);
      }
  }

  got = request (server, "GET", path, NULL);
  assert_reply (got, 200);
  assert_etag (got, eb_test_reply_object (got));
  deleted = request (server, "DELETE", path, NULL);
  assert_reply (deleted, 204);
}

/* --- sessions --- */

static void
test_sessions (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *path = session_path (board->session, "");
  g_autofree char *with_offset = NULL;
  g_autoptr (EbTestReply) got = NULL;
  g_autoptr (EbTestReply) created = NULL;
  g_autoptr (EbTestReply) list = NULL;
  g_autoptr (EbTestReply) filtered = NULL;
  g_autoptr (EbTestReply) patched = NULL;
  g_autoptr (EbTestReply) single = NULL;
  g_autoptr (EbTestReply) inactive_host = NULL;
  JsonObject *session;
  JsonObject *recurrence;
  EbId applicant;

  got = request (server, "GET", path, NULL);
  assert_reply (got, 200);
  session = eb_test_reply_object (got);
  assert_etag (got, session);
  g_assert_cmpstr (member_string (session, "title"), ==, "Thoracic board");
  g_assert_cmpstr (member_string (session, "focus"), ==, "");
  g_assert_cmpint (member_int (session, "host_site_id"), ==, board->hub);
  g_assert_cmpstr (member_string (session, "start"), ==, SESSION_START);
  g_assert_cmpint (member_int (session, "duration_minutes"), ==, 60);
  g_assert_cmpstr (member_string (session, "timezone"), ==, "America/Chicago");
  g_assert_cmpstr (member_string (session, "state"), ==, "draft");
  recurrence = json_object_get_object_member (session, "recurrence");
  g_assert_cmpstr (member_string (recurrence, "frequency"), ==, "weekly");
  g_assert_cmpint (member_int (recurrence, "interval"), ==, 1);
  g_assert_true (json_object_get_null_member (recurrence, "count"));
  g_assert_true (json_object_get_null_member (recurrence, "until"));
  g_assert_false (json_object_get_boolean_member (recurrence, "last_weekday"));
  g_assert_true (g_str_has_prefix (member_string (session, "rrule"), "FREQ=WEEKLY"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (session, "exceptions")),
                    ==, 0);

  /* Instants with an offset are stored in UTC. */
  with_offset = eb_test_json (
      "{\"title\": \"Monthly\", \"focus\": \"GI\", \"host_site_id\": %" G_GINT64_FORMAT
      ", \"start\": \"2026-03-10T09:00:00-05:00\", \"duration_minutes\": 90, "
      "\"timezone\": \"America/Chicago\", \"recurrence\": {\"frequency\": "
      "\"monthly\", \"interval\": 2, \"count\": 6, \"last_weekday\": false}}",
      board->hub);
  created = request (server, "POST", "/api/v1/sessions", with_offset);
  assert_reply (created, 201);
  session = eb_test_reply_object (created);
  g_assert_cmpstr (member_string (session, "start"), ==, "2026-03-10T14:00:00Z");
  g_assert_cmpstr (member_string (session, "focus"), ==, "GI");
  recurrence = json_object_get_object_member (session, "recurrence");
  g_assert_cmpstr (member_string (recurrence, "frequency"), ==, "monthly");
  g_assert_cmpint (member_int (recurrence, "count"), ==, 6);
  g_assert_nonnull (strstr (member_string (session, "rrule"), "INTERVAL=2"));

  list = request (server, "GET", "/api/v1/sessions", NULL);
  g_assert_cmpint (member_int (eb_test_reply_object (list), "total"), ==, 2);
  filtered = request (
      server, "GET",
      "/api/v1/sessions?state=draft&from=2026-03-01T00:00:00Z&to=2026-03-05T00:00:00Z", NULL);
  assert_reply (filtered, 200);
  g_assert_cmpint (member_int (eb_test_reply_object (filtered), "total"), ==, 1);
  {
    static const char *const bad[] = {
      "/api/v1/sessions?state=done",
      "/api/v1/sessions?from=yesterday",
      "/api/v1/sessions?to=2026-03-05",
      "/api/v1/sessions?host_site_id=-2",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (EbTestReply) reply = request (server, "GET", bad[i], NULL);

        eb_test_assert_problem (reply, 400);
      }
  }

  /* PATCH changes only what it names; null removes the recurrence. */
  patched = request (server, "PATCH", path, "{\"duration_minutes\": 90, \"recurrence\": null}");
  assert_reply (patched, 200);
  session = eb_test_reply_object (patched);
  g_assert_cmpint (member_int (session, "duration_minutes"), ==, 90);
  g_assert_cmpstr (member_string (session, "title"), ==, "Thoracic board");
  g_assert_true (json_object_get_null_member (session, "recurrence"));
  g_assert_null (member_string (session, "rrule"));
  g_assert_cmpint (member_int (session, "version"), ==, 2);
  assert_etag (patched, session);

  single = request (server, "PATCH", path, "{\"state\": \"scheduled\"}");
  eb_test_assert_problem (single, 400);
  g_assert_true (eb_test_reply_has_violation (single, "read-only-field", "state"));

  applicant = create_site (server, "NEW", "applicant", FALSE);
  {
    g_autofree char *json = eb_test_json ("{\"title\": \"t\", \"host_site_id\": %" G_GINT64_FORMAT
                                          ", \"start\": \"" SESSION_START "\", "
                                          "\"duration_minutes\": 60, \"timezone\": \"UTC\"}",
                                          applicant);

    inactive_host = request (server, "POST", "/api/v1/sessions", json);
    eb_test_assert_problem (inactive_host, 422);
    g_assert_true (eb_test_reply_has_violation (inactive_host, "host-site-not-active", NULL));
  }
}

static void
test_session_states (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *schedule = session_path (board->session, "/schedule");
  g_autofree char *cancel = session_path (board->session, "/cancel");
  g_autofree char *path = session_path (board->session, "");
  g_autoptr (EbTestReply) no_chair = NULL;
  g_autoptr (EbTestReply) scheduled = NULL;
  g_autoptr (EbTestReply) again = NULL;
  g_autoptr (EbTestReply) delete_scheduled = NULL;
  g_autoptr (EbTestReply) stale = NULL;
  g_autoptr (EbTestReply) cancelled = NULL;
  g_autoptr (EbTestReply) cancel_again = NULL;
  g_autoptr (EbTestReply) patch_cancelled = NULL;
  g_autoptr (EbTestReply) deleted = NULL;
  g_autoptr (EbTestReply) gone = NULL;
  g_autofree char *etag = NULL;

  no_chair = request (server, "POST", schedule, NULL);
  eb_test_assert_problem (no_chair, 422);
  g_assert_cmpstr (member_string (eb_test_reply_object (no_chair), "type"), ==,
                   "https://eboard.invalid/problems/rule-violated");
  g_assert_true (eb_test_reply_has_violation (no_chair, "schedule-requires-chair", NULL));

  add_roster (server, board->session, board->oncologist, "chair");
  scheduled = request (server, "POST", schedule, NULL);
  assert_reply (scheduled, 200);
  g_assert_cmpstr (member_string (eb_test_reply_object (scheduled), "state"), ==, "scheduled");
  assert_etag (scheduled, eb_test_reply_object (scheduled));
  etag = g_strdup (eb_test_reply_header (scheduled, "ETag"));

  /* An illegal transition is 409. */
  again = request (server, "POST", schedule, NULL);
  eb_test_assert_problem (again, 409);
  delete_scheduled = request (server, "DELETE", path, NULL);
  eb_test_assert_problem (delete_scheduled, 409);

  stale = request_with (server, "POST", cancel, NULL, "If-Match", "\"1\"");
  eb_test_assert_problem (stale, 412);
  cancelled = request_with (server, "POST", cancel, NULL, "If-Match", etag);
  assert_reply (cancelled, 200);
  g_assert_cmpstr (member_string (eb_test_reply_object (cancelled), "state"), ==, "cancelled");
  cancel_again = request (server, "POST", cancel, NULL);
  eb_test_assert_problem (cancel_again, 409);
  patch_cancelled = request (server, "PATCH", path, "{\"title\": \"late\"}");
  eb_test_assert_problem (patch_cancelled, 409);

  deleted = request (server, "DELETE", path, NULL);
  assert_reply (deleted, 204);
  gone = request (server, "GET", path, NULL);
  eb_test_assert_problem (gone, 404);
}

static void
test_if_match (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *path = session_path (board->session, "");
  static const char *const malformed[]
      = { "W/\"1\"", "1", "\"one\"", "\"0\"", "\"1\", \"2\"", "\"" };

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (EbTestReply) reply
          = request_with (server, "PATCH", path, "{\"title\": \"x\"}", "If-Match", malformed[i]);

      g_test_message ("If-Match: %s", malformed[i]);
      eb_test_assert_problem (reply, 400);
      g_assert_true (eb_test_reply_has_violation (reply, "invalid-field", "If-Match"));
    }
  {
    g_autoptr (EbTestReply) any
        = request_with (server, "PATCH", path, "{\"title\": \"y\"}", "If-Match", "*");
    g_autoptr (EbTestReply) current
        = request_with (server, "PATCH", path, "{\"title\": \"z\"}", "If-Match", "\"2\"");
    g_autoptr (EbTestReply) stale
        = request_with (server, "PATCH", path, "{\"title\": \"w\"}", "If-Match", "\"2\"");
    g_autoptr (EbTestReply) got = request (server, "GET", path, NULL);

    assert_reply (any, 200);
    assert_reply (current, 200);
    eb_test_assert_problem (stale, 412);
    /* The stale write changed nothing. */
    g_assert_cmpstr (member_string (eb_test_reply_object (got), "title"), ==, "z");
    g_assert_cmpstr (eb_test_reply_header (got, "ETag"), ==, "\"3\"");
  }
}

/* --- occurrences and exceptions --- */

static void
test_occurrences (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *occurrences = session_path (
      board->session, "/occurrences?from=2026-03-01T00:00:00Z&to=2026-03-25T00:00:00Z");
  g_autofree char *exceptions = session_path (board->session, "/exceptions");
  g_autofree char *restore
      = session_path (board->session, "/exceptions?original_start=2026-03-10T14:00:00Z");
  g_autofree char *restore_missing
      = session_path (board->session, "/exceptions?original_start=2026-03-24T14:00:00Z");
  g_autoptr (EbTestReply) listed = NULL;
  g_autoptr (EbTestReply) moved = NULL;
  g_autoptr (EbTestReply) cancelled = NULL;
  g_autoptr (EbTestReply) after = NULL;
  g_autoptr (EbTestReply) not_an_occurrence = NULL;
  g_autoptr (EbTestReply) stale = NULL;
  g_autoptr (EbTestReply) restored = NULL;
  g_autoptr (EbTestReply) missing = NULL;
  g_autoptr (EbTestReply) no_start = NULL;
  g_autoptr (EbTestReply) default_window = NULL;
  JsonArray *items;
  JsonObject *session;
  JsonObject *exception;

  /* Weekly at 09:00 Chicago: 15:00Z until the 8 March DST change, then
   * 14:00Z. */
  listed = request (server, "GET", occurrences, NULL);
  assert_reply (listed, 200);
  items = json_object_get_array_member (eb_test_reply_object (listed), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 4);
  g_assert_cmpstr (member_string (json_array_get_object_element (items, 0), "start"), ==,
                   "2026-03-03T15:00:00Z");
  g_assert_cmpstr (member_string (json_array_get_object_element (items, 0), "end"), ==,
                   "2026-03-03T16:00:00Z");
  g_assert_cmpstr (member_string (json_array_get_object_element (items, 1), "start"), ==,
                   "2026-03-10T14:00:00Z");
  g_assert_false (
      json_object_get_boolean_member (json_array_get_object_element (items, 1), "moved"));

  moved = request (server, "PUT", exceptions,
                   "{\"original_start\": \"2026-03-10T14:00:00Z\", \"cancelled\": false, "
                   "\"new_start\": \"2026-03-11T14:00:00Z\"}");
  assert_reply (moved, 200);
  session = eb_test_reply_object (moved);
  assert_etag (moved, session);
  exception
      = json_array_get_object_element (json_object_get_array_member (session, "exceptions"), 0);
  g_assert_cmpstr (member_string (exception, "original_start"), ==, "2026-03-10T14:00:00Z");
  g_assert_false (json_object_get_boolean_member (exception, "cancelled"));
  g_assert_cmpstr (member_string (exception, "new_start"), ==, "2026-03-11T14:00:00Z");

  cancelled = request (server, "PUT", exceptions,
                       "{\"original_start\": \"2026-03-17T14:00:00Z\", \"cancelled\": true}");
  assert_reply (cancelled, 200);
  after = request (server, "GET", occurrences, NULL);
  items = json_object_get_array_member (eb_test_reply_object (after), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 3);
  g_assert_cmpstr (member_string (json_array_get_object_element (items, 1), "start"), ==,
                   "2026-03-11T14:00:00Z");
  g_assert_cmpstr (member_string (json_array_get_object_element (items, 1), "original_start"), ==,
                   "2026-03-10T14:00:00Z");
  g_assert_true (
      json_object_get_boolean_member (json_array_get_object_element (items, 1), "moved"));

  not_an_occurrence
      = request (server, "PUT", exceptions,
                 "{\"original_start\": \"2026-03-12T14:00:00Z\", \"cancelled\": true}");
  eb_test_assert_problem (not_an_occurrence, 422);
  g_assert_true (
      eb_test_reply_has_violation (not_an_occurrence, "not-an-occurrence", "original_start"));
  assert_invalid (server, "PUT", exceptions, "{\"original_start\": \"2026-03-24T14:00:00Z\"}",
                  "missing-field", "cancelled");
  assert_invalid (server, "PUT", exceptions,
                  "{\"original_start\": \"2026-03-24T14:00:00Z\", \"cancelled\": false}",
                  "invalid-field", "new_start");
  assert_invalid (server, "PUT", exceptions,
                  "{\"original_start\": \"2026-03-24T14:00:00Z\", \"cancelled\": true, "
                  "\"new_start\": \"2026-03-25T14:00:00Z\"}",
                  "invalid-field", "new_start");
  stale = request_with (server, "PUT", exceptions,
                        "{\"original_start\": \"2026-03-24T14:00:00Z\", \"cancelled\": true}",
                        "If-Match", "\"1\"");
  eb_test_assert_problem (stale, 412);

  restored = request (server, "DELETE", restore, NULL);
  assert_reply (restored, 200);
  session = eb_test_reply_object (restored);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (session, "exceptions")),
                    ==, 1);
  missing = request (server, "DELETE", restore_missing, NULL);
  eb_test_assert_problem (missing, 404);
  no_start = request (server, "DELETE", exceptions, NULL);
  eb_test_assert_problem (no_start, 400);
  g_assert_true (eb_test_reply_has_violation (no_start, "invalid-field", "original_start"));

  /* Without a window: from the first start, a year long. */
  {
    g_autofree char *all = session_path (board->session, "/occurrences");

    default_window = request (server, "GET", all, NULL);
    assert_reply (default_window, 200);
    items = json_object_get_array_member (eb_test_reply_object (default_window), "items");
    g_assert_cmpuint (json_array_get_length (items), >=, 50);
    g_assert_cmpstr (member_string (json_array_get_object_element (items, 0), "start"), ==,
                     SESSION_START);
  }
}

/* --- roster --- */

static void
test_roster (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *roster = session_path (board->session, "/roster");
  g_autofree char *json = NULL;
  g_autofree char *entry_path = NULL;
  g_autofree char *location = NULL;
  g_autoptr (EbTestReply) created = NULL;
  g_autoptr (EbTestReply) duplicate = NULL;
  g_autoptr (EbTestReply) got = NULL;
  g_autoptr (EbTestReply) accepted = NULL;
  g_autoptr (EbTestReply) page = NULL;
  g_autoptr (EbTestReply) deleted = NULL;
  g_autoptr (EbTestReply) unknown = NULL;
  JsonObject *object;
  JsonObject *entry;
  EbId entry_id;

  json = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"chair\"}",
                       board->oncologist);
  created = request (server, "POST", roster, json);
  assert_reply (created, 201);
  object = eb_test_reply_object (created);
  entry = json_object_get_object_member (object, "entry");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "warnings")), ==,
                    0);
  entry_id = member_int (entry, "id");
  entry_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, roster, entry_id);
  g_assert_cmpstr (eb_test_reply_header (created, "Location"), ==, entry_path);
  assert_etag (created, entry);
  g_assert_cmpint (member_int (entry, "session_id"), ==, board->session);
  g_assert_cmpint (member_int (entry, "person_id"), ==, board->oncologist);
  g_assert_cmpstr (member_string (entry, "role"), ==, "chair");
  g_assert_cmpstr (member_string (entry, "status"), ==, "invited");
  g_assert_null (member_string (entry, "joined_at"));
  g_assert_null (member_string (entry, "left_at"));

  duplicate = request (server, "POST", roster, json);
  eb_test_assert_problem (duplicate, 409);
  unknown = request (server, "POST", roster, "{\"person_id\": 999, \"role\": \"panelist\"}");
  eb_test_assert_problem (unknown, 422);
  g_assert_true (eb_test_reply_has_violation (unknown, "unknown-person", "person_id"));
  assert_invalid (server, "POST", roster, "{\"person_id\": 2, \"role\": \"guest\"}",
                  "invalid-field", "role");
  assert_invalid (server, "POST", roster, "{\"role\": \"panelist\"}", "missing-field", "person_id");
  assert_invalid (server, "POST", roster,
                  "{\"person_id\": 2, \"role\": \"panelist\", \"joined_at\": null}",
                  "read-only-field", "joined_at");

  got = request (server, "GET", entry_path, NULL);
  assert_reply (got, 200);
  assert_etag (got, eb_test_reply_object (got));
  g_assert_cmpstr (member_string (eb_test_reply_object (got), "role"), ==, "chair");

  accepted = request_with (server, "PATCH", entry_path, "{\"status\": \"accepted\"}", "If-Match",
                           eb_test_reply_header (got, "ETag"));
  assert_reply (accepted, 200);
  object = eb_test_reply_object (accepted);
  entry = json_object_get_object_member (object, "entry");
  g_assert_cmpstr (member_string (entry, "status"), ==, "accepted");
  g_assert_cmpstr (member_string (entry, "role"), ==, "chair");
  g_assert_true (json_object_has_member (object, "warnings"));
  assert_etag (accepted, entry);
  assert_invalid (server, "PATCH", entry_path, "{\"person_id\": 3}", "read-only-field",
                  "person_id");

  add_roster (server, board->session, board->surgeon, "panelist");
  add_roster (server, board->session, board->pathologist, "observer");
  location = session_path (board->session, "/roster?offset=1&limit=1");
  page = request (server, "GET", location, NULL);
  g_clear_pointer (&location, g_free);
  assert_reply (page, 200);
  object = eb_test_reply_object (page);
  g_assert_cmpint (member_int (object, "total"), ==, 3);
  g_assert_cmpint (member_int (object, "offset"), ==, 1);
  g_assert_cmpint (member_int (object, "limit"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 1);

  deleted = request (server, "DELETE", entry_path, NULL);
  assert_reply (deleted, 204);
  location = session_path (board->session, "/roster/999");
  {
    g_autoptr (EbTestReply) gone = request (server, "GET", location, NULL);

    eb_test_assert_problem (gone, 404);
  }
}

static void
test_roster_rules (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  EbId inactive_person = create_person (server, board->hub, "old", "surgery");
  EbId applicant_site = create_site (server, "APP", "applicant", FALSE);
  EbId outsider = create_person (server, applicant_site, "out", "surgery");
  EbId overlapping = create_session (server, board->hub, "2026-03-17T14:30:00Z", 60, NULL);
  g_autofree char *roster = session_path (board->session, "/roster");
  g_autofree char *other_roster = session_path (overlapping, "/roster");
  g_autofree char *json = NULL;
  g_autoptr (EbTestReply) deactivated = NULL;
  g_autoptr (EbTestReply) not_active = NULL;
  g_autoptr (EbTestReply) site_not_active = NULL;
  g_autoptr (EbTestReply) chair_twice = NULL;
  g_autoptr (EbTestReply) panelist_twice = NULL;
  JsonArray *warnings;

  {
    g_autofree char *person = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT, inactive_person);

    deactivated = request (server, "PATCH", person, "{\"active\": false}");
    assert_reply (deactivated, 200);
  }
  json = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"panelist\"}",
                       inactive_person);
  not_active = request (server, "POST", roster, json);
  eb_test_assert_problem (not_active, 422);
  g_assert_true (eb_test_reply_has_violation (not_active, "person-not-active", "person_id"));
  g_free (json);
  json = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"panelist\"}", outsider);
  site_not_active = request (server, "POST", roster, json);
  eb_test_assert_problem (site_not_active, 422);
  g_assert_true (eb_test_reply_has_violation (site_not_active, "site-not-active", NULL));

  /* The weekly series meets the single session on 17 March. */
  add_roster (server, board->session, board->oncologist, "chair");
  g_free (json);
  json = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"chair\"}",
                       board->oncologist);
  chair_twice = request (server, "POST", other_roster, json);
  eb_test_assert_problem (chair_twice, 422);
  g_assert_true (eb_test_reply_has_violation (chair_twice, "exclusive-role-overlap", NULL));

  add_roster (server, board->session, board->surgeon, "panelist");
  g_free (json);
  json = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"observer\"}",
                       board->surgeon);
  panelist_twice = request (server, "POST", other_roster, json);
  assert_reply (panelist_twice, 201);
  warnings = json_object_get_array_member (eb_test_reply_object (panelist_twice), "warnings");
  g_assert_cmpuint (json_array_get_length (warnings), >=, 1);
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (warnings, 0), "rule"), ==,
      "role-overlap");
  g_assert_nonnull (
      json_object_get_string_member (json_array_get_object_element (warnings, 0), "detail"));
}

/* --- agenda --- */

static EbTestReply *
add_item (EbTestServer *server, EbId session, EbId site, EbId presenter, const char *summary,
          gint minutes)
{
  g_autofree char *path = session_path (session, "/agenda");
  g_autofree char *json = eb_test_json (
      "{\"presenting_site_id\": %" G_GINT64_FORMAT ", \"presenter_id\": %" G_GINT64_FORMAT
      ", \"summary\": \"%s\", \"question\": \"Surgery or SBRT?\", "
      "\"minutes\": %d}",
      site, presenter, summary, minutes);

  return request (server, "POST", path, json);
}

static void
test_agenda (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *agenda = session_path (board->session, "/agenda");
  g_autofree char *order = session_path (board->session, "/agenda/order");
  g_autofree char *first_path = NULL;
  g_autofree char *order_json = NULL;
  g_autoptr (EbTestReply) not_on_roster = NULL;
  g_autoptr (EbTestReply) first = NULL;
  g_autoptr (EbTestReply) second = NULL;
  g_autoptr (EbTestReply) reordered = NULL;
  g_autoptr (EbTestReply) listed = NULL;
  g_autoptr (EbTestReply) patched = NULL;
  g_autoptr (EbTestReply) got = NULL;
  g_autoptr (EbTestReply) deleted = NULL;
  g_autoptr (EbTestReply) after = NULL;
  g_autoptr (EbTestReply) incomplete = NULL;
  g_autoptr (EbTestReply) too_long = NULL;
  JsonObject *item;
  JsonArray *items;
  EbId first_id, second_id;

  not_on_roster = add_item (server, board->session, board->hub, board->surgeon, "A mass.", 10);
  eb_test_assert_problem (not_on_roster, 422);
  g_assert_true (eb_test_reply_has_violation (not_on_roster, "presenter-not-on-roster", NULL));

  add_roster (server, board->session, board->surgeon, "presenter");
  first = add_item (server, board->session, board->hub, board->surgeon,
                    "64-year-old with a 3 cm right upper lobe mass.", 10);
  assert_reply (first, 201);
  item = eb_test_reply_object (first);
  assert_etag (first, item);
  first_id = member_int (item, "id");
  first_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, agenda, first_id);
  g_assert_cmpstr (eb_test_reply_header (first, "Location"), ==, first_path);
  g_assert_cmpint (member_int (item, "session_id"), ==, board->session);
  g_assert_cmpint (member_int (item, "position"), ==, 1);
  g_assert_cmpint (member_int (item, "presenting_site_id"), ==, board->hub);
  g_assert_cmpint (member_int (item, "presenter_id"), ==, board->surgeon);
  g_assert_cmpstr (member_string (item, "question"), ==, "Surgery or SBRT?");
  g_assert_cmpint (member_int (item, "minutes"), ==, 10);
  g_assert_cmpstr (member_string (item, "kind"), ==, "prospective");
  g_assert_cmpstr (member_string (item, "status"), ==, "pending");
  g_assert_null (member_string (item, "recommendation"));

  second = add_item (server, board->session, board->hub, board->surgeon, "Second case.", 20);
  assert_reply (second, 201);
  second_id = member_int (eb_test_reply_object (second), "id");
  g_assert_cmpint (member_int (eb_test_reply_object (second), "position"), ==, 2);

  order_json = eb_test_json ("{\"item_ids\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]}",
                             second_id, first_id);
  reordered = request (server, "POST", order, order_json);
  assert_reply (reordered, 200);
  items = json_object_get_array_member (eb_test_reply_object (reordered), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  g_assert_cmpint (member_int (json_array_get_object_element (items, 0), "id"), ==, second_id);
  g_assert_cmpint (member_int (json_array_get_object_element (items, 0), "position"), ==, 1);
  g_assert_cmpint (member_int (json_array_get_object_element (items, 1), "position"), ==, 2);
  incomplete = request (server, "POST", order, "{\"item_ids\": [1]}");
  eb_test_assert_problem (incomplete, 400);
  assert_invalid (server, "POST", order, "{\"item_ids\": [\"1\", 2]}", "invalid-field", "item_ids");
  assert_invalid (server, "POST", order, "{}", "missing-field", "item_ids");

  listed = request (server, "GET", agenda, NULL);
  items = json_object_get_array_member (eb_test_reply_object (listed), "items");
  g_assert_cmpint (member_int (json_array_get_object_element (items, 0), "id"), ==, second_id);
  g_assert_cmpint (member_int (eb_test_reply_object (listed), "total"), ==, 2);

  patched
      = request (server, "PATCH", first_path,
                 "{\"minutes\": 15, \"kind\": \"retrospective\", \"recommendation\": \"SBRT\"}");
  assert_reply (patched, 200);
  item = eb_test_reply_object (patched);
  g_assert_cmpint (member_int (item, "minutes"), ==, 15);
  g_assert_cmpstr (member_string (item, "kind"), ==, "retrospective");
  g_assert_cmpstr (member_string (item, "recommendation"), ==, "SBRT");
  g_assert_cmpstr (member_string (item, "summary"), ==,
                   "64-year-old with a 3 cm right upper lobe mass.");
  assert_invalid (server, "PATCH", first_path, "{\"position\": 1}", "read-only-field", "position");
  assert_invalid (server, "PATCH", first_path, "{\"kind\": \"urgent\"}", "invalid-field", "kind");
  got = request (server, "GET", first_path, NULL);
  assert_reply (got, 200);
  assert_etag (got, eb_test_reply_object (got));

  /* 35 agenda minutes do not fit a 30-minute session. */
  {
    g_autofree char *path = session_path (board->session, "");
    g_autofree char *schedule = session_path (board->session, "/schedule");
    g_autoptr (EbTestReply) shorter = request (server, "PATCH", path, "{\"duration_minutes\": 30}");

    assert_reply (shorter, 200);
    too_long = request (server, "POST", schedule, NULL);
    eb_test_assert_problem (too_long, 422);
    g_assert_true (eb_test_reply_has_violation (too_long, "agenda-exceeds-duration", NULL));
    g_assert_true (eb_test_reply_has_violation (too_long, "schedule-requires-chair", NULL));
  }

  deleted = request (server, "DELETE", first_path, NULL);
  assert_reply (deleted, 204);
  after = request (server, "GET", agenda, NULL);
  g_assert_cmpint (member_int (eb_test_reply_object (after), "total"), ==, 1);
}

/* The de-identification guard names the rule, the field and the span. */
static void
test_deid (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  const char *summary = "Seen in clinic, MRN 1234567, with a lung mass.";
  const char *two = "SSN 123-45-6789; reach her at jane.doe@example.com.";
  g_autoptr (EbTestReply) mrn = NULL;
  g_autoptr (EbTestReply) both = NULL;
  JsonArray *violations;
  JsonObject *violation;
  JsonArray *span;
  gint64 start, end;
  g_autofree char *offending = NULL;

  add_roster (server, board->session, board->surgeon, "presenter");
  mrn = add_item (server, board->session, board->hub, board->surgeon, summary, 10);
  eb_test_assert_problem (mrn, 422);
  violations = json_object_get_array_member (eb_test_reply_object (mrn), "violations");
  g_assert_cmpuint (json_array_get_length (violations), ==, 1);
  violation = json_array_get_object_element (violations, 0);
  g_assert_cmpstr (member_string (violation, "rule"), ==, "deid-mrn");
  g_assert_cmpstr (member_string (violation, "field"), ==, "summary");
  span = json_object_get_array_member (violation, "span");
  g_assert_cmpuint (json_array_get_length (span), ==, 2);
  start = json_array_get_int_element (span, 0);
  end = json_array_get_int_element (span, 1);
  g_assert_cmpint (start, >=, 0);
  g_assert_cmpint (end, >, start);
  g_assert_cmpint (end, <=, (gint64)strlen (summary));
  offending = g_strndup (summary + start, end - start);
  g_assert_nonnull (strstr (offending, "1234567"));

  both = add_item (server, board->session, board->hub, board->surgeon, two, 10);
  eb_test_assert_problem (both, 422);
  g_assert_true (eb_test_reply_has_violation (both, "deid-ssn", "summary"));
  g_assert_true (eb_test_reply_has_violation (both, "deid-email", "summary"));
  {
    g_autofree char *agenda = session_path (board->session, "/agenda");
    g_autoptr (EbTestReply) none = request (server, "GET", agenda, NULL);

    g_assert_cmpint (member_int (eb_test_reply_object (none), "total"), ==, 0);
  }
}

/* --- quorum and calendars --- */

static void
test_quorum (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *quorum = session_path (board->session, "/quorum");
  g_autofree char *entry_path = NULL;
  g_autoptr (EbTestReply) before = NULL;
  g_autoptr (EbTestReply) accepted = NULL;
  g_autoptr (EbTestReply) after = NULL;
  JsonObject *report;
  JsonArray *covered;
  EbId entry;

  entry = add_roster (server, board->session, board->oncologist, "chair");
  add_roster (server, board->session, board->surgeon, "panelist");
  before = request (server, "GET", quorum, NULL);
  assert_reply (before, 200);
  report = eb_test_reply_object (before);
  g_assert_cmpint (member_int (report, "session_id"), ==, board->session);
  g_assert_false (json_object_get_boolean_member (report, "met"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "required")), ==,
                    5);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "covered")), ==,
                    0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "missing")), ==,
                    5);

  entry_path = session_path (board->session, "");
  {
    g_autofree char *path = g_strdup_printf ("%s/roster/%" G_GINT64_FORMAT, entry_path, entry);

    accepted = request (server, "PATCH", path, "{\"status\": \"accepted\"}");
    assert_reply (accepted, 200);
  }
  after = request (server, "GET", quorum, NULL);
  report = eb_test_reply_object (after);
  covered = json_object_get_array_member (report, "covered");
  g_assert_cmpuint (json_array_get_length (covered), ==, 1);
  g_assert_cmpstr (member_string (json_array_get_object_element (covered, 0), "specialty"), ==,
                   "medical_oncology");
  g_assert_cmpint (
      json_array_get_int_element (
          json_object_get_array_member (json_array_get_object_element (covered, 0), "person_ids"),
          0),
      ==, board->oncologist);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "missing")), ==,
                    4);
}

static void
test_calendars (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *invitation = session_path (board->session, "/invitation.ics");
  g_autofree char *feed
      = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT "/calendar.ics", board->oncologist);
  g_autoptr (EbTestReply) ics = NULL;
  g_autoptr (EbTestReply) person = NULL;
  g_autoptr (EbTestReply) missing = NULL;

  add_roster (server, board->session, board->oncologist, "chair");
  ics = request (server, "GET", invitation, NULL);
  assert_reply (ics, 200);
  g_assert_cmpstr (eb_test_reply_header (ics, "Content-Type"), ==, "text/calendar; charset=utf-8");
  g_assert_true (g_str_has_prefix (eb_test_reply_text (ics), "BEGIN:VCALENDAR"));
  g_assert_nonnull (strstr (eb_test_reply_text (ics), "RRULE:FREQ=WEEKLY"));
  g_assert_nonnull (strstr (eb_test_reply_text (ics), "ROLE=CHAIR"));

  person = request (server, "GET", feed, NULL);
  assert_reply (person, 200);
  g_assert_cmpstr (eb_test_reply_header (person, "Content-Type"), ==,
                   "text/calendar; charset=utf-8");
  g_assert_nonnull (strstr (eb_test_reply_text (person), "BEGIN:VEVENT"));

  missing = request (server, "GET", "/api/v1/sessions/999/invitation.ics", NULL);
  eb_test_assert_problem (missing, 404);
}

/* --- tokens --- */

static void
test_tokens (Board *board, gconstpointer data)
{
  EbTestServer *server = board->server;
  g_autofree char *json = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *path = NULL;
  g_autoptr (EbTestReply) created = NULL;
  g_autoptr (EbTestReply) list = NULL;
  g_autoptr (EbTestReply) got = NULL;
  g_autoptr (EbTestReply) whoami = NULL;
  g_autoptr (EbTestReply) revoked = NULL;
  g_autoptr (EbTestReply) refused = NULL;
  g_autoptr (EbTestReply) after = NULL;
  g_autoptr (EbTestReply) filtered = NULL;
  JsonObject *token;
  JsonArray *items;
  EbId id;

  json = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"coordinator\", "
                       "\"label\": \"laptop\", \"expires_at\": \"2099-01-01T00:00:00Z\"}",
                       board->surgeon);
  created = request (server, "POST", "/api/v1/tokens", json);
  assert_reply (created, 201);
  token = eb_test_reply_object (created);
  id = member_int (token, "id");
  path = g_strdup_printf ("/api/v1/tokens/%" G_GINT64_FORMAT, id);
  g_assert_cmpstr (eb_test_reply_header (created, "Location"), ==, path);
  secret = g_strdup (member_string (token, "secret"));
  g_assert_true (eb_token_secret_is_well_formed (secret));
  g_assert_cmpstr (member_string (token, "hint"), ==, secret + strlen (secret) - 4);
  g_assert_cmpint (member_int (token, "person_id"), ==, board->surgeon);
  g_assert_cmpstr (member_string (token, "role"), ==, "coordinator");
  g_assert_cmpstr (member_string (token, "label"), ==, "laptop");
  g_assert_cmpstr (member_string (token, "expires_at"), ==, "2099-01-01T00:00:00Z");
  g_assert_null (member_string (token, "revoked_at"));
  g_assert_nonnull (member_string (token, "created_at"));

  list = request (server, "GET", "/api/v1/tokens", NULL);
  assert_reply (list, 200);
  g_assert_cmpint (member_int (eb_test_reply_object (list), "total"), ==, 2);
  items = json_object_get_array_member (eb_test_reply_object (list), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_false (json_object_has_member (json_array_get_object_element (items, i), "secret"));
  g_assert_null (strstr (eb_test_reply_text (list), secret));
  {
    g_autofree char *query
        = g_strdup_printf ("/api/v1/tokens?person_id=%" G_GINT64_FORMAT, board->surgeon);

    filtered = request (server, "GET", query, NULL);
    g_assert_cmpint (member_int (eb_test_reply_object (filtered), "total"), ==, 1);
  }

  got = request (server, "GET", path, NULL);
  assert_reply (got, 200);
  g_assert_false (json_object_has_member (eb_test_reply_object (got), "secret"));

  whoami = eb_test_request (server, "GET", "/api/v1/whoami", secret, NULL);
  assert_reply (whoami, 200);
  g_assert_cmpint (member_int (eb_test_reply_object (whoami), "token_id"), ==, id);
  g_assert_cmpint (member_int (eb_test_reply_object (whoami), "person_id"), ==, board->surgeon);
  g_assert_cmpstr (member_string (eb_test_reply_object (whoami), "role"), ==, "coordinator");

  revoked = request (server, "DELETE", path, NULL);
  assert_reply (revoked, 204);
  refused = eb_test_request (server, "GET", "/api/v1/whoami", secret, NULL);
  eb_test_assert_problem (refused, 401);
  after = request (server, "GET", path, NULL);
  g_assert_nonnull (member_string (eb_test_reply_object (after), "revoked_at"));
}

/* --- Idempotency-Key --- */

static void
test_idempotency (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  const char *site = "{\"name\": \"Hub\", \"code\": \"HUB\", \"timezone\": \"UTC\", "
                     "\"status\": \"active\", \"is_hub\": true}";
  g_autofree char *long_key = g_strnfill (256, 'k');
  g_autoptr (EbTestReply) first = NULL;
  g_autoptr (EbTestReply) replay = NULL;
  g_autoptr (EbTestReply) reused = NULL;
  g_autoptr (EbTestReply) other_path = NULL;
  g_autoptr (EbTestReply) list = NULL;
  g_autoptr (EbTestReply) failed = NULL;
  g_autoptr (EbTestReply) fixed = NULL;
  g_autoptr (EbTestReply) bad_key = NULL;
  g_autoptr (EbTestReply) token_first = NULL;
  g_autoptr (EbTestReply) token_replay = NULL;
  g_autoptr (EbTestReply) tokens = NULL;
  g_autoptr (EbTestReply) other_token = NULL;
  g_autofree char *second_admin = NULL;

  first = request_with (server, "POST", "/api/v1/sites", site, "Idempotency-Key", "key-1");
  assert_reply (first, 201);
  replay = request_with (server, "POST", "/api/v1/sites", site, "Idempotency-Key", "key-1");
  assert_reply (replay, 201);
  g_assert_cmpstr (eb_test_reply_text (replay), ==, eb_test_reply_text (first));
  g_assert_cmpstr (eb_test_reply_header (replay, "Location"), ==,
                   eb_test_reply_header (first, "Location"));
  g_assert_cmpstr (eb_test_reply_header (replay, "ETag"), ==, eb_test_reply_header (first, "ETag"));
  g_assert_cmpstr (eb_test_reply_header (replay, "Content-Type"), ==, "application/json");
  list = request (server, "GET", "/api/v1/sites", NULL);
  g_assert_cmpint (member_int (eb_test_reply_object (list), "total"), ==, 1);

  reused = request_with (server, "POST", "/api/v1/sites",
                         "{\"name\": \"Other\", \"code\": \"OTH\", \"timezone\": \"UTC\"}",
                         "Idempotency-Key", "key-1");
  eb_test_assert_problem (reused, 422);
  g_assert_true (eb_test_reply_has_violation (reused, "idempotency-key-reused", NULL));
  /* The same key and body on another route is another request. */
  other_path = request_with (server, "POST", "/api/v1/people", site, "Idempotency-Key", "key-1");
  eb_test_assert_problem (other_path, 422);

  /* Failures are not remembered: the corrected retry runs. */
  failed = request_with (server, "POST", "/api/v1/people",
                         "{\"name\": \"Ann\", \"email\": \"ann@x.y\", \"specialty\": \"surgery\"}",
                         "Idempotency-Key", "key-2");
  eb_test_assert_problem (failed, 400);
  fixed = request_with (server, "POST", "/api/v1/people",
                        "{\"name\": \"Ann\", \"email\": \"ann@x.y\", \"specialty\": \"surgery\", "
                        "\"home_site_id\": 1}",
                        "Idempotency-Key", "key-2");
  assert_reply (fixed, 201);

  bad_key = request_with (server, "POST", "/api/v1/sites", site, "Idempotency-Key", long_key);
  eb_test_assert_problem (bad_key, 400);
  g_assert_true (eb_test_reply_has_violation (bad_key, "invalid-field", "Idempotency-Key"));

  /* A key belongs to its token. */
  second_admin = eb_test_server_token (server, EB_ROLE_ADMIN, 0);
  {
    const char *headers[] = { "Idempotency-Key", "key-1", NULL };
    const char *json = "{\"name\": \"Two\", \"code\": \"TWO\", \"timezone\": \"UTC\"}";
    g_autoptr (GBytes) body = g_bytes_new_static (json, strlen (json));

    other_token = eb_test_request_full (server, "POST", "/api/v1/sites", second_admin,
                                        "application/json", body, headers, FALSE);
    assert_reply (other_token, 201);
  }

  /* A replayed token creation never shows the secret again. */
  token_first = request_with (server, "POST", "/api/v1/tokens",
                              "{\"person_id\": 1, \"role\": \"reviewer\", \"label\": \"r\"}",
                              "Idempotency-Key", "key-3");
  assert_reply (token_first, 201);
  g_assert_nonnull (member_string (eb_test_reply_object (token_first), "secret"));
  token_replay = request_with (server, "POST", "/api/v1/tokens",
                               "{\"person_id\": 1, \"role\": \"reviewer\", \"label\": \"r\"}",
                               "Idempotency-Key", "key-3");
  assert_reply (token_replay, 201);
  g_assert_false (json_object_has_member (eb_test_reply_object (token_replay), "secret"));
  g_assert_cmpint (member_int (eb_test_reply_object (token_replay), "id"), ==,
                   member_int (eb_test_reply_object (token_first), "id"));
  g_assert_cmpstr (eb_test_reply_header (token_replay, "Location"), ==,
                   eb_test_reply_header (token_first, "Location"));
  tokens = request (server, "GET", "/api/v1/tokens", NULL);
  g_assert_cmpint (member_int (eb_test_reply_object (tokens), "total"), ==, 3);
}

/* --- pagination --- */

static void
test_pagination (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  static const char *const bad[] = {
    "?limit=0", "?limit=501", "?limit=abc", "?offset=-1", "?offset=1.5", "?limit=", "?offset=x",
  };
  static const struct
  {
    const char *query;
    gint64 offset;
    gint64 limit;
    guint items;
  } windows[] = {
    { "", 0, 50, 7 },
    { "?limit=3", 0, 3, 3 },
    { "?offset=3&limit=3", 3, 3, 3 },
    { "?offset=6&limit=3", 6, 3, 1 },
    { "?offset=10", 10, 50, 0 },
    { "?limit=500", 0, 500, 7 },
  };
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  static gint64 ids[7];

  create_site (server, "HUB", "active", TRUE);
  for (guint i = 1; i < 7; i++)
    {
      g_autofree char *code = g_strdup_printf ("S%u", i);

      create_site (server, code, "applicant", FALSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (windows); i++)
    {
      g_autofree char *path = g_strconcat ("/api/v1/sites", windows[i].query, NULL);
      g_autoptr (EbTestReply) reply = request (server, "GET", path, NULL);
      JsonObject *page;
      JsonArray *items;

      assert_reply (reply, 200);
      page = eb_test_reply_object (reply);
      items = json_object_get_array_member (page, "items");
      g_assert_cmpint (member_int (page, "total"), ==, 7);
      g_assert_cmpint (member_int (page, "offset"), ==, windows[i].offset);
      g_assert_cmpint (member_int (page, "limit"), ==, windows[i].limit);
      g_assert_cmpuint (json_array_get_length (items), ==, windows[i].items);
      if (windows[i].limit == 3)
        {
          for (guint j = 0; j < json_array_get_length (items); j++)
            {
              gint64 *id = &ids[windows[i].offset + j];

              *id = member_int (json_array_get_object_element (items, j), "id");
              /* Windows do not overlap. */
              g_assert_true (g_hash_table_add (seen, id));
            }
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 7);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strconcat ("/api/v1/sites", bad[i], NULL);
      g_autoptr (EbTestReply) reply = request (server, "GET", path, NULL);

      g_test_message ("GET %s", path);
      eb_test_assert_problem (reply, 400);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/api/resources/specialties", test_specialties);
  g_test_add_func ("/eboard/api/resources/sites", test_sites);
  g_test_add_func ("/eboard/api/resources/decoding", test_decoding);
  g_test_add_func ("/eboard/api/resources/people", test_people);
  g_test_add ("/eboard/api/resources/sessions", Board, NULL, board_setup, test_sessions,
              board_teardown);
  g_test_add ("/eboard/api/resources/session-states", Board, NULL, board_setup, test_session_states,
              board_teardown);
  g_test_add ("/eboard/api/resources/if-match", Board, NULL, board_setup, test_if_match,
              board_teardown);
  g_test_add ("/eboard/api/resources/occurrences", Board, NULL, board_setup, test_occurrences,
              board_teardown);
  g_test_add ("/eboard/api/resources/roster", Board, NULL, board_setup, test_roster,
              board_teardown);
  g_test_add ("/eboard/api/resources/roster-rules", Board, NULL, board_setup, test_roster_rules,
              board_teardown);
  g_test_add ("/eboard/api/resources/agenda", Board, NULL, board_setup, test_agenda,
              board_teardown);
  g_test_add ("/eboard/api/resources/deid", Board, NULL, board_setup, test_deid, board_teardown);
  g_test_add ("/eboard/api/resources/quorum", Board, NULL, board_setup, test_quorum,
              board_teardown);
  g_test_add ("/eboard/api/resources/calendars", Board, NULL, board_setup, test_calendars,
              board_teardown);
  g_test_add ("/eboard/api/resources/tokens", Board, NULL, board_setup, test_tokens,
              board_teardown);
  g_test_add_func ("/eboard/api/resources/idempotency", test_idempotency);
  g_test_add_func ("/eboard/api/resources/pagination", test_pagination);
  return g_test_run ();
}
