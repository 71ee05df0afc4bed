/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-service"

#include "eb-config.h"

#include <string.h>

#include <eboard/eb-specialty.h>

#include "eb-service-private.h"
#include "eb-service-credentials-private.h"

#define EB_SERVICE_DEFAULT_PUBLIC_URL "http://127.0.0.1:8080"
#define EB_SERVICE_DEFAULT_ORGANIZER "eboard@localhost"
#define EB_SERVICE_DEFAULT_UID_DOMAIN "eboard.invalid"

enum
{
  PROP_0,
  PROP_STORE,
  PROP_PUBLIC_URL,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (EbService, eb_service, G_TYPE_OBJECT)

/* NULL or "" give the default; "http://host/" + "/sessions/1" must not
 * give a double slash. */
static void
eb_service_set_public_url (EbService *self, const char *public_url)
{
  if (public_url == NULL || public_url[0] == '\0')
    public_url = EB_SERVICE_DEFAULT_PUBLIC_URL;
  g_free (self->public_url);
  self->public_url = g_strdup (public_url);
  while (g_str_has_suffix (self->public_url, "/"))
    self->public_url[strlen (self->public_url) - 1] = '\0';
}

static void
eb_service_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EbService *self = EB_SERVICE (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_PUBLIC_URL:
        g_value_set_string (value, self->public_url);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
eb_service_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EbService *self = EB_SERVICE (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_set_object (&self->store, g_value_get_object (value));
        break;
      case PROP_PUBLIC_URL:
        if (g_strcmp0 (self->public_url, g_value_get_string (value)) != 0)
          {
            eb_service_set_public_url (self, g_value_get_string (value));
            g_object_notify_by_pspec (object, pspec);
          }
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
eb_service_dispose (GObject *object)
{
  EbService *self = EB_SERVICE (object);

  eb_service_live_dispose (self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (eb_service_parent_class)->dispose (object);
}

static void
eb_service_finalize (GObject *object)
{
  EbService *self = EB_SERVICE (object);

  g_clear_pointer (&self->required_specialties, g_strfreev);
  g_clear_pointer (&self->public_url, g_free);
  g_clear_pointer (&self->organizer_email, g_free);
  g_clear_pointer (&self->uid_domain, g_free);
  G_OBJECT_CLASS (eb_service_parent_class)->finalize (object);
}

static void
eb_service_class_init (EbServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = eb_service_get_property;
  object_class->set_property = eb_service_set_property;
  object_class->dispose = eb_service_dispose;
  object_class->finalize = eb_service_finalize;

  /**
   * EbService:store:
   *
   * The store every use case reads and writes.
   */
  props[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, EB_TYPE_STORE,
                                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                               | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * EbService:public-url:
   *
   * The base URL put into invitations (eb_service_new() takes it from its
   * settings). A daemon listening on a port chosen at run time sets it
   * once the port is known, before serving.
   */
  props[PROP_PUBLIC_URL]
      = g_param_spec_string ("public-url", NULL, NULL, EB_SERVICE_DEFAULT_PUBLIC_URL,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
  eb_service_live_class_init (object_class);
}

static void
eb_service_init (EbService *self)
{
}

/**
 * eb_service_new:
 * @store: the store; the service keeps a reference
 * @settings: (nullable): copied; %NULL or unset fields take the defaults
 *
 * Returns: (transfer full): a new service
 */
EbService *
eb_service_new (EbStore *store, const EbServiceSettings *settings)
{
  EbService *self;
  const char *const *required = NULL;
  const char *public_url = NULL;

  g_return_val_if_fail (EB_IS_STORE (store), NULL);

  self = g_object_new (EB_TYPE_SERVICE, "store", store, NULL);
  if (settings != NULL)
    {
      required = settings->required_specialties;
      public_url = settings->public_url;
      self->organizer_email = g_strdup (settings->organizer_email);
      self->uid_domain = g_strdup (settings->uid_domain);
    }
  if (required == NULL)
    required = eb_specialty_default_quorum ();
  self->required_specialties = g_strdupv ((char **)required);

  eb_service_set_public_url (self, public_url);

  if (self->organizer_email == NULL || self->organizer_email[0] == '\0')
    {
      g_free (self->organizer_email);
      self->organizer_email = g_strdup (EB_SERVICE_DEFAULT_ORGANIZER);
    }
  if (self->uid_domain == NULL || self->uid_domain[0] == '\0')
    {
      g_free (self->uid_domain);
      self->uid_domain = g_strdup (EB_SERVICE_DEFAULT_UID_DOMAIN);
    }
  return self;
}

/**
 * eb_service_get_store:
 *
 * Returns: (transfer none): the store
 */
EbStore *
eb_service_get_store (EbService *self)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  return self->store;
}

/**
 * eb_service_get_required_specialties:
 *
 * Returns: (transfer none): the NULL-terminated quorum specialties in force
 */
const char *const *
eb_service_get_required_specialties (EbService *self)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  return (const char *const *)self->required_specialties;
}

/* --- helpers shared by the use cases --- */

gint64
eb_service_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static const char *
eb_service_role_name (EbRole role)
{
  const char *name = eb_role_to_string (role);

  return name != NULL ? name : "unknown";
}

static gboolean
eb_service_forbid (const EbPrincipal *who, const char *action, GError **error)
{
  g_set_error (error, EB_ERROR, EB_ERROR_FORBIDDEN, "role %s may not %s",
               eb_service_role_name (who->role), action);
  return FALSE;
}

gboolean
eb_service_require_write (const EbPrincipal *who, const char *action, GError **error)
{
  if (eb_role_can_write (who->role))
    return TRUE;
  return eb_service_forbid (who, action, error);
}

gboolean
eb_service_require_admin (const EbPrincipal *who, const char *action, GError **error)
{
  if (who->role == EB_ROLE_ADMIN)
    return TRUE;
  return eb_service_forbid (who, action, error);
}

gboolean
eb_service_reads_all_sessions (const EbPrincipal *who)
{
  return who->role == EB_ROLE_ADMIN || who->role == EB_ROLE_COORDINATOR
         || who->role == EB_ROLE_REVIEWER;
}

EbTransaction *
eb_service_begin_write (EbService *self, const EbPrincipal *who, const char *action, GError **error)
{
  if (!eb_service_require_write (who, action, error))
    return NULL;
  return eb_store_transaction_begin (self->store, error);
}

gboolean
eb_service_check_version (const char *kind, EbId id, gint64 current, gint64 expected,
                          GError **error)
{
  if (expected == 0 || expected == current)
    return TRUE;
  g_set_error (error, EB_ERROR, EB_ERROR_STALE,
               "%s %" G_GINT64_FORMAT " changed since version %" G_GINT64_FORMAT, kind, id,
               expected);
  return FALSE;
}

gboolean
eb_service_check_found (gboolean found, const char *kind, EbId id, GError **error)
{
  if (found)
    return TRUE;
  if (error != NULL && *error != NULL)
    {
      if (!g_error_matches (*error, EB_ERROR, EB_ERROR_NOT_FOUND))
        return FALSE;
      g_clear_error (error);
    }
  g_set_error (error, EB_ERROR, EB_ERROR_NOT_FOUND, "%s %" G_GINT64_FORMAT " not found", kind, id);
  return FALSE;
}

gboolean
eb_service_accept_not_found (GError **lookup_error, GError **error)
{
  if (g_error_matches (*lookup_error, EB_ERROR, EB_ERROR_NOT_FOUND))
    {
      g_clear_error (lookup_error);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (lookup_error));
  return FALSE;
}

EbPerson *
eb_service_load_known_person (EbService *self, EbId person_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) violations = NULL;
  EbPerson *person;

  person = eb_store_person_get (self->store, person_id, &local_error);
  if (person != NULL)
    return person;
  if (!eb_service_accept_not_found (&local_error, error))
    return NULL;
  violations = eb_violations_new ();
  g_ptr_array_add (violations,
                   eb_violation_new ("unknown-person", "person_id",
                                     "person %" G_GINT64_FORMAT " does not exist", person_id));
  eb_violations_check_none (violations, EB_ERROR_RULE_VIOLATED, error);
  return NULL;
}

gboolean
eb_service_check_site_active (EbService *self, EbId site_id, const char *rule, const char *field,
                              const char *label, const char *owner, GPtrArray *violations,
                              GError **error)
{
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) local_error = NULL;

  site = eb_store_site_get (self->store, site_id, &local_error);
  if (site == NULL)
    {
      if (!eb_service_accept_not_found (&local_error, error))
        return FALSE;
      g_ptr_array_add (violations,
                       eb_violation_new (rule, field, "%s %" G_GINT64_FORMAT "%s does not exist",
                                         label, site_id, owner));
    }
  else if (site->status != EB_SITE_STATUS_ACTIVE)
    {
      g_ptr_array_add (
          violations,
          eb_violation_new (rule, field, "%s %" G_GINT64_FORMAT " (%s)%s is %s, not active", label,
                            site->id, site->code, owner, eb_site_status_to_string (site->status)));
    }
  return TRUE;
}

EbSession *
eb_service_load_session (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  g_autoptr (EbSession) session = NULL;
  g_autoptr (EbRosterEntry) entry = NULL;
  g_autoptr (GError) local_error = NULL;

  session = eb_store_session_get (self->store, id, error);
  if (!eb_service_check_found (session != NULL, "session", id, error))
    return NULL;
  if (eb_service_reads_all_sessions (who))
    return g_steal_pointer (&session);

  if (who->person_id > 0)
    {
      entry = eb_store_roster_find (self->store, id, who->person_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  /* Hidden from @who: answered as if it did not exist. */
  if (!eb_service_check_found (entry != NULL, "session", id, error))
    return NULL;
  return g_steal_pointer (&session);
}

gboolean
eb_service_can_read_session (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  g_autoptr (EbSession) session = eb_service_load_session (self, who, id, error);

  return session != NULL;
}

gboolean
eb_service_session_is_open (const EbSession *session, GError **error)
{
  switch (session->state)
    {
      case EB_SESSION_STATE_ENDED:
      case EB_SESSION_STATE_ARCHIVED:
      case EB_SESSION_STATE_CANCELLED:
        g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                     "session %" G_GINT64_FORMAT " is %s and no longer changes", session->id,
                     eb_session_state_to_string (session->state));
        return FALSE;
      case EB_SESSION_STATE_DRAFT:
      case EB_SESSION_STATE_SCHEDULED:
      case EB_SESSION_STATE_LIVE:
      default:
        return TRUE;
    }
}

EbSession *
eb_service_load_open_session (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  g_autoptr (EbSession) session = eb_service_load_session (self, who, id, error);

  if (session == NULL || !eb_service_session_is_open (session, error))
    return NULL;
  return g_steal_pointer (&session);
}

char *
eb_service_format_utc (gint64 instant)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (instant);

  if (dt == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, instant);
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* --- authentication and tokens --- */

gboolean
eb_service_check_person_usable (EbService *self, EbId person_id, gboolean *usable, char **reason,
                                GError **error)
{
  g_autoptr (EbPerson) person = NULL;
  g_autoptr (EbSite) site = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *why = NULL;

  *usable = FALSE;
  person = eb_store_person_get (self->store, person_id, &local_error);
  if (person == NULL)
    {
      if (!eb_service_accept_not_found (&local_error, error))
        return FALSE;
      why = g_strdup_printf ("person %" G_GINT64_FORMAT " no longer exists", person_id);
    }
  else if (!person->active)
    {
      why = g_strdup_printf ("person %" G_GINT64_FORMAT " is not active", person->id);
    }
  else
    {
      site = eb_store_site_get (self->store, person->home_site_id, &local_error);
      if (site == NULL)
        {
          if (!eb_service_accept_not_found (&local_error, error))
            return FALSE;
          why = g_strdup_printf ("the home site of person %" G_GINT64_FORMAT " no longer exists",
                                 person->id);
        }
      else if (site->status == EB_SITE_STATUS_SUSPENDED || site->status == EB_SITE_STATUS_WITHDRAWN)
        {
          why = g_strdup_printf ("the home site of person %" G_GINT64_FORMAT " is %s", person->id,
                                 eb_site_status_to_string (site->status));
        }
    }
  *usable = why == NULL;
  if (reason != NULL)
    *reason = g_steal_pointer (&why);
  return TRUE;
}

/*
 * Whether the owner of @token may still use it: tokens of nobody (the
 * bootstrap admin token) always may; a person's only while
 * eb_service_check_person_usable() says so. @reason: (out) (optional)
 * (transfer full): why not. FALSE only for a failure.
 */
static gboolean
eb_service_check_token_owner (EbService *self, const EbToken *token, gboolean *usable,
                              char **reason, GError **error)
{
  *usable = TRUE;
  if (token->person_id <= 0)
    return TRUE;
  return eb_service_check_person_usable (self, token->person_id, usable, reason, error);
}

/* Whether @token lets its bearer in at @now (owner included). */
static gboolean
eb_service_token_is_valid (EbService *self, const EbToken *token, gint64 now, gboolean *valid,
                           GError **error)
{
  *valid = FALSE;
  if (token->revoked_at != 0 || (token->expires_at != 0 && token->expires_at <= now))
    return TRUE;
  return eb_service_check_token_owner (self, token, valid, NULL, error);
}

/**
 * eb_service_authenticate:
 * @secret: the bearer token as presented
 * @principal: (out): who is calling
 *
 * EB_ERROR_UNAUTHENTICATED for an unknown, revoked or expired secret,
 * and for the token of a person who is not active or whose home site is
 * suspended or withdrawn. Never puts the secret or its hash in a message
 * or a log line.
 */
gboolean
eb_service_authenticate (EbService *self, const char *secret, EbPrincipal *principal,
                         GError **error)
{
  g_autofree char *hash = NULL;
  g_autoptr (EbToken) token = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 now = eb_service_now ();

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (principal != NULL, FALSE);

  if (secret == NULL || !eb_token_secret_is_well_formed (secret))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED, "malformed token");
      return FALSE;
    }
  hash = eb_token_hash_secret (secret);
  token = eb_store_token_find_by_hash (self->store, hash, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (token == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED, "unknown token");
      return FALSE;
    }
  if (token->revoked_at != 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED,
                   "token %" G_GINT64_FORMAT " was revoked", token->id);
      return FALSE;
    }
  if (token->expires_at != 0 && token->expires_at <= now)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED, "token %" G_GINT64_FORMAT " expired",
                   token->id);
      return FALSE;
    }
  {
    g_autofree char *reason = NULL;
    gboolean usable;

    if (!eb_service_check_token_owner (self, token, &usable, &reason, error))
      return FALSE;
    if (!usable)
      {
        g_set_error (error, EB_ERROR, EB_ERROR_UNAUTHENTICATED,
                     "token %" G_GINT64_FORMAT " no longer works: %s", token->id, reason);
        return FALSE;
      }
  }
  principal->token_id = token->id;
  principal->person_id = token->person_id;
  principal->role = token->role;
  return TRUE;
}

