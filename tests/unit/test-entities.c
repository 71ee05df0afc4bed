/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-agenda.h>
#include <eboard/eb-error.h>
#include <eboard/eb-person.h>
#include <eboard/eb-roster.h>
#include <eboard/eb-session.h>
#include <eboard/eb-site.h>
#include <eboard/eb-specialty.h>
#include <eboard/eb-timeline.h>

/* Asserts that @error is @code and that its violations name exactly
 * @fields (rule, field pairs in order). */
static void
assert_violations (const GError *error, gint code, const char *const *rules,
                   const char *const *fields, guint n)
{
  GPtrArray *violations;

  g_assert_error (error, EB_ERROR, code);
  violations = eb_error_get_violations (error);
  g_assert_nonnull (violations);
  if (violations->len != n)
    {
      for (guint i = 0; i < violations->len; i++)
        {
          const EbViolation *v = g_ptr_array_index (violations, i);
          g_test_message ("violation %s on %s: %s", v->rule, v->field, v->detail);
        }
    }
  g_assert_cmpuint (violations->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const EbViolation *v = g_ptr_array_index (violations, i);
      g_assert_cmpstr (v->rule, ==, rules[i]);
      g_assert_cmpstr (v->field, ==, fields[i]);
      g_assert_nonnull (v->detail);
      g_assert_nonnull (strstr (error->message, v->detail));
    }
}

static EbSite *
make_site (void)
{
  EbSite *site = eb_site_new ();

  site->id = 11;
  site->name = g_strdup ("Northern Lakes Cancer Center");
  site->code = g_strdup ("NLCC-1");
  site->timezone = g_strdup ("America/Chicago");
  site->status = EB_SITE_STATUS_ACTIVE;
  site->is_hub = TRUE;
  site->version = 3;
  site->created_at = 1700000000;
  site->updated_at = 1700000100;
  return site;
}

static EbPerson *
make_person (void)
{
  EbPerson *person = eb_person_new ();

  person->id = 21;
  person->name = g_strdup ("Dr. Ana Ruiz");
  person->email = g_strdup ("ana.ruiz@nlcc.example.org");
  person->specialty = g_strdup ("pathology");
  person->home_site_id = 11;
  person->version = 2;
  return person;
}

static EbSession *
make_session (void)
{
  EbSession *session = eb_session_new ();

  session->id = 31;
  session->title = g_strdup ("GI tumor board");
  session->focus = g_strdup ("Colorectal and pancreatic cases");
  session->host_site_id = 11;
  session->start = 1772550000;
  session->duration_minutes = 60;
  session->timezone = g_strdup ("America/Chicago");
  session->state = EB_SESSION_STATE_SCHEDULED;
  session->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 2);
  session->recurrence->count = 10;
  g_ptr_array_add (session->exceptions,
                   eb_occurrence_exception_new (1772550000 + 14 * 86400, TRUE, 0));
  g_ptr_array_add (session->exceptions, eb_occurrence_exception_new (1772550000 + 28 * 86400, FALSE,
                                                                     1772550000 + 29 * 86400));
  session->version = 5;
  return session;
}

static EbAgendaItem *
make_item (void)
{
  EbAgendaItem *item = eb_agenda_item_new ();

  item->id = 41;
  item->session_id = 31;
  item->position = 1;
  item->presenting_site_id = 11;
  item->presenter_id = 21;
  item->summary = g_strdup ("65-year-old man, T3N1M0 rectal adenocarcinoma, 4 cycles FOLFOX.");
  item->question = g_strdup ("Total neoadjuvant therapy or upfront surgery?");
  item->minutes = 15;
  item->kind = EB_CASE_KIND_PROSPECTIVE;
  item->status = EB_CASE_STATUS_PENDING;
  return item;
}

