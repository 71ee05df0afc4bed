/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/app/gstappsrc.h>
#include <gst/pbutils/pbutils.h>

#include <eboard/eb-error.h>

#include "eb-manifest-private.h"
#include "eb-recorder-private.h"

GST_DEBUG_CATEGORY_STATIC (eb_recorder_debug);
#define GST_CAT_DEFAULT eb_recorder_debug

#define EB_RECORDER_TEMPLATE "record"
/* Bytes queued in the appsrc before new input is dropped. */
#define EB_RECORDER_MAX_BYTES (4 * 1024 * 1024)
/* An input that shows no MPEG-TS program (PAT and PMT with an audio or
 * video stream) within this many bytes or seconds from its first byte is
 * refused. Encoders repeat PAT/PMT at least every half second. */
#define EB_RECORDER_PROBE_BYTES (2 * 1024 * 1024)
#define EB_RECORDER_PROBE_SECONDS 5
/* Stopping waits this long for the muxer to close the last segment. */
#define EB_RECORDER_STOP_TIMEOUT_MS 5000
#define EB_RECORDER_DROP_LOG_INTERVAL_US (5 * G_USEC_PER_SEC)
/* Each elementary stream has a queue between the demuxer's one streaming
 * thread and the muxer, which waits for every stream to reach a cut. */
#define EB_RECORDER_BRANCH_QUEUE_TIME (5 * GST_SECOND)

typedef struct
{
  const char *caps_name;
  gint mpegversion; /* 0: any */
  const char *template_name;
  gboolean video;
} EbCodecRoute;

/* What is recorded, and through which parser fragment of pipelines/. */
static const EbCodecRoute routes[] = {
  { "video/x-h264", 0, "parse-h264", TRUE },
  { "audio/mpeg", 4, "parse-aac", FALSE },
  { "audio/mpeg", 2, "parse-aac", FALSE },
  { "audio/x-opus", 0, "parse-opus", FALSE },
};

static const char *const parser_templates[] = { "parse-h264", "parse-aac", "parse-opus" };

typedef enum
{
  EB_RECORDER_NEW,
  EB_RECORDER_RUNNING,
  EB_RECORDER_STOPPING,
  EB_RECORDER_STOPPED,
  EB_RECORDER_REFUSED,
  EB_RECORDER_FAILED,
} EbRecorderState;

/* What streaming and network threads hold to reach the recorder from the
 * main context: the recorder clears @recorder in dispose. */
typedef struct
{
  gatomicrefcount ref;
  GMutex lock;
  EbRecorder *recorder;
  GMainContext *context;
} EbRecorderShared;

/* A segment file the muxer opened (main context). */
typedef struct
{
  char *location;
  GstClockTime start_rt;
  GstClockTime end_rt;
  gboolean closed;
} EbFragment;

/* A closed segment to hash, fsync and append to the manifest. */
typedef struct
{
  char *path;
  char *manifest_path;
  EbManifestEntry *entry;
  gboolean measure; /* not closed by the muxer: measure it from the file */
  GError *append_error;
} EbSegmentJob;

typedef struct
{
  EbRecorder *recorder;
  GstSegment segment;
  gboolean video;
} EbBranch;

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
  guint64 max_bytes;
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

G_DEFINE_TYPE (EbRecorder, eb_recorder, G_TYPE_OBJECT)

enum
{
  SIGNAL_SEGMENT_CLOSED,
  SIGNAL_REFUSED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void refuse (EbRecorder *self, const char *reason);
static void refuse_pending (EbRecorder *self);
static void decide_refusal (EbRecorder *self, char *reason);
static void fail (EbRecorder *self, const GError *error);
static void run_next_job (EbRecorder *self);
static void maybe_complete_stop (EbRecorder *self);

/* --- shared --- */

static EbRecorderShared *
eb_recorder_shared_ref (EbRecorderShared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
eb_recorder_shared_unref (EbRecorderShared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref))
    return;
  g_mutex_clear (&shared->lock);
  g_main_context_unref (shared->context);
  g_free (shared);
}

/* (transfer full) (nullable): the recorder, unless it is gone */
static EbRecorder *
eb_recorder_shared_get (EbRecorderShared *shared)
{
  EbRecorder *recorder;

  g_mutex_lock (&shared->lock);
  recorder = shared->recorder != NULL ? g_object_ref (shared->recorder) : NULL;
  g_mutex_unlock (&shared->lock);
  return recorder;
}

typedef void (*EbRecorderMainFunc) (EbRecorder *self, gpointer data);

typedef struct
{
  EbRecorderShared *shared;
  EbRecorderMainFunc func;
  gpointer data;
  GDestroyNotify data_free;
} EbHandover;

static void
eb_handover_free (EbHandover *handover)
{
  if (handover->data_free != NULL)
    handover->data_free (handover->data);
  eb_recorder_shared_unref (handover->shared);
  g_free (handover);
}

static gboolean
handover_cb (gpointer user_data)
{
  EbHandover *handover = user_data;
  g_autoptr (EbRecorder) self = eb_recorder_shared_get (handover->shared);

  if (self != NULL)
    handover->func (self, handover->data);
  return G_SOURCE_REMOVE;
}

/* Any thread: runs @func on the recorder's main context (always later,
 * from an idle source, never from within the caller), unless the
 * recorder is gone by then. */
static void
handover (EbRecorderShared *shared, EbRecorderMainFunc func, gpointer data,
          GDestroyNotify data_free)
{
  EbHandover *handover = g_new0 (EbHandover, 1);
  g_autoptr (GSource) source = g_idle_source_new ();

  handover->shared = eb_recorder_shared_ref (shared);
  handover->func = func;
  handover->data = data;
  handover->data_free = data_free;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, handover_cb, handover, (GDestroyNotify)eb_handover_free);
  g_source_attach (source, shared->context);
}

/* --- helpers --- */

static void
eb_fragment_free (EbFragment *fragment)
{
  g_free (fragment->location);
  g_free (fragment);
}

static void
eb_segment_job_free (EbSegmentJob *job)
{
  g_free (job->path);
  g_free (job->manifest_path);
  eb_manifest_entry_free (job->entry);
  g_clear_error (&job->append_error);
  g_free (job);
}

static const EbCodecRoute *
find_route (const GstCaps *caps)
{
  const GstStructure *structure;
  gint version = 0;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;
  structure = gst_caps_get_structure (caps, 0);
  gst_structure_get_int (structure, "mpegversion", &version);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (gst_structure_has_name (structure, routes[i].caps_name)
          && (routes[i].mpegversion == 0 || routes[i].mpegversion == version))
        return &routes[i];
    }
  return NULL;
}

