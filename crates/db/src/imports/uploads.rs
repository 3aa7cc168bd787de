//! Imports uploaded through the web: the choices made for each, and how the
//! background job reading it is getting on. The file is on disk; this is
//! what the pages and the job know about it.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::import::{Choices, Format, OnError, Register, UploadStatus};
use tredegar_domain::jobs::JobKind;
use tredegar_domain::{GroupId, UploadId, UserId};

use crate::{DbError, Result, Scope, Sql, Tx, jobs};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Upload {
    pub id: UploadId,
    pub group_id: GroupId,
    pub file_name: String,
    pub size: i64,
    pub uploaded_by: Option<UserId>,
    pub uploaded_by_name: String,
    pub uploaded_at: DateTime<Utc>,
    pub chosen_by: Option<UserId>,
    pub status: UploadStatus,
    pub dry_run: bool,
    pub format: Option<Format>,
    pub mapping: String,
    pub on_error: OnError,
    pub register_source: Option<String>,
    pub register_edition: Option<String>,
    pub purpose: Option<String>,
    pub destroy_by: Option<NaiveDate>,
    pub bytes_done: i64,
    pub heartbeat_at: Option<DateTime<Utc>>,
    pub summary: String,
    pub bad_rows: i64,
    pub error: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Upload {
    /// What the admin said each column holds: header and mapping word.
    pub fn mapping(&self) -> Vec<(String, String)> {
        self.mapping.lines().filter_map(|l| l.split_once('\t')).map(|(h, w)| (h.to_string(), w.to_string())).collect()
    }

    pub fn register(&self) -> Option<Register> {
        match (&self.register_source, &self.register_edition, &self.purpose, self.destroy_by) {
            (Some(source), Some(edition), Some(purpose), Some(destroy_by)) => {
                Some(Register { source: source.clone(), edition: edition.clone(), purpose: purpose.clone(), destroy_by })
            }
            _ => None,
        }
    }

    /// How far through the file the job is, in whole per cent.
    pub fn percent(&self) -> i64 {
        if self.size <= 0 { 100 } else { (self.bytes_done.clamp(0, self.size) * 100) / self.size }
    }
}

const SELECT: &str = "SELECT id, group_id, file_name, size, uploaded_by, uploaded_by_name, uploaded_at, chosen_by, status, dry_run, format, mapping, \
     on_error, register_source, register_edition, purpose, destroy_by, bytes_done, heartbeat_at, summary, bad_rows, error, finished_at \
     FROM import_uploads";

/// Record a file uploaded by the scope's user, waiting for its columns to be checked.
pub async fn add(tx: &mut Tx, scope: &Scope, id: UploadId, file_name: &str, size: u64, now: DateTime<Utc>) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO import_uploads (id, group_id, file_name, size, uploaded_by, uploaded_by_name, uploaded_at, status, dry_run, mapping, \
         on_error, bytes_done, summary, bad_rows) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, '', $9, 0, '', 0)",
        id,
        scope.group_id(),
        file_name,
        i64::try_from(size).unwrap_or(i64::MAX),
        scope.user_id(),
        scope.actor_name(),
        now,
        UploadStatus::Uploaded,
        OnError::Skip
    )?;
    Ok(())
}

/// The group's uploads, newest first.
pub async fn list(tx: &mut Tx, scope: &Scope) -> Result<Vec<Upload>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE group_id = ").bind(scope.group_id()).push(" ORDER BY uploaded_at DESC, id DESC LIMIT 100");
    q.fetch_all(tx).await
}

/// Every upload the group still keeps a file for, and its status: for
/// erasure, which must look at all of them.
pub async fn kept(tx: &mut Tx, scope: &Scope) -> Result<Vec<(UploadId, UploadStatus)>> {
    let mut q = Sql::new("SELECT id, status FROM import_uploads WHERE group_id = ");
    q.bind(scope.group_id());
    q.fetch_all(tx).await
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: UploadId) -> Result<Option<Upload>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE id = ").bind(id).push(" AND group_id = ").bind(scope.group_id());
    q.fetch_optional(tx).await
}

/// The upload a job reads: the job carries only its id.
pub async fn for_job(tx: &mut Tx, id: UploadId) -> Result<Option<Upload>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE id = ").bind(id);
    q.fetch_optional(tx).await
}

