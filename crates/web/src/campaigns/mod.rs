//! Campaigns: an issue, what the group demands, and where it stands. Later
//! capabilities (targets, actions, wins) attach to a campaign.

mod asks;
mod dashboard;
mod demands;
mod goals;
mod pages;
mod power;
mod public;
mod timeline;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::CAMPAIGNS, get(pages::index).post(pages::create))
        .route(paths::CAMPAIGNS_CSV, get(pages::export))
        .route(paths::NEW_CAMPAIGN, get(pages::new))
        .route(paths::CAMPAIGN, get(pages::show).post(pages::update))
        .route(paths::CAMPAIGN_EDIT, get(pages::edit))
        .route(paths::CAMPAIGN_GOALS, post(goals::set))
        .route(paths::CAMPAIGN_GOAL_REMOVE, post(goals::remove))
        .route(paths::CAMPAIGN_DEMANDS, post(demands::add))
        .route(paths::CAMPAIGN_DEMAND, post(demands::change))
        .route(paths::CAMPAIGN_DEMAND_DELETE, post(demands::delete))
        .route(paths::CAMPAIGN_POWER, get(power::show).post(power::add))
        .route(paths::CAMPAIGN_ACTOR, post(power::place))
        .route(paths::CAMPAIGN_ACTOR_REMOVE, post(power::remove))
        .route(paths::CAMPAIGN_ACTOR_LINKS, post(power::link))
        .route(paths::CAMPAIGN_DASHBOARD, get(dashboard::show))
        .route(paths::CAMPAIGN_PLAN, post(dashboard::add_step))
        .route(paths::CAMPAIGN_STEP_DONE, post(dashboard::done))
        .route(paths::CAMPAIGN_STEP_DELETE, post(dashboard::delete_step))
        .route(paths::CAMPAIGN_ASKS, get(asks::show).post(asks::add))
        .route(paths::CAMPAIGN_ASK_REPLY, post(asks::reply))
        // A document is read whole under its own cap (`document_max_bytes`).
        .route(paths::CAMPAIGN_TIMELINE, get(timeline::show).post(timeline::add).layer(DefaultBodyLimit::disable()))
        .route(paths::DOCUMENT, get(timeline::document))
}

pub fn public_router() -> Router<AppState> {
    Router::new().route(paths::PUBLIC_CAMPAIGN, get(public::show))
}
