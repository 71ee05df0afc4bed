/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <eboard/eb-error.h>

static void
test_violations_travel_with_error (void)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) copy = NULL;
  GPtrArray *found;
  const EbViolation *v;

  g_ptr_array_add (list, eb_violation_new ("schedule-requires-chair", NULL, "no chair"));
  g_ptr_array_add (
      list, eb_violation_new ("agenda-exceeds-duration", "duration_minutes", "%d > %d", 70, 60));
  error = eb_error_new_violations (list);
  g_assert_error (error, EB_ERROR, EB_ERROR_RULE_VIOLATED);
  g_assert_cmpstr (error->message, ==, "no chair; 70 > 60");

  copy = g_error_copy (error);
  found = eb_error_get_violations (copy);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 2);
  v = g_ptr_array_index (found, 1);
  g_assert_cmpstr (v->rule, ==, "agenda-exceeds-duration");
  g_assert_cmpstr (v->field, ==, "duration_minutes");
  g_assert_cmpint (v->span_start, ==, -1);
}

static void
test_other_domain_has_no_violations (void)
{
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_null (eb_error_get_violations (error));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/eboard/core/error/violations", test_violations_travel_with_error);
  g_test_add_func ("/eboard/core/error/other-domain", test_other_domain_has_no_violations);
  return g_test_run ();
}
