/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-cli"

#include "eb-config.h"

#include <stdio.h>

#include "eb-ctl-private.h"

/* Live sessions: going live and ending, join details, timeline,
 * attendance and recordings. */

static const char *
string_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
int_member (JsonObject *object, const char *member, gint64 *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static JsonArray *
array_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static JsonObject *
object_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* --- cells --- */

/* "1:02:03.456", "2:03.456" */
static char *
format_ms_value (gint64 ms)
{
  gint64 hours = ms / 3600000;
  gint64 minutes = ms / 60000 % 60;
  gint64 seconds = ms / 1000 % 60;

  if (ms < 0)
    return g_strdup ("-");
  if (hours > 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT
                            ".%03" G_GINT64_FORMAT,
                            hours, minutes, seconds, ms % 1000);
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT,
                          minutes, seconds, ms % 1000);
}

static char *
format_ms (JsonObject *object, const char *member)
{
  gint64 ms;

  if (!int_member (object, member, &ms))
    return g_strdup ("-");
  return format_ms_value (ms);
}

static char *
format_size (JsonObject *object, const char *member)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) parts = NULL;
  gint64 size;

  if (!int_member (object, member, &size) || size < 0)
    return g_strdup ("-");
  /* GLib puts a no-break space before the unit; a plain one reads in
   * every locale. */
  text = g_format_size ((guint64)size);
  parts = g_strsplit (text, "\xc2\xa0", -1);
  return g_strjoinv (" ", parts);
}

/* An instant with seconds, in local time. */
static char *
format_clock (JsonObject *object, const char *member)
{
  const char *text = string_member (object, member);
  g_autoptr (GDateTime) time = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (text == NULL)
    return g_strdup ("-");
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return g_strdup (text);
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S %Z");
}

/* A track's codecs of one kind: every one its segments hold, in order
 * (@list, e.g. "audio_codecs"), else its single one (@single). */
static char *
format_track_codecs (JsonObject *object, const char *list, const char *single)
{
  JsonArray *codecs = array_member (object, list);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; codecs != NULL && i < json_array_get_length (codecs); i++)
    {
      const char *codec = json_array_get_string_element (codecs, i);

      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", codec != NULL ? codec : "-");
    }
  if (text->len == 0)
    g_string_append (text,
                     string_member (object, single) != NULL ? string_member (object, single) : "-");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_codecs (JsonObject *object, const char *member)
{
  g_autofree char *video = format_track_codecs (object, "video_codecs", "video_codec");
  g_autofree char *audio = format_track_codecs (object, "audio_codecs", "audio_codec");
  gint64 width = 0, height = 0;

  if (int_member (object, "width", &width) && int_member (object, "height", &height))
    return g_strdup_printf ("%s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " / %s", video, width,
                            height, audio);
  return g_strdup_printf ("%s / %s", video, audio);
}

static char *
format_short_sha (JsonObject *object, const char *member)
{
  const char *sha = string_member (object, member);

  if (sha == NULL)
    return g_strdup ("-");
  return g_strndup (sha, 16);
}

static char *
format_left (JsonObject *object, const char *member)
{
  if (json_object_get_boolean_member_with_default (object, "connected", FALSE))
    return g_strdup ("(connected)");
  return format_clock (object, member);
}

static char *
format_count (JsonObject *object, const char *member)
{
  JsonArray *array = array_member (object, member);

  return g_strdup_printf ("%u", array != NULL ? json_array_get_length (array) : 0);
}

static const EbCtlColumn session_fields[] = {
  { "ID", "id", NULL },           { "Title", "title", NULL },
  { "State", "state", NULL },     { "Start", "start", eb_ctl_format_time },
  { "Version", "version", NULL }, { NULL, NULL, NULL },
};

static const EbCtlColumn recording_fields[] = {
  { "Recording", "id", NULL },
  { "Session", "session_id", NULL },
  { "State", "state", NULL },
  { "Started", "started_at", format_clock },
  { "Ended", "ended_at", format_clock },
  { "Duration", "duration_ms", format_ms },
  { "Tracks", "track_count", NULL },
  { "Size", "size", format_size },
  { NULL, NULL, NULL },
};

