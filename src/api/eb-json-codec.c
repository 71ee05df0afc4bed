/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <stdarg.h>
#include <string.h>

#include "eb-json-codec-private.h"

/* --- instants --- */

char *
eb_json_format_instant (gint64 instant)
{
  g_autoptr (GDateTime) dt = NULL;

  if (instant == 0)
    return NULL;
  dt = g_date_time_new_from_unix_utc (instant);
  if (dt == NULL)
    return NULL;
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
eb_json_digits (const char *text, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* RFC 3339 section 5.6 `date-time`: the shape is checked here because
 * g_date_time_new_from_iso8601() also takes ISO 8601 forms (week dates,
 * ordinal dates, no seconds) that are not RFC 3339. */
static gboolean
eb_json_is_rfc3339 (const char *text)
{
  const char *p = text;

  if (strlen (text) < 20)
    return FALSE;
  if (!eb_json_digits (p, 4) || p[4] != '-' || !eb_json_digits (p + 5, 2) || p[7] != '-'
      || !eb_json_digits (p + 8, 2))
    return FALSE;
  if (p[10] != 'T' && p[10] != 't')
    return FALSE;
  p += 11;
  if (!eb_json_digits (p, 2) || p[2] != ':' || !eb_json_digits (p + 3, 2) || p[5] != ':'
      || !eb_json_digits (p + 6, 2))
    return FALSE;
  p += 8;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
    return TRUE;
  if (*p != '+' && *p != '-')
    return FALSE;
  p++;
  return eb_json_digits (p, 2) && p[2] == ':' && eb_json_digits (p + 3, 2) && p[5] == '\0';
}

gboolean
eb_json_parse_instant (const char *text, gint64 *instant)
{
  g_autoptr (GDateTime) dt = NULL;
  gint64 value;

  g_return_val_if_fail (instant != NULL, FALSE);

  if (text == NULL || !eb_json_is_rfc3339 (text))
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  value = g_date_time_to_unix (dt);
  if (value <= 0)
    return FALSE;
  *instant = value;
  return TRUE;
}

void
eb_json_add_instant (JsonBuilder *builder, const char *name, gint64 instant)
{
  g_autofree char *text = eb_json_format_instant (instant);

  json_builder_set_member_name (builder, name);
  if (text == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, text);
}

void
eb_json_add_id (JsonBuilder *builder, const char *name, EbId id)
{
  json_builder_set_member_name (builder, name);
  if (id == 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, id);
}

JsonNode *
eb_json_violation (const EbViolation *violation)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rule");
  json_builder_add_string_value (builder, violation->rule);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, violation->detail != NULL ? violation->detail : "");
  json_builder_set_member_name (builder, "field");
  if (violation->field != NULL)
    json_builder_add_string_value (builder, violation->field);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "span");
  if (violation->span_start >= 0 && violation->span_end >= violation->span_start)
    {
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, violation->span_start);
      json_builder_add_int_value (builder, violation->span_end);
      json_builder_end_array (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
eb_json_violations (GPtrArray *violations)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; violations != NULL && i < violations->len; i++)
    json_array_add_element (array, eb_json_violation (g_ptr_array_index (violations, i)));
  json_node_take_array (node, array);
  return node;
}

/* --- strict syntax (RFC 8259) --- */

/* Member names kept for messages (deeper ones are not named). */
#define EB_JSON_MAX_NAMED_DEPTH 32

typedef struct
{
  const char *data;
  gsize size;
  gsize pos;
  guint depth;
  guint max_depth;
  const char *problem;
  /* The member name at each depth (offset and length in @data; length 0
   * within an array), to name the field of a problem. */
  gsize key_start[EB_JSON_MAX_NAMED_DEPTH + 1];
  gsize key_length[EB_JSON_MAX_NAMED_DEPTH + 1];
  /* A string (a member name when @nul_in_key) holds U+0000; @nul_field
   * (nullable) names the member. */
  gboolean nul_found;
  gboolean nul_in_key;
  char *nul_field;
} EbJsonScanner;

static gboolean eb_json_scan_value (EbJsonScanner *s);

static gboolean
eb_json_fail (EbJsonScanner *s, const char *problem)
{
  if (s->problem == NULL)
    s->problem = problem;
  return FALSE;
}

static int
eb_json_peek (EbJsonScanner *s)
{
  return s->pos < s->size ? (guchar)s->data[s->pos] : -1;
}

