//! Accepting an invitation. The link's token is the proof of being invited;
//! the invited email address is the proof of being the one invited: a new
//! person registers with it, and an existing account must be signed in as
//! it. A forwarded link admits nobody else, and the group learns nothing
//! about an account before its owner accepts.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use tredegar_db::invitations::{self, OpenInvitation};
use tredegar_db::{Scope, audit, users};
use tredegar_domain::contact::{Password, required_text};
use tredegar_domain::{AuditAction, Email, FieldErrors, Problem};

use crate::auth::{CsrfToken, CurrentUser, hash_password, start_session};
use crate::extract::{Form, Path};
use crate::paths;
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState, token_hash};

#[derive(Template)]
#[template(path = "account/invitation.html")]
pub(super) struct InvitationPage {
    csrf: String,
    token: String,
    group_name: String,
    /// "an organiser", "a volunteer".
    role: String,
    /// Who is signed in, and whether they are the one invited.
    signed_in: Option<(String, bool)>,
    form: RegisterForm,
    errors: FieldErrors,
}

#[derive(Default, Deserialize)]
pub(super) struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// The invitation the link opens, or a page saying it no longer works.
async fn open(state: &AppState, token: &str) -> Result<OpenInvitation, AppError> {
    let mut tx = state.db.read().await?;
    invitations::open_by_token(&mut tx, &token_hash(token), state.clock.now()).await?.ok_or_else(|| {
        AppError::NotFound("this invitation link has expired, been used or been withdrawn; ask the group's admin for a new one".into())
    })
}

async fn page(
    state: &AppState,
    user: Option<&CurrentUser>,
    csrf: CsrfToken,
    token: String,
    invitation: &OpenInvitation,
    form: RegisterForm,
    errors: FieldErrors,
) -> Result<Page<InvitationPage>, AppError> {
    let signed_in = match user {
        Some(u) => {
            let mut tx = state.db.read().await?;
            let me = users::by_id(&mut tx, u.id).await?.ok_or(AppError::SignInNeeded)?;
            Some((u.name.clone(), is_invited(&me, invitation)))
        }
        None => None,
    };
    let title = format!("Join {}", invitation.group_name);
    let layout = match user {
        Some(u) => Layout::signed_in(&title, &u.name, None, csrf),
        None => Layout::public(&title, csrf),
    };
    Ok(Page::new(layout, |layout| InvitationPage {
        csrf: layout.csrf.clone(),
        token,
        group_name: invitation.group_name.clone(),
        role: match invitation.role {
            tredegar_domain::Role::Volunteer => "a volunteer".into(),
            other => format!("an {}", other.label().to_lowercase()),
        },
        signed_in,
        form,
        errors,
    }))
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: Result<CurrentUser, AppError>,
    csrf: CsrfToken,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let invitation = open(&state, &token).await?;
    render(page(&state, user.as_ref().ok(), csrf, token, &invitation, RegisterForm::default(), FieldErrors::default()).await?)
}

/// Join, signed in as the invited address.
pub(super) async fn accept(State(state): State<AppState>, user: CurrentUser, Path(token): Path<String>) -> Result<Response, AppError> {
    let invitation = open(&state, &token).await?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let me = users::by_id(&mut tx, user.id).await?.ok_or(AppError::SignInNeeded)?;
    if !is_invited(&me, &invitation) {
        return Err(AppError::Forbidden("this invitation is for a different email address".into()));
    }
    joined(&mut tx, &invitation, user.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=joined", paths::dashboard(&invitation.group_slug))).into_response())
}

/// Join as a new person, registering with the invited address.
pub(super) async fn register(
    State(state): State<AppState>,
    user: Result<CurrentUser, AppError>,
    csrf: CsrfToken,
    jar: CookieJar,
    Path(token): Path<String>,
    Form(form): Form<RegisterForm>,
) -> Result<Response, AppError> {
    let invitation = open(&state, &token).await?;
    let mut errors = FieldErrors::default();
    let email = errors.check(Email::parse("email", &form.email));
    if email.as_ref().is_some_and(|e| e.key() != invitation.email_key) {
        errors.push(Problem::new("email", "is not the address this invitation was sent to"));
    }
    let name = errors.check(required_text("name", &form.name, 120));
    let password = errors.check(Password::parse("password", &form.password));
    let ready = match (email, name, password) {
        (Some(e), Some(n), Some(p)) if errors.is_empty() => Some((e, n, p)),
        _ => None,
    };
    let Some((email, name, password)) = ready else {
        let page = page(&state, user.as_ref().ok(), csrf, token, &invitation, form, errors).await?;
        return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
    };
    // The hash is made before the writer is taken.
    let hash = hash_password(password).await?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    if users::by_email(&mut tx, &email.key()).await?.is_some() {
        drop(tx);
        let errors = Problem::new("email", "already has an account: sign in with it, then open this link again").into();
        let page = page(&state, user.as_ref().ok(), csrf, token, &invitation, form, errors).await?;
        return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
    }
    let me = users::create(&mut tx, &email, &name, &hash, now).await?;
    joined(&mut tx, &invitation, me.id, now).await?;
    tx.commit().await?;
    let jar = start_session(&state, me.id, jar).await?;
    Ok((jar, Redirect::to(&format!("{}?notice=joined", paths::dashboard(&invitation.group_slug)))).into_response())
}

/// Is this account the one the invitation was sent to?
fn is_invited(me: &users::User, invitation: &OpenInvitation) -> bool {
    Email::parse("email", &me.email).is_ok_and(|e| e.key() == invitation.email_key)
}

/// Spend the invitation and record, in the group's log, who joined.
async fn joined(
    tx: &mut tredegar_db::Tx,
    invitation: &OpenInvitation,
    user: tredegar_domain::UserId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    invitations::accept(tx, invitation, user, now).await.map_err(|e| match e {
        tredegar_db::DbError::NotFound => AppError::NotFound("this invitation was used or withdrawn a moment ago".into()),
        other => other.into(),
    })?;
    let scope = Scope::for_member(tx, user, &invitation.group_slug).await?.ok_or_else(AppError::not_found)?;
    let detail = format!("{} joined as {} by invitation", scope.actor_name(), invitation.role.label());
    audit::record(tx, &scope, AuditAction::Member, &format!("user {user}"), &detail, now).await?;
    Ok(())
}
