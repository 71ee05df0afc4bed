/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-agenda.h>
#include <eboard/eb-deid.h>

typedef struct
{
  const char *rule;
  const char *match; /* the exact text the span must cover */
} Expected;

/* Checks that @text yields exactly @expected (in order), each span
 * covering exactly the expected bytes, and that no detail quotes the
 * matched text. */
static void
assert_deid (const char *text, const Expected *expected, guint n_expected)
{
  g_autoptr (GPtrArray) found = eb_deid_check ("summary", text);
  const char *search_from = text;

  if (found->len != n_expected)
    {
      for (guint i = 0; i < found->len; i++)
        {
          const EbViolation *v = g_ptr_array_index (found, i);
          g_test_message ("found %s [%d, %d) \"%.*s\"", v->rule, v->span_start, v->span_end,
                          v->span_end - v->span_start, text + v->span_start);
        }
      g_test_message ("in: %s", text);
    }
  g_assert_cmpuint (found->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      const EbViolation *v = g_ptr_array_index (found, i);
      const char *at = strstr (search_from, expected[i].match);

      g_assert_nonnull (at);
      g_assert_cmpstr (v->rule, ==, expected[i].rule);
      g_assert_cmpstr (v->field, ==, "summary");
      g_assert_cmpint (v->span_start, ==, (gint)(at - text));
      g_assert_cmpint (v->span_end, ==, (gint)(at - text + strlen (expected[i].match)));
      g_assert_nonnull (v->detail);
      g_assert_nonnull (strstr (v->detail, expected[i].rule));
      g_assert_null (strstr (v->detail, expected[i].match));
      search_from = at + strlen (expected[i].match);
    }
}

static void
assert_clean (const char *text)
{
  assert_deid (text, NULL, 0);
}

#define ASSERT_ONE(text, rule, match)                                                              \
  G_STMT_START                                                                                     \
  {                                                                                                \
    const Expected e[] = { { rule, match } };                                                      \
    assert_deid (text, e, 1);                                                                      \
  }                                                                                                \
  G_STMT_END

