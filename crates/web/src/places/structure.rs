//! The structure test as a page shows it: the figures today, whether they
//! reach the target, and a chart of the last year, for one campaign's
//! supporters or anyone's.

use chrono::{Months, NaiveDate};
use tredegar_db::campaigns::{self, Campaign};
use tredegar_db::goals::{self, GoalRow};
use tredegar_db::structure::{self, Figures, Place, UnitStatus};
use tredegar_db::{Scope, Tx};
use tredegar_domain::CampaignId;

use crate::AppError;

pub(super) struct Structure {
    pub figures: Figures,
    pub target_percent: i64,
    pub units: Vec<UnitStatus>,
    pub campaigns: Vec<Campaign>,
    pub campaign: Option<CampaignId>,
    /// The goals campaigns set on this place; the chosen campaign's, if it
    /// set one, is the target.
    pub goals: Vec<GoalRow>,
    pub svg: String,
}

impl Structure {
    /// The chosen campaign's goal here, if it set one.
    pub fn goal(&self) -> Option<&GoalRow> {
        self.goals.iter().find(|g| Some(g.campaign_id) == self.campaign)
    }

    pub fn meets(&self) -> bool {
        self.figures.meets(self.target_percent)
    }

    /// How one unit stands: a word for its colour, and its label.
    pub fn status_of(&self, unit: tredegar_domain::UnitId) -> (&'static str, &'static str) {
        const RANKS: [(&str, &str); 4] =
            [("supporter", "Supporter"), ("spoken", "Spoken with"), ("known", "Resident known"), ("unknown", "Nobody known")];
        let rank = self.units.iter().find(|u| u.unit_id == unit).map_or(3, UnitStatus::rank);
        RANKS.get(rank).copied().unwrap_or(RANKS[3])
    }

    /// The figures over the units of one floor.
    pub fn floor(&self, floor: Option<i64>) -> Figures {
        Figures::of(self.units.iter().filter(|u| u.floor == floor))
    }

    /// The figures over the units of one building (on an area's page), and
    /// whether they reach its target.
    pub fn building(&self, building: tredegar_domain::BuildingId, target_percent: i64) -> (Figures, bool) {
        let figures = Figures::of(self.units.iter().filter(|u| u.building_id == building));
        (figures, figures.meets(target_percent))
    }
}

/// The structure test of a place today, with a monthly chart of the last year.
pub(super) async fn structure(
    tx: &mut Tx,
    scope: &Scope,
    place: Place,
    campaign: Option<CampaignId>,
    target_percent: i64,
    today: NaiveDate,
) -> Result<Structure, AppError> {
    let campaigns = campaigns::list(tx, scope, tredegar_db::Page::everything()).await?.0;
    // Only a campaign of this group narrows the count.
    let campaign = campaign.filter(|c| campaigns.iter().any(|x| x.id == *c));
    let units = structure::units(tx, scope, place, campaign, today).await?;
    // Every other month: seven columns fit a phone. Today's is the units above.
    let days: Vec<NaiveDate> = (2..=12).rev().step_by(2).filter_map(|m| today.checked_sub_months(Months::new(m))).collect();
    let mut history = structure::over_time(tx, scope, place, campaign, &days).await?;
    history.push((today, structure::ranks(&units)));
    let columns: Vec<(String, Vec<i64>)> = history.iter().map(|(day, counts)| (day.format("%b %y").to_string(), counts.to_vec())).collect();
    let series = ["Supporter", "Spoken with", "Resident known", "Nobody known"].map(String::from);
    let svg = crate::charts::stacked_columns("Units over the last year", &series, &columns);
    let goals = goals::at(tx, scope, place).await?;
    let target_percent = goals.iter().find(|g| Some(g.campaign_id) == campaign).map_or(target_percent, |g| g.target_percent);
    Ok(Structure { figures: Figures::of(&units), target_percent, units, campaigns, campaign, goals, svg })
}
