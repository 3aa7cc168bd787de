//! Listening: "what does this community care about most, and where?" The
//! issues raised in conversations, ranked and by area over a chosen period,
//! with the change from the period before, a drill-down to the
//! conversations, and a CSV download.

mod pages;

use axum::Router;
use axum::routing::get;

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::LISTENING, get(pages::report))
        .route(paths::LISTENING_CSV, get(pages::export))
        .route(paths::LISTENING_THEME, get(pages::theme))
}
