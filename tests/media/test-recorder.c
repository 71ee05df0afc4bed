/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include <eboard/eb-error.h>

#include "eb-media-test-util.h"
#include "media/eb-manifest-private.h"
#include "media/eb-pipeline-template-private.h"
#include "media/eb-recorder-impl-private.h"
#include "media/eb-recorder-private.h"

/* Seconds of media in each generated stream, and the segment length the
 * recorder is asked for. */
#define MEDIA_SECONDS 6
#define SEGMENT_SECONDS 2
#define CHUNK 1316
/* Pushing runs this many times faster than real time. */
#define PUSH_SPEED 4.0
/* eb_recorder_push() never holds its caller longer (a generous bound: a
 * push that blocked on a full queue would take seconds; the machine may
 * be busy). */
#define MAX_PUSH_US 500000
/* No single wait of these tests is longer. */
#define WAIT_SECONDS 30

static char *media_dir;
static char *aac_stream;
static char *opus_stream;
static char *mpeg2_stream;
static EbPipelineTemplates *templates;

/* --- media --- */

/* --- pushing --- */

typedef struct
{
  EbRecorder *recorder;
  GBytes *bytes;
  double speed;       /* 0: as fast as possible */
  double burst_after; /* from this fraction of the stream on, as fast as possible */
  gint repeat;
  gint64 media_us; /* of the stream, for the pace */
  gint done;
  gint64 max_push_us; /* the longest eb_recorder_push() call */
} Pusher;

/* A publisher's network thread: pushes the stream in SRT-sized chunks,
 * paced on the stream's mean byte rate. */
static gpointer
pusher_thread (gpointer user_data)
{
  Pusher *pusher = user_data;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (pusher->bytes, &length);
  gint64 start = g_get_monotonic_time ();
  gint64 media_us = pusher->media_us;

  for (gint round = 0; round < MAX (pusher->repeat, 1); round++)
    {
      for (gsize offset = 0; offset < length; offset += CHUNK)
        {
          gsize n = MIN (CHUNK, length - offset);
          gint64 before;
          gint64 took;

          if (pusher->speed > 0
              && (pusher->burst_after <= 0 || offset < pusher->burst_after * (double)length))
            {
              gint64 due
                  = start
                    + (gint64)((double)offset / (double)length * (double)media_us / pusher->speed);
              gint64 now = g_get_monotonic_time ();

              if (due - now > 2000)
                g_usleep ((gulong)(due - now));
            }
          before = g_get_monotonic_time ();
          eb_recorder_push (pusher->recorder, data + offset, n);
          took = g_get_monotonic_time () - before;
          if (took > pusher->max_push_us)
            pusher->max_push_us = took;
        }
    }
  g_atomic_int_set (&pusher->done, 1);
  /* the main context may have nothing else to wake it: the last
   * messages wait in the recorder until it stops */
  g_main_context_wakeup (NULL);
  return NULL;
}

/* --- recording --- */

typedef struct
{
  EbRecorder *recorder;
  GPtrArray *closed; /* EbRecordedSegment, from "segment-closed" */
  char *refused;
  GError *failed;
  EbRecordedTrack *track;
  gboolean stopped;
  gint64 push_started_us; /* wall clock */
  gint64 max_push_us;
} Run;

static void
run_clear (Run *run)
{
  g_clear_object (&run->recorder);
  g_clear_pointer (&run->closed, g_ptr_array_unref);
  g_clear_pointer (&run->refused, g_free);
  g_clear_error (&run->failed);
  g_clear_pointer (&run->track, eb_recorded_track_free);
}

static void
segment_closed_cb (EbRecorder *recorder, EbRecordedSegment *segment, Run *run)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_test_message ("segment %s: %" G_GINT64_FORMAT " us at %" G_GINT64_FORMAT
                  " us, %" G_GUINT64_FORMAT " bytes, %s",
                  segment->path, segment->duration_us, segment->start_offset_us, segment->size,
                  segment->sha256);
  g_ptr_array_add (run->closed, eb_recorded_segment_copy (segment));
}

static void
refused_cb (EbRecorder *recorder, const char *reason, Run *run)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_null (run->refused);
  g_test_message ("refused: %s", reason);
  run->refused = g_strdup (reason);
}

static void
failed_cb (EbRecorder *recorder, GError *error, Run *run)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_null (run->failed);
  g_test_message ("failed: %s", error->message);
  run->failed = g_error_copy (error);
}

static void
stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr (GError) error = NULL;

  run->track = eb_recorder_stop_finish (EB_RECORDER (source), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run->track);
  run->stopped = TRUE;
}

