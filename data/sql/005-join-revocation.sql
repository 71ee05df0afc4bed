-- Copyright 2026 The eboard authors
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- eboard schema, version 5: revoking a roster member's join credentials.
--
-- A join credential needs no storage: the server key checks it, and it
-- carries the microsecond it was issued at. A coordinator revokes every
-- credential issued to a member so far by setting join_revoked_at_us: a
-- credential issued at or before it is refused. join_issued_at_us is the
-- last issue, so that the media plane lets a revoked member in again only
-- once they hold a credential issued after the revocation. Both are Unix
-- microseconds, NULL when it never happened.

ALTER TABLE roster_entries ADD COLUMN join_revoked_at_us INTEGER;
ALTER TABLE roster_entries ADD COLUMN join_issued_at_us INTEGER;