static gboolean
caps_are_media (const GstCaps *caps)
{
  const char *name;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return FALSE;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  return g_str_has_prefix (name, "video/") || g_str_has_prefix (name, "audio/");
}

/* "<track>-NNNNN.ts" of this recorder: its index, or -1. */
static gint64
own_segment_index (EbRecorder *self, const char *file)
{
  gsize prefix_length = strlen (self->track_name);
  const char *p;

  if (strncmp (file, self->track_name, prefix_length) != 0 || file[prefix_length] != '-'
      || !g_str_has_suffix (file, ".ts"))
    return -1;
  p = file + prefix_length + 1;
  if (!g_ascii_isdigit (*p))
    return -1;
  for (const char *q = p; q < file + strlen (file) - 3; q++)
    {
      if (!g_ascii_isdigit (*q))
        return -1;
    }
  return g_ascii_strtoll (p, NULL, 10);
}

/* The first free segment index: a track recorded again in the same
 * folder (a restarted daemon) never overwrites its earlier segments. */
static guint
next_free_index (EbRecorder *self)
{
  g_autoptr (GDir) dir = g_dir_open (self->directory, 0, NULL);
  gint64 next = 0;
  const char *name;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gint64 index = own_segment_index (self, name);

      if (index >= next)
        next = index + 1;
    }
  return (guint)MIN (next, G_MAXINT);
}

/* Removes the segment files this recorder opened that are empty, or all
 * of them when @all. Only those it opened: a reconnect's recorder may be
 * writing the next ones in the same folder already. */
static void
remove_own_files (EbRecorder *self, gboolean all)
{
  for (guint i = 0; i < self->opened_files->len; i++)
    {
      const char *path = g_ptr_array_index (self->opened_files, i);
      GStatBuf st;

      if (g_stat (path, &st) != 0 || (!all && st.st_size > 0))
        continue;
      if (g_unlink (path) != 0)
        g_message ("track %s: cannot remove %s: %s", self->track_name, path, g_strerror (errno));
    }
}

static char *
escape_percent (const char *text)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%')
        g_string_append_c (out, '%');
      g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* --- streaming threads --- */

/* Streaming thread: follows segment, caps and the latest running time
 * that reached the muxer (the end of the last segment at EOS). */
static GstPadProbeReturn
branch_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbBranch *branch = user_data;
  EbRecorder *self = branch->recorder;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      GstClockTime ts
          = GST_BUFFER_PTS_IS_VALID (buffer) ? GST_BUFFER_PTS (buffer) : GST_BUFFER_DTS (buffer);
      GstClockTime start_rt;
      GstClockTime end_rt;

      if (!GST_CLOCK_TIME_IS_VALID (ts) || branch->segment.format != GST_FORMAT_TIME)
        return GST_PAD_PROBE_OK;
      start_rt = gst_segment_to_running_time (&branch->segment, GST_FORMAT_TIME, ts);
      if (GST_BUFFER_DURATION_IS_VALID (buffer))
        ts += GST_BUFFER_DURATION (buffer);
      end_rt = gst_segment_to_running_time (&branch->segment, GST_FORMAT_TIME, ts);
      g_mutex_lock (&self->lock);
      if (GST_CLOCK_TIME_IS_VALID (start_rt)
          && (!GST_CLOCK_TIME_IS_VALID (self->first_rt) || start_rt < self->first_rt))
        self->first_rt = start_rt;
      if (GST_CLOCK_TIME_IS_VALID (end_rt)
          && (!GST_CLOCK_TIME_IS_VALID (self->max_end_rt) || end_rt > self->max_end_rt))
        self->max_end_rt = end_rt;
      g_mutex_unlock (&self->lock);
    }
  else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        gst_event_copy_segment (event, &branch->segment);
      else if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
        {
          GstCaps *caps;
          g_autofree char *codec = NULL;

          gst_event_parse_caps (event, &caps);
          codec = eb_manifest_codec_from_caps (caps);
          g_mutex_lock (&self->lock);
          if (branch->video)
            {
              const GstStructure *structure = gst_caps_get_structure (caps, 0);

              g_free (self->video_codec);
              self->video_codec = g_steal_pointer (&codec);
              gst_structure_get_int (structure, "width", &self->width);
              gst_structure_get_int (structure, "height", &self->height);
            }
          else if (self->audio_codec == NULL)
            self->audio_codec = g_steal_pointer (&codec);
          g_mutex_unlock (&self->lock);
        }
    }
  return GST_PAD_PROBE_OK;
}

/* Streaming thread: counts what the demuxer reads; an input that shows
 * no program within EB_RECORDER_PROBE_BYTES is refused (counted here,
 * not as pushed, so that a burst of queued bytes is judged on what the
 * demuxer has seen). */
