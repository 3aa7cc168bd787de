//! Lists: segments (saved searches that combine rules with and, or and not,
//! worked out each time they are read) and static lists (people put on them).
//! Each opens as a page of people, downloads as CSV, and is an OSDI list in
//! the API. They are the organisers'; volunteers never see them.

pub mod api;
mod builder;
mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::LISTS, get(pages::index).post(pages::create))
        .route(paths::NEW_SEGMENT, get(pages::new_segment).post(pages::build_new))
        .route(paths::LIST, get(pages::show))
        .route(paths::LIST_EDIT, get(pages::edit).post(pages::build_existing))
        .route(paths::LIST_DELETE, get(pages::confirm_delete).post(pages::delete))
        .route(paths::LIST_PERSON_REMOVE, post(pages::remove_person))
        .route(paths::PUT_ON_LIST, post(pages::add_people))
}
