/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-conflict.h>
#include <eboard/eb-error.h>

#define EB_CONFLICT_HORIZON_SECONDS ((gint64)EB_CONFLICT_HORIZON_DAYS * 24 * 60 * 60)

/* The earliest instant an occurrence of @session can start: its start,
 * or a moved occurrence brought forward before it. */
static gint64
eb_session_earliest_start (const EbSession *session)
{
  gint64 earliest = session->start;

  if (session->exceptions == NULL)
    return earliest;
  for (guint i = 0; i < session->exceptions->len; i++)
    {
      const EbOccurrenceException *exception = g_ptr_array_index (session->exceptions, i);

      if (!exception->cancelled)
        earliest = MIN (earliest, exception->new_start);
    }
  return earliest;
}

/* An upper bound of the last instant an occurrence of @session can end,
 * without expanding it: a counted series stops by itself while it is
 * expanded, so only the horizon bounds it here. */
static gint64
eb_session_end_bound (const EbSession *session)
{
  gint64 last_start;
  gint64 duration = (gint64)MAX (session->duration_minutes, 0) * 60;

  if (session->recurrence == NULL)
    last_start = session->start;
  else if (session->recurrence->until != 0 && session->recurrence->count <= 0)
    last_start = MAX (session->recurrence->until, session->start);
  else
    return G_MAXINT64;

  for (guint i = 0; session->exceptions != NULL && i < session->exceptions->len; i++)
    {
      const EbOccurrenceException *exception = g_ptr_array_index (session->exceptions, i);

      if (!exception->cancelled)
        last_start = MAX (last_start, exception->new_start);
    }
  return last_start <= G_MAXINT64 - duration ? last_start + duration : G_MAXINT64;
}

static GArray *
eb_session_expand (const EbSession *session, gint64 from, gint64 to, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  GArray *occurrences;

  occurrences
      = eb_occurrences_expand (session->start, session->duration_minutes, session->timezone,
                               session->recurrence, session->exceptions, from, to, &local_error);
  if (occurrences == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "session %" G_GINT64_FORMAT ": ", session->id);
      return NULL;
    }
  return occurrences;
}

/**
 * eb_sessions_find_overlap:
 * @a: a session (single or recurring)
 * @b: another session
 * @overlap: (out caller-allocates) (optional): the first overlap found
 *
 * Both series are expanded in their own time zones over the span in
 * which both have occurrences: from the later of their first starts to
 * the earlier of their series ends, and no further than
 * %EB_CONFLICT_HORIZON_DAYS after the later start. The two ordered
 * occurrence lists are then merged in one pass. Intervals are half-open:
 * a session that ends when the other starts does not overlap it.
 *
 * The sessions' states are not looked at: the caller chooses which
 * sessions take part.
 *
 * Returns: %TRUE on overlap; %FALSE with @error unset when none, or with
 *   @error set when a session cannot be expanded
 */
gboolean
eb_sessions_find_overlap (const EbSession *a, const EbSession *b, EbOverlap *overlap,
                          GError **error)
{
  g_autoptr (GArray) first = NULL;
  g_autoptr (GArray) second = NULL;
  gint64 later_start;
  gint64 from;
  gint64 to;
  guint i = 0;
  guint j = 0;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  later_start = MAX (a->start, b->start);
  from = MAX (eb_session_earliest_start (a), eb_session_earliest_start (b));
  to = MIN (eb_session_end_bound (a), eb_session_end_bound (b));
  if (later_start <= G_MAXINT64 - EB_CONFLICT_HORIZON_SECONDS)
    to = MIN (to, later_start + EB_CONFLICT_HORIZON_SECONDS);
  if (from >= to)
    return FALSE;

  first = eb_session_expand (a, from, to, error);
  if (first == NULL)
    return FALSE;
  second = eb_session_expand (b, from, to, error);
  if (second == NULL)
    return FALSE;

  /* Both lists are ordered by start. Whichever occurrence ends before
   * the other one starts cannot overlap anything later in the other list
   * either, so it is dropped; the first pair that survives holds the
   * earliest overlapping occurrence of @a. */
  while (i < first->len && j < second->len)
    {
      const EbOccurrence *x = &g_array_index (first, EbOccurrence, i);
      const EbOccurrence *y = &g_array_index (second, EbOccurrence, j);

      if (x->end <= y->start)
        i++;
      else if (y->end <= x->start)
        j++;
      else
        {
          if (overlap != NULL)
            {
              overlap->start = x->start;
              overlap->end = x->end;
              overlap->other_start = y->start;
              overlap->other_end = y->end;
            }
          return TRUE;
        }
    }
  return FALSE;
}
