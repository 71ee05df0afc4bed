/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "eb-api-test-live.h"

/*
 * The conference as the join page sees it, through a real server and a
 * real libsoup client with join credentials: its state before and while
 * live, the chair moving it from case to case (statuses, the timeline,
 * the events WebSocket), every refusal, and a participant taken off the
 * roster losing their events WebSocket within a second. One case
 * publishes real media (ffmpeg over SRT into a real media plane) to see
 * its track listed.
 */

#define PUBLIC_URL "https://eboard.example.org"
#define STUN "stun://stun.example.org:3478"
#define TURN "turn://relay%40north:s3cr%3Aet@turn.example.org:3479?transport=tcp"
/* A participant taken off the roster is disconnected within this. */
#define REMOVAL_CLOSE_US (1 * G_USEC_PER_SEC)

typedef struct
{
  EbTestServer *server;
  guint8 key[EB_JOIN_KEY_LENGTH];
  EbId hub;
  EbId north;
  EbId chair;
  EbId panelist;
  EbId presenter;
  EbId off;
  char *chair_token;
  char *panelist_token;
  char *presenter_token;
  char *off_token;
  char *coordinator_token;
  EbPrincipal coordinator;
  guint serial;
} Conf;

/* One session of the fixture. */
typedef struct
{
  EbId id;
  EbId items[3];
  EbId panelist_entry;
} Board;

static void
set_live_settings (Conf *conf, EbMediaPlane *media, const char *recordings)
{
  const char *const turn[] = { TURN, "turn://nobody@turn.example.org", NULL };
  EbLiveSettings settings = {
    .srt_host = "127.0.0.1",
    .recordings_dir = recordings,
    .stun_server = STUN,
    .turn_servers = turn,
  };

  /* The second TURN server has no password: it is left out. */
  g_test_expect_message ("eboard-service", G_LOG_LEVEL_WARNING, "*ICE server*left out*");
  eb_service_set_media_plane (conf->server->service, media, conf->key, sizeof conf->key, &settings);
  g_test_assert_expected_messages ();
}

static void
conf_setup (Conf *conf, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  EbId coordinator;

  conf->server = eb_test_server_new (NULL);
  g_object_set (conf->server->service, "public-url", PUBLIC_URL "/", NULL);
  for (guint i = 0; i < sizeof conf->key; i++)
    conf->key[i] = (guint8)(i * 11 + 5);
  set_live_settings (conf, NULL, NULL);
  conf->hub = eb_test_seed_site (conf->server, "HUB", EB_SITE_STATUS_ACTIVE, TRUE);
  conf->north = eb_test_seed_site (conf->server, "NORTH", EB_SITE_STATUS_ACTIVE, FALSE);
  conf->chair = eb_test_seed_person (conf->server, conf->hub, "Ana Chair", "surgery");
  conf->panelist = eb_test_seed_person (conf->server, conf->north, "Ben Panel", "pathology");
  conf->presenter = eb_test_seed_person (conf->server, conf->north, "Cy Presenter", "surgery");
  conf->off = eb_test_seed_person (conf->server, conf->hub, "Dee Off", "surgery");
  coordinator = eb_test_seed_person (conf->server, conf->hub, "Coordinator", "surgery");
  conf->chair_token = eb_api_test_token (conf->server, EB_ROLE_CLINICIAN, conf->chair, NULL);
  conf->panelist_token = eb_api_test_token (conf->server, EB_ROLE_CLINICIAN, conf->panelist, NULL);
  conf->presenter_token
      = eb_api_test_token (conf->server, EB_ROLE_CLINICIAN, conf->presenter, NULL);
  conf->off_token = eb_api_test_token (conf->server, EB_ROLE_CLINICIAN, conf->off, NULL);
  conf->coordinator_token
      = eb_api_test_token (conf->server, EB_ROLE_COORDINATOR, coordinator, NULL);
  g_assert_true (eb_service_authenticate (conf->server->service, conf->coordinator_token,
                                          &conf->coordinator, &error));
  g_assert_no_error (error);
}

static void
conf_teardown (Conf *conf, gconstpointer data)
{
  g_clear_pointer (&conf->chair_token, g_free);
  g_clear_pointer (&conf->panelist_token, g_free);
  g_clear_pointer (&conf->presenter_token, g_free);
  g_clear_pointer (&conf->off_token, g_free);
  g_clear_pointer (&conf->coordinator_token, g_free);
  g_clear_pointer (&conf->server, eb_test_server_free);
}

static EbId
add_item (Conf *conf, EbId session, const char *summary, gint minutes)
{
  g_autoptr (EbAgendaItem) input = eb_agenda_item_new ();
  g_autoptr (EbAgendaItem) item = NULL;
  g_autoptr (GError) error = NULL;

  input->session_id = session;
  input->presenting_site_id = conf->north;
  input->presenter_id = conf->presenter;
  input->summary = g_strdup (summary);
  input->question = g_strdup ("Surgery or radiation?");
  input->minutes = minutes;
  item = eb_service_add_agenda_item (conf->server->service, &conf->server->admin, input, &error);
  g_assert_no_error (error);
  return item->id;
}

