//! "My follow-ups": what the signed-in member promised to do, overdue first.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use tredegar_db::follow_ups::{self, FollowUp};
use tredegar_domain::FollowUpId;

use crate::auth::{CsrfToken, Member};
use crate::extract::{Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, Zone, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "conversations/follow_ups.html")]
struct FollowUpsPage {
    csrf: String,
    slug: String,
    zone: Zone,
    today: NaiveDate,
    open: Vec<FollowUp>,
    done: Vec<FollowUp>,
}

pub(super) async fn mine(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let (open, done) = follow_ups::mine(&mut tx, &scope).await?;
    let today = Zone::of(&scope).today(&state.clock.now());
    render(Page::new(Layout::for_scope("My follow-ups", &scope, csrf).notice(&notice), |layout| FollowUpsPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        today,
        open,
        done,
    }))
}

pub(super) async fn done(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, FollowUpId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    follow_ups::mark_done(&mut tx, &scope, id, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=done", paths::follow_ups(scope.group_slug()))).into_response())
}
