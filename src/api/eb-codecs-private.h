/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <eboard/eb-agenda.h>
#include <eboard/eb-calendar-feed.h>
#include <eboard/eb-person.h>
#include <eboard/eb-quorum.h>
#include <eboard/eb-recurrence.h>
#include <eboard/eb-roster.h>
#include <eboard/eb-session.h>
#include <eboard/eb-site.h>
#include <eboard/eb-token.h>

G_BEGIN_DECLS

/*
 * The JSON form of each resource (docs/API.md, "Objects"). The *_to_json()
 * functions return a new node (transfer full). The *_from_json() functions
 * read a request object onto an entity: with @create, the required fields
 * must be present and the entity starts from its defaults; without it
 * (PATCH), only the fields present change. They fail with EB_ERROR_INVALID
 * naming every wrong, missing, unknown or read-only field.
 */

JsonNode *eb_site_to_json (const EbSite *site);
gboolean eb_site_from_json (JsonObject *object, EbSite *site, gboolean create, GError **error);

JsonNode *eb_person_to_json (const EbPerson *person);
gboolean eb_person_from_json (JsonObject *object, EbPerson *person, gboolean create,
                              GError **error);

JsonNode *eb_session_to_json (const EbSession *session);
gboolean eb_session_from_json (JsonObject *object, EbSession *session, gboolean create,
                               GError **error);
JsonNode *eb_occurrence_to_json (const EbOccurrence *occurrence);
/* The body of `PUT /sessions/{id}/exceptions`. */
gboolean eb_occurrence_exception_from_json (JsonObject *object, EbOccurrenceException *exception,
                                            GError **error);

JsonNode *eb_roster_entry_to_json (const EbRosterEntry *entry);
gboolean eb_roster_entry_from_json (JsonObject *object, EbRosterEntry *entry, gboolean create,
                                    GError **error);
/* {"entry": {...}, "warnings": [...]} */
JsonNode *eb_roster_write_to_json (const EbRosterEntry *entry, GPtrArray *warnings);

JsonNode *eb_agenda_item_to_json (const EbAgendaItem *item);
gboolean eb_agenda_item_from_json (JsonObject *object, EbAgendaItem *item, gboolean create,
                                   GError **error);
/* The body of `POST /sessions/{id}/agenda/order`: (transfer full)
 * (element-type gint64). */
GArray *eb_agenda_order_from_json (JsonObject *object, GError **error);

/* @secret: (nullable): only in the answer that creates the token */
JsonNode *eb_token_to_json (const EbToken *token, const char *secret);

/**
 * EbTokenInput:
 *
 * The body of `POST /tokens`.
 */
typedef struct
{
  EbId person_id;
  EbRole role;
  char *label;
  gint64 expires_at;
} EbTokenInput;

gboolean eb_token_input_from_json (JsonObject *object, EbTokenInput *input, GError **error);
void eb_token_input_clear (EbTokenInput *input);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EbTokenInput, eb_token_input_clear)

/* {"person_id", "hint", "created_at"}; with @secret (only in the answer
 * that creates or rotates the feed) also "url", "secret" and "rotated". */
JsonNode *eb_calendar_feed_to_json (const EbCalendarFeed *feed, const char *url, const char *secret,
                                    gboolean rotated);

JsonNode *eb_quorum_report_to_json (EbId session_id, const char *const *required,
                                    const EbQuorumReport *report);

G_END_DECLS
