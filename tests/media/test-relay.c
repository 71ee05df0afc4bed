/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include "eb-srt-test-util.h"
#include "media/eb-relay-private.h"
#include "media/eb-stream-id-private.h"

#define PMT_PID 0x1000
#define VIDEO_PID 0x100
#define AUDIO_PID 0x101

/* --- synthetic MPEG-TS --- */

static void
make_packet (guint8 *packet, guint16 pid, gboolean unit_start, gboolean random_access,
             guint8 counter, const guint8 *payload, gsize payload_length)
{
  gsize offset = 4;

  memset (packet, 0xff, EB_TS_PACKET_SIZE);
  packet[0] = 0x47;
  packet[1] = (guint8)((unit_start ? 0x40 : 0) | ((pid >> 8) & 0x1f));
  packet[2] = (guint8)(pid & 0xff);
  if (random_access)
    {
      packet[3] = (guint8)(0x30 | (counter & 0xf));
      packet[4] = 1;    /* adaptation field length */
      packet[5] = 0x40; /* random_access_indicator */
      offset = 6;
    }
  else
    packet[3] = (guint8)(0x10 | (counter & 0xf));
  g_assert_cmpuint (offset + payload_length, <=, EB_TS_PACKET_SIZE);
  if (payload_length > 0)
    memcpy (packet + offset, payload, payload_length);
}

static void
make_pat (guint8 *packet)
{
  const guint8 section[] = {
    0x00,                     /* pointer field */
    0x00,           0xb0, 13, /* table 0, length */
    0x00,           0x01, 0xc1,
    0x00,           0x00, /* ts id, version, sections */
    0x00,           0x01, 0xe0 | (PMT_PID >> 8),
    PMT_PID & 0xff, /* program 1 -> PMT */
    0xde,           0xad, 0xbe,
    0xef, /* CRC (not checked) */
  };

  make_packet (packet, 0, TRUE, FALSE, 0, section, sizeof section);
}

static void
make_pmt (guint8 *packet)
{
  const guint8 section[] = {
    0x00, /* pointer field */
    0x02,
    0xb0,
    23, /* table 2, length */
    0x00,
    0x01,
    0xc1,
    0x00,
    0x00, /* program, version */
    0xe0 | (VIDEO_PID >> 8),
    VIDEO_PID & 0xff,
    0xf0,
    0x00, /* PCR PID, no info */
    0x1b,
    0xe0 | (VIDEO_PID >> 8),
    VIDEO_PID & 0xff,
    0xf0,
    0, /* H.264 */
    0x0f,
    0xe0 | (AUDIO_PID >> 8),
    AUDIO_PID & 0xff,
    0xf0,
    0, /* AAC */
    0xde,
    0xad,
    0xbe,
    0xef,
  };

  make_packet (packet, PMT_PID, TRUE, FALSE, 0, section, sizeof section);
}

/* seven packets of @pid; @random_access_at: index of the random-access
 * one, or -1 */
static GBytes *
make_chunk (guint16 pid, int random_access_at, guint8 tag)
{
  guint8 *data = g_malloc (EB_RELAY_MESSAGE_SIZE);

  for (int i = 0; i < 7; i++)
    {
      guint8 payload[2] = { tag, (guint8)i };

      make_packet (data + i * EB_TS_PACKET_SIZE, pid, i == random_access_at, i == random_access_at,
                   (guint8)i, payload, sizeof payload);
    }
  return g_bytes_new_take (data, EB_RELAY_MESSAGE_SIZE);
}

/* --- a subscriber that records what it is sent --- */

typedef enum
{
  FAKE_ACCEPT,
  FAKE_WOULD_BLOCK,
  FAKE_FAIL,
} FakeMode;

typedef struct
{
  FakeMode mode;
  GByteArray *received;
  guint messages;
  gboolean want_write;
  gsize backlog;
  guint failed_sends;
  guint dropped;
  char *drop_reason;
} FakeSubscriber;