static char *
eb_service_secret_hint (const char *secret)
{
  gsize len = strlen (secret);

  return g_strdup (len > 4 ? secret + len - 4 : secret);
}

/* Stores @token under a new secret, its hint taken from that secret.
 * Returns: (transfer full) (nullable): the secret, to be shown once. */
static char *
eb_service_issue_token (EbService *self, EbToken *token, GError **error)
{
  g_autofree char *secret = eb_token_generate_secret ();
  g_autofree char *hash = NULL;

  if (secret == NULL)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_FAILED, "cannot generate a token secret");
      return NULL;
    }
  hash = eb_token_hash_secret (secret);
  token->hint = eb_service_secret_hint (secret);
  if (!eb_store_token_insert (self->store, token, hash, error))
    return NULL;
  return g_steal_pointer (&secret);
}

/**
 * eb_service_bootstrap:
 *
 * Returns: (transfer full) (nullable): the bootstrap admin secret when
 *   no token existed; %NULL with @error unset otherwise
 */
char *
eb_service_bootstrap (EbService *self, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbToken) token = NULL;
  g_autofree char *secret = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 count;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  count = eb_store_token_count (self->store, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (count > 0)
    return NULL;

  token = eb_token_new ();
  token->person_id = 0;
  token->role = EB_ROLE_ADMIN;
  token->label = g_strdup ("bootstrap");
  token->created_at = eb_service_now ();
  secret = eb_service_issue_token (self, token, error);
  if (secret == NULL)
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  g_info ("created the bootstrap admin token %" G_GINT64_FORMAT, token->id);
  return g_steal_pointer (&secret);
}