/* A scheduled session: the chair, the panelist and the presenter on its
 * roster (the off person is not), three cases on its agenda. */
static Board
new_board (Conf *conf)
{
  EbTestServer *server = conf->server;
  Board board = { 0 };

  board.id = eb_api_test_new_session (
      server, conf->hub, 1795055400 + (gint64)(++conf->serial) * 24 * 3600, "Europe/Berlin");
  eb_api_test_add_entry (server, board.id, conf->chair, EB_ROSTER_ROLE_CHAIR, TRUE);
  board.panelist_entry
      = eb_api_test_add_entry (server, board.id, conf->panelist, EB_ROSTER_ROLE_PANELIST, TRUE);
  eb_api_test_add_entry (server, board.id, conf->presenter, EB_ROSTER_ROLE_PRESENTER, TRUE);
  board.items[0] = add_item (conf, board.id, "A 3 cm lung mass in a 61-year-old.", 10);
  board.items[1] = add_item (conf, board.id, "Recurrent thymoma after resection.", 15);
  board.items[2] = add_item (conf, board.id, "Mesothelioma, stage II.", 10);
  eb_api_test_schedule (server, board.id);
  return board;
}

static void
start_board (Conf *conf, const Board *board)
{
  eb_api_test_start (conf->server, &conf->coordinator, board->id);
}

static void
end_board (Conf *conf, const Board *board)
{
  g_autoptr (EbRecording) recording = eb_api_test_end (conf->server, &conf->coordinator, board->id);
}

/* The join credential of the holder of @token, from GET /join; @join_url:
 * (out) (optional) (transfer full): the join page link. */
static char *
credential_of (Conf *conf, EbId session, const char *token, char **join_url)
{
  g_autofree char *path = eb_api_test_session_path (session, "/join");
  g_autoptr (EbTestReply) reply = eb_test_request (conf->server, "GET", path, token, NULL);
  JsonObject *object;

  g_assert_cmpuint (reply->status, ==, 200);
  object = eb_test_reply_object (reply);
  if (join_url != NULL)
    *join_url = g_strdup (json_object_get_string_member (object, "join_url"));
  return g_strdup (json_object_get_string_member (object, "credential"));
}

static EbTestReply *
get_conference (Conf *conf, EbId session, const char *credential)
{
  g_autofree char *path = eb_api_test_session_path (session, "/conference");

  return eb_test_request (conf->server, "GET", path, credential, NULL);
}

static EbTestReply *
move_case (Conf *conf, EbId session, const char *credential, EbId item)
{
  g_autofree char *path = eb_api_test_session_path (session, "/conference/case");
  g_autofree char *body = eb_test_json ("{\"agenda_item_id\": %" G_GINT64_FORMAT "}", item);

  return eb_test_request (conf->server, "POST", path, credential, body);
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, name)));
  return json_object_get_object_member (object, name);
}

static JsonArray *
member_array (JsonObject *object, const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, name)));
  return json_object_get_array_member (object, name);
}

/* The agenda entry @id of a conference state. */
static JsonObject *
agenda_entry (JsonObject *state, EbId id)
{
  JsonArray *agenda = member_array (state, "agenda");

  for (guint i = 0; i < json_array_get_length (agenda); i++)
    {
      JsonObject *entry = json_array_get_object_element (agenda, i);

      if (json_object_get_int_member (entry, "id") == id)
        return entry;
    }
  g_assert_not_reached ();
  return NULL;
}

static const char *
case_status (JsonObject *state, EbId id)
{
  return json_object_get_string_member (agenda_entry (state, id), "status");
}

/* The participant @person_id of a conference state, or %NULL. */
static JsonObject *
participant (JsonObject *state, EbId person_id)
{
  JsonArray *participants = member_array (state, "participants");

  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      JsonObject *entry = json_array_get_object_element (participants, i);

      if (json_object_get_int_member (entry, "person_id") == person_id)
        return entry;
    }
  return NULL;
}

static gboolean
is_null_member (JsonObject *object, const char *name)
{
  return json_object_has_member (object, name)
         && JSON_NODE_HOLDS_NULL (json_object_get_member (object, name));
}

/* --- the events WebSocket --- */

/* Opens the session's events WebSocket with @credential, as the
 * `access_token` query parameter (as browsers do) when @in_query, else as
 * a bearer header. Returns once connected or refused. */
static EbApiTestWs *
ws_connect (Conf *conf, EbId session, const char *credential, gboolean in_query)
{
  g_autofree char *path = eb_api_test_session_path (session, "/events");

  return eb_api_test_ws_connect (conf->server, path, credential, in_query);
}

/* --- the state --- */

