/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-webrtc-trial.h"

#include <stdio.h>

static const char *const server_names[] = { "eboard", "janus" };

const char *
bench_server_name (BenchServerKind kind)
{
  return server_names[kind];
}

BenchTrial *
bench_trial_new (BenchServerKind kind, guint n)
{
  BenchTrial *trial = g_new0 (BenchTrial, 1);

  trial->kind = kind;
  trial->n = n;
  trial->problems = g_string_new (NULL);
  trial->join_ms = g_array_new (FALSE, FALSE, sizeof (double));
  trial->signalled_ms = g_array_new (FALSE, FALSE, sizeof (double));
  trial->packet_ms = g_array_new (FALSE, FALSE, sizeof (double));
  trial->transit_ms = g_array_new (FALSE, FALSE, sizeof (double));
  return trial;
}

void
bench_trial_problem (BenchTrial *trial, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("bench-webrtc: %s x%u: %s\n", bench_server_name (trial->kind), trial->n, message);
  if (trial->problems->len > 0)
    g_string_append (trial->problems, "; ");
  g_string_append (trial->problems, message);
}

void
bench_trial_free (BenchTrial *trial)
{
  g_array_unref (trial->join_ms);
  g_array_unref (trial->signalled_ms);
  g_array_unref (trial->packet_ms);
  g_array_unref (trial->transit_ms);
  g_string_free (trial->problems, TRUE);
  g_free (trial->threads);
  g_free (trial);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y ? 1 : 0;
}

