//! The group's categories of help, what each volunteer offers, and the
//! candidates for a need: every member whose offer covers its category,
//! with what ranking needs to know of them.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::aid::{Candidate, NeedFacts, Offer, Timing, rank};
use tredegar_domain::{AidCategoryId, Postcode, Problem, UserId};

use super::NeedRow;
use crate::{DbError, Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Category {
    pub id: AidCategoryId,
    pub name: String,
    pub needs_check: bool,
    pub auto_match: bool,
}

pub async fn categories(tx: &mut Tx, scope: &Scope) -> Result<Vec<Category>> {
    Ok(fetch_all!(
        tx,
        Category,
        "SELECT id, name, needs_check, auto_match FROM aid_categories WHERE group_id = $1 ORDER BY name",
        scope.group_id()
    )?)
}

/// Add a category of help; the name is the group's own word for it.
pub async fn add_category(tx: &mut Tx, scope: &Scope, name: &str, rules: Rules, now: DateTime<Utc>) -> Result<AidCategoryId> {
    let key = tredegar_domain::text::fold(name);
    let held = scalar!(tx, AidCategoryId, "SELECT id FROM aid_categories WHERE group_id = $1 AND name_key = $2", scope.group_id(), &key)?;
    if held.is_some() {
        return Err(DbError::Duplicate {
            field: "name".into(),
            message: format!("there is already a category called '{name}'"),
            existing: None,
        });
    }
    let id = AidCategoryId::new();
    execute!(
        tx,
        "INSERT INTO aid_categories (id, group_id, name, name_key, needs_check, auto_match, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        scope.group_id(),
        name,
        key,
        rules.needs_check,
        rules.auto_match,
        now
    )?;
    Ok(id)
}

/// How a kind of help is given out.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rules {
    /// Only to safeguarding-checked volunteers.
    pub needs_check: bool,
    /// Offered to the best volunteer by itself.
    pub auto_match: bool,
}

pub async fn set_rules(tx: &mut Tx, scope: &Scope, id: AidCategoryId, rules: Rules) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE aid_categories SET needs_check = $3, auto_match = $4 WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        rules.needs_check,
        rules.auto_match
    )?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// How long the group's needs may wait (the defaults until its coordinators set them).
pub async fn timing(tx: &mut Tx, group: tredegar_domain::GroupId) -> Result<Timing> {
    let set = fetch_optional!(
        tx,
        Timing,
        "SELECT answer_within_hours, escalate_today_hours, escalate_this_week_hours, escalate_when_possible_hours \
         FROM aid_settings WHERE group_id = $1",
        group
    )?;
    Ok(set.unwrap_or_default())
}

/// Set how long the group's needs may wait. Coordinators only.
pub async fn set_timing(tx: &mut Tx, scope: &Scope, t: &Timing, now: DateTime<Utc>) -> Result<()> {
    if !scope.role().sees_everyone() {
        return Err(DbError::NotFound);
    }
    execute!(
        tx,
        "INSERT INTO aid_settings (group_id, answer_within_hours, escalate_today_hours, escalate_this_week_hours, \
         escalate_when_possible_hours, modified_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (group_id) DO UPDATE SET \
         answer_within_hours = excluded.answer_within_hours, escalate_today_hours = excluded.escalate_today_hours, \
         escalate_this_week_hours = excluded.escalate_this_week_hours, \
         escalate_when_possible_hours = excluded.escalate_when_possible_hours, modified_at = excluded.modified_at",
        scope.group_id(),
        t.answer_within_hours,
        t.escalate_today_hours,
        t.escalate_this_week_hours,
        t.escalate_when_possible_hours,
        now
    )?;
    Ok(())
}

/// Where a postcode's centre is, if the postcode directory has been loaded.
pub async fn located(tx: &mut Tx, postcode: &Postcode) -> Result<Option<(f64, f64)>> {
    Ok(fetch_optional!(tx, (f64, f64), "SELECT latitude, longitude FROM postcodes WHERE postcode_key = $1", postcode.key())?)
}

/// Load postcode centres (`tredegar import postcodes`), replacing any held.
pub async fn load_postcodes(tx: &mut Tx, rows: &[(String, f64, f64)]) -> Result<()> {
    Sql::insert_rows(
        tx,
        "INSERT INTO postcodes (postcode_key, latitude, longitude) VALUES",
        " ON CONFLICT (postcode_key) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude",
        rows,
        |q, (key, lat, lon)| {
            q.bind(key.as_str()).push(", ").bind(Some(*lat)).push(", ").bind(Some(*lon));
        },
    )
    .await
}

