//! The places page (areas, buildings, landlords) and an area's page with
//! each of its buildings' structure test.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::places::{self, AreaRow, BuildingRow};
use tredegar_db::structure::{Figures, Place};
use tredegar_domain::places::{AreaInput, AreaKind, BuildingKind, DEFAULT_TARGET_PERCENT};
use tredegar_domain::{AreaId, CampaignId};

use super::structure::{Structure, structure};
use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "places/index.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    organiser: bool,
    areas: Vec<(AreaRow, usize)>,
    loose: Vec<BuildingRow>,
    area_kinds: &'static [AreaKind],
    building_kinds: &'static [BuildingKind],
    default_target: i64,
}

pub(super) async fn index(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let all_areas = places::areas(&mut tx, &scope).await?;
    let buildings = places::buildings(&mut tx, &scope, None).await?;
    drop(tx);
    let areas: Vec<(AreaRow, usize)> = all_areas
        .into_iter()
        .map(|a| {
            let n = buildings.iter().filter(|b| b.area_id == Some(a.id)).count();
            (a, n)
        })
        .collect();
    let organiser = scope.role().sees_everyone();
    render(Page::new(Layout::for_scope("Places", &scope, csrf).notice(&notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        organiser,
        areas,
        loose: buildings.into_iter().filter(|b| b.area_id.is_none()).collect(),
        area_kinds: AreaKind::ALL,
        building_kinds: BuildingKind::ALL,
        default_target: DEFAULT_TARGET_PERCENT,
    }))
}

pub(super) async fn add(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Form(form): Form<AreaInput>,
) -> Result<Response, AppError> {
    let area = form.check()?;
    let mut tx = state.db.write().await?;
    let id = places::add_area(&mut tx, &scope, &area, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::area(scope.group_slug(), id))).into_response())
}

pub(super) async fn update(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, AreaId)>,
    Form(form): Form<AreaInput>,
) -> Result<Response, AppError> {
    let area = form.check()?;
    let mut tx = state.db.write().await?;
    places::update_area(&mut tx, &scope, id, &area).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::area(scope.group_slug(), id))).into_response())
}

#[derive(Deserialize)]
pub(super) struct ShowQuery {
    notice: Option<String>,
    campaign: Option<String>,
}

impl ShowQuery {
    /// The campaign whose supporters count; anyone's when none (or nonsense) is chosen.
    pub(super) fn campaign(&self) -> Option<CampaignId> {
        self.campaign.as_deref().and_then(|c| c.parse().ok())
    }
    pub(super) fn notice(&self) -> Notice {
        Notice { notice: self.notice.clone() }
    }
}

#[derive(Template)]
#[template(path = "places/area.html")]
struct AreaPage {
    csrf: String,
    slug: String,
    area: AreaRow,
    /// Each building, with its structure test for organisers.
    buildings: Vec<(BuildingRow, Option<(Figures, bool)>)>,
    structure: Option<Structure>,
    area_kinds: &'static [AreaKind],
    building_kinds: &'static [BuildingKind],
}

pub(super) async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, AreaId)>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let area = places::area(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let buildings = places::buildings(&mut tx, &scope, Some(id)).await?;
    let structure = if scope.role().sees_everyone() {
        Some(structure(&mut tx, &scope, Place::Area(id), q.campaign(), area.target_percent, super::today(&state, &scope)).await?)
    } else {
        None
    };
    drop(tx);
    let buildings = buildings.into_iter().map(|b| {
        let figures = structure.as_ref().map(|s| s.building(b.id, b.target_percent));
        (b, figures)
    });
    let buildings = buildings.collect();
    render(Page::new(Layout::for_scope(&area.name, &scope, csrf).notice(&q.notice()), |layout| AreaPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        area,
        buildings,
        structure,
        area_kinds: AreaKind::ALL,
        building_kinds: BuildingKind::ALL,
    }))
}
