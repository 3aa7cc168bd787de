//! Mutual aid: needs, from the public help form or a coordinator, and how
//! each moves from new to done. Coordinators (organisers and admins) see
//! everything; a volunteer sees a need only once it is offered to them, and
//! its contact details only once they accepted it, while it is open.
//!
//! - here: needs, their contact details, and their status changes;
//! - `offers`: the categories of help, what volunteers offer, and the
//!   candidates for a need, for `tredegar_domain::aid::rank`;
//! - `follow`: the links that act without a login (a volunteer's answer,
//!   the requester's word on how it went), repeats, and the shared problems
//!   a need points to;
//! - `sweep`: what happens by itself: needs expire, offers time out, needs
//!   of kinds set to match themselves are offered, and waiting ones escalate.

pub mod follow;
pub mod matching;
pub mod offers;
pub mod report;
pub mod sweep;

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::aid::{HowItWent, Need, NeedSource, NeedStatus, Repeats, Urgency};
use tredegar_domain::people::{Address, HistoryKind, PhoneType};
use tredegar_domain::person_update::{EmailUpdate, PersonUpdate, PhoneUpdate};
use tredegar_domain::{AidCategoryId, AreaId, Email, NeedChangeId, NeedId, PersonId, Phone, Postcode, Problem, UserId, contact};

use crate::people::{self, NewFields};
use crate::{DbError, Result, Scope, Sql, Tx};

/// What anyone allowed to see a need sees: what and roughly where, never who.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NeedRow {
    pub id: NeedId,
    pub person_id: PersonId,
    /// The name on the person's record, which may differ from the name given.
    pub person_name: String,
    pub category_id: AidCategoryId,
    pub category: String,
    pub needs_check: bool,
    pub description: String,
    pub urgency: Urgency,
    pub from_on: Option<NaiveDate>,
    pub to_on: Option<NaiveDate>,
    pub district: String,
    pub area_id: Option<AreaId>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub status: NeedStatus,
    pub volunteer_id: Option<UserId>,
    pub volunteer_name: Option<String>,
    pub offered_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub source: NeedSource,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub repeats: Repeats,
    /// The first need of those that repeat, if this one repeats.
    pub series_id: Option<NeedId>,
    /// The requester is happy for the same volunteer to come each time.
    pub same_volunteer: bool,
    pub feedback: Option<HowItWent>,
    pub feedback_note: String,
    /// Said by a card a member left with them, not by the emailed link.
    pub feedback_by_card: bool,
    pub feedback_at: Option<DateTime<Utc>>,
    /// Said yes to hearing how to get involved.
    pub involve: bool,
    /// That yes came by a way that proves who said it, or a coordinator
    /// has confirmed it with them.
    pub involve_confirmed: bool,
}

impl NeedRow {
    pub fn at(&self) -> Option<(f64, f64)> {
        self.latitude.zip(self.longitude)
    }
}

/// Who to help and how to reach them: for coordinators, and the volunteer who accepted.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Contact {
    pub contact_name: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub email: String,
    pub how_to_contact: String,
    pub asked_by: String,
}

pub(crate) const SELECT: &str = "SELECT n.id, n.person_id, TRIM(COALESCE(p.given_name, '') || ' ' || COALESCE(p.family_name, '')) AS person_name, n.category_id, c.name AS category, c.needs_check, n.description, n.urgency, n.from_on, \
     n.to_on, n.district, n.area_id, n.latitude, n.longitude, n.status, n.volunteer_id, u.name AS volunteer_name, n.offered_at, n.escalated_at, n.source, n.created_at, \
     n.modified_at, n.repeats, n.series_id, n.same_volunteer, n.feedback, n.feedback_note, n.feedback_by_card, n.feedback_at, n.involve, n.involve_confirmed FROM needs n JOIN aid_categories c ON c.id = n.category_id JOIN people p ON p.id = n.person_id \
     LEFT JOIN users u ON u.id = n.volunteer_id";