/**
 * eb_service_create_token:
 * @person_id: the owner; 0 only for an admin token
 * @expires_at: 0 for no expiry, else a future instant
 * @secret: (out) (transfer full): the secret, shown once
 *
 * Returns: (transfer full): the stored token
 */
EbToken *
eb_service_create_token (EbService *self, const EbPrincipal *who, EbId person_id, EbRole role,
                         const char *label, gint64 expires_at, char **secret, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbToken) token = NULL;
  g_autoptr (GPtrArray) invalid = eb_violations_new ();
  g_autofree char *new_secret = NULL;
  g_autofree char *trimmed = NULL;
  gint64 now = eb_service_now ();

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  if (!eb_service_require_admin (who, "manage tokens", error))
    return NULL;

  /* The checks of every other one-line text (control characters
   * included); the trimmed label is what is stored. */
  eb_violations_check_required_text (invalid, "label", label, 200);
  trimmed = g_strstrip (g_strdup (label != NULL ? label : ""));
  eb_violations_check_enum (invalid, "role", eb_role_to_string (role), "a role");
  if (eb_role_to_string (role) != NULL && role != EB_ROLE_ADMIN && person_id <= 0)
    eb_violations_add_invalid_field (invalid, "person_id", "person_id is required for role %s",
                                     eb_role_to_string (role));
  if (person_id < 0)
    eb_violations_add_invalid_field (invalid, "person_id", "person_id must be a positive id");
  if (expires_at < 0 || (expires_at != 0 && expires_at <= now))
    eb_violations_add_invalid_field (invalid, "expires_at", "expires_at must be in the future");
  if (!eb_violations_check_none (invalid, EB_ERROR_INVALID, error))
    return NULL;

  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return NULL;
  if (person_id > 0)
    {
      g_autoptr (EbPerson) person = eb_service_load_known_person (self, person_id, error);

      if (person == NULL)
        return NULL;
    }

  token = eb_token_new ();
  token->person_id = person_id;
  token->role = role;
  token->label = g_steal_pointer (&trimmed);
  token->created_at = now;
  token->expires_at = expires_at;
  new_secret = eb_service_issue_token (self, token, error);
  if (new_secret == NULL)
    return NULL;
  if (!eb_transaction_commit (tx, error))
    return NULL;
  g_info ("token %" G_GINT64_FORMAT " (role %s) created by token %" G_GINT64_FORMAT, token->id,
          eb_role_to_string (role), who->token_id);
  *secret = g_steal_pointer (&new_secret);
  return g_steal_pointer (&token);
}