static gboolean
watchdog_cb (gpointer user_data)
{
  g_error ("a media test waited more than %d seconds", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
run_start (Run *run, EbPipelineTemplates *with, const char *dir, const char *track,
           gint64 session_start_us)
{
  g_autoptr (GError) error = NULL;

  run->closed = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_segment_free);
  run->recorder = eb_recorder_new (with, dir, track, session_start_us, SEGMENT_SECONDS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run->recorder);
  g_signal_connect (run->recorder, "segment-closed", G_CALLBACK (segment_closed_cb), run);
  g_signal_connect (run->recorder, "refused", G_CALLBACK (refused_cb), run);
  g_signal_connect (run->recorder, "failed", G_CALLBACK (failed_cb), run);
  g_assert_true (eb_recorder_start (run->recorder, &error));
  g_assert_no_error (error);
}

/* Pushes @bytes (@media_seconds of a stream) into every recorder of
 * @runs from one thread each. */
static void
run_push_media (Run **runs, guint n_runs, GBytes *bytes, guint media_seconds, double speed,
                double burst_after, gint repeat)
{
  g_autofree Pusher *pushers = g_new0 (Pusher, n_runs);
  g_autofree GThread **threads = g_new0 (GThread *, n_runs);
  guint watchdog = g_timeout_add_seconds (WAIT_SECONDS, watchdog_cb, NULL);
  gboolean all;

  for (guint i = 0; i < n_runs; i++)
    {
      pushers[i].recorder = runs[i]->recorder;
      pushers[i].bytes = bytes;
      pushers[i].speed = speed;
      pushers[i].burst_after = burst_after;
      pushers[i].repeat = repeat;
      pushers[i].media_us = (gint64)media_seconds * G_USEC_PER_SEC;
      runs[i]->push_started_us = g_get_real_time ();
      threads[i] = g_thread_new ("pusher", pusher_thread, &pushers[i]);
    }
  do
    {
      g_main_context_iteration (NULL, TRUE);
      all = TRUE;
      for (guint i = 0; i < n_runs; i++)
        all = all && g_atomic_int_get (&pushers[i].done);
    }
  while (!all);
  for (guint i = 0; i < n_runs; i++)
    {
      g_thread_join (threads[i]);
      runs[i]->max_push_us = pushers[i].max_push_us;
    }
  g_source_remove (watchdog);
}

static void
run_push (Run **runs, guint n_runs, GBytes *bytes, double speed, double burst_after, gint repeat)
{
  run_push_media (runs, n_runs, bytes, MEDIA_SECONDS, speed, burst_after, repeat);
}

/* Stops every recorder of @runs and waits for them. */
static void
run_stop (Run **runs, guint n_runs)
{
  guint watchdog = g_timeout_add_seconds (WAIT_SECONDS, watchdog_cb, NULL);
  gboolean all;

  for (guint i = 0; i < n_runs; i++)
    eb_recorder_stop_async (runs[i]->recorder, NULL, stopped_cb, runs[i]);
  do
    {
      g_main_context_iteration (NULL, TRUE);
      all = TRUE;
      for (guint i = 0; i < n_runs; i++)
        all = all && runs[i]->stopped;
    }
  while (!all);
  g_source_remove (watchdog);
}

static void
run_push_and_stop_full (Run **runs, guint n_runs, GBytes *bytes, double speed, double burst_after,
                        gint repeat)
{
  run_push (runs, n_runs, bytes, speed, burst_after, repeat);
  run_stop (runs, n_runs);
}

static void
run_push_and_stop (Run **runs, guint n_runs, GBytes *bytes, double speed, gint repeat)
{
  run_push_and_stop_full (runs, n_runs, bytes, speed, 0, repeat);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  return g_mapped_file_get_bytes (file);
}

/* Checks the manifest lines of @track in @dir against the files and
 * against @run's segments. */
static void
assert_manifest (const char *dir, Run *run, const char *track, const char *audio_codec)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "manifest.jsonl", NULL);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autofree char *file_path = NULL;
      g_autofree char *sha = NULL;
      EbRecordedSegment *segment;
      JsonObject *object;
      GStatBuf st;

      if (*lines[i] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member (object, "track"), track) != 0)
        continue;
      g_assert_cmpuint (n, <, run->track->segments->len);
      segment = g_ptr_array_index (run->track->segments, n);
      file_path = g_build_filename (dir, json_object_get_string_member (object, "file"), NULL);
      g_assert_cmpstr (file_path, ==, segment->path);
      g_assert_cmpint (g_stat (file_path, &st), ==, 0);
      g_assert_cmpint (json_object_get_int_member (object, "size"), ==, st.st_size);
      g_assert_cmpuint (segment->size, ==, (guint64)st.st_size);
      sha = eb_test_sha256_of (file_path);
      g_assert_cmpstr (json_object_get_string_member (object, "sha256"), ==, sha);
      g_assert_cmpstr (segment->sha256, ==, sha);
      g_assert_cmpint (json_object_get_int_member (object, "start_offset_us"), ==,
                       segment->start_offset_us);
      g_assert_cmpint (json_object_get_int_member (object, "duration_us"), ==,
                       segment->duration_us);
      g_assert_cmpstr (json_object_get_string_member (object, "video_codec"), ==, "h264");
      g_assert_cmpstr (json_object_get_string_member (object, "audio_codec"), ==, audio_codec);
      g_assert_cmpint (json_object_get_int_member (object, "width"), ==, 1280);
      g_assert_cmpint (json_object_get_int_member (object, "height"), ==, 720);
      g_assert_cmpint (json_object_get_int_member (object, "person_id"), ==,
                       eb_manifest_person_from_track (track));
      n++;
    }
  g_assert_cmpuint (n, ==, run->track->segments->len);
}

/* Every segment plays (GstDiscoverer), as H.264 1280x720 with audio; the
 * segments cover what was sent (@media_seconds of a stream), within one
 * segment; they follow each other in the session. */
static void
assert_recording_of (const char *dir, Run *run, const char *track, const char *audio_caps,
                     const char *audio_codec, gint64 session_start_us, guint media_seconds)
{
  g_autoptr (GPtrArray) files = eb_test_list_files (dir, ".ts");
  gint64 total_us = 0;
  guint expected = (media_seconds + SEGMENT_SECONDS - 1) / SEGMENT_SECONDS;

  g_assert_null (run->refused);
  g_assert_no_error (run->failed);
  g_assert_nonnull (run->track);
  g_assert_cmpstr (run->track->name, ==, track);
  g_assert_cmpstr (run->track->video_codec, ==, "h264");
  g_assert_cmpstr (run->track->audio_codec, ==, audio_codec);
  g_assert_cmpint (run->track->width, ==, 1280);
  g_assert_cmpint (run->track->height, ==, 720);
  g_assert_cmpuint (run->track->segments->len, >=, expected - 1);
  g_assert_cmpuint (run->track->segments->len, <=, expected + 1);
  g_assert_cmpuint (run->closed->len, ==, run->track->segments->len);
  g_assert_cmpuint (files->len, ==, run->track->segments->len);

  for (guint i = 0; i < run->track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (run->track->segments, i);
      EbRecordedSegment *signalled = g_ptr_array_index (run->closed, i);
      g_autofree char *expected_name = g_strdup_printf ("%s-%05u.ts", track, i);
      g_autofree char *base = g_path_get_basename (segment->path);
      EbTestProbe probe;

      g_assert_cmpstr (base, ==, expected_name);
      g_assert_cmpstr (signalled->path, ==, segment->path);
      g_assert_cmpstr (signalled->sha256, ==, segment->sha256);
      g_assert_true (eb_test_probe_file (segment->path, &probe));
      g_test_message ("%s: %" G_GINT64_FORMAT " us (%" G_GINT64_FORMAT " us in the manifest), "
                      "%s %ux%u, %s",
                      base, probe.duration_us, segment->duration_us, probe.video_caps, probe.width,
                      probe.height, probe.audio_caps);
      g_assert_cmpstr (probe.video_caps, ==, "video/x-h264");
      g_assert_cmpuint (probe.width, ==, 1280);
      g_assert_cmpuint (probe.height, ==, 720);
      g_assert_cmpstr (probe.audio_caps, ==, audio_caps);
      g_assert_cmpint (probe.duration_us, >, 0);
      g_assert_cmpint (probe.duration_us, <=, (SEGMENT_SECONDS + 1) * G_USEC_PER_SEC);
      /* what the manifest says is what the file holds */
      g_assert_cmpint (ABS (probe.duration_us - segment->duration_us), <=, 250000);
      total_us += probe.duration_us;

      if (i == 0)
        {
          /* the first segment starts about when the first byte arrived */
          gint64 expected_us = run->push_started_us - session_start_us;

          g_assert_cmpint (ABS (segment->start_offset_us - expected_us), <=, 1500000);
        }
      else
        {
          EbRecordedSegment *previous = g_ptr_array_index (run->track->segments, i - 1);

          /* each starts where the previous ended */
          g_assert_cmpint (
              ABS (segment->start_offset_us - (previous->start_offset_us + previous->duration_us)),
              <=, 150000);
        }
      eb_test_probe_clear (&probe);
    }
  g_test_message ("%u segments, %" G_GINT64_FORMAT " us in all", run->track->segments->len,
                  total_us);
  g_assert_cmpint (ABS (total_us - (gint64)media_seconds * G_USEC_PER_SEC), <=,
                   SEGMENT_SECONDS * G_USEC_PER_SEC);
  assert_manifest (dir, run, track, audio_codec);
}

