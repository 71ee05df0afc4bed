/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <eboard/eb-types.h>
#include <eboard/eb-site.h>
#include <eboard/eb-person.h>
#include <eboard/eb-session.h>
#include <eboard/eb-roster.h>
#include <eboard/eb-agenda.h>
#include <eboard/eb-token.h>
#include <eboard/eb-calendar-feed.h>
#include <eboard/eb-recording.h>
#include <eboard/eb-timeline.h>

G_BEGIN_DECLS

/*
 * EbStore: the SQLite store (WAL, foreign keys, busy timeout, versioned
 * migrations from data/sql/). Every repository call runs in the current
 * transaction if one is open (eb_store_transaction_begin()), else in its
 * own. Errors: EB_ERROR_NOT_FOUND, EB_ERROR_CONFLICT (uniqueness or a
 * foreign key), EB_ERROR_STALE (version mismatch on update), EB_ERROR_FAILED.
 *
 * Updates take the entity with its @version set to the version the caller
 * read: the row is written only if it still has that version, and the
 * entity comes back with the new version and updated_at.
 */
#define EB_TYPE_STORE (eb_store_get_type ())
G_DECLARE_FINAL_TYPE (EbStore, eb_store, EB, STORE, GObject)

/* Opens (creating if needed) the database file and applies pending
 * migrations from @migrations_dir (NULL: the built-in ones). */
EbStore *eb_store_open (const char *path, const char *migrations_dir, GError **error);
gint eb_store_get_schema_version (EbStore *self);
/* Closes the database cleanly (checkpointing the WAL); later calls fail. */
void eb_store_close (EbStore *self);

typedef struct _EbTransaction EbTransaction;
/* BEGIN IMMEDIATE; nesting is an error. */
EbTransaction *eb_store_transaction_begin (EbStore *self, GError **error);
gboolean eb_transaction_commit (EbTransaction *tx, GError **error);
/* Rolls back unless committed. */
void eb_transaction_free (EbTransaction *tx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbTransaction, eb_transaction_free)

/* --- sites --- */
gboolean eb_store_site_insert (EbStore *self, EbSite *site, GError **error);
EbSite *eb_store_site_get (EbStore *self, EbId id, GError **error);
/* (transfer full) (nullable): NULL with no error when there is no hub. */
EbSite *eb_store_site_get_hub (EbStore *self, GError **error);
GPtrArray *eb_store_site_list (EbStore *self, const EbPage *page, guint *total, GError **error);
gboolean eb_store_site_update (EbStore *self, EbSite *site, GError **error);
gboolean eb_store_site_delete (EbStore *self, EbId id, GError **error);

/* --- people --- */
typedef struct
{
  EbId site_id;          /* 0: any */
  const char *specialty; /* NULL: any */
  gint active;           /* -1: any, 0, 1 */
} EbPersonFilter;

gboolean eb_store_person_insert (EbStore *self, EbPerson *person, GError **error);
EbPerson *eb_store_person_get (EbStore *self, EbId id, GError **error);
GPtrArray *eb_store_person_list (EbStore *self, const EbPersonFilter *filter, const EbPage *page,
                                 guint *total, GError **error);
/* (element-type EbPerson): the people with these ids, in any order. */
GPtrArray *eb_store_person_get_many (EbStore *self, const EbId *ids, guint n_ids, GError **error);
gboolean eb_store_person_update (EbStore *self, EbPerson *person, GError **error);
gboolean eb_store_person_delete (EbStore *self, EbId id, GError **error);

/* --- sessions (with their recurrence and exceptions) --- */
typedef struct
{
  gint64 from;       /* 0: any; else sessions with an occurrence possibly ending after */
  gint64 to;         /* 0: any; else sessions with an occurrence possibly starting before
                      * (series_start: the start, or a moved occurrence's earlier new start) */
  gint state;        /* -1: any, else an EbSessionState */
  EbId person_id;    /* 0: any; else only sessions this person is on the roster of */
  EbId host_site_id; /* 0: any */
} EbSessionFilter;

gboolean eb_store_session_insert (EbStore *self, EbSession *session, GError **error);
EbSession *eb_store_session_get (EbStore *self, EbId id, GError **error);
GPtrArray *eb_store_session_list (EbStore *self, const EbSessionFilter *filter, const EbPage *page,
                                  guint *total, GError **error);
/* Writes the scalar fields, the recurrence and replaces the exceptions. */
gboolean eb_store_session_update (EbStore *self, EbSession *session, GError **error);
gboolean eb_store_session_delete (EbStore *self, EbId id, GError **error);

/* --- roster --- */
gboolean eb_store_roster_insert (EbStore *self, EbRosterEntry *entry, GError **error);
EbRosterEntry *eb_store_roster_get (EbStore *self, EbId id, GError **error);
/* (nullable): NULL with no error when the person is not on the roster. */
EbRosterEntry *eb_store_roster_find (EbStore *self, EbId session_id, EbId person_id,
                                     GError **error);
