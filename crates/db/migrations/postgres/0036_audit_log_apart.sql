-- On SQLite the audit log moved to its own file, where it cannot keep a
-- foreign key to its group; it keeps none here either, so both backends
-- behave alike (groups are never deleted).
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_group_id_fkey;
