//! `tredegar-bench`: speed and footprint scenarios. Each prints its figures and
//! ends with one line `RESULT <scenario> key=value ...`, with every figure also
//! given as a ratio to a baseline measured in the same run.

// Generated data indexes fixed tables modulo their length, and slices short ASCII names.
#![allow(clippy::indexing_slicing)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tredegar_db::people::{self, Order, Search};
use tredegar_db::{Db, Page, Scope, groups, users};
use tredegar_domain::people::{Address, EmailEntry, PersonDetails, PhoneEntry, PhoneType};
use tredegar_domain::{Email, PersonId, Phone, Postcode, Role, SubscriptionStatus};
use tredegar_web::Clock;

/// As `tredegar` does, so the server measured here allocates as `serve` does.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod api_people;
mod crash;
mod import;
mod listening;
mod matching;
mod petitions;
mod segment;

#[derive(Parser)]
#[command(name = "tredegar-bench", about = "Tredegar's benchmarks; figures go in BENCHMARKS.md")]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// Search a group of N people by name prefix, email and postcode (p50, p95).
    PeopleSearch {
        #[arg(long, default_value_t = 1_000_000)]
        people: usize,
        /// Searches of each kind to time
        #[arg(long, default_value_t = 1000)]
        searches: usize,
        /// Keep the database here instead of a temp dir (reused if it has the people)
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Durable petition signatures a second through HTTP, against /healthz.
    PetitionSign {
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 64)]
        connections: usize,
    },
    /// Views a second of a petition's public page, against /healthz.
    PetitionPage {
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 64)]
        connections: usize,
    },
    /// The best 5 offers for every open need (mutual aid), with the spatial index, against each need's own ranking over a sample.
    Match {
        #[arg(long, default_value_t = 100_000)]
        needs: usize,
        #[arg(long, default_value_t = 100_000)]
        offers: usize,
        /// Needs ranked one at a time, for the baseline
        #[arg(long, default_value_t = 20)]
        sample: usize,
    },
    /// The listening report over a year of N conversations (p95 over runs), against the same counts written directly.
    Listening {
        #[arg(long, default_value_t = 1_000_000)]
        conversations: usize,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// A segment of four filters over N people: the exact count and first page (p95 over runs), against the count written directly.
    Segment {
        #[arg(long, default_value_t = 1_000_000)]
        people: usize,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// GET /api/v2/people page 1,000 and a sync of the latest 1% through HTTP (p99, a second), against /healthz.
    ApiPeople {
        #[arg(long, default_value_t = 1_000_000)]
        people: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 16)]
        connections: usize,
    },
    /// Under signing load, kill -9 the server N times and restart it; no acknowledged signature may be lost.
    Crash {
        #[arg(long, default_value_t = 20)]
        kills: usize,
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// The tredegar binary [default: next to this one]
        #[arg(long)]
        tredegar: Option<PathBuf>,
    },
    /// `tredegar import people` of a generated electoral register (normalising, places and dedup on):
    /// rows a second and peak memory, against sqlite3's `.import` (or psql's `\copy`) of the same file.
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Only electoral-register is measured
        #[arg(long, default_value = "electoral-register")]
        format: String,
        /// Import into a new database on this PostgreSQL server (postgres://USER@HOST/DB) instead of SQLite
        #[arg(long)]
        postgres: Option<String>,
        /// The tredegar binary [default: next to this one]
        #[arg(long)]
        tredegar: Option<PathBuf>,
        /// Keep the register file and the databases in this empty folder
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Time from starting `tredegar serve` to a healthy /healthz, and its idle memory.
    ServeFootprint {
        /// The tredegar binary [default: next to this one]
        #[arg(long)]
        tredegar: Option<PathBuf>,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().scenario {
        Scenario::PeopleSearch { people, searches, dir } => people_search(people, searches, dir).await,
        Scenario::ServeFootprint { tredegar, runs } => serve_footprint(tredegar, runs).await,
        Scenario::PetitionSign { seconds, connections } => petitions::sign(seconds, connections).await,
        Scenario::PetitionPage { seconds, connections } => petitions::page(seconds, connections).await,
        Scenario::Import { rows, format, postgres, tredegar, keep } => {
            anyhow::ensure!(format == "electoral-register", "only --format electoral-register is measured");
            import::import(rows, postgres, tredegar, keep).await
        }
        Scenario::Crash { kills, connections, tredegar } => crash::crash(tredegar, kills, connections).await,
        Scenario::Match { needs, offers, sample } => matching::run(needs, offers, sample).await,
        Scenario::Listening { conversations, runs } => listening::run(conversations, runs).await,
        Scenario::Segment { people, runs } => segment::run(people, runs).await,
        Scenario::ApiPeople { people, seconds, connections } => api_people::run(people, seconds, connections).await,
    }
}

