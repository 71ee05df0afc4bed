/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-daemon"

#include "eb-config.h"

#include <gio/gio.h>

#include "eb-ice-servers-private.h"

#define EB_ICE_STUN_FORM "stun://HOST[:PORT]"
/* not written as a URL: a "scheme://user:password@" is masked in every
 * message */
#define EB_ICE_TURN_FORM                                                                           \
  "turn or turns, then USER, PASSWORD and HOST[:PORT] as in a URL, optionally "                    \
  "?transport=udp or tcp"

/* What the URL names beyond a host and a port: nothing for an ICE
 * server but TURN's transport. */
static gboolean
has_extras (GUri *uri)
{
  const char *path = g_uri_get_path (uri);

  return (path != NULL && *path != '\0') || g_uri_get_fragment (uri) != NULL;
}

static gboolean
has_host (GUri *uri)
{
  const char *host = g_uri_get_host (uri);

  return host != NULL && *host != '\0';
}

gboolean
eb_ice_check_stun_url (const char *url, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  /* a STUN URL holds no secret, unless one was put there by mistake */
  shown = eb_ice_mask_secrets (url);
  if (!g_str_has_prefix (url, "stun://"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' does not start with stun:// (" EB_ICE_STUN_FORM ")", shown);
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a URL of the form " EB_ICE_STUN_FORM, shown);
      return FALSE;
    }
  if (!has_host (uri) || g_uri_get_userinfo (uri) != NULL || has_extras (uri)
      || g_uri_get_query (uri) != NULL || g_uri_get_port (uri) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not of the form " EB_ICE_STUN_FORM, shown);
      return FALSE;
    }
  return TRUE;
}

gboolean
eb_ice_check_turn_url (const char *url, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *user;
  const char *password;
  const char *query;

  g_return_val_if_fail (url != NULL, FALSE);

  /* never quote @url: it holds a password; the scheme as webrtcbin and
   * browsers take it, in lower case */
  if (!g_str_has_prefix (url, "turn://") && !g_str_has_prefix (url, "turns://"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "does not start with turn:// or turns://");
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD, NULL);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "not a TURN URL (" EB_ICE_TURN_FORM ")");
      return FALSE;
    }
  user = g_uri_get_user (uri);
  password = g_uri_get_password (uri);
  if (user == NULL || *user == '\0' || password == NULL || *password == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a TURN server needs USER:PASSWORD@ before its host");
      return FALSE;
    }
  query = g_uri_get_query (uri);
  if (!has_host (uri) || has_extras (uri) || g_uri_get_port (uri) == 0
      || (query != NULL && g_strcmp0 (query, "transport=udp") != 0
          && g_strcmp0 (query, "transport=tcp") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "not a TURN URL (" EB_ICE_TURN_FORM ")");
      return FALSE;
    }
  return TRUE;
}

char *
eb_ice_mask_secrets (const char *text)
{
  g_autoptr (GString) masked = g_string_new (NULL);
  const char *p = text;
  const char *scheme_end;

  g_return_val_if_fail (text != NULL, NULL);

  /* each "://": the password runs from the first ':' of what follows to
   * the last '@' before the next blank (a password may hold '@' or ':') */
  while ((scheme_end = strstr (p, "://")) != NULL)
    {
      const char *authority = scheme_end + 3;
      const char *end = authority + strcspn (authority, " \t\r\n;,'\"");
      const char *at = NULL;
      const char *colon;

      for (const char *q = authority; q < end; q++)
        if (*q == '@')
          at = q;
      colon = at != NULL ? memchr (authority, ':', (gsize)(at - authority)) : NULL;
      if (colon == NULL)
        {
          g_string_append_len (masked, p, end - p);
          p = end;
          continue;
        }
      g_string_append_len (masked, p, colon + 1 - p);
      g_string_append (masked, "***");
      p = at;
    }
  g_string_append (masked, p);
  return g_string_free (g_steal_pointer (&masked), FALSE);
}
