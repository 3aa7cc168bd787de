//! SQLite's files: where a URL puts the database, the audit log's file
//! beside it, and that both are readable by their owner only.

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
