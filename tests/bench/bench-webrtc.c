/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * WebRTC forwarding benchmark: one publisher (VP8 and Opus from live
 * encoders) and N receive-only subscribers that count what arrives
 * without decoding, all webrtcbin clients in this process, forwarded by
 * the real eboardd (WHIP and WHEP) and, in the same run, by Janus's
 * VideoRoom plugin. Per server and N it reports:
 * - join latency: from just before the publisher's offer is posted to the
 *   first keyframe (the first picture a decoder could show) at each
 *   subscriber, median and maximum; the subscribers start subscribing
 *   all at once as soon as the server takes subscribers to the publisher:
 *   at eboard's WHIP answer, at Janus's "webrtcup" of the publisher (its
 *   VideoRoom refuses subscribers before);
 * - the server process's CPU (utime + stime of /proc/PID/stat) while
 *   media flows to every subscriber, per forwarded track (one
 *   subscriber's audio and video of the publisher) and media minute;
 * - the server's peak resident set (VmHWM);
 * - video and audio frames received per subscriber against those sent,
 *   and each video frame's way from the publisher to a subscriber.
 * A fresh server for every run; a fresh eboardd is warmed up with one
 * WHEP connection first (it makes its DTLS key at its first connection,
 * Janus while it starts). Everything on 127.0.0.1. docs/BENCHMARKS.md
 * describes the setup and the figures.
 *
 * usage: bench-webrtc EBOARDD IFADDRS-PRELOAD
 *   IFADDRS-PRELOAD: the built bench-webrtc-ifaddrs library (see there),
 *   preloaded into Janus
 * environment (defaults):
 *   BENCH_SUBSCRIBERS    subscriber counts, comma-separated (1,10,30)
 *   BENCH_SERVERS        which servers, in order (eboard,janus)
 *   BENCH_MEDIA_SECONDS  media seconds measured per run (60)
 *   BENCH_VIDEO          the publisher's video, WIDTHxHEIGHT@FPS (640x480@30)
 *   BENCH_VIDEO_KBPS     its VP8 bitrate (1000)
 *   BENCH_KEEP           1: keep the temporary folder (logs)
 * Exit status: 0 when every run connected every subscriber, 1 when one
 * did not, a server failed or the publisher could not keep its frame
 * rate, 2 for bad settings or when Janus is asked for and not installed.
 */

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gst/gst.h>

#include "bench-webrtc-client.h"
#include "bench-webrtc-eboard.h"
#include "bench-webrtc-janus.h"
#include "bench-webrtc-proc.h"
#include "bench-webrtc-transit.h"
#include "bench-webrtc-trial.h"

/* The longest wait for every subscriber's first keyframe after the
 * publisher's offer, and for a client's signalling step. */
#define JOIN_TIMEOUT_S 30
#define SIGNALLING_TIMEOUT_S 20
/* Between the last first keyframe and the measured window. */
#define SETTLE_S 2

typedef struct
{
  const char *eboardd;
  const char *preload;
  char *janus;
  char *tmp;
  double media_seconds;
  BenchVideo video;
  GArray *counts;  /* guint */
  GArray *servers; /* BenchServerKind */
  GPtrArray *trials;
} Bench;

/* --- the server under test --- */

typedef struct
{
  BenchServerKind kind;
  BenchEboard *eboard;
  BenchJanus *janus;
  char *whep_url;
} Server;

static gboolean
server_start (Bench *bench, Server *server, BenchServerKind kind, guint n, GError **error)
{
  g_autofree char *dir = g_strdup_printf ("%s/%s-%u", bench->tmp, bench_server_name (kind), n);
  g_autofree char *log = g_strdup_printf ("%s/%s-%u.log", bench->tmp, bench_server_name (kind), n);

  server->kind = kind;
  g_mkdir_with_parents (dir, 0700);
  if (kind == BENCH_SERVER_EBOARD)
    {
      /* the publisher, every subscriber and the warm-up viewer are people
       * of the roster */
      server->eboard = bench_eboard_start (bench->eboardd, dir, log, n + 2, error);
      if (server->eboard != NULL)
        server->whep_url = bench_eboard_dup_url (server->eboard, "whep");
      return server->eboard != NULL;
    }
  server->janus = bench_janus_start (bench->janus, bench->preload, dir, log, error);
  return server->janus != NULL;
}

static BenchProc *
server_proc (Server *server)
{
  return server->kind == BENCH_SERVER_EBOARD ? bench_eboard_get_proc (server->eboard)
                                             : bench_janus_get_proc (server->janus);
}

static gboolean
server_stop (Server *server)
{
  gboolean clean = TRUE;

  if (server->eboard != NULL)
    clean = bench_eboard_stop (server->eboard);
  if (server->janus != NULL)
    clean = bench_janus_stop (server->janus);
  g_clear_pointer (&server->eboard, bench_eboard_free);
  g_clear_pointer (&server->janus, bench_janus_free);
  g_clear_pointer (&server->whep_url, g_free);
  return clean;
}

/* --- subscribers: one thread each for the signalling --- */

typedef struct
{
  GMutex lock;
  GCond cond;
  guint ready;
  gboolean go;
  gboolean cancelled;
} Gate;

typedef struct
{
  Server *server;
  Gate *gate;
  guint index;
  BenchClient *client;
  char *failure;       /* set by the thread */
  gboolean given_up;   /* set by the thread: the run ended before it began */
  gint64 signalled_us; /* monotonic, set by the thread */
} Subscriber;

static void
subscriber_free (Subscriber *subscriber)
{
  g_clear_pointer (&subscriber->client, bench_client_free);
  g_free (subscriber->failure);
  g_free (subscriber);
}

/* Counts the thread as ready, then waits until the server takes
 * subscribers; FALSE when the run was given up instead. */
static gboolean
gate_pass (Gate *gate)
{
  gboolean go;

  g_mutex_lock (&gate->lock);
  gate->ready++;
  g_cond_broadcast (&gate->cond);
  while (!gate->go && !gate->cancelled)
    g_cond_wait (&gate->cond, &gate->lock);
  go = gate->go;
  g_mutex_unlock (&gate->lock);
  return go;
}

static void
gate_open (Gate *gate, gboolean go)
{
  g_mutex_lock (&gate->lock);
  if (go)
    gate->go = TRUE;
  else
    gate->cancelled = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

/* Waits up to @seconds until @count threads are at the gate. */
static gboolean
gate_wait_ready (Gate *gate, guint count, double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)(seconds * G_USEC_PER_SEC);
  gboolean all;

  g_mutex_lock (&gate->lock);
  while (gate->ready < count && g_cond_wait_until (&gate->cond, &gate->lock, deadline))
    ;
  all = gate->ready >= count;
  g_mutex_unlock (&gate->lock);
  return all;
}

static gboolean
gate_given_up (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the run was given up");
  return FALSE;
}

/* WHEP: the subscriber offers, eboard answers. */
static gboolean
subscribe_eboard (Subscriber *subscriber, GError **error)
{
  g_autofree char *offer = NULL;
  g_autofree char *answer = NULL;

  if (!gate_pass (subscriber->gate))
    return gate_given_up (error);
  offer = bench_client_offer (subscriber->client, error);
  if (offer == NULL)
    return FALSE;
  answer = bench_eboard_post_offer (
      subscriber->server->whep_url,
      bench_eboard_get_credential (subscriber->server->eboard, subscriber->index + 1), offer, NULL,
      error);
  return answer != NULL && bench_client_take_answer (subscriber->client, answer, error);
}

/* VideoRoom: the subscriber joins with the publisher's feed, Janus
 * offers, the subscriber answers and starts. The Janus session and
 * handle are made before the gate (a page does that when it loads). */
static gboolean
subscribe_janus (Subscriber *subscriber, GError **error)
{
  g_autoptr (BenchJanusHandle) handle = NULL;
  g_autofree char *offer = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *join = g_strdup_printf (
      "{\"request\": \"join\", \"ptype\": \"subscriber\", \"room\": %d, \"streams\": "
      "[{\"feed\": %d}]}",
      BENCH_JANUS_ROOM, BENCH_JANUS_FEED);
  gboolean go;

  handle = bench_janus_handle_new (bench_janus_get_url (subscriber->server->janus), error);
  /* at the gate in any case, so that the run does not wait for it */
  go = gate_pass (subscriber->gate);
  if (handle == NULL)
    return FALSE;
  if (!go)
    return gate_given_up (error);
  if (!bench_janus_request (handle, join, NULL, NULL, "attached", SIGNALLING_TIMEOUT_S, &offer,
                            error))
    return FALSE;
  if (offer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "Janus attached the subscriber without an offer");
      return FALSE;
    }
  answer = bench_client_answer (subscriber->client, offer, error);
  return answer != NULL
         && bench_janus_request (handle, "{\"request\": \"start\"}", "answer", answer, "started",
                                 SIGNALLING_TIMEOUT_S, NULL, error);
}

