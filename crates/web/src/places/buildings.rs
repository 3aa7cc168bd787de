//! A building's page: its units floor by floor with the residents the member
//! may see, its landlords over time, and (for organisers) the issues raised
//! there and its structure test, unit by unit.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::landlords::{self, OrganisationRow, Ownership};
use tredegar_db::places::{self, AreaRow, BuildingRow, UnitRow};
use tredegar_db::residents::{self, Resident};
use tredegar_db::structure::{self, Figures, Place, Raised};
use tredegar_domain::places::{BuildingInput, BuildingKind, UnitInput};
use tredegar_domain::{BuildingId, UnitId};

use super::areas::ShowQuery;
use super::structure::{Structure, structure};
use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState};

/// A building's form, with the area it is in.
#[derive(Deserialize)]
pub(super) struct BuildingForm {
    #[serde(default)]
    area: String,
    #[serde(flatten)]
    building: BuildingInput,
}

pub(super) async fn add(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Form(form): Form<BuildingForm>,
) -> Result<Response, AppError> {
    let area = super::area_choice(&form.area)?;
    let building = form.building.check()?;
    let mut tx = state.db.write().await?;
    let id = places::add_building(&mut tx, &scope, area, &building, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::building(scope.group_slug(), id))).into_response())
}

pub(super) async fn update(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, BuildingId)>,
    Form(form): Form<BuildingForm>,
) -> Result<Response, AppError> {
    let area = super::area_choice(&form.area)?;
    let building = form.building.check()?;
    let mut tx = state.db.write().await?;
    places::update_building(&mut tx, &scope, id, area, &building).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::building(scope.group_slug(), id))).into_response())
}

pub(super) async fn add_unit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, BuildingId)>,
    Form(form): Form<UnitInput>,
) -> Result<Response, AppError> {
    let unit = form.check()?;
    let mut tx = state.db.write().await?;
    places::add_unit(&mut tx, &scope, id, &unit, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved#units", paths::building(scope.group_slug(), id))).into_response())
}

pub(super) async fn update_unit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, UnitId)>,
    Form(form): Form<UnitInput>,
) -> Result<Response, AppError> {
    let unit = form.check()?;
    let mut tx = state.db.write().await?;
    places::update_unit(&mut tx, &scope, id, &unit).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::unit(scope.group_slug(), id))).into_response())
}

pub(super) async fn remove_unit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, UnitId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let unit = places::unit(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    if !places::remove_unit(&mut tx, &scope, id).await? {
        let why = "has had residents, so it stays with their history: change its label or floor instead";
        return Err(tredegar_domain::Problem::new("unit", why).into());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=removed#units", paths::building(scope.group_slug(), unit.building_id))).into_response())
}

/// One floor of a building as the page shows it: for organisers, its
/// structure test and how each unit stands.
struct Floor {
    floor: Option<i64>,
    /// In a block, a unit with no floor is a flat whose floor nobody has said (an import's).
    block: bool,
    figures: Option<Figures>,
    units: Vec<(UnitRow, Option<(&'static str, &'static str)>)>,
}

impl Floor {
    fn name(&self) -> String {
        match self.floor {
            None if self.block => "Floor not known".into(),
            None => "Houses".into(),
            Some(0) => "Ground floor".into(),
            Some(n) if n < 0 => format!("Basement {}", -n),
            Some(n) => format!("Floor {n}"),
        }
    }
}

#[derive(Template)]
#[template(path = "places/building.html")]
struct BuildingPage {
    csrf: String,
    slug: String,
    building: BuildingRow,
    floors: Vec<Floor>,
    residents: Vec<Resident>,
    owners: Vec<Ownership>,
    organisations: Vec<OrganisationRow>,
    areas: Vec<AreaRow>,
    issues: Vec<Raised>,
    structure: Option<Structure>,
    building_kinds: &'static [BuildingKind],
    today: chrono::NaiveDate,
}

impl BuildingPage {
    fn residents_of(&self, unit: &UnitRow) -> impl Iterator<Item = &Resident> {
        self.residents.iter().filter(move |r| r.unit_id == unit.id)
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, BuildingId)>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let today = super::today(&state, &scope);
    let mut tx = state.db.read().await?;
    let building = places::building(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let units = places::units(&mut tx, &scope, id).await?;
    let residents = residents::of_building(&mut tx, &scope, id, today).await?;
    let owners = landlords::of_building(&mut tx, &scope, id).await?;
    let organiser = scope.role().sees_everyone();
    let (issues, structure, organisations, areas) = if organiser {
        let s = structure(&mut tx, &scope, Place::Building(id), q.campaign(), building.target_percent, today).await?;
        let issues = structure::issues_at(&mut tx, &scope, id).await?;
        (issues, Some(s), landlords::list(&mut tx, &scope, tredegar_db::Page::everything()).await?.0, places::areas(&mut tx, &scope).await?)
    } else {
        Default::default()
    };
    drop(tx);
    super::residents::record_reads(&state, &scope, &residents, &format!("the residents of {}", building.name)).await?;
    let mut floors: Vec<Floor> = Vec::new();
    for unit in units {
        let status = structure.as_ref().map(|s| s.status_of(unit.id));
        match floors.last_mut() {
            Some(f) if f.floor == unit.floor => f.units.push((unit, status)),
            _ => {
                let figures = structure.as_ref().map(|s| s.floor(unit.floor));
                let block = building.kind == BuildingKind::Block;
                floors.push(Floor { floor: unit.floor, block, figures, units: vec![(unit, status)] });
            }
        }
    }
    render(Page::new(Layout::for_scope(&building.name, &scope, csrf).notice(&q.notice()), |layout| BuildingPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        building,
        floors,
        residents,
        owners,
        organisations,
        areas,
        issues,
        structure,
        building_kinds: BuildingKind::ALL,
        today,
    }))
}
