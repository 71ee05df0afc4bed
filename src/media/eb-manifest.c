/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-media"

#include "eb-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <glib-unix.h>
#include <gst/pbutils/pbutils.h>
#include <json-glib/json-glib.h>

#include <eboard/eb-error.h>

#include "eb-manifest-private.h"

/* A segment GstDiscoverer cannot read within this is not playable. */
#define EB_DISCOVER_TIMEOUT (10 * GST_SECOND)
#define EB_HASH_CHUNK (256 * 1024)

/* Appends from every recorder of the process go through one lock, so
 * that lines of concurrent recorders never interleave. */
static GMutex append_lock;

/* --- entries --- */

EbManifestEntry *
eb_manifest_entry_new (void)
{
  return g_new0 (EbManifestEntry, 1);
}

EbManifestEntry *
eb_manifest_entry_copy (const EbManifestEntry *entry)
{
  EbManifestEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (EbManifestEntry, 1);
  *copy = *entry;
  copy->track = g_strdup (entry->track);
  copy->file = g_strdup (entry->file);
  copy->sha256 = g_strdup (entry->sha256);
  copy->video_codec = g_strdup (entry->video_codec);
  copy->audio_codec = g_strdup (entry->audio_codec);
  return copy;
}

void
eb_manifest_entry_free (EbManifestEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->track);
  g_free (entry->file);
  g_free (entry->sha256);
  g_free (entry->video_codec);
  g_free (entry->audio_codec);
  g_free (entry);
}

static void
add_string_or_null (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder, const char *name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

char *
eb_manifest_entry_to_json (const EbManifestEntry *entry)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_or_null (builder, "track", entry->track);
  add_int (builder, "person_id", entry->person_id);
  add_string_or_null (builder, "file", entry->file);
  add_int (builder, "start_offset_us", entry->start_offset_us);
  add_int (builder, "duration_us", entry->duration_us);
  add_int (builder, "size", (gint64)entry->size);
  add_string_or_null (builder, "sha256", entry->sha256);
  add_string_or_null (builder, "video_codec", entry->video_codec);
  add_string_or_null (builder, "audio_codec", entry->audio_codec);
  add_int (builder, "width", entry->width);
  add_int (builder, "height", entry->height);
  add_int (builder, "session_start_us", entry->session_start_us);
  if (entry->partial)
    {
      json_builder_set_member_name (builder, "partial");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
member_string (JsonObject *object, const char *name, gboolean required, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "member \"%s\" is missing", name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "member \"%s\" is not a string", name);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
member_int (JsonObject *object, const char *name, gboolean required, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "member \"%s\" is missing", name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "member \"%s\" is not an integer", name);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

/* A file name inside the session folder, nothing else. */
static gboolean
file_name_is_safe (const char *file)
{
  return file != NULL && *file != '\0' && strchr (file, '/') == NULL && strcmp (file, ".") != 0
         && strcmp (file, "..") != 0;
}

EbManifestEntry *
eb_manifest_entry_from_json (const char *line, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (EbManifestEntry) entry = eb_manifest_entry_new ();
  g_autoptr (GError) local_error = NULL;
  JsonObject *object;
  JsonNode *node;
  gint64 value = 0;

  g_return_val_if_fail (line != NULL, NULL);

  if (!json_parser_load_from_data (parser, line, -1, &local_error))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "not JSON: %s", local_error->message);
      return NULL;
    }
  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, "not a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!member_string (object, "track", TRUE, &entry->track, error)
      || !member_int (object, "person_id", FALSE, &entry->person_id, error)
      || !member_string (object, "file", TRUE, &entry->file, error)
      || !member_int (object, "start_offset_us", TRUE, &entry->start_offset_us, error)
      || !member_int (object, "duration_us", TRUE, &entry->duration_us, error)
      || !member_int (object, "size", TRUE, &value, error)
      || !member_string (object, "sha256", TRUE, &entry->sha256, error)
      || !member_string (object, "video_codec", FALSE, &entry->video_codec, error)
      || !member_string (object, "audio_codec", FALSE, &entry->audio_codec, error)
      || !member_int (object, "session_start_us", FALSE, &entry->session_start_us, error))
    return NULL;
  entry->size = (guint64)MAX (value, 0);
  value = 0;
  if (!member_int (object, "width", FALSE, &value, error))
    return NULL;
  entry->width = (gint)CLAMP (value, 0, G_MAXINT);
  value = 0;
  if (!member_int (object, "height", FALSE, &value, error))
    return NULL;
  entry->height = (gint)CLAMP (value, 0, G_MAXINT);
  node = json_object_get_member (object, "partial");
  entry->partial = node != NULL && JSON_NODE_HOLDS_VALUE (node)
                   && json_node_get_value_type (node) == G_TYPE_BOOLEAN
                   && json_node_get_boolean (node);
  if (!file_name_is_safe (entry->file))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "\"%s\" is not a file of the session folder",
                   entry->file);
      return NULL;
    }
  return g_steal_pointer (&entry);
}

