/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"

void
eb_api_sites_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) sites = NULL;
  g_autoptr (GError) error = NULL;
  EbPage page;
  guint total = 0;

  if (!eb_api_read_page (req, &page))
    return;
  sites = eb_service_list_sites (req->service, &req->principal, &page, &total, &error);
  if (sites == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_list (req, sites, (EbApiEncodeFunc)eb_site_to_json, total, &page);
}

void
eb_api_sites_create (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = eb_api_read_object (req);
  g_autoptr (EbSite) input = eb_site_new ();
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) error = NULL;

  if (body == NULL)
    return;
  if (!eb_site_from_json (body, input, TRUE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  site = eb_service_create_site (req->service, &req->principal, input, &error);
  if (site == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_set_location (req, "/api/v1/sites/%" G_GINT64_FORMAT, site->id);
  eb_api_reply_entity (req, SOUP_STATUS_CREATED, eb_site_to_json (site), site->version);
}

void
eb_api_site_get (EbApiRequest *req)
{
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) error = NULL;

  site = eb_service_get_site (req->service, &req->principal, req->ids[0], &error);
  if (site == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_site_to_json (site), site->version);
}

void
eb_api_site_update (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (EbSite) desired = NULL;
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match) || (body = eb_api_read_patch (req)) == NULL)
    return;
  desired = eb_service_get_site (req->service, &req->principal, req->ids[0], &error);
  if (desired == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  if (if_match != 0)
    desired->version = if_match;
  if (!eb_site_from_json (body, desired, FALSE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  site = eb_service_update_site (req->service, &req->principal, desired, &error);
  if (site == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_site_to_json (site), site->version);
}

void
eb_api_site_delete (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match))
    return;
  if (!eb_service_delete_site (req->service, &req->principal, req->ids[0], if_match, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}
