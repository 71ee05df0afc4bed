/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>
#include <sys/socket.h>

#include "eb-api-test-live.h"

/*
 * Live sessions over HTTP: start and end, join details, timeline,
 * attendance, recordings (and their audit trail), and the events
 * WebSocket with a real libsoup client and a raw one that never reads.
 */

#define SRT_HOST "127.0.0.1"
#define SRT_PORT 9710

typedef struct
{
  EbTestServer *server;
  guint8 key[EB_JOIN_KEY_LENGTH];
  EbId hub;
  EbId chair;
  EbId panelist;
  EbId off;
  char *chair_token;
  char *panelist_token;
  EbId panelist_token_id;
  char *off_token;
  char *coordinator_token;
  char *reviewer_token;
  EbPrincipal coordinator;
  guint serial;
} Live;

static void
live_setup (Live *live, gconstpointer data)
{
  gboolean with_key = GPOINTER_TO_INT (data) == 0;
  EbLiveSettings settings = { .srt_host = SRT_HOST, .srt_port = SRT_PORT };
  EbId coordinator, reviewer;
  g_autoptr (GError) error = NULL;

  live->server = eb_test_server_new (NULL);
  for (guint i = 0; i < sizeof live->key; i++)
    live->key[i] = (guint8)(i * 7 + 3);
  if (with_key)
    eb_service_set_media_plane (live->server->service, NULL, live->key, sizeof live->key,
                                &settings);
  live->hub = eb_test_seed_site (live->server, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  live->chair = eb_test_seed_person (live->server, live->hub, "Chair", "surgery");
  live->panelist = eb_test_seed_person (live->server, live->hub, "Panelist", "pathology");
  live->off = eb_test_seed_person (live->server, live->hub, "Off", "diagnostic_radiology");
  coordinator = eb_test_seed_person (live->server, live->hub, "Coordinator", "surgery");
  reviewer = eb_test_seed_person (live->server, live->hub, "Reviewer", "surgery");
  live->chair_token = eb_api_test_token (live->server, EB_ROLE_CLINICIAN, live->chair, NULL);
  live->panelist_token = eb_api_test_token (live->server, EB_ROLE_CLINICIAN, live->panelist,
                                            &live->panelist_token_id);
  live->off_token = eb_api_test_token (live->server, EB_ROLE_CLINICIAN, live->off, NULL);
  live->coordinator_token
      = eb_api_test_token (live->server, EB_ROLE_COORDINATOR, coordinator, NULL);
  live->reviewer_token = eb_api_test_token (live->server, EB_ROLE_REVIEWER, reviewer, NULL);
  g_assert_true (eb_service_authenticate (live->server->service, live->coordinator_token,
                                          &live->coordinator, &error));
  g_assert_no_error (error);
}

static void
live_teardown (Live *live, gconstpointer data)
{
  g_clear_pointer (&live->chair_token, g_free);
  g_clear_pointer (&live->panelist_token, g_free);
  g_clear_pointer (&live->off_token, g_free);
  g_clear_pointer (&live->coordinator_token, g_free);
  g_clear_pointer (&live->reviewer_token, g_free);
  g_clear_pointer (&live->server, eb_test_server_free);
}

/* A session with the chair and the panelist on its roster, one day after
 * the previous one; scheduled when @scheduled. */
static EbId
new_session (Live *live, gboolean scheduled)
{
  EbId id = eb_api_test_new_session (live->server, live->hub,
                                     1775055600 + (gint64)(++live->serial) * 24 * 3600, "UTC");

  eb_api_test_add_entry (live->server, id, live->chair, EB_ROSTER_ROLE_CHAIR, FALSE);
  eb_api_test_add_entry (live->server, id, live->panelist, EB_ROSTER_ROLE_PANELIST, FALSE);
  if (scheduled)
    eb_api_test_schedule (live->server, id);
  return id;
}

static char *
session_path (EbId id, const char *suffix)
{
  return eb_api_test_session_path (id, suffix);
}

static EbTestReply *
post_with_version (Live *live, const char *path, const char *token, gint64 version)
{
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);
  const char *headers[] = { "If-Match", etag, NULL };

  return eb_test_request_full (live->server, "POST", path, token, NULL, NULL,
                               version > 0 ? headers : NULL, FALSE);
}

static gint64
session_version (Live *live, EbId id)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = eb_service_get_session (live->server->service, &live->server->admin, id, &error);
  g_assert_no_error (error);
  return session->version;
}

static void
start_session (Live *live, EbId id)
{
  eb_api_test_start (live->server, &live->coordinator, id);
}

/* Ends a live session through the service: (transfer full) its recording. */
static EbRecording *
end_session (Live *live, EbId id)
{
  return eb_api_test_end (live->server, &live->coordinator, id);
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  return json_object_get_object_member (object, name);
}

static gboolean
is_instant_us (const char *text)
{
  return text != NULL
         && g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$", text, 0,
                                  0);
}

/* Lets the main context run for @ms milliseconds. */
static void
run_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* --- start and end --- */

static void
test_start_end (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  EbId draft = new_session (live, FALSE);
  g_autofree char *start = session_path (id, "/start");
  g_autofree char *end = session_path (id, "/end");
  g_autofree char *draft_start = session_path (draft, "/start");
  g_autofree char *draft_end = session_path (draft, "/end");
  gint64 version = session_version (live, id);
  g_autoptr (EbTestReply) anonymous = NULL;
  g_autoptr (EbTestReply) clinician = NULL;
  g_autoptr (EbTestReply) missing = NULL;
  g_autoptr (EbTestReply) stale = NULL;
  g_autoptr (EbTestReply) started = NULL;
  g_autoptr (EbTestReply) again = NULL;
  g_autoptr (EbTestReply) from_draft = NULL;
  g_autoptr (EbTestReply) end_draft = NULL;
  g_autoptr (EbTestReply) end_stale = NULL;
  g_autoptr (EbTestReply) ended = NULL;
  g_autoptr (EbTestReply) end_again = NULL;
  g_autoptr (EbTestReply) bad_etag = NULL;
  g_autofree char *etag = NULL;
  JsonObject *session;
  JsonObject *recording;
  gint64 live_version;

  anonymous = eb_test_request (live->server, "POST", start, NULL, NULL);
  eb_test_assert_problem (anonymous, 401);
  clinician = eb_test_request (live->server, "POST", start, live->chair_token, NULL);
  eb_test_assert_problem (clinician, 403);
  missing = eb_test_request (live->server, "POST", "/api/v1/sessions/999999/start",
                             live->coordinator_token, NULL);
  eb_test_assert_problem (missing, 404);
  stale = post_with_version (live, start, live->coordinator_token, version + 5);
  eb_test_assert_problem (stale, 412);
  {
    const char *headers[] = { "If-Match", "W/\"1\"", NULL };

    bad_etag = eb_test_request_full (live->server, "POST", start, live->coordinator_token, NULL,
                                     NULL, headers, FALSE);
    eb_test_assert_problem (bad_etag, 400);
  }
  from_draft = eb_test_request (live->server, "POST", draft_start, live->coordinator_token, NULL);
  eb_test_assert_problem (from_draft, 409);

  started = post_with_version (live, start, live->coordinator_token, version);
  g_assert_cmpuint (started->status, ==, 200);
  session = eb_test_reply_object (started);
  g_assert_cmpstr (json_object_get_string_member (session, "state"), ==, "live");
  live_version = json_object_get_int_member (session, "version");
  g_assert_cmpint (live_version, >, version);
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", live_version);
  g_assert_cmpstr (eb_test_reply_header (started, "ETag"), ==, etag);

  again = eb_test_request (live->server, "POST", start, live->coordinator_token, NULL);
  eb_test_assert_problem (again, 409);
  end_draft = eb_test_request (live->server, "POST", draft_end, live->coordinator_token, NULL);
  eb_test_assert_problem (end_draft, 409);
  end_stale = post_with_version (live, end, live->coordinator_token, version);
  eb_test_assert_problem (end_stale, 412);

  ended = post_with_version (live, end, live->coordinator_token, live_version);
  g_assert_cmpuint (ended->status, ==, 200);
  session = member_object (eb_test_reply_object (ended), "session");
  recording = member_object (eb_test_reply_object (ended), "recording");
  g_assert_cmpstr (json_object_get_string_member (session, "state"), ==, "ended");
  g_assert_cmpint (json_object_get_int_member (session, "id"), ==, id);
  g_clear_pointer (&etag, g_free);
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                          json_object_get_int_member (session, "version"));
  g_assert_cmpstr (eb_test_reply_header (ended, "ETag"), ==, etag);
  /* Nobody published: an empty, complete recording. */
  g_assert_cmpint (json_object_get_int_member (recording, "session_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (recording, "state"), ==, "complete");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (recording, "tracks")), ==,
                    0);
  g_assert_cmpint (json_object_get_int_member (recording, "size"), ==, 0);
  g_assert_true (is_instant_us (json_object_get_string_member (recording, "started_at")));
  g_assert_true (is_instant_us (json_object_get_string_member (recording, "ended_at")));
  g_assert_cmpint (json_object_get_int_member (recording, "duration_ms"), >=, 0);

  end_again = eb_test_request (live->server, "POST", end, live->coordinator_token, NULL);
  eb_test_assert_problem (end_again, 409);
  g_assert_cmpuint (eb_api_server_get_in_flight (live->server->server), ==, 0);
}

