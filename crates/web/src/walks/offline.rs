//! The door-knocking app: a phone page for a walker's list that works with
//! no signal. The page and its data (the doors, who lives there, the
//! questions) are kept by a small service worker; what the walker records
//! waits in the phone's IndexedDB, each record with an id the phone makes,
//! and is sent here when the phone is online and its walker signed in. The
//! residents are kept only in the service worker's cache, which signing out
//! (the sign-in page) and a closed list (the data answers 404) wipe. Waiting
//! records (what the walker typed, never the list's residents) are kept, each
//! with its walker's id, and are sent only while that walker is signed in.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tredegar_db::walks::{self, WalkList};
use tredegar_db::{assessments, campaigns, conversations};
use tredegar_domain::walks::{consistent, newcomer};
use tredegar_domain::{Level, Problem, WalkListId};

use super::api::{DoorOut, KnockIn, QuestionOut, Recorded, doors_and_questions};
use crate::auth::{CsrfToken, Member};
use crate::conversations::form::{ConversationForm, record as record_conversation};
use crate::error::ApiError;
use crate::extract::Path;
use crate::extract::api::Json;
use crate::paths;
use crate::ui::{Layout, Page, Zone, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "walks/app.html")]
struct AppPage {
    slug: String,
    list: WalkList,
}

/// The app's page: a frame the script fills from the data.
pub(super) async fn page(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, WalkListId)>,
) -> Result<Response, AppError> {
    let list = super::walkable(&state, &scope, id).await?;
    render(Page::new(Layout::for_scope(&list.title(), &scope, csrf), |_| AppPage { slug: scope.group_slug().into(), list }))
}

/// A choice on the app's form: a value and its words.
#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// Everything the app needs to work offline, and the token its records
/// are sent with.
#[derive(Serialize)]
struct AppData {
    csrf: String,
    /// Whose records may be sent now.
    user: String,
    title: String,
    questions: Vec<QuestionOut>,
    doors: Vec<DoorOut>,
    themes: Vec<String>,
    campaigns: Vec<Choice>,
    levels: Vec<Choice>,
}

pub(super) async fn data(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, WalkListId)>,
) -> Result<Response, AppError> {
    let list = super::walkable(&state, &scope, id).await?;
    let title = list.title();
    let (doors, questions) = doors_and_questions(&state, &scope, list, "for the door-knocking app").await?;
    let mut tx = state.db.read().await?;
    let themes = conversations::themes(&mut tx, &scope).await?.into_iter().map(|t| t.name).collect();
    let campaigns = campaigns::list(&mut tx, &scope, tredegar_db::Page::everything()).await?.0;
    let names = assessments::level_names(&mut tx, &scope).await?;
    drop(tx);
    let body = AppData {
        csrf: csrf.0.clone(),
        user: scope.user_id().map(|u| u.to_string()).unwrap_or_default(),
        title,
        questions,
        doors,
        themes,
        campaigns: campaigns.into_iter().map(|c| Choice { value: c.id.to_string(), label: c.title }).collect(),
        levels: Level::ALL.iter().map(|l| Choice { value: l.to_string(), label: l.numbered_in(&names) }).collect(),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response())
}

/// Someone new the walker met at the door.
#[derive(Debug, Default, Deserialize)]
pub(super) struct NewResident {
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

/// What was said at the door, in the conversation form's words.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Said {
    #[serde(default)]
    self_interest: String,
    /// Issues raised, separated by commas.
    #[serde(default)]
    issues: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    campaign_id: String,
    #[serde(default)]
    level: String,
}

/// One record from the app.
#[derive(Debug, Deserialize)]
pub(super) struct Sent {
    #[serde(flatten)]
    knock: KnockIn,
    /// The phone's clock when it sent this: how wrong that clock is moves `knocked_at`.
    sent_at: Option<String>,
    new_resident: Option<NewResident>,
    said: Option<Said>,
}

