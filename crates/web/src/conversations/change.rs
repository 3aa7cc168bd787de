//! Putting a conversation right (a typo in the notes, the wrong day, an
//! issue left out) or deleting one logged against the wrong person. Allowed
//! to whoever held it while they may still record things about the person,
//! and to organisers and admins; each change goes on the person's timeline,
//! and a deletion in the audit log.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tredegar_db::conversations::{self, Conversation, NewConversation};
use tredegar_db::{Scope, Tx, assessments, audit, people};
use tredegar_domain::conversations::theme_key;
use tredegar_domain::people::HistoryKind;
use tredegar_domain::{AuditAction, ConversationId, FieldErrors};

use super::form::{Choices, ConversationForm};
use crate::auth::{CsrfToken, Member};
use crate::extract::{Form, Path};
use crate::paths;
use crate::ui::{Layout, Page, Zone, render};
use crate::{AppError, AppState};

/// The conversation, if the scope may change it; not found otherwise, as
/// for one it may not see. Asked in the transaction that writes, so the
/// answer still holds when the change is made.
async fn changeable(tx: &mut Tx, state: &AppState, scope: &Scope, id: ConversationId) -> Result<Conversation, AppError> {
    let c = conversations::get(tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    if !conversations::may_change(tx, scope, &c, state.clock.now()).await? {
        return Err(AppError::not_found());
    }
    Ok(c)
}

#[derive(Template)]
#[template(path = "conversations/edit.html")]
struct EditPage {
    csrf: String,
    slug: String,
    c: Conversation,
    form: ConversationForm,
    errors: FieldErrors,
    choices: Choices,
}

/// The issue list to tick from; no assessment or follow-up, which have
/// their own records and history.
async fn choices(tx: &mut Tx, scope: &Scope) -> Result<Choices, AppError> {
    let themes = conversations::themes(tx, scope).await?;
    let levels = assessments::level_names(tx, scope).await?;
    Ok(Choices { themes, campaigns: Vec::new(), levels, assignees: Vec::new() })
}

fn edit_page(
    scope: &Scope,
    csrf: CsrfToken,
    c: Conversation,
    form: ConversationForm,
    errors: FieldErrors,
    choices: Choices,
) -> Page<EditPage> {
    let title = format!("Change the {} with {}", c.kind.label().to_lowercase(), c.person_name());
    Page::new(Layout::for_scope(&title, scope, csrf), |layout| EditPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        c,
        form,
        errors,
        choices,
    })
}

pub(super) async fn edit(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ConversationId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let c = changeable(&mut tx, &state, &scope, id).await?;
    let choices = choices(&mut tx, &scope).await?;
    drop(tx);
    // The form shows the notes: a read like the conversation's own page.
    let mut tx = state.db.write().await?;
    audit::record_reads(&mut tx, &scope, &[(c.person_id, c.group_id)], &format!("conversation {id}, to change it"), state.clock.now())
        .await?;
    tx.commit().await?;
    let form = ConversationForm::of(&c, Zone::of(&scope));
    render(edit_page(&scope, csrf, c, form, FieldErrors::default(), choices))
}

pub(super) async fn save(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ConversationId)>,
    Form(form): Form<ConversationForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    // Only the conversation's own fields: an assessment or a follow-up sent
    // along is not this page's to record.
    let form = ConversationForm { campaign: String::new(), level: String::new(), follow_up: String::new(), ..form };
    let checked = match form.check(Zone::of(&scope), now) {
        Ok(checked) => checked.conversation,
        Err(errors) => {
            let mut tx = state.db.read().await?;
            let c = changeable(&mut tx, &state, &scope, id).await?;
            let choices = choices(&mut tx, &scope).await?;
            drop(tx);
            return render(edit_page(&scope, csrf, c, form, errors, choices)).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
        }
    };
    let mut tx = state.db.write().await?;
    let c = changeable(&mut tx, &state, &scope, id).await?;
    if unchanged(&c, &checked) {
        return Ok(Redirect::to(&format!("{}?notice=unchanged", paths::conversation(scope.group_slug(), id))).into_response());
    }
    conversations::change(&mut tx, &scope, &c, &checked, now).await?;
    let summary = format!("Changed the record of a {} on {}", c.kind.label().to_lowercase(), Zone::of(&scope).when(&c.held_at));
    people::add_event(&mut tx, &scope, c.person_id, HistoryKind::Edited, &summary, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=conversation-changed", paths::conversation(scope.group_slug(), id))).into_response())
}

/// Whether saving would record nothing new: then the timeline is not told of a change.
fn unchanged(was: &Conversation, now: &NewConversation) -> bool {
    let mut themes = now.themes.iter().map(|t| theme_key(t)).collect::<Vec<_>>();
    let mut had = was.themes.iter().map(|t| theme_key(t)).collect::<Vec<_>>();
    themes.sort();
    had.sort();
    (was.kind, was.held_at, &was.place, &was.self_interest, &was.ask, was.answer, &was.commitments, &was.notes)
        == (now.kind, now.held_at, &now.place, &now.self_interest, &now.ask, now.answer, &now.commitments, &now.notes)
        && themes == had
}

#[derive(Template)]
#[template(path = "conversations/delete.html")]
struct DeletePage {
    csrf: String,
    slug: String,
    zone: Zone,
    c: Conversation,
}

/// Deleting loses what was said: say what goes, and ask.
pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ConversationId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let c = changeable(&mut tx, &state, &scope, id).await?;
    drop(tx);
    let title = format!("Delete the {} with {}?", c.kind.label().to_lowercase(), c.person_name());
    render(Page::new(Layout::for_scope(&title, &scope, csrf), |layout| DeletePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        c,
    }))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, ConversationId)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let c = changeable(&mut tx, &state, &scope, id).await?;
    let what = format!("a {} on {} held by {}", c.kind.label().to_lowercase(), Zone::of(&scope).when(&c.held_at), c.held_by_name);
    conversations::delete(&mut tx, &scope, &c, now).await?;
    people::add_event(&mut tx, &scope, c.person_id, HistoryKind::Deleted, &format!("Deleted the record of {what}"), now).await?;
    audit::record_about(&mut tx, &scope, AuditAction::Delete, c.person_id, &format!("conversation {id}: {what}"), now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=conversation-deleted", paths::person(scope.group_slug(), c.person_id))).into_response())
}
