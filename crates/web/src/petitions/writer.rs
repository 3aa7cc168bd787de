//! The group-commit writer on the signing path. Every signature waits in a
//! queue; one task takes all that are waiting, writes them in one
//! transaction (a few multi-row statements for each petition's, whatever
//! their number), commits once, and only then answers each request. On SQLite,
//! with `synchronous=FULL`, a surge costs one disk sync per batch, not one
//! per signature, and every 2xx is already durable.

use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

use tredegar_db::petitions::{self, Public, Request, Signed};
use tredegar_db::{Db, DbError, Scope, Tx};
use tredegar_domain::supporters::Supporter;

/// Signatures written in one transaction at most.
const BATCH: usize = 512;

/// One signature to write, and where to send how it went.
struct Job {
    public: Arc<Public>,
    signing: Supporter,
    token_hash: String,
    link: String,
    now: chrono::DateTime<chrono::Utc>,
    reply: oneshot::Sender<Result<Signed, DbError>>,
}

/// The queue into the writer. Cloning it is cheap; the writer task ends
/// when the last clone is dropped.
#[derive(Clone)]
pub struct Writer(mpsc::Sender<Job>);

/// What a signer gives, with the petition it is for.
pub struct Signature {
    pub public: Arc<Public>,
    pub signing: Supporter,
    pub token_hash: String,
    pub link: String,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Writer {
    pub fn start(db: Db) -> Writer {
        let (tx, rx) = mpsc::channel(BATCH * 8);
        tokio::spawn(run(db, rx));
        Writer(tx)
    }

    /// Write one signature; answers once its transaction has committed.
    pub async fn sign(&self, s: Signature) -> Result<Signed, DbError> {
        let (reply, answer) = oneshot::channel();
        let job = Job { public: s.public, signing: s.signing, token_hash: s.token_hash, link: s.link, now: s.now, reply };
        self.0.send(job).await.map_err(|_| DbError::Unsupported("the signature writer has stopped"))?;
        answer.await.map_err(|_| DbError::Unsupported("the signature writer stopped before answering"))?
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        write(&db, std::mem::take(&mut batch)).await;
    }
}

/// Write a batch and answer each of its requests: each petition's
/// signatures in a few statements (inside a savepoint when there are
/// others', so a failure spoils only that petition's); one commit for all.
async fn write(db: &Db, mut batch: Vec<Job>) {
    let mut tx = match db.write().await {
        Ok(tx) => tx,
        Err(e) => return answer_all(batch, &e),
    };
    batch.sort_by_key(|j| j.public.petition.id);
    let mut written = Vec::with_capacity(batch.len());
    let alone = batch.first().zip(batch.last()).is_some_and(|(a, b)| a.public.petition.id == b.public.petition.id);
    for same in batch.chunk_by(|a, b| a.public.petition.id == b.public.petition.id) {
        let results = match sign_petition(&mut tx, same, alone).await {
            Ok(signed) => signed.into_iter().map(Ok).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "signatures to one petition could not be saved");
                same.iter().map(|_| Err(DbError::Unsupported("the signature could not be saved"))).collect::<Vec<_>>()
            }
        };
        written.extend(results);
    }
    // Without a savepoint, a failure may have left part written: none of it is kept.
    if alone && written.iter().any(Result::is_err) {
        drop(tx);
        return answer_all(batch, &DbError::Unsupported("the batch was rolled back"));
    }
    match tx.commit().await {
        Ok(()) => {
            for (job, result) in batch.into_iter().zip(written) {
                let _ = job.reply.send(result);
            }
        }
        Err(e) => answer_all(batch, &e),
    }
}

/// One petition's signatures from the batch; when the batch holds others'
/// too, inside a savepoint (a savepoint makes SQLite copy each page it
/// changes, so a batch for one petition goes without).
async fn sign_petition(tx: &mut Tx, jobs: &[Job], alone: bool) -> Result<Vec<Signed>, DbError> {
    let Some(first) = jobs.first() else { return Ok(Vec::new()) };
    let scope = Scope::for_public_form(tx, &first.public.group_slug).await?.ok_or(DbError::NotFound)?;
    let requests: Vec<Request> = jobs.iter().map(|j| Request { signing: &j.signing, token_hash: &j.token_hash, link: &j.link }).collect();
    if alone {
        return petitions::sign_many(tx, &scope, &first.public.petition, &requests, first.now).await;
    }
    tx.savepoint().await?;
    match petitions::sign_many(tx, &scope, &first.public.petition, &requests, first.now).await {
        Ok(signed) => {
            tx.release_savepoint().await?;
            Ok(signed)
        }
        Err(e) => {
            tx.rollback_to_savepoint().await?;
            Err(e)
        }
    }
}

/// The whole batch failed (the database is gone, say): each request hears so.
fn answer_all(batch: Vec<Job>, e: &DbError) {
    tracing::error!(error = %e, signatures = batch.len(), "a batch of signatures could not be saved");
    for job in batch {
        let _ = job.reply.send(Err(DbError::Unsupported("the signature could not be saved")));
    }
}
