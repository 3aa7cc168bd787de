//! Mutual aid: people ask for help on a public form (or a coordinator takes
//! the need by phone); coordinators see each need with the volunteers whose
//! offers fit it, ranked with the reasons, and offer it to one; the
//! volunteer accepts or declines, and only once they accept see who and
//! where. Volunteers say what they can give on their own page.

mod api;
mod edit;
mod follow;
mod helping;
mod kinds;
mod needs;
mod public;
mod report;
mod sweep;

use axum::Router;
use axum::routing::{get, post};

use tredegar_db::Scope;
use tredegar_db::aid::offers;
use tredegar_domain::aid::{Need, NeedInput};
use tredegar_domain::{AidCategoryId, FieldErrors, Problem};

use crate::ui::Zone;
use crate::{AppError, AppState, paths};

pub use api::{Doc, router as api_router};
pub use sweep::run as sweep;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::NEEDS, get(needs::index).post(needs::create))
        .route(paths::NEW_NEED, get(needs::new))
        .route(paths::AID_REPORT, get(report::page))
        .route(paths::NEED, get(needs::show))
        .route(paths::NEED_STATUS, post(needs::change))
        .route(paths::NEED_EDIT, get(edit::form).post(edit::save))
        .route(paths::NEED_THEMES, post(needs::set_themes))
        .route(paths::NEED_REPEATS, post(needs::stop_repeating))
        .route(paths::NEED_INVOLVE_CONFIRMED, post(needs::confirm_involve))
        .route(paths::FEEDBACK_CARD, get(follow::card))
        .route(paths::NEED_CARD, post(follow::new_card))
        .route(paths::AID_CATEGORIES, post(kinds::add_category))
        .route(paths::AID_TIMING, post(kinds::set_timing))
        .route(paths::AID_CATEGORY, post(kinds::set_category))
        .route(paths::AID_VOLUNTEERS, get(helping::volunteers))
        .route(paths::AID_VOLUNTEER_CHECKED, post(helping::set_checked))
        .route(paths::HELPING, get(helping::page).post(helping::save))
}

/// The public help form: no session, so a honeypot and a per-address limit guard it.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route(paths::ASK_FOR_HELP, get(public::form).post(public::ask))
        .route(paths::HELP_FEEDBACK, get(follow::feedback_form).post(follow::give_feedback))
        .route(paths::ANSWER_NEED, get(follow::answer_form).post(follow::answer))
}

/// A need as typed on the help form or by a coordinator, checked, with its
/// kind of help found among the group's.
async fn check_need(state: &AppState, scope: &Scope, form: &NeedInput) -> Result<Result<(Need, AidCategoryId), FieldErrors>, AppError> {
    let mut tx = state.db.read().await?;
    let categories = offers::categories(&mut tx, scope).await?;
    drop(tx);
    let today = Zone::of(scope).today(&state.clock.now());
    Ok(form.check(today).and_then(|need| match categories.iter().find(|c| c.id.to_string() == need.category) {
        Some(c) => Ok((need, c.id)),
        None => Err(Problem::new("category", "choose one of the kinds of help listed").into()),
    }))
}
