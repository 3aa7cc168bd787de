//! Logging a conversation with a person, and reading one back. Reading is
//! audited: the notes may hold health, politics or immigration details.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tredegar_db::conversations::{self, Conversation};
use tredegar_db::{DbError, Scope, audit, people};
use tredegar_domain::{ConversationId, ConversationKind, FieldErrors, PersonId};

use super::form::{Choices, ConversationForm, record};
use crate::auth::{CsrfToken, Member};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, Zone, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "conversations/form.html")]
struct FormPage {
    csrf: String,
    title: String,
    slug: String,
    person_id: PersonId,
    person_name: String,
    form: ConversationForm,
    errors: FieldErrors,
    choices: Choices,
}

/// The person's name and the form's choices, if the scope may record a
/// conversation with them.
async fn person_and_choices(state: &AppState, scope: &Scope, id: PersonId) -> Result<(String, Choices), AppError> {
    let mut tx = state.db.read().await?;
    let person = people::to_act_on(&mut tx, scope, id, state.clock.now()).await?.ok_or_else(AppError::not_found)?;
    Ok((person.display_name(), Choices::read(&mut tx, scope, Some(id)).await?))
}

fn form_page(
    scope: &Scope,
    csrf: CsrfToken,
    id: PersonId,
    name: String,
    choices: Choices,
    form: ConversationForm,
    errors: FieldErrors,
) -> Page<FormPage> {
    Page::new(Layout::for_scope("Log a conversation", scope, csrf), |layout| FormPage {
        csrf: layout.csrf.clone(),
        title: layout.title.clone(),
        slug: scope.group_slug().into(),
        person_id: id,
        person_name: name,
        form,
        errors,
        choices,
    })
}

pub(super) async fn new(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
) -> Result<Response, AppError> {
    let (name, choices) = person_and_choices(&state, &scope, id).await?;
    let form = ConversationForm::blank(&scope, Zone::of(&scope), state.clock.now(), ConversationKind::OneToOne);
    render(form_page(&scope, csrf, id, name, choices, form, FieldErrors::default()))
}

pub(super) async fn create(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
    Form(form): Form<ConversationForm>,
) -> Result<Response, AppError> {
    let (name, choices) = person_and_choices(&state, &scope, id).await?;
    let refused = |errors: FieldErrors, form: ConversationForm, choices: Choices| {
        render(form_page(&scope, csrf, id, name, choices, form, errors)).map(|r| (StatusCode::BAD_REQUEST, r).into_response())
    };
    let checked = match form.check(Zone::of(&scope), state.clock.now()) {
        Ok(c) => c,
        Err(errors) => return refused(errors, form, choices),
    };
    let mut tx = state.db.write().await?;
    match record(&mut tx, &scope, id, &checked, state.clock.now()).await {
        Ok(_) => {}
        Err(DbError::Invalid(errors)) => return refused(errors, form, choices),
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=conversation", paths::person(scope.group_slug(), id))).into_response())
}

#[derive(Template)]
#[template(path = "conversations/show.html")]
struct ShowPage {
    slug: String,
    zone: Zone,
    c: Conversation,
    /// Whether the reader may put it right or delete it.
    may_change: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ConversationId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let c = conversations::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let may_change = conversations::may_change(&mut tx, &scope, &c, state.clock.now()).await?;
    drop(tx);
    let mut tx = state.db.write().await?;
    audit::record_reads(&mut tx, &scope, &[(c.person_id, c.group_id)], &format!("conversation {id}"), state.clock.now()).await?;
    tx.commit().await?;
    let title = format!("{} with {}", c.kind.label(), c.person_name());
    let mut page = Page::new(Layout::for_scope(&title, &scope, csrf), |layout| ShowPage {
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        c,
        may_change,
    });
    page.layout = page.layout.notice(&notice);
    render(page)
}
