/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * Recording benchmark of the live media plane: N SRT publishers (1280x720
 * 30 fps H.264 at about 2 Mbit/s and AAC) recorded by the real eboardd,
 * side by side with the same streams written by a plain byte copy (one
 * srt-live-transmit per stream, the floor) and by one `ffmpeg -c copy` to
 * Matroska per stream. Every receiver gets the same bytes from one paced
 * sender process (bench-srt-sender) with the same SRT latency and
 * encryption. Per receiver and N it reports CPU seconds per stream per
 * media minute (from wait4() of the receiver processes), peak memory (the
 * sum of every receiver process's VmHWM, read every second), the SRT packets
 * lost and retransmitted, and the video frames missing from what was
 * written, read back with ffprobe.
 *
 * usage: bench-record EBOARDD BENCH-SRT-SENDER
 * environment (defaults):
 *   BENCH_MEDIA_SECONDS  media seconds sent per stream and run (60)
 *   BENCH_STREAMS        the publisher counts, comma-separated (1,8,32,64)
 *   BENCH_RECEIVERS      which receivers, in order (eboard,floor,ffmpeg)
 *   BENCH_CLIP_SECONDS   length of the clip the sender loops, whole 2-second
 *                        groups of pictures (24)
 *   BENCH_LATENCY_MS     SRT latency of every connection (200)
 *   BENCH_KEEP           1: keep the temporary folder (clip, outputs, logs)
 * Exit status: 0 when every run delivered and was verified, 1 when a run
 * failed or its output did not hold what was sent, 77 (skipped) when
 * srt-live-transmit, ffmpeg or ffprobe is missing.
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

extern char **environ;

#define EXIT_SKIP 77
#define PASSPHRASE "benchmark-passphrase-0123456789"
/* A stream may end with a frame cut short by the end of sending. */
#define FRAMES_SLACK 2

typedef enum
{
  RECEIVER_EBOARD,
  RECEIVER_FLOOR,
  RECEIVER_FFMPEG,
} ReceiverKind;

static const char *const receiver_names[] = { "eboard", "floor", "ffmpeg" };

/* Set by SIGINT or SIGTERM: every wait ends within seconds, the runs
 * stop and the receivers and the temporary folder are cleaned up. */
static volatile sig_atomic_t interrupted;

static void
on_signal (int signal_number)
{
  interrupted = 1;
}

typedef struct
{
  pid_t pid;
  guint64 base_ticks; /* CPU when sending started */
  guint64 peak_kib;   /* the largest VmHWM read */
  gboolean exited;
  int status;
  struct rusage usage;
} Proc;

typedef struct
{
  guint64 bytes, frames;
} StreamSent;

typedef struct
{
  GArray *streams; /* StreamSent, in target order */
  guint64 bytes, frames, pkt_sent, pkt_lost, pkt_retrans, pkt_dropped, stalls, late;
  double late_max_ms;
  guint failed;
} SendStats;

typedef struct
{
  ReceiverKind kind;
  guint n;
  double cpu_s;
  double rss_mib;
  double finalise_s;
  SendStats sent;
  guint64 frames_out;
  guint64 frames_missing;
  double duration_min_s, duration_max_s;
  guint64 udp_drops; /* dropped by the receivers' full UDP receive buffers */
  GString *problems;
  double load_at_start;
} Trial;

typedef struct
{
  const char *eboardd;
  const char *sender;
  char *tmp;
  char *clip;
  double media_seconds;
  guint clip_seconds;
  gint latency_ms;
  GArray *counts;    /* guint */
  GArray *receivers; /* ReceiverKind */
  GPtrArray *trials; /* Trial */
  SoupSession *http;
  long ticks_per_second;
} Bench;

/* --- small helpers --- */

static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

static double
monotonic_s (void)
{
  return (double)g_get_monotonic_time () / G_USEC_PER_SEC;
}

/* Datagrams the kernel dropped because the receive buffer of a socket
 * bound to one of @ports was full (the "drops" column of /proc/net/udp
 * and udp6), read while the receivers still hold their sockets. */
static guint64
udp_port_drops (GArray *ports)
{
  const char *const tables[] = { "/proc/net/udp", "/proc/net/udp6" };
  guint64 drops = 0;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *text = NULL;
      g_auto (GStrv) lines = NULL;

      if (!g_file_get_contents (tables[t], &text, NULL, NULL))
        continue;
      lines = g_strsplit (text, "\n", -1);
      /* the first line names the columns */
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto (GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr (GPtrArray) fields = g_ptr_array_new ();
          const char *colon;
          guint port;

          for (guint w = 0; words[w] != NULL; w++)
            if (*words[w] != '\0')
              g_ptr_array_add (fields, words[w]);
          if (fields->len < 13 || (colon = strrchr (fields->pdata[1], ':')) == NULL)
            continue;
          port = (guint)g_ascii_strtoull (colon + 1, NULL, 16);
          for (guint p = 0; p < ports->len; p++)
            if (g_array_index (ports, guint, p) == port)
              drops += g_ascii_strtoull (fields->pdata[fields->len - 1], NULL, 10);
        }
    }
  return drops;
}

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR)
              && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            rm_rf (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

static void trial_problem (Trial *trial, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
trial_problem (Trial *trial, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("bench-record: %s x%u: %s\n", receiver_names[trial->kind], trial->n, message);
  if (trial->problems->len > 0)
    g_string_append (trial->problems, "; ");
  g_string_append (trial->problems, message);
}

static void
trial_free (Trial *trial)
{
  if (trial->sent.streams != NULL)
    g_array_unref (trial->sent.streams);
  g_string_free (trial->problems, TRUE);
  g_free (trial);
}

/* --- processes --- */

/* Starts @argv with stdin from /dev/null, stdout to @out_path (or
 * /dev/null) and stderr to @err_path; the caller reaps it with wait4(). */
static gboolean
proc_spawn (Proc *proc, const char *const *argv, const char *out_path, const char *err_path,
            GError **error)
{
  posix_spawn_file_actions_t actions;
  int rc;

  memset (proc, 0, sizeof *proc);
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 1, out_path != NULL ? out_path : "/dev/null",
                                    O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen (&actions, 2, err_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  rc = posix_spawnp (&proc->pid, argv[0], &actions, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy (&actions);
  if (rc != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (rc), "cannot run %s: %s", argv[0],
                   g_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

/* utime + stime (+ those of waited-for children) from /proc, in ticks. */
static guint64
proc_cpu_ticks (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int)pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *end;
  guint64 sum = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return 0;
  /* fields after the name: state is 3, utime 14 .. cstime 17 */
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 15)
    return 0;
  for (guint i = 11; i <= 14; i++)
    sum += g_ascii_strtoull (fields[i], NULL, 10);
  return sum;
}

/* Waits up to @seconds (2 once interrupted) for the process to exit;
 * TRUE when it has. */
static gboolean
proc_wait (Proc *proc, double seconds)
{
  double deadline = monotonic_s () + seconds;

  while (!proc->exited)
    {
      if (interrupted)
        deadline = MIN (deadline, monotonic_s () + 2);
      pid_t got = wait4 (proc->pid, &proc->status, WNOHANG, &proc->usage);

      if (got == proc->pid)
        proc->exited = TRUE;
      else if (got < 0 && errno != EINTR)
        {
          g_printerr ("bench-record: wait4 %d: %s\n", (int)proc->pid, g_strerror (errno));
          proc->exited = TRUE;
        }
      else if (monotonic_s () > deadline)
        return FALSE;
      else
        g_usleep (20 * 1000);
    }
  return TRUE;
}

/* Sends @signal, waits @seconds, then kills. TRUE when it stopped on
 * @signal's account. */
static gboolean
proc_stop (Proc *proc, int signal_number, double seconds)
{
  if (proc->pid <= 0 || proc->exited)
    return TRUE;
  kill (proc->pid, signal_number);
  if (proc_wait (proc, seconds))
    return TRUE;
  kill (proc->pid, SIGKILL);
  proc_wait (proc, 10);
  return FALSE;
}

/* Reads the process's peak resident set (VmHWM). ru_maxrss is not used:
 * Linux carries the parent's resident set at the time of the fork into
 * the child's ru_maxrss across exec. */
static void
proc_sample_peak (Proc *proc)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int)proc->pid);
  g_autofree char *text = NULL;
  const char *line;

  if (proc->exited || !g_file_get_contents (path, &text, NULL, NULL)
      || (line = strstr (text, "\nVmHWM:")) == NULL)
    return;
  proc->peak_kib = MAX (proc->peak_kib, g_ascii_strtoull (line + 7, NULL, 10));
}

static double
proc_cpu_s (const Proc *proc, long ticks_per_second)
{
  double total = (double)proc->usage.ru_utime.tv_sec + proc->usage.ru_utime.tv_usec / 1e6
                 + (double)proc->usage.ru_stime.tv_sec + proc->usage.ru_stime.tv_usec / 1e6;

  return total - (double)proc->base_ticks / (double)ticks_per_second;
}

static gboolean
proc_exited_cleanly (const Proc *proc)
{
  return proc->exited && WIFEXITED (proc->status) && WEXITSTATUS (proc->status) == 0;
}

/* Runs @argv to the end; its standard output in @out. */
static gboolean
run_capture (const char *const *argv, char **out, GError **error)
{
  int status = 0;
  g_autofree char *err = NULL;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status,
                     error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s: ", argv[0], err != NULL ? g_strstrip (err) : "");
      return FALSE;
    }
  return TRUE;
}

