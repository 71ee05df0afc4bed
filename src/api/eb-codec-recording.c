/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-live-private.h"
#include "eb-json-codec-private.h"

/* Null for 0 (unknown). */
static void
eb_json_add_dimension (JsonBuilder *builder, const char *name, gint value)
{
  json_builder_set_member_name (builder, name);
  if (value > 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
eb_json_add_ms (JsonBuilder *builder, const char *name, gint64 us)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, MAX (us, 0) / 1000);
}

static void
eb_json_add_size (JsonBuilder *builder, const char *name, guint64 size)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64)MIN (size, (guint64)G_MAXINT64));
}

static void
eb_json_add_strv (JsonBuilder *builder, const char *name, char *const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* The segment's file name only: where the server keeps its recordings is
 * not the client's business. Its codecs and picture size are its own; a
 * segment stored before segments had them is described by its track. */
static void
eb_segment_build (JsonBuilder *builder, const EbRecordingTrack *track,
                  const EbRecordingSegment *segment)
{
  g_autofree char *file = segment->path != NULL ? g_path_get_basename (segment->path) : NULL;
  gboolean own = eb_recording_segment_describes_media (segment);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, segment->seq);
  eb_json_add_nullable_string (builder, "file", file);
  eb_json_add_ms (builder, "start_offset_ms", segment->start_offset_us);
  eb_json_add_ms (builder, "duration_ms", segment->duration_us);
  eb_json_add_size (builder, "size", segment->size);
  eb_json_add_nullable_string (builder, "sha256", segment->sha256);
  eb_json_add_nullable_string (builder, "video_codec",
                               own ? segment->video_codec : track->video_codec);
  eb_json_add_nullable_string (builder, "audio_codec",
                               own ? segment->audio_codec : track->audio_codec);
  eb_json_add_dimension (builder, "width", own ? segment->width : track->width);
  eb_json_add_dimension (builder, "height", own ? segment->height : track->height);
  json_builder_end_object (builder);
}

/* The distinct codecs of the track's segments (collected here for a
 * track that was not read from the store or summarised). */
static void
eb_track_add_codec_lists (JsonBuilder *builder, const EbRecordingTrack *track)
{
  g_autoptr (EbRecordingTrack) collected = NULL;

  if (track->video_codecs == NULL || track->audio_codecs == NULL)
    {
      collected = eb_recording_track_copy (track);
      eb_recording_track_collect_codecs (collected);
      track = collected;
    }
  eb_json_add_strv (builder, "video_codecs", track->video_codecs);
  eb_json_add_strv (builder, "audio_codecs", track->audio_codecs);
}

static void
eb_track_build (JsonBuilder *builder, const EbRecordingTrack *track, gboolean with_segments)
{
  guint n_segments = track->segments != NULL ? track->segments->len : 0;

  json_builder_begin_object (builder);
  eb_json_add_nullable_string (builder, "name", track->name);
  eb_json_add_id (builder, "person_id", track->person_id);
  eb_json_add_id (builder, "site_id", track->site_id);
  eb_json_add_nullable_string (builder, "transport", track->transport);
  eb_json_add_nullable_string (builder, "video_codec", track->video_codec);
  eb_json_add_nullable_string (builder, "audio_codec", track->audio_codec);
  eb_json_add_dimension (builder, "width", track->width);
  eb_json_add_dimension (builder, "height", track->height);
  eb_track_add_codec_lists (builder, track);
  eb_json_add_ms (builder, "start_offset_ms", track->start_offset_us);
  eb_json_add_ms (builder, "duration_ms", track->duration_us);
  eb_json_add_size (builder, "size", track->size);
  eb_json_add_nullable_string (builder, "sha256", track->sha256);
  json_builder_set_member_name (builder, "segment_count");
  json_builder_add_int_value (builder, n_segments);
  if (with_segments)
    {
      json_builder_set_member_name (builder, "segments");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n_segments; i++)
        eb_segment_build (builder, track, g_ptr_array_index (track->segments, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

static JsonNode *
eb_recording_build (const EbRecording *recording, gboolean with_segments)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  guint n_tracks = recording->tracks != NULL ? recording->tracks->len : 0;
  const char *state = eb_recording_state_to_string (recording->state);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, recording->id);
  json_builder_set_member_name (builder, "session_id");
  json_builder_add_int_value (builder, recording->session_id);
  eb_json_add_nullable_string (builder, "state", state != NULL ? state : "unknown");
  eb_json_add_instant_us (builder, "started_at", recording->started_at_us);
  eb_json_add_instant_us (builder, "ended_at", recording->ended_at_us);
  json_builder_set_member_name (builder, "duration_ms");
  if (recording->ended_at_us != 0)
    json_builder_add_int_value (builder,
                                MAX (recording->ended_at_us - recording->started_at_us, 0) / 1000);
  else
    json_builder_add_null_value (builder);
  eb_json_add_size (builder, "size", eb_recording_total_size (recording));
  json_builder_set_member_name (builder, "track_count");
  json_builder_add_int_value (builder, n_tracks);
  json_builder_set_member_name (builder, "tracks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_tracks; i++)
    eb_track_build (builder, g_ptr_array_index (recording->tracks, i), with_segments);
  json_builder_end_array (builder);
  eb_json_add_instant (builder, "created_at", recording->created_at);
  eb_json_add_instant (builder, "updated_at", recording->updated_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
eb_recording_to_json (const EbRecording *recording)
{
  return eb_recording_build (recording, TRUE);
}

JsonNode *
eb_recording_summary_to_json (const EbRecording *recording)
{
  return eb_recording_build (recording, FALSE);
}