double
bench_median (GArray *sorted)
{
  guint n = sorted->len;

  if (n == 0)
    return 0;
  if (n % 2 == 1)
    return g_array_index (sorted, double, n / 2);
  return (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}

double
bench_maximum (GArray *sorted)
{
  return sorted->len > 0 ? g_array_index (sorted, double, sorted->len - 1) : 0;
}

double
bench_percentile (GArray *sorted, double fraction)
{
  guint rank;

  if (sorted->len == 0)
    return 0;
  rank = (guint)MAX (1.0, fraction * sorted->len + 0.999999);
  return g_array_index (sorted, double, MIN (rank, sorted->len) - 1);
}

void
bench_trial_sort (BenchTrial *trial)
{
  g_array_sort (trial->join_ms, compare_double);
  g_array_sort (trial->signalled_ms, compare_double);
  g_array_sort (trial->packet_ms, compare_double);
  g_array_sort (trial->transit_ms, compare_double);
}

double
bench_trial_per_track_minute (const BenchTrial *trial)
{
  return trial->window_s > 0 ? trial->cpu_s / trial->n / (trial->window_s / 60) : 0;
}

void
bench_trial_print (const BenchTrial *trial)
{
  if (trial->warm_up_ms > 0)
    printf ("  warm-up: the fresh server's first WebRTC answer took %.0f ms (not counted)\n",
            trial->warm_up_ms);
  printf ("  publisher answered in %.0f ms, subscribers started at %.0f ms\n", trial->publish_ms,
          trial->ready_ms);
  printf ("  first keyframe at %u of %u subscribers: median %.0f ms, max %.0f ms (their "
          "signalling done: median %.0f ms, max %.0f ms; first video packet: median %.0f ms, max "
          "%.0f ms); %" G_GUINT64_FORMAT " keyframes sent while joining\n",
          trial->joined, trial->n, bench_median (trial->join_ms), bench_maximum (trial->join_ms),
          bench_median (trial->signalled_ms), bench_maximum (trial->signalled_ms),
          bench_median (trial->packet_ms), bench_maximum (trial->packet_ms),
          trial->keyframes_at_join);
  printf ("  server CPU %.2f s in %.1f s (%.3f s per forwarded track per media minute), %.2f s "
          "while joining; peak %.1f MiB\n",
          trial->cpu_s, trial->window_s, bench_trial_per_track_minute (trial), trial->setup_cpu_s,
          trial->peak_mib);
  printf ("  sent %" G_GUINT64_FORMAT " video frames in %" G_GUINT64_FORMAT
          " RTP packets (%.1f fps, %.0f kbit/s) and %" G_GUINT64_FORMAT
          " audio frames; received per subscriber: video frames %.2f%% mean, %.2f%% min, video "
          "packets %.2f%% mean, audio frames %.2f%% mean\n",
          trial->sent_video, trial->sent_packets, trial->sent_fps, trial->sent_kbps,
          trial->sent_audio, trial->video_mean_pct, trial->video_min_pct, trial->packets_mean_pct,
          trial->audio_mean_pct);
  printf ("  video frames from the publisher to a subscriber in the window: median %.1f ms, p99 "
          "%.1f ms, max %.1f ms (%u frames; %u not matched)\n",
          bench_median (trial->transit_ms), bench_percentile (trial->transit_ms, 0.99),
          bench_maximum (trial->transit_ms), trial->transit_ms->len, trial->transit_unmatched);
  printf ("  clients' CPU %.2f s in the window; publisher threads at a raised priority: %u\n",
          trial->clients_cpu_s, trial->boosted);
  if (trial->threads != NULL)
    printf ("  server CPU by thread name in the window: %s\n", trial->threads);
  if (trial->problems->len > 0)
    printf ("  PROBLEMS: %s\n", trial->problems->str);
}

/* --- the summary --- */

static BenchTrial *
find_trial (GPtrArray *trials, BenchServerKind kind, guint n)
{
  for (guint i = 0; i < trials->len; i++)
    {
      BenchTrial *trial = trials->pdata[i];

      if (trial->kind == kind && trial->n == n)
        return trial;
    }
  return NULL;
}

static double
per_minute (const BenchTrial *trial)
{
  return trial->window_s > 0 ? trial->cpu_s / (trial->window_s / 60) : 0;
}

static void
print_table (GPtrArray *trials, GArray *counts, GArray *servers)
{
  printf ("\n%-5s %-7s %6s %7s %7s %8s %8s %8s %8s %7s %13s %7s %8s %7s %7s %7s %5s %6s\n", "subs",
          "server", "load", "answer", "start", "join p50", "join max", "frm p50", "frm p99",
          "CPU s", "CPU s/trk/min", "setup s", "peak MiB", "video%", "min%", "audio%", "fps",
          "kbit/s");
  for (guint c = 0; c < counts->len; c++)
    for (guint s = 0; s < servers->len; s++)
      {
        guint n = g_array_index (counts, guint, c);
        BenchTrial *trial = find_trial (trials, g_array_index (servers, BenchServerKind, s), n);

        if (trial == NULL)
          continue;
        printf ("%-5u %-7s %6.2f %7.0f %7.0f %8.0f %8.0f %8.1f %8.1f %7.2f %13.3f %7.2f %8.1f "
                "%7.2f %7.2f %7.2f %5.1f %6.0f%s\n",
                n, bench_server_name (trial->kind), trial->load_at_start, trial->publish_ms,
                trial->ready_ms, bench_median (trial->join_ms), bench_maximum (trial->join_ms),
                bench_median (trial->transit_ms), bench_percentile (trial->transit_ms, 0.99),
                trial->cpu_s, bench_trial_per_track_minute (trial), trial->setup_cpu_s,
                trial->peak_mib, trial->video_mean_pct, trial->video_min_pct, trial->audio_mean_pct,
                trial->sent_fps, trial->sent_kbps, trial->problems->len > 0 ? "  (failed)" : "");
      }
  printf ("(answer, start, join: ms after the publisher's offer was posted; frm: ms from the "
          "publisher to a subscriber, per video frame)\n\n");
}

static void
print_ratios (GPtrArray *trials, GArray *counts)
{
  for (guint c = 0; c < counts->len; c++)
    {
      guint n = g_array_index (counts, guint, c);
      BenchTrial *eboard = find_trial (trials, BENCH_SERVER_EBOARD, n);
      BenchTrial *janus = find_trial (trials, BENCH_SERVER_JANUS, n);

      if (eboard == NULL || janus == NULL || janus->joined == 0 || eboard->joined == 0
          || janus->cpu_s <= 0 || janus->peak_mib <= 0)
        continue;
      printf ("eboard/janus at %u subscriber%s: join median %.2f, join max %.2f, CPU per "
              "forwarded track %.2f, peak memory %.2f\n",
              n, n == 1 ? "" : "s", bench_median (eboard->join_ms) / bench_median (janus->join_ms),
              bench_maximum (eboard->join_ms) / bench_maximum (janus->join_ms),
              bench_trial_per_track_minute (eboard) / bench_trial_per_track_minute (janus),
              eboard->peak_mib / janus->peak_mib);
    }
}

/* What one more subscriber costs, between successive counts. */
static void
print_marginal (GPtrArray *trials, GArray *counts, GArray *servers)
{
  for (guint s = 0; s < servers->len; s++)
    {
      BenchServerKind kind = g_array_index (servers, BenchServerKind, s);
      g_autoptr (GString) line = g_string_new (NULL);
      BenchTrial *previous = NULL;

      for (guint c = 0; c < counts->len; c++)
        {
          BenchTrial *trial = find_trial (trials, kind, g_array_index (counts, guint, c));

          if (trial == NULL || trial->window_s <= 0)
            continue;
          if (previous != NULL && trial->n > previous->n)
            g_string_append_printf (line, "%s %.3f (%u to %u)", line->len > 0 ? "," : "",
                                    (per_minute (trial) - per_minute (previous))
                                        / (trial->n - previous->n),
                                    previous->n, trial->n);
          previous = trial;
        }
      if (line->len > 0)
        printf ("%s: CPU s per media minute of each added subscriber:%s\n",
                bench_server_name (kind), line->str);
    }
}

gboolean
bench_trials_summarise (GPtrArray *trials, GArray *counts, GArray *servers)
{
  gboolean all_ok = TRUE;

  for (guint i = 0; i < trials->len; i++)
    all_ok = all_ok && ((BenchTrial *)trials->pdata[i])->problems->len == 0;
  print_table (trials, counts, servers);
  print_ratios (trials, counts);
  print_marginal (trials, counts, servers);
  return all_ok;
}
