//! Signing in and out, the first-run setup, the list of your groups, and
//! your own account (changing your password).

use crate::auth::throttle::{self, ClientAddr, Limit};
use crate::auth::{CsrfToken, CurrentUser, end_session, hash_password, start_session, unknown_account_hash, verify_password};
use crate::extract::Form;
use crate::extract::Query;
use crate::paths;
use crate::ui::{Layout, Notice, Page, render};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use tredegar_db::{Scope, groups, users};
use tredegar_domain::contact::{Password, required_text};
use tredegar_domain::groups::parse_group_name;
use tredegar_domain::{AuditAction, Email, FieldErrors, Role};

// ---- pages ----

pub(super) async fn home(
    State(state): State<AppState>,
    user: Result<CurrentUser, AppError>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    if users::count(&mut tx).await? == 0 {
        return Ok(Redirect::to(&paths::setup()).into_response());
    }
    let user = user?;
    let groups = groups::of_user(&mut tx, user.id).await?;
    if let [only] = groups.as_slice() {
        return Ok(Redirect::to(&paths::dashboard(&only.slug)).into_response());
    }
    render(Page::new(Layout::signed_in("Your groups", &user.name, None, csrf), |_| HomePage { groups }))
}

#[derive(Template)]
#[template(path = "account/home.html")]
pub(super) struct HomePage {
    groups: Vec<groups::Membership>,
}

#[derive(Template)]
#[template(path = "account/login.html")]
pub(super) struct LoginPage {
    csrf: String,
    email: String,
    next: String,
    errors: FieldErrors,
}

/// Where to go after signing in: a path on this site, or the start page.
/// Anything else (`//evil.example`, `https://...`) is ignored, so the link
/// cannot send anyone off-site.
fn local_path(next: &str) -> Option<&str> {
    // Browsers drop tabs and newlines from a URL and read a backslash as a
    // slash, so any of those could turn "/..." into "//elsewhere".
    let local = next.starts_with('/') && !next.starts_with("//") && !next.chars().any(|c| c.is_control() || c == '\\');
    local.then_some(next)
}

#[derive(Default, Deserialize)]
pub(super) struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

pub(super) async fn login_page(csrf: CsrfToken, Query(q): Query<LoginQuery>) -> Result<Response, AppError> {
    let notice = Notice { notice: q.notice };
    let next = q.next.as_deref().and_then(local_path).unwrap_or_default().to_string();
    render(Page::new(Layout::public("Sign in", csrf).notice(&notice), |layout| LoginPage {
        csrf: layout.csrf.clone(),
        email: String::new(),
        next,
        errors: FieldErrors::default(),
    }))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub(super) async fn login(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let again = |status: StatusCode, p: tredegar_domain::Problem, csrf: CsrfToken| {
        let page = Page::new(Layout::public("Sign in", csrf), |layout| LoginPage {
            csrf: layout.csrf.clone(),
            email: form.email.clone(),
            next: local_path(&form.next).unwrap_or_default().to_string(),
            errors: p.into(),
        });
        render(page).map(|r| (status, r).into_response())
    };
    let email = match Email::parse("email", &form.email) {
        Ok(e) => e,
        Err(p) => return again(StatusCode::BAD_REQUEST, p, csrf),
    };
    let account = Limit::account(&state, &email.key());
    match throttle::attempt(&state, &[Limit::address(&state, ip), Limit::account(&state, &email.key())]).await {
        Ok(()) => {}
        Err(AppError::TooManyRequests(wait)) => {
            let minutes = wait.div_ceil(60);
            let p = tredegar_domain::Problem::new("email", format!("too many failed sign-ins; wait {minutes} minutes and try again"));
            let mut r = again(StatusCode::TOO_MANY_REQUESTS, p, csrf)?;
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(wait));
            return Ok(r);
        }
        Err(e) => return Err(e),
    }
    let mut tx = state.db.read().await?;
    let user = users::by_email(&mut tx, &email.key()).await?;
    drop(tx);
    // Check a hash even for unknown accounts, so timing does not tell which exist.
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => unknown_account_hash().await?,
    };
    let ok = verify_password(form.password.clone(), hash).await;
    match user.filter(|_| ok) {
        Some(user) => {
            throttle::succeeded(&state, &account).await?;
            let jar = start_session(&state, user.id, jar).await?;
            let to = local_path(&form.next).map_or_else(paths::home, String::from);
            Ok((jar, Redirect::to(&to)).into_response())
        }
        None => again(StatusCode::UNAUTHORIZED, tredegar_domain::Problem::new("password", "the email or password is wrong"), csrf),
    }
}

