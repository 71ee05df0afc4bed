/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>

#include "test-store-common.h"

/* The live-session tables of migration 002: recordings, timeline,
 * attendance and the audit trail. */

typedef struct
{
  char *dir;
  char *path;
  EbStore *store;
  EbSite *site;
  EbSite *other_site;
  EbPerson *alice;
  EbPerson *bob;
  EbSession *session;
  EbSession *other;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = test_make_dir ();
  f->path = g_build_filename (f->dir, "eboard.db", NULL);
  f->store = eb_store_open (f->path, NULL, &error);
  g_assert_no_error (error);
  f->site = test_add_site (f->store, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  f->other_site = test_add_site (f->store, "B", EB_SITE_STATUS_ACTIVE, FALSE);
  f->alice = test_add_person (f->store, f->site->id, "alice", "oncology", TRUE);
  f->bob = test_add_person (f->store, f->other_site->id, "bob", "radiology", TRUE);
  f->session = test_add_session (f->store, f->site->id, "Board", test_utc (2026, 3, 10, 13, 0), 60);
  f->other = test_add_session (f->store, f->site->id, "Other", test_utc (2026, 3, 11, 13, 0), 60);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->site, eb_site_free);
  g_clear_pointer (&f->other_site, eb_site_free);
  g_clear_pointer (&f->alice, eb_person_free);
  g_clear_pointer (&f->bob, eb_person_free);
  g_clear_pointer (&f->session, eb_session_free);
  g_clear_pointer (&f->other, eb_session_free);
  g_clear_object (&f->store);
  test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static EbRecordingSegment *
make_segment (gint seq, const char *path, gint64 start, gint64 duration, guint64 size)
{
  EbRecordingSegment *segment = eb_recording_segment_new ();

  segment->seq = seq;
  segment->path = g_strdup (path);
  segment->start_offset_us = start;
  segment->duration_us = duration;
  segment->size = size;
  segment->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  return segment;
}

static EbRecordingTrack *
make_track (const char *name, EbId person_id, EbId site_id, guint n_segments)
{
  EbRecordingTrack *track = eb_recording_track_new ();

  track->name = g_strdup (name);
  track->person_id = person_id;
  track->site_id = site_id;
  track->video_codec = g_strdup ("h264");
  track->audio_codec = g_strdup ("aac");
  track->width = 1280;
  track->height = 720;
  for (guint i = 0; i < n_segments; i++)
    {
      g_autofree char *path = g_strdup_printf ("/rec/session-1/%s-%05u.ts", name, i);

      g_ptr_array_add (
          track->segments,
          make_segment ((gint)i + 1, path, 1000000 + (gint64)i * 4000000, 4000000, 1000 + i));
    }
  eb_recording_track_summarize (track);
  return track;
}

/* --- migrations --- */

static void
test_live_migration_fresh (Fixture *f, gconstpointer data)
{
  static const char *const tables[] = {
    "recordings", "recording_tracks", "recording_segments", "timeline_events", "attendance_spans",
  };

  /* 002 and whatever came after it */
  g_assert_cmpint (eb_store_get_schema_version (f->store), >=, 2);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf (
          "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'", tables[i]);

      g_test_message ("table %s", tables[i]);
      g_assert_cmpint (test_raw_int (f->path, sql), ==, 1);
    }
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM sqlite_schema WHERE type = "
                                          "'index' AND name = 'timeline_events_session_at'"),
                   ==, 1);
}

/* A database made by version 1 of the schema gets the new tables and
 * keeps its rows. */
