/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-error.h>

G_BEGIN_DECLS

/**
 * eb_deid_check:
 * @field: the field name reported in violations
 * @text: UTF-8 text
 *
 * The de-identification guard: finds text that looks like a US Social
 * Security number, a phone number, an e-mail address, a date of birth or
 * a medical record number ("MRN 1234567").
 *
 * Returns: (transfer full) (element-type EbViolation): one violation per
 *   offending span (rule `deid-ssn`, `deid-phone`, `deid-email`,
 *   `deid-dob`, `deid-mrn`), empty when the text is clean
 */
GPtrArray *eb_deid_check (const char *field, const char *text);

G_END_DECLS
