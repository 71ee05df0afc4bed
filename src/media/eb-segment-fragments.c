/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "eb-segment-fragments-private.h"

void
eb_fragment_free (EbFragment *fragment)
{
  g_free (fragment->location);
  g_free (fragment);
}

void
eb_fragments_opened (GQueue *fragments, GPtrArray *opened_files, const char *location,
                     GstClockTime running_time)
{
  EbFragment *previous = g_queue_peek_tail (fragments);
  EbFragment *fragment = g_new0 (EbFragment, 1);

  if (previous != NULL && !GST_CLOCK_TIME_IS_VALID (previous->end_rt))
    previous->end_rt = running_time;
  g_ptr_array_add (opened_files, g_strdup (location));
  fragment->location = g_strdup (location);
  fragment->start_rt = running_time;
  fragment->end_rt = GST_CLOCK_TIME_NONE;
  g_queue_push_tail (fragments, fragment);
}

void
eb_fragments_closed (GQueue *fragments, const char *location)
{
  for (GList *l = fragments->head; l != NULL; l = l->next)
    {
      EbFragment *fragment = l->data;

      if (g_strcmp0 (fragment->location, location) == 0)
        {
          fragment->closed = TRUE;
          break;
        }
    }
}

EbFragment *
eb_fragments_pop_closed (GQueue *fragments, gboolean pipeline_done, GMutex *lock,
                         const GstClockTime *last_end_rt, GstClockTime *end_rt)
{
  EbFragment *fragment = g_queue_peek_head (fragments);

  if (fragment == NULL || !fragment->closed)
    return NULL;
  *end_rt = fragment->end_rt;
  if (!GST_CLOCK_TIME_IS_VALID (*end_rt))
    {
      if (!pipeline_done)
        return NULL;
      g_mutex_lock (lock);
      *end_rt = *last_end_rt;
      g_mutex_unlock (lock);
    }
  return g_queue_pop_head (fragments);
}

EbFragment *
eb_fragments_pop_unclosed (GQueue *fragments, const char *track_name)
{
  EbFragment *fragment;

  while ((fragment = g_queue_pop_head (fragments)) != NULL)
    {
      GStatBuf st;

      if (g_stat (fragment->location, &st) == 0 && st.st_size > 0)
        {
          g_message ("track %s: %s was not closed by the muxer; keeping what was written",
                     track_name, fragment->location);
          return fragment;
        }
      eb_fragment_free (fragment);
    }
  return NULL;
}

EbFragmentMessage
eb_fragment_message_parse (GstMessage *message, GstElement *mux, const char **location,
                           GstClockTime *running_time)
{
  const GstStructure *structure = gst_message_get_structure (message);

  *running_time = GST_CLOCK_TIME_NONE;
  if (structure == NULL || GST_MESSAGE_SRC (message) != GST_OBJECT (mux))
    return EB_FRAGMENT_MESSAGE_NONE;
  *location = gst_structure_get_string (structure, "location");
  if (*location == NULL)
    return EB_FRAGMENT_MESSAGE_NONE;
  gst_structure_get_clock_time (structure, "running-time", running_time);
  if (gst_structure_has_name (structure, "splitmuxsink-fragment-opened"))
    return EB_FRAGMENT_MESSAGE_OPENED;
  if (gst_structure_has_name (structure, "splitmuxsink-fragment-closed"))
    return EB_FRAGMENT_MESSAGE_CLOSED;
  return EB_FRAGMENT_MESSAGE_NONE;
}

gint64
eb_segment_file_index (const char *track_name, const char *suffix, const char *file)
{
  gsize prefix_length = strlen (track_name);
  const char *p;
  const char *end;

  if (strncmp (file, track_name, prefix_length) != 0 || file[prefix_length] != '-'
      || !g_str_has_suffix (file, suffix))
    return -1;
  p = file + prefix_length + 1;
  end = file + strlen (file) - strlen (suffix);
  if (p >= end)
    return -1;
  for (const char *q = p; q < end; q++)
    {
      if (!g_ascii_isdigit (*q))
        return -1;
    }
  return g_ascii_strtoll (p, NULL, 10);
}

guint
eb_segment_next_free_index (const char *directory, const char *track_name, const char *suffix)
{
  g_autoptr (GDir) dir = g_dir_open (directory, 0, NULL);
  gint64 next = 0;
  const char *name;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gint64 index = eb_segment_file_index (track_name, suffix, name);

      if (index >= next)
        next = index + 1;
    }
  return (guint)MIN (next, G_MAXINT);
}

/* Only the files a recorder opened: a reconnect's recorder may be
 * writing the next ones in the same folder already. */
void
eb_segment_files_remove (GPtrArray *opened_files, const char *track_name, gboolean all)
{
  for (guint i = 0; i < opened_files->len; i++)
    {
      const char *path = g_ptr_array_index (opened_files, i);
      GStatBuf st;

      if (g_stat (path, &st) != 0 || (!all && st.st_size > 0))
        continue;
      if (g_unlink (path) != 0)
        g_message ("track %s: cannot remove %s: %s", track_name, path, g_strerror (errno));
    }
}
