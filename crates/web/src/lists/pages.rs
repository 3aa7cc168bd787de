//! The lists pages: every segment and static list with its count, the
//! segment builder, one list, and putting people on a static list.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::lists::{self, List};
use tredegar_db::people::{self, Order, Search};
use tredegar_db::{Scope, Tx};
use tredegar_domain::contact::required_line;
use tredegar_domain::segments::{ListKind, Node};
use tredegar_domain::{FieldErrors, ListId, PersonId, Problem};

use super::builder::{BuilderForm, KINDS, Kind, Names, Part, node, parts_of};
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, render, render_form};
use crate::{AppError, AppState};

/// How many people a list holds now.
async fn count(tx: &mut Tx, scope: &Scope, list: &List, now: chrono::DateTime<chrono::Utc>) -> Result<i64, AppError> {
    let search = lists::search(tx, scope, list, now).await?;
    Ok(people::list(tx, scope, &search, &Default::default(), Order::Name, tredegar_db::Page::new(1, 1)).await?.1)
}

#[derive(Template)]
#[template(path = "lists/index.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    lists: Vec<(List, i64)>,
    errors: FieldErrors,
}

async fn index_page(state: &AppState, scope: &Scope, csrf: CsrfToken, notice: &Notice, errors: FieldErrors) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let mut counted = Vec::new();
    for l in lists::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0 {
        let n = count(&mut tx, scope, &l, state.clock.now()).await?;
        counted.push((l, n));
    }
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Lists", scope, csrf).notice(notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        lists: counted,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    index_page(&state, &scope, csrf, &notice, FieldErrors::default()).await
}

#[derive(Deserialize)]
pub(super) struct NameForm {
    #[serde(default)]
    name: String,
}

fn list_name(name: &str) -> Result<String, Problem> {
    required_line("name", name, 200)
}

/// Start a static list.
pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<NameForm>,
) -> Result<Response, AppError> {
    let name = match list_name(&form.name) {
        Ok(n) => n,
        Err(p) => return index_page(&state, &scope, csrf, &Notice::default(), p.into()).await,
    };
    let mut tx = state.db.write().await?;
    let id = lists::create(&mut tx, &scope, &name, ListKind::Static, &Node::default(), state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=added", paths::list(scope.group_slug(), id))).into_response())
}

#[derive(Template)]
#[template(path = "lists/builder.html")]
struct BuilderPage {
    csrf: String,
    title: String,
    action: String,
    this: Option<ListId>,
    form: BuilderForm,
    parts: Vec<Part>,
    parts_json: String,
    count: Option<i64>,
    names: Names,
    kinds: &'static [Kind],
    errors: FieldErrors,
}

async fn builder_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    this: Option<ListId>,
    form: BuilderForm,
    parts: Vec<Part>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let names = Names::read(&mut tx, scope).await?;
    let definition = node(&parts, form.any());
    // The count of what is built so far; a broken nesting shows as an error instead.
    let resolved = match definition.check() {
        Ok(()) => lists::resolve(&mut tx, scope, &definition, state.clock.now()).await,
        Err(p) => Err(p.into()),
    };
    let (count, errors) = match resolved {
        Ok(resolved) => {
            let n =
                people::list(&mut tx, scope, &Search::Segment(resolved), &Default::default(), Order::Name, tredegar_db::Page::new(1, 1))
                    .await?
                    .1;
            (Some(n), errors)
        }
        Err(tredegar_db::DbError::Invalid(e)) => (None, e),
        Err(e) => return Err(e.into()),
    };
    let has_problems = !errors.is_empty();
    let (title, action) = match this {
        Some(id) => ("Edit the segment", paths::list_edit(scope.group_slug(), id)),
        None => ("New segment", paths::new_segment(scope.group_slug())),
    };
    let parts_json = serde_json::to_string(&parts).unwrap_or_default();
    let page = Page::new(Layout::for_scope(title, scope, csrf), |layout| BuilderPage {
        csrf: layout.csrf.clone(),
        title: layout.title.clone(),
        action,
        this,
        form,
        parts,
        parts_json,
        count,
        names,
        kinds: KINDS,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn new_segment(State(state): State<AppState>, Organiser(scope): Organiser, csrf: CsrfToken) -> Result<Response, AppError> {
    let form = BuilderForm { combine: "all".into(), ..Default::default() };
    builder_page(&state, &scope, csrf, None, form, Vec::new(), FieldErrors::default()).await
}

pub(super) async fn build_new(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<BuilderForm>,
) -> Result<Response, AppError> {
    build(&state, &scope, csrf, None, form).await
}

/// One post of the builder: change the rules, or save them.
async fn build(state: &AppState, scope: &Scope, csrf: CsrfToken, this: Option<ListId>, form: BuilderForm) -> Result<Response, AppError> {
    let before = form.parts().unwrap_or_default();
    let (parts, save) = match form.apply() {
        Ok(done) => done,
        Err(errors) => return builder_page(state, scope, csrf, this, form, before, errors).await,
    };
    if !save {
        let form = if form.action == "add" { form.after_adding() } else { form };
        return builder_page(state, scope, csrf, this, form, parts, FieldErrors::default()).await;
    }
    let name = match list_name(&form.name) {
        Ok(n) => n,
        Err(p) => return builder_page(state, scope, csrf, this, form, parts, p.into()).await,
    };
    let definition = node(&parts, form.any());
    let mut tx = state.db.write().await?;
    let saved = match this {
        Some(id) => lists::update(&mut tx, scope, id, &name, &definition, state.clock.now()).await.map(|()| id),
        None => lists::create(&mut tx, scope, &name, ListKind::Segment, &definition, state.clock.now()).await,
    };
    match saved {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}?notice=saved", paths::list(scope.group_slug(), id))).into_response())
        }
        Err(tredegar_db::DbError::Invalid(errors)) => builder_page(state, scope, csrf, this, form, parts, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn the_list(state: &AppState, scope: &Scope, id: ListId) -> Result<List, AppError> {
    let mut tx = state.db.read().await?;
    lists::get(&mut tx, scope, id).await?.ok_or_else(AppError::not_found)
}

pub(super) async fn edit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ListId)>,
) -> Result<Response, AppError> {
    let list = the_list(&state, &scope, id).await?;
    let Some((parts, any)) = parts_of(&list.node()).filter(|_| list.kind == ListKind::Segment) else {
        return Err(Problem::new(
            "definition",
            "this list cannot be edited here: it is a static list, or nests deeper than the builder shows",
        )
        .into());
    };
    let form = BuilderForm { name: list.name, combine: if any { "any" } else { "all" }.into(), ..Default::default() };
    builder_page(&state, &scope, csrf, Some(id), form, parts, FieldErrors::default()).await
}

pub(super) async fn build_existing(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ListId)>,
    Form(form): Form<BuilderForm>,
) -> Result<Response, AppError> {
    the_list(&state, &scope, id).await?;
    build(&state, &scope, csrf, Some(id), form).await
}

#[derive(Template)]
#[template(path = "lists/show.html")]
struct ShowPage {
    csrf: String,
    slug: String,
    list: List,
    rules: Vec<String>,
    any: bool,
    count: i64,
    /// A static list's first people, to take off it.
    members: Vec<people::PersonSummary>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ListId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let list = the_list(&state, &scope, id).await?;
    let mut tx = state.db.read().await?;
    let names = Names::read(&mut tx, &scope).await?;
    let search = lists::search(&mut tx, &scope, &list, state.clock.now()).await?;
    let (found, count) = people::list(&mut tx, &scope, &search, &Default::default(), Order::Name, tredegar_db::Page::new(1, 50)).await?;
    drop(tx);
    let members = if list.kind == ListKind::Static { found } else { Vec::new() };
    let read: Vec<_> = members.iter().map(|p| (p.id, p.group_id)).collect();
    state.record_reads(&scope, &read, &format!("on the page of the list “{}”", list.name)).await?;
    let (rules, any) = match parts_of(&list.node()) {
        Some((parts, any)) if list.kind == ListKind::Segment => (parts.iter().map(|p| names.describe(p)).collect(), any),
        _ => (Vec::new(), false),
    };
    render(Page::new(Layout::for_scope(&list.name, &scope, csrf).notice(&notice), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        list,
        rules,
        any,
        count,
        members,
    }))
}

