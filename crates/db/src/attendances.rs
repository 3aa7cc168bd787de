//! Who is coming to an event, and who came: RSVPs from the public page
//! (with a waiting list once every place is taken), check-ins and walk-ins
//! at the door, and the API's record-attendance helper. One attendance per
//! person per event. Places taken are counted from the index, so no counter
//! row is written by every RSVP.

use chrono::{DateTime, Utc};
use tredegar_domain::events::{EventKind, RsvpStatus};
use tredegar_domain::people::PhoneType;
use tredegar_domain::person_update::{EmailUpdate, PersonUpdate, PhoneUpdate};
use tredegar_domain::supporters::Supporter;
use tredegar_domain::{AttendanceId, Email, EventId, PersonId, Phone, SubscriptionStatus};

use crate::events::{self, Event};
use crate::{DbError, Result, Scope, Sql, Tx, Window};

/// One person's attendance, with their name (and email, for our emails).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Attendance {
    pub id: AttendanceId,
    pub event_id: EventId,
    pub person_id: PersonId,
    pub status: RsvpStatus,
    pub walk_in: bool,
    pub attended_at: Option<DateTime<Utc>>,
    pub checked_in_by_name: String,
    pub comment: String,
    /// The name a walk-in gave at the door.
    pub name_at_door: String,
    pub created_at: DateTime<Utc>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// Their main email address, if they have one.
    pub email: Option<String>,
    /// Their main phone number, if they have one.
    pub phone: Option<String>,
}

impl Attendance {
    pub fn name(&self) -> String {
        let name = [self.given_name.as_deref(), self.family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if name.is_empty() { "(no name)".into() } else { name }
    }

    /// The name the door list shows: a walk-in's as they gave it, so a
    /// helper who types a known person's email or phone learns nothing of them.
    pub fn door_name(&self) -> String {
        if self.name_at_door.is_empty() { self.name() } else { self.name_at_door.clone() }
    }
}

const SELECT: &str = "SELECT a.id, a.event_id, a.person_id, a.status, a.walk_in, a.attended_at, a.checked_in_by_name, a.comment, \
     a.name_at_door, a.created_at, p.given_name, p.family_name, \
     (SELECT pe.address FROM person_emails pe WHERE pe.person_id = a.person_id ORDER BY pe.is_primary DESC LIMIT 1) AS email, \
     (SELECT pp.number FROM person_phones pp WHERE pp.person_id = a.person_id ORDER BY pp.is_primary DESC LIMIT 1) AS phone \
     FROM attendances a JOIN people p ON p.id = a.person_id";

/// Places taken, the waiting list, and who came.
#[derive(Clone, Copy, Debug, Default, sqlx::FromRow)]
pub struct Counts {
    pub going: i64,
    pub waiting: i64,
    pub came: i64,
}

pub async fn counts(tx: &mut Tx, event: EventId) -> Result<Counts> {
    Ok(counts_of(tx, &[event]).await?.remove(&event).unwrap_or_default())
}

/// The counts of many events in one statement (a page of events).
pub async fn counts_of(tx: &mut Tx, events: &[EventId]) -> Result<std::collections::HashMap<EventId, Counts>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        event_id: EventId,
        #[sqlx(flatten)]
        counts: Counts,
    }
    if events.is_empty() {
        return Ok(Default::default());
    }
    let mut q = Sql::new(
        "SELECT event_id, COALESCE(SUM(CASE WHEN status = 'going' THEN 1 ELSE 0 END), 0) AS going, \
         COALESCE(SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END), 0) AS waiting, \
         COUNT(attended_at) AS came FROM attendances WHERE event_id IN (",
    );
    q.bind_list(events.iter().copied()).push(") GROUP BY event_id");
    Ok(q.fetch_all::<Row>(tx).await?.into_iter().map(|r| (r.event_id, r.counts)).collect())
}

async fn going(tx: &mut Tx, event: EventId) -> Result<i64> {
    Ok(scalar!(tx, i64, "SELECT COUNT(*) FROM attendances WHERE event_id = $1 AND status = 'going'", event)?.unwrap_or(0))
}

/// What an RSVP did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rsvped {
    /// A place: the confirmation goes to them.
    Going(AttendanceId),
    /// Every place taken: on the waiting list.
    Waiting(AttendanceId),
    /// They had said they were coming (or waiting) already: nothing changes.
    Already,
}

