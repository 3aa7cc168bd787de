//! Forgotten passwords. With SMTP configured, an account's owner asks for a
//! link by email: it works once, for an hour, and using it ends every
//! session of the account. The page answers the same whether or not the
//! address has an account, so it tells nobody who has one. Without SMTP the
//! page says to ask whoever runs the server, who resets it at the command line.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::outbox::{self, NewMessage};
use tredegar_db::users;
use tredegar_domain::contact::Password;
use tredegar_domain::mail::{MailKind, fill};
use tredegar_domain::{Email, FieldErrors};

use crate::auth::throttle::{self, ClientAddr, Limit};
use crate::auth::{CsrfToken, hash_password};
use crate::extract::{Form, Path};
use crate::ui::{Layout, Page, render, render_form};
use crate::{AppError, AppState, paths, random_token, token_hash};

/// How long a reset link works.
const LINK_LIFE: chrono::Duration = chrono::Duration::hours(1);

#[derive(Template)]
#[template(path = "account/forgot.html")]
struct ForgotPage {
    csrf: String,
    smtp: bool,
    email: String,
    errors: FieldErrors,
}

pub(super) async fn forgot_page(State(state): State<AppState>, csrf: CsrfToken) -> Result<Response, AppError> {
    render(Page::new(Layout::public("Forgotten your password?", csrf), |layout| ForgotPage {
        csrf: layout.csrf.clone(),
        smtp: state.mailer.is_some(),
        email: String::new(),
        errors: FieldErrors::default(),
    }))
}

#[derive(Deserialize)]
pub(super) struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub(super) async fn forgot(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    csrf: CsrfToken,
    Form(form): Form<ForgotForm>,
) -> Result<Response, AppError> {
    let again = |errors: FieldErrors, csrf: CsrfToken| {
        let page = Page::new(Layout::public("Forgotten your password?", csrf), |layout| ForgotPage {
            csrf: layout.csrf.clone(),
            smtp: state.mailer.is_some(),
            email: form.email.clone(),
            errors,
        });
        render_form(page, true)
    };
    let email = match Email::parse("email", &form.email) {
        Ok(e) => e,
        Err(p) => return again(p.into(), csrf),
    };
    if state.mailer.is_none() {
        let p = tredegar_domain::Problem::new("email", "cannot be sent a link: this server cannot send email yet, so ask whoever runs it");
        return again(p.into(), csrf);
    }
    throttle::attempt(&state, &[Limit::reset_address(&state, ip), Limit::reset(&email.key())]).await?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    if let Some(user) = users::by_email(&mut tx, &email.key()).await? {
        let token = random_token()?;
        users::create_reset(&mut tx, user.id, &token_hash(&token), now + LINK_LIFE).await?;
        let link = format!("{}{}", state.config.public_url, paths::reset_password(&token));
        let wording = MailKind::PasswordReset.default_template();
        let values = [("name", user.name.as_str()), ("link", link.as_str())];
        let text = fill(&wording.body, &values);
        let message = NewMessage {
            group: None,
            person: None,
            user: Some(user.id),
            kind: MailKind::PasswordReset,
            to: &user.email,
            subject: &wording.subject,
            text: &text,
            unsubscribe: false,
            calendar: None,
        };
        outbox::queue(&mut tx, &message, now).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=reset-sent", paths::login())).into_response())
}

#[derive(Template)]
#[template(path = "account/reset.html")]
struct ResetPage {
    csrf: String,
    token: String,
    name: String,
    errors: FieldErrors,
}

/// Said in the error page's words: one clause, which it capitalises and ends.
const USED_OR_OLD: &str =
    "this link has been used already or is more than an hour old: ask for a new one under “Forgotten your password?” on the sign-in page";

pub(super) async fn reset_page(State(state): State<AppState>, csrf: CsrfToken, Path(token): Path<String>) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let user = users::reset_user(&mut tx, &token_hash(&token), state.clock.now()).await?;
    let Some(user) = user else { return Err(AppError::NotFound(USED_OR_OLD.into())) };
    render(Page::new(Layout::public("Choose a new password", csrf), |layout| ResetPage {
        csrf: layout.csrf.clone(),
        token,
        name: user.name,
        errors: FieldErrors::default(),
    }))
}

#[derive(Deserialize)]
pub(super) struct ResetForm {
    #[serde(default)]
    new_password: String,
}

pub(super) async fn reset(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    csrf: CsrfToken,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    // Counted before any work, and the link checked before any hashing: guessing costs the guesser.
    throttle::attempt(&state, &[Limit::reset_address(&state, ip)]).await?;
    let mut tx = state.db.read().await?;
    let user = users::reset_user(&mut tx, &token_hash(&token), now).await?;
    drop(tx);
    let Some(user) = user else { return Err(AppError::NotFound(USED_OR_OLD.into())) };
    let password = match Password::parse("new_password", &form.new_password) {
        Ok(p) => p,
        Err(p) => {
            let page = Page::new(Layout::public("Choose a new password", csrf), |layout| ResetPage {
                csrf: layout.csrf.clone(),
                token,
                name: user.name,
                errors: p.into(),
            });
            return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
        }
    };
    let hash = hash_password(password).await?;
    let mut tx = state.db.write().await?;
    let Some(id) = users::use_reset(&mut tx, &token_hash(&token), now).await? else {
        return Err(AppError::NotFound(USED_OR_OLD.into()));
    };
    users::set_password(&mut tx, id, &hash).await?;
    tx.commit().await?;
    // They proved they own the address: a lock from failed sign-ins ends.
    let email = tredegar_domain::Email::parse("email", &user.email)?;
    throttle::succeeded(&state, &Limit::account(&state, &email.key())).await?;
    Ok(Redirect::to(&format!("{}?notice=password-reset", paths::login())).into_response())
}
