//! `crash`: under signing load, kill -9 the server at random moments and
//! start it again; afterwards every signature that got a 2xx must be in the
//! database, and SQLite's integrity check must pass.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::petitions::Connection;

fn start(bin: &Path, dir: &Path, port: u16) -> anyhow::Result<Child> {
    let child = Command::new(bin)
        .current_dir(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let t = Instant::now();
    while !crate::healthy(port) {
        anyhow::ensure!(t.elapsed() < Duration::from_secs(20), "serve did not come back within 20 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(child)
}

/// A moment from `from` to `to` milliseconds, different each time.
fn moment(from: u64, to: u64) -> Duration {
    let mut bytes = [0u8; 8];
    let n = getrandom::fill(&mut bytes).map(|()| u64::from_le_bytes(bytes)).unwrap_or(0);
    Duration::from_millis(from + n % (to - from).max(1))
}

pub async fn crash(tredegar: Option<PathBuf>, kills: usize, connections: usize) -> anyhow::Result<()> {
    let bin = match tredegar {
        Some(p) => p,
        None => std::env::current_exe()?.with_file_name("tredegar"),
    };
    anyhow::ensure!(bin.exists(), "{} not found: build it first with `cargo build --release`", bin.display());
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("tredegar.toml"), "public_posts_per_address = 0\n")?;
    let url = format!("sqlite://{}", dir.path().join("tredegar-data/tredegar.db").display());
    let (db, id) = crate::petitions::with_petition(&url).await?;
    db.close().await;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let mut server = start(&bin, dir.path(), port)?;
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for c in 0..connections {
        let (acked, stop) = (acked.clone(), stop.clone());
        let path = format!("/p/{id}/sign");
        workers.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                // The server may be down: try again shortly.
                let Ok(mut conn) = Connection::open(addr).await else {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                while !stop.load(Ordering::Relaxed) {
                    let email = format!("c{c}n{n}@crash.example.org");
                    n += 1;
                    let body = format!("name=Crash+Signer&email={}&postcode=NP22+3AA&website=", email.replace('@', "%40"));
                    let request = format!(
                        "POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    match conn.send(request.as_bytes()).await {
                        Ok(status) if crate::petitions::acknowledged(status) => {
                            if let Ok(mut a) = acked.lock() {
                                a.push(email);
                            }
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            }
        }));
    }
    for k in 0..kills {
        tokio::time::sleep(moment(200, 1500)).await;
        server.kill().context("kill -9")?;
        server.wait()?;
        println!("kill {}: {} signatures acknowledged so far", k + 1, acked.lock().map(|a| a.len()).unwrap_or(0));
        server = start(&bin, dir.path(), port)?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await?;
    }
    server.kill()?;
    server.wait()?;

    let acked: Vec<String> = acked.lock().map(|a| a.clone()).unwrap_or_default();
    // Through `Db`, so the check covers the audit log's file as well.
    let db = tredegar_db::Db::connect(&url).await?;
    let tredegar_db::Db::Sqlite { write: pool, .. } = &db else { anyhow::bail!("the crash bench runs on SQLite") };
    let stored: HashSet<String> =
        sqlx::query_scalar::<_, String>("SELECT email FROM signatures").fetch_all(pool).await?.into_iter().collect();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await?;
    let lost = acked.iter().filter(|e| !stored.contains(*e)).count();
    println!("{} acknowledged, {} stored, {lost} lost; integrity_check: {integrity}", acked.len(), stored.len());
    println!("RESULT crash kills={kills} acked={} lost={lost} integrity={integrity}", acked.len());
    anyhow::ensure!(lost == 0 && integrity == "ok", "signatures were lost or the database is damaged");
    Ok(())
}
