//! Mutual aid: needs and the offers that meet them. A need moves through
//! its statuses by the rules below; offers are ranked for a need by a
//! documented weighted sum, with the reason for each part.

use chrono::{Datelike, NaiveDate};

use crate::contact::{one_line_text, optional_text, required_line, required_text};
use crate::supporters::plain_name;
use crate::{Email, FieldErrors, Phone, Postcode, Problem};

/// How soon help is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    Today,
    ThisWeek,
    WhenPossible,
}

crate::stored_as_text!(Urgency { Today = "today", ThisWeek = "this_week", WhenPossible = "when_possible" });

impl Urgency {
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Today => "Today",
            Urgency::ThisWeek => "This week",
            Urgency::WhenPossible => "When someone can",
        }
    }

    /// Its radio button's id: the first is the field's own, for the error summary's link.
    pub fn field_id(self) -> String {
        if self == Urgency::Today { "urgency".into() } else { format!("urgency-{}", self.as_str()) }
    }
}

/// Where a need is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedStatus {
    New,
    /// A coordinator has read it and it is ready to offer.
    Triaged,
    /// Offered to one volunteer, waiting for their answer.
    Offered,
    Accepted,
    InProgress,
    Done,
    Cancelled,
    Expired,
}

crate::stored_as_text!(NeedStatus {
    New = "new",
    Triaged = "triaged",
    Offered = "offered",
    Accepted = "accepted",
    InProgress = "in_progress",
    Done = "done",
    Cancelled = "cancelled",
    Expired = "expired",
});

impl NeedStatus {
    pub fn label(self) -> &'static str {
        match self {
            NeedStatus::New => "New",
            NeedStatus::Triaged => "Ready to offer",
            NeedStatus::Offered => "Offered",
            NeedStatus::Accepted => "Accepted",
            NeedStatus::InProgress => "Under way",
            NeedStatus::Done => "Done",
            NeedStatus::Cancelled => "Cancelled",
            NeedStatus::Expired => "Expired",
        }
    }

    /// Still to be met: its contact details are still shown to those allowed.
    pub fn open(self) -> bool {
        !matches!(self, NeedStatus::Done | NeedStatus::Cancelled | NeedStatus::Expired)
    }

    /// Whether a need may go from this status to `to`. A decline goes back
    /// to triaged; an open need can always be cancelled or expire.
    pub fn can_become(self, to: NeedStatus) -> bool {
        use NeedStatus::*;
        match (self, to) {
            (New, Triaged) | (Triaged | New, Offered) | (Offered, Accepted | Triaged) => true,
            (Accepted, InProgress | Done | Triaged) | (InProgress, Done | Triaged) => true,
            (from, Cancelled | Expired) => from.open(),
            _ => false,
        }
    }

    /// The statuses a coordinator's list filters by, in order.
    pub const OPEN: [NeedStatus; 5] =
        [NeedStatus::New, NeedStatus::Triaged, NeedStatus::Offered, NeedStatus::Accepted, NeedStatus::InProgress];
}

/// A need as typed on the help form or by a coordinator.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct NeedInput {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub urgency: String,
    #[serde(default)]
    pub from_on: String,
    #[serde(default)]
    pub to_on: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub how_to_contact: String,
    #[serde(default)]
    pub asked_by: String,
    /// Hidden from people: a bot that fills every field fills this.
    #[serde(default)]
    pub contact_by_fax: String,
}

/// A need, checked. `category` is the form's value, for the caller to find
/// among the group's categories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub category: String,
    pub description: String,
    pub urgency: Urgency,
    pub from_on: Option<NaiveDate>,
    pub to_on: Option<NaiveDate>,
    pub name: String,
    pub address: String,
    pub postcode: Postcode,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    pub how_to_contact: String,
    pub asked_by: String,
}