static void
fake_init (FakeSubscriber *fake, FakeMode mode)
{
  memset (fake, 0, sizeof *fake);
  fake->mode = mode;
  fake->received = g_byte_array_new ();
}

static void
fake_clear (FakeSubscriber *fake)
{
  g_byte_array_unref (fake->received);
  g_free (fake->drop_reason);
}

static gssize
fake_send (gpointer subscriber, const guint8 *data, gsize length, gpointer user_data)
{
  FakeSubscriber *fake = subscriber;

  g_assert_cmpuint (length, <=, EB_RELAY_MESSAGE_SIZE);
  switch (fake->mode)
    {
      case FAKE_ACCEPT:
        g_byte_array_append (fake->received, data, (guint)length);
        fake->messages++;
        return (gssize)length;
      case FAKE_WOULD_BLOCK:
        return 0;
      case FAKE_FAIL:
      default:
        fake->failed_sends++;
        return -1;
    }
}

static void
fake_want_write (gpointer subscriber, gboolean want, gpointer user_data)
{
  ((FakeSubscriber *)subscriber)->want_write = want;
}

static gsize
fake_backlog (gpointer subscriber, gpointer user_data)
{
  return ((FakeSubscriber *)subscriber)->backlog;
}

static void
fake_dropped (gpointer subscriber, const char *reason, gpointer user_data)
{
  FakeSubscriber *fake = subscriber;
  EbRelay **relay = user_data;

  /* already removed when reported */
  g_assert_cmpuint (eb_relay_get_queued_bytes (*relay, subscriber), ==, 0);
  fake->dropped++;
  g_free (fake->drop_reason);
  fake->drop_reason = g_strdup (reason);
}

static const EbRelayCallbacks fake_callbacks = {
  .send = fake_send,
  .want_write = fake_want_write,
  .backlog = fake_backlog,
  .dropped = fake_dropped,
};

static void
push_bytes (EbRelay *relay, GBytes *bytes)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  eb_relay_push (relay, data, length);
}

static guint16
packet_pid (const guint8 *packet)
{
  return (guint16)(((packet[1] & 0x1f) << 8) | packet[2]);
}

static void
test_relay_program (void)
{
  EbRelay *relay = NULL;
  g_autoptr (EbRelay) owned = eb_relay_new (64 * 1024, &fake_callbacks, &relay);
  guint8 packets[2 * EB_TS_PACKET_SIZE];
  guint16 pmt_pid = 0;
  guint n_video = 0;

  relay = owned;
  g_assert_false (eb_relay_has_program (relay, NULL, NULL));
  make_pat (packets);
  make_pmt (packets + EB_TS_PACKET_SIZE);
  eb_relay_push (relay, packets, sizeof packets);
  g_assert_true (eb_relay_has_program (relay, &pmt_pid, &n_video));
  g_assert_cmpuint (pmt_pid, ==, PMT_PID);
  g_assert_cmpuint (n_video, ==, 1);

  /* a new connection forgets the old program */
  eb_relay_reset_stream (relay);
  g_assert_false (eb_relay_has_program (relay, NULL, NULL));

  /* bytes that are not TS are relayed but not parsed */
  eb_relay_push (relay, (const guint8 *)"garbage", 7);
  g_assert_false (eb_relay_has_program (relay, NULL, NULL));
}

