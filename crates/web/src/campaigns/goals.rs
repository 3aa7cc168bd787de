//! A campaign's goals: structure tests it aims to pass. The campaign page
//! shows how each stands today; organisers set one on a place, or drop it.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::goals::{self, GoalRow};
use tredegar_db::structure::{self, Figures, Place};
use tredegar_db::{Scope, Tx, places};
use tredegar_domain::campaigns::{Goal, GoalPlace};
use tredegar_domain::{CampaignId, GoalId};

use super::pages::{ShowQuery, show_page, the_campaign};
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path};
use crate::{AppError, AppState, paths};

/// A goal and how its place stands against it today.
pub(super) struct Standing {
    pub goal: GoalRow,
    pub figures: Figures,
}

impl Standing {
    pub fn met(&self) -> bool {
        self.figures.meets(self.goal.target_percent)
    }

    /// The supporters still needed to reach the target.
    pub fn short_by(&self) -> i64 {
        let needed = (self.goal.target_percent * self.figures.units + 99) / 100;
        (needed - self.figures.supporters).max(0)
    }

    /// The link to the place's structure test, for this campaign.
    pub fn href(&self, slug: &str) -> String {
        let place = match self.goal.place() {
            Some(Place::Area(a)) => paths::area(slug, a),
            Some(Place::Building(b)) => paths::building(slug, b),
            None => paths::places(slug),
        };
        format!("{place}?campaign={}", self.goal.campaign_id)
    }
}

/// The goal form, as typed.
#[derive(Default, Deserialize)]
pub(super) struct GoalForm {
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub target_percent: String,
    #[serde(default)]
    pub by: String,
}

/// What the goal form offers: every area and building, as (value, label).
pub(super) struct GoalChoices {
    pub areas: Vec<(String, String)>,
    pub buildings: Vec<(String, String)>,
}

/// A campaign's goals, each with its place's figures today.
pub(super) async fn standings(
    tx: &mut Tx,
    scope: &Scope,
    campaign: CampaignId,
    today: chrono::NaiveDate,
) -> Result<Vec<Standing>, AppError> {
    let mut out = Vec::new();
    for goal in goals::of_campaign(tx, scope, campaign).await? {
        let Some(place) = goal.place() else { continue };
        let units = structure::units(tx, scope, place, Some(campaign), today).await?;
        out.push(Standing { figures: Figures::of(&units), goal });
    }
    Ok(out)
}

pub(super) async fn choices(tx: &mut Tx, scope: &Scope) -> Result<GoalChoices, AppError> {
    let areas = places::areas(tx, scope).await?.into_iter().map(|a| (GoalPlace::Area(a.id).choice(), a.name)).collect();
    let buildings = places::buildings(tx, scope, None).await?;
    let buildings = buildings.into_iter().map(|b| (GoalPlace::Building(b.id).choice(), format!("{} ({})", b.name, b.postcode))).collect();
    Ok(GoalChoices { areas, buildings })
}

pub(super) async fn set(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CampaignId)>,
    Form(form): Form<GoalForm>,
) -> Result<Response, AppError> {
    the_campaign(&state, &scope, id).await?;
    let mut tx = state.db.write().await?;
    // The place's own target, for a goal that gives none.
    let own = match GoalPlace::parse("place", &form.place) {
        Ok(GoalPlace::Area(a)) => places::area(&mut tx, &scope, a).await?.map(|a| a.target_percent),
        Ok(GoalPlace::Building(b)) => places::building(&mut tx, &scope, b).await?.map(|b| b.target_percent),
        Err(_) => None,
    };
    let today = crate::ui::Zone::of(&scope).today(&state.clock.now());
    let goal = match Goal::check(&form.place, &form.target_percent, |_| own, &form.by, today) {
        Ok(goal) => goal,
        Err(errors) => {
            drop(tx);
            return show_page(&state, &scope, csrf, id, ShowQuery::default(), form, errors).await;
        }
    };
    goals::set(&mut tx, &scope, id, &goal, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved#goals", paths::campaign(scope.group_slug(), id))).into_response())
}

pub(super) async fn remove(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, goal)): Path<(String, CampaignId, GoalId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    if !goals::remove(&mut tx, &scope, id, goal).await? {
        return Err(AppError::not_found());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=removed#goals", paths::campaign(scope.group_slug(), id))).into_response())
}