static void
check_ice_servers (JsonObject *state)
{
  JsonArray *servers = member_array (state, "ice_servers");
  JsonObject *stun, *turn;

  g_assert_cmpuint (json_array_get_length (servers), ==, 2);
  stun = json_array_get_object_element (servers, 0);
  g_assert_cmpstr (json_array_get_string_element (member_array (stun, "urls"), 0), ==,
                   "stun:stun.example.org:3478");
  g_assert_false (json_object_has_member (stun, "username"));
  g_assert_false (json_object_has_member (stun, "credential"));
  turn = json_array_get_object_element (servers, 1);
  g_assert_cmpuint (json_array_get_length (member_array (turn, "urls")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (member_array (turn, "urls"), 0), ==,
                   "turn:turn.example.org:3479?transport=tcp");
  /* percent-decoded */
  g_assert_cmpstr (json_object_get_string_member (turn, "username"), ==, "relay@north");
  g_assert_cmpstr (json_object_get_string_member (turn, "credential"), ==, "s3cr:et");
}

/* Before the session is live, and while it is: the contract's fields. */
static void
test_state (Conf *conf, gconstpointer data)
{
  Board board = new_board (conf);
  g_autofree char *join_url = NULL;
  g_autofree char *expected_url = NULL;
  g_autofree char *chair = credential_of (conf, board.id, conf->chair_token, &join_url);
  g_autofree char *panelist = credential_of (conf, board.id, conf->panelist_token, NULL);
  g_autofree char *whip = eb_api_test_session_path (board.id, "/whip");
  g_autofree char *whep = eb_api_test_session_path (board.id, "/whep");
  g_autofree char *events = eb_api_test_session_path (board.id, "/events");
  g_autoptr (EbTestReply) before = NULL;
  g_autoptr (EbTestReply) as_panelist = NULL;
  g_autoptr (EbTestReply) live = NULL;
  JsonObject *state, *session, *me, *item, *member;
  JsonArray *participants;

  /* The personal link: the credential in the fragment. */
  expected_url = g_strdup_printf (PUBLIC_URL "/join/#session=%" G_GINT64_FORMAT "&credential=%s",
                                  board.id, chair);
  g_assert_cmpstr (join_url, ==, expected_url);

  before = get_conference (conf, board.id, chair);
  g_assert_cmpuint (before->status, ==, 200);
  g_assert_cmpstr (eb_test_reply_header (before, "Cache-Control"), ==, "no-store");
  state = eb_test_reply_object (before);
  session = member_object (state, "session");
  g_assert_cmpint (json_object_get_int_member (session, "id"), ==, board.id);
  g_assert_cmpstr (json_object_get_string_member (session, "title"), ==, "Thoracic board");
  g_assert_cmpstr (json_object_get_string_member (session, "state"), ==, "scheduled");
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$",
                                       json_object_get_string_member (session, "starts_at"), 0, 0));
  me = member_object (state, "me");
  g_assert_cmpint (json_object_get_int_member (me, "person_id"), ==, conf->chair);
  g_assert_cmpstr (json_object_get_string_member (me, "display_name"), ==, "Ana Chair");
  g_assert_cmpint (json_object_get_int_member (me, "site_id"), ==, conf->hub);
  g_assert_cmpstr (json_object_get_string_member (me, "site_name"), ==, "Site HUB");
  g_assert_true (json_object_get_boolean_member (me, "is_chair"));
  g_assert_true (is_null_member (state, "current_case_id"));

  g_assert_cmpuint (json_array_get_length (member_array (state, "agenda")), ==, 3);
  item = json_array_get_object_element (member_array (state, "agenda"), 1);
  g_assert_cmpint (json_object_get_int_member (item, "id"), ==, board.items[1]);
  g_assert_cmpint (json_object_get_int_member (item, "position"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (item, "summary"), ==,
                   "Recurrent thymoma after resection.");
  g_assert_cmpstr (json_object_get_string_member (item, "question"), ==, "Surgery or radiation?");
  g_assert_cmpint (json_object_get_int_member (item, "minutes"), ==, 15);
  g_assert_cmpstr (json_object_get_string_member (item, "presenting_site_name"), ==, "Site NORTH");
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (case_status (state, board.items[i]), ==, "pending");

  /* The roster, chair first; nobody connected, nothing published. */
  participants = member_array (state, "participants");
  g_assert_cmpuint (json_array_get_length (participants), ==, 3);
  g_assert_cmpint (
      json_object_get_int_member (json_array_get_object_element (participants, 0), "person_id"), ==,
      conf->chair);
  member = participant (state, conf->panelist);
  g_assert_nonnull (member);
  g_assert_cmpstr (json_object_get_string_member (member, "display_name"), ==, "Ben Panel");
  g_assert_cmpint (json_object_get_int_member (member, "site_id"), ==, conf->north);
  g_assert_cmpstr (json_object_get_string_member (member, "site_name"), ==, "Site NORTH");
  g_assert_false (json_object_get_boolean_member (member, "is_chair"));
  g_assert_false (json_object_get_boolean_member (member, "present"));
  g_assert_cmpuint (json_array_get_length (member_array (member, "tracks")), ==, 0);
  g_assert_null (participant (state, conf->off));

  g_assert_cmpstr (json_object_get_string_member (state, "whip_url"), ==, whip);
  g_assert_cmpstr (json_object_get_string_member (state, "whep_url"), ==, whep);
  g_assert_cmpstr (json_object_get_string_member (state, "events_url"), ==, events);
  check_ice_servers (state);

  as_panelist = get_conference (conf, board.id, panelist);
  g_assert_cmpuint (as_panelist->status, ==, 200);
  me = member_object (eb_test_reply_object (as_panelist), "me");
  g_assert_cmpint (json_object_get_int_member (me, "person_id"), ==, conf->panelist);
  g_assert_false (json_object_get_boolean_member (me, "is_chair"));

  start_board (conf, &board);
  live = get_conference (conf, board.id, chair);
  g_assert_cmpuint (live->status, ==, 200);
  state = eb_test_reply_object (live);
  g_assert_cmpstr (json_object_get_string_member (member_object (state, "session"), "state"), ==,
                   "live");
  g_assert_true (is_null_member (state, "current_case_id"));
  end_board (conf, &board);
}

