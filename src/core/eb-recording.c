/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-recording.h>

#include "eb-enum-private.h"

static const char *const recording_state_names[] = {
  [EB_RECORDING_STATE_RECORDING] = "recording",
  [EB_RECORDING_STATE_COMPLETE] = "complete",
  [EB_RECORDING_STATE_INTERRUPTED] = "interrupted",
};

/**
 * eb_recording_state_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @state, or %NULL
 *   for a value outside the enumeration
 */
/**
 * eb_recording_state_from_string:
 * @text: (nullable): an API name
 * @state: (out) (optional): the state it names
 *
 * Returns: whether @text names a recording state
 */
EB_DEFINE_ENUM_NAMES (EbRecordingState, eb_recording_state, recording_state_names)

/* --- segments --- */

EbRecordingSegment *
eb_recording_segment_new (void)
{
  return g_new0 (EbRecordingSegment, 1);
}

/**
 * eb_recording_segment_copy:
 *
 * Returns: (transfer full): a deep copy of @segment
 */
EbRecordingSegment *
eb_recording_segment_copy (const EbRecordingSegment *segment)
{
  EbRecordingSegment *copy;

  g_return_val_if_fail (segment != NULL, NULL);

  copy = g_new0 (EbRecordingSegment, 1);
  *copy = *segment;
  copy->path = g_strdup (segment->path);
  copy->sha256 = g_strdup (segment->sha256);
  copy->video_codec = g_strdup (segment->video_codec);
  copy->audio_codec = g_strdup (segment->audio_codec);
  return copy;
}

void
eb_recording_segment_free (EbRecordingSegment *segment)
{
  if (segment == NULL)
    return;
  g_free (segment->path);
  g_free (segment->sha256);
  g_free (segment->video_codec);
  g_free (segment->audio_codec);
  g_free (segment);
}

/**
 * eb_recording_segment_describes_media:
 *
 * Every segment recorded now names the codecs it holds (at least one:
 * a recording holds audio or video); one without any was recorded
 * before segments had their own and is described by its track.
 *
 * Returns: whether @segment names a video or an audio codec
 */
gboolean
eb_recording_segment_describes_media (const EbRecordingSegment *segment)
{
  g_return_val_if_fail (segment != NULL, FALSE);

  return segment->video_codec != NULL || segment->audio_codec != NULL;
}

/* --- tracks --- */

/**
 * eb_recording_track_new:
 *
 * Returns: (transfer full): an empty track with transport "srt"
 */
EbRecordingTrack *
eb_recording_track_new (void)
{
  EbRecordingTrack *track = g_new0 (EbRecordingTrack, 1);

  track->transport = g_strdup ("srt");
  track->segments = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recording_segment_free);
  return track;
}

/**
 * eb_recording_track_copy:
 *
 * Returns: (transfer full): a deep copy of @track, segments included
 */
EbRecordingTrack *
eb_recording_track_copy (const EbRecordingTrack *track)
{
  EbRecordingTrack *copy;

  g_return_val_if_fail (track != NULL, NULL);

  copy = g_new0 (EbRecordingTrack, 1);
  *copy = *track;
  copy->name = g_strdup (track->name);
  copy->transport = g_strdup (track->transport);
  copy->video_codec = g_strdup (track->video_codec);
  copy->audio_codec = g_strdup (track->audio_codec);
  copy->video_codecs = g_strdupv (track->video_codecs);
  copy->audio_codecs = g_strdupv (track->audio_codecs);
  copy->sha256 = g_strdup (track->sha256);
  copy->segments = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recording_segment_free);
  if (track->segments != NULL)
    for (guint i = 0; i < track->segments->len; i++)
      g_ptr_array_add (copy->segments,
                       eb_recording_segment_copy (g_ptr_array_index (track->segments, i)));
  return copy;
}

void
eb_recording_track_free (EbRecordingTrack *track)
{
  if (track == NULL)
    return;
  g_free (track->name);
  g_free (track->transport);
  g_free (track->video_codec);
  g_free (track->audio_codec);
  g_strfreev (track->video_codecs);
  g_strfreev (track->audio_codecs);
  g_free (track->sha256);
  g_clear_pointer (&track->segments, g_ptr_array_unref);
  g_free (track);
}

static gint
compare_segments (gconstpointer a, gconstpointer b)
{
  const EbRecordingSegment *x = *(const EbRecordingSegment *const *)a;
  const EbRecordingSegment *y = *(const EbRecordingSegment *const *)b;

  return (x->seq > y->seq) - (x->seq < y->seq);
}

/**
 * eb_recording_track_checksum:
 *
 * The track checksum is the SHA-256 of a text made of each segment's
 * lowercase hex SHA-256 followed by a newline, in @seq order; it changes
 * when any segment changes, is added, removed or reordered, and can be
 * checked without reading more than the segment files.
 *
 * Returns: (transfer full) (nullable): the lowercase hex checksum, or
 *   %NULL when the track has no segment
 */
