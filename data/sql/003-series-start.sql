-- Copyright 2026 The eboard authors
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- eboard schema, version 3: the first instant of a series.
--
-- A moved occurrence may start before its series does (a weekly series
-- from June whose first occurrence is moved to May). Windows were tested
-- against the stored start, so such an occurrence was missed by conflict
-- checks and session lists. [series_start, series_end) now bounds every
-- occurrence: series_start is the earlier of the start and the new start
-- of any moved occurrence (eb_session_series_start()). A row written
-- without it gets 0, which every window keeps.

ALTER TABLE sessions ADD COLUMN series_start INTEGER NOT NULL DEFAULT 0;

UPDATE sessions SET series_start = MIN (start, COALESCE (
  (SELECT MIN (e.new_start) FROM session_exceptions AS e
   WHERE e.session_id = sessions.id AND e.cancelled = 0 AND e.new_start IS NOT NULL
     AND e.new_start <> 0),
  start));

CREATE INDEX sessions_series_start ON sessions (series_start);
