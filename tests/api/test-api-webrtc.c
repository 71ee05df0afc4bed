/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <gst/gst.h>
#include <srt/access_control.h>

#include "eb-api-test-live.h"
#include "../media/eb-srt-test-util.h"

/*
 * WHIP and WHEP over HTTP with join credentials, and join revocation: the
 * real API on 127.0.0.1 over a real store and a real media plane, with
 * in-process WebRTC clients on webrtcbin (real VP8 and Opus encoders
 * publishing, real decoders counting what a viewer receives), recordings
 * read back by GstDiscoverer, and a plain libsrt caller. Loopback only:
 * the plane and the clients gather ICE candidates on 127.0.0.1 alone.
 */

/* How soon a removed or revoked participant's connections must end. */
#define CUT_OFF_US G_USEC_PER_SEC
#define WAIT_SECONDS 20

static const char *const loopback[] = { "127.0.0.1", NULL };

/* An offer that is well formed enough to reach the checks after the
 * credential's. */
#define SOME_SDP                                                                                   \
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"                                            \
  "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:96 VP8/90000\r\n"

typedef struct
{
  EbId person_id;
  EbId entry_id;
  char *token;      /* their API token (clinician) */
  char *credential; /* their join credential for the live session */
} Member;

/* A timeline event as the service pushed it, and when it arrived. */
typedef struct
{
  EbTimelineKind kind;
  EbId person_id;
  char *track;
  gint64 seen_at;
} Seen;

typedef struct
{
  EbTestServer *server;
  guint8 key[EB_JOIN_KEY_LENGTH];
  EbApiTestMedia media;
  gulong event_handler;
  GPtrArray *seen; /* Seen */
  EbId hub;
  Member chair;
  Member panelist;
  EbId outsider; /* a person on no roster */
  char *coordinator_token;
  EbPrincipal coordinator;
  EbId session_id;       /* live */
  EbId other_session_id; /* scheduled, the same roster */
  char *chair_other;     /* the chair's credential for the other session */
  guint serial;
} Fixture;

static void
seen_free (Seen *seen)
{
  g_free (seen->track);
  g_free (seen);
}

static void
member_clear (Member *member)
{
  g_clear_pointer (&member->token, g_free);
  g_clear_pointer (&member->credential, g_free);
}

static void
session_event_cb (EbService *service, EbTimelineEvent *event, Fixture *f)
{
  Seen *seen = g_new0 (Seen, 1);

  seen->kind = event->kind;
  seen->person_id = event->person_id;
  seen->track = g_strdup (event->track);
  seen->seen_at = g_get_monotonic_time ();
  g_test_message ("event %s person %" G_GINT64_FORMAT " track %s",
                  eb_timeline_kind_to_string (event->kind), event->person_id,
                  event->track != NULL ? event->track : "-");
  g_ptr_array_add (f->seen, seen);
}

/* --- set-up --- */

/* A scheduled session with the chair and the panelist on its roster;
 * @chair_entry, @panelist_entry: (out) (optional). */
static EbId
new_session (Fixture *f, EbId *chair_entry, EbId *panelist_entry)
{
  EbId id = eb_api_test_new_session (f->server, f->hub,
                                     1775055600 + (gint64)(++f->serial) * 24 * 3600, "UTC");
  EbId chair
      = eb_api_test_add_entry (f->server, id, f->chair.person_id, EB_ROSTER_ROLE_CHAIR, TRUE);
  EbId panelist
      = eb_api_test_add_entry (f->server, id, f->panelist.person_id, EB_ROSTER_ROLE_PANELIST, TRUE);

  eb_api_test_schedule (f->server, id);
  if (chair_entry != NULL)
    *chair_entry = chair;
  if (panelist_entry != NULL)
    *panelist_entry = panelist;
  return id;
}

static char *
session_path (EbId id, const char *suffix)
{
  return eb_api_test_session_path (id, suffix);
}

