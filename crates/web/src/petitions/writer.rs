//! The group-commit writer on the signing path. Every signature waits in a
//! queue; one task takes all that are waiting, writes them in one
//! transaction (each inside its own savepoint, so one bad signature spoils
//! no other), commits once, and only then answers each request. On SQLite,
//! with `synchronous=FULL`, a surge costs one disk sync per batch, not one
//! per signature, and every 2xx is already durable.

use tokio::sync::{mpsc, oneshot};
use tredegar_db::petitions::{self, Petition, Signed};
use tredegar_db::{Db, DbError, Scope, Tx};
use tredegar_domain::petitions::Signing;

/// Signatures written in one transaction at most.
const BATCH: usize = 512;

/// One signature to write, and where to send how it went.
struct Job {
    petition: Petition,
    group_slug: String,
    signing: Signing,
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
    pub petition: Petition,
    pub group_slug: String,
    pub signing: Signing,
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
        let job = Job {
            petition: s.petition,
            group_slug: s.group_slug,
            signing: s.signing,
            token_hash: s.token_hash,
            link: s.link,
            now: s.now,
            reply,
        };
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

/// Write a batch and answer each of its requests.
async fn write(db: &Db, batch: Vec<Job>) {
    let mut tx = match db.write().await {
        Ok(tx) => tx,
        Err(e) => return answer_all(batch, &e),
    };
    let mut written = Vec::with_capacity(batch.len());
    let mut scopes: Vec<(String, Scope)> = Vec::new();
    for job in batch {
        let result = sign_one(&mut tx, &mut scopes, &job).await;
        written.push((job, result));
    }
    match tx.commit().await {
        Ok(()) => {
            for (job, result) in written {
                let _ = job.reply.send(result);
            }
        }
        Err(e) => answer_all(written.into_iter().map(|(job, _)| job).collect(), &e),
    }
}

/// One signature inside its own savepoint: a failure rolls back only it.
async fn sign_one(tx: &mut Tx, scopes: &mut Vec<(String, Scope)>, job: &Job) -> Result<Signed, DbError> {
    let scope = match scopes.iter().find(|(slug, _)| *slug == job.group_slug) {
        Some((_, scope)) => scope.clone(),
        None => {
            let scope = Scope::for_public_form(tx, &job.group_slug).await?.ok_or(DbError::NotFound)?;
            scopes.push((job.group_slug.clone(), scope.clone()));
            scope
        }
    };
    tx.savepoint().await?;
    match petitions::sign(tx, &scope, &job.petition, &job.signing, &job.token_hash, &job.link, job.now).await {
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
