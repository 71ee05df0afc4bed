/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * SRT room systems and browsers in one conference, without re-encoding:
 * a real SRT encoder (ffmpeg) seen by an in-process WHEP viewer
 * (webrtcbin) that decodes its H.264 and Opus; a browser's WHIP
 * publication (webrtcbin, H.264 and Opus) pulled by a real SRT client
 * (srt-live-transmit), its MPEG-TS read by ffprobe; AAC that cannot
 * reach a browser, VP8 that cannot reach an SRT viewer. Loopback only.
 */

#include "eb-config.h"

#include <string.h>

#include <srt/access_control.h>

#include "eb-srt-test-util.h"
#include "media/eb-bridge-rtp-private.h"
#include "media/eb-stream-id-private.h"
#include "media/eb-webrtc-room-private.h"

#define SEGMENT_SECONDS 2
#define SESSION 1
#define CHAIR 7
#define VIEWER 8
#define BROWSER 9
/* A WHEP viewer retries this often until an SRT track is bridged. */
#define VIEW_ATTEMPTS 20

static const char *const loopback[] = { "127.0.0.1", NULL };

/* What Chromium offers for H.264 (besides VP8 and packetization mode
 * 0): Constrained Baseline and High 4:4:4 Predictive, no High. */
#define CHROMIUM_LIKE_VIDEO                                                                        \
  "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000;"                   \
  "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000,"                 \
  "packetization-mode=(string)1,profile-level-id=(string)42e01f;"                                  \
  "application/x-rtp,media=video,encoding-name=H264,payload=106,clock-rate=90000,"                 \
  "packetization-mode=(string)1,profile-level-id=(string)f4001f"

/* --- the plane: SRT and WebRTC --- */

static void
bridge_setup (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = eb_test_pipelines_dir ();
  EbMediaSettings settings = { 0 };

  fixture->main_thread = g_thread_self ();
  fixture->dir = g_dir_make_tmp ("eb-bridge-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->recordings_dir = g_build_filename (fixture->dir, "recordings", NULL);
  for (guint i = 0; i < EB_TEST_KEY_LENGTH; i++)
    fixture->key[i] = (guint8)g_random_int ();
  fixture->events = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_media_event_free);

  settings.pipelines_dir = pipelines;
  settings.recordings_dir = fixture->recordings_dir;
  settings.srt_address = "127.0.0.1";
  settings.segment_seconds = SEGMENT_SECONDS;
  settings.credential_key = fixture->key;
  settings.credential_key_length = EB_TEST_KEY_LENGTH;
  settings.ice_local_addresses = loopback;
  fixture->plane = eb_media_plane_new (&settings, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->plane, "event", G_CALLBACK (eb_test_plane_event_cb), fixture);
  g_assert_true (eb_media_plane_start (fixture->plane, &error));
  g_assert_no_error (error);
  fixture->port = eb_media_plane_get_srt_port (fixture->plane);

  g_assert_true (
      eb_media_plane_open_conference (fixture->plane, SESSION, g_get_real_time (), &error));
  g_assert_no_error (error);
  eb_media_plane_allow_participant (fixture->plane, SESSION, CHAIR, "Chair's room", TRUE, 0);
  eb_media_plane_allow_participant (fixture->plane, SESSION, VIEWER, NULL, FALSE, 0);
  eb_media_plane_allow_participant (fixture->plane, SESSION, BROWSER, NULL, FALSE, 0);
}

static void
bridge_teardown (EbTestPlane *fixture, gconstpointer data)
{
  eb_test_plane_teardown (fixture);
}

static gboolean
have_tools (void)
{
  if (eb_test_have_program ("ffmpeg") && eb_test_have_program ("ffprobe")
      && eb_test_have_program ("srt-live-transmit"))
    return TRUE;
  g_test_skip ("ffmpeg or srt-tools is not installed");
  return FALSE;
}

