/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-session.h>
#include <eboard/eb-site.h>
#include <eboard/eb-person.h>
#include <eboard/eb-roster.h>

G_BEGIN_DECLS

/**
 * EbIcsAttendee:
 *
 * ROLE comes from the roster role (chair: CHAIR, presenter and panelist:
 * REQ-PARTICIPANT, coordinator: OPT-PARTICIPANT, observer:
 * NON-PARTICIPANT), PARTSTAT from the invitation status.
 */
typedef struct
{
  const EbPerson *person;
  const EbRosterEntry *entry;
} EbIcsAttendee;

/**
 * EbIcsEvent:
 * @organizer_name: display name of the organiser
 * @organizer_email: e-mail of the organiser
 * @attendees: (element-type EbIcsAttendee): may be empty
 * @url: the session's link
 * @uid_domain: right-hand side of the UID, e.g. "eboard.example.org"
 *
 * What an invitation carries: title, focus, times, host site and link
 * only. Never case content: invitations travel through outside mail.
 */
typedef struct
{
  const EbSession *session;
  const EbSite *host_site;
  const char *organizer_name;
  const char *organizer_email;
  GPtrArray *attendees;
  const char *url;
  const char *uid_domain;
} EbIcsEvent;

/* (transfer full): a VCALENDAR (METHOD:REQUEST) with one VEVENT plus
 * RRULE, EXDATE and RECURRENCE-ID overrides, with VTIMEZONE. */
char *eb_ics_render_invitation (const EbIcsEvent *event, GError **error);

/* (transfer full): a subscribable VCALENDAR (METHOD:PUBLISH) holding all
 * @events (element-type EbIcsEvent), one VTIMEZONE per zone used. */
char *eb_ics_render_feed (const char *calendar_name, GPtrArray *events, GError **error);

G_END_DECLS
