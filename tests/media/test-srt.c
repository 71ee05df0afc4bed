/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <srt/access_control.h>

#include "eb-srt-test-util.h"
#include "media/eb-stream-id-private.h"

/* --- the streamid parser --- */

static void
test_stream_id_publish (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStreamId) id = NULL;
  int code = 0;

  id = eb_stream_id_parse ("#!::r=session/42,m=publish,t=j1.42.7.1999999999.abc-_DEF", &code,
                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_cmpint (id->session_id, ==, 42);
  g_assert_cmpint (id->mode, ==, EB_STREAM_MODE_PUBLISH);
  g_assert_null (id->track);
  g_assert_cmpstr (id->credential, ==, "j1.42.7.1999999999.abc-_DEF");

  /* keys in any order; u and h are accepted and ignored */
  g_clear_pointer (&id, eb_stream_id_free);
  id = eb_stream_id_parse ("#!::t=cred,u=site-a,m=publish,h=eboard.example,r=session/9", &code,
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (id->session_id, ==, 9);
  g_assert_cmpstr (id->credential, ==, "cred");

  /* as an srt:// URL carries it, when the encoder does not decode it */
  g_clear_pointer (&id, eb_stream_id_free);
  id = eb_stream_id_parse ("%23%21%3a%3Ar%3Dsession%2F12%2Cm%3Dpublish%2Ct%3Dj1.12.3.4.x-y_z",
                           &code, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id->session_id, ==, 12);
  g_assert_cmpint (id->mode, ==, EB_STREAM_MODE_PUBLISH);
  g_assert_cmpstr (id->credential, ==, "j1.12.3.4.x-y_z");
}

static void
test_stream_id_request (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStreamId) id = NULL;
  g_autofree char *text = NULL;

  id = eb_stream_id_parse ("#!::r=session/5/track/p12-srt,m=request,t=secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id->session_id, ==, 5);
  g_assert_cmpint (id->mode, ==, EB_STREAM_MODE_REQUEST);
  g_assert_cmpstr (id->track, ==, "p12-srt");

  g_clear_pointer (&id, eb_stream_id_free);
  id = eb_stream_id_parse ("#!::r=session/5/track/chair,m=request,t=secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id->track, ==, EB_STREAM_ID_CHAIR_TRACK);

  /* what eboard tells encoders parses back */
  text = eb_stream_id_format (77, EB_STREAM_MODE_REQUEST, "p3-srt", "j1.77.3.5.mac");
  g_assert_cmpstr (text, ==, "#!::r=session/77/track/p3-srt,m=request,t=j1.77.3.5.mac");
  g_clear_pointer (&id, eb_stream_id_free);
  id = eb_stream_id_parse (text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id->session_id, ==, 77);
  g_assert_cmpstr (id->track, ==, "p3-srt");
  g_assert_cmpstr (id->credential, ==, "j1.77.3.5.mac");

  g_clear_pointer (&text, g_free);
  text = eb_stream_id_format (77, EB_STREAM_MODE_PUBLISH, NULL, "c");
  g_assert_cmpstr (text, ==, "#!::r=session/77,m=publish,t=c");
}

static void
test_stream_id_refused (void)
{
  static const struct
  {
    const char *text;
    int code;
  } cases[] = {
    { NULL, SRT_REJX_BAD_REQUEST },
    { "", SRT_REJX_BAD_REQUEST },
    { "session/1", SRT_REJX_BAD_REQUEST },
    { "#!:r=session/1,m=publish,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1,m=publish", SRT_REJX_UNAUTHORIZED },
    { "#!::r=session/1,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::m=publish,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1,m=publish,t=", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1,m=publish,t=a b", SRT_REJX_UNAUTHORIZED },
    { "#!::r=session/1,m=publish,t=x,t=y", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1,m=publish,t=x,s=abc", SRT_REJX_KEY_NOTSUP },
    { "#!::r=session/1,m=publish,t=x,", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/0,m=publish,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/01,m=publish,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/-1,m=publish,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1x,m=publish,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/99999999999999999999,m=publish,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=live/1,m=publish,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1/track/,m=request,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1/track/a/b,m=request,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1/track/../x,m=request,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1/tracks/p1-srt,m=request,t=x", SRT_REJX_BAD_REQUEST },
    { "#!::r=session/1,m=bidirectional,t=x", SRT_REJX_BAD_MODE },
    { "#!::r=session/1/track/p1-srt,m=publish,t=x", SRT_REJX_BAD_MODE },
    { "#!::r=session/1,m=request,t=x", SRT_REJX_BAD_REQUEST },
    { "%23%21%3A%3Ar%3Dsession%2F1%2Cm%3Dpublish%2Ct%3Dx%00", SRT_REJX_BAD_REQUEST },
    { "%23%21%3A%3Ar%3Dsession%2F1%2Cm%3Dpublish%2Ct%3Dx%zz", SRT_REJX_BAD_REQUEST },
  };
  g_autofree char *long_id = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EbStreamId) id = NULL;
      int code = 0;

      g_test_message ("streamid %s", cases[i].text != NULL ? cases[i].text : "(none)");
      id = eb_stream_id_parse (cases[i].text, &code, &error);
      g_assert_null (id);
      g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
      g_assert_cmpint (code, ==, cases[i].code);
    }

  /* SRT allows 512 bytes */
  long_id = g_strdup_printf ("#!::r=session/1,m=publish,t=%0600d", 1);
  {
    g_autoptr (GError) error = NULL;
    int code = 0;

    g_assert_null (eb_stream_id_parse (long_id, &code, &error));
    g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
    g_assert_cmpint (code, ==, SRT_REJX_BAD_REQUEST);
  }
}

static void
test_stream_id_secret (void)
{
  g_autoptr (GError) error = NULL;
  const char *secret = "j1.1.2.3.TOPSECRETmac";
  g_autofree char *text = g_strdup_printf ("#!::r=session/1/track/x,m=bidirectional,t=%s", secret);

  /* an error never repeats the credential */
  g_assert_null (eb_stream_id_parse (text, NULL, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "TOPSECRET"));
}

/* --- refused callers on the real listener --- */

typedef struct
{
  EbTestPlane plane;
} SrtFixture;

static void
srt_fixture_setup (SrtFixture *fixture, gconstpointer data)
{
  eb_test_plane_setup (&fixture->plane, 2, 0);
}

static void
srt_fixture_teardown (SrtFixture *fixture, gconstpointer data)
{
  eb_test_plane_teardown (&fixture->plane);
}

static void
test_srt_refused (SrtFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autofree char *pass1 = eb_test_passphrase (plane, 1);
  g_autofree char *pass2 = eb_test_passphrase (plane, 2);
  g_autofree char *good = eb_test_credential (plane->key, 1, 7, 0);
  g_autofree char *expired
      = eb_test_credential (plane->key, 1, 7, g_get_real_time () / G_USEC_PER_SEC - 10);
  g_autofree char *other_session = eb_test_credential (plane->key, 2, 7, 0);
  g_autofree char *not_allowed = eb_test_credential (plane->key, 1, 8, 0);
  g_autofree char *no_conference = eb_test_credential (plane->key, 3, 7, 0);
  g_autofree char *forged = NULL;
  g_autofree char *wrong_key = NULL;
  g_autofree char *session_dir = g_build_filename (plane->recordings_dir, "session-1", NULL);
  guint8 other_key[EB_TEST_KEY_LENGTH];
  struct
  {
    const char *what;
    char *stream_id;
    const char *passphrase;
    int reason;
  } cases[11];
  guint n = 0;
  g_autoptr (GPtrArray) files = NULL;

  /* another key; and the good credential with another person in it */
  for (guint i = 0; i < EB_TEST_KEY_LENGTH; i++)
    other_key[i] = (guint8)(plane->key[i] ^ 0x5a);
  wrong_key = eb_test_credential (other_key, 1, 7, 0);
  forged = g_strdup (good);
  g_assert_true (g_str_has_prefix (forged, "j1.1.7."));
  forged[5] = '9';

  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  g_assert_no_error (error);
  g_assert_true (eb_media_plane_open_conference (plane->plane, 2, g_get_real_time (), &error));
  g_assert_no_error (error);
  eb_media_plane_allow_participant (plane->plane, 1, 7, "Site A room", TRUE, 0);
  eb_media_plane_allow_participant (plane->plane, 2, 7, "Site A room", FALSE, 0);
  eb_media_plane_allow_participant (plane->plane, 2, 8, "Site B room", FALSE, 0);

  /* a second conference cannot be opened for the same session */
  g_assert_false (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

#define ADD_CASE(w, s, p, r)                                                                       \
  G_STMT_START                                                                                     \
  {                                                                                                \
    cases[n].what = (w);                                                                           \
    cases[n].stream_id = (s);                                                                      \
    cases[n].passphrase = (p);                                                                     \
    cases[n].reason = (r);                                                                         \
    n++;                                                                                           \
  }                                                                                                \
  G_STMT_END
  ADD_CASE ("no streamid", NULL, pass1, SRT_REJX_BAD_REQUEST);
  ADD_CASE ("not a streamid", g_strdup ("hello"), pass1, SRT_REJX_BAD_REQUEST);
  ADD_CASE ("credential signed with another key",
            eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, wrong_key), pass1,
            SRT_REJX_UNAUTHORIZED);
  ADD_CASE ("expired credential", eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, expired),
            pass1, SRT_REJX_UNAUTHORIZED);
  ADD_CASE ("forged credential", eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, forged),
            pass1, SRT_REJX_UNAUTHORIZED);
  ADD_CASE ("another session's credential",
            eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, other_session), pass1,
            SRT_REJX_FORBIDDEN);
  ADD_CASE ("a person not on the roster",
            eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, not_allowed), pass1,
            SRT_REJX_FORBIDDEN);
  ADD_CASE ("a session without a conference",
            eb_stream_id_format (3, EB_STREAM_MODE_PUBLISH, NULL, no_conference), pass1,
            SRT_REJX_NOTFOUND);
  ADD_CASE ("a request for an unknown track",
            eb_stream_id_format (1, EB_STREAM_MODE_REQUEST, "p99-srt", good), pass1,
            SRT_REJX_NOTFOUND);
  ADD_CASE ("no passphrase", eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, good), NULL,
            SRT_REJ_UNSECURE);
  ADD_CASE ("another session's passphrase",
            eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, good), pass2, SRT_REJ_BADSECRET);
