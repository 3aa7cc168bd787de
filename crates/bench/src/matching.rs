//! `match`: the best 5 offers for every open need, from data in the
//! database, with the matcher's spatial index; against each need's own
//! ranking (the query a need's page runs) over a sample, scaled up.
//!
//! The data: volunteers and needs spread over Great Britain's rough box
//! (lat 50.5–55.5, lon −4.5–0.5), six kinds of help, each volunteer offering
//! one to three of them within 1 to 10 km, half of them safeguarding-checked.

use std::time::Instant;

use anyhow::Context;
use tredegar_db::Sql;
use tredegar_db::aid::offers::{self, Rules};
use tredegar_db::aid::{self, matching};
use tredegar_domain::aid::{Need, NeedSource, NeedStatus, Repeats, Urgency};
use tredegar_domain::{AidCategoryId, NeedId, Phone, Postcode, UserId};
use tredegar_web::Clock;

/// A tiny deterministic generator: the same data every run.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides.max(1)
    }
    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.roll(1_000_000) as f64 / 1_000_000.0
    }
}

const WRITE_AT_ONCE: usize = 10_000;

pub async fn run(needs: usize, volunteers: usize, sample: usize) -> anyhow::Result<()> {
    let (_temp, db, scope) = crate::bench_db().await?;
    let now = Clock.now();
    let mut dice = Dice(2026);
    let start = Instant::now();
    let mut kinds: Vec<AidCategoryId> = Vec::new();
    let mut tx = db.write().await?;
    for (i, name) in ["Groceries", "Prescriptions", "Lifts", "Befriending", "Repairs", "Translation"].iter().enumerate() {
        kinds.push(offers::add_category(&mut tx, &scope, name, Rules { needs_check: i == 3, auto_match: false }, now).await?);
    }
    // One person asks them all: the matcher reads needs, not people.
    let first = Need {
        category: String::new(),
        description: "Help".into(),
        urgency: Urgency::ThisWeek,
        from_on: None,
        to_on: None,
        name: "Bench Resident".into(),
        address: "1 Bench Street".into(),
        postcode: Postcode::parse("postcode", "NP22 3AB")?,
        phone: Some(Phone::parse("phone", "07700 900000")?),
        email: None,
        how_to_contact: String::new(),
        asked_by: String::new(),
        repeats: Repeats::Never,
        same_volunteer: false,
        involve: false,
    };
    let one = aid::add(&mut tx, &scope, &first, *kinds.first().context("kinds")?, NeedSource::Coordinator, now).await?;
    let person = aid::get(&mut tx, &scope, one).await?.context("the first need")?.person_id;
    tx.commit().await?;

    let group = scope.group_id();
    let users: Vec<UserId> = (0..volunteers).map(|_| UserId::new()).collect();
    for (c, chunk) in users.chunks(WRITE_AT_ONCE).enumerate() {
        let rows: Vec<(usize, UserId)> = chunk.iter().enumerate().map(|(i, u)| (c * WRITE_AT_ONCE + i, *u)).collect();
        let offers: Vec<(UserId, f64, f64, i64, i64, i64, bool)> = rows
            .iter()
            .map(|(_, u)| {
                let (lat, lon) = (dice.between(50.5, 55.5), dice.between(-4.5, 0.5));
                (*u, lat, lon, 1 + dice.roll(10) as i64, 1 + dice.roll(127) as i64, 1 + dice.roll(3) as i64, dice.roll(2) == 0)
            })
            .collect();
        let offered: Vec<(UserId, AidCategoryId)> = rows
            .iter()
            .flat_map(|(_, u)| {
                let first = dice.roll(6) as usize;
                let more = dice.roll(3) as usize;
                (0..=more).filter_map(|k| kinds.get((first + 2 * k) % kinds.len()).map(|c| (*u, *c))).collect::<Vec<_>>()
            })
            .collect();
        let mut tx = db.write().await?;
        Sql::insert_rows(
            &mut tx,
            "INSERT INTO users (id, email, email_key, name, password_hash, created_at) VALUES",
            "",
            &rows,
            |q, (i, u)| {
                let email = format!("v{i}@bench.example.org");
                q.bind(*u).push(", ").bind(email.as_str()).push(", ").bind(email.as_str()).push(", ");
                q.bind(format!("Volunteer {i}")).push(", 'unused', ").bind(now);
            },
        )
        .await?;
        Sql::insert_rows(&mut tx, "INSERT INTO memberships (group_id, user_id, role, created_at) VALUES", "", &rows, |q, (_, u)| {
            q.bind(group).push(", ").bind(*u).push(", 'volunteer', ").bind(now);
        })
        .await?;
        Sql::insert_rows(
            &mut tx,
            "INSERT INTO aid_offers (user_id, group_id, postcode, latitude, longitude, radius_km, days, from_hour, to_hour, transport, checked, \
             checked_by_name, paused, per_week, modified_at) VALUES",
            "",
            &offers,
            |q, (u, lat, lon, radius, days, per_week, checked)| {
                q.bind(*u).push(", ").bind(group).push(", '', ").bind(Some(*lat)).push(", ").bind(Some(*lon)).push(", ").bind(*radius);
                q.push(", ").bind(*days).push(", 9, 18, FALSE, ").bind(*checked).push(", '', FALSE, ").bind(*per_week).push(", ").bind(now);
            },
        )
        .await?;
        Sql::insert_rows(&mut tx, "INSERT INTO aid_offer_categories (user_id, group_id, category_id) VALUES", "", &offered, |q, (u, c)| {
            q.bind(*u).push(", ").bind(group).push(", ").bind(*c);
        })
        .await?;
        tx.commit().await?;
    }
    for c in 0..needs.div_ceil(WRITE_AT_ONCE) {
        let count = WRITE_AT_ONCE.min(needs - c * WRITE_AT_ONCE);
        let rows: Vec<(NeedId, AidCategoryId, f64, f64)> = (0..count)
            .filter_map(|_| {
                let kind = kinds.get(dice.roll(6) as usize).copied()?;
                Some((NeedId::new(), kind, dice.between(50.5, 55.5), dice.between(-4.5, 0.5)))
            })
            .collect();
        let mut tx = db.write().await?;
        Sql::insert_rows(
            &mut tx,
            "INSERT INTO needs (id, group_id, person_id, category_id, description, urgency, contact_name, address, phone, email, how_to_contact, \
             asked_by, postcode, district, latitude, longitude, status, source, created_at, modified_at) VALUES",
            "",
            &rows,
            |q, (id, kind, lat, lon)| {
                q.bind(*id).push(", ").bind(group).push(", ").bind(person).push(", ").bind(*kind);
                q.push(", 'Help', 'this_week', 'x', 'x', '', '', '', '', 'NP22 3AB', 'NP22', ").bind(Some(*lat)).push(", ").bind(Some(*lon));
                q.push(", 'new', 'coordinator', ").bind(now).push(", ").bind(now);
            },
        )
        .await?;
        tx.commit().await?;
    }
    eprintln!("wrote {volunteers} volunteers and {needs} needs in {:.0}s", start.elapsed().as_secs_f64());

    let today = now.date_naive();
    let mut tx = db.read().await?;
    let timer = Instant::now();
    let all = matching::best_for_all(&mut tx, &scope, 5, now, today).await?;
    let seconds = timer.elapsed().as_secs_f64();
    let matched = all.iter().filter(|b| !b.offers.is_empty()).count();
    println!("matcher: best 5 offers for {} open needs in {seconds:.2} s ({matched} with at least one)", all.len());

    // Each need's own ranking, as its page asks for it, over a sample.
    let (open, _) = aid::list(&mut tx, &scope, &[NeedStatus::New], tredegar_db::Page::new(1, 500)).await?;
    let step = (open.len() / sample.max(1)).max(1);
    let picked: Vec<_> = open.iter().step_by(step).take(sample).collect();
    let timer = Instant::now();
    for need in &picked {
        let ranked = offers::candidates(&mut tx, &scope, need, now, today).await?;
        let best: Vec<UserId> = ranked.into_iter().filter(|r| r.rank.is_ok()).take(5).map(|r| r.user_id).collect();
        let matcher: Vec<UserId> =
            all.iter().find(|b| b.need == need.id).map(|b| b.offers.iter().map(|o| o.0).collect()).unwrap_or_default();
        anyhow::ensure!(best == matcher, "need {}: the matcher and its own ranking disagree", need.id);
    }
    let per_need = timer.elapsed().as_secs_f64() / picked.len().max(1) as f64;
    let scaled = per_need * all.len() as f64;
    let ratio = scaled / seconds.max(1e-9);
    println!(
        "each need's own ranking: {:.1} ms a need over {} sampled, so {scaled:.0} s for all; the matcher agrees on every one sampled",
        per_need * 1000.0,
        picked.len()
    );
    println!("RESULT match needs={needs} offers={volunteers} seconds={seconds:.2} ratio={ratio:.0}");
    Ok(())
}
