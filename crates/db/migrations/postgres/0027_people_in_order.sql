-- The API pages through a group's people in the order they were made (ids
-- are time-ordered): this index walks a group in that order, so a page far
-- in is cut from the index, not by sorting the group.
CREATE INDEX people_group_order ON people(group_id, id);
