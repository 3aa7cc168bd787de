//! Everything about a few people at once, in one statement that answers
//! one row: each person and their details as JSON. A row is a hop between
//! threads in sqlx's SQLite driver, so six queries of a row a detail cost
//! far more than the SQL inside them.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use tredegar_domain::people::{Address, EmailEntry, PersonDetails, PhoneEntry, PhoneType};
use tredegar_domain::places::label_key;
use tredegar_domain::{Email, GroupId, PersonId, Phone, Postcode, SubscriptionStatus, TagId, UnitId};

use super::Person;
use crate::{Backend, DbError, Result, Scope, Sql, Tx};

/// A person as the statement writes them: an array, in the order of `PEOPLE_SQLITE`.
#[derive(Deserialize)]
struct PersonJson(
    PersonId,
    GroupId,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    Vec<(String, String, Flag)>,
    Vec<(String, String, String, Flag)>,
    Vec<AddressJson>,
    Vec<(String, String)>,
    Vec<(TagId, String, String, String)>,
);

#[derive(Deserialize)]
/// Coordinates come as text: SQLite's JSON writes a number with 15 digits,
/// which does not give back the same `f64`.
/// Last, the units at the address's postcode, to find the one at its first line.
struct AddressJson(
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Flag,
    Vec<(UnitId, String)>,
);

/// A boolean column, as 0 or 1 from both backends.
type Flag = i64;

/// Each detail is a subquery by the person's id, through its own index.
const PEOPLE_SQLITE: &str = "SELECT json_group_array(json_array(hex(p.id), hex(p.group_id), p.given_name, p.family_name, p.languages, p.created_at, p.modified_at, \
    json((SELECT json_group_array(json_array(x.address, x.status, x.is_primary) ORDER BY x.is_primary DESC, x.address_key) FROM person_emails x WHERE x.person_id = p.id)), \
    json((SELECT json_group_array(json_array(x.number, x.number_type, x.status, x.is_primary) ORDER BY x.is_primary DESC, x.number_key) FROM person_phones x WHERE x.person_id = p.id)), \
    json((SELECT json_group_array(json_array(x.address_lines, x.locality, x.region, x.postal_code, x.country, \
      iif(x.latitude IS NULL, NULL, printf('%!.17g', x.latitude)), iif(x.longitude IS NULL, NULL, printf('%!.17g', x.longitude)), x.is_primary, \
      json((SELECT json_group_array(json_array(hex(u.id), u.address_lines)) FROM units u \
        WHERE u.group_id = x.group_id AND u.postcode_key = x.postcode_key AND x.postcode_key <> ''))) \
      ORDER BY x.is_primary DESC, x.id) FROM person_addresses x WHERE x.person_id = p.id)), \
    json((SELECT json_group_array(json_array(f.name, x.value) ORDER BY f.name) FROM person_custom_values x JOIN custom_fields f ON f.id = x.field_id WHERE x.person_id = p.id)), \
    json((SELECT json_group_array(json_array(hex(t.id), t.name, t.created_at, t.modified_at) ORDER BY t.name_key) FROM taggings x JOIN tags t ON t.id = x.tag_id WHERE x.person_id = p.id)))) \
    FROM people p WHERE p.id IN (";

const PEOPLE_POSTGRES: &str = "SELECT coalesce(json_agg(json_build_array(p.id, p.group_id, p.given_name, p.family_name, p.languages, p.created_at, p.modified_at, \
    (SELECT coalesce(json_agg(json_build_array(x.address, x.status, x.is_primary::int) ORDER BY x.is_primary DESC, x.address_key), '[]') FROM person_emails x WHERE x.person_id = p.id), \
    (SELECT coalesce(json_agg(json_build_array(x.number, x.number_type, x.status, x.is_primary::int) ORDER BY x.is_primary DESC, x.number_key), '[]') FROM person_phones x WHERE x.person_id = p.id), \
    (SELECT coalesce(json_agg(json_build_array(x.address_lines, x.locality, x.region, x.postal_code, x.country, x.latitude::text, x.longitude::text, x.is_primary::int, \
      (SELECT coalesce(json_agg(json_build_array(u.id, u.address_lines)), '[]') FROM units u \
        WHERE u.group_id = x.group_id AND u.postcode_key = x.postcode_key AND x.postcode_key <> '')) ORDER BY x.is_primary DESC, x.id), '[]') FROM person_addresses x WHERE x.person_id = p.id), \
    (SELECT coalesce(json_agg(json_build_array(f.name, x.value) ORDER BY f.name), '[]') FROM person_custom_values x JOIN custom_fields f ON f.id = x.field_id WHERE x.person_id = p.id), \
    (SELECT coalesce(json_agg(json_build_array(t.id, t.name, t.created_at, t.modified_at) ORDER BY t.name_key), '[]') FROM taggings x JOIN tags t ON t.id = x.tag_id WHERE x.person_id = p.id))), '[]')::text \
    FROM people p WHERE p.id IN (";

