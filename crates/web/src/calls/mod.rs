//! Call lists: an organiser turns a list or segment into calls with a script
//! and shares them among callers; a caller works through theirs on a phone,
//! one person at a time: tap to call, record how it went, log what was said
//! and the assessment, all on one screen, then the next person.

mod pages;
mod screen;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::CALL_LISTS, get(pages::index).post(pages::create))
        .route(paths::CALL_LIST, get(pages::show))
        .route(paths::CALL_LIST_STATUS, post(pages::set_status))
        .route(paths::CALL_NEXT, get(screen::next))
        .route(paths::CALL_RECORD, post(screen::record))
        .route(paths::PERSON_CALLS, post(pages::person_calls))
}
