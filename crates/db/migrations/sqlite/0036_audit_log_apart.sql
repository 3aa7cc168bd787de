-- The audit log moves to its own file, attached to every connection as
-- `audit` (see `audit_path`): each commit of an entry made every reader of
-- the main file drop its page cache, and reads through the API are audited
-- as they happen. A key cannot cross files, so an entry keeps its group's id
-- without a foreign key (groups are never deleted). IF NOT EXISTS and OR
-- IGNORE: a crash between the two files' commits leaves this safe to run
-- again.
CREATE TABLE IF NOT EXISTS audit.audit_log (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB,
    user_id BLOB,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TEXT NOT NULL,
    person_id BLOB
);
CREATE INDEX IF NOT EXISTS audit.audit_log_group ON audit_log(group_id, at);
CREATE INDEX IF NOT EXISTS audit.audit_log_person ON audit_log(person_id);
INSERT OR IGNORE INTO audit.audit_log (id, group_id, user_id, user_name, action, subject, detail, at, person_id)
    SELECT id, group_id, user_id, user_name, action, subject, detail, at, person_id FROM main.audit_log;
DROP TABLE main.audit_log;
