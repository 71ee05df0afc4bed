/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <eboard/eb-quorum.h>
#include <eboard/eb-specialty.h>

typedef struct
{
  GPtrArray *people;
  GPtrArray *entries;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer user_data)
{
  f->people = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_person_free);
  f->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_roster_entry_free);
}

static void
fixture_tear_down (Fixture *f, gconstpointer user_data)
{
  g_clear_pointer (&f->people, g_ptr_array_unref);
  g_clear_pointer (&f->entries, g_ptr_array_unref);
}

static void
add_person (Fixture *f, EbId id, const char *specialty)
{
  EbPerson *person = eb_person_new ();

  person->id = id;
  person->name = g_strdup_printf ("Person %" G_GINT64_FORMAT, id);
  person->specialty = g_strdup (specialty);
  person->home_site_id = 1;
  g_ptr_array_add (f->people, person);
}

static void
add_entry (Fixture *f, EbId person_id, EbRosterRole role, EbInvitationStatus status)
{
  EbRosterEntry *entry = eb_roster_entry_new ();

  entry->id = f->entries->len + 1;
  entry->session_id = 1;
  entry->person_id = person_id;
  entry->role = role;
  entry->status = status;
  g_ptr_array_add (f->entries, entry);
}

static const EbQuorumCoverage *
coverage_at (const EbQuorumReport *report, guint i)
{
  g_assert_cmpuint (i, <, report->covered->len);
  return g_ptr_array_index (report->covered, i);
}

static void
assert_ids (const EbQuorumCoverage *coverage, const EbId *ids, guint n)
{
  g_assert_cmpuint (coverage->person_ids->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (coverage->person_ids, EbId, i), ==, ids[i]);
}