static void
assert_recording (const char *dir, Run *run, const char *track, const char *audio_caps,
                  const char *audio_codec, gint64 session_start_us)
{
  assert_recording_of (dir, run, track, audio_caps, audio_codec, session_start_us, MEDIA_SECONDS);
}

static char *
make_session_dir (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *parent = g_dir_make_tmp ("eb-recorder-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (parent, name, NULL);
}

static void
remove_session_dir (const char *dir)
{
  g_autofree char *parent = g_path_get_dirname (dir);

  eb_test_rm_rf (parent);
}

static void
test_h264_aac (void)
{
  g_autofree char *dir = make_session_dir ("session-1");
  g_autoptr (GBytes) bytes = read_bytes (aac_stream);
  gint64 session_start_us = g_get_real_time () - 10 * G_USEC_PER_SEC;
  Run run = { 0 };
  Run *runs[] = { &run };

  run_start (&run, templates, dir, "p12-srt", session_start_us);
  run_push_and_stop (runs, 1, bytes, PUSH_SPEED, 1);
  assert_recording (dir, &run, "p12-srt", "audio/mpeg", "aac", session_start_us);
  g_assert_cmpuint (eb_recorder_get_dropped_bytes (run.recorder), ==, 0);
  /* pushing never held the caller */
  g_assert_cmpint (run.max_push_us, <, MAX_PUSH_US);
  run_clear (&run);
  remove_session_dir (dir);
}

/* A publisher that sends everything at once and leaves at once (more
 * than the recorder reads before it judges an input, all queued before
 * the demuxer has seen any): what it sent is recorded in full before the
 * stop returns. */
static void
test_burst (void)
{
  g_autofree char *dir = make_session_dir ("session-6");
  g_autoptr (GBytes) bytes = read_bytes (aac_stream);
  gint64 session_start_us = g_get_real_time ();
  Run run = { 0 };
  Run *runs[] = { &run };

  g_assert_cmpuint (g_bytes_get_size (bytes), >, 2 * 1024 * 1024);
  run_start (&run, templates, dir, "p13-srt", session_start_us);
  run_push_and_stop (runs, 1, bytes, 0, 1);
  assert_recording (dir, &run, "p13-srt", "audio/mpeg", "aac", session_start_us);
  g_assert_cmpuint (eb_recorder_get_dropped_bytes (run.recorder), ==, 0);
  run_clear (&run);
  remove_session_dir (dir);
}

/* A publisher that reconnects: the same track name in the same folder
 * continues with the next segment numbers, never touching the segments
 * already written. */
static void
test_continue_track (void)
{
  g_autofree char *dir = make_session_dir ("session-8");
  g_autoptr (GBytes) first_bytes = read_bytes (aac_stream);
  g_autoptr (GBytes) second_bytes = read_bytes (opus_stream);
  g_autoptr (GPtrArray) first_sha = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) files = NULL;
  gint64 session_start_us = g_get_real_time ();
  Run first = { 0 };
  Run second = { 0 };
  Run *first_runs[] = { &first };
  Run *second_runs[] = { &second };
  guint n_first;

  run_start (&first, templates, dir, "p21-srt", session_start_us);
  run_push_and_stop (first_runs, 1, first_bytes, 0, 1);
  n_first = first.track->segments->len;
  g_assert_cmpuint (n_first, >, 0);
  for (guint i = 0; i < n_first; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (first.track->segments, i);

      g_ptr_array_add (first_sha, g_strdup (segment->sha256));
    }

  run_start (&second, templates, dir, "p21-srt", session_start_us);
  run_push_and_stop (second_runs, 1, second_bytes, 0, 1);
  g_assert_cmpuint (second.track->segments->len, >, 0);
  for (guint i = 0; i < second.track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (second.track->segments, i);
      g_autofree char *base = g_path_get_basename (segment->path);
      g_autofree char *expected = g_strdup_printf ("p21-srt-%05u.ts", n_first + i);

      g_assert_cmpstr (base, ==, expected);
    }
  files = eb_test_list_files (dir, ".ts");
  g_assert_cmpuint (files->len, ==, n_first + second.track->segments->len);
  for (guint i = 0; i < n_first; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (first.track->segments, i);
      g_autofree char *sha = eb_test_sha256_of (segment->path);

      g_assert_cmpstr (sha, ==, g_ptr_array_index (first_sha, i));
    }
  /* the manifest lists both connections' segments, in order */
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *manifest = g_build_filename (dir, "manifest.jsonl", NULL);
    g_autofree char *contents = NULL;
    g_auto (GStrv) lines = NULL;

    g_file_get_contents (manifest, &contents, NULL, &error);
    g_assert_no_error (error);
    lines = g_strsplit (g_strstrip (contents), "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, n_first + second.track->segments->len);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_autofree char *needle = g_strdup_printf ("\"file\":\"p21-srt-%05u.ts\"", i);

        g_assert_nonnull (strstr (lines[i], needle));
      }
  }
  run_clear (&first);
  run_clear (&second);
  remove_session_dir (dir);
}

/* Opus audio, into a folder whose name needs quoting in gst-launch
 * syntax and escaping in the muxer's file pattern; a track name set for
 * the manifest. */
static void
test_h264_opus (void)
{
  g_autofree char *dir = make_session_dir ("session \"7\" with spaces, 100% 'quoted'");
  g_autoptr (GBytes) bytes = read_bytes (opus_stream);
  gint64 session_start_us = g_get_real_time ();
  Run run = { 0 };
  Run *runs[] = { &run };

  run_start (&run, templates, dir, "p7-srt", session_start_us);
  run_push_and_stop (runs, 1, bytes, PUSH_SPEED, 1);
  assert_recording (dir, &run, "p7-srt", "audio/x-opus", "opus", session_start_us);
  run_clear (&run);
  remove_session_dir (dir);
}

/* Two publishers of one session recorded at once, into one manifest. */
static void
test_two_tracks (void)
{
  g_autofree char *dir = make_session_dir ("session-2");
  g_autoptr (GBytes) bytes = read_bytes (aac_stream);
  gint64 session_start_us = g_get_real_time ();
  Run first = { 0 };
  Run second = { 0 };
  Run *runs[] = { &first, &second };

  run_start (&first, templates, dir, "p1-srt", session_start_us);
  run_start (&second, templates, dir, "p2-srt", session_start_us);
  run_push_and_stop (runs, 2, bytes, PUSH_SPEED, 1);
  g_assert_cmpuint (first.track->segments->len, >, 0);
  g_assert_cmpuint (second.track->segments->len, >, 0);
  assert_manifest (dir, &first, "p1-srt", "aac");
  assert_manifest (dir, &second, "p2-srt", "aac");
  run_clear (&first);
  run_clear (&second);
  remove_session_dir (dir);
}

