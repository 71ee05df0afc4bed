/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

#include "eb-media-test-util.h"
#include "eb-srt-test-util.h"

char *
eb_test_pipelines_dir (void)
{
  const char *root = g_getenv ("EB_SOURCE_ROOT");

  if (root != NULL)
    return g_build_filename (root, "pipelines", NULL);
  return g_strdup (EB_SOURCE_PIPELINESDIR);
}

char *
eb_test_make_stream (const char *dir, const char *name, guint seconds, const char *video_codec,
                     const char *bitrate, const char *audio_codec, gboolean low_latency)
{
  return eb_test_make_stream_full (dir, name, seconds, video_codec, bitrate, audio_codec,
                                   low_latency, NULL);
}

char *
eb_test_make_stream_full (const char *dir, const char *name, guint seconds, const char *video_codec,
                          const char *bitrate, const char *audio_codec, gboolean low_latency,
                          const char *const *muxer_options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autofree char *duration = g_strdup_printf ("%u", seconds);
  char *path = g_build_filename (dir, name, NULL);
  gint status = 0;

  g_strv_builder_add_many (builder, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f",
                           "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i",
                           "sine=frequency=440:sample_rate=48000", "-t", duration, "-c:v",
                           video_codec, NULL);
  if (low_latency)
    g_strv_builder_add_many (builder, "-preset", "ultrafast", "-tune", "zerolatency", NULL);
  g_strv_builder_add_many (builder, "-g", "30", "-b:v", bitrate, "-maxrate", bitrate, "-bufsize",
                           "1M", "-pix_fmt", "yuv420p", "-c:a", audio_codec, NULL);
  if (muxer_options != NULL)
    g_strv_builder_addv (builder, (const char **)muxer_options);
  g_strv_builder_add_many (builder, "-f", "mpegts", path, NULL);
  argv = g_strv_builder_end (builder);

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return path;
}

void
eb_test_probe_clear (EbTestProbe *probe)
{
  g_clear_pointer (&probe->video_caps, g_free);
  g_clear_pointer (&probe->audio_caps, g_free);
}

/* (transfer full) (nullable): what ffprobe prints of @entries of @path,
 * or %NULL when it cannot read the file. */
static char *
run_ffprobe (const char *path, const char *entries)
{
  const char *argv[]
      = { "ffprobe", "-v", "error", "-show_entries", entries, "-of", "csv=p=0", path, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  gint status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_steal_pointer (&out);
}

gint64
eb_test_ffprobe_duration_us (const char *path)
{
  g_autofree char *out = run_ffprobe (path, "format=duration");

  if (out == NULL)
    return -1;
  g_strstrip (out);
  if (!g_ascii_isdigit (*out))
    return 0;
  return (gint64)(g_ascii_strtod (out, NULL) * G_USEC_PER_SEC);
}

gint64
eb_test_ffprobe_span_us (const char *path)
{
  g_autofree char *out = run_ffprobe (path, "packet=pts_time,duration_time");
  g_auto (GStrv) lines = NULL;
  gdouble first = G_MAXDOUBLE;
  gdouble end = -G_MAXDOUBLE;

  if (out == NULL)
    return -1;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], ",", -1);
      gdouble pts;
      gdouble duration = 0;

      if (fields[0] == NULL || !(g_ascii_isdigit (*fields[0]) || *fields[0] == '-'))
        continue;
      pts = g_ascii_strtod (fields[0], NULL);
      if (fields[1] != NULL && g_ascii_isdigit (*fields[1]))
        duration = g_ascii_strtod (fields[1], NULL);
      first = MIN (first, pts);
      end = MAX (end, pts + duration);
    }
  if (end <= first)
    return 0;
  return (gint64)((end - first) * G_USEC_PER_SEC);
}

EbRecordedTrack *
eb_test_find_track (EbRecordingManifest *manifest, const char *name)
{
  for (guint i = 0; i < manifest->tracks->len; i++)
    {
      EbRecordedTrack *track = g_ptr_array_index (manifest->tracks, i);

      if (g_strcmp0 (track->name, name) == 0)
        return track;
    }
  return NULL;
}

