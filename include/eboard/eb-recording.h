/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <eboard/eb-types.h>

G_BEGIN_DECLS

/**
 * EbRecordingState:
 * @EB_RECORDING_STATE_RECORDING: the session is live; segments are added
 *   as they close
 * @EB_RECORDING_STATE_COMPLETE: the session ended and every track was
 *   finalised
 * @EB_RECORDING_STATE_INTERRUPTED: rebuilt from the segments on disk after
 *   the daemon stopped in the middle of the session
 */
typedef enum
{
  EB_RECORDING_STATE_RECORDING,
  EB_RECORDING_STATE_COMPLETE,
  EB_RECORDING_STATE_INTERRUPTED,
} EbRecordingState;

/* "recording", "complete", "interrupted" */
const char *eb_recording_state_to_string (EbRecordingState state);
gboolean eb_recording_state_from_string (const char *text, EbRecordingState *state);

/**
 * EbRecordingSegment:
 * @seq: 1-based position of the segment within its track
 * @path: the file
 * @start_offset_us: from the session's start (EbRecording.started_at_us)
 * @duration_us: its media duration
 * @size: bytes
 * @sha256: lowercase hex SHA-256 of the file
 * @video_codec: (nullable): what this file holds, e.g. "h264"
 * @audio_codec: (nullable): what this file holds, e.g. "aac", "opus"
 * @width: pixels, or 0 when unknown
 * @height: pixels, or 0 when unknown
 *
 * One closed file of a track. A publisher that reconnects with other
 * codecs continues its track in segments of other codecs, so each
 * segment says what it holds. A segment without any codec (recorded
 * before segments had one) is described by its track: see
 * eb_recording_segment_describes_media().
 */
typedef struct
{
  gint seq;
  char *path;
  gint64 start_offset_us;
  gint64 duration_us;
  guint64 size;
  char *sha256;
  char *video_codec;
  char *audio_codec;
  gint width;
  gint height;
} EbRecordingSegment;

EbRecordingSegment *eb_recording_segment_new (void);
EbRecordingSegment *eb_recording_segment_copy (const EbRecordingSegment *segment);
void eb_recording_segment_free (EbRecordingSegment *segment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRecordingSegment, eb_recording_segment_free)
/* Whether @segment names a codec of its own (else its track's describe
 * it). */
gboolean eb_recording_segment_describes_media (const EbRecordingSegment *segment);

/**
 * EbRecordingTrack:
 * @id: row id (0 until stored)
 * @name: unique within the recording, e.g. "p12-srt"
 * @person_id: who published it
 * @site_id: from which site (the person's home site)
 * @transport: how it arrived: "srt"
 * @video_codec: (nullable): the video codec of its first segment with
 *   video, e.g. "h264"
 * @audio_codec: (nullable): the audio codec of its first segment with
 *   audio, e.g. "aac", "opus"
 * @width: pixels of its first segment with video, or 0 when unknown
 * @height: pixels of its first segment with video, or 0 when unknown
 * @video_codecs: (nullable) (array zero-terminated=1): the distinct video
 *   codecs of its segments, in order of first appearance
 * @audio_codecs: (nullable) (array zero-terminated=1): the distinct audio
 *   codecs of its segments, in order of first appearance
 * @start_offset_us: the first segment's start offset
 * @duration_us: the sum of the segments' durations (a track that
 *   reconnected has gaps: this is the media recorded, not the wall time)
 * @size: the sum of the segments' sizes
 * @sha256: (nullable): the track checksum, see
 *   eb_recording_track_checksum()
 * @segments: (element-type EbRecordingSegment): by @seq
 *
 * One published track of a recording.
 */
typedef struct
{
  EbId id;
  char *name;
  EbId person_id;
  EbId site_id;
  char *transport;
  char *video_codec;
  char *audio_codec;
  gint width;
  gint height;
  char **video_codecs;
  char **audio_codecs;
  gint64 start_offset_us;
  gint64 duration_us;
  guint64 size;
  char *sha256;
  GPtrArray *segments;
} EbRecordingTrack;

EbRecordingTrack *eb_recording_track_new (void);
EbRecordingTrack *eb_recording_track_copy (const EbRecordingTrack *track);
void eb_recording_track_free (EbRecordingTrack *track);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRecordingTrack, eb_recording_track_free)

/* (transfer full) (nullable): the track checksum: the lowercase hex
 * SHA-256 of the segments' lowercase hex checksums in @seq order, each
 * followed by one "\n" (so `sha256sum` of the segment files, keeping only
 * the first column, reproduces it). NULL for a track without segments. */
char *eb_recording_track_checksum (const EbRecordingTrack *track);
/* Sets @video_codecs and @audio_codecs from the segments, in the order
 * of @segments (a segment that names no codec counts with the track's
 * @video_codec and @audio_codec). */
void eb_recording_track_collect_codecs (EbRecordingTrack *track);
/* Sorts the segments by @seq and sets @start_offset_us, @duration_us,
 * @size, @sha256, @video_codecs and @audio_codecs from them, and
 * @video_codec, @audio_codec, @width and @height from the first segment
 * that names them (kept when none does, or when a segment that names no
 * codec comes first: the track's values describe that one). */
void eb_recording_track_summarize (EbRecordingTrack *track);

/**
 * EbRecording:
 * @id: row id (0 until stored)
 * @session_id: the session recorded
 * @started_at_us: when the session went live (Unix microseconds UTC):
 *   offset zero of every track and timeline event
 * @ended_at_us: when it ended, or 0 while recording
 * @tracks: (element-type EbRecordingTrack): by name
 * @created_at: Unix seconds
 * @updated_at: Unix seconds
 *
 * The recording of one live session: one per time the session was live.
 */
typedef struct
{
  EbId id;
  EbId session_id;
  EbRecordingState state;
  gint64 started_at_us;
  gint64 ended_at_us;
  GPtrArray *tracks;
  gint64 created_at;
  gint64 updated_at;
} EbRecording;

EbRecording *eb_recording_new (void);
EbRecording *eb_recording_copy (const EbRecording *recording);
void eb_recording_free (EbRecording *recording);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRecording, eb_recording_free)

/* (transfer none) (nullable): the track called @name. */
EbRecordingTrack *eb_recording_find_track (const EbRecording *recording, const char *name);
/* Total bytes over every track. */
guint64 eb_recording_total_size (const EbRecording *recording);

#define EB_TYPE_RECORDING (eb_recording_get_type ())
GType eb_recording_get_type (void) G_GNUC_CONST;

G_END_DECLS
