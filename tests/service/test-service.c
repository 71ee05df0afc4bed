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
#include <eboard/eb-specialty.h>

/*
 * The use cases over a real store: each test gets a fresh SQLite file in
 * its own folder, an active hub in New York and an active member site in
 * Berlin.
 */

typedef struct
{
  char *dir;
  EbStore *store;
  EbService *service;
  EbPrincipal admin;
  EbPrincipal coordinator;
  EbPrincipal reviewer;
  EbPrincipal clinician;
  EbId hub_id;
  EbId member_id;
  guint n_people;
} Fixture;

#define NY "America/New_York"
#define BERLIN "Europe/Berlin"

static EbServiceSettings
test_settings (void)
{
  EbServiceSettings settings = {
    .required_specialties = NULL,
    .public_url = "http://127.0.0.1:9/",
    .organizer_email = "board@test.invalid",
    .uid_domain = "test.eboard.invalid",
  };
  return settings;
}

static gint64
local_time (const char *zone, gint year, gint month, gint day, gint hour, gint minute)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier (zone);
  g_autoptr (GDateTime) dt = NULL;

  g_assert_nonnull (tz);
  dt = g_date_time_new (tz, year, month, day, hour, minute, 0);
  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static gint64
utc_time (gint year, gint month, gint day, gint hour, gint minute)
{
  return local_time ("UTC", year, month, day, hour, minute);
}

static const EbViolation *
find_violation (const GError *error, const char *rule)
{
  GPtrArray *violations = eb_error_get_violations (error);

  g_assert_nonnull (violations);
  for (guint i = 0; i < violations->len; i++)
    {
      const EbViolation *v = g_ptr_array_index (violations, i);
      if (g_strcmp0 (v->rule, rule) == 0)
        return v;
    }
  return NULL;
}

static void
assert_violation (const GError *error, gint code, const char *rule, const char *field)
{
  const EbViolation *v;

  g_assert_error (error, EB_ERROR, code);
  v = find_violation (error, rule);
  if (v == NULL)
    g_error ("rule %s not among the violations of \"%s\"", rule, error->message);
  g_assert_cmpstr (v->field, ==, field);
  g_assert_nonnull (v->detail);
}

static guint
count_violations (const GError *error)
{
  GPtrArray *violations = eb_error_get_violations (error);
  return violations != NULL ? violations->len : 0;
}

static EbId
add_site (Fixture *f, const char *code, const char *zone, EbSiteStatus status, gboolean hub)
{
  g_autoptr (EbSite) input = eb_site_new ();
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) error = NULL;

  input->name = g_strdup_printf ("Site %s", code);
  input->code = g_strdup (code);
  input->timezone = g_strdup (zone);
  input->status = status;
  input->is_hub = hub;
  site = eb_service_create_site (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  g_assert_cmpint (site->id, >, 0);
  return site->id;
}

static EbPerson *
person_input (Fixture *f, const char *name, const char *specialty, EbId site_id)
{
  EbPerson *input = eb_person_new ();
  g_autofree char *local = g_ascii_strdown (name, -1);

  for (char *p = local; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        *p = '.';
    }
  input->name = g_strdup (name);
  input->email = g_strdup_printf ("%s.%u@example.org", local, ++f->n_people);
  input->specialty = g_strdup (specialty);
  input->home_site_id = site_id;
  input->active = TRUE;
  return input;
}

static EbId
add_person_full (Fixture *f, const char *name, const char *specialty, EbId site_id, gboolean active)
{
  g_autoptr (EbPerson) input = person_input (f, name, specialty, site_id);
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GError) error = NULL;

  input->active = active;
  person = eb_service_create_person (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  g_assert_cmpint (person->id, >, 0);
  return person->id;
}

static EbId
add_person (Fixture *f, const char *name, const char *specialty, EbId site_id)
{
  return add_person_full (f, name, specialty, site_id, TRUE);
}

static EbSession *
session_input (const char *title, EbId host, gint64 start, gint minutes, const char *zone)
{
  EbSession *input = eb_session_new ();

  input->title = g_strdup (title);
  input->focus = g_strdup ("Tumor board");
  input->host_site_id = host;
  input->start = start;
  input->duration_minutes = minutes;
  input->timezone = g_strdup (zone);
  return input;
}

static EbId
add_session_full (Fixture *f, const char *title, EbId host, gint64 start, gint minutes,
                  const char *zone, gboolean weekly)
{
  g_autoptr (EbSession) input = session_input (title, host, start, minutes, zone);
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  if (weekly)
    input->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  session = eb_service_create_session (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->id, >, 0);
  return session->id;
}

static EbId
add_session (Fixture *f, const char *title, gint64 start, gint minutes)
{
  return add_session_full (f, title, f->hub_id, start, minutes, NY, FALSE);
}

static EbRosterEntry *
try_entry (Fixture *f, EbId session_id, EbId person_id, EbRosterRole role, GPtrArray **warnings,
           GError **error)
{
  g_autoptr (EbRosterEntry) input = eb_roster_entry_new ();

  input->session_id = session_id;
  input->person_id = person_id;
  input->role = role;
  input->status = EB_INVITATION_INVITED;
  return eb_service_add_roster_entry (f->service, &f->coordinator, input, warnings, error);
}

static EbRosterEntry *
add_entry (Fixture *f, EbId session_id, EbId person_id, EbRosterRole role)
{
  g_autoptr (GError) error = NULL;
  EbRosterEntry *entry = try_entry (f, session_id, person_id, role, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entry);
  return entry;
}

static EbAgendaItem *
item_input (EbId session_id, EbId site_id, EbId presenter_id, gint minutes)
{
  EbAgendaItem *input = eb_agenda_item_new ();

  input->session_id = session_id;
  input->presenting_site_id = site_id;
  input->presenter_id = presenter_id;
  input->summary = g_strdup ("68-year-old with a pancreatic head mass, CA 19-9 elevated.");
  input->question = g_strdup ("Neoadjuvant therapy or upfront resection?");
  input->minutes = minutes;
  return input;
}

static EbAgendaItem *
add_item (Fixture *f, EbId session_id, EbId site_id, EbId presenter_id, gint minutes)
{
  g_autoptr (EbAgendaItem) input = item_input (session_id, site_id, presenter_id, minutes);
  g_autoptr (GError) error = NULL;
  EbAgendaItem *item;

  item = eb_service_add_agenda_item (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  return item;
}

/* ICS lines are folded at 75 octets: unfold before looking for a line. */
static char *
ics_unfold (const char *ics)
{
  g_autoptr (GString) out = g_string_new (ics);

  g_string_replace (out, "\r\n ", "", 0);
  g_string_replace (out, "\r\n\t", "", 0);
  g_string_replace (out, "\r\n", "\n", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static guint
count_lines_starting (const char *text, const char *prefix)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix))
        n++;
    }
  return n;
}

static gboolean
has_line_containing (const char *text, const char *prefix, const char *needle)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix) && strstr (lines[i], needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  EbServiceSettings settings = test_settings ();
  g_autoptr (GError) error = NULL;

  f->store = eb_service_test_open_store_in ("eb-service-XXXXXX", &f->dir);
  f->service = eb_service_new (f->store, &settings);

  f->admin = (EbPrincipal){ .token_id = 1, .person_id = 0, .role = EB_ROLE_ADMIN };
  f->coordinator = (EbPrincipal){ .token_id = 2, .person_id = 0, .role = EB_ROLE_COORDINATOR };
  f->reviewer = (EbPrincipal){ .token_id = 3, .person_id = 0, .role = EB_ROLE_REVIEWER };
  f->clinician = (EbPrincipal){ .token_id = 4, .person_id = 0, .role = EB_ROLE_CLINICIAN };

  f->hub_id = add_site (f, "HUB", NY, EB_SITE_STATUS_ACTIVE, TRUE);
  f->member_id = add_site (f, "BER", BERLIN, EB_SITE_STATUS_ACTIVE, FALSE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  eb_service_test_close (&f->service, &f->store);
  eb_service_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* --- sites --- */

static void
test_sites_single_hub (Fixture *f, gconstpointer data)
{
  g_autoptr (EbSite) second = eb_site_new ();
  g_autoptr (EbSite) created = NULL;
  g_autoptr (EbSite) hub = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sites = NULL;
  guint total = 0;

  second->name = g_strdup ("Second hub");
  second->code = g_strdup ("HUB-2");
  second->timezone = g_strdup (BERLIN);
  second->status = EB_SITE_STATUS_ACTIVE;
  second->is_hub = TRUE;
  created = eb_service_create_site (f->service, &f->admin, second, &error);
  g_assert_null (created);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "single-hub", "is_hub");
  g_clear_error (&error);

  /* Nothing was written. */
  sites = eb_service_list_sites (f->service, &f->admin, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 2);
  g_assert_cmpuint (sites->len, ==, 2);

  hub = eb_service_get_site (f->service, &f->admin, f->hub_id, &error);
  g_assert_no_error (error);
  g_assert_true (hub->is_hub);

  /* The hub neither pauses, nor leaves, nor stops being the hub. */
  {
    const EbSiteStatus bad[] = { EB_SITE_STATUS_SUSPENDED, EB_SITE_STATUS_WITHDRAWN };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (EbSite) desired = eb_site_copy (hub);
        g_autoptr (EbSite) updated = NULL;

        desired->status = bad[i];
        updated = eb_service_update_site (f->service, &f->admin, desired, &error);
        g_assert_null (updated);
        assert_violation (error, EB_ERROR_RULE_VIOLATED, "single-hub", "status");
        g_clear_error (&error);
      }
  }
  {
    g_autoptr (EbSite) desired = eb_site_copy (hub);
    g_autoptr (EbSite) updated = NULL;

    desired->is_hub = FALSE;
    updated = eb_service_update_site (f->service, &f->admin, desired, &error);
    g_assert_null (updated);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "single-hub", "is_hub");
    g_clear_error (&error);
  }
  {
    g_autoptr (EbSite) desired = NULL;
    g_autoptr (EbSite) updated = NULL;

    /* A member cannot become a second hub either. */
    desired = eb_service_get_site (f->service, &f->admin, f->member_id, &error);
    g_assert_no_error (error);
    desired->is_hub = TRUE;
    updated = eb_service_update_site (f->service, &f->admin, desired, &error);
    g_assert_null (updated);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "single-hub", "is_hub");
    g_clear_error (&error);
  }

  g_assert_false (eb_service_delete_site (f->service, &f->admin, f->hub_id, 0, &error));
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "single-hub", NULL);
  g_clear_error (&error);

  /* Still the hub, unchanged. */
  g_clear_pointer (&hub, eb_site_free);
  hub = eb_service_get_site (f->service, &f->admin, f->hub_id, &error);
  g_assert_no_error (error);
  g_assert_true (hub->is_hub);
  g_assert_cmpint (hub->status, ==, EB_SITE_STATUS_ACTIVE);
}

