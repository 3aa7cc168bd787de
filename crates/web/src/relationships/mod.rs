//! Relationships: linking people (family, neighbour, recruited by, the
//! group's own kinds), the network around a person drawn on the server, and
//! "who do we know who knows this person?".

mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub use pages::network_svg;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::PERSON_RELATIONSHIPS, get(pages::find).post(pages::link))
        .route(paths::RELATIONSHIP_REMOVE, post(pages::unlink))
        .route(paths::WHO_KNOWS, get(pages::who_knows))
        .route(paths::RELATIONSHIP_KINDS, post(pages::add_kind))
}
