/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include "eb-service-test-util.h"

#include <glib/gstdio.h>

char *
eb_service_test_make_dir (const char *tmpl)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

EbStore *
eb_service_test_open_store (const char *db_path)
{
  g_autoptr (GError) error = NULL;
  EbStore *store = eb_store_open (db_path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

EbStore *
eb_service_test_open_store_in (const char *tmpl, char **dir)
{
  g_autofree char *path = NULL;

  *dir = eb_service_test_make_dir (tmpl);
  path = g_build_filename (*dir, "eboard.db", NULL);
  return eb_service_test_open_store (path);
}

void
eb_service_test_close (EbService **service, EbStore **store)
{
  g_clear_object (service);
  if (*store != NULL)
    eb_store_close (*store);
  g_clear_object (store);
}

void
eb_service_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        eb_service_test_remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

void
eb_service_test_rm_rf (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      eb_service_test_rm_rf (child);
    }
  g_rmdir (path);
}

EbPrincipal
eb_service_test_principal (EbId token_id, EbId person_id, EbRole role)
{
  EbPrincipal who = { token_id, person_id, role };

  return who;
}

EbId
eb_service_test_add_site (EbService *service, const EbPrincipal *who, const char *name,
                          const char *code, const char *timezone, gboolean hub)
{
  g_autoptr (EbSite) input = eb_site_new ();
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) error = NULL;

  input->name = g_strdup (name);
  input->code = g_strdup (code);
  input->timezone = g_strdup (timezone);
  input->status = EB_SITE_STATUS_ACTIVE;
  input->is_hub = hub;
  site = eb_service_create_site (service, who, input, &error);
  g_assert_no_error (error);
  return site->id;
}

EbId
eb_service_test_add_person (EbService *service, const EbPrincipal *who, const char *name,
                            const char *email, const char *specialty, EbId site_id)
{
  g_autoptr (EbPerson) input = eb_person_new ();
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (GError) error = NULL;

  input->name = g_strdup (name);
  input->email = g_strdup (email);
  input->specialty = g_strdup (specialty);
  input->home_site_id = site_id;
  input->active = TRUE;
  person = eb_service_create_person (service, who, input, &error);
  g_assert_no_error (error);
  return person->id;
}

gboolean
eb_service_test_set_person_active (EbService *service, const EbPrincipal *who, EbId person_id,
                                   gboolean active)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbPerson) person = eb_service_get_person (service, who, person_id, &error);
  g_autoptr (EbPerson) updated = NULL;

  g_assert_no_error (error);
  person->active = active;
  updated = eb_service_update_person (service, who, person, &error);
  g_assert_no_error (error);
  return updated->active;
}

EbSiteStatus
eb_service_test_set_site_status (EbService *service, const EbPrincipal *who, EbId site_id,
                                 EbSiteStatus status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSite) site = eb_service_get_site (service, who, site_id, &error);
  g_autoptr (EbSite) updated = NULL;

  g_assert_no_error (error);
  site->status = status;
  updated = eb_service_update_site (service, who, site, &error);
  g_assert_no_error (error);
  return updated->status;
}

EbRosterEntry *
eb_service_test_add_entry (EbService *service, const EbPrincipal *who, EbId session_id,
                           EbId person_id, EbRosterRole role, gboolean accepted)
{
  g_autoptr (EbRosterEntry) input = eb_roster_entry_new ();
  g_autoptr (GError) error = NULL;
  EbRosterEntry *entry;

  input->session_id = session_id;
  input->person_id = person_id;
  input->role = role;
  if (accepted)
    input->status = EB_INVITATION_ACCEPTED;
  entry = eb_service_add_roster_entry (service, who, input, NULL, &error);
  g_assert_no_error (error);
  return entry;
}

char *
eb_service_test_make_live_dir (const char *tmpl, char **db_path, char **recordings_dir)
{
  char *dir = eb_service_test_make_dir (tmpl);

  *db_path = g_build_filename (dir, "eboard.db", NULL);
  *recordings_dir = g_build_filename (dir, "recordings", NULL);
  g_assert_cmpint (g_mkdir (*recordings_dir, 0700), ==, 0);
  return dir;
}