pub(crate) const SYLLABLES: [&str; 40] = [
    "ab", "bel", "car", "dav", "ed", "fen", "gar", "hol", "is", "jon", "kel", "lew", "mor", "nor", "ow", "pri", "quin", "ros", "sam",
    "tho", "ur", "vel", "wil", "yor", "zen", "bry", "cei", "dyl", "ern", "fal", "gwe", "han", "ifo", "jac", "kim", "lor", "mab", "nia",
    "osk", "pen",
];
const AREAS: [&str; 5] = ["NP", "CF", "SA", "LL", "SY"];
const UNITS: [&str; 10] = ["AA", "AB", "BD", "EF", "GH", "JL", "NP", "QR", "TU", "XY"];

/// The i-th person: names from syllables, a unique email, a postcode shared by about 50.
pub(crate) fn person(i: usize) -> anyhow::Result<PersonDetails> {
    let cap = |s: String| s[..1].to_uppercase() + &s[1..];
    let given = cap(format!("{}{}", SYLLABLES[i % 40], SYLLABLES[(i / 40) % 5 + 10]));
    let family = cap(format!("{}{}", SYLLABLES[(i / 7) % 40], SYLLABLES[(i / 280) % 40]));
    let p = i % 20_000;
    let postcode = format!("{}{} {}{}", AREAS[p % 5], 1 + (p / 5) % 40, (p / 200) % 10, UNITS[(p / 2000) % 10]);
    Ok(PersonDetails {
        emails: vec![EmailEntry {
            email: Email::parse("email", &format!("{}.{}{i}@example.org", given.to_lowercase(), family.to_lowercase()))?,
            status: SubscriptionStatus::Subscribed,
            primary: true,
        }],
        phones: if i.is_multiple_of(2) {
            vec![PhoneEntry {
                phone: Phone::parse("phone", &format!("07{:09}", i))?,
                number_type: PhoneType::Mobile,
                status: SubscriptionStatus::Unsubscribed,
                primary: true,
            }]
        } else {
            vec![]
        },
        addresses: vec![Address {
            address_lines: vec![format!("{} {} Street", 1 + i % 200, cap(SYLLABLES[(i / 3) % 40].to_string()))],
            locality: Some("Tredegar".into()),
            postcode: Some(Postcode::parse("postcode", &postcode)?),
            primary: true,
            ..Default::default()
        }],
        given_name: Some(given),
        family_name: Some(family),
        ..Default::default()
    })
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

pub(crate) fn summary(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.95))
}

