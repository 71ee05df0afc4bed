/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <eboard/eb-error.h>

#include "test-store-common.h"
#include "test-store-migrations.h"

/*
 * Migration 007: the codecs and picture size of each recording segment.
 * A room encoder that reconnects with other codecs continues its track in
 * segments of other codecs; each segment keeps its own, the track keeps
 * its first segment's and lists the distinct ones. Segments stored before
 * the migration keep NULL codecs and a size of 0, and their track's
 * describe them.
 */

#define SEGMENT_CODECS_MIGRATION 7

typedef struct
{
  char *dir;
  char *path;
  EbStore *store;
  EbSession *session;
  EbPerson *person;
  EbSite *site;
} Fixture;

static void
fixture_open (Fixture *f, guint last_migration)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sql_dir = NULL;

  f->dir = test_make_dir ();
  f->path = g_build_filename (f->dir, "eboard.db", NULL);
  if (last_migration > 0)
    {
      sql_dir = g_build_filename (f->dir, "sql", NULL);
      g_assert_cmpint (g_mkdir (sql_dir, 0700), ==, 0);
      test_copy_shipped_migrations (sql_dir, last_migration);
    }
  f->store = eb_store_open (f->path, sql_dir, &error);
  g_assert_no_error (error);
  f->site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  f->person = test_add_person (f->store, f->site->id, "ana", "medical_oncology", TRUE);
  f->session = test_add_session (f->store, f->site->id, "Board", test_utc (2026, 3, 10, 13, 0), 60);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  fixture_open (f, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->session, eb_session_free);
  g_clear_pointer (&f->person, eb_person_free);
  g_clear_pointer (&f->site, eb_site_free);
  test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static EbRecordingSegment *
make_segment (gint seq, const char *video, const char *audio, gint width, gint height)
{
  EbRecordingSegment *segment = eb_recording_segment_new ();

  segment->seq = seq;
  segment->path = g_strdup_printf ("/rec/session-1/p1-srt-%05d.ts", seq - 1);
  segment->start_offset_us = (gint64)(seq - 1) * 2000000;
  segment->duration_us = 2000000;
  segment->size = 1000 + (guint64)seq;
  segment->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, segment->path, -1);
  segment->video_codec = g_strdup (video);
  segment->audio_codec = g_strdup (audio);
  segment->width = width;
  segment->height = height;
  return segment;
}

/* A track whose encoder reconnected with other codecs (and a smaller
 * picture): AAC, AAC, Opus, AAC again. */
static EbRecordingTrack *
make_changing_track (const Fixture *f)
{
  EbRecordingTrack *track = eb_recording_track_new ();

  track->name = g_strdup ("p1-srt");
  track->person_id = f->person->id;
  track->site_id = f->site->id;
  g_ptr_array_add (track->segments, make_segment (1, "h264", "aac", 1280, 720));
  g_ptr_array_add (track->segments, make_segment (2, "h264", "aac", 1280, 720));
  g_ptr_array_add (track->segments, make_segment (3, "h264", "opus", 640, 360));
  g_ptr_array_add (track->segments, make_segment (4, "h264", "aac", 640, 360));
  eb_recording_track_summarize (track);
  return track;
}