/* --- the file --- */

static gboolean
write_all (int fd, const char *data, gsize length, GError **error)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                       g_strerror (saved_errno));
          return FALSE;
        }
      data += written;
      length -= (gsize)written;
    }
  return TRUE;
}

gboolean
eb_fsync_dir (const char *path)
{
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        g_close (fd, NULL);
      g_message ("cannot sync the folder %s: %s; a power loss may lose its latest files", path,
                 g_strerror (saved_errno));
      return FALSE;
    }
  g_close (fd, NULL);
  return TRUE;
}

gboolean
eb_manifest_append (const char *path, const EbManifestEntry *entry, GError **error)
{
  g_autofree char *json = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean created = FALSE;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  json = eb_manifest_entry_to_json (entry);
  line = g_strconcat (json, "\n", NULL);

  g_mutex_lock (&append_lock);
  fd = g_open (path, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
  if (fd < 0 && errno == ENOENT)
    {
      fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      created = fd >= 0;
    }
  if (fd < 0)
    {
      int saved_errno = errno;

      g_mutex_unlock (&append_lock);
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot open the manifest %s: %s", path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  /* one write: a kill leaves a whole line or a torn last line */
  ok = write_all (fd, line, strlen (line), &local_error);
  if (ok && fsync (fd) != 0)
    {
      int saved_errno = errno;

      g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "fsync: %s",
                   g_strerror (saved_errno));
      ok = FALSE;
    }
  g_close (fd, NULL);
  if (ok && created)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *parent = g_path_get_dirname (dir);

      /* the new manifest's name survives a power loss too, and so does
       * the session folder's, created with the first segment */
      eb_fsync_dir (dir);
      eb_fsync_dir (parent);
    }
  g_mutex_unlock (&append_lock);
  if (!ok)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot append to the manifest %s: %s", path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
eb_manifest_read (const char *path, GError **error)
{
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_manifest_entry_free);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_lines;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&entries);
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot read the manifest %s: %s", path,
                   local_error->message);
      return NULL;
    }
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);
  for (guint i = 0; i < n_lines; i++)
    {
      g_autoptr (GError) line_error = NULL;
      EbManifestEntry *entry;
      /* the text after the last newline is a line being written */
      gboolean last = i + 1 == n_lines || (i + 2 == n_lines && *lines[i + 1] == '\0');

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      entry = eb_manifest_entry_from_json (lines[i], &line_error);
      if (entry == NULL)
        {
          if (last)
            g_debug ("%s:%u: torn last line ignored: %s", path, i + 1, line_error->message);
          else
            g_message ("%s:%u: line ignored: %s", path, i + 1, line_error->message);
          continue;
        }
      g_ptr_array_add (entries, entry);
    }
  return g_steal_pointer (&entries);
}

/* --- helpers --- */

char *
eb_manifest_session_dir (const char *recordings_dir, EbId session_id)
{
  g_autofree char *name = g_strdup_printf ("session-%" G_GINT64_FORMAT, session_id);

  return g_build_filename (recordings_dir, name, NULL);
}

EbId
eb_manifest_person_from_track (const char *track)
{
  guint64 value = 0;
  const char *p;

  if (track == NULL || track[0] != 'p' || !g_ascii_isdigit (track[1]))
    return 0;
  for (p = track + 1; g_ascii_isdigit (*p); p++)
    {
      if (value > G_MAXINT64 / 10)
        return 0;
      value = value * 10 + (guint64)(*p - '0');
    }
  if (*p != '-' && *p != '\0')
    return 0;
  return (EbId)value;
}

