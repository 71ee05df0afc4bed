/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/*
 * The segment files a recorder's splitmuxsink opens, `<track>-NNNNN<suffix>`
 * in the session folder, tracked in order on the main context until each
 * is closed and its end known.
 */

/* A segment file the muxer opened (main context). */
typedef struct _EbFragment
{
  char *location;
  GstClockTime start_rt;
  GstClockTime end_rt;
  gboolean closed;
} EbFragment;

void eb_fragment_free (EbFragment *fragment);

/* The muxer opened @location at @running_time: the end of the previous
 * fragment of @fragments (EbFragment), if not known yet; @location is
 * added to @opened_files (utf8) too. */
void eb_fragments_opened (GQueue *fragments, GPtrArray *opened_files, const char *location,
                          GstClockTime running_time);
/* The muxer closed @location. */
void eb_fragments_closed (GQueue *fragments, const char *location);
/* (transfer full) (nullable): the oldest fragment once the muxer closed
 * it and its end is known: the start of the next one, or once
 * @pipeline_done the last running time that reached the muxer,
 * @last_end_rt (read with @lock held). Its end goes to @end_rt. */
EbFragment *eb_fragments_pop_closed (GQueue *fragments, gboolean pipeline_done, GMutex *lock,
                                     const GstClockTime *last_end_rt, GstClockTime *end_rt);
/* (transfer full) (nullable): once the pipeline is done, the next
 * fragment the muxer did not close that has something written (logged
 * for @track_name); the empty ones are dropped. */
EbFragment *eb_fragments_pop_unclosed (GQueue *fragments, const char *track_name);

typedef enum
{
  EB_FRAGMENT_MESSAGE_NONE,
  EB_FRAGMENT_MESSAGE_OPENED,
  EB_FRAGMENT_MESSAGE_CLOSED,
} EbFragmentMessage;

/* What an element message of the splitmuxsink @mux says: a segment file
 * @location (valid as long as @message) opened (at @running_time) or
 * closed; NONE for any other message. */
EbFragmentMessage eb_fragment_message_parse (GstMessage *message, GstElement *mux,
                                             const char **location, GstClockTime *running_time);

/* "<track_name>-NNNNN<suffix>": its index NNNNN, or -1. */
gint64 eb_segment_file_index (const char *track_name, const char *suffix, const char *file);
/* The first index after every `<track_name>-NNNNN<suffix>` in
 * @directory: a track recorded again in the same folder never
 * overwrites its earlier segments. */
guint eb_segment_next_free_index (const char *directory, const char *track_name,
                                  const char *suffix);
/* Removes the files of @opened_files that are empty, or all of them when
 * @all. */
void eb_segment_files_remove (GPtrArray *opened_files, const char *track_name, gboolean all);

G_END_DECLS
