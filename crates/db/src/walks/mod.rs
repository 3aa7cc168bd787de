//! Walk lists: an organiser cuts turf (some buildings, less the doors
//! knocked lately, or already assessed, or with nobody from a segment) into
//! lists of about N doors in walking order, each with its survey questions,
//! and gives each list to walkers. A walker reads only the lists they walk,
//! only while open, and of the people there only their names.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::calls::ListStatus;
use tredegar_domain::segments::Node;
use tredegar_domain::walks::{Cut, DoorOutcome, DoorPlace, Question, QuestionKind, split, walking_order};
use tredegar_domain::{BuildingId, CampaignId, GroupId, PersonId, Problem, QuestionId, UnitId, UserId, WalkListId};

use crate::people::{Order, Search};
use crate::{DbError, Result, Scope, Sql, Tx};

mod knocks;

pub use knocks::{Knock, KnockRow, Progress, answers, conflicts, knocks, met_at_door, open_list, progress, record, recorded};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WalkList {
    pub id: WalkListId,
    pub name: String,
    pub part: i64,
    pub parts: i64,
    pub status: ListStatus,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

impl WalkList {
    /// "Bevan Court, 2 of 3", or the name alone for a turf cut in one.
    pub fn title(&self) -> String {
        if self.parts > 1 { format!("{}, {} of {}", self.name, self.part, self.parts) } else { self.name.clone() }
    }
}

/// Which doors a turf holds.
#[derive(Clone, Debug)]
pub struct Turf {
    pub buildings: Vec<BuildingId>,
    pub cut: Cut,
    /// Whose assessments count for `Cut::unassessed_only`; None for any.
    pub campaign: Option<CampaignId>,
    /// Keep only doors where someone in this segment lives.
    pub segment: Option<Node>,
}

#[derive(sqlx::FromRow)]
struct Candidate {
    unit_id: UnitId,
    building_id: BuildingId,
    building_name: String,
    street: bool,
    floor: Option<i64>,
    number: i64,
    label: String,
}

/// Cut the turf into walk lists named `name`, each with these questions.
/// Returns the lists in walking order.
pub async fn cut(
    tx: &mut Tx,
    scope: &Scope,
    name: &str,
    turf: &Turf,
    questions: &[Question],
    now: DateTime<Utc>,
) -> Result<Vec<WalkListId>> {
    if turf.buildings.is_empty() {
        return Err(Problem::new("buildings", "choose at least one building or street").into());
    }
    if let Some(c) = turf.campaign
        && crate::campaigns::get(tx, scope, c).await?.is_none()
    {
        return Err(Problem::new("campaign", "is not one of the group's campaigns").into());
    }
    let today = now.date_naive();
    let mut q = Sql::new(
        "SELECT u.id AS unit_id, u.building_id, b.name AS building_name, b.kind = 'street' AS street, u.floor, u.number, u.label \
         FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.building_id IN (",
    );
    q.bind_list(turf.buildings.iter().copied()).push(") AND u.group_id = ").bind(scope.group_id());
    if let Some(days) = turf.cut.not_knocked_days {
        q.push(" AND NOT EXISTS (SELECT 1 FROM door_knocks k WHERE k.unit_id = u.id AND k.knocked_at >= ");
        q.bind(now - chrono::Duration::days(days)).push(")");
    }
    if turf.cut.unassessed_only {
        q.push(" AND NOT EXISTS (SELECT 1 FROM residencies r JOIN assessments a ON a.person_id = r.person_id WHERE r.unit_id = u.id AND ");
        crate::residents::current(&mut q, today);
        if let Some(c) = turf.campaign {
            q.push(" AND a.campaign_id = ").bind(c);
        }
        q.push(")");
    }
    let mut doors: Vec<Candidate> = q.fetch_all(tx).await?;
    if let Some(segment) = &turf.segment {
        let living = in_segment(tx, scope, &turf.buildings, segment, now).await?;
        doors.retain(|d| living.contains(&d.unit_id));
    }
    if doors.is_empty() {
        return Err(Problem::new("buildings", "no doors match: choose more buildings, or fewer filters").into());
    }
    let place = |d: &Candidate| DoorPlace {
        building: (d.building_name.clone(), d.building_id.to_string()),
        street: d.street,
        floor: d.floor,
        number: d.number,
        label: d.label.clone(),
    };
    doors.sort_by(|a, b| walking_order(&place(a), &place(b)));
    let buildings: Vec<BuildingId> = doors.iter().map(|d| d.building_id).collect();
    let parts = split(&buildings, turf.cut.doors_per_list);
    let mut made = Vec::with_capacity(parts.len());
    let count = i64::try_from(parts.len()).unwrap_or(i64::MAX);
    for (n, range) in (1i64..).zip(parts) {
        let id = WalkListId::new();
        execute!(
            tx,
            "INSERT INTO walk_lists (id, group_id, name, part, parts, status, created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            id,
            scope.group_id(),
            name,
            n,
            count,
            ListStatus::Open,
            scope.actor_name(),
            now
        )?;
        let these = doors.get(range).unwrap_or_default();
        let group = scope.group_id();
        let head = "INSERT INTO walk_list_doors (walk_list_id, unit_id, group_id, position) VALUES";
        Sql::insert_rows(tx, head, "", &these.iter().zip(0i64..).collect::<Vec<_>>(), |q, (d, position)| {
            q.bind(id).push(", ").bind(d.unit_id).push(", ").bind(group).push(", ").bind(*position);
        })
        .await?;
        for (position, question) in (0i64..).zip(questions) {
            execute!(
                tx,
                "INSERT INTO walk_questions (id, walk_list_id, group_id, position, kind, prompt, choices) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                QuestionId::new(),
                id,
                group,
                position,
                question.kind,
                question.prompt.as_str(),
                question.stored_choices()
            )?;
        }
        made.push(id);
    }
    Ok(made)
}

/// The units of these buildings where someone in the segment lives now.
async fn in_segment(tx: &mut Tx, scope: &Scope, buildings: &[BuildingId], segment: &Node, now: DateTime<Utc>) -> Result<HashSet<UnitId>> {
    let segment = crate::lists::resolve(tx, scope, segment, now).await?;
    let (found, _) =
        crate::people::list(tx, scope, &Search::Segment(segment), &Default::default(), Order::Name, crate::Page::everything()).await?;
    let people: HashSet<PersonId> = found.iter().map(|p| p.id).collect();
    let mut q = Sql::new("SELECT r.unit_id, r.person_id FROM units u JOIN residencies r ON r.unit_id = u.id WHERE u.building_id IN (");
    q.bind_list(buildings.iter().copied()).push(") AND u.group_id = ").bind(scope.group_id()).push(" AND ");
    crate::residents::current(&mut q, now.date_naive());
    let living: Vec<(UnitId, PersonId)> = q.fetch_all(tx).await?;
    Ok(living.into_iter().filter(|(_, p)| people.contains(p)).map(|(u, _)| u).collect())
}

const SELECT: &str = "SELECT l.id, l.name, l.part, l.parts, l.status, l.created_by_name, l.created_at FROM walk_lists l";

/// Appends "and a volunteer walks the open list `l`".
fn mine_only(q: &mut Sql, scope: &Scope) {
    if !scope.role().sees_everyone() {
        q.push(" AND l.status = 'open' AND EXISTS (SELECT 1 FROM walk_list_walkers w WHERE w.walk_list_id = l.id AND w.user_id = ");
        q.bind(scope.user_id()).push(")");
    }
}

/// A page of the walk lists the scope may work, newest first, and how many
/// there are: all of the group's for organisers; for a volunteer, the open
/// ones they walk.
pub async fn list(tx: &mut Tx, scope: &Scope, page: crate::Page) -> Result<(Vec<WalkList>, i64)> {
    let matching = |columns: &'static str| {
        let mut q = Sql::new(columns);
        q.push(" WHERE l.group_id = ").bind(scope.group_id());
        mine_only(&mut q, scope);
        q
    };
    let mut q = matching(SELECT);
    q.push(" ORDER BY l.created_at DESC, l.name, l.part, l.id").page(page);
    let shown = q.fetch_all(tx).await?;
    Ok((shown, matching("SELECT COUNT(*) FROM walk_lists l").count(tx).await?))
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<Option<WalkList>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE l.id = ").bind(id).push(" AND l.group_id = ").bind(scope.group_id());
    mine_only(&mut q, scope);
    q.fetch_optional(tx).await
}

