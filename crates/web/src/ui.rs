//! The page kit: what every page shares. The layout (group name, menu by
//! role, notices), rendering, the stylesheet and CSV downloads. It imports no
//! capability; capabilities import it.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_domain::Role;

use crate::auth::CsrfToken;
use crate::{AppError, AppState};

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

/// The group and role the menu is drawn for.
#[derive(Clone, Debug)]
pub struct Nav {
    pub slug: String,
    pub group_name: String,
    pub role: Role,
}

impl Nav {
    pub fn organiser(&self) -> bool {
        self.role >= Role::Organiser
    }
    pub fn admin(&self) -> bool {
        self.role >= Role::Admin
    }
}

pub struct Layout {
    pub title: String,
    /// Times are stored in UTC and shown in the group's time zone.
    pub time_zone: chrono_tz::Tz,
    pub user_name: Option<String>,
    pub nav: Option<Nav>,
    pub csrf: String,
    pub notice: Option<&'static str>,
}

impl Layout {
    pub fn public(title: &str, csrf: CsrfToken) -> Layout {
        Layout { title: title.into(), time_zone: chrono_tz::Europe::London, user_name: None, nav: None, csrf: csrf.0, notice: None }
    }

    pub fn signed_in(title: &str, user_name: &str, nav: Option<Nav>, csrf: CsrfToken) -> Layout {
        let public = Layout::public(title, csrf);
        Layout { user_name: Some(user_name.into()), nav, ..public }
    }

    pub fn for_scope(title: &str, scope: &Scope, csrf: CsrfToken) -> Layout {
        let nav = Nav { slug: scope.group_slug().into(), group_name: scope.group_name().into(), role: scope.role() };
        Layout { time_zone: Zone::of(scope).0, ..Layout::signed_in(title, scope.actor_name(), Some(nav), csrf) }
    }

    /// The group's time zone, for a body that shows times.
    pub fn zone(&self) -> Zone {
        Zone(self.time_zone)
    }

    /// Confirm what just happened, from the fixed list below (never echoing input).
    pub fn notice(mut self, notice: &Notice) -> Layout {
        self.notice = notice.notice.as_deref().and_then(|code| {
            Some(match code {
                "signed-out" => "You have signed out.",
                "field-deleted" => "Deleted the field and every person's value for it.",
                "invited" => "Invitation made. Copy the link below and send it to them; it works once.",
                "joined" => "Welcome. You are now a member of this group.",
                "revoked" => "Invitation withdrawn. Its link no longer works.",
                "token-made" => "Token made. Copy it below now: it will not be shown again.",
                "token-revoked" => "Token revoked. It no longer works.",
                "welcome" => "Welcome. Start by adding the people you organise with, or invite organisers under Members.",
                "saved" => "Saved.",
                "asked-emailed" => "Saved. The emails wait in the outbox until mail goes out (an admin sees whether it can under Settings, Email); anyone without an official email is noted as asked some other way.",
                "taken-off" => "Taken off. Their timeline notes it.",
                "removed" => "Removed.",
                "conversation" => "Conversation saved. It is on their timeline below.",
                "conversation-changed" => "Conversation changed. Their timeline notes it.",
                "conversation-deleted" => "Conversation deleted. Their timeline notes it.",
                "unchanged" => "Nothing was changed.",
                "assessed" => "Assessment saved.",
                "done" => "Marked done.",
                "done-emailed" => "Marked done. Thank you. They will be emailed to ask how it went.",
                "done-emailed-yours" => "Marked done. Thank you. They will be emailed to ask how it went. The next one is yours too: it is under My help.",
                "done-emailed-waiting" => {
                    "Marked done. Thank you. They will be emailed to ask how it went. The next one waits to be offered: your offer does not allow it now."
                }
                "deleted-theme" => "Taken off the list. Conversations that raised it no longer count it.",
                "deleted-list" => "Deleted. The people on it are not changed.",
                "added" => "Added.",
                "deleted" => "Deleted. Everything about them has been removed.",
                "deleted-with-uploads" => {
                    "Deleted. Everything about them has been removed, with the files uploaded for import that held their email or phone."
                }
                "deleted-uploads-unchecked" => {
                    "Deleted. Everything about them in the database has been removed, but the files uploaded for import \
                     could not be looked through for them: an admin should check Import people."
                }
                "deleted-import-running" => {
                    "Deleted. But an import is waiting or running, and if its file holds them it may add them again: \
                     look for them once it has finished."
                }
                "deleted-member" => "Removed. They can no longer see this group.",
                "merged" => "Merged. Both histories are kept on this person.",
                "role" => "Role changed.",
                "sharing" => "Sharing changed. This change is in the audit log.",
                "test-sent" => "A test is on its way to your own address.",
                "sending" => "Sending. Reload the page to see the counts rise as the messages go out.",
                "deleted-draft" => "Draft deleted.",
                "closed" => "Closed. It takes no more signatures; those already given still count.",
                "retried" => "It will run again shortly.",
                "reset-sent" => "If that address has an account here, a link to set a new password is on its way. It works for an hour.",
                "password-reset" => "Your new password is set. Sign in with it.",
                _ => return None,
            })
        });
        self
    }
}

