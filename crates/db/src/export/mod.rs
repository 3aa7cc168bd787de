//! The whole-group export: one zip archive holding a CSV of each table of
//! the group's data and a README saying what each file is. A group owns its
//! data and can take all of it out at any time. Every capability adds its
//! tables to `TABLES`; a test fails if a table holding group data is in
//! neither `TABLES` nor `LEFT_OUT`.

use std::io::{Seek, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::TryStreamExt;
use sqlx::{Column, Executor, Row, ValueRef};
use tredegar_domain::spreadsheet::defuse_formula;

use crate::{DbError, Result, Scope, Tx};

mod tables;

pub use tables::{LEFT_OUT, TABLES};

/// One file of the archive: the table it comes from, what it holds, and the
/// query for the group's rows (its one value is the group's id).
pub struct Table {
    pub name: &'static str,
    pub about: &'static str,
    sql: &'static str,
    /// Columns not in the CSV: secrets' hashes, and documents' bytes (which
    /// go in as files of their own).
    pub hidden: &'static [&'static str],
}

/// The README at the top of the archive.
pub fn readme(group_name: &str, at: DateTime<Utc>) -> String {
    let mut text = format!(
        "Everything {group_name} holds in Tredegar, exported {}.\n\n\
         Each file is a table, as CSV in UTF-8. Ids link the files: a row's person_id is an id in people.csv, \
         tag_id is in tags.csv, user_id is in memberships.csv, field_id is in custom_fields.csv. \
         Times are in UTC, ISO 8601.\n\n",
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    for t in TABLES {
        text.push_str(&format!("{}.csv\n    {}\n", t.name, t.about));
    }
    text.push_str("\nLeft out:\n");
    for (name, why) in LEFT_OUT {
        text.push_str(&format!("{name}: {why}\n"));
    }
    text
}

/// Write the archive of the scope's group to `out`, reading everything in the
/// one transaction `tx`, so the files agree with each other.
pub async fn write_archive<W: Write + Seek>(tx: &mut Tx, scope: &Scope, out: W, now: DateTime<Utc>) -> Result<W> {
    let mut zip = zip::ZipWriter::new(out);
    use chrono::{Datelike, Timelike};
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(now.year()).unwrap_or(1980),
        u8::try_from(now.month()).unwrap_or(1),
        u8::try_from(now.day()).unwrap_or(1),
        u8::try_from(now.hour()).unwrap_or(0),
        u8::try_from(now.minute()).unwrap_or(0),
        u8::try_from(now.second()).unwrap_or(0),
    )
    .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).last_modified_time(stamp);
    zip.start_file("README.txt", options).map_err(zip_error)?;
    zip.write_all(readme(scope.group_name(), now).as_bytes()).map_err(io_error)?;
    for t in TABLES {
        zip.start_file(format!("{}.csv", t.name), options).map_err(zip_error)?;
        write_table(tx, scope, t, &mut zip).await?;
    }
    // Each document as the file it is, read one at a time.
    for id in crate::wins::document_ids(tx, scope).await? {
        let Some(doc) = crate::wins::document(tx, scope, id).await? else { continue };
        let name: String = doc.name.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
        zip.start_file(format!("documents/{id}-{name}"), options).map_err(zip_error)?;
        zip.write_all(&doc.body).map_err(io_error)?;
    }
    zip.finish().map_err(zip_error)
}

fn zip_error(e: zip::result::ZipError) -> DbError {
    DbError::Sqlx(sqlx::Error::Io(std::io::Error::other(e)))
}

fn io_error(e: impl std::error::Error + Send + Sync + 'static) -> DbError {
    DbError::Sqlx(sqlx::Error::Io(std::io::Error::other(e)))
}

/// One table as CSV, row by row.
async fn write_table<W: Write>(tx: &mut Tx, scope: &Scope, t: &Table, out: W) -> Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    let sql = sqlx::AssertSqlSafe(t.sql);
    macro_rules! rows {
        ($c:expr) => {{
            let described = (&mut **$c).describe(sqlx::SqlSafeStr::into_sql_str(t.sql)).await?;
            let shown: Vec<usize> = (0..described.columns().len())
                .filter(|i| described.columns().get(*i).is_some_and(|c| !t.hidden.contains(&c.name())))
                .collect();
            let names = shown.iter().filter_map(|i| described.columns().get(*i).map(|c| c.name().to_string()));
            csv.write_record(names).map_err(io_error)?;
            let mut rows = sqlx::query(sql).bind(scope.group_id()).fetch(&mut **$c);
            while let Some(row) = rows.try_next().await? {
                csv.write_record(shown.iter().map(|i| defuse_formula(cell(&row, *i)))).map_err(io_error)?;
            }
        }};
    }
    match tx {
        Tx::Sqlite(c) => rows!(c),
        Tx::Postgres(c) => rows!(c),
    }
    csv.flush().map_err(io_error)?;
    Ok(())
}

/// A value as text, by the type it is stored as: ids as UUIDs (SQLite keeps
/// them as blobs), times in ISO 8601 to the second.
fn cell<R: Row>(row: &R, i: usize) -> String
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> uuid::Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> chrono::NaiveDate: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use sqlx::TypeInfo;
    let Ok(raw) = row.try_get_raw(i) else { return String::new() };
    if raw.is_null() {
        return String::new();
    }
    let text = |v: Result<String, sqlx::Error>| v.unwrap_or_default();
    match raw.type_info().name() {
        "BLOB" | "UUID" => text(row.try_get::<uuid::Uuid, _>(i).map(|v| v.to_string())),
        "TIMESTAMPTZ" => text(row.try_get::<DateTime<Utc>, _>(i).map(|v| v.to_rfc3339_opts(SecondsFormat::Secs, true))),
        "DATE" => text(row.try_get::<chrono::NaiveDate, _>(i).map(|v| v.to_string())),
        "BOOL" | "BOOLEAN" => text(row.try_get::<bool, _>(i).map(|v| v.to_string())),
        "INT4" => text(row.try_get::<i32, _>(i).map(|v| v.to_string())),
        "INTEGER" | "INT8" => text(row.try_get::<i64, _>(i).map(|v| v.to_string())),
        "REAL" | "FLOAT8" => text(row.try_get::<f64, _>(i).map(|v| v.to_string())),
        // SQLite keeps times as text: shown like PostgreSQL's.
        _ => match row.try_get::<DateTime<Utc>, _>(i) {
            Ok(t) if row.try_get::<String, _>(i).is_ok_and(|s| s.len() >= 19) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
            _ => text(row.try_get::<String, _>(i)),
        },
    }
}
