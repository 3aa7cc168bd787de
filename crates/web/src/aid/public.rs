//! The public "ask for help" form: no login, no script, plain words. It
//! takes the need and who to help, and says only that it was received.
//! Guarded like the petition form: a hidden honeypot field, a per-address
//! limit, and the body size limit.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::aid::{self, offers};
use tredegar_domain::aid::{NeedInput, NeedSource, Repeats, Urgency};
use tredegar_domain::{FieldErrors, Problem};

use crate::auth::CsrfToken;
use crate::auth::throttle::{self, ClientAddr};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Page, render_form};
use crate::{AppError, AppState, paths};

#[derive(askama::Template)]
#[template(path = "aid/help.html")]
struct HelpPage {
    group_name: String,
    slug: String,
    categories: Vec<offers::Category>,
    urgencies: &'static [Urgency],
    repeats: &'static [Repeats],
    form: NeedInput,
    errors: FieldErrors,
    asked: bool,
}

#[derive(Deserialize)]
pub(super) struct Asked {
    asked: Option<String>,
}

async fn page(state: &AppState, slug: &str, form: NeedInput, errors: FieldErrors, asked: bool) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let scope = Scope::for_public_form(&mut tx, slug).await?.ok_or_else(AppError::not_found)?;
    let categories = offers::categories(&mut tx, &scope).await?;
    drop(tx);
    let has_problems = !errors.is_empty();
    let title = format!("Ask {} for help", scope.group_name());
    let body = HelpPage {
        group_name: scope.group_name().into(),
        slug: slug.into(),
        categories,
        urgencies: Urgency::ALL,
        repeats: Repeats::ALL,
        form,
        errors,
        asked,
    };
    render_form(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| body), has_problems)
}

pub(super) async fn form(State(state): State<AppState>, Path(slug): Path<String>, Query(q): Query<Asked>) -> Result<Response, AppError> {
    page(&state, &slug, NeedInput::default(), FieldErrors::default(), q.asked.is_some()).await
}

pub(super) async fn ask(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Path(slug): Path<String>,
    Form(mut form): Form<NeedInput>,
) -> Result<Response, AppError> {
    if !form.contact_by_fax.is_empty() {
        form.contact_by_fax.clear();
        let errors = Problem::new("need", "could not take that; please check the details and send it again").into();
        return page(&state, &slug, form, errors, false).await;
    }
    let mut tx = state.db.read().await?;
    let scope = Scope::for_public_form(&mut tx, &slug).await?.ok_or_else(AppError::not_found)?;
    drop(tx);
    let checked = super::check_need(&state, &scope, &form).await?;
    let (need, category) = match checked {
        Ok(ok) => ok,
        Err(errors) => return page(&state, &slug, form, errors, false).await,
    };
    throttle::public_form(&state, ip)?;
    let mut tx = state.db.write().await?;
    aid::add(&mut tx, &scope, &need, category, NeedSource::Form, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?asked=1", paths::ask_for_help(&slug))).into_response())
}
