/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include <string.h>

#include "eb-service-credentials-private.h"
#include "eb-service-live-private.h"

/*
 * The conference as participants see it (the browser join page): the
 * session, its agenda with the case being discussed, who is on the
 * roster, who is connected and which live tracks each publishes; and the
 * chair moving the session from one case to the next.
 *
 * Presence is an open attendance span. The live tracks come from the
 * timeline: track-started and track-stopped since the session went live,
 * which the service stores for every media event anyway.
 */

/* --- ICE servers --- */

EbIceServer *
eb_ice_server_copy (const EbIceServer *server)
{
  EbIceServer *copy;

  g_return_val_if_fail (server != NULL, NULL);

  copy = g_new0 (EbIceServer, 1);
  copy->urls = g_strdupv (server->urls);
  copy->username = g_strdup (server->username);
  copy->credential = g_strdup (server->credential);
  return copy;
}

void
eb_ice_server_free (EbIceServer *server)
{
  if (server == NULL)
    return;
  g_strfreev (server->urls);
  g_free (server->username);
  if (server->credential != NULL)
    memset (server->credential, 0, strlen (server->credential));
  g_free (server->credential);
  g_free (server);
}

/* The RFC 7064/7065 scheme of @text's "scheme://" or "scheme:" prefix,
 * and where the rest starts. */
static const char *
eb_ice_scheme (const char *text, const char **rest, gboolean *is_turn)
{
  static const char *const schemes[] = { "stun", "stuns", "turn", "turns" };

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      gsize n = strlen (schemes[i]);

      if (g_ascii_strncasecmp (text, schemes[i], n) != 0 || text[n] != ':')
        continue;
      *rest = g_str_has_prefix (text + n + 1, "//") ? text + n + 3 : text + n + 1;
      *is_turn = i >= 2;
      return schemes[i];
    }
  return NULL;
}

static gboolean
eb_ice_check_query (const char *query, const char *scheme, GError **error)
{
  if (query == NULL || strcmp (query, "transport=udp") == 0 || strcmp (query, "transport=tcp") == 0)
    return TRUE;
  g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
               "%s server: the only parameter allowed is transport=udp or transport=tcp", scheme);
  return FALSE;
}

/**
 * eb_ice_server_parse:
 * @text: "stun://host:port", "stun:host:port",
 *   "turn://user:password@host:port[?transport=udp|tcp]" or "turns://..."
 *
 * Returns: (transfer full) (nullable): the server as an RTCIceServer
 */
EbIceServer *
eb_ice_server_parse (const char *text, GError **error)
{
  g_autoptr (EbIceServer) server = g_new0 (EbIceServer, 1);
  g_autoptr (GUri) uri = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *host = NULL;
  const char *scheme, *rest = NULL;
  gboolean is_turn = FALSE;
  gint port;

  g_return_val_if_fail (text != NULL, NULL);

  scheme = eb_ice_scheme (text, &rest, &is_turn);
  if (scheme == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "an ICE server starts with stun:, stuns:, turn: or turns:");
      return NULL;
    }
  normal = g_strconcat (scheme, "://", rest, NULL);
  uri = g_uri_parse (normal, G_URI_FLAGS_HAS_PASSWORD, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0'
      || (g_uri_get_path (uri)[0] != '\0' && strcmp (g_uri_get_path (uri), "/") != 0)
      || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s server: not of the form %s://%shost:port",
                   scheme, scheme, is_turn ? "user:password@" : "");
      return NULL;
    }
  if (!eb_ice_check_query (g_uri_get_query (uri), scheme, error))
    return NULL;
  if (is_turn != (g_uri_get_user (uri) != NULL && g_uri_get_password (uri) != NULL))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                   is_turn ? "%s server: a user and a password are needed (user:password@host)"
                           : "%s server: takes no user or password",
                   scheme);
      return NULL;
    }
  if (!is_turn && g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s server: takes no transport", scheme);
      return NULL;
    }

  host = strchr (g_uri_get_host (uri), ':') != NULL ? g_strdup_printf ("[%s]", g_uri_get_host (uri))
                                                    : g_strdup (g_uri_get_host (uri));
  port = g_uri_get_port (uri);
  if (port <= 0)
    port = g_str_has_suffix (scheme, "s") ? 5349 : 3478;
  server->urls = g_new0 (char *, 2);
  server->urls[0] = g_strdup_printf ("%s:%s:%d%s%s", scheme, host, port,
                                     g_uri_get_query (uri) != NULL ? "?" : "",
                                     g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "");
  if (is_turn)
    {
      server->username = g_strdup (g_uri_get_user (uri));
      server->credential = g_strdup (g_uri_get_password (uri));
    }
  return g_steal_pointer (&server);
}

