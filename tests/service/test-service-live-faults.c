/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <eboard/eb-join.h>
#include <eboard/eb-service.h>

#include "eb-service-test-util.h"

/*
 * Live sessions when something goes wrong, over a real store and a real
 * media plane: an end whose caller gives up, recorders that finish after
 * the end's wait, a conference that did not close cleanly, and people and
 * sites whose status changes while a session is live.
 *
 * Whether the plane lets someone in is asked of the plane itself: a WHIP
 * publish and a WHEP view with an offer that is not SDP are refused as
 * forbidden for someone who may not join, as invalid (nothing else
 * happens) for someone who may, and as not found once the conference is
 * closed.
 */

/* how ffmpeg publishers run */
#define PUBLISHER_FLAGS (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE)

static const guint8 join_key[EB_JOIN_KEY_LENGTH] = {
  0x3c, 0x91, 0x5e, 0x07, 0xa2, 0x6f, 0x18, 0xd4, 0x4b, 0xe9, 0x20, 0x7a, 0x95, 0x0c, 0xb3, 0x66,
  0x81, 0x2d, 0xf0, 0x53, 0x1e, 0xc7, 0x48, 0x9b, 0x36, 0xda, 0x0f, 0x72, 0xa5, 0x19, 0xec, 0x44,
};

typedef struct
{
  EbServiceTestLive live;
  EbPrincipal observer;
} Fixture;

static EbPrincipal
add_person (Fixture *f, EbId token_id, const char *name, const char *specialty, EbId site_id,
            EbRole role)
{
  EbId person_id = eb_service_test_live_add_person (&f->live, name, specialty, site_id);

  return eb_service_test_principal (token_id, person_id, role);
}

/* A scheduled session: the chair and the panelist of the member site, an
 * observer of the hub. */
static EbId
add_scheduled_session (Fixture *f)
{
  EbServiceTestLive *l = &f->live;
  EbId id = eb_service_test_live_create_session (l, "Live board",
                                                 g_get_real_time () / G_USEC_PER_SEC + 3600);

  eb_service_test_live_add_entry (l, id, l->chair.person_id, EB_ROSTER_ROLE_CHAIR);
  eb_service_test_live_add_entry (l, id, l->panelist.person_id, EB_ROSTER_ROLE_PANELIST);
  eb_service_test_live_add_entry (l, id, f->observer.person_id, EB_ROSTER_ROLE_OBSERVER);
  eb_service_test_live_schedule_session (l, id);
  return id;
}

static void
open_service (Fixture *f)
{
  EbLiveSettings live = {
    .srt_host = "127.0.0.1",
    .srt_port = 0,
    .credential_lifetime = 3600,
    .recordings_dir = f->live.recordings_dir,
  };

  eb_service_test_live_open (&f->live, join_key, sizeof join_key, &live);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  EbServiceTestLive *l = &f->live;

  eb_service_test_live_init (l, "eboard-live-faults-XXXXXX");
  l->media = eb_service_test_new_media_plane (l->recordings_dir, join_key, sizeof join_key,
                                              GPOINTER_TO_INT (data));
  open_service (f);

  l->hub_id = eb_service_test_live_add_site (l, "HUB", TRUE);
  l->member_id = eb_service_test_live_add_site (l, "MEM", FALSE);
  l->coordinator
      = add_person (f, 10, "Cora Coordinator", "surgery", l->hub_id, EB_ROLE_COORDINATOR);
  l->chair = add_person (f, 12, "Chad Chair", "medical_oncology", l->member_id, EB_ROLE_CLINICIAN);
  l->panelist
      = add_person (f, 13, "Pam Panelist", "diagnostic_radiology", l->member_id, EB_ROLE_CLINICIAN);
  f->observer = add_person (f, 14, "Olga Observer", "pathology", l->hub_id, EB_ROLE_CLINICIAN);
  l->session_id = add_scheduled_session (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  eb_service_test_live_clear (&f->live);
}

/* --- helpers --- */

/* Ends the session; @cancel: (nullable) is cancelled right after the
 * call, when the conference is already closing. */
static EbSession *
end_session (Fixture *f, GCancellable *cancellable, gboolean cancel, EbRecording **recording,
             GError **error)
{
  return eb_service_test_live_end_session (&f->live, &f->live.coordinator, f->live.session_id, 0,
                                           cancellable, cancel, recording, error);
}

static void
start_session (Fixture *f)
{
  g_autoptr (EbSession) session = eb_service_test_live_start_session (&f->live, f->live.session_id);
}

static EbSessionState
session_state (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) session
      = eb_service_get_session (f->live.service, &f->live.admin, f->live.session_id, &error);

  g_assert_no_error (error);
  return session->state;
}

