/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>

#include "eb-pipeline-template-private.h"

#define EB_TEMPLATE_SUFFIX ".pipeline"

/* Values used to instantiate each template once at load time, so that a
 * missing element or a bad property value is a start-up error. Any other
 * placeholder gets "0", which every string, number and boolean property
 * accepts. */
static const struct
{
  const char *name;
  const char *value;
} check_values[] = {
  { "location", "/nonexistent/eboard-template-check-%05d.ts" },
  { "max_size_time", "2000000000" },
  { "max_bytes", "4194304" },
};

typedef struct
{
  char *name;
  char *path;
  char *text;
  GPtrArray *placeholders; /* utf8, each once, in order of appearance */
} EbPipelineTemplate;

struct _EbPipelineTemplates
{
  char *directory;
  GHashTable *templates; /* name -> EbPipelineTemplate */
  GPtrArray *names;      /* sorted */
};

static void
eb_pipeline_template_free (EbPipelineTemplate *tmpl)
{
  if (tmpl == NULL)
    return;
  g_free (tmpl->name);
  g_free (tmpl->path);
  g_free (tmpl->text);
  g_clear_pointer (&tmpl->placeholders, g_ptr_array_unref);
  g_free (tmpl);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbPipelineTemplate, eb_pipeline_template_free)

static gboolean
is_comment_line (const char *line, gsize length)
{
  gsize i = 0;

  while (i < length && g_ascii_isspace (line[i]))
    i++;
  return i < length && line[i] == '#';
}

static gboolean
placeholder_name_is_valid (const char *name, gsize length)
{
  if (length == 0 || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < length; i++)
    {
      if (!g_ascii_isalnum (name[i]) && name[i] != '_')
        return FALSE;
    }
  return TRUE;
}

/* In gst-launch syntax a double-quoted value may hold anything: only the
 * quote and the backslash need a backslash. */
static void
append_escaped (GString *out, const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

/*
 * Expands @tmpl: comment lines become empty lines (so that line numbers
 * stay those of the file), each `${name}` becomes its value from
 * @values, quoted (or only escaped when the placeholder sits inside a
 * quoted string of the template). Without @values only checks the
 * placeholders and collects their names into @names.
 */
static char *
template_expand (const char *path, const char *text, GHashTable *values, GPtrArray *names,
                 GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint line_number = 1;
  guint quote_line = 0;
  gboolean in_quotes = FALSE;
  const char *line = text;

  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize length = end != NULL ? (gsize)(end - line) : strlen (line);

      if (!in_quotes && is_comment_line (line, length))
        goto next_line;

      for (gsize i = 0; i < length; i++)
        {
          char c = line[i];

          if (in_quotes && c == '\\' && i + 1 < length)
            {
              g_string_append_c (out, c);
              g_string_append_c (out, line[++i]);
              continue;
            }
          if (c == '"')
            {
              in_quotes = !in_quotes;
              quote_line = line_number;
              g_string_append_c (out, c);
              continue;
            }
          if (c == '$' && i + 1 < length && line[i + 1] == '{')
            {
              const char *name = line + i + 2;
              const char *close = memchr (name, '}', length - (i + 2));
              g_autofree char *key = NULL;
              const char *value;

              if (close == NULL)
                {
                  g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                               "%s:%u: unbalanced \"${\": no \"}\" on the same line", path,
                               line_number);
                  return NULL;
                }
              key = g_strndup (name, (gsize)(close - name));
              if (!placeholder_name_is_valid (name, (gsize)(close - name)))
                {
                  g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                               "%s:%u: unknown placeholder syntax \"${%s}\" (expected "
                               "${name} with letters, digits and underscores)",
                               path, line_number, key);
                  return NULL;
                }
              i = (gsize)(close - line);
              if (names != NULL
                  && !g_ptr_array_find_with_equal_func (names, key, g_str_equal, NULL))
                g_ptr_array_add (names, g_strdup (key));
              if (values == NULL)
                continue;
              value = g_hash_table_lookup (values, key);
              if (value == NULL)
                {
                  g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                               "%s:%u: no value for placeholder \"${%s}\"", path, line_number, key);
                  return NULL;
                }
              /* gst-launch cannot tell a final backslash from an escaped
               * closing quote */
              if (g_str_has_suffix (value, "\\"))
                {
                  g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                               "%s:%u: the value of placeholder \"${%s}\" ends with a backslash",
                               path, line_number, key);
                  return NULL;
                }
              if (!in_quotes)
                g_string_append_c (out, '"');
              append_escaped (out, value);
              if (!in_quotes)
                g_string_append_c (out, '"');
              continue;
            }
          g_string_append_c (out, c);
        }

    next_line:
      if (end == NULL)
        break;
      g_string_append_c (out, '\n');
      line = end + 1;
      line_number++;
    }

  if (in_quotes)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s:%u: unbalanced quote '\"'", path,
                   quote_line);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

