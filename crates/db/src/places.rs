//! Places: a group's areas, the buildings in them and the units (flats and
//! houses) in those. Who lives where is in `residents`, who owns what in
//! `landlords`, and how organised each place is in `structure`.

use chrono::{DateTime, Utc};
use tredegar_domain::places::{Area, AreaKind, Building, BuildingKind, Unit, label_key, unit_number};
use tredegar_domain::{AreaId, BuildingId, UnitId};

use crate::{DbError, Result, Scope, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AreaRow {
    pub id: AreaId,
    pub name: String,
    pub kind: AreaKind,
    pub boundary: Option<String>,
    pub target_percent: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BuildingRow {
    pub id: BuildingId,
    pub area_id: Option<AreaId>,
    pub area_name: Option<String>,
    pub name: String,
    pub kind: BuildingKind,
    pub postcode: String,
    pub target_percent: i64,
    pub units: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UnitRow {
    pub id: UnitId,
    pub building_id: BuildingId,
    pub building_name: String,
    pub label: String,
    pub floor: Option<i64>,
    pub number: i64,
    pub address_lines: String,
    pub postcode: String,
}

impl UnitRow {
    /// The whole address, one line after another.
    pub fn address(&self) -> String {
        format!("{}, {}", self.address_lines.replace('\n', ", "), self.postcode)
    }
}

const AREA: &str = "SELECT id, name, kind, boundary, target_percent, created_at FROM areas";

pub async fn add_area(tx: &mut Tx, scope: &Scope, area: &Area, now: DateTime<Utc>) -> Result<AreaId> {
    let id = AreaId::new();
    execute!(
        tx,
        "INSERT INTO areas (id, group_id, name, kind, boundary, target_percent, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        scope.group_id(),
        &area.name,
        area.kind,
        area.boundary.as_deref(),
        area.target_percent,
        now
    )?;
    Ok(id)
}

pub async fn update_area(tx: &mut Tx, scope: &Scope, id: AreaId, area: &Area) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE areas SET name = $3, kind = $4, boundary = $5, target_percent = $6 WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        &area.name,
        area.kind,
        area.boundary.as_deref(),
        area.target_percent
    )?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

pub async fn areas(tx: &mut Tx, scope: &Scope) -> Result<Vec<AreaRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{AREA} WHERE group_id = $1 ORDER BY name, id"));
    Ok(fetch_all!(tx, AreaRow, sql, scope.group_id())?)
}

pub async fn area(tx: &mut Tx, scope: &Scope, id: AreaId) -> Result<Option<AreaRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{AREA} WHERE id = $1 AND group_id = $2"));
    Ok(fetch_optional!(tx, AreaRow, sql, id, scope.group_id())?)
}

/// An area of this group, or a problem naming the field.
async fn own_area(tx: &mut Tx, scope: &Scope, area: Option<AreaId>) -> Result<()> {
    match area {
        Some(a) if area_exists(tx, scope, a).await? => Ok(()),
        Some(_) => {
            Err(tredegar_domain::FieldErrors::from(tredegar_domain::Problem::new("area", "is not one of this group's areas")).into())
        }
        None => Ok(()),
    }
}

async fn area_exists(tx: &mut Tx, scope: &Scope, id: AreaId) -> Result<bool> {
    Ok(scalar!(tx, i64, "SELECT COUNT(*) FROM areas WHERE id = $1 AND group_id = $2", id, scope.group_id())?.unwrap_or(0) > 0)
}

const BUILDING: &str = "SELECT b.id, b.area_id, a.name AS area_name, b.name, b.kind, b.postcode, b.target_percent, b.created_at, \
     (SELECT COUNT(*) FROM units u WHERE u.building_id = b.id) AS units FROM buildings b LEFT JOIN areas a ON a.id = b.area_id";

pub async fn add_building(tx: &mut Tx, scope: &Scope, area: Option<AreaId>, b: &Building, now: DateTime<Utc>) -> Result<BuildingId> {
    own_area(tx, scope, area).await?;
    let twin = scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM buildings WHERE group_id = $1 AND postcode_key = $2 AND LOWER(name) = LOWER($3)",
        scope.group_id(),
        b.postcode.key(),
        &b.name
    )?;
    if twin.unwrap_or(0) > 0 {
        return Err(DbError::Duplicate {
            field: "name".into(),
            message: format!("there is already a {} at {}", b.name, b.postcode.as_str()),
            existing: None,
        });
    }
    let id = BuildingId::new();
    execute!(
        tx,
        "INSERT INTO buildings (id, group_id, area_id, name, kind, postcode, postcode_key, target_percent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        scope.group_id(),
        area,
        &b.name,
        b.kind,
        b.postcode.as_str(),
        b.postcode.key(),
        b.target_percent,
        now
    )?;
    Ok(id)
}

