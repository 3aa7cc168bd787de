//! The organiser's side: set up and change events, see who is coming and
//! who came, ask members to help at the door, and download the list. A
//! volunteer's events page lists the events they help at, for the door.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::attendances::{self, Attendance, Counts};
use tredegar_db::campaigns::{self, Campaign};
use tredegar_db::events::{self, Event, Helper};
use tredegar_db::users::{self, Member as GroupMember};
use tredegar_db::{Scope, audit};
use tredegar_domain::events::{EventInput, EventKind, EventText};
use tredegar_domain::{AttendanceId, AuditAction, EventId, FieldErrors, Problem, UserId};

use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, PageQuery, Pager, Zone, csv_response, csv_time, render, render_form};
use crate::{AppError, AppState};

#[derive(Default, Deserialize)]
pub(super) struct EventForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    own_kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    is_public: String,
    #[serde(default)]
    remind_hours: String,
    #[serde(default)]
    campaign: String,
}

impl EventForm {
    fn check(&self, zone: Zone) -> Result<EventText, FieldErrors> {
        EventInput {
            kind: &self.kind,
            own_kind: &self.own_kind,
            title: &self.title,
            description: &self.description,
            starts_at: zone.parse_input("starts_at", &self.starts_at),
            ends_at: zone.parse_input("ends_at", &self.ends_at),
            location: &self.location,
            capacity: &self.capacity,
            is_public: !self.is_public.is_empty(),
            remind_hours: &self.remind_hours,
            campaign: &self.campaign,
        }
        .check()
    }

    fn of(e: &Event, zone: Zone) -> EventForm {
        let kind = e.kind();
        let standard = EventKind::STANDARD.contains(&kind);
        EventForm {
            kind: if standard { kind.as_stored().into() } else { "own".into() },
            own_kind: if standard { String::new() } else { kind.label().into() },
            title: e.title.clone(),
            description: e.description.clone(),
            starts_at: zone.input_value(&e.starts_at),
            ends_at: zone.input_value(&e.ends_at),
            location: e.location.clone(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            is_public: if e.is_public { "yes".into() } else { String::new() },
            remind_hours: e.remind_hours.to_string(),
            campaign: e.campaign_id.map(|c| c.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "events/index.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    organiser: bool,
    events: Vec<(Event, Counts)>,
    campaigns: Vec<Campaign>,
    zone: Zone,
    now: chrono::DateTime<chrono::Utc>,
    feed_url: String,
    form: EventForm,
    errors: FieldErrors,
    /// Which page of events, and how many there are.
    pager: Pager,
}

/// Events shown a page.
const PER_PAGE: i64 = 50;

async fn index_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    notice: &Notice,
    form: EventForm,
    errors: FieldErrors,
    shown: tredegar_db::Page,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let organiser = scope.role().sees_everyone();
    let mut tx = state.db.read().await?;
    // A volunteer's events (those they help at) are few and shown whole.
    let (list, pager) = if organiser {
        let (list, total) = events::list(&mut tx, scope, now, shown).await?;
        (list, Pager::new(paths::events(scope.group_slug()), shown, total))
    } else {
        (events::helping(&mut tx, scope, now).await?, Pager::none())
    };
    let mut counts = attendances::counts_of(&mut tx, &list.iter().map(|e| e.id).collect::<Vec<_>>()).await?;
    let all: Vec<(Event, Counts)> = list
        .into_iter()
        .map(|e| {
            let c = counts.remove(&e.id).unwrap_or_default();
            (e, c)
        })
        .collect();
    let campaigns = if organiser { campaigns::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0 } else { Vec::new() };
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Events", scope, csrf).notice(notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        organiser,
        events: all,
        campaigns,
        zone: layout.zone(),
        now,
        feed_url: format!("{}{}", state.config.public_url, paths::events_feed(scope.group_slug())),
        form,
        errors,
        pager,
    });
    render_form(page, has_problems)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let form = EventForm { kind: "meeting".into(), is_public: "yes".into(), remind_hours: "24".into(), ..Default::default() };
    let shown = q.page(PER_PAGE);
    let notice = q.notice();
    index_page(&state, &scope, csrf, &notice, form, FieldErrors::default(), shown).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<EventForm>,
) -> Result<Response, AppError> {
    let text = match form.check(Zone::of(&scope)) {
        Ok(t) => t,
        Err(errors) => {
            return index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await;
        }
    };
    let mut tx = state.db.write().await?;
    match events::create(&mut tx, &scope, &text, state.clock.now()).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}?notice=added", paths::event(scope.group_slug(), id))).into_response())
        }
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowPage {
    csrf: String,
    slug: String,
    event: Event,
    when: String,
    counts: Counts,
    attendees: Vec<Attendance>,
    helpers: Vec<Helper>,
    members: Vec<GroupMember>,
    public_url: String,
    zone: Zone,
    now: chrono::DateTime<chrono::Utc>,
    campaign: Option<Campaign>,
}

