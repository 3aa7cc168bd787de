//! Saving people: create or replace, find who an email or phone belongs to,
//! delete (a real delete) and merge.

use chrono::{DateTime, Utc};
use tredegar_domain::people::PersonDetails;
use tredegar_domain::{Email, PersonId, Phone, Postcode};

use super::Person;
use crate::{DbError, Result, Scope, Tx};

/// The person in the scope's own group who has this email or phone, for the
/// API's upsert: match by email first, then by phone.
pub async fn find_match(tx: &mut Tx, scope: &Scope, email: Option<&Email>, phone: Option<&Phone>) -> Result<Option<PersonId>> {
    if let Some(e) = email {
        let found = scalar!(
            tx,
            PersonId,
            "SELECT person_id FROM person_emails WHERE group_id = $1 AND address_key = $2",
            scope.group_id(),
            e.key()
        )?;
        if found.is_some() {
            return Ok(found);
        }
    }
    if let Some(p) = phone {
        return Ok(scalar!(
            tx,
            PersonId,
            "SELECT person_id FROM person_phones WHERE group_id = $1 AND number_key = $2",
            scope.group_id(),
            p.key()
        )?);
    }
    Ok(None)
}

/// Every email and phone of `details` that belongs to someone other than
/// `id` in the scope's group, each as a `Duplicate` naming its field and
/// who has it: all of them at once, so a form can say so in one go.
pub async fn taken(tx: &mut Tx, scope: &Scope, id: PersonId, details: &PersonDetails) -> Result<Vec<DbError>> {
    let group = scope.group_id();
    let taken_by = |field: String, value: &str, owner: PersonId| DbError::Duplicate {
        field,
        message: format!("{value} already belongs to someone else in this group"),
        existing: Some(owner),
    };
    let mut found = Vec::new();
    for (i, e) in details.emails.iter().enumerate() {
        let owner = scalar!(
            tx,
            PersonId,
            "SELECT person_id FROM person_emails WHERE group_id = $1 AND address_key = $2 AND person_id <> $3",
            group,
            e.email.key(),
            id
        )?;
        found.extend(owner.map(|o| taken_by(format!("email_{i}"), e.email.as_str(), o)));
    }
    for (i, p) in details.phones.iter().enumerate() {
        let owner = scalar!(
            tx,
            PersonId,
            "SELECT person_id FROM person_phones WHERE group_id = $1 AND number_key = $2 AND person_id <> $3",
            group,
            p.phone.key(),
            id
        )?;
        found.extend(owner.map(|o| taken_by(format!("phone_{i}"), p.phone.as_str(), o)));
    }
    Ok(found)
}

