/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-live-private.h"

/* Recordings: every read is audited by the service. */

void
eb_api_recordings_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) recordings = NULL;
  g_autoptr (GError) error = NULL;
  EbId session_id = 0;
  EbPage page;
  guint total = 0;

  if (!eb_api_read_page (req, &page) || !eb_api_query_id (req, "session", &session_id))
    return;
  recordings = eb_service_list_recordings (req->service, &req->principal, session_id, &page, &total,
                                           &error);
  if (recordings == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_list (req, recordings, (EbApiEncodeFunc)eb_recording_summary_to_json, total, &page);
}

void
eb_api_recording_get (EbApiRequest *req)
{
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GError) error = NULL;

  recording = eb_service_get_recording (req->service, &req->principal, req->ids[0], &error);
  if (recording == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_json (req, SOUP_STATUS_OK, eb_recording_to_json (recording));
}
