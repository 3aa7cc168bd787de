//! Tredegar's web server: server-rendered pages, the OSDI JSON API, and the
//! operations endpoints. Each capability has its own module with its routes;
//! this file only assembles them and adds the layers every request passes.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::response::Response;
use chrono::{DateTime, Utc};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tower::Layer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::normalize_path::{NormalizePath, NormalizePathLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tredegar_db::Db;

// The kits every capability uses; they import no capability.
pub mod api;
pub mod auth;
pub mod charts;
pub mod error;
pub mod extract;
pub mod paths;
pub mod ui;
// Capabilities, each a folder with its router.
pub mod account;
mod aid;
pub mod assessments;
pub mod calls;
pub mod campaigns;
pub mod conversations;
pub mod events;
pub mod groups;
pub mod imports;
pub mod jobs;
pub mod ladder;
pub mod listening;
pub mod lists;
pub mod mail;
pub mod ops;
pub mod people;
pub mod petitions;
pub mod places;
pub mod relationships;
mod representatives;
mod serve;
pub mod tags;
mod uploads;
pub mod walks;

pub use error::AppError;

/// Settings the web layer needs; the binary fills them from its config.
#[derive(Clone, Debug)]
pub struct Config {
    /// Base of every absolute link: the API's, redirects', emails'
    /// (`https://organise.example.org`). Never taken from a request's Host.
    pub public_url: String,
    /// Mark cookies Secure: on when public_url is https.
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Failed logins allowed per account (and per address) in 15 minutes.
    pub login_attempts: i64,
    /// API requests allowed per token per minute; `None` for no limit.
    pub api_requests_per_minute: Option<u32>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// With it, `/metrics` answers requests bearing it; without it, `/metrics`
    /// is not served on the main address at all.
    pub metrics_token: Option<String>,
    /// Days an invitation's link works.
    pub invitation_days: i64,
    /// How long a client has to send a request's headers (and an idle
    /// kept-alive connection to start its next request).
    pub header_timeout: std::time::Duration,
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Where email goes out, as lettre's URL (`smtp://127.0.0.1:2525`,
    /// `smtps://user:pass@host:465`). Without it, mail waits in the outbox.
    pub smtp_url: Option<String>,
    /// The From address of every email.
    pub mail_from: String,
    /// Background workers in this process, and how failed jobs are retried.
    pub job_workers: usize,
    pub job_backoff: tredegar_domain::jobs::Backoff,
    /// How often an idle worker looks for due jobs.
    pub job_poll: std::time::Duration,
    /// Signatures (and other public form posts) one address may make in 15
    /// minutes; 0 for no limit (a benchmark).
    pub public_posts_per_address: i64,
    /// Where files uploaded for import wait (with several app servers, a
    /// directory they share).
    pub uploads_dir: std::path::PathBuf,
    /// The largest file admins may upload to import.
    pub import_max_bytes: u64,
    /// The largest document kept as a campaign's evidence.
    pub document_max_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            body_limit: 1024 * 1024,
            login_attempts: 5,
            api_requests_per_minute: None,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            invitation_days: 7,
            header_timeout: std::time::Duration::from_secs(10),
            max_connections: 4096,
            smtp_url: None,
            mail_from: "Tredegar <tredegar@localhost>".into(),
            job_workers: 2,
            job_backoff: tredegar_domain::jobs::Backoff::default(),
            job_poll: std::time::Duration::from_millis(500),
            public_posts_per_address: 20,
            uploads_dir: std::path::PathBuf::from("tredegar-data/uploads"),
            import_max_bytes: 200 * 1024 * 1024,
            document_max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// The one source of the current time, so no handler calls `Utc::now` itself.
#[derive(Clone, Debug, Default)]
pub struct Clock;

impl Clock {
    #[allow(clippy::disallowed_methods)]
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// What every handler shares. One `Arc`, so each request's extractors and
/// middleware clone a pointer, not a dozen fields.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Clock,
    metrics: PrometheusHandle,
    /// API requests per token, in one-minute windows.
    api_limit: auth::throttle::Windows,
    /// Whose each API token was a moment ago (by its hash), so that a client
    /// paging through thousands of pages is not looked up on each. Forgotten
    /// whenever this server revokes a token or changes a role or membership;
    /// another server's change reaches this one within `recent::AGE`.
    pub api_tokens: api::recent::Recent<String, tredegar_db::Scope>,
    /// Public form posts per address, in windows of `WINDOW_MINUTES`.
    public_limit: auth::throttle::Windows,
    /// The key CSRF tokens are signed with, read from the database once.
    csrf_key: Arc<tokio::sync::OnceCell<String>>,
    /// The SMTP connection pool, when `smtp_url` is set.
    pub mailer: Option<mail::Mailer>,
    /// What petitions' public pages read, at most every few seconds.
    pub petitions: Arc<petitions::Public>,
    /// Signatures are written in batches, one transaction each.
    pub signatures: petitions::Writer,
    /// Reads through the API are audited in batches, one transaction each.
    pub audited_reads: api::audit::Reads,
    /// What the API's people listing worked out a moment ago: counts and
    /// where pages begin.
    pub people_kept: people::kept::Kept,
}

impl AppState {
    /// The state every handler shares. A bad `smtp_url` or `mail_from` is an error here, at start-up.
    pub fn new(db: Db, config: Config) -> Result<AppState, String> {
        let mailer = match &config.smtp_url {
            Some(url) => Some(mail::Mailer::new(url, &config.mail_from)?),
            None => None,
        };
        Ok(AppState(Arc::new(Shared {
            config: Arc::new(config),
            clock: Clock,
            metrics: metrics_handle().clone(),
            api_limit: auth::throttle::Windows::new(std::time::Duration::from_secs(60)),
            api_tokens: Default::default(),
            public_limit: auth::throttle::Windows::new(std::time::Duration::from_secs(60 * auth::throttle::WINDOW_MINUTES.unsigned_abs())),
            csrf_key: Default::default(),
            signatures: petitions::Writer::start(db.clone()),
            audited_reads: api::audit::Reads::start(db.clone()),
            db,
            mailer,
            petitions: Default::default(),
            people_kept: Default::default(),
        })))
    }

    /// Note in the audit log that `scope` read these people (each with their
    /// group), `how`: one entry a group, committed before this returns.
    pub async fn record_reads(
        &self,
        scope: &tredegar_db::Scope,
        people: &[(tredegar_domain::PersonId, tredegar_domain::GroupId)],
        how: &str,
    ) -> Result<(), tredegar_db::DbError> {
        if people.is_empty() {
            return Ok(());
        }
        self.audited_reads.record(scope, people, how, self.clock.now()).await
    }
}

/// One Prometheus recorder per process (tests start many servers in one).
fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder is installed, and then we still render ours.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Strict: our own scripts, styles and images only; nothing inline.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The whole app. Paths are matched with or without a trailing slash, as
/// OSDI clients expect.
pub fn app(state: AppState) -> NormalizePath<Router> {
    let body_limit = state.config.body_limit;
    let request_id = HeaderName::from_static("x-request-id");
    let router = Router::new()
        .merge(pages(state.clone()))
        .nest("/api", api())
        .merge(ops::router())
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn(record_metrics))
        .layer(middleware::from_fn(error::with_request_id))
        // A panic in a dependency becomes a 500 that is logged, not a dropped connection.
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request panicked");
            AppError::Internal("a request panicked".into()).into_response()
        }))
        // A page that may be framed (a petition) sets its own policy.
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let path = req.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("unmatched");
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path, request_id = id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state);
    NormalizePathLayer::trim_trailing_slash().layer(router)
}