/* --- the records --- */

void
eb_conference_member_free (EbConferenceMember *member)
{
  if (member == NULL)
    return;
  g_free (member->display_name);
  g_free (member->site_name);
  g_strfreev (member->tracks);
  g_free (member);
}

void
eb_conference_case_free (EbConferenceCase *conference_case)
{
  if (conference_case == NULL)
    return;
  g_clear_pointer (&conference_case->item, eb_agenda_item_free);
  g_free (conference_case->presenting_site_name);
  g_free (conference_case);
}

void
eb_conference_state_free (EbConferenceState *state)
{
  if (state == NULL)
    return;
  g_clear_pointer (&state->session, eb_session_free);
  g_clear_pointer (&state->agenda, g_ptr_array_unref);
  g_clear_pointer (&state->participants, g_ptr_array_unref);
  g_clear_pointer (&state->ice_servers, g_ptr_array_unref);
  g_free (state);
}

/* --- reading the conference --- */

/* Site names by id, each read once. */
static gboolean
eb_conference_site_name (EbService *self, GHashTable *names, EbId site_id, char **name,
                         GError **error)
{
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) local_error = NULL;
  gpointer cached;

  *name = NULL;
  if (site_id <= 0)
    return TRUE;
  if (g_hash_table_lookup_extended (names, &site_id, NULL, &cached))
    {
      *name = g_strdup (cached);
      return TRUE;
    }
  site = eb_store_site_get (self->store, site_id, &local_error);
  if (site == NULL && !eb_service_accept_not_found (&local_error, error))
    return FALSE;
  g_hash_table_insert (names, g_memdup2 (&site_id, sizeof site_id),
                       site != NULL ? g_strdup (site->name) : NULL);
  *name = site != NULL ? g_strdup (site->name) : NULL;
  return TRUE;
}

static GHashTable *
eb_conference_site_names_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

/* The roster entry that lets @person_id see the conference of
 * @session_id: on the roster, not declined, a person whose credentials
 * still work. EB_ERROR_FORBIDDEN otherwise. */
static EbRosterEntry *
eb_conference_load_member (EbService *self, EbId session_id, EbId person_id, GError **error)
{
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *reason = NULL;
  gboolean usable = FALSE;

  entry = eb_store_roster_find (self->store, session_id, person_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (entry == NULL || entry->status == EB_INVITATION_DECLINED)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " is not on the roster of session %" G_GINT64_FORMAT
                   "%s",
                   person_id, session_id, entry != NULL ? " (declined)" : "");
      return NULL;
    }
  if (!eb_service_check_person_usable (self, person_id, &usable, &reason, error))
    return NULL;
  if (!usable)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " may not join session %" G_GINT64_FORMAT ": %s",
                   person_id, session_id, reason);
      return NULL;
    }
  return g_steal_pointer (&entry);
}

/* One live track: who publishes it. */
typedef struct
{
  char *name;
  EbId person_id;
} EbLiveTrack;

static void
eb_live_track_free (EbLiveTrack *track)
{
  g_free (track->name);
  g_free (track);
}

static void
eb_live_tracks_remove (GPtrArray *tracks, const char *name)
{
  for (guint i = 0; i < tracks->len; i++)
    if (g_strcmp0 (((EbLiveTrack *)g_ptr_array_index (tracks, i))->name, name) == 0)
      {
        g_ptr_array_remove_index (tracks, i);
        return;
      }
}

/* (element-type EbLiveTrack): the tracks started and not stopped since
 * the session last went live, in the order they started. */
