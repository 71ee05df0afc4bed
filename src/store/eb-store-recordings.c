/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "eboard-store"

#include "eb-config.h"

#include <eboard/eb-error.h>
#include <eboard/eb-store.h>

#include "eb-store-private.h"

/* Recordings of live sessions: a recording, its tracks (one per
 * publisher) and their segments (one per closed file). A recording is
 * always read whole. */

/* --- segments --- */

#define SEGMENT_COLUMNS                                                                            \
  "seq, path, start_offset_us, duration_us, size, sha256, video_codec, audio_codec, width, height"

static gpointer
eb_segment_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  EbRecordingSegment *segment = eb_recording_segment_new ();

  segment->seq = sqlite3_column_int (stmt, 0);
  segment->path = eb_column_strdup (stmt, 1);
  segment->start_offset_us = sqlite3_column_int64 (stmt, 2);
  segment->duration_us = sqlite3_column_int64 (stmt, 3);
  segment->size = (guint64)sqlite3_column_int64 (stmt, 4);
  segment->sha256 = eb_column_strdup (stmt, 5);
  /* NULL and 0 for a segment stored before segments had codecs: its
   * track's describe it */
  segment->video_codec = eb_column_strdup (stmt, 6);
  segment->audio_codec = eb_column_strdup (stmt, 7);
  segment->width = sqlite3_column_int (stmt, 8);
  segment->height = sqlite3_column_int (stmt, 9);
  return segment;
}

static const EbTable eb_segments_table = {
  .name = "recording_segments",
  .noun = "recording segment",
  .a_noun = "a recording segment",
  .columns = SEGMENT_COLUMNS,
  .from_row = eb_segment_from_row,
  .free_func = (GDestroyNotify)eb_recording_segment_free,
};

/* --- tracks --- */

#define TRACK_COLUMNS                                                                              \
  "id, name, person_id, site_id, transport, video_codec, audio_codec, width, height, "             \
  "start_offset_us, duration_us, size, sha256"

static gpointer
eb_track_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (EbRecordingTrack) track = eb_recording_track_new ();
  GPtrArray *segments;

  track->id = sqlite3_column_int64 (stmt, 0);
  track->name = eb_column_strdup (stmt, 1);
  track->person_id = sqlite3_column_int64 (stmt, 2);
  track->site_id = sqlite3_column_int64 (stmt, 3);
  g_free (track->transport);
  track->transport = eb_column_strdup (stmt, 4);
  track->video_codec = eb_column_strdup (stmt, 5);
  track->audio_codec = eb_column_strdup (stmt, 6);
  track->width = sqlite3_column_int (stmt, 7);
  track->height = sqlite3_column_int (stmt, 8);
  track->start_offset_us = sqlite3_column_int64 (stmt, 9);
  track->duration_us = sqlite3_column_int64 (stmt, 10);
  track->size = (guint64)sqlite3_column_int64 (stmt, 11);
  track->sha256 = eb_column_strdup (stmt, 12);

  segments = eb_store_list_children (self, &eb_segments_table, "track_id", track->id, "seq",
                                     "reading recording segments", error);
  if (segments == NULL)
    return NULL;
  g_ptr_array_unref (track->segments);
  track->segments = segments;
  eb_recording_track_collect_codecs (track);
  return g_steal_pointer (&track);
}

static const EbTable eb_tracks_table = {
  .name = "recording_tracks",
  .noun = "recording track",
  .a_noun = "a recording track",
  .columns = TRACK_COLUMNS,
  .from_row = eb_track_from_row,
  .free_func = (GDestroyNotify)eb_recording_track_free,
};

/* --- recordings --- */

#define RECORDING_COLUMNS                                                                          \
  "id, session_id, state, started_at_us, ended_at_us, created_at, updated_at"

static gpointer
eb_recording_from_row (EbStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (EbRecording) recording = eb_recording_new ();
  GPtrArray *tracks;

  recording->id = sqlite3_column_int64 (stmt, 0);
  recording->session_id = sqlite3_column_int64 (stmt, 1);
  if (!eb_recording_state_from_string ((const char *)sqlite3_column_text (stmt, 2),
                                       &recording->state))
    g_warning ("recording %" G_GINT64_FORMAT " has an unknown state", recording->id);
  recording->started_at_us = sqlite3_column_int64 (stmt, 3);
  recording->ended_at_us = sqlite3_column_int64 (stmt, 4);
  recording->created_at = sqlite3_column_int64 (stmt, 5);
  recording->updated_at = sqlite3_column_int64 (stmt, 6);

  tracks = eb_store_list_children (self, &eb_tracks_table, "recording_id", recording->id, "name",
                                   "reading recording tracks", error);
  if (tracks == NULL)
    return NULL;
  g_ptr_array_unref (recording->tracks);
  recording->tracks = tracks;
  return g_steal_pointer (&recording);
}