/* "srt://..." for @person_id publishing (@track NULL) or pulling @track. */
static char *
srt_url (EbTestPlane *fixture, EbId person_id, const char *track)
{
  g_autofree char *credential = eb_test_credential (fixture->key, SESSION, person_id, 0);
  g_autofree char *passphrase = eb_test_passphrase (fixture, SESSION);
  g_autofree char *stream_id = eb_stream_id_format (
      SESSION, track != NULL ? EB_STREAM_MODE_REQUEST : EB_STREAM_MODE_PUBLISH, track, credential);

  return eb_test_srt_url (fixture->port, stream_id, passphrase);
}

/* A room encoder: ffmpeg sending H.264 (@extra: its options) and
 * @audio_codec in MPEG-TS over SRT as the chair, for @seconds. */
static GSubprocess *
spawn_room_encoder (EbTestPlane *fixture, const char *audio_codec, guint seconds,
                    const char *const *extra)
{
  g_autofree char *url = srt_url (fixture, CHAIR, NULL);

  return eb_test_spawn_publisher (url, "320x240", audio_codec, seconds, extra);
}

static void
stop_process (GSubprocess *process)
{
  g_subprocess_force_exit (process);
  eb_test_wait_process (process, EB_TEST_WAIT_SECONDS);
}

/* Where m-line @index of @sdp starts. */
static const char *
find_mline (const char *sdp, guint index)
{
  const char *at = sdp;

  for (guint i = 0; i <= index; i++)
    {
      at = strstr (at, "\r\nm=");
      g_assert_nonnull (at);
      at += 2;
    }
  return at;
}

/* (transfer full): m-line @index of @sdp, up to the next one */
static char *
dup_mline (const char *sdp, guint index)
{
  const char *start = find_mline (sdp, index);
  const char *end = strstr (start + 1, "\r\nm=");

  return end != NULL ? g_strndup (start, (gsize)(end - start)) : g_strdup (start);
}

/* A WHEP viewer of @n_video video m-lines offering @video_caps and
 * @n_audio Opus ones, connected as soon as the first video m-line gets
 * @track: an SRT track is viewable once its bridge has parsed its
 * stream. The viewers of earlier attempts left. */
static EbWebrtcAnswer *
view_track (EbTestPlane *fixture, EbTestClient **viewer, guint n_video, guint n_audio,
            const char *video_caps, const char *track)
{
  for (guint attempt = 0; attempt < VIEW_ATTEMPTS; attempt++)
    {
      g_autoptr (EbTestClient) client
          = eb_test_client_new_viewer_offering (n_video, n_audio, video_caps);
      g_autoptr (EbWebrtcAnswer) answer
          = eb_test_client_connect (client, fixture->plane, SESSION, VIEWER);
      g_autoptr (GError) error = NULL;

      g_assert_cmpuint (g_strv_length (answer->tracks), ==, n_video + n_audio);
      if (g_strcmp0 (answer->tracks[0], track) == 0)
        {
          g_test_message ("viewing %s after %u attempts", track, attempt + 1);
          *viewer = g_steal_pointer (&client);
          return g_steal_pointer (&answer);
        }
      g_assert_true (eb_media_plane_webrtc_delete (fixture->plane, SESSION, VIEWER,
                                                   answer->resource_id, &error));
      g_assert_no_error (error);
      eb_test_run_for (500);
    }
  g_error ("track %s was never bridged to WHEP viewers", track);
  return NULL;
}

typedef struct
{
  EbTestClient *client;
  gint h264;
  gint audio;
} DecodedWait;

static gboolean
decoded_enough (gpointer data)
{
  DecodedWait *wait = data;

  return eb_test_client_h264_frames (wait->client) >= wait->h264
         && eb_test_client_audio_frames (wait->client) >= wait->audio;
}

/* --- SRT to browsers --- */

/* A room encoder sends High profile H.264 (no B-frames, a keyframe every
 * second) with Opus; a browser-like viewer, which offers Constrained
 * Baseline and High 4:4:4 Predictive but not High, gets it on its High
 * 4:4:4 payload type (a decoder of that profile decodes High) and
 * decodes both, its picture starting within about a GOP. */
