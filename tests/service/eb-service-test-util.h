/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include <eboard/eb-service.h>

G_BEGIN_DECLS

/* The time zone of the sites and sessions the set-up makes. */
#define EB_SERVICE_TEST_TIMEZONE "America/New_York"

/*
 * Set-up shared by the service tests: a store in a folder of its own,
 * sites, people, roster entries and principals made through the service,
 * and a live service over a real media plane.
 */

/* A new folder in the temporary folder, named after @tmpl (which ends in
 * XXXXXX); (transfer full). */
char *eb_service_test_make_dir (const char *tmpl);

/* A new store at @db_path; (transfer full). */
EbStore *eb_service_test_open_store (const char *db_path);

/* A new store "eboard.db" in a new folder named after @tmpl; @dir: (out)
 * (transfer full): the folder. */
EbStore *eb_service_test_open_store_in (const char *tmpl, char **dir);

/* Drops @service and closes and drops @store (either may be NULL). */
void eb_service_test_close (EbService **service, EbStore **store);

/* Removes the folder @path and all below it, asserting that every removal
 * succeeds. */
void eb_service_test_remove_tree (const char *path);

/* Removes @path, a file or a folder and all below it, whatever is left. */
void eb_service_test_rm_rf (const char *path);

EbPrincipal eb_service_test_principal (EbId token_id, EbId person_id, EbRole role);

/* An active site; returns its id. */
EbId eb_service_test_add_site (EbService *service, const EbPrincipal *who, const char *name,
                               const char *code, const char *timezone, gboolean hub);

/* An active person; returns its id. */
EbId eb_service_test_add_person (EbService *service, const EbPrincipal *who, const char *name,
                                 const char *email, const char *specialty, EbId site_id);

/* Sets whether @person_id is active; returns whether the updated person
 * is. */
gboolean eb_service_test_set_person_active (EbService *service, const EbPrincipal *who,
                                            EbId person_id, gboolean active);

/* Sets the status of @site_id; returns the updated site's. */
EbSiteStatus eb_service_test_set_site_status (EbService *service, const EbPrincipal *who,
                                              EbId site_id, EbSiteStatus status);

/* Puts @person_id on the roster of @session_id, with the invitation
 * accepted when @accepted; (transfer full): the entry. */
EbRosterEntry *eb_service_test_add_entry (EbService *service, const EbPrincipal *who,
                                          EbId session_id, EbId person_id, EbRosterRole role,
                                          gboolean accepted);

/* A new live-session folder named after @tmpl, with a "recordings" folder
 * in it; @db_path, @recordings_dir: (out) (transfer full). */
char *eb_service_test_make_live_dir (const char *tmpl, char **db_path, char **recordings_dir);

/* A media plane recording into @recordings_dir on loopback, with two-second
 * segments, started when @listen; (transfer full). */
EbMediaPlane *eb_service_test_new_media_plane (const char *recordings_dir, const guint8 *key,
                                               gsize key_length, gboolean listen);

/* Opens the store at @db_path into @store and a service over it with
 * @media, @key and @live, whose "session-event" emissions are copied into
 * @events (element-type EbTimelineEvent); (transfer full): the service. */
EbService *eb_service_test_open_live (const char *db_path, EbStore **store, EbMediaPlane *media,
                                      const guint8 *key, gsize key_length,
                                      const EbLiveSettings *live, GPtrArray *events);

/* An asynchronous call's result, waited for while the default main
 * context runs: start with { g_main_loop_new (NULL, FALSE), NULL } and pass
 * eb_service_test_waiter_done with the waiter as the call's callback. */
typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} EbServiceTestWaiter;

void eb_service_test_waiter_done (GObject *source, GAsyncResult *result, gpointer user_data);

/* Runs the default main context until @w has its result; fails the test
 * after @timeout_seconds. */
void eb_service_test_waiter_wait (EbServiceTestWaiter *w, guint timeout_seconds);

void eb_service_test_waiter_clear (EbServiceTestWaiter *w);

/* Waits for @process to exit, asserting that waiting succeeds, while the
 * default main context runs; fails the test after @timeout_seconds. */
void eb_service_test_wait_process (GSubprocess *process, guint timeout_seconds);

