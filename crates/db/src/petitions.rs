//! Petitions and their signatures. Signing is public: a `Scope` for the
//! group's public forms adds a signature and reads nobody. A signature
//! counts once confirmed by the emailed link; only then is its signer made a
//! person of the group, through the one person upsert.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tredegar_domain::mail::{MailKind, fill};
use tredegar_domain::people::Address;
use tredegar_domain::person_update::{EmailUpdate, PersonUpdate};
use tredegar_domain::petitions::{PetitionText, Signing};
use tredegar_domain::{CampaignId, PersonId, PetitionId, Problem, SignatureId, SubscriptionStatus};

use crate::outbox::{self, NewMessage};
use crate::{Result, Scope, Tx};

/// How long an unconfirmed signature waits for its link to be followed.
pub const CONFIRM_WITHIN: Duration = Duration::days(7);

/// How soon signing again sends the link again.
pub const RESEND_AFTER: Duration = Duration::minutes(10);

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Petition {
    pub id: PetitionId,
    pub group_id: tredegar_domain::GroupId,
    pub campaign_id: Option<CampaignId>,
    pub title: String,
    pub body: String,
    pub target: String,
    pub goal: i64,
    pub ends_on: Option<NaiveDate>,
    pub consent_wording: String,
    pub frame_ancestors: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

impl Petition {
    /// Whether it still takes signatures on `today`.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.ends_on.is_none_or(|end| today <= end)
    }
}

const SELECT: &str = "SELECT id, group_id, campaign_id, title, body, target, goal, ends_on, consent_wording, frame_ancestors, \
     created_by_name, created_at FROM petitions";

pub async fn create(tx: &mut Tx, scope: &Scope, p: &PetitionText, now: DateTime<Utc>) -> Result<PetitionId> {
    if let Some(c) = p.campaign
        && crate::campaigns::get(tx, scope, c).await?.is_none()
    {
        return Err(Problem::new("campaign", "choose one of the group's campaigns").into());
    }
    let id = PetitionId::new();
    execute!(
        tx,
        "INSERT INTO petitions (id, group_id, campaign_id, title, body, target, goal, ends_on, consent_wording, frame_ancestors, \
         created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        id,
        scope.group_id(),
        p.campaign,
        &p.title,
        &p.body,
        &p.target,
        p.goal,
        p.ends_on,
        &p.consent_wording,
        p.frame_ancestors.join(" "),
        scope.actor_name(),
        now
    )?;
    Ok(id)
}

pub async fn list(tx: &mut Tx, scope: &Scope) -> Result<Vec<Petition>> {
    let sql = format!("{SELECT} WHERE group_id = $1 ORDER BY created_at DESC LIMIT 500");
    Ok(fetch_all!(tx, Petition, sqlx::AssertSqlSafe(sql), scope.group_id())?)
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: PetitionId) -> Result<Option<Petition>> {
    let sql = format!("{SELECT} WHERE id = $1 AND group_id = $2");
    Ok(fetch_optional!(tx, Petition, sqlx::AssertSqlSafe(sql), id, scope.group_id())?)
}

/// A petition's public face, by its id alone: what anyone may read.
pub async fn public(tx: &mut Tx, id: PetitionId) -> Result<Option<(Petition, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        petition: Petition,
        group_slug: String,
    }
    let sql = "SELECT p.id, p.group_id, p.campaign_id, p.title, p.body, p.target, p.goal, p.ends_on, p.consent_wording, \
               p.frame_ancestors, p.created_by_name, p.created_at, g.slug AS group_slug FROM petitions p JOIN groups g ON g.id = p.group_id \
               WHERE p.id = $1";
    Ok(fetch_optional!(tx, Row, sql, id)?.map(|r| (r.petition, r.group_slug)))
}

/// Confirmed signatures: read from their index, so signing writes no shared row.
pub async fn count(tx: &mut Tx, id: PetitionId) -> Result<i64> {
    Ok(scalar!(tx, i64, "SELECT COUNT(*) FROM signatures WHERE petition_id = $1 AND confirmed_at IS NOT NULL", id)?.unwrap_or(0))
}

/// Confirmed and waiting, for the organiser.
pub async fn counts(tx: &mut Tx, scope: &Scope, id: PetitionId) -> Result<(i64, i64)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        confirmed: i64,
        waiting: i64,
    }
    let r = fetch_optional!(
        tx,
        Row,
        "SELECT COUNT(confirmed_at) AS confirmed, COUNT(*) - COUNT(confirmed_at) AS waiting FROM signatures WHERE petition_id = $1 AND group_id = $2",
        id,
        scope.group_id()
    )?;
    Ok(r.map_or((0, 0), |r| (r.confirmed, r.waiting)))
}

/// What signing did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed {
    /// A new signature; its confirmation email is queued.
    New,
    /// Signed and confirmed before: nothing changes.
    Already,
    /// Signed before but not confirmed: the link is sent again.
    LinkSentAgain,
    /// Signed before, not confirmed, and the link went out moments ago.
    LinkJustSent,
}

