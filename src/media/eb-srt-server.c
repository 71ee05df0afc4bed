/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include <srt/access_control.h>

#include <eboard/eb-error.h>

#include "eb-relay-private.h"
#include "eb-srt-server-private.h"

/* The network thread wakes at least this often to run invocations. */
#define EB_SRT_POLL_MS 50
#define EB_SRT_TICK_US (100 * G_TIME_SPAN_MILLISECOND)
/* A handshake that has not completed by then is given up. */
#define EB_SRT_HANDSHAKE_TIMEOUT_US (10 * G_USEC_PER_SEC)
/* Largest SRT live payload. */
#define EB_SRT_MAX_PAYLOAD 1456
/* Messages read from one socket before serving the others. */
#define EB_SRT_READ_BURST 64

typedef struct
{
  gpointer connection;
  gint64 created_at;
  char *failure; /* set when the passphrase could not be applied */
} EbPending;

typedef struct
{
  SRTSOCKET socket;
  gpointer connection;
  gboolean closing;
  gboolean watching_write;
  int max_flow_window; /* the most free room the peer has announced */
} EbSrtSocket;

typedef struct
{
  EbSrtServerFunc func;
  gpointer data;
  GDestroyNotify destroy;
} EbInvocation;

typedef struct
{
  SRTSOCKET socket;
  char *reason;
} EbClosing;

struct _EbSrtServer
{
  EbSrtServerCallbacks callbacks;
  gpointer user_data;
  gboolean srt_started;
  SRTSOCKET listener;
  int epoll;
  guint port;
  GThread *thread;
  gint stopping; /* atomic */

  /* serialises the listener callback with shutdown */
  GMutex authorize_lock;
  gboolean shutting_down;

  /* a leaf lock: nothing is called while holding it */
  GMutex lock;
  GHashTable *pending; /* SRTSOCKET -> EbPending */
  GQueue invocations;  /* EbInvocation */

  /* network thread */
  GHashTable *sockets; /* SRTSOCKET -> EbSrtSocket */
  GArray *closing;     /* EbClosing */
  gint64 last_tick;
};

static void
eb_pending_free (EbPending *pending)
{
  g_free (pending->failure);
  g_free (pending);
}

static void
eb_closing_clear (EbClosing *closing)
{
  g_free (closing->reason);
}

static void
eb_invocation_free (EbInvocation *invocation)
{
  if (invocation->destroy != NULL)
    invocation->destroy (invocation->data);
  g_free (invocation);
}

char *
eb_srt_format_address (const struct sockaddr *address)
{
  char host[INET6_ADDRSTRLEN] = "";

  if (address == NULL)
    return g_strdup ("unknown");
  if (address->sa_family == AF_INET)
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *)address;

      inet_ntop (AF_INET, &in->sin_addr, host, sizeof host);
      return g_strdup_printf ("%s:%u", host, ntohs (in->sin_port));
    }
  if (address->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;

      inet_ntop (AF_INET6, &in6->sin6_addr, host, sizeof host);
      return g_strdup_printf ("[%s]:%u", host, ntohs (in6->sin6_port));
    }
  return g_strdup ("unknown");
}

static void
srt_log_cb (void *opaque, int level, const char *file, int line, const char *area,
            const char *message)
{
  /* libsrt's own diagnostics (e.g. each rejected handshake) are details
   * of what the media plane already reports */
  g_debug ("srt: %s", message);
}

static gpointer
srt_startup_once_cb (gpointer data)
{
  srt_setloghandler (NULL, srt_log_cb);
  srt_setloglevel (LOG_WARNING);
  return NULL;
}

/* Without timestamp-based delivery (TSBPD), libsrt hands a caller's
 * messages over as soon as they are received in order, instead of
 * holding each until its play time on a thread of its own per
 * connection: what a recorder wants, since its timing comes from the
 * stream's own timestamps. A lost packet is still asked for again (the
 * messages after it wait for it); none is dropped as too late. */