/* Who may read the state: join credentials of this session's roster only. */
static void
test_refused (Conf *conf, gconstpointer data)
{
  Board board = new_board (conf);
  Board other = new_board (conf);
  g_autofree char *chair = credential_of (conf, board.id, conf->chair_token, NULL);
  g_autofree char *forged = g_strdup (chair);
  g_autofree char *path = eb_api_test_session_path (board.id, "/conference");
  g_autoptr (EbTestReply) anonymous = NULL;
  g_autoptr (EbTestReply) api_token = NULL;
  g_autoptr (EbTestReply) bad = NULL;
  g_autoptr (EbTestReply) other_session = NULL;
  g_autoptr (EbTestReply) unknown = NULL;
  g_autoptr (EbTestReply) bad_id = NULL;
  g_autoptr (EbTestReply) method = NULL;

  anonymous = eb_test_request (conf->server, "GET", path, NULL, NULL);
  eb_test_assert_problem (anonymous, 401);
  g_assert_nonnull (eb_test_reply_header (anonymous, "WWW-Authenticate"));
  /* An API token is not a join credential. */
  api_token = get_conference (conf, board.id, conf->chair_token);
  eb_test_assert_problem (api_token, 401);
  forged[strlen (forged) - 2] = forged[strlen (forged) - 2] == 'A' ? 'B' : 'A';
  bad = get_conference (conf, board.id, forged);
  eb_test_assert_problem (bad, 401);
  other_session = get_conference (conf, other.id, chair);
  eb_test_assert_problem (other_session, 403);
  unknown = get_conference (conf, 999999, chair);
  eb_test_assert_problem (unknown, 404);
  bad_id = get_conference (conf, 0, chair);
  eb_test_assert_problem (bad_id, 400);
  method = eb_test_request (conf->server, "DELETE", path, chair, NULL);
  eb_test_assert_problem (method, 405);
}

