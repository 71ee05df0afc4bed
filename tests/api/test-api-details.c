/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include "eb-test-server.h"

/*
 * What a 400 tells through a real server: a string holding U+0000 is
 * listed as an `invalid-field` violation of its member, as a 422 lists
 * its rules; half a surrogate pair is malformed JSON; a token label with
 * control characters is refused like every other one-line text.
 */

static JsonArray *
violations_of (EbTestReply *reply)
{
  JsonObject *problem = eb_test_reply_object (reply);

  g_assert_true (json_object_has_member (problem, "violations"));
  return json_object_get_array_member (problem, "violations");
}

/* A 400 with exactly one `invalid-field` violation of @field whose
 * detail says @needle. */
static void
assert_one_violation (EbTestReply *reply, const char *field, const char *needle)
{
  JsonArray *violations;
  JsonObject *v;

  eb_test_assert_problem (reply, 400);
  violations = violations_of (reply);
  if (json_array_get_length (violations) != 1)
    g_error ("expected one violation: %s", eb_test_reply_text (reply));
  v = json_array_get_object_element (violations, 0);
  g_assert_cmpstr (json_object_get_string_member (v, "rule"), ==, "invalid-field");
  if (field == NULL)
    g_assert_true (json_node_is_null (json_object_get_member (v, "field")));
  else
    g_assert_cmpstr (json_object_get_string_member (v, "field"), ==, field);
  g_assert_nonnull (strstr (json_object_get_string_member (v, "detail"), needle));
}

static void
test_nul_violation (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  struct
  {
    const char *path;
    const char *json;
    const char *field;
  } cases[] = {
    { "/api/v1/sites", "{\"name\": \"a\\u0000b\", \"code\": \"NUL\", \"timezone\": \"UTC\"}",
      "name" },
    { "/api/v1/sites",
      "{\"name\": \"A\", \"code\": \"NUL\", \"timezone\": \"UTC\", \"x\": {\"y\": [\"\\u0000\"]}}",
      "x.y" },
    { "/api/v1/sessions", "{\"title\": \"B\", \"recurrence\": {\"frequency\": \"w\\u0000\"}}",
      "recurrence.frequency" },
    { "/api/v1/tokens", "{\"role\": \"admin\", \"label\": \"\\u0000\"}", "label" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (EbTestReply) reply
          = eb_test_request (server, "POST", cases[i].path, server->admin_token, cases[i].json);
      const char *detail = json_object_get_string_member (eb_test_reply_object (reply), "detail");

      g_test_message ("%s", cases[i].json);
      assert_one_violation (reply, cases[i].field, "U+0000");
      /* the detail still names it, as before */
      g_assert_nonnull (strstr (detail, "holds U+0000"));
    }
  /* a member name holding it: the member cannot be named */
  {
    g_autoptr (EbTestReply) reply = eb_test_request (
        server, "POST", "/api/v1/sites", server->admin_token, "{\"na\\u0000me\": \"A\"}");

    assert_one_violation (reply, NULL, "member name");
  }
  /* malformed JSON still lists nothing */
  {
    g_autoptr (EbTestReply) reply
        = eb_test_request (server, "POST", "/api/v1/sites", server->admin_token, "{\"name\": ");

    eb_test_assert_problem (reply, 400);
    g_assert_false (json_object_has_member (eb_test_reply_object (reply), "violations"));
  }
}

/* Half a surrogate pair is no character: json-glib turned a lone low
 * half into bytes that are not UTF-8, which then reached the problem's
 * messages. It is malformed JSON; a whole pair is a character. */
static void
test_surrogates (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  const char *const bodies[] = {
    "{\"na\\udc00me\": \"A\", \"code\": \"SUR\", \"timezone\": \"UTC\"}",
    "{\"name\": \"A\\udfff\", \"code\": \"SUR\", \"timezone\": \"UTC\"}",
    "{\"name\": \"A\\ud83d\", \"code\": \"SUR\", \"timezone\": \"UTC\"}",
    "{\"name\": \"A\\ud83d\\u0041\", \"code\": \"SUR\", \"timezone\": \"UTC\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (EbTestReply) reply
          = eb_test_request (server, "POST", "/api/v1/sites", server->admin_token, bodies[i]);
      const char *detail;

      g_test_message ("%s", bodies[i]);
      eb_test_assert_problem (reply, 400);
      g_assert_true (g_utf8_validate (eb_test_reply_text (reply), -1, NULL));
      detail = json_object_get_string_member (eb_test_reply_object (reply), "detail");
      g_assert_nonnull (strstr (detail, "malformed JSON: half a surrogate pair"));
    }
  {
    g_autoptr (EbTestReply) reply = eb_test_request (
        server, "POST", "/api/v1/sites", server->admin_token,
        "{\"name\": \"Smile \\ud83d\\ude00\", \"code\": \"SUR\", \"timezone\": \"UTC\"}");

    g_assert_cmpuint (reply->status, ==, 201);
    g_assert_cmpstr (json_object_get_string_member (eb_test_reply_object (reply), "name"), ==,
                     "Smile \xf0\x9f\x98\x80");
  }
}

static void
test_token_label (void)
{
  g_autoptr (EbTestServer) server = eb_test_server_new (NULL);
  const char *const labels[] = { "Laptop\\u001b[2J", "a\\nb", "a\\tb", "c1\\u009b31m" };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autofree char *json = eb_test_json ("{\"role\": \"admin\", \"label\": \"%s\"}", labels[i]);
      g_autoptr (EbTestReply) reply
          = eb_test_request (server, "POST", "/api/v1/tokens", server->admin_token, json);

      g_test_message ("%s", json);
      assert_one_violation (reply, "label", "control characters");
    }
  {
    g_autoptr (EbTestReply) list
        = eb_test_request (server, "GET", "/api/v1/tokens", server->admin_token, NULL);

    g_assert_cmpuint (list->status, ==, 200);
    /* the bootstrap token only */
    g_assert_cmpint (json_object_get_int_member (eb_test_reply_object (list), "total"), ==, 1);
  }
  {
    g_autoptr (EbTestReply) reply
        = eb_test_request (server, "POST", "/api/v1/tokens", server->admin_token,
                           "{\"role\": \"admin\", \"label\": \"Desk\"}");

    g_assert_cmpuint (reply->status, ==, 201);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/eboard/api/details/nul-violation", test_nul_violation);
  g_test_add_func ("/eboard/api/details/surrogates", test_surrogates);
  g_test_add_func ("/eboard/api/details/token-label", test_token_label);
  return g_test_run ();
}
