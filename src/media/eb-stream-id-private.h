/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <eboard/eb-types.h>

G_BEGIN_DECLS

typedef enum
{
  EB_STREAM_MODE_PUBLISH,
  EB_STREAM_MODE_REQUEST,
} EbStreamMode;

/**
 * EbStreamId:
 * @session_id: the session named by the resource
 * @mode: publish (a site sends its track) or request (a relay pull)
 * @track: (nullable): for request, the track name or "chair"
 * @credential: the join credential (never logged)
 *
 * An SRT `streamid` in the access-control syntax eboard accepts:
 * `#!::r=session/<id>,m=publish,t=<credential>` or
 * `#!::r=session/<id>/track/<name>,m=request,t=<credential>`. The keys
 * `u` and `h` are accepted and ignored; any other key, a repeated key or
 * a missing one is refused. A streamid still percent-encoded as in an
 * `srt://` URL (`%23%21%3A%3A...`, as ffmpeg before 6.0 sends it) is
 * decoded first.
 */
typedef struct
{
  EbId session_id;
  EbStreamMode mode;
  char *track;
  char *credential;
} EbStreamId;

/* SRT limits a streamid to 512 bytes. */
#define EB_STREAM_ID_MAX_LENGTH 512
/* The pseudo track naming the chair's track. */
#define EB_STREAM_ID_CHAIR_TRACK "chair"

/* (transfer full) (nullable): %NULL with EB_ERROR_INVALID and, in
 * @reject_code, the SRT_REJX_* code to answer with. The error message
 * never repeats the credential. */
EbStreamId *eb_stream_id_parse (const char *text, int *reject_code, GError **error);
void eb_stream_id_free (EbStreamId *stream_id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EbStreamId, eb_stream_id_free)

/* (transfer full): the streamid for @mode (@track only for request) */
char *eb_stream_id_format (EbId session_id, EbStreamMode mode, const char *track,
                           const char *credential);

/* Whether @name is a valid track name: 1..64 of [A-Za-z0-9_-]. */
gboolean eb_stream_id_track_name_is_valid (const char *name);

G_END_DECLS