gboolean
eb_test_probe_file (const char *path, EbTestProbe *probe)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  GstDiscovererInfo *info;
  GList *streams;
  gboolean ok;

  g_assert_no_error (error);
  memset (probe, 0, sizeof *probe);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  ok = info != NULL && gst_discoverer_info_get_result (info) == GST_DISCOVERER_OK;
  if (!ok)
    {
      g_test_message ("%s: %s", path, error != NULL ? error->message : "unreadable");
      g_clear_object (&info);
      return FALSE;
    }
  probe->duration_us = (gint64)(gst_discoverer_info_get_duration (info) / GST_USECOND);
  streams = gst_discoverer_info_get_video_streams (info);
  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      probe->video_caps = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
      probe->width = gst_discoverer_video_info_get_width (streams->data);
      probe->height = gst_discoverer_video_info_get_height (streams->data);
    }
  gst_discoverer_stream_info_list_free (streams);
  streams = gst_discoverer_info_get_audio_streams (info);
  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      probe->audio_caps = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
    }
  gst_discoverer_stream_info_list_free (streams);
  gst_discoverer_info_unref (info);
  return TRUE;
}

char *
eb_test_sha256_of (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
eb_test_list_files (const char *dir, const char *suffix)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return files;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      if (g_str_has_suffix (name, suffix))
        g_ptr_array_add (files, g_build_filename (dir, name, NULL));
    }
  g_ptr_array_sort (files, compare_paths);
  return files;
}

void
eb_test_rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            eb_test_rm_rf (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

/* --- reading recordings back in a child process --- */

#define DISCOVER_OPTION "--discover"

void
eb_test_media_info_clear (EbTestMediaInfo *info)
{
  g_clear_pointer (&info->video_caps, g_free);
  g_clear_pointer (&info->audio_caps, g_free);
}

/* Prints what @info holds of its streams, one key=value a line. */
static void
print_streams (GstDiscovererInfo *info)
{
  GList *streams = gst_discoverer_info_get_video_streams (info);

  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      g_print ("video=%s\nwidth=%u\nheight=%u\n",
               gst_structure_get_name (gst_caps_get_structure (caps, 0)),
               gst_discoverer_video_info_get_width (streams->data),
               gst_discoverer_video_info_get_height (streams->data));
    }
  gst_discoverer_stream_info_list_free (streams);
  streams = gst_discoverer_info_get_audio_streams (info);
  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      g_print ("audio=%s\nrate=%u\n", gst_structure_get_name (gst_caps_get_structure (caps, 0)),
               gst_discoverer_audio_info_get_sample_rate (streams->data));
    }
  gst_discoverer_stream_info_list_free (streams);
}

/* In the child: prints what GstDiscoverer finds in each file, one
 * key=value a line, a line "end" after each file. */
static int
discover_child (const char *const *paths)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = NULL;

  gst_init (NULL, NULL);
  discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  if (discoverer == NULL)
    return 1;
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr (GstDiscovererInfo) result = NULL;
      g_autofree char *uri = g_filename_to_uri (paths[i], NULL, NULL);

      if (uri == NULL)
        return 1;
      result = gst_discoverer_discover_uri (discoverer, uri, NULL);
      if (result == NULL || gst_discoverer_info_get_result (result) != GST_DISCOVERER_OK)
        return 1;
      g_print ("duration=%" G_GUINT64_FORMAT "\n", gst_discoverer_info_get_duration (result));
      print_streams (result);
      g_print ("end\n");
    }
  return 0;
}

void
eb_test_discover_child_run (int argc, char **argv)
{
  int status;

  if (argc < 3 || !g_str_equal (argv[1], DISCOVER_OPTION))
    return;
  status = discover_child ((const char *const *)argv + 2);
  fflush (stdout);
  _exit (status);
}

/* Adds what the child printed in @line to @info; TRUE at the end of a
 * file. */
static gboolean
parse_info_line (const char *line, EbTestMediaInfo *info)
{
  const char *value = strchr (line, '=') != NULL ? strchr (line, '=') + 1 : NULL;

  if (g_str_has_prefix (line, "duration="))
    info->duration = g_ascii_strtoull (value, NULL, 10);
  else if (g_str_has_prefix (line, "video="))
    info->video_caps = g_strdup (value);
  else if (g_str_has_prefix (line, "width="))
    info->width = (guint)g_ascii_strtoull (value, NULL, 10);
  else if (g_str_has_prefix (line, "height="))
    info->height = (guint)g_ascii_strtoull (value, NULL, 10);
  else if (g_str_has_prefix (line, "audio="))
    info->audio_caps = g_strdup (value);
  else if (g_str_has_prefix (line, "rate="))
    info->audio_rate = (gint)g_ascii_strtoll (value, NULL, 10);
  return g_str_equal (line, "end");
}

