/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <string.h>

#include <srt/access_control.h>

#include <eboard/eb-error.h>

#include "eb-stream-id-private.h"

#define EB_STREAM_ID_PREFIX "#!::"
#define EB_STREAM_ID_PREFIX_ESCAPED "%23%21%3A%3A"
#define EB_TRACK_NAME_MAX_LENGTH 64

void
eb_stream_id_free (EbStreamId *stream_id)
{
  if (stream_id == NULL)
    return;
  g_free (stream_id->track);
  if (stream_id->credential != NULL)
    {
      /* it is a secret: do not leave it in freed memory */
      memset (stream_id->credential, 0, strlen (stream_id->credential));
      g_free (stream_id->credential);
    }
  g_free (stream_id);
}

gboolean
eb_stream_id_track_name_is_valid (const char *name)
{
  gsize length = 0;

  if (name == NULL)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++, length++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }
  return length > 0 && length <= EB_TRACK_NAME_MAX_LENGTH;
}

/* A positive decimal id without sign or leading zero. */
static gboolean
parse_id (const char *text, gsize length, EbId *id)
{
  guint64 value = 0;

  if (length == 0 || length > 18 || text[0] == '0')
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint64)(text[i] - '0');
    }
  *id = (EbId)value;
  return TRUE;
}

/* "session/<id>" or "session/<id>/track/<name>" */
static gboolean
parse_resource (const char *value, EbId *session_id, char **track)
{
  const char *rest;
  const char *slash;

  if (!g_str_has_prefix (value, "session/"))
    return FALSE;
  rest = value + strlen ("session/");
  slash = strchr (rest, '/');
  if (slash == NULL)
    return parse_id (rest, strlen (rest), session_id);
  if (!parse_id (rest, (gsize)(slash - rest), session_id))
    return FALSE;
  rest = slash + 1;
  if (!g_str_has_prefix (rest, "track/"))
    return FALSE;
  rest += strlen ("track/");
  if (!eb_stream_id_track_name_is_valid (rest))
    return FALSE;
  *track = g_strdup (rest);
  return TRUE;
}

static gboolean
credential_is_plausible (const char *value)
{
  gsize length = strlen (value);

  if (length == 0 || length > 400)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (!g_ascii_isgraph (*p))
        return FALSE;
    }
  return TRUE;
}

static EbStreamId *
refuse (int *reject_code, int code, GError **error, const char *message)
{
  if (reject_code != NULL)
    *reject_code = code;
  g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, message);
  return NULL;
}

/**
 * eb_stream_id_parse:
 * @text: (nullable): the caller's streamid
 * @reject_code: (out) (optional): on failure, the SRT_REJX_* answer
 *
 * Returns: (transfer full) (nullable): the parsed streamid
 */
