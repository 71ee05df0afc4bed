/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalcomponent, icalcomponent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalproperty, icalproperty_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalrecur_iterator, icalrecur_iterator_free)

/* (transfer none) (nullable): the libical zone for an IANA name, loaded
 * once from the system zoneinfo and kept for the life of the process. */
icaltimezone *eb_timezone_get (const char *name);

/* Whether @zone is libical's UTC zone, which has no VTIMEZONE. */
gboolean eb_timezone_is_utc (icaltimezone *zone);

/* The wall-clock time of @instant in @zone, with the zone attached. */
struct icaltimetype eb_timezone_local_time (gint64 instant, icaltimezone *zone);

/* The wall-clock time of @instant in @zone without a zone, as written
 * after a TZID parameter. */
struct icaltimetype eb_timezone_floating_time (gint64 instant, icaltimezone *zone);

/* The Unix instant of a wall-clock time in @zone. */
gint64 eb_timezone_instant (struct icaltimetype local, icaltimezone *zone);

/* (transfer full): a copy of the VTIMEZONE of @name whose TZID is the
 * plain IANA name and whose history starts on 1 January of the year
 * before @since; %NULL for UTC (times are then written in UTC). */
icalcomponent *eb_timezone_vtimezone (const char *name, gint64 since, GError **error);

G_END_DECLS
