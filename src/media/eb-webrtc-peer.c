/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <gst/webrtc/webrtc.h>

#include <eboard/eb-error.h>

#include "eb-webrtc-peer-private.h"

/* A connection that is not up this long after the answer is given up. */
#define EB_WEBRTC_CONNECT_TIMEOUT_S 20
/* ICE "disconnected" for this long means the peer's network is gone. */
#define EB_WEBRTC_DISCONNECTED_GRACE_S 5
/* The jitterbuffer latency of received streams. */
#define EB_WEBRTC_LATENCY_MS 200

struct _EbWebrtcPeer
{
  gatomicrefcount ref;
  GMainContext *context;
  char *name;
  guint gathering_timeout_ms;
  GstElement *pipeline;
  GstElement *webrtcbin;
  GSource *bus_source;

  /* main context */
  gboolean closed;
  gboolean gone;
  gboolean connected;
  EbWebrtcPeerGoneFunc gone_func;
  gpointer gone_data;
  GTask *answer_task;
  gboolean answer_set;
  GSource *gathering_timeout;
  GSource *connect_timeout;
  GSource *disconnected_timer;
};

/* --- ICE configuration --- */

EbWebrtcIceConfig *
eb_webrtc_ice_config_copy (const EbWebrtcIceConfig *config)
{
  EbWebrtcIceConfig *copy = g_new0 (EbWebrtcIceConfig, 1);

  if (config == NULL)
    return copy;
  copy->stun_server = g_strdup (config->stun_server);
  copy->turn_servers = g_strdupv (config->turn_servers);
  copy->min_port = config->min_port;
  copy->max_port = config->max_port;
  copy->local_addresses = g_strdupv (config->local_addresses);
  copy->gathering_timeout_ms = config->gathering_timeout_ms;
  return copy;
}

void
eb_webrtc_ice_config_free (EbWebrtcIceConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->stun_server);
  g_strfreev (config->turn_servers);
  g_strfreev (config->local_addresses);
  g_free (config);
}

gboolean
eb_webrtc_prepare_dtls (GError **error)
{
  /* 1: ready, 2: no dtls plugin */
  static gsize outcome = 0;

  if (g_once_init_enter (&outcome))
    {
      /* The dtls plugin makes its certificate when the first element of
       * it is made, and keeps it for the life of the process. */
      GstElement *decoder = gst_element_factory_make ("dtlsdec", NULL);

      if (decoder != NULL)
        gst_object_unref (gst_object_ref_sink (decoder));
      g_once_init_leave (&outcome, decoder != NULL ? 1 : 2);
    }
  if (outcome == 1)
    return TRUE;
  g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAVAILABLE,
                       "WebRTC needs GStreamer's dtls plugin (gstreamer1.0-plugins-bad)");
  return FALSE;
}

