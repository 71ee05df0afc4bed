/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * A paced SRT sender for the recording benchmark: one process opens one
 * SRT caller connection per target and sends each the same MPEG-TS clip,
 * in real time, looping, for a given media duration, so that many live
 * publishers cost one encode and one small process.
 *
 * The clip is sent in 1316-byte messages (7 transport packets) at the
 * clip's own average byte rate. On every pass after the first the clip's
 * PCR, PTS and DTS are moved on by the clip's length and its continuity
 * counters continue, so each connection carries one continuous stream, as
 * an encoder sends it. Connection k starts k * stagger later than the
 * first (by default the starts spread over 2 s, one group of pictures),
 * so that keyframes (and segment cuts) do not all fall together.
 *
 * At the end it waits until every connection's send buffer is drained and
 * the receivers had the time to deliver the last packets, then prints one
 * line of SRT statistics per connection (sent, lost and retransmitted,
 * dropped as too late) and a total line.
 *
 * usage: bench-srt-sender [OPTION...] TARGETS
 * TARGETS is a file with one connection a line: "HOST PORT STREAMID
 * PASSPHRASE", "-" for no stream id or no passphrase.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <glib.h>
#include <srt/srt.h>

#define TS_PACKET 188
#define TS_PER_MESSAGE 7
#define MESSAGE_BYTES (TS_PACKET * TS_PER_MESSAGE)
#define PID_COUNT 8192
#define NULL_PID 0x1fff
#define PTS_WRAP (G_GUINT64_CONSTANT (1) << 33)
/* A connection attempt; attempts go on until the connect deadline. */
#define CONNECT_TIMEOUT_MS 2000
#define CONNECT_DEADLINE_S 20
/* A message later than this against its schedule counts as late. */
#define LATE_MS 50

typedef struct
{
  guint8 *data;
  gsize packets;
  gboolean *video_start;     /* per packet: the first packet of a video PES */
  guint8 cc_step[PID_COUNT]; /* continuity counter advance over one pass */
  guint64 period;            /* one pass in 90 kHz ticks */
  guint frames;              /* video PES per pass */
  double byte_rate;          /* bytes per second */
} Clip;

