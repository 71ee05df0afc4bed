/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "eb-rtp-forward-private.h"
#include "eb-rtp-recorder-private.h"
#include "eb-webrtc-peer-private.h"
#include "eb-webrtc-sdp-private.h"

G_BEGIN_DECLS

/*
 * EbWhipPublisher: one browser publishing over WHIP (RFC 9725): a
 * webrtcbin that receives one stream per offered m-line (at most one
 * video, VP8 or H.264, and one Opus audio), each handed as received to
 * the recorder and to the track's forwarding source. Nothing is decoded.
 *
 * Main context, except where noted.
 */
typedef struct _EbWhipPublisher EbWhipPublisher;

/* Main context: the publisher's connection is gone (network, closed
 * tab, no media): called at most once, never after
 * eb_whip_publisher_stop(). */
typedef void (*EbWhipGoneFunc) (EbWhipPublisher *publisher, const char *reason, gpointer user_data);

/* Checks that @offer is something to publish (%EB_ERROR_INVALID
 * otherwise) and prepares the connection; nothing runs yet. @video and
 * @audio are the track's forwarding sources; @recorder (nullable) gets
 * a stream per m-line. */
EbWhipPublisher *eb_whip_publisher_new (const char *name, const EbWebrtcIceConfig *ice,
                                        const EbOffer *offer, EbRtpSource *video,
                                        EbRtpSource *audio, EbRtpRecorder *recorder,
                                        GError **error);
EbWhipPublisher *eb_whip_publisher_ref (EbWhipPublisher *publisher);
void eb_whip_publisher_unref (EbWhipPublisher *publisher);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbWhipPublisher, eb_whip_publisher_unref)

void eb_whip_publisher_set_gone_func (EbWhipPublisher *publisher, EbWhipGoneFunc func,
                                      gpointer user_data);
/* Answers the offer (see eb_webrtc_peer_answer_async()). */
void eb_whip_publisher_answer_async (EbWhipPublisher *publisher, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
char *eb_whip_publisher_answer_finish (EbWhipPublisher *publisher, GAsyncResult *result,
                                       GError **error);
/* Once answered: its streams feed the track's sources from now on
 * (replacing any earlier publisher of the same track). */
void eb_whip_publisher_activate (EbWhipPublisher *publisher);
/* Closes the connection and detaches from the sources (synchronously).
 * Idempotent. */
void eb_whip_publisher_stop (EbWhipPublisher *publisher);

/* Thread-safe: RTP packets received so far. */
guint64 eb_whip_publisher_get_packets (EbWhipPublisher *publisher);
/* "vp8", "h264" or %NULL; "opus" or %NULL */
const char *eb_whip_publisher_get_video_codec (EbWhipPublisher *publisher);
const char *eb_whip_publisher_get_audio_codec (EbWhipPublisher *publisher);

G_END_DECLS
