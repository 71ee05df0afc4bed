/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <string.h>

#include "eb-relay-private.h"

/* How many packets a PMT section may span in the cache. */
#define EB_RELAY_MAX_PMT_PACKETS 4
#define EB_RELAY_MAX_VIDEO_PIDS 8
/* A subscriber waits at most this long for a random-access point. */
#define EB_RELAY_KEYFRAME_WAIT_US (3 * G_USEC_PER_SEC)

typedef struct
{
  gpointer subscriber;
  GQueue queue; /* GBytes, each one message */
  gsize queued_bytes;
  gboolean started; /* past the first random-access point */
  gboolean watching;
  /* a send failed: sent nothing more, reported at the second check after
   * that unless its owner removes it first (a viewer that left: its
   * socket is closing, and the owner reports the leave) */
  gboolean failed;
  guint failed_checks;
  gint64 joined_at;
} EbSubscriber;

struct _EbRelay
{
  gsize queue_limit;
  EbRelayCallbacks callbacks;
  gpointer user_data;
  GPtrArray *subscribers; /* EbSubscriber */

  /* what a demuxer needs to start */
  guint8 pat[EB_TS_PACKET_SIZE];
  gboolean have_pat;
  guint16 pmt_pid; /* 0: unknown */
  guint8 pmt[EB_RELAY_MAX_PMT_PACKETS * EB_TS_PACKET_SIZE];
  guint n_pmt_packets;
  gsize pmt_section_length; /* bytes still missing in a multi-packet PMT */
  gboolean have_pmt;
  guint16 video_pids[EB_RELAY_MAX_VIDEO_PIDS];
  guint n_video_pids;
};

static void
eb_subscriber_free (EbSubscriber *sub)
{
  g_queue_clear_full (&sub->queue, (GDestroyNotify)g_bytes_unref);
  g_free (sub);
}

EbRelay *
eb_relay_new (gsize queue_limit, const EbRelayCallbacks *callbacks, gpointer user_data)
{
  EbRelay *relay;

  g_return_val_if_fail (callbacks != NULL && callbacks->send != NULL, NULL);

  relay = g_new0 (EbRelay, 1);
  relay->queue_limit = MAX (queue_limit, 4 * EB_RELAY_MESSAGE_SIZE);
  relay->callbacks = *callbacks;
  relay->user_data = user_data;
  relay->subscribers = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_subscriber_free);
  return relay;
}

void
eb_relay_free (EbRelay *relay)
{
  if (relay == NULL)
    return;
  g_ptr_array_unref (relay->subscribers);
  g_free (relay);
}

static EbSubscriber *
find_subscriber (EbRelay *relay, gpointer subscriber, guint *index)
{
  for (guint i = 0; i < relay->subscribers->len; i++)
    {
      EbSubscriber *sub = g_ptr_array_index (relay->subscribers, i);

      if (sub->subscriber == subscriber)
        {
          if (index != NULL)
            *index = i;
          return sub;
        }
    }
  return NULL;
}

/* --- just enough MPEG-TS: PAT, PMT and random-access points --- */

static guint16
ts_pid (const guint8 *packet)
{
  return (guint16)(((packet[1] & 0x1f) << 8) | packet[2]);
}

static gboolean
ts_unit_start (const guint8 *packet)
{
  return (packet[1] & 0x40) != 0;
}

/* Returns the payload offset in the packet, or 0 when it has none. */
static gsize
ts_payload_offset (const guint8 *packet)
{
  guint8 control = (packet[3] >> 4) & 0x3;
  gsize offset = 4;

  if ((control & 0x1) == 0)
    return 0;
  if (control & 0x2)
    offset += 1 + packet[4];
  return offset < EB_TS_PACKET_SIZE ? offset : 0;
}

static gboolean
ts_random_access (const guint8 *packet)
{
  guint8 control = (packet[3] >> 4) & 0x3;

  return (control & 0x2) && packet[4] > 0 && (packet[5] & 0x40) != 0;
}

static gboolean
ts_aligned (const guint8 *data, gsize length)
{
  if (length == 0 || length % EB_TS_PACKET_SIZE != 0)
    return FALSE;
  for (gsize i = 0; i < length; i += EB_TS_PACKET_SIZE)
    {
      if (data[i] != 0x47)
        return FALSE;
    }
  return TRUE;
}

