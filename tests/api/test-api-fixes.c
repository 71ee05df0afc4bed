/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <sqlite3.h>

#include "eb-test-server.h"

/*
 * Answers the API owes its clients beyond the first check: the warnings
 * of a session PATCH, the scheduling rules of a scheduled session, 401
 * for tokens of inactive people, 409 for the last admin token, the
 * window of a moved occurrence, and a 500 when an Idempotency-Key's
 * answer cannot be remembered.
 */

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

static EbId
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

static EbId
create_site (EbTestServer *server, const char *code, gboolean hub)
{
  g_autofree char *json = eb_test_json ("{\"name\": \"Site %s\", \"code\": \"%s\", "
                                        "\"timezone\": \"UTC\", \"status\": \"active\", "
                                        "\"is_hub\": %s}",
                                        code, code, hub ? "true" : "false");

  return create (server, "/api/v1/sites", json);
}

static EbId
create_person (EbTestServer *server, EbId site, const char *name)
{
  g_autofree char *json
      = eb_test_json ("{\"name\": \"%s\", \"email\": \"%s@x.invalid\", "
                      "\"specialty\": \"surgery\", \"home_site_id\": %" G_GINT64_FORMAT "}",
                      name, name, site);

  return create (server, "/api/v1/people", json);
}

static EbId
create_session (EbTestServer *server, EbId site, const char *start, gint minutes,
                const char *recurrence)
{
  g_autofree char *json
      = eb_test_json ("{\"title\": \"Board\", \"host_site_id\": %" G_GINT64_FORMAT
                      ", \"start\": \"%s\", \"duration_minutes\": %d, \"timezone\": \"UTC\", "
                      "\"recurrence\": %s}",
                      site, start, minutes, recurrence != NULL ? recurrence : "null");

  return create (server, "/api/v1/sessions", json);
}

static EbId
add_to_roster (EbTestServer *server, EbId session, EbId person, const char *role)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster", session);
  g_autofree char *json
      = eb_test_json ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"%s\"}", person, role);

  return create (server, path, json);
}

/* --- PATCH /sessions/{id} answers its warnings --- */

static void
test_session_patch_warnings (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  EbId hub = create_site (server, "HUB", TRUE);
  EbId panelist = create_person (server, hub, "panelist");
  EbId first = create_session (server, hub, "2026-06-02T10:00:00Z", 60, NULL);
  EbId second = create_session (server, hub, "2026-06-02T12:00:00Z", 60, NULL);
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, second);
  g_autofree char *etag = NULL;
  g_autoptr (EbTestReply) moved = NULL;
  g_autoptr (EbTestReply) renamed = NULL;
  g_autoptr (EbTestReply) echoed = NULL;
  JsonObject *object;
  JsonArray *warnings;
  JsonObject *warning;

  add_to_roster (server, first, panelist, "panelist");
  add_to_roster (server, second, panelist, "panelist");

  /* new times overlapping the panelist's other session: a warning */
  moved = request (server, "PATCH", path, "{\"start\": \"2026-06-02T10:30:00Z\"}");
  assert_reply (moved, 200);
  object = eb_test_reply_object (moved);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, second);
  g_assert_cmpstr (json_object_get_string_member (object, "start"), ==, "2026-06-02T10:30:00Z");
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                          json_object_get_int_member (object, "version"));
  g_assert_cmpstr (eb_test_reply_header (moved, "ETag"), ==, etag);
  g_assert_true (json_object_has_member (object, "warnings"));
  warnings = json_object_get_array_member (object, "warnings");
  g_assert_cmpuint (json_array_get_length (warnings), ==, 1);
  warning = json_array_get_object_element (warnings, 0);
  g_assert_cmpstr (json_object_get_string_member (warning, "rule"), ==, "role-overlap");
  g_assert_cmpstr (json_object_get_string_member (warning, "field"), ==, "person_id");

  /* no overlap bent: an empty list */
  renamed = request (server, "PATCH", path, "{\"title\": \"Renamed board\"}");
  assert_reply (renamed, 200);
  object = eb_test_reply_object (renamed);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Renamed board");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "warnings")), ==,
                    0);

  /* the member is read-only */
  echoed = request (server, "PATCH", path, "{\"title\": \"Again\", \"warnings\": []}");
  eb_test_assert_problem (echoed, 400);
  g_assert_true (eb_test_reply_has_violation (echoed, "read-only-field", "warnings"));
}

