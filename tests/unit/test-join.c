/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-join.h>

static const guint8 key[EB_JOIN_KEY_LENGTH] = {
  0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
  0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

#define NOW G_GINT64_CONSTANT (1780000000)
/* a fixed issue time (microseconds), a little before NOW */
#define ISSUED G_GINT64_CONSTANT (1779999990123456)
#define ISSUED_TEXT "1779999990123456"

static char *
issue (EbId session_id, EbId person_id, gint64 expires_at)
{
  EbJoinClaims claims = { session_id, person_id, expires_at, ISSUED };

  return eb_join_credential_issue (key, sizeof key, &claims);
}

/* Verifies @credential and checks that the refusal never repeats it. */
static void
assert_refused (const guint8 *with_key, const char *credential, gint64 now, const char *reason)
{
  g_autoptr (GError) error = NULL;
  EbJoinClaims claims = { 77, 77, 77 };

  g_assert_false (
      eb_join_credential_verify (with_key, EB_JOIN_KEY_LENGTH, credential, now, &claims, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED);
  g_test_message ("%s: %s", reason, error->message);
  g_assert_nonnull (strstr (error->message, reason));
  if (credential != NULL && strlen (credential) > 8)
    g_assert_null (strstr (error->message, credential + strlen (credential) - 8));
  /* claims are untouched when refused */
  g_assert_cmpint (claims.session_id, ==, 77);
  g_assert_cmpint (claims.person_id, ==, 77);
}

static void
test_join_valid (void)
{
  g_autofree char *credential = issue (12, 345, NOW + 3600);
  g_autoptr (GError) error = NULL;
  EbJoinClaims claims = { 0 };

  g_assert_true (g_str_has_prefix (credential, "j1.12.345.1780003600." ISSUED_TEXT "."));
  /* short enough for a streamid with room to spare */
  g_assert_cmpuint (strlen (credential), <, 100);
  /* only characters that need no escaping in a streamid */
  for (const char *p = credential; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '.' || *p == '-' || *p == '_');

  g_assert_true (eb_join_credential_verify (key, sizeof key, credential, NOW, &claims, &error));
  g_assert_no_error (error);
  g_assert_cmpint (claims.session_id, ==, 12);
  g_assert_cmpint (claims.person_id, ==, 345);
  g_assert_cmpint (claims.expires_at, ==, NOW + 3600);
  g_assert_cmpint (claims.issued_at_us, ==, ISSUED);

  /* The claims are optional; the last valid second is the expiry. */
  g_assert_true (eb_join_credential_verify (key, sizeof key, credential, NOW + 3600, NULL, &error));
  g_assert_no_error (error);

  /* Same claims, same key: same credential. */
  {
    g_autofree char *again = issue (12, 345, NOW + 3600);

    g_assert_cmpstr (again, ==, credential);
  }
}

static void
test_join_expired (void)
{
  g_autofree char *credential = issue (12, 345, NOW);

  assert_refused (key, credential, NOW + 1, "expired");
  assert_refused (key, credential, NOW + 86400, "expired");
}

static void
test_join_forged_signature (void)
{
  g_autofree char *credential = issue (12, 345, NOW + 60);
  g_autofree char *forged = g_strdup (credential);
  gsize length = strlen (forged);

  /* Flip the last character of the MAC. */
  forged[length - 1] = forged[length - 1] == 'A' ? 'B' : 'A';
  assert_refused (key, forged, NOW, "signature");

  /* A MAC copied from another credential. */
  {
    g_autofree char *other = issue (13, 345, NOW + 60);
    g_autofree char *spliced
        = g_strconcat ("j1.12.345.1780000060." ISSUED_TEXT, strrchr (other, '.'), NULL);

    g_assert_true (g_str_has_prefix (spliced, "j1.12.345.1780000060." ISSUED_TEXT "."));
    assert_refused (key, spliced, NOW, "signature");
  }

  /* A MAC of all zeros, well formed. */
  {
    g_autofree char *zeros = g_strconcat ("j1.12.345.1780000060." ISSUED_TEXT ".",
                                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);

    assert_refused (key, zeros, NOW, "signature");
  }
}

static void
test_join_altered_claims (void)
{
  g_autofree char *credential = issue (12, 345, NOW + 60);
  const char *mac = strrchr (credential, '.') + 1;
  const char *const altered[] = {
    "j1.13.345.1780000060." ISSUED_TEXT ".",  /* another session */
    "j1.12.346.1780000060." ISSUED_TEXT ".",  /* another person */
    "j1.12.345.1780099999." ISSUED_TEXT ".",  /* a later expiry */
    "j1.12.345.1780000060.1780000000000000.", /* issued later (after a revocation) */
    "j1.21.345.1780000060." ISSUED_TEXT ".",  /* digits moved */
  };

  for (guint i = 0; i < G_N_ELEMENTS (altered); i++)
    {
      g_autofree char *text = g_strconcat (altered[i], mac, NULL);

      assert_refused (key, text, NOW, "signature");
    }
}

static void
test_join_wrong_key (void)
{
  g_autofree char *credential = issue (12, 345, NOW + 60);
  guint8 other[EB_JOIN_KEY_LENGTH];

  memcpy (other, key, sizeof other);
  other[31] ^= 0x01;
  assert_refused (other, credential, NOW, "signature");
}

static void
test_join_garbage (void)
{
  g_autofree char *credential = issue (12, 345, NOW + 60);
  g_autofree char *long_text = g_strnfill (4000, 'a');
  g_autofree char *trailing = g_strconcat (credential, "x", NULL);
  g_autofree char *truncated = g_strndup (credential, strlen (credential) - 1);
  g_autofree char *upper = g_ascii_strup (credential, -1);
  const char *const garbage[] = {
    "",
    "j1",
    "j1.",
    "j1....",
    "j2.12.345.1780000060.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.-12.345.1780000060.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.012.345.1780000060.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.0.345.1780000060.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.12.345.99999999999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.12.345.1780000060.AAAA+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.12.345.1780000060.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "j1.12.345.1780000060",
    "j1.12.345.1780000060." ISSUED_TEXT,
    /* the form without an issue time, no longer issued */
    "j1.12.345.1780000060.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.12.345.1780000060.0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.12.345.1780000060." ISSUED_TEXT ".1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "j1.12 .345.1780000060.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "#!::r=session/12,m=publish",
    "\xff\xfe\xfd",
    long_text,
    trailing,
    truncated,
    upper,
  };

  assert_refused (key, NULL, NOW, "malformed");
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_test_message ("garbage %u", i);
      assert_refused (key, garbage[i], NOW, "malformed");
    }
}

/* The issue time: kept to the microsecond, now when not given, signed
 * like the other claims, and the longest credential still fits an SRT
 * streamid. */
static void
test_join_issued_at (void)
{
  g_autoptr (GError) error = NULL;
  EbJoinClaims claims = { 12, 345, NOW + 60, 0 };
  EbJoinClaims read = { 0 };
  gint64 before = g_get_real_time ();
  g_autofree char *now_issued = eb_join_credential_issue (key, sizeof key, &claims);
  gint64 after = g_get_real_time ();
  g_autofree char *earlier = NULL;
  g_autofree char *later = NULL;

  g_assert_true (eb_join_credential_verify (key, sizeof key, now_issued, NOW, &read, &error));
  g_assert_no_error (error);
  g_assert_cmpint (read.issued_at_us, >=, before);
  g_assert_cmpint (read.issued_at_us, <=, after);

  /* one microsecond apart: two different credentials, each read back */
  claims.issued_at_us = ISSUED;
  earlier = eb_join_credential_issue (key, sizeof key, &claims);
  claims.issued_at_us = ISSUED + 1;
  later = eb_join_credential_issue (key, sizeof key, &claims);
  g_assert_cmpstr (earlier, !=, later);
  g_assert_true (eb_join_credential_verify (key, sizeof key, earlier, NOW, &read, &error));
  g_assert_cmpint (read.issued_at_us, ==, ISSUED);
  g_assert_true (eb_join_credential_verify (key, sizeof key, later, NOW, &read, &error));
  g_assert_cmpint (read.issued_at_us, ==, ISSUED + 1);
  g_assert_no_error (error);

  /* an earlier credential made to look later is refused */
  {
    g_autofree char *mac = g_strdup (strrchr (earlier, '.'));
    g_autofree char *moved
        = g_strconcat ("j1.12.345.1780000060." G_STRINGIFY (1779999990123457), mac, NULL);

    assert_refused (key, moved, NOW, "signature");
  }

  /* the largest numbers: still short enough for a pull streamid, with
   * room for a long track name */
  {
    EbJoinClaims largest = { G_MAXINT64, G_MAXINT64, G_MAXINT64, G_MAXINT64 };
    g_autofree char *credential = eb_join_credential_issue (key, sizeof key, &largest);
    g_autofree char *stream_id = g_strdup_printf (
        "#!::r=session/%" G_GINT64_FORMAT "/track/p%" G_GINT64_FORMAT "-webrtc,m=request,t=%s",
        largest.session_id, largest.person_id, credential);

    g_assert_cmpuint (strlen (credential), ==, 3 + 4 * 20 + 43);
    g_assert_cmpuint (strlen (stream_id), <, 512 - 64);
    g_assert_true (eb_join_credential_verify (key, sizeof key, credential, NOW, &read, &error));
    g_assert_no_error (error);
    g_assert_cmpint (read.issued_at_us, ==, G_MAXINT64);
  }
}

static void
test_join_passphrase (void)
{
  g_autofree char *a = eb_join_session_passphrase (key, sizeof key, 12);
  g_autofree char *again = eb_join_session_passphrase (key, sizeof key, 12);
  g_autofree char *b = eb_join_session_passphrase (key, sizeof key, 13);
  g_autofree char *credential = issue (12, 345, NOW + 60);
  guint8 other[EB_JOIN_KEY_LENGTH];
  g_autofree char *c = NULL;

  /* SRT takes 10..79 characters */
  g_assert_cmpuint (strlen (a), >=, 10);
  g_assert_cmpuint (strlen (a), <=, 79);
  g_assert_cmpuint (strlen (a), ==, 43);
  for (const char *p = a; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
  /* stable for a session, different between sessions and keys, and not
   * the credential's MAC */
  g_assert_cmpstr (a, ==, again);
  g_assert_cmpstr (a, !=, b);
  g_assert_null (strstr (credential, a));
  memcpy (other, key, sizeof other);
  other[0] ^= 0x80;
  c = eb_join_session_passphrase (other, sizeof other, 12);
  g_assert_cmpstr (a, !=, c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/core/join/valid", test_join_valid);
  g_test_add_func ("/eboard/core/join/expired", test_join_expired);
  g_test_add_func ("/eboard/core/join/forged-signature", test_join_forged_signature);
  g_test_add_func ("/eboard/core/join/altered-claims", test_join_altered_claims);
  g_test_add_func ("/eboard/core/join/wrong-key", test_join_wrong_key);
  g_test_add_func ("/eboard/core/join/garbage", test_join_garbage);
  g_test_add_func ("/eboard/core/join/issued-at", test_join_issued_at);
  g_test_add_func ("/eboard/core/join/passphrase", test_join_passphrase);
  return g_test_run ();
}