/**
 * eb_service_list_tokens:
 * @person_id: 0 for every token
 *
 * Returns: (transfer full) (element-type EbToken)
 */
GPtrArray *
eb_service_list_tokens (EbService *self, const EbPrincipal *who, EbId person_id, const EbPage *page,
                        guint *total, GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_require_admin (who, "manage tokens", error))
    return NULL;
  return eb_store_token_list (self->store, person_id, page, total, error);
}

/**
 * eb_service_get_token:
 *
 * Returns: (transfer full)
 */
EbToken *
eb_service_get_token (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  EbToken *token;

  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);

  if (!eb_service_require_admin (who, "manage tokens", error))
    return NULL;
  token = eb_store_token_get (self->store, id, error);
  eb_service_check_found (token != NULL, "token", id, error);
  return token;
}

/* Whether a valid admin token other than @except_id exists. */
static gboolean
eb_service_has_other_admin_token (EbService *self, EbId except_id, gint64 now, gboolean *found,
                                  GError **error)
{
  EbPage page = { .offset = 0, .limit = EB_PAGE_MAX_LIMIT };
  guint total = 0;

  *found = FALSE;
  do
    {
      g_autoptr (GPtrArray) tokens = eb_store_token_list (self->store, 0, &page, &total, error);

      if (tokens == NULL)
        return FALSE;
      for (guint i = 0; i < tokens->len; i++)
        {
          const EbToken *token = g_ptr_array_index (tokens, i);

          if (token->id == except_id || token->role != EB_ROLE_ADMIN)
            continue;
          if (!eb_service_token_is_valid (self, token, now, found, error))
            return FALSE;
          if (*found)
            return TRUE;
        }
      if (tokens->len == 0)
        break;
      page.offset += tokens->len;
    }
  while (page.offset < total);
  return TRUE;
}