static GPtrArray *
eb_conference_live_tracks (EbService *self, const EbSession *session, GError **error)
{
  g_autoptr (GPtrArray) tracks
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_live_track_free);
  g_autoptr (GPtrArray) timeline = NULL;

  if (session->state != EB_SESSION_STATE_LIVE)
    return g_steal_pointer (&tracks);
  timeline = eb_store_timeline_list (self->store, session->id, NULL, NULL, error);
  if (timeline == NULL)
    return NULL;
  for (guint i = 0; i < timeline->len; i++)
    {
      const EbTimelineEvent *event = g_ptr_array_index (timeline, i);
      EbLiveTrack *track;

      switch (event->kind)
        {
          case EB_TIMELINE_SESSION_STARTED:
            g_ptr_array_set_size (tracks, 0);
            break;
          case EB_TIMELINE_TRACK_STARTED:
            if (event->track == NULL)
              break;
            eb_live_tracks_remove (tracks, event->track);
            track = g_new0 (EbLiveTrack, 1);
            track->name = g_strdup (event->track);
            track->person_id = event->person_id;
            g_ptr_array_add (tracks, track);
            break;
          case EB_TIMELINE_TRACK_STOPPED:
            if (event->track != NULL)
              eb_live_tracks_remove (tracks, event->track);
            break;
          case EB_TIMELINE_PARTICIPANT_JOINED:
          case EB_TIMELINE_PARTICIPANT_LEFT:
          case EB_TIMELINE_SEGMENT_CLOSED:
          case EB_TIMELINE_INPUT_REFUSED:
          case EB_TIMELINE_RECORDING_FAILED:
          case EB_TIMELINE_SUBSCRIBER_DROPPED:
          case EB_TIMELINE_SESSION_ENDED:
          case EB_TIMELINE_SESSION_INTERRUPTED:
          case EB_TIMELINE_CASE_CHANGED:
          default:
            break;
        }
    }
  return g_steal_pointer (&tracks);
}

/* (transfer full): the names of @person_id's tracks in @tracks. */
static GStrv
eb_conference_tracks_of (GPtrArray *tracks, EbId person_id)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < tracks->len; i++)
    {
      const EbLiveTrack *track = g_ptr_array_index (tracks, i);

      if (track->person_id == person_id)
        g_strv_builder_add (builder, track->name);
    }
  return g_strv_builder_end (builder);
}

/* Person ids with an open attendance span. */
static GHashTable *
eb_conference_present (EbService *self, EbId session_id, GError **error)
{
  g_autoptr (GPtrArray) spans = eb_store_attendance_list (self->store, session_id, error);
  GHashTable *present;

  if (spans == NULL)
    return NULL;
  present = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < spans->len; i++)
    {
      const EbAttendanceSpan *span = g_ptr_array_index (spans, i);

      if (span->left_at_us == 0)
        g_hash_table_add (present, g_memdup2 (&span->person_id, sizeof span->person_id));
    }
  return present;
}

static gint
eb_conference_member_compare (gconstpointer a, gconstpointer b)
{
  const EbConferenceMember *ma = *(const EbConferenceMember *const *)a;
  const EbConferenceMember *mb = *(const EbConferenceMember *const *)b;
  gint by_name;

  if (ma->is_chair != mb->is_chair)
    return ma->is_chair ? -1 : 1;
  by_name = g_utf8_collate (ma->display_name, mb->display_name);
  if (by_name != 0)
    return by_name;
  return ma->person_id < mb->person_id ? -1 : (ma->person_id > mb->person_id ? 1 : 0);
}

/* One roster member, or %NULL (no error) when the person is gone. */
static EbConferenceMember *
eb_conference_member_new (EbService *self, const EbRosterEntry *entry, GHashTable *site_names,
                          GHashTable *present, GPtrArray *tracks, GError **error)
{
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GError) local_error = NULL;
  EbConferenceMember *member;

  person = eb_store_person_get (self->store, entry->person_id, &local_error);
  if (person == NULL)
    {
      eb_service_accept_not_found (&local_error, error);
      return NULL;
    }
  member = g_new0 (EbConferenceMember, 1);
  member->person_id = person->id;
  member->display_name = g_strdup (person->name);
  member->site_id = person->home_site_id;
  member->is_chair = entry->role == EB_ROSTER_ROLE_CHAIR;
  member->present = g_hash_table_contains (present, &person->id);
  member->tracks = eb_conference_tracks_of (tracks, person->id);
  if (!eb_conference_site_name (self, site_names, person->home_site_id, &member->site_name, error))
    {
      eb_conference_member_free (member);
      return NULL;
    }
  return member;
}

/* (element-type EbConferenceMember): the roster but declined invitations,
 * chair first, then by name. */
