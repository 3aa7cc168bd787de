//! The job that reads an uploaded file: a dry run or the import, as the
//! admin who chose to run it, reporting progress to the database as it goes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tredegar_db::Scope;
use tredegar_db::imports::uploads::{self, Upload};
use tredegar_db::jobs::{Done, Job};
use tredegar_domain::import::UploadStatus;
use tredegar_domain::{Role, UploadId};

use super::{bad_rows_of, file_of};
use crate::AppState;
use crate::imports::{BadRow, BadRows, Options, Report};

/// A running job whose heartbeat is younger than this is alive elsewhere.
const ALIVE: chrono::Duration = chrono::Duration::minutes(2);

/// How often a running job writes its progress.
const BEAT: std::time::Duration = std::time::Duration::from_secs(2);

pub(crate) async fn run(state: &AppState, job: &Job) -> Result<Done, String> {
    let id: UploadId = job.payload.parse().map_err(|_| format!("'{}' is not an upload id", job.payload))?;
    let now = state.clock.now();
    let mut tx = state.db.write().await.map_err(|e| e.to_string())?;
    let Some(upload) = uploads::for_job(&mut tx, id).await.map_err(|e| e.to_string())? else {
        return Ok(Done::Finished);
    };
    match upload.status {
        UploadStatus::Queued => {}
        // Another worker has it, or had it and died (then its heartbeat stops).
        UploadStatus::Running if upload.heartbeat_at.is_some_and(|at| now - at < ALIVE) => return Ok(Done::Later(now + ALIVE)),
        UploadStatus::Running => tracing::warn!(upload = %id, "an import stopped part way; carrying on where it got to"),
        _ => return Ok(Done::Finished),
    }
    let scope = match admin_who_chose(&mut tx, &upload).await.map_err(|e| e.to_string())? {
        Some(scope) => scope,
        None => {
            let why = "only an admin of the group may import, and whoever chose to run this no longer is one: run it again";
            uploads::finished(&mut tx, id, UploadStatus::Failed, why, 0, now).await.map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            return Ok(Done::Finished);
        }
    };
    uploads::started(&mut tx, id, now).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;

    let read = Arc::new(AtomicU64::new(0));
    let beat = tokio::spawn(heartbeat(state.clone(), id, read.clone()));
    let mut report = Progress { read, bad: BadRows::to(&bad_rows_of(state, id)) };
    let options = Options {
        format: upload.format,
        mapping: Some(upload.mapping()).filter(|m| !m.is_empty()),
        on_error: upload.on_error,
        register: upload.register(),
        dry: upload.dry_run,
        name: Some(upload.file_name.clone()),
    };
    let result = crate::imports::run(&state.db, &scope, &state.clock, &file_of(state, id), &options, &mut report).await;
    beat.abort();
    let bad_rows = report.bad.rows();
    let written = report.bad.finish();
    let (status, said) = match (result, written) {
        (Ok(summary), Ok(())) if summary.aborted => {
            (UploadStatus::Failed, format!("{summary}: fix the rows below, or choose to skip them"))
        }
        (Ok(summary), Ok(())) if upload.dry_run => (UploadStatus::Checked, summary.to_string()),
        (Ok(summary), Ok(())) => (UploadStatus::Done, summary.to_string()),
        (Ok(_), Err(e)) => (UploadStatus::Failed, format!("the import finished, but its list of bad rows could not be written: {e:#}")),
        (Err(e), _) => (UploadStatus::Failed, format!("{e:#}")),
    };
    if status == UploadStatus::Done {
        // Imported: the file (perhaps a register) is not kept.
        if let Err(e) = tokio::fs::remove_file(file_of(state, id)).await {
            tracing::warn!(upload = %id, error = %e, "could not delete an imported file");
        }
    }
    let mut tx = state.db.write().await.map_err(|e| e.to_string())?;
    uploads::finished(&mut tx, id, status, &said, bad_rows, state.clock.now()).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(Done::Finished)
}

/// The scope of the admin who chose to run it, if they still are one.
async fn admin_who_chose(tx: &mut tredegar_db::Tx, upload: &Upload) -> tredegar_db::Result<Option<Scope>> {
    let Some(user) = upload.chosen_by else { return Ok(None) };
    let Some(slug) = tredegar_db::groups::slug_of(tx, upload.group_id).await? else { return Ok(None) };
    Ok(Scope::for_member(tx, user, &slug).await?.filter(|s| s.role() >= Role::Admin))
}

/// Write how far the job has read every few seconds, until it is stopped.
async fn heartbeat(state: AppState, id: UploadId, read: Arc<AtomicU64>) {
    loop {
        tokio::time::sleep(BEAT).await;
        let wrote = match state.db.write().await {
            Ok(mut tx) => match uploads::progress(&mut tx, id, read.load(Ordering::Relaxed), state.clock.now()).await {
                Ok(()) => tx.commit().await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        if let Err(e) = wrote {
            tracing::warn!(upload = %id, error = %e, "could not record an import's progress");
        }
    }
}

/// What the importer reports, kept for the page: bytes read, and bad rows to a file.
struct Progress {
    read: Arc<AtomicU64>,
    bad: BadRows,
}

impl Report for Progress {
    fn headers(&mut self, headers: &[String]) {
        self.bad.headers(headers);
    }
    fn progress(&mut self, done: u64, _total: u64) {
        self.read.store(done, Ordering::Relaxed);
    }
    fn bad(&mut self, row: BadRow) {
        self.bad.bad(row);
    }
}

/// Delete uploads, and their files, older than a week, or of a register
/// whose destroy-by date has come (retention).
pub(crate) async fn clear_old(state: &AppState) -> Result<usize, String> {
    let now = state.clock.now();
    let mut tx = state.db.write().await.map_err(|e| e.to_string())?;
    let old = uploads::take_old(&mut tx, now - chrono::Duration::days(7), now.date_naive()).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    for id in &old {
        remove_files(state, *id).await;
    }
    Ok(old.len())
}

/// Delete an upload's file and its bad rows, whichever there are.
pub(super) async fn remove_files(state: &AppState, id: UploadId) {
    for path in [file_of(state, id), bad_rows_of(state, id)] {
        if let Err(e) = tokio::fs::remove_file(&path).await
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %path.display(), error = %e, "could not delete an upload's file");
        }
    }
}
