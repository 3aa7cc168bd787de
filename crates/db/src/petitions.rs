//! Petitions and their signatures. Signing is public: a `Scope` for the
//! group's public forms adds a signature and reads nobody. A signature
//! counts once confirmed by the emailed link; only then is its signer made a
//! person of the group, through the one person upsert.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tredegar_domain::mail::{MailKind, fill};
use tredegar_domain::petitions::PetitionText;
use tredegar_domain::supporters::Supporter;
use tredegar_domain::{CampaignId, PersonId, PetitionId, Problem, SignatureId};

use crate::outbox::{self, NewMessage};
use crate::{Result, Scope, Sql, Tx};

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

/// Close a petition: from `today` on it takes no more signatures (it closed yesterday).
pub async fn close(tx: &mut Tx, scope: &Scope, id: PetitionId, today: NaiveDate) -> Result<()> {
    let yesterday = today.pred_opt().unwrap_or(today);
    let n = execute!(tx, "UPDATE petitions SET ends_on = $1 WHERE id = $2 AND group_id = $3", yesterday, id, scope.group_id())?;
    if n == 0 { Err(crate::DbError::NotFound) } else { Ok(()) }
}

/// A page of the group's petitions, newest first, and how many there are.
pub async fn list(tx: &mut Tx, scope: &Scope, page: crate::Page) -> Result<(Vec<Petition>, i64)> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE group_id = ").bind(scope.group_id()).push(" ORDER BY created_at DESC, id DESC").page(page);
    let shown = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM petitions WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((shown, total))
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: PetitionId) -> Result<Option<Petition>> {
    let sql = format!("{SELECT} WHERE id = $1 AND group_id = $2");
    Ok(fetch_optional!(tx, Petition, sqlx::AssertSqlSafe(sql), id, scope.group_id())?)
}

/// A petition as the public sees it, with the group that runs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Public {
    #[sqlx(flatten)]
    pub petition: Petition,
    pub group_slug: String,
    pub group_name: String,
    /// The group's time zone: a petition closes at the end of its last day there.
    pub time_zone: String,
}

/// A petition's public face, by its id alone: what anyone may read.
pub async fn public(tx: &mut Tx, id: PetitionId) -> Result<Option<Public>> {
    let sql = "SELECT p.id, p.group_id, p.campaign_id, p.title, p.body, p.target, p.goal, p.ends_on, p.consent_wording, \
               p.frame_ancestors, p.created_by_name, p.created_at, g.slug AS group_slug, g.name AS group_name, g.time_zone \
               FROM petitions p JOIN groups g ON g.id = p.group_id WHERE p.id = $1";
    Ok(fetch_optional!(tx, Public, sql, id)?)
}

/// Whether a confirmation link would work now (without using it).
pub async fn link_works(tx: &mut Tx, petition: PetitionId, token_hash: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM signatures WHERE token_hash = $1 AND petition_id = $2 AND confirmed_at IS NULL AND link_sent_at > $3",
        token_hash,
        petition,
        now - CONFIRM_WITHIN
    )?;
    Ok(n.unwrap_or(0) > 0)
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

/// One signature to write: what was given, the hash of its confirmation
/// token, and the link that carries the token.
pub struct Request<'a> {
    pub signing: &'a Supporter,
    pub token_hash: &'a str,
    pub link: &'a str,
}

