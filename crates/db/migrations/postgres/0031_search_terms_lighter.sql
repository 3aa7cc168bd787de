-- Search terms are the largest table: about ten rows a person, and an
-- import writes them all. They lose their foreign keys, whose checks were
-- half the cost of copying terms in: terms are only ever written for a
-- person just saved, in the same transaction, and a trigger deletes them
-- with their person (and so with their group), which costs nothing when
-- terms are written. (SQLite's table also loses its rowid here.)
ALTER TABLE person_terms DROP CONSTRAINT person_terms_group_id_fkey;
ALTER TABLE person_terms DROP CONSTRAINT person_terms_person_id_fkey;
CREATE FUNCTION person_terms_go_with_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM person_terms WHERE person_id = OLD.id;
    RETURN OLD;
END
$$;
CREATE TRIGGER person_terms_go_with_person AFTER DELETE ON people FOR EACH ROW EXECUTE FUNCTION person_terms_go_with_person();