static const EbCtlColumn recording_columns[] = {
  { "ID", "id", NULL },
  { "SESSION", "session_id", NULL },
  { "STATE", "state", NULL },
  { "STARTED", "started_at", format_clock },
  { "DURATION", "duration_ms", format_ms },
  { "TRACKS", "track_count", NULL },
  { "SIZE", "size", format_size },
  { NULL, NULL, NULL },
};

static const EbCtlColumn track_columns[] = {
  { "TRACK", "name", NULL },
  { "PERSON", "person_id", NULL },
  { "SITE", "site_id", NULL },
  { "CODECS", "video_codec", format_codecs },
  { "START", "start_offset_ms", format_ms },
  { "DURATION", "duration_ms", format_ms },
  { "SIZE", "size", format_size },
  { "SEGMENTS", "segment_count", NULL },
  { "SHA-256", "sha256", format_short_sha },
  { NULL, NULL, NULL },
};

static const EbCtlColumn segment_columns[] = {
  { "SEQ", "seq", NULL },
  { "FILE", "file", NULL },
  { "START", "start_offset_ms", format_ms },
  { "DURATION", "duration_ms", format_ms },
  { "SIZE", "size", format_size },
  { "SHA-256", "sha256", NULL },
  { NULL, NULL, NULL },
};

static const EbCtlColumn timeline_columns[] = {
  { "OFFSET", "offset_ms", format_ms },
  { "AT", "at", format_clock },
  { "KIND", "kind", NULL },
  { "PERSON", "person_id", NULL },
  { "TRACK", "track", NULL },
  { "DETAIL", "detail", NULL },
  { NULL, NULL, NULL },
};

static const EbCtlColumn attendance_columns[] = {
  { "PERSON", "person_id", NULL },
  { "FIRST JOINED", "first_joined_at", format_clock },
  { "LAST LEFT", "last_left_at", format_left },
  { "SPANS", "spans", format_count },
  { "PRESENT", "present_ms", format_ms },
  { NULL, NULL, NULL },
};

/* "/api/v1/sessions/ID" + @suffix, after checking the id. */
static char *
session_path (const char *text, const char *suffix, GError **error)
{
  gint64 id;

  if (!eb_ctl_parse_id (text, "session", &id, error))
    return NULL;
  return g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "%s", id, suffix);
}

/* A recording's tracks, and with @segments each track's segments. */
static void
print_tracks (JsonObject *recording, gboolean segments)
{
  JsonArray *tracks = array_member (recording, "tracks");

  if (tracks == NULL || json_array_get_length (tracks) == 0)
    {
      printf ("\nNo tracks: nobody published.\n");
      return;
    }
  printf ("\n");
  eb_ctl_print_table (track_columns, tracks);
  if (!segments)
    return;
  for (guint i = 0; i < json_array_get_length (tracks); i++)
    {
      JsonNode *node = json_array_get_element (tracks, i);
      JsonObject *track = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray *list = track != NULL ? array_member (track, "segments") : NULL;
      const char *name = track != NULL ? string_member (track, "name") : NULL;

      if (list == NULL)
        continue;
      printf ("\nSegments of %s:\n", name != NULL ? name : "?");
      eb_ctl_print_table (segment_columns, list);
    }
}

/* --- going live and ending --- */

