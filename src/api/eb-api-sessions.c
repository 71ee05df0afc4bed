/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

/* `from`, `to`, `state` and `host_site_id`. */
static gboolean
eb_api_read_session_filter (EbApiRequest *req, EbSessionFilter *filter)
{
  const char *state = eb_api_query (req, "state");
  EbSessionState value;

  filter->state = -1;
  filter->person_id = 0;
  if (state != NULL)
    {
      if (!eb_session_state_from_string (state, &value))
        {
          eb_api_reply_invalid (req, "state",
                                "state must be draft, scheduled, live, ended, archived or %s",
                                "cancelled");
          return FALSE;
        }
      filter->state = value;
    }
  return eb_api_query_instant (req, "from", FALSE, &filter->from)
         && eb_api_query_instant (req, "to", FALSE, &filter->to)
         && eb_api_query_id (req, "host_site_id", &filter->host_site_id);
}

void
eb_api_sessions_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) sessions = NULL;
  g_autoptr (GError) error = NULL;
  EbSessionFilter filter = { 0 };
  EbPage page;
  guint total = 0;

  if (!eb_api_read_page (req, &page) || !eb_api_read_session_filter (req, &filter))
    return;
  sessions
      = eb_service_list_sessions (req->service, &req->principal, &filter, &page, &total, &error);
  if (sessions == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_list (req, sessions, (EbApiEncodeFunc)eb_session_to_json, total, &page);
}

void
eb_api_sessions_create (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = eb_api_read_object (req);
  g_autoptr (EbSession) input = eb_session_new ();
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  if (body == NULL)
    return;
  if (!eb_session_from_json (body, input, TRUE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  session = eb_service_create_session (req->service, &req->principal, input, &error);
  if (session == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_set_location (req, "/api/v1/sessions/%" G_GINT64_FORMAT, session->id);
  eb_api_reply_entity (req, SOUP_STATUS_CREATED, eb_session_to_json (session), session->version);
}

void
eb_api_session_get (EbApiRequest *req)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = eb_service_get_session (req->service, &req->principal, req->ids[0], &error);
  if (session == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_session_to_json (session), session->version);
}

void
eb_api_session_update (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (EbSession) desired = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *node;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match) || (body = eb_api_read_patch (req)) == NULL)
    return;
  desired = eb_service_get_session (req->service, &req->principal, req->ids[0], &error);
  if (desired == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  if (if_match != 0)
    desired->version = if_match;
  if (!eb_session_from_json (body, desired, FALSE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  session = eb_service_update_session (req->service, &req->principal, desired, &warnings, &error);
  if (session == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  /* The session, plus the overlaps of roster members that new times
   * bent but did not break (always present, maybe empty). */
  node = eb_session_to_json (session);
  json_object_set_member (json_node_get_object (node), "warnings", eb_json_violations (warnings));
  eb_api_reply_entity (req, SOUP_STATUS_OK, node, session->version);
}

void
eb_api_session_delete (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match))
    return;
  if (!eb_service_delete_session (req->service, &req->principal, req->ids[0], if_match, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}

static void
eb_api_session_transition (EbApiRequest *req, EbSessionState to)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match))
    return;
  session = eb_service_transition_session (req->service, &req->principal, req->ids[0], to, if_match,
                                           &error);
  if (session == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_session_to_json (session), session->version);
}

void
eb_api_session_schedule (EbApiRequest *req)
{
  eb_api_session_transition (req, EB_SESSION_STATE_SCHEDULED);
}

void
eb_api_session_cancel (EbApiRequest *req)
{
  eb_api_session_transition (req, EB_SESSION_STATE_CANCELLED);
}
