//! Mutual aid: needs and the offers that meet them. A need moves through
//! its statuses by the rules below; offers are ranked for a need by a
//! documented weighted sum, with the reason for each part (`rank`).

mod follow;
mod rank;

pub use follow::{HowItWent, Repeats, Timing, Window, code_key, code_shown, involve_wording};
pub use rank::{Candidate, NeedFacts, Part, WEIGHTS, kilometres, rank, score};

use chrono::NaiveDate;

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

/// Where a need came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedSource {
    /// The public help form.
    Form,
    /// Taken by a coordinator, by phone or from paper.
    Coordinator,
}

crate::stored_as_text!(NeedSource { Form = "form", Coordinator = "coordinator" });

impl NeedSource {
    /// The first line of the need's history.
    pub fn words(self) -> &'static str {
        match self {
            NeedSource::Form => "asked on the help form",
            NeedSource::Coordinator => "taken by a coordinator",
        }
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
    #[serde(default)]
    pub repeats: String,
    /// The requester is happy for the same volunteer to come each time.
    #[serde(default)]
    pub same_volunteer: String,
    /// Said yes to hearing how to get involved.
    #[serde(default)]
    pub involve: String,
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
    pub repeats: Repeats,
    pub same_volunteer: bool,
    pub involve: bool,
}

impl NeedInput {
    pub fn check(&self, today: NaiveDate) -> Result<Need, FieldErrors> {
        let mut errors = FieldErrors::default();
        let category = self.category.trim().to_string();
        if category.is_empty() {
            errors.push(Problem::new("category", "choose what kind of help is needed"));
        }
        let description = errors.check(required_text("description", &self.description, 2000).map_err(|p| p.shown_as("What is needed")));
        let urgency = errors.check(Urgency::from_stored(self.urgency.trim()).ok_or_else(|| Problem::new("urgency", "choose how soon")));
        let date = |field: &str, s: &str| -> Result<Option<NaiveDate>, Problem> {
            if s.trim().is_empty() { Ok(None) } else { crate::conversations::parse_date(field, s).map(Some) }
        };
        // Help is asked for the coming weeks: a year either way is a typing slip.
        let (earliest, latest) = (today - chrono::Duration::days(365), today + chrono::Duration::days(365));
        let from_on = errors.check(date("from_on", &self.from_on).and_then(|from| match from {
            Some(d) if d < earliest => Err(Problem::new("from_on", "is more than a year ago: check the year")),
            Some(d) if d > latest => Err(Problem::new("from_on", "is more than a year away: check the year")),
            other => Ok(other),
        }));
        let to_on = errors.check(date("to_on", &self.to_on).and_then(|to| match to {
            Some(to) if to < today => Err(Problem::new("to_on", "has passed: give a date from today on")),
            Some(to) if to > latest => Err(Problem::new("to_on", "is more than a year away: check the year")),
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
        let repeats = match self.repeats.trim() {
            "" => Some(Repeats::Never),
            r => errors.check(Repeats::from_stored(r).ok_or_else(|| Problem::new("repeats", "choose how often from the list"))),
        };
        match (description, urgency, from_on, to_on, name, address, postcode, phone, email, repeats) {
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
                Some(repeats),
            ) if errors.is_empty() => Ok(Need {
                category,
                description,
                urgency,
                from_on,
                to_on,
                name,
                address,
                postcode,
                phone,
                email,
                how_to_contact,
                asked_by,
                repeats,
                same_volunteer: repeats != Repeats::Never && !self.same_volunteer.is_empty(),
                involve: !self.involve.is_empty(),
            }),
            _ => Err(errors),
        }
    }
}

/// The days of the week, Monday first: an offer keeps them as bits, Monday bit 0.
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
        let postcode = errors.check(if self.postcode.trim().is_empty() {
            Ok(None)
        } else {
            Postcode::parse("postcode", &self.postcode).and_then(|p| crate::import::plausible(p, false)).map(Some)
        });
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
pub(super) mod tests {
    use super::*;

    pub(in crate::aid) fn day(s: &str) -> NaiveDate {
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
        let far = NeedInput { from_on: "1999-01-01".into(), to_on: "3026-01-01".into(), ..Default::default() }.check(day("2026-11-27"));
        let far: Vec<String> = far.unwrap_err().0.iter().filter(|p| p.field.ends_with("_on")).map(|p| p.message.clone()).collect();
        assert_eq!(far, ["is more than a year ago: check the year", "must be in a year from 1900 to 2200"]);
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
