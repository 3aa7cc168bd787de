-- An office's term: from when, and until when, it is held.
ALTER TABLE representative_offices ADD COLUMN term_from DATE;
ALTER TABLE representative_offices ADD COLUMN term_to DATE;