/**
 * eb_service_revoke_token:
 *
 * Revoking a revoked token changes nothing and succeeds. The last valid
 * admin token stays (EB_ERROR_CONFLICT): without one nobody could manage
 * tokens any more.
 */
gboolean
eb_service_revoke_token (EbService *self, const EbPrincipal *who, EbId id, GError **error)
{
  g_autoptr (EbTransaction) tx = NULL;
  g_autoptr (EbToken) token = NULL;
  gint64 now = eb_service_now ();

  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);

  if (!eb_service_require_admin (who, "manage tokens", error))
    return FALSE;
  tx = eb_store_transaction_begin (self->store, error);
  if (tx == NULL)
    return FALSE;
  token = eb_store_token_get (self->store, id, error);
  if (!eb_service_check_found (token != NULL, "token", id, error))
    return FALSE;
  if (token->revoked_at == 0 && token->role == EB_ROLE_ADMIN)
    {
      gboolean valid, other;

      if (!eb_service_token_is_valid (self, token, now, &valid, error))
        return FALSE;
      if (valid && !eb_service_has_other_admin_token (self, token->id, now, &other, error))
        return FALSE;
      if (valid && !other)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                       "token %" G_GINT64_FORMAT " is the last valid admin token; create another "
                       "admin token before revoking it",
                       id);
          return FALSE;
        }
    }
  if (token->revoked_at == 0)
    {
      if (!eb_store_token_revoke (self->store, id, now, error))
        return FALSE;
      g_info ("token %" G_GINT64_FORMAT " revoked by token %" G_GINT64_FORMAT, id, who->token_id);
    }
  return eb_transaction_commit (tx, error);
}

/* --- idempotency --- */

/**
 * eb_service_idempotency_get:
 *
 * Returns: (transfer full) (nullable): the reply remembered for @key of
 *   the calling token, %NULL with @error unset when there is none
 */
EbIdempotentReply *
eb_service_idempotency_get (EbService *self, const EbPrincipal *who, const char *key,
                            GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (who != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return eb_store_idempotency_get (self->store, who->token_id, key, error);
}

gboolean
eb_service_idempotency_put (EbService *self, const EbPrincipal *who, const char *key,
                            const EbIdempotentReply *reply, GError **error)
{
  g_return_val_if_fail (EB_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (who != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);

  return eb_store_idempotency_put (self->store, who->token_id, key, reply, error);
}
