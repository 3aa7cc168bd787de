//! The API kit: what every OSDI endpoint shares. Token auth by
//! `OSDI-API-Token`, HAL+JSON collections with absolute links, paging, the
//! rate limit, and the entry point. It imports no capability.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use tredegar_db::{Page, Scope, Tx};
use tredegar_domain::filter::{self, Filter};
use tredegar_domain::{GroupId, PersonId, Problem, Role};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::{AppError, AppState, token_hash};

pub mod audit;
pub mod hal;
pub mod openapi;
pub mod recent;

use hal::Link;

pub const MAX_PER_PAGE: i64 = 25;

pub fn not_found(what: &str, id: impl std::fmt::Display) -> ApiError {
    ApiError(AppError::NotFound(format!("Couldn't find {what} with id = {id}")))
}

/// The caller of an API endpoint: the token's group and role, and the base
/// that absolute links are built on.
pub struct Api {
    pub scope: Scope,
    base: String,
    /// The request's OSDI filter, which a collection's page links keep.
    filter: Option<String>,
}

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let hash = token_hash_of(parts)?;
        let scope = match state.api_tokens.get(&hash) {
            Some(scope) => scope,
            None => Api::scope_of(state, &mut state.db.read_alone().await?, &hash).await?,
        };
        Api::new(parts, state, &hash, scope)
    }
}

/// A read through the API: the caller's token and what they read, on one
/// connection without a transaction (each statement its own snapshot), where
/// two connections, or a `BEGIN` and `ROLLBACK`, would each cost round trips.
pub struct Reading {
    pub api: Api,
    pub tx: Tx,
}

impl FromRequestParts<AppState> for Reading {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let hash = token_hash_of(parts)?;
        let mut tx = state.db.read_alone().await?;
        let scope = match state.api_tokens.get(&hash) {
            Some(scope) => scope,
            None => Api::scope_of(state, &mut tx, &hash).await?,
        };
        Ok(Reading { api: Api::new(parts, state, &hash, scope)?, tx })
    }
}

/// The hash of the request's token, before anything touches the database:
/// a flood of requests without one takes no connection.
fn token_hash_of(parts: &Parts) -> Result<String, ApiError> {
    // Header names are case-insensitive: OSDI-API-Token and OSDI-API-TOKEN are one.
    let token = parts.headers.get("osdi-api-token").and_then(|v| v.to_str().ok()).map(str::trim).filter(|t| !t.is_empty());
    token.map(token_hash).ok_or_else(|| ApiError(AppError::Unauthorized("missing OSDI-API-Token header".into())))
}

impl Api {
    /// Who the token with this hash belongs to, looked up within `tx`, and kept a moment.
    async fn scope_of(state: &AppState, tx: &mut Tx, hash: &str) -> Result<Scope, ApiError> {
        let mark = state.api_tokens.mark();
        let scope =
            Scope::for_token(tx, hash).await?.ok_or_else(|| ApiError(AppError::Unauthorized("the OSDI-API-Token is not valid".into())))?;
        state.api_tokens.put_since(mark, hash.to_string(), scope.clone());
        Ok(scope)
    }

