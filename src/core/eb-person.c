/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-core"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-error.h>
#include <eboard/eb-person.h>
#include <eboard/eb-specialty.h>

#include "eb-validate-private.h"

/**
 * eb_person_new:
 *
 * Returns: (transfer full): an active person with no other field set
 */
EbPerson *
eb_person_new (void)
{
  EbPerson *person = g_new0 (EbPerson, 1);

  person->active = TRUE;
  return person;
}

/**
 * eb_person_copy:
 *
 * Returns: (transfer full): a deep copy of @person
 */
EbPerson *
eb_person_copy (const EbPerson *person)
{
  EbPerson *copy;

  g_return_val_if_fail (person != NULL, NULL);

  copy = g_new0 (EbPerson, 1);
  *copy = *person;
  copy->name = g_strdup (person->name);
  copy->email = g_strdup (person->email);
  copy->specialty = g_strdup (person->specialty);
  return copy;
}

void
eb_person_free (EbPerson *person)
{
  if (person == NULL)
    return;
  g_free (person->name);
  g_free (person->email);
  g_free (person->specialty);
  g_free (person);
}

/* Syntactic plausibility only (one @, a dotted domain, no spaces or C0/C1
 * control characters); whether the mailbox exists is not our business. */
static gboolean
eb_person_email_is_plausible (const char *email)
{
  const char *at;
  const char *domain;
  gsize len;

  if (email == NULL || !g_utf8_validate (email, -1, NULL) || eb_text_has_controls (email, FALSE))
    return FALSE;
  len = strlen (email);
  if (len < 3 || len > 254)
    return FALSE;
  for (const char *p = email; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '<' || *p == '>' || *p == ','
          || *p == ';' || *p == '"')
        return FALSE;
    }
  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '@') != NULL || at - email > 64)
    return FALSE;
  domain = at + 1;
  if (domain[0] == '\0' || domain[0] == '.' || domain[0] == '-' || email[len - 1] == '.'
      || email[len - 1] == '-' || strchr (domain, '.') == NULL || strstr (domain, "..") != NULL)
    return FALSE;
  if (email[0] == '.' || at[-1] == '.' || strstr (email, "..") != NULL)
    return FALSE;
  return TRUE;
}

/**
 * eb_person_validate:
 *
 * Checks the name (1..200 characters, not blank, no control characters),
 * the e-mail address (syntactically plausible, no control characters),
 * the specialty (a code of the vocabulary) and the home site (set).
 *
 * Returns: %TRUE when valid; otherwise sets an EB_ERROR_INVALID error that
 *   carries one `invalid-field` violation per problem
 */
gboolean
eb_person_validate (const EbPerson *person, GError **error)
{
  g_autoptr (GPtrArray) violations = eb_violations_new ();

  g_return_val_if_fail (person != NULL, FALSE);

  eb_violations_check_required_text (violations, "name", person->name, 200);
  if (!eb_person_email_is_plausible (person->email))
    eb_violations_add_invalid_field (violations, "email", "email is not an e-mail address");
  if (eb_specialty_lookup (person->specialty) == NULL)
    eb_violations_add_invalid_field (violations, "specialty",
                                     "specialty must be a code from the specialty vocabulary");
  eb_violations_check_set (violations, "home_site_id", person->home_site_id);
  return eb_violations_check_none (violations, EB_ERROR_INVALID, error);
}
