/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-api-handlers-private.h"
#include "eb-codecs-live-private.h"
#include "eb-codecs-private.h"

/* Live sessions: going live, ending, join details, timeline and
 * attendance. */

void
eb_api_session_start (EbApiRequest *req)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match))
    return;
  session = eb_service_start_session (req->service, &req->principal, req->ids[0], if_match, &error);
  if (session == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_session_to_json (session), session->version);
}

/* --- ending: the answer waits for every recording to be finalised --- */

/* One end in progress, while its message is paused. */
typedef struct
{
  EbApiPaused *paused;
  GCancellable *cancellable;
  EbId session_id;
} EbApiEnd;

static void
eb_api_end_free (EbApiEnd *end)
{
  g_clear_object (&end->cancellable);
  g_free (end);
}

static void
eb_api_end_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbApiEnd *end = user_data;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GError) error = NULL;
  EbApiRequest *req;

  session = eb_service_end_session_finish (EB_SERVICE (source), result, &recording, &error);
  req = eb_api_paused_request (end->paused);
  if (req == NULL)
    {
      /* Nobody to answer. An end under way completes all the same (the
       * service only drops the result of a cancelled one). */
      if (session == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_info ("session %" G_GINT64_FORMAT ": end failed after its client left: %s",
                end->session_id, error->message);
      else
        g_info ("session %" G_GINT64_FORMAT ": the client left before the end was answered",
                end->session_id);
    }
  else if (session == NULL)
    eb_api_reply_error (req, error);
  else
    eb_api_reply_entity (req, SOUP_STATUS_OK, eb_session_end_to_json (session, recording),
                         session->version);
  eb_api_paused_resume (end->paused);
  eb_api_end_free (end);
}

void
eb_api_session_end (EbApiRequest *req)
{
  EbApiEnd *end;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match))
    return;
  end = g_new0 (EbApiEnd, 1);
  end->cancellable = g_cancellable_new ();
  end->session_id = req->ids[0];
  end->paused = eb_api_pause (req, end->cancellable);
  eb_service_end_session_async (req->service, &req->principal, req->ids[0], if_match,
                                end->cancellable, eb_api_end_done_cb, end);
}

/* --- join details --- */

void
eb_api_session_join (EbApiRequest *req)
{
  g_autoptr (EbJoinDetails) details = NULL;
  g_autoptr (GError) error = NULL;

  details = eb_service_get_join_details (req->service, &req->principal, req->ids[0], &error);
  if (details == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  /* The credential and the passphrase are the caller's secrets. */
  eb_api_set_header (req, "Cache-Control", "no-store");
  eb_api_reply_json (req, SOUP_STATUS_OK, eb_join_details_to_json (details));
}

/* --- timeline and attendance --- */

void
eb_api_timeline_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  EbPage page;
  guint total = 0;

  if (!eb_api_read_page (req, &page))
    return;
  events = eb_service_list_timeline (req->service, &req->principal, req->ids[0], &page, &total,
                                     &error);
  if (events == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_list (req, events, (EbApiEncodeFunc)eb_timeline_event_to_json, total, &page);
}

static JsonNode *
eb_api_node_copy (gconstpointer node)
{
  return json_node_copy ((JsonNode *)node);
}

void
eb_api_attendance_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) spans = NULL;
  g_autoptr (GPtrArray) people = NULL;
  g_autoptr (GError) error = NULL;
  EbPage page;

  if (!eb_api_read_page (req, &page))
    return;
  spans = eb_service_list_attendance (req->service, &req->principal, req->ids[0], &error);
  if (spans == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  people = eb_attendance_by_person (spans, g_get_real_time ());
  eb_api_reply_window (req, people, eb_api_node_copy, &page);
}