static void
test_sites_life_cycle (Fixture *f, gconstpointer data)
{
  g_autoptr (EbSite) site = NULL;
  g_autoptr (EbSite) bad = eb_site_new ();
  g_autoptr (EbSite) dup = eb_site_new ();
  g_autoptr (EbSite) none = NULL;
  g_autoptr (GError) error = NULL;
  EbId id = add_site (f, "APP", BERLIN, EB_SITE_STATUS_APPLICANT, FALSE);
  gint64 first_version;

  site = eb_service_get_site (f->service, &f->admin, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (site->status, ==, EB_SITE_STATUS_APPLICANT);
  first_version = site->version;

  /* applicant -> active skips vetting. */
  {
    g_autoptr (EbSite) desired = eb_site_copy (site);
    g_autoptr (EbSite) updated = NULL;

    desired->status = EB_SITE_STATUS_ACTIVE;
    updated = eb_service_update_site (f->service, &f->admin, desired, &error);
    g_assert_null (updated);
    g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  {
    const EbSiteStatus path[]
        = { EB_SITE_STATUS_VETTED, EB_SITE_STATUS_ACTIVE, EB_SITE_STATUS_SUSPENDED,
            EB_SITE_STATUS_ACTIVE, EB_SITE_STATUS_WITHDRAWN };
    for (guint i = 0; i < G_N_ELEMENTS (path); i++)
      {
        g_autoptr (EbSite) desired = eb_site_copy (site);
        EbSite *updated;

        desired->status = path[i];
        updated = eb_service_update_site (f->service, &f->coordinator, desired, &error);
        g_assert_no_error (error);
        g_assert_cmpint (updated->status, ==, path[i]);
        g_assert_cmpint (updated->version, >, site->version);
        eb_site_free (site);
        site = updated;
      }
  }
  /* withdrawn is final. */
  {
    g_autoptr (EbSite) desired = eb_site_copy (site);
    g_autoptr (EbSite) updated = NULL;

    desired->status = EB_SITE_STATUS_ACTIVE;
    updated = eb_service_update_site (f->service, &f->admin, desired, &error);
    g_assert_null (updated);
    g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  /* A stale write is refused and names the versions. */
  {
    g_autoptr (EbSite) desired = eb_site_copy (site);
    g_autoptr (EbSite) updated = NULL;
    g_autofree char *expected = NULL;

    desired->name = (g_free (desired->name), g_strdup ("Renamed"));
    desired->version = first_version;
    updated = eb_service_update_site (f->service, &f->admin, desired, &error);
    g_assert_null (updated);
    g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
    expected = g_strdup_printf ("site %" G_GINT64_FORMAT " changed since version %" G_GINT64_FORMAT,
                                id, first_version);
    g_assert_cmpstr (error->message, ==, expected);
    g_clear_error (&error);
  }

  /* Field checks come back as EB_ERROR_INVALID naming the field. */
  bad->name = g_strdup ("Bad");
  bad->code = g_strdup ("x");
  bad->timezone = g_strdup (BERLIN);
  none = eb_service_create_site (f->service, &f->admin, bad, &error);
  g_assert_null (none);
  assert_violation (error, EB_ERROR_INVALID, "invalid-field", "code");
  g_clear_error (&error);

  /* The code is unique. */
  dup->name = g_strdup ("Duplicate");
  dup->code = g_strdup ("BER");
  dup->timezone = g_strdup (BERLIN);
  none = eb_service_create_site (f->service, &f->admin, dup, &error);
  g_assert_null (none);
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Delete checks the version too. */
  g_assert_false (eb_service_delete_site (f->service, &f->admin, id, first_version, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  g_clear_error (&error);
  g_assert_true (eb_service_delete_site (f->service, &f->admin, id, site->version, &error));
  g_assert_no_error (error);
  none = eb_service_get_site (f->service, &f->admin, id, &error);
  g_assert_null (none);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

/* --- people --- */

static void
test_people (Fixture *f, gconstpointer data)
{
  g_autoptr (EbPerson) input = person_input (f, "Ada Byron", "pathology", 9999);
  g_autoptr (EbPerson) none = NULL;
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (EbPerson) updated = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  EbPersonFilter filter = { .site_id = 0, .specialty = NULL, .active = -1 };
  guint total = 0;

  none = eb_service_create_person (f->service, &f->coordinator, input, &error);
  g_assert_null (none);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "unknown-site", "home_site_id");
  g_clear_error (&error);

  input->home_site_id = f->member_id;
  input->email = (g_free (input->email), g_strdup ("not an address"));
  none = eb_service_create_person (f->service, &f->coordinator, input, &error);
  g_assert_null (none);
  assert_violation (error, EB_ERROR_INVALID, "invalid-field", "email");
  g_clear_error (&error);

  input->email = (g_free (input->email), g_strdup ("ada@example.org"));
  person = eb_service_create_person (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  g_assert_cmpint (person->home_site_id, ==, f->member_id);
  add_person (f, "Bob Hub", "surgery", f->hub_id);

  filter.site_id = f->member_id;
  list = eb_service_list_people (f->service, &f->clinician, &filter, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpstr (((EbPerson *)g_ptr_array_index (list, 0))->name, ==, "Ada Byron");

  {
    g_autoptr (EbPerson) desired = eb_person_copy (person);

    desired->home_site_id = 4242;
    none = eb_service_update_person (f->service, &f->admin, desired, &error);
    g_assert_null (none);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "unknown-site", "home_site_id");
    g_clear_error (&error);

    desired->home_site_id = f->hub_id;
    desired->name = (g_free (desired->name), g_strdup ("Ada Lovelace"));
    updated = eb_service_update_person (f->service, &f->admin, desired, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (updated->name, ==, "Ada Lovelace");
    g_assert_cmpint (updated->version, >, person->version);

    /* Writing again from the old version is stale. */
    none = eb_service_update_person (f->service, &f->admin, desired, &error);
    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
    g_clear_error (&error);
  }

  g_assert_true (
      eb_service_delete_person (f->service, &f->admin, person->id, updated->version, &error));
  g_assert_no_error (error);
  none = eb_service_get_person (f->service, &f->clinician, person->id, &error);
  g_assert_null (none);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

/* --- authorisation --- */

static void
test_authz_roles (Fixture *f, gconstpointer data)
{
  EbId me = add_person (f, "Clara Clinician", "surgery", f->hub_id);
  EbId other = add_person (f, "Otto Other", "pathology", f->hub_id);
  gint64 start = utc_time (2030, 5, 7, 15, 0);
  EbId mine = add_session (f, "Mine", start, 60);
  EbId theirs = add_session (f, "Theirs", start + 86400, 60);
  g_autoptr (EbRosterEntry) my_entry = NULL;
  g_autoptr (EbRosterEntry) other_entry = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) absent_error = NULL;
  guint total = 0;

  f->clinician.person_id = me;
  my_entry = add_entry (f, mine, me, EB_ROSTER_ROLE_PANELIST);
  other_entry = add_entry (f, mine, other, EB_ROSTER_ROLE_CHAIR);
  g_clear_pointer (&other_entry, eb_roster_entry_free);
  other_entry = add_entry (f, theirs, other, EB_ROSTER_ROLE_CHAIR);

  /* Writes: admin and coordinator only. */
  {
    g_autoptr (EbSite) input = eb_site_new ();
    g_autoptr (EbPerson) person = person_input (f, "Nobody", "surgery", f->hub_id);
    g_autoptr (EbSite) site = NULL;
    g_autoptr (EbPerson) created = NULL;

    input->name = g_strdup ("Clinic");
    input->code = g_strdup ("CLIN");
    input->timezone = g_strdup (NY);
    site = eb_service_create_site (f->service, &f->clinician, input, &error);
    g_assert_null (site);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_assert_cmpstr (error->message, ==, "role clinician may not create sites");
    g_clear_error (&error);

    created = eb_service_create_person (f->service, &f->reviewer, person, &error);
    g_assert_null (created);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_assert_cmpstr (error->message, ==, "role reviewer may not create people");
    g_clear_error (&error);

    created = eb_service_create_person (f->service, &f->admin, person, &error);
    g_assert_no_error (error);
    g_assert_nonnull (created);
  }
  {
    g_autoptr (EbSession) none = NULL;

    none = eb_service_transition_session (f->service, &f->clinician, mine,
                                          EB_SESSION_STATE_CANCELLED, 0, &error);
    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);
  }

  /* Reads: everyone reads the directory. */
  {
    g_autoptr (EbSite) site = eb_service_get_site (f->service, &f->clinician, f->hub_id, &error);
    g_autoptr (GPtrArray) people = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (site);
    people = eb_service_list_people (f->service, &f->clinician, NULL, NULL, &total, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (total, ==, 3);
  }

  /* A clinician sees the sessions they are on, and nothing of the others:
   * a hidden session reads exactly like an absent one. */
  {
    g_autoptr (EbSession) seen = NULL;
    g_autoptr (EbSession) hidden = NULL;
    g_autoptr (EbSession) absent = NULL;
    g_autoptr (GPtrArray) list = NULL;
    g_autoptr (GPtrArray) roster = NULL;
    g_autoptr (EbQuorumReport) quorum = NULL;
    g_autofree char *ics = NULL;

    seen = eb_service_get_session (f->service, &f->clinician, mine, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (seen->title, ==, "Mine");

    hidden = eb_service_get_session (f->service, &f->clinician, theirs, &error);
    g_assert_null (hidden);
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
    absent = eb_service_get_session (f->service, &f->clinician, theirs + 1000, &absent_error);
    g_assert_null (absent);
    g_assert_error (absent_error, EB_ERROR, EB_ERROR_NOT_FOUND);
    {
      g_autofree char *expected_hidden
          = g_strdup_printf ("session %" G_GINT64_FORMAT " not found", theirs);
      g_autofree char *expected_absent
          = g_strdup_printf ("session %" G_GINT64_FORMAT " not found", theirs + 1000);
      g_assert_cmpstr (error->message, ==, expected_hidden);
      g_assert_cmpstr (absent_error->message, ==, expected_absent);
    }
    g_clear_error (&error);

    list = eb_service_list_sessions (f->service, &f->clinician, NULL, NULL, &total, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (total, ==, 1);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpint (((EbSession *)g_ptr_array_index (list, 0))->id, ==, mine);

    roster = eb_service_list_roster (f->service, &f->clinician, mine, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (roster->len, ==, 2);
    g_clear_pointer (&roster, g_ptr_array_unref);
    roster = eb_service_list_roster (f->service, &f->clinician, theirs, &error);
    g_assert_null (roster);
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
    g_clear_error (&error);

    quorum = eb_service_quorum (f->service, &f->clinician, theirs, &error);
    g_assert_null (quorum);
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
    g_clear_error (&error);

    ics = eb_service_session_invitation (f->service, &f->clinician, theirs, &error);
    g_assert_null (ics);
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
    g_clear_error (&error);
    ics = eb_service_session_invitation (f->service, &f->clinician, mine, &error);
    g_assert_no_error (error);
    g_assert_nonnull (ics);
  }

  /* Reviewers read everything and write nothing. */
  {
    g_autoptr (EbSession) seen = eb_service_get_session (f->service, &f->reviewer, theirs, &error);
    g_autoptr (GPtrArray) list = NULL;
    g_autoptr (EbRosterEntry) none = NULL;
    g_autoptr (EbRosterEntry) desired = eb_roster_entry_copy (my_entry);

    g_assert_no_error (error);
    g_assert_nonnull (seen);
    list = eb_service_list_sessions (f->service, &f->reviewer, NULL, NULL, &total, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (total, ==, 2);

    desired->status = EB_INVITATION_ACCEPTED;
    none = eb_service_update_roster_entry (f->service, &f->reviewer, desired, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);
  }

  /* A clinician answers their own invitation, and only that. */
  {
    g_autoptr (EbRosterEntry) desired = eb_roster_entry_copy (my_entry);
    g_autoptr (EbRosterEntry) updated = NULL;
    g_autoptr (EbRosterEntry) none = NULL;
    g_autoptr (GPtrArray) roster = NULL;

    desired->status = EB_INVITATION_ACCEPTED;
    updated = eb_service_update_roster_entry (f->service, &f->clinician, desired, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (updated->status, ==, EB_INVITATION_ACCEPTED);
    g_assert_cmpint (updated->role, ==, EB_ROSTER_ROLE_PANELIST);

    desired->version = updated->version;
    desired->role = EB_ROSTER_ROLE_CHAIR;
    none = eb_service_update_roster_entry (f->service, &f->clinician, desired, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);

    roster = eb_service_list_roster (f->service, &f->coordinator, mine, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < roster->len; i++)
      {
        g_autoptr (EbRosterEntry) theirs_desired
            = eb_roster_entry_copy (g_ptr_array_index (roster, i));
        g_autoptr (EbRosterEntry) changed = NULL;

        if (theirs_desired->person_id == me)
          continue;
        theirs_desired->status = EB_INVITATION_DECLINED;
        changed = eb_service_update_roster_entry (f->service, &f->clinician, theirs_desired, NULL,
                                                  &error);
        g_assert_null (changed);
        g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
        g_clear_error (&error);
      }

    /* Adding to a roster is a coordinator's job. */
    {
      g_autoptr (EbRosterEntry) input = eb_roster_entry_new ();
      input->session_id = mine;
      input->person_id = me;
      none = eb_service_add_roster_entry (f->service, &f->clinician, input, NULL, &error);
      g_assert_null (none);
      g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
      g_clear_error (&error);
    }
  }

  /* Tokens are for admins. */
  {
    g_autofree char *secret = NULL;
    g_autoptr (EbToken) token = NULL;
    g_autoptr (GPtrArray) tokens = NULL;

    token = eb_service_create_token (f->service, &f->coordinator, me, EB_ROLE_CLINICIAN, "x", 0,
                                     &secret, &error);
    g_assert_null (token);
    g_assert_null (secret);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);
    tokens = eb_service_list_tokens (f->service, &f->reviewer, 0, NULL, &total, &error);
    g_assert_null (tokens);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);
    g_assert_false (eb_service_revoke_token (f->service, &f->coordinator, 1, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);
  }

  /* A person's calendar: admin, coordinator, reviewer, or the person. */
  {
    g_autofree char *own = NULL;
    g_autofree char *foreign = NULL;
    g_autofree char *reviewed = NULL;

    own = eb_service_person_calendar (f->service, &f->clinician, me, &error);
    g_assert_no_error (error);
    g_assert_nonnull (own);
    foreign = eb_service_person_calendar (f->service, &f->clinician, other, &error);
    g_assert_null (foreign);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);
    reviewed = eb_service_person_calendar (f->service, &f->reviewer, other, &error);
    g_assert_no_error (error);
    g_assert_nonnull (reviewed);
  }
}

/* --- sessions and their state --- */

static void
test_sessions_create_update_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (EbSession) input = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbSession) none = NULL;
  g_autoptr (GError) error = NULL;
  EbId suspended = add_site (f, "SUS", BERLIN, EB_SITE_STATUS_SUSPENDED, FALSE);
  EbId chair = add_person (f, "Chair", "medical_oncology", f->hub_id);
  gint64 start = utc_time (2030, 6, 4, 14, 0);

  /* Created in draft, whatever the input says. */
  input = session_input ("GI board", f->hub_id, start, 60, NY);
  input->state = EB_SESSION_STATE_SCHEDULED;
  session = eb_service_create_session (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, EB_SESSION_STATE_DRAFT);
  g_assert_cmpint (session->start, ==, start);

  /* The host site exists and is active. */
  input->host_site_id = suspended;
  none = eb_service_create_session (f->service, &f->coordinator, input, &error);
  g_assert_null (none);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "host-site-not-active", "host_site_id");
  g_clear_error (&error);
  input->host_site_id = 31337;
  none = eb_service_create_session (f->service, &f->coordinator, input, &error);
  g_assert_null (none);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "host-site-not-active", "host_site_id");
  g_clear_error (&error);
  input->host_site_id = f->hub_id;
  input->duration_minutes = 0;
  none = eb_service_create_session (f->service, &f->coordinator, input, &error);
  g_assert_null (none);
  assert_violation (error, EB_ERROR_INVALID, "invalid-field", "duration_minutes");
  g_clear_error (&error);

  /* Draft sessions change; a stale write does not. */
  {
    g_autoptr (EbSession) desired = eb_session_copy (session);
    EbSession *updated;

    desired->title = (g_free (desired->title), g_strdup ("GI tumor board"));
    desired->state = EB_SESSION_STATE_LIVE; /* ignored: states move by transition */
    updated = eb_service_update_session (f->service, &f->coordinator, desired, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (updated->title, ==, "GI tumor board");
    g_assert_cmpint (updated->state, ==, EB_SESSION_STATE_DRAFT);
    g_assert_cmpint (updated->version, >, session->version);

    none = eb_service_update_session (f->service, &f->coordinator, desired, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
    g_clear_error (&error);
    eb_session_free (session);
    session = updated;
  }

  /* A new host must be active too. */
  {
    g_autoptr (EbSession) desired = eb_session_copy (session);

    desired->host_site_id = suspended;
    none = eb_service_update_session (f->service, &f->coordinator, desired, NULL, &error);
    g_assert_null (none);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "host-site-not-active", "host_site_id");
    g_clear_error (&error);
  }

  /* Scheduled sessions still change; cancelled ones do not. */
  {
    g_autoptr (EbRosterEntry) entry = add_entry (f, session->id, chair, EB_ROSTER_ROLE_CHAIR);
    g_autoptr (EbSession) desired = NULL;
    EbSession *scheduled;

    scheduled
        = eb_service_transition_session (f->service, &f->coordinator, session->id,
                                         EB_SESSION_STATE_SCHEDULED, session->version, &error);
    g_assert_no_error (error);
    g_assert_cmpint (scheduled->state, ==, EB_SESSION_STATE_SCHEDULED);
    eb_session_free (session);
    session = scheduled;

    desired = eb_session_copy (session);
    desired->duration_minutes = 90;
    scheduled = eb_service_update_session (f->service, &f->coordinator, desired, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (scheduled->duration_minutes, ==, 90);
    g_assert_cmpint (scheduled->state, ==, EB_SESSION_STATE_SCHEDULED);
    eb_session_free (session);
    session = scheduled;
  }

  g_assert_false (eb_service_delete_session (f->service, &f->coordinator, session->id, 0, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  {
    EbSession *cancelled;
    g_autoptr (EbSession) desired = NULL;

    cancelled = eb_service_transition_session (f->service, &f->admin, session->id,
                                               EB_SESSION_STATE_CANCELLED, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cancelled->state, ==, EB_SESSION_STATE_CANCELLED);
    eb_session_free (session);
    session = cancelled;

    desired = eb_session_copy (session);
    desired->duration_minutes = 30;
    none = eb_service_update_session (f->service, &f->coordinator, desired, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  g_assert_true (eb_service_delete_session (f->service, &f->coordinator, session->id,
                                            session->version, &error));
  g_assert_no_error (error);
  none = eb_service_get_session (f->service, &f->admin, session->id, &error);
  g_assert_null (none);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A draft is deleted too. */
  {
    EbId draft = add_session (f, "Draft", start + 7 * 86400, 30);
    g_assert_true (eb_service_delete_session (f->service, &f->coordinator, draft, 0, &error));
    g_assert_no_error (error);
  }
}

static void
test_sessions_transitions (Fixture *f, gconstpointer data)
{
  gint64 start = utc_time (2030, 6, 4, 14, 0);
  EbId id = add_session (f, "Thoracic board", start, 30);
  EbId presenter = add_person (f, "Presenter", "pathology", f->member_id);
  EbId chair = add_person (f, "Chair", "medical_oncology", f->hub_id);
  g_autoptr (EbRosterEntry) p_entry = add_entry (f, id, presenter, EB_ROSTER_ROLE_PRESENTER);
  g_autoptr (EbAgendaItem) first = add_item (f, id, f->member_id, presenter, 20);
  g_autoptr (EbAgendaItem) second = add_item (f, id, f->member_id, presenter, 20);
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  /* Both rules are broken and both are reported, in one error. */
  session = eb_service_transition_session (f->service, &f->coordinator, id,
                                           EB_SESSION_STATE_SCHEDULED, 0, &error);
  g_assert_null (session);
  g_assert_error (error, EB_ERROR, EB_ERROR_RULE_VIOLATED);
  g_assert_cmpuint (count_violations (error), ==, 2);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "schedule-requires-chair", "roster");
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "agenda-exceeds-duration", "duration_minutes");
  g_assert_nonnull (strstr (find_violation (error, "agenda-exceeds-duration")->detail, "40"));
  g_clear_error (&error);

  /* Draft -> live skips scheduling. */
  session = eb_service_transition_session (f->service, &f->coordinator, id, EB_SESSION_STATE_LIVE,
                                           0, &error);
  g_assert_null (session);
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  {
    g_autoptr (EbRosterEntry) c_entry = add_entry (f, id, chair, EB_ROSTER_ROLE_CHAIR);
    session = eb_service_transition_session (f->service, &f->coordinator, id,
                                             EB_SESSION_STATE_SCHEDULED, 0, &error);
    g_assert_null (session);
    g_assert_cmpuint (count_violations (error), ==, 1);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "agenda-exceeds-duration", "duration_minutes");
    g_clear_error (&error);
  }

  g_assert_true (
      eb_service_remove_agenda_item (f->service, &f->coordinator, id, second->id, 0, &error));
  g_assert_no_error (error);

  /* A stale version is refused before anything else. */
  session = eb_service_transition_session (f->service, &f->coordinator, id,
                                           EB_SESSION_STATE_SCHEDULED, 9999, &error);
  g_assert_null (session);
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  g_clear_error (&error);

  session = eb_service_transition_session (f->service, &f->coordinator, id,
                                           EB_SESSION_STATE_SCHEDULED, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, EB_SESSION_STATE_SCHEDULED);
  g_clear_pointer (&session, eb_session_free);

  session = eb_service_transition_session (f->service, &f->coordinator, id,
                                           EB_SESSION_STATE_SCHEDULED, 0, &error);
  g_assert_null (session);
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  session = eb_service_transition_session (f->service, &f->coordinator, id,
                                           EB_SESSION_STATE_CANCELLED, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, EB_SESSION_STATE_CANCELLED);
  g_clear_pointer (&session, eb_session_free);

  session = eb_service_transition_session (f->service, &f->coordinator, id,
                                           EB_SESSION_STATE_SCHEDULED, 0, &error);
  g_assert_null (session);
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  /* A cancelled session takes no roster or agenda changes. */
  {
    EbId late = add_person (f, "Late", "surgery", f->hub_id);
    g_autoptr (EbRosterEntry) none = try_entry (f, id, late, EB_ROSTER_ROLE_OBSERVER, NULL, &error);
    g_autoptr (EbAgendaItem) input = item_input (id, f->member_id, presenter, 5);
    g_autoptr (EbAgendaItem) item = NULL;

    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
    g_clear_error (&error);
    item = eb_service_add_agenda_item (f->service, &f->coordinator, input, &error);
    g_assert_null (item);
    g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
    g_clear_error (&error);
  }
}

/* --- roster rules --- */

static void
test_roster_rules (Fixture *f, gconstpointer data)
{
  EbId suspended = add_site (f, "SUS", BERLIN, EB_SITE_STATUS_SUSPENDED, FALSE);
  EbId inactive = add_person_full (f, "Inactive", "surgery", f->hub_id, FALSE);
  EbId far = add_person (f, "Far", "surgery", suspended);
  EbId both = add_person_full (f, "Both", "surgery", suspended, FALSE);
  EbId fine = add_person (f, "Fine", "surgery", f->member_id);
  EbId id = add_session (f, "Board", utc_time (2030, 6, 4, 14, 0), 60);
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GPtrArray) roster = NULL;
  g_autoptr (GError) error = NULL;

  entry = try_entry (f, id, inactive, EB_ROSTER_ROLE_PANELIST, NULL, &error);
  g_assert_null (entry);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "person-not-active", "person_id");
  g_assert_cmpuint (count_violations (error), ==, 1);
  g_clear_error (&error);

  entry = try_entry (f, id, far, EB_ROSTER_ROLE_PANELIST, NULL, &error);
  g_assert_null (entry);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "site-not-active", "person_id");
  g_assert_cmpuint (count_violations (error), ==, 1);
  g_clear_error (&error);

  entry = try_entry (f, id, both, EB_ROSTER_ROLE_PANELIST, NULL, &error);
  g_assert_null (entry);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "person-not-active", "person_id");
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "site-not-active", "person_id");
  g_assert_cmpuint (count_violations (error), ==, 2);
  g_clear_error (&error);

  entry = try_entry (f, id, 777777, EB_ROSTER_ROLE_PANELIST, NULL, &error);
  g_assert_null (entry);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "unknown-person", "person_id");
  g_clear_error (&error);

  entry = try_entry (f, 777777, fine, EB_ROSTER_ROLE_PANELIST, NULL, &error);
  g_assert_null (entry);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* None of the refused entries was written. */
  roster = eb_service_list_roster (f->service, &f->admin, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster->len, ==, 0);
  g_clear_pointer (&roster, g_ptr_array_unref);

  entry = try_entry (f, id, fine, EB_ROSTER_ROLE_PANELIST, &warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_nonnull (warnings);
  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpint (entry->session_id, ==, id);
  g_assert_cmpint (entry->status, ==, EB_INVITATION_INVITED);
  g_clear_pointer (&entry, eb_roster_entry_free);

  /* A person appears once per session. */
  entry = try_entry (f, id, fine, EB_ROSTER_ROLE_OBSERVER, NULL, &error);
  g_assert_null (entry);
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  roster = eb_service_list_roster (f->service, &f->reviewer, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster->len, ==, 1);

  /* An entry is reached through its own session only. */
  {
    EbId other = add_session (f, "Other", utc_time (2030, 6, 5, 14, 0), 60);
    const EbRosterEntry *e = g_ptr_array_index (roster, 0);
    g_autoptr (EbRosterEntry) got
        = eb_service_get_roster_entry (f->service, &f->admin, id, e->id, &error);
    g_autoptr (EbRosterEntry) wrong = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (got->person_id, ==, fine);
    wrong = eb_service_get_roster_entry (f->service, &f->admin, other, e->id, &error);
    g_assert_null (wrong);
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
    g_clear_error (&error);

    /* Stale removal, then removal. */
    g_assert_false (eb_service_remove_roster_entry (f->service, &f->coordinator, id, e->id,
                                                    e->version + 5, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
    g_clear_error (&error);
    g_assert_true (eb_service_remove_roster_entry (f->service, &f->coordinator, id, e->id,
                                                   e->version, &error));
    g_assert_no_error (error);
  }
}

static void
test_roster_presenter_with_items (Fixture *f, gconstpointer data)
{
  EbId id = add_session (f, "Board", utc_time (2030, 6, 4, 14, 0), 60);
  EbId presenter = add_person (f, "Presenter", "pathology", f->member_id);
  g_autoptr (EbRosterEntry) entry = add_entry (f, id, presenter, EB_ROSTER_ROLE_PRESENTER);
  g_autoptr (EbAgendaItem) item = add_item (f, id, f->member_id, presenter, 15);
  g_autoptr (EbRosterEntry) desired = eb_roster_entry_copy (entry);
  g_autoptr (EbRosterEntry) none = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_false (
      eb_service_remove_roster_entry (f->service, &f->coordinator, id, entry->id, 0, &error));
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "presenter-has-agenda-items", "person_id");
  g_clear_error (&error);

  desired->role = EB_ROSTER_ROLE_PANELIST;
  none = eb_service_update_roster_entry (f->service, &f->coordinator, desired, NULL, &error);
  g_assert_null (none);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "presenter-has-agenda-items", "person_id");
  g_clear_error (&error);

  g_assert_true (
      eb_service_remove_agenda_item (f->service, &f->coordinator, id, item->id, 0, &error));
  g_assert_no_error (error);
  g_assert_true (
      eb_service_remove_roster_entry (f->service, &f->coordinator, id, entry->id, 0, &error));
  g_assert_no_error (error);
}

/*
 * A weekly board at 09:00 New York time against one-off boards in Berlin
 * in the weeks between the US (8 March 2026) and the EU (29 March 2026)
 * daylight-saving changes: on Tuesday 10 March the New York board runs
 * 13:00-14:00 UTC (it ran 14:00-15:00 UTC in January). A Berlin board at
 * 14:00 CET (13:00 UTC) therefore overlaps, one at 15:00 CET (14:00 UTC)
 * only touches it.
 */
static void
test_conflicts_dst (Fixture *f, gconstpointer data)
{
  gint64 series_start = local_time (NY, 2026, 1, 6, 9, 0);
  gint64 berlin_13utc = local_time (BERLIN, 2026, 3, 10, 14, 0);
  gint64 berlin_14utc = local_time (BERLIN, 2026, 3, 10, 15, 0);
  EbId weekly, overlapping, touching;
  EbId chair = add_person (f, "Chair", "medical_oncology", f->hub_id);
  EbId presenter = add_person (f, "Presenter", "pathology", f->hub_id);
  EbId panelist = add_person (f, "Panelist", "surgery", f->member_id);
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *weekly_ref = NULL;
  const EbViolation *v;

  g_assert_cmpint (series_start, ==, utc_time (2026, 1, 6, 14, 0));
  g_assert_cmpint (berlin_13utc, ==, utc_time (2026, 3, 10, 13, 0));

  weekly = add_session_full (f, "Weekly GI", f->hub_id, series_start, 60, NY, TRUE);
  overlapping
      = add_session_full (f, "Berlin thoracic", f->member_id, berlin_13utc, 60, BERLIN, FALSE);
  touching = add_session_full (f, "Berlin breast", f->member_id, berlin_14utc, 60, BERLIN, FALSE);
  weekly_ref = g_strdup_printf ("session %" G_GINT64_FORMAT, weekly);

  g_clear_pointer (&entry, eb_roster_entry_free);
  entry = add_entry (f, weekly, chair, EB_ROSTER_ROLE_CHAIR);
  g_clear_pointer (&entry, eb_roster_entry_free);
  entry = add_entry (f, weekly, presenter, EB_ROSTER_ROLE_PRESENTER);
  g_clear_pointer (&entry, eb_roster_entry_free);
  entry = add_entry (f, weekly, panelist, EB_ROSTER_ROLE_PANELIST);
  g_clear_pointer (&entry, eb_roster_entry_free);

  /* Chair of both: refused, naming the other session and the instant. */
  entry = try_entry (f, overlapping, chair, EB_ROSTER_ROLE_CHAIR, &warnings, &error);
  g_assert_null (entry);
  g_assert_null (warnings);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "exclusive-role-overlap", "person_id");
  v = find_violation (error, "exclusive-role-overlap");
  g_assert_nonnull (strstr (v->detail, weekly_ref));
  g_assert_nonnull (strstr (v->detail, "Weekly GI"));
  g_assert_nonnull (strstr (v->detail, "2026-03-10T13:00:00Z"));
  g_clear_error (&error);

  /* Presenter there, chair here: also exclusive. */
  entry = try_entry (f, overlapping, presenter, EB_ROSTER_ROLE_CHAIR, NULL, &error);
  g_assert_null (entry);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "exclusive-role-overlap", "person_id");
  g_clear_error (&error);

  /* The board that only touches the weekly one is no conflict. */
  entry = try_entry (f, touching, chair, EB_ROSTER_ROLE_CHAIR, &warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_cmpuint (warnings->len, ==, 0);
  g_clear_pointer (&entry, eb_roster_entry_free);
  g_clear_pointer (&warnings, g_ptr_array_unref);

  /* As panelist the chair may sit in: a warning, and the entry is made. */
  entry = try_entry (f, overlapping, chair, EB_ROSTER_ROLE_PANELIST, &warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_cmpuint (warnings->len, ==, 1);
  v = g_ptr_array_index (warnings, 0);
  g_assert_cmpstr (v->rule, ==, "role-overlap");
  g_assert_nonnull (strstr (v->detail, weekly_ref));
  g_assert_nonnull (strstr (v->detail, "2026-03-10T13:00:00Z"));
  g_clear_pointer (&warnings, g_ptr_array_unref);

  /* ... but promoting them to chair is refused. */
  {
    g_autoptr (EbRosterEntry) desired = eb_roster_entry_copy (entry);
    g_autoptr (EbRosterEntry) none = NULL;
    g_autoptr (GPtrArray) roster = NULL;

    desired->role = EB_ROSTER_ROLE_CHAIR;
    none = eb_service_update_roster_entry (f->service, &f->coordinator, desired, &warnings, &error);
    g_assert_null (none);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "exclusive-role-overlap", "person_id");
    g_clear_error (&error);

    roster = eb_service_list_roster (f->service, &f->admin, overlapping, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (roster->len, ==, 1);
    g_assert_cmpint (((EbRosterEntry *)g_ptr_array_index (roster, 0))->role, ==,
                     EB_ROSTER_ROLE_PANELIST);
  }
  g_clear_pointer (&entry, eb_roster_entry_free);

  /* A new chair whose other overlap is only as panelist: a warning. */
  entry = try_entry (f, overlapping, panelist, EB_ROSTER_ROLE_CHAIR, &warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_cmpstr (((EbViolation *)g_ptr_array_index (warnings, 0))->rule, ==, "role-overlap");
  g_clear_pointer (&warnings, g_ptr_array_unref);
  g_clear_pointer (&entry, eb_roster_entry_free);

  /* Moving the touching board an hour earlier makes its chair overlap. */
  {
    g_autoptr (EbSession) current
        = eb_service_get_session (f->service, &f->admin, touching, &error);
    g_autoptr (EbSession) desired = NULL;
    g_autoptr (EbSession) updated = NULL;

    g_assert_no_error (error);
    desired = eb_session_copy (current);
    desired->start = berlin_13utc;
    updated = eb_service_update_session (f->service, &f->coordinator, desired, &warnings, &error);
    g_assert_null (updated);
    g_assert_null (warnings);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "exclusive-role-overlap", "person_id");
    g_clear_error (&error);

    /* Half an hour later still touches nothing. */
    desired->start = berlin_14utc + 30 * 60;
    updated = eb_service_update_session (f->service, &f->coordinator, desired, &warnings, &error);
    g_assert_no_error (error);
    g_assert_cmpint (updated->start, ==, berlin_14utc + 30 * 60);
    g_assert_nonnull (warnings);
    g_assert_cmpuint (warnings->len, ==, 0);
    g_clear_pointer (&warnings, g_ptr_array_unref);
  }

  /* Moving a board onto an observer's other session only warns. */
  {
    EbId evening = add_session_full (f, "Evening", f->member_id, utc_time (2026, 3, 10, 18, 0), 60,
                                     BERLIN, FALSE);
    g_autoptr (EbRosterEntry) observer = add_entry (f, evening, presenter, EB_ROSTER_ROLE_OBSERVER);
    g_autoptr (EbSession) current = eb_service_get_session (f->service, &f->admin, evening, &error);
    g_autoptr (EbSession) desired = eb_session_copy (current);
    g_autoptr (EbSession) updated = NULL;

    g_assert_no_error (error);
    desired->start = utc_time (2026, 3, 10, 13, 30);
    updated = eb_service_update_session (f->service, &f->coordinator, desired, &warnings, &error);
    g_assert_no_error (error);
    g_assert_cmpint (updated->start, ==, utc_time (2026, 3, 10, 13, 30));
    g_assert_cmpuint (warnings->len, ==, 1);
    v = g_ptr_array_index (warnings, 0);
    g_assert_cmpstr (v->rule, ==, "role-overlap");
    g_assert_nonnull (strstr (v->detail, weekly_ref));
  }
}

static void
test_occurrence_exceptions (Fixture *f, gconstpointer data)
{
  gint64 series_start = local_time (NY, 2026, 1, 6, 9, 0);
  gint64 march_17 = local_time (NY, 2026, 3, 17, 9, 0);
  gint64 march_24 = local_time (NY, 2026, 3, 24, 9, 0);
  EbId weekly = add_session_full (f, "Weekly GI", f->hub_id, series_start, 60, NY, TRUE);
  EbId single = add_session (f, "One-off", utc_time (2026, 3, 19, 15, 0), 60);
  EbId busy = add_session_full (f, "Wednesday board", f->member_id, utc_time (2026, 3, 18, 9, 0),
                                60, BERLIN, FALSE);
  EbId chair = add_person (f, "Chair", "medical_oncology", f->hub_id);
  g_autoptr (EbRosterEntry) e1 = add_entry (f, weekly, chair, EB_ROSTER_ROLE_CHAIR);
  g_autoptr (EbRosterEntry) e2 = add_entry (f, busy, chair, EB_ROSTER_ROLE_CHAIR);
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GArray) occurrences = NULL;
  g_autoptr (GError) error = NULL;

  /* The rule gives 09:00 New York, not the same UTC time every week. */
  session = eb_service_set_occurrence_exception (f->service, &f->coordinator, weekly,
                                                 series_start + 10 * 7 * 86400, TRUE, 0, &error);
  g_assert_null (session);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "not-an-occurrence", "original_start");
  g_clear_error (&error);

  session = eb_service_set_occurrence_exception (f->service, &f->coordinator, weekly,
                                                 march_17 + 3600, TRUE, 0, &error);
  g_assert_null (session);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "not-an-occurrence", "original_start");
  g_clear_error (&error);

  session = eb_service_set_occurrence_exception (f->service, &f->coordinator, single,
                                                 utc_time (2026, 3, 19, 15, 0), TRUE, 0, &error);
  g_assert_null (session);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "not-an-occurrence", "original_start");
  g_clear_error (&error);

  session = eb_service_set_occurrence_exception (f->service, &f->reviewer, weekly, march_24, TRUE,
                                                 0, &error);
  g_assert_null (session);
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);

  session = eb_service_set_occurrence_exception (f->service, &f->coordinator, weekly, march_24,
                                                 TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (session->exceptions->len, ==, 1);
  g_clear_pointer (&session, eb_session_free);

  /* Moving 17 March onto the chair's Wednesday board is refused. */
  session = eb_service_set_occurrence_exception (f->service, &f->coordinator, weekly, march_17,
                                                 FALSE, utc_time (2026, 3, 18, 9, 30), &error);
  g_assert_null (session);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "exclusive-role-overlap", "person_id");
  g_clear_error (&error);

  session = eb_service_set_occurrence_exception (f->service, &f->coordinator, weekly, march_17,
                                                 FALSE, utc_time (2026, 3, 18, 15, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (session->exceptions->len, ==, 2);
  g_clear_pointer (&session, eb_session_free);

  occurrences
      = eb_service_list_occurrences (f->service, &f->reviewer, weekly, utc_time (2026, 3, 1, 0, 0),
                                     utc_time (2026, 4, 1, 0, 0), &error);
  g_assert_no_error (error);
  /* 3, 10, (17 moved to 18), (24 cancelled), 31 March. */
  g_assert_cmpuint (occurrences->len, ==, 4);
  g_assert_cmpint (g_array_index (occurrences, EbOccurrence, 0).start, ==,
                   utc_time (2026, 3, 3, 14, 0));
  g_assert_cmpint (g_array_index (occurrences, EbOccurrence, 1).start, ==,
                   utc_time (2026, 3, 10, 13, 0));
  g_assert_true (g_array_index (occurrences, EbOccurrence, 2).moved);
  g_assert_cmpint (g_array_index (occurrences, EbOccurrence, 2).start, ==,
                   utc_time (2026, 3, 18, 15, 0));
  g_assert_cmpint (g_array_index (occurrences, EbOccurrence, 2).original_start, ==, march_17);
  g_assert_cmpint (g_array_index (occurrences, EbOccurrence, 3).start, ==,
                   utc_time (2026, 3, 31, 13, 0));
  g_clear_pointer (&occurrences, g_array_unref);

  g_assert_true (eb_service_clear_occurrence_exception (f->service, &f->coordinator, weekly,
                                                        march_24, &error));
  g_assert_no_error (error);
  g_assert_false (eb_service_clear_occurrence_exception (f->service, &f->coordinator, weekly,
                                                         march_24, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  session = eb_service_get_session (f->service, &f->admin, weekly, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (session->exceptions->len, ==, 1);

  /* A new title keeps the exceptions; a new time drops those the rule no
   * longer gives. */
  {
    g_autoptr (EbSession) desired = eb_session_copy (session);
    EbSession *updated;

    desired->title = (g_free (desired->title), g_strdup ("Weekly GI and liver"));
    updated = eb_service_update_session (f->service, &f->coordinator, desired, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (updated->exceptions->len, ==, 1);
    eb_session_free (session);
    session = updated;

    g_clear_pointer (&desired, eb_session_free);
    desired = eb_session_copy (session);
    desired->start = local_time (NY, 2026, 1, 6, 10, 0);
    updated = eb_service_update_session (f->service, &f->coordinator, desired, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (updated->exceptions->len, ==, 0);
    eb_session_free (session);
    session = updated;
  }
}

/* --- agenda --- */

static void
test_agenda_rules (Fixture *f, gconstpointer data)
{
  EbId suspended = add_site (f, "SUS", BERLIN, EB_SITE_STATUS_SUSPENDED, FALSE);
  EbId id = add_session (f, "Board", utc_time (2030, 6, 4, 14, 0), 60);
  EbId presenter = add_person (f, "Presenter", "pathology", f->member_id);
  EbId panelist = add_person (f, "Panelist", "surgery", f->member_id);
  g_autoptr (EbRosterEntry) p = add_entry (f, id, presenter, EB_ROSTER_ROLE_PRESENTER);
  g_autoptr (EbRosterEntry) q = add_entry (f, id, panelist, EB_ROSTER_ROLE_PANELIST);
  g_autoptr (EbAgendaItem) input = NULL;
  g_autoptr (EbAgendaItem) item = NULL;
  g_autoptr (GPtrArray) agenda = NULL;
  g_autoptr (GError) error = NULL;

  /* Wrong presenter and inactive site: both, together. */
  input = item_input (id, suspended, panelist, 10);
  item = eb_service_add_agenda_item (f->service, &f->coordinator, input, &error);
  g_assert_null (item);
  g_assert_cmpuint (count_violations (error), ==, 2);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "presenter-not-on-roster", "presenter_id");
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "presenting-site-not-active",
                    "presenting_site_id");
  g_clear_error (&error);

  input->presenting_site_id = 5555;
  input->presenter_id = 6666;
  item = eb_service_add_agenda_item (f->service, &f->coordinator, input, &error);
  g_assert_null (item);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "presenter-not-on-roster", "presenter_id");
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "presenting-site-not-active",
                    "presenting_site_id");
  g_clear_error (&error);

  /* The de-identification guard's answer reaches the caller unchanged. */
  input->presenting_site_id = f->member_id;
  input->presenter_id = presenter;
  input->summary = (g_free (input->summary), g_strdup ("Seen at clinic, MRN 1234567, T2N0."));
  {
    g_autoptr (GError) guard = NULL;
    const EbViolation *v;

    g_assert_false (eb_agenda_item_validate (input, &guard));
    item = eb_service_add_agenda_item (f->service, &f->coordinator, input, &error);
    g_assert_null (item);
    g_assert_error (error, EB_ERROR, EB_ERROR_RULE_VIOLATED);
    g_assert_cmpstr (error->message, ==, guard->message);
    g_assert_cmpuint (count_violations (error), ==, count_violations (guard));
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "deid-mrn", "summary");
    v = find_violation (error, "deid-mrn");
    g_assert_cmpint (v->span_start, ==, (gint)(strstr (input->summary, "MRN") - input->summary));
    g_assert_cmpint (v->span_end, >, v->span_start);
    g_clear_error (&error);
  }

  /* With a rule broken as well, both kinds come back together. */
  input->presenter_id = panelist;
  item = eb_service_add_agenda_item (f->service, &f->coordinator, input, &error);
  g_assert_null (item);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "deid-mrn", "summary");
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "presenter-not-on-roster", "presenter_id");
  g_assert_cmpint (find_violation (error, "deid-mrn")->span_start, >=, 0);
  g_clear_error (&error);

  /* Malformed fields are EB_ERROR_INVALID. */
  input->presenter_id = presenter;
  input->summary = (g_free (input->summary), g_strdup ("A clean summary."));
  input->minutes = 0;
  item = eb_service_add_agenda_item (f->service, &f->coordinator, input, &error);
  g_assert_null (item);
  assert_violation (error, EB_ERROR_INVALID, "invalid-field", "minutes");
  g_clear_error (&error);

  agenda = eb_service_list_agenda (f->service, &f->admin, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agenda->len, ==, 0);
  g_clear_pointer (&agenda, g_ptr_array_unref);

  input->minutes = 15;
  item = eb_service_add_agenda_item (f->service, &f->coordinator, input, &error);
  g_assert_no_error (error);
  g_assert_cmpint (item->position, ==, 1);

  /* Updates: stale, guarded, and the presenter rule again. */
  {
    g_autoptr (EbAgendaItem) desired = eb_agenda_item_copy (item);
    g_autoptr (EbAgendaItem) updated = NULL;
    g_autoptr (EbAgendaItem) none = NULL;

    desired->recommendation = g_strdup ("Call 555-867-5309 for details.");
    none = eb_service_update_agenda_item (f->service, &f->coordinator, desired, &error);
    g_assert_null (none);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "deid-phone", "recommendation");
    g_clear_error (&error);

    desired->recommendation = (g_free (desired->recommendation), g_strdup ("Resect."));
    desired->presenter_id = panelist;
    none = eb_service_update_agenda_item (f->service, &f->coordinator, desired, &error);
    g_assert_null (none);
    assert_violation (error, EB_ERROR_RULE_VIOLATED, "presenter-not-on-roster", "presenter_id");
    g_clear_error (&error);

    desired->presenter_id = presenter;
    desired->status = EB_CASE_STATUS_DISCUSSED;
    updated = eb_service_update_agenda_item (f->service, &f->coordinator, desired, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (updated->recommendation, ==, "Resect.");
    g_assert_cmpint (updated->status, ==, EB_CASE_STATUS_DISCUSSED);
    g_assert_cmpint (updated->position, ==, 1);

    none = eb_service_update_agenda_item (f->service, &f->coordinator, desired, &error);
    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
    g_clear_error (&error);
  }
}