/* (transfer full): the join details of @token for @session (200). */
static JsonObject *
fetch_join (Fixture *f, const char *token, EbId session)
{
  g_autofree char *path = session_path (session, "/join");
  g_autoptr (EbTestReply) reply = eb_test_request (f->server, "GET", path, token, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  return json_object_ref (eb_test_reply_object (reply));
}

static char *
fetch_credential (Fixture *f, const char *token, EbId session)
{
  g_autoptr (JsonObject) details = fetch_join (f, token, session);

  return g_strdup (json_object_get_string_member (details, "credential"));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) live = NULL;
  EbLiveSettings live_settings = { 0 };
  EbId coordinator;

  f->server = eb_test_server_new (NULL);
  f->seen = g_ptr_array_new_with_free_func ((GDestroyNotify)seen_free);
  for (guint i = 0; i < sizeof f->key; i++)
    f->key[i] = (guint8)g_random_int ();

  eb_api_test_media_start (&f->media, f->key, sizeof f->key, loopback);
  live_settings.srt_host = "127.0.0.1";
  live_settings.recordings_dir = f->media.recordings_dir;
  eb_service_set_media_plane (f->server->service, f->media.plane, f->key, sizeof f->key,
                              &live_settings);
  f->event_handler
      = g_signal_connect (f->server->service, "session-event", G_CALLBACK (session_event_cb), f);

  f->hub = eb_test_seed_site (f->server, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  f->chair.person_id = eb_test_seed_person (f->server, f->hub, "Chair", "surgery");
  f->panelist.person_id = eb_test_seed_person (f->server, f->hub, "Panelist", "pathology");
  f->outsider = eb_test_seed_person (f->server, f->hub, "Outsider", "surgery");
  coordinator = eb_test_seed_person (f->server, f->hub, "Coordinator", "surgery");
  f->chair.token = eb_api_test_token (f->server, EB_ROLE_CLINICIAN, f->chair.person_id, NULL);
  f->panelist.token = eb_api_test_token (f->server, EB_ROLE_CLINICIAN, f->panelist.person_id, NULL);
  f->coordinator_token = eb_api_test_token (f->server, EB_ROLE_COORDINATOR, coordinator, NULL);
  g_assert_true (
      eb_service_authenticate (f->server->service, f->coordinator_token, &f->coordinator, &error));
  g_assert_no_error (error);

  f->session_id = new_session (f, &f->chair.entry_id, &f->panelist.entry_id);
  f->other_session_id = new_session (f, NULL, NULL);
  live = eb_service_start_session (f->server->service, &f->coordinator, f->session_id, 0, &error);
  g_assert_no_error (error);
  f->chair.credential = fetch_credential (f, f->chair.token, f->session_id);
  f->panelist.credential = fetch_credential (f, f->panelist.token, f->session_id);
  f->chair_other = fetch_credential (f, f->chair.token, f->other_session_id);
}

/* Ends the live session: (transfer full) its recording. */
static EbRecording *
end_session (Fixture *f)
{
  return eb_api_test_end (f->server, &f->coordinator, f->session_id);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = eb_service_get_session (f->server->service, &f->server->admin, f->session_id, &error);
  g_assert_no_error (error);
  if (session->state == EB_SESSION_STATE_LIVE)
    {
      g_autoptr (EbRecording) recording = end_session (f);
    }
  g_clear_signal_handler (&f->event_handler, f->server->service);
  eb_api_test_media_stop (&f->media, f->server);
  g_clear_pointer (&f->server, eb_test_server_free);
  member_clear (&f->chair);
  member_clear (&f->panelist);
  g_clear_pointer (&f->coordinator_token, g_free);
  g_clear_pointer (&f->chair_other, g_free);
  g_clear_pointer (&f->seen, g_ptr_array_unref);
}

/* --- timeline events --- */

/* The first event of @kind for @person_id (0: anyone's) and @track (NULL:
 * any) at or after index @from, or NULL. */
static Seen *
find_seen (Fixture *f, guint from, EbTimelineKind kind, EbId person_id, const char *track)
{
  for (guint i = from; i < f->seen->len; i++)
    {
      Seen *seen = g_ptr_array_index (f->seen, i);

      if (seen->kind == kind && (person_id == 0 || seen->person_id == person_id)
          && (track == NULL || g_strcmp0 (seen->track, track) == 0))
        return seen;
    }
  return NULL;
}

typedef struct
{
  Fixture *f;
  guint from;
  EbTimelineKind kind;
  EbId person_id;
  const char *track;
} SeenWait;

static gboolean
seen_arrived (gpointer data)
{
  SeenWait *wait = data;

  return find_seen (wait->f, wait->from, wait->kind, wait->person_id, wait->track) != NULL;
}

static Seen *
wait_seen (Fixture *f, guint from, EbTimelineKind kind, EbId person_id, const char *track)
{
  SeenWait wait = { f, from, kind, person_id, track };
  g_autofree char *what = g_strdup_printf ("%s of person %" G_GINT64_FORMAT,
                                           eb_timeline_kind_to_string (kind), person_id);

  eb_test_wait_until (seen_arrived, &wait, WAIT_SECONDS, what);
  return find_seen (f, from, kind, person_id, track);
}

/* --- in-process WebRTC clients (eb-media-test-util.h) --- */

typedef EbTestClient Client;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, eb_test_client_free)

/* A publisher with real encoders: VP8 video, Opus audio. */
static Client *
client_new_publisher (void)
{
  return eb_test_client_new_publisher ("vp8");
}

/* --- WHIP and WHEP over HTTP --- */

static EbTestReply *
post_sdp (Fixture *f, EbId session, const char *endpoint, const char *credential,
          const char *content_type, const char *body, gsize length)
{
  g_autofree char *path
      = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/%s", session, endpoint);
  g_autoptr (GBytes) bytes = body != NULL ? g_bytes_new (body, length) : NULL;

  return eb_test_request_full (f->server, "POST", path, credential, content_type, bytes, NULL,
                               FALSE);
}

static EbTestReply *
post_offer (Fixture *f, const char *endpoint, const char *credential, const char *offer)
{
  return post_sdp (f, f->session_id, endpoint, credential, "application/sdp", offer,
                   strlen (offer));
}

/* Checks a 201 answer to a WHIP or WHEP POST; (transfer full): its
 * Location. */
