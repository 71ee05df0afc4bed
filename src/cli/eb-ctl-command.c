/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-command-private.h"

gboolean
eb_ctl_parse_if_match (EbCtl *ctl, GStrv *args, guint n_args, const char *what, char **if_match,
                       GError **error)
{
  g_autofree char *description = g_strdup_printf ("Only if the %s is still at this version", what);
  const GOptionEntry entries[] = {
    { "if-match", 0, 0, G_OPTION_ARG_STRING, if_match, description, "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  return eb_ctl_parse (ctl, entries, args, n_args, (gint)n_args, error);
}

gboolean
eb_ctl_check_exclusive (gboolean a_given, const char *a, gboolean b_given, const char *b,
                        GError **error)
{
  if (a_given && b_given)
    {
      eb_ctl_usage_error (error, "--%s and --%s exclude each other", a, b);
      return FALSE;
    }
  return TRUE;
}

char *
eb_ctl_object_path (const char *collection, const char *id_text, const char *what, GError **error)
{
  gint64 id;

  if (!eb_ctl_parse_id (id_text, what, &id, error))
    return NULL;
  return g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT, collection, id);
}

gboolean
eb_ctl_show_object (EbCtl *ctl, GStrv *args, const char *collection, const char *what,
                    const EbCtlColumn *fields, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = eb_ctl_object_path (collection, (*args)[1], what, error);
  return path != NULL && eb_ctl_show (ctl, path, fields, error);
}

gboolean
eb_ctl_delete_object (EbCtl *ctl, GStrv *args, const char *collection, const char *what,
                      GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL, *deleted = NULL;

  if (!eb_ctl_parse_if_match (ctl, args, 1, what, &if_match, error))
    return FALSE;
  path = eb_ctl_object_path (collection, (*args)[1], what, error);
  if (path == NULL)
    return FALSE;
  deleted = g_strdup_printf ("%s %s", what, (*args)[1]);
  return eb_ctl_delete (ctl, path, if_match, deleted, error);
}

const char *
eb_ctl_string_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