/* The section starting in a unit-start packet: (pointer, length in this
 * packet), or NULL. */
static const guint8 *
ts_section (const guint8 *packet, gsize *available)
{
  gsize offset = ts_payload_offset (packet);
  gsize pointer;

  if (offset == 0 || !ts_unit_start (packet))
    return NULL;
  pointer = packet[offset];
  offset += 1 + pointer;
  if (offset + 3 > EB_TS_PACKET_SIZE)
    return NULL;
  *available = EB_TS_PACKET_SIZE - offset;
  return packet + offset;
}

static void
parse_pat (EbRelay *relay, const guint8 *packet)
{
  gsize available = 0;
  const guint8 *section = ts_section (packet, &available);
  gsize section_length;

  if (section == NULL || section[0] != 0x00)
    return;
  section_length = ((section[1] & 0x0f) << 8) | section[2];
  /* 5 header bytes after the length, 4 CRC bytes */
  if (section_length < 9 || 3 + section_length > available)
    return;
  for (gsize i = 8; i + 4 <= 3 + section_length - 4; i += 4)
    {
      guint16 program = (guint16)((section[i] << 8) | section[i + 1]);
      guint16 pid = (guint16)(((section[i + 2] & 0x1f) << 8) | section[i + 3]);

      if (program == 0)
        continue; /* the network PID */
      memcpy (relay->pat, packet, EB_TS_PACKET_SIZE);
      relay->have_pat = TRUE;
      if (pid != relay->pmt_pid)
        {
          relay->pmt_pid = pid;
          relay->have_pmt = FALSE;
          relay->n_pmt_packets = 0;
          relay->n_video_pids = 0;
        }
      return;
    }
}

static gboolean
stream_type_is_video (guint8 stream_type)
{
  switch (stream_type)
    {
      case 0x01: /* MPEG-1 video */
      case 0x02: /* MPEG-2 video */
      case 0x10: /* MPEG-4 part 2 */
      case 0x1b: /* H.264 */
      case 0x24: /* H.265 */
      case 0x33: /* H.266 */
        return TRUE;
      default:
        return FALSE;
    }
}

static void
parse_pmt_section (EbRelay *relay, const guint8 *section, gsize available)
{
  gsize section_length = ((section[1] & 0x0f) << 8) | section[2];
  gsize end;
  gsize info_length;
  gsize i;

  relay->n_video_pids = 0;
  if (section[0] != 0x02 || section_length < 13 || 3 + section_length > available)
    return;
  end = 3 + section_length - 4;
  info_length = ((section[10] & 0x0f) << 8) | section[11];
  for (i = 12 + info_length; i + 5 <= end;)
    {
      guint8 stream_type = section[i];
      guint16 pid = (guint16)(((section[i + 1] & 0x1f) << 8) | section[i + 2]);
      gsize es_info_length = ((section[i + 3] & 0x0f) << 8) | section[i + 4];

      if (stream_type_is_video (stream_type) && relay->n_video_pids < EB_RELAY_MAX_VIDEO_PIDS)
        relay->video_pids[relay->n_video_pids++] = pid;
      i += 5 + es_info_length;
    }
}

static void
parse_pmt_packet (EbRelay *relay, const guint8 *packet)
{
  if (ts_unit_start (packet))
    {
      gsize available = 0;
      const guint8 *section = ts_section (packet, &available);
      gsize total;

      if (section == NULL || section[0] != 0x02)
        return;
      total = 3 + (((section[1] & 0x0f) << 8) | section[2]);
      memcpy (relay->pmt, packet, EB_TS_PACKET_SIZE);
      relay->n_pmt_packets = 1;
      if (total <= available)
        {
          parse_pmt_section (relay, section, available);
          relay->pmt_section_length = 0;
          relay->have_pmt = TRUE;
        }
      else
        {
          /* spans packets: keep them for new subscribers; any
           * random-access point will do as a start */
          relay->pmt_section_length = total - available;
          relay->n_video_pids = 0;
          relay->have_pmt = FALSE;
        }
      return;
    }
  if (relay->pmt_section_length > 0 && relay->n_pmt_packets > 0
      && relay->n_pmt_packets < EB_RELAY_MAX_PMT_PACKETS)
    {
      gsize offset = ts_payload_offset (packet);
      gsize payload = offset > 0 ? EB_TS_PACKET_SIZE - offset : 0;

      memcpy (relay->pmt + relay->n_pmt_packets * EB_TS_PACKET_SIZE, packet, EB_TS_PACKET_SIZE);
      relay->n_pmt_packets++;
      relay->pmt_section_length
          = payload >= relay->pmt_section_length ? 0 : relay->pmt_section_length - payload;
      if (relay->pmt_section_length == 0)
        relay->have_pmt = TRUE;
    }
}