/// Create a person, or replace what is stored about one, in the scope's own group.
/// An email or phone that belongs to someone else in the group is refused,
/// naming who has it.
pub async fn save(tx: &mut Tx, scope: &Scope, id: PersonId, details: &PersonDetails, now: DateTime<Utc>, new: bool) -> Result<()> {
    if let Some(first) = taken(tx, scope, id, details).await?.into_iter().next() {
        return Err(first);
    }
    let fields = crate::fields::list(tx, scope).await?;
    if new {
        return insert_many(tx, scope, &[(id, details)], &fields, now).await;
    }
    let changed = execute!(
        tx,
        "UPDATE people SET given_name = $3, family_name = $4, name_key = $5, family_key = $6, languages = $7, modified_at = $8 WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        &details.given_name,
        &details.family_name,
        details.name_key(),
        family_key(details),
        details.languages.join(","),
        now
    )?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    for table in ["person_emails", "person_phones", "person_addresses", "person_custom_values", "person_terms"] {
        execute!(tx, sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE person_id = $1")), id)?;
    }
    insert_parts(tx, scope, &[(id, details)], &fields).await
}

fn family_key(details: &PersonDetails) -> String {
    details.family_name.as_deref().unwrap_or_default().to_lowercase()
}

/// Create people known to be new (no email or phone of theirs is anyone
/// else's) in a few multi-row statements: the bulk path for generated data,
/// such as the benchmarks' million people. Each is as `save` would write it.
pub async fn insert_new(tx: &mut Tx, scope: &Scope, people: &[(PersonId, &PersonDetails)], now: DateTime<Utc>) -> Result<()> {
    let fields = crate::fields::list(tx, scope).await?;
    insert_many(tx, scope, people, &fields, now).await
}

/// Create several people at once, in a few multi-row statements: the write
/// half of the batched upsert, which has already checked that no email or
/// phone is anyone else's. `fields` are the group's custom fields.
pub(crate) async fn insert_many(
    tx: &mut Tx,
    scope: &Scope,
    people: &[(PersonId, &PersonDetails)],
    fields: &[crate::fields::CustomField],
    now: DateTime<Utc>,
) -> Result<()> {
    let group = scope.group_id();
    let columns = "id, group_id, given_name, family_name, name_key, family_key, languages, created_at, modified_at";
    crate::copy::rows(tx, "people", columns, people, |(id, d)| {
        vec![
            (*id).into(),
            group.into(),
            d.given_name.as_deref().into(),
            d.family_name.as_deref().into(),
            d.name_key().into(),
            family_key(d).into(),
            d.languages.join(",").into(),
            now.into(),
            now.into(),
        ]
    })
    .await?;
    insert_parts(tx, scope, people, fields).await
}

/// Everything about these people but their row: emails, phones, addresses,
/// custom values and search terms, none of which may be stored yet.
async fn insert_parts(
    tx: &mut Tx,
    scope: &Scope,
    people: &[(PersonId, &PersonDetails)],
    fields: &[crate::fields::CustomField],
) -> Result<()> {
    let group = scope.group_id();
    let emails: Vec<_> = people.iter().flat_map(|(id, d)| d.emails.iter().map(move |e| (*id, e))).collect();
    let r =
        crate::copy::rows(tx, "person_emails", "id, group_id, person_id, address, address_key, status, is_primary", &emails, |(id, e)| {
            let (address, key, status) = (e.email.as_str().into(), e.email.key().into(), e.status.as_str().into());
            vec![uuid::Uuid::now_v7().into(), group.into(), (*id).into(), address, key, status, e.primary.into()]
        })
        .await;
    unique_as_duplicate(r, "email_0", emails.first().map(|(_, e)| e.email.as_str()))?;
    let phones: Vec<_> = people.iter().flat_map(|(id, d)| d.phones.iter().map(move |p| (*id, p))).collect();
    let columns = "id, group_id, person_id, number, number_key, number_type, status, is_primary";
    let r = crate::copy::rows(tx, "person_phones", columns, &phones, |(id, p)| {
        let (number, key) = (p.phone.as_str().into(), p.phone.key().into());
        let (kind, status) = (p.number_type.as_str().into(), p.status.as_str().into());
        vec![uuid::Uuid::now_v7().into(), group.into(), (*id).into(), number, key, kind, status, p.primary.into()]
    })
    .await;
    unique_as_duplicate(r, "phone_0", phones.first().map(|(_, p)| p.phone.as_str()))?;
    let addresses: Vec<_> = people.iter().flat_map(|(id, d)| d.addresses.iter().map(move |a| (*id, a))).collect();
    let columns =
        "id, group_id, person_id, address_lines, locality, region, postal_code, postcode_key, country, latitude, longitude, is_primary";
    crate::copy::rows(tx, "person_addresses", columns, &addresses, |(id, a)| {
        vec![
            uuid::Uuid::now_v7().into(),
            group.into(),
            (*id).into(),
            a.address_lines.join("\n").into(),
            a.locality.as_deref().into(),
            a.region.as_deref().into(),
            a.postcode.as_ref().map(Postcode::as_str).into(),
            a.postcode.as_ref().map(Postcode::key).unwrap_or_default().into(),
            a.country.as_deref().into(),
            a.latitude.into(),
            a.longitude.into(),
            a.primary.into(),
        ]
    })
    .await?;
    let mut values = Vec::new();
    for (id, d) in people {
        for (name, value) in &d.custom {
            let field = fields
                .iter()
                .find(|f| &f.name == name)
                .ok_or_else(|| tredegar_domain::Problem::new(format!("custom_{name}"), "is not a custom field of this group"))?;
            if let Some(v) = field.kind.check(&format!("custom_{name}"), value)? {
                values.push((*id, field.id, v));
            }
        }
    }
    crate::copy::rows(tx, "person_custom_values", "group_id, person_id, field_id, value", &values, |(id, f, v)| {
        vec![group.into(), (*id).into(), (*f).into(), v.as_str().into()]
    })
    .await?;
    let terms: Vec<_> = people.iter().map(|(id, d)| (*id, tredegar_domain::search::terms(d))).collect();
    let terms: Vec<_> = terms.iter().map(|(id, t)| (group, *id, t.as_slice())).collect();
    super::terms::insert_fresh(tx, &terms).await
}

/// A concurrent save can take an address between our check and our insert.
fn unique_as_duplicate(r: Result<()>, field: &str, value: Option<&str>) -> Result<()> {
    match r {
        Err(DbError::Sqlx(e)) if crate::is_unique_violation(&e) => Err(DbError::Duplicate {
            field: field.into(),
            message: format!("{} already belongs to someone else in this group", value.unwrap_or("an address")),
            existing: None,
        }),
        other => other,
    }
}

/// Delete a person and everything about them. Erasure is a real delete.
pub async fn delete(tx: &mut Tx, scope: &Scope, id: PersonId) -> Result<()> {
    let gone = execute!(tx, "DELETE FROM people WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    if gone == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Merge `other` into `keep`: contact details, custom values, tags,
/// assignments, conversations, follow-ups, assessments and history all move to `keep`, and `other` is deleted.
pub async fn merge(tx: &mut Tx, scope: &Scope, keep: &Person, other: &Person, now: DateTime<Utc>) -> Result<()> {
    let group = scope.group_id();
    if keep.group_id != group || other.group_id != group || keep.id == other.id {
        return Err(DbError::NotFound);
    }
    let (k, o) = (keep.id, other.id);
    execute!(tx, "UPDATE person_emails SET person_id = $1, is_primary = FALSE WHERE person_id = $2", k, o)?;
    execute!(tx, "UPDATE person_phones SET person_id = $1, is_primary = FALSE WHERE person_id = $2", k, o)?;
    execute!(
        tx,
        "UPDATE person_addresses SET person_id = $1, is_primary = (NOT EXISTS (SELECT 1 FROM person_addresses x WHERE x.person_id = $1)) WHERE person_id = $2",
        k,
        o
    )?;
    execute!(
        tx,
        "UPDATE person_custom_values SET person_id = $1 WHERE person_id = $2 AND field_id NOT IN (SELECT v.field_id FROM person_custom_values v WHERE v.person_id = $1)",
        k,
        o
    )?;
    execute!(
        tx,
        "UPDATE taggings SET person_id = $1 WHERE person_id = $2 AND tag_id NOT IN (SELECT t.tag_id FROM taggings t WHERE t.person_id = $1)",
        k,
        o
    )?;
    execute!(
        tx,
        "UPDATE assignments SET person_id = $1 WHERE person_id = $2 AND user_id NOT IN (SELECT a.user_id FROM assignments a WHERE a.person_id = $1)",
        k,
        o
    )?;
    // Conversations, follow-ups, assessment history, homes, door records,
    // signatures, needs for help and offers of it all move; where both were
    // assessed on a campaign, `keep`'s current level stands. (A signature is
    // one per email per petition, not per person, so two may stand.)
    for table in [
        "person_events",
        "conversations",
        "follow_ups",
        "assessment_changes",
        "residencies",
        "electors",
        "door_knocks",
        "signatures",
        "needs",
        "aid_offers",
    ] {
        execute!(tx, sqlx::AssertSqlSafe(format!("UPDATE {table} SET person_id = $1 WHERE person_id = $2")), k, o)?;
    }
    // One attendance per event: where both had one, `keep`'s stands.
    execute!(
        tx,
        "UPDATE attendances SET person_id = $1 WHERE person_id = $2 AND event_id NOT IN (SELECT a.event_id FROM attendances a WHERE a.person_id = $1)",
        k,
        o
    )?;
    execute!(
        tx,
        "UPDATE call_list_people SET person_id = $1 WHERE person_id = $2 AND call_list_id NOT IN (SELECT c.call_list_id FROM call_list_people c WHERE c.person_id = $1)",
        k,
        o
    )?;
    execute!(
        tx,
        "INSERT INTO do_not_call (person_id, group_id, by_name, at) SELECT $1, group_id, by_name, at FROM do_not_call WHERE person_id = $2 ON CONFLICT (person_id) DO NOTHING",
        k,
        o
    )?;
    // Links between the two disappear; their links to others move.
    execute!(tx, "DELETE FROM relationships WHERE (person_id = $1 AND other_id = $2) OR (person_id = $2 AND other_id = $1)", k, o)?;
    for (col, other) in [("person_id", "other_id"), ("other_id", "person_id")] {
        let sql = format!(
            "UPDATE relationships SET {col} = $1 WHERE {col} = $2 AND NOT EXISTS \
             (SELECT 1 FROM relationships x WHERE x.{col} = $1 AND x.{other} = relationships.{other} AND x.kind = relationships.kind)"
        );
        execute!(tx, sqlx::AssertSqlSafe(sql), k, o)?;
    }
    execute!(tx, "UPDATE ladder_moves SET person_id = $1 WHERE person_id = $2", k, o)?;
    // A representative they are, and their places on power maps, stay theirs.
    execute!(tx, "UPDATE representatives SET person_id = $1 WHERE person_id = $2", k, o)?;
    execute!(tx, "UPDATE actors SET person_id = $1 WHERE person_id = $2", k, o)?;
    // Their emails move too, so an unsubscribe link in one still finds them.
    execute!(
        tx,
        "UPDATE outbox SET person_id = $1 WHERE person_id = $2 AND (broadcast_id IS NULL OR broadcast_id NOT IN \
         (SELECT x.broadcast_id FROM outbox x WHERE x.person_id = $1 AND x.broadcast_id IS NOT NULL))",
        k,
        o
    )?;
    execute!(
        tx,
        "UPDATE ladder_placements SET person_id = $1 WHERE person_id = $2 AND NOT EXISTS (SELECT 1 FROM ladder_placements x WHERE x.person_id = $1)",
        k,
        o
    )?;
    execute!(
        tx,
        "UPDATE list_members SET person_id = $1 WHERE person_id = $2 AND list_id NOT IN (SELECT m.list_id FROM list_members m WHERE m.person_id = $1)",
        k,
        o
    )?;
    execute!(
        tx,
        "UPDATE assessments SET person_id = $1 WHERE person_id = $2 AND campaign_id NOT IN (SELECT a.campaign_id FROM assessments a WHERE a.person_id = $1)",
        k,
        o
    )?;
    // If `keep` had no primary email or phone, the moved ones' first becomes it.
    for table in ["person_emails", "person_phones"] {
        let sql = format!(
            "UPDATE {table} SET is_primary = TRUE WHERE id = (SELECT x.id FROM {table} x WHERE x.person_id = $1 ORDER BY x.id LIMIT 1) \
             AND NOT EXISTS (SELECT 1 FROM {table} y WHERE y.person_id = $1 AND y.is_primary)"
        );
        execute!(tx, sqlx::AssertSqlSafe(sql), k)?;
    }
    let mut languages = keep.details.languages.clone();
    languages.extend(other.details.languages.iter().filter(|l| !keep.details.languages.contains(l)).cloned());
    let given = keep.details.given_name.clone().or_else(|| other.details.given_name.clone());
    let family = keep.details.family_name.clone().or_else(|| other.details.family_name.clone());
    let name_key = tredegar_domain::people::name_key(given.as_deref(), family.as_deref());
    execute!(
        tx,
        "UPDATE people SET given_name = $2, family_name = $3, name_key = $4, family_key = $5, languages = $6, modified_at = $7 WHERE id = $1",
        k,
        given,
        family.clone(),
        name_key,
        family.unwrap_or_default().to_lowercase(),
        languages.join(","),
        now
    )?;
    execute!(tx, "DELETE FROM people WHERE id = $1 AND group_id = $2", o, group)?;
    super::terms::reindex(tx, &[k]).await
}
