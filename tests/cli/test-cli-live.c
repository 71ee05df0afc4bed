/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <signal.h>
#include <string.h>

#include "cli-test-utils.h"

/* Live sessions with the real eboardctl against a real eboardd on
 * 127.0.0.1 (its SRT listener on a free port), and a real encoder
 * (ffmpeg) publishing over SRT. */

typedef struct
{
  EbTestDaemon *daemon;
  const char *url;
  const char *admin;
  char *session;
  char *chair_token;
  gint64 chair;
} Fixture;

static gboolean
has_line (const char *text, const char *pattern)
{
  return g_regex_match_simple (pattern, text, G_REGEX_MULTILINE, 0);
}

#define assert_line(text, pattern)                                                                 \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (!has_line ((text), (pattern)))                                                             \
      {                                                                                            \
        g_printerr ("%s\n", (text));                                                               \
        g_error ("no line matches /%s/ (text on stderr)", (pattern));                              \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

static JsonObject *
result_object (EbCtlResult *result, JsonNode **root)
{
  *root = eb_ctl_result_json (result);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*root));
  return json_node_get_object (*root);
}

static void
ctl_ok (Fixture *f, const char *token, const char *const *args)
{
  g_autoptr (EbCtlResult) r = eb_test_ctlv (f->url, token, args, NULL);

  eb_assert_ctl_ok (r);
}

