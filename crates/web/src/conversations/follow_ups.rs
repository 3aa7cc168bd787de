//! "My follow-ups": what the signed-in member promised to do, overdue first.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use tredegar_db::follow_ups::{self, FollowUp};
use tredegar_domain::FollowUpId;

use crate::auth::{CsrfToken, Member};
use crate::extract::{Path, Query};
use crate::paths;
use crate::ui::{Layout, Page, PageQuery, Pager, Zone, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "conversations/follow_ups.html")]
struct FollowUpsPage {
    csrf: String,
    slug: String,
    zone: Zone,
    today: NaiveDate,
    open: Vec<FollowUp>,
    done: Vec<FollowUp>,
    /// Which page of those to do, and how many pages there are.
    pager: Pager,
}

/// Follow-ups to do shown a page.
const PER_PAGE: i64 = 100;

pub(super) async fn mine(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let shown = q.page(PER_PAGE);
    let mut tx = state.db.read().await?;
    let (open, total, done) = follow_ups::mine(&mut tx, &scope, shown).await?;
    drop(tx);
    let read: Vec<_> = open.iter().chain(&done).map(|f| (f.person_id, scope.group_id())).collect();
    state.record_reads(&scope, &read, "listed in my follow-ups").await?;
    let today = Zone::of(&scope).today(&state.clock.now());
    let pager = Pager::new(paths::follow_ups(scope.group_slug()), shown, total);
    render(Page::new(Layout::for_scope("My follow-ups", &scope, csrf).notice(&q.notice()), |layout| FollowUpsPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        today,
        open,
        done,
        pager,
    }))
}

pub(super) async fn done(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, FollowUpId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    follow_ups::mark_done(&mut tx, &scope, id, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=done", paths::follow_ups(scope.group_slug()))).into_response())
}

/// The hourly job: email each member, once, the follow-ups of theirs that
/// went overdue, one email per member and group, worded as the group chose.
pub async fn email_overdue(state: &AppState) -> Result<tredegar_db::jobs::Done, AppError> {
    use tredegar_db::outbox::{self, NewMessage};
    use tredegar_domain::mail::{MailKind, fill};

    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let mut overdue = follow_ups::take_overdue(&mut tx, now.date_naive(), now).await?;
    overdue.retain(|f| f.seen);
    for theirs in overdue.chunk_by(|a, b| a.group_id == b.group_id && a.assignee == b.assignee) {
        let Some(first) = theirs.first() else { continue };
        let lines: Vec<String> =
            theirs.iter().map(|f| format!("- {}: {} (due {})", f.person_name(), f.what, f.due_on.format("%-d %b %Y"))).collect();
        let link = format!("{}{}", state.config.public_url, paths::follow_ups(&first.group_slug));
        let values =
            [("name", first.assignee_name.as_str()), ("group", &first.group_name), ("follow_ups", &lines.join("\n")), ("link", &link)];
        let template = outbox::template(&mut tx, first.group_id, MailKind::FollowUpsDue).await?;
        let (subject, text) = (fill(&template.subject, &values), fill(&template.body, &values));
        let message = NewMessage {
            group: Some(first.group_id),
            person: None,
            user: Some(first.assignee),
            kind: MailKind::FollowUpsDue,
            to: &first.assignee_email,
            subject: &subject,
            text: &text,
            unsubscribe: false,
            calendar: None,
        };
        outbox::queue(&mut tx, &message, now).await?;
    }
    tx.commit().await?;
    Ok(tredegar_db::jobs::Done::Finished)
}
