//! Configuration: defaults < `tredegar.toml` < `TREDEGAR_*` environment < flags.
//! clap handles the last two; this file adds the file and the defaults.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// What `tredegar.toml` may hold. Unknown keys are an error, so a typo is not ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub metrics_listen: Option<String>,
    /// `/metrics` on the main address answers only `Authorization: Bearer` this.
    pub metrics_token: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
    /// Days an invitation link works (default 7).
    pub invitation_days: Option<i64>,
    /// Seconds a client has to send a request's headers (default 10).
    pub header_timeout_seconds: Option<u64>,
    /// Connections open at once (default 4096).
    pub max_connections: Option<usize>,
    pub login_attempts: Option<i64>,
    pub body_limit_kib: Option<usize>,
    pub api_requests_per_minute: Option<u32>,
    /// lettre's SMTP URL: `smtp://127.0.0.1:2525`, `smtps://user:pass@host:465`.
    pub smtp_url: Option<String>,
    /// The From address of every email: `Tredegar <organise@example.org>`.
    pub mail_from: Option<String>,
    /// Background workers in this server (default 2).
    pub job_workers: Option<usize>,
    /// Posts to the public forms (signing a petition) one address may make
    /// in 15 minutes (default 20; 0 for no limit, as for a benchmark).
    pub public_posts_per_address: Option<i64>,
    /// The largest file admins may upload to import, in MiB (default 200).
    pub import_max_mib: Option<u64>,
    /// The largest document kept as a campaign's evidence, in MiB (10).
    pub document_max_mib: Option<u64>,
}

impl FileConfig {
    /// Read the file named, or `./tredegar.toml` if it exists.
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("tredegar.toml"), false),
        };
        if !required && !path.exists() {
            return Ok(FileConfig::default());
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in {}", path.display()))
    }
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "tredegar-data";

/// The data directory: the one given, the file's, or `./tredegar-data`.
pub fn data_dir(given: Option<PathBuf>, file: &FileConfig) -> PathBuf {
    given.or_else(|| file.data_dir.clone()).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
}

/// The database URL: the one given, or a SQLite file in the data directory.
pub fn database_url(given: Option<String>, file: &FileConfig, data_dir: Option<PathBuf>) -> String {
    given
        .or_else(|| file.database_url.clone())
        .unwrap_or_else(|| format!("sqlite://{}", self::data_dir(data_dir, file).join("tredegar.db").display()))
}
