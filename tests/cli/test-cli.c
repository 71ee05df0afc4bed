/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <signal.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include <eboard/eb-store.h>

#include "cli-test-utils.h"

/* The real eboardctl against a real eboardd on 127.0.0.1. */

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

  fixture->daemon = eb_test_daemon_start (data_dir, NULL);
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

/* Whether some line of @text matches @pattern (a regex). */
static gboolean
has_line (const char *text, const char *pattern)
{
  return g_regex_match_simple (pattern, text, G_REGEX_MULTILINE, 0);
}

#define assert_line(text, pattern)                                                                 \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (!has_line ((text), (pattern)))                                                             \
      {                                                                                            \
        g_printerr ("%s\n", (text));                                                               \
        g_error ("no line matches /%s/ (text on stderr)", (pattern));                              \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

static JsonObject *
unwrap (JsonNode *root, const char *wrapper)
{
  JsonObject *object;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);
  if (json_object_has_member (object, wrapper)
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, wrapper)))
    return json_object_get_object_member (object, wrapper);
  return object;
}

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* Registers a site and moves it through applicant -> vetted -> active. */
static gint64
create_active_site (Fixture *f, const char *name, const char *code, const char *timezone,
                    gboolean hub)
{
  g_autoptr (EbCtlResult) r = NULL;
  g_autoptr (EbCtlResult) vetted = NULL;
  g_autoptr (EbCtlResult) active = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *id = NULL;
  gint64 site_id;

  if (hub)
    r = eb_test_ctl (f->url, f->admin, "site", "create", "--name", name, "--code", code,
                     "--timezone", timezone, "--hub", "--json", NULL);
  else
    r = eb_test_ctl (f->url, f->admin, "--json", "site", "create", "--name", name, "--code", code,
                     "--timezone", timezone, NULL);
  site_id = eb_ctl_result_id (r);
  root = eb_ctl_result_json (r);
  g_assert_cmpstr (json_object_get_string_member (unwrap (root, "site"), "status"), ==,
                   "applicant");
  g_assert_cmpint (json_object_get_boolean_member (unwrap (root, "site"), "is_hub"), ==, hub);

  id = id_text (site_id);
  vetted = eb_test_ctl (f->url, f->admin, "site", "update", id, "--status", "vetted", NULL);
  eb_assert_ctl_ok (vetted);
  assert_line (vetted->out, "^Status: +vetted$");
  active = eb_test_ctl (f->url, f->admin, "site", "update", id, "--status", "active", NULL);
  eb_assert_ctl_ok (active);
  assert_line (active->out, "^Status: +active$");
  return site_id;
}

static gint64
create_person (Fixture *f, const char *name, const char *email, const char *specialty,
               gint64 site_id)
{
  g_autofree char *site = id_text (site_id);
  g_autoptr (EbCtlResult) r = NULL;

  r = eb_test_ctl (f->url, f->admin, "person", "create", "--name", name, "--email", email,
                   "--specialty", specialty, "--site", site, "--json", NULL);
  return eb_ctl_result_id (r);
}

static gint64
roster_add (Fixture *f, const char *session, gint64 person_id, const char *role)
{
  g_autofree char *person = id_text (person_id);
  g_autoptr (EbCtlResult) r = NULL;
  g_autoptr (JsonNode) root = NULL;

  r = eb_test_ctl (f->url, f->admin, "roster", "add", session, "--person", person, "--role", role,
                   "--status", "accepted", "--json", NULL);
  eb_assert_ctl_ok (r);
  root = eb_ctl_result_json (r);
  g_assert_cmpstr (json_object_get_string_member (unwrap (root, "entry"), "role"), ==, role);
  return eb_ctl_result_id (r);
}

