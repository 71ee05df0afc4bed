/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * WHIP and WHEP on the media plane, with in-process WebRTC clients built
 * on webrtcbin: real encoders (VP8, H.264, Opus) publish, real decoders
 * count what a viewer receives, every recorded segment is read back by
 * GstDiscoverer (in a child process). Loopback only: the plane and the
 * clients gather ICE candidates on 127.0.0.1 alone.
 */

#include "eb-config.h"

#include <string.h>

#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/rtp/rtp.h>

#include "eb-srt-test-util.h"
#include "media/eb-rtp-forward-private.h"

#define SEGMENT_SECONDS 2
#define SESSION 1

static const char *const loopback[] = { "127.0.0.1", NULL };

/* --- the plane --- */

static void
plane_setup (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = NULL;
  EbMediaSettings settings = { 0 };
  const char *source_root = g_getenv ("EB_SOURCE_ROOT");

  fixture->main_thread = g_thread_self ();
  fixture->dir = g_dir_make_tmp ("eb-webrtc-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->recordings_dir = g_build_filename (fixture->dir, "recordings", NULL);
  for (guint i = 0; i < EB_TEST_KEY_LENGTH; i++)
    fixture->key[i] = (guint8)g_random_int ();
  fixture->events = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_media_event_free);

  pipelines = g_build_filename (source_root != NULL ? source_root : ".", "pipelines", NULL);
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

  g_assert_true (
      eb_media_plane_open_conference (fixture->plane, SESSION, g_get_real_time (), &error));
  g_assert_no_error (error);
  for (EbId person = 7; person <= 9; person++)
    eb_media_plane_allow_participant (fixture->plane, SESSION, person, NULL, person == 7, 0);
}

static void
plane_teardown (EbTestPlane *fixture, gconstpointer data)
{
  eb_test_plane_teardown (fixture);
}

/* --- WHIP and WHEP (clients: eb-media-test-util.h) --- */

typedef enum
{
  WHIP,
  WHEP,
} Endpoint;

/* (transfer full) (nullable): the plane's answer to @offer */
static EbWebrtcAnswer *
post (EbTestPlane *fixture, Endpoint endpoint, EbId session_id, EbId person_id, const char *offer,
      GError **error)
{
  return eb_test_webrtc_post (fixture->plane, endpoint == WHEP, session_id, person_id, offer,
                              error);
}

/* The client offers, the plane answers, the client takes the answer. */
static EbWebrtcAnswer *
connect_client (EbTestPlane *fixture, EbTestClient *client, EbId person_id)
{
  return eb_test_client_connect (client, fixture->plane, SESSION, person_id);
}

/* --- reading recordings back --- */

/* Reads every segment of @track back: @video_caps video at 320x240 and
 * 48 kHz Opus; returns the total media duration. */
static GstClockTime
check_track (EbRecordedTrack *track, EbId person_id, const char *video_codec,
             const char *video_caps)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (GArray) infos = NULL;
  GstClockTime total = 0;
  gint64 previous_offset = -1;

  g_assert_nonnull (track);
  g_assert_cmpint (track->person_id, ==, person_id);
  g_assert_cmpstr (track->video_codec, ==, video_codec);
  g_assert_cmpstr (track->audio_codec, ==, "opus");
  g_assert_cmpuint (track->segments->len, >, 0);
  for (guint i = 0; i < track->segments->len; i++)
    {
      EbRecordedSegment *segment = g_ptr_array_index (track->segments, i);
      g_autofree char *base = g_path_get_basename (segment->path);
      g_autofree char *expected = g_strdup_printf ("%s-%05u.mkv", track->name, i);
      GStatBuf st;

      g_test_message ("%s: %s (%" G_GINT64_FORMAT " us at %" G_GINT64_FORMAT " us)", track->name,
                      segment->path, segment->duration_us, segment->start_offset_us);
      /* numbered on across connections, never written twice */
      g_assert_cmpstr (base, ==, expected);
      g_assert_cmpint (g_stat (segment->path, &st), ==, 0);
      g_assert_cmpuint ((guint64)st.st_size, ==, segment->size);
      g_assert_cmpuint (strlen (segment->sha256), ==, 64);
      g_assert_cmpint (segment->start_offset_us, >=, previous_offset);
      previous_offset = segment->start_offset_us;
      g_ptr_array_add (paths, segment->path);
    }
  infos = eb_test_discover (paths);
  for (guint i = 0; i < infos->len; i++)
    {
      EbTestMediaInfo *info = &g_array_index (infos, EbTestMediaInfo, i);

      g_test_message ("%s: segment %u reads as %" GST_TIME_FORMAT " of %s and %s", track->name, i,
                      GST_TIME_ARGS (info->duration), info->video_caps, info->audio_caps);
      EbRecordedSegment *segment = g_ptr_array_index (track->segments, i);

      g_assert_cmpstr (info->video_caps, ==, video_caps);
      g_assert_cmpuint (info->width, ==, 320);
      g_assert_cmpuint (info->height, ==, 240);
      g_assert_cmpstr (info->audio_caps, ==, "audio/x-opus");
      g_assert_cmpint (info->audio_rate, ==, 48000);
      g_assert_cmpuint (info->duration, >, 0);
      /* A last segment of a few milliseconds (a keyframe just before the
       * end) may hold no audio at all, and Matroska's Duration header of
       * such a file has been seen to be wrong: count what the manifest
       * says for it. */
      if (i + 1 == infos->len && segment->duration_us < 100000)
        total += (GstClockTime)segment->duration_us * GST_USECOND;
      else
        total += info->duration;
    }
  return total;
}

