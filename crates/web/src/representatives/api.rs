//! Representatives, pledges and record entries in the API, in the OSDI
//! style (OSDI has none of its own): paged collections with filters and
//! absolute links. They are the group's campaign workings, so they need an
//! organiser's token; a representative's link to a person in the group is
//! never sent.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tredegar_db::representatives::pledges::{self, PledgeRow};
use tredegar_db::representatives::records::{self, RecordRow};
use tredegar_db::representatives::{self, OfficeRow, RepresentativeRow};
use tredegar_domain::{PledgeId, RecordId, RepresentativeId};
use utoipa::ToSchema;

use crate::api::hal::{ErrorBody, Link, Meta, Resource};
use crate::api::{Api, Paging, not_found};
use crate::error::ApiError;
use crate::extract::api::{Path, Query as ApiQuery};
use crate::{AppState, paths};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(representatives_api, representative_api, pledges_api, pledge_api, records_api, record_api))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/representatives", get(representatives_api))
        .route("/representatives/{id}", get(representative_api))
        .route("/pledges", get(pledges_api))
        .route("/pledges/{id}", get(pledge_api))
        .route("/records", get(records_api))
        .route("/records/{id}", get(record_api))
}

/// An office held, or a ballot stood in.
#[derive(Debug, Serialize, ToSchema)]
struct OfficeOut {
    /// councillor, mp, mayor, member, commissioner or other.
    kind: String,
    /// The ward or constituency.
    post: String,
    body: String,
    party: String,
    /// Democracy Club's ballot paper id, for a ballot.
    ballot_id: String,
    election_id: String,
    election_date: Option<String>,
    /// Absent when not known.
    elected: Option<bool>,
    /// The term, YYYY-MM-DD, where known.
    term_from: Option<String>,
    term_to: Option<String>,
}

/// A representative: a councillor, MP, mayor or other office holder.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepresentativeResource {
    #[serde(flatten)]
    meta: Meta,
    name: String,
    party: String,
    /// Their official email address.
    email: String,
    phone: String,
    website: String,
    offices: Vec<OfficeOut>,
    /// Where they came from (manual, democracy-club or generic), and its licence.
    source: String,
    licence: String,
    /// Their public scorecard; absent when the group keeps it private.
    #[serde(skip_serializing_if = "Option::is_none")]
    browser_url: Option<String>,
    #[serde(rename = "_links")]
    links: RepresentativeLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct RepresentativeLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "tredegar:pledges")]
    pledges: Link,
    #[serde(rename = "tredegar:records")]
    records: Link,
}

impl RepresentativeResource {
    fn new(api: &Api, state: &AppState, r: &RepresentativeRow, offices: &[OfficeRow]) -> RepresentativeResource {
        let narrowed = |what: &str| Link { href: format!("{}?filter=representative eq '{}'", api.url(what), r.id) };
        RepresentativeResource {
            meta: Meta::new(r.id, r.created_at, r.modified_at),
            name: r.name.clone(),
            party: r.party.clone(),
            email: r.email.clone(),
            phone: r.phone.clone(),
            website: r.website.clone(),
            offices: offices
                .iter()
                .filter(|o| o.representative_id == r.id)
                .map(|o| OfficeOut {
                    kind: o.kind.to_string(),
                    post: o.post.clone(),
                    body: o.body.clone(),
                    party: o.party.clone(),
                    ballot_id: o.ballot_id.clone(),
                    election_id: o.election_id.clone(),
                    election_date: o.election_date.map(|d| d.to_string()),
                    elected: o.elected,
                    term_from: o.term_from.map(|d| d.to_string()),
                    term_to: o.term_to.map(|d| d.to_string()),
                })
                .collect(),
            source: r.source.clone(),
            licence: r.licence.clone(),
            browser_url: r
                .is_public
                .then(|| format!("{}{}", state.config.public_url.trim_end_matches('/'), paths::public_representative(r.id))),
            links: RepresentativeLinks {
                this: Link::to(api, &format!("representatives/{}", r.id)),
                pledges: narrowed("pledges"),
                records: narrowed("records"),
            },
        }
    }
}

