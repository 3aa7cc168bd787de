//! The ladder of engagement: the rungs a group sets and the rules that earn
//! them, the funnel with movement up and down over a period, the leaders to
//! develop, and setting a person's rung by hand with a reason.

mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::LADDER, get(pages::funnel))
        .route(paths::LADDER_RUNGS, post(pages::add_rung))
        .route(paths::LADDER_RUNG_DELETE, post(pages::delete_rung))
        .route(paths::PERSON_RUNG, post(pages::set_rung))
}