char *
eb_manifest_codec_from_caps (const GstCaps *caps)
{
  const GstStructure *structure;
  const char *name;
  gint version = 0;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;
  structure = gst_caps_get_structure (caps, 0);
  name = gst_structure_get_name (structure);
  if (g_str_equal (name, "video/x-h264"))
    return g_strdup ("h264");
  if (g_str_equal (name, "video/x-h265"))
    return g_strdup ("h265");
  if (g_str_equal (name, "audio/x-opus"))
    return g_strdup ("opus");
  if (g_str_equal (name, "audio/mpeg"))
    {
      gst_structure_get_int (structure, "mpegversion", &version);
      if (version == 2 || version == 4)
        return g_strdup ("aac");
      if (version == 1)
        {
          gint layer = 0;

          gst_structure_get_int (structure, "layer", &layer);
          return g_strdup_printf ("mp%d", layer > 0 ? layer : 3);
        }
    }
  if (g_str_equal (name, "video/mpeg"))
    {
      gst_structure_get_int (structure, "mpegversion", &version);
      return g_strdup_printf ("mpeg%dvideo", version > 0 ? version : 2);
    }
  /* "video/x-foo" -> "foo" */
  name = strchr (name, '/') != NULL ? strchr (name, '/') + 1 : name;
  if (g_str_has_prefix (name, "x-"))
    name += 2;
  return g_strdup (name);
}

gboolean
eb_segment_file_hash (const char *path, guint64 *size, char **sha256, GError **error)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (EB_HASH_CHUNK);
  guint64 total = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot read %s: %s", path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  for (;;)
    {
      gssize n = read (fd, buffer, EB_HASH_CHUNK);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_close (fd, NULL);
          g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot read %s: %s", path,
                       g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
      total += (guint64)n;
    }
  g_close (fd, NULL);
  if (size != NULL)
    *size = total;
  if (sha256 != NULL)
    *sha256 = g_strdup (g_checksum_get_string (checksum));
  return TRUE;
}

void
eb_segment_info_clear (EbSegmentInfo *info)
{
  g_clear_pointer (&info->video_codec, g_free);
  g_clear_pointer (&info->audio_codec, g_free);
}

/* The timestamps that reached the sinks of a span measurement. */
typedef struct
{
  GMutex lock;
  GstElement *pipeline;
  GstClockTime first;
  GstClockTime end;
} EbSpan;

/* Streaming threads: the earliest start and the latest end of the
 * buffers of every stream. */
static GstPadProbeReturn
span_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  EbSpan *span = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime start
      = GST_BUFFER_PTS_IS_VALID (buffer) ? GST_BUFFER_PTS (buffer) : GST_BUFFER_DTS (buffer);
  GstClockTime end;

  if (!GST_CLOCK_TIME_IS_VALID (start))
    return GST_PAD_PROBE_OK;
  end = start + (GST_BUFFER_DURATION_IS_VALID (buffer) ? GST_BUFFER_DURATION (buffer) : 0);
  g_mutex_lock (&span->lock);
  if (!GST_CLOCK_TIME_IS_VALID (span->first) || start < span->first)
    span->first = start;
  if (!GST_CLOCK_TIME_IS_VALID (span->end) || end > span->end)
    span->end = end;
  g_mutex_unlock (&span->lock);
  return GST_PAD_PROBE_OK;
}

/* Streaming thread: every parsed stream ends in a fakesink. */
static void
span_pad_added_cb (GstElement *parsebin, GstPad *pad, EbSpan *span)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sinkpad = NULL;

  if (sink == NULL)
    return;
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (span->pipeline), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, span_probe_cb, span, NULL);
  gst_element_sync_state_with_parent (sink);
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_debug ("cannot measure stream %s", GST_PAD_NAME (pad));
}

/*
 * Blocking (bounded): the media time the file at @path spans, from the
 * first to the last timestamp of its streams as their parsers see them
 * (nothing is decoded). GstDiscoverer reads the duration of MPEG-TS from
 * the program clock at both ends of the file, which a file cut in the
 * middle of a segment may not give it.
 */