impl NeedInput {
    pub fn check(&self, today: NaiveDate) -> Result<Need, FieldErrors> {
        let mut errors = FieldErrors::default();
        let category = self.category.trim().to_string();
        if category.is_empty() {
            errors.push(Problem::new("category", "choose what kind of help is needed"));
        }
        let description = errors.check(required_text("description", &self.description, 2000));
        let urgency = errors.check(Urgency::from_stored(self.urgency.trim()).ok_or_else(|| Problem::new("urgency", "choose how soon")));
        let date = |field: &str, s: &str| -> Result<Option<NaiveDate>, Problem> {
            if s.trim().is_empty() { Ok(None) } else { crate::conversations::parse_date(field, s).map(Some) }
        };
        let from_on = errors.check(date("from_on", &self.from_on));
        let to_on = errors.check(date("to_on", &self.to_on).and_then(|to| match to {
            Some(to) if to < today => Err(Problem::new("to_on", "has passed: give a date from today on")),
            Some(to) if from_on.flatten().is_some_and(|from| to < from) => Err(Problem::new("to_on", "must not be before the first day")),
            other => Ok(other),
        }));
        let name = errors.check(required_line("name", &self.name, 120).and_then(|n| plain_name("name", n)));
        let address = errors.check(required_text("address", &self.address, 500));
        let postcode = errors.check(if self.postcode.trim().is_empty() {
            Err(Problem::new("postcode", "must not be empty"))
        } else {
            Postcode::parse("postcode", &self.postcode).and_then(|p| crate::import::plausible(p, true))
        });
        let phone = errors.check(if self.phone.trim().is_empty() { Ok(None) } else { Phone::parse("phone", &self.phone).map(Some) });
        let email = errors.check(if self.email.trim().is_empty() { Ok(None) } else { Email::parse("email", &self.email).map(Some) });
        if matches!((&phone, &email), (Some(None), Some(None))) {
            errors.push(Problem::new("phone", "give a phone number or an email, so someone can reach them"));
        }
        let how_to_contact = errors.check(optional_text("how_to_contact", &self.how_to_contact, 500)).flatten().unwrap_or_default();
        let asked_by = errors.check(one_line_text("asked_by", &self.asked_by, 200)).flatten().unwrap_or_default();
        match (description, urgency, from_on, to_on, name, address, postcode, phone, email) {
            (
                Some(description),
                Some(urgency),
                Some(from_on),
                Some(to_on),
                Some(name),
                Some(address),
                Some(postcode),
                Some(phone),
                Some(email),
            ) if errors.is_empty() => {
                Ok(Need { category, description, urgency, from_on, to_on, name, address, postcode, phone, email, how_to_contact, asked_by })
            }
            _ => Err(errors),
        }
    }
}

/// Days of the week as bits: Monday is bit 0, Sunday bit 6.
pub fn day_bit(day: NaiveDate) -> i64 {
    1 << day.weekday().num_days_from_monday()
}

pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// What a volunteer says they can give, as typed.
#[derive(Clone, Debug, Default)]
pub struct OfferInput {
    pub categories: Vec<String>,
    pub postcode: String,
    pub radius_km: String,
    pub days: Vec<String>,
    pub from_hour: String,
    pub to_hour: String,
    pub transport: bool,
    pub paused: bool,
    pub per_week: String,
}

/// An offer, checked. Categories are the form's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub categories: Vec<String>,
    pub postcode: Option<Postcode>,
    pub radius_km: i64,
    pub days: i64,
    pub from_hour: i64,
    pub to_hour: i64,
    pub transport: bool,
    pub paused: bool,
    pub per_week: i64,
}

impl OfferInput {
    pub fn check(&self) -> Result<Offer, FieldErrors> {
        let mut errors = FieldErrors::default();
        let number = |field: &str, s: &str, range: std::ops::RangeInclusive<i64>, default: i64| -> Result<i64, Problem> {
            if s.trim().is_empty() {
                return Ok(default);
            }
            match s.trim().parse::<i64>() {
                Ok(n) if range.contains(&n) => Ok(n),
                _ => Err(Problem::new(field, format!("must be a whole number from {} to {}", range.start(), range.end()))),
            }
        };
        if self.categories.is_empty() && !self.paused {
            errors.push(Problem::new("categories", "choose at least one kind of help, or pause your offer"));
        }
        let postcode =
            errors.check(if self.postcode.trim().is_empty() { Ok(None) } else { Postcode::parse("postcode", &self.postcode).map(Some) });
        let radius_km = errors.check(number("radius_km", &self.radius_km, 1..=50, 3));
        let mut days = 0;
        for d in &self.days {
            match d.trim().parse::<u32>() {
                Ok(n) if n < 7 => days |= 1 << n,
                _ => errors.push(Problem::new("days", "choose days from the list")),
            }
        }
        if days == 0 && !self.paused {
            errors.push(Problem::new("days", "choose the days you are free, or pause your offer"));
        }
        let from_hour = errors.check(number("from_hour", &self.from_hour, 0..=23, 9));
        let to_hour = errors.check(number("to_hour", &self.to_hour, 1..=24, 18));
        if let (Some(from), Some(to)) = (from_hour, to_hour)
            && to <= from
        {
            errors.push(Problem::new("to_hour", "must be after the hour you start"));
        }
        let per_week = errors.check(number("per_week", &self.per_week, 1..=20, 2));
        match (postcode, radius_km, from_hour, to_hour, per_week) {
            (Some(postcode), Some(radius_km), Some(from_hour), Some(to_hour), Some(per_week)) if errors.is_empty() => Ok(Offer {
                categories: self.categories.clone(),
                postcode,
                radius_km,
                days,
                from_hour,
                to_hour,
                transport: self.transport,
                paused: self.paused,
                per_week,
            }),
            _ => Err(errors),
        }
    }
}

