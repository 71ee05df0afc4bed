/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <libsoup/soup.h>

#include "eb-json-codec-private.h"
#include "eb-problem-private.h"

/* The one table from error codes to HTTP statuses (docs/API.md,
 * "Errors"). */
static const struct
{
  EbError code;
  guint status;
} error_statuses[] = {
  { EB_ERROR_FAILED, SOUP_STATUS_INTERNAL_SERVER_ERROR },
  { EB_ERROR_INVALID, SOUP_STATUS_BAD_REQUEST },
  { EB_ERROR_NOT_FOUND, SOUP_STATUS_NOT_FOUND },
  { EB_ERROR_CONFLICT, SOUP_STATUS_CONFLICT },
  { EB_ERROR_STALE, SOUP_STATUS_PRECONDITION_FAILED },
  { EB_ERROR_FORBIDDEN, SOUP_STATUS_FORBIDDEN },
  { EB_ERROR_UNAUTHENTICATED, SOUP_STATUS_UNAUTHORIZED },
  { EB_ERROR_RULE_VIOLATED, SOUP_STATUS_UNPROCESSABLE_ENTITY },
  { EB_ERROR_UNAVAILABLE, SOUP_STATUS_SERVICE_UNAVAILABLE },
  { EB_ERROR_TOO_LARGE, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE },
};

/* The `type` slug and `title` of each status the API answers with. */
static const struct
{
  guint status;
  const char *slug;
  const char *title;
} problem_types[] = {
  { SOUP_STATUS_BAD_REQUEST, "invalid-request", "Invalid request" },
  { SOUP_STATUS_UNAUTHORIZED, "unauthenticated", "Authentication required" },
  { SOUP_STATUS_FORBIDDEN, "forbidden", "Forbidden" },
  { SOUP_STATUS_NOT_FOUND, "not-found", "Not found" },
  { SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed" },
  { SOUP_STATUS_CONFLICT, "conflict", "Conflict" },
  { SOUP_STATUS_PRECONDITION_FAILED, "stale", "Precondition failed" },
  { SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", "Request body too large" },
  { SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type" },
  { SOUP_STATUS_UNPROCESSABLE_ENTITY, "rule-violated", "Business rule violated" },
  { EB_STATUS_UPGRADE_REQUIRED, "upgrade-required", "Upgrade required" },
  { SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal-error", "Internal error" },
  { SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable", "Service unavailable" },
};

guint
eb_problem_status_for_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, SOUP_STATUS_INTERNAL_SERVER_ERROR);

  if (error->domain != EB_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;
  for (guint i = 0; i < G_N_ELEMENTS (error_statuses); i++)
    {
      if ((gint)error_statuses[i].code == error->code)
        return error_statuses[i].status;
    }
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

JsonNode *
eb_problem_new (guint status, const char *detail, GPtrArray *violations)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *type = NULL;
  const char *slug = "error";
  const char *title = soup_status_get_phrase (status);

  for (guint i = 0; i < G_N_ELEMENTS (problem_types); i++)
    {
      if (problem_types[i].status == status)
        {
          slug = problem_types[i].slug;
          title = problem_types[i].title;
          break;
        }
    }
  type = g_strconcat (EB_PROBLEM_TYPE_BASE, slug, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title != NULL ? title : "Error");
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail != NULL ? detail : title);
  if (violations != NULL && violations->len > 0)
    {
      json_builder_set_member_name (builder, "violations");
      json_builder_add_value (builder, eb_json_violations (violations));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
eb_problem_from_error (const GError *error)
{
  guint status = eb_problem_status_for_error (error);

  if (status >= 500)
    {
      /* Internal messages name files and SQL; they stay in the log. */
      g_warning ("internal error: %s", error->message);
      return eb_problem_new (status,
                             status == SOUP_STATUS_SERVICE_UNAVAILABLE
                                 ? "the service cannot do this now"
                                 : "the server failed to handle the request",
                             NULL);
    }
  return eb_problem_new (status, error->message, eb_error_get_violations (error));
}
