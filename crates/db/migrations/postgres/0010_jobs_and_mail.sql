-- The job queue: work done after the request that caused it, queued in the
-- same transaction. A worker claims due jobs by moving run_at past a lease;
-- a job whose worker died is claimed again when the lease runs out. Jobs
-- that succeed are deleted; jobs out of attempts stay, marked failed, for
-- admins to see and retry. A recurring job (every_seconds) is put back.
CREATE TABLE jobs (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID REFERENCES groups(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- A job with a key is queued at most once (recurring jobs, one per kind).
    unique_key TEXT UNIQUE,
    every_seconds BIGINT,
    status TEXT NOT NULL,
    run_at TIMESTAMPTZ NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_due ON jobs(status, run_at);
CREATE INDEX jobs_group ON jobs(group_id, status);

-- An email to everyone on a list or segment who is subscribed.
CREATE TABLE broadcasts (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    list_id UUID REFERENCES lists(id) ON DELETE SET NULL,
    list_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    recipients BIGINT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_by_name TEXT,
    sent_at TIMESTAMPTZ
);
CREATE INDEX broadcasts_group ON broadcasts(group_id, created_at);

-- Email: every message is kept here, then sent by its own job. Without SMTP
-- configured, messages wait here.
CREATE TABLE outbox (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID REFERENCES groups(id) ON DELETE CASCADE,
    person_id UUID REFERENCES people(id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    broadcast_id UUID REFERENCES broadcasts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    unsubscribe BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    UNIQUE (broadcast_id, person_id)
);
CREATE INDEX outbox_group ON outbox(group_id, status);
CREATE INDEX outbox_person ON outbox(person_id);
CREATE INDEX outbox_user ON outbox(user_id);

-- A group's own wording for each kind of message it sends.
CREATE TABLE email_templates (
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    edited_by_name TEXT NOT NULL,
    edited_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, kind)
);

-- Password resets by email: single use, an hour long. Only the hash is kept.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX password_resets_user ON password_resets(user_id);

-- Each overdue follow-up is emailed to its assignee once. Those already
-- overdue when this runs count as told: nobody gets a year of them at once.
ALTER TABLE follow_ups ADD COLUMN reminded_at TIMESTAMPTZ;
CREATE INDEX follow_ups_due ON follow_ups(due_on) WHERE done_at IS NULL AND reminded_at IS NULL;
UPDATE follow_ups SET reminded_at = created_at WHERE done_at IS NULL AND due_on < CURRENT_DATE;
