//! Email: the kinds of message Tredegar sends, their default wording, and the
//! templates a group edits. A template is a subject line and a plain-text
//! body with `{placeholders}`; the HTML part is made from the text, so every
//! message has a plain-text part.

use crate::Problem;
use crate::contact::{required_line, required_text};

/// What a message is for. Each kind has its own template and placeholders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// The daily note to a member of the follow-ups they let slip.
    FollowUpsDue,
    /// The lines under every broadcast: why they get it, and how to leave.
    BroadcastFooter,
    /// An organiser's email to a list; they write it, so it has no template.
    Broadcast,
    /// A broadcast sent to its author first, to see it as it will arrive.
    TestSend,
    /// A single-use link to set a new password; not a group's message.
    PasswordReset,
    /// The link a petition's signer follows for their signature to count.
    PetitionConfirm,
    /// Someone signed again with an address that has signed: told by email,
    /// never on the page, which would tell anyone who has signed.
    PetitionAlreadySigned,
    /// An RSVP taken (or a place come free): the event's details, its
    /// calendar file, and a link to say they cannot come after all.
    EventConfirm,
    /// Every place was taken: they are on the waiting list.
    EventWaitingList,
    /// The day before (by default): the event is soon.
    EventReminder,
    /// The organiser called the event off.
    EventCancelled,
    /// A need for help offered to a volunteer, to say yes or no to.
    NeedOffered,
    /// Needs that have waited too long for a volunteer, to the coordinators.
    NeedsWaiting,
    /// To the one who was helped: how did it go?
    NeedFeedback,
    /// A campaign's letter or invitation to a representative, as an
    /// organiser wrote it.
    Letter,
    /// A pledge for a representative to sign, with the link only their
    /// official address gets.
    PledgeSign,
}

crate::stored_as_text!(MailKind {
    FollowUpsDue = "follow_ups_due",
    BroadcastFooter = "broadcast_footer",
    Broadcast = "broadcast",
    TestSend = "test_send",
    PasswordReset = "password_reset",
    PetitionConfirm = "petition_confirm",
    PetitionAlreadySigned = "petition_already_signed",
    EventConfirm = "event_confirm",
    EventWaitingList = "event_waiting_list",
    EventReminder = "event_reminder",
    EventCancelled = "event_cancelled",
    NeedOffered = "need_offered",
    NeedsWaiting = "needs_waiting",
    NeedFeedback = "need_feedback",
    Letter = "letter",
    PledgeSign = "pledge_sign",
});

/// A subject and a body, with placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

