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

/* (transfer full) (nullable): the bearer token of the request, to be
 * wiped after use; %NULL when there is none (the request is then
 * refused with @missing) or it is malformed (refused with @malformed). */
static char *
eb_auth_read_bearer (EbApiRequest *req, const char *missing, const char *malformed, gsize *length)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *header = soup_message_headers_get_one (headers, "Authorization");
  const char *token;

  if (header == NULL)
    {
      eb_auth_refuse (req, EB_AUTH_CHALLENGE, missing);
      return NULL;
    }
  token = eb_auth_parse_bearer (header, length);
  if (token == NULL)
    {
      eb_auth_refuse (req, EB_AUTH_CHALLENGE ", error=\"invalid_request\"", malformed);
      return NULL;
    }
  return g_strndup (token, *length);
}

gboolean
eb_auth_authenticate (EbApiRequest *req)
{
  gsize length = 0;
  g_autofree char *secret
      = eb_auth_read_bearer (req, "a bearer token is required",
                             "the Authorization header must be \"Bearer <token>\"", &length);
  gboolean ok;

  if (secret == NULL)
    return FALSE;
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
  gsize length = 0;
  g_autofree char *credential = eb_auth_read_bearer (
      req, "a join credential is required as bearer token",
      "the Authorization header must be \"Bearer <join credential>\"", &length);
  gboolean ok;

  if (credential == NULL)
    return FALSE;
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
