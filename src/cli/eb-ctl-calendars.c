/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include "eb-ctl-command-private.h"
#include "eb-ctl-sessions-private.h"

/* iCalendar downloads: a session's invitation, a person's feed. */

static gboolean
download (EbCtl *ctl, GStrv *args, const char *collection, const char *file, const char *what,
          GError **error)
{
  g_autofree char *output = NULL, *path = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  gint64 id;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the calendar to FILE (default: stdout)", "FILE" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error)
      || !eb_ctl_parse_id ((*args)[1], what, &id, error))
    return FALSE;
  path = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT "/%s", collection, id, file);
  reply = eb_ctl_request (ctl, "GET", path, NULL, NULL, NULL, error);
  return reply != NULL && eb_ctl_write_output (reply->body, output, error);
}

gboolean
eb_ctl_session_ics (EbCtl *ctl, GStrv *args, GError **error)
{
  return download (ctl, args, "sessions", "invitation.ics", "session", error);
}

gboolean
eb_ctl_person_calendar (EbCtl *ctl, GStrv *args, GError **error)
{
  return download (ctl, args, "people", "calendar.ics", "person", error);
}
