//! The group's issue list: the themes people raise in conversations. Anyone
//! logging a conversation can add one; admins rename and remove them.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::conversations::{self, Theme};
use tredegar_domain::contact::required_line;
use tredegar_domain::{FieldErrors, Problem, ThemeId};

use crate::auth::{Admin, CsrfToken, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, render_form};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "conversations/themes.html")]
struct ThemesPage {
    csrf: String,
    slug: String,
    admin: bool,
    themes: Vec<Theme>,
    errors: FieldErrors,
}

async fn page(
    state: &AppState,
    scope: &tredegar_db::Scope,
    csrf: CsrfToken,
    notice: &Notice,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let themes = conversations::themes(&mut tx, scope).await?;
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Issues people raise", scope, csrf).notice(notice), |layout| ThemesPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        admin: scope.role() >= tredegar_domain::Role::Admin,
        themes,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    page(&state, &scope, csrf, &notice, FieldErrors::default()).await
}

#[derive(Deserialize)]
pub(super) struct ThemeForm {
    #[serde(default)]
    name: String,
}

fn theme_name(form: &ThemeForm) -> Result<String, Problem> {
    required_line("name", &form.name, 100)
}

pub(super) async fn add(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Form(form): Form<ThemeForm>,
) -> Result<Response, AppError> {
    let name = match theme_name(&form) {
        Ok(n) => n,
        Err(p) => return page(&state, &scope, csrf, &Notice::default(), p.into()).await,
    };
    let mut tx = state.db.write().await?;
    conversations::theme(&mut tx, &scope, &name, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=added", paths::themes(scope.group_slug()))).into_response())
}

pub(super) async fn rename(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ThemeId)>,
    Form(form): Form<ThemeForm>,
) -> Result<Response, AppError> {
    let renamed = match theme_name(&form) {
        Ok(name) => {
            let mut tx = state.db.write().await?;
            let r = conversations::rename_theme(&mut tx, &scope, id, &name).await;
            if r.is_ok() {
                tx.commit().await?;
            }
            r
        }
        Err(p) => Err(p.into()),
    };
    match renamed {
        Ok(()) => Ok(Redirect::to(&format!("{}?notice=saved", paths::themes(scope.group_slug()))).into_response()),
        Err(tredegar_db::DbError::Invalid(errors)) => {
            // Shown beside the theme being renamed, not the field that adds one.
            let mut beside = FieldErrors::default();
            for p in errors.0 {
                beside.push(p.at(format!("theme-{id}")).shown_as("Rename"));
            }
            page(&state, &scope, csrf, &Notice::default(), beside).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Take a theme off the list (a mistake, or a duplicate): the conversations
/// that raised it no longer count it.
pub(super) async fn delete(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, id)): Path<(String, ThemeId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    conversations::delete_theme(&mut tx, &scope, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=deleted-theme", paths::themes(scope.group_slug()))).into_response())
}