/// An RSVP from the public page: the person through the one upsert (RSVPing
/// is asking to hear about the event, not to be kept up to date: only the
/// consent box subscribes them), then a place if one is free, else the
/// waiting list. Someone who had said they couldn't come is welcome back.
pub async fn rsvp(tx: &mut Tx, scope: &Scope, event: &Event, s: &Supporter, now: DateTime<Utc>) -> Result<Rsvped> {
    events::lock(tx, event.id).await?;
    let history = format!("Said they would come to “{}”", event.title);
    let person = crate::people::upsert_supporter(tx, scope, s, false, &history, now).await?.id;
    let comment = s.comment.clone().unwrap_or_default();
    let before = scalar!(tx, RsvpStatus, "SELECT status FROM attendances WHERE event_id = $1 AND person_id = $2", event.id, person)?;
    if matches!(before, Some(RsvpStatus::Going | RsvpStatus::Waiting)) {
        return Ok(Rsvped::Already);
    }
    let full = is_full(tx, event).await?;
    let status = if full { RsvpStatus::Waiting } else { RsvpStatus::Going };
    let id = AttendanceId::new();
    execute!(
        tx,
        "INSERT INTO attendances (id, group_id, event_id, person_id, status, walk_in, attended_at, checked_in_by_name, comment, created_at) \
         VALUES ($1, $2, $3, $4, $5, FALSE, NULL, '', $6, $7) \
         ON CONFLICT (event_id, person_id) DO UPDATE SET status = excluded.status, comment = excluded.comment, created_at = excluded.created_at",
        id,
        scope.group_id(),
        event.id,
        person,
        status,
        &comment,
        now
    )?;
    let stored = scalar!(tx, AttendanceId, "SELECT id FROM attendances WHERE event_id = $1 AND person_id = $2", event.id, person)?;
    let stored = stored.ok_or(DbError::NotFound)?;
    Ok(if full { Rsvped::Waiting(stored) } else { Rsvped::Going(stored) })
}

async fn is_full(tx: &mut Tx, event: &Event) -> Result<bool> {
    match event.capacity {
        None => Ok(false),
        Some(cap) => Ok(going(tx, event.id).await? >= cap),
    }
}

/// One attendance by id, within an event, for the emailed link.
pub async fn of_link(tx: &mut Tx, event: EventId, id: AttendanceId) -> Result<Option<Attendance>> {
    let sql = format!("{SELECT} WHERE a.id = $1 AND a.event_id = $2");
    Ok(fetch_optional!(tx, Attendance, sqlx::AssertSqlSafe(sql), id, event)?)
}

/// They cannot come after all (from the emailed link, or an organiser).
/// If that frees a place, the longest waiting get it: returned, for the
/// caller to email.
pub async fn cancel(tx: &mut Tx, event: &Event, id: AttendanceId, now: DateTime<Utc>) -> Result<Vec<Attendance>> {
    events::lock(tx, event.id).await?;
    let n = execute!(
        tx,
        "UPDATE attendances SET status = 'cancelled' WHERE id = $1 AND event_id = $2 AND status <> 'cancelled' AND attended_at IS NULL",
        id,
        event.id
    )?;
    if n == 0 {
        return Ok(Vec::new());
    }
    fill_places(tx, event, now).await
}

/// Give free places to the waiting list, longest waiting first; returns
/// who got one.
pub async fn fill_places(tx: &mut Tx, event: &Event, now: DateTime<Utc>) -> Result<Vec<Attendance>> {
    if !event.takes_rsvps(now) {
        return Ok(Vec::new());
    }
    let free = match event.capacity {
        None => i64::MAX,
        Some(cap) => cap - going(tx, event.id).await?,
    };
    if free <= 0 {
        return Ok(Vec::new());
    }
    let sql = format!("{SELECT} WHERE a.event_id = $1 AND a.status = 'waiting' ORDER BY a.created_at, a.id LIMIT $2");
    let promoted = fetch_all!(tx, Attendance, sqlx::AssertSqlSafe(sql), event.id, free.min(10_000))?;
    for a in &promoted {
        execute!(tx, "UPDATE attendances SET status = 'going' WHERE id = $1", a.id)?;
    }
    Ok(promoted.into_iter().map(|a| Attendance { status: RsvpStatus::Going, ..a }).collect())
}

/// Everyone on the event's list, by name, for the organiser and the door.
pub async fn of_event(tx: &mut Tx, scope: &Scope, event: EventId) -> Result<Vec<Attendance>> {
    let sql = format!("{SELECT} WHERE a.event_id = $1 AND a.group_id = $2 ORDER BY p.name_key, a.id LIMIT 20000");
    Ok(fetch_all!(tx, Attendance, sqlx::AssertSqlSafe(sql), event, scope.group_id())?)
}

