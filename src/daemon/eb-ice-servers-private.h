/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The STUN and TURN server URLs of the [webrtc] configuration, in the
 * form webrtcbin takes them (and the browsers' ICE servers are made
 * from): "stun://HOST[:PORT]" and
 * "turn://USER:PASSWORD@HOST[:PORT][?transport=udp|tcp]" (or "turns://"),
 * user and password percent-encoded where needed.
 *
 * A TURN password is a secret: error messages never quote a TURN URL,
 * and whatever shows one (the printed configuration, a log line) masks it
 * with eb_ice_mask_secrets().
 */

gboolean eb_ice_check_stun_url (const char *url, GError **error);
gboolean eb_ice_check_turn_url (const char *url, GError **error);

/* (transfer full): @text with the password of every
 * "scheme://user:password@" in it replaced by "***". */
char *eb_ice_mask_secrets (const char *text);

G_END_DECLS
