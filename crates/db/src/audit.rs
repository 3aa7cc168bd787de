//! The audit log of sensitive actions: viewing a person, exports, role
//! changes, deletions and changes to sharing. Written in the same transaction
//! as the action where there is one, so neither happens without the other.

use chrono::{DateTime, Utc};
use tredegar_domain::{AuditAction, AuditId};

use crate::{Page, Result, Scope, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: AuditId,
    pub user_name: String,
    pub action: AuditAction,
    pub subject: String,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// Record an action, naming who took it: a member, the command line, or a public form.
pub async fn record(tx: &mut Tx, scope: &Scope, action: AuditAction, subject: &str, detail: &str, now: DateTime<Utc>) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO audit_log (id, group_id, user_id, user_name, action, subject, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        AuditId::new(),
        scope.group_id(),
        scope.user_id(),
        scope.actor_name(),
        action,
        subject,
        detail,
        now
    )?;
    Ok(())
}

pub async fn list(tx: &mut Tx, scope: &Scope, page: Page) -> Result<(Vec<AuditEntry>, i64)> {
    let rows = fetch_all!(
        tx,
        AuditEntry,
        "SELECT id, user_name, action, subject, detail, at FROM audit_log WHERE group_id = $1 ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3",
        scope.group_id(),
        page.per_page,
        page.offset()
    )?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM audit_log WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((rows, total))
}

/// The whole log, newest first, sent down the channel one entry at a time.
pub async fn send_all(tx: &mut Tx, scope: &Scope, to: tokio::sync::mpsc::Sender<AuditEntry>) -> Result<()> {
    let mut q = crate::Sql::new("SELECT id, user_name, action, subject, detail, at FROM audit_log WHERE group_id = ");
    q.bind(scope.group_id()).push(" ORDER BY at DESC, id DESC");
    q.send_each(tx, &to, |e: AuditEntry| e).await
}