/// Every page, behind the CSRF layer; the stylesheet outside it.
fn pages(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(account::router())
        .merge(groups::router())
        .merge(people::router())
        .merge(tags::pages_router())
        .merge(campaigns::router())
        .merge(representatives::router())
        .merge(uploads::router())
        .merge(aid::router())
        .merge(conversations::router())
        .merge(assessments::router())
        .merge(listening::router())
        .merge(lists::router())
        .merge(calls::router())
        .merge(relationships::router())
        .merge(ladder::router())
        .merge(mail::router())
        .merge(events::router())
        .merge(petitions::router())
        .merge(places::router())
        .merge(walks::router())
        .fallback(|| async { AppError::not_found() })
        .layer(middleware::from_fn(ui::partials))
        .layer(middleware::from_fn_with_state(state.clone(), ui::signed_in_errors))
        .layer(middleware::from_fn_with_state(state, auth::csrf_layer))
        .route("/static/app.css", axum::routing::get(ui::stylesheet))
        .route(paths::WALK_SCRIPT, axum::routing::get(walks::script))
        .route(paths::WALK_WORKER, axum::routing::get(walks::service_worker))
        // Reached from an email, with no session or form token: the link's signature is the proof.
        .merge(mail::public_router())
        // Public forms: no session, so their honeypot and per-address limit guard them.
        .merge(events::public_router())
        .merge(petitions::public_router())
        .merge(campaigns::public_router())
        .merge(representatives::public_router())
        .merge(aid::public_router())
}

