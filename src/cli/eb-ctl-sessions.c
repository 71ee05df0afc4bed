/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include <stdio.h>

#include "eb-ctl-private.h"

/* Sessions and their occurrences, rosters, agendas, quorum and calendars. */

static const char *
string_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
format_minutes (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return g_strdup ("-");
  return g_strdup_printf ("%" G_GINT64_FORMAT " min", json_node_get_int (node));
}

static char *
format_recurrence (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonObject *rule;
  const char *frequency;
  gint64 interval;
  g_autoptr (GString) text = g_string_new (NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup ("no");
  rule = json_node_get_object (node);
  frequency = json_object_get_string_member_with_default (rule, "frequency", "?");
  interval = json_object_get_int_member_with_default (rule, "interval", 1);
  if (g_strcmp0 (frequency, "weekly") == 0)
    {
      if (interval == 1)
        g_string_append (text, "weekly");
      else
        g_string_append_printf (text, "every %" G_GINT64_FORMAT " weeks", interval);
    }
  else if (g_strcmp0 (frequency, "monthly") == 0)
    {
      if (interval == 1)
        g_string_append (text, "monthly");
      else
        g_string_append_printf (text, "every %" G_GINT64_FORMAT " months", interval);
      if (json_object_get_boolean_member_with_default (rule, "last_weekday", FALSE))
        g_string_append (text, " (last weekday)");
    }
  else
    g_string_append (text, frequency);
  if (json_object_has_member (rule, "count") && !json_object_get_null_member (rule, "count"))
    g_string_append_printf (text, ", %" G_GINT64_FORMAT " times",
                            json_object_get_int_member_with_default (rule, "count", 0));
  if (string_member (rule, "until") != NULL)
    {
      g_autofree char *until = eb_ctl_format_instant (string_member (rule, "until"),
                                                      string_member (object, "timezone"));

      g_string_append_printf (text, ", until %s", until);
    }
  return g_strdup (text->str);
}

static char *
format_exceptions (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *tzid = string_member (object, "timezone");
  g_autoptr (GString) text = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("-");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *exception;
      g_autofree char *original = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      exception = json_node_get_object (element);
      original = eb_ctl_format_instant (string_member (exception, "original_start"), tzid);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (json_object_get_boolean_member_with_default (exception, "cancelled", FALSE))
        g_string_append_printf (text, "%s cancelled", original);
      else
        {
          g_autofree char *moved
              = eb_ctl_format_instant (string_member (exception, "new_start"), tzid);

          g_string_append_printf (text, "%s moved to %s", original, moved);
        }
    }
  return g_strdup (text->len > 0 ? text->str : "-");
}

static char *
format_moved (JsonObject *object, const char *member)
{
  if (!json_object_get_boolean_member_with_default (object, member, FALSE))
    return g_strdup ("");
  {
    g_autofree char *original = eb_ctl_format_time (object, "original_start");

    return g_strdup_printf ("moved from %s", original);
  }
}

static char *
format_summary (JsonObject *object, const char *member)
{
  const char *text = string_member (object, member);

  if (text == NULL)
    return g_strdup ("-");
  if (g_utf8_validate (text, -1, NULL) && g_utf8_strlen (text, -1) > 48)
    {
      g_autofree char *head = g_utf8_substring (text, 0, 47);

      return g_strdup_printf ("%s…", head);
    }
  return g_strdup (text);
}

static const EbCtlColumn session_columns[] = {
  { "ID", "id", NULL },
  { "TITLE", "title", NULL },
  { "STATE", "state", NULL },
  { "START", "start", eb_ctl_format_time },
  { "DURATION", "duration_minutes", format_minutes },
  { "TIMEZONE", "timezone", NULL },
  { "REPEATS", "recurrence", format_recurrence },
  { NULL, NULL, NULL },
};

static const EbCtlColumn session_fields[] = {
  { "ID", "id", NULL },
  { "Title", "title", NULL },
  { "Focus", "focus", NULL },
  { "Host site", "host_site_id", NULL },
  { "State", "state", NULL },
  { "Start", "start", eb_ctl_format_time },
  { "Duration", "duration_minutes", format_minutes },
  { "Time zone", "timezone", NULL },
  { "Repeats", "recurrence", format_recurrence },
  { "Rule", "rrule", NULL },
  { "Exceptions", "exceptions", format_exceptions },
  { "Version", "version", NULL },
  { "Created", "created_at", eb_ctl_format_time },
  { "Updated", "updated_at", eb_ctl_format_time },
  { NULL, NULL, NULL },
};

static const EbCtlColumn occurrence_columns[] = {
  { "START", "start", eb_ctl_format_time },
  { "END", "end", eb_ctl_format_time },
  { "NOTE", "moved", format_moved },
  { NULL, NULL, NULL },
};

static const EbCtlColumn roster_columns[] = {
  { "ID", "id", NULL },     { "PERSON", "person_id", NULL },
  { "ROLE", "role", NULL }, { "STATUS", "status", NULL },
  { NULL, NULL, NULL },
};

