/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <stdlib.h>
#include <string.h>

#include <eboard/eb-deid.h>

/*
 * The de-identification guard. Case text crosses site boundaries, so it
 * must not carry the identifiers of the HIPAA Safe Harbor list that can be
 * told from their shape: Social Security numbers, phone numbers, e-mail
 * addresses, dates of birth (and, to be safe, any full calendar date) and
 * medical record numbers.
 *
 * Each pattern yields candidate spans; where candidates overlap, the most
 * specific pattern wins (an e-mail address over the digits inside it, "DOB
 * 03/14/1961" over the bare date), so each offending span is reported
 * once. The details name the rule and the byte range, never the matched
 * text: that text is patient data and must not reach logs or responses.
 *
 * The patterns read a folded copy of the text (see eb_deid_fold()): every
 * Unicode decimal digit becomes its ASCII digit, every dash an ASCII
 * hyphen, every space an ASCII space, fullwidth ASCII forms their ASCII
 * letter or sign, and invisible format characters (soft hyphen, zero-width
 * space, bidirectional marks) are dropped. An SSN written with fullwidth
 * digits and en dashes is thus read as "123-45-6789", and each span found
 * in the folded copy is mapped back to the bytes of the original text.
 */

#define EB_DEID_MONTH                                                                              \
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"                \
  "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\\.?"
#define EB_DEID_ORDINAL "(?:st|nd|rd|th)?"
#define EB_DEID_YEAR "(?<y>[0-9]{4}|'[0-9]{2})(?![0-9])"
/* After a date keyword anything date-like is refused, even without a year. */
#define EB_DEID_DATEISH                                                                            \
  "(?:[0-9]{1,4}(?:[/.-][0-9]{1,4}){1,2}"                                                          \
  "|[0-9]{1,2}" EB_DEID_ORDINAL "(?:\\s+of)?[\\s.-]*" EB_DEID_MONTH                                \
  "(?:[\\s,.-]+(?:[0-9]{4}|'[0-9]{2}))?"                                                           \
  "|" EB_DEID_MONTH "(?:\\s*[0-9]{1,2}" EB_DEID_ORDINAL                                            \
  "(?![0-9]))?(?:,?\\s*(?:[0-9]{4}|'[0-9]{2}))?)"

typedef gboolean (*EbDeidAccept) (GMatchInfo *match);

/* @span_group: (nullable): the named group that is the offending span,
 * when the words before it are not part of it (e.g. "call"); %NULL for
 * the whole match. */
typedef struct
{
  const char *rule;
  const char *what;
  int priority;
  const char *pattern;
  EbDeidAccept accept;
  const char *span_group;
} EbDeidPattern;

typedef struct
{
  const EbDeidPattern *pattern;
  gint start;
  gint end;
} EbDeidSpan;

static gint
eb_deid_group_int (GMatchInfo *match, const char *name)
{
  g_autofree char *text = g_match_info_fetch_named (match, name);

  if (text == NULL || text[0] == '\0')
    return -1;
  if (text[0] == '\'')
    return (gint)strtol (text + 1, NULL, 10);
  return (gint)strtol (text, NULL, 10);
}

static gboolean
eb_deid_year_is_plausible (GMatchInfo *match)
{
  g_autofree char *text = g_match_info_fetch_named (match, "y");
  gint year = eb_deid_group_int (match, "y");

  /* Two-digit years ("'61", "3/14/61") are always plausible. */
  if (text != NULL && strlen (text) != 4)
    return TRUE;
  return year >= 1800 && year <= 2199;
}

static gboolean
eb_deid_accept_numeric_date (GMatchInfo *match)
{
  g_autofree char *sep = g_match_info_fetch_named (match, "sep");
  g_autofree char *year = g_match_info_fetch_named (match, "y");
  gint a = eb_deid_group_int (match, "a");
  gint b = eb_deid_group_int (match, "b");

  /* "2.4.10" is more likely a version or a list than a date. */
  if (g_strcmp0 (sep, ".") == 0 && year != NULL && strlen (year) != 4)
    return FALSE;
  if (!eb_deid_year_is_plausible (match))
    return FALSE;
  /* Month/day (US) or day/month (elsewhere). */
  return (a >= 1 && a <= 12 && b >= 1 && b <= 31) || (a >= 1 && a <= 31 && b >= 1 && b <= 12);
}