static char *
assert_answer (Fixture *f, EbTestReply *reply, const char *endpoint)
{
  g_autofree char *prefix
      = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/%s/", f->session_id, endpoint);
  const char *location = eb_test_reply_header (reply, "Location");
  const char *type = soup_message_headers_get_content_type (
      soup_message_get_response_headers (reply->message), NULL);

  g_assert_cmpuint (reply->status, ==, 201);
  g_assert_cmpstr (type, ==, "application/sdp");
  g_assert_cmpstr (eb_test_reply_header (reply, "Cache-Control"), ==, "no-store");
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, prefix));
  /* an unguessable resource id */
  g_assert_cmpuint (strlen (location + strlen (prefix)), >=, 32);
  g_assert_null (strchr (location + strlen (prefix), '/'));
  g_assert_true (g_str_has_prefix (eb_test_reply_text (reply), "v=0"));
  g_assert_nonnull (strstr (eb_test_reply_text (reply), "a=candidate:"));
  g_assert_nonnull (strstr (eb_test_reply_text (reply), "127.0.0.1"));
  return g_strdup (location);
}

/* The client offers over HTTP, the server answers, the client takes the
 * answer; (transfer full): the resource's Location. */
static char *
connect_client (Fixture *f, Client *client, const char *credential)
{
  const char *endpoint = client->viewer ? "whep" : "whip";
  g_autofree char *offer = eb_test_client_offer (client);
  g_autoptr (EbTestReply) reply = post_offer (f, endpoint, credential, offer);
  char *location = assert_answer (f, reply, endpoint);

  eb_test_client_answer (client, eb_test_reply_text (reply));
  return location;
}

static guint
delete_status (Fixture *f, const char *location, const char *credential)
{
  g_autoptr (EbTestReply) reply = eb_test_request (f->server, "DELETE", location, credential, NULL);

  if (reply->status != 204)
    eb_test_assert_problem (reply, reply->status);
  return reply->status;
}

static char *
track_of (EbId person_id)
{
  return g_strdup_printf ("p%" G_GINT64_FORMAT "-webrtc", person_id);
}

/* --- refusals --- */