static void
eb_json_skip_blanks (EbJsonScanner *s)
{
  int c;

  while ((c = eb_json_peek (s)) == ' ' || c == '\t' || c == '\n' || c == '\r')
    s->pos++;
}

static gboolean
eb_json_expect (EbJsonScanner *s, char c, const char *problem)
{
  eb_json_skip_blanks (s);
  if (eb_json_peek (s) != c)
    return eb_json_fail (s, problem);
  s->pos++;
  return TRUE;
}

static gboolean
eb_json_scan_literal (EbJsonScanner *s, const char *word)
{
  gsize len = strlen (word);

  if (s->size - s->pos < len || memcmp (s->data + s->pos, word, len) != 0)
    return eb_json_fail (s, "unexpected character");
  s->pos += len;
  return TRUE;
}

static gboolean
eb_json_scan_digits (EbJsonScanner *s)
{
  if (!g_ascii_isdigit (eb_json_peek (s)))
    return eb_json_fail (s, "a digit is expected in a number");
  while (g_ascii_isdigit (eb_json_peek (s)))
    s->pos++;
  return TRUE;
}

static gboolean
eb_json_scan_number (EbJsonScanner *s)
{
  if (eb_json_peek (s) == '-')
    s->pos++;
  if (eb_json_peek (s) == '0')
    s->pos++;
  else if (!eb_json_scan_digits (s))
    return FALSE;
  if (eb_json_peek (s) == '.')
    {
      s->pos++;
      if (!eb_json_scan_digits (s))
        return FALSE;
    }
  if (eb_json_peek (s) == 'e' || eb_json_peek (s) == 'E')
    {
      s->pos++;
      if (eb_json_peek (s) == '+' || eb_json_peek (s) == '-')
        s->pos++;
      if (!eb_json_scan_digits (s))
        return FALSE;
    }
  return TRUE;
}

/* The dotted name of the member being read ("recurrence.frequency"),
 * from the names on the way to it; %NULL at the top, or when a name is
 * not a plain identifier. */
static char *
eb_json_scanner_field (EbJsonScanner *s)
{
  g_autoptr (GString) field = g_string_new (NULL);
  guint depth = MIN (s->depth, EB_JSON_MAX_NAMED_DEPTH);

  for (guint d = 1; d <= depth; d++)
    {
      const char *name = s->data + s->key_start[d];
      gsize length = s->key_length[d];

      if (length == 0)
        continue;
      for (gsize i = 0; i < length; i++)
        {
          if (!g_ascii_isalnum (name[i]) && name[i] != '_')
            return NULL;
        }
      if (field->len > 0)
        g_string_append_c (field, '.');
      g_string_append_len (field, name, (gssize)length);
    }
  return field->len > 0 ? g_strdup (field->str) : NULL;
}

/* The value of the four hex digits at the position (moved past them),
 * or -1. */
static gint
eb_json_scan_hex4 (EbJsonScanner *s)
{
  gint value = 0;

  for (guint i = 0; i < 4; i++, s->pos++)
    {
      int c = eb_json_peek (s);

      if (c < 0 || !g_ascii_isxdigit (c))
        return -1;
      value = value * 16 + g_ascii_xdigit_value ((char)c);
    }
  return value;
}

/* After a \u escape of the surrogate @unit: whether it is the high half
 * of a pair whose low half follows (then moved past). A lone half is no
 * character: json-glib refuses a lone high one, but turns a lone low one
 * into bytes that are not UTF-8, which would reach names and messages. */
static gboolean
eb_json_scan_low_surrogate (EbJsonScanner *s, gint unit)
{
  gint low;

  if (unit > 0xdbff || s->size - s->pos < 6 || s->data[s->pos] != '\\'
      || s->data[s->pos + 1] != 'u')
    return FALSE;
  s->pos += 2;
  low = eb_json_scan_hex4 (s);
  return low >= 0xdc00 && low <= 0xdfff;
}

/* json-glib ends a string at U+0000 ("a\u0000b" would be read as "a"),
 * so a text holding it is refused rather than silently cut. */
