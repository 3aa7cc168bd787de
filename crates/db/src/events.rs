//! Events and actions: an organiser sets one up; the public RSVPs to it if
//! it is public; members helping at the door check people in. Who is
//! coming, and who came, is in `attendances`.

use chrono::{DateTime, Duration, Utc};
use tredegar_domain::events::{EventKind, EventText};
use tredegar_domain::jobs::JobKind;
use tredegar_domain::{CampaignId, EventId, GroupId, Problem, UserId};

use crate::{DbError, Result, Scope, Tx};

/// How long either side of an event its door list is open to its helpers.
pub const DOOR_OPEN: Duration = Duration::hours(12);

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Event {
    pub id: EventId,
    pub group_id: GroupId,
    pub campaign_id: Option<CampaignId>,
    kind: String,
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: String,
    pub capacity: Option<i64>,
    pub is_public: bool,
    pub remind_hours: i64,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    /// When an organiser called it off.
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        EventKind::from_stored(&self.kind)
    }

    /// Whether its helpers may use the door list now.
    pub fn door_is_open(&self, now: DateTime<Utc>) -> bool {
        self.starts_at - DOOR_OPEN <= now && now <= self.ends_at + DOOR_OPEN
    }

    /// Whether it still takes RSVPs: until it ends, unless it is called off.
    pub fn takes_rsvps(&self, now: DateTime<Utc>) -> bool {
        now < self.ends_at && self.cancelled_at.is_none()
    }

    /// When its reminder goes, if it has one.
    pub fn reminder_at(&self) -> Option<DateTime<Utc>> {
        (self.remind_hours > 0 && self.cancelled_at.is_none()).then(|| self.starts_at - Duration::hours(self.remind_hours))
    }
}

pub(crate) const COLUMNS: &str = "e.id, e.group_id, e.campaign_id, e.kind, e.title, e.description, e.starts_at, e.ends_at, e.location, \
     e.capacity, e.is_public, e.remind_hours, e.created_by_name, e.created_at, e.cancelled_at";

async fn check_campaign(tx: &mut Tx, scope: &Scope, e: &EventText) -> Result<()> {
    if let Some(c) = e.campaign
        && crate::campaigns::get(tx, scope, c).await?.is_none()
    {
        return Err(Problem::new("campaign", "choose one of the group's campaigns").into());
    }
    Ok(())
}

/// The job that sends an event's reminders, due when they are. A job
/// already queued finds the event's time again when it runs.
async fn schedule_reminders(tx: &mut Tx, scope: &Scope, id: EventId, e: &EventText, now: DateTime<Utc>) -> Result<()> {
    if e.remind_hours > 0 && e.starts_at > now {
        let at = (e.starts_at - Duration::hours(e.remind_hours)).max(now);
        crate::jobs::enqueue(tx, JobKind::EventReminders, Some(scope.group_id()), &id.to_string(), at).await?;
    }
    Ok(())
}

pub async fn create(tx: &mut Tx, scope: &Scope, e: &EventText, now: DateTime<Utc>) -> Result<EventId> {
    check_campaign(tx, scope, e).await?;
    let id = EventId::new();
    execute!(
        tx,
        "INSERT INTO events (id, group_id, campaign_id, kind, title, description, starts_at, ends_at, location, capacity, is_public, \
         remind_hours, created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        id,
        scope.group_id(),
        e.campaign,
        e.kind.as_stored(),
        &e.title,
        &e.description,
        e.starts_at,
        e.ends_at,
        &e.location,
        e.capacity,
        e.is_public,
        e.remind_hours,
        scope.actor_name(),
        now
    )?;
    schedule_reminders(tx, scope, id, e, now).await?;
    Ok(id)
}

