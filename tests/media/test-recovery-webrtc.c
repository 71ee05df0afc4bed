/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include <eboard/eb-error.h>

#include "eb-recovery-test-util.h"
#include "media/eb-manifest-private.h"
#include "media/eb-pipeline-template-private.h"
#include "media/eb-rtp-recorder-private.h"

/*
 * Recovery of WebRTC publishers' Matroska segments: a child process
 * records two publishers (VP8 + Opus, H.264 + Opus) through the real RTP
 * recorder and the shipped templates, from live encoders at real time,
 * and is killed with SIGKILL in the middle of a segment; the session is
 * then rebuilt from its folder, and every file is read back by ffprobe
 * and GstDiscoverer.
 */

#define SEGMENT_SECONDS 2
#define WAIT_SECONDS 60
#define SESSION_ID 52
#define N_TRACKS 2
/* the segment being written at the kill holds at least this much */
#define KILLED_MIN_BYTES 8000

static const char *const track_names[N_TRACKS + 1] = { "p1-webrtc", "p2-webrtc", NULL };
static const char *const video_caps[N_TRACKS] = { "video/x-vp8", "video/x-h264" };
static const char *const video_codecs[N_TRACKS] = { "vp8", "h264" };

/* The recordings folder of the killed child, made once for the run. */
static char *killed_recordings;
static gint pushed_ms[N_TRACKS];

/* --- the child: two publishers recorded until SIGKILL --- */

/* What a browser would send: live test video and audio, encoded and
 * payloaded as RTP. */
static const char *const source_descriptions[N_TRACKS] = {
  "videotestsrc is-live=true pattern=ball"
  " ! video/x-raw,width=320,height=240,framerate=30/1,format=I420"
  " ! vp8enc deadline=1 keyframe-max-dist=30 target-bitrate=400000"
  " ! rtpvp8pay pt=96 ! appsink name=video sync=false"
  " audiotestsrc is-live=true wave=ticks ! audioconvert ! audioresample ! opusenc"
  " ! rtpopuspay pt=111 ! appsink name=audio sync=false",
  "videotestsrc is-live=true pattern=ball"
  " ! video/x-raw,width=320,height=240,framerate=30/1,format=I420"
  " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bitrate=400"
  " ! video/x-h264,profile=constrained-baseline"
  " ! rtph264pay pt=102 config-interval=-1 ! appsink name=video sync=false"
  " audiotestsrc is-live=true wave=ticks ! audioconvert ! audioresample ! opusenc"
  " ! rtpopuspay pt=111 ! appsink name=audio sync=false",
};

typedef struct
{
  EbRtpRecorder *recorder;
  guint stream;
  gint *pushed_ms;
  GMutex *lock;
  GstClockTime *first;
} Feed;

/* Streaming thread: one RTP packet to the recorder, as the WebRTC
 * receiving side hands them over. */
static GstFlowReturn
new_sample_cb (GstAppSink *sink, gpointer user_data)
{
  Feed *feed = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = sample != NULL ? gst_sample_get_buffer (sample) : NULL;
  const GstSegment *segment = sample != NULL ? gst_sample_get_segment (sample) : NULL;
  g_autoptr (GstBuffer) packet = NULL;
  GstClockTime pts;

  if (buffer == NULL || segment == NULL)
    return GST_FLOW_OK;
  /* webrtcbin hands over packets stamped with the pipeline's running
   * time at their arrival; an encoder's own timestamps may be far off it
   * (x264enc starts at 1000 hours) */
  pts = gst_segment_to_running_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  packet = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (packet) = pts;
  GST_BUFFER_DTS (packet) = GST_CLOCK_TIME_NONE;
  eb_rtp_recorder_push (feed->recorder, feed->stream, packet);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    {
      g_mutex_lock (feed->lock);
      if (!GST_CLOCK_TIME_IS_VALID (*feed->first))
        *feed->first = pts;
      if (pts > *feed->first)
        g_atomic_int_set (feed->pushed_ms, (gint)((pts - *feed->first) / GST_MSECOND));
      g_mutex_unlock (feed->lock);
    }
  return GST_FLOW_OK;
}