/* (transfer full): the session's only recording */
static EbRecording *
the_recording (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recordings = eb_service_list_recordings (
      f->live.service, &f->live.admin, f->live.session_id, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (recordings->len, ==, 1);
  return eb_recording_copy (recordings->pdata[0]);
}

static gboolean
timeline_has (Fixture *f, EbTimelineKind kind, EbId person_id)
{
  return eb_service_test_live_has_event (&f->live, kind, person_id);
}

/* The error code the plane answers a WHIP publish (or, with @view, a
 * WHEP view) of @person_id with an offer that is not SDP: FORBIDDEN for
 * someone it does not let in, INVALID for someone it does, NOT_FOUND
 * without a live conference. */
static gint
plane_answer (Fixture *f, EbId person_id, gboolean view)
{
  EbServiceTestWaiter w = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr (EbWebrtcAnswer) answer = NULL;
  g_autoptr (GError) error = NULL;

  if (view)
    eb_media_plane_whep_view_async (f->live.media, f->live.session_id, person_id, "not an offer",
                                    NULL, eb_service_test_waiter_done, &w);
  else
    eb_media_plane_whip_publish_async (f->live.media, f->live.session_id, person_id, "not an offer",
                                       NULL, eb_service_test_waiter_done, &w);
  eb_service_test_waiter_wait (&w, 60);
  answer = view ? eb_media_plane_whep_view_finish (f->live.media, w.result, &error)
                : eb_media_plane_whip_publish_finish (f->live.media, w.result, &error);
  eb_service_test_waiter_clear (&w);
  g_assert_null (answer);
  g_assert_nonnull (error);
  g_assert_true (error->domain == EB_ERROR);
  return error->code;
}

/* Whether the plane lets @person_id publish and view (both, or neither). */
static gboolean
plane_admits (Fixture *f, EbId person_id)
{
  gint publish = plane_answer (f, person_id, FALSE);

  g_assert_true (publish == EB_ERROR_FORBIDDEN || publish == EB_ERROR_INVALID);
  g_assert_cmpint (plane_answer (f, person_id, TRUE), ==, publish);
  return publish == EB_ERROR_INVALID;
}

/* The error code of a join details request (0: granted). */
static gint
join_details_code (Fixture *f, const EbPrincipal *who)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbJoinDetails) details
      = eb_service_get_join_details (f->live.service, who, f->live.session_id, &error);

  if (details != NULL)
    {
      g_assert_no_error (error);
      g_assert_nonnull (details->credential);
      return 0;
    }
  g_assert_nonnull (error);
  g_assert_true (error->domain == EB_ERROR);
  return error->code;
}

static void
set_person_active (Fixture *f, EbId person_id, gboolean active)
{
  g_assert_cmpint (
      eb_service_test_set_person_active (f->live.service, &f->live.admin, person_id, active), ==,
      active);
}

static void
set_site_status (Fixture *f, EbId site_id, EbSiteStatus status)
{
  g_assert_cmpint (
      eb_service_test_set_site_status (f->live.service, &f->live.admin, site_id, status), ==,
      status);
}

static void
emit_segment_closed (Fixture *f, gint64 at, EbId person_id, const char *track, const char *path,
                     EbRecordedSegment *segment)
{
  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_SEGMENT_CLOSED, at, person_id, track, NULL,
                             path, segment);
}

