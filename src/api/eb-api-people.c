/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-api"

#include "eb-config.h"

#include <eboard/eb-specialty.h>

#include "eb-api-handlers-private.h"
#include "eb-codecs-private.h"

/* `site_id`, `specialty` and `active`. */
static gboolean
eb_api_read_person_filter (EbApiRequest *req, EbPersonFilter *filter)
{
  filter->specialty = eb_api_query (req, "specialty");
  if (filter->specialty != NULL && eb_specialty_lookup (filter->specialty) == NULL)
    {
      eb_api_reply_invalid (req, "specialty", "specialty must be a code from %s",
                            "/api/v1/specialties");
      return FALSE;
    }
  return eb_api_query_id (req, "site_id", &filter->site_id)
         && eb_api_query_bool (req, "active", &filter->active);
}

void
eb_api_people_list (EbApiRequest *req)
{
  g_autoptr (GPtrArray) people = NULL;
  g_autoptr (GError) error = NULL;
  EbPersonFilter filter = { 0 };
  EbPage page;
  guint total = 0;

  if (!eb_api_read_page (req, &page) || !eb_api_read_person_filter (req, &filter))
    return;
  people = eb_service_list_people (req->service, &req->principal, &filter, &page, &total, &error);
  if (people == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_list (req, people, (EbApiEncodeFunc)eb_person_to_json, total, &page);
}

void
eb_api_people_create (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = eb_api_read_object (req);
  g_autoptr (EbPerson) input = eb_person_new ();
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GError) error = NULL;

  if (body == NULL)
    return;
  if (!eb_person_from_json (body, input, TRUE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  person = eb_service_create_person (req->service, &req->principal, input, &error);
  if (person == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_set_location (req, "/api/v1/people/%" G_GINT64_FORMAT, person->id);
  eb_api_reply_entity (req, SOUP_STATUS_CREATED, eb_person_to_json (person), person->version);
}

void
eb_api_person_get (EbApiRequest *req)
{
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GError) error = NULL;

  person = eb_service_get_person (req->service, &req->principal, req->ids[0], &error);
  if (person == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_person_to_json (person), person->version);
}

void
eb_api_person_update (EbApiRequest *req)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (EbPerson) desired = NULL;
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match) || (body = eb_api_read_patch (req)) == NULL)
    return;
  desired = eb_service_get_person (req->service, &req->principal, req->ids[0], &error);
  if (desired == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  if (if_match != 0)
    desired->version = if_match;
  if (!eb_person_from_json (body, desired, FALSE, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  person = eb_service_update_person (req->service, &req->principal, desired, &error);
  if (person == NULL)
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_entity (req, SOUP_STATUS_OK, eb_person_to_json (person), person->version);
}

void
eb_api_person_delete (EbApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  gint64 if_match;

  if (!eb_api_read_if_match (req, &if_match))
    return;
  if (!eb_service_delete_person (req->service, &req->principal, req->ids[0], if_match, &error))
    {
      eb_api_reply_error (req, error);
      return;
    }
  eb_api_reply_no_content (req);
}
