/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

static const char *const entry_read_only[] = {
  "id", "session_id", "joined_at", "left_at", "version", NULL,
};

/* Once on the roster, an entry names the same person for good. */
static const char *const entry_patch_read_only[] = {
  "id", "session_id", "person_id", "joined_at", "left_at", "version", NULL,
};

JsonNode *
eb_roster_entry_to_json (const EbRosterEntry *entry)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, entry->id);
  eb_json_add_id (builder, "session_id", entry->session_id);
  eb_json_add_id (builder, "person_id", entry->person_id);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, eb_roster_role_to_string (entry->role));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, eb_invitation_status_to_string (entry->status));
  eb_json_add_instant (builder, "joined_at", entry->joined_at);
  eb_json_add_instant (builder, "left_at", entry->left_at);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, entry->version);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
eb_roster_entry_from_json (JsonObject *object, EbRosterEntry *entry, gboolean create,
                           GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  g_autofree char *role = NULL;
  g_autofree char *status = NULL;

  eb_json_reader_set_read_only (reader, create ? entry_read_only : entry_patch_read_only);
  if (create)
    eb_json_reader_id (reader, "person_id", EB_FIELD_REQUIRED, &entry->person_id);
  if (eb_json_reader_string (reader, "role", create ? EB_FIELD_REQUIRED : EB_FIELD_OPTIONAL, &role)
      && !eb_roster_role_from_string (role, &entry->role))
    eb_json_reader_invalid (reader, "role",
                            "must be chair, coordinator, presenter, panelist or observer");
  if (eb_json_reader_string (reader, "status", EB_FIELD_OPTIONAL, &status)
      && !eb_invitation_status_from_string (status, &entry->status))
    eb_json_reader_invalid (reader, "status", "must be invited, accepted, declined or tentative");
  return eb_json_reader_finish (reader, error);
}

JsonNode *
eb_roster_write_to_json (const EbRosterEntry *entry, GPtrArray *warnings)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entry");
  json_builder_add_value (builder, eb_roster_entry_to_json (entry));
  json_builder_set_member_name (builder, "warnings");
  json_builder_add_value (builder, eb_json_violations (warnings));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
