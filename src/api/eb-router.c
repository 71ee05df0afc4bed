/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <string.h>

#include "eb-api-handlers-private.h"
#include "eb-auth-private.h"
#include "eb-idempotency-private.h"
#include "eb-router-private.h"
#include "eb-static-private.h"

typedef enum
{
  EB_ROUTE_DEFAULT = 0,
  /* Needs no bearer token. */
  EB_ROUTE_PUBLIC = 1 << 0,
  /* A create that honours Idempotency-Key. */
  EB_ROUTE_IDEMPOTENT = 1 << 1,
  /* The answer holds a secret that is never remembered. */
  EB_ROUTE_SECRET = 1 << 2,
  /* A WebSocket: the token may also come as the `access_token` query
   * parameter, and the handler leaves an accepted upgrade without a
   * status for libsoup to complete the handshake. */
  EB_ROUTE_WEBSOCKET = 1 << 3,
  /* Takes a join credential for the path's session as bearer token
   * instead of an API token (browsers on the join page); the path is
   * read first, so that a bad id is 400 before any credential check. */
  EB_ROUTE_PARTICIPANT = 1 << 4,
} EbRouteFlags;

typedef struct
{
  const char *method;
  const char *path;
  EbApiHandler handler;
  EbRouteFlags flags;
} EbRouteEntry;

#define SESSION "/api/v1/sessions/{id}"

