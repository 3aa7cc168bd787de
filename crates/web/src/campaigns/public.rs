//! A campaign's public page: what the group made public of it, the issue in
//! its words, its demands and how each stands, and the pledges and
//! scorecards of the representatives it deals with. It reads through the
//! group's public-form scope, which sees nobody: no supporter, resident or
//! conversation can reach this page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tredegar_db::Scope;
use tredegar_db::campaigns::{self, Campaign};
use tredegar_domain::CampaignId;

use super::demands::{Plan, plan};
use crate::auth::CsrfToken;
use crate::extract::Path;
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "campaigns/public.html")]
struct PublicPage {
    campaign: Campaign,
    group_name: String,
    plan: Plan,
    // The organisers' forms are never shown here.
    organiser: bool,
    csrf: String,
    slug: String,
    demand_statuses: &'static [tredegar_domain::campaigns::DemandStatus],
    documents: Vec<(tredegar_domain::DocumentId, String, String)>,
}

impl PublicPage {
    /// A representative's public scorecard (only those are shown here).
    fn card_page(&self, c: &crate::representatives::Card) -> String {
        crate::paths::public_representative(c.representative.id)
    }
}

pub(super) async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let id: CampaignId = id.parse().map_err(|_| AppError::not_found())?;
    let mut tx = state.db.read().await?;
    let (campaign, slug) = campaigns::public(&mut tx, id).await?.ok_or_else(AppError::not_found)?;
    let scope = Scope::for_public_form(&mut tx, &slug).await?.ok_or_else(AppError::not_found)?;
    let plan = plan(&mut tx, &scope, id, true).await?;
    drop(tx);
    let title = campaign.title.clone();
    render(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| PublicPage {
        campaign,
        group_name: scope.group_name().to_string(),
        plan,
        organiser: false,
        csrf: String::new(),
        slug: String::new(),
        demand_statuses: &[],
        documents: Vec::new(),
    }))
}
