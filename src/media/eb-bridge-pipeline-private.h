/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "eb-pipeline-template-private.h"

G_BEGIN_DECLS

/*
 * EbBridgePipeline: what the two bridges share (eb-bridge-rtp.c, a room
 * system's SRT publication to browsers; eb-bridge-ts.c, a browser's
 * WebRTC publication to room systems): a pipeline template's bin in a
 * pipeline of its own, watched and stopped on the main context of its
 * creator. An error on its bus stops the bridge alone: the publisher,
 * its recording and its other viewers go on.
 */

/* Stops the bridge (main context). */
typedef void (*EbBridgeStopFunc) (gpointer bridge);
/* Whether @bin (an instance of the bridge's template) has the elements
 * the bridge needs; if not, @error names them. */
typedef gboolean (*EbBridgeCheckFunc) (GstElement *bin, GError **error);

typedef struct
{
  char *track;
  /* "to browsers", "to SRT viewers": for messages */
  const char *direction;
  GMainContext *context;
  GstElement *pipeline;
  GstElement *bin; /* the template's */
  GSource *bus_source;
  EbBridgeStopFunc stop;
  gpointer bridge;
} EbBridgePipeline;

/* Whether every fragment of @fragments (%NULL-terminated) expands and
 * @name instantiates with @values (nullable) into a bin that @check
 * accepts. */
gboolean eb_bridge_check_templates (EbPipelineTemplates *templates, const char *const *fragments,
                                    const char *name, GHashTable *values, EbBridgeCheckFunc check,
                                    GError **error);

/* Instantiates @name with @values (nullable) in a new pipeline, on the
 * thread-default main context; an error on the bus calls @stop (@bridge)
 * there once the pipeline plays. @direction: static. */
gboolean eb_bridge_pipeline_init (EbBridgePipeline *self, EbPipelineTemplates *templates,
                                  const char *name, GHashTable *values, const char *track,
                                  const char *direction, EbBridgeStopFunc stop, gpointer bridge,
                                  GError **error);
/* Watches the bus and sets the pipeline playing. On failure the caller
 * stops the bridge. */
gboolean eb_bridge_pipeline_play (EbBridgePipeline *self, GError **error);
/* Stops watching the bus and stops the pipeline (synchronously): no
 * streaming thread runs after this. Idempotent. */
void eb_bridge_pipeline_stop (EbBridgePipeline *self);
/* Stops and releases everything (the struct itself is the caller's). */
void eb_bridge_pipeline_clear (EbBridgePipeline *self);

/* A sink for a bridge's output: no clock, no preroll, no last sample;
 * @callbacks get @user_data. (transfer floating) */
GstElement *eb_bridge_appsink_new (GstAppSinkCallbacks *callbacks, gpointer user_data);

G_END_DECLS
