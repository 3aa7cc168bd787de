//! The ladder of engagement: the rungs a group sets (contacted, came to a
//! meeting, took action, brought others, leader), each earned by a rule on
//! the person's record, or set by hand with a reason.

use serde::{Deserialize, Serialize};

use crate::{Level, Problem};

/// What earns a rung.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RungRule {
    /// Spoken with at least this many times.
    Conversations { at_least: i64 },
    /// Came to at least this many meetings: conversations held as meetings,
    /// and events they were checked in at that are not actions.
    Meetings { at_least: i64 },
    /// Took part in at least this many actions: demos and picket lines they
    /// were checked in at.
    Actions { at_least: i64 },
    /// Said yes to at least this many asks.
    SaidYes { at_least: i64 },
    /// Brought at least this many people in ("recruited by" them).
    Recruited { at_least: i64 },
    /// Assessed at this level or closer (1 is a leader) on some campaign.
    AssessedAtMost { level: Level },
    /// Helped with at least this many needs, as a mutual-aid volunteer.
    Helped { at_least: i64 },
}

/// The kinds of rule a group can set, with their words.
pub const RULES: &[(&str, &str)] = &[
    ("conversations", "Spoken with at least N times"),
    ("meetings", "Came to at least N meetings"),
    ("actions", "Took part in at least N actions (demos, picket lines)"),
    ("said_yes", "Said yes to at least N asks"),
    ("recruited", "Brought at least N people in"),
    ("assessed_at_most", "Assessed at level N or closer on a campaign"),
    ("helped", "Helped with at least N needs (mutual aid)"),
    ("by_hand", "Only set by hand"),
];

impl RungRule {
    /// A rule from the form's kind and number; `None` for "only by hand".
    pub fn parse(kind: &str, number: &str) -> Result<Option<RungRule>, Problem> {
        let n = || match number.trim().parse::<i64>() {
            Ok(n @ 1..=1000) => Ok(n),
            _ => Err(Problem::new("number", "must be a whole number from 1 to 1000")),
        };
        Ok(Some(match kind.trim() {
            "conversations" => RungRule::Conversations { at_least: n()? },
            "meetings" => RungRule::Meetings { at_least: n()? },
            "actions" => RungRule::Actions { at_least: n()? },
            "said_yes" => RungRule::SaidYes { at_least: n()? },
            "recruited" => RungRule::Recruited { at_least: n()? },
            "assessed_at_most" => RungRule::AssessedAtMost { level: Level::parse("number", number)? },
            "helped" => RungRule::Helped { at_least: n()? },
            "by_hand" => return Ok(None),
            _ => return Err(Problem::new("rule", "choose what earns this rung")),
        }))
    }

    pub fn describe(&self) -> String {
        let times = |n: i64, one: &str, many: &str| if n == 1 { one.to_string() } else { format!("{n} {many}") };
        match self {
            RungRule::Conversations { at_least } => format!("spoken with {}", times(*at_least, "once", "times")),
            RungRule::Meetings { at_least } => format!("came to {}", times(*at_least, "a meeting", "meetings")),
            RungRule::Actions { at_least } => format!("took part in {}", times(*at_least, "an action", "actions")),
            RungRule::SaidYes { at_least } => format!("said yes to {}", times(*at_least, "an ask", "asks")),
            RungRule::Recruited { at_least } => format!("brought in {}", times(*at_least, "someone", "people")),
            RungRule::AssessedAtMost { level } => format!("assessed {level} or closer on a campaign"),
            RungRule::Helped { at_least } => format!("helped with {}", times(*at_least, "a need", "needs")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RungRule;

    #[test]
    fn rules_parse_from_the_form() {
        assert_eq!(RungRule::parse("meetings", "2"), Ok(Some(RungRule::Meetings { at_least: 2 })));
        assert_eq!(RungRule::parse("by_hand", ""), Ok(None));
        assert!(RungRule::parse("meetings", "0").is_err_and(|p| p.field == "number"));
        assert!(RungRule::parse("assessed_at_most", "7").is_err_and(|p| p.field == "number"));
        assert!(RungRule::parse("vibes", "1").is_err_and(|p| p.field == "rule"));
        assert_eq!(RungRule::Meetings { at_least: 2 }.describe(), "came to 2 meetings");
        assert_eq!(RungRule::Conversations { at_least: 1 }.describe(), "spoken with once");
        assert_eq!(RungRule::parse("helped", "3"), Ok(Some(RungRule::Helped { at_least: 3 })));
        assert_eq!(RungRule::Helped { at_least: 1 }.describe(), "helped with a need");
    }
}
