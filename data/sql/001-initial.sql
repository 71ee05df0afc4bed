-- Copyright 2026 The eboard authors
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- eboard schema, version 1.
--
-- Each migration runs inside one transaction and ends by recording its
-- number in PRAGMA user_version; it must not contain BEGIN or COMMIT.
-- Instants are Unix seconds (UTC); an optional instant is NULL when unset.
-- Enumerations are stored as their API names, checked here so that a bad
-- value can never reach the disk.
--
-- Entity tables use AUTOINCREMENT: an id is never given to a second object,
-- so a stale link or ETag cannot silently name something else.

CREATE TABLE sites (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL,
  code        TEXT    NOT NULL UNIQUE,
  timezone    TEXT    NOT NULL,
  status      TEXT    NOT NULL
              CHECK (status IN ('applicant', 'vetted', 'active', 'suspended', 'withdrawn')),
  is_hub      INTEGER NOT NULL DEFAULT 0 CHECK (is_hub IN (0, 1)),
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
-- At most one hub: the partial index only holds the hub's row.
CREATE UNIQUE INDEX sites_one_hub ON sites (is_hub) WHERE is_hub = 1;

CREATE TABLE people (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL,
  email         TEXT    NOT NULL,
  specialty     TEXT    NOT NULL,
  home_site_id  INTEGER NOT NULL REFERENCES sites (id),
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
-- Also serves the foreign-key check when a site is deleted.
CREATE INDEX people_home_site ON people (home_site_id);
CREATE INDEX people_specialty ON people (specialty);

-- A session is one meeting or a recurring series of them: [start,
-- series_end) bounds every occurrence (series_end is G_MAXINT64 for an
-- open-ended series), so that a time window is a range test on indexed
-- columns before any recurrence is expanded.
CREATE TABLE sessions (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  title             TEXT    NOT NULL,
  focus             TEXT,
  host_site_id      INTEGER NOT NULL REFERENCES sites (id),
  start             INTEGER NOT NULL,
  duration_minutes  INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
  timezone          TEXT    NOT NULL,
  state             TEXT    NOT NULL
                    CHECK (state IN ('draft', 'scheduled', 'live', 'ended', 'archived', 'cancelled')),
  rrule             TEXT,
  series_end        INTEGER NOT NULL,
  version           INTEGER NOT NULL DEFAULT 1,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
-- Lists are ordered by (start, id); an index entry ends with the rowid, so
-- this index yields that order without sorting.
CREATE INDEX sessions_start ON sessions (start);
CREATE INDEX sessions_series_end ON sessions (series_end);
CREATE INDEX sessions_host_site ON sessions (host_site_id, start);
CREATE INDEX sessions_state ON sessions (state, start);

-- Cancelled and moved occurrences of a series.
CREATE TABLE session_exceptions (
  session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  original_start  INTEGER NOT NULL,
  cancelled       INTEGER NOT NULL CHECK (cancelled IN (0, 1)),
  new_start       INTEGER,
  PRIMARY KEY (session_id, original_start)
) WITHOUT ROWID;

CREATE TABLE roster_entries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  person_id   INTEGER NOT NULL REFERENCES people (id),
  role        TEXT    NOT NULL
              CHECK (role IN ('chair', 'coordinator', 'presenter', 'panelist', 'observer')),
  status      TEXT    NOT NULL
              CHECK (status IN ('invited', 'accepted', 'declined', 'tentative')),
  joined_at   INTEGER,
  left_at     INTEGER,
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (session_id, person_id)
);
-- A person's sessions (conflict checks, calendar feeds): the role is in the
-- index so that "only chairs and presenters" is decided without reading
-- the row. Also serves the foreign-key check when a person is deleted.
CREATE INDEX roster_entries_person ON roster_entries (person_id, session_id, role);

-- Positions are 1..n within a session. The unique index guards them; moves
-- go through negative positions (see eb-store.c), hence "<> 0" and not "> 0".
CREATE TABLE agenda_items (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id          INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  position            INTEGER NOT NULL CHECK (position <> 0),
  presenting_site_id  INTEGER NOT NULL REFERENCES sites (id),
  presenter_id        INTEGER NOT NULL REFERENCES people (id),
  summary             TEXT    NOT NULL,
  question            TEXT    NOT NULL,
  minutes             INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 240),
  kind                TEXT    NOT NULL CHECK (kind IN ('prospective', 'retrospective')),
  status              TEXT    NOT NULL
                      CHECK (status IN ('pending', 'discussing', 'discussed', 'deferred')),
  recommendation      TEXT,
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX agenda_items_session_position ON agenda_items (session_id, position);
-- Foreign-key checks when a site or a person is deleted.
CREATE INDEX agenda_items_presenting_site ON agenda_items (presenting_site_id);
CREATE INDEX agenda_items_presenter ON agenda_items (presenter_id);

-- API tokens: only the SHA-256 of the secret is kept. person_id is NULL
-- only for the bootstrap admin token.
CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  hash          TEXT    NOT NULL UNIQUE,
  person_id     INTEGER REFERENCES people (id),
  role          TEXT    NOT NULL
                CHECK (role IN ('admin', 'coordinator', 'clinician', 'reviewer')),
  label         TEXT,
  hint          TEXT,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER,
  revoked_at    INTEGER,
  last_used_at  INTEGER
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

-- The first reply to a create that carried an Idempotency-Key.
CREATE TABLE idempotency_keys (
  token_id      INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
  key           TEXT    NOT NULL,
  request_hash  TEXT    NOT NULL,
  status        INTEGER NOT NULL,
  content_type  TEXT,
  location      TEXT,
  body          BLOB,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (token_id, key)
) WITHOUT ROWID;
-- Pruning of expired replies.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Who did what; written by the service layer. No foreign keys: the trail
-- outlives the objects it names.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           INTEGER NOT NULL,
  token_id     INTEGER,
  person_id    INTEGER,
  action       TEXT    NOT NULL,
  object_type  TEXT,
  object_id    INTEGER,
  detail       TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
