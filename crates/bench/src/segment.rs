//! `segment`: a segment of four filters (a tag, an assessment level on a
//! campaign, a postcode district, and nobody spoken to in 30 days, never
//! counting) over N people, counted exactly and its first page listed as
//! the segment's page does; against the same count written directly.
//!
//! The data, the same every run: a tenth of people live in NP22, half have
//! the tag, each is assessed 1 to 5 on the campaign, and each was last
//! spoken to 10, 45 or 100 days ago, or never. About 1.5% match. People are
//! written through the bulk insert path (`people::insert_new`).
//!
//! The segment's page keeps each rule's people in memory between reads
//! (`people::sets`), so the first run, which reads them, is reported apart.

use std::time::Instant;

use anyhow::bail;
use chrono::{DateTime, Utc};
use tredegar_db::campaigns::{self, CampaignText};
use tredegar_db::people::{self, Order, Search};
use tredegar_db::{Db, Page, Sql, tags};
use tredegar_domain::campaigns::CampaignStatus;
use tredegar_domain::people::{Address, PersonDetails};
use tredegar_domain::segments::{Node, Rule};
use tredegar_domain::{CampaignId, ConversationId, Level, PersonId, Postcode, TaggingId};
use tredegar_web::Clock;

const WRITE_AT_ONCE: usize = 2000;

