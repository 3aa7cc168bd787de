//! What a campaign asks of representatives: invite them to an action, or
//! write to them, by email to their official address; then record whether
//! and how they replied. Whether they came is read from the event's
//! check-in.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tredegar_db::events;
use tredegar_db::representatives::asks::{self, AskRow};
use tredegar_db::representatives::{self, RepresentativeRow};
use tredegar_domain::ids::chosen_id;
use tredegar_domain::representatives::asks::{AskInput, AskKind, ReplyInput};
use tredegar_domain::{AskId, CampaignId, EventId, FieldErrors, Problem, RepresentativeId};

use super::pages::the_campaign;
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, Zone, render};
use crate::{AppError, AppState, paths};

#[derive(Template)]
#[template(path = "campaigns/asks.html")]
struct AsksPage {
    csrf: String,
    slug: String,
    campaign: tredegar_db::campaigns::Campaign,
    asks: Vec<AskRow>,
    representatives: Vec<RepresentativeRow>,
    events: Vec<(EventId, String)>,
    kinds: &'static [AskKind],
    today: chrono::NaiveDate,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CampaignId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let campaign = the_campaign(&state, &scope, id).await?;
    let now = state.clock.now();
    let mut tx = state.db.read().await?;
    let asks = asks::of_campaign(&mut tx, &scope, id).await?;
    let representatives = representatives::list(&mut tx, &scope, tredegar_db::Page::everything()).await?.0;
    let events =
        events::list(&mut tx, &scope, now, tredegar_db::Page::everything()).await?.0.into_iter().map(|e| (e.id, e.title)).collect();
    drop(tx);
    let title = format!("Asks: {}", campaign.title);
    render(Page::new(Layout::for_scope(&title, &scope, csrf).notice(&notice), |layout| AsksPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        campaign,
        asks,
        representatives,
        events,
        kinds: AskKind::ALL,
        today: Zone::of(&scope).today(&now),
    }))
}

pub(super) async fn add(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, CampaignId)>,
    Form(form): Form<AskInput>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let to: Vec<RepresentativeId> = form
        .representatives
        .iter()
        .filter_map(|r| errors.check(r.parse().map_err(|_| Problem::new("representatives", "is not one of the group's representatives"))))
        .collect();
    let event: Option<EventId> = errors.check(chosen_id("event", &form.event, "is not one of the group's events")).flatten();
    let ask = errors.and(form.check())?;
    // An event belongs to an invitation only.
    let event = event.filter(|_| ask.kind == AskKind::Invitation);
    let campaign = the_campaign(&state, &scope, id).await?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    for (ask_id, rep) in asks::add(&mut tx, &scope, id, &to, event, &ask, now).await? {
        let text = match ask.kind {
            AskKind::Pledge => {
                crate::representatives::pledge_email(&state, scope.group_name(), &campaign.title, &rep.name, &ask.body, ask_id).await?
            }
            AskKind::Invitation | AskKind::Letter => ask.body.clone(),
        };
        asks::email(&mut tx, &scope, ask.kind, &rep.email, &ask.subject, &text, now).await?;
    }
    tx.commit().await?;
    let notice = if ask.send { "asked-emailed" } else { "saved" };
    Ok(Redirect::to(&format!("{}?notice={notice}", paths::campaign_asks(scope.group_slug(), id))).into_response())
}

pub(super) async fn reply(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, ask)): Path<(String, CampaignId, AskId)>,
    Form(form): Form<ReplyInput>,
) -> Result<Response, AppError> {
    let today = Zone::of(&scope).today(&state.clock.now());
    let reply = form.check(today)?;
    let mut tx = state.db.write().await?;
    asks::reply(&mut tx, &scope, id, ask, &reply, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::campaign_asks(scope.group_slug(), id))).into_response())
}
