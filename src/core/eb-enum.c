/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include "eb-enum-private.h"

const char *
eb_enum_name_lookup (const char *const *names, guint n_names, guint value)
{
  if (value >= n_names)
    return NULL;
  return names[value];
}

gboolean
eb_enum_value_lookup (const char *const *names, guint n_names, const char *text, guint *value)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    {
      if (g_strcmp0 (text, names[i]) == 0)
        {
          *value = i;
          return TRUE;
        }
    }
  return FALSE;
}