/* --- network --- */

/* @count free loopback UDP ports (held open together so they differ). */
static GArray *
free_udp_ports (guint count)
{
  GArray *ports = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; i < count; i++)
    {
      struct sockaddr_in address = { .sin_family = AF_INET };
      socklen_t length = sizeof address;
      int fd = socket (AF_INET, SOCK_DGRAM, 0);
      guint port;

      address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      if (fd < 0 || bind (fd, (struct sockaddr *)&address, sizeof address) != 0
          || getsockname (fd, (struct sockaddr *)&address, &length) != 0)
        g_error ("cannot find a free UDP port: %s", g_strerror (errno));
      port = ntohs (address.sin_port);
      g_array_append_val (ports, port);
      g_array_append_val (fds, fd);
    }
  for (guint i = 0; i < fds->len; i++)
    close (g_array_index (fds, int, i));
  return ports;
}

/* Whether every port of @ports is bound (UDP, IPv4 or IPv6). */
static gboolean
udp_ports_bound (GArray *ports)
{
  g_autofree char *v4 = NULL, *v6 = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  g_file_get_contents ("/proc/net/udp", &v4, NULL, NULL);
  g_file_get_contents ("/proc/net/udp6", &v6, NULL, NULL);
  g_string_append (text, v4 != NULL ? v4 : "");
  g_string_append (text, v6 != NULL ? v6 : "");
  for (guint i = 0; i < ports->len; i++)
    {
      g_autofree char *needle = g_strdup_printf (":%04X ", g_array_index (ports, guint, i));

      if (strstr (text->str, needle) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
wait_ports_bound (GArray *ports, double seconds)
{
  double deadline = monotonic_s () + seconds;

  while (!udp_ports_bound (ports))
    {
      if (monotonic_s () > deadline || interrupted)
        return FALSE;
      g_usleep (50 * 1000);
    }
  return TRUE;
}

/* --- threads of the daemon --- */

typedef struct
{
  char *name; /* numbers folded: "queue12:src" and "queue7:src" are "queue#:src" */
  guint threads;
  guint64 ticks;
} ThreadGroup;

static void
thread_group_free (ThreadGroup *group)
{
  g_free (group->name);
  g_free (group);
}

static gint
thread_group_compare (gconstpointer a, gconstpointer b)
{
  const ThreadGroup *x = *(ThreadGroup *const *)a, *y = *(ThreadGroup *const *)b;

  return x->ticks < y->ticks ? 1 : x->ticks > y->ticks ? -1 : 0;
}

/* Records the CPU of every thread of @pid in @samples (thread id ->
 * ThreadGroup of one thread), so that threads that end before the
 * process keep their last reading. */
static void
sample_threads (GHashTable *samples, pid_t pid)
{
  g_autofree char *task_dir = g_strdup_printf ("/proc/%d/task", (int)pid);
  g_autoptr (GDir) dir = g_dir_open (task_dir, 0, NULL);
  g_autoptr (GRegex) digits = g_regex_new ("[0-9]+", 0, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (task_dir, name, "stat", NULL);
      g_autofree char *text = NULL, *comm = NULL;
      g_auto (GStrv) fields = NULL;
      const char *open, *close;
      ThreadGroup *sample;
      gint tid = atoi (name);

      if (!g_file_get_contents (path, &text, NULL, NULL) || (open = strchr (text, '(')) == NULL
          || (close = strrchr (text, ')')) == NULL)
        continue;
      fields = g_strsplit (close + 2, " ", -1);
      if (g_strv_length (fields) < 13)
        continue;
      sample = g_hash_table_lookup (samples, GINT_TO_POINTER (tid));
      if (sample == NULL)
        {
          sample = g_new0 (ThreadGroup, 1);
          sample->threads = 1;
          g_hash_table_insert (samples, GINT_TO_POINTER (tid), sample);
        }
      comm = g_strndup (open + 1, close - open - 1);
      g_free (sample->name);
      sample->name = g_regex_replace_literal (digits, comm, -1, 0, "#", 0, NULL);
      sample->ticks
          = g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
    }
}

/* Where the daemon's CPU went, by thread name. */
static void
print_thread_profile (Bench *bench, GHashTable *samples)
{
  g_autoptr (GHashTable) groups
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)thread_group_free);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint64 total = 0;

  g_hash_table_iter_init (&iter, samples);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ThreadGroup *sample = value;
      ThreadGroup *group = g_hash_table_lookup (groups, sample->name);

      if (group == NULL)
        {
          group = g_new0 (ThreadGroup, 1);
          group->name = g_strdup (sample->name);
          g_hash_table_insert (groups, group->name, group);
          g_ptr_array_add (sorted, group);
        }
      group->threads++;
      group->ticks += sample->ticks;
      total += sample->ticks;
    }
  g_ptr_array_sort (sorted, thread_group_compare);
  printf ("  eboardd CPU s by thread name (threads sampled every second):");
  for (guint i = 0; i < sorted->len && i < 12; i++)
    {
      ThreadGroup *group = sorted->pdata[i];

      printf ("%s %s x%u %.2f", i == 0 ? "" : ",", group->name, group->threads,
              (double)group->ticks / bench->ticks_per_second);
    }
  printf ("; %u threads, %.2f s in all\n", g_hash_table_size (samples),
          (double)total / bench->ticks_per_second);
}

