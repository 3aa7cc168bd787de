//! The public side of an event: its page and RSVP form, the emailed link to
//! give up a place, its calendar file, and the group's calendar feed. No
//! session and no CSRF token: a honeypot field, a per-address limit and
//! the body size limit turn away floods and bots, as on a petition.
//!
//! The page never says whether someone had said they were coming: every
//! RSVP is answered "check your email", and the email says the rest.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::attendances::{self, Rsvped};
use tredegar_db::events::{self, Public};
use tredegar_db::{DbError, Scope};
use tredegar_domain::mail::MailKind;
use tredegar_domain::{AttendanceId, EventId, FieldErrors, Problem};

use crate::auth::throttle::{self, ClientAddr};
use crate::auth::{CsrfToken, signed_id};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Page, SupporterForm, render};
use crate::{AppError, AppState, paths};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Said {
    Nothing,
    CheckEmail,
    Cancelled,
}

#[derive(Deserialize)]
pub(super) struct Shown {
    /// `check` after an RSVP, `cancelled` after giving up a place.
    rsvp: Option<String>,
}

#[derive(Template)]
#[template(path = "events/public.html")]
struct PublicPage {
    public: Public,
    when: String,
    places_left: Option<i64>,
    open: bool,
    said: Said,
    form: SupporterForm,
    errors: FieldErrors,
}

impl PublicPage {
    fn email_hint(&self) -> &'static str {
        if self.public.event.remind_hours > 0 { "We email you the details and a reminder" } else { "We email you the details" }
    }
}

async fn load(state: &AppState, id: EventId) -> Result<Public, AppError> {
    let mut tx = state.db.read().await?;
    events::public(&mut tx, id).await?.ok_or_else(|| AppError::NotFound("there is no public event at this address".into()))
}

async fn page_of(state: &AppState, public: Public, said: Said, form: SupporterForm, errors: FieldErrors) -> Result<PublicPage, AppError> {
    let mut tx = state.db.read().await?;
    let counts = attendances::counts(&mut tx, public.event.id).await?;
    let places_left = public.event.capacity.map(|c| (c - counts.going).max(0));
    let open = public.event.takes_rsvps(state.clock.now());
    let when = super::when(&public.event, &public.time_zone);
    Ok(PublicPage { public, when, places_left, open, said, form, errors })
}

fn respond(status: StatusCode, body: PublicPage) -> Result<Response, AppError> {
    let title = body.public.event.title.clone();
    let mut response = render(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| body))?;
    *response.status_mut() = status;
    Ok(response)
}

pub(super) async fn page(State(state): State<AppState>, Path(id): Path<EventId>, Query(q): Query<Shown>) -> Result<Response, AppError> {
    let public = load(&state, id).await?;
    let said = match q.rsvp.as_deref() {
        Some("check") => Said::CheckEmail,
        Some("cancelled") => Said::Cancelled,
        _ => Said::Nothing,
    };
    respond(StatusCode::OK, page_of(&state, public, said, SupporterForm::default(), FieldErrors::default()).await?)
}

