/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include "eb-test-server.h"

/*
 * The authorisation matrix: every route of eb_api_routes() called by
 * every kind of caller, each time on fresh objects, and the class of the
 * answer checked against the table below (docs/API.md, "Auth").
 */

typedef enum
{
  CALLER_NONE,
  CALLER_BAD_TOKEN,
  CALLER_ADMIN,
  CALLER_COORDINATOR,
  CALLER_CLINICIAN_ON,
  CALLER_CLINICIAN_OFF,
  CALLER_REVIEWER,
  N_CALLERS
} Caller;

static const char *const caller_names[N_CALLERS] = {
  "no token",
  "a bad token",
  "admin",
  "coordinator",
  "clinician on the roster",
  "clinician off the roster",
  "reviewer",
};

typedef struct
{
  EbTestServer *server;
  char *tokens[N_CALLERS];
  EbId hub;
  /* The clinician on every fresh session's roster, and the one never on
   * any; a presenter; the coordinator's own person. */
  EbId on;
  EbId off;
  EbId presenter;
  guint serial;
} Matrix;

/* What one call works on: fresh for each caller. */
typedef struct
{
  char *path;
  char *body;
} Target;

typedef void (*PrepareFunc) (Matrix *matrix, Target *target);

/* @expect: one character per caller (in Caller order): '2' for 2xx, '1'
 * for 401, '3' for 403, '4' for 404, 'u' for 426 (a WebSocket route
 * called without the upgrade, by a caller who may use it). */
typedef struct
{
  const char *method;
  const char *route;
  PrepareFunc prepare;
  const char *expect;
} MatrixRow;

/* --- the board every route works on --- */

static const guint8 join_key[EB_JOIN_KEY_LENGTH] = "0123456789abcdef0123456789abcde";