/* (transfer full): what the child prints for @paths */
static char *
run_discover_child (GPtrArray *paths)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  char *output = NULL;

  g_ptr_array_add (argv, (gpointer) "/proc/self/exe");
  g_ptr_array_add (argv, (gpointer)DISCOVER_OPTION);
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (paths, i));
  g_ptr_array_add (argv, NULL);
  child = g_subprocess_newv ((const char *const *)argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  return output;
}

GArray *
eb_test_discover (GPtrArray *paths)
{
  g_autofree char *output = run_discover_child (paths);
  g_auto (GStrv) lines = g_strsplit (output, "\n", -1);
  GArray *infos = g_array_new (FALSE, TRUE, sizeof (EbTestMediaInfo));
  EbTestMediaInfo info = { 0 };

  g_array_set_clear_func (infos, (GDestroyNotify)eb_test_media_info_clear);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (parse_info_line (lines[i], &info))
        {
          g_array_append_val (infos, info);
          memset (&info, 0, sizeof info);
        }
    }
  g_assert_cmpuint (infos->len, ==, paths->len);
  return infos;
}

/* --- in-process WebRTC clients --- */

/* webrtcbin's thread */
static void
client_connection_state_cb (GstElement *webrtcbin, GParamSpec *pspec, EbTestClient *client)
{
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtcbin, "connection-state", &state, NULL);
  g_mutex_lock (&client->lock);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED && client->connected_at == 0)
    client->connected_at = g_get_monotonic_time ();
  g_mutex_unlock (&client->lock);
}

gint64
eb_test_client_connected_for (EbTestClient *client)
{
  gint64 at;

  g_mutex_lock (&client->lock);
  at = client->connected_at;
  g_mutex_unlock (&client->lock);
  g_assert_cmpint (at, >, 0);
  return g_get_monotonic_time () - at;
}

static gboolean
add_loopback (GstElement *webrtcbin)
{
  g_autoptr (GObject) agent = NULL;
  g_autoptr (GObject) nice = NULL;
  gboolean added = FALSE;

  g_object_get (webrtcbin, "ice-agent", &agent, NULL);
  /* loopback only: no UPnP discovery either */
  g_object_get (agent, "agent", &nice, NULL);
  g_object_set (nice, "upnp", FALSE, NULL);
  g_signal_emit_by_name (agent, "add-local-ip-address", "127.0.0.1", &added);
  return added;
}

static GstPadProbeReturn
count_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  g_atomic_int_inc ((gint *)user_data);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_h264_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbTestClient *client = user_data;

  g_atomic_int_inc (&client->video_frames);
  g_atomic_int_inc (&client->h264_frames);
  return GST_PAD_PROBE_OK;
}

/* A viewer's received stream: depayloaded, decoded, counted. */
static void
client_pad_added_cb (GstElement *webrtcbin, GstPad *pad, EbTestClient *client)
{
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstPad) sink_pad = NULL;
  g_autoptr (GstPad) count_pad = NULL;
  const GstStructure *structure;
  const char *encoding;
  const char *description;
  GstElement *bin;
  gint *counter;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  caps = gst_pad_get_current_caps (pad);
  g_assert_nonnull (caps);
  structure = gst_caps_get_structure (caps, 0);
  encoding = gst_structure_get_string (structure, "encoding-name");
  if (g_strcmp0 (encoding, "VP8") == 0)
    description = "rtpvp8depay ! vp8dec ! fakesink name=count sync=false";
  else if (g_strcmp0 (encoding, "H264") == 0)
    description = "rtph264depay ! avdec_h264 ! fakesink name=count sync=false";
  else
    description = "rtpopusdepay ! opusdec ! fakesink name=count sync=false";
  counter = g_strcmp0 (encoding, "OPUS") == 0 ? &client->audio_frames : &client->video_frames;
  bin = gst_parse_bin_from_description (description, TRUE, &error);
  g_assert_no_error (error);
  gst_bin_add (GST_BIN (client->pipeline), bin);
  {
    g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (bin), "count");

    count_pad = gst_element_get_static_pad (sink, "sink");
  }
  if (g_strcmp0 (encoding, "H264") == 0)
    gst_pad_add_probe (count_pad, GST_PAD_PROBE_TYPE_BUFFER, count_h264_probe_cb, client, NULL);
  else
    gst_pad_add_probe (count_pad, GST_PAD_PROBE_TYPE_BUFFER, count_probe_cb, counter, NULL);
  gst_element_sync_state_with_parent (bin);
  sink_pad = gst_element_get_static_pad (bin, "sink");
  g_assert_cmpint (gst_pad_link (pad, sink_pad), ==, GST_PAD_LINK_OK);
}

