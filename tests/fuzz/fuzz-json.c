/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include "api/eb-api-request-private.h"
#include "api/eb-codecs-private.h"
#include "api/eb-json-codec-private.h"

#include "fuzz-common.h"

/*
 * The request body path of the API, fuzzed: eb_api_parse_object() (UTF-8,
 * the strict RFC 8259 checker, json-glib, the object check) and then every
 * resource decoder, in create and in patch mode. Invariants: no crash, no
 * sanitizer report; a refusal is an EB_ERROR_INVALID GError with a UTF-8
 * message, and its violations name known rules; the checker never passes
 * what json-glib then refuses; the valid bodies of the corpus, with
 * whitespace added anywhere JSON allows it, are still accepted.
 */

#define EB_FUZZ_MAX_SIZE 4096

static const char *const tokens[] = {
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "\"",
  "\\",
  "\\u0000",
  "\\u001b",
  "\\ud800",
  "\\udc00",
  "\\ud83d\\ude00",
  "\\uZZZZ",
  "\\x41",
  "'",
  "null",
  "true",
  "false",
  "nul",
  "-0",
  "1e999",
  "-1e-999",
  "0.",
  ".5",
  "01",
  "1e",
  "9223372036854775808",
  "-9223372036854775809",
  "\"name\":",
  "\"id\": 1",
  "\"recurrence\": {",
  "\"start\": \"2026-03-03T09:00:00Z\"",
  "/*",
  "*/",
  "//",
  "\xef\xbb\xbf",
  "\r\n",
  "\t",
  "{}",
  "[]",
  "\"\"",
  ",]",
  ",}",
  "[[[[[[[[",
  "]]]]]]]]",
  NULL,
};

typedef gboolean (*EbDecodeFunc) (JsonObject *object, gboolean create, GError **error);

static gboolean
decode_site (JsonObject *object, gboolean create, GError **error)
{
  g_autoptr (EbSite) site = eb_site_new ();

  return eb_site_from_json (object, site, create, error);
}

static gboolean
decode_person (JsonObject *object, gboolean create, GError **error)
{
  g_autoptr (EbPerson) person = eb_person_new ();

  return eb_person_from_json (object, person, create, error);
}

static gboolean
decode_session (JsonObject *object, gboolean create, GError **error)
{
  g_autoptr (EbSession) session = eb_session_new ();

  return eb_session_from_json (object, session, create, error);
}

static gboolean
decode_roster (JsonObject *object, gboolean create, GError **error)
{
  g_autoptr (EbRosterEntry) entry = eb_roster_entry_new ();

  return eb_roster_entry_from_json (object, entry, create, error);
}

static gboolean
decode_agenda (JsonObject *object, gboolean create, GError **error)
{
  g_autoptr (EbAgendaItem) item = eb_agenda_item_new ();

  return eb_agenda_item_from_json (object, item, create, error);
}

static gboolean
decode_order (JsonObject *object, gboolean create, GError **error)
{
  g_autoptr (GArray) ids = eb_agenda_order_from_json (object, error);

  return ids != NULL;
}

static gboolean
decode_token (JsonObject *object, gboolean create, GError **error)
{
  g_auto (EbTokenInput) input = { 0 };

  return eb_token_input_from_json (object, &input, error);
}

static gboolean
decode_exception (JsonObject *object, gboolean create, GError **error)
{
  g_autoptr (EbOccurrenceException) exception = eb_occurrence_exception_new (0, FALSE, 0);

  return eb_occurrence_exception_from_json (object, exception, error);
}

static const struct
{
  const char *prefix; /* of the corpus files it accepts */
  EbDecodeFunc decode;
} decoders[] = {
  { "site-", decode_site },     { "person-", decode_person },      { "session-", decode_session },
  { "roster-", decode_roster }, { "agenda-", decode_agenda },      { "order", decode_order },
  { "token-", decode_token },   { "exception", decode_exception },
};