static gboolean
configure_ice (GstElement *webrtcbin, const EbWebrtcIceConfig *ice, GError **error)
{
  g_autoptr (GObject) agent = NULL;

  g_object_get (webrtcbin, "ice-agent", &agent, NULL);
  if (agent == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED, "webrtcbin has no ICE agent");
      return FALSE;
    }
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "agent") != NULL)
    {
      g_autoptr (GObject) nice = NULL;
      GObjectClass *nice_class;

      g_object_get (agent, "agent", &nice, NULL);
      nice_class = nice != NULL ? G_OBJECT_GET_CLASS (nice) : NULL;
      /* a server maps no ports through its router: no UPnP discovery
       * (multicast on every interface) */
      if (nice_class != NULL && g_object_class_find_property (nice_class, "upnp") != NULL)
        g_object_set (nice, "upnp", FALSE, NULL);
      /* keepalives that need an answer: a peer that vanished (closed tab,
       * network gone) fails ICE within about half a minute */
      if (nice_class != NULL
          && g_object_class_find_property (nice_class, "keepalive-conncheck") != NULL)
        g_object_set (nice, "keepalive-conncheck", TRUE, NULL);
    }
  if (ice->stun_server != NULL && *ice->stun_server != '\0')
    g_object_set (webrtcbin, "stun-server", ice->stun_server, NULL);
  for (guint i = 0; ice->turn_servers != NULL && ice->turn_servers[i] != NULL; i++)
    {
      gboolean added = FALSE;

      g_signal_emit_by_name (webrtcbin, "add-turn-server", ice->turn_servers[i], &added);
      if (!added)
        {
          /* never the URL itself: it holds a password */
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "TURN server %u is not a valid URL",
                       i + 1);
          return FALSE;
        }
    }
  if (ice->min_port != 0 || ice->max_port != 0)
    {
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "min-rtp-port") == NULL)
        {
          g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED,
                               "this GStreamer cannot restrict the ICE ports");
          return FALSE;
        }
      /* the maximum first: the agent refuses a minimum above it */
      g_object_set (agent, "max-rtp-port", ice->max_port != 0 ? ice->max_port : 65535, NULL);
      g_object_set (agent, "min-rtp-port", ice->min_port, NULL);
    }
  for (guint i = 0; ice->local_addresses != NULL && ice->local_addresses[i] != NULL; i++)
    {
      gboolean added = FALSE;

      if (g_signal_lookup ("add-local-ip-address", G_OBJECT_TYPE (agent)) == 0)
        {
          g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED,
                               "this ICE agent cannot take extra local addresses");
          return FALSE;
        }
      g_signal_emit_by_name (agent, "add-local-ip-address", ice->local_addresses[i], &added);
      if (!added)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "\"%s\" is not a local ICE address",
                       ice->local_addresses[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* --- handing over to the main context --- */

typedef void (*EbPeerMainFunc) (EbWebrtcPeer *peer, gpointer data);

typedef struct
{
  EbWebrtcPeer *peer;
  EbPeerMainFunc func;
  gpointer data;
  GDestroyNotify destroy;
} EbPeerHandover;

static void
eb_peer_handover_free (EbPeerHandover *handover)
{
  if (handover->destroy != NULL)
    handover->destroy (handover->data);
  eb_webrtc_peer_unref (handover->peer);
  g_free (handover);
}

static gboolean
handover_cb (gpointer user_data)
{
  EbPeerHandover *handover = user_data;

  if (!handover->peer->closed)
    handover->func (handover->peer, handover->data);
  return G_SOURCE_REMOVE;
}

/* Any thread: @func runs later on the peer's main context, unless the
 * peer is closed by then. */
static void
handover (EbWebrtcPeer *peer, EbPeerMainFunc func, gpointer data, GDestroyNotify destroy)
{
  EbPeerHandover *handover = g_new0 (EbPeerHandover, 1);
  g_autoptr (GSource) source = g_idle_source_new ();

  handover->peer = eb_webrtc_peer_ref (peer);
  handover->func = func;
  handover->data = data;
  handover->destroy = destroy;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, handover_cb, handover, (GDestroyNotify)eb_peer_handover_free);
  g_source_set_static_name (source, "[eboard] WebRTC peer handover");
  g_source_attach (source, peer->context);
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static GSource *
add_timeout (EbWebrtcPeer *peer, guint ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);

  /* the peer destroys its timeouts when it closes */
  g_source_set_callback (source, func, peer, NULL);
  g_source_attach (source, peer->context);
  return source;
}

/* --- the connection going away --- */

/* Main context. */
static void
report_gone (EbWebrtcPeer *peer, const char *reason)
{
  if (peer->closed || peer->gone)
    return;
  peer->gone = TRUE;
  clear_source (&peer->connect_timeout);
  clear_source (&peer->disconnected_timer);
  g_message ("WebRTC %s: connection gone: %s", peer->name, reason);
  if (peer->gone_func != NULL)
    peer->gone_func (peer, reason, peer->gone_data);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  EbWebrtcPeer *peer = user_data;

  g_clear_pointer (&peer->connect_timeout, g_source_unref);
  report_gone (peer, "the connection was not established in time");
  return G_SOURCE_REMOVE;
}

static gboolean
disconnected_timer_cb (gpointer user_data)
{
  EbWebrtcPeer *peer = user_data;

  g_clear_pointer (&peer->disconnected_timer, g_source_unref);
  report_gone (peer, "the peer's network is gone (ICE disconnected)");
  return G_SOURCE_REMOVE;
}