/// The i-th person's dice: independent bits from one number.
fn mix(i: usize) -> u64 {
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Who the i-th person is, for the segment: in NP22, tagged, their level,
/// and how many days ago they were last spoken to (never: `None`).
struct Facts {
    home: bool,
    tagged: bool,
    level: i64,
    spoken: Option<i64>,
}

fn facts(i: usize) -> Facts {
    let r = mix(i);
    Facts {
        home: r.is_multiple_of(10),
        tagged: (r >> 8).is_multiple_of(2),
        level: 1 + ((r >> 16) % 5) as i64,
        spoken: [None, Some(10), Some(45), Some(100)].get(((r >> 24) % 4) as usize).copied().flatten(),
    }
}

fn matches(f: &Facts) -> bool {
    f.home && f.tagged && f.level <= 2 && f.spoken.is_none_or(|d| d > 30)
}

/// The i-th person, at home in NP22 or elsewhere.
fn person(i: usize, home: bool) -> anyhow::Result<PersonDetails> {
    let mut p = crate::person(i)?;
    let code = if home { format!("NP22 {}AB", i % 10) } else { format!("{}{} {}EF", ["CF", "SA", "LL", "SY"][i % 4], 1 + i % 40, i % 10) };
    p.addresses = vec![Address { postcode: Some(Postcode::parse("postcode", &code)?), primary: true, ..Default::default() }];
    Ok(p)
}

pub async fn run(n: usize, runs: usize) -> anyhow::Result<()> {
    let (_temp, db, scope) = crate::bench_db().await?;
    let group = scope.group_id();
    let now = Clock.now();

    let start = Instant::now();
    let mut tx = db.write().await?;
    let tag = tags::create(&mut tx, &scope, "Rent strike pledge", now).await?.id;
    let campaign = CampaignId::new();
    let text = CampaignText { title: "Save Bevan Court", description: "", status: CampaignStatus::Active, is_public: false, themes: &[] };
    campaigns::save(&mut tx, &scope, campaign, &text, now, true).await?;
    tx.commit().await?;
    for from in (0..n).step_by(WRITE_AT_ONCE) {
        let ids: Vec<(usize, PersonId, Facts)> = (from..(from + WRITE_AT_ONCE).min(n)).map(|i| (i, PersonId::new(), facts(i))).collect();
        let details: Vec<PersonDetails> = ids.iter().map(|(i, _, f)| person(*i, f.home)).collect::<anyhow::Result<_>>()?;
        let people: Vec<(PersonId, &PersonDetails)> = ids.iter().zip(&details).map(|((_, id, _), d)| (*id, d)).collect();
        let mut tx = db.write().await?;
        people::insert_new(&mut tx, &scope, &people, now).await?;
        let tagged: Vec<PersonId> = ids.iter().filter(|(_, _, f)| f.tagged).map(|(_, id, _)| *id).collect();
        Sql::insert_rows(&mut tx, "INSERT INTO taggings (id, group_id, tag_id, person_id, created_at) VALUES", "", &tagged, |q, p| {
            q.bind(TaggingId::new()).push(", ").bind(group).push(", ").bind(tag).push(", ").bind(*p).push(", ").bind(now);
        })
        .await?;
        Sql::insert_rows(
            &mut tx,
            "INSERT INTO assessments (group_id, person_id, campaign_id, level, set_at) VALUES",
            "",
            &ids,
            |q, (_, p, f)| {
                q.bind(group).push(", ").bind(*p).push(", ").bind(campaign).push(", ").bind(f.level).push(", ").bind(now);
            },
        )
        .await?;
        let spoken: Vec<(PersonId, DateTime<Utc>)> =
            ids.iter().filter_map(|(_, p, f)| f.spoken.map(|d| (*p, now - chrono::Duration::days(d)))).collect();
        Sql::insert_rows(
            &mut tx,
            "INSERT INTO conversations (id, group_id, person_id, held_by_name, kind, held_at, place, area, self_interest, ask, commitments, \
             notes, created_at) VALUES",
            "",
            &spoken,
            |q, (p, at)| {
                q.bind(ConversationId::new()).push(", ").bind(group).push(", ").bind(*p).push(", 'Bench', 'door_knock', ").bind(*at);
                q.push(", '', '', '', '', '', '', ").bind(*at);
            },
        )
        .await?;
        tx.commit().await?;
        if from % 100_000 == 0 {
            eprint!("\r{from} of {n} people written");
        }
    }
    eprintln!("\nwrote {n} people, their tags, assessments and conversations in {:.0}s", start.elapsed().as_secs_f64());
    let expected = (0..n).filter(|i| matches(&facts(*i))).count() as i64;

    let rules = vec![
        Rule::Tag { tag },
        Rule::Assessment { campaign, levels: vec![Level::parse("level", "1")?, Level::parse("level", "2")?] },
        Rule::Postcode { prefix: "NP22".into() },
        Rule::NotContactedInDays { days: 30 },
    ];
    let node = Node::All(rules.into_iter().map(Node::Rule).collect());
    let Db::Sqlite { read, .. } = &db else { bail!("segment runs on SQLite") };
    let since = now - chrono::Duration::days(30);
    let direct = "SELECT COUNT(*) FROM person_addresses ad WHERE ad.group_id = ? AND ad.postcode_key >= 'NP22' AND ad.postcode_key < 'NP23' \
        AND EXISTS (SELECT 1 FROM taggings g WHERE g.person_id = ad.person_id AND g.tag_id = ?) \
        AND EXISTS (SELECT 1 FROM assessments a WHERE a.person_id = ad.person_id AND a.campaign_id = ? AND a.level IN (1, 2)) \
        AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.person_id = ad.person_id AND c.held_at >= ?)";
    // How SQLite runs it: each step should start from an index.
    let mut tx = db.read().await?;
    let resolved = tredegar_db::lists::resolve(&mut tx, &scope, &node, now).await?;
    eprintln!("plan:\n  {}", people::plan(&mut tx, &scope, &Search::Segment(resolved)).await?.join("\n  "));
    drop(tx);
    let (mut app, mut bare) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for _ in 0..runs {
        let t = Instant::now();
        let mut tx = db.read().await?;
        let resolved = tredegar_db::lists::resolve(&mut tx, &scope, &node, now).await?;
        let (first, total) =
            people::list(&mut tx, &scope, &Search::Segment(resolved), &Default::default(), Order::Name, Page::new(1, 50)).await?;
        drop(tx);
        app.push(t.elapsed());
        anyhow::ensure!(total == expected, "the segment counted {total}, the brute-force count is {expected}");
        anyhow::ensure!(first.len() == 50.min(expected as usize), "the first page has {} people", first.len());

        let t = Instant::now();
        let counted: i64 = sqlx::query_scalar(direct).bind(group).bind(tag).bind(campaign).bind(since).fetch_one(read).await?;
        bare.push(t.elapsed());
        anyhow::ensure!(counted == expected, "the direct count is {counted}, the brute-force count is {expected}");
    }
    // The first run reads each rule's people from its index; the rest find them kept.
    let first = app.first().map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let ((a50, a95), (b50, b95)) = (crate::summary(app), crate::summary(bare));
    println!(
        "segment: {expected} of {n} people ({:.1}%), count and first page p50 {a50:.1} ms, p95 {a95:.1} ms over {runs} runs \
         (the first, reading the rules' people: {first:.1} ms); the count written directly: p50 {b50:.1} ms, p95 {b95:.1} ms",
        expected as f64 * 100.0 / n.max(1) as f64
    );
    println!(
        "RESULT segment people={n} matched={expected} runs={runs} p95_ms={a95:.1} first_ms={first:.1} baseline_p95_ms={b95:.1} ratio={:.2}",
        a95 / b95.max(1e-9)
    );
    db.close().await;
    Ok(())
}