static gpointer
subscriber_thread (gpointer data)
{
  Subscriber *subscriber = data;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (subscriber->server->kind == BENCH_SERVER_EBOARD)
    ok = subscribe_eboard (subscriber, &error);
  else
    ok = subscribe_janus (subscriber, &error);
  /* read by the main thread after g_thread_join() */
  if (ok)
    subscriber->signalled_us = g_get_monotonic_time ();
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    subscriber->given_up = TRUE;
  else
    subscriber->failure = g_strdup_printf ("subscriber %u: %s", subscriber->index + 1,
                                           error != NULL ? error->message : "failed");
  return NULL;
}

/* --- warming up --- */

/* A fresh eboardd makes its DTLS certificate (an RSA key) when its first
 * WebRTC connection comes; Janus makes its own while it starts. One WHEP
 * viewer (of nothing yet), then gone, so that the runs measure joins of a
 * running server; the time its answer took is reported. */
static gboolean
warm_up (BenchTrial *trial, Server *server, GError **error)
{
  g_autoptr (BenchClient) viewer = NULL;
  g_autofree char *offer = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *location = NULL;
  const char *credential;
  gint64 posted;

  if (server->kind != BENCH_SERVER_EBOARD)
    return TRUE;
  credential = bench_eboard_get_credential (server->eboard, trial->n + 1);
  viewer = bench_client_new_subscriber ("warm-up", TRUE, NULL, error);
  if (viewer == NULL || (offer = bench_client_offer (viewer, error)) == NULL)
    return FALSE;
  posted = g_get_monotonic_time ();
  answer = bench_eboard_post_offer (server->whep_url, credential, offer, &location, error);
  if (answer == NULL)
    return FALSE;
  trial->warm_up_ms = (double)(g_get_monotonic_time () - posted) / 1000;
  if (location == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the WHEP answer has no Location");
      return FALSE;
    }
  return bench_eboard_delete (server->eboard, location, credential, error);
}