static void
test_relay_join_mid_stream (void)
{
  EbRelay *relay = NULL;
  g_autoptr (EbRelay) owned = eb_relay_new (64 * 1024, &fake_callbacks, &relay);
  guint8 tables[2 * EB_TS_PACKET_SIZE];
  g_autoptr (GBytes) before = make_chunk (VIDEO_PID, -1, 1);
  g_autoptr (GBytes) audio_start = make_chunk (AUDIO_PID, 0, 2);
  g_autoptr (GBytes) keyframe = make_chunk (VIDEO_PID, 3, 3);
  g_autoptr (GBytes) after = make_chunk (VIDEO_PID, -1, 4);
  FakeSubscriber early;
  FakeSubscriber late;
  const guint8 *got;

  relay = owned;
  fake_init (&early, FAKE_ACCEPT);
  fake_init (&late, FAKE_ACCEPT);

  /* a subscriber present from the start gets the stream from its first
   * random-access point */
  eb_relay_add_subscriber (relay, &early);
  make_pat (tables);
  make_pmt (tables + EB_TS_PACKET_SIZE);
  eb_relay_push (relay, tables, sizeof tables);
  push_bytes (relay, before);
  g_assert_cmpuint (early.received->len, ==, 0);

  /* so does one joining mid-stream */
  eb_relay_add_subscriber (relay, &late);
  g_assert_cmpuint (eb_relay_get_n_subscribers (relay), ==, 2);
  g_assert_cmpuint (late.received->len, ==, 0);

  /* an audio random-access point is no place for video to start */
  push_bytes (relay, audio_start);
  g_assert_cmpuint (late.received->len, ==, 0);
  g_assert_cmpuint (early.received->len, ==, 0);

  /* the video keyframe is: both get the latest program tables, then the
   * stream from the keyframe's packet */
  push_bytes (relay, keyframe);
  for (guint i = 0; i < 2; i++)
    {
      FakeSubscriber *fake = i == 0 ? &early : &late;

      g_assert_cmpuint (fake->received->len, ==, (2 + 4) * EB_TS_PACKET_SIZE);
      g_assert_cmpuint (packet_pid (fake->received->data), ==, 0);
      g_assert_cmpuint (packet_pid (fake->received->data + EB_TS_PACKET_SIZE), ==, PMT_PID);
      g_assert_cmpmem (fake->received->data, 2 * EB_TS_PACKET_SIZE, tables, sizeof tables);
      got = fake->received->data + 2 * EB_TS_PACKET_SIZE;
      g_assert_cmpuint (packet_pid (got), ==, VIDEO_PID);
      g_assert_cmpuint (got[5] & 0x40, ==, 0x40);
      g_assert_cmpmem (got, 4 * EB_TS_PACKET_SIZE,
                       (const guint8 *)g_bytes_get_data (keyframe, NULL) + 3 * EB_TS_PACKET_SIZE,
                       4 * EB_TS_PACKET_SIZE);
    }

  /* then everything, as it came */
  push_bytes (relay, after);
  g_assert_cmpuint (early.received->len, ==, 6 * EB_TS_PACKET_SIZE + EB_RELAY_MESSAGE_SIZE);
  g_assert_cmpmem (early.received->data + 6 * EB_TS_PACKET_SIZE, EB_RELAY_MESSAGE_SIZE,
                   g_bytes_get_data (after, NULL), EB_RELAY_MESSAGE_SIZE);

  /* a new publisher connection: subscribers wait for its first
   * keyframe again */
  eb_relay_reset_stream (relay);
  push_bytes (relay, after);
  g_assert_cmpuint (early.received->len, ==, 6 * EB_TS_PACKET_SIZE + EB_RELAY_MESSAGE_SIZE);

  g_assert_true (eb_relay_remove_subscriber (relay, &early));
  g_assert_false (eb_relay_remove_subscriber (relay, &early));
  g_assert_cmpuint (early.dropped + late.dropped, ==, 0);
  fake_clear (&early);
  fake_clear (&late);
}