static void
test_coordinator_flow (Fixture *f, gconstpointer data)
{
  g_autoptr (EbCtlResult) r = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *session = NULL, *hub_text = NULL, *member_text = NULL;
  g_autofree char *item1 = NULL, *item2 = NULL, *presenter_text = NULL;
  g_autofree char *ics_path = NULL, *feed_path = NULL, *ics = NULL, *chair_text = NULL;
  g_autofree char *secret = NULL, *token_id = NULL;
  gint64 hub, member, chair, presenter, radonc, path_person, radiology;
  JsonObject *object;
  JsonArray *items;

  /* the bootstrap token is an admin's */
  r = eb_test_ctl (f->url, f->admin, "whoami", NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^Role: +admin$");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* sites: a hub and a member, through the membership life cycle */
  hub = create_active_site (f, "Lakeside Cancer Center", "LCC", "America/New_York", TRUE);
  member = create_active_site (f, "Valley General", "VG-2", "America/Chicago", FALSE);
  hub_text = id_text (hub);
  member_text = id_text (member);

  r = eb_test_ctl (f->url, f->admin, "site", "list", NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^ID +CODE +NAME +STATUS +TIMEZONE +HUB$");
  assert_line (r->out, "^1 +LCC +Lakeside Cancer Center +active +America/New_York +yes$");
  assert_line (r->out, "^2 +VG-2 +Valley General +active +America/Chicago +no$");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* an illegal membership move is the server's 409 */
  r = eb_test_ctl (f->url, f->admin, "site", "update", member_text, "--status", "applicant", NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "409");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* a stale If-Match is a 412 (the site is at version 3 after two moves) */
  r = eb_test_ctl (f->url, f->admin, "site", "update", member_text, "--name", "Valley",
                   "--if-match", "1", NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "412");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* people */
  chair = create_person (f, "Ana Ortiz", "ana.ortiz@lcc.example", "medical_oncology", hub);
  presenter = create_person (f, "Ben Carter", "ben.carter@vg.example", "surgery", member);
  radonc = create_person (f, "Chen Li", "chen.li@lcc.example", "radiation_oncology", hub);
  path_person = create_person (f, "Dana Fox", "dana.fox@vg.example", "pathology", member);
  radiology = create_person (f, "Eli Moss", "eli.moss@lcc.example", "diagnostic_radiology", hub);
  chair_text = id_text (chair);
  presenter_text = id_text (presenter);

  r = eb_test_ctl (f->url, f->admin, "person", "list", "--site", member_text, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^ID +NAME +EMAIL +SPECIALTY +SITE +ACTIVE$");
  assert_line (r->out, "Ben Carter +ben.carter@vg.example +surgery +2 +yes$");
  assert_line (r->out, "Dana Fox .* pathology ");
  g_assert_false (has_line (r->out, "Ana Ortiz"));
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "specialty", "list", NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^CODE +LABEL +QUORUM$");
  assert_line (r->out, "^medical_oncology .* yes$");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* a weekly session across the US daylight-saving change (8 March 2026) */
  r = eb_test_ctl (f->url, f->admin, "session", "create", "--title", "GI tumor board", "--focus",
                   "GI", "--host-site", hub_text, "--start", "2026-03-03T09:00", "--duration", "60",
                   "--timezone", "America/New_York", "--weekly", "--count", "10", "--json", NULL);
  session = id_text (eb_ctl_result_id (r));
  root = eb_ctl_result_json (r);
  object = unwrap (root, "session");
  g_assert_cmpstr (json_object_get_string_member (object, "start"), ==, "2026-03-03T14:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "draft");
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (object, "recurrence"), "frequency"),
                   ==, "weekly");
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "session", "show", session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^Start: +2026-03-03 09:00 EST$");
  assert_line (r->out, "^Repeats: +weekly, 10 times$");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "session", "list", NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^ID +TITLE +STATE +START +DURATION +TIMEZONE +REPEATS$");
  assert_line (r->out, "GI tumor board +draft +2026-03-03 09:00 EST +60 min +America/New_York");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* scheduling without a chair breaks a rule: 422 with the rule named */
  r = eb_test_ctl (f->url, f->admin, "session", "schedule", session, NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "422");
  eb_assert_contains (r->err, "schedule-requires-chair");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* roster */
  roster_add (f, session, chair, "chair");
  roster_add (f, session, presenter, "presenter");

  r = eb_test_ctl (f->url, f->admin, "quorum", session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^Quorum NOT met: missing .*radiation_oncology");
  assert_line (r->out, "^SPECIALTY +STATUS +PEOPLE$");
  assert_line (r->out, "^surgery +covered +2$");
  assert_line (r->out, "^pathology +missing +-$");
  g_clear_pointer (&r, eb_ctl_result_free);

  roster_add (f, session, radonc, "panelist");
  roster_add (f, session, path_person, "panelist");
  roster_add (f, session, radiology, "observer");

  r = eb_test_ctl (f->url, f->admin, "roster", "list", session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^ID +PERSON +ROLE +STATUS$");
  assert_line (r->out, "^[0-9]+ +1 +chair +accepted$");
  assert_line (r->out, "^[0-9]+ +5 +observer +accepted$");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "quorum", session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^Quorum met\\.$");
  assert_line (r->out, "^diagnostic_radiology +covered +5$");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* agenda: two cases, then the second first */
  r = eb_test_ctl (f->url, f->admin, "agenda", "add", session, "--presenter", presenter_text,
                   "--site", member_text, "--summary", "67-year-old with a pancreatic head mass",
                   "--question", "Neoadjuvant therapy first?", "--minutes", "20", "--json", NULL);
  item1 = id_text (eb_ctl_result_id (r));
  g_clear_pointer (&r, eb_ctl_result_free);
  r = eb_test_ctl (f->url, f->admin, "agenda", "add", session, "--presenter", presenter_text,
                   "--site", member_text, "--summary", "Rectal cancer after chemoradiation",
                   "--question", "Watch and wait?", "--minutes", "15", "--retrospective", "--json",
                   NULL);
  item2 = id_text (eb_ctl_result_id (r));
  g_clear_pointer (&r, eb_ctl_result_free);

  /* case text with a record number is refused, the span named */
  r = eb_test_ctl (f->url, f->admin, "agenda", "add", session, "--presenter", presenter_text,
                   "--site", member_text, "--summary", "Follow-up, MRN 1234567, for review",
                   "--question", "Next step?", "--minutes", "5", NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "422");
  assert_line (r->err, "deid-mrn: .*span \\[[0-9]+, [0-9]+\\]");
  g_assert_cmpstr (r->out, ==, "");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "agenda", "reorder", session, item2, item1, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^POS +ID +PRESENTER +SITE +MINUTES +KIND +STATUS +SUMMARY$");
  {
    g_autofree char *first = g_strdup_printf ("^1 +%s +2 +2 +15 +retrospective ", item2);
    g_autofree char *second = g_strdup_printf ("^2 +%s +2 +2 +20 +prospective ", item1);

    assert_line (r->out, first);
    assert_line (r->out, second);
  }
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "--json", "agenda", "list", session, NULL);
  eb_assert_ctl_ok (r);
  root = eb_ctl_result_json (r);
  items = json_object_get_array_member (json_node_get_object (root), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "id"), ==,
                   g_ascii_strtoll (item2, NULL, 10));
  g_assert_cmpint (
      json_object_get_int_member (json_array_get_object_element (items, 0), "position"), ==, 1);
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  /* schedule, and a second schedule is an illegal transition */
  r = eb_test_ctl (f->url, f->admin, "session", "schedule", session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^State: +scheduled$");
  g_clear_pointer (&r, eb_ctl_result_free);
  r = eb_test_ctl (f->url, f->admin, "session", "schedule", session, NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "409");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* occurrences keep 09:00 local across the change to daylight time */
  r = eb_test_ctl (f->url, f->admin, "session", "occurrences", session, "--from", "2026-03-01",
                   "--to", "2026-03-20", NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^START +END +NOTE$");
  assert_line (r->out, "^2026-03-03 09:00 EST +2026-03-03 10:00 EST");
  assert_line (r->out, "^2026-03-10 09:00 EDT +2026-03-10 10:00 EDT");
  assert_line (r->out, "^2026-03-17 09:00 EDT");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "session", "skip", session, "--occurrence", "2026-03-17T09:00",
                   NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^Exceptions: +2026-03-17 09:00 EDT cancelled$");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* calendars */
  ics_path = g_build_filename (g_get_user_data_dir (), "session.ics", NULL);
  r = eb_test_ctl (f->url, f->admin, "ics", session, "-o", ics_path, NULL);
  eb_assert_ctl_ok (r);
  g_assert_true (g_file_get_contents (ics_path, &ics, NULL, NULL));
  eb_assert_contains (ics, "BEGIN:VCALENDAR");
  eb_assert_contains (ics, "RRULE:");
  eb_assert_contains (ics, "America/New_York");
  g_clear_pointer (&ics, g_free);
  g_clear_pointer (&r, eb_ctl_result_free);

  feed_path = g_build_filename (g_get_user_data_dir (), "chair.ics", NULL);
  r = eb_test_ctl (f->url, f->admin, "calendar", chair_text, "--output", feed_path, NULL);
  eb_assert_ctl_ok (r);
  g_assert_true (g_file_get_contents (feed_path, &ics, NULL, NULL));
  eb_assert_contains (ics, "BEGIN:VCALENDAR");
  eb_assert_contains (ics, "GI tumor board");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* tokens: a clinician's, used, then revoked */
  r = eb_test_ctl (f->url, f->admin, "token", "create", "--role", "clinician", "--person",
                   chair_text, "--label", "Ana's laptop", "--json", NULL);
  token_id = id_text (eb_ctl_result_id (r));
  root = eb_ctl_result_json (r);
  secret = g_strdup (json_object_get_string_member (json_node_get_object (root), "secret"));
  g_assert_true (g_str_has_prefix (secret, "eb_"));
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, secret, "whoami", "--json", NULL);
  eb_assert_ctl_ok (r);
  root = eb_ctl_result_json (r);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "role"), ==, "clinician");
  g_assert_cmpint (json_object_get_int_member (object, "person_id"), ==, chair);
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  /* a clinician does not write: 403 */
  r = eb_test_ctl (f->url, secret, "site", "create", "--name", "Nope", "--code", "NOPE",
                   "--timezone", "UTC", NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "403");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "token", "list", NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^ID +ROLE +PERSON +LABEL +HINT +CREATED +EXPIRES +REVOKED$");
  assert_line (r->out, "clinician +1 +Ana's laptop +…");
  g_assert_null (strstr (r->out, secret));
  g_assert_null (strstr (r->out, f->admin));
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "token", "revoke", token_id, NULL);
  eb_assert_ctl_ok (r);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, secret, "whoami", NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "401");
  g_assert_null (strstr (r->err, secret));
  g_assert_null (strstr (r->out, secret));
  g_clear_pointer (&r, eb_ctl_result_free);

  /* cancel the session: scheduled -> cancelled */
  r = eb_test_ctl (f->url, f->admin, "session", "cancel", session, "--json", NULL);
  eb_assert_ctl_ok (r);
  root = eb_ctl_result_json (r);
  g_assert_cmpstr (json_object_get_string_member (unwrap (root, "session"), "state"), ==,
                   "cancelled");
}

