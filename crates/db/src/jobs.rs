//! The job queue, in the database so it needs no other service and so a job
//! is queued in the same transaction as the change that causes it: if the
//! change rolls back, so does the job.
//!
//! A worker claims due jobs with one `UPDATE ... RETURNING` that moves their
//! `run_at` past a lease and counts the attempt. On PostgreSQL the rows are
//! picked `FOR UPDATE SKIP LOCKED`, so several app servers share one queue
//! and never claim the same job; SQLite has one writer, which does the same.
//! A job whose worker dies is claimed again when its lease runs out.

use chrono::{DateTime, Duration, Utc};
use tredegar_domain::jobs::{Backoff, JobKind, JobStatus};
use tredegar_domain::{GroupId, JobId};

use crate::{Db, Result, Scope, Tx};

/// What a job's run came to.
#[derive(Debug)]
pub enum Done {
    Finished,
    /// It could not run for a reason that is not its fault: try at this time,
    /// without counting the attempt.
    Later(DateTime<Utc>),
    /// It failed in a way no retry can mend: keep it as failed now.
    GaveUp(String),
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Job {
    pub id: JobId,
    pub group_id: Option<GroupId>,
    pub kind: JobKind,
    pub payload: String,
    pub every_seconds: Option<i64>,
    pub status: JobStatus,
    pub run_at: DateTime<Utc>,
    /// Attempts so far, this one included once claimed.
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, group_id, kind, payload, every_seconds, status, run_at, attempts, last_error, created_at";

/// Queue a job to run at `run_at`, inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, kind: JobKind, group: Option<GroupId>, payload: &str, run_at: DateTime<Utc>) -> Result<JobId> {
    let id = JobId::new();
    execute!(
        tx,
        "INSERT INTO jobs (id, group_id, kind, payload, status, run_at, attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        id,
        group,
        kind,
        payload,
        JobStatus::Queued,
        run_at,
        run_at
    )?;
    Ok(id)
}

/// Queue one job of `kind` for each (group, payload), in a few statements.
pub async fn enqueue_many(tx: &mut Tx, kind: JobKind, jobs: &[(Option<GroupId>, String)], run_at: DateTime<Utc>) -> Result<()> {
    for chunk in jobs.chunks(800) {
        let mut q = crate::Sql::new("INSERT INTO jobs (id, group_id, kind, payload, status, run_at, attempts, created_at) VALUES ");
        for (i, (group, payload)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(JobId::new()).push(", ").bind(*group).push(", ").bind(kind.as_str()).push(", ").bind(payload.as_str()).push(", ");
            q.bind(JobStatus::Queued.as_str()).push(", ").bind(run_at).push(", 0, ").bind(run_at).push(")");
        }
        q.execute(tx).await?;
    }
    Ok(())
}

/// Make sure a recurring job of this kind exists, first due at `first`. Many
/// servers starting at once still make one.
pub async fn schedule(db: &Db, kind: JobKind, every: Duration, first: DateTime<Utc>) -> Result<()> {
    let mut tx = db.write().await?;
    execute!(
        &mut tx,
        "INSERT INTO jobs (id, kind, payload, unique_key, every_seconds, status, run_at, attempts, created_at) \
         VALUES ($1, $2, '{}', $3, $4, $5, $6, 0, $7) ON CONFLICT (unique_key) DO UPDATE SET every_seconds = EXCLUDED.every_seconds",
        JobId::new(),
        kind,
        kind.as_str(),
        every.num_seconds(),
        JobStatus::Queued,
        first,
        first
    )?;
    tx.commit().await
}

/// Claim up to `limit` due jobs for `lease`: until it runs out, no other
/// worker will take them.
pub async fn claim(db: &Db, limit: i64, now: DateTime<Utc>, lease: Duration) -> Result<Vec<Job>> {
    let mut tx = db.write().await?;
    // Several servers may share PostgreSQL: each skips the jobs another is
    // claiming. The LIMIT is written in: bound, SQLite would plan the
    // statement anew each time.
    let lock = match db.backend() {
        crate::Backend::Sqlite => "",
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    let jobs = fetch_all!(
        &mut tx,
        Job,
        sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET run_at = $1, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $2 ORDER BY run_at LIMIT {limit}{lock}) \
             RETURNING id, group_id, kind, payload, every_seconds, status, run_at, attempts, last_error, created_at"
        )),
        now + lease,
        now
    )?;
    tx.commit().await?;
    Ok(jobs)
}

