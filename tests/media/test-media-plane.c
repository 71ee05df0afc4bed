/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <signal.h>

#include <srt/access_control.h>

#include "eb-srt-test-util.h"
#include "media/eb-conference-private.h"
#include "media/eb-manifest-private.h"
#include "media/eb-stream-id-private.h"

#define SEGMENT_SECONDS 2

typedef struct
{
  EbTestPlane plane;
} PlaneFixture;

static void
plane_fixture_setup (PlaneFixture *fixture, gconstpointer data)
{
  eb_test_plane_setup (&fixture->plane, SEGMENT_SECONDS, 0);
}

/* Every conference the plane had is freed once it is gone (a last
 * reference dropped on the SRT network thread is freed on the main
 * context). */
static void
assert_conferences_freed (void)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (eb_conference_get_n_alive () > 0 && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (10000);
    }
  g_assert_cmpuint (eb_conference_get_n_alive (), ==, 0);
}

static void
plane_fixture_teardown (PlaneFixture *fixture, gconstpointer data)
{
  eb_test_plane_teardown (&fixture->plane);
  assert_conferences_freed ();
}

static gboolean
have_senders (void)
{
  if (eb_test_have_program ("ffmpeg"))
    return TRUE;
  g_test_skip ("ffmpeg is not installed");
  return FALSE;
}

static char *
publish_url (EbTestPlane *plane, EbId session_id, EbId person_id)
{
  g_autofree char *credential = eb_test_credential (plane->key, session_id, person_id, 0);
  g_autofree char *stream_id
      = eb_stream_id_format (session_id, EB_STREAM_MODE_PUBLISH, NULL, credential);
  g_autofree char *passphrase = eb_test_passphrase (plane, session_id);

  return eb_test_srt_url (plane->port, stream_id, passphrase);
}

/* Reads every segment of @track back with GstDiscoverer: H.264 at
 * @width x @height with @audio_caps audio; returns the media duration. */
static GstClockTime
check_track (EbRecordedTrack *track, guint width, guint height, const char *audio_caps)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (GArray) infos = NULL;
  GstClockTime total = 0;
  gint64 previous_offset = -1;

  g_assert_nonnull (track);
  g_assert_cmpuint (track->segments->len, >, 0);
  for (guint i = 0; i < track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (track->segments, i);
      g_autofree char *sha256 = NULL;
      GStatBuf st;

      g_test_message ("%s: %s (%" G_GINT64_FORMAT " us at %" G_GINT64_FORMAT " us)", track->name,
                      segment->path, segment->duration_us, segment->start_offset_us);
      g_assert_cmpint (g_stat (segment->path, &st), ==, 0);
      g_assert_cmpuint ((guint64)st.st_size, ==, segment->size);
      sha256 = eb_test_sha256_of (segment->path);
      g_assert_cmpstr (sha256, ==, segment->sha256);
      /* in session order */
      g_assert_cmpint (segment->start_offset_us, >=, previous_offset);
      previous_offset = segment->start_offset_us;
      g_ptr_array_add (paths, segment->path);
    }

  infos = eb_test_discover (paths);
  for (guint i = 0; i < infos->len; i++)
    {
      EbTestMediaInfo *info = &g_array_index (infos, EbTestMediaInfo, i);

      g_assert_cmpstr (info->video_caps, ==, "video/x-h264");
      g_assert_cmpuint (info->width, ==, width);
      g_assert_cmpuint (info->height, ==, height);
      g_assert_cmpstr (info->audio_caps, ==, audio_caps);
      /* GstDiscoverer cannot always estimate the duration of a short
       * MPEG-TS file (the last segment of a connection): ffprobe can */
      if (info->duration == 0)
        info->duration = eb_test_ffprobe_duration (g_ptr_array_index (paths, i));
      g_assert_cmpuint (info->duration, >, 0);
      total += info->duration;
    }
  return total;
}

static void
assert_within_a_segment (GstClockTime duration, guint seconds)
{
  g_test_message ("recorded %" GST_TIME_FORMAT " of %u s sent", GST_TIME_ARGS (duration), seconds);
  g_assert_cmpuint (duration, >=, (seconds - SEGMENT_SECONDS) * GST_SECOND);
  g_assert_cmpuint (duration, <=, (seconds + SEGMENT_SECONDS) * GST_SECOND);
}

