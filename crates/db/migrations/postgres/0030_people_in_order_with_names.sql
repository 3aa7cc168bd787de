-- A segment joins the people its first rule found to their names by id.
-- With the name in the group-and-id index, that lookup is one covering
-- index probe, and SQLite (planning without statistics) has no reason to
-- prefer walking a whole group's name index for each person instead.
DROP INDEX people_group_order;
CREATE INDEX people_group_order ON people(group_id, id, name_key);
