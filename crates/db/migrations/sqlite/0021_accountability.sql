-- Campaigns that aim at a decision, and the representatives held to their
-- word. A campaign says what it demands (each demand's status kept with its
-- history) and which listening themes it answers; it may be made public.
-- Representatives are public office holders a group campaigns on: their
-- offices (or the ballots they stood in), what they pledged, and their
-- record (votes, statements, turn-ups, replies), each with its evidence.
ALTER TABLE campaigns ADD COLUMN is_public BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE campaign_themes (
    campaign_id BLOB NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    theme_id BLOB NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (campaign_id, theme_id)
);
CREATE INDEX campaign_themes_theme ON campaign_themes(theme_id);

CREATE TABLE demands (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id BLOB NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    -- open, won, partly_won or lost.
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX demands_campaign ON demands(campaign_id, created_at);

-- Each status a demand was given, why, and the evidence.
CREATE TABLE demand_changes (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    demand_id BLOB NOT NULL REFERENCES demands(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    evidence_url TEXT NOT NULL,
    changed_by_name TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX demand_changes_demand ON demand_changes(demand_id, changed_at);

CREATE TABLE representatives (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    party TEXT NOT NULL,
    -- Their official address: where a pledge's signing link goes.
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    website TEXT NOT NULL,
    -- The person in the group they are, if any: checking them in at an
    -- event records a turn-up. Erasing that person only unlinks them.
    person_id BLOB REFERENCES people(id) ON DELETE SET NULL,
    -- Where they came from: manual, democracy-club or generic; and the key
    -- there (Democracy Club's person_id), so a re-import updates them.
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    licence TEXT NOT NULL,
    -- Their scorecard has a public page.
    is_public BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE UNIQUE INDEX representatives_source ON representatives(group_id, source, source_key);
CREATE INDEX representatives_name ON representatives(group_id, name);
CREATE INDEX representatives_person ON representatives(person_id) WHERE person_id IS NOT NULL;

-- An office held, or a ballot stood in: a ward or constituency (post), the
-- body it sits on, and for a ballot its ids, date and whether they won.
CREATE TABLE representative_offices (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    representative_id BLOB NOT NULL REFERENCES representatives(id) ON DELETE CASCADE,
    -- councillor, mp, mayor, member, commissioner or other.
    kind TEXT NOT NULL,
    post TEXT NOT NULL,
    body TEXT NOT NULL,
    party TEXT NOT NULL,
    ballot_id TEXT NOT NULL,
    election_id TEXT NOT NULL,
    election_date DATE,
    -- NULL when not known (a ballot not yet counted, or a generic file).
    elected BOOLEAN
);
CREATE UNIQUE INDEX representative_offices_ballot ON representative_offices(representative_id, ballot_id);

-- Each file of representatives loaded: what it was and under what licence.
CREATE TABLE representative_imports (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    licence TEXT NOT NULL,
    added BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX representative_imports_group ON representative_imports(group_id, imported_at);

-- What a representative said they would do, and where it was said.
CREATE TABLE pledges (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    representative_id BLOB NOT NULL REFERENCES representatives(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    made_on DATE NOT NULL,
    source_url TEXT NOT NULL,
    campaign_id BLOB REFERENCES campaigns(id) ON DELETE SET NULL,
    demand_id BLOB REFERENCES demands(id) ON DELETE SET NULL,
    -- not_yet_rated, in_the_works, stalled, kept, compromise or broken.
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX pledges_representative ON pledges(representative_id, made_on);
CREATE INDEX pledges_group ON pledges(group_id, created_at);
CREATE INDEX pledges_campaign ON pledges(campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX pledges_demand ON pledges(demand_id) WHERE demand_id IS NOT NULL;

CREATE TABLE pledge_changes (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    pledge_id BLOB NOT NULL REFERENCES pledges(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    evidence_url TEXT NOT NULL,
    changed_by_name TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX pledge_changes_pledge ON pledge_changes(pledge_id, changed_at);

-- A dated entry in a representative's record.
CREATE TABLE records (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    representative_id BLOB NOT NULL REFERENCES representatives(id) ON DELETE CASCADE,
    -- vote, statement, turn_up or reply.
    kind TEXT NOT NULL,
    on_date DATE NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    evidence_url TEXT NOT NULL,
    campaign_id BLOB REFERENCES campaigns(id) ON DELETE SET NULL,
    -- A vote: how they voted (for, against or absent), and how the campaign
    -- wanted it cast (for or against).
    vote TEXT,
    wanted TEXT,
    -- A turn-up taken from an event's check-in.
    event_id BLOB REFERENCES events(id) ON DELETE SET NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX records_representative ON records(representative_id, on_date);
CREATE INDEX records_group ON records(group_id, created_at);
CREATE INDEX records_campaign ON records(campaign_id) WHERE campaign_id IS NOT NULL;
CREATE UNIQUE INDEX records_turn_up ON records(representative_id, event_id) WHERE event_id IS NOT NULL;

-- The pledges a record entry bears on.
CREATE TABLE record_pledges (
    record_id BLOB NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    pledge_id BLOB NOT NULL REFERENCES pledges(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, pledge_id)
);
CREATE INDEX record_pledges_pledge ON record_pledges(pledge_id);

-- What a campaign asked of a representative: to come to an action (an
-- event), or a letter; whether and how they replied.
CREATE TABLE asks (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id BLOB NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    representative_id BLOB NOT NULL REFERENCES representatives(id) ON DELETE CASCADE,
    -- invitation or letter.
    kind TEXT NOT NULL,
    event_id BLOB REFERENCES events(id) ON DELETE SET NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- When it was emailed (NULL: recorded only, sent some other way).
    sent_at TEXT,
    replied_on DATE,
    reply TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX asks_representative ON asks(representative_id, created_at);
CREATE INDEX asks_campaign ON asks(campaign_id, created_at);