static void
test_bridge_srt_to_whep (EbTestPlane *fixture, gconstpointer data)
{
  const char *const high[] = { "-preset", "veryfast", "-profile:v", "high", NULL };
  g_autoptr (GSubprocess) encoder = NULL;
  g_autoptr (EbTestClient) viewer = NULL;
  g_autoptr (EbWebrtcAnswer) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autofree char *video_mline = NULL;
  g_autofree char *audio_mline = NULL;
  DecodedWait wait = { 0 };
  gint64 answered;

  if (!have_tools ())
    return;
  encoder = spawn_room_encoder (fixture, "libopus", 30, high);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STARTED, CHAIR, 1);
  /* nobody views it for a while: its bridge rests, then starts over */
  eb_test_run_for (3000);

  answer = view_track (fixture, &viewer, 1, 1, CHROMIUM_LIKE_VIDEO, "p7-srt");
  answered = g_get_monotonic_time ();
  /* its audio and video are the room system's */
  g_assert_cmpstr (answer->tracks[1], ==, "p7-srt");
  video_mline = dup_mline (answer->sdp, 0);
  audio_mline = dup_mline (answer->sdp, 1);
  g_test_message ("answer's video m-line:\n%s", video_mline);
  g_assert_nonnull (strstr (video_mline, "a=sendonly"));
  g_assert_nonnull (strstr (video_mline, "a=rtpmap:106 H264/90000"));
  g_assert_nonnull (strstr (video_mline, "profile-level-id=f4001f"));
  g_assert_null (strstr (video_mline, "a=rtpmap:102 "));
  g_assert_nonnull (strstr (audio_mline, "a=sendonly"));
  g_assert_nonnull (strstr (audio_mline, "OPUS/48000"));

  /* the picture starts at the encoder's next keyframe (every second) */
  wait.client = viewer;
  wait.h264 = 1;
  eb_test_wait_until (decoded_enough, &wait, EB_TEST_WAIT_SECONDS, "a first H.264 frame");
  g_test_message ("first frame %" G_GINT64_FORMAT " ms after the answer",
                  (g_get_monotonic_time () - answered) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - answered, <, 10 * G_USEC_PER_SEC);
  /* and goes on: 2 s of 30 fps video, 1 s of 20 ms audio frames */
  wait.h264 = 60;
  wait.audio = 50;
  eb_test_wait_until (decoded_enough, &wait, EB_TEST_WAIT_SECONDS, "H.264 and Opus frames");
  g_test_message ("decoded %d H.264 and %d Opus frames", eb_test_client_h264_frames (viewer),
                  eb_test_client_audio_frames (viewer));

  /* the room system is recorded as before */
  stop_process (encoder);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, CHAIR, 1);
  manifest = eb_test_close_conference (fixture, SESSION, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->tracks->len, ==, 1);
  g_assert_cmpstr (((EbRecordedTrack *)g_ptr_array_index (manifest->tracks, 0))->name, ==,
                   "p7-srt");
}

/* --- the bridge rests while nobody views --- */

/* Seconds of the room system's stream; more than the test takes. */
#define REST_STREAM_SECONDS 20
/* How long the bridge is watched resting. */
#define REST_MS 3000

/* A room system's network thread: its MPEG-TS in SRT messages (1316
 * bytes), at the stream's pace, into the bridge. */
typedef struct
{
  EbRtpBridge *bridge;
  GBytes *bytes;
  gint stop;
} RestPusher;

static gpointer
rest_pusher_thread (gpointer user_data)
{
  RestPusher *pusher = user_data;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (pusher->bytes, &length);
  gint64 start = g_get_monotonic_time ();
  const double media_us = (double)REST_STREAM_SECONDS * G_USEC_PER_SEC;

  for (gsize offset = 0; offset < length && !g_atomic_int_get (&pusher->stop); offset += 1316)
    {
      gint64 due = start + (gint64)((double)offset / (double)length * media_us);
      gint64 now = g_get_monotonic_time ();

      if (due - now > 2000)
        g_usleep ((gulong)(due - now));
      eb_rtp_bridge_push (pusher->bridge, data + offset, MIN (1316, length - offset));
    }
  return NULL;
}

