//! What a campaign asked of representatives: invitations to an action and
//! letters, emailed to each one's official address (or recorded as sent some
//! other way); whether they replied, and whether they came. A reply joins
//! the representative's record.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::mail::MailKind;
use tredegar_domain::representatives::asks::{Ask, AskKind, Reply};
use tredegar_domain::representatives::{Entry, RecordKind};
use tredegar_domain::{AskId, CampaignId, EventId, RepresentativeId};

use crate::outbox::{self, NewMessage};
use crate::{DbError, Result, Scope, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AskRow {
    pub id: AskId,
    pub representative_id: RepresentativeId,
    pub representative_name: String,
    pub kind: AskKind,
    pub event_id: Option<EventId>,
    pub event_title: Option<String>,
    pub subject: String,
    pub body: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub replied_on: Option<NaiveDate>,
    pub reply: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    /// Checked in at the event they were invited to.
    pub came: bool,
}

/// A campaign's asks, latest first.
pub async fn of_campaign(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<AskRow>> {
    Ok(fetch_all!(
        tx,
        AskRow,
        "SELECT a.id, a.representative_id, r.name AS representative_name, a.kind, a.event_id, e.title AS event_title, a.subject, a.body, \
         a.sent_at, a.replied_on, a.reply, a.created_by_name, a.created_at, \
         EXISTS (SELECT 1 FROM records x WHERE x.representative_id = a.representative_id AND x.event_id = a.event_id AND x.kind = 'turn_up') AS came \
         FROM asks a JOIN representatives r ON r.id = a.representative_id LEFT JOIN events e ON e.id = a.event_id \
         WHERE a.campaign_id = $1 AND a.group_id = $2 ORDER BY a.created_at DESC, a.id",
        campaign,
        scope.group_id()
    )?)
}

/// Ask these representatives, one ask each. Those with an official email
/// get it by email when `ask.send`; the rest are recorded as asked some
/// other way.
pub async fn add(
    tx: &mut Tx,
    scope: &Scope,
    campaign: CampaignId,
    to: &[RepresentativeId],
    event: Option<EventId>,
    ask: &Ask,
    now: DateTime<Utc>,
) -> Result<()> {
    crate::campaigns::get(tx, scope, campaign).await?.ok_or(DbError::NotFound)?;
    if let Some(e) = event {
        crate::events::get(tx, scope, e).await?.ok_or(DbError::NotFound)?;
    }
    for id in to {
        let rep = crate::representatives::get(tx, scope, *id).await?.ok_or(DbError::NotFound)?;
        let send = ask.send && !rep.email.is_empty();
        if send {
            let message = NewMessage {
                group: Some(scope.group_id()),
                person: None,
                user: None,
                kind: MailKind::Letter,
                to: &rep.email,
                subject: &ask.subject,
                text: &ask.body,
                unsubscribe: false,
                calendar: None,
            };
            outbox::queue(tx, &message, now).await?;
        }
        execute!(
            tx,
            "INSERT INTO asks (id, group_id, campaign_id, representative_id, kind, event_id, subject, body, sent_at, replied_on, reply, \
             created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, '', $10, $11)",
            AskId::new(),
            scope.group_id(),
            campaign,
            *id,
            ask.kind,
            event,
            &ask.subject,
            &ask.body,
            send.then_some(now),
            scope.actor_name(),
            now
        )?;
    }
    Ok(())
}

/// Record a representative's reply to one of a campaign's asks; it joins
/// their record as a reply on the campaign.
pub async fn reply(tx: &mut Tx, scope: &Scope, campaign: CampaignId, ask: AskId, reply: &Reply, now: DateTime<Utc>) -> Result<()> {
    let found = fetch_optional!(
        tx,
        (RepresentativeId, String),
        "SELECT representative_id, subject FROM asks WHERE id = $1 AND campaign_id = $2 AND group_id = $3",
        ask,
        campaign,
        scope.group_id()
    )?;
    let (rep, subject) = found.ok_or(DbError::NotFound)?;
    execute!(tx, "UPDATE asks SET replied_on = $2, reply = $3 WHERE id = $1", ask, reply.on, &reply.text)?;
    let entry = Entry {
        kind: RecordKind::Reply,
        on_date: reply.on,
        title: format!("Reply to “{subject}”"),
        detail: reply.text.clone(),
        evidence_url: String::new(),
        vote: None,
    };
    super::records::add(tx, scope, rep, &entry, Some(campaign), &[], now).await?;
    Ok(())
}
