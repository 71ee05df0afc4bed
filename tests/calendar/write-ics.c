/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Writes the invitations and a feed of a small, realistic network into a
 * folder, with expected.json holding what eb_occurrences_expand() gives
 * for each session in 2026 and the case text that must stay out of the
 * calendars. check-ics.py reads them with an independent parser. */

#include "eb-config.h"

#include <json-glib/json-glib.h>

#include <eboard/eb-agenda.h>
#include <eboard/eb-error.h>
#include <eboard/eb-ics.h>

#define WINDOW_FROM "2026-01-01T00:00:00Z"
#define WINDOW_TO "2027-01-01T00:00:00Z"

static gint64
instant (const char *text)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static char *
rfc3339 (gint64 value)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (value);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

typedef struct
{
  GPtrArray *sessions; /* (element-type EbSession) */
  GPtrArray *sites;    /* (element-type EbSite) */
  GPtrArray *people;   /* (element-type EbPerson) */
  GPtrArray *entries;  /* (element-type EbRosterEntry) */
  GPtrArray *agenda;   /* (element-type EbAgendaItem) */
  GPtrArray *events;   /* (element-type EbIcsEvent) */
} Network;

static void
network_free (Network *network)
{
  g_ptr_array_unref (network->events);
  g_ptr_array_unref (network->agenda);
  g_ptr_array_unref (network->entries);
  g_ptr_array_unref (network->people);
  g_ptr_array_unref (network->sites);
  g_ptr_array_unref (network->sessions);
  g_free (network);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Network, network_free)

static EbSite *
add_site (Network *network, EbId id, const char *name, const char *code, const char *zone)
{
  EbSite *site = eb_site_new ();

  site->id = id;
  site->name = g_strdup (name);
  site->code = g_strdup (code);
  site->timezone = g_strdup (zone);
  site->status = EB_SITE_STATUS_ACTIVE;
  g_ptr_array_add (network->sites, site);
  return site;
}

static EbPerson *
add_person (Network *network, EbId id, const char *name, const char *email, const char *specialty,
            EbId site_id)
{
  EbPerson *person = eb_person_new ();

  person->id = id;
  person->name = g_strdup (name);
  person->email = g_strdup (email);
  person->specialty = g_strdup (specialty);
  person->home_site_id = site_id;
  person->active = TRUE;
  g_ptr_array_add (network->people, person);
  return person;
}

static EbSession *
add_session (Network *network, EbId id, const char *title, const char *focus, EbId site_id,
             const char *start, gint minutes, const char *zone, EbSessionState state)
{
  EbSession *session = eb_session_new ();

  session->id = id;
  session->title = g_strdup (title);
  session->focus = g_strdup (focus);
  session->host_site_id = site_id;
  session->start = instant (start);
  session->duration_minutes = minutes;
  session->timezone = g_strdup (zone);
  session->state = state;
  session->version = 4;
  session->created_at = instant ("2025-12-01T09:00:00Z");
  session->updated_at = instant ("2025-12-10T16:45:00Z");
  g_ptr_array_add (network->sessions, session);
  return session;
}

static EbIcsEvent *
add_event (Network *network, EbSession *session, EbSite *site)
{
  EbIcsEvent *event = g_new0 (EbIcsEvent, 1);
  g_autofree char *url = g_strdup_printf (
      "https://eboard.example.org/sessions/%" G_GINT64_FORMAT "/join", session->id);

  event->session = session;
  event->host_site = site;
  event->organizer_name = "Network Coordination Office";
  event->organizer_email = "coordination@eboard.example.org";
  event->attendees = g_ptr_array_new_with_free_func (g_free);
  event->url = g_intern_string (url);
  event->uid_domain = "eboard.example.org";
  g_ptr_array_add (network->events, event);
  return event;
}

static void
invite (Network *network, EbIcsEvent *event, EbPerson *person, EbRosterRole role,
        EbInvitationStatus status)
{
  EbRosterEntry *entry = eb_roster_entry_new ();
  EbIcsAttendee *attendee = g_new0 (EbIcsAttendee, 1);

  entry->id = network->entries->len + 1;
  entry->session_id = event->session->id;
  entry->person_id = person->id;
  entry->role = role;
  entry->status = status;
  g_ptr_array_add (network->entries, entry);
  attendee->person = person;
  attendee->entry = entry;
  g_ptr_array_add (event->attendees, attendee);
}

