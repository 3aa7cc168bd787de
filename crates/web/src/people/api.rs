//! OSDI people: list, get, the signup helper (upsert), and PUT.

use std::collections::BTreeMap;
use tredegar_domain::AuditAction;
use tredegar_domain::people::HistoryKind;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use tredegar_db::people::{self, Order, Person, Search};
use tredegar_db::{Scope, audit, fields, tags};
use tredegar_domain::contact::optional_text;
use tredegar_domain::people::{Address, EmailEntry, FieldKind, PersonDetails, PhoneEntry, PhoneType, parse_field_name};
use tredegar_domain::{Email, FieldErrors, PersonId, Phone, Postcode, Problem, SubscriptionStatus};

use crate::api::{Api, Paging, collection, date, identifiers};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query};
use crate::{AppError, AppState};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, get_one, signup, update, taggings))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(list).post(signup))
        .route("/people/{id}", get(get_one).put(update))
        .route("/people/{id}/taggings", get(taggings))
}

pub fn person_json(api: &Api, p: &Person) -> Value {
    let d = &p.details;
    let id = p.id;
    json!({
        "identifiers": identifiers(id),
        "created_date": date(p.created_at),
        "modified_date": date(p.modified_at),
        "given_name": d.given_name,
        "family_name": d.family_name,
        "email_addresses": d.emails.iter().map(|e| json!({"address": e.email.as_str(), "primary": e.primary, "status": e.status.as_str()})).collect::<Vec<_>>(),
        "phone_numbers": d.phones.iter().map(|p| json!({"number": p.phone.as_str(), "primary": p.primary, "number_type": p.number_type.as_str(), "status": p.status.as_str()})).collect::<Vec<_>>(),
        "postal_addresses": d.addresses.iter().map(|a| json!({
            "primary": a.primary,
            "address_lines": a.address_lines,
            "locality": a.locality,
            "region": a.region,
            "postal_code": a.postcode.as_ref().map(|p| p.as_str()),
            "country": a.country,
            "location": {"latitude": a.latitude, "longitude": a.longitude},
        })).collect::<Vec<_>>(),
        "languages_spoken": d.languages,
        "custom_fields": d.custom.iter().cloned().collect::<BTreeMap<String, String>>(),
        "_links": {
            "self": {"href": api.url(&format!("people/{id}"))},
            "osdi:taggings": {"href": api.url(&format!("people/{id}/taggings"))},
        }
    })
}

fn not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError(AppError::NotFound(format!("Couldn't find person with id = {id}")))
}

/// A person the token may see.
async fn visible(state: &AppState, scope: &Scope, id: PersonId) -> Result<Person, ApiError> {
    let mut tx = state.db.read().await?;
    people::get(&mut tx, scope, id).await?.ok_or_else(|| not_found(id))
}

#[utoipa::path(get, path = "/api/v2/people", params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query), ("filter" = Option<String>, Query)), responses((status = 200, description = "A page of people")))]
pub async fn list(State(state): State<AppState>, api: Api, Query(q): Query<Paging>) -> Result<Response, ApiError> {
    let filter = q.filter(people::FILTER_FIELDS)?;
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (rows, total) = people::list(&mut tx, &api.scope, &Search::All, &filter, Order::Created, page).await?;
    let ids: Vec<PersonId> = rows.iter().map(|r| r.id).collect();
    let items = people::get_many(&mut tx, &api.scope, &ids).await?.iter().map(|p| person_json(&api, p)).collect();
    Ok(collection(&api, "osdi:people", "people", items, page, total).into_response())
}