/* A hub, the chair (a clinician with a token of their own) and a
 * scheduled session with the chair on its roster. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "eboard", NULL);
  g_autoptr (EbCtlResult) r = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *hub = NULL, *chair = NULL;

  f->daemon = eb_test_daemon_start (data_dir, NULL);
  f->url = f->daemon->url;
  f->admin = f->daemon->bootstrap_token;
  g_assert_nonnull (f->admin);

  r = eb_test_ctl (f->url, f->admin, "site", "create", "--name", "Lakeside", "--code", "LCC",
                   "--timezone", "UTC", "--hub", "--json", NULL);
  hub = id_text (eb_ctl_result_id (r));
  g_clear_pointer (&r, eb_ctl_result_free);
  ctl_ok (f, f->admin, (const char *[]){ "site", "update", hub, "--status", "vetted", NULL });
  ctl_ok (f, f->admin, (const char *[]){ "site", "update", hub, "--status", "active", NULL });

  r = eb_test_ctl (f->url, f->admin, "person", "create", "--name", "Ana Ortiz", "--email",
                   "ana@lcc.example", "--specialty", "medical_oncology", "--site", hub, "--json",
                   NULL);
  f->chair = eb_ctl_result_id (r);
  chair = id_text (f->chair);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "token", "create", "--role", "clinician", "--person", chair,
                   "--label", "chair", "--json", NULL);
  eb_assert_ctl_ok (r);
  f->chair_token = g_strdup (json_object_get_string_member (result_object (r, &root), "secret"));
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "session", "create", "--title", "Thoracic board", "--focus",
                   "Lung", "--host-site", hub, "--start", "2027-03-03T09:00", "--duration", "60",
                   "--timezone", "UTC", "--json", NULL);
  f->session = id_text (eb_ctl_result_id (r));
  g_clear_pointer (&r, eb_ctl_result_free);
  ctl_ok (f, f->admin,
          (const char *[]){ "roster", "add", f->session, "--person", chair, "--role", "chair",
                            "--status", "accepted", NULL });
  ctl_ok (f, f->admin, (const char *[]){ "session", "schedule", f->session, NULL });
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (eb_test_daemon_stop (f->daemon, SIGTERM), ==, 0);
  g_clear_pointer (&f->daemon, eb_test_daemon_free);
  g_clear_pointer (&f->session, g_free);
  g_clear_pointer (&f->chair_token, g_free);
}

/* Start, join, timeline, attendance, end, recordings: nobody publishes. */
static void
test_session_flow (Fixture *f, gconstpointer data)
{
  g_autoptr (EbCtlResult) r = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *recording = NULL;
  g_autofree char *hint = NULL;
  JsonObject *object, *srt;
  const char *passphrase;

  /* Clinicians do not start sessions. */
  r = eb_test_ctl (f->url, f->chair_token, "session", "start", f->session, NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "403");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "session", "start", f->session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^State: +live$");
  assert_line (r->out, "^Title: +Thoracic board$");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "session", "start", f->session, NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "409");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* The chair's own join details. */
  r = eb_test_ctl (f->url, f->chair_token, "join", f->session, "--json", NULL);
  eb_assert_ctl_ok (r);
  object = result_object (r, &root);
  srt = json_object_get_object_member (object, "srt");
  passphrase = json_object_get_string_member (srt, "passphrase");
  hint = g_strdup_printf ("…%s (", passphrase + strlen (passphrase) - 4);
  g_assert_cmpint (json_object_get_int_member (srt, "port"), >, 0);
  {
    g_autoptr (EbCtlResult) text = eb_test_ctl (f->url, f->chair_token, "join", f->session, NULL);

    eb_assert_ctl_ok (text);
    assert_line (text->out, "^Publish URL: +srt://127\\.0\\.0\\.1:[0-9]+\\?streamid=");
    {
      /* the same URL but for the credential, issued again a second
       * later maybe: up to the credential, and from the passphrase on */
      const char *url = json_object_get_string_member (srt, "publish_url");
      const char *credential = strstr (url, "%2Ct%3D");
      g_autofree char *head = NULL;

      g_assert_nonnull (credential);
      head = g_strndup (url, (gsize)(credential - url));
      eb_assert_contains (text->out, head);
      eb_assert_contains (text->out, strstr (url, "&passphrase="));
    }
    assert_line (text->out, "^Pull URL template: +srt://.*\\{track\\}");
    /* The browser join link holds the credential in its fragment. */
    assert_line (text->out,
                 "^Join in a browser: +https?://[^ ]+/join/#session=[0-9]+&credential=j1\\.");
    g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "join_url"),
                                     json_object_get_string_member (object, "credential")));
    eb_assert_contains (text->out, hint);
    /* Only the hint on its own line: the passphrase stays in the URLs. */
    assert_line (text->out, "^Passphrase: +…");
    assert_line (text->out, "H\\.264 video and AAC or Opus audio");
    /* The note on what does not cross between room systems and
     * browsers, whole, wrapped under its label. */
    {
      const char *note = json_object_get_string_member (object, "media_note");
      const char *start = strstr (text->out, "\nRooms and browsers: ");
      const char *end;
      g_autofree char *block = NULL;
      g_auto (GStrv) lines = NULL;
      g_autoptr (GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
      g_autofree char *joined = NULL;

      g_assert_nonnull (note);
      g_assert_nonnull (strstr (note, "AAC audio is not heard in browsers"));
      g_assert_nonnull (strstr (note, "keyframe every 1-2 s and to no B-frames"));
      g_assert_nonnull (start);
      start++;
      /* the block ends at the blank line before the warning */
      end = strstr (start, "\n\n");
      g_assert_nonnull (end);
      block = g_strndup (start, (gsize)(end - start));
      lines = g_strsplit (block, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), >, 1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_assert_cmpint (g_utf8_strlen (lines[i], -1), <=, 78);
          if (i > 0)
            g_assert_true (g_str_has_prefix (lines[i], "                    ")
                           && lines[i][20] != ' ');
        }
      joined = g_regex_replace_literal (spaces, block + strlen ("Rooms and browsers: "), -1, 0, " ",
                                        0, NULL);
      g_assert_cmpstr (joined, ==, note);
    }
  }
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  /* Join details are for roster members: the admin is not one. */
  r = eb_test_ctl (f->url, f->admin, "join", f->session, NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "403");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->chair_token, "timeline", f->session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^OFFSET +AT +KIND +PERSON +TRACK +DETAIL$");
  assert_line (r->out, "^0:00\\.000 +[0-9-]+ [0-9:]+ \\S+ +session-started ");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "attendance", f->session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^PERSON +FIRST JOINED +LAST LEFT +SPANS +PRESENT$");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* Ending answers with the finalised recording. */
  r = eb_test_ctl (f->url, f->admin, "session", "end", f->session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^State: +ended$");
  assert_line (r->out, "^Recording: +[0-9]+$");
  assert_line (r->out, "^State: +complete$");
  assert_line (r->out, "^Tracks: +0$");
  assert_line (r->out, "^No tracks: nobody published\\.$");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "session", "end", f->session, NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "409");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "timeline", f->session, "--json", NULL);
  eb_assert_ctl_ok (r);
  object = result_object (r, &root);
  g_assert_cmpint (json_object_get_int_member (object, "total"), ==, 2);
  g_assert_cmpstr (
      json_object_get_string_member (
          json_array_get_object_element (json_object_get_array_member (object, "items"), 1),
          "kind"),
      ==, "session-ended");
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->chair_token, "recording", "list", "--session", f->session, "--json",
                   NULL);
  eb_assert_ctl_ok (r);
  object = result_object (r, &root);
  g_assert_cmpint (json_object_get_int_member (object, "total"), ==, 1);
  recording = id_text (json_object_get_int_member (
      json_array_get_object_element (json_object_get_array_member (object, "items"), 0), "id"));
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->chair_token, "recording", "list", NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^ID +SESSION +STATE +STARTED +DURATION +TRACKS +SIZE$");
  assert_line (r->out, "complete .* 0 +0 bytes$");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->chair_token, "recording", "show", recording, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^Recording: +[0-9]+$");
  assert_line (r->out, "^State: +complete$");
  assert_line (r->out, "^No tracks: nobody published\\.$");
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "recording", "show", "999999", NULL);
  g_assert_cmpint (r->status, ==, 1);
  eb_assert_contains (r->err, "404");
  g_clear_pointer (&r, eb_ctl_result_free);

  /* Usage errors never reach the server. */
  r = eb_test_ctl (f->url, f->admin, "recording", "show", "abc", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, eb_ctl_result_free);
  r = eb_test_ctl (f->url, f->admin, "join", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, eb_ctl_result_free);
  r = eb_test_ctl (f->url, f->admin, "recording", "list", "--session", "0", NULL);
  g_assert_cmpint (r->status, ==, 2);
}

