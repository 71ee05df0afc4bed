/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/app/gstappsrc.h>

#include <eboard/eb-error.h>

#include "eb-manifest-private.h"
#include "eb-recorder-impl-private.h"
#include "eb-segment-job-private.h"

GST_DEBUG_CATEGORY (eb_recorder_debug);

#define EB_RECORDER_TEMPLATE "record"
/* Bytes queued in the appsrc before new input is dropped. */
#define EB_RECORDER_MAX_BYTES (4 * 1024 * 1024)
/* A larger push (the backlog of a reconnecting publisher) is queued in
 * pieces of at most this (and at most the queue's size). */
#define EB_RECORDER_PUSH_PIECE (256 * 1024)
#define EB_RECORDER_DROP_LOG_INTERVAL_US (5 * G_USEC_PER_SEC)
/* Received messages (1316 bytes each, typically) are gathered and
 * handed to the demuxer in one buffer of at most this size, or once the
 * first of them is this old: a wake-up of the streaming thread for every
 * message would cost more than demuxing it. */
#define EB_RECORDER_BATCH_BYTES (64 * 1024)
#define EB_RECORDER_BATCH_US (100 * G_TIME_SPAN_MILLISECOND)

static const char *const parser_templates[] = { "parse-h264", "parse-aac", "parse-opus" };

G_DEFINE_TYPE (EbRecorder, eb_recorder, G_TYPE_OBJECT)
G_DEFINE_QUARK (eb - recorder - error - quark, eb_recorder_error)

guint eb_recorder_signals[EB_RECORDER_N_SIGNALS];

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
  eb_recorder_clear_stop_timeout (self);
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
        eb_recorder_remove_own_files (self, FALSE);
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
  g_clear_pointer (&self->branches, g_ptr_array_unref);
  g_clear_pointer (&self->late_pads, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->opened_files, g_ptr_array_unref);
  g_clear_pointer (&self->batch, g_byte_array_unref);
  g_free (self->directory);
  g_free (self->track_name);
  g_free (self->manifest_track);
  g_free (self->manifest_path);
  g_free (self->video_codec);
  g_free (self->audio_codec);
  g_free (self->refusal);
  g_clear_error (&self->pending_failure);
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
  eb_recorder_signals[EB_RECORDER_SIGNAL_SEGMENT_CLOSED]
      = g_signal_new ("segment-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * EbRecorder::refused:
   * @reason: why the input cannot be recorded
   *
   * The input is not a supported stream; nothing of it is kept.
   */
  eb_recorder_signals[EB_RECORDER_SIGNAL_REFUSED]
      = g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * EbRecorder::failed:
   * @error: what went wrong (e.g. the disk is full)
   *
   * The recording stopped; the segments written so far stay playable.
   */
  eb_recorder_signals[EB_RECORDER_SIGNAL_FAILED]
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
  self->branches = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_branch_link_free);
  self->late_pads = g_ptr_array_new_with_free_func (gst_object_unref);
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
  self->start_index = eb_recorder_next_free_index (self);

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
  gst_bin_add (GST_BIN (self->pipeline), self->bin);
  {
    g_autoptr (GstPad) input = gst_element_get_static_pad (self->appsrc, "src");

    gst_pad_add_probe (input, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       eb_recorder_input_probe_cb, self, NULL);
  }
  g_signal_connect (self->demux, "pad-added", G_CALLBACK (eb_recorder_demux_pad_added_cb), self);
  g_signal_connect (self->demux, "no-more-pads", G_CALLBACK (eb_recorder_demux_no_more_pads_cb),
                    self);
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
  g_source_set_callback (self->bus_source, (GSourceFunc)(void (*) (void))eb_recorder_bus_cb, self,
                         NULL);
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

/* With the lock held: @length bytes that found no room. */
static void
count_dropped (EbRecorder *self, gsize length)
{
  gint64 now = g_get_monotonic_time ();

  self->bytes_dropped += length;
  if (self->last_drop_log == 0 || now - self->last_drop_log >= EB_RECORDER_DROP_LOG_INTERVAL_US)
    {
      self->last_drop_log = now;
      g_message ("track %s: the recorder's input queue is full (%" G_GUINT64_FORMAT
                 " bytes); %" G_GUINT64_FORMAT " bytes dropped so far",
                 self->track_name, self->max_bytes, self->bytes_dropped);
    }
}

/* With the lock held: whether the input queue has room for @length
 * more bytes (a max-bytes of 0 is an unbounded queue). */
