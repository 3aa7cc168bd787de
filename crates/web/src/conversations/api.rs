//! Conversations in the API: `tredegar:conversations`, an extension beside
//! OSDI's resources, for tools that log canvassing and calls. Reads are
//! audited like the pages'; a volunteer's token reads and logs only for the
//! people assigned to them.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tredegar_db::conversations::{self, Conversation, NewConversation};
use tredegar_db::{Window, people};
use tredegar_domain::contact::{one_line_text, optional_text};
use tredegar_domain::{Answer, ConversationId, ConversationKind, FieldErrors, PersonId};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::hal::{ErrorBody, Link, Meta, Resource, date};
use crate::api::{Api, Paging, not_found};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query as ApiQuery};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api, create_api, get_api))]
pub struct Doc;

/// A conversation with a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationResource {
    #[serde(flatten)]
    meta: Meta,
    /// one_to_one, door_knock, phone_call or meeting.
    kind: &'static str,
    held_at: String,
    /// Who held it, by name.
    held_by: String,
    place: String,
    /// The person's postcode district when it was logged.
    area: String,
    /// What the person cares about, in their words.
    self_interest: String,
    /// The themes raised, from the group's issue list.
    issues: Vec<String>,
    ask: String,
    /// yes, no or maybe; absent when no answer was recorded.
    answer: Option<&'static str>,
    commitments: String,
    notes: String,
    #[serde(rename = "_links")]
    links: ConversationLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct ConversationLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:person")]
    person: Link,
}

impl ConversationResource {
    fn new(api: &Api, c: &Conversation) -> ConversationResource {
        ConversationResource {
            meta: Meta::new(c.id, c.held_at, c.held_at),
            kind: c.kind.as_str(),
            held_at: date(c.held_at),
            held_by: c.held_by_name.clone(),
            place: c.place.clone(),
            area: c.area.clone(),
            self_interest: c.self_interest.clone(),
            issues: c.themes.clone(),
            ask: c.ask.clone(),
            answer: c.answer.map(Answer::as_str),
            commitments: c.commitments.clone(),
            notes: c.notes.clone(),
            links: ConversationLinks {
                this: Link::to(api, &format!("conversations/{}", c.id)),
                person: Link::to(api, &format!("people/{}", c.person_id)),
            },
        }
    }
}

impl Resource for ConversationResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(ConversationsCollection, ConversationsLinks, ConversationsEmbedded, "tredegar:conversations", ConversationResource);

/// The people conversations are with, for the audit log.
fn people_in(found: &[Conversation]) -> Vec<(PersonId, tredegar_domain::GroupId)> {
    found.iter().map(|c| (c.person_id, c.group_id)).collect()
}

#[utoipa::path(get, path = "/api/v2/people/{id}/conversations", params(("id" = String, Path, description = "The person's id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "The person's conversations, newest first", body = ConversationsCollection), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn list_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
) -> Result<Response, ApiError> {
    let person: PersonId = id.parse().map_err(|_| not_found("person", &id))?;
    let page = q.page()?;
    q.filter(&[])?;
    let mut tx = state.db.read().await?;
    if people::get(&mut tx, &api.scope, person).await?.is_none() {
        return Err(not_found("person", person));
    }
    let all = conversations::of_person(&mut tx, &api.scope, person, Window::all()).await?;
    drop(tx);
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let shown: Vec<Conversation> = page.window(all);
    api.record_reads(&state, &people_in(&shown), "in the API").await?;
    let items = shown.iter().map(|c| ConversationResource::new(&api, c)).collect();
    Ok(axum::Json(ConversationsCollection::new(&api, &format!("people/{person}/conversations"), items, page, total)).into_response())
}

/// A conversation to log.
#[derive(Deserialize, ToSchema)]
pub struct ConversationIn {
    /// one_to_one (when absent), door_knock, phone_call or meeting.
    kind: Option<String>,
    /// ISO 8601; now when absent.
    held_at: Option<chrono::DateTime<chrono::Utc>>,
    place: Option<String>,
    self_interest: Option<String>,
    /// Themes raised; new ones join the group's issue list.
    #[serde(default)]
    issues: Vec<String>,
    ask: Option<String>,
    /// yes, no or maybe.
    answer: Option<String>,
    commitments: Option<String>,
    notes: Option<String>,
}

