//! People: their contact details, custom field values, tags, assignments and
//! history. Reads go through the scope's visibility rule (own group, sharing
//! children, and for volunteers only their assignments); writes touch only the
//! scope's own group.

use chrono::{DateTime, Utc};
use tredegar_domain::contact::{phone_key_prefix, postcode_key};
use tredegar_domain::filter::Filter;
use tredegar_domain::people::{Address, EmailEntry, PersonDetails, PhoneEntry, PhoneType};
use tredegar_domain::{Email, EventId, PersonId, Phone, Postcode, SubscriptionStatus, UserId};

use crate::{Arg, DbError, FilterColumn, FilterKind, Page, Result, Scope, Tx, count_args, fetch_all_args, filter_sql, prefix_bound};

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

fn display_name(given: Option<&str>, family: Option<&str>, email: Option<&str>) -> String {
    let name = tredegar_domain::people::name_key(given, family);
    if !name.is_empty() {
        [given, family].into_iter().flatten().collect::<Vec<_>>().join(" ")
    } else {
        email.unwrap_or("(no name)").to_string()
    }
}

/// What a search box's words are taken to mean.
#[derive(Clone, Debug, PartialEq)]
pub enum Search {
    All,
    Name(String),
    Email(String),
    Phone(String),
    Postcode(String),
}