impl Resource for RepresentativeResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(
    RepresentativesCollection,
    RepresentativesLinks,
    RepresentativesEmbedded,
    "tredegar:representatives",
    RepresentativeResource
);

/// A status a pledge was given.
#[derive(Debug, Serialize, ToSchema)]
struct ChangeOut {
    status: String,
    reason: String,
    evidence_url: String,
    changed_date: String,
}

/// What a representative said they would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct PledgeResource {
    #[serde(flatten)]
    meta: Meta,
    text: String,
    /// YYYY-MM-DD.
    made_on: String,
    source_url: String,
    /// not_yet_rated, in_the_works, stalled, kept, compromise or broken.
    status: String,
    /// Every status it was given, oldest first.
    history: Vec<ChangeOut>,
    campaign: Option<String>,
    demand: Option<String>,
    #[serde(rename = "_links")]
    links: ItemLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct ItemLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "tredegar:representative")]
    representative: Link,
}

impl Resource for PledgeResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(PledgesCollection, PledgesLinks, PledgesEmbedded, "tredegar:pledges", PledgeResource);

/// A dated entry in a representative's record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordResource {
    #[serde(flatten)]
    meta: Meta,
    /// vote, statement, turn_up or reply.
    kind: String,
    /// YYYY-MM-DD.
    date: String,
    title: String,
    detail: String,
    evidence_url: String,
    campaign: Option<String>,
    /// A vote: for, against or absent; and how the campaign wanted it cast.
    vote: Option<String>,
    wanted: Option<String>,
    /// The pledges it bears on.
    pledges: Vec<Link>,
    #[serde(rename = "_links")]
    links: ItemLinks,
}

impl Resource for RecordResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(RecordsCollection, RecordsLinks, RecordsEmbedded, "tredegar:records", RecordResource);

async fn pledge_resources(state: &AppState, api: &Api, rows: &[PledgeRow]) -> Result<Vec<PledgeResource>, ApiError> {
    let mut tx = state.db.read().await?;
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        let history = pledges::history(&mut tx, &api.scope, p.id).await?;
        out.push(PledgeResource {
            meta: Meta::new(p.id, p.created_at, p.modified_at),
            text: p.text.clone(),
            made_on: p.made_on.to_string(),
            source_url: p.source_url.clone(),
            status: p.status.to_string(),
            history: history
                .into_iter()
                .map(|h| ChangeOut {
                    status: h.status.to_string(),
                    reason: h.reason,
                    evidence_url: h.evidence_url,
                    changed_date: crate::api::hal::date(h.changed_at),
                })
                .collect(),
            campaign: p.campaign_title.clone(),
            demand: p.demand_text.clone(),
            links: ItemLinks {
                this: Link::to(api, &format!("pledges/{}", p.id)),
                representative: Link::to(api, &format!("representatives/{}", p.representative_id)),
            },
        });
    }
    Ok(out)
}