/// Sign: one signature per email per petition, many at once, as if one
/// after another (the group-commit writer's batch). The dedup check, the
/// signatures and their emails are a few statements in the caller's
/// transaction, however many there are. A second signature with the same
/// email in one batch is told its link has just gone.
pub async fn sign_many(
    tx: &mut Tx,
    scope: &Scope,
    petition: &Petition,
    requests: &[Request<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<Signed>> {
    #[derive(sqlx::FromRow)]
    struct Earlier {
        id: SignatureId,
        email_key: String,
        confirmed_at: Option<DateTime<Utc>>,
        link_sent_at: DateTime<Utc>,
    }
    let keys: Vec<String> = requests.iter().map(|r| r.signing.email.key()).collect();
    let mut earlier = HashMap::new();
    for chunk in keys.chunks(ROWS_A_STATEMENT) {
        let mut q = Sql::new("SELECT id, email_key, confirmed_at, link_sent_at FROM signatures WHERE petition_id = ");
        q.bind(petition.id).push(" AND email_key IN (").bind_list(chunk.iter().map(String::as_str)).push(")");
        for e in q.fetch_all::<Earlier>(tx).await? {
            earlier.insert(e.email_key.clone(), e);
        }
    }
    let mut outcomes = Vec::with_capacity(requests.len());
    let (mut new, mut mail) = (Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    for (i, (r, key)) in requests.iter().zip(&keys).enumerate() {
        let outcome = match earlier.get(key) {
            _ if !seen.insert(key.as_str()) => Signed::LinkJustSent,
            // Told by email at most every RESEND_AFTER, so nobody can fill an inbox.
            Some(e) if e.confirmed_at.is_some() => {
                if now - e.link_sent_at >= RESEND_AFTER {
                    execute!(tx, "UPDATE signatures SET link_sent_at = $1 WHERE id = $2", now, e.id)?;
                    mail.push((i, MailKind::PetitionAlreadySigned));
                }
                Signed::Already
            }
            Some(e) if now - e.link_sent_at < RESEND_AFTER => Signed::LinkJustSent,
            // Not confirmed, the last link a while ago (or expired): a new link, good for CONFIRM_WITHIN from now.
            Some(e) => {
                execute!(tx, "UPDATE signatures SET token_hash = $1, link_sent_at = $2 WHERE id = $3", r.token_hash, now, e.id)?;
                mail.push((i, MailKind::PetitionConfirm));
                Signed::LinkSentAgain
            }
            None => {
                new.push(r);
                mail.push((i, MailKind::PetitionConfirm));
                Signed::New
            }
        };
        outcomes.push(outcome);
    }
    for chunk in new.chunks(ROWS_A_STATEMENT) {
        let mut q = Sql::new(
            "INSERT INTO signatures (id, group_id, petition_id, name, email, email_key, postcode, comment, consent, consent_wording, \
             token_hash, created_at, link_sent_at) VALUES ",
        );
        for (i, r) in chunk.iter().enumerate() {
            let s = r.signing;
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(SignatureId::new()).push(", ").bind(scope.group_id()).push(", ").bind(petition.id).push(", ");
            q.bind(s.name()).push(", ").bind(s.email.as_str()).push(", ").bind(s.email.key()).push(", ");
            q.bind(s.postcode.as_str()).push(", ").bind(s.comment.clone().unwrap_or_default()).push(", ").bind(s.consent).push(", ");
            q.bind(petition.consent_wording.as_str()).push(", ").bind(r.token_hash).push(", ").bind(now).push(", ").bind(now).push(")");
        }
        // Another server may have written the same email a moment ago: theirs stands.
        q.push(" ON CONFLICT (petition_id, email_key) DO NOTHING");
        q.execute(tx).await?;
    }
    let confirm = outbox::template(tx, scope.group_id(), MailKind::PetitionConfirm).await?;
    let again = MailKind::PetitionAlreadySigned.default_template();
    let words: Vec<(&Request, MailKind, String, String)> = mail
        .iter()
        .filter_map(|(i, kind)| requests.get(*i).map(|r| (r, *kind)))
        .map(|(r, kind)| {
            let values = [("name", r.signing.given_name.as_str()), ("petition", petition.title.as_str()), ("link", r.link)];
            let template = if kind == MailKind::PetitionConfirm { &confirm } else { &again };
            let mut text = fill(&template.body, &values);
            if kind == MailKind::PetitionConfirm && r.signing.consent {
                text.push_str(&format!("\n\nYou also asked to be kept up to date by email: “{}”.", petition.consent_wording));
            }
            (r, kind, fill(&template.subject, &values), text)
        })
        .collect();
    let messages: Vec<NewMessage> = words
        .iter()
        .map(|(r, kind, subject, text)| NewMessage {
            group: Some(scope.group_id()),
            person: None,
            user: None,
            kind: *kind,
            to: r.signing.email.as_str(),
            subject,
            text,
            unsubscribe: false,
            calendar: None,
        })
        .collect();
    outbox::queue_many(tx, &messages, now).await?;
    Ok(outcomes)
}

/// Rows a multi-row statement carries: well under both backends' limit on values.
const ROWS_A_STATEMENT: usize = 400;

/// A signature being confirmed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Signature {
    pub id: SignatureId,
    pub petition_id: PetitionId,
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

const SIGNATURE: &str = "SELECT id, petition_id, person_id, name, email, postcode, comment, consent, consent_wording, created_at, \
     confirmed_at FROM signatures";

/// Follow a confirmation link: the signature counts from now, and its signer
/// becomes (or is matched to) a person, with the signature on their
/// timeline. A link works once, and for `CONFIRM_WITHIN` after it was sent.
pub async fn confirm(tx: &mut Tx, scope: &Scope, petition: &Petition, token_hash: &str, now: DateTime<Utc>) -> Result<Option<PersonId>> {
    let sql = format!("{SIGNATURE} WHERE token_hash = $1 AND petition_id = $2 AND confirmed_at IS NULL AND link_sent_at > $3");
    let Some(sig) = fetch_optional!(tx, Signature, sqlx::AssertSqlSafe(sql), token_hash, petition.id, now - CONFIRM_WITHIN)? else {
        return Ok(None);
    };
    let email = tredegar_domain::Email::parse("email", &sig.email)?;
    let postcode = tredegar_domain::Postcode::parse("postcode", &sig.postcode)?;
    let (given, family) = match sig.name.rsplit_once(' ') {
        Some((g, f)) => (g.to_string(), Some(f.to_string())),
        None => (sig.name.clone(), None),
    };
    let history = format!("Signed the petition “{}”", petition.title);
    let supporter = Supporter { given_name: given, family_name: family, email, postcode, comment: None, consent: sig.consent };
    let person = crate::people::upsert_supporter(tx, scope, &supporter, true, &history, now).await?;
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
    Ok(execute!(tx, "DELETE FROM signatures WHERE confirmed_at IS NULL AND link_sent_at <= $1", now - CONFIRM_WITHIN)?)
}

/// Every signature stored, in every group: for the benchmark's check that
/// each acknowledged signature was kept.
pub async fn count_all(tx: &mut Tx) -> Result<i64> {
    Ok(scalar!(tx, i64, "SELECT COUNT(*) FROM signatures")?.unwrap_or(0))
}

/// A page of a petition's signatures, oldest first, with how many there are.
pub async fn signatures_page(tx: &mut Tx, scope: &Scope, id: PetitionId, page: crate::Page) -> Result<(Vec<Signature>, i64)> {
    let mut q = Sql::new(SIGNATURE);
    q.push(" WHERE petition_id = ").bind(id).push(" AND group_id = ").bind(scope.group_id()).push(" ORDER BY created_at, id").page(page);
    let rows = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM signatures WHERE petition_id = $1 AND group_id = $2", id, scope.group_id())?;
    Ok((rows, total.unwrap_or(0)))
}

pub async fn signature(tx: &mut Tx, scope: &Scope, petition: PetitionId, id: SignatureId) -> Result<Option<Signature>> {
    let sql = format!("{SIGNATURE} WHERE id = $1 AND petition_id = $2 AND group_id = $3");
    Ok(fetch_optional!(tx, Signature, sqlx::AssertSqlSafe(sql), id, petition, scope.group_id())?)
}

/// A person's confirmed signatures, newest first, if the scope may see them.
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Vec<Signature>> {
    let mut q = Sql::new(
        "SELECT s.id, s.petition_id, s.person_id, s.name, s.email, s.postcode, s.comment, s.consent, s.consent_wording, s.created_at, \
         s.confirmed_at FROM signatures s JOIN people p ON p.id = s.person_id WHERE s.person_id = ",
    );
    q.bind(person).push(" AND s.confirmed_at IS NOT NULL AND ");
    scope.visible_people(&mut q, "p");
    q.push(" ORDER BY s.created_at DESC LIMIT 500");
    q.fetch_all(tx).await
}

/// What an organiser's tool says of a signature it records.
pub struct Recorded<'a> {
    pub person: PersonId,
    pub name: &'a str,
    pub email: &'a tredegar_domain::Email,
    pub postcode: &'a str,
    pub comment: &'a str,
}

/// A signature recorded for a known person by an organiser's tool (the
/// API's record-signature helper): it counts at once. One per email per
/// petition: recording it again gives the one already there.
pub async fn record(tx: &mut Tx, scope: &Scope, petition: &Petition, s: &Recorded<'_>, now: DateTime<Utc>) -> Result<SignatureId> {
    let id = SignatureId::new();
    execute!(
        tx,
        "INSERT INTO signatures (id, group_id, petition_id, person_id, name, email, email_key, postcode, comment, consent, consent_wording, \
         token_hash, created_at, link_sent_at, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE, '', $10, $11, $11, $11) \
         ON CONFLICT (petition_id, email_key) DO NOTHING",
        id,
        scope.group_id(),
        petition.id,
        s.person,
        s.name,
        s.email.as_str(),
        s.email.key(),
        s.postcode,
        s.comment,
        // No link is ever sent: a random value fills the column nobody can guess.
        SignatureId::new().to_string(),
        now
    )?;
    let stored =
        scalar!(tx, SignatureId, "SELECT id FROM signatures WHERE petition_id = $1 AND email_key = $2", petition.id, s.email.key())?;
    stored.ok_or(crate::DbError::NotFound)
}
