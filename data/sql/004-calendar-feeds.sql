-- Copyright 2026 The eboard authors
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- eboard schema, version 4: secret calendar feed URLs.
--
-- Calendar programs cannot send a bearer token, so a person may have one
-- secret feed URL instead. As for API tokens only the SHA-256 of the
-- secret is kept. Rotating replaces the row, revoking deletes it (the
-- audit trail keeps both), and deleting the person deletes it.

CREATE TABLE calendar_feeds (
  person_id   INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
  hash        TEXT    NOT NULL UNIQUE,
  hint        TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
);