/// Mark someone as come (or, a mistake at the door, as not). Coming counts
/// on the ladder.
pub async fn check_in(tx: &mut Tx, scope: &Scope, event: &Event, id: AttendanceId, came: bool, now: DateTime<Utc>) -> Result<()> {
    let person = scalar!(
        tx,
        PersonId,
        "SELECT person_id FROM attendances WHERE id = $1 AND event_id = $2 AND group_id = $3",
        id,
        event.id,
        scope.group_id()
    )?
    .ok_or(DbError::NotFound)?;
    if came {
        execute!(
            tx,
            "UPDATE attendances SET attended_at = COALESCE(attended_at, $1), checked_in_by_name = $2, status = 'going' WHERE id = $3",
            now,
            scope.actor_name(),
            id
        )?;
    } else {
        execute!(tx, "UPDATE attendances SET attended_at = NULL, checked_in_by_name = '' WHERE id = $1", id)?;
    }
    crate::representatives::records::turned_up(tx, scope, event, person, came, now).await?;
    let why = if came { format!("came to “{}”", event.title) } else { format!("was marked as not at “{}”", event.title) };
    crate::ladder::refresh(tx, scope, person, &why, now).await
}

/// Someone at the door who had not said they were coming.
pub struct WalkIn<'a> {
    pub given_name: &'a str,
    pub family_name: Option<&'a str>,
    pub email: Option<&'a Email>,
    pub phone: Option<&'a Phone>,
}

/// A walk-in, marked as come. Someone known by the email or phone given
/// keeps their record as it is: the door adds an attendance and nothing
/// else, so typing a known address at the door neither changes nor shows
/// anyone (the list shows the name given). Anyone else is a new person.
pub async fn walk_in(tx: &mut Tx, scope: &Scope, event: &Event, w: &WalkIn<'_>, now: DateTime<Utc>) -> Result<PersonId> {
    // Added through the group's public-form scope: a helper at the door
    // adds people, but reads nobody's record by doing so.
    let public = Scope::for_public_form(tx, scope.group_slug()).await?.ok_or(DbError::NotFound)?;
    // By the email given, else by the phone.
    let person = match crate::people::find_match(tx, &public, w.email, w.phone).await? {
        Some(id) => id,
        None => {
            let update = PersonUpdate {
                given_name: Some(Some(w.given_name.to_string())),
                family_name: Some(w.family_name.map(str::to_string)),
                emails: w.email.map(|e| vec![EmailUpdate { email: e.clone(), status: None, primary: true }]),
                phones: w
                    .phone
                    .map(|p| vec![PhoneUpdate { phone: p.clone(), number_type: PhoneType::Mobile, status: None, primary: true }]),
                new_email_status: SubscriptionStatus::Unsubscribed,
                ..PersonUpdate::default()
            };
            let history = format!("Came to “{}” (a walk-in, added at the door by {})", event.title, scope.actor_name());
            crate::people::upsert(tx, &public, update, crate::people::NewFields::Refuse, &history, now).await?.id
        }
    };
    let given = [Some(w.given_name), w.family_name].into_iter().flatten().collect::<Vec<_>>().join(" ");
    execute!(
        tx,
        "INSERT INTO attendances (id, group_id, event_id, person_id, status, walk_in, attended_at, checked_in_by_name, comment, \
         name_at_door, created_at) VALUES ($1, $2, $3, $4, 'going', TRUE, $5, $6, '', $7, $5) \
         ON CONFLICT (event_id, person_id) DO UPDATE SET status = 'going', attended_at = COALESCE(attendances.attended_at, excluded.attended_at), \
         checked_in_by_name = excluded.checked_in_by_name, name_at_door = excluded.name_at_door",
        AttendanceId::new(),
        scope.group_id(),
        event.id,
        person,
        now,
        scope.actor_name(),
        given
    )?;
    // A public record (a representative's turn-up) is not written from an
    // email or phone a volunteer typed: anyone who knows a councillor's
    // address could make them turn up. An organiser's walk-in, or a check-in
    // from the list, counts.
    if scope.role().sees_everyone() {
        crate::representatives::records::turned_up(tx, scope, event, person, true, now).await?;
    }
    crate::ladder::refresh(tx, scope, person, &format!("came to “{}”", event.title), now).await?;
    Ok(person)
}

