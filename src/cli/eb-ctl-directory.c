/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-command-private.h"

/* Sites, people and the specialty vocabulary. */

static const EbCtlColumn site_columns[] = {
  { "ID", "id", NULL },
  { "CODE", "code", NULL },
  { "NAME", "name", NULL },
  { "STATUS", "status", NULL },
  { "TIMEZONE", "timezone", NULL },
  { "HUB", "is_hub", eb_ctl_format_yes_no },
  { NULL, NULL, NULL },
};

static const EbCtlColumn site_fields[] = {
  { "ID", "id", NULL },
  { "Name", "name", NULL },
  { "Code", "code", NULL },
  { "Status", "status", NULL },
  { "Hub", "is_hub", eb_ctl_format_yes_no },
  { "Time zone", "timezone", NULL },
  { "Version", "version", NULL },
  { "Created", "created_at", eb_ctl_format_time },
  { "Updated", "updated_at", eb_ctl_format_time },
  { NULL, NULL, NULL },
};

static const EbCtlColumn person_columns[] = {
  { "ID", "id", NULL },
  { "NAME", "name", NULL },
  { "EMAIL", "email", NULL },
  { "SPECIALTY", "specialty", NULL },
  { "SITE", "home_site_id", NULL },
  { "ACTIVE", "active", eb_ctl_format_yes_no },
  { NULL, NULL, NULL },
};

static const EbCtlColumn person_fields[] = {
  { "ID", "id", NULL },
  { "Name", "name", NULL },
  { "E-mail", "email", NULL },
  { "Specialty", "specialty", NULL },
  { "Home site", "home_site_id", NULL },
  { "Active", "active", eb_ctl_format_yes_no },
  { "Version", "version", NULL },
  { "Created", "created_at", eb_ctl_format_time_local },
  { "Updated", "updated_at", eb_ctl_format_time_local },
  { NULL, NULL, NULL },
};

static const EbCtlColumn specialty_columns[] = {
  { "CODE", "code", NULL },
  { "LABEL", "label", NULL },
  { "QUORUM", "quorum", eb_ctl_format_yes_no },
  { NULL, NULL, NULL },
};

/* --- sites --- */

static gboolean
site_list (EbCtl *ctl, GStrv *args, GError **error)
{
  gint offset = 0, limit = 0;
  g_autoptr (GString) path = g_string_new ("/api/v1/sites");
  const GOptionEntry entries[] = { EB_CTL_PAGE_ENTRIES (offset, limit), G_OPTION_ENTRY_NULL };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error))
    return FALSE;
  eb_ctl_path_add_page (path, offset, limit);
  return eb_ctl_list (ctl, path->str, site_columns, error);
}

static gboolean
site_show (EbCtl *ctl, GStrv *args, GError **error)
{
  return eb_ctl_show_object (ctl, args, "sites", "site", site_fields, error);
}

static gboolean
site_create (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *name = NULL, *code = NULL, *timezone = NULL, *status = NULL;
  g_autofree char *key_option = NULL, *key = NULL;
  gboolean hub = FALSE;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Site name", "NAME" },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, "Unique short code (A-Z 0-9 -)", "CODE" },
    { "timezone", 0, 0, G_OPTION_ARG_STRING, &timezone, "IANA time zone", "ZONE" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status,
      "applicant (default), vetted, active, suspended, withdrawn", "STATUS" },
    { "hub", 0, 0, G_OPTION_ARG_NONE, &hub, "The network's hub", NULL },
    EB_CTL_IDEMPOTENCY_KEY_ENTRY (key_option),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error) || !eb_ctl_require (name, "name", error)
      || !eb_ctl_require (code, "code", error) || !eb_ctl_require (timezone, "timezone", error))
    return FALSE;
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "name", name);
  eb_ctl_add_string (builder, "code", code);
  eb_ctl_add_string (builder, "timezone", timezone);
  eb_ctl_add_string (builder, "status", status);
  if (hub)
    eb_ctl_add_bool (builder, "is_hub", TRUE);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  key = eb_ctl_idempotency_key (key_option);
  return eb_ctl_write (ctl, "POST", "/api/v1/sites", body, NULL, key, NULL, site_fields, error);
}

