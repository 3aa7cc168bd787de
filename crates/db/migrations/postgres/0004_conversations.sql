-- Conversations and what they reveal: the themes people raise, the
-- follow-ups they lead to, and each person's assessment per campaign.

-- The group's issue list: what people raise, in the group's words.
CREATE TABLE themes (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (group_id, name_key)
);

-- held_by is kept as a name too, so a conversation still says who held it
-- after that account is gone. area is the person's postcode district then.
CREATE TABLE conversations (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    held_by UUID REFERENCES users(id) ON DELETE SET NULL,
    held_by_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_at TIMESTAMPTZ NOT NULL,
    place TEXT NOT NULL,
    area TEXT COLLATE "C" NOT NULL,
    self_interest TEXT NOT NULL,
    ask TEXT NOT NULL,
    answer TEXT,
    commitments TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX conversations_person ON conversations(person_id, held_at);
CREATE INDEX conversations_group ON conversations(group_id, held_at);

-- The themes raised in a conversation, with its time and area copied so the
-- listening report reads one index.
CREATE TABLE conversation_themes (
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    theme_id UUID NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    held_at TIMESTAMPTZ NOT NULL,
    area TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (conversation_id, theme_id)
);
CREATE INDEX conversation_themes_listening ON conversation_themes(group_id, held_at, theme_id, area);
CREATE INDEX conversation_themes_theme ON conversation_themes(theme_id, held_at);

CREATE TABLE follow_ups (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    conversation_id UUID REFERENCES conversations(id) ON DELETE SET NULL,
    assignee UUID REFERENCES users(id) ON DELETE SET NULL,
    what TEXT NOT NULL,
    due_on DATE NOT NULL,
    done_at TIMESTAMPTZ,
    created_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX follow_ups_assignee ON follow_ups(assignee, group_id, due_on);
CREATE INDEX follow_ups_person ON follow_ups(person_id);
CREATE INDEX follow_ups_group ON follow_ups(group_id, due_on);

-- A group's own names for the assessment levels; the rest keep the defaults.
CREATE TABLE assessment_levels (
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    level BIGINT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (group_id, level)
);

-- Where each person stands on each campaign now ...
CREATE TABLE assessments (
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    level BIGINT NOT NULL,
    set_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, campaign_id)
);
CREATE INDEX assessments_campaign ON assessments(campaign_id, level, person_id);
CREATE INDEX assessments_group_level ON assessments(group_id, level, person_id);

-- ... and every change: who, when, from what, to what, and why.
CREATE TABLE assessment_changes (
    id UUID PRIMARY KEY NOT NULL,
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    from_level BIGINT,
    to_level BIGINT NOT NULL,
    reason TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assessment_changes_person ON assessment_changes(person_id, at);
CREATE INDEX assessment_changes_campaign ON assessment_changes(campaign_id, at);
