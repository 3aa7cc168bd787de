//! The shapes every OSDI response shares, as typed structs, so the OpenAPI
//! document describes each body for real and webhooks can send the same
//! structs: links, the fields every resource carries, and collection pages.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use tredegar_db::Page;
use utoipa::ToSchema;

use super::Api;

/// A HAL link: always an absolute URL.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Link {
    pub href: String,
}

impl Link {
    /// A link to `path` under `/api/v2/`.
    pub fn to(api: &Api, path: &str) -> Link {
        Link { href: api.url(path) }
    }
}

/// What every OSDI resource carries.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Meta {
    /// `action_network:<id>` for clients that look for it, and `tredegar:<id>`.
    pub identifiers: Vec<String>,
    /// ISO 8601, UTC, to the millisecond.
    pub created_date: String,
    pub modified_date: String,
}

impl Meta {
    pub fn new(id: impl std::fmt::Display, created: DateTime<Utc>, modified: DateTime<Utc>) -> Meta {
        Meta {
            identifiers: vec![format!("action_network:{id}"), format!("tredegar:{id}")],
            created_date: date(created),
            modified_date: date(modified),
        }
    }
}

pub fn date(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The numbers on every collection page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageCounts {
    pub total_pages: i64,
    pub per_page: i64,
    pub page: i64,
    pub total_records: i64,
}

/// A collection page's own links: itself, and the pages either side.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageLinks {
    #[serde(rename = "self")]
    pub this: Link,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<Link>,
}

/// The counts and links of page `page` of the collection at `path`.
pub fn paging(api: &Api, path: &str, page: Page, total: i64) -> (PageCounts, PageLinks) {
    let total_pages = page.total_pages(total);
    // A filtered collection's pages stay filtered.
    let link = |n: i64| Link { href: format!("{}?page={n}&per_page={}{}", api.url(path), page.per_page, api.filter_query()) };
    let links = PageLinks {
        this: link(page.page),
        next: (page.page < total_pages).then(|| link(page.page + 1)),
        prev: (page.page > 1).then(|| link(page.page - 1)),
    };
    (PageCounts { total_pages, per_page: page.per_page, page: page.page, total_records: total }, links)
}

/// A resource that links to itself.
pub trait Resource {
    fn self_link(&self) -> &Link;
}

/// An OSDI collection page of `$item`s under the relation `$rel`: exactly
/// one key under `_embedded`, always present, and each item's self link
/// under `_links.$rel`.
#[macro_export]
macro_rules! osdi_collection {
    ($name:ident, $links:ident, $embedded:ident, $rel:tt, $item:ty) => {
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            #[serde(flatten)]
            pub counts: $crate::api::hal::PageCounts,
            #[serde(rename = "_links")]
            pub links: $links,
            #[serde(rename = "_embedded")]
            pub embedded: $embedded,
        }

        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $links {
            #[serde(flatten)]
            pub paging: $crate::api::hal::PageLinks,
            #[serde(rename = $rel)]
            pub items: Vec<$crate::api::hal::Link>,
        }

        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $embedded {
            #[serde(rename = $rel)]
            pub items: Vec<$item>,
        }

        impl $name {
            pub fn new(api: &$crate::api::Api, path: &str, items: Vec<$item>, page: tredegar_db::Page, total: i64) -> $name {
                use $crate::api::hal::Resource;
                let (counts, paging) = $crate::api::hal::paging(api, path, page, total);
                let links = $links { paging, items: items.iter().map(|i| i.self_link().clone()).collect() };
                $name { counts, links, embedded: $embedded { items } }
            }
        }
    };
}

/// The body of an error: `{"error": "..."}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

/// The body of a DELETE, as Action Network answers: `{"notice": "..."}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notice {
    pub notice: String,
}
