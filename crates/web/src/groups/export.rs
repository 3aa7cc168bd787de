//! The whole-group export for admins: everything the group holds, one zip
//! archive of CSV files with a README. Logged before it is sent.

use std::io::{Read, Seek};

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tredegar_db::{audit, export};
use tredegar_domain::AuditAction;

use crate::auth::Admin;
use crate::{AppError, AppState};

pub(super) async fn export(State(state): State<AppState>, Admin(scope): Admin) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &scope, AuditAction::Export, "everything", "the whole group, as a zip archive", now).await?;
    tx.commit().await?;
    // Built in a file the system removes, so the archive is never all in memory while being made.
    let file = tempfile::tempfile().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = state.db.read().await?;
    let mut file = export::write_archive(&mut tx, &scope, file, now).await?;
    drop(tx);
    let mut bytes = Vec::new();
    file.rewind().and_then(|()| file.read_to_end(&mut bytes)).map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("{}-{}.zip", scope.group_slug(), now.format("%Y-%m-%d"));
    let headers = [
        (header::CONTENT_TYPE, "application/zip".to_string()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ];
    Ok((headers, bytes).into_response())
}
