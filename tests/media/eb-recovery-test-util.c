/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "eb-recovery-test-util.h"
#include "media/eb-manifest-private.h"

/* More tracks than a recovery test records. */
#define EB_TEST_MAX_TRACKS 8
#define EB_TEST_PROGRESS_MS 20

/* --- the child --- */

typedef struct
{
  char *path;
  gint *counters[EB_TEST_MAX_TRACKS];
  guint n_counters;
} EbTestProgress;

static void
eb_test_progress_free (gpointer data)
{
  EbTestProgress *progress = data;

  g_free (progress->path);
  g_free (progress);
}

static gboolean
eb_test_progress_cb (gpointer data)
{
  EbTestProgress *progress = data;
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < progress->n_counters; i++)
    g_string_append_printf (text, "%s%d", i > 0 ? " " : "",
                            g_atomic_int_get (progress->counters[i]));
  g_string_append_c (text, '\n');
  g_file_set_contents (progress->path, text->str, -1, NULL);
  return G_SOURCE_CONTINUE;
}

void
eb_test_report_progress (const char *path, gint *const *counters, guint n_counters)
{
  EbTestProgress *progress = g_new0 (EbTestProgress, 1);

  g_assert_cmpuint (n_counters, <=, EB_TEST_MAX_TRACKS);
  progress->path = g_strdup (path);
  progress->n_counters = n_counters;
  for (guint i = 0; i < n_counters; i++)
    progress->counters[i] = counters[i];
  g_timeout_add_full (G_PRIORITY_DEFAULT, EB_TEST_PROGRESS_MS, eb_test_progress_cb, progress,
                      eb_test_progress_free);
}

/* --- the parent --- */

/* Whether every track has closed two segments (its lines in the
 * manifest) and written more than @min_partial_bytes of the next. */
static gboolean
eb_test_child_far_enough (const char *session_dir, const char *const *tracks, const char *extension,
                          gint64 min_partial_bytes, guint *n_closed)
{
  g_autofree char *manifest = g_build_filename (session_dir, "manifest.jsonl", NULL);
  g_autofree char *contents = NULL;
  gboolean far_enough = TRUE;

  if (!g_file_get_contents (manifest, &contents, NULL, NULL))
    return FALSE;
  for (guint t = 0; tracks[t] != NULL; t++)
    {
      g_autofree char *needle = g_strdup_printf ("\"track\":\"%s\"", tracks[t]);
      g_autofree char *file = NULL;
      g_autofree char *path = NULL;
      GStatBuf st;

      n_closed[t] = 0;
      for (const char *p = contents; (p = strstr (p, needle)) != NULL; p++)
        n_closed[t]++;
      file = g_strdup_printf ("%s-%05u%s", tracks[t], n_closed[t], extension);
      path = g_build_filename (session_dir, file, NULL);
      far_enough = far_enough && n_closed[t] >= 2 && g_stat (path, &st) == 0
                   && st.st_size > min_partial_bytes;
    }
  return far_enough;
}

