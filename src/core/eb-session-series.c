/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-session.h>

/**
 * eb_session_series_end:
 *
 * A single session ends after its duration; a series with a count or an
 * until ends with its last occurrence, a moved one included; the end
 * is never before the first occurrence's (start + duration). A series that cannot be expanded (bad
 * zone, more occurrences than the expansion limit) is treated as open-ended, so a filter on this
 * value never drops a candidate it should keep.
 *
 * Returns: the last instant an occurrence can end, Unix seconds UTC, or
 *   %G_MAXINT64 for an open-ended series
 */
gint64
eb_session_series_end (const EbSession *session)
{
  const EbRecurrence *rule;
  gint64 duration;
  gint64 end;
  g_autoptr (GArray) occurrences = NULL;

  g_return_val_if_fail (session != NULL, G_MAXINT64);

  rule = session->recurrence;
  duration = (gint64)MAX (session->duration_minutes, 0) * 60;
  end = session->start + duration;

  if (rule != NULL && rule->count <= 0 && rule->until == 0)
    return G_MAXINT64;

  /* Without an upper bound the expansion stops with the rule's last
   * occurrence (COUNT or UNTIL); exceptions may move one later. */
  occurrences = eb_occurrences_expand (session->start, session->duration_minutes, session->timezone,
                                       rule, session->exceptions, G_MININT64, G_MAXINT64, NULL);
  if (occurrences == NULL)
    return rule != NULL ? G_MAXINT64 : end;

  for (guint i = 0; i < occurrences->len; i++)
    end = MAX (end, g_array_index (occurrences, EbOccurrence, i).end);
  return end;
}
