//! Storage for Tredegar: one `Db` over SQLite (the embedded default) or
//! PostgreSQL, picked by the URL's scheme. Every query is written once, with
//! `$N` placeholders both backends understand; the macros below run it on
//! whichever backend the transaction belongs to.
//!
//! Functions that touch a group's data take a [`Scope`], which can only be made
//! by loading a real membership or API token, so code without one cannot read
//! people.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use tredegar_domain::{FieldErrors, PersonId};

/// Run a query returning rows of `$t` on either backend.
macro_rules! fetch_all {
    ($tx:expr, $t:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match &mut *$tx {
            $crate::Tx::Sqlite(c) => sqlx::query_as::<_, $t>($sql)$(.bind($arg))*.fetch_all(&mut **c).await,
            $crate::Tx::Postgres(c) => sqlx::query_as::<_, $t>($sql)$(.bind($arg))*.fetch_all(&mut **c).await,
        }
    };
}

macro_rules! fetch_optional {
    ($tx:expr, $t:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match &mut *$tx {
            $crate::Tx::Sqlite(c) => sqlx::query_as::<_, $t>($sql)$(.bind($arg))*.fetch_optional(&mut **c).await,
            $crate::Tx::Postgres(c) => sqlx::query_as::<_, $t>($sql)$(.bind($arg))*.fetch_optional(&mut **c).await,
        }
    };
}

/// A single value: a count, an id, a flag.
macro_rules! scalar {
    ($tx:expr, $t:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match &mut *$tx {
            $crate::Tx::Sqlite(c) => sqlx::query_scalar::<_, $t>($sql)$(.bind($arg))*.fetch_optional(&mut **c).await,
            $crate::Tx::Postgres(c) => sqlx::query_scalar::<_, $t>($sql)$(.bind($arg))*.fetch_optional(&mut **c).await,
        }
    };
}

/// A statement; yields the number of rows it changed.
macro_rules! execute {
    ($tx:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match &mut *$tx {
            $crate::Tx::Sqlite(c) => sqlx::query($sql)$(.bind($arg))*.execute(&mut **c).await.map(|r| r.rows_affected()),
            $crate::Tx::Postgres(c) => sqlx::query($sql)$(.bind($arg))*.execute(&mut **c).await.map(|r| r.rows_affected()),
        }
    };
}

pub mod aid;
pub mod assessments;
pub mod attendances;
pub mod audit;
pub mod backup;
pub mod broadcasts;
pub mod calls;
pub mod campaigns;
mod changes;
pub mod conversations;
pub mod copy;
pub mod demands;
pub mod events;
pub mod export;
pub mod fields;
mod files;
pub mod follow_ups;
pub mod goals;
pub mod groups;
pub mod imports;
pub mod invitations;
pub mod jobs;
pub mod ladder;
pub mod landlords;
pub mod listening;
pub mod lists;
pub mod outbox;
pub mod people;
pub mod petitions;
pub mod places;
pub mod power_maps;
pub mod relationships;
pub mod representatives;
pub mod residents;
pub mod scope;
pub mod sql;
pub mod structure;
pub mod tags;
pub mod timeline;
pub mod tokens;
pub mod users;
pub mod walks;
pub mod wins;

pub use files::{audit_path, is_served, owner_only, serving, sqlite_path};
pub use scope::Scope;

/// The migration that added `person_terms`.
const SEARCH_TERMS: i64 = 5;
pub use sql::Sql;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL must start with sqlite:// or postgres:// (got '{0}')")]
    UnknownScheme(String),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("not found")]
    NotFound,
    /// A value that must be unique in the group is taken.
    #[error("{message}")]
    Duplicate { field: String, message: String, existing: Option<PersonId> },
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Unsupported(&'static str),
    /// Work handed to another thread did not come back (it panicked).
    #[error("{0}")]
    Crashed(String),
}

impl From<FieldErrors> for DbError {
    fn from(e: FieldErrors) -> Self {
        DbError::Invalid(e)
    }
}

impl From<tredegar_domain::Problem> for DbError {
    fn from(p: tredegar_domain::Problem) -> Self {
        DbError::Invalid(p.into())
    }
}

pub type Result<T, E = DbError> = std::result::Result<T, E>;

pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database. SQLite gets one writer connection and a few readers: writes
/// queue for the writer instead of failing with "database is locked", and WAL
/// lets reads go on beside them.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { write: SqlitePool, read: SqlitePool },
    Postgres(PgPool),
}

