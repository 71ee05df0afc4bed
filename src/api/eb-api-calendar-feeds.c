/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <string.h>

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"

/* A person's secret calendar feed URL: created or rotated, shown without
 * its secret, revoked. The feed itself is read in eb-api-calendar.c. */

/* The subscription URL under the service's public URL (the one put into
 * invitations). */
static char *
eb_api_calendar_feed_url (EbApiRequest *req, const char *secret)
{
  g_autofree char *base = NULL;

  g_object_get (req->service, "public-url", &base, NULL);
  return g_strdup_printf ("%s" EB_API_CALENDAR_FEED_PREFIX "%s" EB_API_CALENDAR_FEED_SUFFIX,
                          base != NULL ? base : "", secret);
}

void
eb_api_calendar_feed_create (EbApiRequest *req)
{
  g_autoptr (EbCalendarFeed) feed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *url = NULL;
  gboolean rotated = FALSE;

  feed = eb_service_create_calendar_feed (req->service, &req->principal, req->ids[0], &secret,
                                          &rotated, &error);
  if (feed == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  url = eb_api_calendar_feed_url (req, secret);
  /* The answer holds a secret: no cache may keep it. */
  eb_api_set_header (req, "Cache-Control", "no-store");
  eb_api_set_location (req, "/api/v1/people/%" G_GINT64_FORMAT "/calendar-feed", feed->person_id);
  eb_api_reply_json (req, SOUP_STATUS_CREATED,
                     eb_calendar_feed_to_json (feed, url, secret, rotated));
  explicit_bzero (secret, strlen (secret));
  explicit_bzero (url, strlen (url));
}

void
eb_api_calendar_feed_get (EbApiRequest *req)
{
  g_autoptr (EbCalendarFeed) feed = NULL;
  g_autoptr (GError) error = NULL;

  feed = eb_service_get_calendar_feed (req->service, &req->principal, req->ids[0], &error);
  if (feed == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_json (req, SOUP_STATUS_OK, eb_calendar_feed_to_json (feed, NULL, NULL, FALSE));
}

void
eb_api_calendar_feed_delete (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;

  if (!eb_service_revoke_calendar_feed (req->service, &req->principal, req->ids[0], &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}