static void
test_refusals (Fixture *f, gconstpointer data)
{
  g_autofree char *whip = session_path (f->session_id, "/whip");
  g_autofree char *mac_tail = g_strdup (f->chair.credential + strlen (f->chair.credential) - 12);
  g_autofree char *forged = g_strdup (f->chair.credential);
  g_autofree char *expired = NULL;
  g_autofree char *outsider = NULL;
  g_autofree char *other_entry_path = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  forged[strlen (forged) - 1] = forged[strlen (forged) - 1] == 'A' ? 'B' : 'A';
  expired = eb_test_credential (f->key, f->session_id, f->chair.person_id, now - 10);
  outsider = eb_test_credential (f->key, f->session_id, f->outsider, 0);

  /* 401: none, not a bearer, an API token, forged, expired */
  {
    g_autoptr (EbTestReply) none = post_offer (f, "whip", NULL, SOME_SDP);
    g_autoptr (EbTestReply) api_token = post_offer (f, "whip", f->chair.token, SOME_SDP);
    g_autoptr (EbTestReply) bad_forged = post_offer (f, "whip", forged, SOME_SDP);
    g_autoptr (EbTestReply) bad_expired = post_offer (f, "whep", expired, SOME_SDP);
    const char *headers[] = { "Authorization", "Basic dXNlcjpwYXNz", NULL };
    g_autoptr (EbTestReply) basic = eb_test_request_full (f->server, "POST", whip, NULL,
                                                          "application/sdp", NULL, headers, FALSE);
    EbTestReply *refused[] = { none, api_token, bad_forged, bad_expired, basic };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_test_message ("401 case %u: %s", i, eb_test_reply_text (refused[i]));
        eb_test_assert_problem (refused[i], 401);
        g_assert_true (
            g_str_has_prefix (eb_test_reply_header (refused[i], "WWW-Authenticate"), "Bearer"));
        /* never the credential */
        g_assert_null (strstr (eb_test_reply_text (refused[i]), mac_tail));
      }
    g_assert_nonnull (strstr (eb_test_reply_text (bad_forged), "signature"));
    g_assert_nonnull (strstr (eb_test_reply_text (bad_expired), "expired"));
  }

  /* 403: a valid signature for someone on no roster; another session's
   * credential */
  {
    g_autoptr (EbTestReply) not_on_roster = post_offer (f, "whip", outsider, SOME_SDP);
    g_autoptr (EbTestReply) other_session = post_offer (f, "whep", f->chair_other, SOME_SDP);

    eb_test_assert_problem (not_on_roster, 403);
    g_assert_nonnull (strstr (eb_test_reply_text (not_on_roster), "not on the roster"));
    eb_test_assert_problem (other_session, 403);
    g_assert_nonnull (strstr (eb_test_reply_text (other_session), "another session"));
  }

  /* 404: an unknown session; 409: a session that is not live */
  {
    g_autoptr (EbTestReply) unknown = post_sdp (f, 999999, "whip", f->chair.credential,
                                                "application/sdp", SOME_SDP, strlen (SOME_SDP));
    g_autoptr (EbTestReply) not_live = post_sdp (f, f->other_session_id, "whip", f->chair_other,
                                                 "application/sdp", SOME_SDP, strlen (SOME_SDP));
    g_autoptr (EbTestReply) not_live_view
        = post_sdp (f, f->other_session_id, "whep", f->chair_other, "application/sdp", SOME_SDP,
                    strlen (SOME_SDP));

    eb_test_assert_problem (unknown, 404);
    eb_test_assert_problem (not_live, 409);
    eb_test_assert_problem (not_live_view, 409);
    g_assert_nonnull (strstr (eb_test_reply_text (not_live), "not live"));
  }

  /* 400: a bad session id; 405: a method the path does not have */
  {
    g_autoptr (EbTestReply) bad_id
        = eb_test_request_full (f->server, "POST", "/api/v1/sessions/abc/whip", f->chair.credential,
                                "application/sdp", NULL, NULL, FALSE);
    g_autoptr (EbTestReply) get
        = eb_test_request (f->server, "GET", whip, f->chair.credential, NULL);

    eb_test_assert_problem (bad_id, 400);
    eb_test_assert_problem (get, 405);
    g_assert_cmpstr (eb_test_reply_header (get, "Allow"), ==, "POST");
  }

  /* 415: not application/sdp; 400: empty, NUL byte, not UTF-8, not SDP,
   * nothing usable in it */
  {
    g_autoptr (EbTestReply) json
        = post_sdp (f, f->session_id, "whip", f->chair.credential, "application/json", "{}", 2);
    g_autoptr (EbTestReply) untyped
        = post_sdp (f, f->session_id, "whep", f->chair.credential, NULL, SOME_SDP, 10);
    g_autoptr (EbTestReply) empty
        = post_sdp (f, f->session_id, "whip", f->chair.credential, "application/sdp", "", 0);
    g_autoptr (EbTestReply) nul = post_sdp (f, f->session_id, "whip", f->chair.credential,
                                            "application/sdp", "v=0\r\n\0x", 7);
    g_autoptr (EbTestReply) latin1 = post_sdp (f, f->session_id, "whip", f->chair.credential,
                                               "application/sdp", "v=0\r\ns=\xe9\r\n", 10);
    g_autoptr (EbTestReply) garbage = post_offer (f, "whip", f->chair.credential, "hello");
    g_autoptr (EbTestReply) garbage_view = post_offer (f, "whep", f->chair.credential, "hello");
    g_autoptr (EbTestReply) unusable
        = post_offer (f, "whip", f->chair.credential,
                      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n");

    eb_test_assert_problem (json, 415);
    eb_test_assert_problem (untyped, 415);
    eb_test_assert_problem (empty, 400);
    eb_test_assert_problem (nul, 400);
    eb_test_assert_problem (latin1, 400);
    eb_test_assert_problem (garbage, 400);
    eb_test_assert_problem (garbage_view, 400);
    eb_test_assert_problem (unusable, 400);
    g_test_message ("malformed: %s", eb_test_reply_text (garbage));
    g_test_message ("unusable: %s", eb_test_reply_text (unusable));
  }

  /* DELETE: an unknown resource is 404, also without a credential's
   * right to it; a credential that opens nothing is 403 first */
  {
    g_autofree char *unknown
        = session_path (f->session_id, "/whip/0123456789abcdef0123456789abcdef");
    g_autofree char *unknown_view = session_path (f->session_id, "/whep/x");

    g_assert_cmpuint (delete_status (f, unknown, f->chair.credential), ==, 404);
    g_assert_cmpuint (delete_status (f, unknown_view, f->panelist.credential), ==, 404);
    g_assert_cmpuint (delete_status (f, unknown, outsider), ==, 403);
    g_assert_cmpuint (delete_status (f, unknown, NULL), ==, 401);
  }

  /* revoke-join: a token, a writer, a known entry of that session */
  {
    g_autofree char *revoke = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT
                                               "/roster/%" G_GINT64_FORMAT "/revoke-join",
                                               f->session_id, f->panelist.entry_id);
    g_autofree char *unknown = session_path (f->session_id, "/roster/999999/revoke-join");
    g_autoptr (EbTestReply) anonymous = eb_test_request (f->server, "POST", revoke, NULL, NULL);
    g_autoptr (EbTestReply) clinician
        = eb_test_request (f->server, "POST", revoke, f->chair.token, NULL);
    g_autoptr (EbTestReply) credential
        = eb_test_request (f->server, "POST", revoke, f->chair.credential, NULL);
    g_autoptr (EbTestReply) missing
        = eb_test_request (f->server, "POST", unknown, f->coordinator_token, NULL);
    g_autoptr (EbTestReply) get
        = eb_test_request (f->server, "GET", revoke, f->coordinator_token, NULL);
    g_autoptr (GPtrArray) roster = NULL;
    g_autoptr (GError) error = NULL;
    EbId other_entry = 0;

    eb_test_assert_problem (anonymous, 401);
    eb_test_assert_problem (clinician, 403);
    eb_test_assert_problem (credential, 401);
    eb_test_assert_problem (missing, 404);
    eb_test_assert_problem (get, 405);

    /* an entry of another session, named under this one */
    roster = eb_service_list_roster (f->server->service, &f->server->admin, f->other_session_id,
                                     &error);
    g_assert_no_error (error);
    other_entry = ((EbRosterEntry *)g_ptr_array_index (roster, 0))->id;
    other_entry_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT
                                        "/roster/%" G_GINT64_FORMAT "/revoke-join",
                                        f->session_id, other_entry);
    {
      g_autoptr (EbTestReply) wrong_session
          = eb_test_request (f->server, "POST", other_entry_path, f->coordinator_token, NULL);

      eb_test_assert_problem (wrong_session, 404);
    }
  }

  /* A declined invitation opens nothing. */
  {
    g_autofree char *entry_path
        = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster/%" G_GINT64_FORMAT,
                           f->session_id, f->panelist.entry_id);
    g_autoptr (EbTestReply) declined = eb_test_request (
        f->server, "PATCH", entry_path, f->panelist.token, "{\"status\": \"declined\"}");
    g_autoptr (EbTestReply) refused = post_offer (f, "whep", f->panelist.credential, SOME_SDP);

    g_assert_cmpuint (declined->status, ==, 200);
    eb_test_assert_problem (refused, 403);
    g_assert_nonnull (strstr (eb_test_reply_text (refused), "declined"));
  }

  /* nothing was connected or left behind */
  g_assert_null (find_seen (f, 0, EB_TIMELINE_PARTICIPANT_JOINED, f->chair.person_id, NULL));
  g_assert_cmpuint (eb_api_server_get_in_flight (f->server->server), ==, 0);
}

