-- Files admins upload to import through the web. The file waits in the
-- data directory while its columns are mapped, then a background job reads
-- it (a dry run, or the import). The file is deleted once imported, and
-- every upload goes after a week (a register's sooner, on its destroy-by
-- date), with its list of bad rows, whatever became of it.
CREATE TABLE import_uploads (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by BLOB REFERENCES users(id) ON DELETE SET NULL,
    uploaded_by_name TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    -- uploaded (columns to map), queued, running, checked (a dry run done),
    -- done or failed.
    status TEXT NOT NULL,
    -- The admin who last chose to run it: the job acts as them.
    chosen_by BLOB REFERENCES users(id) ON DELETE SET NULL,
    -- Whether the queued or running job is a dry run.
    dry_run BOOLEAN NOT NULL,
    -- NULL to work it out from the headers.
    format TEXT,
    -- What columns hold, a line each: header, a tab, what it holds.
    mapping TEXT NOT NULL,
    -- skip or abort.
    on_error TEXT NOT NULL,
    -- The law's four facts, for an electoral register.
    register_source TEXT,
    register_edition TEXT,
    purpose TEXT,
    destroy_by DATE,
    bytes_done BIGINT NOT NULL,
    -- A running job touches this; a job found running with a stale one had died.
    heartbeat_at TEXT,
    summary TEXT NOT NULL,
    bad_rows BIGINT NOT NULL,
    error TEXT,
    finished_at TEXT
);
CREATE INDEX import_uploads_group ON import_uploads(group_id, uploaded_at);
CREATE INDEX import_uploads_age ON import_uploads(uploaded_at);