pub(super) async fn logout(State(state): State<AppState>, user: CurrentUser, jar: CookieJar) -> Result<Response, AppError> {
    let jar = end_session(&state, &user, jar).await?;
    Ok((jar, Redirect::to(&format!("{}?notice=signed-out", paths::login()))).into_response())
}

#[derive(Template)]
#[template(path = "account/setup.html")]
pub(super) struct SetupPage {
    csrf: String,
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
pub(super) async fn no_users_yet(state: &AppState) -> Result<(), AppError> {
    let mut tx = state.db.read().await?;
    if users::count(&mut tx).await? > 0 { Err(AppError::not_found()) } else { Ok(()) }
}

pub(super) async fn setup_page(State(state): State<AppState>, csrf: CsrfToken) -> Result<Response, AppError> {
    no_users_yet(&state).await?;
    render(Page::new(Layout::public("Set up Tredegar", csrf), |layout| SetupPage {
        csrf: layout.csrf.clone(),
        form: SetupForm::default(),
        errors: FieldErrors::default(),
    }))
}

pub(super) async fn setup(
    State(state): State<AppState>,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<SetupForm>,
) -> Result<Response, AppError> {
    no_users_yet(&state).await?;
    let mut errors = FieldErrors::default();
    let group = errors.check(parse_group_name("group_name", &form.group_name));
    let name = errors.check(required_text("name", &form.name, 120));
    let email = errors.check(Email::parse("email", &form.email));
    let password = errors.check(Password::parse("password", &form.password));
    let (Some((group_name, slug)), Some(name), Some(email), Some(password)) = (group, name, email, password) else {
        let page = Page::new(Layout::public("Set up Tredegar", csrf), |layout| SetupPage { csrf: layout.csrf.clone(), form, errors });
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
    let scope = Scope::for_member(&mut tx, user.id, &group.slug).await?.ok_or_else(AppError::not_found)?;
    tredegar_db::audit::record(&mut tx, &scope, AuditAction::Setup, &group.name, "the group and its first admin made at first run", now)
        .await?;
    tx.commit().await?;
    let jar = start_session(&state, user.id, jar).await?;
    Ok((jar, Redirect::to(&format!("{}?notice=welcome", paths::dashboard(group.slug)))).into_response())
}

#[derive(Template)]
#[template(path = "account/account.html")]
pub(super) struct AccountPage {
    csrf: String,
    email: String,
    /// Your groups, each with its API tokens page.
    groups: Vec<groups::Membership>,
    errors: FieldErrors,
}

pub(super) async fn account(
    state: &AppState,
    user: &CurrentUser,
    csrf: CsrfToken,
    errors: FieldErrors,
) -> Result<Page<AccountPage>, AppError> {
    let mut tx = state.db.read().await?;
    let me = users::by_id(&mut tx, user.id).await?.ok_or(AppError::SignInNeeded)?;
    let groups = groups::of_user(&mut tx, user.id).await?;
    Ok(Page::new(Layout::signed_in("Your account", &user.name, None, csrf), |layout| AccountPage {
        csrf: layout.csrf.clone(),
        email: me.email,
        groups,
        errors,
    }))
}

pub(super) async fn account_page(
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
pub(super) async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let me = users::by_id(&mut tx, user.id).await?.ok_or(AppError::SignInNeeded)?;
    drop(tx);
    let limit = Limit::password_change(&state, user.id);
    throttle::attempt(&state, std::slice::from_ref(&limit)).await?;
    let mut errors = FieldErrors::default();
    if verify_password(form.current_password.clone(), me.password_hash).await {
        throttle::succeeded(&state, &limit).await?;
    } else {
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
    Ok((jar, Redirect::to(&format!("{}?notice=saved", paths::account()))).into_response())
}
