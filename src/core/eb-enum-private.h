/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The API names of an enumeration live in one table indexed by value
 * (designated initialisers); a gap or a value past the end has no name.
 */

/* Returns: (transfer none) (nullable): the name of @value in @names. */
const char *eb_enum_name_lookup (const char *const *names, guint n_names, guint value);
/* Whether @text (nullable) is one of @names; its index goes to @value. */
gboolean eb_enum_value_lookup (const char *const *names, guint n_names, const char *text,
                               guint *value);

/*
 * Defines `type_name_to_string (TypeName)` and
 * `type_name_from_string (const char *text, TypeName *value)` over the
 * table @names. The second takes a nullable @text and a nullable @value.
 */
#define EB_DEFINE_ENUM_NAMES(TypeName, type_name, names)                                           \
  const char *type_name##_to_string (TypeName value)                                               \
  {                                                                                                \
    return eb_enum_name_lookup (names, G_N_ELEMENTS (names), (guint)value);                        \
  }                                                                                                \
                                                                                                   \
  gboolean type_name##_from_string (const char *text, TypeName *value)                             \
  {                                                                                                \
    guint found;                                                                                   \
                                                                                                   \
    if (!eb_enum_value_lookup (names, G_N_ELEMENTS (names), text, &found))                         \
      return FALSE;                                                                                \
    if (value != NULL)                                                                             \
      *value = (TypeName)found;                                                                    \
    return TRUE;                                                                                   \
  }

G_END_DECLS