static void
assert_within_a_segment (GstClockTime duration, gint64 sent_us)
{
  GstClockTime sent = (GstClockTime)sent_us * GST_USECOND;

  g_test_message ("recorded %" GST_TIME_FORMAT " of %" GST_TIME_FORMAT " sent",
                  GST_TIME_ARGS (duration), GST_TIME_ARGS (sent));
  g_assert_cmpuint (duration + SEGMENT_SECONDS * GST_SECOND, >=, sent);
  g_assert_cmpuint (duration, <=, sent + SEGMENT_SECONDS * GST_SECOND);
}

/* --- tests --- */

/* A browser publishes VP8 and Opus; another views it: its decoded frames
 * keep coming; the recording holds what was sent, readable as VP8 and
 * 48 kHz Opus. */
static void
test_webrtc_publish_view (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTestClient) publisher = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) viewer = eb_test_client_new_viewer (1, 1);
  g_autoptr (EbWebrtcAnswer) published = NULL;
  g_autoptr (EbWebrtcAnswer) viewing = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  gint64 view_started;
  gint64 sent;

  published = connect_client (fixture, publisher, 7);
  g_assert_cmpstr (published->tracks[0], ==, "p7-webrtc");
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STARTED, 7, 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7), ==, 1);

  view_started = g_get_monotonic_time ();
  viewing = connect_client (fixture, viewer, 8);
  /* one entry per m-line: its video and its audio */
  g_assert_cmpuint (g_strv_length (viewing->tracks), ==, 2);
  g_assert_cmpstr (viewing->tracks[0], ==, "p7-webrtc");
  g_assert_cmpstr (viewing->tracks[1], ==, "p7-webrtc");
  /* the picture starts at once: the publisher is asked for a keyframe
   * (it sends one only every 1000 frames on its own) */
  eb_test_client_wait_for_frames (viewer, 1, 1);
  g_test_message ("first frame at the viewer %" G_GINT64_FORMAT " ms after its offer",
                  (g_get_monotonic_time () - view_started) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - view_started, <, 10 * G_USEC_PER_SEC);
  eb_test_client_wait_for_frames (viewer, 30, 50);

  /* segments close as they go */
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_SEGMENT_CLOSED, 7, 1);
  eb_test_run_for (1000);

  sent = eb_test_client_connected_for (publisher);
  manifest = eb_test_close_conference (fixture, SESSION, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->tracks->len, ==, 1);
  assert_within_a_segment (
      check_track (eb_test_find_track (manifest, "p7-webrtc"), 7, "vp8", "video/x-vp8"), sent);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, 7), ==, 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7), ==, 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 8), ==, 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8), ==, 1);
}

static void
assert_refused (EbTestPlane *fixture, Endpoint endpoint, EbId session_id, EbId person_id,
                const char *offer, gint code, const char *message_part)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbWebrtcAnswer) answer
      = post (fixture, endpoint, session_id, person_id, offer, &error);

  g_assert_null (answer);
  g_assert_error (error, EB_ERROR, code);
  g_test_message ("refused: %s", error->message);
  if (message_part != NULL)
    g_assert_nonnull (strstr (error->message, message_part));
}

/* @text with every line that contains @needle removed (@replacement
 * NULL) or that string replaced by @replacement */
