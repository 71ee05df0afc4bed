/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <eboard/eb-service.h>

#include "eb-service-test-util.h"

/*
 * Secret calendar feed URLs over a real store: who may create, rotate,
 * show and revoke one, what the secret opens, that every refusal reads
 * the same, that the audit trail records each change, and that no secret
 * reaches a log line. Also: token labels refuse control characters.
 */

typedef struct
{
  char *dir;
  EbStore *store;
  EbService *service;
  EbPrincipal admin;
  EbPrincipal coordinator;
  EbPrincipal reviewer;
  EbPrincipal ana; /* a clinician */
  EbPrincipal ben; /* another clinician */
  EbId hub_id;
  EbId member_id; /* ana's home site */
  EbId ana_id;
  EbId ben_id;
  EbId board_id;   /* ana and ben on the roster */
  EbId other_id;   /* only ben */
  EbId dropped_id; /* ana, cancelled */
} Fixture;

/* Every log line of the program, to prove that no secret reaches one. */
static GString *log_text;

static GLogWriterOutput
record_log_cb (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (strcmp (fields[i].key, "MESSAGE") != 0)
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
assert_not_logged (const char *secret)
{
  g_autofree char *hash = eb_token_hash_secret (secret);

  g_assert_null (strstr (log_text->str, secret));
  g_assert_null (strstr (log_text->str, hash));
}

static EbId
add_person (Fixture *f, EbId site_id, const char *name, const char *specialty)
{
  g_autofree char *email = g_strdup_printf ("%s@example.org", name);

  return eb_service_test_add_person (f->service, &f->coordinator, name, email, specialty, site_id);
}

static EbId
add_session (Fixture *f, const char *title, gint64 start)
{
  g_autoptr (EbSession) input = eb_session_new ();
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  input->title = g_strdup (title);
  input->host_site_id = f->hub_id;
  input->start = start;
  input->duration_minutes = 60;
  input->timezone = g_strdup ("America/Chicago");
  input->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  input->recurrence->count = 4;
  session = eb_service_create_session (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  return session->id;
}

static void
invite (Fixture *f, EbId session_id, EbId person_id, EbRosterRole role)
{
  eb_roster_entry_free (
      eb_service_test_add_entry (f->service, &f->coordinator, session_id, person_id, role, TRUE));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  EbServiceSettings settings = { .public_url = "http://127.0.0.1:9/" };
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) cancelled = NULL;
  g_autoptr (GDateTime) start = g_date_time_new_utc (2026, 3, 3, 15, 0, 0);
  gint64 t = g_date_time_to_unix (start);

  g_string_truncate (log_text, 0);
  f->store = eb_service_test_open_store_in ("eb-service-feeds-XXXXXX", &f->dir);
  f->service = eb_service_new (f->store, &settings);
  f->admin = (EbPrincipal){ .token_id = 1, .person_id = 0, .role = EB_ROLE_ADMIN };
  f->coordinator = (EbPrincipal){ .token_id = 2, .person_id = 0, .role = EB_ROLE_COORDINATOR };
  f->reviewer = (EbPrincipal){ .token_id = 3, .person_id = 0, .role = EB_ROLE_REVIEWER };

  f->hub_id = eb_service_test_add_site (f->service, &f->coordinator, "Hub", "HUB",
                                        "America/Chicago", TRUE);
  f->member_id = eb_service_test_add_site (f->service, &f->coordinator, "Hub", "MEM",
                                           "America/Chicago", FALSE);

  f->ana_id = add_person (f, f->member_id, "ana", "surgery");
  f->ben_id = add_person (f, f->hub_id, "ben", "pathology");
  f->ana = (EbPrincipal){ .token_id = 4, .person_id = f->ana_id, .role = EB_ROLE_CLINICIAN };
  f->ben = (EbPrincipal){ .token_id = 5, .person_id = f->ben_id, .role = EB_ROLE_CLINICIAN };

  f->board_id = add_session (f, "GI tumor board", t);
  invite (f, f->board_id, f->ana_id, EB_ROSTER_ROLE_CHAIR);
  invite (f, f->board_id, f->ben_id, EB_ROSTER_ROLE_PANELIST);
  f->other_id = add_session (f, "Thoracic board", t + 3 * 3600);
  invite (f, f->other_id, f->ben_id, EB_ROSTER_ROLE_CHAIR);
  f->dropped_id = add_session (f, "Dropped board", t + 6 * 3600);
  invite (f, f->dropped_id, f->ana_id, EB_ROSTER_ROLE_PANELIST);
  cancelled = eb_service_transition_session (f->service, &f->coordinator, f->dropped_id,
                                             EB_SESSION_STATE_CANCELLED, 0, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  eb_service_test_close (&f->service, &f->store);
  eb_service_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
create_feed (Fixture *f, const EbPrincipal *who, EbId person_id, gboolean expect_rotated)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbCalendarFeed) feed = NULL;
  char *secret = NULL;
  gboolean rotated = !expect_rotated;

  feed = eb_service_create_calendar_feed (f->service, who, person_id, &secret, &rotated, &error);
  g_assert_no_error (error);
  g_assert_nonnull (feed);
  g_assert_cmpint (feed->person_id, ==, person_id);
  g_assert_cmpint (rotated, ==, expect_rotated);
  g_assert_true (eb_calendar_feed_secret_is_well_formed (secret));
  g_assert_true (g_str_has_prefix (secret, "ebcal_"));
  g_assert_cmpuint (strlen (secret), ==, strlen ("ebcal_") + 43);
  g_assert_true (g_str_has_suffix (secret, feed->hint));
  g_assert_cmpuint (strlen (feed->hint), ==, 4);
  return secret;
}

/* The message every refused feed read gives. */
static char *
refusal (Fixture *f, const char *secret)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  EbId person_id = -1;

  text = eb_service_read_calendar_feed (f->service, secret, &person_id, &error);
  g_assert_null (text);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_assert_cmpint (person_id, ==, -1);
  if (secret != NULL && secret[0] != '\0')
    g_assert_null (strstr (error->message, secret));
  return g_strdup (error->message);
}

