-- Copyright 2026 The eboard authors
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- eboard schema, version 6: the timeline kind case-changed.
--
-- The chair of a live session moves it from one agenda item to another;
-- the timeline keeps when (its detail is the item's id), so a recording's
-- case chapters come from it. The kinds are a CHECK constraint, which
-- SQLite cannot alter: the table is rebuilt with every row and id, its
-- AUTOINCREMENT counter (ids of deleted rows are never reused) and its
-- index. Nothing refers to timeline_events, so the rebuild leaves no
-- reference dangling.

CREATE TABLE timeline_events_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  at_us       INTEGER NOT NULL,
  offset_us   INTEGER NOT NULL,
  kind        TEXT    NOT NULL
              CHECK (kind IN ('track-started', 'track-stopped', 'participant-joined',
                              'participant-left', 'segment-closed', 'input-refused',
                              'recording-failed', 'subscriber-dropped', 'session-started',
                              'session-ended', 'session-interrupted', 'case-changed')),
  person_id   INTEGER,
  track       TEXT,
  detail      TEXT
);

INSERT INTO timeline_events_new (id, session_id, at_us, offset_us, kind, person_id, track, detail)
  SELECT id, session_id, at_us, offset_us, kind, person_id, track, detail FROM timeline_events;

-- The copy set the new counter to the largest id kept; the old counter
-- may be higher (rows deleted with their session).
UPDATE sqlite_sequence
  SET seq = MAX (seq, COALESCE ((SELECT seq FROM sqlite_sequence WHERE name = 'timeline_events'), 0))
  WHERE name = 'timeline_events_new';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'timeline_events_new', seq FROM sqlite_sequence
  WHERE name = 'timeline_events'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'timeline_events_new');

DROP TABLE timeline_events;
ALTER TABLE timeline_events_new RENAME TO timeline_events;

-- A session's timeline in order, without sorting.
CREATE INDEX timeline_events_session_at ON timeline_events (session_id, at_us);
