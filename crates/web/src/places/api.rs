//! Places in the API, in the OSDI style (OSDI itself has none): areas,
//! buildings and their units for organisers' tokens, and residencies, which
//! a volunteer's token reads and records only for the people assigned to it.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use tredegar_db::places::{self, AreaRow, BuildingRow, UnitRow};
use tredegar_db::residents::{self, Home};
use tredegar_domain::places::{AreaInput, BuildingInput, ResidencyInput, UnitInput};
use tredegar_domain::{BuildingId, PersonId, UnitId};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::hal::{ErrorBody, Link, Meta, Resource};
use crate::api::{Api, Paging, not_found};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    areas_api,
    add_area_api,
    buildings_api,
    add_building_api,
    building_api,
    units_api,
    add_unit_api,
    residencies_api,
    move_in_api
))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/areas", get(areas_api).post(add_area_api))
        .route("/areas/{id}", get(area_api))
        .route("/buildings", get(buildings_api).post(add_building_api))
        .route("/buildings/{id}", get(building_api))
        .route("/buildings/{id}/units", get(units_api).post(add_unit_api))
        .route("/buildings/{id}/units/{unit}", get(unit_api))
        .route("/people/{id}/residencies", get(residencies_api).post(move_in_api))
        .route("/people/{id}/residencies/{residency}", get(residency_api))
}

/// An area: a ward, an estate or a neighbourhood.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaResource {
    #[serde(flatten)]
    meta: Meta,
    name: String,
    /// ward, estate or neighbourhood.
    kind: String,
    /// The GeoJSON boundary as given, if any.
    boundary: Option<String>,
    /// The structure test's target: the share of units with a supporter, in per cent.
    target_percent: i64,
    #[serde(rename = "_links")]
    links: SelfLink,
}

#[derive(Debug, Serialize, ToSchema)]
struct SelfLink {
    #[serde(rename = "self")]
    this: Link,
}

impl AreaResource {
    fn new(api: &Api, a: &AreaRow) -> AreaResource {
        AreaResource {
            meta: Meta::new(a.id, a.created_at, a.created_at),
            name: a.name.clone(),
            kind: a.kind.to_string(),
            boundary: a.boundary.clone(),
            target_percent: a.target_percent,
            links: SelfLink { this: Link::to(api, &format!("areas/{}", a.id)) },
        }
    }
}

impl Resource for AreaResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(AreasCollection, AreasLinks, AreasEmbedded, "tredegar:areas", AreaResource);

/// A block of flats or a stretch of street.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuildingResource {
    #[serde(flatten)]
    meta: Meta,
    name: String,
    /// block or street.
    kind: String,
    postcode: String,
    area_id: Option<String>,
    target_percent: i64,
    /// How many flats or houses it has.
    units: i64,
    #[serde(rename = "_links")]
    links: BuildingLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct BuildingLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "tredegar:units")]
    units: Link,
}

impl BuildingResource {
    fn new(api: &Api, b: &BuildingRow) -> BuildingResource {
        BuildingResource {
            meta: Meta::new(b.id, b.created_at, b.created_at),
            name: b.name.clone(),
            kind: b.kind.to_string(),
            postcode: b.postcode.clone(),
            area_id: b.area_id.map(|a| a.to_string()),
            target_percent: b.target_percent,
            units: b.units,
            links: BuildingLinks {
                this: Link::to(api, &format!("buildings/{}", b.id)),
                units: Link::to(api, &format!("buildings/{}/units", b.id)),
            },
        }
    }
}

impl Resource for BuildingResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(BuildingsCollection, BuildingsLinks, BuildingsEmbedded, "tredegar:buildings", BuildingResource);

/// A flat or a house.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitResource {
    identifiers: Vec<String>,
    label: String,
    /// 0 for the ground floor; none for a house.
    floor: Option<i64>,
    /// The address, one line each, without the postcode.
    address_lines: Vec<String>,
    postcode: String,
    #[serde(rename = "_links")]
    links: UnitLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct UnitLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "tredegar:building")]
    building: Link,
}

impl UnitResource {
    fn new(api: &Api, u: &UnitRow) -> UnitResource {
        UnitResource {
            identifiers: vec![format!("tredegar:{}", u.id)],
            label: u.label.clone(),
            floor: u.floor,
            address_lines: u.address_lines.lines().map(str::to_string).collect(),
            postcode: u.postcode.clone(),
            links: UnitLinks {
                this: Link::to(api, &format!("buildings/{}/units/{}", u.building_id, u.id)),
                building: Link::to(api, &format!("buildings/{}", u.building_id)),
            },
        }
    }
}

impl Resource for UnitResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(UnitsCollection, UnitsLinks, UnitsEmbedded, "tredegar:units", UnitResource);