static char *
edit_sdp (const char *text, const char *needle, const char *replacement)
{
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *found = strstr (lines[i], needle);

      if (*lines[i] == '\0')
        continue;
      if (found == NULL)
        g_string_append_printf (out, "%s\r\n", lines[i]);
      else if (replacement != NULL)
        {
          g_string_append_len (out, lines[i], found - lines[i]);
          g_string_append_printf (out, "%s%s\r\n", replacement, found + strlen (needle));
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Malformed and unusable offers are refused with a clear error, and
 * leave nothing behind: no event, no file, the conference runs on. */
static void
test_webrtc_refused (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (EbTestClient) publisher = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) viewer = eb_test_client_new_viewer (1, 1);
  g_autofree char *offer = eb_test_client_offer (publisher);
  g_autofree char *view_offer = eb_test_client_offer (viewer);
  g_autofree char *vp9 = edit_sdp (offer, "VP8/90000", "VP9/90000");
  g_autofree char *no_fingerprint = edit_sdp (offer, "a=fingerprint:", NULL);
  g_autofree char *no_ice = edit_sdp (offer, "a=ice-pwd:", NULL);
  g_autofree char *data_channel = g_strconcat (
      offer, "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n", NULL);
  g_autofree char *huge = g_strnfill (70 * 1024, 'x');
  g_autoptr (GString) two_videos = g_string_new (offer);
  g_autoptr (EbWebrtcAnswer) answer = NULL;
  g_autoptr (GError) error = NULL;
  const char *video_mline = strstr (offer, "m=video");
  const char *audio_mline = strstr (offer, "m=audio");

  g_assert_nonnull (video_mline);
  g_assert_nonnull (audio_mline);
  /* the video m-line twice */
  if (video_mline < audio_mline)
    g_string_append_len (two_videos, video_mline, audio_mline - video_mline);
  else
    g_string_append (two_videos, video_mline);

  assert_refused (fixture, WHIP, 99, 7, offer, EB_ERROR_NOT_FOUND, "no live conference");
  assert_refused (fixture, WHIP, SESSION, 20, offer, EB_ERROR_FORBIDDEN, "may not join");
  assert_refused (fixture, WHEP, SESSION, 20, view_offer, EB_ERROR_FORBIDDEN, "may not join");
  assert_refused (fixture, WHIP, SESSION, 7, "", EB_ERROR_INVALID, "empty");
  assert_refused (fixture, WHIP, SESSION, 7, "garbage", EB_ERROR_INVALID, "v=0");
  assert_refused (fixture, WHIP, SESSION, 7, "v=0\r\nthis is not SDP\r\n", EB_ERROR_INVALID, NULL);
  assert_refused (fixture, WHIP, SESSION, 7, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n",
                  EB_ERROR_INVALID, "no m-line");
  assert_refused (fixture, WHIP, SESSION, 7, huge, EB_ERROR_TOO_LARGE, NULL);
  assert_refused (fixture, WHIP, SESSION, 7, vp9, EB_ERROR_INVALID, "VP8 or H.264");
  assert_refused (fixture, WHIP, SESSION, 7, no_fingerprint, EB_ERROR_INVALID, "fingerprint");
  assert_refused (fixture, WHIP, SESSION, 7, no_ice, EB_ERROR_INVALID, "ICE");
  assert_refused (fixture, WHIP, SESSION, 7, data_channel, EB_ERROR_INVALID, "application");
  assert_refused (fixture, WHIP, SESSION, 7, two_videos->str, EB_ERROR_INVALID, "at most one");
  /* a viewer's offer is no publication, and the other way round */
  assert_refused (fixture, WHIP, SESSION, 7, view_offer, EB_ERROR_INVALID, "sends nothing");
  assert_refused (fixture, WHEP, SESSION, 8, offer, EB_ERROR_INVALID, "receives nothing");

  /* nothing happened */
  eb_test_run_for (200);
  g_assert_cmpuint (fixture->events->len, ==, 0);
  {
    g_autofree char *session_dir = g_build_filename (fixture->recordings_dir, "session-1", NULL);
    g_autoptr (GPtrArray) files = eb_test_list_files (session_dir, "");

    g_assert_cmpuint (files->len, ==, 0);
  }

  /* and the conference takes a good offer */
  answer = post (fixture, WHIP, SESSION, 7, offer, &error);
  g_assert_no_error (error);
  eb_test_client_answer (publisher, answer->sdp);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STARTED, 7, 1);
}

static gboolean
both_codecs_decoded (gpointer data)
{
  EbTestClient *viewer = data;
  gint h264_frames = eb_test_client_h264_frames (viewer);

  return h264_frames >= 20 && eb_test_client_video_frames (viewer) - h264_frames >= 20
         && eb_test_client_audio_frames (viewer) >= 100;
}

/* A viewer of a conference where nobody publishes yet is answered with
 * its m-lines inactive, and leaves on DELETE. */
static void
test_webrtc_view_empty (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTestClient) viewer = eb_test_client_new_viewer (1, 1);
  g_autoptr (EbWebrtcAnswer) answer = connect_client (fixture, viewer, 8);

  /* both m-lines inactive */
  g_assert_cmpuint (g_strv_length (answer->tracks), ==, 2);
  g_assert_cmpstr (answer->tracks[0], ==, "");
  g_assert_cmpstr (answer->tracks[1], ==, "");
  g_assert_nonnull (strstr (answer->sdp, "a=inactive"));
  g_assert_null (strstr (answer->sdp, "a=sendonly"));
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 8, 1);
  g_assert_true (
      eb_media_plane_webrtc_delete (fixture->plane, SESSION, 8, answer->resource_id, &error));
  g_assert_no_error (error);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8, 1);
  g_assert_cmpuint (fixture->events->len, ==, 2);
}

/* Two publishers, VP8 and H.264; a viewer offering both codecs on two
 * video and two audio m-lines gets all four streams and decodes them;
 * the H.264 track is recorded as H.264. */