impl ConversationIn {
    fn check(self, now: chrono::DateTime<chrono::Utc>) -> Result<NewConversation, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = match self.kind.as_deref() {
            None => Some(ConversationKind::OneToOne),
            Some(k) => errors.check(ConversationKind::parse("kind", k)),
        };
        let text = |errors: &mut FieldErrors, field: &str, v: Option<String>, max: usize| {
            errors.check(optional_text(field, v.as_deref().unwrap_or(""), max)).flatten().unwrap_or_default()
        };
        let place = errors.check(one_line_text("place", self.place.as_deref().unwrap_or(""), 200)).flatten().unwrap_or_default();
        let ask = errors.check(one_line_text("ask", self.ask.as_deref().unwrap_or(""), 500)).flatten().unwrap_or_default();
        let answer = errors.check(Answer::parse_optional("answer", self.answer.as_deref().unwrap_or(""))).flatten();
        let mut themes = Vec::new();
        if self.issues.len() > super::form::MAX_THEMES {
            errors.push(tredegar_domain::Problem::new(
                "issues",
                format!("name at most {} issues for one conversation", super::form::MAX_THEMES),
            ));
        }
        for (i, t) in self.issues.iter().enumerate().take(super::form::MAX_THEMES) {
            if let Some(t) = errors.check(one_line_text(&format!("issues.{i}"), t, 100)).flatten() {
                themes.push(t);
            }
        }
        let conversation = NewConversation {
            kind: kind.unwrap_or(ConversationKind::OneToOne),
            held_at: match self.held_at {
                Some(t) if tredegar_domain::conversations::YEARS.contains(&chrono::Datelike::year(&t)) => t,
                Some(_) => {
                    errors.push(tredegar_domain::Problem::new("held_at", "must be a time between 1900 and 2200"));
                    now
                }
                None => now,
            },
            place,
            self_interest: text(&mut errors, "self_interest", self.self_interest, 5_000),
            themes,
            ask,
            answer,
            commitments: text(&mut errors, "commitments", self.commitments, 5_000),
            notes: text(&mut errors, "notes", self.notes, 20_000),
        };
        errors.into_result().map(|()| conversation)
    }
}

#[utoipa::path(post, path = "/api/v2/people/{id}/conversations", params(("id" = String, Path, description = "The person's id")), request_body = ConversationIn, responses((status = 200, description = "The conversation logged", body = ConversationResource), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn create_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Json(body): Json<ConversationIn>,
) -> Result<Response, ApiError> {
    let person: PersonId = id.parse().map_err(|_| not_found("person", &id))?;
    let now = state.clock.now();
    let new = body.check(now)?;
    let mut tx = state.db.write().await?;
    // The API logs only for people the token reads (call-list people are logged on the call screen).
    if people::get(&mut tx, &api.scope, person).await?.is_none() {
        return Err(not_found("person", person));
    }
    let logged = match conversations::log(&mut tx, &api.scope, person, &new, now).await {
        Err(tredegar_db::DbError::NotFound) => return Err(not_found("person", person)),
        other => other?,
    };
    let c = conversations::get(&mut tx, &api.scope, logged).await?.ok_or_else(|| not_found("conversation", logged))?;
    tx.commit().await?;
    Ok(axum::Json(ConversationResource::new(&api, &c)).into_response())
}

#[utoipa::path(get, path = "/api/v2/conversations/{id}", params(("id" = String, Path, description = "The id")), responses((status = 200, description = "One conversation", body = ConversationResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let cid: ConversationId = id.parse().map_err(|_| not_found("conversation", &id))?;
    let mut tx = state.db.read().await?;
    let c = conversations::get(&mut tx, &api.scope, cid).await?.ok_or_else(|| not_found("conversation", cid))?;
    drop(tx);
    api.record_reads(&state, &people_in(std::slice::from_ref(&c)), &format!("conversation {cid} in the API")).await?;
    Ok(axum::Json(ConversationResource::new(&api, &c)).into_response())
}

/// The routes, nested under `/api/v2`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/people/{id}/conversations", get(list_api).post(create_api)).route("/conversations/{id}", get(get_api))
}