/* A create retried with the same Idempotency-Key creates once. */
static void
test_idempotent_create (Fixture *f, gconstpointer data)
{
  g_autoptr (EbCtlResult) first = NULL;
  g_autoptr (EbCtlResult) again = NULL;
  g_autoptr (EbCtlResult) other = NULL;
  g_autoptr (EbCtlResult) list = NULL;
  g_autoptr (JsonNode) root = NULL;
  gint64 id;

  first = eb_test_ctl (f->url, f->admin, "site", "create", "--name", "North", "--code", "NORTH",
                       "--timezone", "Europe/Oslo", "--idempotency-key", "retry-1", "--json", NULL);
  id = eb_ctl_result_id (first);
  again = eb_test_ctl (f->url, f->admin, "site", "create", "--name", "North", "--code", "NORTH",
                       "--timezone", "Europe/Oslo", "--idempotency-key", "retry-1", "--json", NULL);
  g_assert_cmpint (eb_ctl_result_id (again), ==, id);

  /* without the key the same request is a second create: a 409 on the code */
  other = eb_test_ctl (f->url, f->admin, "site", "create", "--name", "North", "--code", "NORTH",
                       "--timezone", "Europe/Oslo", NULL);
  g_assert_cmpint (other->status, ==, 1);
  eb_assert_contains (other->err, "409");

  list = eb_test_ctl (f->url, f->admin, "site", "list", "--json", NULL);
  eb_assert_ctl_ok (list);
  root = eb_ctl_result_json (list);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "total"), ==, 1);
}

