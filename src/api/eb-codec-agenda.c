/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

static const char *const item_read_only[] = {
  "id", "session_id", "position", "version", NULL,
};

JsonNode *
eb_agenda_item_to_json (const EbAgendaItem *item)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, item->id);
  eb_json_add_id (builder, "session_id", item->session_id);
  json_builder_set_member_name (builder, "position");
  json_builder_add_int_value (builder, item->position);
  eb_json_add_id (builder, "presenting_site_id", item->presenting_site_id);
  eb_json_add_id (builder, "presenter_id", item->presenter_id);
  json_builder_set_member_name (builder, "summary");
  json_builder_add_string_value (builder, item->summary);
  json_builder_set_member_name (builder, "question");
  json_builder_add_string_value (builder, item->question);
  json_builder_set_member_name (builder, "minutes");
  json_builder_add_int_value (builder, item->minutes);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, eb_case_kind_to_string (item->kind));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, eb_case_status_to_string (item->status));
  json_builder_set_member_name (builder, "recommendation");
  if (item->recommendation != NULL)
    json_builder_add_string_value (builder, item->recommendation);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, item->version);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
eb_agenda_item_from_json (JsonObject *object, EbAgendaItem *item, gboolean create, GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  EbFieldFlags required = create ? EB_FIELD_REQUIRED : EB_FIELD_OPTIONAL;
  g_autofree char *kind = NULL;
  g_autofree char *status = NULL;
  gint64 minutes = 0;

  eb_json_reader_set_read_only (reader, item_read_only);
  eb_json_reader_id (reader, "presenting_site_id", required, &item->presenting_site_id);
  eb_json_reader_id (reader, "presenter_id", required, &item->presenter_id);
  eb_json_reader_string (reader, "summary", required, &item->summary);
  eb_json_reader_string (reader, "question", required, &item->question);
  if (eb_json_reader_int (reader, "minutes", required, G_MININT32, G_MAXINT32, &minutes))
    item->minutes = (gint)minutes;
  if (eb_json_reader_string (reader, "kind", EB_FIELD_OPTIONAL, &kind)
      && !eb_case_kind_from_string (kind, &item->kind))
    eb_json_reader_invalid (reader, "kind", "must be prospective or retrospective");
  if (eb_json_reader_string (reader, "status", EB_FIELD_OPTIONAL, &status)
      && !eb_case_status_from_string (status, &item->status))
    eb_json_reader_invalid (reader, "status", "must be pending, discussing, discussed or deferred");
  eb_json_reader_string (reader, "recommendation", EB_FIELD_NULLABLE, &item->recommendation);
  return eb_json_reader_finish (reader, error);
}

GArray *
eb_agenda_order_from_json (JsonObject *object, GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *array = NULL;

  if (eb_json_reader_array (reader, "item_ids", EB_FIELD_REQUIRED, &array))
    {
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          gint64 id;

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
              || json_node_get_int (node) <= 0)
            {
              eb_json_reader_invalid (reader, "item_ids", "must hold positive integer ids only");
              break;
            }
          id = json_node_get_int (node);
          g_array_append_val (ids, id);
        }
    }
  if (!eb_json_reader_finish (reader, error))
    return NULL;
  return g_steal_pointer (&ids);
}
