/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

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

void eb_segment_job_free (EbSegmentJob *job);
/* Worker thread (a GTaskThreadFunc, @task_data an EbSegmentJob): fsync
 * the file and the session folder, hash, measure when needed, append to
 * the manifest (and fsync it). An error of the append is left in the
 * job's append_error. */
void eb_segment_job_thread (GTask *task, gpointer source_object, gpointer task_data,
                            GCancellable *cancellable);

G_END_DECLS