/* The chair moves the live session from case to case. */
static void
test_move_case (Conf *conf, gconstpointer data)
{
  Board board = new_board (conf);
  Board other = new_board (conf);
  g_autofree char *chair = credential_of (conf, board.id, conf->chair_token, NULL);
  g_autofree char *panelist = credential_of (conf, board.id, conf->panelist_token, NULL);
  g_autofree char *timeline_path = eb_api_test_session_path (board.id, "/timeline?limit=500");
  g_autoptr (EbApiTestWs) chair_ws = NULL;
  g_autoptr (EbApiTestWs) panelist_ws = NULL;
  g_autoptr (EbTestReply) first = NULL;
  g_autoptr (EbTestReply) second = NULL;
  g_autoptr (EbTestReply) again = NULL;
  g_autoptr (EbTestReply) timeline = NULL;
  g_autoptr (EbTestReply) as_panelist = NULL;
  g_autoptr (EbTestReply) foreign_item = NULL;
  g_autoptr (EbTestReply) missing_item = NULL;
  JsonObject *state, *event;
  JsonArray *items;
  g_autofree char *detail = NULL;
  guint n_changed = 0;

  start_board (conf, &board);
  /* Browsers pass the credential in the query; a bearer works too. */
  chair_ws = ws_connect (conf, board.id, chair, TRUE);
  g_assert_no_error (chair_ws->error);
  g_assert_true (chair_ws->connected);
  panelist_ws = ws_connect (conf, board.id, panelist, FALSE);
  g_assert_true (panelist_ws->connected);

  first = move_case (conf, board.id, chair, board.items[1]);
  g_assert_cmpuint (first->status, ==, 200);
  state = eb_test_reply_object (first);
  g_assert_cmpint (json_object_get_int_member (state, "current_case_id"), ==, board.items[1]);
  g_assert_cmpstr (case_status (state, board.items[1]), ==, "discussing");
  g_assert_cmpstr (case_status (state, board.items[0]), ==, "pending");
  g_assert_cmpstr (case_status (state, board.items[2]), ==, "pending");

  /* Pushed to every participant's socket. */
  detail = g_strdup_printf ("%" G_GINT64_FORMAT, board.items[1]);
  event = eb_api_test_ws_wait_kind (chair_ws, "case-changed", 0);
  g_assert_cmpstr (json_object_get_string_member (event, "detail"), ==, detail);
  g_assert_cmpint (json_object_get_int_member (event, "person_id"), ==, conf->chair);
  g_assert_cmpint (json_object_get_int_member (event, "session_id"), ==, board.id);
  event = eb_api_test_ws_wait_kind (panelist_ws, "case-changed", 0);
  g_assert_cmpstr (json_object_get_string_member (event, "detail"), ==, detail);

  second = move_case (conf, board.id, chair, board.items[2]);
  g_assert_cmpuint (second->status, ==, 200);
  state = eb_test_reply_object (second);
  g_assert_cmpint (json_object_get_int_member (state, "current_case_id"), ==, board.items[2]);
  g_assert_cmpstr (case_status (state, board.items[2]), ==, "discussing");
  g_assert_cmpstr (case_status (state, board.items[1]), ==, "discussed");
  g_assert_cmpstr (case_status (state, board.items[0]), ==, "pending");
  g_clear_pointer (&detail, g_free);
  detail = g_strdup_printf ("%" G_GINT64_FORMAT, board.items[2]);
  event = eb_api_test_ws_wait_kind (panelist_ws, "case-changed", 1);
  g_assert_cmpstr (json_object_get_string_member (event, "detail"), ==, detail);

  /* Moving to the current case changes nothing. */
  again = move_case (conf, board.id, chair, board.items[2]);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (again), "current_case_id"), ==,
                   board.items[2]);

  /* Refusals, each with problem details and nothing changed. */
  as_panelist = move_case (conf, board.id, panelist, board.items[0]);
  eb_test_assert_problem (as_panelist, 403);
  foreign_item = move_case (conf, board.id, chair, other.items[0]);
  eb_test_assert_problem (foreign_item, 404);
  missing_item = move_case (conf, board.id, chair, 999999);
  eb_test_assert_problem (missing_item, 404);

  /* The timeline keeps both moves, in order, with offsets. */
  timeline = eb_test_request (conf->server, "GET", timeline_path, conf->chair_token, NULL);
  g_assert_cmpuint (timeline->status, ==, 200);
  items = member_array (eb_test_reply_object (timeline), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *stored = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (stored, "kind"), "case-changed") != 0)
        continue;
      n_changed++;
      g_assert_cmpint (json_object_get_int_member (stored, "person_id"), ==, conf->chair);
      g_assert_cmpint (json_object_get_int_member (stored, "offset_ms"), >=, 0);
      g_assert_cmpint (g_ascii_strtoll (json_object_get_string_member (stored, "detail"), NULL, 10),
                       ==, n_changed == 1 ? board.items[1] : board.items[2]);
    }
  g_assert_cmpuint (n_changed, ==, 2);
  g_assert_cmpuint (eb_api_test_ws_count_kind (chair_ws, "case-changed"), ==, 2);
  g_assert_false (chair_ws->closed);
  end_board (conf, &board);
}

/* A session that is not live does not move; bodies that do not parse
 * are refused. */
static void
test_move_refused (Conf *conf, gconstpointer data)
{
  Board board = new_board (conf);
  g_autofree char *chair = credential_of (conf, board.id, conf->chair_token, NULL);
  g_autofree char *path = eb_api_test_session_path (board.id, "/conference/case");
  static const char *const malformed[] = {
    "{\"agenda_item_id\": ",
    "[1]",
    "{}",
    "{\"agenda_item_id\": \"1\"}",
    "{\"agenda_item_id\": 0}",
    "{\"agenda_item_id\": -3}",
    "{\"agenda_item_id\": 1.5}",
    "{\"agenda_item_id\": 1, \"force\": true}",
  };
  g_autoptr (EbTestReply) scheduled = NULL;
  g_autoptr (EbTestReply) ended = NULL;
  g_autoptr (EbTestReply) plain = NULL;
  g_autoptr (EbTestReply) state = NULL;

  scheduled = move_case (conf, board.id, chair, board.items[0]);
  eb_test_assert_problem (scheduled, 409);

  start_board (conf, &board);
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (EbTestReply) reply
          = eb_test_request (conf->server, "POST", path, chair, malformed[i]);

      g_test_message ("body %s", malformed[i]);
      eb_test_assert_problem (reply, 400);
    }
  {
    g_autoptr (GBytes) body = g_bytes_new_static ("agenda_item_id=1", 16);

    plain
        = eb_test_request_full (conf->server, "POST", path, chair, "text/plain", body, NULL, FALSE);
    eb_test_assert_problem (plain, 415);
  }
  state = get_conference (conf, board.id, chair);
  g_assert_true (is_null_member (eb_test_reply_object (state), "current_case_id"));

  end_board (conf, &board);
  ended = move_case (conf, board.id, chair, board.items[0]);
  eb_test_assert_problem (ended, 409);
}