static void
test_webrtc_two_codecs (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTestClient) vp8 = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) h264 = eb_test_client_new_publisher ("h264");
  g_autoptr (EbTestClient) viewer = eb_test_client_new_viewer (2, 2);
  g_autoptr (EbWebrtcAnswer) a7 = NULL;
  g_autoptr (EbWebrtcAnswer) a9 = NULL;
  g_autoptr (EbWebrtcAnswer) a8 = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  gint64 sent7;
  gint64 sent9;

  a7 = connect_client (fixture, vp8, 7);
  a9 = connect_client (fixture, h264, 9);
  g_assert_cmpstr (a9->tracks[0], ==, "p9-webrtc");
  a8 = connect_client (fixture, viewer, 8);
  /* one entry per m-line, in the offer's order */
  g_assert_cmpuint (g_strv_length (a8->tracks), ==, 4);
  g_assert_cmpstr (a8->tracks[0], ==, "p7-webrtc");
  g_assert_cmpstr (a8->tracks[1], ==, "p9-webrtc");
  g_assert_cmpstr (a8->tracks[2], ==, "p7-webrtc");
  g_assert_cmpstr (a8->tracks[3], ==, "p9-webrtc");
  eb_test_wait_until (both_codecs_decoded, viewer, EB_TEST_WAIT_SECONDS, "VP8 and H.264 frames");
  g_test_message ("decoded %d VP8 and %d H.264 frames",
                  eb_test_client_video_frames (viewer) - eb_test_client_h264_frames (viewer),
                  eb_test_client_h264_frames (viewer));
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_SEGMENT_CLOSED, 9, 1);

  sent7 = eb_test_client_connected_for (vp8);
  sent9 = eb_test_client_connected_for (h264);
  manifest = eb_test_close_conference (fixture, SESSION, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->tracks->len, ==, 2);
  assert_within_a_segment (
      check_track (eb_test_find_track (manifest, "p7-webrtc"), 7, "vp8", "video/x-vp8"), sent7);
  assert_within_a_segment (
      check_track (eb_test_find_track (manifest, "p9-webrtc"), 9, "h264", "video/x-h264"), sent9);
}

/* A second publish by the same person replaces the first: the old
 * connection ends, a viewer keeps its picture (from the new one), and
 * the track's segments number on. */
static void
test_webrtc_replace (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTestClient) first = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) second = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) viewer = eb_test_client_new_viewer (1, 1);
  g_autoptr (EbWebrtcAnswer) a1 = NULL;
  g_autoptr (EbWebrtcAnswer) a2 = NULL;
  g_autoptr (EbWebrtcAnswer) a8 = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  EbRecordedTrack *track;

  a1 = connect_client (fixture, first, 7);
  a8 = connect_client (fixture, viewer, 8);
  eb_test_client_wait_for_frames (viewer, 20, 20);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_SEGMENT_CLOSED, 7, 1);

  a2 = connect_client (fixture, second, 7);
  g_assert_cmpstr (a2->resource_id, !=, a1->resource_id);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STARTED, 7, 2);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, 7), ==, 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_TRACK_STARTED, 7), ==, 2);
  /* still there: no leave and join in between */
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7), ==, 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7), ==, 0);
  g_assert_false (
      eb_media_plane_webrtc_delete (fixture->plane, SESSION, 7, a1->resource_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  gst_element_set_state (first->pipeline, GST_STATE_NULL);

  /* the viewer sees the new connection without asking */
  eb_test_client_wait_for_frames (viewer, 30, 30);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_SEGMENT_CLOSED, 7, 3);

  /* someone else cannot end it; its owner can */
  g_assert_false (
      eb_media_plane_webrtc_delete (fixture->plane, SESSION, 8, a2->resource_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (
      eb_media_plane_webrtc_delete (fixture->plane, SESSION, 7, a2->resource_id, &error));
  g_assert_no_error (error);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, 7), ==, 2);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7), ==, 1);

  manifest = eb_test_close_conference (fixture, SESSION, &error);
  g_assert_no_error (error);
  track = eb_test_find_track (manifest, "p7-webrtc");
  g_assert_cmpuint (track->segments->len, >=, 2);
  check_track (track, 7, "vp8", "video/x-vp8");
}

/* A viewer that vanishes (no DELETE, no goodbye) and a malformed offer
 * affect nobody else: the publisher and the other viewer go on. */
static void
test_webrtc_viewer_vanishes (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTestClient) publisher = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) gone = eb_test_client_new_viewer (1, 1);
  g_autoptr (EbTestClient) staying = eb_test_client_new_viewer (1, 1);
  g_autoptr (EbWebrtcAnswer) a7 = NULL;
  g_autoptr (EbWebrtcAnswer) a8 = NULL;
  g_autoptr (EbWebrtcAnswer) a9 = NULL;
  guint segments;

  a7 = connect_client (fixture, publisher, 7);
  a8 = connect_client (fixture, gone, 8);
  a9 = connect_client (fixture, staying, 9);
  eb_test_client_wait_for_frames (gone, 10, 10);
  eb_test_client_wait_for_frames (staying, 10, 10);

  gst_element_set_state (gone->pipeline, GST_STATE_NULL);
  assert_refused (fixture, WHEP, SESSION, 8, "v=0\r\nm=video\r\n", EB_ERROR_INVALID, NULL);
  segments = eb_test_count_events (fixture, EB_MEDIA_EVENT_SEGMENT_CLOSED, 7);
  eb_test_client_wait_for_frames (staying, 45, 100);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_SEGMENT_CLOSED, 7, segments + 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, 7), ==, 0);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_RECORDING_FAILED, 0), ==, 0);

  /* its connection is ended on DELETE (or was already, when noticed) */
  if (!eb_media_plane_webrtc_delete (fixture->plane, SESSION, 8, a8->resource_id, &error))
    g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8, 1);
  eb_test_client_wait_for_frames (staying, 15, 15);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8), ==, 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 9), ==, 0);
}