#undef ADD_CASE
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < n; i++)
    {
      int reason = -1;
      SRTSOCKET socket;

      g_test_message ("caller with %s", cases[i].what);
      socket = eb_test_srt_connect (plane->port, cases[i].stream_id, cases[i].passphrase, &reason);
      g_assert_cmpint (socket, ==, SRT_INVALID_SOCK);
      g_assert_cmpint (reason, ==, cases[i].reason);
      g_free (cases[i].stream_id);
    }

  /* each refusal is reported (the passphrase ones once libsrt has
   * dropped the half-open socket); nothing started */
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 0, n);
  eb_test_run_for (300);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 0), ==, n);
  g_assert_cmpuint (plane->events->len, ==, n);
  for (guint i = 0; i < plane->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (plane->events, i);

      g_assert_nonnull (event->detail);
      /* never the credential */
      g_assert_null (strstr (event->detail, "j1."));
      g_assert_null (event->track);
    }

  files = eb_test_list_files (session_dir, ".ts");
  g_assert_cmpuint (files->len, ==, 0);

  /* the right caller gets in */
  {
    g_autofree char *stream_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, good);
    int reason = -1;
    SRTSOCKET socket = eb_test_srt_connect (plane->port, stream_id, pass1, &reason);

    g_assert_cmpint (socket, !=, SRT_INVALID_SOCK);
    eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7, 1);
    srt_close (socket);
    eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 1);
  }

  {
    g_autoptr (EbRecordingManifest) manifest = eb_test_close_conference (plane, 1, &error);

    g_assert_no_error (error);
    g_assert_nonnull (manifest);
    /* it sent nothing: nothing recorded */
    g_assert_cmpuint (manifest->tracks->len, ==, 0);
  }
  {
    g_autoptr (EbRecordingManifest) manifest = eb_test_close_conference (plane, 2, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (manifest->tracks->len, ==, 0);
  }
}

