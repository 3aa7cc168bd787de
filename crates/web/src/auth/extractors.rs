//! The extractors that say who may call a handler.

use super::csrf::cookie_name;
use super::sessions::SESSION_COOKIE;
use crate::{AppError, AppState, token_hash};
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum_extra::extract::cookie::CookieJar;
use tredegar_db::{Scope, users};
use tredegar_domain::{Role, UserId};

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    pub(super) session_hash: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let cookie = jar.get(&cookie_name(state, SESSION_COOKIE)).ok_or(AppError::SignInNeeded)?;
        let hash = token_hash(cookie.value());
        let mut tx = state.db.read().await?;
        let user = users::session_user(&mut tx, &hash, state.clock.now()).await?.ok_or(AppError::SignInNeeded)?;
        let user = CurrentUser { id: user.id, name: user.name, session_hash: hash };
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// Any member of the group named in the path (`/g/{slug}/...`).
pub struct Member(pub Scope);
/// An organiser or admin of the path's group.
pub struct Organiser(pub Scope);
/// An admin of the path's group.
pub struct Admin(pub Scope);

async fn scope_from_path(parts: &mut Parts, state: &AppState, least: Role) -> Result<Scope, AppError> {
    if let Some(scope) = parts.extensions.get::<Scope>() {
        return check_role(scope.clone(), least);
    }
    let user = CurrentUser::from_request_parts(parts, state).await?;
    let params = RawPathParams::from_request_parts(parts, state).await.map_err(|_| AppError::not_found())?;
    let slug = params.iter().find(|(k, _)| *k == "slug").map(|(_, v)| v.to_string()).ok_or_else(AppError::not_found)?;
    let mut tx = state.db.read().await?;
    // Not a member looks the same as no such group: existence does not leak.
    let scope = Scope::for_member(&mut tx, user.id, &slug).await?.ok_or_else(AppError::not_found)?;
    parts.extensions.insert(scope.clone());
    check_role(scope, least)
}

/// Pages a role cannot use do not exist for it.
fn check_role(scope: Scope, least: Role) -> Result<Scope, AppError> {
    if scope.role() >= least { Ok(scope) } else { Err(AppError::not_found()) }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        scope_from_path(parts, state, Role::Volunteer).await.map(Member)
    }
}

impl FromRequestParts<AppState> for Organiser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        scope_from_path(parts, state, Role::Organiser).await.map(Organiser)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        scope_from_path(parts, state, Role::Admin).await.map(Admin)
    }
}