pub(super) fn corrupt(p: tredegar_domain::Problem) -> DbError {
    DbError::Corrupt(p.to_string())
}

/// One person, if this scope may see them.
pub async fn get(tx: &mut Tx, scope: &Scope, id: PersonId) -> Result<Option<Person>> {
    Ok(get_many(tx, scope, &[id]).await?.pop())
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
    let mut q = people_sql(tx);
    q.bind_list(ids.iter().copied());
    let mut people = read(tx, scope, q, reach).await?;
    people.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    Ok(people)
}

/// The people that a subquery (`SELECT p.id FROM ...`, written by `ids`)
/// names and this scope may see, in the order of their ids: one statement
/// where reading the ids and then their people took two.
pub(super) async fn load_selected(tx: &mut Tx, scope: &Scope, ids: impl FnOnce(&mut Sql) -> Result<()>) -> Result<Vec<Person>> {
    let mut q = people_sql(tx);
    ids(&mut q)?;
    let mut people = read(tx, scope, q, Reach::Visible).await?;
    people.sort_by_key(|p| p.id);
    Ok(people)
}

/// `PEOPLE_...`, to be followed by the ids and `read`.
fn people_sql(tx: &Tx) -> Sql {
    Sql::new(match tx.backend() {
        Backend::Sqlite => PEOPLE_SQLITE,
        Backend::Postgres => PEOPLE_POSTGRES,
    })
}

async fn read(tx: &mut Tx, scope: &Scope, mut q: Sql, reach: Reach) -> Result<Vec<Person>> {
    q.push(") AND ");
    match reach {
        Reach::Visible => scope.visible_people(&mut q, "p"),
        Reach::OwnGroup => {
            q.push("p.group_id = ").bind(scope.group_id());
        }
    }
    let rows: Vec<PersonJson> = q.fetch_json(tx, "people").await?;
    rows.into_iter().map(person).collect()
}

fn person(row: PersonJson) -> Result<Person> {
    let PersonJson(id, group_id, given_name, family_name, languages, created_at, modified_at, emails, phones, addresses, custom, tags) =
        row;
    let address_units = addresses.iter().map(|a| unit_at(&a.0, &a.8)).collect();
    let details = PersonDetails {
        given_name,
        family_name,
        emails: emails
            .into_iter()
            .map(|(address, status, primary)| {
                Ok(EmailEntry {
                    email: Email::parse("email", &address).map_err(corrupt)?,
                    status: SubscriptionStatus::parse("status", &status).map_err(corrupt)?,
                    primary: primary != 0,
                })
            })
            .collect::<Result<_>>()?,
        phones: phones
            .into_iter()
            .map(|(number, number_type, status, primary)| {
                Ok(PhoneEntry {
                    phone: Phone::parse("phone", &number).map_err(corrupt)?,
                    number_type: PhoneType::parse("number_type", &number_type).map_err(corrupt)?,
                    status: SubscriptionStatus::parse("status", &status).map_err(corrupt)?,
                    primary: primary != 0,
                })
            })
            .collect::<Result<_>>()?,
        addresses: addresses
            .into_iter()
            .map(|AddressJson(lines, locality, region, postcode, country, latitude, longitude, primary, _)| {
                Ok(Address {
                    address_lines: lines.lines().map(String::from).collect(),
                    locality,
                    region,
                    postcode: postcode.as_deref().map(|c| Postcode::parse("postcode", c)).transpose().map_err(corrupt)?,
                    country,
                    latitude: latitude.as_deref().map(coordinate).transpose()?,
                    longitude: longitude.as_deref().map(coordinate).transpose()?,
                    primary: primary != 0,
                })
            })
            .collect::<Result<_>>()?,
        languages: languages.split(',').filter(|l| !l.is_empty()).map(String::from).collect(),
        custom: custom.into_iter().collect(),
    };
    let tags = tags
        .into_iter()
        .map(|(id, name, created_at, modified_at)| {
            Ok(crate::tags::Tag { id, name, created_at: time(&created_at)?, modified_at: time(&modified_at)? })
        })
        .collect::<Result<_>>()?;
    Ok(Person { id, group_id, details, address_units, tags, created_at: time(&created_at)?, modified_at: time(&modified_at)? })
}

/// The unit, among those at an address's postcode, whose first line is the
/// address's own in any case and spacing, without trailing commas.
fn unit_at(lines: &str, units: &[(UnitId, String)]) -> Option<UnitId> {
    let key = |lines: &str| label_key(lines.lines().next().unwrap_or_default().trim_end_matches(','));
    let wanted = key(lines);
    units.iter().find(|(_, at)| key(at) == wanted).map(|(id, _)| *id)
}

/// A time as either backend writes it into JSON (RFC 3339).
fn time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|e| DbError::Corrupt(format!("{text:?} is not a time: {e}")))
}

fn coordinate(text: &str) -> Result<f64> {
    text.parse().map_err(|_| DbError::Corrupt(format!("{text:?} is not a coordinate")))
}