static gint64
measure_span (const char *path)
{
  g_autoptr (GstElement) pipeline = gst_pipeline_new (NULL);
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  GstElement *source = gst_element_factory_make ("filesrc", NULL);
  GstElement *parse = gst_element_factory_make ("parsebin", NULL);
  EbSpan span = { 0 };
  gint64 duration_us = 0;

  if (source == NULL || parse == NULL)
    {
      g_clear_pointer (&source, gst_object_unref);
      g_clear_pointer (&parse, gst_object_unref);
      return 0;
    }
  g_mutex_init (&span.lock);
  span.pipeline = pipeline;
  span.first = GST_CLOCK_TIME_NONE;
  span.end = GST_CLOCK_TIME_NONE;
  g_object_set (source, "location", path, NULL);
  gst_bin_add_many (GST_BIN (pipeline), source, parse, NULL);
  g_signal_connect (parse, "pad-added", G_CALLBACK (span_pad_added_cb), &span);
  if (gst_element_link (source, parse)
      && gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE)
    {
      bus = gst_element_get_bus (pipeline);
      message = gst_bus_timed_pop_filtered (bus, EB_DISCOVER_TIMEOUT,
                                            GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      if (message == NULL || GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        g_debug ("measuring %s: %s", path, message == NULL ? "timed out" : "read error");
    }
  /* the streaming threads stop here */
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_signal_handlers_disconnect_by_data (parse, &span);
  if (GST_CLOCK_TIME_IS_VALID (span.first) && GST_CLOCK_TIME_IS_VALID (span.end)
      && span.end > span.first)
    duration_us = (gint64)((span.end - span.first) / GST_USECOND);
  g_mutex_clear (&span.lock);
  return duration_us;
}

/* Matroska element IDs (with their length marker) that the header check
 * walks through. */
#define EB_EBML_HEADER_ID 0x1A45DFA3
#define EB_MATROSKA_SEGMENT_ID 0x18538067
#define EB_MATROSKA_INFO_ID 0x1549A966
#define EB_MATROSKA_DURATION_ID 0x4489
#define EB_MATROSKA_CLUSTER_ID 0x1F43B675
/* The segment info comes before the first cluster, within this. */
#define EB_MATROSKA_HEAD_BYTES (64 * 1024)

/* An EBML variable-length integer at @data + *@pos: an element ID keeps
 * its length marker, a size drops it (@unknown: all value bits set, the
 * size of an element still being written). FALSE when it does not fit. */
static gboolean
ebml_read_vint (const guint8 *data, gsize length, gsize *pos, gboolean is_id, guint64 *value,
                gboolean *unknown)
{
  guint8 mask = 0x80;
  guint width = 1;
  guint64 bits;
  gboolean all_ones;

  if (*pos >= length)
    return FALSE;
  while (width <= 8 && (data[*pos] & mask) == 0)
    {
      width++;
      mask >>= 1;
    }
  if (width > 8 || width > length - *pos)
    return FALSE;
  bits = data[*pos] & (guint8)(mask - 1);
  all_ones = bits == (guint8)(mask - 1);
  for (guint i = 1; i < width; i++)
    {
      bits = (bits << 8) | data[*pos + i];
      all_ones = all_ones && data[*pos + i] == 0xff;
    }
  *value = is_id ? (bits | ((guint64)mask << (8 * (width - 1)))) : bits;
  if (unknown != NULL)
    *unknown = !is_id && all_ones;
  *pos += width;
  return TRUE;
}

/* One element's ID and size; the size is clipped to what @length holds
 * (@unknown: the writer never set it). */
static gboolean
ebml_read_element (const guint8 *data, gsize length, gsize *pos, guint64 *id, gsize *size,
                   gboolean *unknown)
{
  guint64 declared;

  if (!ebml_read_vint (data, length, pos, TRUE, id, NULL)
      || !ebml_read_vint (data, length, pos, FALSE, &declared, unknown))
    return FALSE;
  *size = *unknown || declared > length - *pos ? length - *pos : (gsize)declared;
  return TRUE;
}

/* The Duration of a Matroska segment info (@data + @pos, @size bytes),
 * in its timestamp scale; 0 when it has none. */
static gdouble
matroska_info_duration (const guint8 *data, gsize pos, gsize size)
{
  gsize end = pos + size;

  while (pos < end)
    {
      guint64 id;
      gsize child_size;
      gboolean unknown;

      if (!ebml_read_element (data, end, &pos, &id, &child_size, &unknown) || unknown)
        return 0;
      if (id == EB_MATROSKA_DURATION_ID && (child_size == 4 || child_size == 8))
        {
          guint64 bits = 0;

          for (gsize i = 0; i < child_size; i++)
            bits = (bits << 8) | data[pos + i];
          if (child_size == 4)
            {
              guint32 narrow = (guint32)bits;
              gfloat value;

              memcpy (&value, &narrow, sizeof value);
              return value;
            }
          else
            {
              gdouble value;

              memcpy (&value, &bits, sizeof value);
              return value;
            }
        }
      pos += child_size;
    }
  return 0;
}

/*
 * Whether the file at @path is Matroska whose segment info gives no
 * duration: matroskamux writes it when it closes the file, so a file cut
 * by a kill, a crash or a full disk has 0 there (and a segment of unknown
 * size). GstDiscoverer then reports the last cluster's timestamp, which
 * is not the span of a segment that starts later than 0.
 */
static gboolean
matroska_lacks_duration (const char *path)
{
  g_autofree guint8 *data = g_malloc (EB_MATROSKA_HEAD_BYTES);
  gsize length = 0;
  gsize pos = 0;
  gsize size;
  guint64 id;
  gboolean unknown;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  while (length < EB_MATROSKA_HEAD_BYTES)
    {
      gssize n = read (fd, data + length, EB_MATROSKA_HEAD_BYTES - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      length += (gsize)n;
    }
  g_close (fd, NULL);

  if (!ebml_read_element (data, length, &pos, &id, &size, &unknown) || id != EB_EBML_HEADER_ID
      || unknown)
    return FALSE;
  pos += size;
  if (!ebml_read_element (data, length, &pos, &id, &size, &unknown) || id != EB_MATROSKA_SEGMENT_ID)
    return FALSE;
  /* the segment's children up to the first cluster */
  while (ebml_read_element (data, length, &pos, &id, &size, &unknown))
    {
      if (id == EB_MATROSKA_INFO_ID)
        return !(matroska_info_duration (data, pos, size) > 0);
      if (id == EB_MATROSKA_CLUSTER_ID || unknown)
        return TRUE;
      pos += size;
    }
  /* no segment info within the head: the discoverer's word stands */
  return FALSE;
}

gboolean
eb_segment_file_discover (const char *path, EbSegmentInfo *info, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GstDiscoverer) discoverer = NULL;
  g_autoptr (GstDiscovererInfo) result = NULL;
  g_autofree char *uri = NULL;
  GList *streams;
  GstClockTime duration;

  g_return_val_if_fail (info != NULL, FALSE);

  if (!gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot start GStreamer: %s",
                   local_error->message);
      return FALSE;
    }
  uri = g_filename_to_uri (path, NULL, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "%s: %s", path, local_error->message);
      return FALSE;
    }
  discoverer = gst_discoverer_new (EB_DISCOVER_TIMEOUT, &local_error);
  if (discoverer == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot read %s: %s", path,
                   local_error->message);
      return FALSE;
    }
  result = gst_discoverer_discover_uri (discoverer, uri, &local_error);
  if (result == NULL || gst_discoverer_info_get_result (result) != GST_DISCOVERER_OK)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "%s is not playable: %s", path,
                   local_error != NULL ? local_error->message : "no reader");
      return FALSE;
    }

  memset (info, 0, sizeof *info);
  duration = gst_discoverer_info_get_duration (result);
  info->duration_us = GST_CLOCK_TIME_IS_VALID (duration) ? (gint64)(duration / GST_USECOND) : 0;
  streams = gst_discoverer_info_get_video_streams (result);
  if (streams != NULL)
    {
      GstDiscovererVideoInfo *video = streams->data;
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      info->video_codec = eb_manifest_codec_from_caps (caps);
      info->width = (gint)gst_discoverer_video_info_get_width (video);
      info->height = (gint)gst_discoverer_video_info_get_height (video);
    }
  gst_discoverer_stream_info_list_free (streams);
  streams = gst_discoverer_info_get_audio_streams (result);
  if (streams != NULL)
    {
      g_autoptr (GstCaps) caps = gst_discoverer_stream_info_get_caps (streams->data);

      info->audio_codec = eb_manifest_codec_from_caps (caps);
    }
  gst_discoverer_stream_info_list_free (streams);
  if (info->video_codec == NULL && info->audio_codec == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "%s holds no audio or video stream", path);
      eb_segment_info_clear (info);
      return FALSE;
    }
  /* found streams but no duration (or, for Matroska, none in its
   * header): a file cut in the middle, measured from its timestamps
   * instead */
  if (info->duration_us <= 0 || matroska_lacks_duration (path))
    {
      info->duration_us = measure_span (path);
      g_debug ("%s: no duration in its header; %" G_GINT64_FORMAT " us from its timestamps", path,
               info->duration_us);
    }
  /* cut before its first frame: program tables only */
  if (info->duration_us <= 0)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "%s holds no media", path);
      eb_segment_info_clear (info);
      return FALSE;
    }
  return TRUE;
}

