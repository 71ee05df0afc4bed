/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

JsonNode *
eb_calendar_feed_to_json (const EbCalendarFeed *feed, const char *url, const char *secret,
                          gboolean rotated)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  eb_json_add_id (builder, "person_id", feed->person_id);
  json_builder_set_member_name (builder, "hint");
  json_builder_add_string_value (builder, feed->hint != NULL ? feed->hint : "");
  eb_json_add_instant (builder, "created_at", feed->created_at);
  if (secret != NULL)
    {
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      json_builder_set_member_name (builder, "secret");
      json_builder_add_string_value (builder, secret);
      json_builder_set_member_name (builder, "rotated");
      json_builder_add_boolean_value (builder, rotated);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
