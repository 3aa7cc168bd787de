//! A flat's or house's page: who lives there and has lived there, and
//! adding, moving out and removing residents. A volunteer may record the
//! homes of the people assigned to them, and sees only those.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::people::{self, Order, PersonSummary, Search};
use tredegar_db::places::{self, UnitRow};
use tredegar_db::residents::{self, Resident};
use tredegar_domain::places::ResidencyInput;
use tredegar_domain::{PersonId, Problem, ResidencyId, UnitId};

use crate::auth::{CsrfToken, Member};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, render};
use crate::{AppError, AppState};

/// Audit that these residents were shown, and where.
pub(super) async fn record_reads(state: &AppState, scope: &Scope, shown: &[Resident], how: &str) -> Result<(), AppError> {
    let read: Vec<_> = shown.iter().map(|r| (r.person_id, r.group_id)).collect();
    Ok(state.record_reads(scope, &read, how).await?)
}

#[derive(Default, Deserialize)]
pub(super) struct UnitQuery {
    #[serde(default)]
    q: String,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "places/unit.html")]
struct UnitPage {
    csrf: String,
    slug: String,
    unit: UnitRow,
    residents: Vec<Resident>,
    q: String,
    found: Vec<PersonSummary>,
    today: chrono::NaiveDate,
    organiser: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, UnitId)>,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let unit = places::unit(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let residents = residents::of_unit(&mut tx, &scope, id).await?;
    let found = if q.q.trim().is_empty() {
        Vec::new()
    } else {
        people::list(&mut tx, &scope, &Search::parse(&q.q), &Default::default(), Order::Name, tredegar_db::Page::new(1, 20)).await?.0
    };
    drop(tx);
    record_reads(&state, &scope, &residents, &format!("the residents of {}, {}", unit.label, unit.building_name)).await?;
    let title = format!("{}, {}", unit.label, unit.building_name);
    let notice = Notice { notice: q.notice };
    render(Page::new(Layout::for_scope(&title, &scope, csrf).notice(&notice), |layout| UnitPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        unit,
        residents,
        q: q.q,
        found,
        today: super::today(&state, &scope),
        organiser: scope.role().sees_everyone(),
    }))
}

#[derive(Deserialize)]
pub(super) struct MoveInForm {
    #[serde(default)]
    person: String,
    #[serde(flatten)]
    dates: ResidencyInput,
}

pub(super) async fn move_in(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, UnitId)>,
    Form(form): Form<MoveInForm>,
) -> Result<Response, AppError> {
    let person: PersonId = form.person.trim().parse().map_err(|_| Problem::new("person", "choose who lives here"))?;
    let dates = form.dates.check(super::today(&state, &scope))?;
    let mut tx = state.db.write().await?;
    residents::move_in(&mut tx, &scope, person, id, dates, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::unit(scope.group_slug(), id))).into_response())
}

#[derive(Deserialize)]
pub(super) struct MoveOutForm {
    #[serde(default)]
    moved_out: String,
}

pub(super) async fn move_out(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, ResidencyId)>,
    Form(form): Form<MoveOutForm>,
) -> Result<Response, AppError> {
    let on = tredegar_domain::people::parse_date("moved_out", &form.moved_out)?;
    let mut tx = state.db.write().await?;
    let Some((_, unit)) = residents::whose(&mut tx, &scope, id).await? else { return Err(AppError::not_found()) };
    if !residents::move_out(&mut tx, &scope, id, on, state.clock.now()).await? {
        return Err(AppError::not_found());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::unit(scope.group_slug(), unit))).into_response())
}

pub(super) async fn remove(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, ResidencyId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let Some((_, unit)) = residents::whose(&mut tx, &scope, id).await? else { return Err(AppError::not_found()) };
    if !residents::remove(&mut tx, &scope, id, state.clock.now()).await? {
        return Err(AppError::not_found());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=taken-off", paths::unit(scope.group_slug(), unit))).into_response())
}
