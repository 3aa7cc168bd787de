//! Campaigns: where one stands, and the structure tests it aims to pass.

use chrono::NaiveDate;

use crate::{AreaId, BuildingId, FieldErrors, Problem};

/// Where a campaign stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CampaignStatus {
    /// Listening, researching, building the committee.
    Planning,
    /// Making the demand and escalating.
    Active,
    Won,
    Lost,
    /// On hold, to be picked up again.
    Paused,
}

crate::stored_as_text!(CampaignStatus { Planning = "planning", Active = "active", Won = "won", Lost = "lost", Paused = "paused" });

impl CampaignStatus {
    pub fn parse(field: &str, s: &str) -> Result<CampaignStatus, Problem> {
        CampaignStatus::from_stored(s.trim().to_ascii_lowercase().as_str()).ok_or_else(|| {
            let all: Vec<&str> = CampaignStatus::ALL.iter().map(|s| s.as_str()).collect();
            Problem::new(field, format!("must be one of: {}", all.join(", ")))
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            CampaignStatus::Planning => "Planning",
            CampaignStatus::Active => "Active",
            CampaignStatus::Won => "Won",
            CampaignStatus::Lost => "Lost",
            CampaignStatus::Paused => "Paused",
        }
    }
}

/// Where one of a campaign's demands stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemandStatus {
    Open,
    Won,
    PartlyWon,
    Lost,
}

crate::stored_as_text!(DemandStatus { Open = "open", Won = "won", PartlyWon = "partly_won", Lost = "lost" });

impl DemandStatus {
    pub fn parse(field: &str, s: &str) -> Result<DemandStatus, Problem> {
        crate::one_of(field, s, DemandStatus::ALL, DemandStatus::as_str)
    }

    pub fn label(self) -> &'static str {
        match self {
            DemandStatus::Open => "Open",
            DemandStatus::Won => "Won",
            DemandStatus::PartlyWon => "Partly won",
            DemandStatus::Lost => "Lost",
        }
    }
}

/// The place a campaign's goal is set on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoalPlace {
    Area(AreaId),
    Building(BuildingId),
}

impl GoalPlace {
    /// A choice in the goal form: `area:ID` or `building:ID`.
    pub fn parse(field: &str, s: &str) -> Result<GoalPlace, Problem> {
        let place = match s.trim().split_once(':') {
            Some(("area", id)) => id.parse().ok().map(GoalPlace::Area),
            Some(("building", id)) => id.parse().ok().map(GoalPlace::Building),
            _ => None,
        };
        place.ok_or_else(|| Problem::new(field, "choose an area or a building"))
    }

    /// The value the goal form sends for this place.
    pub fn choice(self) -> String {
        match self {
            GoalPlace::Area(id) => format!("area:{id}"),
            GoalPlace::Building(id) => format!("building:{id}"),
        }
    }
}

/// A structure test a campaign aims to pass: this share of the place's units
/// holding a supporter of the campaign, perhaps by a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Goal {
    pub place: GoalPlace,
    pub target_percent: i64,
    pub by: Option<NaiveDate>,
}

impl Goal {
    /// Check the goal form. `place_target` gives the place's own target, or
    /// none when the place is not the group's; an empty target takes it.
    pub fn check(
        place: &str,
        target_percent: &str,
        place_target: impl FnOnce(GoalPlace) -> Option<i64>,
        by: &str,
        today: NaiveDate,
    ) -> Result<Goal, FieldErrors> {
        let mut errors = FieldErrors::default();
        let place = errors.check(GoalPlace::parse("place", place));
        let own = match place.map(|p| (p, place_target(p))) {
            Some((p, Some(own))) => Some((p, own)),
            Some((_, None)) => {
                errors.push(Problem::new("place", "is not one of this group's places"));
                None
            }
            None => None,
        };
        let target = if target_percent.trim().is_empty() {
            Ok(own.map_or(crate::places::DEFAULT_TARGET_PERCENT, |(_, t)| t))
        } else {
            crate::places::target_percent("target_percent", target_percent)
        };
        let target = errors.check(target);
        let by = errors.check(match by.trim() {
            "" => Ok(None),
            by => crate::conversations::parse_date("by", by)
                .and_then(|d| if d < today { Err(Problem::new("by", "has passed: give a date from today on")) } else { Ok(Some(d)) }),
        });
        match (own, target, by) {
            (Some((place, _)), Some(target_percent), Some(by)) if errors.is_empty() => Ok(Goal { place, target_percent, by }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_from_their_words_only() {
        assert_eq!(CampaignStatus::parse("status", " Won "), Ok(CampaignStatus::Won));
        assert!(CampaignStatus::parse("status", "winning").is_err_and(|p| p.field == "status" && p.message.contains("planning")));
        assert!(CampaignStatus::ALL.iter().all(|s| CampaignStatus::from_stored(s.as_str()) == Some(*s)));
    }

    #[test]
    fn a_goal_names_its_place_and_takes_the_places_target_when_none_is_given() {
        let b = BuildingId::new();
        let own = |_| Some(70);
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
        let g = Goal::check(&format!("building:{b}"), "", own, "", today).expect("a goal");
        assert_eq!(g, Goal { place: GoalPlace::Building(b), target_percent: 70, by: None });
        let g = Goal::check(&GoalPlace::Building(b).choice(), "60%", own, "2027-03-01", today).expect("a goal");
        assert_eq!((g.target_percent, g.by.map(|d| d.to_string())), (60, Some("2027-03-01".into())));
        let e = Goal::check("street:1", "0", own, "soon", today).expect_err("three problems");
        let fields: Vec<&str> = e.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["place", "target_percent", "by"]);
        assert!(Goal::check(&format!("area:{b}x"), "", own, "", today).is_err());
        let e = Goal::check(&format!("area:{b}"), "", |_| None, "", today).expect_err("not the group's");
        assert_eq!(e.message_for("place"), Some("is not one of this group's places"));
    }
}
