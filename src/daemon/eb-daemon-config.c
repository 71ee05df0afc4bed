/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-daemon"
#define G_LOG_USE_STRUCTURED 1

#include "eb-config.h"

#include <gio/gio.h>
#include <eboard/eb-specialty.h>

#include "eb-daemon-config-private.h"
#include "eb-ice-servers-private.h"

/* The keys eboardd knows, in the order of data/eboard.conf. */
static const struct
{
  const char *group;
  const char *key;
} known_keys[] = {
  { "server", "address" },
  { "server", "port" },
  { "server", "max_connections" },
  { "server", "max_body_bytes" },
  { "server", "public_url" },
  { "server", "shutdown_timeout" },
  { "store", "data_dir" },
  { "store", "migrations_dir" },
  { "quorum", "required_specialties" },
  { "calendar", "organizer_email" },
  { "calendar", "uid_domain" },
  { "log", "level" },
  { "media", "enabled" },
  { "media", "srt_address" },
  { "media", "srt_port" },
  { "media", "public_srt_host" },
  { "media", "pipelines_dir" },
  { "media", "recordings_dir" },
  { "media", "segment_seconds" },
  { "media", "subscriber_queue_bytes" },
  { "media", "credential_lifetime" },
  { "webrtc", "stun_server" },
  { "webrtc", "turn_servers" },
  { "webrtc", "ice_port_min" },
  { "webrtc", "ice_port_max" },
  { "webrtc", "local_addresses" },
  { "webrtc", "gathering_timeout_ms" },
};

/* ICE ports below this are the system's, not ours to take. */
#define EB_ICE_PORT_LOWEST 1024

static const struct
{
  const char *name;
  GLogLevelFlags level;
} log_levels[] = {
  { "error", G_LOG_LEVEL_ERROR },     { "critical", G_LOG_LEVEL_CRITICAL },
  { "warning", G_LOG_LEVEL_WARNING }, { "message", G_LOG_LEVEL_MESSAGE },
  { "info", G_LOG_LEVEL_INFO },       { "debug", G_LOG_LEVEL_DEBUG },
};

EbDaemonConfig *
eb_daemon_config_new (void)
{
  EbDaemonConfig *self = g_new0 (EbDaemonConfig, 1);

  self->address = g_strdup ("127.0.0.1");
  self->port = 8080;
  self->max_connections = 256;
  self->max_body_bytes = 1024 * 1024;
  self->shutdown_timeout = 10;
  self->data_dir = g_strdup ("./eboard-data");
  self->required_specialties = g_strdupv ((char **)eb_specialty_default_quorum ());
  self->organizer_email = g_strdup ("eboard@localhost");
  self->uid_domain = g_strdup ("eboard.localhost");
  self->log_level = G_LOG_LEVEL_MESSAGE;
  self->media_enabled = TRUE;
  self->srt_address = g_strdup ("127.0.0.1");
  self->srt_port = 9000;
  self->segment_seconds = 4;
  self->subscriber_queue_bytes = 4 * 1024 * 1024;
  self->credential_lifetime = 12 * 60 * 60;
  self->turn_servers = g_new0 (char *, 1);
  /* libnice skips loopback: without it one machine finds no candidate */
  self->local_addresses = g_strsplit ("127.0.0.1", ";", -1);
  self->gathering_timeout_ms = 3000;
  return self;
}

void
eb_daemon_config_free (EbDaemonConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->address);
  g_free (self->public_url);
  g_free (self->data_dir);
  g_free (self->migrations_dir);
  g_strfreev (self->required_specialties);
  g_free (self->organizer_email);
  g_free (self->uid_domain);
  g_free (self->srt_address);
  g_free (self->public_srt_host);
  g_free (self->pipelines_dir);
  g_free (self->recordings_dir);
  g_free (self->stun_server);
  g_strfreev (self->turn_servers);
  g_strfreev (self->local_addresses);
  g_free (self);
}

char *
eb_daemon_config_pipelines_dir (const EbDaemonConfig *self)
{
  if (self->pipelines_dir != NULL)
    return g_strdup (self->pipelines_dir);
  /* installed, else (running from the build tree) the source tree's */
  if (g_file_test (EB_PIPELINESDIR, G_FILE_TEST_IS_DIR))
    return g_strdup (EB_PIPELINESDIR);
  return g_strdup (EB_SOURCE_PIPELINESDIR);
}