/// Times are stored in UTC and shown in the group's time zone.
#[derive(Clone, Copy, Debug)]
pub struct Zone(chrono_tz::Tz);

impl Zone {
    /// The scope's group's zone (London if the stored name is unknown).
    pub fn of(scope: &Scope) -> Zone {
        Zone(scope.zone())
    }

    /// A time as the group reads it: "25 Nov 2026, 14:05".
    pub fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.0).format("%-d %b %Y, %H:%M").to_string()
    }

    /// A time as a `datetime-local` input shows it ("2026-11-25T14:05").
    pub fn input_value(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.0).format("%Y-%m-%dT%H:%M").to_string()
    }

    /// A time typed into a `datetime-local` input, read in the group's zone.
    pub fn parse_input(&self, field: &str, s: &str) -> Result<chrono::DateTime<chrono::Utc>, tredegar_domain::Problem> {
        use chrono::Datelike;
        use chrono::TimeZone;
        chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M")
            .ok()
            .filter(|t| tredegar_domain::conversations::YEARS.contains(&t.year()))
            .and_then(|t| self.0.from_local_datetime(&t).earliest())
            .map(|t| t.with_timezone(&chrono::Utc))
            .ok_or_else(|| tredegar_domain::Problem::new(field, "must be a date and time, such as 2026-11-25T14:05"))
    }

    /// The group's calendar day at this moment.
    pub fn today(&self, now: &chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.0).date_naive()
    }

    /// The moment a day starts in the group's zone.
    pub fn start_of(&self, day: &chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
        use chrono::TimeZone;
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        self.0.from_local_datetime(&midnight).earliest().map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&chrono::Utc))
    }

    /// A day as people read it: "10 Jan 2026".
    pub fn day(&self, d: &chrono::NaiveDate) -> String {
        d.format("%-d %b %Y").to_string()
    }
}

/// A stored date (YYYY-MM-DD) as people read it: "10 Jan 2026".
pub fn date_in_words(stored: &str) -> String {
    chrono::NaiveDate::parse_from_str(stored, "%Y-%m-%d").map_or_else(|_| stored.to_string(), |d| d.format("%-d %b %Y").to_string())
}

/// A whole page: the layout (title, menu, notice) around a body. The body is
/// a template of its own, so it also renders alone, as a partial, when the
/// request says `HX-Request: true` (for small live updates and the offline
/// canvassing app).
pub struct Page<P> {
    pub layout: Layout,
    pub body: P,
}

impl<P> Page<P> {
    /// The body is made with the layout at hand, for what it shows of it
    /// (the CSRF token for its forms, the title, the time zone).
    pub fn new(layout: Layout, body: impl FnOnce(&Layout) -> P) -> Page<P> {
        let body = body(&layout);
        Page { layout, body }
    }
}

#[derive(Template)]
#[template(path = "page.html")]
struct Shell<'a> {
    layout: &'a Layout,
    body: &'a str,
}

/// The body of a page, kept on its response so that `partials` can send it
/// alone when the request asks for a partial.
#[derive(Clone)]
struct Partial(String);

/// Send only the body when the request asks for a partial.
pub async fn partials(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let wants_partial = req.headers().get("hx-request").is_some_and(|v| v == "true");
    let mut response = next.run(req).await;
    if let Some(Partial(body)) = response.extensions_mut().remove::<Partial>()
        && wants_partial
    {
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, axum::body::Body::from(body));
    }
    response
}

/// A signed-in person's error page keeps their group's header and menu: the
/// error is drawn again inside the layout of the group in the path (or of
/// their account, outside a group).
pub async fn signed_in_errors(State(state): State<AppState>, req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let csrf = req.extensions().get::<CsrfToken>().cloned();
    let headers = req.headers().clone();
    let path = req.uri().path().to_string();
    let mut response = next.run(req).await;
    let (Some(body), Some(csrf)) = (response.extensions_mut().remove::<crate::error::ErrorBody>(), csrf) else {
        return response;
    };
    let Some(layout) = signed_in_layout(&state, headers, &path, body.title, csrf).await else {
        return response;
    };
    match render(Page { layout, body }) {
        Ok(mut page) => {
            // Keep what the error said beyond its body: its status, Retry-After and the like.
            *page.status_mut() = response.status();
            for (name, value) in response.headers() {
                if !page.headers().contains_key(name) {
                    page.headers_mut().insert(name.clone(), value.clone());
                }
            }
            page
        }
        Err(_) => response,
    }
}