static GstPadProbeReturn
input_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbRecorder *self = user_data;
  gsize size = 0;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    size = gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    size = gst_buffer_list_calculate_size (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  g_mutex_lock (&self->lock);
  self->bytes_demuxed += size;
  if (!self->exposed && !self->refusing && self->bytes_demuxed > EB_RECORDER_PROBE_BYTES)
    decide_refusal (self, g_strdup_printf ("no MPEG-TS program with an audio or video stream in "
                                           "the first %u bytes: not an MPEG-TS stream",
                                           (guint)EB_RECORDER_PROBE_BYTES));
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

/* Streaming thread: streams that are neither audio nor video (teletext,
 * KLV, SCTE-35) are not recorded. */
static gboolean
link_to_fakesink (EbRecorder *self, GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sinkpad = NULL;

  if (sink == NULL)
    return FALSE;
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (self->bin), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_element_sync_state_with_parent (sink);
  return gst_pad_link (pad, sinkpad) == GST_PAD_LINK_OK;
}

/* Streaming thread: demuxer pad -> queue -> parser fragment -> muxer. */
static gboolean
link_branch (EbRecorder *self, GstPad *pad, const EbCodecRoute *route, GError **error)
{
  const char *description = g_hash_table_lookup (self->parser_descriptions, route->template_name);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GstPad) queue_sink = NULL;
  g_autoptr (GstPad) fragment_src = NULL;
  GstPad *mux_pad;
  GstElement *queue;
  GstElement *fragment;
  EbBranch *branch;

  fragment = gst_parse_bin_from_description (description, TRUE, &local_error);
  if (fragment == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "pipeline template %s: %s",
                   route->template_name, local_error->message);
      return FALSE;
    }
  queue = gst_element_factory_make ("queue", NULL);
  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0, "max-size-time",
                (guint64)EB_RECORDER_BRANCH_QUEUE_TIME, NULL);
  gst_bin_add_many (GST_BIN (self->bin), queue, fragment, NULL);

  mux_pad = gst_element_request_pad_simple (self->mux, route->video ? "video" : "audio_%u");
  fragment_src = gst_element_get_static_pad (fragment, "src");
  queue_sink = gst_element_get_static_pad (queue, "sink");
  if (mux_pad == NULL || fragment_src == NULL || !gst_element_link (queue, fragment)
      || gst_pad_link (fragment_src, mux_pad) != GST_PAD_LINK_OK
      || gst_pad_link (pad, queue_sink) != GST_PAD_LINK_OK)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                   "pipeline template %s cannot be linked between the demuxer and the muxer",
                   route->template_name);
      if (mux_pad != NULL)
        gst_object_unref (mux_pad);
      return FALSE;
    }
  /* the muxer keeps the request pad; it is released with the muxer */
  gst_object_unref (mux_pad);

  branch = g_new0 (EbBranch, 1);
  branch->recorder = self;
  branch->video = route->video;
  gst_segment_init (&branch->segment, GST_FORMAT_UNDEFINED);
  gst_pad_add_probe (fragment_src, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     branch_probe_cb, branch, g_free);

  gst_element_sync_state_with_parent (fragment);
  gst_element_sync_state_with_parent (queue);
  return TRUE;
}

static void
refuse_pending_main (EbRecorder *self, gpointer data)
{
  refuse_pending (self);
}

/* Any thread, with the lock held: the input will be refused. */
static void
decide_refusal (EbRecorder *self, char *reason)
{
  self->refusing = TRUE;
  if (self->refusal == NULL)
    self->refusal = reason;
  else
    g_free (reason);
  handover (self->shared, refuse_pending_main, NULL, NULL);
}

/* Main context: reports a refusal decided on another thread. */
static void
refuse_pending (EbRecorder *self)
{
  g_autofree char *reason = NULL;

  g_mutex_lock (&self->lock);
  reason = g_steal_pointer (&self->refusal);
  g_mutex_unlock (&self->lock);
  if (reason != NULL)
    refuse (self, reason);
}

static void
fail_main (EbRecorder *self, gpointer data)
{
  fail (self, data);
}

/* Streaming thread: every pad of the program is known; link them all, or
 * refuse the input. */
static void
demux_no_more_pads_cb (GstElement *demux, EbRecorder *self)
{
  g_autoptr (GPtrArray) pads = NULL;
  g_autoptr (GString) unsupported = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  guint n_media = 0;

  g_mutex_lock (&self->lock);
  if (self->exposed || self->refusing
      || (self->state != EB_RECORDER_RUNNING && self->state != EB_RECORDER_STOPPING))
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  pads = g_steal_pointer (&self->demux_pads);
  self->demux_pads = g_ptr_array_new_with_free_func (gst_object_unref);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < pads->len; i++)
    {
      GstPad *pad = g_ptr_array_index (pads, i);
      g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);

      if (caps == NULL)
        caps = gst_pad_query_caps (pad, NULL);
      if (!caps_are_media (caps))
        continue;
      n_media++;
      if (find_route (caps) == NULL)
        {
          g_autofree char *description = gst_pb_utils_get_codec_description (caps);
          const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

          g_string_append_printf (unsupported, "%s%s (%s)", unsupported->len > 0 ? ", " : "",
                                  description != NULL ? description : name, name);
        }
    }
  if (unsupported->len > 0 || n_media == 0)
    {
      g_autofree char *reason = NULL;

      if (n_media == 0)
        reason = g_strdup ("the MPEG-TS program holds no audio or video stream");
      else
        reason = g_strdup_printf ("unsupported codec: %s; H.264 video with AAC or Opus audio "
                                  "is recorded",
                                  unsupported->str);
      g_mutex_lock (&self->lock);
      decide_refusal (self, g_steal_pointer (&reason));
      g_mutex_unlock (&self->lock);
      return;
    }

  for (guint i = 0; i < pads->len && error == NULL; i++)
    {
      GstPad *pad = g_ptr_array_index (pads, i);
      g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
      const EbCodecRoute *route;
      gboolean skip = FALSE;

      if (caps == NULL)
        caps = gst_pad_query_caps (pad, NULL);
      route = caps_are_media (caps) ? find_route (caps) : NULL;
      if (route != NULL && route->video)
        {
          g_mutex_lock (&self->lock);
          skip = self->video_requested;
          self->video_requested = TRUE;
          g_mutex_unlock (&self->lock);
          if (skip)
            g_message ("track %s: only the first video stream is recorded", self->track_name);
        }
      if (route == NULL || skip)
        link_to_fakesink (self, pad);
      else
        link_branch (self, pad, route, &error);
    }
  if (error != NULL)
    {
      handover (self->shared, fail_main, g_steal_pointer (&error), (GDestroyNotify)g_error_free);
      return;
    }
  g_mutex_lock (&self->lock);
  self->exposed = TRUE;
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self->pipeline, "track %s: %u streams linked", self->track_name, pads->len);
}

/* Streaming thread: collected until no-more-pads; a pad of a later
 * program is not recorded. */
static void
demux_pad_added_cb (GstElement *demux, GstPad *pad, EbRecorder *self)
{
  gboolean late;

  g_mutex_lock (&self->lock);
  late = self->exposed;
  if (!late && self->demux_pads != NULL)
    g_ptr_array_add (self->demux_pads, gst_object_ref (pad));
  g_mutex_unlock (&self->lock);
  if (late)
    {
      g_message ("track %s: a stream added after the start of the recording is not recorded",
                 self->track_name);
      link_to_fakesink (self, pad);
    }
}

/* --- main context: fragments and segments --- */