/// A person's home, now (no `moved_out`) or before.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidencyResource {
    identifiers: Vec<String>,
    unit_id: String,
    unit: String,
    building: String,
    postcode: String,
    /// YYYY-MM-DD, if known.
    moved_in: Option<String>,
    moved_out: Option<String>,
    #[serde(rename = "_links")]
    links: ResidencyLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct ResidencyLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "tredegar:building")]
    building: Link,
}

impl ResidencyResource {
    fn new(api: &Api, person: PersonId, h: &Home) -> ResidencyResource {
        ResidencyResource {
            identifiers: vec![format!("tredegar:{}", h.id)],
            unit_id: h.unit_id.to_string(),
            unit: h.label.clone(),
            building: h.building_name.clone(),
            postcode: h.postcode.clone(),
            moved_in: h.moved_in.map(|d| d.to_string()),
            moved_out: h.moved_out.map(|d| d.to_string()),
            links: ResidencyLinks {
                this: Link::to(api, &format!("people/{person}/residencies/{}", h.id)),
                building: Link::to(api, &format!("buildings/{}", h.building_id)),
            },
        }
    }
}

impl Resource for ResidencyResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(ResidenciesCollection, ResidenciesLinks, ResidenciesEmbedded, "tredegar:residencies", ResidencyResource);

#[utoipa::path(get, path = "/api/v2/areas", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 400, description = "Bad paging, naming the field, or a filter (this collection takes none)", body = ErrorBody), (status = 200, description = "The group's areas", body = AreasCollection), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody)))]
pub async fn areas_api(State(state): State<AppState>, api: Api, Query(q): Query<Paging>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    q.filter(&[])?;
    let mut tx = state.db.read().await?;
    let (page, total, rows) = q.window(places::areas(&mut tx, scope).await?)?;
    let items = rows.iter().map(|a| AreaResource::new(&api, a)).collect();
    Ok(axum::Json(AreasCollection::new(&api, "areas", items, page, total)).into_response())
}

/// An area: `name`, `kind` (ward, estate or neighbourhood), and optionally
/// `boundary` (a GeoJSON Polygon or MultiPolygon) and `target_percent`.
#[derive(Deserialize, ToSchema)]
pub struct AreaIn {
    name: Option<String>,
    kind: Option<String>,
    #[schema(value_type = Option<Object>)]
    boundary: Option<serde_json::Value>,
    target_percent: Option<i64>,
}

#[utoipa::path(post, path = "/api/v2/areas", request_body = AreaIn, responses((status = 401, description = "No valid token", body = ErrorBody), (status = 200, description = "The area", body = AreaResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody)))]
pub async fn add_area_api(State(state): State<AppState>, api: Api, Json(body): Json<AreaIn>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let input = AreaInput {
        name: body.name.unwrap_or_default(),
        kind: body.kind.unwrap_or_default(),
        boundary: body.boundary.map(|b| b.to_string()).unwrap_or_default(),
        target_percent: body.target_percent.map(|t| t.to_string()).unwrap_or_default(),
    };
    let area = input.check()?;
    let mut tx = state.db.write().await?;
    let id = places::add_area(&mut tx, scope, &area, state.clock.now()).await?;
    let row = places::area(&mut tx, scope, id).await?.ok_or_else(|| not_found("area", id))?;
    tx.commit().await?;
    Ok(axum::Json(AreaResource::new(&api, &row)).into_response())
}

#[utoipa::path(get, path = "/api/v2/buildings", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 400, description = "Bad paging, naming the field, or a filter (this collection takes none)", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 200, description = "The group's buildings", body = BuildingsCollection), (status = 403, description = "Needs an organiser's token", body = ErrorBody)))]
pub async fn buildings_api(State(state): State<AppState>, api: Api, Query(q): Query<Paging>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    q.filter(&[])?;
    let mut tx = state.db.read().await?;
    let (page, total, rows) = q.window(places::buildings(&mut tx, scope, None).await?)?;
    let items = rows.iter().map(|b| BuildingResource::new(&api, b)).collect();
    Ok(axum::Json(BuildingsCollection::new(&api, "buildings", items, page, total)).into_response())
}

/// A building: `name`, `kind` (block or street), `postcode`, and optionally
/// `area_id` and `target_percent`.
#[derive(Deserialize, ToSchema)]
pub struct BuildingIn {
    area_id: Option<String>,
    name: Option<String>,
    kind: Option<String>,
    postcode: Option<String>,
    target_percent: Option<i64>,
}

