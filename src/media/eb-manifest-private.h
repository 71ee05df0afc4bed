/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include <eboard/eb-media.h>

G_BEGIN_DECLS

/*
 * The recording manifest of a session: `<session folder>/manifest.jsonl`,
 * append-only JSON Lines, one line per closed segment, each line written
 * with a single write(2) on an O_APPEND descriptor and fsync'd before the
 * segment is reported (the segment file and the folder are fsync'd before
 * its line is written, the folder again when the manifest is created). A process killed while
 * appending leaves at most a torn last line, which readers ignore.
 */
#define EB_MANIFEST_FILE_NAME "manifest.jsonl"

/**
 * EbManifestEntry:
 * @track: the track the segment belongs to, e.g. "p12-srt"
 * @person_id: who published it (0 when unknown)
 * @file: the segment's file name, relative to the session folder
 * @start_offset_us: from the session's start
 * @duration_us: media duration
 * @size: bytes
 * @sha256: lowercase hex
 * @video_codec: (nullable): "h264"
 * @audio_codec: (nullable): "aac", "opus"
 * @width: pixels, 0 when unknown
 * @height: pixels, 0 when unknown
 * @session_start_us: the session's start (Unix microseconds) the offset
 *   is relative to, 0 when unknown
 * @partial: the muxer did not close the file (the recording failed or
 *   was cut short); its timing was measured from the file
 *
 * One line of the manifest.
 */
typedef struct
{
  char *track;
  EbId person_id;
  char *file;
  gint64 start_offset_us;
  gint64 duration_us;
  guint64 size;
  char *sha256;
  char *video_codec;
  char *audio_codec;
  gint width;
  gint height;
  gint64 session_start_us;
  gboolean partial;
} EbManifestEntry;

EbManifestEntry *eb_manifest_entry_new (void);
EbManifestEntry *eb_manifest_entry_copy (const EbManifestEntry *entry);
void eb_manifest_entry_free (EbManifestEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbManifestEntry, eb_manifest_entry_free)

/* (transfer full): one JSON object, without a newline */
char *eb_manifest_entry_to_json (const EbManifestEntry *entry);
/* (transfer full) (nullable): %NULL and @error when @line is not an
 * entry */
EbManifestEntry *eb_manifest_entry_from_json (const char *line, GError **error);

/* Blocking: fsyncs the folder @path, so that the files created in it
 * keep their names after a power loss; a failure is logged. */
gboolean eb_fsync_dir (const char *path);

/* Appends @entry to the manifest at @path (created if missing) and
 * fsyncs it (and its folder, when it created it). Thread-safe; blocking
 * I/O: call it off the main context. */
gboolean eb_manifest_append (const char *path, const EbManifestEntry *entry, GError **error);
/* (transfer full) (element-type EbManifestEntry): the entries of the
 * manifest at @path, in order; a missing file is an empty manifest; a
 * torn or malformed line is skipped (a warning unless it is the last). */
GPtrArray *eb_manifest_read (const char *path, GError **error);

/* (transfer full): `<recordings_dir>/session-<id>` */
char *eb_manifest_session_dir (const char *recordings_dir, EbId session_id);
/* The person of a track named "p<id>-...", else 0. */
EbId eb_manifest_person_from_track (const char *track);
/* (transfer full) (nullable): "h264", "aac", "opus", ... for @caps */
char *eb_manifest_codec_from_caps (const GstCaps *caps);

/* Blocking: the size and lowercase hex SHA-256 of the file at @path. */
gboolean eb_segment_file_hash (const char *path, guint64 *size, char **sha256, GError **error);

typedef struct
{
  gint64 duration_us;
  char *video_codec;
  char *audio_codec;
  gint width;
  gint height;
} EbSegmentInfo;

void eb_segment_info_clear (EbSegmentInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EbSegmentInfo, eb_segment_info_clear)

/* Blocking (GstDiscoverer, bounded): what the file at @path holds; an
 * error when no reader can play it. A file cut short (by a kill, a crash
 * or a full disk) has its duration measured from its timestamps: an
 * MPEG-TS file the discoverer finds none in, a Matroska file whose header
 * has none (its muxer writes it on closing). */
gboolean eb_segment_file_discover (const char *path, EbSegmentInfo *info, GError **error);

/* EbRecordedSegment and EbRecordedTrack from <eboard/eb-media.h>. */
EbRecordedSegment *eb_recorded_segment_new (void);
EbRecordedSegment *eb_recorded_segment_copy (const EbRecordedSegment *segment);
void eb_recorded_segment_free (EbRecordedSegment *segment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRecordedSegment, eb_recorded_segment_free)
/* (transfer full): the segment of the manifest line @entry, its file at
 * @path, with the line's codecs and picture size */
EbRecordedSegment *eb_recorded_segment_new_from_entry (const EbManifestEntry *entry,
                                                       const char *path);

/* (transfer full): a track without segments; its @segments array frees
 * its elements with eb_recorded_segment_free() */
EbRecordedTrack *eb_recorded_track_new (const char *name, EbId person_id);
void eb_recorded_track_free (EbRecordedTrack *track);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRecordedTrack, eb_recorded_track_free)
/* Sets the codecs and picture size of @track to those of its first
 * segment with video and its first with audio (in the order of its
 * segments); those no segment names are kept. */
void eb_recorded_track_describe_from_segments (EbRecordedTrack *track);

G_END_DECLS