static EbTestClient *
client_alloc (void)
{
  EbTestClient *client = g_new0 (EbTestClient, 1);

  g_mutex_init (&client->lock);
  return client;
}

EbTestClient *
eb_test_client_new_publisher (const char *video)
{
  EbTestClient *client = client_alloc ();
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  const char *encoder;

  if (g_strcmp0 (video, "h264") == 0)
    encoder = "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=1000 bitrate=300"
              " ! video/x-h264,profile=constrained-baseline"
              " ! rtph264pay config-interval=-1 aggregate-mode=zero-latency"
              " ! application/x-rtp,media=video,encoding-name=H264,payload=102,"
              "packetization-mode=(string)1";
  else
    encoder = "vp8enc deadline=1 cpu-used=8 keyframe-max-dist=1000 target-bitrate=300000"
              " ! rtpvp8pay ! application/x-rtp,media=video,encoding-name=VP8,payload=96";
  description = g_strdup_printf (
      "webrtcbin name=webrtc bundle-policy=max-bundle"
      " videotestsrc is-live=true pattern=ball"
      " ! video/x-raw,width=320,height=240,framerate=15/1,format=I420 ! %s ! webrtc."
      " audiotestsrc is-live=true wave=ticks ! audioconvert ! audioresample ! opusenc"
      " ! rtpopuspay ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc.",
      encoder);
  client->pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  client->webrtcbin = gst_bin_get_by_name (GST_BIN (client->pipeline), "webrtc");
  g_assert_true (add_loopback (client->webrtcbin));
  g_signal_connect (client->webrtcbin, "notify::connection-state",
                    G_CALLBACK (client_connection_state_cb), client);
  return client;
}

EbTestClient *
eb_test_client_new_viewer_offering (guint n_video, guint n_audio, const char *video_caps)
{
  EbTestClient *client = client_alloc ();
  g_autoptr (GstCaps) video = gst_caps_from_string (video_caps);
  g_autoptr (GstCaps) audio = gst_caps_from_string (
      "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
      "encoding-params=(string)2");

  g_assert_nonnull (video);
  client->viewer = TRUE;
  client->pipeline = gst_pipeline_new (NULL);
  client->webrtcbin = gst_element_factory_make ("webrtcbin", NULL);
  gst_util_set_object_arg (G_OBJECT (client->webrtcbin), "bundle-policy", "max-bundle");
  gst_bin_add (GST_BIN (client->pipeline), gst_object_ref (client->webrtcbin));
  g_assert_true (add_loopback (client->webrtcbin));
  g_signal_connect (client->webrtcbin, "pad-added", G_CALLBACK (client_pad_added_cb), client);
  for (guint i = 0; i < n_video + n_audio; i++)
    {
      GstWebRTCRTPTransceiver *transceiver = NULL;

      g_signal_emit_by_name (client->webrtcbin, "add-transceiver",
                             GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY,
                             i < n_video ? video : audio, &transceiver);
      g_assert_nonnull (transceiver);
      gst_object_unref (transceiver);
    }
  return client;
}

EbTestClient *
eb_test_client_new_viewer (guint n_video, guint n_audio)
{
  return eb_test_client_new_viewer_offering (
      n_video, n_audio,
      "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000;"
      "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000,"
      "packetization-mode=(string)1,profile-level-id=(string)42e01f");
}

void
eb_test_client_free (EbTestClient *client)
{
  gst_element_set_state (client->pipeline, GST_STATE_NULL);
  g_mutex_clear (&client->lock);
  gst_object_unref (client->webrtcbin);
  gst_object_unref (client->pipeline);
  g_free (client);
}

static const GstStructure *
wait_promise (GstPromise *promise)
{
  g_assert_cmpint (gst_promise_wait (promise), ==, GST_PROMISE_RESULT_REPLIED);
  return gst_promise_get_reply (promise);
}

static gboolean
gathering_complete (gpointer data)
{
  GstWebRTCICEGatheringState state;

  g_object_get (data, "ice-gathering-state", &state, NULL);
  return state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE;
}

