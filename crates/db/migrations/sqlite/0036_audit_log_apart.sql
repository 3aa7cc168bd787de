-- The audit log moves to its own file, attached to every connection as
-- `audit` (see `audit_path`). The move is made by `Db::migrate`, not here:
-- this migration's record lives in the main file, which SQLite commits
-- before the attached one, so a crash could record the move as done while
-- the log's new home had not been written. In Rust it is two transactions
-- of one file each: copy the entries, then drop the old table, each safe to
-- run again. (A key cannot cross files, so an entry keeps its group's id
-- without a foreign key; groups are never deleted.)
SELECT 1;
