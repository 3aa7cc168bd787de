//! Assessments: setting where a person stands on a campaign (1 to 5, with
//! why), and the group's names for the levels. The person page shows the
//! current levels and the campaign page the counts and how they moved.

mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub use pages::{LevelChart, level_chart};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::PERSON_ASSESSMENTS, post(pages::set))
        .route(paths::ASSESSMENT_LEVELS, get(pages::levels).post(pages::rename_levels))
}