/// The job did its work: it is gone, or, if it recurs, due again one period on.
pub async fn succeeded(db: &Db, job: &Job, now: DateTime<Utc>) -> Result<()> {
    let mut tx = db.write().await?;
    match job.every_seconds {
        Some(every) => execute!(
            &mut tx,
            "UPDATE jobs SET run_at = $1, attempts = 0, last_error = NULL WHERE id = $2",
            now + Duration::seconds(every),
            job.id
        )?,
        None => execute!(&mut tx, "DELETE FROM jobs WHERE id = $1", job.id)?,
    };
    tx.commit().await
}

/// The job failed: it waits out the backoff and runs again, or, out of
/// attempts, is kept as failed. A recurring job never stops recurring.
pub async fn failed(db: &Db, job: &Job, error: &str, now: DateTime<Utc>, backoff: &Backoff) -> Result<()> {
    let error: String = error.chars().take(2000).collect();
    let mut tx = db.write().await?;
    if job.attempts >= backoff.attempts && job.every_seconds.is_none() {
        execute!(&mut tx, "UPDATE jobs SET status = $1, last_error = $2 WHERE id = $3", JobStatus::Failed, error, job.id)?;
    } else {
        execute!(&mut tx, "UPDATE jobs SET run_at = $1, last_error = $2 WHERE id = $3", now + backoff.after(job.attempts), error, job.id)?;
    }
    tx.commit().await
}

/// The job can never succeed (an address that does not exist): kept as
/// failed at once, without the retries.
pub async fn failed_for_good(db: &Db, job: &Job, error: &str) -> Result<()> {
    let error: String = error.chars().take(2000).collect();
    let mut tx = db.write().await?;
    execute!(&mut tx, "UPDATE jobs SET status = $1, last_error = $2 WHERE id = $3", JobStatus::Failed, error, job.id)?;
    tx.commit().await
}

/// The job cannot run yet for a reason that is not its fault (no SMTP server
/// configured): try again at `until`, without counting this attempt.
pub async fn postpone(db: &Db, job: &Job, until: DateTime<Utc>) -> Result<()> {
    let mut tx = db.write().await?;
    execute!(&mut tx, "UPDATE jobs SET run_at = $1, attempts = attempts - 1 WHERE id = $2", until, job.id)?;
    tx.commit().await
}

/// Jobs of one kind that are waiting run now: for mail held while no SMTP
/// server was configured, when a server starts with one.
pub async fn run_now(db: &Db, kind: JobKind, now: DateTime<Utc>) -> Result<u64> {
    let mut tx = db.write().await?;
    let n = execute!(&mut tx, "UPDATE jobs SET run_at = $1 WHERE kind = $2 AND status = 'queued' AND run_at > $1", now, kind)?;
    tx.commit().await?;
    Ok(n)
}

/// The group's jobs that went wrong: failed ones, and ones retrying after an error.
pub async fn troubled(tx: &mut Tx, scope: &Scope) -> Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE group_id = $1 AND (status = 'failed' OR last_error IS NOT NULL) ORDER BY status, run_at DESC LIMIT 200"
    );
    Ok(fetch_all!(tx, Job, sqlx::AssertSqlSafe(sql), scope.group_id())?)
}

/// An admin sends a failed job round again, with its attempts counted
/// afresh; a job of theirs already queued stays as it is. False if the
/// group has no such job.
pub async fn retry(tx: &mut Tx, scope: &Scope, id: JobId, now: DateTime<Utc>) -> Result<bool> {
    execute!(
        tx,
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1 WHERE id = $2 AND group_id = $3 AND status = 'failed'",
        now,
        id,
        scope.group_id()
    )?;
    let n = scalar!(tx, i64, "SELECT COUNT(*) FROM jobs WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    Ok(n.unwrap_or(0) > 0)
}
