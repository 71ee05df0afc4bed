/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <eboard/eb-error.h>
#include <eboard/eb-types.h>

G_BEGIN_DECLS

/* --- instants: RFC 3339 on the wire, Unix seconds UTC inside --- */

/* "2026-03-03T15:00:00Z" (transfer full), or %NULL for 0 (not set). */
char *eb_json_format_instant (gint64 instant);
/* Strict RFC 3339 (a date, "T", a time, optional fraction, "Z" or an
 * offset); fractions of a second are dropped. Instants at or before
 * 1970-01-01T00:00:00Z are refused (0 means "not set" inside). */
gboolean eb_json_parse_instant (const char *text, gint64 *instant);

/* Writes @instant under @name, null for 0. */
void eb_json_add_instant (JsonBuilder *builder, const char *name, gint64 instant);
/* Writes @id under @name, null for 0. */
void eb_json_add_id (JsonBuilder *builder, const char *name, EbId id);

/* (transfer full): {"rule", "detail", "field", "span"} */
JsonNode *eb_json_violation (const EbViolation *violation);
/* (transfer full): an array of eb_json_violation() */
JsonNode *eb_json_violations (GPtrArray *violations);

/* --- strict syntax --- */

#define EB_JSON_MAX_DEPTH 32

/* Whether @data is one RFC 8259 JSON text nested at most @max_depth
 * deep, whose \u escapes are characters (half a surrogate pair is
 * refused: json-glib would turn a lone low half into bytes that are not
 * UTF-8). json-glib alone is lenient (single quotes, trailing commas) and
 * recurses without bound; requests pass this check first. @error names
 * the byte offset of the first problem (EB_ERROR_INVALID). */
gboolean eb_json_validate (const char *data, gsize size, guint max_depth, GError **error);

/* --- strict decoding of request objects --- */

typedef enum
{
  EB_FIELD_OPTIONAL = 0,
  EB_FIELD_REQUIRED = 1 << 0,
  EB_FIELD_NULLABLE = 1 << 1,
} EbFieldFlags;

/*
 * EbJsonReader: reads the members of one request object, checking their
 * types, and collects every problem (wrong type, bad value, missing,
 * unknown or read-only member) so that one 400 answer names them all.
 *
 * Each getter returns %TRUE when the member is present with a usable
 * value (for a nullable member, JSON null gives 0 or %NULL) and writes
 * @out; it returns %FALSE, leaving @out alone, when the member is absent
 * (a violation when required) or unusable (a violation).
 */
typedef struct _EbJsonReader EbJsonReader;

EbJsonReader *eb_json_reader_new (JsonObject *object);
void eb_json_reader_free (EbJsonReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbJsonReader, eb_json_reader_free)

/* Members that exist on the object but that a client may not send. */
void eb_json_reader_set_read_only (EbJsonReader *reader, const char *const *names);

gboolean eb_json_reader_has (EbJsonReader *reader, const char *name);
gboolean eb_json_reader_string (EbJsonReader *reader, const char *name, EbFieldFlags flags,
                                char **out);
gboolean eb_json_reader_int (EbJsonReader *reader, const char *name, EbFieldFlags flags, gint64 min,
                             gint64 max, gint64 *out);
/* A positive id; null gives 0 when nullable. */
gboolean eb_json_reader_id (EbJsonReader *reader, const char *name, EbFieldFlags flags, EbId *out);
gboolean eb_json_reader_bool (EbJsonReader *reader, const char *name, EbFieldFlags flags,
                              gboolean *out);
/* An RFC 3339 instant; null gives 0 when nullable. */
gboolean eb_json_reader_instant (EbJsonReader *reader, const char *name, EbFieldFlags flags,
                                 gint64 *out);
/* (out) (transfer none): an object member, %NULL for null when nullable. */
gboolean eb_json_reader_object (EbJsonReader *reader, const char *name, EbFieldFlags flags,
                                JsonObject **out);
/* (out) (transfer none) */
gboolean eb_json_reader_array (EbJsonReader *reader, const char *name, EbFieldFlags flags,
                               JsonArray **out);

/* A reader over a nested object; its violations name "@name.member" and
 * land in @parent's list. */
EbJsonReader *eb_json_reader_child (EbJsonReader *parent, const char *name, JsonObject *object);

/* Records an `invalid-field` violation on @name (printf-style detail). */
void eb_json_reader_invalid (EbJsonReader *reader, const char *name, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

/* Adds the unknown and read-only members to the violations; call once
 * all members were read (children before their parent). */
void eb_json_reader_check_members (EbJsonReader *reader);
/* EB_ERROR_INVALID carrying every violation, or %TRUE when there is none.
 * Checks the members first. */
gboolean eb_json_reader_finish (EbJsonReader *reader, GError **error);

G_END_DECLS
