//! A campaign's demands, each with its status and the history of how it
//! stood: made, then won, partly won or lost, each change with its reason.

use chrono::{DateTime, Utc};
use tredegar_domain::campaigns::DemandStatus;
use tredegar_domain::representatives::Change;
use tredegar_domain::{CampaignId, DemandId};

use crate::changes::{Of, StatusChange};
use crate::{DbError, Result, Scope, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DemandRow {
    pub id: DemandId,
    pub campaign_id: CampaignId,
    pub text: String,
    pub status: DemandStatus,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

/// A campaign's demands, in the order they were made.
pub async fn of_campaign(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<DemandRow>> {
    Ok(fetch_all!(
        tx,
        DemandRow,
        "SELECT id, campaign_id, text, status, created_at, modified_at FROM demands WHERE campaign_id = $1 AND group_id = $2 ORDER BY created_at, id",
        campaign,
        scope.group_id()
    )?)
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: DemandId) -> Result<Option<DemandRow>> {
    Ok(fetch_optional!(
        tx,
        DemandRow,
        "SELECT id, campaign_id, text, status, created_at, modified_at FROM demands WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id()
    )?)
}

/// Make a demand on a campaign of the group's; it starts open.
pub async fn add(tx: &mut Tx, scope: &Scope, campaign: CampaignId, text: &str, now: DateTime<Utc>) -> Result<DemandId> {
    crate::campaigns::get(tx, scope, campaign).await?.ok_or(DbError::NotFound)?;
    let id = DemandId::new();
    execute!(
        tx,
        "INSERT INTO demands (id, group_id, campaign_id, text, status, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        id,
        scope.group_id(),
        campaign,
        text,
        DemandStatus::Open,
        now
    )?;
    let first = Change { status: DemandStatus::Open, reason: "Demand made".into(), evidence_url: String::new(), document: None };
    crate::changes::note(tx, scope, Of::Demand(id), &first, DemandStatus::as_str, now).await?;
    Ok(id)
}

/// Give one of a campaign's demands a new status, keeping the change.
pub async fn change(
    tx: &mut Tx,
    scope: &Scope,
    campaign: CampaignId,
    demand: DemandId,
    change: &Change<DemandStatus>,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE demands SET status = $4, modified_at = $5 WHERE id = $1 AND campaign_id = $2 AND group_id = $3",
        demand,
        campaign,
        scope.group_id(),
        change.status,
        now
    )?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    crate::changes::note(tx, scope, Of::Demand(demand), change, DemandStatus::as_str, now).await
}

/// A demand's statuses, oldest first.
pub async fn history(tx: &mut Tx, scope: &Scope, demand: DemandId) -> Result<Vec<StatusChange<DemandStatus>>> {
    crate::changes::history(tx, scope, Of::Demand(demand)).await
}

/// Delete one of a campaign's demands made by mistake, with its history;
/// pledges and wins on it keep their campaign.
pub async fn delete(tx: &mut Tx, scope: &Scope, campaign: CampaignId, id: DemandId) -> Result<bool> {
    Ok(execute!(tx, "DELETE FROM demands WHERE id = $1 AND campaign_id = $2 AND group_id = $3", id, campaign, scope.group_id())? > 0)
}
