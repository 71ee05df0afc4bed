/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include <eboard/eb-join.h>

#include "eb-service-credentials-private.h"
#include "eb-service-live-private.h"
#include "eb-service-participant-private.h"

/*
 * Participants: the holders of join credentials. A credential says who
 * and which session, signed by the server key; whether it still opens
 * the session is decided here, on every use, from the roster, the
 * person, their site and the entry's revocation mark. Browsers publish
 * (WHIP) and view (WHEP) through the media plane with it.
 *
 * Nothing here repeats or logs a credential.
 */

/* --- revocation marks --- */

gboolean
eb_service_join_floor (EbService *self, const EbRosterEntry *entry, gint64 *not_issued_before_us,
                       GError **error)
{
  EbJoinMarks marks = { 0 };

  *not_issued_before_us = 0;
  if (!eb_store_roster_get_join_marks (self->store, entry->id, &marks, error))
    return FALSE;
  /* A credential of an earlier entry of the same person (taken off the
   * roster and put back) opens nothing either: a new entry starts with
   * its revocation mark at its creation (entries from before that rule
   * fall back on created_at, known to the second). */
  *not_issued_before_us = MAX (marks.revoked_at_us, entry->created_at * G_USEC_PER_SEC - 1);
  return TRUE;
}

gint64
eb_service_join_stamp_issue (EbService *self, const EbRosterEntry *entry, GError **error)
{
  gint64 not_issued_before_us = 0;
  gint64 issued_at_us;

  if (!eb_service_join_floor (self, entry, &not_issued_before_us, error))
    return 0;
  /* after the floor even if the clock went back since */
  issued_at_us = MAX (g_get_real_time (), not_issued_before_us + 1);
  if (!eb_store_roster_set_join_issued (self->store, entry->id, issued_at_us, error))
    return 0;
  return issued_at_us;
}

/* --- authentication --- */

/* Whether the roster entry of @claims still lets its holder in; else
 * EB_ERROR_FORBIDDEN saying why. */
static gboolean
eb_service_check_member (EbService *self, const EbJoinClaims *claims, const EbRosterEntry *entry,
                         GError **error)
{
  g_autofree char *reason = NULL;
  gboolean usable = FALSE;
  gint64 not_issued_before_us = 0;

  if (entry == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " is not on the roster of session %" G_GINT64_FORMAT,
                   claims->person_id, claims->session_id);
      return FALSE;
    }
  if (entry->status == EB_INVITATION_DECLINED)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " declined session %" G_GINT64_FORMAT,
                   claims->person_id, claims->session_id);
      return FALSE;
    }
  if (!eb_service_check_person_usable (self, claims->person_id, &usable, &reason, error))
    return FALSE;
  if (!usable)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "person %" G_GINT64_FORMAT " may not join session %" G_GINT64_FORMAT ": %s",
                   claims->person_id, claims->session_id, reason);
      return FALSE;
    }
  if (!eb_service_join_floor (self, entry, &not_issued_before_us, error))
    return FALSE;
  if (claims->issued_at_us <= not_issued_before_us)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "this join credential of person %" G_GINT64_FORMAT
                   " for session %" G_GINT64_FORMAT " was revoked",
                   claims->person_id, claims->session_id);
      return FALSE;
    }
  return TRUE;
}

/**
 * eb_service_authenticate_participant:
 * @credential: (nullable): the join credential presented
 * @session_id: the session it is presented for (the request's)
 * @participant: (out): who it is, when it opens the session
 *
 * Returns: whether @credential opens @session_id now
 */
gboolean
eb_service_authenticate_participant (EbService *self, const char *credential, EbId session_id,
                                     EbParticipant *participant, GError **error)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GError) local_error = NULL;
  EbJoinClaims claims = { 0 };
  const guint8 *key;
  gsize key_length = 0;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (participant != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = eb_service_live_get_join_key (self, &key_length);
  if (key == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAVAILABLE,
                           "live sessions are not configured (no join key)");
      return FALSE;
    }
  if (!eb_join_credential_verify (key, key_length, credential, g_get_real_time () / G_USEC_PER_SEC,
                                  &claims, error))
    return FALSE;

  session = eb_store_session_get (self->store, session_id, error);
  if (!eb_service_check_found (session != NULL, "session", session_id, error))
    return FALSE;
  if (claims.session_id != session_id)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN,
                   "the join credential is for another session than %" G_GINT64_FORMAT, session_id);
      return FALSE;
    }
  entry = eb_store_roster_find (self->store, session_id, claims.person_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!eb_service_check_member (self, &claims, entry, error))
    return FALSE;

  participant->session_id = session_id;
  participant->person_id = claims.person_id;
  participant->is_chair = entry->role == EB_ROSTER_ROLE_CHAIR;
  return TRUE;
}

/* --- WHIP and WHEP --- */

/* (transfer none): the media plane, when @session_id is live and there
 * is one; EB_ERROR_CONFLICT when it is not live, EB_ERROR_UNAVAILABLE
 * without a media plane. */
static EbMediaPlane *
eb_service_live_media (EbService *self, EbId session_id, GError **error)
{
  g_autoptr (EbSession) session = eb_store_session_get (self->store, session_id, error);
  EbMediaPlane *media;

  if (!eb_service_check_found (session != NULL, "session", session_id, error))
    return NULL;
  if (session->state != EB_SESSION_STATE_LIVE)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "session %" G_GINT64_FORMAT " is not live (it is %s)", session_id,
                   eb_session_state_to_string (session->state));
      return NULL;
    }
  media = eb_service_get_media_plane (self);
  if (media == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAVAILABLE,
                           "live media is not configured (no media plane)");
      return NULL;
    }
  return media;
}

