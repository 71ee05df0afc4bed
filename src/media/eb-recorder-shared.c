/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include "eb-recorder-shared-private.h"

EbRecorderShared *
eb_recorder_shared_ref (EbRecorderShared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

void
eb_recorder_shared_unref (EbRecorderShared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref))
    return;
  g_mutex_clear (&shared->lock);
  g_main_context_unref (shared->context);
  g_free (shared);
}

/* (transfer full) (nullable): the recorder, unless it is gone */
EbRecorder *
eb_recorder_shared_get (EbRecorderShared *shared)
{
  EbRecorder *recorder;

  g_mutex_lock (&shared->lock);
  recorder = shared->recorder != NULL ? g_object_ref (shared->recorder) : NULL;
  g_mutex_unlock (&shared->lock);
  return recorder;
}

typedef struct
{
  EbRecorderShared *shared;
  EbRecorderMainFunc func;
  gpointer data;
  GDestroyNotify data_free;
} EbHandover;

static void
eb_handover_free (EbHandover *handover)
{
  if (handover->data_free != NULL)
    handover->data_free (handover->data);
  eb_recorder_shared_unref (handover->shared);
  g_free (handover);
}

static gboolean
handover_cb (gpointer user_data)
{
  EbHandover *handover = user_data;
  g_autoptr (EbRecorder) self = eb_recorder_shared_get (handover->shared);

  if (self != NULL)
    handover->func (self, handover->data);
  return G_SOURCE_REMOVE;
}

/* Any thread: runs @func on the recorder's main context (always later,
 * from an idle source, never from within the caller), unless the
 * recorder is gone by then. */
void
eb_recorder_handover (EbRecorderShared *shared, EbRecorderMainFunc func, gpointer data,
                      GDestroyNotify data_free)
{
  EbHandover *handover = g_new0 (EbHandover, 1);
  g_autoptr (GSource) source = g_idle_source_new ();

  handover->shared = eb_recorder_shared_ref (shared);
  handover->func = func;
  handover->data = data;
  handover->data_free = data_free;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, handover_cb, handover, (GDestroyNotify)eb_handover_free);
  g_source_attach (source, shared->context);
}
