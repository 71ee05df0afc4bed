/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * EbDaemonConfig:
 * @path: (nullable): the file the values came from, or %NULL for the
 *   built-in defaults
 * @public_url: (nullable): base URL put into invitations; %NULL means
 *   `http://ADDRESS:PORT`
 * @migrations_dir: (nullable): %NULL means the migrations built into the
 *   store
 * @log_level: the least severe level written (e.g. %G_LOG_LEVEL_MESSAGE)
 * @media_enabled: whether eboardd runs the media plane (SRT listener,
 *   recording, relay); without it sessions still go live and end, with
 *   empty recordings
 * @srt_address: the SRT listener's IP address
 * @srt_port: its UDP port (0: any free one)
 * @public_srt_host: (nullable): the host encoders are told to call; %NULL
 *   means @srt_address
 * @pipelines_dir: (nullable): %NULL means the installed pipelines/ folder,
 *   else the one of the source tree
 * @recordings_dir: (nullable): %NULL means `<data_dir>/recordings`
 * @segment_seconds: target length of a recording segment
 * @subscriber_queue_bytes: per relay subscriber
 * @credential_lifetime: seconds a join credential stays valid
 * @stun_server: (nullable): WebRTC: "stun://host[:port]"
 * @turn_servers: WebRTC: "turn(s)://user:password@host[:port]" each
 *   (never %NULL, maybe empty); the passwords are secrets: print them
 *   with eb_ice_mask_secrets() only
 * @ice_port_min: WebRTC: lowest local UDP port for ICE (0: any)
 * @ice_port_max: WebRTC: highest local UDP port for ICE (0: any)
 * @local_addresses: WebRTC: the local IP addresses ICE gathers on (never
 *   %NULL; empty: every interface libnice finds, loopback skipped)
 * @gathering_timeout_ms: WebRTC: the longest an answer waits for ICE
 *   gathering
 *
 * The effective configuration of eboardd: built-in defaults, overridden
 * by a GKeyFile (data/eboard.conf documents every key), overridden by
 * command-line flags.
 */
typedef struct
{
  char *path;
  char *address;
  guint port;
  guint max_connections;
  guint64 max_body_bytes;
  char *public_url;
  guint shutdown_timeout;
  char *data_dir;
  char *migrations_dir;
  GStrv required_specialties;
  char *organizer_email;
  char *uid_domain;
  GLogLevelFlags log_level;
  gboolean media_enabled;
  char *srt_address;
  guint srt_port;
  char *public_srt_host;
  char *pipelines_dir;
  char *recordings_dir;
  guint segment_seconds;
  guint64 subscriber_queue_bytes;
  guint64 credential_lifetime;
  char *stun_server;
  GStrv turn_servers;
  guint ice_port_min;
  guint ice_port_max;
  GStrv local_addresses;
  guint gathering_timeout_ms;
} EbDaemonConfig;

EbDaemonConfig *eb_daemon_config_new (void);
void eb_daemon_config_free (EbDaemonConfig *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbDaemonConfig, eb_daemon_config_free)

/* Reads @path over the current values. Every error names the file, the
 * group and the key (G_KEY_FILE_ERROR or G_IO_ERROR). Unknown groups and
 * keys are not errors: a message for each is appended to @warnings
 * (element-type utf8), with a suggestion when it looks like a typo. */
gboolean eb_daemon_config_load (EbDaemonConfig *self, const char *path, GPtrArray *warnings,
                                GError **error);

/* Validation shared by the file and the flags. */
gboolean eb_daemon_config_check_address (const char *address, GError **error);
gboolean eb_daemon_config_check_public_url (const char *url, GError **error);

/* (transfer full): one line describing the [webrtc] settings for the
 * log, TURN passwords masked. */
char *eb_daemon_config_describe_webrtc (const EbDaemonConfig *self);

/* The folders the media plane uses when the configuration names none
 * (transfer full). */
char *eb_daemon_config_pipelines_dir (const EbDaemonConfig *self);
char *eb_daemon_config_recordings_dir (const EbDaemonConfig *self);

/* (transfer full): "http://ADDRESS:PORT", with brackets around IPv6. */
char *eb_daemon_config_listen_url (const char *address, guint port);

/* (transfer full): the effective configuration as a key file, TURN
 * passwords masked. */
char *eb_daemon_config_to_data (const EbDaemonConfig *self);

const char *eb_daemon_config_log_level_to_string (GLogLevelFlags level);

G_END_DECLS
