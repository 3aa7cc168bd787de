//! A campaign's demands: making one, and giving it a new status with the
//! reason and the evidence. The campaign page shows each with its history.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::demands::{self, DemandRow};
use tredegar_db::representatives::pledges::{PledgeRow, StatusChange};
use tredegar_db::{Scope, Tx};
use tredegar_domain::campaigns::DemandStatus;
use tredegar_domain::contact::required_text;
use tredegar_domain::representatives::ChangeInput;
use tredegar_domain::{CampaignId, DemandId};

use super::pages::the_campaign;
use crate::auth::Organiser;
use crate::extract::{Form, Path};
use crate::representatives::Card;
use crate::{AppError, AppState, paths};

#[derive(Deserialize)]
pub(super) struct DemandForm {
    #[serde(default)]
    text: String,
}

pub(super) async fn add(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, CampaignId)>,
    Form(form): Form<DemandForm>,
) -> Result<Response, AppError> {
    the_campaign(&state, &scope, id).await?;
    let text = required_text("text", &form.text, 1000)?;
    let mut tx = state.db.write().await?;
    demands::add(&mut tx, &scope, id, &text, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved#demands", paths::campaign(scope.group_slug(), id))).into_response())
}

pub(super) async fn change(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, demand)): Path<(String, CampaignId, DemandId)>,
    Form(form): Form<ChangeInput>,
) -> Result<Response, AppError> {
    let change = form.check(DemandStatus::parse)?;
    let mut tx = state.db.write().await?;
    demands::change(&mut tx, &scope, id, demand, &change, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved#demands", paths::campaign(scope.group_slug(), id))).into_response())
}

pub(super) async fn delete(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, demand)): Path<(String, CampaignId, DemandId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    if !demands::delete(&mut tx, &scope, id, demand).await? {
        return Err(AppError::not_found());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=removed#demands", paths::campaign(scope.group_slug(), id))).into_response())
}

/// What a campaign demands and of whom: its demands with their histories,
/// the listening themes it answers, the pledges made on it, and the
/// scorecards of the representatives it deals with. Both the organisers'
/// page and the public page show it.
pub(super) struct Plan {
    pub demands: Vec<(DemandRow, Vec<StatusChange<DemandStatus>>)>,
    pub themes: Vec<tredegar_db::conversations::Theme>,
    pub pledges: Vec<PledgeRow>,
    pub cards: Vec<Card>,
}

/// On a public page (`public`), only representatives whose scorecard the
/// group made public are shown, with their pledges.
pub(super) async fn plan(tx: &mut Tx, scope: &Scope, id: CampaignId, public: bool) -> Result<Plan, AppError> {
    let mut out = Vec::new();
    for d in demands::of_campaign(tx, scope, id).await? {
        let history = demands::history(tx, scope, d.id).await?;
        out.push((d, history));
    }
    let mut cards = crate::representatives::cards_on(tx, scope, id).await?;
    let mut pledges = tredegar_db::representatives::pledges::of_campaign(tx, scope, id).await?;
    if public {
        cards.retain(|c| c.representative.is_public);
        pledges.retain(|p| cards.iter().any(|c| c.representative.id == p.representative_id));
    }
    Ok(Plan { demands: out, themes: tredegar_db::campaigns::themes(tx, scope, id).await?, pledges, cards })
}
