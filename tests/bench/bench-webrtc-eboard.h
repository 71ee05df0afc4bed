/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * eboardd for the forwarding benchmark: the built daemon with a fresh
 * data folder on 127.0.0.1, a live session prepared through its API (a
 * hub, one person per client on the roster, each with their join
 * credential), and the WHIP and WHEP routes as a browser uses them.
 */

#include <glib.h>

#include "bench-webrtc-proc.h"

typedef struct _BenchEboard BenchEboard;

/* Starts @eboardd with its data in @dir and output in @log_path, and
 * prepares a live session with @n_people people on its roster (the
 * first as chair). */
BenchEboard *bench_eboard_start (const char *eboardd, const char *dir, const char *log_path,
                                 guint n_people, GError **error);
BenchProc *bench_eboard_get_proc (BenchEboard *eboard);
/* The WHIP or WHEP URL of the session (@what "whip" or "whep"). */
char *bench_eboard_dup_url (BenchEboard *eboard, const char *what);
/* The join credential of person @index (0 .. n_people - 1). */
const char *bench_eboard_get_credential (BenchEboard *eboard, guint index);
/* Stops it (SIGTERM, then SIGKILL after 30 s); TRUE when it stopped
 * cleanly. */
gboolean bench_eboard_stop (BenchEboard *eboard);
void bench_eboard_free (BenchEboard *eboard);

/* POSTs the SDP @offer to the WHIP or WHEP @url with @credential as the
 * bearer: the answer's SDP (201 Created), else an error with the
 * problem details. The resource's path in @location (nullable). */
char *bench_eboard_post_offer (const char *url, const char *credential, const char *offer,
                               char **location, GError **error);
/* DELETEs the WHIP or WHEP resource at @location (a path). */
gboolean bench_eboard_delete (BenchEboard *eboard, const char *location, const char *credential,
                              GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchEboard, bench_eboard_free)
