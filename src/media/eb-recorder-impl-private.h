/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * The recorder's instance struct and what its files share:
 * - eb-recorder.c: the object and its API
 * - eb-recorder-branch.c: demuxer pads, codec routes and parser branches
 *   (streaming threads)
 * - eb-recorder-segments.c: the muxer's segment files (tracked by
 *   eb-segment-fragments.c, as for the WebRTC recorder), in order, to the
 *   worker (eb-segment-job.c) and the manifest (main context)
 * - eb-recorder-outcome.c: refusal, failure, the end of a stop, bus
 *   messages and timeouts (main context)
 * - eb-recorder-shared.c: the handover from other threads to the main
 *   context
 */

#include <gst/gst.h>

#include "eb-recorder-private.h"
#include "eb-recorder-shared-private.h"
#include "eb-segment-fragments-private.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (eb_recorder_debug);
#define GST_CAT_DEFAULT eb_recorder_debug

/* An input that shows no MPEG-TS program (PAT and PMT with an audio or
 * video stream) within this many bytes or seconds from its first byte is
 * refused. Encoders repeat PAT/PMT at least every half second. */
#define EB_RECORDER_PROBE_BYTES (2 * 1024 * 1024)
#define EB_RECORDER_PROBE_SECONDS 5
/* Stopping waits this long for the muxer to close the last segment. */
#define EB_RECORDER_STOP_TIMEOUT_MS 5000

typedef enum
{
  EB_RECORDER_NEW,
  EB_RECORDER_RUNNING,
  EB_RECORDER_STOPPING,
  EB_RECORDER_STOPPED,
  EB_RECORDER_REFUSED,
  EB_RECORDER_FAILED,
} EbRecorderState;

/* A recorded stream: its route and the pad its demuxer pad links to
 * (relinked when the stream's program changes). */
typedef struct _EbBranchLink EbBranchLink;

struct _EbRecorder
{
  GObject parent_instance;

  EbRecorderShared *shared;
  GMainContext *context;
  char *directory;
  char *track_name;
  char *manifest_track;
  char *manifest_path;
  EbId person_id;
  gint64 session_start_us;
  guint segment_seconds;
  guint start_index;
  GHashTable *parser_descriptions; /* template name -> gst-launch description */

  GstElement *pipeline;
  GstElement *bin; /* the record template */
  GstElement *appsrc;
  GstElement *demux;
  GstElement *mux;
  GSource *bus_source;

  /* guarded by lock: shared with the network and streaming threads */
  GMutex lock;
  EbRecorderState state;
  gboolean exposed;
  gboolean refusing;
  char *refusal; /* decided on another thread, not reported yet */
  GPtrArray *demux_pads;
  GPtrArray *branches;       /* EbBranchLink */
  GPtrArray *late_pads;      /* demuxer pads of a new program, until no-more-pads */
  gboolean program_changing; /* from a new program's first pad to its no-more-pads */
  GError *pending_failure;   /* reported once the muxer has closed the last segment */
  guint64 max_bytes;
  GByteArray *batch;     /* received, not yet in the input queue */
  gint64 batch_started;  /* monotonic time of its first byte */
  guint64 bytes_in;      /* accepted into the input queue */
  guint64 bytes_demuxed; /* read by the demuxer */
  guint64 bytes_dropped;
  guint64 bytes_discarded;
  gint64 last_drop_log;
  char *video_codec;
  char *audio_codec;
  gint width;
  gint height;
  GstClockTime first_rt;
  GstClockTime max_end_rt;
  gint64 first_byte_us;
  gboolean video_requested;

  /* main context */
  gboolean pipeline_done;
  GQueue fragments;        /* EbFragment */
  GPtrArray *opened_files; /* every segment file opened, utf8 */
  GQueue jobs;             /* EbSegmentJob, waiting */
  gboolean job_running;
  GPtrArray *segments; /* EbRecordedSegment */
  GTask *stop_task;
  GSource *stop_timeout;
};

enum
{
  EB_RECORDER_SIGNAL_SEGMENT_CLOSED,
  EB_RECORDER_SIGNAL_REFUSED,
  EB_RECORDER_SIGNAL_FAILED,
  EB_RECORDER_N_SIGNALS
};

extern guint eb_recorder_signals[EB_RECORDER_N_SIGNALS];

/* eb-recorder-branch.c: streaming threads */
void eb_branch_link_free (EbBranchLink *link);
GstPadProbeReturn eb_recorder_input_probe_cb (GstPad *pad, GstPadProbeInfo *info,
                                              gpointer user_data);
void eb_recorder_demux_no_more_pads_cb (GstElement *demux, EbRecorder *self);
void eb_recorder_demux_pad_added_cb (GstElement *demux, GstPad *pad, EbRecorder *self);

/* eb-recorder-segments.c: main context */
guint eb_recorder_next_free_index (EbRecorder *self);
void eb_recorder_remove_own_files (EbRecorder *self, gboolean all);
void eb_recorder_handle_element_message (EbRecorder *self, GstMessage *message);
void eb_recorder_clear_stop_timeout (EbRecorder *self);
void eb_recorder_stop_pipeline (EbRecorder *self);

/* eb-recorder-outcome.c */
void eb_recorder_decide_refusal (EbRecorder *self, char *reason);
void eb_recorder_refuse_pending (EbRecorder *self);
void eb_recorder_fail (EbRecorder *self, const GError *error);
void eb_recorder_fail_pending (EbRecorder *self);
void eb_recorder_maybe_complete_stop (EbRecorder *self);
gboolean eb_recorder_bus_cb (GstBus *bus, GstMessage *message, gpointer user_data);
gboolean eb_recorder_probe_timeout_cb (gpointer user_data);
gboolean eb_recorder_stop_timeout_cb (gpointer user_data);

G_END_DECLS
