//! Petitions: organisers set one up; anyone signs it on its public page, on
//! a phone, without an account or JavaScript; a signature counts once the
//! signer follows the link emailed to them, and then they are a person of
//! the group. Other sites may frame the page (if the organiser allows them)
//! and read its count.

mod pages;
mod public;
mod writer;

pub use writer::Writer;

use std::collections::HashMap;
use std::sync::Mutex;
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
}

/// The pages anyone may use.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route(paths::PUBLIC_PETITION, get(public::page))
        .route(paths::PETITION_SIGN, post(public::sign))
        .route(paths::PETITION_CONFIRM, get(public::confirm))
        .route(paths::PETITION_COUNT, get(public::count))
}

/// How stale a public count may be.
const FRESH: Duration = Duration::from_secs(2);

/// Public counts, each read from the signatures' index at most every
/// `FRESH`, so a page read by thousands counts once every few seconds.
#[derive(Default)]
pub struct Counts(Mutex<HashMap<PetitionId, (i64, Instant)>>);

impl Counts {
    async fn get(&self, state: &AppState, id: PetitionId) -> Result<i64, crate::AppError> {
        if let Ok(counts) = self.0.lock()
            && let Some((n, at)) = counts.get(&id)
            && at.elapsed() < FRESH
        {
            return Ok(*n);
        }
        let mut tx = state.db.read().await?;
        let n = tredegar_db::petitions::count(&mut tx, id).await?;
        if let Ok(mut counts) = self.0.lock() {
            counts.insert(id, (n, Instant::now()));
        }
        Ok(n)
    }

    /// Forget a count, so the next read is fresh (after a confirmation).
    fn forget(&self, id: PetitionId) {
        if let Ok(mut counts) = self.0.lock() {
            counts.remove(&id);
        }
    }
}
