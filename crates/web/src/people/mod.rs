//! People: the pages organisers use (list, search, add, edit, merge, export,
//! delete) and the OSDI API's people endpoints.

pub mod api;
mod form;
mod merge;
mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use form::PersonForm;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/g/{slug}/people", get(pages::index).post(pages::create))
        .route("/g/{slug}/people.csv", get(pages::export))
        .route("/g/{slug}/people/new", get(pages::new))
        .route("/g/{slug}/people/{id}", get(pages::show).post(pages::update))
        .route("/g/{slug}/people/{id}/edit", get(pages::edit))
        .route("/g/{slug}/people/{id}/delete", get(pages::confirm_delete).post(pages::delete))
        .route("/g/{slug}/people/{id}/merge", get(merge::merge_search))
        .route("/g/{slug}/people/{id}/merge/{other}", get(merge::confirm_merge).post(merge::merge))
        .route("/g/{slug}/people/{id}/tags", post(pages::add_tag))
        .route("/g/{slug}/people/{id}/tags/{tag}/remove", post(pages::remove_tag))
        .route("/g/{slug}/people/{id}/assign", post(pages::assign))
        .route("/g/{slug}/people/{id}/unassign/{user}", post(pages::unassign))
}
