/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"

void
eb_api_occurrences_list (EbApiRequest *req)
{
  g_autoptr (GArray) occurrences = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;
  gint64 from, to;

  if (!eb_api_query_instant (req, "from", FALSE, &from)
      || !eb_api_query_instant (req, "to", FALSE, &to))
    return;
  occurrences
      = eb_service_list_occurrences (req->service, &req->principal, req->ids[0], from, to, &error);
  if (occurrences == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < occurrences->len; i++)
    json_builder_add_value (builder,
                            eb_occurrence_to_json (&g_array_index (occurrences, EbOccurrence, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  eb_api_reply_json (req, SOUP_STATUS_OK, json_builder_get_root (builder));
}

/* The service changes exceptions without a version check: an If-Match is
 * compared here, against the session as the caller may read it. */
static gboolean
eb_api_check_session_version (EbApiRequest *req, gint64 if_match)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  if (if_match == 0)
    return TRUE;
  session = eb_service_get_session (req->service, &req->principal, req->ids[0], &error);
  if (session == NULL)
    {
      eb_api_reply_error (req, error);
      return FALSE;
    }
  if (session->version != if_match)
    {
      g_autofree char *detail
          = g_strdup_printf ("session %" G_GINT64_FORMAT " changed since version %" G_GINT64_FORMAT,
                             session->id, if_match);
      eb_api_reply_problem (req, SOUP_STATUS_PRECONDITION_FAILED, detail, NULL);
      return FALSE;
    }
  return TRUE;
}

void
eb_api_exception_put (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  EbOccurrenceException input;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match) || (body = eb_api_read_object (req)) == NULL)
    return;
  if (!eb_occurrence_exception_from_json (body, &input, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  if (!eb_api_check_session_version (req, if_match))
    return;
  session = eb_service_set_occurrence_exception (req->service, &req->principal, req->ids[0],
                                                 input.original_start, input.cancelled,
                                                 input.new_start, &error);
  if (session == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_session_to_json (session), session->version);
}

void
eb_api_exception_delete (EbApiRequest *req)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gint64 original_start, if_match;

  if (!eb_api_read_if_match (req, &if_match)
      || !eb_api_query_instant (req, "original_start", TRUE, &original_start))
    return;
  if (!eb_api_check_session_version (req, if_match))
    return;
  if (!eb_service_clear_occurrence_exception (req->service, &req->principal, req->ids[0],
                                              original_start, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  session = eb_service_get_session (req->service, &req->principal, req->ids[0], &error);
  if (session == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_session_to_json (session), session->version);
}
