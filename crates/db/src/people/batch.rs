//! The one person upsert in its batched form, for imports: the same merge
//! as `upsert`, for thousands of rows in a few queries. A row is matched to
//! whoever the caller knows it is (an elector key), else by email, then
//! phone, then the caller's fallback (someone of that name at that flat);
//! rows about one person, in the file or in the batch, merge into one.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tredegar_domain::PersonId;
use tredegar_domain::people::{HistoryKind, PersonDetails};
use tredegar_domain::person_update::PersonUpdate;
use tredegar_domain::text::fold;

use super::upsert::{NewFields, check_custom};
use super::write::insert_many;
use crate::{Result, Scope, Sql, Tx, fields};

/// One row's update, and who it may already be.
pub struct Incoming {
    pub update: PersonUpdate,
    /// Who the caller knows this is.
    pub known: Option<PersonId>,
    /// Who to take it for if neither email nor phone match.
    pub fallback: Option<Fallback>,
}

/// Whom a row is taken for when nothing else matches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Someone stored already.
    Stored(PersonId),
    /// Someone new, whom later rows with the same id merge into.
    New(PersonId),
}

impl Fallback {
    pub fn id(self) -> PersonId {
        match self {
            Fallback::Stored(id) | Fallback::New(id) => id,
        }
    }
}

/// What became of one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(PersonId),
    Updated(PersonId),
    Unchanged(PersonId),
    /// Nothing was written for it; the reason names the field.
    Refused(String),
}

impl Outcome {
    pub fn person(&self) -> Option<PersonId> {
        match self {
            Outcome::Created(id) | Outcome::Updated(id) | Outcome::Unchanged(id) => Some(*id),
            Outcome::Refused(_) => None,
        }
    }
}

struct Pending {
    id: PersonId,
    /// As stored before this batch; None for someone new.
    stored: Option<PersonDetails>,
    details: PersonDetails,
}

