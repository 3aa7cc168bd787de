//! Everything about a few people at once: six queries however many there are.

use chrono::{DateTime, Utc};
use tredegar_domain::people::{Address, EmailEntry, PersonDetails, PhoneEntry, PhoneType};
use tredegar_domain::{Email, PersonId, Phone, Postcode, SubscriptionStatus};

use super::Person;
use crate::{DbError, Result, Scope, Sql, Tx};

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: PersonId,
    group_id: tredegar_domain::GroupId,
    given_name: Option<String>,
    family_name: Option<String>,
    languages: String,
    created_at: DateTime<Utc>,
    modified_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct EmailRow {
    person_id: PersonId,
    address: String,
    status: String,
    is_primary: bool,
}

#[derive(sqlx::FromRow)]
struct PhoneRow {
    person_id: PersonId,
    number: String,
    number_type: String,
    status: String,
    is_primary: bool,
}

#[derive(sqlx::FromRow)]
struct AddressRow {
    person_id: PersonId,
    address_lines: String,
    locality: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    is_primary: bool,
}

#[derive(sqlx::FromRow)]
struct CustomRow {
    person_id: PersonId,
    name: String,
    value: String,
}

#[derive(sqlx::FromRow)]
struct TagRow {
    person_id: PersonId,
    #[sqlx(flatten)]
    tag: crate::tags::Tag,
}

pub(super) fn corrupt(p: tredegar_domain::Problem) -> DbError {
    DbError::Corrupt(p.to_string())
}

/// One person, if this scope may see them.
pub async fn get(tx: &mut Tx, scope: &Scope, id: PersonId) -> Result<Option<Person>> {
    Ok(get_many(tx, scope, &[id]).await?.pop())
}

/// The details of the people with these ids, read by id alone: the caller
/// has already checked they are visible.
fn details_sql(columns: &'static str, from: &'static str, order: &'static str, ids: &[PersonId]) -> Sql {
    let mut q = Sql::new("SELECT ");
    q.push(columns).push(" FROM ").push(from).push(" WHERE x.person_id IN (").bind_list(ids.iter().copied());
    q.push(") ORDER BY ").push(order);
    q
}

/// The people with these ids that this scope may see, in the order given.
pub async fn get_many(tx: &mut Tx, scope: &Scope, ids: &[PersonId]) -> Result<Vec<Person>> {
    load(tx, scope, ids, Reach::Visible).await
}

/// A person of the scope's own group, whoever is asking: for the upsert,
/// which must find the person it merges into even when the caller (a
/// public form, a volunteer's token) may not read them. It is never shown.
pub(super) async fn get_own(tx: &mut Tx, scope: &Scope, id: PersonId) -> Result<Option<Person>> {
    Ok(load(tx, scope, &[id], Reach::OwnGroup).await?.pop())
}

/// Many people of the scope's own group, as `get_own` does, for the batched upsert.
pub(super) async fn get_own_many(tx: &mut Tx, scope: &Scope, ids: &[PersonId]) -> Result<Vec<Person>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(2000) {
        found.extend(load(tx, scope, chunk, Reach::OwnGroup).await?);
    }
    Ok(found)
}

/// Whom a load may return.
enum Reach {
    /// Whom the scope may read.
    Visible,
    /// Anyone in the scope's own group.
    OwnGroup,
}

async fn load(tx: &mut Tx, scope: &Scope, ids: &[PersonId], reach: Reach) -> Result<Vec<Person>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT p.id, p.group_id, p.given_name, p.family_name, p.languages, p.created_at, p.modified_at FROM people p WHERE p.id IN (",
    );
    q.bind_list(ids.iter().copied()).push(") AND ");
    match reach {
        Reach::Visible => scope.visible_people(&mut q, "p"),
        Reach::OwnGroup => {
            q.push("p.group_id = ").bind(scope.group_id());
        }
    }
    let rows: Vec<PersonRow> = q.fetch_all(tx).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let seen: Vec<PersonId> = rows.iter().map(|r| r.id).collect();
    let emails: Vec<EmailRow> =
        details_sql("x.person_id, x.address, x.status, x.is_primary", "person_emails x", "x.is_primary DESC, x.address_key", &seen)
            .fetch_all(tx)
            .await?;
    let phones: Vec<PhoneRow> = details_sql(
        "x.person_id, x.number, x.number_type, x.status, x.is_primary",
        "person_phones x",
        "x.is_primary DESC, x.number_key",
        &seen,
    )
    .fetch_all(tx)
    .await?;
    let addresses: Vec<AddressRow> = details_sql(
        "x.person_id, x.address_lines, x.locality, x.region, x.postal_code, x.country, x.latitude, x.longitude, x.is_primary",
        "person_addresses x",
        "x.is_primary DESC, x.id",
        &seen,
    )
    .fetch_all(tx)
    .await?;
    let custom: Vec<CustomRow> = details_sql(
        "x.person_id, f.name AS name, x.value",
        "person_custom_values x JOIN custom_fields f ON f.id = x.field_id",
        "f.name",
        &seen,
    )
    .fetch_all(tx)
    .await?;
    let tags: Vec<TagRow> = details_sql(
        "x.person_id, t.id, t.name, t.created_at, t.modified_at",
        "taggings x JOIN tags t ON t.id = x.tag_id",
        "t.name_key",
        &seen,
    )
    .fetch_all(tx)
    .await?;

    let mut people = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id;
        let details = PersonDetails {
            given_name: row.given_name,
            family_name: row.family_name,
            emails: emails
                .iter()
                .filter(|e| e.person_id == id)
                .map(|e| {
                    Ok(EmailEntry {
                        email: Email::parse("email", &e.address).map_err(corrupt)?,
                        status: SubscriptionStatus::parse("status", &e.status).map_err(corrupt)?,
                        primary: e.is_primary,
                    })
                })
                .collect::<Result<_>>()?,
            phones: phones
                .iter()
                .filter(|p| p.person_id == id)
                .map(|p| {
                    Ok(PhoneEntry {
                        phone: Phone::parse("phone", &p.number).map_err(corrupt)?,
                        number_type: PhoneType::parse("number_type", &p.number_type).map_err(corrupt)?,
                        status: SubscriptionStatus::parse("status", &p.status).map_err(corrupt)?,
                        primary: p.is_primary,
                    })
                })
                .collect::<Result<_>>()?,
            addresses: addresses
                .iter()
                .filter(|a| a.person_id == id)
                .map(|a| {
                    Ok(Address {
                        address_lines: a.address_lines.lines().map(String::from).collect(),
                        locality: a.locality.clone(),
                        region: a.region.clone(),
                        postcode: a.postal_code.as_deref().map(|c| Postcode::parse("postcode", c)).transpose().map_err(corrupt)?,
                        country: a.country.clone(),
                        latitude: a.latitude,
                        longitude: a.longitude,
                        primary: a.is_primary,
                    })
                })
                .collect::<Result<_>>()?,
            languages: row.languages.split(',').filter(|l| !l.is_empty()).map(String::from).collect(),
            custom: custom.iter().filter(|c| c.person_id == id).map(|c| (c.name.clone(), c.value.clone())).collect(),
        };
        let tags = tags.iter().filter(|t| t.person_id == id).map(|t| t.tag.clone()).collect();
        people.push(Person { id, group_id: row.group_id, details, tags, created_at: row.created_at, modified_at: row.modified_at });
    }
    people.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    Ok(people)
}