/* A real encoder without the credential fails, and records nothing. */
static void
test_srt_refused_encoder (SrtFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  g_autofree char *other_key_credential = NULL;
  g_autofree char *stream_id = NULL;
  g_autofree char *url = NULL;
  g_autofree char *good = eb_test_credential (plane->key, 1, 7, 0);
  g_autofree char *good_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, good);
  g_autofree char *wrong_pass_url = NULL;
  g_autofree char *session_dir = g_build_filename (plane->recordings_dir, "session-1", NULL);
  g_autoptr (GSubprocess) sender = NULL;
  g_autoptr (GPtrArray) files = NULL;
  guint8 other_key[EB_TEST_KEY_LENGTH] = { 1, 2, 3 };

  if (!eb_test_have_program ("ffmpeg"))
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane->plane, 1, 7, NULL, FALSE, 0);

  other_key_credential = eb_test_credential (other_key, 1, 7, 0);
  stream_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, other_key_credential);
  url = eb_test_srt_url (plane->port, stream_id, passphrase);
  sender = eb_test_spawn_publisher (url, "160x120", "aac", 2, NULL);
  g_assert_cmpint (eb_test_wait_process (sender, 20), !=, 0);
  g_clear_object (&sender);

  wrong_pass_url = eb_test_srt_url (plane->port, good_id, "not-the-session-passphrase");
  sender = eb_test_spawn_publisher (wrong_pass_url, "160x120", "aac", 2, NULL);
  g_assert_cmpint (eb_test_wait_process (sender, 20), !=, 0);

  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 0, 2);
  g_assert_cmpuint (plane->events->len, ==, 2);
  /* refused for the reason that matters */
  g_assert_nonnull (
      strstr (((EbMediaEvent *)g_ptr_array_index (plane->events, 0))->detail, "signature"));
  g_assert_nonnull (
      strstr (((EbMediaEvent *)g_ptr_array_index (plane->events, 1))->detail, "handshake"));
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 0), ==, 0);
  files = eb_test_list_files (session_dir, ".ts");
  g_assert_cmpuint (files->len, ==, 0);
  {
    g_autoptr (EbRecordingManifest) manifest = eb_test_close_conference (plane, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (manifest->tracks->len, ==, 0);
  }
}

