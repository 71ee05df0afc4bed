/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* eboardctl talks to eboardd only over HTTP (docs/API.md); it shares no
 * code path with the server beyond this folder. */

#define EB_CTL_ERROR (eb_ctl_error_quark ())

/**
 * EbCtlError:
 * @EB_CTL_ERROR_SERVER: the server answered 4xx/5xx (exit status 1)
 * @EB_CTL_ERROR_USAGE: bad command line or client configuration (2)
 * @EB_CTL_ERROR_CONNECT: the server could not be reached (3)
 * @EB_CTL_ERROR_LOCAL: a local failure, e.g. writing -o FILE (1)
 */
typedef enum
{
  EB_CTL_ERROR_SERVER,
  EB_CTL_ERROR_USAGE,
  EB_CTL_ERROR_CONNECT,
  EB_CTL_ERROR_LOCAL,
} EbCtlError;

GQuark eb_ctl_error_quark (void);
int eb_ctl_error_exit_status (const GError *error);

typedef struct _EbCtl EbCtl;

/* Runs one subcommand. @args holds "eboardctl RESOURCE ACTION" in [0] and
 * then the remaining command-line words, options included. */
typedef gboolean (*EbCtlRunFunc) (EbCtl *ctl, GStrv *args, GError **error);

typedef struct
{
  const char *resource;
  const char *action; /* NULL: the resource word is the whole command */
  const char *params; /* positional arguments, for the usage line */
  const char *summary;
  EbCtlRunFunc run;
} EbCtlCommand;

struct _EbCtl
{
  /* global options as given */
  char *opt_server;
  char *opt_token;
  char *opt_client_config;
  gboolean json;
  gboolean verbose;

  /* resolved: flags, else environment, else the client file, else default */
  char *server;
  char *token;
  const char *token_origin;
  SoupSession *session;
  const EbCtlCommand *command;
  char *command_name;
};

EbCtl *eb_ctl_new (void);
void eb_ctl_free (EbCtl *ctl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbCtl, eb_ctl_free)

/* Parses @entries plus the global options from *@args, leaves the
 * positional words in *@args ([0] is the command name) and checks that
 * there are @min_args..@max_args of them (-1: no maximum). Then resolves
 * the server and the token. */
gboolean eb_ctl_parse (EbCtl *ctl, const GOptionEntry *entries, GStrv *args, guint min_args,
                       gint max_args, GError **error);
void eb_ctl_usage_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* --- HTTP --- */

typedef struct
{
  guint status;
  char *content_type;
  char *etag;
  GBytes *body;
  JsonNode *json; /* (nullable): the parsed body when it is JSON */
} EbCtlReply;

void eb_ctl_reply_free (EbCtlReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbCtlReply, eb_ctl_reply_free)

/**
 * eb_ctl_request:
 * @path: below the server URL, e.g. "/api/v1/sites?limit=10"
 * @body: (nullable): JSON request body
 * @if_match: (nullable): a version for If-Match
 * @idempotency_key: (nullable): sent as Idempotency-Key
 *
 * Returns: (transfer full): the 2xx answer; a 4xx/5xx answer is an
 *   EB_CTL_ERROR_SERVER error whose message renders the problem details,
 *   a transport failure an EB_CTL_ERROR_CONNECT error.
 */
EbCtlReply *eb_ctl_request (EbCtl *ctl, const char *method, const char *path, JsonNode *body,
                            const char *if_match, const char *idempotency_key, GError **error);
/* The answer's JSON object, after the JSON checks. */
JsonObject *eb_ctl_reply_get_object (EbCtlReply *reply, GError **error);
/* A GET of a JSON object. */
JsonObject *eb_ctl_get_object (EbCtl *ctl, const char *path, EbCtlReply **out_reply,
                               GError **error);
void eb_ctl_path_add_query (GString *path, const char *key, const char *value);

/* --- input --- */

gboolean eb_ctl_parse_id (const char *text, const char *what, gint64 *id, GError **error);
/* Accepts RFC 3339 with an offset, or a local date and time ("2026-03-03T09:00",
 * "2026-03-03 09:00", "2026-03-03") read in @tzid (NULL: this machine's
 * zone). A bare date is the start of the day, or its last second when
 * @end_of_day. */