EbMediaPlane *
eb_service_test_new_media_plane (const char *recordings_dir, const guint8 *key, gsize key_length,
                                 gboolean listen)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbMediaPlane) media = NULL;
  EbMediaSettings settings = {
    .pipelines_dir = EB_SOURCE_PIPELINESDIR,
    .recordings_dir = recordings_dir,
    .srt_address = "127.0.0.1",
    .srt_port = 0,
    .segment_seconds = 2,
    .subscriber_queue_bytes = 0,
    .credential_key = key,
    .credential_key_length = key_length,
  };

  media = eb_media_plane_new (&settings, &error);
  g_assert_no_error (error);
  if (listen)
    {
      g_assert_true (eb_media_plane_start (media, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&media);
}

static void
on_session_event (EbService *service, EbTimelineEvent *event, gpointer user_data)
{
  GPtrArray *events = user_data;

  g_ptr_array_add (events, eb_timeline_event_copy (event));
}

EbService *
eb_service_test_open_live (const char *db_path, EbStore **store, EbMediaPlane *media,
                           const guint8 *key, gsize key_length, const EbLiveSettings *live,
                           GPtrArray *events)
{
  EbServiceSettings settings
      = { NULL, "http://127.0.0.1:9/", "board@test.invalid", "test.eboard.invalid" };
  EbService *service;

  *store = eb_service_test_open_store (db_path);
  service = eb_service_new (*store, &settings);
  eb_service_set_media_plane (service, media, key, key_length, live);
  g_signal_connect (service, "session-event", G_CALLBACK (on_session_event), events);
  return service;
}

void
eb_service_test_waiter_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbServiceTestWaiter *w = user_data;

  w->result = g_object_ref (result);
  g_main_loop_quit (w->loop);
}

static gboolean
waiter_timeout (gpointer user_data)
{
  g_error ("waited too long");
  return G_SOURCE_REMOVE;
}

void
eb_service_test_waiter_wait (EbServiceTestWaiter *w, guint timeout_seconds)
{
  guint timeout = g_timeout_add_seconds (timeout_seconds, waiter_timeout, NULL);

  if (w->result == NULL)
    g_main_loop_run (w->loop);
  g_source_remove (timeout);
}

void
eb_service_test_waiter_clear (EbServiceTestWaiter *w)
{
  g_clear_object (&w->result);
  g_clear_pointer (&w->loop, g_main_loop_unref);
}

void
eb_service_test_wait_process (GSubprocess *process, guint timeout_seconds)
{
  EbServiceTestWaiter w = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr (GError) error = NULL;

  g_subprocess_wait_async (process, NULL, eb_service_test_waiter_done, &w);
  eb_service_test_waiter_wait (&w, timeout_seconds);
  g_assert_true (g_subprocess_wait_finish (process, w.result, &error));
  g_assert_no_error (error);
  eb_service_test_waiter_clear (&w);
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
eb_service_test_run_main_loop_for (guint ms)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_loop, loop);
  g_main_loop_run (loop);
}

gboolean
eb_service_test_require_ffmpeg (void)
{
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");

  if (ffmpeg == NULL)
    g_test_skip ("ffmpeg is not installed");
  return ffmpeg != NULL;
}

GSubprocess *
eb_service_test_spawn_publisher (GSubprocessFlags flags, const char *url, gint seconds,
                                 GError **error)
{
  g_autofree char *duration = g_strdup_printf ("%d", seconds);

  return g_subprocess_new (flags, error, "ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                           "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi",
                           "-i", "sine=frequency=440", "-t", duration, "-c:v", "libx264", "-preset",
                           "ultrafast", "-tune", "zerolatency", "-g", "25", "-pix_fmt", "yuv420p",
                           "-c:a", "aac", "-f", "mpegts", url, NULL);
}

void
eb_service_test_live_init (EbServiceTestLive *l, const char *tmpl)
{
  l->dir = eb_service_test_make_live_dir (tmpl, &l->db_path, &l->recordings_dir);
  l->events = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_timeline_event_free);
  l->admin = eb_service_test_principal (1, 0, EB_ROLE_ADMIN);
}

void
eb_service_test_live_open (EbServiceTestLive *l, const guint8 *key, gsize key_length,
                           const EbLiveSettings *live)
{
  l->service = eb_service_test_open_live (l->db_path, &l->store, l->media, key, key_length, live,
                                          l->events);
}

void
eb_service_test_live_clear (EbServiceTestLive *l)
{
  eb_service_test_close (&l->service, &l->store);
  g_clear_object (&l->media);
  g_clear_pointer (&l->events, g_ptr_array_unref);
  eb_service_test_rm_rf (l->dir);
  g_clear_pointer (&l->recordings_dir, g_free);
  g_clear_pointer (&l->db_path, g_free);
  g_clear_pointer (&l->dir, g_free);
}

