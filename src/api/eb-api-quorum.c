/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"

void
eb_api_quorum_get (EbApiRequest *req)
{
  g_autoptr (EbQuorumReport) report = NULL;
  g_autoptr (GError) error = NULL;

  report = eb_service_quorum (req->service, &req->principal, req->ids[0], &error);
  if (report == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_json (req, SOUP_STATUS_OK,
                     eb_quorum_report_to_json (
                         req->ids[0], eb_service_get_required_specialties (req->service), report));
}
