/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One SRT live message carries at most seven 188-byte TS packets. */
#define EB_RELAY_MESSAGE_SIZE 1316
#define EB_TS_PACKET_SIZE 188

/*
 * EbRelay: the fan-out of one track's MPEG-TS bytes to its subscribers,
 * without demuxing or re-encoding. Each subscriber has a bounded queue;
 * one that cannot keep up is dropped, so neither the publisher nor the
 * other subscribers ever wait for it.
 *
 * A subscriber joining mid-stream gets the stream from the next
 * random-access point (a video packet with random_access_indicator),
 * preceded by the latest PAT and PMT, so its demuxer can start at once.
 *
 * Not thread-safe: one thread (the SRT network thread) uses it.
 */
typedef struct _EbRelay EbRelay;

typedef struct
{
  /* Sends one message; returns @length when sent, 0 when the subscriber
   * cannot take it now (try again when writable), -1 on error. */
  gssize (*send) (gpointer subscriber, const guint8 *data, gsize length, gpointer user_data);
  /* Whether to watch @subscriber for writability (its queue is not empty). */
  void (*want_write) (gpointer subscriber, gboolean want, gpointer user_data);
  /* Bytes the subscriber's side holds but has not consumed (e.g. unread
   * in its receive buffer); may be %NULL. */
  gsize (*backlog) (gpointer subscriber, gpointer user_data);
  /* @subscriber was removed from the relay because it could not keep up
   * or a send to it failed; the callee closes it. Never called from
   * inside another callback. */
  void (*dropped) (gpointer subscriber, const char *reason, gpointer user_data);
} EbRelayCallbacks;

EbRelay *eb_relay_new (gsize queue_limit, const EbRelayCallbacks *callbacks, gpointer user_data);
void eb_relay_free (EbRelay *relay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbRelay, eb_relay_free)

void eb_relay_add_subscriber (EbRelay *relay, gpointer subscriber);
/* Returns: whether @subscriber was one of the relay's */
gboolean eb_relay_remove_subscriber (EbRelay *relay, gpointer subscriber);
guint eb_relay_get_n_subscribers (EbRelay *relay);
/* (transfer container): the subscribers */
GPtrArray *eb_relay_list_subscribers (EbRelay *relay);

/* The publisher's bytes, as received. */
void eb_relay_push (EbRelay *relay, const guint8 *data, gsize length);
/* @subscriber can take more: send what is queued. */
void eb_relay_flush (EbRelay *relay, gpointer subscriber);
/* Periodic check: drops the subscribers whose queued plus backlog bytes
 * exceed the limit, and those a send failed to at least one check ago
 * and that their owner has not removed meanwhile (a viewer that left is
 * removed by its owner first, and so is never reported as dropped). */
void eb_relay_check (EbRelay *relay);

/* The publisher changed (a reconnect): forget the cached PAT/PMT. */
void eb_relay_reset_stream (EbRelay *relay);

/* For tests: the cached PAT/PMT, and the PMT's video PIDs. */
gboolean eb_relay_has_program (EbRelay *relay, guint16 *pmt_pid, guint *n_video_pids);
/* Bytes queued for @subscriber (0 when unknown). */
gsize eb_relay_get_queued_bytes (EbRelay *relay, gpointer subscriber);

G_END_DECLS