static EbManifestEntry *
new_entry (EbRecorder *self, const EbFragment *fragment, GstClockTime end_rt)
{
  EbManifestEntry *entry = eb_manifest_entry_new ();

  entry->track = g_strdup (self->manifest_track);
  entry->person_id = self->person_id;
  entry->file = g_path_get_basename (fragment->location);
  entry->session_start_us = self->session_start_us;
  g_mutex_lock (&self->lock);
  /*
   * The offset in the session. Timestamps come from the stream itself
   * (the demuxer maps the publisher's PTS to running time, so network
   * jitter never stretches a segment): the muxer reports the running time
   * of each segment's first keyframe. The earliest running time that
   * reached the muxer is the stream's first media, which arrived with
   * the first byte: running time t is wall clock time
   * first_byte_us + (t - first_rt).
   */
  if (GST_CLOCK_TIME_IS_VALID (fragment->start_rt) && GST_CLOCK_TIME_IS_VALID (self->first_rt))
    entry->start_offset_us = self->first_byte_us
                             + GST_CLOCK_DIFF (self->first_rt, fragment->start_rt) / 1000
                             - self->session_start_us;
  else
    entry->start_offset_us = self->first_byte_us - self->session_start_us;
  if (GST_CLOCK_TIME_IS_VALID (fragment->start_rt) && GST_CLOCK_TIME_IS_VALID (end_rt)
      && end_rt > fragment->start_rt)
    entry->duration_us = (gint64)((end_rt - fragment->start_rt) / GST_USECOND);
  entry->video_codec = g_strdup (self->video_codec);
  entry->audio_codec = g_strdup (self->audio_codec);
  entry->width = self->width;
  entry->height = self->height;
  g_mutex_unlock (&self->lock);
  return entry;
}

static void
queue_job (EbRecorder *self, const EbFragment *fragment, GstClockTime end_rt, gboolean measure)
{
  EbSegmentJob *job = g_new0 (EbSegmentJob, 1);

  job->path = g_strdup (fragment->location);
  job->manifest_path = g_strdup (self->manifest_path);
  job->entry = new_entry (self, fragment, end_rt);
  /* after a write failure the muxer's account of the last segment is
   * not what reached the disk */
  job->measure = measure || self->state == EB_RECORDER_FAILED;
  g_queue_push_tail (&self->jobs, job);
  run_next_job (self);
}

/* Closed segments go to the hashing queue in order, once their end is
 * known: the start of the next segment, or (when the pipeline is done)
 * the last running time that reached the muxer. */
static void
dispatch_fragments (EbRecorder *self)
{
  EbFragment *fragment;

  while ((fragment = g_queue_peek_head (&self->fragments)) != NULL)
    {
      GstClockTime end_rt = fragment->end_rt;

      if (!fragment->closed)
        break;
      if (!GST_CLOCK_TIME_IS_VALID (end_rt))
        {
          if (!self->pipeline_done)
            break;
          g_mutex_lock (&self->lock);
          end_rt = self->max_end_rt;
          g_mutex_unlock (&self->lock);
        }
      g_queue_pop_head (&self->fragments);
      queue_job (self, fragment, end_rt, FALSE);
      eb_fragment_free (fragment);
    }
}

static void
fragment_opened (EbRecorder *self, const char *location, GstClockTime running_time)
{
  EbFragment *previous = g_queue_peek_tail (&self->fragments);
  EbFragment *fragment = g_new0 (EbFragment, 1);

  if (previous != NULL && !GST_CLOCK_TIME_IS_VALID (previous->end_rt))
    previous->end_rt = running_time;
  g_ptr_array_add (self->opened_files, g_strdup (location));
  fragment->location = g_strdup (location);
  fragment->start_rt = running_time;
  fragment->end_rt = GST_CLOCK_TIME_NONE;
  g_queue_push_tail (&self->fragments, fragment);
  GST_DEBUG_OBJECT (self->pipeline, "opened %s at %" GST_TIME_FORMAT, location,
                    GST_TIME_ARGS (running_time));
  dispatch_fragments (self);
}

static void
fragment_closed (EbRecorder *self, const char *location)
{
  for (GList *l = self->fragments.head; l != NULL; l = l->next)
    {
      EbFragment *fragment = l->data;

      if (g_strcmp0 (fragment->location, location) == 0)
        {
          fragment->closed = TRUE;
          break;
        }
    }
  GST_DEBUG_OBJECT (self->pipeline, "closed %s", location);
  dispatch_fragments (self);
}

static void
handle_element_message (EbRecorder *self, GstMessage *message)
{
  const GstStructure *structure = gst_message_get_structure (message);
  const char *location;
  GstClockTime running_time = GST_CLOCK_TIME_NONE;

  if (structure == NULL || GST_MESSAGE_SRC (message) != GST_OBJECT (self->mux))
    return;
  location = gst_structure_get_string (structure, "location");
  if (location == NULL)
    return;
  gst_structure_get_clock_time (structure, "running-time", &running_time);
  if (gst_structure_has_name (structure, "splitmuxsink-fragment-opened"))
    fragment_opened (self, location, running_time);
  else if (gst_structure_has_name (structure, "splitmuxsink-fragment-closed"))
    fragment_closed (self, location);
}

static void
clear_stop_timeout (EbRecorder *self)
{
  if (self->stop_timeout == NULL)
    return;
  g_source_destroy (self->stop_timeout);
  g_clear_pointer (&self->stop_timeout, g_source_unref);
}

/* Sets the pipeline to NULL (once); segments the muxer closed are hashed,
 * the one it did not close (a failure, a stop timeout) is measured from
 * the file: MPEG-TS cut anywhere stays playable. */