static void
matrix_init (Matrix *matrix)
{
  g_autofree char *openapi = g_build_filename (EB_SOURCE_DATADIR, "openapi.yaml", NULL);
  EbApiSettings settings = { .openapi_path = openapi };
  EbId coordinator, reviewer;

  matrix->server = eb_test_server_new (&settings);
  /* Live sessions without media: join details need only the key. */
  eb_service_set_media_plane (matrix->server->service, NULL, join_key, sizeof join_key, NULL);
  matrix->hub = eb_test_seed_site (matrix->server, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  matrix->on = eb_test_seed_person (matrix->server, matrix->hub, "On", "surgery");
  matrix->off = eb_test_seed_person (matrix->server, matrix->hub, "Off", "pathology");
  matrix->presenter
      = eb_test_seed_person (matrix->server, matrix->hub, "Presenter", "medical_oncology");
  coordinator = eb_test_seed_person (matrix->server, matrix->hub, "Coordinator", "surgery");
  reviewer = eb_test_seed_person (matrix->server, matrix->hub, "Reviewer", "surgery");

  matrix->tokens[CALLER_NONE] = NULL;
  matrix->tokens[CALLER_BAD_TOKEN] = g_strdup ("eb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  matrix->tokens[CALLER_ADMIN] = g_strdup (matrix->server->admin_token);
  matrix->tokens[CALLER_COORDINATOR]
      = eb_test_server_token (matrix->server, EB_ROLE_COORDINATOR, coordinator);
  matrix->tokens[CALLER_CLINICIAN_ON]
      = eb_test_server_token (matrix->server, EB_ROLE_CLINICIAN, matrix->on);
  matrix->tokens[CALLER_CLINICIAN_OFF]
      = eb_test_server_token (matrix->server, EB_ROLE_CLINICIAN, matrix->off);
  matrix->tokens[CALLER_REVIEWER]
      = eb_test_server_token (matrix->server, EB_ROLE_REVIEWER, reviewer);
}

static void
matrix_clear (Matrix *matrix)
{
  for (guint i = 0; i < N_CALLERS; i++)
    g_clear_pointer (&matrix->tokens[i], g_free);
  g_clear_pointer (&matrix->server, eb_test_server_free);
}

static void
target_clear (Target *target)
{
  g_clear_pointer (&target->path, g_free);
  g_clear_pointer (&target->body, g_free);
}

/* --- fresh objects, made through the service as the admin --- */

static EbId
fresh_site (Matrix *matrix)
{
  g_autofree char *code = g_strdup_printf ("S%u", ++matrix->serial);

  return eb_test_seed_site (matrix->server, code, EB_SITE_STATUS_APPLICANT, FALSE);
}

static EbId
fresh_person (Matrix *matrix)
{
  g_autofree char *name = g_strdup_printf ("Person %u", ++matrix->serial);

  return eb_test_seed_person (matrix->server, matrix->hub, name, "surgery");
}

static EbRosterEntry *
add_entry (Matrix *matrix, EbId session, EbId person, EbRosterRole role)
{
  g_autoptr (EbRosterEntry) input = eb_roster_entry_new ();
  g_autoptr (GError) error = NULL;
  EbRosterEntry *entry;

  input->session_id = session;
  input->person_id = person;
  input->role = role;
  entry = eb_service_add_roster_entry (matrix->server->service, &matrix->server->admin, input, NULL,
                                       &error);
  g_assert_no_error (error);
  return entry;
}

typedef struct
{
  EbId id;
  EbId entry_on;
  EbId item;
} FreshSession;

/* A draft session (weekly when @recurring) a day after the previous one,
 * with the "on" clinician as panelist, a chair, a presenter and one
 * agenda item. */
static FreshSession
fresh_session (Matrix *matrix, gboolean recurring)
{
  g_autoptr (EbSession) input = eb_session_new ();
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) on = NULL;
  g_autoptr (EbRosterEntry) chair = NULL;
  g_autoptr (EbRosterEntry) presenter = NULL;
  g_autoptr (EbAgendaItem) item_input = eb_agenda_item_new ();
  g_autoptr (EbAgendaItem) item = NULL;
  g_autoptr (GError) error = NULL;
  FreshSession fresh = { 0 };

  input->title = g_strdup ("Board");
  input->focus = g_strdup ("");
  input->host_site_id = matrix->hub;
  /* 2026-04-01T15:00:00Z plus one day per session: no overlaps. */
  input->start = 1775055600 + (gint64)(++matrix->serial) * 24 * 3600;
  input->duration_minutes = 60;
  input->timezone = g_strdup ("UTC");
  if (recurring)
    {
      input->recurrence = eb_recurrence_new (EB_RECURRENCE_WEEKLY, 1);
      input->recurrence->count = 3;
    }
  session
      = eb_service_create_session (matrix->server->service, &matrix->server->admin, input, &error);
  g_assert_no_error (error);
  fresh.id = session->id;

  on = add_entry (matrix, session->id, matrix->on, EB_ROSTER_ROLE_PANELIST);
  fresh.entry_on = on->id;
  chair = add_entry (matrix, session->id, fresh_person (matrix), EB_ROSTER_ROLE_CHAIR);
  presenter = add_entry (matrix, session->id, matrix->presenter, EB_ROSTER_ROLE_PRESENTER);

  item_input->session_id = session->id;
  item_input->presenting_site_id = matrix->hub;
  item_input->presenter_id = matrix->presenter;
  item_input->summary = g_strdup ("A 3 cm lung mass.");
  item_input->question = g_strdup ("Surgery?");
  item_input->minutes = 10;
  item = eb_service_add_agenda_item (matrix->server->service, &matrix->server->admin, item_input,
                                     &error);
  g_assert_no_error (error);
  fresh.item = item->id;
  return fresh;
}

static char *
session_path (EbId id, const char *suffix)
{
  return g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "%s", id, suffix);
}

/* --- what each route works on --- */

static void
prepare_fixed (Matrix *matrix, Target *target)
{
  /* The row's route is the path itself. */
}

static void
prepare_new_site (Matrix *matrix, Target *target)
{
  target->path = g_strdup ("/api/v1/sites");
  target->body = g_strdup_printf ("{\"name\": \"New\", \"code\": \"N%u\", \"timezone\": \"UTC\"}",
                                  ++matrix->serial);
}

