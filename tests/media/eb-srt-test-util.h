/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * Shared by the SRT, relay and media plane tests: a real media plane on
 * 127.0.0.1 port 0 over a temporary recordings folder, its events,
 * join credentials, real senders (ffmpeg) and a plain libsrt caller.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <srt/srt.h>

#include <eboard/eboard.h>

#include "eb-media-test-util.h"

#define EB_TEST_KEY_LENGTH 32
/* No single wait in these tests is longer. */
#define EB_TEST_WAIT_SECONDS 30

typedef struct
{
  char *dir;
  char *recordings_dir;
  guint8 key[EB_TEST_KEY_LENGTH];
  EbMediaPlane *plane;
  GPtrArray *events; /* EbMediaEvent */
  guint port;
  GThread *main_thread;
} EbTestPlane;

static inline void
eb_test_plane_event_cb (EbMediaPlane *plane, EbMediaEvent *event, EbTestPlane *fixture)
{
  /* always on the main context, in the thread that runs it */
  g_assert_true (g_thread_self () == fixture->main_thread);
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_test_message ("event %s session %" G_GINT64_FORMAT " person %" G_GINT64_FORMAT " track %s: %s",
                  eb_media_event_kind_to_string (event->kind), event->session_id, event->person_id,
                  event->track != NULL ? event->track : "-",
                  event->detail != NULL ? event->detail : "");
  g_ptr_array_add (fixture->events, eb_media_event_copy (event));
}

static inline void
eb_test_plane_setup (EbTestPlane *fixture, guint segment_seconds, gsize queue_bytes)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pipelines = NULL;
  EbMediaSettings settings = { 0 };
  const char *source_root = g_getenv ("EB_SOURCE_ROOT");

  fixture->main_thread = g_thread_self ();
  fixture->dir = g_dir_make_tmp ("eb-media-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->recordings_dir = g_build_filename (fixture->dir, "recordings", NULL);
  for (guint i = 0; i < EB_TEST_KEY_LENGTH; i++)
    fixture->key[i] = (guint8)g_random_int ();
  fixture->events = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_media_event_free);

  pipelines = g_build_filename (source_root != NULL ? source_root : ".", "pipelines", NULL);
  settings.pipelines_dir = pipelines;
  settings.recordings_dir = fixture->recordings_dir;
  settings.srt_address = "127.0.0.1";
  settings.srt_port = 0;
  settings.segment_seconds = segment_seconds;
  settings.subscriber_queue_bytes = queue_bytes;
  settings.credential_key = fixture->key;
  settings.credential_key_length = EB_TEST_KEY_LENGTH;
  fixture->plane = eb_media_plane_new (&settings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->plane);
  g_signal_connect (fixture->plane, "event", G_CALLBACK (eb_test_plane_event_cb), fixture);
  g_assert_true (eb_media_plane_start (fixture->plane, &error));
  g_assert_no_error (error);
  fixture->port = eb_media_plane_get_srt_port (fixture->plane);
  g_assert_cmpuint (fixture->port, >, 0);
}

static inline void
eb_test_plane_teardown (EbTestPlane *fixture)
{
  GWeakRef weak;

  g_weak_ref_init (&weak, fixture->plane);
  g_clear_object (&fixture->plane);
  /* nothing kept the plane alive */
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
  /* handovers queued before it went away do nothing now */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_ptr_array_unref (fixture->events);
  eb_test_rm_rf (fixture->dir);
  g_free (fixture->recordings_dir);
  g_free (fixture->dir);
}

static inline char *
eb_test_credential (const guint8 *key, EbId session_id, EbId person_id, gint64 expires_at)
{
  EbJoinClaims claims = {
    .session_id = session_id,
    .person_id = person_id,
    .expires_at = expires_at != 0 ? expires_at : g_get_real_time () / G_USEC_PER_SEC + 3600,
  };

  return eb_join_credential_issue (key, EB_TEST_KEY_LENGTH, &claims);
}

static inline char *
eb_test_passphrase (EbTestPlane *fixture, EbId session_id)
{
  return eb_join_session_passphrase (fixture->key, EB_TEST_KEY_LENGTH, session_id);
}

