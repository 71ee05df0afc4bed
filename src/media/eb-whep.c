/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <gst/app/gstappsrc.h>
#include <gst/webrtc/webrtc.h>

#include <eboard/eb-error.h>

#include "eb-whep-private.h"

/* One m-line that sends a publisher's stream. */
typedef struct
{
  guint mline;
  EbRtpSource *source;
  EbRtpSink *sink;
} EbWhepStream;

struct _EbWhepViewer
{
  gatomicrefcount ref;
  char *name;
  GMainContext *context;
  EbWebrtcPeer *peer;
  GstSDPMessage *offer;
  GPtrArray *streams; /* EbWhepStream */
  GPtrArray *tracks;  /* utf8 */

  /* main context */
  gboolean active;
  gboolean stopped;
  EbWhepGoneFunc gone_func;
  gpointer gone_data;
};

static void
eb_whep_stream_free (EbWhepStream *stream)
{
  g_clear_pointer (&stream->source, eb_rtp_source_unref);
  g_clear_pointer (&stream->sink, eb_rtp_sink_unref);
  g_free (stream);
}

/* --- going away --- */

static void
report_gone (EbWhepViewer *viewer, const char *reason, gboolean dropped)
{
  EbWhepGoneFunc func = viewer->gone_func;

  if (viewer->stopped)
    return;
  viewer->gone_func = NULL;
  if (func != NULL)
    func (viewer, reason, dropped, viewer->gone_data);
}

static void
peer_gone_cb (EbWebrtcPeer *peer, const char *reason, gpointer user_data)
{
  report_gone (user_data, reason, FALSE);
}

typedef struct
{
  EbWhepViewer *viewer;
  char *reason;
} EbDropped;

static gboolean
dropped_main_cb (gpointer user_data)
{
  EbDropped *dropped = user_data;

  report_gone (dropped->viewer, dropped->reason, TRUE);
  return G_SOURCE_REMOVE;
}

static void
eb_dropped_free (EbDropped *dropped)
{
  eb_whep_viewer_unref (dropped->viewer);
  g_free (dropped->reason);
  g_free (dropped);
}

/* The publisher's streaming thread: hands over to the main context. */
static void
sink_dropped_cb (EbRtpSink *sink, const char *reason, gpointer user_data)
{
  EbWhepViewer *viewer = user_data;
  EbDropped *dropped = g_new0 (EbDropped, 1);
  g_autoptr (GSource) source = g_idle_source_new ();

  dropped->viewer = eb_whep_viewer_ref (viewer);
  dropped->reason = g_strdup_printf ("the viewer could not keep up: %s", reason);
  g_source_set_callback (source, dropped_main_cb, dropped, (GDestroyNotify)eb_dropped_free);
  g_source_attach (source, viewer->context);
}

/* --- building --- */

static gboolean
check_offer (const EbOffer *offer, GError **error)
{
  for (guint i = 0; i < offer->media->len; i++)
    {
      EbOfferedMedia *media = g_ptr_array_index (offer->media, i);

      if (!media->offerer_receives)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                       "m-line %u receives nothing: a WHEP offer views (recvonly)", i);
          return FALSE;
        }
    }
  return TRUE;
}

/* The m-line's format that receives @sent: the first of the same codec
 * and profile, else the first whose decoder decodes it (an H.264 profile
 * above @sent's). */
static EbRtpFormat *
choose_format (const EbOfferedMedia *media, const EbRtpFormat *sent)
{
  for (guint i = 0; i < media->formats->len; i++)
    {
      EbRtpFormat *format = g_ptr_array_index (media->formats, i);

      if (eb_rtp_format_can_receive (format, sent))
        return format;
    }
  for (guint i = 0; i < media->formats->len; i++)
    {
      EbRtpFormat *format = g_ptr_array_index (media->formats, i);

      if (eb_rtp_format_decodes (format, sent))
        return format;
    }
  return NULL;
}

/* The first source of the m-line's kind not taken yet that the viewer
 * can decode, and the viewer's format for it. A source without an input
 * now (its publisher left, or an SRT publisher's stream not parsed yet)
 * is skipped. */
static EbRtpSource *
choose_source (GPtrArray *sources, GPtrArray *taken, const EbOfferedMedia *media,
               EbRtpFormat **accepted)
{
  for (guint i = 0; i < sources->len; i++)
    {
      EbRtpSource *source = g_ptr_array_index (sources, i);
      g_autoptr (EbRtpFormat) sent = NULL;
      EbRtpFormat *format;

      if (eb_rtp_source_is_video (source) != media->video || g_ptr_array_find (taken, source, NULL))
        continue;
      sent = eb_rtp_source_dup_format (source);
      if (sent == NULL)
        continue;
      format = choose_format (media, sent);
      if (format != NULL)
        {
          *accepted = format;
          return source;
        }
    }
  return NULL;
}

