/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-test"

#include "eb-config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <eboard/eboard.h>

#include "cli-test-utils.h"

/*
 * A real eboardd stopped in the middle of a live session that three room
 * encoders (ffmpeg: H.264 + AAC or Opus, each a different roster member
 * with their own join details) publish to over loopback SRT:
 *
 * - killed (SIGKILL): the next start ends the session as interrupted and
 *   rebuilds its recording from the segments on disk;
 * - stopped (SIGTERM): the daemon closes the conference itself (every
 *   last segment finalised), ends the session as interrupted and exits 0
 *   within its shutdown timeout; the next start has nothing to recover.
 *
 * What the publishers sent is what ffmpeg reports (-progress); the files
 * are read back with ffprobe.
 */

#define SEGMENT_SECONDS 2
#define SHUTDOWN_TIMEOUT 15
/* how much each publisher sends before the daemon is stopped */
#define SEND_SECONDS 8
/* no single wait of these tests is longer */
#define WAIT_SECONDS 40
#define N_PUBLISHERS 3

typedef struct
{
  const char *name;
  const char *email;
  const char *specialty;
  const char *role;
  const char *size;
  guint width;
  guint height;
  const char *encoder;
  const char *audio_codec; /* as ffprobe names it */
} Publisher;

static const Publisher publishers[N_PUBLISHERS] = {
  { "Ana Ortiz", "ana@lcc.example", "medical_oncology", "chair", "320x240", 320, 240, "aac",
    "aac" },
  { "Ben Ito", "ben@lcc.example", "surgery", "panelist", "256x144", 256, 144, "aac", "aac" },
  { "Cleo Berg", "cleo@lcc.example", "pathology", "panelist", "320x180", 320, 180, "libopus",
    "opus" },
};

typedef struct
{
  char *data_dir;
  char *config_path;
  EbTestDaemon *daemon;
  char *admin;
  char *session;
  gint64 people[N_PUBLISHERS];
  char *tokens[N_PUBLISHERS];
  char *tracks[N_PUBLISHERS];
  GSubprocess *senders[N_PUBLISHERS];
  char *progress[N_PUBLISHERS];
  /* what each publisher had sent when the daemon was stopped */
  gint64 sent_us[N_PUBLISHERS];
  /* segment files the timeline reported closed before the stop */
  GHashTable *closed;
} Fixture;

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* Runs eboardctl ARGS... --json and returns the parsed answer. */
static JsonNode *
ctl_json (Fixture *f, const char *token, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (EbCtlResult) r = NULL;

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, (gpointer) "--json");
  g_ptr_array_add (argv, NULL);
  r = eb_test_ctlv (f->daemon->url, token, (const char *const *)argv->pdata, NULL);
  eb_assert_ctl_ok (r);
  return eb_ctl_result_json (r);
}

static gint64
ctl_id (Fixture *f, const char *token, const char *const *args)
{
  g_autoptr (JsonNode) root = ctl_json (f, token, args);
  JsonObject *object = json_node_get_object (root);

  if (json_object_has_member (object, "entry"))
    object = json_object_get_object_member (object, "entry");
  return json_object_get_int_member (object, "id");
}

static void
daemon_start (Fixture *f)
{
  const char *args[] = { "--config", f->config_path, NULL };

  f->daemon = eb_test_daemon_start (f->data_dir, args);
}

