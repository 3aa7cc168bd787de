-- People and what belongs to them. Keys (*_key) are normalised for matching
-- and prefix search by range, which a plain B-tree index serves on both backends.
CREATE TABLE people (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    given_name TEXT,
    family_name TEXT,
    name_key TEXT NOT NULL,
    family_key TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX people_name ON people(group_id, name_key, id);
CREATE INDEX people_family ON people(group_id, family_key, name_key, id);
CREATE INDEX people_modified ON people(group_id, modified_at);
CREATE INDEX people_created ON people(group_id, created_at);

CREATE TABLE person_emails (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    address_key TEXT NOT NULL,
    status TEXT NOT NULL,
    is_primary BOOLEAN NOT NULL,
    UNIQUE (group_id, address_key)
);
CREATE INDEX person_emails_person ON person_emails(person_id);

CREATE TABLE person_phones (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    number_key TEXT NOT NULL,
    number_type TEXT NOT NULL,
    status TEXT NOT NULL,
    is_primary BOOLEAN NOT NULL,
    UNIQUE (group_id, number_key)
);
CREATE INDEX person_phones_person ON person_phones(person_id);

CREATE TABLE person_addresses (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    address_lines TEXT NOT NULL,
    locality TEXT,
    region TEXT,
    postal_code TEXT,
    postcode_key TEXT NOT NULL,
    country TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    is_primary BOOLEAN NOT NULL
);
CREATE INDEX person_addresses_person ON person_addresses(person_id);
CREATE INDEX person_addresses_postcode ON person_addresses(group_id, postcode_key, person_id);

CREATE TABLE custom_fields (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    choices TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (group_id, name)
);

CREATE TABLE person_custom_values (
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    field_id BLOB NOT NULL REFERENCES custom_fields(id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    PRIMARY KEY (person_id, field_id)
);

CREATE TABLE tags (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    UNIQUE (group_id, name_key)
);

CREATE TABLE taggings (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    tag_id BLOB NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (tag_id, person_id)
);
CREATE INDEX taggings_person ON taggings(person_id);

-- Which volunteer may see which person.
CREATE TABLE assignments (
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, user_id)
);
CREATE INDEX assignments_user ON assignments(user_id, person_id);

-- A person's history: created, edited, merged, tagged. Newest first on the page.
CREATE TABLE person_events (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    user_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX person_events_person ON person_events(person_id, at);

CREATE TABLE campaigns (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX campaigns_group ON campaigns(group_id, created_at);