static void
prepare_site (Matrix *matrix, Target *target)
{
  target->path = g_strdup_printf ("/api/v1/sites/%" G_GINT64_FORMAT, fresh_site (matrix));
  target->body = g_strdup ("{\"name\": \"Renamed\"}");
}

static void
prepare_new_person (Matrix *matrix, Target *target)
{
  target->path = g_strdup ("/api/v1/people");
  target->body
      = g_strdup_printf ("{\"name\": \"New\", \"email\": \"new%u@x.y\", "
                         "\"specialty\": \"surgery\", \"home_site_id\": %" G_GINT64_FORMAT "}",
                         ++matrix->serial, matrix->hub);
}

static void
prepare_person (Matrix *matrix, Target *target)
{
  target->path = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT, fresh_person (matrix));
  target->body = g_strdup ("{\"active\": false}");
}

static void
prepare_calendar (Matrix *matrix, Target *target)
{
  fresh_session (matrix, FALSE);
  /* The "on" clinician's own feed; the "off" clinician may not read it. */
  target->path = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT "/calendar.ics", matrix->on);
}

/* The "on" clinician's secret calendar feed (a new secret each time);
 * returns the secret. */
static char *
fresh_feed (Matrix *matrix)
{
  g_autoptr (EbCalendarFeed) feed = NULL;
  g_autoptr (GError) error = NULL;
  char *secret = NULL;

  feed = eb_service_create_calendar_feed (matrix->server->service, &matrix->server->admin,
                                          matrix->on, &secret, NULL, &error);
  g_assert_no_error (error);
  return secret;
}

static void
prepare_feed (Matrix *matrix, Target *target)
{
  g_free (fresh_feed (matrix));
  /* The "on" clinician's own; the "off" clinician's is not theirs. */
  target->path = g_strdup_printf ("/api/v1/people/%" G_GINT64_FORMAT "/calendar-feed", matrix->on);
}

static void
prepare_feed_url (Matrix *matrix, Target *target)
{
  g_autofree char *secret = fresh_feed (matrix);

  fresh_session (matrix, FALSE);
  target->path = g_strdup_printf ("/api/v1/calendar/%s.ics", secret);
}

static void
prepare_new_session (Matrix *matrix, Target *target)
{
  target->path = g_strdup ("/api/v1/sessions");
  target->body = g_strdup_printf ("{\"title\": \"New\", \"host_site_id\": %" G_GINT64_FORMAT
                                  ", \"start\": \"2027-01-05T15:00:00Z\", "
                                  "\"duration_minutes\": 60, \"timezone\": \"UTC\"}",
                                  matrix->hub);
}

static void
prepare_session (Matrix *matrix, Target *target)
{
  target->path = session_path (fresh_session (matrix, FALSE).id, "");
  target->body = g_strdup ("{\"title\": \"Renamed\"}");
}

static void
prepare_schedule (Matrix *matrix, Target *target)
{
  target->path = session_path (fresh_session (matrix, FALSE).id, "/schedule");
}

static void
prepare_cancel (Matrix *matrix, Target *target)
{
  target->path = session_path (fresh_session (matrix, FALSE).id, "/cancel");
}

static void
prepare_occurrences (Matrix *matrix, Target *target)
{
  target->path = session_path (fresh_session (matrix, TRUE).id, "/occurrences");
}

