-- Typed links between people: "person is <kind> of other" (recruited_by
-- and influences read that way round; the rest either way). Strength 1-5.
CREATE TABLE relationships (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    other_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    strength BIGINT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, other_id, kind)
);
CREATE INDEX relationships_other ON relationships(other_id, person_id);

-- A group's own kinds of relationship, beside the built-in ones.
CREATE TABLE relationship_kinds (
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (group_id, name_key)
);