/* A hub, three clinicians with tokens of their own, and a live session
 * with all three on its roster; @data is the shutdown timeout. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *hub = NULL;
  g_autofree char *config = g_strdup_printf ("[server]\nshutdown_timeout=%d\n"
                                             "[media]\nsegment_seconds=%d\n",
                                             GPOINTER_TO_INT (data), SEGMENT_SECONDS);
  g_autoptr (GError) error = NULL;

  f->data_dir = g_build_filename (g_get_user_data_dir (), "eboard", NULL);
  f->config_path = g_build_filename (g_get_user_config_dir (), "eboard.conf", NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
  g_file_set_contents (f->config_path, config, -1, &error);
  g_assert_no_error (error);
  f->closed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  daemon_start (f);
  f->admin = g_strdup (f->daemon->bootstrap_token);
  g_assert_nonnull (f->admin);

  hub = id_text (ctl_id (f, f->admin,
                         (const char *[]){ "site", "create", "--name", "Lakeside", "--code", "LCC",
                                           "--timezone", "UTC", "--hub", NULL }));
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (JsonNode) root = ctl_json (f, f->admin,
                                            (const char *[]){ "site", "update", hub, "--status",
                                                              i == 0 ? "vetted" : "active", NULL });
    }
  f->session = id_text (
      ctl_id (f, f->admin,
              (const char *[]){ "session", "create", "--title", "Thoracic board", "--focus", "Lung",
                                "--host-site", hub, "--start", "2027-03-03T09:00", "--duration",
                                "60", "--timezone", "UTC", NULL }));
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      const Publisher *p = &publishers[i];
      g_autofree char *person = NULL;
      g_autoptr (JsonNode) token = NULL;

      f->people[i]
          = ctl_id (f, f->admin,
                    (const char *[]){ "person", "create", "--name", p->name, "--email", p->email,
                                      "--specialty", p->specialty, "--site", hub, NULL });
      person = id_text (f->people[i]);
      f->tracks[i] = g_strdup_printf ("p%s-srt", person);
      token = ctl_json (f, f->admin,
                        (const char *[]){ "token", "create", "--role", "clinician", "--person",
                                          person, "--label", p->name, NULL });
      f->tokens[i]
          = g_strdup (json_object_get_string_member (json_node_get_object (token), "secret"));
      ctl_id (f, f->admin,
              (const char *[]){ "roster", "add", f->session, "--person", person, "--role", p->role,
                                "--status", "accepted", NULL });
    }
  {
    g_autoptr (JsonNode) scheduled
        = ctl_json (f, f->admin, (const char *[]){ "session", "schedule", f->session, NULL });
    g_autoptr (JsonNode) live
        = ctl_json (f, f->admin, (const char *[]){ "session", "start", f->session, NULL });

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (live), "state"), ==,
                     "live");
  }
}

static void
stop_senders (Fixture *f)
{
  for (guint i = 0; i < N_PUBLISHERS; i++)
    if (f->senders[i] != NULL && g_subprocess_get_identifier (f->senders[i]) != NULL)
      {
        g_subprocess_force_exit (f->senders[i]);
        g_subprocess_wait (f->senders[i], NULL, NULL);
      }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  stop_senders (f);
  if (f->daemon != NULL && g_subprocess_get_identifier (f->daemon->process) != NULL)
    g_assert_cmpint (eb_test_daemon_stop (f->daemon, SIGTERM), ==, 0);
  g_clear_pointer (&f->daemon, eb_test_daemon_free);
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      g_clear_object (&f->senders[i]);
      g_free (f->progress[i]);
      g_free (f->tokens[i]);
      g_free (f->tracks[i]);
    }
  g_clear_pointer (&f->closed, g_hash_table_unref);
  g_free (f->session);
  g_free (f->admin);
  g_free (f->config_path);
  g_free (f->data_dir);
}

/* --- the publishers --- */

/* The publish URL of the roster member @i, from their own join details. */
static char *
publish_url (Fixture *f, guint i)
{
  g_autoptr (JsonNode) root
      = ctl_json (f, f->tokens[i], (const char *[]){ "join", f->session, NULL });
  JsonObject *srt = json_object_get_object_member (json_node_get_object (root), "srt");

  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "person_id"), ==,
                   f->people[i]);
  return g_strdup (json_object_get_string_member (srt, "publish_url"));
}

/* In the child, before exec: it never outlives the test. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* ffmpeg publishing test video and a tone in real time, for longer than
 * the test lasts, reporting its progress every quarter of a second. */