/* Three sites publish at once; every track is recorded as sent. */
static void
test_plane_record_three (PlaneFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autofree char *url7 = NULL;
  g_autofree char *url8 = NULL;
  g_autofree char *url9 = NULL;
  GSubprocess *senders[3];
  guint segments = 0;

  if (!have_senders ())
    return;
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  g_assert_no_error (error);
  for (EbId person = 7; person <= 9; person++)
    eb_media_plane_allow_participant (plane->plane, 1, person, NULL, person == 7, 0);

  url7 = publish_url (plane, 1, 7);
  url8 = publish_url (plane, 1, 8);
  url9 = publish_url (plane, 1, 9);
  senders[0] = eb_test_spawn_publisher (url7, "320x240", "aac", 5, NULL);
  senders[1] = eb_test_spawn_publisher (url8, "256x144", "aac", 5, NULL);
  senders[2] = eb_test_spawn_publisher (url9, "320x180", "libopus", 5, NULL);

  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_TRACK_STARTED, 0, 3);
  for (guint i = 0; i < G_N_ELEMENTS (senders); i++)
    {
      g_assert_cmpint (eb_test_wait_process (senders[i], 30), ==, 0);
      g_object_unref (senders[i]);
    }
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 0, 3);

  manifest = eb_test_close_conference (plane, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (manifest);
  g_assert_cmpint (manifest->session_id, ==, 1);
  g_assert_false (manifest->interrupted);
  g_assert_cmpuint (manifest->tracks->len, ==, 3);
  {
    EbRecordedTrack *track = eb_test_find_track (manifest, "p7-srt");

    g_assert_nonnull (track);
    g_assert_cmpint (track->person_id, ==, 7);
    g_assert_cmpstr (track->video_codec, ==, "h264");
    g_assert_cmpstr (track->audio_codec, ==, "aac");
    g_assert_cmpint (track->width, ==, 320);
    g_assert_cmpint (track->height, ==, 240);
    assert_within_a_segment (check_track (track, 320, 240, "audio/mpeg"), 5);
    segments += track->segments->len;
  }
  {
    EbRecordedTrack *track = eb_test_find_track (manifest, "p8-srt");

    g_assert_nonnull (track);
    g_assert_cmpint (track->person_id, ==, 8);
    assert_within_a_segment (check_track (track, 256, 144, "audio/mpeg"), 5);
    segments += track->segments->len;
  }
  {
    EbRecordedTrack *track = eb_test_find_track (manifest, "p9-srt");

    g_assert_nonnull (track);
    g_assert_cmpint (track->person_id, ==, 9);
    g_assert_cmpstr (track->audio_codec, ==, "opus");
    assert_within_a_segment (check_track (track, 320, 180, "audio/x-opus"), 5);
    segments += track->segments->len;
  }

  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 0), ==, 3);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_TRACK_STOPPED, 0), ==, 3);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_SEGMENT_CLOSED, 0), ==, segments);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 0), ==, 0);
  for (guint i = 0; i < plane->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (plane->events, i);

      g_assert_cmpint (event->session_id, ==, 1);
      g_assert_cmpint (event->at, >, 0);
      g_assert_nonnull (event->track);
      if (event->kind == EB_MEDIA_EVENT_SEGMENT_CLOSED)
        g_assert_true (g_file_test (event->segment_path, G_FILE_TEST_IS_REGULAR));
    }
}

static gboolean
is_track_event (EbMediaEvent *event)
{
  return event->kind == EB_MEDIA_EVENT_PARTICIPANT_JOINED
         || event->kind == EB_MEDIA_EVENT_PARTICIPANT_LEFT
         || event->kind == EB_MEDIA_EVENT_TRACK_STARTED
         || event->kind == EB_MEDIA_EVENT_TRACK_STOPPED;
}

/* A site drops out and comes back: the same track continues in new
 * segments, and both spans are reported. */
