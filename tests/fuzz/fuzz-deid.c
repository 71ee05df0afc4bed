/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <eboard/eb-deid.h>

#include "fuzz-common.h"

/*
 * The de-identification guard, fuzzed two ways.
 *
 * Mutations of case texts: no crash or sanitizer report, and the answer
 * is well formed: text that is not UTF-8 is one `invalid-field`
 * violation; otherwise the spans are ordered, disjoint, inside the text
 * and on character boundaries, their rules known, their details free of
 * the text they flag; the same text always gets the same answer.
 *
 * Medical record numbers built the ways people write them (every label
 * the guard knows, in any case, in fullwidth letters, with any spaces,
 * dashes and separators, an optional letter prefix, digits of any script,
 * grouped, with invisible characters between them), inside mutated
 * context: the guard must flag every one.
 */

#define EB_FUZZ_MAX_SIZE 2048
#define FIELD "summary"

static const char *const tokens[] = {
  "MRN",
  "mrn ",
  "MR #",
  "medical record number",
  "Patient ID",
  "pt no.",
  "chart #",
  "DOB",
  "born on",
  "SSN",
  "phone",
  "call me at ",
  "@",
  ".org",
  "+1 ",
  "(312) ",
  "555-0142",
  "1234567",
  "03/14/1961",
  "1961-03-14",
  "March 14, 1961",
  "14th of March",
  "'61",
  "\xe2\x80\x93",
  "\xc2\xa0",
  "\xe2\x80\x8b",
  "\xef\xbc\x91",
  "\xd9\xa3",
  "\xf0\x9d\x9f\x8f",
  "\xc2\xad",
  "-",
  " ",
  "#",
  ":",
  "=",
  ".",
  NULL,
};

static const char *const deid_rules[] = {
  "deid-ssn", "deid-phone", "deid-email", "deid-dob", "deid-mrn", NULL,
};

/* Warnings of a rule that could not check a text (the guard then refuses
 * it whole, which the checks accept): counted, not fatal. */
static guint regex_limits;