static void
test_site_copy (void)
{
  g_autoptr (EbSite) site = make_site ();
  g_autoptr (EbSite) copy = eb_site_copy (site);
  g_autoptr (EbSite) fresh = eb_site_new ();

  g_assert_true (copy->name != site->name);
  g_assert_cmpstr (copy->name, ==, site->name);
  g_assert_cmpstr (copy->code, ==, "NLCC-1");
  g_assert_cmpstr (copy->timezone, ==, "America/Chicago");
  g_assert_cmpint (copy->id, ==, 11);
  g_assert_cmpint (copy->status, ==, EB_SITE_STATUS_ACTIVE);
  g_assert_true (copy->is_hub);
  g_assert_cmpint (copy->version, ==, 3);
  g_assert_cmpint (copy->updated_at, ==, 1700000100);
  g_assert_cmpint (fresh->status, ==, EB_SITE_STATUS_APPLICANT);
  g_assert_false (fresh->is_hub);
  eb_site_free (NULL);
}

static void
test_person_copy (void)
{
  g_autoptr (EbPerson) person = make_person ();
  g_autoptr (EbPerson) copy = eb_person_copy (person);
  g_autoptr (EbPerson) fresh = eb_person_new ();

  g_assert_true (copy->email != person->email);
  g_assert_cmpstr (copy->name, ==, "Dr. Ana Ruiz");
  g_assert_cmpstr (copy->email, ==, "ana.ruiz@nlcc.example.org");
  g_assert_cmpstr (copy->specialty, ==, "pathology");
  g_assert_cmpint (copy->home_site_id, ==, 11);
  g_assert_cmpint (copy->version, ==, 2);
  g_assert_true (fresh->active);
  eb_person_free (NULL);
}

static void
test_session_copy (void)
{
  g_autoptr (EbSession) session = make_session ();
  g_autoptr (EbSession) copy = eb_session_copy (session);
  g_autoptr (EbSession) fresh = eb_session_new ();
  g_autoptr (EbSession) fresh_copy = NULL;
  const EbOccurrenceException *moved;

  g_assert_cmpstr (copy->title, ==, "GI tumor board");
  g_assert_cmpstr (copy->focus, ==, "Colorectal and pancreatic cases");
  g_assert_cmpstr (copy->timezone, ==, "America/Chicago");
  g_assert_cmpint (copy->start, ==, 1772550000);
  g_assert_cmpint (copy->duration_minutes, ==, 60);
  g_assert_cmpint (copy->state, ==, EB_SESSION_STATE_SCHEDULED);
  g_assert_nonnull (copy->recurrence);
  g_assert_true (copy->recurrence != session->recurrence);
  g_assert_cmpint (copy->recurrence->frequency, ==, EB_RECURRENCE_WEEKLY);
  g_assert_cmpint (copy->recurrence->interval, ==, 2);
  g_assert_cmpint (copy->recurrence->count, ==, 10);
  g_assert_true (copy->exceptions != session->exceptions);
  g_assert_cmpuint (copy->exceptions->len, ==, 2);
  g_assert_true (g_ptr_array_index (copy->exceptions, 1)
                 != g_ptr_array_index (session->exceptions, 1));
  moved = g_ptr_array_index (copy->exceptions, 1);
  g_assert_false (moved->cancelled);
  g_assert_cmpint (moved->original_start, ==, 1772550000 + 28 * 86400);
  g_assert_cmpint (moved->new_start, ==, 1772550000 + 29 * 86400);

  /* the copy lives on after the original is gone */
  g_clear_pointer (&session, eb_session_free);
  g_assert_cmpint (((EbOccurrenceException *)g_ptr_array_index (copy->exceptions, 0))->cancelled,
                   ==, TRUE);

  g_assert_cmpint (fresh->state, ==, EB_SESSION_STATE_DRAFT);
  g_assert_null (fresh->recurrence);
  g_assert_nonnull (fresh->exceptions);
  g_assert_cmpuint (fresh->exceptions->len, ==, 0);
  fresh_copy = eb_session_copy (fresh);
  g_assert_null (fresh_copy->recurrence);
  g_assert_nonnull (fresh_copy->exceptions);
  eb_session_free (NULL);
}

