/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-ics.h>

#include "eb-timezone-private.h"

#define EB_ICS_PRODID "-//eboard//eboard 0.1//EN"

/* Parameter values cannot hold a double quote (RFC 5545 3.1: param-value
 * is a quoted string or safe characters) nor control characters: a name
 * is written with double quotes as apostrophes and control characters as
 * spaces. */
static char *
eb_ics_parameter_text (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  for (char *p = copy; *p != '\0'; p++)
    {
      if (*p == '"')
        *p = '\'';
      else if ((guchar)*p < 0x20 || *p == 0x7f)
        *p = ' ';
    }
  return g_strstrip (copy);
}

/* TEXT values are escaped by libical; only control characters other than
 * the line break are dropped, which no calendar reader accepts. */
static char *
eb_ics_text (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  for (char *p = copy; *p != '\0'; p++)
    {
      if (((guchar)*p < 0x20 && *p != '\n') || *p == 0x7f)
        *p = ' ';
    }
  return copy;
}

static char *
eb_ics_mailto (const char *email)
{
  g_autofree char *clean = eb_ics_parameter_text (email);

  return g_strconcat ("mailto:", clean, NULL);
}

/* A DATE-TIME property at @instant: local wall-clock time with a TZID
 * parameter naming the plain IANA zone, or a UTC time for UTC. */
static icalproperty *
eb_ics_set_time (icalproperty *property, void (*setter) (icalproperty *, struct icaltimetype),
                 gint64 instant, icaltimezone *zone, const char *tzid)
{
  if (eb_timezone_is_utc (zone))
    {
      setter (property, eb_timezone_local_time (instant, zone));
      return property;
    }
  setter (property, eb_timezone_floating_time (instant, zone));
  icalproperty_add_parameter (property, icalparameter_new_tzid (tzid));
  return property;
}

static struct icaltimetype
eb_ics_utc_time (gint64 instant)
{
  return icaltime_from_timet_with_zone ((time_t)instant, 0, icaltimezone_get_utc_timezone ());
}

static icalparameter_role
eb_ics_role (EbRosterRole role)
{
  switch (role)
    {
      case EB_ROSTER_ROLE_CHAIR:
        return ICAL_ROLE_CHAIR;
      case EB_ROSTER_ROLE_PRESENTER:
      case EB_ROSTER_ROLE_PANELIST:
        return ICAL_ROLE_REQPARTICIPANT;
      case EB_ROSTER_ROLE_COORDINATOR:
        return ICAL_ROLE_OPTPARTICIPANT;
      case EB_ROSTER_ROLE_OBSERVER:
      default:
        return ICAL_ROLE_NONPARTICIPANT;
    }
}

static icalparameter_partstat
eb_ics_partstat (EbInvitationStatus status)
{
  switch (status)
    {
      case EB_INVITATION_ACCEPTED:
        return ICAL_PARTSTAT_ACCEPTED;
      case EB_INVITATION_DECLINED:
        return ICAL_PARTSTAT_DECLINED;
      case EB_INVITATION_TENTATIVE:
        return ICAL_PARTSTAT_TENTATIVE;
      case EB_INVITATION_INVITED:
      default:
        return ICAL_PARTSTAT_NEEDSACTION;
    }
}

static enum icalproperty_status
eb_ics_status (EbSessionState state)
{
  switch (state)
    {
      case EB_SESSION_STATE_DRAFT:
        return ICAL_STATUS_TENTATIVE;
      case EB_SESSION_STATE_CANCELLED:
        return ICAL_STATUS_CANCELLED;
      case EB_SESSION_STATE_SCHEDULED:
      case EB_SESSION_STATE_LIVE:
      case EB_SESSION_STATE_ENDED:
      case EB_SESSION_STATE_ARCHIVED:
      default:
        return ICAL_STATUS_CONFIRMED;
    }
}

static gboolean
eb_ics_check_event (const EbIcsEvent *event, GError **error)
{
  if (event == NULL || event->session == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "an invitation needs a session");
      return FALSE;
    }
  if (event->uid_domain == NULL || *event->uid_domain == '\0')
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "an invitation needs a UID domain");
      return FALSE;
    }
  if (event->organizer_email == NULL || *event->organizer_email == '\0')
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "an invitation needs an organiser e-mail");
      return FALSE;
    }
  if (eb_timezone_get (event->session->timezone) == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "session %" G_GINT64_FORMAT " has an unknown time zone", event->session->id);
      return FALSE;
    }
  if (event->session->duration_minutes < 1)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   "session %" G_GINT64_FORMAT " has no duration", event->session->id);
      return FALSE;
    }
  return TRUE;
}