typedef struct
{
  guint refusals;
  guint suppressed_notes;
} RefusalLogCount;

static void
count_refusal_log_cb (const char *domain, GLogLevelFlags level, const char *message,
                      gpointer user_data)
{
  RefusalLogCount *count = user_data;

  if (g_str_has_prefix (message, "SRT caller "))
    count->refusals++;
  if (strstr (message, "more refusals of this address not logged") != NULL)
    count->suppressed_notes++;
}

/* A burst of callers naming a live session with a garbage credential:
 * refused, but nothing reaches that session (its id is no secret), and
 * the log gets one line for the address; a caller whose credential was
 * verified for the session is still reported to it. */
static void
test_srt_refusal_flood (SrtFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autofree char *pass1 = eb_test_passphrase (plane, 1);
  g_autofree char *garbage_id
      = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, "j1.1.7.not-a-signature");
  g_autofree char *not_allowed = eb_test_credential (plane->key, 1, 8, 0);
  g_autofree char *not_allowed_id
      = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, not_allowed);
  const guint burst = 12;
  RefusalLogCount count = { 0 };
  guint handler;
  int reason = -1;

  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  g_assert_no_error (error);
  eb_media_plane_allow_participant (plane->plane, 1, 7, NULL, FALSE, 0);
  handler = g_log_set_handler ("eboard-media", G_LOG_LEVEL_MESSAGE, count_refusal_log_cb, &count);

  for (guint i = 0; i < burst; i++)
    {
      reason = -1;
      g_assert_cmpint (eb_test_srt_connect (plane->port, garbage_id, pass1, &reason), ==,
                       SRT_INVALID_SOCK);
      g_assert_cmpint (reason, ==, SRT_REJX_UNAUTHORIZED);
    }
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 0, burst);
  for (guint i = 0; i < plane->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (plane->events, i);

      g_assert_cmpint (event->kind, ==, EB_MEDIA_EVENT_INPUT_REFUSED);
      /* no session's timeline */
      g_assert_cmpint (event->session_id, ==, 0);
      g_assert_cmpint (event->person_id, ==, 0);
    }
  g_assert_cmpuint (count.refusals, ==, 1);

  /* a credential verified for the session: reported to it */
  g_assert_cmpint (eb_test_srt_connect (plane->port, not_allowed_id, pass1, &reason), ==,
                   SRT_INVALID_SOCK);
  g_assert_cmpint (reason, ==, SRT_REJX_FORBIDDEN);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 8, 1);
  {
    EbMediaEvent *event = g_ptr_array_index (plane->events, plane->events->len - 1);

    g_assert_cmpint (event->session_id, ==, 1);
  }
  g_assert_cmpuint (plane->events->len, ==, burst + 1);
  /* still within the interval: not logged either */
  g_assert_cmpuint (count.refusals, ==, 1);
  g_assert_cmpuint (count.suppressed_notes, ==, 0);
  g_log_remove_handler ("eboard-media", handler);

  {
    g_autoptr (EbRecordingManifest) manifest = eb_test_close_conference (plane, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (manifest->tracks->len, ==, 0);
  }
}