/* "srt://127.0.0.1:PORT?streamid=...&passphrase=..." for ffmpeg */
static inline char *
eb_test_srt_url (guint port, const char *stream_id, const char *passphrase)
{
  g_autofree char *escaped_id = g_uri_escape_string (stream_id, NULL, FALSE);
  g_autofree char *escaped_pass
      = passphrase != NULL ? g_uri_escape_string (passphrase, NULL, FALSE) : NULL;

  if (escaped_pass == NULL)
    return g_strdup_printf ("srt://127.0.0.1:%u?mode=caller&streamid=%s", port, escaped_id);
  return g_strdup_printf ("srt://127.0.0.1:%u?mode=caller&streamid=%s&passphrase=%s&pbkeylen=16",
                          port, escaped_id, escaped_pass);
}

/* Iterates the default main context until @check is true, failing the
 * test after @seconds. */
static inline void
eb_test_wait_until (gboolean (*check) (gpointer data), gpointer data, guint seconds,
                    const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)seconds * G_USEC_PER_SEC;

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

/* Iterates the main context for @ms milliseconds. */
static inline void
eb_test_run_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static inline guint
eb_test_count_events (EbTestPlane *fixture, EbMediaEventKind kind, EbId person_id)
{
  guint count = 0;

  for (guint i = 0; i < fixture->events->len; i++)
    {
      EbMediaEvent *event = g_ptr_array_index (fixture->events, i);

      if (event->kind == kind && (person_id == 0 || event->person_id == person_id))
        count++;
    }
  return count;
}

typedef struct
{
  EbTestPlane *fixture;
  EbMediaEventKind kind;
  EbId person_id;
  guint count;
} EbTestEventWait;

static inline gboolean
eb_test_event_count_reached (gpointer data)
{
  EbTestEventWait *wait = data;

  return eb_test_count_events (wait->fixture, wait->kind, wait->person_id) >= wait->count;
}

static inline void
eb_test_wait_for_events (EbTestPlane *fixture, EbMediaEventKind kind, EbId person_id, guint count)
{
  EbTestEventWait wait = { fixture, kind, person_id, count };
  g_autofree char *what
      = g_strdup_printf ("%u %s events", count, eb_media_event_kind_to_string (kind));

  eb_test_wait_until (eb_test_event_count_reached, &wait, EB_TEST_WAIT_SECONDS, what);
}

/* --- closing a conference --- */

typedef struct
{
  GAsyncResult *result;
} EbTestAsync;

static inline void
eb_test_async_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbTestAsync *async = user_data;

  async->result = g_object_ref (result);
}

static inline gboolean
eb_test_async_done (gpointer data)
{
  return ((EbTestAsync *)data)->result != NULL;
}

static inline EbRecordingManifest *
eb_test_close_conference (EbTestPlane *fixture, EbId session_id, GError **error)
{
  EbTestAsync async = { NULL };
  EbRecordingManifest *manifest;

  eb_media_plane_close_conference_async (fixture->plane, session_id, NULL, eb_test_async_cb,
                                         &async);
  eb_test_wait_until (eb_test_async_done, &async, EB_TEST_WAIT_SECONDS, "the conference to close");
  manifest = eb_media_plane_close_conference_finish (fixture->plane, async.result, error);
  g_object_unref (async.result);
  return manifest;
}

/* --- real senders and readers --- */

static inline gboolean
eb_test_have_program (const char *program)
{
  g_autofree char *path = g_find_program_in_path (program);

  return path != NULL;
}

/* ffmpeg publishing @seconds of test video (@size, 30 fps, H.264) and a
 * tone (@audio_codec: "aac" or "libopus") as MPEG-TS to @url, in real
 * time. Extra arguments (e.g. "-muxrate") may follow in @extra. */