typedef struct
{
  char *host;
  guint port;
  char *stream_id;
  char *passphrase;
  SRTSOCKET socket;
  gint64 start_ns;
  guint64 messages; /* scheduled in all */
  guint64 next;     /* next message to send */
  gsize packet;     /* position in the clip */
  guint64 pass;     /* passes of the clip completed */
  gboolean built;   /* buffer holds message "next" */
  guint8 buffer[MESSAGE_BYTES];
  guint buffer_frames;
  guint64 bytes;
  guint64 frames;
  guint64 stalls; /* the send buffer was full */
  guint64 late;   /* messages sent more than LATE_MS after their time */
  gint64 late_max_ns;
  gboolean failed;
} Target;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64)ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
sleep_until_ns (gint64 when)
{
  struct timespec ts = { .tv_sec = when / 1000000000, .tv_nsec = when % 1000000000 };

  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

/* --- MPEG-TS --- */

static guint
ts_pid (const guint8 *p)
{
  return ((guint)(p[1] & 0x1f) << 8) | p[2];
}

static gboolean
ts_has_payload (const guint8 *p)
{
  return (p[3] & 0x10) != 0;
}

/* Offset of the payload, or 0 when there is none or it is malformed. */
static gsize
ts_payload_offset (const guint8 *p)
{
  gsize offset = 4;

  if (!ts_has_payload (p))
    return 0;
  if (p[3] & 0x20)
    offset += 1 + (gsize)p[4];
  return offset < TS_PACKET ? offset : 0;
}

/* Offset of a PES header's flags when @p starts a PES with a PTS, else 0. */
static gsize
ts_pes_header (const guint8 *p, guint8 *stream_id)
{
  gsize o = ts_payload_offset (p);

  if (o == 0 || !(p[1] & 0x40) || o + 19 > TS_PACKET)
    return 0;
  if (p[o] != 0 || p[o + 1] != 0 || p[o + 2] != 1)
    return 0;
  *stream_id = p[o + 3];
  /* streams without the optional header (padding, private 2, tables) */
  if (*stream_id == 0xbc || *stream_id == 0xbe || *stream_id == 0xbf || *stream_id == 0xf0
      || *stream_id == 0xf1 || *stream_id == 0xf2 || *stream_id == 0xf8 || *stream_id == 0xff)
    return 0;
  return o;
}

static guint64
ts_read_timestamp (const guint8 *b)
{
  return ((guint64)((b[0] >> 1) & 0x07) << 30) | ((guint64)b[1] << 22)
         | ((guint64)(b[2] >> 1) << 15) | ((guint64)b[3] << 7) | ((guint64)b[4] >> 1);
}

static void
ts_write_timestamp (guint8 *b, guint64 value)
{
  b[0] = (guint8)((b[0] & 0xf1) | ((value >> 29) & 0x0e));
  b[1] = (guint8)(value >> 22);
  b[2] = (guint8)(((value >> 14) & 0xfe) | 1);
  b[3] = (guint8)(value >> 7);
  b[4] = (guint8)(((value << 1) & 0xfe) | 1);
}

static gboolean
ts_has_pcr (const guint8 *p)
{
  return (p[3] & 0x20) && p[4] >= 7 && (p[5] & 0x10);
}

/* Moves the packet's PCR, PTS and DTS on by @shift ticks (90 kHz) and its
 * continuity counter by @cc_shift. */
static void
ts_shift (guint8 *p, guint64 shift, guint cc_shift)
{
  guint8 stream_id;
  gsize o;

  if (ts_pid (p) != NULL_PID)
    p[3] = (guint8)((p[3] & 0xf0) | ((p[3] + cc_shift) & 0x0f));
  if (ts_has_pcr (p))
    {
      guint64 base = ((guint64)p[6] << 25) | ((guint64)p[7] << 17) | ((guint64)p[8] << 9)
                     | ((guint64)p[9] << 1) | ((guint64)p[10] >> 7);

      base = (base + shift) % PTS_WRAP;
      p[6] = (guint8)(base >> 25);
      p[7] = (guint8)(base >> 17);
      p[8] = (guint8)(base >> 9);
      p[9] = (guint8)(base >> 1);
      p[10] = (guint8)((p[10] & 0x7f) | ((base & 1) << 7));
    }
  o = ts_pes_header (p, &stream_id);
  if (o == 0)
    return;
  if (p[o + 7] & 0x80)
    ts_write_timestamp (p + o + 9, (ts_read_timestamp (p + o + 9) + shift) % PTS_WRAP);
  if ((p[o + 7] & 0xc0) == 0xc0)
    ts_write_timestamp (p + o + 14, (ts_read_timestamp (p + o + 14) + shift) % PTS_WRAP);
}

typedef struct
{
  guint64 min, max;
  guint count;
} PtsSpan;

/* The length of one elementary stream: its PTS range plus one frame. */
static double
pts_span_length (const PtsSpan *span)
{
  if (span->count < 2)
    return 0;
  return (double)(span->max - span->min) * span->count / (span->count - 1);
}

/* Reads and checks the clip: whole transport packets, a video stream
 * with timestamps. One pass lasts whole video frames and at least as
 * long as every elementary stream (audio may end a little after the
 * video), so that no timestamp ever goes back from one pass to the next. */
static gboolean
clip_load (Clip *clip, const char *path, GError **error)
{
  gsize length = 0;
  gint first_cc[PID_COUNT], last_cc[PID_COUNT];
  g_autofree PtsSpan *spans = g_new0 (PtsSpan, PID_COUNT);
  gint video_pid = -1;
  double frame, longest = 0;

  if (!g_file_get_contents (path, (char **)&clip->data, &length, error))
    return FALSE;
  if (length == 0 || length % TS_PACKET != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: %" G_GSIZE_FORMAT " bytes is not a whole number of transport packets", path,
                   length);
      return FALSE;
    }
  clip->packets = length / TS_PACKET;
  clip->video_start = g_new0 (gboolean, clip->packets);
  for (guint i = 0; i < PID_COUNT; i++)
    first_cc[i] = last_cc[i] = -1;

  for (gsize i = 0; i < clip->packets; i++)
    {
      const guint8 *p = clip->data + i * TS_PACKET;
      guint pid = ts_pid (p);
      guint8 stream_id = 0;
      guint64 pts;
      gsize o;

      if (p[0] != 0x47)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s: packet %" G_GSIZE_FORMAT " has no sync byte", path, i);
          return FALSE;
        }
      if (ts_has_payload (p))
        {
          if (first_cc[pid] < 0)
            first_cc[pid] = p[3] & 0x0f;
          last_cc[pid] = p[3] & 0x0f;
        }
      o = ts_pes_header (p, &stream_id);
      if (o == 0 || !(p[o + 7] & 0x80))
        continue;
      pts = ts_read_timestamp (p + o + 9);
      spans[pid].min = spans[pid].count == 0 ? pts : MIN (spans[pid].min, pts);
      spans[pid].max = MAX (spans[pid].max, pts);
      spans[pid].count++;
      if (video_pid < 0 && (stream_id & 0xf0) == 0xe0)
        video_pid = (gint)pid;
      if ((gint)pid == video_pid)
        {
          clip->video_start[i] = TRUE;
          clip->frames++;
        }
    }
  if (video_pid < 0 || pts_span_length (&spans[video_pid]) <= 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no video stream with timestamps",
                   path);
      return FALSE;
    }
  for (guint pid = 0; pid < PID_COUNT; pid++)
    {
      if (first_cc[pid] >= 0)
        clip->cc_step[pid] = (guint8)((last_cc[pid] - first_cc[pid] + 1) & 0x0f);
      longest = MAX (longest, pts_span_length (&spans[pid]));
    }
  /* constant frame rate: whole frames, rounded up */
  frame = pts_span_length (&spans[video_pid]) / clip->frames;
  clip->period = (guint64)(ceil (longest / frame - 1e-6) * frame + 0.5);
  clip->byte_rate = (double)length * 90000.0 / (double)clip->period;
  return TRUE;
}

