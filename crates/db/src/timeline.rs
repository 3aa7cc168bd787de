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
use crate::{Result, Scope, Tx};

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

/// Everything on a person's timeline that the scope may see, newest first.
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Vec<Entry>> {
    let mut all: Vec<Entry> = people::events(tx, scope, person).await?.into_iter().map(Entry::Event).collect();
    all.extend(conversations::of_person(tx, scope, person).await?.into_iter().map(|c| Entry::Conversation(Box::new(c))));
    all.extend(assessments::changes_of_person(tx, scope, person).await?.into_iter().map(Entry::Assessment));
    all.extend(follow_ups::of_person(tx, scope, person).await?.into_iter().map(Entry::FollowUp));
    all.extend(calls::of_person(tx, scope, person).await?.into_iter().map(Entry::Call));
    all.extend(ladder::moves_of_person(tx, scope, person).await?.into_iter().map(Entry::Rung));
    all.extend(attendances::of_person(tx, scope, person).await?.into_iter().map(|a| Entry::Attendance(Box::new(a))));
    all.sort_by_key(|e| std::cmp::Reverse(e.at()));
    Ok(all)
}