static GSubprocess *
spawn_sender (Fixture *f, guint i, const char *url)
{
  const Publisher *p = &publishers[i];
  g_autofree char *video = g_strdup_printf ("testsrc2=size=%s:rate=25", p->size);
  g_autofree char *err_path = g_strdup_printf ("%s.err", f->progress[i]);
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_auto (GStrv) env = eb_test_child_environment (NULL);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { ffmpeg,
                         "-hide_banner",
                         "-nostdin",
                         "-nostats",
                         "-loglevel",
                         "error",
                         "-progress",
                         f->progress[i],
                         "-stats_period",
                         "0.25",
                         "-re",
                         "-f",
                         "lavfi",
                         "-i",
                         video,
                         "-re",
                         "-f",
                         "lavfi",
                         "-i",
                         "sine=frequency=440:sample_rate=48000",
                         "-t",
                         "60",
                         "-c:v",
                         "libx264",
                         "-preset",
                         "ultrafast",
                         "-tune",
                         "zerolatency",
                         "-g",
                         "25",
                         "-pix_fmt",
                         "yuv420p",
                         "-c:a",
                         p->encoder,
                         "-f",
                         "mpegts",
                         url,
                         NULL };
  GSubprocess *process;

  g_assert_nonnull (ffmpeg);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

/* The last out_time ffmpeg reported in @path: how much it has sent. */
static gint64
progress_sent_us (const char *path)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  gint64 sent = 0;
  guint n;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  /* the last element is an unfinished line (or empty) */
  n = g_strv_length (lines);
  for (guint i = 0; i + 1 < n; i++)
    if (g_str_has_prefix (lines[i], "out_time_us=") && g_ascii_isdigit (lines[i][12]))
      sent = g_ascii_strtoll (lines[i] + 12, NULL, 10);
  return sent;
}

static gboolean
all_sent (Fixture *f, gint64 at_least_us)
{
  for (guint i = 0; i < N_PUBLISHERS; i++)
    if (progress_sent_us (f->progress[i]) < at_least_us)
      return FALSE;
  return TRUE;
}

static void
print_sender_errors (Fixture *f)
{
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s.err", f->progress[i]);
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL) && text[0] != '\0')
        g_printerr ("ffmpeg %u: %s\n", i, text);
    }
}

/* --- what the daemon reports --- */

static JsonArray *
timeline_items (Fixture *f, JsonNode **root)
{
  *root
      = ctl_json (f, f->admin, (const char *[]){ "timeline", f->session, "--limit", "500", NULL });
  return json_object_get_array_member (json_node_get_object (*root), "items");
}

static guint
count_kind (JsonArray *items, const char *kind, const char *track)
{
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *event = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (event, "kind"), kind) == 0
          && (track == NULL
              || g_strcmp0 (json_object_get_string_member_with_default (event, "track", NULL),
                            track)
                     == 0))
        count++;
    }
  return count;
}

/* Remembers the segments the timeline reports closed; TRUE once every
 * track has at least @n. */
static gboolean
note_closed_segments (Fixture *f, guint n)
{
  g_autoptr (JsonNode) root = NULL;
  JsonArray *items = timeline_items (f, &root);
  gboolean enough = TRUE;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *event = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (event, "kind"), "segment-closed"))
        g_hash_table_add (f->closed, g_strdup (json_object_get_string_member (event, "detail")));
    }
  for (guint i = 0; i < N_PUBLISHERS; i++)
    if (count_kind (items, "segment-closed", f->tracks[i]) < n)
      enough = FALSE;
  return enough;
}

/* The three roster members publish; returns once each has sent
 * SEND_SECONDS and each track has closed segments, then notes what each
 * has sent. */
static void
publish_for_a_while (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      g_autofree char *url = publish_url (f, i);
      g_autofree char *name = g_strdup_printf ("progress-%u.txt", i);

      f->progress[i] = g_build_filename (g_get_user_cache_dir (), name, NULL);
      g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
      f->senders[i] = spawn_sender (f, i, url);
    }
  for (;;)
    {
      /* a loaded machine sends slower than real time: wait on what was
       * sent, not on the clock */
      if (all_sent (f, SEND_SECONDS * G_USEC_PER_SEC) && note_closed_segments (f, 2))
        break;
      for (guint i = 0; i < N_PUBLISHERS; i++)
        if (g_subprocess_get_identifier (f->senders[i]) == NULL)
          {
            print_sender_errors (f);
            g_error ("publisher %u exited early", i);
          }
      if (g_get_monotonic_time () > deadline)
        {
          print_sender_errors (f);
          g_error ("the publishers did not send %d s with closed segments within %d s",
                   SEND_SECONDS, WAIT_SECONDS);
        }
      g_usleep (250 * 1000);
    }
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      f->sent_us[i] = progress_sent_us (f->progress[i]);
      g_test_message ("%s sent %" G_GINT64_FORMAT " ms", f->tracks[i], f->sent_us[i] / 1000);
    }
}

/* --- reading the files back --- */

typedef struct
{
  gint64 duration_us;
  char *video_codec;
  guint width;
  guint height;
  char *audio_codec;
} Probe;

