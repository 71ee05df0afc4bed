/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <eboard/eb-join.h>
#include <eboard/eb-media.h>
#include <eboard/eb-service.h>

#include "../media/eb-media-test-util.h"
#include "eb-service-test-util.h"
#include "media/eb-conference-private.h"
#include "media/eb-manifest-private.h"

/*
 * Segments that close after the end of a session: a recorder still
 * finishing when the close of the conference timed out. A real SRT
 * publisher (ffmpeg) records through a real media plane with one-second
 * segments, so the close waits at most 1 * 2 + 20 s. Its last segment is
 * held back deterministically: manifest appends are serialised in the
 * process, and another append to a FIFO whose reader does not read holds
 * them (a manifest write stuck on a slow disk), so the recorder's last
 * segment is written to disk but not reported before the end's wait is
 * over. Once that write is released, the segment joins the registered
 * recording; the files are checked by their SHA-256 and read back by
 * GstDiscoverer (in a child process). When the service and the media
 * plane go first (the daemon stops), the conference outlives the plane:
 * its late events are dropped, and its segments still reach the disk and
 * the manifest.
 */

#define PUBLISHER_FLAGS (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE)
#define SEGMENT_SECONDS 1
/* what the conference waits for its recorders: segment_seconds * 2 plus
 * its margin of 20 s */
#define CLOSE_WAIT_S (SEGMENT_SECONDS * 2 + 20)
/* the line the holding append writes: far beyond a pipe's capacity */
#define HOLD_LINE_BYTES (256 * 1024)

static const guint8 join_key[EB_JOIN_KEY_LENGTH] = {
  0x52, 0x0e, 0x9b, 0x31, 0xc4, 0x77, 0x08, 0xaf, 0x6d, 0x13, 0xe2, 0x48, 0x95, 0x3a, 0xf1, 0x0c,
  0x27, 0xb8, 0x64, 0xdd, 0x19, 0x80, 0x4e, 0xc3, 0x5a, 0x06, 0x9f, 0x72, 0xeb, 0x35, 0xa1, 0x4d,
};

typedef struct
{
  EbServiceTestLive live;
  guint late_messages; /* the service's log lines for late segments */
  guint log_handler;
} Fixture;

/* --- a manifest append held on a FIFO --- */

typedef struct
{
  char *path;
  int read_fd;
  GThread *thread;
} ManifestHold;

static gpointer
hold_thread (gpointer data)
{
  ManifestHold *hold = data;
  g_autoptr (EbManifestEntry) entry = eb_manifest_entry_new ();
  g_autoptr (GError) error = NULL;

  entry->track = g_strnfill (HOLD_LINE_BYTES, 'x');
  entry->file = g_strdup ("held");
  /* the FIFO takes the line but cannot be fsync'd: its result is not
   * what is tested */
  eb_manifest_append (hold->path, entry, &error);
  return NULL;
}

/* Starts an append to a FIFO in @dir and returns once it is blocked in
 * its write (the pipe is full), holding every other manifest append. */
