-- Copyright 2026 The eboard authors
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- eboard schema, version 7: the codecs and picture size of each recording
-- segment.
--
-- A room encoder that reconnects with other codecs (H.264 + AAC, then
-- H.264 + Opus) continues its track in segments of other codecs, so each
-- segment says what it holds. Segments recorded before this version keep
-- NULL codecs and a size of 0: their track's codecs and size describe
-- them.

ALTER TABLE recording_segments ADD COLUMN video_codec TEXT;
ALTER TABLE recording_segments ADD COLUMN audio_codec TEXT;
ALTER TABLE recording_segments ADD COLUMN width INTEGER NOT NULL DEFAULT 0 CHECK (width >= 0);
ALTER TABLE recording_segments ADD COLUMN height INTEGER NOT NULL DEFAULT 0 CHECK (height >= 0);