static const char *const known_rules[] = {
  "invalid-field", "missing-field", "unknown-field", "read-only-field", NULL,
};

/* A refusal is EB_ERROR_INVALID with a UTF-8 message and known rules. */
static void
check_refusal (EbFuzz *fuzz, const GError *error, const guint8 *data, gsize size,
               gboolean needs_violations)
{
  GPtrArray *violations;

  eb_fuzz_check (fuzz, error != NULL, data, size, "a refusal without a GError");
  eb_fuzz_check (fuzz, error->domain == EB_ERROR && error->code == EB_ERROR_INVALID, data, size,
                 "a refusal that is not EB_ERROR_INVALID");
  eb_fuzz_check (fuzz, error->message != NULL && error->message[0] != '\0', data, size,
                 "a refusal without a message");
  eb_fuzz_check (fuzz, g_utf8_validate (error->message, -1, NULL), data, size,
                 "a message that is not UTF-8");
  violations = eb_error_get_violations (error);
  if (needs_violations)
    eb_fuzz_check (fuzz, violations != NULL && violations->len > 0, data, size,
                   "a decoder refusal without violations");
  for (guint i = 0; violations != NULL && i < violations->len; i++)
    {
      const EbViolation *v = g_ptr_array_index (violations, i);

      eb_fuzz_check (fuzz, g_strv_contains (known_rules, v->rule), data, size, "an unknown rule");
      eb_fuzz_check (fuzz, v->detail != NULL && v->detail[0] != '\0', data, size,
                     "a violation without a detail");
      eb_fuzz_check (fuzz, g_utf8_validate (v->detail, -1, NULL), data, size,
                     "a detail that is not UTF-8");
      eb_fuzz_check (fuzz, v->field == NULL || g_utf8_validate (v->field, -1, NULL), data, size,
                     "a field that is not UTF-8");
    }
}

/* Runs one body through the API's path; returns whether it was accepted
 * (parsed, an object) and, with @decoder_index >= 0, decoded by that
 * decoder (in create mode, or patch mode with @patch). */
static gboolean
run_one (EbFuzz *fuzz, const guint8 *data, gsize size, gint decoder_index, gboolean patch)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) object = NULL;
  gboolean checked;
  gboolean accepted = TRUE;

  object = eb_api_parse_object ((const char *)data, size, &error);
  eb_fuzz_check (fuzz, (object == NULL) == (error != NULL), data, size,
                 "an object and an error, or neither");
  if (object == NULL)
    {
      check_refusal (fuzz, error, data, size, FALSE);
      /* the violations say U+0000, and only they */
      eb_fuzz_check (
          fuzz,
          (eb_error_get_violations (error) != NULL && eb_error_get_violations (error)->len > 0)
              == (strstr (error->message, "U+0000") != NULL),
          data, size, "violations without U+0000, or U+0000 without them");
      /* what the strict checker passed, json-glib reads */
      if (g_utf8_validate ((const char *)data, size, NULL))
        {
          g_autoptr (GError) check_error = NULL;

          checked = eb_json_validate ((const char *)data, size, EB_JSON_MAX_DEPTH, &check_error);
          eb_fuzz_check (fuzz, !checked || g_str_has_prefix (error->message, "the JSON body"), data,
                         size, "json-glib refused what the checker passed");
          if (!checked)
            check_refusal (fuzz, check_error, data, size, FALSE);
        }
      return FALSE;
    }

  for (guint d = 0; d < G_N_ELEMENTS (decoders); d++)
    {
      for (guint create = 0; create < 2; create++)
        {
          g_autoptr (GError) decode_error = NULL;
          gboolean ok = decoders[d].decode (object, create, &decode_error);

          eb_fuzz_check (fuzz, ok == (decode_error == NULL), data, size,
                         "a decoder's answer and error disagree");
          if (!ok)
            check_refusal (fuzz, decode_error, data, size, TRUE);
          if ((gint)d == decoder_index && (gboolean)create != patch)
            accepted = ok;
        }
    }
  return accepted;
}