static gboolean
eb_deid_accept_iso_date (GMatchInfo *match)
{
  gint m = eb_deid_group_int (match, "m");
  gint d = eb_deid_group_int (match, "d");

  return eb_deid_year_is_plausible (match) && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static gboolean
eb_deid_accept_named_month_date (GMatchInfo *match)
{
  gint d = eb_deid_group_int (match, "d");

  return eb_deid_year_is_plausible (match) && d >= 1 && d <= 31;
}

static guint
eb_deid_count_digits (GMatchInfo *match, const char *group)
{
  g_autofree char *text = g_match_info_fetch_named (match, group);
  guint n = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        n++;
    }
  return n;
}

static gboolean
eb_deid_accept_phone_keyword (GMatchInfo *match)
{
  guint n = eb_deid_count_digits (match, "n");

  return n >= 7 && n <= 15;
}

static gboolean
eb_deid_accept_mrn (GMatchInfo *match)
{
  return eb_deid_count_digits (match, "n") >= 5;
}

/* E.164 numbers have at most 15 digits, country code included. */
static gboolean
eb_deid_accept_international (GMatchInfo *match)
{
  guint n = eb_deid_count_digits (match, "cc") + eb_deid_count_digits (match, "n");

  return n >= 8 && n <= 15;
}

/* Word boundaries are spelled out so that digits and letters, not
 * Unicode word classes, decide where a number starts and ends. The text
 * is folded first, so "[0-9]", "-" and " " stand for every digit, dash and
 * space. */
