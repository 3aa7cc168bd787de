//! Walk lists in the API, in the OSDI style (OSDI itself has none). A
//! token reads the lists its role may work (a volunteer's: the open ones
//! they walk), each with its questions and its doors and who lives at them;
//! it records what happened at a door, once however often it is sent.
//! Organisers' tokens read every record.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tredegar_db::Scope;
use tredegar_db::walks::{self, AtTheDoor, Door, Knock, KnockRow, QuestionRow, WalkList};
use tredegar_domain::walks::DoorOutcome;
use tredegar_domain::{FieldErrors, KnockId, PersonId, Problem, UnitId, WalkListId};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::hal::{ErrorBody, Link, Meta, Resource};
use crate::api::{Api, Paging, not_found};
use crate::error::ApiError;
use crate::extract::api::{Json, Path, Query as ApiQuery};

/// This capability's paths in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(walk_lists_api, walk_list_api, knocks_api, knock_api, record_knock_api))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/walk_lists", get(walk_lists_api))
        .route("/walk_lists/{id}", get(walk_list_api))
        .route("/walk_lists/{id}/knocks", get(knocks_api).post(record_knock_api))
        .route("/walk_lists/{id}/knocks/{knock}", get(knock_api))
}

/// A survey question: `kind` is yes_no, scale (1 to 5), choice (one of
/// `choices`) or text.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionOut {
    id: String,
    kind: String,
    prompt: String,
    choices: Vec<String>,
}

/// Someone living at a door: all a walker reads of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentOut {
    person_id: String,
    /// As shown: their names, or "(no name)".
    name: String,
    given_name: Option<String>,
    family_name: Option<String>,
}

/// A door, in walking order, with who lives there and what was last recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoorOut {
    unit_id: String,
    position: i64,
    label: String,
    building: String,
    floor: Option<i64>,
    address_lines: Vec<String>,
    postcode: String,
    /// not_home, spoke, refused, moved or come_back.
    last_outcome: Option<String>,
    records: i64,
    residents: Vec<ResidentOut>,
}

impl DoorOut {
    fn new(d: &Door, residents: Vec<ResidentOut>) -> DoorOut {
        DoorOut {
            unit_id: d.unit_id.to_string(),
            position: d.position,
            label: d.label.clone(),
            building: d.building_name.clone(),
            floor: d.floor,
            address_lines: d.address_lines.lines().map(str::to_string).collect(),
            postcode: d.postcode.clone(),
            last_outcome: d.last_outcome.map(|o| o.to_string()),
            records: d.records,
            residents,
        }
    }
}

/// A walk list: part `part` of the `parts` a turf was cut into. Its doors
/// and questions come with it when it is read on its own.
#[derive(Debug, Serialize, ToSchema)]
pub struct WalkListResource {
    #[serde(flatten)]
    meta: Meta,
    name: String,
    part: i64,
    parts: i64,
    /// open or closed.
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    questions: Option<Vec<QuestionOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doors: Option<Vec<DoorOut>>,
    #[serde(rename = "_links")]
    links: WalkListLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct WalkListLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "tredegar:knocks")]
    knocks: Link,
}

impl WalkListResource {
    fn new(api: &Api, l: &WalkList) -> WalkListResource {
        WalkListResource {
            meta: Meta::new(l.id, l.created_at, l.created_at),
            name: l.name.clone(),
            part: l.part,
            parts: l.parts,
            status: l.status.to_string(),
            questions: None,
            doors: None,
            links: WalkListLinks {
                this: Link::to(api, &format!("walk_lists/{}", l.id)),
                knocks: Link::to(api, &format!("walk_lists/{}/knocks", l.id)),
            },
        }
    }
}

impl Resource for WalkListResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(WalkListsCollection, WalkListsLinks, WalkListsEmbedded, "tredegar:walk_lists", WalkListResource);