static void
connection_state_main (EbWebrtcPeer *peer, gpointer data)
{
  GstWebRTCPeerConnectionState state = GPOINTER_TO_INT (data);

  switch (state)
    {
      case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED:
        peer->connected = TRUE;
        clear_source (&peer->connect_timeout);
        g_debug ("WebRTC %s: connected", peer->name);
        break;
      case GST_WEBRTC_PEER_CONNECTION_STATE_FAILED:
        report_gone (peer, "the connection failed");
        break;
      case GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED:
        report_gone (peer, "the connection was closed");
        break;
      default:
        break;
    }
}

static void
ice_connection_state_main (EbWebrtcPeer *peer, gpointer data)
{
  GstWebRTCICEConnectionState state = GPOINTER_TO_INT (data);

  switch (state)
    {
      case GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED:
        if (peer->disconnected_timer == NULL)
          peer->disconnected_timer
              = add_timeout (peer, EB_WEBRTC_DISCONNECTED_GRACE_S * 1000, disconnected_timer_cb);
        break;
      case GST_WEBRTC_ICE_CONNECTION_STATE_FAILED:
        report_gone (peer, "ICE failed");
        break;
      case GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED:
      case GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED:
        clear_source (&peer->disconnected_timer);
        break;
      default:
        break;
    }
}

/* webrtcbin's threads */
static void
connection_state_cb (GstElement *webrtcbin, GParamSpec *pspec, EbWebrtcPeer *peer)
{
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtcbin, "connection-state", &state, NULL);
  handover (peer, connection_state_main, GINT_TO_POINTER (state), NULL);
}

static void
ice_connection_state_cb (GstElement *webrtcbin, GParamSpec *pspec, EbWebrtcPeer *peer)
{
  GstWebRTCICEConnectionState state;

  g_object_get (webrtcbin, "ice-connection-state", &state, NULL);
  handover (peer, ice_connection_state_main, GINT_TO_POINTER (state), NULL);
}

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  EbWebrtcPeer *peer = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *debug = NULL;
      g_autofree char *reason = NULL;

      gst_message_parse_error (message, &error, &debug);
      g_debug ("WebRTC %s: error from %s: %s (%s)", peer->name, GST_MESSAGE_SRC_NAME (message),
               error->message, debug != NULL ? debug : "");
      reason = g_strdup_printf ("pipeline error from %s: %s", GST_MESSAGE_SRC_NAME (message),
                                error->message);
      if (peer->answer_task != NULL)
        {
          g_autoptr (GTask) task = g_steal_pointer (&peer->answer_task);

          g_task_return_new_error (task, EB_ERROR, EB_ERROR_FAILED, "%s", reason);
        }
      else
        report_gone (peer, reason);
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING)
    {
      g_autoptr (GError) warning = NULL;

      gst_message_parse_warning (message, &warning, NULL);
      g_message ("WebRTC %s: %s: %s", peer->name, GST_MESSAGE_SRC_NAME (message), warning->message);
    }
  return G_SOURCE_CONTINUE;
}

/* --- answering --- */

static void
fail_answer (EbWebrtcPeer *peer, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&peer->answer_task);

  clear_source (&peer->gathering_timeout);
  if (task == NULL)
    {
      g_error_free (error);
      return;
    }
  g_task_return_error (task, error);
}

static void
fail_answer_main (EbWebrtcPeer *peer, gpointer data)
{
  fail_answer (peer, g_error_copy (data));
}

/* (transfer full) (nullable): the local description as text, if it has
 * a candidate */
static char *
local_answer_text (EbWebrtcPeer *peer, guint *n_candidates)
{
  GstWebRTCSessionDescription *description = NULL;
  char *text;

  *n_candidates = 0;
  g_object_get (peer->webrtcbin, "local-description", &description, NULL);
  if (description == NULL)
    return NULL;
  for (guint i = 0; i < gst_sdp_message_medias_len (description->sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (description->sdp, i);

      for (guint j = 0; j < gst_sdp_media_attributes_len (media); j++)
        {
          if (g_strcmp0 (gst_sdp_media_get_attribute (media, j)->key, "candidate") == 0)
            (*n_candidates)++;
        }
    }
  text = gst_sdp_message_as_text (description->sdp);
  gst_webrtc_session_description_free (description);
  return text;
}

static void
complete_answer (EbWebrtcPeer *peer, gboolean timed_out)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *text = NULL;
  guint n_candidates = 0;

  if (peer->answer_task == NULL || !peer->answer_set)
    return;
  task = g_steal_pointer (&peer->answer_task);
  clear_source (&peer->gathering_timeout);
  text = local_answer_text (peer, &n_candidates);
  if (text == NULL || n_candidates == 0)
    {
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_UNAVAILABLE,
                               "no local ICE candidate was found%s",
                               timed_out ? " before the gathering timeout" : "");
      return;
    }
  if (timed_out)
    g_message ("WebRTC %s: ICE gathering did not complete within %u ms; answering with %u "
               "candidates",
               peer->name, peer->gathering_timeout_ms, n_candidates);
  peer->connect_timeout
      = add_timeout (peer, EB_WEBRTC_CONNECT_TIMEOUT_S * 1000, connect_timeout_cb);
  g_task_return_pointer (task, g_steal_pointer (&text), g_free);
}

