/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-session.h>

G_BEGIN_DECLS

/* Open-ended series are compared over this many days after the later of
 * the two starts. */
#define EB_CONFLICT_HORIZON_DAYS 730

/**
 * EbOverlap:
 * @start: start of the first overlapping occurrence of the first session
 * @end: its end
 * @other_start: start of the overlapping occurrence of the other session
 * @other_end: its end
 */
typedef struct
{
  gint64 start;
  gint64 end;
  gint64 other_start;
  gint64 other_end;
} EbOverlap;

/**
 * eb_sessions_find_overlap:
 *
 * Whether any occurrence of @a overlaps any occurrence of @b (recurrence,
 * exceptions and time zones included; touching end-to-start is no
 * overlap). Fills @overlap with the first one.
 *
 * Returns: %TRUE on overlap; %FALSE with @error unset when none
 */
gboolean eb_sessions_find_overlap (const EbSession *a, const EbSession *b, EbOverlap *overlap,
                                   GError **error);

G_END_DECLS