static const EbCtlColumn roster_fields[] = {
  { "ID", "id", NULL },
  { "Session", "session_id", NULL },
  { "Person", "person_id", NULL },
  { "Role", "role", NULL },
  { "Status", "status", NULL },
  { "Joined", "joined_at", eb_ctl_format_time_local },
  { "Left", "left_at", eb_ctl_format_time_local },
  { "Version", "version", NULL },
  { NULL, NULL, NULL },
};

static const EbCtlColumn agenda_columns[] = {
  { "POS", "position", NULL },
  { "ID", "id", NULL },
  { "PRESENTER", "presenter_id", NULL },
  { "SITE", "presenting_site_id", NULL },
  { "MINUTES", "minutes", NULL },
  { "KIND", "kind", NULL },
  { "STATUS", "status", NULL },
  { "SUMMARY", "summary", format_summary },
  { NULL, NULL, NULL },
};

static const EbCtlColumn agenda_fields[] = {
  { "ID", "id", NULL },
  { "Session", "session_id", NULL },
  { "Position", "position", NULL },
  { "Presenter", "presenter_id", NULL },
  { "Presenting site", "presenting_site_id", NULL },
  { "Minutes", "minutes", NULL },
  { "Kind", "kind", NULL },
  { "Status", "status", NULL },
  { "Summary", "summary", NULL },
  { "Question", "question", NULL },
  { "Recommendation", "recommendation", NULL },
  { "Version", "version", NULL },
  { NULL, NULL, NULL },
};

static const EbCtlColumn quorum_columns[] = {
  { "SPECIALTY", "specialty", NULL },
  { "STATUS", "status", NULL },
  { "PEOPLE", "person_ids", NULL },
  { NULL, NULL, NULL },
};

/* "/api/v1/sessions/ID" + @suffix, after checking the id. */
static char *
session_path (const char *text, const char *suffix, GError **error)
{
  gint64 id;

  if (!eb_ctl_parse_id (text, "session", &id, error))
    return NULL;
  return g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "%s", id, suffix);
}

static char *
child_path (const char *session_text, const char *collection, const char *child_text,
            const char *what, GError **error)
{
  gint64 session_id, child_id;

  if (!eb_ctl_parse_id (session_text, "session", &session_id, error)
      || !eb_ctl_parse_id (child_text, what, &child_id, error))
    return NULL;
  return g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/%s/%" G_GINT64_FORMAT, session_id,
                          collection, child_id);
}

/* Reads the session: its time zone is the one times are typed in. */
static JsonObject *
fetch_session (EbCtl *ctl, const char *id_text, EbCtlReply **reply, GError **error)
{
  g_autofree char *path = session_path (id_text, "", error);

  if (path == NULL)
    return NULL;
  return eb_ctl_get_object (ctl, path, reply, error);
}

/* An instant typed on the command line, as the API's UTC text. */
static char *
parse_instant (const char *text, const char *tzid, gboolean end_of_day, const char *what,
               GError **error)
{
  g_autoptr (GDateTime) time = eb_ctl_parse_time (text, tzid, end_of_day, what, error);

  if (time == NULL)
    return NULL;
  return eb_ctl_format_utc (time);
}

/* --- sessions --- */

static gboolean
session_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *from = NULL, *to = NULL, *state = NULL, *host = NULL;
  gint offset = 0, limit = 0;
  g_autoptr (GString) path = g_string_new ("/api/v1/sessions");
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "Only sessions with an occurrence after this date (local time)", "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Only sessions starting before this date", "DATE" },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state,
      "Only this state (draft, scheduled, live, ended, archived, cancelled)", "STATE" },
    { "host-site", 0, 0, G_OPTION_ARG_STRING, &host, "Only sessions hosted by this site", "ID" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, "Rows to skip", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Rows to show (1..500)", "N" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error))
    return FALSE;
  if (from != NULL)
    {
      g_autofree char *instant = parse_instant (from, NULL, FALSE, "--from", error);

      if (instant == NULL)
        return FALSE;
      eb_ctl_path_add_query (path, "from", instant);
    }
  if (to != NULL)
    {
      g_autofree char *instant = parse_instant (to, NULL, TRUE, "--to", error);

      if (instant == NULL)
        return FALSE;
      eb_ctl_path_add_query (path, "to", instant);
    }
  if (state != NULL)
    eb_ctl_path_add_query (path, "state", state);
  if (host != NULL)
    {
      gint64 id;

      if (!eb_ctl_parse_id (host, "--host-site", &id, error))
        return FALSE;
      eb_ctl_path_add_query (path, "host_site_id", host);
    }
  eb_ctl_path_add_page (path, offset, limit);
  return eb_ctl_list (ctl, path->str, session_columns, error);
}

static gboolean
session_show (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "", error);
  return path != NULL && eb_ctl_show (ctl, path, session_fields, error);
}

typedef struct
{
  gboolean weekly;
  gint every_weeks;
  gboolean monthly;
  gint count;
  char *until;
  gboolean last_weekday;
  gboolean none;
} RecurrenceOptions;

