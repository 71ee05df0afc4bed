/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include <locale.h>
#include <stdio.h>

#include "eb-ctl-private.h"

static const EbCtlCommand *const command_tables[] = {
  eb_ctl_directory_commands, eb_ctl_session_commands, eb_ctl_feed_commands,
  eb_ctl_live_commands,      eb_ctl_token_commands,
};

/* Global options that take a value, so that the value is not mistaken for
 * the command word. */
static gboolean
takes_value (const char *arg)
{
  return g_strcmp0 (arg, "--server") == 0 || g_strcmp0 (arg, "--token") == 0
         || g_strcmp0 (arg, "--client-config") == 0;
}

static const EbCtlCommand *
find_command (const char *resource, const char *action, gboolean *resource_known,
              gboolean *has_actions)
{
  *resource_known = FALSE;
  *has_actions = FALSE;
  for (gsize t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const EbCtlCommand *c = command_tables[t]; c->resource != NULL; c++)
      {
        if (g_strcmp0 (c->resource, resource) != 0)
          continue;
        *resource_known = TRUE;
        *has_actions = c->action != NULL;
        if (c->action == NULL || g_strcmp0 (c->action, action) == 0)
          return c;
      }
  return NULL;
}

static char *
list_actions (const char *resource)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (gsize t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const EbCtlCommand *c = command_tables[t]; c->resource != NULL; c++)
      if (g_strcmp0 (c->resource, resource) == 0 && c->action != NULL)
        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", c->action);
  return g_strdup (text->str);
}

static void
print_usage (FILE *out, const char *resource)
{
  fprintf (out, "Usage:\n  eboardctl [--server URL] [--token TOKEN] [--json] %s\n\n",
           resource != NULL ? "COMMAND..." : "COMMAND [ARGUMENTS...] [OPTIONS...]");
  fprintf (out, "Commands:\n");
  for (gsize t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const EbCtlCommand *c = command_tables[t]; c->resource != NULL; c++)
      {
        g_autofree char *words = NULL;

        if (resource != NULL && g_strcmp0 (c->resource, resource) != 0)
          continue;
        words = g_strjoin (" ", c->resource, c->action != NULL ? c->action : c->params,
                           c->action != NULL ? c->params : NULL, NULL);
        fprintf (out, "  %-32s %s\n", words, c->summary);
      }
  fprintf (out, "\n"
                "Each command takes --help. The server and the token come from --server and\n"
                "--token, else EBOARD_SERVER and EBOARD_TOKEN, else [client] server= and token=\n"
                "in ~/.config/eboard/eboardctl.conf (--client-config FILE), else the server is\n"
                "http://127.0.0.1:8080. Times are typed and shown in the object's time zone.\n"
                "\n"
                "Exit status: 0 on success, 1 when the server refuses (4xx/5xx), 2 for a usage\n"
                "error, 3 when the server cannot be reached.\n");
}

static int
usage_error (const char *command, const char *message)
{
  g_printerr ("eboardctl: %s\nTry '%s --help'.\n", message, command);
  return 2;
}

int
main (int argc, char **argv)
{
  g_autoptr (EbCtl) ctl = eb_ctl_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rest = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) args = NULL;
  const EbCtlCommand *command;
  const char *resource = NULL;
  const char *action = NULL;
  gint resource_index = -1;
  gint action_index = -1;
  gboolean help = FALSE;
  gboolean version = FALSE;
  gboolean resource_known;
  gboolean has_actions = FALSE;

  setlocale (LC_ALL, "");

  /* Find the command words among the options: global options may come
   * before them, the command's own options after. */
  for (gint i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (strcmp (arg, "--") == 0)
        break;
      if (arg[0] == '-' && arg[1] != '\0')
        {
          if (takes_value (arg))
            i++;
          else if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0
                   || strcmp (arg, "-?") == 0)
            help = TRUE;
          else if (strcmp (arg, "--version") == 0)
            version = TRUE;
          continue;
        }
      if (resource_index < 0)
        {
          resource_index = i;
          resource = arg;
          find_command (resource, NULL, &resource_known, &has_actions);
          if (!has_actions)
            break;
        }
      else
        {
          action_index = i;
          action = arg;
          break;
        }
    }

  if (resource == NULL)
    {
      if (version)
        {
          printf ("eboardctl %s\n", EB_VERSION);
          return 0;
        }
      if (help)
        {
          print_usage (stdout, NULL);
          return 0;
        }
      g_printerr ("eboardctl: missing command\n\n");
      print_usage (stderr, NULL);
      return 2;
    }

  command = find_command (resource, action, &resource_known, &has_actions);
  if (!resource_known)
    {
      g_autofree char *message = g_strdup_printf ("unknown command '%s'", resource);

      return usage_error ("eboardctl", message);
    }
  if (command == NULL)
    {
      g_autofree char *actions = list_actions (resource);
      g_autofree char *message = NULL;
      g_autofree char *name = g_strdup_printf ("eboardctl %s", resource);

      if (action == NULL && help)
        {
          print_usage (stdout, resource);
          return 0;
        }
      if (action == NULL)
        message = g_strdup_printf ("%s: missing action (one of %s)", resource, actions);
      else
        message
            = g_strdup_printf ("%s: unknown action '%s' (one of %s)", resource, action, actions);
      return usage_error (name, message);
    }

  ctl->command = command;
  ctl->command_name = command->action != NULL
                          ? g_strdup_printf ("eboardctl %s %s", command->resource, command->action)
                          : g_strdup_printf ("eboardctl %s", command->resource);
  g_ptr_array_add (rest, g_strdup (ctl->command_name));
  for (gint i = 1; i < argc; i++)
    if (i != resource_index && i != action_index)
      g_ptr_array_add (rest, g_strdup (argv[i]));
  g_ptr_array_add (rest, NULL);
  args = (GStrv)g_ptr_array_steal (rest, NULL);

  if (!command->run (ctl, &args, &error))
    {
      if (g_error_matches (error, EB_CTL_ERROR, EB_CTL_ERROR_USAGE))
        {
          g_autofree char *message = g_strdup_printf (
              "%s: %s", ctl->command_name + strlen ("eboardctl "), error->message);

          return usage_error (ctl->command_name, message);
        }
      g_printerr ("eboardctl: %s\n", error->message);
      return eb_ctl_error_exit_status (error);
    }
  return 0;
}
