/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <gst/app/gstappsrc.h>
#include <gst/rtp/rtp.h>

#include "eb-rtp-forward-private.h"

/* Keyframe requests to a publisher are at least this far apart. */
#define EB_RTP_KEYFRAME_INTERVAL_US (G_USEC_PER_SEC / 2)
/* A video sink waiting for a keyframe asks again this often. */
#define EB_RTP_KEYFRAME_RETRY_US (G_USEC_PER_SEC)

/* A publisher's stream feeding a source. */
typedef struct
{
  gatomicrefcount ref;
  guint generation;
  EbRtpFormat *format;
  EbRtpKeyframeFunc request_keyframe;
  gpointer user_data;
  GDestroyNotify destroy;
} EbRtpInput;

struct _EbRtpSink
{
  gatomicrefcount ref;
  GstElement *appsrc;
  EbRtpFormat *format;
  guint32 ssrc;
  gsize queue_limit;
  EbRtpSinkDroppedFunc dropped;
  gpointer user_data;
  GDestroyNotify destroy;

  /* guarded by the source's lock */
  guint generation;  /* of the input the offsets were taken for */
  gboolean started;  /* offsets taken (video: at a keyframe) */
  gboolean mismatch; /* the input's codec is not what it takes */
  guint16 seq_offset;
  guint32 ts_offset;
  gboolean have_last;
  guint16 last_seq;
  guint32 last_ts;
  gint64 last_time;
  gint64 last_keyframe_request;
  gint packets_out; /* atomic */
};

struct _EbRtpSource
{
  gatomicrefcount ref;
  char *track;
  gboolean video;

  GMutex lock;
  EbRtpInput *input;
  guint next_generation;
  GPtrArray *sinks; /* EbRtpSink */
  gint64 last_keyframe_request;
  guint64 packets_in;
};

/* --- inputs --- */

static EbRtpInput *
eb_rtp_input_ref (EbRtpInput *input)
{
  g_atomic_ref_count_inc (&input->ref);
  return input;
}

static void
eb_rtp_input_unref (EbRtpInput *input)
{
  if (input == NULL || !g_atomic_ref_count_dec (&input->ref))
    return;
  if (input->destroy != NULL)
    input->destroy (input->user_data);
  eb_rtp_format_free (input->format);
  g_free (input);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRtpInput, eb_rtp_input_unref)

/* --- keyframes --- */

static gboolean
vp8_starts_keyframe (const guint8 *payload, gsize length)
{
  gsize offset = 1;

  if (length < 1)
    return FALSE;
  /* the start of partition 0 (S=1, PID=0) */
  if ((payload[0] & 0x10) == 0 || (payload[0] & 0x07) != 0)
    return FALSE;
  if (payload[0] & 0x80)
    {
      guint8 x;

      if (length < 2)
        return FALSE;
      x = payload[1];
      offset = 2;
      if (x & 0x80) /* I: picture id, 7 or 15 bits */
        {
          if (length <= offset)
            return FALSE;
          offset += (payload[offset] & 0x80) ? 2 : 1;
        }
      if (x & 0x40) /* L: TL0PICIDX */
        offset++;
      if (x & 0x30) /* T or K: TID/KEYIDX */
        offset++;
    }
  /* the VP8 frame tag: P (bit 0) is 0 on a key frame */
  return length > offset && (payload[offset] & 0x01) == 0;
}

static gboolean
h264_nal_is_key (guint8 type)
{
  return type == 5 || type == 7;
}

