/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <gio/gio.h>

#include <eboard/eboard.h>

#include "api/eb-auth-private.h"

#include "eb-service-test-util.h"
#include "fuzz-common.h"

/*
 * What a client presents as a secret, fuzzed: the Authorization header
 * parser (held against a regular expression of RFC 6750's form), then
 * the token it yields through eb_service_authenticate() and, as a feed
 * URL's secret, through eb_service_read_calendar_feed(), over a real
 * store holding one admin token and one calendar feed. Invariants: no
 * crash or sanitizer report; only the exact secrets open anything; every
 * refusal is a GError of the right code whose message never holds what
 * was presented (nor its hash), and all feed refusals read the same;
 * the valid headers, in every spelling RFC 6750 allows, still work.
 */

#define EB_FUZZ_MAX_SIZE 512

static const char *const tokens[] = {
  "Bearer ", "bearer",   "BEARER", " ",   "\t", "  ",   "eb_",  "ebcal_",
  "=",       "-",        "_",      "+",   "/",  ",",    "\r\n", "Basic ",
  "Token ",  "\xc2\xa0", "%00",    "%2F", "..", ".ics", NULL,
};

typedef struct
{
  char *dir;
  EbStore *store;
  EbService *service;
  char *admin_secret;
  char *feed_secret;
  EbId person_id;
  char *feed_refusal; /* the message of every refused feed read */
  GRegex *bearer;     /* RFC 6750: "Bearer" 1*SP b64token, here with tabs too */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  EbId hub_id;
  g_autoptr (EbCalendarFeed) feed = NULL;
  g_autofree char *unknown = NULL;
  EbPrincipal admin = { 0 };

  f->store = eb_service_test_open_store_in ("eb-fuzz-secrets-XXXXXX", &f->dir);
  f->service = eb_service_new (f->store, NULL);
  f->admin_secret = eb_service_bootstrap (f->service, &error);
  g_assert_no_error (error);
  g_assert_true (eb_service_authenticate (f->service, f->admin_secret, &admin, &error));

  hub_id = eb_service_test_add_site (f->service, &admin, "Hub", "HUB", "UTC", TRUE);
  f->person_id = eb_service_test_add_person (f->service, &admin, "Ana", "ana@example.org",
                                             "surgery", hub_id);
  feed = eb_service_create_calendar_feed (f->service, &admin, f->person_id, &f->feed_secret, NULL,
                                          &error);
  g_assert_no_error (error);

  unknown = eb_calendar_feed_generate_secret ();
  g_assert_null (eb_service_read_calendar_feed (f->service, unknown, NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  f->feed_refusal = g_strdup (error->message);
  g_clear_error (&error);

  f->bearer = g_regex_new ("^[Bb][Ee][Aa][Rr][Ee][Rr][ \\t]+([^ \\t]+)[ \\t]*\\z", G_REGEX_RAW, 0,
                           &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  eb_service_test_close (&f->service, &f->store);
  eb_service_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->admin_secret);
  g_free (f->feed_secret);
  g_free (f->feed_refusal);
  g_regex_unref (f->bearer);
}

/* The corpus entry with the fixture's secrets in place of @TOKEN@ and
 * @FEED@. */
static GByteArray *
instantiate (Fixture *f, GBytes *seed)
{
  gsize size = 0;
  const char *text = g_bytes_get_data (seed, &size);
  g_autoptr (GString) out = g_string_new_len (text, (gssize)size);
  GByteArray *bytes = g_byte_array_new ();

  g_string_replace (out, "@TOKEN@", f->admin_secret, 0);
  g_string_replace (out, "@FEED@", f->feed_secret, 0);
  g_byte_array_append (bytes, (const guint8 *)out->str, (guint)out->len);
  return bytes;
}

static void
check_not_echoed (EbFuzz *fuzz, const char *message, const char *presented, const guint8 *data,
                  gsize size)
{
  g_autofree char *hash = eb_token_hash_secret (presented);

  eb_fuzz_check (fuzz, g_utf8_validate (message, -1, NULL), data, size,
                 "a message that is not UTF-8");
  /* short texts ("a", "token") occur in any message by chance */
  if (strlen (presented) >= 12)
    eb_fuzz_check (fuzz, strstr (message, presented) == NULL, data, size,
                   "a message holds the presented secret");
  eb_fuzz_check (fuzz, strstr (message, hash) == NULL, data, size,
                 "a message holds the hash of the presented secret");
}

/* @presented as an API token: only the admin's secret opens. */
static void
check_token (EbFuzz *fuzz, Fixture *f, const char *presented, const guint8 *data, gsize size)
{
  g_autoptr (GError) error = NULL;
  EbPrincipal principal = { 0 };
  gboolean ok = eb_service_authenticate (f->service, presented, &principal, &error);

  if (strcmp (presented, f->admin_secret) == 0)
    {
      eb_fuzz_check (fuzz, ok && principal.role == EB_ROLE_ADMIN, data, size,
                     "the admin's secret did not authenticate");
      return;
    }
  eb_fuzz_check (fuzz, !ok, data, size, "a wrong secret authenticated");
  eb_fuzz_check (fuzz, g_error_matches (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED), data, size,
                 "a refused token is not EB_ERROR_UNAUTHENTICATED");
  check_not_echoed (fuzz, error->message, presented, data, size);
}

/* @presented as a feed URL's secret: only the feed's secret opens, and
 * every refusal reads the same. */
static void
check_feed (EbFuzz *fuzz, Fixture *f, const char *presented, const guint8 *data, gsize size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  EbId person_id = 0;

  text = eb_service_read_calendar_feed (f->service, presented, &person_id, &error);
  if (strcmp (presented, f->feed_secret) == 0)
    {
      eb_fuzz_check (fuzz, text != NULL && person_id == f->person_id, data, size,
                     "the feed's secret did not open it");
      return;
    }
  eb_fuzz_check (fuzz, text == NULL, data, size, "a wrong secret opened the feed");
  eb_fuzz_check (fuzz, g_error_matches (error, EB_ERROR, EB_ERROR_NOT_FOUND), data, size,
                 "a refused feed is not EB_ERROR_NOT_FOUND");
  eb_fuzz_check (fuzz, strcmp (error->message, f->feed_refusal) == 0, data, size,
                 "a refused feed reads differently");
  check_not_echoed (fuzz, error->message, presented, data, size);
}

/* The parser against the regular expression; then what it yields. */
static void
check_header (EbFuzz *fuzz, Fixture *f, GByteArray *input)
{
  const char *header = eb_fuzz_cstr (input);
  gsize header_len = strlen (header);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *token = NULL;
  gsize length = 0;
  const char *found;

  found = eb_auth_parse_bearer (header, &length);
  if (g_regex_match (f->bearer, header, 0, &match))
    expected = g_match_info_fetch (match, 1);
  eb_fuzz_check (fuzz, (found != NULL) == (expected != NULL), input->data, input->len,
                 "the parser and RFC 6750 disagree on a header");
  if (found == NULL)
    return;
  eb_fuzz_check (fuzz, found > header && found + length <= header + header_len, input->data,
                 input->len, "the token lies outside the header");
  token = g_strndup (found, length);
  eb_fuzz_check (fuzz, strcmp (token, expected) == 0, input->data, input->len,
                 "the parser and RFC 6750 disagree on the token");
  check_token (fuzz, f, token, input->data, input->len);
  check_feed (fuzz, f, token, input->data, input->len);
}

static void
test_mutations (Fixture *f, gconstpointer data)
{
  EbFuzz fuzz = { 0 };
  guint parsed = 0;

  eb_fuzz_init (&fuzz, "bearer", 6750, 100000, 10);
  while (eb_fuzz_next (&fuzz))
    {
      g_autoptr (GByteArray) input = instantiate (f, eb_fuzz_pick (&fuzz));
      gsize dummy = 0;

      eb_fuzz_mutate (&fuzz, input, tokens, EB_FUZZ_MAX_SIZE);
      check_header (&fuzz, f, input);
      if (eb_auth_parse_bearer (eb_fuzz_cstr (input), &dummy) != NULL)
        parsed++;
      /* the whole input as a feed URL's secret, and as a token */
      check_feed (&fuzz, f, eb_fuzz_cstr (input), input->data, input->len);
      check_token (&fuzz, f, eb_fuzz_cstr (input), input->data, input->len);
    }
  g_test_message ("%u of the mutated headers held a token", parsed);
  g_assert_cmpuint (parsed, >, fuzz.iteration / 20);
  eb_fuzz_clear (&fuzz);
}

/* Every spelling of a valid header works; a secret changed anywhere
 * (one character, cut short, made longer) opens nothing. */
static void
test_valid_and_near (Fixture *f, gconstpointer data)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  EbFuzz fuzz = { 0 };

  eb_fuzz_init (&fuzz, NULL, 12, 5000, 3);
  while (eb_fuzz_next (&fuzz))
    {
      const char *secret = eb_fuzz_chance (&fuzz, 2) ? f->admin_secret : f->feed_secret;
      g_autoptr (GString) header = g_string_new (NULL);
      g_autoptr (GByteArray) bytes = g_byte_array_new ();
      g_autofree char *near = g_strdup (secret);
      gsize len = strlen (near);
      guint blanks = 1 + eb_fuzz_below (&fuzz, 3);
      guint trailing = eb_fuzz_below (&fuzz, 3);

      for (const char *p = "bearer"; *p != '\0'; p++)
        g_string_append_c (header, eb_fuzz_chance (&fuzz, 2) ? g_ascii_toupper (*p) : *p);
      for (guint i = 0; i < blanks; i++)
        g_string_append_c (header, eb_fuzz_chance (&fuzz, 2) ? ' ' : '\t');
      g_string_append (header, secret);
      for (guint i = 0; i < trailing; i++)
        g_string_append_c (header, eb_fuzz_chance (&fuzz, 2) ? ' ' : '\t');
      g_byte_array_append (bytes, (const guint8 *)header->str, (guint)header->len);
      check_header (&fuzz, f, bytes);

      switch (eb_fuzz_below (&fuzz, 3))
        {
          case 0:
            {
              guint at = eb_fuzz_below (&fuzz, (guint)len);
              char c;

              do
                c = alphabet[eb_fuzz_below (&fuzz, sizeof alphabet - 1)];
              while (c == near[at]);
              near[at] = c;
            }
            break;
          case 1:
            near[eb_fuzz_below (&fuzz, (guint)len)] = '\0';
            break;
          default:
            {
              char *longer = g_strdup_printf ("%s%c", near,
                                              alphabet[eb_fuzz_below (&fuzz, sizeof alphabet - 1)]);

              g_free (near);
              near = longer;
            }
            break;
        }
      g_assert_cmpstr (near, !=, secret);
      check_token (&fuzz, f, near, (const guint8 *)near, strlen (near));
      check_feed (&fuzz, f, near, (const guint8 *)near, strlen (near));
    }
  eb_fuzz_clear (&fuzz);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/eboard/fuzz/secrets/valid-and-near", Fixture, NULL, fixture_setup,
              test_valid_and_near, fixture_teardown);
  g_test_add ("/eboard/fuzz/secrets/mutations", Fixture, NULL, fixture_setup, test_mutations,
              fixture_teardown);
  return g_test_run ();
}
