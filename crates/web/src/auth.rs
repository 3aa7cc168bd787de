//! Signing in and out, the first-run setup, CSRF protection, and the
//! extractors that say who may call a handler: `CurrentUser`, then `Member`,
//! `Organiser` and `Admin`, each holding the `Scope` that db functions need.

use std::net::SocketAddr;

use crate::extract::Form;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Duration;
use serde::Deserialize;
use tredegar_db::{Scope, groups, users};
use tredegar_domain::contact::{Password, required_text};
use tredegar_domain::groups::parse_group_name;
use tredegar_domain::{Email, FieldErrors, Role, UserId};

use crate::extract::Query;
use crate::pages::{Layout, Notice, render};
use crate::{AppError, AppState, random_token, token_hash};

const SESSION_COOKIE: &str = "tredegar_session";
const CSRF_COOKIE: &str = "tredegar_csrf";
const SESSION_DAYS: i64 = 30;
const LOGIN_WINDOW_MINUTES: i64 = 15;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/setup", get(setup_page).post(setup))
        .route("/account", get(account_page).post(change_password))
}

// ---- passwords ----

/// Argon2id with the crate's default (OWASP) parameters, off the async threads.
pub async fn hash_password(password: Password) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| AppError::Internal(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// A real hash of a random password, made once, to check against when the account does not exist.
async fn unknown_account_hash() -> Result<String, AppError> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_try_init(|| async { hash_password(Password::parse("password", &random_token()?)?).await }).await.cloned()
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

// ---- who is asking ----

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    session_hash: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let cookie = jar.get(SESSION_COOKIE).ok_or(AppError::SignInNeeded)?;
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

// ---- CSRF ----

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

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value)).path("/").http_only(true).same_site(SameSite::Lax).secure(state.config.secure_cookies).build()
}

/// Start a signed-in session with a fresh id, and a fresh CSRF token.
async fn start_session(state: &AppState, user: UserId, jar: CookieJar) -> Result<CookieJar, AppError> {
    let session = random_token()?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    users::delete_expired_sessions(&mut tx, now).await?;
    users::create_session(&mut tx, &token_hash(&session), user, now, now + Duration::days(SESSION_DAYS)).await?;
    tx.commit().await?;
    let session_cookie = Cookie::build((SESSION_COOKIE, session))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(time_days(SESSION_DAYS))
        .build();
    Ok(jar.add(session_cookie).add(cookie(state, CSRF_COOKIE, random_token()?)))
}

fn time_days(days: i64) -> time::Duration {
    time::Duration::days(days)
}

// ---- pages ----

async fn home(State(state): State<AppState>, user: Result<CurrentUser, AppError>, csrf: CsrfToken) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    if users::count(&mut tx).await? == 0 {
        return Ok(Redirect::to("/setup").into_response());
    }
    let user = user?;
    let groups = groups::of_user(&mut tx, user.id).await?;
    if let [(slug, _, _)] = groups.as_slice() {
        return Ok(Redirect::to(&format!("/g/{slug}")).into_response());
    }
    render(HomePage { layout: Layout::signed_in("Your groups", &user.name, None, csrf), groups })
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    groups: Vec<(String, String, Role)>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    errors: FieldErrors,
}

async fn login_page(csrf: CsrfToken) -> Result<Response, AppError> {
    render(LoginPage { layout: Layout::public("Sign in", csrf), email: String::new(), errors: FieldErrors::default() })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let again = |status: StatusCode, p: tredegar_domain::Problem, csrf: CsrfToken| {
        let page = LoginPage { layout: Layout::public("Sign in", csrf), email: form.email.clone(), errors: p.into() };
        render(page).map(|r| (status, r).into_response())
    };
    let email = match Email::parse("email", &form.email) {
        Ok(e) => e,
        Err(p) => return again(StatusCode::BAD_REQUEST, p, csrf),
    };
    let now = state.clock.now();
    let ip = addr.ip().to_string();
    let since = now - Duration::minutes(LOGIN_WINDOW_MINUTES);
    let mut tx = state.db.read().await?;
    let (by_account, by_address) = users::failed_logins_since(&mut tx, &email.key(), &ip, since).await?;
    let limit = state.config.login_attempts;
    // An address gets more tries than an account: many people may share one.
    if by_account >= limit || by_address >= limit * 10 {
        let p =
            tredegar_domain::Problem::new("email", format!("too many failed sign-ins; wait {LOGIN_WINDOW_MINUTES} minutes and try again"));
        let mut r = again(StatusCode::TOO_MANY_REQUESTS, p, csrf)?;
        r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(LOGIN_WINDOW_MINUTES as u64 * 60));
        return Ok(r);
    }
    let user = users::by_email(&mut tx, &email.key()).await?;
    drop(tx);
    // Check a hash even for unknown accounts, so timing does not tell which exist.
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => unknown_account_hash().await?,
    };
    let ok = verify_password(form.password.clone(), hash).await;
    let mut tx = state.db.write().await?;
    match user.filter(|_| ok) {
        Some(user) => {
            users::clear_failed_logins(&mut tx, &email.key(), since).await?;
            tx.commit().await?;
            let jar = start_session(&state, user.id, jar).await?;
            Ok((jar, Redirect::to("/")).into_response())
        }
        None => {
            users::record_failed_login(&mut tx, &email.key(), &ip, now).await?;
            tx.commit().await?;
            again(StatusCode::UNAUTHORIZED, tredegar_domain::Problem::new("password", "the email or password is wrong"), csrf)
        }
    }
}

