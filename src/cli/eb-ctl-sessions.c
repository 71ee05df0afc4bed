/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-command-private.h"
#include "eb-ctl-sessions-private.h"

/* Sessions: listing, creating, changing, scheduling; the command table of
 * sessions and what belongs to them (see eb-ctl-sessions-private.h). */

static char *
format_minutes (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return g_strdup ("-");
  return g_strdup_printf ("%" G_GINT64_FORMAT " min", json_node_get_int (node));
}

static const EbCtlColumn session_columns[] = {
  { "ID", "id", NULL },
  { "TITLE", "title", NULL },
  { "STATE", "state", NULL },
  { "START", "start", eb_ctl_format_time },
  { "DURATION", "duration_minutes", format_minutes },
  { "TIMEZONE", "timezone", NULL },
  { "REPEATS", "recurrence", eb_ctl_format_recurrence },
  { NULL, NULL, NULL },
};

const EbCtlColumn eb_ctl_session_fields[] = {
  { "ID", "id", NULL },
  { "Title", "title", NULL },
  { "Focus", "focus", NULL },
  { "Host site", "host_site_id", NULL },
  { "State", "state", NULL },
  { "Start", "start", eb_ctl_format_time },
  { "Duration", "duration_minutes", format_minutes },
  { "Time zone", "timezone", NULL },
  { "Repeats", "recurrence", eb_ctl_format_recurrence },
  { "Rule", "rrule", NULL },
  { "Exceptions", "exceptions", eb_ctl_format_exceptions },
  { "Version", "version", NULL },
  { "Created", "created_at", eb_ctl_format_time },
  { "Updated", "updated_at", eb_ctl_format_time },
  { NULL, NULL, NULL },
};

/* "/api/v1/sessions/ID" + @suffix, after checking the id. */
char *
eb_ctl_session_path (const char *text, const char *suffix, GError **error)
{
  gint64 id;

  if (!eb_ctl_parse_id (text, "session", &id, error))
    return NULL;
  return g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "%s", id, suffix);
}

char *
eb_ctl_session_child_path (const char *session_text, const char *collection, const char *child_text,
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
JsonObject *
eb_ctl_fetch_session (EbCtl *ctl, const char *id_text, EbCtlReply **reply, GError **error)
{
  g_autofree char *path = eb_ctl_session_path (id_text, "", error);

  if (path == NULL)
    return NULL;
  return eb_ctl_get_object (ctl, path, reply, error);
}

/* An instant typed on the command line, as the API's UTC text. */
char *
eb_ctl_parse_instant (const char *text, const char *tzid, gboolean end_of_day, const char *what,
                      GError **error)
{
  g_autoptr (GDateTime) time = eb_ctl_parse_time (text, tzid, end_of_day, what, error);

  if (time == NULL)
    return NULL;
  return eb_ctl_format_utc (time);
}

/* Adds ?@key=<@text as UTC> to @path when @text is set. */
gboolean
eb_ctl_path_add_instant (GString *path, const char *key, const char *text, const char *tzid,
                         gboolean end_of_day, const char *option, GError **error)
{
  g_autofree char *instant = NULL;

  if (text == NULL)
    return TRUE;
  instant = eb_ctl_parse_instant (text, tzid, end_of_day, option, error);
  if (instant == NULL)
    return FALSE;
  eb_ctl_path_add_query (path, key, instant);
  return TRUE;
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
    EB_CTL_PAGE_ENTRIES (offset, limit),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error))
    return FALSE;
  if (!eb_ctl_path_add_instant (path, "from", from, NULL, FALSE, "--from", error))
    return FALSE;
  if (!eb_ctl_path_add_instant (path, "to", to, NULL, TRUE, "--to", error))
    return FALSE;
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
  return eb_ctl_show_object (ctl, args, "sessions", "session", eb_ctl_session_fields, error);
}

static gboolean
session_create (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *title = NULL, *focus = NULL, *host = NULL, *start = NULL, *timezone = NULL;
  g_autofree char *key_option = NULL, *key = NULL, *start_utc = NULL;
  gint duration = G_MININT;
  g_auto (EbCtlRecurrence) recurrence = { .every_weeks = G_MININT, .count = G_MININT };
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
    EB_CTL_RECURRENCE_ENTRIES (recurrence),
    EB_CTL_IDEMPOTENCY_KEY_ENTRY (key_option),
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
      timezone = g_strdup (eb_ctl_string_member (site, "timezone"));
      if (timezone == NULL)
        {
          eb_ctl_usage_error (error, "missing --timezone");
          return FALSE;
        }
    }
  start_utc = eb_ctl_parse_instant (start, timezone, FALSE, "--start", error);
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
  if (!eb_ctl_add_recurrence (builder, &recurrence, timezone, NULL, error))
    return FALSE;
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  key = eb_ctl_idempotency_key (key_option);
  return eb_ctl_write (ctl, "POST", "/api/v1/sessions", body, NULL, key, "session",
                       eb_ctl_session_fields, error);
}

