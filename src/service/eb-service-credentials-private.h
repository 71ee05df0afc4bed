/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-service.h>

G_BEGIN_DECLS

/*
 * Whether the credentials of person @person_id (API tokens, the secret
 * calendar feed URL) still work: only while the person exists, is active
 * and their home site is neither suspended nor withdrawn. @reason: (out)
 * (optional) (transfer full): why not, for the log. %FALSE only for a
 * failure (set in @error). Implemented in eb-service.c.
 */
gboolean eb_service_check_person_usable (EbService *self, EbId person_id, gboolean *usable,
                                         char **reason, GError **error);

G_END_DECLS
