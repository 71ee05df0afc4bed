/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Bearer secrets (API tokens, secret calendar feed URLs): @prefix
 * followed by 256 random bits from the kernel in base64url without
 * padding (43 characters). Only their SHA-256 is stored
 * (eb_token_hash_secret()). Implemented in eb-token.c.
 */
#define EB_SECRET_BODY_CHARS 43

/* (transfer full) (nullable): a new secret, %NULL when the system has no
 * working random source. Never log it. */
char *eb_secret_generate (const char *prefix);
/* Whether @text is @prefix and 43 base64url characters, nothing else. */
gboolean eb_secret_is_well_formed (const char *text, const char *prefix);
/* Compares two stored hashes in time that depends only on their
 * lengths, never on where they first differ. */
gboolean eb_secret_hash_equal (const char *a, const char *b);

G_END_DECLS