static gboolean
formats_known (gpointer data)
{
  EbRtpSource **sources = data;
  g_autoptr (EbRtpFormat) video = eb_rtp_source_dup_format (sources[0]);
  g_autoptr (EbRtpFormat) audio = eb_rtp_source_dup_format (sources[1]);

  return video != NULL && audio != NULL;
}

static void
room_emit_cb (const EbMediaEvent *event, gpointer user_data)
{
  g_test_message ("room: %s %s", eb_media_event_kind_to_string (event->kind),
                  event->detail != NULL ? event->detail : "");
}

static gboolean
room_allowed_cb (EbId person_id, gpointer user_data)
{
  return TRUE;
}

/* The packets the bridge gave @source in @ms of the stream. */
static guint64
packets_during (EbRtpSource *source, guint ms)
{
  guint64 before = eb_rtp_source_get_packets_in (source);

  eb_test_run_for (ms);
  return eb_rtp_source_get_packets_in (source) - before;
}

/* A room system's bridge to browsers demuxes its stream until the
 * formats of its H.264 and Opus are known, then not while nobody views
 * the track: its forwarding sources get no packet. A WHEP viewer comes
 * and decodes both (from the next keyframe), and the sources are fed
 * again; once it has left, the bridge rests again. (The bridge and the
 * WebRTC room are driven here as a conference drives them, so that the
 * track's sources can be read.) */
