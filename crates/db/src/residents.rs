//! Residency: who lives in which flat or house, from when to when. Moving
//! out closes a residency rather than deleting it, so a person's homes and a
//! unit's residents keep their history.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::{BuildingId, GroupId, PersonId, ResidencyId, UnitId};

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

/// Record that a person lives (or lived) in a unit. The scope must be able
/// to act on the person; the unit must be the group's.
pub async fn move_in(
    tx: &mut Tx,
    scope: &Scope,
    person: PersonId,
    unit: UnitId,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    now: DateTime<Utc>,
) -> Result<ResidencyId> {
    if !people::acts_on(tx, scope, person).await? {
        return Err(DbError::NotFound);
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
    if n == 0 { Err(DbError::NotFound) } else { Ok(id) }
}

/// They moved out on this day. False if there is no such residency the
/// scope may change.
pub async fn move_out(tx: &mut Tx, scope: &Scope, id: ResidencyId, on: NaiveDate) -> Result<bool> {
    let Some(person) = person_of(tx, scope, id).await? else { return Ok(false) };
    if !people::acts_on(tx, scope, person).await? {
        return Ok(false);
    }
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
    Ok(true)
}

/// Take away a residency recorded by mistake (moving out keeps it instead).
pub async fn remove(tx: &mut Tx, scope: &Scope, id: ResidencyId) -> Result<bool> {
    let Some(person) = person_of(tx, scope, id).await? else { return Ok(false) };
    if !people::acts_on(tx, scope, person).await? {
        return Ok(false);
    }
    Ok(execute!(tx, "DELETE FROM residencies WHERE id = $1 AND group_id = $2", id, scope.group_id())? > 0)
}

async fn person_of(tx: &mut Tx, scope: &Scope, id: ResidencyId) -> Result<Option<PersonId>> {
    Ok(scalar!(tx, PersonId, "SELECT person_id FROM residencies WHERE id = $1 AND group_id = $2", id, scope.group_id())?)
}

/// Whose residency this is, and of which unit, if the scope may act on them.
pub async fn whose(tx: &mut Tx, scope: &Scope, id: ResidencyId) -> Result<Option<(PersonId, crate::places::UnitRow)>> {
    let Some(person) = person_of(tx, scope, id).await? else { return Ok(None) };
    if !people::acts_on(tx, scope, person).await? {
        return Ok(None);
    }
    let unit = scalar!(tx, UnitId, "SELECT unit_id FROM residencies WHERE id = $1", id)?;
    Ok(match unit {
        Some(u) => crate::places::unit(tx, scope, u).await?.map(|u| (person, u)),
        None => None,
    })
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