pub async fn update_building(tx: &mut Tx, scope: &Scope, id: BuildingId, area: Option<AreaId>, b: &Building) -> Result<()> {
    own_area(tx, scope, area).await?;
    let n = execute!(
        tx,
        "UPDATE buildings SET area_id = $3, name = $4, kind = $5, postcode = $6, postcode_key = $7, target_percent = $8 \
         WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        area,
        &b.name,
        b.kind,
        b.postcode.as_str(),
        b.postcode.key(),
        b.target_percent
    )?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// The buildings in an area, or all the group's buildings.
pub async fn buildings(tx: &mut Tx, scope: &Scope, area: Option<AreaId>) -> Result<Vec<BuildingRow>> {
    Ok(match area {
        Some(area) => {
            let sql = sqlx::AssertSqlSafe(format!("{BUILDING} WHERE b.area_id = $1 AND b.group_id = $2 ORDER BY b.name, b.id"));
            fetch_all!(tx, BuildingRow, sql, area, scope.group_id())?
        }
        None => {
            let sql = sqlx::AssertSqlSafe(format!("{BUILDING} WHERE b.group_id = $1 ORDER BY b.name, b.id"));
            fetch_all!(tx, BuildingRow, sql, scope.group_id())?
        }
    })
}

pub async fn building(tx: &mut Tx, scope: &Scope, id: BuildingId) -> Result<Option<BuildingRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{BUILDING} WHERE b.id = $1 AND b.group_id = $2"));
    Ok(fetch_optional!(tx, BuildingRow, sql, id, scope.group_id())?)
}

const UNIT: &str = "SELECT u.id, u.building_id, b.name AS building_name, u.label, u.floor, u.number, u.address_lines, u.postcode \
     FROM units u JOIN buildings b ON b.id = u.building_id";

/// Add a flat or house to a building; its postcode is the building's, and
/// with no address given its first line is "Flat 12, Bevan Court".
pub async fn add_unit(tx: &mut Tx, scope: &Scope, building: BuildingId, unit: &Unit, now: DateTime<Utc>) -> Result<UnitId> {
    let id = UnitId::new();
    let n = execute!(
        tx,
        "INSERT INTO units (id, group_id, building_id, label, label_key, floor, number, address_lines, postcode, postcode_key, created_at) \
         SELECT $1, b.group_id, b.id, $3, $4, $5, $6, CASE WHEN $7 = '' THEN $3 || ', ' || b.name ELSE $7 END, b.postcode, b.postcode_key, $8 \
         FROM buildings b WHERE b.id = $2 AND b.group_id = $9 \
         ON CONFLICT (building_id, label_key) DO NOTHING",
        id,
        building,
        &unit.label,
        label_key(&unit.label),
        unit.floor,
        unit_number(&unit.label),
        &unit.address_lines,
        now,
        scope.group_id()
    )?;
    if n > 0 {
        return Ok(id);
    }
    match self::building(tx, scope, building).await? {
        None => Err(DbError::NotFound),
        Some(b) => Err(DbError::Duplicate {
            field: "unit".into(),
            message: format!("{} already has a unit called '{}'", b.name, unit.label),
            existing: None,
        }),
    }
}

/// Change a flat's or house's label, floor or address.
pub async fn update_unit(tx: &mut Tx, scope: &Scope, id: UnitId, unit: &Unit) -> Result<()> {
    let r = execute!(
        tx,
        "UPDATE units SET label = $3, label_key = $4, floor = $5, number = $6, \
         address_lines = CASE WHEN $7 = '' THEN $3 || ', ' || (SELECT b.name FROM buildings b WHERE b.id = units.building_id) ELSE $7 END \
         WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        &unit.label,
        label_key(&unit.label),
        unit.floor,
        unit_number(&unit.label),
        &unit.address_lines
    );
    match r {
        Err(e) if crate::is_unique_violation(&e) => Err(DbError::Duplicate {
            field: "unit".into(),
            message: format!("the building already has a unit called '{}'", unit.label),
            existing: None,
        }),
        Err(e) => Err(e.into()),
        Ok(0) => Err(DbError::NotFound),
        Ok(_) => Ok(()),
    }
}

/// Take away a flat or house added by mistake. One anybody has lived in
/// stays, so no one's history is lost: false then.
pub async fn remove_unit(tx: &mut Tx, scope: &Scope, id: UnitId) -> Result<bool> {
    // Counted in the scope's group: another group's unit is not found, whoever lives there.
    let lived =
        scalar!(tx, i64, "SELECT COUNT(*) FROM residencies WHERE unit_id = $1 AND group_id = $2", id, scope.group_id())?.unwrap_or(0);
    if lived > 0 {
        return Ok(false);
    }
    let n = execute!(tx, "DELETE FROM units WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(true) }
}

/// A building's units, top floor first (houses, with no floor, last; the
/// backends sort NULL differently), then in door order.
pub async fn units(tx: &mut Tx, scope: &Scope, building: BuildingId) -> Result<Vec<UnitRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{UNIT} WHERE u.building_id = $1 AND u.group_id = $2 ORDER BY COALESCE(u.floor, -1000) DESC, u.number, u.label_key"
    ));
    Ok(fetch_all!(tx, UnitRow, sql, building, scope.group_id())?)
}

pub async fn unit(tx: &mut Tx, scope: &Scope, id: UnitId) -> Result<Option<UnitRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{UNIT} WHERE u.id = $1 AND u.group_id = $2"));
    Ok(fetch_optional!(tx, UnitRow, sql, id, scope.group_id())?)
}