static gboolean
fatal_handler_cb (const char *log_domain, GLogLevelFlags level, const char *message,
                  gpointer user_data)
{
  if (strstr (message, "could not check a text") != NULL)
    {
      regex_limits++;
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_boundary (const char *text, gint offset)
{
  /* not a UTF-8 continuation byte */
  return ((guchar)text[offset] & 0xc0) != 0x80;
}

/* Checks the guard's answer for @text and returns it. */
static GPtrArray *
check_text (EbFuzz *fuzz, const char *text)
{
  gsize len = strlen (text);
  GPtrArray *violations = eb_deid_check (FIELD, text);
  gint last_end = 0;

  eb_fuzz_check (fuzz, violations != NULL, text, len, "no array");
  if (!g_utf8_validate (text, -1, NULL))
    {
      const EbViolation *v;

      eb_fuzz_check (fuzz, violations->len == 1, text, len, "not UTF-8 but not refused once");
      v = g_ptr_array_index (violations, 0);
      eb_fuzz_check (fuzz, strcmp (v->rule, "invalid-field") == 0, text, len,
                     "not UTF-8 but not invalid-field");
      return violations;
    }
  for (guint i = 0; i < violations->len; i++)
    {
      const EbViolation *v = g_ptr_array_index (violations, i);

      eb_fuzz_check (fuzz, g_strv_contains (deid_rules, v->rule), text, len, "an unknown rule");
      eb_fuzz_check (fuzz, g_strcmp0 (v->field, FIELD) == 0, text, len, "another field");
      eb_fuzz_check (fuzz, v->span_start >= last_end && v->span_start < v->span_end, text, len,
                     "spans out of order, overlapping or empty");
      eb_fuzz_check (fuzz, (gsize)v->span_end <= len, text, len, "a span beyond the text");
      eb_fuzz_check (fuzz, on_boundary (text, v->span_start), text, len,
                     "a span starting inside a character");
      eb_fuzz_check (fuzz, (gsize)v->span_end == len || on_boundary (text, v->span_end), text, len,
                     "a span ending inside a character");
      eb_fuzz_check (fuzz, v->detail != NULL && g_utf8_validate (v->detail, -1, NULL), text, len,
                     "a detail that is not UTF-8");
      if (v->span_end - v->span_start >= 6)
        {
          g_autofree char *flagged
              = g_strndup (text + v->span_start, (gsize)(v->span_end - v->span_start));

          eb_fuzz_check (fuzz, strstr (v->detail, flagged) == NULL, text, len,
                         "a detail quotes the flagged text");
        }
      last_end = v->span_end;
    }
  return violations;
}

static gboolean
same_answer (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const EbViolation *x = g_ptr_array_index (a, i);
      const EbViolation *y = g_ptr_array_index (b, i);

      if (strcmp (x->rule, y->rule) != 0 || x->span_start != y->span_start
          || x->span_end != y->span_end)
        return FALSE;
    }
  return TRUE;
}

static void
test_mutations (void)
{
  EbFuzz fuzz = { 0 };
  guint flagged = 0;

  eb_fuzz_init (&fuzz, "deid", 1961, 100000, 10);
  while (eb_fuzz_next (&fuzz))
    {
      g_autoptr (GByteArray) data = g_byte_array_new ();
      g_autoptr (GPtrArray) violations = NULL;
      gsize size = 0;
      const guint8 *seed = g_bytes_get_data (eb_fuzz_pick (&fuzz), &size);
      const char *text;

      g_byte_array_append (data, seed, (guint)size);
      eb_fuzz_mutate (&fuzz, data, tokens, EB_FUZZ_MAX_SIZE);
      text = eb_fuzz_cstr (data);
      violations = check_text (&fuzz, text);
      if (violations->len > 0)
        flagged++;
      if (fuzz.iteration % 16 == 0)
        {
          g_autoptr (GPtrArray) again = eb_deid_check (FIELD, text);

          eb_fuzz_check (&fuzz, same_answer (violations, again), text, strlen (text),
                         "two answers for one text");
        }
    }
  g_test_message ("%u of the mutated texts were flagged; %u hit a matching limit", flagged,
                  regex_limits);
  eb_fuzz_clear (&fuzz);
}

/* --- constructed record numbers --- */

/* The labels the guard knows, with their optional parts spelled out;
 * "_" stands for a run of white space (at least one), "~" for optional
 * white space. */
static const char *const labels[] = {
  "mrn",
  "mr~#",
  "mr_no",
  "mr_no.",
  "mr_number",
  "medical_record",
  "medical_record_number",
  "medical_record_no.",
  "medical_record_#",
  "record_number",
  "record_no",
  "record_#",
  "patient_id",
  "patient_identifier",
  "patient_id_number",
  "patient_identifier_no.",
  "pt~#",
  "pt~no.",
  "patient~number",
  "patient~no",
  "hospital_number",
  "hospital_no.",
  "hospital_#",
  "hospital_id",
  "chart_number",
  "chart_no",
  "chart_#",
};

/* The zero of each script's decimal digits. */
static const gunichar zeros[] = {
  0x30,   0xff10, 0x0660, 0x06f0,  0x0966,  0x09e6,  0x0a66,  0x0ae6,
  0x0be6, 0x0e50, 0x1040, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
};

/* White space as the guard folds it. */
static const gunichar spaces[] = { ' ', '\t', '\n', 0xa0, 0x2002, 0x2007, 0x202f, 0x3000 };
/* A single dash or space between digit groups. */
static const gunichar group_separators[]
    = { '-', ' ', 0xa0, 0x2010, 0x2011, 0x2012, 0x2013, 0x2212, 0xfe63, 0xff0d };
/* Between the label and the number. */
static const gunichar label_separators[]
    = { ' ', ':', '#', '.', '=', '-', 0xa0, 0x2013, 0xff1a, 0xff03, 0x3000 };
/* Dropped by the guard's folding. */
static const gunichar invisible[] = { 0xad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff };
/* Around the whole: neither a letter before nor a digit after. */
static const char *const before[] = { " ", "(", ", ", "; ", "\n", ": ", "\"" };
static const char *const after[] = { "", " ", ")", ".", ", ", ";\n", "\"" };

static void
append_space (EbFuzz *fuzz, GByteArray *out, guint min)
{
  guint n = min + eb_fuzz_below (fuzz, 2);

  for (guint i = 0; i < n; i++)
    eb_fuzz_append_utf8 (out, spaces[eb_fuzz_below (fuzz, G_N_ELEMENTS (spaces))]);
}

/* A letter or sign of a label: in either case, sometimes fullwidth. */
static void
append_label_char (EbFuzz *fuzz, GByteArray *out, char c)
{
  if (g_ascii_isalpha (c))
    c = eb_fuzz_chance (fuzz, 2) ? g_ascii_toupper (c) : c;
  if ((g_ascii_isalpha (c) || c == '#' || c == '.') && eb_fuzz_chance (fuzz, 6))
    eb_fuzz_append_utf8 (out, (gunichar)c + 0xfee0);
  else
    g_byte_array_append (out, (const guint8 *)&c, 1);
}

static void
append_label (EbFuzz *fuzz, GByteArray *out)
{
  const char *label = labels[eb_fuzz_below (fuzz, G_N_ELEMENTS (labels))];

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        append_space (fuzz, out, 1);
      else if (*p == '~')
        append_space (fuzz, out, 0);
      else
        append_label_char (fuzz, out, *p);
    }
}

/* The number: 5 to 12 digits, each of a random script, sometimes
 * grouped, sometimes with invisible characters. Returns where the digits
 * start and end in @out. */
