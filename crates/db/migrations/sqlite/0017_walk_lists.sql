-- Walk lists: turf (some buildings, with filters) cut into lists of doors in
-- walking order, each with its survey questions and its walkers. A walker
-- sees only the lists they walk, and only while those are open.
CREATE TABLE walk_lists (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- This list is part `part` of the `parts` the turf was cut into.
    part BIGINT NOT NULL,
    parts BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX walk_lists_group ON walk_lists(group_id, created_at);

CREATE TABLE walk_list_doors (
    walk_list_id BLOB NOT NULL REFERENCES walk_lists(id) ON DELETE CASCADE,
    unit_id BLOB NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (walk_list_id, unit_id)
);
CREATE INDEX walk_list_doors_position ON walk_list_doors(walk_list_id, position);
CREATE INDEX walk_list_doors_unit ON walk_list_doors(unit_id);

CREATE TABLE walk_list_walkers (
    walk_list_id BLOB NOT NULL REFERENCES walk_lists(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (walk_list_id, user_id)
);
CREATE INDEX walk_list_walkers_user ON walk_list_walkers(user_id, walk_list_id);

-- kind: yes_no, scale (1 to 5), choice (one of `choices`, a line each) or text.
CREATE TABLE walk_questions (
    id BLOB PRIMARY KEY NOT NULL,
    walk_list_id BLOB NOT NULL REFERENCES walk_lists(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    prompt TEXT NOT NULL,
    choices TEXT NOT NULL
);
CREATE INDEX walk_questions_list ON walk_questions(walk_list_id, position);

-- What happened at a door. The id is made by the walker's phone, so a record
-- sent twice is kept once. Two walkers' records of one door are both kept.
-- A knock that names a person goes when they are erased.
CREATE TABLE door_knocks (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    walk_list_id BLOB NOT NULL REFERENCES walk_lists(id) ON DELETE CASCADE,
    unit_id BLOB NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    person_id BLOB REFERENCES people(id) ON DELETE CASCADE,
    outcome TEXT NOT NULL,
    conversation_id BLOB REFERENCES conversations(id) ON DELETE SET NULL,
    knocked_by BLOB REFERENCES users(id) ON DELETE SET NULL,
    knocked_by_name TEXT NOT NULL,
    knocked_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX door_knocks_list ON door_knocks(walk_list_id, unit_id);
CREATE INDEX door_knocks_unit ON door_knocks(unit_id, knocked_at);
CREATE INDEX door_knocks_person ON door_knocks(person_id);

CREATE TABLE door_answers (
    knock_id BLOB NOT NULL REFERENCES door_knocks(id) ON DELETE CASCADE,
    question_id BLOB NOT NULL REFERENCES walk_questions(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    PRIMARY KEY (knock_id, question_id)
);
CREATE INDEX door_answers_question ON door_answers(question_id);
