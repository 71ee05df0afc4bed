/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include <eboard/eb-error.h>

#include "media/eb-pipeline-template-private.h"
#include "media/eb-recorder-private.h"

static char *
shipped_dir (void)
{
  const char *root = g_getenv ("EB_SOURCE_ROOT");

  if (root != NULL)
    return g_build_filename (root, "pipelines", NULL);
  return g_strdup (EB_SOURCE_PIPELINESDIR);
}

/* A temporary folder holding one template @name with @text. */
static char *
make_dir_with (const char *name, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".pipeline", NULL);
  g_autofree char *path = NULL;
  char *dir = g_dir_make_tmp ("eb-templates-XXXXXX", &error);

  g_assert_no_error (error);
  path = g_build_filename (dir, file, NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static GstElement *
find_by_factory (GstElement *bin, const char *factory_name)
{
  g_autoptr (GstIterator) iter = gst_bin_iterate_recurse (GST_BIN (bin));
  GValue item = G_VALUE_INIT;
  GstElement *found = NULL;

  while (found == NULL && gst_iterator_next (iter, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);
      GstElementFactory *factory = gst_element_get_factory (element);

      if (factory != NULL
          && g_str_equal (gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (factory)), factory_name))
        found = element;
      g_value_reset (&item);
    }
  g_value_unset (&item);
  return found;
}

