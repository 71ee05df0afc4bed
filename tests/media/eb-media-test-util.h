/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * Shared by the media tests: generated test streams (ffmpeg), an
 * independent reader of what was written (GstDiscoverer) and temporary
 * folders.
 */

#include <glib.h>

/* The pipeline templates the product ships: $EB_SOURCE_ROOT/pipelines,
 * else the source tree's. */
char *eb_test_pipelines_dir (void);

/* Runs ffmpeg: @seconds of 1280x720 30 fps test video (@video_codec at
 * @bitrate, a keyframe every second) with a 440 Hz tone (@audio_codec),
 * in MPEG-TS, into @dir/@name; returns the file's path. @low_latency
 * (libx264 only) encodes with "-preset ultrafast -tune zerolatency" (no
 * B-frames); otherwise the encoder's defaults apply (libx264: B-frames). */
char *eb_test_make_stream (const char *dir, const char *name, guint seconds,
                           const char *video_codec, const char *bitrate, const char *audio_codec,
                           gboolean low_latency);
/* The same, with more options for ffmpeg's MPEG-TS muxer (e.g.
 * "-mpegts_start_pid", "0x200"), %NULL-terminated. */
char *eb_test_make_stream_full (const char *dir, const char *name, guint seconds,
                                const char *video_codec, const char *bitrate,
                                const char *audio_codec, gboolean low_latency,
                                const char *const *muxer_options);

/* What GstDiscoverer reads in a file. */
typedef struct
{
  gint64 duration_us;
  char *video_caps;
  char *audio_caps;
  guint width;
  guint height;
} EbTestProbe;

void eb_test_probe_clear (EbTestProbe *probe);
/* Reads @path with GstDiscoverer (in this process). */
gboolean eb_test_probe_file (const char *path, EbTestProbe *probe);
/* The duration ffprobe (another reader than GStreamer) reads in @path:
 * 0 when it finds none, -1 when it cannot read the file. */
gint64 eb_test_ffprobe_duration_us (const char *path);

/* The SHA-256 of @path's contents, in hex. */
char *eb_test_sha256_of (const char *path);
/* Every file of @dir whose name ends with @suffix (full paths), sorted. */
GPtrArray *eb_test_list_files (const char *dir, const char *suffix);
/* Removes @path and everything below it. */
void eb_test_rm_rf (const char *path);