static void
stop_pipeline (EbRecorder *self)
{
  g_autoptr (GstBus) bus = NULL;
  GstMessage *message;
  GQueue unclosed = G_QUEUE_INIT;
  EbFragment *fragment;

  if (self->pipeline_done)
    return;
  clear_stop_timeout (self);

  /* the bus drops what is left on it when the pipeline goes to NULL */
  bus = gst_element_get_bus (self->pipeline);
  while ((message = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
    {
      handle_element_message (self, message);
      gst_message_unref (message);
    }
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  self->pipeline_done = TRUE;

  dispatch_fragments (self);
  while ((fragment = g_queue_pop_head (&self->fragments)) != NULL)
    g_queue_push_tail (&unclosed, fragment);
  while ((fragment = g_queue_pop_head (&unclosed)) != NULL)
    {
      GStatBuf st;

      if (g_stat (fragment->location, &st) == 0 && st.st_size > 0)
        {
          g_message ("track %s: %s was not closed by the muxer; keeping what was written",
                     self->track_name, fragment->location);
          queue_job (self, fragment, GST_CLOCK_TIME_NONE, TRUE);
        }
      eb_fragment_free (fragment);
    }
  remove_own_files (self, FALSE);
}

/* Worker thread: fsync, hash, measure when needed, append to the
 * manifest (and fsync it). */
static void
segment_job_thread (GTask *task, gpointer source_object, gpointer task_data,
                    GCancellable *cancellable)
{
  EbSegmentJob *job = task_data;
  GError *error = NULL;
  int fd;

  /* the manifest never lists a segment that is not on disk */
  fd = g_open (job->path, O_RDONLY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      if (fsync (fd) != 0)
        g_debug ("fsync %s: %s", job->path, g_strerror (errno));
      g_close (fd, NULL);
    }
  if (job->measure)
    {
      g_auto (EbSegmentInfo) info = { 0 };

      if (!eb_segment_file_discover (job->path, &info, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      job->entry->duration_us = info.duration_us;
      job->entry->partial = TRUE;
      if (job->entry->video_codec == NULL)
        job->entry->video_codec = g_steal_pointer (&info.video_codec);
      if (job->entry->audio_codec == NULL)
        job->entry->audio_codec = g_steal_pointer (&info.audio_codec);
      if (job->entry->width == 0)
        {
          job->entry->width = info.width;
          job->entry->height = info.height;
        }
    }
  if (!eb_segment_file_hash (job->path, &job->entry->size, &job->entry->sha256, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  eb_manifest_append (job->manifest_path, job->entry, &job->append_error);
  g_task_return_boolean (task, TRUE);
}

static void
segment_job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbRecorderShared *shared = user_data;
  g_autoptr (EbRecorder) self = eb_recorder_shared_get (shared);
  EbSegmentJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordedSegment) segment = NULL;

  eb_recorder_shared_unref (shared);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_message ("segment %s left out of the recording: %s", job->path, error->message);
  if (self == NULL)
    return;
  self->job_running = FALSE;

  if (error == NULL)
    {
      segment = eb_recorded_segment_new ();
      segment->path = g_strdup (job->path);
      segment->start_offset_us = job->entry->start_offset_us;
      segment->duration_us = job->entry->duration_us;
      segment->size = job->entry->size;
      segment->sha256 = g_strdup (job->entry->sha256);
      g_ptr_array_add (self->segments, eb_recorded_segment_copy (segment));
      g_debug ("track %s: segment %s closed: %" G_GINT64_FORMAT " us at %" G_GINT64_FORMAT
               " us, %" G_GUINT64_FORMAT " bytes",
               self->track_name, job->entry->file, segment->duration_us, segment->start_offset_us,
               segment->size);
      g_signal_emit (self, signals[SIGNAL_SEGMENT_CLOSED], 0, segment);
    }
  if (job->append_error != NULL)
    fail (self, job->append_error);

  run_next_job (self);
  maybe_complete_stop (self);
}

/* One job at a time, so that segments are reported and appended in
 * order. */
static void
run_next_job (EbRecorder *self)
{
  g_autoptr (GTask) task = NULL;
  EbSegmentJob *job;

  if (self->job_running || (job = g_queue_pop_head (&self->jobs)) == NULL)
    return;
  self->job_running = TRUE;
  /* no source object: the recorder is only ever released on the main
   * context */
  task = g_task_new (NULL, NULL, segment_job_done_cb, eb_recorder_shared_ref (self->shared));
  g_task_set_source_tag (task, run_next_job);
  g_task_set_task_data (task, job, (GDestroyNotify)eb_segment_job_free);
  g_task_run_in_thread (task, segment_job_thread);
}

/* --- main context: outcomes --- */

static EbRecordedTrack *
build_track (EbRecorder *self)
{
  EbRecordedTrack *track = eb_recorded_track_new (self->track_name, self->person_id);

  g_mutex_lock (&self->lock);
  track->video_codec = g_strdup (self->video_codec);
  track->audio_codec = g_strdup (self->audio_codec);
  track->width = self->width;
  track->height = self->height;
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < self->segments->len; i++)
    g_ptr_array_add (track->segments,
                     eb_recorded_segment_copy (g_ptr_array_index (self->segments, i)));
  return track;
}

static void
maybe_complete_stop (EbRecorder *self)
{
  g_autoptr (GTask) task = NULL;
  guint64 dropped;

  if (self->stop_task == NULL || !self->pipeline_done || self->job_running
      || !g_queue_is_empty (&self->jobs))
    return;
  task = g_steal_pointer (&self->stop_task);
  g_mutex_lock (&self->lock);
  if (self->state == EB_RECORDER_STOPPING || self->state == EB_RECORDER_RUNNING
      || self->state == EB_RECORDER_NEW)
    self->state = EB_RECORDER_STOPPED;
  dropped = self->bytes_dropped;
  g_mutex_unlock (&self->lock);
  if (dropped > 0)
    g_message ("track %s: %" G_GUINT64_FORMAT " bytes were dropped because the recorder "
               "could not keep up",
               self->track_name, dropped);
  g_task_return_pointer (task, build_track (self), (GDestroyNotify)eb_recorded_track_free);
}

static void
refuse (EbRecorder *self, const char *reason)
{
  g_autoptr (EbRecorder) keep = g_object_ref (self);

  g_mutex_lock (&self->lock);
  if (self->state != EB_RECORDER_RUNNING && self->state != EB_RECORDER_STOPPING)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->state = EB_RECORDER_REFUSED;
  self->refusing = TRUE;
  g_mutex_unlock (&self->lock);

  g_message ("track %s: input refused: %s", self->track_name, reason);
  /* nothing of it is kept */
  stop_pipeline (self);
  g_queue_clear_full (&self->jobs, (GDestroyNotify)eb_segment_job_free);
  remove_own_files (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_REFUSED], 0, reason);
  maybe_complete_stop (self);
}

static void
fail (EbRecorder *self, const GError *error)
{
  g_autoptr (EbRecorder) keep = g_object_ref (self);

  g_mutex_lock (&self->lock);
  if (self->state == EB_RECORDER_FAILED || self->state == EB_RECORDER_REFUSED)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->state = EB_RECORDER_FAILED;
  g_mutex_unlock (&self->lock);

  g_message ("track %s: recording failed: %s", self->track_name, error->message);
  stop_pipeline (self);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
  maybe_complete_stop (self);
}

/* The message of a GStreamer error, with the file concerned and the
 * system's reason (the last line of the debug text, e.g. "File too
 * large"). */
static GError *
describe_gst_error (EbRecorder *self, GstMessage *message, const char *context)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *location = NULL;
  g_autoptr (GString) text = g_string_new (context);
  GObject *source = G_OBJECT (GST_MESSAGE_SRC (message));
  const char *reason = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  GST_DEBUG_OBJECT (self->pipeline, "error from %s: %s (%s)", GST_MESSAGE_SRC_NAME (message),
                    gst_error->message, debug != NULL ? debug : "");
  if (debug != NULL && (reason = strrchr (debug, '\n')) != NULL)
    reason = *(reason + 1) != '\0' ? reason + 1 : NULL;
  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT))
    reason = g_strerror (ENOSPC);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (source), "location") != NULL)
    g_object_get (source, "location", &location, NULL);

  if (location != NULL)
    g_string_append_printf (text, ": writing %s", location);
  g_string_append_printf (text, ": %s", gst_error->message);
  if (reason != NULL)
    g_string_append_printf (text, " (%s)", reason);
  return g_error_new_literal (EB_ERROR, EB_ERROR_FAILED, text->str);
}

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  EbRecorder *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
      case GST_MESSAGE_ELEMENT:
        handle_element_message (self, message);
        break;
      case GST_MESSAGE_EOS:
        GST_DEBUG_OBJECT (self->pipeline, "EOS");
        stop_pipeline (self);
        maybe_complete_stop (self);
        break;
      case GST_MESSAGE_ERROR:
        {
          gboolean exposed;

          g_mutex_lock (&self->lock);
          exposed = self->exposed;
          g_mutex_unlock (&self->lock);
          if (!exposed)
            {
              g_autoptr (GError) error
                  = describe_gst_error (self, message, "not an MPEG-TS stream");

              refuse (self, error->message);
            }
          else
            {
              g_autofree char *context
                  = g_strdup_printf ("recording track %s failed", self->track_name);
              g_autoptr (GError) error = describe_gst_error (self, message, context);

              fail (self, error);
            }
          break;
        }
      case GST_MESSAGE_WARNING:
        {
          g_autoptr (GError) warning = NULL;

          gst_message_parse_warning (message, &warning, NULL);
          g_message ("track %s: %s: %s", self->track_name, GST_MESSAGE_SRC_NAME (message),
                     warning->message);
          break;
        }
      default:
        break;
    }
  return G_SOURCE_CONTINUE;
}

