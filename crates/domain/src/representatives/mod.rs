//! Representatives held to their word: the office holders a group campaigns
//! on, what they pledged, their record, and the scorecard worked out from it.

pub mod asks;
mod import;
mod scorecard;

pub use import::{Candidate, democracy_club, generic};
pub use scorecard::{Band, Scorecard};

use chrono::NaiveDate;

use crate::contact::{one_line_text, optional_text};
use crate::{DocumentId, Email, FieldErrors, Problem};

/// The kind of office a representative holds or stood for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficeKind {
    Councillor,
    Mp,
    Mayor,
    /// Of a devolved parliament or assembly: the Senedd, Holyrood, Stormont, the London Assembly.
    Member,
    /// A police and crime commissioner.
    Commissioner,
    Other,
}

crate::stored_as_text!(OfficeKind {
    Councillor = "councillor",
    Mp = "mp",
    Mayor = "mayor",
    Member = "member",
    Commissioner = "commissioner",
    Other = "other",
});

impl OfficeKind {
    pub fn parse(field: &str, s: &str) -> Result<OfficeKind, Problem> {
        crate::one_of(field, s, OfficeKind::ALL, OfficeKind::as_str)
    }

    pub fn label(self) -> &'static str {
        match self {
            OfficeKind::Councillor => "Councillor",
            OfficeKind::Mp => "MP",
            OfficeKind::Mayor => "Mayor",
            OfficeKind::Member => "Member of a parliament or assembly",
            OfficeKind::Commissioner => "Police and crime commissioner",
            OfficeKind::Other => "Other office",
        }
    }

    /// The office and the body it sits on, read from a Democracy Club
    /// election id such as `local.blaenau-gwent.2022-05-05` or `parl.2024-07-04`.
    pub fn of_election(election_id: &str) -> (OfficeKind, String) {
        let mut parts = election_id.split('.');
        let kind = parts.next().unwrap_or_default();
        let place = parts.next().filter(|p| !p.starts_with(|c: char| c.is_ascii_digit())).map(title_case).unwrap_or_default();
        match kind {
            "local" => (OfficeKind::Councillor, format!("{place} Council").trim().to_string()),
            "parl" => (OfficeKind::Mp, "House of Commons".into()),
            "mayor" => (OfficeKind::Mayor, format!("Mayor of {place}")),
            "senedd" | "naw" => (OfficeKind::Member, "Senedd".into()),
            "sp" => (OfficeKind::Member, "Scottish Parliament".into()),
            "nia" => (OfficeKind::Member, "Northern Ireland Assembly".into()),
            "gla" => (OfficeKind::Member, "London Assembly".into()),
            "pcc" => (OfficeKind::Commissioner, format!("{place} Police and Crime Commissioner").trim().to_string()),
            _ => (OfficeKind::Other, place),
        }
    }
}

/// `blaenau-gwent` → `Blaenau Gwent`.
fn title_case(slug: &str) -> String {
    slug.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a pledge stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PledgeStatus {
    NotYetRated,
    InTheWorks,
    Stalled,
    Kept,
    Compromise,
    Broken,
}

crate::stored_as_text!(PledgeStatus {
    NotYetRated = "not_yet_rated",
    InTheWorks = "in_the_works",
    Stalled = "stalled",
    Kept = "kept",
    Compromise = "compromise",
    Broken = "broken",
});

impl PledgeStatus {
    pub fn parse(field: &str, s: &str) -> Result<PledgeStatus, Problem> {
        crate::one_of(field, s, PledgeStatus::ALL, PledgeStatus::as_str)
    }

    pub fn label(self) -> &'static str {
        match self {
            PledgeStatus::NotYetRated => "Not yet rated",
            PledgeStatus::InTheWorks => "In the works",
            PledgeStatus::Stalled => "Stalled",
            PledgeStatus::Kept => "Kept",
            PledgeStatus::Compromise => "Compromise",
            PledgeStatus::Broken => "Broken",
        }
    }

    /// Not yet kept, broken or met halfway.
    pub fn pending(self) -> bool {
        matches!(self, PledgeStatus::NotYetRated | PledgeStatus::InTheWorks | PledgeStatus::Stalled)
    }
}

