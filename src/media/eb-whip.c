/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <gst/rtp/rtp.h>
#include <gst/video/video.h>
#include <gst/webrtc/webrtc.h>

#include <eboard/eb-error.h>

#include "eb-whip-private.h"

/* A connected publisher that sends nothing this long is gone (its
 * network vanished: ICE alone may not notice). */
#define EB_WHIP_MEDIA_TIMEOUT_S 10

typedef struct
{
  EbWhipPublisher *publisher; /* the publisher owns its streams */
  EbRtpFormat *format;
  EbRtpSource *source;
  gint generation; /* atomic: of the source's input; 0: not attached */
  gint recorder_stream;
  GstPad *sinkpad; /* guarded by the publisher's lock */
} EbWhipStream;

struct _EbWhipPublisher
{
  gatomicrefcount ref;
  char *name;
  EbWebrtcPeer *peer;
  GstSDPMessage *offer;
  EbRtpRecorder *recorder;
  GPtrArray *streams; /* EbWhipStream */
  const char *video_codec;
  const char *audio_codec;

  GMutex lock;
  gboolean stopped;
  guint64 packets;
  gint64 last_packet_us;

  /* main context */
  EbWhipGoneFunc gone_func;
  gpointer gone_data;
  GSource *watchdog;
};

/* A keyframe request's way back to a stream. */
typedef struct
{
  EbWhipPublisher *publisher;
  guint index;
} EbKeyframeTarget;

static void
eb_whip_stream_free (EbWhipStream *stream)
{
  eb_rtp_format_free (stream->format);
  g_clear_pointer (&stream->source, eb_rtp_source_unref);
  g_clear_object (&stream->sinkpad);
  g_free (stream);
}

static void
eb_keyframe_target_free (EbKeyframeTarget *target)
{
  eb_whip_publisher_unref (target->publisher);
  g_free (target);
}

/* Any thread: an upstream force-key-unit event, which webrtcbin's RTP
 * session turns into a PLI (or FIR) to the browser. */
static void
request_keyframe_cb (gpointer user_data)
{
  EbKeyframeTarget *target = user_data;
  EbWhipPublisher *publisher = target->publisher;
  EbWhipStream *stream = g_ptr_array_index (publisher->streams, target->index);
  g_autoptr (GstPad) pad = NULL;

  g_mutex_lock (&publisher->lock);
  if (!publisher->stopped && stream->sinkpad != NULL)
    pad = gst_object_ref (stream->sinkpad);
  g_mutex_unlock (&publisher->lock);
  if (pad != NULL)
    gst_pad_push_event (pad,
                        gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0));
}

/* --- streaming threads --- */

/* The stream of payload type @pt (unique within the bundle). */
static EbWhipStream *
find_stream_by_pt (EbWhipPublisher *publisher, guint pt)
{
  for (guint i = 0; i < publisher->streams->len; i++)
    {
      EbWhipStream *stream = g_ptr_array_index (publisher->streams, i);

      if (stream->format->pt == pt)
        return stream;
    }
  return NULL;
}

typedef struct
{
  EbWhipPublisher *publisher;
  GstPad *pad;
} EbForward;

/* Each packet goes to the stream its payload type names: the offer's
 * payload types tell the m-lines apart, whatever pad it came on. */
static gboolean
forward_buffer (GstBuffer **buffer, guint index, gpointer user_data)
{
  EbForward *forward = user_data;
  EbWhipPublisher *publisher = forward->publisher;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  EbWhipStream *stream;
  guint pt;

  if (!gst_rtp_buffer_map (*buffer, GST_MAP_READ, &rtp))
    return TRUE;
  pt = gst_rtp_buffer_get_payload_type (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  stream = find_stream_by_pt (publisher, pt);
  if (stream == NULL)
    return TRUE;
  g_mutex_lock (&publisher->lock);
  if (stream->sinkpad == NULL)
    stream->sinkpad = gst_object_ref (forward->pad);
  g_mutex_unlock (&publisher->lock);
  eb_rtp_source_push (stream->source, (guint)g_atomic_int_get (&stream->generation), *buffer);
  if (stream->recorder_stream >= 0)
    eb_rtp_recorder_push (publisher->recorder, (guint)stream->recorder_stream, *buffer);
  return TRUE;
}

/* Each received RTP packet, as it leaves the jitterbuffer. */
static GstPadProbeReturn
media_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbWhipPublisher *publisher = user_data;
  EbForward forward = { publisher, pad };
  guint n = 1;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    {
      GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);

      n = gst_buffer_list_length (list);
      gst_buffer_list_foreach (list, forward_buffer, &forward);
    }
  else
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

      forward_buffer (&buffer, 0, &forward);
    }
  g_mutex_lock (&publisher->lock);
  publisher->packets += n;
  publisher->last_packet_us = g_get_monotonic_time ();
  g_mutex_unlock (&publisher->lock);
  return GST_PAD_PROBE_OK;
}

