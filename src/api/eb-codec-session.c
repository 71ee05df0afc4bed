/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

static const char *const session_read_only[] = {
  "id", "state", "rrule", "exceptions", "version", "created_at", "updated_at", "warnings", NULL,
};

static void
eb_recurrence_build (JsonBuilder *builder, const EbRecurrence *rule)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "frequency");
  json_builder_add_string_value (builder, eb_recurrence_frequency_to_string (rule->frequency));
  json_builder_set_member_name (builder, "interval");
  json_builder_add_int_value (builder, rule->interval);
  json_builder_set_member_name (builder, "count");
  if (rule->count > 0)
    json_builder_add_int_value (builder, rule->count);
  else
    json_builder_add_null_value (builder);
  eb_json_add_instant (builder, "until", rule->until);
  json_builder_set_member_name (builder, "last_weekday");
  json_builder_add_boolean_value (builder, rule->last_weekday);
  json_builder_end_object (builder);
}

static void
eb_exceptions_build (JsonBuilder *builder, GPtrArray *exceptions)
{
  json_builder_begin_array (builder);
  for (guint i = 0; exceptions != NULL && i < exceptions->len; i++)
    {
      const EbOccurrenceException *ex = g_ptr_array_index (exceptions, i);

      json_builder_begin_object (builder);
      eb_json_add_instant (builder, "original_start", ex->original_start);
      json_builder_set_member_name (builder, "cancelled");
      json_builder_add_boolean_value (builder, ex->cancelled);
      eb_json_add_instant (builder, "new_start", ex->cancelled ? 0 : ex->new_start);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
eb_rrule_build (JsonBuilder *builder, const EbSession *session)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *rrule = NULL;

  json_builder_set_member_name (builder, "rrule");
  if (session->recurrence != NULL)
    rrule = eb_recurrence_to_rrule (session->recurrence, session->start, session->timezone, &error);
  if (error != NULL)
    g_debug ("session %" G_GINT64_FORMAT ": no RRULE: %s", session->id, error->message);
  if (rrule != NULL)
    json_builder_add_string_value (builder, rrule);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
eb_session_to_json (const EbSession *session)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, session->id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, session->title);
  json_builder_set_member_name (builder, "focus");
  json_builder_add_string_value (builder, session->focus != NULL ? session->focus : "");
  eb_json_add_id (builder, "host_site_id", session->host_site_id);
  eb_json_add_instant (builder, "start", session->start);
  json_builder_set_member_name (builder, "duration_minutes");
  json_builder_add_int_value (builder, session->duration_minutes);
  json_builder_set_member_name (builder, "timezone");
  json_builder_add_string_value (builder, session->timezone);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, eb_session_state_to_string (session->state));
  json_builder_set_member_name (builder, "recurrence");
  if (session->recurrence != NULL)
    eb_recurrence_build (builder, session->recurrence);
  else
    json_builder_add_null_value (builder);
  eb_rrule_build (builder, session);
  json_builder_set_member_name (builder, "exceptions");
  eb_exceptions_build (builder, session->exceptions);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, session->version);
  eb_json_add_instant (builder, "created_at", session->created_at);
  eb_json_add_instant (builder, "updated_at", session->updated_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* (transfer full) (nullable): the rule of a `recurrence` object; %NULL
 * when it is unusable (the violations are in @parent). */
static EbRecurrence *
eb_recurrence_read (EbJsonReader *parent, JsonObject *object)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_child (parent, "recurrence", object);
  g_autoptr (EbRecurrence) rule = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
  g_autofree char *frequency = NULL;
  gint64 interval = 1;
  gint64 count = 0;
  gboolean usable = TRUE;

  if (eb_json_reader_string (reader, "frequency", EB_FIELD_REQUIRED, &frequency))
    {
      if (!eb_recurrence_frequency_from_string (frequency, &rule->frequency))
        {
          eb_json_reader_invalid (reader, "frequency", "must be weekly or monthly");
          usable = FALSE;
        }
    }
  else
    {
      usable = FALSE;
    }
  if (eb_json_reader_int (reader, "interval", EB_FIELD_OPTIONAL, G_MININT32, G_MAXINT32, &interval))
    rule->interval = (gint)interval;
  if (eb_json_reader_int (reader, "count", EB_FIELD_NULLABLE, 1, G_MAXINT32, &count))
    rule->count = (gint)count;
  eb_json_reader_instant (reader, "until", EB_FIELD_NULLABLE, &rule->until);
  eb_json_reader_bool (reader, "last_weekday", EB_FIELD_OPTIONAL, &rule->last_weekday);
  eb_json_reader_check_members (reader);
  return usable ? g_steal_pointer (&rule) : NULL;
}

gboolean
eb_session_from_json (JsonObject *object, EbSession *session, gboolean create, GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  EbFieldFlags required = create ? EB_FIELD_REQUIRED : EB_FIELD_OPTIONAL;
  JsonObject *recurrence = NULL;
  gint64 duration = 0;

  eb_json_reader_set_read_only (reader, session_read_only);
  eb_json_reader_string (reader, "title", required, &session->title);
  eb_json_reader_string (reader, "focus", EB_FIELD_OPTIONAL, &session->focus);
  eb_json_reader_id (reader, "host_site_id", required, &session->host_site_id);
  eb_json_reader_instant (reader, "start", required, &session->start);
  if (eb_json_reader_int (reader, "duration_minutes", required, G_MININT32, G_MAXINT32, &duration))
    session->duration_minutes = (gint)duration;
  eb_json_reader_string (reader, "timezone", required, &session->timezone);
  /* The rule is a value: a PATCH replaces it as a whole, null removes it. */
  if (eb_json_reader_object (reader, "recurrence", EB_FIELD_NULLABLE, &recurrence))
    {
      g_clear_pointer (&session->recurrence, eb_recurrence_free);
      if (recurrence != NULL)
        session->recurrence = eb_recurrence_read (reader, recurrence);
    }
  if (create && session->focus == NULL)
    session->focus = g_strdup ("");
  return eb_json_reader_finish (reader, error);
}

JsonNode *
eb_occurrence_to_json (const EbOccurrence *occurrence)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  eb_json_add_instant (builder, "start", occurrence->start);
  eb_json_add_instant (builder, "end", occurrence->end);
  eb_json_add_instant (builder, "original_start", occurrence->original_start);
  json_builder_set_member_name (builder, "moved");
  json_builder_add_boolean_value (builder, occurrence->moved);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
eb_occurrence_exception_from_json (JsonObject *object, EbOccurrenceException *exception,
                                   GError **error)
{
  g_autoptr (EbJsonReader) reader = eb_json_reader_new (object);
  gboolean has_cancelled, has_new_start;

  exception->original_start = 0;
  exception->cancelled = FALSE;
  exception->new_start = 0;

  eb_json_reader_instant (reader, "original_start", EB_FIELD_REQUIRED, &exception->original_start);
  has_cancelled
      = eb_json_reader_bool (reader, "cancelled", EB_FIELD_REQUIRED, &exception->cancelled);
  has_new_start
      = eb_json_reader_instant (reader, "new_start", EB_FIELD_NULLABLE, &exception->new_start);
  if (has_cancelled && exception->cancelled && exception->new_start != 0)
    eb_json_reader_invalid (reader, "new_start", "must be null when cancelled is true");
  else if (has_cancelled && !exception->cancelled && exception->new_start == 0
           && (has_new_start || !eb_json_reader_has (reader, "new_start")))
    eb_json_reader_invalid (reader, "new_start", "is required when cancelled is false");
  return eb_json_reader_finish (reader, error);
}