/// Change an event. If its time or reminder changes, those already
/// reminded are reminded again; more places let the waiting list in (the
/// caller emails them).
pub async fn update(tx: &mut Tx, scope: &Scope, id: EventId, e: &EventText, now: DateTime<Utc>) -> Result<()> {
    check_campaign(tx, scope, e).await?;
    let before = get(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    execute!(
        tx,
        "UPDATE events SET campaign_id = $1, kind = $2, title = $3, description = $4, starts_at = $5, ends_at = $6, location = $7, \
         capacity = $8, is_public = $9, remind_hours = $10 WHERE id = $11 AND group_id = $12",
        e.campaign,
        e.kind.as_stored(),
        &e.title,
        &e.description,
        e.starts_at,
        e.ends_at,
        &e.location,
        e.capacity,
        e.is_public,
        e.remind_hours,
        id,
        scope.group_id()
    )?;
    if before.starts_at != e.starts_at || before.remind_hours != e.remind_hours {
        execute!(tx, "UPDATE attendances SET reminded_at = NULL WHERE event_id = $1", id)?;
        schedule_reminders(tx, scope, id, e, now).await?;
    }
    Ok(())
}

/// Call an event off. False if it was already.
pub async fn cancel(tx: &mut Tx, scope: &Scope, id: EventId, now: DateTime<Utc>) -> Result<bool> {
    let n = execute!(
        tx,
        "UPDATE events SET cancelled_at = $1 WHERE id = $2 AND group_id = $3 AND cancelled_at IS NULL",
        now,
        id,
        scope.group_id()
    )?;
    Ok(n > 0)
}

/// A page of the group's events: those still to come first, soonest first,
/// then the past, latest first; and how many there are.
pub async fn list(tx: &mut Tx, scope: &Scope, now: DateTime<Utc>, page: crate::Page) -> Result<(Vec<Event>, i64)> {
    let mut q = crate::Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM events e WHERE e.group_id = ").bind(scope.group_id());
    q.push(" ORDER BY CASE WHEN e.ends_at < ").bind(now).push(" THEN 1 ELSE 0 END, CASE WHEN e.ends_at < ").bind(now);
    q.push(" THEN NULL ELSE e.starts_at END, e.starts_at DESC, e.id").page(page);
    let shown = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM events WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((shown, total))
}

/// The events the member helps at, soonest first, while their door is open or to come.
pub async fn helping(tx: &mut Tx, scope: &Scope, now: DateTime<Utc>) -> Result<Vec<Event>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM event_helpers h JOIN events e ON e.id = h.event_id \
         WHERE h.user_id = $1 AND h.group_id = $2 AND e.ends_at > $3 ORDER BY e.starts_at LIMIT 100"
    );
    Ok(fetch_all!(tx, Event, sqlx::AssertSqlSafe(sql), scope.user_id(), scope.group_id(), now - DOOR_OPEN)?)
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: EventId) -> Result<Option<Event>> {
    let sql = format!("SELECT {COLUMNS} FROM events e WHERE e.id = $1 AND e.group_id = $2");
    Ok(fetch_optional!(tx, Event, sqlx::AssertSqlSafe(sql), id, scope.group_id())?)
}

/// An event as the public sees it, with the group that runs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Public {
    #[sqlx(flatten)]
    pub event: Event,
    pub group_slug: String,
    pub group_name: String,
    pub time_zone: String,
}

const PUBLIC: &str = "SELECT e.id, e.group_id, e.campaign_id, e.kind, e.title, e.description, e.starts_at, e.ends_at, e.location, \
     e.capacity, e.is_public, e.remind_hours, e.created_by_name, e.created_at, e.cancelled_at, g.slug AS group_slug, g.name AS group_name, g.time_zone \
     FROM events e JOIN groups g ON g.id = e.group_id";

/// A public event by its id alone: what anyone may read.
pub async fn public(tx: &mut Tx, id: EventId) -> Result<Option<Public>> {
    let sql = format!("{PUBLIC} WHERE e.id = $1 AND e.is_public");
    Ok(fetch_optional!(tx, Public, sqlx::AssertSqlSafe(sql), id)?)
}

/// Any event by its id with its group, public or not: for the emails
/// about it and the links in them.
pub async fn with_group(tx: &mut Tx, id: EventId) -> Result<Option<Public>> {
    let sql = format!("{PUBLIC} WHERE e.id = $1");
    Ok(fetch_optional!(tx, Public, sqlx::AssertSqlSafe(sql), id)?)
}

