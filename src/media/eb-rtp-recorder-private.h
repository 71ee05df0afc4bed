/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <eboard/eb-media.h>

#include "eb-pipeline-template-private.h"
#include "eb-rtp-forward-private.h"
#include "eb-webrtc-sdp-private.h"

G_BEGIN_DECLS

/*
 * EbRtpRecorder: records one WebRTC publisher connection (its RTP
 * streams as received: at most one video, VP8 or H.264, and Opus audio)
 * without re-encoding: depayloaded and muxed into short Matroska
 * segments `<directory>/<track>-NNNNN.mkv`, each appended to the
 * session's manifest (see eb-manifest-private.h) as it closes, like the
 * SRT recorder's MPEG-TS segments.
 *
 * Signals (emitted on the main context):
 * - "segment-closed" (EbRecordedSegment *segment)
 * - "failed" (GError *error): e.g. the disk is full; what was written
 *   stays playable
 */
#define EB_TYPE_RTP_RECORDER (eb_rtp_recorder_get_type ())
G_DECLARE_FINAL_TYPE (EbRtpRecorder, eb_rtp_recorder, EB, RTP_RECORDER, GObject)

/* The pipeline templates a recorder needs: "webrtc-record" (a
 * splitmuxsink named "mux") and "webrtc-depay-vp8", "webrtc-depay-h264",
 * "webrtc-depay-opus". */
gboolean eb_rtp_recorder_check_templates (EbPipelineTemplates *templates, GError **error);

EbRtpRecorder *eb_rtp_recorder_new (EbPipelineTemplates *templates, const char *directory,
                                    const char *track_name, EbId person_id, gint64 session_start_us,
                                    guint segment_seconds, GError **error);
/* Before eb_rtp_recorder_start(): a stream of @format; the muxer's
 * keyframe requests go to @keyframes (nullable). Returns: its number,
 * or -1 with @error. */
gint eb_rtp_recorder_add_stream (EbRtpRecorder *self, const EbRtpFormat *format,
                                 EbRtpSource *keyframes, GError **error);
gboolean eb_rtp_recorder_start (EbRtpRecorder *self, GError **error);
/* Thread-safe, never blocks: one RTP packet of @stream (transfer none);
 * dropped (and counted) when the recorder cannot keep up. */
void eb_rtp_recorder_push (EbRtpRecorder *self, guint stream, GstBuffer *buffer);
/* Ends every stream (EOS), waits (bounded) for the last segment to
 * close and be in the manifest, stops. */
void eb_rtp_recorder_stop_async (EbRtpRecorder *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* (transfer full): the track as recorded (codecs, size, segments) */
EbRecordedTrack *eb_rtp_recorder_stop_finish (EbRtpRecorder *self, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
