//! Importing people through the web, for admins: upload a file (streamed to
//! the uploads directory), check what each column holds against sample
//! rows, try a dry run, then import. A background job reads the file with
//! the same importer as the command line, and keeps its progress in the
//! database, so the page can be reloaded, or left and come back to.

mod job;
mod pages;

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tredegar_db::Scope;
use tredegar_db::imports::uploads;
use tredegar_domain::people::PersonDetails;
use tredegar_domain::{Phone, UploadId};

use crate::{AppError, AppState, paths};

pub(crate) use job::{clear_old, run};

pub fn router() -> Router<AppState> {
    Router::new()
        // The upload streams to disk under its own cap (`import_max_bytes`).
        .route(paths::IMPORTS, get(pages::index).post(pages::upload).layer(DefaultBodyLimit::disable()))
        .route(paths::IMPORT, get(pages::show).post(pages::choose))
        .route(paths::IMPORT_ERRORS, get(pages::errors))
        .route(paths::IMPORT_DELETE, post(pages::delete))
}

/// Where an upload's file waits.
fn file_of(state: &AppState, id: UploadId) -> PathBuf {
    state.config.uploads_dir.join(format!("{id}.csv"))
}

/// Where the rows it could not take, or took with a value left raw, are written.
fn bad_rows_of(state: &AppState, id: UploadId) -> PathBuf {
    state.config.uploads_dir.join(format!("{id}.bad.csv"))
}

/// What erasing a person did to the group's uploads.
#[derive(Debug, Default)]
pub(crate) struct Forgotten {
    /// Uploads deleted because a file of theirs held the person.
    pub deleted: usize,
    /// Uploads that hold the person but are being read now, so were not deleted.
    pub in_use: usize,
}

/// After a person is erased: their email addresses and phone numbers are
/// looked for in every file the group's uploads keep (a file waiting to be
/// imported, and bad rows), and an upload holding them is deleted, so no
/// copy of them stays on disk and a waiting import cannot bring them back.
/// A row with only their name is not found.
pub(crate) async fn forget(state: &AppState, scope: &Scope, person: &PersonDetails) -> Result<Forgotten, AppError> {
    let emails: Vec<String> = person.emails.iter().map(|e| e.email.key()).collect();
    let phones: Vec<String> = person.phones.iter().map(|p| p.phone.key().to_string()).collect();
    let mut forgotten = Forgotten::default();
    if emails.is_empty() && phones.is_empty() {
        return Ok(forgotten);
    }
    let mut tx = state.db.read().await?;
    let kept = uploads::kept(&mut tx, scope).await?;
    drop(tx);
    for (id, _) in kept {
        let files = [file_of(state, id), bad_rows_of(state, id)];
        let (e, p) = (emails.clone(), phones.clone());
        // A scan that could not finish counts as finding them.
        let found = tokio::task::spawn_blocking(move || files.iter().any(|f| holds(f, &e, &p).unwrap_or(true))).await.unwrap_or(true);
        if !found {
            continue;
        }
        let mut tx = state.db.write().await?;
        match uploads::delete(&mut tx, scope, id).await {
            Ok(true) => {
                tx.commit().await?;
                job::remove_files(state, id).await;
                forgotten.deleted += 1;
            }
            Ok(false) => forgotten.in_use += 1,
            // Gone meanwhile (deleted by hand, or a week old).
            Err(tredegar_db::DbError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(forgotten)
}

/// Whether a CSV file has a cell holding one of these email addresses (as
/// keys, in lower case, whole words of the cell) or phone numbers (as
/// keys). A file that is not there holds nothing; one that cannot be read
/// is an error.
fn holds(path: &Path, emails: &[String], phones: &[String]) -> std::io::Result<bool> {
    let mut reader = match csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path) {
        Ok(reader) => reader,
        Err(e) if matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound) => return Ok(false),
        Err(e) => return Err(std::io::Error::other(e)),
    };
    for record in reader.byte_records() {
        let record = record.map_err(std::io::Error::other)?;
        let found = record.iter().any(|cell| {
            let cell = String::from_utf8_lossy(cell);
            let lower = cell.to_lowercase();
            // "Ann <ann@example.org>", "mailto:ann@example.org; bob@…": each word on its own.
            let words = lower.split(|c: char| c.is_whitespace() || ",;<>\"'()[]".contains(c));
            let emailed = words.map(|w| w.strip_prefix("mailto:").unwrap_or(w)).any(|w| emails.iter().any(|e| e == w));
            emailed || Phone::parse("phone", &cell).is_ok_and(|p| phones.iter().any(|k| k == p.key()))
        });
        if found {
            return Ok(true);
        }
    }
    Ok(false)
}