static gboolean
read_on_arrival (SRTSOCKET socket)
{
  int no = 0;

  return srt_setsockflag (socket, SRTO_TSBPDMODE, &no, sizeof no) != SRT_ERROR;
}

/* Runs on a libsrt thread for each caller, before the handshake is
 * answered: the one place a caller can be refused without a byte of it
 * being read, or given its session's passphrase. */
static int
listen_cb (void *opaque, SRTSOCKET ns, int hs_version, const struct sockaddr *peer_address,
           const char *stream_id)
{
  EbSrtServer *server = opaque;
  g_autofree char *peer = eb_srt_format_address (peer_address);
  g_autofree char *passphrase = NULL;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&server->authorize_lock);
  EbPending *pending;
  gpointer connection;
  int reject_code = SRT_REJX_FORBIDDEN;
  gboolean on_arrival = FALSE;
  gboolean failed;

  if (server->shutting_down)
    {
      srt_setrejectreason (ns, SRT_REJX_DOWN);
      return -1;
    }
  connection = server->callbacks.authorize (stream_id, peer, &passphrase, &on_arrival, &reject_code,
                                            server->user_data);
  if (connection == NULL)
    {
      srt_setrejectreason (ns, reject_code);
      return -1;
    }

  pending = g_new0 (EbPending, 1);
  pending->connection = connection;
  pending->created_at = g_get_monotonic_time ();
  if (passphrase != NULL
      && srt_setsockflag (ns, SRTO_PASSPHRASE, passphrase, (int)strlen (passphrase)) == SRT_ERROR)
    pending->failure = g_strdup_printf ("cannot set the passphrase: %s", srt_getlasterror_str ());
  if (passphrase != NULL)
    memset (passphrase, 0, strlen (passphrase));
  if (on_arrival && pending->failure == NULL && !read_on_arrival (ns))
    pending->failure
        = g_strdup_printf ("cannot turn off timed delivery: %s", srt_getlasterror_str ());
  failed = pending->failure != NULL;

  /* from here on the network thread owns it */
  g_mutex_lock (&server->lock);
  g_hash_table_insert (server->pending, GINT_TO_POINTER (ns), pending);
  g_mutex_unlock (&server->lock);

  if (failed)
    {
      srt_setrejectreason (ns, SRT_REJX_ISE);
      return -1;
    }
  return 0;
}

static EbSrtSocket *
lookup (EbSrtServer *server, SRTSOCKET socket)
{
  return g_hash_table_lookup (server->sockets, GINT_TO_POINTER (socket));
}

void
eb_srt_server_close (EbSrtServer *server, SRTSOCKET socket, const char *reason)
{
  EbSrtSocket *entry = lookup (server, socket);
  EbClosing closing;

  if (entry == NULL || entry->closing)
    return;
  entry->closing = TRUE;
  closing.socket = socket;
  closing.reason = g_strdup (reason != NULL ? reason : "closed");
  g_array_append_val (server->closing, closing);
}

static void
close_deferred (EbSrtServer *server)
{
  /* a "closed" callback may close more sockets: loop until none is left */
  while (server->closing->len > 0)
    {
      EbClosing closing = g_array_index (server->closing, EbClosing, 0);
      EbSrtSocket *entry;
      gpointer connection;

      g_array_remove_index (server->closing, 0);
      entry = lookup (server, closing.socket);
      if (entry == NULL)
        {
          g_free (closing.reason);
          continue;
        }
      connection = entry->connection;
      g_hash_table_remove (server->sockets, GINT_TO_POINTER (closing.socket));
      srt_epoll_remove_usock (server->epoll, closing.socket);
      srt_close (closing.socket);
      server->callbacks.closed (connection, closing.reason, server->user_data);
      g_free (closing.reason);
    }
}