/* --- the publisher --- */

static gboolean
publisher_prepare (Server *server, BenchJanusHandle **janus, GError **error)
{
  g_autofree char *join = g_strdup_printf ("{\"request\": \"join\", \"ptype\": \"publisher\", "
                                           "\"room\": %d, \"id\": %d, \"display\": \"publisher\"}",
                                           BENCH_JANUS_ROOM, BENCH_JANUS_FEED);

  if (server->kind != BENCH_SERVER_JANUS)
    return TRUE;
  /* a page joins the room when it loads, before it publishes */
  *janus = bench_janus_handle_new (bench_janus_get_url (server->janus), error);
  return *janus != NULL
         && bench_janus_request (*janus, join, NULL, NULL, "joined", SIGNALLING_TIMEOUT_S, NULL,
                                 error);
}

/* Posts the publisher's @offer: the server's answer. */
static char *
publish (Server *server, BenchJanusHandle *janus, const char *offer, GError **error)
{
  char *answer = NULL;

  if (server->kind == BENCH_SERVER_EBOARD)
    {
      g_autofree char *url = bench_eboard_dup_url (server->eboard, "whip");

      return bench_eboard_post_offer (url, bench_eboard_get_credential (server->eboard, 0), offer,
                                      NULL, error);
    }
  if (!bench_janus_request (janus, "{\"request\": \"publish\"}", "offer", offer, "configured",
                            SIGNALLING_TIMEOUT_S, &answer, error))
    return NULL;
  if (answer == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "Janus configured the publisher without an answer");
  return answer;
}

/* --- measuring --- */

typedef struct
{
  double at;
  double cpu_s;
  double clients_cpu_s;
  GHashTable *threads; /* the server's */
  BenchCounts publisher;
  GArray *subscribers; /* BenchCounts */
} Snapshot;