static gboolean
h264_starts_keyframe (const guint8 *payload, gsize length)
{
  guint8 type;

  if (length < 1)
    return FALSE;
  type = payload[0] & 0x1f;
  if (type >= 1 && type <= 23)
    return h264_nal_is_key (type);
  if (type == 24) /* STAP-A: 16-bit sizes, then each NAL unit */
    {
      gsize offset = 1;

      while (offset + 2 < length)
        {
          gsize size = ((gsize)payload[offset] << 8) | payload[offset + 1];

          offset += 2;
          if (size == 0 || offset + size > length)
            return FALSE;
          if (h264_nal_is_key (payload[offset] & 0x1f))
            return TRUE;
          offset += size;
        }
      return FALSE;
    }
  if (type == 28) /* FU-A: the first fragment */
    return length >= 2 && (payload[1] & 0x80) && h264_nal_is_key (payload[1] & 0x1f);
  return FALSE;
}

gboolean
eb_rtp_payload_starts_keyframe (EbRtpCodec codec, const guint8 *payload, gsize length)
{
  switch (codec)
    {
      case EB_RTP_CODEC_VP8:
        return vp8_starts_keyframe (payload, length);
      case EB_RTP_CODEC_H264:
        return h264_starts_keyframe (payload, length);
      default:
        return TRUE;
    }
}

/* --- what a viewer decodes --- */

/* The rank of an H.264 profile among those whose decoders decode every
 * lower rank's streams (H.264 Annex A: a High decoder decodes Main and
 * Constrained Baseline, a High 10 one High, and so on up to High 4:4:4
 * Predictive), or -1 when it is outside that chain (e.g. Extended).
 * Baseline counts as Constrained Baseline: browsers send the latter
 * under either name. Both the names of an SDP profile-level-id and
 * those of GStreamer's H.264 caps are known here. */
static gint
h264_profile_rank (const char *profile)
{
  static const struct
  {
    const char *name;
    gint rank;
  } ranks[] = {
    { "constrained-baseline", 0 },
    { "baseline", 0 },
    { "main", 1 },
    { "high", 2 },
    { "progressive-high", 2 },
    { "constrained-high", 2 },
    { "high-10", 3 },
    { "profile-idc-110", 3 },
    { "high-4:2:2", 4 },
    { "profile-idc-122", 4 },
    { "high-4:4:4", 5 },
    { "profile-idc-244", 5 },
  };

  for (guint i = 0; profile != NULL && i < G_N_ELEMENTS (ranks); i++)
    {
      if (g_str_equal (profile, ranks[i].name))
        return ranks[i].rank;
    }
  return -1;
}

/*
 * Room encoders (SRT) mostly send Main or High profile; browsers send
 * Constrained Baseline. The offer of a browser lists the profiles it
 * decodes: Chromium offers Constrained Baseline, Main and High 4:4:4
 * Predictive (profile-level-id f4001f) but not High itself, although its
 * decoder takes any of them. Matching the profile exactly would leave a
 * High stream without a receiver; sending any H.264 to any H.264
 * payload type would break the negotiation for a receiver that really
 * decodes only what it offered (a hardware decoder set up per profile).
 * So a stream goes to a payload type of its own profile, else to one of
 * a profile that, by the standard, decodes it: a High stream reaches
 * Chromium on its High 4:4:4 Predictive payload type, and a receiver
 * that offers Constrained Baseline only gets no Main or High stream.
 */
gboolean
eb_rtp_format_decodes (const EbRtpFormat *accepted, const EbRtpFormat *sent)
{
  gint accepted_rank;
  gint sent_rank;

  g_return_val_if_fail (accepted != NULL && sent != NULL, FALSE);

  if (eb_rtp_format_can_receive (accepted, sent))
    return TRUE;
  if (accepted->codec != EB_RTP_CODEC_H264 || sent->codec != EB_RTP_CODEC_H264)
    return FALSE;
  accepted_rank = h264_profile_rank (accepted->h264_profile);
  sent_rank = h264_profile_rank (sent->h264_profile);
  return sent_rank >= 0 && accepted_rank >= sent_rank;
}

/* --- sinks --- */