/* The chair's room encoder publishes for a few seconds; the recording
 * holds the track and its segments. */
static void
test_publish (Fixture *f, gconstpointer data)
{
  g_autoptr (EbCtlResult) r = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *publish_url = NULL, *recording = NULL, *track = NULL, *track_row = NULL;
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");
  g_autofree char *ffmpeg_out = NULL, *ffmpeg_err = NULL;
  g_autoptr (JsonNode) recording_root = NULL;
  JsonObject *object, *first;
  JsonArray *tracks;
  int status;

  r = eb_test_ctl (f->url, f->admin, "session", "start", f->session, NULL);
  eb_assert_ctl_ok (r);
  g_clear_pointer (&r, eb_ctl_result_free);
  r = eb_test_ctl (f->url, f->chair_token, "join", f->session, "--json", NULL);
  eb_assert_ctl_ok (r);
  object = result_object (r, &root);
  publish_url = g_strdup (
      json_object_get_string_member (json_object_get_object_member (object, "srt"), "publish_url"));
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  {
    const char *argv[] = { ffmpeg,      "-hide_banner",
                           "-nostdin",  "-loglevel",
                           "error",     "-re",
                           "-f",        "lavfi",
                           "-i",        "testsrc2=size=320x240:rate=25",
                           "-f",        "lavfi",
                           "-i",        "sine=frequency=440:sample_rate=48000",
                           "-t",        "4",
                           "-c:v",      "libx264",
                           "-preset",   "ultrafast",
                           "-tune",     "zerolatency",
                           "-g",        "25",
                           "-pix_fmt",  "yuv420p",
                           "-c:a",      "aac",
                           "-f",        "mpegts",
                           publish_url, NULL };
    g_auto (GStrv) env = eb_test_child_environment (NULL);

    g_assert_nonnull (ffmpeg);
    status = eb_test_run (argv, (const char *const *)env, &ffmpeg_out, &ffmpeg_err);
    if (status != 0)
      g_printerr ("ffmpeg: %s\n", ffmpeg_err);
    g_assert_cmpint (status, ==, 0);
  }

  r = eb_test_ctl (f->url, f->admin, "session", "end", f->session, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, "^State: +ended$");
  assert_line (r->out, "^Tracks: +1$");
  assert_line (r->out, "^TRACK +PERSON +SITE +CODECS +START +DURATION +SIZE +SEGMENTS +SHA-256$");
  track = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->chair);
  track_row
      = g_strdup_printf ("^%s +%" G_GINT64_FORMAT " +[0-9]+ +h264 320x240 / aac ", track, f->chair);
  assert_line (r->out, track_row);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "recording", "list", "--session", f->session, "--json", NULL);
  eb_assert_ctl_ok (r);
  object = result_object (r, &root);
  recording = id_text (json_object_get_int_member (
      json_array_get_object_element (json_object_get_array_member (object, "items"), 0), "id"));
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "recording", "show", recording, NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, track_row);
  {
    g_autofree char *heading = g_strdup_printf ("^Segments of %s:$", track);
    g_autofree char *segment = g_strdup_printf ("^1 +%s-[0-9]+\\.ts +[0-9:.]+ +[0-9:.]+ +[0-9.]+ "
                                                "[kM]?B +[0-9a-f]{64}$",
                                                track);

    assert_line (r->out, heading);
    assert_line (r->out, "^SEQ +FILE +START +DURATION +SIZE +SHA-256$");
    assert_line (r->out, segment);
  }
  /* File names only, never a path of the server's disk. */
  g_assert_null (strstr (r->out, f->daemon->data_dir));
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "recording", "show", recording, "--json", NULL);
  eb_assert_ctl_ok (r);
  object = result_object (r, &recording_root);
  tracks = json_object_get_array_member (object, "tracks");
  g_assert_cmpuint (json_array_get_length (tracks), ==, 1);
  first = json_array_get_object_element (tracks, 0);
  g_assert_cmpint (json_object_get_int_member (first, "person_id"), ==, f->chair);
  g_assert_cmpint (json_object_get_int_member (first, "duration_ms"), >, 1000);
  g_assert_cmpint (json_object_get_int_member (first, "size"), >, 0);
  g_clear_pointer (&r, eb_ctl_result_free);

  /* The encoder's connection is in the attendance. */
  r = eb_test_ctl (f->url, f->admin, "attendance", f->session, NULL);
  eb_assert_ctl_ok (r);
  {
    g_autofree char *row = g_strdup_printf ("^%" G_GINT64_FORMAT " +[0-9-]+ [0-9:]+ \\S+ +[0-9-]+ "
                                            "[0-9:]+ \\S+ +1 +[0-9:.]+$",
                                            f->chair);

    assert_line (r->out, row);
  }
  g_clear_pointer (&r, eb_ctl_result_free);

  r = eb_test_ctl (f->url, f->admin, "timeline", f->session, "--limit", "500", NULL);
  eb_assert_ctl_ok (r);
  assert_line (r->out, " participant-joined ");
  assert_line (r->out, " segment-closed ");
}

int
main (int argc, char **argv)
{
  eb_test_utils_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/eboard/cli/live/session-flow", Fixture, NULL, fixture_setup, test_session_flow,
              fixture_teardown);
  g_test_add ("/eboard/cli/live/publish", Fixture, NULL, fixture_setup, test_publish,
              fixture_teardown);
  return g_test_run ();
}
