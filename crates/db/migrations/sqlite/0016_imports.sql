-- Imports of people from files. Each batch of rows commits with rows_done,
-- so an import cut short by a crash carries on where it stopped when the
-- same file is imported again.
CREATE TABLE imports (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    -- SHA-256 of the file's bytes: the same file again resumes, or re-runs.
    file_hash TEXT NOT NULL,
    format TEXT NOT NULL,
    register_id BLOB,
    rows_done BIGINT NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX imports_file ON imports(group_id, file_hash, finished_at);

-- An edition of the full electoral register. The law lets it be used only
-- for its purpose, and says when it must be destroyed: then its electors'
-- register-only fields (below) are deleted.
CREATE TABLE registers (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    edition TEXT NOT NULL,
    purpose TEXT NOT NULL,
    destroy_by DATE NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (group_id, source, edition)
);
CREATE INDEX registers_destroy ON registers(destroy_by);

-- What only the register says about a person: never exported, never sent
-- through the API. elector_key is "district/number/suffix", unique within
-- an edition (numbers are renumbered at each canvass).
CREATE TABLE electors (
    register_id BLOB NOT NULL REFERENCES registers(id) ON DELETE CASCADE,
    elector_key TEXT NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    markers TEXT NOT NULL,
    attainment TEXT NOT NULL,
    PRIMARY KEY (register_id, elector_key)
);
CREATE INDEX electors_person ON electors(person_id);
