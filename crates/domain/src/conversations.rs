//! Conversations: the one-to-ones, door knocks, calls and meetings that
//! organising is built on, and what they reveal.

use crate::Problem;

/// How a conversation was held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    OneToOne,
    DoorKnock,
    PhoneCall,
    Meeting,
}

crate::stored_as_text!(ConversationKind { OneToOne = "one_to_one", DoorKnock = "door_knock", PhoneCall = "phone_call", Meeting = "meeting" });

impl ConversationKind {
    pub fn parse(field: &str, s: &str) -> Result<ConversationKind, Problem> {
        ConversationKind::from_stored(s.trim())
            .ok_or_else(|| Problem::new(field, "must be one of: one_to_one, door_knock, phone_call, meeting"))
    }

    pub fn label(self) -> &'static str {
        match self {
            ConversationKind::OneToOne => "One-to-one",
            ConversationKind::DoorKnock => "Door knock",
            ConversationKind::PhoneCall => "Phone call",
            ConversationKind::Meeting => "Meeting",
        }
    }
}

/// The answer to the ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Maybe,
}

crate::stored_as_text!(Answer { Yes = "yes", No = "no", Maybe = "maybe" });

impl Answer {
    /// An answer, or none when the field is empty (no ask was made).
    pub fn parse_optional(field: &str, s: &str) -> Result<Option<Answer>, Problem> {
        match s.trim() {
            "" => Ok(None),
            t => Answer::from_stored(t).map(Some).ok_or_else(|| Problem::new(field, "must be yes, no or maybe")),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "Yes",
            Answer::No => "No",
            Answer::Maybe => "Maybe",
        }
    }
}

/// A theme's key: folded so "Damp", "damp " and "DÂMP" are one theme.
pub fn theme_key(name: &str) -> String {
    crate::text::words(name).join(" ")
}

/// The years a typed date may fall in: wide enough for any organising,
/// narrow enough that arithmetic on them never overflows.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A date typed in a form (`2026-12-01`).
pub fn parse_date(field: &str, s: &str) -> Result<chrono::NaiveDate, Problem> {
    use chrono::Datelike;
    match chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) if YEARS.contains(&d.year()) => Ok(d),
        Ok(_) => Err(Problem::new(field, format!("must be in a year from {} to {}", YEARS.start(), YEARS.end()))),
        Err(_) => Err(Problem::new(field, "must be a date, such as 2026-12-01")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_parse_and_round_trip() {
        assert_eq!(ConversationKind::parse("kind", "door_knock"), Ok(ConversationKind::DoorKnock));
        assert!(ConversationKind::parse("kind", "chat").is_err_and(|p| p.field == "kind"));
        assert_eq!(Answer::parse_optional("answer", " maybe "), Ok(Some(Answer::Maybe)));
        assert_eq!(Answer::parse_optional("answer", ""), Ok(None));
        assert!(Answer::parse_optional("answer", "perhaps").is_err_and(|p| p.message.contains("yes, no or maybe")));
        assert!(ConversationKind::ALL.iter().all(|k| ConversationKind::from_stored(k.as_str()) == Some(*k)));
    }

    #[test]
    fn themes_fold_case_and_spaces() {
        assert_eq!(theme_key("  Damp   and Mould "), "damp and mould");
        assert_eq!(theme_key("DAMP and mould"), theme_key("damp and mould"));
    }

    #[test]
    fn dates_are_iso_days() {
        assert_eq!(parse_date("due", "2026-12-01").map(|d| d.to_string()), Ok("2026-12-01".into()));
        assert!(parse_date("due", "1/12/26").is_err_and(|p| p.field == "due"));
        assert!(parse_date("due", "+262142-12-31").is_err() && parse_date("due", "1066-10-14").is_err());
    }
}