pub async fn set_status(tx: &mut Tx, scope: &Scope, id: WalkListId, status: ListStatus) -> Result<()> {
    let n = execute!(tx, "UPDATE walk_lists SET status = $3 WHERE id = $1 AND group_id = $2", id, scope.group_id(), status)?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Give the list to these walkers (members of the group), in place of any
/// it had.
pub async fn set_walkers(tx: &mut Tx, scope: &Scope, id: WalkListId, walkers: &[UserId]) -> Result<()> {
    get(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    let members = crate::users::members(tx, scope).await?;
    if walkers.iter().any(|w| !members.iter().any(|m| m.user_id == *w)) {
        return Err(Problem::new("walkers", "must be members of the group").into());
    }
    execute!(tx, "DELETE FROM walk_list_walkers WHERE walk_list_id = $1", id)?;
    let group = scope.group_id();
    let head = "INSERT INTO walk_list_walkers (walk_list_id, user_id, group_id) VALUES";
    Sql::insert_rows(tx, head, "", walkers, |q, w| {
        q.bind(id).push(", ").bind(*w).push(", ").bind(group);
    })
    .await
}

/// A list's walkers.
pub async fn walkers(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<Vec<(UserId, String)>> {
    Ok(fetch_all!(
        tx,
        (UserId, String),
        "SELECT u.id, u.name FROM walk_list_walkers w JOIN users u ON u.id = w.user_id WHERE w.walk_list_id = $1 AND w.group_id = $2 ORDER BY u.name",
        id,
        scope.group_id()
    )?)
}

/// A survey question on a list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: QuestionId,
    pub kind: QuestionKind,
    pub prompt: String,
    pub choices: String,
}

impl QuestionRow {
    pub fn question(&self) -> Question {
        let choices = self.choices.lines().map(str::to_string).collect();
        Question { kind: self.kind, prompt: self.prompt.clone(), choices }
    }
}

/// The list's questions, in order. The caller has read the list.
pub async fn questions(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<Vec<QuestionRow>> {
    Ok(fetch_all!(
        tx,
        QuestionRow,
        "SELECT id, kind, prompt, choices FROM walk_questions WHERE walk_list_id = $1 AND group_id = $2 ORDER BY position",
        id,
        scope.group_id()
    )?)
}

/// A door on a list, and the last thing recorded there on it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Door {
    pub unit_id: UnitId,
    pub position: i64,
    pub label: String,
    pub building_name: String,
    pub floor: Option<i64>,
    pub address_lines: String,
    pub postcode: String,
    pub records: i64,
    pub last_outcome: Option<DoorOutcome>,
}

const DOORS: &str = "SELECT d.unit_id, d.position, u.label, b.name AS building_name, u.floor, u.address_lines, u.postcode, \
     (SELECT COUNT(*) FROM door_knocks k WHERE k.walk_list_id = d.walk_list_id AND k.unit_id = d.unit_id) AS records, \
     (SELECT k.outcome FROM door_knocks k WHERE k.walk_list_id = d.walk_list_id AND k.unit_id = d.unit_id \
      ORDER BY k.knocked_at DESC LIMIT 1) AS last_outcome \
     FROM walk_list_doors d JOIN units u ON u.id = d.unit_id JOIN buildings b ON b.id = u.building_id WHERE d.walk_list_id = ";

/// The list's doors in walking order. The caller has read the list.
pub async fn doors(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<Vec<Door>> {
    let mut q = Sql::new(DOORS);
    q.bind(id).push(" AND d.group_id = ").bind(scope.group_id()).push(" ORDER BY d.position");
    q.fetch_all(tx).await
}

/// One door of the list.
pub async fn door(tx: &mut Tx, scope: &Scope, id: WalkListId, unit: UnitId) -> Result<Option<Door>> {
    let mut q = Sql::new(DOORS);
    q.bind(id).push(" AND d.unit_id = ").bind(unit).push(" AND d.group_id = ").bind(scope.group_id());
    q.fetch_optional(tx).await
}

/// Someone living at a door: all a walker reads of them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AtTheDoor {
    pub unit_id: UnitId,
    pub person_id: PersonId,
    pub group_id: GroupId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

impl AtTheDoor {
    pub fn name(&self) -> String {
        crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
}

/// Who lives at the list's doors today (or at one of them), by door. The
/// caller has read the list, and audits what it shows.
pub async fn residents(tx: &mut Tx, scope: &Scope, id: WalkListId, unit: Option<UnitId>, today: NaiveDate) -> Result<Vec<AtTheDoor>> {
    let mut q = Sql::new(
        "SELECT r.unit_id, r.person_id, p.group_id, p.given_name, p.family_name FROM walk_list_doors d \
         JOIN residencies r ON r.unit_id = d.unit_id JOIN people p ON p.id = r.person_id WHERE d.walk_list_id = ",
    );
    q.bind(id).push(" AND d.group_id = ").bind(scope.group_id()).push(" AND p.group_id = ").bind(scope.group_id());
    if let Some(u) = unit {
        q.push(" AND d.unit_id = ").bind(u);
    }
    q.push(" AND ");
    crate::residents::current(&mut q, today);
    q.push(" ORDER BY d.position, p.name_key, p.id");
    q.fetch_all(tx).await
}
