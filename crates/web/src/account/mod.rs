//! Your account: signing in and out, the first-run setup, your groups, and
//! changing your own password, or resetting a forgotten one by email.

mod invitations;
mod pages;
mod reset;

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
        .route(paths::FORGOT_PASSWORD, get(reset::forgot_page).post(reset::forgot))
        .route(paths::RESET_PASSWORD, get(reset::reset_page).post(reset::reset))
        .route(paths::INVITATION, get(invitations::show).post(invitations::accept))
        .route(paths::INVITATION_REGISTER, post(invitations::register))
}