static gboolean
eb_json_scan_string (EbJsonScanner *s, gboolean in_key)
{
  s->pos++; /* the opening quote */
  for (;;)
    {
      int c = eb_json_peek (s);

      if (c < 0)
        return eb_json_fail (s, "unterminated string");
      s->pos++;
      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return eb_json_fail (s, "control character in a string");
      if (c != '\\')
        continue;
      c = eb_json_peek (s);
      s->pos++;
      if (c == 'u')
        {
          gsize digits = s->pos;
          gint unit = eb_json_scan_hex4 (s);

          if (unit < 0)
            return eb_json_fail (s, "bad \\u escape");
          if (unit >= 0xd800 && unit <= 0xdfff && !eb_json_scan_low_surrogate (s, unit))
            {
              s->pos = digits - 2;
              return eb_json_fail (s, "half a surrogate pair in a \\u escape");
            }
          if (unit == 0)
            {
              /* A member name holding it: the enclosing object is named. */
              if (in_key && s->depth <= EB_JSON_MAX_NAMED_DEPTH)
                s->key_length[s->depth] = 0;
              s->nul_found = TRUE;
              s->nul_in_key = in_key;
              s->nul_field = eb_json_scanner_field (s);
              s->pos = digits - 2;
              return eb_json_fail (s, "U+0000 (\\u0000) in a string");
            }
        }
      else if (c <= 0 || strchr ("\"\\/bfnrt", c) == NULL)
        {
          return eb_json_fail (s, "bad escape");
        }
    }
}

/* "[...]" or "{...}": members (with keys for objects) between commas. */
static gboolean
eb_json_scan_container (EbJsonScanner *s, char close, gboolean keyed)
{
  if (++s->depth > s->max_depth)
    return eb_json_fail (s, "nested too deeply");
  s->pos++;
  eb_json_skip_blanks (s);
  if (eb_json_peek (s) == close)
    {
      s->pos++;
      s->depth--;
      return TRUE;
    }
  if (s->depth <= EB_JSON_MAX_NAMED_DEPTH)
    s->key_length[s->depth] = 0;
  for (;;)
    {
      if (keyed)
        {
          gsize start;

          eb_json_skip_blanks (s);
          if (eb_json_peek (s) != '"')
            return eb_json_fail (s, "a member name (a string) is expected");
          start = s->pos + 1;
          if (!eb_json_scan_string (s, TRUE))
            return FALSE;
          if (s->depth <= EB_JSON_MAX_NAMED_DEPTH)
            {
              s->key_start[s->depth] = start;
              s->key_length[s->depth] = s->pos - 1 - start;
            }
          if (!eb_json_expect (s, ':', "':' is expected"))
            return FALSE;
        }
      if (!eb_json_scan_value (s))
        return FALSE;
      eb_json_skip_blanks (s);
      if (eb_json_peek (s) == close)
        break;
      if (!eb_json_expect (s, ',', keyed ? "',' or '}' is expected" : "',' or ']' is expected"))
        return FALSE;
    }
  s->pos++;
  s->depth--;
  return TRUE;
}

static gboolean
eb_json_scan_value (EbJsonScanner *s)
{
  int c;

  eb_json_skip_blanks (s);
  c = eb_json_peek (s);
  switch (c)
    {
      case '{':
        return eb_json_scan_container (s, '}', TRUE);
      case '[':
        return eb_json_scan_container (s, ']', FALSE);
      case '"':
        return eb_json_scan_string (s, FALSE);
      case 't':
        return eb_json_scan_literal (s, "true");
      case 'f':
        return eb_json_scan_literal (s, "false");
      case 'n':
        return eb_json_scan_literal (s, "null");
      case -1:
        return eb_json_fail (s, "unexpected end of the text");
      default:
        if (c == '-' || g_ascii_isdigit (c))
          return eb_json_scan_number (s);
        return eb_json_fail (s, "unexpected character");
    }
}

gboolean
eb_json_validate (const char *data, gsize size, guint max_depth, GError **error)
{
  EbJsonScanner s = { .data = data, .size = size, .max_depth = max_depth };
  g_autofree char *nul_field = NULL;

  if (eb_json_scan_value (&s))
    {
      eb_json_skip_blanks (&s);
      if (s.pos == s.size)
        return TRUE;
      eb_json_fail (&s, "text after the JSON value");
    }
  nul_field = g_steal_pointer (&s.nul_field);
  if (s.nul_found)
    {
      /* The member is named in the message and by an `invalid-field`
       * violation the error carries. */
      g_autofree char *what
          = s.nul_in_key ? (nul_field != NULL ? g_strdup_printf ("a member name in %s", nul_field)
                                              : g_strdup ("a member name"))
                         : g_strdup (nul_field != NULL ? nul_field : "a string");
      GError *failure = g_error_new (EB_ERROR, EB_ERROR_INVALID,
                                     "%s holds U+0000 (\\u0000), which no text may contain, at "
                                     "byte %" G_GSIZE_FORMAT,
                                     what, MIN (s.pos, s.size));

      eb_error_add_violation (failure,
                              eb_violation_new ("invalid-field", nul_field,
                                                "%s must not contain U+0000 (\\u0000)", what));
      g_propagate_error (error, failure);
      return FALSE;
    }
  g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s at byte %" G_GSIZE_FORMAT, s.problem,
               MIN (s.pos, s.size));
  return FALSE;
}

