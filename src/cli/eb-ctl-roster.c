/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-command-private.h"
#include "eb-ctl-sessions-private.h"

/* The roster of a session: who is invited, in which role. */

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

gboolean
eb_ctl_roster_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = eb_ctl_session_path ((*args)[1], "/roster", error);
  return path != NULL && eb_ctl_list (ctl, path, roster_columns, error);
}

gboolean
eb_ctl_roster_add (EbCtl *ctl, GStrv *args, GError **error)
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
    EB_CTL_IDEMPOTENCY_KEY_ENTRY (key_option),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error) || !eb_ctl_require (person, "person", error)
      || !eb_ctl_require (role, "role", error))
    return FALSE;
  path = eb_ctl_session_path ((*args)[1], "/roster", error);
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

gboolean
eb_ctl_roster_update (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *role = NULL, *status = NULL, *if_match = NULL, *path = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "New role", "ROLE" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, "New invitation status", "STATUS" },
    EB_CTL_IF_MATCH_ENTRY (if_match, "entry"),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 2, 2, error))
    return FALSE;
  path = eb_ctl_session_child_path ((*args)[1], "roster", (*args)[2], "roster entry", error);
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

gboolean
eb_ctl_roster_remove (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL, *what = NULL;

  if (!eb_ctl_parse_if_match (ctl, args, 2, "entry", &if_match, error))
    return FALSE;
  path = eb_ctl_session_child_path ((*args)[1], "roster", (*args)[2], "roster entry", error);
  if (path == NULL)
    return FALSE;
  what = g_strdup_printf ("roster entry %s of session %s", (*args)[2], (*args)[1]);
  return eb_ctl_delete (ctl, path, if_match, what, error);
}