static void
test_clean_clinical_text (void)
{
  const char *clean[] = {
    "65-year-old man, T3N1M0, 4 cycles FOLFOX, CEA 12.3, ECOG 1, PSA 4.5 ng/mL, "
    "2 cm lesion at 3 o'clock",
    "65 yo woman, diagnosed March 2019, treated in 2019 and 2020.",
    "Gleason 4+3=7, Ki-67 30%, HER2 3+, ER 95% PR 80%, PD-L1 TPS 50%.",
    "BRCA1 c.68_69delAG; KRAS G12D; MSI-high; TMB 12 mut/Mb.",
    "Mass 1.5 x 2.3 x 4.1 cm, pT2N0 (0/12 nodes), 10/12 nodes in the second specimen.",
    "50.4 Gy in 28 fractions, then 5-FU 2400 mg/m2 over 46 h, q2w.",
    "CA 19-9 of 1200 U/mL, WBC 4.5, hemoglobin 12.1 g/dL, BP 120/80, HR 72.",
    "Stage IIIB, Oncotype DX 18, ICD-10 C18.7, NCT01234567.",
    "Seen 3/14, restaging due 12/2019, tumor board in Q3 2021.",
    "Scans at 09:00, ratio 1:2, pH 7.35, grade 2-3, 3-4 cycles planned.",
    "Versions 2.4.10 and 1.2.3 of the protocol; dose 1/2/3 escalation.",
    "Previously treated at another center; may benefit from 2 more cycles in 2024.",
    "Cell count 1.2 - 3.4 x10^9/L; mobile lesion 3 cm; phone follow-up planned.",
    "The patient was born in 1961 and is a first-born child.",
    "Question: adjuvant chemotherapy or surveillance? Record review pending.",
    "MRN pending; DOB withheld; contact via coordinator.",
    "Tumor size 123 mm; 45 lymph nodes; 6789 cells counted.",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (clean); i++)
    assert_clean (clean[i]);
  {
    g_autoptr (GPtrArray) none = eb_deid_check ("summary", NULL);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

static void
test_ssn (void)
{
  ASSERT_ONE ("SS number 123-45-6789 on file", "deid-ssn", "123-45-6789");
  ASSERT_ONE ("123 45 6789", "deid-ssn", "123 45 6789");
  ASSERT_ONE ("SSN: 123456789.", "deid-ssn", "SSN: 123456789");
  ASSERT_ONE ("social security number 123 45 6789", "deid-ssn",
              "social security number 123 45 6789");
  /* not the shape: more digits around, or other groupings */
  assert_clean ("accession 1123-45-67890 and 12-345-6789");
  assert_clean ("lot A123-45-6789B");
}

static void
test_phone (void)
{
  ASSERT_ONE ("call (612) 555-0199 today", "deid-phone", "(612) 555-0199");
  ASSERT_ONE ("call 612-555-0199.", "deid-phone", "612-555-0199");
  ASSERT_ONE ("612.555.0199", "deid-phone", "612.555.0199");
  ASSERT_ONE ("reach +1 612 555 0199 or", "deid-phone", "+1 612 555 0199");
  ASSERT_ONE ("reach 1-612-555-0199", "deid-phone", "1-612-555-0199");
  ASSERT_ONE ("(612)555-0199", "deid-phone", "(612)555-0199");
  ASSERT_ONE ("tel: 555-0199", "deid-phone", "tel: 555-0199");
  ASSERT_ONE ("Phone 555 0199 ext", "deid-phone", "Phone 555 0199");
  /* ages, years, ranges and SSNs are not phone numbers */
  assert_clean ("65 yo, 2019, 120-1500 mg, 612-555, 612 555 01999");
  ASSERT_ONE ("123-45-6789", "deid-ssn", "123-45-6789");
}

static void
test_email (void)
{
  ASSERT_ONE ("write to jane.doe+tb@example-hospital.org.", "deid-email",
              "jane.doe+tb@example-hospital.org");
  ASSERT_ONE ("J_Smith5551234567@mail.example.com", "deid-email",
              "J_Smith5551234567@mail.example.com");
  assert_clean ("see @coordinator and a@b, user@localhost");
}

static void
test_dob (void)
{
  ASSERT_ONE ("DOB 03/14/1961, seen today", "deid-dob", "DOB 03/14/1961");
  ASSERT_ONE ("D.O.B.: 3/14/61", "deid-dob", "D.O.B.: 3/14/61");
  ASSERT_ONE ("date of birth 14 March 1961", "deid-dob", "date of birth 14 March 1961");
  ASSERT_ONE ("born on March 14, 1961 in", "deid-dob", "born on March 14, 1961");
  ASSERT_ONE ("born in March 1961", "deid-dob", "born in March 1961");
  ASSERT_ONE ("DOB: 12/2019", "deid-dob", "DOB: 12/2019");
  /* any full calendar date, with or without a keyword */
  ASSERT_ONE ("surgery 03/14/1961.", "deid-dob", "03/14/1961");
  ASSERT_ONE ("on 1961-03-14 a biopsy", "deid-dob", "1961-03-14");
  ASSERT_ONE ("on 14 March 1961 a biopsy", "deid-dob", "14 March 1961");
  ASSERT_ONE ("on March 14, 1961 a biopsy", "deid-dob", "March 14, 1961");
  ASSERT_ONE ("on Mar. 14th 1961", "deid-dob", "Mar. 14th 1961");
  ASSERT_ONE ("on 14-Mar-1961", "deid-dob", "14-Mar-1961");
  ASSERT_ONE ("on 14.03.1961", "deid-dob", "14.03.1961");
  ASSERT_ONE ("on 31/12/2020", "deid-dob", "31/12/2020");
  /* partial dates and impossible ones pass */
  assert_clean ("March 2019, 2019, 3/14, 12/2019, Q1 2020, 13/13/2020, 2020-13-01");
}

static void
test_mrn (void)
{
  ASSERT_ONE ("MRN 1234567", "deid-mrn", "MRN 1234567");
  ASSERT_ONE ("(MRN: 1234567)", "deid-mrn", "MRN: 1234567");
  ASSERT_ONE ("MR# 1234567", "deid-mrn", "MR# 1234567");
  ASSERT_ONE ("medical record number 1234567", "deid-mrn", "medical record number 1234567");
  ASSERT_ONE ("record no. 1234567", "deid-mrn", "record no. 1234567");
  ASSERT_ONE ("mrn:12345", "deid-mrn", "mrn:12345");
  /* too short to be a record number */
  assert_clean ("MRN 1234 and record no. 12");
}

static void
test_overlaps_and_multiple (void)
{
  /* the keyword form wins over the bare date, and is reported once */
  {
    const Expected e[] = {
      { "deid-mrn", "MRN 1234567" },      { "deid-dob", "DOB 03/14/1961" },
      { "deid-phone", "(612) 555-0199" }, { "deid-email", "pt@example.com" },
      { "deid-ssn", "123-45-6789" },
    };
    assert_deid ("MRN 1234567, DOB 03/14/1961, (612) 555-0199, pt@example.com, 123-45-6789.", e,
                 G_N_ELEMENTS (e));
  }
  /* the same identifier twice is two spans */
  {
    const Expected e[] = {
      { "deid-phone", "612-555-0199" },
      { "deid-phone", "612-555-0199" },
    };
    assert_deid ("612-555-0199 or 612-555-0199", e, G_N_ELEMENTS (e));
  }
  /* byte offsets, after multi-byte characters */
  {
    const char *text = "Pt. \xc3\xa9l\xc3\xa8ve, MRN 1234567";
    g_autoptr (GPtrArray) found = eb_deid_check ("question", text);
    const EbViolation *v;

    g_assert_cmpuint (found->len, ==, 1);
    v = g_ptr_array_index (found, 0);
    g_assert_cmpstr (v->field, ==, "question");
    g_assert_cmpint (v->span_start, ==, 13);
    g_assert_cmpint (v->span_end, ==, 24);
  }
}

/* Dashes, spaces and digits from outside ASCII: the spans are the bytes of
 * the original text. */
static void
test_unicode_separators (void)
{
  /* en dash, U+2010 hyphen, U+2011 non-breaking hyphen, minus sign */
  ASSERT_ONE ("SSN 123\u201345\u20136789 on file", "deid-ssn", "SSN 123\u201345\u20136789");
  ASSERT_ONE ("id 123\u201345\u20136789.", "deid-ssn", "123\u201345\u20136789");
  ASSERT_ONE ("123\u201045\u20106789", "deid-ssn", "123\u201045\u20106789");
  ASSERT_ONE ("123\u201145\u20116789", "deid-ssn", "123\u201145\u20116789");
  ASSERT_ONE ("123\u221245\u22126789", "deid-ssn", "123\u221245\u22126789");
  /* fullwidth digits, with ASCII and fullwidth hyphens */
  ASSERT_ONE ("x \uff11\uff12\uff13-\uff14\uff15-\uff16\uff17\uff18\uff19 y", "deid-ssn",
              "\uff11\uff12\uff13-\uff14\uff15-\uff16\uff17\uff18\uff19");
  ASSERT_ONE ("\uff11\uff12\uff13\uff0d\uff14\uff15\uff0d\uff16\uff17\uff18\uff19", "deid-ssn",
              "\uff11\uff12\uff13\uff0d\uff14\uff15\uff0d\uff16\uff17\uff18\uff19");
  ASSERT_ONE ("SSN \uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19", "deid-ssn",
              "SSN \uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19");
  /* no-break and ideographic spaces */
  ASSERT_ONE ("123\u00a045\u00a06789", "deid-ssn", "123\u00a045\u00a06789");
  ASSERT_ONE ("123\u300045\u30006789", "deid-ssn", "123\u300045\u30006789");
  /* invisible characters between the digits */
  ASSERT_ONE ("a 123-45\u00ad-67\u200b89 b", "deid-ssn", "123-45\u00ad-67\u200b89");
  ASSERT_ONE ("123\u200e-45\u202e-6789", "deid-ssn", "123\u200e-45\u202e-6789");
  /* Arabic-Indic digits */
  ASSERT_ONE ("\u0665\u0665\u0665-\u0661\u0662\u0663-\u0664\u0665\u0666\u0667", "deid-phone",
              "\u0665\u0665\u0665-\u0661\u0662\u0663-\u0664\u0665\u0666\u0667");
  ASSERT_ONE ("DOB 3\u201314\u20131961", "deid-dob", "DOB 3\u201314\u20131961");
  ASSERT_ONE ("on 1961\u201303\u201314 a biopsy", "deid-dob", "1961\u201303\u201314");
  ASSERT_ONE ("on \uff10\uff13/\uff11\uff14/\uff11\uff19\uff16\uff11.", "deid-dob",
              "\uff10\uff13/\uff11\uff14/\uff11\uff19\uff16\uff11");
  ASSERT_ONE ("call 555\u2013123\u20134567", "deid-phone", "555\u2013123\u20134567");
  ASSERT_ONE ("tel.\u00a0555\u00a00199", "deid-phone", "tel.\u00a0555\u00a00199");
  ASSERT_ONE ("\uff2d\uff32\uff2e \uff11\uff12\uff13\uff14\uff15\uff16\uff17", "deid-mrn",
              "\uff2d\uff32\uff2e \uff11\uff12\uff13\uff14\uff15\uff16\uff17");
  ASSERT_ONE ("MRN\u200b 1234567", "deid-mrn", "MRN\u200b 1234567");
  ASSERT_ONE ("mail jane\uff20example.org", "deid-email", "jane\uff20example.org");
  /* the span ends where the identifier ends, not after what follows */
  ASSERT_ONE ("\u00e9 MRN 1234567\u200b \u00e9", "deid-mrn", "MRN 1234567");
}

static void
test_phone_keywords_and_international (void)
{
  ASSERT_ONE ("call 5551234567 after 5", "deid-phone", "5551234567");
  ASSERT_ONE ("Call: 555 123 4567", "deid-phone", "555 123 4567");
  ASSERT_ONE ("ph 555-1234567", "deid-phone", "ph 555-1234567");
  ASSERT_ONE ("Ph: 5551234567", "deid-phone", "Ph: 5551234567");
  ASSERT_ONE ("tel. 5551234567", "deid-phone", "tel. 5551234567");
  ASSERT_ONE ("phone 5551234567", "deid-phone", "phone 5551234567");
  ASSERT_ONE ("cell 5551234567", "deid-phone", "cell 5551234567");
  ASSERT_ONE ("cell phone 5551234567", "deid-phone", "cell phone 5551234567");
  ASSERT_ONE ("mobile 555 1234567", "deid-phone", "mobile 555 1234567");
  ASSERT_ONE ("daughter at +44 20 7946 0958.", "deid-phone", "+44 20 7946 0958");
  ASSERT_ONE ("+33 1 42 68 53 00", "deid-phone", "+33 1 42 68 53 00");
  ASSERT_ONE ("+49 (30) 901820", "deid-phone", "+49 (30) 901820");
  ASSERT_ONE ("+44\u00a020\u00a07946\u00a00958", "deid-phone", "+44\u00a020\u00a07946\u00a00958");
  ASSERT_ONE ("+4420-7946-0958", "deid-phone", "+4420-7946-0958");
  /* not phone numbers: pH values, short runs, doses with a plus */
  assert_clean ("pH 7.35 7.40 7.45 over 3 days; will call back in 2 weeks; call 911.");
  assert_clean ("Gleason 4+3=7, +2 cycles, +10% in 3 months, HER2 3+ 2 cm.");
}

static void
test_mrn_keywords (void)
{
  ASSERT_ONE ("MRN 12 34 567", "deid-mrn", "MRN 12 34 567");
  ASSERT_ONE ("MRN 12-34-567.", "deid-mrn", "MRN 12-34-567");
  ASSERT_ONE ("pt #1234567", "deid-mrn", "pt #1234567");
  ASSERT_ONE ("Pt# 1234567", "deid-mrn", "Pt# 1234567");
  ASSERT_ONE ("patient no. 1234567", "deid-mrn", "patient no. 1234567");
  ASSERT_ONE ("patient number 1234567", "deid-mrn", "patient number 1234567");
  ASSERT_ONE ("hospital number 1234567", "deid-mrn", "hospital number 1234567");
  ASSERT_ONE ("hospital no 1234567", "deid-mrn", "hospital no 1234567");
  ASSERT_ONE ("chart # 1234567", "deid-mrn", "chart # 1234567");
  assert_clean ("pt 2 of 3 cycles, patient #3 of the trial, hospital stay 12 days, chart review");
}

/* Clinical text with dashes, spaces and digits from outside ASCII stays
 * clean too. */
static void
test_clean_unicode_text (void)
{
  const char *clean[] = {
    "4\u20136 cycles, 2\u20133 cm, stage II\u2013III, 10\u201312 nodes, ECOG 0\u20131.",
    "treated 2019\u20132020, CA 19\u20119 of 1200 U/mL, 65\u2011year\u2011old man.",
    "\uff30\uff33\uff21 \uff14.\uff15 ng/mL, \uff23\uff25\uff21 \uff11\uff12.\uff13, 3\u00a0cm.",
    "Cell count 1.2 \u2013 3.4 \u00d710\u2079/L; dose 2400\u00a0mg/m\u00b2 over 46\u00a0h.",
    "Seen 3\u201314, restaging due 12\u20132019, grade 2\u20133, BP 120/80.",
    "Versions 2.4.10 and 1.2.3; \u2212\u200b3 dB; T3N1M0; Ki\u201167 30%.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (clean); i++)
    assert_clean (clean[i]);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr (GPtrArray) found = eb_deid_check ("summary", "MRN \xff 1234567");

  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((EbViolation *)g_ptr_array_index (found, 0))->rule, ==, "invalid-field");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/eboard/core/deid/clean", test_clean_clinical_text);
  g_test_add_func ("/eboard/core/deid/ssn", test_ssn);
  g_test_add_func ("/eboard/core/deid/phone", test_phone);
  g_test_add_func ("/eboard/core/deid/email", test_email);
  g_test_add_func ("/eboard/core/deid/dob", test_dob);
  g_test_add_func ("/eboard/core/deid/mrn", test_mrn);
  g_test_add_func ("/eboard/core/deid/overlaps", test_overlaps_and_multiple);
  g_test_add_func ("/eboard/core/deid/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/eboard/core/deid/unicode-separators", test_unicode_separators);
  g_test_add_func ("/eboard/core/deid/phone-keywords", test_phone_keywords_and_international);
  g_test_add_func ("/eboard/core/deid/mrn-keywords", test_mrn_keywords);
  g_test_add_func ("/eboard/core/deid/clean-unicode", test_clean_unicode_text);
  return g_test_run ();
}