/// A kind of entry in a representative's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Vote,
    Statement,
    /// They came to an action, a picket line or a public meeting.
    TurnUp,
    /// A reply to the group's letter.
    Reply,
}

crate::stored_as_text!(RecordKind { Vote = "vote", Statement = "statement", TurnUp = "turn_up", Reply = "reply" });

impl RecordKind {
    pub fn parse(field: &str, s: &str) -> Result<RecordKind, Problem> {
        crate::one_of(field, s, RecordKind::ALL, RecordKind::as_str)
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Vote => "Vote",
            RecordKind::Statement => "Public statement",
            RecordKind::TurnUp => "Turned up",
            RecordKind::Reply => "Reply to a letter",
        }
    }
}

/// How a representative voted, or the way a campaign wanted the vote cast
/// (never `Absent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vote {
    For,
    Against,
    Absent,
}

crate::stored_as_text!(Vote { For = "for", Against = "against", Absent = "absent" });

impl Vote {
    pub fn parse(field: &str, s: &str) -> Result<Vote, Problem> {
        crate::one_of(field, s, Vote::ALL, Vote::as_str)
    }

    pub fn label(self) -> &'static str {
        match self {
            Vote::For => "For",
            Vote::Against => "Against",
            Vote::Absent => "Absent",
        }
    }
}

/// A representative as an organiser types them in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Representative {
    pub name: String,
    pub party: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub office: Office,
}

/// An office held, or a ballot stood in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Office {
    pub kind: OfficeKind,
    /// The ward or constituency.
    pub post: String,
    pub body: String,
    pub party: String,
    pub ballot_id: String,
    pub election_id: String,
    pub election_date: Option<NaiveDate>,
    pub elected: Option<bool>,
    /// The term: held from, and until.
    pub term_from: Option<NaiveDate>,
    pub term_to: Option<NaiveDate>,
}

impl Default for Office {
    fn default() -> Office {
        Office {
            kind: OfficeKind::Other,
            post: String::new(),
            body: String::new(),
            party: String::new(),
            ballot_id: String::new(),
            election_id: String::new(),
            election_date: None,
            elected: None,
            term_from: None,
            term_to: None,
        }
    }
}

/// The representative form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RepresentativeInput {
    pub name: String,
    pub party: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub kind: String,
    pub post: String,
    pub body: String,
    /// The term, YYYY-MM-DD each, either or both empty.
    pub term_from: String,
    pub term_to: String,
}

impl RepresentativeInput {
    pub fn check(&self) -> Result<Representative, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(line("name", &self.name, 200).and_then(|n| n.ok_or_else(|| Problem::new("name", "must not be empty"))));
        let party = errors.check(line("party", &self.party, 200)).flatten().unwrap_or_default();
        let email = match self.email.trim() {
            "" => String::new(),
            e => errors.check(Email::parse("email", e)).map(|e| e.as_str().to_string()).unwrap_or_default(),
        };
        let phone = match self.phone.trim() {
            "" => String::new(),
            p => errors.check(crate::Phone::parse("phone", p)).map(|p| p.as_str().to_string()).unwrap_or_default(),
        };
        let website = errors.check(crate::places::website("website", &self.website)).unwrap_or_default();
        let kind = errors.check(OfficeKind::parse("kind", &self.kind));
        let post = errors.check(line("post", &self.post, 200)).flatten().unwrap_or_default();
        let body = errors.check(line("body", &self.body, 200)).flatten().unwrap_or_default();
        let date = |field: &str, s: &str| match s.trim() {
            "" => Ok(None),
            d => crate::conversations::parse_date(field, d).map(Some),
        };
        let term_from = errors.check(date("term_from", &self.term_from)).flatten();
        let term_to = errors.check(date("term_to", &self.term_to)).flatten();
        if let (Some(from), Some(to)) = (term_from, term_to)
            && to < from
        {
            errors.push(Problem::new("term_to", "is before the term starts"));
        }
        match (name, kind) {
            (Some(name), Some(kind)) if errors.is_empty() => Ok(Representative {
                name,
                office: Office { kind, post, body, party: party.clone(), term_from, term_to, ..Office::default() },
                party,
                email,
                phone,
                website,
            }),
            _ => Err(errors),
        }
    }
}

