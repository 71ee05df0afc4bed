/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * Shared by the recovery tests: a child process (the test program run
 * again) records publishers in real time until it is killed with
 * SIGKILL, then what it left on disk is recovered and checked segment by
 * segment, each read back by GstDiscoverer and by ffprobe.
 */

#include <glib.h>

#include <eboard/eb-media.h>

#include "eb-media-test-util.h"

/* The child: writes the media time each publisher has pushed so far
 * (@counters, read atomically) to @path as "MS MS ...\n", every 20 ms
 * while the default main context runs. */
void eb_test_report_progress (const char *path, gint *const *counters, guint n_counters);

/* The parent: runs @child_argv, a child recording the %NULL-terminated
 * @tracks into @session_dir (segments named TRACK-NNNNN@extension) and
 * reporting its progress into @progress_path; kills it with SIGKILL once
 * every track has closed two segments and written more than
 * @min_partial_bytes of the next (failing after @wait_seconds); then
 * fills @pushed_ms, one per track, with what the child had pushed. */
void eb_test_record_and_kill (const char *const *child_argv, const char *session_dir,
                              const char *const *tracks, const char *extension,
                              gint64 min_partial_bytes, guint wait_seconds,
                              const char *progress_path, gint *pushed_ms);

/* Asserts that @track holds, in order and with their digests, every
 * segment of its track that @before (element-type EbManifestEntry: the
 * manifest as the kill left it) lists, at least two, plus the one being
 * written at the kill. */
void eb_test_assert_closed_segments (const EbRecordedTrack *track, GPtrArray *before);

/**
 * EbTestRecovered:
 * @extension: of the segment files (".ts", ".mkv")
 * @video_caps: what GstDiscoverer reads in every segment
 * @audio_caps: the same
 * @width: the same
 * @height: the same
 * @tolerance_us: how far a segment's recovered duration may be from what
 *   another reader finds in it
 * @reader_us: the media time another reader than the recovery finds in
 *   a segment; @killed for the one being written at the kill
 *
 * What every segment recovered after the kill must be.
 */
typedef struct
{
  const char *extension;
  const char *video_caps;
  const char *audio_caps;
  guint width;
  guint height;
  gint64 tolerance_us;
  gint64 (*reader_us) (const char *path, const EbTestProbe *probe, gboolean killed);
} EbTestRecovered;

/* Asserts, segment by segment, what @expected says, and that each one is
 * named TRACK-NNNNN in order, holds the digest and size of its file and
 * starts where the one before ended; then that at most @segment_seconds
 * of the @pushed_ms the child pushed are lost. */
void eb_test_assert_recovered_segments (const EbRecordedTrack *track,
                                        const EbTestRecovered *expected, gint pushed_ms,
                                        guint segment_seconds);
