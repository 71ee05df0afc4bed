-- Copyright 2026 The eboard authors
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- eboard schema, version 2: live sessions.
--
-- Media instants and offsets are microseconds (columns ending in _us):
-- Unix microseconds UTC for instants, microseconds from the session's live
-- start (its recording's started_at_us) for offsets. Person and site ids
-- of tracks, timeline events and attendance spans are kept without
-- foreign keys: like the audit trail, a recording says who took part even
-- after the directory changes.

-- One recording per time a session is live. While live (state
-- 'recording') segments are added as they close, so the index on disk is
-- never far behind the files; the end or the recovery after a crash
-- replaces the tracks with the final manifest.
CREATE TABLE recordings (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id     INTEGER NOT NULL REFERENCES sessions (id),
  state          TEXT    NOT NULL CHECK (state IN ('recording', 'complete', 'interrupted')),
  started_at_us  INTEGER NOT NULL,
  ended_at_us    INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
-- A session's recordings in order; also the foreign-key check when a
-- session is deleted.
CREATE INDEX recordings_session ON recordings (session_id, started_at_us);
CREATE INDEX recordings_started ON recordings (started_at_us);

CREATE TABLE recording_tracks (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  recording_id     INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
  name             TEXT    NOT NULL,
  person_id        INTEGER,
  site_id          INTEGER,
  transport        TEXT    NOT NULL CHECK (transport IN ('srt')),
  video_codec      TEXT,
  audio_codec      TEXT,
  width            INTEGER NOT NULL DEFAULT 0,
  height           INTEGER NOT NULL DEFAULT 0,
  start_offset_us  INTEGER NOT NULL DEFAULT 0,
  duration_us      INTEGER NOT NULL DEFAULT 0,
  size             INTEGER NOT NULL DEFAULT 0,
  -- SHA-256 over the segments' checksums in order (see eb-recording.h)
  sha256           TEXT,
  UNIQUE (recording_id, name)
);

CREATE TABLE recording_segments (
  track_id         INTEGER NOT NULL REFERENCES recording_tracks (id) ON DELETE CASCADE,
  seq              INTEGER NOT NULL CHECK (seq > 0),
  path             TEXT    NOT NULL,
  start_offset_us  INTEGER NOT NULL,
  duration_us      INTEGER NOT NULL,
  size             INTEGER NOT NULL,
  sha256           TEXT    NOT NULL,
  PRIMARY KEY (track_id, seq)
) WITHOUT ROWID;

CREATE TABLE timeline_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  at_us       INTEGER NOT NULL,
  offset_us   INTEGER NOT NULL,
  kind        TEXT    NOT NULL
              CHECK (kind IN ('track-started', 'track-stopped', 'participant-joined',
                              'participant-left', 'segment-closed', 'input-refused',
                              'recording-failed', 'subscriber-dropped', 'session-started',
                              'session-ended', 'session-interrupted')),
  person_id   INTEGER,
  track       TEXT,
  detail      TEXT
);
-- A session's timeline in order, without sorting.
CREATE INDEX timeline_events_session_at ON timeline_events (session_id, at_us);

-- One span per connection of a person; left_at_us is NULL while connected.
CREATE TABLE attendance_spans (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id    INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  person_id     INTEGER NOT NULL,
  joined_at_us  INTEGER NOT NULL,
  left_at_us    INTEGER,
  CHECK (left_at_us IS NULL OR left_at_us >= joined_at_us)
);
CREATE INDEX attendance_spans_session ON attendance_spans (session_id, person_id, joined_at_us);

-- Audit lines of one caller (who read which recording).
CREATE INDEX audit_log_person ON audit_log (person_id, at);