static void
test_relay_slow_subscriber (void)
{
  EbRelay *relay = NULL;
  g_autoptr (EbRelay) owned = eb_relay_new (16 * EB_RELAY_MESSAGE_SIZE, &fake_callbacks, &relay);
  g_autoptr (GBytes) keyframe = make_chunk (VIDEO_PID, 0, 1);
  g_autoptr (GByteArray) sent = g_byte_array_new ();
  FakeSubscriber fast;
  FakeSubscriber slow;
  FakeSubscriber broken;
  FakeSubscriber paused;

  relay = owned;
  fake_init (&fast, FAKE_ACCEPT);
  fake_init (&slow, FAKE_WOULD_BLOCK);
  fake_init (&broken, FAKE_FAIL);
  fake_init (&paused, FAKE_WOULD_BLOCK);
  eb_relay_add_subscriber (relay, &fast);
  eb_relay_add_subscriber (relay, &slow);
  eb_relay_add_subscriber (relay, &broken);
  eb_relay_add_subscriber (relay, &paused);

  /* a send error: the second check from then drops it, its owner
   * having left it there (a socket that broke without closing) */
  push_bytes (relay, keyframe);
  g_byte_array_append (sent, g_bytes_get_data (keyframe, NULL), EB_RELAY_MESSAGE_SIZE);
  g_assert_cmpuint (broken.dropped, ==, 0);
  g_assert_cmpuint (eb_relay_get_n_subscribers (relay), ==, 4);
  eb_relay_check (relay);
  g_assert_cmpuint (broken.dropped, ==, 0);
  eb_relay_check (relay);
  g_assert_cmpuint (broken.dropped, ==, 1);
  g_assert_nonnull (strstr (broken.drop_reason, "failed"));
  g_assert_cmpuint (eb_relay_get_n_subscribers (relay), ==, 3);
  /* one that cannot take more is watched for writability */
  g_assert_true (slow.want_write);
  g_assert_cmpuint (eb_relay_get_queued_bytes (relay, &slow), ==, EB_RELAY_MESSAGE_SIZE);

  for (guint i = 0; i < 15; i++)
    {
      g_autoptr (GBytes) chunk = make_chunk (VIDEO_PID, -1, (guint8)(10 + i));

      push_bytes (relay, chunk);
      g_byte_array_append (sent, g_bytes_get_data (chunk, NULL), EB_RELAY_MESSAGE_SIZE);
    }
  g_assert_cmpuint (slow.dropped, ==, 0);
  g_assert_cmpuint (eb_relay_get_queued_bytes (relay, &slow), ==, 16 * EB_RELAY_MESSAGE_SIZE);

  /* a paused one catches up when writable again, in order */
  paused.mode = FAKE_ACCEPT;
  eb_relay_flush (relay, &paused);
  g_assert_false (paused.want_write);
  g_assert_cmpmem (paused.received->data, paused.received->len, sent->data, sent->len);

  /* the queue is full: the next bytes drop the slow one, and only it */
  {
    g_autoptr (GBytes) chunk = make_chunk (VIDEO_PID, -1, 99);

    push_bytes (relay, chunk);
    g_byte_array_append (sent, g_bytes_get_data (chunk, NULL), EB_RELAY_MESSAGE_SIZE);
  }
  g_assert_cmpuint (slow.dropped, ==, 1);
  g_assert_nonnull (strstr (slow.drop_reason, "full"));
  g_assert_cmpuint (eb_relay_get_n_subscribers (relay), ==, 2);
  g_assert_cmpuint (fast.dropped, ==, 0);
  g_assert_cmpuint (paused.dropped, ==, 0);
  g_assert_cmpmem (fast.received->data, fast.received->len, sent->data, sent->len);
  g_assert_cmpmem (paused.received->data, paused.received->len, sent->data, sent->len);

  /* one that keeps unread bytes on its side beyond the limit goes too */
  paused.backlog = 17 * EB_RELAY_MESSAGE_SIZE;
  eb_relay_check (relay);
  g_assert_cmpuint (paused.dropped, ==, 1);
  g_assert_nonnull (strstr (paused.drop_reason, "does not read"));
  g_assert_cmpuint (eb_relay_get_n_subscribers (relay), ==, 1);
  fast.backlog = EB_RELAY_MESSAGE_SIZE;
  eb_relay_check (relay);
  g_assert_cmpuint (fast.dropped, ==, 0);

  fake_clear (&fast);
  fake_clear (&slow);
  fake_clear (&broken);
  fake_clear (&paused);
}

/*
 * A viewer that leaves: its socket breaks, and a publisher's bytes in
 * the same round of the network loop, before the loop closes that
 * socket, fail to reach it. Nothing more is sent to it, and once its
 * owner has removed it (closing the socket, reporting the leave), it is
 * never reported as dropped.
 */