/* --- publishing and viewing --- */

static void
test_publish_view (Fixture *f, gconstpointer data)
{
  g_autoptr (Client) publisher = client_new_publisher ();
  g_autoptr (Client) viewer = eb_test_client_new_viewer (1, 1);
  g_autoptr (Client) replacement = client_new_publisher ();
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GPtrArray) segments = NULL;
  g_autofree char *track = track_of (f->chair.person_id);
  g_autofree char *session_dir = NULL;
  g_autofree char *published = NULL;
  g_autofree char *viewing = NULL;
  g_autofree char *replaced = NULL;
  EbTestProbe probe = { 0 };
  const EbRecordingTrack *recorded = NULL;

  /* WHIP: the chair publishes; the recording gets segments of the track */
  published = connect_client (f, publisher, f->chair.credential);
  wait_seen (f, 0, EB_TIMELINE_TRACK_STARTED, f->chair.person_id, track);
  wait_seen (f, 0, EB_TIMELINE_SEGMENT_CLOSED, 0, track);
  session_dir
      = g_strdup_printf ("%s/session-%" G_GINT64_FORMAT, f->media.recordings_dir, f->session_id);
  segments = eb_test_list_files (session_dir, ".mkv");
  g_assert_cmpuint (segments->len, >=, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (segments, 0), ".mkv"));
  g_assert_nonnull (strstr (g_ptr_array_index (segments, 0), track));
  g_assert_true (eb_test_probe_file (g_ptr_array_index (segments, 0), &probe));
  g_assert_nonnull (probe.video_caps);
  g_assert_true (g_str_has_prefix (probe.video_caps, "video/x-vp8"));
  g_assert_nonnull (probe.audio_caps);
  g_assert_cmpint (probe.duration_us, >, 0);
  eb_test_probe_clear (&probe);

  /* WHEP: the panelist views the chair and decodes frames */
  {
    g_autofree char *offer = eb_test_client_offer (viewer);
    g_autoptr (EbTestReply) reply = post_offer (f, "whep", f->panelist.credential, offer);
    const char *tracks;
    g_auto (GStrv) entries = NULL;

    viewing = assert_answer (f, reply, "whep");
    tracks = eb_test_reply_header (reply, "Eboard-Tracks");
    g_test_message ("Eboard-Tracks: %s", tracks);
    g_assert_nonnull (tracks);
    /* one entry per m-line: the chair's video, the chair's audio */
    entries = g_strsplit (tracks, ",", -1);
    g_assert_cmpuint (g_strv_length (entries), ==, 2);
    g_assert_cmpstr (entries[0], ==, track);
    g_assert_cmpstr (entries[1], ==, track);
    eb_test_client_answer (viewer, eb_test_reply_text (reply));
  }
  eb_test_client_wait_for_frames (viewer, 15, 15);

  /* more m-lines than publications: "-" for those that carry nothing */
  {
    g_autoptr (Client) wide = eb_test_client_new_viewer (2, 2);
    g_autofree char *offer = eb_test_client_offer (wide);
    g_autoptr (EbTestReply) reply = post_offer (f, "whep", f->panelist.credential, offer);
    g_autofree char *location = assert_answer (f, reply, "whep");
    g_autofree char *expected = g_strdup_printf ("%s,-,%s,-", track, track);

    g_assert_cmpstr (eb_test_reply_header (reply, "Eboard-Tracks"), ==, expected);
    g_assert_cmpuint (delete_status (f, location, f->panelist.credential), ==, 204);
  }

  /* nobody ends someone else's connection */
  g_assert_cmpuint (delete_status (f, published, f->panelist.credential), ==, 404);
  g_assert_cmpuint (delete_status (f, viewing, f->chair.credential), ==, 404);
  eb_test_client_wait_for_frames (viewer, 5, 5);

  /* a second publish by the chair replaces the first */
  replaced = connect_client (f, replacement, f->chair.credential);
  g_assert_cmpstr (replaced, !=, published);
  g_assert_cmpuint (delete_status (f, published, f->chair.credential), ==, 404);
  g_assert_cmpuint (delete_status (f, replaced, f->chair.credential), ==, 204);
  g_assert_cmpuint (delete_status (f, replaced, f->chair.credential), ==, 404);
  wait_seen (f, 0, EB_TIMELINE_TRACK_STOPPED, f->chair.person_id, track);
  g_assert_cmpuint (delete_status (f, viewing, f->panelist.credential), ==, 204);
  g_assert_cmpuint (delete_status (f, viewing, f->panelist.credential), ==, 404);
  wait_seen (f, 0, EB_TIMELINE_PARTICIPANT_LEFT, f->panelist.person_id, NULL);

  /* the recording has the chair's WebRTC track */
  recording = end_session (f);
  recorded = eb_recording_find_track (recording, track);
  g_assert_nonnull (recorded);
  g_assert_cmpint (recorded->person_id, ==, f->chair.person_id);
  g_assert_cmpuint (recorded->size, >, 0);
  /* after the end, a DELETE finds no live session */
  g_assert_cmpuint (delete_status (f, viewing, f->panelist.credential), ==, 409);
  g_assert_cmpuint (eb_api_server_get_in_flight (f->server->server), ==, 0);
}