static SRTSOCKET
connect_pull (EbTestPlane *plane, EbId person_id, int *reason)
{
  g_autofree char *credential = eb_test_credential (plane->key, 1, person_id, 0);
  g_autofree char *stream_id
      = eb_stream_id_format (1, EB_STREAM_MODE_REQUEST, "p7-srt", credential);
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);

  return eb_test_srt_connect (plane->port, stream_id, passphrase, reason);
}

/* One person pulls a session's tracks over at most
 * EB_MEDIA_MAX_PULLS_PER_PERSON connections: the next caller is refused
 * as overloaded (a real ffmpeg too), until one of them leaves. */
static void
test_srt_pull_cap (SrtFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autofree char *good = eb_test_credential (plane->key, 1, 7, 0);
  g_autofree char *publish_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, good);
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  SRTSOCKET pulls[EB_MEDIA_MAX_PULLS_PER_PERSON];
  SRTSOCKET publisher;
  SRTSOCKET other;
  int reason = -1;

  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane->plane, 1, 7, NULL, FALSE, 0);
  eb_media_plane_allow_participant (plane->plane, 1, 8, NULL, FALSE, 0);
  publisher = eb_test_srt_connect (plane->port, publish_id, passphrase, &reason);
  g_assert_cmpint (publisher, !=, SRT_INVALID_SOCK);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_TRACK_STARTED, 7, 1);

  for (guint i = 0; i < G_N_ELEMENTS (pulls); i++)
    {
      pulls[i] = connect_pull (plane, 8, &reason);
      g_assert_cmpint (pulls[i], !=, SRT_INVALID_SOCK);
    }
  reason = -1;
  g_assert_cmpint (connect_pull (plane, 8, &reason), ==, SRT_INVALID_SOCK);
  g_assert_cmpint (reason, ==, SRT_REJX_OVERLOAD);

  if (eb_test_have_program ("ffmpeg"))
    {
      g_autofree char *credential = eb_test_credential (plane->key, 1, 8, 0);
      g_autofree char *stream_id
          = eb_stream_id_format (1, EB_STREAM_MODE_REQUEST, "p7-srt", credential);
      g_autofree char *url = eb_test_srt_url (plane->port, stream_id, passphrase);
      g_autoptr (GSubprocess) puller = NULL;

      puller = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, "ffmpeg",
                                 "-hide_banner", "-nostdin", "-loglevel", "error", "-i", url, "-t",
                                 "1", "-f", "null", "-", NULL);
      g_assert_no_error (error);
      g_assert_cmpint (eb_test_wait_process (puller, 20), !=, 0);
    }

  /* another person still pulls */
  other = connect_pull (plane, 7, &reason);
  g_assert_cmpint (other, !=, SRT_INVALID_SOCK);

  /* one leaves: a new one gets in (once the listener has seen it go) */
  srt_close (pulls[0]);
  pulls[0] = SRT_INVALID_SOCK;
  for (guint attempt = 0; attempt < 50 && pulls[0] == SRT_INVALID_SOCK; attempt++)
    {
      eb_test_run_for (100);
      pulls[0] = connect_pull (plane, 8, &reason);
    }
  g_assert_cmpint (pulls[0], !=, SRT_INVALID_SOCK);

  for (guint i = 0; i < G_N_ELEMENTS (pulls); i++)
    srt_close (pulls[i]);
  srt_close (other);
  srt_close (publisher);
  {
    g_autoptr (EbRecordingManifest) manifest = eb_test_close_conference (plane, 1, &error);

    g_assert_no_error (error);
    g_assert_nonnull (manifest);
  }
}

/* Two callers with the same person's credential: the second, within
 * 2 s of the first, is dropped and the first keeps the track; a later
 * one (an encoder reconnecting) replaces it. */