char *
eb_daemon_config_recordings_dir (const EbDaemonConfig *self)
{
  if (self->recordings_dir != NULL)
    return g_strdup (self->recordings_dir);
  return g_build_filename (self->data_dir, "recordings", NULL);
}

const char *
eb_daemon_config_log_level_to_string (GLogLevelFlags level)
{
  for (gsize i = 0; i < G_N_ELEMENTS (log_levels); i++)
    if (log_levels[i].level == level)
      return log_levels[i].name;
  return "message";
}

gboolean
eb_daemon_config_check_address (const char *address, GError **error)
{
  g_autoptr (GInetAddress) inet = NULL;

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not an IP address (e.g. 127.0.0.1 or ::1)", address);
      return FALSE;
    }
  return TRUE;
}

gboolean
eb_daemon_config_check_public_url (const char *url, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'%s' is not a URL", url);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if ((g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not an http:// or https:// URL", url);
      return FALSE;
    }
  return TRUE;
}

char *
eb_daemon_config_listen_url (const char *address, guint port)
{
  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u", address, port);
  return g_strdup_printf ("http://%s:%u", address, port);
}

/* Levenshtein distance, to suggest the known key a typo meant. */
static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

static const char *
suggest (const char *group, const char *word)
{
  const char *best = NULL;
  guint best_distance = 3;

  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    {
      const char *candidate = group != NULL ? known_keys[i].key : known_keys[i].group;
      guint distance;

      if (group != NULL && g_strcmp0 (known_keys[i].group, group) != 0)
        continue;
      distance = edit_distance (word, candidate);
      if (distance < best_distance)
        {
          best = candidate;
          best_distance = distance;
        }
    }
  return best;
}

static gboolean
group_is_known (const char *group)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_strcmp0 (known_keys[i].group, group) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
key_is_known (const char *group, const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_strcmp0 (known_keys[i].group, group) == 0 && g_strcmp0 (known_keys[i].key, key) == 0)
      return TRUE;
  return FALSE;
}

static void
collect_unknown (GKeyFile *keyfile, const char *path, GPtrArray *warnings)
{
  g_auto (GStrv) groups = g_key_file_get_groups (keyfile, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto (GStrv) keys = NULL;

      if (!group_is_known (groups[i]))
        {
          const char *hint = suggest (NULL, groups[i]);

          if (hint != NULL)
            g_ptr_array_add (warnings,
                             g_strdup_printf ("%s: unknown group [%s] ignored (did you mean [%s]?)",
                                              path, groups[i], hint));
          else
            g_ptr_array_add (warnings,
                             g_strdup_printf ("%s: unknown group [%s] ignored", path, groups[i]));
          continue;
        }
      keys = g_key_file_get_keys (keyfile, groups[i], NULL, NULL);
      for (guint j = 0; keys != NULL && keys[j] != NULL; j++)
        {
          const char *hint;

          if (key_is_known (groups[i], keys[j]))
            continue;
          hint = suggest (groups[i], keys[j]);
          if (hint != NULL)
            g_ptr_array_add (warnings, g_strdup_printf ("%s: unknown key '%s' in [%s] ignored "
                                                        "(did you mean '%s'?)",
                                                        path, keys[j], groups[i], hint));
          else
            g_ptr_array_add (warnings, g_strdup_printf ("%s: unknown key '%s' in [%s] ignored",
                                                        path, keys[j], groups[i]));
        }
    }
}

static void G_GNUC_PRINTF (5, 6) set_key_error (GError **error, const char *path, const char *group,
                                                const char *key, const char *format, ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s] %s: %s", path,
               group, key, reason);
}

/* Returns the stripped string value, NULL when the key is absent; an empty
 * value counts as absent for the optional keys. */
static char *
get_string (GKeyFile *keyfile, const char *path, const char *group, const char *key,
            gboolean *present, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *value = NULL;

  *present = FALSE;
  if (!g_key_file_has_key (keyfile, group, key, NULL))
    return NULL;
  value = g_key_file_get_string (keyfile, group, key, &local_error);
  if (value == NULL)
    {
      set_key_error (error, path, group, key, "%s", local_error->message);
      return NULL;
    }
  *present = TRUE;
  g_strstrip (value);
  return g_steal_pointer (&value);
}

