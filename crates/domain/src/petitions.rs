//! Petitions: what an organiser sets, and what a signer gives.

use chrono::NaiveDate;

use crate::contact::{required_line, required_text};
use crate::{CampaignId, FieldErrors, Problem};

/// The most a petition can aim for.
pub const MAX_GOAL: i64 = 100_000_000;

/// What an organiser sets. `frame_ancestors` are the sites allowed to show
/// the signing page in a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PetitionText {
    pub title: String,
    pub body: String,
    pub target: String,
    pub goal: i64,
    pub ends_on: Option<NaiveDate>,
    pub campaign: Option<CampaignId>,
    pub consent_wording: String,
    pub frame_ancestors: Vec<String>,
}

/// What the organiser's form sends, as typed.
#[derive(Clone, Debug, Default)]
pub struct PetitionInput<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub target: &'a str,
    pub goal: &'a str,
    pub ends_on: &'a str,
    pub campaign: &'a str,
    pub consent_wording: &'a str,
    pub frame_ancestors: &'a str,
}

impl PetitionInput<'_> {
    pub fn check(&self, today: NaiveDate) -> Result<PetitionText, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = errors.check(required_line("title", self.title, 200));
        let body = errors.check(required_text("body", self.body, 20_000));
        let target = errors.check(required_line("target", self.target, 200));
        let goal = errors.check(
            self.goal
                .trim()
                .replace(',', "")
                .parse::<i64>()
                .ok()
                .filter(|g| (1..=MAX_GOAL).contains(g))
                .ok_or_else(|| Problem::new("goal", format!("must be a whole number of signatures from 1 to {MAX_GOAL}"))),
        );
        let ends_on = errors
            .check(match self.ends_on.trim() {
                "" => Ok(None),
                s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(d) if d >= today => Ok(Some(d)),
                    Ok(_) => Err(Problem::new("ends_on", "must be today or later")),
                    Err(_) => Err(Problem::new("ends_on", "must be a date, such as 2027-03-31")),
                },
            })
            .flatten();
        let campaign = errors
            .check(match self.campaign.trim() {
                "" => Ok(None),
                s => s.parse::<CampaignId>().map(Some).map_err(|_| Problem::new("campaign", "choose one of the group's campaigns")),
            })
            .flatten();
        let consent_wording = errors.check(required_line("consent_wording", self.consent_wording, 300));
        let frame_ancestors = errors.check(origins("frame_ancestors", self.frame_ancestors));
        match (title, body, target, goal, consent_wording, frame_ancestors) {
            (Some(title), Some(body), Some(target), Some(goal), Some(consent_wording), Some(frame_ancestors)) if errors.is_empty() => {
                Ok(PetitionText { title, body, target, goal, ends_on, campaign, consent_wording, frame_ancestors })
            }
            _ => Err(errors),
        }
    }
}

/// Web origins, one a line or space-separated: `https://host` with an optional port.
fn origins(field: &str, s: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for o in s.split_whitespace() {
        let o = o.trim_end_matches('/');
        let host = o.strip_prefix("https://").ok_or_else(|| Problem::new(field, format!("'{o}' must start with https://")))?;
        let ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        if !ok {
            return Err(Problem::new(field, format!("'{o}' must be a site's address, such as https://www.example.org, with no path")));
        }
        out.push(o.to_ascii_lowercase());
    }
    if out.len() > 20 {
        return Err(Problem::new(field, "can name 20 sites at most"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
    }

    #[test]
    fn a_petition_names_each_problem() {
        let input = PetitionInput {
            title: "Save Brookfield",
            goal: "lots",
            ends_on: "2020-01-01",
            frame_ancestors: "http://x.org",
            consent_wording: "Keep me updated",
            ..Default::default()
        };
        let errors = input.check(today()).err().unwrap_or_default();
        for field in ["body", "target", "goal", "ends_on", "frame_ancestors"] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
        let good = PetitionInput {
            title: "Save Brookfield",
            body: "Stop the demolition",
            target: "Blaenau Gwent Council",
            goal: "1,000",
            ends_on: "",
            campaign: "",
            consent_wording: "Keep me updated",
            frame_ancestors: "https://www.brookfield.org/ https://News.example.com",
        };
        let p = good.check(today());
        assert_eq!(p.as_ref().map(|p| p.goal), Ok(1000));
        assert_eq!(p.map(|p| p.frame_ancestors).unwrap_or_default(), ["https://www.brookfield.org", "https://news.example.com"]);
    }
}