GPtrArray *eb_store_roster_list (EbStore *self, EbId session_id, GError **error);
gboolean eb_store_roster_update (EbStore *self, EbRosterEntry *entry, GError **error);
gboolean eb_store_roster_delete (EbStore *self, EbId id, GError **error);

/**
 * EbJoinMarks:
 * @revoked_at_us: the last revocation of the member's join credentials
 *   (every one issued at or before it is refused), Unix microseconds, 0:
 *   never
 * @issued_at_us: the last join credential issued to the member, 0: none
 *
 * When a roster member's join credentials were last revoked and issued.
 */
typedef struct
{
  gint64 revoked_at_us;
  gint64 issued_at_us;
} EbJoinMarks;

/* EB_ERROR_NOT_FOUND when entry @id does not exist. */
gboolean eb_store_roster_get_join_marks (EbStore *self, EbId id, EbJoinMarks *marks,
                                         GError **error);
gboolean eb_store_roster_set_join_revoked (EbStore *self, EbId id, gint64 at_us, GError **error);
gboolean eb_store_roster_set_join_issued (EbStore *self, EbId id, gint64 at_us, GError **error);

/**
 * EbPersonSession:
 *
 * One session a person is on the roster of, with their entry.
 */
typedef struct
{
  EbSession *session;
  EbRosterEntry *entry;
} EbPersonSession;

void eb_person_session_free (EbPersonSession *ps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbPersonSession, eb_person_session_free)

/**
 * eb_store_person_sessions:
 * @from: only series that may still have an occurrence ending after
 *   @from (0: any)
 * @to: only series starting before @to (0: any)
 * @exclusive_only: only entries whose role is chair or presenter
 *
 * Not cancelled sessions the person is on the roster of, through an
 * index on (person_id) and the series' [start, series_end) columns: this
 * is the conflict check's and the calendar feed's query.
 *
 * Returns: (transfer full) (element-type EbPersonSession)
 */
GPtrArray *eb_store_person_sessions (EbStore *self, EbId person_id, gint64 from, gint64 to,
                                     gboolean exclusive_only, GError **error);

/* --- agenda --- */
/* Appends at the end (position = last + 1). */
gboolean eb_store_agenda_insert (EbStore *self, EbAgendaItem *item, GError **error);
EbAgendaItem *eb_store_agenda_get (EbStore *self, EbId id, GError **error);
/* Ordered by position. */
GPtrArray *eb_store_agenda_list (EbStore *self, EbId session_id, GError **error);
gboolean eb_store_agenda_update (EbStore *self, EbAgendaItem *item, GError **error);
/* Deletes and closes the gap in positions. */
gboolean eb_store_agenda_delete (EbStore *self, EbId id, GError **error);
/* @ids must be exactly the session's items, each once: EB_ERROR_INVALID
 * otherwise. Positions become 1..n in that order. */
gboolean eb_store_agenda_reorder (EbStore *self, EbId session_id, const EbId *ids, guint n_ids,
                                  GError **error);
gint eb_store_agenda_total_minutes (EbStore *self, EbId session_id, GError **error);

/* --- tokens --- */
gboolean eb_store_token_insert (EbStore *self, EbToken *token, const char *secret_hash,
                                GError **error);
/* (nullable): NULL with no error when no token has this hash. */
EbToken *eb_store_token_find_by_hash (EbStore *self, const char *secret_hash, GError **error);
EbToken *eb_store_token_get (EbStore *self, EbId id, GError **error);
GPtrArray *eb_store_token_list (EbStore *self, EbId person_id, const EbPage *page, guint *total,
                                GError **error);
gboolean eb_store_token_revoke (EbStore *self, EbId id, gint64 now, GError **error);
gint64 eb_store_token_count (EbStore *self, GError **error);

/* --- secret calendar feed URLs (eb-store-calendar-feeds.c) --- */
/* Creates the person's feed or replaces its secret (@replaced: whether
 * one existed); EB_ERROR_CONFLICT when the person does not exist. */
gboolean eb_store_calendar_feed_put (EbStore *self, EbCalendarFeed *feed, gboolean *replaced,
                                     GError **error);
/* EB_ERROR_NOT_FOUND when the person has no feed. */
EbCalendarFeed *eb_store_calendar_feed_get (EbStore *self, EbId person_id, GError **error);
/* (nullable): NULL with no error when no feed has this hash. */
EbCalendarFeed *eb_store_calendar_feed_find_by_hash (EbStore *self, const char *secret_hash,
                                                     GError **error);
/* EB_ERROR_NOT_FOUND when the person has no feed. */
gboolean eb_store_calendar_feed_delete (EbStore *self, EbId person_id, GError **error);