static void
test_roster_entry (void)
{
  g_autoptr (EbRosterEntry) entry = eb_roster_entry_new ();
  g_autoptr (EbRosterEntry) copy = NULL;
  const char *roles[] = { "chair", "coordinator", "presenter", "panelist", "observer" };
  const gboolean exclusive[] = { TRUE, FALSE, TRUE, FALSE, FALSE };
  const char *statuses[] = { "invited", "accepted", "declined", "tentative" };

  g_assert_cmpint (entry->status, ==, EB_INVITATION_INVITED);
  entry->id = 5;
  entry->session_id = 31;
  entry->person_id = 21;
  entry->role = EB_ROSTER_ROLE_PRESENTER;
  entry->status = EB_INVITATION_TENTATIVE;
  entry->joined_at = 10;
  entry->left_at = 20;
  copy = eb_roster_entry_copy (entry);
  g_assert_cmpint (copy->id, ==, 5);
  g_assert_cmpint (copy->person_id, ==, 21);
  g_assert_cmpint (copy->role, ==, EB_ROSTER_ROLE_PRESENTER);
  g_assert_cmpint (copy->status, ==, EB_INVITATION_TENTATIVE);
  g_assert_cmpint (copy->left_at, ==, 20);
  eb_roster_entry_free (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      EbRosterRole role = 99;
      g_assert_cmpstr (eb_roster_role_to_string (i), ==, roles[i]);
      g_assert_true (eb_roster_role_from_string (roles[i], &role));
      g_assert_cmpint (role, ==, i);
      g_assert_cmpint (eb_roster_role_is_exclusive (i), ==, exclusive[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      EbInvitationStatus status = 99;
      g_assert_cmpstr (eb_invitation_status_to_string (i), ==, statuses[i]);
      g_assert_true (eb_invitation_status_from_string (statuses[i], &status));
      g_assert_cmpint (status, ==, i);
    }
  g_assert_null (eb_roster_role_to_string (G_N_ELEMENTS (roles)));
  g_assert_null (eb_invitation_status_to_string (G_N_ELEMENTS (statuses)));
  g_assert_false (eb_roster_role_from_string ("Chair", NULL));
  g_assert_false (eb_invitation_status_from_string ("accept", NULL));
  g_assert_false (eb_invitation_status_from_string (NULL, NULL));
}

static void
test_agenda_item_copy (void)
{
  g_autoptr (EbAgendaItem) item = make_item ();
  g_autoptr (EbAgendaItem) copy = NULL;
  g_autoptr (EbAgendaItem) fresh = eb_agenda_item_new ();
  const char *kinds[] = { "prospective", "retrospective" };
  const char *statuses[] = { "pending", "discussing", "discussed", "deferred" };

  item->recommendation = g_strdup ("Proceed with short-course radiotherapy.");
  copy = eb_agenda_item_copy (item);
  g_assert_true (copy->summary != item->summary);
  g_assert_cmpstr (copy->summary, ==, item->summary);
  g_assert_cmpstr (copy->question, ==, item->question);
  g_assert_cmpstr (copy->recommendation, ==, "Proceed with short-course radiotherapy.");
  g_assert_cmpint (copy->position, ==, 1);
  g_assert_cmpint (copy->minutes, ==, 15);
  g_assert_cmpint (copy->presenter_id, ==, 21);
  g_assert_null (fresh->recommendation);
  g_assert_cmpint (fresh->kind, ==, EB_CASE_KIND_PROSPECTIVE);
  g_assert_cmpint (fresh->status, ==, EB_CASE_STATUS_PENDING);
  eb_agenda_item_free (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      EbCaseKind kind = 99;
      g_assert_cmpstr (eb_case_kind_to_string (i), ==, kinds[i]);
      g_assert_true (eb_case_kind_from_string (kinds[i], &kind));
      g_assert_cmpint (kind, ==, i);
    }
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      EbCaseStatus status = 99;
      g_assert_cmpstr (eb_case_status_to_string (i), ==, statuses[i]);
      g_assert_true (eb_case_status_from_string (statuses[i], &status));
      g_assert_cmpint (status, ==, i);
    }
  g_assert_null (eb_case_kind_to_string (2));
  g_assert_null (eb_case_status_to_string (4));
  g_assert_false (eb_case_kind_from_string ("future", NULL));
  g_assert_false (eb_case_status_from_string ("done", NULL));
}

static void
test_specialties (void)
{
  const char *expected[] = { "medical_oncology",
                             "radiation_oncology",
                             "surgery",
                             "pathology",
                             "diagnostic_radiology",
                             "interventional_radiology",
                             "nuclear_medicine",
                             "genetics",
                             "hematology",
                             "palliative_care",
                             "nursing",
                             "pharmacy",
                             "gastroenterology",
                             "pulmonology",
                             "urology",
                             "gynecologic_oncology",
                             "neurosurgery",
                             "dermatology",
                             "research",
                             "coordination" };
  const EbSpecialty *list = eb_specialty_list ();
  const char *const *quorum = eb_specialty_default_quorum ();
  guint n = 0;

  for (const EbSpecialty *s = list; s->code != NULL; s++, n++)
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      g_assert_cmpstr (s->code, ==, expected[n]);
      g_assert_nonnull (s->label);
      g_assert_true (g_ascii_isupper (s->label[0]));
      g_assert_true (eb_specialty_lookup (s->code) == s);
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  g_assert_null (list[n].label);
  g_assert_cmpstr (eb_specialty_lookup ("medical_oncology")->label, ==, "Medical oncology");
  g_assert_null (eb_specialty_lookup ("Medical oncology"));
  g_assert_null (eb_specialty_lookup ("astrology"));
  g_assert_null (eb_specialty_lookup (""));
  g_assert_null (eb_specialty_lookup (NULL));

  g_assert_cmpuint (g_strv_length ((char **)quorum), ==, 5);
  g_assert_cmpstr (quorum[0], ==, "medical_oncology");
  g_assert_cmpstr (quorum[1], ==, "radiation_oncology");
  g_assert_cmpstr (quorum[2], ==, "surgery");
  g_assert_cmpstr (quorum[3], ==, "pathology");
  g_assert_cmpstr (quorum[4], ==, "diagnostic_radiology");
  for (guint i = 0; quorum[i] != NULL; i++)
    g_assert_nonnull (eb_specialty_lookup (quorum[i]));
}

static void
test_site_validate (void)
{
  g_autoptr (EbSite) site = make_site ();
  g_autoptr (GError) error = NULL;
  const char *good_codes[] = { "AB", "NLCC-1", "0123456789ABCDEF", "--" };
  const char *bad_codes[] = { "A", "nlcc", "NLCC_1", "NLCC 1", "0123456789ABCDEF0", "", "ÄB" };

  g_assert_true (eb_site_validate (site, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (good_codes); i++)
    {
      g_free (site->code);
      site->code = g_strdup (good_codes[i]);
      g_assert_true (eb_site_validate (site, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_codes); i++)
    {
      const char *rules[] = { "invalid-field" };
      const char *fields[] = { "code" };

      g_clear_error (&error);
      g_free (site->code);
      site->code = g_strdup (bad_codes[i]);
      g_assert_false (eb_site_validate (site, &error));
      assert_violations (error, EB_ERROR_INVALID, rules, fields, 1);
    }

  /* every problem at once, in field order */
  {
    const char *rules[] = { "invalid-field", "invalid-field", "invalid-field" };
    const char *fields[] = { "name", "code", "timezone" };

    g_clear_error (&error);
    g_free (site->name);
    site->name = g_strdup ("   ");
    g_clear_pointer (&site->code, g_free);
    g_free (site->timezone);
    site->timezone = g_strdup ("Mars/Olympus_Mons");
    g_assert_false (eb_site_validate (site, &error));
    assert_violations (error, EB_ERROR_INVALID, rules, fields, 3);
  }

  /* name length in characters, not bytes */
  {
    g_autoptr (GString) name = g_string_new (NULL);
    const char *rules[] = { "invalid-field" };
    const char *fields[] = { "name" };

    g_clear_error (&error);
    g_free (site->code);
    site->code = g_strdup ("NLCC");
    g_free (site->timezone);
    site->timezone = g_strdup ("Europe/Berlin");
    for (guint i = 0; i < 200; i++)
      g_string_append (name, "\xc3\xa9");
    g_free (site->name);
    site->name = g_strdup (name->str);
    g_assert_true (eb_site_validate (site, NULL));
    g_string_append_c (name, 'x');
    g_free (site->name);
    site->name = g_strdup (name->str);
    g_assert_false (eb_site_validate (site, &error));
    assert_violations (error, EB_ERROR_INVALID, rules, fields, 1);
  }
}

static void
test_person_validate (void)
{
  g_autoptr (EbPerson) person = make_person ();
  g_autoptr (GError) error = NULL;
  const char *good_emails[] = { "a@b.co", "ana.ruiz+tb@nlcc.example.org", "x_y@sub-d.example" };
  const char *bad_emails[] = { "",
                               "ana",
                               "ana@",
                               "@nlcc.org",
                               "ana@nlcc",
                               "ana ruiz@nlcc.org",
                               "ana@@nlcc.org",
                               "ana@nlcc..org",
                               "ana@.nlcc.org",
                               "ana@nlcc.org.",
                               "a@b@c.org",
                               "<ana@nlcc.org>" };

  g_assert_true (eb_person_validate (person, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (good_emails); i++)
    {
      g_free (person->email);
      person->email = g_strdup (good_emails[i]);
      g_assert_true (eb_person_validate (person, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_emails); i++)
    {
      const char *rules[] = { "invalid-field" };
      const char *fields[] = { "email" };

      g_clear_error (&error);
      g_free (person->email);
      person->email = g_strdup (bad_emails[i]);
      g_assert_false (eb_person_validate (person, &error));
      assert_violations (error, EB_ERROR_INVALID, rules, fields, 1);
    }

  {
    const char *rules[] = { "invalid-field", "invalid-field", "invalid-field", "invalid-field" };
    const char *fields[] = { "name", "email", "specialty", "home_site_id" };

    g_clear_error (&error);
    g_clear_pointer (&person->name, g_free);
    g_clear_pointer (&person->email, g_free);
    g_free (person->specialty);
    person->specialty = g_strdup ("astrology");
    person->home_site_id = 0;
    g_assert_false (eb_person_validate (person, &error));
    assert_violations (error, EB_ERROR_INVALID, rules, fields, 4);
  }
}

static void
test_session_validate (void)
{
  g_autoptr (EbSession) session = make_session ();
  g_autoptr (GError) error = NULL;

  g_assert_true (eb_session_validate (session, &error));
  g_assert_no_error (error);

  /* focus is optional; one-off sessions have no recurrence */
  g_clear_pointer (&session->focus, g_free);
  g_clear_pointer (&session->recurrence, eb_recurrence_free);
  g_assert_true (eb_session_validate (session, NULL));

  /* bounds that are still fine */
  session->duration_minutes = 1440;
  session->recurrence = eb_recurrence_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 52);
  session->recurrence->until = session->start;
  g_assert_true (eb_session_validate (session, NULL));

  /* what only the rule builder knows is checked too */
  {
    g_autoptr (GError) rule_error = NULL;
    GPtrArray *found;

    session->recurrence->last_weekday = TRUE;
    session->start += 7 * 24 * 3600; /* no longer near the month's end */
    session->recurrence->until = 0;
    session->recurrence->count = 3;
    g_assert_false (eb_session_validate (session, &rule_error));
    g_assert_error (rule_error, EB_ERROR, EB_ERROR_INVALID);
    found = eb_error_get_violations (rule_error);
    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (((EbViolation *)g_ptr_array_index (found, 0))->field, ==, "recurrence");
    session->recurrence->last_weekday = FALSE;
    session->recurrence->until = session->start + 3600; /* count and until */
    g_clear_error (&rule_error);
    g_assert_false (eb_session_validate (session, &rule_error));
    g_assert_error (rule_error, EB_ERROR, EB_ERROR_INVALID);
    session->start -= 7 * 24 * 3600;
    session->recurrence->last_weekday = FALSE;
    session->recurrence->count = 0;
    session->recurrence->until = session->start;
  }

  {
    const char *rules[]
        = { "invalid-field", "invalid-field", "invalid-field", "invalid-field", "invalid-field",
            "invalid-field", "invalid-field", "invalid-field", "invalid-field" };
    const char *fields[] = { "title",
                             "focus",
                             "host_site_id",
                             "start",
                             "duration_minutes",
                             "timezone",
                             "recurrence.interval",
                             "recurrence.count",
                             "recurrence.until" };

    g_free (session->title);
    session->title = g_strdup ("");
    g_free (session->focus);
    session->focus = g_strnfill (201, 'f');
    session->host_site_id = -1;
    session->duration_minutes = 1441;
    g_free (session->timezone);
    session->timezone = g_strdup ("Nowhere/Special");
    session->recurrence->interval = 53;
    session->recurrence->count = -1;
    /* an unset (negative) start, and an until before even that */
    session->start = -5;
    session->recurrence->until = -10;
    g_assert_false (eb_session_validate (session, &error));
    assert_violations (error, EB_ERROR_INVALID, rules, fields, G_N_ELEMENTS (fields));
  }

  {
    g_autoptr (EbSession) weekly = make_session ();
    const char *rules[] = { "invalid-field", "invalid-field", "invalid-field" };
    const char *fields[] = { "duration_minutes", "recurrence.interval", "recurrence.last_weekday" };

    g_clear_error (&error);
    weekly->duration_minutes = 0;
    weekly->recurrence->interval = 0;
    weekly->recurrence->last_weekday = TRUE;
    g_assert_false (eb_session_validate (weekly, &error));
    assert_violations (error, EB_ERROR_INVALID, rules, fields, 3);
  }
}

static void
test_agenda_validate (void)
{
  g_autoptr (EbAgendaItem) item = make_item ();
  g_autoptr (GError) error = NULL;

  g_assert_true (eb_agenda_item_validate (item, &error));
  g_assert_no_error (error);

  /* field problems: 400 (EB_ERROR_INVALID), every field named */
  {
    const char *rules[]
        = { "invalid-field", "invalid-field", "invalid-field", "invalid-field", "invalid-field" };
    const char *fields[]
        = { "presenting_site_id", "presenter_id", "summary", "question", "minutes" };

    item->presenting_site_id = 0;
    item->presenter_id = 0;
    g_free (item->summary);
    item->summary = g_strnfill (4001, 's');
    g_clear_pointer (&item->question, g_free);
    item->minutes = 241;
    g_assert_false (eb_agenda_item_validate (item, &error));
    assert_violations (error, EB_ERROR_INVALID, rules, fields, G_N_ELEMENTS (fields));
  }

  /* only identifiers: 422 (EB_ERROR_RULE_VIOLATED) with spans */
  {
    g_autoptr (EbAgendaItem) leaky = make_item ();
    const char *rules[] = { "deid-mrn", "deid-phone", "deid-dob" };
    const char *fields[] = { "summary", "question", "recommendation" };
    GPtrArray *violations;
    const EbViolation *v;

    g_clear_error (&error);
    g_free (leaky->summary);
    leaky->summary = g_strdup ("Seen for MRN 1234567, T2N0.");
    g_free (leaky->question);
    leaky->question = g_strdup ("Call 612-555-0199?");
    leaky->recommendation = g_strdup ("Resect; DOB 03/14/1961.");
    g_assert_false (eb_agenda_item_validate (leaky, &error));
    assert_violations (error, EB_ERROR_RULE_VIOLATED, rules, fields, 3);
    violations = eb_error_get_violations (error);
    v = g_ptr_array_index (violations, 0);
    g_assert_cmpint (v->span_start, ==, 9);
    g_assert_cmpint (v->span_end, ==, 20);
    v = g_ptr_array_index (violations, 1);
    g_assert_cmpint (v->span_start, ==, 5);
    g_assert_cmpint (v->span_end, ==, 17);
    v = g_ptr_array_index (violations, 2);
    g_assert_cmpint (v->span_start, ==, 8);
    g_assert_cmpint (v->span_end, ==, 22);
    /* the identifiers themselves never travel in the error */
    g_assert_null (strstr (error->message, "1234567"));
    g_assert_null (strstr (error->message, "555"));
    g_assert_null (strstr (error->message, "1961"));
  }

  /* both kinds at once: a malformed field makes it 400, all listed */
  {
    g_autoptr (EbAgendaItem) both = make_item ();
    const char *rules[] = { "invalid-field", "deid-email" };
    const char *fields[] = { "minutes", "summary" };

    g_clear_error (&error);
    both->minutes = 0;
    g_free (both->summary);
    both->summary = g_strdup ("Referred by jdoe@example.org.");
    g_assert_false (eb_agenda_item_validate (both, &error));
    assert_violations (error, EB_ERROR_INVALID, rules, fields, 2);
  }
}

/* Every timeline kind has one API name that reads back as itself; the
 * chair's move to another case is case-changed. */
static void
test_timeline_kinds (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (EbTimelineEvent) event = eb_timeline_event_new ();
  g_autoptr (EbTimelineEvent) copy = NULL;
  EbTimelineKind kind;

  for (guint value = 0; value <= EB_TIMELINE_CASE_CHANGED; value++)
    {
      const char *name = eb_timeline_kind_to_string ((EbTimelineKind)value);

      g_assert_nonnull (name);
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer)name);
      g_assert_true (eb_timeline_kind_from_string (name, &kind));
      g_assert_cmpint (kind, ==, value);
    }
  g_assert_cmpstr (eb_timeline_kind_to_string (EB_TIMELINE_CASE_CHANGED), ==, "case-changed");
  g_assert_true (eb_timeline_kind_from_string ("case-changed", &kind));
  g_assert_cmpint (kind, ==, EB_TIMELINE_CASE_CHANGED);
  g_assert_null (eb_timeline_kind_to_string ((EbTimelineKind)(EB_TIMELINE_CASE_CHANGED + 1)));
  g_assert_false (eb_timeline_kind_from_string ("case_changed", NULL));
  g_assert_false (eb_timeline_kind_from_string ("Case-Changed", NULL));

  event->kind = EB_TIMELINE_CASE_CHANGED;
  event->person_id = 12;
  event->detail = g_strdup ("31");
  copy = eb_timeline_event_copy (event);
  g_assert_cmpint (copy->kind, ==, EB_TIMELINE_CASE_CHANGED);
  g_assert_cmpstr (copy->detail, ==, "31");
  g_assert_true (copy->detail != event->detail);
  g_assert_null (copy->track);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/eboard/core/entities/timeline-kinds", test_timeline_kinds);
  g_test_add_func ("/eboard/core/entities/site-copy", test_site_copy);
  g_test_add_func ("/eboard/core/entities/person-copy", test_person_copy);
  g_test_add_func ("/eboard/core/entities/session-copy", test_session_copy);
  g_test_add_func ("/eboard/core/entities/roster-entry", test_roster_entry);
  g_test_add_func ("/eboard/core/entities/agenda-item", test_agenda_item_copy);
  g_test_add_func ("/eboard/core/entities/specialties", test_specialties);
  g_test_add_func ("/eboard/core/entities/site-validate", test_site_validate);
  g_test_add_func ("/eboard/core/entities/person-validate", test_person_validate);
  g_test_add_func ("/eboard/core/entities/session-validate", test_session_validate);
  g_test_add_func ("/eboard/core/entities/agenda-validate", test_agenda_validate);
  return g_test_run ();
}