static gboolean
session_start (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL;
  const GOptionEntry entries[] = {
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match,
      "Only if the session is still at this version", "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "/start", error);
  return path != NULL
         && eb_ctl_write (ctl, "POST", path, NULL, if_match, NULL, NULL, session_fields, error);
}

static gboolean
session_end (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *if_match = NULL, *path = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  JsonObject *answer, *session, *recording;
  const GOptionEntry entries[] = {
    { "if-match", 0, 0, G_OPTION_ARG_STRING, &if_match,
      "Only if the session is still at this version", "VERSION" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "/end", error);
  if (path == NULL)
    return FALSE;
  /* The server answers once every recording is finalised. */
  reply = eb_ctl_request (ctl, "POST", path, NULL, if_match, NULL, error);
  if (reply == NULL || (answer = eb_ctl_reply_get_object (reply, error)) == NULL)
    return FALSE;
  if (ctl->json)
    {
      eb_ctl_print_json (reply->json);
      return TRUE;
    }
  session = object_member (answer, "session");
  recording = object_member (answer, "recording");
  if (session == NULL)
    {
      g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_SERVER,
                   "the server answered without a session");
      return FALSE;
    }
  eb_ctl_print_fields (session_fields, session);
  if (recording == NULL)
    return TRUE;
  printf ("\n");
  eb_ctl_print_fields (recording_fields, recording);
  print_tracks (recording, FALSE);
  return TRUE;
}

/* --- join details --- */

static char *
format_passphrase_hint (const char *passphrase)
{
  glong length;

  if (passphrase == NULL || !g_utf8_validate (passphrase, -1, NULL))
    return g_strdup ("-");
  length = g_utf8_strlen (passphrase, -1);
  if (length <= 4)
    return g_strdup_printf ("(%ld characters)", length);
  {
    g_autofree char *tail = g_utf8_substring (passphrase, length - 4, length);

    return g_strdup_printf ("…%s (%ld characters, already in the URLs; pbkeylen 16)", tail, length);
  }
}

static char *
format_codec_list (JsonObject *media, const char *member)
{
  JsonArray *codecs = array_member (media, member);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; codecs != NULL && i < json_array_get_length (codecs); i++)
    {
      const char *codec = json_array_get_string_element (codecs, i);

      if (text->len > 0)
        g_string_append (text, i + 1 == json_array_get_length (codecs) ? " or " : ", ");
      g_string_append (text, g_strcmp0 (codec, "h264") == 0   ? "H.264"
                             : g_strcmp0 (codec, "aac") == 0  ? "AAC"
                             : g_strcmp0 (codec, "opus") == 0 ? "Opus"
                                                              : codec);
    }
  return g_strdup (text->len > 0 ? text->str : "-");
}

/* (transfer full): @text ("-" when %NULL) in lines of at most @width
 * columns where the words allow, each line after the first indented by
 * @indent columns. */
static char *
format_wrapped (const char *text, guint indent, guint width)
{
  g_auto (GStrv) words = NULL;
  g_autoptr (GString) wrapped = g_string_new (NULL);
  guint column = indent;

  if (text == NULL || *text == '\0')
    return g_strdup ("-");
  words = g_strsplit (text, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint length = (guint)g_utf8_strlen (words[i], -1);

      if (*words[i] == '\0')
        continue;
      if (wrapped->len > 0 && column + 1 + length > width)
        {
          g_string_append_c (wrapped, '\n');
          for (guint j = 0; j < indent; j++)
            g_string_append_c (wrapped, ' ');
          column = indent;
        }
      else if (wrapped->len > 0)
        {
          g_string_append_c (wrapped, ' ');
          column++;
        }
      g_string_append (wrapped, words[i]);
      column += length;
    }
  return g_string_free (g_steal_pointer (&wrapped), FALSE);
}

static gboolean
join (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  g_autofree char *expires = NULL, *hint = NULL, *video = NULL, *audio = NULL;
  g_autofree char *note = NULL;
  JsonObject *details, *srt, *media;
  gint64 session_id = 0, port = 0;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "/join", error);
  if (path == NULL)
    return FALSE;
  details = eb_ctl_get_object (ctl, path, &reply, error);
  if (details == NULL)
    return FALSE;
  if (ctl->json)
    {
      eb_ctl_print_json (reply->json);
      return TRUE;
    }
  srt = object_member (details, "srt");
  media = object_member (details, "media");
  if (srt == NULL || media == NULL)
    {
      g_set_error (error, EB_CTL_ERROR, EB_CTL_ERROR_SERVER,
                   "the server answered without SRT details");
      return FALSE;
    }
  int_member (details, "session_id", &session_id);
  int_member (srt, "port", &port);
  expires = eb_ctl_format_time_local (details, "expires_at");
  hint = format_passphrase_hint (string_member (srt, "passphrase"));
  video = format_codec_list (media, "video_codecs");
  audio = format_codec_list (media, "audio_codecs");
  note = format_wrapped (string_member (details, "media_note"), 20, 78);
  printf ("Session:            %" G_GINT64_FORMAT "\n", session_id);
  printf ("Expires:            %s\n", expires);
  printf ("Join in a browser:  %s\n",
          string_member (details, "join_url") != NULL ? string_member (details, "join_url") : "-");
  printf ("SRT listener:       %s port %" G_GINT64_FORMAT " (caller mode)\n",
          string_member (srt, "host") != NULL ? string_member (srt, "host") : "-", port);
  printf ("Publish URL:        %s\n",
          string_member (srt, "publish_url") != NULL ? string_member (srt, "publish_url") : "-");
  printf ("Passphrase:         %s\n", hint);
  printf ("Pull URL template:  %s\n", string_member (srt, "pull_url_template") != NULL
                                          ? string_member (srt, "pull_url_template")
                                          : "-");
  printf ("                    replace {track} with a track (p<person>-srt) or chair\n");
  printf ("Send:               MPEG-TS with %s video and %s audio, as is (never re-encoded)\n",
          video, audio);
  printf ("Rooms and browsers: %s\n", note);
  printf ("\nThe link and the URLs hold your credential (the SRT URLs also the session "
          "passphrase): keep them private.\n");
  return TRUE;
}