static void
test_relay_viewer_left (void)
{
  EbRelay *relay = NULL;
  g_autoptr (EbRelay) owned = eb_relay_new (16 * EB_RELAY_MESSAGE_SIZE, &fake_callbacks, &relay);
  g_autoptr (GBytes) keyframe = make_chunk (VIDEO_PID, 0, 1);
  g_autoptr (GBytes) first = make_chunk (VIDEO_PID, -1, 2);
  g_autoptr (GBytes) second = make_chunk (VIDEO_PID, -1, 3);
  FakeSubscriber leaving;
  FakeSubscriber staying;

  relay = owned;
  fake_init (&leaving, FAKE_ACCEPT);
  fake_init (&staying, FAKE_ACCEPT);
  eb_relay_add_subscriber (relay, &leaving);
  eb_relay_add_subscriber (relay, &staying);
  push_bytes (relay, keyframe);
  g_assert_cmpuint (leaving.received->len, ==, EB_RELAY_MESSAGE_SIZE);

  /* its socket broke */
  leaving.mode = FAKE_FAIL;
  push_bytes (relay, first);
  g_assert_cmpuint (leaving.failed_sends, ==, 1);
  g_assert_cmpuint (leaving.dropped, ==, 0);
  g_assert_cmpuint (eb_relay_get_n_subscribers (relay), ==, 2);
  /* nothing more is tried; a check in the same round of the network
   * loop leaves it to its owner */
  push_bytes (relay, second);
  eb_relay_flush (relay, &leaving);
  eb_relay_check (relay);
  g_assert_cmpuint (leaving.dropped, ==, 0);
  g_assert_cmpuint (leaving.failed_sends, ==, 1);
  g_assert_false (leaving.want_write);
  g_assert_cmpuint (eb_relay_get_queued_bytes (relay, &leaving), ==, 0);

  /* the network loop closes its socket: a leave, not a drop */
  g_assert_true (eb_relay_remove_subscriber (relay, &leaving));
  eb_relay_check (relay);
  eb_relay_check (relay);
  g_assert_cmpuint (leaving.dropped, ==, 0);
  g_assert_null (leaving.drop_reason);
  /* the other one got everything */
  g_assert_cmpuint (staying.dropped, ==, 0);
  g_assert_cmpuint (staying.received->len, ==, 3 * EB_RELAY_MESSAGE_SIZE);
  g_assert_cmpuint (eb_relay_get_n_subscribers (relay), ==, 1);
  fake_clear (&leaving);
  fake_clear (&staying);
}

/* Publisher messages longer than a live payload are split for the
 * subscribers. */
static void
test_relay_split (void)
{
  EbRelay *relay = NULL;
  g_autoptr (EbRelay) owned = eb_relay_new (64 * 1024, &fake_callbacks, &relay);
  guint8 big[8 * EB_TS_PACKET_SIZE];
  FakeSubscriber fake;

  relay = owned;
  fake_init (&fake, FAKE_ACCEPT);
  for (guint i = 0; i < 8; i++)
    make_packet (big + i * EB_TS_PACKET_SIZE, VIDEO_PID, i == 0, i == 0, (guint8)i, NULL, 0);
  eb_relay_add_subscriber (relay, &fake);
  eb_relay_push (relay, big, sizeof big);
  g_assert_cmpuint (fake.messages, ==, 2);
  g_assert_cmpmem (fake.received->data, fake.received->len, big, sizeof big);
  fake_clear (&fake);
}

/* --- the relay over real SRT --- */

typedef struct
{
  EbTestPlane plane;
} RelayFixture;

/* a small queue, so that a subscriber that stops reading is found out
 * within about two seconds at the publisher's rate (4 Mbit/s), while a
 * reader slowed down by a loaded machine keeps up */
#define RELAY_TEST_QUEUE_BYTES (1024 * 1024)

static void
relay_fixture_setup (RelayFixture *fixture, gconstpointer data)
{
  eb_test_plane_setup (&fixture->plane, 2, RELAY_TEST_QUEUE_BYTES);
}

