/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-webrtc-client.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

/* The longest ICE gathering on loopback may take. */
#define GATHERING_TIMEOUT_S 10
/* The subscribers' jitterbuffer: none, so that the first frame is timed
 * when it arrives (loopback does not reorder). */
#define SUBSCRIBER_LATENCY_MS 0
/* The publisher's streaming threads run at this nice value (when
 * allowed): its encoders stand for a camera on another machine and must
 * not starve on a loaded one. */
#define PUBLISHER_NICE -10

struct _BenchClient
{
  char *name;
  GstElement *pipeline;
  GstElement *webrtcbin;
  gboolean publisher;
  gint boosted; /* atomic: publisher threads given PUBLISHER_NICE */

  BenchTransit *transit; /* nullable */

  /* any thread */
  GMutex lock;
  BenchCounts counts;
  GArray *transits; /* double, ms; subscribers */
  guint unmatched;
  gboolean connected;
  GError *error;
};

const char *
bench_client_get_name (BenchClient *client)
{
  return client->name;
}

guint
bench_client_get_boosted (BenchClient *client)
{
  return (guint)g_atomic_int_get (&client->boosted);
}

/* --- counting (streaming threads) --- */

/* A video packet sent (publisher) or received (subscriber): the first of
 * a frame has its departure noted, or its transit measured. */
static void
note_transit (BenchClient *client, GstBuffer *buffer)
{
  gint64 now = g_get_monotonic_time ();
  gint picture_id;
  gint64 sent_at;

  if (client->transit == NULL || (picture_id = bench_vp8_picture_id (buffer)) < 0)
    return;
  if (client->publisher)
    {
      bench_transit_note_sent (client->transit, picture_id, now);
      return;
    }
  sent_at = bench_transit_sent_at (client->transit, picture_id);
  g_mutex_lock (&client->lock);
  if (sent_at > 0 && sent_at <= now)
    {
      double ms = (double)(now - sent_at) / 1000;

      g_array_append_val (client->transits, ms);
    }
  else
    client->unmatched++;
  g_mutex_unlock (&client->lock);
}

static GstPadProbeReturn
packet_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  BenchClient *client = user_data;
  gboolean video = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (pad), "bench-video"));
  guint n = 1;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    {
      GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);

      n = gst_buffer_list_length (list);
      for (guint i = 0; video && i < n; i++)
        note_transit (client, gst_buffer_list_get (list, i));
    }
  else if (video)
    note_transit (client, GST_PAD_PROBE_INFO_BUFFER (info));
  g_mutex_lock (&client->lock);
  if (video)
    client->counts.video_packets += n;
  else
    client->counts.audio_packets += n;
  if (video && client->counts.first_packet_us == 0)
    client->counts.first_packet_us = g_get_monotonic_time ();
  g_mutex_unlock (&client->lock);
  return GST_PAD_PROBE_OK;
}

/* One encoded (publisher) or depayloaded (subscriber) video frame. */
static GstPadProbeReturn
video_frame_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  BenchClient *client = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  gboolean keyframe = !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT);

  g_mutex_lock (&client->lock);
  client->counts.video_frames++;
  client->counts.video_bytes += gst_buffer_get_size (buffer);
  if (keyframe)
    {
      client->counts.video_keyframes++;
      if (client->counts.first_keyframe_us == 0)
        client->counts.first_keyframe_us = g_get_monotonic_time ();
    }
  g_mutex_unlock (&client->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
audio_frame_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  BenchClient *client = user_data;

  g_mutex_lock (&client->lock);
  client->counts.audio_frames++;
  g_mutex_unlock (&client->lock);
  return GST_PAD_PROBE_OK;
}

static void
probe_element_pad (GstElement *element, const char *pad_name, GstPadProbeType type,
                   GstPadProbeCallback callback, BenchClient *client, gboolean video)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (element, pad_name);

  g_object_set_data (G_OBJECT (pad), "bench-video", GINT_TO_POINTER (video));
  gst_pad_add_probe (pad, type, callback, client, NULL);
}

