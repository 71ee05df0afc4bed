/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "eb-rtp-forward-private.h"
#include "eb-webrtc-peer-private.h"
#include "eb-webrtc-sdp-private.h"

G_BEGIN_DECLS

/*
 * EbWhepViewer: one browser viewing over WHEP: a webrtcbin that sends,
 * on each m-line the viewer offered to receive, the stream of one of
 * the session's other publishers that it can decode (same codec; the
 * viewer's payload type), forwarded as received. An m-line with nothing
 * to send is answered inactive.
 *
 * The streams are chosen when the viewer connects: a publisher who
 * starts later reaches the viewer when it connects again (a new WHEP
 * request, e.g. on a track-started event).
 *
 * Main context.
 */
typedef struct _EbWhepViewer EbWhepViewer;

/* Main context: the viewer is gone (network, closed tab), or was
 * @dropped because it could not keep up; called at most once, never
 * after eb_whep_viewer_stop(). */
typedef void (*EbWhepGoneFunc) (EbWhepViewer *viewer, const char *reason, gboolean dropped,
                                gpointer user_data);

/* @sources: (element-type EbRtpSource): what the viewer may receive, in
 * order of preference (each source is sent on at most one m-line, in
 * the m-line's format of the same codec and profile, else of an H.264
 * profile that decodes it: see eb_rtp_format_decodes()). Sources
 * without an input now are skipped. %EB_ERROR_INVALID when an m-line
 * does not receive. */
EbWhepViewer *eb_whep_viewer_new (const char *name, const EbWebrtcIceConfig *ice,
                                  const EbOffer *offer, GPtrArray *sources, gsize queue_limit,
                                  GError **error);
EbWhepViewer *eb_whep_viewer_ref (EbWhepViewer *viewer);
void eb_whep_viewer_unref (EbWhepViewer *viewer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbWhepViewer, eb_whep_viewer_unref)

void eb_whep_viewer_set_gone_func (EbWhepViewer *viewer, EbWhepGoneFunc func, gpointer user_data);
void eb_whep_viewer_answer_async (EbWhepViewer *viewer, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
char *eb_whep_viewer_answer_finish (EbWhepViewer *viewer, GAsyncResult *result, GError **error);
/* Once answered: the chosen streams flow (each starting at a keyframe,
 * asked of its publisher now). */
void eb_whep_viewer_activate (EbWhepViewer *viewer);
/* Unsubscribes and closes the connection (synchronously). Idempotent. */
void eb_whep_viewer_stop (EbWhepViewer *viewer);

/* (transfer none) (element-type utf8): the track each m-line of the
 * offer carries, one entry per m-line, in order: "" for an m-line
 * answered inactive */
GPtrArray *eb_whep_viewer_get_tracks (EbWhepViewer *viewer);
/* RTP packets sent to it so far. */
guint64 eb_whep_viewer_get_packets (EbWhepViewer *viewer);

G_END_DECLS
