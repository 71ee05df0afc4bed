/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * How long each video frame takes from the publisher through the server
 * to a subscriber: the publisher notes when the first packet of each VP8
 * frame left it, by the frame's picture ID (15 bits, the payload
 * descriptor a forwarding server passes on untouched); a subscriber looks
 * the ID up when that packet arrives. All clients are in one process, so
 * one clock serves.
 */

#include <gst/gst.h>

typedef struct _BenchTransit BenchTransit;

BenchTransit *bench_transit_new (void);
BenchTransit *bench_transit_ref (BenchTransit *transit);
void bench_transit_unref (BenchTransit *transit);

/* The picture ID of the VP8 frame whose first packet the RTP packet
 * @buffer is; -1 for any other packet (or one without a picture ID). */
gint bench_vp8_picture_id (GstBuffer *buffer);

/* Any thread. */
void bench_transit_note_sent (BenchTransit *transit, gint picture_id, gint64 at_us);
/* When the frame @picture_id was sent; 0 when not known. */
gint64 bench_transit_sent_at (BenchTransit *transit, gint picture_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchTransit, bench_transit_unref)