char *
eb_recording_track_checksum (const EbRecordingTrack *track)
{
  g_autoptr (GChecksum) checksum = NULL;
  g_autoptr (GPtrArray) ordered = NULL;

  g_return_val_if_fail (track != NULL, NULL);

  if (track->segments == NULL || track->segments->len == 0)
    return NULL;

  /* a sorted view: the copy must not free the segments it borrows */
  ordered = g_ptr_array_copy (track->segments, NULL, NULL);
  g_ptr_array_set_free_func (ordered, NULL);
  g_ptr_array_sort (ordered, compare_segments);
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; i < ordered->len; i++)
    {
      const EbRecordingSegment *segment = g_ptr_array_index (ordered, i);
      g_autofree char *lower = g_ascii_strdown (segment->sha256 != NULL ? segment->sha256 : "", -1);

      g_checksum_update (checksum, (const guchar *)lower, (gssize)strlen (lower));
      g_checksum_update (checksum, (const guchar *)"\n", 1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static void
add_distinct (GPtrArray *codecs, const char *codec)
{
  if (codec == NULL)
    return;
  for (guint i = 0; i < codecs->len; i++)
    if (g_str_equal (g_ptr_array_index (codecs, i), codec))
      return;
  g_ptr_array_add (codecs, g_strdup (codec));
}

static char **
steal_strv (GPtrArray *codecs)
{
  g_ptr_array_add (codecs, NULL);
  return (char **)g_ptr_array_free (codecs, FALSE);
}

/**
 * eb_recording_track_collect_codecs:
 *
 * Sets the track's @video_codecs and @audio_codecs (each an empty array
 * when no segment holds such a stream).
 */
void
eb_recording_track_collect_codecs (EbRecordingTrack *track)
{
  GPtrArray *video;
  GPtrArray *audio;

  g_return_if_fail (track != NULL);

  video = g_ptr_array_new ();
  audio = g_ptr_array_new ();
  for (guint i = 0; track->segments != NULL && i < track->segments->len; i++)
    {
      const EbRecordingSegment *segment = g_ptr_array_index (track->segments, i);
      gboolean own = eb_recording_segment_describes_media (segment);

      add_distinct (video, own ? segment->video_codec : track->video_codec);
      add_distinct (audio, own ? segment->audio_codec : track->audio_codec);
    }
  g_strfreev (track->video_codecs);
  track->video_codecs = steal_strv (video);
  g_strfreev (track->audio_codecs);
  track->audio_codecs = steal_strv (audio);
}

/* The track's description is its first segment's (see the header). */
static void
describe_from_first_segment (EbRecordingTrack *track)
{
  gboolean have_video = FALSE;
  gboolean have_audio = FALSE;

  for (guint i = 0; i < track->segments->len && !(have_video && have_audio); i++)
    {
      const EbRecordingSegment *segment = g_ptr_array_index (track->segments, i);

      if (!eb_recording_segment_describes_media (segment))
        break;
      if (!have_video && segment->video_codec != NULL)
        {
          g_free (track->video_codec);
          track->video_codec = g_strdup (segment->video_codec);
          track->width = segment->width;
          track->height = segment->height;
          have_video = TRUE;
        }
      if (!have_audio && segment->audio_codec != NULL)
        {
          g_free (track->audio_codec);
          track->audio_codec = g_strdup (segment->audio_codec);
          have_audio = TRUE;
        }
    }
}

void
eb_recording_track_summarize (EbRecordingTrack *track)
{
  g_return_if_fail (track != NULL);

  track->start_offset_us = 0;
  track->duration_us = 0;
  track->size = 0;
  g_clear_pointer (&track->sha256, g_free);
  if (track->segments == NULL || track->segments->len == 0)
    {
      eb_recording_track_collect_codecs (track);
      return;
    }

  g_ptr_array_sort (track->segments, compare_segments);
  track->start_offset_us
      = ((const EbRecordingSegment *)g_ptr_array_index (track->segments, 0))->start_offset_us;
  for (guint i = 0; i < track->segments->len; i++)
    {
      const EbRecordingSegment *segment = g_ptr_array_index (track->segments, i);

      track->start_offset_us = MIN (track->start_offset_us, segment->start_offset_us);
      track->duration_us += segment->duration_us;
      track->size += segment->size;
    }
  track->sha256 = eb_recording_track_checksum (track);
  describe_from_first_segment (track);
  eb_recording_track_collect_codecs (track);
}

/* --- recordings --- */

/**
 * eb_recording_new:
 *
 * Returns: (transfer full): an empty recording in state recording
 */
EbRecording *
eb_recording_new (void)
{
  EbRecording *recording = g_new0 (EbRecording, 1);

  recording->state = EB_RECORDING_STATE_RECORDING;
  recording->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recording_track_free);
  return recording;
}

/**
 * eb_recording_copy:
 *
 * Returns: (transfer full): a deep copy of @recording
 */
EbRecording *
eb_recording_copy (const EbRecording *recording)
{
  EbRecording *copy;

  g_return_val_if_fail (recording != NULL, NULL);

  copy = g_new0 (EbRecording, 1);
  *copy = *recording;
  copy->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recording_track_free);
  if (recording->tracks != NULL)
    for (guint i = 0; i < recording->tracks->len; i++)
      g_ptr_array_add (copy->tracks,
                       eb_recording_track_copy (g_ptr_array_index (recording->tracks, i)));
  return copy;
}

void
eb_recording_free (EbRecording *recording)
{
  if (recording == NULL)
    return;
  g_clear_pointer (&recording->tracks, g_ptr_array_unref);
  g_free (recording);
}

G_DEFINE_BOXED_TYPE (EbRecording, eb_recording, eb_recording_copy, eb_recording_free)

EbRecordingTrack *
eb_recording_find_track (const EbRecording *recording, const char *name)
{
  g_return_val_if_fail (recording != NULL, NULL);

  if (name == NULL || recording->tracks == NULL)
    return NULL;
  for (guint i = 0; i < recording->tracks->len; i++)
    {
      EbRecordingTrack *track = g_ptr_array_index (recording->tracks, i);

      if (g_strcmp0 (track->name, name) == 0)
        return track;
    }
  return NULL;
}

guint64
eb_recording_total_size (const EbRecording *recording)
{
  guint64 total = 0;

  g_return_val_if_fail (recording != NULL, 0);

  if (recording->tracks != NULL)
    for (guint i = 0; i < recording->tracks->len; i++)
      total += ((const EbRecordingTrack *)g_ptr_array_index (recording->tracks, i))->size;
  return total;
}