static void
clip_clear (Clip *clip)
{
  g_free (clip->data);
  g_free (clip->video_start);
}

/* --- targets --- */

static void
target_free (Target *target)
{
  if (target->socket != SRT_INVALID_SOCK)
    srt_close (target->socket);
  g_free (target->host);
  g_free (target->stream_id);
  g_free (target->passphrase);
  g_free (target);
}

static GPtrArray *
targets_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify)target_free);

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      Target *target;
      guint64 port = 0;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      if (g_strv_length (fields) != 4
          || !g_ascii_string_to_unsigned (fields[1], 10, 1, 65535, &port, NULL))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: expected \"HOST PORT STREAMID PASSPHRASE\"", path, i + 1);
          return NULL;
        }
      target = g_new0 (Target, 1);
      target->socket = SRT_INVALID_SOCK;
      target->host = g_strdup (fields[0]);
      target->port = (guint)port;
      target->stream_id = g_strcmp0 (fields[2], "-") != 0 ? g_strdup (fields[2]) : NULL;
      target->passphrase = g_strcmp0 (fields[3], "-") != 0 ? g_strdup (fields[3]) : NULL;
      g_ptr_array_add (targets, target);
    }
  if (targets->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no targets", path);
      return NULL;
    }
  return g_steal_pointer (&targets);
}

