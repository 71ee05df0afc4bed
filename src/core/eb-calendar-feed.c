/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-calendar-feed.h>

#include "eb-secret-private.h"

/* Distinct from API tokens ("eb_"): a feed secret pasted as a bearer
 * token, or a token pasted into a feed URL, is refused by its shape. */
#define EB_CALENDAR_FEED_PREFIX "ebcal_"

/**
 * eb_calendar_feed_new:
 *
 * Returns: (transfer full): an empty feed
 */
EbCalendarFeed *
eb_calendar_feed_new (void)
{
  return g_new0 (EbCalendarFeed, 1);
}

/**
 * eb_calendar_feed_copy:
 *
 * Returns: (transfer full): a deep copy of @feed
 */
EbCalendarFeed *
eb_calendar_feed_copy (const EbCalendarFeed *feed)
{
  EbCalendarFeed *copy;

  g_return_val_if_fail (feed != NULL, NULL);

  copy = g_new0 (EbCalendarFeed, 1);
  *copy = *feed;
  copy->secret_hash = g_strdup (feed->secret_hash);
  copy->hint = g_strdup (feed->hint);
  return copy;
}

void
eb_calendar_feed_free (EbCalendarFeed *feed)
{
  if (feed == NULL)
    return;
  g_free (feed->secret_hash);
  g_free (feed->hint);
  g_free (feed);
}

/**
 * eb_calendar_feed_generate_secret:
 *
 * Returns: (transfer full) (nullable): "ebcal_" and 43 base64url
 *   characters (256 random bits), or %NULL when the system has no working
 *   random source. Never log it.
 */
char *
eb_calendar_feed_generate_secret (void)
{
  return eb_secret_generate (EB_CALENDAR_FEED_PREFIX);
}

/**
 * eb_calendar_feed_secret_is_well_formed:
 * @text: (nullable): what a client put in a feed URL
 */
gboolean
eb_calendar_feed_secret_is_well_formed (const char *text)
{
  return eb_secret_is_well_formed (text, EB_CALENDAR_FEED_PREFIX);
}

/**
 * eb_calendar_feed_matches:
 * @secret_hash: the hash of the secret a client presented
 *
 * The store finds a feed by its hash; this check compares the two in
 * constant time all the same, so that no answer depends on how much of
 * a guess matched.
 */
gboolean
eb_calendar_feed_matches (const EbCalendarFeed *feed, const char *secret_hash)
{
  g_return_val_if_fail (feed != NULL, FALSE);

  if (feed->secret_hash == NULL || secret_hash == NULL)
    return FALSE;
  return eb_secret_hash_equal (feed->secret_hash, secret_hash);
}