static void
recurrence_options_clear (RecurrenceOptions *options)
{
  g_clear_pointer (&options->until, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RecurrenceOptions, recurrence_options_clear)

/* clang-format off */
#define RECURRENCE_ENTRIES(r) \
  { "weekly", 0, 0, G_OPTION_ARG_NONE, &(r).weekly, "Repeat every week", NULL }, \
  { "every-weeks", 0, 0, G_OPTION_ARG_INT, &(r).every_weeks, "Repeat every N weeks", "N" }, \
  { "monthly", 0, 0, G_OPTION_ARG_NONE, &(r).monthly, \
    "Repeat monthly on the start's weekday ordinal (e.g. the 2nd Tuesday)", NULL }, \
  { "count", 0, 0, G_OPTION_ARG_INT, &(r).count, "Stop after N occurrences", "N" }, \
  { "until", 0, 0, G_OPTION_ARG_STRING, &(r).until, \
    "Last day of the series (in the session's time zone)", "DATE" }, \
  { "last-weekday", 0, 0, G_OPTION_ARG_NONE, &(r).last_weekday, \
    "Monthly on the last such weekday of the month", NULL }
/* clang-format on */

static gboolean
recurrence_given (const RecurrenceOptions *r)
{
  return r->weekly || r->every_weeks != G_MININT || r->monthly || r->count != G_MININT
         || r->until != NULL || r->last_weekday || r->none;
}

/* Adds "recurrence" to @builder from the options; @current is the
 * session's recurrence for an update (modifiers alone keep its frequency). */
static gboolean
add_recurrence (JsonBuilder *builder, const RecurrenceOptions *r, const char *tzid,
                JsonObject *current, GError **error)
{
  guint n_frequencies
      = (r->weekly ? 1 : 0) + (r->every_weeks != G_MININT ? 1 : 0) + (r->monthly ? 1 : 0);
  gboolean modifiers = r->count != G_MININT || r->until != NULL || r->last_weekday;
  const char *frequency;
  gint64 interval = 1;
  gint64 count = G_MININT;
  g_autofree char *until = NULL;
  gboolean last_weekday = FALSE;

  if (!recurrence_given (r))
    return TRUE;
  if (r->none)
    {
      if (n_frequencies > 0 || modifiers)
        {
          eb_ctl_usage_error (error, "--no-recurrence excludes the other recurrence options");
          return FALSE;
        }
      json_builder_set_member_name (builder, "recurrence");
      json_builder_add_null_value (builder);
      return TRUE;
    }
  if (n_frequencies > 1)
    {
      eb_ctl_usage_error (error, "give only one of --weekly, --every-weeks and --monthly");
      return FALSE;
    }
  if (r->count != G_MININT && r->until != NULL)
    {
      eb_ctl_usage_error (error, "--count and --until exclude each other");
      return FALSE;
    }
  if (n_frequencies == 0)
    {
      if (current == NULL)
        {
          eb_ctl_usage_error (error, "--count, --until and --last-weekday need --weekly, "
                                     "--every-weeks or --monthly");
          return FALSE;
        }
      frequency = json_object_get_string_member_with_default (current, "frequency", "weekly");
      interval = json_object_get_int_member_with_default (current, "interval", 1);
      if (json_object_has_member (current, "count")
          && !json_object_get_null_member (current, "count"))
        count = json_object_get_int_member_with_default (current, "count", G_MININT);
      until = g_strdup (string_member (current, "until"));
      last_weekday = json_object_get_boolean_member_with_default (current, "last_weekday", FALSE);
    }
  else if (r->monthly)
    frequency = "monthly";
  else
    {
      frequency = "weekly";
      if (r->every_weeks != G_MININT)
        interval = r->every_weeks;
    }
  if (r->count != G_MININT)
    {
      count = r->count;
      g_clear_pointer (&until, g_free);
    }
  if (r->until != NULL)
    {
      g_clear_pointer (&until, g_free);
      until = parse_instant (r->until, tzid, TRUE, "--until", error);
      if (until == NULL)
        return FALSE;
      count = G_MININT;
    }
  if (r->last_weekday)
    last_weekday = TRUE;
  if (last_weekday && g_strcmp0 (frequency, "monthly") != 0)
    {
      eb_ctl_usage_error (error, "--last-weekday only goes with --monthly");
      return FALSE;
    }

  json_builder_set_member_name (builder, "recurrence");
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "frequency", frequency);
  eb_ctl_add_int (builder, "interval", interval);
  json_builder_set_member_name (builder, "count");
  if (count != G_MININT)
    json_builder_add_int_value (builder, count);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "until");
  if (until != NULL)
    json_builder_add_string_value (builder, until);
  else
    json_builder_add_null_value (builder);
  eb_ctl_add_bool (builder, "last_weekday", last_weekday);
  json_builder_end_object (builder);
  return TRUE;
}

