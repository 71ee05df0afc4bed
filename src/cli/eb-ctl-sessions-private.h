/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "eb-ctl-private.h"

G_BEGIN_DECLS

/* Sessions and what belongs to them, one file each: eb-ctl-sessions.c
 * (sessions; the command table of them all), eb-ctl-recurrence.c,
 * eb-ctl-occurrences.c, eb-ctl-roster.c, eb-ctl-agenda.c, eb-ctl-quorum.c
 * and eb-ctl-calendars.c. */

/* --- eb-ctl-sessions.c --- */

extern const EbCtlColumn eb_ctl_session_fields[];

/* "/api/v1/sessions/ID" + @suffix, after checking the id. */
char *eb_ctl_session_path (const char *text, const char *suffix, GError **error);
/* "/api/v1/sessions/ID/@collection/CHILD", after checking both ids. */
char *eb_ctl_session_child_path (const char *session_text, const char *collection,
                                 const char *child_text, const char *what, GError **error);
/* Reads the session: its time zone is the one times are typed in. */
JsonObject *eb_ctl_fetch_session (EbCtl *ctl, const char *id_text, EbCtlReply **reply,
                                  GError **error);
/* An instant typed on the command line, as the API's UTC text. */
char *eb_ctl_parse_instant (const char *text, const char *tzid, gboolean end_of_day,
                            const char *what, GError **error);
/* Adds ?@key=<@text as UTC> to @path when @text is set. */
gboolean eb_ctl_path_add_instant (GString *path, const char *key, const char *text,
                                  const char *tzid, gboolean end_of_day, const char *option,
                                  GError **error);

/* --- eb-ctl-recurrence.c --- */

typedef struct
{
  gboolean weekly;
  gint every_weeks;
  gboolean monthly;
  gint count;
  char *until;
  gboolean last_weekday;
  gboolean none;
} EbCtlRecurrence;

void eb_ctl_recurrence_clear (EbCtlRecurrence *options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EbCtlRecurrence, eb_ctl_recurrence_clear)

/* clang-format off */
#define EB_CTL_RECURRENCE_ENTRIES(r) \
  { "weekly", 0, 0, G_OPTION_ARG_NONE, &(r).weekly, "Repeat every week", NULL }, \
  { "every-weeks", 0, 0, G_OPTION_ARG_INT, &(r).every_weeks, "Repeat every N weeks", "N" }, \
  { "monthly", 0, 0, G_OPTION_ARG_NONE, &(r).monthly, \
    "Repeat monthly on the start's weekday ordinal (e.g. the 2nd Tuesday)", NULL }, \
  { "count", 0, 0, G_OPTION_ARG_INT, &(r).count, "Stop after N occurrences", "N" }, \
  { "until", 0, 0, G_OPTION_ARG_STRING, &(r).until, \
    "Last day of the series (in the session's time zone)", "DATE" }, \
  { "last-weekday", 0, 0, G_OPTION_ARG_NONE, &(r).last_weekday, \
    "Monthly on the last such weekday of the month", NULL }
/* clang-format on */

gboolean eb_ctl_recurrence_given (const EbCtlRecurrence *r);
/* Adds "recurrence" to @builder from the options; @current is the
 * session's recurrence for an update (modifiers alone keep its frequency). */
gboolean eb_ctl_add_recurrence (JsonBuilder *builder, const EbCtlRecurrence *r, const char *tzid,
                                JsonObject *current, GError **error);
char *eb_ctl_format_recurrence (JsonObject *object, const char *member);

/* --- eb-ctl-occurrences.c --- */

char *eb_ctl_format_exceptions (JsonObject *object, const char *member);
gboolean eb_ctl_session_occurrences (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_session_skip (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_session_move (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_session_restore (EbCtl *ctl, GStrv *args, GError **error);

/* --- eb-ctl-roster.c --- */

gboolean eb_ctl_roster_list (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_roster_add (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_roster_update (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_roster_remove (EbCtl *ctl, GStrv *args, GError **error);

/* --- eb-ctl-agenda.c --- */

gboolean eb_ctl_agenda_list (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_agenda_add (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_agenda_update (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_agenda_remove (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_agenda_reorder (EbCtl *ctl, GStrv *args, GError **error);

/* --- eb-ctl-quorum.c and eb-ctl-calendars.c --- */

gboolean eb_ctl_quorum (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_session_ics (EbCtl *ctl, GStrv *args, GError **error);
gboolean eb_ctl_person_calendar (EbCtl *ctl, GStrv *args, GError **error);

G_END_DECLS
