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

/// Something that happened in a campaign, dated, with its evidence; a win
/// is recorded against the demand it won.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    pub happened_on: NaiveDate,
    pub title: String,
    pub detail: String,
    pub evidence_url: String,
    /// A win: the demand, and whether it was won or partly won.
    pub win: Option<(crate::DemandId, DemandStatus)>,
}

/// The timeline form, as typed (a document may come with it).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MomentInput {
    pub happened_on: String,
    pub title: String,
    pub detail: String,
    pub evidence_url: String,
    /// The demand a win is against, by id; empty for no win.
    pub demand: String,
    /// won or partly_won, for a win.
    pub win: String,
}

impl MomentInput {
    pub fn check(&self, today: NaiveDate) -> Result<Moment, FieldErrors> {
        let mut errors = FieldErrors::default();
        let happened_on = errors.check(crate::conversations::parse_date("happened_on", &self.happened_on).and_then(|d| {
            if d > today { Err(Problem::new("happened_on", "is in the future: put plans on the escalation plan")) } else { Ok(d) }
        }));
        let title = errors.check(crate::contact::required_text("title", &self.title, 300));
        let detail = errors.check(crate::contact::optional_text("detail", &self.detail, 10_000)).flatten().unwrap_or_default();
        let evidence_url = errors.check(crate::representatives::evidence("evidence_url", &self.evidence_url)).unwrap_or_default();
        // No demand chosen: not a win, whatever "how much" says.
        let win = match (self.demand.trim(), self.win.trim()) {
            ("", _) => None,
            (demand, status) => {
                let demand = errors.check(demand.parse().map_err(|_| Problem::new("demand", "is not one of the campaign's demands")));
                let status = errors.check(match DemandStatus::parse("win", if status.is_empty() { "won" } else { status }) {
                    Ok(s @ (DemandStatus::Won | DemandStatus::PartlyWon)) => Ok(s),
                    _ => Err(Problem::new("win", "must be won or partly won")),
                });
                demand.zip(status)
            }
        };
        match (happened_on, title) {
            (Some(happened_on), Some(title)) if errors.is_empty() => Ok(Moment { happened_on, title, detail, evidence_url, win }),
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

    #[test]
    fn a_win_names_its_demand_and_how_much_was_won() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
        let d = crate::DemandId::new();
        let won = MomentInput {
            happened_on: "2026-11-20".into(),
            title: "Cabinet agreed a ballot".into(),
            demand: d.to_string(),
            ..Default::default()
        };
        assert_eq!(won.check(today).expect("a win").win, Some((d, DemandStatus::Won)));
        let e = MomentInput { happened_on: "2026-12-01".into(), demand: "x".into(), ..Default::default() }.check(today).expect_err("bad");
        assert!(e.message_for("happened_on").is_some() && e.message_for("title").is_some() && e.message_for("demand").is_some());
        let e = MomentInput { win: "lost".into(), ..won }.check(today).expect_err("not a win");
        assert_eq!(e.message_for("win"), Some("must be won or partly won"));
    }
}
