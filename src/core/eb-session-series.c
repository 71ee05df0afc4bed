/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-session.h>

static gint64
eb_session_expand_end (const EbSession *session, gint64 from, gboolean *found)
{
  g_autoptr (GArray) occurrences = NULL;
  gint64 end = G_MININT64;

  occurrences
      = eb_occurrences_expand (session->start, session->duration_minutes, session->timezone,
                               session->recurrence, session->exceptions, from, G_MAXINT64, NULL);
  if (occurrences == NULL)
    {
      *found = FALSE;
      return G_MAXINT64;
    }
  for (guint i = 0; i < occurrences->len; i++)
    end = MAX (end, g_array_index (occurrences, EbOccurrence, i).end);
  *found = occurrences->len > 0;
  return end;
}

/**
 * eb_session_series_end:
 *
 * A single session ends after its duration; a series with a count or an
 * until ends with its last occurrence, a moved one included and a
 * cancelled one not (never before the first occurrence's planned end). A
 * series that cannot be expanded (bad zone, more occurrences than the
 * expansion limit) is treated as open-ended, so that a filter on this
 * value never drops a candidate it should keep.
 *
 * Returns: the last instant an occurrence can end, Unix seconds UTC, or
 *   %G_MAXINT64 for an open-ended series
 */
gint64
eb_session_series_end (const EbSession *session)
{
  const EbRecurrence *rule;
  gint64 first_end;
  gint64 end;
  gboolean found = FALSE;

  g_return_val_if_fail (session != NULL, G_MAXINT64);

  rule = session->recurrence;
  first_end = session->start + (gint64)MAX (session->duration_minutes, 0) * 60;

  if (rule != NULL && rule->count <= 0 && rule->until == 0)
    return G_MAXINT64;

  if (rule != NULL && rule->count <= 0 && rule->until > session->start && rule->interval > 0)
    {
      /* The last occurrence lies within a period or two of UNTIL: expand
       * only from there (a moved occurrence landing later is found too). */
      gint64 period_days
          = (gint64)rule->interval * (rule->frequency == EB_RECURRENCE_WEEKLY ? 7 : 62);
      gint64 from = rule->until - (period_days + 1) * 24 * 60 * 60;

      end = eb_session_expand_end (session, MAX (from, session->start), &found);
      if (found)
        return MAX (end, first_end);
      if (end == G_MAXINT64)
        return G_MAXINT64;
    }

  /* A single session, a counted series, or an until whose last periods
   * were all cancelled or moved away: expand the whole series. */
  end = eb_session_expand_end (session, G_MININT64, &found);
  if (end == G_MAXINT64 && !found)
    return rule != NULL ? G_MAXINT64 : first_end;
  return found ? MAX (end, first_end) : first_end;
}

/**
 * eb_session_series_start:
 *
 * A moved occurrence may start before the series does (a weekly series
 * from June whose first occurrence is moved to May), so a window filter
 * on the stored start alone would miss it. Every moved occurrence counts,
 * whether or not its original start is one of the series' occurrences: a
 * bound that is too early only costs an expansion, one that is too late
 * loses a conflict.
 *
 * Returns: the first instant an occurrence can start, Unix seconds UTC:
 *   the session's start, or the earliest new start of a moved occurrence
 *   when that comes first
 */
gint64
eb_session_series_start (const EbSession *session)
{
  gint64 first;

  g_return_val_if_fail (session != NULL, G_MININT64);

  first = session->start;
  for (guint i = 0; session->exceptions != NULL && i < session->exceptions->len; i++)
    {
      const EbOccurrenceException *exception = g_ptr_array_index (session->exceptions, i);

      if (!exception->cancelled && exception->new_start != 0)
        first = MIN (first, exception->new_start);
    }
  return first;
}