static gboolean
eb_recording_write_failed (EbStore *self, gconstpointer entity, int rc, const char *operation,
                           GError **error)
{
  const EbRecording *recording = entity;
  const EbReference refs[] = { { "sessions", "session", recording->session_id } };

  return eb_store_write_failed (self, rc, operation, refs, G_N_ELEMENTS (refs), error);
}

static const EbTable eb_recordings_table = {
  .name = "recordings",
  .noun = "recording",
  .a_noun = "a recording",
  .columns = RECORDING_COLUMNS,
  .from_row = eb_recording_from_row,
  .free_func = (GDestroyNotify)eb_recording_free,
  .write_failed = eb_recording_write_failed,
};

static gboolean
eb_store_segment_insert (EbStore *self, EbId track_id, const EbRecordingSegment *segment,
                         GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;

  if (segment->path == NULL || segment->sha256 == NULL || segment->seq <= 0)
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID,
                           "a recording segment needs a path, a checksum and a positive seq");
      return FALSE;
    }
  stmt = eb_store_prepare (self,
                           "INSERT INTO recording_segments (track_id, seq, path, start_offset_us, "
                           "duration_us, size, sha256, video_codec, audio_codec, width, height) "
                           "VALUES (:track_id, :seq, :path, :start_offset_us, :duration_us, :size, "
                           ":sha256, :video_codec, :audio_codec, :width, :height)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":track_id", track_id);
  eb_bind_int64 (stmt, ":seq", segment->seq);
  eb_bind_text (stmt, ":path", segment->path);
  eb_bind_int64 (stmt, ":start_offset_us", segment->start_offset_us);
  eb_bind_int64 (stmt, ":duration_us", segment->duration_us);
  eb_bind_int64 (stmt, ":size", (gint64)segment->size);
  eb_bind_text (stmt, ":sha256", segment->sha256);
  eb_bind_text (stmt, ":video_codec", segment->video_codec);
  eb_bind_text (stmt, ":audio_codec", segment->audio_codec);
  eb_bind_int64 (stmt, ":width", MAX (segment->width, 0));
  eb_bind_int64 (stmt, ":height", MAX (segment->height, 0));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int rc = sqlite3_extended_errcode (self->db);

      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                       "recording track %" G_GINT64_FORMAT " already has a segment %d", track_id,
                       segment->seq);
          return FALSE;
        }
      eb_store_set_error (self, error, rc, "inserting a recording segment");
      return FALSE;
    }
  return TRUE;
}

/* Inserts the track row (not its segments); sets @track->id. */
static gboolean
eb_store_track_insert_row (EbStore *self, EbId recording_id, EbRecordingTrack *track,
                           GError **error)
{
  g_autoptr (EbCachedStmt) stmt = NULL;
  int rc;

  if (track->name == NULL || *track->name == '\0')
    {
      g_set_error_literal (error, EB_ERROR, EB_ERROR_INVALID, "a recording track needs a name");
      return FALSE;
    }
  stmt = eb_store_prepare (self,
                           "INSERT INTO recording_tracks (recording_id, name, person_id, site_id, "
                           "transport, video_codec, audio_codec, width, height, start_offset_us, "
                           "duration_us, size, sha256) VALUES (:recording_id, :name, :person_id, "
                           ":site_id, :transport, :video_codec, :audio_codec, :width, :height, "
                           ":start_offset_us, :duration_us, :size, :sha256)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":recording_id", recording_id);
  eb_bind_text (stmt, ":name", track->name);
  eb_bind_optional (stmt, ":person_id", track->person_id);
  eb_bind_optional (stmt, ":site_id", track->site_id);
  eb_bind_text (stmt, ":transport", track->transport != NULL ? track->transport : "srt");
  eb_bind_text (stmt, ":video_codec", track->video_codec);
  eb_bind_text (stmt, ":audio_codec", track->audio_codec);
  eb_bind_int64 (stmt, ":width", track->width);
  eb_bind_int64 (stmt, ":height", track->height);
  eb_bind_int64 (stmt, ":start_offset_us", track->start_offset_us);
  eb_bind_int64 (stmt, ":duration_us", track->duration_us);
  eb_bind_int64 (stmt, ":size", (gint64)track->size);
  eb_bind_text (stmt, ":sha256", track->sha256);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      rc = sqlite3_extended_errcode (self->db);
      if (rc == SQLITE_CONSTRAINT_UNIQUE)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_CONFLICT,
                       "recording %" G_GINT64_FORMAT " already has a track named %s", recording_id,
                       track->name);
          return FALSE;
        }
      if (rc == SQLITE_CONSTRAINT_CHECK)
        {
          g_set_error (error, EB_ERROR, EB_ERROR_INVALID, "unknown transport %s", track->transport);
          return FALSE;
        }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return eb_store_not_found (error, "recording", recording_id);
      eb_store_set_error (self, error, rc, "inserting a recording track");
      return FALSE;
    }
  track->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/* Inserts the recording's tracks with their segments. */
