//! Events and actions: organisers set them up; anyone RSVPs to a public one
//! on its page, on a phone, without an account or JavaScript, and gets the
//! details by email with a calendar file; a waiting list fills places that
//! free up; members helping at the door check people in and add walk-ins;
//! a reminder goes out the day before. Each event has an `.ics` file, and
//! each group a calendar feed of its public events.

pub mod api;
mod door;
mod pages;
mod public;

use axum::Router;
use axum::routing::{get, post};
use tredegar_db::attendances::{self, Attendance};
use tredegar_db::events::{Event, Public};
use tredegar_db::jobs::{Done, Job};
use tredegar_db::outbox::{self, NewMessage};
use tredegar_db::{Tx, events};
use tredegar_domain::events::RsvpStatus;
use tredegar_domain::mail::{MailKind, fill};
use tredegar_domain::{AttendanceId, EventId};

use crate::auth::signed_token;
use crate::{AppError, AppState, paths};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::EVENTS, get(pages::index).post(pages::create))
        .route(paths::EVENT, get(pages::show))
        .route(paths::EVENT_EDIT, get(pages::edit).post(pages::update))
        .route(paths::EVENT_HELPERS, post(pages::helpers))
        .route(paths::EVENT_CALL_OFF, post(pages::call_off))
        .route(paths::EVENT_ATTENDEES_CSV, get(pages::csv))
        .route(paths::EVENT_CANCEL_FOR, post(pages::cancel_for))
        .route(paths::EVENT_DOOR, get(door::page))
        .route(paths::EVENT_CHECK_IN, post(door::check_in))
        .route(paths::EVENT_WALK_IN, post(door::walk_in))
}

/// The pages anyone may use.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route(paths::PUBLIC_EVENT, get(public::page))
        .route(paths::EVENT_RSVP, post(public::rsvp))
        .route(paths::EVENT_CANCEL, get(public::cancel_page).post(public::cancel))
        .route(paths::EVENT_ICS, get(public::ics))
        .route(paths::EVENTS_FEED, get(public::feed))
}

/// The group's zone, by its stored name.
fn zone_of(name: &str) -> chrono_tz::Tz {
    name.parse().unwrap_or(chrono_tz::Europe::London)
}

/// When an event is, as people read it in the group's zone:
/// "Thu 3 Dec 2026, 18:00 to 20:00", or across days in full.
pub fn when(event: &Event, zone: &str) -> String {
    let zone = zone_of(zone);
    let (s, e) = (event.starts_at.with_timezone(&zone), event.ends_at.with_timezone(&zone));
    let start = s.format("%a %-d %b %Y, %H:%M");
    if s.date_naive() == e.date_naive() {
        format!("{start} to {}", e.format("%H:%M"))
    } else {
        format!("{start} to {}", e.format("%a %-d %b %Y, %H:%M"))
    }
}

/// An event as an iCalendar VEVENT. Times are in UTC, which every calendar
/// shows in its reader's own zone. The UID is stable, so a calendar that
/// imports the file twice, or follows the feed, keeps one entry.
fn vevent(state: &AppState, e: &Public) -> icalendar::Event {
    use icalendar::{Component, EventLike};
    let url = format!("{}{}", state.config.public_url, paths::public_event(e.event.id));
    let host = state.config.public_url.split("://").nth(1).unwrap_or("tredegar").split('/').next().unwrap_or("tredegar").to_string();
    let mut description = e.event.description.clone();
    if e.event.is_public {
        description.push_str(&format!("\n\n{url}"));
    }
    let status = if e.event.cancelled_at.is_some() { icalendar::EventStatus::Cancelled } else { icalendar::EventStatus::Confirmed };
    icalendar::Event::new()
        .status(status)
        .uid(&format!("event-{}@{host}", e.event.id))
        .summary(&e.event.title)
        .description(description.trim())
        .location(&e.event.location)
        .starts(e.event.starts_at)
        .ends(e.event.ends_at)
        .timestamp(e.event.created_at)
        .done()
}

/// A calendar of these events, named for the group.
pub fn calendar(state: &AppState, name: &str, events: &[Public]) -> String {
    let mut cal = icalendar::Calendar::new();
    cal.name(name);
    for e in events {
        cal.push(vevent(state, e));
    }
    cal.done().to_string()
}

/// Note in the audit log that the scope's member read these people on the
/// event's list ("the list of", "the door list of" the event).
async fn record_reads(
    state: &AppState,
    scope: &tredegar_db::Scope,
    event: &Event,
    shown: &[Attendance],
    how: &str,
) -> Result<(), AppError> {
    let read: Vec<_> = shown.iter().map(|a| (a.person_id, event.group_id)).collect();
    Ok(state.record_reads(scope, &read, &format!("{how} “{}”", event.title)).await?)
}

/// The emailed link where someone gives up their place.
async fn cancel_link(state: &AppState, event: EventId, id: AttendanceId) -> Result<String, AppError> {
    let token = signed_token(state, "event-cancel", id).await?;
    Ok(format!("{}{}", state.config.public_url, paths::event_cancel(event, token)))
}