static gboolean
session_update (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *title = NULL, *focus = NULL, *host = NULL, *start = NULL, *timezone = NULL;
  g_autofree char *if_match = NULL, *path = NULL;
  gint duration = G_MININT;
  gboolean no_recurrence = FALSE;
  g_auto (EbCtlRecurrence) recurrence = { .every_weeks = G_MININT, .count = G_MININT };
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
    EB_CTL_RECURRENCE_ENTRIES (recurrence),
    { "no-recurrence", 0, 0, G_OPTION_ARG_NONE, &no_recurrence, "Make it a single session", NULL },
    EB_CTL_IF_MATCH_ENTRY (if_match, "session"),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  path = eb_ctl_session_path ((*args)[1], "", error);
  if (path == NULL)
    return FALSE;
  recurrence.none = no_recurrence;
  if (title == NULL && focus == NULL && host == NULL && start == NULL && timezone == NULL
      && duration == G_MININT && !eb_ctl_recurrence_given (&recurrence))
    {
      eb_ctl_usage_error (error, "nothing to update: give --title, --focus, --host-site, "
                                 "--start, --duration, --timezone or a recurrence option");
      return FALSE;
    }

  /* Times are typed in the session's zone and partial recurrence changes
   * build on the current rule: read the session first, and write only if
   * it is still the version read. */
  if (start != NULL || eb_ctl_recurrence_given (&recurrence))
    {
      JsonNode *rule;

      current = eb_ctl_fetch_session (ctl, (*args)[1], &current_reply, error);
      if (current == NULL)
        return FALSE;
      if (if_match == NULL && current_reply->etag != NULL)
        if_match = g_strdup (current_reply->etag);
      if (timezone == NULL)
        timezone = g_strdup (eb_ctl_string_member (current, "timezone"));
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
      g_autofree char *start_utc = eb_ctl_parse_instant (start, timezone, FALSE, "--start", error);

      if (start_utc == NULL)
        return FALSE;
      eb_ctl_add_string (builder, "start", start_utc);
    }
  eb_ctl_add_int (builder, "duration_minutes", duration);
  eb_ctl_add_string (builder, "timezone", timezone);
  if (!eb_ctl_add_recurrence (builder, &recurrence, timezone, current, error))
    return FALSE;
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  return eb_ctl_write (ctl, "PATCH", path, body, if_match, NULL, "session", eb_ctl_session_fields,
                       error);
}

static gboolean
session_delete (EbCtl *ctl, GStrv *args, GError **error)
{
  return eb_ctl_delete_object (ctl, args, "sessions", "session", error);
}

static gboolean
session_transition (EbCtl *ctl, GStrv *args, const char *action, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL, *suffix = NULL;

  if (!eb_ctl_parse_if_match (ctl, args, 1, "session", &if_match, error))
    return FALSE;
  suffix = g_strdup_printf ("/%s", action);
  path = eb_ctl_session_path ((*args)[1], suffix, error);
  return path != NULL
         && eb_ctl_write (ctl, "POST", path, NULL, if_match, NULL, "session", eb_ctl_session_fields,
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

const EbCtlCommand eb_ctl_session_commands[] = {
  { "session", "list", "", "List sessions.", session_list },
  { "session", "show", "ID", "Show one session.", session_show },
  { "session", "create", "", "Create a session (a draft), optionally recurring.", session_create },
  { "session", "update", "ID", "Change a draft or scheduled session.", session_update },
  { "session", "delete", "ID", "Delete a draft or cancelled session.", session_delete },
  { "session", "schedule", "ID", "Schedule a draft session (the rules are checked).",
    session_schedule },
  { "session", "cancel", "ID", "Cancel a draft or scheduled session.", session_cancel },
  { "session", "occurrences", "ID", "List the occurrences of a session.",
    eb_ctl_session_occurrences },
  { "session", "skip", "ID", "Cancel one occurrence of a recurring session.", eb_ctl_session_skip },
  { "session", "move", "ID", "Move one occurrence of a recurring session.", eb_ctl_session_move },
  { "session", "restore", "ID", "Undo the skip or move of one occurrence.",
    eb_ctl_session_restore },
  { "roster", "list", "SESSION", "List the roster of a session.", eb_ctl_roster_list },
  { "roster", "add", "SESSION", "Invite a person to a session.", eb_ctl_roster_add },
  { "roster", "update", "SESSION ENTRY", "Change a role or an invitation status.",
    eb_ctl_roster_update },
  { "roster", "remove", "SESSION ENTRY", "Remove a person from the roster.", eb_ctl_roster_remove },
  { "agenda", "list", "SESSION", "List the agenda of a session.", eb_ctl_agenda_list },
  { "agenda", "add", "SESSION", "Add a case to the agenda.", eb_ctl_agenda_add },
  { "agenda", "update", "SESSION ITEM", "Change a case.", eb_ctl_agenda_update },
  { "agenda", "remove", "SESSION ITEM", "Remove a case.", eb_ctl_agenda_remove },
  { "agenda", "reorder", "SESSION ITEM...", "Put the cases in this order.", eb_ctl_agenda_reorder },
  { "quorum", NULL, "SESSION", "Which required specialties are covered.", eb_ctl_quorum },
  { "ics", NULL, "SESSION", "Download the session's iCalendar invitation.", eb_ctl_session_ics },
  { "calendar", NULL, "PERSON", "Download a person's iCalendar feed.", eb_ctl_person_calendar },
  { NULL, NULL, NULL, NULL, NULL },
};