/* The router's table; test-openapi holds it against data/openapi.yaml. */
static const EbRouteEntry route_table[] = {
  { "GET", "/healthz", eb_api_health_get, EB_ROUTE_PUBLIC },
  { "GET", "/api/v1/openapi.yaml", eb_api_openapi_get, EB_ROUTE_DEFAULT },
  { "GET", "/api/v1/specialties", eb_api_specialties_get, EB_ROUTE_DEFAULT },
  { "GET", "/api/v1/whoami", eb_api_whoami_get, EB_ROUTE_DEFAULT },

  { "GET", "/api/v1/sites", eb_api_sites_list, EB_ROUTE_DEFAULT },
  { "POST", "/api/v1/sites", eb_api_sites_create, EB_ROUTE_IDEMPOTENT },
  { "GET", "/api/v1/sites/{id}", eb_api_site_get, EB_ROUTE_DEFAULT },
  { "PATCH", "/api/v1/sites/{id}", eb_api_site_update, EB_ROUTE_DEFAULT },
  { "DELETE", "/api/v1/sites/{id}", eb_api_site_delete, EB_ROUTE_DEFAULT },

  { "GET", "/api/v1/people", eb_api_people_list, EB_ROUTE_DEFAULT },
  { "POST", "/api/v1/people", eb_api_people_create, EB_ROUTE_IDEMPOTENT },
  { "GET", "/api/v1/people/{id}", eb_api_person_get, EB_ROUTE_DEFAULT },
  { "PATCH", "/api/v1/people/{id}", eb_api_person_update, EB_ROUTE_DEFAULT },
  { "DELETE", "/api/v1/people/{id}", eb_api_person_delete, EB_ROUTE_DEFAULT },
  { "GET", "/api/v1/people/{id}/calendar.ics", eb_api_person_calendar_get, EB_ROUTE_DEFAULT },
  { "GET", "/api/v1/people/{id}/calendar-feed", eb_api_calendar_feed_get, EB_ROUTE_DEFAULT },
  { "POST", "/api/v1/people/{id}/calendar-feed", eb_api_calendar_feed_create, EB_ROUTE_DEFAULT },
  { "DELETE", "/api/v1/people/{id}/calendar-feed", eb_api_calendar_feed_delete, EB_ROUTE_DEFAULT },
  /* Calendar programs cannot send a bearer token: the secret in the path
   * is the credential. */
  { "GET", EB_API_CALENDAR_FEED_PREFIX "{secret}" EB_API_CALENDAR_FEED_SUFFIX,
    eb_api_calendar_feed_read, EB_ROUTE_PUBLIC },

  { "GET", "/api/v1/sessions", eb_api_sessions_list, EB_ROUTE_DEFAULT },
  { "POST", "/api/v1/sessions", eb_api_sessions_create, EB_ROUTE_IDEMPOTENT },
  { "GET", SESSION, eb_api_session_get, EB_ROUTE_DEFAULT },
  { "PATCH", SESSION, eb_api_session_update, EB_ROUTE_DEFAULT },
  { "DELETE", SESSION, eb_api_session_delete, EB_ROUTE_DEFAULT },
  { "POST", SESSION "/schedule", eb_api_session_schedule, EB_ROUTE_DEFAULT },
  { "POST", SESSION "/cancel", eb_api_session_cancel, EB_ROUTE_DEFAULT },
  { "GET", SESSION "/occurrences", eb_api_occurrences_list, EB_ROUTE_DEFAULT },
  { "PUT", SESSION "/exceptions", eb_api_exception_put, EB_ROUTE_DEFAULT },
  { "DELETE", SESSION "/exceptions", eb_api_exception_delete, EB_ROUTE_DEFAULT },

  { "GET", SESSION "/roster", eb_api_roster_list, EB_ROUTE_DEFAULT },
  { "POST", SESSION "/roster", eb_api_roster_create, EB_ROUTE_IDEMPOTENT },
  { "GET", SESSION "/roster/{entry_id}", eb_api_roster_entry_get, EB_ROUTE_DEFAULT },
  { "PATCH", SESSION "/roster/{entry_id}", eb_api_roster_entry_update, EB_ROUTE_DEFAULT },
  { "DELETE", SESSION "/roster/{entry_id}", eb_api_roster_entry_delete, EB_ROUTE_DEFAULT },
  { "POST", SESSION "/roster/{entry_id}/revoke-join", eb_api_roster_entry_revoke_join,
    EB_ROUTE_DEFAULT },

  { "GET", SESSION "/agenda", eb_api_agenda_list, EB_ROUTE_DEFAULT },
  { "POST", SESSION "/agenda", eb_api_agenda_create, EB_ROUTE_IDEMPOTENT },
  { "POST", SESSION "/agenda/order", eb_api_agenda_order, EB_ROUTE_DEFAULT },
  { "GET", SESSION "/agenda/{item_id}", eb_api_agenda_item_get, EB_ROUTE_DEFAULT },
  { "PATCH", SESSION "/agenda/{item_id}", eb_api_agenda_item_update, EB_ROUTE_DEFAULT },
  { "DELETE", SESSION "/agenda/{item_id}", eb_api_agenda_item_delete, EB_ROUTE_DEFAULT },

  { "GET", SESSION "/quorum", eb_api_quorum_get, EB_ROUTE_DEFAULT },
  { "GET", SESSION "/invitation.ics", eb_api_session_invitation_get, EB_ROUTE_DEFAULT },

  { "POST", SESSION "/start", eb_api_session_start, EB_ROUTE_DEFAULT },
  { "POST", SESSION "/end", eb_api_session_end, EB_ROUTE_DEFAULT },
  { "GET", SESSION "/join", eb_api_session_join, EB_ROUTE_DEFAULT },
  { "GET", SESSION "/timeline", eb_api_timeline_list, EB_ROUTE_DEFAULT },
  { "GET", SESSION "/attendance", eb_api_attendance_list, EB_ROUTE_DEFAULT },
  /* Authenticates its callers itself: an API token or a join credential. */
  { "GET", SESSION "/events", eb_api_session_events, EB_ROUTE_PUBLIC | EB_ROUTE_WEBSOCKET },
  { "GET", SESSION "/conference", eb_api_conference_get, EB_ROUTE_PARTICIPANT },
  { "POST", SESSION "/conference/case", eb_api_conference_case_set, EB_ROUTE_PARTICIPANT },
  { "POST", SESSION "/whip", eb_api_whip_create, EB_ROUTE_PARTICIPANT },
  { "DELETE", SESSION "/whip/{resource}", eb_api_whip_delete, EB_ROUTE_PARTICIPANT },
  { "POST", SESSION "/whep", eb_api_whep_create, EB_ROUTE_PARTICIPANT },
  { "DELETE", SESSION "/whep/{resource}", eb_api_whep_delete, EB_ROUTE_PARTICIPANT },

  { "GET", "/api/v1/recordings", eb_api_recordings_list, EB_ROUTE_DEFAULT },
  { "GET", "/api/v1/recordings/{id}", eb_api_recording_get, EB_ROUTE_DEFAULT },

  { "GET", "/api/v1/tokens", eb_api_tokens_list, EB_ROUTE_DEFAULT },
  { "POST", "/api/v1/tokens", eb_api_tokens_create, EB_ROUTE_IDEMPOTENT | EB_ROUTE_SECRET },
  { "GET", "/api/v1/tokens/{id}", eb_api_token_get, EB_ROUTE_DEFAULT },
  { "DELETE", "/api/v1/tokens/{id}", eb_api_token_delete, EB_ROUTE_DEFAULT },
};

#undef SESSION

/* The table's paths split at "/", computed once and kept for the life of
 * the process. */