static gboolean
is_video_pid (EbRelay *relay, guint16 pid)
{
  if (relay->n_video_pids == 0)
    return TRUE; /* unknown: any random-access point */
  for (guint i = 0; i < relay->n_video_pids; i++)
    {
      if (relay->video_pids[i] == pid)
        return TRUE;
    }
  return FALSE;
}

/* Index of the first packet that is a random-access point, or -1. */
static gssize
find_random_access (EbRelay *relay, const guint8 *data, gsize length)
{
  for (gsize i = 0; i < length; i += EB_TS_PACKET_SIZE)
    {
      if (ts_random_access (data + i) && is_video_pid (relay, ts_pid (data + i)))
        return (gssize)i;
    }
  return -1;
}

static void
inspect (EbRelay *relay, const guint8 *data, gsize length)
{
  for (gsize i = 0; i < length; i += EB_TS_PACKET_SIZE)
    {
      const guint8 *packet = data + i;
      guint16 pid = ts_pid (packet);

      if (pid == 0)
        parse_pat (relay, packet);
      else if (relay->pmt_pid != 0 && pid == relay->pmt_pid)
        parse_pmt_packet (relay, packet);
    }
}

/* --- queues --- */

typedef enum
{
  EB_SEND_OK,
  EB_SEND_FAILED,
  EB_SEND_OVERFLOW,
} EbSendResult;

static void
set_watching (EbRelay *relay, EbSubscriber *sub, gboolean watching)
{
  if (sub->watching == watching)
    return;
  sub->watching = watching;
  if (relay->callbacks.want_write != NULL)
    relay->callbacks.want_write (sub->subscriber, watching, relay->user_data);
}

static EbSendResult
drain (EbRelay *relay, EbSubscriber *sub)
{
  GBytes *bytes;

  while ((bytes = g_queue_peek_head (&sub->queue)) != NULL)
    {
      gsize length = 0;
      const guint8 *data = g_bytes_get_data (bytes, &length);
      gssize sent = relay->callbacks.send (sub->subscriber, data, length, relay->user_data);

      if (sent < 0)
        return EB_SEND_FAILED;
      if (sent == 0)
        {
          set_watching (relay, sub, TRUE);
          return EB_SEND_OK;
        }
      g_queue_pop_head (&sub->queue);
      sub->queued_bytes -= length;
      g_bytes_unref (bytes);
    }
  set_watching (relay, sub, FALSE);
  return EB_SEND_OK;
}

/* Queues @bytes (split into messages) and sends what the subscriber
 * takes. */
static EbSendResult
enqueue (EbRelay *relay, EbSubscriber *sub, GBytes *bytes)
{
  gsize length = g_bytes_get_size (bytes);

  if (sub->queued_bytes + length > relay->queue_limit)
    return EB_SEND_OVERFLOW;
  if (length <= EB_RELAY_MESSAGE_SIZE)
    {
      g_queue_push_tail (&sub->queue, g_bytes_ref (bytes));
    }
  else
    {
      for (gsize offset = 0; offset < length; offset += EB_RELAY_MESSAGE_SIZE)
        g_queue_push_tail (
            &sub->queue,
            g_bytes_new_from_bytes (bytes, offset, MIN (EB_RELAY_MESSAGE_SIZE, length - offset)));
    }
  sub->queued_bytes += length;
  /* with a backlog already waiting for writability, keep the order */
  if (sub->watching)
    return EB_SEND_OK;
  return drain (relay, sub);
}