/* Whether the rule of @session gives an occurrence at @original: an
 * exception for any other start does not apply and is left out, as
 * eb_occurrences_expand() leaves it out. */
static gboolean
eb_ics_is_occurrence (const EbSession *session, gint64 original, GError **error)
{
  g_autoptr (GArray) occurrences = NULL;

  if (session->recurrence == NULL)
    return original == session->start;
  if (original == G_MAXINT64)
    return FALSE;
  occurrences = eb_occurrences_expand (session->start, session->duration_minutes, session->timezone,
                                       session->recurrence, NULL, original, original + 1, error);
  if (occurrences == NULL)
    return FALSE;
  for (guint i = 0; i < occurrences->len; i++)
    if (g_array_index (occurrences, EbOccurrence, i).original_start == original)
      return TRUE;
  return FALSE;
}

/* UID and time stamps, first in every VEVENT of a session. */
static void
eb_ics_add_identity (icalcomponent *vevent, const EbSession *session, const char *uid)
{
  icalcomponent_add_property (vevent, icalproperty_new_uid (uid));
  icalcomponent_add_property (
      vevent, icalproperty_new_dtstamp (eb_ics_utc_time (g_get_real_time () / G_USEC_PER_SEC)));
  if (session->created_at > 0)
    icalcomponent_add_property (vevent,
                                icalproperty_new_created (eb_ics_utc_time (session->created_at)));
  if (session->updated_at > 0)
    icalcomponent_add_property (
        vevent, icalproperty_new_lastmodified (eb_ics_utc_time (session->updated_at)));
}

/* The properties the main event and every moved occurrence share: what
 * an invitation may carry (title, focus, host site, link), organiser,
 * attendees, status and sequence. Never case content. */
static void
eb_ics_add_details (icalcomponent *vevent, const EbIcsEvent *event, gboolean cancelled)
{
  const EbSession *session = event->session;
  const char *site_name = event->host_site != NULL ? event->host_site->name : NULL;
  g_autoptr (GString) description = g_string_new (NULL);
  g_autofree char *summary = eb_ics_text (session->title);
  g_autofree char *description_text = NULL;
  g_autofree char *organizer = eb_ics_mailto (event->organizer_email);
  icalproperty *property;

  icalcomponent_add_property (vevent, icalproperty_new_summary (summary));

  if (session->focus != NULL && *session->focus != '\0')
    g_string_append_printf (description, "Focus: %s\n", session->focus);
  if (site_name != NULL && *site_name != '\0')
    g_string_append_printf (description, "Host site: %s\n", site_name);
  if (event->url != NULL && *event->url != '\0')
    g_string_append_printf (description, "Join: %s\n", event->url);
  if (description->len > 0)
    g_string_truncate (description, description->len - 1);
  description_text = eb_ics_text (description->str);
  icalcomponent_add_property (vevent, icalproperty_new_description (description_text));

  if (site_name != NULL && *site_name != '\0')
    {
      g_autofree char *location = eb_ics_text (site_name);

      icalcomponent_add_property (vevent, icalproperty_new_location (location));
    }
  if (event->url != NULL && *event->url != '\0')
    {
      g_autofree char *url = eb_ics_parameter_text (event->url);

      icalcomponent_add_property (vevent, icalproperty_new_url (url));
    }

  icalcomponent_add_property (
      vevent, icalproperty_new_sequence ((int)CLAMP (session->version, 0, G_MAXINT)));
  icalcomponent_add_property (
      vevent,
      icalproperty_new_status (cancelled ? ICAL_STATUS_CANCELLED : eb_ics_status (session->state)));

  property = icalproperty_new_organizer (organizer);
  if (event->organizer_name != NULL && *event->organizer_name != '\0')
    {
      g_autofree char *name = eb_ics_parameter_text (event->organizer_name);

      icalproperty_add_parameter (property, icalparameter_new_cn (name));
    }
  icalcomponent_add_property (vevent, property);

  for (guint i = 0; event->attendees != NULL && i < event->attendees->len; i++)
    {
      const EbIcsAttendee *attendee = g_ptr_array_index (event->attendees, i);
      g_autofree char *address = NULL;
      g_autofree char *name = NULL;

      if (attendee == NULL || attendee->person == NULL || attendee->entry == NULL
          || attendee->person->email == NULL || *attendee->person->email == '\0')
        continue;
      address = eb_ics_mailto (attendee->person->email);
      name = eb_ics_parameter_text (attendee->person->name);
      property = icalproperty_new_attendee (address);
      if (*name != '\0')
        icalproperty_add_parameter (property, icalparameter_new_cn (name));
      icalproperty_add_parameter (property, icalparameter_new_cutype (ICAL_CUTYPE_INDIVIDUAL));
      icalproperty_add_parameter (property,
                                  icalparameter_new_role (eb_ics_role (attendee->entry->role)));
      icalproperty_add_parameter (
          property, icalparameter_new_partstat (eb_ics_partstat (attendee->entry->status)));
      icalproperty_add_parameter (property, icalparameter_new_rsvp (ICAL_RSVP_TRUE));
      icalcomponent_add_property (vevent, property);
    }
}

