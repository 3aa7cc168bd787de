//! axum's extractors, with their rejections turned into `AppError`, so a bad
//! id, form or body gets the same clear answer as any other bad input.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum_extra::extract::FormRejection;
use tredegar_domain::Problem;

use crate::AppError;

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// A form, where a name may repeat (checkboxes) and fills a `Vec`.
#[derive(FromRequest)]
#[from_request(via(axum_extra::extract::Form), rejection(AppError))]
pub struct Form<T>(pub T);

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Json<T>(pub T);

/// An id that is not an id names nothing: 404, as for any unknown record.
impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::not_found()
    }
}

/// A bad value in the address names its parameter: "page: invalid digit
/// found in string" is told as the page's problem.
impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        let text = r.body_text();
        let said = text.strip_prefix("Failed to deserialize query string: ").unwrap_or(&text);
        let problem = match said.split_once(": ") {
            Some((field, what)) if !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                Problem::new(field, format!("{what} (in the address)"))
            }
            _ => Problem::new("address", said.to_string()),
        };
        AppError::Invalid(problem.into())
    }
}

impl From<FormRejection> for AppError {
    fn from(r: FormRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge(0);
        }
        AppError::Invalid(Problem::new("form", r.body_text()).into())
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge(0);
        }
        AppError::Invalid(Problem::new("body", r.body_text()).into())
    }
}

/// The same extractors for the API, whose rejections answer `{"error": "..."}`.
pub mod api {
    use axum::extract::{FromRequest, FromRequestParts};

    use crate::error::ApiError;

    #[derive(FromRequestParts)]
    #[from_request(via(axum::extract::Path), rejection(ApiError))]
    pub struct Path<T>(pub T);

    #[derive(FromRequestParts)]
    #[from_request(via(axum::extract::Query), rejection(ApiError))]
    pub struct Query<T>(pub T);

    #[derive(FromRequest)]
    #[from_request(via(axum::Json), rejection(ApiError))]
    pub struct Json<T>(pub T);
}

/// An uploaded file's name as the browser gave it, made safe to keep and
/// show: its last path part, without control, invisible or text-direction
/// characters, at most 200 characters.
pub fn upload_name(field: &axum::extract::multipart::Field<'_>) -> String {
    let shown = |c: &char| !c.is_control() && !tredegar_domain::text::has_hidden(&c.to_string());
    let name: String = field.file_name().unwrap_or_default().chars().filter(shown).take(200).collect();
    name.rsplit(['/', '\\']).next().unwrap_or_default().trim().to_string()
}
