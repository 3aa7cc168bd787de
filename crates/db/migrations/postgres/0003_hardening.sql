-- Sign-in throttling counts attempts in one row per key ("account:EMAIL",
-- "address:IP", "password:USER"): the increment and the check are one
-- statement, so parallel guesses cannot all slip under the limit.
DROP TABLE login_attempts;
CREATE TABLE attempt_counters (
    key TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL
);

-- The audit log names the person an entry is about by id, so the page can
-- show their name while they exist and only the id once they are erased.
ALTER TABLE audit_log ADD COLUMN person_id UUID;
CREATE INDEX audit_log_person ON audit_log(person_id);
