/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-service-private.h"

G_BEGIN_DECLS

/*
 * What eb-service-live.c shares with the other live use cases (the
 * conference as participants see it, eb-service-conference.c). Every
 * call is on the main context.
 */

/* Where the live offsets of @session_id count from (its recording's
 * start while live; @fallback_us for a session that never went live). */
gboolean eb_service_live_get_origin (EbService *self, EbId session_id, gint64 fallback_us,
                                     gint64 *started_at_us, GError **error);

/* Stores one timeline event in the current transaction; (transfer full):
 * the event as stored. */
EbTimelineEvent *eb_service_live_add_event (EbService *self, EbId session_id, EbTimelineKind kind,
                                            gint64 at_us, gint64 started_at_us, EbId person_id,
                                            const char *track, const char *detail, GError **error);

/* Emits "session-event" for a stored (and committed) event. */
void eb_service_live_emit_event (EbService *self, const EbTimelineEvent *event);

/* After a revocation of @person_id's join credentials committed: when
 * @session is live, cuts their media connections, then lets them in
 * again (as eb_service_live_sync_participant() does) with only the
 * credentials issued since; event readers are checked again either way. */
void eb_service_live_cut_participant (EbService *self, const EbSession *session, EbId person_id);

/* Emits "access-changed" (see eb-service.h). */
void eb_service_live_access_changed (EbService *self, EbId session_id, EbId person_id);

/* (transfer none) (element-type EbIceServer): the STUN and TURN servers
 * of the live settings. */
GPtrArray *eb_service_live_get_ice_servers (EbService *self);

/* (transfer none) (nullable): the key join credentials are signed with
 * (%NULL when none is configured), @length bytes. */
const guint8 *eb_service_live_get_join_key (EbService *self, gsize *length);

G_END_DECLS
