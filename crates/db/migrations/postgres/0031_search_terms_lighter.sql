-- Search terms are the largest table: about ten rows a person, and an
-- import writes them all. Their own key to `groups` goes: a term is its
-- person's, and goes with them (and they with their group), so checking the
-- group for every term only slowed each insert. (SQLite's table also loses
-- its rowid here; PostgreSQL has none to lose.)
ALTER TABLE person_terms DROP CONSTRAINT person_terms_group_id_fkey;
