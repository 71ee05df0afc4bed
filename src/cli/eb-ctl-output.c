/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include <stdio.h>
#include <string.h>

#include "eb-ctl-private.h"

#define TIME_FORMAT "%Y-%m-%d %H:%M %Z"

/*
 * Text from the server on a terminal: C0 and C1 control characters are
 * shown as escapes ("\x1B", "\u009B"), as are bytes that are not UTF-8,
 * so that a name cannot move the cursor, clear the screen or retitle the
 * window. The characters in @keep (line feed, tab) pass unchanged. The
 * result holds no control character outside @keep, and escaping it again
 * changes nothing.
 */
static char *
escape_controls (const char *text, const char *keep)
{
  const char *end = text + strlen (text);
  GString *out = g_string_sized_new (end - text);

  for (const char *p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar)*p);
          p++;
          continue;
        }
      if (c < 0x80 && strchr (keep, (int)c) != NULL)
        g_string_append_c (out, (char)c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02X", c);
      else if (c >= 0x80 && c <= 0x9f)
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

char *
eb_ctl_escape_controls (const char *text, const char *keep)
{
  g_return_val_if_fail (text != NULL, NULL);

  return escape_controls (text, keep != NULL ? keep : "");
}

/* Strings come back with their control characters escaped (line feeds
 * and tabs kept: eb_ctl_print_fields() shows multi-line text as lines). */
char *
eb_ctl_format_value (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("-");
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (i > 0)
            g_string_append (text, ", ");
          if (JSON_NODE_HOLDS_VALUE (element))
            {
              g_autoptr (JsonObject) holder = json_object_new ();
              g_autofree char *value = NULL;

              json_object_set_member (holder, "v", json_node_copy (element));
              value = eb_ctl_format_value (holder, "v");
              g_string_append (text, value);
            }
        }
      return g_strdup (text->len > 0 ? text->str : "-");
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("...");
  switch (json_node_get_value_type (node))
    {
      case G_TYPE_STRING:
        return escape_controls (json_node_get_string (node), "\n\t");
      case G_TYPE_INT64:
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      case G_TYPE_DOUBLE:
        return g_strdup_printf ("%g", json_node_get_double (node));
      case G_TYPE_BOOLEAN:
        return g_strdup (json_node_get_boolean (node) ? "true" : "false");
      default:
        return g_strdup ("?");
    }
}

char *
eb_ctl_format_yes_no (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return g_strdup ("-");
  return g_strdup (json_node_get_boolean (node) ? "yes" : "no");
}

char *
eb_ctl_format_instant (const char *rfc3339, const char *tzid)
{
  g_autoptr (GDateTime) time = NULL;
  g_autoptr (GDateTime) shown = NULL;
  g_autoptr (GTimeZone) zone = NULL;

  if (rfc3339 == NULL)
    return g_strdup ("-");
  time = g_date_time_new_from_iso8601 (rfc3339, NULL);
  if (time == NULL)
    return g_strdup (rfc3339);
  if (tzid != NULL)
    zone = g_time_zone_new_identifier (tzid);
  if (zone == NULL)
    zone = g_time_zone_new_local ();
  shown = g_date_time_to_timezone (time, zone);
  return g_date_time_format (shown, TIME_FORMAT);
}

static const char *
string_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

char *
eb_ctl_format_time (JsonObject *object, const char *member)
{
  return eb_ctl_format_instant (string_member (object, member), string_member (object, "timezone"));
}

char *
eb_ctl_format_time_local (JsonObject *object, const char *member)
{
  return eb_ctl_format_instant (string_member (object, member), NULL);
}

static glong
text_width (const char *text)
{
  return g_utf8_validate (text, -1, NULL) ? g_utf8_strlen (text, -1) : (glong)strlen (text);
}

static char *
format_cell (const EbCtlColumn *column, JsonObject *object)
{
  g_autofree char *text = NULL;

  text = column->format != NULL ? column->format (object, column->member)
                                : eb_ctl_format_value (object, column->member);
  /* one line per row, whatever the text holds, and no control characters
   * (a column's own format may show server text too) */
  g_strdelimit (text, "\t\r\n", ' ');
  return escape_controls (text, "");
}

