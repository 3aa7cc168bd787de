-- The listening report's counts, kept as themes are raised, so a year's
-- report reads a few thousand tallies rather than every raising: by UTC day
-- and by UTC month, per theme and area. The report reads whole months and
-- days from here and the part-days at a period's edges from the raisings,
-- so its answer stays exact. Triggers on both kinds of raising keep the
-- tallies, also when erasure's cascades delete raisings. A delete only
-- lowers a tally: the tally may already be gone with its theme or group.
CREATE TABLE listening_days (
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    theme_id BLOB NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    area TEXT NOT NULL,
    raised INTEGER NOT NULL,
    PRIMARY KEY (group_id, day, theme_id, area)
) WITHOUT ROWID;
CREATE INDEX listening_days_theme ON listening_days(theme_id);

CREATE TABLE listening_months (
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    theme_id BLOB NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    area TEXT NOT NULL,
    raised INTEGER NOT NULL,
    PRIMARY KEY (group_id, month, theme_id, area)
) WITHOUT ROWID;
CREATE INDEX listening_months_theme ON listening_months(theme_id);

-- Times are stored as RFC 3339 text in UTC: the day and month are its first
-- 10 and 7 characters.
CREATE TRIGGER conversation_themes_tally AFTER INSERT ON conversation_themes BEGIN
    INSERT INTO listening_days (group_id, day, theme_id, area, raised) VALUES (NEW.group_id, substr(NEW.held_at, 1, 10), NEW.theme_id, NEW.area, 1)
        ON CONFLICT (group_id, day, theme_id, area) DO UPDATE SET raised = raised + 1;
    INSERT INTO listening_months (group_id, month, theme_id, area, raised) VALUES (NEW.group_id, substr(NEW.held_at, 1, 7), NEW.theme_id, NEW.area, 1)
        ON CONFLICT (group_id, month, theme_id, area) DO UPDATE SET raised = raised + 1;
END;

CREATE TRIGGER conversation_themes_untally AFTER DELETE ON conversation_themes BEGIN
    UPDATE listening_days SET raised = raised - 1
        WHERE group_id = OLD.group_id AND day = substr(OLD.held_at, 1, 10) AND theme_id = OLD.theme_id AND area = OLD.area;
    UPDATE listening_months SET raised = raised - 1
        WHERE group_id = OLD.group_id AND month = substr(OLD.held_at, 1, 7) AND theme_id = OLD.theme_id AND area = OLD.area;
END;

CREATE TRIGGER conversation_themes_retally AFTER UPDATE OF group_id, held_at, theme_id, area ON conversation_themes BEGIN
    UPDATE listening_days SET raised = raised - 1
        WHERE group_id = OLD.group_id AND day = substr(OLD.held_at, 1, 10) AND theme_id = OLD.theme_id AND area = OLD.area;
    UPDATE listening_months SET raised = raised - 1
        WHERE group_id = OLD.group_id AND month = substr(OLD.held_at, 1, 7) AND theme_id = OLD.theme_id AND area = OLD.area;
    INSERT INTO listening_days (group_id, day, theme_id, area, raised) VALUES (NEW.group_id, substr(NEW.held_at, 1, 10), NEW.theme_id, NEW.area, 1)
        ON CONFLICT (group_id, day, theme_id, area) DO UPDATE SET raised = raised + 1;
    INSERT INTO listening_months (group_id, month, theme_id, area, raised) VALUES (NEW.group_id, substr(NEW.held_at, 1, 7), NEW.theme_id, NEW.area, 1)
        ON CONFLICT (group_id, month, theme_id, area) DO UPDATE SET raised = raised + 1;
END;

CREATE TRIGGER need_themes_tally AFTER INSERT ON need_themes BEGIN
    INSERT INTO listening_days (group_id, day, theme_id, area, raised) VALUES (NEW.group_id, substr(NEW.raised_at, 1, 10), NEW.theme_id, NEW.area, 1)
        ON CONFLICT (group_id, day, theme_id, area) DO UPDATE SET raised = raised + 1;
    INSERT INTO listening_months (group_id, month, theme_id, area, raised) VALUES (NEW.group_id, substr(NEW.raised_at, 1, 7), NEW.theme_id, NEW.area, 1)
        ON CONFLICT (group_id, month, theme_id, area) DO UPDATE SET raised = raised + 1;
END;

CREATE TRIGGER need_themes_untally AFTER DELETE ON need_themes BEGIN
    UPDATE listening_days SET raised = raised - 1
        WHERE group_id = OLD.group_id AND day = substr(OLD.raised_at, 1, 10) AND theme_id = OLD.theme_id AND area = OLD.area;
    UPDATE listening_months SET raised = raised - 1
        WHERE group_id = OLD.group_id AND month = substr(OLD.raised_at, 1, 7) AND theme_id = OLD.theme_id AND area = OLD.area;
END;

CREATE TRIGGER need_themes_retally AFTER UPDATE OF group_id, raised_at, theme_id, area ON need_themes BEGIN
    UPDATE listening_days SET raised = raised - 1
        WHERE group_id = OLD.group_id AND day = substr(OLD.raised_at, 1, 10) AND theme_id = OLD.theme_id AND area = OLD.area;
    UPDATE listening_months SET raised = raised - 1
        WHERE group_id = OLD.group_id AND month = substr(OLD.raised_at, 1, 7) AND theme_id = OLD.theme_id AND area = OLD.area;
    INSERT INTO listening_days (group_id, day, theme_id, area, raised) VALUES (NEW.group_id, substr(NEW.raised_at, 1, 10), NEW.theme_id, NEW.area, 1)
        ON CONFLICT (group_id, day, theme_id, area) DO UPDATE SET raised = raised + 1;
    INSERT INTO listening_months (group_id, month, theme_id, area, raised) VALUES (NEW.group_id, substr(NEW.raised_at, 1, 7), NEW.theme_id, NEW.area, 1)
        ON CONFLICT (group_id, month, theme_id, area) DO UPDATE SET raised = raised + 1;
END;

-- What was raised before the tallies existed.
INSERT INTO listening_days (group_id, day, theme_id, area, raised)
    SELECT group_id, day, theme_id, area, COUNT(*) FROM (
        SELECT group_id, substr(held_at, 1, 10) AS day, theme_id, area FROM conversation_themes
        UNION ALL SELECT group_id, substr(raised_at, 1, 10), theme_id, area FROM need_themes
    ) GROUP BY group_id, day, theme_id, area;
INSERT INTO listening_months (group_id, month, theme_id, area, raised)
    SELECT group_id, substr(day, 1, 7), theme_id, area, SUM(raised) FROM listening_days GROUP BY group_id, substr(day, 1, 7), theme_id, area;
