/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include <string.h>

#include "eb-service-credentials-private.h"
#include "eb-service-private.h"

/*
 * Secret calendar feed URLs. Calendar programs poll a feed without any
 * credential but the secret in its URL, so the secret is handled as a
 * bearer token is: 256 random bits, only its hash stored, compared in
 * constant time, never in a message or a log line. Creating, rotating and
 * revoking go to the audit trail; reading a feed does not (calendar
 * programs poll it every few minutes).
 */

#define EB_FEED_NOT_FOUND "no such calendar feed"

/* The person themself (any role), or a writer (admin, coordinator). */
static gboolean
eb_service_may_manage_feed (const EbPrincipal *who, EbId person_id, GError **error)
{
  if (who->person_id > 0 && who->person_id == person_id)
    return TRUE;
  return eb_service_require_write (who, "manage another person's calendar feed", error);
}

static gboolean
eb_service_feed_audit (EbService *self, const EbPrincipal *who, const char *action, EbId person_id,
                       GError **error)
{
  EbAuditEntry entry = { 0 };

  entry.token_id = who->token_id;
  entry.person_id = who->person_id;
  entry.action = (char *)action;
  entry.object_type = (char *)"person";
  entry.object_id = person_id;
  return eb_store_audit_insert (self->store, &entry, error);
}

static char *
eb_service_feed_hint (const char *secret)
{
  gsize len = strlen (secret);

  return g_strdup (len > 4 ? secret + len - 4 : secret);
}

/* The person the feed belongs to must exist (absent: EB_ERROR_NOT_FOUND,
 * as for any path that names them). */
static gboolean
eb_service_feed_check_person (EbService *self, EbId person_id, GError **error)
{
  g_autoptr (EbPerson) person = eb_store_person_get (self->store, person_id, error);

  return eb_service_check_found (person != NULL, "person", person_id, error);
}

/**
 * eb_service_create_calendar_feed:
 * @person_id: whose feed
 * @secret: (out) (transfer full): the new secret, shown once
 * @rotated: (out) (optional): whether an earlier secret was replaced (it
 *   no longer works)
 *
 * Creates the person's secret feed URL, or rotates it. For the person
 * themself and for admins and coordinators (EB_ERROR_FORBIDDEN for
 * others). Audited as "calendar-feed.create" or "calendar-feed.rotate".
 *
 * Returns: (transfer full): the stored feed
 */
EbCalendarFeed *
eb_service_create_calendar_feed (EbService *self, const EbPrincipal *who, EbId person_id,
                                 char **secret, gboolean *rotated, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbCalendarFeed) feed = NULL;
  g_autofree char *new_secret = NULL;
  gboolean replaced = FALSE;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  if (!eb_service_may_manage_feed (who, person_id, error))
    return NULL;
  new_secret = eb_calendar_feed_generate_secret ();
  if (new_secret == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED,
                           "cannot generate a calendar feed secret");
      return NULL;
    }
  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL || !eb_service_feed_check_person (self, person_id, error))
    return NULL;

  feed = eb_calendar_feed_new ();
  feed->person_id = person_id;
  feed->secret_hash = eb_token_hash_secret (new_secret);
  feed->hint = eb_service_feed_hint (new_secret);
  feed->created_at = eb_service_now ();
  if (!eb_store_calendar_feed_put (self->store, feed, &replaced, error)
      || !eb_service_feed_audit (
          self, who, replaced ? "calendar-feed.rotate" : "calendar-feed.create", person_id, error)
      || !eb_transaction_commit (tx, error))
    return NULL;
  g_info ("calendar feed of person %" G_GINT64_FORMAT " %s by token %" G_GINT64_FORMAT, person_id,
          replaced ? "rotated" : "created", who->token_id);
  if (rotated != NULL)
    *rotated = replaced;
  *secret = g_steal_pointer (&new_secret);
  return g_steal_pointer (&feed);
}

/**
 * eb_service_get_calendar_feed:
 *
 * The person's feed without its secret, for the person themself and for
 * admins, coordinators and reviewers. EB_ERROR_NOT_FOUND when the person
 * has none.
 *
 * Returns: (transfer full)
 */
