//! Petitions: what an organiser sets, and what a signer gives.

use chrono::NaiveDate;

use crate::contact::{Email, Postcode, optional_text, required_line, required_text};
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

/// A signature as the public form gives it, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Signing {
    pub given_name: String,
    pub family_name: Option<String>,
    pub email: Email,
    pub postcode: Postcode,
    pub comment: Option<String>,
    pub consent: bool,
}

impl Signing {
    pub fn name(&self) -> String {
        match &self.family_name {
            Some(f) => format!("{} {f}", self.given_name),
            None => self.given_name.clone(),
        }
    }
}

/// A name as people write names: something visible, no text-direction
/// tricks, and no web address (it is repeated in the email we send).
fn plain_name(field: &str, name: String) -> Result<String, Problem> {
    let hidden = |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}');
    if name.chars().any(hidden) {
        return Err(Problem::new(field, "has invisible or text-direction characters; type it plainly"));
    }
    let lower = name.to_lowercase();
    if lower.contains("://") || lower.contains("www.") {
        return Err(Problem::new(field, "must be your name, not a web address"));
    }
    Ok(name)
}

/// An address our mail server can deliver to: plain ASCII, with none of the
/// characters that mean something else in an email header.
fn sendable(field: &str, email: Email) -> Result<Email, Problem> {
    let s = email.as_str();
    if !s.is_ascii() || s.chars().any(|c| matches!(c, '<' | '>' | ',' | ';' | '(' | ')' | '"' | '\\' | '[' | ']' | ' ')) {
        return Err(Problem::new(field, "must be an address we can send to, without accents or spaces"));
    }
    Ok(email)
}

/// What the signing form sends, as typed.
pub struct SigningInput<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub postcode: &'a str,
    pub comment: &'a str,
    pub consent: bool,
}

impl SigningInput<'_> {
    pub fn check(&self) -> Result<Signing, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_line("name", self.name, 120).and_then(|n| plain_name("name", n)));
        let email = errors.check(Email::parse("email", self.email).and_then(|e| sendable("email", e)));
        let postcode = errors.check(if self.postcode.trim().is_empty() {
            Err(Problem::new("postcode", "must not be empty"))
        } else {
            Postcode::parse("postcode", self.postcode)
        });
        let comment = errors.check(optional_text("comment", self.comment, 1000)).flatten();
        match (name, email, postcode) {
            (Some(name), Some(email), Some(postcode)) if errors.is_empty() => {
                // The last word is the family name: "Siân Davies", "Mary Ann Jones".
                let (given, family) = match name.rsplit_once(' ') {
                    Some((g, f)) => (g.trim().to_string(), Some(f.to_string())),
                    None => (name, None),
                };
                Ok(Signing { given_name: given, family_name: family, email, postcode, comment, consent: self.consent })
            }
            _ => Err(errors),
        }
    }
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

    #[test]
    fn a_signature_splits_the_name_and_needs_a_postcode() {
        let s = SigningInput { name: " Mary Ann Jones ", email: "MAJ@example.org", postcode: "np22 3aa", comment: "", consent: false };
        let s = s.check();
        assert_eq!(s.as_ref().map(|s| (s.given_name.as_str(), s.family_name.as_deref())), Ok(("Mary Ann", Some("Jones"))));
        for (name, email) in [
            ("Win at https://evil.example", "a@example.org"),
            ("\u{202E}nosaj", "a@example.org"),
            ("Ann", "ünï@example.org"),
            ("Ann", "a>b<c@example.org"),
        ] {
            let field = if name == "Ann" { "email" } else { "name" };
            let e = SigningInput { name, email, postcode: "NP22 3AA", comment: "", consent: false }.check().err().unwrap_or_default();
            assert!(e.message_for(field).is_some(), "{name} {email}");
        }
        let bad = SigningInput { name: "", email: "nope", postcode: "", comment: "a\u{0}", consent: true }.check();
        let errors = bad.err().unwrap_or_default();
        for field in ["name", "email", "postcode", "comment"] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
    }
}
