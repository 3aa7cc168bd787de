//! Events and attendances in the OSDI API, as Action Network serves them:
//! events with `browser_url` (public ones) and `total_accepted`; their
//! attendances, each linking its `osdi:person`; a person's attendances; and
//! the record-attendance helper, which embeds a `person` and upserts them.
//! Events are the group's own plans, so any member's token reads them;
//! attendances name people, so they need an organiser's token and their
//! reads are audited.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use tredegar_db::attendances::{self, Attendance};
use tredegar_db::events::{self, Event};
use tredegar_db::{Page, Window, people};
use tredegar_domain::events::RsvpStatus;
use tredegar_domain::{AttendanceId, EventId, GroupId, PersonId, Problem};
use utoipa::ToSchema;

use crate::api::hal::{ErrorBody, Link, Meta, Resource, date};
use crate::api::{Api, Paging, not_found};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query as ApiQuery};
use crate::people::api::PersonIn;
use crate::{AppError, AppState, paths};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(events_api, event_api, attendances_api, attendance_api, record_api, person_attendances_api))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(events_api))
        .route("/events/{id}", get(event_api))
        .route("/events/{id}/attendances", get(attendances_api).post(record_api))
        .route("/events/{id}/attendances/{aid}", get(attendance_api))
        .route("/people/{id}/attendances", get(person_attendances_api))
}

/// Where an event is.
#[derive(Debug, Serialize, ToSchema)]
struct Location {
    venue: String,
}

/// An event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResource {
    #[serde(flatten)]
    meta: Meta,
    title: String,
    description: String,
    /// `meeting`, `demo`, `picket_line`, `training`, `social`, or the group's own words.
    event_type: String,
    start_date: String,
    end_date: String,
    location: Location,
    /// Places; absent when there is no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<i64>,
    /// `confirmed`, or `cancelled` once called off.
    status: String,
    /// People going.
    total_accepted: i64,
    /// The public page where anyone RSVPs; absent for an event that is not public.
    #[serde(skip_serializing_if = "Option::is_none")]
    browser_url: Option<String>,
    #[serde(rename = "_links")]
    links: EventLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct EventLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:attendances")]
    attendances: Link,
    #[serde(rename = "osdi:record_attendance_helper")]
    record: Link,
}

impl EventResource {
    fn new(api: &Api, state: &AppState, e: &Event, total_accepted: i64) -> EventResource {
        let attendances = format!("events/{}/attendances", e.id);
        EventResource {
            meta: Meta::new(e.id, e.created_at, e.created_at),
            title: e.title.clone(),
            description: e.description.clone(),
            event_type: e.kind().as_stored().to_string(),
            start_date: date(e.starts_at),
            end_date: date(e.ends_at),
            location: Location { venue: e.location.clone() },
            capacity: e.capacity,
            status: if e.cancelled_at.is_some() { "cancelled".into() } else { "confirmed".into() },
            total_accepted,
            browser_url: e.is_public.then(|| format!("{}{}", state.config.public_url, paths::public_event(e.id))),
            links: EventLinks {
                this: Link::to(api, &format!("events/{}", e.id)),
                attendances: Link::to(api, &attendances),
                record: Link::to(api, &attendances),
            },
        }
    }
}

impl Resource for EventResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(EventsCollection, EventsLinks, EventsEmbedded, "osdi:events", EventResource);

/// An attendance: a person's RSVP to an event, and whether they came.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceResource {
    #[serde(flatten)]
    meta: Meta,
    /// `accepted` (going), `tentative` (on the waiting list) or `declined` (can't come).
    status: String,
    /// Checked in at the door.
    attended: bool,
    /// Came without an RSVP.
    walk_in: bool,
    comment: String,
    #[serde(rename = "_links")]
    links: AttendanceLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct AttendanceLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:event")]
    event: Link,
    #[serde(rename = "osdi:person")]
    person: Link,
}

impl AttendanceResource {
    fn new(api: &Api, a: &Attendance) -> AttendanceResource {
        AttendanceResource {
            meta: Meta::new(a.id, a.created_at, a.attended_at.unwrap_or(a.created_at)),
            status: a.status.osdi().into(),
            attended: a.attended_at.is_some(),
            walk_in: a.walk_in,
            comment: a.comment.clone(),
            links: AttendanceLinks {
                this: Link::to(api, &format!("events/{}/attendances/{}", a.event_id, a.id)),
                event: Link::to(api, &format!("events/{}", a.event_id)),
                person: Link::to(api, &format!("people/{}", a.person_id)),
            },
        }
    }
}

impl Resource for AttendanceResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(AttendancesCollection, AttendancesLinks, AttendancesEmbedded, "osdi:attendances", AttendanceResource);

/// The people on a page of attendances, for the audit log.
fn people_in(api: &Api, shown: &[Attendance]) -> Vec<(PersonId, GroupId)> {
    shown.iter().map(|a| (a.person_id, api.scope.group_id())).collect()
}

async fn event_of(state: &AppState, api: &Api, id: &str) -> Result<Event, ApiError> {
    let eid: EventId = id.parse().map_err(|_| not_found("event", id))?;
    let mut tx = state.db.read().await?;
    events::get(&mut tx, &api.scope, eid).await?.ok_or_else(|| not_found("event", eid))
}

