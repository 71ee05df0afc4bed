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
 * EbRtpBridge: a room system's SRT publication bridged to browsers. One
 * publisher connection's MPEG-TS is demuxed and its H.264 video and Opus
 * audio repacketised as RTP (never decoded) into the track's forwarding
 * sources, which WHEP viewers take like a browser publisher's. Other
 * streams, AAC audio above all, are not bridged: browsers cannot decode
 * AAC over WebRTC, and nothing is re-encoded.
 *
 * No keyframe can be asked of an SRT encoder: a viewer's picture starts
 * at the encoder's next keyframe (its GOP). A source is fed (has an
 * input, so viewers can choose it) from the first packet of its stream,
 * once the demuxer and parser have found its program and parameter
 * sets, until the bridge stops. Once the format of every stream it
 * carries is known, the input is demuxed only while the track has
 * viewers (from the first message after a viewer comes).
 *
 * Threads: eb_rtp_bridge_push() on any thread (the SRT network thread),
 * never blocking; everything else on the main context.
 */
typedef struct _EbRtpBridge EbRtpBridge;

/* The templates a bridge needs: "bridge-srt-demux" (an appsrc "src" and
 * a demuxer "demux"), "bridge-srt-pay-h264" and "bridge-srt-pay-opus". */
gboolean eb_rtp_bridge_check_templates (EbPipelineTemplates *templates, GError **error);

/* @templates: only used until this returns. */
EbRtpBridge *eb_rtp_bridge_new (EbPipelineTemplates *templates, const char *track,
                                EbRtpSource *video, EbRtpSource *audio, GError **error);
void eb_rtp_bridge_free (EbRtpBridge *bridge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRtpBridge, eb_rtp_bridge_free)

gboolean eb_rtp_bridge_start (EbRtpBridge *bridge, GError **error);
/* Thread-safe, never blocks: the publisher's bytes, as received; dropped
 * (and counted) when the bridge cannot keep up or is not running. */
void eb_rtp_bridge_push (EbRtpBridge *bridge, const guint8 *data, gsize length);
/* Detaches from the sources and stops the pipeline (synchronously).
 * Idempotent. */
void eb_rtp_bridge_stop (EbRtpBridge *bridge);

G_END_DECLS