static SRTSOCKET
connect_once (Target *target, int latency_ms, GString *why)
{
  SRTSOCKET socket = srt_create_socket ();
  struct sockaddr_in address = { 0 };
  int timeout_ms = CONNECT_TIMEOUT_MS;
  int key_length = 16;
  int no = 0;

  srt_setsockflag (socket, SRTO_CONNTIMEO, &timeout_ms, sizeof timeout_ms);
  srt_setsockflag (socket, SRTO_LATENCY, &latency_ms, sizeof latency_ms);
  if (target->stream_id != NULL)
    srt_setsockflag (socket, SRTO_STREAMID, target->stream_id, (int)strlen (target->stream_id));
  if (target->passphrase != NULL)
    {
      srt_setsockflag (socket, SRTO_PASSPHRASE, target->passphrase,
                       (int)strlen (target->passphrase));
      srt_setsockflag (socket, SRTO_PBKEYLEN, &key_length, sizeof key_length);
    }
  address.sin_family = AF_INET;
  address.sin_port = htons ((guint16)target->port);
  if (inet_pton (AF_INET, target->host, &address.sin_addr) != 1)
    {
      g_string_printf (why, "%s is not an IPv4 address", target->host);
      srt_close (socket);
      return SRT_INVALID_SOCK;
    }
  if (srt_connect (socket, (struct sockaddr *)&address, sizeof address) == SRT_ERROR)
    {
      g_string_printf (why, "%s (%s)", srt_getlasterror_str (),
                       srt_rejectreason_str (srt_getrejectreason (socket)));
      srt_close (socket);
      return SRT_INVALID_SOCK;
    }
  srt_setsockflag (socket, SRTO_SNDSYN, &no, sizeof no);
  return socket;
}

/* Connects, trying again while the receiver is not listening yet. */
static gboolean
target_connect (Target *target, int latency_ms)
{
  g_autoptr (GString) why = g_string_new (NULL);
  gint64 deadline = now_ns () + (gint64)CONNECT_DEADLINE_S * 1000000000;

  do
    {
      target->socket = connect_once (target, latency_ms, why);
      if (target->socket != SRT_INVALID_SOCK)
        return TRUE;
      g_usleep (100 * 1000);
    }
  while (now_ns () < deadline);
  g_printerr ("bench-srt-sender: cannot connect to %s:%u: %s\n", target->host, target->port,
              why->str);
  return FALSE;
}

/* Fills the buffer with the next message of the clip. */
static void
target_build (Target *target, const Clip *clip)
{
  target->buffer_frames = 0;
  for (guint i = 0; i < TS_PER_MESSAGE; i++)
    {
      guint8 *p = target->buffer + i * TS_PACKET;

      memcpy (p, clip->data + target->packet * TS_PACKET, TS_PACKET);
      if (target->pass > 0)
        ts_shift (p, target->pass * clip->period % PTS_WRAP,
                  (guint)((target->pass * clip->cc_step[ts_pid (p)]) & 0x0f));
      if (clip->video_start[target->packet])
        target->buffer_frames++;
      if (++target->packet == clip->packets)
        {
          target->packet = 0;
          target->pass++;
        }
    }
  target->built = TRUE;
}

static gint64
target_due_ns (const Target *target, const Clip *clip, guint64 message)
{
  return target->start_ns + (gint64)((double)message * MESSAGE_BYTES * 1e9 / clip->byte_rate);
}