static void
probe_clear (Probe *probe)
{
  g_clear_pointer (&probe->video_codec, g_free);
  g_clear_pointer (&probe->audio_codec, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Probe, probe_clear)

/* What ffprobe reads in @path; FALSE when it cannot. */
static gboolean
probe_file (const char *path, Probe *probe)
{
  g_autofree char *ffprobe = g_find_program_in_path ("ffprobe");
  const char *argv[] = { ffprobe,
                         "-v",
                         "error",
                         "-show_entries",
                         "format=duration:stream=codec_type,codec_name,width,height",
                         "-of",
                         "json",
                         path,
                         NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;
  JsonArray *streams;

  g_assert_nonnull (ffprobe);
  if (eb_test_run (argv, NULL, &out, &err) != 0)
    {
      g_test_message ("ffprobe %s: %s", path, err);
      return FALSE;
    }
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "format") || !json_object_has_member (root, "streams"))
    return FALSE;
  probe->duration_us = (gint64)(g_ascii_strtod (json_object_get_string_member_with_default (
                                                    json_object_get_object_member (root, "format"),
                                                    "duration", "0"),
                                                NULL)
                                * G_USEC_PER_SEC);
  streams = json_object_get_array_member (root, "streams");
  for (guint i = 0; i < json_array_get_length (streams); i++)
    {
      JsonObject *stream = json_array_get_object_element (streams, i);
      const char *type = json_object_get_string_member (stream, "codec_type");
      const char *codec = json_object_get_string_member_with_default (stream, "codec_name", "");

      if (g_str_equal (type, "video") && probe->video_codec == NULL)
        {
          probe->video_codec = g_strdup (codec);
          probe->width = (guint)json_object_get_int_member_with_default (stream, "width", 0);
          probe->height = (guint)json_object_get_int_member_with_default (stream, "height", 0);
        }
      else if (g_str_equal (type, "audio") && probe->audio_codec == NULL)
        probe->audio_codec = g_strdup (codec);
    }
  return TRUE;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

/* The non-empty segment files of @track in @dir, sorted. */
static GPtrArray *
segments_on_disk (const char *dir, const char *track)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  g_autofree char *prefix = g_strdup_printf ("%s-", track);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".ts")
          && g_stat (path, &st) == 0 && st.st_size > 0)
        g_ptr_array_add (files, g_strdup (name));
    }
  g_ptr_array_sort (files, compare_names);
  return files;
}

/* The session's one recording, as the API shows it. */
static JsonNode *
session_recording (Fixture *f)
{
  g_autoptr (JsonNode) list = ctl_json (
      f, f->admin, (const char *[]){ "recording", "list", "--session", f->session, NULL });
  JsonArray *items = json_object_get_array_member (json_node_get_object (list), "items");
  g_autofree char *id = NULL;

  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  id = id_text (json_object_get_int_member (json_array_get_object_element (items, 0), "id"));
  return ctl_json (f, f->admin, (const char *[]){ "recording", "show", id, NULL });
}

static JsonObject *
find_track (JsonArray *tracks, const char *name)
{
  for (guint i = 0; i < json_array_get_length (tracks); i++)
    {
      JsonObject *track = json_array_get_object_element (tracks, i);

      if (g_strcmp0 (json_object_get_string_member (track, "name"), name) == 0)
        return track;
    }
  return NULL;
}

/*
 * The recording is interrupted with the three tracks; each segment it
 * lists is on disk as listed (size, SHA-256) and plays: H.264 at the size
 * sent, with the audio sent. Every segment file on disk is listed, but
 * for a @killed daemon's last file of a track (the one being written),
 * which may be too short to play. Every segment the timeline reported
 * closed is listed. Returns each track's duration as ffprobe reads it.
 */
