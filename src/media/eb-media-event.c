/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <eboard/eb-media.h>

#include "eb-manifest-private.h"

static const char *const kind_names[] = {
  [EB_MEDIA_EVENT_PARTICIPANT_JOINED] = "participant-joined",
  [EB_MEDIA_EVENT_PARTICIPANT_LEFT] = "participant-left",
  [EB_MEDIA_EVENT_TRACK_STARTED] = "track-started",
  [EB_MEDIA_EVENT_TRACK_STOPPED] = "track-stopped",
  [EB_MEDIA_EVENT_SEGMENT_CLOSED] = "segment-closed",
  [EB_MEDIA_EVENT_INPUT_REFUSED] = "input-refused",
  [EB_MEDIA_EVENT_RECORDING_FAILED] = "recording-failed",
  [EB_MEDIA_EVENT_SUBSCRIBER_DROPPED] = "subscriber-dropped",
};

/**
 * eb_media_event_kind_to_string:
 *
 * Returns: (transfer none) (nullable): the kebab-case name of @kind, as
 *   the timeline stores it, or %NULL outside the enumeration
 */
const char *
eb_media_event_kind_to_string (EbMediaEventKind kind)
{
  if ((guint)kind >= G_N_ELEMENTS (kind_names))
    return NULL;
  return kind_names[kind];
}

/**
 * eb_media_event_copy:
 *
 * Returns: (transfer full): a deep copy of @event
 */
EbMediaEvent *
eb_media_event_copy (const EbMediaEvent *event)
{
  EbMediaEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_new0 (EbMediaEvent, 1);
  *copy = *event;
  copy->track = g_strdup (event->track);
  copy->detail = g_strdup (event->detail);
  copy->segment_path = g_strdup (event->segment_path);
  copy->segment = event->segment != NULL ? eb_recorded_segment_copy (event->segment) : NULL;
  return copy;
}

void
eb_media_event_free (EbMediaEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->track);
  g_free (event->detail);
  g_free (event->segment_path);
  g_clear_pointer (&event->segment, eb_recorded_segment_free);
  g_free (event);
}
