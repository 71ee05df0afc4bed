/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

typedef enum
{
  EB_RECURRENCE_WEEKLY,
  EB_RECURRENCE_MONTHLY_BY_WEEKDAY,
} EbRecurrenceFrequency;

const char *eb_recurrence_frequency_to_string (EbRecurrenceFrequency frequency);
gboolean eb_recurrence_frequency_from_string (const char *text, EbRecurrenceFrequency *frequency);

/**
 * EbRecurrence:
 * @frequency: weekly (on the start's weekday) or monthly on the start's
 *   weekday ordinal ("2nd Tuesday"; "last Tuesday" when @last_weekday)
 * @interval: every N weeks or months, 1..52
 * @count: number of occurrences, or 0
 * @until: last possible start, Unix seconds UTC, or 0
 * @last_weekday: monthly only: the last such weekday of the month
 */
typedef struct
{
  EbRecurrenceFrequency frequency;
  gint interval;
  gint count;
  gint64 until;
  gboolean last_weekday;
} EbRecurrence;

EbRecurrence *eb_recurrence_new (EbRecurrenceFrequency frequency, gint interval);
EbRecurrence *eb_recurrence_copy (const EbRecurrence *recurrence);
void eb_recurrence_free (EbRecurrence *recurrence);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRecurrence, eb_recurrence_free)

/**
 * EbOccurrenceException:
 * @original_start: the start the rule gives, Unix seconds UTC
 * @cancelled: the occurrence does not take place
 * @new_start: when not cancelled: the moved start, Unix seconds UTC
 */
typedef struct
{
  gint64 original_start;
  gboolean cancelled;
  gint64 new_start;
} EbOccurrenceException;

EbOccurrenceException *eb_occurrence_exception_new (gint64 original_start, gboolean cancelled,
                                                    gint64 new_start);
EbOccurrenceException *eb_occurrence_exception_copy (const EbOccurrenceException *exception);
void eb_occurrence_exception_free (EbOccurrenceException *exception);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbOccurrenceException, eb_occurrence_exception_free)

/**
 * EbOccurrence:
 * @start: Unix seconds UTC
 * @end: Unix seconds UTC
 * @original_start: the start the rule gives (equals @start unless moved)
 * @moved: %TRUE for a moved occurrence
 */
typedef struct
{
  gint64 start;
  gint64 end;
  gint64 original_start;
  gboolean moved;
} EbOccurrence;

/* The RFC 5545 RRULE value (without "RRULE:"), e.g.
 * "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", for a series starting at @start
 * in @timezone. Built and checked with libical. */
char *eb_recurrence_to_rrule (const EbRecurrence *recurrence, gint64 start, const char *timezone,
                              GError **error);
/* The inverse, for rules this module writes; EB_ERROR_INVALID otherwise. */
EbRecurrence *eb_recurrence_from_rrule (const char *rrule, GError **error);

/**
 * eb_occurrences_expand:
 * @from: window start (inclusive), Unix seconds UTC
 * @to: window end (exclusive), Unix seconds UTC
 *
 * Expands a series with libical in its time zone (so a 09:00 weekly
 * board stays at 09:00 local across daylight-saving changes), applies
 * cancelled and moved occurrences, and returns the occurrences that
 * overlap [@from, @to) ordered by start.
 *
 * @recurrence may be %NULL for a single occurrence.
 *
 * Returns: (transfer full) (element-type EbOccurrence): the occurrences
 */
GArray *eb_occurrences_expand (gint64 start, gint duration_minutes, const char *timezone,
                               const EbRecurrence *recurrence, GPtrArray *exceptions, gint64 from,
                               gint64 to, GError **error);

/* Whether @timezone is an IANA zone libical knows. */
gboolean eb_timezone_is_valid (const char *timezone);

G_END_DECLS