EbId
eb_service_test_live_add_site (EbServiceTestLive *l, const char *code, gboolean hub)
{
  g_autofree char *name = g_strdup_printf ("Site %s", code);

  return eb_service_test_add_site (l->service, &l->admin, name, code, EB_SERVICE_TEST_TIMEZONE,
                                   hub);
}

EbId
eb_service_test_live_add_person (EbServiceTestLive *l, const char *name, const char *specialty,
                                 EbId site_id)
{
  g_autofree char *email = g_strdup_printf ("person%u@example.org", ++l->n_people);

  return eb_service_test_add_person (l->service, &l->admin, name, email, specialty, site_id);
}

EbId
eb_service_test_live_add_entry (EbServiceTestLive *l, EbId session_id, EbId person_id,
                                EbRosterRole role)
{
  g_autoptr (EbRosterEntry) entry
      = eb_service_test_add_entry (l->service, &l->coordinator, session_id, person_id, role, FALSE);

  return entry->id;
}

EbId
eb_service_test_live_create_session (EbServiceTestLive *l, const char *title, gint64 start)
{
  g_autoptr (EbSession) input = eb_session_new ();
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  input->title = g_strdup (title);
  input->focus = g_strdup ("Tumor board");
  input->host_site_id = l->hub_id;
  input->start = start;
  input->duration_minutes = 60;
  input->timezone = g_strdup (EB_SERVICE_TEST_TIMEZONE);
  session = eb_service_create_session (l->service, &l->coordinator, input, &error);
  g_assert_no_error (error);
  return session->id;
}

void
eb_service_test_live_schedule_session (EbServiceTestLive *l, EbId session_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) scheduled = eb_service_transition_session (
      l->service, &l->coordinator, session_id, EB_SESSION_STATE_SCHEDULED, 0, &error);

  g_assert_no_error (error);
}

EbSession *
eb_service_test_live_start_session (EbServiceTestLive *l, EbId session_id)
{
  g_autoptr (GError) error = NULL;
  EbSession *session
      = eb_service_start_session (l->service, &l->coordinator, session_id, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_cmpint (session->state, ==, EB_SESSION_STATE_LIVE);
  return session;
}

EbSession *
eb_service_test_live_end_session (EbServiceTestLive *l, const EbPrincipal *who, EbId session_id,
                                  gint64 expected_version, GCancellable *cancellable,
                                  gboolean cancel, EbRecording **recording, GError **error)
{
  EbServiceTestWaiter w = { g_main_loop_new (NULL, FALSE), NULL };
  EbSession *session;

  eb_service_end_session_async (l->service, who, session_id, expected_version, cancellable,
                                eb_service_test_waiter_done, &w);
  if (cancel)
    g_cancellable_cancel (cancellable);
  eb_service_test_waiter_wait (&w, 60);
  session = eb_service_end_session_finish (l->service, w.result, recording, error);
  eb_service_test_waiter_clear (&w);
  return session;
}

gboolean
eb_service_test_live_has_event (EbServiceTestLive *l, EbTimelineKind kind, EbId person_id)
{
  for (guint i = 0; i < l->events->len; i++)
    {
      const EbTimelineEvent *e = l->events->pdata[i];

      if (e->kind == kind && (person_id == 0 || e->person_id == person_id))
        return TRUE;
    }
  return FALSE;
}

void
eb_service_test_live_emit (EbServiceTestLive *l, EbMediaEventKind kind, gint64 at, EbId person_id,
                           const char *track, const char *detail, const char *segment_path,
                           EbRecordedSegment *segment)
{
  EbMediaEvent event = {
    .kind = kind,
    .session_id = l->session_id,
    .at = at,
    .person_id = person_id,
    .track = (char *)track,
    .detail = (char *)detail,
    .segment_path = (char *)segment_path,
    .segment = segment,
  };

  g_signal_emit_by_name (l->media, "event", &event);
}

GString *
eb_service_test_append_manifest_line (GString *out, const char *track, EbId person_id,
                                      const char *file, gint64 start_offset_us, gint64 duration_us,
                                      guint64 size, const char *sha256)
{
  g_string_append_printf (out,
                          "{\"track\":\"%s\",\"person_id\":%" G_GINT64_FORMAT ",\"file\":\"%s\","
                          "\"start_offset_us\":%" G_GINT64_FORMAT
                          ",\"duration_us\":%" G_GINT64_FORMAT ",\"size\":%" G_GUINT64_FORMAT
                          ",\"sha256\":\"%s\",\"video_codec\":\"h264\",\"audio_codec\":\"aac\","
                          "\"width\":320,\"height\":240}\n",
                          track, person_id, file, start_offset_us, duration_us, size, sha256);
  return out;
}