static void
probe_timeout_main (EbRecorder *self, gpointer data)
{
  gboolean exposed;

  g_mutex_lock (&self->lock);
  exposed = self->exposed;
  g_mutex_unlock (&self->lock);
  if (!exposed)
    refuse (self, "no MPEG-TS program with an audio or video stream within " G_STRINGIFY (
                      EB_RECORDER_PROBE_SECONDS) " seconds: not an MPEG-TS stream");
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  g_autoptr (EbRecorder) self = eb_recorder_shared_get (user_data);

  if (self != NULL)
    probe_timeout_main (self, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  EbRecorder *self = user_data;

  g_clear_pointer (&self->stop_timeout, g_source_unref);
  g_message ("track %s: the last segment did not close within %u ms; keeping what was written",
             self->track_name, EB_RECORDER_STOP_TIMEOUT_MS);
  stop_pipeline (self);
  maybe_complete_stop (self);
  return G_SOURCE_REMOVE;
}

/* --- GObject --- */

static void
eb_recorder_dispose (GObject *object)
{
  EbRecorder *self = EB_RECORDER (object);

  if (self->shared != NULL)
    {
      g_mutex_lock (&self->shared->lock);
      self->shared->recorder = NULL;
      g_mutex_unlock (&self->shared->lock);
    }
  clear_stop_timeout (self);
  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  if (self->pipeline != NULL)
    {
      g_autoptr (GstBus) bus = gst_element_get_bus (self->pipeline);
      GstMessage *message;

      /* files opened but not reported yet (the bus drops its messages
       * when the pipeline goes to NULL) */
      while ((message = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL)
        {
          const GstStructure *structure = gst_message_get_structure (message);
          const char *location
              = structure != NULL ? gst_structure_get_string (structure, "location") : NULL;

          if (location != NULL
              && gst_structure_has_name (structure, "splitmuxsink-fragment-opened"))
            g_ptr_array_add (self->opened_files, g_strdup (location));
          gst_message_unref (message);
        }
      /* the streaming threads stop here */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      if (!self->pipeline_done)
        remove_own_files (self, FALSE);
      self->pipeline_done = TRUE;
    }
  g_clear_object (&self->appsrc);
  g_clear_object (&self->demux);
  g_clear_object (&self->mux);
  g_clear_object (&self->bin);
  g_clear_object (&self->pipeline);
  g_queue_clear_full (&self->fragments, (GDestroyNotify)eb_fragment_free);
  g_queue_clear_full (&self->jobs, (GDestroyNotify)eb_segment_job_free);

  G_OBJECT_CLASS (eb_recorder_parent_class)->dispose (object);
}

static void
eb_recorder_finalize (GObject *object)
{
  EbRecorder *self = EB_RECORDER (object);

  g_warn_if_fail (self->stop_task == NULL);
  g_clear_pointer (&self->shared, eb_recorder_shared_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->parser_descriptions, g_hash_table_unref);
  g_clear_pointer (&self->demux_pads, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->opened_files, g_ptr_array_unref);
  g_free (self->directory);
  g_free (self->track_name);
  g_free (self->manifest_track);
  g_free (self->manifest_path);
  g_free (self->video_codec);
  g_free (self->audio_codec);
  g_free (self->refusal);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (eb_recorder_parent_class)->finalize (object);
}

static void
eb_recorder_class_init (EbRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = eb_recorder_dispose;
  object_class->finalize = eb_recorder_finalize;

  GST_DEBUG_CATEGORY_INIT (eb_recorder_debug, "ebrecorder", 0, "eboard track recorder");

  /**
   * EbRecorder::segment-closed:
   * @segment: (type EbRecordedSegment) (transfer none): the segment, as
   *   appended to the manifest
   *
   * Emitted on the main context once the segment is hashed and in the
   * manifest.
   */
  signals[SIGNAL_SEGMENT_CLOSED]
      = g_signal_new ("segment-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * EbRecorder::refused:
   * @reason: why the input cannot be recorded
   *
   * The input is not a supported stream; nothing of it is kept.
   */
  signals[SIGNAL_REFUSED]
      = g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * EbRecorder::failed:
   * @error: what went wrong (e.g. the disk is full)
   *
   * The recording stopped; the segments written so far stay playable.
   */
  signals[SIGNAL_FAILED]
      = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
eb_recorder_init (EbRecorder *self)
{
  g_mutex_init (&self->lock);
  self->state = EB_RECORDER_NEW;
  self->first_rt = GST_CLOCK_TIME_NONE;
  self->max_end_rt = GST_CLOCK_TIME_NONE;
  self->max_bytes = EB_RECORDER_MAX_BYTES;
  self->demux_pads = g_ptr_array_new_with_free_func (gst_object_unref);
  self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_segment_free);
  self->opened_files = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->fragments);
  g_queue_init (&self->jobs);
}

/* --- API --- */

static gboolean
check_track_name (const char *name, GError **error)
{
  if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || g_str_equal (name, ".")
      || g_str_equal (name, ".."))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "\"%s\" is not a track name",
                   name != NULL ? name : "");
      return FALSE;
    }
  return TRUE;
}