/// One volunteer's offer.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OfferRow {
    pub user_id: UserId,
    pub name: String,
    pub postcode: String,
    pub radius_km: i64,
    pub days: i64,
    pub from_hour: i64,
    pub to_hour: i64,
    pub transport: bool,
    pub checked: bool,
    pub checked_by_name: String,
    pub checked_at: Option<DateTime<Utc>>,
    pub paused: bool,
    pub per_week: i64,
    /// The category ids it covers, comma-separated.
    pub categories: String,
}

impl OfferRow {
    pub fn covers(&self, category: AidCategoryId) -> bool {
        self.categories.split(',').any(|c| c == category.to_string())
    }
}

/// The scope's own offer, if they made one.
pub async fn mine(tx: &mut Tx, scope: &Scope) -> Result<Option<OfferRow>> {
    let Some(me) = scope.user_id() else { return Ok(None) };
    Ok(offers(tx, scope, Some(me)).await?.into_iter().next())
}

/// Every member's offer (or one member's), by name. Coordinators see all;
/// anyone else only their own.
pub async fn offers(tx: &mut Tx, scope: &Scope, of: Option<UserId>) -> Result<Vec<OfferRow>> {
    let of = if scope.role().sees_everyone() { of } else { Some(scope.user_id().ok_or(DbError::NotFound)?) };
    let mut q = Sql::new(
        "SELECT o.user_id, u.name, o.postcode, o.radius_km, o.days, o.from_hour, o.to_hour, o.transport, o.checked, o.checked_by_name, \
         o.checked_at, o.paused, o.per_week, \
         '' AS categories FROM aid_offers o JOIN users u ON u.id = o.user_id \
         JOIN memberships m ON m.user_id = o.user_id AND m.group_id = o.group_id WHERE o.group_id = ",
    );
    q.bind(scope.group_id());
    if let Some(user) = of {
        q.push(" AND o.user_id = ").bind(user);
    }
    q.push(" ORDER BY u.name, o.user_id");
    let mut rows: Vec<OfferRow> = q.fetch_all(tx).await?;
    let pairs = fetch_all!(
        tx,
        (UserId, AidCategoryId),
        "SELECT user_id, category_id FROM aid_offer_categories WHERE group_id = $1",
        scope.group_id()
    )?;
    for row in &mut rows {
        let ids: Vec<String> = pairs.iter().filter(|(u, _)| *u == row.user_id).map(|(_, c)| c.to_string()).collect();
        row.categories = ids.join(",");
    }
    Ok(rows)
}

/// Save the scope's own offer. Whether they are safeguarding-checked is a
/// coordinator's to record, and stays as it was.
pub async fn save(tx: &mut Tx, scope: &Scope, offer: &Offer, categories: &[AidCategoryId], now: DateTime<Utc>) -> Result<()> {
    let me = scope.user_id().ok_or(DbError::NotFound)?;
    let at = match &offer.postcode {
        Some(p) => located(tx, p).await?,
        None => None,
    };
    let postcode = offer.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default();
    // Their own record among the group's people, so the help they give counts on the ladder.
    let (name, email) =
        fetch_optional!(tx, (String, String), "SELECT name, email FROM users WHERE id = $1", me)?.ok_or(DbError::NotFound)?;
    let email = tredegar_domain::Email::parse("email", &email).ok();
    let who = super::Who { name: &name, email: email.as_ref(), phone: None, postcode: offer.postcode.as_ref() };
    let person = match email {
        Some(_) => Some(super::person_of(tx, scope, who, "Offered to help", now).await?.0),
        None => None,
    };
    execute!(
        tx,
        "INSERT INTO aid_offers (user_id, group_id, postcode, latitude, longitude, radius_km, days, from_hour, to_hour, transport, checked, \
         checked_by_name, paused, per_week, modified_at, person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE, '', $11, $12, $13, $14) \
         ON CONFLICT (group_id, user_id) DO UPDATE SET postcode = excluded.postcode, latitude = excluded.latitude, \
         longitude = excluded.longitude, radius_km = excluded.radius_km, days = excluded.days, from_hour = excluded.from_hour, \
         to_hour = excluded.to_hour, transport = excluded.transport, paused = excluded.paused, per_week = excluded.per_week, \
         modified_at = excluded.modified_at, person_id = excluded.person_id",
        me,
        scope.group_id(),
        postcode,
        at.map(|a| a.0),
        at.map(|a| a.1),
        offer.radius_km,
        offer.days,
        offer.from_hour,
        offer.to_hour,
        offer.transport,
        offer.paused,
        offer.per_week,
        now,
        person
    )?;
    execute!(tx, "DELETE FROM aid_offer_categories WHERE group_id = $1 AND user_id = $2", scope.group_id(), me)?;
    let mut categories = categories.to_vec();
    categories.sort_by_key(|c| c.to_string());
    categories.dedup();
    Sql::insert_rows(tx, "INSERT INTO aid_offer_categories (user_id, group_id, category_id) VALUES", "", &categories, |q, c| {
        q.bind(me).push(", ").bind(scope.group_id()).push(", ").bind(*c);
    })
    .await
}

