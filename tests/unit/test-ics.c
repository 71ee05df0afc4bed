/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <libical/ical.h>

#include <eboard/eb-error.h>
#include <eboard/eb-ics.h>

/* The output is read back with libical's parser: what a mail client
 * would see, not the structures that wrote it. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalcomponent, icalcomponent_free)

static gint64
instant (const char *text)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

typedef struct
{
  EbSession *session;
  EbSite *site;
  GPtrArray *people;  /* (element-type EbPerson) */
  GPtrArray *entries; /* (element-type EbRosterEntry) */
  GPtrArray *attendees;
  EbIcsEvent event;
} Invitation;

static void
invitation_add (Invitation *invitation, const char *name, const char *email, EbRosterRole role,
                EbInvitationStatus status)
{
  EbPerson *person = eb_person_new ();
  EbRosterEntry *entry = eb_roster_entry_new ();
  EbIcsAttendee *attendee = g_new0 (EbIcsAttendee, 1);

  person->id = invitation->people->len + 1;
  person->name = g_strdup (name);
  person->email = g_strdup (email);
  entry->person_id = person->id;
  entry->session_id = invitation->session->id;
  entry->role = role;
  entry->status = status;
  attendee->person = person;
  attendee->entry = entry;
  g_ptr_array_add (invitation->people, person);
  g_ptr_array_add (invitation->entries, entry);
  g_ptr_array_add (invitation->attendees, attendee);
}

/* A weekly board on Tuesdays 09:00-10:30 Chicago from 3 March 2026 (the
 * US change is on 8 March), twelve times; 17 March cancelled, 24 March
 * moved to Thursday 26 March 12:00. */
static Invitation *
invitation_new (EbId id, const char *zone)
{
  Invitation *invitation = g_new0 (Invitation, 1);
  EbSession *session = eb_session_new ();

  session->id = id;
  session->title = g_strdup ("GI tumor board");
  session->focus = g_strdup ("Pancreatic and hepatobiliary cancers");
  session->host_site_id = 7;
  session->start = instant ("2026-03-03T15:00:00Z");
  session->duration_minutes = 90;
  session->timezone = g_strdup (zone);
  session->state = EB_SESSION_STATE_SCHEDULED;
  session->version = 3;
  session->created_at = instant ("2026-02-01T10:00:00Z");
  session->updated_at = instant ("2026-02-15T11:30:00Z");
  invitation->session = session;

  invitation->site = eb_site_new ();
  invitation->site->id = 7;
  invitation->site->name = g_strdup ("Lakeshore Medical Center");
  invitation->site->timezone = g_strdup ("America/Chicago");

  invitation->people = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_person_free);
  invitation->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_roster_entry_free);
  invitation->attendees = g_ptr_array_new_with_free_func (g_free);

  invitation->event.session = session;
  invitation->event.host_site = invitation->site;
  invitation->event.organizer_name = "eBoard Coordination";
  invitation->event.organizer_email = "coordinator@eboard.example.org";
  invitation->event.attendees = invitation->attendees;
  invitation->event.url = "https://eboard.example.org/sessions/42/join";
  invitation->event.uid_domain = "eboard.example.org";
  return invitation;
}

static Invitation *
invitation_new_weekly (void)
{
  Invitation *invitation = invitation_new (42, "America/Chicago");
  EbSession *session = invitation->session;

  session->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  session->recurrence->count = 12;
  g_ptr_array_add (session->exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-17T14:00:00Z"), TRUE, 0));
  g_ptr_array_add (session->exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-24T14:00:00Z"), FALSE,
                                                instant ("2026-03-26T17:00:00Z")));

  invitation_add (invitation, "Ana Ruiz", "ana.ruiz@lakeshore.example.org", EB_ROSTER_ROLE_CHAIR,
                  EB_INVITATION_ACCEPTED);
  invitation_add (invitation, "Ben Okafor", "ben.okafor@riverside.example.org",
                  EB_ROSTER_ROLE_PRESENTER, EB_INVITATION_INVITED);
  invitation_add (invitation, "Chen Wei", "chen.wei@lakeshore.example.org", EB_ROSTER_ROLE_PANELIST,
                  EB_INVITATION_TENTATIVE);
  invitation_add (invitation, "Dana Schulz", "dana.schulz@hub.example.org",
                  EB_ROSTER_ROLE_COORDINATOR, EB_INVITATION_ACCEPTED);
  invitation_add (invitation, "Eli Novak", "eli.novak@riverside.example.org",
                  EB_ROSTER_ROLE_OBSERVER, EB_INVITATION_DECLINED);
  return invitation;
}

