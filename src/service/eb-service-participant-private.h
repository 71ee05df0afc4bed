/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-service-private.h"

G_BEGIN_DECLS

/*
 * Join credentials and their revocation (eb-service-participant.c), for
 * the live use cases that issue credentials and let members into the
 * media plane (eb-service-live.c).
 *
 * A credential carries the microsecond it was issued at. Revoking a
 * roster member's join (eb_service_revoke_join()) marks the entry: every
 * credential issued at or before the mark is refused, and so is one
 * issued before the entry existed (the person was taken off the roster
 * and put back). The HTTP routes check this on every use; the media
 * plane verifies SRT credentials itself, and is given the same floor
 * when it lets a member in (eb_media_plane_allow_participant()).
 */

/* The floor of roster entry @entry's join credentials: one issued at or
 * before @not_issued_before_us (Unix microseconds) opens nothing (the
 * entry's last revocation, or the second before it was created). */
gboolean eb_service_join_floor (EbService *self, const EbRosterEntry *entry,
                                gint64 *not_issued_before_us, GError **error);

/* The issue time of a credential about to be issued to the member of
 * roster entry @entry: now, and always after its floor
 * (eb_service_join_floor()); recorded as the entry's last issue.
 * Returns 0 with @error on a failure. */
gint64 eb_service_join_stamp_issue (EbService *self, const EbRosterEntry *entry, GError **error);

G_END_DECLS