static GPtrArray *
eb_conference_members (EbService *self, const EbSession *session, GHashTable *site_names,
                       GError **error)
{
  g_autoptr (GPtrArray) members
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_conference_member_free);
  g_autoptr (GPtrArray) roster = NULL;
  g_autoptr (GPtrArray) tracks = NULL;
  g_autoptr (GHashTable) present = NULL;

  roster = eb_store_roster_list (self->store, session->id, error);
  if (roster == NULL)
    return NULL;
  present = eb_conference_present (self, session->id, error);
  if (present == NULL)
    return NULL;
  tracks = eb_conference_live_tracks (self, session, error);
  if (tracks == NULL)
    return NULL;
  for (guint i = 0; i < roster->len; i++)
    {
      const EbRosterEntry *entry = g_ptr_array_index (roster, i);
      g_autoptr (GError) local_error = NULL;
      EbConferenceMember *member;

      if (entry->status == EB_INVITATION_DECLINED)
        continue;
      member = eb_conference_member_new (self, entry, site_names, present, tracks, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (member != NULL)
        g_ptr_array_add (members, member);
    }
  g_ptr_array_sort (members, eb_conference_member_compare);
  return g_steal_pointer (&members);
}

/* (element-type EbConferenceCase): the agenda in order; @current_case_id:
 * (out): the first item being discussed, or 0. */
static GPtrArray *
eb_conference_agenda (EbService *self, EbId session_id, GHashTable *site_names,
                      EbId *current_case_id, GError **error)
{
  g_autoptr (GPtrArray) cases
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_conference_case_free);
  g_autoptr (GPtrArray) items = eb_store_agenda_list (self->store, session_id, error);

  *current_case_id = 0;
  if (items == NULL)
    return NULL;
  for (guint i = 0; i < items->len; i++)
    {
      EbAgendaItem *item = g_ptr_array_index (items, i);
      EbConferenceCase *conference_case = g_new0 (EbConferenceCase, 1);

      conference_case->item = eb_agenda_item_copy (item);
      g_ptr_array_add (cases, conference_case);
      if (!eb_conference_site_name (self, site_names, item->presenting_site_id,
                                    &conference_case->presenting_site_name, error))
        return NULL;
      if (item->status == EB_CASE_STATUS_DISCUSSING && *current_case_id == 0)
        *current_case_id = item->id;
    }
  return g_steal_pointer (&cases);
}

static GPtrArray *
eb_conference_ice_servers (EbService *self)
{
  GPtrArray *configured = eb_service_live_get_ice_servers (self);
  GPtrArray *copy = g_ptr_array_new_full (configured->len, (GDestroyNotify)eb_ice_server_free);

  for (guint i = 0; i < configured->len; i++)
    g_ptr_array_add (copy, eb_ice_server_copy (g_ptr_array_index (configured, i)));
  return copy;
}

/* The state of @session for @person_id, who is on its roster. */
static EbConferenceState *
eb_conference_state_build (EbService *self, EbSession *session, EbId person_id, GError **error)
{
  g_autoptr (EbConferenceState) state = g_new0 (EbConferenceState, 1);
  g_autoptr (GHashTable) site_names = eb_conference_site_names_new ();

  state->session = eb_session_copy (session);
  state->agenda
      = eb_conference_agenda (self, session->id, site_names, &state->current_case_id, error);
  if (state->agenda == NULL)
    return NULL;
  state->participants = eb_conference_members (self, session, site_names, error);
  if (state->participants == NULL)
    return NULL;
  for (guint i = 0; i < state->participants->len && state->me == NULL; i++)
    {
      const EbConferenceMember *member = g_ptr_array_index (state->participants, i);

      if (member->person_id == person_id)
        state->me = member;
    }
  if (state->me == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " is not on the roster of session %" G_GINT64_FORMAT,
                   person_id, session->id);
      return NULL;
    }
  state->ice_servers = eb_conference_ice_servers (self);
  return g_steal_pointer (&state);
}

/**
 * eb_service_get_conference:
 * @session_id: the session of the participant's join credential
 * @person_id: the participant
 *
 * Returns: (transfer full): what the join page shows of the session
 */
EbConferenceState *
eb_service_get_conference (EbService *self, EbId session_id, EbId person_id, GError **error)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);

  session = eb_store_session_get (self->store, session_id, error);
  if (!eb_service_check_found (session != NULL, "session", session_id, error))
    return NULL;
  entry = eb_conference_load_member (self, session_id, person_id, error);
  if (entry == NULL)
    return NULL;
  return eb_conference_state_build (self, session, person_id, error);
}

/* --- moving to another case --- */

/* The item @item_id of @session_id's agenda, EB_ERROR_NOT_FOUND when it is
 * on none or on another session's. */