async fn signed_in_layout(state: &AppState, headers: axum::http::HeaderMap, path: &str, title: &str, csrf: CsrfToken) -> Option<Layout> {
    use axum::extract::FromRequestParts;
    let (mut parts, ()) = axum::http::Request::new(()).into_parts();
    parts.headers = headers;
    let user = crate::auth::CurrentUser::from_request_parts(&mut parts, state).await.ok()?;
    let slug = path.strip_prefix("/g/").and_then(|rest| rest.split('/').next()).filter(|s| !s.is_empty());
    if let Some(slug) = slug {
        let mut tx = state.db.read().await.ok()?;
        if let Ok(Some(scope)) = Scope::for_member(&mut tx, user.id, slug).await {
            return Some(Layout::for_scope(title, &scope, csrf));
        }
    }
    Some(Layout::signed_in(title, &user.name, None, csrf))
}

#[derive(Default, Deserialize)]
pub struct Notice {
    pub notice: Option<String>,
}

/// A long list's page: which of its pages, and a notice to show above it.
#[derive(Default, Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
    notice: Option<String>,
}

impl PageQuery {
    pub fn page(&self, per_page: i64) -> tredegar_db::Page {
        tredegar_db::Page::new(self.page.unwrap_or(1), per_page)
    }

    pub fn notice(self) -> Notice {
        Notice { notice: self.notice }
    }
}

/// Where a page of a long list is, for `_pager.html`: which page, how many
/// pages, and the address of another, keeping the list's own query (a
/// filter, a period) and an anchor to come back to.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    /// The list's address and own query, ready for `page=`.
    before: String,
    anchor: &'static str,
}

impl Pager {
    /// `list` is the list's address, with any query of its own.
    pub fn new(list: String, shown: tredegar_db::Page, total: i64) -> Pager {
        let join = if list.contains('?') { '&' } else { '?' };
        Pager { page: shown.page, pages: shown.total_pages(total), before: format!("{list}{join}"), anchor: "" }
    }

    /// No pager: for a list shown whole.
    pub fn none() -> Pager {
        Pager { page: 1, pages: 0, before: String::new(), anchor: "" }
    }

    /// Links that land on `#anchor`, where the list is on a longer page.
    pub fn at(self, anchor: &'static str) -> Pager {
        Pager { anchor, ..self }
    }

    pub fn link(&self, page: i64) -> String {
        format!("{}page={page}{}", self.before, self.anchor)
    }
}

/// The form that opens or closes a call list or walk list.
#[derive(serde::Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

impl StatusForm {
    pub fn status(&self) -> Result<tredegar_domain::calls::ListStatus, tredegar_domain::Problem> {
        tredegar_domain::calls::ListStatus::parse("status", &self.status)
    }
}

/// Render a page, keeping its body for a partial. Pages hold personal
/// data: never cache them; and the answer depends on `HX-Request`.
pub fn render<P: Template>(page: Page<P>) -> Result<Response, AppError> {
    let body = page.body.render()?;
    let html = Shell { layout: &page.layout, body: &body }.render()?;
    let mut response = ([(header::CACHE_CONTROL, "no-store"), (header::VARY, "HX-Request")], Html(html)).into_response();
    response.extensions_mut().insert(Partial(body));
    Ok(response)
}

/// A page that shows a form: 200, or 400 when it comes back with problems.
pub fn render_form<P: Template>(page: Page<P>, has_problems: bool) -> Result<Response, AppError> {
    let status = if has_problems { axum::http::StatusCode::BAD_REQUEST } else { axum::http::StatusCode::OK };
    render(page).map(|r| (status, r).into_response())
}

/// Rows as CSV text.
fn csv_bytes(rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row.into_iter().map(tredegar_domain::spreadsheet::defuse_formula)).map_err(|e| AppError::Internal(e.to_string()))?;
    }
    w.into_inner().map_err(|e| AppError::Internal(e.to_string()))
}

pub(crate) fn csv_headers(filename: &str) -> [(header::HeaderName, String); 3] {
    [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ]
}

