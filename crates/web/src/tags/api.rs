//! Tags and taggings in the OSDI API.

use crate::api::{Api, Paging, collection, date, deleted, id_from_href, identifiers};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query as ApiQuery};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use tredegar_db::tags::{self, Tag, Tagging};
use tredegar_db::{audit, people};
use tredegar_domain::AuditAction;
use tredegar_domain::contact::required_text;
use tredegar_domain::{PersonId, TagId, TaggingId};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api, create_api, get_api, taggings_api, tag_person_api, tagging_api, untag_api))]
pub struct Doc;

pub(super) fn tag_json(api: &Api, t: &Tag) -> Value {
    json!({
        "identifiers": identifiers(t.id),
        "created_date": date(t.created_at),
        "modified_date": date(t.modified_at),
        "name": t.name,
        "_links": {
            "self": {"href": api.url(&format!("tags/{}", t.id))},
            "osdi:taggings": {"href": api.url(&format!("tags/{}/taggings", t.id))},
        }
    })
}

pub fn tagging_json(api: &Api, t: &Tagging) -> Value {
    json!({
        "identifiers": identifiers(t.id),
        "created_date": date(t.created_at),
        "modified_date": date(t.created_at),
        "item_type": "osdi:person",
        "_links": {
            "self": {"href": api.url(&format!("tags/{}/taggings/{}", t.tag_id, t.id))},
            "osdi:tag": {"href": api.url(&format!("tags/{}", t.tag_id))},
            "osdi:person": {"href": api.url(&format!("people/{}", t.person_id))},
        }
    })
}

pub(super) fn tag_not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError(AppError::NotFound(format!("Couldn't find tag with id = {id}")))
}

pub(super) fn tagging_not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError(AppError::NotFound(format!("Couldn't find tagging with id = {id}")))
}

pub(super) async fn the_tag(state: &AppState, api: &Api, id: &str) -> Result<Tag, ApiError> {
    let tag_id: TagId = id.parse().map_err(|_| tag_not_found(id))?;
    let mut tx = state.db.read().await?;
    tags::get(&mut tx, &api.scope, tag_id).await?.ok_or_else(|| tag_not_found(id))
}

#[utoipa::path(get, path = "/api/v2/tags", responses((status = 200, description = "A page of tags")))]
pub async fn list_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let filter = q.filter(tags::FILTER_FIELDS)?;
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (rows, total) = tags::list(&mut tx, &api.scope, &filter, page).await?;
    let items = rows.iter().map(|t| tag_json(&api, t)).collect();
    Ok(collection(&api, "osdi:tags", "tags", items, page, total).into_response())
}

#[derive(Deserialize)]
pub struct TagIn {
    name: Option<String>,
}

/// Create a tag; a tag with the same name is returned as it is.
#[utoipa::path(post, path = "/api/v2/tags", responses((status = 200, description = "The tag")))]
pub async fn create_api(State(state): State<AppState>, api: Api, Json(body): Json<TagIn>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let name = required_text("name", body.name.as_deref().unwrap_or(""), 100)?;
    let mut tx = state.db.write().await?;
    let tag = tags::find_or_create(&mut tx, scope, &name, state.clock.now()).await?;
    tx.commit().await?;
    Ok(axum::Json(tag_json(&api, &tag)).into_response())
}

#[utoipa::path(get, path = "/api/v2/tags/{id}", responses((status = 200, description = "One tag"), (status = 404, description = "No such tag")))]
pub async fn get_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let tag = the_tag(&state, &api, &id).await?;
    Ok(axum::Json(tag_json(&api, &tag)).into_response())
}

#[utoipa::path(get, path = "/api/v2/tags/{id}/taggings", responses((status = 200, description = "The tag's taggings")))]
pub async fn taggings_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
) -> Result<Response, ApiError> {
    let tag = the_tag(&state, &api, &id).await?;
    q.filter(tags::FILTER_FIELDS)?;
    let page = q.page();
    let mut tx = state.db.read().await?;
    let (rows, total) = tags::taggings(&mut tx, &api.scope, Some(tag.id), None, page).await?;
    let items = rows.iter().map(|t| tagging_json(&api, t)).collect();
    Ok(collection(&api, "osdi:taggings", &format!("tags/{}/taggings", tag.id), items, page, total).into_response())
}

#[derive(Deserialize)]
pub struct TaggingIn {
    #[serde(rename = "_links")]
    links: Option<Value>,
}

#[utoipa::path(post, path = "/api/v2/tags/{id}/taggings", responses((status = 200, description = "The tagging")))]
pub async fn tag_person_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
    Json(body): Json<TaggingIn>,
) -> Result<Response, ApiError> {
    let tag = the_tag(&state, &api, &id).await?;
    let href = body.links.as_ref().and_then(|l| l.pointer("/osdi:person/href")).and_then(Value::as_str);
    let Some(href) = href else {
        return Err(tredegar_domain::Problem::new("_links.osdi:person.href", "give the person to tag as a link").into());
    };
    let person: PersonId = id_from_href(href).ok_or_else(|| ApiError(AppError::NotFound(format!("Couldn't find person at {href}"))))?;
    let mut tx = state.db.write().await?;
    let visible = people::get(&mut tx, &api.scope, person).await?.filter(|p| p.group_id == api.scope.group_id());
    if visible.is_none() {
        return Err(ApiError(AppError::NotFound(format!("Couldn't find person with id = {person}"))));
    }
    let scope = api.organiser()?;
    let tagging = tags::add(&mut tx, scope, tag.id, person, state.clock.now()).await?;
    tx.commit().await?;
    if q.background() {
        return Ok(axum::Json(json!({})).into_response());
    }
    Ok(axum::Json(tagging_json(&api, &tagging)).into_response())
}

pub(super) async fn the_tagging(state: &AppState, api: &Api, id: &str, tagging: &str) -> Result<Tagging, ApiError> {
    let tag = the_tag(state, api, id).await?;
    let tagging_id: TaggingId = tagging.parse().map_err(|_| tagging_not_found(tagging))?;
    let mut tx = state.db.read().await?;
    tags::tagging(&mut tx, &api.scope, tag.id, tagging_id).await?.ok_or_else(|| tagging_not_found(tagging))
}

#[utoipa::path(get, path = "/api/v2/tags/{id}/taggings/{tagging}", responses((status = 200, description = "One tagging")))]
pub async fn tagging_api(
    State(state): State<AppState>,
    api: Api,
    Path((id, tagging)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let t = the_tagging(&state, &api, &id, &tagging).await?;
    Ok(axum::Json(tagging_json(&api, &t)).into_response())
}

#[utoipa::path(delete, path = "/api/v2/tags/{id}/taggings/{tagging}", responses((status = 200, description = "Deleted")))]
pub async fn untag_api(State(state): State<AppState>, api: Api, Path((id, tagging)): Path<(String, String)>) -> Result<Response, ApiError> {
    let t = the_tagging(&state, &api, &id, &tagging).await?;
    let scope = api.organiser()?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    tags::remove(&mut tx, scope, t.tag_id, t.person_id, now).await?;
    audit::record(
        &mut tx,
        scope,
        AuditAction::Delete,
        &format!("tagging {}", t.id),
        &format!("tag {} removed from person {}", t.tag_id, t.person_id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(deleted("The tagging was deleted."))
}