/// What was recorded at a door. `answers` maps each question's id to its answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnockResource {
    #[serde(flatten)]
    meta: Meta,
    unit_id: String,
    person_id: Option<String>,
    /// not_home, spoke, refused, moved or come_back.
    outcome: String,
    answers: HashMap<String, String>,
    knocked_by: String,
    knocked_at: String,
    #[serde(rename = "_links")]
    links: KnockLinks,
}

#[derive(Debug, Serialize, ToSchema)]
struct KnockLinks {
    #[serde(rename = "self")]
    this: Link,
}

impl KnockResource {
    fn new(api: &Api, list: WalkListId, k: &KnockRow, answers: HashMap<String, String>) -> KnockResource {
        KnockResource {
            meta: Meta::new(k.id, k.knocked_at, k.knocked_at),
            unit_id: k.unit_id.to_string(),
            person_id: k.person_id.map(|p| p.to_string()),
            outcome: k.outcome.to_string(),
            answers,
            knocked_by: k.knocked_by_name.clone(),
            knocked_at: k.knocked_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            links: KnockLinks { this: Link::to(api, &format!("walk_lists/{list}/knocks/{}", k.id)) },
        }
    }
}

impl Resource for KnockResource {
    fn self_link(&self) -> &Link {
        &self.links.this
    }
}

crate::osdi_collection!(KnocksCollection, KnocksLinks, KnocksEmbedded, "tredegar:knocks", KnockResource);

async fn the_list(state: &AppState, scope: &Scope, id: &str) -> Result<WalkList, ApiError> {
    let list: WalkListId = id.parse().map_err(|_| not_found("walk list", id))?;
    let mut tx = state.db.read().await?;
    walks::get(&mut tx, scope, list).await?.ok_or_else(|| not_found("walk list", id))
}