/* The second occurrence of a fresh weekly session. */
static char *
second_occurrence (Matrix *matrix, EbId *session)
{
  FreshSession fresh = fresh_session (matrix, TRUE);
  g_autoptr (EbSession) loaded = NULL;
  g_autoptr (GDateTime) dt = NULL;

  loaded = eb_service_get_session (matrix->server->service, &matrix->server->admin, fresh.id, NULL);
  g_assert_nonnull (loaded);
  dt = g_date_time_new_from_unix_utc (loaded->start + 7 * 24 * 3600);
  *session = fresh.id;
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static void
prepare_put_exception (Matrix *matrix, Target *target)
{
  EbId session;
  g_autofree char *when = second_occurrence (matrix, &session);

  target->path = session_path (session, "/exceptions");
  target->body = g_strdup_printf ("{\"original_start\": \"%s\", \"cancelled\": true}", when);
}

static void
prepare_delete_exception (Matrix *matrix, Target *target)
{
  EbId session;
  g_autofree char *when = second_occurrence (matrix, &session);
  g_autoptr (GError) error = NULL;
  g_autoptr (EbSession) changed = NULL;
  gint64 instant = 0;
  g_autofree char *suffix = NULL;

  {
    g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (when, NULL);

    instant = g_date_time_to_unix (dt);
  }
  changed = eb_service_set_occurrence_exception (matrix->server->service, &matrix->server->admin,
                                                 session, instant, TRUE, 0, &error);
  g_assert_no_error (error);
  suffix = g_strdup_printf ("/exceptions?original_start=%s", when);
  target->path = session_path (session, suffix);
}

static void
prepare_roster (Matrix *matrix, Target *target)
{
  target->path = session_path (fresh_session (matrix, FALSE).id, "/roster");
  target->body = g_strdup_printf ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"observer\"}",
                                  fresh_person (matrix));
}

static void
prepare_roster_entry (Matrix *matrix, Target *target)
{
  FreshSession fresh = fresh_session (matrix, FALSE);
  g_autofree char *suffix = g_strdup_printf ("/roster/%" G_GINT64_FORMAT, fresh.entry_on);

  target->path = session_path (fresh.id, suffix);
  /* What a clinician may change on its own entry. */
  target->body = g_strdup ("{\"status\": \"accepted\"}");
}

static void
prepare_agenda (Matrix *matrix, Target *target)
{
  target->path = session_path (fresh_session (matrix, FALSE).id, "/agenda");
  target->body = g_strdup_printf ("{\"presenting_site_id\": %" G_GINT64_FORMAT
                                  ", \"presenter_id\": %" G_GINT64_FORMAT
                                  ", \"summary\": \"Another case.\", \"question\": \"What next?\", "
                                  "\"minutes\": 5}",
                                  matrix->hub, matrix->presenter);
}

static void
prepare_agenda_order (Matrix *matrix, Target *target)
{
  FreshSession fresh = fresh_session (matrix, FALSE);

  target->path = session_path (fresh.id, "/agenda/order");
  target->body = g_strdup_printf ("{\"item_ids\": [%" G_GINT64_FORMAT "]}", fresh.item);
}

static void
prepare_agenda_item (Matrix *matrix, Target *target)
{
  FreshSession fresh = fresh_session (matrix, FALSE);
  g_autofree char *suffix = g_strdup_printf ("/agenda/%" G_GINT64_FORMAT, fresh.item);

  target->path = session_path (fresh.id, suffix);
  target->body = g_strdup ("{\"minutes\": 12}");
}

static void
prepare_quorum (Matrix *matrix, Target *target)
{
  target->path = session_path (fresh_session (matrix, FALSE).id, "/quorum");
}

static void
prepare_invitation (Matrix *matrix, Target *target)
{
  target->path = session_path (fresh_session (matrix, FALSE).id, "/invitation.ics");
}

/* --- live sessions --- */

static EbId
scheduled_session (Matrix *matrix)
{
  EbId id = fresh_session (matrix, FALSE).id;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = eb_service_transition_session (matrix->server->service, &matrix->server->admin, id,
                                           EB_SESSION_STATE_SCHEDULED, 0, &error);
  g_assert_no_error (error);
  return id;
}

static EbId
live_session (Matrix *matrix)
{
  EbId id = scheduled_session (matrix);
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session
      = eb_service_start_session (matrix->server->service, &matrix->server->admin, id, 0, &error);
  g_assert_no_error (error);
  return id;
}

static void
ended_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EbRecording **recording = user_data;
  g_autoptr (EbSession) session = NULL;
  g_autoptr (GError) error = NULL;

  session = eb_service_end_session_finish (EB_SERVICE (source), result, recording, &error);
  g_assert_no_error (error);
}

static void
prepare_start (Matrix *matrix, Target *target)
{
  target->path = session_path (scheduled_session (matrix), "/start");
}