/* --- recorded segments and tracks --- */

EbRecordedSegment *
eb_recorded_segment_new (void)
{
  return g_new0 (EbRecordedSegment, 1);
}

EbRecordedSegment *
eb_recorded_segment_copy (const EbRecordedSegment *segment)
{
  EbRecordedSegment *copy;

  g_return_val_if_fail (segment != NULL, NULL);

  copy = g_new0 (EbRecordedSegment, 1);
  *copy = *segment;
  copy->path = g_strdup (segment->path);
  copy->sha256 = g_strdup (segment->sha256);
  copy->video_codec = g_strdup (segment->video_codec);
  copy->audio_codec = g_strdup (segment->audio_codec);
  return copy;
}

void
eb_recorded_segment_free (EbRecordedSegment *segment)
{
  if (segment == NULL)
    return;
  g_free (segment->path);
  g_free (segment->sha256);
  g_free (segment->video_codec);
  g_free (segment->audio_codec);
  g_free (segment);
}

/**
 * eb_recorded_segment_new_from_entry:
 * @path: the segment file's full path
 *
 * Returns: (transfer full): the segment a manifest line describes, with
 *   that line's codecs and picture size
 */
EbRecordedSegment *
eb_recorded_segment_new_from_entry (const EbManifestEntry *entry, const char *path)
{
  EbRecordedSegment *segment = eb_recorded_segment_new ();

  g_return_val_if_fail (entry != NULL, segment);

  segment->path = g_strdup (path);
  segment->start_offset_us = entry->start_offset_us;
  segment->duration_us = entry->duration_us;
  segment->size = entry->size;
  segment->sha256 = g_strdup (entry->sha256);
  segment->video_codec = g_strdup (entry->video_codec);
  segment->audio_codec = g_strdup (entry->audio_codec);
  segment->width = entry->width;
  segment->height = entry->height;
  return segment;
}

