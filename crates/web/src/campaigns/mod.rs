//! Campaigns: an issue, what the group demands, and where it stands. Later
//! capabilities (targets, actions, wins) attach to a campaign.

mod pages;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/g/{slug}/campaigns", get(pages::index).post(pages::create))
        .route("/g/{slug}/campaigns.csv", get(pages::export))
        .route("/g/{slug}/campaigns/new", get(pages::new))
        .route("/g/{slug}/campaigns/{id}", get(pages::show).post(pages::update))
        .route("/g/{slug}/campaigns/{id}/edit", get(pages::edit))
}