/* The "record" template's named elements. */
static gboolean
find_record_elements (GstElement *bin, GstElement **appsrc, GstElement **demux, GstElement **mux,
                      GError **error)
{
  g_autoptr (GstElement) src = gst_bin_get_by_name (GST_BIN (bin), "src");
  g_autoptr (GstElement) dmx = gst_bin_get_by_name (GST_BIN (bin), "demux");
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (bin), "mux");

  if (src == NULL || !GST_IS_APP_SRC (src))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "pipeline template record: needs an appsrc named \"src\"");
      return FALSE;
    }
  if (dmx == NULL || g_signal_lookup ("pad-added", G_OBJECT_TYPE (dmx)) == 0)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "pipeline template record: needs a demuxer named \"demux\"");
      return FALSE;
    }
  if (sink == NULL
      || gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (sink), "video") == NULL
      || gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (sink), "audio_%u") == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "pipeline template record: needs a splitmuxsink named \"mux\"");
      return FALSE;
    }
  if (appsrc != NULL)
    *appsrc = g_steal_pointer (&src);
  if (demux != NULL)
    *demux = g_steal_pointer (&dmx);
  if (mux != NULL)
    *mux = g_steal_pointer (&sink);
  return TRUE;
}

static GHashTable *
record_values (const char *location, guint segment_seconds)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (values, (gpointer) "location", g_strdup (location));
  g_hash_table_insert (
      values, (gpointer) "max_size_time",
      g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64)segment_seconds * GST_SECOND));
  g_hash_table_insert (values, (gpointer) "max_bytes",
                       g_strdup_printf ("%u", (guint)EB_RECORDER_MAX_BYTES));
  return values;
}

gboolean
eb_recorder_check_templates (EbPipelineTemplates *templates, GError **error)
{
  g_autoptr (GHashTable) values = NULL;
  GstElement *bin;
  gboolean ok;

  g_return_val_if_fail (templates != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (parser_templates); i++)
    {
      g_autofree char *description
          = eb_pipeline_templates_expand (templates, parser_templates[i], NULL, error);

      if (description == NULL)
        return FALSE;
    }
  values = record_values ("/nonexistent/check-%05d.ts", 2);
  bin = eb_pipeline_templates_instantiate (templates, EB_RECORDER_TEMPLATE, values, error);
  if (bin == NULL)
    return FALSE;
  gst_object_ref_sink (bin);
  ok = find_record_elements (bin, NULL, NULL, NULL, error);
  gst_object_unref (bin);
  return ok;
}

/**
 * eb_recorder_new:
 * @templates: the pipeline templates ("record" and the parser fragments);
 *   only used until eb_recorder_start() returns
 * @directory: the session folder (created if missing)
 * @track_name: the segment files' prefix, `<track_name>-NNNNN.ts`
 * @session_start_us: Unix microseconds; segment offsets are from it
 * @segment_seconds: target segment length (cut on the next keyframe)
 *
 * Returns: (transfer full) (nullable): a recorder, not started
 */
EbRecorder *
eb_recorder_new (EbPipelineTemplates *templates, const char *directory, const char *track_name,
                 gint64 session_start_us, guint segment_seconds, GError **error)
{
  g_autoptr (EbRecorder) self = NULL;
  g_autoptr (GHashTable) values = NULL;
  g_autofree char *escaped_dir = NULL;
  g_autofree char *location = NULL;
  GstElement *bin;

  g_return_val_if_fail (templates != NULL, NULL);
  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_track_name (track_name, error))
    return NULL;
  if (g_mkdir_with_parents (directory, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot create %s: %s", directory,
                   g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (EB_TYPE_RECORDER, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->shared = g_new0 (EbRecorderShared, 1);
  g_atomic_ref_count_init (&self->shared->ref);
  g_mutex_init (&self->shared->lock);
  self->shared->recorder = self;
  self->shared->context = g_main_context_ref (self->context);
  self->directory = g_strdup (directory);
  self->track_name = g_strdup (track_name);
  self->manifest_track = g_strdup (track_name);
  self->person_id = eb_manifest_person_from_track (track_name);
  self->manifest_path = g_build_filename (directory, EB_MANIFEST_FILE_NAME, NULL);
  self->session_start_us = session_start_us;
  self->segment_seconds = segment_seconds > 0 ? segment_seconds : 1;
  self->start_index = next_free_index (self);

  /* splitmuxsink formats the location with the segment index */
  escaped_dir = escape_percent (directory);
  {
    g_autofree char *escaped_pattern = NULL;
    g_autofree char *escaped_track = escape_percent (track_name);

    escaped_pattern = g_strdup_printf ("%s-%%05d.ts", escaped_track);
    location = g_build_filename (escaped_dir, escaped_pattern, NULL);
  }

  self->parser_descriptions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (parser_templates); i++)
    {
      char *description
          = eb_pipeline_templates_expand (templates, parser_templates[i], NULL, error);

      if (description == NULL)
        return NULL;
      g_hash_table_insert (self->parser_descriptions, (gpointer)parser_templates[i], description);
    }

  values = record_values (location, self->segment_seconds);
  bin = eb_pipeline_templates_instantiate (templates, EB_RECORDER_TEMPLATE, values, error);
  if (bin == NULL)
    return NULL;
  self->bin = gst_object_ref_sink (bin);
  if (!find_record_elements (self->bin, &self->appsrc, &self->demux, &self->mux, error))
    return NULL;
  g_object_set (self->mux, "start-index", (gint)self->start_index, NULL);
  g_object_get (self->appsrc, "max-bytes", &self->max_bytes, NULL);

  self->pipeline = gst_pipeline_new (track_name);
  gst_object_ref_sink (self->pipeline);
  gst_bin_add (GST_BIN (self->pipeline), gst_object_ref (self->bin));
  {
    g_autoptr (GstPad) input = gst_element_get_static_pad (self->appsrc, "src");

    gst_pad_add_probe (input, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       input_probe_cb, self, NULL);
  }
  g_signal_connect (self->demux, "pad-added", G_CALLBACK (demux_pad_added_cb), self);
  g_signal_connect (self->demux, "no-more-pads", G_CALLBACK (demux_no_more_pads_cb), self);
  return g_steal_pointer (&self);
}

void
eb_recorder_set_track_info (EbRecorder *self, const char *track, EbId person_id)
{
  g_return_if_fail (EB_IS_RECORDER (self));
  g_return_if_fail (track != NULL);

  g_free (self->manifest_track);
  self->manifest_track = g_strdup (track);
  self->person_id = person_id;
}

/**
 * eb_recorder_start:
 *
 * Starts the pipeline; from now on eb_recorder_push() feeds it.
 *
 * Returns: whether it runs
 */
gboolean
eb_recorder_start (EbRecorder *self, GError **error)
{
  g_autoptr (GstBus) bus = NULL;

  g_return_val_if_fail (EB_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state != EB_RECORDER_NEW)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT, "track %s: the recorder was started before",
                   self->track_name);
      return FALSE;
    }
  bus = gst_element_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc)(void (*) (void))bus_cb, self, NULL);
  g_source_attach (self->bus_source, self->context);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED,
                   "track %s: the recording pipeline cannot start", self->track_name);
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      self->pipeline_done = TRUE;
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  self->state = EB_RECORDER_RUNNING;
  g_mutex_unlock (&self->lock);
  g_debug ("track %s: recording into %s from segment %u", self->track_name, self->directory,
           self->start_index);
  return TRUE;
}

