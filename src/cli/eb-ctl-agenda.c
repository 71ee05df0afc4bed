/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-command-private.h"
#include "eb-ctl-sessions-private.h"

/* The agenda of a session: its cases, in order. */

static char *
format_summary (JsonObject *object, const char *member)
{
  const char *text = eb_ctl_string_member (object, member);

  if (text == NULL)
    return g_strdup ("-");
  if (g_utf8_validate (text, -1, NULL) && g_utf8_strlen (text, -1) > 48)
    {
      g_autofree char *head = g_utf8_substring (text, 0, 47);

      return g_strdup_printf ("%s…", head);
    }
  return g_strdup (text);
}

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

gboolean
eb_ctl_agenda_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = eb_ctl_session_path ((*args)[1], "/agenda", error);
  return path != NULL && eb_ctl_list (ctl, path, agenda_columns, error);
}

gboolean
eb_ctl_agenda_add (EbCtl *ctl, GStrv *args, GError **error)
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
    EB_CTL_IDEMPOTENCY_KEY_ENTRY (key_option),
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
  path = eb_ctl_session_path ((*args)[1], "/agenda", error);
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

gboolean
eb_ctl_agenda_update (EbCtl *ctl, GStrv *args, GError **error)
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
    EB_CTL_IF_MATCH_ENTRY (if_match, "item"),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 2, 2, error))
    return FALSE;
  path = eb_ctl_session_child_path ((*args)[1], "agenda", (*args)[2], "agenda item", error);
  if (path == NULL)
    return FALSE;
  if (!eb_ctl_check_exclusive (prospective, "prospective", retrospective, "retrospective", error))
    return FALSE;
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

gboolean
eb_ctl_agenda_remove (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL, *what = NULL;

  if (!eb_ctl_parse_if_match (ctl, args, 2, "item", &if_match, error))
    return FALSE;
  path = eb_ctl_session_child_path ((*args)[1], "agenda", (*args)[2], "agenda item", error);
  if (path == NULL)
    return FALSE;
  what = g_strdup_printf ("agenda item %s of session %s", (*args)[2], (*args)[1]);
  return eb_ctl_delete (ctl, path, if_match, what, error);
}

gboolean
eb_ctl_agenda_reorder (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (EbCtlReply) reply = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 2, -1, error))
    return FALSE;
  path = eb_ctl_session_path ((*args)[1], "/agenda/order", error);
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