/* --- the sender --- */

static guint64
field_u64 (GHashTable *fields, const char *key)
{
  const char *value = g_hash_table_lookup (fields, key);

  return value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;
}

static GHashTable *
parse_fields (const char *line)
{
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) words = g_strsplit (line, " ", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *eq = strchr (words[i], '=');

      if (eq != NULL)
        g_hash_table_insert (fields, g_strndup (words[i], eq - words[i]), g_strdup (eq + 1));
    }
  return fields;
}

static void
parse_sender_output (const char *text, SendStats *stats)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  stats->streams = g_array_new (FALSE, TRUE, sizeof (StreamSent));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GHashTable) fields = parse_fields (lines[i]);

      if (g_str_has_prefix (lines[i], "stream="))
        {
          StreamSent stream = { field_u64 (fields, "bytes"), field_u64 (fields, "frames") };

          g_array_append_val (stats->streams, stream);
        }
      else if (g_str_has_prefix (lines[i], "total "))
        {
          stats->bytes = field_u64 (fields, "bytes");
          stats->frames = field_u64 (fields, "frames");
          stats->pkt_sent = field_u64 (fields, "pkt_sent");
          stats->pkt_lost = field_u64 (fields, "pkt_lost");
          stats->pkt_retrans = field_u64 (fields, "pkt_retrans");
          stats->pkt_dropped = field_u64 (fields, "pkt_dropped");
          stats->stalls = field_u64 (fields, "stalls");
          stats->late = field_u64 (fields, "late");
          stats->failed = (guint)field_u64 (fields, "failed");
          stats->late_max_ms
              = g_ascii_strtod (g_hash_table_lookup (fields, "late_max_ms") != NULL
                                    ? (const char *)g_hash_table_lookup (fields, "late_max_ms")
                                    : "0",
                                NULL);
        }
    }
}

/* Sends the clip to every target of @targets_path; the receivers'
 * baseline CPU is taken right before. */
static gboolean
run_sender (Bench *bench, Trial *trial, const char *targets_path, GArray *ports, Proc *receivers,
            guint n_receivers, GHashTable *samples)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *seconds = g_strdup_printf ("%.3f", bench->media_seconds);
  g_autofree char *latency = g_strdup_printf ("%d", bench->latency_ms);
  g_autofree char *out_path
      = g_strdup_printf ("%s/sender-%s-%u.out", bench->tmp, receiver_names[trial->kind], trial->n);
  g_autofree char *err_path
      = g_strdup_printf ("%s/sender-%s-%u.log", bench->tmp, receiver_names[trial->kind], trial->n);
  g_autofree char *output = NULL;
  const char *argv[] = { bench->sender, "--clip", bench->clip,  "--seconds", seconds,
                         "--latency",   latency,  targets_path, NULL };
  Proc sender;

  for (guint i = 0; i < n_receivers; i++)
    receivers[i].base_ticks = proc_cpu_ticks (receivers[i].pid);
  if (!proc_spawn (&sender, argv, out_path, err_path, &error))
    {
      trial_problem (trial, "%s", error->message);
      return FALSE;
    }
  /* the receivers' peak memory (and the threads of the first) are
   * sampled meanwhile */
  for (double deadline = monotonic_s () + bench->media_seconds + 120;
       !proc_wait (&sender, 1.0) && monotonic_s () < deadline && !interrupted;)
    {
      for (guint i = 0; i < n_receivers; i++)
        proc_sample_peak (&receivers[i]);
      if (samples != NULL)
        sample_threads (samples, receivers[0].pid);
    }
  for (guint i = 0; i < n_receivers; i++)
    proc_sample_peak (&receivers[i]);
  if (!sender.exited)
    {
      proc_stop (&sender, SIGKILL, 5);
      trial_problem (trial, interrupted ? "interrupted" : "the sender did not finish in time");
      return FALSE;
    }
  trial->udp_drops = udp_port_drops (ports);
  g_file_get_contents (out_path, &output, NULL, NULL);
  parse_sender_output (output != NULL ? output : "", &trial->sent);
  if (!proc_exited_cleanly (&sender) || trial->sent.streams->len != trial->n)
    {
      g_autofree char *log = NULL;

      g_file_get_contents (err_path, &log, NULL, NULL);
      trial_problem (trial, "the sender failed (%u streams reported): %s", trial->sent.streams->len,
                     log != NULL ? g_strstrip (log) : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_targets (const char *path, GPtrArray *lines)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (const char *)lines->pdata[i]);
  return g_file_set_contents (path, text->str, -1, NULL);
}

/* --- reading outputs back --- */

/* Video packets and duration ffprobe reads from @input (a file or a
 * concat: URL); FALSE when it cannot read it. */