/**
 * eb_recorded_track_describe_from_segments:
 *
 * Sets the codecs and picture size of @track to those of its first
 * segment with video and its first segment with audio, in the order of
 * its segments; those no segment names are kept.
 */
void
eb_recorded_track_describe_from_segments (EbRecordedTrack *track)
{
  gboolean have_video = FALSE;
  gboolean have_audio = FALSE;

  g_return_if_fail (track != NULL);

  for (guint i = 0; track->segments != NULL && i < track->segments->len; i++)
    {
      const EbRecordedSegment *segment = g_ptr_array_index (track->segments, i);

      if (!have_video && segment->video_codec != NULL)
        {
          g_free (track->video_codec);
          track->video_codec = g_strdup (segment->video_codec);
          track->width = segment->width;
          track->height = segment->height;
          have_video = TRUE;
        }
      if (!have_audio && segment->audio_codec != NULL)
        {
          g_free (track->audio_codec);
          track->audio_codec = g_strdup (segment->audio_codec);
          have_audio = TRUE;
        }
    }
}

EbRecordedTrack *
eb_recorded_track_new (const char *name, EbId person_id)
{
  EbRecordedTrack *track = g_new0 (EbRecordedTrack, 1);

  track->name = g_strdup (name);
  track->person_id = person_id;
  track->segments = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_segment_free);
  return track;
}

void
eb_recorded_track_free (EbRecordedTrack *track)
{
  if (track == NULL)
    return;
  g_free (track->name);
  g_free (track->video_codec);
  g_free (track->audio_codec);
  g_clear_pointer (&track->segments, g_ptr_array_unref);
  g_free (track);
}

void
eb_recording_manifest_free (EbRecordingManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_clear_pointer (&manifest->tracks, g_ptr_array_unref);
  g_free (manifest);
}

/* --- recovery --- */

/* For g_ptr_array_sort() of strings. */
static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

/* The file name endings of recording segments: MPEG-TS from SRT
 * publishers, Matroska from WebRTC publishers. */
static const char *const segment_suffixes[] = { ".ts", ".mkv" };

/* "<prefix>-<digits>.ts" or "<prefix>-<digits>.mkv": the prefix and the
 * index. */
static gboolean
split_segment_name (const char *file, char **prefix, gint64 *index)
{
  const char *dash;
  const char *digits_end = NULL;
  const char *p;
  gsize length = strlen (file);

  for (gsize i = 0; i < G_N_ELEMENTS (segment_suffixes) && digits_end == NULL; i++)
    {
      gsize suffix_length = strlen (segment_suffixes[i]);

      if (length > suffix_length + 2 && g_str_has_suffix (file, segment_suffixes[i]))
        digits_end = file + length - suffix_length;
    }
  if (digits_end == NULL)
    return FALSE;
  dash = NULL;
  for (p = digits_end; p > file; p--)
    {
      if (p[-1] == '-')
        {
          dash = p - 1;
          break;
        }
      if (!g_ascii_isdigit (p[-1]))
        return FALSE;
    }
  if (dash == NULL || dash == file || dash + 1 == digits_end)
    return FALSE;
  if (prefix != NULL)
    *prefix = g_strndup (file, (gsize)(dash - file));
  if (index != NULL)
    *index = g_ascii_strtoll (dash + 1, NULL, 10);
  return TRUE;
}

