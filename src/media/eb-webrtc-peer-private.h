/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>

G_BEGIN_DECLS

/* Answering waits at most this long for ICE gathering by default. */
#define EB_WEBRTC_DEFAULT_GATHERING_TIMEOUT_MS 3000

/**
 * EbWebrtcIceConfig:
 * @stun_server: (nullable): "stun://host:port"
 * @turn_servers: (nullable): "turn(s)://user:password@host:port", each
 * @min_port: lowest local UDP port for ICE (0: any)
 * @max_port: highest local UDP port for ICE (0: any)
 * @local_addresses: (nullable): the local addresses ICE gathers on; when
 *   set, only these (libnice skips loopback and `veth*` interfaces on its
 *   own, so one machine needs "127.0.0.1" here)
 * @gathering_timeout_ms: the longest an answer waits for ICE gathering
 *   (0: the default); it is then sent with the candidates found so far
 */
typedef struct
{
  char *stun_server;
  GStrv turn_servers;
  guint min_port;
  guint max_port;
  GStrv local_addresses;
  guint gathering_timeout_ms;
} EbWebrtcIceConfig;

EbWebrtcIceConfig *eb_webrtc_ice_config_copy (const EbWebrtcIceConfig *config);
void eb_webrtc_ice_config_free (EbWebrtcIceConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbWebrtcIceConfig, eb_webrtc_ice_config_free)

/*
 * EbWebrtcPeer: one WebRTC connection on webrtcbin, answering an offer
 * without trickle ICE (the answer carries the candidates). It owns the
 * pipeline the WHIP and WHEP endpoints add their elements to, and tells
 * its owner once when the connection is gone (failed, closed, the
 * peer's network vanished, or a pipeline error).
 *
 * Threads: created, answered and closed on the main context it was
 * created in; webrtcbin's threads only hand over to it.
 */
typedef struct _EbWebrtcPeer EbWebrtcPeer;

/* Main context: the connection is gone; called at most once, never
 * after eb_webrtc_peer_close(). */
typedef void (*EbWebrtcPeerGoneFunc) (EbWebrtcPeer *peer, const char *reason, gpointer user_data);

/* Loads GStreamer's DTLS elements and makes the process's DTLS
 * certificate (an RSA key: most of a second on a small machine), so
 * that the first answer does not spend its ICE gathering time on it.
 * Once per process; EB_ERROR_UNAVAILABLE without the dtls plugin. */
gboolean eb_webrtc_prepare_dtls (GError **error);

EbWebrtcPeer *eb_webrtc_peer_new (const char *name, const EbWebrtcIceConfig *ice, GError **error);
EbWebrtcPeer *eb_webrtc_peer_ref (EbWebrtcPeer *peer);
void eb_webrtc_peer_unref (EbWebrtcPeer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbWebrtcPeer, eb_webrtc_peer_unref)

const char *eb_webrtc_peer_get_name (EbWebrtcPeer *peer);
/* (transfer none) */
GstElement *eb_webrtc_peer_get_webrtcbin (EbWebrtcPeer *peer);
/* (transfer none) */
GstBin *eb_webrtc_peer_get_pipeline (EbWebrtcPeer *peer);
/* @user_data must outlive the peer's open life (until
 * eb_webrtc_peer_close()). */
void eb_webrtc_peer_set_gone_func (EbWebrtcPeer *peer, EbWebrtcPeerGoneFunc func,
                                   gpointer user_data);

/* Starts the pipeline, sets @offer (transfer full) as the remote
 * description, creates and sets the answer, and returns its text once
 * ICE gathering completed or the gathering timeout passed. Errors:
 * %EB_ERROR_INVALID when webrtcbin refuses the offer,
 * %EB_ERROR_UNAVAILABLE when no ICE candidate was found. */
void eb_webrtc_peer_answer_async (EbWebrtcPeer *peer, GstSDPMessage *offer,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
char *eb_webrtc_peer_answer_finish (EbWebrtcPeer *peer, GAsyncResult *result, GError **error);

/* Whether the connection is up (DTLS connected). */
gboolean eb_webrtc_peer_is_connected (EbWebrtcPeer *peer);

/* Stops the pipeline (synchronously); an answer still pending fails.
 * Idempotent. */
void eb_webrtc_peer_close (EbWebrtcPeer *peer);

G_END_DECLS
