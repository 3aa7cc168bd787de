//! The tags page: every tag with how many people have it, adding one, and the CSV.

use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, csv_response, csv_time, render};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::audit;
use tredegar_db::tags::{self, Tag};
use tredegar_domain::AuditAction;
use tredegar_domain::FieldErrors;
use tredegar_domain::contact::required_text;

// ---- pages ----

#[derive(Template)]
#[template(path = "tags/index.html")]
pub(super) struct IndexPage {
    csrf: String,
    slug: String,
    tags: Vec<Tag>,
    name: String,
    errors: FieldErrors,
}

pub(super) async fn all_tags(state: &AppState, scope: &tredegar_db::Scope) -> Result<Vec<Tag>, AppError> {
    let mut tx = state.db.read().await?;
    Ok(tags::list(&mut tx, scope, &Default::default(), tredegar_db::Page::everything()).await?.0)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let tags = all_tags(&state, &scope).await?;
    render(Page::new(Layout::for_scope("Tags", &scope, csrf).notice(&notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        tags,
        name: String::new(),
        errors: FieldErrors::default(),
    }))
}

/// A tag's name, from the tags page or a person's page.
#[derive(Deserialize)]
pub struct TagForm {
    #[serde(default)]
    pub name: String,
}

pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(f): Form<TagForm>,
) -> Result<Response, AppError> {
    let result = match required_text("name", &f.name, 100) {
        Ok(name) => {
            let mut tx = state.db.write().await?;
            let r = tags::create(&mut tx, &scope, &name, state.clock.now()).await;
            if r.is_ok() {
                tx.commit().await?;
            }
            r.map_err(AppError::from)
        }
        Err(p) => Err(p.into()),
    };
    let errors = match result {
        Ok(_) => return Ok(Redirect::to(&format!("{}?notice=added", paths::tags(scope.group_slug()))).into_response()),
        Err(AppError::Duplicate { field, message, .. }) => tredegar_domain::Problem::new(field, message).into(),
        Err(AppError::Invalid(errors)) => errors,
        Err(e) => return Err(e),
    };
    let tags = all_tags(&state, &scope).await?;
    let page = Page::new(Layout::for_scope("Tags", &scope, csrf), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        tags,
        name: f.name,
        errors,
    });
    render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response())
}

pub(super) async fn export(State(state): State<AppState>, Organiser(scope): Organiser) -> Result<Response, AppError> {
    let tags = all_tags(&state, &scope).await?;
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &scope, AuditAction::Export, "tags", &format!("{} tags", tags.len()), state.clock.now()).await?;
    tx.commit().await?;
    let rows = tags.into_iter().map(|t| vec![t.id.to_string(), t.name, csv_time(t.created_at)]).collect();
    csv_response("tags.csv", &["id", "name", "created"], rows)
}