/// Sign: one signature per email per petition. The dedup check, the
/// signature and its confirmation email are one transaction. `link` makes
/// the confirmation address from the token.
pub async fn sign(
    tx: &mut Tx,
    scope: &Scope,
    petition: &Petition,
    s: &Signing,
    token_hash: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Result<Signed> {
    #[derive(sqlx::FromRow)]
    struct Earlier {
        id: SignatureId,
        confirmed_at: Option<DateTime<Utc>>,
        link_sent_at: DateTime<Utc>,
    }
    let earlier = fetch_optional!(
        tx,
        Earlier,
        "SELECT id, confirmed_at, link_sent_at FROM signatures WHERE petition_id = $1 AND email_key = $2",
        petition.id,
        s.email.key()
    )?;
    let outcome = match earlier {
        Some(e) if e.confirmed_at.is_some() => return Ok(Signed::Already),
        Some(e) if now - e.link_sent_at < RESEND_AFTER => return Ok(Signed::LinkJustSent),
        Some(e) => {
            execute!(tx, "UPDATE signatures SET token_hash = $1, link_sent_at = $2 WHERE id = $3", token_hash, now, e.id)?;
            Signed::LinkSentAgain
        }
        None => {
            execute!(
                tx,
                "INSERT INTO signatures (id, group_id, petition_id, name, email, email_key, postcode, comment, consent, consent_wording, \
                 token_hash, created_at, link_sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
                SignatureId::new(),
                scope.group_id(),
                petition.id,
                s.name(),
                s.email.as_str(),
                s.email.key(),
                s.postcode.as_str(),
                s.comment.clone().unwrap_or_default(),
                s.consent,
                &petition.consent_wording,
                token_hash,
                now
            )?;
            Signed::New
        }
    };
    let template = outbox::template(tx, scope.group_id(), MailKind::PetitionConfirm).await?;
    let values = [("name", s.given_name.as_str()), ("petition", petition.title.as_str()), ("link", link)];
    let (subject, text) = (fill(&template.subject, &values), fill(&template.body, &values));
    let message = NewMessage {
        group: Some(scope.group_id()),
        person: None,
        user: None,
        kind: MailKind::PetitionConfirm,
        to: s.email.as_str(),
        subject: &subject,
        text: &text,
        unsubscribe: false,
    };
    outbox::queue(tx, &message, now).await?;
    Ok(outcome)
}

/// A signature being confirmed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Signature {
    pub id: SignatureId,
    pub person_id: Option<PersonId>,
    pub name: String,
    pub email: String,
    pub postcode: String,
    pub comment: String,
    pub consent: bool,
    pub consent_wording: String,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

const SIGNATURE: &str =
    "SELECT id, person_id, name, email, postcode, comment, consent, consent_wording, created_at, confirmed_at FROM signatures";

/// Follow a confirmation link: the signature counts from now, and its signer
/// becomes (or is matched to) a person, with the signature on their
/// timeline. A link works once, and not after `CONFIRM_WITHIN`.
pub async fn confirm(tx: &mut Tx, scope: &Scope, petition: &Petition, token_hash: &str, now: DateTime<Utc>) -> Result<Option<PersonId>> {
    let sql = format!("{SIGNATURE} WHERE token_hash = $1 AND petition_id = $2 AND confirmed_at IS NULL AND created_at > $3");
    let Some(sig) = fetch_optional!(tx, Signature, sqlx::AssertSqlSafe(sql), token_hash, petition.id, now - CONFIRM_WITHIN)? else {
        return Ok(None);
    };
    let email = tredegar_domain::Email::parse("email", &sig.email)?;
    let postcode = tredegar_domain::Postcode::parse("postcode", &sig.postcode)?;
    let (given, family) = match sig.name.rsplit_once(' ') {
        Some((g, f)) => (g.to_string(), Some(f.to_string())),
        None => (sig.name.clone(), None),
    };
    let known = crate::people::find_match(tx, scope, Some(&email), None).await?.is_some();
    // Consent said yes subscribes; no says nothing, so a subscription held already stands.
    let status = sig.consent.then_some(SubscriptionStatus::Subscribed);
    let mut update = PersonUpdate {
        given_name: Some(Some(given)),
        family_name: Some(family),
        emails: Some(vec![EmailUpdate { email, status, primary: true }]),
        new_email_status: SubscriptionStatus::Unsubscribed,
        ..PersonUpdate::default()
    };
    if !known {
        // A new person's postcode; a known person's addresses are not replaced by one.
        update.addresses = Some(vec![Address { postcode: Some(postcode), primary: true, ..Default::default() }]);
    } else {
        update.given_name = None;
        update.family_name = None;
    }
    let history = format!("Signed the petition “{}”", petition.title);
    let person = crate::people::upsert(tx, scope, update, crate::people::NewFields::Refuse, &history, now).await?;
    execute!(tx, "UPDATE signatures SET confirmed_at = $1, person_id = $2 WHERE id = $3", now, person.id, sig.id)?;
    Ok(Some(person.id))
}

/// A petition's signatures, confirmed first, for the organiser's CSV.
pub async fn signatures(tx: &mut Tx, scope: &Scope, id: PetitionId) -> Result<Vec<Signature>> {
    let sql = format!("{SIGNATURE} WHERE petition_id = $1 AND group_id = $2 ORDER BY confirmed_at IS NULL, created_at");
    Ok(fetch_all!(tx, Signature, sqlx::AssertSqlSafe(sql), id, scope.group_id())?)
}

/// Forget signatures whose link was never followed.
pub async fn delete_unconfirmed(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64> {
    Ok(execute!(tx, "DELETE FROM signatures WHERE confirmed_at IS NULL AND created_at <= $1", now - CONFIRM_WITHIN)?)
}

/// Every signature stored, in every group: for the benchmark's check that
/// each acknowledged signature was kept.
pub async fn count_all(tx: &mut Tx) -> Result<i64> {
    Ok(scalar!(tx, i64, "SELECT COUNT(*) FROM signatures")?.unwrap_or(0))
}