static inline GSubprocess *
eb_test_spawn_publisher (const char *url, const char *size, const char *audio_codec, guint seconds,
                         const char *const *extra)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *video = g_strdup_printf ("testsrc2=size=%s:rate=30", size);
  GSubprocess *process;

  g_ptr_array_add (argv, g_strdup ("ffmpeg"));
  {
    const char *head[] = { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
                           "-re",          "-f",       "lavfi",    "-i" };

    for (guint i = 0; i < G_N_ELEMENTS (head); i++)
      g_ptr_array_add (argv, g_strdup (head[i]));
  }
  g_ptr_array_add (argv, g_strdup (video));
  g_ptr_array_add (argv, g_strdup ("-re"));
  g_ptr_array_add (argv, g_strdup ("-f"));
  g_ptr_array_add (argv, g_strdup ("lavfi"));
  g_ptr_array_add (argv, g_strdup ("-i"));
  g_ptr_array_add (argv, g_strdup ("sine=frequency=440:sample_rate=48000"));
  {
    const char *codec[]
        = { "-t",          NULL, "-c:v", "libx264",  "-preset", "ultrafast", "-tune",
            "zerolatency", "-g", "30",   "-pix_fmt", "yuv420p", "-c:a" };

    for (guint i = 0; i < G_N_ELEMENTS (codec); i++)
      g_ptr_array_add (argv,
                       codec[i] != NULL ? g_strdup (codec[i]) : g_strdup_printf ("%u", seconds));
  }
  g_ptr_array_add (argv, g_strdup (audio_codec));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra[i]));
  g_ptr_array_add (argv, g_strdup ("-f"));
  g_ptr_array_add (argv, g_strdup ("mpegts"));
  g_ptr_array_add (argv, g_strdup (url));
  g_ptr_array_add (argv, NULL);

  process
      = g_subprocess_newv ((const char *const *)argv->pdata, G_SUBPROCESS_FLAGS_STDIN_PIPE, &error);
  g_assert_no_error (error);
  return process;
}

typedef struct
{
  GSubprocess *process;
  gboolean done;
} EbTestProcessWait;

static inline void
eb_test_process_wait_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbTestProcessWait *wait = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  wait->done = TRUE;
}

static inline gboolean
eb_test_process_done (gpointer data)
{
  return ((EbTestProcessWait *)data)->done;
}

/* Waits (iterating the main context) for @process to exit; returns its
 * exit status, or -1 when it was killed. */
static inline int
eb_test_wait_process (GSubprocess *process, guint seconds)
{
  EbTestProcessWait wait = { process, FALSE };

  g_subprocess_wait_async (process, NULL, eb_test_process_wait_cb, &wait);
  eb_test_wait_until (eb_test_process_done, &wait, seconds, "a child process to exit");
  if (!g_subprocess_get_if_exited (process))
    return -1;
  return g_subprocess_get_exit_status (process);
}

/* A plain libsrt caller; returns the connected socket, or
 * SRT_INVALID_SOCK with the rejection reason in @reject_reason. */
static inline SRTSOCKET
eb_test_srt_connect (guint port, const char *stream_id, const char *passphrase, int *reject_reason)
{
  SRTSOCKET socket = srt_create_socket ();
  struct sockaddr_in address;
  int timeout_ms = 10000;

  g_assert_cmpint (socket, !=, SRT_INVALID_SOCK);
  srt_setsockflag (socket, SRTO_CONNTIMEO, &timeout_ms, sizeof timeout_ms);
  if (stream_id != NULL)
    srt_setsockflag (socket, SRTO_STREAMID, stream_id, (int)strlen (stream_id));
  if (passphrase != NULL)
    srt_setsockflag (socket, SRTO_PASSPHRASE, passphrase, (int)strlen (passphrase));
  memset (&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons ((guint16)port);
  inet_pton (AF_INET, "127.0.0.1", &address.sin_addr);
  if (srt_connect (socket, (struct sockaddr *)&address, sizeof address) == SRT_ERROR)
    {
      g_test_message ("SRT caller refused: %s (%d: %s)", srt_getlasterror_str (),
                      srt_getrejectreason (socket),
                      srt_rejectreason_str (srt_getrejectreason (socket)));
      if (reject_reason != NULL)
        *reject_reason = srt_getrejectreason (socket);
      srt_close (socket);
      return SRT_INVALID_SOCK;
    }
  if (reject_reason != NULL)
    *reject_reason = 0;
  return socket;
}

/* Frames ffprobe decodes from the first video stream of @path. */
static inline guint
eb_test_count_video_frames (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *output = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "ffprobe", "-v", "error", "-count_frames", "-select_streams",
                              "v:0", "-show_entries", "stream=nb_read_frames", "-of",
                              "default=nw=1:nk=1", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  if (output == NULL || !g_ascii_isdigit (output[0]))
    return 0;
  return (guint)g_ascii_strtoull (output, NULL, 10);
}

/* The duration ffprobe reads from the container of @path, or 0. */
static inline GstClockTime
eb_test_ffprobe_duration (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *output = NULL;
  double seconds;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "ffprobe", "-v", "error", "-show_entries", "format=duration",
                              "-of", "default=nw=1:nk=1", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  if (output == NULL || !g_ascii_isdigit (output[0]))
    return 0;
  seconds = g_ascii_strtod (output, NULL);
  return (GstClockTime)(seconds * GST_SECOND);
}
