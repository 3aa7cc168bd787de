//! SQLite's files: where a URL puts the database, the audit log's file
//! beside it, that both are readable by their owner only, and whether a
//! server has them open.

/// The audit log's own file beside a SQLite database. Kept apart because
/// each of its commits would otherwise make every reader of the database drop
/// its page cache (a WAL reader that finds the file changed starts again),
/// and the API's reads are audited as they happen. A commit that writes
/// both files (an erasure and its entry) is atomic in each file, not across
/// the two.
pub fn audit_path(database: &str) -> String {
    format!("{database}-audit")
}

/// Attach the audit log's file to each new connection as `audit`; an
/// unqualified `audit_log` finds its table there.
pub(crate) fn attach_audit(
    file: String,
    writer: bool,
) -> impl for<'c> Fn(&'c mut sqlx::SqliteConnection, sqlx::pool::PoolConnectionMetadata) -> futures_util::future::BoxFuture<'c, sqlx::Result<()>>
+ Send
+ Sync
+ 'static {
    move |conn, _| {
        let file = file.clone();
        Box::pin(async move {
            // `secure_delete` carries over from the main database as it is attached.
            sqlx::query("ATTACH DATABASE $1 AS audit").bind(file).execute(&mut *conn).await?;
            if writer {
                sqlx::query("PRAGMA audit.journal_mode = WAL").execute(&mut *conn).await?;
                sqlx::query("PRAGMA audit.synchronous = FULL").execute(&mut *conn).await?;
            }
            Ok(())
        })
    }
}

/// Make `path` readable and writable by its owner only (0600), creating it
/// empty if it is missing, whatever the umask: it holds people's data.
pub fn owner_only(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?;
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(())
}

/// The file path inside a `sqlite://PATH` URL, without query options.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Mark a SQLite database as in use by a server for as long as the returned
/// file is held, so a restore cannot replace it underneath (the server would
/// carry on with the deleted files, and lose what it wrote next). An
/// advisory lock, apart from SQLite's own; nothing on PostgreSQL.
pub fn serving(url: &str) -> std::io::Result<Option<std::fs::File>> {
    let Some(path) = sqlite_path(url) else { return Ok(None) };
    let file = std::fs::File::open(path)?;
    file.lock_shared()?;
    Ok(Some(file))
}

/// Whether a server holds this SQLite database (see [`serving`]).
pub fn is_served(path: &str) -> bool {
    std::fs::File::open(path).is_ok_and(|f| matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
}

/// Give the audit log its table in its own file, and move there the entries
/// an older database kept in the main file. Each step writes one file in one
/// transaction, so a crash between them loses nothing and the next start
/// finishes the move (SQLite commits attached files one by one).
pub(crate) async fn move_audit_log(write: &sqlx::SqlitePool) -> sqlx::Result<()> {
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(write);
    let here = count("SELECT COUNT(*) FROM audit.sqlite_master WHERE type = 'table' AND name = 'audit_log'").await?;
    let old = count("SELECT COUNT(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'audit_log'").await?;
    // A database in use whose log is nowhere: its file was lost or left
    // behind (a copy of the database file alone). A new log is begun, loudly.
    if here == 0 && old == 0 && count("SELECT COUNT(*) FROM users").await? > 0 {
        tracing::warn!(
            "the audit log's file was missing or empty, so a new, empty log begins now; if it was lost, put it back from the backup (the `-audit` file beside the database)"
        );
    }
    let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
    for ddl in [
        "CREATE TABLE IF NOT EXISTS audit.audit_log (id BLOB PRIMARY KEY NOT NULL, group_id BLOB, user_id BLOB, user_name TEXT NOT NULL, \
         action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL, at TEXT NOT NULL, person_id BLOB)",
        "CREATE INDEX IF NOT EXISTS audit.audit_log_group ON audit_log(group_id, at)",
        "CREATE INDEX IF NOT EXISTS audit.audit_log_person ON audit_log(person_id)",
    ] {
        sqlx::query(ddl).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    if old == 0 {
        return Ok(());
    }
    let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "INSERT OR IGNORE INTO audit.audit_log (id, group_id, user_id, user_name, action, subject, detail, at, person_id) \
         SELECT id, group_id, user_id, user_name, action, subject, detail, at, person_id FROM main.audit_log",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("DROP TABLE main.audit_log").execute(write).await?;
    Ok(())
}