/* A new streaming thread of the publisher, in that thread. */
static void
boost_thread (BenchClient *client, GstMessage *message)
{
  GstStreamStatusType type;
  GstElement *owner = NULL;

  gst_message_parse_stream_status (message, &type, &owner);
  if (type == GST_STREAM_STATUS_TYPE_ENTER
      && setpriority (PRIO_PROCESS, (id_t)syscall (SYS_gettid), PUBLISHER_NICE) == 0)
    g_atomic_int_inc (&client->boosted);
}

/* Any thread: keeps the first error, raises the publisher's streaming
 * threads, drops every other message (nothing reads the bus). */
static GstBusSyncReply
bus_sync_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  BenchClient *client = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_STREAM_STATUS && client->publisher)
    boost_thread (client, message);
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      g_mutex_lock (&client->lock);
      if (client->error == NULL)
        client->error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s (%s)", client->name,
                                     error->message, debug != NULL ? debug : "");
      g_mutex_unlock (&client->lock);
    }
  return GST_BUS_DROP;
}

static void
connection_state_cb (GstElement *webrtcbin, GParamSpec *pspec, BenchClient *client)
{
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtcbin, "connection-state", &state, NULL);
  g_mutex_lock (&client->lock);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    client->connected = TRUE;
  else if (state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED && client->error == NULL)
    client->error
        = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s: the connection failed", client->name);
  g_mutex_unlock (&client->lock);
}

/* --- building --- */

/* Loopback only: libnice skips loopback interfaces unless told, and with
 * an address given it gathers on that one alone; no UPnP either. */
static gboolean
use_loopback (GstElement *webrtcbin)
{
  g_autoptr (GObject) agent = NULL;
  g_autoptr (GObject) nice = NULL;
  gboolean added = FALSE;

  g_object_get (webrtcbin, "ice-agent", &agent, NULL);
  g_object_get (agent, "agent", &nice, NULL);
  g_object_set (nice, "upnp", FALSE, NULL);
  g_signal_emit_by_name (agent, "add-local-ip-address", "127.0.0.1", &added);
  return added;
}

static BenchClient *
client_alloc (const char *name, GstElement *pipeline, GError **error)
{
  BenchClient *client = g_new0 (BenchClient, 1);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);

  client->name = g_strdup (name);
  client->pipeline = pipeline;
  client->transits = g_array_new (FALSE, FALSE, sizeof (double));
  g_mutex_init (&client->lock);
  gst_bus_set_sync_handler (bus, bus_sync_cb, client, NULL);
  client->webrtcbin = gst_bin_get_by_name (GST_BIN (pipeline), "webrtc");
  g_object_set (client->webrtcbin, "latency", SUBSCRIBER_LATENCY_MS, NULL);
  gst_util_set_object_arg (G_OBJECT (client->webrtcbin), "bundle-policy", "max-bundle");
  g_signal_connect (client->webrtcbin, "notify::connection-state", G_CALLBACK (connection_state_cb),
                    client);
  if (!use_loopback (client->webrtcbin))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot gather on 127.0.0.1", name);
      bench_client_free (client);
      return NULL;
    }
  return client;
}