/* --- cut off: taken off the roster, or revoked --- */

typedef struct
{
  Client *publisher; /* the chair */
  Client *member_publisher;
  Client *member_viewer;
  char *member_published;
  char *member_viewing;
} Connected;

static void
connected_clear (Connected *c)
{
  g_clear_pointer (&c->publisher, eb_test_client_free);
  g_clear_pointer (&c->member_publisher, eb_test_client_free);
  g_clear_pointer (&c->member_viewer, eb_test_client_free);
  g_clear_pointer (&c->member_published, g_free);
  g_clear_pointer (&c->member_viewing, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Connected, connected_clear)

/* The chair publishes; the panelist publishes and views the chair. */
static void
connect_all (Fixture *f, Connected *c)
{
  g_autofree char *chair_published = NULL;

  c->publisher = client_new_publisher ();
  chair_published = connect_client (f, c->publisher, f->chair.credential);
  c->member_publisher = client_new_publisher ();
  c->member_published = connect_client (f, c->member_publisher, f->panelist.credential);
  c->member_viewer = eb_test_client_new_viewer (1, 1);
  c->member_viewing = connect_client (f, c->member_viewer, f->panelist.credential);
  eb_test_client_wait_for_frames (c->member_viewer, 10, 10);
}

/* After the change answered at @answered (monotonic): both of the
 * panelist's connections end within CUT_OFF_US, and their viewer
 * decodes nothing more. */
static void
assert_cut_off (Fixture *f, Connected *c, guint events_before, gint64 answered)
{
  g_autofree char *track = track_of (f->panelist.person_id);
  g_autoptr (GError) error = NULL;
  Seen *left;
  Seen *stopped;
  gint video;

  left = wait_seen (f, events_before, EB_TIMELINE_PARTICIPANT_LEFT, f->panelist.person_id, NULL);
  stopped = wait_seen (f, events_before, EB_TIMELINE_TRACK_STOPPED, f->panelist.person_id, track);
  g_test_message ("left %" G_GINT64_FORMAT " ms, track stopped %" G_GINT64_FORMAT
                  " ms after the answer",
                  (left->seen_at - answered) / 1000, (stopped->seen_at - answered) / 1000);
  g_assert_cmpint (left->seen_at - answered, <, CUT_OFF_US);
  g_assert_cmpint (stopped->seen_at - answered, <, CUT_OFF_US);
  /* the chair is still there */
  g_assert_null (
      find_seen (f, events_before, EB_TIMELINE_PARTICIPANT_LEFT, f->chair.person_id, NULL));

  /* the plane holds neither connection any more */
  g_assert_false (eb_media_plane_webrtc_delete (f->media.plane, f->session_id, 0,
                                                strrchr (c->member_published, '/') + 1, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (eb_media_plane_webrtc_delete (f->media.plane, f->session_id, 0,
                                                strrchr (c->member_viewing, '/') + 1, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);

  /* what was on its way is decoded, then nothing */
  eb_test_run_for (500);
  video = eb_test_client_video_frames (c->member_viewer);
  eb_test_run_for (700);
  g_assert_cmpint (eb_test_client_video_frames (c->member_viewer), ==, video);
}

/* The panelist's credential opens nothing any more (403). */
static void
assert_credential_refused (Fixture *f, const char *credential, Connected *c)
{
  g_autoptr (EbTestReply) publish = post_offer (f, "whip", credential, SOME_SDP);
  g_autoptr (EbTestReply) view = post_offer (f, "whep", credential, SOME_SDP);

  eb_test_assert_problem (publish, 403);
  eb_test_assert_problem (view, 403);
  g_assert_cmpuint (delete_status (f, c->member_viewing, credential), ==, 403);
}

/* SRT with @details' credential: the rejection reason, 0 when let in. */
static int
srt_publish (Fixture *f, JsonObject *details)
{
  JsonObject *srt = json_object_get_object_member (details, "srt");
  int reason = -1;
  SRTSOCKET socket;

  socket = eb_test_srt_connect (eb_media_plane_get_srt_port (f->media.plane),
                                json_object_get_string_member (srt, "publish_streamid"),
                                json_object_get_string_member (srt, "passphrase"), &reason);
  if (socket != SRT_INVALID_SOCK)
    srt_close (socket);
  return reason;
}

static void
test_removed (Fixture *f, gconstpointer data)
{
  g_auto (Connected) c = { 0 };
  g_autofree char *path = NULL;
  g_autoptr (EbTestReply) removed = NULL;
  guint events_before;
  gint64 answered;

  connect_all (f, &c);
  events_before = f->seen->len;
  path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster/%" G_GINT64_FORMAT,
                          f->session_id, f->panelist.entry_id);
  removed = eb_test_request (f->server, "DELETE", path, f->coordinator_token, NULL);
  answered = g_get_monotonic_time ();
  g_assert_cmpuint (removed->status, ==, 204);
  assert_cut_off (f, &c, events_before, answered);
  assert_credential_refused (f, f->panelist.credential, &c);
  {
    g_autoptr (EbTestReply) view = post_offer (f, "whep", f->panelist.credential, SOME_SDP);

    g_assert_nonnull (strstr (eb_test_reply_text (view), "not on the roster"));
  }
  /* the chair still publishes: their viewer-less track keeps recording */
  wait_seen (f, f->seen->len, EB_TIMELINE_SEGMENT_CLOSED, 0, NULL);

  /* Put back on the roster (over a second after their credential was
   * issued): the old credential still opens nothing, new join details
   * do. */
  {
    g_autofree char *roster = session_path (f->session_id, "/roster");
    g_autofree char *body = g_strdup_printf (
        "{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"panelist\"}", f->panelist.person_id);
    g_autoptr (EbTestReply) added
        = eb_test_request (f->server, "POST", roster, f->coordinator_token, body);
    g_autoptr (EbTestReply) old = post_offer (f, "whep", f->panelist.credential, SOME_SDP);
    g_autofree char *fresh = NULL;

    g_assert_cmpuint (added->status, ==, 201);
    eb_test_assert_problem (old, 403);
    g_assert_nonnull (strstr (eb_test_reply_text (old), "revoked"));
    fresh = fetch_credential (f, f->panelist.token, f->session_id);
    {
      /* past the credential: the offer is what is refused */
      g_autoptr (EbTestReply) accepted = post_offer (f, "whep", fresh, "hello");

      eb_test_assert_problem (accepted, 400);
    }
  }
  g_assert_cmpuint (eb_api_server_get_in_flight (f->server->server), ==, 0);
}

static void
test_revoked (Fixture *f, gconstpointer data)
{
  g_auto (Connected) c = { 0 };
  g_autofree char *path = NULL;
  g_autoptr (EbTestReply) revoked = NULL;
  g_autoptr (JsonObject) old_details = NULL;
  g_autoptr (JsonObject) new_details = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Client) again = NULL;
  g_autofree char *again_published = NULL;
  const char *fresh;
  guint events_before;
  gint64 answered;
  gboolean audited = FALSE;

  /* a second credential issued before the revocation, with its SRT
   * details */
  old_details = fetch_join (f, f->panelist.token, f->session_id);

  connect_all (f, &c);
  events_before = f->seen->len;
  path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster/%" G_GINT64_FORMAT
                          "/revoke-join",
                          f->session_id, f->panelist.entry_id);
  revoked = eb_test_request (f->server, "POST", path, f->coordinator_token, NULL);
  answered = g_get_monotonic_time ();
  g_assert_cmpuint (revoked->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (revoked->body), <=, 1);
  assert_cut_off (f, &c, events_before, answered);

  /* every credential issued before: refused over HTTP and SRT */
  assert_credential_refused (f, f->panelist.credential, &c);
  assert_credential_refused (f, json_object_get_string_member (old_details, "credential"), &c);
  {
    g_autoptr (EbTestReply) view = post_offer (f, "whep", f->panelist.credential, SOME_SDP);

    g_assert_nonnull (strstr (eb_test_reply_text (view), "revoked"));
  }
  g_assert_cmpint (srt_publish (f, old_details), ==, SRT_REJX_FORBIDDEN);
  /* the chair's credential is not touched */
  {
    g_autoptr (EbTestReply) chair = post_offer (f, "whep", f->chair.credential, "hello");

    eb_test_assert_problem (chair, 400);
  }

  /* audited, with who did it */
  audit = eb_store_audit_list (f->server->store, "roster_entry", f->panelist.entry_id, NULL, NULL,
                               &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      const EbAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->action, "roster.revoke-join") == 0)
        {
          g_assert_cmpint (entry->person_id, ==, f->coordinator.person_id);
          g_assert_cmpint (entry->token_id, ==, f->coordinator.token_id);
          audited = TRUE;
        }
    }
  g_assert_true (audited);

  /* new join details work again, over HTTP and SRT; the old ones do not */
  new_details = fetch_join (f, f->panelist.token, f->session_id);
  fresh = json_object_get_string_member (new_details, "credential");
  g_assert_cmpstr (fresh, !=, f->panelist.credential);
  again = client_new_publisher ();
  again_published = connect_client (f, again, fresh);
  g_assert_cmpint (srt_publish (f, new_details), ==, 0);
  /* the revoked credential stays refused over SRT now that the member
   * is let in again, and the refusal reaches the session's timeline */
  events_before = f->seen->len;
  g_assert_cmpint (srt_publish (f, old_details), ==, SRT_REJX_FORBIDDEN);
  wait_seen (f, events_before, EB_TIMELINE_INPUT_REFUSED, f->panelist.person_id, NULL);
  g_assert_cmpint (srt_publish (f, new_details), ==, 0);
  assert_credential_refused (f, f->panelist.credential, &c);
  g_assert_cmpuint (delete_status (f, again_published, fresh), ==, 204);

  /* Taken off the roster and put back, within the same second too: the
   * details issued before open SRT no more, new ones do. */
  {
    g_autofree char *entry
        = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster/%" G_GINT64_FORMAT,
                           f->session_id, f->panelist.entry_id);
    g_autofree char *roster = session_path (f->session_id, "/roster");
    g_autofree char *body = g_strdup_printf (
        "{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"panelist\"}", f->panelist.person_id);
    g_autoptr (EbTestReply) removed
        = eb_test_request (f->server, "DELETE", entry, f->coordinator_token, NULL);
    g_autoptr (EbTestReply) added = NULL;
    g_autoptr (JsonObject) readded_details = NULL;

    g_assert_cmpuint (removed->status, ==, 204);
    g_assert_cmpint (srt_publish (f, new_details), ==, SRT_REJX_FORBIDDEN);
    added = eb_test_request (f->server, "POST", roster, f->coordinator_token, body);
    g_assert_cmpuint (added->status, ==, 201);
    g_assert_cmpint (srt_publish (f, new_details), ==, SRT_REJX_FORBIDDEN);
    g_assert_cmpint (srt_publish (f, old_details), ==, SRT_REJX_FORBIDDEN);
    readded_details = fetch_join (f, f->panelist.token, f->session_id);
    g_assert_cmpint (srt_publish (f, readded_details), ==, 0);
  }
  g_assert_cmpuint (eb_api_server_get_in_flight (f->server->server), ==, 0);
}