static void
assert_refused (GBytes *bytes, const char *fragment)
{
  g_autofree char *dir = make_session_dir ("session-3");
  g_autofree char *manifest = g_build_filename (dir, "manifest.jsonl", NULL);
  g_autoptr (GPtrArray) files = NULL;
  Run run = { 0 };
  Run *runs[] = { &run };

  run_start (&run, templates, dir, "p3-srt", g_get_real_time ());
  run_push (runs, 1, bytes, 0, 0, 1);
  /* the publisher stays connected until the recorder makes up its mind */
  {
    guint watchdog = g_timeout_add_seconds (WAIT_SECONDS, watchdog_cb, NULL);

    while (run.refused == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (watchdog);
  }
  run_stop (runs, 1);
  g_assert_nonnull (run.refused);
  g_assert_nonnull (strstr (run.refused, fragment));
  g_assert_no_error (run.failed);
  g_assert_cmpuint (run.closed->len, ==, 0);
  g_assert_cmpuint (run.track->segments->len, ==, 0);
  /* nothing is kept */
  files = eb_test_list_files (dir, ".ts");
  g_assert_cmpuint (files->len, ==, 0);
  g_assert_false (g_file_test (manifest, G_FILE_TEST_EXISTS));
  run_clear (&run);
  remove_session_dir (dir);
}

static void
test_unsupported_codec (void)
{
  g_autoptr (GBytes) bytes = read_bytes (mpeg2_stream);

  assert_refused (bytes, "unsupported codec");
}

static void
test_garbage (void)
{
  g_autoptr (GByteArray) random = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GTimer) timer = g_timer_new ();

  /* more than the recorder looks at before it gives up */
  g_byte_array_set_size (random, 3 * 1024 * 1024);
  for (guint i = 0; i < random->len; i += 4)
    {
      guint32 value = g_random_int ();

      memcpy (random->data + i, &value, 4);
    }
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&random));
  assert_refused (bytes, "not an MPEG-TS stream");
  g_test_message ("refused after %.1f s", g_timer_elapsed (timer, NULL));
}

/* Garbage that looks like MPEG-TS packets (sync bytes every 188 bytes)
 * but never carries a program: refused after a few seconds. */
static void
test_garbage_packets (void)
{
  g_autoptr (GByteArray) packets = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GTimer) timer = g_timer_new ();

  g_byte_array_set_size (packets, 188 * 1000);
  for (guint i = 0; i < packets->len; i++)
    packets->data[i] = i % 188 == 0 ? 0x47 : (guint8)g_random_int_range (0, 256);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&packets));
  assert_refused (bytes, "not an MPEG-TS stream");
  g_test_message ("refused after %.1f s", g_timer_elapsed (timer, NULL));
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 10);
}

