//! Conversations: logging a one-to-one, door knock, call or meeting with a
//! person (what they care about, the issues raised, the ask, commitments,
//! notes, an assessment and a follow-up) in one form; reading one back,
//! putting it right or deleting it;
//! the member's follow-ups; and the group's issue list.

pub mod api;
mod change;
mod follow_ups;
pub mod form;
mod pages;
mod themes;

pub use follow_ups::email_overdue as email_overdue_follow_ups;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::NEW_CONVERSATION, get(pages::new))
        .route(paths::PERSON_CONVERSATIONS, post(pages::create))
        .route(paths::CONVERSATION, get(pages::show))
        .route(paths::CONVERSATION_EDIT, get(change::edit).post(change::save))
        .route(paths::CONVERSATION_DELETE, get(change::confirm_delete).post(change::delete))
        .route(paths::FOLLOW_UPS, get(follow_ups::mine))
        .route(paths::FOLLOW_UP_DONE, post(follow_ups::done))
        .route(paths::THEMES, get(themes::index).post(themes::add))
        .route(paths::THEME, post(themes::rename))
        .route(paths::THEME_DELETE, post(themes::delete))
}
