//! A campaign's timeline and wins: what happened, dated, with a link or a
//! document as evidence, and wins recorded against their demands. The form
//! is multipart (a document may come with it), so its CSRF token rides in
//! the action's query string, as the import's upload does.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use tredegar_db::demands::{self, DemandRow};
use tredegar_db::wins::{self, MomentRow, NewDocument};
use tredegar_domain::campaigns::MomentInput;
use tredegar_domain::{AuditAction, CampaignId, Problem};

use super::pages::the_campaign;
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Path, Query};
use crate::ui::{Layout, Notice, Page, Zone, render};
use crate::{AppError, AppState, paths};

#[derive(Template)]
#[template(path = "campaigns/timeline.html")]
struct TimelinePage {
    csrf: String,
    slug: String,
    campaign: tredegar_db::campaigns::Campaign,
    moments: Vec<MomentRow>,
    demands: Vec<DemandRow>,
    today: chrono::NaiveDate,
    max_mb: u64,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CampaignId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let campaign = the_campaign(&state, &scope, id).await?;
    let mut tx = state.db.read().await?;
    let moments = wins::of_campaign(&mut tx, &scope, id).await?;
    let demands = demands::of_campaign(&mut tx, &scope, id).await?;
    drop(tx);
    let title = format!("Timeline: {}", campaign.title);
    render(Page::new(Layout::for_scope(&title, &scope, csrf).notice(&notice), |layout| TimelinePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        campaign,
        moments,
        demands,
        today: Zone::of(&scope).today(&state.clock.now()),
        max_mb: state.config.document_max_bytes / (1024 * 1024),
    }))
}

/// The most bytes a text field of the form may hold (its detail: 10,000
/// characters of up to 4 bytes).
const TEXT_MOST: usize = 40_000;

/// A document as it came: its name, type and bytes.
struct Upload {
    name: String,
    content_type: String,
    body: Vec<u8>,
}

/// Read the form: its text fields, and the document if one came (at most
/// `document_max_bytes`).
async fn read(state: &AppState, multipart: &mut Multipart) -> Result<(MomentInput, Option<Upload>), AppError> {
    let broken =
        |e: axum::extract::multipart::MultipartError| AppError::from(Problem::new("document", format!("the upload broke off ({e})")));
    let mut form = MomentInput::default();
    let mut upload = None;
    while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "document" {
            let file = crate::extract::upload_name(&field);
            let content_type = field.content_type().unwrap_or("application/octet-stream").chars().take(100).collect();
            let mut body = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                body.extend_from_slice(&chunk);
                if body.len() as u64 > state.config.document_max_bytes {
                    let mb = state.config.document_max_bytes / (1024 * 1024);
                    return Err(Problem::new("document", format!("is larger than {mb} MB: link to it instead")).into());
                }
            }
            if !file.is_empty() && !body.is_empty() {
                upload = Some(Upload { name: file, content_type, body });
            }
            continue;
        }
        let slot = match name.as_str() {
            "happened_on" => &mut form.happened_on,
            "title" => &mut form.title,
            "detail" => &mut form.detail,
            "evidence_url" => &mut form.evidence_url,
            "demand" => &mut form.demand,
            "win" => &mut form.win,
            _ => return Err(Problem::new("form", format!("has a field it does not know: {name}")).into()),
        };
        // Text fields are small: read no more than the longest could be.
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > TEXT_MOST {
                return Err(Problem::new(name, "is too long").into());
            }
        }
        *slot = String::from_utf8(bytes).map_err(|_| Problem::new(name, "is not text"))?;
    }
    Ok((form, upload))
}

pub(super) async fn add(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, CampaignId)>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    the_campaign(&state, &scope, id).await?;
    let (form, upload) = read(&state, &mut multipart).await?;
    let today = Zone::of(&scope).today(&state.clock.now());
    let moment = form.check(today)?;
    let document = upload.as_ref().map(|u| NewDocument { name: &u.name, content_type: &u.content_type, body: &u.body });
    let mut tx = state.db.write().await?;
    wins::add(&mut tx, &scope, id, &moment, document, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::campaign_timeline(scope.group_slug(), id))).into_response())
}

/// A document, downloaded (never shown inline, whatever its type says).
pub(super) async fn document(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, tredegar_domain::DocumentId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let doc = wins::document(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    drop(tx);
    let mut tx = state.db.write().await?;
    tredegar_db::audit::record(&mut tx, &scope, AuditAction::View, "a campaign document", &doc.name, state.clock.now()).await?;
    tx.commit().await?;
    let safe: String = doc.name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_string()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{safe}\"")),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ];
    Ok((headers, doc.body).into_response())
}
