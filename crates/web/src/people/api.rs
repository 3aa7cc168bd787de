//! OSDI people: list, get, the signup helper (upsert), and PUT.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use tredegar_db::people::{self, NewFields, Person};
use tredegar_db::{Scope, tags};
use tredegar_domain::contact::{one_line_text, optional_text};
use tredegar_domain::people::{Address, PhoneType, parse_field_name};
use tredegar_domain::person_update::{EmailUpdate, PersonUpdate, PhoneUpdate};
use tredegar_domain::{Email, FieldErrors, PersonId, Phone, Postcode, Problem, Role, SubscriptionStatus};
use utoipa::ToSchema;

use super::kept::Listing;
use crate::api::hal::{ErrorBody, Link, Meta, Resource};
use crate::api::{Api, Paging, Reading};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query};
use crate::tags::api::{TaggingResource, TaggingsCollection};
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

/// A person, as OSDI clients read one.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonResource {
    #[serde(flatten)]
    meta: Meta,
    given_name: Option<String>,
    family_name: Option<String>,
    email_addresses: Vec<EmailOut>,
    phone_numbers: Vec<PhoneOut>,
    postal_addresses: Vec<AddressOut>,
    languages_spoken: Vec<String>,
    /// Always present, even when empty.
    custom_fields: BTreeMap<String, String>,
    #[serde(rename = "_links")]
    links: PersonLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct EmailOut {
    address: String,
    primary: bool,
    /// subscribed, unsubscribed, bouncing or spam complaint
    status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
struct PhoneOut {
    number: String,
    primary: bool,
    /// mobile, home, work or other
    number_type: &'static str,
    status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
struct AddressOut {
    primary: bool,
    address_lines: Vec<String>,
    locality: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    location: LocationOut,
    /// The group's flat or house at this address (same postcode and first
    /// line), where there is one: a Tredegar extension.
    unit_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
struct LocationOut {
    latitude: Option<f64>,
    longitude: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
struct PersonLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:taggings")]
    taggings: Link,
}

impl Resource for PersonResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(PeopleCollection, PeopleLinks, PeopleEmbedded, "osdi:people", PersonResource);

impl PersonResource {
    pub fn new(api: &Api, p: &Person) -> PersonResource {
        let d = &p.details;
        let id = p.id;
        let emails =
            d.emails.iter().map(|e| EmailOut { address: e.email.as_str().to_string(), primary: e.primary, status: e.status.as_str() });
        let phones = d.phones.iter().map(|p| PhoneOut {
            number: p.phone.as_str().to_string(),
            primary: p.primary,
            number_type: p.number_type.as_str(),
            status: p.status.as_str(),
        });
        let addresses = d.addresses.iter().zip(&p.address_units).map(|(a, unit)| AddressOut {
            primary: a.primary,
            address_lines: a.address_lines.clone(),
            locality: a.locality.clone(),
            region: a.region.clone(),
            postal_code: a.postcode.as_ref().map(|p| p.as_str().to_string()),
            country: a.country.clone(),
            location: LocationOut { latitude: a.latitude, longitude: a.longitude },
            unit_id: unit.map(|u| u.to_string()),
        });
        PersonResource {
            meta: Meta::new(id, p.created_at, p.modified_at),
            given_name: d.given_name.clone(),
            family_name: d.family_name.clone(),
            email_addresses: emails.collect(),
            phone_numbers: phones.collect(),
            postal_addresses: addresses.collect(),
            languages_spoken: d.languages.clone(),
            custom_fields: d.custom.iter().cloned().collect(),
            links: PersonLinks { this: Link::to(api, &format!("people/{id}")), taggings: Link::to(api, &format!("people/{id}/taggings")) },
        }
    }
}

fn not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError(AppError::NotFound(format!("Couldn't find person with id = {id}")))
}

/// A person the token may see.
async fn visible(state: &AppState, scope: &Scope, id: PersonId) -> Result<Person, ApiError> {
    let mut tx = state.db.read().await?;
    people::get(&mut tx, scope, id).await?.ok_or_else(|| not_found(id))
}

#[utoipa::path(get, path = "/api/v2/people", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25"), ("filter" = Option<String>, Query, description = "OData subset: field eq|gt|lt 'value', joined by and/or")), responses((status = 200, description = "A page of people", body = PeopleCollection), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, Reading { api, mut tx }: Reading, Query(q): Query<Paging>) -> Result<Response, ApiError> {
    let filter = q.filter(people::FILTER_FIELDS)?;
    let page = q.page()?;
    // `total_records` and where pages begin may be a few seconds behind.
    let listing = Listing::of(&api, page);
    let total = listing.total(&state, &api.scope, &filter, &mut tx).await?;
    let start = listing.start(&state);
    let latest = listing.latest(start, &api.scope, &mut tx).await?;
    let found = people::page_of(&mut tx, &api.scope, &filter, page, start).await?;
    listing.learn(&state, &found, start, latest);
    drop(tx);
    // One entry per page names everyone it returned.
    let read: Vec<_> = found.iter().map(|p| (p.id, p.group_id)).collect();
    api.record_reads(&state, &read, "listed through the API").await?;
    let items = found.iter().map(|p| PersonResource::new(&api, p)).collect();
    Ok(axum::Json(PeopleCollection::new(&api, "people", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/people/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One person", body = PersonResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Reading { api, mut tx }: Reading,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: PersonId = id.parse().map_err(|_| not_found(&id))?;
    let person = people::get(&mut tx, &api.scope, id).await?.ok_or_else(|| not_found(id))?;
    drop(tx);
    api.record_reads(&state, &[(id, person.group_id)], "through the API").await?;
    Ok(axum::Json(PersonResource::new(&api, &person)).into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct EmailIn {
    address: Option<String>,
    primary: Option<bool>,
    status: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PhoneIn {
    number: Option<Value>,
    primary: Option<bool>,
    number_type: Option<String>,
    status: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LocationIn {
    latitude: Option<f64>,
    longitude: Option<f64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
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
#[derive(Debug, Default, Deserialize, ToSchema)]
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

impl PersonIn {
    /// What was sent, checked field by field: every problem at once, each
    /// naming its field. The merge rules are `PersonDetails::merge`.
    pub(crate) fn into_update(self) -> Result<PersonUpdate, FieldErrors> {
        let mut too_many = FieldErrors::default();
        // No person has this many; a longer list only costs the one writer.
        let lengths = [
            ("email_addresses", self.email_addresses.as_ref().and_then(Option::as_ref).map_or(0, Vec::len)),
            ("phone_numbers", self.phone_numbers.as_ref().and_then(Option::as_ref).map_or(0, Vec::len)),
            ("postal_addresses", self.postal_addresses.as_ref().and_then(Option::as_ref).map_or(0, Vec::len)),
            ("languages_spoken", self.languages_spoken.as_ref().and_then(Option::as_ref).map_or(0, Vec::len)),
            ("custom_fields", self.custom_fields.as_ref().map_or(0, BTreeMap::len)),
        ];
        for (field, n) in lengths {
            if n > MOST_IN_A_LIST {
                too_many.push(Problem::new(field, format!("has {n} entries: send at most {MOST_IN_A_LIST}")));
            }
        }
        too_many.into_result()?;
        let mut errors = FieldErrors::default();
        let mut u = PersonUpdate::osdi();
        let name = |errors: &mut FieldErrors, field: &str, v: Option<Option<String>>| {
            v.map(|v| errors.check(optional_text(field, v.as_deref().unwrap_or(""), 200)).flatten())
        };
        u.given_name = name(&mut errors, "given_name", self.given_name);
        u.family_name = name(&mut errors, "family_name", self.family_name);
        u.emails = self.email_addresses.map(|list| {
            let list = list.unwrap_or_default();
            // An entry with no address says nothing (Parsons sends `[{}]` for "no email").
            let given: Vec<(usize, EmailIn)> = list.into_iter().enumerate().filter(|(_, e)| e.address.is_some()).collect();
            given
                .into_iter()
                .filter_map(|(i, e)| {
                    let field = format!("email_addresses[{i}]");
                    let email = errors.check(Email::parse(&format!("{field}.address"), e.address.as_deref().unwrap_or("")));
                    let status = status(&mut errors, &format!("{field}.status"), e.status.as_deref());
                    Some(EmailUpdate { email: email?, status, primary: e.primary.unwrap_or(false) })
                })
                .collect()
        });
        u.phones = self.phone_numbers.map(|list| {
            list.unwrap_or_default()
                .into_iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    let field = format!("phone_numbers[{i}]");
                    let number = p.number.as_ref().map(value_text).unwrap_or_default();
                    let phone = errors.check(Phone::parse(&format!("{field}.number"), &number));
                    let status = status(&mut errors, &format!("{field}.status"), p.status.as_deref());
                    let number_type =
                        errors.check(PhoneType::parse(&format!("{field}.number_type"), p.number_type.as_deref().unwrap_or("")));
                    Some(PhoneUpdate { phone: phone?, number_type: number_type?, status, primary: p.primary.unwrap_or(false) })
                })
                .collect()
        });
        u.addresses = self
            .postal_addresses
            .map(|list| list.unwrap_or_default().into_iter().enumerate().map(|(i, a)| address(&mut errors, i, a)).collect());
        u.languages = self.languages_spoken.map(|list| {
            list.unwrap_or_default().into_iter().filter_map(|l| errors.check(optional_text("languages_spoken", &l, 40)).flatten()).collect()
        });
        for (name, value) in self.custom_fields.unwrap_or_default() {
            let field = format!("custom_fields.{name}");
            let Some(name) = errors.check(parse_field_name(&field, &name)) else { continue };
            // The value is checked against the field's kind by the upsert.
            let value = (!value.is_null()).then(|| value_text(&value));
            if let Some(v) = &value {
                errors.check(optional_text(&field, v, 10_000));
            }
            u.custom.push((name, value));
        }
        errors.into_result()?;
        Ok(u)
    }
}

fn status(errors: &mut FieldErrors, field: &str, s: Option<&str>) -> Option<SubscriptionStatus> {
    s.and_then(|s| errors.check(SubscriptionStatus::parse(field, s)))
}

/// One postal address, each line and part under the forms' rules.
fn address(errors: &mut FieldErrors, i: usize, a: AddressIn) -> Address {
    let field = |f: &str| format!("postal_addresses[{i}].{f}");
    let address_lines =
        a.address_lines.into_iter().filter_map(|l| errors.check(one_line_text(&field("address_lines"), &l, 200)).flatten()).collect();
    let mut text = |f: &str, v: Option<String>| errors.check(optional_text(&field(f), v.as_deref().unwrap_or(""), 200)).flatten();
    let locality = text("locality", a.locality);
    let region = text("region", a.region);
    let country = text("country", a.country);
    let postcode = a.postal_code.filter(|p| !p.trim().is_empty()).and_then(|p| errors.check(Postcode::parse(&field("postal_code"), &p)));
    Address {
        address_lines,
        locality,
        region,
        postcode,
        country,
        latitude: a.location.as_ref().and_then(|l| l.latitude),
        longitude: a.location.as_ref().and_then(|l| l.longitude),
        primary: a.primary.unwrap_or(false),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Only an admin's token defines new custom fields (as Action Network does
/// for any token); anyone else's unknown field is refused, naming it.
pub(crate) fn new_fields(scope: &Scope) -> NewFields {
    if scope.role() >= Role::Admin { NewFields::Create } else { NewFields::Refuse }
}

/// The most entries a list of a person's details (or of tags) may have in one request.
const MOST_IN_A_LIST: usize = 50;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignupIn {
    person: PersonIn,
    #[serde(default)]
    add_tags: Vec<String>,
    #[serde(default)]
    remove_tags: Vec<String>,
}

/// The signup helper: match by email (or, with no email, by phone) within the
/// token's group, update only the fields given, or create the person.
#[utoipa::path(post, path = "/api/v2/people", request_body = SignupIn, responses((status = 200, description = "The person, created or updated", body = PersonResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token can only read", body = ErrorBody)))]
pub async fn signup(
    State(state): State<AppState>,
    api: Api,
    Query(q): Query<Paging>,
    Json(body): Json<SignupIn>,
) -> Result<Response, ApiError> {
    let scope = api.organiser()?.clone();
    for (field, tags) in [("add_tags", &body.add_tags), ("remove_tags", &body.remove_tags)] {
        if tags.len() > MOST_IN_A_LIST {
            return Err(Problem::new(field, format!("has {} entries: send at most {MOST_IN_A_LIST}", tags.len())).into());
        }
    }
    let update = body.person.into_update()?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let id = people::upsert(&mut tx, &scope, update, new_fields(&scope), "Signed up through the API", now).await?.id;
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
    // The answer is the whole record of someone who may have been known
    // already: a read, audited as any other.
    api.record_reads(&state, &[(person.id, person.group_id)], "answered to a signup through the API").await?;
    Ok(axum::Json(PersonResource::new(&api, &person)).into_response())
}

#[utoipa::path(put, path = "/api/v2/people/{id}", params(("id" = String, Path, description = "The id")), request_body = PersonIn, responses((status = 200, description = "The updated person", body = PersonResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token can only read", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
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
    let update = body.into_update()?;
    let mut tx = state.db.write().await?;
    people::update(&mut tx, &scope, id, update, new_fields(&scope), "Updated through the API", state.clock.now()).await?;
    let person = people::get(&mut tx, &scope, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    if q.background() {
        return Ok(axum::Json(json!({})).into_response());
    }
    api.record_reads(&state, &[(person.id, person.group_id)], "answered to an update through the API").await?;
    // The answer is the whole record of someone who may have been known
    // already: a read, audited as any other.
    api.record_reads(&state, &[(person.id, person.group_id)], "answered to a signup through the API").await?;
    Ok(axum::Json(PersonResource::new(&api, &person)).into_response())
}

#[utoipa::path(get, path = "/api/v2/people/{id}/taggings", params(("id" = String, Path, description = "The id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "The person's taggings", body = TaggingsCollection), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn taggings(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Query(q): Query<Paging>,
) -> Result<Response, ApiError> {
    let id: PersonId = id.parse().map_err(|_| not_found(&id))?;
    visible(&state, &api.scope, id).await?;
    let page = q.page()?;
    q.filter(&[])?;
    let mut tx = state.db.read().await?;
    let (rows, total) = tags::taggings(&mut tx, &api.scope, None, Some(id), page).await?;
    let items = rows.iter().map(|t| TaggingResource::new(&api, t)).collect();
    Ok(axum::Json(TaggingsCollection::new(&api, &format!("people/{id}/taggings"), items, page, total)).into_response())
}