/* Streaming thread: a received stream appears. */
static void
pad_added_cb (GstElement *webrtcbin, GstPad *pad, EbWhipPublisher *publisher)
{
  g_autoptr (GstPad) sinkpad = NULL;
  GstElement *sink;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
  gst_bin_add (eb_webrtc_peer_get_pipeline (publisher->peer), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     media_probe_cb, publisher, NULL);
  gst_element_sync_state_with_parent (sink);
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_message ("WHIP %s: cannot take the received stream of %s", publisher->name,
               GST_PAD_NAME (pad));
}

/* --- main context --- */

static void
peer_gone_cb (EbWebrtcPeer *peer, const char *reason, gpointer user_data)
{
  EbWhipPublisher *publisher = user_data;
  EbWhipGoneFunc func = publisher->gone_func;

  publisher->gone_func = NULL;
  if (func != NULL)
    func (publisher, reason, publisher->gone_data);
}

static gboolean
watchdog_cb (gpointer user_data)
{
  EbWhipPublisher *publisher = user_data;
  g_autofree char *reason = NULL;
  gint64 last;

  g_mutex_lock (&publisher->lock);
  /* until the connection is up, its own timeout applies */
  if (!eb_webrtc_peer_is_connected (publisher->peer))
    publisher->last_packet_us = g_get_monotonic_time ();
  last = publisher->last_packet_us;
  g_mutex_unlock (&publisher->lock);
  if (g_get_monotonic_time () - last < EB_WHIP_MEDIA_TIMEOUT_S * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&publisher->watchdog, g_source_unref);
  reason = g_strdup_printf ("no media for %u s", (guint)EB_WHIP_MEDIA_TIMEOUT_S);
  peer_gone_cb (publisher->peer, reason, publisher);
  return G_SOURCE_REMOVE;
}

static gboolean
check_offer (const EbOffer *offer, GError **error)
{
  guint n_video = 0;
  guint n_audio = 0;

  for (guint i = 0; i < offer->media->len; i++)
    {
      EbOfferedMedia *media = g_ptr_array_index (offer->media, i);

      if (!media->offerer_sends)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                       "m-line %u sends nothing: a WHIP offer publishes (sendonly)", i);
          return FALSE;
        }
      if (media->video)
        n_video++;
      else
        n_audio++;
    }
  if (n_video > 1 || n_audio > 1)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "a WHIP offer publishes at most one video and one audio m-line");
      return FALSE;
    }
  return TRUE;
}

/* One receive-only transceiver per m-line, in the offer's order, with
 * the payload type and feedback the offer gives for the chosen codec. */
static gboolean
add_transceiver (EbWhipPublisher *publisher, const EbRtpFormat *format, GError **error)
{
  GstWebRTCRTPTransceiver *transceiver = NULL;

  g_signal_emit_by_name (eb_webrtc_peer_get_webrtcbin (publisher->peer), "add-transceiver",
                         GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, format->caps, &transceiver);
  if (transceiver == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "WHIP %s: cannot add a transceiver",
                   publisher->name);
      return FALSE;
    }
  gst_object_unref (transceiver);
  return TRUE;
}

EbWhipPublisher *
eb_whip_publisher_new (const char *name, const EbWebrtcIceConfig *ice, const EbOffer *offer,
                       EbRtpSource *video, EbRtpSource *audio, EbRtpRecorder *recorder,
                       GError **error)
{
  g_autoptr (EbWhipPublisher) publisher = NULL;

  g_return_val_if_fail (name != NULL && ice != NULL && offer != NULL, NULL);
  g_return_val_if_fail (video != NULL && audio != NULL, NULL);

  if (!check_offer (offer, error))
    return NULL;
  publisher = g_new0 (EbWhipPublisher, 1);
  g_atomic_ref_count_init (&publisher->ref);
  g_mutex_init (&publisher->lock);
  publisher->name = g_strdup (name);
  publisher->streams = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_whip_stream_free);
  publisher->recorder = recorder != NULL ? g_object_ref (recorder) : NULL;
  publisher->peer = eb_webrtc_peer_new (name, ice, error);
  if (publisher->peer == NULL)
    return NULL;

  for (guint i = 0; i < offer->media->len; i++)
    {
      EbOfferedMedia *media = g_ptr_array_index (offer->media, i);
      /* the offerer's first choice among what is forwarded */
      EbRtpFormat *format = g_ptr_array_index (media->formats, 0);
      EbWhipStream *stream = g_new0 (EbWhipStream, 1);

      stream->publisher = publisher;
      stream->format = eb_rtp_format_copy (format);
      stream->source = eb_rtp_source_ref (media->video ? video : audio);
      stream->recorder_stream = -1;
      g_ptr_array_add (publisher->streams, stream);
      if (media->video)
        publisher->video_codec = eb_rtp_codec_to_string (format->codec);
      else
        publisher->audio_codec = eb_rtp_codec_to_string (format->codec);
      if (!add_transceiver (publisher, format, error))
        return NULL;
      if (recorder != NULL)
        {
          stream->recorder_stream
              = eb_rtp_recorder_add_stream (recorder, format, stream->source, error);
          if (stream->recorder_stream < 0)
            return NULL;
        }
    }
  publisher->offer = eb_offer_copy_sdp (offer);
  g_signal_connect (eb_webrtc_peer_get_webrtcbin (publisher->peer), "pad-added",
                    G_CALLBACK (pad_added_cb), publisher);
  eb_webrtc_peer_set_gone_func (publisher->peer, peer_gone_cb, publisher);
  return g_steal_pointer (&publisher);
}