/* --- join details --- */

static void
test_join (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  EbId draft = new_session (live, FALSE);
  g_autofree char *path = session_path (id, "/join");
  g_autofree char *draft_path = session_path (draft, "/join");
  g_autoptr (EbTestReply) reply = NULL;
  g_autoptr (EbTestReply) admin = NULL;
  g_autoptr (EbTestReply) reviewer = NULL;
  g_autoptr (EbTestReply) off = NULL;
  g_autoptr (EbTestReply) anonymous = NULL;
  g_autoptr (EbTestReply) missing = NULL;
  g_autoptr (EbTestReply) of_draft = NULL;
  g_autoptr (EbTestReply) after_end = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) expires = NULL;
  g_autofree char *publish_prefix = NULL;
  g_autofree char *streamid = NULL;
  JsonObject *object, *srt, *media;
  EbJoinClaims claims = { 0 };
  const char *credential;
  const char *passphrase;

  reply = eb_test_request (live->server, "GET", path, live->panelist_token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (eb_test_reply_header (reply, "Cache-Control"), ==, "no-store");
  object = eb_test_reply_object (reply);
  g_assert_cmpint (json_object_get_int_member (object, "session_id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (object, "person_id"), ==, live->panelist);
  credential = json_object_get_string_member (object, "credential");
  g_assert_true (eb_join_credential_verify (live->key, sizeof live->key, credential,
                                            g_get_real_time () / G_USEC_PER_SEC, &claims, &error));
  g_assert_no_error (error);
  g_assert_cmpint (claims.session_id, ==, id);
  g_assert_cmpint (claims.person_id, ==, live->panelist);
  expires
      = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "expires_at"), NULL);
  g_assert_nonnull (expires);
  g_assert_cmpint (g_date_time_to_unix (expires), ==, claims.expires_at);
  g_assert_cmpint (claims.expires_at, >, g_get_real_time () / G_USEC_PER_SEC);

  srt = member_object (object, "srt");
  g_assert_cmpstr (json_object_get_string_member (srt, "host"), ==, SRT_HOST);
  g_assert_cmpint (json_object_get_int_member (srt, "port"), ==, SRT_PORT);
  g_assert_cmpint (json_object_get_int_member (srt, "pbkeylen"), ==, 16);
  passphrase = json_object_get_string_member (srt, "passphrase");
  g_assert_cmpuint (strlen (passphrase), >=, 10);
  g_assert_cmpuint (strlen (passphrase), <=, 79);
  streamid = g_strdup_printf ("#!::r=session/%" G_GINT64_FORMAT ",m=publish,t=%s", id, credential);
  g_assert_cmpstr (json_object_get_string_member (srt, "publish_streamid"), ==, streamid);
  publish_prefix = g_strdup_printf ("srt://%s:%u?streamid=", SRT_HOST, SRT_PORT);
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (srt, "publish_url"), publish_prefix));
  g_assert_nonnull (strstr (json_object_get_string_member (srt, "publish_url"), passphrase));
  g_assert_nonnull (strstr (json_object_get_string_member (srt, "pull_streamid_template"),
                            "/track/{track},m=request"));
  g_assert_nonnull (strstr (json_object_get_string_member (srt, "pull_url_template"), "{track}"));
  media = member_object (object, "media");
  g_assert_cmpstr (json_object_get_string_member (media, "container"), ==, "mpegts");
  g_assert_cmpstr (
      json_array_get_string_element (json_object_get_array_member (media, "video_codecs"), 0), ==,
      "h264");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (media, "audio_codecs")),
                    ==, 2);
  /* what does not cross between room systems and browsers */
  g_assert_cmpstr (
      json_object_get_string_member (object, "media_note"), ==,
      "Room systems and browsers see and hear each other, except where that would need "
      "re-encoding: a room system's AAC audio is not heard in browsers (send Opus to be heard "
      "there), and a browser publishing VP8 video cannot be pulled over SRT (publish H.264). "
      "Browsers show a room system's picture from its next keyframe: set room encoders to a "
      "keyframe every 1-2 s and to no B-frames.");

  /* Only roster members, each for themselves. */
  admin = eb_test_request (live->server, "GET", path, live->server->admin_token, NULL);
  eb_test_assert_problem (admin, 403);
  reviewer = eb_test_request (live->server, "GET", path, live->reviewer_token, NULL);
  eb_test_assert_problem (reviewer, 403);
  off = eb_test_request (live->server, "GET", path, live->off_token, NULL);
  eb_test_assert_problem (off, 404);
  anonymous = eb_test_request (live->server, "GET", path, NULL, NULL);
  eb_test_assert_problem (anonymous, 401);
  missing = eb_test_request (live->server, "GET", "/api/v1/sessions/999999/join", live->chair_token,
                             NULL);
  eb_test_assert_problem (missing, 404);
  of_draft = eb_test_request (live->server, "GET", draft_path, live->chair_token, NULL);
  eb_test_assert_problem (of_draft, 409);

  start_session (live, id);
  recording = end_session (live, id);
  after_end = eb_test_request (live->server, "GET", path, live->chair_token, NULL);
  eb_test_assert_problem (after_end, 409);
}

/* Without a join key, live sessions are not configured. */
static void
test_join_unconfigured (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  g_autofree char *path = session_path (id, "/join");
  g_autoptr (EbTestReply) reply = NULL;

  /* Server-side failures are logged, with their cause. */
  g_test_expect_message ("eboard-api", G_LOG_LEVEL_WARNING, "*not configured*");
  reply = eb_test_request (live->server, "GET", path, live->chair_token, NULL);
  g_test_assert_expected_messages ();
  eb_test_assert_problem (reply, 503);
  g_assert_null (strstr (eb_test_reply_text (reply), "key"));
}

