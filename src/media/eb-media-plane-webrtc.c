/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-media.h>

#include "eb-conference-private.h"
#include "eb-media-plane-private.h"
#include "eb-webrtc-room-private.h"

/* --- WebRTC (WHIP and WHEP) --- */

/* (transfer full) (nullable): the open conference @person_id may join,
 * else %NULL and @error */
static EbConference *
lookup_joinable (EbMediaPlane *self, EbId session_id, EbId person_id, GError **error)
{
  g_autoptr (EbConference) conference = eb_media_plane_lookup_conference (self, session_id);

  if (conference == NULL || !eb_conference_is_open (conference))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "session %" G_GINT64_FORMAT " has no live conference", session_id);
      return NULL;
    }
  if (!eb_conference_is_allowed (conference, person_id))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " may not join session %" G_GINT64_FORMAT, person_id,
                   session_id);
      return NULL;
    }
  return g_steal_pointer (&conference);
}

/* The conference @task joins, kept as its task data; or %NULL, with
 * @task returned with the reason. */
static EbConference *
task_conference (EbMediaPlane *self, GTask *task, EbId session_id, EbId person_id)
{
  GError *error = NULL;
  EbConference *conference = lookup_joinable (self, session_id, person_id, &error);

  if (conference == NULL)
    {
      g_task_return_error (task, error);
      return NULL;
    }
  g_task_set_task_data (task, conference, (GDestroyNotify)eb_conference_unref);
  return conference;
}

static void
webrtc_published_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EbConference *conference = g_task_get_task_data (task);
  GError *error = NULL;
  EbWebrtcAnswer *answer;

  answer
      = eb_webrtc_room_publish_finish (eb_conference_get_webrtc_room (conference), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, (GDestroyNotify)eb_webrtc_answer_free);
}

static void
webrtc_viewing_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EbConference *conference = g_task_get_task_data (task);
  GError *error = NULL;
  EbWebrtcAnswer *answer;

  answer = eb_webrtc_room_view_finish (eb_conference_get_webrtc_room (conference), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, (GDestroyNotify)eb_webrtc_answer_free);
}

/**
 * eb_media_plane_whip_publish_async:
 * @offer: the SDP offer, as received
 *
 * Answers a WHIP publish (main context). Errors: %EB_ERROR_NOT_FOUND
 * (no live conference), %EB_ERROR_FORBIDDEN (not a participant, or
 * revoked meanwhile), %EB_ERROR_INVALID (a malformed or unusable offer:
 * nothing else happens), %EB_ERROR_TOO_LARGE, %EB_ERROR_UNAVAILABLE (no
 * ICE candidate, or the session ended meanwhile).
 */
void
eb_media_plane_whip_publish_async (EbMediaPlane *self, EbId session_id, EbId person_id,
                                   const char *offer, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  EbConference *conference;

  g_return_if_fail (EB_IS_MEDIA_PLANE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_media_plane_whip_publish_async);
  conference = task_conference (self, task, session_id, person_id);
  if (conference != NULL)
    eb_webrtc_room_publish_async (eb_conference_get_webrtc_room (conference), person_id, offer,
                                  cancellable, webrtc_published_cb, g_object_ref (task));
}

/**
 * eb_media_plane_whip_publish_finish:
 *
 * Returns: (transfer full): the answer and the resource to DELETE
 */
EbWebrtcAnswer *
eb_media_plane_whip_publish_finish (EbMediaPlane *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == eb_media_plane_whip_publish_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * eb_media_plane_whep_view_async:
 * @offer: the SDP offer (recvonly m-lines), as received
 *
 * Answers a WHEP view (main context); errors as for
 * eb_media_plane_whip_publish_async(). The viewer receives what is
 * published when it connects.
 */
void
eb_media_plane_whep_view_async (EbMediaPlane *self, EbId session_id, EbId person_id,
                                const char *offer, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  EbConference *conference;

  g_return_if_fail (EB_IS_MEDIA_PLANE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, eb_media_plane_whep_view_async);
  conference = task_conference (self, task, session_id, person_id);
  if (conference != NULL)
    eb_webrtc_room_view_async (eb_conference_get_webrtc_room (conference), person_id, offer,
                               cancellable, webrtc_viewing_cb, g_object_ref (task));
}

/**
 * eb_media_plane_whep_view_finish:
 *
 * Returns: (transfer full): the answer and the resource to DELETE
 */
EbWebrtcAnswer *
eb_media_plane_whep_view_finish (EbMediaPlane *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == eb_media_plane_whep_view_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * eb_media_plane_webrtc_delete:
 * @person_id: the connection's owner (0: any)
 *
 * Closes a WHIP or WHEP connection (main context).
 *
 * Returns: whether it was there
 */
gboolean
eb_media_plane_webrtc_delete (EbMediaPlane *self, EbId session_id, EbId person_id,
                              const char *resource_id, GError **error)
{
  g_autoptr (EbConference) conference = NULL;

  g_return_val_if_fail (EB_IS_MEDIA_PLANE (self), FALSE);

  conference = eb_media_plane_lookup_conference (self, session_id);
  if (conference == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND,
                   "session %" G_GINT64_FORMAT " has no live conference", session_id);
      return FALSE;
    }
  return eb_webrtc_room_delete (eb_conference_get_webrtc_room (conference), person_id, resource_id,
                                error);
}