/* Runs the default main context for @ms milliseconds. */
void eb_service_test_run_main_loop_for (guint ms);

/* Whether ffmpeg is installed; when it is not, marks the test skipped. */
gboolean eb_service_test_require_ffmpeg (void);

/* Runs ffmpeg, with @flags, sending @seconds of 640x360 H.264 + AAC in
 * MPEG-TS to @url; (transfer full). */
GSubprocess *eb_service_test_spawn_publisher (GSubprocessFlags flags, const char *url, gint seconds,
                                              GError **error);

/*
 * A live session's set-up: a folder with the store and a "recordings"
 * folder, a service over a media plane, the people taking part and the
 * events the service emitted. Sites are in America/New_York.
 */
typedef struct
{
  char *dir;
  char *db_path;
  char *recordings_dir;
  EbStore *store;
  EbService *service;
  EbMediaPlane *media;
  /* "session-event" emissions (element-type EbTimelineEvent) */
  GPtrArray *events;
  EbPrincipal admin;
  EbPrincipal coordinator;
  EbPrincipal chair;
  EbPrincipal panelist;
  EbId hub_id;
  EbId member_id;
  EbId session_id;
  guint n_people;
} EbServiceTestLive;

/* Makes the folder of @l, named after @tmpl, its event list and its admin
 * (token 1, no person); the service is not open yet. */
void eb_service_test_live_init (EbServiceTestLive *l, const char *tmpl);

/* Opens the store and the service of @l, over its media plane. */
void eb_service_test_live_open (EbServiceTestLive *l, const guint8 *key, gsize key_length,
                                const EbLiveSettings *live);

/* Closes and drops all that @l holds and removes its folder. */
void eb_service_test_live_clear (EbServiceTestLive *l);

/* An active site "Site @code", made by the admin; returns its id. */
EbId eb_service_test_live_add_site (EbServiceTestLive *l, const char *code, gboolean hub);

/* An active person with an e-mail address of their own, made by the
 * admin; returns its id. */
EbId eb_service_test_live_add_person (EbServiceTestLive *l, const char *name, const char *specialty,
                                      EbId site_id);

/* Puts @person_id on the roster of @session_id, by the coordinator;
 * returns the entry's id. */
EbId eb_service_test_live_add_entry (EbServiceTestLive *l, EbId session_id, EbId person_id,
                                     EbRosterRole role);

/* A draft session titled @title, hosted by the hub, of an hour from
 * @start, made by the coordinator; returns its id. */
EbId eb_service_test_live_create_session (EbServiceTestLive *l, const char *title, gint64 start);

/* Moves the draft @session_id to scheduled, by the coordinator. */
void eb_service_test_live_schedule_session (EbServiceTestLive *l, EbId session_id);

/* Starts @session_id, by the coordinator, asserting that it goes live;
 * (transfer full): the live session. */
EbSession *eb_service_test_live_start_session (EbServiceTestLive *l, EbId session_id);

/* Ends @session_id as @who and waits for the answer; @cancellable is
 * cancelled right after the call when @cancel. */
EbSession *eb_service_test_live_end_session (EbServiceTestLive *l, const EbPrincipal *who,
                                             EbId session_id, gint64 expected_version,
                                             GCancellable *cancellable, gboolean cancel,
                                             EbRecording **recording, GError **error);

/* Whether the service emitted an event of @kind (of @person_id, or of
 * anyone when 0). */
gboolean eb_service_test_live_has_event (EbServiceTestLive *l, EbTimelineKind kind, EbId person_id);

/* Raises a media plane event of the session of @l, as the plane would. */
void eb_service_test_live_emit (EbServiceTestLive *l, EbMediaEventKind kind, gint64 at,
                                EbId person_id, const char *track, const char *detail,
                                const char *segment_path, EbRecordedSegment *segment);

/* Appends to @out the line a recording manifest on disk has for one
 * H.264 + AAC 320x240 segment; returns @out. */
GString *eb_service_test_append_manifest_line (GString *out, const char *track, EbId person_id,
                                               const char *file, gint64 start_offset_us,
                                               gint64 duration_us, guint64 size,
                                               const char *sha256);

G_END_DECLS