static void
remove_and_report (EbRelay *relay, GPtrArray *dropped, GPtrArray *reasons)
{
  for (guint i = 0; i < dropped->len; i++)
    {
      gpointer subscriber = g_ptr_array_index (dropped, i);

      if (!eb_relay_remove_subscriber (relay, subscriber))
        continue;
      if (relay->callbacks.dropped != NULL)
        relay->callbacks.dropped (subscriber, g_ptr_array_index (reasons, i), relay->user_data);
    }
}

static const char *
send_result_reason (EbSendResult result)
{
  return result == EB_SEND_OVERFLOW ? "its queue is full (too slow)" : "sending to it failed";
}

/* A send to @sub failed. Its socket is closing or broken; the error is
 * seen first by whoever sends to it, often before the network loop has
 * read that the viewer left. So it is not dropped here: it gets nothing
 * more, and the second eb_relay_check() from now (a full round of the
 * network loop later) drops it as failed unless its owner has removed it
 * by then, reporting a leave as a leave. */
static void
mark_failed (EbRelay *relay, EbSubscriber *sub)
{
  sub->failed = TRUE;
  g_queue_clear_full (&sub->queue, (GDestroyNotify)g_bytes_unref);
  sub->queued_bytes = 0;
  set_watching (relay, sub, FALSE);
}

void
eb_relay_add_subscriber (EbRelay *relay, gpointer subscriber)
{
  EbSubscriber *sub;

  g_return_if_fail (relay != NULL);
  g_return_if_fail (find_subscriber (relay, subscriber, NULL) == NULL);

  sub = g_new0 (EbSubscriber, 1);
  sub->subscriber = subscriber;
  sub->joined_at = g_get_monotonic_time ();
  g_queue_init (&sub->queue);
  g_ptr_array_add (relay->subscribers, sub);
}

/* A demuxer joining mid-stream needs the program tables first: they go
 * right before the random-access point it starts at. */
static EbSendResult
send_tables (EbRelay *relay, EbSubscriber *sub)
{
  g_autoptr (GBytes) pat = NULL;
  g_autoptr (GBytes) pmt = NULL;
  EbSendResult result;

  if (!relay->have_pat || relay->n_pmt_packets == 0)
    return EB_SEND_OK;
  pat = g_bytes_new (relay->pat, EB_TS_PACKET_SIZE);
  pmt = g_bytes_new (relay->pmt, relay->n_pmt_packets * EB_TS_PACKET_SIZE);
  result = enqueue (relay, sub, pat);
  if (result == EB_SEND_OK)
    result = enqueue (relay, sub, pmt);
  return result;
}

gboolean
eb_relay_remove_subscriber (EbRelay *relay, gpointer subscriber)
{
  guint index = 0;
  EbSubscriber *sub;

  g_return_val_if_fail (relay != NULL, FALSE);

  sub = find_subscriber (relay, subscriber, &index);
  if (sub == NULL)
    return FALSE;
  g_ptr_array_remove_index (relay->subscribers, index);
  return TRUE;
}

guint
eb_relay_get_n_subscribers (EbRelay *relay)
{
  g_return_val_if_fail (relay != NULL, 0);
  return relay->subscribers->len;
}

GPtrArray *
eb_relay_list_subscribers (EbRelay *relay)
{
  GPtrArray *list = g_ptr_array_new ();

  g_return_val_if_fail (relay != NULL, list);

  for (guint i = 0; i < relay->subscribers->len; i++)
    g_ptr_array_add (list, ((EbSubscriber *)g_ptr_array_index (relay->subscribers, i))->subscriber);
  return list;
}