/* Writes @contents to @path; @sha256: (out) (transfer full). */
static void
write_segment (const char *path, const char *contents, char **sha256)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, contents, -1);
}

static char *
session_dir (Fixture *f)
{
  g_autofree char *name = g_strdup_printf ("session-%" G_GINT64_FORMAT, f->live.session_id);
  char *dir = g_build_filename (f->live.recordings_dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* --- a caller who gives up on an end --- */

/* Cancelled before the call, an end does nothing; cancelled while the
 * conference is closing (a recorder finishing its last segment), it only
 * loses its answer: the session ends with a complete recording, once. */
static void
test_end_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) before = g_cancellable_new ();
  g_autoptr (GCancellable) after = g_cancellable_new ();
  g_autoptr (EbSession) ended = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (EbRecording) stored = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (EbJoinDetails) details = NULL;
  g_autoptr (GSubprocess) publisher = NULL;
  g_autofree char *track = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->live.chair.person_id);
  const EbRecordingTrack *t;
  guint n = 99;

  if (!eb_service_test_require_ffmpeg ())
    return;
  start_session (f);

  g_cancellable_cancel (before);
  g_assert_null (end_session (f, before, FALSE, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (session_state (f), ==, EB_SESSION_STATE_LIVE);
  recording = the_recording (f);
  g_assert_cmpint (recording->state, ==, EB_RECORDING_STATE_RECORDING);
  g_clear_pointer (&recording, eb_recording_free);
  /* the conference is still open */
  g_assert_true (plane_admits (f, f->live.chair.person_id));

  /* the chair publishes: closing waits for the recorder's last segment */
  details
      = eb_service_get_join_details (f->live.service, &f->live.chair, f->live.session_id, &error);
  g_assert_no_error (error);
  publisher = eb_service_test_spawn_publisher (PUBLISHER_FLAGS, details->publish_url, 30, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && !timeline_has (f, EB_TIMELINE_SEGMENT_CLOSED, 0); i++)
    eb_service_test_run_main_loop_for (100);
  g_assert_true (timeline_has (f, EB_TIMELINE_SEGMENT_CLOSED, f->live.chair.person_id));

  g_assert_null (end_session (f, after, TRUE, &recording, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (recording);
  g_subprocess_force_exit (publisher);
  eb_service_test_wait_process (publisher, 60);

  /* ended all the same, with its recording complete */
  g_assert_cmpint (session_state (f), ==, EB_SESSION_STATE_ENDED);
  stored = the_recording (f);
  g_assert_cmpint (stored->state, ==, EB_RECORDING_STATE_COMPLETE);
  g_assert_cmpint (stored->ended_at_us, >=, stored->started_at_us);
  g_assert_cmpuint (stored->tracks->len, ==, 1);
  t = stored->tracks->pdata[0];
  g_assert_cmpstr (t->name, ==, track);
  g_assert_cmpuint (t->segments->len, >=, 1);
  g_assert_cmpint (t->duration_us, >, 0);
  g_assert_nonnull (t->video_codec);
  g_assert_true (timeline_has (f, EB_TIMELINE_SESSION_ENDED, 0));
  timeline = eb_service_list_timeline (f->live.service, &f->live.admin, f->live.session_id, NULL,
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[timeline->len - 1])->kind, ==,
                   EB_TIMELINE_SESSION_ENDED);

  /* the conference is gone, and there is nothing left to end or recover */
  g_assert_cmpint (plane_answer (f, f->live.chair.person_id, FALSE), ==, EB_ERROR_NOT_FOUND);
  ended = end_session (f, NULL, FALSE, NULL, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_null (ended);
  g_clear_error (&error);
  g_assert_true (eb_service_recover_interrupted (f->live.service, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_clear_pointer (&stored, eb_recording_free);
  stored = the_recording (f);
  g_assert_cmpint (stored->state, ==, EB_RECORDING_STATE_COMPLETE);
}

/* --- what was indexed live stays --- */

/* The segments of a recorder still finishing when the end's wait ran out
 * are not in the plane's final manifest: the ones indexed as they closed
 * stay in the registered recording. (Here nobody published through the
 * plane, so its manifest lists no track at all.) */
static void
test_late_recorder_kept (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) live = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (EbRecording) stored = NULL;
  g_autoptr (EbSession) ended = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *track = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->live.chair.person_id);
  g_autofree char *path1 = NULL;
  g_autofree char *path2 = NULL;
  g_autofree char *sha1 = NULL;
  g_autofree char *sha2 = NULL;
  const EbRecordingTrack *t;
  gint64 t0;

  start_session (f);
  live = the_recording (f);
  t0 = live->started_at_us;
  dir = session_dir (f);
  path1 = g_strdup_printf ("%s/%s-00000.ts", dir, track);
  path2 = g_strdup_printf ("%s/%s-00001.ts", dir, track);
  write_segment (path1, "the first two seconds", &sha1);
  write_segment (path2, "the next two", &sha2);
  {
    EbRecordedSegment s1 = { path1, 500000, 2000000, 21, sha1 };
    EbRecordedSegment s2 = { path2, 2500000, 2000000, 12, sha2 };

    emit_segment_closed (f, t0 + 2600000, f->live.chair.person_id, track, path1, &s1);
    emit_segment_closed (f, t0 + 4600000, f->live.chair.person_id, track, path2, &s2);
  }
  g_clear_pointer (&live, eb_recording_free);
  live = the_recording (f);
  g_assert_cmpuint (live->tracks->len, ==, 1);

  ended = end_session (f, NULL, FALSE, &recording, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ended->state, ==, EB_SESSION_STATE_ENDED);
  g_assert_cmpint (recording->state, ==, EB_RECORDING_STATE_COMPLETE);
  g_assert_cmpuint (recording->tracks->len, ==, 1);
  t = recording->tracks->pdata[0];
  g_assert_cmpstr (t->name, ==, track);
  g_assert_cmpint (t->person_id, ==, f->live.chair.person_id);
  g_assert_cmpint (t->site_id, ==, f->live.member_id);
  g_assert_cmpuint (t->segments->len, ==, 2);
  g_assert_cmpstr (((EbRecordingSegment *)t->segments->pdata[0])->path, ==, path1);
  g_assert_cmpstr (((EbRecordingSegment *)t->segments->pdata[1])->path, ==, path2);
  g_assert_cmpint (((EbRecordingSegment *)t->segments->pdata[1])->seq, ==, 2);
  g_assert_cmpint (t->start_offset_us, ==, 500000);
  g_assert_cmpint (t->duration_us, ==, 4000000);
  g_assert_cmpuint (t->size, ==, 33);

  /* as the store has it */
  stored = the_recording (f);
  g_assert_cmpint (stored->state, ==, EB_RECORDING_STATE_COMPLETE);
  g_assert_cmpuint (stored->tracks->len, ==, 1);
  g_assert_cmpuint (((EbRecordingTrack *)stored->tracks->pdata[0])->segments->len, ==, 2);
  g_assert_cmpstr (((EbRecordingTrack *)stored->tracks->pdata[0])->sha256, ==, t->sha256);
}

/* A conference that did not close cleanly: the session ends with what is
 * on disk, merged with what was indexed live, by file: a file both
 * describe once (as the manifest on disk has it), the others each, and a
 * track only indexed live whole. */
static void
test_merge_by_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) live = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (EbRecording) stored = NULL;
  g_autoptr (EbSession) ended = NULL;
  g_autoptr (GString) manifest = g_string_new (NULL);
  g_autofree char *dir = NULL;
  g_autofree char *late_dir = g_build_filename (f->live.dir, "late", NULL);
  g_autofree char *chair_track
      = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->live.chair.person_id);
  g_autofree char *panelist_track
      = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->live.panelist.person_id);
  g_autofree char *a_name = g_strdup_printf ("%s-00000.ts", chair_track);
  g_autofree char *b_name = g_strdup_printf ("%s-00001.ts", chair_track);
  g_autofree char *c_name = g_strdup_printf ("%s-00002.ts", chair_track);
  g_autofree char *p_name = g_strdup_printf ("%s-00000.ts", panelist_track);
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *p = NULL, *manifest_path = NULL;
  g_autofree char *sha_a = NULL, *sha_b = NULL, *sha_c = NULL, *sha_p = NULL;
  const EbRecordingTrack *chair = NULL;
  const EbRecordingTrack *panelist = NULL;
  gint64 t0;

  start_session (f);
  live = the_recording (f);
  t0 = live->started_at_us;
  dir = session_dir (f);
  g_assert_cmpint (g_mkdir (late_dir, 0700), ==, 0);
  a = g_build_filename (dir, a_name, NULL);
  b = g_build_filename (dir, b_name, NULL);
  c = g_build_filename (late_dir, c_name, NULL);
  p = g_build_filename (late_dir, p_name, NULL);
  write_segment (a, "segment a", &sha_a);
  write_segment (b, "segment bb", &sha_b);
  write_segment (c, "segment ccc", &sha_c);
  write_segment (p, "panelist segment", &sha_p);

  /* indexed live: a (only its file known), c and the panelist's p */
  emit_segment_closed (f, t0 + 2100000, f->live.chair.person_id, chair_track, a, NULL);
  {
    EbRecordedSegment sc = { c, 4000000, 1500000, 11, sha_c };
    EbRecordedSegment sp = { p, 1000000, 2000000, 16, sha_p };

    emit_segment_closed (f, t0 + 5600000, f->live.chair.person_id, chair_track, c, &sc);
    emit_segment_closed (f, t0 + 3000000, f->live.panelist.person_id, panelist_track, p, &sp);
  }
  g_clear_pointer (&live, eb_recording_free);
  live = the_recording (f);
  g_assert_cmpuint (live->tracks->len, ==, 2);

  /* on disk: a and b */
  eb_service_test_append_manifest_line (manifest, chair_track, f->live.chair.person_id, a_name, 0,
                                        2000000, 9, sha_a);
  eb_service_test_append_manifest_line (manifest, chair_track, f->live.chair.person_id, b_name,
                                        2000000, 2000000, 10, sha_b);
  manifest_path = g_build_filename (dir, "manifest.jsonl", NULL);
  g_file_set_contents (manifest_path, manifest->str, -1, &error);
  g_assert_no_error (error);

  /* the conference goes away before the end closes it */
  {
    EbServiceTestWaiter w = { g_main_loop_new (NULL, FALSE), NULL };
    g_autoptr (EbRecordingManifest) closed = NULL;

    eb_media_plane_close_conference_async (f->live.media, f->live.session_id, NULL,
                                           eb_service_test_waiter_done, &w);
    eb_service_test_waiter_wait (&w, 60);
    closed = eb_media_plane_close_conference_finish (f->live.media, w.result, &error);
    eb_service_test_waiter_clear (&w);
    g_assert_no_error (error);
    g_assert_cmpuint (closed->tracks->len, ==, 0);
  }
  g_test_expect_message ("eboard-service", G_LOG_LEVEL_WARNING, "*did not close cleanly*");
  ended = end_session (f, NULL, FALSE, &recording, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpint (ended->state, ==, EB_SESSION_STATE_ENDED);
  g_assert_cmpint (recording->state, ==, EB_RECORDING_STATE_INTERRUPTED);

  g_assert_cmpuint (recording->tracks->len, ==, 2);
  for (guint i = 0; i < recording->tracks->len; i++)
    {
      const EbRecordingTrack *t = recording->tracks->pdata[i];

      if (g_strcmp0 (t->name, chair_track) == 0)
        chair = t;
      else if (g_strcmp0 (t->name, panelist_track) == 0)
        panelist = t;
    }
  g_assert_nonnull (chair);
  g_assert_nonnull (panelist);

  g_assert_cmpuint (chair->segments->len, ==, 3);
  {
    const EbRecordingSegment *sa = chair->segments->pdata[0];
    const EbRecordingSegment *sb = chair->segments->pdata[1];
    const EbRecordingSegment *sc = chair->segments->pdata[2];

    g_assert_cmpint (sa->seq, ==, 1);
    g_assert_cmpstr (sa->path, ==, a);
    /* the manifest's timing, not the event's */
    g_assert_cmpint (sa->start_offset_us, ==, 0);
    g_assert_cmpint (sa->duration_us, ==, 2000000);
    g_assert_cmpuint (sa->size, ==, 9);
    g_assert_cmpstr (sa->sha256, ==, sha_a);
    g_assert_cmpint (sb->seq, ==, 2);
    g_assert_cmpstr (sb->path, ==, b);
    g_assert_cmpint (sc->seq, ==, 3);
    g_assert_cmpstr (sc->path, ==, c);
    g_assert_cmpint (sc->start_offset_us, ==, 4000000);
  }
  g_assert_cmpint (chair->duration_us, ==, 5500000);
  g_assert_cmpuint (chair->size, ==, 30);
  g_assert_cmpstr (chair->video_codec, ==, "h264");
  g_assert_cmpuint (panelist->segments->len, ==, 1);
  g_assert_cmpstr (((EbRecordingSegment *)panelist->segments->pdata[0])->path, ==, p);
  g_assert_cmpint (panelist->site_id, ==, f->live.member_id);

  stored = the_recording (f);
  g_assert_cmpint (stored->state, ==, EB_RECORDING_STATE_INTERRUPTED);
  g_assert_cmpuint (stored->tracks->len, ==, 2);
  g_assert_cmpuint (eb_recording_total_size (stored), ==, 30 + 16);
}