static void
test_plane_reconnect (PlaneFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autoptr (GHashTable) paths = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *url = NULL;
  const EbMediaEventKind expected[] = {
    EB_MEDIA_EVENT_PARTICIPANT_JOINED, EB_MEDIA_EVENT_TRACK_STARTED,
    EB_MEDIA_EVENT_TRACK_STOPPED,      EB_MEDIA_EVENT_PARTICIPANT_LEFT,
    EB_MEDIA_EVENT_PARTICIPANT_JOINED, EB_MEDIA_EVENT_TRACK_STARTED,
    EB_MEDIA_EVENT_TRACK_STOPPED,      EB_MEDIA_EVENT_PARTICIPANT_LEFT,
  };
  guint seen = 0;
  EbRecordedTrack *track;

  if (!have_senders ())
    return;
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane->plane, 1, 7, NULL, FALSE, 0);
  url = publish_url (plane, 1, 7);

  for (guint round = 1; round <= 2; round++)
    {
      g_autoptr (GSubprocess) sender = eb_test_spawn_publisher (url, "320x240", "aac", 3, NULL);

      g_assert_cmpint (eb_test_wait_process (sender, 30), ==, 0);
      eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, round);
    }

  manifest = eb_test_close_conference (plane, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->tracks->len, ==, 1);
  track = g_ptr_array_index (manifest->tracks, 0);
  g_assert_cmpstr (track->name, ==, "p7-srt");
  g_assert_cmpint (track->person_id, ==, 7);
  /* at least one segment per connection, none written twice: the
   * second connection numbers its segments on from the first's */
  g_assert_cmpuint (track->segments->len, >=, 2);
  for (guint i = 0; i < track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (track->segments, i);
      g_autofree char *base = g_path_get_basename (segment->path);
      g_autofree char *expected_name = g_strdup_printf ("p7-srt-%05u.ts", i);

      g_assert_false (g_hash_table_contains (paths, segment->path));
      g_hash_table_add (paths, segment->path);
      g_assert_cmpstr (base, ==, expected_name);
    }
  assert_within_a_segment (check_track (track, 320, 240, "audio/mpeg"), 6);

  /* joined, started, stopped, left: twice, in order */
  for (guint i = 0; i < plane->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (plane->events, i);

      if (!is_track_event (event))
        continue;
      g_assert_cmpuint (seen, <, G_N_ELEMENTS (expected));
      g_assert_cmpint (event->kind, ==, expected[seen]);
      g_assert_cmpint (event->person_id, ==, 7);
      g_assert_cmpstr (event->track, ==, "p7-srt");
      seen++;
    }
  g_assert_cmpuint (seen, ==, G_N_ELEMENTS (expected));
}

/* --- an encoder that restarts with other codecs --- */

#define PROGRAM_SECONDS 4

/* Both programs of a room encoder that restarts mid-connection with
 * other codecs (H.264 + AAC, then H.264 + Opus on other PIDs), in one
 * MPEG-TS file; the second program alone in @second_path. */
static char *
make_program_change (const char *dir, char **second_path)
{
  const char *const restarted[] = {
    "-mpegts_start_pid", "0x200", "-mpegts_pmt_start_pid", "0x1100", "-mpegts_service_id", "2", NULL
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *both = NULL;
  gsize first_length = 0;
  gsize second_length = 0;
  char *path = g_build_filename (dir, "program-change.ts", NULL);

  first_path
      = eb_test_make_stream (dir, "h264-aac.ts", PROGRAM_SECONDS, "libx264", "1M", "aac", TRUE);
  *second_path = eb_test_make_stream_full (dir, "h264-opus.ts", PROGRAM_SECONDS, "libx264", "1M",
                                           "libopus", TRUE, restarted);
  g_file_get_contents (first_path, &first, &first_length, &error);
  g_assert_no_error (error);
  g_file_get_contents (*second_path, &second, &second_length, &error);
  g_assert_no_error (error);
  both = g_malloc (first_length + second_length);
  memcpy (both, first, first_length);
  memcpy (both + first_length, second, second_length);
  g_file_set_contents (path, both, (gssize)(first_length + second_length), &error);
  g_assert_no_error (error);
  return path;
}

/* srt-live-transmit relaying what is written to its standard input to
 * @url, in 7 TS packets an SRT packet, without reconnecting. */
static GSubprocess *
spawn_relay (const char *url)
{
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "srt-live-transmit", "-q",
                              "-autoreconnect:no", "-chunk:1316", "file://con", url, NULL);
  g_assert_no_error (error);
  return process;
}