static icalproperty *
eb_ics_duration (gint duration_minutes)
{
  return icalproperty_new_duration (icaldurationtype_from_int (duration_minutes * 60));
}

/* Adds the VEVENT of @event, plus one VEVENT per moved occurrence, to
 * @calendar. */
static gboolean
eb_ics_add_session (icalcomponent *calendar, const EbIcsEvent *event, GError **error)
{
  const EbSession *session = event->session;
  icaltimezone *zone = eb_timezone_get (session->timezone);
  const char *tzid = session->timezone;
  g_autofree char *uid
      = g_strdup_printf ("session-%" G_GINT64_FORMAT "@%s", session->id, event->uid_domain);
  g_autofree char *rrule = NULL;
  g_autoptr (icalcomponent) main_event = NULL;
  g_autoptr (GPtrArray) cancelled_starts = g_ptr_array_new ();
  g_autoptr (GPtrArray) moved = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 start = session->start;
  gboolean cancelled = FALSE;

  if (session->recurrence != NULL)
    {
      rrule = eb_recurrence_to_rrule (session->recurrence, session->start, tzid, error);
      if (rrule == NULL)
        return FALSE;
    }

  for (guint i = 0; session->exceptions != NULL && i < session->exceptions->len; i++)
    {
      EbOccurrenceException *exception = g_ptr_array_index (session->exceptions, i);
      g_autoptr (GError) local_error = NULL;

      if (g_hash_table_contains (seen, &exception->original_start))
        continue;
      g_hash_table_add (seen, &exception->original_start);
      if (!eb_ics_is_occurrence (session, exception->original_start, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          continue;
        }

      if (session->recurrence == NULL)
        {
          /* A single session has no RECURRENCE-ID: the exception changes
           * the event itself. */
          if (exception->cancelled)
            cancelled = TRUE;
          else
            start = exception->new_start;
        }
      else if (exception->cancelled)
        g_ptr_array_add (cancelled_starts, exception);
      else
        g_ptr_array_add (moved, exception);
    }

  main_event = icalcomponent_new_vevent ();
  eb_ics_add_identity (main_event, session, uid);
  icalcomponent_add_property (main_event,
                              eb_ics_set_time (icalproperty_new (ICAL_DTSTART_PROPERTY),
                                               icalproperty_set_dtstart, start, zone, tzid));
  icalcomponent_add_property (main_event, eb_ics_duration (session->duration_minutes));
  if (rrule != NULL)
    icalcomponent_add_property (main_event,
                                icalproperty_new_rrule (icalrecurrencetype_from_string (rrule)));
  for (guint i = 0; i < cancelled_starts->len; i++)
    {
      const EbOccurrenceException *exception = g_ptr_array_index (cancelled_starts, i);

      icalcomponent_add_property (main_event,
                                  eb_ics_set_time (icalproperty_new (ICAL_EXDATE_PROPERTY),
                                                   icalproperty_set_exdate,
                                                   exception->original_start, zone, tzid));
    }
  eb_ics_add_details (main_event, event, cancelled);
  icalcomponent_add_component (calendar, g_steal_pointer (&main_event));

  for (guint i = 0; i < moved->len; i++)
    {
      const EbOccurrenceException *exception = g_ptr_array_index (moved, i);
      icalcomponent *override = icalcomponent_new_vevent ();

      eb_ics_add_identity (override, session, uid);
      icalcomponent_add_property (override,
                                  eb_ics_set_time (icalproperty_new (ICAL_RECURRENCEID_PROPERTY),
                                                   icalproperty_set_recurrenceid,
                                                   exception->original_start, zone, tzid));
      icalcomponent_add_property (
          override, eb_ics_set_time (icalproperty_new (ICAL_DTSTART_PROPERTY),
                                     icalproperty_set_dtstart, exception->new_start, zone, tzid));
      icalcomponent_add_property (override, eb_ics_duration (session->duration_minutes));
      eb_ics_add_details (override, event, FALSE);
      icalcomponent_add_component (calendar, override);
    }
  return TRUE;
}

static gint64
eb_ics_earliest_start (const EbSession *session)
{
  gint64 earliest = session->start;

  for (guint i = 0; session->exceptions != NULL && i < session->exceptions->len; i++)
    {
      const EbOccurrenceException *exception = g_ptr_array_index (session->exceptions, i);

      if (!exception->cancelled)
        earliest = MIN (earliest, exception->new_start);
    }
  return earliest;
}

static icalcomponent *
eb_ics_new_calendar (icalproperty_method method)
{
  icalcomponent *calendar = icalcomponent_new_vcalendar ();

  icalcomponent_add_property (calendar, icalproperty_new_prodid (EB_ICS_PRODID));
  icalcomponent_add_property (calendar, icalproperty_new_version ("2.0"));
  icalcomponent_add_property (calendar, icalproperty_new_calscale ("GREGORIAN"));
  icalcomponent_add_property (calendar, icalproperty_new_method (method));
  return calendar;
}

static gboolean
eb_ics_add_vtimezone (icalcomponent *calendar, const char *timezone, gint64 since, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  icalcomponent *vtimezone = eb_timezone_vtimezone (timezone, since, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* UTC has no VTIMEZONE: its times are written with a Z. */
  if (vtimezone != NULL)
    icalcomponent_add_component (calendar, vtimezone);
  return TRUE;
}

static char *
eb_ics_serialize (icalcomponent *calendar, GError **error)
{
  char *text = icalcomponent_as_ical_string_r (calendar);
  char *result;

  if (text == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "libical could not write the calendar");
      return NULL;
    }
  result = g_strdup (text);
  icalmemory_free_buffer (text);
  return result;
}

/**
 * eb_ics_render_invitation:
 * @event: the session and what the invitation names
 *
 * Returns: (transfer full): the text/calendar body (CRLF lines, folded
 *   by libical), or %NULL with EB_ERROR_INVALID for an event that cannot
 *   be written
 */
char *
eb_ics_render_invitation (const EbIcsEvent *event, GError **error)
{
  g_autoptr (icalcomponent) calendar = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!eb_ics_check_event (event, error))
    return NULL;

  calendar = eb_ics_new_calendar (ICAL_METHOD_REQUEST);
  if (!eb_ics_add_vtimezone (calendar, event->session->timezone,
                             eb_ics_earliest_start (event->session), error))
    return NULL;
  if (!eb_ics_add_session (calendar, event, error))
    return NULL;
  return eb_ics_serialize (calendar, error);
}