/* --- timeline and attendance --- */

static void
insert_event (Live *live, EbId session, EbTimelineKind kind, gint64 at_us, gint64 offset_us,
              EbId person, const char *track, const char *detail)
{
  g_autoptr (EbTimelineEvent) event = eb_timeline_event_new ();
  g_autoptr (GError) error = NULL;

  event->session_id = session;
  event->kind = kind;
  event->at_us = at_us;
  event->offset_us = offset_us;
  event->person_id = person;
  event->track = g_strdup (track);
  event->detail = g_strdup (detail);
  g_assert_true (eb_store_timeline_insert (live->server->store, event, &error));
  g_assert_no_error (error);
}

static void
test_timeline (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  g_autofree char *path = session_path (id, "/timeline");
  g_autofree char *page_path = session_path (id, "/timeline?offset=1&limit=1");
  g_autofree char *bad_path = session_path (id, "/timeline?limit=0");
  g_autoptr (EbTestReply) reply = NULL;
  g_autoptr (EbTestReply) page = NULL;
  g_autoptr (EbTestReply) bad = NULL;
  g_autoptr (EbTestReply) off = NULL;
  g_autoptr (EbTestReply) reviewer = NULL;
  g_autoptr (EbTestReply) anonymous = NULL;
  g_autoptr (EbTestReply) missing = NULL;
  JsonArray *items;
  JsonObject *first, *joined, *last;
  gint64 started_us;

  start_session (live, id);
  {
    g_autoptr (EbRecording) current = NULL;
    g_autoptr (GError) error = NULL;

    current = eb_store_recording_find_by_session (live->server->store, id, &error);
    g_assert_no_error (error);
    g_assert_nonnull (current);
    started_us = current->started_at_us;
  }
  /* What the media plane would have reported, 1.5 s into the session. */
  insert_event (live, id, EB_TIMELINE_PARTICIPANT_JOINED, started_us + 1500250, 1500250,
                live->panelist, "p2-srt", "joined from 127.0.0.1");
  insert_event (live, id, EB_TIMELINE_SEGMENT_CLOSED, started_us + 4000000, 4000000, live->panelist,
                "p2-srt", NULL);

  reply = eb_test_request (live->server, "GET", path, live->chair_token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (reply), "total"), ==, 3);
  items = json_object_get_array_member (eb_test_reply_object (reply), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 3);
  first = json_array_get_object_element (items, 0);
  joined = json_array_get_object_element (items, 1);
  last = json_array_get_object_element (items, 2);
  g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "session-started");
  g_assert_cmpint (json_object_get_int_member (first, "offset_ms"), ==, 0);
  g_assert_true (is_instant_us (json_object_get_string_member (first, "at")));
  g_assert_true (json_object_get_null_member (first, "track"));
  g_assert_cmpint (json_object_get_int_member (first, "session_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (joined, "kind"), ==, "participant-joined");
  g_assert_cmpint (json_object_get_int_member (joined, "offset_ms"), ==, 1500);
  g_assert_cmpint (json_object_get_int_member (joined, "person_id"), ==, live->panelist);
  g_assert_cmpstr (json_object_get_string_member (joined, "track"), ==, "p2-srt");
  g_assert_cmpstr (json_object_get_string_member (joined, "detail"), ==, "joined from 127.0.0.1");
  {
    g_autoptr (GDateTime) at
        = g_date_time_new_from_iso8601 (json_object_get_string_member (joined, "at"), NULL);

    g_assert_cmpint (g_date_time_to_unix (at) * G_USEC_PER_SEC + g_date_time_get_microsecond (at),
                     ==, started_us + 1500250);
  }
  g_assert_cmpstr (json_object_get_string_member (last, "kind"), ==, "segment-closed");
  g_assert_cmpint (json_object_get_int_member (last, "offset_ms"), ==, 4000);
  g_assert_true (json_object_get_null_member (last, "detail"));

  page = eb_test_request (live->server, "GET", page_path, live->reviewer_token, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (page), "total"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (page), "offset"), ==, 1);
  items = json_object_get_array_member (eb_test_reply_object (page), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "kind"),
                   ==, "participant-joined");

  bad = eb_test_request (live->server, "GET", bad_path, live->chair_token, NULL);
  eb_test_assert_problem (bad, 400);
  g_assert_true (eb_test_reply_has_violation (bad, "invalid-field", "limit"));
  off = eb_test_request (live->server, "GET", path, live->off_token, NULL);
  eb_test_assert_problem (off, 404);
  anonymous = eb_test_request (live->server, "GET", path, NULL, NULL);
  eb_test_assert_problem (anonymous, 401);
  missing = eb_test_request (live->server, "GET", "/api/v1/sessions/999999/timeline",
                             live->reviewer_token, NULL);
  eb_test_assert_problem (missing, 404);
}

static void
open_span (Live *live, EbId session, EbId person, gint64 joined_us)
{
  g_autoptr (EbAttendanceSpan) span = eb_attendance_span_new ();
  g_autoptr (GError) error = NULL;

  span->session_id = session;
  span->person_id = person;
  span->joined_at_us = joined_us;
  g_assert_true (eb_store_attendance_open (live->server->store, span, &error));
  g_assert_no_error (error);
}

static void
close_span (Live *live, EbId session, EbId person, gint64 left_us)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (eb_store_attendance_close (live->server->store, session, person, left_us, &error));
  g_assert_no_error (error);
}

static void
test_attendance (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  g_autofree char *path = session_path (id, "/attendance");
  g_autoptr (EbTestReply) reply = NULL;
  g_autoptr (EbTestReply) off = NULL;
  g_autoptr (EbTestReply) coordinator = NULL;
  gint64 t0 = (g_get_real_time () / G_USEC_PER_SEC - 60) * G_USEC_PER_SEC;
  JsonArray *items, *spans;
  JsonObject *chair, *panelist;

  start_session (live, id);
  /* The chair's encoder drops and reconnects; the panelist stays. */
  open_span (live, id, live->chair, t0);
  open_span (live, id, live->panelist, t0 + 2 * G_USEC_PER_SEC);
  close_span (live, id, live->chair, t0 + 10 * G_USEC_PER_SEC);
  open_span (live, id, live->chair, t0 + 12 * G_USEC_PER_SEC);
  close_span (live, id, live->chair, t0 + 20 * G_USEC_PER_SEC + 500);

  reply = eb_test_request (live->server, "GET", path, live->panelist_token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (reply), "total"), ==, 2);
  items = json_object_get_array_member (eb_test_reply_object (reply), "items");
  chair = json_array_get_object_element (items, 0);
  panelist = json_array_get_object_element (items, 1);

  g_assert_cmpint (json_object_get_int_member (chair, "person_id"), ==, live->chair);
  spans = json_object_get_array_member (chair, "spans");
  g_assert_cmpuint (json_array_get_length (spans), ==, 2);
  g_assert_cmpint (
      json_object_get_int_member (json_array_get_object_element (spans, 0), "duration_ms"), ==,
      10000);
  g_assert_cmpint (
      json_object_get_int_member (json_array_get_object_element (spans, 1), "duration_ms"), ==,
      8000);
  g_assert_false (json_object_get_boolean_member (chair, "connected"));
  g_assert_cmpint (json_object_get_int_member (chair, "present_ms"), ==, 18000);
  g_assert_true (is_instant_us (json_object_get_string_member (chair, "first_joined_at")));
  g_assert_true (is_instant_us (json_object_get_string_member (chair, "last_left_at")));
  g_assert_true (
      g_str_has_suffix (json_object_get_string_member (chair, "last_left_at"), ".000500Z"));

  g_assert_cmpint (json_object_get_int_member (panelist, "person_id"), ==, live->panelist);
  g_assert_true (json_object_get_boolean_member (panelist, "connected"));
  g_assert_true (json_object_get_null_member (panelist, "last_left_at"));
  spans = json_object_get_array_member (panelist, "spans");
  g_assert_cmpuint (json_array_get_length (spans), ==, 1);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (spans, 0), "left_at"));
  g_assert_cmpint (json_object_get_int_member (panelist, "present_ms"), >=, 58000);

  coordinator = eb_test_request (live->server, "GET", path, live->coordinator_token, NULL);
  g_assert_cmpuint (coordinator->status, ==, 200);
  off = eb_test_request (live->server, "GET", path, live->off_token, NULL);
  eb_test_assert_problem (off, 404);
}

