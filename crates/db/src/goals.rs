//! Campaign goals: the structure tests a campaign aims to pass. A goal names
//! an area or a building, the share of its units that should hold a
//! supporter of the campaign, and perhaps a date; `structure` counts them.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::campaigns::{Goal, GoalPlace};
use tredegar_domain::{AreaId, BuildingId, CampaignId, GoalId};

use crate::structure::Place;
use crate::{DbError, Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GoalRow {
    pub id: GoalId,
    pub campaign_id: CampaignId,
    pub campaign_title: String,
    pub area_id: Option<AreaId>,
    pub building_id: Option<BuildingId>,
    pub place_name: String,
    pub target_percent: i64,
    pub by_date: Option<NaiveDate>,
    pub set_by_name: String,
    pub set_at: DateTime<Utc>,
}

impl GoalRow {
    /// The place whose units the goal counts (the table holds one of the two).
    pub fn place(&self) -> Option<Place> {
        self.building_id.map(Place::Building).or(self.area_id.map(Place::Area))
    }
}

const SELECT: &str = "SELECT g.id, g.campaign_id, c.title AS campaign_title, g.area_id, g.building_id, \
     COALESCE(a.name, b.name, '') AS place_name, g.target_percent, g.by_date, g.set_by_name, g.set_at \
     FROM campaign_goals g JOIN campaigns c ON c.id = g.campaign_id \
     LEFT JOIN areas a ON a.id = g.area_id LEFT JOIN buildings b ON b.id = g.building_id";

/// A campaign's goals, by place name.
pub async fn of_campaign(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<GoalRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE g.campaign_id = ").bind(campaign).push(" AND g.group_id = ").bind(scope.group_id());
    q.push(" ORDER BY place_name, g.id").fetch_all(tx).await
}

/// The goals campaigns have set on this place.
pub async fn at(tx: &mut Tx, scope: &Scope, place: Place) -> Result<Vec<GoalRow>> {
    let mut q = Sql::new(SELECT);
    match place {
        Place::Area(a) => q.push(" WHERE g.area_id = ").bind(a),
        Place::Building(b) => q.push(" WHERE g.building_id = ").bind(b),
    };
    q.push(" AND g.group_id = ").bind(scope.group_id());
    q.push(" ORDER BY campaign_title, g.id").fetch_all(tx).await
}

/// Set a campaign's goal on a place, replacing the goal it had there. The
/// campaign and the place must be the group's.
pub async fn set(tx: &mut Tx, scope: &Scope, campaign: CampaignId, goal: &Goal, now: DateTime<Utc>) -> Result<GoalId> {
    if crate::campaigns::get(tx, scope, campaign).await?.is_none() {
        return Err(DbError::NotFound);
    }
    let (area, building) = match goal.place {
        GoalPlace::Area(a) => {
            crate::places::area(tx, scope, a).await?.ok_or(DbError::NotFound)?;
            (Some(a), None)
        }
        GoalPlace::Building(b) => {
            crate::places::building(tx, scope, b).await?.ok_or(DbError::NotFound)?;
            (None, Some(b))
        }
    };
    execute!(tx, "DELETE FROM campaign_goals WHERE campaign_id = $1 AND (area_id = $2 OR building_id = $3)", campaign, area, building)?;
    let id = GoalId::new();
    execute!(
        tx,
        "INSERT INTO campaign_goals (id, group_id, campaign_id, area_id, building_id, target_percent, by_date, set_by_name, set_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        scope.group_id(),
        campaign,
        area,
        building,
        goal.target_percent,
        goal.by,
        scope.actor_name(),
        now
    )?;
    Ok(id)
}

/// Drop one of a campaign's goals; false if it had no such goal.
pub async fn remove(tx: &mut Tx, scope: &Scope, campaign: CampaignId, goal: GoalId) -> Result<bool> {
    let n =
        execute!(tx, "DELETE FROM campaign_goals WHERE id = $1 AND campaign_id = $2 AND group_id = $3", goal, campaign, scope.group_id())?;
    Ok(n > 0)
}
