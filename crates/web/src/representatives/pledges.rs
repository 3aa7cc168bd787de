//! Recording what a representative pledged and did: a pledge, its page with
//! its history and a new status; an entry in their record, or taking one
//! back.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tredegar_db::representatives::pledges::{self, PledgeRow, StatusChange};
use tredegar_db::representatives::records;
use tredegar_domain::representatives::{ChangeInput, EntryInput, PledgeInput, PledgeStatus};
use tredegar_domain::{CampaignId, DemandId, FieldErrors, PledgeId, Problem, RecordId, RepresentativeId};

use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, render};
use crate::{AppError, AppState, paths};

/// An optional choice of id in the forms here.
fn chosen<T: std::str::FromStr>(field: &str, s: &str) -> Result<Option<T>, Problem> {
    tredegar_domain::ids::chosen_id(field, s, "is not one of the choices")
}

pub(super) async fn add(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, RepresentativeId)>,
    Form(form): Form<PledgeInput>,
) -> Result<Response, AppError> {
    let today = crate::ui::Zone::of(&scope).today(&state.clock.now());
    let mut errors = FieldErrors::default();
    let campaign: Option<Option<CampaignId>> = errors.check(chosen("campaign", &form.campaign));
    let demand: Option<Option<DemandId>> = errors.check(chosen("demand", &form.demand));
    let pledge = errors.and(form.check(today))?;
    let mut tx = state.db.write().await?;
    pledges::add(&mut tx, &scope, id, &pledge, (campaign.flatten(), demand.flatten()), state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved#pledges", paths::representative(scope.group_slug(), id))).into_response())
}

#[derive(Template)]
#[template(path = "representatives/pledge.html")]
struct PledgePage {
    csrf: String,
    slug: String,
    pledge: PledgeRow,
    history: Vec<StatusChange<PledgeStatus>>,
    statuses: &'static [PledgeStatus],
    documents: Vec<(tredegar_domain::DocumentId, String, String)>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PledgeId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let pledge = pledges::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let history = pledges::history(&mut tx, &scope, id).await?;
    let documents = tredegar_db::wins::documents(&mut tx, &scope).await?;
    drop(tx);
    let title = format!("Pledge by {}", pledge.representative_name);
    render(Page::new(Layout::for_scope(&title, &scope, csrf).notice(&notice), |layout| PledgePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        pledge,
        history,
        statuses: PledgeStatus::ALL,
        documents,
    }))
}

pub(super) async fn change(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, PledgeId)>,
    Form(form): Form<ChangeInput>,
) -> Result<Response, AppError> {
    let change = form.check(PledgeStatus::parse)?;
    let mut tx = state.db.write().await?;
    pledges::change(&mut tx, &scope, id, &change, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::pledge(scope.group_slug(), id))).into_response())
}

pub(super) async fn add_record(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, RepresentativeId)>,
    Form(form): Form<EntryInput>,
) -> Result<Response, AppError> {
    let today = crate::ui::Zone::of(&scope).today(&state.clock.now());
    let mut errors = FieldErrors::default();
    let campaign: Option<Option<CampaignId>> = errors.check(chosen("campaign", &form.campaign));
    let on: Vec<PledgeId> = form.pledges.iter().filter_map(|p| errors.check(chosen("pledges", p)).flatten()).collect();
    let entry = errors.and(form.check(today))?;
    let mut tx = state.db.write().await?;
    records::add(&mut tx, &scope, id, &entry, campaign.flatten(), &on, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved#record", paths::representative(scope.group_slug(), id))).into_response())
}

pub(super) async fn remove_record(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, record)): Path<(String, RepresentativeId, RecordId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    if !records::delete(&mut tx, &scope, id, record).await? {
        return Err(AppError::not_found());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=removed#record", paths::representative(scope.group_slug(), id))).into_response())
}

/// Delete a pledge recorded by mistake; the audit log keeps what it was.
pub(super) async fn delete(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, PledgeId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let pledge = pledges::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    pledges::delete(&mut tx, &scope, id).await?;
    let what = format!("a pledge by {}", pledge.representative_name);
    tredegar_db::audit::record(&mut tx, &scope, tredegar_domain::AuditAction::Delete, &what, &pledge.text, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=removed#pledges", paths::representative(scope.group_slug(), pledge.representative_id)))
        .into_response())
}
