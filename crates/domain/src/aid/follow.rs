//! What carries a need through: whether it comes round again, how the one
//! helped said it went (and the code they type to say it), and how long a
//! group's needs may wait.

use chrono::NaiveDate;

use super::Urgency;
use crate::{FieldErrors, Problem};

/// Whether a need comes round again, like the weekly shopping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeats {
    Never,
    Weekly,
    Fortnightly,
}

crate::stored_as_text!(Repeats { Never = "never", Weekly = "weekly", Fortnightly = "fortnightly" });

impl Repeats {
    pub fn label(self) -> &'static str {
        match self {
            Repeats::Never => "Just this once",
            Repeats::Weekly => "Every week",
            Repeats::Fortnightly => "Every two weeks",
        }
    }

    /// Days from one to the next.
    pub fn days(self) -> Option<i64> {
        match self {
            Repeats::Never => None,
            Repeats::Weekly => Some(7),
            Repeats::Fortnightly => Some(14),
        }
    }

    /// The window of the next one after a need from `from` to `to` (made on
    /// `made`), moved on whole periods until it starts no earlier than `today`.
    pub fn next(self, from: Option<NaiveDate>, to: Option<NaiveDate>, made: NaiveDate, today: NaiveDate) -> Option<Window> {
        let step = chrono::Duration::days(self.days()?);
        let start = from.unwrap_or(made);
        let mut next = start + step;
        while next < today {
            next += step;
        }
        let length = to.map(|to| to - start);
        Some(Window { from: next, to: length.map(|l| next + l) })
    }

    /// Its radio button's id, as `Urgency::field_id`.
    pub fn field_id(self) -> String {
        if self == Repeats::Never { "repeats".into() } else { format!("repeats-{}", self.as_str()) }
    }
}

/// When a need is to be met: from a day, perhaps until another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// How it went, in the words of the one who was helped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HowItWent {
    WentWell,
    Partly,
    NotWell,
}

crate::stored_as_text!(HowItWent { WentWell = "went_well", Partly = "partly", NotWell = "not_well" });

impl HowItWent {
    pub fn label(self) -> &'static str {
        match self {
            HowItWent::WentWell => "It went well",
            HowItWent::Partly => "Partly: some of it was done",
            HowItWent::NotWell => "It did not go well",
        }
    }

    /// In a chart's few words.
    pub fn short(self) -> &'static str {
        match self {
            HowItWent::WentWell => "Went well",
            HowItWent::Partly => "Partly",
            HowItWent::NotWell => "Not well",
        }
    }

    pub fn field_id(self) -> String {
        if self == HowItWent::WentWell { "how".into() } else { format!("how-{}", self.as_str()) }
    }
}

/// A feedback code as typed from a card: letters and digits only, in capitals
/// ("k7p3-qx2a " is "K7P3QX2A").
pub fn code_key(typed: &str) -> String {
    typed.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// A code as printed: two fours ("K7P3-QX2A").
pub fn code_shown(key: &str) -> String {
    key.chars().enumerate().flat_map(|(i, c)| (i == 4).then_some('-').into_iter().chain([c])).collect()
}

/// The words beside the "get involved" box, kept with each yes.
pub fn involve_wording(group: &str) -> String {
    format!("I'd like to hear how I can get involved with {group}. (You can say no at any time.)")
}

/// How long a group's needs may wait, in hours: for a volunteer's answer to
/// an offer, and for anyone to take a need on (by how soon it is needed)
/// before the coordinators are told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Timing {
    pub answer_within_hours: i64,
    pub escalate_today_hours: i64,
    pub escalate_this_week_hours: i64,
    pub escalate_when_possible_hours: i64,
}

impl Default for Timing {
    fn default() -> Self {
        Timing { answer_within_hours: 24, escalate_today_hours: 2, escalate_this_week_hours: 12, escalate_when_possible_hours: 48 }
    }
}

impl Timing {
    /// The shortest wait any group may set: the sweep looks no further back.
    pub const SHORTEST_HOURS: i64 = 1;

    pub fn answer_within(&self) -> chrono::Duration {
        chrono::Duration::hours(self.answer_within_hours)
    }

    pub fn escalate_after(&self, urgency: Urgency) -> chrono::Duration {
        chrono::Duration::hours(match urgency {
            Urgency::Today => self.escalate_today_hours,
            Urgency::ThisWeek => self.escalate_this_week_hours,
            Urgency::WhenPossible => self.escalate_when_possible_hours,
        })
    }

    /// Hours as typed on the form, each from 1 to 720 (30 days).
    pub fn parse(typed: [(&str, &str); 4]) -> Result<Timing, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut hours = typed.map(|(field, s)| {
            errors.check(match s.trim().parse::<i64>() {
                Ok(h @ Timing::SHORTEST_HOURS..=720) => Ok(h),
                _ => Err(Problem::new(field, "must be a whole number of hours from 1 to 720")),
            })
        });
        match hours.as_mut() {
            [Some(a), Some(t), Some(w), Some(p)] if errors.is_empty() => Ok(Timing {
                answer_within_hours: *a,
                escalate_today_hours: *t,
                escalate_this_week_hours: *w,
                escalate_when_possible_hours: *p,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::super::tests::day;
    use super::*;

    #[test]
    fn repeats_come_round_from_today_on() {
        let (made, today) = (day("2026-11-02"), day("2026-11-27"));
        assert_eq!(Repeats::Never.next(None, None, made, today), None);
        let w = Repeats::Weekly.next(Some(day("2026-11-20")), Some(day("2026-11-22")), made, day("2026-11-21")).unwrap();
        assert_eq!((w.from, w.to), (day("2026-11-27"), Some(day("2026-11-29"))));
        // Done late: it skips the weeks already gone, keeping the weekday.
        let w = Repeats::Fortnightly.next(None, None, made, today).unwrap();
        assert_eq!((w.from, w.to), (day("2026-11-30"), None));
        assert_eq!(code_key(" k7p3-qx2a "), "K7P3QX2A");
        assert_eq!(code_shown("K7P3QX2A"), "K7P3-QX2A");
    }

    #[test]
    fn timing_is_in_whole_hours() {
        let ok = Timing::parse([("a", "24"), ("t", "1"), ("w", "12"), ("p", "720")]).unwrap();
        assert_eq!(ok.escalate_after(Urgency::Today), chrono::Duration::hours(1));
        let e = Timing::parse([("a", "0"), ("t", "x"), ("w", "12"), ("p", "721")]).unwrap_err();
        assert_eq!(e.0.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["a", "t", "p"]);
    }
}
