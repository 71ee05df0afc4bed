/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <eboard/eb-token.h>

#include "eb-enum-private.h"
#include "eb-secret-private.h"

#define EB_TOKEN_PREFIX "eb_"
#define EB_SECRET_RANDOM_BYTES 32
/* 32 bytes in base64url without padding */
G_STATIC_ASSERT (EB_SECRET_BODY_CHARS == (EB_SECRET_RANDOM_BYTES * 4 + 2) / 3);

static const char *const role_names[] = {
  [EB_ROLE_ADMIN] = "admin",
  [EB_ROLE_COORDINATOR] = "coordinator",
  [EB_ROLE_CLINICIAN] = "clinician",
  [EB_ROLE_REVIEWER] = "reviewer",
};

/**
 * eb_role_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @role, or %NULL
 *   for a value outside the enumeration
 */
/**
 * eb_role_from_string:
 * @text: (nullable): an API name
 * @role: (out) (optional): the role it names
 *
 * Returns: whether @text names a role
 */
EB_DEFINE_ENUM_NAMES (EbRole, eb_role, role_names)

gboolean
eb_role_can_write (EbRole role)
{
  return role == EB_ROLE_ADMIN || role == EB_ROLE_COORDINATOR;
}

/**
 * eb_token_new:
 *
 * Returns: (transfer full): a token with the least privileged role
 *   (reviewer); callers set the role they mean
 */
EbToken *
eb_token_new (void)
{
  EbToken *token = g_new0 (EbToken, 1);

  token->role = EB_ROLE_REVIEWER;
  return token;
}

/**
 * eb_token_copy:
 *
 * Returns: (transfer full): a deep copy of @token
 */
EbToken *
eb_token_copy (const EbToken *token)
{
  EbToken *copy;

  g_return_val_if_fail (token != NULL, NULL);

  copy = g_new0 (EbToken, 1);
  *copy = *token;
  copy->label = g_strdup (token->label);
  copy->hint = g_strdup (token->hint);
  return copy;
}

void
eb_token_free (EbToken *token)
{
  if (token == NULL)
    return;
  g_free (token->label);
  g_free (token->hint);
  g_free (token);
}

/* Fills @buf from the kernel's CSPRNG; /dev/urandom only when the
 * getrandom() system call itself is missing. */
static gboolean
eb_secret_fill_random (guint8 *buf, gsize len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == ENOSYS)
            break;
          return FALSE;
        }
      done += (gsize)n;
    }
  if (done == len)
    return TRUE;

  {
    int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return FALSE;
    while (done < len)
      {
        ssize_t n = read (fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0)
          {
            close (fd);
            return FALSE;
          }
        done += (gsize)n;
      }
    close (fd);
  }
  return TRUE;
}

/**
 * eb_secret_generate:
 * @prefix: what the secret starts with, e.g. "eb_"
 *
 * A new bearer secret: @prefix followed by 256 random bits from the
 * kernel in base64url without padding (43 characters). Never log it.
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL when the
 *   system has no working random source
 */
char *
eb_secret_generate (const char *prefix)
{
  guint8 raw[EB_SECRET_RANDOM_BYTES];
  g_autofree char *encoded = NULL;
  gsize prefix_len;
  char *secret;
  gsize j = 0;

  g_return_val_if_fail (prefix != NULL, NULL);

  if (!eb_secret_fill_random (raw, sizeof raw))
    {
      g_critical ("cannot read random bytes for a secret: %s", g_strerror (errno));
      explicit_bzero (raw, sizeof raw);
      return NULL;
    }

  encoded = g_base64_encode (raw, sizeof raw);
  explicit_bzero (raw, sizeof raw);

  prefix_len = strlen (prefix);
  secret = g_malloc (prefix_len + EB_SECRET_BODY_CHARS + 1);
  memcpy (secret, prefix, prefix_len);
  j = prefix_len;
  for (const char *p = encoded; *p != '\0' && *p != '='; p++)
    secret[j++] = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  secret[j] = '\0';
  explicit_bzero (encoded, strlen (encoded));
  g_warn_if_fail (j == prefix_len + EB_SECRET_BODY_CHARS);
  return secret;
}

/**
 * eb_secret_is_well_formed:
 * @text: (nullable): what a client presented
 * @prefix: the prefix of this kind of secret
 *
 * A cheap shape check before any lookup: @prefix and 43 base64url
 * characters.
 */
gboolean
eb_secret_is_well_formed (const char *text, const char *prefix)
{
  gsize prefix_len;

  g_return_val_if_fail (prefix != NULL, FALSE);

  prefix_len = strlen (prefix);
  if (text == NULL || strncmp (text, prefix, prefix_len) != 0)
    return FALSE;
  for (gsize i = 0; i < EB_SECRET_BODY_CHARS; i++)
    {
      char c = text[prefix_len + i];
      if (!g_ascii_isalnum (c) && c != '-' && c != '_')
        return FALSE;
    }
  return text[prefix_len + EB_SECRET_BODY_CHARS] == '\0';
}

/**
 * eb_secret_hash_equal:
 * @a: a hash as stored
 * @b: a hash of what a client presented
 *
 * Every byte of the shorter is compared whatever came before, so the
 * time taken tells nothing about how much of a guess was right.
 */
gboolean
eb_secret_hash_equal (const char *a, const char *b)
{
  gsize len_a, len_b;
  guint diff;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  len_a = strlen (a);
  len_b = strlen (b);
  diff = len_a != len_b;
  for (gsize i = 0; i < MIN (len_a, len_b); i++)
    diff |= (guint)(guchar)(a[i] ^ b[i]);
  return diff == 0;
}

/**
 * eb_token_generate_secret:
 *
 * A new bearer secret: "eb_" followed by 256 random bits from the kernel
 * in base64url without padding (43 characters). Never log it.
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL when the system
 *   has no working random source
 */
char *
eb_token_generate_secret (void)
{
  return eb_secret_generate (EB_TOKEN_PREFIX);
}

/**
 * eb_token_hash_secret:
 * @secret: a secret as the client sends it
 *
 * Returns: (transfer full): the lowercase hex SHA-256 of the whole secret,
 *   the only form in which a secret is stored
 */
char *
eb_token_hash_secret (const char *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

/**
 * eb_token_secret_is_well_formed:
 * @text: (nullable): what a client sent as its bearer token
 *
 * A cheap shape check before any lookup: "eb_" and 43 base64url
 * characters.
 */
gboolean
eb_token_secret_is_well_formed (const char *text)
{
  return eb_secret_is_well_formed (text, EB_TOKEN_PREFIX);
}