/* The first non-comment line of @text holding @word as a whole word
 * (followed by @suffix, if given), or 0. */
static guint
find_line_of_word (const char *text, const char *word, const char *suffix)
{
  gsize word_length = strlen (word);
  guint line_number = 1;
  const char *line = text;

  if (word_length == 0)
    return 0;
  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize length = end != NULL ? (gsize)(end - line) : strlen (line);

      if (!is_comment_line (line, length))
        {
          for (gsize i = 0; i + word_length <= length; i++)
            {
              gsize after = i + word_length;

              if (strncmp (line + i, word, word_length) != 0)
                continue;
              if (i > 0 && is_word_char (line[i - 1]))
                continue;
              if (after < length && is_word_char (line[after]))
                continue;
              if (suffix != NULL)
                {
                  gsize j = after;

                  while (j < length && line[j] == ' ')
                    j++;
                  if (j >= length
                      || strncmp (line + j, suffix, MIN (strlen (suffix), length - j)) != 0)
                    continue;
                }
              return line_number;
            }
        }
      if (end == NULL)
        break;
      line = end + 1;
      line_number++;
    }
  return 0;
}

/* The first non-comment line of @text holding @needle, or 0. */
static guint
find_line_of_text (const char *text, const char *needle)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (!is_comment_line (lines[i], strlen (lines[i])) && strstr (lines[i], needle) != NULL)
        return i + 1;
    }
  return 0;
}

/* The quoted names in a GStreamer parse error message, in order. */
static GPtrArray *
quoted_names (const char *message)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *p = message;

  while ((p = strchr (p, '"')) != NULL)
    {
      const char *close = strchr (p + 1, '"');

      if (close == NULL)
        break;
      g_ptr_array_add (names, g_strndup (p + 1, (gsize)(close - p - 1)));
      p = close + 1;
    }
  return names;
}

/* An element name as GStreamer makes them up ("h264parse0") without its
 * number: the factory to look for. */
static char *
strip_instance_number (const char *name)
{
  gsize length = strlen (name);

  while (length > 0 && g_ascii_isdigit (name[length - 1]))
    length--;
  return g_strndup (name, length);
}

/* The line of element @element: where it is named ("name=foo"), else
 * where its name or its factory (the name without GStreamer's instance
 * number) appears. */
static guint
find_line_of_element (const char *text, const char *element)
{
  g_autofree char *factory = strip_instance_number (element);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint line;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];

      if (is_comment_line (p, strlen (p)))
        continue;
      while ((p = strstr (p, "name=")) != NULL)
        {
          p += strlen ("name=");
          if (*p == '"')
            p++;
          if (g_str_has_prefix (p, element) && !is_word_char (p[strlen (element)]))
            return i + 1;
        }
    }
  if ((line = find_line_of_word (text, element, NULL)) != 0)
    return line;
  return find_line_of_word (text, factory, NULL);
}