/// A transaction on either backend. Dropped without `commit`, it rolls back,
/// so nothing is half-written.
pub enum Tx {
    Sqlite(Conn<sqlx::Sqlite>),
    Postgres(Conn<sqlx::Postgres>),
}

/// Where a `Tx`'s statements run: in a transaction, or, for reads that need
/// not share one snapshot, on a connection alone, each statement its own,
/// which saves the round trips of `BEGIN` and `ROLLBACK`.
pub enum Conn<DB: sqlx::Database> {
    InTransaction(sqlx::Transaction<'static, DB>),
    Alone(sqlx::pool::PoolConnection<DB>),
}

impl<DB: sqlx::Database> std::ops::Deref for Conn<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        match self {
            Conn::InTransaction(t) => t,
            Conn::Alone(c) => c,
        }
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for Conn<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match self {
            Conn::InTransaction(t) => t,
            Conn::Alone(c) => c,
        }
    }
}

impl<DB: sqlx::Database> Conn<DB> {
    async fn commit(self) -> Result<()> {
        if let Conn::InTransaction(t) = self {
            t.commit().await?;
        }
        Ok(())
    }
}

impl Tx {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    /// Mark a point to roll back to without losing the rest of the transaction.
    pub async fn savepoint(&mut self) -> Result<()> {
        execute!(self, "SAVEPOINT one")?;
        Ok(())
    }

    pub async fn release_savepoint(&mut self) -> Result<()> {
        execute!(self, "RELEASE SAVEPOINT one")?;
        Ok(())
    }

    /// Undo everything since the savepoint; the transaction goes on.
    pub async fn rollback_to_savepoint(&mut self) -> Result<()> {
        execute!(self, "ROLLBACK TO SAVEPOINT one")?;
        execute!(self, "RELEASE SAVEPOINT one")?;
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(c) => c.commit().await,
            Tx::Postgres(c) => c.commit().await,
        }
    }
}