static void
manifest_hold_start (ManifestHold *hold, const char *dir)
{
  int capacity;
  int queued = 0;

  hold->path = g_build_filename (dir, "held-manifest.fifo", NULL);
  g_assert_cmpint (mkfifo (hold->path, 0600), ==, 0);
  hold->read_fd = g_open (hold->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  g_assert_cmpint (hold->read_fd, >=, 0);
  capacity = fcntl (hold->read_fd, F_GETPIPE_SZ);
  g_assert_cmpint (capacity, >, 0);
  g_assert_cmpint (capacity, <, HOLD_LINE_BYTES);
  hold->thread = g_thread_new ("manifest-hold", hold_thread, hold);
  for (guint i = 0; i < 1000 && queued < capacity; i++)
    {
      g_usleep (10000);
      g_assert_cmpint (ioctl (hold->read_fd, FIONREAD, &queued), ==, 0);
    }
  g_assert_cmpint (queued, ==, capacity);
}

/* Lets the held append finish: reads its line to the end. */
static void
manifest_hold_release (ManifestHold *hold)
{
  gsize total = 0;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_assert_cmpint (fcntl (hold->read_fd, F_SETFL, 0), ==, 0);
  for (;;)
    {
      char buffer[16384];
      gssize n = read (hold->read_fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      total += (gsize)n;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_thread_join (g_steal_pointer (&hold->thread));
  /* the whole line, one newline ended */
  g_assert_cmpuint (total, >, HOLD_LINE_BYTES);
  g_close (hold->read_fd, NULL);
  hold->read_fd = -1;
  g_unlink (hold->path);
  g_clear_pointer (&hold->path, g_free);
}

/* --- the fixture --- */

static void
count_late_message (const char *log_domain, GLogLevelFlags log_level, const char *message,
                    gpointer user_data)
{
  Fixture *f = user_data;

  if (strstr (message, "closed after the session ended") != NULL)
    f->late_messages++;
  g_log_default_handler (log_domain, log_level, message, NULL);
}

static EbMediaPlane *
new_media_plane (const char *recordings_dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbMediaPlane) media = NULL;
  EbMediaSettings settings = {
    .pipelines_dir = EB_SOURCE_PIPELINESDIR,
    .recordings_dir = recordings_dir,
    .srt_address = "127.0.0.1",
    .srt_port = 0,
    .segment_seconds = SEGMENT_SECONDS,
    .subscriber_queue_bytes = 0,
    .credential_key = join_key,
    .credential_key_length = sizeof join_key,
  };

  media = eb_media_plane_new (&settings, &error);
  g_assert_no_error (error);
  g_assert_true (eb_media_plane_start (media, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&media);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  EbServiceTestLive *l = &f->live;
  EbLiveSettings live = {
    .srt_host = "127.0.0.1",
    .srt_port = 0,
    .credential_lifetime = 3600,
  };
  EbId id;

  eb_service_test_live_init (l, "eboard-late-segments-XXXXXX");
  l->media = new_media_plane (l->recordings_dir);
  live.recordings_dir = l->recordings_dir;
  eb_service_test_live_open (l, join_key, sizeof join_key, &live);

  l->hub_id = eb_service_test_live_add_site (l, "HUB", TRUE);
  l->member_id = eb_service_test_live_add_site (l, "MEM", FALSE);
  l->coordinator = eb_service_test_principal (
      10, eb_service_test_live_add_person (l, "Cora Coordinator", "surgery", l->hub_id),
      EB_ROLE_COORDINATOR);
  l->chair = eb_service_test_principal (
      12, eb_service_test_live_add_person (l, "Chad Chair", "medical_oncology", l->member_id),
      EB_ROLE_CLINICIAN);
  id = eb_service_test_live_create_session (l, "Late board",
                                            g_get_real_time () / G_USEC_PER_SEC + 3600);
  eb_service_test_live_add_entry (l, id, l->chair.person_id, EB_ROSTER_ROLE_CHAIR);
  eb_service_test_live_schedule_session (l, id);
  l->session_id = id;
  f->log_handler = g_log_set_handler ("eboard-service", G_LOG_LEVEL_MESSAGE, count_late_message, f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_log_remove_handler ("eboard-service", f->log_handler);
  eb_service_test_live_clear (&f->live);
}

/* --- helpers --- */

static guint
count_events (Fixture *f, EbTimelineKind kind, const char *detail)
{
  guint n = 0;

  for (guint i = 0; i < f->live.events->len; i++)
    {
      const EbTimelineEvent *e = f->live.events->pdata[i];

      if (e->kind == kind && (detail == NULL || g_strcmp0 (e->detail, detail) == 0))
        n++;
    }
  return n;
}

static EbRecording *
get_recording (Fixture *f, EbId id)
{
  g_autoptr (GError) error = NULL;
  EbRecording *recording = eb_service_get_recording (f->live.service, &f->live.admin, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (recording);
  return recording;
}

/* (transfer none) (nullable): the segment of @track whose file is @path */
static const EbRecordingSegment *
find_segment (const EbRecordingTrack *track, const char *path)
{
  for (guint i = 0; i < track->segments->len; i++)
    {
      const EbRecordingSegment *s = track->segments->pdata[i];

      if (g_strcmp0 (s->path, path) == 0)
        return s;
    }
  return NULL;
}

/* The one track of @recording lists each file of @files once and
 * nothing else, each with the size and SHA-256 on disk; its summary is
 * the sum of its segments. */
static void
assert_track_lists (const EbRecording *recording, GPtrArray *files)
{
  const EbRecordingTrack *t;
  g_autofree char *checksum = NULL;
  gint64 duration_us = 0;
  guint64 size = 0;

  g_assert_cmpuint (recording->tracks->len, ==, 1);
  t = recording->tracks->pdata[0];
  g_assert_cmpuint (t->segments->len, ==, files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      const EbRecordingSegment *s = find_segment (t, path);
      g_autofree char *sha = eb_test_sha256_of (path);
      GStatBuf st;

      g_assert_nonnull (s);
      g_assert_cmpint (s->seq, ==, (gint)i + 1);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpuint (s->size, ==, (guint64)st.st_size);
      g_assert_cmpuint (s->size, >, 0);
      g_assert_cmpstr (s->sha256, ==, sha);
      duration_us += s->duration_us;
      size += s->size;
    }
  g_assert_cmpint (t->duration_us, ==, duration_us);
  g_assert_cmpuint (t->size, ==, size);
  checksum = eb_recording_track_checksum (t);
  g_assert_cmpstr (t->sha256, ==, checksum);
}

/* --- a session ended while its last segments are held back --- */

/* What the end of a session leaves while its recorder is still
 * finishing. */
typedef struct
{
  GSubprocess *publisher;
  EbSession *ended;
  EbRecording *recording; /* as the end returned it */
  GPtrArray *files;       /* every segment on disk, sorted */
  GPtrArray *late;        /* those of @files that @recording does not list */
  char *dir;              /* the session's recordings */
  char *manifest_path;
  char *track;
  ManifestHold hold;
} LateEnd;

#define LATE_END_INIT                                                                              \
  {                                                                                                \
    .hold = { NULL, -1, NULL }                                                                     \
  }

static void
late_end_clear (LateEnd *e)
{
  if (e->publisher != NULL)
    {
      g_subprocess_force_exit (e->publisher);
      eb_service_test_wait_process (e->publisher, 30);
    }
  g_clear_object (&e->publisher);
  g_clear_pointer (&e->ended, eb_session_free);
  g_clear_pointer (&e->recording, eb_recording_free);
  g_clear_pointer (&e->files, g_ptr_array_unref);
  g_clear_pointer (&e->late, g_ptr_array_unref);
  g_clear_pointer (&e->dir, g_free);
  g_clear_pointer (&e->manifest_path, g_free);
  g_clear_pointer (&e->track, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LateEnd, late_end_clear)

/* Starts the session of @f with a real publisher, lets a few segments
 * close, holds the manifest appends and ends the session, which returns
 * when the close of its conference times out: the recorder still
 * finishing keeps the conference, its last segments on disk but not
 * registered. Returns FALSE when the test is skipped (no ffmpeg). */
static gboolean
late_end_run (Fixture *f, LateEnd *e)
{
  EbServiceTestLive *l = &f->live;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) live = NULL;
  g_autoptr (EbJoinDetails) details = NULL;
  g_autofree char *name = g_strdup_printf ("session-%" G_GINT64_FORMAT, l->session_id);
  const EbRecordingTrack *t;
  gint64 began, waited_us;

  if (!eb_service_test_require_ffmpeg ())
    return FALSE;
  e->dir = g_build_filename (l->recordings_dir, name, NULL);
  e->manifest_path = g_build_filename (e->dir, EB_MANIFEST_FILE_NAME, NULL);
  e->track = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", l->chair.person_id);
  live = eb_service_test_live_start_session (l, l->session_id);
  details = eb_service_get_join_details (l->service, &l->chair, l->session_id, &error);
  g_assert_no_error (error);
  e->publisher
      = eb_service_test_spawn_publisher (PUBLISHER_FLAGS, details->publish_url, 60, &error);
  g_assert_no_error (error);

  /* a few segments close while live, and are indexed as they close */
  for (guint i = 0; i < 300 && count_events (f, EB_TIMELINE_SEGMENT_CLOSED, NULL) < 2; i++)
    eb_service_test_run_main_loop_for (100);
  g_assert_cmpuint (count_events (f, EB_TIMELINE_SEGMENT_CLOSED, NULL), >=, 2);

  /* from now on no segment is reported until the hold is released */
  manifest_hold_start (&e->hold, l->dir);

  began = g_get_monotonic_time ();
  e->ended = eb_service_test_live_end_session (l, &l->coordinator, l->session_id, 0, NULL, FALSE,
                                               &e->recording, &error);
  waited_us = g_get_monotonic_time () - began;
  g_assert_no_error (error);
  g_test_message ("the end took %" G_GINT64_FORMAT " ms", waited_us / 1000);
  /* it returned when the close timed out, not later */
  g_assert_cmpint (waited_us, >=, (CLOSE_WAIT_S - 2) * G_USEC_PER_SEC);
  g_assert_cmpint (waited_us, <, (CLOSE_WAIT_S + 10) * G_USEC_PER_SEC);
  g_assert_cmpint (e->ended->state, ==, EB_SESSION_STATE_ENDED);
  g_assert_cmpint (e->recording->state, ==, EB_RECORDING_STATE_COMPLETE);
  g_assert_cmpuint (e->recording->tracks->len, ==, 1);
  t = e->recording->tracks->pdata[0];
  g_assert_cmpstr (t->name, ==, e->track);
  /* the recorder still finishing keeps its conference */
  g_assert_cmpuint (eb_conference_get_n_alive (), ==, 1);

  /* on disk, written but not registered */
  e->files = eb_test_list_files (e->dir, ".ts");
  e->late = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < e->files->len; i++)
    if (find_segment (t, e->files->pdata[i]) == NULL)
      g_ptr_array_add (e->late, g_strdup (e->files->pdata[i]));
  g_assert_cmpuint (e->late->len, >=, 1);
  g_assert_cmpuint (t->segments->len + e->late->len, ==, e->files->len);
  for (guint i = 0; i < e->late->len; i++)
    g_test_message ("late: %s", (const char *)e->late->pdata[i]);
  return TRUE;
}

/* --- the tests --- */

static void
test_late_segment_registered (Fixture *f, gconstpointer data)
{
  EbServiceTestLive *l = &f->live;
  g_auto (LateEnd) e = LATE_END_INIT;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) stored = NULL;
  g_autoptr (EbRecording) again = NULL;
  g_autoptr (GPtrArray) manifest = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (GArray) infos = NULL;
  const EbRecordingTrack *t;
  const EbRecordingTrack *at_end;
  gboolean all_reported = FALSE;
  gint64 session_ended_at = 0;

  if (!late_end_run (f, &e))
    return;
  at_end = e.recording->tracks->pdata[0];

  manifest_hold_release (&e.hold);

  /* each late segment is reported, and the conference goes */
  for (guint i = 0; i < 200 && !all_reported; i++)
    {
      eb_service_test_run_main_loop_for (100);
      all_reported = eb_conference_get_n_alive () == 0;
      for (guint j = 0; j < e.late->len && all_reported; j++)
        {
          g_autofree char *base = g_path_get_basename (e.late->pdata[j]);

          all_reported = count_events (f, EB_TIMELINE_SEGMENT_CLOSED, base) == 1;
        }
    }
  g_assert_true (all_reported);

  /* the registered recording lists every file on disk once */
  stored = get_recording (f, e.recording->id);
  g_assert_cmpint (stored->state, ==, EB_RECORDING_STATE_COMPLETE);
  g_assert_cmpint (stored->ended_at_us, ==, e.recording->ended_at_us);
  assert_track_lists (stored, e.files);
  /* logged once each */
  g_assert_cmpuint (f->late_messages, ==, e.late->len);
  t = stored->tracks->pdata[0];
  g_assert_cmpint (t->person_id, ==, l->chair.person_id);
  g_assert_cmpint (t->site_id, ==, l->member_id);
  g_assert_cmpint (t->duration_us, >, at_end->duration_us);
  g_assert_cmpuint (t->size, >, at_end->size);
  for (guint i = 0; i < e.late->len; i++)
    {
      const EbRecordingSegment *s = find_segment (t, e.late->pdata[i]);

      g_assert_nonnull (s);
      /* the last ones of the track */
      g_assert_cmpint (s->seq, >, (gint)(e.files->len - e.late->len));
      g_assert_cmpint (s->duration_us, >, 0);
    }

  /* the manifest on disk has them too, once released */
  manifest = eb_manifest_read (e.manifest_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->len, ==, e.files->len);

  /* on the timeline, after the end */
  timeline = eb_service_list_timeline (l->service, &l->admin, l->session_id, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < timeline->len; i++)
    {
      const EbTimelineEvent *ev = timeline->pdata[i];

      if (ev->kind == EB_TIMELINE_SESSION_ENDED)
        session_ended_at = ev->at_us;
    }
  g_assert_cmpint (session_ended_at, >, 0);
  for (guint i = 0; i < e.late->len; i++)
    {
      g_autofree char *base = g_path_get_basename (e.late->pdata[i]);
      gboolean found = FALSE;

      for (guint j = 0; j < timeline->len && !found; j++)
        {
          const EbTimelineEvent *ev = timeline->pdata[j];

          found = ev->kind == EB_TIMELINE_SEGMENT_CLOSED && g_strcmp0 (ev->detail, base) == 0
                  && g_strcmp0 (ev->track, e.track) == 0 && ev->at_us >= session_ended_at;
        }
      g_assert_true (found);
    }

  /* read back by an independent reader: what the recording says */
  infos = eb_test_discover (e.late);
  for (guint i = 0; i < infos->len; i++)
    {
      const EbTestMediaInfo *info = &g_array_index (infos, EbTestMediaInfo, i);
      const EbRecordingSegment *s = find_segment (t, e.late->pdata[i]);
      gint64 read_us = (gint64)(info->duration / GST_USECOND);

      g_assert_cmpstr (info->video_caps, ==, "video/x-h264");
      g_assert_cmpuint (info->width, ==, 640);
      g_assert_cmpuint (info->height, ==, 360);
      g_assert_cmpstr (info->audio_caps, ==, "audio/mpeg");
      /* GstDiscoverer cannot always estimate the duration of a short
       * MPEG-TS file (the last segment of a connection): ffprobe can */
      if (read_us == 0)
        read_us = eb_test_ffprobe_duration_us (s->path);
      g_test_message ("%s: %" G_GUINT64_FORMAT " bytes, %" G_GINT64_FORMAT
                      " us recorded, %" G_GINT64_FORMAT " us read back",
                      s->path, s->size, s->duration_us, read_us);
      g_assert_cmpint (read_us, >, 0);
      g_assert_cmpint (ABS (read_us - s->duration_us), <=, 300000);
    }

  /* nothing is added twice: a late segment reported again, and one the
   * final manifest listed */
  {
    const EbRecordingSegment *s = find_segment (t, e.late->pdata[0]);
    const EbRecordingSegment *first = t->segments->pdata[0];
    EbRecordedSegment again_late = {
      .path = s->path,
      .start_offset_us = s->start_offset_us,
      .duration_us = s->duration_us,
      .size = s->size,
      .sha256 = s->sha256,
    };
    EbRecordedSegment again_first = {
      .path = first->path,
      .start_offset_us = first->start_offset_us,
      .duration_us = first->duration_us,
      .size = first->size,
      .sha256 = first->sha256,
    };

    eb_service_test_live_emit (l, EB_MEDIA_EVENT_SEGMENT_CLOSED, g_get_real_time (),
                               l->chair.person_id, e.track, NULL, s->path, &again_late);
    eb_service_test_live_emit (l, EB_MEDIA_EVENT_SEGMENT_CLOSED, g_get_real_time (),
                               l->chair.person_id, e.track, NULL, first->path, &again_first);
  }
  again = get_recording (f, e.recording->id);
  assert_track_lists (again, e.files);
  g_assert_cmpstr (((EbRecordingTrack *)again->tracks->pdata[0])->sha256, ==, t->sha256);
  g_assert_cmpuint (f->late_messages, ==, e.late->len);
}

/* (transfer none) (nullable): the entry of @manifest for the file
 * @path */
static const EbManifestEntry *
find_manifest_entry (GPtrArray *manifest, const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  for (guint i = 0; i < manifest->len; i++)
    {
      const EbManifestEntry *entry = manifest->pdata[i];

      if (g_strcmp0 (entry->file, base) == 0)
        return entry;
    }
  return NULL;
}

/* The daemon stops (the service and the media plane go) while a
 * recorder is still finishing after the close of its session timed
 * out: its conference outlives the plane, and its late events, with
 * nobody left to receive them, are dropped. The segments still reach
 * the disk and the manifest. */
static void
test_late_segment_plane_goes_first (Fixture *f, gconstpointer data)
{
  EbServiceTestLive *l = &f->live;
  g_auto (LateEnd) e = LATE_END_INIT;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) manifest = NULL;
  g_autoptr (GArray) infos = NULL;
  EbMediaPlane *plane;
  guint n_events;

  if (!late_end_run (f, &e))
    return;

  /* every reference to the service and the plane is dropped: the plane
   * is finalised, the conference is not */
  plane = l->media;
  g_object_add_weak_pointer (G_OBJECT (plane), (gpointer *)&plane);
  eb_service_test_close (&l->service, &l->store);
  g_clear_object (&l->media);
  g_assert_null (plane);
  g_assert_cmpuint (eb_conference_get_n_alive (), ==, 1);
  n_events = l->events->len;

  manifest_hold_release (&e.hold);

  /* the recorder finishes and the conference goes */
  for (guint i = 0; i < 200 && eb_conference_get_n_alive () > 0; i++)
    eb_service_test_run_main_loop_for (100);
  g_assert_cmpuint (eb_conference_get_n_alive (), ==, 0);
  /* its late events reached no one */
  g_assert_cmpuint (l->events->len, ==, n_events);
  g_assert_cmpuint (f->late_messages, ==, 0);

  /* the manifest lists every file on disk, as it is on disk */
  manifest = eb_manifest_read (e.manifest_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->len, ==, e.files->len);
  for (guint i = 0; i < e.files->len; i++)
    {
      const EbManifestEntry *entry = find_manifest_entry (manifest, e.files->pdata[i]);
      g_autofree char *sha = eb_test_sha256_of (e.files->pdata[i]);
      GStatBuf st;

      g_assert_nonnull (entry);
      g_assert_cmpstr (entry->track, ==, e.track);
      g_assert_cmpint (entry->person_id, ==, l->chair.person_id);
      g_assert_false (entry->partial);
      g_assert_cmpint (g_stat (e.files->pdata[i], &st), ==, 0);
      g_assert_cmpuint (entry->size, ==, (guint64)st.st_size);
      g_assert_cmpuint (entry->size, >, 0);
      g_assert_cmpstr (entry->sha256, ==, sha);
    }

  /* the late segments are complete: an independent reader reads them
   * for what the manifest says */
  infos = eb_test_discover (e.late);
  g_assert_cmpuint (infos->len, ==, e.late->len);
  for (guint i = 0; i < infos->len; i++)
    {
      const EbTestMediaInfo *info = &g_array_index (infos, EbTestMediaInfo, i);
      const EbManifestEntry *entry = find_manifest_entry (manifest, e.late->pdata[i]);
      gint64 read_us = (gint64)(info->duration / GST_USECOND);

      g_assert_cmpstr (info->video_caps, ==, "video/x-h264");
      g_assert_cmpuint (info->width, ==, 640);
      g_assert_cmpuint (info->height, ==, 360);
      g_assert_cmpstr (info->audio_caps, ==, "audio/mpeg");
      if (read_us == 0)
        read_us = eb_test_ffprobe_duration_us (e.late->pdata[i]);
      g_test_message ("%s: %" G_GUINT64_FORMAT " bytes, %" G_GINT64_FORMAT
                      " us in the manifest, %" G_GINT64_FORMAT " us read back",
                      (const char *)e.late->pdata[i], entry->size, entry->duration_us, read_us);
      g_assert_cmpint (entry->duration_us, >, 0);
      g_assert_cmpint (read_us, >, 0);
      g_assert_cmpint (ABS (read_us - entry->duration_us), <=, 300000);
    }
}

int
main (int argc, char **argv)
{
  eb_test_discover_child_run (argc, argv);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/eboard/service/late-segments/registered", Fixture, NULL, fixture_set_up,
              test_late_segment_registered, fixture_tear_down);
  g_test_add ("/eboard/service/late-segments/plane-goes-first", Fixture, NULL, fixture_set_up,
              test_late_segment_plane_goes_first, fixture_tear_down);
  return g_test_run ();
}