static void
check_recording (Fixture *f, gboolean killed, gint64 recorded_us[N_PUBLISHERS])
{
  g_autoptr (JsonNode) root = session_recording (f);
  JsonObject *recording = json_node_get_object (root);
  JsonArray *tracks = json_object_get_array_member (recording, "tracks");
  g_autofree char *dir_name = g_strdup_printf ("session-%s", f->session);
  g_autofree char *dir = g_build_filename (f->data_dir, "recordings", dir_name, NULL);
  g_autoptr (GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer closed;

  g_assert_cmpstr (json_object_get_string_member (recording, "state"), ==, "interrupted");
  g_assert_cmpuint (json_array_get_length (tracks), ==, N_PUBLISHERS);
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      const Publisher *p = &publishers[i];
      JsonObject *track = find_track (tracks, f->tracks[i]);
      JsonArray *segments;
      g_autoptr (GPtrArray) on_disk = NULL;
      gint64 listed_us = 0;

      g_assert_nonnull (track);
      g_assert_cmpint (json_object_get_int_member (track, "person_id"), ==, f->people[i]);
      g_assert_cmpstr (json_object_get_string_member (track, "video_codec"), ==, "h264");
      g_assert_cmpstr (json_object_get_string_member (track, "audio_codec"), ==, p->audio_codec);
      g_assert_cmpint (json_object_get_int_member (track, "width"), ==, p->width);
      g_assert_cmpint (json_object_get_int_member (track, "height"), ==, p->height);
      segments = json_object_get_array_member (track, "segments");
      g_assert_cmpuint (json_array_get_length (segments), >=, 2);
      recorded_us[i] = 0;
      for (guint j = 0; j < json_array_get_length (segments); j++)
        {
          JsonObject *segment = json_array_get_object_element (segments, j);
          const char *file = json_object_get_string_member (segment, "file");
          g_autofree char *path = g_build_filename (dir, file, NULL);
          g_autofree char *sha256 = NULL;
          g_auto (Probe) probe = { 0 };
          GStatBuf st;

          g_assert_cmpint (g_stat (path, &st), ==, 0);
          g_assert_cmpint (st.st_size, ==, json_object_get_int_member (segment, "size"));
          sha256 = file_sha256 (path);
          g_assert_cmpstr (sha256, ==, json_object_get_string_member (segment, "sha256"));
          if (!probe_file (path, &probe))
            g_error ("%s is listed but does not play", file);
          g_test_message (
              "%s: %" G_GINT64_FORMAT " ms listed, %" G_GINT64_FORMAT " ms read, %s %ux%u, %s",
              file, json_object_get_int_member (segment, "duration_ms"), probe.duration_us / 1000,
              probe.video_codec, probe.width, probe.height, probe.audio_codec);
          g_assert_cmpstr (probe.video_codec, ==, "h264");
          g_assert_cmpuint (probe.width, ==, p->width);
          g_assert_cmpuint (probe.height, ==, p->height);
          g_assert_cmpstr (probe.audio_codec, ==, p->audio_codec);
          g_assert_cmpint (probe.duration_us, >, 0);
          recorded_us[i] += probe.duration_us;
          listed_us += json_object_get_int_member (segment, "duration_ms") * 1000;
          g_hash_table_add (listed, (gpointer)file);
        }
      /* the listed durations are what the files hold */
      g_assert_cmpint (ABS (listed_us - recorded_us[i]), <=,
                       G_USEC_PER_SEC / 2 + json_array_get_length (segments) * G_USEC_PER_SEC / 10);

      on_disk = segments_on_disk (dir, f->tracks[i]);
      for (guint j = 0; j < on_disk->len; j++)
        {
          const char *file = g_ptr_array_index (on_disk, j);

          if (g_hash_table_contains (listed, file))
            continue;
          if (killed && j + 1 == on_disk->len)
            {
              g_autofree char *path = g_build_filename (dir, file, NULL);
              g_auto (Probe) probe = { 0 };
              gboolean plays = probe_file (path, &probe);

              g_test_message (
                  "%s (being written at the kill) is not listed; ffprobe %s %" G_GINT64_FORMAT
                  " ms",
                  file, plays ? "reads" : "cannot read", probe.duration_us / 1000);
              continue;
            }
          g_error ("%s is on disk but not in the recording", file);
        }
    }
  g_hash_table_iter_init (&iter, f->closed);
  while (g_hash_table_iter_next (&iter, &closed, NULL))
    if (!g_hash_table_contains (listed, closed))
      g_error ("%s was reported closed but is not in the recording", (const char *)closed);
  g_assert_cmpuint (g_hash_table_size (f->closed), >=, 2 * N_PUBLISHERS);
}

/* The session ended; its timeline shows the joins and, last, the
 * interruption (whose detail contains @detail); its attendance the three
 * people, none still connected. */