static void
test_agenda_reorder (Fixture *f, gconstpointer data)
{
  EbId id = add_session (f, "Board", utc_time (2030, 6, 4, 14, 0), 60);
  EbId other = add_session (f, "Other", utc_time (2030, 6, 5, 14, 0), 60);
  EbId presenter = add_person (f, "Presenter", "pathology", f->member_id);
  g_autoptr (EbRosterEntry) p = add_entry (f, id, presenter, EB_ROSTER_ROLE_PRESENTER);
  g_autoptr (EbRosterEntry) p2 = add_entry (f, other, presenter, EB_ROSTER_ROLE_PRESENTER);
  g_autoptr (EbAgendaItem) a = add_item (f, id, f->member_id, presenter, 10);
  g_autoptr (EbAgendaItem) b = add_item (f, id, f->member_id, presenter, 10);
  g_autoptr (EbAgendaItem) c = add_item (f, id, f->member_id, presenter, 10);
  g_autoptr (EbAgendaItem) foreign = add_item (f, other, f->member_id, presenter, 10);
  g_autoptr (GPtrArray) order = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (c->position, ==, 3);
  {
    const EbId wanted[] = { c->id, a->id, b->id };

    order = eb_service_reorder_agenda (f->service, &f->coordinator, id, wanted,
                                       G_N_ELEMENTS (wanted), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (order->len, ==, 3);
    for (guint i = 0; i < order->len; i++)
      {
        const EbAgendaItem *item = g_ptr_array_index (order, i);
        g_assert_cmpint (item->id, ==, wanted[i]);
        g_assert_cmpint (item->position, ==, (gint)i + 1);
      }
    g_clear_pointer (&order, g_ptr_array_unref);
  }
  {
    const EbId missing[] = { a->id, b->id };
    const EbId twice[] = { a->id, b->id, a->id };
    const EbId alien[] = { a->id, b->id, foreign->id };

    order = eb_service_reorder_agenda (f->service, &f->coordinator, id, missing,
                                       G_N_ELEMENTS (missing), &error);
    g_assert_null (order);
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_clear_error (&error);
    order = eb_service_reorder_agenda (f->service, &f->coordinator, id, twice, G_N_ELEMENTS (twice),
                                       &error);
    g_assert_null (order);
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_clear_error (&error);
    order = eb_service_reorder_agenda (f->service, &f->coordinator, id, alien, G_N_ELEMENTS (alien),
                                       &error);
    g_assert_null (order);
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_clear_error (&error);
    order = eb_service_reorder_agenda (f->service, &f->clinician, id, missing,
                                       G_N_ELEMENTS (missing), &error);
    g_assert_null (order);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);
  }

  /* The refused orders changed nothing. */
  order = eb_service_list_agenda (f->service, &f->reviewer, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((EbAgendaItem *)g_ptr_array_index (order, 0))->id, ==, c->id);
  g_assert_cmpint (((EbAgendaItem *)g_ptr_array_index (order, 2))->id, ==, b->id);

  {
    g_autoptr (EbAgendaItem) got = NULL;

    got = eb_service_get_agenda_item (f->service, &f->admin, other, a->id, &error);
    g_assert_null (got);
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
    g_clear_error (&error);
    got = eb_service_get_agenda_item (f->service, &f->admin, id, a->id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (got->position, ==, 2);
  }
}

/* --- quorum --- */

static void
test_quorum (Fixture *f, gconstpointer data)
{
  EbId id = add_session (f, "Board", utc_time (2030, 6, 4, 14, 0), 60);
  struct
  {
    const char *name;
    const char *specialty;
    EbInvitationStatus status;
  } members[] = {
    { "Onc", "medical_oncology", EB_INVITATION_ACCEPTED },
    { "Surgeon", "surgery", EB_INVITATION_ACCEPTED },
    { "Second surgeon", "surgery", EB_INVITATION_ACCEPTED },
    { "Pathologist", "pathology", EB_INVITATION_INVITED },
    { "Radiologist", "diagnostic_radiology", EB_INVITATION_DECLINED },
  };
  g_autoptr (EbQuorumReport) report = NULL;
  g_autoptr (GError) error = NULL;
  const EbQuorumCoverage *coverage;
  const char *const *required = eb_service_get_required_specialties (f->service);

  g_assert_cmpstrv (required, eb_specialty_default_quorum ());

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      EbId person = add_person (f, members[i].name, members[i].specialty, f->hub_id);
      g_autoptr (EbRosterEntry) entry = add_entry (f, id, person, EB_ROSTER_ROLE_PANELIST);
      g_autoptr (EbRosterEntry) desired = eb_roster_entry_copy (entry);
      g_autoptr (EbRosterEntry) updated = NULL;

      desired->status = members[i].status;
      updated = eb_service_update_roster_entry (f->service, &f->coordinator, desired, NULL, &error);
      g_assert_no_error (error);
    }

  report = eb_service_quorum (f->service, &f->reviewer, id, &error);
  g_assert_no_error (error);
  g_assert_false (report->met);
  g_assert_cmpuint (report->covered->len, ==, 2);
  coverage = g_ptr_array_index (report->covered, 0);
  g_assert_cmpstr (coverage->specialty, ==, "medical_oncology");
  g_assert_cmpuint (coverage->person_ids->len, ==, 1);
  coverage = g_ptr_array_index (report->covered, 1);
  g_assert_cmpstr (coverage->specialty, ==, "surgery");
  g_assert_cmpuint (coverage->person_ids->len, ==, 2);
  {
    const char *const missing[]
        = { "radiation_oncology", "pathology", "diagnostic_radiology", NULL };
    g_assert_cmpstrv (report->missing, missing);
  }
  g_clear_pointer (&report, eb_quorum_report_free);

  /* A configured quorum replaces the default. */
  {
    const char *const mine[] = { "medical_oncology", "surgery", NULL };
    EbServiceSettings settings = test_settings ();
    g_autoptr (EbService) service = NULL;

    settings.required_specialties = mine;
    service = eb_service_new (f->store, &settings);
    g_assert_cmpstrv (eb_service_get_required_specialties (service), mine);
    g_assert_true (eb_service_get_required_specialties (service) != mine);
    g_assert_true (eb_service_get_store (service) == f->store);
    report = eb_service_quorum (service, &f->admin, id, &error);
    g_assert_no_error (error);
    g_assert_true (report->met);
    g_assert_cmpuint (g_strv_length (report->missing), ==, 0);
  }
}

