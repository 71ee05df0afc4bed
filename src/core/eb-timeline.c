/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-timeline.h>

#include "eb-enum-private.h"

static const char *const timeline_kind_names[] = {
  [EB_TIMELINE_TRACK_STARTED] = "track-started",
  [EB_TIMELINE_TRACK_STOPPED] = "track-stopped",
  [EB_TIMELINE_PARTICIPANT_JOINED] = "participant-joined",
  [EB_TIMELINE_PARTICIPANT_LEFT] = "participant-left",
  [EB_TIMELINE_SEGMENT_CLOSED] = "segment-closed",
  [EB_TIMELINE_INPUT_REFUSED] = "input-refused",
  [EB_TIMELINE_RECORDING_FAILED] = "recording-failed",
  [EB_TIMELINE_SUBSCRIBER_DROPPED] = "subscriber-dropped",
  [EB_TIMELINE_SESSION_STARTED] = "session-started",
  [EB_TIMELINE_SESSION_ENDED] = "session-ended",
  [EB_TIMELINE_SESSION_INTERRUPTED] = "session-interrupted",
  [EB_TIMELINE_CASE_CHANGED] = "case-changed",
};

/**
 * eb_timeline_kind_to_string:
 *
 * Returns: (transfer none) (nullable): the API name of @kind, or %NULL
 *   for a value outside the enumeration
 */
/**
 * eb_timeline_kind_from_string:
 * @text: (nullable): an API name
 * @kind: (out) (optional): the kind it names
 *
 * Returns: whether @text names a timeline event kind
 */
EB_DEFINE_ENUM_NAMES (EbTimelineKind, eb_timeline_kind, timeline_kind_names)

/**
 * eb_timeline_event_new:
 *
 * Returns: (transfer full): an empty event (kind track-started, the zero
 *   value); set the kind explicitly
 */
EbTimelineEvent *
eb_timeline_event_new (void)
{
  return g_new0 (EbTimelineEvent, 1);
}

/**
 * eb_timeline_event_copy:
 *
 * Returns: (transfer full): a deep copy of @event
 */
EbTimelineEvent *
eb_timeline_event_copy (const EbTimelineEvent *event)
{
  EbTimelineEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_new0 (EbTimelineEvent, 1);
  *copy = *event;
  copy->track = g_strdup (event->track);
  copy->detail = g_strdup (event->detail);
  return copy;
}

void
eb_timeline_event_free (EbTimelineEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->track);
  g_free (event->detail);
  g_free (event);
}

G_DEFINE_BOXED_TYPE (EbTimelineEvent, eb_timeline_event, eb_timeline_event_copy,
                     eb_timeline_event_free)

EbAttendanceSpan *
eb_attendance_span_new (void)
{
  return g_new0 (EbAttendanceSpan, 1);
}

/**
 * eb_attendance_span_copy:
 *
 * Returns: (transfer full): a copy of @span
 */
EbAttendanceSpan *
eb_attendance_span_copy (const EbAttendanceSpan *span)
{
  EbAttendanceSpan *copy;

  g_return_val_if_fail (span != NULL, NULL);

  copy = g_new0 (EbAttendanceSpan, 1);
  *copy = *span;
  return copy;
}

void
eb_attendance_span_free (EbAttendanceSpan *span)
{
  g_free (span);
}