static double
own_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
snapshot_take (Snapshot *snapshot, Server *server, BenchClient *publisher, GPtrArray *subscribers)
{
  snapshot->at = bench_monotonic_s ();
  snapshot->cpu_s = bench_proc_cpu_s (server_proc (server));
  snapshot->clients_cpu_s = own_cpu_s ();
  snapshot->threads = bench_proc_threads (server_proc (server));
  bench_client_get_counts (publisher, &snapshot->publisher);
  snapshot->subscribers = g_array_sized_new (FALSE, TRUE, sizeof (BenchCounts), subscribers->len);
  g_array_set_size (snapshot->subscribers, subscribers->len);
  for (guint i = 0; i < subscribers->len; i++)
    bench_client_get_counts (((Subscriber *)subscribers->pdata[i])->client,
                             &g_array_index (snapshot->subscribers, BenchCounts, i));
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->subscribers, g_array_unref);
  g_clear_pointer (&snapshot->threads, g_hash_table_unref);
}

/* Waits @seconds (100 ms steps), reading the server's peak memory; FALSE
 * when the server exited or the run was interrupted. */
static gboolean
watch (BenchTrial *trial, Server *server, double seconds)
{
  double deadline = bench_monotonic_s () + seconds;
  BenchProc *proc = server_proc (server);

  while (bench_monotonic_s () < deadline)
    {
      bench_proc_sample_peak (proc);
      if (bench_interrupted)
        {
          bench_trial_problem (trial, "interrupted");
          return FALSE;
        }
      if (bench_proc_wait (proc, 0))
        {
          bench_trial_problem (trial, "the server exited during the run");
          return FALSE;
        }
      g_usleep (100 * 1000);
    }
  return TRUE;
}

static gboolean
all_joined (GPtrArray *subscribers)
{
  for (guint i = 0; i < subscribers->len; i++)
    {
      Subscriber *subscriber = subscribers->pdata[i];
      BenchCounts counts;

      bench_client_get_counts (subscriber->client, &counts);
      if (subscriber->failure == NULL && counts.first_keyframe_us == 0)
        return FALSE;
    }
  return TRUE;
}

/* Join latencies, from @t0_us. */
static void
collect_joins (BenchTrial *trial, GPtrArray *subscribers, gint64 t0_us)
{
  for (guint i = 0; i < subscribers->len; i++)
    {
      Subscriber *subscriber = subscribers->pdata[i];
      BenchCounts counts;

      bench_client_get_counts (subscriber->client, &counts);
      if (counts.first_keyframe_us != 0)
        {
          double ms = (double)(counts.first_keyframe_us - t0_us) / 1000;

          g_array_append_val (trial->join_ms, ms);
          trial->joined++;
        }
      if (counts.first_packet_us != 0)
        {
          double ms = (double)(counts.first_packet_us - t0_us) / 1000;

          g_array_append_val (trial->packet_ms, ms);
        }
      if (subscriber->signalled_us != 0)
        {
          double ms = (double)(subscriber->signalled_us - t0_us) / 1000;

          g_array_append_val (trial->signalled_ms, ms);
        }
    }
  bench_trial_sort (trial);
}

/* The frames' transit times since the last call, into @trial (or
 * dropped). */
static void
collect_transits (BenchTrial *trial, GPtrArray *subscribers)
{
  for (guint i = 0; i < subscribers->len; i++)
    {
      Subscriber *subscriber = subscribers->pdata[i];
      guint unmatched = 0;
      g_autoptr (GArray) transits = bench_client_take_transits (subscriber->client, &unmatched);

      if (trial == NULL)
        continue;
      g_array_append_vals (trial->transit_ms, transits->data, transits->len);
      trial->transit_unmatched += unmatched;
    }
  if (trial != NULL)
    bench_trial_sort (trial);
}