/// Record whether a volunteer's safeguarding check (DBS) has been seen, and
/// by whom: a coordinator, and never for themselves.
pub async fn set_checked(tx: &mut Tx, scope: &Scope, user: UserId, checked: bool, now: DateTime<Utc>) -> Result<()> {
    if !scope.role().sees_everyone() {
        return Err(DbError::NotFound);
    }
    if checked && scope.user_id() == Some(user) {
        return Err(Problem::new("checked", "another coordinator must record your own check").into());
    }
    let n = execute!(
        tx,
        "UPDATE aid_offers SET checked = $3, checked_by_name = $4, checked_at = $5 WHERE group_id = $1 AND user_id = $2",
        scope.group_id(),
        user,
        checked,
        if checked { scope.actor_name() } else { "" },
        checked.then_some(now)
    )?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// One member who could be offered a need, as ranking sees them.
#[derive(Clone, Debug)]
pub struct Ranked {
    pub user_id: UserId,
    pub name: String,
    /// The parts of the score, or why they cannot be offered it.
    pub rank: std::result::Result<Vec<tredegar_domain::aid::Part>, String>,
}

impl Ranked {
    pub fn score(&self) -> f64 {
        self.rank.as_ref().map_or(-1.0, |parts| parts.iter().map(|p| p.points).sum())
    }
}

/// The members whose offer covers the need's category, best first, those
/// who must not be offered it last with the reason. Coordinators only.
pub async fn candidates(tx: &mut Tx, scope: &Scope, need: &NeedRow, now: DateTime<Utc>, today: NaiveDate) -> Result<Vec<Ranked>> {
    if !scope.role().sees_everyone() {
        return Ok(Vec::new());
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: UserId,
        name: String,
        checked: bool,
        paused: bool,
        latitude: Option<f64>,
        longitude: Option<f64>,
        radius_km: i64,
        days: i64,
        per_week: i64,
        taken: i64,
        last_done: Option<DateTime<Utc>>,
        declined: i64,
    }
    let week_ago = now - chrono::Duration::days(7);
    let rows = fetch_all!(
        tx,
        Row,
        "SELECT o.user_id, u.name, o.checked, o.paused, o.latitude, o.longitude, o.radius_km, o.days, o.per_week, \
         (SELECT COUNT(*) FROM need_changes h WHERE h.volunteer_id = o.user_id AND h.group_id = o.group_id AND h.to_status = 'accepted' \
          AND h.at >= $3) + (SELECT COUNT(*) FROM needs w WHERE w.volunteer_id = o.user_id AND w.group_id = o.group_id \
          AND w.status = 'offered' AND w.id <> $4) AS taken, \
         (SELECT MAX(h.at) FROM need_changes h WHERE h.volunteer_id = o.user_id AND h.group_id = o.group_id AND h.to_status = 'done') AS last_done, \
         (SELECT COUNT(*) FROM need_changes h WHERE h.need_id = $4 AND h.volunteer_id = o.user_id AND h.from_status = 'offered' \
          AND h.to_status = 'triaged' AND (h.by_user = o.user_id OR h.by_user IS NULL)) AS declined \
         FROM aid_offer_categories oc JOIN aid_offers o ON o.user_id = oc.user_id AND o.group_id = oc.group_id \
         JOIN users u ON u.id = o.user_id JOIN memberships m ON m.user_id = o.user_id AND m.group_id = o.group_id \
         WHERE oc.category_id = $2 AND oc.group_id = $1",
        scope.group_id(),
        need.category_id,
        week_ago,
        need.id
    )?;
    let facts = NeedFacts { needs_check: need.needs_check, at: need.at(), from_on: need.from_on, to_on: need.to_on, today };
    let mut ranked: Vec<Ranked> = rows
        .into_iter()
        .map(|r| {
            let candidate = Candidate {
                checked: r.checked,
                paused: r.paused,
                at: r.latitude.zip(r.longitude),
                radius_km: r.radius_km,
                days: r.days,
                per_week: r.per_week,
                taken_this_week: r.taken,
                days_since_helped: r.last_done.map(|at| (now - at).num_days()),
                declined: r.declined > 0,
            };
            Ranked { user_id: r.user_id, name: r.name, rank: rank(&facts, &candidate) }
        })
        .collect();
    ranked.sort_by(|a, b| b.score().total_cmp(&a.score()).then_with(|| a.name.cmp(&b.name)));
    Ok(ranked)
}

/// Refuse to offer a need to someone ranking rules out (above all, an
/// unchecked volunteer for a category that needs a check).
pub(super) async fn may_take(tx: &mut Tx, scope: &Scope, user: UserId, need: &NeedRow, now: DateTime<Utc>) -> Result<()> {
    let found = candidates(tx, scope, need, now, now.date_naive()).await?.into_iter().find(|r| r.user_id == user);
    match found.map(|r| r.rank) {
        Some(Ok(_)) => Ok(()),
        Some(Err(why)) => Err(Problem::new("volunteer", format!("cannot be offered this: they {why}")).into()),
        None => Err(Problem::new("volunteer", "has not offered this kind of help").into()),
    }
}

/// Whether a volunteer may take on a need offered them now: a safeguarded
/// kind still needs their check recorded, and their weekly limit still holds.
pub(super) async fn may_accept(tx: &mut Tx, scope: &Scope, user: UserId, need: &NeedRow, now: DateTime<Utc>) -> Result<()> {
    let offer = fetch_optional!(
        tx,
        (bool, i64),
        "SELECT checked, per_week FROM aid_offers WHERE group_id = $1 AND user_id = $2",
        scope.group_id(),
        user
    )?;
    let Some((checked, per_week)) = offer else {
        return Err(Problem::new("status", "you no longer offer this kind of help").into());
    };
    if need.needs_check && !checked {
        return Err(
            Problem::new("status", "this kind of help needs a safeguarding check, and yours is not recorded: ask a coordinator").into()
        );
    }
    let taken = scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM need_changes WHERE volunteer_id = $1 AND group_id = $2 AND to_status = 'accepted' AND at >= $3",
        user,
        scope.group_id(),
        now - chrono::Duration::days(7)
    )?
    .unwrap_or(0);
    if taken >= per_week {
        return Err(
            Problem::new("status", format!("you have taken on {taken} this week, your limit: raise it under My help, or say no")).into()
        );
    }
    Ok(())
}

