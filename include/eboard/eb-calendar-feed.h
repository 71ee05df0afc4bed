/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

/**
 * EbCalendarFeed:
 * @person_id: whose calendar the feed serves (one feed per person)
 * @secret_hash: eb_token_hash_secret() of the secret in the feed's URL;
 *   the secret itself is never kept, and the hash is never shown
 * @hint: the last four characters of the secret, for display
 * @created_at: when the current secret was made (Unix seconds)
 *
 * A person's secret calendar feed: a URL that calendar programs, which
 * cannot send a bearer token, poll without any credential but the
 * secret it holds.
 */
typedef struct
{
  EbId person_id;
  char *secret_hash;
  char *hint;
  gint64 created_at;
} EbCalendarFeed;

EbCalendarFeed *eb_calendar_feed_new (void);
EbCalendarFeed *eb_calendar_feed_copy (const EbCalendarFeed *feed);
void eb_calendar_feed_free (EbCalendarFeed *feed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbCalendarFeed, eb_calendar_feed_free)

/* A new random secret ("ebcal_" + 43 base64url characters, 256 bits);
 * %NULL when the system has no working random source. */
char *eb_calendar_feed_generate_secret (void);
/* Whether @text has the shape of a feed secret (cheap check before a
 * lookup). */
gboolean eb_calendar_feed_secret_is_well_formed (const char *text);
/* Whether @secret_hash is the feed's, compared in constant time. */
gboolean eb_calendar_feed_matches (const EbCalendarFeed *feed, const char *secret_hash);

G_END_DECLS
