//! The one person upsert: every door that turns outside input into a person
//! (the API's signup helper and PUT, petitions, RSVPs, the help form,
//! imports) comes through here. Match by email, or with no email by phone,
//! within the scope's own group; merge only what was given
//! (`PersonDetails::merge`); save; and note it in the person's history.

use chrono::{DateTime, Utc};
use tredegar_domain::people::{Address, FieldKind, HistoryKind, PersonDetails};
use tredegar_domain::person_update::{EmailUpdate, PersonUpdate};
use tredegar_domain::supporters::Supporter;
use tredegar_domain::{FieldErrors, PersonId, Problem, SubscriptionStatus};

use super::load::get_own;
use super::{Person, add_event, find_match, save};
use crate::{DbError, Result, Scope, Tx, fields};

/// What to do with a custom field name the group has not defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewFields {
    /// Make it a text field, as Action Network does (for admins' tools).
    Create,
    /// Refuse the input, naming the field.
    Refuse,
}

/// How an upsert went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Upserted {
    pub id: PersonId,
    pub created: bool,
}

/// Find the person the update is about, by email then phone, and merge it
/// in; or create them. `history` is the line their history gets.
pub async fn upsert(
    tx: &mut Tx,
    scope: &Scope,
    update: PersonUpdate,
    new_fields: NewFields,
    history: &str,
    now: DateTime<Utc>,
) -> Result<Upserted> {
    let email = update.match_email();
    let phone = if email.is_none() { update.match_phone() } else { None };
    if email.is_none() && phone.is_none() {
        return Err(Problem::new("email_addresses", "a person needs an email address or a phone number").into());
    }
    let existing = match find_match(tx, scope, email, phone).await? {
        Some(id) => get_own(tx, scope, id).await?,
        None => None,
    };
    apply(tx, scope, existing, update, new_fields, history, now).await
}

/// A supporter from a public form, through the one upsert. A person known
/// by this email keeps their name, main address and postal address: a
/// stranger typing someone's email cannot rename them. A new person gets
/// all of it.
pub async fn upsert_supporter(
    tx: &mut Tx,
    scope: &Scope,
    s: &Supporter,
    confirmed: bool,
    history: &str,
    now: DateTime<Utc>,
) -> Result<Upserted> {
    // The address's status, if someone has it already (then they are known).
    let held =
        scalar!(tx, String, "SELECT status FROM person_emails WHERE group_id = $1 AND address_key = $2", scope.group_id(), s.email.key())?;
    let known = held.is_some();
    // A box ticked on a form where anyone may type any address never
    // overrides an address that left our emails or complained; ticked by
    // someone who then followed the emailed link (a petition), it does.
    let opted_out = held.is_some_and(|h| h != SubscriptionStatus::Subscribed.as_str());
    let status = (s.consent && (confirmed || !opted_out)).then_some(SubscriptionStatus::Subscribed);
    let mut update = PersonUpdate {
        emails: Some(vec![EmailUpdate { email: s.email.clone(), status, primary: !known }]),
        new_email_status: SubscriptionStatus::Unsubscribed,
        ..PersonUpdate::default()
    };
    if !known {
        update.given_name = Some(Some(s.given_name.clone()));
        update.family_name = Some(s.family_name.clone());
        update.addresses = Some(vec![Address { postcode: Some(s.postcode.clone()), primary: true, ..Default::default() }]);
    }
    upsert(tx, scope, update, NewFields::Refuse, history, now).await
}

/// Merge the update into one known person of the scope's own group.
pub async fn update(
    tx: &mut Tx,
    scope: &Scope,
    id: PersonId,
    update: PersonUpdate,
    new_fields: NewFields,
    history: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let existing = get_own(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    apply(tx, scope, Some(existing), update, new_fields, history, now).await.map(|_| ())
}

async fn apply(
    tx: &mut Tx,
    scope: &Scope,
    existing: Option<Person>,
    mut update: PersonUpdate,
    new_fields: NewFields,
    history: &str,
    now: DateTime<Utc>,
) -> Result<Upserted> {
    if !update.custom.is_empty() {
        let mut known = fields::list(tx, scope).await?;
        check_custom(tx, scope, &mut known, &mut update, new_fields, now).await?;
    }
    let (id, created, stored, now) = match existing {
        // Modified is always after created, so clients can tell an update from a create.
        Some(p) => (p.id, false, p.details, now.max(p.created_at + chrono::Duration::milliseconds(1))),
        None => (PersonId::new(), true, PersonDetails::default(), now),
    };
    let details = stored.clone().merge(update)?;
    // Sent again as it stands, a person is not written: a client syncing
    // by `modified_date` would otherwise see them changed every time.
    if created || details != stored {
        save(tx, scope, id, &details, now, created).await?;
    }
    add_event(tx, scope, id, if created { HistoryKind::Created } else { HistoryKind::Edited }, history, now).await?;
    Ok(Upserted { id, created })
}

/// Check each custom value against its field's kind (`known` are the
/// group's fields), defining unknown fields or refusing them as the caller said.
pub(super) async fn check_custom(
    tx: &mut Tx,
    scope: &Scope,
    known: &mut Vec<fields::CustomField>,
    update: &mut PersonUpdate,
    new_fields: NewFields,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut errors = FieldErrors::default();
    for (name, value) in &mut update.custom {
        let field = format!("custom_fields.{name}");
        let kind = match (known.iter().find(|f| &f.name == name), new_fields) {
            (Some(f), _) => f.kind.clone(),
            (None, NewFields::Create) => {
                known.push(fields::create(tx, scope, name, name, &FieldKind::Text, now).await?);
                FieldKind::Text
            }
            (None, NewFields::Refuse) => {
                errors.push(Problem::new(field, "is not a custom field of this group (an admin can add it)"));
                continue;
            }
        };
        if let Some(v) = value.take() {
            *value = errors.check(kind.check(&field, &v)).flatten();
        }
    }
    Ok(errors.into_result()?)
}