/* A publisher whose network vanishes is ended on its own (it sends
 * nothing any more) and nobody else notices: the other publisher is
 * still recorded and viewed. */
static void
test_webrtc_publisher_vanishes (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTestClient) gone = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) staying = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) viewer = eb_test_client_new_viewer (2, 2);
  g_autoptr (EbWebrtcAnswer) a7 = NULL;
  g_autoptr (EbWebrtcAnswer) a9 = NULL;
  g_autoptr (EbWebrtcAnswer) a8 = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  gint64 vanished;
  guint segments;

  a7 = connect_client (fixture, gone, 7);
  a9 = connect_client (fixture, staying, 9);
  a8 = connect_client (fixture, viewer, 8);
  g_assert_cmpuint (g_strv_length (a8->tracks), ==, 4);
  eb_test_client_wait_for_frames (viewer, 20, 20);

  gst_element_set_state (gone->pipeline, GST_STATE_NULL);
  vanished = g_get_monotonic_time ();
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, 7, 1);
  g_test_message ("noticed after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - vanished) / 1000);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 1);
  segments = eb_test_count_events (fixture, EB_MEDIA_EVENT_SEGMENT_CLOSED, 9);
  eb_test_client_wait_for_frames (viewer, 20, 20);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_SEGMENT_CLOSED, 9, segments + 1);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, 9), ==, 0);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8), ==, 0);

  manifest = eb_test_close_conference (fixture, SESSION, &error);
  g_assert_no_error (error);
  check_track (eb_test_find_track (manifest, "p7-webrtc"), 7, "vp8", "video/x-vp8");
  check_track (eb_test_find_track (manifest, "p9-webrtc"), 9, "vp8", "video/x-vp8");
}

static gboolean
viewer_left (gpointer data)
{
  return eb_test_count_events (data, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8) > 0;
}

/* (slow) A viewer that vanishes without a DELETE is noticed and ended on
 * its own: ICE keepalives go unanswered (about half a minute). */
static void
test_webrtc_viewer_gone_noticed (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (EbTestClient) publisher = NULL;
  g_autoptr (EbTestClient) gone = NULL;
  g_autoptr (EbWebrtcAnswer) a7 = NULL;
  g_autoptr (EbWebrtcAnswer) a8 = NULL;
  gint64 vanished;

  if (!g_test_slow ())
    {
      g_test_skip ("takes a minute: run with -m slow");
      return;
    }
  publisher = eb_test_client_new_publisher ("vp8");
  gone = eb_test_client_new_viewer (1, 1);
  a7 = connect_client (fixture, publisher, 7);
  a8 = connect_client (fixture, gone, 8);
  eb_test_client_wait_for_frames (gone, 10, 10);
  gst_element_set_state (gone->pipeline, GST_STATE_NULL);
  vanished = g_get_monotonic_time ();
  eb_test_wait_until (viewer_left, fixture, 90, "the vanished viewer to be noticed");
  g_test_message ("noticed after %" G_GINT64_FORMAT " s",
                  (g_get_monotonic_time () - vanished) / G_USEC_PER_SEC);
  g_assert_cmpuint (eb_test_count_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, 7), ==, 0);
}

/* Revoking a participant cuts their WebRTC connections at once. */
static void
test_webrtc_revoke (EbTestPlane *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTestClient) publisher = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbTestClient) viewer = eb_test_client_new_viewer (1, 1);
  g_autoptr (EbTestClient) again = eb_test_client_new_publisher ("vp8");
  g_autoptr (EbWebrtcAnswer) a7 = NULL;
  g_autoptr (EbWebrtcAnswer) a8 = NULL;
  g_autofree char *offer = NULL;
  gint64 revoked;
  gint frames;

  a7 = connect_client (fixture, publisher, 7);
  a8 = connect_client (fixture, viewer, 8);
  eb_test_client_wait_for_frames (viewer, 10, 10);

  /* the viewer first: its stream stops within a second */
  revoked = g_get_monotonic_time ();
  eb_media_plane_revoke_participant (fixture->plane, SESSION, 8);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 8, 1);
  g_assert_cmpint (g_get_monotonic_time () - revoked, <, G_USEC_PER_SEC);
  eb_test_run_for (1000);
  frames = eb_test_client_video_frames (viewer);
  eb_test_run_for (1500);
  g_assert_cmpint (eb_test_client_video_frames (viewer), ==, frames);
  g_assert_false (
      eb_media_plane_webrtc_delete (fixture->plane, SESSION, 8, a8->resource_id, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* then the publisher */
  revoked = g_get_monotonic_time ();
  eb_media_plane_revoke_participant (fixture->plane, SESSION, 7);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_TRACK_STOPPED, 7, 1);
  eb_test_wait_for_events (fixture, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 1);
  g_assert_cmpint (g_get_monotonic_time () - revoked, <, G_USEC_PER_SEC);

  /* and cannot come back */
  offer = eb_test_client_offer (again);
  assert_refused (fixture, WHIP, SESSION, 7, offer, EB_ERROR_FORBIDDEN, "may not join");
}