/// Keep the admin's choices and queue the job: a dry run, or the import.
/// Refused while a job is on it, or once it is imported.
pub async fn choose(tx: &mut Tx, scope: &Scope, id: UploadId, choices: &Choices, dry: bool, now: DateTime<Utc>) -> Result<()> {
    let mapping: String = choices.mapping.iter().map(|(h, w)| format!("{}\t{w}\n", h.replace(['\t', '\n', '\r'], " "))).collect();
    let register = choices.register.as_ref();
    let n = execute!(
        tx,
        "UPDATE import_uploads SET status = $3, dry_run = $4, format = $5, mapping = $6, on_error = $7, register_source = $8, \
         register_edition = $9, purpose = $10, destroy_by = $11, chosen_by = $12, bytes_done = 0, summary = '', bad_rows = 0, \
         error = NULL, finished_at = NULL, heartbeat_at = NULL WHERE id = $1 AND group_id = $2 AND status IN ('uploaded', 'checked', 'failed')",
        id,
        scope.group_id(),
        UploadStatus::Queued,
        dry,
        choices.format,
        mapping,
        choices.on_error,
        register.map(|r| r.source.as_str()),
        register.map(|r| r.edition.as_str()),
        register.map(|r| r.purpose.as_str()),
        register.map(|r| r.destroy_by),
        scope.user_id()
    )?;
    if n == 0 {
        return Err(tredegar_domain::Problem::new("upload", "is being read, or already imported: it cannot change now").into());
    }
    jobs::enqueue(tx, JobKind::Import, Some(scope.group_id()), &id.to_string(), now).await?;
    Ok(())
}

/// The job has started (again, after a crash): it is running, and alive now.
pub async fn started(tx: &mut Tx, id: UploadId, now: DateTime<Utc>) -> Result<()> {
    execute!(tx, "UPDATE import_uploads SET status = $2, heartbeat_at = $3 WHERE id = $1", id, UploadStatus::Running, now)?;
    Ok(())
}

/// How far the running job has read, and that it is still alive.
pub async fn progress(tx: &mut Tx, id: UploadId, bytes_done: u64, now: DateTime<Utc>) -> Result<()> {
    let done = i64::try_from(bytes_done).unwrap_or(i64::MAX);
    execute!(tx, "UPDATE import_uploads SET bytes_done = $2, heartbeat_at = $3 WHERE id = $1 AND status = 'running'", id, done, now)?;
    Ok(())
}

/// How the job ended: checked or done with its summary, or failed with why.
pub async fn finished(tx: &mut Tx, id: UploadId, status: UploadStatus, summary: &str, bad_rows: u64, now: DateTime<Utc>) -> Result<()> {
    let (summary, error) = if status == UploadStatus::Failed { ("", Some(summary)) } else { (summary, None) };
    let n = execute!(
        tx,
        "UPDATE import_uploads SET status = $2, summary = $3, error = $4, bad_rows = $5, finished_at = $6, bytes_done = size WHERE id = $1",
        id,
        status,
        summary,
        error,
        i64::try_from(bad_rows).unwrap_or(i64::MAX),
        now
    )?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Uploads from before `before`, or of a register whose destroy-by date has
/// come by `today`: their rows are deleted, and their files are to go.
pub async fn take_old(tx: &mut Tx, before: DateTime<Utc>, today: NaiveDate) -> Result<Vec<UploadId>> {
    let ids = fetch_all!(
        tx,
        (UploadId,),
        "SELECT id FROM import_uploads WHERE (uploaded_at < $1 OR destroy_by <= $2) AND status <> 'running'",
        before,
        today
    )?;
    execute!(tx, "DELETE FROM import_uploads WHERE (uploaded_at < $1 OR destroy_by <= $2) AND status <> 'running'", before, today)?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Delete an upload's record, unless a job is on it; false if not deleted.
pub async fn delete(tx: &mut Tx, scope: &Scope, id: UploadId) -> Result<bool> {
    let n = execute!(
        tx,
        "DELETE FROM import_uploads WHERE id = $1 AND group_id = $2 AND status NOT IN ('queued', 'running')",
        id,
        scope.group_id()
    )?;
    if n == 0 && get(tx, scope, id).await?.is_none() {
        return Err(DbError::NotFound);
    }
    Ok(n > 0)
}