static const EbDeidPattern patterns[] = {
  { "deid-email", "an e-mail address", 100,
    "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}(?![A-Za-z0-9-])",
    NULL, NULL },
  /* The number may be grouped by single hyphens or spaces ("12 34 567"). */
  { "deid-mrn", "a medical record number", 90,
    "(?<![a-z])(?:mrn|mr\\s*#|mr\\s+(?:no\\.?|number)"
    "|medical\\s+record(?:\\s+(?:number|no\\.?|#))?"
    "|record\\s+(?:number|no\\.?|#)|patient\\s+id(?:entifier)?(?:\\s+(?:number|no\\.?|#))?"
    "|(?:pt|patient)\\s*(?:#|no\\.?|number)|hospital\\s+(?:number|no\\.?|#|id)"
    "|chart\\s+(?:number|no\\.?|#))"
    "(?![a-z])[\\s:#.=-]*(?:[a-z]{1,3}[- ]?)?(?<n>[0-9](?:[0-9]|[- ](?=[0-9]))*[0-9])(?![0-9])",
    eb_deid_accept_mrn, NULL },
  { "deid-dob", "a date of birth", 80,
    "(?<![a-z])(?:dob|d\\.o\\.b\\.?|date\\s+of\\s+birth|birth\\s*date|born(?:\\s+(?:on|in))?)"
    "(?![a-z])[\\s:#.=-]*" EB_DEID_DATEISH,
    NULL, NULL },
  { "deid-ssn", "a US Social Security number", 75,
    "(?<![a-z])(?:ssn|ss#|social\\s+security(?:\\s+(?:number|no\\.?|#))?)(?![a-z])[\\s:#.=-]*"
    "[0-9]{3}[-. ]?[0-9]{2}[-. ]?[0-9]{4}(?![0-9])",
    NULL, NULL },
  { "deid-ssn", "a US Social Security number", 70,
    "(?<![A-Za-z0-9_])[0-9]{3}(?<sep>[-. ])[0-9]{2}\\k<sep>[0-9]{4}(?![A-Za-z0-9_])", NULL, NULL },
  /* "pH 7.4" is a measurement, "ph 555-1234567" a phone number: "ph" is
   * matched case-sensitively. */
  { "deid-phone", "a phone number", 65,
    "(?<![a-z])(?:phone|telephone|tel|(?-i:ph|Ph|PH)|cell|mobile|fax|pager)"
    "(?:\\s+phone)?(?:\\s*(?:no\\.?|number|#))?"
    "(?![a-z])[\\s:#.=-]*(?<n>\\+?[0-9][0-9 ().-]{5,}[0-9])(?![0-9])",
    eb_deid_accept_phone_keyword, NULL },
  /* After "call" the number alone is the span ("call" is not a label). */
  { "deid-phone", "a phone number", 65,
    "(?<![a-z])call(?:\\s+(?:me|us|them|him|her|at|on))?(?![a-z])[\\s:#.=-]*"
    "(?<n>\\+?[0-9][0-9 ().-]{5,}[0-9])(?![0-9])",
    eb_deid_accept_phone_keyword, "n" },
  /* +<country code> and groups: "+44 20 7946 0958", "+49 (30) 901820". */
  { "deid-phone", "a phone number", 62,
    "(?<![A-Za-z0-9_+])\\+(?<cc>[1-9][0-9]{0,2})(?<n>(?:[-. ]?\\(?[0-9]{1,5}\\)?){2,6})"
    "(?![0-9]|[-.][0-9])",
    eb_deid_accept_international, NULL },
  { "deid-phone", "a phone number", 60,
    "(?<![A-Za-z0-9_+])(?:\\+?1[-. ]?)?(?:\\([0-9]{3}\\)\\s?|[0-9]{3}[-. ])[0-9]{3}[-. ][0-9]{4}"
    "(?![A-Za-z0-9_]|[-.][0-9])",
    NULL, NULL },
  { "deid-dob", "a full calendar date (a possible date of birth)", 50,
    "(?<![0-9./-])(?<a>[0-9]{1,2})(?<sep>[/.-])(?<b>[0-9]{1,2})\\k<sep>(?<y>[0-9]{4}|[0-9]{2})"
    "(?![0-9]|[./-][0-9])",
    eb_deid_accept_numeric_date, NULL },
  { "deid-dob", "a full calendar date (a possible date of birth)", 50,
    "(?<![0-9./-])(?<y>[0-9]{4})(?<sep>[/.-])(?<m>[0-9]{1,2})\\k<sep>(?<d>[0-9]{1,2})"
    "(?![0-9]|[./-][0-9])",
    eb_deid_accept_iso_date, NULL },
  { "deid-dob", "a full calendar date (a possible date of birth)", 50,
    "(?<![a-z0-9])(?<d>[0-9]{1,2})" EB_DEID_ORDINAL "(?:\\s+of)?[\\s.-]*" EB_DEID_MONTH
    "[\\s,.-]+" EB_DEID_YEAR,
    eb_deid_accept_named_month_date, NULL },
  { "deid-dob", "a full calendar date (a possible date of birth)", 50,
    "(?<![a-z])" EB_DEID_MONTH "\\s*(?<d>[0-9]{1,2})" EB_DEID_ORDINAL
    "(?![0-9])(?:,\\s*|\\s+)" EB_DEID_YEAR,
    eb_deid_accept_named_month_date, NULL },
};

/*
 * The folded copy of a text and, for each of its bytes, the bytes of the
 * original character it came from (a character copied unchanged maps byte
 * for byte).
 */
typedef struct
{
  GString *text;
  GArray *starts; /* gint per folded byte */
  GArray *ends;   /* gint per folded byte */
} EbDeidFolded;