/* --- idempotency keys --- */
/**
 * EbIdempotentReply:
 * @request_hash: hex SHA-256 of method, path and body of the first request
 * @status: HTTP status of the first reply
 * @body: its body
 *
 * The reply remembered for an Idempotency-Key of one token.
 */
typedef struct
{
  char *request_hash;
  guint status;
  char *content_type;
  char *location;
  GBytes *body;
} EbIdempotentReply;

void eb_idempotent_reply_free (EbIdempotentReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbIdempotentReply, eb_idempotent_reply_free)

/* (nullable): NULL with no error when unknown or older than 24 h. */
EbIdempotentReply *eb_store_idempotency_get (EbStore *self, EbId token_id, const char *key,
                                             GError **error);
gboolean eb_store_idempotency_put (EbStore *self, EbId token_id, const char *key,
                                   const EbIdempotentReply *reply, GError **error);

/* --- recordings (eb-store-recordings.c) --- */
typedef struct
{
  EbId session_id; /* 0: any */
  EbId person_id;  /* 0: any; else only sessions this person is on the roster of */
  gint state;      /* -1: any, else an EbRecordingState */
} EbRecordingFilter;

/* Inserts the recording with its tracks and their segments; sets the ids
 * and created_at/updated_at. A track's summary fields are stored as given
 * (see eb_recording_track_summarize()). */
gboolean eb_store_recording_insert (EbStore *self, EbRecording *recording, GError **error);
/* With its tracks (by name) and their segments (by seq). */
EbRecording *eb_store_recording_get (EbStore *self, EbId id, GError **error);
/* (nullable): the session's latest recording, NULL with no error when it
 * has none. */
EbRecording *eb_store_recording_find_by_session (EbStore *self, EbId session_id, GError **error);
/* Ordered by started_at_us, id; each with its tracks and segments. */
GPtrArray *eb_store_recording_list (EbStore *self, const EbRecordingFilter *filter,
                                    const EbPage *page, guint *total, GError **error);
/* Writes state, started_at_us and ended_at_us and replaces every track and
 * segment with @recording's (track ids are set). */
gboolean eb_store_recording_update (EbStore *self, EbRecording *recording, GError **error);
/* As a segment closes: finds the track by @track->name in the recording
 * (creating it from @track's fields, without its segments, when new),
 * appends @segment (its @seq, when 0, becomes the track's next) and
 * updates the track's summary. @track->id is set. */
gboolean eb_store_recording_append_segment (EbStore *self, EbId recording_id,
                                            EbRecordingTrack *track, EbRecordingSegment *segment,
                                            GError **error);

/* --- timeline and attendance (eb-store-timeline.c) --- */
/* Sets @event->id. */
gboolean eb_store_timeline_insert (EbStore *self, EbTimelineEvent *event, GError **error);
/* (element-type EbTimelineEvent): ordered by at_us, id. */
GPtrArray *eb_store_timeline_list (EbStore *self, EbId session_id, const EbPage *page, guint *total,
                                   GError **error);

/* Opens a span (left_at_us 0); sets @span->id. */
gboolean eb_store_attendance_open (EbStore *self, EbAttendanceSpan *span, GError **error);
/* Closes the person's latest open span at @left_at_us: EB_ERROR_NOT_FOUND
 * when they have none. */
gboolean eb_store_attendance_close (EbStore *self, EbId session_id, EbId person_id,
                                    gint64 left_at_us, GError **error);
/* Closes every open span of the session at @left_at_us (session end,
 * recovery); *@n_closed (optional) says how many. */
gboolean eb_store_attendance_close_all (EbStore *self, EbId session_id, gint64 left_at_us,
                                        guint *n_closed, GError **error);
/* (element-type EbAttendanceSpan): ordered by joined_at_us, id. */
GPtrArray *eb_store_attendance_list (EbStore *self, EbId session_id, GError **error);

/* --- audit trail (eb-store-timeline.c) --- */
/**
 * EbAuditEntry:
 * @at: Unix seconds
 * @token_id: the caller's token, or 0
 * @person_id: the caller's person, or 0
 * @action: e.g. "recording.read"
 * @object_type: (nullable): e.g. "recording"
 * @object_id: or 0
 * @detail: (nullable)
 *
 * One line of the audit trail.
 */
typedef struct
{
  EbId id;
  gint64 at;
  EbId token_id;
  EbId person_id;
  char *action;
  char *object_type;
  EbId object_id;
  char *detail;
} EbAuditEntry;

void eb_audit_entry_free (EbAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbAuditEntry, eb_audit_entry_free)

/* Sets @entry->id and, when 0, @entry->at (now). */
gboolean eb_store_audit_insert (EbStore *self, EbAuditEntry *entry, GError **error);
/* (element-type EbAuditEntry): newest last (by id); @object_type NULL and
 * @object_id 0 match any. */
GPtrArray *eb_store_audit_list (EbStore *self, const char *object_type, EbId object_id,
                                const EbPage *page, guint *total, GError **error);

G_END_DECLS
