//! Places: the group's areas, their buildings and units, who lives where,
//! who owns each building and has owned it, the issues raised there, and the
//! structure test (how many units hold a supporter). Members see places and
//! the residents they may see; the structure test and the issues raised are
//! for organisers, since they say which doors hold supporters.

mod api;
mod areas;
mod buildings;
mod landlords;
mod residents;
mod structure;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub use api::Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::PLACES, get(areas::index).post(areas::add))
        .route(paths::AREA, get(areas::show).post(areas::update))
        .route(paths::BUILDINGS, post(buildings::add))
        .route(paths::BUILDING, get(buildings::show).post(buildings::update))
        .route(paths::BUILDING_UNITS, post(buildings::add_unit))
        .route(paths::BUILDING_OWNERS, post(landlords::record))
        .route(paths::OWNERSHIP_REMOVE, post(landlords::remove_ownership))
        .route(paths::UNIT, get(residents::show).post(buildings::update_unit))
        .route(paths::UNIT_REMOVE, post(buildings::remove_unit))
        .route(paths::UNIT_RESIDENTS, post(residents::move_in))
        .route(paths::RESIDENCY_MOVE_OUT, post(residents::move_out))
        .route(paths::RESIDENCY_REMOVE, post(residents::remove))
        .route(paths::LANDLORDS, get(landlords::index).post(landlords::add))
        .route(paths::LANDLORD, get(landlords::show).post(landlords::update))
}

pub use api::router as api_router;

/// Today in the group's time zone.
fn today(state: &AppState, scope: &tredegar_db::Scope) -> chrono::NaiveDate {
    crate::ui::Zone::of(scope).today(&state.clock.now())
}

/// The form's area: blank for none, else an id of the group's.
fn area_choice(s: &str) -> Result<Option<tredegar_domain::AreaId>, tredegar_domain::Problem> {
    match s.trim() {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|_| tredegar_domain::Problem::new("area", "is not one of this group's areas")),
    }
}
