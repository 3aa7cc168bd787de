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
-- PostgreSQL's writers run side by side, and must never wait for each other
-- here (nor deadlock): each adds a row, then deletes the older rows nobody
-- else holds. The sum changes with every commit that adds a row.
CREATE TABLE rule_versions (
    group_id UUID NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX rule_versions_key ON rule_versions(group_id, source);

-- A new version of `p_source` for each of `p_groups`.
CREATE FUNCTION rule_versions_add(p_groups UUID[], p_source TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- The rows this statement adds are not seen by its DELETE, so stay.
    WITH added AS (
        INSERT INTO rule_versions (group_id, source, version)
            SELECT u.g, p_source, (random() * 9.0e18)::bigint FROM (SELECT DISTINCT unnest(p_groups) AS g) u WHERE u.g IS NOT NULL
            RETURNING group_id
    )
    DELETE FROM rule_versions v WHERE v.ctid IN (
        SELECT o.ctid FROM rule_versions o WHERE o.source = p_source AND o.group_id IN (SELECT a.group_id FROM added a)
        FOR UPDATE SKIP LOCKED);
END $$;

-- Once a statement, for the groups of the rows it changed (`changed`, its
-- transition table): a row trigger would add a row per imported person.
CREATE FUNCTION rule_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rule_versions_add(ARRAY(SELECT DISTINCT c.group_id FROM changed c), TG_ARGV[0]);
    RETURN NULL;
END $$;

-- The same trigger names as SQLite's, so the parity test can compare them.
CREATE TRIGGER people_rules_insert AFTER INSERT ON people REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('people');
CREATE TRIGGER people_rules_delete AFTER DELETE ON people REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('people');
CREATE TRIGGER taggings_rules_insert AFTER INSERT ON taggings REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('tags');
CREATE TRIGGER taggings_rules_delete AFTER DELETE ON taggings REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('tags');
CREATE TRIGGER taggings_rules_update AFTER UPDATE ON taggings REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('tags');
CREATE TRIGGER assessments_rules_insert AFTER INSERT ON assessments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('assessments');
CREATE TRIGGER assessments_rules_delete AFTER DELETE ON assessments REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('assessments');
CREATE TRIGGER assessments_rules_update AFTER UPDATE ON assessments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('assessments');
CREATE TRIGGER conversations_rules_insert AFTER INSERT ON conversations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('conversations');
CREATE TRIGGER conversations_rules_delete AFTER DELETE ON conversations REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('conversations');
CREATE TRIGGER conversations_rules_update AFTER UPDATE ON conversations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('conversations');
CREATE TRIGGER conversation_themes_rules_insert AFTER INSERT ON conversation_themes REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('conversations');
CREATE TRIGGER conversation_themes_rules_delete AFTER DELETE ON conversation_themes REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('conversations');
CREATE TRIGGER conversation_themes_rules_update AFTER UPDATE ON conversation_themes REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('conversations');
CREATE TRIGGER person_addresses_rules_insert AFTER INSERT ON person_addresses REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('addresses');
CREATE TRIGGER person_addresses_rules_delete AFTER DELETE ON person_addresses REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('addresses');
CREATE TRIGGER person_addresses_rules_update AFTER UPDATE ON person_addresses REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('addresses');
CREATE TRIGGER person_emails_rules_insert AFTER INSERT ON person_emails REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('emails');
CREATE TRIGGER person_emails_rules_delete AFTER DELETE ON person_emails REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('emails');
CREATE TRIGGER person_emails_rules_update AFTER UPDATE ON person_emails REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('emails');
CREATE TRIGGER person_phones_rules_insert AFTER INSERT ON person_phones REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('phones');
CREATE TRIGGER person_phones_rules_delete AFTER DELETE ON person_phones REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('phones');
CREATE TRIGGER person_phones_rules_update AFTER UPDATE ON person_phones REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('phones');
CREATE TRIGGER person_custom_values_rules_insert AFTER INSERT ON person_custom_values REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('custom');
CREATE TRIGGER person_custom_values_rules_delete AFTER DELETE ON person_custom_values REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('custom');
CREATE TRIGGER person_custom_values_rules_update AFTER UPDATE ON person_custom_values REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('custom');
CREATE TRIGGER list_members_rules_insert AFTER INSERT ON list_members REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('lists');
CREATE TRIGGER list_members_rules_delete AFTER DELETE ON list_members REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('lists');
CREATE TRIGGER list_members_rules_update AFTER UPDATE ON list_members REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('lists');
CREATE TRIGGER do_not_call_rules_insert AFTER INSERT ON do_not_call REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('do_not_call');
CREATE TRIGGER do_not_call_rules_delete AFTER DELETE ON do_not_call REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('do_not_call');
CREATE TRIGGER do_not_call_rules_update AFTER UPDATE ON do_not_call REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('do_not_call');
CREATE TRIGGER ladder_placements_rules_insert AFTER INSERT ON ladder_placements REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('ladder');
CREATE TRIGGER ladder_placements_rules_delete AFTER DELETE ON ladder_placements REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('ladder');
CREATE TRIGGER ladder_placements_rules_update AFTER UPDATE ON ladder_placements REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rule_versions_bump('ladder');

-- A group that starts or stops sharing with its parent changes whom the
-- parent's rules find: every source of both parents, old and new, moves on.
CREATE FUNCTION groups_rules_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_source TEXT;
BEGIN
    FOREACH v_source IN ARRAY ARRAY['addresses', 'assessments', 'conversations', 'custom', 'do_not_call', 'emails', 'ladder', 'lists', 'people', 'phones', 'tags'] LOOP
        PERFORM rule_versions_add(ARRAY[OLD.parent_id, NEW.parent_id], v_source);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER groups_rules_update AFTER UPDATE OF parent_id, share_with_parent ON groups
    FOR EACH ROW EXECUTE FUNCTION groups_rules_update();

-- What was there before the versions were kept.
INSERT INTO rule_versions (group_id, source, version)
    SELECT g.id, s.source, (random() * 9.0e18)::bigint FROM groups g, (VALUES ('addresses'), ('assessments'), ('conversations'), ('custom'), ('do_not_call'), ('emails'), ('ladder'), ('lists'), ('people'), ('phones'), ('tags')) s(source);