static GStrv *
eb_router_templates (void)
{
  static GStrv *templates = NULL;

  if (g_once_init_enter (&templates))
    {
      GStrv *split = g_new0 (GStrv, G_N_ELEMENTS (route_table));

      for (guint i = 0; i < G_N_ELEMENTS (route_table); i++)
        split[i] = g_strsplit (route_table[i].path, "/", -1);
      g_once_init_leave (&templates, split);
    }
  return templates;
}

/**
 * eb_api_routes:
 * @n_routes: (out): the number of routes
 *
 * Returns: (transfer none) (array length=n_routes): the router's table
 */
const EbApiRoute *
eb_api_routes (guint *n_routes)
{
  static EbApiRoute *routes = NULL;

  g_return_val_if_fail (n_routes != NULL, NULL);

  if (g_once_init_enter (&routes))
    {
      EbApiRoute *table = g_new0 (EbApiRoute, G_N_ELEMENTS (route_table));

      for (guint i = 0; i < G_N_ELEMENTS (route_table); i++)
        {
          table[i].method = route_table[i].method;
          table[i].path = route_table[i].path;
        }
      g_once_init_leave (&routes, table);
    }
  *n_routes = G_N_ELEMENTS (route_table);
  return routes;
}

/* The parameter whose text is a secret rather than an id. */
#define EB_ROUTE_SECRET_PARAM "secret"
/* The parameter whose text is an opaque resource id (WHIP, WHEP). */
#define EB_ROUTE_RESOURCE_PARAM "resource"

static gboolean
eb_segment_is_param (const char *segment)
{
  return segment[0] == '{';
}

/* What follows the `}` of a parameter segment ("{secret}.ics": ".ics"). */
static const char *
eb_param_suffix (const char *template)
{
  const char *close = strchr (template, '}');

  return close != NULL ? close + 1 : "";
}

/* (transfer full): the name between the braces. */
static char *
eb_param_name (const char *template)
{
  const char *close = strchr (template, '}');

  return g_strndup (template + 1, close != NULL ? (gsize)(close - template - 1) : 0);
}

/* A parameter matches a non-empty text followed by its literal suffix. */
static gboolean
eb_param_matches (const char *template, const char *segment)
{
  const char *suffix = eb_param_suffix (template);

  return strlen (segment) > strlen (suffix) && g_str_has_suffix (segment, suffix);
}

/* How many literal segments of @template match @segments, or -1 when the
 * template does not match. */
static gint
eb_template_match (GStrv template, GStrv segments)
{
  gint literals = 0;
  guint i;

  for (i = 0; template[i] != NULL && segments[i] != NULL; i++)
    {
      if (eb_segment_is_param (template[i]))
        {
          if (!eb_param_matches (template[i], segments[i]))
            return -1;
          continue;
        }
      if (strcmp (template[i], segments[i]) != 0)
        return -1;
      literals++;
    }
  if (template[i] != NULL || segments[i] != NULL)
    return -1;
  return literals;
}

/* The path of the most specific template matching @segments (a literal
 * segment beats a parameter: "agenda/order" is not an item id), or %NULL. */
static const char *
eb_router_find_path (GStrv segments)
{
  GStrv *templates = eb_router_templates ();
  const char *best = NULL;
  gint best_literals = -1;

  for (guint i = 0; i < G_N_ELEMENTS (route_table); i++)
    {
      gint literals = eb_template_match (templates[i], segments);

      if (literals > best_literals)
        {
          best = route_table[i].path;
          best_literals = literals;
        }
    }
  return best;
}

static const char *
eb_router_effective_method (const char *method)
{
  /* HEAD is GET without the body, which libsoup leaves out. */
  return strcmp (method, SOUP_METHOD_HEAD) == 0 ? SOUP_METHOD_GET : method;
}

/* The route of @path for @method; %NULL after answering 405. */
static const EbRouteEntry *
eb_router_find_method (EbApiRequest *req, const char *path)
{
  g_autoptr (GString) allow = g_string_new (NULL);
  const char *method = eb_router_effective_method (req->method);

  for (guint i = 0; i < G_N_ELEMENTS (route_table); i++)
    {
      if (route_table[i].path != path)
        continue;
      if (strcmp (route_table[i].method, method) == 0)
        return &route_table[i];
      g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", route_table[i].method);
    }
  eb_api_set_header (req, "Allow", allow->str);
  eb_api_reply_problem (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "this path does not take this method",
                        NULL);
  return NULL;
}

/* Fills req->ids from the `{...}` segments (answers 400 for a bad id),
 * *@secret from a `{secret}` segment (its suffix cut off): req->secret
 * borrows it, and req->resource from a `{resource}` segment (borrowing
 * @segments). */
