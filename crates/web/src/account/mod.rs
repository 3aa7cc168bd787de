//! Your account: signing in and out, the first-run setup, your groups, and
//! changing your own password.

mod invitations;
mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::HOME, get(pages::home))
        .route(paths::LOGIN, get(pages::login_page).post(pages::login))
        .route(paths::LOGOUT, post(pages::logout))
        .route(paths::SETUP, get(pages::setup_page).post(pages::setup))
        .route(paths::ACCOUNT, get(pages::account_page).post(pages::change_password))
        .route(paths::INVITATION, get(invitations::show).post(invitations::accept))
        .route(paths::INVITATION_REGISTER, post(invitations::register))
}
