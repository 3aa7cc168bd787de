-- A campaign's timeline: what happened, dated, with its evidence (a link,
-- or a document kept here so backups and every app server have it), and
-- its wins, each against the demand it won.
CREATE TABLE documents (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id BLOB NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    body BLOB NOT NULL,
    uploaded_by_name TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX documents_campaign ON documents(campaign_id, uploaded_at);
CREATE INDEX documents_group ON documents(group_id);

CREATE TABLE moments (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id BLOB NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    happened_on DATE NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    evidence_url TEXT NOT NULL,
    document_id BLOB REFERENCES documents(id) ON DELETE SET NULL,
    -- A win: the demand it won.
    demand_id BLOB REFERENCES demands(id) ON DELETE SET NULL,
    is_win BOOLEAN NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX moments_campaign ON moments(campaign_id, happened_on);
