-- Mutual aid: needs (asked for on the public form, or taken by a
-- coordinator by phone or on paper), the offers of help the group's
-- volunteers register, and the history of each need. A need's contact
-- details (address, phone, email, how to reach them) are its own: they are
-- shown only to coordinators, and to the volunteer who accepted it while it
-- is open.
CREATE TABLE aid_categories (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    -- Goes only to volunteers whose safeguarding check (DBS) is recorded.
    needs_check BOOLEAN NOT NULL,
    -- Offered to the best volunteer by itself, and to the next after a
    -- decline or no answer, with no coordinator in the loop.
    auto_match BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (group_id, name_key)
);

CREATE TABLE needs (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    -- Who needs the help: erasing them takes their needs.
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    category_id UUID NOT NULL REFERENCES aid_categories(id),
    description TEXT NOT NULL,
    -- today, this_week or when_possible.
    urgency TEXT NOT NULL,
    from_on DATE,
    to_on DATE,
    -- The contact details, seen only by those allowed.
    contact_name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    how_to_contact TEXT NOT NULL,
    -- Someone asking on a neighbour's behalf: their name and how to reach them.
    asked_by TEXT NOT NULL,
    -- What anyone may see of where: the postcode district (NP22), or an area.
    postcode TEXT NOT NULL,
    district TEXT NOT NULL,
    area_id UUID REFERENCES areas(id) ON DELETE SET NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    -- new, triaged, offered, accepted, in_progress, done, cancelled, expired.
    status TEXT NOT NULL,
    -- The volunteer it is offered to, or who accepted it.
    volunteer_id UUID REFERENCES users(id) ON DELETE SET NULL,
    -- When it was offered to the volunteer it waits on; when coordinators
    -- were told it waits too long for anyone.
    offered_at TIMESTAMPTZ,
    escalated_at TIMESTAMPTZ,
    -- form or coordinator.
    source TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    modified_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX needs_group ON needs(group_id, status, created_at);
CREATE INDEX needs_volunteer ON needs(volunteer_id, status);
CREATE INDEX needs_person ON needs(person_id);

-- Every change of a need's status: who, when, from what, to what, why.
CREATE TABLE need_changes (
    id UUID PRIMARY KEY NOT NULL,
    need_id UUID NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    volunteer_id UUID REFERENCES users(id) ON DELETE SET NULL,
    -- Who made it: a member, or nobody (the help form, the schedule).
    by_user UUID REFERENCES users(id) ON DELETE SET NULL,
    by_name TEXT NOT NULL,
    note TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX need_changes_need ON need_changes(need_id, at);
CREATE INDEX need_changes_volunteer ON need_changes(volunteer_id, to_status, at);

-- What a volunteer can give, one offer each per group.
CREATE TABLE aid_offers (
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    -- Where from, and how far they will go.
    postcode TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    radius_km BIGINT NOT NULL,
    -- Days of the week they are free: bit 0 Monday .. bit 6 Sunday.
    days BIGINT NOT NULL,
    from_hour BIGINT NOT NULL,
    to_hour BIGINT NOT NULL,
    transport BOOLEAN NOT NULL,
    -- Recorded by a coordinator who has seen the check, never by the
    -- volunteer themselves: who, and when.
    checked BOOLEAN NOT NULL,
    checked_by_name TEXT NOT NULL,
    checked_at TIMESTAMPTZ,
    paused BOOLEAN NOT NULL,
    per_week BIGINT NOT NULL,
    modified_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX aid_offers_user ON aid_offers(user_id);

CREATE TABLE aid_offer_categories (
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    category_id UUID NOT NULL REFERENCES aid_categories(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id, category_id)
);
CREATE INDEX aid_offer_categories_category ON aid_offer_categories(category_id);

-- Postcode centroids (from the ONS Postcode Directory), shared by every
-- group: public data, loaded by `tredegar import postcodes`, that puts a
-- need and an offer on the map to measure the distance between them.
CREATE TABLE postcodes (
    postcode_key TEXT PRIMARY KEY NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL
);
