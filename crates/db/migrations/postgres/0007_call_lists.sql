-- Call lists: a list's people with phones, taken when the call list is made,
-- split among callers, each call's outcome kept. A caller sees only their
-- own people, and only while the call list is open.
CREATE TABLE call_lists (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    script TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX call_lists_group ON call_lists(group_id, created_at);

CREATE TABLE call_list_people (
    call_list_id UUID NOT NULL REFERENCES call_lists(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    caller UUID REFERENCES users(id) ON DELETE SET NULL,
    position BIGINT NOT NULL,
    outcome TEXT,
    call_back_at TIMESTAMPTZ,
    called_at TIMESTAMPTZ,
    called_by_name TEXT,
    PRIMARY KEY (call_list_id, person_id)
);
CREATE INDEX call_list_people_caller ON call_list_people(caller, call_list_id, position);
CREATE INDEX call_list_people_person ON call_list_people(person_id);

-- People who asked not to be called: every later call list leaves them out.
CREATE TABLE do_not_call (
    person_id UUID PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    by_name TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