/* --- recordings --- */

/* A recording as the service registers it, with one track of two
 * segments whose paths are absolute on the server. */
static EbId
insert_recording (Live *live, EbId session)
{
  g_autoptr (EbRecording) recording = eb_recording_new ();
  EbRecordingTrack *track = eb_recording_track_new ();
  g_autoptr (GError) error = NULL;

  recording->session_id = session;
  recording->state = EB_RECORDING_STATE_COMPLETE;
  recording->started_at_us = 1775142000000000;
  recording->ended_at_us = 1775142000000000 + 65 * G_USEC_PER_SEC;
  track->name = g_strdup ("p2-srt");
  track->person_id = live->panelist;
  track->site_id = live->hub;
  track->video_codec = g_strdup ("h264");
  track->audio_codec = g_strdup ("aac");
  track->width = 1280;
  track->height = 720;
  for (gint seq = 1; seq <= 2; seq++)
    {
      EbRecordingSegment *segment = eb_recording_segment_new ();

      segment->seq = seq;
      segment->path = g_strdup_printf (
          "/var/lib/eboard/recordings/session-%" G_GINT64_FORMAT "/p2-srt-%05d.ts", session, seq);
      segment->start_offset_us = 3 * G_USEC_PER_SEC + (seq - 1) * 4 * G_USEC_PER_SEC;
      segment->duration_us = 4 * G_USEC_PER_SEC;
      segment->size = 1000000 + seq;
      segment->sha256 = g_strdup_printf ("%064d", seq);
      /* the first as stored before segments had codecs (its track's
       * describe it); the second after the encoder reconnected with
       * Opus and a smaller picture */
      if (seq == 2)
        {
          segment->video_codec = g_strdup ("h264");
          segment->audio_codec = g_strdup ("opus");
          segment->width = 640;
          segment->height = 360;
        }
      g_ptr_array_add (track->segments, segment);
    }
  eb_recording_track_summarize (track);
  g_ptr_array_add (recording->tracks, track);
  g_assert_true (eb_store_recording_insert (live->server->store, recording, &error));
  g_assert_no_error (error);
  return recording->id;
}

static guint
count_audit (Live *live, const char *action, const char *object_type, EbId object_id, EbId token_id)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  EbPage page = { 0, EB_PAGE_MAX_LIMIT };
  guint n = 0;

  entries = eb_store_audit_list (live->server->store, object_type, object_id, &page, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      EbAuditEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->action, action) == 0 && entry->token_id == token_id)
        n++;
    }
  return n;
}

static JsonObject *
find_item (JsonObject *list, EbId id)
{
  JsonArray *items = json_object_get_array_member (list, "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (json_object_get_int_member (item, "id") == id)
        return item;
    }
  g_error ("no item %" G_GINT64_FORMAT " in the list", id);
  return NULL;
}

/* @codecs holds the strings that follow, in order (%NULL-terminated). */
static void
assert_codecs (JsonArray *codecs, ...)
{
  va_list args;
  const char *expected;
  guint n = 0;

  g_assert_nonnull (codecs);
  va_start (args, codecs);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_assert_cmpuint (n, <, json_array_get_length (codecs));
      g_assert_cmpstr (json_array_get_string_element (codecs, n), ==, expected);
      n++;
    }
  va_end (args);
  g_assert_cmpuint (json_array_get_length (codecs), ==, n);
}