fn header_row(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// Marks the file as UTF-8, so a spreadsheet shows "Siân", not "SiÃ¢n".
const BOM: &str = "\u{feff}";

/// A time in a CSV: ISO 8601 in UTC, to the second.
pub fn csv_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A CSV download of a short list. Every row is already scoped by the caller.
pub fn csv_response(filename: &str, names: &[&str], rows: Vec<Vec<String>>) -> Result<Response, AppError> {
    let mut bytes = BOM.as_bytes().to_vec();
    bytes.extend(csv_bytes(std::iter::once(header_row(names)).chain(rows))?);
    Ok((csv_headers(filename), bytes).into_response())
}

/// A CSV download of a list of any length. `read` runs in its own task and
/// sends rows as it reads them; they go out in chunks as they come. If it
/// fails part way, the download is cut off, never silently short.
pub fn csv_stream<T, M, R, F>(state: &AppState, filename: &str, header: Vec<String>, to_row: M, read: R) -> Result<Response, AppError>
where
    T: Send + 'static,
    M: Fn(T) -> Vec<String> + Send + Sync + 'static,
    R: FnOnce(tredegar_db::Db, tokio::sync::mpsc::Sender<T>) -> F,
    F: Future<Output = Result<(), tredegar_db::DbError>> + Send + 'static,
{
    let (rows, rows_out) = tokio::sync::mpsc::channel(1024);
    let (done, done_out) = tokio::sync::oneshot::channel::<Result<(), ()>>();
    let reading = read(state.db.clone(), rows);
    tokio::spawn(async move {
        let result = reading.await.map_err(|e| tracing::error!(error = %e, "export failed"));
        let _ = done.send(result);
    });
    let mut first = BOM.as_bytes().to_vec();
    first.extend(csv_bytes([header])?);
    let to_row = std::sync::Arc::new(to_row);
    let chunks = futures_util::stream::unfold((rows_out, Some(done_out), Some(first)), move |(mut rows, done, first)| {
        let to_row = to_row.clone();
        async move {
            if let Some(bytes) = first {
                return Some((Ok(bytes), (rows, done, None)));
            }
            let mut batch = Vec::with_capacity(512);
            if rows.recv_many(&mut batch, 512).await > 0 {
                let bytes = csv_bytes(batch.into_iter().map(|row| to_row(row))).map_err(|e| std::io::Error::other(e.to_string()));
                return Some((bytes, (rows, done, None)));
            }
            match done?.await {
                Ok(Ok(())) => None,
                _ => Some((Err(std::io::Error::other("the export failed part way")), (rows, None, None))),
            }
        }
    });
    Ok((csv_headers(filename), axum::body::Body::from_stream(chunks)).into_response())
}

#[cfg(test)]
mod tests {
    use super::Layout;
    use crate::auth::CsrfToken;

    #[test]
    fn dates_read_in_words() {
        assert_eq!(super::date_in_words("2026-01-10"), "10 Jan 2026");
        assert_eq!(super::date_in_words("not a date"), "not a date");
    }

    #[test]
    fn times_show_in_the_groups_zone() {
        let layout = Layout::public("t", CsrfToken(String::new())).zone();
        let summer = chrono::DateTime::parse_from_rfc3339("2026-07-01T12:00:00Z").map(|t| t.to_utc());
        let winter = chrono::DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z").map(|t| t.to_utc());
        assert_eq!(summer.map(|t| layout.when(&t)).ok().as_deref(), Some("1 Jul 2026, 13:00"));
        assert_eq!(winter.map(|t| layout.when(&t)).ok().as_deref(), Some("1 Dec 2026, 12:00"));
    }
}

/// What a public form (signing a petition, saying you're coming to an
/// event) sends, as typed: a supporter's details and the honeypot.
#[derive(Default, Deserialize)]
pub struct SupporterForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub consent: String,
    /// Hidden from people, and named so browsers do not fill it in; a bot
    /// that fills every field fills this.
    #[serde(default)]
    pub contact_by_fax: String,
}

impl SupporterForm {
    /// Whether a bot filled the hidden field. The trap is emptied, so a
    /// person who somehow filled it gets the form back clean.
    pub fn trapped(&mut self) -> bool {
        let filled = !self.contact_by_fax.is_empty();
        self.contact_by_fax.clear();
        filled
    }

    pub fn input(&self) -> tredegar_domain::supporters::SupporterInput<'_> {
        tredegar_domain::supporters::SupporterInput {
            name: &self.name,
            email: &self.email,
            postcode: &self.postcode,
            comment: &self.comment,
            consent: !self.consent.is_empty(),
        }
    }
}
