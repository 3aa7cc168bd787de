//! A campaign's power map: the grid of influence against stance drawn on
//! the server, the actors with a form each to move them, who influences
//! whom, and the map replayed as it stood on any day. All of it works
//! without script: every change is a form.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::power_maps::{self, ActorRow, Influence, Placed};
use tredegar_db::{landlords, people, representatives};
use tredegar_domain::power_maps::{ActorInput, PlacingInput};
use tredegar_domain::{ActorId, CampaignId, Email, Problem};

use super::pages::the_campaign;
use crate::auth::{CsrfToken, Organiser};
use crate::charts::{self, MapActor};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Page, Zone, render};
use crate::{AppError, AppState, paths};

#[derive(Template)]
#[template(path = "campaigns/power.html")]
struct PowerPage {
    csrf: String,
    slug: String,
    campaign: tredegar_db::campaigns::Campaign,
    svg: String,
    /// The day replayed, if not today.
    on: Option<chrono::NaiveDate>,
    actors: Vec<ActorRow>,
    links: Vec<(String, String, String)>,
    history: Vec<Placed>,
    who: Vec<(String, String)>,
}

#[derive(Default, Deserialize)]
pub(super) struct PowerQuery {
    on: Option<String>,
    notice: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CampaignId)>,
    Query(q): Query<PowerQuery>,
) -> Result<Response, AppError> {
    let campaign = the_campaign(&state, &scope, id).await?;
    let zone = Zone::of(&scope);
    let on = match q.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(tredegar_domain::conversations::parse_date("on", s)?),
        None => None,
    };
    let mut tx = state.db.read().await?;
    let actors = match on {
        // The end of that day, in the group's time zone.
        Some(day) => power_maps::actors_on(&mut tx, &scope, id, zone.start_of(&(day + chrono::Days::new(1)))).await?,
        None => power_maps::actors(&mut tx, &scope, id).await?,
    };
    let influences = power_maps::links(&mut tx, &scope, id).await?;
    let history = power_maps::history(&mut tx, &scope, id).await?;
    let mut who = Vec::new();
    for r in representatives::list(&mut tx, &scope, tredegar_db::Page::everything()).await?.0 {
        who.push((format!("representative:{}", r.id), format!("Representative: {}", r.name)));
    }
    for o in landlords::list(&mut tx, &scope, tredegar_db::Page::everything()).await?.0 {
        who.push((format!("organisation:{}", o.id), format!("Organisation: {}", o.name)));
    }
    drop(tx);
    let at = |a: &ActorId| actors.iter().position(|x| x.id == *a);
    let drawn: Vec<(usize, usize)> = influences.iter().filter_map(|l| Some((at(&l.from_actor_id)?, at(&l.to_actor_id)?))).collect();
    let name = |a: &ActorId| actors.iter().find(|x| x.id == *a).map(|x| x.name.clone());
    let links = influences
        .iter()
        .filter_map(|Influence { from_actor_id, to_actor_id, note }| Some((name(from_actor_id)?, name(to_actor_id)?, note.clone())))
        .collect();
    let shown: Vec<MapActor> =
        actors.iter().map(|a| MapActor { name: a.name.clone(), influence: a.influence, stance: a.stance, target: a.is_target }).collect();
    let svg = charts::power_map(&format!("Power map: {}", campaign.title), &shown, &drawn);
    let title = format!("Power map: {}", campaign.title);
    let notice = crate::ui::Notice { notice: q.notice };
    render(Page::new(Layout::for_scope(&title, &scope, csrf).notice(&notice), |layout| PowerPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        campaign,
        svg,
        on,
        actors,
        links,
        history,
        who,
    }))
}

fn back(slug: &str, id: CampaignId) -> Response {
    Redirect::to(&format!("{}?notice=saved", paths::campaign_power(slug, id))).into_response()
}

/// The actor form: an actor as the domain reads it, or someone in the group by email.
#[derive(Default, Deserialize)]
pub(super) struct AddForm {
    #[serde(flatten)]
    actor: ActorInput,
    #[serde(default)]
    person_email: String,
}

pub(super) async fn add(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, CampaignId)>,
    Form(mut form): Form<AddForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    if !form.person_email.trim().is_empty() {
        let email = Email::parse("person_email", &form.person_email)?;
        let person = people::find_match(&mut tx, &scope, Some(&email), None).await?;
        let person = person.ok_or_else(|| Problem::new("person_email", "is not the address of anyone in the group"))?;
        form.actor.who = format!("person:{person}");
    }
    let actor = form.actor.check()?;
    power_maps::add(&mut tx, &scope, id, &actor, state.clock.now()).await?;
    tx.commit().await?;
    Ok(back(scope.group_slug(), id))
}

pub(super) async fn place(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, actor)): Path<(String, CampaignId, ActorId)>,
    Form(form): Form<PlacingInput>,
) -> Result<Response, AppError> {
    let placing = form.check()?;
    let mut tx = state.db.write().await?;
    power_maps::place(&mut tx, &scope, id, actor, &placing, state.clock.now()).await?;
    tx.commit().await?;
    Ok(back(scope.group_slug(), id))
}

pub(super) async fn remove(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, actor)): Path<(String, CampaignId, ActorId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    power_maps::remove(&mut tx, &scope, id, actor, state.clock.now()).await?;
    tx.commit().await?;
    Ok(back(scope.group_slug(), id))
}

#[derive(Deserialize)]
pub(super) struct LinkForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn link(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, CampaignId)>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let actor = |field: &str, s: &str| s.trim().parse::<ActorId>().map_err(|_| Problem::new(field, "choose someone on the map"));
    let (from, to) = (actor("from", &form.from)?, actor("to", &form.to)?);
    if from == to {
        return Err(Problem::new("to", "must be someone else").into());
    }
    let note = tredegar_domain::contact::optional_text("note", &form.note, 500)?.unwrap_or_default();
    let mut tx = state.db.write().await?;
    power_maps::link(&mut tx, &scope, id, from, to, &note, state.clock.now()).await?;
    tx.commit().await?;
    Ok(back(scope.group_slug(), id))
}