impl MailKind {
    /// The kinds a group may reword, in the order its settings list them.
    pub const EDITABLE: &'static [MailKind] = &[
        MailKind::PetitionConfirm,
        MailKind::EventConfirm,
        MailKind::EventReminder,
        MailKind::FollowUpsDue,
        MailKind::NeedOffered,
        MailKind::NeedsWaiting,
        MailKind::NeedFeedback,
        MailKind::BroadcastFooter,
    ];

    /// Kinds whose text holds a link that acts for its reader (confirms a
    /// signature, sets a password, gives up a place): not kept once sent,
    /// and left out of the export.
    pub const HOLDS_A_LINK: &'static [MailKind] = &[
        MailKind::PasswordReset,
        MailKind::PetitionConfirm,
        MailKind::EventConfirm,
        MailKind::EventWaitingList,
        MailKind::EventReminder,
        MailKind::PledgeSign,
        MailKind::NeedOffered,
        MailKind::NeedFeedback,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MailKind::FollowUpsDue => "Overdue follow-ups",
            MailKind::BroadcastFooter => "Footer of every broadcast",
            MailKind::Broadcast => "Broadcast",
            MailKind::TestSend => "Test of a broadcast",
            MailKind::PasswordReset => "Password reset",
            MailKind::PetitionConfirm => "Confirming a petition signature",
            MailKind::PetitionAlreadySigned => "Signed a petition again",
            MailKind::EventConfirm => "Going to an event",
            MailKind::EventWaitingList => "On an event's waiting list",
            MailKind::EventReminder => "Reminder of an event",
            MailKind::EventCancelled => "An event called off",
            MailKind::NeedOffered => "A need offered to a volunteer",
            MailKind::NeedsWaiting => "Needs waiting for a volunteer",
            MailKind::NeedFeedback => "How did the help go?",
            MailKind::Letter => "A letter to a representative",
            MailKind::PledgeSign => "A pledge for a representative to sign",
        }
    }

    /// The placeholders the kind fills in, each with what it becomes.
    pub fn placeholders(self) -> &'static [(&'static str, &'static str)] {
        match self {
            MailKind::FollowUpsDue => &[
                ("name", "the member's name"),
                ("group", "the group's name"),
                ("follow_ups", "the overdue follow-ups, one a line"),
                ("link", "the address of their follow-ups page"),
            ],
            MailKind::BroadcastFooter => &[("group", "the group's name"), ("unsubscribe", "the one-click unsubscribe address")],
            MailKind::PasswordReset => &[("name", "the account's name"), ("link", "the reset address")],
            MailKind::PetitionConfirm => {
                &[("name", "the signer's name"), ("petition", "the petition's title"), ("link", "the address that confirms the signature")]
            }
            MailKind::PetitionAlreadySigned => &[("name", "the signer's name"), ("petition", "the petition's title")],
            MailKind::EventCancelled => &[
                ("name", "the person's name"),
                ("event", "the event's title"),
                ("when", "when it was to start and end"),
                ("where", "where it was to be"),
            ],
            MailKind::EventConfirm | MailKind::EventWaitingList | MailKind::EventReminder => &[
                ("name", "the person's name"),
                ("event", "the event's title"),
                ("when", "when it starts and ends, in the group's time zone"),
                ("where", "where it is"),
                ("link", "the address where they can say they cannot come"),
            ],
            MailKind::NeedOffered => &[
                ("name", "the volunteer's name"),
                ("group", "the group's name"),
                ("need", "the kind of help, how soon, and roughly where (never who)"),
                ("link", "the single-use address to say yes or no, without signing in"),
                ("within", "how long they have to answer (\"24 hours\")"),
            ],
            MailKind::NeedsWaiting => &[
                ("name", "the coordinator's name"),
                ("group", "the group's name"),
                ("needs", "the needs waiting, one a line (kind, how soon, roughly where)"),
                ("link", "the address of the needs page"),
            ],
            MailKind::NeedFeedback => &[
                ("name", "the name given for the one who was helped"),
                ("group", "the group's name"),
                ("need", "the kind of help"),
                ("link", "the single-use address to say how it went"),
                ("code", "the same, as a code to type on the help page"),
            ],
            MailKind::Broadcast | MailKind::TestSend | MailKind::Letter | MailKind::PledgeSign => &[],
        }
    }

    /// Placeholders a template of this kind must keep.
    fn required(self) -> &'static [&'static str] {
        match self {
            MailKind::FollowUpsDue
            | MailKind::PasswordReset
            | MailKind::PetitionConfirm
            | MailKind::EventConfirm
            | MailKind::EventWaitingList
            | MailKind::EventReminder
            | MailKind::NeedOffered
            | MailKind::NeedsWaiting
            | MailKind::NeedFeedback => &["link"],
            MailKind::BroadcastFooter => &["unsubscribe"],
            MailKind::Broadcast
            | MailKind::TestSend
            | MailKind::Letter
            | MailKind::PledgeSign
            | MailKind::PetitionAlreadySigned
            | MailKind::EventCancelled => &[],
        }
    }

    pub fn default_template(self) -> Template {
        let (subject, body) = match self {
            MailKind::FollowUpsDue => (
                "Follow-ups waiting for you in {group}",
                "Hello {name},\n\nThese follow-ups are past the day they were due:\n\n{follow_ups}\n\n\
                 When one is done, mark it done here:\n{link}\n\nThank you for keeping in touch.",
            ),
            MailKind::BroadcastFooter => {
                ("", "You get this because you are in touch with {group}.\nTo get no more emails from us, follow this link: {unsubscribe}")
            }
            MailKind::PasswordReset => (
                "Set a new Tredegar password",
                "Hello {name},\n\nSomeone (we hope you) asked to set a new password for your Tredegar account. \
                 Follow this link within an hour to choose one; it works once:\n\n{link}\n\n\
                 If it was not you, ignore this email: your password stays as it is.",
            ),
            MailKind::PetitionConfirm => (
                "Please confirm your signature: {petition}",
                "Hello {name},\n\nThank you for signing “{petition}”. Your signature counts once you confirm it: follow this link.\n\n\
                 {link}\n\nIf you did not sign, ignore this email and nothing more will happen.",
            ),
            MailKind::PetitionAlreadySigned => (
                "You have already signed: {petition}",
                "Hello {name},\n\nSomeone (we hope you) tried to sign “{petition}” again with this address. You signed it already \
                 and your signature counts, so there is nothing more to do.\n\nThank you.",
            ),
            MailKind::EventConfirm => (
                "You're going: {event}",
                "Hello {name},\n\nThank you: you're going to “{event}”.\n\nWhen: {when}\nWhere: {where}\n\n\
                 The calendar file attached puts it in your calendar. If you can't come after all, follow this link \
                 so someone else can have your place:\n\n{link}\n\nSee you there.",
            ),
            MailKind::EventWaitingList => (
                "On the waiting list: {event}",
                "Hello {name},\n\nEvery place at “{event}” ({when}, {where}) is taken, so you are on the waiting list. \
                 If a place comes free, it is yours and we will email you.\n\nTo leave the waiting list, follow this link:\n\n{link}",
            ),
            MailKind::EventReminder => (
                "Reminder: {event}",
                "Hello {name},\n\nA reminder that “{event}” is soon.\n\nWhen: {when}\nWhere: {where}\n\n\
                 If you can't come after all, follow this link so someone else can have your place:\n\n{link}",
            ),
            MailKind::EventCancelled => (
                "Called off: {event}",
                "Hello {name},\n\nWe are sorry: “{event}” ({when}, {where}) has been called off. \
                 Please take it out of your calendar. We will be in touch about what happens next.",
            ),
            MailKind::NeedOffered => (
                "Can you help? {need}",
                "Hello {name},\n\n{group} has a need for help that fits what you offered:\n\n{need}\n\n\
                 Please say yes or no with this link within {within}. It works once, with no need to sign in:\n\n{link}\n\n\
                 If you say yes, sign in to see who and where. Thank you.",
            ),
            MailKind::NeedsWaiting => (
                "Needs waiting for a volunteer in {group}",
                "Hello {name},\n\nThese needs have waited a while and nobody has taken them on yet:\n\n{needs}\n\n\
                 Offer them to someone here:\n{link}",
            ),
            MailKind::NeedFeedback => (
                "How did it go? {need}",
                "Hello {name},\n\nA volunteer from {group} has helped with {need}. We would like to know how it went, \
                 so we can do better. It takes a minute:\n\n{link}\n\nOr go to the help page and type this code: {code}\n\nThank you.",
            ),
            MailKind::Broadcast | MailKind::TestSend | MailKind::Letter | MailKind::PledgeSign => ("", ""),
        };
        Template { subject: subject.into(), body: body.into() }
    }

    /// Check a group's template for this kind: sizes, control characters,
    /// and placeholders (only known ones, and the ones it needs).
    pub fn check(self, subject: &str, body: &str) -> Result<Template, Vec<Problem>> {
        let mut problems = Vec::new();
        let subject = if self == MailKind::BroadcastFooter { Ok(String::new()) } else { required_line("subject", subject, 200) };
        let body = required_text("body", body, 10_000);
        let (subject, body) = match (subject, body) {
            (Ok(s), Ok(b)) => (s, b),
            (s, b) => {
                problems.extend(s.err());
                problems.extend(b.err());
                return Err(problems);
            }
        };
        for (field, text) in [("subject", &subject), ("body", &body)] {
            for name in placeholders_in(text) {
                if !self.placeholders().iter().any(|(p, _)| *p == name) {
                    problems.push(Problem::new(field, format!("{{{name}}} is not a placeholder this email fills in")));
                }
            }
        }
        for needed in self.required() {
            if !placeholders_in(&body).any(|n| n == *needed) {
                problems.push(Problem::new("body", format!("must keep {{{needed}}}")));
            }
        }
        if problems.is_empty() { Ok(Template { subject, body }) } else { Err(problems) }
    }
}