void
eb_srt_server_watch_writable (EbSrtServer *server, SRTSOCKET socket, gboolean watch)
{
  EbSrtSocket *entry = lookup (server, socket);
  int events = SRT_EPOLL_IN | SRT_EPOLL_ERR;

  if (entry == NULL || entry->closing || entry->watching_write == watch)
    return;
  entry->watching_write = watch;
  if (watch)
    events |= SRT_EPOLL_OUT;
  srt_epoll_update_usock (server->epoll, socket, &events);
}

gssize
eb_srt_server_send (EbSrtServer *server, SRTSOCKET socket, const guint8 *data, gsize length)
{
  int sent;

  g_return_val_if_fail (length <= EB_SRT_MAX_PAYLOAD, -1);

  sent = srt_sendmsg2 (socket, (const char *)data, (int)length, NULL);
  if (sent >= 0)
    return (gssize)length;
  if (srt_getlasterror (NULL) == SRT_EASYNCSND)
    return 0;
  return -1;
}

gsize
eb_srt_server_get_peer_backlog (EbSrtServer *server, SRTSOCKET socket)
{
  EbSrtSocket *entry = lookup (server, socket);
  SRT_TRACEBSTATS stats;
  gsize backlog;

  if (entry == NULL)
    return 0;
  memset (&stats, 0, sizeof stats);
  if (srt_bistats (socket, &stats, 0, 1) == SRT_ERROR)
    return 0;
  backlog = stats.byteSndBuf > 0 ? (gsize)stats.byteSndBuf : 0;
  /* until the peer's first acknowledgement the flow window is the
   * handshake's, not the room left in its buffer */
  if (stats.pktRecvACKTotal == 0)
    return backlog;
  entry->max_flow_window = MAX (entry->max_flow_window, stats.pktFlowWindow);
  if (stats.pktFlowWindow < entry->max_flow_window)
    backlog += (gsize)(entry->max_flow_window - stats.pktFlowWindow) * EB_RELAY_MESSAGE_SIZE;
  return backlog;
}

static void
accept_all (EbSrtServer *server)
{
  for (;;)
    {
      struct sockaddr_storage address;
      int address_length = sizeof address;
      SRTSOCKET socket
          = srt_accept (server->listener, (struct sockaddr *)&address, &address_length);
      EbPending *pending = NULL;
      EbSrtSocket *entry;
      int events = SRT_EPOLL_IN | SRT_EPOLL_ERR;
      int no = 0;

      if (socket == SRT_INVALID_SOCK)
        return;

      g_mutex_lock (&server->lock);
      g_hash_table_steal_extended (server->pending, GINT_TO_POINTER (socket), NULL,
                                   (gpointer *)&pending);
      g_mutex_unlock (&server->lock);
      if (pending == NULL)
        {
          /* not authorized by us: cannot happen, but never serve it */
          srt_close (socket);
          continue;
        }

      srt_setsockflag (socket, SRTO_RCVSYN, &no, sizeof no);
      srt_setsockflag (socket, SRTO_SNDSYN, &no, sizeof no);
      entry = g_new0 (EbSrtSocket, 1);
      entry->socket = socket;
      entry->connection = pending->connection;
      g_hash_table_insert (server->sockets, GINT_TO_POINTER (socket), entry);
      srt_epoll_add_usock (server->epoll, socket, &events);
      eb_pending_free (pending);
      server->callbacks.accepted (entry->connection, socket, server->user_data);
    }
}

/* Whether @socket has a message to read now. libsrt reports "nothing
 * more" from srt_recvmsg() by throwing and catching a C++ exception
 * inside, which costs more than the read itself: ask first. */
static gboolean
socket_readable (SRTSOCKET socket)
{
  int events = 0;
  int length = sizeof events;

  if (srt_getsockflag (socket, SRTO_EVENT, &events, &length) == SRT_ERROR)
    return TRUE; /* let the read report it */
  return (events & (SRT_EPOLL_IN | SRT_EPOLL_ERR)) != 0;
}

