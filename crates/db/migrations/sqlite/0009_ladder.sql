-- The ladder of engagement: a group's rungs in order, each with the rule
-- (JSON) that earns it, or '' for a rung set only by hand.
CREATE TABLE ladder_rungs (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    rule TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ladder_rungs_group ON ladder_rungs(group_id, position);

-- Where each person stands now: earned by the rules, or set by hand.
CREATE TABLE ladder_placements (
    person_id BLOB PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    rung_id BLOB REFERENCES ladder_rungs(id) ON DELETE SET NULL,
    by_hand BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ladder_placements_rung ON ladder_placements(group_id, rung_id);

-- Every move up or down the ladder, for the funnel's movement.
CREATE TABLE ladder_moves (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    from_rung BLOB REFERENCES ladder_rungs(id) ON DELETE SET NULL,
    to_rung BLOB REFERENCES ladder_rungs(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ladder_moves_group ON ladder_moves(group_id, at);
CREATE INDEX ladder_moves_person ON ladder_moves(person_id, at);
