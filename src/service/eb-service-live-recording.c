/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include <string.h>

#include "eb-service-live-private.h"

/*
 * The recording of a live session as the service indexes it: the
 * segments the media plane reports closed, added to the recording as
 * they close (or, after the session ended, to its registered
 * recording), and the final manifest merged with what was indexed live.
 */

/* A recorded track as the media plane reports it, with the site it came
 * from; segments are numbered in the order given. */
EbRecordingTrack *
eb_service_track_from_recorded (EbService *self, const EbRecordedTrack *recorded, GHashTable *sites,
                                GError **error)
{
  g_autoptr (EbRecordingTrack) track = eb_recording_track_new ();

  track->name = g_strdup (recorded->name);
  track->person_id = recorded->person_id;
  if (!eb_service_person_site (self, recorded->person_id, sites, &track->site_id, error))
    return NULL;
  track->video_codec = g_strdup (recorded->video_codec);
  track->audio_codec = g_strdup (recorded->audio_codec);
  track->width = recorded->width;
  track->height = recorded->height;
  for (guint i = 0; recorded->segments != NULL && i < recorded->segments->len; i++)
    {
      const EbRecordedSegment *in = g_ptr_array_index (recorded->segments, i);
      EbRecordingSegment *segment = eb_recording_segment_new ();

      segment->seq = (gint)i + 1;
      segment->path = g_strdup (in->path);
      segment->start_offset_us = in->start_offset_us;
      segment->duration_us = in->duration_us;
      segment->size = in->size;
      segment->sha256 = g_strdup (in->sha256);
      segment->video_codec = g_strdup (in->video_codec);
      segment->audio_codec = g_strdup (in->audio_codec);
      segment->width = in->width;
      segment->height = in->height;
      g_ptr_array_add (track->segments, segment);
    }
  eb_recording_track_summarize (track);
  return g_steal_pointer (&track);
}

/* Whether two paths name the same segment file: every segment of a
 * session is in the session's one folder, under a name of its own (the
 * folder may be written differently by the plane and the service). */
static gboolean
eb_segment_same_file (const char *a, const char *b)
{
  g_autofree char *base_a = NULL;
  g_autofree char *base_b = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  if (strcmp (a, b) == 0)
    return TRUE;
  base_a = g_path_get_basename (a);
  base_b = g_path_get_basename (b);
  return strcmp (base_a, base_b) == 0;
}

static gboolean
eb_track_lists_file (const EbRecordingTrack *track, const char *path)
{
  for (guint i = 0; i < track->segments->len; i++)
    if (eb_segment_same_file (
            ((const EbRecordingSegment *)g_ptr_array_index (track->segments, i))->path, path))
      return TRUE;
  return FALSE;
}

/* Adds to @track the segments of @indexed (the same track as indexed
 * while live) whose files it does not list, each before the first
 * segment that starts after it; renumbers and summarises @track.
 * Returns: how many were added */
static guint
eb_track_keep_indexed (EbRecordingTrack *track, const EbRecordingTrack *indexed)
{
  guint added = 0;

  for (guint i = 0; i < indexed->segments->len; i++)
    {
      const EbRecordingSegment *segment = g_ptr_array_index (indexed->segments, i);
      guint at = track->segments->len;

      if (eb_track_lists_file (track, segment->path))
        continue;
      for (guint j = 0; j < track->segments->len; j++)
        if (((const EbRecordingSegment *)g_ptr_array_index (track->segments, j))->start_offset_us
            > segment->start_offset_us)
          {
            at = j;
            break;
          }
      g_ptr_array_insert (track->segments, (gint)at, eb_recording_segment_copy (segment));
      added++;
    }
  for (guint i = 0; i < track->segments->len; i++)
    ((EbRecordingSegment *)g_ptr_array_index (track->segments, i))->seq = (gint)i + 1;
  eb_recording_track_summarize (track);
  return added;
}

/* Merges the final manifest into @recording's tracks as indexed while
 * live (from segment-closed events): for a file the manifest lists, the
 * manifest's segment (its timing is final); a segment or a whole track
 * indexed live that the manifest lacks is kept (a recorder that finished
 * after the close of the conference timed out is missing from it).
 * Nothing already indexed is lost. */
gboolean
eb_service_recording_merge_manifest (EbService *self, EbRecording *recording,
                                     const EbRecordingManifest *manifest, GError **error)
{
  g_autoptr (GHashTable) sites
      = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr (GPtrArray) merged
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recording_track_free);

  for (guint i = 0; manifest->tracks != NULL && i < manifest->tracks->len; i++)
    {
      EbRecordingTrack *track = eb_service_track_from_recorded (
          self, g_ptr_array_index (manifest->tracks, i), sites, error);
      const EbRecordingTrack *indexed;
      guint kept;

      if (track == NULL)
        return FALSE;
      g_ptr_array_add (merged, track);
      indexed = eb_recording_find_track (recording, track->name);
      if (indexed == NULL || (kept = eb_track_keep_indexed (track, indexed)) == 0)
        continue;
      g_message ("session %" G_GINT64_FORMAT ": track %s keeps %u segment(s) indexed as they "
                 "closed that the final manifest does not list",
                 recording->session_id, track->name, kept);
    }
  for (guint i = 0; i < recording->tracks->len; i++)
    {
      const EbRecordingTrack *indexed = g_ptr_array_index (recording->tracks, i);
      gboolean listed = FALSE;

      for (guint j = 0; j < merged->len && !listed; j++)
        listed = g_strcmp0 (((const EbRecordingTrack *)g_ptr_array_index (merged, j))->name,
                            indexed->name)
                 == 0;
      if (listed)
        continue;
      g_message ("session %" G_GINT64_FORMAT ": track %s, which the final manifest does not "
                 "list, keeps its %u segment(s) indexed as they closed",
                 recording->session_id, indexed->name, indexed->segments->len);
      g_ptr_array_add (merged, eb_recording_track_copy (indexed));
    }
  g_ptr_array_set_size (recording->tracks, 0);
  g_ptr_array_extend_and_steal (recording->tracks, g_steal_pointer (&merged));
  return TRUE;
}