/**
 * eb_recorder_push:
 * @data: (array length=length): MPEG-TS bytes as received
 *
 * Thread-safe and never blocks for long: when the recorder cannot keep
 * up, the bytes are dropped and counted (and logged).
 */
void
eb_recorder_push (EbRecorder *self, const guint8 *data, gsize length)
{
  gint64 now;

  g_return_if_fail (EB_IS_RECORDER (self));
  g_return_if_fail (data != NULL || length == 0);

  if (length == 0)
    return;
  g_mutex_lock (&self->lock);
  if (self->state != EB_RECORDER_RUNNING || self->refusing)
    {
      self->bytes_discarded += length;
      g_mutex_unlock (&self->lock);
      return;
    }
  if (self->first_byte_us == 0)
    {
      g_autoptr (GSource) source = g_timeout_source_new_seconds (EB_RECORDER_PROBE_SECONDS);

      self->first_byte_us = g_get_real_time ();
      /* fires on the main context */
      g_source_set_callback (source, probe_timeout_cb, eb_recorder_shared_ref (self->shared),
                             (GDestroyNotify)eb_recorder_shared_unref);
      g_source_attach (source, self->context);
    }
  if (gst_app_src_get_current_level_bytes (GST_APP_SRC (self->appsrc)) + length > self->max_bytes)
    {
      self->bytes_dropped += length;
      now = g_get_monotonic_time ();
      if (self->last_drop_log == 0 || now - self->last_drop_log >= EB_RECORDER_DROP_LOG_INTERVAL_US)
        {
          self->last_drop_log = now;
          g_message ("track %s: the recorder's input queue is full (%" G_GUINT64_FORMAT
                     " bytes); %" G_GUINT64_FORMAT " bytes dropped so far",
                     self->track_name, self->max_bytes, self->bytes_dropped);
        }
    }
  else
    {
      /* bytes_in: what the demuxer was given */
      self->bytes_in += length;
      gst_app_src_push_buffer (GST_APP_SRC (self->appsrc), gst_buffer_new_memdup (data, length));
    }
  g_mutex_unlock (&self->lock);
}

guint64
eb_recorder_get_dropped_bytes (EbRecorder *self)
{
  guint64 dropped;

  g_return_val_if_fail (EB_IS_RECORDER (self), 0);

  g_mutex_lock (&self->lock);
  dropped = self->bytes_dropped;
  g_mutex_unlock (&self->lock);
  return dropped;
}

/**
 * eb_recorder_stop_async:
 *
 * Ends the input (EOS), waits (at most 5 s) for the muxer to close the
 * last segment and for every segment to be hashed and in the manifest,
 * then stops the pipeline.
 */
void
eb_recorder_stop_async (EbRecorder *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  EbRecorderState state;
  gboolean given;

  g_return_if_fail (EB_IS_RECORDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_recorder_stop_async);
  if (self->stop_task != NULL)
    {
      g_task_return_new_error (task, EB_ERROR, EB_ERROR_CONFLICT,
                               "track %s: the recorder is already stopping", self->track_name);
      return;
    }
  self->stop_task = g_steal_pointer (&task);
  /* a refusal on its way is reported first */
  refuse_pending (self);

  g_mutex_lock (&self->lock);
  state = self->state;
  given = self->bytes_in > 0;
  if (state == EB_RECORDER_RUNNING)
    self->state = EB_RECORDER_STOPPING;
  else if (state == EB_RECORDER_NEW)
    self->state = EB_RECORDER_STOPPED;
  g_mutex_unlock (&self->lock);

  if (state == EB_RECORDER_NEW)
    self->pipeline_done = TRUE;
  else if (state == EB_RECORDER_RUNNING && given)
    {
      /* what the demuxer was given is recorded (or refused) first */
      gst_app_src_end_of_stream (GST_APP_SRC (self->appsrc));
      /* destroyed in dispose at the latest */
      self->stop_timeout = g_timeout_source_new (EB_RECORDER_STOP_TIMEOUT_MS);
      g_source_set_callback (self->stop_timeout, stop_timeout_cb, self, NULL);
      g_source_attach (self->stop_timeout, self->context);
    }
  else if (state == EB_RECORDER_RUNNING)
    /* nothing was recorded */
    stop_pipeline (self);
  maybe_complete_stop (self);
}

EbRecordedTrack *
eb_recorder_stop_finish (EbRecorder *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EB_IS_RECORDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_recorder_stop_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