/* --- the strict reader --- */

struct _EbJsonReader
{
  JsonObject *object;
  char *prefix;
  GHashTable *seen;
  GStrv read_only;
  GPtrArray *violations;
  gboolean checked;
};

static EbJsonReader *
eb_json_reader_new_full (JsonObject *object, const char *prefix, GPtrArray *violations)
{
  EbJsonReader *reader = g_new0 (EbJsonReader, 1);

  reader->object = json_object_ref (object);
  reader->prefix = g_strdup (prefix != NULL ? prefix : "");
  reader->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  reader->violations = violations != NULL
                           ? g_ptr_array_ref (violations)
                           : g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);
  return reader;
}

EbJsonReader *
eb_json_reader_new (JsonObject *object)
{
  g_return_val_if_fail (object != NULL, NULL);
  return eb_json_reader_new_full (object, NULL, NULL);
}

void
eb_json_reader_free (EbJsonReader *reader)
{
  if (reader == NULL)
    return;
  json_object_unref (reader->object);
  g_free (reader->prefix);
  g_hash_table_unref (reader->seen);
  g_strfreev (reader->read_only);
  g_ptr_array_unref (reader->violations);
  g_free (reader);
}

EbJsonReader *
eb_json_reader_child (EbJsonReader *parent, const char *name, JsonObject *object)
{
  g_autofree char *prefix = g_strdup_printf ("%s%s.", parent->prefix, name);

  return eb_json_reader_new_full (object, prefix, parent->violations);
}

void
eb_json_reader_set_read_only (EbJsonReader *reader, const char *const *names)
{
  g_strfreev (reader->read_only);
  reader->read_only = g_strdupv ((char **)names);
}

static void
eb_json_reader_add (EbJsonReader *reader, const char *rule, const char *name, const char *detail)
{
  g_autofree char *field = g_strconcat (reader->prefix, name, NULL);

  g_ptr_array_add (reader->violations, eb_violation_new (rule, field, "%s %s", field, detail));
}

void
eb_json_reader_invalid (EbJsonReader *reader, const char *name, const char *format, ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  eb_json_reader_add (reader, "invalid-field", name, detail);
}

gboolean
eb_json_reader_has (EbJsonReader *reader, const char *name)
{
  return json_object_has_member (reader->object, name);
}

/* The member, marked as read; %NULL when absent (a violation when
 * required) or null and not nullable (a violation). *is_null tells a
 * usable null apart. */
static JsonNode *
eb_json_reader_lookup (EbJsonReader *reader, const char *name, EbFieldFlags flags,
                       gboolean *is_null)
{
  JsonNode *node;

  *is_null = FALSE;
  g_hash_table_add (reader->seen, g_strdup (name));
  node = json_object_get_member (reader->object, name);
  if (node == NULL)
    {
      if (flags & EB_FIELD_REQUIRED)
        eb_json_reader_add (reader, "missing-field", name, "is required");
      return NULL;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (flags & EB_FIELD_NULLABLE)
        {
          *is_null = TRUE;
          return node;
        }
      eb_json_reader_add (reader, "invalid-field", name, "must not be null");
      return NULL;
    }
  return node;
}