static void
relay_fixture_teardown (RelayFixture *fixture, gconstpointer data)
{
  eb_test_plane_teardown (&fixture->plane);
}

/* Reads the first messages a raw SRT subscriber gets: the program
 * tables, then a video random-access point. */
static void
check_stream_start (guint port, const char *stream_id, const char *passphrase)
{
  int reason = -1;
  SRTSOCKET socket = eb_test_srt_connect (port, stream_id, passphrase, &reason);
  guint8 message[1500];
  int length;
  int timeout_ms = 5000;

  g_assert_cmpint (socket, !=, SRT_INVALID_SOCK);
  srt_setsockflag (socket, SRTO_RCVTIMEO, &timeout_ms, sizeof timeout_ms);

  length = srt_recvmsg (socket, (char *)message, sizeof message);
  g_assert_cmpint (length, ==, EB_TS_PACKET_SIZE);
  g_assert_cmpuint (message[0], ==, 0x47);
  g_assert_cmpuint (packet_pid (message), ==, 0); /* PAT */
  length = srt_recvmsg (socket, (char *)message, sizeof message);
  g_assert_cmpint (length, >=, EB_TS_PACKET_SIZE);
  g_assert_cmpuint (message[0], ==, 0x47);
  g_assert_cmpuint (message[1] & 0x40, ==, 0x40); /* the PMT section starts */
  length = srt_recvmsg (socket, (char *)message, sizeof message);
  g_assert_cmpint (length, >=, EB_TS_PACKET_SIZE);
  g_assert_cmpint (length % EB_TS_PACKET_SIZE, ==, 0);
  /* a random_access_indicator in the adaptation field */
  g_assert_cmpuint (message[3] & 0x20, ==, 0x20);
  g_assert_cmpuint (message[5] & 0x40, ==, 0x40);
  srt_close (socket);
}