#[utoipa::path(get, path = "/api/v2/walk_lists", params(("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 200, description = "The walk lists this token may work, newest first", body = WalkListsCollection), (status = 400, description = "Bad paging, naming the field, or a filter (this collection takes none)", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn walk_lists_api(State(state): State<AppState>, api: Api, ApiQuery(q): ApiQuery<Paging>) -> Result<Response, ApiError> {
    let page = q.page()?;
    q.filter(&[])?;
    let mut tx = state.db.read().await?;
    let (rows, total) = walks::list(&mut tx, &api.scope, page).await?;
    let items = rows.iter().map(|l| WalkListResource::new(&api, l)).collect();
    Ok(axum::Json(WalkListsCollection::new(&api, "walk_lists", items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/walk_lists/{id}", params(("id" = String, Path, description = "The walk list's id")), responses((status = 200, description = "The walk list with its questions and doors", body = WalkListResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "No such walk list this token may work", body = ErrorBody)))]
pub async fn walk_list_api(State(state): State<AppState>, api: Api, Path(id): Path<String>) -> Result<Response, ApiError> {
    let list = the_list(&state, &api.scope, &id).await?;
    let mut body = WalkListResource::new(&api, &list);
    let (doors, questions) = doors_and_questions(&state, &api.scope, list, "through the API").await?;
    body.doors = Some(doors);
    body.questions = Some(questions);
    Ok(axum::Json(body).into_response())
}

/// The list's doors with who lives at each (the reads audited, saying
/// `how`), and its questions, as the API and the app send them.
pub(super) async fn doors_and_questions(
    state: &AppState,
    scope: &Scope,
    list: WalkList,
    how: &str,
) -> Result<(Vec<DoorOut>, Vec<QuestionOut>), crate::AppError> {
    let sheet = super::list::sheet(state, scope, list, how).await?;
    let doors = sheet.doors.into_iter().map(|(d, here)| DoorOut::new(&d, here.into_iter().map(resident).collect())).collect();
    Ok((doors, sheet.questions.iter().map(question).collect()))
}

fn resident(r: AtTheDoor) -> ResidentOut {
    let name = r.name();
    ResidentOut { person_id: r.person_id.to_string(), name, given_name: r.given_name, family_name: r.family_name }
}

fn question(q: &QuestionRow) -> QuestionOut {
    QuestionOut { id: q.id.to_string(), kind: q.kind.to_string(), prompt: q.prompt.clone(), choices: q.question().choices }
}

/// Every record on the list, with its answers.
async fn records(state: &AppState, api: &Api, list: WalkListId) -> Result<Vec<KnockResource>, ApiError> {
    let scope = api.organiser()?;
    let mut tx = state.db.read().await?;
    let knocks = walks::knocks(&mut tx, scope, list).await?;
    let mut answers: HashMap<KnockId, HashMap<String, String>> = HashMap::new();
    for (knock, question, answer) in walks::answers(&mut tx, scope, list).await? {
        answers.entry(knock).or_default().insert(question.to_string(), answer);
    }
    Ok(knocks.iter().map(|k| KnockResource::new(api, list, k, answers.remove(&k.id).unwrap_or_default())).collect())
}

#[utoipa::path(get, path = "/api/v2/walk_lists/{id}/knocks", params(("id" = String, Path, description = "The walk list's id"), ("page" = Option<i64>, Query, description = "From 1"), ("per_page" = Option<i64>, Query, description = "At most 25")), responses((status = 400, description = "Bad paging, naming the field, or a filter (this collection takes none)", body = ErrorBody), (status = 200, description = "Everything recorded at the list's doors", body = KnocksCollection), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody), (status = 404, description = "No such walk list in this group", body = ErrorBody)))]
pub async fn knocks_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<Paging>,
) -> Result<Response, ApiError> {
    q.filter(&[])?;
    let list = the_list(&state, api.organiser()?, &id).await?;
    let (page, total, items) = q.window(records(&state, &api, list.id).await?)?;
    Ok(axum::Json(KnocksCollection::new(&api, &format!("walk_lists/{}/knocks", list.id), items, page, total)).into_response())
}

#[utoipa::path(get, path = "/api/v2/walk_lists/{id}/knocks/{knock}", params(("id" = String, Path, description = "The walk list's id"), ("knock" = String, Path, description = "The record's id")), responses((status = 200, description = "What was recorded at a door", body = KnockResource), (status = 401, description = "No valid token", body = ErrorBody), (status = 403, description = "Needs an organiser's token", body = ErrorBody), (status = 404, description = "No such record on this list", body = ErrorBody)))]
pub async fn knock_api(State(state): State<AppState>, api: Api, Path((id, knock)): Path<(String, String)>) -> Result<Response, ApiError> {
    let list = the_list(&state, api.organiser()?, &id).await?;
    let wanted = format!("walk_lists/{}/knocks/{knock}", list.id);
    let found = records(&state, &api, list.id).await?.into_iter().find(|k| k.links.this.href.ends_with(&wanted));
    Ok(axum::Json(found.ok_or_else(|| not_found("record", &knock))?).into_response())
}

/// What happened at a door. `id` is made by the sender (a UUID), so the
/// same record sent twice is kept once. `answers` maps question ids to
/// answers; `person_id` is whom they spoke to, someone living there.
#[derive(Debug, Deserialize, ToSchema)]
pub struct KnockIn {
    pub id: Option<String>,
    pub unit_id: Option<String>,
    pub person_id: Option<String>,
    pub outcome: Option<String>,
    #[serde(default)]
    pub answers: HashMap<String, String>,
    /// When, if not now (RFC 3339): a phone may send it hours later.
    pub knocked_at: Option<String>,
}

impl KnockIn {
    /// The record, checked against the list's questions; each problem names its field.
    pub fn check(&self, questions: &[QuestionRow], now: DateTime<Utc>) -> Result<Knock, FieldErrors> {
        let mut errors = FieldErrors::default();
        let id: Option<KnockId> = errors.check(uuid("id", &self.id));
        let unit: Option<UnitId> = errors.check(uuid("unit_id", &self.unit_id));
        let person: Option<PersonId> = match self.person_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => errors.check(p.parse().map_err(|_| Problem::new("person_id", "must be the id of someone living at the door"))),
        };
        let outcome = errors.check(DoorOutcome::parse("outcome", self.outcome.as_deref().unwrap_or("")));
        let knocked_at = match self.knocked_at.as_deref().map(str::trim) {
            None | Some("") => Some(now),
            Some(t) => errors.check(
                DateTime::parse_from_rfc3339(t)
                    .map(|t| t.with_timezone(&Utc))
                    .ok()
                    .filter(|t| *t <= now + chrono::Duration::hours(1) && *t > now - chrono::Duration::days(90))
                    .ok_or_else(|| Problem::new("knocked_at", "must be a time in the last 90 days, like 2026-11-27T10:30:00Z")),
            ),
        };
        let mut answers = Vec::new();
        for (question, answer) in &self.answers {
            let field = format!("answers.{question}");
            match questions.iter().find(|q| q.id.to_string() == *question) {
                None => errors.push(Problem::new(&field, "is not one of this list's questions")),
                Some(q) => {
                    if let Some(a) = errors.check(q.question().answer(&field, answer).map_err(|p| p.shown_as(q.prompt.clone()))).flatten() {
                        answers.push((q.id, a));
                    }
                }
            }
        }
        match (id, unit, outcome, knocked_at) {
            (Some(id), Some(unit), Some(outcome), Some(knocked_at)) if errors.is_empty() => {
                Ok(Knock { id, unit, person, outcome, answers, conversation: None, knocked_at })
            }
            _ => Err(errors),
        }
    }
}

/// The record's id, and whether it was new: false if it was in already.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recorded {
    id: String,
    recorded: bool,
}