static gboolean
gathering_timeout_cb (gpointer user_data)
{
  EbWebrtcPeer *peer = user_data;

  g_clear_pointer (&peer->gathering_timeout, g_source_unref);
  if (!peer->answer_set)
    {
      fail_answer (peer, g_error_new (EB_ERROR, EB_ERROR_UNAVAILABLE,
                                      "the answer was not ready within %u ms",
                                      peer->gathering_timeout_ms));
      return G_SOURCE_REMOVE;
    }
  complete_answer (peer, TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
gathering_complete (EbWebrtcPeer *peer)
{
  GstWebRTCICEGatheringState state;

  g_object_get (peer->webrtcbin, "ice-gathering-state", &state, NULL);
  return state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE;
}

static void
gathering_state_main (EbWebrtcPeer *peer, gpointer data)
{
  if (peer->answer_set && gathering_complete (peer))
    complete_answer (peer, FALSE);
}

static void
gathering_state_cb (GstElement *webrtcbin, GParamSpec *pspec, EbWebrtcPeer *peer)
{
  handover (peer, gathering_state_main, NULL, NULL);
}

static void
answer_set_main (EbWebrtcPeer *peer, gpointer data)
{
  peer->answer_set = TRUE;
  if (gathering_complete (peer))
    complete_answer (peer, FALSE);
}

/* (transfer full) (nullable): the error @promise was answered with.
 * Called from @promise's own change function: it has its result
 * already, so waiting on it returns at once (never wait on another
 * promise there). */
static GError *
promise_error (GstPromise *promise, const char *step)
{
  const GstStructure *reply;
  GError *error = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    return g_error_new (EB_ERROR, EB_ERROR_FAILED, "%s: no reply", step);
  reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error"))
    {
      g_autoptr (GError) cause = NULL;

      gst_structure_get (reply, "error", G_TYPE_ERROR, &cause, NULL);
      error = g_error_new (EB_ERROR, EB_ERROR_INVALID, "%s: %s", step,
                           cause != NULL ? cause->message : "refused");
    }
  return error;
}

/* webrtcbin's thread (never wait on another promise here). */
static void
local_set_cb (GstPromise *promise, gpointer user_data)
{
  EbWebrtcPeer *peer = user_data;
  GError *error = promise_error (promise, "setting the answer");

  gst_promise_unref (promise);
  if (error != NULL)
    handover (peer, fail_answer_main, error, (GDestroyNotify)g_error_free);
  else
    handover (peer, answer_set_main, NULL, NULL);
}

static void
answer_created_cb (GstPromise *promise, gpointer user_data)
{
  EbWebrtcPeer *peer = user_data;
  GError *error = promise_error (promise, "creating the answer");
  GstWebRTCSessionDescription *answer = NULL;
  GstPromise *next;

  if (error == NULL)
    {
      gst_structure_get (gst_promise_get_reply (promise), "answer",
                         GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, NULL);
      if (answer == NULL)
        error = g_error_new_literal (EB_ERROR, EB_ERROR_INVALID,
                                     "no answer can be made to this offer");
    }
  gst_promise_unref (promise);
  if (error != NULL)
    {
      handover (peer, fail_answer_main, error, (GDestroyNotify)g_error_free);
      return;
    }
  next = gst_promise_new_with_change_func (local_set_cb, eb_webrtc_peer_ref (peer),
                                           (GDestroyNotify)eb_webrtc_peer_unref);
  g_signal_emit_by_name (peer->webrtcbin, "set-local-description", answer, next);
  gst_webrtc_session_description_free (answer);
}

static void
remote_set_cb (GstPromise *promise, gpointer user_data)
{
  EbWebrtcPeer *peer = user_data;
  GError *error = promise_error (promise, "the offer was refused");
  GstPromise *next;

  gst_promise_unref (promise);
  if (error != NULL)
    {
      handover (peer, fail_answer_main, error, (GDestroyNotify)g_error_free);
      return;
    }
  next = gst_promise_new_with_change_func (answer_created_cb, eb_webrtc_peer_ref (peer),
                                           (GDestroyNotify)eb_webrtc_peer_unref);
  g_signal_emit_by_name (peer->webrtcbin, "create-answer", NULL, next);
}

/**
 * eb_webrtc_peer_answer_async:
 * @offer: (transfer full): the remote offer
 */
void
eb_webrtc_peer_answer_async (EbWebrtcPeer *peer, GstSDPMessage *offer, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GstWebRTCSessionDescription *description;
  GstPromise *promise;

  g_return_if_fail (peer != NULL && offer != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_webrtc_peer_answer_async);
  if (peer->closed || peer->answer_task != NULL || peer->answer_set)
    {
      gst_sdp_message_free (offer);
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_CONFLICT,
                               "WebRTC %s: an offer was answered already", peer->name);
      return;
    }
  if (gst_element_set_state (peer->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      gst_sdp_message_free (offer);
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_FAILED,
                               "WebRTC %s: the pipeline cannot start", peer->name);
      return;
    }
  peer->answer_task = g_steal_pointer (&task);
  peer->gathering_timeout = add_timeout (peer, peer->gathering_timeout_ms, gathering_timeout_cb);

  /* takes the SDP message */
  description = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER, offer);
  promise = gst_promise_new_with_change_func (remote_set_cb, eb_webrtc_peer_ref (peer),
                                              (GDestroyNotify)eb_webrtc_peer_unref);
  g_signal_emit_by_name (peer->webrtcbin, "set-remote-description", description, promise);
  gst_webrtc_session_description_free (description);
}