static EbRtpFormat *
format_new (EbRtpCodec codec, guint pt, const char *caps)
{
  EbRtpFormat *format = g_new0 (EbRtpFormat, 1);

  format->codec = codec;
  format->video = codec != EB_RTP_CODEC_OPUS;
  format->pt = pt;
  format->clock_rate = codec == EB_RTP_CODEC_OPUS ? 48000 : 90000;
  format->caps = gst_caps_from_string (caps);
  g_assert_nonnull (format->caps);
  return format;
}

static void
add_feed (EbRtpRecorder *recorder, GstElement *pipeline, const char *sink_name,
          const EbRtpFormat *format, Feed *feed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), sink_name);
  GstAppSinkCallbacks callbacks = { .new_sample = new_sample_cb };
  gint stream;

  stream = eb_rtp_recorder_add_stream (recorder, format, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stream, >=, 0);
  feed->recorder = recorder;
  feed->stream = (guint)stream;
  g_assert_nonnull (sink);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, feed, NULL);
}

static int
record_child (const char *recordings, const char *progress_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = eb_test_pipelines_dir ();
  g_autofree char *dir = eb_manifest_session_dir (recordings, SESSION_ID);
  g_autoptr (EbPipelineTemplates) templates = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (EbRtpFormat) vp8 = NULL;
  g_autoptr (EbRtpFormat) h264 = NULL;
  g_autoptr (EbRtpFormat) opus = NULL;
  const EbRtpFormat *video_formats[N_TRACKS];
  EbRtpRecorder *recorders[N_TRACKS];
  GstElement *sources[N_TRACKS];
  Feed feeds[N_TRACKS][2];
  GMutex locks[N_TRACKS];
  GstClockTime firsts[N_TRACKS];
  gint child_pushed_ms[N_TRACKS] = { 0 };
  gint *counters[N_TRACKS] = { &child_pushed_ms[0], &child_pushed_ms[1] };
  gint64 session_start_us = g_get_real_time ();

  gst_init (NULL, NULL);
  templates = eb_pipeline_templates_load (pipelines, &error);
  g_assert_no_error (error);
  vp8 = format_new (EB_RTP_CODEC_VP8, 96,
                    "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96");
  h264 = format_new (EB_RTP_CODEC_H264, 102,
                     "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,"
                     "payload=102,packetization-mode=(string)1,profile-level-id=(string)42e01f");
  opus = format_new (EB_RTP_CODEC_OPUS, 111,
                     "application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,"
                     "payload=111,encoding-params=(string)2");
  video_formats[0] = vp8;
  video_formats[1] = h264;

  for (guint t = 0; t < N_TRACKS; t++)
    {
      g_mutex_init (&locks[t]);
      firsts[t] = GST_CLOCK_TIME_NONE;
      sources[t] = gst_parse_launch (source_descriptions[t], &error);
      g_assert_no_error (error);
      recorders[t] = eb_rtp_recorder_new (templates, dir, track_names[t], t + 1, session_start_us,
                                          SEGMENT_SECONDS, &error);
      g_assert_no_error (error);
      for (guint s = 0; s < 2; s++)
        {
          feeds[t][s].pushed_ms = &child_pushed_ms[t];
          feeds[t][s].lock = &locks[t];
          feeds[t][s].first = &firsts[t];
        }
      add_feed (recorders[t], sources[t], "video", video_formats[t], &feeds[t][0]);
      add_feed (recorders[t], sources[t], "audio", opus, &feeds[t][1]);
      g_assert_true (eb_rtp_recorder_start (recorders[t], &error));
      g_assert_no_error (error);
    }
  for (guint t = 0; t < N_TRACKS; t++)
    g_assert_cmpint (gst_element_set_state (sources[t], GST_STATE_PLAYING), !=,
                     GST_STATE_CHANGE_FAILURE);
  eb_test_report_progress (progress_path, counters, N_TRACKS);
  /* until SIGKILL */
  g_main_loop_run (loop);
  return 1;
}

