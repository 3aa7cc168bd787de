//! Broadcasts: an organiser writes an email to a list or segment, sees who
//! it will reach and how it will look, sends a test to themselves, then
//! sends it. Only primary addresses marked subscribed receive it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::broadcasts::{self, Broadcast};
use tredegar_db::lists::{self, List};
use tredegar_db::outbox::{self, Counts, NewMessage};
use tredegar_db::{Scope, audit, users};
use tredegar_domain::contact::{required_line, required_text};
use tredegar_domain::mail::{BroadcastStatus, MailKind, fill};
use tredegar_domain::{AuditAction, BroadcastId, FieldErrors, ListId, Problem};

use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, PageQuery, Pager, render, render_form};
use crate::{AppError, AppState};

#[derive(Default, Deserialize)]
pub(super) struct Draft {
    #[serde(default)]
    list: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

/// A checked draft: which list, and the words.
struct Checked {
    list: ListId,
    subject: String,
    body: String,
}

impl Draft {
    fn of(b: &Broadcast) -> Draft {
        Draft { list: b.list_id.map(|l| l.to_string()).unwrap_or_default(), subject: b.subject.clone(), body: b.body.clone() }
    }

    fn check(&self) -> Result<Checked, FieldErrors> {
        let mut errors = FieldErrors::default();
        let list =
            errors.check(self.list.trim().parse::<ListId>().map_err(|_| Problem::new("list", "choose who to send it to").shown_as("To")));
        let subject = errors.check(required_line("subject", &self.subject, 200));
        let body = errors.check(required_text("body", &self.body, 20_000).map_err(|p| p.shown_as("Message")));
        match (list, subject, body) {
            (Some(list), Some(subject), Some(body)) if errors.is_empty() => Ok(Checked { list, subject, body }),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "mail/broadcasts.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    broadcasts: Vec<(Broadcast, Counts)>,
    lists: Vec<List>,
    form: Draft,
    errors: FieldErrors,
    /// Where the form posts: a new draft, or changes to one.
    action: String,
    /// Changing a draft, rather than listing broadcasts and starting one.
    editing: bool,
    smtp: bool,
    /// Which page of broadcasts, newest first, and how many pages there are.
    pager: Pager,
}

/// Broadcasts shown a page.
const PER_PAGE: i64 = 50;

async fn index_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    notice: &Notice,
    form: Draft,
    errors: FieldErrors,
    page: tredegar_db::Page,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let mut all = Vec::new();
    let (shown, total) = broadcasts::list(&mut tx, scope, page).await?;
    for b in shown {
        let counts = broadcasts::progress(&mut tx, &b).await?;
        all.push((b, counts));
    }
    let lists = lists::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0;
    let has_problems = !errors.is_empty();
    let pager = Pager::new(paths::broadcasts(scope.group_slug()), page, total);
    let page = Page::new(Layout::for_scope("Broadcasts", scope, csrf).notice(notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        broadcasts: all,
        lists,
        form,
        errors,
        action: paths::broadcasts(scope.group_slug()),
        editing: false,
        smtp: state.mailer.is_some(),
        pager,
    });
    render_form(page, has_problems)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let page = q.page(PER_PAGE);
    let notice = q.notice();
    index_page(&state, &scope, csrf, &notice, Draft::default(), FieldErrors::default(), page).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<Draft>,
) -> Result<Response, AppError> {
    let checked = match form.check() {
        Ok(c) => c,
        Err(errors) => {
            return index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await;
        }
    };
    let mut tx = state.db.write().await?;
    match broadcasts::create(&mut tx, &scope, checked.list, &checked.subject, &checked.body, state.clock.now()).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&paths::broadcast(scope.group_slug(), id)).into_response())
        }
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mail/broadcast.html")]
struct ShowPage {
    csrf: String,
    slug: String,
    broadcast: Broadcast,
    /// How many it would reach if sent now (a draft).
    reach: usize,
    counts: Counts,
    footer: String,
    my_email: String,
    smtp: bool,
    zone: crate::ui::Zone,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, BroadcastId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let broadcast = broadcasts::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let reach = if broadcast.status == BroadcastStatus::Draft {
        broadcasts::recipients(&mut tx, &scope, &broadcast, state.clock.now()).await?.len()
    } else {
        0
    };
    let counts = broadcasts::progress(&mut tx, &broadcast).await?;
    let template = outbox::template(&mut tx, scope.group_id(), MailKind::BroadcastFooter).await?;
    let footer = fill(&template.body, &[("group", scope.group_name()), ("unsubscribe", "(their own unsubscribe link)")]);
    let my_email = my_account(&mut tx, &scope).await?.email;
    render(Page::new(Layout::for_scope(&broadcast.subject, &scope, csrf).notice(&notice), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        broadcast,
        reach,
        counts,
        footer,
        my_email,
        smtp: state.mailer.is_some(),
        zone: layout.zone(),
    }))
}

