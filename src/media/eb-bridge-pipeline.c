/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <eboard/eb-error.h>

#include "eb-bridge-pipeline-private.h"

gboolean
eb_bridge_check_templates (EbPipelineTemplates *templates, const char *const *fragments,
                           const char *name, GHashTable *values, EbBridgeCheckFunc check,
                           GError **error)
{
  GstElement *bin;
  gboolean ok;

  g_return_val_if_fail (templates != NULL && name != NULL && check != NULL, FALSE);

  for (guint i = 0; fragments != NULL && fragments[i] != NULL; i++)
    {
      g_autofree char *description
          = eb_pipeline_templates_expand (templates, fragments[i], NULL, error);

      if (description == NULL)
        return FALSE;
    }
  bin = eb_pipeline_templates_instantiate (templates, name, values, error);
  if (bin == NULL)
    return FALSE;
  gst_object_ref_sink (bin);
  ok = check (bin, error);
  gst_object_unref (bin);
  return ok;
}

gboolean
eb_bridge_pipeline_init (EbBridgePipeline *self, EbPipelineTemplates *templates, const char *name,
                         GHashTable *values, const char *track, const char *direction,
                         EbBridgeStopFunc stop, gpointer bridge, GError **error)
{
  GstElement *bin;

  g_return_val_if_fail (self != NULL && templates != NULL && name != NULL, FALSE);
  g_return_val_if_fail (track != NULL && direction != NULL && stop != NULL, FALSE);

  self->track = g_strdup (track);
  self->direction = direction;
  self->context = g_main_context_ref_thread_default ();
  self->stop = stop;
  self->bridge = bridge;
  bin = eb_pipeline_templates_instantiate (templates, name, values, error);
  if (bin == NULL)
    return FALSE;
  self->bin = gst_object_ref_sink (bin);
  self->pipeline = gst_pipeline_new (NULL);
  gst_object_ref_sink (self->pipeline);
  gst_bin_add (GST_BIN (self->pipeline), bin);
  return TRUE;
}

static gboolean
eb_bridge_pipeline_bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  EbBridgePipeline *self = user_data;
  g_autoptr (GError) error = NULL;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ERROR)
    return G_SOURCE_CONTINUE;
  gst_message_parse_error (message, &error, NULL);
  /* the publisher, its recording and its other viewers go on */
  g_message ("track %s: its bridge %s stopped: %s: %s", self->track, self->direction,
             GST_MESSAGE_SRC_NAME (message), error->message);
  g_clear_pointer (&self->bus_source, g_source_unref);
  self->stop (self->bridge);
  return G_SOURCE_REMOVE;
}

gboolean
eb_bridge_pipeline_play (EbBridgePipeline *self, GError **error)
{
  g_autoptr (GstBus) bus = NULL;

  g_return_val_if_fail (self != NULL && self->pipeline != NULL, FALSE);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  /* destroyed in stop at the latest */
  g_source_set_callback (self->bus_source, (GSourceFunc)(void (*) (void))eb_bridge_pipeline_bus_cb,
                         self, NULL);
  g_source_attach (self->bus_source, self->context);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "track %s: the bridge %s cannot start",
                   self->track, self->direction);
      return FALSE;
    }
  return TRUE;
}

void
eb_bridge_pipeline_stop (EbBridgePipeline *self)
{
  g_return_if_fail (self != NULL);

  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  /* no streaming thread runs after this */
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
}

void
eb_bridge_pipeline_clear (EbBridgePipeline *self)
{
  g_return_if_fail (self != NULL);

  eb_bridge_pipeline_stop (self);
  g_clear_object (&self->bin);
  g_clear_object (&self->pipeline);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->track, g_free);
}

GstElement *
eb_bridge_appsink_new (GstAppSinkCallbacks *callbacks, gpointer user_data)
{
  GstElement *appsink = gst_element_factory_make ("appsink", NULL);

  g_object_set (appsink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), callbacks, user_data, NULL);
  return appsink;
}
