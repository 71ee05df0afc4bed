/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>
#include <eboard/eb-recurrence.h>

G_BEGIN_DECLS

/* draft -> scheduled -> live -> ended -> archived; draft and scheduled
 * may be cancelled; scheduled may go back to draft. */
typedef enum
{
  EB_SESSION_STATE_DRAFT,
  EB_SESSION_STATE_SCHEDULED,
  EB_SESSION_STATE_LIVE,
  EB_SESSION_STATE_ENDED,
  EB_SESSION_STATE_ARCHIVED,
  EB_SESSION_STATE_CANCELLED,
} EbSessionState;

const char *eb_session_state_to_string (EbSessionState state);
gboolean eb_session_state_from_string (const char *text, EbSessionState *state);
gboolean eb_session_state_can_transition (EbSessionState from, EbSessionState to);
/* Sets EB_ERROR_CONFLICT naming both states when the move is illegal. */
gboolean eb_session_state_check_transition (EbSessionState from, EbSessionState to, GError **error);

/**
 * EbSession:
 * @focus: e.g. "GI tumor board"
 * @start: first occurrence, Unix seconds UTC
 * @duration_minutes: 1..1440
 * @timezone: IANA zone used for display and for expanding recurrence
 *   (the wall-clock time stays the same across daylight-saving changes)
 * @recurrence: (nullable): the repeat rule
 * @exceptions: (element-type EbOccurrenceException): cancelled and moved
 *   occurrences, ordered by original start
 */
typedef struct
{
  EbId id;
  char *title;
  char *focus;
  EbId host_site_id;
  gint64 start;
  gint duration_minutes;
  char *timezone;
  EbSessionState state;
  EbRecurrence *recurrence;
  GPtrArray *exceptions;
  gint64 version;
  gint64 created_at;
  gint64 updated_at;
} EbSession;

EbSession *eb_session_new (void);
EbSession *eb_session_copy (const EbSession *session);
void eb_session_free (EbSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbSession, eb_session_free)

gboolean eb_session_validate (const EbSession *session, GError **error);

/* The last instant any occurrence can end, or G_MAXINT64 for an
 * open-ended series; used to filter candidate sessions in SQL. */
gint64 eb_session_series_end (const EbSession *session);
/* The first instant any occurrence can start: the start, or an earlier
 * moved occurrence's new start; used with eb_session_series_end() to
 * filter candidate sessions in SQL. */
gint64 eb_session_series_start (const EbSession *session);

G_END_DECLS