static gboolean
add_inactive (EbWhepViewer *viewer, const EbOfferedMedia *media, GError **error)
{
  EbRtpFormat *format = g_ptr_array_index (media->formats, 0);
  GstWebRTCRTPTransceiver *transceiver = NULL;

  g_signal_emit_by_name (eb_webrtc_peer_get_webrtcbin (viewer->peer), "add-transceiver",
                         GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE, format->caps, &transceiver);
  if (transceiver == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "WHEP %s: cannot add a transceiver",
                   viewer->name);
      return FALSE;
    }
  gst_object_unref (transceiver);
  /* nobody's track on this m-line */
  g_ptr_array_add (viewer->tracks, g_strdup (""));
  return TRUE;
}

/* appsrc (the forwarded packets, rewritten to @format and @ssrc) ->
 * a send-only transceiver of webrtcbin. */
static gboolean
add_sending (EbWhepViewer *viewer, const EbOfferedMedia *media, EbRtpSource *source,
             const EbRtpFormat *format, gsize queue_limit, GError **error)
{
  GstElement *webrtcbin = eb_webrtc_peer_get_webrtcbin (viewer->peer);
  g_autoptr (GstCaps) caps = gst_caps_copy (format->caps);
  g_autoptr (GstPad) src = NULL;
  g_autoptr (GstWebRTCRTPTransceiver) transceiver = NULL;
  GstPadTemplate *templ;
  GstElement *appsrc;
  GstPad *pad;
  EbWhepStream *stream;
  guint32 ssrc = g_random_int ();

  gst_caps_set_simple (caps, "ssrc", G_TYPE_UINT, ssrc, NULL);
  appsrc = gst_element_factory_make ("appsrc", NULL);
  g_object_set (appsrc, "is-live", TRUE, "do-timestamp", TRUE, "format", GST_FORMAT_TIME, "block",
                FALSE, "caps", caps, NULL);
  gst_bin_add (eb_webrtc_peer_get_pipeline (viewer->peer), appsrc);

  templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (webrtcbin), "sink_%u");
  pad = gst_element_request_pad (webrtcbin, templ, NULL, caps);
  if (pad == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "WHEP %s: cannot add a sending stream",
                   viewer->name);
      return FALSE;
    }
  /* audio and video of one person are one MediaStream for the browser */
  g_object_set (pad, "msid", eb_rtp_source_get_track (source), NULL);
  g_object_get (pad, "transceiver", &transceiver, NULL);
  if (transceiver != NULL)
    g_object_set (transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY,
                  "codec-preferences", caps, NULL);
  src = gst_element_get_static_pad (appsrc, "src");
  if (gst_pad_link (src, pad) != GST_PAD_LINK_OK)
    {
      gst_object_unref (pad);
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "WHEP %s: cannot link a sending stream",
                   viewer->name);
      return FALSE;
    }
  /* webrtcbin keeps its request pad */
  gst_object_unref (pad);

  stream = g_new0 (EbWhepStream, 1);
  stream->mline = media->index;
  stream->source = eb_rtp_source_ref (source);
  stream->sink
      = eb_rtp_sink_new (appsrc, format, ssrc, queue_limit, sink_dropped_cb,
                         eb_whep_viewer_ref (viewer), (GDestroyNotify)eb_whep_viewer_unref);
  g_ptr_array_add (viewer->streams, stream);
  g_ptr_array_add (viewer->tracks, g_strdup (eb_rtp_source_get_track (source)));
  return TRUE;
}