static void
test_srt_replace_rate (SrtFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autofree char *good = eb_test_credential (plane->key, 1, 7, 0);
  g_autofree char *publish_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, good);
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  SRTSOCKET first;
  SRTSOCKET second;
  SRTSOCKET third;
  int reason = -1;

  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane->plane, 1, 7, NULL, FALSE, 0);
  first = eb_test_srt_connect (plane->port, publish_id, passphrase, &reason);
  g_assert_cmpint (first, !=, SRT_INVALID_SOCK);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7, 1);

  /* the handshake completes, then the listener closes it: logged, not
   * in the session's timeline (the close can reach the caller before
   * its connect returns, which then fails: either way it is refused) */
  second = eb_test_srt_connect (plane->port, publish_id, passphrase, &reason);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 7, 1);
  {
    EbMediaEvent *event = g_ptr_array_index (plane->events, plane->events->len - 1);

    g_assert_cmpint (event->kind, ==, EB_MEDIA_EVENT_INPUT_REFUSED);
    g_assert_cmpint (event->session_id, ==, 0);
  }
  eb_test_run_for (300);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7), ==, 1);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7), ==, 0);
  if (second != SRT_INVALID_SOCK)
    srt_close (second);

  eb_test_run_for (2000);
  third = eb_test_srt_connect (plane->port, publish_id, passphrase, &reason);
  g_assert_cmpint (third, !=, SRT_INVALID_SOCK);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7, 2);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 1);
  g_assert_cmpint (srt_getsockstate (third), ==, SRTS_CONNECTED);

  srt_close (first);
  srt_close (third);
  {
    g_autoptr (EbRecordingManifest) manifest = eb_test_close_conference (plane, 1, &error);

    g_assert_no_error (error);
    /* nothing was sent: nothing recorded */
    g_assert_cmpuint (manifest->tracks->len, ==, 0);
  }
}

/* A join credential of person @person_id for session 1, issued at
 * @issued_at_us. */
static char *
credential_issued_at (EbTestPlane *plane, EbId person_id, gint64 issued_at_us)
{
  EbJoinClaims claims = {
    .session_id = 1,
    .person_id = person_id,
    .expires_at = g_get_real_time () / G_USEC_PER_SEC + 3600,
    .issued_at_us = issued_at_us,
  };

  return eb_join_credential_issue (plane->key, EB_TEST_KEY_LENGTH, &claims);
}

/* A libsrt publisher to session 1 with @credential: the rejection
 * reason, 0 when it was let in. */
static int
publish_with (EbTestPlane *plane, const char *credential)
{
  g_autofree char *stream_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, credential);
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  int reason = -1;
  SRTSOCKET socket = eb_test_srt_connect (plane->port, stream_id, passphrase, &reason);

  if (socket != SRT_INVALID_SOCK)
    srt_close (socket);
  return reason;
}

/* A participant let in with a floor: their credentials issued at or
 * before it are refused like those of someone not let in, and reported
 * to the session's timeline; newer ones work, a real encoder's too.
 * Revoked and let in again with a higher floor, a credential that worked
 * before does not any more. */
