//! What a campaign asks of representatives: to come to an action, or a
//! letter; and the reply they gave.

use chrono::NaiveDate;

use crate::contact::{optional_text, required_text};
use crate::{FieldErrors, Problem};

/// What was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AskKind {
    /// To come to an action: a picket line, a public meeting, a demo.
    Invitation,
    Letter,
    /// To sign a pledge the group wrote, on a public page they reach by a
    /// link sent to their official address.
    Pledge,
}

crate::stored_as_text!(AskKind { Invitation = "invitation", Letter = "letter", Pledge = "pledge" });

impl AskKind {
    pub fn parse(field: &str, s: &str) -> Result<AskKind, Problem> {
        crate::one_of(field, s, AskKind::ALL, AskKind::as_str)
    }

    pub fn label(self) -> &'static str {
        match self {
            AskKind::Invitation => "Invitation to an action",
            AskKind::Letter => "Letter",
            AskKind::Pledge => "Pledge to sign",
        }
    }
}

/// An ask as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    pub kind: AskKind,
    pub subject: String,
    pub body: String,
    /// Email it to each representative's official address, or only record it.
    pub send: bool,
}

/// The ask form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AskInput {
    pub kind: String,
    /// The representatives asked, by id.
    pub representatives: Vec<String>,
    /// For an invitation: the event, by id.
    pub event: String,
    pub subject: String,
    pub body: String,
    pub send: Option<String>,
}

impl AskInput {
    pub fn check(&self) -> Result<Ask, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = errors.check(AskKind::parse("kind", &self.kind));
        if self.representatives.is_empty() {
            errors.push(Problem::new("representatives", "choose at least one"));
        }
        if kind == Some(AskKind::Invitation) && self.event.trim().is_empty() {
            errors.push(Problem::new("event", "choose the action they are invited to"));
        }
        let subject = errors.check(required_text("subject", &self.subject, 200));
        // A pledge's body is the pledge itself, shown on public pages once
        // signed: short enough to sign, and read as it is.
        let body = if kind == Some(AskKind::Pledge) {
            errors.check(super::shown("body", &self.body, 2000))
        } else {
            errors.check(required_text("body", &self.body, 20_000))
        };
        match (kind, subject, body) {
            (Some(kind), Some(subject), Some(body)) if errors.is_empty() => Ok(Ask { kind, subject, body, send: self.send.is_some() }),
            _ => Err(errors),
        }
    }
}

/// A reply, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub on: NaiveDate,
    pub text: String,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReplyInput {
    pub replied_on: String,
    pub reply: String,
}

impl ReplyInput {
    pub fn check(&self, today: NaiveDate) -> Result<Reply, FieldErrors> {
        let mut errors = FieldErrors::default();
        let on = errors.check(super::past_date("replied_on", &self.replied_on, today));
        let text = errors.check(
            optional_text("reply", &self.reply, 20_000)
                .and_then(|t| t.ok_or_else(|| Problem::new("reply", "must not be empty: say what they said"))),
        );
        match (on, text) {
            (Some(on), Some(text)) if errors.is_empty() => Ok(Reply { on, text }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_needs_its_action_and_someone_to_ask() {
        let e = AskInput { kind: "invitation".into(), subject: "Come".into(), body: "Please".into(), ..Default::default() }
            .check()
            .expect_err("bad");
        assert!(e.message_for("representatives").is_some() && e.message_for("event").is_some());
        let ok = AskInput {
            kind: "letter".into(),
            representatives: vec!["x".into()],
            subject: "S".into(),
            body: "B".into(),
            send: Some("on".into()),
            ..Default::default()
        };
        assert!(ok.check().expect("a letter").send);
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
        assert!(ReplyInput { replied_on: "2026-11-28".into(), reply: "No".into() }.check(today).is_err());
    }
}
