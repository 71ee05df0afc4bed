/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "eb-recorder-private.h"

G_BEGIN_DECLS

/* What streaming and network threads hold to reach the recorder from the
 * main context: the recorder clears @recorder in dispose. */
typedef struct
{
  gatomicrefcount ref;
  GMutex lock;
  EbRecorder *recorder;
  GMainContext *context;
} EbRecorderShared;

typedef void (*EbRecorderMainFunc) (EbRecorder *self, gpointer data);

EbRecorderShared *eb_recorder_shared_ref (EbRecorderShared *shared);
void eb_recorder_shared_unref (EbRecorderShared *shared);
/* (transfer full) (nullable): the recorder, unless it is gone */
EbRecorder *eb_recorder_shared_get (EbRecorderShared *shared);
/* Any thread: runs @func on the recorder's main context (always later,
 * from an idle source, never from within the caller), unless the
 * recorder is gone by then. */
void eb_recorder_handover (EbRecorderShared *shared, EbRecorderMainFunc func, gpointer data,
                           GDestroyNotify data_free);

G_END_DECLS
