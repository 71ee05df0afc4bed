/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"

#define EB_CALENDAR_CONTENT_TYPE "text/calendar; charset=utf-8"

static void
eb_api_reply_calendar (EbApiRequest *req, char *text, const char *filename)
{
  g_autofree char *disposition = g_strdup_printf ("inline; filename=\"%s\"", filename);

  eb_api_set_header (req, "Content-Disposition", disposition);
  eb_api_reply_text (req, SOUP_STATUS_OK, EB_CALENDAR_CONTENT_TYPE, text);
}

void
eb_api_person_calendar_get (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *filename = NULL;
  char *text;

  text = eb_service_person_calendar (req->service, &req->principal, req->ids[0], &error);
  if (text == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  filename = g_strdup_printf ("person-%" G_GINT64_FORMAT ".ics", req->ids[0]);
  eb_api_reply_calendar (req, text, filename);
}

/* The path holds the only credential: the answer names neither the
 * secret nor whether it ever existed, and no shared cache keeps it. */
void
eb_api_calendar_feed_read (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *filename = NULL;
  EbId person_id = 0;
  char *text;

  text = eb_service_read_calendar_feed (req->service, req->secret, &person_id, &error);
  if (text == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_set_header (req, "Cache-Control", "no-store");
  filename = g_strdup_printf ("person-%" G_GINT64_FORMAT ".ics", person_id);
  eb_api_reply_calendar (req, text, filename);
}

void
eb_api_session_invitation_get (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *filename = NULL;
  char *text;

  text = eb_service_session_invitation (req->service, &req->principal, req->ids[0], &error);
  if (text == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  filename = g_strdup_printf ("session-%" G_GINT64_FORMAT ".ics", req->ids[0]);
  eb_api_reply_calendar (req, text, filename);
}