/**
 * eb_webrtc_peer_answer_finish:
 *
 * Returns: (transfer full): the answer's SDP text, with its candidates
 */
char *
eb_webrtc_peer_answer_finish (EbWebrtcPeer *peer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_webrtc_peer_answer_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- life cycle --- */

EbWebrtcPeer *
eb_webrtc_peer_new (const char *name, const EbWebrtcIceConfig *ice, GError **error)
{
  g_autoptr (EbWebrtcPeer) peer = g_new0 (EbWebrtcPeer, 1);
  g_autoptr (GstBus) bus = NULL;

  g_return_val_if_fail (name != NULL && ice != NULL, NULL);

  g_atomic_ref_count_init (&peer->ref);
  peer->context = g_main_context_ref_thread_default ();
  peer->name = g_strdup (name);
  peer->gathering_timeout_ms = ice->gathering_timeout_ms > 0
                                   ? ice->gathering_timeout_ms
                                   : EB_WEBRTC_DEFAULT_GATHERING_TIMEOUT_MS;
  peer->pipeline = gst_object_ref_sink (gst_pipeline_new (name));
  peer->webrtcbin = gst_element_factory_make ("webrtcbin", "webrtc");
  if (peer->webrtcbin == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED,
                           "the GStreamer element webrtcbin is missing "
                           "(gstreamer1.0-plugins-bad, gstreamer1.0-nice)");
      return NULL;
    }
  gst_object_ref_sink (peer->webrtcbin);
  /* one transport for all media, as browsers offer it */
  gst_util_set_object_arg (G_OBJECT (peer->webrtcbin), "bundle-policy", "max-bundle");
  g_object_set (peer->webrtcbin, "latency", EB_WEBRTC_LATENCY_MS, NULL);
  if (!configure_ice (peer->webrtcbin, ice, error))
    return NULL;
  /* the bus sees what the recording branches report, each on its own */
  g_object_set (peer->pipeline, "message-forward", TRUE, NULL);
  gst_bin_add (GST_BIN (peer->pipeline), gst_object_ref (peer->webrtcbin));

  /* each handler holds a reference, released when it is disconnected
   * and no longer running */
  g_signal_connect_data (peer->webrtcbin, "notify::ice-gathering-state",
                         G_CALLBACK (gathering_state_cb), eb_webrtc_peer_ref (peer),
                         (GClosureNotify)(void (*) (void))eb_webrtc_peer_unref, 0);
  g_signal_connect_data (peer->webrtcbin, "notify::connection-state",
                         G_CALLBACK (connection_state_cb), eb_webrtc_peer_ref (peer),
                         (GClosureNotify)(void (*) (void))eb_webrtc_peer_unref, 0);
  g_signal_connect_data (peer->webrtcbin, "notify::ice-connection-state",
                         G_CALLBACK (ice_connection_state_cb), eb_webrtc_peer_ref (peer),
                         (GClosureNotify)(void (*) (void))eb_webrtc_peer_unref, 0);

  bus = gst_element_get_bus (peer->pipeline);
  peer->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (peer->bus_source, (GSourceFunc)(void (*) (void))bus_cb, peer, NULL);
  g_source_attach (peer->bus_source, peer->context);
  return g_steal_pointer (&peer);
}

