//! Representatives held to their word: the organisers' pages (the list, a
//! representative with their scorecard, pledges and record), the public
//! scorecard, and the API's representatives, pledges and records.

mod api;
mod card;
mod pages;
mod pledges;
mod public;
mod signing;

use axum::Router;
use axum::routing::{get, post};

pub use api::Doc;
pub use card::{Card, cards_on};
pub use signing::pledge_email;

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::REPRESENTATIVES, get(pages::index).post(pages::create))
        .route(paths::REPRESENTATIVE, get(pages::show).post(pages::update))
        .route(paths::REPRESENTATIVE_EDIT, get(pages::edit))
        .route(paths::REPRESENTATIVE_DELETE, post(pages::delete))
        .route(paths::REPRESENTATIVE_PERSON, post(pages::link_person))
        .route(paths::REPRESENTATIVE_PLEDGES, post(pledges::add))
        .route(paths::REPRESENTATIVE_RECORDS, post(pledges::add_record))
        .route(paths::REPRESENTATIVE_RECORD_REMOVE, post(pledges::remove_record))
        .route(paths::PLEDGE, get(pledges::show).post(pledges::change))
        .route(paths::PLEDGE_DELETE, post(pledges::delete))
}

pub fn public_router() -> Router<AppState> {
    Router::new().route(paths::PUBLIC_REPRESENTATIVE, get(public::show)).route(paths::PLEDGE_SIGN, get(signing::show).post(signing::sign))
}

pub fn api_router() -> Router<AppState> {
    api::router()
}
