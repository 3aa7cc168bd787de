//! Making call lists and following their progress.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::calls::{self, CallList, Called, Progress};
use tredegar_db::lists::{self, List};
use tredegar_db::{Scope, people, users};
use tredegar_domain::contact::{optional_text, required_line};
use tredegar_domain::people::HistoryKind;
use tredegar_domain::segments::{Node, Rule};
use tredegar_domain::{CallListId, FieldErrors, ListId, PersonId, Problem, UserId};

use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, PageQuery, Pager, StatusForm, Zone, render, render_form};
use crate::{AppError, AppState};

#[derive(Default, Deserialize)]
pub(super) struct NewCallList {
    #[serde(default)]
    name: String,
    #[serde(default)]
    script: String,
    #[serde(default)]
    list: String,
    #[serde(default)]
    callers: Vec<String>,
}

#[derive(Template)]
#[template(path = "calls/index.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    organiser: bool,
    call_lists: Vec<(CallList, Progress)>,
    lists: Vec<List>,
    members: Vec<users::Member>,
    form: NewCallList,
    errors: FieldErrors,
    /// Which page of call lists, newest first, and how many there are.
    pager: Pager,
}

/// Call lists shown a page.
const PER_PAGE: i64 = 50;

impl IndexPage {
    fn caller_chosen(&self, user: &UserId) -> bool {
        self.form.callers.iter().any(|c| *c == user.to_string())
    }
}

async fn index_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    notice: &Notice,
    form: NewCallList,
    errors: FieldErrors,
    shown: tredegar_db::Page,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let organiser = scope.role().sees_everyone();
    let mut call_lists = Vec::new();
    let (list, total) = calls::list(&mut tx, scope, false, shown).await?;
    for c in list {
        let p = if organiser { calls::progress(&mut tx, scope, c.id).await?.0 } else { calls::my_progress(&mut tx, scope, c.id).await? };
        call_lists.push((c, p));
    }
    let (lists, members) = if organiser {
        (lists::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0, users::members(&mut tx, scope).await?)
    } else {
        (Vec::new(), Vec::new())
    };
    let has_problems = !errors.is_empty();
    let pager = Pager::new(paths::call_lists(scope.group_slug()), shown, total);
    let page = Page::new(Layout::for_scope("Call lists", scope, csrf).notice(notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        organiser,
        call_lists,
        lists,
        members,
        form,
        errors,
        pager,
    });
    render_form(page, has_problems)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let shown = q.page(PER_PAGE);
    index_page(&state, &scope, csrf, &q.notice(), NewCallList::default(), FieldErrors::default(), shown).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<NewCallList>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check(required_line("name", &form.name, 200));
    let script = errors.check(optional_text("script", &form.script, 10_000)).flatten().unwrap_or_default();
    let list = errors.check(form.list.trim().parse::<ListId>().map_err(|_| Problem::new("list", "choose the list or segment to call")));
    let callers: Vec<UserId> = form.callers.iter().filter_map(|c| c.parse().ok()).collect();
    if callers.is_empty() {
        errors.push(Problem::new("callers", "choose at least one caller"));
    }
    let (Some(name), Some(list)) = (name.filter(|_| errors.is_empty()), list) else {
        return index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await;
    };
    let mut tx = state.db.write().await?;
    if lists::get(&mut tx, &scope, list).await?.is_none() {
        drop(tx);
        let errors = Problem::new("list", "is not one of the group's lists").into();
        return index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await;
    }
    let people = Node::Rule(Rule::OnList { list });
    let made = calls::create(&mut tx, &scope, &name, &script, people, &callers, state.clock.now()).await;
    match made {
        Ok((id, _)) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}?notice=added", paths::call_list(scope.group_slug(), id))).into_response())
        }
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "calls/show.html")]
struct ShowPage {
    csrf: String,
    slug: String,
    zone: Zone,
    list: CallList,
    whole: Progress,
    callers: Vec<Progress>,
    /// A page of who is on it, and how each call went.
    people: Vec<Called>,
    pager: Pager,
}

/// People shown a page on a call list's own page.
const PEOPLE_SHOWN: i64 = 100;

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CallListId)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let shown = q.page(PEOPLE_SHOWN);
    let mut tx = state.db.read().await?;
    let list = calls::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let (whole, callers) = calls::progress(&mut tx, &scope, id).await?;
    let (people, total) = calls::people_on(&mut tx, &scope, id, shown).await?;
    drop(tx);
    let read: Vec<_> = people.iter().map(|p| (p.person_id, p.group_id)).collect();
    state.record_reads(&scope, &read, &format!("on the call list “{}”", list.name)).await?;
    let pager = Pager::new(paths::call_list(scope.group_slug(), id), shown, total).at("#on-the-list");
    render(Page::new(Layout::for_scope(&list.name, &scope, csrf).notice(&q.notice()), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        list,
        whole,
        callers,
        people,
        pager,
    }))
}

pub(super) async fn set_status(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, CallListId)>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    let status = form.status()?;
    let mut tx = state.db.write().await?;
    calls::set_status(&mut tx, &scope, id, status).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::call_list(scope.group_slug(), id))).into_response())
}

#[derive(Deserialize)]
pub(super) struct CallsForm {
    /// "stop" (they asked not to be called) or "allow".
    #[serde(default)]
    calls: String,
}

/// From a person's page, an organiser records that they asked not to be
/// called, or that they may be called again (a mis-tap on a call screen is
/// undone here); either goes on their timeline.
pub(super) async fn person_calls(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, PersonId)>,
    Form(f): Form<CallsForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    if !people::sees(&mut tx, &scope, id).await? {
        return Err(AppError::not_found());
    }
    let asked = calls::do_not_call_of(&mut tx, &scope, id).await?.is_some();
    let summary = match (f.calls.as_str(), asked) {
        ("stop", false) => {
            calls::do_not_call(&mut tx, &scope, &[id], now).await?;
            Some("Asked not to be called")
        }
        ("allow", true) => {
            calls::allow_calls(&mut tx, &scope, id).await?;
            Some("May be called again")
        }
        ("stop" | "allow", _) => None,
        _ => return Err(Problem::new("calls", "choose whether they may be called").into()),
    };
    if let Some(summary) = summary {
        people::add_event(&mut tx, &scope, id, HistoryKind::Edited, summary, now).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::person(scope.group_slug(), id))).into_response())
}