static gboolean
parse_description (const char *description, GstElement **bin, GError **error)
{
  g_autoptr (GstParseContext) context = gst_parse_context_new ();
  GstElement *element;

  element = gst_parse_bin_from_description_full (description, TRUE, context,
                                                 GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (element == NULL)
    return FALSE;
  if (bin != NULL)
    *bin = element;
  else
    gst_object_unref (gst_object_ref_sink (element));
  return TRUE;
}

/* The line where a syntax error is: the first line such that the lines
 * up to it no longer parse (a trailing "!", which continues a chain on
 * the next line, does not count as an error). */
static guint
find_line_of_syntax_error (const char *description)
{
  g_auto (GStrv) lines = g_strsplit (description, "\n", -1);
  g_autoptr (GString) prefix = g_string_new (NULL);
  guint last = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *attempt = NULL;
      g_autofree char *stripped = NULL;

      g_string_append (prefix, lines[i]);
      g_string_append_c (prefix, '\n');
      stripped = g_strstrip (g_strdup (prefix->str));
      if (*g_strstrip (lines[i]) != '\0')
        last = i + 1;
      if (*stripped == '\0')
        continue;
      if (g_str_has_suffix (stripped, "!"))
        stripped[strlen (stripped) - 1] = '\0';
      attempt = g_strdup (stripped);
      if (!parse_description (attempt, NULL, &error)
          && g_error_matches (error, GST_PARSE_ERROR, GST_PARSE_ERROR_SYNTAX))
        return i + 1;
    }
  /* every prefix parses: what is missing is at the end */
  return last;
}

/* A GStreamer parse error of @tmpl as "<file>:<line>: <message>". */
static void
set_parse_error (GError **error, const EbPipelineTemplate *tmpl, const char *description,
                 const GError *parse_error)
{
  g_autoptr (GPtrArray) names = quoted_names (parse_error->message);
  guint line = 0;

  if (parse_error->domain == GST_PARSE_ERROR)
    {
      switch (parse_error->code)
        {
          case GST_PARSE_ERROR_NO_SUCH_ELEMENT:
            if (names->len > 0)
              line = find_line_of_word (tmpl->text, g_ptr_array_index (names, 0), NULL);
            break;
          case GST_PARSE_ERROR_NO_SUCH_PROPERTY:
          case GST_PARSE_ERROR_COULD_NOT_SET_PROPERTY:
            if (names->len > 0)
              line = find_line_of_word (tmpl->text, g_ptr_array_index (names, 0), "=");
            if (line == 0 && names->len > 1)
              line = find_line_of_element (tmpl->text, g_ptr_array_index (names, 1));
            break;
          case GST_PARSE_ERROR_LINK:
            {
              /* "could not link a to b[, a can't handle caps c]" */
              g_auto (GStrv) words = g_strsplit (parse_error->message, " ", 6);
              const char *caps = strstr (parse_error->message, "can't handle caps ");

              if (caps != NULL)
                line = find_line_of_text (tmpl->text, caps + strlen ("can't handle caps "));
              if (line == 0 && g_strv_length (words) >= 6)
                {
                  g_autofree char *target = g_strdup (words[5]);

                  g_strdelimit (target, ",", '\0');
                  line = find_line_of_element (tmpl->text, target);
                }
              if (line == 0 && g_strv_length (words) >= 4)
                line = find_line_of_element (tmpl->text, words[3]);
              break;
            }
          default:
            line = find_line_of_syntax_error (description);
            break;
        }
    }
  if (line == 0)
    line = 1;
  g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s:%u: %s", tmpl->path, line,
               parse_error->message);
}

/* Element factories named in properties (splitmuxsink's muxer-factory and
 * sink-factory) are only looked up when the element runs: look them up
 * now. */