#[utoipa::path(post, path = "/api/v2/buildings", request_body = BuildingIn, responses((status = 401, description = "No valid token", body = ErrorBody), (status = 200, description = "The building", body = BuildingResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody)))]
pub async fn add_building_api(State(state): State<AppState>, api: Api, Json(body): Json<BuildingIn>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let area = super::area_choice(body.area_id.as_deref().unwrap_or_default())?;
    let input = BuildingInput {
        name: body.name.unwrap_or_default(),
        kind: body.kind.unwrap_or_default(),
        postcode: body.postcode.unwrap_or_default(),
        target_percent: body.target_percent.map(|t| t.to_string()).unwrap_or_default(),
    };
    let building = input.check()?;
    let mut tx = state.db.write().await?;
    let id = places::add_building(&mut tx, scope, area, &building, state.clock.now()).await?;
    let row = places::building(&mut tx, scope, id).await?.ok_or_else(|| not_found("building", id))?;
    tx.commit().await?;
    Ok(axum::Json(BuildingResource::new(&api, &row)).into_response())
}

async fn the_building(state: &AppState, api: &Api, id: &str) -> Result<BuildingRow, ApiError> {
    let scope = api.organiser()?;
    let building: BuildingId = id.parse().map_err(|_| not_found("building", id))?;
    let mut tx = state.db.read().await?;
    places::building(&mut tx, scope, building).await?.ok_or_else(|| not_found("building", id))
}

#[utoipa::path(get, path = "/api/v2/buildings/{id}", params(("id" = String, Path, description = "The building's id")), responses((status = 403, description = "Needs an organiser's token", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 200, description = "The building", body = BuildingResource), (status = 404, description = "No such building in this group", body = ErrorBody)))]
pub async fn building_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let b = the_building(&state, &api, &id).await?;
    Ok(axum::Json(BuildingResource::new(&api, &b)).into_response())
}

#[utoipa::path(get, path = "/api/v2/buildings/{id}/units", params(("id" = String, Path, description = "The building's id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 400, description = "Bad paging, naming the field, or a filter (this collection takes none)", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 200, description = "Its flats or houses, top floor first", body = UnitsCollection), (status = 404, description = "No such building in this group", body = ErrorBody)))]
pub async fn units_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Query(q): Query<Paging>,
) -> Result<Response, ApiError> {
    q.filter(&[])?;
    let b = the_building(&state, &api, &id).await?;
    let mut tx = state.db.read().await?;
    let (page, total, rows) = q.window(places::units(&mut tx, &api.scope, b.id).await?)?;
    let items = rows.iter().map(|u| UnitResource::new(&api, u)).collect();
    Ok(axum::Json(UnitsCollection::new(&api, &format!("buildings/{}/units", b.id), items, page, total)).into_response())
}

/// A flat or house: `unit` ("Flat 12"), optionally `floor` (0 is the ground
/// floor) and `address_lines` (one line each).
#[derive(Deserialize, ToSchema)]
pub struct UnitIn {
    unit: Option<String>,
    floor: Option<i64>,
    address_lines: Option<Vec<String>>,
}

#[utoipa::path(post, path = "/api/v2/buildings/{id}/units", params(("id" = String, Path, description = "The building's id")), request_body = UnitIn, responses((status = 404, description = "No such thing in this group", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 200, description = "The unit", body = UnitResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 409, description = "The building already has a unit by that name", body = ErrorBody)))]
pub async fn add_unit_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Json(body): Json<UnitIn>,
) -> Result<Response, ApiError> {
    let b = the_building(&state, &api, &id).await?;
    let input = UnitInput {
        unit: body.unit.unwrap_or_default(),
        floor: body.floor.map(|f| f.to_string()).unwrap_or_default(),
        address_lines: body.address_lines.unwrap_or_default().join("\n"),
    };
    let unit = input.check()?;
    let mut tx = state.db.write().await?;
    let unit_id = places::add_unit(&mut tx, &api.scope, b.id, &unit, state.clock.now()).await?;
    let row = places::unit(&mut tx, &api.scope, unit_id).await?.ok_or_else(|| not_found("unit", unit_id))?;
    tx.commit().await?;
    Ok(axum::Json(UnitResource::new(&api, &row)).into_response())
}

/// A person whose homes the token may read and record (a volunteer's: one
/// assigned to them).
async fn the_person(state: &AppState, api: &Api, id: &str) -> Result<PersonId, ApiError> {
    let person: PersonId = id.parse().map_err(|_| not_found("person", id))?;
    let mut tx = state.db.read().await?;
    if tredegar_db::people::sees(&mut tx, &api.scope, person).await? { Ok(person) } else { Err(not_found("person", id)) }
}