#[utoipa::path(get, path = "/api/v2/people/{id}", responses((status = 200, description = "One person"), (status = 404, description = "No such person")))]
pub async fn get_one(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id: PersonId = id.parse().map_err(|_| not_found(&id))?;
    let person = visible(&state, &api.scope, id).await?;
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &api.scope, AuditAction::View, &format!("person {id}"), "through the API", state.clock.now()).await?;
    tx.commit().await?;
    Ok(axum::Json(person_json(&api, &person)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct EmailIn {
    address: Option<String>,
    primary: Option<bool>,
    status: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PhoneIn {
    number: Option<Value>,
    primary: Option<bool>,
    number_type: Option<String>,
    status: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LocationIn {
    latitude: Option<f64>,
    longitude: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AddressIn {
    primary: Option<bool>,
    #[serde(default)]
    address_lines: Vec<String>,
    locality: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    location: Option<LocationIn>,
}

/// A person as sent: an absent field is left alone, `null` removes it.
#[derive(Debug, Default, Deserialize)]
pub struct PersonIn {
    #[serde(default, deserialize_with = "present")]
    given_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    family_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    email_addresses: Option<Option<Vec<EmailIn>>>,
    #[serde(default, deserialize_with = "present")]
    phone_numbers: Option<Option<Vec<PhoneIn>>>,
    #[serde(default, deserialize_with = "present")]
    postal_addresses: Option<Option<Vec<AddressIn>>>,
    #[serde(default, deserialize_with = "present")]
    languages_spoken: Option<Option<Vec<String>>>,
    #[serde(default)]
    custom_fields: Option<BTreeMap<String, Value>>,
}

/// Tell "absent" (None) from "null" (Some(None)).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Only these two change an existing person's subscription.
fn explicit_status(s: Option<&str>) -> Option<SubscriptionStatus> {
    s.and_then(|s| SubscriptionStatus::parse("status", s).ok())
        .filter(|s| matches!(s, SubscriptionStatus::Subscribed | SubscriptionStatus::Unsubscribed))
}

impl PersonIn {
    fn email(&self) -> Result<Option<Email>, Problem> {
        let first = self.email_addresses.as_ref().and_then(|l| l.as_ref()).and_then(|l| l.first()).and_then(|e| e.address.as_deref());
        first.map(|a| Email::parse("email_addresses[0].address", a)).transpose()
    }

    fn phone(&self) -> Result<Option<Phone>, Problem> {
        let first = self.phone_numbers.as_ref().and_then(|l| l.as_ref()).and_then(|l| l.first()).and_then(|p| p.number.as_ref());
        first.map(|n| Phone::parse("phone_numbers[0].number", &value_text(n))).transpose()
    }

    /// Merge what was sent into what is stored.
    fn apply(self, mut d: PersonDetails, custom_kinds: &[fields::CustomField]) -> Result<PersonDetails, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(v) = self.given_name {
            d.given_name = errors.check(optional_text("given_name", v.as_deref().unwrap_or(""), 200)).flatten();
        }
        if let Some(v) = self.family_name {
            d.family_name = errors.check(optional_text("family_name", v.as_deref().unwrap_or(""), 200)).flatten();
        }
        if let Some(list) = self.email_addresses {
            let list = list.unwrap_or_default();
            if list.is_empty() {
                d.emails.clear();
            }
            // An entry with no address says nothing (Parsons sends `[{}]` for "no email").
            for (i, e) in list.into_iter().enumerate().filter(|(_, e)| e.address.is_some()) {
                let field = format!("email_addresses[{i}]");
                let Some(email) = errors.check(Email::parse(&format!("{field}.address"), e.address.as_deref().unwrap_or(""))) else {
                    continue;
                };
                if let Some(s) = e.status.as_deref() {
                    errors.check(SubscriptionStatus::parse(&format!("{field}.status"), s));
                }
                let primary = e.primary.unwrap_or(false);
                match d.emails.iter_mut().find(|x| x.email.key() == email.key()) {
                    Some(existing) => {
                        if let Some(s) = explicit_status(e.status.as_deref()) {
                            existing.status = s;
                        }
                        existing.primary |= primary;
                    }
                    None => {
                        let status = e
                            .status
                            .as_deref()
                            .and_then(|s| SubscriptionStatus::parse("status", s).ok())
                            .unwrap_or(SubscriptionStatus::Subscribed);
                        d.emails.push(EmailEntry { email, status, primary });
                    }
                }
                if primary {
                    let key = d.emails.iter().rev().find(|x| x.primary).map(|x| x.email.key());
                    d.emails.iter_mut().for_each(|x| x.primary = Some(x.email.key()) == key);
                }
            }
        }
        if let Some(list) = self.phone_numbers {
            let list = list.unwrap_or_default();
            if list.is_empty() {
                d.phones.clear();
            }
            for (i, p) in list.into_iter().enumerate() {
                let field = format!("phone_numbers[{i}]");
                let number = p.number.as_ref().map(value_text).unwrap_or_default();
                let Some(phone) = errors.check(Phone::parse(&format!("{field}.number"), &number)) else { continue };
                if let Some(s) = p.status.as_deref() {
                    errors.check(SubscriptionStatus::parse(&format!("{field}.status"), s));
                }
                let number_type = errors
                    .check(PhoneType::parse(&format!("{field}.number_type"), p.number_type.as_deref().unwrap_or("")))
                    .unwrap_or(PhoneType::Mobile);
                match d.phones.iter_mut().find(|x| x.phone.key() == phone.key()) {
                    Some(existing) => {
                        if let Some(s) = explicit_status(p.status.as_deref()) {
                            existing.status = s;
                        }
                        existing.primary |= p.primary.unwrap_or(false);
                    }
                    None => {
                        let status = p
                            .status
                            .as_deref()
                            .and_then(|s| SubscriptionStatus::parse("status", s).ok())
                            .unwrap_or(SubscriptionStatus::Unsubscribed);
                        d.phones.push(PhoneEntry { phone, number_type, status, primary: p.primary.unwrap_or(false) });
                    }
                }
            }
        }
        if let Some(list) = self.postal_addresses {
            d.addresses = list
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    let field = |f: &str| format!("postal_addresses[{i}].{f}");
                    let text = |errors: &mut FieldErrors, f: &str, v: Option<String>| {
                        errors.check(optional_text(&field(f), v.as_deref().unwrap_or(""), 200)).flatten()
                    };
                    Address {
                        address_lines: a.address_lines.into_iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect(),
                        locality: text(&mut errors, "locality", a.locality),
                        region: text(&mut errors, "region", a.region),
                        postcode: a
                            .postal_code
                            .filter(|p| !p.trim().is_empty())
                            .and_then(|p| errors.check(Postcode::parse(&field("postal_code"), &p))),
                        country: text(&mut errors, "country", a.country),
                        latitude: a.location.as_ref().and_then(|l| l.latitude),
                        longitude: a.location.as_ref().and_then(|l| l.longitude),
                        primary: a.primary.unwrap_or(false),
                    }
                })
                .collect();
        }
        if let Some(list) = self.languages_spoken {
            d.languages = list
                .unwrap_or_default()
                .into_iter()
                .filter_map(|l| errors.check(optional_text("languages_spoken", &l, 40)).flatten())
                .collect();
        }
        for (name, value) in self.custom_fields.unwrap_or_default() {
            let field = format!("custom_fields.{name}");
            let Some(name) = errors.check(parse_field_name(&field, &name)) else { continue };
            d.custom.retain(|(n, _)| n != &name);
            if value.is_null() {
                continue;
            }
            let kind = custom_kinds.iter().find(|f| f.name == name).map_or(FieldKind::Text, |f| f.kind.clone());
            if let Some(Some(v)) = errors.check(kind.check(&field, &value_text(&value))) {
                d.custom.push((name, v));
            }
        }
        errors.into_result()?;
        d.check()
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Make text fields for custom field names the group has not defined yet, as
/// Action Network does, so existing sync tools keep working.
async fn define_new_fields(
    tx: &mut tredegar_db::Tx,
    scope: &Scope,
    d: &PersonDetails,
    known: &mut Vec<fields::CustomField>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    for (name, _) in &d.custom {
        if !known.iter().any(|f| &f.name == name) {
            known.push(fields::create(tx, scope, name, name, &FieldKind::Text, now).await?);
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct SignupIn {
    person: PersonIn,
    #[serde(default)]
    add_tags: Vec<String>,
    #[serde(default)]
    remove_tags: Vec<String>,
}

/// The signup helper: match by email (or, with no email, by phone) within the
/// token's group, update only the fields given, or create the person.
#[utoipa::path(post, path = "/api/v2/people", responses((status = 200, description = "The person, created or updated")))]
pub async fn signup(
    State(state): State<AppState>,
    api: Api,
    Query(q): Query<Paging>,
    Json(body): Json<SignupIn>,
) -> Result<Response, ApiError> {
    let scope = api.organiser()?.clone();
    let email = body.person.email()?;
    let phone = if email.is_none() { body.person.phone()? } else { None };
    if email.is_none() && phone.is_none() {
        return Err(Problem::new("person.email_addresses", "a person needs an email address or a phone number").into());
    }
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let mut known = fields::list(&mut tx, &scope).await?;
    let existing = match people::find_match(&mut tx, &scope, email.as_ref(), phone.as_ref()).await? {
        Some(id) => people::get(&mut tx, &scope, id).await?,
        None => None,
    };
    let (id, new, stored, now) = match &existing {
        // Modified is always after created, so clients can tell an update from a create.
        Some(p) => (p.id, false, p.details.clone(), now.max(p.created_at + chrono::Duration::milliseconds(1))),
        None => (PersonId::new(), true, PersonDetails::default(), now),
    };
    let details = body.person.apply(stored, &known)?;
    define_new_fields(&mut tx, &scope, &details, &mut known, now).await?;
    people::save(&mut tx, &scope, id, &details, now, new).await?;
    people::add_event(&mut tx, &scope, id, if new { HistoryKind::Created } else { HistoryKind::Edited }, "Signed up through the API", now)
        .await?;
    for name in &body.add_tags {
        if let Some(tag) = tags::by_name(&mut tx, &scope, name).await? {
            tags::add(&mut tx, &scope, tag.id, id, now).await?;
        }
    }
    for name in &body.remove_tags {
        if let Some(tag) = tags::by_name(&mut tx, &scope, name).await? {
            match tags::remove(&mut tx, &scope, tag.id, id, now).await {
                Ok(()) | Err(tredegar_db::DbError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let person = people::get(&mut tx, &scope, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    if q.background() {
        return Ok(axum::Json(json!({})).into_response());
    }
    Ok(axum::Json(person_json(&api, &person)).into_response())
}

#[utoipa::path(put, path = "/api/v2/people/{id}", responses((status = 200, description = "The updated person"), (status = 404, description = "No such person")))]
pub async fn update(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Query(q): Query<Paging>,
    Json(body): Json<PersonIn>,
) -> Result<Response, ApiError> {
    let id: PersonId = id.parse().map_err(|_| not_found(&id))?;
    let person = visible(&state, &api.scope, id).await?;
    if person.group_id != api.scope.group_id() {
        return Err(not_found(id));
    }
    let scope = api.organiser()?.clone();
    let now = state.clock.now().max(person.created_at + chrono::Duration::milliseconds(1));
    let mut tx = state.db.write().await?;
    let mut known = fields::list(&mut tx, &scope).await?;
    let details = body.apply(person.details, &known)?;
    define_new_fields(&mut tx, &scope, &details, &mut known, now).await?;
    people::save(&mut tx, &scope, id, &details, now, false).await?;
    people::add_event(&mut tx, &scope, id, HistoryKind::Edited, "Updated through the API", now).await?;
    let person = people::get(&mut tx, &scope, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    if q.background() {
        return Ok(axum::Json(json!({})).into_response());
    }
    Ok(axum::Json(person_json(&api, &person)).into_response())
}

#[utoipa::path(get, path = "/api/v2/people/{id}/taggings", responses((status = 200, description = "The person's taggings")))]
pub async fn taggings(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Query(q): Query<Paging>,
) -> Result<Response, ApiError> {
    let id: PersonId = id.parse().map_err(|_| not_found(&id))?;
    visible(&state, &api.scope, id).await?;
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (rows, total) = tags::taggings(&mut tx, &api.scope, None, Some(id), page).await?;
    let items = rows.iter().map(|t| crate::tags::api::tagging_json(&api, t)).collect();
    Ok(collection(&api, "osdi:taggings", &format!("people/{id}/taggings"), items, page, total).into_response())
}