static void
prepare_end (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/end");
}

static void
prepare_join (Matrix *matrix, Target *target)
{
  target->path = session_path (scheduled_session (matrix), "/join");
}

static void
prepare_timeline (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/timeline");
}

static void
prepare_attendance (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/attendance");
}

static void
prepare_events (Matrix *matrix, Target *target)
{
  /* A plain GET: the route then answers 426 to those who may read. */
  target->path = session_path (scheduled_session (matrix), "/events");
}

static void
prepare_revoke_join (Matrix *matrix, Target *target)
{
  FreshSession fresh = fresh_session (matrix, FALSE);
  g_autofree char *suffix
      = g_strdup_printf ("/roster/%" G_GINT64_FORMAT "/revoke-join", fresh.entry_on);

  target->path = session_path (fresh.id, suffix);
}

/* The join page's WebRTC routes, on a live session (without a media
 * plane: the credential is checked first). */
static void
prepare_whip (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/whip");
}

static void
prepare_whip_resource (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/whip/0123456789abcdef");
}

static void
prepare_whep (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/whep");
}

static void
prepare_whep_resource (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/whep/0123456789abcdef");
}

/* The join page's conference routes, on a live session. */
static void
prepare_conference (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/conference");
}

static void
prepare_conference_case (Matrix *matrix, Target *target)
{
  target->path = session_path (live_session (matrix), "/conference/case");
  target->body = g_strdup ("{\"agenda_item_id\": 1}");
}

static void
prepare_recording (Matrix *matrix, Target *target)
{
  g_autoptr (EbRecording) recording = NULL;

  eb_service_end_session_async (matrix->server->service, &matrix->server->admin,
                                live_session (matrix), 0, NULL, ended_cb, &recording);
  while (recording == NULL)
    g_main_context_iteration (NULL, TRUE);
  target->path = g_strdup_printf ("/api/v1/recordings/%" G_GINT64_FORMAT, recording->id);
}

static void
prepare_new_token (Matrix *matrix, Target *target)
{
  target->path = g_strdup ("/api/v1/tokens");
  target->body = g_strdup_printf ("{\"person_id\": %" G_GINT64_FORMAT ", \"role\": \"reviewer\", "
                                  "\"label\": \"new\"}",
                                  matrix->off);
}

static void
prepare_token (Matrix *matrix, Target *target)
{
  g_autoptr (EbToken) token = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;

  token = eb_service_create_token (matrix->server->service, &matrix->server->admin, matrix->off,
                                   EB_ROLE_CLINICIAN, "spare", 0, &secret, &error);
  g_assert_no_error (error);
  target->path = g_strdup_printf ("/api/v1/tokens/%" G_GINT64_FORMAT, token->id);
}

/*
 * The matrix. Columns: no token, bad token, admin, coordinator, clinician
 * on the roster, clinician off the roster, reviewer. Clinicians read the
 * directory and the sessions they are on the roster of (others are 404 to
 * them, before any right is checked); they write only their own
 * invitation status.
 */
