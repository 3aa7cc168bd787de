//! Campaigns: where one stands.

use crate::Problem;

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

#[cfg(test)]
mod tests {
    use super::CampaignStatus;

    #[test]
    fn statuses_parse_from_their_words_only() {
        assert_eq!(CampaignStatus::parse("status", " Won "), Ok(CampaignStatus::Won));
        assert!(CampaignStatus::parse("status", "winning").is_err_and(|p| p.field == "status" && p.message.contains("planning")));
        assert!(CampaignStatus::ALL.iter().all(|s| CampaignStatus::from_stored(s.as_str()) == Some(*s)));
    }
}