EbStreamId *
eb_stream_id_parse (const char *text, int *reject_code, GError **error)
{
  g_autoptr (EbStreamId) stream_id = NULL;
  g_auto (GStrv) pairs = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *decoded = NULL;

  if (text == NULL || *text == '\0')
    return refuse (reject_code, SRT_REJX_BAD_REQUEST, error, "no streamid");
  if (strlen (text) > EB_STREAM_ID_MAX_LENGTH)
    return refuse (reject_code, SRT_REJX_BAD_REQUEST, error, "streamid too long");
  /* Some encoders (ffmpeg before 6.0) pass the streamid of an srt:// URL
   * on without decoding it. */
  if (g_ascii_strncasecmp (text, EB_STREAM_ID_PREFIX_ESCAPED, strlen (EB_STREAM_ID_PREFIX_ESCAPED))
      == 0)
    {
      decoded = g_uri_unescape_string (text, NULL);
      if (decoded == NULL)
        return refuse (reject_code, SRT_REJX_BAD_REQUEST, error,
                       "streamid has a malformed percent-encoding");
      text = decoded;
    }
  if (!g_str_has_prefix (text, EB_STREAM_ID_PREFIX))
    return refuse (reject_code, SRT_REJX_BAD_REQUEST, error,
                   "streamid is not in the access-control syntax (#!::)");

  pairs = g_strsplit (text + strlen (EB_STREAM_ID_PREFIX), ",", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *pair = pairs[i];
      const char *equal = strchr (pair, '=');
      g_autofree char *key = NULL;
      const char *value;
      char **slot = NULL;

      if (equal == NULL || equal == pair || equal[1] == '\0')
        return refuse (reject_code, SRT_REJX_BAD_REQUEST, error,
                       "streamid entries must be key=value");
      key = g_strndup (pair, (gsize)(equal - pair));
      value = equal + 1;
      if (g_strcmp0 (key, "r") == 0)
        slot = &resource;
      else if (g_strcmp0 (key, "m") == 0)
        slot = &mode;
      else if (g_strcmp0 (key, "t") == 0)
        slot = &credential;
      else if (g_strcmp0 (key, "u") == 0 || g_strcmp0 (key, "h") == 0)
        continue;
      else
        return refuse (reject_code, SRT_REJX_KEY_NOTSUP, error, "streamid has an unsupported key");
      if (*slot != NULL)
        return refuse (reject_code, SRT_REJX_BAD_REQUEST, error, "streamid repeats a key");
      *slot = g_strdup (value);
    }

  if (resource == NULL || mode == NULL)
    return refuse (reject_code, SRT_REJX_BAD_REQUEST, error,
                   "streamid needs a resource (r) and a mode (m)");
  if (credential == NULL)
    return refuse (reject_code, SRT_REJX_UNAUTHORIZED, error,
                   "streamid carries no join credential (t)");
  if (!credential_is_plausible (credential))
    return refuse (reject_code, SRT_REJX_UNAUTHORIZED, error, "malformed join credential");

  stream_id = g_new0 (EbStreamId, 1);
  if (!parse_resource (resource, &stream_id->session_id, &stream_id->track))
    return refuse (reject_code, SRT_REJX_BAD_REQUEST, error,
                   "streamid resource must be session/<id> or session/<id>/track/<name>");
  if (g_strcmp0 (mode, "publish") == 0)
    stream_id->mode = EB_STREAM_MODE_PUBLISH;
  else if (g_strcmp0 (mode, "request") == 0)
    stream_id->mode = EB_STREAM_MODE_REQUEST;
  else
    return refuse (reject_code, SRT_REJX_BAD_MODE, error,
                   "streamid mode must be publish or request");
  if (stream_id->mode == EB_STREAM_MODE_PUBLISH && stream_id->track != NULL)
    return refuse (reject_code, SRT_REJX_BAD_MODE, error,
                   "a publisher names the session, not a track");
  if (stream_id->mode == EB_STREAM_MODE_REQUEST && stream_id->track == NULL)
    return refuse (reject_code, SRT_REJX_BAD_REQUEST, error, "a request names a track");

  stream_id->credential = g_steal_pointer (&credential);
  return g_steal_pointer (&stream_id);
}

/**
 * eb_stream_id_format:
 * @track: (nullable): for %EB_STREAM_MODE_REQUEST, the track
 *
 * Returns: (transfer full): the streamid an encoder or viewer sets
 */
char *
eb_stream_id_format (EbId session_id, EbStreamMode mode, const char *track, const char *credential)
{
  g_return_val_if_fail (session_id > 0, NULL);
  g_return_val_if_fail (credential != NULL, NULL);

  if (mode == EB_STREAM_MODE_PUBLISH)
    return g_strdup_printf (EB_STREAM_ID_PREFIX "r=session/%" G_GINT64_FORMAT ",m=publish,t=%s",
                            session_id, credential);
  g_return_val_if_fail (track != NULL, NULL);
  return g_strdup_printf (EB_STREAM_ID_PREFIX "r=session/%" G_GINT64_FORMAT
                                              "/track/%s,m=request,t=%s",
                          session_id, track, credential);
}
