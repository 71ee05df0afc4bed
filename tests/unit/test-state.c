/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-session.h>
#include <eboard/eb-site.h>

#define N_SITE_STATUSES (EB_SITE_STATUS_WITHDRAWN + 1)
#define N_SESSION_STATES (EB_SESSION_STATE_CANCELLED + 1)

static void
test_site_transitions (void)
{
  /* rows: from, columns: to, in enum order
   * (applicant, vetted, active, suspended, withdrawn) */
  const gboolean expected[N_SITE_STATUSES][N_SITE_STATUSES] = {
    /* applicant */ { FALSE, TRUE, FALSE, FALSE, TRUE },
    /* vetted    */ { FALSE, FALSE, TRUE, FALSE, TRUE },
    /* active    */ { FALSE, FALSE, FALSE, TRUE, TRUE },
    /* suspended */ { FALSE, FALSE, TRUE, FALSE, TRUE },
    /* withdrawn */ { FALSE, FALSE, FALSE, FALSE, FALSE },
  };
  guint allowed = 0;

  for (guint from = 0; from < N_SITE_STATUSES; from++)
    for (guint to = 0; to < N_SITE_STATUSES; to++)
      {
        gboolean got = eb_site_status_can_transition (from, to);

        if (got != expected[from][to])
          g_test_message ("site %s -> %s", eb_site_status_to_string (from),
                          eb_site_status_to_string (to));
        g_assert_cmpint (got, ==, expected[from][to]);
        allowed += got;
      }
  g_assert_cmpuint (allowed, ==, 8);
  /* values outside the enumeration never move */
  g_assert_false (eb_site_status_can_transition (99, EB_SITE_STATUS_ACTIVE));
  g_assert_false (eb_site_status_can_transition (EB_SITE_STATUS_APPLICANT, 99));
}

static void
test_session_transitions (void)
{
  /* rows: from, columns: to, in enum order
   * (draft, scheduled, live, ended, archived, cancelled) */
  const gboolean expected[N_SESSION_STATES][N_SESSION_STATES] = {
    /* draft     */ { FALSE, TRUE, FALSE, FALSE, FALSE, TRUE },
    /* scheduled */ { TRUE, FALSE, TRUE, FALSE, FALSE, TRUE },
    /* live      */ { FALSE, FALSE, FALSE, TRUE, FALSE, FALSE },
    /* ended     */ { FALSE, FALSE, FALSE, FALSE, TRUE, FALSE },
    /* archived  */ { FALSE, FALSE, FALSE, FALSE, FALSE, FALSE },
    /* cancelled */ { FALSE, FALSE, FALSE, FALSE, FALSE, FALSE },
  };
  guint allowed = 0;

  for (guint from = 0; from < N_SESSION_STATES; from++)
    for (guint to = 0; to < N_SESSION_STATES; to++)
      {
        g_autoptr (GError) error = NULL;
        gboolean got = eb_session_state_can_transition (from, to);
        gboolean checked = eb_session_state_check_transition (from, to, &error);

        if (got != expected[from][to])
          g_test_message ("session %s -> %s", eb_session_state_to_string (from),
                          eb_session_state_to_string (to));
        g_assert_cmpint (got, ==, expected[from][to]);
        g_assert_cmpint (checked, ==, expected[from][to]);
        if (expected[from][to])
          {
            g_assert_no_error (error);
          }
        else
          {
            g_autofree char *message = g_strdup_printf ("cannot move a session from %s to %s",
                                                        eb_session_state_to_string (from),
                                                        eb_session_state_to_string (to));
            g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
            g_assert_cmpstr (error->message, ==, message);
          }
        allowed += got;
      }
  g_assert_cmpuint (allowed, ==, 7);
}

static void
test_check_transition_message (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (eb_session_state_check_transition (EB_SESSION_STATE_ENDED,
                                                     EB_SESSION_STATE_SCHEDULED, &error));
  g_assert_error (error, EB_ERROR, EB_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "cannot move a session from ended to scheduled");
  /* a NULL error is allowed */
  g_assert_false (
      eb_session_state_check_transition (EB_SESSION_STATE_CANCELLED, EB_SESSION_STATE_DRAFT, NULL));
  g_assert_true (
      eb_session_state_check_transition (EB_SESSION_STATE_DRAFT, EB_SESSION_STATE_SCHEDULED, NULL));
}

static void
test_state_names (void)
{
  const char *sites[] = { "applicant", "vetted", "active", "suspended", "withdrawn" };
  const char *sessions[] = { "draft", "scheduled", "live", "ended", "archived", "cancelled" };

  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    {
      EbSiteStatus status = 99;

      g_assert_cmpstr (eb_site_status_to_string (i), ==, sites[i]);
      g_assert_true (eb_site_status_from_string (sites[i], &status));
      g_assert_cmpint (status, ==, i);
    }
  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      EbSessionState state = 99;

      g_assert_cmpstr (eb_session_state_to_string (i), ==, sessions[i]);
      g_assert_true (eb_session_state_from_string (sessions[i], &state));
      g_assert_cmpint (state, ==, i);
    }
  g_assert_null (eb_site_status_to_string (N_SITE_STATUSES));
  g_assert_null (eb_session_state_to_string (N_SESSION_STATES));
  g_assert_false (eb_site_status_from_string ("Active", NULL));
  g_assert_false (eb_site_status_from_string ("", NULL));
  g_assert_false (eb_session_state_from_string ("canceled", NULL));
  g_assert_false (eb_session_state_from_string (NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/eboard/core/state/site", test_site_transitions);
  g_test_add_func ("/eboard/core/state/session", test_session_transitions);
  g_test_add_func ("/eboard/core/state/session-message", test_check_transition_message);
  g_test_add_func ("/eboard/core/state/names", test_state_names);
  return g_test_run ();
}