static gboolean
load_uint (GKeyFile *keyfile, const char *path, const char *group, const char *key, guint64 min,
           guint64 max, guint64 *out, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *value = NULL;
  gboolean present;
  guint64 number;

  value = get_string (keyfile, path, group, key, &present, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!present)
    return TRUE;
  if (!g_ascii_string_to_unsigned (value, 10, min, max, &number, &local_error))
    {
      set_key_error (error, path, group, key,
                     "'%s' is not a whole number between %" G_GUINT64_FORMAT
                     " and %" G_GUINT64_FORMAT,
                     value, min, max);
      return FALSE;
    }
  *out = number;
  return TRUE;
}

/* Replaces *@out by the value when the key is set; an empty value means
 * "the default" (@empty_default, possibly NULL). */
static gboolean
load_string (GKeyFile *keyfile, const char *path, const char *group, const char *key,
             const char *empty_default, char **out, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *value = NULL;
  gboolean present;

  value = get_string (keyfile, path, group, key, &present, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!present)
    return TRUE;
  g_free (*out);
  *out = *value != '\0' ? g_steal_pointer (&value) : g_strdup (empty_default);
  return TRUE;
}

static gboolean
load_boolean (GKeyFile *keyfile, const char *path, const char *group, const char *key,
              gboolean *out, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *value = NULL;
  gboolean present;

  value = get_string (keyfile, path, group, key, &present, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!present || *value == '\0')
    return TRUE;
  if (g_ascii_strcasecmp (value, "true") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "false") == 0)
    *out = FALSE;
  else
    {
      set_key_error (error, path, group, key, "'%s' is not true or false", value);
      return FALSE;
    }
  return TRUE;
}

/* [media] */
static gboolean
load_media (EbDaemonConfig *self, GKeyFile *keyfile, const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  guint64 number;

  if (!load_boolean (keyfile, path, "media", "enabled", &self->media_enabled, error))
    return FALSE;
  if (!load_string (keyfile, path, "media", "srt_address", "127.0.0.1", &self->srt_address, error))
    return FALSE;
  if (!eb_daemon_config_check_address (self->srt_address, &local_error))
    {
      set_key_error (error, path, "media", "srt_address", "%s", local_error->message);
      return FALSE;
    }
  number = self->srt_port;
  if (!load_uint (keyfile, path, "media", "srt_port", 0, 65535, &number, error))
    return FALSE;
  self->srt_port = number;
  if (!load_string (keyfile, path, "media", "public_srt_host", NULL, &self->public_srt_host, error))
    return FALSE;
  if (self->public_srt_host != NULL
      && (strpbrk (self->public_srt_host, "/?#@ ") != NULL
          || !g_utf8_validate (self->public_srt_host, -1, NULL)))
    {
      set_key_error (error, path, "media", "public_srt_host", "'%s' is not a host name or address",
                     self->public_srt_host);
      return FALSE;
    }
  if (!load_string (keyfile, path, "media", "pipelines_dir", NULL, &self->pipelines_dir, error)
      || !load_string (keyfile, path, "media", "recordings_dir", NULL, &self->recordings_dir,
                       error))
    return FALSE;
  number = self->segment_seconds;
  if (!load_uint (keyfile, path, "media", "segment_seconds", 1, 60, &number, error))
    return FALSE;
  self->segment_seconds = number;
  if (!load_uint (keyfile, path, "media", "subscriber_queue_bytes", 64 * 1024,
                  G_GUINT64_CONSTANT (1) << 30, &self->subscriber_queue_bytes, error))
    return FALSE;
  return load_uint (keyfile, path, "media", "credential_lifetime", 60, 7 * 24 * 60 * 60,
                    &self->credential_lifetime, error);
}

/* Replaces *@out by the entries of a ';'-separated list when the key is
 * set, each stripped, empty ones dropped (an empty value: no entries).
 * The values of @secret keys are never quoted in an error: GLib's
 * messages quote them. */
static gboolean
load_list (GKeyFile *keyfile, const char *path, const char *group, const char *key, gboolean secret,
           GStrv *out, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *raw = NULL;
  g_auto (GStrv) items = NULL;

  if (!g_key_file_has_key (keyfile, group, key, NULL))
    return TRUE;
  raw = g_key_file_get_value (keyfile, group, key, NULL);
  if (raw != NULL && *g_strstrip (raw) != '\0')
    {
      items = g_key_file_get_string_list (keyfile, group, key, NULL, &local_error);
      if (items == NULL)
        {
          set_key_error (error, path, group, key, "%s",
                         secret ? "not a list of text entries separated by ';'"
                                : local_error->message);
          return FALSE;
        }
    }
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      g_strstrip (items[i]);
      if (*items[i] != '\0')
        g_strv_builder_add (builder, items[i]);
    }
  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/* [webrtc] ice_port_min and ice_port_max: both 0 (any port), or a range
 * of unprivileged ports. */
