//! The door, on a phone: search the event's list by name, mark people as
//! come, and add walk-ins. Organisers may always use it; a member asked to
//! help at the event may use it while the door is open (from 12 hours
//! before the start to 12 hours after the end), and sees names on this
//! list only, never anyone's record.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::attendances::{self, Attendance, Counts, WalkIn};
use tredegar_db::events::{self, Event};
use tredegar_domain::contact::{optional_text, required_line};
use tredegar_domain::supporters::plain_name;
use tredegar_domain::text::fold;
use tredegar_domain::{AttendanceId, Email, EventId, FieldErrors, Phone};

use crate::auth::{CsrfToken, Member};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, Zone, render_form};
use crate::{AppError, AppState, paths};

/// The event, if this member may use its door now.
async fn door_of(state: &AppState, scope: &Scope, id: EventId) -> Result<Event, AppError> {
    let mut tx = state.db.read().await?;
    let event = events::get(&mut tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    if scope.role().sees_everyone() {
        return Ok(event);
    }
    if !events::helps(&mut tx, scope, id).await? {
        return Err(AppError::Forbidden("only organisers and the members helping at this event can use its door list".into()));
    }
    if !event.door_is_open(state.clock.now()) {
        let zone = Zone::of(scope);
        let (opens, closes) = (zone.when(&(event.starts_at - events::DOOR_OPEN)), zone.when(&(event.ends_at + events::DOOR_OPEN)));
        return Err(AppError::Forbidden(format!("this event's door list is open to helpers from {opens} to {closes}")));
    }
    Ok(event)
}

/// Nobody comes to an event days before it: marking someone as come (which
/// counts on the ladder) waits until the door opens; afterwards it is fine.
fn not_before_the_door_opens(state: &AppState, scope: &Scope, event: &Event) -> Result<(), AppError> {
    let opens = event.starts_at - events::DOOR_OPEN;
    if state.clock.now() < opens {
        let when = Zone::of(scope).when(&opens);
        return Err(tredegar_domain::Problem::new("came", format!("can be marked from {when}, 12 hours before the event starts")).into());
    }
    Ok(())
}

#[derive(Default, Deserialize)]
pub(super) struct DoorQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    notice: Option<String>,
}

#[derive(Default, Deserialize)]
pub(super) struct WalkInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

#[derive(Template)]
#[template(path = "events/door.html")]
struct DoorPage {
    csrf: String,
    slug: String,
    event: Event,
    counts: Counts,
    q: String,
    shown: Vec<Attendance>,
    /// How many match, when more than are shown.
    matching: usize,
    form: WalkInForm,
    errors: FieldErrors,
}

/// Names shown at once: a door list is searched, not scrolled.
const SHOWN: usize = 50;

async fn door_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    event: Event,
    query: DoorQuery,
    form: WalkInForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let (q, notice) = (query.q, Notice { notice: query.notice });
    let mut tx = state.db.read().await?;
    let counts = attendances::counts(&mut tx, event.id).await?;
    let everyone = attendances::of_event(&mut tx, scope, event.id).await?;
    drop(tx);
    // Names as people type them: "sian" finds Siân, "davies aisha" finds Aisha Davies.
    let words: Vec<String> = fold(&q).split_whitespace().map(str::to_string).collect();
    let matching: Vec<Attendance> = everyone
        .into_iter()
        .filter(|a| a.status != tredegar_domain::events::RsvpStatus::Cancelled || a.attended_at.is_some())
        .filter(|a| {
            let name = fold(&a.door_name());
            words.iter().all(|w| name.split_whitespace().any(|n| n.starts_with(w.as_str())))
        })
        .collect();
    let total = matching.len();
    let shown: Vec<Attendance> = matching.into_iter().take(SHOWN).collect();
    super::record_reads(state, scope, &event, &shown, "the door list of").await?;
    let has_problems = !errors.is_empty();
    let title = format!("Door: {}", event.title);
    let page = Page::new(Layout::for_scope(&title, scope, csrf).notice(&notice), |layout| DoorPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        event,
        counts,
        q,
        shown,
        matching: total,
        form,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn page(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, EventId)>,
    Query(query): Query<DoorQuery>,
) -> Result<Response, AppError> {
    let event = door_of(&state, &scope, id).await?;
    door_page(&state, &scope, csrf, event, query, WalkInForm::default(), FieldErrors::default()).await
}

#[derive(Deserialize)]
pub(super) struct CheckInForm {
    /// `yes` marks them as come; `no` takes it back (a mistake at the door).
    came: String,
    #[serde(default)]
    q: String,
}

pub(super) async fn check_in(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id, aid)): Path<(String, EventId, AttendanceId)>,
    Form(form): Form<CheckInForm>,
) -> Result<Response, AppError> {
    let event = door_of(&state, &scope, id).await?;
    not_before_the_door_opens(&state, &scope, &event)?;
    let mut tx = state.db.write().await?;
    attendances::check_in(&mut tx, &scope, &event, aid, form.came == "yes", state.clock.now()).await?;
    tx.commit().await?;
    let back = format!("{}?q={}&notice=saved", paths::event_door(scope.group_slug(), id), paths::encode(&form.q));
    Ok(Redirect::to(&back).into_response())
}

pub(super) async fn walk_in(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, EventId)>,
    Form(form): Form<WalkInForm>,
) -> Result<Response, AppError> {
    let event = door_of(&state, &scope, id).await?;
    not_before_the_door_opens(&state, &scope, &event)?;
    let mut errors = FieldErrors::default();
    let name = errors.check(required_line("name", &form.name, 120).and_then(|n| plain_name("name", n)));
    let email = errors.check(optional_text("email", &form.email, 254)).flatten().and_then(|e| errors.check(Email::parse("email", &e)));
    let phone = errors.check(optional_text("phone", &form.phone, 40)).flatten().and_then(|p| errors.check(Phone::parse("phone", &p)));
    if errors.is_empty() && email.is_none() && phone.is_none() {
        errors.push(tredegar_domain::Problem::new("email", "give an email address or a phone number, so the group can keep in touch"));
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return door_page(&state, &scope, csrf, event, DoorQuery::default(), form, errors).await;
    };
    let (given, family) = match name.rsplit_once(' ') {
        Some((g, f)) => (g.trim().to_string(), Some(f.to_string())),
        None => (name, None),
    };
    let walk_in = WalkIn { given_name: &given, family_name: family.as_deref(), email: email.as_ref(), phone: phone.as_ref() };
    let mut tx = state.db.write().await?;
    attendances::walk_in(&mut tx, &scope, &event, &walk_in, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=added", paths::event_door(scope.group_slug(), id))).into_response())
}
