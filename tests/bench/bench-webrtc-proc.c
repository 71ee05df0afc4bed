/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-webrtc-proc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

extern char **environ;

volatile int bench_interrupted;

static void
on_signal (int signal_number)
{
  bench_interrupted = 1;
}

void
bench_install_signal_handlers (void)
{
  struct sigaction action = { .sa_handler = on_signal };

  /* a server that goes away must not end the benchmark */
  signal (SIGPIPE, SIG_IGN);
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
}

double
bench_monotonic_s (void)
{
  return (double)g_get_monotonic_time () / G_USEC_PER_SEC;
}

double
bench_load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

char *
bench_cpu_model (void)
{
  g_autofree char *cpuinfo = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (cpuinfo, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name") && strchr (lines[i], ':') != NULL)
      return g_strdup (g_strstrip (strchr (lines[i], ':') + 1));
  return g_strdup ("unknown");
}

gboolean
bench_proc_spawn (BenchProc *proc, const char *const *argv, const char *const *envp,
                  const char *log_path, GError **error)
{
  posix_spawn_file_actions_t actions;
  int rc;

  memset (proc, 0, sizeof *proc);
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2 (&actions, 1, 2);
  rc = posix_spawnp (&proc->pid, argv[0], &actions, NULL, (char *const *)argv,
                     envp != NULL ? (char *const *)envp : environ);
  posix_spawn_file_actions_destroy (&actions);
  if (rc != 0)
    {
      proc->pid = 0;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (rc), "cannot run %s: %s", argv[0],
                   g_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

gboolean
bench_proc_wait (BenchProc *proc, double seconds)
{
  double deadline = bench_monotonic_s () + seconds;

  while (!proc->exited && proc->pid > 0)
    {
      pid_t got = waitpid (proc->pid, &proc->status, WNOHANG);

      if (got == proc->pid)
        proc->exited = TRUE;
      else if (got < 0 && errno != EINTR)
        {
          g_printerr ("bench-webrtc: waitpid %d: %s\n", (int)proc->pid, g_strerror (errno));
          proc->exited = TRUE;
        }
      else if (bench_monotonic_s () > deadline)
        return FALSE;
      else
        g_usleep (20 * 1000);
    }
  return TRUE;
}

gboolean
bench_proc_stop (BenchProc *proc, int signal_number, double seconds)
{
  if (proc->pid <= 0 || proc->exited)
    return TRUE;
  kill (proc->pid, signal_number);
  if (bench_proc_wait (proc, seconds))
    return TRUE;
  kill (proc->pid, SIGKILL);
  bench_proc_wait (proc, 10);
  return FALSE;
}

gboolean
bench_proc_exited_cleanly (const BenchProc *proc)
{
  return proc->exited && WIFEXITED (proc->status) && WEXITSTATUS (proc->status) == 0;
}

double
bench_proc_cpu_s (const BenchProc *proc)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int)proc->pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *end;

  if (proc->pid <= 0 || proc->exited || !g_file_get_contents (path, &text, NULL, NULL)
      || (end = strrchr (text, ')')) == NULL)
    return 0;
  /* after the name: state is field 3, utime 14 and stime 15 (of every
   * thread of the process) */
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  return (double)(g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10))
         / (double)sysconf (_SC_CLK_TCK);
}

void
bench_proc_sample_peak (BenchProc *proc)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int)proc->pid);
  g_autofree char *text = NULL;
  const char *line;

  if (proc->pid <= 0 || proc->exited || !g_file_get_contents (path, &text, NULL, NULL)
      || (line = strstr (text, "\nVmHWM:")) == NULL)
    return;
  proc->peak_kib = MAX (proc->peak_kib, g_ascii_strtoull (line + 7, NULL, 10));
}

static void
bench_thread_free (BenchThread *thread)
{
  g_free (thread->name);
  g_free (thread);
}

GHashTable *
bench_proc_threads (const BenchProc *proc)
{
  GHashTable *threads = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)bench_thread_free);
  g_autofree char *task_dir = g_strdup_printf ("/proc/%d/task", (int)proc->pid);
  g_autoptr (GDir) dir = proc->pid > 0 && !proc->exited ? g_dir_open (task_dir, 0, NULL) : NULL;
  g_autoptr (GRegex) digits = g_regex_new ("[0-9]+", 0, 0, NULL);
  long ticks = sysconf (_SC_CLK_TCK);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (task_dir, entry, "stat", NULL);
      g_autofree char *text = NULL, *comm = NULL;
      g_auto (GStrv) fields = NULL;
      const char *open, *close;
      BenchThread *thread;

      if (!g_file_get_contents (path, &text, NULL, NULL) || (open = strchr (text, '(')) == NULL
          || (close = strrchr (text, ')')) == NULL)
        continue;
      fields = g_strsplit (close + 2, " ", -1);
      if (g_strv_length (fields) < 13)
        continue;
      comm = g_strndup (open + 1, close - open - 1);
      thread = g_new0 (BenchThread, 1);
      thread->name = g_regex_replace_literal (digits, comm, -1, 0, "#", 0, NULL);
      thread->cpu_s = (double)(g_ascii_strtoull (fields[11], NULL, 10)
                               + g_ascii_strtoull (fields[12], NULL, 10))
                      / (double)ticks;
      g_hash_table_insert (threads, GINT_TO_POINTER (atoi (entry)), thread);
    }
  return threads;
}

typedef struct
{
  const char *name;
  guint threads;
  double cpu_s;
} ThreadGroup;

static gint
compare_groups (gconstpointer a, gconstpointer b)
{
  const ThreadGroup *x = *(ThreadGroup *const *)a, *y = *(ThreadGroup *const *)b;

  return x->cpu_s < y->cpu_s ? 1 : x->cpu_s > y->cpu_s ? -1 : 0;
}

char *
bench_threads_describe (GHashTable *before, GHashTable *after, guint max)
{
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  GString *text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;
  double total = 0;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      BenchThread *now = value;
      BenchThread *then = g_hash_table_lookup (before, key);
      ThreadGroup *group = g_hash_table_lookup (groups, now->name);
      double cpu = now->cpu_s - (then != NULL ? then->cpu_s : 0);

      if (group == NULL)
        {
          group = g_new0 (ThreadGroup, 1);
          group->name = now->name;
          g_hash_table_insert (groups, (gpointer)group->name, group);
          g_ptr_array_add (sorted, group);
        }
      group->threads++;
      group->cpu_s += cpu;
      total += cpu;
    }
  g_ptr_array_sort (sorted, compare_groups);
  for (guint i = 0; i < sorted->len && i < max; i++)
    {
      ThreadGroup *group = sorted->pdata[i];

      g_string_append_printf (text, "%s%s x%u %.2f s", i > 0 ? ", " : "", group->name,
                              group->threads, group->cpu_s);
    }
  g_string_append_printf (text, "; %u threads, %.2f s in all", g_hash_table_size (after), total);
  return g_string_free (text, FALSE);
}

guint
bench_free_tcp_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port = 0;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd >= 0 && bind (fd, (struct sockaddr *)&address, sizeof address) == 0
      && getsockname (fd, (struct sockaddr *)&address, &length) == 0)
    port = ntohs (address.sin_port);
  if (fd >= 0)
    close (fd);
  return port;
}

void
bench_rm_rf (const char *path)
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
            bench_rm_rf (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}
