//! Landlords and other owners: the list, one landlord's page with every
//! building they hold or have held and the issues raised there, and
//! recording who owned a building when.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::landlords::{self, OrganisationRow, Ownership};
use tredegar_db::structure::{self, Raised};
use tredegar_domain::places::{OrganisationInput, OrganisationKind, OwnershipInput};
use tredegar_domain::{BuildingId, OrganisationId, OwnershipId, Problem};

use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, PageQuery, Pager, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "places/landlords.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    organiser: bool,
    organisations: Vec<OrganisationRow>,
    kinds: &'static [OrganisationKind],
    /// The organisation the form starts from: none, for a new one.
    current: Option<OrganisationRow>,
    /// Which page of them, by name.
    pager: Pager,
}

/// Landlords and owners shown a page.
const PER_PAGE: i64 = 100;

pub(super) async fn index(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let shown = q.page(PER_PAGE);
    let mut tx = state.db.read().await?;
    let (organisations, total) = landlords::list(&mut tx, &scope, shown).await?;
    drop(tx);
    let pager = Pager::new(paths::landlords(scope.group_slug()), shown, total);
    render(Page::new(Layout::for_scope("Landlords and owners", &scope, csrf).notice(&q.notice()), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        organiser: scope.role().sees_everyone(),
        organisations,
        kinds: OrganisationKind::ALL,
        current: None,
        pager,
    }))
}

pub(super) async fn add(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Form(form): Form<OrganisationInput>,
) -> Result<Response, AppError> {
    let organisation = form.check()?;
    let mut tx = state.db.write().await?;
    let id = landlords::add(&mut tx, &scope, &organisation, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::landlord(scope.group_slug(), id))).into_response())
}

pub(super) async fn update(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, OrganisationId)>,
    Form(form): Form<OrganisationInput>,
) -> Result<Response, AppError> {
    let organisation = form.check()?;
    let mut tx = state.db.write().await?;
    landlords::update(&mut tx, &scope, id, &organisation).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::landlord(scope.group_slug(), id))).into_response())
}

#[derive(Template)]
#[template(path = "places/landlord.html")]
struct LandlordPage {
    csrf: String,
    slug: String,
    organiser: bool,
    organisation: OrganisationRow,
    holdings: Vec<(Ownership, Vec<Raised>)>,
    kinds: &'static [OrganisationKind],
    today: chrono::NaiveDate,
    current: Option<OrganisationRow>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, OrganisationId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let organiser = scope.role().sees_everyone();
    let mut tx = state.db.read().await?;
    let organisation = landlords::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let mut holdings = Vec::new();
    for held in landlords::holdings(&mut tx, &scope, id).await? {
        // What residents raise is for organisers, as on the building's page.
        let issues = if organiser { structure::issues_at(&mut tx, &scope, held.building_id).await? } else { Vec::new() };
        holdings.push((held, issues));
    }
    drop(tx);
    let current = Some(organisation.clone());
    render(Page::new(Layout::for_scope(&organisation.name, &scope, csrf).notice(&notice), |layout| LandlordPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        organiser,
        organisation,
        current,
        holdings,
        kinds: OrganisationKind::ALL,
        today: super::today(&state, &scope),
    }))
}

#[derive(Deserialize)]
pub(super) struct OwnerForm {
    #[serde(default)]
    organisation: String,
    #[serde(flatten)]
    dates: OwnershipInput,
}

pub(super) async fn record(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, BuildingId)>,
    Form(form): Form<OwnerForm>,
) -> Result<Response, AppError> {
    let organisation: OrganisationId = form
        .organisation
        .trim()
        .parse()
        .map_err(|_| Problem::new("organisation", "choose who owned it (add them on the landlords page first)"))?;
    let dates = form.dates.check()?;
    let mut tx = state.db.write().await?;
    landlords::record_ownership(&mut tx, &scope, id, organisation, dates, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::building(scope.group_slug(), id))).into_response())
}

pub(super) async fn remove_ownership(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, OwnershipId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let building = landlords::building_of(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    landlords::remove_ownership(&mut tx, &scope, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=removed", paths::building(scope.group_slug(), building))).into_response())
}