/* Server, then environment, then the client file; flags win. */
static void
test_client_config (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "eboard", NULL);
  g_autofree char *path = g_build_filename (dir, "eboardctl.conf", NULL);
  g_autofree char *other = g_build_filename (g_get_user_data_dir (), "other.conf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *dead = g_strdup_printf ("http://127.0.0.1:%u", eb_test_unused_port ());
  g_autofree char *env_dead = g_strdup_printf ("EBOARD_SERVER=%s", dead);
  g_autofree char *env_token = g_strdup_printf ("EBOARD_TOKEN=%s", f->admin);
  g_autofree char *env_url = g_strdup_printf ("EBOARD_SERVER=%s", f->url);
  g_autoptr (GError) error = NULL;
  const char *whoami[] = { "whoami", NULL };
  const char *whoami_other[] = { "whoami", "--client-config", other, NULL };
  const char *whoami_missing[]
      = { "whoami", "--client-config", "/nonexistent/eboardctl.conf", NULL };
  const char *whoami_flag[] = { "--server", NULL, "whoami", NULL };

  /* no token anywhere: the server's 401 says so */
  {
    const char *env[] = { env_url, NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (NULL, NULL, whoami, env);

    g_assert_cmpint (r->status, ==, 1);
    eb_assert_contains (r->err, "401");
    eb_assert_contains (r->err, "no token was given");
  }

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  contents = g_strdup_printf ("[client]\nserver=%s\ntoken=%s\n", f->url, f->admin);
  g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  /* the file alone */
  {
    g_autoptr (EbCtlResult) r = eb_test_ctlv (NULL, NULL, whoami, NULL);

    eb_assert_ctl_ok (r);
    assert_line (r->out, "^Role: +admin$");
  }
  /* the environment beats the file */
  {
    const char *env[] = { env_dead, NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (NULL, NULL, whoami, env);

    g_assert_cmpint (r->status, ==, 3);
    eb_assert_contains (r->err, "cannot reach");
    eb_assert_contains (r->err, dead);
  }
  /* the flag beats the environment */
  {
    const char *env[] = { env_dead, env_token, NULL };
    g_autoptr (EbCtlResult) r = NULL;

    whoami_flag[1] = f->url;
    r = eb_test_ctlv (NULL, NULL, whoami_flag, env);
    eb_assert_ctl_ok (r);
  }
  /* --client-config names another file, which must exist */
  {
    g_autofree char *text = g_strdup_printf ("[client]\nserver=%s\n", dead);
    g_autoptr (EbCtlResult) r = NULL;
    g_autoptr (EbCtlResult) missing = NULL;

    g_assert_true (g_file_set_contents (other, text, -1, NULL));
    r = eb_test_ctlv (NULL, NULL, whoami_other, NULL);
    g_assert_cmpint (r->status, ==, 3);
    missing = eb_test_ctlv (NULL, NULL, whoami_missing, NULL);
    g_assert_cmpint (missing->status, ==, 2);
    eb_assert_contains (missing->err, "/nonexistent/eboardctl.conf");
  }
}

/* Usage errors: exit status 2, a message and a hint. */
static void
test_usage_errors (void)
{
  struct
  {
    const char *args[8];
    const char *message;
  } cases[] = {
    { { NULL }, "missing command" },
    { { "frobnicate", NULL }, "unknown command 'frobnicate'" },
    { { "site", NULL }, "missing action" },
    { { "site", "explode", NULL }, "unknown action 'explode'" },
    { { "site", "create", "--name", "X", NULL }, "missing --code" },
    { { "site", "show", NULL }, "missing argument" },
    { { "site", "show", "abc", NULL }, "'abc' is not an id" },
    { { "site", "show", "1", "2", NULL }, "unexpected argument '2'" },
    { { "site", "list", "--frobnicate", NULL }, "--frobnicate" },
    { { "session", "create", "--title", "T", "--focus", "F", NULL }, "missing --host-site" },
    { { "session", "update", "1", NULL }, "nothing to update" },
    { { "--server", "ftp://example", "whoami", NULL }, "not an http:// or https:// URL" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EbCtlResult) r = eb_test_ctlv (NULL, NULL, cases[i].args, NULL);

      g_assert_cmpint (r->status, ==, 2);
      eb_assert_contains (r->err, cases[i].message);
      eb_assert_contains (r->err, "--help");
      g_assert_cmpstr (r->out, ==, "");
    }

  {
    const char *args[] = { "site", "create", "--help", NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (NULL, NULL, args, NULL);

    eb_assert_ctl_ok (r);
    eb_assert_contains (r->out, "eboardctl site create");
    eb_assert_contains (r->out, "--timezone=ZONE");
    eb_assert_contains (r->out, "--idempotency-key");
  }
  {
    const char *args[] = { "--help", NULL };
    g_autoptr (EbCtlResult) r = eb_test_ctlv (NULL, NULL, args, NULL);

    eb_assert_ctl_ok (r);
    assert_line (r->out, "^  agenda reorder SESSION ITEM\\.\\.\\. ");
  }
}

/* Nothing listens: exit status 3 naming the server. */
static void
test_unreachable (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", eb_test_unused_port ());
  g_autoptr (EbCtlResult) r = eb_test_ctl (url, "eb_secret-never-printed", "site", "list", NULL);

  g_assert_cmpint (r->status, ==, 3);
  eb_assert_contains (r->err, "cannot reach ");
  eb_assert_contains (r->err, url);
  g_assert_null (strstr (r->err, "eb_secret-never-printed"));
}

/* Server text reaches the terminal without its control characters: a
 * name stored before the server refused them (written here behind the
 * server's back) is shown with visible escapes, in tables and in fields. */
static void
test_control_characters (Fixture *f, gconstpointer data)
{
  static const char evil[] = "Evil\x1b]0;owned\x07\x1b[2J\xc2\x9b"
                             "31m\tsite";
  g_autoptr (GError) error = NULL;
  g_autofree char *db_path = g_build_filename (f->daemon->data_dir, "eboard.db", NULL);
  g_autoptr (EbStore) store = eb_store_open (db_path, NULL, &error);
  g_autoptr (EbSite) site = eb_site_new ();
  g_autoptr (EbCtlResult) r = NULL;
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  site->name = g_strdup (evil);
  site->code = g_strdup ("EVIL");
  site->timezone = g_strdup ("UTC");
  site->status = EB_SITE_STATUS_ACTIVE;
  g_assert_true (eb_store_site_insert (store, site, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  id = id_text (site->id);

  r = eb_test_ctl (f->url, f->admin, "site", "list", NULL);
  eb_assert_ctl_ok (r);
  g_assert_null (strchr (r->out, '\x1b'));
  g_assert_null (strchr (r->out, '\x07'));
  g_assert_null (strchr (r->out, '\t'));
  g_assert_null (strstr (r->out, "\xc2\x9b"));
  eb_assert_contains (r->out, "Evil\\x1B]0;owned\\x07\\x1B[2J\\u009B31m site");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "site", "show", id, NULL);
  eb_assert_ctl_ok (r);
  g_assert_null (strchr (r->out, '\x1b'));
  g_assert_null (strchr (r->out, '\x07'));
  g_assert_null (strstr (r->out, "\xc2\x9b"));
  assert_line (r->out, "^Name: +Evil\\\\x1B\\]0;owned\\\\x07\\\\x1B\\[2J\\\\u009B31m\tsite$");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* --json leaves the text to the JSON encoding */
  r = eb_test_ctl (f->url, f->admin, "--json", "site", "show", id, NULL);
  eb_assert_ctl_ok (r);
  g_assert_null (strchr (r->out, '\x1b'));
  eb_assert_contains (r->out, "\\u001b[2J");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* and the server refuses new ones */
  r = eb_test_ctl (f->url, f->admin, "site", "create", "--name", "Bad\x1b[2J", "--code", "BAD",
                   "--timezone", "UTC", NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "400");
  eb_assert_contains (r->err, "invalid-field");
  eb_assert_contains (r->err, "control characters");
  g_assert_null (strchr (r->err, '\x1b'));
}

int
main (int argc, char **argv)
{
  eb_test_utils_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/eboard/cli/coordinator-flow", Fixture, NULL, fixture_setup, test_coordinator_flow,
              fixture_teardown);
  g_test_add ("/eboard/cli/idempotent-create", Fixture, NULL, fixture_setup, test_idempotent_create,
              fixture_teardown);
  g_test_add ("/eboard/cli/client-config", Fixture, NULL, fixture_setup, test_client_config,
              fixture_teardown);
  g_test_add ("/eboard/cli/control-characters", Fixture, NULL, fixture_setup,
              test_control_characters, fixture_teardown);
  g_test_add_func ("/eboard/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/eboard/cli/unreachable", test_unreachable);
  return g_test_run ();
}