static void
invitation_free (Invitation *invitation)
{
  eb_session_free (invitation->session);
  eb_site_free (invitation->site);
  g_ptr_array_unref (invitation->attendees);
  g_ptr_array_unref (invitation->entries);
  g_ptr_array_unref (invitation->people);
  g_free (invitation);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Invitation, invitation_free)

static icalcomponent *
parse (const char *text)
{
  icalcomponent *calendar = icalparser_parse_string (text);

  g_assert_nonnull (calendar);
  g_assert_cmpint (icalcomponent_isa (calendar), ==, ICAL_VCALENDAR_COMPONENT);
  return calendar;
}

static guint
count_components (icalcomponent *calendar, icalcomponent_kind kind)
{
  guint n = 0;

  for (icalcomponent *c = icalcomponent_get_first_component (calendar, kind); c != NULL;
       c = icalcomponent_get_next_component (calendar, kind))
    n++;
  return n;
}

static guint
count_properties (icalcomponent *component, icalproperty_kind kind)
{
  guint n = 0;

  for (icalproperty *p = icalcomponent_get_first_property (component, kind); p != NULL;
       p = icalcomponent_get_next_property (component, kind))
    n++;
  return n;
}

static icalcomponent *
find_vevent (icalcomponent *calendar, gboolean override)
{
  for (icalcomponent *c = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       c != NULL; c = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      gboolean has_recurrence_id
          = icalcomponent_get_first_property (c, ICAL_RECURRENCEID_PROPERTY) != NULL;

      if (has_recurrence_id == override)
        return c;
    }
  return NULL;
}

/* "TZID value" of a DATE-TIME property, e.g. "America/Chicago
 * 20260303T090000", or "UTC 20260303T150000Z" without TZID. */
static char *
time_text (icalproperty *property)
{
  icalparameter *tzid = icalproperty_get_first_parameter (property, ICAL_TZID_PARAMETER);
  icalvalue *value = icalproperty_get_value (property);
  struct icaltimetype time = icalvalue_get_datetime (value);

  return g_strdup_printf ("%s %s", tzid != NULL ? icalparameter_get_tzid (tzid) : "UTC",
                          icaltime_as_ical_string (time));
}

static char *
property_time_text (icalcomponent *component, icalproperty_kind kind)
{
  icalproperty *property = icalcomponent_get_first_property (component, kind);

  g_assert_nonnull (property);
  return time_text (property);
}

static const char *
parameter_text (icalproperty *property, icalparameter_kind kind)
{
  icalparameter *parameter = icalproperty_get_first_parameter (property, kind);

  g_assert_nonnull (parameter);
  return icalparameter_get_xvalue (parameter) != NULL ? icalparameter_get_xvalue (parameter)
                                                      : icalparameter_as_ical_string (parameter);
}

/* Every line ends with CRLF and holds at most 75 octets (RFC 5545 3.1). */
static void
assert_lines_folded (const char *text)
{
  const char *line = text;

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  while (*line != '\0')
    {
      const char *end = strstr (line, "\r\n");

      g_assert_nonnull (end);
      g_assert_cmpint (end - line, <=, 75);
      g_assert_null (memchr (line, '\n', end - line));
      line = end + 2;
    }
}