static gboolean
load_ice_ports (EbDaemonConfig *self, GKeyFile *keyfile, const char *path, GError **error)
{
  const char *keys[] = { "ice_port_min", "ice_port_max" };
  guint *slots[] = { &self->ice_port_min, &self->ice_port_max };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      guint64 number = *slots[i];

      if (!load_uint (keyfile, path, "webrtc", keys[i], 0, 65535, &number, error))
        return FALSE;
      if (number != 0 && number < EB_ICE_PORT_LOWEST)
        {
          set_key_error (error, path, "webrtc", keys[i],
                         "%" G_GUINT64_FORMAT " is not 0 or a port between %d and 65535", number,
                         EB_ICE_PORT_LOWEST);
          return FALSE;
        }
      *slots[i] = number;
    }
  if ((self->ice_port_min == 0) != (self->ice_port_max == 0))
    {
      gboolean min_missing = self->ice_port_min == 0;

      set_key_error (error, path, "webrtc", min_missing ? "ice_port_min" : "ice_port_max",
                     "is 0 while %s is %u: set both (a range) or neither (any port)",
                     min_missing ? "ice_port_max" : "ice_port_min",
                     min_missing ? self->ice_port_max : self->ice_port_min);
      return FALSE;
    }
  if (self->ice_port_min > self->ice_port_max)
    {
      set_key_error (error, path, "webrtc", "ice_port_min", "%u is above ice_port_max (%u)",
                     self->ice_port_min, self->ice_port_max);
      return FALSE;
    }
  return TRUE;
}

/* [webrtc] */
static gboolean
load_webrtc (EbDaemonConfig *self, GKeyFile *keyfile, const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  guint64 number;

  if (!load_string (keyfile, path, "webrtc", "stun_server", NULL, &self->stun_server, error))
    return FALSE;
  if (self->stun_server != NULL && !eb_ice_check_stun_url (self->stun_server, &local_error))
    {
      set_key_error (error, path, "webrtc", "stun_server", "%s", local_error->message);
      return FALSE;
    }
  if (!load_list (keyfile, path, "webrtc", "turn_servers", TRUE, &self->turn_servers, error))
    return FALSE;
  for (guint i = 0; self->turn_servers[i] != NULL; i++)
    {
      if (!eb_ice_check_turn_url (self->turn_servers[i], &local_error))
        {
          /* by position: the entry holds a password */
          set_key_error (error, path, "webrtc", "turn_servers", "entry %u: %s", i + 1,
                         local_error->message);
          return FALSE;
        }
    }
  if (!load_ice_ports (self, keyfile, path, error))
    return FALSE;
  if (!load_list (keyfile, path, "webrtc", "local_addresses", FALSE, &self->local_addresses, error))
    return FALSE;
  for (guint i = 0; self->local_addresses[i] != NULL; i++)
    {
      if (!eb_daemon_config_check_address (self->local_addresses[i], &local_error))
        {
          set_key_error (error, path, "webrtc", "local_addresses", "%s", local_error->message);
          return FALSE;
        }
    }
  number = self->gathering_timeout_ms;
  if (!load_uint (keyfile, path, "webrtc", "gathering_timeout_ms", 100, 60000, &number, error))
    return FALSE;
  self->gathering_timeout_ms = number;
  return TRUE;
}

/* Every group but [server], [store] and [quorum]. */
static gboolean
load_groups (EbDaemonConfig *self, GKeyFile *keyfile, const char *path, GError **error)
{
  g_autofree char *level = NULL;

  /* [calendar] */
  if (!load_string (keyfile, path, "calendar", "organizer_email", "eboard@localhost",
                    &self->organizer_email, error))
    return FALSE;
  if (strchr (self->organizer_email, '@') == NULL)
    {
      set_key_error (error, path, "calendar", "organizer_email", "'%s' is not an e-mail address",
                     self->organizer_email);
      return FALSE;
    }
  if (!load_string (keyfile, path, "calendar", "uid_domain", "eboard.localhost", &self->uid_domain,
                    error))
    return FALSE;

  /* [log] */
  if (!load_string (keyfile, path, "log", "level", "message", &level, error))
    return FALSE;
  if (level != NULL)
    {
      gboolean found = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (log_levels); i++)
        if (g_ascii_strcasecmp (level, log_levels[i].name) == 0)
          {
            self->log_level = log_levels[i].level;
            found = TRUE;
          }
      if (!found)
        {
          set_key_error (error, path, "log", "level",
                         "'%s' is not one of error, critical, warning, message, info, debug",
                         level);
          return FALSE;
        }
    }
  return load_media (self, keyfile, path, error) && load_webrtc (self, keyfile, path, error);
}