/* --- calendars --- */

static void
test_calendars (Fixture *f, gconstpointer data)
{
  EbId id = add_session (f, "GI board", utc_time (2030, 6, 4, 14, 0), 60);
  EbId bare = add_session (f, "Bare board", utc_time (2030, 6, 6, 14, 0), 60);
  EbId coord = add_person (f, "Cora Coordinator", "coordination", f->hub_id);
  EbId chair = add_person (f, "Chad Chair", "medical_oncology", f->hub_id);
  EbId observer = add_person (f, "Olga Observer", "nursing", f->member_id);
  g_autoptr (EbPerson) coord_p = NULL;
  g_autoptr (EbPerson) chair_p = NULL;
  g_autoptr (EbPerson) observer_p = NULL;
  g_autoptr (EbRosterEntry) e1 = add_entry (f, id, chair, EB_ROSTER_ROLE_CHAIR);
  g_autoptr (EbRosterEntry) e2 = add_entry (f, id, coord, EB_ROSTER_ROLE_COORDINATOR);
  g_autoptr (EbRosterEntry) e3 = add_entry (f, id, observer, EB_ROSTER_ROLE_OBSERVER);
  g_autoptr (EbRosterEntry) e4 = add_entry (f, bare, observer, EB_ROSTER_ROLE_OBSERVER);
  g_autoptr (GError) error = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *ics = NULL;
  g_autofree char *url = NULL;
  g_autofree char *lower = NULL;

  coord_p = eb_service_get_person (f->service, &f->admin, coord, &error);
  chair_p = eb_service_get_person (f->service, &f->admin, chair, &error);
  observer_p = eb_service_get_person (f->service, &f->admin, observer, &error);
  g_assert_no_error (error);

  raw = eb_service_session_invitation (f->service, &f->reviewer, id, &error);
  g_assert_no_error (error);
  ics = ics_unfold (raw);
  lower = g_ascii_strdown (ics, -1);
  g_assert_true (g_str_has_prefix (ics, "BEGIN:VCALENDAR"));
  g_assert_cmpuint (count_lines_starting (ics, "BEGIN:VEVENT"), ==, 1);
  g_assert_cmpuint (count_lines_starting (ics, "UID:"), ==, 1);
  {
    g_autofree char *uid
        = g_strdup_printf ("UID:session-%" G_GINT64_FORMAT "@test.eboard.invalid", id);
    g_assert_cmpuint (count_lines_starting (ics, uid), ==, 1);
  }
  g_assert_cmpuint (count_lines_starting (ics, "ATTENDEE"), ==, 3);
  g_assert_true (has_line_containing (lower, "attendee", chair_p->email));
  g_assert_true (has_line_containing (lower, "attendee", observer_p->email));
  /* The coordinator, first on the roster in that role, organises. */
  g_assert_true (has_line_containing (lower, "organizer", coord_p->email));
  url = g_strdup_printf ("http://127.0.0.1:9/sessions/%" G_GINT64_FORMAT, id);
  g_assert_nonnull (strstr (ics, url));
  g_clear_pointer (&raw, g_free);
  g_clear_pointer (&ics, g_free);
  g_clear_pointer (&lower, g_free);

  /* Nobody to organise: the configured address. */
  raw = eb_service_session_invitation (f->service, &f->admin, bare, &error);
  g_assert_no_error (error);
  ics = ics_unfold (raw);
  g_assert_true (has_line_containing (ics, "ORGANIZER", "board@test.invalid"));
  g_clear_pointer (&raw, g_free);
  g_clear_pointer (&ics, g_free);

  /* The observer's feed holds both boards; cancelled ones drop out. */
  raw = eb_service_person_calendar (f->service, &f->coordinator, observer, &error);
  g_assert_no_error (error);
  ics = ics_unfold (raw);
  g_assert_cmpuint (count_lines_starting (ics, "BEGIN:VEVENT"), ==, 2);
  g_assert_cmpuint (count_lines_starting (ics, "UID:"), ==, 2);
  g_assert_nonnull (strstr (ics, "eboard: Olga Observer"));
  g_clear_pointer (&raw, g_free);
  g_clear_pointer (&ics, g_free);

  {
    g_autoptr (EbSession) cancelled = eb_service_transition_session (
        f->service, &f->coordinator, bare, EB_SESSION_STATE_CANCELLED, 0, &error);
    g_assert_no_error (error);
  }
  raw = eb_service_person_calendar (f->service, &f->admin, observer, &error);
  g_assert_no_error (error);
  ics = ics_unfold (raw);
  g_assert_cmpuint (count_lines_starting (ics, "BEGIN:VEVENT"), ==, 1);
  g_assert_nonnull (strstr (ics, "GI board"));
  g_assert_null (strstr (ics, "Bare board"));
  g_clear_pointer (&raw, g_free);

  raw = eb_service_person_calendar (f->service, &f->admin, 424242, &error);
  g_assert_null (raw);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

/* --- tokens --- */

static void
test_tokens (Fixture *f, gconstpointer data)
{
  EbId person = add_person (f, "Token Holder", "surgery", f->hub_id);
  g_autofree char *boot = NULL;
  g_autofree char *again = NULL;
  g_autofree char *secret = NULL;
  g_autoptr (EbToken) token = NULL;
  g_autoptr (GPtrArray) tokens = NULL;
  g_autoptr (GError) error = NULL;
  EbPrincipal who = { 0 };
  EbPrincipal admin = { 0 };
  guint total = 0;

  boot = eb_service_bootstrap (f->service, &error);
  g_assert_no_error (error);
  g_assert_nonnull (boot);
  g_assert_true (eb_token_secret_is_well_formed (boot));
  again = eb_service_bootstrap (f->service, &error);
  g_assert_no_error (error);
  g_assert_null (again);

  g_assert_true (eb_service_authenticate (f->service, boot, &admin, &error));
  g_assert_no_error (error);
  g_assert_cmpint (admin.role, ==, EB_ROLE_ADMIN);
  g_assert_cmpint (admin.person_id, ==, 0);
  g_assert_cmpint (admin.token_id, >, 0);

  tokens = eb_service_list_tokens (f->service, &admin, 0, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  token = eb_token_copy (g_ptr_array_index (tokens, 0));
  g_assert_cmpstr (token->label, ==, "bootstrap");
  g_assert_cmpint (token->person_id, ==, 0);
  g_assert_cmpstr (token->hint, ==, boot + strlen (boot) - 4);
  g_clear_pointer (&token, eb_token_free);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  /* Field checks. */
  token = eb_service_create_token (f->service, &admin, person, EB_ROLE_CLINICIAN, "  ", 0, &secret,
                                   &error);
  g_assert_null (token);
  assert_violation (error, EB_ERROR_INVALID, "invalid-field", "label");
  g_clear_error (&error);
  token = eb_service_create_token (f->service, &admin, 0, EB_ROLE_CLINICIAN, "laptop", 0, &secret,
                                   &error);
  g_assert_null (token);
  assert_violation (error, EB_ERROR_INVALID, "invalid-field", "person_id");
  g_clear_error (&error);
  token = eb_service_create_token (f->service, &admin, person, EB_ROLE_CLINICIAN, "laptop",
                                   g_get_real_time () / G_USEC_PER_SEC - 60, &secret, &error);
  g_assert_null (token);
  assert_violation (error, EB_ERROR_INVALID, "invalid-field", "expires_at");
  g_clear_error (&error);
  token = eb_service_create_token (f->service, &admin, 98765, EB_ROLE_COORDINATOR, "laptop", 0,
                                   &secret, &error);
  g_assert_null (token);
  assert_violation (error, EB_ERROR_RULE_VIOLATED, "unknown-person", "person_id");
  g_clear_error (&error);
  g_assert_null (secret);

  token = eb_service_create_token (f->service, &admin, person, EB_ROLE_CLINICIAN, "laptop", 0,
                                   &secret, &error);
  g_assert_no_error (error);
  g_assert_nonnull (secret);
  g_assert_true (eb_token_secret_is_well_formed (secret));
  g_assert_cmpstr (token->hint, ==, secret + strlen (secret) - 4);
  g_assert_cmpstr (token->label, ==, "laptop");

  g_assert_true (eb_service_authenticate (f->service, secret, &who, &error));
  g_assert_no_error (error);
  g_assert_cmpint (who.token_id, ==, token->id);
  g_assert_cmpint (who.person_id, ==, person);
  g_assert_cmpint (who.role, ==, EB_ROLE_CLINICIAN);

  tokens = eb_service_list_tokens (f->service, &admin, person, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  /* Revoked: refused, and the message carries no secret. */
  g_assert_true (eb_service_revoke_token (f->service, &admin, token->id, &error));
  g_assert_no_error (error);
  g_assert_true (eb_service_revoke_token (f->service, &admin, token->id, &error));
  g_assert_no_error (error);
  g_assert_false (eb_service_authenticate (f->service, secret, &who, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED);
  g_assert_null (strstr (error->message, secret));
  g_assert_null (strstr (error->message, secret + 3));
  g_clear_error (&error);
  {
    g_autoptr (EbToken) got = eb_service_get_token (f->service, &admin, token->id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (got->revoked_at, >, 0);
  }

  /* Expired (written straight into the store: the service refuses to
   * create one). */
  {
    g_autofree char *old = eb_token_generate_secret ();
    g_autofree char *hash = eb_token_hash_secret (old);
    g_autoptr (EbToken) expired = eb_token_new ();

    expired->person_id = person;
    expired->role = EB_ROLE_COORDINATOR;
    expired->label = g_strdup ("old");
    expired->hint = g_strdup (old + strlen (old) - 4);
    expired->created_at = g_get_real_time () / G_USEC_PER_SEC - 7200;
    expired->expires_at = g_get_real_time () / G_USEC_PER_SEC - 3600;
    g_assert_true (eb_store_token_insert (f->store, expired, hash, &error));
    g_assert_no_error (error);
    g_assert_false (eb_service_authenticate (f->service, old, &who, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED);
    g_assert_null (strstr (error->message, old));
    g_assert_null (strstr (error->message, hash));
    g_assert_nonnull (strstr (error->message, "expired"));
    g_clear_error (&error);
  }

  /* Unknown and malformed. */
  {
    g_autofree char *unknown = eb_token_generate_secret ();

    g_assert_false (eb_service_authenticate (f->service, unknown, &who, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED);
    g_assert_null (strstr (error->message, unknown));
    g_clear_error (&error);
    g_assert_false (eb_service_authenticate (f->service, "Bearer nonsense", &who, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED);
    g_clear_error (&error);
    g_assert_false (eb_service_authenticate (f->service, NULL, &who, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED);
    g_clear_error (&error);
  }

  /* An admin token needs no person. */
  {
    g_autofree char *admin_secret = NULL;
    g_autoptr (EbToken) second = eb_service_create_token (f->service, &admin, 0, EB_ROLE_ADMIN,
                                                          "ops", 0, &admin_secret, &error);
    g_autoptr (EbToken) none = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (second->person_id, ==, 0);
    none = eb_service_get_token (f->service, &admin, 9999, &error);
    g_assert_null (none);
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  }
}

static void
test_idempotency (Fixture *f, gconstpointer data)
{
  g_autofree char *boot = eb_service_bootstrap (f->service, NULL);
  g_autofree char *other_secret = NULL;
  g_autoptr (EbToken) other_token = NULL;
  g_autoptr (EbIdempotentReply) got = NULL;
  g_autoptr (GError) error = NULL;
  EbPrincipal admin = { 0 };
  EbPrincipal other = { 0 };
  EbIdempotentReply reply = { 0 };
  static const char body[] = "{\"id\":1}";

  g_assert_nonnull (boot);
  g_assert_true (eb_service_authenticate (f->service, boot, &admin, &error));
  g_assert_no_error (error);
  other_token = eb_service_create_token (f->service, &admin, 0, EB_ROLE_ADMIN, "other", 0,
                                         &other_secret, &error);
  g_assert_no_error (error);
  g_assert_true (eb_service_authenticate (f->service, other_secret, &other, &error));
  g_assert_no_error (error);

  got = eb_service_idempotency_get (f->service, &admin, "key-1", &error);
  g_assert_no_error (error);
  g_assert_null (got);

  reply.request_hash = (char *)"abc123";
  reply.status = 201;
  reply.content_type = (char *)"application/json";
  reply.location = (char *)"/api/v1/sites/1";
  reply.body = g_bytes_new_static (body, strlen (body));
  g_assert_true (eb_service_idempotency_put (f->service, &admin, "key-1", &reply, &error));
  g_assert_no_error (error);
  g_bytes_unref (reply.body);

  got = eb_service_idempotency_get (f->service, &admin, "key-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpuint (got->status, ==, 201);
  g_assert_cmpstr (got->request_hash, ==, "abc123");
  g_assert_cmpstr (got->location, ==, "/api/v1/sites/1");
  g_assert_cmpmem (g_bytes_get_data (got->body, NULL), g_bytes_get_size (got->body), body,
                   strlen (body));
  g_clear_pointer (&got, eb_idempotent_reply_free);

  /* Keys belong to one token. */
  got = eb_service_idempotency_get (f->service, &other, "key-1", &error);
  g_assert_no_error (error);
  g_assert_null (got);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/eboard/service/sites/single-hub", test_sites_single_hub);
  ADD ("/eboard/service/sites/life-cycle", test_sites_life_cycle);
  ADD ("/eboard/service/people", test_people);
  ADD ("/eboard/service/authz/roles", test_authz_roles);
  ADD ("/eboard/service/sessions/create-update-delete", test_sessions_create_update_delete);
  ADD ("/eboard/service/sessions/transitions", test_sessions_transitions);
  ADD ("/eboard/service/sessions/occurrence-exceptions", test_occurrence_exceptions);
  ADD ("/eboard/service/roster/rules", test_roster_rules);
  ADD ("/eboard/service/roster/presenter-with-items", test_roster_presenter_with_items);
  ADD ("/eboard/service/roster/conflicts-dst", test_conflicts_dst);
  ADD ("/eboard/service/agenda/rules", test_agenda_rules);
  ADD ("/eboard/service/agenda/reorder", test_agenda_reorder);
  ADD ("/eboard/service/quorum", test_quorum);
  ADD ("/eboard/service/calendars", test_calendars);
  ADD ("/eboard/service/tokens", test_tokens);
  ADD ("/eboard/service/idempotency", test_idempotency);
#undef ADD

  return g_test_run ();
}