static gboolean
queue_has_room (EbRecorder *self, gsize length)
{
  return self->max_bytes == 0
         || gst_app_src_get_current_level_bytes (GST_APP_SRC (self->appsrc)) + length
                <= self->max_bytes;
}

/* With the lock held: hands @buffer of @length bytes to the demuxer. */
static void
queue_buffer (EbRecorder *self, GstBuffer *buffer, gsize length)
{
  /* bytes_in: what the demuxer was given */
  self->bytes_in += length;
  gst_app_src_push_buffer (GST_APP_SRC (self->appsrc), buffer);
}

/* With the lock held: queues @data in pieces while the queue has room;
 * from the first piece that finds none on, the rest is dropped, so what
 * the demuxer gets is the front of the push (with the program tables a
 * publisher's stream starts with) in one piece. */
static void
queue_input (EbRecorder *self, const guint8 *data, gsize length)
{
  gsize piece_max = self->max_bytes > 0 ? (gsize)MIN (self->max_bytes, EB_RECORDER_PUSH_PIECE)
                                        : EB_RECORDER_PUSH_PIECE;

  for (gsize offset = 0; offset < length;)
    {
      gsize n = MIN (piece_max, length - offset);

      if (!queue_has_room (self, n))
        {
          count_dropped (self, length - offset);
          return;
        }
      queue_buffer (self, gst_buffer_new_memdup (data + offset, n), n);
      offset += n;
    }
}

/* With the lock held: the gathered messages go to the demuxer in one
 * buffer (or are dropped and counted, when its queue is full). */
static void
flush_batch (EbRecorder *self)
{
  gsize length;

  if (self->batch == NULL || self->batch->len == 0)
    return;
  length = self->batch->len;
  if (!queue_has_room (self, length))
    {
      count_dropped (self, length);
      g_byte_array_set_size (self->batch, 0);
      return;
    }
  queue_buffer (self, gst_buffer_new_wrapped (g_byte_array_free (self->batch, FALSE), length),
                length);
  self->batch = NULL;
}

/* With the lock held: gathers @data, received at @now, with what came
 * before it. A batch is at most a quarter of the input queue, so that a
 * queue nearly full still takes one. */
static void
batch_input (EbRecorder *self, const guint8 *data, gsize length, gint64 now)
{
  gsize batch_max = self->max_bytes > 0 ? (gsize)MIN (self->max_bytes / 4, EB_RECORDER_BATCH_BYTES)
                                        : EB_RECORDER_BATCH_BYTES;

  if (self->batch != NULL && self->batch->len + length > batch_max)
    flush_batch (self);
  if (length >= batch_max)
    {
      /* a backlog: already one large push */
      queue_input (self, data, length);
      return;
    }
  if (self->batch == NULL)
    self->batch = g_byte_array_sized_new ((guint)batch_max);
  if (self->batch->len == 0)
    self->batch_started = now;
  g_byte_array_append (self->batch, data, (guint)length);
  if (now - self->batch_started >= EB_RECORDER_BATCH_US)
    flush_batch (self);
}

/**
 * eb_recorder_push:
 * @data: (array length=length): MPEG-TS bytes as received
 *
 * Thread-safe and never blocks for long: when the recorder cannot keep
 * up, the bytes are dropped and counted (and logged). Small pushes are
 * gathered and reach the demuxer together (at most 100 ms after the
 * first of them, or when the recorder stops). A push larger than
 * the input queue (a reconnecting publisher's backlog) is queued in
 * pieces, as far as there is room: its front is kept.
 */
void
eb_recorder_push (EbRecorder *self, const guint8 *data, gsize length)
{
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
      g_source_set_callback (source, eb_recorder_probe_timeout_cb,
                             eb_recorder_shared_ref (self->shared),
                             (GDestroyNotify)eb_recorder_shared_unref);
      g_source_attach (source, self->context);
    }
  batch_input (self, data, length, g_get_monotonic_time ());
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
  eb_recorder_refuse_pending (self);

  g_mutex_lock (&self->lock);
  state = self->state;
  if (state == EB_RECORDER_RUNNING && !self->refusing)
    flush_batch (self);
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
      g_source_set_callback (self->stop_timeout, eb_recorder_stop_timeout_cb, self, NULL);
      g_source_attach (self->stop_timeout, self->context);
    }
  else if (state == EB_RECORDER_RUNNING)
    /* nothing was recorded */
    eb_recorder_stop_pipeline (self);
  eb_recorder_maybe_complete_stop (self);
}

EbRecordedTrack *
eb_recorder_stop_finish (EbRecorder *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EB_IS_RECORDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_recorder_stop_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