/* --- people and sites whose status changes while live --- */

/* Suspending a site cuts its people off (publishing and viewing) and
 * refuses them join details; the others stay. Active again, they are let
 * in again. */
static void
test_site_suspended (Fixture *f, gconstpointer data)
{
  start_session (f);
  g_assert_true (plane_admits (f, f->live.chair.person_id));
  g_assert_true (plane_admits (f, f->live.panelist.person_id));
  g_assert_true (plane_admits (f, f->observer.person_id));
  g_assert_false (plane_admits (f, f->live.coordinator.person_id));
  g_assert_cmpint (join_details_code (f, &f->live.panelist), ==, 0);

  set_site_status (f, f->live.member_id, EB_SITE_STATUS_SUSPENDED);
  g_assert_false (plane_admits (f, f->live.chair.person_id));
  g_assert_false (plane_admits (f, f->live.panelist.person_id));
  g_assert_true (plane_admits (f, f->observer.person_id));
  g_assert_cmpint (join_details_code (f, &f->live.panelist), ==, EB_ERROR_FORBIDDEN);
  g_assert_cmpint (join_details_code (f, &f->live.chair), ==, EB_ERROR_FORBIDDEN);
  g_assert_cmpint (join_details_code (f, &f->observer), ==, 0);

  set_site_status (f, f->live.member_id, EB_SITE_STATUS_ACTIVE);
  g_assert_true (plane_admits (f, f->live.chair.person_id));
  g_assert_true (plane_admits (f, f->live.panelist.person_id));
  g_assert_cmpint (join_details_code (f, &f->live.panelist), ==, 0);

  /* withdrawn for good */
  set_site_status (f, f->live.member_id, EB_SITE_STATUS_WITHDRAWN);
  g_assert_false (plane_admits (f, f->live.chair.person_id));
  g_assert_false (plane_admits (f, f->live.panelist.person_id));
  g_assert_true (plane_admits (f, f->observer.person_id));
  g_assert_cmpint (join_details_code (f, &f->live.chair), ==, EB_ERROR_FORBIDDEN);
}