impl Db {
    /// Connect by URL scheme. An unknown scheme is an error; it never silently
    /// creates an empty SQLite file somewhere unexpected.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            if let Some(dir) = sqlite_path(url).and_then(|p| std::path::Path::new(p).parent().map(|d| d.to_path_buf()))
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(&dir).map_err(|e| DbError::Sqlx(sqlx::Error::Io(e)))?;
            }
            let audit = sqlite_path(url).map_or_else(|| ":memory:".to_string(), audit_path);
            if let Some(path) = sqlite_path(url) {
                // SQLite makes the WAL and shared-memory files with the database file's mode.
                for file in [path, &audit] {
                    owner_only(std::path::Path::new(file)).map_err(|e| DbError::Sqlx(sqlx::Error::Io(e)))?;
                }
            }
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // Acknowledged writes survive power loss.
                .synchronous(SqliteSynchronous::Full)
                // A delete overwrites what it deleted: erasure and a register's
                // destruction leave nothing to read in the file.
                .pragma("secure_delete", "on")
                // A statement that writes many rows keeps a journal to undo
                // itself; past 64 KiB SQLite moves it to a temporary file, and
                // the writes to that file were a tenth of a signing batch's
                // time, and left copies of the pages it changed (erased
                // people's among them) on the disk. In memory it is only as
                // big as the statement.
                .pragma("temp_store", "memory")
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            // A file cannot hang up: a ping before each use would only be
            // another hop to the connection's thread.
            let pool = || SqlitePoolOptions::new().test_before_acquire(false);
            let write =
                pool().max_connections(1).after_connect(files::attach_audit(audit.clone(), true)).connect_with(options.clone()).await?;
            let read =
                pool().max_connections(4).after_connect(files::attach_audit(audit, false)).connect_with(options.read_only(true)).await?;
            Ok(Db::Sqlite { write, read })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new().max_connections(10).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            Ok(Db::Postgres(pool))
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(DbError::UnknownScheme(scheme.to_string()))
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        let had_terms = self.has_migration(SEARCH_TERMS).await;
        match self {
            Db::Sqlite { write, .. } => {
                sqlx::migrate!("./migrations/sqlite").run(write).await?;
                files::move_audit_log(write).await?;
            }
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        // Search terms are folded in Rust, so the migration that made their
        // table cannot fill it: the people already here are indexed now.
        if !had_terms {
            let n = people::index_unsearchable(self).await?;
            if n > 0 {
                tracing::info!(people = n, "indexed the people already stored for search");
            }
        }
        Ok(())
    }

    /// Whether the migration with this version has run.
    async fn has_migration(&self, version: i64) -> bool {
        let Ok(mut tx) = self.read().await else { return false };
        let ran = scalar!(&mut tx, i64, "SELECT COUNT(*) FROM _sqlx_migrations WHERE version = $1 AND success", version);
        matches!(ran, Ok(Some(n)) if n > 0)
    }

    /// The versions each backend's migrations reach; a test keeps them equal.
    pub fn migration_versions(backend: Backend) -> Vec<(i64, String)> {
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.iter().map(|m| (m.version, m.description.to_string())).collect()
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A transaction for reading.
    pub async fn read(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite { read, .. } => Tx::Sqlite(Conn::InTransaction(read.begin().await?)),
            Db::Postgres(pool) => Tx::Postgres(Conn::InTransaction(pool.begin().await?)),
        })
    }

    /// A connection for reads that need not share one snapshot: each
    /// statement sees what was committed when it ran. For the API's pages,
    /// where a transaction's two extra round trips were a tenth of the work.
    pub async fn read_alone(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite { read, .. } => Tx::Sqlite(Conn::Alone(read.acquire().await?)),
            Db::Postgres(pool) => Tx::Postgres(Conn::Alone(pool.acquire().await?)),
        })
    }

    /// A transaction that may write. On SQLite it holds the single writer.
    pub async fn write(&self) -> Result<Tx> {
        Ok(match self {
            // IMMEDIATE takes the write lock at once, waiting out another
            // process's writer (the command line beside a running server);
            // a deferred transaction that read first could not take it later.
            Db::Sqlite { write, .. } => Tx::Sqlite(Conn::InTransaction(write.begin_with("BEGIN IMMEDIATE").await?)),
            Db::Postgres(pool) => Tx::Postgres(Conn::InTransaction(pool.begin().await?)),
        })
    }

    /// Set the writer up for a long bulk write (an import) in this process:
    /// WAL commits that wait for the disk only at checkpoints, which come
    /// less often. A commit stays atomic, so
    /// a crash loses at most the last batches, never half of one; the import
    /// carries on from what was kept.
    pub async fn bulk_writes(&self) -> Result<()> {
        if let Db::Sqlite { write, .. } = self {
            for pragma in ["PRAGMA synchronous = NORMAL", "PRAGMA wal_autocheckpoint = 10000"] {
                sqlx::query(pragma).execute(write).await?;
            }
        }
        Ok(())
    }

    /// Copy the write-ahead log into the database and empty it, so pages
    /// that held deleted data (overwritten there by `secure_delete`) are not
    /// left in the log either. Nothing to do on PostgreSQL.
    pub async fn forget_deleted(&self) -> Result<()> {
        if let Db::Sqlite { write, .. } = self {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(write).await?;
        }
        Ok(())
    }

    /// Can the database answer? For `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.read().await?;
        scalar!(&mut tx, i32, "SELECT 1")?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Rows older than a time, newest first, so many at a time: for a timeline,
/// where new rows arrive at the top while someone reads further down.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub before: Option<chrono::DateTime<chrono::Utc>>,
    pub take: Option<i64>,
}

impl Window {
    /// Every row.
    pub fn all() -> Window {
        Window { before: None, take: None }
    }
}

/// Rows of a page: `page` counts from 1.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub page: i64,
    pub per_page: i64,
}

impl Page {
    /// The highest page number asked for; any further is as empty as this.
    pub const LAST: i64 = 1_000_000;

    pub fn new(page: i64, per_page: i64) -> Page {
        Page { page: page.clamp(1, Page::LAST), per_page: per_page.clamp(1, 500) }
    }

    /// Every row: for exports.
    pub fn everything() -> Page {
        Page { page: 1, per_page: i64::MAX }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// This page's rows of a list already read whole.
    pub fn window<T>(&self, all: impl IntoIterator<Item = T>) -> Vec<T> {
        all.into_iter().skip(usize::try_from(self.offset()).unwrap_or(0)).take(usize::try_from(self.per_page).unwrap_or(0)).collect()
    }

    pub fn total_pages(&self, total: i64) -> i64 {
        (total + self.per_page - 1) / self.per_page
    }
}

/// Upper bound for a prefix range search: `prefix <= key < bound`.
/// Works with a plain index on both backends (no LIKE, no leading wildcard).
pub(crate) fn prefix_bound(prefix: &str) -> String {
    let mut s = prefix.to_string();
    s.push(char::MAX);
    s
}
