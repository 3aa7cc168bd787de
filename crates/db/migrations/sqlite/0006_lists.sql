-- Lists of people, as OSDI serves them: segments (saved searches, whose
-- definition is a JSON tree of rules combined with and, or and not) and
-- static lists (people picked by hand or from a search).
CREATE TABLE lists (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX lists_group ON lists(group_id, created_at);

CREATE TABLE list_members (
    list_id BLOB NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    PRIMARY KEY (list_id, person_id)
);
CREATE INDEX list_members_person ON list_members(person_id);
