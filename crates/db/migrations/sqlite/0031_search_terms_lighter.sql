-- Search terms are the largest table: about ten rows a person, and an
-- import writes them all. Keyed by (person, term) without a rowid, a term
-- goes into two B-trees instead of three. Its own key to `groups` went too:
-- a term is its person's, and goes with them (and they with their group),
-- so checking the group for every term only slowed each insert.
CREATE TABLE person_terms_keyed (
    group_id BLOB NOT NULL,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    term TEXT NOT NULL,
    PRIMARY KEY (person_id, term)
) WITHOUT ROWID;
INSERT INTO person_terms_keyed (group_id, person_id, term) SELECT group_id, person_id, term FROM person_terms;
DROP TABLE person_terms;
ALTER TABLE person_terms_keyed RENAME TO person_terms;
CREATE INDEX person_terms_search ON person_terms(group_id, term, person_id);
