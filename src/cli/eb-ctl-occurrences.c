/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-command-private.h"
#include "eb-ctl-sessions-private.h"

/* The occurrences of a session, and the skipped or moved ones. */

char *
eb_ctl_format_exceptions (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *tzid = eb_ctl_string_member (object, "timezone");
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
      original = eb_ctl_format_instant (eb_ctl_string_member (exception, "original_start"), tzid);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (json_object_get_boolean_member_with_default (exception, "cancelled", FALSE))
        g_string_append_printf (text, "%s cancelled", original);
      else
        {
          g_autofree char *moved
              = eb_ctl_format_instant (eb_ctl_string_member (exception, "new_start"), tzid);

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

static const EbCtlColumn occurrence_columns[] = {
  { "START", "start", eb_ctl_format_time },
  { "END", "end", eb_ctl_format_time },
  { "NOTE", "moved", format_moved },
  { NULL, NULL, NULL },
};

gboolean
eb_ctl_session_occurrences (EbCtl *ctl, GStrv *args, GError **error)
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
  session = eb_ctl_fetch_session (ctl, (*args)[1], &session_reply, error);
  if (session == NULL)
    return FALSE;
  tzid = eb_ctl_string_member (session, "timezone");
  base = eb_ctl_session_path ((*args)[1], "/occurrences", error);
  path = g_string_new (base);
  if (!eb_ctl_path_add_instant (path, "from", from, tzid, FALSE, "--from", error))
    return FALSE;
  if (!eb_ctl_path_add_instant (path, "to", to, tzid, TRUE, "--to", error))
    return FALSE;
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
  session = eb_ctl_fetch_session (ctl, (*args)[1], &session_reply, error);
  if (session == NULL)
    return FALSE;
  tzid = eb_ctl_string_member (session, "timezone");
  original = eb_ctl_parse_instant (occurrence, tzid, FALSE, "--occurrence", error);
  if (original == NULL)
    return FALSE;

  if (g_strcmp0 (action, "restore") == 0)
    {
      g_autoptr (GString) query = NULL;

      path = eb_ctl_session_path ((*args)[1], "/exceptions", error);
      query = g_string_new (path);
      eb_ctl_path_add_query (query, "original_start", original);
      return eb_ctl_write (ctl, "DELETE", query->str, NULL, NULL, NULL, "session",
                           eb_ctl_session_fields, error);
    }
  if (move)
    {
      new_start = eb_ctl_parse_instant (to, tzid, FALSE, "--to", error);
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
  path = eb_ctl_session_path ((*args)[1], "/exceptions", error);
  return eb_ctl_write (ctl, "PUT", path, body, NULL, NULL, "session", eb_ctl_session_fields, error);
}

gboolean
eb_ctl_session_skip (EbCtl *ctl, GStrv *args, GError **error)
{
  return session_exception (ctl, args, "skip", error);
}

gboolean
eb_ctl_session_move (EbCtl *ctl, GStrv *args, GError **error)
{
  return session_exception (ctl, args, "move", error);
}

gboolean
eb_ctl_session_restore (EbCtl *ctl, GStrv *args, GError **error)
{
  return session_exception (ctl, args, "restore", error);
}