static gboolean
eb_router_read_params (EbApiRequest *req, const EbRouteEntry *route, GStrv segments, char **secret)
{
  GStrv template = eb_router_templates ()[route - route_table];

  req->n_ids = 0;
  for (guint i = 0; template[i] != NULL; i++)
    {
      g_autofree char *name = NULL;

      if (!eb_segment_is_param (template[i]))
        continue;
      name = eb_param_name (template[i]);
      if (strcmp (name, EB_ROUTE_SECRET_PARAM) == 0)
        {
          g_free (*secret);
          *secret = g_strndup (segments[i],
                               strlen (segments[i]) - strlen (eb_param_suffix (template[i])));
          req->secret = *secret;
          continue;
        }
      if (strcmp (name, EB_ROUTE_RESOURCE_PARAM) == 0)
        {
          req->resource = segments[i];
          continue;
        }
      g_assert (req->n_ids < EB_API_MAX_PATH_IDS);
      if (eb_api_parse_id (segments[i], &req->ids[req->n_ids]))
        {
          req->n_ids++;
          continue;
        }
      eb_api_reply_invalid (req, name, "bad id: %s must be a positive integer", name);
      return FALSE;
    }
  return TRUE;
}

/* Whether a segment of a request path may hold a calendar feed's secret:
 * any segment after "calendar" (also a mistyped feed URL holds a real
 * secret), and any that holds the secrets' prefix. */
static gboolean
eb_router_segment_is_secret (GStrv segments, guint i)
{
  return (i > 0 && strcmp (segments[i - 1], "calendar") == 0) || strstr (segments[i], "ebcal_");
}

char *
eb_router_redact_path (const char *path)
{
  g_auto (GStrv) segments = NULL;
  g_autofree char *decoded = NULL;
  gboolean redacted = FALSE;

  g_return_val_if_fail (path != NULL, NULL);

  /* Judged on the decoded path, as the router reads it. */
  decoded = g_uri_unescape_string (path, NULL);
  segments = g_strsplit (decoded != NULL ? decoded : path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (segments[i][0] == '\0' || !eb_router_segment_is_secret (segments, i))
        continue;
      g_free (segments[i]);
      segments[i] = g_strdup ("(redacted)");
      redacted = TRUE;
    }
  if (!redacted)
    return g_strdup (path);
  return g_strjoinv ("/", segments);
}

static gboolean
eb_router_is_api_path (const char *path)
{
  return g_str_has_prefix (path, "/api/") || strcmp (path, "/api") == 0
         || strcmp (path, "/healthz") == 0;
}

static void
eb_router_not_found (EbApiRequest *req)
{
  if (!eb_router_is_api_path (req->path) && req->settings->www_dir != NULL)
    {
      eb_static_serve (req);
      return;
    }
  eb_api_reply_problem (req, SOUP_STATUS_NOT_FOUND, "no such resource", NULL);
}

static gboolean
eb_router_authenticate (EbApiRequest *req, const EbRouteEntry *route)
{
  if (route->flags & EB_ROUTE_PUBLIC)
    return TRUE;
  /* Browsers cannot set headers on a WebSocket. */
  if (route->flags & EB_ROUTE_WEBSOCKET)
    return eb_auth_authenticate_with_query (req);
  return eb_auth_authenticate (req);
}

void
eb_router_dispatch (EbApiRequest *req)
{
  g_auto (GStrv) segments = g_strsplit (req->path, "/", -1);
  g_autofree char *secret = NULL;
  const EbRouteEntry *route;
  const char *path;

  path = eb_router_find_path (segments);
  if (path == NULL)
    {
      eb_router_not_found (req);
      return;
    }
  route = eb_router_find_method (req, path);
  if (route == NULL)
    return;
  if (route->flags & EB_ROUTE_PARTICIPANT)
    {
      /* The credential is checked against the path's session. */
      if (!eb_router_read_params (req, route, segments, &secret)
          || !eb_auth_authenticate_participant (req, req->ids[0]))
        return;
    }
  else if (!eb_router_authenticate (req, route)
           || !eb_router_read_params (req, route, segments, &secret))
    return;

  if (route->flags & EB_ROUTE_IDEMPOTENT)
    eb_idempotency_run (req, route->handler, (route->flags & EB_ROUTE_SECRET) != 0);
  else
    route->handler (req);

  if (soup_server_message_get_status (req->msg) == 0 && !(route->flags & EB_ROUTE_WEBSOCKET))
    {
      g_warning ("%s %s: the handler gave no answer", route->method, route->path);
      eb_api_reply_problem (req, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                            "the server failed to handle the request", NULL);
    }
  req->secret = NULL;
  req->resource = NULL;
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
}
