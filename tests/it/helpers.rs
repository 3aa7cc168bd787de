//! The spawned test app: the real server on 127.0.0.1:0, a fresh database per
//! test (a SQLite file in a temp dir, or a new PostgreSQL database that is
//! dropped afterwards), and clients that keep cookies and CSRF tokens.

use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tredegar_db::{Db, Scope, groups, tokens, users};
use tredegar_domain::groups::parse_group_name;
use tredegar_domain::{Email, GroupId, Role, UserId};
use tredegar_web::{AppState, Config, random_token, token_hash};

pub const PASSWORD: &str = "correct horse battery";

/// The token tests read `/metrics` with.
pub const METRICS_TOKEN: &str = "metrics-secret-for-tests";

/// The config tests run with: a small body limit, so the 413 test sends little.
pub fn test_config() -> Config {
    Config { body_limit: 64 * 1024, metrics_token: Some(METRICS_TOKEN.into()), ..Config::default() }
}

/// Run each named `async fn(TestApp)` on SQLite, and on PostgreSQL when
/// TREDEGAR_TEST_POSTGRES is set (CI always sets it; without it CI fails).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::helpers::TestApp::sqlite().await).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(app) = $crate::helpers::TestApp::postgres().await {
                    super::$name(app).await
                }
            })*
        }
    };
}

pub struct TestApp {
    pub url: String,
    pub db: Db,
    /// The database URL, for running the command line against the same data.
    pub db_url: String,
    _dir: Option<tempfile::TempDir>,
    /// Where uploads wait (`Config::uploads_dir`).
    pub uploads: tempfile::TempDir,
    pg: Option<(String, String)>,
}

/// The PostgreSQL server to make test databases on, if any.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("TREDEGAR_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            // In CI a missing service is a failure, never a skip.
            assert!(std::env::var("CI").is_err(), "CI must set TREDEGAR_TEST_POSTGRES so the PostgreSQL suite runs");
            static SAID: AtomicBool = AtomicBool::new(false);
            if !SAID.swap(true, Ordering::Relaxed) {
                eprintln!("TREDEGAR_TEST_POSTGRES is not set: skipping the PostgreSQL variants of the tests");
            }
            None
        }
    }
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        TestApp::sqlite_with(test_config()).await
    }

    pub async fn sqlite_with(config: Config) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("tredegar.db").display());
        TestApp::start(&url, Some(dir), None, config).await
    }

    pub async fn postgres() -> Option<TestApp> {
        TestApp::postgres_with(test_config()).await
    }

    pub async fn postgres_with(config: Config) -> Option<TestApp> {
        let admin = postgres_admin_url()?;
        let name = format!("tredegar_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.expect("connect to TREDEGAR_TEST_POSTGRES");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create test database");
        let (base, _) = admin.rsplit_once('/').expect("TREDEGAR_TEST_POSTGRES must name a database");
        let url = format!("{base}/{name}");
        Some(TestApp::start(&url, None, Some((admin, name)), config).await)
    }

    async fn start(db_url: &str, dir: Option<tempfile::TempDir>, pg: Option<(String, String)>, config: Config) -> TestApp {
        let db = Db::connect(db_url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let public_url = tredegar_web::public_url_for(addr, None).expect("a loopback address needs no public URL");
        let uploads = tempfile::tempdir().expect("temp dir");
        let state = AppState::new(db.clone(), Config { public_url, uploads_dir: uploads.path().join("uploads"), ..config }).expect("state");
        tokio::spawn(tredegar_web::serve(listener, state));
        TestApp { url: format!("http://{addr}"), db, db_url: db_url.to_string(), _dir: dir, uploads, pg }
    }

    pub fn client(&self) -> Client {
        let http = reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("client");
        Client { http, base: self.url.clone(), csrf: String::new() }
    }

    /// A group, made as the CLI makes one.
    pub async fn group(&self, name: &str, parent: Option<GroupId>) -> groups::Group {
        let (name, slug) = parse_group_name("name", name).expect("group name");
        let mut tx = self.db.write().await.expect("tx");
        let g = groups::create(&mut tx, &name, &slug, parent, chrono::Utc::now()).await.expect("group");
        tx.commit().await.expect("commit");
        g
    }

    /// A user with a role in a group; password is PASSWORD.
    pub async fn user(&self, group: &groups::Group, email: &str, role: Role) -> UserId {
        let email = Email::parse("email", email).expect("email");
        let hash =
            tredegar_web::auth::hash_password(tredegar_domain::contact::Password::parse("p", PASSWORD).expect("pw")).await.expect("hash");
        let mut tx = self.db.write().await.expect("tx");
        let user = match users::by_email(&mut tx, &email.key()).await.expect("lookup") {
            Some(u) => u,
            None => users::create(&mut tx, &email, email.as_str(), &hash, chrono::Utc::now()).await.expect("user"),
        };
        users::set_membership(&mut tx, group.id, user.id, role, chrono::Utc::now()).await.expect("membership");
        tx.commit().await.expect("commit");
        user.id
    }

    /// A signed-in client for a new user with this role in this group.
    pub async fn signed_in(&self, group: &groups::Group, email: &str, role: Role) -> Client {
        self.user(group, email, role).await;
        let mut c = self.client();
        c.login().await;
        let r = c.post_login(&[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign in as {email}");
        c
    }

    /// An API token for a user's membership of a group.
    pub async fn token(&self, group: &groups::Group, user: UserId) -> String {
        let token = random_token().expect("token");
        let scope = self.scope(user, group).await;
        let mut tx = self.db.write().await.expect("tx");
        tokens::create(&mut tx, &scope, "test", &token_hash(&token), chrono::Utc::now()).await.expect("token");
        tx.commit().await.expect("commit");
        token
    }

    pub async fn scope(&self, user: UserId, group: &groups::Group) -> Scope {
        let mut tx = self.db.read().await.expect("tx");
        Scope::for_member(&mut tx, user, &group.slug).await.expect("scope").expect("member")
    }

    /// Run one statement with a time as `$1`: to age rows past an expiry
    /// the server's clock would take hours to reach.
    pub async fn execute_at(&self, sql: &'static str, at: chrono::DateTime<chrono::Utc>) {
        match self.db.backend() {
            tredegar_db::Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&self.db_url).await.expect("connect");
                sqlx::query(sql).bind(at).execute(&pool).await.expect("execute");
            }
            tredegar_db::Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.db_url).await.expect("connect");
                sqlx::query(sql).bind(at).execute(&pool).await.expect("execute");
            }
        }
    }

    pub fn api(&self, token: &str) -> Api {
        Api { http: reqwest::Client::new(), base: format!("{}/api/v2", self.url), token: token.into() }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Drop the database from another thread: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                            .execute(&mut conn)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A browser: keeps cookies, and the CSRF token of the last page it read.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl Client {
    async fn read(&mut self, r: reqwest::Response) -> Page {
        let status = r.status();
        let location = r.headers().get("location").and_then(|l| l.to_str().ok()).map(String::from);
        let body = r.text().await.expect("body");
        if let Some(token) = csrf_in(&body) {
            self.csrf = token;
        }
        Page { status, location, body }
    }

    /// GET a path (from `tredegar_web::paths`).
    pub async fn get(&mut self, path: impl AsRef<str>) -> Page {
        let r = self.http.get(format!("{}{}", self.base, path.as_ref())).send().await.expect("GET");
        self.read(r).await
    }

    /// POST a form with this client's current CSRF token.
    pub async fn post_form(&mut self, path: impl AsRef<str>, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone();
        all.push(("csrf_token", &csrf));
        let r = self.http.post(format!("{}{}", self.base, path.as_ref())).form(&all).send().await.expect("POST");
        self.read(r).await
    }

    /// Upload a file as a page's form does: multipart, its token in the action.
    pub async fn post_file(&mut self, path: impl AsRef<str>, name: &str, bytes: Vec<u8>) -> Page {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()).mime_str("text/csv").expect("mime");
        let form = reqwest::multipart::Form::new().part("file", part);
        let url = format!("{}{}?csrf_token={}", self.base, path.as_ref(), self.csrf);
        let r = self.http.post(url).multipart(form).send().await.expect("POST");
        self.read(r).await
    }

    /// Post a multipart form with text fields and, perhaps, a file in field
    /// `document`, its token in the action as the page's form sends it.
    pub async fn post_multipart(&mut self, path: impl AsRef<str>, fields: &[(&str, &str)], file: Option<(&str, Vec<u8>)>) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((name, bytes)) = file {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()).mime_str("application/pdf").expect("mime");
            form = form.part("document", part);
        }
        let url = format!("{}{}?csrf_token={}", self.base, path.as_ref(), self.csrf);
        let r = self.http.post(url).multipart(form).send().await.expect("POST");
        self.read(r).await
    }

    /// Follow a 303 and read where it leads.
    pub async fn follow(&mut self, p: &Page) -> Page {
        let to = p.location.clone().expect("a redirect");
        self.get(&to).await
    }
}

fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    body.get(at..at + 64).map(String::from)
}

/// An OSDI client.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<serde_json::Value>) -> (StatusCode, serde_json::Value) {
        let url = if path.starts_with("http") { path.to_string() } else { format!("{}/{path}", self.base) };
        let mut req = self.http.request(method, url).header("OSDI-API-Token", &self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("API request");
        let status = r.status();
        let json = r.json().await.unwrap_or(serde_json::Value::Null);
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, serde_json::Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, serde_json::Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// Make a person through the signup helper; returns their id.
    pub async fn person(&self, given: &str, email: &str) -> String {
        let (s, p) =
            self.post("people", serde_json::json!({"person": {"given_name": given, "email_addresses": [{"address": email}]}})).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        id_of(&p)
    }
}

pub fn id_of(resource: &serde_json::Value) -> String {
    let href = resource.pointer("/_links/self/href").and_then(|h| h.as_str()).expect("self link");
    href.rsplit('/').next().expect("id").to_string()
}

/// A Python with `package` installed: a virtualenv made once, under the
/// target directory, named after the package. `import` checks it works.
pub fn python_with(package: &str, import: &str) -> std::path::PathBuf {
    use std::process::Command;
    let venv = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(package.replace("==", "-"));
    let python = venv.join("bin/python");
    // One test at a time installs; the others wait on the lock file.
    let lock = std::fs::File::create(venv.with_extension("lock")).expect("lock file");
    lock.lock().expect("lock");
    if !python.exists() || !Command::new(&python).args(["-c", &format!("import {import}")]).status().is_ok_and(|s| s.success()) {
        let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().expect("python3 must be installed");
        assert!(made.success(), "python3 -m venv failed");
        let pip = Command::new(venv.join("bin/pip")).args(["install", "--quiet", package]).status().expect("pip");
        assert!(pip.success(), "pip install {package} failed");
    }
    python
}

/// A count straight from the database, for what no page shows.
pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    tredegar_db::sql::Sql::new(sql).count(&mut tx).await.unwrap()
}

/// How many audit entries have a detail like `pattern` (SQL `LIKE`).
pub async fn audited(app: &TestApp, pattern: &str) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    let mut q = tredegar_db::sql::Sql::new("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ");
    q.bind(pattern.to_string());
    q.count(&mut tx).await.unwrap()
}

/// A tiny deterministic generator, so a failure can be run again.
pub struct Dice(pub u64);

impl Dice {
    pub fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}
