//! Merging two people who are one: both histories are kept on the person who stays.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tredegar_db::audit;
use tredegar_db::people::{self, Order, Person, PersonSummary, Search};
use tredegar_domain::AuditAction;
use tredegar_domain::PersonId;
use tredegar_domain::people::HistoryKind;

use super::pages::{ListQuery, back_to_person, own_person};
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Path, Query};
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "people/merge.html")]
struct MergePage {
    csrf: String,
    slug: String,
    keep: Person,
    keep_name: String,
    q: String,
    candidates: Vec<PersonSummary>,
    other: Option<(Person, String)>,
}

pub async fn merge_search(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let keep = own_person(&state, &scope, id).await?;
    let mut tx = state.db.read().await?;
    let candidates = if q.q.trim().is_empty() {
        Vec::new()
    } else {
        let found =
            people::list(&mut tx, &scope, &Search::parse(&q.q), &Default::default(), Order::Name, tredegar_db::Page::new(1, 20)).await?.0;
        found.into_iter().filter(|p| p.id != id && p.group_id == scope.group_id()).collect()
    };
    render(Page::new(Layout::for_scope("Merge with another person", &scope, csrf), |layout| MergePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        keep_name: keep.display_name(),
        keep,
        q: q.q,
        candidates,
        other: None,
    }))
}

pub async fn confirm_merge(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id, other)): Path<(String, PersonId, PersonId)>,
) -> Result<Response, AppError> {
    let keep = own_person(&state, &scope, id).await?;
    let other = own_person(&state, &scope, other).await?;
    let other_name = other.display_name();
    render(Page::new(Layout::for_scope("Merge with another person", &scope, csrf), |layout| MergePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        keep_name: keep.display_name(),
        keep,
        q: String::new(),
        candidates: Vec::new(),
        other: Some((other, other_name)),
    }))
}

pub async fn merge(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, other)): Path<(String, PersonId, PersonId)>,
) -> Result<Response, AppError> {
    let keep = own_person(&state, &scope, id).await?;
    let other = own_person(&state, &scope, other).await?;
    if keep.id == other.id {
        return Err(tredegar_domain::Problem::new("other", "choose a different person to merge with").into());
    }
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    people::merge(&mut tx, &scope, &keep, &other, now).await?;
    let summary = format!("Merged with {} ({}); their history is included", other.display_name(), other.id);
    people::add_event(&mut tx, &scope, keep.id, HistoryKind::Merged, &summary, now).await?;
    audit::record_about(&mut tx, &scope, AuditAction::Merge, keep.id, &format!("person {} merged into them", other.id), now).await?;
    tx.commit().await?;
    Ok(back_to_person(&scope, id, "merged"))
}
