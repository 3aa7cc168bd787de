-- Mutual aid carried through: the single-use links that let a volunteer
-- answer an offer from their email, and a requester say how it went; needs
-- that repeat (weekly shopping), keeping the same volunteer if both agree;
-- the requester's answer to "would you like to get involved?"; the shared
-- problems a need points to (themes, for the listening report); and the
-- volunteer's own record in the group, so their help counts on the ladder.

-- never, weekly or fortnightly; each repeat is a need of its own, in the
-- series of the first.
ALTER TABLE needs ADD COLUMN repeats TEXT NOT NULL DEFAULT 'never';
ALTER TABLE needs ADD COLUMN series_id BLOB;
-- The requester is happy for the same volunteer to come each time.
ALTER TABLE needs ADD COLUMN same_volunteer BOOLEAN NOT NULL DEFAULT FALSE;
-- How it went, in the requester's words: went_well, partly or not_well.
ALTER TABLE needs ADD COLUMN feedback TEXT;
ALTER TABLE needs ADD COLUMN feedback_note TEXT NOT NULL DEFAULT '';
-- Said by a card a member left with them (the volunteer, who could say it
-- themselves), not by the link emailed to them.
ALTER TABLE needs ADD COLUMN feedback_by_card BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE needs ADD COLUMN feedback_at TEXT;
-- Said yes to hearing how to get involved, with the words they were shown.
ALTER TABLE needs ADD COLUMN involve BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE needs ADD COLUMN involve_wording TEXT NOT NULL DEFAULT '';
CREATE INDEX needs_series ON needs(series_id, from_on);

-- A link that acts without a login: `answer` (a volunteer says yes or no to
-- what was offered them) or `feedback` (the requester says how it went, by
-- the emailed link or a code printed on a card). Only its hash is kept;
-- each works once, and not after it expires.
CREATE TABLE need_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    need_id BLOB NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    volunteer_id BLOB REFERENCES users(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX need_links_need ON need_links(need_id, purpose);

-- The shared problems a need points to, counted in the listening report
-- with the conversations that raised them.
CREATE TABLE need_themes (
    need_id BLOB NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    theme_id BLOB NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    raised_at TEXT NOT NULL,
    area TEXT NOT NULL,
    PRIMARY KEY (need_id, theme_id)
);
CREATE INDEX need_themes_listening ON need_themes(group_id, raised_at, theme_id, area);
CREATE INDEX need_themes_theme ON need_themes(theme_id, raised_at);

-- The volunteer's own record among the group's people, made when they
-- offer help, so the help they give counts on the ladder.
ALTER TABLE aid_offers ADD COLUMN person_id BLOB REFERENCES people(id) ON DELETE SET NULL;
CREATE INDEX aid_offers_person ON aid_offers(person_id);

-- How long a group's needs may wait, set by its coordinators: how long a
-- volunteer has to answer an offer, and how long a need may wait for anyone,
-- by how soon it is needed, before coordinators are told. No row: the
-- defaults (24; 2, 12 and 48 hours).
CREATE TABLE aid_settings (
    group_id BLOB PRIMARY KEY NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    answer_within_hours BIGINT NOT NULL,
    escalate_today_hours BIGINT NOT NULL,
    escalate_this_week_hours BIGINT NOT NULL,
    escalate_when_possible_hours BIGINT NOT NULL,
    modified_at TEXT NOT NULL
);