    /// The caller with this scope, within its request limit.
    fn new(parts: &Parts, state: &AppState, hash: &str, scope: Scope) -> Result<Api, ApiError> {
        if let Some(most) = state.config.api_requests_per_minute {
            state.api_limit.hit(hash, most)?;
        }
        let base = state.config.public_url.trim_end_matches('/').to_string();
        let filter = parts.uri.query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok()?.into_iter().find(|(k, _)| k == "filter").map(|(_, v)| v)
        });
        Ok(Api { scope, base, filter })
    }

    /// `&filter=...` for a page link, when the request was filtered.
    pub fn filter_query(&self) -> String {
        self.filter.as_deref().map(|f| format!("&filter={}", crate::paths::encode(f))).unwrap_or_default()
    }

    /// The request's `filter`, as sent ("" without one).
    pub fn filter_text(&self) -> &str {
        self.filter.as_deref().unwrap_or("")
    }

    /// An absolute URL under `/api/v2/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v2/{path}", self.base)
    }

    /// Note in the audit log that this caller read these people (one entry
    /// for a page of them): each a person and their group.
    pub async fn record_reads(&self, state: &AppState, people: &[(PersonId, GroupId)], how: &str) -> Result<(), ApiError> {
        Ok(state.record_reads(&self.scope, people, how).await?)
    }

    /// Writes, and the group's own workings (tags, lists), need an organiser;
    /// a volunteer's token reads only the people assigned to them.
    pub fn organiser(&self) -> Result<&Scope, ApiError> {
        if self.scope.role() >= Role::Organiser {
            Ok(&self.scope)
        } else {
            Err(ApiError(AppError::Forbidden(
                "this needs an organiser's token: a volunteer's token reads only the people assigned to them".into(),
            )))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    page: Option<i64>,
    per_page: Option<i64>,
    filter: Option<String>,
    /// `background_request=true`: queue it and answer `{}` (we answer after doing it).
    background_request: Option<String>,
}

impl Paging {
    /// The page asked for: `page` from 1 (to `Page::LAST`), and `per_page`
    /// from 1, where more than 25 is 25, as Action Network answers it.
    pub fn page(&self) -> Result<Page, ApiError> {
        let page = self.page.unwrap_or(1);
        if !(1..=Page::LAST).contains(&page) {
            return Err(Problem::new("page", format!("must be a page number from 1 to {}", Page::LAST)).into());
        }
        let per_page = self.per_page.unwrap_or(MAX_PER_PAGE);
        if per_page < 1 {
            return Err(Problem::new("per_page", format!("must be 1 or more (a page holds at most {MAX_PER_PAGE})")).into());
        }
        Ok(Page::new(page, per_page.min(MAX_PER_PAGE)))
    }

    /// The page asked for out of a short collection read whole (a group's
    /// areas, a building's flats, a person's homes): the page, the count
    /// and the page's rows.
    pub fn window<T>(&self, rows: Vec<T>) -> Result<(Page, i64, Vec<T>), ApiError> {
        let page = self.page()?;
        let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        Ok((page, total, page.window(rows)))
    }

    pub fn filter(&self, fields: &[&str]) -> Result<Filter, ApiError> {
        Ok(filter::parse(self.filter.as_deref().unwrap_or(""), fields)?)
    }

    pub fn background(&self) -> bool {
        self.background_request.as_deref() == Some("true")
    }
}

/// The id at the end of an OSDI link, whatever host the link names.
pub fn id_from_href<T: std::str::FromStr>(href: &str) -> Option<T> {
    href.trim_end_matches('/').rsplit('/').next().and_then(|s| s.parse().ok())
}

/// The answer to a DELETE.
pub fn deleted(notice: &str) -> Json<hal::Notice> {
    Json(hal::Notice { notice: notice.to_string() })
}

/// The API's front door: where each collection is.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryPoint {
    motd: &'static str,
    vendor_name: &'static str,
    product_name: &'static str,
    osdi_version: &'static str,
    max_pagesize: i64,
    #[serde(rename = "_links")]
    links: EntryLinks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryLinks {
    #[serde(rename = "self")]
    this: Link,
    #[serde(rename = "osdi:people")]
    people: Link,
    #[serde(rename = "osdi:tags")]
    tags: Link,
    #[serde(rename = "osdi:lists")]
    lists: Link,
    #[serde(rename = "osdi:petitions")]
    petitions: Link,
    docs: Link,
}

#[utoipa::path(get, path = "/api/v2", responses((status = 200, body = EntryPoint), (status = 401, body = hal::ErrorBody)))]
pub async fn entry_point(api: Api, State(_): State<AppState>) -> Json<EntryPoint> {
    let docs = Link { href: format!("{}/api/openapi.json", api.base) };
    Json(EntryPoint {
        motd: "Tredegar: an Action Network compatible API (OSDI v2)",
        vendor_name: "Tredegar",
        product_name: "Tredegar",
        osdi_version: "1.1.1",
        max_pagesize: MAX_PER_PAGE,
        links: EntryLinks {
            this: Link::to(&api, ""),
            people: Link::to(&api, "people"),
            tags: Link::to(&api, "tags"),
            lists: Link::to(&api, "lists"),
            petitions: Link::to(&api, "petitions"),
            docs,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::id_from_href;

    #[test]
    fn ids_come_from_the_last_segment_of_any_host() {
        let id: Option<uuid::Uuid> = id_from_href("https://actionnetwork.org/api/v2/people/01a212da-f0dd-7125-8af1-8d9576e7d202/");
        assert_eq!(id.map(|u| u.to_string()).as_deref(), Some("01a212da-f0dd-7125-8af1-8d9576e7d202"));
        assert_eq!(id_from_href::<uuid::Uuid>("https://x.org/api/v2/people/not-an-id"), None);
    }
}