static gint
decoder_for (const char *name)
{
  for (guint d = 0; d < G_N_ELEMENTS (decoders); d++)
    {
      if (g_str_has_prefix (name, decoders[d].prefix))
        return (gint)d;
    }
  return -1;
}

/* @seed with JSON whitespace inserted at random between tokens: still the
 * same document. */
static GByteArray *
add_whitespace (EbFuzz *fuzz, GBytes *seed)
{
  static const char blanks[] = " \t\n\r";
  gsize size = 0;
  const char *text = g_bytes_get_data (seed, &size);
  GByteArray *out = g_byte_array_new ();
  gboolean in_string = FALSE;

  for (gsize i = 0; i < size; i++)
    {
      char c = text[i];

      if (!in_string && strchr ("{}[]:,", c) != NULL && eb_fuzz_chance (fuzz, 2))
        {
          guint n = 1 + eb_fuzz_below (fuzz, 3);

          for (guint k = 0; k < n; k++)
            g_byte_array_append (out, (const guint8 *)&blanks[eb_fuzz_below (fuzz, 4)], 1);
        }
      g_byte_array_append (out, (const guint8 *)&c, 1);
      if (in_string && c == '\\')
        {
          if (i + 1 < size)
            g_byte_array_append (out, (const guint8 *)&text[++i], 1);
          continue;
        }
      if (c == '"')
        in_string = !in_string;
    }
  return out;
}

static void
test_valid_seeds (void)
{
  EbFuzz fuzz = { 0 };
  guint valid = 0;

  eb_fuzz_init (&fuzz, "json", 1, 2000, 3);
  for (guint i = 0; i < fuzz.corpus->len; i++)
    {
      const char *name = g_ptr_array_index (fuzz.names, i);
      GBytes *seed = g_ptr_array_index (fuzz.corpus, i);
      gint decoder = decoder_for (name);
      gboolean patch = g_str_has_suffix (name, "-patch.json");
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (seed, &size);

      if (decoder < 0)
        continue;
      g_test_message ("%s", name);
      valid++;
      eb_fuzz_check (&fuzz, run_one (&fuzz, data, size, decoder, patch), data, size,
                     "a valid body was refused");
      for (guint k = 0; k < 50 && eb_fuzz_next (&fuzz); k++)
        {
          g_autoptr (GByteArray) spaced = add_whitespace (&fuzz, seed);

          eb_fuzz_check (&fuzz, run_one (&fuzz, spaced->data, spaced->len, decoder, patch),
                         spaced->data, spaced->len,
                         "a valid body with added whitespace was refused");
        }
    }
  g_assert_cmpuint (valid, >=, 8);
  eb_fuzz_clear (&fuzz);
}

static void
test_mutations (void)
{
  EbFuzz fuzz = { 0 };
  guint accepted = 0;

  eb_fuzz_init (&fuzz, "json", 20260303, 100000, 12);
  while (eb_fuzz_next (&fuzz))
    {
      g_autoptr (GByteArray) data = g_byte_array_new ();
      gsize size = 0;
      const guint8 *seed = g_bytes_get_data (eb_fuzz_pick (&fuzz), &size);

      g_byte_array_append (data, seed, (guint)size);
      eb_fuzz_mutate (&fuzz, data, tokens, EB_FUZZ_MAX_SIZE);
      if (run_one (&fuzz, data->data, data->len, -1, FALSE))
        accepted++;
    }
  g_test_message ("%u of the mutated bodies parsed as objects", accepted);
  /* the mutations must reach the decoders, not only the checker */
  g_assert_cmpuint (accepted, >, fuzz.iteration / 50);
  eb_fuzz_clear (&fuzz);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/eboard/fuzz/json/valid-seeds", test_valid_seeds);
  g_test_add_func ("/eboard/fuzz/json/mutations", test_mutations);
  return g_test_run ();
}