static const MatrixRow matrix_rows[] = {
  { "GET", "/healthz", prepare_fixed, "2222222" },
  { "GET", "/api/v1/openapi.yaml", prepare_fixed, "1122222" },
  { "GET", "/api/v1/specialties", prepare_fixed, "1122222" },
  { "GET", "/api/v1/whoami", prepare_fixed, "1122222" },

  { "GET", "/api/v1/sites", prepare_fixed, "1122222" },
  { "POST", "/api/v1/sites", prepare_new_site, "1122333" },
  { "GET", "/api/v1/sites/{id}", prepare_site, "1122222" },
  { "PATCH", "/api/v1/sites/{id}", prepare_site, "1122333" },
  { "DELETE", "/api/v1/sites/{id}", prepare_site, "1122333" },

  { "GET", "/api/v1/people", prepare_fixed, "1122222" },
  { "POST", "/api/v1/people", prepare_new_person, "1122333" },
  { "GET", "/api/v1/people/{id}", prepare_person, "1122222" },
  { "PATCH", "/api/v1/people/{id}", prepare_person, "1122333" },
  { "DELETE", "/api/v1/people/{id}", prepare_person, "1122333" },
  { "GET", "/api/v1/people/{id}/calendar.ics", prepare_calendar, "1122232" },
  { "GET", "/api/v1/people/{id}/calendar-feed", prepare_feed, "1122232" },
  { "POST", "/api/v1/people/{id}/calendar-feed", prepare_feed, "1122233" },
  { "DELETE", "/api/v1/people/{id}/calendar-feed", prepare_feed, "1122233" },
  /* The secret is the credential: any Authorization header is ignored. */
  { "GET", "/api/v1/calendar/{secret}.ics", prepare_feed_url, "2222222" },

  { "GET", "/api/v1/sessions", prepare_fixed, "1122222" },
  { "POST", "/api/v1/sessions", prepare_new_session, "1122333" },
  { "GET", "/api/v1/sessions/{id}", prepare_session, "1122242" },
  { "PATCH", "/api/v1/sessions/{id}", prepare_session, "1122343" },
  { "DELETE", "/api/v1/sessions/{id}", prepare_session, "1122333" },
  { "POST", "/api/v1/sessions/{id}/schedule", prepare_schedule, "1122333" },
  { "POST", "/api/v1/sessions/{id}/cancel", prepare_cancel, "1122333" },
  { "GET", "/api/v1/sessions/{id}/occurrences", prepare_occurrences, "1122242" },
  { "PUT", "/api/v1/sessions/{id}/exceptions", prepare_put_exception, "1122333" },
  { "DELETE", "/api/v1/sessions/{id}/exceptions", prepare_delete_exception, "1122333" },

  { "GET", "/api/v1/sessions/{id}/roster", prepare_roster, "1122242" },
  { "POST", "/api/v1/sessions/{id}/roster", prepare_roster, "1122333" },
  { "GET", "/api/v1/sessions/{id}/roster/{entry_id}", prepare_roster_entry, "1122242" },
  { "PATCH", "/api/v1/sessions/{id}/roster/{entry_id}", prepare_roster_entry, "1122243" },
  { "DELETE", "/api/v1/sessions/{id}/roster/{entry_id}", prepare_roster_entry, "1122333" },
  { "POST", "/api/v1/sessions/{id}/roster/{entry_id}/revoke-join", prepare_revoke_join, "1122333" },

  { "GET", "/api/v1/sessions/{id}/agenda", prepare_agenda, "1122242" },
  { "POST", "/api/v1/sessions/{id}/agenda", prepare_agenda, "1122333" },
  { "POST", "/api/v1/sessions/{id}/agenda/order", prepare_agenda_order, "1122333" },
  { "GET", "/api/v1/sessions/{id}/agenda/{item_id}", prepare_agenda_item, "1122242" },
  { "PATCH", "/api/v1/sessions/{id}/agenda/{item_id}", prepare_agenda_item, "1122343" },
  { "DELETE", "/api/v1/sessions/{id}/agenda/{item_id}", prepare_agenda_item, "1122333" },

  { "GET", "/api/v1/sessions/{id}/quorum", prepare_quorum, "1122242" },
  { "GET", "/api/v1/sessions/{id}/invitation.ics", prepare_invitation, "1122242" },

  { "POST", "/api/v1/sessions/{id}/start", prepare_start, "1122333" },
  { "POST", "/api/v1/sessions/{id}/end", prepare_end, "1122333" },
  /* Join details are for roster members, each their own. */
  { "GET", "/api/v1/sessions/{id}/join", prepare_join, "1133243" },
  { "GET", "/api/v1/sessions/{id}/timeline", prepare_timeline, "1122242" },
  { "GET", "/api/v1/sessions/{id}/attendance", prepare_attendance, "1122242" },
  { "GET", "/api/v1/sessions/{id}/events", prepare_events, "11uuu4u" },
  /* A join credential, never an API token. */
  { "POST", "/api/v1/sessions/{id}/whip", prepare_whip, "1111111" },
  { "DELETE", "/api/v1/sessions/{id}/whip/{resource}", prepare_whip_resource, "1111111" },
  { "POST", "/api/v1/sessions/{id}/whep", prepare_whep, "1111111" },
  { "DELETE", "/api/v1/sessions/{id}/whep/{resource}", prepare_whep_resource, "1111111" },
  { "GET", "/api/v1/sessions/{id}/conference", prepare_conference, "1111111" },
  { "POST", "/api/v1/sessions/{id}/conference/case", prepare_conference_case, "1111111" },
  { "GET", "/api/v1/recordings", prepare_fixed, "1122222" },
  { "GET", "/api/v1/recordings/{id}", prepare_recording, "1122242" },

  { "GET", "/api/v1/tokens", prepare_fixed, "1123333" },
  { "POST", "/api/v1/tokens", prepare_new_token, "1123333" },
  { "GET", "/api/v1/tokens/{id}", prepare_token, "1123333" },
  { "DELETE", "/api/v1/tokens/{id}", prepare_token, "1123333" },
};