static void
test_bridge_rests_without_viewers (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = eb_test_pipelines_dir ();
  g_autoptr (EbPipelineTemplates) templates = NULL;
  g_autofree char *stream = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (EbRtpSource) video = eb_rtp_source_new ("p7-srt", TRUE);
  g_autoptr (EbRtpSource) audio = eb_rtp_source_new ("p7-srt", FALSE);
  EbRtpSource *sources[] = { video, audio };
  g_autoptr (EbRtpBridge) bridge = NULL;
  g_autoptr (EbWebrtcRoom) room = NULL;
  g_autoptr (EbTestClient) viewer = NULL;
  g_autoptr (EbWebrtcAnswer) answer = NULL;
  g_autofree char *offer = NULL;
  g_autofree char *room_dir = g_build_filename (fixture->dir, "room", NULL);
  EbWebrtcIceConfig ice = { .local_addresses = (GStrv)loopback };
  EbWebrtcRoomConfig config = {
    .session_id = SESSION,
    .started_at = g_get_real_time (),
    .directory = room_dir,
    .ice = &ice,
    .segment_seconds = SEGMENT_SECONDS,
    .queue_limit = 4 * 1024 * 1024,
    .emit = room_emit_cb,
    .is_allowed = room_allowed_cb,
  };
  EbTestAsync async = { NULL };
  RestPusher pusher = { 0 };
  GThread *thread;
  DecodedWait wait = { 0 };
  guint64 resting;
  guint64 viewed;
  guint64 left;

  if (!have_tools ())
    return;
  templates = eb_pipeline_templates_load (pipelines, &error);
  g_assert_no_error (error);
  /* a room system's H.264 (no B-frames, a keyframe every second) and
   * Opus */
  stream = eb_test_make_stream (fixture->dir, "room.ts", REST_STREAM_SECONDS, "libx264", "1M",
                                "libopus", TRUE);
  {
    g_autoptr (GMappedFile) file = g_mapped_file_new (stream, FALSE, &error);

    g_assert_no_error (error);
    bytes = g_mapped_file_get_bytes (file);
  }
  config.templates = templates;
  room = eb_webrtc_room_new (&config);
  eb_webrtc_room_add_bridged_track (room, "p7-srt", CHAIR, video, audio);
  bridge = eb_rtp_bridge_new (templates, "p7-srt", video, audio, &error);
  g_assert_no_error (error);
  g_assert_true (eb_rtp_bridge_start (bridge, &error));
  g_assert_no_error (error);

  pusher.bridge = bridge;
  pusher.bytes = bytes;
  thread = g_thread_new ("room-system", rest_pusher_thread, &pusher);
  eb_test_wait_until (formats_known, sources, EB_TEST_WAIT_SECONDS, "the stream's formats");
  g_assert_cmpuint (eb_rtp_source_get_packets_in (video), >, 0);
  g_assert_cmpuint (eb_rtp_source_get_packets_in (audio), >, 0);
  /* what was queued before is demuxed; then nothing */
  eb_test_run_for (500);
  resting = packets_during (video, REST_MS) + packets_during (audio, 0);
  g_test_message ("%" G_GUINT64_FORMAT " packets in %u ms without viewers", resting, REST_MS);
  g_assert_cmpuint (resting, ==, 0);

  /* a viewer comes */
  viewer = eb_test_client_new_viewer_offering (1, 1, CHROMIUM_LIKE_VIDEO);
  offer = eb_test_client_offer (viewer);
  eb_webrtc_room_view_async (room, VIEWER, offer, NULL, eb_test_async_cb, &async);
  eb_test_wait_until (eb_test_async_done, &async, EB_TEST_WAIT_SECONDS, "the answer");
  answer = eb_webrtc_room_view_finish (room, async.result, &error);
  g_clear_object (&async.result);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_assert_cmpstr (answer->tracks[0], ==, "p7-srt");
  g_assert_cmpstr (answer->tracks[1], ==, "p7-srt");
  eb_test_client_answer (viewer, answer->sdp);
  wait.client = viewer;
  wait.h264 = 30;
  wait.audio = 25;
  eb_test_wait_until (decoded_enough, &wait, EB_TEST_WAIT_SECONDS, "H.264 and Opus frames");
  viewed = packets_during (video, 1000);
  g_test_message ("decoded %d H.264 and %d Opus frames; %" G_GUINT64_FORMAT
                  " video packets in 1 s with a viewer",
                  eb_test_client_h264_frames (viewer), eb_test_client_audio_frames (viewer),
                  viewed);
  /* 30 frames a second */
  g_assert_cmpuint (viewed, >=, 30);

  /* it leaves: the bridge rests again */
  g_assert_true (eb_webrtc_room_delete (room, VIEWER, answer->resource_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&viewer, eb_test_client_free);
  eb_test_run_for (500);
  left = packets_during (video, REST_MS);
  g_test_message ("%" G_GUINT64_FORMAT " video packets in %u ms after the viewer left", left,
                  REST_MS);
  g_assert_cmpuint (left, ==, 0);

  g_atomic_int_set (&pusher.stop, 1);
  g_thread_join (thread);
  eb_rtp_bridge_stop (bridge);
  eb_webrtc_room_close_async (room, NULL, eb_test_async_cb, &async);
  eb_test_wait_until (eb_test_async_done, &async, EB_TEST_WAIT_SECONDS, "the room to close");
  {
    g_autoptr (GPtrArray) tracks = eb_webrtc_room_close_finish (room, async.result, &error);

    g_assert_no_error (error);
    /* nobody published in it */
    g_assert_cmpuint (tracks->len, ==, 0);
  }
  g_clear_object (&async.result);
}

/* AAC cannot reach a browser without re-encoding: the viewer of a room
 * system sending H.264 and AAC gets its video, and its audio m-line is
 * answered inactive (an empty entry in the answer's tracks). */
static void
test_bridge_srt_aac_video_only (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GSubprocess) encoder = NULL;
  g_autoptr (EbTestClient) viewer = NULL;
  g_autoptr (EbWebrtcAnswer) answer = NULL;
  g_autofree char *audio_mline = NULL;
  DecodedWait wait = { 0 };

  if (!have_tools ())
    return;
  encoder = spawn_room_encoder (fixture, "aac", 30, NULL);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STARTED, CHAIR, 1);

  answer = view_track (fixture, &viewer, 1, 1, CHROMIUM_LIKE_VIDEO, "p7-srt");
  g_assert_cmpuint (g_strv_length (answer->tracks), ==, 2);
  g_assert_cmpstr (answer->tracks[1], ==, "");
  audio_mline = dup_mline (answer->sdp, 1);
  g_assert_nonnull (strstr (audio_mline, "a=inactive"));
  /* Constrained Baseline (ffmpeg's ultrafast) on the payload type of
   * that very profile */
  {
    g_autofree char *video_mline = dup_mline (answer->sdp, 0);

    g_assert_nonnull (strstr (video_mline, "a=rtpmap:102 H264/90000"));
  }

  wait.client = viewer;
  wait.h264 = 60;
  eb_test_wait_until (decoded_enough, &wait, EB_TEST_WAIT_SECONDS, "H.264 frames");
  eb_test_run_for (500);
  g_assert_cmpint (eb_test_client_audio_frames (viewer), ==, 0);
  stop_process (encoder);
}