/**
 * eb_ics_render_feed:
 * @calendar_name: shown by calendar applications (X-WR-CALNAME)
 * @events: (element-type EbIcsEvent): the sessions of the feed
 *
 * Returns: (transfer full): the text/calendar body, or %NULL with an
 *   error when one of the events cannot be written
 */
char *
eb_ics_render_feed (const char *calendar_name, GPtrArray *events, GError **error)
{
  g_autoptr (icalcomponent) calendar = NULL;
  g_autoptr (GHashTable) zones = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GList) names = NULL;

  g_return_val_if_fail (events != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  calendar = eb_ics_new_calendar (ICAL_METHOD_PUBLISH);
  if (calendar_name != NULL && *calendar_name != '\0')
    {
      g_autofree char *name = eb_ics_text (calendar_name);
      icalproperty *property = icalproperty_new_x (name);

      icalproperty_set_x_name (property, "X-WR-CALNAME");
      icalcomponent_add_property (calendar, property);
    }

  /* One VTIMEZONE per zone, covering the earliest session in it. */
  for (guint i = 0; i < events->len; i++)
    {
      const EbIcsEvent *event = g_ptr_array_index (events, i);
      gint64 *since;

      if (!eb_ics_check_event (event, error))
        return NULL;
      since = g_hash_table_lookup (zones, event->session->timezone);
      if (since == NULL)
        {
          since = g_new (gint64, 1);
          *since = G_MAXINT64;
          g_hash_table_insert (zones, event->session->timezone, since);
        }
      *since = MIN (*since, eb_ics_earliest_start (event->session));
    }
  names = g_list_sort (g_hash_table_get_keys (zones), (GCompareFunc)g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const gint64 *since = g_hash_table_lookup (zones, l->data);

      if (!eb_ics_add_vtimezone (calendar, l->data, *since, error))
        return NULL;
    }

  for (guint i = 0; i < events->len; i++)
    if (!eb_ics_add_session (calendar, g_ptr_array_index (events, i), error))
      return NULL;
  return eb_ics_serialize (calendar, error);
}