static void
read_socket (EbSrtServer *server, EbSrtSocket *entry)
{
  guint8 buffer[EB_SRT_MAX_PAYLOAD];

  for (guint i = 0; i < EB_SRT_READ_BURST && !entry->closing; i++)
    {
      int received;

      /* the first read is what epoll reported */
      if (i > 0 && !socket_readable (entry->socket))
        return;
      received = srt_recvmsg (entry->socket, (char *)buffer, sizeof buffer);

      if (received > 0)
        {
          server->callbacks.received (entry->connection, buffer, (gsize)received,
                                      server->user_data);
          continue;
        }
      if (received == SRT_ERROR && srt_getlasterror (NULL) == SRT_EASYNCRCV)
        return;
      eb_srt_server_close (server, entry->socket,
                           received == 0 ? "the peer closed the connection"
                                         : "the peer disconnected");
      return;
    }
}

static void
handle_events (EbSrtServer *server, SRTSOCKET socket, int events)
{
  EbSrtSocket *entry = lookup (server, socket);

  if (entry == NULL || entry->closing)
    return;
  if (events & SRT_EPOLL_IN)
    read_socket (server, entry);
  if (!entry->closing && (events & SRT_EPOLL_OUT))
    server->callbacks.writable (entry->connection, server->user_data);
  if (!entry->closing && (events & SRT_EPOLL_ERR))
    eb_srt_server_close (server, socket, "the connection was lost");
}

static void
run_invocations (EbSrtServer *server)
{
  for (;;)
    {
      EbInvocation *invocation;

      g_mutex_lock (&server->lock);
      invocation = g_queue_pop_head (&server->invocations);
      g_mutex_unlock (&server->lock);
      if (invocation == NULL)
        return;
      invocation->func (server, invocation->data);
      eb_invocation_free (invocation);
      /* what it closed is closed before the next one runs */
      close_deferred (server);
    }
}

/* A caller the listener callback let through may still fail its
 * handshake (a wrong or missing passphrase): libsrt then closes its
 * socket without reporting it to the listener. */
static void
check_pending (EbSrtServer *server, gboolean all)
{
  g_autoptr (GPtrArray) failed = g_ptr_array_new ();
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) sockets = g_array_new (FALSE, FALSE, sizeof (SRTSOCKET));
  g_autoptr (GArray) states = g_array_new (FALSE, FALSE, sizeof (SRT_SOCKSTATUS));
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key;

  /* libsrt is not called under our lock: its listener callback takes
   * that lock */
  g_mutex_lock (&server->lock);
  g_hash_table_iter_init (&iter, server->pending);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      SRTSOCKET socket = GPOINTER_TO_INT (key);

      g_array_append_val (sockets, socket);
    }
  g_mutex_unlock (&server->lock);
  if (sockets->len == 0)
    return;
  for (guint i = 0; i < sockets->len; i++)
    {
      SRT_SOCKSTATUS status = srt_getsockstate (g_array_index (sockets, SRTSOCKET, i));

      g_array_append_val (states, status);
    }

  g_mutex_lock (&server->lock);
  for (guint i = 0; i < sockets->len; i++)
    {
      SRTSOCKET socket = g_array_index (sockets, SRTSOCKET, i);
      SRT_SOCKSTATUS status = g_array_index (states, SRT_SOCKSTATUS, i);
      EbPending *pending = g_hash_table_lookup (server->pending, GINT_TO_POINTER (socket));
      char *reason = NULL;

      if (pending == NULL)
        continue; /* accepted meanwhile */
      if (pending->failure != NULL)
        reason = g_strdup (pending->failure);
      else if (status == SRTS_BROKEN || status == SRTS_CLOSING || status == SRTS_CLOSED
               || status == SRTS_NONEXIST)
        reason = g_strdup ("the handshake failed (wrong or missing passphrase?)");
      else if (all || now - pending->created_at > EB_SRT_HANDSHAKE_TIMEOUT_US)
        reason = g_strdup ("the handshake did not complete");
      if (reason == NULL)
        continue;
      g_ptr_array_add (failed, pending->connection);
      g_ptr_array_add (reasons, reason);
      g_hash_table_remove (server->pending, GINT_TO_POINTER (socket));
    }
  g_mutex_unlock (&server->lock);

  for (guint i = 0; i < failed->len; i++)
    server->callbacks.handshake_failed (g_ptr_array_index (failed, i),
                                        g_ptr_array_index (reasons, i), server->user_data);
}