static void
add_case (Network *network, EbSession *session, EbPerson *presenter, const char *summary,
          const char *question)
{
  EbAgendaItem *item = eb_agenda_item_new ();

  item->id = network->agenda->len + 1;
  item->session_id = session->id;
  item->position = network->agenda->len + 1;
  item->presenter_id = presenter->id;
  item->presenting_site_id = presenter->home_site_id;
  item->summary = g_strdup (summary);
  item->question = g_strdup (question);
  item->minutes = 15;
  item->kind = EB_CASE_KIND_PROSPECTIVE;
  g_ptr_array_add (network->agenda, item);
}

static void
free_event (gpointer data)
{
  EbIcsEvent *event = data;

  g_ptr_array_unref (event->attendees);
  g_free (event);
}

static Network *
network_new (void)
{
  Network *network = g_new0 (Network, 1);
  EbSite *lakeshore, *berlin, *mumbai, *sydney, *hub;
  EbPerson *ruiz, *okafor, *chen, *schulz, *novak, *weber, *iyer, *taylor;
  EbSession *gi, *thoracic, *sarcoma, *melanoma, *cancelled;
  EbIcsEvent *event;

  network->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_session_free);
  network->sites = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_site_free);
  network->people = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_person_free);
  network->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_roster_entry_free);
  network->agenda = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_agenda_item_free);
  network->events = g_ptr_array_new_with_free_func (free_event);

  hub = add_site (network, 1, "Northgate University Hospital", "NGU", "America/Chicago");
  lakeshore = add_site (network, 2, "Lakeshore Medical Center", "LMC", "America/Chicago");
  berlin = add_site (network, 3, "Klinikum Berlin-Mitte", "KBM", "Europe/Berlin");
  mumbai = add_site (network, 4, "Western Cancer Institute", "WCI", "Asia/Kolkata");
  sydney = add_site (network, 5, "Harbour Oncology Centre", "HOC", "Australia/Sydney");

  ruiz = add_person (network, 11, "Ana Ruiz", "ana.ruiz@lakeshore.example.org", "medical-oncology",
                     lakeshore->id);
  okafor = add_person (network, 12, "Ben Okafor", "ben.okafor@northgate.example.org", "surgery",
                       hub->id);
  chen = add_person (network, 13, "Chen Wei", "chen.wei@lakeshore.example.org", "pathology",
                     lakeshore->id);
  schulz = add_person (network, 14, "Dana Schulz", "dana.schulz@northgate.example.org",
                       "medical-oncology", hub->id);
  novak = add_person (network, 15, "Eli Novak", "eli.novak@northgate.example.org",
                      "diagnostic-radiology", hub->id);
  weber = add_person (network, 16, "Jonas Weber", "jonas.weber@kbm.example.org",
                      "radiation-oncology", berlin->id);
  iyer
      = add_person (network, 17, "Priya Iyer", "priya.iyer@wci.example.org", "surgery", mumbai->id);
  taylor = add_person (network, 18, "Sam Taylor", "sam.taylor@hoc.example.org", "medical-oncology",
                       sydney->id);

  /* Tuesdays 09:00-10:30 Chicago from 24 February to 15 December 2026,
   * across both US changes. 17 March is cancelled; 3 March (09:00 CST)
   * moves to Thursday 12 March 13:00, after the change. */
  gi = add_session (network, 101, "GI tumor board", "Pancreatic and hepatobiliary cancers",
                    lakeshore->id, "2026-02-24T15:00:00Z", 90, "America/Chicago",
                    EB_SESSION_STATE_SCHEDULED);
  gi->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  gi->recurrence->until = instant ("2026-12-15T15:00:00Z");
  g_ptr_array_add (gi->exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-03T15:00:00Z"), FALSE,
                                                instant ("2026-03-12T18:00:00Z")));
  g_ptr_array_add (gi->exceptions,
                   eb_occurrence_exception_new (instant ("2026-03-17T14:00:00Z"), TRUE, 0));
  event = add_event (network, gi, lakeshore);
  invite (network, event, ruiz, EB_ROSTER_ROLE_CHAIR, EB_INVITATION_ACCEPTED);
  invite (network, event, okafor, EB_ROSTER_ROLE_PRESENTER, EB_INVITATION_INVITED);
  invite (network, event, chen, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_TENTATIVE);
  invite (network, event, schulz, EB_ROSTER_ROLE_COORDINATOR, EB_INVITATION_ACCEPTED);
  invite (network, event, novak, EB_ROSTER_ROLE_OBSERVER, EB_INVITATION_DECLINED);
  add_case (network, gi, okafor,
            "Borderline resectable pancreatic head adenocarcinoma after six cycles of "
            "FOLFIRINOX",
            "Proceed to pancreaticoduodenectomy or add chemoradiation first?");
  add_case (network, gi, okafor, "Incidental 2 cm hepatic lesion with arterial enhancement",
            "Biopsy or MRI follow-up in three months?");

  /* 2nd Tuesday 17:30 Berlin, ten times from January (EU change on
   * 29 March). */
  thoracic = add_session (network, 102, "Thoracic tumor board", "Lung and mesothelioma", berlin->id,
                          "2026-01-13T16:30:00Z", 60, "Europe/Berlin", EB_SESSION_STATE_SCHEDULED);
  thoracic->recurrence = eb_recurrence_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 1);
  thoracic->recurrence->count = 10;
  event = add_event (network, thoracic, berlin);
  invite (network, event, weber, EB_ROSTER_ROLE_CHAIR, EB_INVITATION_ACCEPTED);
  invite (network, event, ruiz, EB_ROSTER_ROLE_PRESENTER, EB_INVITATION_TENTATIVE);
  invite (network, event, novak, EB_ROSTER_ROLE_OBSERVER, EB_INVITATION_INVITED);
  add_case (network, thoracic, ruiz, "Stage IIIA adenocarcinoma, EGFR exon 19 deletion",
            "Neoadjuvant osimertinib before resection?");

  /* A single draft session in Kolkata (no daylight saving). */
  sarcoma = add_session (network, 103, "Sarcoma case review", "Retroperitoneal sarcoma", mumbai->id,
                         "2026-04-07T12:30:00Z", 45, "Asia/Kolkata", EB_SESSION_STATE_DRAFT);
  event = add_event (network, sarcoma, mumbai);
  invite (network, event, iyer, EB_ROSTER_ROLE_CHAIR, EB_INVITATION_INVITED);
  invite (network, event, ruiz, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);

  /* Last Wednesday 07:30 Sydney every two months, open-ended (the
   * southern season: daylight saving ends 5 April, starts 4 October). */
  melanoma
      = add_session (network, 104, "Melanoma board", "Cutaneous and mucosal melanoma", sydney->id,
                     "2026-01-27T20:30:00Z", 60, "Australia/Sydney", EB_SESSION_STATE_SCHEDULED);
  melanoma->recurrence = eb_recurrence_new (EB_RECURRENCE_MONTHLY_BY_WEEKDAY, 2);
  melanoma->recurrence->last_weekday = TRUE;
  event = add_event (network, melanoma, sydney);
  invite (network, event, taylor, EB_ROSTER_ROLE_CHAIR, EB_INVITATION_ACCEPTED);
  invite (network, event, ruiz, EB_ROSTER_ROLE_COORDINATOR, EB_INVITATION_DECLINED);

  /* A cancelled single session kept in UTC. */
  cancelled = add_session (network, 105, "Neuro-oncology board", "Glioma", hub->id,
                           "2026-05-05T13:00:00Z", 60, "UTC", EB_SESSION_STATE_CANCELLED);
  event = add_event (network, cancelled, hub);
  invite (network, event, ruiz, EB_ROSTER_ROLE_PANELIST, EB_INVITATION_ACCEPTED);

  return network;
}

