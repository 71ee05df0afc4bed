/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include "eb-conference-impl-private.h"
#include "eb-manifest-private.h"

/* Bytes kept for a publisher until its recorder has started. */
#define EB_PUBLISHER_MAX_PENDING (8 * 1024 * 1024)

/* --- publishers --- */

EbPublisher *
eb_publisher_new (EbConference *conference, EbTrack *track, const char *peer)
{
  EbPublisher *publisher = g_new0 (EbPublisher, 1);

  g_atomic_ref_count_init (&publisher->ref);
  publisher->conference = eb_conference_ref (conference);
  publisher->track = eb_track_ref (track);
  publisher->peer = g_strdup (peer);
  g_mutex_init (&publisher->lock);
  publisher->pending = g_byte_array_new ();
  return publisher;
}

EbPublisher *
eb_publisher_ref (EbPublisher *publisher)
{
  g_return_val_if_fail (publisher != NULL, NULL);
  g_atomic_ref_count_inc (&publisher->ref);
  return publisher;
}

void
eb_publisher_unref (EbPublisher *publisher)
{
  if (publisher == NULL || !g_atomic_ref_count_dec (&publisher->ref))
    return;
  g_clear_object (&publisher->recorder);
  g_clear_pointer (&publisher->bridge, eb_rtp_bridge_free);
  g_clear_pointer (&publisher->pending, g_byte_array_unref);
  g_clear_pointer (&publisher->result, eb_recorded_track_free);
  g_mutex_clear (&publisher->lock);
  g_free (publisher->peer);
  eb_track_unref (publisher->track);
  eb_conference_unref (publisher->conference);
  g_free (publisher);
}

EbTrack *
eb_publisher_get_track (EbPublisher *publisher)
{
  return publisher->track;
}

EbConference *
eb_publisher_get_conference (EbPublisher *publisher)
{
  return publisher->conference;
}

void
eb_publisher_push (EbPublisher *publisher, const guint8 *data, gsize length)
{
  g_mutex_lock (&publisher->lock);
  if (publisher->bridge != NULL)
    eb_rtp_bridge_push (publisher->bridge, data, length);
  if (publisher->recorder != NULL)
    eb_recorder_push (publisher->recorder, data, length);
  else if (publisher->pending == NULL || publisher->ended)
    publisher->discarded += length;
  else if (publisher->pending->len + length > EB_PUBLISHER_MAX_PENDING)
    publisher->discarded += length;
  else
    g_byte_array_append (publisher->pending, data, (guint)length);
  g_mutex_unlock (&publisher->lock);
}

/* --- events --- */

static void
emit_segment (EbConference *self, EbMediaEventKind kind, gint64 at, EbTrack *track,
              const char *detail, EbRecordedSegment *segment)
{
  EbMediaEvent event = {
    .kind = kind,
    .session_id = self->session_id,
    .at = at != 0 ? at : g_get_real_time (),
    .person_id = track != NULL ? track->person_id : 0,
    .track = track != NULL ? track->name : NULL,
    .detail = (char *)detail,
    .segment_path = segment != NULL ? segment->path : NULL,
    .segment = segment,
  };

  if (self->config.emit != NULL)
    self->config.emit (&event, self->config.user_data);
}

static void
emit (EbConference *self, EbMediaEventKind kind, gint64 at, EbTrack *track, const char *detail)
{
  emit_segment (self, kind, at, track, detail, NULL);
}

/* --- recording --- */

/* The recorder's signals are emitted on the main context. */
static void
recorder_segment_closed_cb (EbRecorder *recorder, EbRecordedSegment *segment,
                            EbPublisher *publisher)
{
  emit_segment (publisher->conference, EB_MEDIA_EVENT_SEGMENT_CLOSED, 0, publisher->track, NULL,
                segment);
}

static void
recorder_refused_cb (EbRecorder *recorder, const char *reason, EbPublisher *publisher)
{
  EbConference *self = publisher->conference;
  g_autofree char *detail = g_strdup_printf ("%s from %s", reason, publisher->peer);

  if (publisher->refused)
    return;
  publisher->refused = TRUE;
  g_message ("session %" G_GINT64_FORMAT ": input %s of track %s refused: %s", self->session_id,
             publisher->peer, publisher->track->name, reason);
  emit (self, EB_MEDIA_EVENT_INPUT_REFUSED, 0, publisher->track, detail);
  if (self->config.close_input != NULL)
    self->config.close_input (publisher, self->config.user_data);
}

