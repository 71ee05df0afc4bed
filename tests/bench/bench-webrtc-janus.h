/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * Janus (Debian's `janus` package) as the reference forwarder: a private
 * instance with a configuration folder written for it (HTTP transport on
 * 127.0.0.1 only, ICE on 127.0.0.1 only, the VideoRoom plugin alone with
 * one VP8/Opus room, no recording), and its JSON-over-HTTP API: a Janus
 * session with one VideoRoom handle, requests, and the events read by
 * long polling.
 */

#include <glib.h>

#include "bench-webrtc-proc.h"

/* The room every trial publishes into, and the publisher's feed id. */
#define BENCH_JANUS_ROOM 1
#define BENCH_JANUS_FEED 1

typedef struct _BenchJanus BenchJanus;

/* The janus executable in PATH, or %NULL. */
char *bench_janus_find (void);
/* Writes the configuration into @dir and starts Janus with @preload
 * (bench-webrtc-ifaddrs.c: it lets Janus gather on 127.0.0.1) and its
 * output in @log_path; returns once its API answers (at most 30 s). */
BenchJanus *bench_janus_start (const char *janus, const char *preload, const char *dir,
                               const char *log_path, GError **error);
const char *bench_janus_get_url (BenchJanus *janus);
BenchProc *bench_janus_get_proc (BenchJanus *janus);
/* Stops it (SIGTERM, then SIGKILL after 10 s); TRUE when it stopped
 * cleanly. */
gboolean bench_janus_stop (BenchJanus *janus);
void bench_janus_free (BenchJanus *janus);

typedef struct _BenchJanusHandle BenchJanusHandle;

/* A new Janus session with a VideoRoom handle. Use it from the thread
 * that made it. */
BenchJanusHandle *bench_janus_handle_new (const char *url, GError **error);
void bench_janus_handle_free (BenchJanusHandle *handle);

/* Sends the VideoRoom request @body (JSON text) with @jsep_sdp (nullable)
 * as a @jsep_type description, then reads events until the plugin's
 * answer: its "videoroom" is @wanted or it has a member @wanted (e.g.
 * "joined", "attached", "configured", "started"). The description that
 * came with it, if any, in @sdp_out. At most @seconds (plus one long
 * poll). */
/* Reads events until Janus reports @what (e.g. "webrtcup": the
 * PeerConnection is up) for this handle, at most @seconds (plus one long
 * poll). */
gboolean bench_janus_wait_event (BenchJanusHandle *handle, const char *what, double seconds,
                                 GError **error);
gboolean bench_janus_request (BenchJanusHandle *handle, const char *body, const char *jsep_type,
                              const char *jsep_sdp, const char *wanted, double seconds,
                              char **sdp_out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchJanusHandle, bench_janus_handle_free)
