//! Events and actions: what an organiser sets up (a meeting, a demo, a
//! picket line, a training, a social, or a kind of the group's own), and
//! where each person stands with one (going, on the waiting list, or not
//! coming after all).

use chrono::{DateTime, Duration, Utc};

use crate::contact::{optional_text, required_line};
use crate::{CampaignId, FieldErrors, Problem};

/// What kind of event. The five every group has, or the group's own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    Meeting,
    Demo,
    PicketLine,
    Training,
    Social,
    /// A kind the group names itself ("tenants' assembly", "rent strike").
    Own(String),
}

impl EventKind {
    /// The kinds every group has, in the order forms offer them.
    pub const STANDARD: [EventKind; 5] =
        [EventKind::Meeting, EventKind::Demo, EventKind::PicketLine, EventKind::Training, EventKind::Social];

    /// How it is stored: a standard kind's key, or the group's words.
    pub fn as_stored(&self) -> &str {
        match self {
            EventKind::Meeting => "meeting",
            EventKind::Demo => "demo",
            EventKind::PicketLine => "picket_line",
            EventKind::Training => "training",
            EventKind::Social => "social",
            EventKind::Own(words) => words,
        }
    }

    pub fn from_stored(s: &str) -> EventKind {
        Self::STANDARD.into_iter().find(|k| k.as_stored() == s).unwrap_or_else(|| EventKind::Own(s.to_string()))
    }

    pub fn label(&self) -> &str {
        match self {
            EventKind::Meeting => "Meeting",
            EventKind::Demo => "Demo",
            EventKind::PicketLine => "Picket line",
            EventKind::Training => "Training",
            EventKind::Social => "Social",
            EventKind::Own(words) => words,
        }
    }

    /// Demos and picket lines are actions: coming to one counts on the
    /// ladder as taking action; coming to any other kind, as coming to a
    /// meeting.
    pub fn is_action(&self) -> bool {
        matches!(self, EventKind::Demo | EventKind::PicketLine)
    }
}

/// Where a person stands with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsvpStatus {
    /// Has a place.
    Going,
    /// Asked when every place was taken: offered the next place that frees up.
    Waiting,
    /// Said they cannot come after all.
    Cancelled,
}

crate::stored_as_text!(RsvpStatus { Going = "going", Waiting = "waiting", Cancelled = "cancelled" });

impl RsvpStatus {
    pub fn label(self) -> &'static str {
        match self {
            RsvpStatus::Going => "Going",
            RsvpStatus::Waiting => "On the waiting list",
            RsvpStatus::Cancelled => "Can't come",
        }
    }

    /// OSDI's word for it.
    pub fn osdi(self) -> &'static str {
        match self {
            RsvpStatus::Going => "accepted",
            RsvpStatus::Waiting => "tentative",
            RsvpStatus::Cancelled => "declined",
        }
    }

    /// From OSDI's word; "needs action" and unknown words are not ours to store.
    pub fn from_osdi(s: &str) -> Option<RsvpStatus> {
        match s {
            "accepted" => Some(RsvpStatus::Going),
            "tentative" => Some(RsvpStatus::Waiting),
            "declined" => Some(RsvpStatus::Cancelled),
            _ => None,
        }
    }
}

/// The most places an event can have.
pub const MAX_CAPACITY: i64 = 1_000_000;

/// The longest ahead a reminder can go: a week.
pub const MAX_REMIND_HOURS: i64 = 168;

/// The longest an event can last: a fortnight (a camp, an occupation).
pub const LONGEST: Duration = Duration::days(14);

/// What an organiser sets, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventText {
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: String,
    pub capacity: Option<i64>,
    pub is_public: bool,
    pub remind_hours: i64,
    pub campaign: Option<CampaignId>,
}

/// What the organiser's form sends, as typed. Times come already read in
/// the group's time zone (the web layer knows it), each a result that
/// names its field.
#[derive(Clone, Debug)]
pub struct EventInput<'a> {
    /// A standard kind's key, or "own" with `own_kind` holding the words.
    pub kind: &'a str,
    pub own_kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub starts_at: Result<DateTime<Utc>, Problem>,
    pub ends_at: Result<DateTime<Utc>, Problem>,
    pub location: &'a str,
    pub capacity: &'a str,
    pub is_public: bool,
    pub remind_hours: &'a str,
    pub campaign: &'a str,
}

