//! Importing people through the web, for admins: upload a file (streamed to
//! the uploads directory), check what each column holds against sample
//! rows, try a dry run, then import. A background job reads the file with
//! the same importer as the command line, and keeps its progress in the
//! database, so the page can be reloaded, or left and come back to.

mod job;
mod pages;

use std::path::PathBuf;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tredegar_domain::UploadId;

use crate::{AppState, paths};

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
