/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * One run of the WebRTC forwarding benchmark (one server, N subscribers):
 * what it measured, printed when it ends, and the summary of all runs.
 */

#include <glib.h>

typedef enum
{
  BENCH_SERVER_EBOARD,
  BENCH_SERVER_JANUS,
} BenchServerKind;

/* "eboard" or "janus" */
const char *bench_server_name (BenchServerKind kind);

typedef struct
{
  BenchServerKind kind;
  guint n;
  double load_at_start;
  double warm_up_ms;       /* eboard: a fresh server's first WebRTC answer */
  double publish_ms;       /* offer posted -> answer */
  double ready_ms;         /* offer posted -> subscribers may start */
  GArray *join_ms;         /* double: first keyframe per subscriber, sorted */
  GArray *signalled_ms;    /* double: subscriber's signalling done, from the offer */
  GArray *packet_ms;       /* double: first video packet per subscriber, from the offer */
  GArray *transit_ms;      /* double: each frame's way from the publisher to a subscriber, in
                              the window, sorted */
  guint transit_unmatched; /* frames whose sending was not known */
  guint joined;            /* subscribers with a first keyframe */
  double setup_cpu_s;      /* from the publisher's offer to the window */
  double cpu_s;            /* in the window */
  double window_s;
  double peak_mib;
  guint64 keyframes_at_join; /* the publisher's keyframes from its offer to the window */
  guint64 sent_video, sent_audio;
  guint64 sent_packets; /* video RTP packets */
  double video_min_pct, video_mean_pct, audio_mean_pct, packets_mean_pct;
  double sent_kbps;
  double sent_fps;
  double clients_cpu_s; /* this process (publisher and subscribers) in the window */
  char *threads;        /* the server's CPU by thread name in the window */
  guint boosted;        /* the publisher's threads at a raised priority */
  GString *problems;
} BenchTrial;

BenchTrial *bench_trial_new (BenchServerKind kind, guint n);
void bench_trial_free (BenchTrial *trial);
/* Notes what went wrong (also on stderr): the run counts as failed. */
void bench_trial_problem (BenchTrial *trial, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* Sorts the latencies once they are all in. */
void bench_trial_sort (BenchTrial *trial);
double bench_trial_per_track_minute (const BenchTrial *trial);
void bench_trial_print (const BenchTrial *trial);

/* Of a sorted array of doubles (0 when empty). */
double bench_median (GArray *sorted);
double bench_maximum (GArray *sorted);
/* Nearest rank, @fraction of 0..1. */
double bench_percentile (GArray *sorted, double fraction);

/* Prints the table of @trials in the order of @counts and @servers, the
 * eboard/Janus ratios and what each added subscriber costs; TRUE when no
 * run had a problem. */
gboolean bench_trials_summarise (GPtrArray *trials, GArray *counts, GArray *servers);