/* What the subscribers received in the window against what was sent. */
static void
collect_window (Bench *bench, BenchTrial *trial, Snapshot *first, Snapshot *last)
{
  guint64 sent_video = last->publisher.video_frames - first->publisher.video_frames;
  guint64 sent_audio = last->publisher.audio_frames - first->publisher.audio_frames;
  guint64 sent_packets = last->publisher.video_packets - first->publisher.video_packets;
  guint n = last->subscribers->len;
  double video_sum = 0, audio_sum = 0, packets_sum = 0;

  trial->window_s = last->at - first->at;
  trial->cpu_s = last->cpu_s - first->cpu_s;
  trial->clients_cpu_s = last->clients_cpu_s - first->clients_cpu_s;
  trial->threads = bench_threads_describe (first->threads, last->threads, 10);
  trial->sent_video = sent_video;
  trial->sent_audio = sent_audio;
  trial->sent_kbps = (double)(last->publisher.video_bytes - first->publisher.video_bytes) * 8 / 1000
                     / MAX (trial->window_s, 0.001);
  trial->sent_fps = (double)sent_video / MAX (trial->window_s, 0.001);
  trial->video_min_pct = 100;
  for (guint i = 0; i < n; i++)
    {
      BenchCounts *a = &g_array_index (first->subscribers, BenchCounts, i);
      BenchCounts *b = &g_array_index (last->subscribers, BenchCounts, i);
      double video = sent_video > 0
                         ? 100.0 * (double)(b->video_frames - a->video_frames) / (double)sent_video
                         : 0;
      double audio = sent_audio > 0
                         ? 100.0 * (double)(b->audio_frames - a->audio_frames) / (double)sent_audio
                         : 0;

      video_sum += video;
      audio_sum += audio;
      if (sent_packets > 0)
        packets_sum += 100.0 * (double)(b->video_packets - a->video_packets) / (double)sent_packets;
      trial->video_min_pct = MIN (trial->video_min_pct, video);
    }
  trial->video_mean_pct = n > 0 ? video_sum / n : 0;
  trial->audio_mean_pct = n > 0 ? audio_sum / n : 0;
  trial->packets_mean_pct = n > 0 ? packets_sum / n : 0;
  trial->sent_packets = sent_packets;
  if (trial->window_s < bench->media_seconds - 1)
    bench_trial_problem (trial, "measured %.1f s of %.0f", trial->window_s, bench->media_seconds);
  /* a publisher short of CPU sends late frames in bursts: not the stream
   * the other runs had */
  if (fabs (trial->sent_fps - bench->video.fps) > 0.05 * bench->video.fps)
    bench_trial_problem (trial,
                         "the publisher sent %.1f frames/s, not %u: the clients were short of CPU, "
                         "this run's figures do not compare",
                         trial->sent_fps, bench->video.fps);
}

static void
check_clients (BenchTrial *trial, BenchClient *publisher, GPtrArray *subscribers)
{
  g_autoptr (GError) error = NULL;
  guint unconnected = 0;

  if (!bench_client_check (publisher, &error))
    bench_trial_problem (trial, "%s", error->message);
  g_clear_error (&error);
  for (guint i = 0; i < subscribers->len; i++)
    {
      Subscriber *subscriber = subscribers->pdata[i];

      if (subscriber->given_up)
        continue;
      if (subscriber->failure != NULL)
        bench_trial_problem (trial, "%s", subscriber->failure);
      else if (!bench_client_check (subscriber->client, &error))
        bench_trial_problem (trial, "%s", error->message);
      else if (!bench_client_is_connected (subscriber->client))
        unconnected++;
      g_clear_error (&error);
    }
  if (unconnected > 0)
    bench_trial_problem (trial, "%u subscribers never connected", unconnected);
}

/* --- one run --- */

/* From the publisher's offer to every subscriber's first keyframe; the
 * subscribers' threads are at the gate. FALSE when the run cannot go on. */
static gboolean
run_join (BenchTrial *trial, Server *server, BenchClient *publisher, BenchJanusHandle *janus,
          const char *offer, GPtrArray *subscribers, Gate *gate, GPtrArray *threads)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  gint64 t0_us = g_get_monotonic_time ();

  answer = publish (server, janus, offer, &error);
  if (answer == NULL || !bench_client_take_answer (publisher, answer, &error))
    {
      bench_trial_problem (trial, "publishing: %s", error->message);
      return FALSE;
    }
  trial->publish_ms = (double)(g_get_monotonic_time () - t0_us) / 1000;
  /* Janus takes subscribers to a feed once its PeerConnection is up; a
   * page learns that from the room's "publishers" event */
  if (janus != NULL && !bench_janus_wait_event (janus, "webrtcup", SIGNALLING_TIMEOUT_S, &error))
    {
      bench_trial_problem (trial, "the publisher's connection: %s", error->message);
      return FALSE;
    }
  trial->ready_ms = (double)(g_get_monotonic_time () - t0_us) / 1000;
  gate_open (gate, TRUE);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  g_ptr_array_set_size (threads, 0);

  while (!all_joined (subscribers)
         && g_get_monotonic_time () - t0_us < JOIN_TIMEOUT_S * G_USEC_PER_SEC)
    if (!watch (trial, server, 0.05))
      return FALSE;
  collect_joins (trial, subscribers, t0_us);
  if (trial->joined < subscribers->len)
    bench_trial_problem (trial, "%u of %u subscribers had a picture within %d s", trial->joined,
                         subscribers->len, JOIN_TIMEOUT_S);
  return TRUE;
}