EbWhipPublisher *
eb_whip_publisher_ref (EbWhipPublisher *publisher)
{
  g_return_val_if_fail (publisher != NULL, NULL);
  g_atomic_ref_count_inc (&publisher->ref);
  return publisher;
}

void
eb_whip_publisher_unref (EbWhipPublisher *publisher)
{
  if (publisher == NULL || !g_atomic_ref_count_dec (&publisher->ref))
    return;
  if (publisher->peer != NULL)
    {
      eb_webrtc_peer_close (publisher->peer);
      g_signal_handlers_disconnect_by_data (eb_webrtc_peer_get_webrtcbin (publisher->peer),
                                            publisher);
      eb_webrtc_peer_unref (publisher->peer);
    }
  if (publisher->watchdog != NULL)
    {
      g_source_destroy (publisher->watchdog);
      g_source_unref (publisher->watchdog);
    }
  if (publisher->offer != NULL)
    gst_sdp_message_free (publisher->offer);
  g_clear_object (&publisher->recorder);
  g_ptr_array_unref (publisher->streams);
  g_mutex_clear (&publisher->lock);
  g_free (publisher->name);
  g_free (publisher);
}

void
eb_whip_publisher_set_gone_func (EbWhipPublisher *publisher, EbWhipGoneFunc func,
                                 gpointer user_data)
{
  publisher->gone_func = func;
  publisher->gone_data = user_data;
}

void
eb_whip_publisher_answer_async (EbWhipPublisher *publisher, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GstSDPMessage *offer = g_steal_pointer (&publisher->offer);

  if (offer == NULL)
    {
      g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

      g_task_set_source_tag (task, eb_webrtc_peer_answer_async);
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_CONFLICT,
                               "WHIP %s: the offer was answered already", publisher->name);
      return;
    }
  eb_webrtc_peer_answer_async (publisher->peer, offer, cancellable, callback, user_data);
}

char *
eb_whip_publisher_answer_finish (EbWhipPublisher *publisher, GAsyncResult *result, GError **error)
{
  return eb_webrtc_peer_answer_finish (publisher->peer, result, error);
}

void
eb_whip_publisher_activate (EbWhipPublisher *publisher)
{
  g_return_if_fail (publisher != NULL);

  for (guint i = 0; i < publisher->streams->len; i++)
    {
      EbWhipStream *stream = g_ptr_array_index (publisher->streams, i);
      EbKeyframeTarget *target = g_new0 (EbKeyframeTarget, 1);

      target->publisher = eb_whip_publisher_ref (publisher);
      target->index = i;
      g_atomic_int_set (&stream->generation,
                        (gint)eb_rtp_source_attach (stream->source, stream->format,
                                                    request_keyframe_cb, target,
                                                    (GDestroyNotify)eb_keyframe_target_free));
    }
  g_mutex_lock (&publisher->lock);
  publisher->last_packet_us = g_get_monotonic_time ();
  g_mutex_unlock (&publisher->lock);
  publisher->watchdog = g_timeout_source_new_seconds (1);
  /* destroyed in stop at the latest */
  g_source_set_callback (publisher->watchdog, watchdog_cb, publisher, NULL);
  g_source_attach (publisher->watchdog, g_main_context_get_thread_default ());
}

void
eb_whip_publisher_stop (EbWhipPublisher *publisher)
{
  g_return_if_fail (publisher != NULL);

  g_mutex_lock (&publisher->lock);
  if (publisher->stopped)
    {
      g_mutex_unlock (&publisher->lock);
      return;
    }
  publisher->stopped = TRUE;
  g_mutex_unlock (&publisher->lock);
  publisher->gone_func = NULL;
  if (publisher->watchdog != NULL)
    {
      g_source_destroy (publisher->watchdog);
      g_clear_pointer (&publisher->watchdog, g_source_unref);
    }
  /* no streaming thread runs after this */
  eb_webrtc_peer_close (publisher->peer);
  for (guint i = 0; i < publisher->streams->len; i++)
    {
      EbWhipStream *stream = g_ptr_array_index (publisher->streams, i);

      guint generation = (guint)g_atomic_int_get (&stream->generation);

      if (generation != 0)
        eb_rtp_source_detach (stream->source, generation);
      g_atomic_int_set (&stream->generation, 0);
    }
}

guint64
eb_whip_publisher_get_packets (EbWhipPublisher *publisher)
{
  guint64 packets;

  g_mutex_lock (&publisher->lock);
  packets = publisher->packets;
  g_mutex_unlock (&publisher->lock);
  return packets;
}

const char *
eb_whip_publisher_get_video_codec (EbWhipPublisher *publisher)
{
  return publisher->video_codec;
}

const char *
eb_whip_publisher_get_audio_codec (EbWhipPublisher *publisher)
{
  return publisher->audio_codec;
}
