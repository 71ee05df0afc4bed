/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * Shared by the media tests: generated test streams (ffmpeg), an
 * independent reader of what was written (GstDiscoverer), temporary
 * folders, and in-process WebRTC clients (webrtcbin) that publish (WHIP)
 * and view (WHEP) on a media plane over loopback.
 */

#include <glib.h>
#include <gst/gst.h>

#include <eboard/eb-media.h>

/* The pipeline templates the product ships: $EB_SOURCE_ROOT/pipelines,
 * else the source tree's. */
char *eb_test_pipelines_dir (void);

/* Runs ffmpeg: @seconds of 1280x720 30 fps test video (@video_codec at
 * @bitrate, a keyframe every second) with a 440 Hz tone (@audio_codec),
 * in MPEG-TS, into @dir/@name; returns the file's path. @low_latency
 * (libx264 only) encodes with "-preset ultrafast -tune zerolatency" (no
 * B-frames); otherwise the encoder's defaults apply (libx264: B-frames). */
char *eb_test_make_stream (const char *dir, const char *name, guint seconds,
                           const char *video_codec, const char *bitrate, const char *audio_codec,
                           gboolean low_latency);
/* The same, with more options for ffmpeg's MPEG-TS muxer (e.g.
 * "-mpegts_start_pid", "0x200"), %NULL-terminated. */
char *eb_test_make_stream_full (const char *dir, const char *name, guint seconds,
                                const char *video_codec, const char *bitrate,
                                const char *audio_codec, gboolean low_latency,
                                const char *const *muxer_options);

/* What GstDiscoverer reads in a file. */
typedef struct
{
  gint64 duration_us;
  char *video_caps;
  char *audio_caps;
  guint width;
  guint height;
} EbTestProbe;

void eb_test_probe_clear (EbTestProbe *probe);
/* Reads @path with GstDiscoverer (in this process). */
gboolean eb_test_probe_file (const char *path, EbTestProbe *probe);
/* The duration ffprobe (another reader than GStreamer) reads in @path:
 * 0 when it finds none, -1 when it cannot read the file. */
gint64 eb_test_ffprobe_duration_us (const char *path);
/* The media time ffprobe finds the packets of @path span, from the first
 * one's start to the last one's end: 0 when it finds none, -1 when it
 * cannot read the file. */
gint64 eb_test_ffprobe_span_us (const char *path);

/* (transfer none) (nullable): the track @name of @manifest. */
EbRecordedTrack *eb_test_find_track (EbRecordingManifest *manifest, const char *name);

/* The SHA-256 of @path's contents, in hex. */
char *eb_test_sha256_of (const char *path);
/* Every file of @dir whose name ends with @suffix (full paths), sorted. */
GPtrArray *eb_test_list_files (const char *dir, const char *suffix);
/* Removes @path and everything below it. */
void eb_test_rm_rf (const char *path);

/* --- reading recordings back in a child process --- */

/*
 * GstDiscoverer reads recorded files back in a child process (the test
 * binary itself): it autoplugs gst-libav, whose libavformat brings a
 * second libsrt (Debian builds it against libsrt-gnutls) whose
 * constructors would re-initialise the globals of the libsrt a media
 * plane serves SRT with.
 */
typedef struct
{
  GstClockTime duration;
  char *video_caps; /* media type, e.g. "video/x-h264" */
  guint width;
  guint height;
  char *audio_caps; /* e.g. "audio/mpeg", "audio/x-opus" */
  gint audio_rate;
} EbTestMediaInfo;

void eb_test_media_info_clear (EbTestMediaInfo *info);
/* To call first in main(): when the test binary was started as the child
 * of eb_test_discover(), prints what GstDiscoverer finds in each file
 * named by @argv and leaves through _exit() (not exit(): no handlers of
 * the libraries it loaded run); otherwise returns. */
void eb_test_discover_child_run (int argc, char **argv);
/* What GstDiscoverer finds in each of @paths, read by a child process:
 * an array of EbTestMediaInfo, one per path. */
GArray *eb_test_discover (GPtrArray *paths);

/* --- in-process WebRTC clients --- */

/* Loopback only: the clients gather ICE candidates on 127.0.0.1 alone. */
typedef struct
{
  GstElement *pipeline;
  GstElement *webrtcbin;
  gint video_frames; /* atomic: decoded */
  gint audio_frames; /* atomic: decoded */
  gint h264_frames;  /* atomic: decoded, of them H.264 */
  GMutex lock;
  gint64 connected_at; /* guarded by lock: when the connection came up */
  gboolean viewer;
} EbTestClient;

/* A publisher with real encoders: @video "vp8" or "h264" (constrained
 * baseline), a keyframe only every 1000 frames (unless asked), Opus
 * audio; 320x240 at 15 fps. */
EbTestClient *eb_test_client_new_publisher (const char *video);
/* A viewer: @n_video recvonly video m-lines (each offering VP8 and
 * H.264 constrained baseline), then @n_audio Opus ones. Each received
 * stream is depayloaded, decoded and counted. */
EbTestClient *eb_test_client_new_viewer (guint n_video, guint n_audio);
/* The same, each video m-line offering @video_caps (application/x-rtp
 * structures, in order of preference). */
EbTestClient *eb_test_client_new_viewer_offering (guint n_video, guint n_audio,
                                                  const char *video_caps);
void eb_test_client_free (EbTestClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbTestClient, eb_test_client_free)

/* Starts the client and returns its offer, with its candidates. */
char *eb_test_client_offer (EbTestClient *client);
/* Takes the plane's answer. */
void eb_test_client_answer (EbTestClient *client, const char *sdp);
/* How long the client has been connected (sending). */
gint64 eb_test_client_connected_for (EbTestClient *client);
gint eb_test_client_video_frames (EbTestClient *client);
gint eb_test_client_audio_frames (EbTestClient *client);
gint eb_test_client_h264_frames (EbTestClient *client);
/* Waits (iterating the default main context) until the viewer decoded
 * @video more video frames and @audio more audio frames than now. */
void eb_test_client_wait_for_frames (EbTestClient *client, gint video, gint audio);

/* (transfer full) (nullable): the plane's answer to a WHEP (@whep) or
 * WHIP offer, waited for on the default main context */
EbWebrtcAnswer *eb_test_webrtc_post (EbMediaPlane *plane, gboolean whep, EbId session_id,
                                     EbId person_id, const char *offer, GError **error);
/* The client offers, the plane answers (checked: a resource id, the
 * candidates on 127.0.0.1), the client takes the answer. */
EbWebrtcAnswer *eb_test_client_connect (EbTestClient *client, EbMediaPlane *plane, EbId session_id,
                                        EbId person_id);
