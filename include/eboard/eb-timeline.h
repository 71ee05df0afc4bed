/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <eboard/eb-types.h>

G_BEGIN_DECLS

/**
 * EbTimelineKind:
 *
 * What happened in a live session. API names (kebab-case): track-started,
 * track-stopped, participant-joined, participant-left, segment-closed,
 * input-refused, recording-failed, subscriber-dropped, session-started,
 * session-ended, session-interrupted, case-changed (the chair moved the
 * conference to another agenda item; the detail is the item's id).
 */
typedef enum
{
  EB_TIMELINE_TRACK_STARTED,
  EB_TIMELINE_TRACK_STOPPED,
  EB_TIMELINE_PARTICIPANT_JOINED,
  EB_TIMELINE_PARTICIPANT_LEFT,
  EB_TIMELINE_SEGMENT_CLOSED,
  EB_TIMELINE_INPUT_REFUSED,
  EB_TIMELINE_RECORDING_FAILED,
  EB_TIMELINE_SUBSCRIBER_DROPPED,
  EB_TIMELINE_SESSION_STARTED,
  EB_TIMELINE_SESSION_ENDED,
  EB_TIMELINE_SESSION_INTERRUPTED,
  EB_TIMELINE_CASE_CHANGED,
} EbTimelineKind;

const char *eb_timeline_kind_to_string (EbTimelineKind kind);
gboolean eb_timeline_kind_from_string (const char *text, EbTimelineKind *kind);

/**
 * EbTimelineEvent:
 * @id: row id (0 until stored)
 * @session_id: the session
 * @at_us: when (Unix microseconds UTC)
 * @offset_us: @at_us minus the session's live start (the recording's
 *   started_at_us); never negative
 * @person_id: who, or 0
 * @track: (nullable): the track concerned, e.g. "p12-srt"
 * @detail: (nullable): a human-readable detail (never a credential)
 *
 * One entry of a session's timeline, as stored and as pushed live (the
 * service's "session-event" signal).
 */
typedef struct
{
  EbId id;
  EbId session_id;
  gint64 at_us;
  gint64 offset_us;
  EbTimelineKind kind;
  EbId person_id;
  char *track;
  char *detail;
} EbTimelineEvent;

EbTimelineEvent *eb_timeline_event_new (void);
EbTimelineEvent *eb_timeline_event_copy (const EbTimelineEvent *event);
void eb_timeline_event_free (EbTimelineEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbTimelineEvent, eb_timeline_event_free)

#define EB_TYPE_TIMELINE_EVENT (eb_timeline_event_get_type ())
GType eb_timeline_event_get_type (void) G_GNUC_CONST;

/**
 * EbAttendanceSpan:
 * @id: row id (0 until stored)
 * @session_id: the session
 * @person_id: who attended
 * @joined_at_us: when they connected (Unix microseconds UTC)
 * @left_at_us: when they disconnected, or 0 while connected
 *
 * One uninterrupted presence of a person in a live session; a publisher
 * who reconnects has one span per connection. The roster entry's
 * joined_at/left_at (Unix seconds) are the first join and the last leave.
 */
typedef struct
{
  EbId id;
  EbId session_id;
  EbId person_id;
  gint64 joined_at_us;
  gint64 left_at_us;
} EbAttendanceSpan;

EbAttendanceSpan *eb_attendance_span_new (void);
EbAttendanceSpan *eb_attendance_span_copy (const EbAttendanceSpan *span);
void eb_attendance_span_free (EbAttendanceSpan *span);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbAttendanceSpan, eb_attendance_span_free)

G_END_DECLS