/// Upsert each row, in order, within the scope's own group. Unknown custom
/// fields are made as text fields. Each created or changed person's history
/// says `history`.
pub async fn upsert_many(tx: &mut Tx, scope: &Scope, incoming: Vec<Incoming>, history: &str, now: DateTime<Utc>) -> Result<Vec<Outcome>> {
    let mut fields = fields::list(tx, scope).await?;
    let mut emails =
        owners(tx, scope, "person_emails", "address_key", incoming.iter().flat_map(|i| email_keys(&i.update)).collect()).await?;
    let mut phones =
        owners(tx, scope, "person_phones", "number_key", incoming.iter().flat_map(|i| phone_keys(&i.update)).collect()).await?;
    // Everyone this batch may touch who is stored already.
    let stored = |f: Option<Fallback>| match f {
        Some(Fallback::Stored(id)) => Some(id),
        _ => None,
    };
    let mut ids: Vec<PersonId> = incoming.iter().flat_map(|i| [i.known, stored(i.fallback)]).flatten().collect();
    ids.extend(emails.values().chain(phones.values()));
    ids.sort_unstable();
    ids.dedup();
    let mut pending: Vec<Pending> = Vec::new();
    let mut at: HashMap<PersonId, usize> = HashMap::new();
    for p in super::load::get_own_many(tx, scope, &ids).await? {
        at.insert(p.id, pending.len());
        pending.push(Pending { id: p.id, stored: Some(p.details.clone()), details: p.details });
    }

    let mut outcomes = Vec::with_capacity(incoming.len());
    for Incoming { mut update, known, fallback } in incoming {
        let by_email = email_keys(&update).find_map(|k| emails.get(&k).copied());
        let by_phone = phone_keys(&update).find_map(|k| phones.get(&k).copied());
        let id = known.or(by_email).or(by_phone).or(fallback.map(Fallback::id));
        let taken = email_keys(&update)
            .filter(|k| emails.get(k).is_some_and(|o| Some(*o) != id))
            .chain(phone_keys(&update).filter(|k| phones.get(k).is_some_and(|o| Some(*o) != id)))
            .next();
        if let Some(k) = taken {
            outcomes.push(Outcome::Refused(format!("{k} already belongs to someone else in this group")));
            continue;
        }
        if let Err(e) = check_custom(tx, scope, &mut fields, &mut update, NewFields::Create, now).await {
            outcomes.push(Outcome::Refused(e.to_string()));
            continue;
        }
        let i = match id.and_then(|id| at.get(&id).copied()) {
            Some(i) => i,
            None => {
                let id = id.unwrap_or_else(PersonId::new);
                at.insert(id, pending.len());
                pending.push(Pending { id, stored: None, details: PersonDetails::default() });
                pending.len() - 1
            }
        };
        let Some(p) = pending.get_mut(i) else { continue };
        let was_new = p.stored.is_none() && p.details == PersonDetails::default();
        // "Sian" from the register does not undo the "Siân" someone wrote down.
        same_name_kept(&mut update.given_name, &p.details.given_name);
        same_name_kept(&mut update.family_name, &p.details.family_name);
        match p.details.clone().merge(update) {
            Err(e) => outcomes.push(Outcome::Refused(e.to_string())),
            Ok(merged) => {
                for e in &merged.emails {
                    emails.insert(e.email.key(), p.id);
                }
                for n in &merged.phones {
                    phones.insert(n.phone.key().to_string(), p.id);
                }
                let changed = merged != p.details;
                p.details = merged;
                outcomes.push(match (was_new, changed) {
                    (true, _) => Outcome::Created(p.id),
                    (false, true) => Outcome::Updated(p.id),
                    (false, false) => Outcome::Unchanged(p.id),
                });
            }
        }
    }

    let new: Vec<(PersonId, &PersonDetails)> =
        pending.iter().filter(|p| p.stored.is_none() && p.details != PersonDetails::default()).map(|p| (p.id, &p.details)).collect();
    insert_many(tx, scope, &new, &fields, now).await?;
    let mut events: Vec<(PersonId, HistoryKind)> = new.iter().map(|(id, _)| (*id, HistoryKind::Created)).collect();
    for p in &pending {
        if let Some(stored) = &p.stored
            && *stored != p.details
        {
            super::save(tx, scope, p.id, &p.details, now, false).await?;
            events.push((p.id, HistoryKind::Edited));
        }
    }
    super::add_events(tx, scope, &events, history, now).await?;
    Ok(outcomes)
}

/// Leave a name out of the update if it is the stored one but for case and accents.
fn same_name_kept(update: &mut Option<Option<String>>, stored: &Option<String>) {
    if let (Some(Some(new)), Some(old)) = (update.as_ref(), stored)
        && fold(new) == fold(old)
    {
        *update = None;
    }
}

fn email_keys(u: &PersonUpdate) -> impl Iterator<Item = String> + '_ {
    u.emails.iter().flatten().map(|e| e.email.key())
}

fn phone_keys(u: &PersonUpdate) -> impl Iterator<Item = String> + '_ {
    u.phones.iter().flatten().map(|p| p.phone.key().to_string())
}

/// Who in the group holds each of these emails or numbers.
async fn owners(
    tx: &mut Tx,
    scope: &Scope,
    table: &'static str,
    key: &'static str,
    keys: Vec<String>,
) -> Result<HashMap<String, PersonId>> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(5000) {
        let mut q = Sql::new("SELECT ");
        q.push(key).push(" AS k, person_id FROM ").push(table).push(" WHERE group_id = ").bind(scope.group_id());
        q.push(" AND ").push(key).push(" IN (").bind_list(chunk.iter().map(String::as_str)).push(")");
        let rows: Vec<(String, PersonId)> = q.fetch_all(tx).await?;
        found.extend(rows);
    }
    Ok(found)
}