GDateTime *eb_ctl_parse_time (const char *text, const char *tzid, gboolean end_of_day,
                              const char *what, GError **error);
/* (transfer full): "2026-03-03T08:00:00Z" */
char *eb_ctl_format_utc (GDateTime *time);
/* A usage error "missing --@option" when @value is NULL. */
gboolean eb_ctl_require (const char *value, const char *option, GError **error);
/* Builder members, skipped when the value is unset (NULL, or G_MININT). */
void eb_ctl_add_string (JsonBuilder *builder, const char *member, const char *value);
void eb_ctl_add_int (JsonBuilder *builder, const char *member, gint64 value);
void eb_ctl_add_id (JsonBuilder *builder, const char *member, const char *text, const char *option,
                    gboolean *ok, GError **error);
void eb_ctl_add_bool (JsonBuilder *builder, const char *member, gboolean value);
/* A new Idempotency-Key unless @given. */
char *eb_ctl_idempotency_key (const char *given);

/* --- output --- */

typedef char *(*EbCtlFormatFunc) (JsonObject *object, const char *member);

typedef struct
{
  const char *header;
  const char *member;
  EbCtlFormatFunc format; /* NULL: eb_ctl_format_value() */
} EbCtlColumn;

/* (transfer full): text from the server made safe for a terminal: C0 and
 * C1 control characters (but those in @keep, nullable) and bytes that
 * are not UTF-8 are shown as escapes ("\x1B", "\u009B"). */
char *eb_ctl_escape_controls (const char *text, const char *keep);
char *eb_ctl_format_value (JsonObject *object, const char *member);
/* An instant shown in the object's "timezone" member (else local time). */
char *eb_ctl_format_time (JsonObject *object, const char *member);
char *eb_ctl_format_time_local (JsonObject *object, const char *member);
char *eb_ctl_format_yes_no (JsonObject *object, const char *member);
char *eb_ctl_format_instant (const char *rfc3339, const char *tzid);

/* Tables with aligned columns under a header line (NULL-header terminated). */
void eb_ctl_print_table (const EbCtlColumn *columns, JsonArray *items);
/* One object as "Label:  value" lines. */
void eb_ctl_print_fields (const EbCtlColumn *columns, JsonObject *object);
void eb_ctl_print_json (JsonNode *node);
/* Prints a list answer ({"items": [...], "total": N}) as a table, or the
 * JSON with --json. */
gboolean eb_ctl_print_list (EbCtl *ctl, EbCtlReply *reply, const EbCtlColumn *columns,
                            GError **error);
/* Prints an object answer as fields, or the JSON with --json; an answer
 * wrapping the object in @wrapper (e.g. "entry") with "warnings" beside
 * it shows the warnings on stderr. */
gboolean eb_ctl_print_object (EbCtl *ctl, EbCtlReply *reply, const char *wrapper,
                              const EbCtlColumn *columns, GError **error);
/* GET @path and print it as an object / a list / nothing. */
gboolean eb_ctl_show (EbCtl *ctl, const char *path, const EbCtlColumn *columns, GError **error);
gboolean eb_ctl_list (EbCtl *ctl, const char *path, const EbCtlColumn *columns, GError **error);
/* Sends @body with @method (a write) and prints the answer as an object. */
gboolean eb_ctl_write (EbCtl *ctl, const char *method, const char *path, JsonNode *body,
                       const char *if_match, const char *idempotency_key, const char *wrapper,
                       const EbCtlColumn *columns, GError **error);
/* DELETE @path; says "Deleted @what." */
gboolean eb_ctl_delete (EbCtl *ctl, const char *path, const char *if_match, const char *what,
                        GError **error);
/* Adds ?offset=&limit= when set (limit 0: the server's default). */
void eb_ctl_path_add_page (GString *path, gint offset, gint limit);
/* Writes @body to @path, or to stdout when @path is NULL. */
gboolean eb_ctl_write_output (GBytes *body, const char *path, GError **error);

/* --- the commands, each table ending with a NULL resource --- */
extern const EbCtlCommand eb_ctl_directory_commands[];
extern const EbCtlCommand eb_ctl_session_commands[];
extern const EbCtlCommand eb_ctl_token_commands[];
extern const EbCtlCommand eb_ctl_live_commands[];
extern const EbCtlCommand eb_ctl_feed_commands[];

G_END_DECLS
