/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-webrtc-transit.h"

#include <gst/rtp/rtp.h>

/* 15-bit picture IDs: at 30 fps they come round after 18 minutes */
#define PICTURE_IDS 32768

struct _BenchTransit
{
  gatomicrefcount ref;
  GMutex lock;
  gint64 sent_at[PICTURE_IDS]; /* guarded by lock */
};

BenchTransit *
bench_transit_new (void)
{
  BenchTransit *transit = g_new0 (BenchTransit, 1);

  g_atomic_ref_count_init (&transit->ref);
  g_mutex_init (&transit->lock);
  return transit;
}

BenchTransit *
bench_transit_ref (BenchTransit *transit)
{
  g_atomic_ref_count_inc (&transit->ref);
  return transit;
}

void
bench_transit_unref (BenchTransit *transit)
{
  if (transit == NULL || !g_atomic_ref_count_dec (&transit->ref))
    return;
  g_mutex_clear (&transit->lock);
  g_free (transit);
}

/* RFC 7741: X|R|N|S|R|PID, then (X) I|L|T|K|RSV, then (I) M|PictureID
 * (7 bits, or 15 with M). */
static gint
parse_vp8_descriptor (const guint8 *data, guint length)
{
  if (length < 3 || (data[0] & 0x80) == 0 || (data[0] & 0x10) == 0 || (data[0] & 0x07) != 0
      || (data[1] & 0x80) == 0)
    return -1;
  if ((data[2] & 0x80) == 0)
    return data[2] & 0x7f;
  if (length < 4)
    return -1;
  return ((data[2] & 0x7f) << 8) | data[3];
}

gint
bench_vp8_picture_id (GstBuffer *buffer)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gint picture_id;

  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return -1;
  picture_id = parse_vp8_descriptor (gst_rtp_buffer_get_payload (&rtp),
                                     gst_rtp_buffer_get_payload_len (&rtp));
  gst_rtp_buffer_unmap (&rtp);
  return picture_id;
}

void
bench_transit_note_sent (BenchTransit *transit, gint picture_id, gint64 at_us)
{
  g_return_if_fail (picture_id >= 0 && picture_id < PICTURE_IDS);

  g_mutex_lock (&transit->lock);
  transit->sent_at[picture_id] = at_us;
  g_mutex_unlock (&transit->lock);
}

gint64
bench_transit_sent_at (BenchTransit *transit, gint picture_id)
{
  gint64 at;

  g_return_val_if_fail (picture_id >= 0 && picture_id < PICTURE_IDS, 0);

  g_mutex_lock (&transit->lock);
  at = transit->sent_at[picture_id];
  g_mutex_unlock (&transit->lock);
  return at;
}
