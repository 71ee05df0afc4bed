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
 * credential issued at or before the mark is refused. The media plane
 * checks only a credential's signature and its list of participants, so
 * a revoked member stays off that list until a credential is issued to
 * them again.
 */

/* Whether the member of roster entry @entry_id had their join revoked
 * and holds no credential issued since (then the media plane must not
 * let them in). %FALSE only for a failure. */
gboolean eb_service_join_is_revoked (EbService *self, EbId entry_id, gboolean *revoked,
                                     GError **error);

/* The issue time of a credential about to be issued to the member of
 * roster entry @entry_id: now, and always after the entry's last
 * revocation; recorded as the entry's last issue. @renewed: (out)
 * (optional): their join was revoked and this is the first credential
 * since (the media plane may let them in again). Returns 0 with @error
 * on a failure. */
gint64 eb_service_join_stamp_issue (EbService *self, EbId entry_id, gboolean *renewed,
                                    GError **error);

G_END_DECLS