/* The events WebSocket refuses credentials that do not open the session. */
static void
test_events_refused (Conf *conf, gconstpointer data)
{
  Board board = new_board (conf);
  Board other = new_board (conf);
  g_autofree char *chair = credential_of (conf, board.id, conf->chair_token, NULL);
  g_autofree char *other_chair = credential_of (conf, other.id, conf->chair_token, NULL);
  g_autofree char *forged = NULL;
  g_autoptr (EbApiTestWs) bad = NULL;
  g_autoptr (EbApiTestWs) bad_header = NULL;
  g_autoptr (EbApiTestWs) wrong_session = NULL;
  g_autoptr (EbApiTestWs) good = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (EbJoinDetails) details = NULL;

  /* A credential signed with another key: shaped right, forged. */
  {
    guint8 other_key[EB_JOIN_KEY_LENGTH] = { 0 };
    EbJoinClaims claims = {
      .session_id = board.id,
      .person_id = conf->chair,
      .expires_at = g_get_real_time () / G_USEC_PER_SEC + 3600,
    };

    forged = eb_join_credential_issue (other_key, sizeof other_key, &claims);
  }
  bad = ws_connect (conf, board.id, forged, TRUE);
  g_assert_true (bad->failed);
  g_assert_cmpuint (soup_message_get_status (bad->message), ==, 401);
  bad_header = ws_connect (conf, board.id, forged, FALSE);
  g_assert_true (bad_header->failed);
  g_assert_cmpuint (soup_message_get_status (bad_header->message), ==, 401);
  wrong_session = ws_connect (conf, board.id, other_chair, TRUE);
  g_assert_true (wrong_session->failed);
  g_assert_cmpuint (soup_message_get_status (wrong_session->message), ==, 403);

  good = ws_connect (conf, board.id, chair, TRUE);
  g_assert_true (good->connected);
  g_assert_cmpuint (eb_api_server_get_in_flight (conf->server->server), ==, 0);
}

/* A participant taken off the roster loses their socket at once. */
static void
test_removed (Conf *conf, gconstpointer data)
{
  Board board = new_board (conf);
  g_autofree char *chair = credential_of (conf, board.id, conf->chair_token, NULL);
  g_autofree char *panelist = credential_of (conf, board.id, conf->panelist_token, NULL);
  g_autofree char *entry_path = NULL;
  g_autoptr (EbApiTestWs) chair_ws = NULL;
  g_autoptr (EbApiTestWs) panelist_ws = NULL;
  g_autoptr (EbApiTestWs) again = NULL;
  g_autoptr (EbTestReply) before = NULL;
  g_autoptr (EbTestReply) removed = NULL;
  g_autoptr (EbTestReply) after = NULL;
  g_autoptr (EbTestReply) chair_view = NULL;
  g_autoptr (EbTestReply) moved = NULL;
  gint64 removed_at;

  start_board (conf, &board);
  chair_ws = ws_connect (conf, board.id, chair, TRUE);
  panelist_ws = ws_connect (conf, board.id, panelist, TRUE);
  g_assert_true (chair_ws->connected);
  g_assert_true (panelist_ws->connected);
  before = get_conference (conf, board.id, panelist);
  g_assert_cmpuint (before->status, ==, 200);

  entry_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster/%" G_GINT64_FORMAT,
                                board.id, board.panelist_entry);
  /* No event follows the removal (no media plane here) and the periodic
   * check is seconds away: only the removal itself can close it in time. */
  removed_at = g_get_monotonic_time ();
  removed = eb_test_request (conf->server, "DELETE", entry_path, conf->coordinator_token, NULL);
  g_assert_cmpuint (removed->status, ==, 204);
  while (!panelist_ws->closed && g_get_monotonic_time () - removed_at < 3 * REMOVAL_CLOSE_US)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (panelist_ws->closed);
  g_test_message ("closed %" G_GINT64_FORMAT " ms after the removal",
                  (panelist_ws->closed_at - removed_at) / 1000);
  g_assert_cmpint (panelist_ws->closed_at - removed_at, <, REMOVAL_CLOSE_US);
  g_assert_cmpint (soup_websocket_connection_get_close_code (panelist_ws->connection), ==,
                   SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);

  /* Their credential opens nothing any more; the others carry on. */
  after = get_conference (conf, board.id, panelist);
  eb_test_assert_problem (after, 403);
  again = ws_connect (conf, board.id, panelist, TRUE);
  g_assert_true (again->failed);
  g_assert_cmpuint (soup_message_get_status (again->message), ==, 403);
  chair_view = get_conference (conf, board.id, chair);
  g_assert_cmpuint (chair_view->status, ==, 200);
  g_assert_null (participant (eb_test_reply_object (chair_view), conf->panelist));
  moved = move_case (conf, board.id, chair, board.items[0]);
  g_assert_cmpuint (moved->status, ==, 200);
  eb_api_test_ws_wait_kind (chair_ws, "case-changed", 0);
  g_assert_false (chair_ws->closed);
  end_board (conf, &board);
}

/* Revoking a participant's join credentials closes their socket at once;
 * a credential issued afterwards works. */