/// Record a need, making (or finding) the person who needs the help through
/// the one upsert. Someone already known keeps their record as it is: a
/// stranger typing their phone cannot change it. `source` is form or coordinator.
pub async fn add(
    tx: &mut Tx,
    scope: &Scope,
    need: &Need,
    category: AidCategoryId,
    source: NeedSource,
    now: DateTime<Utc>,
) -> Result<NeedId> {
    let who = Who { name: &need.name, email: need.email.as_ref(), phone: need.phone.as_ref(), postcode: Some(&need.postcode) };
    let (person, known) = person_of(tx, scope, who, "Asked for help", now).await?;
    let id = NeedId::new();
    execute!(
        tx,
        "INSERT INTO needs (id, group_id, person_id, category_id, description, urgency, contact_name, address, phone, email, \
         how_to_contact, asked_by, postcode, district, status, source, created_at, modified_at) \
         VALUES ($1, $2, $3, $4, '', '', '', '', '', '', '', '', '', '', $5, $6, $7, $7)",
        id,
        scope.group_id(),
        person,
        category,
        NeedStatus::New,
        source,
        now
    )?;
    write(tx, scope, id, need, category, now).await?;
    // Anyone can type a known person's phone into the public form: their yes waits to be confirmed.
    let unproven = need.involve && known && source == NeedSource::Form;
    if unproven {
        execute!(tx, "UPDATE needs SET involve_confirmed = FALSE WHERE id = $1", id)?;
    }
    record(tx, scope, id, None, NeedStatus::New, None, source.words(), now).await?;
    let category_name = scalar!(tx, String, "SELECT name FROM aid_categories WHERE id = $1", category)?.unwrap_or_default();
    let mut said = format!("Asked for help: {category_name}");
    if unproven {
        said.push_str(", and the form said yes to hearing how to get involved (to confirm with them)");
    } else if need.involve {
        said.push_str(", and said yes to hearing how to get involved");
    }
    people::add_event(tx, scope, person, HistoryKind::Aid, &said, now).await?;
    Ok(id)
}

/// Write what a need says, as typed, onto its row: the one place its
/// details are written, for a new need and a changed one. The postcode is
/// put on the map, and its district is what others see of where.
async fn write(tx: &mut Tx, scope: &Scope, id: NeedId, need: &Need, category: AidCategoryId, now: DateTime<Utc>) -> Result<()> {
    let at = offers::located(tx, &need.postcode).await?;
    let wording = if need.involve { tredegar_domain::aid::involve_wording(scope.group_name()) } else { String::new() };
    execute!(
        tx,
        "UPDATE needs SET category_id = $3, description = $4, urgency = $5, from_on = $6, to_on = $7, contact_name = $8, address = $9, \
         phone = $10, email = $11, how_to_contact = $12, asked_by = $13, postcode = $14, district = $15, latitude = $16, longitude = $17, \
         repeats = $18, series_id = CASE WHEN $18 = 'never' THEN series_id ELSE COALESCE(series_id, id) END, same_volunteer = $19, \
         involve = $20, involve_wording = CASE WHEN $20 AND involve THEN involve_wording ELSE $21 END, \
         involve_confirmed = CASE WHEN $20 AND involve THEN involve_confirmed ELSE TRUE END, modified_at = $22 \
         WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        category,
        &need.description,
        need.urgency,
        need.from_on,
        need.to_on,
        &need.name,
        &need.address,
        need.phone.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
        need.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default(),
        &need.how_to_contact,
        &need.asked_by,
        need.postcode.as_str(),
        contact::postcode_district(&need.postcode.key()),
        at.map(|a| a.0),
        at.map(|a| a.1),
        need.repeats,
        need.same_volunteer,
        need.involve,
        wording,
        now
    )?;
    Ok(())
}

/// Who a need is for, or who offers help: enough to find or make their record.
pub(crate) struct Who<'a> {
    pub name: &'a str,
    pub email: Option<&'a Email>,
    pub phone: Option<&'a Phone>,
    pub postcode: Option<&'a Postcode>,
}