/* Writes @path to @relay at the pace of @seconds of media, iterating the
 * main context, until all is sent or the relay stops taking it (then
 * @stopped is set); returns how many bytes were written when a
 * PARTICIPANT_LEFT of @person_id after the first @left_before was seen
 * (the file's size if none was). */
static gsize
send_paced (EbTestPlane *plane, GSubprocess *relay, const char *path, guint seconds, EbId person_id,
            guint left_before, gboolean *stopped)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  GOutputStream *input = g_subprocess_get_stdin_pipe (relay);
  gsize length = 0;
  gsize sent = 0;
  gsize sent_when_left = 0;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (seconds + EB_TEST_WAIT_SECONDS) * G_USEC_PER_SEC;
  gboolean left = FALSE;

  *stopped = FALSE;
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  while (sent < length && g_get_monotonic_time () < deadline)
    {
      gint64 elapsed = g_get_monotonic_time () - start;
      gsize due
          = (gsize)MIN ((double)length, (double)length * elapsed / (seconds * G_USEC_PER_SEC));
      gsize chunk = MIN (length - sent, 1316);

      if (!left
          && eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, person_id) > left_before)
        {
          left = TRUE;
          sent_when_left = sent;
        }
      if (sent + chunk > due)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (2000);
          continue;
        }
      if (!g_output_stream_write_all (input, contents + sent, chunk, NULL, NULL, &error))
        {
          g_test_message ("the relay stopped taking the stream after %" G_GSIZE_FORMAT
                          " of %" G_GSIZE_FORMAT " bytes: %s",
                          sent, length, error->message);
          *stopped = TRUE;
          break;
        }
      sent += chunk;
    }
  g_output_stream_close (input, NULL, NULL);
  return left ? sent_when_left : length;
}

/* The codec name the recording uses for a media type that GstDiscoverer
 * reads (as read: "audio/mpeg" here is always AAC). */
static const char *
codec_of_caps (const char *media_type)
{
  if (g_strcmp0 (media_type, "video/x-h264") == 0)
    return "h264";
  if (g_strcmp0 (media_type, "audio/mpeg") == 0)
    return "aac";
  if (g_strcmp0 (media_type, "audio/x-opus") == 0)
    return "opus";
  return media_type;
}

/* The line of @entries (the last one) that lists @path's file. */
static const EbManifestEntry *
find_entry (GPtrArray *entries, const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const EbManifestEntry *found = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      const EbManifestEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->file, base) == 0)
        found = entry;
    }
  g_assert_nonnull (found);
  return found;
}

/* Each segment of @track names the codecs and picture size that
 * GstDiscoverer read in its file (@infos, in the same order), and so
 * does its line in the manifest (@entries). */
static void
assert_segment_codecs (EbRecordedTrack *track, GArray *infos, GPtrArray *entries)
{
  g_assert_cmpuint (track->segments->len, ==, infos->len);
  for (guint i = 0; i < infos->len; i++)
    {
      const EbTestMediaInfo *info = &g_array_index (infos, EbTestMediaInfo, i);
      const EbRecordedSegment *segment = g_ptr_array_index (track->segments, i);
      const EbManifestEntry *entry = find_entry (entries, segment->path);

      g_assert_cmpstr (segment->video_codec, ==, codec_of_caps (info->video_caps));
      g_assert_cmpstr (segment->audio_codec, ==, codec_of_caps (info->audio_caps));
      g_assert_cmpint (segment->width, ==, (gint)info->width);
      g_assert_cmpint (segment->height, ==, (gint)info->height);
      g_assert_cmpstr (entry->video_codec, ==, segment->video_codec);
      g_assert_cmpstr (entry->audio_codec, ==, segment->audio_codec);
      g_assert_cmpint (entry->width, ==, segment->width);
      g_assert_cmpint (entry->height, ==, segment->height);
    }
}

/* An encoder restarts mid-connection with other codecs: the plane ends
 * that connection, keeps what it recorded, and the encoder's reconnect
 * records the new program in new segments of the same track, each
 * segment with its own codecs. */