async fn logout(State(state): State<AppState>, user: CurrentUser, jar: CookieJar) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    users::delete_session(&mut tx, &user.session_hash).await?;
    tx.commit().await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/")).add(cookie(&state, CSRF_COOKIE, random_token()?));
    Ok((jar, Redirect::to("/login")).into_response())
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    form: SetupForm,
    errors: FieldErrors,
}

#[derive(Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    group_name: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The first-run page exists only while there are no users at all.
async fn no_users_yet(state: &AppState) -> Result<(), AppError> {
    let mut tx = state.db.read().await?;
    if users::count(&mut tx).await? > 0 { Err(AppError::not_found()) } else { Ok(()) }
}

async fn setup_page(State(state): State<AppState>, csrf: CsrfToken) -> Result<Response, AppError> {
    no_users_yet(&state).await?;
    render(SetupPage { layout: Layout::public("Set up Tredegar", csrf), form: SetupForm::default(), errors: FieldErrors::default() })
}

async fn setup(State(state): State<AppState>, csrf: CsrfToken, jar: CookieJar, Form(form): Form<SetupForm>) -> Result<Response, AppError> {
    no_users_yet(&state).await?;
    let mut errors = FieldErrors::default();
    let group = errors.check(parse_group_name("group_name", &form.group_name));
    let name = errors.check(required_text("name", &form.name, 120));
    let email = errors.check(Email::parse("email", &form.email));
    let password = errors.check(Password::parse("password", &form.password));
    let (Some((group_name, slug)), Some(name), Some(email), Some(password)) = (group, name, email, password) else {
        let page = SetupPage { layout: Layout::public("Set up Tredegar", csrf), form, errors };
        return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
    };
    let hash = hash_password(password).await?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    if users::count(&mut tx).await? > 0 {
        return Err(AppError::not_found());
    }
    let group = groups::create(&mut tx, &group_name, &slug, None, now).await?;
    let user = users::create(&mut tx, &email, &name, &hash, now).await?;
    users::set_membership(&mut tx, group.id, user.id, Role::Admin, now).await?;
    tredegar_db::audit::record_cli(&mut tx, Some(group.id), "setup", &group.name, &format!("first admin {name} created"), now).await?;
    tx.commit().await?;
    let jar = start_session(&state, user.id, jar).await?;
    Ok((jar, Redirect::to(&format!("/g/{}?notice=welcome", group.slug))).into_response())
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    errors: FieldErrors,
}

async fn account(state: &AppState, user: &CurrentUser, csrf: CsrfToken, errors: FieldErrors) -> Result<AccountPage, AppError> {
    let mut tx = state.db.read().await?;
    let me = users::by_id(&mut tx, user.id).await?.ok_or(AppError::SignInNeeded)?;
    Ok(AccountPage { layout: Layout::signed_in("Your account", &user.name, None, csrf), email: me.email, errors })
}

async fn account_page(
    State(state): State<AppState>,
    user: CurrentUser,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut page = account(&state, &user, csrf, FieldErrors::default()).await?;
    page.layout = page.layout.notice(&notice);
    render(page)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// Change your own password. Every other session of yours ends; this browser gets a new one.
async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let me = users::by_id(&mut tx, user.id).await?.ok_or(AppError::SignInNeeded)?;
    drop(tx);
    let mut errors = FieldErrors::default();
    if !verify_password(form.current_password.clone(), me.password_hash).await {
        errors.push(tredegar_domain::Problem::new("current_password", "is not your current password"));
    }
    let new = errors.check(Password::parse("new_password", &form.new_password));
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        let page = account(&state, &user, csrf, errors).await?;
        return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
    };
    let hash = hash_password(new).await?;
    let mut tx = state.db.write().await?;
    users::set_password(&mut tx, user.id, &hash).await?;
    tx.commit().await?;
    let jar = start_session(&state, user.id, jar).await?;
    Ok((jar, Redirect::to("/account?notice=saved")).into_response())
}
