/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "eb-config.h"

#include <eboard/eb-error.h>

typedef struct
{
  GPtrArray *violations;
} EbErrorPrivate;

static void
eb_error_private_init (EbErrorPrivate *priv)
{
  priv->violations = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_violation_free);
}

static void
eb_error_private_copy (const EbErrorPrivate *src, EbErrorPrivate *dest)
{
  for (guint i = 0; i < src->violations->len; i++)
    g_ptr_array_add (dest->violations, eb_violation_copy (g_ptr_array_index (src->violations, i)));
}

static void
eb_error_private_clear (EbErrorPrivate *priv)
{
  g_clear_pointer (&priv->violations, g_ptr_array_unref);
}

G_DEFINE_EXTENDED_ERROR (EbError, eb_error)

EbViolation *
eb_violation_new (const char *rule, const char *field, const char *detail_format, ...)
{
  EbViolation *violation = g_new0 (EbViolation, 1);
  va_list args;

  g_return_val_if_fail (rule != NULL, NULL);

  va_start (args, detail_format);
  violation->rule = g_strdup (rule);
  violation->field = g_strdup (field);
  violation->detail = g_strdup_vprintf (detail_format, args);
  violation->span_start = -1;
  violation->span_end = -1;
  va_end (args);
  return violation;
}

EbViolation *
eb_violation_copy (const EbViolation *violation)
{
  EbViolation *copy = g_new0 (EbViolation, 1);

  copy->rule = g_strdup (violation->rule);
  copy->detail = g_strdup (violation->detail);
  copy->field = g_strdup (violation->field);
  copy->span_start = violation->span_start;
  copy->span_end = violation->span_end;
  return copy;
}

void
eb_violation_free (EbViolation *violation)
{
  if (violation == NULL)
    return;
  g_free (violation->rule);
  g_free (violation->detail);
  g_free (violation->field);
  g_free (violation);
}

/**
 * eb_error_new_violations:
 * @violations: (element-type EbViolation) (transfer none): at least one
 *
 * Returns: (transfer full): an EB_ERROR_RULE_VIOLATED error whose message
 *   joins the details and which carries copies of @violations
 */
GError *
eb_error_new_violations (GPtrArray *violations)
{
  g_autoptr (GString) message = g_string_new (NULL);
  GError *error;

  g_return_val_if_fail (violations != NULL && violations->len > 0, NULL);

  for (guint i = 0; i < violations->len; i++)
    {
      const EbViolation *v = g_ptr_array_index (violations, i);
      if (i > 0)
        g_string_append (message, "; ");
      g_string_append (message, v->detail);
    }
  error = g_error_new_literal (EB_ERROR, EB_ERROR_RULE_VIOLATED, message->str);
  for (guint i = 0; i < violations->len; i++)
    eb_error_add_violation (error, eb_violation_copy (g_ptr_array_index (violations, i)));
  return error;
}

/**
 * eb_error_add_violation:
 * @violation: (transfer full)
 */
void
eb_error_add_violation (GError *error, EbViolation *violation)
{
  EbErrorPrivate *priv = eb_error_get_private (error);

  g_return_if_fail (priv != NULL);
  g_ptr_array_add (priv->violations, violation);
}

/**
 * eb_error_get_violations:
 *
 * Returns: (transfer none) (nullable) (element-type EbViolation): the
 *   violations an EB_ERROR error carries, or %NULL for another domain
 */
GPtrArray *
eb_error_get_violations (const GError *error)
{
  if (error == NULL || error->domain != EB_ERROR)
    return NULL;
  return eb_error_get_private (error)->violations;
}