static gpointer
network_thread (gpointer data)
{
  EbSrtServer *server = data;
  SRT_EPOLL_EVENT events[64];

  while (!g_atomic_int_get (&server->stopping))
    {
      int n = srt_epoll_uwait (server->epoll, events, G_N_ELEMENTS (events), EB_SRT_POLL_MS);
      gint64 now;

      for (int i = 0; i < n; i++)
        {
          if (events[i].fd == server->listener)
            accept_all (server);
          else
            handle_events (server, events[i].fd, events[i].events);
        }
      close_deferred (server);
      run_invocations (server);

      now = g_get_monotonic_time ();
      if (now - server->last_tick >= EB_SRT_TICK_US)
        {
          server->last_tick = now;
          check_pending (server, FALSE);
          if (server->callbacks.tick != NULL)
            server->callbacks.tick (server->user_data);
          close_deferred (server);
        }
    }
  return NULL;
}

/**
 * eb_srt_server_new:
 * @address: the listener's address, e.g. "127.0.0.1" or "::"
 * @port: its port, 0 for any free one
 *
 * Binds the listener and starts the network thread.
 *
 * Returns: (transfer full) (nullable): the server
 */
EbSrtServer *
eb_srt_server_new (const char *address, guint port, const EbSrtServerCallbacks *callbacks,
                   gpointer user_data, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  g_autoptr (EbSrtServer) server = NULL;
  struct sockaddr_storage bind_address;
  socklen_t bind_length;
  int address_length;
  int no = 0;
  int events = SRT_EPOLL_IN | SRT_EPOLL_ERR;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (port <= G_MAXUINT16, NULL);
  g_return_val_if_fail (callbacks != NULL && callbacks->authorize != NULL, NULL);

  memset (&bind_address, 0, sizeof bind_address);
  {
    struct sockaddr_in *in = (struct sockaddr_in *)&bind_address;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&bind_address;

    if (inet_pton (AF_INET, address, &in->sin_addr) == 1)
      {
        in->sin_family = AF_INET;
        in->sin_port = htons ((guint16)port);
        bind_length = sizeof *in;
      }
    else if (inet_pton (AF_INET6, address, &in6->sin6_addr) == 1)
      {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons ((guint16)port);
        bind_length = sizeof *in6;
      }
    else
      {
        g_set_error (error, EB_ERROR, EB_ERROR_INVALID,
                     "SRT listener address \"%s\" is not an IP address", address);
        return NULL;
      }
  }

  g_once (&once, srt_startup_once_cb, NULL);
  /* libsrt counts its users: each server starts and cleans up once */
  server = g_new0 (EbSrtServer, 1);
  server->callbacks = *callbacks;
  server->user_data = user_data;
  server->listener = SRT_INVALID_SOCK;
  server->epoll = -1;
  g_mutex_init (&server->authorize_lock);
  g_mutex_init (&server->lock);
  g_queue_init (&server->invocations);
  server->pending = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)eb_pending_free);
  server->sockets = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  server->closing = g_array_new (FALSE, FALSE, sizeof (EbClosing));

  if (srt_startup () < 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot start libsrt: %s",
                   srt_getlasterror_str ());
      return NULL;
    }
  server->srt_started = TRUE;
  server->listener = srt_create_socket ();
  if (server->listener == SRT_INVALID_SOCK)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot create the SRT listener: %s",
                   srt_getlasterror_str ());
      return NULL;
    }
  srt_setsockflag (server->listener, SRTO_RCVSYN, &no, sizeof no);
  srt_setsockflag (server->listener, SRTO_SNDSYN, &no, sizeof no);
  if (srt_bind (server->listener, (struct sockaddr *)&bind_address, (int)bind_length) == SRT_ERROR)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE,
                   "cannot bind the SRT listener to %s:%u: %s", address, port,
                   srt_getlasterror_str ());
      return NULL;
    }
  address_length = sizeof bind_address;
  if (srt_getsockname (server->listener, (struct sockaddr *)&bind_address, &address_length)
      == SRT_ERROR)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot read the SRT listener's port: %s",
                   srt_getlasterror_str ());
      return NULL;
    }
  server->port = bind_address.ss_family == AF_INET6
                     ? ntohs (((struct sockaddr_in6 *)&bind_address)->sin6_port)
                     : ntohs (((struct sockaddr_in *)&bind_address)->sin_port);
  if (srt_listen_callback (server->listener, listen_cb, server) == SRT_ERROR
      || srt_listen (server->listener, 64) == SRT_ERROR)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE, "cannot listen on SRT port %u: %s",
                   server->port, srt_getlasterror_str ());
      return NULL;
    }
  server->epoll = srt_epoll_create ();
  if (server->epoll < 0 || srt_epoll_add_usock (server->epoll, server->listener, &events) < 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot poll the SRT listener: %s",
                   srt_getlasterror_str ());
      return NULL;
    }

  server->thread = g_thread_try_new ("eb-srt", network_thread, server, error);
  if (server->thread == NULL)
    return NULL;
  g_debug ("SRT listener on %s port %u", address, server->port);
  return g_steal_pointer (&server);
}

