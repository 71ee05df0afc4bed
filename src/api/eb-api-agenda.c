/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"

void
eb_api_agenda_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  EbPage page;

  if (!eb_api_read_page (req, &page))
    return;
  items = eb_service_list_agenda (req->service, &req->principal, req->ids[0], &error);
  if (items == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_window (req, items, (EbApiEncodeFunc)eb_agenda_item_to_json, &page);
}

void
eb_api_agenda_create (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = eb_api_read_object (req);
  g_autoptr (EbAgendaItem) input = eb_agenda_item_new ();
  g_autoptr (EbAgendaItem) item = NULL;
  g_autoptr (GError) error = NULL;

  if (body == NULL)
    return;
  if (!eb_agenda_item_from_json (body, input, TRUE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  input->session_id = req->ids[0];
  item = eb_service_add_agenda_item (req->service, &req->principal, input, &error);
  if (item == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_set_location (req, "/api/v1/sessions/%" G_GINT64_FORMAT "/agenda/%" G_GINT64_FORMAT,
                       item->session_id, item->id);
  eb_api_reply_entity (req, SOUP_STATUS_CREATED, eb_agenda_item_to_json (item), item->version);
}

void
eb_api_agenda_order (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = eb_api_read_object (req);
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;

  if (body == NULL)
    return;
  ids = eb_agenda_order_from_json (body, &error);
  if (ids == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  items = eb_service_reorder_agenda (req->service, &req->principal, req->ids[0],
                                     (const EbId *)ids->data, ids->len, &error);
  if (items == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    json_builder_add_value (builder, eb_agenda_item_to_json (g_ptr_array_index (items, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  eb_api_reply_json (req, SOUP_STATUS_OK, json_builder_get_root (builder));
}

void
eb_api_agenda_item_get (EbApiRequest *req)
{
  g_autoptr (EbAgendaItem) item = NULL;
  g_autoptr (GError) error = NULL;

  item = eb_service_get_agenda_item (req->service, &req->principal, req->ids[0], req->ids[1],
                                     &error);
  if (item == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_agenda_item_to_json (item), item->version);
}

void
eb_api_agenda_item_update (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (EbAgendaItem) desired = NULL;
  g_autoptr (EbAgendaItem) item = NULL;
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match) || (body = eb_api_read_patch (req)) == NULL)
    return;
  desired = eb_service_get_agenda_item (req->service, &req->principal, req->ids[0], req->ids[1],
                                        &error);
  if (desired == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  if (if_match != 0)
    desired->version = if_match;
  if (!eb_agenda_item_from_json (body, desired, FALSE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  item = eb_service_update_agenda_item (req->service, &req->principal, desired, &error);
  if (item == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_agenda_item_to_json (item), item->version);
}

void
eb_api_agenda_item_delete (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match))
    return;
  if (!eb_service_remove_agenda_item (req->service, &req->principal, req->ids[0], req->ids[1],
                                      if_match, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}