static void
recorder_failed_cb (EbRecorder *recorder, GError *error, EbPublisher *publisher)
{
  EbConference *self = publisher->conference;

  g_message ("session %" G_GINT64_FORMAT ": recording of track %s failed: %s", self->session_id,
             publisher->track->name, error->message);
  emit (self, EB_MEDIA_EVENT_RECORDING_FAILED, 0, publisher->track, error->message);
  /* The encoder restarted with other streams: its connection ends, so
   * that its reconnect records the new program in new segments. A full
   * disk is not mended by reconnecting: that connection stays. */
  if (g_error_matches (error, EB_RECORDER_ERROR, EB_RECORDER_ERROR_PROGRAM_CHANGED)
      && self->config.close_input != NULL)
    self->config.close_input (publisher, self->config.user_data);
}

static void start_recording (EbConference *self, EbPublisher *publisher);

static void
recorder_stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EbPublisher) publisher = user_data;
  EbConference *self = publisher->conference;
  EbTrack *track = publisher->track;
  EbRecorder *recorder = EB_RECORDER (source);
  g_autoptr (GError) error = NULL;
  EbRecordedTrack *recorded;

  recorded = eb_recorder_stop_finish (recorder, result, &error);
  if (recorded == NULL)
    g_message ("session %" G_GINT64_FORMAT ": track %s: finishing the recording failed: %s",
               self->session_id, track->name, error->message);
  publisher->result = recorded;
  g_signal_handlers_disconnect_by_data (recorder, publisher);
  g_object_unref (recorder);
  /* nothing of it goes into the manifest: not kept to the end */
  if (recorded == NULL || recorded->segments == NULL || recorded->segments->len == 0)
    g_ptr_array_remove (track->publishers, publisher);

  g_warn_if_fail (self->n_stopping > 0 && track->n_stopping > 0);
  self->n_stopping = self->n_stopping > 0 ? self->n_stopping - 1 : 0;
  track->n_stopping = track->n_stopping > 0 ? track->n_stopping - 1 : 0;
  if (self->close_timed_out)
    g_message ("session %" G_GINT64_FORMAT ": the recorder of track %s finished after the close "
               "timed out (%u segments in all); %u recorders still finishing",
               self->session_id, track->name,
               recorded != NULL && recorded->segments != NULL ? recorded->segments->len : 0,
               self->n_stopping);
  if (track->n_stopping == 0 && track->waiting != NULL)
    {
      g_autoptr (EbPublisher) next = g_steal_pointer (&track->waiting);

      start_recording (self, next);
    }
  eb_conference_maybe_finish_close (self);
}

static void
stop_recorder (EbConference *self, EbPublisher *publisher)
{
  EbRecorder *recorder;

  g_mutex_lock (&publisher->lock);
  recorder = g_steal_pointer (&publisher->recorder);
  publisher->ended = TRUE;
  g_clear_pointer (&publisher->pending, g_byte_array_unref);
  g_mutex_unlock (&publisher->lock);
  if (publisher->track->waiting == publisher)
    g_clear_pointer (&publisher->track->waiting, eb_publisher_unref);
  if (recorder == NULL)
    {
      /* it never recorded: not kept to the end */
      g_ptr_array_remove (publisher->track->publishers, publisher);
      return;
    }
  self->n_stopping++;
  publisher->track->n_stopping++;
  /* the recorder's reference moves to the callback */
  eb_recorder_stop_async (recorder, NULL, recorder_stopped_cb, eb_publisher_ref (publisher));
}

static EbRecorder *
new_recorder (EbConference *self, EbPublisher *publisher, GError **error)
{
  g_autoptr (EbRecorder) recorder = NULL;

  /* Every connection of a track records under the track's name: the
   * recorder numbers its segments on from the last one in the folder, so
   * a reconnect continues the track in new segments, in order (the
   * previous connection's recorder has closed its last segment by now). */
  recorder = eb_recorder_new (self->config.templates, self->directory, publisher->track->name,
                              self->started_at, self->config.segment_seconds, error);
  if (recorder == NULL)
    return NULL;
  eb_recorder_set_track_info (recorder, publisher->track->name, publisher->track->person_id);
  g_signal_connect (recorder, "segment-closed", G_CALLBACK (recorder_segment_closed_cb), publisher);
  g_signal_connect (recorder, "refused", G_CALLBACK (recorder_refused_cb), publisher);
  g_signal_connect (recorder, "failed", G_CALLBACK (recorder_failed_cb), publisher);
  if (!eb_recorder_start (recorder, error))
    {
      g_signal_handlers_disconnect_by_data (recorder, publisher);
      return NULL;
    }
  return g_steal_pointer (&recorder);
}