static void
test_invitation_structure (void)
{
  g_autoptr (Invitation) invitation = invitation_new_weekly ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = eb_ics_render_invitation (&invitation->event, &error);
  g_autoptr (icalcomponent) calendar = NULL;
  icalcomponent *vtimezone;
  icalcomponent *main_event;
  icalcomponent *override;
  icalproperty *property;
  g_autofree char *dtstart = NULL;
  g_autofree char *exdate = NULL;
  g_autofree char *recurrence_id = NULL;
  g_autofree char *moved_start = NULL;
  char *rrule;
  struct
  {
    const char *address;
    const char *cn;
    const char *role;
    const char *partstat;
  } expected[] = {
    { "mailto:ana.ruiz@lakeshore.example.org", "Ana Ruiz", "ROLE=CHAIR", "PARTSTAT=ACCEPTED" },
    { "mailto:ben.okafor@riverside.example.org", "Ben Okafor", "ROLE=REQ-PARTICIPANT",
      "PARTSTAT=NEEDS-ACTION" },
    { "mailto:chen.wei@lakeshore.example.org", "Chen Wei", "ROLE=REQ-PARTICIPANT",
      "PARTSTAT=TENTATIVE" },
    { "mailto:dana.schulz@hub.example.org", "Dana Schulz", "ROLE=OPT-PARTICIPANT",
      "PARTSTAT=ACCEPTED" },
    { "mailto:eli.novak@riverside.example.org", "Eli Novak", "ROLE=NON-PARTICIPANT",
      "PARTSTAT=DECLINED" },
  };
  guint i = 0;

  g_assert_no_error (error);
  g_assert_nonnull (text);
  assert_lines_folded (text);
  calendar = parse (text);

  g_assert_cmpstr (icalcomponent_get_first_property (calendar, ICAL_PRODID_PROPERTY) != NULL
                       ? icalproperty_get_prodid (
                           icalcomponent_get_first_property (calendar, ICAL_PRODID_PROPERTY))
                       : NULL,
                   ==, "-//eboard//eboard 0.1//EN");
  g_assert_cmpstr (
      icalproperty_get_version (icalcomponent_get_first_property (calendar, ICAL_VERSION_PROPERTY)),
      ==, "2.0");
  g_assert_cmpint (
      icalproperty_get_method (icalcomponent_get_first_property (calendar, ICAL_METHOD_PROPERTY)),
      ==, ICAL_METHOD_REQUEST);

  /* One VTIMEZONE, named by the plain IANA name, starting in 2025. */
  g_assert_cmpuint (count_components (calendar, ICAL_VTIMEZONE_COMPONENT), ==, 1);
  vtimezone = icalcomponent_get_first_component (calendar, ICAL_VTIMEZONE_COMPONENT);
  g_assert_cmpstr (
      icalproperty_get_tzid (icalcomponent_get_first_property (vtimezone, ICAL_TZID_PROPERTY)), ==,
      "America/Chicago");
  g_assert_cmpuint (strlen (icalcomponent_as_ical_string (vtimezone)), <, 2000);
  for (icalcomponent *observance
       = icalcomponent_get_first_component (vtimezone, ICAL_ANY_COMPONENT);
       observance != NULL;
       observance = icalcomponent_get_next_component (vtimezone, ICAL_ANY_COMPONENT))
    g_assert_cmpint (icalcomponent_get_dtstart (observance).year, >=, 2024);

  g_assert_cmpuint (count_components (calendar, ICAL_VEVENT_COMPONENT), ==, 2);
  main_event = find_vevent (calendar, FALSE);
  override = find_vevent (calendar, TRUE);
  g_assert_nonnull (main_event);
  g_assert_nonnull (override);

  g_assert_cmpstr (icalcomponent_get_uid (main_event), ==, "session-42@eboard.example.org");
  dtstart = property_time_text (main_event, ICAL_DTSTART_PROPERTY);
  g_assert_cmpstr (dtstart, ==, "America/Chicago 20260303T090000");
  g_assert_cmpint (icaldurationtype_as_int (icalcomponent_get_duration (main_event)), ==, 90 * 60);
  g_assert_null (icalcomponent_get_first_property (main_event, ICAL_DTEND_PROPERTY));
  g_assert_cmpuint (count_properties (main_event, ICAL_RRULE_PROPERTY), ==, 1);
  {
    struct icalrecurrencetype recur = icalproperty_get_rrule (
        icalcomponent_get_first_property (main_event, ICAL_RRULE_PROPERTY));

    rrule = icalrecurrencetype_as_string_r (&recur);
    g_assert_cmpstr (rrule, ==, "FREQ=WEEKLY;COUNT=12;BYDAY=TU");
    icalmemory_free_buffer (rrule);
  }
  g_assert_cmpuint (count_properties (main_event, ICAL_EXDATE_PROPERTY), ==, 1);
  exdate = property_time_text (main_event, ICAL_EXDATE_PROPERTY);
  g_assert_cmpstr (exdate, ==, "America/Chicago 20260317T090000");

  g_assert_cmpstr (icalcomponent_get_summary (main_event), ==, "GI tumor board");
  g_assert_cmpstr (icalcomponent_get_description (main_event), ==,
                   "Focus: Pancreatic and hepatobiliary cancers\n"
                   "Host site: Lakeshore Medical Center\n"
                   "Join: https://eboard.example.org/sessions/42/join");
  g_assert_cmpstr (icalcomponent_get_location (main_event), ==, "Lakeshore Medical Center");
  g_assert_cmpstr (
      icalproperty_get_url (icalcomponent_get_first_property (main_event, ICAL_URL_PROPERTY)), ==,
      "https://eboard.example.org/sessions/42/join");
  g_assert_cmpint (icalcomponent_get_sequence (main_event), ==, 3);
  g_assert_cmpint (icalcomponent_get_status (main_event), ==, ICAL_STATUS_CONFIRMED);
  property = icalcomponent_get_first_property (main_event, ICAL_ORGANIZER_PROPERTY);
  g_assert_cmpstr (icalproperty_get_organizer (property), ==,
                   "mailto:coordinator@eboard.example.org");
  g_assert_cmpstr (
      icalparameter_get_cn (icalproperty_get_first_parameter (property, ICAL_CN_PARAMETER)), ==,
      "eBoard Coordination");

  g_assert_cmpuint (count_properties (main_event, ICAL_ATTENDEE_PROPERTY), ==,
                    G_N_ELEMENTS (expected));
  for (property = icalcomponent_get_first_property (main_event, ICAL_ATTENDEE_PROPERTY);
       property != NULL;
       property = icalcomponent_get_next_property (main_event, ICAL_ATTENDEE_PROPERTY), i++)
    {
      g_assert_cmpstr (icalproperty_get_attendee (property), ==, expected[i].address);
      g_assert_cmpstr (
          icalparameter_get_cn (icalproperty_get_first_parameter (property, ICAL_CN_PARAMETER)), ==,
          expected[i].cn);
      g_assert_cmpstr (parameter_text (property, ICAL_ROLE_PARAMETER), ==, expected[i].role);
      g_assert_cmpstr (parameter_text (property, ICAL_PARTSTAT_PARAMETER), ==,
                       expected[i].partstat);
      g_assert_cmpstr (parameter_text (property, ICAL_RSVP_PARAMETER), ==, "RSVP=TRUE");
    }

  /* The moved occurrence: same UID, RECURRENCE-ID at the original local
   * start (09:00 CDT), new start Thursday 12:00 CDT. */
  g_assert_cmpstr (icalcomponent_get_uid (override), ==, "session-42@eboard.example.org");
  recurrence_id = property_time_text (override, ICAL_RECURRENCEID_PROPERTY);
  g_assert_cmpstr (recurrence_id, ==, "America/Chicago 20260324T090000");
  moved_start = property_time_text (override, ICAL_DTSTART_PROPERTY);
  g_assert_cmpstr (moved_start, ==, "America/Chicago 20260326T120000");
  g_assert_null (icalcomponent_get_first_property (override, ICAL_RRULE_PROPERTY));
  g_assert_cmpint (icalcomponent_get_sequence (override), ==, 3);
  g_assert_cmpuint (count_properties (override, ICAL_ATTENDEE_PROPERTY), ==,
                    G_N_ELEMENTS (expected));
}