char *
eb_test_client_offer (EbTestClient *client)
{
  g_autoptr (GstPromise) promise = gst_promise_new ();
  g_autoptr (GstPromise) set = gst_promise_new ();
  GstWebRTCSessionDescription *offer = NULL;
  GstWebRTCSessionDescription *local = NULL;
  char *text;

  g_assert_cmpint (gst_element_set_state (client->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  if (!client->viewer)
    {
      g_autoptr (GArray) transceivers = NULL;

      /* WHIP publishes only */
      g_signal_emit_by_name (client->webrtcbin, "get-transceivers", &transceivers);
      for (guint i = 0; i < transceivers->len; i++)
        g_object_set (g_array_index (transceivers, GstWebRTCRTPTransceiver *, i), "direction",
                      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, NULL);
    }
  g_signal_emit_by_name (client->webrtcbin, "create-offer", NULL, promise);
  gst_structure_get (wait_promise (promise), "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer,
                     NULL);
  g_assert_nonnull (offer);
  g_signal_emit_by_name (client->webrtcbin, "set-local-description", offer, set);
  wait_promise (set);
  gst_webrtc_session_description_free (offer);
  eb_test_wait_until (gathering_complete, client->webrtcbin, EB_TEST_WAIT_SECONDS,
                      "the client's ICE gathering");
  g_object_get (client->webrtcbin, "local-description", &local, NULL);
  text = gst_sdp_message_as_text (local->sdp);
  gst_webrtc_session_description_free (local);
  return text;
}

void
eb_test_client_answer (EbTestClient *client, const char *text)
{
  g_autoptr (GstPromise) promise = gst_promise_new ();
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *answer;
  const GstStructure *reply;

  g_assert_cmpint (gst_sdp_message_new_from_text (text, &sdp), ==, GST_SDP_OK);
  answer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
  g_signal_emit_by_name (client->webrtcbin, "set-remote-description", answer, promise);
  reply = wait_promise (promise);
  g_assert_true (reply == NULL || !gst_structure_has_field (reply, "error"));
  gst_webrtc_session_description_free (answer);
}

gint
eb_test_client_video_frames (EbTestClient *client)
{
  return g_atomic_int_get (&client->video_frames);
}

gint
eb_test_client_audio_frames (EbTestClient *client)
{
  return g_atomic_int_get (&client->audio_frames);
}

gint
eb_test_client_h264_frames (EbTestClient *client)
{
  return g_atomic_int_get (&client->h264_frames);
}

typedef struct
{
  EbTestClient *client;
  gint video;
  gint audio;
} FrameWait;

static gboolean
frames_reached (gpointer data)
{
  FrameWait *wait = data;

  return eb_test_client_video_frames (wait->client) >= wait->video
         && eb_test_client_audio_frames (wait->client) >= wait->audio;
}

void
eb_test_client_wait_for_frames (EbTestClient *client, gint video, gint audio)
{
  FrameWait wait = { client, eb_test_client_video_frames (client) + video,
                     eb_test_client_audio_frames (client) + audio };

  eb_test_wait_until (frames_reached, &wait, EB_TEST_WAIT_SECONDS, "decoded frames");
}

EbWebrtcAnswer *
eb_test_webrtc_post (EbMediaPlane *plane, gboolean whep, EbId session_id, EbId person_id,
                     const char *offer, GError **error)
{
  EbTestAsync async = { NULL };
  EbWebrtcAnswer *answer;

  if (!whep)
    eb_media_plane_whip_publish_async (plane, session_id, person_id, offer, NULL, eb_test_async_cb,
                                       &async);
  else
    eb_media_plane_whep_view_async (plane, session_id, person_id, offer, NULL, eb_test_async_cb,
                                    &async);
  eb_test_wait_until (eb_test_async_done, &async, EB_TEST_WAIT_SECONDS, "the answer");
  if (!whep)
    answer = eb_media_plane_whip_publish_finish (plane, async.result, error);
  else
    answer = eb_media_plane_whep_view_finish (plane, async.result, error);
  g_object_unref (async.result);
  return answer;
}

EbWebrtcAnswer *
eb_test_client_connect (EbTestClient *client, EbMediaPlane *plane, EbId session_id, EbId person_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *offer = eb_test_client_offer (client);
  EbWebrtcAnswer *answer;
  gint64 started = g_get_monotonic_time ();

  answer = eb_test_webrtc_post (plane, client->viewer, session_id, person_id, offer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_test_message ("%s of person %" G_GINT64_FORMAT " answered in %" G_GINT64_FORMAT " ms: %s",
                  client->viewer ? "WHEP" : "WHIP", person_id,
                  (g_get_monotonic_time () - started) / 1000, answer->resource_id);
  g_assert_cmpuint (strlen (answer->resource_id), >=, 32);
  g_assert_nonnull (strstr (answer->sdp, "a=candidate:"));
  g_assert_nonnull (strstr (answer->sdp, "127.0.0.1"));
  eb_test_client_answer (client, answer->sdp);
  return answer;
}