static void
start_recording (EbConference *self, EbPublisher *publisher)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecorder) recorder = NULL;
  gsize discarded;
  gboolean ended;

  g_mutex_lock (&publisher->lock);
  ended = publisher->ended;
  g_mutex_unlock (&publisher->lock);
  if (ended)
    return;

  recorder = new_recorder (self, publisher, &error);
  if (recorder == NULL)
    {
      g_message ("session %" G_GINT64_FORMAT ": cannot record track %s: %s", self->session_id,
                 publisher->track->name, error->message);
      emit (self, EB_MEDIA_EVENT_RECORDING_FAILED, 0, publisher->track, error->message);
      g_mutex_lock (&publisher->lock);
      g_clear_pointer (&publisher->pending, g_byte_array_unref);
      g_mutex_unlock (&publisher->lock);
      return;
    }

  /* what arrived while the recorder was starting goes first */
  g_mutex_lock (&publisher->lock);
  if (publisher->pending != NULL && publisher->pending->len > 0)
    eb_recorder_push (recorder, publisher->pending->data, publisher->pending->len);
  g_clear_pointer (&publisher->pending, g_byte_array_unref);
  publisher->recorder = g_steal_pointer (&recorder);
  discarded = publisher->discarded;
  g_mutex_unlock (&publisher->lock);
  if (discarded > 0)
    g_message ("session %" G_GINT64_FORMAT ": track %s: %" G_GSIZE_FORMAT
               " bytes arrived before its recorder could take them",
               self->session_id, publisher->track->name, discarded);
}

/* Main context: the connection's stream goes to WHEP viewers too, as
 * far as browsers decode it (H.264, Opus), through the track's sources,
 * which the WebRTC room offers its viewers. */
static void
start_bridge (EbConference *self, EbPublisher *publisher)
{
  EbTrack *track = publisher->track;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRtpBridge) bridge = NULL;

  eb_webrtc_room_add_bridged_track (self->webrtc, track->name, track->person_id, track->video,
                                    track->audio);
  bridge
      = eb_rtp_bridge_new (self->config.templates, track->name, track->video, track->audio, &error);
  if (bridge == NULL || !eb_rtp_bridge_start (bridge, &error))
    {
      /* the recording and the SRT viewers go on */
      g_message ("session %" G_GINT64_FORMAT ": cannot bridge track %s to browsers: %s",
                 self->session_id, track->name, error->message);
      return;
    }
  g_mutex_lock (&publisher->lock);
  if (!publisher->ended)
    publisher->bridge = g_steal_pointer (&bridge);
  g_mutex_unlock (&publisher->lock);
}

/* Main context. */
void
eb_publisher_stop_bridge (EbPublisher *publisher)
{
  g_autoptr (EbRtpBridge) bridge = NULL;

  g_mutex_lock (&publisher->lock);
  bridge = g_steal_pointer (&publisher->bridge);
  g_mutex_unlock (&publisher->lock);
  /* its sources keep their viewers, for the track's next connection */
  if (bridge != NULL)
    eb_rtp_bridge_stop (bridge);
}

void
eb_conference_publisher_joined (EbConference *self, EbPublisher *publisher, gint64 at)
{
  EbTrack *track = publisher->track;

  g_return_if_fail (publisher->conference == self);
  g_return_if_fail (!publisher->joined);

  publisher->joined = TRUE;
  publisher->connection = ++track->n_connections;
  g_ptr_array_add (track->publishers, eb_publisher_ref (publisher));
  self->n_live++;
  g_message ("session %" G_GINT64_FORMAT ": %s publishes track %s (connection %u)",
             self->session_id, publisher->peer, track->name, publisher->connection);
  emit (self, EB_MEDIA_EVENT_PARTICIPANT_JOINED, at, track, publisher->peer);
  emit (self, EB_MEDIA_EVENT_TRACK_STARTED, at, track, NULL);

  if (track->n_stopping > 0)
    {
      /* its bytes wait (bounded) until the previous connection's last
       * segment is closed */
      g_clear_pointer (&track->waiting, eb_publisher_unref);
      track->waiting = eb_publisher_ref (publisher);
      start_bridge (self, publisher);
      return;
    }
  start_recording (self, publisher);
  start_bridge (self, publisher);
}

void
eb_conference_publisher_left (EbConference *self, EbPublisher *publisher, const char *reason,
                              gint64 at)
{
  g_return_if_fail (publisher->conference == self);

  if (!publisher->joined)
    {
      /* never reached the main context as a join: nothing to report */
      eb_publisher_stop_bridge (publisher);
      stop_recorder (self, publisher);
      return;
    }
  g_message ("session %" G_GINT64_FORMAT ": %s stopped publishing track %s: %s", self->session_id,
             publisher->peer, publisher->track->name, reason);
  eb_publisher_stop_bridge (publisher);
  stop_recorder (self, publisher);
  g_warn_if_fail (self->n_live > 0);
  self->n_live = self->n_live > 0 ? self->n_live - 1 : 0;
  emit (self, EB_MEDIA_EVENT_TRACK_STOPPED, at, publisher->track, reason);
  emit (self, EB_MEDIA_EVENT_PARTICIPANT_LEFT, at, publisher->track, reason);
  eb_conference_maybe_finish_close (self);
}
