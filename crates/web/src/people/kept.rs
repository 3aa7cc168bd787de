//! What the API's people listing keeps for a few seconds (see
//! `api::recent`): how many people each caller's filter matches, and where
//! each page begins, so a client paging on is sought, not counted to.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};

use tredegar_db::people::{self, Person, Start};
use tredegar_db::{Page, Scope, Tx};
use tredegar_domain::filter::Filter;
use tredegar_domain::{GroupId, UserId};

use crate::AppState;
use crate::api::Api;
use crate::api::recent::Recent;
use crate::error::ApiError;

/// Whose request, in which role, with which page size and filter: what a
/// count or a page's start is kept by.
type Asking = (GroupId, Option<UserId>, String);

/// Filters longer than this are counted every time, not kept: a client could
/// otherwise fill the memory with long keys.
const KEPT_FILTER: usize = 256;

#[derive(Default)]
pub struct Kept {
    /// How many people match, for `total_records`.
    totals: Recent<Asking, i64>,
    /// Where a page begins: learnt from the page itself, or from the end of
    /// the page before.
    starts: Recent<(Asking, i64), Start>,
    /// One recount at a time: a client touching many filters cannot queue
    /// counts of the whole group behind one another.
    recounting: AtomicBool,
}

/// One listing request's key into what is kept.
pub(super) struct Listing {
    asking: Asking,
    page: Page,
    /// Whether its filter is short enough to keep anything by.
    keep: bool,
}

impl Listing {
    pub(super) fn of(api: &Api, page: Page) -> Listing {
        let filter = api.filter_text();
        let key = format!("{:?}/{}/{filter}", api.scope.role(), page.per_page);
        Listing { asking: (api.scope.group_id(), api.scope.user_id(), key), page, keep: filter.len() <= KEPT_FILTER }
    }

    /// `total_records`: kept, or counted now. A stale count is served while
    /// one task counts again.
    pub(super) async fn total(&self, state: &AppState, scope: &Scope, filter: &Filter, tx: &mut Tx) -> Result<i64, ApiError> {
        let kept = &state.people_kept;
        if let Some((n, stale)) = kept.totals.get_stale(&self.asking).filter(|_| self.keep) {
            if stale {
                recount(state, scope, filter, &self.asking, n);
            }
            return Ok(n);
        }
        let n = people::count_matching(tx, scope, filter).await?;
        if self.keep {
            kept.totals.put(self.asking.clone(), n);
        }
        Ok(n)
    }

    /// Where this page begins, if that is known. The first page's start is
    /// kept only with when the group last changed, and checked against it
    /// as the page is read: a kept first id would otherwise hide anyone who
    /// came into sight before it (modified into a `modified_date gt` filter,
    /// say) until it was forgotten.
    pub(super) fn start(&self, state: &AppState) -> Option<Start> {
        if !self.keep {
            return None;
        }
        state.people_kept.starts.get(&(self.asking.clone(), self.page.page))
    }

    /// When the group last changed, where a first page's start is about to
    /// be learnt (none is kept for this listing yet); read before the page,
    /// so a change in between only makes the kept start fail its check.
    pub(super) async fn latest(&self, start: Option<Start>, scope: &Scope, tx: &mut Tx) -> Result<Option<DateTime<Utc>>, ApiError> {
        if !self.keep || self.page.page != 1 || start.is_some() {
            return Ok(None);
        }
        Ok(people::latest_change(tx, scope).await?)
    }

    /// Keep where this page began and where the next one will. A first page
    /// is kept only with `latest` (from `latest`), and a kept one is not put
    /// again, so that one whose check fails is forgotten in a moment.
    pub(super) fn learn(&self, state: &AppState, page: &[Person], started: Option<Start>, latest: Option<DateTime<Utc>>) {
        let (true, Some(first), Some(last)) = (self.keep, page.first(), page.last()) else { return };
        let starts = &state.people_kept.starts;
        let here = match (self.page.page, started, latest) {
            (1, None, Some(latest)) => Some(Start::First { at: first.id, latest }),
            (1, _, _) => None,
            _ => Some(Start::At(first.id)),
        };
        if let Some(here) = here {
            starts.put((self.asking.clone(), self.page.page), here);
        }
        starts.put((self.asking.clone(), self.page.page + 1), Start::After(last.id));
    }
}

/// Count again, apart from the request: counting a million people takes
/// longer than a page, and no client should wait for it. The old count
/// stands meanwhile, put again so that one request starts the recount, not
/// every one that comes before it ends.
fn recount(state: &AppState, scope: &Scope, filter: &Filter, asking: &Asking, old: i64) {
    let kept = &state.people_kept;
    if kept.recounting.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_err() {
        return;
    }
    kept.totals.put(asking.clone(), old);
    let (state, scope, filter, asking) = (state.clone(), scope.clone(), filter.clone(), asking.clone());
    tokio::spawn(async move {
        let counted = match state.db.read().await {
            Ok(mut tx) => people::count_matching(&mut tx, &scope, &filter).await,
            Err(e) => Err(e),
        };
        match counted {
            Ok(n) => state.people_kept.totals.put(asking, n),
            Err(e) => tracing::warn!(error = %e, "the API could not count people again"),
        }
        state.people_kept.recounting.store(false, Ordering::Release);
    });
}