/* Sends what is due by @now; returns FALSE when the send buffer is full. */
static gboolean
target_send_due (Target *target, const Clip *clip, gint64 now)
{
  while (!target->failed && target->next < target->messages)
    {
      gint64 due = target_due_ns (target, clip, target->next);

      if (due > now)
        return TRUE;
      if (!target->built)
        target_build (target, clip);
      if (srt_sendmsg2 (target->socket, (const char *)target->buffer, MESSAGE_BYTES, NULL)
          == SRT_ERROR)
        {
          if (srt_getlasterror (NULL) == SRT_EASYNCSND)
            {
              target->stalls++;
              return FALSE;
            }
          g_printerr ("bench-srt-sender: %s:%u: %s\n", target->host, target->port,
                      srt_getlasterror_str ());
          target->failed = TRUE;
          return TRUE;
        }
      if (now - due > (gint64)LATE_MS * 1000000)
        target->late++;
      target->late_max_ns = MAX (target->late_max_ns, now - due);
      target->bytes += MESSAGE_BYTES;
      target->frames += target->buffer_frames;
      target->built = FALSE;
      target->next++;
    }
  return TRUE;
}

/* The one pacing loop over every connection. */
static void
send_all (GPtrArray *targets, const Clip *clip)
{
  for (;;)
    {
      gint64 now = now_ns ();
      gint64 wake = G_MAXINT64;
      gboolean full = FALSE;

      for (guint i = 0; i < targets->len; i++)
        {
          Target *target = targets->pdata[i];

          if (!target_send_due (target, clip, now))
            full = TRUE;
          if (!target->failed && target->next < target->messages)
            wake = MIN (wake, target_due_ns (target, clip, target->next));
        }
      if (wake == G_MAXINT64)
        return;
      sleep_until_ns (full ? now + 1000000 : wake);
    }
}

/* Waits until every packet was acknowledged (or the deadline passed). */
static void
drain_all (GPtrArray *targets, int latency_ms)
{
  gint64 deadline = now_ns () + ((gint64)latency_ms * 4 + 3000) * 1000000;

  for (guint i = 0; i < targets->len; i++)
    {
      Target *target = targets->pdata[i];
      size_t blocks = 1, bytes = 0;

      while (!target->failed && now_ns () < deadline)
        {
          if (srt_getsndbuffer (target->socket, &blocks, &bytes) == SRT_ERROR || blocks == 0)
            break;
          g_usleep (10 * 1000);
        }
    }
}