static void
test_srt_revoked_credential (SrtFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  gint64 floor_us = g_get_real_time ();
  g_autofree char *older = credential_issued_at (plane, 7, floor_us - G_USEC_PER_SEC);
  g_autofree char *at_floor = credential_issued_at (plane, 7, floor_us);
  g_autofree char *newer = credential_issued_at (plane, 7, floor_us + 1);
  g_autofree char *newest = credential_issued_at (plane, 7, floor_us + 2);
  g_autofree char *stranger = credential_issued_at (plane, 8, floor_us + 1);
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  g_autofree char *older_url = NULL;
  g_autofree char *newer_url = NULL;
  g_autoptr (GSubprocess) sender = NULL;
  guint refused;

  if (!eb_test_have_program ("ffmpeg"))
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  g_assert_no_error (error);
  eb_media_plane_allow_participant (plane->plane, 1, 7, "Site A room", FALSE, floor_us);

  /* the same rejection as for a person not let in */
  g_assert_cmpint (publish_with (plane, stranger), ==, SRT_REJX_FORBIDDEN);
  g_assert_cmpint (publish_with (plane, older), ==, SRT_REJX_FORBIDDEN);
  g_assert_cmpint (publish_with (plane, at_floor), ==, SRT_REJX_FORBIDDEN);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 0, 3);
  for (guint i = 1; i < 3; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (plane->events, i);

      g_assert_cmpint (event->kind, ==, EB_MEDIA_EVENT_INPUT_REFUSED);
      g_assert_cmpint (event->session_id, ==, 1);
      g_assert_cmpint (event->person_id, ==, 7);
      g_assert_nonnull (strstr (event->detail, "revoked"));
      /* never the credential */
      g_assert_null (strstr (event->detail, "j1."));
    }

  /* a real encoder: refused with the older credential, recorded with
   * the newer one */
  {
    g_autofree char *id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, older);

    older_url = eb_test_srt_url (plane->port, id, passphrase);
  }
  sender = eb_test_spawn_publisher (older_url, "160x120", "aac", 2, NULL);
  g_assert_cmpint (eb_test_wait_process (sender, 20), !=, 0);
  g_clear_object (&sender);
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7), ==, 0);
  {
    g_autofree char *id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, newer);

    newer_url = eb_test_srt_url (plane->port, id, passphrase);
  }
  sender = eb_test_spawn_publisher (newer_url, "160x120", "aac", 2, NULL);
  g_assert_cmpint (eb_test_wait_process (sender, 30), ==, 0);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7, 1);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7, 1);

  /* revoked, and let in again at once with a higher floor */
  refused = eb_test_count_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 7);
  eb_media_plane_revoke_participant (plane->plane, 1, 7);
  eb_media_plane_allow_participant (plane->plane, 1, 7, "Site A room", FALSE, floor_us + 1);
  g_assert_cmpint (publish_with (plane, newer), ==, SRT_REJX_FORBIDDEN);
  g_assert_cmpint (publish_with (plane, older), ==, SRT_REJX_FORBIDDEN);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_INPUT_REFUSED, 7, refused + 2);
  /* a credential issued since works at once, and the revocation does
   * not cut what it opened */
  {
    g_autofree char *id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, newest);
    int reason = -1;
    SRTSOCKET socket = eb_test_srt_connect (plane->port, id, passphrase, &reason);

    g_assert_cmpint (reason, ==, 0);
    eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_JOINED, 7, 2);
    eb_test_run_for (300);
    g_assert_cmpint (srt_getsockstate (socket), ==, SRTS_CONNECTED);
    g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 7), ==, 1);
    srt_close (socket);
  }

  {
    g_autoptr (EbRecordingManifest) manifest = eb_test_close_conference (plane, 1, &error);
    EbRecordedTrack *track;

    g_assert_no_error (error);
    /* the newer credential's publication only */
    g_assert_cmpuint (manifest->tracks->len, ==, 1);
    track = g_ptr_array_index (manifest->tracks, 0);
    g_assert_cmpint (track->person_id, ==, 7);
    g_assert_cmpuint (track->segments->len, >, 0);
  }
}

/* The names of this process's threads, as the kernel has them. */
static GPtrArray *
list_thread_names (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, &error);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  g_assert_no_error (error);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", entry, "comm", NULL);
      g_autofree char *name = NULL;

      /* a thread that ended since the listing has no name any more */
      if (g_file_get_contents (path, &name, NULL, NULL))
        g_ptr_array_add (names, g_strdup (g_strstrip (name)));
    }
  return names;
}

/* How many of this process's threads are named @name; the names of all
 * of them (joined) in @all. */
static guint
count_threads_named (const char *name, guint *n_srt, char **all)
{
  g_autoptr (GPtrArray) names = list_thread_names ();
  g_autoptr (GString) joined = g_string_new (NULL);
  guint count = 0;

  *n_srt = 0;
  for (guint i = 0; i < names->len; i++)
    {
      const char *thread = g_ptr_array_index (names, i);

      if (g_str_equal (thread, name))
        count++;
      if (g_str_has_prefix (thread, "SRT:"))
        (*n_srt)++;
      g_string_append_printf (joined, "%s%s", i > 0 ? ", " : "", thread);
    }
  *all = g_string_free (g_steal_pointer (&joined), FALSE);
  return count;
}

/* Frames ffprobe decodes from the video of every segment of @track. */
static guint
count_track_frames (EbRecordedTrack *track)
{
  guint frames = 0;

  for (guint i = 0; i < track->segments->len; i++)
    frames += eb_test_count_video_frames (
        ((EbRecordedSegment *)g_ptr_array_index (track->segments, i))->path);
  return frames;
}

/* Publishers are read as their messages arrive: libsrt runs no
 * timestamp-based delivery thread ("SRT:TsbPd", one per receiving
 * connection when it is on) for them, while two real encoders stream;
 * what they send is recorded in full. */