EbWhepViewer *
eb_whep_viewer_new (const char *name, const EbWebrtcIceConfig *ice, const EbOffer *offer,
                    GPtrArray *sources, gsize queue_limit, GError **error)
{
  g_autoptr (EbWhepViewer) viewer = NULL;
  g_autoptr (GPtrArray) taken = g_ptr_array_new ();

  g_return_val_if_fail (name != NULL && ice != NULL && offer != NULL && sources != NULL, NULL);

  if (!check_offer (offer, error))
    return NULL;
  viewer = g_new0 (EbWhepViewer, 1);
  g_atomic_ref_count_init (&viewer->ref);
  viewer->name = g_strdup (name);
  viewer->context = g_main_context_ref_thread_default ();
  viewer->streams = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_whep_stream_free);
  viewer->tracks = g_ptr_array_new_with_free_func (g_free);
  viewer->peer = eb_webrtc_peer_new (name, ice, error);
  if (viewer->peer == NULL)
    return NULL;

  /* one transceiver per m-line, in the offer's order */
  for (guint i = 0; i < offer->media->len; i++)
    {
      EbOfferedMedia *media = g_ptr_array_index (offer->media, i);
      EbRtpFormat *accepted = NULL;
      EbRtpSource *source = choose_source (sources, taken, media, &accepted);
      gboolean ok;

      if (source != NULL)
        {
          g_ptr_array_add (taken, source);
          ok = add_sending (viewer, media, source, accepted, queue_limit, error);
        }
      else
        ok = add_inactive (viewer, media, error);
      if (!ok)
        {
          eb_whep_viewer_stop (viewer);
          return NULL;
        }
    }
  viewer->offer = eb_offer_copy_sdp (offer);
  eb_webrtc_peer_set_gone_func (viewer->peer, peer_gone_cb, viewer);
  return g_steal_pointer (&viewer);
}

EbWhepViewer *
eb_whep_viewer_ref (EbWhepViewer *viewer)
{
  g_return_val_if_fail (viewer != NULL, NULL);
  g_atomic_ref_count_inc (&viewer->ref);
  return viewer;
}

void
eb_whep_viewer_unref (EbWhepViewer *viewer)
{
  if (viewer == NULL || !g_atomic_ref_count_dec (&viewer->ref))
    return;
  if (viewer->peer != NULL)
    {
      eb_webrtc_peer_close (viewer->peer);
      eb_webrtc_peer_unref (viewer->peer);
    }
  if (viewer->offer != NULL)
    gst_sdp_message_free (viewer->offer);
  g_ptr_array_unref (viewer->streams);
  g_ptr_array_unref (viewer->tracks);
  g_main_context_unref (viewer->context);
  g_free (viewer->name);
  g_free (viewer);
}

void
eb_whep_viewer_set_gone_func (EbWhepViewer *viewer, EbWhepGoneFunc func, gpointer user_data)
{
  viewer->gone_func = func;
  viewer->gone_data = user_data;
}

void
eb_whep_viewer_answer_async (EbWhepViewer *viewer, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GstSDPMessage *offer = g_steal_pointer (&viewer->offer);

  if (offer == NULL)
    {
      g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

      g_task_set_source_tag (task, eb_webrtc_peer_answer_async);
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_CONFLICT,
                               "WHEP %s: the offer was answered already", viewer->name);
      return;
    }
  eb_webrtc_peer_answer_async (viewer->peer, offer, cancellable, callback, user_data);
}

char *
eb_whep_viewer_answer_finish (EbWhepViewer *viewer, GAsyncResult *result, GError **error)
{
  return eb_webrtc_peer_answer_finish (viewer->peer, result, error);
}

void
eb_whep_viewer_activate (EbWhepViewer *viewer)
{
  g_return_if_fail (viewer != NULL);

  if (viewer->active || viewer->stopped)
    return;
  viewer->active = TRUE;
  for (guint i = 0; i < viewer->streams->len; i++)
    {
      EbWhepStream *stream = g_ptr_array_index (viewer->streams, i);

      eb_rtp_source_add_sink (stream->source, stream->sink);
    }
}

void
eb_whep_viewer_stop (EbWhepViewer *viewer)
{
  g_return_if_fail (viewer != NULL);

  if (viewer->stopped)
    return;
  viewer->stopped = TRUE;
  viewer->gone_func = NULL;
  for (guint i = 0; i < viewer->streams->len; i++)
    {
      EbWhepStream *stream = g_ptr_array_index (viewer->streams, i);

      eb_rtp_source_remove_sink (stream->source, stream->sink);
    }
  eb_webrtc_peer_close (viewer->peer);
  /* the sinks hold the viewer: let them go */
  g_ptr_array_set_size (viewer->streams, 0);
}

GPtrArray *
eb_whep_viewer_get_tracks (EbWhepViewer *viewer)
{
  return viewer->tracks;
}

guint64
eb_whep_viewer_get_packets (EbWhepViewer *viewer)
{
  guint64 packets = 0;

  for (guint i = 0; i < viewer->streams->len; i++)
    {
      EbWhepStream *stream = g_ptr_array_index (viewer->streams, i);

      packets += eb_rtp_sink_get_packets_out (stream->sink);
    }
  return packets;
}