/// What ranking knows of a need.
#[derive(Clone, Copy, Debug)]
pub struct NeedFacts {
    pub needs_check: bool,
    pub at: Option<(f64, f64)>,
    pub from_on: Option<NaiveDate>,
    pub to_on: Option<NaiveDate>,
    pub today: NaiveDate,
}

/// What ranking knows of one volunteer's offer (already of the need's category).
#[derive(Clone, Debug)]
pub struct Candidate {
    pub checked: bool,
    pub paused: bool,
    pub at: Option<(f64, f64)>,
    pub radius_km: i64,
    pub days: i64,
    pub per_week: i64,
    /// Needs they accepted in the last 7 days.
    pub taken_this_week: i64,
    /// Days since they last finished one; none if never.
    pub days_since_helped: Option<i64>,
    /// Needs they declined this one already.
    pub declined: bool,
}

/// The most each part of the score can give: they sum to 100.
pub const WEIGHTS: [(&str, f64); 4] = [("distance", 40.0), ("availability", 25.0), ("load", 20.0), ("spread", 15.0)];

/// One part of a score, and why it is what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub factor: &'static str,
    pub points: f64,
    pub why: String,
}

/// Rank a candidate for a need: `Err` with the reason when they must not be
/// offered it, else the score's parts (their sum is the score, 0 to 100):
/// - distance, 40 × (1 − km ÷ their radius); 20 when either place is unknown;
/// - availability, 25 × the share of the need's days (its window, or the
///   next 7) on which they are free;
/// - load, 20 × (1 − needs taken in the last 7 days ÷ their weekly limit);
/// - spread, 15 × days since they last helped ÷ 14, at most 15 (15 if never),
///   so the work goes round.
pub fn rank(need: &NeedFacts, c: &Candidate) -> Result<Vec<Part>, String> {
    if need.needs_check && !c.checked {
        return Err("not safeguarding-checked, and this kind of help needs it".into());
    }
    if c.paused {
        return Err("has paused their offer".into());
    }
    if c.declined {
        return Err("declined this need".into());
    }
    if c.taken_this_week >= c.per_week {
        return Err(format!("has taken {} this week, their limit", c.taken_this_week));
    }
    let [(_, w_distance), (_, w_days), (_, w_load), (_, w_spread)] = WEIGHTS;
    let distance = match (need.at, c.at) {
        (Some(a), Some(b)) => {
            let km = kilometres(a, b);
            let radius = c.radius_km.max(1) as f64;
            if km > radius {
                return Err(format!("{km:.1} km away, beyond their {radius} km"));
            }
            Part { factor: "distance", points: w_distance * (1.0 - km / radius), why: format!("{km:.1} km away, within their {radius} km") }
        }
        _ => Part {
            factor: "distance",
            points: w_distance / 2.0,
            why: "distance not known (the need's postcode or theirs is not on the map)".into(),
        },
    };
    let first = need.from_on.unwrap_or(need.today).max(need.today);
    let last = need.to_on.unwrap_or(first + chrono::Duration::days(6)).max(first);
    let window: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).take(7).collect();
    let free = window.iter().filter(|d| c.days & day_bit(**d) != 0).count();
    let availability = Part {
        factor: "availability",
        points: w_days * free as f64 / window.len().max(1) as f64,
        why: format!("free on {free} of the {} days it is needed", window.len()),
    };
    let load = Part {
        factor: "load",
        points: w_load * (1.0 - c.taken_this_week as f64 / c.per_week.max(1) as f64),
        why: format!("{} of their {} a week taken", c.taken_this_week, c.per_week),
    };
    let spread = match c.days_since_helped {
        Some(d) => {
            let when = match d {
                ..=0 => "today".to_string(),
                1 => "yesterday".to_string(),
                d => format!("{d} days ago"),
            };
            Part { factor: "spread", points: w_spread * (d.clamp(0, 14) as f64 / 14.0), why: format!("last helped {when}") }
        }
        None => Part { factor: "spread", points: w_spread, why: "has not helped yet".into() },
    };
    Ok(vec![distance, availability, load, spread])
}