static void
eb_deid_folded_clear (EbDeidFolded *folded)
{
  if (folded->text != NULL)
    g_string_free (folded->text, TRUE);
  g_clear_pointer (&folded->starts, g_array_unref);
  g_clear_pointer (&folded->ends, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EbDeidFolded, eb_deid_folded_clear)

/* What the patterns read for @c: an ASCII character, 0 to drop it, or @c
 * itself to keep it as it is. */
static gunichar
eb_deid_fold_char (gunichar c)
{
  gint digit;

  if (c < 0x80)
    return c;
  digit = g_unichar_digit_value (c);
  if (digit >= 0)
    return '0' + digit;
  /* Fullwidth forms of the ASCII letters, digits and signs. */
  if (c >= 0xff01 && c <= 0xff5e)
    return c - 0xfee0;
  switch (g_unichar_type (c))
    {
      case G_UNICODE_DASH_PUNCTUATION:
        return '-';
      case G_UNICODE_SPACE_SEPARATOR:
      case G_UNICODE_LINE_SEPARATOR:
      case G_UNICODE_PARAGRAPH_SEPARATOR:
        return ' ';
      case G_UNICODE_FORMAT:
        return 0;
      default:
        break;
    }
  switch (c)
    {
      case 0x2043: /* hyphen bullet */
      case 0x2212: /* minus sign */
        return '-';
      case 0x2024: /* one dot leader */
        return '.';
      default:
        return c;
    }
}

static void
eb_deid_fold (const char *text, EbDeidFolded *folded)
{
  gsize length = strlen (text);

  folded->text = g_string_sized_new (length);
  folded->starts = g_array_sized_new (FALSE, FALSE, sizeof (gint), length);
  folded->ends = g_array_sized_new (FALSE, FALSE, sizeof (gint), length);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gunichar folded_c = eb_deid_fold_char (c);
      gint start = (gint)(p - text);
      gint end = (gint)(g_utf8_next_char (p) - text);

      if (folded_c == 0)
        continue;
      if (folded_c < 0x80)
        {
          g_string_append_c (folded->text, (char)folded_c);
          g_array_append_val (folded->starts, start);
          g_array_append_val (folded->ends, end);
          continue;
        }
      /* Copied as it is: byte for byte. */
      for (gint i = start; i < end; i++)
        {
          gint next = i + 1;

          g_string_append_c (folded->text, text[i]);
          g_array_append_val (folded->starts, i);
          g_array_append_val (folded->ends, next);
        }
    }
}

/* Maps the span [@start, @end) of the folded text back to the original. */
static void
eb_deid_unfold_span (const EbDeidFolded *folded, gint *start, gint *end)
{
  gint s = *start;
  gint e = *end;

  if (folded->starts->len == 0)
    {
      *start = *end = 0;
      return;
    }
  s = CLAMP (s, 0, (gint)folded->starts->len - 1);
  e = CLAMP (e, s + 1, (gint)folded->ends->len);
  *start = g_array_index (folded->starts, gint, s);
  *end = g_array_index (folded->ends, gint, e - 1);
}

static GRegex **
eb_deid_regexes (void)
{
  static GRegex **regexes = NULL;

  if (g_once_init_enter (&regexes))
    {
      GRegex **compiled = g_new0 (GRegex *, G_N_ELEMENTS (patterns));

      for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
        {
          g_autoptr (GError) error = NULL;

          compiled[i]
              = g_regex_new (patterns[i].pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &error);
          /* The patterns are constants: a failure is a bug caught by the
           * tests, never a runtime condition. */
          if (compiled[i] == NULL)
            g_error ("de-identification pattern %u does not compile: %s", i, error->message);
        }
      g_once_init_leave (&regexes, compiled);
    }
  return regexes;
}

static gint
eb_deid_span_compare_priority (gconstpointer a, gconstpointer b)
{
  const EbDeidSpan *x = a;
  const EbDeidSpan *y = b;

  if (x->pattern->priority != y->pattern->priority)
    return y->pattern->priority - x->pattern->priority;
  if (x->start != y->start)
    return x->start - y->start;
  return (y->end - y->start) - (x->end - x->start);
}

static gint
eb_deid_span_compare_start (gconstpointer a, gconstpointer b)
{
  const EbDeidSpan *x = a;
  const EbDeidSpan *y = b;

  return x->start - y->start;
}

static gboolean
eb_deid_match_span (const EbDeidPattern *pattern, GMatchInfo *match, gint *start, gint *end)
{
  if (pattern->span_group != NULL)
    return g_match_info_fetch_named_pos (match, pattern->span_group, start, end) && *start >= 0
           && *end > *start;
  return g_match_info_fetch_pos (match, 0, start, end) && *end > *start;
}