static void
test_plane_program_change (PlaneFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autoptr (EbRecordingManifest) recovered = NULL;
  g_autoptr (GSubprocess) relay = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GArray) infos = NULL;
  g_autofree char *url = NULL;
  g_autofree char *both = NULL;
  g_autofree char *second = NULL;
  g_autofree char *session_dir = NULL;
  g_autofree char *manifest_path = NULL;
  const EbMediaEventKind expected[] = {
    EB_MEDIA_EVENT_PARTICIPANT_JOINED, EB_MEDIA_EVENT_TRACK_STARTED,
    EB_MEDIA_EVENT_TRACK_STOPPED,      EB_MEDIA_EVENT_PARTICIPANT_LEFT,
    EB_MEDIA_EVENT_PARTICIPANT_JOINED, EB_MEDIA_EVENT_TRACK_STARTED,
    EB_MEDIA_EVENT_TRACK_STOPPED,      EB_MEDIA_EVENT_PARTICIPANT_LEFT,
  };
  EbMediaEvent *failed = NULL;
  GstClockTime first_span = 0;
  GstClockTime second_span = 0;
  guint first_segments = 0;
  guint seen = 0;
  gsize sent_when_left;
  gboolean stopped = FALSE;
  GStatBuf st;
  EbRecordedTrack *track;

  if (!have_senders ())
    return;
  if (!eb_test_have_program ("srt-live-transmit"))
    {
      g_test_skip ("srt-live-transmit is not installed");
      return;
    }
  both = make_program_change (plane->dir, &second);
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  g_assert_no_error (error);
  eb_media_plane_allow_participant (plane->plane, 1, 7, NULL, FALSE, 0);
  url = publish_url (plane, 1, 7);

  /* the change is noticed and that connection closed while the encoder
   * still sends the new program */
  relay = spawn_relay (url);
  sent_when_left = send_paced (plane, relay, both, 2 * PROGRAM_SECONDS, 7, 0, &stopped);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 1);
  g_assert_cmpint (g_stat (both, &st), ==, 0);
  g_test_message ("the connection was closed after %" G_GSIZE_FORMAT " of %" G_GINT64_FORMAT
                  " bytes",
                  sent_when_left, (gint64)st.st_size);
  g_assert_cmpuint (sent_when_left, <, (gsize)st.st_size);
  /* the sender sees its connection end: it stops taking the stream and
   * exits by itself (which it does not at the end of its input) */
  g_assert_true (stopped);
  g_test_message ("the first sender exited with %d",
                  eb_test_wait_process (relay, EB_TEST_WAIT_SECONDS));
  g_clear_object (&relay);
  for (guint i = 0; i < plane->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (plane->events, i);

      if (event->kind == EB_MEDIA_EVENT_SEGMENT_CLOSED)
        first_segments++;
      if (event->kind == EB_MEDIA_EVENT_RECORDING_FAILED)
        failed = event;
    }
  g_assert_nonnull (failed);
  g_assert_cmpint (failed->person_id, ==, 7);
  g_assert_nonnull (strstr (failed->detail, "program changed"));
  g_assert_nonnull (strstr (failed->detail, "audio/x-opus"));
  g_assert_cmpuint (first_segments, >=, 1);

  /* the encoder reconnects with the new program */
  relay = spawn_relay (url);
  g_assert_cmpint (g_stat (second, &st), ==, 0);
  /* all of it, and nothing closed it early */
  g_assert_cmpuint (send_paced (plane, relay, second, PROGRAM_SECONDS, 7, 1, &stopped), ==,
                    (gsize)st.st_size);
  g_assert_false (stopped);
  /* then, once it is delivered, the encoder is switched off */
  eb_test_run_for (1000);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7), ==, 1);
  g_subprocess_send_signal (relay, SIGINT);
  eb_test_wait_process (relay, EB_TEST_WAIT_SECONDS);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 2);

  manifest = eb_test_close_conference (plane, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->tracks->len, ==, 1);
  track = g_ptr_array_index (manifest->tracks, 0);
  g_assert_cmpstr (track->name, ==, "p7-srt");
  g_assert_cmpint (track->person_id, ==, 7);
  g_assert_cmpstr (track->video_codec, ==, "h264");
  /* both spans, in order: the first connection's segments, then the
   * reconnect's */
  g_assert_cmpuint (track->segments->len, >, first_segments);
  for (guint i = 0; i < track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (track->segments, i);
      g_autofree char *base = g_path_get_basename (segment->path);
      g_autofree char *expected_name = g_strdup_printf ("p7-srt-%05u.ts", i);
      g_autofree char *sha256 = eb_test_sha256_of (segment->path);

      g_assert_cmpstr (base, ==, expected_name);
      g_assert_cmpstr (sha256, ==, segment->sha256);
      if (i > 0)
        g_assert_cmpint (
            segment->start_offset_us, >=,
            ((EbRecordedSegment *)g_ptr_array_index (track->segments, i - 1))->start_offset_us);
      g_ptr_array_add (paths, segment->path);
    }
  infos = eb_test_discover (paths);
  for (guint i = 0; i < infos->len; i++)
    {
      EbTestMediaInfo *info = &g_array_index (infos, EbTestMediaInfo, i);

      g_test_message ("%s: %s %ux%u, %s, %" GST_TIME_FORMAT, (char *)g_ptr_array_index (paths, i),
                      info->video_caps, info->width, info->height, info->audio_caps,
                      GST_TIME_ARGS (info->duration));
      g_assert_cmpstr (info->video_caps, ==, "video/x-h264");
      g_assert_cmpuint (info->width, ==, 1280);
      g_assert_cmpuint (info->height, ==, 720);
      g_assert_cmpstr (info->audio_caps, ==, i < first_segments ? "audio/mpeg" : "audio/x-opus");
      if (info->duration == 0)
        info->duration = eb_test_ffprobe_duration (g_ptr_array_index (paths, i));
      g_assert_cmpuint (info->duration, >, 0);
      if (i < first_segments)
        first_span += info->duration;
      else
        second_span += info->duration;
    }
  /* the first program, up to the change; the second, all of it */
  assert_within_a_segment (first_span, PROGRAM_SECONDS);
  assert_within_a_segment (second_span, PROGRAM_SECONDS);

  /* each segment, and its manifest line, names what its file holds: AAC
   * up to the change, Opus after it; the track names its first
   * segment's */
  session_dir = eb_manifest_session_dir (plane->recordings_dir, 1);
  manifest_path = g_build_filename (session_dir, EB_MANIFEST_FILE_NAME, NULL);
  entries = eb_manifest_read (manifest_path, &error);
  g_assert_no_error (error);
  assert_segment_codecs (track, infos, entries);
  g_assert_cmpstr (((EbRecordedSegment *)g_ptr_array_index (track->segments, 0))->audio_codec, ==,
                   "aac");
  g_assert_cmpstr (
      ((EbRecordedSegment *)g_ptr_array_index (track->segments, track->segments->len - 1))
          ->audio_codec,
      ==, "opus");
  g_assert_cmpstr (track->audio_codec, ==, "aac");
  g_assert_cmpint (track->width, ==, 1280);
  g_assert_cmpint (track->height, ==, 720);

  /* a recording rebuilt from the folder (as after a crash) says the same */
  recovered = eb_media_recover_session (plane->recordings_dir, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recovered->tracks->len, ==, 1);
  g_assert_cmpstr (((EbRecordedTrack *)g_ptr_array_index (recovered->tracks, 0))->audio_codec, ==,
                   "aac");
  assert_segment_codecs (g_ptr_array_index (recovered->tracks, 0), infos, entries);

  /* joined, started, stopped, left: twice, in order */
  for (guint i = 0; i < plane->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (plane->events, i);

      if (!is_track_event (event))
        continue;
      g_assert_cmpuint (seen, <, G_N_ELEMENTS (expected));
      g_assert_cmpint (event->kind, ==, expected[seen]);
      g_assert_cmpint (event->person_id, ==, 7);
      seen++;
    }
  g_assert_cmpuint (seen, ==, G_N_ELEMENTS (expected));
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_RECORDING_FAILED, 0), ==, 1);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 0), ==, 0);
}