BenchClient *
bench_client_new_publisher (const char *name, const BenchVideo *video, BenchTransit *transit,
                            GError **error)
{
  g_autofree char *description = NULL;
  GstElement *pipeline;
  BenchClient *client;

  /* moving colour bars: detail and motion enough for the encoder to use
   * its bitrate; a keyframe only when asked (or every 100 s) */
  description = g_strdup_printf (
      "webrtcbin name=webrtc"
      " videotestsrc is-live=true pattern=smpte horizontal-speed=4"
      " ! video/x-raw,width=%u,height=%u,framerate=%u/1,format=I420"
      " ! vp8enc name=venc deadline=1 cpu-used=8 end-usage=cbr target-bitrate=%u"
      " keyframe-max-dist=3000 threads=1"
      " ! rtpvp8pay name=vpay picture-id-mode=15-bit mtu=1200"
      " ! application/x-rtp,media=video,encoding-name=VP8,payload=96 ! webrtc."
      " audiotestsrc is-live=true wave=ticks ! audioconvert ! audioresample"
      " ! opusenc name=aenc bitrate=48000 ! rtpopuspay name=apay mtu=1200"
      " ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc.",
      video->width, video->height, video->fps, video->video_kbps * 1000);
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return NULL;
  client = client_alloc (name, pipeline, error);
  if (client == NULL)
    return NULL;
  client->publisher = TRUE;
  client->transit = bench_transit_ref (transit);
  {
    g_autoptr (GstElement) venc = gst_bin_get_by_name (GST_BIN (pipeline), "venc");
    g_autoptr (GstElement) vpay = gst_bin_get_by_name (GST_BIN (pipeline), "vpay");
    g_autoptr (GstElement) apay = gst_bin_get_by_name (GST_BIN (pipeline), "apay");

    probe_element_pad (venc, "src", GST_PAD_PROBE_TYPE_BUFFER, video_frame_probe_cb, client, TRUE);
    probe_element_pad (vpay, "src", GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       packet_probe_cb, client, TRUE);
    probe_element_pad (apay, "sink", GST_PAD_PROBE_TYPE_BUFFER, audio_frame_probe_cb, client,
                       FALSE);
    probe_element_pad (apay, "src", GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       packet_probe_cb, client, FALSE);
  }
  return client;
}

/* A received stream (webrtcbin's streaming thread): depayloaded, never
 * decoded, counted. */
static void
pad_added_cb (GstElement *webrtcbin, GstPad *pad, BenchClient *client)
{
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstPad) sink_pad = NULL;
  g_autoptr (GstElement) depay = NULL;
  const char *encoding = NULL;
  gboolean video;
  GstElement *bin;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  caps = gst_pad_get_current_caps (pad);
  if (caps != NULL)
    encoding = gst_structure_get_string (gst_caps_get_structure (caps, 0), "encoding-name");
  video = g_strcmp0 (encoding, "VP8") == 0;
  if (!video && g_strcmp0 (encoding, "OPUS") != 0)
    {
      g_mutex_lock (&client->lock);
      if (client->error == NULL)
        client->error
            = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s: received %s, not VP8 or Opus",
                           client->name, encoding != NULL ? encoding : "no caps");
      g_mutex_unlock (&client->lock);
      return;
    }
  bin = gst_parse_bin_from_description (
      video ? "rtpvp8depay name=depay ! fakesink sync=false async=false"
            : "rtpopusdepay name=depay ! fakesink sync=false async=false",
      TRUE, &error);
  g_assert_no_error (error);
  gst_bin_add (GST_BIN (client->pipeline), bin);
  depay = gst_bin_get_by_name (GST_BIN (bin), "depay");
  probe_element_pad (depay, "src", GST_PAD_PROBE_TYPE_BUFFER,
                     video ? video_frame_probe_cb : audio_frame_probe_cb, client, video);
  g_object_set_data (G_OBJECT (pad), "bench-video", GINT_TO_POINTER (video));
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     packet_probe_cb, client, NULL);
  gst_element_sync_state_with_parent (bin);
  sink_pad = gst_element_get_static_pad (bin, "sink");
  if (gst_pad_link (pad, sink_pad) != GST_PAD_LINK_OK)
    {
      g_mutex_lock (&client->lock);
      if (client->error == NULL)
        client->error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                     "%s: cannot link a received stream", client->name);
      g_mutex_unlock (&client->lock);
    }
}