/// Text public pages show must read as it is: no invisible or
/// text-direction characters.
fn plain(field: &str, t: Option<String>) -> Result<Option<String>, Problem> {
    match t {
        Some(t) if crate::text::has_hidden(&t) => Err(Problem::new(field, "has invisible or text-direction characters; type it plainly")),
        t => Ok(t),
    }
}

/// One line shown on public pages (a name, a party, a ward).
pub(crate) fn line(field: &str, s: &str, max: usize) -> Result<Option<String>, Problem> {
    one_line_text(field, s, max).and_then(|t| plain(field, t))
}

/// Text shown on public pages that must be there.
pub(crate) fn shown(field: &str, s: &str, max: usize) -> Result<String, Problem> {
    optional_text(field, s, max).and_then(|t| plain(field, t))?.ok_or_else(|| Problem::new(field, "must not be empty"))
}

/// A document chosen as evidence: empty, or one of the group's by id.
pub fn document(field: &str, s: &str) -> Result<Option<DocumentId>, Problem> {
    crate::ids::chosen_id(field, s, "is not one of the group's documents")
}

/// A link given as evidence: empty, or a web address.
pub fn evidence(field: &str, s: &str) -> Result<String, Problem> {
    crate::places::website(field, s)
}

/// A date that has happened: today or before.
pub(crate) fn past_date(field: &str, s: &str, today: NaiveDate) -> Result<NaiveDate, Problem> {
    let d = crate::conversations::parse_date(field, s)?;
    if d > today { Err(Problem::new(field, "is in the future: give the day it happened")) } else { Ok(d) }
}

/// A pledge as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pledge {
    pub text: String,
    pub made_on: NaiveDate,
    pub source_url: String,
    /// A document the group keeps, as its source.
    pub document: Option<DocumentId>,
}

/// The pledge form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PledgeInput {
    pub text: String,
    pub made_on: String,
    pub source_url: String,
    pub campaign: String,
    pub demand: String,
    /// A document the group keeps, by id, as the source.
    pub document: String,
}

impl PledgeInput {
    pub fn check(&self, today: NaiveDate) -> Result<Pledge, FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = errors.check(shown("text", &self.text, 2000));
        let made_on = errors.check(past_date("made_on", &self.made_on, today));
        let source_url = errors.check(evidence("source_url", &self.source_url));
        let document = errors.check(document("document", &self.document)).flatten();
        match (text, made_on, source_url) {
            (Some(text), Some(made_on), Some(source_url)) if errors.is_empty() => Ok(Pledge { text, made_on, source_url, document }),
            _ => Err(errors),
        }
    }
}

/// A new status for a pledge or a demand, with why and the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change<S> {
    pub status: S,
    pub reason: String,
    pub evidence_url: String,
    pub document: Option<DocumentId>,
}

/// The status form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChangeInput {
    pub status: String,
    pub reason: String,
    pub evidence_url: String,
    pub document: String,
}

impl ChangeInput {
    /// A change must say why; `parse` reads the status word.
    pub fn check<S>(&self, parse: impl Fn(&str, &str) -> Result<S, Problem>) -> Result<Change<S>, FieldErrors> {
        let mut errors = FieldErrors::default();
        let status = errors.check(parse("status", &self.status));
        let reason = errors.check(shown("reason", &self.reason, 2000));
        let evidence_url = errors.check(evidence("evidence_url", &self.evidence_url));
        let document = errors.check(document("document", &self.document)).flatten();
        match (status, reason, evidence_url) {
            (Some(status), Some(reason), Some(evidence_url)) if errors.is_empty() => Ok(Change { status, reason, evidence_url, document }),
            _ => Err(errors),
        }
    }
}

