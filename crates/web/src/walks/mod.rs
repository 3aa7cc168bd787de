//! Walk lists: an organiser cuts turf into lists of doors in walking order,
//! with survey questions, and gives each list to walkers; it prints on A4
//! for those who canvass on paper. A walker goes door by door on a phone:
//! who lives there, what happened, the answers, and a conversation with
//! whoever came to the door, or someone new who lives there now.

mod api;
mod cut;
mod door;
mod list;
mod offline;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub use api::{Doc, router as api_router};
pub use offline::{script, service_worker};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::WALK_LISTS, get(cut::index))
        .route(paths::WALK_CUT, get(cut::form).post(cut::cut))
        .route(paths::WALK_LIST, get(list::show))
        .route(paths::WALK_LIST_PRINT, get(list::print))
        .route(paths::WALK_LIST_STATUS, post(list::set_status))
        .route(paths::WALK_LIST_WALKERS, post(list::set_walkers))
        .route(paths::WALK_DOOR, get(door::show).post(door::record))
        .route(paths::WALK_APP, get(offline::page))
        .route(paths::WALK_DATA, get(offline::data))
        .route(paths::WALK_SYNC, post(offline::sync))
}

/// An open list the scope may walk, or not found: the pages a walker works
/// from have nothing to show for a closed list.
async fn walkable(
    state: &AppState,
    scope: &tredegar_db::Scope,
    id: tredegar_domain::WalkListId,
) -> Result<tredegar_db::walks::WalkList, crate::AppError> {
    let mut tx = state.db.read().await?;
    let list = tredegar_db::walks::get(&mut tx, scope, id).await?;
    list.filter(|l| l.status == tredegar_domain::calls::ListStatus::Open).ok_or_else(crate::AppError::not_found)
}
