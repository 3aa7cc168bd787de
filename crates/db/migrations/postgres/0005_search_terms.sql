-- The words a search finds each person by: their names, the parts of their
-- emails and the words of their addresses, folded (lower case, no accents)
-- in Rust so both backends hold the same text. Each typed word is a range of
-- the one index below; existing people are indexed when this migration runs.
-- Every person has the empty term too, so "not yet indexed" is one lookup.
CREATE TABLE person_terms (
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    term TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (person_id, term)
);
CREATE INDEX person_terms_search ON person_terms(group_id, term, person_id);