/// Queue one kind of email about the event to the people given (those
/// without an email are passed over): the details, each their own link to
/// give up their place, and the calendar file when they have a place.
/// `first` is a line put before the template's words (a place came free).
/// The template, the time and the calendar file are made once for all.
async fn tell(
    state: &AppState,
    tx: &mut Tx,
    e: &Public,
    people: &[&Attendance],
    kind: MailKind,
    first: Option<&str>,
) -> Result<(), AppError> {
    let people: Vec<(&Attendance, &str)> = people.iter().filter_map(|a| a.email.as_deref().map(|to| (*a, to))).collect();
    if people.is_empty() {
        return Ok(());
    }
    let template = outbox::template(tx, e.event.group_id, kind).await?;
    let when = when(&e.event, &e.time_zone);
    // Those with a place get the calendar file; the waiting list and the called-off do not.
    let going = matches!(kind, MailKind::EventConfirm | MailKind::EventReminder);
    let calendar = going.then(|| calendar(state, &e.group_name, std::slice::from_ref(e)));
    let mut words = Vec::with_capacity(people.len());
    for (a, to) in &people {
        let link = cancel_link(state, e.event.id, a.id).await?;
        let name = a.given_name.as_deref().unwrap_or("there");
        let values = [("name", name), ("event", &e.event.title), ("when", &when), ("where", &e.event.location), ("link", &link)];
        let text = fill(&template.body, &values);
        let text = match first {
            Some(first) => format!("{first}\n\n{text}"),
            None => text,
        };
        words.push((*a, *to, fill(&template.subject, &values), text));
    }
    let messages: Vec<NewMessage> = words
        .iter()
        .map(|(a, to, subject, text)| NewMessage {
            group: Some(e.event.group_id),
            person: Some(a.person_id),
            user: None,
            kind,
            to,
            subject,
            text,
            unsubscribe: false,
            calendar: calendar.as_deref(),
        })
        .collect();
    outbox::queue_many(tx, &messages, state.clock.now()).await?;
    Ok(())
}

/// Tell each person who got a freed place that it is theirs.
async fn tell_promoted(state: &AppState, tx: &mut Tx, e: &Public, promoted: &[Attendance]) -> Result<(), AppError> {
    let first = "Good news: a place has come free, and it is yours.";
    tell(state, tx, e, &promoted.iter().collect::<Vec<_>>(), MailKind::EventConfirm, Some(first)).await
}

/// Those on the list with this status.
fn with_status(everyone: &[Attendance], status: RsvpStatus) -> impl Iterator<Item = &Attendance> {
    everyone.iter().filter(move |a| a.status == status)
}

/// Tell everyone going or waiting that the event is called off.
async fn tell_called_off(state: &AppState, tx: &mut Tx, e: &Public, everyone: &[Attendance]) -> Result<(), AppError> {
    for status in [RsvpStatus::Going, RsvpStatus::Waiting] {
        let people: Vec<_> = with_status(everyone, status).collect();
        tell(state, tx, e, &people, MailKind::EventCancelled, None).await?;
    }
    Ok(())
}

/// Tell everyone going or waiting who has not come yet (but those in
/// `told`) that the time or place changed: the details again, and for those
/// going a new calendar file.
async fn tell_changed(state: &AppState, tx: &mut Tx, e: &Public, everyone: &[Attendance], told: &[AttendanceId]) -> Result<(), AppError> {
    let first = Some("The time or place of this event has changed. Here are the details as they are now.");
    for (status, kind) in [(RsvpStatus::Going, MailKind::EventConfirm), (RsvpStatus::Waiting, MailKind::EventWaitingList)] {
        let people: Vec<_> = with_status(everyone, status).filter(|a| a.attended_at.is_none() && !told.contains(&a.id)).collect();
        tell(state, tx, e, &people, kind, first).await?;
    }
    Ok(())
}

/// The `EventReminders` job: when the reminder is due, email each person
/// going who has not been reminded. If the event moved later, wait for its
/// new time; if it is over or gone, there is nothing to do.
pub async fn send_reminders(state: &AppState, job: &Job) -> Result<Done, String> {
    let id: EventId = job.payload.parse().map_err(|_| format!("'{}' is not an event id", job.payload))?;
    let now = state.clock.now();
    let mut tx = state.db.write().await.map_err(|e| e.to_string())?;
    let Some(e) = events::with_group(&mut tx, id).await.map_err(|e| e.to_string())? else { return Ok(Done::Finished) };
    let Some(due) = e.event.reminder_at() else { return Ok(Done::Finished) };
    if now >= e.event.starts_at {
        return Ok(Done::Finished);
    }
    if now < due {
        return Ok(Done::Later(due));
    }
    let batch = attendances::to_remind(&mut tx, id).await.map_err(|e| e.to_string())?;
    let more = batch.len() >= attendances::REMIND_AT_ONCE;
    tell(state, &mut tx, &e, &batch.iter().collect::<Vec<_>>(), MailKind::EventReminder, None).await.map_err(|e| e.to_string())?;
    let ids: Vec<AttendanceId> = batch.iter().map(|a| a.id).collect();
    attendances::reminded(&mut tx, &ids, now).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    tracing::info!(event = %id, reminded = ids.len(), "event reminders queued");
    // A big event's list goes in batches, each its own transaction.
    Ok(if more { Done::Later(now) } else { Done::Finished })
}