/* --- forwarding, without a network --- */

static EbRtpFormat *
format_new (EbRtpCodec codec, guint pt, const char *profile)
{
  EbRtpFormat *format = g_new0 (EbRtpFormat, 1);

  format->codec = codec;
  format->video = codec != EB_RTP_CODEC_OPUS;
  format->pt = pt;
  format->clock_rate = codec == EB_RTP_CODEC_OPUS ? 48000 : 90000;
  format->h264_profile = g_strdup (profile);
  format->caps = gst_caps_new_simple ("application/x-rtp", "payload", G_TYPE_INT, (gint)pt, NULL);
  return format;
}

static GstBuffer *
rtp_packet (guint pt, guint16 seq, guint32 ts, guint32 ssrc, const guint8 *payload, gsize length)
{
  GstBuffer *buffer = gst_rtp_buffer_new_allocate ((guint)length, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  gst_rtp_buffer_map (buffer, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_payload_type (&rtp, (guint8)pt);
  gst_rtp_buffer_set_seq (&rtp, seq);
  gst_rtp_buffer_set_timestamp (&rtp, ts);
  gst_rtp_buffer_set_ssrc (&rtp, ssrc);
  gst_rtp_buffer_set_marker (&rtp, TRUE);
  memcpy (gst_rtp_buffer_get_payload (&rtp), payload, length);
  gst_rtp_buffer_unmap (&rtp);
  return buffer;
}

static void
count_request_cb (gpointer user_data)
{
  g_atomic_int_inc ((gint *)user_data);
}

typedef struct
{
  guint pt;
  guint16 seq;
  guint32 ts;
  guint32 ssrc;
  guint8 first_byte;
} Forwarded;

/* The next packet the viewer's appsrc passed on. */
static Forwarded
pull (GstElement *appsink)
{
  g_autoptr (GstSample) sample
      = gst_app_sink_try_pull_sample (GST_APP_SINK (appsink), 5 * GST_SECOND);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  Forwarded out = { 0 };

  g_assert_nonnull (sample);
  g_assert_true (gst_rtp_buffer_map (gst_sample_get_buffer (sample), GST_MAP_READ, &rtp));
  out.pt = gst_rtp_buffer_get_payload_type (&rtp);
  out.seq = gst_rtp_buffer_get_seq (&rtp);
  out.ts = gst_rtp_buffer_get_timestamp (&rtp);
  out.ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  g_assert_cmpuint (gst_rtp_buffer_get_extension (&rtp), ==, FALSE);
  out.first_byte = *(guint8 *)gst_rtp_buffer_get_payload (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  return out;
}

/* A viewer's packets: its payload type and SSRC, numbered on without a
 * gap across publishers, starting at a keyframe, nothing when it cannot
 * decode the codec. */
static void
test_webrtc_forward_rewrite (void)
{
  static const guint8 vp8_delta[] = { 0x10, 0x01, 0xaa };
  static const guint8 vp8_key[] = { 0x10, 0x00, 0x9d, 0x01, 0x2a };
  g_autoptr (EbRtpSource) source = eb_rtp_source_new ("p7-webrtc", TRUE);
  g_autoptr (EbRtpFormat) sent = format_new (EB_RTP_CODEC_VP8, 96, NULL);
  g_autoptr (EbRtpFormat) viewer_vp8 = format_new (EB_RTP_CODEC_VP8, 100, NULL);
  g_autoptr (EbRtpFormat) viewer_h264 = format_new (EB_RTP_CODEC_H264, 102, "baseline");
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) appsrc = NULL;
  g_autoptr (GstElement) appsink = NULL;
  g_autoptr (GstElement) other_src = NULL;
  g_autoptr (EbRtpSink) sink = NULL;
  g_autoptr (EbRtpSink) h264_sink = NULL;
  gint requests = 0;
  guint generation;
  Forwarded out;

  pipeline = gst_parse_launch ("appsrc name=src format=time caps=application/x-rtp"
                               " ! appsink name=sink sync=false async=false"
                               " appsrc name=other format=time caps=application/x-rtp"
                               " ! fakesink sync=false async=false",
                               &error);
  g_assert_no_error (error);
  appsrc = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  appsink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  other_src = gst_bin_get_by_name (GST_BIN (pipeline), "other");
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);

  generation = eb_rtp_source_attach (source, sent, count_request_cb, &requests, NULL);
  sink = eb_rtp_sink_new (appsrc, viewer_vp8, 0x1234, 1024 * 1024, NULL, NULL, NULL);
  h264_sink = eb_rtp_sink_new (other_src, viewer_h264, 0x5678, 1024 * 1024, NULL, NULL, NULL);
  eb_rtp_source_add_sink (source, sink);
  eb_rtp_source_add_sink (source, h264_sink);
  g_assert_cmpint (g_atomic_int_get (&requests), ==, 1);

  /* before the first keyframe: nothing */
  for (guint16 seq = 990; seq < 1000; seq++)
    {
      g_autoptr (GstBuffer) packet
          = rtp_packet (96, seq, 4000, 0xabcd, vp8_delta, sizeof vp8_delta);

      eb_rtp_source_push (source, generation, packet);
    }
  for (guint16 seq = 1000; seq < 1003; seq++)
    {
      g_autoptr (GstBuffer) packet = rtp_packet (96, seq, 5000 + (seq - 1000) * 6000, 0xabcd,
                                                 seq == 1000 ? vp8_key : vp8_delta,
                                                 seq == 1000 ? sizeof vp8_key : sizeof vp8_delta);

      eb_rtp_source_push (source, generation, packet);
    }
  out = pull (appsink);
  g_assert_cmpuint (out.pt, ==, 100);
  g_assert_cmpuint (out.ssrc, ==, 0x1234);
  g_assert_cmpuint (out.seq, ==, 1000);
  g_assert_cmpuint (out.ts, ==, 5000);
  g_assert_cmpuint (out.first_byte, ==, 0x10);
  out = pull (appsink);
  g_assert_cmpuint (out.seq, ==, 1001);
  g_assert_cmpuint (out.ts, ==, 11000);
  out = pull (appsink);
  g_assert_cmpuint (out.seq, ==, 1002);
  g_assert_cmpuint (eb_rtp_sink_get_packets_out (sink), ==, 3);
  /* an H.264 viewer gets nothing of VP8 */
  g_assert_cmpuint (eb_rtp_sink_get_packets_out (h264_sink), ==, 0);

  /* a new connection of the publisher: the viewer's numbering goes on */
  generation = eb_rtp_source_attach (source, sent, count_request_cb, &requests, NULL);
  {
    g_autoptr (GstBuffer) stale = rtp_packet (96, 7, 1, 0xabcd, vp8_key, sizeof vp8_key);
    g_autoptr (GstBuffer) key = rtp_packet (96, 40000, 900000, 0xbeef, vp8_key, sizeof vp8_key);

    /* the old connection's packets are not taken any more */
    eb_rtp_source_push (source, generation - 1, stale);
    eb_rtp_source_push (source, generation, key);
  }
  out = pull (appsink);
  g_assert_cmpuint (out.seq, ==, 1003);
  g_assert_cmpuint (out.ssrc, ==, 0x1234);
  g_assert_cmpuint (out.ts, >, 17000);
  g_assert_cmpuint (eb_rtp_source_get_packets_in (source), ==, 14);

  eb_rtp_source_detach (source, generation);
  g_assert_null (eb_rtp_source_dup_format (source));
  g_assert_true (eb_rtp_source_remove_sink (source, sink));
  g_assert_false (eb_rtp_source_remove_sink (source, sink));
  g_assert_true (eb_rtp_source_remove_sink (source, h264_sink));
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

static void
dropped_cb (EbRtpSink *sink, const char *reason, gpointer user_data)
{
  g_test_message ("dropped: %s", reason);
  g_atomic_int_inc ((gint *)user_data);
}

/* A viewer whose queue overflows is dropped at once; the others and the
 * publisher carry on. */
static void
test_webrtc_forward_slow (void)
{
  static const guint8 opus[64] = { 0x78 };
  g_autoptr (EbRtpSource) source = eb_rtp_source_new ("p7-webrtc", FALSE);
  g_autoptr (EbRtpFormat) format = format_new (EB_RTP_CODEC_OPUS, 111, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) stalled = NULL;
  g_autoptr (GstElement) flowing = NULL;
  g_autoptr (GstElement) stalled_src = NULL;
  g_autoptr (GstElement) flowing_src = NULL;
  g_autoptr (EbRtpSink) slow = NULL;
  g_autoptr (EbRtpSink) fast = NULL;
  gint dropped = 0;
  guint generation;

  /* a live appsrc in PAUSED takes packets and never passes them on */
  stalled = gst_parse_launch ("appsrc name=src is-live=true format=time caps=application/x-rtp"
                              " ! fakesink",
                              &error);
  g_assert_no_error (error);
  flowing = gst_parse_launch ("appsrc name=src format=time caps=application/x-rtp"
                              " ! fakesink sync=false",
                              &error);
  g_assert_no_error (error);
  stalled_src = gst_bin_get_by_name (GST_BIN (stalled), "src");
  flowing_src = gst_bin_get_by_name (GST_BIN (flowing), "src");
  gst_element_set_state (stalled, GST_STATE_PAUSED);
  gst_element_set_state (flowing, GST_STATE_PLAYING);

  generation = eb_rtp_source_attach (source, format, NULL, NULL, NULL);
  slow = eb_rtp_sink_new (stalled_src, format, 1, 2000, dropped_cb, &dropped, NULL);
  fast = eb_rtp_sink_new (flowing_src, format, 2, 1024 * 1024, dropped_cb, &dropped, NULL);
  eb_rtp_source_add_sink (source, slow);
  eb_rtp_source_add_sink (source, fast);
  for (guint16 seq = 0; seq < 200; seq++)
    {
      g_autoptr (GstBuffer) packet = rtp_packet (111, seq, seq * 960u, 9, opus, sizeof opus);

      eb_rtp_source_push (source, generation, packet);
    }
  g_assert_cmpint (g_atomic_int_get (&dropped), ==, 1);
  g_assert_cmpuint (eb_rtp_source_get_n_sinks (source), ==, 1);
  g_assert_false (eb_rtp_source_remove_sink (source, slow));
  g_assert_cmpuint (eb_rtp_sink_get_packets_out (fast), ==, 200);
  g_assert_cmpuint (eb_rtp_sink_get_packets_out (slow), <, 200);
  g_assert_true (eb_rtp_source_remove_sink (source, fast));
  gst_element_set_state (stalled, GST_STATE_NULL);
  gst_element_set_state (flowing, GST_STATE_NULL);
}

/* Where a viewer's picture may start. */
static void
test_webrtc_keyframes (void)
{
  static const guint8 vp8_key[] = { 0x10, 0x00 };
  static const guint8 vp8_key_with_picture_id[] = { 0x90, 0x80, 0x81, 0x23, 0x00 };
  static const guint8 vp8_delta[] = { 0x10, 0x01 };
  static const guint8 vp8_later_partition[] = { 0x00, 0x00 };
  static const guint8 h264_sps[] = { 0x67, 0x42 };
  static const guint8 h264_idr[] = { 0x65, 0x88 };
  static const guint8 h264_slice[] = { 0x41, 0x9a };
  static const guint8 h264_stap_sps[] = { 0x18, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce };
  static const guint8 h264_stap_slice[] = { 0x18, 0x00, 0x02, 0x41, 0x9a };
  static const guint8 h264_stap_broken[] = { 0x18, 0x00, 0x09, 0x67 };
  static const guint8 h264_fu_idr_start[] = { 0x7c, 0x85, 0x00 };
  static const guint8 h264_fu_idr_middle[] = { 0x7c, 0x05, 0x00 };

  g_assert_true (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_VP8, vp8_key, sizeof vp8_key));
  g_assert_true (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_VP8, vp8_key_with_picture_id,
                                                 sizeof vp8_key_with_picture_id));
  g_assert_false (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_VP8, vp8_delta, sizeof vp8_delta));
  g_assert_false (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_VP8, vp8_later_partition,
                                                  sizeof vp8_later_partition));
  g_assert_false (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_VP8, vp8_key, 1));
  g_assert_true (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_sps, sizeof h264_sps));
  g_assert_true (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_idr, sizeof h264_idr));
  g_assert_false (
      eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_slice, sizeof h264_slice));
  g_assert_true (
      eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_stap_sps, sizeof h264_stap_sps));
  g_assert_false (
      eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_stap_slice, sizeof h264_stap_slice));
  g_assert_false (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_stap_broken,
                                                  sizeof h264_stap_broken));
  g_assert_true (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_fu_idr_start,
                                                 sizeof h264_fu_idr_start));
  g_assert_false (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_fu_idr_middle,
                                                  sizeof h264_fu_idr_middle));
  g_assert_false (eb_rtp_payload_starts_keyframe (EB_RTP_CODEC_H264, h264_sps, 0));
}

