/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * In-process WebRTC clients on webrtcbin for the forwarding benchmark,
 * gathering ICE candidates on 127.0.0.1 only:
 * - a publisher with live encoders (VP8 and Opus) that count what they
 *   send and honour keyframe requests; its streaming threads run at a
 *   raised priority when the process may do that (root), so that a
 *   loaded machine does not make it drop frames;
 * - receive-only subscribers that do not decode: they count RTP packets
 *   and depayloaded frames and note when the first packet and the first
 *   keyframe (the first picture a decoder could show) arrived.
 * Every call that negotiates blocks its thread (never webrtcbin's) for at
 * most a few seconds.
 */

#include <glib.h>

#include "bench-webrtc-transit.h"

typedef struct _BenchClient BenchClient;

typedef struct
{
  guint width;
  guint height;
  guint fps;
  guint video_kbps;
} BenchVideo;

/* What a client counted so far. */
typedef struct
{
  guint64 video_frames;
  guint64 video_keyframes;
  guint64 video_packets;
  guint64 video_bytes; /* encoded (publisher) or depayloaded (subscriber) */
  guint64 audio_frames;
  guint64 audio_packets;
  gint64 first_packet_us;   /* monotonic; 0: none yet */
  gint64 first_keyframe_us; /* monotonic; 0: none yet */
} BenchCounts;

/* The publisher notes in @transit when each video frame left it. */
BenchClient *bench_client_new_publisher (const char *name, const BenchVideo *video,
                                         BenchTransit *transit, GError **error);
/* @offers: TRUE for a client that offers (WHEP: one recvonly VP8 and one
 * recvonly Opus m-line), FALSE for one that answers the server's offer.
 * With @transit (nullable), it notes how long each video frame took from
 * the publisher. */
BenchClient *bench_client_new_subscriber (const char *name, gboolean offers, BenchTransit *transit,
                                          GError **error);
void bench_client_free (BenchClient *client);

/* Starts the client, creates its offer and waits for ICE gathering to
 * complete: the SDP text with its candidates. */
char *bench_client_offer (BenchClient *client, GError **error);
/* Takes the server's answer to bench_client_offer(). */
gboolean bench_client_take_answer (BenchClient *client, const char *sdp, GError **error);
/* Starts the client and answers the server's @offer; the SDP text with
 * its candidates. */
char *bench_client_answer (BenchClient *client, const char *offer, GError **error);

void bench_client_get_counts (BenchClient *client, BenchCounts *counts);
/* (transfer full): the transit times (ms, double) of the video frames
 * received since the last call; @unmatched: frames whose sending was not
 * known (their picture ID was not the publisher's). */
GArray *bench_client_take_transits (BenchClient *client, guint *unmatched);
/* Whether the connection came up (ICE and DTLS). */
gboolean bench_client_is_connected (BenchClient *client);
/* FALSE with the first error the client's pipeline posted, if any. */
gboolean bench_client_check (BenchClient *client, GError **error);
const char *bench_client_get_name (BenchClient *client);
/* How many of the publisher's streaming threads run at a raised
 * priority (0 when that is not allowed). */
guint bench_client_get_boosted (BenchClient *client);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchClient, bench_client_free)