/* Random bytes from a real SRT caller are refused, and reported; the
 * other site keeps recording. */
static void
test_plane_garbage (PlaneFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autoptr (GSubprocess) sender = NULL;
  g_autofree char *url = NULL;
  g_autofree char *credential = eb_test_credential (plane->key, 1, 9, 0);
  g_autofree char *stream_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, credential);
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  g_autofree char *session_dir = g_build_filename (plane->recordings_dir, "session-1", NULL);
  g_autoptr (GPtrArray) files = NULL;
  SRTSOCKET garbage;
  int reason = -1;
  gint64 deadline;
  gboolean send_failed = FALSE;

  if (!have_senders ())
    return;
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane->plane, 1, 8, NULL, FALSE, 0);
  eb_media_plane_allow_participant (plane->plane, 1, 9, NULL, FALSE, 0);

  url = publish_url (plane, 1, 8);
  sender = eb_test_spawn_publisher (url, "320x240", "aac", 5, NULL);

  garbage = eb_test_srt_connect (plane->port, stream_id, passphrase, &reason);
  g_assert_cmpint (garbage, !=, SRT_INVALID_SOCK);
  /* about 1 Mbit/s of noise until it is refused */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (eb_test_count_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 9) == 0)
    {
      guint8 noise[1316];

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      for (guint i = 0; i < sizeof noise; i++)
        noise[i] = (guint8)g_random_int ();
      if (!send_failed && srt_sendmsg2 (garbage, (const char *)noise, sizeof noise, NULL) < 0)
        send_failed = TRUE;
      eb_test_run_for (10);
    }
  /* its connection is closed */
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 9, 1);
  srt_close (garbage);

  g_assert_cmpint (eb_test_wait_process (sender, 30), ==, 0);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8, 1);
  manifest = eb_test_close_conference (plane, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->tracks->len, ==, 1);
  g_assert_null (eb_test_find_track (manifest, "p9-srt"));
  assert_within_a_segment (
      check_track (eb_test_find_track (manifest, "p8-srt"), 320, 240, "audio/mpeg"), 5);
  /* nothing of the noise was kept */
  files = eb_test_list_files (session_dir, ".ts");
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (files, i));

      g_assert_false (g_str_has_prefix (base, "p9-"));
    }
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 0), ==, 1);
}