async fn people_search(n: usize, searches: usize, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let dir = dir.unwrap_or_else(|| temp.path().to_path_buf());
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let scope = bench_scope(&db).await?;
    let have = {
        let mut tx = db.read().await?;
        people::count(&mut tx, &scope).await? as usize
    };
    if have < n {
        let start = Instant::now();
        let now = Clock.now();
        for batch in (have..n).collect::<Vec<_>>().chunks(20_000) {
            let mut tx = db.write().await?;
            for &i in batch {
                people::save(&mut tx, &scope, PersonId::new(), &person(i)?, now, true).await?;
            }
            tx.commit().await?;
            eprint!("\r{} of {n} people written", batch.last().map_or(0, |l| l + 1));
        }
        eprintln!("\nwrote {} people in {:.0}s", n - have, start.elapsed().as_secs_f64());
    }
    let Db::Sqlite { read, .. } = &db else { bail!("people-search runs on SQLite") };
    let group = scope.group_id();

    // The same keys for the app's search and the bare lookups.
    let step = (n / searches).max(1);
    let samples: Vec<PersonDetails> = (0..searches).map(|k| person((k * step + k) % n)).collect::<anyhow::Result<_>>()?;
    let mut rows = Vec::new();
    let mut all_app = Vec::new();
    let mut all_bare = Vec::new();
    for kind in ["name", "email", "postcode"] {
        let mut app = Vec::with_capacity(searches);
        let mut bare = Vec::with_capacity(searches);
        let mut found = 0usize;
        for d in &samples {
            let family = d.family_name.clone().unwrap_or_default().to_lowercase();
            let email = d.emails.first().map(|e| e.email.key()).unwrap_or_default();
            let postcode = d.addresses.first().and_then(|a| a.postcode.clone()).map(|p| p.as_str().to_string()).unwrap_or_default();
            let (query, bare_sql, key) = match kind {
                "name" => (
                    family[..4].to_string(),
                    "SELECT id FROM people WHERE group_id = $1 AND family_key >= $2 ORDER BY family_key LIMIT 50",
                    family[..4].to_string(),
                ),
                "email" => (email.clone(), "SELECT person_id FROM person_emails WHERE group_id = $1 AND address_key = $2", email),
                _ => (
                    postcode.clone(),
                    "SELECT person_id FROM person_addresses WHERE group_id = $1 AND postcode_key = $2",
                    postcode.replace(' ', ""),
                ),
            };
            let t = Instant::now();
            let mut tx = db.read().await?;
            let (list, _total) =
                people::list(&mut tx, &scope, &Search::parse(&query), &Default::default(), Order::Name, Page::new(1, 50)).await?;
            drop(tx);
            app.push(t.elapsed());
            found += usize::from(!list.is_empty());
            let t = Instant::now();
            let ids: Vec<uuid::Uuid> = sqlx::query_scalar(bare_sql).bind(group).bind(&key).fetch_all(read).await?;
            bare.push(t.elapsed());
            anyhow::ensure!(!ids.is_empty(), "the bare lookup found nobody for {key}");
        }
        anyhow::ensure!(found == searches, "{kind}: only {found} of {searches} searches found their person");
        all_app.extend(app.iter().copied());
        all_bare.extend(bare.iter().copied());
        let ((a50, a95), (b50, b95)) = (summary(app), summary(bare));
        println!(
            "{kind:>8}: p50 {a50:.2} ms, p95 {a95:.2} ms; bare indexed lookup p50 {b50:.3} ms, p95 {b95:.3} ms; ratio p95 {:.1}x",
            a95 / b95
        );
        rows.push(format!("{kind}_p95_ms={a95:.2}"));
    }
    let ((a50, a95), (b50, b95)) = (summary(all_app), summary(all_bare));
    println!(
        "RESULT people-search people={n} searches={} p50_ms={a50:.2} p95_ms={a95:.2} {} baseline_p50_ms={b50:.3} baseline_p95_ms={b95:.3} ratio_p95={:.1}",
        searches * 3,
        rows.join(" "),
        a95 / b95
    );
    db.close().await;
    Ok(())
}

/// A new SQLite database in a temporary folder, migrated and set for bulk
/// writes, with the bench group's scope. Keep the folder while the database is used.
pub(crate) async fn bench_db() -> anyhow::Result<(tempfile::TempDir, Db, Scope)> {
    let temp = tempfile::tempdir()?;
    let db = Db::connect(&format!("sqlite://{}", temp.path().join("bench.db").display())).await?;
    db.migrate().await?;
    db.bulk_writes().await?;
    let scope = bench_scope(&db).await?;
    Ok((temp, db, scope))
}

/// A group and an organiser to search as.
pub(crate) async fn bench_scope(db: &Db) -> anyhow::Result<Scope> {
    let mut tx = db.write().await?;
    let now = Clock.now();
    let group = match groups::by_slug(&mut tx, "bench").await? {
        Some(g) => g,
        None => groups::create(&mut tx, "Bench", "bench", None, now).await?,
    };
    let email = Email::parse("email", "bench@example.org")?;
    let user = match users::by_email(&mut tx, &email.key()).await? {
        Some(u) => u,
        None => users::create(&mut tx, &email, "Bench", "unused", now).await?,
    };
    users::set_membership(&mut tx, group.id, user.id, Role::Organiser, now).await?;
    let scope = Scope::for_member(&mut tx, user.id, "bench").await?.context("bench membership")?;
    tx.commit().await?;
    Ok(scope)
}