/* The occurrences read back from the text (DTSTART and RRULE expanded by
 * libical in a zone built from the written VTIMEZONE) are the ones
 * eb_occurrences_expand() gives, at 15:00Z before 8 March and at 14:00Z
 * after it. */
static void
test_invitation_instants (void)
{
  g_autoptr (Invitation) invitation = invitation_new_weekly ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = eb_ics_render_invitation (&invitation->event, &error);
  g_autoptr (icalcomponent) calendar = NULL;
  g_autoptr (GArray) occurrences = NULL;
  icalcomponent *main_event;
  icaltimezone *zone = icaltimezone_new ();
  struct icaltimetype dtstart;
  struct icalrecurrencetype recur;
  icalrecur_iterator *iterator;
  g_autoptr (GArray) from_text = g_array_new (FALSE, FALSE, sizeof (gint64));
  static const char *const first[] = {
    "2026-03-03T15:00:00Z",
    "2026-03-10T14:00:00Z",
    "2026-03-17T14:00:00Z",
  };

  g_assert_no_error (error);
  calendar = parse (text);
  g_assert_true (
      icaltimezone_set_component (zone, icalcomponent_new_clone (icalcomponent_get_first_component (
                                            calendar, ICAL_VTIMEZONE_COMPONENT))));

  main_event = find_vevent (calendar, FALSE);
  dtstart = icalproperty_get_dtstart (
      icalcomponent_get_first_property (main_event, ICAL_DTSTART_PROPERTY));
  dtstart.zone = zone;
  recur
      = icalproperty_get_rrule (icalcomponent_get_first_property (main_event, ICAL_RRULE_PROPERTY));
  iterator = icalrecur_iterator_new (recur, dtstart);
  for (struct icaltimetype next = icalrecur_iterator_next (iterator); !icaltime_is_null_time (next);
       next = icalrecur_iterator_next (iterator))
    {
      gint64 value = (gint64)icaltime_as_timet_with_zone (next, zone);

      g_array_append_val (from_text, value);
    }
  icalrecur_iterator_free (iterator);
  icaltimezone_free (zone, TRUE);

  g_assert_cmpuint (from_text->len, ==, 12);
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    g_assert_cmpint (g_array_index (from_text, gint64, i), ==, instant (first[i]));

  /* Without exceptions the library's expansion gives the same twelve. */
  g_ptr_array_set_size (invitation->session->exceptions, 0);
  occurrences
      = eb_occurrences_expand (invitation->session->start, 90, "America/Chicago",
                               invitation->session->recurrence, NULL, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (occurrences->len, ==, from_text->len);
  for (guint i = 0; i < occurrences->len; i++)
    g_assert_cmpint (g_array_index (occurrences, EbOccurrence, i).start, ==,
                     g_array_index (from_text, gint64, i));
}

static void
test_status (void)
{
  struct
  {
    EbSessionState state;
    enum icalproperty_status status;
  } cases[] = {
    { EB_SESSION_STATE_DRAFT, ICAL_STATUS_TENTATIVE },
    { EB_SESSION_STATE_SCHEDULED, ICAL_STATUS_CONFIRMED },
    { EB_SESSION_STATE_LIVE, ICAL_STATUS_CONFIRMED },
    { EB_SESSION_STATE_ENDED, ICAL_STATUS_CONFIRMED },
    { EB_SESSION_STATE_CANCELLED, ICAL_STATUS_CANCELLED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Invitation) invitation = invitation_new (1, "Europe/Berlin");
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      g_autoptr (icalcomponent) calendar = NULL;
      icalcomponent *vevent;

      invitation->session->state = cases[i].state;
      text = eb_ics_render_invitation (&invitation->event, &error);
      g_assert_no_error (error);
      calendar = parse (text);
      g_assert_cmpuint (count_components (calendar, ICAL_VEVENT_COMPONENT), ==, 1);
      vevent = find_vevent (calendar, FALSE);
      g_assert_cmpint (icalcomponent_get_status (vevent), ==, cases[i].status);
      g_assert_null (icalcomponent_get_first_property (vevent, ICAL_RRULE_PROPERTY));
    }
}

/* 15:00Z on 3 March 2026 is 16:00 in Berlin, 20:30 in Kolkata, and
 * stays 15:00Z in UTC, which is written with a Z and no VTIMEZONE. */
static void
test_zones (void)
{
  struct
  {
    const char *zone;
    const char *dtstart;
    guint vtimezones;
  } cases[] = {
    { "Europe/Berlin", "Europe/Berlin 20260303T160000", 1 },
    { "Asia/Kolkata", "Asia/Kolkata 20260303T203000", 1 },
    { "Australia/Sydney", "Australia/Sydney 20260304T020000", 1 },
    { "UTC", "UTC 20260303T150000Z", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Invitation) invitation = invitation_new (5, cases[i].zone);
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *dtstart = NULL;
      g_autoptr (icalcomponent) calendar = NULL;

      text = eb_ics_render_invitation (&invitation->event, &error);
      g_assert_no_error (error);
      calendar = parse (text);
      g_assert_cmpuint (count_components (calendar, ICAL_VTIMEZONE_COMPONENT), ==,
                        cases[i].vtimezones);
      dtstart = property_time_text (find_vevent (calendar, FALSE), ICAL_DTSTART_PROPERTY);
      g_assert_cmpstr (dtstart, ==, cases[i].dtstart);
    }
}

static void
test_escaping (void)
{
  g_autoptr (Invitation) invitation = invitation_new (9, "America/Chicago");
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) calendar = NULL;
  icalcomponent *vevent;
  icalproperty *attendee;

  g_free (invitation->session->title);
  invitation->session->title = g_strdup ("Head & neck; ENT, \"joint\" board\nweekly");
  invitation_add (invitation, "Dr. \"Max\" Müller", "max.mueller@hub.example.org",
                  EB_ROSTER_ROLE_CHAIR, EB_INVITATION_INVITED);
  text = eb_ics_render_invitation (&invitation->event, &error);
  g_assert_no_error (error);
  assert_lines_folded (text);
  calendar = parse (text);
  vevent = find_vevent (calendar, FALSE);
  g_assert_cmpstr (icalcomponent_get_summary (vevent), ==,
                   "Head & neck; ENT, \"joint\" board\nweekly");
  attendee = icalcomponent_get_first_property (vevent, ICAL_ATTENDEE_PROPERTY);
  g_assert_cmpstr (
      icalparameter_get_cn (icalproperty_get_first_parameter (attendee, ICAL_CN_PARAMETER)), ==,
      "Dr. 'Max' Müller");
}