/* The size and SHA-256 of a closed segment file, when the media plane
 * did not say. Segments are a few seconds long (about a megabyte at the
 * bitrates encoders send): hashing one on the main context takes
 * milliseconds. */
static gboolean
eb_segment_measure (const char *path, guint64 *size, char **sha256, GError **error)
{
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length;

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot read segment %s: %s", path,
                   local_error->message);
      return FALSE;
    }
  length = g_mapped_file_get_length (file);
  *size = length;
  *sha256 = g_compute_checksum_for_data (
      G_CHECKSUM_SHA256,
      length > 0 ? (const guchar *)g_mapped_file_get_contents (file) : (const guchar *)"", length);
  return TRUE;
}

/* The closed segment of a segment-closed event, as a recording segment. */
static EbRecordingSegment *
eb_service_segment_from_event (const EbMediaEvent *event, gint64 started_at_us, GError **error)
{
  g_autoptr (EbRecordingSegment) segment = eb_recording_segment_new ();

  if (event->segment != NULL && event->segment->path != NULL && event->segment->sha256 != NULL)
    {
      segment->path = g_strdup (event->segment->path);
      segment->start_offset_us = event->segment->start_offset_us;
      segment->duration_us = event->segment->duration_us;
      segment->size = event->segment->size;
      segment->sha256 = g_strdup (event->segment->sha256);
      /* the codecs of this segment: the track's are its first one's */
      segment->video_codec = g_strdup (event->segment->video_codec);
      segment->audio_codec = g_strdup (event->segment->audio_codec);
      segment->width = event->segment->width;
      segment->height = event->segment->height;
      return g_steal_pointer (&segment);
    }
  if (event->segment_path == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "a segment-closed event without a segment");
      return NULL;
    }
  /* Only the file is known: its timing comes with the final manifest at
   * the end of the session (or its recovery). */
  segment->path = g_strdup (event->segment_path);
  segment->start_offset_us = MAX (0, event->at - started_at_us);
  if (!eb_segment_measure (event->segment_path, &segment->size, &segment->sha256, error))
    return NULL;
  return g_steal_pointer (&segment);
}

/* Adds the segment of a segment-closed event to the session's recording
 * at once, so that the database indexes what is on disk even if the
 * daemon stops before the end. */
static gboolean
eb_service_recording_add_segment (EbService *self, const EbMediaEvent *event, EbId recording_id,
                                  gint64 started_at_us, GError **error)
{
  g_autoptr (EbRecordingSegment) segment = NULL;
  g_autoptr (EbRecordingTrack) track = eb_recording_track_new ();

  if (recording_id == 0 || event->track == NULL)
    return TRUE;
  segment = eb_service_segment_from_event (event, started_at_us, error);
  if (segment == NULL)
    return FALSE;
  track->name = g_strdup (event->track);
  track->person_id = event->person_id;
  if (!eb_service_person_site (self, event->person_id, NULL, &track->site_id, error))
    return FALSE;
  return eb_store_recording_append_segment (self->store, recording_id, track, segment, error);
}

/* The file of a segment-closed event (nullable). */
const char *
eb_service_segment_file_of (const EbMediaEvent *event)
{
  if (event->segment != NULL && event->segment->path != NULL)
    return event->segment->path;
  return event->segment_path;
}

/* A segment that closed after its session ended: a recorder was still
 * finishing when the close of the conference timed out. It joins the
 * session's registered recording (its track created when the final
 * manifest had none), unless that already lists its file. @added: (out):
 * the recording it was added to, else 0. */
static gboolean
eb_service_recording_add_late_segment (EbService *self, const EbMediaEvent *event,
                                       gint64 started_at_us, EbId *added, GError **error)
{
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GError) local_error = NULL;
  const EbRecordingTrack *listed;
  const char *file = eb_service_segment_file_of (event);

  *added = 0;
  if (event->track == NULL || file == NULL)
    return TRUE;
  recording = eb_store_recording_find_by_session (self->store, event->session_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* a session that never recorded, or one recording elsewhere: nothing
   * of this run to complete */
  if (recording == NULL || recording->state == EB_RECORDING_STATE_RECORDING)
    return TRUE;
  listed = eb_recording_find_track (recording, event->track);
  if (listed != NULL && eb_track_lists_file (listed, file))
    {
      g_debug ("session %" G_GINT64_FORMAT ": segment %s of track %s is already in recording "
               "%" G_GINT64_FORMAT,
               event->session_id, file, event->track, recording->id);
      return TRUE;
    }
  if (!eb_service_recording_add_segment (self, event, recording->id, started_at_us, error))
    return FALSE;
  *added = recording->id;
  return TRUE;
}

/* What a segment-closed event adds to the session's recording: while it
 * records, the segment as indexed live; once it ended, a late segment.
 * @late_recording: (out): the ended recording a late segment was added
 * to, else 0. */
gboolean
eb_service_recording_segment_closed (EbService *self, const EbMediaEvent *event, EbId recording_id,
                                     gint64 started_at_us, EbId *late_recording, GError **error)
{
  *late_recording = 0;
  if (recording_id != 0)
    return eb_service_recording_add_segment (self, event, recording_id, started_at_us, error);
  return eb_service_recording_add_late_segment (self, event, started_at_us, late_recording, error);
}