async fn my_account(tx: &mut tredegar_db::Tx, scope: &Scope) -> Result<users::User, AppError> {
    let me = scope.user_id().ok_or_else(AppError::not_found)?;
    users::by_id(tx, me).await?.ok_or_else(AppError::not_found)
}

async fn draft(tx: &mut tredegar_db::Tx, scope: &Scope, id: BroadcastId) -> Result<Broadcast, AppError> {
    match broadcasts::get(tx, scope, id).await? {
        Some(b) if b.status == BroadcastStatus::Draft => Ok(b),
        Some(_) => Err(Problem::new("broadcast", "has been sent already, so it can no longer change").into()),
        None => Err(AppError::not_found()),
    }
}

async fn edit_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    id: BroadcastId,
    form: Option<Draft>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let b = draft(&mut tx, scope, id).await?;
    let lists = lists::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0;
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Change the broadcast", scope, csrf), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        broadcasts: Vec::new(),
        lists,
        form: form.unwrap_or_else(|| Draft::of(&b)),
        errors,
        action: paths::broadcast_edit(scope.group_slug(), id),
        editing: true,
        smtp: state.mailer.is_some(),
        pager: Pager::none(),
    });
    render_form(page, has_problems)
}

pub(super) async fn edit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, BroadcastId)>,
) -> Result<Response, AppError> {
    edit_page(&state, &scope, csrf, id, None, FieldErrors::default()).await
}

pub(super) async fn update(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, BroadcastId)>,
    Form(form): Form<Draft>,
) -> Result<Response, AppError> {
    let checked = match form.check() {
        Ok(c) => c,
        Err(errors) => return edit_page(&state, &scope, csrf, id, Some(form), errors).await,
    };
    let mut tx = state.db.write().await?;
    match broadcasts::update(&mut tx, &scope, id, checked.list, &checked.subject, &checked.body).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}?notice=saved", paths::broadcast(scope.group_slug(), id))).into_response())
        }
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            edit_page(&state, &scope, csrf, id, Some(form), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Send the draft to its author's own address, marked as a test.
pub(super) async fn test(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, BroadcastId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let b = draft(&mut tx, &scope, id).await?;
    let me = my_account(&mut tx, &scope).await?;
    let subject = format!("[Test] {}", b.subject);
    let message = NewMessage {
        group: Some(scope.group_id()),
        person: None,
        user: Some(me.id),
        kind: MailKind::TestSend,
        to: &me.email,
        subject: &subject,
        text: &b.body,
        unsubscribe: true,
        calendar: None,
    };
    outbox::queue(&mut tx, &message, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=test-sent", paths::broadcast(scope.group_slug(), id))).into_response())
}

pub(super) async fn send(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, BroadcastId)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let b = draft(&mut tx, &scope, id).await?;
    broadcasts::send(&mut tx, &scope, id, now).await?;
    audit::record(&mut tx, &scope, AuditAction::Email, &b.subject, &format!("broadcast sent to {}", b.list_name), now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=sending", paths::broadcast(scope.group_slug(), id))).into_response())
}

pub(super) async fn delete(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, BroadcastId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    draft(&mut tx, &scope, id).await?;
    broadcasts::delete(&mut tx, &scope, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=deleted-draft", paths::broadcasts(scope.group_slug()))).into_response())
}
