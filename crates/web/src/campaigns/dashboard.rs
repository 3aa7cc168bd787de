//! A campaign's dashboard, from the real data and made to print on one A4
//! page: supporters by assessment level and how that moved, its structure
//! tests against their targets, petitions and signatures, event turnout,
//! conversations on its themes, and the next actions on its escalation
//! plan. The plan itself is kept here: adding a step, marking it done.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::campaigns::{self, Campaign, PetitionCount};
use tredegar_db::power_maps::{self, CarriedBy, StepRow};
use tredegar_db::{attendances, events, petitions};
use tredegar_domain::power_maps::{StepInput, StepKind};
use tredegar_domain::{CampaignId, FieldErrors, Problem, StepId};

use super::goals::{self, Standing};
use super::pages::{ShowQuery, the_campaign};
use crate::assessments::{LevelChart, level_chart};
use crate::auth::{CsrfToken, Organiser};
use crate::charts;
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, Zone, render};
use crate::{AppError, AppState, paths};

/// An event's turnout: going, and came.
pub(super) struct Turnout {
    title: String,
    when: String,
    going: i64,
    came: i64,
    /// It has started: who came is known.
    happened: bool,
}

#[derive(Template)]
#[template(path = "campaigns/dashboard.html")]
struct DashboardPage {
    csrf: String,
    slug: String,
    campaign: Campaign,
    levels: LevelChart,
    goals: Vec<Standing>,
    petitions: Vec<PetitionCount>,
    petitions_svg: String,
    turnout: Vec<Turnout>,
    turnout_svg: String,
    conversations: i64,
    days: i64,
    steps: Vec<StepRow>,
    kinds: &'static [StepKind],
    carriers: Vec<(String, String)>,
    zone: Zone,
    today: chrono::NaiveDate,
}

impl DashboardPage {
    /// The steps still to do, soonest first.
    fn next(&self) -> impl Iterator<Item = &StepRow> {
        self.steps.iter().filter(|s| s.done_on.is_none()).take(3)
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CampaignId)>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let campaign = the_campaign(&state, &scope, id).await?;
    let now = state.clock.now();
    let zone = Zone::of(&scope);
    let today = zone.today(&now);
    let days = q.days.unwrap_or(90).clamp(7, 730);
    let mut tx = state.db.read().await?;
    let levels = level_chart(&mut tx, &scope, id, days, now).await?;
    let goals = goals::standings(&mut tx, &scope, id, today).await?;
    let petitions = campaigns::petitions(&mut tx, &scope, id).await?;
    let held = campaigns::events(&mut tx, &scope, id).await?;
    let counts = attendances::counts_of(&mut tx, &held.iter().map(|e| e.0).collect::<Vec<_>>()).await?;
    let conversations = campaigns::conversations_on_themes(&mut tx, &scope, id, now - chrono::Duration::days(days)).await?;
    let steps = power_maps::steps(&mut tx, &scope, id).await?;
    let mut carriers: Vec<(String, String)> = petitions::list(&mut tx, &scope, tredegar_db::Page::everything())
        .await?
        .0
        .into_iter()
        .map(|p| (format!("petition:{}", p.id), format!("Petition: {}", p.title)))
        .collect();
    carriers.extend(
        events::list(&mut tx, &scope, now, tredegar_db::Page::everything())
            .await?
            .0
            .into_iter()
            .map(|e| (format!("event:{}", e.id), format!("Event: {}", e.title))),
    );
    drop(tx);
    let turnout: Vec<Turnout> = held
        .into_iter()
        .map(|(eid, title, starts)| {
            let c = counts.get(&eid);
            let happened = starts <= now;
            Turnout { title, when: zone.when(&starts), going: c.map_or(0, |c| c.going), came: c.map_or(0, |c| c.came), happened }
        })
        .collect();
    let petitions_svg =
        charts::bars("Signatures by petition", &petitions.iter().map(|p| (p.title.clone(), p.signatures)).collect::<Vec<_>>());
    // Only events that have started: who came to the others is not known yet.
    let happened: Vec<(String, Vec<i64>)> =
        turnout.iter().filter(|t| t.happened).map(|t| (t.title.clone(), vec![t.came, (t.going - t.came).max(0)])).collect();
    let turnout_svg = if happened.is_empty() {
        String::new()
    } else {
        charts::stacked_columns("Event turnout", &["Came".to_string(), "Said they would come but did not".to_string()], &happened)
    };
    let notice = Notice { notice: q.notice };
    let title = format!("Dashboard: {}", campaign.title);
    render(Page::new(Layout::for_scope(&title, &scope, csrf).notice(&notice), |layout| DashboardPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        campaign,
        levels,
        goals,
        petitions,
        petitions_svg,
        turnout,
        turnout_svg,
        conversations,
        days,
        steps,
        kinds: StepKind::ALL,
        carriers,
        zone,
        today,
    }))
}

fn carried_by(s: &str) -> Result<Option<CarriedBy>, Problem> {
    let bad = || Problem::new("carried_by", "is not one of the group's petitions or events");
    match s.trim().split_once(':') {
        None if s.trim().is_empty() => Ok(None),
        Some(("petition", id)) => id.parse().map(|id| Some(CarriedBy::Petition(id))).map_err(|_| bad()),
        Some(("event", id)) => id.parse().map(|id| Some(CarriedBy::Event(id))).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

fn back(slug: &str, id: CampaignId) -> Response {
    Redirect::to(&format!("{}?notice=saved#plan", paths::campaign_dashboard(slug, id))).into_response()
}

pub(super) async fn add_step(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, CampaignId)>,
    Form(form): Form<StepInput>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let by = errors.check(carried_by(&form.carried_by)).flatten();
    let step = errors.and(form.check())?;
    let mut tx = state.db.write().await?;
    power_maps::add_step(&mut tx, &scope, id, &step, by, state.clock.now()).await?;
    tx.commit().await?;
    Ok(back(scope.group_slug(), id))
}

#[derive(Deserialize)]
pub(super) struct DoneForm {
    #[serde(default)]
    done_on: String,
}

/// Mark a step done on a day, or (with no day) not done after all.
pub(super) async fn done(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, step)): Path<(String, CampaignId, StepId)>,
    Form(form): Form<DoneForm>,
) -> Result<Response, AppError> {
    let on = match form.done_on.trim() {
        "" => None,
        d => Some(tredegar_domain::conversations::parse_date("done_on", d)?),
    };
    let mut tx = state.db.write().await?;
    power_maps::done(&mut tx, &scope, id, step, on).await?;
    tx.commit().await?;
    Ok(back(scope.group_slug(), id))
}

pub(super) async fn delete_step(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, step)): Path<(String, CampaignId, StepId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    if !power_maps::delete_step(&mut tx, &scope, id, step).await? {
        return Err(AppError::not_found());
    }
    tx.commit().await?;
    Ok(back(scope.group_slug(), id))
}
