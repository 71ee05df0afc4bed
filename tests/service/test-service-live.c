/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <eboard/eb-join.h>
#include <eboard/eb-service.h>

#include "eb-service-test-util.h"

/*
 * Live sessions over a real store: going live and ending, join details,
 * recordings and their audit trail, the timeline, attendance, recovery of
 * a session left live, and, with a real media plane, one real SRT
 * publisher recorded end to end.
 *
 * The people: a chair and a panelist at the member site (clinicians,
 * each with their own token), an outsider clinician, a coordinator and a
 * reviewer who are on no roster.
 */

/* how ffmpeg publishers run */
#define PUBLISHER_FLAGS (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE)

static const guint8 join_key[EB_JOIN_KEY_LENGTH] = {
  0x5a, 0x11, 0x09, 0xc3, 0x4e, 0x27, 0x81, 0x6d, 0x90, 0x3b, 0xf2, 0x14, 0x77, 0x08, 0xae, 0x52,
  0x6b, 0xd0, 0x1c, 0x39, 0xe4, 0x85, 0x2f, 0x60, 0x13, 0xca, 0x98, 0x4d, 0xb6, 0x21, 0x7e, 0xf5,
};

typedef struct
{
  EbServiceTestLive live;
  EbPrincipal bootstrap;
  EbPrincipal reviewer;
  EbPrincipal outsider;
  EbId chair_entry_id;
  EbId panelist_entry_id;
  guint n_sessions;
  /* the media plane's folder, when there is one */
  char *media_dir;
} Fixture;

static EbLiveSettings
live_settings (Fixture *f)
{
  /* with a real media plane: its own bound port on loopback */
  EbLiveSettings settings = {
    .srt_host = f->live.media != NULL ? "127.0.0.1" : "media.test.invalid",
    .srt_port = f->live.media != NULL ? 0 : 9710,
    .credential_lifetime = 3600,
    .recordings_dir = f->live.recordings_dir,
  };
  return settings;
}

static void
open_service (Fixture *f)
{
  EbLiveSettings live = live_settings (f);

  eb_service_test_live_open (&f->live, join_key, sizeof join_key, &live);
}

/* A scheduled session with the chair and the panelist on its roster. */
static EbId
add_scheduled_session (Fixture *f, const char *title)
{
  EbServiceTestLive *l = &f->live;
  /* a chair chairs one session at a time: each starts two hours later */
  EbId id = eb_service_test_live_create_session (
      l, title, g_get_real_time () / G_USEC_PER_SEC + 3600 + 7200 * f->n_sessions++);

  f->chair_entry_id
      = eb_service_test_live_add_entry (l, id, l->chair.person_id, EB_ROSTER_ROLE_CHAIR);
  f->panelist_entry_id
      = eb_service_test_live_add_entry (l, id, l->panelist.person_id, EB_ROSTER_ROLE_PANELIST);
  eb_service_test_live_schedule_session (l, id);
  return id;
}

static EbPrincipal
add_person (Fixture *f, EbId token_id, const char *name, const char *specialty, EbId site_id,
            EbRole role)
{
  EbId person_id = eb_service_test_live_add_person (&f->live, name, specialty, site_id);

  return eb_service_test_principal (token_id, person_id, role);
}

static void
fixture_init (Fixture *f, EbMediaPlane *media)
{
  EbServiceTestLive *l = &f->live;

  eb_service_test_live_init (l, "eboard-live-XXXXXX");
  l->media = media;
  f->bootstrap = eb_service_test_principal (2, 0, EB_ROLE_ADMIN);
  open_service (f);

  l->hub_id = eb_service_test_live_add_site (l, "HUB", TRUE);
  l->member_id = eb_service_test_live_add_site (l, "MEM", FALSE);
  l->coordinator
      = add_person (f, 10, "Cora Coordinator", "surgery", l->hub_id, EB_ROLE_COORDINATOR);
  f->reviewer = add_person (f, 11, "Rey Reviewer", "pathology", l->hub_id, EB_ROLE_REVIEWER);
  l->chair = add_person (f, 12, "Chad Chair", "medical_oncology", l->member_id, EB_ROLE_CLINICIAN);
  l->panelist
      = add_person (f, 13, "Pam Panelist", "diagnostic_radiology", l->member_id, EB_ROLE_CLINICIAN);
  f->outsider = add_person (f, 14, "Otto Outsider", "surgery", l->hub_id, EB_ROLE_CLINICIAN);
  l->session_id = add_scheduled_session (f, "Live board");
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  fixture_init (f, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  eb_service_test_live_clear (&f->live);
}

/* --- helpers --- */

static EbSession *
end_session (Fixture *f, const EbPrincipal *who, EbId id, gint64 expected_version,
             EbRecording **recording, GError **error)
{
  return eb_service_test_live_end_session (&f->live, who, id, expected_version, NULL, FALSE,
                                           recording, error);
}

static EbSession *
start_session (Fixture *f, EbId id)
{
  return eb_service_test_live_start_session (&f->live, id);
}

static guint
count_audit (Fixture *f, const char *action, EbId token_id, EbId person_id, const char *object_type,
             EbId object_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = eb_store_audit_list (f->live.store, NULL, 0, NULL, NULL, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      const EbAuditEntry *e = g_ptr_array_index (entries, i);

      if (g_strcmp0 (e->action, action) == 0 && e->token_id == token_id && e->person_id == person_id
          && g_strcmp0 (e->object_type, object_type) == 0 && e->object_id == object_id)
        n++;
    }
  return n;
}

static guint
count_all_audit (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  guint total = 0;
  g_autoptr (GPtrArray) entries
      = eb_store_audit_list (f->live.store, NULL, 0, NULL, &total, &error);

  g_assert_no_error (error);
  return total;
}

static void
assert_session_state (Fixture *f, EbId id, EbSessionState state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) session
      = eb_service_get_session (f->live.service, &f->live.admin, id, &error);

  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, state);
}