#define ON_ARRIVAL_SECONDS 5
static void
test_srt_publishers_on_arrival (SrtFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  GSubprocess *senders[2] = { NULL, NULL };
  const EbId people[2] = { 7, 8 };
  guint samples = 0;
  guint max_srt_threads = 0;

  if (!eb_test_have_program ("ffmpeg") || !eb_test_have_program ("ffprobe"))
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *credential = eb_test_credential (plane->key, 1, people[i], 0);
      g_autofree char *stream_id
          = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, credential);
      g_autofree char *url = eb_test_srt_url (plane->port, stream_id, passphrase);

      eb_media_plane_allow_participant (plane->plane, 1, people[i], NULL, FALSE, 0);
      senders[i] = eb_test_spawn_publisher (url, "160x120", "aac", ON_ARRIVAL_SECONDS, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    eb_test_wait_for_events (plane, EB_MEDIA_EVENT_TRACK_STARTED, people[i], 1);

  /* both stream: look at the threads a few times on the way */
  for (gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC; g_get_monotonic_time () < until;
       samples++)
    {
      g_autofree char *all = NULL;
      guint n_srt = 0;
      guint tsbpd = count_threads_named ("SRT:TsbPd", &n_srt, &all);

      if (samples == 0)
        g_test_message ("threads: %s", all);
      if (tsbpd > 0)
        g_test_message ("threads: %s", all);
      g_assert_cmpuint (tsbpd, ==, 0);
      max_srt_threads = MAX (max_srt_threads, n_srt);
      g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, 0), ==, 0);
      eb_test_run_for (200);
    }
  /* the names were read: libsrt's own threads are there */
  g_assert_cmpuint (samples, >=, 5);
  g_assert_cmpuint (max_srt_threads, >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_assert_cmpint (eb_test_wait_process (senders[i], EB_TEST_WAIT_SECONDS), ==, 0);
      g_clear_object (&senders[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    eb_test_wait_for_events (plane, EB_MEDIA_EVENT_PARTICIPANT_LEFT, people[i], 1);

  manifest = eb_test_close_conference (plane, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->tracks->len, ==, G_N_ELEMENTS (people));
  for (guint i = 0; i < manifest->tracks->len; i++)
    {
      EbRecordedTrack *track = g_ptr_array_index (manifest->tracks, i);
      guint frames = count_track_frames (track);

      g_test_message ("%s: %u segments, %u frames", track->name, track->segments->len, frames);
      g_assert_cmpstr (track->video_codec, ==, "h264");
      g_assert_cmpuint (track->segments->len, >, 0);
      /* 30 fps, less up to a second before the first keyframe */
      g_assert_cmpuint (frames, >=, (ON_ARRIVAL_SECONDS - 1) * 30);
      g_assert_cmpuint (frames, <=, ON_ARRIVAL_SECONDS * 30);
    }
}

/* Closing an unknown conference is an error, not a hang. */
static void
test_srt_close_unknown (SrtFixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecordingManifest) manifest = eb_test_close_conference (&fixture->plane, 5, &error);

  g_assert_null (manifest);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  /* before g_test_init(), which moves the user folders per test case */
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  srt_startup ();

  g_test_add_func ("/eboard/media/stream-id/publish", test_stream_id_publish);
  g_test_add_func ("/eboard/media/stream-id/request", test_stream_id_request);
  g_test_add_func ("/eboard/media/stream-id/refused", test_stream_id_refused);
  g_test_add_func ("/eboard/media/stream-id/secret", test_stream_id_secret);
  g_test_add ("/eboard/media/srt/refused", SrtFixture, NULL, srt_fixture_setup, test_srt_refused,
              srt_fixture_teardown);
  g_test_add ("/eboard/media/srt/refused-encoder", SrtFixture, NULL, srt_fixture_setup,
              test_srt_refused_encoder, srt_fixture_teardown);
  g_test_add ("/eboard/media/srt/refusal-flood", SrtFixture, NULL, srt_fixture_setup,
              test_srt_refusal_flood, srt_fixture_teardown);
  g_test_add ("/eboard/media/srt/pull-cap", SrtFixture, NULL, srt_fixture_setup, test_srt_pull_cap,
              srt_fixture_teardown);
  g_test_add ("/eboard/media/srt/replace-rate", SrtFixture, NULL, srt_fixture_setup,
              test_srt_replace_rate, srt_fixture_teardown);
  g_test_add ("/eboard/media/srt/revoked-credential", SrtFixture, NULL, srt_fixture_setup,
              test_srt_revoked_credential, srt_fixture_teardown);
  g_test_add ("/eboard/media/srt/publishers-on-arrival", SrtFixture, NULL, srt_fixture_setup,
              test_srt_publishers_on_arrival, srt_fixture_teardown);
  g_test_add ("/eboard/media/srt/close-unknown", SrtFixture, NULL, srt_fixture_setup,
              test_srt_close_unknown, srt_fixture_teardown);

  {
    int status = g_test_run ();

    srt_cleanup ();
    return status;
  }
}
