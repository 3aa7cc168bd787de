//! A need carried through: the links that act without a login (a
//! volunteer's yes or no from their email; the requester's word on how it
//! went, by an emailed link or a code printed on a card); the next of a
//! need that repeats, with the same volunteer if both agreed; and the
//! shared problems (themes) a need points to, for the listening report.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::aid::{HowItWent, NeedStatus};
use tredegar_domain::people::HistoryKind;
use tredegar_domain::{GroupId, NeedId, Problem, ThemeId, UserId};

use super::{NeedRow, change, record};
use crate::{DbError, Result, Scope, Sql, Tx};

/// What a link lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The volunteer it was offered to says yes or no.
    Answer,
    /// The one who was helped says how it went.
    Feedback,
}

tredegar_domain::stored_as_text!(Purpose { Answer = "answer", Feedback = "feedback" });

/// Keep a link's hash: for `Answer`, to the volunteer the need was offered to.
pub async fn add_link(
    tx: &mut Tx,
    need: &NeedRow,
    group: GroupId,
    purpose: Purpose,
    token_hash: &str,
    volunteer: Option<UserId>,
    expires: DateTime<Utc>,
) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO need_links (token_hash, need_id, group_id, purpose, volunteer_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        token_hash,
        need.id,
        group,
        purpose,
        volunteer,
        expires
    )?;
    Ok(())
}

/// A link that still works: whose need, in which group, and for whom.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Link {
    pub need_id: NeedId,
    pub group_id: GroupId,
    /// For an answer, the volunteer; for feedback, the member given the card.
    pub volunteer_id: Option<UserId>,
    pub expires_at: DateTime<Utc>,
}

/// The link with this hash and purpose, if unused and unexpired.
pub async fn link(tx: &mut Tx, purpose: Purpose, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Link>> {
    Ok(fetch_optional!(
        tx,
        Link,
        "SELECT need_id, group_id, volunteer_id, expires_at FROM need_links WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        token_hash,
        purpose,
        now
    )?)
}

/// Spend a link, once: false if it was spent already (two clicks at once).
pub async fn spend(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = execute!(tx, "UPDATE need_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL", token_hash, now)?;
    Ok(n == 1)
}

/// The volunteer's answer through their emailed link, as them: yes takes the
/// need on; no sends it back to be offered again, with their reason.
pub async fn answer(tx: &mut Tx, volunteer: &Scope, need: NeedId, yes: bool, reason: &str, now: DateTime<Utc>) -> Result<()> {
    if yes {
        change(tx, volunteer, need, NeedStatus::Accepted, None, "said yes from their email", now).await
    } else {
        let note = if reason.is_empty() { "declined from their email".to_string() } else { format!("declined: {reason}") };
        change(tx, volunteer, need, NeedStatus::Triaged, None, &note, now).await
    }
}

/// What the one who was helped said. `involve` is their yes to hearing how
/// to get involved, with the words they were shown.
pub struct Feedback<'a> {
    pub how: HowItWent,
    /// By a card a member left with them, not the emailed link.
    pub by_card: bool,
    pub note: &'a str,
    pub involve: bool,
    pub wording: &'a str,
}

/// Keep what the requester said of a need that is done, once: every other
/// link to say it stops working. It goes on their timeline.
pub async fn give_feedback(tx: &mut Tx, scope: &Scope, need: NeedId, said: &Feedback<'_>, now: DateTime<Utc>) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE needs SET feedback = $3, feedback_note = $4, feedback_at = $5, involve = involve OR $6, \
         involve_wording = CASE WHEN $6 THEN $7 ELSE involve_wording END, feedback_by_card = $8, \
         involve_confirmed = CASE WHEN $6 AND NOT $8 THEN TRUE WHEN $6 AND NOT involve THEN FALSE ELSE involve_confirmed END \
         WHERE id = $1 AND group_id = $2 AND status = 'done' AND feedback IS NULL",
        need,
        scope.group_id(),
        said.how,
        said.note,
        now,
        said.involve,
        said.wording,
        said.by_card
    )?;
    if n == 0 {
        return Err(Problem::new("code", "has been used already: thank you, we have what you said").into());
    }
    execute!(tx, "UPDATE need_links SET used_at = $2 WHERE need_id = $1 AND purpose = 'feedback' AND used_at IS NULL", need, now)?;
    let person = scalar!(tx, tredegar_domain::PersonId, "SELECT person_id FROM needs WHERE id = $1", need)?.ok_or(DbError::NotFound)?;
    let by = if said.by_card { "by a card left with them" } else { "by the emailed link" };
    let mut line = format!("Said how the help went ({by}): {}", said.how.label().to_lowercase());
    if said.involve && said.by_card {
        // The volunteer held the card, so the yes waits to be confirmed with them.
        line.push_str(", and the card said yes to hearing how to get involved (to confirm with them)");
    } else if said.involve {
        line.push_str(", and said yes to hearing how to get involved");
    }
    crate::people::add_event(tx, scope, person, HistoryKind::Aid, &line, now).await
}