static void
check_session (Fixture *f, const char *detail)
{
  g_autoptr (JsonNode) session
      = ctl_json (f, f->admin, (const char *[]){ "session", "show", f->session, NULL });
  g_autoptr (JsonNode) timeline = NULL;
  g_autoptr (JsonNode) attendance = NULL;
  JsonArray *items = timeline_items (f, &timeline);
  JsonObject *last;
  JsonArray *people;

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (session), "state"), ==,
                   "ended");

  g_assert_cmpuint (count_kind (items, "session-started", NULL), ==, 1);
  g_assert_cmpuint (count_kind (items, "session-interrupted", NULL), ==, 1);
  g_assert_cmpuint (count_kind (items, "session-ended", NULL), ==, 0);
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      g_assert_cmpuint (count_kind (items, "participant-joined", f->tracks[i]), >=, 1);
      g_assert_cmpuint (count_kind (items, "track-started", f->tracks[i]), >=, 1);
    }
  last = json_array_get_object_element (items, json_array_get_length (items) - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "kind"), ==, "session-interrupted");
  eb_assert_contains (json_object_get_string_member (last, "detail"), detail);

  attendance = ctl_json (f, f->admin, (const char *[]){ "attendance", f->session, NULL });
  people = json_object_get_array_member (json_node_get_object (attendance), "items");
  g_assert_cmpuint (json_array_get_length (people), ==, N_PUBLISHERS);
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      JsonObject *person = json_array_get_object_element (people, i);
      gboolean known = FALSE;

      for (guint j = 0; j < N_PUBLISHERS; j++)
        known = known || json_object_get_int_member (person, "person_id") == f->people[j];
      g_assert_true (known);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (person, "spans")), >=,
                        1);
      g_assert_false (json_object_get_boolean_member (person, "connected"));
      g_assert_false (json_object_get_null_member (person, "last_left_at"));
      /* present for (about) as long as they published */
      g_assert_cmpint (json_object_get_int_member (person, "present_ms"), >=,
                       (SEND_SECONDS - SEGMENT_SECONDS - 1) * 1000);
    }
}

/* --- the cases --- */

/* SIGKILL: nothing is finalised; the next start recovers the session from
 * the files. At most a segment (plus the start-up) of each track is lost. */
static void
test_sigkill (Fixture *f, gconstpointer data)
{
  gint64 recorded_us[N_PUBLISHERS];
  g_autofree char *log = NULL;

  publish_for_a_while (f);
  eb_test_daemon_kill (f->daemon);
  stop_senders (f);
  g_clear_pointer (&f->daemon, eb_test_daemon_free);

  daemon_start (f);
  log = eb_test_daemon_get_stderr (f->daemon);
  g_test_message ("eboardd restarted:\n%s", log);
  eb_assert_contains (log, "recovered 1 session(s) interrupted by the previous stop");

  check_session (f, "rebuilt from");
  check_recording (f, TRUE, recorded_us);
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      g_test_message ("%s: sent %" G_GINT64_FORMAT " ms before the kill, %" G_GINT64_FORMAT
                      " ms recorded",
                      f->tracks[i], f->sent_us[i] / 1000, recorded_us[i] / 1000);
      g_assert_cmpint (recorded_us[i], >=,
                       f->sent_us[i] - (SEGMENT_SECONDS + 2) * (gint64)G_USEC_PER_SEC);
      g_assert_cmpint (recorded_us[i], <=, f->sent_us[i] + G_USEC_PER_SEC);
    }
}

/* What the database holds after eboardd exited: @session ended, its
 * recording interrupted with three tracks, session-interrupted last. */
