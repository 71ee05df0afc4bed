/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <string.h>

#include "eb-auth-private.h"
#include "eb-problem-private.h"

#define EB_AUTH_CHALLENGE "Bearer realm=\"eboard\""

const char *
eb_auth_parse_bearer (const char *header, gsize *length)
{
  const char *token;
  gsize len;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer", 6) != 0
      || (header[6] != ' ' && header[6] != '\t'))
    return NULL;
  token = header + 6;
  while (*token == ' ' || *token == '\t')
    token++;
  len = strcspn (token, " \t");
  /* RFC 6750 b64token: one word, nothing after it but blanks. */
  if (len == 0 || token[len + strspn (token + len, " \t")] != '\0')
    return NULL;
  *length = len;
  return token;
}

static void
eb_auth_refuse (EbApiRequest *req, const char *challenge, const char *detail)
{
  eb_api_reply_problem (req, SOUP_STATUS_UNAUTHORIZED, detail, NULL);
  /* After eb_api_reply_problem(), which sets the plain challenge. */
  eb_api_set_header (req, "WWW-Authenticate", challenge);
}

/* Resolves req->principal from @secret, or answers 401. */
static gboolean
eb_auth_check_secret (EbApiRequest *req, const char *secret)
{
  g_autoptr (GError) error = NULL;

  if (eb_service_authenticate (req->service, secret, &req->principal, &error))
    return TRUE;
  if (g_error_matches (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED))
    eb_auth_refuse (req, EB_AUTH_CHALLENGE ", error=\"invalid_token\"", error->message);
  else
    eb_api_reply_error (req, error);
  return FALSE;
}

gboolean
eb_auth_authenticate (EbApiRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *header = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *secret = NULL;
  const char *token;
  gsize length = 0;
  gboolean ok;

  if (header == NULL)
    {
      eb_auth_refuse (req, EB_AUTH_CHALLENGE, "a bearer token is required");
      return FALSE;
    }
  token = eb_auth_parse_bearer (header, &length);
  if (token == NULL)
    {
      eb_auth_refuse (req, EB_AUTH_CHALLENGE ", error=\"invalid_request\"",
                      "the Authorization header must be \"Bearer <token>\"");
      return FALSE;
    }
  secret = g_strndup (token, length);
  ok = eb_auth_check_secret (req, secret);
  explicit_bzero (secret, length);
  return ok;
}

gboolean
eb_auth_check_participant (EbApiRequest *req, const char *credential, EbId session_id)
{
  g_autoptr (GError) error = NULL;

  if (eb_service_authenticate_participant (req->service, credential, session_id, &req->participant,
                                           &error))
    return TRUE;
  if (g_error_matches (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED))
    eb_auth_refuse (req, EB_AUTH_CHALLENGE ", error=\"invalid_token\"", error->message);
  else
    eb_api_reply_error (req, error);
  return FALSE;
}

gboolean
eb_auth_authenticate_participant (EbApiRequest *req, EbId session_id)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *header = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *credential = NULL;
  const char *token;
  gsize length = 0;
  gboolean ok;

  if (header == NULL)
    {
      eb_auth_refuse (req, EB_AUTH_CHALLENGE, "a join credential is required as bearer token");
      return FALSE;
    }
  token = eb_auth_parse_bearer (header, &length);
  if (token == NULL)
    {
      eb_auth_refuse (req, EB_AUTH_CHALLENGE ", error=\"invalid_request\"",
                      "the Authorization header must be \"Bearer <join credential>\"");
      return FALSE;
    }
  credential = g_strndup (token, length);
  ok = eb_auth_check_participant (req, credential, session_id);
  explicit_bzero (credential, length);
  return ok;
}

gboolean
eb_auth_authenticate_with_query (EbApiRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *secret = eb_api_query (req, EB_AUTH_QUERY_TOKEN);

  /* The header wins; without either, the header's 401. */
  if (secret == NULL || soup_message_headers_get_one (headers, "Authorization") != NULL)
    return eb_auth_authenticate (req);
  return eb_auth_check_secret (req, secret);
}
