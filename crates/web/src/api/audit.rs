//! The API's reads, audited in batches. Every page of people read through
//! the API is in the audit log before it is answered; but clients paging at
//! once would each wait for the one writer to commit their entry alone. So
//! entries wait in a queue, one task writes all that are waiting in one
//! transaction (one disk sync), and each request is answered only after its
//! entry has committed, as the signature writer does.

use tokio::sync::{mpsc, oneshot};
use tredegar_db::{Db, DbError, Scope};
use tredegar_domain::{GroupId, PersonId};

/// Entries written in one transaction at most.
const BATCH: usize = 256;

/// One caller's read of some people, and where to say it is recorded.
struct Read {
    scope: Scope,
    people: Vec<(PersonId, GroupId)>,
    how: String,
    now: chrono::DateTime<chrono::Utc>,
    reply: oneshot::Sender<Result<(), DbError>>,
}

/// The queue into the writer; the task ends when the last clone is dropped.
#[derive(Clone)]
pub struct Reads(mpsc::Sender<Read>);

impl Reads {
    pub fn start(db: Db) -> Reads {
        let (tx, rx) = mpsc::channel(BATCH * 4);
        tokio::spawn(run(db, rx));
        Reads(tx)
    }

    /// Record that `scope` read these people, `how`; returns once committed.
    pub async fn record(
        &self,
        scope: &Scope,
        people: &[(PersonId, GroupId)],
        how: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), DbError> {
        let (reply, recorded) = oneshot::channel();
        let read = Read { scope: scope.clone(), people: people.to_vec(), how: how.to_string(), now, reply };
        self.0.send(read).await.map_err(|_| DbError::Unsupported("the audit writer has stopped"))?;
        recorded.await.map_err(|_| DbError::Unsupported("the audit writer stopped before answering"))?
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Read>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        if write(&db, &batch).await.is_ok() {
            for read in batch.drain(..) {
                let _ = read.reply.send(Ok(()));
            }
            continue;
        }
        // One bad entry (its group deleted meanwhile) must not fail the
        // others' requests: each is tried alone.
        for read in batch.drain(..) {
            let alone = write(&db, std::slice::from_ref(&read)).await;
            if let Err(e) = &alone {
                tracing::error!(error = %e, how = %read.how, "an audit entry could not be saved");
            }
            let _ = read.reply.send(alone);
        }
    }
}

/// The whole batch, or none of it: a request whose read is not recorded is
/// not answered with the people.
async fn write(db: &Db, batch: &[Read]) -> Result<(), DbError> {
    let reads: Vec<_> =
        batch.iter().map(|r| tredegar_db::audit::Read { scope: &r.scope, people: &r.people, how: &r.how, now: r.now }).collect();
    let mut tx = db.write().await?;
    tredegar_db::audit::record_many_reads(&mut tx, &reads).await?;
    tx.commit().await
}
