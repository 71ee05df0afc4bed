/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "eb-segment-job-private.h"

EbSegmentJob *
eb_segment_job_new (const char *path, const char *manifest_path, EbManifestEntry *entry,
                    gboolean measure)
{
  EbSegmentJob *job = g_new0 (EbSegmentJob, 1);

  job->path = g_strdup (path);
  job->manifest_path = g_strdup (manifest_path);
  job->entry = entry;
  job->measure = measure;
  return job;
}

void
eb_segment_job_free (EbSegmentJob *job)
{
  g_free (job->path);
  g_free (job->manifest_path);
  eb_manifest_entry_free (job->entry);
  g_clear_error (&job->append_error);
  g_free (job);
}

/* Worker thread: fsync the file and its folder, hash, measure when
 * needed, append to the manifest (and fsync it). */
static void
eb_segment_job_thread (GTask *task, gpointer source_object, gpointer task_data,
                       GCancellable *cancellable)
{
  EbSegmentJob *job = task_data;
  GError *error = NULL;
  int fd;

  /* the manifest never lists a segment that is not on disk, even after
   * a power loss: its contents, then its name in the folder */
  fd = g_open (job->path, O_RDONLY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      if (fsync (fd) != 0)
        g_message ("cannot sync %s: %s", job->path, g_strerror (errno));
      g_close (fd, NULL);
    }
  {
    g_autofree char *dir = g_path_get_dirname (job->path);

    eb_fsync_dir (dir);
  }
  if (job->measure)
    {
      g_auto (EbSegmentInfo) info = { 0 };

      if (!eb_segment_file_discover (job->path, &info, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      job->entry->duration_us = info.duration_us;
      job->entry->partial = TRUE;
      /* what the file holds is the truth of this segment; the
       * recorder's account fills in only what the reader did not find */
      if (info.video_codec != NULL)
        {
          g_free (job->entry->video_codec);
          job->entry->video_codec = g_steal_pointer (&info.video_codec);
        }
      if (info.audio_codec != NULL)
        {
          g_free (job->entry->audio_codec);
          job->entry->audio_codec = g_steal_pointer (&info.audio_codec);
        }
      if (info.width > 0 && info.height > 0)
        {
          job->entry->width = info.width;
          job->entry->height = info.height;
        }
    }
  if (!eb_segment_file_hash (job->path, &job->entry->size, &job->entry->sha256, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  eb_manifest_append (job->manifest_path, job->entry, &job->append_error);
  g_task_return_boolean (task, TRUE);
}

void
eb_segment_job_start (EbSegmentJob *job, gpointer source_object, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (source_object, NULL, callback, user_data);

  g_task_set_source_tag (task, eb_segment_job_start);
  g_task_set_task_data (task, job, (GDestroyNotify)eb_segment_job_free);
  g_task_run_in_thread (task, eb_segment_job_thread);
}

EbRecordedSegment *
eb_segment_job_finish (GAsyncResult *result)
{
  EbSegmentJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_message ("segment %s left out of the recording: %s", job->path, error->message);
      return NULL;
    }
  /* with the codecs of this segment, as its manifest line says */
  return eb_recorded_segment_new_from_entry (job->entry, job->path);
}

EbSegmentJob *
eb_segment_job_next (GQueue *jobs, gboolean *job_running)
{
  EbSegmentJob *job;

  if (*job_running || (job = g_queue_pop_head (jobs)) == NULL)
    return NULL;
  *job_running = TRUE;
  return job;
}
