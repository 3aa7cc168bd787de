//! Campaigns: an issue the group is fighting on. Later capabilities (demands,
//! targets, actions) attach to these.

use chrono::{DateTime, Utc};
use tredegar_domain::{CampaignId, CampaignStatus};

use crate::{DbError, Page, Result, Scope, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Campaign {
    pub id: CampaignId,
    pub title: String,
    pub description: String,
    pub status: CampaignStatus,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

pub async fn list(tx: &mut Tx, scope: &Scope, page: Page) -> Result<(Vec<Campaign>, i64)> {
    let rows = fetch_all!(
        tx,
        Campaign,
        "SELECT id, title, description, status, created_at, modified_at FROM campaigns WHERE group_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        scope.group_id(),
        page.per_page,
        page.offset()
    )?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM campaigns WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((rows, total))
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: CampaignId) -> Result<Option<Campaign>> {
    Ok(fetch_optional!(
        tx,
        Campaign,
        "SELECT id, title, description, status, created_at, modified_at FROM campaigns WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id()
    )?)
}

/// What an organiser writes about a campaign.
pub struct CampaignText<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub status: CampaignStatus,
}

pub async fn save(tx: &mut Tx, scope: &Scope, id: CampaignId, text: &CampaignText<'_>, now: DateTime<Utc>, new: bool) -> Result<()> {
    let CampaignText { title, description, status } = *text;
    if new {
        execute!(
            tx,
            "INSERT INTO campaigns (id, group_id, title, description, status, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
            id,
            scope.group_id(),
            title,
            description,
            status,
            now
        )?;
    } else {
        let n = execute!(
            tx,
            "UPDATE campaigns SET title = $3, description = $4, status = $5, modified_at = $6 WHERE id = $1 AND group_id = $2",
            id,
            scope.group_id(),
            title,
            description,
            status,
            now
        )?;
        if n == 0 {
            return Err(DbError::NotFound);
        }
    }
    Ok(())
}