static gboolean
site_update (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *name = NULL, *code = NULL, *timezone = NULL, *status = NULL;
  g_autofree char *if_match = NULL, *path = NULL;
  gboolean hub = FALSE, no_hub = FALSE;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Site name", "NAME" },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, "Unique short code", "CODE" },
    { "timezone", 0, 0, G_OPTION_ARG_STRING, &timezone, "IANA time zone", "ZONE" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status,
      "Membership status: vetted, active, suspended, withdrawn", "STATUS" },
    { "hub", 0, 0, G_OPTION_ARG_NONE, &hub, "Make it the hub", NULL },
    { "no-hub", 0, 0, G_OPTION_ARG_NONE, &no_hub, "No longer the hub", NULL },
    EB_CTL_IF_MATCH_ENTRY (if_match, "site"),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  path = eb_ctl_object_path ("sites", (*args)[1], "site", error);
  if (path == NULL)
    return FALSE;
  if (!eb_ctl_check_exclusive (hub, "hub", no_hub, "no-hub", error))
    return FALSE;
  if (name == NULL && code == NULL && timezone == NULL && status == NULL && !hub && !no_hub)
    {
      eb_ctl_usage_error (error, "nothing to update: give --name, --code, --timezone, --status, "
                                 "--hub or --no-hub");
      return FALSE;
    }
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "name", name);
  eb_ctl_add_string (builder, "code", code);
  eb_ctl_add_string (builder, "timezone", timezone);
  eb_ctl_add_string (builder, "status", status);
  if (hub || no_hub)
    eb_ctl_add_bool (builder, "is_hub", hub);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  return eb_ctl_write (ctl, "PATCH", path, body, if_match, NULL, NULL, site_fields, error);
}

static gboolean
site_delete (EbCtl *ctl, GStrv *args, GError **error)
{
  return eb_ctl_delete_object (ctl, args, "sites", "site", error);
}

/* --- people --- */

static gboolean
person_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *site = NULL, *specialty = NULL;
  gboolean active = FALSE, inactive = FALSE;
  gint offset = 0, limit = 0;
  g_autoptr (GString) path = g_string_new ("/api/v1/people");
  const GOptionEntry entries[] = {
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "Only people of this home site", "ID" },
    { "specialty", 0, 0, G_OPTION_ARG_STRING, &specialty, "Only this specialty", "CODE" },
    { "active", 0, 0, G_OPTION_ARG_NONE, &active, "Only active people", NULL },
    { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive, "Only inactive people", NULL },
    EB_CTL_PAGE_ENTRIES (offset, limit),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error))
    return FALSE;
  if (site != NULL)
    {
      gint64 id;

      if (!eb_ctl_parse_id (site, "--site", &id, error))
        return FALSE;
      eb_ctl_path_add_query (path, "site_id", site);
    }
  if (specialty != NULL)
    eb_ctl_path_add_query (path, "specialty", specialty);
  if (!eb_ctl_check_exclusive (active, "active", inactive, "inactive", error))
    return FALSE;
  if (active || inactive)
    eb_ctl_path_add_query (path, "active", active ? "true" : "false");
  eb_ctl_path_add_page (path, offset, limit);
  return eb_ctl_list (ctl, path->str, person_columns, error);
}

static gboolean
person_show (EbCtl *ctl, GStrv *args, GError **error)
{
  return eb_ctl_show_object (ctl, args, "people", "person", person_fields, error);
}

static gboolean
person_create (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *name = NULL, *email = NULL, *specialty = NULL, *site = NULL;
  g_autofree char *key_option = NULL, *key = NULL;
  gboolean inactive = FALSE;
  gboolean ok = TRUE;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Full name", "NAME" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "E-mail address", "EMAIL" },
    { "specialty", 0, 0, G_OPTION_ARG_STRING, &specialty,
      "Specialty code (see 'eboardctl specialty list')", "CODE" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "Home site", "ID" },
    { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive, "Register as inactive", NULL },
    EB_CTL_IDEMPOTENCY_KEY_ENTRY (key_option),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error) || !eb_ctl_require (name, "name", error)
      || !eb_ctl_require (email, "email", error) || !eb_ctl_require (specialty, "specialty", error)
      || !eb_ctl_require (site, "site", error))
    return FALSE;
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "name", name);
  eb_ctl_add_string (builder, "email", email);
  eb_ctl_add_string (builder, "specialty", specialty);
  eb_ctl_add_id (builder, "home_site_id", site, "site", &ok, error);
  if (inactive)
    eb_ctl_add_bool (builder, "active", FALSE);
  json_builder_end_object (builder);
  if (!ok)
    return FALSE;
  body = json_builder_get_root (builder);
  key = eb_ctl_idempotency_key (key_option);
  return eb_ctl_write (ctl, "POST", "/api/v1/people", body, NULL, key, NULL, person_fields, error);
}