/* After a settling pause, the measured window. */
static void
run_window (Bench *bench, BenchTrial *trial, Server *server, BenchClient *publisher,
            GPtrArray *subscribers, Snapshot *start)
{
  Snapshot first = { 0 }, last = { 0 };

  if (!watch (trial, server, SETTLE_S))
    return;
  snapshot_take (&first, server, publisher, subscribers);
  collect_transits (NULL, subscribers);
  trial->setup_cpu_s = first.cpu_s - start->cpu_s;
  trial->keyframes_at_join = first.publisher.video_keyframes - start->publisher.video_keyframes;
  if (watch (trial, server, bench->media_seconds))
    {
      snapshot_take (&last, server, publisher, subscribers);
      collect_transits (trial, subscribers);
      collect_window (bench, trial, &first, &last);
      trial->boosted = bench_client_get_boosted (publisher);
    }
  snapshot_clear (&first);
  snapshot_clear (&last);
}

/* The publisher's offer, the subscribers once the server takes them, the
 * first keyframes, then the measured window. */
static void
run_clients (Bench *bench, BenchTrial *trial, Server *server, BenchClient *publisher,
             GPtrArray *subscribers, Gate *gate)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BenchJanusHandle) janus = NULL;
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  g_autofree char *offer = NULL;
  Snapshot start = { 0 };

  if (!publisher_prepare (server, &janus, &error)
      || (offer = bench_client_offer (publisher, &error)) == NULL)
    {
      bench_trial_problem (trial, "the publisher: %s", error->message);
      return;
    }
  for (guint i = 0; i < subscribers->len; i++)
    g_ptr_array_add (threads,
                     g_thread_new ("subscriber", subscriber_thread, subscribers->pdata[i]));
  if (!gate_wait_ready (gate, subscribers->len, 60))
    bench_trial_problem (trial, "the subscribers were not ready in 60 s");
  else
    {
      snapshot_take (&start, server, publisher, subscribers);
      if (run_join (trial, server, publisher, janus, offer, subscribers, gate, threads))
        run_window (bench, trial, server, publisher, subscribers, &start);
    }
  /* threads still at the gate: the run was given up */
  gate_open (gate, FALSE);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  check_clients (trial, publisher, subscribers);
  snapshot_clear (&start);
}

static void
run_trial (Bench *bench, BenchServerKind kind, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BenchClient) publisher = NULL;
  g_autoptr (GPtrArray) subscribers
      = g_ptr_array_new_with_free_func ((GDestroyNotify)subscriber_free);
  g_autoptr (BenchTransit) transit = bench_transit_new ();
  BenchTrial *trial = bench_trial_new (kind, n);
  Server server = { 0 };
  Gate gate = { 0 };

  trial->load_at_start = bench_load_average ();
  g_ptr_array_add (bench->trials, trial);
  printf ("== %s, 1 publisher, %u subscriber%s (load %.2f)\n", bench_server_name (kind), n,
          n == 1 ? "" : "s", trial->load_at_start);
  fflush (stdout);

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  if (!server_start (bench, &server, kind, n, &error))
    {
      bench_trial_problem (trial, "%s", error->message);
      goto out;
    }
  if (!warm_up (trial, &server, &error))
    {
      bench_trial_problem (trial, "warming up: %s", error->message);
      goto out;
    }
  publisher = bench_client_new_publisher ("publisher", &bench->video, transit, &error);
  if (publisher == NULL)
    {
      bench_trial_problem (trial, "%s", error->message);
      goto out;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("subscriber-%u", i + 1);
      Subscriber *subscriber = g_new0 (Subscriber, 1);

      subscriber->server = &server;
      subscriber->gate = &gate;
      subscriber->index = i;
      subscriber->client
          = bench_client_new_subscriber (name, kind == BENCH_SERVER_EBOARD, transit, &error);
      g_ptr_array_add (subscribers, subscriber);
      if (subscriber->client == NULL)
        {
          bench_trial_problem (trial, "%s", error->message);
          goto out;
        }
    }
  run_clients (bench, trial, &server, publisher, subscribers, &gate);