static gboolean
eb_store_tracks_insert (EbStore *self, EbRecording *recording, GError **error)
{
  for (guint i = 0; i < recording->tracks->len; i++)
    {
      EbRecordingTrack *track = g_ptr_array_index (recording->tracks, i);

      if (!eb_store_track_insert_row (self, recording->id, track, error))
        return FALSE;
      for (guint j = 0; track->segments != NULL && j < track->segments->len; j++)
        if (!eb_store_segment_insert (self, track->id, g_ptr_array_index (track->segments, j),
                                      error))
          return FALSE;
    }
  return TRUE;
}

/**
 * eb_store_recording_insert:
 *
 * Inserts @recording, its tracks and their segments in one unit; sets
 * the ids of the recording and its tracks and its created_at/updated_at.
 */
gboolean
eb_store_recording_insert (EbStore *self, EbRecording *recording, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autoptr (EbCachedStmt) stmt = NULL;
  const char *state;
  gint64 now = eb_store_now ();
  EbId id = 0;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (recording != NULL && recording->tracks != NULL, FALSE);

  state = eb_recording_state_to_string (recording->state);
  if (!eb_check_enum (state, "state", recording->state, error) || !eb_store_check_open (self, error)
      || !eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;
  stmt = eb_store_prepare (self,
                           "INSERT INTO recordings (session_id, state, started_at_us, ended_at_us, "
                           "created_at, updated_at) VALUES (:session_id, :state, :started_at_us, "
                           ":ended_at_us, :now, :now)",
                           error);
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":session_id", recording->session_id);
  eb_bind_text (stmt, ":state", state);
  eb_bind_int64 (stmt, ":started_at_us", recording->started_at_us);
  eb_bind_optional (stmt, ":ended_at_us", recording->ended_at_us);
  if (!eb_store_insert_row (self, &eb_recordings_table, stmt, recording, now, &id, error))
    return FALSE;
  recording->id = id;
  if (!eb_store_tracks_insert (self, recording, error) || !eb_scope_commit (&scope, error))
    {
      recording->id = 0;
      return FALSE;
    }
  recording->created_at = now;
  recording->updated_at = now;
  return TRUE;
}

/**
 * eb_store_recording_get:
 *
 * Returns: (transfer full): the recording with its tracks and segments,
 *   or %NULL with EB_ERROR_NOT_FOUND
 */
EbRecording *
eb_store_recording_get (EbStore *self, EbId id, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autoptr (EbRecording) recording = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (!eb_store_check_open (self, error) || !eb_scope_begin (self, &scope, FALSE, error))
    return NULL;
  recording = eb_store_get_by_id (self, &eb_recordings_table, id, error);
  if (recording == NULL || !eb_scope_commit (&scope, error))
    return NULL;
  return g_steal_pointer (&recording);
}

/**
 * eb_store_recording_find_by_session:
 *
 * Returns: (transfer full) (nullable): the session's latest recording,
 *   or %NULL (with no error when it has none)
 */
