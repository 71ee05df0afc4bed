/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-live-private.h"

/*
 * The conference as the join page sees it, for the holder of a join
 * credential (the router authenticated it for the path's session): its
 * state, and the chair moving it to another case.
 */

static void
eb_api_reply_conference (EbApiRequest *req, EbConferenceState *state, const GError *error)
{
  if (state == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  /* TURN passwords may be in it. */
  eb_api_set_header (req, "Cache-Control", "no-store");
  eb_api_reply_json (req, SOUP_STATUS_OK, eb_conference_state_to_json (state));
}

void
eb_api_conference_get (EbApiRequest *req)
{
  g_autoptr (EbConferenceState) state = NULL;
  g_autoptr (GError) error = NULL;

  state = eb_service_get_conference (req->service, req->ids[0], req->participant.person_id, &error);
  eb_api_reply_conference (req, state, error);
}

void
eb_api_conference_case_set (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = eb_api_read_object (req);
  g_autoptr (EbConferenceState) state = NULL;
  g_autoptr (GError) error = NULL;
  EbId item_id;

  if (body == NULL)
    return;
  item_id = eb_conference_case_from_json (body, &error);
  if (item_id == 0)
    {
      eb_api_reply_error (req, error);
      return;
    }
  state = eb_service_set_current_case (req->service, req->ids[0], req->participant.person_id,
                                       item_id, &error);
  eb_api_reply_conference (req, state, error);
}
