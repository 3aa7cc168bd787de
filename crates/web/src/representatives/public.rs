//! A representative's public scorecard: who they are and their public
//! contact routes, their scorecard overall and on each public campaign, and
//! the pledges and record behind it. It reads through the group's
//! public-form scope, which sees nobody; whatever is on a campaign the group
//! keeps private is left off, and so are the titles of its private events.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tredegar_db::representatives::pledges::{self, PledgeRow};
use tredegar_db::representatives::records::{self, RecordRow};
use tredegar_db::representatives::scorecard::{self, Focus};
use tredegar_db::representatives::{self, OfficeRow, RepresentativeRow};
use tredegar_db::{Scope, campaigns};
use tredegar_domain::RepresentativeId;
use tredegar_domain::representatives::Scorecard;

use super::card::Card;
use crate::auth::CsrfToken;
use crate::extract::Path;
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "representatives/public.html")]
struct PublicPage {
    group_name: String,
    representative: RepresentativeRow,
    offices: Vec<OfficeRow>,
    cards: Vec<(String, Card)>,
    pledges: Vec<PledgeRow>,
    records: Vec<(RecordRow, Vec<String>)>,
    // The organisers' links and forms are never shown here.
    organiser: bool,
    slug: String,
    csrf: String,
}

pub(super) async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let id: RepresentativeId = id.parse().map_err(|_| AppError::not_found())?;
    let mut tx = state.db.read().await?;
    let (representative, slug) = representatives::public(&mut tx, id).await?.ok_or_else(AppError::not_found)?;
    let scope = Scope::for_public_form(&mut tx, &slug).await?.ok_or_else(AppError::not_found)?;
    let offices = representatives::offices(&mut tx, &scope, &[id]).await?;
    let public: Vec<_> =
        campaigns::list(&mut tx, &scope, tredegar_db::Page::everything()).await?.0.into_iter().filter(|c| c.is_public).collect();
    let mut cards = vec![("Everything public".to_string(), scorecard::of(&mut tx, &scope, id, Focus::Public).await?)];
    for c in &public {
        let card = scorecard::of(&mut tx, &scope, id, Focus::Campaign(c.id)).await?;
        if card != Scorecard::default() {
            cards.push((c.title.clone(), card));
        }
    }
    // Only what is on no campaign, or on a public one.
    let shown = |c: Option<tredegar_domain::CampaignId>| c.is_none_or(|c| public.iter().any(|p| p.id == c));
    let mut pledges = pledges::of_representative(&mut tx, &scope, id).await?;
    pledges.retain(|p| shown(p.campaign_id));
    let mut rows = records::of_representative(&mut tx, &scope, id).await?;
    rows.retain(|r| shown(r.campaign_id));
    for r in &mut rows {
        if r.event_id.is_some() && !r.event_public {
            r.title = "An action by the group".into();
        }
    }
    let records = super::pages::with_pledges(&mut tx, &scope, rows, &pledges).await?;
    drop(tx);
    let cards = cards.into_iter().map(|(label, card)| (label, Card { representative: representative.clone(), card })).collect();
    let title = representative.name.clone();
    render(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| PublicPage {
        group_name: scope.group_name().to_string(),
        representative,
        offices,
        cards,
        pledges,
        records,
        organiser: false,
        slug: String::new(),
        csrf: String::new(),
    }))
}