static void
test_shipped (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = shipped_dir ();
  g_autoptr (EbPipelineTemplates) templates = eb_pipeline_templates_load (dir, &error);
  g_autoptr (GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *names;
  GPtrArray *placeholders;
  GstElement *bin;
  GstElement *mux;
  g_autoptr (GstElement) src = NULL;
  guint64 max_size_time = 0;
  guint64 max_bytes = 0;
  g_autofree char *location = NULL;
  g_autofree char *muxer_factory = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (templates);
  names = eb_pipeline_templates_list (templates);
  for (guint i = 0; i < names->len; i++)
    g_test_message ("template %s", (const char *)g_ptr_array_index (names, i));
  g_assert_cmpuint (names->len, >=, 4);
  for (guint i = 1; i < names->len; i++)
    g_assert_cmpint (g_strcmp0 (g_ptr_array_index (names, i - 1), g_ptr_array_index (names, i)), <,
                     0);
  g_assert_true (g_ptr_array_find_with_equal_func (names, "record", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "parse-h264", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "parse-aac", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "parse-opus", g_str_equal, NULL));

  /* what the recorder needs is there */
  g_assert_true (eb_recorder_check_templates (templates, &error));
  g_assert_no_error (error);

  /* every template instantiates with values for its placeholders */
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr (GHashTable) check = g_hash_table_new (g_str_hash, g_str_equal);

      placeholders = eb_pipeline_templates_get_placeholders (templates, name);
      g_assert_nonnull (placeholders);
      for (guint j = 0; j < placeholders->len; j++)
        g_hash_table_insert (check, g_ptr_array_index (placeholders, j), (gpointer) "1");
      bin = eb_pipeline_templates_instantiate (templates, name, check, &error);
      g_assert_no_error (error);
      g_assert_true (GST_IS_BIN (bin));
      gst_object_unref (gst_object_ref_sink (bin));
    }

  /* the record template with real values */
  placeholders = eb_pipeline_templates_get_placeholders (templates, "record");
  g_assert_cmpuint (placeholders->len, ==, 3);
  g_hash_table_insert (values, (gpointer) "location",
                       (gpointer) "/srv/rec/session-1/p1-srt-%05d.ts");
  g_hash_table_insert (values, (gpointer) "max_size_time", (gpointer) "2000000000");
  g_hash_table_insert (values, (gpointer) "max_bytes", (gpointer) "1048576");
  bin = eb_pipeline_templates_instantiate (templates, "record", values, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (bin);
  mux = find_by_factory (bin, "splitmuxsink");
  g_assert_nonnull (mux);
  g_assert_nonnull (find_by_factory (bin, "tsdemux"));
  src = gst_bin_get_by_name (GST_BIN (bin), "src");
  g_assert_nonnull (src);
  g_object_get (mux, "max-size-time", &max_size_time, "location", &location, "muxer-factory",
                &muxer_factory, NULL);
  g_assert_cmpuint (max_size_time, ==, 2 * GST_SECOND);
  g_assert_cmpstr (location, ==, "/srv/rec/session-1/p1-srt-%05d.ts");
  g_assert_cmpstr (muxer_factory, ==, "mpegtsmux");
  g_object_get (src, "max-bytes", &max_bytes, NULL);
  g_assert_cmpuint (max_bytes, ==, 1048576);
  gst_object_unref (bin);

  /* a parser fragment is a bin with one sink and one source pad */
  bin = eb_pipeline_templates_instantiate (templates, "parse-h264", NULL, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (bin);
  {
    g_autoptr (GstPad) sink = gst_element_get_static_pad (bin, "sink");
    g_autoptr (GstPad) source = gst_element_get_static_pad (bin, "src");

    g_assert_nonnull (sink);
    g_assert_nonnull (source);
  }
  g_assert_nonnull (find_by_factory (bin, "h264parse"));
  gst_object_unref (bin);

  /* a missing value, an unknown template */
  g_hash_table_remove (values, "location");
  g_assert_null (eb_pipeline_templates_instantiate (templates, "record", values, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "record.pipeline:"));
  g_assert_nonnull (strstr (error->message, "${location}"));
  g_clear_error (&error);
  g_assert_null (eb_pipeline_templates_instantiate (templates, "nosuch", NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

/* Loads a folder with one broken template and checks the error is
 * "<file>:<line>: ..." holding @fragment. */
static void
assert_broken (const char *text, guint line, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = make_dir_with ("broken", text);
  g_autofree char *expected = g_strdup_printf ("%s/broken.pipeline:%u: ", dir, line);
  g_autoptr (EbPipelineTemplates) templates = eb_pipeline_templates_load (dir, &error);

  g_assert_null (templates);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_nonnull (strstr (error->message, fragment));
  remove_dir (dir);
}

static void
test_broken (void)
{
  /* a missing element, on the line that names it */
  assert_broken ("# a comment\n"
                 "fakesrc\n"
                 "  ! nosuchelement name=x\n"
                 "  ! fakesink\n",
                 3, "no element \"nosuchelement\"");
  /* a syntax error: a link to nothing */
  assert_broken ("# a comment\n"
                 "fakesrc\n"
                 "  ! identity\n"
                 "  ! ! fakesink\n",
                 4, "syntax error");
  /* an unterminated bin */
  assert_broken ("fakesrc\n"
                 "  ! ( identity\n"
                 "  ! fakesink\n",
                 2, "syntax error");
  /* a chain that ends in a link */
  assert_broken ("fakesrc\n"
                 "  ! identity\n"
                 "  !\n"
                 "\n",
                 3, "syntax error");
  /* an unbalanced placeholder */
  assert_broken ("# ${ in a comment does not count\n"
                 "fakesrc num-buffers=${count}\n"
                 "  ! filesink location=${location\n",
                 3, "unbalanced \"${\"");
  /* placeholder syntax that is not ${name} */
  assert_broken ("fakesrc\n"
                 "\n"
                 "  ! filesink location=${my location}\n",
                 3, "unknown placeholder syntax \"${my location}\"");
  assert_broken ("fakesrc ! filesink location=${}\n", 1, "unknown placeholder syntax \"${}\"");
  /* an unknown property, on its line */
  assert_broken ("fakesrc\n"
                 "  num-buffers=3\n"
                 "  no-such-property=1\n"
                 "  ! fakesink\n",
                 3, "no property \"no-such-property\"");
  /* a bad property value */
  assert_broken ("fakesrc\n"
                 "  ! fakesink\n"
                 "    sync=maybe\n",
                 3, "could not set property \"sync\"");
  /* an unterminated quote */
  assert_broken ("fakesrc\n"
                 "  ! capsfilter caps=\"video/x-raw\n"
                 "  ! fakesink\n",
                 2, "unbalanced quote");
  /* a muxer factory that does not exist is only looked up at run time:
   * the check finds it now */
  assert_broken ("fakesrc ! fakesink\n"
                 "splitmuxsink name=mux async-finalize=true\n"
                 "    muxer-factory=nosuchmux\n",
                 3, "no element \"nosuchmux\"");
  /* two elements that cannot be linked */
  assert_broken ("audiotestsrc\n"
                 "  ! video/x-raw\n"
                 "  ! fakesink\n",
                 2, "could not link");
  /* an empty template */
  assert_broken ("# only a comment\n\n", 1, "empty");
}

/* Several good and one broken template: loading fails on the broken
 * one, naming it. */
static void
test_folder (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = make_dir_with ("good", "fakesrc ! fakesink\n");
  g_autofree char *bad = g_build_filename (dir, "zz-bad.pipeline", NULL);
  g_autofree char *other = g_build_filename (dir, "notes.txt", NULL);
  g_autoptr (EbPipelineTemplates) templates = NULL;

  /* files that are not templates are ignored */
  g_file_set_contents (other, "not ! a ! template\n", -1, &error);
  g_assert_no_error (error);
  templates = eb_pipeline_templates_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (eb_pipeline_templates_list (templates)->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (eb_pipeline_templates_list (templates), 0), ==, "good");
  g_clear_pointer (&templates, eb_pipeline_templates_free);

  g_file_set_contents (bad, "fakesrc ! fakesink\nfakesrc ! bogus\n", -1, &error);
  g_assert_no_error (error);
  templates = eb_pipeline_templates_load (dir, &error);
  g_assert_null (templates);
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, bad));
  g_assert_nonnull (strstr (error->message, ".pipeline:2: no element \"bogus\""));
  g_clear_error (&error);

  /* a folder that does not exist */
  g_assert_null (eb_pipeline_templates_load ("/nonexistent/pipelines", &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "/nonexistent/pipelines"));
  remove_dir (dir);
}

/* Values reach the element as given, whatever gst-launch syntax they
 * hold, and are never expanded again. */
static void
test_quoting (void)
{
  static const char *const samples[] = {
    "/tmp/a folder with spaces/p1-srt-%05d.ts",
    "/tmp/\"quoted\" and 'single'/x.ts",
    "back\\slash",
    "C:\\\\double\\\\x",
    "\\\"",
    "! fakesink name=injected",
    "a, b=c ( d ) [e] {f}",
    "#not a comment",
    "${location}",
    "caf\xc3\xa9 \xe2\x82\xac",
    "line\nbreak",
    "",
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = make_dir_with ("quote", "fakesrc num-buffers=1\n"
                                                 "  ! filesink name=sink location=${location}\n"
                                                 "# in quotes: only escaped\n"
                                                 "fakesrc ! capsfilter name=filter\n"
                                                 "    caps=\"video/x-raw,format=${format}\"\n"
                                                 "  ! fakesink\n");
  g_autoptr (EbPipelineTemplates) templates = eb_pipeline_templates_load (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (templates);
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr (GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (GstElement) sink = NULL;
      g_autoptr (GstElement) filter = NULL;
      g_autoptr (GstCaps) caps = NULL;
      g_autofree char *location = NULL;
      const char *format;
      GstElement *bin;

      g_hash_table_insert (values, (gpointer) "location", (gpointer)samples[i]);
      g_hash_table_insert (values, (gpointer) "format", (gpointer) "I420");
      bin = eb_pipeline_templates_instantiate (templates, "quote", values, &error);
      g_assert_no_error (error);
      gst_object_ref_sink (bin);
      sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
      g_assert_nonnull (sink);
      /* nothing was injected */
      g_assert_null (gst_bin_get_by_name (GST_BIN (bin), "injected"));
      g_object_get (sink, "location", &location, NULL);
      g_test_message ("%s -> %s", samples[i], location);
      if (*samples[i] == '\0')
        g_assert_true (location == NULL || *location == '\0');
      else
        g_assert_cmpstr (location, ==, samples[i]);
      filter = gst_bin_get_by_name (GST_BIN (bin), "filter");
      g_object_get (filter, "caps", &caps, NULL);
      format = gst_structure_get_string (gst_caps_get_structure (caps, 0), "format");
      g_assert_cmpstr (format, ==, "I420");
      gst_object_unref (bin);
    }

  /* the one thing gst-launch syntax cannot hold */
  {
    g_autoptr (GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);

    g_hash_table_insert (values, (gpointer) "location", (gpointer) "ends with\\");
    g_hash_table_insert (values, (gpointer) "format", (gpointer) "I420");
    g_assert_null (eb_pipeline_templates_instantiate (templates, "quote", values, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "backslash"));
  }
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  /* GStreamer starts in the first test (eb_pipeline_templates_load()),
   * once the test's own user folders are set */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/media/templates/shipped", test_shipped);
  g_test_add_func ("/eboard/media/templates/broken", test_broken);
  g_test_add_func ("/eboard/media/templates/folder", test_folder);
  g_test_add_func ("/eboard/media/templates/quoting", test_quoting);
  return g_test_run ();
}