static void
check_database (Fixture *f)
{
  g_autofree char *db_path = g_build_filename (f->data_dir, "eboard.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EbStore) store = eb_store_open (db_path, NULL, &error);
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  gint64 id = g_ascii_strtoll (f->session, NULL, 10);
  const EbTimelineEvent *last;

  g_assert_no_error (error);
  session = eb_store_session_get (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, EB_SESSION_STATE_ENDED);
  recording = eb_store_recording_find_by_session (store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (recording);
  g_assert_cmpint (recording->state, ==, EB_RECORDING_STATE_INTERRUPTED);
  g_assert_cmpuint (recording->tracks->len, ==, N_PUBLISHERS);
  timeline = eb_store_timeline_list (store, id, NULL, NULL, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (timeline, timeline->len - 1);
  g_assert_cmpint (last->kind, ==, EB_TIMELINE_SESSION_INTERRUPTED);
  eb_store_close (store);
}

/* SIGTERM: the daemon closes the conference, every recorder finalises
 * its last segment, the session ends as interrupted before the exit. */
static void
test_sigterm (Fixture *f, gconstpointer data)
{
  gint64 recorded_us[N_PUBLISHERS];
  gint64 final_us[N_PUBLISHERS];
  g_autofree char *log = NULL;
  g_autofree char *stopped = NULL;
  gint64 started, elapsed;

  publish_for_a_while (f);
  started = g_get_monotonic_time ();
  g_assert_cmpint (eb_test_daemon_stop (f->daemon, SIGTERM), ==, 0);
  elapsed = g_get_monotonic_time () - started;
  g_test_message ("eboardd stopped in %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, <, SHUTDOWN_TIMEOUT * G_USEC_PER_SEC);

  log = eb_test_daemon_get_stderr (f->daemon);
  g_test_message ("eboardd stopped:\n%s", log);
  stopped = g_strdup_printf ("session %s stopped with eboardd: conference closed, ended as "
                             "interrupted",
                             f->session);
  eb_assert_contains (log, stopped);
  eb_assert_contains (log, "1 live session(s) ended as interrupted");
  g_assert_null (strstr (log, "the manifest did not list"));
  g_assert_null (strstr (log, "timed out"));
  stop_senders (f);
  for (guint i = 0; i < N_PUBLISHERS; i++)
    final_us[i] = progress_sent_us (f->progress[i]);

  /* ended before the exit: nothing is left to recover */
  check_database (f);
  g_clear_pointer (&f->daemon, eb_test_daemon_free);
  daemon_start (f);
  g_clear_pointer (&log, g_free);
  log = eb_test_daemon_get_stderr (f->daemon);
  g_assert_null (strstr (log, "recovered"));

  check_session (f, "conference closed");
  check_recording (f, FALSE, recorded_us);
  for (guint i = 0; i < N_PUBLISHERS; i++)
    {
      g_test_message ("%s: sent %" G_GINT64_FORMAT " ms at the stop, %" G_GINT64_FORMAT
                      " ms in all, %" G_GINT64_FORMAT " ms recorded",
                      f->tracks[i], f->sent_us[i] / 1000, final_us[i] / 1000,
                      recorded_us[i] / 1000);
      g_assert_cmpint (recorded_us[i], >=, f->sent_us[i] - G_USEC_PER_SEC);
      g_assert_cmpint (recorded_us[i], <=, final_us[i] + G_USEC_PER_SEC);
    }
}

/* SIGTERM with shutdown_timeout=0: no time to close anything; the
 * daemon still exits 0 at once, and the next start recovers the
 * session. */
static void
test_sigterm_no_time (Fixture *f, gconstpointer data)
{
  g_autofree char *log = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonArray *items;
  JsonObject *last;

  g_assert_cmpint (eb_test_daemon_stop (f->daemon, SIGTERM), ==, 0);
  log = eb_test_daemon_get_stderr (f->daemon);
  eb_assert_contains (log, "no time left to close 1 live session(s); the next start recovers them");
  g_assert_null (strstr (log, "stopped with eboardd"));

  g_clear_pointer (&f->daemon, eb_test_daemon_free);
  daemon_start (f);
  g_clear_pointer (&log, g_free);
  log = eb_test_daemon_get_stderr (f->daemon);
  eb_assert_contains (log, "recovered 1 session(s) interrupted by the previous stop");
  items = timeline_items (f, &root);
  last = json_array_get_object_element (items, json_array_get_length (items) - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "kind"), ==, "session-interrupted");
  eb_assert_contains (json_object_get_string_member (last, "detail"), "rebuilt from 0 segments");
}

int
main (int argc, char **argv)
{
  eb_test_utils_init ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/eboard/daemon/live-faults/sigkill", Fixture, GINT_TO_POINTER (SHUTDOWN_TIMEOUT),
              fixture_setup, test_sigkill, fixture_teardown);
  g_test_add ("/eboard/daemon/live-faults/sigterm", Fixture, GINT_TO_POINTER (SHUTDOWN_TIMEOUT),
              fixture_setup, test_sigterm, fixture_teardown);
  g_test_add ("/eboard/daemon/live-faults/sigterm-no-time", Fixture, GINT_TO_POINTER (0),
              fixture_setup, test_sigterm_no_time, fixture_teardown);
  return g_test_run ();
}