/// Take one record from the app: the door, and when they spoke to someone
/// (known, or met there), what was said. Sent again, it changes nothing.
pub(super) async fn sync(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, WalkListId)>,
    Json(sent): Json<Sent>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let zone = Zone::of(&scope);
    let mut tx = state.db.write().await?;
    walks::open_list(&mut tx, &scope, id).await?;
    let questions = walks::questions(&mut tx, &scope, id).await?;
    let mut body = sent.knock;
    body.knocked_at = on_our_clock(body.knocked_at.as_deref(), sent.sent_at.as_deref(), now);
    let mut knock = body.check(&questions, now)?;
    if walks::recorded(&mut tx, &scope, id, knock.id).await? {
        return Ok(axum::Json(Recorded::new(knock.id, false)).into_response());
    }
    let newcomer_met = sent.new_resident.filter(|n| !n.given_name.trim().is_empty() || !n.family_name.trim().is_empty());
    let form = sent.said.map(|said| ConversationForm {
        self_interest: said.self_interest,
        new_themes: said.issues,
        notes: said.notes,
        campaign: said.campaign_id,
        level: said.level,
        ..ConversationForm::blank(&scope, zone, knock.knocked_at, tredegar_domain::ConversationKind::DoorKnock)
    });
    let said = form.as_ref().is_some_and(|f| !f.is_blank());
    consistent(knock.outcome, knock.person.is_some() || newcomer_met.is_some(), !knock.answers.is_empty(), said)?;
    if let Some(n) = newcomer_met {
        if knock.person.is_some() {
            return Err(Problem::new("new_resident", "say whom they spoke to, or someone new, not both").into());
        }
        let update = newcomer(&n.given_name, &n.family_name, &n.email, &n.phone)?;
        knock.person = Some(walks::met_at_door(&mut tx, &scope, id, knock.unit, update, now).await?);
    }
    if let (Some(form), Some(person), true) = (form, knock.person, said) {
        let c = form.check(zone, now)?;
        knock.conversation = Some(record_conversation(&mut tx, &scope, person, &c, now).await?);
    }
    let recorded = walks::record(&mut tx, &scope, id, &knock, now).await?;
    tx.commit().await?;
    Ok(axum::Json(Recorded::new(knock.id, recorded)).into_response())
}

/// When it happened, by the server's clock: a phone whose clock is wrong
/// by a day still says how long ago it was. As sent, if it cannot tell.
fn on_our_clock(knocked_at: Option<&str>, sent_at: Option<&str>, now: DateTime<Utc>) -> Option<String> {
    let parse = |t: &str| DateTime::parse_from_rfc3339(t.trim()).ok().map(|t| t.with_timezone(&Utc));
    match (knocked_at.and_then(parse), sent_at.and_then(parse)) {
        (Some(at), Some(sent)) if at <= sent => Some((now - (sent - at)).to_rfc3339()),
        _ => knocked_at.map(str::to_string),
    }
}

/// The service worker, served from the root so it may keep the pages of
/// every group's walk lists.
pub async fn service_worker() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        include_str!("../../static/walk-sw.js"),
    )
        .into_response()
}

pub async fn script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], include_str!("../../static/walk.js"))
        .into_response()
}

/// Where the app's pieces are, for the page's script.
impl AppPage {
    fn data_url(&self) -> String {
        paths::walk_data(&self.slug, self.list.id)
    }
    fn sync_url(&self) -> String {
        paths::walk_sync(&self.slug, self.list.id)
    }
    fn app_url(&self) -> String {
        paths::walk_app(&self.slug, self.list.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_phone_clock_is_put_right() {
        let now = DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default();
        // Two days fast, knocked ten minutes before sending.
        let fixed = on_our_clock(Some("2026-11-29T11:50:00Z"), Some("2026-11-29T12:00:00Z"), now);
        assert_eq!(fixed.as_deref(), Some("2026-11-27T11:50:00+00:00"));
        assert_eq!(on_our_clock(Some("bad"), Some("2026-11-29T12:00:00Z"), now).as_deref(), Some("bad"), "left for the check to name");
        assert_eq!(on_our_clock(None, None, now), None);
    }
}