/// What stands in braces in a text, `{link}` or `{ Link }`: anything short
/// on one line, so a mistyped placeholder is caught rather than sent as typed.
fn placeholders_in(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| {
        let (name, _) = rest.split_once('}')?;
        (!name.is_empty() && name.chars().count() <= 40 && !name.contains('\n')).then_some(name)
    })
}

/// Fill in a text's placeholders. An unknown one is left as it is.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let name = after.get(1..).and_then(|a| a.split_once('}')).map(|(n, _)| n);
        match name.and_then(|n| values.iter().find(|(k, _)| *k == n)) {
            Some((name, value)) => {
                out.push_str(value);
                rest = after.get(name.len() + 2..).unwrap_or_default();
            }
            None => {
                out.push('{');
                rest = after.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where a message is on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Not sent yet: queued, retrying, or held because no SMTP server is configured.
    Waiting,
    Sent,
    /// Every attempt failed; the last error is kept.
    Failed,
}

crate::stored_as_text!(OutboxStatus { Waiting = "waiting", Sent = "sent", Failed = "failed" });

/// A broadcast is written, then sent once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BroadcastStatus {
    Draft,
    /// Its messages are being queued and sent.
    Sending,
    Sent,
}

crate::stored_as_text!(BroadcastStatus { Draft = "draft", Sending = "sending", Sent = "sent" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_braces_left_alone() {
        let out = fill("Hi {name}, see {link} {x} {", &[("name", "Siân"), ("link", "https://x/y")]);
        assert_eq!(out, "Hi Siân, see https://x/y {x} {");
        assert_eq!(fill("{name}{name}", &[("name", "a")]), "aa");
    }

    #[test]
    fn templates_name_their_problems() {
        let problems = MailKind::FollowUpsDue.check("Hi {nmae}", "no link here").err().unwrap_or_default();
        assert!(problems.iter().any(|p| p.field == "subject" && p.message.contains("{nmae}")));
        assert!(problems.iter().any(|p| p.field == "body" && p.message.contains("{link}")));
        assert!(MailKind::BroadcastFooter.check("", "Leave: {unsubscribe}").is_ok());
        let typos = MailKind::FollowUpsDue.check("Hi {Name}", "{ link } {link}").err().unwrap_or_default();
        assert!(typos.iter().any(|p| p.message.contains("{Name}")) && typos.iter().any(|p| p.message.contains("{ link }")));
        assert!(MailKind::FollowUpsDue.check("Due\u{7}", "{link}").is_err_and(|p| p.first().is_some_and(|p| p.field == "subject")));
        for kind in MailKind::EDITABLE {
            let t = kind.default_template();
            assert_eq!(kind.check(&t.subject, &t.body).as_ref(), Ok(&t), "{kind}'s default must pass its own check");
        }
    }
}
