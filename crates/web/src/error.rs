//! The one error type handlers return. Status codes are decided here and
//! nowhere else. Pages get a friendly page; the API wraps it in [`ApiError`]
//! and gets `{"error": "..."}`. Internal detail is logged, never shown.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tredegar_db::DbError;
use tredegar_domain::{FieldErrors, PersonId};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("sign in to continue")]
    SignInNeeded,
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{message}")]
    Duplicate { field: String, message: String, existing: Option<PersonId> },
    #[error("the request body is too large{}", limit_text(*.0))]
    TooLarge(usize),
    #[error("too many requests; try again in {0} seconds")]
    TooManyRequests(u64),
    #[error("this form has expired or did not come from Tredegar; go back, reload the page and try again")]
    StaleForm,
    #[error("something went wrong on our side")]
    Internal(String),
}

impl AppError {
    pub fn not_found() -> AppError {
        AppError::NotFound("there is nothing at this address, or it is not yours to see".into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::SignInNeeded | AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::StaleForm => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Duplicate { .. } => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn log(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::not_found(),
            DbError::Duplicate { field, message, existing } => AppError::Duplicate { field, message, existing },
            DbError::Invalid(errors) => AppError::Invalid(errors),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<tredegar_domain::Problem> for AppError {
    fn from(p: tredegar_domain::Problem) -> Self {
        AppError::Invalid(p.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

tokio::task_local! {
    /// This request's id, so an error page can show it for someone to quote.
    static REQUEST_ID: String;
    /// The page a GET asked for, to come back to after signing in.
    static REQUEST_PATH: Option<String>;
}

/// Make the request id (set by the request-id layer) and the page asked for
/// known to error pages.
pub async fn with_request_id(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let path = (req.method() == axum::http::Method::GET).then(|| req.uri().path_and_query().map(|p| p.as_str().to_string())).flatten();
    REQUEST_ID.scope(id, REQUEST_PATH.scope(path, next.run(req))).await
}

/// What an error page says. Kept on the response, so that a signed-in
/// person's error page can be drawn again inside their group's layout.
#[derive(Clone, Debug, Template)]
#[template(path = "error_body.html")]
pub struct ErrorBody {
    pub title: &'static str,
    pub message: String,
    pub request_id: String,
}

/// The error page on its own, for anyone.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    body: &'a ErrorBody,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if matches!(self, AppError::SignInNeeded) {
            // Back to this page after signing in; a GET only, so nothing is re-sent.
            let next = REQUEST_PATH.try_with(Clone::clone).ok().flatten().filter(|p| p != "/");
            let to = match next {
                Some(path) => format!("{}?next={}", crate::paths::login(), crate::paths::encode(&path)),
                None => crate::paths::login(),
            };
            return Redirect::to(&to).into_response();
        }
        let title = match self.status() {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::FORBIDDEN => "You can't do that",
            StatusCode::BAD_REQUEST | StatusCode::CONFLICT => "There is a problem",
            StatusCode::PAYLOAD_TOO_LARGE => "That was too much to send",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests",
            _ => "Sorry, something went wrong",
        };
        let request_id = REQUEST_ID.try_with(String::clone).unwrap_or_default();
        // A page names each field as its form does; the API keeps the field's own name.
        let message = match &self {
            AppError::Invalid(problems) => problems.in_words(),
            other => other.to_string(),
        };
        // Its first letter up, the rest as written (a name keeps its capitals).
        let mut letters = message.chars();
        let message = letters.next().map(|c| c.to_uppercase().chain(letters).collect()).unwrap_or_default();
        let body = ErrorBody { title, message, request_id };
        let html = ErrorPage { body: &body }.render().unwrap_or_else(|_| self.to_string());
        let mut response = (self.status(), [(header::CACHE_CONTROL, "no-store")], axum::response::Html(html)).into_response();
        if let AppError::TooManyRequests(seconds) = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(body);
        response
    }
}

/// The API's face of [`AppError`]: the same status, as `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let message = match &e {
            AppError::SignInNeeded => "missing or wrong OSDI-API-Token header".to_string(),
            AppError::Duplicate { existing: Some(id), message, .. } => format!("{message} (person {id})"),
            other => other.to_string(),
        };
        let mut r = (e.status(), axum::Json(serde_json::json!({ "error": message }))).into_response();
        if let AppError::TooManyRequests(seconds) = e {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        r
    }
}

fn limit_text(limit: usize) -> String {
    if limit == 0 { String::new() } else { format!(" (the limit is {} KiB)", limit / 1024) }
}