/// Resident memory of a process, from /proc (Linux).
fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).context("VmRSS value")?.parse()?)
}

pub(crate) fn healthy(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.1 200")
}

async fn serve_footprint(tredegar: Option<PathBuf>, runs: usize) -> anyhow::Result<()> {
    let bin = match tredegar {
        Some(p) => p,
        None => std::env::current_exe()?.with_file_name("tredegar"),
    };
    anyhow::ensure!(bin.exists(), "{} not found: build it first with `cargo build --release`", bin.display());
    let dir = tempfile::tempdir()?;
    let demo = Command::new(&bin).current_dir(dir.path()).arg("demo").output()?;
    anyhow::ensure!(demo.status.success(), "demo failed: {}", String::from_utf8_lossy(&demo.stderr));
    let db_file = dir.path().join("tredegar-data/tredegar.db");

    let mut starts = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut child = Command::new(&bin)
            .current_dir(dir.path())
            .args(["serve", "--listen", "127.0.0.1:0", "--log-json"])
            .env("TREDEGAR_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()?;
        // Port 0: the server picks a free port and logs which.
        let stderr = child.stderr.take().context("serve's stderr")?;
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
        let port = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split("\"addr\":\"127.0.0.1:").nth(1).and_then(|rest| rest.split('"').next()).and_then(|p| p.parse::<u16>().ok())
            })
            .context("serve did not log its address")?;
        // Keep reading its log so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        while !healthy(port) {
            anyhow::ensure!(t.elapsed() < Duration::from_secs(10), "serve did not become healthy in 10 s");
            std::thread::sleep(Duration::from_millis(1));
        }
        starts.push(t.elapsed());
        std::thread::sleep(Duration::from_secs(2));
        rss.push(rss_kib(child.id())?);
        child.kill()?;
        child.wait()?;
    }
    let (base_start, base_rss) = sqlite3_baseline(&db_file, runs)?;
    let (s50, s95) = summary(starts);
    rss.sort_unstable();
    let rss_mib = rss.get(rss.len() / 2).copied().unwrap_or(0) as f64 / 1024.0;
    let (b50, _) = summary(base_start);
    println!("serve: healthy after p50 {s50:.1} ms (p95 {s95:.1} ms); idle RSS {rss_mib:.1} MiB");
    println!("sqlite3 CLI on the same file: query answered after p50 {b50:.1} ms; idle RSS {:.1} MiB", base_rss as f64 / 1024.0);
    println!(
        "RESULT serve-footprint runs={runs} start_p50_ms={s50:.1} start_p95_ms={s95:.1} idle_rss_mib={rss_mib:.1} baseline_start_ms={b50:.1} baseline_rss_mib={:.1} ratio_start={:.1} ratio_rss={:.1}",
        base_rss as f64 / 1024.0,
        s50 / b50,
        rss_mib * 1024.0 / base_rss as f64
    );
    Ok(())
}

/// The `sqlite3` CLI on the same database: time to answer a query, and its idle memory.
fn sqlite3_baseline(db: &Path, runs: usize) -> anyhow::Result<(Vec<Duration>, u64)> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new("sqlite3")
            .arg(db)
            .arg("SELECT COUNT(*) FROM people")
            .output()
            .context("the sqlite3 CLI is needed for the baseline")?;
        anyhow::ensure!(out.status.success(), "sqlite3 failed");
        times.push(t.elapsed());
    }
    let mut child = Command::new("sqlite3").arg(db).stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
    if let Some(stdin) = child.stdin.as_mut() {
        stdin.write_all(b"SELECT COUNT(*) FROM people;\n")?;
    }
    std::thread::sleep(Duration::from_millis(500));
    let rss = rss_kib(child.id())?;
    drop(child.stdin.take());
    child.wait()?;
    Ok((times, rss))
}