/* A message that may quote the file's text (GLib's do), TURN passwords
 * masked. */
static void
mask_error (GError *error)
{
  char *masked;

  if (error == NULL)
    return;
  masked = eb_ice_mask_secrets (error->message);
  g_free (error->message);
  error->message = masked;
}

static gboolean
load_file (EbDaemonConfig *self, const char *path, GPtrArray *warnings, GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  guint64 number;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  g_free (self->path);
  self->path = g_strdup (path);
  if (warnings != NULL)
    collect_unknown (keyfile, path, warnings);

  /* [server] */
  if (!load_string (keyfile, path, "server", "address", "127.0.0.1", &self->address, error))
    return FALSE;
  if (!eb_daemon_config_check_address (self->address, &local_error))
    {
      set_key_error (error, path, "server", "address", "%s", local_error->message);
      return FALSE;
    }
  number = self->port;
  if (!load_uint (keyfile, path, "server", "port", 0, 65535, &number, error))
    return FALSE;
  self->port = number;
  number = self->max_connections;
  if (!load_uint (keyfile, path, "server", "max_connections", 1, 65536, &number, error))
    return FALSE;
  self->max_connections = number;
  if (!load_uint (keyfile, path, "server", "max_body_bytes", 1024, G_GUINT64_CONSTANT (1) << 30,
                  &self->max_body_bytes, error))
    return FALSE;
  if (!load_string (keyfile, path, "server", "public_url", NULL, &self->public_url, error))
    return FALSE;
  if (self->public_url != NULL
      && !eb_daemon_config_check_public_url (self->public_url, &local_error))
    {
      set_key_error (error, path, "server", "public_url", "%s", local_error->message);
      return FALSE;
    }
  number = self->shutdown_timeout;
  if (!load_uint (keyfile, path, "server", "shutdown_timeout", 0, 3600, &number, error))
    return FALSE;
  self->shutdown_timeout = number;

  /* [store] */
  if (!load_string (keyfile, path, "store", "data_dir", "./eboard-data", &self->data_dir, error))
    return FALSE;
  if (!load_string (keyfile, path, "store", "migrations_dir", NULL, &self->migrations_dir, error))
    return FALSE;

  /* [quorum] */
  if (g_key_file_has_key (keyfile, "quorum", "required_specialties", NULL))
    {
      g_auto (GStrv) codes = NULL;
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      gsize n_codes = 0;

      codes = g_key_file_get_string_list (keyfile, "quorum", "required_specialties", &n_codes,
                                          &local_error);
      if (codes == NULL && local_error != NULL
          && !g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE))
        {
          set_key_error (error, path, "quorum", "required_specialties", "%s", local_error->message);
          return FALSE;
        }
      g_clear_error (&local_error);
      for (gsize i = 0; i < n_codes; i++)
        {
          g_strstrip (codes[i]);
          if (*codes[i] == '\0')
            continue;
          if (eb_specialty_lookup (codes[i]) == NULL)
            {
              set_key_error (error, path, "quorum", "required_specialties",
                             "'%s' is not a known specialty code", codes[i]);
              return FALSE;
            }
          g_strv_builder_add (builder, codes[i]);
        }
      g_strfreev (self->required_specialties);
      self->required_specialties = g_strv_builder_end (builder);
      if (self->required_specialties[0] == NULL)
        {
          set_key_error (error, path, "quorum", "required_specialties",
                         "at least one specialty code is needed");
          return FALSE;
        }
    }
  return load_groups (self, keyfile, path, error);
}

