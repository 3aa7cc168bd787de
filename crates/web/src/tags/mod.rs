//! Tags: labels an organiser puts on people, in the pages and the OSDI API
//! (tags and taggings).

pub mod api;
mod pages;

use axum::Router;
use axum::routing::get;

use crate::AppState;
use crate::paths;

pub use pages::TagForm;

pub fn pages_router() -> Router<AppState> {
    Router::new().route(paths::TAGS, get(pages::index).post(pages::create)).route(paths::TAGS_CSV, get(pages::export))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/tags", get(api::list_api).post(api::create_api))
        .route("/tags/{id}", get(api::get_api))
        .route("/tags/{id}/taggings", get(api::taggings_api).post(api::tag_person_api))
        .route("/tags/{id}/taggings/{tagging}", get(api::tagging_api).delete(api::untag_api))
}
