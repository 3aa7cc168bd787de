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
/// are to be emailed when `ask.send`: returned with the ask's id, for the
/// caller to write each one's message (a pledge's carries its own link).
/// The rest are recorded as asked some other way.
pub async fn add(
    tx: &mut Tx,
    scope: &Scope,
    campaign: CampaignId,
    to: &[RepresentativeId],
    event: Option<EventId>,
    ask: &Ask,
    now: DateTime<Utc>,
) -> Result<Vec<(AskId, crate::representatives::RepresentativeRow)>> {
    crate::campaigns::get(tx, scope, campaign).await?.ok_or(DbError::NotFound)?;
    if let Some(e) = event {
        crate::events::get(tx, scope, e).await?.ok_or(DbError::NotFound)?;
    }
    let mut to_email = Vec::new();
    for id in to {
        let rep = crate::representatives::get(tx, scope, *id).await?.ok_or(DbError::NotFound)?;
        let send = ask.send && !rep.email.is_empty();
        let ask_id = AskId::new();
        execute!(
            tx,
            "INSERT INTO asks (id, group_id, campaign_id, representative_id, kind, event_id, subject, body, sent_at, replied_on, reply, \
             created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, '', $10, $11)",
            ask_id,
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
        if send {
            to_email.push((ask_id, rep));
        }
    }
    Ok(to_email)
}

/// Queue an ask's email to a representative's official address. A pledge's
/// holds its signing link, so its text is not kept once sent.
pub async fn email(tx: &mut Tx, scope: &Scope, kind: AskKind, to: &str, subject: &str, text: &str, now: DateTime<Utc>) -> Result<()> {
    let message = NewMessage {
        group: Some(scope.group_id()),
        person: None,
        user: None,
        kind: if kind == AskKind::Pledge { MailKind::PledgeSign } else { MailKind::Letter },
        to,
        subject,
        text,
        unsubscribe: false,
        calendar: None,
    };
    outbox::queue(tx, &message, now).await?;
    Ok(())
}

/// The reply a signature records.
pub const SIGNED: &str = "Signed the pledge";

/// A pledge a representative was asked to sign, as its public page shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PledgeToSign {
    pub id: AskId,
    pub group_slug: String,
    pub group_name: String,
    pub campaign_id: CampaignId,
    pub campaign_title: String,
    pub representative_id: RepresentativeId,
    pub representative_name: String,
    pub subject: String,
    pub body: String,
    pub replied_on: Option<NaiveDate>,
    pub signed: bool,
}

/// The pledge of an ask, by its id alone (its link is the proof).
pub async fn pledge_to_sign(tx: &mut Tx, id: AskId) -> Result<Option<PledgeToSign>> {
    Ok(fetch_optional!(
        tx,
        PledgeToSign,
        "SELECT a.id, g.slug AS group_slug, g.name AS group_name, a.campaign_id, c.title AS campaign_title, a.representative_id, \
         r.name AS representative_name, a.subject, a.body, a.replied_on, a.reply = 'Signed the pledge' AS signed FROM asks a JOIN groups g ON g.id = a.group_id \
         JOIN campaigns c ON c.id = a.campaign_id JOIN representatives r ON r.id = a.representative_id \
         WHERE a.id = $1 AND a.kind = 'pledge' AND a.sent_at IS NOT NULL",
        id
    )?)
}

/// The representative signs the pledge they were asked to: it becomes one
/// of their pledges on the campaign, sourced to its page, and the ask is
/// answered. False if it was signed already.
pub async fn sign(tx: &mut Tx, scope: &Scope, p: &PledgeToSign, page: &str, now: DateTime<Utc>, today: NaiveDate) -> Result<bool> {
    // Signable until signed, whatever else was noted of their answer.
    let n = execute!(
        tx,
        "UPDATE asks SET replied_on = $2, reply = $4 WHERE id = $1 AND group_id = $3 AND reply <> $4",
        p.id,
        today,
        scope.group_id(),
        SIGNED
    )?;
    if n == 0 {
        return Ok(false);
    }
    let pledge =
        tredegar_domain::representatives::Pledge { text: p.body.clone(), made_on: today, source_url: page.to_string(), document: None };
    super::pledges::add(tx, scope, p.representative_id, &pledge, (Some(p.campaign_id), None), now).await?;
    Ok(true)
}

/// Record a representative's reply to one of a campaign's asks; it joins
/// their record as a reply on the campaign, and the campaign's timeline.
pub async fn reply(tx: &mut Tx, scope: &Scope, campaign: CampaignId, ask: AskId, reply: &Reply, now: DateTime<Utc>) -> Result<()> {
    let found = fetch_optional!(
        tx,
        (RepresentativeId, String, Option<NaiveDate>, DateTime<Utc>),
        "SELECT representative_id, subject, replied_on, created_at FROM asks WHERE id = $1 AND campaign_id = $2 AND group_id = $3",
        ask,
        campaign,
        scope.group_id()
    )?;
    // One answer an ask: a signature, or a reply recorded, is never overwritten.
    let (rep, subject, replied, asked) = found.ok_or(DbError::NotFound)?;
    if replied.is_some() {
        return Err(tredegar_domain::Problem::new("reply", "is recorded already: an ask has one answer").into());
    }
    if reply.on < asked.date_naive() {
        return Err(tredegar_domain::Problem::new("replied_on", "is before they were asked").into());
    }
    execute!(tx, "UPDATE asks SET replied_on = $2, reply = $3 WHERE id = $1", ask, reply.on, &reply.text)?;
    let entry = Entry {
        kind: RecordKind::Reply,
        on_date: reply.on,
        title: format!("Reply to “{subject}”"),
        detail: reply.text.clone(),
        evidence_url: String::new(),
        document: None,
        vote: None,
    };
    super::records::add(tx, scope, rep, &entry, Some(campaign), &[], now).await?;
    // And on the campaign's timeline.
    let name = crate::representatives::get(tx, scope, rep).await?.map(|r| r.name).unwrap_or_default();
    let moment = tredegar_domain::campaigns::Moment {
        happened_on: reply.on,
        title: format!("{name} replied to “{subject}”"),
        detail: reply.text.clone(),
        evidence_url: String::new(),
        win: None,
    };
    crate::wins::add(tx, scope, campaign, &moment, None, now).await?;
    Ok(())
}