static gboolean
person_update (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *name = NULL, *email = NULL, *specialty = NULL, *site = NULL;
  g_autofree char *if_match = NULL, *path = NULL;
  gboolean active = FALSE, inactive = FALSE;
  gboolean ok = TRUE;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Full name", "NAME" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "E-mail address", "EMAIL" },
    { "specialty", 0, 0, G_OPTION_ARG_STRING, &specialty, "Specialty code", "CODE" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "Home site", "ID" },
    { "active", 0, 0, G_OPTION_ARG_NONE, &active, "Mark active", NULL },
    { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive, "Mark inactive", NULL },
    EB_CTL_IF_MATCH_ENTRY (if_match, "person"),
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  path = eb_ctl_object_path ("people", (*args)[1], "person", error);
  if (path == NULL)
    return FALSE;
  if (!eb_ctl_check_exclusive (active, "active", inactive, "inactive", error))
    return FALSE;
  if (name == NULL && email == NULL && specialty == NULL && site == NULL && !active && !inactive)
    {
      eb_ctl_usage_error (error, "nothing to update: give --name, --email, --specialty, --site, "
                                 "--active or --inactive");
      return FALSE;
    }
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "name", name);
  eb_ctl_add_string (builder, "email", email);
  eb_ctl_add_string (builder, "specialty", specialty);
  eb_ctl_add_id (builder, "home_site_id", site, "site", &ok, error);
  if (active || inactive)
    eb_ctl_add_bool (builder, "active", active);
  json_builder_end_object (builder);
  if (!ok)
    return FALSE;
  body = json_builder_get_root (builder);
  return eb_ctl_write (ctl, "PATCH", path, body, if_match, NULL, NULL, person_fields, error);
}

static gboolean
person_delete (EbCtl *ctl, GStrv *args, GError **error)
{
  return eb_ctl_delete_object (ctl, args, "people", "person", error);
}

/* --- specialties --- */

static gboolean
specialty_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autoptr (EbCtlReply) reply = NULL;
  g_autoptr (GHashTable) quorum = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *object;
  JsonNode *node;
  JsonArray *items;

  if (!eb_ctl_parse (ctl, NULL, args, 0, 0, error))
    return FALSE;
  reply = eb_ctl_request (ctl, "GET", "/api/v1/specialties", NULL, NULL, NULL, error);
  if (reply == NULL)
    return FALSE;
  if (ctl->json)
    return eb_ctl_print_list (ctl, reply, specialty_columns, error);
  object = eb_ctl_reply_get_object (reply, error);
  if (object == NULL)
    return FALSE;
  node = json_object_get_member (object, "quorum");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *codes = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (codes); i++)
        if (json_node_get_value_type (json_array_get_element (codes, i)) == G_TYPE_STRING)
          g_hash_table_add (quorum, (gpointer)json_array_get_string_element (codes, i));
    }
  node = json_object_get_member (object, "items");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return eb_ctl_print_list (ctl, reply, specialty_columns, error);
  items = json_node_get_array (node);
  /* mark the quorum specialties in place for the QUORUM column */
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *element = json_array_get_element (items, i);
      JsonObject *item;
      const char *code;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      item = json_node_get_object (element);
      code = json_object_get_string_member_with_default (item, "code", "");
      json_object_set_boolean_member (item, "quorum", g_hash_table_contains (quorum, code));
    }
  eb_ctl_print_table (specialty_columns, items);
  return TRUE;
}

const EbCtlCommand eb_ctl_directory_commands[] = {
  { "site", "list", "", "List the sites of the network.", site_list },
  { "site", "show", "ID", "Show one site.", site_show },
  { "site", "create", "", "Register a site (hub or member).", site_create },
  { "site", "update", "ID", "Change a site, e.g. move its membership status.", site_update },
  { "site", "delete", "ID", "Delete a site.", site_delete },
  { "person", "list", "", "List people.", person_list },
  { "person", "show", "ID", "Show one person.", person_show },
  { "person", "create", "", "Register a person.", person_create },
  { "person", "update", "ID", "Change a person.", person_update },
  { "person", "delete", "ID", "Delete a person.", person_delete },
  { "specialty", "list", "", "List the specialty vocabulary and the quorum.", specialty_list },
  { NULL, NULL, NULL, NULL, NULL },
};