/// An event's page: the people on its list name people, so it is audited.
pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, EventId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let event = events::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let counts = attendances::counts(&mut tx, id).await?;
    let attendees = attendances::of_event(&mut tx, &scope, id).await?;
    let helpers = events::helpers(&mut tx, &scope, id).await?;
    let campaign = match event.campaign_id {
        Some(c) => campaigns::get(&mut tx, &scope, c).await?,
        None => None,
    };
    let members = users::members(&mut tx, &scope).await?;
    drop(tx);
    super::record_reads(&state, &scope, &event, &attendees, "the list of").await?;
    let when = super::when(&event, scope.time_zone());
    let public_url = format!("{}{}", state.config.public_url, paths::public_event(id));
    render(Page::new(Layout::for_scope(&event.title, &scope, csrf).notice(&notice), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        now: state.clock.now(),
        campaign,
        event,
        when,
        counts,
        attendees,
        helpers,
        members,
        public_url,
    }))
}

#[derive(Template)]
#[template(path = "events/edit.html")]
struct EditPage {
    csrf: String,
    slug: String,
    event: Event,
    campaigns: Vec<Campaign>,
    form: EventForm,
    errors: FieldErrors,
}

async fn edit_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    event: Event,
    form: EventForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let campaigns = campaigns::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0;
    drop(tx);
    let has_problems = !errors.is_empty();
    let title = format!("Change {}", event.title);
    let page = Page::new(Layout::for_scope(&title, scope, csrf), |layout| EditPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        event,
        campaigns,
        form,
        errors,
    });
    render_form(page, has_problems)
}

async fn event_of(state: &AppState, scope: &Scope, id: EventId) -> Result<Event, AppError> {
    let mut tx = state.db.read().await?;
    event_in(&mut tx, scope, id).await
}

pub(super) async fn edit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, EventId)>,
) -> Result<Response, AppError> {
    let event = event_of(&state, &scope, id).await?;
    let form = EventForm::of(&event, Zone::of(&scope));
    edit_page(&state, &scope, csrf, event, form, FieldErrors::default()).await
}

/// Save the changes. More places (or no limit) let the waiting list in,
/// and each person let in is emailed; a new time or place is emailed to
/// everyone going or waiting, with the calendar file again.
pub(super) async fn update(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, EventId)>,
    Form(form): Form<EventForm>,
) -> Result<Response, AppError> {
    let event = event_of(&state, &scope, id).await?;
    let text = match form.check(Zone::of(&scope)) {
        Ok(t) => t,
        Err(errors) => return edit_page(&state, &scope, csrf, event, form, errors).await,
    };
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    match events::update(&mut tx, &scope, id, &text, now).await {
        Ok(()) => {}
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            return edit_page(&state, &scope, csrf, event, form, errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    let public = events::with_group(&mut tx, id).await?.ok_or_else(AppError::not_found)?;
    let promoted = attendances::fill_places(&mut tx, &public.event, now).await?;
    super::tell_promoted(&state, &mut tx, &public, &promoted).await?;
    let moved = (event.starts_at, event.ends_at, &event.location) != (text.starts_at, text.ends_at, &text.location);
    if moved && public.event.takes_rsvps(now) {
        let everyone = attendances::of_event(&mut tx, &scope, id).await?;
        let told: Vec<_> = promoted.iter().map(|a| a.id).collect();
        super::tell_changed(&state, &mut tx, &public, &everyone, &told).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::event(scope.group_slug(), id))).into_response())
}