static gboolean
session_create (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *title = NULL, *focus = NULL, *host = NULL, *start = NULL, *timezone = NULL;
  g_autofree char *key_option = NULL, *key = NULL, *start_utc = NULL;
  gint duration = G_MININT;
  g_auto (RecurrenceOptions) recurrence = { .every_weeks = G_MININT, .count = G_MININT };
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  gboolean ok = TRUE;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Title", "TEXT" },
    { "focus", 0, 0, G_OPTION_ARG_STRING, &focus, "Focus, e.g. \"GI tumor board\"", "TEXT" },
    { "host-site", 0, 0, G_OPTION_ARG_STRING, &host, "Host site", "ID" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start,
      "First start: 2026-03-03T09:00 in --timezone, or RFC 3339 with an offset", "TIME" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Duration in minutes (1..1440)", "MIN" },
    { "timezone", 0, 0, G_OPTION_ARG_STRING, &timezone,
      "IANA time zone for display and recurrence (default: the host site's)", "ZONE" },
    RECURRENCE_ENTRIES (recurrence),
    { "idempotency-key", 0, 0, G_OPTION_ARG_STRING, &key_option,
      "Idempotency-Key (default: a random UUID)", "KEY" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error) || !eb_ctl_require (title, "title", error)
      || !eb_ctl_require (focus, "focus", error) || !eb_ctl_require (host, "host-site", error)
      || !eb_ctl_require (start, "start", error))
    return FALSE;
  if (duration == G_MININT)
    {
      eb_ctl_usage_error (error, "missing --duration");
      return FALSE;
    }
  if (timezone == NULL)
    {
      g_autoptr (EbCtlReply) site_reply = NULL;
      g_autofree char *site_path = NULL;
      JsonObject *site;
      gint64 site_id;

      if (!eb_ctl_parse_id (host, "--host-site", &site_id, error))
        return FALSE;
      site_path = g_strdup_printf ("/api/v1/sites/%" G_GINT64_FORMAT, site_id);
      site = eb_ctl_get_object (ctl, site_path, &site_reply, error);
      if (site == NULL)
        return FALSE;
      timezone = g_strdup (string_member (site, "timezone"));
      if (timezone == NULL)
        {
          eb_ctl_usage_error (error, "missing --timezone");
          return FALSE;
        }
    }
  start_utc = parse_instant (start, timezone, FALSE, "--start", error);
  if (start_utc == NULL)
    return FALSE;

  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "title", title);
  eb_ctl_add_string (builder, "focus", focus);
  eb_ctl_add_id (builder, "host_site_id", host, "host-site", &ok, error);
  if (!ok)
    return FALSE;
  eb_ctl_add_string (builder, "start", start_utc);
  eb_ctl_add_int (builder, "duration_minutes", duration);
  eb_ctl_add_string (builder, "timezone", timezone);
  if (!add_recurrence (builder, &recurrence, timezone, NULL, error))
    return FALSE;
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  key = eb_ctl_idempotency_key (key_option);
  return eb_ctl_write (ctl, "POST", "/api/v1/sessions", body, NULL, key, "session", session_fields,
                       error);
}

static gboolean
session_update (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *title = NULL, *focus = NULL, *host = NULL, *start = NULL, *timezone = NULL;
  g_autofree char *if_match = NULL, *path = NULL;
  gint duration = G_MININT;
  gboolean no_recurrence = FALSE;
  g_auto (RecurrenceOptions) recurrence = { .every_weeks = G_MININT, .count = G_MININT };
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (EbCtlReply) current_reply = NULL;
  JsonObject *current = NULL;
  gboolean ok = TRUE;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Title", "TEXT" },
    { "focus", 0, 0, G_OPTION_ARG_STRING, &focus, "Focus", "TEXT" },
    { "host-site", 0, 0, G_OPTION_ARG_STRING, &host, "Host site", "ID" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start,
      "First start, in the session's (or the new --timezone's) local time", "TIME" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Duration in minutes", "MIN" },
    { "timezone", 0, 0, G_OPTION_ARG_STRING, &timezone, "IANA time zone", "ZONE" },
    RECURRENCE_ENTRIES (recurrence),
    { "no-recurrence", 0, 0, G_OPTION_ARG_NONE, &no_recurrence, "Make it a single session", NULL },
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match,
      "Only if the session is still at this version", "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "", error);
  if (path == NULL)
    return FALSE;
  recurrence.none = no_recurrence;
  if (title == NULL && focus == NULL && host == NULL && start == NULL && timezone == NULL
      && duration == G_MININT && !recurrence_given (&recurrence))
    {
      eb_ctl_usage_error (error, "nothing to update: give --title, --focus, --host-site, "
                                 "--start, --duration, --timezone or a recurrence option");
      return FALSE;
    }

  /* Times are typed in the session's zone and partial recurrence changes
   * build on the current rule: read the session first, and write only if
   * it is still the version read. */
  if (start != NULL || recurrence_given (&recurrence))
    {
      JsonNode *rule;

      current = fetch_session (ctl, (*args)[1], &current_reply, error);
      if (current == NULL)
        return FALSE;
      if (if_match == NULL && current_reply->etag != NULL)
        if_match = g_strdup (current_reply->etag);
      if (timezone == NULL)
        timezone = g_strdup (string_member (current, "timezone"));
      rule = json_object_get_member (current, "recurrence");
      current = rule != NULL && JSON_NODE_HOLDS_OBJECT (rule) ? json_node_get_object (rule) : NULL;
    }

  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "title", title);
  eb_ctl_add_string (builder, "focus", focus);
  eb_ctl_add_id (builder, "host_site_id", host, "host-site", &ok, error);
  if (!ok)
    return FALSE;
  if (start != NULL)
    {
      g_autofree char *start_utc = parse_instant (start, timezone, FALSE, "--start", error);

      if (start_utc == NULL)
        return FALSE;
      eb_ctl_add_string (builder, "start", start_utc);
    }
  eb_ctl_add_int (builder, "duration_minutes", duration);
  eb_ctl_add_string (builder, "timezone", timezone);
  if (!add_recurrence (builder, &recurrence, timezone, current, error))
    return FALSE;
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  return eb_ctl_write (ctl, "PATCH", path, body, if_match, NULL, "session", session_fields, error);
}