static void
test_revoked (Conf *conf, gconstpointer data)
{
  Board board = new_board (conf);
  g_autofree char *chair = credential_of (conf, board.id, conf->chair_token, NULL);
  g_autofree char *panelist = credential_of (conf, board.id, conf->panelist_token, NULL);
  g_autofree char *renewed = NULL;
  g_autofree char *revoke_path = NULL;
  g_autoptr (EbApiTestWs) chair_ws = NULL;
  g_autoptr (EbApiTestWs) panelist_ws = NULL;
  g_autoptr (EbApiTestWs) again = NULL;
  g_autoptr (EbTestReply) revoked = NULL;
  g_autoptr (EbTestReply) refused = NULL;
  g_autoptr (EbTestReply) accepted = NULL;
  gint64 revoked_at;

  start_board (conf, &board);
  chair_ws = ws_connect (conf, board.id, chair, TRUE);
  panelist_ws = ws_connect (conf, board.id, panelist, FALSE);
  g_assert_true (chair_ws->connected);
  g_assert_true (panelist_ws->connected);

  revoke_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster/%" G_GINT64_FORMAT
                                 "/revoke-join",
                                 board.id, board.panelist_entry);
  revoked_at = g_get_monotonic_time ();
  revoked = eb_test_request (conf->server, "POST", revoke_path, conf->coordinator_token, NULL);
  g_assert_cmpuint (revoked->status, ==, 204);
  while (!panelist_ws->closed && g_get_monotonic_time () - revoked_at < 3 * REMOVAL_CLOSE_US)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (panelist_ws->closed);
  g_test_message ("closed %" G_GINT64_FORMAT " ms after the revocation",
                  (panelist_ws->closed_at - revoked_at) / 1000);
  g_assert_cmpint (panelist_ws->closed_at - revoked_at, <, REMOVAL_CLOSE_US);
  g_assert_cmpint (soup_websocket_connection_get_close_code (panelist_ws->connection), ==,
                   SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  g_assert_false (chair_ws->closed);

  refused = get_conference (conf, board.id, panelist);
  eb_test_assert_problem (refused, 403);
  renewed = credential_of (conf, board.id, conf->panelist_token, NULL);
  accepted = get_conference (conf, board.id, renewed);
  g_assert_cmpuint (accepted->status, ==, 200);
  again = ws_connect (conf, board.id, renewed, TRUE);
  g_assert_true (again->connected);
  end_board (conf, &board);
}

