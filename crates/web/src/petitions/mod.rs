//! Petitions: organisers set one up; anyone signs it on its public page, on
//! a phone, without an account or JavaScript; a signature counts once the
//! signer follows the link emailed to them, and then they are a person of
//! the group. Other sites may frame the page (if the organiser allows them)
//! and read its count.

pub mod api;
mod pages;
mod public;
mod writer;

pub use writer::Writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{get, post};
use tredegar_domain::PetitionId;

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::PETITIONS, get(pages::index).post(pages::create))
        .route(paths::PETITION, get(pages::show))
        .route(paths::PETITION_CSV, get(pages::csv))
        .route(paths::PETITION_CLOSE, post(pages::close))
}

/// The pages anyone may use.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route(paths::PUBLIC_PETITION, get(public::page))
        .route(paths::PETITION_SIGN, post(public::sign))
        .route(paths::PETITION_CONFIRM, get(public::confirm_page).post(public::confirm))
        .route(paths::PETITION_COUNT, get(public::count))
}

/// How stale what the public pages read may be.
const FRESH: Duration = Duration::from_secs(2);

/// What a petition's public pages read on every request, each read from the
/// database at most every `FRESH`: a page read by thousands, or a surge of
/// signers, costs one query every few seconds.
#[derive(Default)]
pub struct Public {
    counts: Recent<i64>,
    petitions: Recent<Arc<tredegar_db::petitions::Public>>,
}

/// Values by petition, each with when it was read.
type Recent<V> = Mutex<HashMap<PetitionId, (V, Instant)>>;

/// A recent value from `map`, if there is one.
fn recent<V: Clone>(map: &Recent<V>, id: PetitionId) -> Option<V> {
    let map = map.lock().ok()?;
    map.get(&id).filter(|(_, at)| at.elapsed() < FRESH).map(|(v, _)| v.clone())
}

fn keep<V>(map: &Recent<V>, id: PetitionId, value: V) {
    if let Ok(mut map) = map.lock() {
        // Old entries go when the map grows; a few petitions are live at once.
        if map.len() > 10_000 {
            map.retain(|_, (_, at)| at.elapsed() < FRESH);
        }
        map.insert(id, (value, Instant::now()));
    }
}

impl Public {
    /// Confirmed signatures, counted from their index.
    async fn count(&self, state: &AppState, id: PetitionId) -> Result<i64, crate::AppError> {
        if let Some(n) = recent(&self.counts, id) {
            return Ok(n);
        }
        let mut tx = state.db.read().await?;
        let n = tredegar_db::petitions::count(&mut tx, id).await?;
        keep(&self.counts, id, n);
        Ok(n)
    }

    /// The petition and the group that runs it.
    async fn petition(&self, state: &AppState, id: PetitionId) -> Result<Arc<tredegar_db::petitions::Public>, crate::AppError> {
        if let Some(p) = recent(&self.petitions, id) {
            return Ok(p);
        }
        let mut tx = state.db.read().await?;
        let found = tredegar_db::petitions::public(&mut tx, id).await?;
        let p = Arc::new(found.ok_or_else(|| crate::AppError::NotFound("there is no petition at this address".into()))?);
        keep(&self.petitions, id, p.clone());
        Ok(p)
    }

    /// Forget a petition, so the next read is fresh (after it closes).
    fn forget_petition(&self, id: PetitionId) {
        if let Ok(mut petitions) = self.petitions.lock() {
            petitions.remove(&id);
        }
    }

    /// Forget a count, so the next read is fresh (after a confirmation).
    fn forget_count(&self, id: PetitionId) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.remove(&id);
        }
    }
}
