/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <eboard/eb-specialty.h>

/* The disciplines that sit on a multidisciplinary tumor board. Codes are
 * stored in the database and used by the API: never rename one. */
static const EbSpecialty specialties[] = {
  { "medical_oncology", "Medical oncology" },
  { "radiation_oncology", "Radiation oncology" },
  { "surgery", "Surgery" },
  { "pathology", "Pathology" },
  { "diagnostic_radiology", "Diagnostic radiology" },
  { "interventional_radiology", "Interventional radiology" },
  { "nuclear_medicine", "Nuclear medicine" },
  { "genetics", "Genetics" },
  { "hematology", "Hematology" },
  { "palliative_care", "Palliative care" },
  { "nursing", "Nursing" },
  { "pharmacy", "Pharmacy" },
  { "gastroenterology", "Gastroenterology" },
  { "pulmonology", "Pulmonology" },
  { "urology", "Urology" },
  { "gynecologic_oncology", "Gynecologic oncology" },
  { "neurosurgery", "Neurosurgery" },
  { "dermatology", "Dermatology" },
  { "research", "Research" },
  { "coordination", "Coordination" },
  { NULL, NULL },
};

static const char *const default_quorum[] = {
  "medical_oncology", "radiation_oncology", "surgery", "pathology", "diagnostic_radiology", NULL,
};

/**
 * eb_specialty_list:
 *
 * Returns: (transfer none): the vocabulary, terminated by `{ NULL, NULL }`
 */
const EbSpecialty *
eb_specialty_list (void)
{
  return specialties;
}

/**
 * eb_specialty_lookup:
 * @code: (nullable): a specialty code
 *
 * Returns: (transfer none) (nullable): the entry for @code, or %NULL when
 *   @code is not in the vocabulary
 */
const EbSpecialty *
eb_specialty_lookup (const char *code)
{
  if (code == NULL)
    return NULL;
  for (const EbSpecialty *s = specialties; s->code != NULL; s++)
    {
      if (g_strcmp0 (s->code, code) == 0)
        return s;
    }
  return NULL;
}

/**
 * eb_specialty_default_quorum:
 *
 * Returns: (transfer none): the specialties a session needs by default
 */
const char *const *
eb_specialty_default_quorum (void)
{
  return default_quorum;
}
