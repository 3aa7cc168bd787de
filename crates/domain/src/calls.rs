//! Call lists: a segment or list turned into calls, split among volunteers.

use crate::Problem;

/// How a call went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    NoAnswer,
    WrongNumber,
    Spoke,
    CallBack,
    /// They asked not to be called again: every later call list leaves them out.
    DoNotCall,
}

crate::stored_as_text!(Outcome {
    NoAnswer = "no_answer",
    WrongNumber = "wrong_number",
    Spoke = "spoke",
    CallBack = "call_back",
    DoNotCall = "do_not_call",
});

impl Outcome {
    pub fn parse(field: &str, s: &str) -> Result<Outcome, Problem> {
        Outcome::from_stored(s.trim()).ok_or_else(|| Problem::new(field, "choose how the call went"))
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::NoAnswer => "No answer",
            Outcome::WrongNumber => "Wrong number",
            Outcome::Spoke => "Spoke to them",
            Outcome::CallBack => "Call back later",
            Outcome::DoNotCall => "Do not call",
        }
    }
}

/// Whether volunteers can work a call list or a walk list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStatus {
    Open,
    Closed,
}

crate::stored_as_text!(ListStatus { Open = "open", Closed = "closed" });

impl ListStatus {
    pub fn parse(field: &str, s: &str) -> Result<ListStatus, Problem> {
        ListStatus::from_stored(s.trim()).ok_or_else(|| Problem::new(field, "must be open or closed"))
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn outcomes_parse_from_their_words() {
        assert_eq!(Outcome::parse("outcome", "do_not_call"), Ok(Outcome::DoNotCall));
        assert!(Outcome::parse("outcome", "maybe").is_err_and(|p| p.field == "outcome"));
        assert!(Outcome::ALL.iter().all(|o| Outcome::from_stored(o.as_str()) == Some(*o)));
    }
}