static gboolean
probe_video (const char *input, guint64 *frames, double *duration_s)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  const char *argv[] = { "ffprobe",
                         "-v",
                         "error",
                         "-count_packets",
                         "-select_streams",
                         "v:0",
                         "-show_entries",
                         "stream=nb_read_packets:format=duration",
                         "-of",
                         "default=nw=1",
                         input,
                         NULL };

  *frames = 0;
  *duration_s = 0;
  if (!run_capture (argv, &out, &error))
    {
      g_printerr ("bench-record: ffprobe %s: %s\n", input, error->message);
      return FALSE;
    }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "nb_read_packets="))
        *frames = g_ascii_strtoull (lines[i] + 16, NULL, 10);
      else if (g_str_has_prefix (lines[i], "duration="))
        *duration_s = g_ascii_strtod (lines[i] + 9, NULL);
    }
  return *frames > 0;
}

/* Compares one written stream with what was sent to it. */
static void
check_stream (Bench *bench, Trial *trial, guint index, const char *input, const char *what)
{
  StreamSent *sent = &g_array_index (trial->sent.streams, StreamSent, index);
  guint64 frames = 0;
  double duration = 0;

  if (!probe_video (input, &frames, &duration))
    {
      trial_problem (trial, "%s: no readable video", what);
      trial->frames_missing += sent->frames;
      return;
    }
  trial->frames_out += frames;
  if (frames + FRAMES_SLACK < sent->frames)
    trial->frames_missing += sent->frames - frames;
  if (frames > sent->frames)
    trial_problem (trial, "%s: %" G_GUINT64_FORMAT " frames written, %" G_GUINT64_FORMAT " sent",
                   what, frames, sent->frames);
  if (trial->duration_min_s == 0 || duration < trial->duration_min_s)
    trial->duration_min_s = duration;
  trial->duration_max_s = MAX (trial->duration_max_s, duration);
  if (duration < bench->media_seconds - 2 || duration > bench->media_seconds + 2)
    trial_problem (trial, "%s: %.2f s written, %.2f s sent", what, duration, bench->media_seconds);
}

/* --- the eboard receiver: the real daemon over its API --- */

typedef struct
{
  Bench *bench;
  Trial *trial;
  char *base;
  char *admin;
} Api;

/* One API call; @expect is the status wanted. Returns the answer's JSON. */
static JsonNode *
api_call (Api *api, const char *method, const char *path, const char *token, const char *body,
          guint expect, GError **error)
{
  g_autofree char *url = g_strconcat (api->base, path, NULL);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  g_autoptr (SoupMessage) message = soup_message_new (method, url);
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data;

  soup_message_headers_append (soup_message_get_request_headers (message), "Authorization", bearer);
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (api->bench->http, message, NULL, error);
  if (answer == NULL)
    return NULL;
  data = g_bytes_get_data (answer, &length);
  if (soup_message_get_status (message) != expect)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s answered %u: %.*s", method, path,
                   soup_message_get_status (message), (int)MIN (length, 400), data);
      return NULL;
    }
  if (length == 0)
    return json_node_new (JSON_NODE_NULL);
  if (!json_parser_load_from_data (parser, data, (gssize)length, error))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static gint64
api_create (Api *api, const char *path, const char *token, const char *body, GError **error)
{
  g_autoptr (JsonNode) root = api_call (api, "POST", path, token, body, 201, error);
  JsonObject *object;

  if (root == NULL)
    return 0;
  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  /* a roster entry comes as {"entry": {...}, "warnings": [...]} */
  if (object != NULL && json_object_has_member (object, "entry"))
    object = json_object_get_object_member (object, "entry");
  if (object == NULL || !json_object_has_member (object, "id"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "POST %s answered no id", path);
      return 0;
    }
  return json_object_get_int_member (object, "id");
}

/* A hub, @n people on the roster of a scheduled session (the first as
 * chair), the session live, and each person's join details as a target
 * line. */
static gint64
eboard_prepare (Api *api, guint n, GPtrArray *targets, GArray *people, GArray *ports,
                GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *start = g_date_time_format (tomorrow, "%Y-%m-%dT%H:00:00Z");
  g_autofree char *session_body = NULL, *session_path = NULL;
  g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  gint64 site, session;

  site = api_create (api, "/api/v1/sites", api->admin,
                     "{\"name\": \"Benchmark hub\", \"code\": \"BENCH\", \"timezone\": \"UTC\", "
                     "\"status\": \"active\", \"is_hub\": true}",
                     error);
  if (site == 0)
    return 0;
  session_body = g_strdup_printf (
      "{\"title\": \"Recording benchmark\", \"focus\": \"%u publishers\", \"host_site_id\": "
      "%" G_GINT64_FORMAT ", \"start\": \"%s\", \"duration_minutes\": 120, \"timezone\": \"UTC\"}",
      n, site, start);
  session = api_create (api, "/api/v1/sessions", api->admin, session_body, error);
  if (session == 0)
    return 0;
  session_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT, session);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *person_body = g_strdup_printf (
          "{\"name\": \"Publisher %u\", \"email\": \"publisher-%u@bench.example\", "
          "\"specialty\": \"medical_oncology\", \"home_site_id\": %" G_GINT64_FORMAT "}",
          i + 1, i + 1, site);
      g_autofree char *roster_path = g_strconcat (session_path, "/roster", NULL);
      g_autofree char *roster_body = NULL, *token_body = NULL;
      g_autoptr (JsonNode) token = NULL;
      gint64 person = api_create (api, "/api/v1/people", api->admin, person_body, error);

      if (person == 0)
        return 0;
      g_array_append_val (people, person);
      roster_body = g_strdup_printf ("{\"person_id\": %" G_GINT64_FORMAT
                                     ", \"role\": \"%s\", \"status\": \"accepted\"}",
                                     person, i == 0 ? "chair" : "panelist");
      if (api_create (api, roster_path, api->admin, roster_body, error) == 0)
        return 0;
      token_body = g_strdup_printf ("{\"person_id\": %" G_GINT64_FORMAT
                                    ", \"role\": \"clinician\", \"label\": \"publisher %u\"}",
                                    person, i + 1);
      token = api_call (api, "POST", "/api/v1/tokens", api->admin, token_body, 201, error);
      if (token == NULL)
        return 0;
      g_ptr_array_add (tokens, g_strdup (json_object_get_string_member (
                                   json_node_get_object (token), "secret")));
    }

  {
    g_autofree char *schedule = g_strconcat (session_path, "/schedule", NULL);
    g_autofree char *go_live = g_strconcat (session_path, "/start", NULL);
    g_autoptr (JsonNode) scheduled = api_call (api, "POST", schedule, api->admin, NULL, 200, error);
    g_autoptr (JsonNode) live = NULL;

    if (scheduled == NULL)
      return 0;
    live = api_call (api, "POST", go_live, api->admin, NULL, 200, error);
    if (live == NULL)
      return 0;
  }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *join_path = g_strconcat (session_path, "/join", NULL);
      g_autoptr (JsonNode) join
          = api_call (api, "GET", join_path, tokens->pdata[i], NULL, 200, error);
      JsonObject *srt;

      if (join == NULL)
        return 0;
      srt = json_object_get_object_member (json_node_get_object (join), "srt");
      if (i == 0)
        {
          guint port = (guint)json_object_get_int_member (srt, "port");

          g_array_append_val (ports, port);
        }
      g_ptr_array_add (targets,
                       g_strdup_printf ("%s %" G_GINT64_FORMAT " %s %s",
                                        json_object_get_string_member (srt, "host"),
                                        json_object_get_int_member (srt, "port"),
                                        json_object_get_string_member (srt, "publish_streamid"),
                                        json_object_get_string_member (srt, "passphrase")));
    }
  return session;
}