/// A coordinator confirmed with the person their yes to hearing how to get involved.
pub async fn confirm_involve(tx: &mut Tx, scope: &Scope, need: &NeedRow, now: DateTime<Utc>) -> Result<()> {
    if !scope.role().sees_everyone() || !need.involve {
        return Err(DbError::NotFound);
    }
    execute!(
        tx,
        "UPDATE needs SET involve_confirmed = TRUE, modified_at = $3 WHERE id = $1 AND group_id = $2",
        need.id,
        scope.group_id(),
        now
    )?;
    let line = "Confirmed they would like to hear how to get involved";
    crate::people::add_event(tx, scope, need.person_id, HistoryKind::Aid, line, now).await
}

/// The next of a need that repeats, made when one is done or expired.
#[derive(Clone, Copy, Debug)]
pub struct Repeated {
    pub id: NeedId,
    /// It went straight to the same volunteer.
    pub kept: bool,
}

/// The next of a need that repeats, once it is done or expired: the same
/// help, in the next window from today on. It goes straight to the same
/// volunteer when the requester agreed and the volunteer said they would do
/// the next one too, while they still offer this kind of help, unpaused and
/// checked if it needs a check (their weekly limit is theirs to mind: they
/// said yes to this one); otherwise it waits to be offered. Nothing if it
/// does not repeat, or the next one is made.
pub async fn repeat(
    tx: &mut Tx,
    scope: &Scope,
    need: &NeedRow,
    volunteer_stays: bool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Repeated>> {
    let Some(window) = need.repeats.next(need.from_on, need.to_on, need.created_at.date_naive(), today) else { return Ok(None) };
    let series = need.series_id.unwrap_or(need.id);
    let made = scalar!(tx, i64, "SELECT COUNT(*) FROM needs WHERE series_id = $1 AND from_on >= $2", series, window.from)?.unwrap_or(0);
    if made > 0 || !matches!(need.status, NeedStatus::Done | NeedStatus::Expired) {
        return Ok(None);
    }
    let id = NeedId::new();
    execute!(
        tx,
        "INSERT INTO needs (id, group_id, person_id, category_id, description, urgency, from_on, to_on, contact_name, address, phone, email, \
         how_to_contact, asked_by, postcode, district, area_id, latitude, longitude, status, source, created_at, modified_at, repeats, \
         series_id, same_volunteer, involve, involve_wording, involve_confirmed) \
         SELECT $1, group_id, person_id, category_id, description, urgency, $3, $4, contact_name, address, phone, email, how_to_contact, \
         asked_by, postcode, district, area_id, latitude, longitude, 'new', source, $5, $5, repeats, $6, same_volunteer, involve, involve_wording, \
         involve_confirmed \
         FROM needs WHERE id = $2 AND group_id = $7",
        id,
        need.id,
        window.from,
        window.to,
        now,
        series,
        scope.group_id()
    )?;
    let how_often = need.repeats.label().to_lowercase();
    record(tx, scope, id, None, NeedStatus::New, None, &format!("comes round {how_often}"), now).await?;
    let Some(volunteer) = need.volunteer_id.filter(|_| volunteer_stays && need.same_volunteer && need.status == NeedStatus::Done) else {
        return Ok(Some(Repeated { id, kept: false }));
    };
    let offer = fetch_optional!(
        tx,
        (bool, bool),
        "SELECT o.checked, o.paused FROM aid_offers o \
         JOIN aid_offer_categories oc ON oc.user_id = o.user_id AND oc.group_id = o.group_id AND oc.category_id = $3 \
         JOIN memberships m ON m.user_id = o.user_id AND m.group_id = o.group_id WHERE o.group_id = $1 AND o.user_id = $2",
        scope.group_id(),
        volunteer,
        need.category_id
    )?;
    let kept = offer.is_some_and(|(checked, paused)| !paused && (checked || !need.needs_check));
    if kept {
        execute!(tx, "UPDATE needs SET status = 'accepted', volunteer_id = $2, offered_at = $3 WHERE id = $1", id, volunteer, now)?;
        let note = "the same volunteer again, as both agreed";
        record(tx, scope, id, Some(NeedStatus::New), NeedStatus::Accepted, Some(volunteer), note, now).await?;
    }
    Ok(Some(Repeated { id, kept }))
}

/// Stop a need and those after it coming round: the open ones in its
/// series repeat no more. Coordinators only.
pub async fn stop_repeating(tx: &mut Tx, scope: &Scope, need: &NeedRow, now: DateTime<Utc>) -> Result<()> {
    if !scope.role().sees_everyone() {
        return Err(DbError::NotFound);
    }
    let series = need.series_id.unwrap_or(need.id);
    execute!(
        tx,
        "UPDATE needs SET repeats = 'never', modified_at = $3 WHERE group_id = $2 AND (series_id = $1 OR id = $1)",
        series,
        scope.group_id(),
        now
    )?;
    record(tx, scope, need.id, Some(need.status), need.status, None, "stopped coming round", now).await
}

/// The ids of the themes a need points to.
pub async fn themes_of(tx: &mut Tx, scope: &Scope, need: NeedId) -> Result<Vec<ThemeId>> {
    Ok(fetch_all!(tx, (ThemeId,), "SELECT theme_id FROM need_themes WHERE need_id = $1 AND group_id = $2", need, scope.group_id())?
        .into_iter()
        .map(|(t,)| t)
        .collect())
}

/// Say which shared problems a need points to (many repair requests in one
/// block point at the landlord): they count in the listening report, in
/// the need's postcode district, on the day it was asked. Coordinators only.
pub async fn set_themes(tx: &mut Tx, scope: &Scope, need: &NeedRow, themes: &[ThemeId]) -> Result<()> {
    if !scope.role().sees_everyone() {
        return Err(DbError::NotFound);
    }
    let known = crate::conversations::themes(tx, scope).await?;
    if let Some(stranger) = themes.iter().find(|t| !known.iter().any(|k| k.id == **t)) {
        return Err(Problem::new("themes", format!("{stranger} is not one of the group's issues")).into());
    }
    execute!(tx, "DELETE FROM need_themes WHERE need_id = $1 AND group_id = $2", need.id, scope.group_id())?;
    let mut themes = themes.to_vec();
    themes.sort_by_key(|t| t.to_string());
    themes.dedup();
    Sql::insert_rows(tx, "INSERT INTO need_themes (need_id, theme_id, group_id, raised_at, area) VALUES", "", &themes, |q, t| {
        q.bind(need.id).push(", ").bind(*t).push(", ").bind(scope.group_id()).push(", ").bind(need.created_at);
        q.push(", ").bind(need.district.as_str());
    })
    .await
}

/// A page of the needs whose requester said yes to hearing how to get
/// involved, newest first, with how many there are: people to invite in.
/// Coordinators only.
pub async fn involved(tx: &mut Tx, scope: &Scope, page: crate::Page) -> Result<(Vec<NeedRow>, i64)> {
    if !scope.role().sees_everyone() {
        return Ok((Vec::new(), 0));
    }
    let mut count = Sql::new("SELECT COUNT(*) FROM needs n WHERE n.group_id = ");
    count.bind(scope.group_id()).push(" AND n.involve");
    let total = count.count(tx).await?;
    let mut q = Sql::new(super::SELECT);
    q.push(" WHERE n.group_id = ").bind(scope.group_id()).push(" AND n.involve ORDER BY n.created_at DESC, n.id");
    q.page(page);
    Ok((q.fetch_all(tx).await?, total))
}
