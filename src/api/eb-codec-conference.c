/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-live-private.h"
#include "eb-json-codec-private.h"

/* The conference as the join page sees it (docs/API.md, "Browser join"). */

static void
eb_json_add_strv_member (JsonBuilder *builder, const char *name, const char *const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
eb_json_add_bool_member (JsonBuilder *builder, const char *name, gboolean value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
eb_conference_session_add (JsonBuilder *builder, const EbSession *session)
{
  json_builder_set_member_name (builder, "session");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, session->id);
  eb_json_add_nullable_string (builder, "title", session->title);
  eb_json_add_nullable_string (builder, "state", eb_session_state_to_string (session->state));
  eb_json_add_instant (builder, "starts_at", session->start);
  json_builder_set_member_name (builder, "duration_minutes");
  json_builder_add_int_value (builder, session->duration_minutes);
  eb_json_add_nullable_string (builder, "timezone", session->timezone);
  json_builder_end_object (builder);
}

/* The person fields shared by "me" and each participant. */
static void
eb_conference_person_add (JsonBuilder *builder, const EbConferenceMember *member)
{
  json_builder_set_member_name (builder, "person_id");
  json_builder_add_int_value (builder, member->person_id);
  eb_json_add_nullable_string (builder, "display_name", member->display_name);
  eb_json_add_id (builder, "site_id", member->site_id);
  eb_json_add_nullable_string (builder, "site_name", member->site_name);
  eb_json_add_bool_member (builder, "is_chair", member->is_chair);
}

static void
eb_conference_agenda_add (JsonBuilder *builder, GPtrArray *agenda)
{
  json_builder_set_member_name (builder, "agenda");
  json_builder_begin_array (builder);
  for (guint i = 0; i < agenda->len; i++)
    {
      const EbConferenceCase *conference_case = g_ptr_array_index (agenda, i);
      const EbAgendaItem *item = conference_case->item;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, item->id);
      json_builder_set_member_name (builder, "position");
      json_builder_add_int_value (builder, item->position);
      eb_json_add_nullable_string (builder, "summary", item->summary);
      eb_json_add_nullable_string (builder, "question", item->question);
      json_builder_set_member_name (builder, "minutes");
      json_builder_add_int_value (builder, item->minutes);
      eb_json_add_nullable_string (builder, "status", eb_case_status_to_string (item->status));
      eb_json_add_id (builder, "presenting_site_id", item->presenting_site_id);
      eb_json_add_nullable_string (builder, "presenting_site_name",
                                   conference_case->presenting_site_name);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
eb_conference_participants_add (JsonBuilder *builder, GPtrArray *participants)
{
  json_builder_set_member_name (builder, "participants");
  json_builder_begin_array (builder);
  for (guint i = 0; i < participants->len; i++)
    {
      const EbConferenceMember *member = g_ptr_array_index (participants, i);

      json_builder_begin_object (builder);
      eb_conference_person_add (builder, member);
      eb_json_add_bool_member (builder, "present", member->present);
      eb_json_add_strv_member (builder, "tracks", (const char *const *)member->tracks);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

JsonNode *
eb_ice_server_to_json (const EbIceServer *server)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  eb_json_add_strv_member (builder, "urls", (const char *const *)server->urls);
  /* RTCIceServer: no member rather than null */
  if (server->username != NULL)
    eb_json_add_nullable_string (builder, "username", server->username);
  if (server->credential != NULL)
    eb_json_add_nullable_string (builder, "credential", server->credential);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
eb_conference_urls_add (JsonBuilder *builder, EbId session_id)
{
  static const char *const names[] = { "whip", "whep", "events" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *member = g_strconcat (names[i], "_url", NULL);
      g_autofree char *path
          = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/%s", session_id, names[i]);

      eb_json_add_nullable_string (builder, member, path);
    }
}

JsonNode *
eb_conference_state_to_json (const EbConferenceState *state)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  eb_conference_session_add (builder, state->session);
  json_builder_set_member_name (builder, "me");
  json_builder_begin_object (builder);
  eb_conference_person_add (builder, state->me);
  json_builder_end_object (builder);
  eb_json_add_id (builder, "current_case_id", state->current_case_id);
  eb_conference_agenda_add (builder, state->agenda);
  eb_conference_participants_add (builder, state->participants);
  eb_conference_urls_add (builder, state->session->id);
  json_builder_set_member_name (builder, "ice_servers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->ice_servers->len; i++)
    json_builder_add_value (builder,
                            eb_ice_server_to_json (g_ptr_array_index (state->ice_servers, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

EbId
eb_conference_case_from_json (JsonObject *object, GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  EbId item_id = 0;

  eb_json_reader_id (reader, "agenda_item_id", EB_FIELD_REQUIRED, &item_id);
  if (!eb_json_reader_finish (reader, error))
    return 0;
  return item_id;
}