void
eb_test_record_and_kill (const char *const *child_argv, const char *session_dir,
                         const char *const *tracks, const char *extension, gint64 min_partial_bytes,
                         guint wait_seconds, const char *progress_path, gint *pushed_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *progress_text = NULL;
  g_auto (GStrv) fields = NULL;
  guint n_tracks = g_strv_length ((char **)tracks);
  guint n_closed[EB_TEST_MAX_TRACKS] = { 0 };
  gint64 deadline = g_get_monotonic_time () + (gint64)wait_seconds * G_USEC_PER_SEC;

  g_assert_cmpuint (n_tracks, <=, EB_TEST_MAX_TRACKS);
  process = g_subprocess_newv (child_argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  while (!eb_test_child_far_enough (session_dir, tracks, extension, min_partial_bytes, n_closed))
    {
      if (g_get_monotonic_time () >= deadline)
        {
          g_subprocess_force_exit (process);
          g_error ("the child did not record two segments per track within %u s", wait_seconds);
        }
      g_usleep (20000);
    }
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
  for (guint t = 0; t < n_tracks; t++)
    g_test_message ("killed with %u segments of %s closed", n_closed[t], tracks[t]);

  g_file_get_contents (progress_path, &progress_text, NULL, &error);
  g_assert_no_error (error);
  fields = g_strsplit (g_strstrip (progress_text), " ", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, n_tracks);
  for (guint t = 0; t < n_tracks; t++)
    {
      pushed_ms[t] = (gint)g_ascii_strtoll (fields[t], NULL, 10);
      g_test_message ("%s: %d ms of media pushed", tracks[t], pushed_ms[t]);
    }
}

/* --- what is recovered --- */

void
eb_test_assert_closed_segments (const EbRecordedTrack *track, GPtrArray *before)
{
  guint n_listed = 0;

  for (guint i = 0; i < before->len; i++)
    {
      EbManifestEntry *entry = g_ptr_array_index (before, i);
      EbRecordedSegment *segment;
      g_autofree char *base = NULL;

      if (g_strcmp0 (entry->track, track->name) != 0)
        continue;
      g_assert_cmpuint (n_listed, <, track->segments->len);
      segment = g_ptr_array_index (track->segments, n_listed);
      base = g_path_get_basename (segment->path);
      g_assert_cmpstr (base, ==, entry->file);
      g_assert_cmpstr (segment->sha256, ==, entry->sha256);
      n_listed++;
    }
  g_assert_cmpuint (n_listed, >=, 2);
  /* plus the one being written at the kill */
  g_assert_cmpuint (track->segments->len, ==, n_listed + 1);
}

/* One segment: its file, what GstDiscoverer and the other reader find;
 * returns the other reader's media time. */
static gint64
eb_test_assert_recovered_segment (const EbRecordedTrack *track, guint index,
                                  const EbTestRecovered *expected)
{
  EbRecordedSegment *segment = g_ptr_array_index (track->segments, index);
  g_autofree char *sha = eb_test_sha256_of (segment->path);
  g_autofree char *base = g_path_get_basename (segment->path);
  g_autofree char *name = g_strdup_printf ("%s-%05u%s", track->name, index, expected->extension);
  gboolean killed = index + 1 == track->segments->len;
  EbTestProbe probe;
  GStatBuf st;
  gint64 reader_us;

  g_assert_cmpstr (base, ==, name);
  g_assert_cmpstr (segment->sha256, ==, sha);
  g_assert_cmpint (g_stat (segment->path, &st), ==, 0);
  g_assert_cmpuint (segment->size, ==, (guint64)st.st_size);
  /* it plays, with both streams */
  g_assert_true (eb_test_probe_file (segment->path, &probe));
  reader_us = expected->reader_us (segment->path, &probe, killed);
  g_test_message ("%s: another reader finds %" G_GINT64_FORMAT
                  " us, the discoverer %" G_GINT64_FORMAT " us; %" G_GINT64_FORMAT
                  " us listed at %" G_GINT64_FORMAT " us, %" G_GUINT64_FORMAT " bytes%s",
                  base, reader_us, probe.duration_us, segment->duration_us,
                  segment->start_offset_us, segment->size, killed ? ", killed while written" : "");
  g_assert_cmpstr (probe.video_caps, ==, expected->video_caps);
  g_assert_cmpuint (probe.width, ==, expected->width);
  g_assert_cmpuint (probe.height, ==, expected->height);
  g_assert_cmpstr (probe.audio_caps, ==, expected->audio_caps);
  g_assert_cmpint (reader_us, >, 0);
  g_assert_cmpint (segment->duration_us, >, 0);
  g_assert_cmpint (ABS (reader_us - segment->duration_us), <=, expected->tolerance_us);
  if (index > 0)
    {
      EbRecordedSegment *previous = g_ptr_array_index (track->segments, index - 1);

      g_assert_cmpint (segment->start_offset_us, >, previous->start_offset_us);
      g_assert_cmpint (
          ABS (segment->start_offset_us - (previous->start_offset_us + previous->duration_us)), <=,
          150000);
    }
  eb_test_probe_clear (&probe);
  return reader_us;
}

void
eb_test_assert_recovered_segments (const EbRecordedTrack *track, const EbTestRecovered *expected,
                                   gint pushed_ms, guint segment_seconds)
{
  gint64 total_us = 0;

  for (guint i = 0; i < track->segments->len; i++)
    total_us += eb_test_assert_recovered_segment (track, i, expected);
  /* at most one segment's worth is lost */
  g_test_message ("%s: %" G_GINT64_FORMAT " us recovered of %d ms pushed", track->name, total_us,
                  pushed_ms);
  g_assert_cmpint ((gint64)pushed_ms * 1000 - total_us, <=,
                   (gint64)segment_seconds * G_USEC_PER_SEC);
}
