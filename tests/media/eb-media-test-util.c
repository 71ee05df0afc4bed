/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "eb-media-test-util.h"

char *
eb_test_pipelines_dir (void)
{
  const char *root = g_getenv ("EB_SOURCE_ROOT");

  if (root != NULL)
    return g_build_filename (root, "pipelines", NULL);
  return g_strdup (EB_SOURCE_PIPELINESDIR);
}

char *
eb_test_make_stream (const char *dir, const char *name, guint seconds, const char *video_codec,
                     const char *bitrate, const char *audio_codec, gboolean low_latency)
{
  return eb_test_make_stream_full (dir, name, seconds, video_codec, bitrate, audio_codec,
                                   low_latency, NULL);
}

char *
eb_test_make_stream_full (const char *dir, const char *name, guint seconds, const char *video_codec,
                          const char *bitrate, const char *audio_codec, gboolean low_latency,
                          const char *const *muxer_options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autofree char *duration = g_strdup_printf ("%u", seconds);
  char *path = g_build_filename (dir, name, NULL);
  gint status = 0;

  g_strv_builder_add_many (builder, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f",
                           "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i",
                           "sine=frequency=440:sample_rate=48000", "-t", duration, "-c:v",
                           video_codec, NULL);
  if (low_latency)
    g_strv_builder_add_many (builder, "-preset", "ultrafast", "-tune", "zerolatency", NULL);
  g_strv_builder_add_many (builder, "-g", "30", "-b:v", bitrate, "-maxrate", bitrate, "-bufsize",
                           "1M", "-pix_fmt", "yuv420p", "-c:a", audio_codec, NULL);
  if (muxer_options != NULL)
    g_strv_builder_addv (builder, (const char **)muxer_options);
  g_strv_builder_add_many (builder, "-f", "mpegts", path, NULL);
  argv = g_strv_builder_end (builder);

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return path;
}

void
eb_test_probe_clear (EbTestProbe *probe)
{
  g_clear_pointer (&probe->video_caps, g_free);
  g_clear_pointer (&probe->audio_caps, g_free);
}

gint64
eb_test_ffprobe_duration_us (const char *path)
{
  const char *argv[] = { "ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                         "csv=p=0", path, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  gint status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    return -1;
  g_strstrip (out);
  if (!g_ascii_isdigit (*out))
    return 0;
  return (gint64)(g_ascii_strtod (out, NULL) * G_USEC_PER_SEC);
}

gboolean
eb_test_probe_file (const char *path, EbTestProbe *probe)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  GstDiscovererInfo *info;
  GList *streams;
  gboolean ok;

  g_assert_no_error (error);
  memset (probe, 0, sizeof *probe);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  ok = info != NULL && gst_discoverer_info_get_result (info) == GST_DISCOVERER_OK;
  if (!ok)
    {
      g_test_message ("%s: %s", path, error != NULL ? error->message : "unreadable");
      g_clear_object (&info);
      return FALSE;
    }
  probe->duration_us = (gint64)(gst_discoverer_info_get_duration (info) / GST_USECOND);
  streams = gst_discoverer_info_get_video_streams (info);
  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      probe->video_caps = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
      probe->width = gst_discoverer_video_info_get_width (streams->data);
      probe->height = gst_discoverer_video_info_get_height (streams->data);
    }
  gst_discoverer_stream_info_list_free (streams);
  streams = gst_discoverer_info_get_audio_streams (info);
  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      probe->audio_caps = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
    }
  gst_discoverer_stream_info_list_free (streams);
  gst_discoverer_info_unref (info);
  return TRUE;
}

char *
eb_test_sha256_of (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
eb_test_list_files (const char *dir, const char *suffix)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return files;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      if (g_str_has_suffix (name, suffix))
        g_ptr_array_add (files, g_build_filename (dir, name, NULL));
    }
  g_ptr_array_sort (files, compare_paths);
  return files;
}

void
eb_test_rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            eb_test_rm_rf (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}