async fn record_resources(state: &AppState, api: &Api, rows: &[RecordRow]) -> Result<Vec<RecordResource>, ApiError> {
    let mut tx = state.db.read().await?;
    let links = records::pledge_links(&mut tx, &api.scope, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    Ok(rows
        .iter()
        .map(|r| RecordResource {
            meta: Meta::new(r.id, r.created_at, r.created_at),
            kind: r.kind.to_string(),
            date: r.on_date.to_string(),
            title: r.title.clone(),
            detail: r.detail.clone(),
            evidence_url: r.evidence_url.clone(),
            campaign: r.campaign_title.clone(),
            vote: r.vote.map(|v| v.to_string()),
            wanted: r.wanted.map(|v| v.to_string()),
            pledges: links.iter().filter(|(x, _)| *x == r.id).map(|(_, p)| Link::to(api, &format!("pledges/{p}"))).collect(),
            links: ItemLinks {
                this: Link::to(api, &format!("records/{}", r.id)),
                representative: Link::to(api, &format!("representatives/{}", r.representative_id)),
            },
        })
        .collect())
}

#[utoipa::path(get, path = "/api/v2/representatives", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25"), ("filter" = Option<String>, Query, description = "OData: identifier, created_date, modified_date, name, party")), responses((status = 200, description = "The group's representatives, by name", body = RepresentativesCollection), (status = 400, description = "Bad paging or filter, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Not an organiser's token", body = ErrorBody)))]
pub async fn representatives_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let page = q.page()?;
    let filter = q.filter(&["identifier", "created_date", "modified_date", "name", "party"])?;
    let mut tx = state.db.read().await?;
    let (rows, total) = representatives::page(&mut tx, scope, &filter, page).await?;
    let offices = representatives::offices(&mut tx, scope, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    drop(tx);
    let items = rows.iter().map(|r| RepresentativeResource::new(&api, &state, r, &offices)).collect();
    Ok(axum::Json(RepresentativesCollection::new(&api, "representatives", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/representatives/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One representative", body = RepresentativeResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Not an organiser's token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn representative_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let rid: RepresentativeId = id.parse().map_err(|_| not_found("representative", &id))?;
    let mut tx = state.db.read().await?;
    let r = representatives::get(&mut tx, scope, rid).await?.ok_or_else(|| not_found("representative", &id))?;
    let offices = representatives::offices(&mut tx, scope, &[rid]).await?;
    Ok(axum::Json(RepresentativeResource::new(&api, &state, &r, &offices)).into_response())
}

#[utoipa::path(get, path = "/api/v2/pledges", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25"), ("filter" = Option<String>, Query, description = "OData: identifier, created_date, modified_date, status, representative, campaign")), responses((status = 200, description = "The group's pledges, latest first, each with its history", body = PledgesCollection), (status = 400, description = "Bad paging or filter, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Not an organiser's token", body = ErrorBody)))]
pub async fn pledges_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let page = q.page()?;
    let filter = q.filter(pledges::FILTER_FIELDS)?;
    let mut tx = state.db.read().await?;
    let (rows, total) = pledges::page(&mut tx, scope, &filter, page).await?;
    drop(tx);
    let items = pledge_resources(&state, &api, &rows).await?;
    Ok(axum::Json(PledgesCollection::new(&api, "pledges", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/pledges/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One pledge, with its history", body = PledgeResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Not an organiser's token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn pledge_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let pid: PledgeId = id.parse().map_err(|_| not_found("pledge", &id))?;
    let mut tx = state.db.read().await?;
    let p = pledges::get(&mut tx, scope, pid).await?.ok_or_else(|| not_found("pledge", &id))?;
    drop(tx);
    let item = pledge_resources(&state, &api, std::slice::from_ref(&p)).await?.pop().ok_or_else(|| not_found("pledge", &id))?;
    Ok(axum::Json(item).into_response())
}

#[utoipa::path(get, path = "/api/v2/records", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25"), ("filter" = Option<String>, Query, description = "OData: identifier, created_date, modified_date, kind, representative, campaign")), responses((status = 200, description = "The group's record entries, latest first", body = RecordsCollection), (status = 400, description = "Bad paging or filter, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Not an organiser's token", body = ErrorBody)))]
pub async fn records_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let page = q.page()?;
    let filter = q.filter(records::FILTER_FIELDS)?;
    let mut tx = state.db.read().await?;
    let (rows, total) = records::page(&mut tx, scope, &filter, page).await?;
    drop(tx);
    let items = record_resources(&state, &api, &rows).await?;
    Ok(axum::Json(RecordsCollection::new(&api, "records", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/records/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One record entry", body = RecordResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Not an organiser's token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn record_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let scope = api.organiser()?;
    let rid: RecordId = id.parse().map_err(|_| not_found("record", &id))?;
    let mut tx = state.db.read().await?;
    let filter = tredegar_domain::filter::parse(&format!("identifier eq '{rid}'"), &["identifier"])?;
    let (rows, _) = records::page(&mut tx, scope, &filter, tredegar_db::Page::new(1, 1)).await?;
    drop(tx);
    let item = record_resources(&state, &api, &rows).await?.pop().ok_or_else(|| not_found("record", &id))?;
    Ok(axum::Json(item).into_response())
}