EbRecording *
eb_store_recording_find_by_session (EbStore *self, EbId session_id, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autoptr (EbCachedStmt) stmt = NULL;
  gpointer recording = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (!eb_store_check_open (self, error) || !eb_scope_begin (self, &scope, FALSE, error))
    return NULL;
  stmt = eb_store_select (self, &eb_recordings_table, "session_id = :session_id",
                          "started_at_us DESC, id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  eb_bind_int64 (stmt, ":session_id", session_id);
  if (!eb_store_query_one (self, stmt, eb_recording_from_row, &recording,
                           "finding the recording of a session", error))
    return NULL;
  g_clear_pointer (&stmt, eb_cached_stmt_release);
  if (!eb_scope_commit (&scope, error))
    {
      g_clear_pointer (&recording, eb_recording_free);
      return NULL;
    }
  return recording;
}

typedef struct
{
  EbId session_id;
  EbId person_id;
  const char *state;
} EbRecordingBindings;

static void
eb_recording_filter_bind (sqlite3_stmt *stmt, gconstpointer data)
{
  const EbRecordingBindings *b = data;

  eb_bind_int64 (stmt, ":session_id", b->session_id);
  eb_bind_int64 (stmt, ":person_id", b->person_id);
  eb_bind_text (stmt, ":state", b->state);
}

/**
 * eb_store_recording_list:
 * @filter: (nullable): %NULL for every recording
 * @page: (nullable): the window; %NULL for every match
 * @total: (out) (optional): the number of matches
 *
 * Returns: (transfer full) (element-type EbRecording): by started_at_us,
 *   then id, each with its tracks and segments
 */
GPtrArray *
eb_store_recording_list (EbStore *self, const EbRecordingFilter *filter, const EbPage *page,
                         guint *total, GError **error)
{
  static const EbPageQuery query
      = { &eb_recordings_table, "started_at_us, id", "listing recordings" };
  EbRecordingBindings bindings = { 0, 0, NULL };
  g_autoptr (GString) where = g_string_new ("1");

  g_return_val_if_fail (EB_IS_STORE (self), NULL);

  if (filter != NULL)
    {
      bindings.session_id = filter->session_id;
      bindings.person_id = filter->person_id;
      if (filter->state >= 0)
        {
          bindings.state = eb_recording_state_to_string ((EbRecordingState)filter->state);
          if (!eb_check_enum (bindings.state, "state", filter->state, error))
            return NULL;
        }
    }
  /* One statement text per combination, so that each is planned with
   * its indexes and cached. */
  if (bindings.session_id != 0)
    g_string_append (where, " AND session_id = :session_id");
  if (bindings.person_id != 0)
    g_string_append (where, " AND session_id IN (SELECT session_id FROM roster_entries "
                            "WHERE person_id = :person_id)");
  if (bindings.state != NULL)
    g_string_append (where, " AND state = :state");
  return eb_store_list_page (self, &query, where->str, eb_recording_filter_bind, &bindings, page,
                             total, error);
}

/**
 * eb_store_recording_update:
 *
 * Writes the state and the instants of @recording and replaces its
 * tracks and segments, in one unit; sets the track ids and updated_at.
 */
gboolean
eb_store_recording_update (EbStore *self, EbRecording *recording, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  const char *state;
  gint64 now = eb_store_now ();

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (recording != NULL && recording->tracks != NULL, FALSE);

  state = eb_recording_state_to_string (recording->state);
  if (!eb_check_enum (state, "state", recording->state, error) || !eb_store_check_open (self, error)
      || !eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;

  {
    g_autoptr (EbCachedStmt) stmt
        = eb_store_prepare (self,
                            "UPDATE recordings SET state = :state, started_at_us = "
                            ":started_at_us, ended_at_us = :ended_at_us, updated_at = :now "
                            "WHERE id = :id",
                            error);

    if (stmt == NULL)
      return FALSE;
    eb_bind_text (stmt, ":state", state);
    eb_bind_int64 (stmt, ":started_at_us", recording->started_at_us);
    eb_bind_optional (stmt, ":ended_at_us", recording->ended_at_us);
    eb_bind_int64 (stmt, ":now", now);
    eb_bind_int64 (stmt, ":id", recording->id);
    if (!eb_store_step (self, stmt, "updating a recording", error))
      return FALSE;
    if (sqlite3_changes (self->db) == 0)
      return eb_store_not_found (error, "recording", recording->id);
  }
  {
    g_autoptr (EbCachedStmt) stmt
        = eb_store_prepare (self, "DELETE FROM recording_tracks WHERE recording_id = :id", error);

    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":id", recording->id);
    if (!eb_store_step (self, stmt, "replacing the tracks of a recording", error))
      return FALSE;
  }
  if (!eb_store_tracks_insert (self, recording, error) || !eb_scope_commit (&scope, error))
    return FALSE;
  recording->updated_at = now;
  return TRUE;
}

/* The row of the recording's track called @name, or NULL in *@out. */
static gboolean
eb_store_track_find (EbStore *self, EbId recording_id, const char *name, gpointer *out,
                     GError **error)
{
  g_autoptr (EbCachedStmt) stmt = eb_store_select (
      self, &eb_tracks_table, "recording_id = :recording_id AND name = :name", NULL, error);

  *out = NULL;
  if (stmt == NULL)
    return FALSE;
  eb_bind_int64 (stmt, ":recording_id", recording_id);
  eb_bind_text (stmt, ":name", name);
  return eb_store_query_one (self, stmt, eb_track_from_row, out, "finding a recording track",
                             error);
}

/* Writes what a track says of itself once a segment was added: its media
 * description (where now known) and its summary. */
static gboolean
eb_store_track_update_summary (EbStore *self, const EbRecordingTrack *track, GError **error)
{
  g_autoptr (EbCachedStmt) stmt = eb_store_prepare (
      self,
      "UPDATE recording_tracks SET video_codec = :video_codec, audio_codec = :audio_codec, "
      "width = :width, height = :height, start_offset_us = :start_offset_us, duration_us = "
      ":duration_us, size = :size, sha256 = :sha256 WHERE id = :id",
      error);

  if (stmt == NULL)
    return FALSE;
  eb_bind_text (stmt, ":video_codec", track->video_codec);
  eb_bind_text (stmt, ":audio_codec", track->audio_codec);
  eb_bind_int64 (stmt, ":width", track->width);
  eb_bind_int64 (stmt, ":height", track->height);
  eb_bind_int64 (stmt, ":start_offset_us", track->start_offset_us);
  eb_bind_int64 (stmt, ":duration_us", track->duration_us);
  eb_bind_int64 (stmt, ":size", (gint64)track->size);
  eb_bind_text (stmt, ":sha256", track->sha256);
  eb_bind_int64 (stmt, ":id", track->id);
  return eb_store_step (self, stmt, "updating a recording track", error);
}

static void
eb_track_take_description (EbRecordingTrack *stored, const EbRecordingTrack *incoming)
{
  if (incoming->video_codec != NULL)
    {
      g_free (stored->video_codec);
      stored->video_codec = g_strdup (incoming->video_codec);
    }
  if (incoming->audio_codec != NULL)
    {
      g_free (stored->audio_codec);
      stored->audio_codec = g_strdup (incoming->audio_codec);
    }
  if (incoming->width > 0 && incoming->height > 0)
    {
      stored->width = incoming->width;
      stored->height = incoming->height;
    }
}

/**
 * eb_store_recording_append_segment:
 * @track: the track the segment belongs to, by name; its person, site,
 *   transport and media description are used when the track is new (the
 *   media description also updates a known track); its segments are
 *   ignored. Its @id is set.
 * @segment: the closed segment, with its own codecs and picture size; a
 *   @seq of 0 becomes the next one (and is set)
 *
 * Adds one closed segment to a recording, in one unit, and refreshes the
 * track's summary (see eb_recording_track_summarize(): once a segment
 * names its codecs, the track's codecs are its first segment's).
 */
gboolean
eb_store_recording_append_segment (EbStore *self, EbId recording_id, EbRecordingTrack *track,
                                   EbRecordingSegment *segment, GError **error)
{
  g_auto (EbScope) scope = EB_SCOPE_INIT;
  g_autoptr (EbRecordingTrack) stored = NULL;
  gpointer found = NULL;

  g_return_val_if_fail (EB_IS_STORE (self), FALSE);
  g_return_val_if_fail (track != NULL && track->name != NULL, FALSE);
  g_return_val_if_fail (segment != NULL, FALSE);

  if (!eb_store_check_open (self, error) || !eb_scope_begin (self, &scope, TRUE, error))
    return FALSE;
  if (!eb_store_track_find (self, recording_id, track->name, &found, error))
    return FALSE;
  stored = found;
  if (stored == NULL)
    {
      stored = eb_recording_track_copy (track);
      g_ptr_array_set_size (stored->segments, 0);
      eb_recording_track_summarize (stored);
      if (!eb_store_track_insert_row (self, recording_id, stored, error))
        return FALSE;
    }
  else
    eb_track_take_description (stored, track);

  if (segment->seq <= 0)
    {
      gint last = 0;

      for (guint i = 0; i < stored->segments->len; i++)
        last = MAX (last,
                    ((const EbRecordingSegment *)g_ptr_array_index (stored->segments, i))->seq);
      segment->seq = last + 1;
    }
  if (!eb_store_segment_insert (self, stored->id, segment, error))
    return FALSE;
  g_ptr_array_add (stored->segments, eb_recording_segment_copy (segment));
  eb_recording_track_summarize (stored);
  if (!eb_store_track_update_summary (self, stored, error))
    return FALSE;

  {
    g_autoptr (EbCachedStmt) stmt
        = eb_store_prepare (self, "UPDATE recordings SET updated_at = :now WHERE id = :id", error);

    if (stmt == NULL)
      return FALSE;
    eb_bind_int64 (stmt, ":now", eb_store_now ());
    eb_bind_int64 (stmt, ":id", recording_id);
    if (!eb_store_step (self, stmt, "updating a recording", error))
      return FALSE;
  }
  if (!eb_scope_commit (&scope, error))
    return FALSE;
  track->id = stored->id;
  return TRUE;
}
