/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include <eboard/eb-error.h>

#include "eb-recovery-test-util.h"
#include "media/eb-manifest-private.h"
#include "media/eb-pipeline-template-private.h"
#include "media/eb-recorder-private.h"

#define MEDIA_SECONDS 6
#define SEGMENT_SECONDS 2
#define CHUNK 1316
#define WAIT_SECONDS 30
#define SESSION_ID 41

static char *media_dir;
static char *aac_stream;
static char *opus_stream;

static void
write_file (const char *path, const char *contents, gssize length)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static void
append_file (const char *path, const char *text)
{
  FILE *file = fopen (path, "a");

  g_assert_nonnull (file);
  g_assert_cmpint (fputs (text, file), >=, 0);
  g_assert_cmpint (fclose (file), ==, 0);
}

/* --- manifest lines --- */

static void
test_entry_json (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbManifestEntry) entry = eb_manifest_entry_new ();
  g_autoptr (EbManifestEntry) back = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;

  entry->track = g_strdup ("p12-srt");
  entry->person_id = 12;
  entry->file = g_strdup ("p12-srt-00003.ts");
  entry->start_offset_us = 6000123;
  entry->duration_us = 2000000;
  entry->size = 543210;
  entry->sha256 = g_strdup ("ab12");
  entry->video_codec = g_strdup ("h264");
  entry->audio_codec = NULL;
  entry->width = 1280;
  entry->height = 720;
  json = eb_manifest_entry_to_json (entry);
  g_test_message ("%s", json);
  g_assert_null (strchr (json, '\n'));

  /* an independent reader sees the fields */
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "track"), ==, "p12-srt");
  g_assert_cmpint (json_object_get_int_member (object, "person_id"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (object, "file"), ==, "p12-srt-00003.ts");
  g_assert_cmpint (json_object_get_int_member (object, "start_offset_us"), ==, 6000123);
  g_assert_cmpint (json_object_get_int_member (object, "duration_us"), ==, 2000000);
  g_assert_cmpint (json_object_get_int_member (object, "size"), ==, 543210);
  g_assert_cmpstr (json_object_get_string_member (object, "sha256"), ==, "ab12");
  g_assert_cmpstr (json_object_get_string_member (object, "video_codec"), ==, "h264");
  g_assert_true (json_object_get_null_member (object, "audio_codec"));
  g_assert_cmpint (json_object_get_int_member (object, "width"), ==, 1280);
  g_assert_cmpint (json_object_get_int_member (object, "height"), ==, 720);

  back = eb_manifest_entry_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->track, ==, entry->track);
  g_assert_cmpint (back->person_id, ==, 12);
  g_assert_cmpstr (back->file, ==, entry->file);
  g_assert_cmpint (back->start_offset_us, ==, entry->start_offset_us);
  g_assert_cmpint (back->duration_us, ==, entry->duration_us);
  g_assert_cmpuint (back->size, ==, entry->size);
  g_assert_cmpstr (back->sha256, ==, entry->sha256);
  g_assert_cmpstr (back->video_codec, ==, "h264");
  g_assert_null (back->audio_codec);
  g_assert_false (back->partial);

  /* not entries */
  g_assert_null (eb_manifest_entry_from_json ("{\"track\":\"p1-srt\",\"fi", &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (eb_manifest_entry_from_json ("[1,2]", &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (eb_manifest_entry_from_json (
      "{\"track\":\"t\",\"file\":\"../../etc/passwd\",\"start_offset_us\":0,"
      "\"duration_us\":0,\"size\":0,\"sha256\":\"x\"}",
      &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (eb_manifest_entry_from_json ("{\"track\":7}", &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
}

static EbManifestEntry *
dummy_entry (const char *track, guint index, gint64 start_us, guint64 size)
{
  EbManifestEntry *entry = eb_manifest_entry_new ();

  entry->track = g_strdup (track);
  entry->person_id = eb_manifest_person_from_track (track);
  entry->file = g_strdup_printf ("%s-%05u.ts", track, index);
  entry->start_offset_us = start_us;
  entry->duration_us = 2000000;
  entry->size = size;
  entry->sha256 = g_strdup ("00");
  entry->video_codec = g_strdup ("h264");
  entry->audio_codec = g_strdup ("aac");
  entry->width = 1280;
  entry->height = 720;
  return entry;
}

/* Appends, a torn last line, a malformed line in the middle, files that
 * went missing, empty and unreadable files: what recovery keeps. */
static void
test_manifest_folder (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *recordings = g_dir_make_tmp ("eb-recovery-XXXXXX", &error);
  g_autofree char *dir = eb_manifest_session_dir (recordings, 9);
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.jsonl", NULL);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  EbRecordedTrack *track;
  g_autofree char *filler = g_strnfill (1000, 'x');

  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (dir, "/session-9"));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  /* a missing manifest is an empty one */
  entries = eb_manifest_read (manifest_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (EbManifestEntry) entry = dummy_entry ("p5-srt", i, i * 2000000, 1000);
      g_autofree char *path = g_build_filename (dir, entry->file, NULL);

      g_assert_true (eb_manifest_append (manifest_path, entry, &error));
      g_assert_no_error (error);
      /* the second one disappears */
      if (i != 1)
        write_file (path, filler, 1000);
      if (i == 0)
        append_file (manifest_path, "this is not json\n");
    }
  /* a kill in the middle of an append */
  append_file (manifest_path, "{\"track\":\"p5-srt\",\"person_id\":5,\"file\":\"p5-srt-000");

  entries = eb_manifest_read (manifest_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      EbManifestEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *file = g_strdup_printf ("p5-srt-%05u.ts", i);

      g_assert_cmpstr (entry->file, ==, file);
      g_assert_cmpint (entry->person_id, ==, 5);
    }

  /* files the manifest does not list: empty, unreadable */
  {
    g_autofree char *empty = g_build_filename (dir, "p5-srt-00003.ts", NULL);
    g_autofree char *garbage = g_build_filename (dir, "p6-srt-00000.ts", NULL);
    g_autofree char *other = g_build_filename (dir, "notes.txt", NULL);

    write_file (empty, "", 0);
    write_file (garbage, filler, 1000);
    write_file (other, "hello", -1);
  }

  manifest = eb_media_recover_session (recordings, 9, &error);
  g_assert_no_error (error);
  g_assert_nonnull (manifest);
  g_assert_true (manifest->interrupted);
  g_assert_cmpint (manifest->session_id, ==, 9);
  g_assert_cmpuint (manifest->tracks->len, ==, 1);
  track = g_ptr_array_index (manifest->tracks, 0);
  g_assert_cmpstr (track->name, ==, "p5-srt");
  g_assert_cmpint (track->person_id, ==, 5);
  g_assert_cmpstr (track->video_codec, ==, "h264");
  g_assert_cmpstr (track->audio_codec, ==, "aac");
  /* the listed segments still on disk */
  g_assert_cmpuint (track->segments->len, ==, 2);
  for (guint i = 0; i < track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (track->segments, i);
      g_autofree char *base = g_path_get_basename (segment->path);
      g_autofree char *expected = g_strdup_printf ("p5-srt-%05u.ts", i * 2);

      g_assert_cmpstr (base, ==, expected);
      g_assert_cmpint (segment->start_offset_us, ==, i * 4000000);
      g_assert_true (g_file_test (segment->path, G_FILE_TEST_EXISTS));
    }
  eb_test_rm_rf (recordings);
}

static void
test_missing_folder (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *recordings = g_dir_make_tmp ("eb-recovery-XXXXXX", &error);
  g_autoptr (EbRecordingManifest) manifest = NULL;

  g_assert_no_error (error);
  manifest = eb_media_recover_session (recordings, 1234, &error);
  g_assert_no_error (error);
  g_assert_nonnull (manifest);
  g_assert_cmpint (manifest->session_id, ==, 1234);
  g_assert_true (manifest->interrupted);
  g_assert_cmpuint (manifest->tracks->len, ==, 0);
  eb_test_rm_rf (recordings);
}

/* --- cut in the middle --- */

static void
stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbRecordedTrack **track = user_data;
  g_autoptr (GError) error = NULL;

  *track = eb_recorder_stop_finish (EB_RECORDER (source), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*track);
}

/* Records @stream (as fast as it goes) as @track_name into @dir. */
static EbRecordedTrack *
record_stream (const char *dir, const char *track_name, const char *stream)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = eb_test_pipelines_dir ();
  g_autoptr (EbPipelineTemplates) templates = eb_pipeline_templates_load (pipelines, &error);
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (EbRecorder) recorder = NULL;
  EbRecordedTrack *track = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  const guint8 *data;
  gsize length;

  g_assert_no_error (error);
  file = g_mapped_file_new (stream, FALSE, &error);
  g_assert_no_error (error);
  recorder
      = eb_recorder_new (templates, dir, track_name, g_get_real_time (), SEGMENT_SECONDS, &error);
  g_assert_no_error (error);
  g_assert_true (eb_recorder_start (recorder, &error));
  g_assert_no_error (error);
  data = (const guint8 *)g_mapped_file_get_contents (file);
  length = g_mapped_file_get_length (file);
  for (gsize offset = 0; offset < length; offset += CHUNK)
    eb_recorder_push (recorder, data + offset, MIN (CHUNK, length - offset));
  eb_recorder_stop_async (recorder, NULL, stopped_cb, &track);
  while (track == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return track;
}

/*
 * The segment being written when the process died, cut anywhere (in the
 * middle of a packet, a few frames in): recovery keeps it, with the
 * duration another reader (ffprobe) finds in it, after the closed
 * segment before it. GstDiscoverer finds no duration in such a file when
 * the program clock does not reach its end.
 */
static void
test_cut_segment (const char *stream)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *recordings = g_dir_make_tmp ("eb-recovery-XXXXXX", &error);
  g_autofree char *dir = eb_manifest_session_dir (recordings, SESSION_ID);
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.jsonl", NULL);
  g_autofree char *whole = NULL;
  g_autoptr (EbRecordedTrack) recorded = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  EbRecordedSegment *first;
  EbRecordedSegment *cut;
  gsize whole_length = 0;
  /* a few frames, some not on a packet boundary, up to most of it */
  const gsize sizes[] = { 40000, 60000, 65536, 94000, 131072, 200000, 300001 };

  g_assert_no_error (error);
  recorded = record_stream (dir, "p3-srt", stream);
  g_assert_cmpuint (recorded->segments->len, >=, 3);
  first = g_ptr_array_index (recorded->segments, 0);
  cut = g_ptr_array_index (recorded->segments, 1);
  g_file_get_contents (cut->path, &whole, &whole_length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (whole_length, >, sizes[G_N_ELEMENTS (sizes) - 1]);

  /* the manifest as it was when the second segment was being written */
  entries = eb_manifest_read (manifest_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, recorded->segments->len);
  g_assert_cmpint (g_unlink (manifest_path), ==, 0);
  g_assert_true (eb_manifest_append (manifest_path, g_ptr_array_index (entries, 0), &error));
  g_assert_no_error (error);
  for (guint i = 2; i < recorded->segments->len; i++)
    {
      EbRecordedSegment *later = g_ptr_array_index (recorded->segments, i);

      g_assert_cmpint (g_unlink (later->path), ==, 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (EbRecordingManifest) manifest = NULL;
      EbRecordedTrack *track;
      EbRecordedSegment *segment;
      g_autofree char *sha = NULL;
      gint64 reader_us;

      write_file (cut->path, whole, (gssize)sizes[i]);
      reader_us = eb_test_ffprobe_duration_us (cut->path);
      g_assert_cmpint (reader_us, >, 0);

      manifest = eb_media_recover_session (recordings, SESSION_ID, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (manifest->tracks->len, ==, 1);
      track = g_ptr_array_index (manifest->tracks, 0);
      g_assert_cmpstr (track->name, ==, "p3-srt");
      g_assert_cmpuint (track->segments->len, ==, 2);
      g_assert_cmpstr (((EbRecordedSegment *)g_ptr_array_index (track->segments, 0))->sha256, ==,
                       first->sha256);
      segment = g_ptr_array_index (track->segments, 1);
      g_test_message ("cut at %" G_GSIZE_FORMAT " bytes: %" G_GINT64_FORMAT
                      " us recovered, ffprobe reads %" G_GINT64_FORMAT " us",
                      sizes[i], segment->duration_us, reader_us);
      g_assert_cmpstr (segment->path, ==, cut->path);
      g_assert_cmpuint (segment->size, ==, sizes[i]);
      sha = eb_test_sha256_of (cut->path);
      g_assert_cmpstr (segment->sha256, ==, sha);
      g_assert_cmpint (segment->duration_us, >, 0);
      g_assert_cmpint (ABS (segment->duration_us - reader_us), <=, 100000);
      /* it follows the closed one */
      g_assert_cmpint (segment->start_offset_us, ==, first->start_offset_us + first->duration_us);
    }
  eb_test_rm_rf (recordings);
}

/* --- killed in the middle --- */

typedef struct
{
  EbRecorder *recorder;
  GBytes *bytes;
  gint pushed_ms; /* media pushed so far */
} ChildPusher;

/* A publisher's network thread, at real time. */
static gpointer
child_pusher_thread (gpointer user_data)
{
  ChildPusher *pusher = user_data;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (pusher->bytes, &length);
  gint64 start = g_get_monotonic_time ();
  gint64 media_us = (gint64)MEDIA_SECONDS * G_USEC_PER_SEC;

  for (gsize offset = 0; offset < length; offset += CHUNK)
    {
      gsize n = MIN (CHUNK, length - offset);
      gint64 due = start + (gint64)((double)offset / (double)length * (double)media_us);
      gint64 now = g_get_monotonic_time ();

      if (due - now > 2000)
        g_usleep ((gulong)(due - now));
      eb_recorder_push (pusher->recorder, data + offset, n);
      g_atomic_int_set (&pusher->pushed_ms,
                        (gint)((double)(offset + n) / (double)length * (double)media_us / 1000));
    }
  return NULL;
}

/* The child: two publishers (H.264 + AAC as p1-srt, H.264 + Opus as
 * p2-srt) recorded into <recordings>/session-41 at real time, until it is
 * killed. */
static int
record_child (const char *recordings, const char *progress_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = eb_test_pipelines_dir ();
  g_autofree char *dir = eb_manifest_session_dir (recordings, SESSION_ID);
  g_autoptr (EbPipelineTemplates) templates = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const char *streams[] = { aac_stream, opus_stream };
  const char *tracks[] = { "p1-srt", "p2-srt" };
  EbRecorder *recorders[2];
  GThread *threads[2];
  ChildPusher pushers[2] = { { 0 } };
  gint *counters[2] = { &pushers[0].pushed_ms, &pushers[1].pushed_ms };

  gst_init (NULL, NULL);
  templates = eb_pipeline_templates_load (pipelines, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GMappedFile) file = g_mapped_file_new (streams[i], FALSE, &error);

      g_assert_no_error (error);
      recorders[i] = eb_recorder_new (templates, dir, tracks[i], g_get_real_time (),
                                      SEGMENT_SECONDS, &error);
      g_assert_no_error (error);
      g_assert_true (eb_recorder_start (recorders[i], &error));
      g_assert_no_error (error);
      pushers[i].recorder = recorders[i];
      pushers[i].bytes = g_mapped_file_get_bytes (file);
    }
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("pusher", child_pusher_thread, &pushers[i]);
  eb_test_report_progress (progress_path, counters, 2);
  /* until SIGKILL */
  g_main_loop_run (loop);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  return 1;
}

static const char *const crash_tracks[] = { "p1-srt", "p2-srt", NULL };

/* The duration of a segment as another reader finds it: GstDiscoverer's
 * for a closed one; ffprobe's (another reader than GStreamer) for the
 * one the kill cut, whose program clock may not reach its end. */
static gint64
other_reader_us (const char *path, const EbTestProbe *probe, gboolean killed)
{
  return killed ? eb_test_ffprobe_duration_us (path) : probe->duration_us;
}

static void
test_sigkill (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *recordings = g_dir_make_tmp ("eb-recovery-XXXXXX", &error);
  g_autofree char *dir = eb_manifest_session_dir (recordings, SESSION_ID);
  g_autofree char *progress_path = g_build_filename (recordings, "progress", NULL);
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.jsonl", NULL);
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[]
      = { self_path, "--record-child", recordings, progress_path, aac_stream, opus_stream, NULL };
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  gint pushed_ms[2] = { 0, 0 };

  g_assert_no_error (error);
  /* both tracks have closed two segments and are well into the third */
  eb_test_record_and_kill (argv, dir, crash_tracks, ".ts", 150000, WAIT_SECONDS, progress_path,
                           pushed_ms);

  /* what was in the manifest at the kill, then a kill in the middle of an
   * append */
  before = eb_manifest_read (manifest_path, &error);
  g_assert_no_error (error);
  append_file (manifest_path, "{\"track\":\"p1-srt\",\"person_id\":1,\"file\":\"p1-srt-0");

  manifest = eb_media_recover_session (recordings, SESSION_ID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (manifest);
  g_assert_true (manifest->interrupted);
  g_assert_cmpint (manifest->session_id, ==, SESSION_ID);
  g_assert_cmpuint (manifest->tracks->len, ==, 2);
  for (guint t = 0; t < 2; t++)
    {
      EbRecordedTrack *track = eb_test_find_track (manifest, crash_tracks[t]);
      EbTestRecovered expected = {
        .extension = ".ts",
        .video_caps = "video/x-h264",
        .audio_caps = t == 0 ? "audio/mpeg" : "audio/x-opus",
        .width = 1280,
        .height = 720,
        .tolerance_us = 250000,
        .reader_us = other_reader_us,
      };

      g_assert_nonnull (track);
      g_assert_cmpint (track->person_id, ==, t + 1);
      g_assert_cmpstr (track->video_codec, ==, "h264");
      g_assert_cmpstr (track->audio_codec, ==, t == 0 ? "aac" : "opus");
      g_assert_cmpint (track->width, ==, 1280);
      g_assert_cmpint (track->height, ==, 720);
      /* every segment closed before the kill, in order */
      eb_test_assert_closed_segments (track, before);
      eb_test_assert_recovered_segments (track, &expected, pushed_ms[t], SEGMENT_SECONDS);
    }
  eb_test_rm_rf (recordings);
}

/* The first test starts GStreamer (once its own user folders are set)
 * and generates the streams, once for the whole run. */
static void
setup (void)
{
  g_autoptr (GError) error = NULL;

  if (media_dir != NULL)
    return;
  gst_init (NULL, NULL);
  media_dir = g_dir_make_tmp ("eb-streams-XXXXXX", &error);
  g_assert_no_error (error);
  aac_stream
      = eb_test_make_stream (media_dir, "h264-aac.ts", MEDIA_SECONDS, "libx264", "2M", "aac", TRUE);
  opus_stream = eb_test_make_stream (media_dir, "h264-opus.ts", MEDIA_SECONDS, "libx264", "2M",
                                     "libopus", TRUE);
}

static void
run_test (gconstpointer data)
{
  GTestFunc func = (GTestFunc)data;

  setup ();
  func ();
}

/* @data: the address of the stream's path, known once set up */
static void
run_cut_segment_test (gconstpointer data)
{
  setup ();
  test_cut_segment (*(const char *const *)data);
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

  if (argc == 6 && g_str_equal (argv[1], "--record-child"))
    {
      aac_stream = argv[4];
      opus_stream = argv[5];
      return record_child (argv[2], argv[3]);
    }

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/media/recovery/entry-json", test_entry_json);
  add_test ("/eboard/media/recovery/manifest-folder", test_manifest_folder);
  add_test ("/eboard/media/recovery/missing-folder", test_missing_folder);
  g_test_add_data_func ("/eboard/media/recovery/cut-segment/aac", &aac_stream,
                        run_cut_segment_test);
  g_test_add_data_func ("/eboard/media/recovery/cut-segment/opus", &opus_stream,
                        run_cut_segment_test);
  add_test ("/eboard/media/recovery/sigkill", test_sigkill);
  status = g_test_run ();

  if (media_dir != NULL)
    eb_test_rm_rf (media_dir);
  g_clear_pointer (&media_dir, g_free);
  g_clear_pointer (&aac_stream, g_free);
  g_clear_pointer (&opus_stream, g_free);
  return status;
}