static void
test_live_migration_from_001 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sql_dir = g_build_filename (f->dir, "sql-001", NULL);
  g_autofree char *source = g_build_filename (EB_SOURCE_DATADIR, "sql", "001-initial.sql", NULL);
  g_autofree char *target = g_build_filename (sql_dir, "001-initial.sql", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (f->dir, "old.db", NULL);
  g_autoptr (EbStore) store = NULL;
  g_autoptr (EbTimelineEvent) event = eb_timeline_event_new ();
  g_autoptr (GPtrArray) sessions = NULL;

  g_assert_cmpint (g_mkdir (sql_dir, 0700), ==, 0);
  g_file_get_contents (source, &contents, NULL, &error);
  g_assert_no_error (error);
  g_file_set_contents (target, contents, -1, &error);
  g_assert_no_error (error);

  store = eb_store_open (path, sql_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), ==, 1);
  g_clear_object (&store);
  /* rows as version 1 wrote them (today's code writes later columns) */
  test_raw_exec (path, "INSERT INTO sites (id, name, code, timezone, status, is_hub, created_at, "
                       "updated_at) VALUES (1, 'Old hub', 'OLD', 'UTC', 'active', 1, 1, 1);"
                       "INSERT INTO sessions (id, title, host_site_id, start, duration_minutes, "
                       "timezone, state, series_end, created_at, updated_at) VALUES (1, 'Old "
                       "board', 1, 1767603600, 30, 'UTC', 'ended', 1767605400, 1, 1);");
  g_assert_cmpint (test_raw_int (path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = "
                                       "'recordings'"),
                   ==, 0);

  store = eb_store_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (eb_store_get_schema_version (store), ==, eb_store_get_schema_version (f->store));
  sessions = eb_store_session_list (store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 1);
  g_assert_cmpstr (((EbSession *)g_ptr_array_index (sessions, 0))->title, ==, "Old board");
  g_assert_cmpint (((EbSession *)g_ptr_array_index (sessions, 0))->state, ==,
                   EB_SESSION_STATE_ENDED);

  event->session_id = 1;
  event->kind = EB_TIMELINE_SESSION_STARTED;
  event->at_us = 1;
  g_assert_true (eb_store_timeline_insert (store, event, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (test_raw_int (path, "PRAGMA user_version"), >=, 2);
  g_assert_cmpint (test_raw_int (path, "SELECT COUNT(*) FROM timeline_events"), ==, 1);
}

/* --- recordings --- */

static EbRecording *
insert_recording (Fixture *f, EbId session_id, EbRecordingState state, gint64 started_at_us,
                  guint n_tracks)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording = eb_recording_new ();

  recording->session_id = session_id;
  recording->state = state;
  recording->started_at_us = started_at_us;
  if (n_tracks > 0)
    g_ptr_array_add (recording->tracks, make_track ("p1-srt", f->alice->id, f->site->id, 3));
  if (n_tracks > 1)
    g_ptr_array_add (recording->tracks, make_track ("p2-srt", f->bob->id, f->other_site->id, 2));
  g_assert_true (eb_store_recording_insert (f->store, recording, &error));
  g_assert_no_error (error);
  g_assert_cmpint (recording->id, >, 0);
  return g_steal_pointer (&recording);
}

static void
assert_tracks_equal (const EbRecordingTrack *a, const EbRecordingTrack *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->person_id, ==, b->person_id);
  g_assert_cmpint (a->site_id, ==, b->site_id);
  g_assert_cmpstr (a->transport, ==, b->transport);
  g_assert_cmpstr (a->video_codec, ==, b->video_codec);
  g_assert_cmpstr (a->audio_codec, ==, b->audio_codec);
  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpint (a->start_offset_us, ==, b->start_offset_us);
  g_assert_cmpint (a->duration_us, ==, b->duration_us);
  g_assert_cmpuint (a->size, ==, b->size);
  g_assert_cmpstr (a->sha256, ==, b->sha256);
  g_assert_cmpuint (a->segments->len, ==, b->segments->len);
  for (guint i = 0; i < a->segments->len; i++)
    {
      const EbRecordingSegment *x = g_ptr_array_index (a->segments, i);
      const EbRecordingSegment *y = g_ptr_array_index (b->segments, i);

      g_assert_cmpint (x->seq, ==, y->seq);
      g_assert_cmpstr (x->path, ==, y->path);
      g_assert_cmpint (x->start_offset_us, ==, y->start_offset_us);
      g_assert_cmpint (x->duration_us, ==, y->duration_us);
      g_assert_cmpuint (x->size, ==, y->size);
      g_assert_cmpstr (x->sha256, ==, y->sha256);
    }
}