#[utoipa::path(get, path = "/api/v2/events", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25"), ("filter" = Option<String>, Query, description = "OData: identifier, created_date, modified_date, title, start_date, end_date")), responses((status = 200, description = "The group's events, latest first", body = EventsCollection), (status = 400, description = "Bad paging or filter, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn events_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let page = q.page()?;
    let filter = q.filter(&["identifier", "created_date", "modified_date", "title", "start_date", "end_date"])?;
    let mut tx = state.db.read().await?;
    let (shown, total) = events::page(&mut tx, &api.scope, &filter, page).await?;
    let counts = attendances::counts_of(&mut tx, &shown.iter().map(|e| e.id).collect::<Vec<_>>()).await?;
    let items = shown.iter().map(|e| EventResource::new(&api, &state, e, counts.get(&e.id).map_or(0, |c| c.going))).collect();
    Ok(axum::Json(EventsCollection::new(&api, "events", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/events/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One event", body = EventResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn event_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let e = event_of(&state, &api, &id).await?;
    let mut tx = state.db.read().await?;
    let going = attendances::counts(&mut tx, e.id).await?.going;
    Ok(axum::Json(EventResource::new(&api, &state, &e, going)).into_response())
}

#[utoipa::path(get, path = "/api/v2/events/{id}/attendances", params(("id" = String, Path, description = "The event's id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "Its attendances, oldest first", body = AttendancesCollection), (status = 400, description = "Bad paging, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token reads no attendances", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn attendances_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
) -> Result<Response, ApiError> {
    api.organiser()?;
    q.filter(&[])?;
    let e = event_of(&state, &api, &id).await?;
    let page = q.page()?;
    let mut tx = state.db.read().await?;
    let (shown, total) = attendances::page(&mut tx, &api.scope, e.id, page).await?;
    drop(tx);
    api.record_reads(&state, &people_in(&api, &shown), &format!("attendances of “{}” in the API", e.title)).await?;
    let items = shown.iter().map(|a| AttendanceResource::new(&api, a)).collect();
    Ok(axum::Json(AttendancesCollection::new(&api, &format!("events/{}/attendances", e.id), items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/events/{id}/attendances/{aid}", params(("id" = String, Path, description = "The event's id"), ("aid" = String, Path, description = "The attendance's id")), responses((status = 200, description = "One attendance", body = AttendanceResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token reads no attendances", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn attendance_api(
    State(state): State<AppState>,
    api: Api,
    Path((id, aid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    api.organiser()?;
    let e = event_of(&state, &api, &id).await?;
    let attendance: AttendanceId = aid.parse().map_err(|_| not_found("attendance", &aid))?;
    let mut tx = state.db.read().await?;
    let a = attendances::get(&mut tx, &api.scope, e.id, attendance).await?.ok_or_else(|| not_found("attendance", attendance))?;
    drop(tx);
    api.record_reads(&state, &people_in(&api, std::slice::from_ref(&a)), "an attendance in the API").await?;
    Ok(axum::Json(AttendanceResource::new(&api, &a)).into_response())
}

/// The record-attendance helper's body: the person, and their RSVP.
#[derive(Deserialize, ToSchema)]
pub struct AttendanceIn {
    person: PersonIn,
    /// `accepted` (the default), `tentative` or `declined`.
    status: Option<String>,
    /// Whether they came (checked in).
    attended: Option<bool>,
}

#[utoipa::path(post, path = "/api/v2/events/{id}/attendances", params(("id" = String, Path, description = "The event's id")), request_body = AttendanceIn, responses((status = 200, description = "The attendance, recorded (or updated: one per person per event)", body = AttendanceResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token can only read", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn record_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Json(body): Json<AttendanceIn>,
) -> Result<Response, ApiError> {
    let scope = api.organiser()?.clone();
    let e = event_of(&state, &api, &id).await?;
    let status = match body.status.as_deref() {
        None => RsvpStatus::Going,
        Some(s) => {
            RsvpStatus::from_osdi(s).ok_or_else(|| AppError::from(Problem::new("status", "must be accepted, tentative or declined")))?
        }
    };
    let attended = body.attended.unwrap_or(false);
    let update = body.person.into_update()?;
    let now = state.clock.now();
    let history = format!("Recorded at “{}” through the API", e.title);
    let mut tx = state.db.write().await?;
    let person = people::upsert(&mut tx, &scope, update, crate::people::api::new_fields(&scope), &history, now).await?.id;
    let aid = attendances::record(&mut tx, &scope, &e, person, status, attended, now).await?;
    let a = attendances::get(&mut tx, &scope, e.id, aid).await?.ok_or_else(|| not_found("attendance", aid))?;
    tx.commit().await?;
    Ok(axum::Json(AttendanceResource::new(&api, &a)).into_response())
}

#[utoipa::path(get, path = "/api/v2/people/{id}/attendances", params(("id" = String, Path, description = "The person's id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "The person's attendances, latest event first", body = AttendancesCollection), (status = 400, description = "Bad paging, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn person_attendances_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
) -> Result<Response, ApiError> {
    let person: PersonId = id.parse().map_err(|_| not_found("person", &id))?;
    let page: Page = q.page()?;
    q.filter(&[])?;
    let mut tx = state.db.read().await?;
    // Their own group, which may be a child group sharing with this one: the audit names it.
    let Some(owner) = people::get(&mut tx, &api.scope, person).await?.map(|p| p.group_id) else {
        return Err(not_found("person", person));
    };
    let all: Vec<Attendance> =
        attendances::of_person(&mut tx, &api.scope, person, Window::all()).await?.into_iter().map(|a| a.attendance).collect();
    drop(tx);
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let shown: Vec<Attendance> = page.window(all);
    let read: Vec<(PersonId, GroupId)> = if shown.is_empty() { Vec::new() } else { vec![(person, owner)] };
    api.record_reads(&state, &read, "a person's attendances in the API").await?;
    let items = shown.iter().map(|a| AttendanceResource::new(&api, a)).collect();
    Ok(axum::Json(AttendancesCollection::new(&api, &format!("people/{person}/attendances"), items, page, total)).into_response())
}
