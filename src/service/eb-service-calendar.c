/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include <eboard/eb-ics.h>

#include "eb-service-private.h"

/* The roster of one session with the people it names. */
typedef struct
{
  GPtrArray *entries; /* EbRosterEntry */
  GPtrArray *people;  /* EbPerson */
  GHashTable *by_id;  /* EbId -> EbPerson, borrowed from @people */
} EbRosterView;

static void
eb_roster_view_free (EbRosterView *view)
{
  if (view == NULL)
    return;
  g_clear_pointer (&view->by_id, g_hash_table_unref);
  g_clear_pointer (&view->entries, g_ptr_array_unref);
  g_clear_pointer (&view->people, g_ptr_array_unref);
  g_free (view);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRosterView, eb_roster_view_free)

static EbRosterView *
eb_roster_view_load (EbService *self, EbId session_id, GError **error)
{
  g_autoptr (EbRosterView) view = g_new0 (EbRosterView, 1);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (EbId));

  view->entries = eb_store_roster_list (self->store, session_id, error);
  if (view->entries == NULL)
    return NULL;
  for (guint i = 0; i < view->entries->len; i++)
    {
      const EbRosterEntry *entry = g_ptr_array_index (view->entries, i);
      g_array_append_val (ids, entry->person_id);
    }
  if (ids->len == 0)
    view->people = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_person_free);
  else
    view->people = eb_store_person_get_many (self->store, (const EbId *)ids->data, ids->len, error);
  if (view->people == NULL)
    return NULL;
  view->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < view->people->len; i++)
    {
      EbPerson *person = g_ptr_array_index (view->people, i);
      g_hash_table_insert (view->by_id, &person->id, person);
    }
  return g_steal_pointer (&view);
}

/**
 * eb_service_quorum:
 *
 * Returns: (transfer full): which required specialties the accepted
 *   roster members cover
 */
EbQuorumReport *
eb_service_quorum (EbService *self, const EbPrincipal *who, EbId session_id, GError **error)
{
  g_autoptr (EbRosterView) view = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_can_read_session (self, who, session_id, error))
    return NULL;
  view = eb_roster_view_load (self, session_id, error);
  if (view == NULL)
    return NULL;
  return eb_quorum_evaluate ((const char *const *)self->required_specialties, view->entries,
                             view->people);
}

/* What one session's VEVENT needs, kept alive while the calendar is
 * rendered (EbIcsEvent only borrows). */
typedef struct
{
  EbSession *session;
  EbSite *host_site;
  EbRosterView *roster;
  char *url;
  EbIcsEvent event;
} EbEventData;

static void
eb_event_data_free (EbEventData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->event.attendees, g_ptr_array_unref);
  g_clear_pointer (&data->session, eb_session_free);
  g_clear_pointer (&data->host_site, eb_site_free);
  g_clear_pointer (&data->roster, eb_roster_view_free);
  g_free (data->url);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbEventData, eb_event_data_free)

/* The organiser: the roster's first coordinator, else its first chair,
 * else the configured address. */
static void
eb_event_data_set_organizer (EbService *self, EbEventData *data)
{
  const EbPerson *chosen = NULL;
  const EbRosterRole preferred[] = { EB_ROSTER_ROLE_COORDINATOR, EB_ROSTER_ROLE_CHAIR };

  for (guint r = 0; r < G_N_ELEMENTS (preferred) && chosen == NULL; r++)
    {
      for (guint i = 0; i < data->roster->entries->len && chosen == NULL; i++)
        {
          const EbRosterEntry *entry = g_ptr_array_index (data->roster->entries, i);
          if (entry->role == preferred[r])
            chosen = g_hash_table_lookup (data->roster->by_id, &entry->person_id);
        }
    }
  if (chosen != NULL)
    {
      data->event.organizer_name = chosen->name;
      data->event.organizer_email = chosen->email;
    }
  else
    {
      data->event.organizer_name = "eboard";
      data->event.organizer_email = self->organizer_email;
    }
}