/// Their record in the group, and whether it was already known: one
/// known by the email or phone given, kept as it is, or a new one through
/// the one upsert.
pub(crate) async fn person_of(tx: &mut Tx, scope: &Scope, who: Who<'_>, why: &str, now: DateTime<Utc>) -> Result<(PersonId, bool)> {
    Ok(match people::find_match(tx, scope, who.email, who.phone).await? {
        Some(id) => (id, true),
        None => {
            let (given, family) = match who.name.rsplit_once(' ') {
                Some((given, family)) => (given.to_string(), Some(family.to_string())),
                None => (who.name.to_string(), None),
            };
            let update = PersonUpdate {
                given_name: Some(Some(given)),
                family_name: Some(family),
                emails: who.email.cloned().map(|email| vec![EmailUpdate { email, status: None, primary: true }]),
                phones: who
                    .phone
                    .cloned()
                    .map(|number| vec![PhoneUpdate { phone: number, number_type: PhoneType::Other, status: None, primary: true }]),
                addresses: who.postcode.map(|p| vec![Address { postcode: Some(p.clone()), primary: true, ..Default::default() }]),
                ..PersonUpdate::default()
            };
            (people::upsert(tx, scope, update, NewFields::Refuse, why, now).await?.id, false)
        }
    })
}