static gboolean
status_matches (guint status, char expected)
{
  switch (expected)
    {
      case '2':
        return SOUP_STATUS_IS_SUCCESSFUL (status);
      case '1':
        return status == 401;
      case '3':
        return status == 403;
      case '4':
        return status == 404;
      case 'u':
        return status == 426;
      default:
        g_assert_not_reached ();
    }
}

static void
test_route (gconstpointer data)
{
  const MatrixRow *row = data;
  g_autoptr (GString) mismatches = g_string_new (NULL);
  Matrix matrix = { 0 };

  g_assert_cmpuint (strlen (row->expect), ==, N_CALLERS);
  matrix_init (&matrix);
  for (Caller caller = 0; caller < N_CALLERS; caller++)
    {
      g_autoptr (EbTestReply) reply = NULL;
      g_autoptr (GBytes) body = NULL;
      Target target = { 0 };

      row->prepare (&matrix, &target);
      if (target.path == NULL)
        target.path = g_strdup (row->route);
      if (target.body != NULL)
        body = g_bytes_new (target.body, strlen (target.body));
      reply = eb_test_request_full (matrix.server, row->method, target.path, matrix.tokens[caller],
                                    body != NULL ? "application/json" : NULL, body, NULL, FALSE);
      if (!status_matches (reply->status, row->expect[caller]))
        g_string_append_printf (mismatches, "\n  %s: expected %c, got %u: %s", caller_names[caller],
                                row->expect[caller], reply->status, eb_test_reply_text (reply));
      if (reply->status >= 400)
        eb_test_assert_problem (reply, reply->status);
      if (reply->status == 401)
        g_assert_true (g_str_has_prefix (eb_test_reply_header (reply, "WWW-Authenticate"),
                                         "Bearer realm=\"eboard\""));
      target_clear (&target);
    }
  matrix_clear (&matrix);
  if (mismatches->len > 0)
    g_error ("%s %s:%s", row->method, row->route, mismatches->str);
}

/* The matrix covers the router's table exactly. */
static void
test_coverage (void)
{
  guint n = 0;
  const EbApiRoute *routes = eb_api_routes (&n);

  g_assert_cmpuint (n, ==, G_N_ELEMENTS (matrix_rows));
  for (guint i = 0; i < n; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (matrix_rows) && !found; j++)
        found = strcmp (routes[i].method, matrix_rows[j].method) == 0
                && strcmp (routes[i].path, matrix_rows[j].route) == 0;
      if (!found)
        g_error ("the matrix lacks %s %s", routes[i].method, routes[i].path);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/api/auth/coverage", test_coverage);
  for (guint i = 0; i < G_N_ELEMENTS (matrix_rows); i++)
    {
      g_autofree char *method = g_ascii_strdown (matrix_rows[i].method, -1);
      g_autofree char *name
          = g_strdup_printf ("/eboard/api/auth/%s%s", method, matrix_rows[i].route);

      g_test_add_data_func (name, &matrix_rows[i], test_route);
    }
  return g_test_run ();
}