/* A roster change does not let a deactivated person back in. */
static void
test_person_deactivated (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) roster = NULL;
  g_autoptr (EbRosterEntry) changed = NULL;
  EbRosterEntry *entry = NULL;

  start_session (f);
  set_person_active (f, f->observer.person_id, FALSE);
  g_assert_false (plane_admits (f, f->observer.person_id));
  g_assert_true (plane_admits (f, f->live.panelist.person_id));
  g_assert_cmpint (join_details_code (f, &f->observer), ==, EB_ERROR_FORBIDDEN);

  roster = eb_service_list_roster (f->live.service, &f->live.admin, f->live.session_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < roster->len; i++)
    if (((EbRosterEntry *)roster->pdata[i])->person_id == f->observer.person_id)
      entry = roster->pdata[i];
  g_assert_nonnull (entry);
  entry->status = EB_INVITATION_ACCEPTED;
  changed
      = eb_service_update_roster_entry (f->live.service, &f->live.coordinator, entry, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (plane_admits (f, f->observer.person_id));

  set_person_active (f, f->observer.person_id, TRUE);
  g_assert_true (plane_admits (f, f->observer.person_id));
  g_assert_cmpint (join_details_code (f, &f->observer), ==, 0);
}

/* A person deactivated while publishing over SRT is cut off at once, and
 * the credential they hold no longer gets them in. */