static gboolean
session_delete (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL, *what = NULL;
  const GOptionEntry entries[] = {
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match,
      "Only if the session is still at this version", "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "", error);
  if (path == NULL)
    return FALSE;
  what = g_strdup_printf ("session %s", (*args)[1]);
  return eb_ctl_delete (ctl, path, if_match, what, error);
}

static gboolean
session_transition (EbCtl *ctl, GStrv *args, const char *action, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL, *suffix = NULL;
  const GOptionEntry entries[] = {
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match,
      "Only if the session is still at this version", "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  suffix = g_strdup_printf ("/%s", action);
  path = session_path ((*args)[1], suffix, error);
  return path != NULL
         && eb_ctl_write (ctl, "POST", path, NULL, if_match, NULL, "session", session_fields,
                          error);
}

static gboolean
session_schedule (EbCtl *ctl, GStrv *args, GError **error)
{
  return session_transition (ctl, args, "schedule", error);
}

static gboolean
session_cancel (EbCtl *ctl, GStrv *args, GError **error)
{
  return session_transition (ctl, args, "cancel", error);
}

static gboolean
session_occurrences (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *from = NULL, *to = NULL;
  g_autoptr (EbCtlReply) session_reply = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  g_autoptr (GString) path = NULL;
  g_autofree char *base = NULL;
  JsonObject *session;
  JsonObject *object;
  JsonNode *items;
  const char *tzid;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "From this date or time (session's time zone)",
      "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Up to this date or time", "DATE" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  session = fetch_session (ctl, (*args)[1], &session_reply, error);
  if (session == NULL)
    return FALSE;
  tzid = string_member (session, "timezone");
  base = session_path ((*args)[1], "/occurrences", error);
  path = g_string_new (base);
  if (from != NULL)
    {
      g_autofree char *instant = parse_instant (from, tzid, FALSE, "--from", error);

      if (instant == NULL)
        return FALSE;
      eb_ctl_path_add_query (path, "from", instant);
    }
  if (to != NULL)
    {
      g_autofree char *instant = parse_instant (to, tzid, TRUE, "--to", error);

      if (instant == NULL)
        return FALSE;
      eb_ctl_path_add_query (path, "to", instant);
    }
  reply = eb_ctl_request (ctl, "GET", path->str, NULL, NULL, NULL, error);
  if (reply == NULL)
    return FALSE;
  if (ctl->json)
    return eb_ctl_print_list (ctl, reply, occurrence_columns, error);
  object = eb_ctl_reply_get_object (reply, error);
  if (object == NULL)
    return FALSE;
  items = json_object_get_member (object, "items");
  /* occurrences carry no zone of their own: show them in the session's */
  if (items != NULL && JSON_NODE_HOLDS_ARRAY (items) && tzid != NULL)
    {
      JsonArray *array = json_node_get_array (items);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
          json_object_set_string_member (json_array_get_object_element (array, i), "timezone",
                                         tzid);
    }
  return eb_ctl_print_list (ctl, reply, occurrence_columns, error);
}

/* skip, move and restore one occurrence */
static gboolean
session_exception (EbCtl *ctl, GStrv *args, const char *action, GError **error)
{
  g_autofree char *occurrence = NULL, *to = NULL, *original = NULL, *new_start = NULL;
  g_autofree char *path = NULL;
  g_autoptr (EbCtlReply) session_reply = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  gboolean move = g_strcmp0 (action, "move") == 0;
  JsonObject *session;
  const char *tzid;
  const GOptionEntry entries[] = {
    { "occurrence", 0, 0, G_OPTION_ARG_STRING, &occurrence,
      "The occurrence's original start (session's time zone, or RFC 3339)", "START" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "The new start (move only)", "START" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error)
      || !eb_ctl_require (occurrence, "occurrence", error))
    return FALSE;
  if (move && !eb_ctl_require (to, "to", error))
    return FALSE;
  if (!move && to != NULL)
    {
      eb_ctl_usage_error (error, "--to only goes with 'session move'");
      return FALSE;
    }
  session = fetch_session (ctl, (*args)[1], &session_reply, error);
  if (session == NULL)
    return FALSE;
  tzid = string_member (session, "timezone");
  original = parse_instant (occurrence, tzid, FALSE, "--occurrence", error);
  if (original == NULL)
    return FALSE;

  if (g_strcmp0 (action, "restore") == 0)
    {
      g_autoptr (GString) query = NULL;

      path = session_path ((*args)[1], "/exceptions", error);
      query = g_string_new (path);
      eb_ctl_path_add_query (query, "original_start", original);
      return eb_ctl_write (ctl, "DELETE", query->str, NULL, NULL, NULL, "session", session_fields,
                           error);
    }
  if (move)
    {
      new_start = parse_instant (to, tzid, FALSE, "--to", error);
      if (new_start == NULL)
        return FALSE;
    }
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "original_start", original);
  eb_ctl_add_bool (builder, "cancelled", !move);
  json_builder_set_member_name (builder, "new_start");
  if (new_start != NULL)
    json_builder_add_string_value (builder, new_start);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = session_path ((*args)[1], "/exceptions", error);
  return eb_ctl_write (ctl, "PUT", path, body, NULL, NULL, "session", session_fields, error);
}

static gboolean
session_skip (EbCtl *ctl, GStrv *args, GError **error)
{
  return session_exception (ctl, args, "skip", error);
}

static gboolean
session_move (EbCtl *ctl, GStrv *args, GError **error)
{
  return session_exception (ctl, args, "move", error);
}

static gboolean
session_restore (EbCtl *ctl, GStrv *args, GError **error)
{
  return session_exception (ctl, args, "restore", error);
}

/* --- roster --- */

static gboolean
roster_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "/roster", error);
  return path != NULL && eb_ctl_list (ctl, path, roster_columns, error);
}

