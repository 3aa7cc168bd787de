//! Email: the SMTP sender behind the outbox, broadcasts to lists, one-click
//! unsubscribe, and the admins' view of what waits, what failed and how
//! each kind of message is worded.

mod broadcasts;
mod send;
mod settings;
mod unsubscribe;

use axum::Router;
use axum::routing::{get, post};

pub use send::{Mailer, deliver};
pub use unsubscribe::link as unsubscribe_link;

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::BROADCASTS, get(broadcasts::index).post(broadcasts::create))
        .route(paths::BROADCAST, get(broadcasts::show))
        .route(paths::BROADCAST_EDIT, get(broadcasts::edit).post(broadcasts::update))
        .route(paths::BROADCAST_TEST, post(broadcasts::test))
        .route(paths::BROADCAST_SEND, post(broadcasts::send))
        .route(paths::BROADCAST_DELETE, post(broadcasts::delete))
        .route(paths::EMAIL_SETTINGS, get(settings::page))
        .route(paths::EMAIL_TEMPLATE, get(settings::template).post(settings::save_template))
        .route(paths::JOB_RETRY, post(settings::retry))
}

/// Pages reached from an email without signing in.
pub fn public_router() -> Router<AppState> {
    Router::new().route(paths::UNSUBSCRIBE, get(unsubscribe::unsubscribe).post(unsubscribe::unsubscribe))
}