/* The finalised recording as the API shows it (with its segments). */
static JsonNode *
eboard_fetch_recording (Api *api, Trial *trial, JsonNode *ended)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *full;
  JsonObject *recording;

  if (!JSON_NODE_HOLDS_OBJECT (ended)
      || !json_object_has_member (json_node_get_object (ended), "recording")
      || json_object_get_null_member (json_node_get_object (ended), "recording"))
    {
      trial_problem (trial, "the end answered no recording");
      return NULL;
    }
  recording = json_object_get_object_member (json_node_get_object (ended), "recording");
  path = g_strdup_printf ("/api/v1/recordings/%" G_GINT64_FORMAT,
                          json_object_get_int_member (recording, "id"));
  full = api_call (api, "GET", path, api->admin, NULL, 200, &error);
  if (full == NULL)
    trial_problem (trial, "%s", error->message);
  return full;
}

/* The recording's tracks, checked against what each person sent. */
static void
eboard_verify (Bench *bench, Trial *trial, gint64 session, const char *recordings, JsonNode *full,
               GArray *people)
{
  JsonObject *recording = json_node_get_object (full);
  JsonArray *tracks;

  if (g_strcmp0 (json_object_get_string_member (recording, "state"), "complete") != 0)
    trial_problem (trial, "the recording is %s",
                   json_object_get_string_member (recording, "state"));
  tracks = json_object_get_array_member (recording, "tracks");
  if (json_array_get_length (tracks) != trial->n)
    trial_problem (trial, "%u tracks recorded for %u publishers", json_array_get_length (tracks),
                   trial->n);

  for (guint i = 0; i < people->len; i++)
    {
      gint64 person = g_array_index (people, gint64, i);
      g_autoptr (GString) concat = g_string_new ("concat:");
      g_autofree char *what = g_strdup_printf ("track of person %" G_GINT64_FORMAT, person);
      JsonObject *track = NULL;
      JsonArray *segments;

      for (guint t = 0; t < json_array_get_length (tracks); t++)
        {
          JsonObject *candidate = json_array_get_object_element (tracks, t);

          if (json_object_get_int_member (candidate, "person_id") == person)
            track = candidate;
        }
      if (track == NULL)
        {
          trial_problem (trial, "no %s", what);
          trial->frames_missing += g_array_index (trial->sent.streams, StreamSent, i).frames;
          continue;
        }
      segments = json_object_get_array_member (track, "segments");
      for (guint s = 0; s < json_array_get_length (segments); s++)
        g_string_append_printf (
            concat, "%s%s/session-%" G_GINT64_FORMAT "/%s", s > 0 ? "|" : "", recordings, session,
            json_object_get_string_member (json_array_get_object_element (segments, s), "file"));
      check_stream (bench, trial, i, concat->str, what);
    }
}

static void
run_eboard (Bench *bench, Trial *trial)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = g_strdup_printf ("%s/eboard-%u", bench->tmp, trial->n);
  g_autofree char *port_file = g_build_filename (data_dir, "http.port", NULL);
  g_autofree char *log_path = g_strdup_printf ("%s/eboardd-%u.log", bench->tmp, trial->n);
  g_autofree char *targets_path = g_strdup_printf ("%s/targets-eboard-%u", bench->tmp, trial->n);
  g_autofree char *recordings = g_build_filename (data_dir, "recordings", NULL);
  g_autofree char *token_path = g_build_filename (data_dir, "bootstrap-token", NULL);
  g_autofree char *port_text = NULL;
  g_autoptr (GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) people = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) srt_ports = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GHashTable) samples
      = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)thread_group_free);
  g_autoptr (JsonNode) ended = NULL;
  g_autoptr (JsonNode) recording = NULL;
  const char *argv[]
      = { bench->eboardd, "--data-dir", data_dir,      "--address", "127.0.0.1", "--port", "0",
          "--srt-port",   "0",          "--port-file", port_file,   NULL };
  Api api = { bench, trial, NULL, NULL };
  Proc daemon = { 0 };
  gint64 session = 0;
  double ended_at;

  g_mkdir_with_parents (data_dir, 0700);
  if (!proc_spawn (&daemon, argv, NULL, log_path, &error))
    {
      trial_problem (trial, "%s", error->message);
      return;
    }
  for (guint i = 0; i < 200 && !g_file_get_contents (port_file, &port_text, NULL, NULL); i++)
    {
      if (proc_wait (&daemon, 0.05))
        break;
    }
  if (port_text == NULL || !g_file_get_contents (token_path, &api.admin, NULL, NULL))
    {
      trial_problem (trial, "eboardd did not start (log: %s)", log_path);
      proc_stop (&daemon, SIGKILL, 5);
      return;
    }
  g_strstrip (api.admin);
  api.base = g_strdup_printf ("http://127.0.0.1:%s", g_strstrip (port_text));

  session = eboard_prepare (&api, trial->n, targets, people, srt_ports, &error);
  if (session == 0)
    {
      trial_problem (trial, "preparing the live session: %s", error->message);
      goto out;
    }
  write_targets (targets_path, targets);
  if (!run_sender (bench, trial, targets_path, srt_ports, &daemon, 1, samples))
    goto out;

  sample_threads (samples, daemon.pid);
  ended_at = monotonic_s ();
  {
    g_autofree char *end_path
        = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/end", session);

    ended = api_call (&api, "POST", end_path, api.admin, NULL, 200, &error);
  }
  trial->finalise_s = monotonic_s () - ended_at;
  if (ended == NULL)
    {
      trial_problem (trial, "ending the session: %s", error->message);
      goto out;
    }
  sample_threads (samples, daemon.pid);
  print_thread_profile (bench, samples);
  recording = eboard_fetch_recording (&api, trial, ended);
  proc_sample_peak (&daemon);
  if (!proc_stop (&daemon, SIGTERM, 30) || !proc_exited_cleanly (&daemon))
    trial_problem (trial, "eboardd did not stop cleanly (log: %s)", log_path);
  trial->cpu_s = proc_cpu_s (&daemon, bench->ticks_per_second);
  trial->rss_mib = daemon.peak_kib / 1024.0;
  if (recording != NULL)
    eboard_verify (bench, trial, session, recordings, recording, people);
  {
    g_autofree char *log = NULL;

    if (g_file_get_contents (log_path, &log, NULL, NULL)
        && strstr (log, "input queue is full") != NULL)
      trial_problem (trial, "the recorder dropped input (see %s)", log_path);
  }