static void
test_publisher_deactivated (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbJoinDetails) details = NULL;
  g_autoptr (GSubprocess) publisher = NULL;
  g_autoptr (GSubprocess) again = NULL;

  if (!eb_service_test_require_ffmpeg ())
    return;
  start_session (f);
  details = eb_service_get_join_details (f->live.service, &f->live.panelist, f->live.session_id,
                                         &error);
  g_assert_no_error (error);
  /* 30 s of media, cut after about 2 */
  publisher = eb_service_test_spawn_publisher (PUBLISHER_FLAGS, details->publish_url, 30, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && !timeline_has (f, EB_TIMELINE_TRACK_STARTED, 0); i++)
    eb_service_test_run_main_loop_for (100);
  g_assert_true (timeline_has (f, EB_TIMELINE_TRACK_STARTED, f->live.panelist.person_id));
  g_assert_false (timeline_has (f, EB_TIMELINE_PARTICIPANT_LEFT, 0));

  set_person_active (f, f->live.panelist.person_id, FALSE);
  for (guint i = 0;
       i < 100 && !timeline_has (f, EB_TIMELINE_PARTICIPANT_LEFT, f->live.panelist.person_id); i++)
    eb_service_test_run_main_loop_for (100);
  g_assert_true (timeline_has (f, EB_TIMELINE_PARTICIPANT_LEFT, f->live.panelist.person_id));
  g_subprocess_force_exit (publisher);
  eb_service_test_wait_process (publisher, 60);
  g_assert_cmpint (join_details_code (f, &f->live.panelist), ==, EB_ERROR_FORBIDDEN);

  /* the credential still unexpired is refused */
  again = eb_service_test_spawn_publisher (PUBLISHER_FLAGS, details->publish_url, 2, &error);
  g_assert_no_error (error);
  eb_service_test_wait_process (again, 60);
  g_assert_false (g_subprocess_get_successful (again));
  for (guint i = 0; i < 20 && !timeline_has (f, EB_TIMELINE_INPUT_REFUSED, 0); i++)
    eb_service_test_run_main_loop_for (100);
  g_assert_true (timeline_has (f, EB_TIMELINE_INPUT_REFUSED, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, listen, func)                                                                    \
  g_test_add ("/eboard/service/live-faults/" path, Fixture, GINT_TO_POINTER (listen),              \
              fixture_set_up, func, fixture_tear_down)

  ADD ("end-cancelled", TRUE, test_end_cancelled);
  ADD ("late-recorder-kept", FALSE, test_late_recorder_kept);
  ADD ("merge-by-file", FALSE, test_merge_by_file);
  ADD ("site-suspended", FALSE, test_site_suspended);
  ADD ("person-deactivated", FALSE, test_person_deactivated);
  ADD ("publisher-deactivated", TRUE, test_publisher_deactivated);
#undef ADD
  return g_test_run ();
}