/// An attendance recorded by an organiser's tool for a known person (the
/// API's record-attendance helper): set as given, once per person per event.
pub async fn record(
    tx: &mut Tx,
    scope: &Scope,
    event: &Event,
    person: PersonId,
    status: RsvpStatus,
    attended: bool,
    now: DateTime<Utc>,
) -> Result<AttendanceId> {
    execute!(
        tx,
        "INSERT INTO attendances (id, group_id, event_id, person_id, status, walk_in, attended_at, checked_in_by_name, comment, created_at) \
         VALUES ($1, $2, $3, $4, $5, FALSE, $6, $7, '', $8) \
         ON CONFLICT (event_id, person_id) DO UPDATE SET status = excluded.status, \
         attended_at = CASE WHEN excluded.attended_at IS NULL THEN NULL ELSE COALESCE(attendances.attended_at, excluded.attended_at) END",
        AttendanceId::new(),
        scope.group_id(),
        event.id,
        person,
        status,
        attended.then_some(now),
        if attended { scope.actor_name() } else { "" },
        now
    )?;
    if attended {
        crate::representatives::records::turned_up(tx, scope, event, person, true, now).await?;
    }
    crate::ladder::refresh(tx, scope, person, &format!("recorded at “{}”", event.title), now).await?;
    scalar!(tx, AttendanceId, "SELECT id FROM attendances WHERE event_id = $1 AND person_id = $2", event.id, person)?
        .ok_or(DbError::NotFound)
}

/// A page of an event's attendances, oldest first, with how many there are.
pub async fn page(tx: &mut Tx, scope: &Scope, event: EventId, page: crate::Page) -> Result<(Vec<Attendance>, i64)> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE a.event_id = ")
        .bind(event)
        .push(" AND a.group_id = ")
        .bind(scope.group_id())
        .push(" ORDER BY a.created_at, a.id")
        .page(page);
    let rows = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM attendances WHERE event_id = $1 AND group_id = $2", event, scope.group_id())?;
    Ok((rows, total.unwrap_or(0)))
}

pub async fn get(tx: &mut Tx, scope: &Scope, event: EventId, id: AttendanceId) -> Result<Option<Attendance>> {
    let sql = format!("{SELECT} WHERE a.id = $1 AND a.event_id = $2 AND a.group_id = $3");
    Ok(fetch_optional!(tx, Attendance, sqlx::AssertSqlSafe(sql), id, event, scope.group_id())?)
}

/// A person's attendances with each event's title and kind, newest first,
/// if the scope may see the person.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Attended {
    #[sqlx(flatten)]
    pub attendance: Attendance,
    pub event_title: String,
    pub event_kind: String,
    pub starts_at: DateTime<Utc>,
}

impl Attended {
    pub fn kind(&self) -> EventKind {
        EventKind::from_stored(&self.event_kind)
    }
}

pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId, window: Window) -> Result<Vec<Attended>> {
    let mut q = Sql::new(
        "SELECT a.id, a.event_id, a.person_id, a.status, a.walk_in, a.attended_at, a.checked_in_by_name, a.comment, a.name_at_door, \
         a.created_at, p.given_name, p.family_name, NULL AS email, NULL AS phone, e.title AS event_title, e.kind AS event_kind, e.starts_at \
         FROM attendances a JOIN people p ON p.id = a.person_id JOIN events e ON e.id = a.event_id WHERE a.person_id = ",
    );
    q.bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    // When they came, or else when they said they would: `Entry::at` on a timeline.
    q.window(window, "COALESCE(a.attended_at, a.created_at)", " ORDER BY COALESCE(a.attended_at, a.created_at) DESC, a.id DESC");
    q.fetch_all(tx).await
}

/// Reminders written in one transaction at most; the job comes back for the rest.
pub const REMIND_AT_ONCE: usize = 500;

/// Those going who have not been reminded yet, a batch at a time.
pub async fn to_remind(tx: &mut Tx, event: EventId) -> Result<Vec<Attendance>> {
    let sql = format!("{SELECT} WHERE a.event_id = $1 AND a.status = 'going' AND a.reminded_at IS NULL ORDER BY a.id LIMIT 500");
    Ok(fetch_all!(tx, Attendance, sqlx::AssertSqlSafe(sql), event)?)
}

/// These have been reminded: one statement for a batch.
pub async fn reminded(tx: &mut Tx, ids: &[AttendanceId], now: DateTime<Utc>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new("UPDATE attendances SET reminded_at = ");
    q.bind(now).push(" WHERE id IN (").bind_list(ids.iter().copied()).push(")");
    q.execute(tx).await?;
    Ok(())
}