void
eb_ctl_print_table (const EbCtlColumn *columns, JsonArray *items)
{
  guint n_columns = 0;
  guint n_rows = items != NULL ? json_array_get_length (items) : 0;
  g_autofree glong *widths = NULL;
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) line = g_string_new (NULL);

  while (columns[n_columns].header != NULL)
    n_columns++;
  widths = g_new0 (glong, n_columns);
  for (guint c = 0; c < n_columns; c++)
    widths[c] = text_width (columns[c].header);
  for (guint r = 0; r < n_rows; r++)
    {
      JsonNode *node = json_array_get_element (items, r);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      for (guint c = 0; c < n_columns; c++)
        {
          char *text = object != NULL ? format_cell (&columns[c], object) : g_strdup ("?");

          widths[c] = MAX (widths[c], text_width (text));
          g_ptr_array_add (cells, text);
        }
    }

  for (guint r = 0; r <= n_rows; r++)
    {
      g_string_truncate (line, 0);
      for (guint c = 0; c < n_columns; c++)
        {
          const char *text = r == 0 ? columns[c].header : cells->pdata[(r - 1) * n_columns + c];

          g_string_append (line, text);
          if (c + 1 < n_columns)
            for (glong pad = text_width (text); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      /* an empty last cell leaves padding behind */
      printf ("%s\n", g_strchomp (line->str));
    }
}

void
eb_ctl_print_fields (const EbCtlColumn *columns, JsonObject *object)
{
  glong width = 0;

  for (guint c = 0; columns[c].header != NULL; c++)
    width = MAX (width, text_width (columns[c].header) + 1);
  for (guint c = 0; columns[c].header != NULL; c++)
    {
      g_autofree char *raw = NULL;
      g_autofree char *text = NULL;
      g_auto (GStrv) lines = NULL;

      raw = columns[c].format != NULL ? columns[c].format (object, columns[c].member)
                                      : eb_ctl_format_value (object, columns[c].member);
      /* multi-line text as lines; no other control character */
      text = escape_controls (raw, "\n\t");
      lines = g_strsplit (text, "\n", -1);
      printf ("%s:%*s  %s\n", columns[c].header, (int)(width - text_width (columns[c].header) - 1),
              "", lines[0] != NULL ? lines[0] : "");
      for (guint i = 1; lines[i] != NULL; i++)
        printf ("%*s  %s\n", (int)width, "", lines[i]);
    }
}

void
eb_ctl_print_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

gboolean
eb_ctl_print_list (EbCtl *ctl, EbCtlReply *reply, const EbCtlColumn *columns, GError **error)
{
  JsonArray *items = NULL;

  if (reply->json == NULL)
    {
      g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_SERVER, "the server answered %u without JSON",
                   reply->status);
      return FALSE;
    }
  if (ctl->json)
    {
      eb_ctl_print_json (reply->json);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (reply->json))
    items = json_node_get_array (reply->json);
  else if (JSON_NODE_HOLDS_OBJECT (reply->json))
    {
      JsonObject *object = json_node_get_object (reply->json);
      JsonNode *node = json_object_get_member (object, "items");

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        items = json_node_get_array (node);
    }
  if (items == NULL)
    {
      g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_SERVER,
                   "the server answered without a list of items");
      return FALSE;
    }
  eb_ctl_print_table (columns, items);

  if (JSON_NODE_HOLDS_OBJECT (reply->json))
    {
      JsonObject *object = json_node_get_object (reply->json);
      gint64 total = json_object_get_int_member_with_default (object, "total", -1);
      gint64 offset = json_object_get_int_member_with_default (object, "offset", 0);
      guint n = json_array_get_length (items);

      if (total >= 0 && (gint64)n < total)
        g_printerr ("(%s %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                    "; see --offset and --limit)\n",
                    n > 0 ? "rows" : "no rows in", n > 0 ? offset + 1 : offset, offset + (gint64)n,
                    total);
    }
  return TRUE;
}

