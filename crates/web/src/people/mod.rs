//! People: the pages organisers use (list, search, add, edit, merge, export,
//! delete) and the OSDI API's people endpoints.

pub mod api;
mod form;
pub mod kept;
mod merge;
mod pages;
mod show;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub use form::PersonForm;
pub use pages::ListQuery;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::PEOPLE, get(pages::index).post(pages::create))
        .route(paths::PEOPLE_CSV, get(pages::export))
        .route(paths::NEW_PERSON, get(pages::new))
        .route(paths::PERSON, get(show::show).post(pages::update))
        .route(paths::PERSON_EDIT, get(pages::edit))
        .route(paths::PERSON_DELETE, get(pages::confirm_delete).post(pages::delete))
        .route(paths::PERSON_MERGE, get(merge::merge_search))
        .route(paths::PERSON_MERGE_WITH, get(merge::confirm_merge).post(merge::merge))
        .route(paths::PERSON_TAGS, post(pages::add_tag))
        .route(paths::PERSON_TAG_REMOVE, post(pages::remove_tag))
        .route(paths::PERSON_ASSIGN, post(pages::assign))
        .route(paths::PERSON_UNASSIGN, post(pages::unassign))
}
