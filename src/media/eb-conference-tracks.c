/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include "eb-conference-impl-private.h"

/* MPEG-TS of a browser's track waiting for the network thread; beyond,
 * new bytes are dropped. */
#define EB_TRACK_INBOX_MAX (2 * 1024 * 1024)

/* --- tracks --- */

char *
eb_conference_track_name (EbId person_id)
{
  return g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", person_id);
}

/* @name (transfer full); @video and @audio: a browser's track's sources
 * (transfer none), or %NULL for an SRT track, which gets its own. */
EbTrack *
eb_track_new (EbConference *conference, char *name, EbId person_id, EbRtpSource *video,
              EbRtpSource *audio)
{
  EbTrack *track = g_new0 (EbTrack, 1);

  g_atomic_ref_count_init (&track->ref);
  track->context = g_main_context_ref (conference->context);
  track->thread = conference->thread;
  track->name = name;
  track->person_id = person_id;
  track->webrtc = video != NULL;
  track->relay = eb_relay_new (conference->config.subscriber_queue_bytes,
                               &conference->relay_callbacks, conference->config.relay_user_data);
  track->video = video != NULL ? eb_rtp_source_ref (video) : eb_rtp_source_new (name, TRUE);
  track->audio = audio != NULL ? eb_rtp_source_ref (audio) : eb_rtp_source_new (name, FALSE);
  g_mutex_init (&track->lock);
  track->inbox = g_byte_array_new ();
  track->invoke_network = conference->config.invoke_network;
  track->invoke_data = conference->config.user_data;
  track->publishers = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_publisher_unref);
  return track;
}

EbTrack *
eb_track_ref (EbTrack *track)
{
  g_return_val_if_fail (track != NULL, NULL);
  g_atomic_ref_count_inc (&track->ref);
  return track;
}

static gboolean
eb_track_free (gpointer data)
{
  EbTrack *track = data;

  g_clear_pointer (&track->ts_bridge, eb_ts_bridge_free);
  eb_relay_free (track->relay);
  g_clear_pointer (&track->video, eb_rtp_source_unref);
  g_clear_pointer (&track->audio, eb_rtp_source_unref);
  g_clear_pointer (&track->inbox, g_byte_array_unref);
  g_free (track->pull_refusal);
  g_mutex_clear (&track->lock);
  g_clear_pointer (&track->waiting, eb_publisher_unref);
  g_ptr_array_unref (track->publishers);
  g_free (track->name);
  g_main_context_unref (track->context);
  g_free (track);
  return G_SOURCE_REMOVE;
}

void
eb_track_unref (EbTrack *track)
{
  if (track == NULL || !g_atomic_ref_count_dec (&track->ref))
    return;
  eb_conference_free_on_context (track->context, track->thread, eb_track_free, track);
}

const char *
eb_track_get_name (EbTrack *track)
{
  return track->name;
}

EbId
eb_track_get_person_id (EbTrack *track)
{
  return track->person_id;
}

EbRelay *
eb_track_get_relay (EbTrack *track)
{
  return track->relay;
}

char *
eb_track_dup_pull_refusal (EbTrack *track)
{
  char *refusal;

  g_mutex_lock (&track->lock);
  refusal = g_strdup (track->pull_refusal);
  g_mutex_unlock (&track->lock);
  return refusal;
}

void
eb_track_request_keyframe (EbTrack *track)
{
  if (track->webrtc)
    eb_rtp_source_request_keyframe (track->video);
}

/* --- a browser's track to its SRT viewers --- */

/* Network thread: what the bridge muxed since the last time goes to the
 * relay's viewers. */
static void
track_drain_inbox_cb (gpointer data)
{
  EbTrack *track = data;
  g_autoptr (GByteArray) bytes = NULL;
  gboolean reset;

  g_mutex_lock (&track->lock);
  bytes = g_steal_pointer (&track->inbox);
  track->inbox = g_byte_array_new ();
  reset = track->inbox_reset;
  track->inbox_reset = FALSE;
  track->inbox_scheduled = FALSE;
  g_mutex_unlock (&track->lock);
  if (reset)
    eb_relay_reset_stream (track->relay);
  if (bytes->len > 0)
    eb_relay_push (track->relay, bytes->data, bytes->len);
}

