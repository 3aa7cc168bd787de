//! Residency: who lives in which flat or house, from when to when. Moving
//! out closes a residency rather than deleting it, so a person's homes and a
//! unit's residents keep their history.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::{BuildingId, GroupId, PersonId, ResidencyId, UnitId};

use tredegar_domain::people::HistoryKind;

use crate::{DbError, Result, Scope, Sql, Tx, people};

/// Someone living (or who lived) in a unit, as a building page lists them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Resident {
    pub id: ResidencyId,
    pub unit_id: UnitId,
    pub person_id: PersonId,
    pub group_id: GroupId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub moved_in: Option<NaiveDate>,
    pub moved_out: Option<NaiveDate>,
}

impl Resident {
    pub fn display_name(&self) -> String {
        people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
}

/// A home of a person's, now or before.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Home {
    pub id: ResidencyId,
    pub unit_id: UnitId,
    pub label: String,
    pub building_id: BuildingId,
    pub building_name: String,
    pub postcode: String,
    pub moved_in: Option<NaiveDate>,
    pub moved_out: Option<NaiveDate>,
}

/// Appends "residency `r` holds on `today`": moved in by then, not yet out.
pub(crate) fn current(q: &mut Sql, today: NaiveDate) {
    q.push("(r.moved_in IS NULL OR r.moved_in <= ").bind(today);
    q.push(") AND (r.moved_out IS NULL OR r.moved_out > ").bind(today).push(")");
}

/// The unit's words for a person's timeline: "Flat 12, Bevan Court".
async fn unit_words(tx: &mut Tx, unit: UnitId) -> Result<String> {
    let words = scalar!(
        tx,
        String,
        "SELECT u.label || ', ' || b.name FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = $1",
        unit
    )?;
    Ok(words.unwrap_or_default())
}

/// Their timeline's line for leaving a unit.
async fn note_moved_out(tx: &mut Tx, scope: &Scope, person: PersonId, unit: UnitId, on: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    let said = format!("Moved out of {} on {}", unit_words(tx, unit).await?, on.format("%-d %b %Y"));
    people::add_event(tx, scope, person, HistoryKind::Moved, &said, now).await
}

/// Record that a person lives (or lived) in a unit; the unit must be the
/// group's. A home with no end ends any other home they have not moved out
/// of, on the day they moved in (or today). Their timeline says so.
pub async fn move_in(
    tx: &mut Tx,
    scope: &Scope,
    person: PersonId,
    unit: UnitId,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    now: DateTime<Utc>,
) -> Result<ResidencyId> {
    if !people::sees(tx, scope, person).await? {
        return Err(DbError::NotFound);
    }
    settle(tx, scope, person, unit, dates, now).await
}

/// `move_in` once the caller has checked the scope may move this person:
/// a walker may, for someone new they met at a door on their list.
pub(crate) async fn settle(
    tx: &mut Tx,
    scope: &Scope,
    person: PersonId,
    unit: UnitId,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    now: DateTime<Utc>,
) -> Result<ResidencyId> {
    let already =
        scalar!(tx, i64, "SELECT COUNT(*) FROM residencies WHERE person_id = $1 AND unit_id = $2 AND moved_out IS NULL", person, unit)?;
    if dates.1.is_none() && already.unwrap_or(0) > 0 {
        let problem = tredegar_domain::Problem::new("person", "already lives here");
        return Err(tredegar_domain::FieldErrors::from(problem).into());
    }
    if dates.1.is_none() {
        let on = dates.0.unwrap_or_else(|| now.date_naive());
        let left: Vec<(ResidencyId, UnitId)> = fetch_all!(
            tx,
            (ResidencyId, UnitId),
            "SELECT id, unit_id FROM residencies WHERE person_id = $1 AND moved_out IS NULL AND (moved_in IS NULL OR moved_in < $2)",
            person,
            on
        )?;
        for (old, old_unit) in left {
            execute!(tx, "UPDATE residencies SET moved_out = $2 WHERE id = $1", old, on)?;
            note_moved_out(tx, scope, person, old_unit, on, now).await?;
        }
    }
    let id = ResidencyId::new();
    let n = execute!(
        tx,
        "INSERT INTO residencies (id, group_id, person_id, unit_id, moved_in, moved_out, created_at) \
         SELECT $1, u.group_id, $2, u.id, $4, $5, $6 FROM units u WHERE u.id = $3 AND u.group_id = $7",
        id,
        person,
        unit,
        dates.0,
        dates.1,
        now,
        scope.group_id()
    )?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    let said = format!("Lives at {}", unit_words(tx, unit).await?);
    people::add_event(tx, scope, person, HistoryKind::Moved, &said, now).await?;
    Ok(id)
}

