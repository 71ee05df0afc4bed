/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-join.h>

/*
 * A join credential is "j1.<session>.<person>.<expires>.<issued_us>.<mac>":
 * the four claims in decimal, and the base64url (no padding) HMAC-SHA256
 * of everything before the last dot under the server key. It is short
 * enough for an SRT streamid, readable in a log without being usable (the
 * MAC is never logged), and needs no storage: the key checks it. The
 * issue time (microseconds, so that one issued right after a revocation is
 * told from one issued right before it) lets the service refuse every
 * credential issued before a person's revocation.
 */
#define EB_JOIN_PREFIX "j1."
#define EB_JOIN_MAC_BYTES 32
/* 32 bytes in base64url without padding */
#define EB_JOIN_MAC_CHARS 43
/* a gint64 in decimal */
#define EB_JOIN_MAX_DIGITS 19
/* what a credential can be at most: prefix, four numbers, dots, MAC */
#define EB_JOIN_MAX_LENGTH (3 + 4 * (EB_JOIN_MAX_DIGITS + 1) + EB_JOIN_MAC_CHARS)

/* Derivation labels keep the passphrase and the MACs apart. */
#define EB_JOIN_PASSPHRASE_LABEL "eboard srt passphrase v1 session "

static char *
base64url_encode (const guint8 *data, gsize length)
{
  g_autofree char *text = g_base64_encode (data, length);
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (out, '-');
      else if (*p == '/')
        g_string_append_c (out, '_');
      else if (*p != '=')
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The raw HMAC-SHA256 of @text under @key, base64url-encoded. */
static char *
mac_text (const guint8 *key, gsize key_length, const char *text, gsize text_length)
{
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  guint8 digest[EB_JOIN_MAC_BYTES];
  gsize digest_length = sizeof digest;
  char *encoded;

  g_hmac_update (hmac, (const guchar *)text, (gssize)text_length);
  g_hmac_get_digest (hmac, digest, &digest_length);
  g_assert_cmpuint (digest_length, ==, EB_JOIN_MAC_BYTES);
  encoded = base64url_encode (digest, digest_length);
  memset (digest, 0, sizeof digest);
  return encoded;
}

/* Compares every byte whatever the first difference, so that the time
 * taken says nothing about how much of a forged MAC was right. */
static gboolean
equal_constant_time (const char *a, const char *b, gsize length)
{
  guint8 diff = 0;

  for (gsize i = 0; i < length; i++)
    diff |= (guint8)a[i] ^ (guint8)b[i];
  return diff == 0;
}

/**
 * eb_join_credential_issue:
 * @key: (array length=key_length): the server key
 * @claims: session, person (both positive), expiry (positive) and issue
 *   time (positive, or 0: now)
 *
 * Returns: (transfer full): the credential
 */
char *
eb_join_credential_issue (const guint8 *key, gsize key_length, const EbJoinClaims *claims)
{
  g_autofree char *body = NULL;
  g_autofree char *mac = NULL;
  gint64 issued_at_us;

  g_return_val_if_fail (key != NULL && key_length > 0, NULL);
  g_return_val_if_fail (claims != NULL, NULL);
  g_return_val_if_fail (claims->session_id > 0 && claims->person_id > 0, NULL);
  g_return_val_if_fail (claims->expires_at > 0, NULL);
  g_return_val_if_fail (claims->issued_at_us >= 0, NULL);

  issued_at_us = claims->issued_at_us > 0 ? claims->issued_at_us : g_get_real_time ();
  body = g_strdup_printf (EB_JOIN_PREFIX "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
                                         ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT,
                          claims->session_id, claims->person_id, claims->expires_at, issued_at_us);
  mac = mac_text (key, key_length, body, strlen (body));
  return g_strconcat (body, ".", mac, NULL);
}

/* A positive decimal number without sign or leading zero, ending at
 * '.' (moves *@p past it). */
static gboolean
parse_number (const char **p, gint64 *value)
{
  const char *start = *p;
  const char *q = start;
  guint64 number = 0;

  while (g_ascii_isdigit (*q))
    q++;
  if (q == start || *q != '.' || q - start > EB_JOIN_MAX_DIGITS || *start == '0')
    return FALSE;
  for (const char *d = start; d < q; d++)
    number = number * 10 + (guint64)(*d - '0');
  if (number > G_MAXINT64)
    return FALSE;
  *value = (gint64)number;
  *p = q + 1;
  return TRUE;
}

static gboolean
is_base64url (const char *text, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

/**
 * eb_join_credential_verify:
 * @key: (array length=key_length): the server key
 * @credential: (nullable): what the caller presented
 * @now: Unix seconds
 * @claims: (out) (optional): what it says, when valid
 *
 * Returns: whether @credential is well formed, signed with @key and not
 *   expired at @now
 */
gboolean
eb_join_credential_verify (const guint8 *key, gsize key_length, const char *credential, gint64 now,
                           EbJoinClaims *claims, GError **error)
{
  EbJoinClaims found = { 0 };
  const char *p;
  gsize body_length;
  gsize length;
  g_autofree char *expected = NULL;

  g_return_val_if_fail (key != NULL && key_length > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The messages never repeat the input: it may be a valid credential
   * of someone else, or a secret typed in the wrong place. */
  length = credential != NULL ? strnlen (credential, EB_JOIN_MAX_LENGTH + 1) : 0;
  if (length == 0 || length > EB_JOIN_MAX_LENGTH || !g_str_has_prefix (credential, EB_JOIN_PREFIX))
    goto malformed;
  p = credential + strlen (EB_JOIN_PREFIX);
  if (!parse_number (&p, &found.session_id) || !parse_number (&p, &found.person_id))
    goto malformed;
  /* the issue time is followed by the MAC */
  if (!parse_number (&p, &found.expires_at) || !parse_number (&p, &found.issued_at_us))
    goto malformed;
  body_length = (gsize)(p - 1 - credential);
  if (length - (gsize)(p - credential) != EB_JOIN_MAC_CHARS || !is_base64url (p, EB_JOIN_MAC_CHARS))
    goto malformed;

  expected = mac_text (key, key_length, credential, body_length);
  if (!equal_constant_time (expected, p, EB_JOIN_MAC_CHARS))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED,
                           "join credential signature does not match");
      return FALSE;
    }
  if (now > found.expires_at)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED, "join credential expired");
      return FALSE;
    }
  if (claims != NULL)
    *claims = found;
  return TRUE;

malformed:
  g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED, "join credential malformed");
  return FALSE;
}

/**
 * eb_join_session_passphrase:
 * @key: (array length=key_length): the server key
 * @session_id: the session
 *
 * The HMAC-SHA256 of a label and the session id under the key, in
 * base64url: 43 characters, the same for a session for as long as the key
 * is, and different for every session.
 *
 * Returns: (transfer full): the passphrase
 */
char *
eb_join_session_passphrase (const guint8 *key, gsize key_length, EbId session_id)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (key != NULL && key_length > 0, NULL);
  g_return_val_if_fail (session_id > 0, NULL);

  label = g_strdup_printf (EB_JOIN_PASSPHRASE_LABEL "%" G_GINT64_FORMAT, session_id);
  return mac_text (key, key_length, label, strlen (label));
}