/* With the track's lock held: whether the inbox is to be handed to the
 * network thread now (once until it is taken). */
static gboolean
track_take_schedule (EbTrack *track)
{
  if (track->inbox_scheduled || track->invoke_network == NULL)
    return FALSE;
  track->inbox_scheduled = TRUE;
  return TRUE;
}

static void
track_schedule_drain (EbTrack *track)
{
  if (track->invoke_network (track_drain_inbox_cb, eb_track_ref (track),
                             (GDestroyNotify)eb_track_unref, track->invoke_data))
    return;
  /* no network thread: nobody pulls; the reference was not taken */
  eb_track_unref (track);
  g_mutex_lock (&track->lock);
  g_byte_array_set_size (track->inbox, 0);
  track->inbox_scheduled = FALSE;
  g_mutex_unlock (&track->lock);
}

/* The bridge's streaming thread: batched for the network thread, so that
 * it is woken once per batch, not per packet. */
static void
track_feed_cb (const guint8 *data, gsize length, gpointer user_data)
{
  EbTrack *track = user_data;
  gboolean schedule;
  gboolean log_drop = FALSE;

  g_mutex_lock (&track->lock);
  if (track->inbox->len + length > EB_TRACK_INBOX_MAX)
    {
      /* 188-byte packets are dropped whole: the viewers' demuxers resync */
      log_drop = track->inbox_dropped == 0;
      track->inbox_dropped += length;
    }
  else
    g_byte_array_append (track->inbox, data, (guint)length);
  schedule = track_take_schedule (track);
  g_mutex_unlock (&track->lock);
  if (log_drop)
    g_message ("track %s: its SRT viewers' network thread does not keep up: MPEG-TS dropped",
               track->name);
  if (schedule)
    track_schedule_drain (track);
}

/* Main context: the track's bridge stops (its publisher left, or a new
 * connection replaces it). */
void
eb_track_stop_ts_bridge (EbTrack *track)
{
  g_clear_pointer (&track->ts_bridge, eb_ts_bridge_free);
}

/* Main context: a new stream for the track's SRT viewers, from the
 * publication's H.264 and Opus, if MPEG-TS can carry them. */
void
eb_conference_start_ts_bridge (EbConference *self, EbTrack *track,
                               const EbWebrtcPublication *publication)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbTsBridge) bridge = NULL;
  g_autofree char *refusal = NULL;
  gboolean schedule;

  eb_track_stop_ts_bridge (track);
  if (!eb_ts_bridge_can_carry (publication->video_codec, publication->audio_codec, &refusal))
    {
      g_message ("session %" G_GINT64_FORMAT ": track %s is not pullable over SRT: %s",
                 self->session_id, track->name, refusal);
      g_mutex_lock (&track->lock);
      g_free (track->pull_refusal);
      track->pull_refusal = g_steal_pointer (&refusal);
      g_mutex_unlock (&track->lock);
      return;
    }
  /* the viewers' demuxers take up the new stream at its tables */
  g_mutex_lock (&track->lock);
  g_clear_pointer (&track->pull_refusal, g_free);
  g_byte_array_set_size (track->inbox, 0);
  track->inbox_reset = TRUE;
  schedule = track_take_schedule (track);
  g_mutex_unlock (&track->lock);
  if (schedule)
    track_schedule_drain (track);

  bridge = eb_ts_bridge_new (self->config.templates, track->name,
                             publication->video_codec != NULL ? publication->video : NULL,
                             publication->audio_codec != NULL ? publication->audio : NULL,
                             self->config.subscriber_queue_bytes, track_feed_cb, track, &error);
  if (bridge == NULL || !eb_ts_bridge_start (bridge, &error))
    {
      g_message ("session %" G_GINT64_FORMAT ": cannot bridge track %s to SRT viewers: %s",
                 self->session_id, track->name, error->message);
      return;
    }
  track->ts_bridge = g_steal_pointer (&bridge);
}
