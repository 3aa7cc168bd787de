//! The outbox: every email Tredegar sends is kept here and sent by its own
//! job, queued in the same transaction. Without an SMTP server configured,
//! messages wait here until one is. A group's templates live here too.

use chrono::{DateTime, Utc};
use tredegar_domain::jobs::JobKind;
use tredegar_domain::mail::{MailKind, OutboxStatus, Template};
use tredegar_domain::people::HistoryKind;
use tredegar_domain::{BroadcastId, Email, GroupId, MessageId, PersonId, SubscriptionStatus, UserId};

use crate::{Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Message {
    pub id: MessageId,
    pub group_id: Option<GroupId>,
    pub person_id: Option<PersonId>,
    pub broadcast_id: Option<BroadcastId>,
    pub kind: MailKind,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    /// Carries the group's footer and `List-Unsubscribe` headers.
    pub unsubscribe: bool,
    /// An event's iCalendar file, sent attached.
    pub calendar: Option<String>,
    pub status: OutboxStatus,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message to queue. Who it is to (a person, an account) lets erasure
/// delete it and the unsubscribe link find them.
pub struct NewMessage<'a> {
    pub group: Option<GroupId>,
    pub person: Option<PersonId>,
    pub user: Option<UserId>,
    pub kind: MailKind,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub unsubscribe: bool,
    /// An event's iCalendar file to attach.
    pub calendar: Option<&'a str>,
}

/// Keep a message and queue the job that sends it.
pub async fn queue(tx: &mut Tx, m: &NewMessage<'_>, now: DateTime<Utc>) -> Result<MessageId> {
    let ids = queue_many(tx, std::slice::from_ref(m), now).await?;
    ids.into_iter().next().ok_or(crate::DbError::NotFound)
}

/// Keep many messages and queue a job for each: a few statements however
/// many there are (a batch of signatures' confirmations).
pub async fn queue_many(tx: &mut Tx, messages: &[NewMessage<'_>], now: DateTime<Utc>) -> Result<Vec<MessageId>> {
    let ids: Vec<MessageId> = messages.iter().map(|_| MessageId::new()).collect();
    for (chunk, chunk_ids) in messages.chunks(ROWS_A_STATEMENT).zip(ids.chunks(ROWS_A_STATEMENT)) {
        let mut q = Sql::new(
            "INSERT INTO outbox (id, group_id, person_id, user_id, kind, to_address, subject, text_body, unsubscribe, calendar, status, created_at) VALUES ",
        );
        for (i, (m, id)) in chunk.iter().zip(chunk_ids).enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(*id).push(", ").bind(m.group).push(", ").bind(m.person).push(", ").bind(m.user).push(", ");
            q.bind(m.kind.as_str()).push(", ").bind(m.to).push(", ").bind(m.subject).push(", ").bind(m.text).push(", ");
            q.bind(m.unsubscribe)
                .push(", ")
                .bind(m.calendar)
                .push(", ")
                .bind(OutboxStatus::Waiting.as_str())
                .push(", ")
                .bind(now)
                .push(")");
        }
        q.execute(tx).await?;
    }
    let jobs: Vec<(Option<GroupId>, String)> = messages.iter().zip(&ids).map(|(m, id)| (m.group, id.to_string())).collect();
    crate::jobs::enqueue_many(tx, JobKind::SendEmail, &jobs, now).await?;
    Ok(ids)
}

/// Rows a multi-row insert carries: well under both backends' limit on values.
const ROWS_A_STATEMENT: usize = 400;

/// A broadcast's messages share its text, which is kept once, on the broadcast.
const SELECT: &str = "SELECT o.id, o.group_id, o.person_id, o.broadcast_id, o.kind, o.to_address, \
     CASE WHEN o.broadcast_id IS NULL THEN o.subject ELSE b.subject END AS subject, \
     CASE WHEN o.broadcast_id IS NULL THEN o.text_body ELSE b.body END AS text_body, \
     o.unsubscribe, o.calendar, o.status, o.last_error, o.created_at, o.sent_at FROM outbox o LEFT JOIN broadcasts b ON b.id = o.broadcast_id";

/// A message by id: for the job that sends it, and the unsubscribe link.
pub async fn get(tx: &mut Tx, id: MessageId) -> Result<Option<Message>> {
    let sql = format!("{SELECT} WHERE o.id = $1");
    Ok(fetch_optional!(tx, Message, sqlx::AssertSqlSafe(sql), id)?)
}

/// Sent. A password reset's or a signature's confirmation text holds a live
/// link, so it is not kept.
pub async fn sent(tx: &mut Tx, m: &Message, now: DateTime<Utc>) -> Result<()> {
    let forget = MailKind::HOLDS_A_LINK.contains(&m.kind);
    execute!(
        tx,
        "UPDATE outbox SET status = $1, sent_at = $2, last_error = NULL, \
         text_body = CASE WHEN $3 THEN '(not kept: it held a single-use link)' ELSE text_body END WHERE id = $4",
        OutboxStatus::Sent,
        now,
        forget,
        m.id
    )?;
    Ok(())
}

/// The attempt failed; `last` when no attempt is left.
pub async fn failed(tx: &mut Tx, id: MessageId, error: &str, last: bool) -> Result<()> {
    let status = if last { OutboxStatus::Failed } else { OutboxStatus::Waiting };
    execute!(tx, "UPDATE outbox SET status = $1, last_error = $2 WHERE id = $3", status, error, id)?;
    Ok(())
}

/// How many of the group's messages wait, sent and failed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub waiting: i64,
    pub sent: i64,
    pub failed: i64,
}

