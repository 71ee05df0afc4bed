/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * The WebRTC forwarding benchmark's servers as processes: started with
 * their output in a log, their CPU time and peak resident set read from
 * /proc, stopped with a signal and, when that does not do, SIGKILL.
 */

#include <sys/types.h>

#include <glib.h>

typedef struct
{
  pid_t pid;
  gboolean exited;
  int status;
  guint64 peak_kib; /* the largest VmHWM read */
} BenchProc;

/* Set by SIGINT or SIGTERM: every wait ends early and the runs stop. */
extern volatile int bench_interrupted;

void bench_install_signal_handlers (void);

/* Starts @argv (searched in PATH) in @envp (%NULL: this process's
 * environment) with stdin from /dev/null and stdout and stderr appended
 * to @log_path. */
gboolean bench_proc_spawn (BenchProc *proc, const char *const *argv, const char *const *envp,
                           const char *log_path, GError **error);
/* Waits up to @seconds for the process to exit; TRUE when it has. */
gboolean bench_proc_wait (BenchProc *proc, double seconds);
/* Sends @signal_number, waits @seconds, then SIGKILL. TRUE when it
 * stopped on @signal_number's account. */
gboolean bench_proc_stop (BenchProc *proc, int signal_number, double seconds);
gboolean bench_proc_exited_cleanly (const BenchProc *proc);
/* The process's user plus system CPU so far, in seconds (0 when gone). */
double bench_proc_cpu_s (const BenchProc *proc);
/* Reads VmHWM into @proc->peak_kib. */
void bench_proc_sample_peak (BenchProc *proc);

/* The CPU seconds of every thread of the process so far: thread id ->
 * BenchThread. */
typedef struct
{
  char *name; /* digits folded: "queue12:src" is "queue#:src" */
  double cpu_s;
} BenchThread;

GHashTable *bench_proc_threads (const BenchProc *proc);
/* What each thread name group took between two bench_proc_threads()
 * readings (threads that ended in between are not counted), the largest
 * first, at most @max groups, as "name xN 1.23 s, ..." text. */
char *bench_threads_describe (GHashTable *before, GHashTable *after, guint max);

/* A free TCP port on 127.0.0.1 (free when asked; the caller binds it
 * soon after). */
guint bench_free_tcp_port (void);
double bench_monotonic_s (void);
double bench_load_average (void);
/* The CPU model of /proc/cpuinfo ("unknown" when not found). */
char *bench_cpu_model (void);
/* Removes @path and everything below it. */
void bench_rm_rf (const char *path);