static void
assert_strv (char *const *values, const char *const *expected)
{
  g_assert_nonnull (values);
  g_assert_cmpuint (g_strv_length ((char **)values), ==, g_strv_length ((char **)expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (values[i], ==, expected[i]);
}

static void
assert_segment (const EbRecordingTrack *track, guint index, const char *video, const char *audio,
                gint width, gint height)
{
  const EbRecordingSegment *segment;

  g_assert_cmpuint (index, <, track->segments->len);
  segment = g_ptr_array_index (track->segments, index);
  g_assert_cmpint (segment->seq, ==, (gint)index + 1);
  g_assert_cmpstr (segment->video_codec, ==, video);
  g_assert_cmpstr (segment->audio_codec, ==, audio);
  g_assert_cmpint (segment->width, ==, width);
  g_assert_cmpint (segment->height, ==, height);
}

/* Each segment's codecs and picture size are stored and read back; the
 * track keeps its first segment's and lists the distinct ones. */
static void
test_roundtrip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording = eb_recording_new ();
  g_autoptr (EbRecording) read = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  const char *const h264[] = { "h264", NULL };
  const char *const aac_opus[] = { "aac", "opus", NULL };
  const EbRecordingTrack *track;

  recording->session_id = f->session->id;
  recording->state = EB_RECORDING_STATE_COMPLETE;
  recording->started_at_us = 1773147600000000;
  g_ptr_array_add (recording->tracks, make_changing_track (f));
  g_assert_true (eb_store_recording_insert (f->store, recording, &error));
  g_assert_no_error (error);

  /* in the file, as written */
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recording_segments WHERE "
                                          "audio_codec = 'opus' AND width = 640 AND height = 360 "
                                          "AND video_codec = 'h264'"),
                   ==, 1);

  read = eb_store_recording_get (f->store, recording->id, &error);
  g_assert_no_error (error);
  track = eb_recording_find_track (read, "p1-srt");
  g_assert_nonnull (track);
  g_assert_cmpuint (track->segments->len, ==, 4);
  assert_segment (track, 0, "h264", "aac", 1280, 720);
  assert_segment (track, 1, "h264", "aac", 1280, 720);
  assert_segment (track, 2, "h264", "opus", 640, 360);
  assert_segment (track, 3, "h264", "aac", 640, 360);
  g_assert_cmpstr (track->video_codec, ==, "h264");
  g_assert_cmpstr (track->audio_codec, ==, "aac");
  g_assert_cmpint (track->width, ==, 1280);
  g_assert_cmpint (track->height, ==, 720);
  assert_strv (track->video_codecs, h264);
  assert_strv (track->audio_codecs, aac_opus);

  /* the list reads the same */
  listed = eb_store_recording_list (f->store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  track = eb_recording_find_track (g_ptr_array_index (listed, 0), "p1-srt");
  assert_strv (track->audio_codecs, aac_opus);
  assert_segment (track, 2, "h264", "opus", 640, 360);

  /* a negative size is refused by the schema, not stored */
  {
    g_autoptr (sqlite3) db = test_raw_open (f->path);

    g_assert_cmpint (
        sqlite3_exec (db, "UPDATE recording_segments SET width = -1", NULL, NULL, NULL), ==,
        SQLITE_CONSTRAINT);
  }
}

/* Segments indexed as they close: the first one describes the track, a
 * later one with other codecs does not replace it, and the lists grow. */
static void
test_append (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording = eb_recording_new ();
  g_autoptr (EbRecording) read = NULL;
  const char *const aac[] = { "aac", NULL };
  const char *const aac_opus[] = { "aac", "opus", NULL };
  const EbRecordingTrack *track;

  recording->session_id = f->session->id;
  recording->started_at_us = 1773147600000000;
  g_assert_true (eb_store_recording_insert (f->store, recording, &error));
  g_assert_no_error (error);

  for (gint seq = 1; seq <= 3; seq++)
    {
      g_autoptr (EbRecordingTrack) incoming = eb_recording_track_new ();
      g_autoptr (EbRecordingSegment) segment
          = make_segment (seq, "h264", seq < 3 ? "aac" : "opus", 1280, 720);

      /* as the live path indexes it: a track without codecs of its own */
      incoming->name = g_strdup ("p1-srt");
      incoming->person_id = f->person->id;
      incoming->site_id = f->site->id;
      segment->seq = 0;
      g_assert_true (
          eb_store_recording_append_segment (f->store, recording->id, incoming, segment, &error));
      g_assert_no_error (error);
      g_assert_cmpint (segment->seq, ==, seq);

      g_clear_pointer (&read, eb_recording_free);
      read = eb_store_recording_get (f->store, recording->id, &error);
      g_assert_no_error (error);
      track = eb_recording_find_track (read, "p1-srt");
      g_assert_cmpstr (track->audio_codec, ==, "aac");
      g_assert_cmpstr (track->video_codec, ==, "h264");
      g_assert_cmpint (track->width, ==, 1280);
      assert_strv (track->audio_codecs, seq < 3 ? aac : aac_opus);
    }
  assert_segment (track, 2, "h264", "opus", 1280, 720);
  /* the stored track row says the first segment's codec */
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recording_tracks WHERE "
                                          "audio_codec = 'aac' AND video_codec = 'h264'"),
                   ==, 1);
}

/* A database of version 6 with a recording: the migration adds the
 * columns, the old segments keep NULL and 0 (their track describes
 * them), and new segments store their own. */
