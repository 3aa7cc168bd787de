-- The listening report's counts, kept as themes are raised, so a year's
-- report reads a few thousand tallies rather than every raising: by UTC day
-- and by UTC month, per theme and area. The report reads whole months and
-- days from here and the part-days at a period's edges from the raisings,
-- so its answer stays exact. Triggers on both kinds of raising keep the
-- tallies, also when erasure's cascades delete raisings. A delete only
-- lowers a tally: the tally may already be gone with its theme or group.
CREATE TABLE listening_days (
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    day TEXT COLLATE "C" NOT NULL,
    theme_id UUID NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    area TEXT COLLATE "C" NOT NULL,
    raised BIGINT NOT NULL,
    PRIMARY KEY (group_id, day, theme_id, area)
);
CREATE INDEX listening_days_theme ON listening_days(theme_id);

CREATE TABLE listening_months (
    group_id UUID NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    month TEXT COLLATE "C" NOT NULL,
    theme_id UUID NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    area TEXT COLLATE "C" NOT NULL,
    raised BIGINT NOT NULL,
    PRIMARY KEY (group_id, month, theme_id, area)
);
CREATE INDEX listening_months_theme ON listening_months(theme_id);

-- Adds `p_delta` (1 or -1) to the day's and the month's tally of one raising.
CREATE FUNCTION listening_count(p_group UUID, p_at TIMESTAMPTZ, p_theme UUID, p_area TEXT, p_delta BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_day TEXT := to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD');
BEGIN
    IF p_delta > 0 THEN
        INSERT INTO listening_days (group_id, day, theme_id, area, raised) VALUES (p_group, v_day, p_theme, p_area, p_delta)
            ON CONFLICT (group_id, day, theme_id, area) DO UPDATE SET raised = listening_days.raised + p_delta;
        INSERT INTO listening_months (group_id, month, theme_id, area, raised) VALUES (p_group, left(v_day, 7), p_theme, p_area, p_delta)
            ON CONFLICT (group_id, month, theme_id, area) DO UPDATE SET raised = listening_months.raised + p_delta;
    ELSE
        UPDATE listening_days SET raised = raised + p_delta
            WHERE group_id = p_group AND day = v_day AND theme_id = p_theme AND area = p_area;
        UPDATE listening_months SET raised = raised + p_delta
            WHERE group_id = p_group AND month = left(v_day, 7) AND theme_id = p_theme AND area = p_area;
    END IF;
END $$;

CREATE FUNCTION conversation_themes_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM listening_count(OLD.group_id, OLD.held_at, OLD.theme_id, OLD.area, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM listening_count(NEW.group_id, NEW.held_at, NEW.theme_id, NEW.area, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION need_themes_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM listening_count(OLD.group_id, OLD.raised_at, OLD.theme_id, OLD.area, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM listening_count(NEW.group_id, NEW.raised_at, NEW.theme_id, NEW.area, 1);
    END IF;
    RETURN NULL;
END $$;

-- The same trigger names as SQLite's, so the parity test can compare them.
CREATE TRIGGER conversation_themes_tally AFTER INSERT ON conversation_themes FOR EACH ROW EXECUTE FUNCTION conversation_themes_tally();
CREATE TRIGGER conversation_themes_untally AFTER DELETE ON conversation_themes FOR EACH ROW EXECUTE FUNCTION conversation_themes_tally();
CREATE TRIGGER conversation_themes_retally AFTER UPDATE OF group_id, held_at, theme_id, area ON conversation_themes
    FOR EACH ROW EXECUTE FUNCTION conversation_themes_tally();
CREATE TRIGGER need_themes_tally AFTER INSERT ON need_themes FOR EACH ROW EXECUTE FUNCTION need_themes_tally();
CREATE TRIGGER need_themes_untally AFTER DELETE ON need_themes FOR EACH ROW EXECUTE FUNCTION need_themes_tally();
CREATE TRIGGER need_themes_retally AFTER UPDATE OF group_id, raised_at, theme_id, area ON need_themes
    FOR EACH ROW EXECUTE FUNCTION need_themes_tally();

-- What was raised before the tallies existed.
INSERT INTO listening_days (group_id, day, theme_id, area, raised)
    SELECT group_id, day, theme_id, area, COUNT(*) FROM (
        SELECT group_id, to_char(held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, theme_id, area FROM conversation_themes
        UNION ALL SELECT group_id, to_char(raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), theme_id, area FROM need_themes
    ) raised GROUP BY group_id, day, theme_id, area;
INSERT INTO listening_months (group_id, month, theme_id, area, raised)
    SELECT group_id, left(day, 7), theme_id, area, SUM(raised) FROM listening_days GROUP BY group_id, left(day, 7), theme_id, area;