static EbAgendaItem *
eb_conference_load_item (EbService *self, EbId session_id, EbId item_id, GError **error)
{
  g_autoptr (EbAgendaItem) item = NULL;
  g_autoptr (GError) local_error = NULL;

  item = eb_store_agenda_get (self->store, item_id, &local_error);
  if (item == NULL && !g_error_matches (local_error, EB_ERROR, EB_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (item == NULL || item->session_id != session_id)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "agenda item %" G_GINT64_FORMAT
                   " is not on the agenda of session %" G_GINT64_FORMAT,
                   item_id, session_id);
      return NULL;
    }
  return g_steal_pointer (&item);
}

/* Every other item being discussed becomes discussed; @item becomes
 * discussing. */
static gboolean
eb_conference_move_statuses (EbService *self, EbAgendaItem *item, GError **error)
{
  g_autoptr (GPtrArray) items = eb_store_agenda_list (self->store, item->session_id, error);

  if (items == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      EbAgendaItem *other = g_ptr_array_index (items, i);

      if (other->id == item->id || other->status != EB_CASE_STATUS_DISCUSSING)
        continue;
      other->status = EB_CASE_STATUS_DISCUSSED;
      if (!eb_store_agenda_update (self->store, other, error))
        return FALSE;
    }
  item->status = EB_CASE_STATUS_DISCUSSING;
  return eb_store_agenda_update (self->store, item, error);
}

/* The change itself, in one transaction; @event: (out) (transfer full)
 * (nullable): the case-changed event, %NULL when @item_id already was the
 * current case. */
static gboolean
eb_conference_change_case (EbService *self, EbId session_id, EbId person_id, EbId item_id,
                           EbSession **session_out, EbTimelineEvent **event, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (EbAgendaItem) item = NULL;
  g_autofree char *detail = NULL;
  gint64 now_us = g_get_real_time ();
  gint64 started_at_us = 0;

  *event = NULL;
  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return FALSE;
  session = eb_store_session_get (self->store, session_id, error);
  if (!eb_service_check_found (session != NULL, "session", session_id, error))
    return FALSE;
  entry = eb_conference_load_member (self, session_id, person_id, error);
  if (entry == NULL)
    return FALSE;
  if (entry->role != EB_ROSTER_ROLE_CHAIR)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "only the chair of session %" G_GINT64_FORMAT " moves it to another case",
                   session_id);
      return FALSE;
    }
  if (session->state != EB_SESSION_STATE_LIVE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "session %" G_GINT64_FORMAT " is %s: only a live session moves to another case",
                   session_id, eb_session_state_to_string (session->state));
      return FALSE;
    }
  item = eb_conference_load_item (self, session_id, item_id, error);
  if (item == NULL)
    return FALSE;
  if (item->status != EB_CASE_STATUS_DISCUSSING)
    {
      if (!eb_conference_move_statuses (self, item, error)
          || !eb_service_live_get_origin (self, session_id, now_us, &started_at_us, error))
        return FALSE;
      detail = g_strdup_printf ("%" G_GINT64_FORMAT, item->id);
      *event = eb_service_live_add_event (self, session_id, EB_TIMELINE_CASE_CHANGED, now_us,
                                          started_at_us, person_id, NULL, detail, error);
      if (*event == NULL)
        return FALSE;
    }
  if (!eb_transaction_commit (tx, error))
    {
      g_clear_pointer (event, eb_timeline_event_free);
      return FALSE;
    }
  *session_out = g_steal_pointer (&session);
  return TRUE;
}

/**
 * eb_service_set_current_case:
 * @session_id: the session of the chair's join credential
 * @person_id: the chair
 * @agenda_item_id: the case to discuss now
 *
 * Returns: (transfer full): the conference state after the move
 */
EbConferenceState *
eb_service_set_current_case (EbService *self, EbId session_id, EbId person_id, EbId agenda_item_id,
                             GError **error)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbTimelineEvent) event = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);

  if (!eb_conference_change_case (self, session_id, person_id, agenda_item_id, &session, &event,
                                  error))
    return NULL;
  if (event != NULL)
    {
      g_info ("session %" G_GINT64_FORMAT ": person %" G_GINT64_FORMAT
              " moved the conference to agenda item %" G_GINT64_FORMAT,
              session_id, person_id, agenda_item_id);
      eb_service_live_emit_event (self, event);
    }
  return eb_conference_state_build (self, session, person_id, error);
}