static void
test_no_data (void)
{
  g_autofree char *dir = make_session_dir ("session-4");
  g_autoptr (GPtrArray) files = NULL;
  guint watchdog = g_timeout_add_seconds (WAIT_SECONDS, watchdog_cb, NULL);
  Run run = { 0 };

  run_start (&run, templates, dir, "p4-srt", g_get_real_time ());
  /* let it run a little */
  for (gint64 until = g_get_monotonic_time () + 200000; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  eb_recorder_stop_async (run.recorder, NULL, stopped_cb, &run);
  while (!run.stopped)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (watchdog);
  g_assert_null (run.refused);
  g_assert_no_error (run.failed);
  g_assert_cmpuint (run.track->segments->len, ==, 0);
  g_assert_cmpstr (run.track->name, ==, "p4-srt");
  files = eb_test_list_files (dir, ".ts");
  g_assert_cmpuint (files->len, ==, 0);
  run_clear (&run);

  /* a recorder never started stops too */
  run_start (&run, templates, dir, "p5-srt", g_get_real_time ());
  g_clear_object (&run.recorder);
  run_clear (&run);
  remove_session_dir (dir);
}

/* The shipped templates in a new folder (*@pipelines), the record
 * template's input queue @max_bytes long. */
static EbPipelineTemplates *
load_templates_with_queue (const char *max_bytes, char **pipelines_out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *shipped = eb_test_pipelines_dir ();
  g_autofree char *source = g_build_filename (shipped, "record.pipeline", NULL);
  g_autofree char *pipelines = g_dir_make_tmp ("eb-pipelines-XXXXXX", &error);
  g_autofree char *setting = g_strdup_printf ("max-bytes=%s", max_bytes);
  EbPipelineTemplates *loaded;
  g_autofree char *text = NULL;
  g_autoptr (GString) changed = NULL;

  g_assert_no_error (error);
  g_file_get_contents (source, &text, NULL, &error);
  g_assert_no_error (error);
  changed = g_string_new (text);
  g_assert_cmpuint (g_string_replace (changed, "max-bytes=${max_bytes}", setting, 1), ==, 1);
  for (guint i = 0; i < 4; i++)
    {
      static const char *const names[] = { "record", "parse-h264", "parse-aac", "parse-opus" };
      g_autofree char *file = g_strconcat (names[i], ".pipeline", NULL);
      g_autofree char *from = g_build_filename (shipped, file, NULL);
      g_autofree char *to = g_build_filename (pipelines, file, NULL);
      g_autofree char *contents = NULL;

      if (i == 0)
        contents = g_strdup (changed->str);
      else
        {
          g_file_get_contents (from, &contents, NULL, &error);
          g_assert_no_error (error);
        }
      g_file_set_contents (to, contents, -1, &error);
      g_assert_no_error (error);
    }
  loaded = eb_pipeline_templates_load (pipelines, &error);
  g_assert_no_error (error);
  *pipelines_out = g_steal_pointer (&pipelines);
  return loaded;
}

/* An operator's template with a tiny input queue: a publisher faster
 * than the recorder loses bytes, counted, and is never held. */
static void
test_overflow (void)
{
  g_autofree char *dir = make_session_dir ("session-5");
  g_autofree char *pipelines = NULL;
  g_autoptr (EbPipelineTemplates) small = load_templates_with_queue ("13160", &pipelines);
  g_autoptr (GBytes) bytes = read_bytes (aac_stream);
  Run run = { 0 };
  Run *runs[] = { &run };

  /* a third at the stream's pace, then all at once */
  run_start (&run, small, dir, "p6-srt", g_get_real_time ());
  run_push_and_stop_full (runs, 1, bytes, PUSH_SPEED, 0.34, 1);
  g_test_message ("dropped %" G_GUINT64_FORMAT " bytes; longest push %" G_GINT64_FORMAT " us; "
                  "%u segments",
                  eb_recorder_get_dropped_bytes (run.recorder), run.max_push_us,
                  run.track->segments->len);
  g_assert_cmpuint (eb_recorder_get_dropped_bytes (run.recorder), >, 0);
  g_assert_cmpint (run.max_push_us, <, MAX_PUSH_US);
  g_assert_null (run.refused);
  /* what came through is recorded */
  g_assert_cmpuint (run.track->segments->len, >=, 1);
  run_clear (&run);
  eb_test_rm_rf (pipelines);
  remove_session_dir (dir);
}

/* A reconnecting publisher's backlog, pushed in one call, larger than
 * the input queue: its front (the program tables the stream starts with)
 * is recorded, the rest that finds no room is dropped and counted. */
static void
test_backlog (void)
{
  g_autofree char *dir = make_session_dir ("session-9");
  g_autofree char *pipelines = NULL;
  /* the shipped queue is 4 MiB and a backlog up to 8 MiB: the same
   * proportion with a shorter stream */
  const gsize queue = 512 * 1024;
  g_autofree char *queue_text = g_strdup_printf ("%" G_GSIZE_FORMAT, queue);
  g_autoptr (EbPipelineTemplates) small = load_templates_with_queue (queue_text, &pipelines);
  g_autoptr (GBytes) bytes = read_bytes (aac_stream);
  gsize length = g_bytes_get_size (bytes);
  gint64 session_start_us = g_get_real_time ();
  Run run = { 0 };
  Run *runs[] = { &run };
  guint64 dropped;
  gint64 total_us = 0;

  g_assert_cmpuint (length, >, 2 * queue);
  run_start (&run, small, dir, "p22-srt", session_start_us);
  run.push_started_us = g_get_real_time ();
  eb_recorder_push (run.recorder, g_bytes_get_data (bytes, NULL), length);
  run_stop (runs, 1);

  dropped = eb_recorder_get_dropped_bytes (run.recorder);
  g_test_message ("%" G_GSIZE_FORMAT " bytes pushed at once, %" G_GUINT64_FORMAT " dropped", length,
                  dropped);
  /* the front, at least a queue's worth, was taken */
  g_assert_cmpuint (dropped, >, 0);
  g_assert_cmpuint (dropped, <=, length - queue);
  g_assert_null (run.refused);
  g_assert_no_error (run.failed);
  g_assert_cmpstr (run.track->video_codec, ==, "h264");
  g_assert_cmpstr (run.track->audio_codec, ==, "aac");
  g_assert_cmpuint (run.track->segments->len, >=, 1);
  for (guint i = 0; i < run.track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (run.track->segments, i);
      EbTestProbe probe;

      g_assert_true (eb_test_probe_file (segment->path, &probe));
      g_test_message ("%s: %" G_GINT64_FORMAT " us", segment->path, probe.duration_us);
      g_assert_cmpstr (probe.video_caps, ==, "video/x-h264");
      g_assert_cmpstr (probe.audio_caps, ==, "audio/mpeg");
      total_us += probe.duration_us;
      eb_test_probe_clear (&probe);
    }
  /* 512 KiB of a 2 Mbit/s stream: about two seconds */
  g_assert_cmpint (total_us, >=, G_USEC_PER_SEC);
  run_clear (&run);
  eb_test_rm_rf (pipelines);
  remove_session_dir (dir);
}

/* --- what the demuxer is handed --- */

/* The recorder gathers received messages into buffers of at most this
 * size. */
#define BATCH_MAX_BYTES (64 * 1024)
/* Seconds of media in the stream pushed at its pace. */
#define PACED_SECONDS 8

/* The buffers leaving the recorder's input queue (its appsrc), counted
 * by a probe of this test on the appsrc's source pad. */
typedef struct
{
  GMutex lock;
  guint buffers;
  guint64 bytes;
  gsize largest;
} InputCount;

static void
input_count_add (InputCount *count, GstBuffer *buffer)
{
  gsize size = gst_buffer_get_size (buffer);

  count->buffers++;
  count->bytes += size;
  count->largest = MAX (count->largest, size);
}

static gboolean
input_count_list_cb (GstBuffer **buffer, guint index, gpointer user_data)
{
  input_count_add (user_data, *buffer);
  return TRUE;
}

static GstPadProbeReturn
input_count_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  InputCount *count = user_data;

  g_mutex_lock (&count->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    input_count_add (count, GST_PAD_PROBE_INFO_BUFFER (info));
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (info), input_count_list_cb, count);
  g_mutex_unlock (&count->lock);
  return GST_PAD_PROBE_OK;
}

/* Counts what leaves @recorder's input queue, from now on. */
static void
input_count_attach (InputCount *count, EbRecorder *recorder)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (recorder->appsrc, "src");

  g_assert_nonnull (pad);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     input_count_probe_cb, count, NULL);
}

static guint64
input_count_bytes (InputCount *count)
{
  guint64 bytes;

  g_mutex_lock (&count->lock);
  bytes = count->bytes;
  g_mutex_unlock (&count->lock);
  return bytes;
}

/* A publisher's SRT messages (1316 bytes each) pushed at the stream's
 * pace reach the demuxer gathered: in buffers of at most 64 KiB, at
 * most one per 100 ms of arrival besides the full ones, far fewer than
 * the messages; every byte of them, and the recording is complete. */
static void
test_batches (void)
{
  static char *paced_stream;
  g_autofree char *dir = make_session_dir ("session-12");
  g_autoptr (GBytes) bytes = NULL;
  gint64 session_start_us = g_get_real_time ();
  InputCount count = { 0 };
  Run run = { 0 };
  Run *runs[] = { &run };
  gsize length;
  guint messages;
  gint64 pushed_us;
  guint64 most;

  if (paced_stream == NULL)
    paced_stream = eb_test_make_stream (media_dir, "h264-aac-paced.ts", PACED_SECONDS, "libx264",
                                        "3M", "aac", FALSE);
  bytes = read_bytes (paced_stream);
  length = g_bytes_get_size (bytes);
  messages = (guint)((length + CHUNK - 1) / CHUNK);
  g_mutex_init (&count.lock);

  run_start (&run, templates, dir, "p25-srt", session_start_us);
  input_count_attach (&count, run.recorder);
  pushed_us = g_get_monotonic_time ();
  run_push_media (runs, 1, bytes, PACED_SECONDS, 1.0, 0, 1);
  pushed_us = g_get_monotonic_time () - pushed_us;
  run_stop (runs, 1);

  /* a full buffer holds as many whole messages as fit */
  most = (guint64)pushed_us / (100 * G_TIME_SPAN_MILLISECOND) + 1
         + length / (BATCH_MAX_BYTES / CHUNK * CHUNK) + 1;
  g_test_message ("%" G_GSIZE_FORMAT " bytes in %u messages over %" G_GINT64_FORMAT
                  " ms: %u buffers (at most %" G_GUINT64_FORMAT "), the largest %" G_GSIZE_FORMAT
                  " bytes",
                  length, messages, pushed_us / 1000, count.buffers, most, count.largest);
  g_assert_cmpint (pushed_us, >=, (PACED_SECONDS - 1) * G_USEC_PER_SEC);
  g_assert_cmpuint (count.bytes, ==, length);
  g_assert_cmpuint (eb_recorder_get_dropped_bytes (run.recorder), ==, 0);
  g_assert_cmpuint (count.largest, <=, BATCH_MAX_BYTES);
  g_assert_cmpuint (count.buffers, <=, messages / 10);
  g_assert_cmpuint (count.buffers, <=, most);
  g_assert_cmpuint (count.buffers, >=, length / BATCH_MAX_BYTES);
  assert_recording_of (dir, &run, "p25-srt", "audio/mpeg", "aac", session_start_us, PACED_SECONDS);
  run_clear (&run);
  g_mutex_clear (&count.lock);
  remove_session_dir (dir);
}