/* --- a scheduled session keeps its chair and its agenda's length --- */

static void
test_scheduled_rules (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  EbId hub = create_site (server, "HUB", TRUE);
  EbId chair = create_person (server, hub, "chair");
  EbId presenter = create_person (server, hub, "presenter");
  EbId session = create_session (server, hub, "2026-06-02T10:00:00Z", 60, NULL);
  EbId chair_entry = add_to_roster (server, session, chair, "chair");
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, session);
  g_autofree char *agenda = g_strdup_printf ("%s/agenda", path);
  g_autofree char *schedule = g_strdup_printf ("%s/schedule", path);
  g_autofree char *entry_path = NULL;
  g_autofree char *item = NULL;
  g_autoptr (EbTestReply) scheduled = NULL;
  g_autoptr (EbTestReply) shrunk = NULL;
  g_autoptr (EbTestReply) removed = NULL;
  g_autoptr (EbTestReply) demoted = NULL;
  g_autoptr (EbTestReply) added = NULL;

  add_to_roster (server, session, presenter, "presenter");
  item = eb_test_json ("{\"presenting_site_id\": %" G_GINT64_FORMAT
                       ", \"presenter_id\": %" G_GINT64_FORMAT
                       ", \"summary\": \"Pancreatic head mass.\", \"question\": \"Resect?\", "
                       "\"minutes\": 45}",
                       hub, presenter);
  create (server, agenda, item);
  scheduled = request (server, "POST", schedule, NULL);
  assert_reply (scheduled, 200);

  shrunk = request (server, "PATCH", path, "{\"duration_minutes\": 30}");
  eb_test_assert_problem (shrunk, 422);
  g_assert_true (eb_test_reply_has_violation (shrunk, "agenda-exceeds-duration", NULL));

  added = request (server, "POST", agenda, item);
  eb_test_assert_problem (added, 422);
  g_assert_true (eb_test_reply_has_violation (added, "agenda-exceeds-duration", NULL));

  entry_path = g_strdup_printf ("%s/roster/%" G_GINT64_FORMAT, path, chair_entry);
  demoted = request (server, "PATCH", entry_path, "{\"role\": \"panelist\"}");
  eb_test_assert_problem (demoted, 422);
  g_assert_true (eb_test_reply_has_violation (demoted, "schedule-requires-chair", NULL));
  removed = request (server, "DELETE", entry_path, NULL);
  eb_test_assert_problem (removed, 422);
  g_assert_true (eb_test_reply_has_violation (removed, "schedule-requires-chair", NULL));
}

/* --- tokens of inactive people answer 401 --- */

static void
test_inactive_person_token (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autofree char *secret = eb_test_server_token (server, EB_ROLE_COORDINATOR, 0);
  g_autoptr (EbTestReply) before = NULL;
  g_autoptr (EbTestReply) deactivated = NULL;
  g_autoptr (EbTestReply) after = NULL;
  g_autofree char *person_path = NULL;
  EbId person;

  before = eb_test_request (server, "GET", "/api/v1/whoami", secret, NULL);
  assert_reply (before, 200);
  person = json_object_get_int_member (eb_test_reply_object (before), "person_id");
  g_assert_cmpint (person, >, 0);

  person_path = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT, person);
  deactivated = request (server, "PATCH", person_path, "{\"active\": false}");
  assert_reply (deactivated, 200);

  after = eb_test_request (server, "GET", "/api/v1/whoami", secret, NULL);
  eb_test_assert_problem (after, 401);
  g_assert_nonnull (eb_test_reply_header (after, "WWW-Authenticate"));
}

/* --- the last admin token cannot be revoked --- */

