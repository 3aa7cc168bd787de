-- Search terms are the largest table: about ten rows a person, and an
-- import writes them all. Keyed by (person, term) without a rowid, a term
-- goes into two B-trees instead of three. They lose their foreign keys
-- too, which cost a lookup of the group and of the person for every term:
-- terms are only ever written for a person just saved, in the same
-- transaction, and a trigger deletes them with their person (and so with
-- their group), which costs nothing when terms are written.
CREATE TABLE person_terms_keyed (
    group_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (person_id, term)
) WITHOUT ROWID;
INSERT INTO person_terms_keyed (group_id, person_id, term) SELECT group_id, person_id, term FROM person_terms;
DROP TABLE person_terms;
ALTER TABLE person_terms_keyed RENAME TO person_terms;
CREATE INDEX person_terms_search ON person_terms(group_id, term, person_id);
CREATE TRIGGER person_terms_go_with_person AFTER DELETE ON people BEGIN
    DELETE FROM person_terms WHERE person_id = OLD.id;
END;