static void
print_warnings (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "warnings");
  JsonArray *warnings;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  warnings = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (warnings); i++)
    {
      JsonNode *element = json_array_get_element (warnings, i);
      JsonObject *warning;
      const char *rule;
      const char *detail;
      g_autofree char *shown_rule = NULL;
      g_autofree char *shown_detail = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      warning = json_node_get_object (element);
      rule = string_member (warning, "rule");
      detail = string_member (warning, "detail");
      /* a detail may quote a session's title */
      shown_rule = escape_controls (rule != NULL ? rule : "(rule)", "");
      shown_detail = escape_controls (detail != NULL ? detail : "", "");
      g_printerr ("warning: %s: %s\n", shown_rule, shown_detail);
    }
}

gboolean
eb_ctl_print_object (EbCtl *ctl, EbCtlReply *reply, const char *wrapper, const EbCtlColumn *columns,
                     GError **error)
{
  JsonObject *object = eb_ctl_reply_get_object (reply, error);

  if (object == NULL)
    return FALSE;
  print_warnings (object);
  if (ctl->json)
    {
      eb_ctl_print_json (reply->json);
      return TRUE;
    }
  if (wrapper != NULL && json_object_has_member (object, wrapper)
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, wrapper)))
    object = json_object_get_object_member (object, wrapper);
  eb_ctl_print_fields (columns, object);
  return TRUE;
}

gboolean
eb_ctl_write_output (GBytes *body, const char *path, GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autoptr (GError) local_error = NULL;

  if (path == NULL || g_strcmp0 (path, "-") == 0)
    {
      if (size > 0 && fwrite (data, 1, size, stdout) != size)
        {
          g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_LOCAL, "cannot write to stdout");
          return FALSE;
        }
      fflush (stdout);
      return TRUE;
    }
  if (!g_file_set_contents (path, data, size, &local_error))
    {
      g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_LOCAL, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
eb_ctl_show (EbCtl *ctl, const char *path, const EbCtlColumn *columns, GError **error)
{
  g_autoptr (EbCtlReply) reply = eb_ctl_request (ctl, "GET", path, NULL, NULL, NULL, error);

  return reply != NULL && eb_ctl_print_object (ctl, reply, NULL, columns, error);
}

gboolean
eb_ctl_list (EbCtl *ctl, const char *path, const EbCtlColumn *columns, GError **error)
{
  g_autoptr (EbCtlReply) reply = eb_ctl_request (ctl, "GET", path, NULL, NULL, NULL, error);

  return reply != NULL && eb_ctl_print_list (ctl, reply, columns, error);
}

gboolean
eb_ctl_write (EbCtl *ctl, const char *method, const char *path, JsonNode *body,
              const char *if_match, const char *idempotency_key, const char *wrapper,
              const EbCtlColumn *columns, GError **error)
{
  g_autoptr (EbCtlReply) reply = NULL;

  reply = eb_ctl_request (ctl, method, path, body, if_match, idempotency_key, error);
  return reply != NULL && eb_ctl_print_object (ctl, reply, wrapper, columns, error);
}

gboolean
eb_ctl_delete (EbCtl *ctl, const char *path, const char *if_match, const char *what, GError **error)
{
  g_autoptr (EbCtlReply) reply = NULL;

  reply = eb_ctl_request (ctl, "DELETE", path, NULL, if_match, NULL, error);
  if (reply == NULL)
    return FALSE;
  if (ctl->json)
    {
      if (reply->json != NULL)
        eb_ctl_print_json (reply->json);
    }
  else
    printf ("Deleted %s.\n", what);
  return TRUE;
}

void
eb_ctl_path_add_page (GString *path, gint offset, gint limit)
{
  if (offset > 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", offset);

      eb_ctl_path_add_query (path, "offset", text);
    }
  if (limit > 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", limit);

      eb_ctl_path_add_query (path, "limit", text);
    }
}
