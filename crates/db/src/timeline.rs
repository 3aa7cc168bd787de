//! A person's whole timeline, newest first: their history of edits and tags,
//! conversations, assessment changes and follow-ups, in one list. Later
//! capabilities (help given) add their kinds here.

use chrono::{DateTime, Utc};
use tredegar_domain::PersonId;

use crate::assessments::{self, AssessmentChange};
use crate::attendances::{self, Attended};
use crate::calls::{self, Call};
use crate::conversations::{self, Conversation};
use crate::follow_ups::{self, FollowUp};
use crate::ladder::{self, Move};
use crate::people::{self, PersonEvent};
use crate::{Result, Scope, Tx, Window};

#[derive(Clone, Debug)]
pub enum Entry {
    Event(PersonEvent),
    Conversation(Box<Conversation>),
    Assessment(AssessmentChange),
    FollowUp(FollowUp),
    Call(Call),
    Rung(Move),
    Attendance(Box<Attended>),
}

impl Entry {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Entry::Event(e) => e.at,
            Entry::Conversation(c) => c.held_at,
            Entry::Assessment(a) => a.at,
            Entry::FollowUp(f) => f.created_at,
            Entry::Call(c) => c.called_at,
            Entry::Rung(m) => m.at,
            // Came: when they were checked in; said they'd come: when they said so.
            Entry::Attendance(a) => a.attendance.attended_at.unwrap_or(a.attendance.created_at),
        }
    }
}

/// Entries on a page of a timeline.
pub const PAGE: usize = 100;

/// A page of a person's timeline.
pub struct TimelinePage {
    /// Newest first.
    pub entries: Vec<Entry>,
    /// Where the next page, of older entries, begins (`before`), if there are any.
    pub older: Option<DateTime<Utc>>,
}

/// The newest page of what the scope may see on a person's timeline from
/// before `before` (from now, for `None`).
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId, before: Option<DateTime<Utc>>) -> Result<TimelinePage> {
    // Each kind's newest page and one more: the page's entries are among them.
    let take = PAGE + 1;
    let w = Window { before, take: Some(take as i64) };
    let mut all: Vec<Entry> = Vec::new();
    // The newest moment down to which some kind was cut short: entries
    // newer than it are all here, of every kind.
    let mut cut: Option<DateTime<Utc>> = None;
    let mut add = |kind: Vec<Entry>| {
        if kind.len() == take {
            cut = cut.max(kind.last().map(Entry::at));
        }
        all.extend(kind);
    };
    add(people::events(tx, scope, person, w).await?.into_iter().map(Entry::Event).collect());
    add(conversations::of_person(tx, scope, person, w).await?.into_iter().map(|c| Entry::Conversation(Box::new(c))).collect());
    add(assessments::changes_of_person(tx, scope, person, w).await?.into_iter().map(Entry::Assessment).collect());
    add(follow_ups::of_person(tx, scope, person, w).await?.into_iter().map(Entry::FollowUp).collect());
    add(calls::of_person(tx, scope, person, w).await?.into_iter().map(Entry::Call).collect());
    add(ladder::moves_of_person(tx, scope, person, w).await?.into_iter().map(Entry::Rung).collect());
    add(attendances::of_person(tx, scope, person, w).await?.into_iter().map(|a| Entry::Attendance(Box::new(a))).collect());
    all.sort_by_key(|e| std::cmp::Reverse(e.at()));
    let complete = cut.map_or(all.len(), |cut| all.iter().take_while(|e| e.at() > cut).count());
    // A page, with the entries of its last moment kept together, as the next
    // page starts strictly before it.
    let keep = match complete.min(PAGE).checked_sub(1).and_then(|i| all.get(i)).map(Entry::at) {
        Some(last) => all.iter().take(complete).take_while(|e| e.at() >= last).count(),
        // More than a page of one kind at one moment: shown as read, and
        // any more of them at that moment are passed over.
        None => all.len(),
    };
    let older = if keep < all.len() || cut.is_some() { keep.checked_sub(1).and_then(|i| all.get(i)).map(Entry::at) } else { None };
    all.truncate(keep);
    Ok(TimelinePage { entries: all, older })
}
