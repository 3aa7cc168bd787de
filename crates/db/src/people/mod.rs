//! People: who they are, how to reach them, their custom field values and
//! tags. Reads go through the scope's visibility rule (own group, sharing
//! children, and for volunteers only their assignments); writes touch only
//! the scope's own group.
//!
//! - `search`: pages of people matching a search or an OSDI filter;
//! - `segment` and `sets`: a segment as SQL, and from its rules' people kept in memory;
//! - `load`: everything about a few people at once;
//! - `upsert`: the one way outside input becomes a person (`batch`: its batched form, for imports);
//! - `write`: saving, deleting and merging;
//! - `history`: what happened to a person;
//! - `assignments`: which volunteers may see whom (the seed of walk and call lists).

use chrono::{DateTime, Utc};
use tredegar_domain::PersonId;
use tredegar_domain::people::PersonDetails;

mod assignments;
mod batch;
mod history;
mod load;
mod search;
mod segment;
mod sets;
mod terms;
mod upsert;
mod write;

pub use assignments::{Assignee, assign, assignees, unassign};
pub use batch::{Fallback, Incoming, Outcome, upsert_many};
pub(crate) use history::add_events;
pub use history::{PersonEvent, add_event, events};
pub use load::{get, get_many};
pub use search::{
    ExportRow, FILTER_FIELDS, Order, Recipient, Search, Start, count, count_matching, latest_change, list, page_of, plan, send_export,
    subscribed,
};
pub(crate) use terms::build_missing as index_unsearchable;
pub use upsert::{NewFields, Upserted, update, upsert, upsert_supporter};
pub use write::{delete, find_match, insert_new, merge, save, taken};

/// Whether the scope may record things about this person (a conversation,
/// an assessment, a follow-up): one of its own group's people that it may
/// see, or that is on one of its member's open call or walk lists.
pub async fn acts_on(tx: &mut crate::Tx, scope: &crate::Scope, person: PersonId, now: DateTime<Utc>) -> crate::Result<bool> {
    let mut q = crate::Sql::new("SELECT COUNT(*) FROM people p WHERE p.id = ");
    q.bind(person).push(" AND p.group_id = ").bind(scope.group_id()).push(" AND ((");
    scope.visible_people(&mut q, "p");
    q.push(") OR ");
    scope.on_my_open_lists(&mut q, "p", now);
    q.push(")");
    Ok(q.count(tx).await? > 0)
}

/// Whether this is one of the scope's own group's people that it may see:
/// what reading or changing their record needs (where they live, a rung set
/// by hand), where having them on a call or walk list is not enough.
pub async fn sees(tx: &mut crate::Tx, scope: &crate::Scope, person: PersonId) -> crate::Result<bool> {
    let mut q = crate::Sql::new("SELECT COUNT(*) FROM people p WHERE p.id = ");
    q.bind(person).push(" AND p.group_id = ").bind(scope.group_id()).push(" AND ");
    scope.visible_people(&mut q, "p");
    Ok(q.count(tx).await? > 0)
}

/// The person, if the scope may both read them and record things about
/// them (log a conversation, link them to others).
pub async fn to_act_on(tx: &mut crate::Tx, scope: &crate::Scope, id: PersonId, now: DateTime<Utc>) -> crate::Result<Option<Person>> {
    match get(tx, scope, id).await? {
        Some(p) if acts_on(tx, scope, id, now).await? => Ok(Some(p)),
        _ => Ok(None),
    }
}

/// A person as shown in a list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonSummary {
    pub id: PersonId,
    pub group_id: tredegar_domain::GroupId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postcode: Option<String>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

impl PersonSummary {
    pub fn display_name(&self) -> String {
        display_name(self.given_name.as_deref(), self.family_name.as_deref(), self.email.as_deref())
    }
}

/// Everything about one person.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: PersonId,
    pub group_id: tredegar_domain::GroupId,
    pub details: PersonDetails,
    /// The unit each of `details.addresses` is at, in their order, where
    /// the group has one at the same postcode and first line.
    pub address_units: Vec<Option<tredegar_domain::UnitId>>,
    pub tags: Vec<crate::tags::Tag>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

impl Person {
    pub fn display_name(&self) -> String {
        let d = &self.details;
        display_name(d.given_name.as_deref(), d.family_name.as_deref(), d.primary_email().map(|e| e.email.as_str()))
    }
}

pub(crate) fn display_name(given: Option<&str>, family: Option<&str>, email: Option<&str>) -> String {
    let name = tredegar_domain::people::name_key(given, family);
    if !name.is_empty() {
        [given, family].into_iter().flatten().collect::<Vec<_>>().join(" ")
    } else {
        email.unwrap_or("(no name)").to_string()
    }
}

/// The ids a statement answers as one row of 32 hex digits each. One row
/// rather than a row a person: each row is a hop between threads in sqlx's
/// SQLite driver, which costs far more than reading the id.
async fn ids_in_one_row(tx: &mut crate::Tx, q: &crate::Sql) -> crate::Result<Vec<PersonId>> {
    let (hex,): (Option<String>,) = q.fetch_optional(tx).await?.unwrap_or((None,));
    let hex = hex.unwrap_or_default();
    let bad = || crate::DbError::Corrupt("people's ids did not read as hex".into());
    if !hex.len().is_multiple_of(32) {
        return Err(bad());
    }
    let digits = hex.as_bytes().chunks(32).map(|one| std::str::from_utf8(one).ok().and_then(|d| u128::from_str_radix(d, 16).ok()));
    digits.map(|id| id.map(|n| PersonId(uuid::Uuid::from_u128(n))).ok_or_else(bad)).collect()
}
