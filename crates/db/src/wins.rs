//! A campaign's timeline and wins: what happened, dated, with its evidence
//! as a link or a document kept in the database (so backups and every app
//! server have it, and the export carries it). A win is recorded against a
//! demand, and moves that demand to won or partly won.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::campaigns::Moment;
use tredegar_domain::representatives::Change;
use tredegar_domain::{CampaignId, DemandId, DocumentId};
use uuid::Uuid;

use crate::{DbError, Result, Scope, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MomentRow {
    pub id: Uuid,
    pub happened_on: NaiveDate,
    pub title: String,
    pub detail: String,
    pub evidence_url: String,
    pub document_id: Option<DocumentId>,
    pub document_name: Option<String>,
    pub demand_id: Option<DemandId>,
    pub demand_text: Option<String>,
    pub is_win: bool,
    pub created_by_name: String,
}

/// A campaign's timeline, latest first.
pub async fn of_campaign(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<MomentRow>> {
    Ok(fetch_all!(
        tx,
        MomentRow,
        "SELECT m.id, m.happened_on, m.title, m.detail, m.evidence_url, m.document_id, d.name AS document_name, m.demand_id, \
         x.text AS demand_text, m.is_win, m.created_by_name FROM moments m LEFT JOIN documents d ON d.id = m.document_id \
         LEFT JOIN demands x ON x.id = m.demand_id WHERE m.campaign_id = $1 AND m.group_id = $2 ORDER BY m.happened_on DESC, m.id DESC",
        campaign,
        scope.group_id()
    )?)
}

/// A document as uploaded.
pub struct NewDocument<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub body: &'a [u8],
}

/// Add to a campaign's timeline, with a document if one came. A win moves
/// its demand (one of this campaign's) to won or partly won, with the
/// moment's title as the reason.
pub async fn add(
    tx: &mut Tx,
    scope: &Scope,
    campaign: CampaignId,
    moment: &Moment,
    document: Option<NewDocument<'_>>,
    now: DateTime<Utc>,
) -> Result<()> {
    crate::campaigns::get(tx, scope, campaign).await?.ok_or(DbError::NotFound)?;
    let demand = match moment.win {
        Some((d, status)) => {
            let found = crate::demands::get(tx, scope, d).await?.filter(|x| x.campaign_id == campaign);
            let found = found.ok_or_else(|| tredegar_domain::Problem::new("demand", "is not one of this campaign's demands"))?;
            if found.status != status {
                let change = Change { status, reason: moment.title.clone(), evidence_url: moment.evidence_url.clone(), document: None };
                // Dated when it was won, not when it was typed.
                let on = moment.happened_on.and_hms_opt(12, 0, 0).map_or(now, |t| t.and_utc().min(now));
                crate::demands::change(tx, scope, campaign, d, &change, on).await?;
            }
            Some(d)
        }
        None => None,
    };
    let document_id = match document {
        Some(doc) => {
            let id = DocumentId::new();
            execute!(
                tx,
                "INSERT INTO documents (id, group_id, campaign_id, name, content_type, size, body, uploaded_by_name, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                id,
                scope.group_id(),
                campaign,
                doc.name,
                doc.content_type,
                i64::try_from(doc.body.len()).unwrap_or(i64::MAX),
                doc.body,
                scope.actor_name(),
                now
            )?;
            Some(id)
        }
        None => None,
    };
    execute!(
        tx,
        "INSERT INTO moments (id, group_id, campaign_id, happened_on, title, detail, evidence_url, document_id, demand_id, is_win, \
         created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        Uuid::now_v7(),
        scope.group_id(),
        campaign,
        moment.happened_on,
        &moment.title,
        &moment.detail,
        &moment.evidence_url,
        document_id,
        demand,
        moment.win.is_some(),
        scope.actor_name(),
        now
    )?;
    Ok(())
}

/// A document of the group's: its name, type and bytes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Document {
    pub id: DocumentId,
    pub name: String,
    pub content_type: String,
    pub body: Vec<u8>,
}

pub async fn document(tx: &mut Tx, scope: &Scope, id: DocumentId) -> Result<Option<Document>> {
    Ok(fetch_optional!(
        tx,
        Document,
        "SELECT id, name, content_type, body FROM documents WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id()
    )?)
}

/// The ids of every document of the group, for the export to read one by one.
pub async fn document_ids(tx: &mut Tx, scope: &Scope) -> Result<Vec<DocumentId>> {
    let rows = fetch_all!(tx, (DocumentId,), "SELECT id FROM documents WHERE group_id = $1 ORDER BY uploaded_at, id", scope.group_id())?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The group's documents, newest first, for choosing one as evidence:
/// (id, name, the campaign's title).
pub async fn documents(tx: &mut Tx, scope: &Scope) -> Result<Vec<(DocumentId, String, String)>> {
    Ok(fetch_all!(
        tx,
        (DocumentId, String, String),
        "SELECT d.id, d.name, c.title FROM documents d JOIN campaigns c ON c.id = d.campaign_id WHERE d.group_id = $1 \
         ORDER BY d.uploaded_at DESC, d.id LIMIT 500",
        scope.group_id()
    )?)
}