EbCalendarFeed *
eb_service_get_calendar_feed (EbService *self, const EbPrincipal *who, EbId person_id,
                              GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_reads_all_sessions (who) && who->person_id != person_id)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "role %s may not read another person's calendar feed",
                   eb_role_to_string (who->role));
      return NULL;
    }
  if (!eb_service_feed_check_person (self, person_id, error))
    return NULL;
  return eb_store_calendar_feed_get (self->store, person_id, error);
}

/**
 * eb_service_revoke_calendar_feed:
 *
 * Revokes the person's feed: its URL answers as any unknown one. For the
 * person themself and for admins and coordinators. EB_ERROR_NOT_FOUND
 * when the person has none. Audited as "calendar-feed.revoke".
 */
gboolean
eb_service_revoke_calendar_feed (EbService *self, const EbPrincipal *who, EbId person_id,
                                 GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  if (!eb_service_may_manage_feed (who, person_id, error))
    return FALSE;
  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL || !eb_service_feed_check_person (self, person_id, error)
      || !eb_store_calendar_feed_delete (self->store, person_id, error)
      || !eb_service_feed_audit (self, who, "calendar-feed.revoke", person_id, error)
      || !eb_transaction_commit (tx, error))
    return FALSE;
  g_info ("calendar feed of person %" G_GINT64_FORMAT " revoked by token %" G_GINT64_FORMAT,
          person_id, who->token_id);
  return TRUE;
}

static gboolean
eb_service_feed_not_found (GError **error)
{
  g_set_error_literal (error, EB_ERROR, EB_ERROR_NOT_FOUND, EB_FEED_NOT_FOUND);
  return FALSE;
}

/* The feed @secret opens, or %NULL with EB_ERROR_NOT_FOUND: one answer
 * for a malformed, unknown or revoked secret and for a person whose
 * credentials no longer work. */
static EbCalendarFeed *
eb_service_open_feed (EbService *self, const char *secret, GError **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *reason = NULL;
  g_autoptr (EbCalendarFeed) feed = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean usable = FALSE;

  if (!eb_calendar_feed_secret_is_well_formed (secret))
    {
      eb_service_feed_not_found (error);
      return NULL;
    }
  hash = eb_token_hash_secret (secret);
  feed = eb_store_calendar_feed_find_by_hash (self->store, hash, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (feed == NULL || !eb_calendar_feed_matches (feed, hash))
    {
      eb_service_feed_not_found (error);
      return NULL;
    }
  if (!eb_service_check_person_usable (self, feed->person_id, &usable, &reason, error))
    return NULL;
  if (!usable)
    {
      g_info ("calendar feed of person %" G_GINT64_FORMAT " refused: %s", feed->person_id, reason);
      eb_service_feed_not_found (error);
      return NULL;
    }
  return g_steal_pointer (&feed);
}

/**
 * eb_service_read_calendar_feed:
 * @secret: the secret of a feed URL, as presented (no other credential)
 * @person_id: (out) (optional): whose feed it is
 *
 * The person's calendar (eb_service_person_calendar()) through their
 * secret feed URL. EB_ERROR_NOT_FOUND, with one message for every case,
 * for a malformed, unknown or revoked secret and while the person is not
 * active or their home site is suspended or withdrawn. Never puts the
 * secret or its hash in a message or a log line.
 *
 * Returns: (transfer full): the text/calendar feed
 */
char *
eb_service_read_calendar_feed (EbService *self, const char *secret, EbId *person_id, GError **error)
{
  g_autoptr (EbCalendarFeed) feed = NULL;
  EbPrincipal reader = { 0 };

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);

  feed = eb_service_open_feed (self, secret, error);
  if (feed == NULL)
    return NULL;
  /* The feed reads as its person would: their own calendar, nothing
   * more, whatever roles their tokens have. */
  reader.person_id = feed->person_id;
  reader.role = EB_ROLE_CLINICIAN;
  if (person_id != NULL)
    *person_id = feed->person_id;
  return eb_service_person_calendar (self, &reader, feed->person_id, error);
}
