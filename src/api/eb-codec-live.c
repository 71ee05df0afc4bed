/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include "eb-codecs-live-private.h"
#include "eb-codecs-private.h"
#include "eb-json-codec-private.h"

/* What an encoder must send: MPEG-TS over SRT, H.264 with AAC or Opus,
 * recorded and relayed as sent. */
static const char *const join_video_codecs[] = { "h264", NULL };
static const char *const join_audio_codecs[] = { "aac", "opus", NULL };

#define EB_JOIN_MEDIA_NOTE                                                                         \
  "Publish one MPEG-TS stream over SRT in caller mode to publish_url: H.264 video with AAC or "    \
  "Opus audio (what ffmpeg, OBS and hardware encoders send). It is recorded and relayed as "       \
  "sent, never re-encoded; other codecs are refused. To pull a live track, replace {track} in "    \
  "pull_url_template with a track name such as p12-srt, or with chair."

char *
eb_json_format_instant_us (gint64 instant_us)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *seconds = NULL;
  gint64 whole;
  gint64 micro;

  if (instant_us == 0)
    return NULL;
  /* Floor division: the fraction is never negative. */
  whole = instant_us / G_USEC_PER_SEC;
  micro = instant_us % G_USEC_PER_SEC;
  if (micro < 0)
    {
      whole--;
      micro += G_USEC_PER_SEC;
    }
  dt = g_date_time_new_from_unix_utc (whole);
  if (dt == NULL)
    return NULL;
  seconds = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", seconds, micro);
}

void
eb_json_add_instant_us (JsonBuilder *builder, const char *name, gint64 instant_us)
{
  g_autofree char *text = eb_json_format_instant_us (instant_us);

  json_builder_set_member_name (builder, name);
  if (text == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, text);
}

static void
eb_json_add_strv (JsonBuilder *builder, const char *name, const char *const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

void
eb_json_add_nullable_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

JsonNode *
eb_join_details_to_json (const EbJoinDetails *details)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session_id");
  json_builder_add_int_value (builder, details->session_id);
  eb_json_add_id (builder, "person_id", details->person_id);
  eb_json_add_nullable_string (builder, "credential", details->credential);
  eb_json_add_instant (builder, "expires_at", details->expires_at);
  eb_json_add_nullable_string (builder, "join_url", details->join_url);
  eb_json_add_nullable_string (builder, "media_note", details->media_note);

  json_builder_set_member_name (builder, "srt");
  json_builder_begin_object (builder);
  eb_json_add_nullable_string (builder, "host", details->srt_host);
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, details->srt_port);
  eb_json_add_nullable_string (builder, "passphrase", details->passphrase);
  json_builder_set_member_name (builder, "pbkeylen");
  json_builder_add_int_value (builder, 16);
  eb_json_add_nullable_string (builder, "publish_streamid", details->publish_streamid);
  eb_json_add_nullable_string (builder, "publish_url", details->publish_url);
  eb_json_add_nullable_string (builder, "pull_streamid_template", details->pull_streamid_template);
  eb_json_add_nullable_string (builder, "pull_url_template", details->pull_url_template);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "media");
  json_builder_begin_object (builder);
  eb_json_add_nullable_string (builder, "container", "mpegts");
  eb_json_add_strv (builder, "video_codecs", join_video_codecs);
  eb_json_add_strv (builder, "audio_codecs", join_audio_codecs);
  eb_json_add_nullable_string (builder, "note", EB_JOIN_MEDIA_NOTE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
eb_session_end_to_json (const EbSession *session, const EbRecording *recording)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session");
  json_builder_add_value (builder, eb_session_to_json (session));
  json_builder_set_member_name (builder, "recording");
  if (recording != NULL)
    json_builder_add_value (builder, eb_recording_to_json (recording));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