/* The messages gathered last, when no more come, reach the demuxer when
 * the recorder stops (before the end of its input): every byte is
 * recorded. Pushed as fast as possible, the buffers are full ones. */
static void
test_batch_flushed_on_stop (void)
{
  g_autofree char *dir = make_session_dir ("session-13");
  g_autoptr (GBytes) bytes = read_bytes (aac_stream);
  gsize length = g_bytes_get_size (bytes);
  gint64 session_start_us = g_get_real_time ();
  InputCount count = { 0 };
  Run run = { 0 };
  Run *runs[] = { &run };
  guint64 before_stop;

  /* not a whole number of full buffers */
  g_assert_cmpuint (length % (BATCH_MAX_BYTES / CHUNK * CHUNK), !=, 0);
  g_mutex_init (&count.lock);
  run_start (&run, templates, dir, "p26-srt", session_start_us);
  input_count_attach (&count, run.recorder);
  run_push (runs, 1, bytes, 0, 0, 1);

  /* everything handed over has left the queue: the rest is held */
  {
    guint watchdog = g_timeout_add_seconds (WAIT_SECONDS, watchdog_cb, NULL);

    while (gst_app_src_get_current_level_bytes (GST_APP_SRC (run.recorder->appsrc)) > 0)
      g_main_context_iteration (NULL, FALSE);
    g_source_remove (watchdog);
  }
  for (gint64 until = g_get_monotonic_time () + 300000; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  before_stop = input_count_bytes (&count);
  g_test_message ("%" G_GSIZE_FORMAT " bytes pushed, %" G_GUINT64_FORMAT
                  " handed over before the stop",
                  length, before_stop);
  g_assert_cmpuint (before_stop, <, length);
  g_assert_cmpuint (length - before_stop, <, BATCH_MAX_BYTES);

  run_stop (runs, 1);
  g_assert_cmpuint (count.bytes, ==, length);
  g_assert_cmpuint (eb_recorder_get_dropped_bytes (run.recorder), ==, 0);
  g_assert_cmpuint (count.largest, <=, BATCH_MAX_BYTES);
  g_assert_cmpuint (count.largest, >, BATCH_MAX_BYTES - CHUNK);
  assert_recording (dir, &run, "p26-srt", "audio/mpeg", "aac", session_start_us);
  run_clear (&run);
  g_mutex_clear (&count.lock);
  remove_session_dir (dir);
}

/* --- a publisher whose encoder restarts its muxer --- */

#define SECOND_PROGRAM_SECONDS 4

/* The first stream (H.264 + AAC) followed by @second_stream, which an
 * encoder restarted with other PIDs sends: a new PAT/PMT mid-connection. */
static GBytes *
concat_programs (const char *second_stream)
{
  g_autoptr (GBytes) first = read_bytes (aac_stream);
  g_autoptr (GBytes) second = read_bytes (second_stream);
  GByteArray *both = g_byte_array_new ();

  g_byte_array_append (both, g_bytes_get_data (first, NULL), (guint)g_bytes_get_size (first));
  g_byte_array_append (both, g_bytes_get_data (second, NULL), (guint)g_bytes_get_size (second));
  return g_byte_array_free_to_bytes (both);
}

static char *
make_second_program (const char *name, const char *audio_codec)
{
  const char *const options[] = {
    "-mpegts_start_pid", "0x200", "-mpegts_pmt_start_pid", "0x1100", "-mpegts_service_id", "2", NULL
  };

  return eb_test_make_stream_full (media_dir, name, SECOND_PROGRAM_SECONDS, "libx264", "2M",
                                   audio_codec, TRUE, options);
}

/* Reads every segment of @run back; returns the media time in all. */
static gint64
assert_segments_play (Run *run, const char *audio_caps)
{
  gint64 total_us = 0;

  for (guint i = 0; i < run->track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (run->track->segments, i);
      EbTestProbe probe;

      g_assert_true (eb_test_probe_file (segment->path, &probe));
      g_test_message ("%s: %" G_GINT64_FORMAT " us (%" G_GINT64_FORMAT
                      " us listed) at %" G_GINT64_FORMAT " us, %s %ux%u, %s",
                      segment->path, probe.duration_us, segment->duration_us,
                      segment->start_offset_us, probe.video_caps, probe.width, probe.height,
                      probe.audio_caps);
      g_assert_cmpstr (probe.video_caps, ==, "video/x-h264");
      g_assert_cmpuint (probe.width, ==, 1280);
      g_assert_cmpstr (probe.audio_caps, ==, audio_caps);
      g_assert_cmpint (probe.duration_us, >, 0);
      g_assert_cmpint (ABS (probe.duration_us - segment->duration_us), <=, 250000);
      if (i > 0)
        {
          EbRecordedSegment *previous = g_ptr_array_index (run->track->segments, i - 1);

          g_assert_cmpint (
              ABS (segment->start_offset_us - (previous->start_offset_us + previous->duration_us)),
              <=, 150000);
        }
      total_us += probe.duration_us;
      eb_test_probe_clear (&probe);
    }
  return total_us;
}

/* The same codecs after the change: the recording goes on, in order,
 * with the new program's streams. */
static void
test_program_change (void)
{
  static char *second_stream;
  g_autofree char *dir = make_session_dir ("session-10");
  g_autoptr (GBytes) bytes = NULL;
  gint64 session_start_us = g_get_real_time ();
  gint64 total_us;
  Run run = { 0 };
  Run *runs[] = { &run };

  if (second_stream == NULL)
    second_stream = make_second_program ("h264-aac-restarted.ts", "aac");
  bytes = concat_programs (second_stream);
  run_start (&run, templates, dir, "p23-srt", session_start_us);
  run_push_and_stop (runs, 1, bytes, PUSH_SPEED, 1);
  g_assert_null (run.refused);
  g_assert_no_error (run.failed);
  g_assert_cmpstr (run.track->video_codec, ==, "h264");
  g_assert_cmpstr (run.track->audio_codec, ==, "aac");
  total_us = assert_segments_play (&run, "audio/mpeg");
  g_test_message ("%u segments, %" G_GINT64_FORMAT " us in all", run.track->segments->len,
                  total_us);
  /* both programs are recorded */
  g_assert_cmpint (ABS (total_us - (MEDIA_SECONDS + SECOND_PROGRAM_SECONDS) * G_USEC_PER_SEC), <=,
                   SEGMENT_SECONDS * G_USEC_PER_SEC);
  assert_manifest (dir, &run, "p23-srt", "aac");
  run_clear (&run);
  remove_session_dir (dir);
}

/* Other codecs after the change (Opus instead of AAC): the recorder
 * fails, saying why; what it recorded before stays listed and plays. */
static void
test_program_change_codec (void)
{
  static char *second_stream;
  g_autofree char *dir = make_session_dir ("session-11");
  g_autoptr (GBytes) bytes = NULL;
  gint64 session_start_us = g_get_real_time ();
  gint64 total_us;
  Run run = { 0 };
  Run *runs[] = { &run };

  if (second_stream == NULL)
    second_stream = make_second_program ("h264-opus-restarted.ts", "libopus");
  bytes = concat_programs (second_stream);
  run_start (&run, templates, dir, "p24-srt", session_start_us);
  run_push_and_stop (runs, 1, bytes, PUSH_SPEED, 1);
  g_assert_null (run.refused);
  g_assert_nonnull (run.failed);
  g_assert_error (run.failed, EB_RECORDER_ERROR, EB_RECORDER_ERROR_PROGRAM_CHANGED);
  g_assert_nonnull (strstr (run.failed->message, "program changed"));
  g_assert_nonnull (strstr (run.failed->message, "audio/x-opus"));
  g_assert_cmpuint (run.track->segments->len, >=, 1);
  total_us = assert_segments_play (&run, "audio/mpeg");
  g_test_message ("%u segments, %" G_GINT64_FORMAT " us in all", run.track->segments->len,
                  total_us);
  /* the first program, all of it: the last segment was closed, not cut */
  g_assert_cmpint (ABS (total_us - MEDIA_SECONDS * G_USEC_PER_SEC), <=, 500000);
  assert_manifest (dir, &run, "p24-srt", "aac");
  run_clear (&run);
  remove_session_dir (dir);
}

/* --- a full disk --- */

typedef struct
{
  Run full;
  Run fine;
  gboolean alive_after_failure;
  gboolean rlimit_mode;
  struct rlimit saved_limit;
} DiskChild;

static void
disk_child_segment_cb (EbRecorder *recorder, EbRecordedSegment *segment, DiskChild *child)
{
  struct rlimit limit;

  if (!child->rlimit_mode || recorder != child->full.recorder || child->full.closed->len != 1)
    return;
  /* from now on the open segment cannot grow: writes fail with EFBIG */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &child->saved_limit), ==, 0);
  limit = child->saved_limit;
  limit.rlim_cur = 64 * 1024;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
}

