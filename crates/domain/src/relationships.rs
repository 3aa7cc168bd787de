//! Relationships: typed links between people, each with a strength. The
//! common kinds are built in; a group adds its own.

use crate::Problem;

/// The kinds every group has, as stored and as read.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("family", "Family"),
    ("household", "Same household"),
    ("neighbour", "Neighbour"),
    ("co_worker", "Co-worker"),
    ("friend", "Friend"),
    ("recruited_by", "Recruited by"),
    ("influences", "Influences"),
];

/// The words for a kind: a built-in's label, or a group's own name as it is.
pub fn kind_label(kind: &str) -> &str {
    BUILT_IN.iter().find(|(k, _)| *k == kind).map_or(kind, |(_, label)| label)
}

/// How a link of this kind reads between its two people ("Ann {phrase}
/// Bob"): the link from Ann to Bob says what Ann is to Bob.
pub fn kind_phrase(kind: &str) -> String {
    match kind {
        "family" => "is family of".into(),
        "household" => "shares a household with".into(),
        "neighbour" => "is a neighbour of".into(),
        "co_worker" => "is a co-worker of".into(),
        "friend" => "is a friend of".into(),
        "recruited_by" => "was recruited by".into(),
        "influences" => "influences".into(),
        own => format!("is “{own}” to"),
    }
}

/// How strong a link is, 1 (slight) to 5 (close).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Strength(pub u8);

impl Strength {
    pub fn parse(field: &str, s: &str) -> Result<Strength, Problem> {
        match s.trim().parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Strength(n)),
            _ => Err(Problem::new(field, "must be from 1 (slight) to 5 (close)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_strengths() {
        assert_eq!(kind_label("recruited_by"), "Recruited by");
        assert_eq!(kind_label("Same union branch"), "Same union branch");
        assert_eq!(kind_phrase("recruited_by"), "was recruited by");
        assert_eq!(kind_phrase("Same union branch"), "is “Same union branch” to");
        assert_eq!(Strength::parse("strength", "5"), Ok(Strength(5)));
        assert!(Strength::parse("strength", "0").is_err_and(|p| p.field == "strength"));
        assert!(Strength::parse("strength", "x").is_err());
    }
}