static gboolean
check_factory_properties (const EbPipelineTemplate *tmpl, GstElement *bin, GError **error)
{
  static const char *const properties[] = { "muxer-factory", "sink-factory" };
  g_autoptr (GstIterator) iter = gst_bin_iterate_recurse (GST_BIN (bin));
  GValue item = G_VALUE_INIT;
  gboolean ok = TRUE;

  while (ok && gst_iterator_next (iter, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);

      for (guint i = 0; ok && i < G_N_ELEMENTS (properties); i++)
        {
          GParamSpec *pspec
              = g_object_class_find_property (G_OBJECT_GET_CLASS (element), properties[i]);
          g_autofree char *factory_name = NULL;
          g_autoptr (GstElementFactory) factory = NULL;

          if (pspec == NULL || pspec->value_type != G_TYPE_STRING)
            continue;
          g_object_get (element, properties[i], &factory_name, NULL);
          if (factory_name == NULL)
            continue;
          factory = gst_element_factory_find (factory_name);
          if (factory == NULL)
            {
              guint line = find_line_of_word (tmpl->text, properties[i], "=");

              g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s:%u: no element \"%s\" (%s)",
                           tmpl->path, line != 0 ? line : 1, factory_name, properties[i]);
              ok = FALSE;
            }
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  return ok;
}

static GstElement *
template_instantiate (const EbPipelineTemplate *tmpl, GHashTable *values, GError **error)
{
  g_autofree char *description = NULL;
  g_autoptr (GError) parse_error = NULL;
  GstElement *bin = NULL;

  description = template_expand (tmpl->path, tmpl->text, values, NULL, error);
  if (description == NULL)
    return NULL;
  if (!parse_description (description, &bin, &parse_error))
    {
      set_parse_error (error, tmpl, description, parse_error);
      return NULL;
    }
  return bin;
}

static EbPipelineTemplate *
template_load (const char *directory, const char *file_name, GError **error)
{
  g_autoptr (EbPipelineTemplate) tmpl = g_new0 (EbPipelineTemplate, 1);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GHashTable) values = NULL;
  g_autofree char *expanded = NULL;
  GstElement *bin;

  tmpl->name = g_strndup (file_name, strlen (file_name) - strlen (EB_TEMPLATE_SUFFIX));
  tmpl->path = g_build_filename (directory, file_name, NULL);
  tmpl->placeholders = g_ptr_array_new_with_free_func (g_free);
  if (!g_file_get_contents (tmpl->path, &tmpl->text, NULL, &local_error))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s: %s", tmpl->path, local_error->message);
      return NULL;
    }
  if (!g_utf8_validate (tmpl->text, -1, NULL))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s:1: not UTF-8 text", tmpl->path);
      return NULL;
    }

  /* placeholders first, then one instance with check values */
  expanded = template_expand (tmpl->path, tmpl->text, NULL, tmpl->placeholders, error);
  if (expanded == NULL)
    return NULL;
  if (*g_strstrip (expanded) == '\0')
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s:1: the template is empty", tmpl->path);
      return NULL;
    }
  values = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < tmpl->placeholders->len; i++)
    g_hash_table_insert (values, g_ptr_array_index (tmpl->placeholders, i), (gpointer) "0");
  for (guint i = 0; i < G_N_ELEMENTS (check_values); i++)
    {
      if (g_hash_table_contains (values, check_values[i].name))
        g_hash_table_insert (values, (gpointer)check_values[i].name,
                             (gpointer)check_values[i].value);
    }
  bin = template_instantiate (tmpl, values, error);
  if (bin == NULL)
    return NULL;
  gst_object_ref_sink (bin);
  if (!check_factory_properties (tmpl, bin, error))
    {
      gst_object_unref (bin);
      return NULL;
    }
  gst_object_unref (bin);
  return g_steal_pointer (&tmpl);
}

/* For g_ptr_array_sort() of strings. */
static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

/**
 * eb_pipeline_templates_load:
 * @directory: a folder of `*.pipeline` files
 *
 * Reads every template of @directory and instantiates each once with
 * check values, so that a missing element, a bad property or a syntax
 * error is reported now as "<file>:<line>: <message>".
 *
 * Returns: (transfer full) (nullable): the templates
 */
