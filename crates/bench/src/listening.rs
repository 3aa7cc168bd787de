//! `listening`: the listening report (the themes raised, ranked with the
//! change from the period before, and by area) over a year of
//! conversations, through `tredegar_db::listening` as the report page calls
//! it; against the same counts written directly against the database.
//!
//! The data: one year of N conversations, and a fifth as many in the year
//! before (the report compares the two), each raising one to three of twelve
//! themes, in one of 200 postcode districts. The report reads only the
//! themes raised, so the conversations share one person.

use std::time::{Duration, Instant};

use anyhow::bail;
use chrono::{DateTime, Utc};
use tredegar_db::{Db, Sql, conversations, listening, people};
use tredegar_domain::{ConversationId, PersonId, ThemeId};
use tredegar_web::Clock;

const THEMES: [&str; 12] = [
    "Damp and mould",
    "Repairs not done",
    "Demolition",
    "Rent rises",
    "Broken lifts",
    "Antisocial behaviour",
    "Service charges",
    "Bins",
    "Parking",
    "Play areas",
    "Heating",
    "Security doors",
];

const WRITE_AT_ONCE: usize = 2000;

/// The i-th conversation's time, themes and district, the same every run:
/// later ones are raised more often, so the ranking has something to show.
fn raised(i: usize, start: DateTime<Utc>, span: Duration, n: usize) -> (DateTime<Utc>, Vec<usize>, String) {
    let at = start + chrono::Duration::from_std(span.mul_f64(i as f64 / n.max(1) as f64)).unwrap_or_default();
    let mut themes = vec![(i * 7) % THEMES.len()];
    if !i.is_multiple_of(3) {
        themes.push((i * 7 + 1 + i % 5) % THEMES.len());
    }
    if i.is_multiple_of(5) {
        themes.push((i / 5 + 3) % THEMES.len());
    }
    themes.sort_unstable();
    themes.dedup();
    let district = format!("{}{}", ["NP", "CF", "SA", "LL", "SY"][i % 5], 1 + (i / 5) % 40);
    (at, themes, district)
}

pub async fn run(n: usize, runs: usize) -> anyhow::Result<()> {
    let (_temp, db, scope) = crate::bench_db().await?;
    let group = scope.group_id();
    let now = Clock.now();
    let year = Duration::from_secs(365 * 24 * 3600);
    let (this_year, last_year) = (now - chrono::Duration::days(365), now - chrono::Duration::days(730));

    let start = Instant::now();
    let mut tx = db.write().await?;
    let person = PersonId::new();
    people::save(&mut tx, &scope, person, &crate::person(0)?, now, true).await?;
    let mut themes: Vec<ThemeId> = Vec::new();
    for name in THEMES {
        themes.push(conversations::theme(&mut tx, &scope, name, now).await?);
    }
    tx.commit().await?;
    let earlier = n / 5;
    let all: Vec<(usize, DateTime<Utc>, usize)> =
        (0..earlier).map(|i| (i, last_year, earlier)).chain((0..n).map(|i| (i, this_year, n))).collect();
    for chunk in all.chunks(WRITE_AT_ONCE) {
        let rows: Vec<(ConversationId, DateTime<Utc>, Vec<usize>, String)> = chunk
            .iter()
            .map(|(i, from, of)| {
                let (at, raised, district) = raised(*i, *from, year, *of);
                (ConversationId::new(), at, raised, district)
            })
            .collect();
        let mut tx = db.write().await?;
        Sql::insert_rows(
            &mut tx,
            "INSERT INTO conversations (id, group_id, person_id, held_by_name, kind, held_at, place, area, self_interest, ask, commitments, \
             notes, created_at) VALUES",
            "",
            &rows,
            |q, (id, at, _, district)| {
                q.bind(*id).push(", ").bind(group).push(", ").bind(person).push(", 'Bench', 'door_knock', ").bind(*at);
                q.push(", '', ").bind(district.as_str()).push(", '', '', '', '', ").bind(*at);
            },
        )
        .await?;
        let theme_rows: Vec<(ConversationId, ThemeId, DateTime<Utc>, &str)> = rows
            .iter()
            .flat_map(|(id, at, raised, district)| raised.iter().filter_map(|t| themes.get(*t).map(|t| (*id, *t, *at, district.as_str()))))
            .collect();
        Sql::insert_rows(
            &mut tx,
            "INSERT INTO conversation_themes (conversation_id, theme_id, group_id, held_at, area) VALUES",
            "",
            &theme_rows,
            |q, (id, theme, at, district)| {
                q.bind(*id).push(", ").bind(*theme).push(", ").bind(group).push(", ").bind(*at).push(", ").bind(*district);
            },
        )
        .await?;
        tx.commit().await?;
    }
    eprintln!("wrote {} conversations in {:.0}s", n + earlier, start.elapsed().as_secs_f64());

    // The report as its page asks for it: the ranking (this year and the one before) and the areas.
    let Db::Sqlite { read, .. } = &db else { bail!("listening runs on SQLite") };
    let (mut app, mut bare) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    let mut shown = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let mut tx = db.read().await?;
        let listening::Report { ranking: ranked, areas } = listening::report(&mut tx, &scope, this_year, now).await?;
        drop(tx);
        app.push(t.elapsed());
        shown = ranked.iter().map(|r| r.count).sum::<i64>();
        anyhow::ensure!(!areas.is_empty(), "no areas in the report");

        // The same three counts, written directly.
        let t = Instant::now();
        let by_theme =
            "SELECT theme_id, COUNT(*) FROM conversation_themes WHERE group_id = ? AND held_at >= ? AND held_at < ? GROUP BY theme_id";
        let by_area = "SELECT theme_id, area, COUNT(*) FROM conversation_themes WHERE group_id = ? AND held_at >= ? AND held_at < ? \
                       GROUP BY theme_id, area";
        let mut direct = 0;
        for (sql, from, to) in [(by_theme, this_year, now), (by_theme, last_year, this_year), (by_area, this_year, now)] {
            let rows = sqlx::query(sql).bind(group).bind(from).bind(to).fetch_all(read).await?;
            direct += rows.len();
        }
        bare.push(t.elapsed());
        anyhow::ensure!(direct > 0, "the direct counts found nothing");
    }
    let expected: i64 = (0..n).map(|i| raised(i, this_year, year, n).1.len() as i64).sum();
    anyhow::ensure!(shown == expected, "the report counted {shown} themes raised this year, not {expected}");
    let ((a50, a95), (b50, b95)) = (crate::summary(app), crate::summary(bare));
    println!(
        "report: p50 {a50:.1} ms, p95 {a95:.1} ms over {runs} runs; the same counts written directly: p50 {b50:.1} ms, p95 {b95:.1} ms"
    );
    println!("RESULT listening conversations={n} runs={runs} p95_ms={a95:.1} baseline_p95_ms={b95:.1} ratio={:.2}", a95 / b95.max(1e-9));
    db.close().await;
    Ok(())
}