out:
  /* the clients go first, as they would */
  g_ptr_array_set_size (subscribers, 0);
  g_clear_pointer (&publisher, bench_client_free);
  if (server.eboard != NULL || server.janus != NULL)
    {
      BenchProc *proc = server_proc (&server);

      bench_proc_sample_peak (proc);
      trial->peak_mib = (double)proc->peak_kib / 1024;
      /* after Ctrl-C the servers had the signal too */
      if (!server_stop (&server) && !bench_interrupted)
        bench_trial_problem (trial, "the server did not stop cleanly (log in %s)", bench->tmp);
    }
  g_cond_clear (&gate.cond);
  g_mutex_clear (&gate.lock);
  bench_trial_print (trial);
  fflush (stdout);
}

/* --- settings --- */

static gboolean
parse_counts (const char *text, GArray *out)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      guint64 value = 0;
      guint n;

      if (*item == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (item, 10, 1, 200, &value, NULL))
        {
          g_printerr ("bench-webrtc: BENCH_SUBSCRIBERS: '%s' is not a count of 1..200\n", item);
          return FALSE;
        }
      n = (guint)value;
      g_array_append_val (out, n);
    }
  if (out->len == 0)
    g_printerr ("bench-webrtc: BENCH_SUBSCRIBERS is empty\n");
  return out->len > 0;
}

static gboolean
parse_servers (const char *text, GArray *out)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      BenchServerKind kind;

      if (*item == '\0')
        continue;
      for (kind = BENCH_SERVER_EBOARD; kind <= BENCH_SERVER_JANUS; kind++)
        if (g_str_equal (item, bench_server_name (kind)))
          break;
      if (kind > BENCH_SERVER_JANUS)
        {
          g_printerr ("bench-webrtc: BENCH_SERVERS: unknown server '%s' (eboard, janus)\n", item);
          return FALSE;
        }
      g_array_append_val (out, kind);
    }
  if (out->len == 0)
    g_printerr ("bench-webrtc: BENCH_SERVERS is empty\n");
  return out->len > 0;
}

static gboolean
parse_video (const char *text, BenchVideo *video)
{
  unsigned width = 0, height = 0, fps = 0;
  char end = 0;

  if (sscanf (text, "%ux%u@%u%c", &width, &height, &fps, &end) != 3 || width < 16 || width > 3840
      || height < 16 || height > 2160 || fps < 1 || fps > 60 || width % 2 != 0 || height % 2 != 0)
    {
      g_printerr ("bench-webrtc: BENCH_VIDEO=%s is not WIDTHxHEIGHT@FPS (even sizes up to "
                  "3840x2160, 1..60 fps)\n",
                  text);
      return FALSE;
    }
  video->width = width;
  video->height = height;
  video->fps = fps;
  return TRUE;
}

static gboolean
env_number (const char *name, double fallback, double min, double max, double *out)
{
  const char *text = g_getenv (name);
  char *end = NULL;

  *out = fallback;
  if (text == NULL || *text == '\0')
    return TRUE;
  *out = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || *out < min || *out > max)
    {
      g_printerr ("bench-webrtc: %s=%s is not a number of %g..%g\n", name, text, min, max);
      return FALSE;
    }
  return TRUE;
}

static const char *
env_or (const char *name, const char *fallback)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : fallback;
}

static gboolean
wants (Bench *bench, BenchServerKind kind)
{
  for (guint i = 0; i < bench->servers->len; i++)
    if (g_array_index (bench->servers, BenchServerKind, i) == kind)
      return TRUE;
  return FALSE;
}