/* --- the parent --- */

/* The child recording into @recordings, killed with SIGKILL once every
 * track has closed two segments and is well into the third. */
static void
record_and_kill (const char *recordings)
{
  g_autofree char *dir = eb_manifest_session_dir (recordings, SESSION_ID);
  g_autofree char *progress_path = g_build_filename (recordings, "progress", NULL);
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self_path, "--record-child", recordings, progress_path, NULL };

  eb_test_record_and_kill (argv, dir, track_names, ".mkv", KILLED_MIN_BYTES, WAIT_SECONDS,
                           progress_path, pushed_ms);
}

/* ffprobe's span of a segment; the one the kill cut has no duration in
 * its header, and ffprobe finds none either. */
static gint64
reader_span_us (const char *path, const EbTestProbe *probe, gboolean killed)
{
  if (killed)
    g_assert_cmpint (eb_test_ffprobe_duration_us (path), ==, 0);
  return eb_test_ffprobe_span_us (path);
}

/* Every segment closed before the kill, in order, plus the one being
 * written, playable, with the durations another reader finds, and at
 * most about one segment's worth lost. */
static void
test_sigkill (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = eb_manifest_session_dir (killed_recordings, SESSION_ID);
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.jsonl", NULL);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;

  before = eb_manifest_read (manifest_path, &error);
  g_assert_no_error (error);
  manifest = eb_media_recover_session (killed_recordings, SESSION_ID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (manifest);
  g_assert_true (manifest->interrupted);
  g_assert_cmpint (manifest->session_id, ==, SESSION_ID);
  g_assert_cmpuint (manifest->tracks->len, ==, N_TRACKS);

  for (guint t = 0; t < N_TRACKS; t++)
    {
      EbRecordedTrack *track = eb_test_find_track (manifest, track_names[t]);
      EbTestRecovered expected = {
        .extension = ".mkv",
        .video_caps = video_caps[t],
        .audio_caps = "audio/x-opus",
        .width = 320,
        .height = 240,
        .tolerance_us = 150000,
        .reader_us = reader_span_us,
      };
      EbRecordedSegment *killed;

      g_assert_nonnull (track);
      g_assert_cmpint (track->person_id, ==, t + 1);
      g_assert_cmpstr (track->video_codec, ==, video_codecs[t]);
      g_assert_cmpstr (track->audio_codec, ==, "opus");
      g_assert_cmpint (track->width, ==, 320);
      g_assert_cmpint (track->height, ==, 240);
      eb_test_assert_closed_segments (track, before);
      eb_test_assert_recovered_segments (track, &expected, pushed_ms[t], SEGMENT_SECONDS);
      killed = g_ptr_array_index (track->segments, track->segments->len - 1);
      g_assert_cmpint (killed->duration_us, <, (SEGMENT_SECONDS + 1) * G_USEC_PER_SEC);
    }
}

/* The segment being written at the kill, cut at other points (as a kill
 * sooner would have left it): each cut is recovered with the duration
 * ffprobe finds in it, after the closed segments; a cut inside the
 * header leaves it out. */
static void
test_cut_segment (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *recordings = g_dir_make_tmp ("eb-recovery-webrtc-XXXXXX", &error);
  g_autofree char *killed_dir = eb_manifest_session_dir (killed_recordings, SESSION_ID);
  g_autofree char *dir = eb_manifest_session_dir (recordings, SESSION_ID);
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.jsonl", NULL);
  g_autofree char *killed_manifest = g_build_filename (killed_dir, "manifest.jsonl", NULL);
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *cut_name = NULL;
  g_autofree char *cut_path = NULL;
  const EbManifestEntry *last = NULL;
  gsize whole_length = 0;
  guint n_closed = 0;
  const double fractions[] = { 0.25, 0.5, 0.75, 0.95 };

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  /* the first track's closed segments and their manifest lines */
  entries = eb_manifest_read (killed_manifest, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      const EbManifestEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *from = g_build_filename (killed_dir, entry->file, NULL);
      g_autofree char *to = g_build_filename (dir, entry->file, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_strcmp0 (entry->track, track_names[0]) != 0)
        continue;
      g_file_get_contents (from, &contents, &length, &error);
      g_assert_no_error (error);
      g_file_set_contents (to, contents, (gssize)length, &error);
      g_assert_no_error (error);
      g_assert_true (eb_manifest_append (manifest_path, entry, &error));
      g_assert_no_error (error);
      last = entry;
      n_closed++;
    }
  g_assert_nonnull (last);
  cut_name = g_strdup_printf ("%s-%05u.mkv", track_names[0], n_closed);
  {
    g_autofree char *from = g_build_filename (killed_dir, cut_name, NULL);

    g_file_get_contents (from, &whole, &whole_length, &error);
    g_assert_no_error (error);
  }
  cut_path = g_build_filename (dir, cut_name, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fractions); i++)
    {
      g_autoptr (EbRecordingManifest) manifest = NULL;
      g_autofree char *sha = NULL;
      gsize size = (gsize)(whole_length * fractions[i]);
      EbRecordedTrack *track;
      EbRecordedSegment *segment;
      gint64 reader_us;

      g_file_set_contents (cut_path, whole, (gssize)size, &error);
      g_assert_no_error (error);
      reader_us = eb_test_ffprobe_span_us (cut_path);
      g_assert_cmpint (reader_us, >, 0);

      manifest = eb_media_recover_session (recordings, SESSION_ID, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (manifest->tracks->len, ==, 1);
      track = g_ptr_array_index (manifest->tracks, 0);
      g_assert_cmpstr (track->name, ==, track_names[0]);
      g_assert_cmpint (track->person_id, ==, 1);
      g_assert_cmpuint (track->segments->len, ==, n_closed + 1);
      segment = g_ptr_array_index (track->segments, n_closed);
      g_test_message ("cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes: %" G_GINT64_FORMAT
                      " us recovered, ffprobe spans %" G_GINT64_FORMAT " us",
                      size, whole_length, segment->duration_us, reader_us);
      g_assert_cmpstr (segment->path, ==, cut_path);
      g_assert_cmpuint (segment->size, ==, size);
      sha = eb_test_sha256_of (cut_path);
      g_assert_cmpstr (segment->sha256, ==, sha);
      g_assert_cmpint (ABS (segment->duration_us - reader_us), <=, 100000);
      g_assert_cmpint (segment->start_offset_us, ==, last->start_offset_us + last->duration_us);
    }

  /* cut inside the header: nothing playable, left out */
  {
    g_autoptr (EbRecordingManifest) manifest = NULL;
    EbRecordedTrack *track;

    g_file_set_contents (cut_path, whole, 100, &error);
    g_assert_no_error (error);
    manifest = eb_media_recover_session (recordings, SESSION_ID, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (manifest->tracks->len, ==, 1);
    track = g_ptr_array_index (manifest->tracks, 0);
    g_assert_cmpuint (track->segments->len, ==, n_closed);
  }
  eb_test_rm_rf (recordings);
}

static void
run_test (gconstpointer data)
{
  GTestFunc func = (GTestFunc)data;
  g_autoptr (GError) error = NULL;

  if (killed_recordings == NULL)
    {
      gst_init (NULL, NULL);
      killed_recordings = g_dir_make_tmp ("eb-recovery-webrtc-XXXXXX", &error);
      g_assert_no_error (error);
      record_and_kill (killed_recordings);
    }
  func ();
}

int
main (int argc, char **argv)
{
  int status;

  if (argc == 4 && g_str_equal (argv[1], "--record-child"))
    return record_child (argv[2], argv[3]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_data_func ("/eboard/media/recovery-webrtc/sigkill", test_sigkill, run_test);
  g_test_add_data_func ("/eboard/media/recovery-webrtc/cut-segment", test_cut_segment, run_test);
  status = g_test_run ();

  if (killed_recordings != NULL)
    eb_test_rm_rf (killed_recordings);
  g_clear_pointer (&killed_recordings, g_free);
  return status;
}