static gboolean
alive_cb (gpointer user_data)
{
  DiskChild *child = user_data;

  if (child->full.failed != NULL)
    {
      child->alive_after_failure = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
copy_file (const char *from, const char *to)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, (gssize)length, &error);
  g_assert_no_error (error);
}

/*
 * The child: records one stream twice at once, into a folder on a
 * filesystem that fills up (a 1.6 MB tmpfs mounted in a private mount
 * namespace, or, where that is not allowed, under a file size limit set
 * once the first segment is closed), and into a folder with room. It
 * writes what happened into <out>/summary.ini and copies the full
 * folder's files to <out>/full/.
 */
static int
disk_full_child (const char *out, const char *stream)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GKeyFile) summary = g_key_file_new ();
  g_autofree char *full_dir = g_build_filename (out, "full-disk", NULL);
  g_autofree char *fine_dir = g_build_filename (out, "fine", NULL);
  g_autofree char *copy_dir = g_build_filename (out, "full", NULL);
  g_autofree char *summary_path = g_build_filename (out, "summary.ini", NULL);
  g_autofree char *pipelines = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  DiskChild child = { 0 };
  Run *runs[] = { &child.full, &child.fine };
  guint n_runs;

  g_assert_cmpint (g_mkdir_with_parents (full_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (copy_dir, 0755), ==, 0);
  /* before any thread exists */
  if (g_getenv ("EB_TEST_DISK_FULL_RLIMIT") == NULL && unshare (CLONE_NEWNS) == 0
      && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0
      && mount ("tmpfs", full_dir, "tmpfs", 0, "size=1600k") == 0)
    child.rlimit_mode = FALSE;
  else
    {
      child.rlimit_mode = TRUE;
      signal (SIGXFSZ, SIG_IGN);
    }

  gst_init (NULL, NULL);
  pipelines = eb_test_pipelines_dir ();
  templates = eb_pipeline_templates_load (pipelines, &error);
  g_assert_no_error (error);
  bytes = read_bytes (stream);

  /* a file size limit holds for every file of the process: then the
   * other track cannot be recorded alongside */
  n_runs = child.rlimit_mode ? 1 : 2;
  run_start (&child.full, templates, full_dir, "p8-srt", g_get_real_time ());
  if (n_runs == 2)
    run_start (&child.fine, templates, fine_dir, "p9-srt", g_get_real_time ());
  g_signal_connect (child.full.recorder, "segment-closed", G_CALLBACK (disk_child_segment_cb),
                    &child);
  g_timeout_add (50, alive_cb, &child);
  run_push_and_stop (runs, n_runs, bytes, PUSH_SPEED, 1);
  /* the main loop still dispatches after the failure */
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;
       child.full.failed != NULL && !child.alive_after_failure && g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, TRUE);

  if (child.rlimit_mode)
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &child.saved_limit), ==, 0);
  g_key_file_set_string (summary, "child", "mode", child.rlimit_mode ? "rlimit" : "tmpfs");
  g_key_file_set_string (summary, "child", "failed",
                         child.full.failed != NULL ? child.full.failed->message : "");
  g_key_file_set_boolean (summary, "child", "alive-after-failure", child.alive_after_failure);
  g_key_file_set_int64 (summary, "child", "max-push-us",
                        MAX (child.full.max_push_us, child.fine.max_push_us));
  for (guint r = 0; r < 2; r++)
    {
      Run *run = runs[r];
      const char *group = r == 0 ? "full" : "fine";

      g_ptr_array_set_size (names, 0);
      for (guint i = 0; run->track != NULL && i < run->track->segments->len; i++)
        {
          EbRecordedSegment *segment = g_ptr_array_index (run->track->segments, i);
          g_autofree char *base = g_path_get_basename (segment->path);
          g_autofree char *copy = g_build_filename (copy_dir, base, NULL);

          g_key_file_set_string (summary, base, "sha256", segment->sha256);
          g_key_file_set_int64 (summary, base, "duration-us", segment->duration_us);
          if (r == 0)
            copy_file (segment->path, copy);
          g_ptr_array_add (names, g_steal_pointer (&base));
        }
      g_ptr_array_add (names, NULL);
      g_key_file_set_string_list (summary, group, "segments", (const char *const *)names->pdata,
                                  names->len - 1);
      g_ptr_array_remove_index (names, names->len - 1);
    }
  g_key_file_save_to_file (summary, summary_path, &error);
  g_assert_no_error (error);

  run_clear (&child.full);
  run_clear (&child.fine);
  g_clear_pointer (&templates, eb_pipeline_templates_free);
  return 0;
}