static gboolean
roster_add (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *person = NULL, *role = NULL, *status = NULL, *path = NULL;
  g_autofree char *key_option = NULL, *key = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  gboolean ok = TRUE;
  const GOptionEntry entries[] = {
    { "person", 0, 0, G_OPTION_ARG_STRING, &person, "The person to invite", "ID" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      "chair, coordinator, presenter, panelist or observer", "ROLE" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status,
      "invited (default), accepted, declined or tentative", "STATUS" },
    { "idempotency-key", 0, 0, G_OPTION_ARG_STRING, &key_option,
      "Idempotency-Key (default: a random UUID)", "KEY" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error) || !eb_ctl_require (person, "person", error)
      || !eb_ctl_require (role, "role", error))
    return FALSE;
  path = session_path ((*args)[1], "/roster", error);
  if (path == NULL)
    return FALSE;
  json_builder_begin_object (builder);
  eb_ctl_add_id (builder, "person_id", person, "person", &ok, error);
  eb_ctl_add_string (builder, "role", role);
  eb_ctl_add_string (builder, "status", status);
  json_builder_end_object (builder);
  if (!ok)
    return FALSE;
  body = json_builder_get_root (builder);
  key = eb_ctl_idempotency_key (key_option);
  return eb_ctl_write (ctl, "POST", path, body, NULL, key, "entry", roster_fields, error);
}

static gboolean
roster_update (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *role = NULL, *status = NULL, *if_match = NULL, *path = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "New role", "ROLE" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, "New invitation status", "STATUS" },
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match,
      "Only if the entry is still at this version", "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 2, 2, error))
    return FALSE;
  path = child_path ((*args)[1], "roster", (*args)[2], "roster entry", error);
  if (path == NULL)
    return FALSE;
  if (role == NULL && status == NULL)
    {
      eb_ctl_usage_error (error, "nothing to update: give --role or --status");
      return FALSE;
    }
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "role", role);
  eb_ctl_add_string (builder, "status", status);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  return eb_ctl_write (ctl, "PATCH", path, body, if_match, NULL, "entry", roster_fields, error);
}

static gboolean
roster_remove (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL, *what = NULL;
  const GOptionEntry entries[] = {
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match,
      "Only if the entry is still at this version", "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 2, 2, error))
    return FALSE;
  path = child_path ((*args)[1], "roster", (*args)[2], "roster entry", error);
  if (path == NULL)
    return FALSE;
  what = g_strdup_printf ("roster entry %s of session %s", (*args)[2], (*args)[1]);
  return eb_ctl_delete (ctl, path, if_match, what, error);
}

/* --- agenda --- */

static gboolean
agenda_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "/agenda", error);
  return path != NULL && eb_ctl_list (ctl, path, agenda_columns, error);
}

static gboolean
agenda_add (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *presenter = NULL, *site = NULL, *summary = NULL, *question = NULL;
  g_autofree char *key_option = NULL, *key = NULL, *path = NULL;
  gint minutes = G_MININT;
  gboolean retrospective = FALSE;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  gboolean ok = TRUE;
  const GOptionEntry entries[] = {
    { "presenter", 0, 0, G_OPTION_ARG_STRING, &presenter, "Presenter (on the roster as presenter)",
      "ID" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "Presenting site", "ID" },
    { "summary", 0, 0, G_OPTION_ARG_STRING, &summary, "De-identified case summary", "TEXT" },
    { "question", 0, 0, G_OPTION_ARG_STRING, &question, "Question for the panel", "TEXT" },
    { "minutes", 0, 0, G_OPTION_ARG_INT, &minutes, "Minutes allotted (1..240)", "N" },
    { "retrospective", 0, 0, G_OPTION_ARG_NONE, &retrospective,
      "A retrospective case (default: prospective)", NULL },
    { "idempotency-key", 0, 0, G_OPTION_ARG_STRING, &key_option,
      "Idempotency-Key (default: a random UUID)", "KEY" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error)
      || !eb_ctl_require (presenter, "presenter", error) || !eb_ctl_require (site, "site", error)
      || !eb_ctl_require (summary, "summary", error)
      || !eb_ctl_require (question, "question", error))
    return FALSE;
  if (minutes == G_MININT)
    {
      eb_ctl_usage_error (error, "missing --minutes");
      return FALSE;
    }
  path = session_path ((*args)[1], "/agenda", error);
  if (path == NULL)
    return FALSE;
  json_builder_begin_object (builder);
  eb_ctl_add_id (builder, "presenter_id", presenter, "presenter", &ok, error);
  eb_ctl_add_id (builder, "presenting_site_id", site, "site", &ok, error);
  eb_ctl_add_string (builder, "summary", summary);
  eb_ctl_add_string (builder, "question", question);
  eb_ctl_add_int (builder, "minutes", minutes);
  eb_ctl_add_string (builder, "kind", retrospective ? "retrospective" : "prospective");
  json_builder_end_object (builder);
  if (!ok)
    return FALSE;
  body = json_builder_get_root (builder);
  key = eb_ctl_idempotency_key (key_option);
  return eb_ctl_write (ctl, "POST", path, body, NULL, key, "item", agenda_fields, error);
}