impl Recorded {
    pub fn new(id: KnockId, recorded: bool) -> Recorded {
        Recorded { id: id.to_string(), recorded }
    }
}

fn uuid<T: std::str::FromStr>(field: &str, v: &Option<String>) -> Result<T, Problem> {
    v.as_deref().unwrap_or("").trim().parse().map_err(|_| Problem::new(field, "must be a UUID"))
}

#[utoipa::path(post, path = "/api/v2/walk_lists/{id}/knocks", params(("id" = String, Path, description = "The walk list's id")), request_body = KnockIn, responses((status = 200, description = "Recorded, or recorded already", body = Recorded), (status = 400, description = "Bad input, naming the field", body = ErrorBody), (status = 401, description = "No valid token", body = ErrorBody), (status = 404, description = "No such open walk list or door this token may work", body = ErrorBody)))]
pub async fn record_knock_api(
    State(state): State<AppState>,
    api: Api,
    Path(id): Path<String>,
    Json(body): Json<KnockIn>,
) -> Result<Response, ApiError> {
    let list = the_list(&state, &api.scope, &id).await?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let questions = walks::questions(&mut tx, &api.scope, list.id).await?;
    let knock = body.check(&questions, now)?;
    tredegar_domain::walks::consistent(knock.outcome, knock.person.is_some(), !knock.answers.is_empty(), false)?;
    let recorded = walks::record(&mut tx, &api.scope, list.id, &knock, now).await?;
    tx.commit().await?;
    Ok(axum::Json(Recorded::new(knock.id, recorded)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_knock_names_its_bad_fields() {
        let body = KnockIn {
            id: Some("nope".into()),
            unit_id: None,
            person_id: Some("x".into()),
            outcome: Some("asleep".into()),
            answers: HashMap::from([("q".to_string(), "yes".to_string())]),
            knocked_at: Some("yesterday".into()),
        };
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let Err(errors) = body.check(&[], now) else { unreachable!("bad input is refused") };
        let fields: Vec<&str> = errors.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["id", "unit_id", "person_id", "outcome", "knocked_at", "answers.q"]);
    }
}
