/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"

void
eb_api_roster_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  EbPage page;

  if (!eb_api_read_page (req, &page))
    return;
  entries = eb_service_list_roster (req->service, &req->principal, req->ids[0], &error);
  if (entries == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_window (req, entries, (EbApiEncodeFunc)eb_roster_entry_to_json, &page);
}

void
eb_api_roster_create (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = eb_api_read_object (req);
  g_autoptr (EbRosterEntry) input = eb_roster_entry_new ();
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GError) error = NULL;

  if (body == NULL)
    return;
  if (!eb_roster_entry_from_json (body, input, TRUE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  input->session_id = req->ids[0];
  entry = eb_service_add_roster_entry (req->service, &req->principal, input, &warnings, &error);
  if (entry == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_set_location (req, "/api/v1/sessions/%" G_GINT64_FORMAT "/roster/%" G_GINT64_FORMAT,
                       entry->session_id, entry->id);
  eb_api_reply_entity (req, SOUP_STATUS_CREATED, eb_roster_write_to_json (entry, warnings),
                       entry->version);
}

void
eb_api_roster_entry_get (EbApiRequest *req)
{
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GError) error = NULL;

  entry = eb_service_get_roster_entry (req->service, &req->principal, req->ids[0], req->ids[1],
                                       &error);
  if (entry == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_roster_entry_to_json (entry), entry->version);
}

void
eb_api_roster_entry_update (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (EbRosterEntry) desired = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match) || (body = eb_api_read_patch (req)) == NULL)
    return;
  desired = eb_service_get_roster_entry (req->service, &req->principal, req->ids[0], req->ids[1],
                                         &error);
  if (desired == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  if (if_match != 0)
    desired->version = if_match;
  if (!eb_roster_entry_from_json (body, desired, FALSE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  entry
      = eb_service_update_roster_entry (req->service, &req->principal, desired, &warnings, &error);
  if (entry == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_roster_write_to_json (entry, warnings),
                       entry->version);
}

void
eb_api_roster_entry_delete (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match))
    return;
  if (!eb_service_remove_roster_entry (req->service, &req->principal, req->ids[0], req->ids[1],
                                       if_match, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}

void
eb_api_roster_entry_revoke_join (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;

  if (!eb_service_revoke_join (req->service, &req->principal, req->ids[0], req->ids[1], &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}