static gboolean
eb_json_node_holds (JsonNode *node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
eb_json_reader_string (EbJsonReader *reader, const char *name, EbFieldFlags flags, char **out)
{
  gboolean is_null;
  JsonNode *node = eb_json_reader_lookup (reader, name, flags, &is_null);

  if (node == NULL)
    return FALSE;
  if (is_null)
    {
      g_clear_pointer (out, g_free);
      return TRUE;
    }
  if (!eb_json_node_holds (node, G_TYPE_STRING))
    {
      eb_json_reader_add (reader, "invalid-field", name, "must be a string");
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

gboolean
eb_json_reader_int (EbJsonReader *reader, const char *name, EbFieldFlags flags, gint64 min,
                    gint64 max, gint64 *out)
{
  gboolean is_null;
  JsonNode *node = eb_json_reader_lookup (reader, name, flags, &is_null);
  gint64 value;

  if (node == NULL)
    return FALSE;
  if (is_null)
    {
      *out = 0;
      return TRUE;
    }
  if (!eb_json_node_holds (node, G_TYPE_INT64))
    {
      eb_json_reader_add (reader, "invalid-field", name, "must be an integer");
      return FALSE;
    }
  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_autofree char *detail
          = g_strdup_printf ("must be %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, min, max);
      eb_json_reader_add (reader, "invalid-field", name, detail);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
eb_json_reader_id (EbJsonReader *reader, const char *name, EbFieldFlags flags, EbId *out)
{
  gboolean is_null;
  JsonNode *node = eb_json_reader_lookup (reader, name, flags, &is_null);

  if (node == NULL)
    return FALSE;
  if (is_null)
    {
      *out = 0;
      return TRUE;
    }
  if (!eb_json_node_holds (node, G_TYPE_INT64) || json_node_get_int (node) <= 0)
    {
      eb_json_reader_add (reader, "invalid-field", name, "must be a positive integer id");
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
eb_json_reader_bool (EbJsonReader *reader, const char *name, EbFieldFlags flags, gboolean *out)
{
  gboolean is_null;
  JsonNode *node = eb_json_reader_lookup (reader, name, flags & ~EB_FIELD_NULLABLE, &is_null);

  if (node == NULL)
    return FALSE;
  if (!eb_json_node_holds (node, G_TYPE_BOOLEAN))
    {
      eb_json_reader_add (reader, "invalid-field", name, "must be true or false");
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
eb_json_reader_instant (EbJsonReader *reader, const char *name, EbFieldFlags flags, gint64 *out)
{
  gboolean is_null;
  JsonNode *node = eb_json_reader_lookup (reader, name, flags, &is_null);
  gint64 value;

  if (node == NULL)
    return FALSE;
  if (is_null)
    {
      *out = 0;
      return TRUE;
    }
  if (!eb_json_node_holds (node, G_TYPE_STRING)
      || !eb_json_parse_instant (json_node_get_string (node), &value))
    {
      eb_json_reader_add (reader, "invalid-field", name,
                          "must be an RFC 3339 instant such as 2026-03-03T15:00:00Z");
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
eb_json_reader_object (EbJsonReader *reader, const char *name, EbFieldFlags flags, JsonObject **out)
{
  gboolean is_null;
  JsonNode *node = eb_json_reader_lookup (reader, name, flags, &is_null);

  if (node == NULL)
    return FALSE;
  if (is_null)
    {
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      eb_json_reader_add (reader, "invalid-field", name, "must be an object");
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
eb_json_reader_array (EbJsonReader *reader, const char *name, EbFieldFlags flags, JsonArray **out)
{
  gboolean is_null;
  JsonNode *node = eb_json_reader_lookup (reader, name, flags, &is_null);

  if (node == NULL)
    return FALSE;
  if (is_null)
    {
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      eb_json_reader_add (reader, "invalid-field", name, "must be an array");
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

void
eb_json_reader_check_members (EbJsonReader *reader)
{
  g_autoptr (GList) names = NULL;

  if (reader->checked)
    return;
  reader->checked = TRUE;
  names = json_object_get_members (reader->object);
  names = g_list_sort (names, (GCompareFunc)g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_hash_table_contains (reader->seen, name))
        continue;
      if (reader->read_only != NULL
          && g_strv_contains ((const char *const *)reader->read_only, name))
        eb_json_reader_add (reader, "read-only-field", name, "is read-only");
      else
        eb_json_reader_add (reader, "unknown-field", name, "is not a known field");
    }
}

gboolean
eb_json_reader_finish (EbJsonReader *reader, GError **error)
{
  GError *invalid;

  eb_json_reader_check_members (reader);
  if (reader->violations->len == 0)
    return TRUE;
  invalid = eb_error_new_violations (reader->violations);
  invalid->code = EB_ERROR_INVALID;
  g_propagate_error (error, invalid);
  return FALSE;
}