EbRtpSink *
eb_rtp_sink_new (GstElement *appsrc, const EbRtpFormat *format, guint32 ssrc, gsize queue_limit,
                 EbRtpSinkDroppedFunc dropped, gpointer user_data, GDestroyNotify destroy)
{
  EbRtpSink *sink;

  g_return_val_if_fail (GST_IS_APP_SRC (appsrc), NULL);
  g_return_val_if_fail (format != NULL, NULL);

  sink = g_new0 (EbRtpSink, 1);
  g_atomic_ref_count_init (&sink->ref);
  sink->appsrc = gst_object_ref (appsrc);
  sink->format = eb_rtp_format_copy (format);
  sink->ssrc = ssrc;
  sink->queue_limit = queue_limit;
  sink->dropped = dropped;
  sink->user_data = user_data;
  sink->destroy = destroy;
  return sink;
}

EbRtpSink *
eb_rtp_sink_ref (EbRtpSink *sink)
{
  g_return_val_if_fail (sink != NULL, NULL);
  g_atomic_ref_count_inc (&sink->ref);
  return sink;
}

void
eb_rtp_sink_unref (EbRtpSink *sink)
{
  if (sink == NULL || !g_atomic_ref_count_dec (&sink->ref))
    return;
  if (sink->destroy != NULL)
    sink->destroy (sink->user_data);
  gst_object_unref (sink->appsrc);
  eb_rtp_format_free (sink->format);
  g_free (sink);
}

guint
eb_rtp_sink_get_packets_out (EbRtpSink *sink)
{
  return (guint)g_atomic_int_get (&sink->packets_out);
}

/* --- sources --- */

EbRtpSource *
eb_rtp_source_new (const char *track, gboolean video)
{
  EbRtpSource *source = g_new0 (EbRtpSource, 1);

  g_atomic_ref_count_init (&source->ref);
  source->track = g_strdup (track);
  source->video = video;
  g_mutex_init (&source->lock);
  source->next_generation = 1;
  source->sinks = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_rtp_sink_unref);
  return source;
}

EbRtpSource *
eb_rtp_source_ref (EbRtpSource *source)
{
  g_return_val_if_fail (source != NULL, NULL);
  g_atomic_ref_count_inc (&source->ref);
  return source;
}

void
eb_rtp_source_unref (EbRtpSource *source)
{
  if (source == NULL || !g_atomic_ref_count_dec (&source->ref))
    return;
  g_clear_pointer (&source->input, eb_rtp_input_unref);
  g_ptr_array_unref (source->sinks);
  g_mutex_clear (&source->lock);
  g_free (source->track);
  g_free (source);
}

const char *
eb_rtp_source_get_track (EbRtpSource *source)
{
  return source->track;
}

gboolean
eb_rtp_source_is_video (EbRtpSource *source)
{
  return source->video;
}

guint
eb_rtp_source_attach (EbRtpSource *source, const EbRtpFormat *format,
                      EbRtpKeyframeFunc request_keyframe, gpointer user_data,
                      GDestroyNotify destroy)
{
  EbRtpInput *input = g_new0 (EbRtpInput, 1);
  g_autoptr (EbRtpInput) previous = NULL;

  g_return_val_if_fail (format != NULL, 0);

  g_atomic_ref_count_init (&input->ref);
  input->format = eb_rtp_format_copy (format);
  input->request_keyframe = request_keyframe;
  input->user_data = user_data;
  input->destroy = destroy;
  g_mutex_lock (&source->lock);
  input->generation = source->next_generation++;
  previous = g_steal_pointer (&source->input);
  source->input = input;
  /* a new stream for every sink: taken up at its next keyframe */
  source->last_keyframe_request = 0;
  g_mutex_unlock (&source->lock);
  return input->generation;
}

void
eb_rtp_source_detach (EbRtpSource *source, guint generation)
{
  g_autoptr (EbRtpInput) input = NULL;

  g_mutex_lock (&source->lock);
  if (source->input != NULL && source->input->generation == generation)
    input = g_steal_pointer (&source->input);
  g_mutex_unlock (&source->lock);
}

