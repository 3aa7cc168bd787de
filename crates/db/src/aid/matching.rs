//! The best offers for every open need at once: what the group's offers,
//! loads and declines are, read in a few queries, and for each kind of help
//! an R-tree of where its volunteers are, so each need looks only at those
//! within reach. The same `rank` as a need's page decides, so the two agree
//! (a test checks); this is the fast way when there are many needs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rstar::RTree;
use rstar::primitives::GeomWithData;
use tredegar_domain::aid::{Candidate, NeedFacts, score};
use tredegar_domain::{AidCategoryId, NeedId, UserId};

use crate::{DbError, Result, Scope, Sql, Tx};

/// The Earth's radius, in km, for the flat projection the tree uses.
const EARTH_KM: f64 = 6371.0;

/// An offer on the map, by its place in the list of offers.
type Placed = GeomWithData<[f64; 2], usize>;

/// One kind of help's offers: on the map (later a tree), not on it, and the furthest reach.
struct Kind<P> {
    placed: P,
    unplaced: Vec<usize>,
    reach: f64,
}

/// The best offers for one need, best first: who, and their score.
#[derive(Clone, Debug, PartialEq)]
pub struct Best {
    pub need: NeedId,
    pub offers: Vec<(UserId, f64)>,
}

#[derive(sqlx::FromRow)]
struct OfferAt {
    user_id: UserId,
    name: String,
    checked: bool,
    paused: bool,
    latitude: Option<f64>,
    longitude: Option<f64>,
    radius_km: i64,
    days: i64,
    per_week: i64,
    /// Its kinds of help: ids as 32 hex digits, comma-separated.
    kinds: Option<String>,
}

#[derive(sqlx::FromRow)]
struct NeedAt {
    id: NeedId,
    category_id: AidCategoryId,
    needs_check: bool,
    latitude: Option<f64>,
    longitude: Option<f64>,
    from_on: Option<NaiveDate>,
    to_on: Option<NaiveDate>,
}

/// A point in km on a flat map around `lat0`: near enough over a town,
/// and the exact distance is measured again before anyone is ranked.
fn flat((lat, lon): (f64, f64), lat0: f64) -> [f64; 2] {
    [lon.to_radians() * EARTH_KM * lat0.to_radians().cos(), lat.to_radians() * EARTH_KM]
}

/// For each open need (new, or ready to offer), the `k` best offers. Coordinators only.
pub async fn best_for_all(tx: &mut Tx, scope: &Scope, k: usize, now: DateTime<Utc>, today: NaiveDate) -> Result<Vec<Best>> {
    if !scope.role().sees_everyone() {
        return Ok(Vec::new());
    }
    let group = scope.group_id();
    // One row an offer, its kinds of help in one text: rows, not joins, are what reading costs.
    let kinds_of = match tx {
        Tx::Sqlite(_) => {
            "(SELECT group_concat(lower(hex(category_id))) FROM aid_offer_categories k WHERE k.user_id = o.user_id AND k.group_id = o.group_id)"
        }
        Tx::Postgres(_) => {
            "(SELECT string_agg(replace(category_id::text, '-', ''), ',') FROM aid_offer_categories k WHERE k.user_id = o.user_id AND k.group_id = o.group_id)"
        }
    };
    let mut q = Sql::new("SELECT o.user_id, u.name, o.checked, o.paused, o.latitude, o.longitude, o.radius_km, o.days, o.per_week, ");
    q.push(kinds_of).push(
        " AS kinds FROM aid_offers o JOIN users u ON u.id = o.user_id JOIN memberships m ON m.user_id = o.user_id AND m.group_id = o.group_id \
         WHERE o.group_id = ",
    );
    q.bind(group);
    let offers: Vec<OfferAt> = q.fetch_all(tx).await?;
    let accepted = fetch_all!(
        tx,
        (UserId, i64),
        "SELECT volunteer_id, COUNT(*) FROM need_changes WHERE group_id = $1 AND to_status = 'accepted' AND at >= $2 \
         AND volunteer_id IS NOT NULL GROUP BY volunteer_id",
        group,
        now - chrono::Duration::days(7)
    )?;
    let waiting = fetch_all!(
        tx,
        (UserId, i64),
        "SELECT volunteer_id, COUNT(*) FROM needs WHERE group_id = $1 AND status = 'offered' AND volunteer_id IS NOT NULL GROUP BY volunteer_id",
        group
    )?;
    let helped = fetch_all!(
        tx,
        (UserId, DateTime<Utc>),
        "SELECT volunteer_id, MAX(at) FROM need_changes WHERE group_id = $1 AND to_status = 'done' AND volunteer_id IS NOT NULL \
         GROUP BY volunteer_id",
        group
    )?;
    let declined: Vec<(NeedId, UserId)> = fetch_all!(
        tx,
        (NeedId, UserId),
        "SELECT need_id, volunteer_id FROM need_changes WHERE group_id = $1 AND from_status = 'offered' AND to_status = 'triaged' \
         AND volunteer_id IS NOT NULL AND (by_user = volunteer_id OR by_user IS NULL)",
        group
    )?;
    let needs = fetch_all!(
        tx,
        NeedAt,
        "SELECT n.id, n.category_id, c.needs_check, n.latitude, n.longitude, n.from_on, n.to_on FROM needs n \
         JOIN aid_categories c ON c.id = n.category_id WHERE n.group_id = $1 AND n.status IN ('new', 'triaged') ORDER BY n.created_at, n.id",
        group
    )?;
    let mut taken: HashMap<UserId, i64> = HashMap::new();
    for (user, n) in accepted.into_iter().chain(waiting) {
        *taken.entry(user).or_default() += n;
    }
    let helped: HashMap<UserId, DateTime<Utc>> = helped.into_iter().collect();
    let points: Vec<(f64, f64)> = offers.iter().filter_map(|o| o.latitude.zip(o.longitude)).collect();
    let lat0 = if points.is_empty() { 0.0 } else { points.iter().map(|p| p.0).sum::<f64>() / points.len() as f64 };
    // Each kind's offers: those on the map in a tree, and those that are not.
    let mut trees: HashMap<AidCategoryId, Kind<Vec<Placed>>> = HashMap::new();
    for (i, o) in offers.iter().enumerate() {
        for kind in o.kinds.as_deref().unwrap_or_default().split(',').filter_map(|k| k.parse::<AidCategoryId>().ok()) {
            let entry = trees.entry(kind).or_insert_with(|| Kind { placed: Vec::new(), unplaced: Vec::new(), reach: 0.0 });
            match o.latitude.zip(o.longitude) {
                Some(at) => entry.placed.push(GeomWithData::new(flat(at, lat0), i)),
                None => entry.unplaced.push(i),
            }
            entry.reach = entry.reach.max(o.radius_km as f64);
        }
    }
    let trees: HashMap<AidCategoryId, Kind<RTree<Placed>>> = trees
        .into_iter()
        .map(|(kind, k)| (kind, Kind { placed: RTree::bulk_load(k.placed), unplaced: k.unplaced, reach: k.reach }))
        .collect();
    // What each offer brings to every need, worked out once: how busy they are, when they last helped.
    let load: Vec<(i64, Option<i64>)> = offers
        .iter()
        .map(|o| (taken.get(&o.user_id).copied().unwrap_or(0), helped.get(&o.user_id).map(|at| (now - *at).num_days())))
        .collect();
    let mut said_no: HashMap<NeedId, Vec<UserId>> = HashMap::new();
    for (need, user) in declined {
        said_no.entry(need).or_default().push(user);
    }
    let ranking = Ranking { offers, load, trees, said_no, lat0, k, today };
    // Ranking is arithmetic on what was read: spread over the cores, off the async threads.
    let out = tokio::task::spawn_blocking(move || {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let share = needs.len().div_ceil(cores).max(1);
        std::thread::scope(|s| {
            let parts: Vec<_> =
                needs.chunks(share).map(|part| s.spawn(|| part.iter().map(|n| ranking.best(n)).collect::<Vec<_>>())).collect();
            parts.into_iter().map(|p| p.join()).collect::<std::result::Result<Vec<_>, _>>()
        })
    })
    .await
    .map_err(|e| DbError::Crashed(format!("matching failed: {e}")))?
    .map_err(|_| DbError::Crashed("matching failed on one of its threads".into()))?
    .into_iter()
    .flatten()
    .collect();
    Ok(out)
}

