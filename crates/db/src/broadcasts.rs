//! Broadcasts: an organiser's email to everyone on a list or segment whose
//! primary address is subscribed. Sending queues one job, which takes the
//! recipients as they are at that moment and queues their messages in
//! batches; each message is then its own job, retried on its own.

use chrono::{DateTime, Utc};
use tredegar_domain::jobs::JobKind;
use tredegar_domain::mail::{BroadcastStatus, MailKind, OutboxStatus};
use tredegar_domain::{BroadcastId, ListId, MessageId, Problem};

use crate::outbox::Counts;
use crate::{Db, DbError, Page, Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Broadcast {
    pub id: BroadcastId,
    pub list_id: Option<ListId>,
    pub list_name: String,
    pub subject: String,
    pub body: String,
    pub status: BroadcastStatus,
    /// How many it was queued for; 0 until sent.
    pub recipients: i64,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub sent_by_name: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT id, list_id, list_name, subject, body, status, recipients, created_by_name, created_at, sent_by_name, sent_at \
     FROM broadcasts";

/// Messages queued per transaction while a broadcast goes out.
const BATCH: usize = 500;

/// A page of the group's broadcasts, newest first, and how many there are.
pub async fn list(tx: &mut Tx, scope: &Scope, page: Page) -> Result<(Vec<Broadcast>, i64)> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE group_id = ").bind(scope.group_id()).push(" ORDER BY created_at DESC, id DESC").page(page);
    let broadcasts = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM broadcasts WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((broadcasts, total))
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: BroadcastId) -> Result<Option<Broadcast>> {
    let sql = format!("{SELECT} WHERE id = $1 AND group_id = $2");
    Ok(fetch_optional!(tx, Broadcast, sqlx::AssertSqlSafe(sql), id, scope.group_id())?)
}

/// A draft to the list, which must be the group's own.
pub async fn create(tx: &mut Tx, scope: &Scope, list: ListId, subject: &str, body: &str, now: DateTime<Utc>) -> Result<BroadcastId> {
    let list =
        crate::lists::get(tx, scope, list).await?.ok_or_else(|| Problem::new("list", "choose one of the group's lists").shown_as("To"))?;
    let id = BroadcastId::new();
    execute!(
        tx,
        "INSERT INTO broadcasts (id, group_id, list_id, list_name, subject, body, status, recipients, created_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9)",
        id,
        scope.group_id(),
        list.id,
        &list.name,
        subject,
        body,
        BroadcastStatus::Draft,
        scope.actor_name(),
        now
    )?;
    Ok(id)
}

/// Change a draft. A broadcast already sent stays as it went.
pub async fn update(tx: &mut Tx, scope: &Scope, id: BroadcastId, list: ListId, subject: &str, body: &str) -> Result<()> {
    let list =
        crate::lists::get(tx, scope, list).await?.ok_or_else(|| Problem::new("list", "choose one of the group's lists").shown_as("To"))?;
    let n = execute!(
        tx,
        "UPDATE broadcasts SET list_id = $1, list_name = $2, subject = $3, body = $4 WHERE id = $5 AND group_id = $6 AND status = $7",
        list.id,
        &list.name,
        subject,
        body,
        id,
        scope.group_id(),
        BroadcastStatus::Draft
    )?;
    if n == 0 { Err(Problem::new("broadcast", "has been sent already, so it can no longer change").into()) } else { Ok(()) }
}

/// Everyone the draft would go to now.
pub async fn recipients(tx: &mut Tx, scope: &Scope, b: &Broadcast, now: DateTime<Utc>) -> Result<Vec<crate::people::Recipient>> {
    let Some(list) = (match b.list_id {
        Some(id) => crate::lists::get(tx, scope, id).await?,
        None => None,
    }) else {
        return Ok(Vec::new());
    };
    let search = crate::lists::search(tx, scope, &list, now).await?;
    crate::people::subscribed(tx, scope, &search).await
}

/// Send a draft: mark it sending and queue the job that queues its messages.
/// Sending twice sends once.
pub async fn send(tx: &mut Tx, scope: &Scope, id: BroadcastId, now: DateTime<Utc>) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE broadcasts SET status = $1, sent_by_name = $2, sent_at = $3 WHERE id = $4 AND group_id = $5 AND status = $6",
        BroadcastStatus::Sending,
        scope.actor_name(),
        now,
        id,
        scope.group_id(),
        BroadcastStatus::Draft
    )?;
    if n == 0 {
        return Err(Problem::new("broadcast", "has been sent already").into());
    }
    crate::jobs::enqueue(tx, JobKind::Broadcast, Some(scope.group_id()), &id.to_string(), now).await?;
    Ok(())
}

/// The broadcast job: queue a message for each recipient, `BATCH` to a
/// transaction. Run again after a crash, it skips those already queued.
pub async fn queue_messages(db: &Db, id: BroadcastId, now: DateTime<Utc>) -> Result<usize> {
    let mut tx = db.read().await?;
    let Some(slug) = scalar!(&mut tx, String, "SELECT g.slug FROM broadcasts b JOIN groups g ON g.id = b.group_id WHERE b.id = $1", id)?
    else {
        return Ok(0);
    };
    // The group's admin scope: the organiser who sent it saw the same people.
    let scope = Scope::for_operator(&mut tx, &slug).await?.ok_or(DbError::NotFound)?;
    let Some(b) = get(&mut tx, &scope, id).await? else { return Ok(0) };
    if b.status != BroadcastStatus::Sending {
        return Ok(0);
    }
    let everyone = recipients(&mut tx, &scope, &b, now).await?;
    drop(tx);
    for batch in everyone.chunks(BATCH) {
        let mut tx = db.write().await?;
        for r in batch {
            let message = MessageId::new();
            let added = execute!(
                &mut tx,
                "INSERT INTO outbox (id, group_id, person_id, broadcast_id, kind, to_address, subject, text_body, unsubscribe, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, '', '', TRUE, $7, $8) ON CONFLICT (broadcast_id, person_id) DO NOTHING",
                message,
                scope.group_id(),
                r.person_id,
                id,
                MailKind::Broadcast,
                &r.address,
                OutboxStatus::Waiting,
                now
            )?;
            if added > 0 {
                crate::jobs::enqueue(&mut tx, JobKind::SendEmail, Some(scope.group_id()), &message.to_string(), now).await?;
            }
        }
        tx.commit().await?;
    }
    let mut tx = db.write().await?;
    execute!(
        &mut tx,
        "UPDATE broadcasts SET status = $1, recipients = (SELECT COUNT(*) FROM outbox WHERE broadcast_id = $2) WHERE id = $2",
        BroadcastStatus::Sent,
        id
    )?;
    tx.commit().await?;
    Ok(everyone.len())
}

/// How its messages are getting on.
pub async fn progress(tx: &mut Tx, b: &Broadcast) -> Result<Counts> {
    crate::outbox::broadcast_counts(tx, b.id).await
}

/// Delete a draft.
pub async fn delete(tx: &mut Tx, scope: &Scope, id: BroadcastId) -> Result<()> {
    execute!(tx, "DELETE FROM broadcasts WHERE id = $1 AND group_id = $2 AND status = $3", id, scope.group_id(), BroadcastStatus::Draft)?;
    Ok(())
}