out:
  proc_stop (&daemon, SIGTERM, 30);
  g_free (api.base);
  g_free (api.admin);
}

/* --- the floor and ffmpeg: one listener process per stream --- */

static char *
floor_url (guint port, gint latency_ms)
{
  return g_strdup_printf ("srt://127.0.0.1:%u?mode=listener&latency=%d&passphrase=%s&pbkeylen=16",
                          port, latency_ms, PASSPHRASE);
}

static char *
ffmpeg_url (guint port, gint latency_ms)
{
  /* ffmpeg takes the latency in microseconds */
  return g_strdup_printf ("srt://127.0.0.1:%u?mode=listener&latency=%d&passphrase=%s&pbkeylen=16",
                          port, latency_ms * 1000, PASSPHRASE);
}

static void
run_per_stream (Bench *bench, Trial *trial)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ports = free_udp_ports (trial->n);
  g_autoptr (GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) outputs = g_ptr_array_new_with_free_func (g_free);
  const char *name = receiver_names[trial->kind];
  g_autofree char *targets_path = g_strdup_printf ("%s/targets-%s-%u", bench->tmp, name, trial->n);
  g_autofree char *log_path = g_strdup_printf ("%s/%s-%u.log", bench->tmp, name, trial->n);
  g_autofree Proc *procs = g_new0 (Proc, trial->n);
  guint started = 0;
  double sent_at;

  for (guint i = 0; i < trial->n; i++)
    {
      guint port = g_array_index (ports, guint, i);
      gboolean floor = trial->kind == RECEIVER_FLOOR;
      g_autofree char *url
          = floor ? floor_url (port, bench->latency_ms) : ffmpeg_url (port, bench->latency_ms);
      char *out = g_strdup_printf ("%s/%s-%u-%03u.%s", bench->tmp, name, trial->n, i,
                                   floor ? "ts" : "mkv");
      const char *floor_argv[] = { "srt-live-transmit", "-a:no", "-q", url, "file://con", NULL };
      const char *ffmpeg_argv[]
          = { "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",    "-i", url, "-map",
              "0",      "-c",       "copy",         "-f",        "matroska", out,  NULL };

      g_ptr_array_add (outputs, out);
      g_ptr_array_add (targets, g_strdup_printf ("127.0.0.1 %u - %s", port, PASSPHRASE));
      if (!proc_spawn (&procs[i], floor ? floor_argv : ffmpeg_argv, floor ? out : NULL, log_path,
                       &error))
        {
          trial_problem (trial, "%s", error->message);
          goto out;
        }
      started++;
    }
  if (!wait_ports_bound (ports, 30))
    {
      trial_problem (trial, "the receivers did not listen (log: %s)", log_path);
      goto out;
    }
  write_targets (targets_path, targets);
  if (!run_sender (bench, trial, targets_path, ports, procs, trial->n, NULL))
    goto out;

  /* they finish on their own when the connection closes */
  sent_at = monotonic_s ();
  for (guint i = 0; i < trial->n; i++)
    proc_sample_peak (&procs[i]);
  for (guint i = 0; i < trial->n; i++)
    if (!proc_wait (&procs[i], MAX (0.1, sent_at + 30 - monotonic_s ())))
      {
        proc_stop (&procs[i], SIGINT, 10);
        trial_problem (trial, "%s %u did not stop when its stream ended", name, i);
      }
  trial->finalise_s = monotonic_s () - sent_at;
  for (guint i = 0; i < trial->n; i++)
    {
      trial->cpu_s += proc_cpu_s (&procs[i], bench->ticks_per_second);
      trial->rss_mib += procs[i].peak_kib / 1024.0;
      if (!WIFEXITED (procs[i].status))
        trial_problem (trial, "%s %u ended by signal %d", name, i, WTERMSIG (procs[i].status));
    }
  for (guint i = 0; i < trial->n; i++)
    {
      g_autofree char *what = g_strdup_printf ("%s", (const char *)outputs->pdata[i]);
      StreamSent *sent = &g_array_index (trial->sent.streams, StreamSent, i);
      GStatBuf st;

      if (trial->kind == RECEIVER_FLOOR
          && (g_stat (outputs->pdata[i], &st) != 0 || (guint64)st.st_size != sent->bytes))
        trial_problem (trial, "%s: %" G_GINT64_FORMAT " bytes written, %" G_GUINT64_FORMAT " sent",
                       what, (gint64)st.st_size, sent->bytes);
      check_stream (bench, trial, i, outputs->pdata[i], what);
    }

out:
  for (guint i = 0; i < started; i++)
    proc_stop (&procs[i], SIGKILL, 5);
}

/* --- the run --- */