/* Revoking a participant cuts them off within a second; closing the
 * conference stops whoever still publishes, and keeps what they sent. */
static void
test_plane_revoke_and_close_live (PlaneFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autoptr (GSubprocess) revoked = NULL;
  g_autoptr (GSubprocess) live = NULL;
  g_autofree char *url7 = NULL;
  g_autofree char *url8 = NULL;
  g_autofree char *credential = eb_test_credential (plane->key, 1, 7, 0);
  g_autofree char *stream_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, credential);
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  EbMediaEvent *left = NULL;
  gint64 revoked_at;
  int reason = -1;

  if (!have_senders ())
    return;
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane->plane, 1, 7, NULL, FALSE, 0);
  eb_media_plane_allow_participant (plane->plane, 1, 8, NULL, FALSE, 0);
  url7 = publish_url (plane, 1, 7);
  url8 = publish_url (plane, 1, 8);
  revoked = eb_test_spawn_publisher (url7, "160x120", "aac", 20, NULL);
  live = eb_test_spawn_publisher (url8, "160x120", "aac", 20, NULL);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_TRACK_STARTED, 0, 2);
  eb_test_run_for (3000);

  revoked_at = g_get_real_time ();
  eb_media_plane_revoke_participant (plane->plane, 1, 7);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 1);
  for (guint i = 0; i < plane->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (plane->events, i);

      if (event->kind == EB_MEDIA_EVENT_PARTICIPANT_LEFT)
        left = event;
    }
  g_assert_cmpint (left->at - revoked_at, <, G_USEC_PER_SEC);
  /* and cannot come back */
  g_assert_cmpint (eb_test_srt_connect (plane->port, stream_id, passphrase, &reason), ==,
                   SRT_INVALID_SOCK);
  g_assert_cmpint (reason, ==, SRT_REJX_FORBIDDEN);
  /* the encoder notices */
  g_assert_cmpint (eb_test_wait_process (revoked, 15), !=, 0);

  /* the other one is still publishing when the session ends */
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8), ==, 0);
  manifest = eb_test_close_conference (plane, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8), ==, 1);
  g_assert_cmpuint (manifest->tracks->len, ==, 2);
  check_track (eb_test_find_track (manifest, "p7-srt"), 160, 120, "audio/mpeg");
  check_track (eb_test_find_track (manifest, "p8-srt"), 160, 120, "audio/mpeg");
  g_assert_cmpint (eb_test_wait_process (live, 15), !=, 0);
}