static gint
compare_segments (gconstpointer a, gconstpointer b)
{
  const EbRecordedSegment *sa = *(const EbRecordedSegment *const *)a;
  const EbRecordedSegment *sb = *(const EbRecordedSegment *const *)b;

  if (sa->start_offset_us != sb->start_offset_us)
    return sa->start_offset_us < sb->start_offset_us ? -1 : 1;
  return g_strcmp0 (sa->path, sb->path);
}

/* The entry of @entries with @prefix and the greatest index below
 * @index, or %NULL. */
static const EbManifestEntry *
find_previous (GPtrArray *entries, const char *prefix, gint64 index)
{
  const EbManifestEntry *best = NULL;
  gint64 best_index = -1;

  for (guint i = 0; i < entries->len; i++)
    {
      const EbManifestEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *entry_prefix = NULL;
      gint64 entry_index;

      if (!split_segment_name (entry->file, &entry_prefix, &entry_index))
        continue;
      if (g_strcmp0 (entry_prefix, prefix) == 0 && entry_index < index && entry_index > best_index)
        {
          best = entry;
          best_index = entry_index;
        }
    }
  return best;
}

/* A segment on disk that the manifest does not list: the one being
 * written when the process stopped. */
static EbManifestEntry *
measure_orphan (const char *dir, const char *file, GPtrArray *entries, gint64 session_start_us,
                GError **error)
{
  g_autoptr (EbManifestEntry) entry = eb_manifest_entry_new ();
  g_auto (EbSegmentInfo) info = { 0 };
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *prefix = NULL;
  const EbManifestEntry *previous;
  const EbManifestEntry *sibling = NULL;
  gint64 index = 0;
  GStatBuf st;

  if (!split_segment_name (file, &prefix, &index))
    {
      g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "%s is not a segment name", file);
      return NULL;
    }
  if (!eb_segment_file_discover (path, &info, error))
    return NULL;
  if (!eb_segment_file_hash (path, &entry->size, &entry->sha256, error))
    return NULL;

  /* the track of the same file prefix as the manifest names it */
  for (guint i = 0; i < entries->len && sibling == NULL; i++)
    {
      const EbManifestEntry *other = g_ptr_array_index (entries, i);
      g_autofree char *other_prefix = NULL;

      if (split_segment_name (other->file, &other_prefix, NULL)
          && g_strcmp0 (other_prefix, prefix) == 0)
        sibling = other;
    }
  entry->file = g_strdup (file);
  entry->track = g_strdup (sibling != NULL ? sibling->track : prefix);
  entry->person_id = sibling != NULL ? sibling->person_id : eb_manifest_person_from_track (prefix);
  entry->duration_us = info.duration_us;
  entry->video_codec = g_steal_pointer (&info.video_codec);
  entry->audio_codec = g_steal_pointer (&info.audio_codec);
  entry->width = info.width;
  entry->height = info.height;
  entry->session_start_us = session_start_us;
  entry->partial = TRUE;

  /* it starts where the previous segment of its file series ended; else
   * it ended when it was last written */
  previous = find_previous (entries, prefix, index);
  if (previous != NULL)
    entry->start_offset_us = previous->start_offset_us + previous->duration_us;
  else if (session_start_us > 0 && g_stat (path, &st) == 0)
    entry->start_offset_us
        = MAX (0, (gint64)st.st_mtime * G_USEC_PER_SEC - entry->duration_us - session_start_us);
  return g_steal_pointer (&entry);
}

/**
 * eb_media_recover_session:
 * @recordings_dir: the recordings folder
 * @session_id: the session
 *
 * Rebuilds the recording manifest of a session from its folder after the
 * process stopped in the middle of it: the lines of `manifest.jsonl` (a
 * torn last line is ignored), then every segment on disk that it does
 * not list (the ones being written at the stop): MPEG-TS `*.ts` of SRT
 * publishers and Matroska `*.mkv` of WebRTC publishers, read with
 * GstDiscoverer (a file cut short is measured from its timestamps) and
 * hashed. A session folder that does not exist is an empty recording.
 * Blocking.
 *
 * Returns: (transfer full): the manifest, marked interrupted
 */
