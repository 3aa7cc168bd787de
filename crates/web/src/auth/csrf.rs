//! CSRF protection for every state-changing request to the pages. A form's
//! token is an HMAC, under a key the server keeps in its database, of the
//! browser's session id when signed in, or of a random per-browser nonce
//! before (sign-in, setup, accepting an invitation): so no row is written per
//! visitor, and the token changes at sign-in and sign-out. Public forms
//! (petitions, help requests) rely on their honeypot and rate limits instead.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hmac::{KeyInit, Mac};

use super::sessions::{NONCE_COOKIE, SESSION_COOKIE};
use crate::{AppError, AppState, random_token, token_hash};

/// The CSRF token to put in this page's forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts.extensions.get::<CsrfToken>().cloned().ok_or_else(|| AppError::Internal("CSRF layer missing".into()))
    }
}

/// The signing key, read from the database once per process.
async fn key(state: &AppState) -> Result<&[u8], AppError> {
    let key = state
        .csrf_key
        .get_or_try_init(|| async {
            let mut tx = state.db.write().await?;
            let key = tredegar_db::users::server_secret(&mut tx, "csrf", &random_token()?).await?;
            tx.commit().await?;
            Ok::<_, AppError>(key)
        })
        .await?;
    Ok(key.as_bytes())
}

/// HMAC-SHA256 of `what` under the key, as hex.
fn sign(key: &[u8], what: &str) -> Result<String, AppError> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).map_err(|e| AppError::Internal(e.to_string()))?;
    mac.update(what.as_bytes());
    Ok(crate::hex(&mac.finalize().into_bytes()))
}

/// A signature for `what`, made for one `purpose` (an unsubscribe link, say)
/// with the server's key: links in emails prove themselves with it.
pub async fn signature(state: &AppState, purpose: &str, what: &str) -> Result<String, AppError> {
    sign(key(state).await?, &format!("{purpose}:{what}"))
}

/// Signature characters kept in a link's token: 128 bits.
const TOKEN_SIGNATURE_LEN: usize = 32;

/// A token for a link that acts on `id` for one `purpose`: the id, a dot,
/// and its signature. Nothing is stored; the server's key proves it.
pub async fn signed_token(state: &AppState, purpose: &str, id: impl std::fmt::Display) -> Result<String, AppError> {
    let id = id.to_string();
    let sig = signature(state, purpose, &id).await?;
    Ok(format!("{id}.{}", sig.get(..TOKEN_SIGNATURE_LEN).unwrap_or_default()))
}

/// The id a link's token names, if its signature for `purpose` is right.
pub async fn signed_id<T: std::str::FromStr + std::fmt::Display>(
    state: &AppState,
    purpose: &str,
    token: &str,
) -> Result<Option<T>, AppError> {
    let Some(id) = token.split_once('.').and_then(|(id, _)| id.parse::<T>().ok()) else { return Ok(None) };
    let expected = signed_token(state, purpose, &id).await?;
    Ok(constant_time_eq(expected.as_bytes(), token.as_bytes()).then_some(id))
}

/// Every state-changing request to the pages must carry the token of its
/// browser's session (or nonce), as the form field `csrf_token` or the
/// header `X-CSRF-Token`. A form from before a sign-in or sign-out is
/// refused rather than acted on.
pub async fn csrf_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match check(&state, req, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn check(state: &AppState, req: Request, next: Next) -> Result<Response, Response> {
    let jar = CookieJar::from_headers(req.headers());
    let key = key(state).await.map_err(IntoResponse::into_response)?;
    let session = jar.get(&cookie_name(state, SESSION_COOKIE)).map(|c| c.value().to_string());
    let nonce = jar.get(&cookie_name(state, NONCE_COOKIE)).map(|c| c.value().to_string()).filter(|v| v.len() == 64);
    let fresh_nonce = match (&session, &nonce) {
        (None, None) => Some(random_token().map_err(IntoResponse::into_response)?),
        _ => None,
    };
    let bound_to = match (&session, &nonce, &fresh_nonce) {
        (Some(s), _, _) => format!("session:{}", token_hash(s)),
        (None, Some(n), _) | (None, None, Some(n)) => format!("visitor:{n}"),
        (None, None, None) => return Err(AppError::Internal("no nonce".into()).into_response()),
    };
    let token = sign(key, &bound_to).map_err(IntoResponse::into_response)?;
    let mut req = req;
    // The methods our pages change things with; no page answers any other.
    let multipart =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/form-data"));
    let good = |sent: Option<String>| fresh_nonce.is_none() && sent.is_some_and(|s| constant_time_eq(s.as_bytes(), token.as_bytes()));
    if multipart && req.method() == Method::POST {
        // A file upload streams to disk, so its token comes in the form's
        // action (`?csrf_token=`) and the body is left for the handler, which sets its own limit.
        if !good(sent(req.headers(), req.uri().query().unwrap_or_default().as_bytes())) {
            return Err(AppError::StaleForm.into_response());
        }
    } else if matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        let (parts, body) = req.into_parts();
        let limit = state.config.body_limit;
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| AppError::TooLarge(limit).into_response())?;
        if !good(sent(&parts.headers, &bytes)) {
            return Err(AppError::StaleForm.into_response());
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(CsrfToken(token));
    let response = next.run(req).await;
    match fresh_nonce {
        Some(n) => Ok((CookieJar::new().add(cookie(state, NONCE_COOKIE, n)), response).into_response()),
        None => Ok(response),
    }
}

/// The token a request sent: the `X-CSRF-Token` header, or the field
/// `csrf_token` among these url-encoded pairs (a form's body, or a query).
fn sent(headers: &axum::http::HeaderMap, pairs: &[u8]) -> Option<String> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(String::from).or_else(|| {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(pairs)
            .ok()
            .and_then(|fields| fields.into_iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v))
    })
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Over https a cookie is named `__Host-...`: the browser then insists it
/// is Secure, for this host only, on every path.
pub(super) fn cookie_name(state: &AppState, name: &str) -> String {
    if state.config.secure_cookies { format!("__Host-{name}") } else { name.to_string() }
}

pub(super) fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((cookie_name(state, name), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .build()
}
