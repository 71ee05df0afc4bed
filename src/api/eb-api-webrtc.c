/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <string.h>

#include "eb-api-handlers-private.h"

/*
 * WHIP (RFC 9725) and WHEP for browsers on the join page, authenticated
 * by their join credential (the router sets req->participant). A POST
 * carries the SDP offer, non-trickle; the answer, with the server's ICE
 * candidates, comes once gathering is over, so the message waits paused
 * meanwhile. The resource it creates (its Location) is ended by DELETE.
 */

#define EB_SDP_CONTENT_TYPE "application/sdp"
/* The track each m-line of a WHEP answer carries, in m-line order. */
#define EB_TRACKS_HEADER "Eboard-Tracks"
/* What Eboard-Tracks says for an m-line that carries nothing. */
#define EB_NO_TRACK "-"

typedef enum
{
  EB_API_WHIP,
  EB_API_WHEP,
} EbApiWebrtcKind;

static const char *
eb_api_webrtc_segment (EbApiWebrtcKind kind)
{
  return kind == EB_API_WHIP ? "whip" : "whep";
}

/* One WHIP or WHEP POST, while its message is paused. */
typedef struct
{
  EbApiWebrtcKind kind;
  EbApiPaused *paused;
  EbParticipant participant;
} EbApiWebrtc;

/* (transfer full): the SDP offer of the request body, or %NULL after
 * answering 415 (not application/sdp) or 400 (empty, a NUL byte, not
 * UTF-8). */
static char *
eb_api_read_offer (EbApiRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr (GBytes) body = NULL;
  const char *data;
  gsize size = 0;

  if (content_type == NULL || g_ascii_strcasecmp (content_type, EB_SDP_CONTENT_TYPE) != 0)
    {
      eb_api_reply_problem (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                            "the request body must be an SDP offer (" EB_SDP_CONTENT_TYPE ")",
                            NULL);
      return NULL;
    }
  body = eb_api_request_body (req);
  data = g_bytes_get_data (body, &size);
  if (size == 0)
    {
      eb_api_reply_problem (req, SOUP_STATUS_BAD_REQUEST, "an SDP offer is required", NULL);
      return NULL;
    }
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate (data, (gssize)size, NULL))
    {
      eb_api_reply_problem (req, SOUP_STATUS_BAD_REQUEST,
                            "malformed SDP offer: it must be UTF-8 text without NUL bytes", NULL);
      return NULL;
    }
  return g_strndup (data, size);
}

/* "p7-webrtc,-,p9-srt": one entry per m-line of the answer. */
static char *
eb_api_tracks_header (const EbWebrtcAnswer *answer)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; answer->tracks != NULL && answer->tracks[i] != NULL; i++)
    {
      const char *track = answer->tracks[i];

      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, track[0] != '\0' ? track : EB_NO_TRACK);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
eb_api_webrtc_reply (EbApiWebrtc *call, EbApiRequest *req, const EbWebrtcAnswer *answer,
                     const GError *error)
{
  if (answer == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_set_location (req, "/api/v1/sessions/%" G_GINT64_FORMAT "/%s/%s",
                       call->participant.session_id, eb_api_webrtc_segment (call->kind),
                       answer->resource_id);
  if (call->kind == EB_API_WHEP)
    {
      g_autofree char *tracks = eb_api_tracks_header (answer);

      eb_api_set_header (req, EB_TRACKS_HEADER, tracks);
    }
  /* the answer holds the connection's ICE credentials */
  eb_api_set_header (req, "Cache-Control", "no-store");
  eb_api_reply_text (req, SOUP_STATUS_CREATED, EB_SDP_CONTENT_TYPE, g_strdup (answer->sdp));
}

/* The client left before the answer: nobody learns the resource, so it
 * must not live on. */
static void
eb_api_webrtc_forget (EbApiWebrtc *call, EbService *service, const EbWebrtcAnswer *answer)
{
  g_autoptr (GError) error = NULL;

  if (answer != NULL
      && !eb_service_webrtc_delete (service, &call->participant, answer->resource_id, &error))
    g_debug ("session %" G_GINT64_FORMAT ": ending an unanswered WebRTC connection: %s",
             call->participant.session_id, error->message);
  g_info ("session %" G_GINT64_FORMAT ": person %" G_GINT64_FORMAT " left before the %s answer",
          call->participant.session_id, call->participant.person_id,
          eb_api_webrtc_segment (call->kind));
}

static void
eb_api_webrtc_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbApiWebrtc *call = user_data;
  EbService *service = EB_SERVICE (source);
  g_autoptr (EbWebrtcAnswer) answer = NULL;
  g_autoptr (GError) error = NULL;
  EbApiRequest *req;

  if (call->kind == EB_API_WHIP)
    answer = eb_service_whip_publish_finish (service, result, &error);
  else
    answer = eb_service_whep_view_finish (service, result, &error);
  req = eb_api_paused_request (call->paused);
  if (req == NULL)
    eb_api_webrtc_forget (call, service, answer);
  else
    eb_api_webrtc_reply (call, req, answer, error);
  eb_api_paused_resume (call->paused);
  g_free (call);
}

static void
eb_api_webrtc_create (EbApiRequest *req, EbApiWebrtcKind kind)
{
  g_autofree char *offer = eb_api_read_offer (req);
  EbApiWebrtc *call;

  if (offer == NULL)
    return;
  call = g_new0 (EbApiWebrtc, 1);
  call->kind = kind;
  call->participant = req->participant;
  call->paused = eb_api_pause (req, NULL);
  /* Not cancelled when the client goes away: the answer then comes back
   * and its connection is ended at once (see eb_api_webrtc_forget()). */
  if (kind == EB_API_WHIP)
    eb_service_whip_publish_async (req->service, &req->participant, offer, NULL,
                                   eb_api_webrtc_done_cb, call);
  else
    eb_service_whep_view_async (req->service, &req->participant, offer, NULL, eb_api_webrtc_done_cb,
                                call);
}

static void
eb_api_webrtc_delete (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;

  if (!eb_service_webrtc_delete (req->service, &req->participant, req->resource, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}

void
eb_api_whip_create (EbApiRequest *req)
{
  eb_api_webrtc_create (req, EB_API_WHIP);
}

void
eb_api_whip_delete (EbApiRequest *req)
{
  eb_api_webrtc_delete (req);
}

void
eb_api_whep_create (EbApiRequest *req)
{
  eb_api_webrtc_create (req, EB_API_WHEP);
}

void
eb_api_whep_delete (EbApiRequest *req)
{
  eb_api_webrtc_delete (req);
}