static void
test_migration (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording = eb_recording_new ();
  g_autoptr (EbRecording) read = NULL;
  g_autoptr (EbRecordingTrack) incoming = eb_recording_track_new ();
  g_autoptr (EbRecordingSegment) segment = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sql_dir = NULL;
  const char *const aac[] = { "aac", NULL };
  const char *const aac_opus[] = { "aac", "opus", NULL };
  const EbRecordingTrack *track;

  /* version 6 has no column for a segment's codecs: a track as stored
   * then */
  fixture_open (f, SEGMENT_CODECS_MIGRATION - 1);
  g_assert_cmpint (eb_store_get_schema_version (f->store), ==, SEGMENT_CODECS_MIGRATION - 1);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM pragma_table_info "
                                          "('recording_segments') WHERE name = 'audio_codec'"),
                   ==, 0);
  recording->session_id = f->session->id;
  recording->state = EB_RECORDING_STATE_COMPLETE;
  recording->started_at_us = 1773147600000000;
  g_assert_true (eb_store_recording_insert (f->store, recording, &error));
  g_assert_no_error (error);
  test_raw_exec (f->path, "INSERT INTO recording_tracks (recording_id, name, transport, "
                          "video_codec, audio_codec, width, height, start_offset_us, duration_us, "
                          "size, sha256) SELECT id, 'p1-srt', 'srt', 'h264', 'aac', 1280, 720, 0, "
                          "4000000, 2003, NULL FROM recordings");
  test_raw_exec (f->path, "INSERT INTO recording_segments (track_id, seq, path, start_offset_us, "
                          "duration_us, size, sha256) SELECT id, 1, '/rec/p1-srt-00000.ts', 0, "
                          "2000000, 1001, 'aa' FROM recording_tracks");
  test_raw_exec (f->path, "INSERT INTO recording_segments (track_id, seq, path, start_offset_us, "
                          "duration_us, size, sha256) SELECT id, 2, '/rec/p1-srt-00001.ts', "
                          "2000000, 2000000, 1002, 'bb' FROM recording_tracks");
  before = test_raw_text (f->path, "SELECT group_concat (seq || ',' || path || ',' || size, '|') "
                                   "FROM recording_segments");
  g_clear_object (&f->store);

  /* Migration 007. */
  sql_dir = g_build_filename (f->dir, "sql", NULL);
  test_copy_shipped_migrations (sql_dir, SEGMENT_CODECS_MIGRATION);
  f->store = eb_store_open (f->path, sql_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (f->store), ==, SEGMENT_CODECS_MIGRATION);

  /* the old rows as they were, their new columns NULL and 0 */
  after = test_raw_text (f->path, "SELECT group_concat (seq || ',' || path || ',' || size, '|') "
                                  "FROM recording_segments");
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recording_segments WHERE "
                                          "video_codec IS NULL AND audio_codec IS NULL AND "
                                          "width = 0 AND height = 0"),
                   ==, 2);
  read = eb_store_recording_get (f->store, recording->id, &error);
  g_assert_no_error (error);
  track = eb_recording_find_track (read, "p1-srt");
  g_assert_nonnull (track);
  g_assert_false (eb_recording_segment_describes_media (g_ptr_array_index (track->segments, 0)));
  assert_segment (track, 0, NULL, NULL, 0, 0);
  /* the track describes its old segments */
  assert_strv (track->audio_codecs, aac);

  /* a segment after the migration (the encoder reconnected with Opus)
   * stores its own; the track still says its first segment's */
  incoming->name = g_strdup ("p1-srt");
  segment = make_segment (3, "h264", "opus", 1280, 720);
  segment->seq = 0;
  g_assert_true (
      eb_store_recording_append_segment (f->store, recording->id, incoming, segment, &error));
  g_assert_no_error (error);
  g_assert_cmpint (segment->seq, ==, 3);
  g_clear_pointer (&read, eb_recording_free);
  read = eb_store_recording_get (f->store, recording->id, &error);
  g_assert_no_error (error);
  track = eb_recording_find_track (read, "p1-srt");
  assert_segment (track, 2, "h264", "opus", 1280, 720);
  g_assert_cmpstr (track->audio_codec, ==, "aac");
  assert_strv (track->audio_codecs, aac_opus);

  fixture_teardown (f, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/eboard/store/segment-codecs/roundtrip", Fixture, NULL, fixture_setup,
              test_roundtrip, fixture_teardown);
  g_test_add ("/eboard/store/segment-codecs/append", Fixture, NULL, fixture_setup, test_append,
              fixture_teardown);
  g_test_add_func ("/eboard/store/segment-codecs/migration", test_migration);
  return g_test_run ();
}