/// What ranking every need reads: the offers, what each brings, each kind's
/// tree, who said no to what.
struct Ranking {
    offers: Vec<OfferAt>,
    /// By offer: needs taken this week, days since they last helped.
    load: Vec<(i64, Option<i64>)>,
    trees: HashMap<AidCategoryId, Kind<RTree<Placed>>>,
    said_no: HashMap<NeedId, Vec<UserId>>,
    lat0: f64,
    k: usize,
    today: NaiveDate,
}

impl Ranking {
    /// The `k` best offers for one need.
    fn best(&self, need: &NeedAt) -> Best {
        let Some(Kind { placed: tree, unplaced, reach }) = self.trees.get(&need.category_id) else {
            return Best { need: need.id, offers: Vec::new() };
        };
        let at = need.latitude.zip(need.longitude);
        let near: Vec<usize> = match at {
            // A little beyond the furthest reach: the flat map is not quite the Earth. Whoever is
            // plainly beyond their own reach is left out before the exact distance is measured.
            Some(at) => {
                let here = flat(at, self.lat0);
                let margin = |r: f64| (r * 1.02 + 0.5).powi(2);
                let within = tree.locate_within_distance(here, margin(*reach)).filter(|p| {
                    let [dx, dy] = [p.geom()[0] - here[0], p.geom()[1] - here[1]];
                    self.offers.get(p.data).is_some_and(|o| dx * dx + dy * dy <= margin(o.radius_km.max(1) as f64))
                });
                within.map(|p| p.data).chain(unplaced.iter().copied()).collect()
            }
            None => tree.iter().map(|p| p.data).chain(unplaced.iter().copied()).collect(),
        };
        let facts = NeedFacts { needs_check: need.needs_check, at, from_on: need.from_on, to_on: need.to_on, today: self.today };
        let said_no = self.said_no.get(&need.id).map_or(&[][..], Vec::as_slice);
        let mut ranked: Vec<(f64, &str, UserId)> = near
            .into_iter()
            .filter_map(|i| {
                let (o, (taken, since)) = (self.offers.get(i)?, self.load.get(i)?);
                let candidate = Candidate {
                    checked: o.checked,
                    paused: o.paused,
                    at: o.latitude.zip(o.longitude),
                    radius_km: o.radius_km,
                    days: o.days,
                    per_week: o.per_week,
                    taken_this_week: *taken,
                    days_since_helped: *since,
                    declined: said_no.contains(&o.user_id),
                };
                Some((score(&facts, &candidate)?, o.name.as_str(), o.user_id))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        Best { need: need.id, offers: ranked.into_iter().take(self.k).map(|(score, _, user)| (user, score)).collect() }
    }
}
