//! Statuses kept with their history: each time a demand or a pledge is
//! given a status, the change is noted with why, the evidence, who and when.
//! Evidence is a link, or one of the documents the group keeps.

use chrono::{DateTime, Utc};
use tredegar_domain::representatives::Change;
use tredegar_domain::{DemandId, PledgeId};

use crate::{Result, Scope, Sql, Tx};

/// What changed status.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Of {
    Demand(DemandId),
    Pledge(PledgeId),
}

impl Of {
    /// Its history's table and id column, and its id.
    fn table(self) -> (&'static str, &'static str, uuid::Uuid) {
        match self {
            Of::Demand(id) => ("demand_changes", "demand_id", id.0),
            Of::Pledge(id) => ("pledge_changes", "pledge_id", id.0),
        }
    }
}

/// One status a pledge or a demand was given.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StatusChange<S> {
    pub status: S,
    pub reason: String,
    pub evidence_url: String,
    pub document_id: Option<tredegar_domain::DocumentId>,
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
}

/// Note a change in its history.
pub(crate) async fn note<S: Copy>(
    tx: &mut Tx,
    scope: &Scope,
    of: Of,
    change: &Change<S>,
    stored: fn(S) -> &'static str,
    now: DateTime<Utc>,
) -> Result<()> {
    check_document(tx, scope, change.document).await?;
    let (table, column, id) = of.table();
    let mut q = Sql::new("INSERT INTO ");
    q.push(table)
        .push(" (id, group_id, ")
        .push(column)
        .push(", status, reason, evidence_url, document_id, changed_by_name, changed_at) VALUES (");
    q.bind(uuid::Uuid::now_v7()).push(", ").bind(scope.group_id()).push(", ").bind(id).push(", ").bind(stored(change.status));
    q.push(", ").bind(change.reason.as_str()).push(", ").bind(change.evidence_url.as_str()).push(", ").bind(change.document);
    q.push(", ").bind(scope.actor_name());
    q.push(", ").bind(now).push(")");
    q.execute(tx).await?;
    Ok(())
}

/// Its statuses, oldest first.
pub(crate) async fn history<S>(tx: &mut Tx, scope: &Scope, of: Of) -> Result<Vec<StatusChange<S>>>
where
    StatusChange<S>: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let (table, column, id) = of.table();
    let mut q = Sql::new("SELECT status, reason, evidence_url, document_id, changed_by_name, changed_at FROM ");
    q.push(table).push(" WHERE ").push(column).push(" = ").bind(id).push(" AND group_id = ").bind(scope.group_id());
    q.push(" ORDER BY changed_at, id").fetch_all(tx).await
}

/// Check that evidence chosen is one of the group's documents.
pub(crate) async fn check_document(tx: &mut Tx, scope: &Scope, id: Option<tredegar_domain::DocumentId>) -> Result<()> {
    if let Some(id) = id {
        let n = scalar!(tx, i64, "SELECT COUNT(*) FROM documents WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
        if n != Some(1) {
            return Err(tredegar_domain::Problem::new("document", "is not one of the group's documents").into());
        }
    }
    Ok(())
}
