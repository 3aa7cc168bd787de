-- A sync asks for the people changed since a time, a page at a time in the
-- order they were made: with the id in this index, the page is sorted from
-- the index alone, without reading each changed person's row.
DROP INDEX people_modified;
CREATE INDEX people_modified ON people(group_id, modified_at, id);