impl Search {
    pub fn parse(q: &str) -> Search {
        let q = q.trim();
        if q.is_empty() {
            Search::All
        } else if q.contains('@') {
            Search::Email(q.to_lowercase())
        } else if q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) && q.chars().filter(char::is_ascii_digit).count() >= 3 {
            Search::Phone(phone_key_prefix(q))
        } else if q.len() <= 8
            && q.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && q.chars().any(|c| c.is_ascii_digit())
            && q.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
        {
            Search::Postcode(postcode_key(q))
        } else {
            Search::Name(q.to_lowercase())
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Order {
    /// Alphabetical, for people reading a list.
    Name,
    /// Oldest first, stable for API clients paging through.
    Created,
}

const SUMMARY_COLUMNS: &str = "p.id, p.group_id, p.given_name, p.family_name, \
    (SELECT e.address FROM person_emails e WHERE e.person_id = p.id AND e.is_primary) AS email, \
    (SELECT ph.number FROM person_phones ph WHERE ph.person_id = p.id AND ph.is_primary) AS phone, \
    (SELECT ad.postal_code FROM person_addresses ad WHERE ad.person_id = p.id AND ad.is_primary) AS postcode, \
    p.created_at, p.modified_at";

fn people_column(field: &str) -> Option<FilterColumn> {
    let (sql, kind) = match field {
        "identifier" => ("p.id {op} {arg}", FilterKind::Id),
        "created_date" => ("p.created_at {op} {arg}", FilterKind::Time),
        "modified_date" => ("p.modified_at {op} {arg}", FilterKind::Time),
        "family_name" => ("p.family_name {op} {arg}", FilterKind::Text),
        "given_name" => ("p.given_name {op} {arg}", FilterKind::Text),
        "email_address" => ("p.id IN (SELECT e.person_id FROM person_emails e WHERE e.address_key {op} {arg})", FilterKind::Lower),
        "phone_number" => ("p.id IN (SELECT ph.person_id FROM person_phones ph WHERE ph.number_key {op} {arg})", FilterKind::PhoneKey),
        "region" => ("p.id IN (SELECT ad.person_id FROM person_addresses ad WHERE ad.region {op} {arg})", FilterKind::Text),
        "postal_code" => {
            ("p.id IN (SELECT ad.person_id FROM person_addresses ad WHERE ad.postcode_key {op} {arg})", FilterKind::PostcodeKey)
        }
        _ => return None,
    };
    Some(FilterColumn { sql, kind })
}

/// The fields OSDI clients may filter people by.
pub const FILTER_FIELDS: &[&str] =
    &["identifier", "created_date", "modified_date", "family_name", "given_name", "email_address", "phone_number", "region", "postal_code"];

/// The people a search matches, as `(person_id, sort_key)` rows in the
/// scope's visible groups, read from the index of the key searched (name,
/// family name, email, phone or postcode). `None` for no search.
fn matches(scope: &Scope, search: &Search, args: &mut Vec<Arg>) -> Option<String> {
    let mut range = |prefix: &str| {
        args.push(Arg::Text(prefix.to_string()));
        args.push(Arg::Text(prefix_bound(prefix)));
        (args.len() - 1, args.len())
    };
    // Names: both indexes carry (id, name_key), so this reads no table rows.
    let in_people = |alias: &str, key: &str, (a, b): (usize, usize)| {
        let groups = scope.visible_groups(&format!("{alias}.group_id"));
        format!(
            "SELECT {alias}.id AS person_id, {alias}.name_key AS sort_key FROM people {alias} WHERE {groups} AND {alias}.{key} >= ${a} AND {alias}.{key} < ${b}"
        )
    };
    // Other keys: the few matching rows, joined to their people for the sort key.
    // CROSS JOIN fixes that order in SQLite; to PostgreSQL it is a plain join.
    let in_table = |table: &str, alias: &str, key: &str, (a, b): (usize, usize)| {
        let groups = scope.visible_groups(&format!("{alias}.group_id"));
        format!(
            "SELECT DISTINCT k.id AS person_id, k.name_key AS sort_key FROM {table} {alias} CROSS JOIN people k \
             WHERE {groups} AND {alias}.{key} >= ${a} AND {alias}.{key} < ${b} AND k.id = {alias}.person_id"
        )
    };
    Some(match search {
        Search::All => return None,
        Search::Name(n) => {
            // Full names starting with it, then family names starting with it
            // whose full name does not (so nobody is found twice).
            let (a, b) = range(n);
            let not_already = format!(" AND NOT (f.name_key >= ${a} AND f.name_key < ${b})");
            format!("{} UNION ALL {}{not_already}", in_people("n", "name_key", (a, b)), in_people("f", "family_key", (a, b)))
        }
        Search::Email(e) => in_table("person_emails", "e", "address_key", range(e)),
        Search::Phone(k) => in_table("person_phones", "ph", "number_key", range(k)),
        Search::Postcode(k) => in_table("person_addresses", "ad", "postcode_key", range(k)),
    })
}

/// A page of people with the number of people on all pages.
#[derive(sqlx::FromRow)]
struct Counted {
    #[sqlx(flatten)]
    person: PersonSummary,
    total: i64,
}

/// The SQL for a page of people (each row also carrying the total), the SQL
/// to count them when the page is past the end, and the values for both.
fn list_sql(scope: &Scope, search: &Search, filter: &Filter, order: Order, page: Page) -> Result<(String, String, Vec<Arg>)> {
    let (order_by, sort) = match order {
        Order::Name => ("p.name_key, p.id", "sort_key, person_id"),
        Order::Created => ("p.id", "person_id"),
    };
    let mut args = Vec::new();
    let (count_sql, rows_sql) = if scope.role().sees_everyone() && filter.is_empty() {
        // An organiser sees everyone in the visible groups, which the matches
        // already check: count and page from the index, join only the page.
        args.push(Arg::Id(scope.group_id().0));
        let groups = scope.visible_groups("p.group_id");
        let found = matches(scope, search, &mut args);
        args.extend([Arg::Int(page.per_page), Arg::Int(page.offset())]);
        let (limit, offset) = (args.len() - 1, args.len());
        match found {
            None => (
                format!("SELECT COUNT(*) FROM people p WHERE {groups}"),
                format!(
                    "SELECT {SUMMARY_COLUMNS}, (SELECT COUNT(*) FROM people p WHERE {groups}) AS total FROM people p WHERE {groups} \
                     ORDER BY {order_by} LIMIT ${limit} OFFSET ${offset}"
                ),
            ),
            // The matches are found once: the window counts them before the page is cut.
            Some(m) => (
                format!("SELECT COUNT(*) FROM ({m}) c"),
                format!(
                    "SELECT {SUMMARY_COLUMNS}, m.total FROM (SELECT person_id, sort_key, COUNT(*) OVER () AS total FROM ({m}) c \
                     ORDER BY {sort} LIMIT ${limit} OFFSET ${offset}) m CROSS JOIN people p WHERE p.id = m.person_id ORDER BY {order_by}"
                ),
            ),
        }
    } else {
        // Volunteers (only their assignments) and OSDI filters check each person.
        let (group, everyone, user) = scope.people_args();
        args.extend([Arg::Id(group.0), Arg::Bool(everyone), Arg::Id(user.0)]);
        let from = match matches(scope, search, &mut args) {
            None => "people p WHERE TRUE".to_string(),
            Some(m) => format!("({m}) m CROSS JOIN people p WHERE p.id = m.person_id"),
        };
        let cond = format!("{from} AND {} AND {}", scope.visible_people(), filter_sql(filter, people_column, &mut args)?);
        args.extend([Arg::Int(page.per_page), Arg::Int(page.offset())]);
        let (limit, offset) = (args.len() - 1, args.len());
        (
            format!("SELECT COUNT(*) FROM {cond}"),
            format!("SELECT {SUMMARY_COLUMNS}, COUNT(*) OVER () AS total FROM {cond} ORDER BY {order_by} LIMIT ${limit} OFFSET ${offset}"),
        )
    };
    Ok((count_sql, rows_sql, args))
}

/// A page of the people this scope may see, matching the search and filter.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    search: &Search,
    filter: &Filter,
    order: Order,
    page: Page,
) -> Result<(Vec<PersonSummary>, i64)> {
    let (count_sql, rows_sql, args) = list_sql(scope, search, filter, order, page)?;
    let rows: Vec<Counted> = fetch_all_args(tx, rows_sql, args.clone()).await?;
    let total = match rows.first() {
        Some(r) => r.total,
        // Past the last page there is no row to carry the count. The count
        // takes every value but the last two (limit and offset).
        None if page.offset() > 0 => count_args(tx, count_sql, args.iter().take(args.len().saturating_sub(2)).cloned().collect()).await?,
        None => 0,
    };
    Ok((rows.into_iter().map(|r| r.person).collect(), total))
}

/// Every person the scope may see that matches the search, in name order,
/// sent down the channel one by one: an export of any size in little memory.
pub async fn send_all(tx: &mut Tx, scope: &Scope, search: &Search, to: tokio::sync::mpsc::Sender<PersonSummary>) -> Result<()> {
    let (_, rows_sql, args) = list_sql(scope, search, &Filter::default(), Order::Name, Page::everything())?;
    crate::send_each(tx, rows_sql, args, &to, |row: Counted| row.person).await
}

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

fn corrupt(p: tredegar_domain::Problem) -> DbError {
    DbError::Corrupt(p.to_string())
}

/// One person, if this scope may see them.
pub async fn get(tx: &mut Tx, scope: &Scope, id: PersonId) -> Result<Option<Person>> {
    Ok(get_many(tx, scope, &[id]).await?.pop())
}

/// The people with these ids that this scope may see, in the order given:
/// six queries however many there are.
pub async fn get_many(tx: &mut Tx, scope: &Scope, ids: &[PersonId]) -> Result<Vec<Person>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (group, everyone, user) = scope.people_args();
    let mut args = vec![Arg::Id(group.0), Arg::Bool(everyone), Arg::Id(user.0)];
    let first = args.len() + 1;
    args.extend(ids.iter().map(|id| Arg::Id(id.0)));
    let list = (first..first + ids.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT p.id, p.group_id, p.given_name, p.family_name, p.languages, p.created_at, p.modified_at FROM people p WHERE p.id IN ({list}) AND {}",
        scope.visible_people()
    );
    let rows: Vec<PersonRow> = fetch_all_args(tx, sql, args).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Only the visible people's details are read, by their ids alone.
    let seen: Vec<Arg> = rows.iter().map(|r| Arg::Id(r.id.0)).collect();
    let list = (1..=seen.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
    let query =
        |columns: &str, from: &str, order: &str| format!("SELECT {columns} FROM {from} WHERE x.person_id IN ({list}) ORDER BY {order}");
    let emails: Vec<EmailRow> = fetch_all_args(
        tx,
        query("x.person_id, x.address, x.status, x.is_primary", "person_emails x", "x.is_primary DESC, x.address_key"),
        seen.clone(),
    )
    .await?;
    let phones: Vec<PhoneRow> = fetch_all_args(
        tx,
        query("x.person_id, x.number, x.number_type, x.status, x.is_primary", "person_phones x", "x.is_primary DESC, x.number_key"),
        seen.clone(),
    )
    .await?;
    let addresses: Vec<AddressRow> = fetch_all_args(
        tx,
        query(
            "x.person_id, x.address_lines, x.locality, x.region, x.postal_code, x.country, x.latitude, x.longitude, x.is_primary",
            "person_addresses x",
            "x.is_primary DESC, x.id",
        ),
        seen.clone(),
    )
    .await?;
    let custom: Vec<CustomRow> = fetch_all_args(
        tx,
        query("x.person_id, f.name AS name, x.value", "person_custom_values x JOIN custom_fields f ON f.id = x.field_id", "f.name"),
        seen.clone(),
    )
    .await?;
    let tags: Vec<TagRow> = fetch_all_args(
        tx,
        query("x.person_id, t.id, t.name, t.created_at, t.modified_at", "taggings x JOIN tags t ON t.id = x.tag_id", "t.name_key"),
        seen,
    )
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

/// Create a person, or replace what is stored about one, in the scope's own group.
/// An email or phone that belongs to someone else in the group is refused,
/// naming who has it.
pub async fn save(tx: &mut Tx, scope: &Scope, id: PersonId, details: &PersonDetails, now: DateTime<Utc>, new: bool) -> Result<()> {
    let group = scope.group_id();
    for (i, e) in details.emails.iter().enumerate() {
        let owner = scalar!(
            tx,
            PersonId,
            "SELECT person_id FROM person_emails WHERE group_id = $1 AND address_key = $2 AND person_id <> $3",
            group,
            e.email.key(),
            id
        )?;
        if let Some(owner) = owner {
            return Err(DbError::Duplicate {
                field: format!("email_{i}"),
                message: format!("{} already belongs to someone else in this group", e.email.as_str()),
                existing: Some(owner),
            });
        }
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
        if let Some(owner) = owner {
            return Err(DbError::Duplicate {
                field: format!("phone_{i}"),
                message: format!("{} already belongs to someone else in this group", p.phone.as_str()),
                existing: Some(owner),
            });
        }
    }
    let fields = crate::fields::list(tx, scope).await?;
    let mut values = Vec::new();
    for (name, value) in &details.custom {
        let field = fields
            .iter()
            .find(|f| &f.name == name)
            .ok_or_else(|| tredegar_domain::Problem::new(format!("custom_{name}"), "is not a custom field of this group"))?;
        if let Some(v) = field.kind.check(&format!("custom_{name}"), value)? {
            values.push((field.id, v));
        }
    }

    let name_key = details.name_key();
    let family_key = details.family_name.as_deref().unwrap_or_default().to_lowercase();
    let languages = details.languages.join(",");
    if new {
        execute!(
            tx,
            "INSERT INTO people (id, group_id, given_name, family_name, name_key, family_key, languages, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            id,
            group,
            &details.given_name,
            &details.family_name,
            name_key,
            family_key,
            languages,
            now
        )?;
    } else {
        let changed = execute!(
            tx,
            "UPDATE people SET given_name = $3, family_name = $4, name_key = $5, family_key = $6, languages = $7, modified_at = $8 WHERE id = $1 AND group_id = $2",
            id,
            group,
            &details.given_name,
            &details.family_name,
            name_key,
            family_key,
            languages,
            now
        )?;
        if changed == 0 {
            return Err(DbError::NotFound);
        }
        for table in ["person_emails", "person_phones", "person_addresses", "person_custom_values"] {
            execute!(tx, sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE person_id = $1")), id)?;
        }
    }
    for e in &details.emails {
        let r = execute!(
            tx,
            "INSERT INTO person_emails (id, group_id, person_id, address, address_key, status, is_primary) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            uuid::Uuid::now_v7(),
            group,
            id,
            e.email.as_str(),
            e.email.key(),
            e.status.as_str(),
            e.primary
        );
        unique_as_duplicate(r, "email_0", e.email.as_str())?;
    }
    for p in &details.phones {
        let r = execute!(
            tx,
            "INSERT INTO person_phones (id, group_id, person_id, number, number_key, number_type, status, is_primary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            uuid::Uuid::now_v7(),
            group,
            id,
            p.phone.as_str(),
            p.phone.key(),
            p.number_type.as_str(),
            p.status.as_str(),
            p.primary
        );
        unique_as_duplicate(r, "phone_0", p.phone.as_str())?;
    }
    for a in &details.addresses {
        execute!(
            tx,
            "INSERT INTO person_addresses (id, group_id, person_id, address_lines, locality, region, postal_code, postcode_key, country, latitude, longitude, is_primary) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            uuid::Uuid::now_v7(),
            group,
            id,
            a.address_lines.join("\n"),
            &a.locality,
            &a.region,
            a.postcode.as_ref().map(|p| p.as_str().to_string()),
            a.postcode.as_ref().map(Postcode::key).unwrap_or_default(),
            &a.country,
            a.latitude,
            a.longitude,
            a.primary
        )?;
    }
    for (field, value) in values {
        execute!(
            tx,
            "INSERT INTO person_custom_values (group_id, person_id, field_id, value) VALUES ($1, $2, $3, $4)",
            group,
            id,
            field,
            value
        )?;
    }
    Ok(())
}

/// A concurrent save can take an address between our check and our insert.
fn unique_as_duplicate(r: std::result::Result<u64, sqlx::Error>, field: &str, value: &str) -> Result<()> {
    match r {
        Err(e) if crate::is_unique_violation(&e) => Err(DbError::Duplicate {
            field: field.into(),
            message: format!("{value} already belongs to someone else in this group"),
            existing: None,
        }),
        Err(e) => Err(e.into()),
        Ok(_) => Ok(()),
    }
}

/// Delete a person and everything about them. Erasure is a real delete.
pub async fn delete(tx: &mut Tx, scope: &Scope, id: PersonId) -> Result<()> {
    let gone = execute!(tx, "DELETE FROM people WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    if gone == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Merge `other` into `keep`: contact details, custom values, tags,
/// assignments and history all move to `keep`, and `other` is deleted.
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
    execute!(tx, "UPDATE person_events SET person_id = $1 WHERE person_id = $2", k, o)?;
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
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonEvent {
    pub kind: String,
    pub summary: String,
    pub user_name: String,
    pub at: DateTime<Utc>,
}

/// Add to a person's history.
pub async fn add_event(tx: &mut Tx, scope: &Scope, person: PersonId, kind: &str, summary: &str, now: DateTime<Utc>) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO person_events (id, group_id, person_id, kind, summary, user_name, at) SELECT $1, $2, $3, $4, $5, $6, $7 \
         WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = $3 AND p.group_id = $2)",
        EventId::new(),
        scope.group_id(),
        person,
        kind,
        summary,
        scope.user_name(),
        now
    )?;
    Ok(())
}

/// A person's history, newest first, if this scope may see them.
pub async fn events(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Vec<PersonEvent>> {
    let (group, everyone, user) = scope.people_args();
    let sql = format!(
        "SELECT e.kind, e.summary, e.user_name, e.at FROM person_events e JOIN people p ON p.id = e.person_id \
         WHERE e.person_id = $4 AND {} ORDER BY e.at DESC, e.id DESC LIMIT 200",
        scope.visible_people()
    );
    Ok(fetch_all!(tx, PersonEvent, sqlx::AssertSqlSafe(sql), group, everyone, user, person)?)
}

/// Let a volunteer see a person.
pub async fn assign(tx: &mut Tx, scope: &Scope, person: PersonId, user: UserId, now: DateTime<Utc>) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO assignments (group_id, person_id, user_id, created_at) SELECT $1, $2, $3, $4 \
         WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = $2 AND p.group_id = $1) \
         AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = $3 AND m.group_id = $1) \
         ON CONFLICT (person_id, user_id) DO NOTHING",
        scope.group_id(),
        person,
        user,
        now
    )?;
    Ok(())
}

pub async fn unassign(tx: &mut Tx, scope: &Scope, person: PersonId, user: UserId) -> Result<()> {
    execute!(tx, "DELETE FROM assignments WHERE group_id = $1 AND person_id = $2 AND user_id = $3", scope.group_id(), person, user)?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Assignee {
    pub user_id: UserId,
    pub name: String,
}

pub async fn assignees(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Vec<Assignee>> {
    Ok(fetch_all!(
        tx,
        Assignee,
        "SELECT u.id AS user_id, u.name AS name FROM assignments a JOIN users u ON u.id = a.user_id WHERE a.group_id = $1 AND a.person_id = $2 ORDER BY u.name",
        scope.group_id(),
        person
    )?)
}

/// How many people the scope can see, for the dashboard.
pub async fn count(tx: &mut Tx, scope: &Scope) -> Result<i64> {
    Ok(list(tx, scope, &Search::All, &Filter::default(), Order::Name, Page::new(1, 1)).await?.1)
}