static void
test_recordings (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  EbId recording_id;
  g_autoptr (EbRecording) empty = NULL;
  g_autofree char *list_path = NULL;
  g_autofree char *get_path = NULL;
  g_autoptr (EbTestReply) list = NULL;
  g_autoptr (EbTestReply) all = NULL;
  g_autoptr (EbTestReply) got = NULL;
  g_autoptr (EbTestReply) off_get = NULL;
  g_autoptr (EbTestReply) off_list = NULL;
  g_autoptr (EbTestReply) off_all = NULL;
  g_autoptr (EbTestReply) anonymous = NULL;
  g_autoptr (EbTestReply) missing = NULL;
  g_autoptr (EbTestReply) bad = NULL;
  EbPrincipal reviewer = { 0 };
  EbPrincipal off = { 0 };
  JsonObject *recording, *track, *segment;
  JsonArray *segments;

  g_assert_true (
      eb_service_authenticate (live->server->service, live->reviewer_token, &reviewer, NULL));
  g_assert_true (eb_service_authenticate (live->server->service, live->off_token, &off, NULL));
  start_session (live, id);
  empty = end_session (live, id);
  recording_id = insert_recording (live, id);

  list_path = g_strdup_printf ("/api/v1/recordings?session=%" G_GINT64_FORMAT, id);
  list = eb_test_request (live->server, "GET", list_path, live->reviewer_token, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (list), "total"), ==, 2);
  recording = find_item (eb_test_reply_object (list), recording_id);
  track = json_array_get_object_element (json_object_get_array_member (recording, "tracks"), 0);
  g_assert_cmpint (json_object_get_int_member (track, "segment_count"), ==, 2);
  g_assert_false (json_object_has_member (track, "segments"));
  /* the distinct codecs of its segments, in order */
  assert_codecs (json_object_get_array_member (track, "video_codecs"), "h264", NULL);
  assert_codecs (json_object_get_array_member (track, "audio_codecs"), "aac", "opus", NULL);
  g_assert_cmpuint (count_audit (live, "recording.list", "session", id, reviewer.token_id), ==, 1);

  get_path = g_strdup_printf ("/api/v1/recordings/%" G_GINT64_FORMAT, recording_id);
  got = eb_test_request (live->server, "GET", get_path, live->chair_token, NULL);
  g_assert_cmpuint (got->status, ==, 200);
  /* Never a path of the server's disk. */
  g_assert_null (strstr (eb_test_reply_text (got), "/var/lib"));
  recording = eb_test_reply_object (got);
  g_assert_cmpint (json_object_get_int_member (recording, "session_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (recording, "state"), ==, "complete");
  g_assert_cmpint (json_object_get_int_member (recording, "duration_ms"), ==, 65000);
  g_assert_cmpint (json_object_get_int_member (recording, "size"), ==, 2000003);
  track = json_array_get_object_element (json_object_get_array_member (recording, "tracks"), 0);
  g_assert_cmpstr (json_object_get_string_member (track, "name"), ==, "p2-srt");
  g_assert_cmpint (json_object_get_int_member (track, "person_id"), ==, live->panelist);
  g_assert_cmpint (json_object_get_int_member (track, "site_id"), ==, live->hub);
  g_assert_cmpstr (json_object_get_string_member (track, "video_codec"), ==, "h264");
  g_assert_cmpstr (json_object_get_string_member (track, "audio_codec"), ==, "aac");
  g_assert_cmpint (json_object_get_int_member (track, "width"), ==, 1280);
  g_assert_cmpint (json_object_get_int_member (track, "height"), ==, 720);
  g_assert_cmpint (json_object_get_int_member (track, "start_offset_ms"), ==, 3000);
  g_assert_cmpint (json_object_get_int_member (track, "duration_ms"), ==, 8000);
  g_assert_cmpint (json_object_get_int_member (track, "size"), ==, 2000003);
  g_assert_cmpuint (strlen (json_object_get_string_member (track, "sha256")), ==, 64);
  segments = json_object_get_array_member (track, "segments");
  g_assert_cmpuint (json_array_get_length (segments), ==, 2);
  segment = json_array_get_object_element (segments, 1);
  g_assert_cmpint (json_object_get_int_member (segment, "seq"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (segment, "file"), ==, "p2-srt-00002.ts");
  g_assert_cmpint (json_object_get_int_member (segment, "start_offset_ms"), ==, 7000);
  g_assert_cmpint (json_object_get_int_member (segment, "duration_ms"), ==, 4000);
  g_assert_cmpint (json_object_get_int_member (segment, "size"), ==, 1000002);
  g_assert_cmpstr (json_object_get_string_member (segment, "sha256"), ==,
                   "0000000000000000000000000000000000000000000000000000000000000002");
  /* each segment with its codecs: the second its own, the first its
   * track's; the track its first segment's, and the distinct ones */
  g_assert_cmpstr (json_object_get_string_member (segment, "video_codec"), ==, "h264");
  g_assert_cmpstr (json_object_get_string_member (segment, "audio_codec"), ==, "opus");
  g_assert_cmpint (json_object_get_int_member (segment, "width"), ==, 640);
  g_assert_cmpint (json_object_get_int_member (segment, "height"), ==, 360);
  segment = json_array_get_object_element (segments, 0);
  g_assert_cmpstr (json_object_get_string_member (segment, "video_codec"), ==, "h264");
  g_assert_cmpstr (json_object_get_string_member (segment, "audio_codec"), ==, "aac");
  g_assert_cmpint (json_object_get_int_member (segment, "width"), ==, 1280);
  g_assert_cmpint (json_object_get_int_member (segment, "height"), ==, 720);
  assert_codecs (json_object_get_array_member (track, "video_codecs"), "h264", NULL);
  assert_codecs (json_object_get_array_member (track, "audio_codecs"), "aac", "opus", NULL);
  {
    EbPrincipal chair = { 0 };

    g_assert_true (
        eb_service_authenticate (live->server->service, live->chair_token, &chair, NULL));
    g_assert_cmpuint (
        count_audit (live, "recording.read", "recording", recording_id, chair.token_id), ==, 1);
  }

  /* Clinicians see only their sessions' recordings. */
  all = eb_test_request (live->server, "GET", "/api/v1/recordings", live->coordinator_token, NULL);
  g_assert_cmpuint (all->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (all), "total"), ==, 2);
  off_all = eb_test_request (live->server, "GET", "/api/v1/recordings", live->off_token, NULL);
  g_assert_cmpuint (off_all->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (off_all), "total"), ==, 0);
  off_get = eb_test_request (live->server, "GET", get_path, live->off_token, NULL);
  eb_test_assert_problem (off_get, 404);
  off_list = eb_test_request (live->server, "GET", list_path, live->off_token, NULL);
  eb_test_assert_problem (off_list, 404);
  /* A refused read is not an access. */
  g_assert_cmpuint (count_audit (live, "recording.read", "recording", recording_id, off.token_id),
                    ==, 0);
  anonymous = eb_test_request (live->server, "GET", get_path, NULL, NULL);
  eb_test_assert_problem (anonymous, 401);
  missing = eb_test_request (live->server, "GET", "/api/v1/recordings/999999", live->reviewer_token,
                             NULL);
  eb_test_assert_problem (missing, 404);
  bad = eb_test_request (live->server, "GET", "/api/v1/recordings?session=abc",
                         live->reviewer_token, NULL);
  eb_test_assert_problem (bad, 400);
  g_assert_true (eb_test_reply_has_violation (bad, "invalid-field", "session"));
}

/* --- the events WebSocket --- */

static void
test_events (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  g_autofree char *path = session_path (id, "/events");
  g_autofree char *query_path = NULL;
  g_autofree char *start = session_path (id, "/start");
  g_autofree char *end = session_path (id, "/end");
  g_autoptr (EbApiTestWs) chair = NULL;
  g_autoptr (EbApiTestWs) reviewer = NULL;
  g_autoptr (EbTestReply) started = NULL;
  g_autoptr (EbTestReply) ended = NULL;
  g_autoptr (EbTestReply) timeline = NULL;
  g_autofree char *timeline_path = session_path (id, "/timeline");
  JsonObject *event;
  JsonObject *stored;

  chair = eb_api_test_ws_connect (live->server, path, live->chair_token, FALSE);
  g_assert_no_error (chair->error);
  g_assert_true (chair->connected);
  /* Browsers cannot set headers on a WebSocket: the query works too. */
  query_path = g_strdup_printf ("%s?access_token=%s", path, live->reviewer_token);
  reviewer = eb_api_test_ws_connect (live->server, query_path, NULL, FALSE);
  g_assert_no_error (reviewer->error);
  /* An open WebSocket is not a request in flight. */
  g_assert_cmpuint (eb_api_server_get_in_flight (live->server->server), ==, 0);

  started = eb_test_request (live->server, "POST", start, live->coordinator_token, NULL);
  g_assert_cmpuint (started->status, ==, 200);
  eb_api_test_ws_wait_messages (chair, 1);
  eb_api_test_ws_wait_messages (reviewer, 1);
  event = eb_api_test_ws_message (chair, 0);
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "session-started");
  g_assert_cmpint (json_object_get_int_member (event, "session_id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (event, "offset_ms"), ==, 0);
  g_assert_true (is_instant_us (json_object_get_string_member (event, "at")));
  g_assert_cmpstr (json_object_get_string_member (eb_api_test_ws_message (reviewer, 0), "kind"), ==,
                   "session-started");

  ended = eb_test_request (live->server, "POST", end, live->coordinator_token, NULL);
  g_assert_cmpuint (ended->status, ==, 200);
  eb_api_test_ws_wait_messages (chair, 2);
  event = eb_api_test_ws_message (chair, 1);
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "session-ended");
  /* The end closes every socket of the session, cleanly. */
  eb_api_test_ws_wait_closed (chair);
  eb_api_test_ws_wait_closed (reviewer);
  g_assert_cmpuint (chair->messages->len, ==, 2);
  g_assert_cmpuint (reviewer->messages->len, ==, 2);
  g_assert_cmpint (soup_websocket_connection_get_close_code (chair->connection), ==, 1000);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (chair->connection), ==,
                   "the session ended");

  /* Pushed events have the timeline's shape. */
  timeline = eb_test_request (live->server, "GET", timeline_path, live->chair_token, NULL);
  stored = json_array_get_object_element (
      json_object_get_array_member (eb_test_reply_object (timeline), "items"), 1);
  g_assert_true (json_node_equal (json_object_get_member (stored, "id"),
                                  json_object_get_member (event, "id")));
  g_assert_cmpstr (json_object_get_string_member (stored, "at"), ==,
                   json_object_get_string_member (event, "at"));
  g_assert_cmpstr (json_object_get_string_member (stored, "detail"), ==,
                   json_object_get_string_member (event, "detail"));
}