static void
append_number (EbFuzz *fuzz, GByteArray *out, guint *start, guint *end)
{
  guint n = 5 + eb_fuzz_below (fuzz, 8);
  gboolean one_script = eb_fuzz_chance (fuzz, 2);
  gunichar zero = zeros[eb_fuzz_below (fuzz, G_N_ELEMENTS (zeros))];

  *start = out->len;
  for (guint i = 0; i < n; i++)
    {
      if (!one_script)
        zero = zeros[eb_fuzz_below (fuzz, G_N_ELEMENTS (zeros))];
      if (i > 0 && eb_fuzz_chance (fuzz, 5))
        eb_fuzz_append_utf8 (out, invisible[eb_fuzz_below (fuzz, G_N_ELEMENTS (invisible))]);
      if (i > 0 && eb_fuzz_chance (fuzz, 4))
        eb_fuzz_append_utf8 (
            out, group_separators[eb_fuzz_below (fuzz, G_N_ELEMENTS (group_separators))]);
      eb_fuzz_append_utf8 (out, zero + eb_fuzz_below (fuzz, 10));
    }
  *end = out->len;
}

/* Context around the number: a mutated corpus text, as valid UTF-8
 * without NUL (the API refuses both before the guard runs). */
static char *
context (EbFuzz *fuzz)
{
  g_autoptr (GByteArray) data = g_byte_array_new ();
  gsize size = 0;
  const guint8 *seed = g_bytes_get_data (eb_fuzz_pick (fuzz), &size);
  guint from = eb_fuzz_below (fuzz, (guint)size);

  g_byte_array_append (data, seed + from, (guint)MIN (size - from, 80u));
  if (eb_fuzz_chance (fuzz, 2))
    eb_fuzz_mutate (fuzz, data, tokens, 160);
  for (guint i = 0; i < data->len; i++)
    {
      if (data->data[i] == '\0')
        data->data[i] = ' ';
    }
  return g_utf8_make_valid ((const char *)data->data, data->len);
}

static void
test_record_numbers (void)
{
  EbFuzz fuzz = { 0 };
  guint by_mrn = 0;

  eb_fuzz_init (&fuzz, "deid", 1234567, 50000, 8);
  while (eb_fuzz_next (&fuzz))
    {
      g_autoptr (GByteArray) text = g_byte_array_new ();
      g_autoptr (GPtrArray) violations = NULL;
      g_autofree char *head = context (&fuzz);
      g_autofree char *tail = context (&fuzz);
      const char *open = before[eb_fuzz_below (&fuzz, G_N_ELEMENTS (before))];
      const char *close = after[eb_fuzz_below (&fuzz, G_N_ELEMENTS (after))];
      gboolean prefix = eb_fuzz_chance (&fuzz, 4);
      guint separators = (prefix ? 1 : 0) + eb_fuzz_below (&fuzz, 3);
      guint start = 0, end = 0;
      gboolean found = FALSE;
      const char *shown;

      if (eb_fuzz_chance (&fuzz, 4))
        head[0] = '\0';
      g_byte_array_append (text, (const guint8 *)head, (guint)strlen (head));
      g_byte_array_append (text, (const guint8 *)open, (guint)strlen (open));
      append_label (&fuzz, text);
      for (guint i = 0; i < separators; i++)
        eb_fuzz_append_utf8 (
            text, label_separators[eb_fuzz_below (&fuzz, G_N_ELEMENTS (label_separators))]);
      if (prefix)
        {
          guint letters = 1 + eb_fuzz_below (&fuzz, 3);

          for (guint i = 0; i < letters; i++)
            {
              char c = (char)((eb_fuzz_chance (&fuzz, 2) ? 'a' : 'A') + eb_fuzz_below (&fuzz, 26));

              g_byte_array_append (text, (const guint8 *)&c, 1);
            }
          if (eb_fuzz_chance (&fuzz, 2))
            g_byte_array_append (text, (const guint8 *)(eb_fuzz_chance (&fuzz, 2) ? "-" : " "), 1);
        }
      append_number (&fuzz, text, &start, &end);
      g_byte_array_append (text, (const guint8 *)close, (guint)strlen (close));
      if (close[0] != '\0')
        g_byte_array_append (text, (const guint8 *)tail, (guint)strlen (tail));
      shown = eb_fuzz_cstr (text);

      violations = check_text (&fuzz, shown);
      for (guint i = 0; i < violations->len && !found; i++)
        {
          const EbViolation *v = g_ptr_array_index (violations, i);

          found = v->span_start < (gint)end && (gint)start < v->span_end;
          if (found && strcmp (v->rule, "deid-mrn") == 0)
            by_mrn++;
        }
      eb_fuzz_check (&fuzz, found, text->data, text->len, "a medical record number went through");
    }
  g_test_message ("%u of %" G_GUINT64_FORMAT " flagged as deid-mrn, the rest by other rules",
                  by_mrn, fuzz.iteration);
  g_assert_cmpuint (by_mrn, >, fuzz.iteration / 2);
  eb_fuzz_clear (&fuzz);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_log_set_fatal_handler (fatal_handler_cb, NULL);

  g_test_add_func ("/eboard/fuzz/deid/mutations", test_mutations);
  g_test_add_func ("/eboard/fuzz/deid/record-numbers", test_record_numbers);
  return g_test_run ();
}