BenchClient *
bench_client_new_subscriber (const char *name, gboolean offers, BenchTransit *transit,
                             GError **error)
{
  GstElement *pipeline = gst_pipeline_new (name);
  GstElement *webrtcbin = gst_element_factory_make ("webrtcbin", "webrtc");
  BenchClient *client;

  if (webrtcbin == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no webrtcbin element");
      gst_object_unref (pipeline);
      return NULL;
    }
  gst_bin_add (GST_BIN (pipeline), webrtcbin);
  client = client_alloc (name, pipeline, error);
  if (client == NULL)
    return NULL;
  client->transit = transit != NULL ? bench_transit_ref (transit) : NULL;
  g_signal_connect (client->webrtcbin, "pad-added", G_CALLBACK (pad_added_cb), client);
  if (offers)
    {
      g_autoptr (GstCaps) video = gst_caps_from_string (
          "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000");
      g_autoptr (GstCaps) audio = gst_caps_from_string (
          "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
          "encoding-params=(string)2");
      GstCaps *each[] = { video, audio };

      for (guint i = 0; i < G_N_ELEMENTS (each); i++)
        {
          GstWebRTCRTPTransceiver *transceiver = NULL;

          g_signal_emit_by_name (client->webrtcbin, "add-transceiver",
                                 GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, each[i],
                                 &transceiver);
          if (transceiver == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot add a transceiver",
                           name);
              bench_client_free (client);
              return NULL;
            }
          gst_object_unref (transceiver);
        }
    }
  return client;
}

void
bench_client_free (BenchClient *client)
{
  if (client == NULL)
    return;
  gst_element_set_state (client->pipeline, GST_STATE_NULL);
  {
    g_autoptr (GstBus) bus = gst_element_get_bus (client->pipeline);

    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  }
  gst_object_unref (client->webrtcbin);
  gst_object_unref (client->pipeline);
  g_clear_error (&client->error);
  g_clear_pointer (&client->transit, bench_transit_unref);
  g_array_unref (client->transits);
  g_mutex_clear (&client->lock);
  g_free (client->name);
  g_free (client);
}

/* --- negotiating (the caller's thread) --- */

static gboolean
start (BenchClient *client, GError **error)
{
  if (gst_element_set_state (client->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot start", client->name);
      return FALSE;
    }
  return TRUE;
}

/* The reply of a webrtcbin action; FALSE when it reports an error. */
static gboolean
wait_promise (BenchClient *client, GstPromise *promise, const char *what, GError **error)
{
  const GstStructure *reply;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s: no reply", client->name, what);
      return FALSE;
    }
  reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error"))
    {
      g_autoptr (GError) cause = NULL;

      gst_structure_get (reply, "error", G_TYPE_ERROR, &cause, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s: %s", client->name, what,
                   cause != NULL ? cause->message : "failed");
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_description (BenchClient *client, const char *signal_name, GstWebRTCSDPType type,
                 const char *text, GError **error)
{
  g_autoptr (GstPromise) promise = gst_promise_new ();
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *description;
  gboolean ok;

  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: unreadable SDP", client->name);
      return FALSE;
    }
  /* takes @sdp */
  description = gst_webrtc_session_description_new (type, sdp);
  g_signal_emit_by_name (client->webrtcbin, signal_name, description, promise);
  ok = wait_promise (client, promise, signal_name, error);
  gst_webrtc_session_description_free (description);
  return ok;
}

/* Sets @description (taken) as the local one, waits for ICE gathering
 * and returns the local description's text with its candidates. */
static char *
set_local_and_gather (BenchClient *client, GstWebRTCSessionDescription *description, GError **error)
{
  g_autoptr (GstPromise) promise = gst_promise_new ();
  GstWebRTCSessionDescription *local = NULL;
  double deadline = (double)g_get_monotonic_time () / G_USEC_PER_SEC + GATHERING_TIMEOUT_S;
  GstWebRTCICEGatheringState state = GST_WEBRTC_ICE_GATHERING_STATE_NEW;
  char *text;

  g_signal_emit_by_name (client->webrtcbin, "set-local-description", description, promise);
  gst_webrtc_session_description_free (description);
  if (!wait_promise (client, promise, "set-local-description", error))
    return NULL;
  while (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    {
      if ((double)g_get_monotonic_time () / G_USEC_PER_SEC > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "%s: ICE gathering did not complete in %d s", client->name,
                       GATHERING_TIMEOUT_S);
          return NULL;
        }
      g_usleep (5 * 1000);
      g_object_get (client->webrtcbin, "ice-gathering-state", &state, NULL);
    }
  g_object_get (client->webrtcbin, "local-description", &local, NULL);
  text = gst_sdp_message_as_text (local->sdp);
  gst_webrtc_session_description_free (local);
  return text;
}

/* "create-offer" or "create-answer": the description made. */
static GstWebRTCSessionDescription *
create (BenchClient *client, const char *signal_name, const char *field, GError **error)
{
  g_autoptr (GstPromise) promise = gst_promise_new ();
  GstWebRTCSessionDescription *description = NULL;

  g_signal_emit_by_name (client->webrtcbin, signal_name, NULL, promise);
  if (!wait_promise (client, promise, signal_name, error))
    return NULL;
  gst_structure_get (gst_promise_get_reply (promise), field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
                     &description, NULL);
  if (description == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s made nothing", client->name,
                 signal_name);
  return description;
}

static gboolean
pad_has_caps_cb (GstElement *element, GstPad *pad, gpointer user_data)
{
  gboolean *all = user_data;

  *all = *all && gst_pad_has_current_caps (pad);
  return TRUE;
}

/* Waits until every stream sent into webrtcbin has its caps, so that the
 * offer names each one's SSRC (a server may route by it). */
static gboolean
wait_for_caps (BenchClient *client, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + GATHERING_TIMEOUT_S * G_USEC_PER_SEC;
  gboolean all = FALSE;

  while (!all)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "%s: the encoders gave no caps in %d s", client->name, GATHERING_TIMEOUT_S);
          return FALSE;
        }
      all = TRUE;
      gst_element_foreach_sink_pad (client->webrtcbin, pad_has_caps_cb, &all);
      if (!all)
        g_usleep (5 * 1000);
    }
  return TRUE;
}

