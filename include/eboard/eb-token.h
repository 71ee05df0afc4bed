/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

typedef enum
{
  EB_ROLE_ADMIN,
  EB_ROLE_COORDINATOR,
  EB_ROLE_CLINICIAN,
  EB_ROLE_REVIEWER,
} EbRole;

const char *eb_role_to_string (EbRole role);
gboolean eb_role_from_string (const char *text, EbRole *role);
/* Admins and coordinators write; the others only read. */
gboolean eb_role_can_write (EbRole role);

/**
 * EbToken:
 * @person_id: the person the token belongs to; 0 only for the bootstrap
 *   admin token created at first start
 * @hint: the last four characters of the secret, for display
 * @revoked_at: 0 while the token is valid
 *
 * An API token as stored: the secret itself is never kept, only its hash.
 */
typedef struct
{
  EbId id;
  EbId person_id;
  EbRole role;
  char *label;
  char *hint;
  gint64 created_at;
  gint64 expires_at;
  gint64 revoked_at;
  gint64 last_used_at;
} EbToken;

EbToken *eb_token_new (void);
EbToken *eb_token_copy (const EbToken *token);
void eb_token_free (EbToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbToken, eb_token_free)

/* A new random secret ("eb_" + 43 base64url characters, 256 bits). */
char *eb_token_generate_secret (void);
/* The lowercase hex SHA-256 of the secret, as stored. */
char *eb_token_hash_secret (const char *secret);
/* Whether @text has the shape of a secret (cheap check before a lookup). */
gboolean eb_token_secret_is_well_formed (const char *text);

/**
 * EbPrincipal:
 *
 * Who is calling: resolved from a valid bearer token.
 */
typedef struct
{
  EbId token_id;
  EbId person_id;
  EbRole role;
} EbPrincipal;

G_END_DECLS