static gboolean
encode_clip (Bench *bench, GError **error)
{
  g_autofree char *duration = g_strdup_printf ("%u", bench->clip_seconds);
  /* the audio ends a little before the video, so that the video of one
   * pass runs on into the next without a gap (see bench-srt-sender.c) */
  g_autofree char *tone = g_strdup_printf ("sine=frequency=440:sample_rate=48000:duration=%.2f",
                                           bench->clip_seconds - 0.25);
  g_autofree char *out = NULL;
  const char *argv[] = { "ffmpeg",      "-nostdin", "-hide_banner",
                         "-loglevel",   "error",    "-f",
                         "lavfi",       "-i",       "testsrc2=size=1280x720:rate=30",
                         "-f",          "lavfi",    "-i",
                         tone,          "-t",       duration,
                         "-c:v",        "libx264",  "-preset",
                         "veryfast",    "-b:v",     "2M",
                         "-maxrate",    "2M",       "-bufsize",
                         "2M",          "-g",       "60",
                         "-keyint_min", "60",       "-sc_threshold",
                         "0",           "-pix_fmt", "yuv420p",
                         "-c:a",        "aac",      "-b:a",
                         "128k",        "-f",       "mpegts",
                         bench->clip,   NULL };
  double started = monotonic_s ();
  GStatBuf st;

  if (!run_capture (argv, &out, error))
    return FALSE;
  g_stat (bench->clip, &st);
  printf ("clip: %s, %u s of 1280x720 30 fps H.264 (libx264 veryfast, 2 Mbit/s, keyframe every "
          "2 s) and AAC 48 kHz 128 kbit/s in MPEG-TS, %.2f Mbit/s; encoded in %.1f s\n",
          bench->clip, bench->clip_seconds, st.st_size * 8.0 / bench->clip_seconds / 1e6,
          monotonic_s () - started);
  return TRUE;
}

static void
run_trial (Bench *bench, ReceiverKind kind, guint n)
{
  Trial *trial = g_new0 (Trial, 1);

  trial->kind = kind;
  trial->n = n;
  trial->problems = g_string_new (NULL);
  trial->load_at_start = load_average ();
  printf ("== %s, %u stream%s (load %.2f)\n", receiver_names[kind], n, n == 1 ? "" : "s",
          trial->load_at_start);
  fflush (stdout);
  if (kind == RECEIVER_EBOARD)
    run_eboard (bench, trial);
  else
    run_per_stream (bench, trial);
  if (trial->sent.streams == NULL)
    trial->sent.streams = g_array_new (FALSE, TRUE, sizeof (StreamSent));
  printf ("  cpu %.2f s, peak memory %.1f MiB, finalise %.2f s\n"
          "  sent %" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
          " SRT packets (%" G_GUINT64_FORMAT " lost and %" G_GUINT64_FORMAT
          " retransmitted, %" G_GUINT64_FORMAT " dropped); sender late %" G_GUINT64_FORMAT
          " times (max %.1f ms), send buffer full %" G_GUINT64_FORMAT " times; %" G_GUINT64_FORMAT
          " datagrams dropped by the receivers' full UDP receive buffers\n"
          "  written %" G_GUINT64_FORMAT " frames (%" G_GUINT64_FORMAT
          " missing), durations %.2f..%.2f s%s%s\n",
          trial->cpu_s, trial->rss_mib, trial->finalise_s, trial->sent.bytes, trial->sent.frames,
          trial->sent.pkt_sent, trial->sent.pkt_lost, trial->sent.pkt_retrans,
          trial->sent.pkt_dropped, trial->sent.late, trial->sent.late_max_ms, trial->sent.stalls,
          trial->udp_drops, trial->frames_out, trial->frames_missing, trial->duration_min_s,
          trial->duration_max_s, trial->problems->len > 0 ? "\n  PROBLEMS: " : "",
          trial->problems->str);
  fflush (stdout);
  g_ptr_array_add (bench->trials, trial);
}

static Trial *
find_trial (Bench *bench, ReceiverKind kind, guint n)
{
  for (guint i = 0; i < bench->trials->len; i++)
    {
      Trial *trial = bench->trials->pdata[i];

      if (trial->kind == kind && trial->n == n)
        return trial;
    }
  return NULL;
}

static double
per_stream_minute (const Bench *bench, const Trial *trial)
{
  return trial->cpu_s / trial->n / (bench->media_seconds / 60.0);
}

/* The table of figures, and the targets. */
static gboolean
summarise (Bench *bench)
{
  gboolean all_ok = TRUE;

  printf ("\n%-8s %-8s %8s %14s %8s %9s %8s %8s %8s %8s %8s %10s\n", "streams", "receiver", "CPU s",
          "CPU s/str/min", "x floor", "peak MiB", "x floor", "retrans", "dropped", "UDP drop",
          "missing", "finalise s");
  for (guint c = 0; c < bench->counts->len; c++)
    {
      guint n = g_array_index (bench->counts, guint, c);
      Trial *floor = find_trial (bench, RECEIVER_FLOOR, n);

      for (guint r = 0; r < bench->receivers->len; r++)
        {
          ReceiverKind kind = g_array_index (bench->receivers, ReceiverKind, r);
          Trial *trial = find_trial (bench, kind, n);
          g_autofree char *cpu_ratio = NULL, *rss_ratio = NULL;

          if (trial == NULL)
            continue;
          all_ok = all_ok && trial->problems->len == 0;
          cpu_ratio = floor != NULL && floor->cpu_s > 0
                          ? g_strdup_printf ("%.2f", trial->cpu_s / floor->cpu_s)
                          : g_strdup ("-");
          rss_ratio = floor != NULL && floor->rss_mib > 0
                          ? g_strdup_printf ("%.2f", trial->rss_mib / floor->rss_mib)
                          : g_strdup ("-");
          printf ("%-8u %-8s %8.2f %14.3f %8s %9.1f %8s %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT
                  " %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %10.2f%s\n",
                  n, receiver_names[kind], trial->cpu_s, per_stream_minute (bench, trial),
                  cpu_ratio, trial->rss_mib, rss_ratio, trial->sent.pkt_retrans,
                  trial->sent.pkt_dropped, trial->udp_drops, trial->frames_missing,
                  trial->finalise_s, trial->problems->len > 0 ? "  (failed)" : "");
        }
    }

  printf ("\n");
  for (guint c = 0; c < bench->counts->len; c++)
    {
      guint n = g_array_index (bench->counts, guint, c);
      Trial *eboard = find_trial (bench, RECEIVER_EBOARD, n);
      Trial *floor = find_trial (bench, RECEIVER_FLOOR, n);
      Trial *ffmpeg = find_trial (bench, RECEIVER_FFMPEG, n);

      if (eboard == NULL || floor == NULL || ffmpeg == NULL || floor->cpu_s <= 0)
        continue;
      printf (
          "targets at %u streams: eboard/floor CPU %.2f (%s 1.5), eboard/ffmpeg CPU %.2f "
          "(%s), eboard %s (%" G_GUINT64_FORMAT " SRT packets dropped, %" G_GUINT64_FORMAT
          " video frames missing)\n",
          n, eboard->cpu_s / floor->cpu_s, eboard->cpu_s / floor->cpu_s <= 1.5 ? "within" : "above",
          eboard->cpu_s / ffmpeg->cpu_s, eboard->cpu_s < ffmpeg->cpu_s ? "cheaper" : "not cheaper",
          eboard->sent.pkt_dropped == 0 && eboard->frames_missing == 0 ? "lost nothing"
                                                                       : "LOST MEDIA",
          eboard->sent.pkt_dropped, eboard->frames_missing);
    }
  return all_ok;
}