/* --- going live and ending --- */

static void
test_live_start_end (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbSession) ended = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (GPtrArray) recordings = NULL;
  g_autoptr (EbSession) current = NULL;
  EbId draft_id;
  gint64 before = g_get_real_time ();

  /* Only admins and coordinators start and end sessions. */
  g_assert_null (
      eb_service_start_session (f->live.service, &f->live.chair, f->live.session_id, 0, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_null (
      eb_service_start_session (f->live.service, &f->reviewer, f->live.session_id, 0, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  /* A draft does not go live; nor does an unknown session. */
  {
    g_autoptr (EbSession) input = eb_session_new ();
    g_autoptr (EbSession) draft = NULL;

    input->title = g_strdup ("Draft");
    input->host_site_id = f->live.hub_id;
    input->start = g_get_real_time () / G_USEC_PER_SEC + 1800;
    input->duration_minutes = 30;
    input->timezone = g_strdup (EB_SERVICE_TEST_TIMEZONE);
    draft = eb_service_create_session (f->live.service, &f->live.coordinator, input, &error);
    g_assert_no_error (error);
    draft_id = draft->id;
  }
  g_assert_null (
      eb_service_start_session (f->live.service, &f->live.coordinator, draft_id, 0, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_null (eb_service_start_session (f->live.service, &f->live.coordinator, 4242, 0, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A stale version. */
  current = eb_service_get_session (f->live.service, &f->live.admin, f->live.session_id, &error);
  g_assert_no_error (error);
  g_assert_null (eb_service_start_session (f->live.service, &f->live.coordinator,
                                           f->live.session_id, current->version + 7, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_STALE);
  g_clear_error (&error);
  assert_session_state (f, f->live.session_id, EB_SESSION_STATE_SCHEDULED);
  g_assert_cmpuint (f->live.events->len, ==, 0);

  session = eb_service_start_session (f->live.service, &f->live.coordinator, f->live.session_id,
                                      current->version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->state, ==, EB_SESSION_STATE_LIVE);
  g_assert_cmpint (session->version, ==, current->version + 1);
  assert_session_state (f, f->live.session_id, EB_SESSION_STATE_LIVE);
  g_assert_cmpuint (f->live.events->len, ==, 1);
  g_assert_cmpint (((EbTimelineEvent *)f->live.events->pdata[0])->kind, ==,
                   EB_TIMELINE_SESSION_STARTED);
  g_assert_cmpint (((EbTimelineEvent *)f->live.events->pdata[0])->person_id, ==,
                   f->live.coordinator.person_id);

  /* While live: a recording in state recording. */
  recordings = eb_service_list_recordings (f->live.service, &f->reviewer, f->live.session_id, NULL,
                                           NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recordings->len, ==, 1);
  g_assert_cmpint (((EbRecording *)recordings->pdata[0])->state, ==, EB_RECORDING_STATE_RECORDING);
  g_assert_cmpint (((EbRecording *)recordings->pdata[0])->started_at_us, >=, before);

  g_assert_null (eb_service_start_session (f->live.service, &f->live.coordinator,
                                           f->live.session_id, 0, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Live sessions take no schedule changes, and the roster is open. */
  g_assert_null (end_session (f, &f->live.panelist, f->live.session_id, 0, NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_null (end_session (f, &f->live.coordinator, draft_id, 0, NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);

  /* No publisher at all: an empty, complete recording. */
  ended = end_session (f, &f->live.admin, f->live.session_id, session->version, &recording, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ended->state, ==, EB_SESSION_STATE_ENDED);
  assert_session_state (f, f->live.session_id, EB_SESSION_STATE_ENDED);
  g_assert_nonnull (recording);
  g_assert_cmpint (recording->id, ==, ((EbRecording *)recordings->pdata[0])->id);
  g_assert_cmpint (recording->session_id, ==, f->live.session_id);
  g_assert_cmpint (recording->state, ==, EB_RECORDING_STATE_COMPLETE);
  g_assert_cmpuint (recording->tracks->len, ==, 0);
  g_assert_cmpint (recording->ended_at_us, >=, recording->started_at_us);
  g_assert_cmpint (recording->ended_at_us, <=, g_get_real_time ());

  timeline = eb_service_list_timeline (f->live.service, &f->live.chair, f->live.session_id, NULL,
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (timeline->len, ==, 2);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[0])->kind, ==, EB_TIMELINE_SESSION_STARTED);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[0])->offset_us, ==, 0);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[1])->kind, ==, EB_TIMELINE_SESSION_ENDED);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[1])->offset_us, ==,
                   recording->ended_at_us - recording->started_at_us);
  g_assert_cmpuint (f->live.events->len, ==, 2);
  g_assert_cmpint (((EbTimelineEvent *)f->live.events->pdata[1])->id, ==,
                   ((EbTimelineEvent *)timeline->pdata[1])->id);

  /* Ended is ended. */
  g_assert_null (end_session (f, &f->live.coordinator, f->live.session_id, 0, NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_null (eb_service_start_session (f->live.service, &f->live.coordinator,
                                           f->live.session_id, 0, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
}

/* --- join details --- */

static void
test_live_join_details (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbJoinDetails) details = NULL;
  g_autofree char *passphrase
      = eb_join_session_passphrase (join_key, sizeof join_key, f->live.session_id);
  g_autofree char *streamid = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  g_autofree char *pull = NULL;
  EbJoinClaims claims = { 0 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Before the session is live: the chair, with their own token. */
  details
      = eb_service_get_join_details (f->live.service, &f->live.chair, f->live.session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (details->session_id, ==, f->live.session_id);
  g_assert_cmpint (details->person_id, ==, f->live.chair.person_id);
  g_assert_cmpint (details->expires_at, >=, now + 3600);
  g_assert_cmpint (details->expires_at, <=, now + 3600 + 5);
  g_assert_true (eb_join_credential_verify (join_key, sizeof join_key, details->credential, now,
                                            &claims, &error));
  g_assert_no_error (error);
  g_assert_cmpint (claims.session_id, ==, f->live.session_id);
  g_assert_cmpint (claims.person_id, ==, f->live.chair.person_id);
  g_assert_cmpint (claims.expires_at, ==, details->expires_at);
  /* and not after it expires */
  g_assert_false (eb_join_credential_verify (join_key, sizeof join_key, details->credential,
                                             details->expires_at + 1, NULL, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);

  g_assert_cmpstr (details->passphrase, ==, passphrase);
  g_assert_cmpstr (details->srt_host, ==, "media.test.invalid");
  g_assert_cmpuint (details->srt_port, ==, 9710);
  streamid = g_strdup_printf ("#!::r=session/%" G_GINT64_FORMAT ",m=publish,t=%s",
                              f->live.session_id, details->credential);
  g_assert_cmpstr (details->publish_streamid, ==, streamid);
  escaped = g_uri_escape_string (streamid, NULL, FALSE);
  g_assert_null (strchr (escaped, '#'));
  g_assert_null (strchr (escaped, ','));
  url = g_strdup_printf ("srt://media.test.invalid:9710?streamid=%s&passphrase=%s&pbkeylen=16",
                         escaped, passphrase);
  g_assert_cmpstr (details->publish_url, ==, url);
  pull = g_strdup_printf ("#!::r=session/%" G_GINT64_FORMAT "/track/{track},m=request,t=%s",
                          f->live.session_id, details->credential);
  g_assert_cmpstr (details->pull_streamid_template, ==, pull);
  g_assert_true (g_str_has_prefix (details->pull_url_template, "srt://media.test.invalid:9710?"));
  g_assert_nonnull (strstr (details->pull_url_template, "%2Ftrack%2F{track}%2Cm%3Drequest"));
  g_assert_true (g_str_has_suffix (details->pull_url_template, "&pbkeylen=16"));
  {
    /* The URL's streamid reads back as the streamid. */
    g_autoptr (GUri) uri = g_uri_parse (details->publish_url, G_URI_FLAGS_ENCODED_QUERY, &error);
    g_autoptr (GHashTable) params = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (g_uri_get_scheme (uri), ==, "srt");
    g_assert_cmpint (g_uri_get_port (uri), ==, 9710);
    params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (g_hash_table_lookup (params, "streamid"), ==, streamid);
    g_assert_cmpstr (g_hash_table_lookup (params, "passphrase"), ==, passphrase);
  }
  g_clear_pointer (&details, eb_join_details_free);

  /* The panelist gets their own credential. */
  details = eb_service_get_join_details (f->live.service, &f->live.panelist, f->live.session_id,
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (details->person_id, ==, f->live.panelist.person_id);
  g_clear_pointer (&details, eb_join_details_free);

  /* Those who read every session but are not on the roster: 403. */
  details = eb_service_get_join_details (f->live.service, &f->live.coordinator, f->live.session_id,
                                         &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  details = eb_service_get_join_details (f->live.service, &f->reviewer, f->live.session_id, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  details
      = eb_service_get_join_details (f->live.service, &f->bootstrap, f->live.session_id, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  /* A clinician not on the roster does not see the session at all. */
  details = eb_service_get_join_details (f->live.service, &f->outsider, f->live.session_id, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  details = eb_service_get_join_details (f->live.service, &f->live.chair, 4242, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A coordinator on the roster joins like anyone on it. */
  eb_service_test_live_add_entry (&f->live, f->live.session_id, f->live.coordinator.person_id,
                                  EB_ROSTER_ROLE_COORDINATOR);
  details = eb_service_get_join_details (f->live.service, &f->live.coordinator, f->live.session_id,
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (details->person_id, ==, f->live.coordinator.person_id);
  g_clear_pointer (&details, eb_join_details_free);

  /* A member who declined does not join. */
  {
    g_autoptr (EbRosterEntry) entry = eb_service_get_roster_entry (
        f->live.service, &f->live.panelist, f->live.session_id, f->panelist_entry_id, &error);
    g_autoptr (EbRosterEntry) declined = NULL;

    g_assert_no_error (error);
    entry->status = EB_INVITATION_DECLINED;
    declined
        = eb_service_update_roster_entry (f->live.service, &f->live.panelist, entry, NULL, &error);
    g_assert_no_error (error);
    details = eb_service_get_join_details (f->live.service, &f->live.panelist, f->live.session_id,
                                           &error);
    g_assert_error (error, EB_ERROR, EB_ERROR_FORBIDDEN);
    g_clear_error (&error);
  }

  /* While live too; not once ended. */
  {
    g_autoptr (EbSession) live = start_session (f, f->live.session_id);
    g_autoptr (EbSession) ended = NULL;

    details
        = eb_service_get_join_details (f->live.service, &f->live.chair, f->live.session_id, &error);
    g_assert_no_error (error);
    g_clear_pointer (&details, eb_join_details_free);
    ended = end_session (f, &f->live.coordinator, f->live.session_id, 0, NULL, &error);
    g_assert_no_error (error);
    details
        = eb_service_get_join_details (f->live.service, &f->live.chair, f->live.session_id, &error);
    g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  /* Without a join key there are no join details. */
  eb_service_set_media_plane (f->live.service, NULL, NULL, 0, NULL);
  {
    EbId other = add_scheduled_session (f, "Keyless");

    details = eb_service_get_join_details (f->live.service, &f->live.chair, other, &error);
    g_assert_error (error, EB_ERROR, EB_ERROR_UNAVAILABLE);
  }
}

/* --- recordings and their audit trail --- */

static char *
write_file (Fixture *f, const char *name, const char *contents)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (f->live.recordings_dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A recording of @session_id with one track of the chair, in the store. */
static EbRecording *
store_recording (Fixture *f, EbId session_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbRecording) recording = eb_recording_new ();
  EbRecordingTrack *track = eb_recording_track_new ();

  recording->session_id = session_id;
  recording->state = EB_RECORDING_STATE_COMPLETE;
  recording->started_at_us = g_get_real_time () - 60 * G_USEC_PER_SEC;
  recording->ended_at_us = g_get_real_time ();
  track->name = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->live.chair.person_id);
  track->person_id = f->live.chair.person_id;
  track->site_id = f->live.member_id;
  for (gint i = 0; i < 2; i++)
    {
      EbRecordingSegment *segment = eb_recording_segment_new ();
      g_autofree char *name = g_strdup_printf ("s%" G_GINT64_FORMAT "-%d.ts", session_id, i);

      segment->seq = i + 1;
      segment->path = write_file (f, name, name);
      segment->start_offset_us = i * 4 * G_USEC_PER_SEC;
      segment->duration_us = 4 * G_USEC_PER_SEC;
      segment->size = strlen (name);
      segment->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
      g_ptr_array_add (track->segments, segment);
    }
  eb_recording_track_summarize (track);
  g_ptr_array_add (recording->tracks, track);
  g_assert_true (eb_store_recording_insert (f->live.store, recording, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&recording);
}

static void
test_live_recordings_audited (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  EbId other_id = add_scheduled_session (f, "Other board");
  g_autoptr (EbRecording) mine = store_recording (f, f->live.session_id);
  g_autoptr (EbRecording) theirs = store_recording (f, other_id);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (EbRecording) read = NULL;
  guint total = 0;
  guint before;

  /* The panelist is only on the first session's roster. */
  {
    g_autoptr (GPtrArray) roster
        = eb_service_list_roster (f->live.service, &f->live.admin, other_id, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < roster->len; i++)
      {
        const EbRosterEntry *entry = g_ptr_array_index (roster, i);

        if (entry->person_id == f->live.panelist.person_id)
          g_assert_true (eb_service_remove_roster_entry (f->live.service, &f->live.coordinator,
                                                         other_id, entry->id, 0, &error));
        g_assert_no_error (error);
      }
  }
  g_assert_cmpuint (count_all_audit (f), ==, 0);

  /* A reviewer reads everything; each call leaves one audit line with
   * the reviewer's token and person. */
  list = eb_service_list_recordings (f->live.service, &f->reviewer, 0, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 2);
  g_assert_cmpuint (count_audit (f, "recording.list", 11, f->reviewer.person_id, NULL, 0), ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  read = eb_service_get_recording (f->live.service, &f->reviewer, theirs->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->tracks->len, ==, 1);
  g_assert_cmpstr (((EbRecordingTrack *)read->tracks->pdata[0])->sha256, ==,
                   ((EbRecordingTrack *)theirs->tracks->pdata[0])->sha256);
  g_assert_cmpint (((EbRecordingTrack *)read->tracks->pdata[0])->site_id, ==, f->live.member_id);
  g_assert_cmpuint (
      count_audit (f, "recording.read", 11, f->reviewer.person_id, "recording", theirs->id), ==, 1);
  g_clear_pointer (&read, eb_recording_free);
  read = eb_service_get_recording (f->live.service, &f->reviewer, theirs->id, &error);
  g_assert_no_error (error);
  g_clear_pointer (&read, eb_recording_free);
  g_assert_cmpuint (
      count_audit (f, "recording.read", 11, f->reviewer.person_id, "recording", theirs->id), ==, 2);

  /* Admins (even the bootstrap token, with no person) and coordinators. */
  read = eb_service_get_recording (f->live.service, &f->bootstrap, mine->id, &error);
  g_assert_no_error (error);
  g_clear_pointer (&read, eb_recording_free);
  g_assert_cmpuint (count_audit (f, "recording.read", 2, 0, "recording", mine->id), ==, 1);
  list = eb_service_list_recordings (f->live.service, &f->live.coordinator, other_id, NULL, &total,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpint (((EbRecording *)list->pdata[0])->id, ==, theirs->id);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_cmpuint (
      count_audit (f, "recording.list", 10, f->live.coordinator.person_id, "session", other_id), ==,
      1);

  /* A clinician reads the recordings of their sessions only. */
  list = eb_service_list_recordings (f->live.service, &f->live.panelist, 0, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpint (((EbRecording *)list->pdata[0])->id, ==, mine->id);
  g_clear_pointer (&list, g_ptr_array_unref);
  read = eb_service_get_recording (f->live.service, &f->live.panelist, mine->id, &error);
  g_assert_no_error (error);
  g_clear_pointer (&read, eb_recording_free);
  g_assert_cmpuint (
      count_audit (f, "recording.read", 13, f->live.panelist.person_id, "recording", mine->id), ==,
      1);

  /* Hidden ones are not found, and a refused read leaves no line. */
  before = count_all_audit (f);
  read = eb_service_get_recording (f->live.service, &f->live.panelist, theirs->id, &error);
  g_assert_null (read);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "recording"));
  g_clear_error (&error);
  list = eb_service_list_recordings (f->live.service, &f->live.panelist, other_id, NULL, &total,
                                     &error);
  g_assert_null (list);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  read = eb_service_get_recording (f->live.service, &f->outsider, mine->id, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  read = eb_service_get_recording (f->live.service, &f->reviewer, 4242, &error);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (count_all_audit (f), ==, before);

  list = eb_service_list_recordings (f->live.service, &f->outsider, 0, NULL, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 0);
  g_assert_cmpuint (count_audit (f, "recording.list", 14, f->outsider.person_id, NULL, 0), ==, 1);
}

/* --- timeline --- */

static void
test_live_timeline_access (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) live = start_session (f, f->live.session_id);
  g_autoptr (EbSession) ended = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (GPtrArray) attendance = NULL;
  EbPage page = { 1, 1 };
  guint total = 0;

  ended = end_session (f, &f->live.coordinator, f->live.session_id, 0, NULL, &error);
  g_assert_no_error (error);

  /* readers of the session: the roster, reviewers, coordinators */
  timeline = eb_service_list_timeline (f->live.service, &f->live.panelist, f->live.session_id,
                                       &page, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 2);
  g_assert_cmpuint (timeline->len, ==, 1);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[0])->kind, ==, EB_TIMELINE_SESSION_ENDED);
  g_clear_pointer (&timeline, g_ptr_array_unref);
  timeline = eb_service_list_timeline (f->live.service, &f->reviewer, f->live.session_id, NULL,
                                       &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (timeline->len, ==, 2);
  g_clear_pointer (&timeline, g_ptr_array_unref);

  timeline = eb_service_list_timeline (f->live.service, &f->outsider, f->live.session_id, NULL,
                                       NULL, &error);
  g_assert_null (timeline);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  attendance
      = eb_service_list_attendance (f->live.service, &f->outsider, f->live.session_id, &error);
  g_assert_null (attendance);
  g_assert_error (error, EB_ERROR, EB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  attendance
      = eb_service_list_attendance (f->live.service, &f->live.chair, f->live.session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attendance->len, ==, 0);
}

/* --- recovery --- */

/* Writes a real MPEG-TS file of @seconds seconds (H.264 + AAC). */
static void
make_ts (const char *path, gint seconds, gint frequency)
{
  g_autofree char *duration = g_strdup_printf ("%d", seconds);
  g_autofree char *video = g_strdup_printf ("testsrc2=size=320x240:rate=25:duration=%d", seconds);
  g_autofree char *audio = g_strdup_printf ("sine=frequency=%d:duration=%d", frequency, seconds);
  const char *argv[] = { "ffmpeg", "-hide_banner", "-loglevel", "error",   "-y",        "-f",
                         "lavfi",  "-i",           video,       "-f",      "lavfi",     "-i",
                         audio,    "-c:v",         "libx264",   "-preset", "ultrafast", "-g",
                         "25",     "-pix_fmt",     "yuv420p",   "-c:a",    "aac",       "-t",
                         duration, "-f",           "mpegts",    path,      NULL };
  g_autoptr (GError) error = NULL;
  gint status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static char *
file_sha256 (const char *path, guint64 *size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  *size = length;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

static void
test_live_recover (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) live = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (GPtrArray) recordings = NULL;
  g_autofree char *session_dir = NULL;
  g_autofree char *track = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->live.chair.person_id);
  g_autoptr (GString) manifest = g_string_new (NULL);
  g_autofree char *manifest_path = NULL;
  g_auto (GStrv) sha = g_new0 (char *, 3);
  guint64 size[2] = { 0, 0 };
  const EbRecording *recording;
  const EbRecordingTrack *t;
  guint n = 99;
  EbId other_id;

  if (!eb_service_test_require_ffmpeg ())
    return;

  /* A live session, and one that is not live. */
  live = start_session (f, f->live.session_id);
  other_id = add_scheduled_session (f, "Not live");

  /* What the media plane left on disk before the daemon was killed: two
   * closed segments in the manifest. */
  session_dir = g_strdup_printf ("%s/session-%" G_GINT64_FORMAT, f->live.recordings_dir,
                                 f->live.session_id);
  g_assert_cmpint (g_mkdir (session_dir, 0700), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%05u.ts", track, i);
      g_autofree char *path = g_build_filename (session_dir, name, NULL);

      make_ts (path, 2, 440 + 220 * i);
      sha[i] = file_sha256 (path, &size[i]);
      eb_service_test_append_manifest_line (manifest, track, f->live.chair.person_id, name,
                                            1000000 + i * 2000000, 2000000, size[i], sha[i]);
    }
  manifest_path = g_build_filename (session_dir, "manifest.jsonl", NULL);
  g_file_set_contents (manifest_path, manifest->str, -1, &error);
  g_assert_no_error (error);

  /* The daemon dies: nothing is closed cleanly. */
  g_clear_object (&f->live.service);
  g_clear_object (&f->live.store);
  g_ptr_array_set_size (f->live.events, 0);

  /* The next start. */
  open_service (f);
  assert_session_state (f, f->live.session_id, EB_SESSION_STATE_LIVE);
  g_assert_true (eb_service_recover_interrupted (f->live.service, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  assert_session_state (f, f->live.session_id, EB_SESSION_STATE_ENDED);
  assert_session_state (f, other_id, EB_SESSION_STATE_SCHEDULED);
  g_assert_cmpuint (f->live.events->len, ==, 1);
  g_assert_cmpint (((EbTimelineEvent *)f->live.events->pdata[0])->kind, ==,
                   EB_TIMELINE_SESSION_INTERRUPTED);

  recordings = eb_service_list_recordings (f->live.service, &f->reviewer, f->live.session_id, NULL,
                                           NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recordings->len, ==, 1);
  recording = recordings->pdata[0];
  g_assert_cmpint (recording->state, ==, EB_RECORDING_STATE_INTERRUPTED);
  g_assert_cmpint (recording->ended_at_us, >=, recording->started_at_us);
  g_assert_cmpuint (recording->tracks->len, ==, 1);
  t = recording->tracks->pdata[0];
  g_assert_cmpstr (t->name, ==, track);
  g_assert_cmpint (t->person_id, ==, f->live.chair.person_id);
  g_assert_cmpint (t->site_id, ==, f->live.member_id);
  g_assert_cmpstr (t->transport, ==, "srt");
  g_assert_cmpuint (t->segments->len, >=, 2);
  for (guint i = 0; i < 2; i++)
    {
      const EbRecordingSegment *s = t->segments->pdata[i];
      g_autofree char *path = g_path_is_absolute (s->path)
                                  ? g_strdup (s->path)
                                  : g_build_filename (session_dir, s->path, NULL);
      guint64 on_disk = 0;
      g_autofree char *sum = NULL;

      g_test_message ("segment %s", s->path);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpint (s->seq, ==, (gint)i + 1);
      g_assert_cmpuint (s->size, ==, size[i]);
      g_assert_cmpstr (s->sha256, ==, sha[i]);
      sum = file_sha256 (path, &on_disk);
      g_assert_cmpuint (on_disk, ==, s->size);
      g_assert_cmpstr (sum, ==, s->sha256);
    }
  g_assert_cmpuint (t->size, >=, size[0] + size[1]);

  timeline = eb_service_list_timeline (f->live.service, &f->live.coordinator, f->live.session_id,
                                       NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (timeline->len, ==, 2);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[0])->kind, ==, EB_TIMELINE_SESSION_STARTED);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[1])->kind, ==,
                   EB_TIMELINE_SESSION_INTERRUPTED);
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[1])->at_us, ==, recording->ended_at_us);

  /* Nothing is left to recover. */
  g_assert_true (eb_service_recover_interrupted (f->live.service, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
}

/* --- with a real media plane --- */

static void
media_fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("eboard-live-media-XXXXXX", &error);
  g_autofree char *recordings = g_build_filename (dir, "recordings", NULL);
  EbMediaPlane *media;
  EbLiveSettings live;

  /* the plane records in a folder of its own, which the fixture then
   * names in the service's settings */
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (recordings, 0700), ==, 0);
  media = eb_service_test_new_media_plane (recordings, join_key, sizeof join_key,
                                           GPOINTER_TO_INT (data));
  if (GPOINTER_TO_INT (data))
    g_assert_cmpuint (eb_media_plane_get_srt_port (media), >, 0);
  fixture_init (f, media);
  f->media_dir = dir;
  g_free (f->live.recordings_dir);
  f->live.recordings_dir = g_steal_pointer (&recordings);
  live = live_settings (f);
  eb_service_set_media_plane (f->live.service, f->live.media, join_key, sizeof join_key, &live);
}

static void
media_fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_steal_pointer (&f->media_dir);

  fixture_tear_down (f, data);
  eb_service_test_rm_rf (dir);
}

/* The plane's events become timeline events, attendance and recording
 * rows, and are pushed on: here the plane is real but its events are
 * raised by hand, at chosen instants. */
static void
test_live_media_events (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) live = start_session (f, f->live.session_id);
  g_autoptr (GPtrArray) recordings = NULL;
  g_autoptr (GPtrArray) timeline = NULL;
  g_autoptr (GPtrArray) spans = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autofree char *track = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->live.chair.person_id);
  g_autofree char *path1 = g_build_filename (f->live.recordings_dir, "one.ts", NULL);
  g_autofree char *path2 = g_build_filename (f->live.recordings_dir, "two.ts", NULL);
  g_autofree char *sha1 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "first segment", -1);
  g_autofree char *sha2 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "second!", -1);
  EbRecordedSegment segment1 = { path1, 1500000, 2000000, 13, sha1 };
  const EbRecording *recording;
  const EbRecordingTrack *t;
  const EbRecordingSegment *s;
  gint64 t0;
  const EbTimelineKind order[] = {
    EB_TIMELINE_SESSION_STARTED,    EB_TIMELINE_PARTICIPANT_JOINED, EB_TIMELINE_TRACK_STARTED,
    EB_TIMELINE_SEGMENT_CLOSED,     EB_TIMELINE_SEGMENT_CLOSED,     EB_TIMELINE_PARTICIPANT_LEFT,
    EB_TIMELINE_PARTICIPANT_JOINED, EB_TIMELINE_INPUT_REFUSED,      EB_TIMELINE_PARTICIPANT_LEFT,
  };

  g_assert_true (g_file_set_contents (path1, "first segment", -1, NULL));
  g_assert_true (g_file_set_contents (path2, "second!", -1, NULL));
  recordings = eb_service_list_recordings (f->live.service, &f->live.admin, f->live.session_id,
                                           NULL, NULL, &error);
  g_assert_no_error (error);
  t0 = ((EbRecording *)recordings->pdata[0])->started_at_us;
  g_clear_pointer (&recordings, g_ptr_array_unref);
  g_ptr_array_set_size (f->live.events, 0);

  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_PARTICIPANT_JOINED, t0 + 1000000,
                             f->live.chair.person_id, track, NULL, NULL, NULL);
  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_TRACK_STARTED, t0 + 1100000,
                             f->live.chair.person_id, track, "h264 1280x720, aac", NULL, NULL);
  /* the plane describes the first segment; of the second only the file
   * is known */
  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_SEGMENT_CLOSED, t0 + 3600000,
                             f->live.chair.person_id, track, NULL, path1, &segment1);
  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_SEGMENT_CLOSED, t0 + 4500000,
                             f->live.chair.person_id, track, NULL, path2, NULL);
  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_PARTICIPANT_LEFT, t0 + 5000000,
                             f->live.chair.person_id, track, "connection lost", NULL, NULL);
  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_PARTICIPANT_JOINED, t0 + 6000000,
                             f->live.chair.person_id, track, NULL, NULL, NULL);
  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_INPUT_REFUSED, t0 + 7000000, 0, NULL,
                             "not an MPEG-TS stream", NULL, NULL);
  eb_service_test_live_emit (&f->live, EB_MEDIA_EVENT_PARTICIPANT_LEFT, t0 + 8000000,
                             f->live.chair.person_id, track, NULL, NULL, NULL);

  /* each one pushed on as it was stored */
  g_assert_cmpuint (f->live.events->len, ==, 8);
  for (guint i = 0; i < f->live.events->len; i++)
    {
      const EbTimelineEvent *e = f->live.events->pdata[i];

      g_assert_cmpint (e->id, >, 0);
      g_assert_cmpint (e->session_id, ==, f->live.session_id);
      g_assert_cmpint (e->kind, ==, order[i + 1]);
    }

  timeline = eb_service_list_timeline (f->live.service, &f->live.chair, f->live.session_id, NULL,
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (timeline->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < timeline->len; i++)
    {
      const EbTimelineEvent *e = timeline->pdata[i];

      g_assert_cmpint (e->kind, ==, order[i]);
      g_assert_cmpint (e->offset_us, ==, e->at_us - t0);
    }
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[3])->offset_us, ==, 3600000);
  g_assert_cmpstr (((EbTimelineEvent *)timeline->pdata[3])->track, ==, track);
  g_assert_cmpstr (((EbTimelineEvent *)timeline->pdata[4])->detail, ==, "two.ts");
  g_assert_cmpint (((EbTimelineEvent *)timeline->pdata[7])->person_id, ==, 0);
  g_assert_cmpstr (((EbTimelineEvent *)timeline->pdata[7])->detail, ==, "not an MPEG-TS stream");

  /* attendance: two spans, and the roster's first join and last leave */
  spans = eb_service_list_attendance (f->live.service, &f->reviewer, f->live.session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (spans->len, ==, 2);
  g_assert_cmpint (((EbAttendanceSpan *)spans->pdata[0])->joined_at_us, ==, t0 + 1000000);
  g_assert_cmpint (((EbAttendanceSpan *)spans->pdata[0])->left_at_us, ==, t0 + 5000000);
  g_assert_cmpint (((EbAttendanceSpan *)spans->pdata[1])->joined_at_us, ==, t0 + 6000000);
  g_assert_cmpint (((EbAttendanceSpan *)spans->pdata[1])->left_at_us, ==, t0 + 8000000);
  entry = eb_service_get_roster_entry (f->live.service, &f->live.chair, f->live.session_id,
                                       f->chair_entry_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->joined_at, ==, (t0 + 1000000) / G_USEC_PER_SEC);
  g_assert_cmpint (entry->left_at, ==, (t0 + 8000000) / G_USEC_PER_SEC);

  /* the segments are indexed as they close */
  recordings = eb_service_list_recordings (f->live.service, &f->live.admin, f->live.session_id,
                                           NULL, NULL, &error);
  g_assert_no_error (error);
  recording = recordings->pdata[0];
  g_assert_cmpint (recording->state, ==, EB_RECORDING_STATE_RECORDING);
  g_assert_cmpuint (recording->tracks->len, ==, 1);
  t = recording->tracks->pdata[0];
  g_assert_cmpstr (t->name, ==, track);
  g_assert_cmpint (t->person_id, ==, f->live.chair.person_id);
  g_assert_cmpint (t->site_id, ==, f->live.member_id);
  g_assert_cmpuint (t->segments->len, ==, 2);
  s = t->segments->pdata[0];
  g_assert_cmpint (s->seq, ==, 1);
  g_assert_cmpstr (s->path, ==, path1);
  g_assert_cmpint (s->start_offset_us, ==, 1500000);
  g_assert_cmpint (s->duration_us, ==, 2000000);
  g_assert_cmpuint (s->size, ==, 13);
  g_assert_cmpstr (s->sha256, ==, sha1);
  s = t->segments->pdata[1];
  g_assert_cmpint (s->seq, ==, 2);
  g_assert_cmpstr (s->path, ==, path2);
  g_assert_cmpuint (s->size, ==, 7);
  g_assert_cmpstr (s->sha256, ==, sha2);
  g_assert_cmpuint (t->size, ==, 20);

  /* events of unknown sessions are logged and dropped */
  {
    EbMediaEvent stray = { EB_MEDIA_EVENT_TRACK_STARTED, 4242, t0, 0, NULL, NULL, NULL, NULL };

    g_test_expect_message ("eboard-service", G_LOG_LEVEL_WARNING, "*session 4242*");
    g_signal_emit_by_name (f->live.media, "event", &stray);
    g_test_assert_expected_messages ();
    g_assert_cmpuint (f->live.events->len, ==, 8);
  }
}

static gboolean
timeline_has (Fixture *f, EbTimelineKind kind)
{
  return eb_service_test_live_has_event (&f->live, kind, 0);
}

/* One real SRT publisher, with the URL of its join details, from start
 * to end: the recording is registered with its track and the segments on
 * disk are the ones it names. */
static void
test_live_real_publisher (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) live = NULL;
  g_autoptr (EbSession) ended = NULL;
  g_autoptr (EbRecording) recording = NULL;
  g_autoptr (EbJoinDetails) details = NULL;
  g_autoptr (GSubprocess) publisher = NULL;
  g_autoptr (GPtrArray) spans = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autofree char *track = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", f->live.chair.person_id);
  g_autofree char *port = NULL;
  const EbRecordingTrack *t;
  gint64 recorded_us = 0;

  if (!eb_service_test_require_ffmpeg ())
    return;
  live = start_session (f, f->live.session_id);
  details
      = eb_service_get_join_details (f->live.service, &f->live.chair, f->live.session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (details->srt_port, ==, eb_media_plane_get_srt_port (f->live.media));
  port = g_strdup_printf ("srt://127.0.0.1:%u?", details->srt_port);
  g_assert_true (g_str_has_prefix (details->publish_url, port));

  publisher = eb_service_test_spawn_publisher (PUBLISHER_FLAGS, details->publish_url, 5, &error);
  g_assert_no_error (error);
  eb_service_test_wait_process (publisher, 30);
  g_assert_true (g_subprocess_get_successful (publisher));
  /* the plane notices the caller is gone */
  for (guint i = 0; i < 50 && !timeline_has (f, EB_TIMELINE_PARTICIPANT_LEFT); i++)
    eb_service_test_run_main_loop_for (100);

  ended = end_session (f, &f->live.coordinator, f->live.session_id, 0, &recording, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ended->state, ==, EB_SESSION_STATE_ENDED);
  g_assert_cmpint (recording->state, ==, EB_RECORDING_STATE_COMPLETE);
  g_assert_cmpuint (recording->tracks->len, ==, 1);
  t = recording->tracks->pdata[0];
  g_assert_cmpstr (t->name, ==, track);
  g_assert_cmpint (t->person_id, ==, f->live.chair.person_id);
  g_assert_cmpint (t->site_id, ==, f->live.member_id);
  g_assert_cmpstr (t->transport, ==, "srt");
  g_assert_cmpstr (t->video_codec, ==, "h264");
  g_assert_cmpstr (t->audio_codec, ==, "aac");
  g_assert_cmpuint (t->segments->len, >=, 2);
  for (guint i = 0; i < t->segments->len; i++)
    {
      const EbRecordingSegment *s = t->segments->pdata[i];
      guint64 size = 0;
      g_autofree char *sha = NULL;

      g_test_message ("segment %d: %s, %" G_GINT64_FORMAT " us at %" G_GINT64_FORMAT, s->seq,
                      s->path, s->duration_us, s->start_offset_us);
      g_assert_true (g_path_is_absolute (s->path));
      g_assert_true (g_str_has_prefix (s->path, f->live.recordings_dir));
      sha = file_sha256 (s->path, &size);
      g_assert_cmpuint (size, ==, s->size);
      g_assert_cmpuint (size, >, 0);
      g_assert_cmpstr (sha, ==, s->sha256);
      g_assert_cmpint (s->start_offset_us, >=, 0);
      recorded_us += s->duration_us;
    }
  /* 5 s were sent: at most one segment (2 s) short */
  g_assert_cmpint (recorded_us, >=, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (recorded_us, <=, 6 * G_USEC_PER_SEC);
  g_assert_cmpint (t->duration_us, ==, recorded_us);
  {
    g_autofree char *checksum = eb_recording_track_checksum (t);

    g_assert_cmpstr (t->sha256, ==, checksum);
  }

  /* what the registered recording says is what the store says */
  {
    g_autoptr (EbRecording) stored
        = eb_service_get_recording (f->live.service, &f->reviewer, recording->id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (stored->tracks->len, ==, 1);
    g_assert_cmpstr (((EbRecordingTrack *)stored->tracks->pdata[0])->sha256, ==, t->sha256);
    g_assert_cmpuint (((EbRecordingTrack *)stored->tracks->pdata[0])->segments->len, ==,
                      t->segments->len);
  }

  g_assert_true (timeline_has (f, EB_TIMELINE_PARTICIPANT_JOINED));
  g_assert_true (timeline_has (f, EB_TIMELINE_TRACK_STARTED));
  g_assert_true (timeline_has (f, EB_TIMELINE_SEGMENT_CLOSED));
  g_assert_true (timeline_has (f, EB_TIMELINE_SESSION_ENDED));
  spans = eb_service_list_attendance (f->live.service, &f->live.chair, f->live.session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (spans->len, ==, 1);
  g_assert_cmpint (((EbAttendanceSpan *)spans->pdata[0])->left_at_us, >,
                   ((EbAttendanceSpan *)spans->pdata[0])->joined_at_us);
  entry = eb_service_get_roster_entry (f->live.service, &f->live.chair, f->live.session_id,
                                       f->chair_entry_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->joined_at, >, 0);
  g_assert_cmpint (entry->left_at, >=, entry->joined_at);
}

/* Taken off the roster of a live session, a publisher is cut off. */
static void
test_live_revoke (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) live = NULL;
  g_autoptr (EbJoinDetails) details = NULL;
  g_autoptr (GSubprocess) publisher = NULL;

  if (!eb_service_test_require_ffmpeg ())
    return;
  live = start_session (f, f->live.session_id);
  details = eb_service_get_join_details (f->live.service, &f->live.panelist, f->live.session_id,
                                         &error);
  g_assert_no_error (error);
  /* 30 s of media, cut after about 2 */
  publisher = eb_service_test_spawn_publisher (PUBLISHER_FLAGS, details->publish_url, 30, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && !timeline_has (f, EB_TIMELINE_TRACK_STARTED); i++)
    eb_service_test_run_main_loop_for (100);
  g_assert_true (timeline_has (f, EB_TIMELINE_TRACK_STARTED));

  g_assert_true (eb_service_remove_roster_entry (
      f->live.service, &f->live.coordinator, f->live.session_id, f->panelist_entry_id, 0, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && !timeline_has (f, EB_TIMELINE_PARTICIPANT_LEFT); i++)
    eb_service_test_run_main_loop_for (100);
  g_assert_true (timeline_has (f, EB_TIMELINE_PARTICIPANT_LEFT));
  /* ffmpeg gives up on its own once cut off; it never got its 30 s */
  g_subprocess_force_exit (publisher);
  eb_service_test_wait_process (publisher, 30);

  /* and cannot come back */
  {
    g_autoptr (GSubprocess) again = eb_service_test_spawn_publisher (
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, details->publish_url, 2,
        &error);

    g_assert_no_error (error);
    eb_service_test_wait_process (again, 30);
    g_assert_false (g_subprocess_get_successful (again));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/eboard/service/live/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("start-end", test_live_start_end);
  ADD ("join-details", test_live_join_details);
  ADD ("recordings-audited", test_live_recordings_audited);
  ADD ("timeline-access", test_live_timeline_access);
  ADD ("recover", test_live_recover);
#undef ADD
#define ADD_MEDIA(path, listen, func)                                                              \
  g_test_add ("/eboard/service/live/" path, Fixture, GINT_TO_POINTER (listen),                     \
              media_fixture_set_up, func, media_fixture_tear_down)

  ADD_MEDIA ("media-events", FALSE, test_live_media_events);
  ADD_MEDIA ("real-publisher", TRUE, test_live_real_publisher);
  ADD_MEDIA ("revoke", TRUE, test_live_revoke);
#undef ADD_MEDIA
  return g_test_run ();
}
