//! Backups. On SQLite, `VACUUM INTO` writes a consistent copy while the server
//! runs. On PostgreSQL, pg_dump does the same job better than we could.

use std::path::Path;

use crate::{Db, DbError, Result};

pub const POSTGRES_HOW_TO: &str = "On PostgreSQL, back up with pg_dump and restore with pg_restore:\n  \
    pg_dump --format=custom --file=tredegar.dump \"$TREDEGAR_DATABASE_URL\"\n  \
    pg_restore --clean --if-exists --dbname=\"$TREDEGAR_DATABASE_URL\" tredegar.dump";

/// Write a consistent snapshot of a SQLite database to `to`, and of its audit
/// log to `to` + `-audit` (see [`crate::audit_path`]); neither may exist. The
/// two are each consistent, taken one after the other.
pub async fn snapshot(db: &Db, to: &Path) -> Result<()> {
    let Db::Sqlite { write, .. } = db else {
        return Err(DbError::Unsupported(POSTGRES_HOW_TO));
    };
    let path = to.to_str().ok_or(DbError::Unsupported("the backup path must be valid UTF-8"))?;
    let audit = crate::audit_path(path);
    for (vacuum, file) in [("VACUUM main INTO $1", path), ("VACUUM audit INTO $1", audit.as_str())] {
        // VACUUM INTO fills an empty file: made first, it is the owner's alone.
        crate::owner_only(Path::new(file)).map_err(|e| DbError::Sqlx(sqlx::Error::Io(e)))?;
        sqlx::query(vacuum).bind(file).execute(write).await?;
    }
    Ok(())
}