static gboolean
agenda_update (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *presenter = NULL, *site = NULL, *summary = NULL, *question = NULL;
  g_autofree char *status = NULL, *recommendation = NULL, *if_match = NULL, *path = NULL;
  gint minutes = G_MININT;
  gboolean retrospective = FALSE, prospective = FALSE;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  gboolean ok = TRUE;
  const GOptionEntry entries[] = {
    { "presenter", 0, 0, G_OPTION_ARG_STRING, &presenter, "Presenter", "ID" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "Presenting site", "ID" },
    { "summary", 0, 0, G_OPTION_ARG_STRING, &summary, "De-identified case summary", "TEXT" },
    { "question", 0, 0, G_OPTION_ARG_STRING, &question, "Question for the panel", "TEXT" },
    { "minutes", 0, 0, G_OPTION_ARG_INT, &minutes, "Minutes allotted (1..240)", "N" },
    { "prospective", 0, 0, G_OPTION_ARG_NONE, &prospective, "A prospective case", NULL },
    { "retrospective", 0, 0, G_OPTION_ARG_NONE, &retrospective, "A retrospective case", NULL },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, "pending, discussing, discussed or deferred",
      "STATUS" },
    { "recommendation", 0, 0, G_OPTION_ARG_STRING, &recommendation, "The panel's recommendation",
      "TEXT" },
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match, "Only if the item is still at this version",
      "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 2, 2, error))
    return FALSE;
  path = child_path ((*args)[1], "agenda", (*args)[2], "agenda item", error);
  if (path == NULL)
    return FALSE;
  if (prospective && retrospective)
    {
      eb_ctl_usage_error (error, "--prospective and --retrospective exclude each other");
      return FALSE;
    }
  if (presenter == NULL && site == NULL && summary == NULL && question == NULL
      && minutes == G_MININT && !prospective && !retrospective && status == NULL
      && recommendation == NULL)
    {
      eb_ctl_usage_error (error, "nothing to update: give --presenter, --site, --summary, "
                                 "--question, --minutes, --prospective, --retrospective, "
                                 "--status or --recommendation");
      return FALSE;
    }
  json_builder_begin_object (builder);
  eb_ctl_add_id (builder, "presenter_id", presenter, "presenter", &ok, error);
  eb_ctl_add_id (builder, "presenting_site_id", site, "site", &ok, error);
  eb_ctl_add_string (builder, "summary", summary);
  eb_ctl_add_string (builder, "question", question);
  eb_ctl_add_int (builder, "minutes", minutes);
  if (prospective || retrospective)
    eb_ctl_add_string (builder, "kind", retrospective ? "retrospective" : "prospective");
  eb_ctl_add_string (builder, "status", status);
  eb_ctl_add_string (builder, "recommendation", recommendation);
  json_builder_end_object (builder);
  if (!ok)
    return FALSE;
  body = json_builder_get_root (builder);
  return eb_ctl_write (ctl, "PATCH", path, body, if_match, NULL, "item", agenda_fields, error);
}

static gboolean
agenda_remove (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL, *what = NULL;
  const GOptionEntry entries[] = {
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match, "Only if the item is still at this version",
      "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 2, 2, error))
    return FALSE;
  path = child_path ((*args)[1], "agenda", (*args)[2], "agenda item", error);
  if (path == NULL)
    return FALSE;
  what = g_strdup_printf ("agenda item %s of session %s", (*args)[2], (*args)[1]);
  return eb_ctl_delete (ctl, path, if_match, what, error);
}

static gboolean
agenda_reorder (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (EbCtlReply) reply = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 2, -1, error))
    return FALSE;
  path = session_path ((*args)[1], "/agenda/order", error);
  if (path == NULL)
    return FALSE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "item_ids");
  json_builder_begin_array (builder);
  for (guint i = 2; (*args)[i] != NULL; i++)
    {
      gint64 id;

      if (!eb_ctl_parse_id ((*args)[i], "agenda item", &id, error))
        return FALSE;
      json_builder_add_int_value (builder, id);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  reply = eb_ctl_request (ctl, "POST", path, body, NULL, NULL, error);
  return reply != NULL && eb_ctl_print_list (ctl, reply, agenda_columns, error);
}

/* --- quorum and calendars --- */