static void
test_live_recording_roundtrip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording
      = insert_recording (f, f->session->id, EB_RECORDING_STATE_COMPLETE, 1773147600000000, 2);
  g_autoptr (EbRecording) read = NULL;
  g_autoptr (EbRecording) found = NULL;
  const EbRecordingTrack *alice_track;

  read = eb_store_recording_get (f->store, recording->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->session_id, ==, f->session->id);
  g_assert_cmpint (read->state, ==, EB_RECORDING_STATE_COMPLETE);
  g_assert_cmpint (read->started_at_us, ==, 1773147600000000);
  g_assert_cmpint (read->ended_at_us, ==, 0);
  g_assert_cmpint (read->created_at, >, 0);
  g_assert_cmpuint (read->tracks->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    assert_tracks_equal (g_ptr_array_index (read->tracks, i),
                         g_ptr_array_index (recording->tracks, i));

  /* The summary the store keeps is the one the segments give. */
  alice_track = eb_recording_find_track (read, "p1-srt");
  g_assert_nonnull (alice_track);
  g_assert_cmpint (alice_track->start_offset_us, ==, 1000000);
  g_assert_cmpint (alice_track->duration_us, ==, 12000000);
  g_assert_cmpuint (alice_track->size, ==, 1000 + 1001 + 1002);
  g_assert_cmpuint (strlen (alice_track->sha256), ==, 64);
  g_assert_cmpuint (eb_recording_total_size (read), ==, 3003 + 2001);

  found = eb_store_recording_find_by_session (f->store, f->session->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, recording->id);
  g_clear_pointer (&found, eb_recording_free);
  found = eb_store_recording_find_by_session (f->store, f->other->id, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  g_assert_null (eb_store_recording_get (f->store, recording->id + 100, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Recordings outlive nothing: deleting the session is refused. */
  g_assert_false (eb_store_session_delete (f->store, f->session->id, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
}

static void
test_live_recording_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording = eb_recording_new ();

  /* A missing session. */
  recording->session_id = 9999;
  recording->started_at_us = 1;
  g_assert_false (eb_store_recording_insert (f->store, recording, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "session 9999"));
  g_clear_error (&error);
  g_assert_cmpint (recording->id, ==, 0);

  /* Two tracks with one name: nothing is written. */
  recording->session_id = f->session->id;
  g_ptr_array_add (recording->tracks, make_track ("p1-srt", f->alice->id, f->site->id, 1));
  g_ptr_array_add (recording->tracks, make_track ("p1-srt", f->alice->id, f->site->id, 1));
  g_assert_false (eb_store_recording_insert (f->store, recording, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recordings"), ==, 0);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recording_tracks"), ==, 0);

  /* An unknown transport. */
  g_ptr_array_set_size (recording->tracks, 1);
  g_free (((EbRecordingTrack *)g_ptr_array_index (recording->tracks, 0))->transport);
  ((EbRecordingTrack *)g_ptr_array_index (recording->tracks, 0))->transport = g_strdup ("rtmp");
  g_assert_false (eb_store_recording_insert (f->store, recording, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recordings"), ==, 0);
}

static void
test_live_recording_update (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording
      = insert_recording (f, f->session->id, EB_RECORDING_STATE_RECORDING, 5000000, 2);
  g_autoptr (EbRecording) read = NULL;

  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recording_segments"), ==, 5);

  /* The final manifest replaces every track. */
  g_ptr_array_set_size (recording->tracks, 0);
  g_ptr_array_add (recording->tracks, make_track ("p2-srt", f->bob->id, f->other_site->id, 4));
  recording->state = EB_RECORDING_STATE_INTERRUPTED;
  recording->ended_at_us = 25000000;
  g_assert_true (eb_store_recording_update (f->store, recording, &error));
  g_assert_no_error (error);

  read = eb_store_recording_get (f->store, recording->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->state, ==, EB_RECORDING_STATE_INTERRUPTED);
  g_assert_cmpint (read->ended_at_us, ==, 25000000);
  g_assert_cmpuint (read->tracks->len, ==, 1);
  assert_tracks_equal (g_ptr_array_index (read->tracks, 0),
                       g_ptr_array_index (recording->tracks, 0));
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recording_segments"), ==, 4);

  recording->id = 4242;
  g_assert_false (eb_store_recording_update (f->store, recording, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

static void
test_live_recording_append (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording
      = insert_recording (f, f->session->id, EB_RECORDING_STATE_RECORDING, 5000000, 0);
  g_autoptr (EbRecording) read = NULL;
  g_autoptr (EbRecordingTrack) info = eb_recording_track_new ();
  const EbRecordingTrack *track;
  g_autofree char *expected = NULL;

  info->name = g_strdup ("p1-srt");
  info->person_id = f->alice->id;
  info->site_id = f->site->id;
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("/rec/p1-srt-%05u.ts", i);
      g_autoptr (EbRecordingSegment) segment
          = make_segment (0, path, 2000000 + (gint64)i * 4000000, 4000000, 500 * (i + 1));

      /* The media description arrives with a later segment. */
      if (i == 1)
        {
          info->video_codec = g_strdup ("h264");
          info->width = 640;
          info->height = 360;
        }
      g_assert_true (
          eb_store_recording_append_segment (f->store, recording->id, info, segment, &error));
      g_assert_no_error (error);
      g_assert_cmpint (segment->seq, ==, (gint)i + 1);
      g_assert_cmpint (info->id, >, 0);
    }

  read = eb_store_recording_get (f->store, recording->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->tracks->len, ==, 1);
  track = g_ptr_array_index (read->tracks, 0);
  g_assert_cmpint (track->id, ==, info->id);
  g_assert_cmpstr (track->name, ==, "p1-srt");
  g_assert_cmpint (track->person_id, ==, f->alice->id);
  g_assert_cmpint (track->site_id, ==, f->site->id);
  g_assert_cmpstr (track->transport, ==, "srt");
  g_assert_cmpstr (track->video_codec, ==, "h264");
  g_assert_null (track->audio_codec);
  g_assert_cmpint (track->width, ==, 640);
  g_assert_cmpuint (track->segments->len, ==, 3);
  g_assert_cmpint (track->start_offset_us, ==, 2000000);
  g_assert_cmpint (track->duration_us, ==, 12000000);
  g_assert_cmpuint (track->size, ==, 500 + 1000 + 1500);
  expected = eb_recording_track_checksum (track);
  g_assert_cmpstr (track->sha256, ==, expected);

  /* A seq already taken is refused; inside a transaction that rolls
   * back, nothing stays. */
  {
    g_autoptr (EbRecordingSegment) again = make_segment (2, "/rec/dup.ts", 0, 1, 1);

    g_assert_false (
        eb_store_recording_append_segment (f->store, recording->id, info, again, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
    g_clear_error (&error);
  }
  {
    g_autoptr (EbTransaction) tx = eb_store_transaction_begin (f->store, &error);
    g_autoptr (EbRecordingSegment) more = make_segment (0, "/rec/more.ts", 0, 1, 1);
    g_autoptr (EbRecordingTrack) other = eb_recording_track_new ();

    other->name = g_strdup ("p9-srt");
    g_assert_no_error (error);
    g_assert_true (
        eb_store_recording_append_segment (f->store, recording->id, other, more, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recording_tracks"), ==, 1);
  g_assert_cmpint (test_raw_int (f->path, "SELECT COUNT(*) FROM recording_segments"), ==, 3);
}

static void
test_live_recording_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) a
      = insert_recording (f, f->session->id, EB_RECORDING_STATE_COMPLETE, 3000000, 1);
  g_autoptr (EbRecording) b
      = insert_recording (f, f->other->id, EB_RECORDING_STATE_INTERRUPTED, 1000000, 2);
  g_autoptr (EbRecording) c
      = insert_recording (f, f->session->id, EB_RECORDING_STATE_RECORDING, 2000000, 0);
  g_autoptr (EbRosterEntry) entry
      = test_add_entry (f->store, f->other->id, f->bob->id, EB_ROSTER_ROLE_PANELIST);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) list = NULL;
  EbRecordingFilter filter = { 0, 0, -1 };
  EbPage page = { 1, 1 };
  guint total = 0;

  /* By start: b, c, a; every one with its tracks. */
  all = eb_store_recording_list (f->store, NULL, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpint (((EbRecording *)g_ptr_array_index (all, 0))->id, ==, b->id);
  g_assert_cmpint (((EbRecording *)g_ptr_array_index (all, 1))->id, ==, c->id);
  g_assert_cmpint (((EbRecording *)g_ptr_array_index (all, 2))->id, ==, a->id);
  g_assert_cmpuint (((EbRecording *)g_ptr_array_index (all, 0))->tracks->len, ==, 2);

  list = eb_store_recording_list (f->store, &filter, &page, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((EbRecording *)g_ptr_array_index (list, 0))->id, ==, c->id);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.session_id = f->session->id;
  list = eb_store_recording_list (f->store, &filter, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 2);
  g_assert_cmpint (((EbRecording *)g_ptr_array_index (list, 0))->id, ==, c->id);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.state = EB_RECORDING_STATE_COMPLETE;
  list = eb_store_recording_list (f->store, &filter, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpint (((EbRecording *)g_ptr_array_index (list, 0))->id, ==, a->id);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Only the sessions a person is on the roster of. */
  filter.session_id = 0;
  filter.state = -1;
  filter.person_id = f->bob->id;
  list = eb_store_recording_list (f->store, &filter, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpint (((EbRecording *)g_ptr_array_index (list, 0))->id, ==, b->id);
  g_clear_pointer (&list, g_ptr_array_unref);
  filter.person_id = f->alice->id;
  list = eb_store_recording_list (f->store, &filter, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 0);
  g_assert_cmpuint (list->len, ==, 0);
}

/* --- timeline --- */

static void
add_event (Fixture *f, EbId session_id, EbTimelineKind kind, gint64 at_us, const char *track)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTimelineEvent) event = eb_timeline_event_new ();

  event->session_id = session_id;
  event->kind = kind;
  event->at_us = at_us;
  event->offset_us = at_us - 1000000;
  event->person_id = f->alice->id;
  event->track = g_strdup (track);
  event->detail = g_strdup ("detail");
  g_assert_true (eb_store_timeline_insert (f->store, event, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event->id, >, 0);
}

static void
test_live_timeline (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (EbTimelineEvent) bad = eb_timeline_event_new ();
  EbPage page = { 2, 2 };
  guint total = 0;
  const EbTimelineEvent *e;

  /* Written out of order; read by instant, then by id. */
  add_event (f, f->session->id, EB_TIMELINE_SESSION_STARTED, 1000000, NULL);
  add_event (f, f->session->id, EB_TIMELINE_SEGMENT_CLOSED, 9000000, "p1-srt");
  add_event (f, f->session->id, EB_TIMELINE_PARTICIPANT_JOINED, 2000000, NULL);
  add_event (f, f->session->id, EB_TIMELINE_TRACK_STARTED, 2000000, "p1-srt");
  add_event (f, f->session->id, EB_TIMELINE_SESSION_ENDED, 12000000, NULL);
  add_event (f, f->other->id, EB_TIMELINE_SESSION_STARTED, 500000, NULL);

  events = eb_store_timeline_list (f->store, f->session->id, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 5);
  g_assert_cmpuint (events->len, ==, 5);
  {
    const EbTimelineKind order[] = {
      EB_TIMELINE_SESSION_STARTED, EB_TIMELINE_PARTICIPANT_JOINED, EB_TIMELINE_TRACK_STARTED,
      EB_TIMELINE_SEGMENT_CLOSED,  EB_TIMELINE_SESSION_ENDED,
    };

    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      g_assert_cmpint (((EbTimelineEvent *)g_ptr_array_index (events, i))->kind, ==, order[i]);
  }
  e = g_ptr_array_index (events, 3);
  g_assert_cmpint (e->session_id, ==, f->session->id);
  g_assert_cmpint (e->at_us, ==, 9000000);
  g_assert_cmpint (e->offset_us, ==, 8000000);
  g_assert_cmpint (e->person_id, ==, f->alice->id);
  g_assert_cmpstr (e->track, ==, "p1-srt");
  g_assert_cmpstr (e->detail, ==, "detail");
  g_clear_pointer (&events, g_ptr_array_unref);

  events = eb_store_timeline_list (f->store, f->session->id, &page, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 5);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((EbTimelineEvent *)g_ptr_array_index (events, 0))->kind, ==,
                   EB_TIMELINE_TRACK_STARTED);

  /* The kinds are checked on the way in, and the session must exist. */
  g_assert_cmpint (
      test_raw_int (f->path, "SELECT COUNT(*) FROM timeline_events WHERE kind = 'segment-closed'"),
      ==, 1);
  bad->session_id = 4242;
  bad->kind = EB_TIMELINE_SESSION_STARTED;
  g_assert_false (eb_store_timeline_insert (f->store, bad, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  bad->session_id = f->session->id;
  bad->kind = (EbTimelineKind)99;
  g_assert_false (eb_store_timeline_insert (f->store, bad, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
}

/* --- attendance --- */

static void
open_span (Fixture *f, EbId person_id, gint64 at_us)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbAttendanceSpan) span = eb_attendance_span_new ();

  span->session_id = f->session->id;
  span->person_id = person_id;
  span->joined_at_us = at_us;
  span->left_at_us = 777; /* ignored */
  g_assert_true (eb_store_attendance_open (f->store, span, &error));
  g_assert_no_error (error);
  g_assert_cmpint (span->id, >, 0);
  g_assert_cmpint (span->left_at_us, ==, 0);
}

static void
test_live_attendance (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spans = NULL;
  guint n_closed = 0;
  const EbAttendanceSpan *s;

  /* Alice connects, drops, reconnects; Bob connects once. */
  open_span (f, f->alice->id, 1000000);
  g_assert_true (
      eb_store_attendance_close (f->store, f->session->id, f->alice->id, 5000000, &error));
  g_assert_no_error (error);
  open_span (f, f->bob->id, 2000000);
  open_span (f, f->alice->id, 6000000);

  /* Nobody open to close. */
  g_assert_false (
      eb_store_attendance_close (f->store, f->other->id, f->alice->id, 7000000, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (
      eb_store_attendance_close_all (f->store, f->session->id, 9000000, &n_closed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_closed, ==, 2);
  g_assert_false (
      eb_store_attendance_close (f->store, f->session->id, f->alice->id, 9500000, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  spans = eb_store_attendance_list (f->store, f->session->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (spans->len, ==, 3);
  s = g_ptr_array_index (spans, 0);
  g_assert_cmpint (s->person_id, ==, f->alice->id);
  g_assert_cmpint (s->joined_at_us, ==, 1000000);
  g_assert_cmpint (s->left_at_us, ==, 5000000);
  s = g_ptr_array_index (spans, 1);
  g_assert_cmpint (s->person_id, ==, f->bob->id);
  g_assert_cmpint (s->left_at_us, ==, 9000000);
  s = g_ptr_array_index (spans, 2);
  g_assert_cmpint (s->person_id, ==, f->alice->id);
  g_assert_cmpint (s->joined_at_us, ==, 6000000);
  g_assert_cmpint (s->left_at_us, ==, 9000000);

  /* A leave before the join (clocks) never makes a negative span. */
  open_span (f, f->bob->id, 20000000);
  g_assert_true (
      eb_store_attendance_close (f->store, f->session->id, f->bob->id, 19000000, &error));
  g_assert_no_error (error);
  g_clear_pointer (&spans, g_ptr_array_unref);
  spans = eb_store_attendance_list (f->store, f->session->id, &error);
  s = g_ptr_array_index (spans, 3);
  g_assert_cmpint (s->left_at_us, ==, s->joined_at_us);
}

/* --- audit --- */

static void
test_live_audit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  EbAuditEntry entry = { 0 };
  EbAuditEntry empty = { 0 };
  guint total = 0;
  const EbAuditEntry *e;

  for (guint i = 0; i < 3; i++)
    {
      entry.id = 0;
      entry.at = 0;
      entry.token_id = 10 + i;
      entry.person_id = i == 0 ? 0 : f->alice->id;
      entry.action = (char *)(i == 2 ? "recording.list" : "recording.read");
      entry.object_type = (char *)(i == 2 ? "session" : "recording");
      entry.object_id = i == 1 ? 8 : 7;
      entry.detail = (char *)"session 1";
      g_assert_true (eb_store_audit_insert (f->store, &entry, &error));
      g_assert_no_error (error);
      g_assert_cmpint (entry.id, >, 0);
      g_assert_cmpint (entry.at, >, 1700000000);
    }

  entries = eb_store_audit_list (f->store, "recording", 7, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  e = g_ptr_array_index (entries, 0);
  g_assert_cmpint (e->token_id, ==, 10);
  g_assert_cmpint (e->person_id, ==, 0);
  g_assert_cmpstr (e->action, ==, "recording.read");
  g_assert_cmpstr (e->object_type, ==, "recording");
  g_assert_cmpint (e->object_id, ==, 7);
  g_assert_cmpstr (e->detail, ==, "session 1");
  g_clear_pointer (&entries, g_ptr_array_unref);

  entries = eb_store_audit_list (f->store, "recording", 0, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 2);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = eb_store_audit_list (f->store, NULL, 7, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 2);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = eb_store_audit_list (f->store, NULL, 0, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpint (((EbAuditEntry *)g_ptr_array_index (entries, 2))->token_id, ==, 12);
  g_assert_cmpint (((EbAuditEntry *)g_ptr_array_index (entries, 2))->person_id, ==, f->alice->id);

  g_assert_false (eb_store_audit_insert (f->store, &empty, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
}

/* --- core records --- */

static void
test_live_track_checksum (void)
{
  g_autoptr (EbRecordingTrack) track = make_track ("p1-srt", 1, 1, 3);
  g_autoptr (EbRecordingTrack) copy = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *expected = NULL;
  g_autofree char *before = NULL;

  for (guint i = 0; i < track->segments->len; i++)
    g_string_append_printf (text, "%s\n",
                            ((EbRecordingSegment *)g_ptr_array_index (track->segments, i))->sha256);
  expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text->str, -1);
  g_assert_cmpstr (track->sha256, ==, expected);

  /* The order of the segments is their seq, not the array's. */
  copy = eb_recording_track_copy (track);
  g_ptr_array_add (copy->segments, g_ptr_array_steal_index (copy->segments, 0));
  before = eb_recording_track_checksum (copy);
  g_assert_cmpstr (before, ==, expected);
  /* Any change of a segment changes it. */
  g_free (((EbRecordingSegment *)g_ptr_array_index (copy->segments, 1))->sha256);
  ((EbRecordingSegment *)g_ptr_array_index (copy->segments, 1))->sha256 = g_strnfill (64, '0');
  eb_recording_track_summarize (copy);
  g_assert_cmpstr (copy->sha256, !=, expected);
  g_assert_cmpint (((EbRecordingSegment *)g_ptr_array_index (copy->segments, 0))->seq, ==, 1);

  g_ptr_array_set_size (copy->segments, 0);
  eb_recording_track_summarize (copy);
  g_assert_null (copy->sha256);
  g_assert_cmpuint (copy->size, ==, 0);
  g_assert_cmpint (copy->duration_us, ==, 0);
}

static void
test_live_names (void)
{
  EbTimelineKind kind;
  EbRecordingState state;

  g_assert_cmpstr (eb_timeline_kind_to_string (EB_TIMELINE_SESSION_INTERRUPTED), ==,
                   "session-interrupted");
  g_assert_cmpstr (eb_timeline_kind_to_string (EB_TIMELINE_SUBSCRIBER_DROPPED), ==,
                   "subscriber-dropped");
  g_assert_true (eb_timeline_kind_from_string ("input-refused", &kind));
  g_assert_cmpint (kind, ==, EB_TIMELINE_INPUT_REFUSED);
  g_assert_false (eb_timeline_kind_from_string ("input_refused", &kind));
  g_assert_null (eb_timeline_kind_to_string ((EbTimelineKind)42));
  g_assert_true (eb_recording_state_from_string ("interrupted", &state));
  g_assert_cmpint (state, ==, EB_RECORDING_STATE_INTERRUPTED);
  g_assert_cmpstr (eb_recording_state_to_string (EB_RECORDING_STATE_COMPLETE), ==, "complete");
  g_assert_true (G_TYPE_IS_BOXED (EB_TYPE_TIMELINE_EVENT));
  g_assert_true (G_TYPE_IS_BOXED (EB_TYPE_RECORDING));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/eboard/store/live/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("migration-fresh", test_live_migration_fresh);
  ADD ("migration-from-001", test_live_migration_from_001);
  ADD ("recording-roundtrip", test_live_recording_roundtrip);
  ADD ("recording-refused", test_live_recording_refused);
  ADD ("recording-update", test_live_recording_update);
  ADD ("recording-append", test_live_recording_append);
  ADD ("recording-list", test_live_recording_list);
  ADD ("timeline", test_live_timeline);
  ADD ("attendance", test_live_attendance);
  ADD ("audit", test_live_audit);
#undef ADD
  g_test_add_func ("/eboard/store/live/track-checksum", test_live_track_checksum);
  g_test_add_func ("/eboard/store/live/names", test_live_names);
  return g_test_run ();
}
