//! `petition-sign` and `petition-page`: the public side of a petition under
//! load, through HTTP on loopback, against `GET /healthz` on the same server
//! in the same run. The server runs in this process; the load comes from
//! keep-alive connections that each send one request at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tredegar_db::Db;
use tredegar_domain::petitions::PetitionText;
use tredegar_web::{AppState, Clock, Config};

/// A database at `url`, migrated, with one petition; the petition's id.
pub(crate) async fn with_petition(url: &str) -> anyhow::Result<(Db, tredegar_domain::PetitionId)> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let scope = crate::bench_scope(&db).await?;
    let petition = PetitionText {
        title: "Repair Brookfield Estate".into(),
        body: "Repair our homes; do not demolish them.".into(),
        target: "The council".into(),
        goal: 1_000_000,
        ends_on: None,
        campaign: None,
        consent_wording: "Keep me updated".into(),
        frame_ancestors: Vec::new(),
    };
    let mut tx = db.write().await?;
    let id = tredegar_db::petitions::create(&mut tx, &scope, &petition, Clock.now()).await?;
    tx.commit().await?;
    Ok((db, id))
}

/// A server with one petition; its address and the petition's id.
async fn server(dir: &std::path::Path) -> anyhow::Result<(std::net::SocketAddr, String, Db)> {
    let (db, id) = with_petition(&format!("sqlite://{}", dir.join("tredegar.db").display())).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // The per-address limit is off: every request comes from 127.0.0.1.
    let config = Config { public_url: format!("http://{addr}"), public_posts_per_address: 0, ..Config::default() };
    let state = AppState::new(db.clone(), config).map_err(anyhow::Error::msg)?;
    tokio::spawn(tredegar_web::serve_until(listener, state, std::future::pending()));
    Ok((addr, id.to_string(), db))
}

/// One keep-alive connection: send a request, read its whole answer.
pub(crate) struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    pub(crate) async fn open(addr: std::net::SocketAddr) -> anyhow::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection { stream, buffer: Vec::with_capacity(16 * 1024) })
    }

    /// The status of the answer to `request`.
    pub(crate) async fn send(&mut self, request: &[u8]) -> anyhow::Result<u16> {
        self.stream.write_all(request).await?;
        self.buffer.clear();
        loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buffer[..end])?;
                let status: u16 = head.get(9..12).context("status line")?.parse()?;
                let length: usize = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                    .context("content-length")?
                    .parse()?;
                while self.buffer.len() < end + 4 + length {
                    self.read_more().await?;
                }
                return Ok(status);
            }
            self.read_more().await?;
        }
    }

    async fn read_more(&mut self) -> anyhow::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "the server closed the connection");
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

/// Drive `connections` for `seconds`, each sending the request `make`
/// builds from (connection, count); the acknowledged answers' latencies.
pub(crate) async fn drive(
    addr: std::net::SocketAddr,
    connections: usize,
    seconds: u64,
    make: Arc<dyn Fn(usize, usize) -> Vec<u8> + Send + Sync>,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for c in 0..connections {
        let (stop, make) = (stop.clone(), make.clone());
        workers.push(tokio::spawn(async move {
            let mut conn = Connection::open(addr).await?;
            let (mut ok, mut failed) = (Vec::new(), 0usize);
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let request = make(c, n);
                n += 1;
                let t = Instant::now();
                let status = conn.send(&request).await?;
                if acknowledged(status) { ok.push(t.elapsed()) } else { failed += 1 }
            }
            anyhow::Ok((ok, failed))
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut all, mut failed) = (Vec::new(), 0);
    for w in workers {
        let (ok, f) = w.await??;
        all.extend(ok);
        failed += f;
    }
    Ok((all, failed))
}

/// A 2xx, or the 303 a signature is answered with once it is committed.
pub(crate) fn acknowledged(status: u16) -> bool {
    (200..300).contains(&status) || status == 303
}

pub(crate) fn healthz(_: usize, _: usize) -> Vec<u8> {
    b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n".to_vec()
}

pub(crate) fn p99_ms(mut times: Vec<Duration>) -> f64 {
    times.sort_unstable();
    crate::percentile(&times, 0.99)
}

pub async fn sign(seconds: u64, connections: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (addr, id, db) = server(dir.path()).await?;
    let path = format!("/p/{id}/sign");
    let make = Arc::new(move |c: usize, n: usize| {
        let body = format!("name=Bench+Signer&email=s{c}x{n}%40bench.example.org&postcode=NP22+3AA&website=");
        format!(
            "POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    });
    let (signed, failed) = drive(addr, connections, seconds, make).await?;
    let acked = signed.len();
    let per_s = acked as f64 / seconds as f64;
    let (health, _) = drive(addr, connections, seconds, Arc::new(healthz)).await?;
    let healthz_per_s = health.len() as f64 / seconds as f64;
    let mut tx = db.read().await?;
    let stored = tredegar_db::petitions::count_all(&mut tx).await?;
    anyhow::ensure!(stored >= acked as i64, "{acked} signatures were acknowledged but {stored} are stored");
    let p99 = p99_ms(signed);
    println!(
        "petition-sign: {acked} durable signatures in {seconds} s over {connections} connections ({failed} not acknowledged); {stored} stored"
    );
    println!("GET /healthz on the same server: {healthz_per_s:.0} a second");
    println!(
        "RESULT petition-sign per_s={per_s:.0} p99_ms={p99:.1} healthz_per_s={healthz_per_s:.0} ratio={:.2} connections={connections} seconds={seconds} failed={failed}",
        per_s / healthz_per_s
    );
    Ok(())
}

pub async fn page(seconds: u64, connections: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (addr, id, _db) = server(dir.path()).await?;
    let request = format!("GET /p/{id} HTTP/1.1\r\nHost: bench\r\n\r\n").into_bytes();
    let (views, failed) = drive(addr, connections, seconds, Arc::new(move |_, _| request.clone())).await?;
    let per_s = views.len() as f64 / seconds as f64;
    let (health, _) = drive(addr, connections, seconds, Arc::new(healthz)).await?;
    let healthz_per_s = health.len() as f64 / seconds as f64;
    let p99 = p99_ms(views);
    println!(
        "petition-page: {per_s:.0} views a second over {connections} connections ({failed} not 2xx); /healthz {healthz_per_s:.0} a second"
    );
    println!("RESULT petition-page per_s={per_s:.0} p99_ms={p99:.1} healthz_per_s={healthz_per_s:.0} ratio={:.2}", per_s / healthz_per_s);
    Ok(())
}