static gboolean
write_file (const char *folder, const char *name, const char *contents, GError **error)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  return g_file_set_contents (path, contents, -1, error);
}

int
main (int argc, char **argv)
{
  g_autoptr (Network) network = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *feed = NULL;
  const char *folder;

  if (argc != 2)
    {
      g_printerr ("usage: %s FOLDER\n", argv[0]);
      return 2;
    }
  folder = argv[1];
  network = network_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "window");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, WINDOW_FROM);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, WINDOW_TO);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "sessions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < network->events->len; i++)
    {
      EbIcsEvent *event = g_ptr_array_index (network->events, i);
      const EbSession *session = event->session;
      g_autoptr (GArray) occurrences = NULL;
      g_autofree char *name = g_strdup_printf ("invitation-%" G_GINT64_FORMAT ".ics", session->id);
      g_autofree char *text = NULL;
      g_autofree char *rrule = NULL;

      /* Sessions 101..103 get an invitation of their own; all are in the
       * feed. */
      if (session->id <= 103)
        {
          text = eb_ics_render_invitation (event, &error);
          if (text == NULL || !write_file (folder, name, text, &error))
            {
              g_printerr ("session %" G_GINT64_FORMAT ": %s\n", session->id, error->message);
              return 1;
            }
        }
      if (session->recurrence != NULL)
        {
          rrule = eb_recurrence_to_rrule (session->recurrence, session->start, session->timezone,
                                          &error);
          if (rrule == NULL)
            {
              g_printerr ("session %" G_GINT64_FORMAT ": %s\n", session->id, error->message);
              return 1;
            }
        }

      occurrences = eb_occurrences_expand (
          session->start, session->duration_minutes, session->timezone, session->recurrence,
          session->exceptions, instant (WINDOW_FROM), instant (WINDOW_TO), &error);
      if (occurrences == NULL)
        {
          g_printerr ("session %" G_GINT64_FORMAT ": %s\n", session->id, error->message);
          return 1;
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, session->id);
      json_builder_set_member_name (builder, "invitation");
      if (text != NULL)
        json_builder_add_string_value (builder, name);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "timezone");
      json_builder_add_string_value (builder, session->timezone);
      json_builder_set_member_name (builder, "rrule");
      if (rrule != NULL)
        json_builder_add_string_value (builder, rrule);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "occurrences");
      json_builder_begin_array (builder);
      for (guint j = 0; j < occurrences->len; j++)
        {
          const EbOccurrence *occurrence = &g_array_index (occurrences, EbOccurrence, j);
          g_autofree char *start = rfc3339 (occurrence->start);
          g_autofree char *end = rfc3339 (occurrence->end);
          g_autofree char *original = rfc3339 (occurrence->original_start);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "start");
          json_builder_add_string_value (builder, start);
          json_builder_set_member_name (builder, "end");
          json_builder_add_string_value (builder, end);
          json_builder_set_member_name (builder, "original_start");
          json_builder_add_string_value (builder, original);
          json_builder_set_member_name (builder, "moved");
          json_builder_add_boolean_value (builder, occurrence->moved);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  feed = eb_ics_render_feed ("Ana Ruiz — eBoard sessions", network->events, &error);
  if (feed == NULL || !write_file (folder, "feed.ics", feed, &error))
    {
      g_printerr ("feed: %s\n", error->message);
      return 1;
    }
  json_builder_set_member_name (builder, "feed");
  json_builder_add_string_value (builder, "feed.ics");

  /* What the agenda holds for these sessions: none of it may reach a
   * calendar. */
  json_builder_set_member_name (builder, "case_text");
  json_builder_begin_array (builder);
  for (guint i = 0; i < network->agenda->len; i++)
    {
      EbAgendaItem *item = g_ptr_array_index (network->agenda, i);

      json_builder_add_string_value (builder, item->summary);
      json_builder_add_string_value (builder, item->question);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json = json_generator_to_data (generator, NULL);
  if (!write_file (folder, "expected.json", json, &error))
    {
      g_printerr ("expected.json: %s\n", error->message);
      return 1;
    }
  return 0;
}
