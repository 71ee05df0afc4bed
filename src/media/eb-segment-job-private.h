/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <eboard/eb-media.h>

#include "eb-manifest-private.h"

G_BEGIN_DECLS

/* A closed segment to hash, fsync and append to the manifest. */
typedef struct
{
  char *path;
  char *manifest_path;
  EbManifestEntry *entry;
  gboolean measure; /* not closed by the muxer: measure it from the file */
  GError *append_error;
} EbSegmentJob;

/* (transfer full): a job for the segment file @path; takes @entry */
EbSegmentJob *eb_segment_job_new (const char *path, const char *manifest_path,
                                  EbManifestEntry *entry, gboolean measure);
void eb_segment_job_free (EbSegmentJob *job);
/* Runs @job (transfer full) in a worker thread: @callback gets the task
 * (its task data @job) on the thread-default main context. */
void eb_segment_job_start (EbSegmentJob *job, gpointer source_object, GAsyncReadyCallback callback,
                           gpointer user_data);
/* In the callback: (transfer full) (nullable): the segment as appended
 * to the manifest, or NULL (logged) when it was left out of the
 * recording. An error of the append is in the job's append_error either
 * way. */
EbRecordedSegment *eb_segment_job_finish (GAsyncResult *result);
/* One job at a time, so that segments are reported and appended in
 * order: (transfer full) (nullable) the next job of @jobs to start,
 * unless *@job_running (then set). */
EbSegmentJob *eb_segment_job_next (GQueue *jobs, gboolean *job_running);

G_END_DECLS