static char *
read_feed (Fixture *f, const char *secret, EbId expected_person)
{
  g_autoptr (GError) error = NULL;
  EbId person_id = 0;
  char *text;

  text = eb_service_read_calendar_feed (f->service, secret, &person_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  g_assert_cmpint (person_id, ==, expected_person);
  return text;
}

static GPtrArray *
audit_of (Fixture *f, EbId person_id)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = eb_store_audit_list (f->store, "person", person_id, NULL, NULL, &error);

  g_assert_no_error (error);
  return entries;
}

static void
assert_audit (GPtrArray *entries, guint index, const char *action, const EbPrincipal *who,
              EbId person_id)
{
  const EbAuditEntry *entry;

  g_assert_cmpuint (index, <, entries->len);
  entry = g_ptr_array_index (entries, index);
  g_assert_cmpstr (entry->action, ==, action);
  g_assert_cmpint (entry->token_id, ==, who->token_id);
  g_assert_cmpint (entry->person_id, ==, who->person_id);
  g_assert_cmpstr (entry->object_type, ==, "person");
  g_assert_cmpint (entry->object_id, ==, person_id);
  g_assert_cmpint (entry->at, >, 0);
}

/* The person creates their own feed; it serves their sessions only,
 * without the cancelled one, to the secret alone. */
static void
test_own_feed (Fixture *f, gconstpointer data)
{
  g_autofree char *secret = create_feed (f, &f->ana, f->ana_id, FALSE);
  g_autofree char *text = read_feed (f, secret, f->ana_id);
  g_autoptr (GPtrArray) audit = audit_of (f, f->ana_id);

  g_assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR"));
  g_assert_nonnull (strstr (text, "SUMMARY:GI tumor board"));
  g_assert_nonnull (strstr (text, "RRULE:FREQ=WEEKLY;COUNT=4"));
  g_assert_null (strstr (text, "Thoracic board"));
  g_assert_null (strstr (text, "Dropped board"));
  g_assert_null (strstr (text, secret));

  g_assert_cmpuint (audit->len, ==, 1);
  assert_audit (audit, 0, "calendar-feed.create", &f->ana, f->ana_id);
  assert_not_logged (secret);
}

/* A coordinator rotates it: the old URL stops working at once and reads
 * exactly like a URL that never existed. */
static void
test_rotate (Fixture *f, gconstpointer data)
{
  g_autofree char *first = create_feed (f, &f->ana, f->ana_id, FALSE);
  g_autofree char *second = create_feed (f, &f->coordinator, f->ana_id, TRUE);
  g_autofree char *never = NULL;
  g_autofree char *old = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) audit = audit_of (f, f->ana_id);
  g_autoptr (EbCalendarFeed) shown = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (first, !=, second);
  old = refusal (f, first);
  never = eb_calendar_feed_generate_secret ();
  unknown = refusal (f, never);
  g_assert_cmpstr (old, ==, unknown);
  text = read_feed (f, second, f->ana_id);
  g_assert_nonnull (strstr (text, "SUMMARY:GI tumor board"));

  shown = eb_service_get_calendar_feed (f->service, &f->ana, f->ana_id, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (second, shown->hint));

  g_assert_cmpuint (audit->len, ==, 2);
  assert_audit (audit, 0, "calendar-feed.create", &f->ana, f->ana_id);
  assert_audit (audit, 1, "calendar-feed.rotate", &f->coordinator, f->ana_id);
  assert_not_logged (first);
  assert_not_logged (second);
}

