//! Limits on guessing passwords. Each attempt is counted, and the limit
//! checked, in one write transaction before any password is verified, so a
//! burst of parallel guesses gets at most the limit through; the rest are
//! told to come back later (429 with `Retry-After`). Hashes are checked a
//! few at a time (see `passwords`), so a flood cannot use up the memory.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use chrono::Duration;
use tredegar_db::users;

use crate::{AppError, AppState};

/// How long a window of attempts lasts.
pub const WINDOW_MINUTES: i64 = 15;

/// What an attempt is counted against, with the most allowed in a window.
pub struct Limit {
    key: String,
    most: i64,
}

impl Limit {
    /// Sign-ins for one account.
    pub fn account(state: &AppState, email_key: &str) -> Limit {
        Limit { key: format!("account:{email_key}"), most: state.config.login_attempts }
    }
    /// Sign-ins from one address: more, since many people may share one.
    pub fn address(state: &AppState, ip: IpAddr) -> Limit {
        Limit { key: format!("address:{ip}"), most: state.config.login_attempts * 10 }
    }
    /// Password reset emails asked for one account: a few, so nobody can
    /// fill an inbox with them.
    pub fn reset(email_key: &str) -> Limit {
        Limit { key: format!("reset:{email_key}"), most: 3 }
    }
    /// Reset links asked for, and tried, from one address: counted apart
    /// from sign-ins, so asking for a link costs no sign-in attempts.
    pub fn reset_address(state: &AppState, ip: IpAddr) -> Limit {
        Limit { key: format!("reset-address:{ip}"), most: state.config.login_attempts * 10 }
    }
    /// Current-password checks when a signed-in user changes their password.
    pub fn password_change(state: &AppState, user: tredegar_domain::UserId) -> Limit {
        Limit { key: format!("password:{user}"), most: state.config.login_attempts }
    }
}

/// Count an attempt against every limit; refuse it if any is over, saying
/// how many seconds until the longest wait ends.
pub async fn attempt(state: &AppState, limits: &[Limit]) -> Result<(), AppError> {
    let now = state.clock.now();
    let window = Duration::minutes(WINDOW_MINUTES);
    let mut tx = state.db.write().await?;
    let mut wait = 0;
    for limit in limits {
        let (attempts, ends) = users::count_attempt(&mut tx, &limit.key, now, window).await?;
        if attempts > limit.most {
            wait = wait.max((ends - now).num_seconds().max(1));
        }
    }
    tx.commit().await?;
    if wait > 0 { Err(AppError::TooManyRequests(wait.unsigned_abs())) } else { Ok(()) }
}

/// A success: the account's count starts again.
pub async fn succeeded(state: &AppState, limit: &Limit) -> Result<(), AppError> {
    let mut tx = state.db.write().await?;
    users::clear_attempts(&mut tx, &limit.key, state.clock.now() - Duration::minutes(WINDOW_MINUTES * 2)).await?;
    tx.commit().await?;
    Ok(())
}

/// The address a request came from: the socket's peer, unless that peer is
/// one of the configured `trusted_proxies`, when it is the last address in
/// `X-Forwarded-For` that is not a trusted proxy.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| AppError::Internal("no peer address".into()))?;
        let trusted = &state.config.trusted_proxies;
        if !trusted.contains(&peer) {
            return Ok(ClientAddr(peer));
        }
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
        let client = forwarded.rsplit(',').filter_map(|a| a.trim().parse::<IpAddr>().ok()).find(|a| !trusted.contains(a));
        Ok(ClientAddr(client.unwrap_or(peer)))
    }
}

/// Counts in fixed windows, kept in this process: cheap enough for every
/// request of a surge (the API's per-token limit; the public forms'
/// per-address limit). Several servers sharing a database each count their
/// own, so the limit there is per server.
pub struct Windows {
    length: std::time::Duration,
    counts: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>,
}

/// Keys kept before the ended windows are swept out.
const KEYS_KEPT: usize = 100_000;

impl Windows {
    pub fn new(length: std::time::Duration) -> Windows {
        Windows { length, counts: Default::default() }
    }

    /// Count one for `key`. Past `most` in its window, refused with the
    /// seconds until the window ends.
    pub fn hit(&self, key: &str, most: u32) -> Result<(), AppError> {
        let now = std::time::Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if counts.len() > KEYS_KEPT {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.length);
        }
        let (start, count) = counts.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(*start) >= self.length {
            (*start, *count) = (now, 0);
        }
        if *count >= most {
            let wait = self.length.saturating_sub(now.duration_since(*start)).as_secs().max(1);
            return Err(AppError::TooManyRequests(wait));
        }
        *count += 1;
        Ok(())
    }
}

/// Posts to the public forms (signing a petition, saying you're coming to
/// an event) from one address, if the limit is on. An IPv6 address counts
/// by its /64, the block one household or phone is given.
pub fn public_form(state: &AppState, ip: IpAddr) -> Result<(), AppError> {
    let most = state.config.public_posts_per_address;
    if most == 0 {
        return Ok(());
    }
    let key = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    };
    state.public_limit.hit(&key, u32::try_from(most).unwrap_or(u32::MAX))
}
