//! The group's email, for its admins: whether mail can go out, what waits
//! and what failed (with the jobs behind it, to retry), and the wording of
//! each kind of message the group sends.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::jobs::{self, Job};
use tredegar_db::outbox::{self, Counts, Message};
use tredegar_db::{Scope, audit};
use tredegar_domain::jobs::JobKind;
use tredegar_domain::mail::{MailKind, Template as Wording};
use tredegar_domain::{AuditAction, FieldErrors, JobId, Problem};

use crate::auth::{Admin, CsrfToken};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, Zone, render, render_form};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "mail/settings.html")]
struct SettingsPage {
    csrf: String,
    slug: String,
    smtp: bool,
    mail_from: String,
    counts: Counts,
    messages: Vec<Message>,
    /// Jobs with problems, each with the email it sends, if it sends one.
    jobs: Vec<(Job, Option<Message>)>,
    templates: Vec<(MailKind, bool)>,
    zone: Zone,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let counts = outbox::counts(&mut tx, &scope).await?;
    let messages = outbox::recent(&mut tx, &scope).await?;
    let mut troubled = Vec::new();
    for job in jobs::troubled(&mut tx, &scope).await? {
        let about = match job.payload.parse() {
            Ok(id) if job.kind == JobKind::SendEmail => outbox::get(&mut tx, id).await?,
            _ => None,
        };
        troubled.push((job, about));
    }
    let mut templates = Vec::new();
    for kind in MailKind::EDITABLE {
        templates.push((*kind, outbox::is_edited(&mut tx, &scope, *kind).await?));
    }
    render(Page::new(Layout::for_scope("Email", &scope, csrf).notice(&notice), |layout| SettingsPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        smtp: state.mailer.is_some(),
        mail_from: state.config.mail_from.clone(),
        counts,
        messages,
        jobs: troubled,
        templates,
        zone: layout.zone(),
    }))
}

pub(super) async fn retry(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, id)): Path<(String, JobId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    if !jobs::retry(&mut tx, &scope, id, state.clock.now()).await? {
        return Err(AppError::not_found());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=retried", paths::email_settings(scope.group_slug()))).into_response())
}

#[derive(Default, Deserialize)]
pub(super) struct WordingForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    /// Set by the button that goes back to Tredegar's wording.
    #[serde(default)]
    reset: String,
}

#[derive(Template)]
#[template(path = "mail/template.html")]
struct TemplatePage {
    csrf: String,
    slug: String,
    kind: MailKind,
    form: WordingForm,
    errors: FieldErrors,
}

fn kind_of(s: &str) -> Result<MailKind, AppError> {
    MailKind::from_stored(s).filter(|k| MailKind::EDITABLE.contains(k)).ok_or_else(AppError::not_found)
}

fn template_page(scope: &Scope, csrf: CsrfToken, kind: MailKind, form: WordingForm, errors: FieldErrors) -> Result<Response, AppError> {
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope(kind.label(), scope, csrf), |layout| TemplatePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        kind,
        form,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn template(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Path((_, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    let mut tx = state.db.read().await?;
    let Wording { subject, body } = outbox::template(&mut tx, scope.group_id(), kind).await?;
    template_page(&scope, csrf, kind, WordingForm { subject, body, reset: String::new() }, FieldErrors::default())
}

pub(super) async fn save_template(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Path((_, kind)): Path<(String, String)>,
    Form(form): Form<WordingForm>,
) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    if form.reset.is_empty() {
        let wording = match kind.check(&form.subject, &form.body) {
            Ok(w) => w,
            Err(problems) => {
                let errors = problems.into_iter().fold(FieldErrors::default(), |mut e, p: Problem| {
                    e.push(if p.field == "body" { p.shown_as("Text") } else { p });
                    e
                });
                return template_page(&scope, csrf, kind, form, errors);
            }
        };
        outbox::set_template(&mut tx, &scope, kind, &wording, now).await?;
    } else {
        outbox::reset_template(&mut tx, &scope, kind).await?;
    }
    audit::record(&mut tx, &scope, AuditAction::Email, kind.label(), "wording changed", now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::email_settings(scope.group_slug()))).into_response())
}