static void
test_relay_pull (RelayFixture *fixture, gconstpointer data)
{
  EbTestPlane *plane = &fixture->plane;
  g_autoptr (GError) error = NULL;
  g_autofree char *passphrase = eb_test_passphrase (plane, 1);
  g_autofree char *chair = eb_test_credential (plane->key, 1, 7, 0);
  g_autofree char *viewer = eb_test_credential (plane->key, 1, 8, 0);
  g_autofree char *sluggard = eb_test_credential (plane->key, 1, 9, 0);
  g_autofree char *publish_id = eb_stream_id_format (1, EB_STREAM_MODE_PUBLISH, NULL, chair);
  g_autofree char *pull_id = eb_stream_id_format (1, EB_STREAM_MODE_REQUEST, "p7-srt", viewer);
  g_autofree char *chair_id = eb_stream_id_format (1, EB_STREAM_MODE_REQUEST, "chair", sluggard);
  g_autofree char *publish_url = eb_test_srt_url (plane->port, publish_id, passphrase);
  g_autofree char *pull_url = eb_test_srt_url (plane->port, pull_id, passphrase);
  g_autofree char *pulled = g_build_filename (plane->dir, "pulled.ts", NULL);
  g_autofree char *puller_url = NULL;
  const char *const rate[] = { "-muxrate", "4000000", NULL };
  g_autoptr (GSubprocess) publisher = NULL;
  g_autoptr (GSubprocess) puller = NULL;
  g_autoptr (EbRecordingManifest) manifest = NULL;
  SRTSOCKET stalled;
  int reason = -1;
  guint frames;

  if (!eb_test_have_program ("ffmpeg") || !eb_test_have_program ("ffprobe"))
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  g_assert_true (eb_media_plane_open_conference (plane->plane, 1, g_get_real_time (), &error));
  eb_media_plane_allow_participant (plane->plane, 1, 7, "Chair's room", TRUE, 0);
  eb_media_plane_allow_participant (plane->plane, 1, 8, "Viewer room", FALSE, 0);
  eb_media_plane_allow_participant (plane->plane, 1, 9, "Stalled room", FALSE, 0);

  /* 4 Mbit/s constant (padded) */
  publisher = eb_test_spawn_publisher (publish_url, "320x240", "aac", 8, rate);
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_TRACK_STARTED, 7, 1);

  /* one that connects to the chair's track and never reads */
  stalled = eb_test_srt_connect (plane->port, chair_id, passphrase, &reason);
  g_assert_cmpint (stalled, !=, SRT_INVALID_SOCK);

  /* a real client pulls the track, from a point it can decode */
  /* it probes briefly, and gives up if nothing comes for 4 s */
  puller_url = g_strconcat (pull_url, "&timeout=4000000", NULL);
  puller = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "ffmpeg", "-hide_banner",
                             "-nostdin", "-nostats", "-loglevel", "error", "-probesize", "200000",
                             "-analyzeduration", "1000000", "-i", puller_url, "-t", "3", "-c",
                             "copy", "-f", "mpegts", pulled, NULL);
  g_assert_no_error (error);
  check_stream_start (plane->port, pull_id, passphrase);

  /* the stalled subscriber is dropped and reported, the others go on */
  eb_test_wait_for_events (plane, EB_MEDIA_EVENT_SUBSCRIBER_DROPPED, 9, 1);
  {
    EbMediaEvent *dropped = NULL;

    for (guint i = 0; i < plane->events->len; i++)
      {
        EbMediaEvent *event = g_ptr_array_index (plane->events, i);

        if (event->kind == EB_MEDIA_EVENT_SUBSCRIBER_DROPPED)
          dropped = event;
      }
    g_assert_nonnull (dropped);
    g_assert_cmpint (dropped->session_id, ==, 1);
    g_assert_cmpstr (dropped->track, ==, "p7-srt");
  }

  g_assert_cmpint (eb_test_wait_process (puller, 30), ==, 0);
  frames = eb_test_count_video_frames (pulled);
  g_test_message ("the puller decoded %u frames", frames);
  /* about 3 s at 30 fps */
  g_assert_cmpuint (frames, >=, 45);

  g_assert_cmpint (eb_test_wait_process (publisher, 30), ==, 0);
  srt_close (stalled);
  manifest = eb_test_close_conference (plane, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->tracks->len, ==, 1);
  {
    EbRecordedTrack *track = g_ptr_array_index (manifest->tracks, 0);
    gint64 duration = 0;

    g_assert_cmpstr (track->name, ==, "p7-srt");
    g_assert_cmpint (track->person_id, ==, 7);
    for (guint i = 0; i < track->segments->len; i++)
      duration += ((EbRecordedSegment *)g_ptr_array_index (track->segments, i))->duration_us;
    /* the recording went on while a subscriber stalled: 8 s sent, give
     * or take a segment */
    g_test_message ("recorded %" G_GINT64_FORMAT " us in %u segments", duration,
                    track->segments->len);
    g_assert_cmpint (duration, >=, 6 * G_USEC_PER_SEC);
    g_assert_cmpint (duration, <=, 10 * G_USEC_PER_SEC);
  }
  g_assert_cmpuint (eb_test_count_events (plane, EB_MEDIA_EVENT_SUBSCRIBER_DROPPED, 0), ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  /* before g_test_init(), which moves the user folders per test case */
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  srt_startup ();

  g_test_add_func ("/eboard/media/relay/program", test_relay_program);
  g_test_add_func ("/eboard/media/relay/join-mid-stream", test_relay_join_mid_stream);
  g_test_add_func ("/eboard/media/relay/slow-subscriber", test_relay_slow_subscriber);
  g_test_add_func ("/eboard/media/relay/viewer-left", test_relay_viewer_left);
  g_test_add_func ("/eboard/media/relay/split", test_relay_split);
  g_test_add ("/eboard/media/relay/pull", RelayFixture, NULL, relay_fixture_setup, test_relay_pull,
              relay_fixture_teardown);

  status = g_test_run ();
  srt_cleanup ();
  return status;
}
