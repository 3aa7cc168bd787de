-- A campaign's power map and escalation plan. The map's actors are people
-- in the group, organisations (a landlord), representatives or anyone else
-- named, each with their role, influence (0 to 10), stance on the campaign
-- (-5 against to +5 for) and why; targets are the decision-makers who can
-- grant the demands. Every placing is kept, so the map can be replayed over
-- the campaign's life. The plan is the dated actions that escalate, each
-- linked to the petition or event that carries it out.
CREATE TABLE actors (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- person, organisation, representative or other.
    kind TEXT NOT NULL,
    -- Erasing the person takes them off every map.
    person_id UUID REFERENCES people(id) ON DELETE CASCADE,
    organisation_id UUID REFERENCES organisations(id) ON DELETE CASCADE,
    representative_id UUID REFERENCES representatives(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    influence BIGINT NOT NULL CHECK (influence BETWEEN 0 AND 10),
    stance BIGINT NOT NULL CHECK (stance BETWEEN -5 AND 5),
    note TEXT NOT NULL,
    -- A decision-maker who can grant the demands.
    is_target BOOLEAN NOT NULL,
    -- Taken off the map; kept so the map replays as it was.
    removed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    modified_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX actors_campaign ON actors(campaign_id, name);
CREATE INDEX actors_person ON actors(person_id) WHERE person_id IS NOT NULL;

-- Each placing of an actor on the map, oldest first: the map's history.
CREATE TABLE actor_changes (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    actor_id UUID NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    influence BIGINT NOT NULL,
    stance BIGINT NOT NULL,
    note TEXT NOT NULL,
    -- Taken off the map at this change.
    removed BOOLEAN NOT NULL,
    changed_by_name TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX actor_changes_campaign ON actor_changes(campaign_id, changed_at);
CREATE INDEX actor_changes_actor ON actor_changes(actor_id, changed_at);

-- Who influences whom.
CREATE TABLE actor_links (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    from_actor_id UUID NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    to_actor_id UUID NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    note TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (from_actor_id, to_actor_id),
    CHECK (from_actor_id <> to_actor_id)
);
CREATE INDEX actor_links_campaign ON actor_links(campaign_id);
CREATE INDEX actor_links_to ON actor_links(to_actor_id);

-- The escalation plan: actions with dates.
CREATE TABLE plan_steps (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    -- letter, petition, deputation, demo, rent_strike or other.
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    planned_on DATE NOT NULL,
    done_on DATE,
    petition_id UUID REFERENCES petitions(id) ON DELETE SET NULL,
    event_id UUID REFERENCES events(id) ON DELETE SET NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_steps_campaign ON plan_steps(campaign_id, planned_on);