/* A session nobody published in ends with an empty recording. */
static void
test_plane_close_empty (PlaneFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  gint64 started = g_get_monotonic_time ();

  g_assert_true (eb_media_plane_open_conference (plane->plane, 4, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane->plane, 4, 7, NULL, TRUE, 0);
  manifest = eb_test_close_conference (plane, 4, &error);
  g_assert_no_error (error);
  g_assert_nonnull (manifest);
  g_assert_cmpint (manifest->session_id, ==, 4);
  g_assert_false (manifest->interrupted);
  g_assert_cmpuint (manifest->tracks->len, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (plane->events->len, ==, 0);

  /* it is gone: a second close is an error, a new one may open */
  g_clear_pointer (&manifest, eb_recording_manifest_free);
  manifest = eb_test_close_conference (plane, 4, &error);
  g_assert_null (manifest);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (eb_media_plane_open_conference (plane->plane, 4, g_get_real_time (), &error));
  g_assert_no_error (error);
}

/* The plane goes away with a live conference and a connected caller:
 * its thread stops and nothing is left behind. */
static void
test_plane_dispose_live (void)
{
  EbTestPlane plane;
  g_autoptr (GError) error = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *stream_id = NULL;
  g_autofree char *passphrase = NULL;
  SRTSOCKET socket;
  int reason = -1;

  eb_test_plane_setup (&plane, SEGMENT_SECONDS, 0);
  g_assert_true (eb_media_plane_open_conference (plane.plane, 1, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane.plane, 1, 7, NULL, FALSE, 0);
  credential = eb_test_credential (plane.key, 1, 7, 0);
  stream_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, credential);
  passphrase = eb_test_passphrase (&plane, 1);
  socket = eb_test_srt_connect (plane.port, stream_id, passphrase, &reason);
  g_assert_cmpint (socket, !=, SRT_INVALID_SOCK);
  eb_test_wait_for_events (&plane, EB_MEDIA_EVENT_TRACK_STARTED, 7, 1);
  eb_test_plane_teardown (&plane);
  assert_conferences_freed ();
  srt_close (socket);
}

int
main (int argc, char **argv)
{
  int status;

  eb_test_discover_child_run (argc, argv);

  /* before g_test_init(), which moves the user folders per test case */
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  srt_startup ();
  /* a sender that ended is seen as a failed write, not a signal */
  signal (SIGPIPE, SIG_IGN);

  g_test_add ("/eboard/media/plane/record-three", PlaneFixture, NULL, plane_fixture_setup,
              test_plane_record_three, plane_fixture_teardown);
  g_test_add ("/eboard/media/plane/reconnect", PlaneFixture, NULL, plane_fixture_setup,
              test_plane_reconnect, plane_fixture_teardown);
  g_test_add ("/eboard/media/plane/program-change", PlaneFixture, NULL, plane_fixture_setup,
              test_plane_program_change, plane_fixture_teardown);
  g_test_add ("/eboard/media/plane/garbage", PlaneFixture, NULL, plane_fixture_setup,
              test_plane_garbage, plane_fixture_teardown);
  g_test_add ("/eboard/media/plane/revoke-and-close-live", PlaneFixture, NULL, plane_fixture_setup,
              test_plane_revoke_and_close_live, plane_fixture_teardown);
  g_test_add ("/eboard/media/plane/close-empty", PlaneFixture, NULL, plane_fixture_setup,
              test_plane_close_empty, plane_fixture_teardown);
  g_test_add_func ("/eboard/media/plane/dispose-live", test_plane_dispose_live);

  status = g_test_run ();
  srt_cleanup ();
  return status;
}
