/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-token.h>

static void
test_secret_format (void)
{
  g_autofree char *secret = eb_token_generate_secret ();
  g_autofree guchar *raw = NULL;
  g_autofree char *padded = NULL;
  gsize raw_len = 0;

  g_assert_nonnull (secret);
  g_assert_cmpuint (strlen (secret), ==, 3 + 43);
  g_assert_true (g_str_has_prefix (secret, "eb_"));
  for (const char *p = secret + 3; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
  g_assert_true (eb_token_secret_is_well_formed (secret));

  /* base64url of exactly 32 bytes */
  padded = g_strconcat (secret + 3, "=", NULL);
  g_strdelimit (padded, "-", '+');
  g_strdelimit (padded, "_", '/');
  raw = g_base64_decode (padded, &raw_len);
  g_assert_cmpuint (raw_len, ==, 32);
}

static void
test_secrets_are_unique (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint per_position[43][64] = { { 0 } };
  const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  for (guint i = 0; i < 1000; i++)
    {
      char *secret = eb_token_generate_secret ();

      g_assert_true (eb_token_secret_is_well_formed (secret));
      for (guint k = 0; k < 42; k++)
        per_position[k][strchr (alphabet, secret[3 + k]) - alphabet]++;
      g_assert_true (g_hash_table_add (seen, secret));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000);

  /* A crude check that the characters are not stuck: with 1000 random
   * secrets each of the first 42 positions sees many distinct symbols
   * (the 43rd carries only 4 random bits). */
  for (guint k = 0; k < 42; k++)
    {
      guint distinct = 0;
      for (guint c = 0; c < 64; c++)
        distinct += per_position[k][c] > 0;
      g_assert_cmpuint (distinct, >, 48);
    }
}

static void
test_hash (void)
{
  g_autofree char *hash = eb_token_hash_secret ("eb_test");
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "eb_test", -1);
  g_autofree char *secret = eb_token_generate_secret ();
  g_autofree char *h1 = eb_token_hash_secret (secret);
  g_autofree char *h2 = eb_token_hash_secret (secret);
  g_autofree char *empty = eb_token_hash_secret ("");

  /* printf %s eb_test | sha256sum */
  g_assert_cmpstr (hash, ==, "e0fdd65e29c1a48a81dd35fe6f838c681afccd15553d7c42c30ab01ba319e341");
  g_assert_cmpstr (hash, ==, expected);
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  g_assert_cmpstr (h1, ==, h2);
  g_assert_cmpuint (strlen (h1), ==, 64);
  for (const char *p = h1; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
  /* the hash is not the secret, nor contains it */
  g_assert_null (strstr (h1, secret + 3));
}

static void
test_well_formed (void)
{
  const char *good = "eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  const char *bad[] = {
    "",
    "eb_",
    "eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",   /* 42 */
    "eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* 44 */
    "xx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "EB_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
    "eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
    "eb_AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA",
    "Bearer eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  };

  g_assert_cmpuint (strlen (good), ==, 46);
  g_assert_true (eb_token_secret_is_well_formed (good));
  g_assert_true (eb_token_secret_is_well_formed ("eb_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-"));
  g_assert_false (eb_token_secret_is_well_formed (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (eb_token_secret_is_well_formed (bad[i]));
}

static void
test_roles (void)
{
  const struct
  {
    EbRole role;
    const char *name;
    gboolean can_write;
  } roles[] = {
    { EB_ROLE_ADMIN, "admin", TRUE },
    { EB_ROLE_COORDINATOR, "coordinator", TRUE },
    { EB_ROLE_CLINICIAN, "clinician", FALSE },
    { EB_ROLE_REVIEWER, "reviewer", FALSE },
  };
  EbRole parsed;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_assert_cmpstr (eb_role_to_string (roles[i].role), ==, roles[i].name);
      parsed = (EbRole)-1;
      g_assert_true (eb_role_from_string (roles[i].name, &parsed));
      g_assert_cmpint (parsed, ==, roles[i].role);
      g_assert_cmpint (eb_role_can_write (roles[i].role), ==, roles[i].can_write);
    }
  g_assert_false (eb_role_from_string ("Admin", &parsed));
  g_assert_false (eb_role_from_string ("root", &parsed));
  g_assert_false (eb_role_from_string (NULL, &parsed));
  g_assert_null (eb_role_to_string ((EbRole)42));
}

static void
test_token_copy (void)
{
  g_autoptr (EbToken) token = eb_token_new ();
  g_autoptr (EbToken) copy = NULL;

  g_assert_cmpint (token->role, ==, EB_ROLE_REVIEWER);
  token->id = 7;
  token->person_id = 3;
  token->role = EB_ROLE_COORDINATOR;
  token->label = g_strdup ("laptop");
  token->hint = g_strdup ("x9Q_");
  token->created_at = 100;
  token->expires_at = 200;
  token->revoked_at = 0;
  token->last_used_at = 150;

  copy = eb_token_copy (token);
  g_assert_true (copy->label != token->label);
  g_assert_cmpstr (copy->label, ==, "laptop");
  g_assert_cmpstr (copy->hint, ==, "x9Q_");
  g_assert_cmpint (copy->id, ==, 7);
  g_assert_cmpint (copy->person_id, ==, 3);
  g_assert_cmpint (copy->role, ==, EB_ROLE_COORDINATOR);
  g_assert_cmpint (copy->expires_at, ==, 200);
  g_assert_cmpint (copy->last_used_at, ==, 150);
  eb_token_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/eboard/core/token/format", test_secret_format);
  g_test_add_func ("/eboard/core/token/unique", test_secrets_are_unique);
  g_test_add_func ("/eboard/core/token/hash", test_hash);
  g_test_add_func ("/eboard/core/token/well-formed", test_well_formed);
  g_test_add_func ("/eboard/core/token/roles", test_roles);
  g_test_add_func ("/eboard/core/token/copy", test_token_copy);
  return g_test_run ();
}