EbRtpFormat *
eb_rtp_source_dup_format (EbRtpSource *source)
{
  EbRtpFormat *format = NULL;

  g_mutex_lock (&source->lock);
  if (source->input != NULL)
    format = eb_rtp_format_copy (source->input->format);
  g_mutex_unlock (&source->lock);
  return format;
}

guint64
eb_rtp_source_get_packets_in (EbRtpSource *source)
{
  guint64 packets;

  g_mutex_lock (&source->lock);
  packets = source->packets_in;
  g_mutex_unlock (&source->lock);
  return packets;
}

/* With the lock held: (transfer full) (nullable) the input to ask for a
 * keyframe now, if the last request is old enough. */
static EbRtpInput *
take_keyframe_request (EbRtpSource *source, gint64 now)
{
  if (!source->video || source->input == NULL || source->input->request_keyframe == NULL)
    return NULL;
  if (source->last_keyframe_request != 0
      && now - source->last_keyframe_request < EB_RTP_KEYFRAME_INTERVAL_US)
    return NULL;
  source->last_keyframe_request = now;
  return eb_rtp_input_ref (source->input);
}

static void
run_keyframe_request (EbRtpInput *input)
{
  if (input == NULL)
    return;
  input->request_keyframe (input->user_data);
  eb_rtp_input_unref (input);
}

void
eb_rtp_source_request_keyframe (EbRtpSource *source)
{
  EbRtpInput *input;

  g_mutex_lock (&source->lock);
  input = take_keyframe_request (source, g_get_monotonic_time ());
  g_mutex_unlock (&source->lock);
  run_keyframe_request (input);
}

void
eb_rtp_source_add_sink (EbRtpSource *source, EbRtpSink *sink)
{
  EbRtpInput *input;

  g_mutex_lock (&source->lock);
  sink->generation = 0;
  sink->started = FALSE;
  g_ptr_array_add (source->sinks, eb_rtp_sink_ref (sink));
  /* the picture starts at the next keyframe: ask for one now */
  input = take_keyframe_request (source, g_get_monotonic_time ());
  g_mutex_unlock (&source->lock);
  run_keyframe_request (input);
}

gboolean
eb_rtp_source_remove_sink (EbRtpSource *source, EbRtpSink *sink)
{
  gboolean removed;

  g_mutex_lock (&source->lock);
  removed = g_ptr_array_remove (source->sinks, sink);
  g_mutex_unlock (&source->lock);
  return removed;
}

guint
eb_rtp_source_get_n_sinks (EbRtpSource *source)
{
  guint n;

  g_mutex_lock (&source->lock);
  n = source->sinks->len;
  g_mutex_unlock (&source->lock);
  return n;
}

/* With the lock held: @sink's packet for @in (read), or %NULL when it
 * does not take this one. */
