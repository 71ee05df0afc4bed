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

/* What the request log shows for a client that closed its connection
 * before the answer (as nginx logs it). */
#define EB_STATUS_CLIENT_CLOSED 499

/* One WHIP or WHEP POST, while its message is paused. */
typedef struct
{
  EbApiWebrtcKind kind;
  EbService *service;
  SoupServerMessage *msg;
  gulong finished_id;
  /* watches the connection: libsoup reads nothing while paused */
  GSource *socket_source;
  EbParticipant participant;
  /* The message finished (libsoup dropped it) before the answer. */
  gboolean finished;
  /* The client closed its connection before the answer. */
  gboolean gone;
} EbApiWebrtc;

static void
eb_api_webrtc_stop_watching (EbApiWebrtc *call)
{
  if (call->socket_source == NULL)
    return;
  g_source_destroy (call->socket_source);
  g_clear_pointer (&call->socket_source, g_source_unref);
}

static void
eb_api_webrtc_free (EbApiWebrtc *call)
{
  eb_api_webrtc_stop_watching (call);
  if (call->finished_id != 0)
    g_signal_handler_disconnect (call->msg, call->finished_id);
  g_clear_object (&call->msg);
  g_clear_object (&call->service);
  g_free (call);
}

static void
eb_api_webrtc_finished_cb (SoupServerMessage *msg, gpointer user_data)
{
  EbApiWebrtc *call = user_data;

  call->finished = TRUE;
}

/* The connection became readable while the message waits: the end of
 * the stream means the client left. Anything else (a pipelined request)
 * cannot be told apart, so the watch stops. */
static gboolean
eb_api_webrtc_socket_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  EbApiWebrtc *call = user_data;
  g_autoptr (GError) error = NULL;
  char byte;
  GInputVector vector = { &byte, 1 };
  gint flags = G_SOCKET_MSG_PEEK;
  gssize n;

  n = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    call->gone = TRUE;
  /* the source is destroyed on return */
  g_clear_pointer (&call->socket_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
eb_api_webrtc_watch (EbApiWebrtc *call)
{
  GSocket *socket = soup_server_message_get_socket (call->msg);

  if (socket == NULL)
    return;
  call->socket_source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (call->socket_source, (GSourceFunc)(void (*) (void))eb_api_webrtc_socket_cb,
                         call, NULL);
  g_source_attach (call->socket_source, g_main_context_get_thread_default ());
}

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
eb_api_webrtc_reply (EbApiWebrtc *call, const EbWebrtcAnswer *answer, const GError *error)
{
  EbApiRequest req = { 0 };

  req.service = call->service;
  req.msg = call->msg;
  if (answer == NULL)
    {
      eb_api_reply_error (&req, error);
      return;
    }
  eb_api_set_location (&req, "/api/v1/sessions/%" G_GINT64_FORMAT "/%s/%s",
                       call->participant.session_id, eb_api_webrtc_segment (call->kind),
                       answer->resource_id);
  if (call->kind == EB_API_WHEP)
    {
      g_autofree char *tracks = eb_api_tracks_header (answer);

      eb_api_set_header (&req, EB_TRACKS_HEADER, tracks);
    }
  /* the answer holds the connection's ICE credentials */
  eb_api_set_header (&req, "Cache-Control", "no-store");
  eb_api_reply_text (&req, SOUP_STATUS_CREATED, EB_SDP_CONTENT_TYPE, g_strdup (answer->sdp));
}

static void
eb_api_webrtc_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbApiWebrtc *call = user_data;
  EbService *service = EB_SERVICE (source);
  g_autoptr (EbWebrtcAnswer) answer = NULL;
  g_autoptr (GError) error = NULL;

  if (call->kind == EB_API_WHIP)
    answer = eb_service_whip_publish_finish (service, result, &error);
  else
    answer = eb_service_whep_view_finish (service, result, &error);
  eb_api_webrtc_stop_watching (call);
  if (call->finished || call->gone)
    {
      g_autoptr (GError) delete_error = NULL;

      /* Nobody learns the resource: it must not live on. */
      if (answer != NULL
          && !eb_service_webrtc_delete (service, &call->participant, answer->resource_id,
                                        &delete_error))
        g_debug ("session %" G_GINT64_FORMAT ": ending an unanswered WebRTC connection: %s",
                 call->participant.session_id, delete_error->message);
      g_info ("session %" G_GINT64_FORMAT ": person %" G_GINT64_FORMAT " left before the %s answer",
              call->participant.session_id, call->participant.person_id,
              eb_api_webrtc_segment (call->kind));
    }
  if (call->finished)
    {
      eb_api_webrtc_free (call);
      return;
    }
  g_clear_signal_handler (&call->finished_id, call->msg);
  if (call->gone)
    {
      EbApiRequest req = { .service = call->service, .msg = call->msg };

      /* libsoup finishes the message once it finds the connection gone */
      eb_api_reply_problem (&req, EB_STATUS_CLIENT_CLOSED,
                            "the client closed its connection before the answer", NULL);
    }
  else
    eb_api_webrtc_reply (call, answer, error);
  soup_server_message_unpause (call->msg);
  eb_api_webrtc_free (call);
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
  call->service = g_object_ref (req->service);
  call->msg = g_object_ref (req->msg);
  call->participant = req->participant;
  call->finished_id
      = g_signal_connect (req->msg, "finished", G_CALLBACK (eb_api_webrtc_finished_cb), call);
  /* A provisional status, replaced by the answer before the message is
   * unpaused (see eb_api_session_end()). */
  soup_server_message_set_status (req->msg, SOUP_STATUS_ACCEPTED, NULL);
  soup_server_message_pause (req->msg);
  eb_api_webrtc_watch (call);
  /* Not cancelled when the client goes away: the answer then comes back
   * and its connection is ended at once (see eb_api_webrtc_done_cb()). */
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