/// Change what a need says, while it is open: what, when, who and where,
/// and whether it comes round. The person's record stays as it is. Kept in
/// its history. Coordinators only.
pub async fn edit(tx: &mut Tx, scope: &Scope, id: NeedId, need: &Need, category: AidCategoryId, now: DateTime<Utc>) -> Result<()> {
    let row = get(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    if !scope.role().sees_everyone() {
        return Err(DbError::NotFound);
    }
    if !row.status.open() {
        return Err(Problem::new("need", format!("is {}: only an open need can be changed", row.status.label().to_lowercase())).into());
    }
    let before = contact(tx, scope, &row).await?.ok_or(DbError::NotFound)?;
    let text = |v: Option<&str>| v.unwrap_or_default().to_string();
    let differs = [
        ("kind of help", row.category_id != category),
        ("what is needed", row.description != need.description),
        ("how soon", row.urgency != need.urgency),
        ("dates", row.from_on != need.from_on || row.to_on != need.to_on),
        ("name", before.contact_name != need.name),
        ("address", before.address != need.address),
        ("postcode", before.postcode != need.postcode.as_str()),
        ("phone", before.phone != text(need.phone.as_ref().map(|p| p.as_str()))),
        ("email", before.email != text(need.email.as_ref().map(|e| e.as_str()))),
        ("how to reach them", before.how_to_contact != need.how_to_contact),
        ("asked by", before.asked_by != need.asked_by),
        ("how often", row.repeats != need.repeats || row.same_volunteer != need.same_volunteer),
        ("getting involved", row.involve != need.involve),
    ];
    let changed: Vec<&str> = differs.iter().filter(|(_, d)| *d).map(|(what, _)| *what).collect();
    write(tx, scope, id, need, category, now).await?;
    let note = if changed.is_empty() { "saved, with nothing changed".to_string() } else { format!("changed: {}", changed.join(", ")) };
    // About no volunteer: the counts of offers and acceptances must not see it.
    record(tx, scope, id, Some(row.status), row.status, None, &note, now).await
}

/// A page of the group's needs in these statuses, with how many there are:
/// open ones most urgent and oldest first, the rest newest first.
/// Coordinators only.
pub async fn list(tx: &mut Tx, scope: &Scope, statuses: &[NeedStatus], page: crate::Page) -> Result<(Vec<NeedRow>, i64)> {
    if !scope.role().sees_everyone() {
        return Ok((Vec::new(), 0));
    }
    let matching = |q: &mut Sql| {
        q.push(" WHERE n.group_id = ").bind(scope.group_id()).push(" AND n.status IN (");
        q.bind_list(statuses.iter().map(|s| s.as_str())).push(")");
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM needs n");
    matching(&mut count);
    let total = count.count(tx).await?;
    let mut q = Sql::new(SELECT);
    matching(&mut q);
    q.push(if statuses.iter().all(|s| s.open()) {
        " ORDER BY n.urgency = 'today' DESC, n.urgency = 'this_week' DESC, n.created_at, n.id"
    } else {
        " ORDER BY n.modified_at DESC, n.id"
    });
    q.page(page);
    Ok((q.fetch_all(tx).await?, total))
}

/// How the API's `filter` reads each field of a need.
fn filter_column(field: &str) -> Option<crate::sql::FilterColumn> {
    use crate::sql::{FilterColumn, FilterKind};
    let (column, kind) = match field {
        "identifier" => ("n.id", FilterKind::Id),
        "created_date" => ("n.created_at", FilterKind::Time),
        "modified_date" => ("n.modified_at", FilterKind::Time),
        "status" => ("n.status", FilterKind::Text),
        "urgency" => ("n.urgency", FilterKind::Text),
        "district" => ("n.district", FilterKind::Text),
        "category" => ("c.name", FilterKind::Text),
        _ => return None,
    };
    Some(FilterColumn::plain(column, kind))
}

/// The fields the API may filter needs by.
pub const FILTERS: &[&str] = &["identifier", "created_date", "modified_date", "status", "urgency", "district", "category"];

/// A page of needs for the API, newest first, with how many match: every
/// need of the group for coordinators; for a volunteer, the open ones
/// offered to or taken by them.
pub async fn page(tx: &mut Tx, scope: &Scope, filter: &tredegar_domain::filter::Filter, page: crate::Page) -> Result<(Vec<NeedRow>, i64)> {
    let matching = |q: &mut Sql| -> Result<()> {
        q.push(" WHERE n.group_id = ").bind(scope.group_id());
        if !scope.role().sees_everyone() {
            q.push(" AND n.volunteer_id = ").bind(scope.user_id()).push(" AND n.status IN ('offered', 'accepted', 'in_progress')");
        }
        q.push(" AND ");
        q.filter(filter, filter_column).map(drop)
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM needs n JOIN aid_categories c ON c.id = n.category_id");
    matching(&mut count)?;
    let total = count.count(tx).await?;
    let mut q = Sql::new(SELECT);
    matching(&mut q)?;
    q.push(" ORDER BY n.created_at DESC, n.id").page(page);
    Ok((q.fetch_all(tx).await?, total))
}

/// The needs offered to, or taken by, the scope's own user.
pub async fn mine(tx: &mut Tx, scope: &Scope) -> Result<Vec<NeedRow>> {
    let Some(me) = scope.user_id() else { return Ok(Vec::new()) };
    let mut q = Sql::new(SELECT);
    q.push(" WHERE n.group_id = ").bind(scope.group_id()).push(" AND n.volunteer_id = ").bind(me);
    q.push(" AND n.status IN ('offered', 'accepted', 'in_progress') ORDER BY n.status, n.created_at, n.id");
    q.fetch_all(tx).await
}

/// One need, if the scope may see it: coordinators any; a volunteer one
/// offered to them or taken by them, while it is open.
pub async fn get(tx: &mut Tx, scope: &Scope, id: NeedId) -> Result<Option<NeedRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE n.id = ").bind(id).push(" AND n.group_id = ").bind(scope.group_id());
    let need: Option<NeedRow> = q.fetch_optional(tx).await?;
    Ok(need.filter(|n| scope.role().sees_everyone() || (n.status.open() && n.volunteer_id.is_some() && n.volunteer_id == scope.user_id())))
}

/// Whether the scope may read the need's contact details: coordinators, and
/// the volunteer who accepted it while it is open. The caller audits the read.
pub fn may_contact(scope: &Scope, need: &NeedRow) -> bool {
    let theirs = need.volunteer_id.is_some()
        && need.volunteer_id == scope.user_id()
        && matches!(need.status, NeedStatus::Accepted | NeedStatus::InProgress);
    scope.role().sees_everyone() || theirs
}

pub async fn contact(tx: &mut Tx, scope: &Scope, need: &NeedRow) -> Result<Option<Contact>> {
    if !may_contact(scope, need) {
        return Ok(None);
    }
    Ok(fetch_optional!(
        tx,
        Contact,
        "SELECT contact_name, address, postcode, phone, email, how_to_contact, asked_by FROM needs WHERE id = $1 AND group_id = $2",
        need.id,
        scope.group_id()
    )?)
}

/// Move a need on. Coordinators may make any move the rules allow, and offer
/// it to a member whose offer covers its category (a checked one, if the
/// category needs it). A volunteer may answer what was offered them, and
/// start, finish or hand back what they took.
pub async fn change(
    tx: &mut Tx,
    scope: &Scope,
    id: NeedId,
    to: NeedStatus,
    volunteer: Option<UserId>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let need = get(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    if !need.status.can_become(to) {
        let why = format!("is {}, so it cannot become {}", need.status.label().to_lowercase(), to.label().to_lowercase());
        return Err(Problem::new("status", why).into());
    }
    let coordinator = scope.role().sees_everyone();
    let theirs = need.volunteer_id.is_some() && need.volunteer_id == scope.user_id();
    let volunteers_move = matches!(
        (need.status, to),
        (NeedStatus::Offered, NeedStatus::Accepted | NeedStatus::Triaged)
            | (NeedStatus::Accepted, NeedStatus::InProgress | NeedStatus::Done | NeedStatus::Triaged)
            | (NeedStatus::InProgress, NeedStatus::Done | NeedStatus::Triaged)
    );
    if !(coordinator || (theirs && volunteers_move)) {
        return Err(DbError::NotFound);
    }
    if to == NeedStatus::Accepted
        && let Some(user) = need.volunteer_id
    {
        offers::may_accept(tx, scope, user, &need, now).await?;
    }
    let volunteer = match to {
        NeedStatus::Offered => {
            let to_whom = volunteer.ok_or_else(|| Problem::new("volunteer", "choose who to offer it to"))?;
            offers::may_take(tx, scope, to_whom, &need, now).await?;
            Some(to_whom)
        }
        // Back to be offered again: it is nobody's.
        NeedStatus::Triaged | NeedStatus::New => None,
        _ => need.volunteer_id,
    };
    let n = execute!(
        tx,
        "UPDATE needs SET status = $3, volunteer_id = $4, modified_at = $5, \
         offered_at = CASE WHEN $3 = 'offered' THEN $5 ELSE offered_at END \
         WHERE id = $1 AND group_id = $2 AND status = $6 AND (volunteer_id = $7 OR (volunteer_id IS NULL AND $7 IS NULL))",
        id,
        scope.group_id(),
        to,
        volunteer,
        now,
        need.status,
        need.volunteer_id
    )?;
    if n == 0 {
        return Err(Problem::new("status", "changed while you were looking: reload the page").into());
    }
    // Any answer link still out for it stops working: each is for one offer.
    execute!(tx, "UPDATE need_links SET used_at = $2 WHERE need_id = $1 AND purpose = 'answer' AND used_at IS NULL", id, now)?;
    // Who it concerned: the one offered it, or the one who had it.
    let about = volunteer.or(need.volunteer_id);
    record(tx, scope, id, Some(need.status), to, about, note, now).await?;
    if let (NeedStatus::Done, Some(user)) = (to, about) {
        // Their help counts on the ladder, on their own record in the group.
        let person =
            scalar!(tx, PersonId, "SELECT person_id FROM aid_offers WHERE group_id = $1 AND user_id = $2", scope.group_id(), user)?;
        if let Some(person) = person {
            crate::ladder::refresh(tx, scope, person, &format!("helped with {}", need.category.to_lowercase()), now).await?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut Tx,
    scope: &Scope,
    need: NeedId,
    from: Option<NeedStatus>,
    to: NeedStatus,
    volunteer: Option<UserId>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO need_changes (id, need_id, group_id, from_status, to_status, volunteer_id, by_user, by_name, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        NeedChangeId::new(),
        need,
        scope.group_id(),
        from,
        to,
        volunteer,
        scope.user_id(),
        scope.actor_name(),
        note,
        now
    )?;
    Ok(())
}

/// One change in a need's history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Change {
    pub from_status: Option<NeedStatus>,
    pub to_status: NeedStatus,
    pub volunteer_name: Option<String>,
    pub by_name: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A need's history, newest first, for whoever may see the need: a
/// volunteer sees its steps and when, not the notes or who.
pub async fn history(tx: &mut Tx, scope: &Scope, need: &NeedRow) -> Result<Vec<Change>> {
    let mut q = Sql::new(
        "SELECT h.from_status, h.to_status, u.name AS volunteer_name, h.by_name, h.note, h.at FROM need_changes h \
         LEFT JOIN users u ON u.id = h.volunteer_id WHERE h.need_id = ",
    );
    q.bind(need.id).push(" AND h.group_id = ").bind(scope.group_id()).push(" ORDER BY h.at DESC, h.id DESC");
    let mut changes: Vec<Change> = q.fetch_all(tx).await?;
    if !scope.role().sees_everyone() {
        // Notes may hold what only coordinators, or an earlier volunteer, should read.
        for c in &mut changes {
            c.note.clear();
            c.volunteer_name = None;
            c.by_name.clear();
        }
    }
    Ok(changes)
}
