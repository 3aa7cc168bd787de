-- Sign-in throttling counts attempts in one row per key ("account:EMAIL",
-- "address:IP", "password:USER"): the increment and the check are one
-- statement, so parallel guesses cannot all slip under the limit.
DROP TABLE login_attempts;
CREATE TABLE attempt_counters (
    key TEXT PRIMARY KEY NOT NULL,
    window_start TEXT NOT NULL,
    attempts INTEGER NOT NULL
);

-- The audit log names the person an entry is about by id, so the page can
-- show their name while they exist and only the id once they are erased.
ALTER TABLE audit_log ADD COLUMN person_id BLOB;
CREATE INDEX audit_log_person ON audit_log(person_id);

-- Adding a member is an invitation: a single-use link that expires. Only the
-- token's hash is kept. The group learns nothing about an account until its
-- owner accepts.
CREATE TABLE invitations (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT
);
CREATE INDEX invitations_group ON invitations(group_id, created_at);

-- Keys the server signs with (CSRF tokens), made once per database so every
-- app server and every restart agree.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