static void
test_revoke (Fixture *f, gconstpointer data)
{
  g_autofree char *secret = create_feed (f, &f->admin, f->ana_id, FALSE);
  g_autofree char *revoked = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *never = eb_calendar_feed_generate_secret ();
  g_autoptr (GPtrArray) audit = NULL;
  g_autoptr (EbCalendarFeed) shown = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (eb_service_revoke_calendar_feed (f->service, &f->ana, f->ana_id, &error));
  g_assert_no_error (error);
  revoked = refusal (f, secret);
  unknown = refusal (f, never);
  g_assert_cmpstr (revoked, ==, unknown);

  shown = eb_service_get_calendar_feed (f->service, &f->ana, f->ana_id, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_assert_null (shown);
  g_clear_error (&error);
  g_assert_false (eb_service_revoke_calendar_feed (f->service, &f->ana, f->ana_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);

  audit = audit_of (f, f->ana_id);
  g_assert_cmpuint (audit->len, ==, 2);
  assert_audit (audit, 0, "calendar-feed.create", &f->admin, f->ana_id);
  assert_audit (audit, 1, "calendar-feed.revoke", &f->ana, f->ana_id);

  /* a new one after the revocation is a creation again */
  {
    g_autofree char *again = create_feed (f, &f->ana, f->ana_id, FALSE);
    g_autofree char *text = read_feed (f, again, f->ana_id);

    g_assert_nonnull (strstr (text, "GI tumor board"));
  }
}

/* Other clinicians and reviewers manage no one's feed; reviewers may see
 * that one exists. Refused attempts change nothing and audit nothing. */
static void
test_roles (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autoptr (EbCalendarFeed) feed = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  g_autofree char *own = NULL;

  feed = eb_service_create_calendar_feed (f->service, &f->ben, f->ana_id, &secret, NULL, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_assert_null (feed);
  g_assert_null (secret);
  g_clear_error (&error);
  feed = eb_service_create_calendar_feed (f->service, &f->reviewer, f->ana_id, &secret, NULL,
                                          &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  audit = audit_of (f, f->ana_id);
  g_assert_cmpuint (audit->len, ==, 0);
  g_clear_pointer (&audit, g_ptr_array_unref);

  own = create_feed (f, &f->ana, f->ana_id, FALSE);
  feed = eb_service_get_calendar_feed (f->service, &f->ben, f->ana_id, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  feed = eb_service_get_calendar_feed (f->service, &f->reviewer, f->ana_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (feed->person_id, ==, f->ana_id);
  g_clear_pointer (&feed, eb_calendar_feed_free);

  g_assert_false (eb_service_revoke_calendar_feed (f->service, &f->ben, f->ana_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (eb_service_revoke_calendar_feed (f->service, &f->reviewer, f->ana_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_free (read_feed (f, own, f->ana_id));

  /* a reviewer (and anyone) manages their own */
  {
    EbPrincipal reviewing_ben = f->ben;
    g_autofree char *bens = NULL;

    reviewing_ben.role = EB_ROLE_REVIEWER;
    bens = create_feed (f, &reviewing_ben, f->ben_id, FALSE);
    g_free (read_feed (f, bens, f->ben_id));
  }

  /* a person who does not exist */
  feed = eb_service_create_calendar_feed (f->service, &f->coordinator, f->ben_id + 100, &secret,
                                          NULL, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  audit = audit_of (f, f->ana_id);
  g_assert_cmpuint (audit->len, ==, 1);
}

/* Malformed, unknown and mistaken secrets all get the same answer. */
static void
test_uniform_refusal (Fixture *f, gconstpointer data)
{
  g_autofree char *secret = create_feed (f, &f->ana, f->ana_id, FALSE);
  g_autofree char *expected = eb_calendar_feed_generate_secret ();
  g_autofree char *reference = refusal (f, expected);
  g_autofree char *token_secret = NULL;
  g_autofree char *truncated = g_strndup (secret, strlen (secret) - 1);
  g_autofree char *longer = g_strconcat (secret, "A", NULL);
  g_autofree char *unprefixed = g_strdup (secret + strlen ("ebcal_"));
  g_autofree char *upper = g_ascii_strup (secret, -1);
  const char *const secrets[] = {
    "", "ebcal_", "ebcal_../../etc/passwd", "ebcal_%00", truncated, longer, unprefixed, upper,
  };

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (EbToken) token = eb_service_create_token (
        f->service, &f->admin, f->ana_id, EB_ROLE_CLINICIAN, "laptop", 0, &token_secret, &error);

    g_assert_no_error (error);
  }

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autofree char *message = refusal (f, secrets[i]);

      g_assert_cmpstr (message, ==, reference);
    }
  {
    g_autofree char *message = refusal (f, token_secret);
    g_autofree char *none = refusal (f, NULL);

    g_assert_cmpstr (message, ==, reference);
    g_assert_cmpstr (none, ==, reference);
  }
  /* and the real one still works */
  g_free (read_feed (f, secret, f->ana_id));
  assert_not_logged (secret);
}

static void
set_active (Fixture *f, EbId person_id, gboolean active)
{
  eb_service_test_set_person_active (f->service, &f->admin, person_id, active);
}

static void
set_site_status (Fixture *f, EbId site_id, EbSiteStatus status)
{
  eb_service_test_set_site_status (f->service, &f->admin, site_id, status);
}

/* A deactivated person's feed stops working (as their tokens do), and
 * works again once they are active; so for a suspended home site. */
static void
test_person_inactive (Fixture *f, gconstpointer data)
{
  g_autofree char *secret = create_feed (f, &f->ana, f->ana_id, FALSE);
  g_autofree char *never = eb_calendar_feed_generate_secret ();
  g_autofree char *reference = refusal (f, never);

  set_active (f, f->ana_id, FALSE);
  {
    g_autofree char *message = refusal (f, secret);

    g_assert_cmpstr (message, ==, reference);
  }
  set_active (f, f->ana_id, TRUE);
  g_free (read_feed (f, secret, f->ana_id));

  set_site_status (f, f->member_id, EB_SITE_STATUS_SUSPENDED);
  {
    g_autofree char *message = refusal (f, secret);

    g_assert_cmpstr (message, ==, reference);
  }
  set_site_status (f, f->member_id, EB_SITE_STATUS_ACTIVE);
  g_free (read_feed (f, secret, f->ana_id));
  assert_not_logged (secret);
}

/* Token labels take no control characters, like every other one-line
 * text; surrounding blanks are still trimmed. */
static void
test_token_label (Fixture *f, gconstpointer data)
{
  const char *const bad[] = { "Laptop\x1b[2J",
                              "two\nlines",
                              "tab\tinside",
                              "bell\x07",
                              "c1\xc2\x9b"
                              "31m",
                              "" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *secret = NULL;
      g_autoptr (EbToken) token = NULL;
      GPtrArray *violations;
      const EbViolation *v;

      token = eb_service_create_token (f->service, &f->admin, f->ana_id, EB_ROLE_CLINICIAN, bad[i],
                                       0, &secret, &error);
      g_assert_null (token);
      g_assert_null (secret);
      g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
      violations = eb_error_get_violations (error);
      g_assert_nonnull (violations);
      g_assert_cmpuint (violations->len, ==, 1);
      v = g_ptr_array_index (violations, 0);
      g_assert_cmpstr (v->rule, ==, "invalid-field");
      g_assert_cmpstr (v->field, ==, "label");
      if (bad[i][0] != '\0')
        g_assert_nonnull (strstr (v->detail, "control characters"));
    }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *secret = NULL;
    g_autoptr (EbToken) token = NULL;
    g_autoptr (GPtrArray) tokens = NULL;

    token = eb_service_create_token (f->service, &f->admin, f->ana_id, EB_ROLE_CLINICIAN,
                                     "  Ana's laptop ", 0, &secret, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (token->label, ==, "Ana's laptop");
    tokens = eb_store_token_list (f->store, f->ana_id, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (tokens->len, ==, 1);
  }
}

int
main (int argc, char **argv)
{
  log_text = g_string_new (NULL);
  g_log_set_writer_func (record_log_cb, NULL, NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/eboard/service/feeds/own-feed", test_own_feed);
  ADD ("/eboard/service/feeds/rotate", test_rotate);
  ADD ("/eboard/service/feeds/revoke", test_revoke);
  ADD ("/eboard/service/feeds/roles", test_roles);
  ADD ("/eboard/service/feeds/uniform-refusal", test_uniform_refusal);
  ADD ("/eboard/service/feeds/person-inactive", test_person_inactive);
  ADD ("/eboard/service/token-label", test_token_label);
#undef ADD
  return g_test_run ();
}