/* --- timeline and attendance --- */

static gboolean
timeline (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *base = NULL;
  g_autoptr (GString) path = NULL;
  gint offset = 0, limit = 0;
  const GOptionEntry entries[] = {
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, "Events to skip", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Events to show (1..500)", "N" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 1, 1, error))
    return FALSE;
  base = session_path ((*args)[1], "/timeline", error);
  if (base == NULL)
    return FALSE;
  path = g_string_new (base);
  eb_ctl_path_add_page (path, offset, limit);
  return eb_ctl_list (ctl, path->str, timeline_columns, error);
}

static gboolean
attendance (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error))
    return FALSE;
  path = session_path ((*args)[1], "/attendance?limit=500", error);
  return path != NULL && eb_ctl_list (ctl, path, attendance_columns, error);
}

/* --- recordings --- */

static gboolean
recording_list (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *session = NULL;
  g_autoptr (GString) path = g_string_new ("/api/v1/recordings");
  gint offset = 0, limit = 0;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_STRING, &session, "Only this session's recordings", "ID" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, "Rows to skip", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Rows to show (1..500)", "N" },
    G_OPTION_ENTRY_NULL,
  };

  if (!eb_ctl_parse (ctl, entries, args, 0, 0, error))
    return FALSE;
  if (session != NULL)
    {
      gint64 id;

      if (!eb_ctl_parse_id (session, "--session", &id, error))
        return FALSE;
      eb_ctl_path_add_query (path, "session", session);
    }
  eb_ctl_path_add_page (path, offset, limit);
  return eb_ctl_list (ctl, path->str, recording_columns, error);
}

static gboolean
recording_show (EbCtl *ctl, GStrv *args, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (EbCtlReply) reply = NULL;
  JsonObject *recording;
  gint64 id;

  if (!eb_ctl_parse (ctl, NULL, args, 1, 1, error)
      || !eb_ctl_parse_id ((*args)[1], "recording", &id, error))
    return FALSE;
  path = g_strdup_printf ("/api/v1/recordings/%" G_GINT64_FORMAT, id);
  recording = eb_ctl_get_object (ctl, path, &reply, error);
  if (recording == NULL)
    return FALSE;
  if (ctl->json)
    {
      eb_ctl_print_json (reply->json);
      return TRUE;
    }
  eb_ctl_print_fields (recording_fields, recording);
  print_tracks (recording, TRUE);
  return TRUE;
}

const EbCtlCommand eb_ctl_live_commands[] = {
  { "session", "start", "ID", "Go live: open the conference and start recording.", session_start },
  { "session", "end", "ID", "End a live session; shows the finalised recording.", session_end },
  { "join", NULL, "SESSION",
    "Your browser join link, SRT publish URL and pull template for a session.", join },
  { "timeline", NULL, "SESSION", "What happened in a live session, with offsets.", timeline },
  { "attendance", NULL, "SESSION", "Who attended a live session, and when.", attendance },
  { "recording", "list", "", "List recordings (--session ID for one session's).", recording_list },
  { "recording", "show", "ID", "Show a recording: tracks and segments.", recording_show },
  { NULL, NULL, NULL, NULL, NULL },
};
