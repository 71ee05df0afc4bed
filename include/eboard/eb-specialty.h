/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * EbSpecialty:
 * @code: stable snake_case code, e.g. `medical_oncology`
 * @label: display label, e.g. "Medical oncology"
 *
 * One entry of the controlled vocabulary of specialties.
 */
typedef struct
{
  const char *code;
  const char *label;
} EbSpecialty;

/* (transfer none): a static table terminated by a { NULL, NULL } entry. */
const EbSpecialty *eb_specialty_list (void);
const EbSpecialty *eb_specialty_lookup (const char *code);

/* (transfer none): the built-in default quorum, NULL-terminated. */
const char *const *eb_specialty_default_quorum (void);

G_END_DECLS
