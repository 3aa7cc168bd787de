//! Tags and taggings in the OSDI API.

use crate::api::hal::{ErrorBody, Link, Meta, Notice, Resource};
use crate::api::{Api, Paging, deleted, id_from_href};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query as ApiQuery};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tredegar_db::tags::{self, Tag, Tagging};
use tredegar_db::{audit, people};
use tredegar_domain::AuditAction;
use tredegar_domain::contact::required_text;
use tredegar_domain::{PersonId, TagId, TaggingId};
use utoipa::ToSchema;

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api, create_api, get_api, taggings_api, tag_person_api, tagging_api, untag_api))]
pub struct Doc;

/// A tag, as OSDI clients read one.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagResource {
    #[serde(flatten)]
    meta: Meta,
    name: String,
    #[serde(rename = "_links")]
    links: TagLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct TagLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:taggings")]
    taggings: Link,
}

impl TagResource {
    fn new(api: &Api, t: &Tag) -> TagResource {
        TagResource {
            meta: Meta::new(t.id, t.created_at, t.modified_at),
            name: t.name.clone(),
            links: TagLinks { this: Link::to(api, &format!("tags/{}", t.id)), taggings: Link::to(api, &format!("tags/{}/taggings", t.id)) },
        }
    }
}

impl Resource for TagResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(TagsCollection, TagsLinks, TagsEmbedded, "osdi:tags", TagResource);

/// A tag on a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaggingResource {
    #[serde(flatten)]
    meta: Meta,
    /// Always `osdi:person`.
    item_type: &'static str,
    #[serde(rename = "_links")]
    links: TaggingLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct TaggingLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:tag")]
    tag: Link,
    #[serde(rename = "osdi:person")]
    person: Link,
}

impl TaggingResource {
    pub fn new(api: &Api, t: &Tagging) -> TaggingResource {
        TaggingResource {
            meta: Meta::new(t.id, t.created_at, t.created_at),
            item_type: "osdi:person",
            links: TaggingLinks {
                this: Link::to(api, &format!("tags/{}/taggings/{}", t.tag_id, t.id)),
                tag: Link::to(api, &format!("tags/{}", t.tag_id)),
                person: Link::to(api, &format!("people/{}", t.person_id)),
            },
        }
    }
}

impl Resource for TaggingResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(TaggingsCollection, TaggingsLinks, TaggingsEmbedded, "osdi:taggings", TaggingResource);

pub(super) fn tag_not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError(AppError::NotFound(format!("Couldn't find tag with id = {id}")))
}

pub(super) fn tagging_not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError(AppError::NotFound(format!("Couldn't find tagging with id = {id}")))
}

pub(super) async fn the_tag(state: &AppState, api: &Api, id: &str) -> Result<Tag, ApiError> {
    // The group's tags say what it organises around: not for a volunteer's token.
    api.organiser()?;
    let tag_id: TagId = id.parse().map_err(|_| tag_not_found(id))?;
    let mut tx = state.db.read().await?;
    tags::get(&mut tx, &api.scope, tag_id).await?.ok_or_else(|| tag_not_found(id))
}

#[utoipa::path(get, path = "/api/v2/tags", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25"), ("filter" = Option<String>, Query, description = "OData subset: field eq|gt|lt 'value', joined by and/or")), responses((status = 200, description = "A page of tags", body = TagsCollection), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn list_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    // The group's tags say what it organises around: not for a volunteer's token.
    api.organiser()?;
    let filter = q.filter(tags::FILTER_FIELDS)?;
    let page = q.page()?;
    let mut tx = state.db.read().await?;
    let (rows, total) = tags::list(&mut tx, &api.scope, &filter, page).await?;
    let items = rows.iter().map(|t| TagResource::new(&api, t)).collect();
    Ok(axum::Json(TagsCollection::new(&api, "tags", items, page, total)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct TagIn {
    name: Option<String>,
}

/// Create a tag; a tag with the same name is returned as it is.
#[utoipa::path(post, path = "/api/v2/tags", request_body = TagIn, responses((status = 200, description = "The tag", body = TagResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token can only read", body = ErrorBody)))]
pub async fn create_api(State(state): State<AppState>, api: Api, Json(body): Json<TagIn>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let name = required_text("name", body.name.as_deref().unwrap_or(""), 100)?;
    let mut tx = state.db.write().await?;
    let tag = tags::find_or_create(&mut tx, scope, &name, state.clock.now()).await?;
    tx.commit().await?;
    Ok(axum::Json(TagResource::new(&api, &tag)).into_response())
}

#[utoipa::path(get, path = "/api/v2/tags/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One tag", body = TagResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let tag = the_tag(&state, &api, &id).await?;
    Ok(axum::Json(TagResource::new(&api, &tag)).into_response())
}

#[utoipa::path(get, path = "/api/v2/tags/{id}/taggings", params(("id" = String, Path, description = "The id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "The tag's taggings", body = TaggingsCollection), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn taggings_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
) -> Result<Response, ApiError> {
    let tag = the_tag(&state, &api, &id).await?;
    q.filter(tags::FILTER_FIELDS)?;
    let page = q.page()?;
    let mut tx = state.db.read().await?;
    let (rows, total) = tags::taggings(&mut tx, &api.scope, Some(tag.id), None, page).await?;
    let items = rows.iter().map(|t| TaggingResource::new(&api, t)).collect();
    Ok(axum::Json(TaggingsCollection::new(&api, &format!("tags/{}/taggings", tag.id), items, page, total)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct TaggingIn {
    #[serde(rename = "_links")]
    links: Option<Value>,
}

#[utoipa::path(post, path = "/api/v2/tags/{id}/taggings", params(("id" = String, Path, description = "The id")), request_body = TaggingIn, responses((status = 200, description = "The tagging", body = TaggingResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token can only read", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
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
    Ok(axum::Json(TaggingResource::new(&api, &tagging)).into_response())
}

pub(super) async fn the_tagging(state: &AppState, api: &Api, id: &str, tagging: &str) -> Result<Tagging, ApiError> {
    let tag = the_tag(state, api, id).await?;
    let tagging_id: TaggingId = tagging.parse().map_err(|_| tagging_not_found(tagging))?;
    let mut tx = state.db.read().await?;
    tags::tagging(&mut tx, &api.scope, tag.id, tagging_id).await?.ok_or_else(|| tagging_not_found(tagging))
}

#[utoipa::path(get, path = "/api/v2/tags/{id}/taggings/{tagging}", params(("id" = String, Path, description = "The id"), ("tagging" = String, Path)), responses((status = 200, description = "One tagging", body = TaggingResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn tagging_api(
    State(state): State<AppState>,
    api: Api,
    Path((id, tagging)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let t = the_tagging(&state, &api, &id, &tagging).await?;
    Ok(axum::Json(TaggingResource::new(&api, &t)).into_response())
}

#[utoipa::path(delete, path = "/api/v2/tags/{id}/taggings/{tagging}", params(("id" = String, Path, description = "The id"), ("tagging" = String, Path)), responses((status = 200, description = "Deleted", body = Notice), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token can only read", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
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
    Ok(deleted("The tagging was deleted.").into_response())
}
