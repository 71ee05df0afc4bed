/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "eb-pipeline-template-private.h"
#include "eb-rtp-forward-private.h"

G_BEGIN_DECLS

/*
 * EbTsBridge: a browser's WebRTC publication bridged to room systems. Its
 * H.264 video and Opus audio, the RTP packets its forwarding sources
 * pass on, are depayloaded and muxed into MPEG-TS (never decoded) for the
 * track's SRT pulls. VP8 cannot be carried in MPEG-TS, so a publication
 * with VP8 video is not bridged (see eb_ts_bridge_can_carry()).
 *
 * The bridge takes the sources like a WHEP viewer does: its video starts
 * at a keyframe, asked of the browser when the bridge starts.
 *
 * Threads: the output function is called on a streaming thread;
 * everything else runs on the main context.
 */
typedef struct _EbTsBridge EbTsBridge;

/* Streaming thread: MPEG-TS bytes, whole 188-byte packets. */
typedef void (*EbTsBridgeOutputFunc) (const guint8 *data, gsize length, gpointer user_data);

/* The templates a bridge needs: "bridge-webrtc-mux" (a muxer "mux"),
 * "bridge-webrtc-depay-h264" and "bridge-webrtc-depay-opus". */
gboolean eb_ts_bridge_check_templates (EbPipelineTemplates *templates, GError **error);

/* Whether a publication of @video_codec (nullable) and @audio_codec
 * (nullable) can go into MPEG-TS as it is; if not, @reason says why. */
gboolean eb_ts_bridge_can_carry (const char *video_codec, const char *audio_codec, char **reason);

/**
 * eb_ts_bridge_new:
 * @templates: only used until this returns
 * @video: (nullable): the H.264 source, with an input now
 * @audio: (nullable): the Opus source, with an input now
 * @queue_limit: bytes waiting for the muxer beyond which a stream is
 *   dropped from the bridge (the publisher and its viewers go on)
 */
EbTsBridge *eb_ts_bridge_new (EbPipelineTemplates *templates, const char *track, EbRtpSource *video,
                              EbRtpSource *audio, gsize queue_limit, EbTsBridgeOutputFunc output,
                              gpointer user_data, GError **error);
void eb_ts_bridge_free (EbTsBridge *bridge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbTsBridge, eb_ts_bridge_free)

/* Starts the muxer and takes the sources' packets from now on. */
gboolean eb_ts_bridge_start (EbTsBridge *bridge, GError **error);
/* Lets go of the sources and stops the muxer (synchronously): the
 * output function is not called any more. Idempotent. */
void eb_ts_bridge_stop (EbTsBridge *bridge);

G_END_DECLS