EbWebrtcPeer *
eb_webrtc_peer_ref (EbWebrtcPeer *peer)
{
  g_return_val_if_fail (peer != NULL, NULL);
  g_atomic_ref_count_inc (&peer->ref);
  return peer;
}

void
eb_webrtc_peer_unref (EbWebrtcPeer *peer)
{
  if (peer == NULL || !g_atomic_ref_count_dec (&peer->ref))
    return;
  g_warn_if_fail (peer->answer_task == NULL);
  if (peer->bus_source != NULL)
    {
      g_source_destroy (peer->bus_source);
      g_source_unref (peer->bus_source);
    }
  if (peer->pipeline != NULL)
    gst_element_set_state (peer->pipeline, GST_STATE_NULL);
  g_clear_object (&peer->webrtcbin);
  g_clear_object (&peer->pipeline);
  g_main_context_unref (peer->context);
  g_free (peer->name);
  g_free (peer);
}

const char *
eb_webrtc_peer_get_name (EbWebrtcPeer *peer)
{
  return peer->name;
}

GstElement *
eb_webrtc_peer_get_webrtcbin (EbWebrtcPeer *peer)
{
  return peer->webrtcbin;
}

GstBin *
eb_webrtc_peer_get_pipeline (EbWebrtcPeer *peer)
{
  return GST_BIN (peer->pipeline);
}

void
eb_webrtc_peer_set_gone_func (EbWebrtcPeer *peer, EbWebrtcPeerGoneFunc func, gpointer user_data)
{
  peer->gone_func = func;
  peer->gone_data = user_data;
}

gboolean
eb_webrtc_peer_is_connected (EbWebrtcPeer *peer)
{
  return peer->connected;
}

void
eb_webrtc_peer_close (EbWebrtcPeer *peer)
{
  g_autoptr (EbWebrtcPeer) keep = NULL;

  g_return_if_fail (peer != NULL);

  if (peer->closed)
    return;
  keep = eb_webrtc_peer_ref (peer);
  peer->closed = TRUE;
  peer->gone_func = NULL;
  peer->gone_data = NULL;
  clear_source (&peer->gathering_timeout);
  clear_source (&peer->connect_timeout);
  clear_source (&peer->disconnected_timer);
  if (peer->answer_task != NULL)
    {
      g_autoptr (GTask) task = g_steal_pointer (&peer->answer_task);

      g_task_return_new_error (task, EB_ERROR, EB_ERROR_UNAVAILABLE,
                               "WebRTC %s: closed before the answer was ready", peer->name);
    }
  /* the streaming threads stop here; then no handler runs any more */
  gst_element_set_state (peer->pipeline, GST_STATE_NULL);
  g_signal_handlers_disconnect_by_func (peer->webrtcbin, gathering_state_cb, peer);
  g_signal_handlers_disconnect_by_func (peer->webrtcbin, connection_state_cb, peer);
  g_signal_handlers_disconnect_by_func (peer->webrtcbin, ice_connection_state_cb, peer);
  if (peer->bus_source != NULL)
    {
      g_source_destroy (peer->bus_source);
      g_clear_pointer (&peer->bus_source, g_source_unref);
    }
}