EbPipelineTemplates *
eb_pipeline_templates_load (const char *directory, GError **error)
{
  g_autoptr (EbPipelineTemplates) templates = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *file_name;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot start GStreamer: %s",
                   local_error->message);
      return NULL;
    }
  dir = g_dir_open (directory, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "pipeline templates: %s",
                   local_error->message);
      return NULL;
    }

  templates = g_new0 (EbPipelineTemplates, 1);
  templates->directory = g_strdup (directory);
  templates->templates = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify)eb_pipeline_template_free);
  templates->names = g_ptr_array_new_with_free_func (g_free);
  while ((file_name = g_dir_read_name (dir)) != NULL)
    {
      EbPipelineTemplate *tmpl;

      if (!g_str_has_suffix (file_name, EB_TEMPLATE_SUFFIX)
          || strlen (file_name) == strlen (EB_TEMPLATE_SUFFIX))
        continue;
      tmpl = template_load (directory, file_name, error);
      if (tmpl == NULL)
        return NULL;
      g_ptr_array_add (templates->names, g_strdup (tmpl->name));
      g_hash_table_insert (templates->templates, tmpl->name, tmpl);
    }
  g_ptr_array_sort (templates->names, compare_strings);
  g_debug ("loaded %u pipeline templates from %s", templates->names->len, directory);
  return g_steal_pointer (&templates);
}

void
eb_pipeline_templates_free (EbPipelineTemplates *templates)
{
  if (templates == NULL)
    return;
  g_clear_pointer (&templates->templates, g_hash_table_unref);
  g_clear_pointer (&templates->names, g_ptr_array_unref);
  g_free (templates->directory);
  g_free (templates);
}

/**
 * eb_pipeline_templates_list:
 *
 * Returns: (transfer none) (element-type utf8): the template names,
 *   sorted
 */
GPtrArray *
eb_pipeline_templates_list (EbPipelineTemplates *templates)
{
  g_return_val_if_fail (templates != NULL, NULL);

  return templates->names;
}

/**
 * eb_pipeline_templates_get_placeholders:
 *
 * Returns: (transfer none) (nullable) (element-type utf8): the
 *   placeholder names of template @name, in order of appearance, or
 *   %NULL when there is no such template
 */
GPtrArray *
eb_pipeline_templates_get_placeholders (EbPipelineTemplates *templates, const char *name)
{
  EbPipelineTemplate *tmpl;

  g_return_val_if_fail (templates != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  tmpl = g_hash_table_lookup (templates->templates, name);
  return tmpl != NULL ? tmpl->placeholders : NULL;
}

/**
 * eb_pipeline_templates_expand:
 * @name: template name
 * @values: (element-type utf8 utf8) (nullable): placeholder values
 *
 * Returns: (transfer full) (nullable): the template as a gst-launch
 *   description, comments blanked and values quoted
 */
char *
eb_pipeline_templates_expand (EbPipelineTemplates *templates, const char *name, GHashTable *values,
                              GError **error)
{
  EbPipelineTemplate *tmpl;
  g_autoptr (GHashTable) empty = NULL;

  g_return_val_if_fail (templates != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tmpl = g_hash_table_lookup (templates->templates, name);
  if (tmpl == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND, "no pipeline template \"%s\" in %s", name,
                   templates->directory);
      return NULL;
    }
  if (values == NULL)
    values = empty = g_hash_table_new (g_str_hash, g_str_equal);
  return template_expand (tmpl->path, tmpl->text, values, NULL, error);
}

GstElement *
eb_pipeline_templates_instantiate (EbPipelineTemplates *templates, const char *name,
                                   GHashTable *values, GError **error)
{
  EbPipelineTemplate *tmpl;
  g_autoptr (GHashTable) empty = NULL;

  g_return_val_if_fail (templates != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tmpl = g_hash_table_lookup (templates->templates, name);
  if (tmpl == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND, "no pipeline template \"%s\" in %s", name,
                   templates->directory);
      return NULL;
    }
  if (values == NULL)
    values = empty = g_hash_table_new (g_str_hash, g_str_equal);
  return template_instantiate (tmpl, values, error);
}