/* --- real media: a track published over SRT is listed --- */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* ffmpeg publishing test video and a tone in real time to @url. */
static GSubprocess *
spawn_sender (const char *ffmpeg, const char *url)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { ffmpeg,
                         "-hide_banner",
                         "-nostdin",
                         "-nostats",
                         "-loglevel",
                         "error",
                         "-re",
                         "-f",
                         "lavfi",
                         "-i",
                         "testsrc2=size=320x240:rate=25",
                         "-re",
                         "-f",
                         "lavfi",
                         "-i",
                         "sine=frequency=440:sample_rate=48000",
                         "-t",
                         "30",
                         "-c:v",
                         "libx264",
                         "-preset",
                         "ultrafast",
                         "-tune",
                         "zerolatency",
                         "-g",
                         "25",
                         "-pix_fmt",
                         "yuv420p",
                         "-c:a",
                         "aac",
                         "-f",
                         "mpegts",
                         url,
                         NULL };
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static void
test_live_track (Conf *conf, gconstpointer data)
{
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");
  EbApiTestMedia media = { 0 };
  g_autoptr (GSubprocess) sender = NULL;
  g_autoptr (EbApiTestWs) chair_ws = NULL;
  g_autoptr (EbTestReply) join = NULL;
  g_autoptr (EbTestReply) listed = NULL;
  g_autoptr (EbTestReply) gone = NULL;
  g_autoptr (EbTestReply) removed = NULL;
  g_autofree char *join_path = NULL;
  g_autofree char *entry_path = NULL;
  g_autofree char *track = NULL;
  g_autofree char *chair = NULL;
  JsonObject *member, *event;
  Board board;

  if (ffmpeg == NULL)
    {
      g_test_skip ("ffmpeg is not installed");
      return;
    }
  eb_api_test_media_start (&media, conf->key, sizeof conf->key, NULL);
  set_live_settings (conf, media.plane, media.recordings_dir);

  board = new_board (conf);
  start_board (conf, &board);
  chair = credential_of (conf, board.id, conf->chair_token, NULL);
  chair_ws = ws_connect (conf, board.id, chair, TRUE);
  g_assert_true (chair_ws->connected);

  /* The panelist's encoder publishes with their own join details. */
  join_path = eb_api_test_session_path (board.id, "/join");
  join = eb_test_request (conf->server, "GET", join_path, conf->panelist_token, NULL);
  g_assert_cmpuint (join->status, ==, 200);
  sender = spawn_sender (
      ffmpeg, json_object_get_string_member (member_object (eb_test_reply_object (join), "srt"),
                                             "publish_url"));
  event = eb_api_test_ws_wait_kind (chair_ws, "track-started", 0);
  track = g_strdup_printf ("p%" G_GINT64_FORMAT "-srt", conf->panelist);
  g_assert_cmpstr (json_object_get_string_member (event, "track"), ==, track);

  listed = get_conference (conf, board.id, chair);
  g_assert_cmpuint (listed->status, ==, 200);
  member = participant (eb_test_reply_object (listed), conf->panelist);
  g_assert_nonnull (member);
  g_assert_true (json_object_get_boolean_member (member, "present"));
  g_assert_cmpuint (json_array_get_length (member_array (member, "tracks")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (member_array (member, "tracks"), 0), ==, track);
  member = participant (eb_test_reply_object (listed), conf->chair);
  g_assert_false (json_object_get_boolean_member (member, "present"));
  g_assert_cmpuint (json_array_get_length (member_array (member, "tracks")), ==, 0);

  /* Taken off the roster: their encoder is cut off and the track ends. */
  entry_path = g_strdup_printf ("/api/v1/sessions/%" G_GINT64_FORMAT "/roster/%" G_GINT64_FORMAT,
                                board.id, board.panelist_entry);
  removed = eb_test_request (conf->server, "DELETE", entry_path, conf->coordinator_token, NULL);
  g_assert_cmpuint (removed->status, ==, 204);
  event = eb_api_test_ws_wait_kind (chair_ws, "track-stopped", 0);
  g_assert_cmpstr (json_object_get_string_member (event, "track"), ==, track);
  eb_api_test_ws_wait_kind (chair_ws, "participant-left", 0);
  gone = get_conference (conf, board.id, chair);
  g_assert_cmpuint (gone->status, ==, 200);
  g_assert_null (participant (eb_test_reply_object (gone), conf->panelist));

  g_subprocess_force_exit (sender);
  g_subprocess_wait (sender, NULL, NULL);
  end_board (conf, &board);
  eb_api_test_media_stop (&media, conf->server);
}

/* --- ICE servers as configured --- */

static void
test_ice_server_parse (void)
{
  static const struct
  {
    const char *text;
    const char *url;
    const char *username;
    const char *credential;
  } good[] = {
    { "stun://stun.example.org:3478", "stun:stun.example.org:3478", NULL, NULL },
    { "stun:stun.example.org", "stun:stun.example.org:3478", NULL, NULL },
    { "stuns://stun.example.org", "stuns:stun.example.org:5349", NULL, NULL },
    { "stun://[2001:db8::1]:3479", "stun:[2001:db8::1]:3479", NULL, NULL },
    { "turn://u:p@turn.example.org:3478", "turn:turn.example.org:3478", "u", "p" },
    { "turn://u%3Ax:p%40w@turn.example.org?transport=udp",
      "turn:turn.example.org:3478?transport=udp", "u:x", "p@w" },
    { "turns://u:p@turn.example.org:443?transport=tcp", "turns:turn.example.org:443?transport=tcp",
      "u", "p" },
  };
  static const char *const bad[] = {
    "",
    "http://stun.example.org",
    "stun.example.org:3478",
    "stun://",
    "stun://u:hidden-secret@stun.example.org",
    "turn://turn.example.org:3478",
    "turn://u@turn.example.org:3478",
    "turn://u:hidden-secret@turn.example.org/path",
    "turn://u:hidden-secret@turn.example.org?transport=sctp",
    "turn://u:hidden-secret@turn.example.org#x",
    "stun://stun.example.org?transport=udp",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EbIceServer) server = eb_ice_server_parse (good[i].text, &error);
      g_autoptr (EbIceServer) copy = NULL;

      g_test_message ("%s", good[i].text);
      g_assert_no_error (error);
      g_assert_nonnull (server);
      g_assert_cmpuint (g_strv_length (server->urls), ==, 1);
      g_assert_cmpstr (server->urls[0], ==, good[i].url);
      g_assert_cmpstr (server->username, ==, good[i].username);
      g_assert_cmpstr (server->credential, ==, good[i].credential);
      copy = eb_ice_server_copy (server);
      g_assert_cmpstr (copy->urls[0], ==, good[i].url);
      g_assert_cmpstr (copy->credential, ==, good[i].credential);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EbIceServer) server = eb_ice_server_parse (bad[i], &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (server);
      g_assert_error (error, EB_ERROR, EB_ERROR_INVALID);
      /* A password is never repeated. */
      g_assert_null (strstr (error->message, "hidden-secret"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/eboard/api/conference/" path, Conf, NULL, conf_setup, func, conf_teardown)

  ADD ("state", test_state);
  ADD ("refused", test_refused);
  ADD ("move-case", test_move_case);
  ADD ("move-refused", test_move_refused);
  ADD ("events-refused", test_events_refused);
  ADD ("removed", test_removed);
  ADD ("revoked", test_revoked);
  ADD ("live-track", test_live_track);
#undef ADD
  g_test_add_func ("/eboard/api/conference/ice-server-parse", test_ice_server_parse);
  return g_test_run ();
}
