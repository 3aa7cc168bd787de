-- Petitions: a public page anyone can sign without an account. A signature
-- counts once its signer follows the link emailed to them (double opt-in);
-- one per email per petition. The count is read from the confirmed
-- signatures' index, never from a counter row every signer would write.
CREATE TABLE petitions (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id BLOB REFERENCES campaigns(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    target TEXT NOT NULL,
    goal BIGINT NOT NULL,
    ends_on DATE,
    consent_wording TEXT NOT NULL,
    -- Sites allowed to show the signing page in a frame, space-separated origins.
    frame_ancestors TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX petitions_group ON petitions(group_id, created_at);

CREATE TABLE signatures (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    petition_id BLOB NOT NULL REFERENCES petitions(id) ON DELETE CASCADE,
    -- Set when the signature is confirmed and its signer is a person.
    person_id BLOB REFERENCES people(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    postcode TEXT NOT NULL,
    comment TEXT NOT NULL,
    consent BOOLEAN NOT NULL,
    -- The words the signer saw beside the consent box.
    consent_wording TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    link_sent_at TEXT NOT NULL,
    confirmed_at TEXT,
    UNIQUE (petition_id, email_key)
);
CREATE INDEX signatures_confirmed ON signatures(petition_id, confirmed_at);
CREATE INDEX signatures_person ON signatures(person_id);
CREATE INDEX signatures_unconfirmed ON signatures(link_sent_at) WHERE confirmed_at IS NULL;