static void
test_last_admin_token (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autofree char *path
      = g_strdup_printf ("/api/v1/tokens/%" G_GINT64_FORMAT, server->admin.token_id);
  g_autoptr (EbTestReply) refused = NULL;
  g_autoptr (EbTestReply) still = NULL;
  g_autoptr (EbTestReply) revoked = NULL;
  g_autofree char *second = NULL;

  refused = request (server, "DELETE", path, NULL);
  eb_test_assert_problem (refused, 409);
  still = request (server, "GET", "/api/v1/whoami", NULL);
  assert_reply (still, 200);

  second = eb_test_server_token (server, EB_ROLE_ADMIN, 0);
  revoked = eb_test_request (server, "DELETE", path, second, NULL);
  assert_reply (revoked, 204);
}

/* --- a moved occurrence stays within 366 days --- */

static void
test_move_window (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  EbId hub = create_site (server, "HUB", TRUE);
  EbId session = create_session (server, hub, "2026-06-02T15:00:00Z", 60,
                                 "{\"frequency\": \"weekly\", \"count\": 3}");
  g_autofree char *path
      = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/exceptions", session);
  g_autofree char *ics_path
      = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/invitation.ics", session);
  g_autoptr (EbTestReply) far = NULL;
  g_autoptr (EbTestReply) near = NULL;
  g_autoptr (EbTestReply) ics = NULL;

  far = request (server, "PUT", path,
                 "{\"original_start\": \"2026-06-02T15:00:00Z\", \"cancelled\": false, "
                 "\"new_start\": \"9999-12-31T00:00:00Z\"}");
  eb_test_assert_problem (far, 400);
  g_assert_true (eb_test_reply_has_violation (far, "invalid-field", "new_start"));

  near = request (server, "PUT", path,
                  "{\"original_start\": \"2026-06-02T15:00:00Z\", \"cancelled\": false, "
                  "\"new_start\": \"2026-06-03T15:00:00Z\"}");
  assert_reply (near, 200);
  ics = request (server, "GET", ics_path, NULL);
  assert_reply (ics, 200);
  g_assert_null (strstr (eb_test_reply_text (ics), "00000000T"));
}

/* --- an answer that cannot be remembered is not a success --- */

static void
test_idempotency_unremembered (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  g_autofree char *db_path = g_build_filename (server->dir, "eboard.db", NULL);
  const char *json = "{\"name\": \"North\", \"code\": \"NORTH\", \"timezone\": \"UTC\"}";
  const char *headers[] = { "Idempotency-Key", "site-north", NULL };
  g_autoptr (GBytes) body = g_bytes_new_static (json, strlen (json));
  g_autoptr (EbTestReply) reply = NULL;
  g_autoptr (EbTestReply) sites = NULL;
  const char *detail;
  sqlite3 *db = NULL;
  char *message = NULL;

  /* the database refuses to remember answers, as a full disk would */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TRIGGER refuse_keys BEFORE INSERT ON idempotency_keys "
                                 "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
                                 NULL, NULL, &message),
                   ==, SQLITE_OK);
  g_assert_null (message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  g_test_expect_message ("eboard-api", G_LOG_LEVEL_WARNING, "*could not be remembered*");
  reply = eb_test_request_full (server, "POST", "/api/v1/sites", server->admin_token,
                                "application/json", body, headers, FALSE);
  g_test_assert_expected_messages ();
  eb_test_assert_problem (reply, 500);
  g_assert_null (eb_test_reply_header (reply, "Location"));
  g_assert_null (eb_test_reply_header (reply, "ETag"));
  detail = json_object_get_string_member (eb_test_reply_object (reply), "detail");
  g_assert_nonnull (strstr (detail, "/api/v1/sites/"));

  /* the site was created, as the detail says */
  sites = request (server, "GET", "/api/v1/sites", NULL);
  assert_reply (sites, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (sites), "total"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/api/fixes/session-patch-warnings", test_session_patch_warnings);
  g_test_add_func ("/eboard/api/fixes/scheduled-rules", test_scheduled_rules);
  g_test_add_func ("/eboard/api/fixes/inactive-person-token", test_inactive_person_token);
  g_test_add_func ("/eboard/api/fixes/last-admin-token", test_last_admin_token);
  g_test_add_func ("/eboard/api/fixes/move-window", test_move_window);
  g_test_add_func ("/eboard/api/fixes/idempotency-unremembered", test_idempotency_unremembered);
  return g_test_run ();
}
