//! Needs and offers in the API, in the OSDI style (OSDI itself has none).
//! An organiser's token reads every open need with its contact details
//! (each read audited) and every offer; a volunteer's token reads the needs
//! offered to or taken by them, with contact details only once they
//! accepted, and their own offer.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tredegar_db::aid::offers::{self, OfferRow};
use tredegar_db::aid::{self, NeedRow};
use tredegar_domain::NeedId;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::hal::{ErrorBody, Link, Meta, Resource};
use crate::api::{Api, Paging, not_found};
use crate::error::ApiError;
use crate::extract::api::{Path, Query as ApiQuery};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(needs_api, need_api, offers_api))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new().route("/needs", get(needs_api)).route("/needs/{id}", get(need_api)).route("/offers", get(offers_api))
}

/// Who to help and how to reach them: present only for those allowed to see it.
#[derive(Debug, Serialize, ToSchema)]
struct ContactOut {
    name: String,
    address: String,
    postcode: String,
    phone: String,
    email: String,
    how_to_contact: String,
    asked_by: String,
}

/// A need for help.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedResource {
    #[serde(flatten)]
    meta: Meta,
    /// The group's own name for the kind of help.
    category: String,
    description: String,
    /// today, this_week or when_possible.
    urgency: String,
    /// YYYY-MM-DD, when given.
    from_on: Option<String>,
    to_on: Option<String>,
    /// The postcode district: roughly where, and no more.
    district: String,
    /// new, triaged, offered, accepted, in_progress, done, cancelled or expired.
    status: String,
    /// The volunteer it is offered to or taken by.
    volunteer: Option<String>,
    /// Absent unless this token may see who and where.
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<ContactOut>,
    #[serde(rename = "_links")]
    links: NeedLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct NeedLinks {
    #[serde(rename = "self")]
    this: Link,
}

impl NeedResource {
    fn new(api: &Api, n: &NeedRow, contact: Option<aid::Contact>) -> NeedResource {
        NeedResource {
            meta: Meta::new(n.id, n.created_at, n.modified_at),
            category: n.category.clone(),
            description: n.description.clone(),
            urgency: n.urgency.to_string(),
            from_on: n.from_on.map(|d| d.to_string()),
            to_on: n.to_on.map(|d| d.to_string()),
            district: n.district.clone(),
            status: n.status.to_string(),
            volunteer: n.volunteer_name.clone(),
            contact: contact.map(|c| ContactOut {
                name: c.contact_name,
                address: c.address,
                postcode: c.postcode,
                phone: c.phone,
                email: c.email,
                how_to_contact: c.how_to_contact,
                asked_by: c.asked_by,
            }),
            links: NeedLinks { this: Link::to(api, &format!("needs/{}", n.id)) },
        }
    }
}

impl Resource for NeedResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(NeedsCollection, NeedsLinks, NeedsEmbedded, "tredegar:needs", NeedResource);

/// The needs as resources, with the contact details the token may see;
/// reading any is audited, once for the lot.
async fn resources(state: &AppState, api: &Api, needs: &[NeedRow]) -> Result<Vec<NeedResource>, ApiError> {
    let mut tx = state.db.read().await?;
    let mut items = Vec::with_capacity(needs.len());
    let mut read = Vec::new();
    for n in needs {
        let contact = aid::contact(&mut tx, &api.scope, n).await?;
        if contact.is_some() {
            read.push((n.person_id, api.scope.group_id()));
        }
        items.push(NeedResource::new(api, n, contact));
    }
    drop(tx);
    api.record_reads(state, &read, "contact details of their needs, through the API").await?;
    Ok(items)
}

#[utoipa::path(get, path = "/api/v2/needs", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25"), ("filter" = Option<String>, Query, description = "OData: identifier, created_date, modified_date, status, urgency, district, category")), responses((status = 200, description = "Needs, newest first: all of the group's for an organiser's token; for a volunteer's, the open ones offered to or taken by them", body = NeedsCollection), (status = 400, description = "Bad paging or filter, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn needs_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let page = q.page()?;
    let filter = q.filter(aid::FILTERS)?;
    let mut tx = state.db.read().await?;
    let (needs, total) = aid::page(&mut tx, &api.scope, &filter, page).await?;
    drop(tx);
    let items = resources(&state, &api, &needs).await?;
    Ok(axum::Json(NeedsCollection::new(&api, "needs", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/needs/{id}", params(("id" = String, Path, description = "The need's id")), responses((status = 200, description = "The need", body = NeedResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "No such need this token may see", body = ErrorBody)))]
pub async fn need_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let need_id: NeedId = id.parse().map_err(|_| not_found("need", &id))?;
    let mut tx = state.db.read().await?;
    let need = aid::get(&mut tx, &api.scope, need_id).await?.ok_or_else(|| not_found("need", &id))?;
    drop(tx);
    let item = resources(&state, &api, std::slice::from_ref(&need)).await?.pop().ok_or_else(|| not_found("need", &id))?;
    Ok(axum::Json(item).into_response())
}

/// What a volunteer offers.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferResource {
    identifiers: Vec<String>,
    volunteer: String,
    /// The kinds of help, by the group's names.
    categories: Vec<String>,
    postcode: String,
    radius_km: i64,
    /// The days they are free, Monday first.
    days: Vec<String>,
    from_hour: i64,
    to_hour: i64,
    transport: bool,
    /// A coordinator has seen their safeguarding check.
    checked: bool,
    paused: bool,
    per_week: i64,
    #[serde(rename = "_links")]
    links: NeedLinks,
}

impl OfferResource {
    fn new(api: &Api, o: &OfferRow, names: &[offers::Category]) -> OfferResource {
        OfferResource {
            identifiers: vec![format!("tredegar:{}", o.user_id)],
            volunteer: o.name.clone(),
            categories: names.iter().filter(|c| o.covers(c.id)).map(|c| c.name.clone()).collect(),
            postcode: o.postcode.clone(),
            radius_km: o.radius_km,
            days: tredegar_domain::aid::WEEKDAYS
                .iter()
                .enumerate()
                .filter(|(i, _)| o.days & (1 << i) != 0)
                .map(|(_, d)| d.to_string())
                .collect(),
            from_hour: o.from_hour,
            to_hour: o.to_hour,
            transport: o.transport,
            checked: o.checked,
            paused: o.paused,
            per_week: o.per_week,
            links: NeedLinks { this: Link::to(api, "offers") },
        }
    }
}

impl Resource for OfferResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(OffersCollection, OffersLinks, OffersEmbedded, "tredegar:offers", OfferResource);

#[utoipa::path(get, path = "/api/v2/offers", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "Every volunteer's offer, by name, for an organiser's token; a volunteer's, their own", body = OffersCollection), (status = 400, description = "Bad paging, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn offers_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    q.filter(&[])?;
    let page = q.page()?;
    let mut tx = state.db.read().await?;
    // A group's volunteers are few enough to read whole and page here.
    let rows = offers::offers(&mut tx, &api.scope, None).await?;
    let names = offers::categories(&mut tx, &api.scope).await?;
    drop(tx);
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let items: Vec<OfferResource> = page.window(&rows).into_iter().map(|o| OfferResource::new(&api, o, &names)).collect();
    Ok(axum::Json(OffersCollection::new(&api, "offers", items, page, total)).into_response())
}