/// A group's public events from `since` on, for its calendar feed: the
/// group's name and zone, and the events soonest first.
pub async fn feed(tx: &mut Tx, group_slug: &str, since: DateTime<Utc>) -> Result<Vec<Public>> {
    let sql = format!("{PUBLIC} WHERE g.slug = $1 AND e.is_public AND e.ends_at > $2 ORDER BY e.starts_at LIMIT 1000");
    Ok(fetch_all!(tx, Public, sqlx::AssertSqlSafe(sql), group_slug, since)?)
}

/// The members helping at the door.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Helper {
    pub user_id: UserId,
    pub name: String,
}

pub async fn helpers(tx: &mut Tx, scope: &Scope, id: EventId) -> Result<Vec<Helper>> {
    Ok(fetch_all!(
        tx,
        Helper,
        "SELECT h.user_id, u.name FROM event_helpers h JOIN users u ON u.id = h.user_id WHERE h.event_id = $1 AND h.group_id = $2 ORDER BY u.name",
        id,
        scope.group_id()
    )?)
}

/// Whether the scope's member helps at this event's door.
pub async fn helps(tx: &mut Tx, scope: &Scope, id: EventId) -> Result<bool> {
    let n = scalar!(tx, i64, "SELECT COUNT(*) FROM event_helpers WHERE event_id = $1 AND user_id = $2", id, scope.user_id())?;
    Ok(n.unwrap_or(0) > 0)
}

/// Ask a member of the group to help at the door.
pub async fn add_helper(tx: &mut Tx, scope: &Scope, id: EventId, user: UserId) -> Result<()> {
    let member = scalar!(tx, i64, "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND group_id = $2", user, scope.group_id())?;
    if member.unwrap_or(0) == 0 || get(tx, scope, id).await?.is_none() {
        return Err(Problem::new("helper", "choose a member of the group").into());
    }
    execute!(
        tx,
        "INSERT INTO event_helpers (event_id, user_id, group_id) VALUES ($1, $2, $3) ON CONFLICT (event_id, user_id) DO NOTHING",
        id,
        user,
        scope.group_id()
    )?;
    Ok(())
}

pub async fn remove_helper(tx: &mut Tx, scope: &Scope, id: EventId, user: UserId) -> Result<()> {
    execute!(tx, "DELETE FROM event_helpers WHERE event_id = $1 AND user_id = $2 AND group_id = $3", id, user, scope.group_id())?;
    Ok(())
}

/// Hold the event's row until the transaction ends, so two RSVPs on two
/// servers cannot both take the last place (SQLite's writes are one at a
/// time already).
pub(crate) async fn lock(tx: &mut Tx, id: EventId) -> Result<()> {
    execute!(tx, "UPDATE events SET capacity = capacity WHERE id = $1", id)?;
    Ok(())
}

/// How the API's `filter` reads each field of an event.
fn filter_column(field: &str) -> Option<crate::sql::FilterColumn> {
    use crate::sql::{FilterColumn, FilterKind};
    let (column, kind) = match field {
        "identifier" => ("e.id", FilterKind::Id),
        "created_date" | "modified_date" => ("e.created_at", FilterKind::Time),
        "title" => ("e.title", FilterKind::Text),
        "start_date" => ("e.starts_at", FilterKind::Time),
        "end_date" => ("e.ends_at", FilterKind::Time),
        _ => return None,
    };
    Some(FilterColumn::plain(column, kind))
}

/// A page of the group's events for the API, soonest last, with how many match.
pub async fn page(tx: &mut Tx, scope: &Scope, filter: &tredegar_domain::filter::Filter, page: crate::Page) -> Result<(Vec<Event>, i64)> {
    let matching = |columns: &'static str| -> Result<crate::Sql> {
        let mut q = crate::Sql::new("SELECT ");
        q.push(columns).push(" FROM events e WHERE e.group_id = ").bind(scope.group_id()).push(" AND ");
        q.filter(filter, filter_column)?;
        Ok(q)
    };
    let total = matching("COUNT(*)")?.count(tx).await?;
    let mut q = matching(COLUMNS)?;
    q.push(" ORDER BY e.starts_at DESC, e.id").page(page);
    Ok((q.fetch_all(tx).await?, total))
}
