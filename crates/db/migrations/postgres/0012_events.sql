-- Events and actions: meetings, demos, picket lines, trainings, socials and
-- the group's own kinds. The public RSVPs on a page; a volunteer helping at
-- the door checks people in and adds walk-ins. Places held are counted from
-- the attendances' index, never from a counter row.
CREATE TABLE events (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id UUID REFERENCES campaigns(id) ON DELETE SET NULL,
    -- meeting, demo, picket_line, training, social, or the group's own words.
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    location TEXT NOT NULL,
    -- Places; NULL is no limit. Past it, RSVPs join the waiting list.
    capacity BIGINT,
    -- Listed in the group's calendar feed and open to RSVPs from anyone.
    is_public BOOLEAN NOT NULL,
    -- How long before it starts the reminder goes; 0 sends none.
    remind_hours BIGINT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_group ON events(group_id, starts_at);

-- Members helping at the door: they check people in, and see only this
-- event's list of names while it is on.
CREATE TABLE event_helpers (
    event_id UUID NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_helpers_user ON event_helpers(user_id);

-- One a person an event: their RSVP and whether they came.
CREATE TABLE attendances (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    event_id UUID NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- going, waiting (for a place) or cancelled.
    status TEXT NOT NULL,
    -- Came without an RSVP, added at the door.
    walk_in BOOLEAN NOT NULL,
    attended_at TIMESTAMPTZ,
    checked_in_by_name TEXT NOT NULL,
    -- What they told us when they said they'd come (access needs, say).
    comment TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    reminded_at TIMESTAMPTZ,
    UNIQUE (event_id, person_id)
);
CREATE INDEX attendances_event ON attendances(event_id, status, created_at);
CREATE INDEX attendances_person ON attendances(person_id);

-- An email may carry an event's iCalendar file.
ALTER TABLE outbox ADD COLUMN calendar TEXT;