#[derive(Template)]
#[template(path = "lists/delete.html")]
struct DeletePage {
    csrf: String,
    slug: String,
    list: List,
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, ListId)>,
) -> Result<Response, AppError> {
    let list = the_list(&state, &scope, id).await?;
    let title = format!("Delete {}?", list.name);
    render(Page::new(Layout::for_scope(&title, &scope, csrf), |layout| DeletePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        list,
    }))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, ListId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    lists::delete(&mut tx, &scope, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=deleted-list", paths::lists(scope.group_slug()))).into_response())
}

/// Who to put on which static list: a person, or everyone a search of the
/// people list finds (its words, tag or list).
#[derive(Deserialize)]
pub(super) struct AddForm {
    to: ListId,
    person: Option<PersonId>,
    #[serde(flatten)]
    search: crate::people::ListQuery,
}

/// The most people one post puts on a list.
const MOST_ADDED: i64 = 10_000;

pub(super) async fn add_people(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Form(form): Form<AddForm>,
) -> Result<Response, AppError> {
    let id = form.to;
    let ids: Vec<PersonId> = match form.person {
        Some(p) => vec![p],
        None => {
            let search = form.search.search(&state, &scope).await?;
            let mut tx = state.db.read().await?;
            let page = tredegar_db::Page { page: 1, per_page: MOST_ADDED };
            people::list(&mut tx, &scope, &search, &Default::default(), Order::Name, page).await?.0.into_iter().map(|p| p.id).collect()
        }
    };
    let mut tx = state.db.write().await?;
    lists::add_people(&mut tx, &scope, id, &ids, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::list(scope.group_slug(), id))).into_response())
}

pub(super) async fn remove_person(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, person)): Path<(String, ListId, PersonId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    lists::remove_person(&mut tx, &scope, id, person).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::list(scope.group_slug(), id))).into_response())
}
