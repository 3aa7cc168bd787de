//! The caller's screen: the next person on their part of an open call list,
//! with only what the call needs (a name, a number, the script), and one
//! form for the outcome, the conversation and the assessment.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::calls::{self, CallList, Progress, ToCall};
use tredegar_db::{DbError, Scope, audit};
use tredegar_domain::calls::Outcome;
use tredegar_domain::{CallListId, ConversationKind, FieldErrors, PersonId, Problem};

use crate::auth::{CsrfToken, Member};
use crate::conversations::form::{Choices, ConversationForm, record as record_conversation};
use crate::extract::Path;
use crate::paths;
use crate::ui::{Layout, Page, Zone, render_form};
use crate::{AppError, AppState};

/// The outcome part of the screen's form.
#[derive(Default, Deserialize)]
struct OutcomeForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    call_back_at: String,
}

#[derive(Template)]
#[template(path = "calls/screen.html")]
struct Screen {
    csrf: String,
    slug: String,
    list: CallList,
    mine: Progress,
    person: Option<ToCall>,
    /// With nobody to call now, when the first call back falls due.
    call_back_at: Option<String>,
    outcome: OutcomeForm,
    form: ConversationForm,
    choices: Option<Choices>,
    errors: FieldErrors,
}

impl Screen {
    fn outcomes(&self) -> &'static [Outcome] {
        Outcome::ALL
    }
}

async fn screen(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    id: CallListId,
    retry: Option<(ToCall, OutcomeForm, ConversationForm, FieldErrors)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.read().await?;
    let list = calls::get(&mut tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    let mine = calls::my_progress(&mut tx, scope, id).await?;
    let (person, outcome, form, errors) = match retry {
        Some((p, o, f, e)) => (Some(p), o, f, e),
        None => {
            let next = calls::next(&mut tx, scope, id, now).await?;
            let form = ConversationForm::blank(scope, Zone::of(scope), now, ConversationKind::PhoneCall);
            (next, OutcomeForm::default(), form, FieldErrors::default())
        }
    };
    let (choices, call_back_at) = match &person {
        Some(p) => (Some(Choices::read(&mut tx, scope, Some(p.person_id)).await?), None),
        None => (None, calls::next_call_back(&mut tx, scope, id).await?.map(|at| Zone::of(scope).when(&at))),
    };
    drop(tx);
    if let Some(p) = &person {
        let mut tx = state.db.write().await?;
        audit::record_reads(&mut tx, scope, &[(p.person_id, p.group_id)], &format!("call list {}", list.name), now).await?;
        tx.commit().await?;
    }
    let has_problems = !errors.is_empty();
    let title = list.name.clone();
    let page = Page::new(Layout::for_scope(&title, scope, csrf), |layout| Screen {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        list,
        mine,
        person,
        call_back_at,
        outcome,
        form,
        choices,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn next(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CallListId)>,
) -> Result<Response, AppError> {
    screen(&state, &scope, csrf, id, None).await
}

/// Record the call: its outcome always; when they spoke, the conversation
/// and assessment too. All of it, or none of it.
pub(super) async fn record(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id, person)): Path<(String, CallListId, PersonId)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let read = |e: serde_html_form::de::Error| AppError::Invalid(Problem::new("form", e.to_string()).into());
    let outcome_form: OutcomeForm = serde_html_form::from_bytes(&body).map_err(read)?;
    let form: ConversationForm = serde_html_form::from_bytes(&body).map_err(read)?;
    let now = state.clock.now();
    let zone = Zone::of(&scope);
    let mut errors = FieldErrors::default();
    let outcome = errors.check(Outcome::parse("outcome", &outcome_form.outcome));
    let call_back_at =
        if outcome == Some(Outcome::CallBack) { errors.check(zone.parse_input("call_back_at", &outcome_form.call_back_at)) } else { None };
    let conversation = if outcome == Some(Outcome::Spoke) {
        match form.check(zone, now) {
            Ok(c) => Some(c),
            Err(e) => {
                e.0.into_iter().for_each(|p| errors.push(p));
                None
            }
        }
    } else {
        None
    };
    let mut tx = state.db.read().await?;
    let this = calls::next_or_called(&mut tx, &scope, id, person).await?.ok_or_else(AppError::not_found)?;
    drop(tx);
    let Some(outcome) = outcome.filter(|_| errors.is_empty()) else {
        return screen(&state, &scope, csrf, id, Some((this, outcome_form, form, errors))).await;
    };
    let mut tx = state.db.write().await?;
    let done = async {
        calls::record(&mut tx, &scope, id, person, outcome, call_back_at, now).await?;
        if let Some(c) = &conversation {
            record_conversation(&mut tx, &scope, person, c, now).await?;
        }
        Ok::<(), DbError>(())
    }
    .await;
    match done {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&paths::call_next(scope.group_slug(), id)).into_response())
        }
        Err(DbError::Invalid(errors)) => {
            drop(tx);
            screen(&state, &scope, csrf, id, Some((this, outcome_form, form, errors))).await
        }
        Err(e) => Err(e.into()),
    }
}