pub(super) async fn rsvp(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Path(id): Path<EventId>,
    Form(mut form): Form<SupporterForm>,
) -> Result<Response, AppError> {
    let public = load(&state, id).await?;
    let now = state.clock.now();
    if !public.event.takes_rsvps(now) {
        let why = if public.event.cancelled_at.is_some() { "has been called off" } else { "is over" };
        let errors = Problem::new("event", format!("{why}, so it takes no more RSVPs")).into();
        return respond(StatusCode::BAD_REQUEST, page_of(&state, public, Said::Nothing, form, errors).await?);
    }
    if form.trapped() {
        let errors = Problem::new("event", "could not take that RSVP; please check your details and send it again").into();
        return respond(StatusCode::BAD_REQUEST, page_of(&state, public, Said::Nothing, form, errors).await?);
    }
    let supporter = match form.input().check() {
        Ok(s) => s,
        Err(errors) => return respond(StatusCode::BAD_REQUEST, page_of(&state, public, Said::Nothing, form, errors).await?),
    };
    throttle::public_form(&state, ip)?;
    let mut tx = state.db.write().await?;
    let scope = Scope::for_public_form(&mut tx, &public.group_slug).await?.ok_or_else(AppError::not_found)?;
    let to = supporter.email.as_str();
    match attendances::rsvp(&mut tx, &scope, &public.event, &supporter, now).await? {
        Rsvped::Going(aid) => tell(&state, &mut tx, &public, aid, to, MailKind::EventConfirm).await?,
        Rsvped::Waiting(aid) => tell(&state, &mut tx, &public, aid, to, MailKind::EventWaitingList).await?,
        // Said so before: nothing changes, and no one's inbox fills.
        Rsvped::Already => {}
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?rsvp=check#said", paths::public_event(id))).into_response())
}

/// The RSVP's answer: the details (or the waiting list), to the address given.
async fn tell(
    state: &AppState,
    tx: &mut tredegar_db::Tx,
    public: &Public,
    aid: AttendanceId,
    to: &str,
    kind: MailKind,
) -> Result<(), AppError> {
    let a = attendances::of_link(tx, public.event.id, aid).await?.ok_or(DbError::NotFound)?;
    // To the address they gave, which may not be a known person's main one.
    let a = attendances::Attendance { email: Some(to.to_string()), ..a };
    super::tell(state, tx, public, &[&a], kind, None).await
}

const LINK_WRONG: &str = "this link is not right, or the event is over: check that you copied all of it";

#[derive(Template)]
#[template(path = "events/cancel.html")]
struct CancelPage {
    public: Public,
    when: String,
    token: String,
    /// Still on the list: the button gives up the place.
    on_the_list: bool,
}

/// The emailed link: a page with one button, so a mail scanner that
/// follows links gives up nobody's place.
pub(super) async fn cancel_page(State(state): State<AppState>, Path((id, token)): Path<(EventId, String)>) -> Result<Response, AppError> {
    let Some(aid) = signed_id::<AttendanceId>(&state, "event-cancel", &token).await? else {
        return Err(AppError::NotFound(LINK_WRONG.into()));
    };
    let mut tx = state.db.read().await?;
    let public = events::with_group(&mut tx, id).await?.ok_or_else(|| AppError::NotFound(LINK_WRONG.into()))?;
    let a = attendances::of_link(&mut tx, id, aid).await?.ok_or_else(|| AppError::NotFound(LINK_WRONG.into()))?;
    drop(tx);
    if !public.event.takes_rsvps(state.clock.now()) {
        return Err(AppError::NotFound(LINK_WRONG.into()));
    }
    let on_the_list = a.status != tredegar_domain::events::RsvpStatus::Cancelled;
    let when = super::when(&public.event, &public.time_zone);
    let title = public.event.title.clone();
    render(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| CancelPage { public, when, token, on_the_list }))
}

pub(super) async fn cancel(State(state): State<AppState>, Path((id, token)): Path<(EventId, String)>) -> Result<Response, AppError> {
    let Some(aid) = signed_id::<AttendanceId>(&state, "event-cancel", &token).await? else {
        return Err(AppError::NotFound(LINK_WRONG.into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let public = events::with_group(&mut tx, id).await?.ok_or_else(|| AppError::NotFound(LINK_WRONG.into()))?;
    let on_this_event = attendances::of_link(&mut tx, id, aid).await?.is_some();
    if !on_this_event || !public.event.takes_rsvps(now) {
        return Err(AppError::NotFound(LINK_WRONG.into()));
    }
    let promoted = attendances::cancel(&mut tx, &public.event, aid, now).await?;
    super::tell_promoted(&state, &mut tx, &public, &promoted).await?;
    tx.commit().await?;
    // A private event has no public page: the thanks is this page again.
    let back = if public.event.is_public { paths::public_event(id) } else { paths::event_cancel(id, &token) };
    Ok(Redirect::to(&format!("{back}?rsvp=cancelled")).into_response())
}

fn calendar_response(filename: &str, body: String) -> Response {
    let disposition = format!("inline; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "public, max-age=300".to_string()),
        ],
        body,
    )
        .into_response()
}

/// One public event's calendar file.
pub(super) async fn ics(State(state): State<AppState>, Path(id): Path<EventId>) -> Result<Response, AppError> {
    let public = load(&state, id).await?;
    let body = super::calendar(&state, &public.group_name, std::slice::from_ref(&public));
    Ok(calendar_response("event.ics", body))
}

/// A group's public events, from a month ago on, for any calendar to follow.
pub(super) async fn feed(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let since = state.clock.now() - chrono::Duration::days(30);
    let all = events::feed(&mut tx, &slug, since).await?;
    let name = match all.first() {
        Some(e) => e.group_name.clone(),
        None => tredegar_db::groups::by_slug(&mut tx, &slug).await?.ok_or_else(AppError::not_found)?.name,
    };
    Ok(calendar_response("events.ics", super::calendar(&state, &name, &all)))
}