static gboolean
quorum (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  g_autoptr (JsonArray) rows = json_array_new ();
  g_autoptr (GHashTable) covered = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *report;
  JsonNode *node;
  JsonArray *required = NULL;
  JsonArray *missing = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "/quorum", error);
  if (path == NULL)
    return FALSE;
  reply = eb_ctl_request (ctl, "GET", path, NULL, NULL, NULL, error);
  if (reply == NULL)
    return FALSE;
  report = eb_ctl_reply_get_object (reply, error);
  if (report == NULL)
    return FALSE;
  if (ctl->json)
    {
      eb_ctl_print_json (reply->json);
      return TRUE;
    }

  node = json_object_get_member (report, "covered");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *code;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          code = string_member (json_node_get_object (element), "specialty");
          if (code != NULL)
            g_hash_table_insert (covered, (gpointer)code, json_node_get_object (element));
        }
    }
  node = json_object_get_member (report, "required");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    required = json_node_get_array (node);
  node = json_object_get_member (report, "missing");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    missing = json_node_get_array (node);

  for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
    {
      JsonNode *element = json_array_get_element (required, i);
      g_autoptr (JsonObject) row = json_object_new ();
      JsonObject *cover;
      const char *code;

      if (json_node_get_value_type (element) != G_TYPE_STRING)
        continue;
      code = json_node_get_string (element);
      cover = g_hash_table_lookup (covered, code);
      json_object_set_string_member (row, "specialty", code);
      json_object_set_string_member (row, "status", cover != NULL ? "covered" : "missing");
      if (cover != NULL && json_object_has_member (cover, "person_ids"))
        json_object_set_member (row, "person_ids",
                                json_node_copy (json_object_get_member (cover, "person_ids")));
      json_array_add_object_element (rows, g_steal_pointer (&row));
    }

  if (json_object_get_boolean_member_with_default (report, "met", FALSE))
    printf ("Quorum met.\n");
  else
    {
      g_autoptr (JsonObject) holder = json_object_new ();
      g_autofree char *names = NULL;

      json_object_set_array_member (holder, "missing",
                                    missing != NULL ? json_array_ref (missing) : json_array_new ());
      names = eb_ctl_format_value (holder, "missing");
      printf ("Quorum NOT met: missing %s.\n", names);
    }
  eb_ctl_print_table (quorum_columns, rows);
  return TRUE;
}

static gboolean
download (EbCtl *ctl, GStrv *args, const char *collection, const char *file, const char *what,
          GError **error)
{
  g_autofree char *output = NULL, *path = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  gint64 id;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the calendar to FILE (default: stdout)", "FILE" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error)
      || !eb_ctl_parse_id ((*args)[1], what, &id, error))
    return FALSE;
  path = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT "/%s", collection, id, file);
  reply = eb_ctl_request (ctl, "GET", path, NULL, NULL, NULL, error);
  return reply != NULL && eb_ctl_write_output (reply->body, output, error);
}

static gboolean
session_ics (EbCtl *ctl, GStrv *args, GError **error)
{
  return download (ctl, args, "sessions", "invitation.ics", "session", error);
}

static gboolean
person_calendar (EbCtl *ctl, GStrv *args, GError **error)
{
  return download (ctl, args, "people", "calendar.ics", "person", error);
}

const EbCtlCommand eb_ctl_session_commands[] = {
  { "session", "list", "", "List sessions.", session_list },
  { "session", "show", "ID", "Show one session.", session_show },
  { "session", "create", "", "Create a session (a draft), optionally recurring.", session_create },
  { "session", "update", "ID", "Change a draft or scheduled session.", session_update },
  { "session", "delete", "ID", "Delete a draft or cancelled session.", session_delete },
  { "session", "schedule", "ID", "Schedule a draft session (the rules are checked).",
    session_schedule },
  { "session", "cancel", "ID", "Cancel a draft or scheduled session.", session_cancel },
  { "session", "occurrences", "ID", "List the occurrences of a session.", session_occurrences },
  { "session", "skip", "ID", "Cancel one occurrence of a recurring session.", session_skip },
  { "session", "move", "ID", "Move one occurrence of a recurring session.", session_move },
  { "session", "restore", "ID", "Undo the skip or move of one occurrence.", session_restore },
  { "roster", "list", "SESSION", "List the roster of a session.", roster_list },
  { "roster", "add", "SESSION", "Invite a person to a session.", roster_add },
  { "roster", "update", "SESSION ENTRY", "Change a role or an invitation status.", roster_update },
  { "roster", "remove", "SESSION ENTRY", "Remove a person from the roster.", roster_remove },
  { "agenda", "list", "SESSION", "List the agenda of a session.", agenda_list },
  { "agenda", "add", "SESSION", "Add a case to the agenda.", agenda_add },
  { "agenda", "update", "SESSION ITEM", "Change a case.", agenda_update },
  { "agenda", "remove", "SESSION ITEM", "Remove a case.", agenda_remove },
  { "agenda", "reorder", "SESSION ITEM...", "Put the cases in this order.", agenda_reorder },
  { "quorum", NULL, "SESSION", "Which required specialties are covered.", quorum },
  { "ics", NULL, "SESSION", "Download the session's iCalendar invitation.", session_ics },
  { "calendar", NULL, "PERSON", "Download a person's iCalendar feed.", person_calendar },
  { NULL, NULL, NULL, NULL, NULL },
};