static void
report (GPtrArray *targets)
{
  guint64 bytes = 0, frames = 0, sent = 0, lost = 0, retrans = 0, dropped = 0, stalls = 0, late = 0;
  gint64 late_max_ns = 0;
  guint failed = 0;

  for (guint i = 0; i < targets->len; i++)
    {
      Target *target = targets->pdata[i];
      SRT_TRACEBSTATS stats = { 0 };

      if (target->socket != SRT_INVALID_SOCK)
        srt_bstats (target->socket, &stats, 0);
      printf ("stream=%u port=%u bytes=%" G_GUINT64_FORMAT " frames=%" G_GUINT64_FORMAT
              " pkt_sent=%" G_GINT64_FORMAT " pkt_lost=%d pkt_retrans=%d pkt_dropped=%d"
              " stalls=%" G_GUINT64_FORMAT " late=%" G_GUINT64_FORMAT " late_max_ms=%.1f"
              " failed=%d\n",
              i, target->port, target->bytes, target->frames, stats.pktSentTotal,
              stats.pktSndLossTotal, stats.pktRetransTotal, stats.pktSndDropTotal, target->stalls,
              target->late, (double)target->late_max_ns / 1e6, target->failed);
      bytes += target->bytes;
      frames += target->frames;
      sent += (guint64)MAX (stats.pktSentTotal, 0);
      lost += (guint64)MAX (stats.pktSndLossTotal, 0);
      retrans += (guint64)MAX (stats.pktRetransTotal, 0);
      dropped += (guint64)MAX (stats.pktSndDropTotal, 0);
      stalls += target->stalls;
      late += target->late;
      late_max_ns = MAX (late_max_ns, target->late_max_ns);
      failed += target->failed ? 1 : 0;
    }
  printf ("total streams=%u bytes=%" G_GUINT64_FORMAT " frames=%" G_GUINT64_FORMAT
          " pkt_sent=%" G_GUINT64_FORMAT " pkt_lost=%" G_GUINT64_FORMAT
          " pkt_retrans=%" G_GUINT64_FORMAT " pkt_dropped=%" G_GUINT64_FORMAT
          " stalls=%" G_GUINT64_FORMAT " late=%" G_GUINT64_FORMAT " late_max_ms=%.1f failed=%u\n",
          targets->len, bytes, frames, sent, lost, retrans, dropped, stalls, late,
          (double)late_max_ns / 1e6, failed);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) targets = NULL;
  g_autofree char *clip_path = NULL;
  double seconds = 60.0;
  gint latency_ms = 200;
  gint stagger_ms = -1;
  Clip clip = { 0 };
  gint64 start;
  guint failed = 0;
  const GOptionEntry entries[] = {
    { "clip", 0, 0, G_OPTION_ARG_FILENAME, &clip_path,
      "MPEG-TS clip to send (constant frame rate video)", "FILE" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Media seconds sent per connection (60)",
      "S" },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency_ms, "SRT latency in milliseconds (200)", "MS" },
    { "stagger", 0, 0, G_OPTION_ARG_INT, &stagger_ms,
      "Delay between the starts of two connections (default: 2000 / connections)", "MS" },
    G_OPTION_ENTRY_NULL,
  };

  context = g_option_context_new ("TARGETS - send an MPEG-TS clip over SRT, paced, to many "
                                  "receivers");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
      context, "TARGETS: a file with one connection a line, \"HOST PORT STREAMID PASSPHRASE\"\n"
               "(\"-\" for none). Prints one line of statistics per connection and a total.\n"
               "Exit status: 0 when every connection sent everything, 1 otherwise, 2 for a bad\n"
               "command line.");
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || clip_path == NULL
      || seconds <= 0 || latency_ms < 0)
    {
      g_printerr ("bench-srt-sender: %s\n",
                  error != NULL ? error->message : "expected --clip FILE and one TARGETS file");
      return 2;
    }
  if (!clip_load (&clip, clip_path, &error) || (targets = targets_load (argv[1], &error)) == NULL)
    {
      g_printerr ("bench-srt-sender: %s\n", error->message);
      clip_clear (&clip);
      return 2;
    }
  printf ("clip packets=%" G_GSIZE_FORMAT " frames=%u period_s=%.3f rate_kbit=%.1f\n", clip.packets,
          clip.frames, clip.period / 90000.0, clip.byte_rate * 8 / 1000);

  srt_startup ();
  srt_setloglevel (LOG_ERR);
  for (guint i = 0; i < targets->len; i++)
    {
      Target *target = targets->pdata[i];

      if (!target_connect (target, latency_ms))
        {
          target->failed = TRUE;
          failed++;
        }
    }
  printf ("connected %u of %u\n", targets->len - failed, targets->len);
  fflush (stdout);

  if (stagger_ms < 0)
    stagger_ms = (gint)(2000 / targets->len);
  start = now_ns () + 50 * 1000000;
  for (guint i = 0; i < targets->len; i++)
    {
      Target *target = targets->pdata[i];

      target->start_ns = start + (gint64)i * stagger_ms * 1000000;
      target->messages = (guint64)(seconds * clip.byte_rate / MESSAGE_BYTES + 0.5);
    }
  send_all (targets, &clip);
  drain_all (targets, latency_ms);
  /* the receivers hold the last packets for the latency before they
   * deliver them: closing earlier would discard them */
  g_usleep (((gulong)latency_ms * 3 / 2 + 500) * 1000);
  report (targets);

  failed = 0;
  for (guint i = 0; i < targets->len; i++)
    failed += ((Target *)targets->pdata[i])->failed ? 1 : 0;
  g_clear_pointer (&targets, g_ptr_array_unref);
  clip_clear (&clip);
  srt_cleanup ();
  return failed == 0 ? 0 : 1;
}