static void
test_events_refused (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  EbId done = new_session (live, TRUE);
  g_autofree char *path = session_path (id, "/events");
  g_autofree char *done_path = session_path (done, "/events");
  g_autofree char *bad_query = g_strdup_printf ("%s?access_token=eb_nope", path);
  g_autoptr (EbApiTestWs) anonymous = NULL;
  g_autoptr (EbApiTestWs) bad = NULL;
  g_autoptr (EbApiTestWs) off = NULL;
  g_autoptr (EbApiTestWs) over = NULL;
  g_autoptr (EbTestReply) plain = NULL;
  g_autoptr (EbTestReply) plain_anonymous = NULL;
  g_autoptr (EbRecording) recording = NULL;

  /* Refused before the upgrade, with the HTTP status. */
  anonymous = eb_api_test_ws_connect (live->server, path, NULL, FALSE);
  g_assert_true (anonymous->failed);
  g_assert_cmpuint (soup_message_get_status (anonymous->message), ==, 401);
  g_assert_nonnull (soup_message_headers_get_one (
      soup_message_get_response_headers (anonymous->message), "WWW-Authenticate"));
  bad = eb_api_test_ws_connect (live->server, bad_query, NULL, FALSE);
  g_assert_true (bad->failed);
  g_assert_cmpuint (soup_message_get_status (bad->message), ==, 401);
  off = eb_api_test_ws_connect (live->server, path, live->off_token, FALSE);
  g_assert_true (off->failed);
  g_assert_cmpuint (soup_message_get_status (off->message), ==, 404);

  start_session (live, done);
  recording = end_session (live, done);
  over = eb_api_test_ws_connect (live->server, done_path, live->chair_token, FALSE);
  g_assert_true (over->failed);
  g_assert_cmpuint (soup_message_get_status (over->message), ==, 409);

  /* Without the upgrade: 426, after the usual checks. */
  plain = eb_test_request (live->server, "GET", path, live->chair_token, NULL);
  eb_test_assert_problem (plain, 426);
  g_assert_cmpstr (eb_test_reply_header (plain, "Upgrade"), ==, "websocket");
  plain_anonymous = eb_test_request (live->server, "GET", path, NULL, NULL);
  eb_test_assert_problem (plain_anonymous, 401);
  g_assert_cmpuint (eb_api_server_get_in_flight (live->server->server), ==, 0);
}

static void
emit_event (Live *live, EbId session, EbTimelineKind kind, const char *detail)
{
  g_autoptr (EbTimelineEvent) event = eb_timeline_event_new ();

  event->id = 1;
  event->session_id = session;
  event->kind = kind;
  event->at_us = g_get_real_time ();
  event->detail = g_strdup (detail);
  g_signal_emit_by_name (live->server->service, "session-event", event);
}

/* A revoked token, or a reader taken off the roster, is disconnected. */
static void
test_events_revoked (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  EbId other_session = new_session (live, TRUE);
  g_autofree char *path = session_path (id, "/events");
  g_autofree char *other_path = session_path (other_session, "/events");
  g_autofree char *revoke = NULL;
  g_autofree char *other_token = NULL;
  g_autoptr (EbApiTestWs) panelist = NULL;
  g_autoptr (EbApiTestWs) observer = NULL;
  g_autoptr (EbApiTestWs) chair = NULL;
  g_autoptr (EbApiTestWs) other = NULL;
  g_autoptr (EbTestReply) revoked = NULL;
  g_autoptr (GError) error = NULL;
  EbId entry_id
      = eb_api_test_add_entry (live->server, id, live->off, EB_ROSTER_ROLE_OBSERVER, FALSE);

  panelist = eb_api_test_ws_connect (live->server, path, live->panelist_token, FALSE);
  g_assert_true (panelist->connected);
  observer = eb_api_test_ws_connect (live->server, path, live->off_token, FALSE);
  g_assert_true (observer->connected);
  chair = eb_api_test_ws_connect (live->server, path, live->chair_token, FALSE);
  g_assert_true (chair->connected);
  other_token = eb_api_test_token (live->server, EB_ROLE_REVIEWER, live->off, NULL);
  other = eb_api_test_ws_connect (live->server, other_path, other_token, FALSE);
  g_assert_true (other->connected);

  emit_event (live, id, EB_TIMELINE_TRACK_STARTED, "before");
  eb_api_test_ws_wait_messages (panelist, 1);
  eb_api_test_ws_wait_messages (observer, 1);
  eb_api_test_ws_wait_messages (chair, 1);
  /* Events go to their session's readers only. */
  g_assert_cmpuint (other->messages->len, ==, 0);

  revoke = g_strdup_printf ("/api/v1/tokens/%" G_GINT64_FORMAT, live->panelist_token_id);
  revoked = eb_test_request (live->server, "DELETE", revoke, live->server->admin_token, NULL);
  g_assert_cmpuint (revoked->status, ==, 204);
  g_assert_true (eb_service_remove_roster_entry (live->server->service, &live->server->admin, id,
                                                 entry_id, 0, &error));
  g_assert_no_error (error);
  /* Access is checked again before an event once the last check is a
   * second old. */
  run_for (1200);
  emit_event (live, id, EB_TIMELINE_TRACK_STOPPED, "after");
  eb_api_test_ws_wait_closed (panelist);
  eb_api_test_ws_wait_closed (observer);
  g_assert_cmpint (soup_websocket_connection_get_close_code (panelist->connection), ==, 4401);
  g_assert_cmpint (soup_websocket_connection_get_close_code (observer->connection), ==, 4403);
  g_assert_cmpuint (panelist->messages->len, ==, 1);
  g_assert_cmpuint (observer->messages->len, ==, 1);
  eb_api_test_ws_wait_messages (chair, 2);
  g_assert_cmpstr (json_object_get_string_member (eb_api_test_ws_message (chair, 1), "detail"), ==,
                   "after");
  g_assert_false (chair->closed);
  g_assert_false (other->closed);
  g_assert_cmpuint (other->messages->len, ==, 0);
}

/* --- a reader that never reads --- */

#define SLOW_EVENTS 1500
#define SLOW_DETAIL_BYTES 4096

typedef struct
{
  guint port;
  char *request;
  gint handshake_done;
  gint may_read;
  gint finished;
  guint n_text;
  guint close_code;
  char *close_reason;
  char *failure;
} SlowReader;

static gboolean
read_exactly (GSocket *socket, guint8 *buffer, gsize n, GError **error)
{
  gsize got = 0;

  while (got < n)
    {
      gssize r = g_socket_receive (socket, (char *)buffer + got, n - got, NULL, error);

      if (r <= 0)
        {
          if (r == 0)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "end of stream");
          return FALSE;
        }
      got += r;
    }
  return TRUE;
}

/* A raw WebSocket client with a small receive buffer: it shakes hands,
 * then reads nothing until told, then reads frames up to the close. */
