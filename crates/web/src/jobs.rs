//! The background workers inside `serve`: each claims due jobs from the
//! queue in the database, runs them, and marks them done or failed. They
//! stop cleanly: on shutdown each finishes the job in hand, hands back the
//! ones it claimed but had not started, and ends.

use tokio::sync::watch;
use tokio::task::JoinSet;
use tredegar_db::jobs::{self, Done, Job};
use tredegar_domain::jobs::JobKind;

use crate::AppState;

/// Jobs a worker claims at once.
const BATCH: i64 = 8;

/// How long a claimed job is the worker's alone; after it, a job whose
/// worker died is claimed again.
const LEASE: chrono::Duration = chrono::Duration::minutes(10);

/// The recurring jobs, and how often each runs.
const RECURRING: &[(JobKind, chrono::Duration)] = &[
    (JobKind::FollowUpsDue, chrono::Duration::hours(1)),
    (JobKind::Retention, chrono::Duration::hours(1)),
    (JobKind::AidSweep, chrono::Duration::minutes(5)),
];

pub struct Workers {
    stop: watch::Sender<bool>,
    running: JoinSet<()>,
}

impl Workers {
    /// Schedule the recurring jobs, send what waited for an SMTP server if
    /// there now is one, and start `job_workers` workers.
    pub async fn start(state: AppState) -> Workers {
        let now = state.clock.now();
        for (kind, every) in RECURRING {
            if let Err(e) = jobs::schedule(&state.db, *kind, *every, now).await {
                tracing::error!(error = %e, kind = %kind, "could not schedule a recurring job");
            }
        }
        if state.mailer.is_some() {
            match jobs::run_now(&state.db, JobKind::SendEmail, now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(emails = n, "sending the email that waited for an SMTP server"),
                Err(e) => tracing::error!(error = %e, "could not release waiting email"),
            }
        }
        let (stop, stopped) = watch::channel(false);
        let mut running = JoinSet::new();
        for _ in 0..state.config.job_workers.max(1) {
            running.spawn(work(state.clone(), stopped.clone()));
        }
        Workers { stop, running }
    }

    /// Ask every worker to stop, and wait until they have.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        while self.running.join_next().await.is_some() {}
    }
}

async fn work(state: AppState, mut stopped: watch::Receiver<bool>) {
    loop {
        if *stopped.borrow() {
            return;
        }
        let claimed = jobs::claim(&state.db, BATCH, state.clock.now(), LEASE).await;
        let batch = match claimed {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "could not claim jobs");
                Vec::new()
            }
        };
        let idle = batch.is_empty();
        for job in batch {
            if *stopped.borrow() {
                // Not started: back to the queue, as if never claimed.
                if let Err(e) = jobs::postpone(&state.db, &job, state.clock.now()).await {
                    tracing::warn!(error = %e, job = %job.id, "could not hand back a job; it runs when its lease ends");
                }
                continue;
            }
            run(&state, job).await;
        }
        if idle {
            tokio::select! {
                () = tokio::time::sleep(state.config.job_poll) => {}
                _ = stopped.changed() => {}
            }
        }
    }
}

async fn run(state: &AppState, job: Job) {
    let outcome = match job.kind {
        JobKind::SendEmail => crate::mail::deliver(state, &job).await,
        JobKind::Broadcast => broadcast(state, &job).await,
        JobKind::FollowUpsDue => crate::conversations::email_overdue_follow_ups(state).await.map_err(|e| e.to_string()),
        JobKind::Retention => retention(state).await,
        JobKind::EventReminders => crate::events::send_reminders(state, &job).await,
        JobKind::Import => crate::uploads::run(state, &job).await,
        JobKind::AidSweep => crate::aid::sweep(state).await.map_err(|e| e.to_string()),
    };
    let now = state.clock.now();
    let recorded = match outcome {
        Ok(Done::Finished) => jobs::succeeded(&state.db, &job, now).await,
        Ok(Done::Later(at)) => jobs::postpone(&state.db, &job, at).await,
        Ok(Done::GaveUp(error)) => {
            tracing::warn!(job = %job.id, kind = %job.kind, error = %error, "a job failed for good");
            jobs::failed_for_good(&state.db, &job, &error).await
        }
        Err(error) => {
            tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %error, "a job failed");
            jobs::failed(&state.db, &job, &error, now, &state.config.job_backoff).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, job = %job.id, "could not record how a job went; it runs again when its lease ends");
    }
}

async fn broadcast(state: &AppState, job: &Job) -> Result<Done, String> {
    let id = job.payload.parse().map_err(|_| format!("'{}' is not a broadcast id", job.payload))?;
    let queued = tredegar_db::broadcasts::queue_messages(&state.db, id, state.clock.now()).await.map_err(|e| e.to_string())?;
    tracing::info!(broadcast = %id, messages = queued, "broadcast queued");
    Ok(Done::Finished)
}

async fn retention(state: &AppState) -> Result<Done, String> {
    let mut tx = state.db.write().await.map_err(|e| e.to_string())?;
    let now = state.clock.now();
    let mut n = tredegar_db::users::delete_expired(&mut tx, now).await.map_err(|e| e.to_string())?;
    n += tredegar_db::petitions::delete_unconfirmed(&mut tx, now).await.map_err(|e| e.to_string())?;
    let registers = tredegar_db::imports::destroy_due_registers(&mut tx, now.date_naive(), now).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    if registers > 0 {
        state.db.forget_deleted().await.map_err(|e| e.to_string())?;
    }
    let uploads = crate::uploads::clear_old(state).await?;
    tracing::debug!(
        deleted = n,
        registers,
        uploads,
        "expired reset links, sessions, unconfirmed signatures, registers past their date and week-old uploads deleted"
    );
    Ok(Done::Finished)
}