/* Collects the spans of @pattern in the folded text, in original bytes. */
static void
eb_deid_collect (const EbDeidPattern *pattern, GRegex *regex, const char *text,
                 const EbDeidFolded *folded, GArray *spans)
{
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GError) error = NULL;

  g_regex_match_full (regex, folded->text->str, (gssize)folded->text->len, 0, 0, &match, &error);
  while (error == NULL && g_match_info_matches (match))
    {
      EbDeidSpan span = { pattern, -1, -1 };

      if (eb_deid_match_span (pattern, match, &span.start, &span.end)
          && (pattern->accept == NULL || pattern->accept (match)))
        {
          eb_deid_unfold_span (folded, &span.start, &span.end);
          g_array_append_val (spans, span);
        }
      g_match_info_next (match, &error);
    }
  if (error != NULL)
    {
      /* e.g. the backtracking limit: refuse the whole text rather than
       * let something through unchecked. */
      EbDeidSpan all = { pattern, 0, (gint)strlen (text) };

      g_warning ("de-identification rule %s could not check a text: %s", pattern->rule,
                 error->message);
      g_array_append_val (spans, all);
    }
}

/**
 * eb_deid_check:
 * @field: the field name reported in violations
 * @text: UTF-8 text
 *
 * The de-identification guard: finds text that looks like a US Social
 * Security number, a phone number, an e-mail address, a date of birth or
 * any full calendar date, or a medical record number ("MRN 1234567"),
 * whatever dashes, spaces and digits (ASCII, fullwidth, other scripts)
 * it is written with.
 *
 * Returns: (transfer full) (element-type EbViolation): one violation per
 *   offending span (rule `deid-ssn`, `deid-phone`, `deid-email`,
 *   `deid-dob`, `deid-mrn`), ordered by position, empty when the text is
 *   clean
 */
GPtrArray *
eb_deid_check (const char *field, const char *text)
{
  GPtrArray *violations = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);
  g_autoptr (GArray) candidates = NULL;
  g_autoptr (GArray) accepted = NULL;
  g_auto (EbDeidFolded) folded = { NULL, NULL, NULL };
  GRegex **regexes;

  g_return_val_if_fail (field != NULL, violations);

  if (text == NULL || text[0] == '\0')
    return violations;
  if (!g_utf8_validate (text, -1, NULL))
    {
      /* GRegex needs UTF-8; callers reject other text before, but the
       * guard must never pass what it could not read. */
      EbViolation *v = eb_violation_new ("invalid-field", field,
                                         "%s is not valid UTF-8 and cannot be checked", field);
      g_ptr_array_add (violations, v);
      return violations;
    }

  regexes = eb_deid_regexes ();
  eb_deid_fold (text, &folded);
  candidates = g_array_new (FALSE, FALSE, sizeof (EbDeidSpan));
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    eb_deid_collect (&patterns[i], regexes[i], text, &folded, candidates);

  /* Most specific first; a candidate overlapping an accepted one is the
   * same identifier seen by a weaker pattern. */
  g_array_sort (candidates, eb_deid_span_compare_priority);
  accepted = g_array_new (FALSE, FALSE, sizeof (EbDeidSpan));
  for (guint i = 0; i < candidates->len; i++)
    {
      const EbDeidSpan *c = &g_array_index (candidates, EbDeidSpan, i);
      gboolean overlaps = FALSE;

      for (guint j = 0; j < accepted->len && !overlaps; j++)
        {
          const EbDeidSpan *a = &g_array_index (accepted, EbDeidSpan, j);
          overlaps = c->start < a->end && a->start < c->end;
        }
      if (!overlaps)
        g_array_append_val (accepted, *c);
    }
  g_array_sort (accepted, eb_deid_span_compare_start);

  for (guint i = 0; i < accepted->len; i++)
    {
      const EbDeidSpan *a = &g_array_index (accepted, EbDeidSpan, i);
      EbViolation *v = eb_violation_new (
          a->pattern->rule, field,
          "%s: bytes %d to %d look like %s; case text must be de-identified (rule %s)", field,
          a->start, a->end, a->pattern->what, a->pattern->rule);

      v->span_start = a->start;
      v->span_end = a->end;
      g_ptr_array_add (violations, v);
    }
  return violations;
}