int
main (int argc, char **argv)
{
  eb_test_discover_child_run (argc, argv);

  /* before g_test_init(), which moves the user folders per test case */
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/media/webrtc/keyframes", test_webrtc_keyframes);
  g_test_add_func ("/eboard/media/webrtc/forward-rewrite", test_webrtc_forward_rewrite);
  g_test_add_func ("/eboard/media/webrtc/forward-slow-viewer", test_webrtc_forward_slow);
  g_test_add ("/eboard/media/webrtc/publish-view", EbTestPlane, NULL, plane_setup,
              test_webrtc_publish_view, plane_teardown);
  g_test_add ("/eboard/media/webrtc/refused", EbTestPlane, NULL, plane_setup, test_webrtc_refused,
              plane_teardown);
  g_test_add ("/eboard/media/webrtc/view-empty", EbTestPlane, NULL, plane_setup,
              test_webrtc_view_empty, plane_teardown);
  g_test_add ("/eboard/media/webrtc/two-codecs", EbTestPlane, NULL, plane_setup,
              test_webrtc_two_codecs, plane_teardown);
  g_test_add ("/eboard/media/webrtc/replace", EbTestPlane, NULL, plane_setup, test_webrtc_replace,
              plane_teardown);
  g_test_add ("/eboard/media/webrtc/viewer-vanishes", EbTestPlane, NULL, plane_setup,
              test_webrtc_viewer_vanishes, plane_teardown);
  g_test_add ("/eboard/media/webrtc/publisher-vanishes", EbTestPlane, NULL, plane_setup,
              test_webrtc_publisher_vanishes, plane_teardown);
  g_test_add ("/eboard/media/webrtc/revoke", EbTestPlane, NULL, plane_setup, test_webrtc_revoke,
              plane_teardown);
  g_test_add ("/eboard/media/webrtc/viewer-gone-noticed", EbTestPlane, NULL, plane_setup,
              test_webrtc_viewer_gone_noticed, plane_teardown);
  return g_test_run ();
}
