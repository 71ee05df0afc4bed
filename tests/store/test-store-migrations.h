/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "eb-config.h"

/* Shared by the store tests of a migration: a database of an older
 * schema version, made from the shipped migrations up to that version. */

/* Copies the shipped migrations numbered 1 to @last into @dir (asserting
 * that each one is there). */
static inline void
test_copy_shipped_migrations (const char *dir, guint last)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sql_dir = g_build_filename (EB_SOURCE_DATADIR, "sql", NULL);
  g_autoptr (GDir) folder = g_dir_open (sql_dir, 0, &error);
  const char *name;
  guint copied = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *source = NULL;
      g_autofree char *target = NULL;
      g_autofree char *contents = NULL;
      guint64 number;

      if (!g_ascii_isdigit (name[0]) || !g_str_has_suffix (name, ".sql"))
        continue;
      number = g_ascii_strtoull (name, NULL, 10);
      if (number == 0 || number > last)
        continue;
      source = g_build_filename (sql_dir, name, NULL);
      target = g_build_filename (dir, name, NULL);
      g_file_get_contents (source, &contents, NULL, &error);
      g_assert_no_error (error);
      g_file_set_contents (target, contents, -1, &error);
      g_assert_no_error (error);
      copied++;
    }
  g_assert_cmpuint (copied, ==, last);
}