/* @session: (transfer full) */
static EbEventData *
eb_event_data_load (EbService *self, EbSession *session, GHashTable *sites, GError **error)
{
  g_autoptr (EbEventData) data = g_new0 (EbEventData, 1);
  const EbSite *host = NULL;

  data->session = session;
  if (sites != NULL)
    host = g_hash_table_lookup (sites, &session->host_site_id);
  if (host == NULL)
    {
      data->host_site = eb_store_site_get (self->store, session->host_site_id, error);
      if (data->host_site == NULL)
        return NULL;
      if (sites != NULL)
        {
          EbSite *cached = eb_site_copy (data->host_site);
          g_hash_table_insert (sites, &cached->id, cached);
        }
    }
  else
    {
      data->host_site = eb_site_copy (host);
    }
  data->roster = eb_roster_view_load (self, session->id, error);
  if (data->roster == NULL)
    return NULL;

  data->url = g_strdup_printf ("%s/sessions/%" G_GINT64_FORMAT, self->public_url, session->id);
  data->event.session = data->session;
  data->event.host_site = data->host_site;
  data->event.url = data->url;
  data->event.uid_domain = self->uid_domain;
  eb_event_data_set_organizer (self, data);

  data->event.attendees = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < data->roster->entries->len; i++)
    {
      const EbRosterEntry *entry = g_ptr_array_index (data->roster->entries, i);
      const EbPerson *person = g_hash_table_lookup (data->roster->by_id, &entry->person_id);
      EbIcsAttendee *attendee;

      if (person == NULL)
        continue;
      attendee = g_new0 (EbIcsAttendee, 1);
      attendee->person = person;
      attendee->entry = entry;
      g_ptr_array_add (data->event.attendees, attendee);
    }
  return g_steal_pointer (&data);
}

/**
 * eb_service_session_invitation:
 *
 * Returns: (transfer full): the text/calendar invitation of one session
 */
char *
eb_service_session_invitation (EbService *self, const EbPrincipal *who, EbId session_id,
                               GError **error)
{
  g_autoptr (EbEventData) data = NULL;
  EbSession *session;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  session = eb_service_load_session (self, who, session_id, error);
  if (session == NULL)
    return NULL;
  data = eb_event_data_load (self, session, NULL, error);
  if (data == NULL)
    return NULL;
  return eb_ics_render_invitation (&data->event, error);
}

/**
 * eb_service_person_calendar:
 *
 * For admins, coordinators, reviewers and the person themself.
 *
 * Returns: (transfer full): the person's subscribable feed
 */
char *
eb_service_person_calendar (EbService *self, const EbPrincipal *who, EbId person_id, GError **error)
{
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  g_autoptr (GPtrArray) data = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GHashTable) sites = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_reads_all_sessions (who) && who->person_id != person_id)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "role %s may not read another person's calendar", eb_role_to_string (who->role));
      return NULL;
    }
  person = eb_store_person_get (self->store, person_id, error);
  if (!eb_service_check_found (person != NULL, "person", person_id, error))
    return NULL;

  sessions = eb_store_person_sessions (self->store, person_id, 0, 0, FALSE, error);
  if (sessions == NULL)
    return NULL;
  sites = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify)eb_site_free);
  data = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_event_data_free);
  events = g_ptr_array_new ();
  for (guint i = 0; i < sessions->len; i++)
    {
      EbPersonSession *ps = g_ptr_array_index (sessions, i);
      EbEventData *one;

      if (ps->session->state == EB_SESSION_STATE_CANCELLED)
        continue;
      one = eb_event_data_load (self, eb_session_copy (ps->session), sites, error);
      if (one == NULL)
        return NULL;
      g_ptr_array_add (data, one);
      g_ptr_array_add (events, &one->event);
    }
  name = g_strdup_printf ("eboard: %s", person->name);
  return eb_ics_render_feed (name, events, error);
}