#[derive(sqlx::FromRow)]
struct StatusCount {
    status: OutboxStatus,
    n: i64,
}

fn counted(rows: Vec<StatusCount>) -> Counts {
    let mut c = Counts::default();
    for r in rows {
        match r.status {
            OutboxStatus::Waiting => c.waiting = r.n,
            OutboxStatus::Sent => c.sent = r.n,
            OutboxStatus::Failed => c.failed = r.n,
        }
    }
    c
}

pub async fn counts(tx: &mut Tx, scope: &Scope) -> Result<Counts> {
    let rows =
        fetch_all!(tx, StatusCount, "SELECT status, COUNT(*) AS n FROM outbox WHERE group_id = $1 GROUP BY status", scope.group_id())?;
    Ok(counted(rows))
}

pub async fn broadcast_counts(tx: &mut Tx, broadcast: BroadcastId) -> Result<Counts> {
    let rows = fetch_all!(tx, StatusCount, "SELECT status, COUNT(*) AS n FROM outbox WHERE broadcast_id = $1 GROUP BY status", broadcast)?;
    Ok(counted(rows))
}

/// The group's latest messages, for its admins.
pub async fn recent(tx: &mut Tx, scope: &Scope) -> Result<Vec<Message>> {
    let sql = format!("{SELECT} WHERE o.group_id = $1 ORDER BY o.created_at DESC LIMIT 50");
    Ok(fetch_all!(tx, Message, sqlx::AssertSqlSafe(sql), scope.group_id())?)
}

/// The group's wording for a kind of message, or the default.
pub async fn template(tx: &mut Tx, group: GroupId, kind: MailKind) -> Result<Template> {
    #[derive(sqlx::FromRow)]
    struct Row {
        subject: String,
        body: String,
    }
    let row = fetch_optional!(tx, Row, "SELECT subject, body FROM email_templates WHERE group_id = $1 AND kind = $2", group, kind)?;
    Ok(row.map_or_else(|| kind.default_template(), |r| Template { subject: r.subject, body: r.body }))
}

/// Whether the group has reworded this kind.
pub async fn is_edited(tx: &mut Tx, scope: &Scope, kind: MailKind) -> Result<bool> {
    let n = scalar!(tx, i64, "SELECT COUNT(*) FROM email_templates WHERE group_id = $1 AND kind = $2", scope.group_id(), kind)?;
    Ok(n.unwrap_or(0) > 0)
}

pub async fn set_template(tx: &mut Tx, scope: &Scope, kind: MailKind, t: &Template, now: DateTime<Utc>) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO email_templates (group_id, kind, subject, body, edited_by_name, edited_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (group_id, kind) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, \
         edited_by_name = EXCLUDED.edited_by_name, edited_at = EXCLUDED.edited_at",
        scope.group_id(),
        kind,
        &t.subject,
        &t.body,
        scope.actor_name(),
        now
    )?;
    Ok(())
}

/// Back to Tredegar's own wording.
pub async fn reset_template(tx: &mut Tx, scope: &Scope, kind: MailKind) -> Result<()> {
    execute!(tx, "DELETE FROM email_templates WHERE group_id = $1 AND kind = $2", scope.group_id(), kind)?;
    Ok(())
}

/// What following an unsubscribe link did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsubscribed {
    /// The address is unsubscribed (now, or it already was).
    Done { group_name: String },
    /// A test send, or the person has been erased: nobody to unsubscribe.
    Nobody,
}

/// Unsubscribe the address a message went to, and note it on the person's
/// timeline. The person may belong to a child group that shares its people
/// with the group that sent it: the address is theirs wherever it is kept.
/// Following the link again changes nothing more.
pub async fn unsubscribe(tx: &mut Tx, id: MessageId, now: DateTime<Utc>) -> Result<Unsubscribed> {
    let Some(m) = get(tx, id).await? else { return Ok(Unsubscribed::Nobody) };
    let (Some(person), Some(sender)) = (m.person_id, m.group_id) else { return Ok(Unsubscribed::Nobody) };
    let group_name = crate::groups::name_of(tx, sender).await?;
    let Some(home) = scalar!(tx, String, "SELECT g.slug FROM people p JOIN groups g ON g.id = p.group_id WHERE p.id = $1", person)? else {
        return Ok(Unsubscribed::Nobody);
    };
    let Some(scope) = Scope::for_email_link(tx, &home).await? else { return Ok(Unsubscribed::Nobody) };
    let key = Email::parse("email", &m.to_address).map(|e| e.key()).unwrap_or_default();
    let changed = execute!(
        tx,
        "UPDATE person_emails SET status = $1 WHERE person_id = $2 AND address_key = $3 AND status <> $1",
        SubscriptionStatus::Unsubscribed.as_str(),
        person,
        key
    )?;
    if changed > 0 {
        let summary = format!("Unsubscribed {} by the link in “{}” from {group_name}", m.to_address, m.subject);
        crate::people::add_event(tx, &scope, person, HistoryKind::Unsubscribed, &summary, now).await?;
    }
    Ok(Unsubscribed::Done { group_name })
}

/// The address refused the message for good: a person's address is marked
/// bouncing, so no broadcast goes to it again until someone corrects it.
pub async fn bounced(tx: &mut Tx, m: &Message) -> Result<()> {
    let Some(person) = m.person_id else { return Ok(()) };
    let key = Email::parse("email", &m.to_address).map(|e| e.key()).unwrap_or_default();
    execute!(
        tx,
        "UPDATE person_emails SET status = $1 WHERE person_id = $2 AND address_key = $3",
        SubscriptionStatus::Bouncing.as_str(),
        person,
        key
    )?;
    Ok(())
}