/// Send back to be offered again every need with someone a safeguarding
/// rule no longer allows: a kind that now needs a check, or a check withdrawn.
pub async fn pull_back_unchecked(tx: &mut Tx, scope: &Scope, now: DateTime<Utc>) -> Result<usize> {
    let ids = fetch_all!(
        tx,
        (tredegar_domain::NeedId,),
        "SELECT n.id FROM needs n JOIN aid_categories c ON c.id = n.category_id \
         LEFT JOIN aid_offers o ON o.user_id = n.volunteer_id AND o.group_id = n.group_id \
         WHERE n.group_id = $1 AND n.status IN ('offered', 'accepted', 'in_progress') AND c.needs_check AND NOT COALESCE(o.checked, FALSE)",
        scope.group_id()
    )?;
    let note = "back to be offered: this kind of help needs a safeguarding check, and theirs is not recorded";
    back_to_offer(tx, scope, &ids, note, now).await
}

/// Send back to be offered again every open need offered to, or taken by, a
/// member who is leaving the group: nobody outside it keeps a need, or
/// finds it theirs again if they come back.
pub async fn release(tx: &mut Tx, scope: &Scope, user: UserId, now: DateTime<Utc>) -> Result<usize> {
    let ids = fetch_all!(
        tx,
        (tredegar_domain::NeedId,),
        "SELECT id FROM needs WHERE group_id = $1 AND volunteer_id = $2 AND status IN ('offered', 'accepted', 'in_progress')",
        scope.group_id(),
        user
    )?;
    back_to_offer(tx, scope, &ids, "back to be offered: their volunteer left the group", now).await
}

/// Take these needs back from whoever has them, to be offered again, with why.
async fn back_to_offer(tx: &mut Tx, scope: &Scope, ids: &[(tredegar_domain::NeedId,)], note: &str, now: DateTime<Utc>) -> Result<usize> {
    for (id,) in ids {
        super::change(tx, scope, *id, tredegar_domain::aid::NeedStatus::Triaged, None, note, now).await?;
    }
    Ok(ids.len())
}
