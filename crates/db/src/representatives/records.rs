//! A representative's record: dated entries (votes, public statements,
//! turn-ups, replies to the group's letters), each with its evidence and the
//! pledges it bears on. A representative linked to a person in the group
//! gains a turn-up whenever that person is checked in at an event.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::representatives::{Entry, RecordKind, Vote};
use tredegar_domain::{CampaignId, PersonId, PledgeId, RecordId, RepresentativeId};

use crate::events::Event;
use crate::{DbError, Page, Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RecordRow {
    pub id: RecordId,
    pub representative_id: RepresentativeId,
    pub representative_name: String,
    pub kind: RecordKind,
    pub on_date: NaiveDate,
    pub title: String,
    pub detail: String,
    pub evidence_url: String,
    pub campaign_id: Option<CampaignId>,
    pub campaign_title: Option<String>,
    pub vote: Option<Vote>,
    pub wanted: Option<Vote>,
    /// Taken from an event's check-in; whether that event is public.
    pub event_id: Option<tredegar_domain::EventId>,
    pub event_public: bool,
    pub document_id: Option<tredegar_domain::DocumentId>,
    pub document_name: Option<String>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT x.id, x.representative_id, r.name AS representative_name, x.kind, x.on_date, x.title, x.detail, \
     x.evidence_url, x.campaign_id, c.title AS campaign_title, x.vote, x.wanted, x.event_id, COALESCE(e.is_public, FALSE) AS event_public, \
     x.document_id, doc.name AS document_name, x.created_by_name, x.created_at FROM records x JOIN representatives r ON r.id = x.representative_id \
     LEFT JOIN campaigns c ON c.id = x.campaign_id LEFT JOIN events e ON e.id = x.event_id LEFT JOIN documents doc ON doc.id = x.document_id";

/// A representative's record, latest first.
pub async fn of_representative(tx: &mut Tx, scope: &Scope, rep: RepresentativeId) -> Result<Vec<RecordRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE x.representative_id = ").bind(rep).push(" AND x.group_id = ").bind(scope.group_id());
    q.push(" ORDER BY x.on_date DESC, x.id DESC").fetch_all(tx).await
}

fn filter_column(field: &str) -> Option<crate::sql::FilterColumn> {
    use crate::sql::{FilterColumn, FilterKind};
    let (column, kind) = match field {
        "identifier" => ("x.id", FilterKind::Id),
        "created_date" | "modified_date" => ("x.created_at", FilterKind::Time),
        "kind" => ("x.kind", FilterKind::Text),
        "representative" => ("x.representative_id", FilterKind::Id),
        "campaign" => ("x.campaign_id", FilterKind::Id),
        _ => return None,
    };
    Some(FilterColumn::plain(column, kind))
}

pub const FILTER_FIELDS: &[&str] = &["identifier", "created_date", "modified_date", "kind", "representative", "campaign"];

/// A page of the group's record entries for the API, latest first.
pub async fn page(tx: &mut Tx, scope: &Scope, filter: &tredegar_domain::filter::Filter, page: Page) -> Result<(Vec<RecordRow>, i64)> {
    let matching = |head: &'static str| -> Result<Sql> {
        let mut q = Sql::new(head);
        q.push(" WHERE x.group_id = ").bind(scope.group_id()).push(" AND ");
        q.filter(filter, filter_column)?;
        Ok(q)
    };
    let total = matching("SELECT COUNT(*) FROM records x")?.count(tx).await?;
    let mut q = matching(SELECT)?;
    q.push(" ORDER BY x.created_at DESC, x.id").page(page);
    Ok((q.fetch_all(tx).await?, total))
}

/// Which pledges each of these entries bears on.
pub async fn pledge_links(tx: &mut Tx, scope: &Scope, records: &[RecordId]) -> Result<Vec<(RecordId, PledgeId)>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT record_id, pledge_id FROM record_pledges WHERE record_id IN (");
    q.bind_list(records.iter().copied()).push(") AND group_id = ").bind(scope.group_id());
    q.fetch_all(tx).await
}

/// Add an entry to a representative's record. The pledges it bears on must
/// be theirs, and the campaign the group's.
pub async fn add(
    tx: &mut Tx,
    scope: &Scope,
    rep: RepresentativeId,
    entry: &Entry,
    campaign: Option<CampaignId>,
    pledges: &[PledgeId],
    now: DateTime<Utc>,
) -> Result<RecordId> {
    crate::representatives::get(tx, scope, rep).await?.ok_or(DbError::NotFound)?;
    super::pledges::check_ties(tx, scope, campaign, None).await?;
    crate::changes::check_document(tx, scope, entry.document).await?;
    for p in pledges {
        if super::pledges::get(tx, scope, *p).await?.is_none_or(|p| p.representative_id != rep) {
            return Err(DbError::NotFound);
        }
    }
    let id = RecordId::new();
    let (vote, wanted) = entry.vote.unzip();
    execute!(
        tx,
        "INSERT INTO records (id, group_id, representative_id, kind, on_date, title, detail, evidence_url, campaign_id, vote, wanted, \
         event_id, created_by_name, created_at, document_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $13, $14)",
        id,
        scope.group_id(),
        rep,
        entry.kind,
        entry.on_date,
        &entry.title,
        &entry.detail,
        &entry.evidence_url,
        campaign,
        vote,
        wanted,
        scope.actor_name(),
        now,
        entry.document
    )?;
    for p in pledges {
        execute!(
            tx,
            "INSERT INTO record_pledges (record_id, pledge_id, group_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            id,
            *p,
            scope.group_id()
        )?;
    }
    Ok(id)
}

pub async fn delete(tx: &mut Tx, scope: &Scope, rep: RepresentativeId, id: RecordId) -> Result<bool> {
    let n = execute!(tx, "DELETE FROM records WHERE id = $1 AND representative_id = $2 AND group_id = $3", id, rep, scope.group_id())?;
    Ok(n > 0)
}

/// A person checked in at an event (or, a mistake at the door, marked as
/// not there): if they are one of the group's representatives, their record
/// gains (or loses) the turn-up, once per event.
pub async fn turned_up(tx: &mut Tx, scope: &Scope, event: &Event, person: PersonId, came: bool, now: DateTime<Utc>) -> Result<()> {
    let Some(rep) = super::of_person(tx, scope, person).await? else { return Ok(()) };
    if !came {
        execute!(tx, "DELETE FROM records WHERE representative_id = $1 AND event_id = $2 AND kind = 'turn_up'", rep, event.id)?;
        return Ok(());
    }
    execute!(
        tx,
        "INSERT INTO records (id, group_id, representative_id, kind, on_date, title, detail, evidence_url, campaign_id, vote, wanted, \
         event_id, created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, '', '', $7, NULL, NULL, $8, $9, $10) \
         ON CONFLICT (representative_id, event_id) WHERE event_id IS NOT NULL DO NOTHING",
        RecordId::new(),
        scope.group_id(),
        rep,
        RecordKind::TurnUp,
        event.starts_at.date_naive(),
        &event.title,
        event.campaign_id,
        event.id,
        scope.actor_name(),
        now
    )?;
    Ok(())
}
