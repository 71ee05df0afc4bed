/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <eboard/eb-media.h>

#include "eb-pipeline-template-private.h"

G_BEGIN_DECLS

/*
 * EbRecorder: records one track (an MPEG-TS byte stream as it arrives
 * from a publisher) without re-encoding: demuxed, parsed and muxed into
 * short crash-tolerant segments `<directory>/<track>-NNNNN.ts`, each
 * appended to the session's manifest as it closes.
 *
 * Signals (emitted on the main context):
 * - "segment-closed" (EbRecordedSegment *segment)
 * - "refused" (const char *reason): the input is not a supported stream
 *   (garbage, unsupported codec); the recorder stops, keeping nothing
 *   half-written
 * - "failed" (GError *error): e.g. the disk is full, or the stream's
 *   program changed (EB_RECORDER_ERROR_PROGRAM_CHANGED); what was
 *   written stays playable
 */
/* The recorder's own failures that its owner may act on; others are
 * EB_ERROR_FAILED. */
#define EB_RECORDER_ERROR (eb_recorder_error_quark ())
GQuark eb_recorder_error_quark (void);

typedef enum
{
  /* The publisher's encoder restarted its muxer with other streams (a
   * new program): the recording of this input ended cleanly there; a new
   * recorder records what follows. */
  EB_RECORDER_ERROR_PROGRAM_CHANGED,
} EbRecorderError;

#define EB_TYPE_RECORDER (eb_recorder_get_type ())
G_DECLARE_FINAL_TYPE (EbRecorder, eb_recorder, EB, RECORDER, GObject)

EbRecorder *eb_recorder_new (EbPipelineTemplates *templates, const char *directory,
                             const char *track_name, gint64 session_start_us, guint segment_seconds,
                             GError **error);
gboolean eb_recorder_start (EbRecorder *self, GError **error);
/* Thread-safe: called from the network thread with received bytes. */
void eb_recorder_push (EbRecorder *self, const guint8 *data, gsize length);
/* Sends EOS, waits for the last segment to close (bounded), stops. */
void eb_recorder_stop_async (EbRecorder *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
/* (transfer full): the track as recorded (codecs, size, segments). */
EbRecordedTrack *eb_recorder_stop_finish (EbRecorder *self, GAsyncResult *result, GError **error);

/* Checks that @templates hold what a recorder needs: "record" (an appsrc
 * named "src", a tsdemux named "demux", a splitmuxsink named "mux") and
 * the parser fragments "parse-h264", "parse-aac" and "parse-opus". */
gboolean eb_recorder_check_templates (EbPipelineTemplates *templates, GError **error);
/* The track name and person the manifest lines carry (by default the
 * recorder's track name, and the person of a "p<id>-..." name); call it
 * before eb_recorder_start(). */
void eb_recorder_set_track_info (EbRecorder *self, const char *track, EbId person_id);
/* Thread-safe: the bytes dropped because the recorder's input queue was
 * full. */
guint64 eb_recorder_get_dropped_bytes (EbRecorder *self);

G_END_DECLS
