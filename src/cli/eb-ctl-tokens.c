/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include <stdio.h>

#include "eb-ctl-private.h"

/* API tokens (admin only) and the caller's own identity. */

static char *
format_hint (JsonObject *object, const char *member)
{
  const char *hint = json_object_get_string_member_with_default (object, member, NULL);

  if (hint == NULL)
    return g_strdup ("-");
  return g_strdup_printf ("…%s", hint);
}

static const EbCtlColumn token_columns[] = {
  { "ID", "id", NULL },
  { "ROLE", "role", NULL },
  { "PERSON", "person_id", NULL },
  { "LABEL", "label", NULL },
  { "HINT", "hint", format_hint },
  { "CREATED", "created_at", eb_ctl_format_time_local },
  { "EXPIRES", "expires_at", eb_ctl_format_time_local },
  { "REVOKED", "revoked_at", eb_ctl_format_time_local },
  { NULL, NULL, NULL },
};

static const EbCtlColumn token_fields[] = {
  { "ID", "id", NULL },
  { "Role", "role", NULL },
  { "Person", "person_id", NULL },
  { "Label", "label", NULL },
  { "Hint", "hint", format_hint },
  { "Created", "created_at", eb_ctl_format_time_local },
  { "Expires", "expires_at", eb_ctl_format_time_local },
  { "Revoked", "revoked_at", eb_ctl_format_time_local },
  { NULL, NULL, NULL },
};

static const EbCtlColumn whoami_fields[] = {
  { "Token", "token_id", NULL },
  { "Person", "person_id", NULL },
  { "Role", "role", NULL },
  { NULL, NULL, NULL },
};

static char *
token_path (const char *text, GError **error)
{
  gint64 id;

  if (!eb_ctl_parse_id (text, "token", &id, error))
    return NULL;
  return g_strdup_printf ("/api/v1/tokens/%" G_GINT64_FORMAT, id);
}

static gboolean
token_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *person = NULL;
  gint offset = 0, limit = 0;
  g_autoptr (GString) path = g_string_new ("/api/v1/tokens");
  const GOptionEntry entries[] = {
    { "person", 0, 0, G_OPTION_ARG_STRING, &person, "Only this person's tokens", "ID" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, "Rows to skip", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Rows to show (1..500)", "N" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error))
    return FALSE;
  if (person != NULL)
    {
      gint64 id;

      if (!eb_ctl_parse_id (person, "--person", &id, error))
        return FALSE;
      eb_ctl_path_add_query (path, "person_id", person);
    }
  eb_ctl_path_add_page (path, offset, limit);
  return eb_ctl_list (ctl, path->str, token_columns, error);
}

static gboolean
token_show (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = token_path ((*args)[1], error);
  return path != NULL && eb_ctl_show (ctl, path, token_fields, error);
}

static gboolean
token_create (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *role = NULL, *person = NULL, *label = NULL, *expires = NULL;
  g_autofree char *key_option = NULL, *key = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  JsonObject *token;
  const char *secret;
  gboolean ok = TRUE;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "admin, coordinator, clinician or reviewer",
      "ROLE" },
    { "person", 0, 0, G_OPTION_ARG_STRING, &person, "The person the token belongs to", "ID" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, "What the token is for", "TEXT" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires,
      "Expiry: a date (end of that day, local time) or RFC 3339", "DATE" },
    { "idempotency-key", 0, 0, G_OPTION_ARG_STRING, &key_option,
      "Idempotency-Key (default: a random UUID)", "KEY" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error) || !eb_ctl_require (role, "role", error)
      || !eb_ctl_require (label, "label", error))
    return FALSE;
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "role", role);
  eb_ctl_add_id (builder, "person_id", person, "person", &ok, error);
  eb_ctl_add_string (builder, "label", label);
  if (ok && expires != NULL)
    {
      g_autoptr (GDateTime) time = eb_ctl_parse_time (expires, NULL, TRUE, "--expires", error);
      g_autofree char *text = NULL;

      if (time == NULL)
        return FALSE;
      text = eb_ctl_format_utc (time);
      eb_ctl_add_string (builder, "expires_at", text);
    }
  json_builder_end_object (builder);
  if (!ok)
    return FALSE;
  body = json_builder_get_root (builder);
  key = eb_ctl_idempotency_key (key_option);
  reply = eb_ctl_request (ctl, "POST", "/api/v1/tokens", body, NULL, key, error);
  if (reply == NULL)
    return FALSE;
  token = eb_ctl_reply_get_object (reply, error);
  if (token == NULL)
    return FALSE;
  if (ctl->json)
    {
      eb_ctl_print_json (reply->json);
      return TRUE;
    }
  eb_ctl_print_fields (token_fields, token);
  /* the one time the secret is shown: the user asked for it */
  secret = json_object_get_string_member_with_default (token, "secret", NULL);
  if (secret != NULL)
    {
      printf ("Secret:   %s\n", secret);
      g_printerr ("Store the secret now: it is not shown again.\n");
    }
  return TRUE;
}

static gboolean
token_revoke (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = token_path ((*args)[1], error);
  if (path == NULL)
    return FALSE;
  {
    g_autoptr (EbCtlReply) reply = eb_ctl_request (ctl, "DELETE", path, NULL, NULL, NULL, error);

    if (reply == NULL)
      return FALSE;
    if (ctl->json)
      {
        if (reply->json != NULL)
          eb_ctl_print_json (reply->json);
      }
    else
      printf ("Revoked token %s.\n", (*args)[1]);
  }
  return TRUE;
}

static gboolean
whoami (EbCtl *ctl, GStrv *args, GError **error)
{
  if (!eb_ctl_parse (ctl, NULL, args, 0, 0, error))
    return FALSE;
  return eb_ctl_show (ctl, "/api/v1/whoami", whoami_fields, error);
}

const EbCtlCommand eb_ctl_token_commands[] = {
  { "token", "list", "", "List API tokens.", token_list },
  { "token", "show", "ID", "Show one API token.", token_show },
  { "token", "create", "", "Create an API token (its secret is shown once).", token_create },
  { "token", "revoke", "ID", "Revoke an API token.", token_revoke },
  { "whoami", NULL, "", "Show the token in use: its id, person and role.", whoami },
  { NULL, NULL, NULL, NULL, NULL },
};
