/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * The media plane's instance struct and what its files share:
 * - eb-media-plane.c: the object, its settings, the conferences and who
 *   may join them, the handover to the main context
 * - eb-media-plane-srt.c: SRT callers from authorisation to close, the
 *   relays that feed them, and closing them (network thread)
 * - eb-media-plane-webrtc.c: WHIP and WHEP
 */

#include <eboard/eb-media.h>

#include "eb-conference-private.h"
#include "eb-pipeline-template-private.h"
#include "eb-relay-private.h"
#include "eb-srt-server-private.h"
#include "eb-webrtc-peer-private.h"

G_BEGIN_DECLS

/* What the plane's handovers and conferences hold instead of the plane. */
typedef struct _EbPlaneShared EbPlaneShared;

struct _EbMediaPlane
{
  GObject parent_instance;

  GMainContext *context;
  EbPlaneShared *shared;
  char *pipelines_dir;
  char *recordings_dir;
  char *srt_address;
  guint srt_port;
  guint segment_seconds;
  gsize subscriber_queue_bytes;
  GBytes *credential_key;
  EbPipelineTemplates *templates;
  EbSrtServer *server;
  EbRelayCallbacks relay_callbacks;
  EbWebrtcIceConfig *ice;

  GMutex lock;
  GHashTable *conferences; /* EbId* -> EbConference */
  /* EbMemberKey* -> gint64*: a participant's credentials issued at or
   * before it are refused */
  GHashTable *credential_floors;

  /* network thread */
  GPtrArray *connections; /* EbConnection */

  /* main context */
  GHashTable *refusal_log; /* peer address -> EbRefusalLog */
};

typedef void (*EbHandoverFunc) (EbMediaPlane *self, gpointer data);

/* eb-media-plane.c */
void eb_media_plane_handover (EbMediaPlane *self, EbHandoverFunc func, gpointer data,
                              GDestroyNotify destroy);
void eb_media_plane_emit_event (EbMediaPlane *self, const EbMediaEvent *event);
void eb_media_plane_post_event (EbMediaPlane *self, EbMediaEventKind kind, EbId session_id,
                                EbId person_id, const char *track, const char *detail);
EbConference *eb_media_plane_lookup_conference (EbMediaPlane *self, EbId session_id);
gboolean eb_media_plane_credential_is_current (EbMediaPlane *self, EbId session_id, EbId person_id,
                                               gint64 issued_at_us);
void eb_media_plane_close_continue_cb (EbMediaPlane *self, gpointer data);

/* eb-media-plane-srt.c */
EbSrtServer *eb_media_plane_srt_server_new (EbMediaPlane *self, GError **error);
void eb_media_plane_relay_callbacks_init (EbRelayCallbacks *callbacks);
void eb_media_plane_request_close (EbMediaPlane *self, EbId session_id, EbId person_id,
                                   EbPublisher *publisher, const char *reason, GTask *task);

G_END_DECLS