#[derive(Deserialize)]
pub(super) struct HelperForm {
    user: String,
    /// `add` or `remove`.
    action: String,
}

/// Ask a member to help at the door, or stop.
pub(super) async fn helpers(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, EventId)>,
    Form(form): Form<HelperForm>,
) -> Result<Response, AppError> {
    let user: UserId = form.user.parse().map_err(|_| AppError::from(Problem::new("helper", "choose a member of the group")))?;
    let mut tx = state.db.write().await?;
    match form.action.as_str() {
        "add" => events::add_helper(&mut tx, &scope, id, user).await?,
        "remove" => events::remove_helper(&mut tx, &scope, id, user).await?,
        _ => return Err(Problem::new("action", "must be add or remove").into()),
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved#helpers", paths::event(scope.group_slug(), id))).into_response())
}

/// Call the event off: everyone going or waiting is emailed, its calendar
/// entries say it is cancelled, and it takes no more RSVPs or reminders.
pub(super) async fn call_off(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, EventId)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    event_in(&mut tx, &scope, id).await?;
    if events::cancel(&mut tx, &scope, id, now).await? {
        let public = events::with_group(&mut tx, id).await?.ok_or_else(AppError::not_found)?;
        let everyone = attendances::of_event(&mut tx, &scope, id).await?;
        super::tell_called_off(&state, &mut tx, &public, &everyone).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::event(scope.group_slug(), id))).into_response())
}

/// The event, if it is the scope's group's.
async fn event_in(tx: &mut tredegar_db::Tx, scope: &Scope, id: EventId) -> Result<Event, AppError> {
    events::get(tx, scope, id).await?.ok_or_else(AppError::not_found)
}

/// Someone told an organiser they can't come: their place goes to the waiting list.
pub(super) async fn cancel_for(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, aid)): Path<(String, EventId, AttendanceId)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let public = events::with_group(&mut tx, id).await?.filter(|p| p.event.group_id == scope.group_id()).ok_or_else(AppError::not_found)?;
    attendances::get(&mut tx, &scope, id, aid).await?.ok_or_else(AppError::not_found)?;
    let promoted = attendances::cancel(&mut tx, &public.event, aid, now).await?;
    super::tell_promoted(&state, &mut tx, &public, &promoted).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::event(scope.group_slug(), id))).into_response())
}

/// Everyone on the list, with what they told us and whether they came: audited.
pub(super) async fn csv(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, EventId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let event = events::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let attendees = attendances::of_event(&mut tx, &scope, id).await?;
    drop(tx);
    let mut tx = state.db.write().await?;
    let detail = format!("{} people on the list", attendees.len());
    audit::record(&mut tx, &scope, AuditAction::Export, &event.title, &detail, state.clock.now()).await?;
    tx.commit().await?;
    let rows = attendees
        .into_iter()
        .map(|a| {
            vec![
                a.name(),
                a.email.clone().unwrap_or_default(),
                a.phone.clone().unwrap_or_default(),
                a.status.as_str().into(),
                a.attended_at.map(csv_time).unwrap_or_default(),
                if a.walk_in { "yes".into() } else { "no".into() },
                a.comment,
                csv_time(a.created_at),
                a.person_id.to_string(),
            ]
        })
        .collect();
    let names = ["name", "email", "phone", "status", "came_at", "walk_in", "comment", "said_at", "person_id"];
    csv_response("attendees.csv", &names, rows)
}
