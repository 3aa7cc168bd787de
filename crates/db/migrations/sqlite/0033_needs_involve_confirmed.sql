-- A yes to hearing how to get involved that came by a way that does not
-- prove who said it (the public form, with details that matched someone
-- already known; a feedback card, which the volunteer held) waits for a
-- coordinator to confirm it with the person.
ALTER TABLE needs ADD COLUMN involve_confirmed BOOLEAN NOT NULL DEFAULT TRUE;
