//! Pledges: what a representative said they would do, when and where, tied
//! to a campaign or one of its demands. Each status a pledge is given is
//! kept with its reason and evidence, so its history can be read back.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::representatives::{Change, Pledge, PledgeStatus};
use tredegar_domain::{CampaignId, DemandId, PledgeId, RepresentativeId};

use crate::changes::Of;
pub use crate::changes::StatusChange;
use crate::{DbError, Page, Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PledgeRow {
    pub id: PledgeId,
    pub representative_id: RepresentativeId,
    pub representative_name: String,
    pub text: String,
    pub made_on: NaiveDate,
    pub source_url: String,
    pub campaign_id: Option<CampaignId>,
    pub campaign_title: Option<String>,
    pub demand_id: Option<DemandId>,
    pub demand_text: Option<String>,
    pub status: PledgeStatus,
    pub document_id: Option<tredegar_domain::DocumentId>,
    pub document_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT p.id, p.representative_id, r.name AS representative_name, p.text, p.made_on, p.source_url, \
     p.campaign_id, c.title AS campaign_title, p.demand_id, d.text AS demand_text, p.status, p.document_id, doc.name AS document_name, \
     p.created_at, p.modified_at FROM pledges p JOIN representatives r ON r.id = p.representative_id \
     LEFT JOIN campaigns c ON c.id = p.campaign_id LEFT JOIN demands d ON d.id = p.demand_id LEFT JOIN documents doc ON doc.id = p.document_id";

/// A representative's pledges, latest first.
pub async fn of_representative(tx: &mut Tx, scope: &Scope, rep: RepresentativeId) -> Result<Vec<PledgeRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE p.representative_id = ").bind(rep).push(" AND p.group_id = ").bind(scope.group_id());
    q.push(" ORDER BY p.made_on DESC, p.id").fetch_all(tx).await
}

/// The pledges made on a campaign or its demands, by representative.
pub async fn of_campaign(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<PledgeRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE p.campaign_id = ").bind(campaign).push(" AND p.group_id = ").bind(scope.group_id());
    q.push(" ORDER BY r.name, p.made_on DESC, p.id").fetch_all(tx).await
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: PledgeId) -> Result<Option<PledgeRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE p.id = ").bind(id).push(" AND p.group_id = ").bind(scope.group_id());
    q.fetch_optional(tx).await
}

fn filter_column(field: &str) -> Option<crate::sql::FilterColumn> {
    use crate::sql::{FilterColumn, FilterKind};
    let (column, kind) = match field {
        "identifier" => ("p.id", FilterKind::Id),
        "created_date" => ("p.created_at", FilterKind::Time),
        "modified_date" => ("p.modified_at", FilterKind::Time),
        "status" => ("p.status", FilterKind::Text),
        "representative" => ("p.representative_id", FilterKind::Id),
        "campaign" => ("p.campaign_id", FilterKind::Id),
        _ => return None,
    };
    Some(FilterColumn::plain(column, kind))
}

pub const FILTER_FIELDS: &[&str] = &["identifier", "created_date", "modified_date", "status", "representative", "campaign"];

/// A page of the group's pledges for the API, latest first.
pub async fn page(tx: &mut Tx, scope: &Scope, filter: &tredegar_domain::filter::Filter, page: Page) -> Result<(Vec<PledgeRow>, i64)> {
    let matching = |head: &'static str| -> Result<Sql> {
        let mut q = Sql::new(head);
        q.push(" WHERE p.group_id = ").bind(scope.group_id()).push(" AND ");
        q.filter(filter, filter_column)?;
        Ok(q)
    };
    let total = matching("SELECT COUNT(*) FROM pledges p")?.count(tx).await?;
    let mut q = matching(SELECT)?;
    q.push(" ORDER BY p.created_at DESC, p.id").page(page);
    Ok((q.fetch_all(tx).await?, total))
}

/// Check that a campaign and demand are the group's, and the demand the campaign's.
pub(crate) async fn check_ties(tx: &mut Tx, scope: &Scope, campaign: Option<CampaignId>, demand: Option<DemandId>) -> Result<()> {
    if let Some(c) = campaign
        && crate::campaigns::get(tx, scope, c).await?.is_none()
    {
        return Err(DbError::NotFound);
    }
    if let Some(d) = demand {
        let of = crate::demands::get(tx, scope, d).await?.ok_or(DbError::NotFound)?;
        if campaign.is_some_and(|c| c != of.campaign_id) {
            return Err(tredegar_domain::Problem::new("demand", "is a demand of another campaign: choose that campaign, or none").into());
        }
    }
    Ok(())
}

/// Record a pledge; its history starts "not yet rated".
pub async fn add(
    tx: &mut Tx,
    scope: &Scope,
    rep: RepresentativeId,
    pledge: &Pledge,
    (campaign, demand): (Option<CampaignId>, Option<DemandId>),
    now: DateTime<Utc>,
) -> Result<PledgeId> {
    crate::representatives::get(tx, scope, rep).await?.ok_or(DbError::NotFound)?;
    check_ties(tx, scope, campaign, demand).await?;
    crate::changes::check_document(tx, scope, pledge.document).await?;
    // A demand belongs to one campaign: the pledge is on that campaign too.
    let campaign = match (campaign, demand) {
        (None, Some(d)) => crate::demands::get(tx, scope, d).await?.map(|d| d.campaign_id),
        _ => campaign,
    };
    let id = PledgeId::new();
    execute!(
        tx,
        "INSERT INTO pledges (id, group_id, representative_id, text, made_on, source_url, campaign_id, demand_id, status, created_at, modified_at, \
         document_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)",
        id,
        scope.group_id(),
        rep,
        &pledge.text,
        pledge.made_on,
        &pledge.source_url,
        campaign,
        demand,
        PledgeStatus::NotYetRated,
        now,
        pledge.document
    )?;
    let first = Change {
        status: PledgeStatus::NotYetRated,
        reason: "Pledge recorded".into(),
        evidence_url: pledge.source_url.clone(),
        document: pledge.document,
    };
    crate::changes::note(tx, scope, Of::Pledge(id), &first, PledgeStatus::as_str, now).await?;
    Ok(id)
}

/// Give a pledge a new status, keeping the change with its reason.
pub async fn change(tx: &mut Tx, scope: &Scope, pledge: PledgeId, change: &Change<PledgeStatus>, now: DateTime<Utc>) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE pledges SET status = $3, modified_at = $4 WHERE id = $1 AND group_id = $2",
        pledge,
        scope.group_id(),
        change.status,
        now
    )?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    crate::changes::note(tx, scope, Of::Pledge(pledge), change, PledgeStatus::as_str, now).await
}

/// A pledge's statuses, oldest first.
pub async fn history(tx: &mut Tx, scope: &Scope, pledge: PledgeId) -> Result<Vec<StatusChange<PledgeStatus>>> {
    crate::changes::history(tx, scope, Of::Pledge(pledge)).await
}

/// Delete a pledge recorded by mistake, with its history.
pub async fn delete(tx: &mut Tx, scope: &Scope, id: PledgeId) -> Result<bool> {
    Ok(execute!(tx, "DELETE FROM pledges WHERE id = $1 AND group_id = $2", id, scope.group_id())? > 0)
}
