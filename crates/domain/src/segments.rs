//! Segments: saved searches that combine filters with and, or and not. A
//! segment's definition is a tree of these; a rule may name another list,
//! so segments nest. Stored as JSON; the db crate turns a tree into SQL.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{CampaignId, CustomFieldId, Level, ListId, Problem, TagId, ThemeId};

/// A segment is worked out each time it is read; a static list holds the
/// people put on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    Segment,
    Static,
}

crate::stored_as_text!(ListKind { Segment = "segment", Static = "static" });

/// One test of a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Has this tag.
    Tag {
        tag: TagId,
    },
    /// Assessed at one of these levels on the campaign.
    Assessment {
        campaign: CampaignId,
        levels: Vec<Level>,
    },
    /// Raised this issue in a conversation.
    Issue {
        theme: ThemeId,
    },
    /// Has an address whose postcode starts with this (a district, "CF10", or a whole postcode).
    Postcode {
        prefix: String,
    },
    /// Nobody has spoken to them since this day (never counts too).
    NotContactedSince {
        day: NaiveDate,
    },
    /// Someone has spoken to them on or since this day.
    ContactedSince {
        day: NaiveDate,
    },
    /// Nobody has spoken to them in the last this many days (never counts
    /// too). Worked out afresh each time the segment is read.
    NotContactedInDays {
        days: i64,
    },
    /// Someone has spoken to them in the last this many days.
    ContactedInDays {
        days: i64,
    },
    /// Nobody has ever logged a conversation with them.
    NeverContacted,
    HasEmail,
    HasPhone,
    /// Has an email address subscribed to the group's emails.
    Subscribed,
    /// This custom field has this value.
    Custom {
        field: CustomFieldId,
        value: String,
    },
    /// Is on another list: a static list's people, or a segment's matches.
    OnList {
        list: ListId,
    },
    /// Asked not to be called.
    DoNotCall,
    /// Stands on this rung of the ladder.
    Rung {
        rung: crate::RungId,
    },
}

/// A definition: rules combined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", content = "of", rename_all = "snake_case")]
pub enum Node {
    /// Every part holds (and). No parts: everyone.
    All(Vec<Node>),
    /// Some part holds (or). No parts: nobody.
    Any(Vec<Node>),
    Not(Box<Node>),
    Rule(Rule),
}

impl Default for Node {
    fn default() -> Self {
        Node::All(Vec::new())
    }
}

/// How deep a definition may nest, lists within lists included.
pub const MAX_DEPTH: usize = 8;

/// The most rules a definition may hold, lists within it worked out.
pub const MAX_RULES: usize = 100;

/// How far back "contacted in the last N days" may look: ten years.
pub const DAYS: std::ops::RangeInclusive<i64> = 1..=3650;

/// A number of days for a contacted rule, as typed.
pub fn days(s: &str) -> Result<i64, Problem> {
    s.trim().parse().ok().filter(|n| DAYS.contains(n)).ok_or_else(days_problem)
}

fn days_problem() -> Problem {
    Problem::new("days", format!("must be a number of days from {} to {}", DAYS.start(), DAYS.end()))
}

impl Node {
    /// The tree with each rule counted back from today given its date
    /// ("not spoken to in 30 days" becomes "not since 27 Oct").
    pub fn dated(&self, today: NaiveDate) -> Node {
        // `check_rules` bounds the days; an unchecked tree reaches the first day, not a panic.
        let back = |days: i64| chrono::Duration::try_days(days).and_then(|d| today.checked_sub_signed(d)).unwrap_or(NaiveDate::MIN);
        match self {
            Node::All(parts) => Node::All(parts.iter().map(|p| p.dated(today)).collect()),
            Node::Any(parts) => Node::Any(parts.iter().map(|p| p.dated(today)).collect()),
            Node::Not(inner) => Node::Not(Box::new(inner.dated(today))),
            Node::Rule(Rule::NotContactedInDays { days }) => Node::Rule(Rule::NotContactedSince { day: back(*days) }),
            Node::Rule(Rule::ContactedInDays { days }) => Node::Rule(Rule::ContactedSince { day: back(*days) }),
            Node::Rule(r) => Node::Rule(r.clone()),
        }
    }

    /// The rules in this tree, in order.
    pub fn rules(&self) -> Vec<&Rule> {
        match self {
            Node::All(parts) | Node::Any(parts) => parts.iter().flat_map(Node::rules).collect(),
            Node::Not(inner) => inner.rules(),
            Node::Rule(r) => vec![r],
        }
    }

    pub fn depth(&self) -> usize {
        match self {
            Node::All(parts) | Node::Any(parts) => 1 + parts.iter().map(Node::depth).max().unwrap_or(0),
            Node::Not(inner) => 1 + inner.depth(),
            Node::Rule(_) => 1,
        }
    }

    /// The tree's own shape is sound: not too deep, levels and prefixes given.
    pub fn check(&self) -> Result<(), Problem> {
        if self.depth() > MAX_DEPTH {
            return Err(Problem::new("definition", format!("nests more than {MAX_DEPTH} deep")));
        }
        self.check_rules()
    }

    /// Its rules are sound, and not too many: for a definition with the
    /// lists it names worked out into it.
    pub fn check_rules(&self) -> Result<(), Problem> {
        if self.rules().len() > MAX_RULES {
            return Err(Problem::new("definition", format!("has more than {MAX_RULES} rules, lists within it included")));
        }
        for r in self.rules() {
            match r {
                Rule::Custom { value, .. } if value.chars().count() > 500 => {
                    return Err(Problem::new("value", "is too long (500 characters at most)"));
                }
                Rule::Postcode { prefix } if prefix.chars().count() > 10 => {
                    return Err(Problem::new("postcode", "is too long for a postcode"));
                }
                Rule::Assessment { levels, .. } if levels.is_empty() => return Err(Problem::new("levels", "choose at least one level")),
                Rule::NotContactedInDays { days } | Rule::ContactedInDays { days } if !DAYS.contains(days) => {
                    return Err(days_problem());
                }
                Rule::Postcode { prefix } if crate::contact::postcode_key(prefix).is_empty() => {
                    return Err(Problem::new("postcode", "type a postcode or the start of one, such as CF10"));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_definition_round_trips_through_json() {
        let tag = TagId::new();
        let n = Node::All(vec![
            Node::Rule(Rule::Tag { tag }),
            Node::Not(Box::new(Node::Any(vec![Node::Rule(Rule::HasEmail), Node::Rule(Rule::NeverContacted)]))),
        ]);
        let json = serde_json::to_string(&n).unwrap();
        assert!(json.contains("\"op\":\"all\"") && json.contains("\"rule\":\"tag\""), "{json}");
        assert_eq!(serde_json::from_str::<Node>(&json).unwrap(), n);
        assert_eq!(n.rules().len(), 3);
        assert_eq!(n.depth(), 4);
    }

    #[test]
    fn bad_shapes_are_named() {
        let deep = (0..10).fold(Node::Rule(Rule::HasPhone), |n, _| Node::Not(Box::new(n)));
        assert!(deep.check().is_err_and(|p| p.field == "definition"));
        let empty = Node::Rule(Rule::Assessment { campaign: CampaignId::new(), levels: vec![] });
        assert!(empty.check().is_err_and(|p| p.field == "levels"));
        assert!(Node::Rule(Rule::Postcode { prefix: " - ".into() }).check().is_err_and(|p| p.field == "postcode"));
    }
}