static gboolean
parse_list (const char *text, const char *what, GArray *out, gboolean receivers)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      guint64 value = 0;

      if (*item == '\0')
        continue;
      if (receivers)
        {
          ReceiverKind kind;

          for (kind = RECEIVER_EBOARD; kind <= RECEIVER_FFMPEG; kind++)
            if (g_strcmp0 (item, receiver_names[kind]) == 0)
              break;
          if (kind > RECEIVER_FFMPEG)
            {
              g_printerr ("bench-record: %s: unknown receiver '%s' (eboard, floor, ffmpeg)\n", what,
                          item);
              return FALSE;
            }
          g_array_append_val (out, kind);
          continue;
        }
      if (!g_ascii_string_to_unsigned (item, 10, 1, 500, &value, NULL))
        {
          g_printerr ("bench-record: %s: '%s' is not a count of 1..500\n", what, item);
          return FALSE;
        }
      {
        guint n = (guint)value;

        g_array_append_val (out, n);
      }
    }
  if (out->len == 0)
    {
      g_printerr ("bench-record: %s is empty\n", what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
env_double (const char *name, double fallback, double min, double max, double *out)
{
  const char *text = g_getenv (name);
  char *end = NULL;

  *out = fallback;
  if (text == NULL || *text == '\0')
    return TRUE;
  *out = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || *out < min || *out > max)
    {
      g_printerr ("bench-record: %s=%s is not a number of %g..%g\n", name, text, min, max);
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  Bench bench = { 0 };
  const char *streams = g_getenv ("BENCH_STREAMS");
  const char *receivers = g_getenv ("BENCH_RECEIVERS");
  double clip_seconds = 0, latency = 0;
  gboolean ok;
  double started;

  if (argc != 3)
    {
      g_printerr ("usage: bench-record EBOARDD BENCH-SRT-SENDER\n");
      return 2;
    }
  bench.eboardd = argv[1];
  bench.sender = argv[2];
  bench.counts = g_array_new (FALSE, FALSE, sizeof (guint));
  bench.receivers = g_array_new (FALSE, FALSE, sizeof (ReceiverKind));
  if (!env_double ("BENCH_MEDIA_SECONDS", 60, 5, 3600, &bench.media_seconds)
      || !env_double ("BENCH_CLIP_SECONDS", 24, 4, 120, &clip_seconds)
      || !env_double ("BENCH_LATENCY_MS", 200, 20, 5000, &latency)
      || !parse_list (streams != NULL ? streams : "1,8,32,64", "BENCH_STREAMS", bench.counts, FALSE)
      || !parse_list (receivers != NULL ? receivers : "eboard,floor,ffmpeg", "BENCH_RECEIVERS",
                      bench.receivers, TRUE))
    return 2;
  /* whole groups of pictures: each pass starts on a keyframe */
  bench.clip_seconds = (guint)clip_seconds / 2 * 2;
  bench.latency_ms = (gint)latency;
  for (const char *const *tool
       = (const char *const[]){ "srt-live-transmit", "ffmpeg", "ffprobe", NULL };
       *tool != NULL; tool++)
    {
      g_autofree char *path = g_find_program_in_path (*tool);

      if (path == NULL)
        {
          g_printerr ("bench-record: %s is not installed (Debian: srt-tools, ffmpeg): skipped\n",
                      *tool);
          return EXIT_SKIP;
        }
    }
  if (!g_file_test (bench.eboardd, G_FILE_TEST_IS_EXECUTABLE)
      || !g_file_test (bench.sender, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("bench-record: no eboardd at %s or no sender at %s\n", bench.eboardd,
                  bench.sender);
      return 1;
    }
  /* a receiver or the daemon that goes away must not end the benchmark */
  signal (SIGPIPE, SIG_IGN);
  {
    struct sigaction action = { .sa_handler = on_signal };

    sigemptyset (&action.sa_mask);
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
  }
  bench.ticks_per_second = sysconf (_SC_CLK_TCK);
  bench.trials = g_ptr_array_new_with_free_func ((GDestroyNotify)trial_free);
  bench.http = soup_session_new_with_options ("timeout", 300, NULL);
  bench.tmp = g_dir_make_tmp ("eboard-bench-record-XXXXXX", &error);
  if (bench.tmp == NULL)
    {
      g_printerr ("bench-record: %s\n", error->message);
      return 1;
    }
  bench.clip = g_build_filename (bench.tmp, "clip.ts", NULL);

  {
    g_autofree char *cpuinfo = NULL;
    g_auto (GStrv) lines = NULL;
    const char *model = "unknown";

    if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
      {
        lines = g_strsplit (cpuinfo, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++)
          if (g_str_has_prefix (lines[i], "model name") && strchr (lines[i], ':') != NULL)
            {
              model = strchr (lines[i], ':') + 2;
              break;
            }
      }
    printf ("machine: %ld processors, %s, load average %.2f\n", sysconf (_SC_NPROCESSORS_ONLN),
            model, load_average ());
    printf ("settings: %.0f media seconds per stream and run, SRT latency %d ms, AES-128, "
            "%s\n",
            bench.media_seconds, bench.latency_ms, streams != NULL ? streams : "1,8,32,64");
  }
  started = monotonic_s ();
  if (!encode_clip (&bench, &error))
    {
      g_printerr ("bench-record: encoding the clip: %s\n", error->message);
      rm_rf (bench.tmp);
      return 1;
    }
  for (guint c = 0; c < bench.counts->len && !interrupted; c++)
    for (guint r = 0; r < bench.receivers->len && !interrupted; r++)
      run_trial (&bench, g_array_index (bench.receivers, ReceiverKind, r),
                 g_array_index (bench.counts, guint, c));
  ok = summarise (&bench) && !interrupted;
  if (interrupted)
    printf ("interrupted: the runs were stopped\n");
  printf ("the benchmark took %.0f s\n", monotonic_s () - started);

  if (g_strcmp0 (g_getenv ("BENCH_KEEP"), "1") == 0)
    printf ("kept %s\n", bench.tmp);
  else
    rm_rf (bench.tmp);
  g_free (bench.tmp);
  g_free (bench.clip);
  g_object_unref (bench.http);
  g_ptr_array_unref (bench.trials);
  g_array_unref (bench.counts);
  g_array_unref (bench.receivers);
  return ok ? 0 : 1;
}
