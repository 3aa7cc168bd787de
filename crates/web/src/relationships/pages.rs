//! Finding someone to link a person to, making and removing links, the
//! network drawing, and the paths from people we know.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::people::{self, Order, PersonSummary, Search};
use tredegar_db::relationships::{self, Network};
use tredegar_db::{Scope, Tx};
use tredegar_domain::contact::required_line;
use tredegar_domain::relationships::{Strength, kind_label, kind_phrase};
use tredegar_domain::{PersonId, RelationshipId};

use crate::auth::{Admin, CsrfToken, Member};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState};

/// The network around a person as an SVG: them, the people linked to them,
/// and the people linked to those.
pub async fn network_svg(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<(Network, String), AppError> {
    let net = relationships::network(tx, scope, person, 2).await?;
    if net.links.is_empty() {
        return Ok((net, String::new()));
    }
    let people: Vec<(String, usize)> = net.people.iter().map(|p| (p.name.clone(), p.step)).collect();
    let index = |id: PersonId| net.people.iter().position(|p| p.id == id);
    let links: Vec<(usize, usize, String)> =
        net.links.iter().filter_map(|l| Some((index(l.person_id)?, index(l.other_id)?, kind_label(&l.kind).to_string()))).collect();
    let svg = crate::charts::network(&format!("The people around {}", net.name(person)), &people, &links);
    Ok((net, svg))
}

async fn person_name(state: &AppState, scope: &Scope, id: PersonId) -> Result<String, AppError> {
    let mut tx = state.db.read().await?;
    Ok(people::to_act_on(&mut tx, scope, id, state.clock.now()).await?.ok_or_else(AppError::not_found)?.display_name())
}

#[derive(Default, Deserialize)]
pub(super) struct FindQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "relationships/find.html")]
struct FindPage {
    csrf: String,
    slug: String,
    id: PersonId,
    name: String,
    q: String,
    found: Vec<PersonSummary>,
    kinds: Vec<(String, String)>,
}

/// Search for the person to link to; each one found has its own small form.
pub(super) async fn find(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
    Query(q): Query<FindQuery>,
) -> Result<Response, AppError> {
    let name = person_name(&state, &scope, id).await?;
    let mut tx = state.db.read().await?;
    let found = if q.q.trim().is_empty() {
        Vec::new()
    } else {
        let page = tredegar_db::Page::new(1, 20);
        people::list(&mut tx, &scope, &Search::parse(&q.q), &Default::default(), Order::Name, page)
            .await?
            .0
            .into_iter()
            .filter(|p| p.id != id)
            .collect()
    };
    let kinds = relationships::kinds(&mut tx, &scope).await?.into_iter().map(|k| (k.clone(), kind_phrase(&k))).collect();
    drop(tx);
    // Names and postcodes, as the people page shows: audited as it is.
    let read: Vec<_> = found.iter().map(|p: &PersonSummary| (p.id, p.group_id)).collect();
    state.record_reads(&scope, &read, "found to link to a relationship").await?;
    render(Page::new(Layout::for_scope("Add a relationship", &scope, csrf), |layout| FindPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        id,
        name,
        q: q.q,
        found,
        kinds,
    }))
}

#[derive(Deserialize)]
pub(super) struct LinkForm {
    other: PersonId,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    strength: String,
}

pub(super) async fn link(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, PersonId)>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let strength = Strength::parse("strength", &form.strength)?;
    let mut tx = state.db.write().await?;
    relationships::link(&mut tx, &scope, id, form.other, form.kind.trim(), strength, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::person(scope.group_slug(), id))).into_response())
}

pub(super) async fn unlink(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, RelationshipId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let person = relationships::unlink(&mut tx, &scope, id, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::person(scope.group_slug(), person))).into_response())
}

#[derive(Template)]
#[template(path = "relationships/who_knows.html")]
struct WhoKnowsPage {
    slug: String,
    name: String,
    paths: Vec<Vec<(PersonId, String)>>,
}

pub(super) async fn who_knows(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
) -> Result<Response, AppError> {
    let name = person_name(&state, &scope, id).await?;
    let mut tx = state.db.read().await?;
    let found = relationships::who_knows(&mut tx, &scope, id).await?;
    drop(tx);
    state.record_reads(&scope, &found.read, "on a path on the “who knows” page").await?;
    let title = format!("Who we know who knows {name}");
    render(Page::new(Layout::for_scope(&title, &scope, csrf), |_| WhoKnowsPage {
        slug: scope.group_slug().into(),
        name,
        paths: found.paths,
    }))
}

#[derive(Deserialize)]
pub(super) struct KindForm {
    #[serde(default)]
    kind: String,
}

pub(super) async fn add_kind(State(state): State<AppState>, Admin(scope): Admin, Form(form): Form<KindForm>) -> Result<Response, AppError> {
    let name = required_line("kind", &form.kind, 60)?;
    let mut tx = state.db.write().await?;
    relationships::add_kind(&mut tx, &scope, &name).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::settings(scope.group_slug()))).into_response())
}
