-- A campaign's goals: structure tests it means to pass. Each names one
-- place (an area or a building), the share of its units that should hold a
-- supporter of the campaign, and optionally the date to reach it by.
CREATE TABLE campaign_goals (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    campaign_id BLOB NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    area_id BLOB REFERENCES areas(id) ON DELETE CASCADE,
    building_id BLOB REFERENCES buildings(id) ON DELETE CASCADE,
    target_percent BIGINT NOT NULL CHECK (target_percent BETWEEN 1 AND 100),
    by_date DATE,
    set_by_name TEXT NOT NULL,
    set_at TEXT NOT NULL,
    CHECK ((area_id IS NULL) <> (building_id IS NULL))
);
CREATE UNIQUE INDEX campaign_goals_area ON campaign_goals(campaign_id, area_id) WHERE area_id IS NOT NULL;
CREATE UNIQUE INDEX campaign_goals_building ON campaign_goals(campaign_id, building_id) WHERE building_id IS NOT NULL;
CREATE INDEX campaign_goals_area_place ON campaign_goals(area_id) WHERE area_id IS NOT NULL;
CREATE INDEX campaign_goals_building_place ON campaign_goals(building_id) WHERE building_id IS NOT NULL;
