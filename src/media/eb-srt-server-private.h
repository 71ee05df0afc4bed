/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <srt/srt.h>

G_BEGIN_DECLS

/*
 * EbSrtServer: the one SRT listener of the media plane and its network
 * thread. libsrt's listener callback sees each caller's streamid before
 * the handshake completes, so one port can serve every publisher and
 * viewer of every session, each with its session's passphrase (GStreamer's
 * srtsrc serves a single caller per element).
 *
 * Threads: @authorize runs on a libsrt thread; every other callback runs
 * on the server's network thread, which alone reads, writes and closes
 * the accepted sockets. Other threads reach it through
 * eb_srt_server_invoke().
 */
typedef struct _EbSrtServer EbSrtServer;

typedef struct
{
  /* A caller before its handshake completes (libsrt thread): returns the
   * connection's data to accept it, with the passphrase it must use in
   * @passphrase (transfer full, nullable) and whether what it sends is
   * read as it arrives (@on_arrival) instead of at its play time, or
   * %NULL to refuse it with @reject_code (an SRT_REJX_* value). */
  gpointer (*authorize) (const char *stream_id, const char *peer, char **passphrase,
                         gboolean *on_arrival, int *reject_code, gpointer user_data);
  /* An authorized caller whose handshake then failed (e.g. a wrong or
   * missing passphrase); the callee releases @connection. */
  void (*handshake_failed) (gpointer connection, const char *reason, gpointer user_data);
  void (*accepted) (gpointer connection, SRTSOCKET socket, gpointer user_data);
  /* One message (one SRT live payload, up to 1456 bytes). */
  void (*received) (gpointer connection, const guint8 *data, gsize length, gpointer user_data);
  void (*writable) (gpointer connection, gpointer user_data);
  /* The socket is gone (peer left, broken, or closed by
   * eb_srt_server_close()); the callee releases @connection. */
  void (*closed) (gpointer connection, const char *reason, gpointer user_data);
  /* About ten times a second. */
  void (*tick) (gpointer user_data);
} EbSrtServerCallbacks;

typedef void (*EbSrtServerFunc) (EbSrtServer *server, gpointer data);

EbSrtServer *eb_srt_server_new (const char *address, guint port,
                                const EbSrtServerCallbacks *callbacks, gpointer user_data,
                                GError **error);
/* Stops the network thread and closes every socket; "closed" and
 * "handshake-failed" are then called on the calling thread for what was
 * still open. */
void eb_srt_server_free (EbSrtServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbSrtServer, eb_srt_server_free)

/* The bound port (the free one picked when asked for 0). */
guint eb_srt_server_get_port (EbSrtServer *server);

/* Thread-safe: runs @func on the network thread (within about 50 ms). */
void eb_srt_server_invoke (EbSrtServer *server, EbSrtServerFunc func, gpointer data,
                           GDestroyNotify destroy);

/* Network thread only. */
void eb_srt_server_close (EbSrtServer *server, SRTSOCKET socket, const char *reason);
void eb_srt_server_watch_writable (EbSrtServer *server, SRTSOCKET socket, gboolean watch);
/* @length when sent, 0 when it cannot take it now, -1 on error. */
gssize eb_srt_server_send (EbSrtServer *server, SRTSOCKET socket, const guint8 *data, gsize length);
/* Bytes sent to the peer that its application has not read yet (what
 * its receive buffer holds, from the flow window it advertises, plus
 * what is unacknowledged). */
gsize eb_srt_server_get_peer_backlog (EbSrtServer *server, SRTSOCKET socket);

/* (transfer full): "address:port" of a socket address */
char *eb_srt_format_address (const struct sockaddr *address);

G_END_DECLS