/* --- browsers to SRT --- */

/* A room system pulling @track over SRT as @person_id for @seconds:
 * srt-live-transmit, writing the MPEG-TS as it comes (the bridge's
 * muxer output, byte for byte) into @path. */
static void
pull_track (EbTestPlane *fixture, EbId person_id, const char *track, guint seconds,
            const char *path)
{
  g_autofree char *url = srt_url (fixture, person_id, track);
  g_autofree char *timeout = g_strdup_printf ("-t:%u", seconds);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GSubprocess) puller = NULL;
  g_autoptr (GError) error = NULL;

  g_subprocess_launcher_set_stdout_file_path (launcher, path);
  puller = g_subprocess_launcher_spawn (launcher, &error, "srt-live-transmit", "-q", "-a:no",
                                        timeout, url, "file://con", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (eb_test_wait_process (puller, EB_TEST_WAIT_SECONDS), ==, 0);
}

/* ffprobe's codec name and decoded frames of each stream of @path, as
 * "h264:45 opus:150". */
static char *
probe_streams (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *output = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) summary = g_string_new (NULL);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "ffprobe", "-v", "error", "-count_frames", "-show_entries",
                              "stream=codec_name,nb_read_frames", "-of", "csv=p=0", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (output != NULL ? output : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] == '\0')
        continue;
      g_strdelimit (lines[i], ",", ':');
      if (summary->len > 0)
        g_string_append_c (summary, ' ');
      g_string_append (summary, lines[i]);
    }
  return g_string_free (g_steal_pointer (&summary), FALSE);
}

/* The number after "@codec:" in @summary, or -1. */
static gint
frames_of (const char *summary, const char *codec)
{
  g_autofree char *needle = g_strconcat (codec, ":", NULL);
  const char *at = strstr (summary, needle);

  return at != NULL ? (gint)g_ascii_strtoll (at + strlen (needle), NULL, 10) : -1;
}

/* A browser publishes H.264 (a keyframe only when asked) and Opus; a
 * room system pulls its track over SRT and gets both in MPEG-TS,
 * decodable from the start (the browser was asked for a keyframe). The
 * chair's pseudo track is the chair's browser track when the chair has
 * no SRT one. */
static void
test_bridge_whip_to_srt (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (EbTestClient) browser = NULL;
  g_autoptr (EbWebrtcAnswer) published = NULL;
  g_autofree char *pulled = g_build_filename (fixture->dir, "pulled.ts", NULL);
  g_autofree char *summary = NULL;
  g_autofree char *passphrase = eb_test_passphrase (fixture, SESSION);
  g_autofree char *credential = eb_test_credential (fixture->key, SESSION, VIEWER, 0);
  g_autofree char *chair_id
      = eb_stream_id_format (SESSION, EB_STREAM_MODE_REQUEST, "chair", credential);
  SRTSOCKET chair;
  int reason = -1;

  if (!have_tools ())
    return;
  browser = eb_test_client_new_publisher ("h264");
  published = eb_test_client_connect (browser, fixture->plane, SESSION, CHAIR);
  g_assert_cmpstr (published->tracks[0], ==, "p7-webrtc");
  g_assert_null (published->tracks[1]);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STARTED, CHAIR, 1);

  pull_track (fixture, VIEWER, "p7-webrtc", 4, pulled);
  summary = probe_streams (pulled);
  g_test_message ("pulled: %s", summary);
  g_assert_nonnull (strstr (summary, "h264:"));
  g_assert_nonnull (strstr (summary, "opus:"));
  /* 4 s of 15 fps video (less the wait for the first keyframe), 20 ms
   * audio frames */
  g_assert_cmpint (frames_of (summary, "h264"), >=, 30);
  g_assert_cmpint (frames_of (summary, "opus"), >=, 100);

  chair = eb_test_srt_connect (fixture->port, chair_id, passphrase, &reason);
  g_assert_cmpint (chair, !=, SRT_INVALID_SOCK);
  srt_close (chair);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_INPUT_REFUSED, 0), ==, 0);
}

