/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

typedef enum
{
  EB_CASE_KIND_PROSPECTIVE,
  EB_CASE_KIND_RETROSPECTIVE,
} EbCaseKind;

const char *eb_case_kind_to_string (EbCaseKind kind);
gboolean eb_case_kind_from_string (const char *text, EbCaseKind *kind);

typedef enum
{
  EB_CASE_STATUS_PENDING,
  EB_CASE_STATUS_DISCUSSING,
  EB_CASE_STATUS_DISCUSSED,
  EB_CASE_STATUS_DEFERRED,
} EbCaseStatus;

const char *eb_case_status_to_string (EbCaseStatus status);
gboolean eb_case_status_from_string (const char *text, EbCaseStatus *status);

/**
 * EbAgendaItem:
 * @position: 1-based order within the session's agenda
 * @summary: de-identified case summary (see eb-deid.h)
 * @question: the question for the panel
 * @minutes: minutes allotted, 1..240
 * @recommendation: (nullable): the panel's recommendation
 */
typedef struct
{
  EbId id;
  EbId session_id;
  gint position;
  EbId presenting_site_id;
  EbId presenter_id;
  char *summary;
  char *question;
  gint minutes;
  EbCaseKind kind;
  EbCaseStatus status;
  char *recommendation;
  gint64 version;
  gint64 created_at;
  gint64 updated_at;
} EbAgendaItem;

EbAgendaItem *eb_agenda_item_new (void);
EbAgendaItem *eb_agenda_item_copy (const EbAgendaItem *item);
void eb_agenda_item_free (EbAgendaItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbAgendaItem, eb_agenda_item_free)

/* Field checks plus the de-identification guard on summary, question and
 * recommendation. */
gboolean eb_agenda_item_validate (const EbAgendaItem *item, GError **error);

G_END_DECLS