guint
eb_srt_server_get_port (EbSrtServer *server)
{
  g_return_val_if_fail (server != NULL, 0);
  return server->port;
}

void
eb_srt_server_invoke (EbSrtServer *server, EbSrtServerFunc func, gpointer data,
                      GDestroyNotify destroy)
{
  EbInvocation *invocation;

  g_return_if_fail (server != NULL);
  g_return_if_fail (func != NULL);

  invocation = g_new0 (EbInvocation, 1);
  invocation->func = func;
  invocation->data = data;
  invocation->destroy = destroy;
  g_mutex_lock (&server->lock);
  g_queue_push_tail (&server->invocations, invocation);
  g_mutex_unlock (&server->lock);
}

void
eb_srt_server_free (EbSrtServer *server)
{
  GHashTableIter iter;
  gpointer value;

  if (server == NULL)
    return;

  /* no caller is let in from now on, and none is being let in */
  g_mutex_lock (&server->authorize_lock);
  server->shutting_down = TRUE;
  g_mutex_unlock (&server->authorize_lock);
  if (server->listener != SRT_INVALID_SOCK)
    srt_close (server->listener);

  if (server->thread != NULL)
    {
      g_atomic_int_set (&server->stopping, TRUE);
      g_thread_join (server->thread);
      server->thread = NULL;

      /* the network thread is gone: finish its work here */
      run_invocations (server);
      g_hash_table_iter_init (&iter, server->sockets);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        eb_srt_server_close (server, ((EbSrtSocket *)value)->socket, "the server is stopping");
      close_deferred (server);
    }
  check_pending (server, TRUE);

  if (server->epoll >= 0)
    srt_epoll_release (server->epoll);
  g_hash_table_unref (server->pending);
  g_hash_table_unref (server->sockets);
  for (guint i = 0; i < server->closing->len; i++)
    eb_closing_clear (&g_array_index (server->closing, EbClosing, i));
  g_array_unref (server->closing);
  g_queue_clear_full (&server->invocations, (GDestroyNotify)eb_invocation_free);
  g_mutex_clear (&server->authorize_lock);
  g_mutex_clear (&server->lock);
  if (server->srt_started)
    srt_cleanup ();
  g_free (server);
}