void
eb_relay_push (EbRelay *relay, const guint8 *data, gsize length)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GPtrArray) dropped = NULL;
  g_autoptr (GPtrArray) reasons = NULL;
  gboolean aligned;
  gint64 now;

  g_return_if_fail (relay != NULL);

  if (length == 0)
    return;
  aligned = ts_aligned (data, length);
  if (aligned)
    inspect (relay, data, length);
  if (relay->subscribers->len == 0)
    return;

  bytes = g_bytes_new (data, length);
  dropped = g_ptr_array_new ();
  reasons = g_ptr_array_new ();
  now = g_get_monotonic_time ();
  for (guint i = 0; i < relay->subscribers->len; i++)
    {
      EbSubscriber *sub = g_ptr_array_index (relay->subscribers, i);
      g_autoptr (GBytes) part = NULL;
      EbSendResult result;

      if (sub->failed)
        continue;
      if (!sub->started)
        {
          gssize start = aligned ? find_random_access (relay, data, length) : 0;

          if (start < 0 && now - sub->joined_at < EB_RELAY_KEYFRAME_WAIT_US)
            continue;
          sub->started = TRUE;
          if (start > 0)
            part = g_bytes_new_from_bytes (bytes, (gsize)start, length - (gsize)start);
          result = send_tables (relay, sub);
          if (result == EB_SEND_OK)
            result = enqueue (relay, sub, part != NULL ? part : bytes);
        }
      else
        result = enqueue (relay, sub, part != NULL ? part : bytes);
      if (result == EB_SEND_FAILED)
        mark_failed (relay, sub);
      else if (result != EB_SEND_OK)
        {
          g_ptr_array_add (dropped, sub->subscriber);
          g_ptr_array_add (reasons, (gpointer)send_result_reason (result));
        }
    }
  remove_and_report (relay, dropped, reasons);
}

void
eb_relay_flush (EbRelay *relay, gpointer subscriber)
{
  EbSubscriber *sub;

  g_return_if_fail (relay != NULL);

  sub = find_subscriber (relay, subscriber, NULL);
  if (sub == NULL || sub->failed)
    return;
  if (drain (relay, sub) != EB_SEND_OK)
    mark_failed (relay, sub);
}

void
eb_relay_check (EbRelay *relay)
{
  g_autoptr (GPtrArray) dropped = NULL;
  g_autoptr (GPtrArray) reasons = NULL;

  g_return_if_fail (relay != NULL);

  if (relay->subscribers->len == 0)
    return;
  dropped = g_ptr_array_new ();
  reasons = g_ptr_array_new ();
  for (guint i = 0; i < relay->subscribers->len; i++)
    {
      EbSubscriber *sub = g_ptr_array_index (relay->subscribers, i);
      gsize backlog;

      /* still here a round later: its owner did not close it, so it
       * broke */
      if (sub->failed)
        {
          if (++sub->failed_checks >= 2)
            {
              g_ptr_array_add (dropped, sub->subscriber);
              g_ptr_array_add (reasons, (gpointer)send_result_reason (EB_SEND_FAILED));
            }
          continue;
        }
      if (relay->callbacks.backlog == NULL)
        continue;
      backlog = relay->callbacks.backlog (sub->subscriber, relay->user_data);
      if (sub->queued_bytes + backlog > relay->queue_limit)
        {
          g_ptr_array_add (dropped, sub->subscriber);
          g_ptr_array_add (reasons, (gpointer) "it does not read what it is sent (too slow)");
        }
    }
  remove_and_report (relay, dropped, reasons);
}

void
eb_relay_reset_stream (EbRelay *relay)
{
  g_return_if_fail (relay != NULL);

  relay->have_pat = FALSE;
  relay->pmt_pid = 0;
  relay->have_pmt = FALSE;
  relay->n_pmt_packets = 0;
  relay->pmt_section_length = 0;
  relay->n_video_pids = 0;
  /* the next connection starts its own stream: resume at its first
   * random-access point */
  for (guint i = 0; i < relay->subscribers->len; i++)
    {
      EbSubscriber *sub = g_ptr_array_index (relay->subscribers, i);

      sub->started = FALSE;
      sub->joined_at = g_get_monotonic_time ();
    }
}

gboolean
eb_relay_has_program (EbRelay *relay, guint16 *pmt_pid, guint *n_video_pids)
{
  g_return_val_if_fail (relay != NULL, FALSE);

  if (pmt_pid != NULL)
    *pmt_pid = relay->pmt_pid;
  if (n_video_pids != NULL)
    *n_video_pids = relay->n_video_pids;
  return relay->have_pat && relay->have_pmt;
}

gsize
eb_relay_get_queued_bytes (EbRelay *relay, gpointer subscriber)
{
  EbSubscriber *sub;

  g_return_val_if_fail (relay != NULL, 0);

  sub = find_subscriber (relay, subscriber, NULL);
  return sub != NULL ? sub->queued_bytes : 0;
}