/// The OSDI API under `/api/v2`, and its OpenAPI document.
fn api() -> Router<AppState> {
    let v2 = Router::new()
        .route("/", axum::routing::get(api::entry_point))
        .merge(people::api::router())
        .merge(tags::api_router())
        .merge(conversations::api::router())
        .merge(lists::api::router())
        .merge(petitions::api::router())
        .merge(events::api::router())
        .merge(places::api_router())
        .merge(walks::api_router())
        .merge(aid::api_router())
        .merge(representatives::api_router());
    Router::new()
        .nest("/v2", v2)
        .route("/openapi.json", axum::routing::get(openapi_document))
        .fallback(|| async { error::ApiError(AppError::NotFound("no such API endpoint".into())) })
        // People's data: never kept by a browser or a proxy.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// The OpenAPI document: the API kit's frame, with each capability's paths merged in.
async fn openapi_document() -> axum::Json<utoipa::openapi::OpenApi> {
    use utoipa::OpenApi;
    let mut doc = api::openapi::frame();
    doc.merge(api::openapi::EntryDoc::openapi());
    doc.merge(people::api::Doc::openapi());
    doc.merge(tags::api::Doc::openapi());
    doc.merge(conversations::api::Doc::openapi());
    doc.merge(lists::api::Doc::openapi());
    doc.merge(petitions::api::Doc::openapi());
    doc.merge(events::api::Doc::openapi());
    doc.merge(places::Doc::openapi());
    doc.merge(walks::Doc::openapi());
    doc.merge(aid::Doc::openapi());
    doc.merge(representatives::Doc::openapi());
    axum::Json(doc)
}

async fn record_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let path = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    // Labels come from fixed sets, so no request can make new series.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("path", path), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    response
}

/// The base of links when none is configured: `http://` and the listen
/// address, which is right only on a loopback address. Anywhere else links
/// would name an address others cannot reach, or trust a request's Host, so
/// there is no default.
pub fn public_url_for(listen: std::net::SocketAddr, given: Option<&str>) -> Result<String, String> {
    match given {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => Ok(url.trim_end_matches('/').to_string()),
        Some(url) => Err(format!("the public URL must start with http:// or https:// (got '{url}')")),
        None if listen.ip().is_loopback() => Ok(format!("http://{listen}")),
        None => Err(format!(
            "set the public URL (--public-url or TREDEGAR_PUBLIC_URL) when listening on {listen}, which is not a loopback address: \
             links in the API, redirects and emails are built from it, never from a request's Host header. \
             For example: --public-url https://organise.example.org"
        )),
    }
}

/// Serve `/metrics` alone on its own address (`--metrics-listen`).
pub async fn serve_metrics(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, ops::metrics_router().with_state(state)).with_graceful_shutdown(shutdown_signal()).await
}

/// Serve until ctrl-c or SIGTERM, finishing requests in flight, with the
/// background workers beside; they finish the job in hand and stop.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// Serve until `shutdown` completes.
pub async fn serve_until(listener: tokio::net::TcpListener, state: AppState, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    let (timeout, max) = (state.config.header_timeout, state.config.max_connections);
    let workers = jobs::Workers::start(state.clone()).await;
    let app = Router::new().fallback_service(app(state));
    let served = serve::connections(listener, app, timeout, max, shutdown).await;
    workers.stop().await;
    served
}

/// Completes at ctrl-c or SIGTERM. The signals are caught from the moment
/// this is called, so call it before saying the server is up: a supervisor
/// that stops it at once still gets a clean stop.
pub fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (signal(SignalKind::terminate()).ok(), signal(SignalKind::interrupt()).ok())
    };
    async move {
        #[cfg(unix)]
        {
            let (mut terminate, mut interrupt) = signals;
            let term = async {
                match terminate.as_mut() {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            let int = async {
                match interrupt.as_mut() {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = term => {},
                _ = int => {},
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A random secret as hex, for session ids, CSRF tokens and API tokens.
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// Bytes as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Tokens and session ids are stored only as this hash.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::public_url_for;

    #[test]
    fn links_need_a_public_url_except_on_loopback() {
        let local = "127.0.0.1:8080".parse().unwrap_or_else(|_| std::process::abort());
        let open = "0.0.0.0:8080".parse().unwrap_or_else(|_| std::process::abort());
        assert_eq!(public_url_for(local, None).as_deref(), Ok("http://127.0.0.1:8080"));
        assert!(public_url_for(open, None).is_err_and(|e| e.contains("--public-url") && e.contains("Host")));
        assert_eq!(public_url_for(open, Some("https://organise.example.org/")).as_deref(), Ok("https://organise.example.org"));
        assert!(public_url_for(open, Some("organise.example.org")).is_err());
    }
}
