//! Petitions and signatures in the OSDI API, as Action Network serves them:
//! petitions with `total_signatures` and `browser_url`; their signatures,
//! each linking its `osdi:person` once confirmed; a person's signatures; and
//! the record-signature helper, which embeds a `person` and upserts them.
//! Petitions are public, so any member's token reads them; signatures name
//! people, so they need an organiser's token and their reads are audited.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use tredegar_db::petitions::{self, Petition, Recorded, Signature};
use tredegar_db::{Page, people};
use tredegar_domain::contact::optional_text;
use tredegar_domain::{FieldErrors, GroupId, PersonId, PetitionId, Problem, SignatureId};
use utoipa::ToSchema;

use crate::api::hal::{ErrorBody, Link, Meta, Resource};
use crate::api::{Api, Paging, not_found};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query as ApiQuery};
use crate::people::api::PersonIn;
use crate::{AppError, AppState, paths};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(petitions_api, petition_api, signatures_api, signature_api, record_api, person_signatures_api))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/petitions", get(petitions_api))
        .route("/petitions/{id}", get(petition_api))
        .route("/petitions/{id}/signatures", get(signatures_api).post(record_api))
        .route("/petitions/{id}/signatures/{sid}", get(signature_api))
        .route("/people/{id}/signatures", get(person_signatures_api))
}

/// Who a petition is to.
#[derive(Debug, Serialize, ToSchema)]
struct Target {
    name: String,
}

/// A petition.
#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionResource {
    #[serde(flatten)]
    meta: Meta,
    title: String,
    description: String,
    petition_text: String,
    target: Vec<Target>,
    /// Confirmed signatures.
    total_signatures: i64,
    goal: i64,
    /// The public page, where anyone signs.
    browser_url: String,
    #[serde(rename = "_links")]
    links: PetitionLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct PetitionLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:signatures")]
    signatures: Link,
}

impl PetitionResource {
    fn new(api: &Api, state: &AppState, p: &Petition, total_signatures: i64) -> PetitionResource {
        PetitionResource {
            meta: Meta::new(p.id, p.created_at, p.created_at),
            title: p.title.clone(),
            description: p.body.clone(),
            petition_text: p.body.clone(),
            target: vec![Target { name: p.target.clone() }],
            total_signatures,
            goal: p.goal,
            browser_url: format!("{}{}", state.config.public_url, paths::public_petition(p.id)),
            links: PetitionLinks {
                this: Link::to(api, &format!("petitions/{}", p.id)),
                signatures: Link::to(api, &format!("petitions/{}/signatures", p.id)),
            },
        }
    }
}

impl Resource for PetitionResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(PetitionsCollection, PetitionsLinks, PetitionsEmbedded, "osdi:petitions", PetitionResource);

/// A signature. It links its person once confirmed (until then the signer
/// is not yet a person of the group).
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureResource {
    #[serde(flatten)]
    meta: Meta,
    comments: String,
    /// Whether it counts: its signer followed the emailed link, or a tool recorded it.
    confirmed: bool,
    #[serde(rename = "_links")]
    links: SignatureLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct SignatureLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:petition")]
    petition: Link,
    #[serde(rename = "osdi:person", skip_serializing_if = "Option::is_none")]
    person: Option<Link>,
}

impl SignatureResource {
    fn new(api: &Api, s: &Signature) -> SignatureResource {
        SignatureResource {
            meta: Meta::new(s.id, s.created_at, s.confirmed_at.unwrap_or(s.created_at)),
            comments: s.comment.clone(),
            confirmed: s.confirmed_at.is_some(),
            links: SignatureLinks {
                this: Link::to(api, &format!("petitions/{}/signatures/{}", s.petition_id, s.id)),
                petition: Link::to(api, &format!("petitions/{}", s.petition_id)),
                person: s.person_id.map(|p| Link::to(api, &format!("people/{p}"))),
            },
        }
    }
}

impl Resource for SignatureResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(SignaturesCollection, SignaturesLinks, SignaturesEmbedded, "osdi:signatures", SignatureResource);

/// The signers on a page of signatures (once confirmed), for the audit log.
fn people_in(api: &Api, shown: &[Signature]) -> Vec<(PersonId, GroupId)> {
    shown.iter().filter_map(|s| s.person_id).map(|p| (p, api.scope.group_id())).collect()
}

async fn petition_of(state: &AppState, api: &Api, id: &str) -> Result<Petition, ApiError> {
    let pid: PetitionId = id.parse().map_err(|_| not_found("petition", id))?;
    let mut tx = state.db.read().await?;
    petitions::get(&mut tx, &api.scope, pid).await?.ok_or_else(|| not_found("petition", pid))
}