static gpointer
slow_reader_thread (gpointer data)
{
  SlowReader *reader = data;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, reader->port);
  g_autoptr (GString) head = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_socket_set_timeout (socket, EB_TEST_REQUEST_SECONDS);
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, NULL);
  if (!g_socket_connect (socket, address, NULL, &error)
      || g_socket_send (socket, reader->request, strlen (reader->request), NULL, &error) < 0)
    goto out;
  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      guint8 byte;

      if (!read_exactly (socket, &byte, 1, &error))
        goto out;
      g_string_append_c (head, (char)byte);
    }
  if (!g_str_has_prefix (head->str, "HTTP/1.1 101"))
    {
      reader->failure = g_strdup_printf ("no upgrade: %s", head->str);
      goto out;
    }
  g_atomic_int_set (&reader->handshake_done, 1);
  while (!g_atomic_int_get (&reader->may_read))
    g_usleep (1000);

  for (;;)
    {
      guint8 header[2], extended[8];
      guint64 length;
      g_autofree guint8 *payload = NULL;

      if (!read_exactly (socket, header, 2, &error))
        goto out;
      length = header[1] & 0x7f;
      if (length == 126)
        {
          if (!read_exactly (socket, extended, 2, &error))
            goto out;
          length = ((guint64)extended[0] << 8) | extended[1];
        }
      else if (length == 127)
        {
          if (!read_exactly (socket, extended, 8, &error))
            goto out;
          length = 0;
          for (guint i = 0; i < 8; i++)
            length = (length << 8) | extended[i];
        }
      payload = g_malloc (length + 1);
      if (length > 0 && !read_exactly (socket, payload, length, &error))
        goto out;
      payload[length] = 0;
      if ((header[0] & 0x0f) == 0x1)
        reader->n_text++;
      else if ((header[0] & 0x0f) == 0x8)
        {
          reader->close_code = length >= 2 ? ((guint)payload[0] << 8) | payload[1] : 0;
          reader->close_reason = g_strdup (length > 2 ? (char *)payload + 2 : "");
          break;
        }
    }

out:
  if (error != NULL)
    reader->failure = g_strdup (error->message);
  g_atomic_int_set (&reader->handshake_done, 1);
  g_atomic_int_set (&reader->finished, 1);
  return NULL;
}

static void
test_events_slow_reader (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  g_autofree char *path = session_path (id, "/events");
  g_autoptr (EbApiTestWs) fast = NULL;
  g_autoptr (EbTestReply) health = NULL;
  g_autofree char *detail = g_strnfill (SLOW_DETAIL_BYTES, 'x');
  SlowReader reader = { 0 };
  GThread *thread;
  gint64 slowest = 0;

  reader.port = eb_api_server_get_port (live->server->server);
  reader.request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                                    "Host: 127.0.0.1\r\n"
                                    "Upgrade: websocket\r\n"
                                    "Connection: Upgrade\r\n"
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                    "Sec-WebSocket-Version: 13\r\n"
                                    "Authorization: Bearer %s\r\n"
                                    "\r\n",
                                    path, live->chair_token);
  thread = g_thread_new ("slow-reader", slow_reader_thread, &reader);
  while (!g_atomic_int_get (&reader.handshake_done))
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (reader.failure);
  fast = eb_api_test_ws_connect (live->server, path, live->reviewer_token, FALSE);
  g_assert_true (fast->connected);

  /* The service emits; the fast reader keeps up, the slow one does not
   * read at all. */
  for (guint i = 0; i < SLOW_EVENTS; i++)
    {
      gint64 before = g_get_monotonic_time ();

      emit_event (live, id, EB_TIMELINE_SEGMENT_CLOSED, detail);
      slowest = MAX (slowest, g_get_monotonic_time () - before);
      eb_api_test_ws_wait_messages (fast, i + 1);
    }
  g_assert_cmpuint (fast->messages->len, ==, SLOW_EVENTS);
  g_assert_false (fast->closed);
  /* Emitting never waited for a reader: the slow one reads nothing
   * until told to, so any wait would last until the test's timeout;
   * the bound only has to tell a hang from a busy machine. */
  g_assert_cmpint (slowest, <, 5 * G_USEC_PER_SEC);

  g_atomic_int_set (&reader.may_read, 1);
  while (!g_atomic_int_get (&reader.finished))
    g_main_context_iteration (NULL, FALSE);
  g_thread_join (thread);
  g_assert_null (reader.failure);
  g_assert_cmpuint (reader.close_code, ==, 1008);
  g_assert_cmpstr (reader.close_reason, ==, "too slow: events were not read");
  g_assert_cmpuint (reader.n_text, <, SLOW_EVENTS);
  g_test_message ("the slow reader got %u of %u events before it was dropped", reader.n_text,
                  SLOW_EVENTS);

  health = eb_test_request (live->server, "GET", "/healthz", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  g_free (reader.request);
  g_free (reader.close_reason);
}

/* A stopping server tells its readers to go. */
static void
shutdown_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_assert_true (eb_api_server_shutdown_finish (EB_API_SERVER (source), result, NULL));
  *done = TRUE;
}

static void
test_events_shutdown (Live *live, gconstpointer data)
{
  EbId id = new_session (live, TRUE);
  g_autofree char *path = session_path (id, "/events");
  g_autoptr (EbApiTestWs) reader = NULL;
  gboolean done = FALSE;

  reader = eb_api_test_ws_connect (live->server, path, live->chair_token, FALSE);
  g_assert_true (reader->connected);
  eb_api_server_shutdown_async (live->server->server, 2000, NULL, shutdown_cb, &done);
  eb_api_test_ws_wait_closed (reader);
  eb_test_wait_for (&done);
  g_assert_cmpint (soup_websocket_connection_get_close_code (reader->connection), ==, 1001);
}

/* --- with a real media plane --- */

/* A real media plane for the live sessions of @live's service, and the
 * session @id started over HTTP while the chair reads its events;
 * (transfer full): the chair's events WebSocket. */
static EbApiTestWs *
start_with_media (Live *live, EbApiTestMedia *media, EbId id)
{
  EbLiveSettings settings = { .srt_host = SRT_HOST };
  g_autofree char *start = session_path (id, "/start");
  g_autofree char *events = session_path (id, "/events");
  g_autoptr (EbTestReply) started = NULL;
  EbApiTestWs *reader;

  eb_api_test_media_start (media, live->key, sizeof live->key, NULL);
  settings.recordings_dir = media->recordings_dir;
  eb_service_set_media_plane (live->server->service, media->plane, live->key, sizeof live->key,
                              &settings);
  reader = eb_api_test_ws_connect (live->server, events, live->chair_token, FALSE);
  g_assert_true (reader->connected);
  started = eb_test_request (live->server, "POST", start, live->coordinator_token, NULL);
  g_assert_cmpuint (started->status, ==, 200);
  return reader;
}

/* The end answers once the conference closed and the recording is
 * registered; the message waits paused meanwhile. */
static void
test_media_start_end (Live *live, gconstpointer data)
{
  EbApiTestMedia media = { 0 };
  EbId id = new_session (live, TRUE);
  g_autofree char *end = session_path (id, "/end");
  g_autofree char *join = session_path (id, "/join");
  g_autoptr (EbApiTestWs) reader = start_with_media (live, &media, id);
  g_autoptr (EbTestReply) joined = NULL;
  g_autoptr (EbTestReply) ended = NULL;
  JsonObject *recording;

  joined = eb_test_request (live->server, "GET", join, live->chair_token, NULL);
  g_assert_cmpuint (joined->status, ==, 200);
  /* The port the plane bound. */
  g_assert_cmpint (
      json_object_get_int_member (member_object (eb_test_reply_object (joined), "srt"), "port"), ==,
      eb_media_plane_get_srt_port (media.plane));

  ended = eb_test_request (live->server, "POST", end, live->coordinator_token, NULL);
  g_assert_cmpuint (ended->status, ==, 200);
  recording = member_object (eb_test_reply_object (ended), "recording");
  g_assert_cmpstr (json_object_get_string_member (recording, "state"), ==, "complete");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (recording, "tracks")), ==,
                    0);
  eb_api_test_ws_wait_closed (reader);
  g_assert_cmpuint (reader->messages->len, ==, 2);
  g_assert_cmpuint (eb_api_server_get_in_flight (live->server->server), ==, 0);

  eb_api_test_media_stop (&media, live->server);
}

