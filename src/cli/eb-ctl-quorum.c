/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include <stdio.h>

#include "eb-ctl-command-private.h"
#include "eb-ctl-sessions-private.h"

/* Which required specialties a session's roster covers. */

static const EbCtlColumn quorum_columns[] = {
  { "SPECIALTY", "specialty", NULL },
  { "STATUS", "status", NULL },
  { "PEOPLE", "person_ids", NULL },
  { NULL, NULL, NULL },
};

gboolean
eb_ctl_quorum (EbCtl *ctl, GStrv *args, GError **error)
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
  path = eb_ctl_session_path ((*args)[1], "/quorum", error);
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
          code = eb_ctl_string_member (json_node_get_object (element), "specialty");
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