impl EventInput<'_> {
    pub fn check(self) -> Result<EventText, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = errors.check(match self.kind.trim() {
            "own" => required_line("own_kind", self.own_kind, 60).map(|w| EventKind::from_stored(&w)),
            k => EventKind::STANDARD
                .into_iter()
                .find(|s| s.as_stored() == k)
                .ok_or_else(|| Problem::new("kind", "choose a kind of event, or name your own")),
        });
        let title = errors.check(required_line("title", self.title, 200));
        let description = errors.check(optional_text("description", self.description, 20_000)).flatten().unwrap_or_default();
        let starts_at = errors.check(self.starts_at);
        let ends_at = errors.check(self.ends_at);
        if let (Some(s), Some(e)) = (starts_at, ends_at) {
            if e <= s {
                errors.push(Problem::new("ends_at", "must be after it starts"));
            } else if e - s > LONGEST {
                errors.push(Problem::new("ends_at", "must be within a fortnight of the start"));
            }
        }
        let location = errors.check(required_line("location", self.location, 300));
        let capacity = errors
            .check(match self.capacity.trim().replace(',', "").as_str() {
                "" => Ok(None),
                s => s.parse::<i64>().ok().filter(|n| (1..=MAX_CAPACITY).contains(n)).map(Some).ok_or_else(|| {
                    Problem::new("capacity", format!("must be a whole number of places from 1 to {MAX_CAPACITY}, or empty for no limit"))
                }),
            })
            .flatten();
        let remind_hours = errors.check(match self.remind_hours.trim() {
            "" => Ok(0),
            s => s.parse::<i64>().ok().filter(|n| (0..=MAX_REMIND_HOURS).contains(n)).ok_or_else(|| {
                Problem::new("remind_hours", format!("must be a whole number of hours from 0 (no reminder) to {MAX_REMIND_HOURS}"))
            }),
        });
        let campaign = errors
            .check(match self.campaign.trim() {
                "" => Ok(None),
                s => s.parse::<CampaignId>().map(Some).map_err(|_| Problem::new("campaign", "choose one of the group's campaigns")),
            })
            .flatten();
        match (kind, title, starts_at, ends_at, location, remind_hours) {
            (Some(kind), Some(title), Some(starts_at), Some(ends_at), Some(location), Some(remind_hours)) if errors.is_empty() => {
                Ok(EventText {
                    kind,
                    title,
                    description,
                    starts_at,
                    ends_at,
                    location,
                    capacity,
                    is_public: self.is_public,
                    remind_hours,
                    campaign,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> Result<DateTime<Utc>, Problem> {
        Utc.with_ymd_and_hms(2026, 12, 3, h, 0, 0).single().ok_or_else(|| Problem::new("t", "none"))
    }

    fn input<'a>() -> EventInput<'a> {
        EventInput {
            kind: "meeting",
            own_kind: "",
            title: "Brookfield residents' meeting",
            description: "",
            starts_at: at(18),
            ends_at: at(20),
            location: "Brookfield Community Centre",
            capacity: "",
            is_public: true,
            remind_hours: "24",
            campaign: "",
        }
    }

    #[test]
    fn a_good_event_and_the_groups_own_kind() {
        let e = input().check();
        assert_eq!(e.as_ref().map(|e| (&e.kind, e.capacity, e.remind_hours)), Ok((&EventKind::Meeting, None, 24)));
        let own = EventInput { kind: "own", own_kind: "Rent strike assembly", capacity: "1,200", ..input() }.check();
        assert_eq!(own.as_ref().map(|e| e.kind.label()), Ok("Rent strike assembly"));
        assert_eq!(own.map(|e| e.capacity), Ok(Some(1200)));
        assert_eq!(EventKind::from_stored("picket_line"), EventKind::PicketLine);
        assert!(EventKind::from_stored("picket_line").is_action() && !EventKind::from_stored("Rent strike assembly").is_action());
    }

    #[test]
    fn each_problem_is_named() {
        let bad = EventInput {
            kind: "rave",
            title: "",
            ends_at: at(17),
            location: " ",
            capacity: "0",
            remind_hours: "900",
            campaign: "x",
            ..input()
        };
        let errors = bad.check().err().unwrap_or_default();
        for field in ["kind", "title", "ends_at", "location", "capacity", "remind_hours", "campaign"] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
        let no_words = EventInput { kind: "own", own_kind: "", ..input() }.check().err().unwrap_or_default();
        assert!(no_words.message_for("own_kind").is_some());
        let unread = EventInput { starts_at: Err(Problem::new("starts_at", "must be a date and time")), ..input() };
        assert!(unread.check().err().unwrap_or_default().message_for("starts_at").is_some());
    }

    #[test]
    fn statuses_speak_osdi() {
        for s in RsvpStatus::ALL {
            assert_eq!(RsvpStatus::from_osdi(s.osdi()), Some(*s));
        }
        assert_eq!(RsvpStatus::from_osdi("needs action"), None);
    }
}
