/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-command-private.h"
#include "eb-ctl-sessions-private.h"

/* The recurrence options of "session create" and "session update", and
 * how a rule is shown. */

char *
eb_ctl_format_recurrence (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonObject *rule;
  const char *frequency;
  gint64 interval;
  g_autoptr (GString) text = g_string_new (NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup ("no");
  rule = json_node_get_object (node);
  frequency = json_object_get_string_member_with_default (rule, "frequency", "?");
  interval = json_object_get_int_member_with_default (rule, "interval", 1);
  if (g_strcmp0 (frequency, "weekly") == 0)
    {
      if (interval == 1)
        g_string_append (text, "weekly");
      else
        g_string_append_printf (text, "every %" G_GINT64_FORMAT " weeks", interval);
    }
  else if (g_strcmp0 (frequency, "monthly") == 0)
    {
      if (interval == 1)
        g_string_append (text, "monthly");
      else
        g_string_append_printf (text, "every %" G_GINT64_FORMAT " months", interval);
      if (json_object_get_boolean_member_with_default (rule, "last_weekday", FALSE))
        g_string_append (text, " (last weekday)");
    }
  else
    g_string_append (text, frequency);
  if (json_object_has_member (rule, "count") && !json_object_get_null_member (rule, "count"))
    g_string_append_printf (text, ", %" G_GINT64_FORMAT " times",
                            json_object_get_int_member_with_default (rule, "count", 0));
  if (eb_ctl_string_member (rule, "until") != NULL)
    {
      g_autofree char *until = eb_ctl_format_instant (eb_ctl_string_member (rule, "until"),
                                                      eb_ctl_string_member (object, "timezone"));

      g_string_append_printf (text, ", until %s", until);
    }
  return g_strdup (text->str);
}

void
eb_ctl_recurrence_clear (EbCtlRecurrence *options)
{
  g_clear_pointer (&options->until, g_free);
}

gboolean
eb_ctl_recurrence_given (const EbCtlRecurrence *r)
{
  return r->weekly || r->every_weeks != G_MININT || r->monthly || r->count != G_MININT
         || r->until != NULL || r->last_weekday || r->none;
}

/* Adds "recurrence" to @builder from the options; @current is the
 * session's recurrence for an update (modifiers alone keep its frequency). */
gboolean
eb_ctl_add_recurrence (JsonBuilder *builder, const EbCtlRecurrence *r, const char *tzid,
                       JsonObject *current, GError **error)
{
  guint n_frequencies
      = (r->weekly ? 1 : 0) + (r->every_weeks != G_MININT ? 1 : 0) + (r->monthly ? 1 : 0);
  gboolean modifiers = r->count != G_MININT || r->until != NULL || r->last_weekday;
  const char *frequency;
  gint64 interval = 1;
  gint64 count = G_MININT;
  g_autofree char *until = NULL;
  gboolean last_weekday = FALSE;

  if (!eb_ctl_recurrence_given (r))
    return TRUE;
  if (r->none)
    {
      if (n_frequencies > 0 || modifiers)
        {
          eb_ctl_usage_error (error, "--no-recurrence excludes the other recurrence options");
          return FALSE;
        }
      json_builder_set_member_name (builder, "recurrence");
      json_builder_add_null_value (builder);
      return TRUE;
    }
  if (n_frequencies > 1)
    {
      eb_ctl_usage_error (error, "give only one of --weekly, --every-weeks and --monthly");
      return FALSE;
    }
  if (!eb_ctl_check_exclusive (r->count != G_MININT, "count", r->until != NULL, "until", error))
    return FALSE;
  if (n_frequencies == 0)
    {
      if (current == NULL)
        {
          eb_ctl_usage_error (error, "--count, --until and --last-weekday need --weekly, "
                                     "--every-weeks or --monthly");
          return FALSE;
        }
      frequency = json_object_get_string_member_with_default (current, "frequency", "weekly");
      interval = json_object_get_int_member_with_default (current, "interval", 1);
      if (json_object_has_member (current, "count")
          && !json_object_get_null_member (current, "count"))
        count = json_object_get_int_member_with_default (current, "count", G_MININT);
      until = g_strdup (eb_ctl_string_member (current, "until"));
      last_weekday = json_object_get_boolean_member_with_default (current, "last_weekday", FALSE);
    }
  else if (r->monthly)
    frequency = "monthly";
  else
    {
      frequency = "weekly";
      if (r->every_weeks != G_MININT)
        interval = r->every_weeks;
    }
  if (r->count != G_MININT)
    {
      count = r->count;
      g_clear_pointer (&until, g_free);
    }
  if (r->until != NULL)
    {
      g_clear_pointer (&until, g_free);
      until = eb_ctl_parse_instant (r->until, tzid, TRUE, "--until", error);
      if (until == NULL)
        return FALSE;
      count = G_MININT;
    }
  if (r->last_weekday)
    last_weekday = TRUE;
  if (last_weekday && g_strcmp0 (frequency, "monthly") != 0)
    {
      eb_ctl_usage_error (error, "--last-weekday only goes with --monthly");
      return FALSE;
    }

  json_builder_set_member_name (builder, "recurrence");
  json_builder_begin_object (builder);
  eb_ctl_add_string (builder, "frequency", frequency);
  eb_ctl_add_int (builder, "interval", interval);
  json_builder_set_member_name (builder, "count");
  if (count != G_MININT)
    json_builder_add_int_value (builder, count);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "until");
  if (until != NULL)
    json_builder_add_string_value (builder, until);
  else
    json_builder_add_null_value (builder);
  eb_ctl_add_bool (builder, "last_weekday", last_weekday);
  json_builder_end_object (builder);
  return TRUE;
}
