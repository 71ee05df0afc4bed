/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

/**
 * EbPerson:
 * @specialty: a code from the controlled vocabulary (eb-specialty.h)
 * @home_site_id: the person's home site
 * @active: only active people can be invited
 */
typedef struct
{
  EbId id;
  char *name;
  char *email;
  char *specialty;
  EbId home_site_id;
  gboolean active;
  gint64 version;
  gint64 created_at;
  gint64 updated_at;
} EbPerson;

EbPerson *eb_person_new (void);
EbPerson *eb_person_copy (const EbPerson *person);
void eb_person_free (EbPerson *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbPerson, eb_person_free)

gboolean eb_person_validate (const EbPerson *person, GError **error);

G_END_DECLS