/* --- a client that goes away before the answer --- */

static void
test_client_gone (Fixture *f, gconstpointer data)
{
  g_autoptr (Client) publisher = client_new_publisher ();
  g_autoptr (GSocketConnection) connection = eb_test_raw_connect (f->server);
  g_autofree char *offer = eb_test_client_offer (publisher);
  g_autofree char *request = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *track = track_of (f->chair.person_id);
  Seen *started;
  Seen *stopped;

  request = g_strdup_printf ("POST /api/v1/sessions/%" G_GINT64_FORMAT "/whip HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "Authorization: Bearer %s\r\n"
                             "Content-Type: application/sdp\r\n"
                             "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s",
                             f->session_id, f->chair.credential, strlen (offer), offer);
  sent = eb_test_raw_exchange (connection, request, FALSE);
  /* leave at once: the server reads the request after that, and its
   * answer waits for ICE gathering */
  g_assert_true (g_io_stream_close (G_IO_STREAM (connection), NULL, NULL));

  /* the answer was made for nobody: its connection ends at once */
  started = wait_seen (f, 0, EB_TIMELINE_TRACK_STARTED, f->chair.person_id, track);
  stopped = wait_seen (f, 0, EB_TIMELINE_TRACK_STOPPED, f->chair.person_id, track);
  g_test_message ("stopped %" G_GINT64_FORMAT " ms after it started",
                  (stopped->seen_at - started->seen_at) / 1000);
  g_assert_cmpint (stopped->seen_at - started->seen_at, <, CUT_OFF_US);
  wait_seen (f, 0, EB_TIMELINE_PARTICIPANT_LEFT, f->chair.person_id, NULL);
  eb_test_run_for (200);
  g_assert_cmpuint (eb_api_server_get_in_flight (f->server->server), ==, 0);
}

int
main (int argc, char **argv)
{
  /* before g_test_init(), which moves the user folders per test case */
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/eboard/api/webrtc/refusals", test_refusals);
  ADD ("/eboard/api/webrtc/publish-view", test_publish_view);
  ADD ("/eboard/api/webrtc/removed", test_removed);
  ADD ("/eboard/api/webrtc/revoked", test_revoked);
  ADD ("/eboard/api/webrtc/client-gone", test_client_gone);
#undef ADD
  return g_test_run ();
}
