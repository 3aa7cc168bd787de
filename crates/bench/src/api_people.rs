//! `api-people`: what Parsons and other clients do to `GET /api/v2/people`:
//! page 1,000 of the whole group, 25 a page, and the first page of a sync
//! (`modified_date gt`, the latest 1% of the group), each through HTTP on
//! loopback for a while; against `GET /healthz` on the same server in the
//! same run. The server runs in this process.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tredegar_db::{Tx, tokens};
use tredegar_domain::PersonId;
use tredegar_web::{AppState, Clock, Config};

use crate::petitions::{drive, healthz, p99_ms};

const WRITE_AT_ONCE: usize = 2000;

pub async fn run(n: usize, seconds: u64, connections: usize) -> anyhow::Result<()> {
    let (_temp, db, scope) = crate::bench_db().await?;
    // Each batch a minute later than the one before, so a sync can ask for the latest.
    let start = Clock.now() - chrono::Duration::minutes(n.div_ceil(WRITE_AT_ONCE) as i64);
    let written = std::time::Instant::now();
    let mut latest: Option<DateTime<Utc>> = None;
    for (k, from) in (0..n).step_by(WRITE_AT_ONCE).enumerate() {
        let at = start + chrono::Duration::minutes(k as i64);
        let details = (from..(from + WRITE_AT_ONCE).min(n)).map(crate::person).collect::<anyhow::Result<Vec<_>>>()?;
        let people: Vec<(PersonId, _)> = details.iter().map(|d| (PersonId::new(), d)).collect();
        let mut tx = db.write().await?;
        tredegar_db::people::insert_new(&mut tx, &scope, &people, at).await?;
        tx.commit().await?;
        // The batches that make the latest 1% began after this one's time.
        if (from + WRITE_AT_ONCE) * 100 <= n * 99 {
            latest = Some(at);
        }
    }
    eprintln!("wrote {n} people in {:.0}s", written.elapsed().as_secs_f64());
    // The server writes its audit entries as `serve` does: each commit waits for the disk.
    if let tredegar_db::Db::Sqlite { write, .. } = &db {
        for pragma in ["PRAGMA synchronous = FULL", "PRAGMA wal_autocheckpoint = 1000"] {
            sqlx::query(pragma).execute(write).await?;
        }
    }
    let since = latest.unwrap_or(start);

    let token = tredegar_web::random_token().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut tx: Tx = db.write().await?;
    tokens::create(&mut tx, &scope, "bench", &tredegar_web::token_hash(&token), Clock.now()).await?;
    tx.commit().await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let config = Config { public_url: format!("http://{addr}"), api_requests_per_minute: None, ..Config::default() };
    let state = AppState::new(db.clone(), config).map_err(anyhow::Error::msg)?;
    tokio::spawn(tredegar_web::serve_until(listener, state, std::future::pending()));

    let get = |path: String| format!("GET {path} HTTP/1.1\r\nHost: bench\r\nOSDI-API-Token: {token}\r\n\r\n").into_bytes();
    let filter = format!("modified_date gt '{}'", since.format("%Y-%m-%dT%H:%M:%SZ"));
    let page = get("/api/v2/people?page=1000".into());
    let sync = get(format!("/api/v2/people?filter={}", tredegar_web::paths::encode(&filter)));
    // Both answer, with people, before anything is timed.
    for request in [&page, &sync] {
        let mut conn = crate::petitions::Connection::open(addr).await?;
        anyhow::ensure!(conn.send(request).await? == 200, "the API did not answer 200");
    }
    let (paged, paged_failed) = drive(addr, connections, seconds, Arc::new(move |_, _| page.clone())).await?;
    let (synced, synced_failed) = drive(addr, connections, seconds, Arc::new(move |_, _| sync.clone())).await?;
    let (health, _) = drive(addr, connections, seconds, Arc::new(healthz)).await?;
    let per_s = (paged.len() + synced.len()) as f64 / (2 * seconds) as f64;
    let healthz_per_s = health.len() as f64 / seconds as f64;
    let (page_p99, sync_p99) = (p99_ms(paged.clone()), p99_ms(synced.clone()));
    println!(
        "api-people: page 1000 p99 {page_p99:.1} ms ({:.0} a second, {paged_failed} not 2xx); the latest 1% p99 {sync_p99:.1} ms ({:.0} a second, {synced_failed} not 2xx); /healthz {healthz_per_s:.0} a second; {connections} connections",
        paged.len() as f64 / seconds as f64,
        synced.len() as f64 / seconds as f64,
    );
    println!(
        "RESULT api-people people={n} p99_ms={:.1} page_p99_ms={page_p99:.1} sync_p99_ms={sync_p99:.1} per_s={per_s:.0} healthz_per_s={healthz_per_s:.0} ratio={:.3}",
        page_p99.max(sync_p99),
        per_s / healthz_per_s
    );
    Ok(())
}