static void
test_disk_full (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_dir_make_tmp ("eb-disk-full-XXXXXX", &error);
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *summary_path = g_build_filename (out, "summary.ini", NULL);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GKeyFile) summary = g_key_file_new ();
  g_autofree char *mode = NULL;
  g_autofree char *failed = NULL;
  g_auto (GStrv) full = NULL;
  g_auto (GStrv) fine = NULL;

  g_assert_no_error (error);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_path, "--disk-full-child", out,
                              aac_stream, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);

  g_key_file_load_from_file (summary, summary_path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  mode = g_key_file_get_string (summary, "child", "mode", NULL);
  failed = g_key_file_get_string (summary, "child", "failed", NULL);
  g_test_message ("mode %s: %s", mode, failed);
  /* a clear message: which track, and why */
  g_assert_nonnull (strstr (failed, "p8-srt"));
  if (g_strcmp0 (mode, "tmpfs") == 0)
    g_assert_nonnull (strstr (failed, "No space left"));
  else
    g_assert_nonnull (strstr (failed, "File too large"));
  /* the process kept going: its main loop, the other recorder, the
   * publishers' pushes */
  g_assert_true (g_key_file_get_boolean (summary, "child", "alive-after-failure", NULL));
  g_assert_cmpint (g_key_file_get_int64 (summary, "child", "max-push-us", NULL), <, MAX_PUSH_US);

  /* what was written before stays playable */
  full = g_key_file_get_string_list (summary, "full", "segments", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (full), >=, 1);
  for (guint i = 0; full[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (out, "full", full[i], NULL);
      g_autofree char *sha = g_key_file_get_string (summary, full[i], "sha256", NULL);
      g_autofree char *actual = eb_test_sha256_of (path);
      /* the last one was cut by the full disk: GstDiscoverer may find no
       * duration in it, another reader does */
      gboolean cut = full[i + 1] == NULL;
      gint64 reader_us;
      EbTestProbe probe;

      g_assert_true (eb_test_probe_file (path, &probe));
      reader_us = cut ? eb_test_ffprobe_duration_us (path) : probe.duration_us;
      g_test_message ("%s: %" G_GINT64_FORMAT " us%s", full[i], reader_us,
                      cut ? ", cut by the full disk" : "");
      g_assert_cmpstr (probe.video_caps, ==, "video/x-h264");
      g_assert_cmpint (reader_us, >, 0);
      g_assert_cmpstr (sha, ==, actual);
      eb_test_probe_clear (&probe);
    }

  /* the other track was recorded in full */
  fine = g_key_file_get_string_list (summary, "fine", "segments", NULL, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (mode, "tmpfs") == 0)
    g_assert_cmpuint (g_strv_length (fine), >=, 3);
  for (guint i = 0; fine[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (out, "fine", fine[i], NULL);
      EbTestProbe probe;

      g_assert_true (eb_test_probe_file (path, &probe));
      g_assert_cmpstr (probe.audio_caps, ==, "audio/mpeg");
      eb_test_probe_clear (&probe);
    }
  eb_test_rm_rf (out);
}

/* The first test starts GStreamer (once its own user folders are set)
 * and generates the streams, once for the whole run. */
static void
setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = NULL;

  if (templates != NULL)
    return;
  gst_init (NULL, NULL);
  pipelines = eb_test_pipelines_dir ();
  templates = eb_pipeline_templates_load (pipelines, &error);
  g_assert_no_error (error);
  media_dir = g_dir_make_tmp ("eb-streams-XXXXXX", &error);
  g_assert_no_error (error);
  aac_stream = eb_test_make_stream (media_dir, "h264-aac.ts", MEDIA_SECONDS, "libx264", "3M", "aac",
                                    FALSE);
  opus_stream = eb_test_make_stream (media_dir, "h264-opus.ts", MEDIA_SECONDS, "libx264", "2M",
                                     "libopus", FALSE);
  mpeg2_stream = eb_test_make_stream (media_dir, "mpeg2-mp2.ts", MEDIA_SECONDS, "mpeg2video", "2M",
                                      "mp2", FALSE);
}

static void
run_test (gconstpointer data)
{
  GTestFunc func = (GTestFunc)data;

  setup ();
  func ();
}

static void
add_test (const char *path, GTestFunc func)
{
  g_test_add_data_func (path, (gconstpointer)func, run_test);
}

int
main (int argc, char **argv)
{
  int status;

  if (argc == 4 && g_str_equal (argv[1], "--disk-full-child"))
    return disk_full_child (argv[2], argv[3]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_test ("/eboard/media/recorder/h264-aac", test_h264_aac);
  add_test ("/eboard/media/recorder/h264-opus", test_h264_opus);
  add_test ("/eboard/media/recorder/burst", test_burst);
  add_test ("/eboard/media/recorder/two-tracks", test_two_tracks);
  add_test ("/eboard/media/recorder/continue-track", test_continue_track);
  add_test ("/eboard/media/recorder/unsupported-codec", test_unsupported_codec);
  add_test ("/eboard/media/recorder/garbage", test_garbage);
  add_test ("/eboard/media/recorder/garbage-packets", test_garbage_packets);
  add_test ("/eboard/media/recorder/no-data", test_no_data);
  add_test ("/eboard/media/recorder/overflow", test_overflow);
  add_test ("/eboard/media/recorder/backlog", test_backlog);
  add_test ("/eboard/media/recorder/batches", test_batches);
  add_test ("/eboard/media/recorder/batch-flushed-on-stop", test_batch_flushed_on_stop);
  add_test ("/eboard/media/recorder/program-change", test_program_change);
  add_test ("/eboard/media/recorder/program-change-codec", test_program_change_codec);
  add_test ("/eboard/media/recorder/disk-full", test_disk_full);
  status = g_test_run ();

  if (media_dir != NULL)
    eb_test_rm_rf (media_dir);
  g_clear_pointer (&media_dir, g_free);
  g_clear_pointer (&aac_stream, g_free);
  g_clear_pointer (&opus_stream, g_free);
  g_clear_pointer (&mpeg2_stream, g_free);
  g_clear_pointer (&templates, eb_pipeline_templates_free);
  return status;
}
