/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

/**
 * EbJoinClaims:
 * @session_id: the session the credential opens
 * @person_id: whose credential it is
 * @expires_at: Unix seconds UTC after which it is refused
 * @issued_at_us: Unix microseconds UTC when it was issued (0 when
 *   issuing: now), so that every credential issued to a person before a
 *   revocation can be told from those issued after it
 *
 * What a join credential says, once its signature is verified.
 */
typedef struct
{
  EbId session_id;
  EbId person_id;
  gint64 expires_at;
  gint64 issued_at_us;
} EbJoinClaims;

/* Join credentials are short (they travel in an SRT streamid, at most 512
 * bytes), signed with HMAC-SHA256 under a server key, and expiring. */
#define EB_JOIN_KEY_LENGTH 32

/* (transfer full): "j1.<session>.<person>.<expires>.<issued_us>.<base64url mac>" */
char *eb_join_credential_issue (const guint8 *key, gsize key_length, const EbJoinClaims *claims);

/* Checks shape, signature (constant-time) and expiry against @now:
 * EB_ERROR_UNAUTHENTICATED with a message that never repeats the input. */
gboolean eb_join_credential_verify (const guint8 *key, gsize key_length, const char *credential,
                                    gint64 now, EbJoinClaims *claims, GError **error);

/* The SRT passphrase of one session (10..79 characters as SRT requires),
 * derived from the key so it never needs storing. (transfer full) */
char *eb_join_session_passphrase (const guint8 *key, gsize key_length, EbId session_id);

G_END_DECLS