/* What the server logs, while a test looks (see capture_log_cb()). */
static GMutex log_lock;
static GPtrArray *log_lines; /* "DOMAIN: MESSAGE", NULL when not looking */

static GLogWriterOutput
capture_log_cb (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = "";
  const char *message = "";

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
        message = fields[i].value;
    }
  g_mutex_lock (&log_lock);
  if (log_lines != NULL)
    g_ptr_array_add (log_lines, g_strdup_printf ("%s: %s", domain, message));
  g_mutex_unlock (&log_lock);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
logged (const char *pattern)
{
  gboolean found = FALSE;

  g_mutex_lock (&log_lock);
  for (guint i = 0; !found && i < log_lines->len; i++)
    found = g_pattern_match_simple (pattern, g_ptr_array_index (log_lines, i));
  g_mutex_unlock (&log_lock);
  return found;
}

/* Writes all of @request and closes the connection at once, on this
 * thread: the server, which runs on this thread's main context, reads
 * the request only afterwards. */
static void
send_and_leave (GSocketConnection *connection, const char *request)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr (GError) error = NULL;

  g_assert_true (g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_io_stream_close (G_IO_STREAM (connection), NULL, &error));
  g_assert_no_error (error);
}

/* A client that closes its connection while its end waits paused: the
 * end completes all the same, once (the session ended, its recording
 * registered and complete, its readers told, the conference closed);
 * the server logs the client's leaving and answers nobody. */
static void
test_media_end_client_gone (Live *live, gconstpointer data)
{
  EbApiTestMedia media = { 0 };
  EbId id = new_session (live, TRUE);
  g_autofree char *end = session_path (id, "/end");
  g_autofree char *join = session_path (id, "/join");
  g_autofree char *get = session_path (id, "");
  g_autofree char *timeline = session_path (id, "/timeline");
  g_autofree char *recordings
      = g_strdup_printf ("/api/v1/recordings?session=%" G_GINT64_FORMAT, id);
  g_autofree char *request = NULL;
  g_autofree char *request_line = NULL;
  g_autofree char *left_line = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (EbApiTestWs) reader = start_with_media (live, &media, id);
  g_autoptr (EbTestReply) session = NULL;
  g_autoptr (EbTestReply) listed = NULL;
  g_autoptr (EbTestReply) events_after = NULL;
  g_autoptr (EbTestReply) join_after = NULL;
  g_autoptr (EbTestReply) again = NULL;
  gint64 deadline;
  JsonObject *recording;
  JsonArray *items;

  g_mutex_lock (&log_lock);
  log_lines = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&log_lock);
  connection = eb_test_raw_connect (live->server);
  request = g_strdup_printf ("POST %s HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "Authorization: Bearer %s\r\n"
                             "Content-Length: 0\r\n\r\n",
                             end, live->coordinator_token);
  send_and_leave (connection, request);

  /* The end completes: the session's readers hear it and are closed. */
  eb_api_test_ws_wait_closed (reader);
  g_assert_cmpuint (reader->messages->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (eb_api_test_ws_message (reader, 1), "kind"), ==,
                   "session-ended");
  g_assert_cmpint (soup_websocket_connection_get_close_code (reader->connection), ==, 1000);
  /* The paused message is let go once answered: nothing stays in flight. */
  deadline = g_get_monotonic_time () + EB_TEST_REQUEST_SECONDS * G_USEC_PER_SEC;
  while (eb_api_server_get_in_flight (live->server->server) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }

  /* Logged: the client's leaving, and the request as a client-closed
   * one (499), never with a 200 nobody read. */
  left_line = g_strdup_printf (
      "eboard-api: session %" G_GINT64_FORMAT ": the client left before the end was answered", id);
  request_line = g_strdup_printf ("eboard-api: POST %s 499 *", end);
  g_assert_true (logged (left_line));
  g_assert_true (logged (request_line));
  g_mutex_lock (&log_lock);
  g_clear_pointer (&log_lines, g_ptr_array_unref);
  g_mutex_unlock (&log_lock);

  /* Nothing half-done: ended, once, with a complete recording. */
  session = eb_test_request (live->server, "GET", get, live->chair_token, NULL);
  g_assert_cmpuint (session->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (eb_test_reply_object (session), "state"), ==,
                   "ended");
  listed = eb_test_request (live->server, "GET", recordings, live->reviewer_token, NULL);
  g_assert_cmpuint (listed->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (listed), "total"), ==, 1);
  recording = json_array_get_object_element (
      json_object_get_array_member (eb_test_reply_object (listed), "items"), 0);
  g_assert_cmpstr (json_object_get_string_member (recording, "state"), ==, "complete");
  events_after = eb_test_request (live->server, "GET", timeline, live->chair_token, NULL);
  g_assert_cmpuint (events_after->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (events_after), "total"), ==,
                   2);
  items = json_object_get_array_member (eb_test_reply_object (events_after), "items");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 1), "kind"),
                   ==, "session-ended");
  /* the conference is closed: no joining, no second end */
  join_after = eb_test_request (live->server, "GET", join, live->chair_token, NULL);
  eb_test_assert_problem (join_after, 409);
  again = eb_test_request (live->server, "POST", end, live->coordinator_token, NULL);
  eb_test_assert_problem (again, 409);
  g_assert_cmpuint (eb_api_server_get_in_flight (live->server->server), ==, 0);

  eb_api_test_media_stop (&media, live->server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (capture_log_cb, NULL, NULL);

  g_test_add ("/eboard/api/live/start-end", Live, NULL, live_setup, test_start_end, live_teardown);
  g_test_add ("/eboard/api/live/join", Live, NULL, live_setup, test_join, live_teardown);
  g_test_add ("/eboard/api/live/join-unconfigured", Live, GINT_TO_POINTER (1), live_setup,
              test_join_unconfigured, live_teardown);
  g_test_add ("/eboard/api/live/timeline", Live, NULL, live_setup, test_timeline, live_teardown);
  g_test_add ("/eboard/api/live/attendance", Live, NULL, live_setup, test_attendance,
              live_teardown);
  g_test_add ("/eboard/api/live/recordings", Live, NULL, live_setup, test_recordings,
              live_teardown);
  g_test_add ("/eboard/api/live/events", Live, NULL, live_setup, test_events, live_teardown);
  g_test_add ("/eboard/api/live/events-refused", Live, NULL, live_setup, test_events_refused,
              live_teardown);
  g_test_add ("/eboard/api/live/events-revoked", Live, NULL, live_setup, test_events_revoked,
              live_teardown);
  g_test_add ("/eboard/api/live/events-slow-reader", Live, NULL, live_setup,
              test_events_slow_reader, live_teardown);
  g_test_add ("/eboard/api/live/events-shutdown", Live, NULL, live_setup, test_events_shutdown,
              live_teardown);
  g_test_add ("/eboard/api/live/media-start-end", Live, NULL, live_setup, test_media_start_end,
              live_teardown);
  g_test_add ("/eboard/api/live/media-end-client-gone", Live, NULL, live_setup,
              test_media_end_client_gone, live_teardown);
  return g_test_run ();
}