#[utoipa::path(get, path = "/api/v2/people/{id}/residencies", params(("id" = String, Path, description = "The person's id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 400, description = "Bad paging, naming the field, or a filter (this collection takes none)", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 200, description = "Their homes, newest first", body = ResidenciesCollection), (status = 404, description = "No such person this token may see", body = ErrorBody)))]
pub async fn residencies_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Query(q): Query<Paging>,
) -> Result<Response, ApiError> {
    q.filter(&[])?;
    let person = the_person(&state, &api, &id).await?;
    let mut tx = state.db.read().await?;
    let (page, total, homes) = q.window(residents::of_person(&mut tx, &api.scope, person).await?)?;
    drop(tx);
    let group = api.scope.group_id();
    api.record_reads(&state, &[(person, group)], "their homes, through the API").await?;
    let items = homes.iter().map(|h| ResidencyResource::new(&api, person, h)).collect();
    Ok(axum::Json(ResidenciesCollection::new(&api, &format!("people/{person}/residencies"), items, page, total)).into_response())
}

/// A home: `unit_id`, and optionally `moved_in` and `moved_out` (YYYY-MM-DD).
#[derive(Deserialize, ToSchema)]
pub struct ResidencyIn {
    unit_id: Option<String>,
    moved_in: Option<String>,
    moved_out: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/people/{id}/residencies", params(("id" = String, Path, description = "The person's id")), request_body = ResidencyIn, responses((status = 401, description = "No valid token", body = ErrorBody), (status = 200, description = "Their homes, the new one among them", body = ResidenciesCollection), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 404, description = "No such person or unit", body = ErrorBody)))]
pub async fn move_in_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Json(body): Json<ResidencyIn>,
) -> Result<Response, ApiError> {
    let person = the_person(&state, &api, &id).await?;
    let raw = body.unit_id.unwrap_or_default();
    let unit: UnitId = raw
        .trim()
        .parse()
        .map_err(|_| ApiError::from(tredegar_domain::Problem::new("unit_id", "must be the id of one of this group's units")))?;
    let dates = ResidencyInput { moved_in: body.moved_in.unwrap_or_default(), moved_out: body.moved_out.unwrap_or_default() }
        .check(super::today(&state, &api.scope))?;
    let mut tx = state.db.write().await?;
    residents::move_in(&mut tx, &api.scope, person, unit, dates, state.clock.now()).await?;
    let (page, total, homes) = Paging::default().window(residents::of_person(&mut tx, &api.scope, person).await?)?;
    tx.commit().await?;
    let items = homes.iter().map(|h| ResidencyResource::new(&api, person, h)).collect();
    let body = ResidenciesCollection::new(&api, &format!("people/{person}/residencies"), items, page, total);
    Ok((axum::http::StatusCode::OK, axum::Json(body)).into_response())
}

#[utoipa::path(get, path = "/api/v2/areas/{id}", params(("id" = String, Path, description = "The area's id")), responses((status = 200, description = "The area", body = AreaResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody), (status = 404, description = "No such area in this group", body = ErrorBody)))]
pub async fn area_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let area: tredegar_domain::AreaId = id.parse().map_err(|_| not_found("area", &id))?;
    let mut tx = state.db.read().await?;
    let row = places::area(&mut tx, scope, area).await?.ok_or_else(|| not_found("area", &id))?;
    Ok(axum::Json(AreaResource::new(&api, &row)).into_response())
}

#[utoipa::path(get, path = "/api/v2/buildings/{id}/units/{unit}", params(("id" = String, Path, description = "The building's id"), ("unit" = String, Path, description = "The unit's id")), responses((status = 200, description = "The flat or house", body = UnitResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody), (status = 404, description = "No such unit in this building", body = ErrorBody)))]
pub async fn unit_api(State(state): State<AppState>, api: Api, Path((id, unit)): Path<(String, String)>) -> Result<Response, ApiError> {
    let b = the_building(&state, &api, &id).await?;
    let unit_id: UnitId = unit.parse().map_err(|_| not_found("unit", &unit))?;
    let mut tx = state.db.read().await?;
    let row =
        places::unit(&mut tx, &api.scope, unit_id).await?.filter(|u| u.building_id == b.id).ok_or_else(|| not_found("unit", &unit))?;
    Ok(axum::Json(UnitResource::new(&api, &row)).into_response())
}

#[utoipa::path(get, path = "/api/v2/people/{id}/residencies/{residency}", params(("id" = String, Path, description = "The person's id"), ("residency" = String, Path, description = "The residency's id")), responses((status = 200, description = "One of their homes", body = ResidencyResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "No such home of a person this token may see", body = ErrorBody)))]
pub async fn residency_api(
    State(state): State<AppState>,
    api: Api,
    Path((id, residency)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let person = the_person(&state, &api, &id).await?;
    let mut tx = state.db.read().await?;
    let homes = residents::of_person(&mut tx, &api.scope, person).await?;
    drop(tx);
    let home = homes.iter().find(|h| h.id.to_string() == residency).ok_or_else(|| not_found("residency", &residency))?;
    let group = api.scope.group_id();
    api.record_reads(&state, &[(person, group)], "one of their homes, through the API").await?;
    Ok(axum::Json(ResidencyResource::new(&api, person, home)).into_response())
}