static GstBuffer *
rewrite (EbRtpSource *source, EbRtpSink *sink, GstRTPBuffer *in, gint64 now, gboolean *want_key)
{
  const EbRtpFormat *format = source->input->format;
  GstBuffer *payload;
  GstBuffer *out;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint16 seq = gst_rtp_buffer_get_seq (in);
  guint32 ts = gst_rtp_buffer_get_timestamp (in);

  if (sink->generation != source->input->generation)
    {
      /* a new input: the sink takes it up afresh */
      sink->generation = source->input->generation;
      sink->started = FALSE;
      sink->mismatch = !eb_rtp_format_decodes (sink->format, format);
      if (sink->mismatch)
        g_message ("track %s: a viewer cannot decode the new %s stream; it gets none",
                   source->track, eb_rtp_codec_to_string (format->codec));
    }
  if (sink->mismatch)
    return NULL;
  if (!sink->started)
    {
      if (source->video
          && !eb_rtp_payload_starts_keyframe (format->codec, gst_rtp_buffer_get_payload (in),
                                              gst_rtp_buffer_get_payload_len (in)))
        {
          if (sink->last_keyframe_request == 0
              || now - sink->last_keyframe_request >= EB_RTP_KEYFRAME_RETRY_US)
            {
              sink->last_keyframe_request = now;
              *want_key = TRUE;
            }
          return NULL;
        }
      /* continue the sink's numbering: no gap, time moving on */
      sink->seq_offset = sink->have_last ? (guint16)(sink->last_seq + 1 - seq) : 0;
      if (sink->have_last)
        {
          guint64 elapsed = (guint64)MAX (now - sink->last_time, 1);
          guint32 advance = (guint32)(elapsed * format->clock_rate / G_USEC_PER_SEC);

          sink->ts_offset = sink->last_ts + MAX (advance, 1) - ts;
        }
      else
        sink->ts_offset = 0;
      sink->started = TRUE;
    }

  payload = gst_rtp_buffer_get_payload_buffer (in);
  if (payload == NULL)
    return NULL;
  out = gst_rtp_buffer_new_allocate (0, 0, 0);
  gst_rtp_buffer_map (out, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_payload_type (&rtp, (guint8)sink->format->pt);
  gst_rtp_buffer_set_seq (&rtp, (guint16)(seq + sink->seq_offset));
  gst_rtp_buffer_set_timestamp (&rtp, ts + sink->ts_offset);
  gst_rtp_buffer_set_ssrc (&rtp, sink->ssrc);
  gst_rtp_buffer_set_marker (&rtp, gst_rtp_buffer_get_marker (in));
  sink->last_seq = gst_rtp_buffer_get_seq (&rtp);
  sink->last_ts = gst_rtp_buffer_get_timestamp (&rtp);
  sink->last_time = now;
  sink->have_last = TRUE;
  gst_rtp_buffer_unmap (&rtp);
  return gst_buffer_append (out, payload);
}

/**
 * eb_rtp_source_push:
 *
 * Streaming thread: forwards @buffer to every sink that takes it; a sink
 * whose queue overflows is dropped.
 */
void
eb_rtp_source_push (EbRtpSource *source, guint generation, GstBuffer *buffer)
{
  GstRTPBuffer in = GST_RTP_BUFFER_INIT;
  g_autoptr (GPtrArray) dropped = NULL;
  EbRtpInput *keyframe_input = NULL;
  gboolean want_key = FALSE;
  gint64 now = g_get_monotonic_time ();

  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &in))
    return;
  g_mutex_lock (&source->lock);
  if (source->input == NULL || source->input->generation != generation)
    {
      g_mutex_unlock (&source->lock);
      gst_rtp_buffer_unmap (&in);
      return;
    }
  source->packets_in++;
  for (guint i = 0; i < source->sinks->len;)
    {
      EbRtpSink *sink = g_ptr_array_index (source->sinks, i);
      GstBuffer *out;

      if (gst_app_src_get_current_level_bytes (GST_APP_SRC (sink->appsrc)) > sink->queue_limit)
        {
          if (dropped == NULL)
            dropped = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_rtp_sink_unref);
          g_ptr_array_add (dropped, g_ptr_array_steal_index (source->sinks, i));
          continue;
        }
      out = rewrite (source, sink, &in, now, &want_key);
      if (out != NULL)
        {
          g_atomic_int_inc (&sink->packets_out);
          gst_app_src_push_buffer (GST_APP_SRC (sink->appsrc), out);
        }
      i++;
    }
  if (want_key)
    keyframe_input = take_keyframe_request (source, now);
  g_mutex_unlock (&source->lock);
  gst_rtp_buffer_unmap (&in);

  run_keyframe_request (keyframe_input);
  for (guint i = 0; dropped != NULL && i < dropped->len; i++)
    {
      EbRtpSink *sink = g_ptr_array_index (dropped, i);
      g_autofree char *reason
          = g_strdup_printf ("more than %" G_GSIZE_FORMAT " bytes of track %s waited for it",
                             sink->queue_limit, source->track);

      if (sink->dropped != NULL)
        sink->dropped (sink, reason, sink->user_data);
    }
}
