//! The network edge: slow clients are cut off and cannot crowd out others.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, test_config};

/// 500 connections that send half a request and stop: the server keeps
/// answering /healthz, and closes them once the header timeout passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_cut_off_and_crowd_out_nobody() {
    let config = tredegar_web::Config { header_timeout: Duration::from_secs(1), ..test_config() };
    let app = TestApp::sqlite_with(config).await;
    let addr = app.url.trim_start_matches("http://").to_string();
    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
        slow.push(s);
    }
    let health = reqwest::get(format!("{}/healthz", app.url)).await.unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK, "answered while 500 half-sent requests are held open");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut closed = 0;
    for s in &mut slow {
        let mut buf = [0u8; 256];
        // Closed: the read ends (a 408 at most, then end of stream) rather than waiting.
        let ended = tokio::time::timeout(Duration::from_millis(500), async {
            while let Ok(n) = s.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        });
        if ended.await.is_ok() {
            closed += 1;
        }
    }
    assert_eq!(closed, 500, "every half-sent request is closed after the timeout");
}

/// A kept-alive connection that goes quiet after its answer is closed once
/// the header timeout passes: idle connections do not pile up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed() {
    let config = tredegar_web::Config { header_timeout: Duration::from_secs(1), ..test_config() };
    let app = TestApp::sqlite_with(config).await;
    let addr = app.url.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"), "answered, and kept alive");
    let closed = tokio::time::timeout(Duration::from_secs(3), async {
        while let Ok(n) = s.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    });
    assert!(closed.await.is_ok(), "the idle connection is closed after the timeout");
}