static void
test_default_quorum_met (Fixture *f, gconstpointer user_data)
{
  const char *const *required = eb_specialty_default_quorum ();
  g_autoptr (EbQuorumReport) report = NULL;
  const EbId one[] = { 1 };
  const EbId surgeons[] = { 3, 7 };

  add_person (f, 1, "medical_oncology");
  add_person (f, 2, "radiation_oncology");
  add_person (f, 3, "surgery");
  add_person (f, 4, "pathology");
  add_person (f, 5, "diagnostic_radiology");
  add_person (f, 6, "nursing");
  add_person (f, 7, "surgery");
  /* roster order differs from the required order */
  add_entry (f, 5, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);
  add_entry (f, 7, EB_ROSTER_ROLE_PRESENTER, EB_INVITATION_ACCEPTED);
  add_entry (f, 4, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);
  add_entry (f, 3, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);
  add_entry (f, 2, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);
  add_entry (f, 1, EB_ROSTER_ROLE_CHAIR, EB_INVITATION_ACCEPTED);
  add_entry (f, 6, EB_ROSTER_ROLE_OBSERVER, EB_INVITATION_ACCEPTED);

  report = eb_quorum_evaluate (required, f->entries, f->people);
  g_assert_true (report->met);
  g_assert_nonnull (report->missing);
  g_assert_null (report->missing[0]);
  g_assert_cmpuint (report->covered->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (coverage_at (report, i)->specialty, ==, required[i]);
  assert_ids (coverage_at (report, 0), one, 1);
  /* both surgeons, in roster order */
  g_assert_cmpstr (coverage_at (report, 2)->specialty, ==, "surgery");
  {
    const EbId roster_order[] = { surgeons[1], surgeons[0] };
    assert_ids (coverage_at (report, 2), roster_order, 2);
  }
}

static void
test_only_accepted_count (Fixture *f, gconstpointer user_data)
{
  const char *required[]
      = { "medical_oncology", "radiation_oncology", "surgery", "pathology", NULL };
  g_autoptr (EbQuorumReport) report = NULL;
  const EbId accepted[] = { 4 };

  add_person (f, 1, "medical_oncology");
  add_person (f, 2, "radiation_oncology");
  add_person (f, 3, "surgery");
  add_person (f, 4, "pathology");
  add_entry (f, 1, EB_ROSTER_ROLE_CHAIR, EB_INVITATION_INVITED);
  add_entry (f, 2, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_DECLINED);
  add_entry (f, 3, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_TENTATIVE);
  add_entry (f, 4, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);

  report = eb_quorum_evaluate (required, f->entries, f->people);
  g_assert_false (report->met);
  g_assert_cmpuint (report->covered->len, ==, 1);
  g_assert_cmpstr (coverage_at (report, 0)->specialty, ==, "pathology");
  assert_ids (coverage_at (report, 0), accepted, 1);
  g_assert_cmpuint (g_strv_length (report->missing), ==, 3);
  g_assert_cmpstr (report->missing[0], ==, "medical_oncology");
  g_assert_cmpstr (report->missing[1], ==, "radiation_oncology");
  g_assert_cmpstr (report->missing[2], ==, "surgery");
}

static void
test_duplicates (Fixture *f, gconstpointer user_data)
{
  /* a specialty listed twice is reported once; a person on the roster
   * twice (bad data) counts once; a person missing from the people list
   * is ignored */
  const char *required[] = { "pathology", "surgery", "pathology", NULL };
  g_autoptr (EbQuorumReport) report = NULL;
  const EbId ids[] = { 4 };

  add_person (f, 4, "pathology");
  add_entry (f, 4, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);
  add_entry (f, 4, EB_ROSTER_ROLE_PRESENTER, EB_INVITATION_ACCEPTED);
  add_entry (f, 99, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);

  report = eb_quorum_evaluate (required, f->entries, f->people);
  g_assert_false (report->met);
  g_assert_cmpuint (report->covered->len, ==, 1);
  assert_ids (coverage_at (report, 0), ids, 1);
  g_assert_cmpuint (g_strv_length (report->missing), ==, 1);
  g_assert_cmpstr (report->missing[0], ==, "surgery");
}

static void
test_custom_required (Fixture *f, gconstpointer user_data)
{
  const char *required[] = { "genetics", "palliative_care", NULL };
  g_autoptr (EbQuorumReport) report = NULL;
  g_autoptr (EbQuorumReport) nothing_required = NULL;
  const char *none[] = { NULL };

  add_person (f, 1, "palliative_care");
  add_person (f, 2, "genetics");
  add_person (f, 3, "medical_oncology");
  add_entry (f, 1, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);
  add_entry (f, 2, EB_ROSTER_ROLE_OBSERVER, EB_INVITATION_ACCEPTED);
  add_entry (f, 3, EB_ROSTER_ROLE_CHAIR, EB_INVITATION_ACCEPTED);

  report = eb_quorum_evaluate (required, f->entries, f->people);
  g_assert_true (report->met);
  g_assert_cmpuint (report->covered->len, ==, 2);
  g_assert_cmpstr (coverage_at (report, 0)->specialty, ==, "genetics");
  g_assert_cmpint (g_array_index (coverage_at (report, 0)->person_ids, EbId, 0), ==, 2);
  g_assert_cmpstr (coverage_at (report, 1)->specialty, ==, "palliative_care");
  g_assert_cmpint (g_array_index (coverage_at (report, 1)->person_ids, EbId, 0), ==, 1);

  nothing_required = eb_quorum_evaluate (none, f->entries, f->people);
  g_assert_true (nothing_required->met);
  g_assert_cmpuint (nothing_required->covered->len, ==, 0);
  g_assert_null (nothing_required->missing[0]);
}

static void
test_empty_roster (Fixture *f, gconstpointer user_data)
{
  const char *const *required = eb_specialty_default_quorum ();
  g_autoptr (EbQuorumReport) report = eb_quorum_evaluate (required, f->entries, f->people);
  g_autoptr (EbQuorumReport) null_lists = eb_quorum_evaluate (required, NULL, NULL);

  g_assert_false (report->met);
  g_assert_cmpuint (report->covered->len, ==, 0);
  g_assert_cmpuint (g_strv_length (report->missing), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (report->missing[i], ==, required[i]);
  g_assert_false (null_lists->met);
  g_assert_cmpuint (g_strv_length (null_lists->missing), ==, 5);
  eb_quorum_report_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/eboard/core/quorum/default-met", Fixture, NULL, fixture_set_up,
              test_default_quorum_met, fixture_tear_down);
  g_test_add ("/eboard/core/quorum/only-accepted", Fixture, NULL, fixture_set_up,
              test_only_accepted_count, fixture_tear_down);
  g_test_add ("/eboard/core/quorum/duplicates", Fixture, NULL, fixture_set_up, test_duplicates,
              fixture_tear_down);
  g_test_add ("/eboard/core/quorum/custom-required", Fixture, NULL, fixture_set_up,
              test_custom_required, fixture_tear_down);
  g_test_add ("/eboard/core/quorum/empty-roster", Fixture, NULL, fixture_set_up, test_empty_roster,
              fixture_tear_down);
  return g_test_run ();
}
