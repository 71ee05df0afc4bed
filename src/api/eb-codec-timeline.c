/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-live-private.h"
#include "eb-json-codec-private.h"

JsonNode *
eb_timeline_event_to_json (const EbTimelineEvent *event)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  const char *kind = eb_timeline_kind_to_string (event->kind);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, event->id);
  json_builder_set_member_name (builder, "session_id");
  json_builder_add_int_value (builder, event->session_id);
  eb_json_add_instant_us (builder, "at", event->at_us);
  json_builder_set_member_name (builder, "offset_ms");
  json_builder_add_int_value (builder, MAX (event->offset_us, 0) / 1000);
  eb_json_add_nullable_string (builder, "kind", kind != NULL ? kind : "unknown");
  eb_json_add_id (builder, "person_id", event->person_id);
  eb_json_add_nullable_string (builder, "track", event->track);
  eb_json_add_nullable_string (builder, "detail", event->detail);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* One person's spans, in join order. */
typedef struct
{
  EbId person_id;
  GPtrArray *spans;
} EbPersonSpans;

static void
eb_person_spans_free (EbPersonSpans *person)
{
  g_ptr_array_unref (person->spans);
  g_free (person);
}

static JsonNode *
eb_person_spans_to_json (const EbPersonSpans *person, gint64 now_us)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  const EbAttendanceSpan *first = g_ptr_array_index (person->spans, 0);
  gint64 last_left_us = 0;
  gint64 present_us = 0;
  gboolean connected = FALSE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "person_id");
  json_builder_add_int_value (builder, person->person_id);
  json_builder_set_member_name (builder, "spans");
  json_builder_begin_array (builder);
  for (guint i = 0; i < person->spans->len; i++)
    {
      const EbAttendanceSpan *span = g_ptr_array_index (person->spans, i);
      gint64 end_us = span->left_at_us != 0 ? span->left_at_us : MAX (now_us, span->joined_at_us);
      gint64 duration_us = MAX (end_us - span->joined_at_us, 0);

      if (span->left_at_us == 0)
        connected = TRUE;
      else
        last_left_us = MAX (last_left_us, span->left_at_us);
      present_us += duration_us;
      json_builder_begin_object (builder);
      eb_json_add_instant_us (builder, "joined_at", span->joined_at_us);
      eb_json_add_instant_us (builder, "left_at", span->left_at_us);
      json_builder_set_member_name (builder, "duration_ms");
      json_builder_add_int_value (builder, duration_us / 1000);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  eb_json_add_instant_us (builder, "first_joined_at", first->joined_at_us);
  /* Null while connected: the person has not left (yet). */
  eb_json_add_instant_us (builder, "last_left_at", connected ? 0 : last_left_us);
  json_builder_set_member_name (builder, "connected");
  json_builder_add_boolean_value (builder, connected);
  json_builder_set_member_name (builder, "present_ms");
  json_builder_add_int_value (builder, present_us / 1000);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

GPtrArray *
eb_attendance_by_person (GPtrArray *spans, gint64 now_us)
{
  g_autoptr (GPtrArray) people
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_person_spans_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *nodes = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  /* The spans come by join time: people stay in order of first join. */
  for (guint i = 0; i < spans->len; i++)
    {
      EbAttendanceSpan *span = g_ptr_array_index (spans, i);
      EbPersonSpans *person = g_hash_table_lookup (by_id, &span->person_id);

      if (person == NULL)
        {
          person = g_new0 (EbPersonSpans, 1);
          person->person_id = span->person_id;
          person->spans = g_ptr_array_new ();
          g_ptr_array_add (people, person);
          g_hash_table_insert (by_id, &person->person_id, person);
        }
      g_ptr_array_add (person->spans, span);
    }
  for (guint i = 0; i < people->len; i++)
    g_ptr_array_add (nodes, eb_person_spans_to_json (g_ptr_array_index (people, i), now_us));
  return nodes;
}