/// A dated entry in a representative's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: RecordKind,
    pub on_date: NaiveDate,
    pub title: String,
    pub detail: String,
    pub evidence_url: String,
    pub document: Option<DocumentId>,
    /// A vote: how they voted, and how the campaign wanted it cast.
    pub vote: Option<(Vote, Vote)>,
}

/// The record form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EntryInput {
    pub kind: String,
    pub on_date: String,
    pub title: String,
    pub detail: String,
    pub evidence_url: String,
    pub vote: String,
    pub wanted: String,
    pub document: String,
    pub campaign: String,
    /// The pledges it bears on, by id.
    pub pledges: Vec<String>,
}

impl EntryInput {
    pub fn check(&self, today: NaiveDate) -> Result<Entry, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = errors.check(RecordKind::parse("kind", &self.kind));
        let on_date = errors.check(past_date("on_date", &self.on_date, today));
        let title = errors.check(shown("title", &self.title, 300));
        let detail =
            errors.check(optional_text("detail", &self.detail, 5000).and_then(|t| plain("detail", t))).flatten().unwrap_or_default();
        let evidence_url = errors.check(evidence("evidence_url", &self.evidence_url));
        let vote = match kind {
            Some(RecordKind::Vote) => {
                let cast = errors.check(Vote::parse("vote", &self.vote));
                let wanted = errors.check(match Vote::parse("wanted", &self.wanted) {
                    Ok(w) if w != Vote::Absent => Ok(w),
                    _ => Err(Problem::new("wanted", "must be for or against")),
                });
                cast.zip(wanted)
            }
            _ => None,
        };
        let document = errors.check(document("document", &self.document)).flatten();
        match (kind, on_date, title, evidence_url) {
            (Some(kind), Some(on_date), Some(title), Some(evidence_url)) if errors.is_empty() => {
                Ok(Entry { kind, on_date, title, detail, evidence_url, document, vote })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn an_election_id_names_the_office_and_its_body() {
        assert_eq!(OfficeKind::of_election("local.blaenau-gwent.2022-05-05"), (OfficeKind::Councillor, "Blaenau Gwent Council".into()));
        assert_eq!(OfficeKind::of_election("parl.2024-07-04"), (OfficeKind::Mp, "House of Commons".into()));
        assert_eq!(OfficeKind::of_election("mayor.london.2024-05-02"), (OfficeKind::Mayor, "Mayor of London".into()));
        assert_eq!(OfficeKind::of_election("senedd.c.2026-05-07").0, OfficeKind::Member);
        assert_eq!(OfficeKind::of_election("nonsense"), (OfficeKind::Other, String::new()));
    }

    #[test]
    fn forms_name_each_bad_field() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
        let e = RepresentativeInput { kind: "king".into(), email: "not an address".into(), ..Default::default() }.check().expect_err("bad");
        assert!(e.message_for("name").is_some() && e.message_for("kind").is_some() && e.message_for("email").is_some());
        let e = PledgeInput { text: "Oppose it".into(), made_on: "2027-01-01".into(), source_url: "ftp://x".into(), ..Default::default() }
            .check(today)
            .expect_err("bad");
        assert_eq!(e.message_for("made_on"), Some("is in the future: give the day it happened"));
        assert!(e.message_for("source_url").is_some());
        let vote = EntryInput {
            kind: "vote".into(),
            on_date: "2026-11-01".into(),
            title: "Budget".into(),
            wanted: "absent".into(),
            ..Default::default()
        };
        let e = vote.check(today).expect_err("no vote");
        assert!(e.message_for("vote").is_some() && e.message_for("wanted") == Some("must be for or against"));
        let ok = EntryInput { vote: "against".into(), wanted: "for".into(), ..vote }.check(today).expect("a vote");
        assert_eq!(ok.vote, Some((Vote::Against, Vote::For)));
        let change = ChangeInput { status: "kept".into(), reason: String::new(), evidence_url: String::new(), document: String::new() };
        assert!(change.check(PledgeStatus::parse).expect_err("no reason").message_for("reason").is_some());
    }
}