/// They moved out on this day. False if there is no such residency the
/// scope may change.
pub async fn move_out(tx: &mut Tx, scope: &Scope, id: ResidencyId, on: NaiveDate, now: DateTime<Utc>) -> Result<bool> {
    let Some((person, unit)) = whose(tx, scope, id).await? else { return Ok(false) };
    let n = execute!(
        tx,
        "UPDATE residencies SET moved_out = $3 WHERE id = $1 AND group_id = $2 AND (moved_in IS NULL OR moved_in <= $3)",
        id,
        scope.group_id(),
        on
    )?;
    if n == 0 {
        return Err(
            tredegar_domain::FieldErrors::from(tredegar_domain::Problem::new("moved_out", "must not be before they moved in")).into()
        );
    }
    note_moved_out(tx, scope, person, unit, on, now).await?;
    Ok(true)
}

/// Take away a residency recorded by mistake (moving out keeps it
/// instead); their timeline keeps a line saying so.
pub async fn remove(tx: &mut Tx, scope: &Scope, id: ResidencyId, now: DateTime<Utc>) -> Result<bool> {
    let Some((person, unit)) = whose(tx, scope, id).await? else { return Ok(false) };
    execute!(tx, "DELETE FROM residencies WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    let said = format!("Home at {} taken off (recorded by mistake)", unit_words(tx, unit).await?);
    people::add_event(tx, scope, person, HistoryKind::Moved, &said, now).await?;
    Ok(true)
}

/// Whose residency this is, and of which unit, if the scope may change it.
pub async fn whose(tx: &mut Tx, scope: &Scope, id: ResidencyId) -> Result<Option<(PersonId, UnitId)>> {
    let found = fetch_optional!(
        tx,
        (PersonId, UnitId),
        "SELECT person_id, unit_id FROM residencies WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id()
    )?;
    match found {
        Some((person, unit)) if people::sees(tx, scope, person).await? => Ok(Some((person, unit))),
        _ => Ok(None),
    }
}

/// The people living in a building's units on `today` that the scope may
/// see (a volunteer: only those assigned to them), in door order.
pub async fn of_building(tx: &mut Tx, scope: &Scope, building: BuildingId, today: NaiveDate) -> Result<Vec<Resident>> {
    let mut q = Sql::new(
        "SELECT r.id, r.unit_id, r.person_id, p.group_id, p.given_name, p.family_name, r.moved_in, r.moved_out \
         FROM units u JOIN residencies r ON r.unit_id = u.id JOIN people p ON p.id = r.person_id WHERE u.building_id = ",
    );
    q.bind(building).push(" AND u.group_id = ").bind(scope.group_id()).push(" AND ");
    current(&mut q, today);
    q.push(" AND ");
    scope.visible_people(&mut q, "p");
    q.push(" ORDER BY u.number, u.label_key, p.name_key LIMIT 5000");
    q.fetch_all(tx).await
}

/// Everyone who has lived in a unit, newest first, that the scope may see.
pub async fn of_unit(tx: &mut Tx, scope: &Scope, unit: UnitId) -> Result<Vec<Resident>> {
    let mut q = Sql::new(
        "SELECT r.id, r.unit_id, r.person_id, p.group_id, p.given_name, p.family_name, r.moved_in, r.moved_out \
         FROM residencies r JOIN people p ON p.id = r.person_id WHERE r.unit_id = ",
    );
    q.bind(unit).push(" AND r.group_id = ").bind(scope.group_id()).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.push(" ORDER BY COALESCE(r.moved_in, '0001-01-01') DESC, r.created_at DESC LIMIT 500");
    q.fetch_all(tx).await
}

/// A person's homes, newest first. The caller has checked the scope may
/// read the person.
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Vec<Home>> {
    Ok(fetch_all!(
        tx,
        Home,
        "SELECT r.id, r.unit_id, u.label, b.id AS building_id, b.name AS building_name, u.postcode, r.moved_in, r.moved_out \
         FROM residencies r JOIN units u ON u.id = r.unit_id JOIN buildings b ON b.id = u.building_id \
         WHERE r.person_id = $1 AND r.group_id = $2 ORDER BY COALESCE(r.moved_in, '0001-01-01') DESC, r.created_at DESC",
        person,
        scope.group_id()
    )?)
}
