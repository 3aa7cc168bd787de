//! Signed-in sessions: stored as hashes, a fresh id at every sign-in.

use super::CurrentUser;
use super::csrf::{cookie, cookie_name};
use crate::{AppError, AppState, random_token, token_hash};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use chrono::Duration;
use tredegar_db::users;
use tredegar_domain::UserId;

pub(super) const SESSION_COOKIE: &str = "tredegar_session";
/// A random value per browser that its CSRF token is bound to before sign-in.
pub(super) const NONCE_COOKIE: &str = "tredegar_csrf";
const SESSION_DAYS: i64 = 30;

/// Start a signed-in session with a fresh id, and a fresh CSRF token.
pub async fn start_session(state: &AppState, user: UserId, jar: CookieJar) -> Result<CookieJar, AppError> {
    let session = random_token()?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    users::delete_expired_sessions(&mut tx, now).await?;
    users::create_session(&mut tx, &token_hash(&session), user, now, now + Duration::days(SESSION_DAYS)).await?;
    tx.commit().await?;
    let mut session_cookie = cookie(state, SESSION_COOKIE, session);
    session_cookie.set_max_age(time_days(SESSION_DAYS));
    Ok(jar.add(session_cookie).add(cookie(state, NONCE_COOKIE, random_token()?)))
}

fn time_days(days: i64) -> time::Duration {
    time::Duration::days(days)
}

/// End this browser's session, and give it a fresh CSRF token.
pub async fn end_session(state: &AppState, user: &CurrentUser, jar: CookieJar) -> Result<CookieJar, AppError> {
    let mut tx = state.db.write().await?;
    users::delete_session(&mut tx, &user.session_hash).await?;
    tx.commit().await?;
    Ok(jar.remove(Cookie::build(cookie_name(state, SESSION_COOKIE)).path("/")).add(cookie(state, NONCE_COOKIE, random_token()?)))
}
