/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include <stdio.h>

#include "eb-ctl-private.h"

/* A person's secret calendar feed URL: what calendar programs subscribe
 * to, since they cannot send a token. */

static char *
format_hint (JsonObject *object, const char *member)
{
  const char *hint = json_object_get_string_member_with_default (object, member, NULL);
  g_autofree char *shown = NULL;

  if (hint == NULL || hint[0] == '\0')
    return g_strdup ("-");
  shown = eb_ctl_escape_controls (hint, NULL);
  return g_strdup_printf ("…%s", shown);
}

static const EbCtlColumn feed_fields[] = {
  { "Person", "person_id", NULL },
  { "Hint", "hint", format_hint },
  { "Created", "created_at", eb_ctl_format_time_local },
  { NULL, NULL, NULL },
};

static const EbCtlColumn created_fields[] = {
  { "Person", "person_id", NULL },
  { "Hint", "hint", format_hint },
  { "Created", "created_at", eb_ctl_format_time_local },
  { "Rotated", "rotated", eb_ctl_format_yes_no },
  { NULL, NULL, NULL },
};

static char *
feed_path (const char *text, GError **error)
{
  gint64 id;

  if (!eb_ctl_parse_id (text, "person", &id, error))
    return NULL;
  return g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT "/calendar-feed", id);
}

static gboolean
feed_create (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  g_autofree char *url = NULL;
  JsonObject *feed;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = feed_path ((*args)[1], error);
  if (path == NULL)
    return FALSE;
  reply = eb_ctl_request (ctl, "POST", path, NULL, NULL, NULL, error);
  if (reply == NULL)
    return FALSE;
  feed = eb_ctl_reply_get_object (reply, error);
  if (feed == NULL)
    return FALSE;
  if (ctl->json)
    {
      eb_ctl_print_json (reply->json);
      return TRUE;
    }
  eb_ctl_print_fields (created_fields, feed);
  /* the one time the URL is shown: the user asked for it */
  url = eb_ctl_escape_controls (json_object_get_string_member_with_default (feed, "url", ""), NULL);
  printf ("URL:      %s\n", url);
  g_printerr ("Subscribe to the URL in a calendar program now: it is not shown again%s.\n",
              json_object_get_boolean_member_with_default (feed, "rotated", FALSE)
                  ? ", and the earlier URL no longer works"
                  : "");
  return TRUE;
}

static gboolean
feed_show (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = feed_path ((*args)[1], error);
  return path != NULL && eb_ctl_show (ctl, path, feed_fields, error);
}

static gboolean
feed_revoke (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (EbCtlReply) reply = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = feed_path ((*args)[1], error);
  if (path == NULL)
    return FALSE;
  reply = eb_ctl_request (ctl, "DELETE", path, NULL, NULL, NULL, error);
  if (reply == NULL)
    return FALSE;
  if (!ctl->json)
    printf ("Revoked the calendar feed of person %s.\n", (*args)[1]);
  return TRUE;
}

const EbCtlCommand eb_ctl_feed_commands[] = {
  { "calendar-feed", "create", "PERSON",
    "Create or rotate a person's secret calendar feed URL (shown once).", feed_create },
  { "calendar-feed", "show", "PERSON", "Show a person's calendar feed URL (without its secret).",
    feed_show },
  { "calendar-feed", "revoke", "PERSON", "Revoke a person's calendar feed URL.", feed_revoke },
  { NULL, NULL, NULL, NULL, NULL },
};
