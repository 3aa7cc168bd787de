//! Lists in the OSDI API, as Action Network serves them: segments and static
//! lists alike, with `total_items`, and their items, each linking its
//! `osdi:person`. An item's id is its person's id. Organisers' tokens only.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tredegar_db::lists::{self, List};
use tredegar_db::people::{self, Order, PersonSummary};
use tredegar_domain::filter::{Condition, Filter, Op};
use tredegar_domain::{ListId, PersonId};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::hal::{ErrorBody, Link, Meta, Resource};
use crate::api::{Api, Paging, not_found};
use crate::error::ApiError;
use crate::extract::api::{Path, Query as ApiQuery};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(lists_api, list_api, items_api, item_api))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lists", get(lists_api))
        .route("/lists/{id}", get(list_api))
        .route("/lists/{id}/items", get(items_api))
        .route("/lists/{id}/items/{item}", get(item_api))
}

/// A list: a segment or a static list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResource {
    #[serde(flatten)]
    meta: Meta,
    name: String,
    /// The list's name, as OSDI calls it.
    title: String,
    /// segment or static.
    list_type: &'static str,
    /// How many people it holds now.
    total_items: i64,
    #[serde(rename = "_links")]
    links: ListLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct ListLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:items")]
    items: Link,
}

impl ListResource {
    fn new(api: &Api, l: &List, total_items: i64) -> ListResource {
        ListResource {
            meta: Meta::new(l.id, l.created_at, l.modified_at),
            name: l.name.clone(),
            title: l.name.clone(),
            list_type: l.kind.as_str(),
            total_items,
            links: ListLinks { this: Link::to(api, &format!("lists/{}", l.id)), items: Link::to(api, &format!("lists/{}/items", l.id)) },
        }
    }
}

impl Resource for ListResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(ListsCollection, ListsLinks, ListsEmbedded, "osdi:lists", ListResource);

/// A person on a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemResource {
    #[serde(flatten)]
    meta: Meta,
    /// Always `osdi:person`.
    item_type: &'static str,
    #[serde(rename = "_links")]
    links: ItemLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct ItemLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:list")]
    list: Link,
    #[serde(rename = "osdi:person")]
    person: Link,
}

impl ItemResource {
    fn new(api: &Api, list: ListId, p: &PersonSummary) -> ItemResource {
        ItemResource {
            meta: Meta::new(p.id, p.created_at, p.modified_at),
            item_type: "osdi:person",
            links: ItemLinks {
                this: Link::to(api, &format!("lists/{list}/items/{}", p.id)),
                list: Link::to(api, &format!("lists/{list}")),
                person: Link::to(api, &format!("people/{}", p.id)),
            },
        }
    }
}

impl Resource for ItemResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(ItemsCollection, ItemsLinks, ItemsEmbedded, "osdi:items", ItemResource);

async fn the_list(state: &AppState, api: &Api, id: &str) -> Result<List, ApiError> {
    let scope = api.organiser()?;
    let list_id: ListId = id.parse().map_err(|_| not_found("list", id))?;
    let mut tx = state.db.read().await?;
    lists::get(&mut tx, scope, list_id).await?.ok_or_else(|| not_found("list", id))
}

/// A page of the list's people, and how many it holds.
async fn people_of(state: &AppState, api: &Api, list: &List, page: tredegar_db::Page) -> Result<(Vec<PersonSummary>, i64), ApiError> {
    let mut tx = state.db.read().await?;
    let search = lists::search(&mut tx, &api.scope, list, state.clock.now()).await?;
    Ok(people::list(&mut tx, &api.scope, &search, &Default::default(), Order::Created, page).await?)
}

#[utoipa::path(get, path = "/api/v2/lists", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "A page of lists", body = ListsCollection), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token has no lists", body = ErrorBody)))]
pub async fn lists_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    q.filter(&[])?;
    let page = q.page()?;
    let mut tx = state.db.read().await?;
    let (rows, total) = lists::list(&mut tx, scope, page).await?;
    drop(tx);
    let mut items = Vec::with_capacity(rows.len());
    for l in &rows {
        let n = people_of(&state, &api, l, tredegar_db::Page::new(1, 1)).await?.1;
        items.push(ListResource::new(&api, l, n));
    }
    Ok(axum::Json(ListsCollection::new(&api, "lists", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/lists/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One list, with total_items", body = ListResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token has no lists", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn list_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let list = the_list(&state, &api, &id).await?;
    let n = people_of(&state, &api, &list, tredegar_db::Page::new(1, 1)).await?.1;
    Ok(axum::Json(ListResource::new(&api, &list, n)).into_response())
}

#[utoipa::path(get, path = "/api/v2/lists/{id}/items", params(("id" = String, Path, description = "The id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "The people on the list, oldest first", body = ItemsCollection), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token has no lists", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn items_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
) -> Result<Response, ApiError> {
    let list = the_list(&state, &api, &id).await?;
    q.filter(&[])?;
    let page = q.page()?;
    let (found, total) = people_of(&state, &api, &list, page).await?;
    let items = found.iter().map(|p| ItemResource::new(&api, list.id, p)).collect();
    Ok(axum::Json(ItemsCollection::new(&api, &format!("lists/{}/items", list.id), items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/lists/{id}/items/{item}", params(("id" = String, Path, description = "The id"), ("item" = String, Path, description = "The item's id: its person's")), responses((status = 200, description = "One item", body = ItemResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token has no lists", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn item_api(State(state): State<AppState>, api: Api, Path((id, item)): Path<(String, String)>) -> Result<Response, ApiError> {
    let list = the_list(&state, &api, &id).await?;
    let person: PersonId = item.parse().map_err(|_| not_found("item", &item))?;
    let mut tx = state.db.read().await?;
    let search = lists::search(&mut tx, &api.scope, &list, state.clock.now()).await?;
    // The list's people, filtered to this one.
    let one = Filter(vec![vec![Condition { field: "identifier".into(), op: Op::Eq, value: person.to_string() }]]);
    let (found, _) = people::list(&mut tx, &api.scope, &search, &one, Order::Created, tredegar_db::Page::new(1, 1)).await?;
    let p = found.into_iter().next().ok_or_else(|| not_found("item", &item))?;
    Ok(axum::Json(ItemResource::new(&api, list.id, &p)).into_response())
}