/* An exception for a start the rule does not give is not written. */
static void
test_orphan_exception (void)
{
  g_autoptr (Invitation) invitation = invitation_new_weekly ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) calendar = NULL;

  g_ptr_array_add (invitation->session->exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-18T14:00:00Z"), TRUE, 0));
  g_ptr_array_add (invitation->session->exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-19T14:00:00Z"), FALSE,
                                                instant ("2026-03-20T14:00:00Z")));
  text = eb_ics_render_invitation (&invitation->event, &error);
  g_assert_no_error (error);
  calendar = parse (text);
  g_assert_cmpuint (count_components (calendar, ICAL_VEVENT_COMPONENT), ==, 2);
  g_assert_cmpuint (count_properties (find_vevent (calendar, FALSE), ICAL_EXDATE_PROPERTY), ==, 1);
}

static void
test_feed (void)
{
  g_autoptr (Invitation) weekly = invitation_new_weekly ();
  g_autoptr (Invitation) earlier = invitation_new (43, "America/Chicago");
  g_autoptr (Invitation) berlin = invitation_new (44, "Europe/Berlin");
  g_autoptr (Invitation) utc = invitation_new (45, "UTC");
  g_autoptr (GPtrArray) events = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) calendar = NULL;
  icalproperty *property;
  GHashTable *tzids = g_hash_table_new (g_str_hash, g_str_equal);

  earlier->session->start = instant ("2022-06-07T14:00:00Z");
  g_ptr_array_add (events, &weekly->event);
  g_ptr_array_add (events, &earlier->event);
  g_ptr_array_add (events, &berlin->event);
  g_ptr_array_add (events, &utc->event);
  text = eb_ics_render_feed ("Ana Ruiz — eBoard", events, &error);
  g_assert_no_error (error);
  assert_lines_folded (text);
  calendar = parse (text);

  g_assert_cmpint (
      icalproperty_get_method (icalcomponent_get_first_property (calendar, ICAL_METHOD_PROPERTY)),
      ==, ICAL_METHOD_PUBLISH);
  property = icalcomponent_get_first_property (calendar, ICAL_X_PROPERTY);
  g_assert_nonnull (property);
  g_assert_cmpstr (icalproperty_get_x_name (property), ==, "X-WR-CALNAME");
  g_assert_cmpstr (icalproperty_get_x (property), ==, "Ana Ruiz — eBoard");

  /* Weekly (main + moved), earlier, Berlin, UTC. */
  g_assert_cmpuint (count_components (calendar, ICAL_VEVENT_COMPONENT), ==, 5);
  g_assert_cmpuint (count_components (calendar, ICAL_VTIMEZONE_COMPONENT), ==, 2);
  for (icalcomponent *c = icalcomponent_get_first_component (calendar, ICAL_VTIMEZONE_COMPONENT);
       c != NULL; c = icalcomponent_get_next_component (calendar, ICAL_VTIMEZONE_COMPONENT))
    {
      const char *tzid
          = icalproperty_get_tzid (icalcomponent_get_first_property (c, ICAL_TZID_PROPERTY));
      gint first_year = G_MAXINT;

      g_hash_table_add (tzids, (gpointer)tzid);
      for (icalcomponent *o = icalcomponent_get_first_component (c, ICAL_ANY_COMPONENT); o != NULL;
           o = icalcomponent_get_next_component (c, ICAL_ANY_COMPONENT))
        first_year = MIN (first_year, icalcomponent_get_dtstart (o).year);
      /* History starts on 1 January 00:00Z of the year before the
       * zone's earliest session: 2021 for Chicago, which covers the
       * session of 2022 too (18:00 on 31 December 2020 there), and 2025
       * for Berlin. */
      if (g_strcmp0 (tzid, "America/Chicago") == 0)
        g_assert_cmpint (first_year, ==, 2020);
      else
        g_assert_cmpint (first_year, ==, 2025);
    }
  g_assert_true (g_hash_table_contains (tzids, "America/Chicago"));
  g_assert_true (g_hash_table_contains (tzids, "Europe/Berlin"));
  g_hash_table_unref (tzids);
}