#[utoipa::path(get, path = "/api/v2/petitions", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "The group's petitions, newest first", body = PetitionsCollection), (status = 400, description = "Bad paging, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn petitions_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let page = q.page()?;
    q.filter(&[])?;
    let mut tx = state.db.read().await?;
    let (shown, total) = petitions::list(&mut tx, &api.scope, page).await?;
    let mut items = Vec::new();
    for p in &shown {
        let n = petitions::count(&mut tx, p.id).await?;
        items.push(PetitionResource::new(&api, &state, p, n));
    }
    Ok(axum::Json(PetitionsCollection::new(&api, "petitions", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/petitions/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One petition", body = PetitionResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn petition_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let p = petition_of(&state, &api, &id).await?;
    let mut tx = state.db.read().await?;
    let n = petitions::count(&mut tx, p.id).await?;
    Ok(axum::Json(PetitionResource::new(&api, &state, &p, n)).into_response())
}

#[utoipa::path(get, path = "/api/v2/petitions/{id}/signatures", params(("id" = String, Path, description = "The petition's id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "Its signatures, oldest first", body = SignaturesCollection), (status = 400, description = "Bad paging, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token reads no signatures", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn signatures_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
) -> Result<Response, ApiError> {
    api.organiser()?;
    let p = petition_of(&state, &api, &id).await?;
    let page = q.page()?;
    q.filter(&[])?;
    let mut tx = state.db.read().await?;
    let (shown, total) = petitions::signatures_page(&mut tx, &api.scope, p.id, page).await?;
    drop(tx);
    api.record_reads(&state, &people_in(&api, &shown), &format!("signatures of “{}” in the API", p.title)).await?;
    let items = shown.iter().map(|s| SignatureResource::new(&api, s)).collect();
    Ok(axum::Json(SignaturesCollection::new(&api, &format!("petitions/{}/signatures", p.id), items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/petitions/{id}/signatures/{sid}", params(("id" = String, Path, description = "The petition's id"), ("sid" = String, Path, description = "The signature's id")), responses((status = 200, description = "One signature", body = SignatureResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token reads no signatures", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn signature_api(State(state): State<AppState>, api: Api, Path((id, sid)): Path<(String, String)>) -> Result<Response, ApiError> {
    api.organiser()?;
    let p = petition_of(&state, &api, &id).await?;
    let signature: SignatureId = sid.parse().map_err(|_| not_found("signature", &sid))?;
    let mut tx = state.db.read().await?;
    let s = petitions::signature(&mut tx, &api.scope, p.id, signature).await?.ok_or_else(|| not_found("signature", signature))?;
    drop(tx);
    api.record_reads(&state, &people_in(&api, std::slice::from_ref(&s)), "a signature in the API").await?;
    Ok(axum::Json(SignatureResource::new(&api, &s)).into_response())
}

/// The record-signature helper's body: the signer, and what they said.
#[derive(Deserialize, ToSchema)]
pub struct SignatureIn {
    person: PersonIn,
    comments: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/petitions/{id}/signatures", params(("id" = String, Path, description = "The petition's id")), request_body = SignatureIn, responses((status = 200, description = "The signature, recorded and counted (or the one this email already gave)", body = SignatureResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "A volunteer's token can only read", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn record_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Json(body): Json<SignatureIn>,
) -> Result<Response, ApiError> {
    let scope = api.organiser()?.clone();
    let p = petition_of(&state, &api, &id).await?;
    let update = body.person.into_update()?;
    let mut errors = FieldErrors::default();
    let comment = errors.check(optional_text("comments", body.comments.as_deref().unwrap_or(""), 1000)).flatten().unwrap_or_default();
    let Some(email) = update.match_email().cloned() else {
        return Err(AppError::from(Problem::new("person.email_addresses", "a signature needs the signer's email address")).into());
    };
    errors.into_result()?;
    let name =
        [update.given_name.clone().flatten(), update.family_name.clone().flatten()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let postcode = update.addresses.iter().flatten().find_map(|a| a.postcode.as_ref()).map(|p| p.as_str().to_string()).unwrap_or_default();
    let now = state.clock.now();
    let history = format!("Signed the petition “{}” (recorded through the API)", p.title);
    let mut tx = state.db.write().await?;
    let person = people::upsert(&mut tx, &scope, update, crate::people::api::new_fields(&scope), &history, now).await?.id;
    let recorded = Recorded { person, name: &name, email: &email, postcode: &postcode, comment: &comment };
    let sid = petitions::record(&mut tx, &scope, &p, &recorded, now).await?;
    let s = petitions::signature(&mut tx, &scope, p.id, sid).await?.ok_or_else(|| not_found("signature", sid))?;
    tx.commit().await?;
    state.petitions.forget_count(p.id);
    Ok(axum::Json(SignatureResource::new(&api, &s)).into_response())
}

#[utoipa::path(get, path = "/api/v2/people/{id}/signatures", params(("id" = String, Path, description = "The person's id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "The person's signatures, newest first", body = SignaturesCollection), (status = 400, description = "Bad paging, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn person_signatures_api(
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
    let all = petitions::of_person(&mut tx, &api.scope, person).await?;
    drop(tx);
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let shown: Vec<Signature> = page.window(all);
    let read: Vec<(PersonId, GroupId)> = if shown.is_empty() { Vec::new() } else { vec![(person, owner)] };
    api.record_reads(&state, &read, "a person's signatures in the API").await?;
    let items = shown.iter().map(|s| SignatureResource::new(&api, s)).collect();
    Ok(axum::Json(SignaturesCollection::new(&api, &format!("people/{person}/signatures"), items, page, total)).into_response())
}