char *
bench_client_offer (BenchClient *client, GError **error)
{
  GstWebRTCSessionDescription *offer;

  if (!start (client, error))
    return NULL;
  if (client->publisher)
    {
      g_autoptr (GArray) transceivers = NULL;

      if (!wait_for_caps (client, error))
        return NULL;
      /* it publishes only */
      g_signal_emit_by_name (client->webrtcbin, "get-transceivers", &transceivers);
      for (guint i = 0; i < transceivers->len; i++)
        g_object_set (g_array_index (transceivers, GstWebRTCRTPTransceiver *, i), "direction",
                      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, NULL);
    }
  offer = create (client, "create-offer", "offer", error);
  if (offer == NULL)
    return NULL;
  return set_local_and_gather (client, offer, error);
}

gboolean
bench_client_take_answer (BenchClient *client, const char *sdp, GError **error)
{
  return set_description (client, "set-remote-description", GST_WEBRTC_SDP_TYPE_ANSWER, sdp, error);
}

char *
bench_client_answer (BenchClient *client, const char *offer, GError **error)
{
  GstWebRTCSessionDescription *answer;

  if (!start (client, error)
      || !set_description (client, "set-remote-description", GST_WEBRTC_SDP_TYPE_OFFER, offer,
                           error))
    return NULL;
  answer = create (client, "create-answer", "answer", error);
  if (answer == NULL)
    return NULL;
  return set_local_and_gather (client, answer, error);
}

/* --- reading --- */

void
bench_client_get_counts (BenchClient *client, BenchCounts *counts)
{
  g_mutex_lock (&client->lock);
  *counts = client->counts;
  g_mutex_unlock (&client->lock);
}

GArray *
bench_client_take_transits (BenchClient *client, guint *unmatched)
{
  GArray *transits;

  g_mutex_lock (&client->lock);
  transits = client->transits;
  client->transits = g_array_new (FALSE, FALSE, sizeof (double));
  *unmatched = client->unmatched;
  client->unmatched = 0;
  g_mutex_unlock (&client->lock);
  return transits;
}

gboolean
bench_client_is_connected (BenchClient *client)
{
  gboolean connected;

  g_mutex_lock (&client->lock);
  connected = client->connected;
  g_mutex_unlock (&client->lock);
  return connected;
}

gboolean
bench_client_check (BenchClient *client, GError **error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&client->lock);
  if (client->error != NULL)
    {
      g_propagate_error (error, g_error_copy (client->error));
      ok = FALSE;
    }
  g_mutex_unlock (&client->lock);
  return ok;
}