static void
test_errors (void)
{
  g_autoptr (Invitation) invitation = invitation_new_weekly ();
  g_autoptr (GPtrArray) events = g_ptr_array_new ();
  char *text;
  GError *error = NULL;

  invitation->event.uid_domain = NULL;
  text = eb_ics_render_invitation (&invitation->event, &error);
  g_assert_null (text);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
  invitation->event.uid_domain = "eboard.example.org";

  g_free (invitation->session->timezone);
  invitation->session->timezone = g_strdup ("Mars/Olympus");
  text = eb_ics_render_invitation (&invitation->event, &error);
  g_assert_null (text);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);

  g_ptr_array_add (events, &invitation->event);
  text = eb_ics_render_feed ("feed", events, &error);
  g_assert_null (text);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);

  /* A rule RFC 5545 cannot express as asked. */
  g_free (invitation->session->timezone);
  invitation->session->timezone = g_strdup ("America/Chicago");
  invitation->session->recurrence->until = instant ("2026-06-01T00:00:00Z");
  text = eb_ics_render_invitation (&invitation->event, &error);
  g_assert_null (text);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/core/ics/invitation-structure", test_invitation_structure);
  g_test_add_func ("/eboard/core/ics/invitation-instants", test_invitation_instants);
  g_test_add_func ("/eboard/core/ics/status", test_status);
  g_test_add_func ("/eboard/core/ics/zones", test_zones);
  g_test_add_func ("/eboard/core/ics/escaping", test_escaping);
  g_test_add_func ("/eboard/core/ics/orphan-exception", test_orphan_exception);
  g_test_add_func ("/eboard/core/ics/feed", test_feed);
  g_test_add_func ("/eboard/core/ics/errors", test_errors);

  return g_test_run ();
}