EbRecordingManifest *
eb_media_recover_session (const char *recordings_dir, EbId session_id, GError **error)
{
  g_autoptr (EbRecordingManifest) manifest = g_new0 (EbRecordingManifest, 1);
  g_autofree char *dir = NULL;
  g_autofree char *manifest_path = NULL;
  g_autoptr (GPtrArray) read = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GHashTable) listed = NULL;
  g_autoptr (GHashTable) tracks = NULL;
  g_autoptr (GPtrArray) orphans = NULL;
  g_autoptr (GDir) folder = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 session_start_us = 0;
  const char *name;

  g_return_val_if_fail (recordings_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  manifest->session_id = session_id;
  manifest->interrupted = TRUE;
  manifest->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_recorded_track_free);
  dir = eb_manifest_session_dir (recordings_dir, session_id);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&manifest);

  manifest_path = g_build_filename (dir, EB_MANIFEST_FILE_NAME, NULL);
  read = eb_manifest_read (manifest_path, error);
  if (read == NULL)
    return NULL;

  /* the manifest's lines whose file is still there, the last line of a
   * file winning */
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify)eb_manifest_entry_free);
  listed = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < read->len; i++)
    {
      EbManifestEntry *entry = g_ptr_array_index (read, i);
      EbManifestEntry *before = g_hash_table_lookup (listed, entry->file);
      g_autofree char *path = g_build_filename (dir, entry->file, NULL);
      GStatBuf st;

      if (entry->session_start_us > 0)
        session_start_us = entry->session_start_us;
      if (g_stat (path, &st) != 0)
        {
          g_message ("session %" G_GINT64_FORMAT ": %s is in the manifest but not on disk",
                     session_id, entry->file);
          continue;
        }
      if ((guint64)st.st_size != entry->size)
        {
          g_message ("session %" G_GINT64_FORMAT ": %s changed since the manifest listed it; "
                     "hashing it again",
                     session_id, entry->file);
          g_clear_pointer (&entry->sha256, g_free);
          if (!eb_segment_file_hash (path, &entry->size, &entry->sha256, &local_error))
            {
              g_message ("session %" G_GINT64_FORMAT ": %s", session_id, local_error->message);
              g_clear_error (&local_error);
              continue;
            }
        }
      g_hash_table_replace (listed, entry->file, entry);
      if (before != NULL)
        g_ptr_array_remove (entries, before);
      g_ptr_array_add (entries, g_steal_pointer (&read->pdata[i]));
    }

  /* the segments on disk that the manifest does not list */
  folder = g_dir_open (dir, 0, &local_error);
  if (folder == NULL)
    {
      g_set_error (error, EB_ERROR, EB_ERROR_FAILED, "cannot list %s: %s", dir,
                   local_error->message);
      return NULL;
    }
  orphans = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      if (split_segment_name (name, NULL, NULL) && !g_hash_table_contains (listed, name))
        g_ptr_array_add (orphans, g_strdup (name));
    }
  g_ptr_array_sort (orphans, compare_strings);
  for (guint i = 0; i < orphans->len; i++)
    {
      const char *file = g_ptr_array_index (orphans, i);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      EbManifestEntry *entry;
      GStatBuf st;

      if (g_stat (path, &st) != 0 || st.st_size == 0)
        {
          g_debug ("session %" G_GINT64_FORMAT ": %s is empty", session_id, file);
          continue;
        }
      entry = measure_orphan (dir, file, entries, session_start_us, &local_error);
      if (entry == NULL)
        {
          g_message ("session %" G_GINT64_FORMAT ": %s left out of the recording: %s", session_id,
                     file, local_error->message);
          g_clear_error (&local_error);
          continue;
        }
      g_message ("session %" G_GINT64_FORMAT ": recovered %s (%" G_GINT64_FORMAT
                 " ms), which the manifest did not list",
                 session_id, file, entry->duration_us / 1000);
      g_ptr_array_add (entries, entry);
    }

  /* one track per track name, in order of first appearance */
  tracks = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < entries->len; i++)
    {
      const EbManifestEntry *entry = g_ptr_array_index (entries, i);
      EbRecordedTrack *track = g_hash_table_lookup (tracks, entry->track);
      g_autofree char *path = NULL;

      if (track == NULL)
        {
          track = eb_recorded_track_new (entry->track, entry->person_id);
          g_ptr_array_add (manifest->tracks, track);
          g_hash_table_insert (tracks, track->name, track);
        }
      if (track->person_id == 0)
        track->person_id = entry->person_id;
      path = g_build_filename (dir, entry->file, NULL);
      /* each segment with its own codecs: a publisher that reconnected
       * with other codecs continued its track in other ones */
      g_ptr_array_add (track->segments, eb_recorded_segment_new_from_entry (entry, path));
    }
  for (guint i = 0; i < manifest->tracks->len; i++)
    {
      EbRecordedTrack *track = g_ptr_array_index (manifest->tracks, i);

      g_ptr_array_sort (track->segments, compare_segments);
      eb_recorded_track_describe_from_segments (track);
    }
  return g_steal_pointer (&manifest);
}
