//! The group's kinds of help (which need a safeguarding-checked volunteer,
//! which are offered by themselves) and how long its needs may wait: set
//! by coordinators on the needs page.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::aid::offers::{self, Rules};
use tredegar_domain::aid::Timing;
use tredegar_domain::{AidCategoryId, Problem};

use super::needs::{IndexQuery, index_page};
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path};
use crate::{AppError, AppState, paths};

#[derive(Deserialize)]
pub(super) struct CategoryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    needs_check: String,
    #[serde(default)]
    auto_match: String,
}

impl CategoryForm {
    fn rules(&self) -> Rules {
        Rules { needs_check: !self.needs_check.is_empty(), auto_match: !self.auto_match.is_empty() }
    }
}

pub(super) async fn add_category(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<CategoryForm>,
) -> Result<Response, AppError> {
    let name = match tredegar_domain::contact::required_line("name", &form.name, 60) {
        Ok(name) => name,
        Err(p) => return index_page(&state, &scope, csrf, IndexQuery::default(), p.into()).await,
    };
    let mut tx = state.db.write().await?;
    match offers::add_category(&mut tx, &scope, &name, form.rules(), state.clock.now()).await {
        Ok(_) => tx.commit().await?,
        Err(tredegar_db::DbError::Duplicate { field, message, .. }) => {
            drop(tx);
            return index_page(&state, &scope, csrf, IndexQuery::default(), Problem::new(field, message).into()).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("{}?notice=added", paths::needs(scope.group_slug()))).into_response())
}

#[derive(Deserialize)]
pub(super) struct TimingForm {
    #[serde(default)]
    answer_within_hours: String,
    #[serde(default)]
    escalate_today_hours: String,
    #[serde(default)]
    escalate_this_week_hours: String,
    #[serde(default)]
    escalate_when_possible_hours: String,
}

/// How long the group's needs may wait for an answer, and for anyone.
pub(super) async fn set_timing(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<TimingForm>,
) -> Result<Response, AppError> {
    let typed = [
        ("answer_within_hours", form.answer_within_hours.as_str()),
        ("escalate_today_hours", form.escalate_today_hours.as_str()),
        ("escalate_this_week_hours", form.escalate_this_week_hours.as_str()),
        ("escalate_when_possible_hours", form.escalate_when_possible_hours.as_str()),
    ];
    let timing = match Timing::parse(typed) {
        Ok(t) => t,
        Err(errors) => return index_page(&state, &scope, csrf, IndexQuery::default(), errors).await,
    };
    let mut tx = state.db.write().await?;
    offers::set_timing(&mut tx, &scope, &timing, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::needs(scope.group_slug()))).into_response())
}

/// Whether a kind of help needs a safeguarding-checked volunteer, and
/// whether it is offered by itself. Needs already with someone it no longer
/// allows go back to be offered again.
pub(super) async fn set_category(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, AidCategoryId)>,
    Form(form): Form<CategoryForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    offers::set_rules(&mut tx, &scope, id, form.rules()).await?;
    offers::pull_back_unchecked(&mut tx, &scope, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::needs(scope.group_slug()))).into_response())
}
