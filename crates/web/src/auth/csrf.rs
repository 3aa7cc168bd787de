//! CSRF protection for every state-changing request to the pages.

use super::sessions::CSRF_COOKIE;
use crate::{AppError, AppState, random_token};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// The CSRF token to put in this page's forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts.extensions.get::<CsrfToken>().cloned().ok_or_else(|| AppError::Internal("CSRF layer missing".into()))
    }
}

/// Every state-changing request to the pages must carry the token from its
/// browser's CSRF cookie, as the form field `csrf_token` or the header
/// `X-CSRF-Token`. The token changes at sign-in and sign-out, so an old form
/// is refused rather than acted on.
pub async fn csrf_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let existing = jar.get(CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() == 64);
    let token = match &existing {
        Some(t) => t.clone(),
        None => match random_token() {
            Ok(t) => t,
            Err(e) => return e.into_response(),
        },
    };
    let mut req = req;
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let (parts, body) = req.into_parts();
        let limit = state.config.body_limit;
        let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
            return AppError::TooLarge(limit).into_response();
        };
        let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(String::from).or_else(|| {
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|fields| fields.into_iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v))
        });
        let matches = existing.as_deref().zip(sent.as_deref()).is_some_and(|(a, b)| constant_time_eq(a.as_bytes(), b.as_bytes()));
        if !matches {
            return AppError::StaleForm.into_response();
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let response = next.run(req).await;
    if existing.is_none()
        && !response.headers().get_all(axum::http::header::SET_COOKIE).iter().any(|c| c.as_bytes().starts_with(CSRF_COOKIE.as_bytes()))
    {
        let jar = CookieJar::new().add(cookie(&state, CSRF_COOKIE, token));
        return (jar, response).into_response();
    }
    response
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(super) fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value)).path("/").http_only(true).same_site(SameSite::Lax).secure(state.config.secure_cookies).build()
}