/* Settings from the environment; FALSE after saying what is wrong. */
static gboolean
configure (Bench *bench)
{
  double kbps = 0;

  bench->counts = g_array_new (FALSE, FALSE, sizeof (guint));
  bench->servers = g_array_new (FALSE, FALSE, sizeof (BenchServerKind));
  if (!env_number ("BENCH_MEDIA_SECONDS", 60, 5, 3600, &bench->media_seconds)
      || !env_number ("BENCH_VIDEO_KBPS", 1000, 50, 20000, &kbps)
      || !parse_counts (env_or ("BENCH_SUBSCRIBERS", "1,10,30"), bench->counts)
      || !parse_servers (env_or ("BENCH_SERVERS", "eboard,janus"), bench->servers)
      || !parse_video (env_or ("BENCH_VIDEO", "640x480@30"), &bench->video))
    return FALSE;
  bench->video.video_kbps = (guint)kbps;
  if (wants (bench, BENCH_SERVER_JANUS) && (bench->janus = bench_janus_find ()) == NULL)
    {
      g_printerr ("bench-webrtc: Janus is not installed: it is the reference this benchmark "
                  "compares with (Debian: apt-get install janus). BENCH_SERVERS=eboard runs "
                  "without it.\n");
      return FALSE;
    }
  if (wants (bench, BENCH_SERVER_JANUS) && !g_file_test (bench->preload, G_FILE_TEST_EXISTS))
    {
      g_printerr ("bench-webrtc: no preload library at %s\n", bench->preload);
      return FALSE;
    }
  if (wants (bench, BENCH_SERVER_EBOARD)
      && !g_file_test (bench->eboardd, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("bench-webrtc: no eboardd at %s\n", bench->eboardd);
      return FALSE;
    }
  return TRUE;
}

static void
print_header (Bench *bench)
{
  g_autofree char *model = bench_cpu_model ();
  g_autofree char *janus_version = NULL;
  g_autofree char *gst_version = gst_version_string ();

  if (bench->janus != NULL)
    {
      const char *argv[] = { bench->janus, "--help", NULL };

      /* "Janus version: 1102 (1.1.2)" first */
      if (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                        &janus_version, NULL, NULL, NULL)
          && janus_version != NULL && strchr (janus_version, '\n') != NULL)
        *strchr (janus_version, '\n') = '\0';
    }
  printf ("machine: %ld processors, %s, load average %.2f\n", sysconf (_SC_NPROCESSORS_ONLN), model,
          bench_load_average ());
  printf ("%s; %s\n", gst_version, janus_version != NULL ? g_strstrip (janus_version) : "not used");
  printf ("settings: publisher %ux%u at %u fps, VP8 %u kbit/s (vp8enc realtime), Opus; %.0f "
          "media seconds per run; subscribers %s; servers %s\n",
          bench->video.width, bench->video.height, bench->video.fps, bench->video.video_kbps,
          bench->media_seconds, env_or ("BENCH_SUBSCRIBERS", "1,10,30"),
          env_or ("BENCH_SERVERS", "eboard,janus"));
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  Bench bench = { 0 };
  gboolean ok;
  double started;

  gst_init (&argc, &argv);
  if (argc != 3)
    {
      g_printerr ("usage: bench-webrtc EBOARDD IFADDRS-PRELOAD\n");
      return 2;
    }
  bench.eboardd = argv[1];
  bench.preload = argv[2];
  if (!configure (&bench))
    return 2;
  bench_install_signal_handlers ();
  bench.trials = g_ptr_array_new_with_free_func ((GDestroyNotify)bench_trial_free);
  bench.tmp = g_dir_make_tmp ("eboard-bench-webrtc-XXXXXX", &error);
  if (bench.tmp == NULL)
    {
      g_printerr ("bench-webrtc: %s\n", error->message);
      return 1;
    }
  print_header (&bench);
  started = bench_monotonic_s ();
  for (guint c = 0; c < bench.counts->len && !bench_interrupted; c++)
    for (guint s = 0; s < bench.servers->len && !bench_interrupted; s++)
      run_trial (&bench, g_array_index (bench.servers, BenchServerKind, s),
                 g_array_index (bench.counts, guint, c));
  ok = bench_trials_summarise (bench.trials, bench.counts, bench.servers) && !bench_interrupted;
  printf ("the benchmark took %.0f s\n", bench_monotonic_s () - started);
  if (g_strcmp0 (g_getenv ("BENCH_KEEP"), "1") == 0 || !ok)
    printf ("logs kept in %s\n", bench.tmp);
  else
    bench_rm_rf (bench.tmp);
  g_free (bench.tmp);
  g_free (bench.janus);
  g_ptr_array_unref (bench.trials);
  g_array_unref (bench.counts);
  g_array_unref (bench.servers);
  return ok ? 0 : 1;
}
