//! Landlords and other organisations, and who owned each building when. The
//! issues raised about a building stay with the building, so they follow it
//! across a sale; a landlord's page reads them through its ownerships.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::places::{Organisation, OrganisationKind};
use tredegar_domain::{BuildingId, OrganisationId, OwnershipId};

use crate::{DbError, Result, Scope, Tx, is_unique_violation};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    pub website: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

/// A building and who owned it when: a line of its history, or of a
/// landlord's holdings.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Ownership {
    pub id: OwnershipId,
    pub building_id: BuildingId,
    pub building_name: String,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub from_on: Option<NaiveDate>,
    pub to_on: Option<NaiveDate>,
}

impl Ownership {
    /// Whether they hold it on this day.
    pub fn holds_on(&self, day: NaiveDate) -> bool {
        self.from_on.is_none_or(|f| f <= day) && self.to_on.is_none_or(|t| t > day)
    }
}

const ORGANISATION: &str = "SELECT id, name, kind, website, notes, created_at FROM organisations";

pub async fn add(tx: &mut Tx, scope: &Scope, o: &Organisation, now: DateTime<Utc>) -> Result<OrganisationId> {
    let id = OrganisationId::new();
    let r = execute!(
        tx,
        "INSERT INTO organisations (id, group_id, name, name_key, kind, website, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        scope.group_id(),
        &o.name,
        o.name.to_lowercase(),
        o.kind,
        &o.website,
        &o.notes,
        now
    );
    match r {
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate {
            field: "name".into(),
            message: format!("there is already an organisation called '{}'", o.name),
            existing: None,
        }),
        Err(e) => Err(e.into()),
        Ok(_) => Ok(id),
    }
}

pub async fn update(tx: &mut Tx, scope: &Scope, id: OrganisationId, o: &Organisation) -> Result<()> {
    let r = execute!(
        tx,
        "UPDATE organisations SET name = $3, name_key = $4, kind = $5, website = $6, notes = $7 WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        &o.name,
        o.name.to_lowercase(),
        o.kind,
        &o.website,
        &o.notes
    );
    match r {
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate {
            field: "name".into(),
            message: format!("there is already an organisation called '{}'", o.name),
            existing: None,
        }),
        Err(e) => Err(e.into()),
        Ok(0) => Err(DbError::NotFound),
        Ok(_) => Ok(()),
    }
}

/// A page of the group's landlords and owners, by name, and how many there are.
pub async fn list(tx: &mut Tx, scope: &Scope, page: crate::Page) -> Result<(Vec<OrganisationRow>, i64)> {
    let mut q = crate::Sql::new(ORGANISATION);
    q.push(" WHERE group_id = ").bind(scope.group_id()).push(" ORDER BY name_key, id").page(page);
    let shown = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM organisations WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((shown, total))
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: OrganisationId) -> Result<Option<OrganisationRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{ORGANISATION} WHERE id = $1 AND group_id = $2"));
    Ok(fetch_optional!(tx, OrganisationRow, sql, id, scope.group_id())?)
}

/// Record that an organisation owned a building, from one date to another
/// (either may be unknown). Both must be the group's.
pub async fn record_ownership(
    tx: &mut Tx,
    scope: &Scope,
    building: BuildingId,
    organisation: OrganisationId,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    now: DateTime<Utc>,
) -> Result<OwnershipId> {
    let same = scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM ownerships WHERE building_id = $1 AND organisation_id = $2 AND group_id = $3 \
         AND COALESCE(from_on, '0001-01-01') = COALESCE($4, '0001-01-01')",
        building,
        organisation,
        scope.group_id(),
        dates.0
    )?;
    if same.unwrap_or(0) > 0 {
        return Err(DbError::Duplicate {
            field: "organisation".into(),
            message: "that owner is already recorded from that date".into(),
            existing: None,
        });
    }
    let id = OwnershipId::new();
    let n = execute!(
        tx,
        "INSERT INTO ownerships (id, group_id, building_id, organisation_id, from_on, to_on, created_at) \
         SELECT $1, b.group_id, b.id, o.id, $4, $5, $6 FROM buildings b JOIN organisations o ON o.group_id = b.group_id \
         WHERE b.id = $2 AND o.id = $3 AND b.group_id = $7",
        id,
        building,
        organisation,
        dates.0,
        dates.1,
        now,
        scope.group_id()
    )?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(id) }
}

/// The building an ownership is of.
pub async fn building_of(tx: &mut Tx, scope: &Scope, id: OwnershipId) -> Result<Option<BuildingId>> {
    Ok(scalar!(tx, BuildingId, "SELECT building_id FROM ownerships WHERE id = $1 AND group_id = $2", id, scope.group_id())?)
}

pub async fn remove_ownership(tx: &mut Tx, scope: &Scope, id: OwnershipId) -> Result<bool> {
    Ok(execute!(tx, "DELETE FROM ownerships WHERE id = $1 AND group_id = $2", id, scope.group_id())? > 0)
}

const OWNERSHIP: &str = "SELECT w.id, w.building_id, b.name AS building_name, w.organisation_id, o.name AS organisation_name, w.from_on, w.to_on \
     FROM ownerships w JOIN buildings b ON b.id = w.building_id JOIN organisations o ON o.id = w.organisation_id";

/// Who has owned a building, latest first.
pub async fn of_building(tx: &mut Tx, scope: &Scope, building: BuildingId) -> Result<Vec<Ownership>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{OWNERSHIP} WHERE w.building_id = $1 AND w.group_id = $2 ORDER BY COALESCE(w.from_on, '0001-01-01') DESC, w.created_at DESC"
    ));
    Ok(fetch_all!(tx, Ownership, sql, building, scope.group_id())?)
}

/// Every building an organisation holds or has held, latest first.
pub async fn holdings(tx: &mut Tx, scope: &Scope, organisation: OrganisationId) -> Result<Vec<Ownership>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{OWNERSHIP} WHERE w.organisation_id = $1 AND w.group_id = $2 ORDER BY COALESCE(w.from_on, '0001-01-01') DESC, b.name"
    ));
    Ok(fetch_all!(tx, Ownership, sql, organisation, scope.group_id())?)
}