/* A browser publishing VP8 cannot be pulled over SRT (MPEG-TS cannot
 * carry VP8): the pull is refused with a clear reason in the session's
 * timeline; the publisher goes on. Before anything is published, the
 * track is not found. */
static void
test_bridge_vp8_refused (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (EbTestClient) browser = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbWebrtcAnswer) published = NULL;
  g_autofree char *passphrase = eb_test_passphrase (fixture, SESSION);
  g_autofree char *credential = eb_test_credential (fixture->key, SESSION, VIEWER, 0);
  g_autofree char *pull_id
      = eb_stream_id_format (SESSION, EB_STREAM_MODE_REQUEST, "p9-webrtc", credential);
  EbMediaEvent *refusal = NULL;
  int reason = -1;

  g_assert_cmpint (eb_test_srt_connect (fixture->port, pull_id, passphrase, &reason), ==,
                   SRT_INVALID_SOCK);
  g_assert_cmpint (reason, ==, SRT_REJX_NOTFOUND);

  published = eb_test_client_connect (browser, fixture->plane, SESSION, BROWSER);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STARTED, BROWSER, 1);
  g_assert_cmpint (eb_test_srt_connect (fixture->port, pull_id, passphrase, &reason), ==,
                   SRT_INVALID_SOCK);
  g_assert_cmpint (reason, ==, SRT_REJX_UNACCEPTABLE);

  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_INPUT_REFUSED, VIEWER, 2);
  for (guint i = 0; i < fixture->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (fixture->events, i);

      if (event->kind == EB_MEDIA_EVENT_INPUT_REFUSED)
        refusal = event;
    }
  g_assert_nonnull (refusal);
  /* in the session's timeline, naming the track and why */
  g_assert_cmpint (refusal->session_id, ==, SESSION);
  g_assert_cmpint (refusal->person_id, ==, VIEWER);
  g_assert_nonnull (strstr (refusal->detail, "p9-webrtc"));
  g_assert_nonnull (strstr (refusal->detail, "VP8"));
  g_assert_nonnull (strstr (refusal->detail, "MPEG-TS"));

  /* the publication goes on */
  eb_test_run_for (500);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, BROWSER), ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  /* before g_test_init(), which moves the user folders per test case */
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  srt_startup ();

  g_test_add ("/eboard/media/bridge/srt-to-whep", EbTestPlane, NULL, bridge_setup,
              test_bridge_srt_to_whep, bridge_teardown);
  g_test_add ("/eboard/media/bridge/rests-without-viewers", EbTestPlane, NULL, bridge_setup,
              test_bridge_rests_without_viewers, bridge_teardown);
  g_test_add ("/eboard/media/bridge/srt-aac-video-only", EbTestPlane, NULL, bridge_setup,
              test_bridge_srt_aac_video_only, bridge_teardown);
  g_test_add ("/eboard/media/bridge/whip-to-srt", EbTestPlane, NULL, bridge_setup,
              test_bridge_whip_to_srt, bridge_teardown);
  g_test_add ("/eboard/media/bridge/vp8-refused", EbTestPlane, NULL, bridge_setup,
              test_bridge_vp8_refused, bridge_teardown);

  status = g_test_run ();
  srt_cleanup ();
  return status;
}