gboolean
eb_daemon_config_load (EbDaemonConfig *self, const char *path, GPtrArray *warnings, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!load_file (self, path, warnings, &local_error))
    {
      mask_error (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* (transfer full): @self's TURN servers, passwords masked */
static GStrv
mask_turn_servers (const EbDaemonConfig *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; self->turn_servers[i] != NULL; i++)
    {
      g_autofree char *masked = eb_ice_mask_secrets (self->turn_servers[i]);

      g_strv_builder_add (builder, masked);
    }
  return g_strv_builder_end (builder);
}

char *
eb_daemon_config_to_data (const EbDaemonConfig *self)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_auto (GStrv) masked_turn = mask_turn_servers (self);

  g_key_file_set_string (keyfile, "server", "address", self->address);
  g_key_file_set_uint64 (keyfile, "server", "port", self->port);
  g_key_file_set_uint64 (keyfile, "server", "max_connections", self->max_connections);
  g_key_file_set_uint64 (keyfile, "server", "max_body_bytes", self->max_body_bytes);
  g_key_file_set_string (keyfile, "server", "public_url",
                         self->public_url != NULL ? self->public_url : "");
  g_key_file_set_uint64 (keyfile, "server", "shutdown_timeout", self->shutdown_timeout);
  g_key_file_set_string (keyfile, "store", "data_dir", self->data_dir);
  g_key_file_set_string (keyfile, "store", "migrations_dir",
                         self->migrations_dir != NULL ? self->migrations_dir : "");
  g_key_file_set_string_list (keyfile, "quorum", "required_specialties",
                              (const char *const *)self->required_specialties,
                              g_strv_length (self->required_specialties));
  g_key_file_set_string (keyfile, "calendar", "organizer_email", self->organizer_email);
  g_key_file_set_string (keyfile, "calendar", "uid_domain", self->uid_domain);
  g_key_file_set_string (keyfile, "log", "level",
                         eb_daemon_config_log_level_to_string (self->log_level));
  g_key_file_set_boolean (keyfile, "media", "enabled", self->media_enabled);
  g_key_file_set_string (keyfile, "media", "srt_address", self->srt_address);
  g_key_file_set_uint64 (keyfile, "media", "srt_port", self->srt_port);
  g_key_file_set_string (keyfile, "media", "public_srt_host",
                         self->public_srt_host != NULL ? self->public_srt_host : "");
  g_key_file_set_string (keyfile, "media", "pipelines_dir",
                         self->pipelines_dir != NULL ? self->pipelines_dir : "");
  g_key_file_set_string (keyfile, "media", "recordings_dir",
                         self->recordings_dir != NULL ? self->recordings_dir : "");
  g_key_file_set_uint64 (keyfile, "media", "segment_seconds", self->segment_seconds);
  g_key_file_set_uint64 (keyfile, "media", "subscriber_queue_bytes", self->subscriber_queue_bytes);
  g_key_file_set_uint64 (keyfile, "media", "credential_lifetime", self->credential_lifetime);
  g_key_file_set_string (keyfile, "webrtc", "stun_server",
                         self->stun_server != NULL ? self->stun_server : "");
  g_key_file_set_string_list (keyfile, "webrtc", "turn_servers", (const char *const *)masked_turn,
                              g_strv_length (masked_turn));
  g_key_file_set_uint64 (keyfile, "webrtc", "ice_port_min", self->ice_port_min);
  g_key_file_set_uint64 (keyfile, "webrtc", "ice_port_max", self->ice_port_max);
  g_key_file_set_string_list (keyfile, "webrtc", "local_addresses",
                              (const char *const *)self->local_addresses,
                              g_strv_length (self->local_addresses));
  g_key_file_set_uint64 (keyfile, "webrtc", "gathering_timeout_ms", self->gathering_timeout_ms);
  return g_key_file_to_data (keyfile, NULL, NULL);
}

char *
eb_daemon_config_describe_webrtc (const EbDaemonConfig *self)
{
  g_auto (GStrv) masked_turn = NULL;
  g_autofree char *turn = NULL;
  g_autofree char *addresses = NULL;
  g_autofree char *ports = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  masked_turn = mask_turn_servers (self);
  turn = g_strjoinv (", ", masked_turn);
  addresses = g_strjoinv (", ", self->local_addresses);
  ports = self->ice_port_min != 0
              ? g_strdup_printf ("UDP ports %u-%u", self->ice_port_min, self->ice_port_max)
              : g_strdup ("any UDP port");
  return g_strdup_printf ("WebRTC ICE: STUN %s; TURN %s; local addresses %s; %s; gathering "
                          "waits at most %u ms",
                          self->stun_server != NULL ? self->stun_server : "none",
                          *turn != '\0' ? turn : "none",
                          *addresses != '\0' ? addresses : "every interface but loopback", ports,
                          self->gathering_timeout_ms);
}