/// The distance between two points on the Earth, in kilometres (haversine).
pub fn kilometres((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().atan2((1.0 - a).sqrt())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn needs_move_only_by_the_rules() {
        use NeedStatus::*;
        assert!(New.can_become(Triaged) && Triaged.can_become(Offered) && Offered.can_become(Accepted));
        assert!(Offered.can_become(Triaged), "a decline goes back to be offered again");
        assert!(Accepted.can_become(InProgress) && InProgress.can_become(Done));
        assert!(!New.can_become(Accepted), "nobody accepts what was not offered them");
        assert!(!Done.can_become(Cancelled) && !Cancelled.can_become(Triaged) && !Expired.can_become(Offered));
        assert!(NeedStatus::ALL.iter().all(|s| s.can_become(Cancelled) == s.open()));
    }

    #[test]
    fn a_need_names_every_problem() {
        let e = NeedInput { postcode: "!!".into(), to_on: "2026-01-01".into(), ..Default::default() }.check(day("2026-11-27")).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["category", "description", "urgency", "to_on", "name", "address", "postcode", "phone"]);
        let ok = NeedInput {
            category: "groceries".into(),
            description: "Shopping for the week".into(),
            urgency: "this_week".into(),
            name: "Gwen Morgan".into(),
            address: "Flat 3, Bevan Court".into(),
            postcode: "np22 3ab".into(),
            phone: "07700 900123".into(),
            ..Default::default()
        };
        let need = ok.check(day("2026-11-27")).unwrap();
        assert_eq!((need.postcode.as_str(), need.urgency, need.email), ("NP22 3AB", Urgency::ThisWeek, None));
    }

    fn candidate() -> Candidate {
        Candidate {
            checked: false,
            paused: false,
            at: Some((51.7700, -3.2500)),
            radius_km: 5,
            days: 0b0011111,
            per_week: 2,
            taken_this_week: 0,
            days_since_helped: None,
            declined: false,
        }
    }

    #[test]
    fn ranking_keeps_to_the_rules_and_says_why() {
        // A Friday: the window Friday..Sunday, and they are free on weekdays only.
        let need = NeedFacts {
            needs_check: false,
            at: Some((51.7700, -3.2644)),
            from_on: None,
            to_on: Some(day("2026-11-29")),
            today: day("2026-11-27"),
        };
        let parts = rank(&need, &candidate()).unwrap();
        let total: f64 = parts.iter().map(|p| p.points).sum();
        assert!((parts[0].points - 40.0 * (1.0 - kilometres((51.77, -3.2644), (51.77, -3.25)) / 5.0)).abs() < 1e-9);
        assert_eq!(parts[1].why, "free on 1 of the 3 days it is needed");
        assert!((total - (parts[0].points + 25.0 / 3.0 + 20.0 + 15.0)).abs() < 1e-9);
        let checked = NeedFacts { needs_check: true, ..need };
        assert!(rank(&checked, &candidate()).unwrap_err().contains("safeguarding"));
        assert!(rank(&need, &Candidate { taken_this_week: 2, ..candidate() }).unwrap_err().contains("limit"));
        let far = NeedFacts { at: Some((51.8000, -3.2644)), ..need };
        assert!(rank(&far, &Candidate { radius_km: 1, ..candidate() }).unwrap_err().contains("beyond"));
        let unknown = rank(&NeedFacts { at: None, ..need }, &candidate()).unwrap();
        assert_eq!(unknown[0].points, 20.0);
        assert_eq!(WEIGHTS.iter().map(|(_, w)| w).sum::<f64>(), 100.0);
    }

    #[test]
    fn offers_are_checked() {
        let e =
            OfferInput { radius_km: "99".into(), from_hour: "18".into(), to_hour: "9".into(), ..Default::default() }.check().unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["categories", "radius_km", "days", "to_hour"]);
        let paused = OfferInput { paused: true, ..Default::default() }.check().unwrap();
        assert_eq!((paused.radius_km, paused.per_week, paused.days), (3, 2, 0));
        let o = OfferInput { categories: vec!["x".into()], days: vec!["0".into(), "6".into()], ..Default::default() }.check().unwrap();
        assert_eq!(o.days, 0b1000001);
    }
}
