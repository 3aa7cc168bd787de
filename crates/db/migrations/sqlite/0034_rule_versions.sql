-- Which of a group's segment rules may have changed. Every table a segment
-- rule reads gives its source a fresh random version, per group, whenever
-- it changes (erasure's cascades included), so a server may keep a rule's
-- people in memory and know from these few rows, in any process, that
-- they still stand. Random rather than counted, so that a restored backup
-- or another database never shows a version seen before with other rows
-- behind it. A group's version of a source is the sum of its rows here.
-- No key to groups: a group's deletion cascades to the tables whose
-- triggers write here.
--
-- SQLite has one writer, so each (group, source) keeps one row.
CREATE TABLE rule_versions (
    group_id BLOB NOT NULL,
    source TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX rule_versions_key ON rule_versions(group_id, source);

CREATE TRIGGER people_rules_insert AFTER INSERT ON people BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'people', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER people_rules_delete AFTER DELETE ON people BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'people', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER taggings_rules_insert AFTER INSERT ON taggings BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'tags', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER taggings_rules_delete AFTER DELETE ON taggings BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'tags', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER taggings_rules_update AFTER UPDATE ON taggings BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'tags', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER assessments_rules_insert AFTER INSERT ON assessments BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'assessments', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER assessments_rules_delete AFTER DELETE ON assessments BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'assessments', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER assessments_rules_update AFTER UPDATE ON assessments BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'assessments', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER conversations_rules_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'conversations', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER conversations_rules_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'conversations', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER conversations_rules_update AFTER UPDATE ON conversations BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'conversations', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER conversation_themes_rules_insert AFTER INSERT ON conversation_themes BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'conversations', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER conversation_themes_rules_delete AFTER DELETE ON conversation_themes BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'conversations', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER conversation_themes_rules_update AFTER UPDATE ON conversation_themes BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'conversations', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_addresses_rules_insert AFTER INSERT ON person_addresses BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'addresses', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_addresses_rules_delete AFTER DELETE ON person_addresses BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'addresses', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_addresses_rules_update AFTER UPDATE ON person_addresses BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'addresses', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_emails_rules_insert AFTER INSERT ON person_emails BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'emails', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_emails_rules_delete AFTER DELETE ON person_emails BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'emails', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_emails_rules_update AFTER UPDATE ON person_emails BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'emails', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_phones_rules_insert AFTER INSERT ON person_phones BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'phones', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_phones_rules_delete AFTER DELETE ON person_phones BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'phones', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_phones_rules_update AFTER UPDATE ON person_phones BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'phones', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_custom_values_rules_insert AFTER INSERT ON person_custom_values BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'custom', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_custom_values_rules_delete AFTER DELETE ON person_custom_values BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'custom', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER person_custom_values_rules_update AFTER UPDATE ON person_custom_values BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'custom', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER list_members_rules_insert AFTER INSERT ON list_members BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'lists', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER list_members_rules_delete AFTER DELETE ON list_members BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'lists', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER list_members_rules_update AFTER UPDATE ON list_members BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'lists', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER do_not_call_rules_insert AFTER INSERT ON do_not_call BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'do_not_call', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER do_not_call_rules_delete AFTER DELETE ON do_not_call BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'do_not_call', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER do_not_call_rules_update AFTER UPDATE ON do_not_call BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'do_not_call', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER ladder_placements_rules_insert AFTER INSERT ON ladder_placements BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'ladder', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER ladder_placements_rules_delete AFTER DELETE ON ladder_placements BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (OLD.group_id, 'ladder', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER ladder_placements_rules_update AFTER UPDATE ON ladder_placements BEGIN
    INSERT INTO rule_versions (group_id, source, version) VALUES (NEW.group_id, 'ladder', random())
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;

-- A group that starts or stops sharing with its parent changes whom the
-- parent's rules find: every source of both parents, old and new, moves on.
CREATE TRIGGER groups_rules_update AFTER UPDATE OF parent_id, share_with_parent ON groups BEGIN
    INSERT INTO rule_versions (group_id, source, version)
        SELECT p.id, s.column1, random() FROM (SELECT OLD.parent_id AS id UNION SELECT NEW.parent_id) p,
            (VALUES ('addresses'), ('assessments'), ('conversations'), ('custom'), ('do_not_call'), ('emails'), ('ladder'), ('lists'), ('people'), ('phones'), ('tags')) s WHERE p.id IS NOT NULL
        ON CONFLICT (group_id, source) DO UPDATE SET version = excluded.version;
END;

-- What was there before the versions were kept.
INSERT INTO rule_versions (group_id, source, version)
    SELECT g.id, s.column1, random() FROM groups g, (VALUES ('addresses'), ('assessments'), ('conversations'), ('custom'), ('do_not_call'), ('emails'), ('ladder'), ('lists'), ('people'), ('phones'), ('tags')) s;
