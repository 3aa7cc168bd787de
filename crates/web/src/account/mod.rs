//! Your account: signing in and out, the first-run setup, your groups, and
//! changing your own password.

mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/setup", get(pages::setup_page).post(pages::setup))
        .route("/account", get(pages::account_page).post(pages::change_password))
}
