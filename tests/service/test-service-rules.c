/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <eboard/eb-service.h>

#include "eb-service-test-util.h"

/*
 * Rules that must keep holding after the step that first checked them:
 * a scheduled session keeps its chair and its agenda within its
 * duration, tokens stop working with their person, the last admin token
 * stays, and a moved occurrence stays near where the rule puts it. Each
 * test runs over a real store in its own folder, with an active hub and
 * an active member site.
 */

typedef struct
{
  char *dir;
  EbStore *store;
  EbService *service;
  EbPrincipal coordinator;
  EbId hub_id;
  EbId member_id;
  guint n_people;
} Fixture;

#define NY "America/New_York"
#define DAY ((gint64)24 * 3600)

static gint64
utc_time (gint year, gint month, gint day, gint hour, gint minute)
{
  g_autoptr (GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

/* Asserts @error is @code listing @rule on @field. */
static void
assert_rule (const GError *error, gint code, const char *rule, const char *field)
{
  GPtrArray *violations;

  g_assert_error (error, EB_ERROR, code);
  violations = eb_error_get_violations (error);
  g_assert_nonnull (violations);
  for (guint i = 0; i < violations->len; i++)
    {
      const EbViolation *v = g_ptr_array_index (violations, i);

      if (g_strcmp0 (v->rule, rule) == 0)
        {
          g_assert_cmpstr (v->field, ==, field);
          return;
        }
    }
  g_error ("rule %s not among the violations of \"%s\"", rule, error->message);
}

static EbId
add_site (Fixture *f, const char *code, gboolean hub)
{
  g_autofree char *name = g_strdup_printf ("Site %s", code);

  return eb_service_test_add_site (f->service, &f->coordinator, name, code, NY, hub);
}

static EbId
add_person (Fixture *f, const char *name, EbId site_id)
{
  g_autofree char *email = g_strdup_printf ("person%u@example.org", ++f->n_people);

  return eb_service_test_add_person (f->service, &f->coordinator, name, email, "medical_oncology",
                                     site_id);
}

static void
set_person_active (Fixture *f, EbId person_id, gboolean active)
{
  g_assert_cmpint (
      eb_service_test_set_person_active (f->service, &f->coordinator, person_id, active), ==,
      active);
}

static void
set_site_status (Fixture *f, EbId site_id, EbSiteStatus status)
{
  g_assert_cmpint (eb_service_test_set_site_status (f->service, &f->coordinator, site_id, status),
                   ==, status);
}

static EbId
add_session (Fixture *f, gint64 start, gint minutes, gboolean weekly)
{
  g_autoptr (EbSession) input = eb_session_new ();
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  input->title = g_strdup ("Thoracic tumor board");
  input->focus = g_strdup ("Lung");
  input->host_site_id = f->hub_id;
  input->start = start;
  input->duration_minutes = minutes;
  input->timezone = g_strdup (NY);
  if (weekly)
    input->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  session = eb_service_create_session (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  return session->id;
}

static EbRosterEntry *
add_entry (Fixture *f, EbId session_id, EbId person_id, EbRosterRole role)
{
  return eb_service_test_add_entry (f->service, &f->coordinator, session_id, person_id, role, TRUE);
}

static EbAgendaItem *
try_item (Fixture *f, EbId session_id, EbId presenter_id, gint minutes, GError **error)
{
  g_autoptr (EbAgendaItem) input = eb_agenda_item_new ();

  input->session_id = session_id;
  input->presenting_site_id = f->member_id;
  input->presenter_id = presenter_id;
  input->summary = g_strdup ("Right upper lobe nodule, 2.1 cm, PET avid.");
  input->question = g_strdup ("Resection or stereotactic radiotherapy?");
  input->minutes = minutes;
  return eb_service_add_agenda_item (f->service, &f->coordinator, input, error);
}

static void
schedule (Fixture *f, EbId session_id)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = eb_service_transition_session (f->service, &f->coordinator, session_id,
                                           EB_SESSION_STATE_SCHEDULED, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, EB_SESSION_STATE_SCHEDULED);
}

static guint
roster_length (Fixture *f, EbId session_id)
{
  g_autoptr (GPtrArray) roster = NULL;
  g_autoptr (GError) error = NULL;

  roster = eb_service_list_roster (f->service, &f->coordinator, session_id, &error);
  g_assert_no_error (error);
  return roster->len;
}

static gint
agenda_minutes (Fixture *f, EbId session_id)
{
  g_autoptr (GPtrArray) agenda = NULL;
  g_autoptr (GError) error = NULL;
  gint minutes = 0;

  agenda = eb_service_list_agenda (f->service, &f->coordinator, session_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < agenda->len; i++)
    minutes += ((EbAgendaItem *)g_ptr_array_index (agenda, i))->minutes;
  return minutes;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->store = eb_service_test_open_store_in ("eb-service-rules-XXXXXX", &f->dir);
  f->service = eb_service_new (f->store, NULL);
  f->coordinator = (EbPrincipal){ .token_id = 2, .person_id = 0, .role = EB_ROLE_COORDINATOR };
  f->hub_id = add_site (f, "HUB", TRUE);
  f->member_id = add_site (f, "MEM", FALSE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  eb_service_test_close (&f->service, &f->store);
  eb_service_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* --- a scheduled session keeps its chair --- */

static void
test_scheduled_keeps_chair (Fixture *f, gconstpointer data)
{
  EbId chair_id = add_person (f, "Ana Chair", f->member_id);
  EbId other_id = add_person (f, "Ben Second", f->member_id);
  EbId session_id = add_session (f, utc_time (2026, 6, 2, 15, 0), 60, FALSE);
  EbId draft_id = add_session (f, utc_time (2026, 6, 9, 15, 0), 60, FALSE);
  g_autoptr (EbRosterEntry) chair = add_entry (f, session_id, chair_id, EB_ROSTER_ROLE_CHAIR);
  g_autoptr (EbRosterEntry) draft_chair = add_entry (f, draft_id, chair_id, EB_ROSTER_ROLE_CHAIR);
  g_autoptr (EbRosterEntry) second = NULL;
  g_autoptr (EbRosterEntry) changed = NULL;
  g_autoptr (EbRosterEntry) desired = NULL;
  g_autoptr (EbRosterEntry) kept = NULL;
  g_autoptr (GError) error = NULL;

  schedule (f, session_id);

  /* the only chair can neither leave nor give up the role */
  g_assert_false (eb_service_remove_roster_entry (f->service, &f->coordinator, session_id,
                                                  chair->id, 0, &error));
  assert_rule (error, EB_ERROR_RULE_VIOLATED, "schedule-requires-chair", "roster");
  g_clear_error (&error);
  g_assert_cmpuint (roster_length (f, session_id), ==, 1);

  desired = eb_roster_entry_copy (chair);
  desired->role = EB_ROSTER_ROLE_PANELIST;
  changed = eb_service_update_roster_entry (f->service, &f->coordinator, desired, NULL, &error);
  g_assert_null (changed);
  assert_rule (error, EB_ERROR_RULE_VIOLATED, "schedule-requires-chair", "roster");
  g_clear_error (&error);
  kept = eb_service_get_roster_entry (f->service, &f->coordinator, session_id, chair->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kept->role, ==, EB_ROSTER_ROLE_CHAIR);
  g_assert_cmpint (kept->version, ==, chair->version);

  /* a status change of the chair is no role change */
  g_clear_pointer (&desired, eb_roster_entry_free);
  desired = eb_roster_entry_copy (chair);
  desired->status = EB_INVITATION_TENTATIVE;
  changed = eb_service_update_roster_entry (f->service, &f->coordinator, desired, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed->role, ==, EB_ROSTER_ROLE_CHAIR);
  g_clear_pointer (&changed, eb_roster_entry_free);

  /* with a second chair the first may go */
  second = add_entry (f, session_id, other_id, EB_ROSTER_ROLE_CHAIR);
  g_assert_true (eb_service_remove_roster_entry (f->service, &f->coordinator, session_id, chair->id,
                                                 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roster_length (f, session_id), ==, 1);

  /* a draft is not held to the rule yet */
  g_assert_true (eb_service_remove_roster_entry (f->service, &f->coordinator, draft_id,
                                                 draft_chair->id, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roster_length (f, draft_id), ==, 0);
}

/* --- a scheduled session keeps its agenda within its duration --- */

static void
test_scheduled_keeps_agenda_within_duration (Fixture *f, gconstpointer data)
{
  EbId chair_id = add_person (f, "Ana Chair", f->member_id);
  EbId presenter_id = add_person (f, "Cy Presenter", f->member_id);
  EbId session_id = add_session (f, utc_time (2026, 6, 2, 15, 0), 60, FALSE);
  EbId draft_id = add_session (f, utc_time (2026, 6, 9, 15, 0), 60, FALSE);
  g_autoptr (EbRosterEntry) chair = add_entry (f, session_id, chair_id, EB_ROSTER_ROLE_CHAIR);
  g_autoptr (EbRosterEntry) presenter
      = add_entry (f, session_id, presenter_id, EB_ROSTER_ROLE_PRESENTER);
  g_autoptr (EbRosterEntry) draft_presenter
      = add_entry (f, draft_id, presenter_id, EB_ROSTER_ROLE_PRESENTER);
  g_autoptr (EbAgendaItem) first = NULL;
  g_autoptr (EbAgendaItem) second = NULL;
  g_autoptr (EbAgendaItem) refused = NULL;
  g_autoptr (EbAgendaItem) desired = NULL;
  g_autoptr (EbAgendaItem) updated = NULL;
  g_autoptr (EbAgendaItem) draft_item = NULL;
  g_autoptr (EbSession) current = NULL;
  g_autoptr (EbSession) shorter = NULL;
  g_autoptr (EbSession) patched = NULL;
  g_autoptr (GError) error = NULL;

  first = try_item (f, session_id, presenter_id, 40, &error);
  g_assert_no_error (error);
  schedule (f, session_id);

  /* 40 + 30 > 60: refused, nothing added */
  refused = try_item (f, session_id, presenter_id, 30, &error);
  g_assert_null (refused);
  assert_rule (error, EB_ERROR_RULE_VIOLATED, "agenda-exceeds-duration", "duration_minutes");
  g_clear_error (&error);
  g_assert_cmpint (agenda_minutes (f, session_id), ==, 40);

  /* 40 + 20 = 60 fits */
  second = try_item (f, session_id, presenter_id, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpint (agenda_minutes (f, session_id), ==, 60);

  /* lengthening an item beyond the duration is refused */
  desired = eb_agenda_item_copy (second);
  desired->minutes = 25;
  updated = eb_service_update_agenda_item (f->service, &f->coordinator, desired, &error);
  g_assert_null (updated);
  assert_rule (error, EB_ERROR_RULE_VIOLATED, "agenda-exceeds-duration", "duration_minutes");
  g_clear_error (&error);
  g_assert_cmpint (agenda_minutes (f, session_id), ==, 60);

  /* shortening it is fine */
  desired->minutes = 15;
  updated = eb_service_update_agenda_item (f->service, &f->coordinator, desired, &error);
  g_assert_no_error (error);
  g_assert_cmpint (agenda_minutes (f, session_id), ==, 55);

  /* the session cannot shrink below its agenda (55 minutes) */
  current = eb_service_get_session (f->service, &f->coordinator, session_id, &error);
  g_assert_no_error (error);
  shorter = eb_session_copy (current);
  shorter->duration_minutes = 50;
  patched = eb_service_update_session (f->service, &f->coordinator, shorter, NULL, &error);
  g_assert_null (patched);
  assert_rule (error, EB_ERROR_RULE_VIOLATED, "agenda-exceeds-duration", "duration_minutes");
  g_clear_error (&error);
  g_clear_pointer (&current, eb_session_free);
  current = eb_service_get_session (f->service, &f->coordinator, session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (current->duration_minutes, ==, 60);
  g_assert_cmpint (current->state, ==, EB_SESSION_STATE_SCHEDULED);

  shorter->duration_minutes = 55;
  patched = eb_service_update_session (f->service, &f->coordinator, shorter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (patched->duration_minutes, ==, 55);

  /* a draft may hold more than its duration until it is scheduled */
  draft_item = try_item (f, draft_id, presenter_id, 90, &error);
  g_assert_no_error (error);
  g_assert_cmpint (agenda_minutes (f, draft_id), ==, 90);
}

/* --- tokens stop working with their person --- */

static void
assert_authenticates (Fixture *f, const char *secret, EbId token_id)
{
  EbPrincipal who = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (eb_service_authenticate (f->service, secret, &who, &error));
  g_assert_no_error (error);
  g_assert_cmpint (who.token_id, ==, token_id);
}

static void
assert_refused (Fixture *f, const char *secret)
{
  EbPrincipal who = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_false (eb_service_authenticate (f->service, secret, &who, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED);
  g_assert_cmpint (who.token_id, ==, 0);
}

static void
test_token_of_inactive_person (Fixture *f, gconstpointer data)
{
  g_autofree char *bootstrap = eb_service_bootstrap (f->service, NULL);
  EbPrincipal admin = { 0 };
  EbId person_id = add_person (f, "Dee Clinician", f->member_id);
  g_autoptr (EbToken) token = NULL;
  g_autofree char *secret = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (bootstrap);
  g_assert_true (eb_service_authenticate (f->service, bootstrap, &admin, &error));
  token = eb_service_create_token (f->service, &admin, person_id, EB_ROLE_CLINICIAN, "dee", 0,
                                   &secret, &error);
  g_assert_no_error (error);
  assert_authenticates (f, secret, token->id);

  set_person_active (f, person_id, FALSE);
  assert_refused (f, secret);
  set_person_active (f, person_id, TRUE);
  assert_authenticates (f, secret, token->id);

  set_site_status (f, f->member_id, EB_SITE_STATUS_SUSPENDED);
  assert_refused (f, secret);
  set_site_status (f, f->member_id, EB_SITE_STATUS_ACTIVE);
  assert_authenticates (f, secret, token->id);

  set_site_status (f, f->member_id, EB_SITE_STATUS_WITHDRAWN);
  assert_refused (f, secret);
  /* the bootstrap token belongs to nobody and keeps working */
  assert_authenticates (f, bootstrap, admin.token_id);
}

/* --- the last admin token stays --- */

static void
test_last_admin_token (Fixture *f, gconstpointer data)
{
  g_autofree char *bootstrap = eb_service_bootstrap (f->service, NULL);
  EbPrincipal admin = { 0 };
  EbId person_id = add_person (f, "Eve Admin", f->member_id);
  g_autoptr (EbToken) second = NULL;
  g_autoptr (EbToken) clinician = NULL;
  g_autoptr (EbToken) kept = NULL;
  g_autofree char *second_secret = NULL;
  g_autofree char *clinician_secret = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (bootstrap);
  g_assert_true (eb_service_authenticate (f->service, bootstrap, &admin, &error));

  /* alone, the bootstrap token cannot be revoked */
  g_assert_false (eb_service_revoke_token (f->service, &admin, admin.token_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  assert_authenticates (f, bootstrap, admin.token_id);

  /* non-admin tokens do not count, and are revoked freely */
  clinician = eb_service_create_token (f->service, &admin, person_id, EB_ROLE_CLINICIAN, "c", 0,
                                       &clinician_secret, &error);
  g_assert_no_error (error);
  g_assert_false (eb_service_revoke_token (f->service, &admin, admin.token_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (eb_service_revoke_token (f->service, &admin, clinician->id, &error));
  g_assert_no_error (error);

  /* an admin token of an inactive person does not count either */
  second = eb_service_create_token (f->service, &admin, person_id, EB_ROLE_ADMIN, "eve", 0,
                                    &second_secret, &error);
  g_assert_no_error (error);
  set_person_active (f, person_id, FALSE);
  g_assert_false (eb_service_revoke_token (f->service, &admin, admin.token_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  /* with a second valid admin token the first may go */
  set_person_active (f, person_id, TRUE);
  g_assert_true (eb_service_revoke_token (f->service, &admin, admin.token_id, &error));
  g_assert_no_error (error);
  assert_refused (f, bootstrap);

  /* and the second is now the last */
  g_assert_false (eb_service_revoke_token (f->service, &admin, second->id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  kept = eb_service_get_token (f->service, &admin, second->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kept->revoked_at, ==, 0);
  assert_authenticates (f, second_secret, second->id);
}

/* --- a moved occurrence stays near its original start --- */

static void
assert_move (Fixture *f, EbId session_id, gint64 original_start, gint64 new_start, gboolean ok)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = eb_service_set_occurrence_exception (f->service, &f->coordinator, session_id,
                                                 original_start, FALSE, new_start, &error);
  if (ok)
    {
      g_assert_no_error (error);
      g_assert_nonnull (session);
      return;
    }
  g_assert_null (session);
  assert_rule (error, EB_ERROR_INVALID, "invalid-field", "new_start");
}

static void
test_move_window (Fixture *f, gconstpointer data)
{
  gint64 start = utc_time (2026, 6, 2, 15, 0);
  gint64 far_start = utc_time (2499, 12, 1, 15, 0);
  EbId session_id = add_session (f, start, 60, TRUE);
  EbId far_id = add_session (f, far_start, 60, TRUE);
  gint64 third = start + 14 * DAY;
  g_autoptr (GArray) occurrences = NULL;
  g_autoptr (GError) error = NULL;

  /* far away: refused, nothing stored */
  assert_move (f, session_id, third, utc_time (9999, 12, 31, 0, 0), FALSE);
  assert_move (f, session_id, third, third + 367 * DAY, FALSE);
  assert_move (f, session_id, third, third - 367 * DAY, FALSE);
  occurrences = eb_service_list_occurrences (f->service, &f->coordinator, session_id, start,
                                             start + 21 * DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (occurrences->len, ==, 3);
  for (guint i = 0; i < occurrences->len; i++)
    {
      const EbOccurrence *o = &g_array_index (occurrences, EbOccurrence, i);

      g_assert_false (o->moved);
      g_assert_cmpint (o->end, ==, o->start + 3600);
    }

  /* up to 366 days either way is a move */
  assert_move (f, session_id, third, third + 366 * DAY, TRUE);
  assert_move (f, session_id, third, third - 366 * DAY, TRUE);
  assert_move (f, session_id, third, third + DAY, TRUE);

  /* nothing at or after 2500-01-01, however near */
  assert_move (f, far_id, far_start + 28 * DAY, utc_time (2500, 1, 1, 0, 0), FALSE);
  assert_move (f, far_id, far_start + 28 * DAY, utc_time (2499, 12, 31, 12, 0), TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/eboard/service/rules/scheduled-keeps-chair", test_scheduled_keeps_chair);
  ADD ("/eboard/service/rules/scheduled-keeps-agenda-within-duration",
       test_scheduled_keeps_agenda_within_duration);
  ADD ("/eboard/service/rules/token-of-inactive-person", test_token_of_inactive_person);
  ADD ("/eboard/service/rules/last-admin-token", test_last_admin_token);
  ADD ("/eboard/service/rules/move-window", test_move_window);
#undef ADD
  return g_test_run ();
}