typedef enum
{
  EB_WEBRTC_WHIP,
  EB_WEBRTC_WHEP,
} EbWebrtcKind;

typedef struct
{
  EbWebrtcKind kind;
  EbId session_id;
  EbId person_id;
} EbWebrtcCall;

/* What the media plane said, in the service's terms: a session without
 * a live conference, or one that ended while connecting, is not live. */
static void
eb_service_webrtc_translate (EbService *self, EbId session_id, GError **error)
{
  g_autoptr (GError) not_live = NULL;

  if (g_error_matches (*error, EB_ERROR, EB_ERROR_NOT_FOUND))
    {
      g_clear_error (error);
      g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                   "session %" G_GINT64_FORMAT " has no live conference", session_id);
      return;
    }
  if (g_error_matches (*error, EB_ERROR, EB_ERROR_UNAVAILABLE)
      && eb_service_live_media (self, session_id, &not_live) == NULL
      && g_error_matches (not_live, EB_ERROR, EB_ERROR_CONFLICT))
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&not_live));
    }
}

static void
eb_service_webrtc_answered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EbService *self = g_task_get_source_object (task);
  EbWebrtcCall *call = g_task_get_task_data (task);
  EbMediaPlane *media = EB_MEDIA_PLANE (source);
  GError *error = NULL;
  EbWebrtcAnswer *answer;

  if (call->kind == EB_WEBRTC_WHIP)
    answer = eb_media_plane_whip_publish_finish (media, result, &error);
  else
    answer = eb_media_plane_whep_view_finish (media, result, &error);
  if (answer == NULL)
    {
      eb_service_webrtc_translate (self, call->session_id, &error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, answer, (GDestroyNotify)eb_webrtc_answer_free);
}

static void
eb_service_webrtc_start (EbService *self, EbWebrtcKind kind, const EbParticipant *participant,
                         const char *offer, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data, gpointer source_tag)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;
  EbWebrtcCall *call;
  EbMediaPlane *media;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  media = eb_service_live_media (self, participant->session_id, &error);
  if (media == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  call = g_new0 (EbWebrtcCall, 1);
  call->kind = kind;
  call->session_id = participant->session_id;
  call->person_id = participant->person_id;
  g_task_set_task_data (task, call, g_free);
  if (kind == EB_WEBRTC_WHIP)
    eb_media_plane_whip_publish_async (media, call->session_id, call->person_id, offer, cancellable,
                                       eb_service_webrtc_answered_cb, g_steal_pointer (&task));
  else
    eb_media_plane_whep_view_async (media, call->session_id, call->person_id, offer, cancellable,
                                    eb_service_webrtc_answered_cb, g_steal_pointer (&task));
}

static EbWebrtcAnswer *
eb_service_webrtc_finish (EbService *self, GAsyncResult *result, gpointer source_tag,
                          GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * eb_service_whip_publish_async:
 * @participant: who publishes (authenticated for its session)
 * @offer: the SDP offer, as received
 *
 * Publishes the participant's camera and microphone in the live
 * session's conference; a new publish replaces their previous one.
 */
void
eb_service_whip_publish_async (EbService *self, const EbParticipant *participant, const char *offer,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (EB_IS_SERVICE (self));
  g_return_if_fail (participant != NULL && offer != NULL);

  eb_service_webrtc_start (self, EB_WEBRTC_WHIP, participant, offer, cancellable, callback,
                           user_data, eb_service_whip_publish_async);
}

/**
 * eb_service_whip_publish_finish:
 *
 * Returns: (transfer full): the answer and the resource to DELETE
 */
EbWebrtcAnswer *
eb_service_whip_publish_finish (EbService *self, GAsyncResult *result, GError **error)
{
  return eb_service_webrtc_finish (self, result, eb_service_whip_publish_async, error);
}

/**
 * eb_service_whep_view_async:
 * @participant: who views (authenticated for its session)
 * @offer: the SDP offer (recvonly m-lines), as received
 *
 * Lets the participant view the other publishers of the live session.
 */
void
eb_service_whep_view_async (EbService *self, const EbParticipant *participant, const char *offer,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (EB_IS_SERVICE (self));
  g_return_if_fail (participant != NULL && offer != NULL);

  eb_service_webrtc_start (self, EB_WEBRTC_WHEP, participant, offer, cancellable, callback,
                           user_data, eb_service_whep_view_async);
}

/**
 * eb_service_whep_view_finish:
 *
 * Returns: (transfer full): the answer (its tracks: one per offered
 *   m-line) and the resource to DELETE
 */
EbWebrtcAnswer *
eb_service_whep_view_finish (EbService *self, GAsyncResult *result, GError **error)
{
  return eb_service_webrtc_finish (self, result, eb_service_whep_view_async, error);
}

/**
 * eb_service_webrtc_delete:
 * @participant: whose connection it is
 * @resource_id: the WHIP or WHEP resource
 *
 * Ends one of the participant's WebRTC connections.
 *
 * Returns: whether it existed and was theirs (else EB_ERROR_NOT_FOUND)
 */
gboolean
eb_service_webrtc_delete (EbService *self, const EbParticipant *participant,
                          const char *resource_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  EbMediaPlane *media;

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (participant != NULL && resource_id != NULL, FALSE);

  media = eb_service_live_media (self, participant->session_id, error);
  if (media == NULL)
    return FALSE;
  if (eb_media_plane_webrtc_delete (media, participant->session_id, participant->person_id,
                                    resource_id, &local_error))
    return TRUE;
  /* one message whether the resource is unknown or someone else's */
  if (g_error_matches (local_error, EB_ERROR, EB_ERROR_NOT_FOUND))
    g_set_error_literal (error, EB_ERROR, EB_ERROR_NOT_FOUND, "no such WebRTC connection");
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
